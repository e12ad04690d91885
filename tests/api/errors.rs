//! Every failure is RFC 9457 problem+json with a stable code, and bad input never
//! gets a 500.

use actix_web::http::Method;
use serde_json::json;

use crate::common::TestApp;

#[actix_web::test]
async fn unknown_route_is_404_problem_with_instance() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/v1/nothing-here", None).await;
    let body = res.assert_problem(404, "not_found");
    assert_eq!(body["instance"], "/api/v1/nothing-here");
    app.get("/", None).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn wrong_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let res = app.send(Method::DELETE, "/api/v1/auth/me", None, None).await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET"));
    let res = app.send(Method::PUT, "/api/v1/users", None, None).await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET, POST"));
    let res = app.send(Method::POST, "/healthz", None, None).await;
    res.assert_problem(405, "method_not_allowed");
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    for body in [&b"{\"email\": "[..], b"not json", b"{\"email\":\"a\",\"password\":\"b\"} trailing", b""] {
        let res = app.send_raw(Method::POST, "/api/v1/auth/login", None, "application/json", body.to_vec()).await;
        res.assert_problem(400, "malformed_json");
    }
}

#[actix_web::test]
async fn unknown_fields_and_wrong_types_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let res = app.post("/api/v1/auth/login", None, json!({"email": "a@b.c", "password": "x", "remember": true})).await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "remember");
    let res = app.post("/api/v1/auth/login", None, json!({"email": "a@b.c"})).await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "password");
    let res = app.post("/api/v1/auth/login", None, json!({"email": 5, "password": "x"})).await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "email");
    let res = app.post("/api/v1/auth/login", None, json!(["a"])).await;
    res.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn wrong_content_type_is_415() {
    let app = TestApp::spawn().await;
    let res = app
        .send_raw(
            Method::POST,
            "/api/v1/auth/login",
            None,
            "text/plain",
            b"{\"email\":\"a\",\"password\":\"b\"}".to_vec(),
        )
        .await;
    res.assert_problem(415, "unsupported_media_type");
}

#[actix_web::test]
async fn oversized_body_is_413() {
    let app = TestApp::spawn_with(|s| s.max_body_bytes = 1024).await;
    let big = json!({"email": "a@b.c", "password": "x".repeat(4096)});
    let res = app.post("/api/v1/auth/login", None, big).await;
    res.assert_problem(413, "payload_too_large");
}

#[actix_web::test]
async fn unknown_query_parameters_are_400_and_bad_values_422() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app.get("/api/v1/users?limt=5", Some(&admin)).await;
    let body = res.assert_problem(400, "unknown_query_parameter");
    assert_eq!(body["errors"][0]["field"], "limt");
    app.get("/api/v1/auth/me?debug=1", Some(&admin)).await.assert_problem(400, "unknown_query_parameter");
    for bad in
        ["limit=0", "limit=101", "limit=abc", "limit=-1", "cursor=%%%", "cursor=bm9wZQ", "role=owner", "active=maybe"]
    {
        let res = app.get(&format!("/api/v1/users?{bad}"), Some(&admin)).await;
        res.assert_problem(422, "validation_failed");
    }
}

#[actix_web::test]
async fn control_characters_are_rejected_and_unicode_round_trips() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .post("/api/v1/users", Some(&admin), json!({"email": "nul@example.org", "role": "writer", "password": "a-long-password-1", "display_name": "Bad\u{0}Name"}))
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "display_name");
    let name = "Zoë 日本語 🗞️ Ünïcode";
    let res = app
        .post("/api/v1/users", Some(&admin), json!({"email": "uni@example.org", "role": "writer", "password": "a-long-password-1", "display_name": name}))
        .await;
    assert_eq!(res.status, 201);
    assert_eq!(res.json()["display_name"], name);
}
