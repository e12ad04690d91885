//! Revisions: every save is kept, any can be restored as a new save.

use actix_web::http::Method;
use serde_json::json;

use super::id;
use crate::common::TestApp;

#[actix_web::test]
async fn revisions_keep_everything_and_restore_as_a_new_save() {
    let app = TestApp::spawn().await;
    let (editor_id, _, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "Culture"})).await;
    let a = app.article(&editor, json!({"headline": "First headline", "section_id": section, "tags": ["art"]})).await;
    let a = app.edit(&editor, &a, json!({"headline": "Second headline"})).await.json();
    let a = app.edit(&editor, &a, json!({"headline": "Third headline", "tags": []})).await.json();
    let base = format!("/api/v1/articles/{}/revisions", id(&a));

    let list = app.get(&base, Some(&editor)).await.json();
    let numbers: Vec<i64> = list["items"].as_array().unwrap().iter().map(|r| r["number"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(list["items"][0]["created_by"]["id"], editor_id);
    assert_eq!(list["items"][2]["note"], "created");
    let page = app.get(&format!("{base}?limit=2"), Some(&editor)).await.json();
    let next = page["next_cursor"].as_str().unwrap().to_string();
    let rest = app.get(&format!("{base}?limit=2&cursor={next}"), Some(&editor)).await.json();
    assert_eq!(rest["items"][0]["number"], 1);

    let first = app.get(&format!("{base}/1"), Some(&editor)).await.json();
    assert_eq!(first["content"]["headline"], "First headline");
    assert_eq!(first["content"]["tags"], json!(["art"]));
    app.get(&format!("{base}/9"), Some(&editor)).await.assert_problem(404, "not_found");
    app.get(&format!("{base}/x"), Some(&editor)).await.assert_problem(404, "not_found");

    let restore = format!("{base}/1/restore");
    app.send(Method::POST, &restore, Some(&editor), None).await.assert_problem(428, "precondition_required");
    let res = app.send_with(Method::POST, &restore, Some(&editor), None, &[("if-match", "\"3\"")]).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let restored = res.json();
    assert_eq!(restored["headline"], "First headline");
    assert_eq!(restored["tags"], json!(["art"]));
    assert_eq!(restored["version"], 4);
    let list = app.get(&base, Some(&editor)).await.json();
    assert_eq!(list["items"][0]["number"], 4);
    assert_eq!(list["items"][0]["note"], "restored revision 1");
    assert_eq!(app.get(&format!("{base}/3"), Some(&editor)).await.json()["content"]["headline"], "Third headline");
}

#[actix_web::test]
async fn revision_numbers_have_one_spelling() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.article(&editor, json!({"headline": "Points", "section_id": section})).await;
    let base = format!("/api/v1/articles/{}/revisions", a["id"].as_str().unwrap());
    assert_eq!(app.get(&format!("{base}/1"), Some(&editor)).await.status, 200);
    for odd in ["01", "+1", "-1", "0", "1.0"] {
        app.get(&format!("{base}/{odd}"), Some(&editor)).await.assert_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn restoring_a_revision_obeys_the_rules_of_an_update() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let (writer_id, _, writer) = app.user("writer").await;
    let commercial = app.user("commercial").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    let block = app.post("/api/v1/sponsored", Some(&commercial), json!({
        "title": "Ports", "sponsor_name": "Harbourline", "label": "Sponsored", "disclosure": "Paid for by Harbourline.",
        "body": [{"type": "paragraph", "text": "Ports."}], "placement": "article_inline", "status": "active"
    })).await.json();
    let a = app.article(&writer, json!({"headline": "Shipping", "section_id": section})).await;
    // The editor places a sponsored block (revision 2), then takes it out (revision 3).
    let with_block = json!([{"type": "paragraph", "text": "Ships."}, {"type": "sponsored", "block_id": block["id"]}]);
    let a = app.edit(&editor, &a, json!({"body": with_block})).await.json();
    let a = app.edit(&editor, &a, json!({"body": [{"type": "paragraph", "text": "Ships."}]})).await.json();
    let base = format!("/api/v1/articles/{}/revisions", id(&a));
    let etag = format!("\"{}\"", a["version"]);

    // The writer may not put it back by restoring: PATCH refuses that too.
    let res =
        app.send_with(Method::POST, &format!("{base}/2/restore"), Some(&writer), None, &[("if-match", &etag)]).await;
    res.assert_problem(403, "forbidden");
    let res = app.edit(&writer, &a, json!({"body": with_block})).await;
    res.assert_problem(403, "forbidden");

    // Nor drop their own byline by restoring a revision without it.
    let other = app.user("writer").await.0;
    let a = app.edit(&editor, &a, json!({"author_ids": [other]})).await.json();
    let a = app.edit(&editor, &a, json!({"author_ids": [writer_id, other]})).await.json();
    let etag = format!("\"{}\"", a["version"]);
    let res =
        app.send_with(Method::POST, &format!("{base}/4/restore"), Some(&writer), None, &[("if-match", &etag)]).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "author_ids");
    // What PATCH allows, restore allows.
    let res =
        app.send_with(Method::POST, &format!("{base}/1/restore"), Some(&writer), None, &[("if-match", &etag)]).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
}

#[actix_web::test]
async fn only_those_who_may_edit_an_article_read_its_revisions() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let author = app.user("writer").await.2;
    let colleague = app.user("writer").await.2;
    let section = app.section(&editor, json!({"name": "Politics"})).await;
    let a = app.article(&author, json!({"headline": "Draft with a secret", "section_id": section})).await;
    let a = app.edit(&author, &a, json!({"standfirst": "A source who must stay unnamed"})).await.json();
    let a = app.edit(&author, &a, json!({"standfirst": null})).await.json();
    let base = format!("/api/v1/articles/{}/revisions", id(&a));

    // While it is the author's draft: the author and editors read the history.
    assert_eq!(app.get(&base, Some(&author)).await.status, 200);
    assert_eq!(app.get(&format!("{base}/2"), Some(&author)).await.status, 200);
    app.get(&base, Some(&colleague)).await.assert_problem(404, "not_found");

    // Published: other writers read the article, never what it said before.
    let a = app.action(&editor, &a, "publish", None).await.json();
    assert_eq!(app.get(&format!("/api/v1/articles/{}", id(&a)), Some(&colleague)).await.status, 200);
    for who in [&colleague, &author] {
        app.get(&base, Some(who)).await.assert_problem(403, "forbidden");
        app.get(&format!("{base}/2"), Some(who)).await.assert_problem(403, "forbidden");
    }
    let second = app.get(&format!("{base}/2"), Some(&editor)).await.json();
    assert_eq!(second["content"]["standfirst"], "A source who must stay unnamed");
}
