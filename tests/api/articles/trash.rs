//! Trash: a trashed article leaves every list and the public site, refuses changes, and
//! comes back with a restore.

use actix_web::http::Method;
use serde_json::json;

use super::id;
use crate::common::{TestApp, slugs};

#[actix_web::test]
async fn trashed_articles_leave_the_public_site_refuse_changes_and_can_be_restored() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let (_, _, writer) = app.user("writer").await;
    let section = app.section(&editor, json!({"name": "Sport"})).await;
    let a = app.published(&editor, json!({"headline": "Cup final", "section_id": section})).await;
    let path = format!("/api/v1/articles/{}", id(&a));
    app.send(Method::DELETE, &path, Some(&editor), None).await.assert_problem(428, "precondition_required");
    let etag = format!("\"{}\"", a["version"]);
    let res = app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", &etag)]).await;
    assert_eq!(res.status, 204);
    app.get("/api/v1/public/articles/cup-final", None).await.assert_problem(404, "not_found");
    let trashed = app.get(&path, Some(&editor)).await.json();
    assert!(trashed["trashed_at"].is_string());
    let list = app.get("/api/v1/articles", Some(&editor)).await.json();
    assert!(list["items"].as_array().unwrap().is_empty());
    let trash = app.get("/api/v1/articles?trashed=true", Some(&editor)).await.json();
    assert_eq!(trash["items"][0]["id"], a["id"]);
    app.edit(&editor, &trashed, json!({"headline": "x"})).await.assert_problem(409, "article_trashed");
    app.action(&editor, &trashed, "unpublish", None).await.assert_problem(409, "article_trashed");
    let etag = format!("\"{}\"", trashed["version"]);
    app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", &etag)])
        .await
        .assert_problem(409, "article_trashed");

    let res =
        app.send_with(Method::POST, &format!("{path}/restore"), Some(&editor), None, &[("if-match", &etag)]).await;
    assert_eq!(res.status, 200);
    assert!(res.json()["trashed_at"].is_null());
    assert_eq!(app.get("/api/v1/public/articles/cup-final", None).await.status, 200);

    // Writers trash their own drafts only.
    let draft = app.article(&writer, json!({"headline": "My draft", "section_id": section})).await;
    let dpath = format!("/api/v1/articles/{}", id(&draft));
    let res = app.send_with(Method::DELETE, &dpath, Some(&writer), None, &[("if-match", "\"1\"")]).await;
    assert_eq!(res.status, 204);
    let res =
        app.send_with(Method::POST, &format!("{dpath}/restore"), Some(&writer), None, &[("if-match", "\"2\"")]).await;
    assert_eq!(res.status, 200);
    // Sections holding articles stay.
    let res = app
        .send_with(
            Method::DELETE,
            &format!("/api/v1/sections/{section}"),
            Some(&editor),
            None,
            &[("if-match", "\"1\"")],
        )
        .await;
    res.assert_problem(409, "section_not_empty");
}

#[actix_web::test]
async fn writers_do_not_see_others_trashed_articles() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let (_, _, writer) = app.user("writer").await;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.published(&editor, json!({"headline": "Pulled", "section_id": section})).await;
    let path = format!("/api/v1/articles/{}", a["id"].as_str().unwrap());
    let res = app
        .send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", &format!("\"{}\"", a["version"]))])
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(res.header("etag"), Some(format!("\"{}\"", a["version"].as_i64().unwrap() + 1)));
    app.get(&path, Some(&writer)).await.assert_problem(404, "not_found");
    assert!(slugs(&app.get("/api/v1/articles?trashed=true", Some(&writer)).await.json()).is_empty());
    assert!(slugs(&app.get("/api/v1/articles", Some(&writer)).await.json()).is_empty());
}

#[actix_web::test]
async fn a_restored_article_whose_poll_was_deleted_stays_editable_without_the_poll() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = app
        .post(
            "/api/v1/polls",
            Some(&editor),
            json!({"title": "P", "questions": [{"prompt": "Q", "kind": "free_text"}]}),
        )
        .await
        .json();
    let section = app.section(&editor, json!({"name": "World"})).await;
    let body = json!([{"type": "paragraph", "text": "Vote"}, {"type": "poll", "poll_id": poll["id"]}]);
    let a = app.published(&editor, json!({"headline": "Polled", "section_id": section, "body": body})).await;
    let path = format!("/api/v1/articles/{}", a["id"].as_str().unwrap());
    let etag = format!("\"{}\"", a["version"]);
    assert_eq!(app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", &etag)]).await.status, 204);
    let poll_path = format!("/api/v1/polls/{}", poll["id"].as_str().unwrap());
    assert_eq!(
        app.send_with(Method::DELETE, &poll_path, Some(&editor), None, &[("if-match", "\"1\"")]).await.status,
        204
    );
    let etag = format!("\"{}\"", a["version"].as_i64().unwrap() + 1);
    let restored = app
        .send_with(Method::POST, &format!("{path}/restore"), Some(&editor), None, &[("if-match", &etag)])
        .await
        .json();
    let res = app.edit(&editor, &restored, json!({"headline": "Polled, edited"})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let page = app.get("/api/v1/public/articles/polled", None).await.json();
    assert_eq!(page["body"].as_array().unwrap().len(), 1, "the missing poll is left out");
}
