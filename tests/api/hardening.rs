//! Attacks and odd input found in review: each answered with the right problem, on
//! both backends, never a 500.

use actix_web::http::Method;
use serde_json::json;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, TestApp};

#[actix_web::test]
async fn nul_bytes_and_huge_emails_at_login_are_a_plain_401() {
    let app = TestApp::spawn().await;
    for email in ["a\u{0}b@example.org".to_string(), format!("{}@example.org", "x".repeat(8000)), "\u{7}@x.org".into()]
    {
        let res = app.login(&email, "whatever-password").await;
        assert_ne!(res.status, 500);
        // NUL is refused before any lookup; the others are ordinary failures.
        assert!(matches!(res.status, 401 | 422), "{}", res.status);
    }
    let res = app.login(&format!("{}@example.org", "y".repeat(8000)), "whatever-password").await;
    res.assert_problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn nul_in_path_query_or_body_never_reaches_the_database() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.get("/api/v1/users/a%00b", Some(&admin)).await.assert_problem(404, "not_found");
    app.send(Method::DELETE, "/api/v1/users/a%00b", Some(&admin), None).await.assert_problem(404, "not_found");
    let res = app.get("/api/v1/sections?parent=a%00b", Some(&admin)).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "parent");
    let res = app.post("/api/v1/sections", Some(&admin), json!({"name": "Ok", "parent_id": "a\u{0}b"})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "parent_id");
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": "x\u{0}y"})).await;
    res.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn parallel_guesses_cannot_overrun_the_account_limit() {
    let app = TestApp::spawn().await;
    let passwords: Vec<String> = (0..30).map(|i| format!("wrong-password-{i}")).collect();
    let results = futures_util::future::join_all(passwords.iter().map(|p| app.login(ADMIN_EMAIL, p))).await;
    let failed = results.iter().filter(|r| r.status == 401).count();
    let limited = results.iter().filter(|r| r.status == 429).count();
    assert_eq!((failed, limited), (10, 20), "{:?}", results.iter().map(|r| r.status).collect::<Vec<_>>());
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.assert_problem(429, "rate_limited");
}

#[actix_web::test]
async fn authentication_answers_before_the_body_or_preconditions() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    for _ in 0..5 {
        app.post("/api/v1/users", Some(&writer), json!({})).await.assert_problem(403, "forbidden");
        let res =
            app.send_raw(Method::POST, "/api/v1/users", Some(&writer), "application/json", b"nope".to_vec()).await;
        res.assert_problem(403, "forbidden");
        let res = app.send_raw(Method::POST, "/api/v1/users", None, "text/plain", b"nope".to_vec()).await;
        res.assert_problem(401, "invalid_token");
        let res = app.send(Method::PATCH, "/api/v1/sections/x", None, Some(json!({"bad": 1}))).await;
        res.assert_problem(401, "invalid_token");
        let res = app.send(Method::DELETE, "/api/v1/sections/x", Some(&writer), None).await;
        res.assert_problem(403, "forbidden");
        app.get("/api/v1/users?limit=0", None).await.assert_problem(401, "invalid_token");
    }
}

#[actix_web::test]
async fn percent_encoded_paths_are_guarded_like_plain_ones() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.get("/api/v1/auth/m%65?debug=1", Some(&admin)).await.assert_problem(400, "unknown_query_parameter");
    app.send(Method::DELETE, "/heal%74hz", None, None).await.assert_problem(405, "method_not_allowed");
}

#[actix_web::test]
async fn json_bodies_must_be_objects() {
    let app = TestApp::spawn().await;
    let res = app.post("/api/v1/auth/login", None, json!([ADMIN_EMAIL, ADMIN_PASSWORD])).await;
    res.assert_problem(422, "validation_failed");
    for body in [json!("text"), json!(3), json!(null)] {
        app.post("/api/v1/auth/login", None, body).await.assert_problem(422, "validation_failed");
    }
}

#[actix_web::test]
async fn passwords_reject_control_characters() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "c@example.org", "role": "writer", "password": "abc\u{7}defghijklmn"}),
        )
        .await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "password");
}

#[actix_web::test]
async fn duplicate_query_parameters_name_the_parameter() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app.get("/api/v1/users?limit=1&limit=2", Some(&admin)).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "limit");
}

#[actix_web::test]
async fn errors_carry_cors_headers_and_non_api_errors_are_problems_too() {
    let app = TestApp::spawn_with(|s| s.cors_origins = vec!["https://app.example.com".into()]).await;
    let origin = [("origin", "https://app.example.com")];
    let res = app.send_with(Method::GET, "/api/v1/auth/me", None, None, &origin).await;
    res.assert_problem(401, "invalid_token");
    assert_eq!(res.header("access-control-allow-origin").as_deref(), Some("https://app.example.com"));
    let res = app.send_with(Method::DELETE, "/healthz", None, None, &origin).await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("access-control-allow-origin").as_deref(), Some("https://app.example.com"));
    let res = app.send_with(Method::GET, "/healthz", None, None, &origin).await;
    assert_eq!(res.header("access-control-allow-origin").as_deref(), Some("https://app.example.com"));
    assert_eq!(res.header("content-type").as_deref(), Some("application/json; charset=utf-8"));

    app.get("/docs/no-such-file.js", None).await.assert_problem(404, "not_found");
    let res = app.send(Method::POST, "/openapi.json", None, None).await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET"));
}

#[actix_web::test]
async fn a_trusted_proxy_on_a_dual_stack_socket_is_still_trusted() {
    let settings_ip: std::net::IpAddr = "::ffff:127.0.0.1".parse().unwrap();
    assert_eq!(settings_ip.to_canonical(), "127.0.0.1".parse::<std::net::IpAddr>().unwrap());
    let app = TestApp::spawn_with(|s| {
        s.login_max_failures_per_address = 1;
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let body = || Some(json!({"email": "n@example.org", "password": PASSWORD}));
    let res = app
        .send_with(Method::POST, "/api/v1/auth/login", None, body(), &[("x-forwarded-for", "198.51.100.7:4711")])
        .await;
    res.assert_problem(401, "invalid_credentials");
    let res =
        app.send_with(Method::POST, "/api/v1/auth/login", None, body(), &[("x-forwarded-for", "198.51.100.7")]).await;
    res.assert_problem(429, "rate_limited");
}
