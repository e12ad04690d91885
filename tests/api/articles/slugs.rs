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

#[actix_web::test]
async fn a_slug_that_redirects_belongs_to_its_article() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let writer = app.user("writer").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.published(&editor, json!({"headline": "Old name", "section_id": section})).await;
    app.edit(&editor, &a, json!({"slug": "new-name"})).await;

    // Nobody else may take the old slug: not on create, not by renaming.
    let res = app.post(
        "/api/v1/articles",
        Some(&writer),
        json!({"headline": "Mine", "section_id": section, "slug": "old-name"}),
    );
    res.await.assert_problem(409, "slug_taken");
    let b = app.article(&writer, json!({"headline": "Another piece", "section_id": section})).await;
    app.edit(&writer, &b, json!({"slug": "old-name"})).await.assert_problem(409, "slug_taken");
    // A slug made from a headline steps around it.
    let c = app.article(&writer, json!({"headline": "Old name", "section_id": section})).await;
    assert_eq!(c["slug"], "old-name-2");

    // Renaming the other article does not move the redirect.
    let b = app.edit(&writer, &b, json!({"slug": "yet-another"})).await.json();
    app.edit(&writer, &b, json!({"headline": "Changed"})).await;
    let res = app.get("/api/v1/public/articles/old-name", None).await;
    assert_eq!(res.status, 301);
    assert_eq!(res.header("location").as_deref(), Some("/api/v1/public/articles/new-name"));
}
