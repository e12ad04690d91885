//! The editorial list: filters, search, paging, and what writers see.

use serde_json::{Value, json};

use crate::common::TestApp;

#[actix_web::test]
async fn the_editorial_list_filters_and_writers_see_their_own_and_published() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let (writer_id, _, writer) = app.user("writer").await;
    let (_, _, other) = app.user("writer").await;
    let business = app.section(&editor, json!({"name": "Business"})).await;
    let markets = app.section(&editor, json!({"name": "Markets", "parent_id": business})).await;
    let politics = app.section(&editor, json!({"name": "Politics"})).await;
    app.article(&writer, json!({"headline": "Writer draft about bonds", "section_id": markets, "tags": ["bonds"]}))
        .await;
    app.article(&other, json!({"headline": "Other draft", "section_id": politics})).await;
    app.published(&editor, json!({"headline": "Editor published piece", "section_id": politics, "body": [{"type": "paragraph", "text": "Elections loom"}]})).await;
    app.article(&editor, json!({"headline": "Editor draft", "section_id": business})).await;

    let headlines = |v: Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|a| a["headline"].as_str().unwrap().to_string()).collect()
    };
    let all = headlines(app.get("/api/v1/articles", Some(&editor)).await.json());
    assert_eq!(
        all,
        ["Editor draft", "Editor published piece", "Other draft", "Writer draft about bonds"],
        "newest first"
    );
    let mine = headlines(app.get("/api/v1/articles", Some(&writer)).await.json());
    assert_eq!(mine, ["Editor published piece", "Writer draft about bonds"]);
    assert_eq!(
        headlines(app.get(&format!("/api/v1/articles?section={business}"), Some(&editor)).await.json()).len(),
        2
    );
    assert_eq!(
        headlines(app.get("/api/v1/articles?status=published", Some(&editor)).await.json()),
        ["Editor published piece"]
    );
    assert_eq!(headlines(app.get("/api/v1/articles?status=draft", Some(&editor)).await.json()).len(), 3);
    assert_eq!(
        headlines(app.get(&format!("/api/v1/articles?author={writer_id}"), Some(&editor)).await.json()),
        ["Writer draft about bonds"]
    );
    assert_eq!(
        headlines(app.get("/api/v1/articles?tag=BONDS", Some(&editor)).await.json()),
        ["Writer draft about bonds"]
    );
    assert_eq!(
        headlines(app.get("/api/v1/articles?q=elections", Some(&editor)).await.json()),
        ["Editor published piece"]
    );
    assert_eq!(
        headlines(app.get("/api/v1/articles?q=100%25", Some(&editor)).await.json()).len(),
        0,
        "LIKE wildcards are literal"
    );
    app.get("/api/v1/articles?status=live", Some(&editor)).await.assert_problem(422, "validation_failed");
    app.get("/api/v1/articles?sort=headline", Some(&editor)).await.assert_problem(400, "unknown_query_parameter");

    let page = app.get("/api/v1/articles?limit=3", Some(&editor)).await.json();
    let next = page["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/articles?limit=3&cursor={next}"), Some(&editor)).await.json();
    assert_eq!(headlines(rest), ["Writer draft about bonds"]);
}

#[actix_web::test]
async fn search_terms_over_200_characters_are_422_in_both_lists() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let long = "a".repeat(201);
    app.get(&format!("/api/v1/public/articles?q={long}"), None).await.assert_problem(422, "validation_failed");
    app.get(&format!("/api/v1/articles?q={long}"), Some(&editor)).await.assert_problem(422, "validation_failed");
}
