//! Slugs: unique under concurrent creation; a changed slug redirects from the old one.

use serde_json::json;

use crate::common::TestApp;

#[actix_web::test]
async fn concurrent_creates_with_one_headline_all_get_unique_slugs() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let body = json!({"headline": "Same headline", "section_id": section});
    let results =
        futures_util::future::join_all((0..8).map(|_| app.post("/api/v1/articles", Some(&editor), body.clone()))).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let mut slugs: Vec<String> = results.iter().map(|r| r.json()["slug"].as_str().unwrap().to_string()).collect();
    slugs.sort();
    slugs.dedup();
    assert_eq!(slugs.len(), 8);
}

#[actix_web::test]
async fn a_slug_change_redirects_the_old_slug() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.published(&editor, json!({"headline": "Old name", "section_id": section})).await;
    let a = app.edit(&editor, &a, json!({"slug": "new-name"})).await.json();
    assert_eq!(a["slug"], "new-name");
    let res = app.get("/api/v1/public/articles/old-name", None).await;
    assert_eq!(res.status, 301);
    assert_eq!(res.header("location").as_deref(), Some("/api/v1/public/articles/new-name"));
    assert_eq!(app.get("/api/v1/public/articles/new-name", None).await.status, 200);
    // Back to the old slug: it answers directly again.
    let a = app.edit(&editor, &a, json!({"slug": "old-name"})).await.json();
    assert_eq!(app.get("/api/v1/public/articles/old-name", None).await.status, 200);
    assert_eq!(app.get("/api/v1/public/articles/new-name", None).await.status, 301);
    // Once unpublished, neither answers.
    app.action(&editor, &a, "unpublish", None).await;
    app.get("/api/v1/public/articles/new-name", None).await.assert_problem(404, "not_found");
    app.get("/api/v1/public/articles/old-name", None).await.assert_problem(404, "not_found");
}
