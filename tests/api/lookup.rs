//! External ids on articles, and finding an article by its slug or its external id
//! with the visibility of reading it by id.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::TestApp;

fn lookup(query: &str) -> String {
    format!("/api/v1/articles/lookup?{query}")
}

#[actix_web::test]
async fn an_article_keeps_the_external_id_it_was_given_and_is_found_by_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "World"})).await;
    let (_, _, editor) = app.user("editor").await;
    let guid = "https://old.example.com/?p=123 & more";
    let article =
        app.article(&editor, json!({"headline": "Imported", "section_id": section, "external_id": guid})).await;
    assert_eq!(article["external_id"], guid, "kept exactly as given");
    let id = article["id"].as_str().unwrap();

    let found = app.get(&lookup(&format!("external_id={}", urlencode(guid))), Some(&editor)).await;
    assert_eq!(found.status, 200);
    assert_eq!(found.json()["id"], id);
    assert_eq!(found.header("etag").as_deref(), Some("\"1\""));
    let by_slug = app.get(&lookup(&format!("slug={}", article["slug"].as_str().unwrap())), Some(&editor)).await;
    assert_eq!(by_slug.json()["id"], id);
    assert_eq!(app.get(&format!("/api/v1/articles/{id}"), Some(&editor)).await.json()["external_id"], guid);
    let listed = app.get("/api/v1/articles", Some(&editor)).await.json();
    assert_eq!(listed["items"][0]["external_id"], guid, "lists carry it too");

    // Unique among articles; a PATCH changes it, `null` clears it.
    let other = app.article(&editor, json!({"headline": "Other", "section_id": section})).await;
    assert_eq!(other["external_id"], Value::Null);
    app.edit(&editor, &other, json!({"external_id": guid})).await.assert_problem(409, "external_id_taken");
    app.post(
        "/api/v1/articles",
        Some(&editor),
        json!({"headline": "Again", "section_id": section, "external_id": guid}),
    )
    .await
    .assert_problem(409, "external_id_taken");
    let changed = app.edit(&editor, &article, json!({"external_id": "wp-123"})).await.json();
    assert_eq!(changed["external_id"], "wp-123");
    // Only the id changed: a new version, but no revision and no change readers see.
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["updated_at"], article["updated_at"]);
    let revisions = app.get(&format!("/api/v1/articles/{id}/revisions"), Some(&editor)).await.json();
    assert_eq!(revisions["items"].as_array().unwrap().len(), 1, "{revisions}");
    assert_eq!(app.get(&lookup(&format!("external_id={}", urlencode(guid))), Some(&editor)).await.status, 404);
    let moved = app.edit(&editor, &other, json!({"external_id": guid})).await.json();
    assert_eq!(moved["external_id"], guid, "a freed id may be taken");
    let cleared = app.edit(&editor, &changed, json!({"external_id": null})).await.json();
    assert_eq!(cleared["external_id"], Value::Null);
    assert_eq!(app.get(&lookup("external_id=wp-123"), Some(&editor)).await.status, 404);
    let kept = app.edit(&editor, &moved, json!({"headline": "Other, edited"})).await.json();
    assert_eq!(kept["external_id"], guid, "a PATCH without it leaves it");

    // Kept exactly as given, so what cannot be kept is refused.
    let too_long = "x".repeat(256);
    for bad in [json!(""), json!(" wp-1"), json!("wp-1 "), json!("a\nb"), json!(too_long), json!(7)] {
        let res = app
            .post(
                "/api/v1/articles",
                Some(&editor),
                json!({"headline": "Bad", "section_id": section, "external_id": bad}),
            )
            .await;
        assert_eq!(res.status, 422, "{bad}");
        let res = app.edit(&editor, &kept, json!({"external_id": bad})).await;
        assert_eq!(res.status, 422, "{bad}");
    }
    let res = app
        .post("/api/v1/articles", Some(&editor), json!({"headline": "", "section_id": section, "external_id": " x"}))
        .await;
    let fields: Vec<Value> = res.assert_problem(422, "validation_failed")["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(fields, [json!("headline"), json!("external_id")]);
}

#[actix_web::test]
async fn lookup_sees_what_reading_by_id_sees_and_takes_exactly_one_key() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "World"})).await;
    let (_, _, writer) = app.user("writer").await;
    let (_, _, other_writer) = app.user("writer").await;
    let (_, _, commercial) = app.user("commercial").await;
    let draft =
        app.article(&writer, json!({"headline": "My draft", "section_id": section, "external_id": "d-1"})).await;
    assert_eq!(app.get(&lookup("external_id=d-1"), Some(&writer)).await.status, 200);
    app.get(&lookup("external_id=d-1"), Some(&other_writer)).await.assert_problem(404, "not_found");
    app.get(&lookup(&format!("slug={}", draft["slug"].as_str().unwrap())), Some(&other_writer))
        .await
        .assert_problem(404, "not_found");
    app.get(&lookup("external_id=d-1"), Some(&commercial)).await.assert_problem(403, "forbidden");
    app.get(&lookup("external_id=d-1"), None).await.assert_problem(401, "invalid_token");
    assert_eq!(app.get(&lookup("external_id=nothing"), Some(&admin)).await.status, 404);

    // A former slug finds nothing here (the public API redirects it).
    let renamed = app.edit(&writer, &draft, json!({"slug": "my-renamed-draft"})).await.json();
    assert_eq!(app.get(&lookup("slug=my-renamed-draft"), Some(&writer)).await.json()["id"], renamed["id"]);
    assert_eq!(app.get(&lookup(&format!("slug={}", draft["slug"].as_str().unwrap())), Some(&writer)).await.status, 404);

    for query in ["", "slug=a&external_id=b"] {
        let res = app.get(&lookup(query), Some(&writer)).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "query", "{query}");
    }
    // The literal path is its own resource, not an article id.
    for method in [Method::DELETE, Method::PATCH, Method::OPTIONS] {
        let res = app.send(method.clone(), "/api/v1/articles/lookup", Some(&writer), None).await;
        assert_eq!((res.status, res.header("allow")), (405, Some("GET".to_string())), "{method}");
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
