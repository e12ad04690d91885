//! The site settings: admins only, validation naming every field, the optional
//! If-Match, the logo from the media library, and the public answer frontends read.

use actix_web::http::Method;
use serde_json::json;

use crate::common::TestApp;
use crate::media::{jpeg, uploaded};

fn settings() -> serde_json::Value {
    json!({
        "name": "The Daily Example", "description": "News since 1887",
        "base_url": "https://news.example.com/", "publisher_name": "Example Media Ltd",
        "language": "en-GB", "time_zone": "Europe/London", "article_path": "/{section}/{year}/{slug}"
    })
}

#[actix_web::test]
async fn defaults_until_an_admin_saves_then_what_was_saved() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app.get("/api/v1/site", Some(&admin)).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("etag").as_deref(), Some("\"0\""));
    let v = res.json();
    assert_eq!(v["version"], 0);
    assert_eq!(v["updated_at"], serde_json::Value::Null);
    assert_eq!(v["name"], "Masthead");
    assert_eq!(v["time_zone"], "UTC");
    assert_eq!(v["article_path"], "/{section}/{slug}");

    let res = app.send(Method::PUT, "/api/v1/site", Some(&admin), Some(settings())).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    let v = res.json();
    assert_eq!(v["base_url"], "https://news.example.com", "the trailing slash is dropped");
    assert_eq!(v["language"], "en-GB");
    assert!(v["updated_at"].is_string());

    let public = app.get("/api/v1/public/site", None).await;
    assert_eq!(public.status, 200);
    assert!(public.header("cache-control").unwrap().starts_with("public"));
    let p = public.json();
    assert_eq!(p["name"], "The Daily Example");
    assert_eq!(p["publisher_name"], "Example Media Ltd");
    assert_eq!(p["article_path"], "/{section}/{year}/{slug}");
    assert!(p.get("version").is_none());
    let etag = public.header("etag").unwrap();
    let again = app.send_with(Method::GET, "/api/v1/public/site", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);

    // Omitted optional fields go back to their defaults: a PUT replaces the whole.
    let res = app
        .send(
            Method::PUT,
            "/api/v1/site",
            Some(&admin),
            Some(json!({"name": "Other", "base_url": "https://other.example", "publisher_name": "Other Ltd"})),
        )
        .await;
    assert_eq!(res.status, 200);
    let v = res.json();
    assert_eq!(
        (v["language"].as_str(), v["time_zone"].as_str(), v["version"].as_i64()),
        (Some("en"), Some("UTC"), Some(2))
    );
    assert_eq!(v["description"], serde_json::Value::Null);
    let p = app.get("/api/v1/public/site", None).await;
    assert_ne!(p.header("etag").unwrap(), etag, "the public answer changes with the settings");
}

#[actix_web::test]
async fn only_admins_read_or_write_them() {
    let app = TestApp::spawn().await;
    for role in ["editor", "writer", "commercial"] {
        let (_, _, token) = app.user(role).await;
        app.get("/api/v1/site", Some(&token)).await.assert_problem(403, "forbidden");
        app.send(Method::PUT, "/api/v1/site", Some(&token), Some(settings())).await.assert_problem(403, "forbidden");
    }
    app.get("/api/v1/site", None).await.assert_problem(401, "invalid_token");
    app.send(Method::PUT, "/api/v1/site", None, Some(settings())).await.assert_problem(401, "invalid_token");
    let admin = app.admin_token().await;
    assert_eq!(app.get("/api/v1/site", Some(&admin)).await.json()["version"], 0, "nothing was written");
}

#[actix_web::test]
async fn every_bad_field_is_named_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let bad = json!({
        "name": "  ", "base_url": "javascript:alert(1)", "publisher_name": "P",
        "language": "english", "time_zone": "Mars/Olympus", "article_path": "/{headline}",
        "logo": {"alt": "no url and no asset"}
    });
    let res = app.send(Method::PUT, "/api/v1/site", Some(&admin), Some(bad)).await;
    let problem = res.assert_problem(422, "validation_failed");
    let mut fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["article_path", "base_url", "language", "logo.url", "name", "time_zone"]);
    for base_url in ["https://news.example.com/?x=1", "https://news.example.com/#top", "http://a b"] {
        let mut body = settings();
        body["base_url"] = json!(base_url);
        let res = app.send(Method::PUT, "/api/v1/site", Some(&admin), Some(body)).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "base_url", "{base_url}");
    }
    let mut body = settings();
    body["name"] = json!("Bad\u{0}name");
    app.send(Method::PUT, "/api/v1/site", Some(&admin), Some(body)).await.assert_problem(422, "validation_failed");
    let mut body = settings();
    body["colour"] = json!("blue");
    app.send(Method::PUT, "/api/v1/site", Some(&admin), Some(body)).await.assert_problem(422, "validation_failed");
    assert_eq!(app.get("/api/v1/site", Some(&admin)).await.json()["version"], 0);
}

#[actix_web::test]
async fn if_match_is_optional_but_holds_when_sent() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let put = |etag: &'static str| {
        let (app, admin) = (&app, &admin);
        async move { app.send_with(Method::PUT, "/api/v1/site", Some(admin), Some(settings()), &[("if-match", etag)]).await }
    };
    assert_eq!(put("\"0\"").await.status, 200, "the defaults are version 0");
    let stale = put("\"0\"").await;
    stale.assert_problem(412, "precondition_failed");
    assert_eq!(stale.header("etag").as_deref(), Some("\"1\""));
    put("not-a-tag").await.assert_problem(400, "malformed_if_match");
    assert_eq!(put("\"1\"").await.status, 200);
    assert_eq!(put("*").await.status, 200);
    let res = app.send(Method::PUT, "/api/v1/site", Some(&admin), Some(settings())).await;
    assert_eq!(res.json()["version"], 4, "without If-Match the last write wins");
}

#[actix_web::test]
async fn the_logo_can_be_a_library_image() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let asset = uploaded(&app, &admin, &jpeg(600, 60, 7), "logo.jpg").await;
    let mut body = settings();
    body["logo"] = json!({"asset_id": "no-such-asset"});
    let res = app.send(Method::PUT, "/api/v1/site", Some(&admin), Some(body.clone())).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "logo.asset_id");
    body["logo"] = json!({"asset_id": asset["id"], "alt": "The Daily Example"});
    let res = app.send(Method::PUT, "/api/v1/site", Some(&admin), Some(body)).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let logo = app.get("/api/v1/public/site", None).await.json()["logo"].clone();
    assert_eq!(logo["asset_id"], asset["id"]);
    assert_eq!((logo["width"].as_u64(), logo["height"].as_u64()), (Some(600), Some(60)));
    assert_eq!(logo["alt"], "The Daily Example");
    assert!(logo["url"].as_str().unwrap().contains(asset["id"].as_str().unwrap()));
}
