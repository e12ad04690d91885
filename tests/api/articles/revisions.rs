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
