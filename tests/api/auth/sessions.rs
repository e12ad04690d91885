//! Login, refresh rotation and reuse detection, logout, me, password change.

use actix_web::http::Method;
use chrono::Duration;
use serde_json::json;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, TestApp};

#[actix_web::test]
async fn login_returns_tokens_and_user() {
    let app = TestApp::spawn().await;
    let res = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    let body = res.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["access_token"].as_str().unwrap().split('.').count() == 3);
    assert!(body["refresh_token"].as_str().unwrap().len() >= 40);
    assert_eq!(body["user"]["email"], ADMIN_EMAIL);
    assert_eq!(body["user"]["role"], "admin");
    assert!(body["user"].get("password_hash").is_none() && body["user"].get("password").is_none());
    let me = app.get("/api/v1/auth/me", body["access_token"].as_str()).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json(), body["user"]);
}

#[actix_web::test]
async fn login_emails_are_case_insensitive() {
    let app = TestApp::spawn().await;
    assert_eq!(app.login(&ADMIN_EMAIL.to_uppercase(), ADMIN_PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn wrong_email_and_wrong_password_look_the_same() {
    let app = TestApp::spawn().await;
    let a = app.login(ADMIN_EMAIL, "wrong-password-123").await;
    let b = app.login("nobody@example.org", "wrong-password-123").await;
    let a = a.assert_problem(401, "invalid_credentials");
    let b = b.assert_problem(401, "invalid_credentials");
    assert_eq!(a, b);
}

#[actix_web::test]
async fn odd_emails_at_login_are_refused_as_401_or_422_never_500() {
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
async fn deactivated_user_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (id, email, _) = app.user("editor").await;
    assert_eq!(app.send(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None).await.status, 204);
    app.login(&email, PASSWORD).await.assert_problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn refresh_rotates_and_replay_revokes_the_family() {
    let app = TestApp::spawn().await;
    let first = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let r1 = first["refresh_token"].as_str().unwrap();
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": r1})).await;
    assert_eq!(res.status, 200);
    let second = res.json();
    let r2 = second["refresh_token"].as_str().unwrap();
    assert_ne!(r1, r2);
    assert_eq!(app.get("/api/v1/auth/me", second["access_token"].as_str()).await.status, 200);

    // Replaying the rotated token fails and revokes the family: r2 and its access token die too.
    app.post("/api/v1/auth/refresh", None, json!({"refresh_token": r1}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    app.post("/api/v1/auth/refresh", None, json!({"refresh_token": r2}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    app.get("/api/v1/auth/me", second["access_token"].as_str()).await.assert_problem(401, "token_revoked");
    app.get("/api/v1/auth/me", first["access_token"].as_str()).await.assert_problem(401, "token_revoked");

    // Another session of the same user is untouched.
    let other = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(app.get("/api/v1/auth/me", other["access_token"].as_str()).await.status, 200);
}

#[actix_web::test]
async fn unknown_refresh_token_is_401() {
    let app = TestApp::spawn().await;
    app.post("/api/v1/auth/refresh", None, json!({"refresh_token": "made-up"}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    app.post("/api/v1/auth/logout", None, json!({"refresh_token": "made-up"}))
        .await
        .assert_problem(401, "invalid_refresh_token");
}

#[actix_web::test]
async fn expired_refresh_token_is_401() {
    let app = TestApp::spawn_with(|s| s.refresh_token_ttl_secs = 60).await;
    let session = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    app.clock.advance(Duration::seconds(61));
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": session["refresh_token"]})).await;
    res.assert_problem(401, "invalid_refresh_token");
}

#[actix_web::test]
async fn concurrent_refreshes_of_one_token_give_at_most_one_pair() {
    let app = TestApp::spawn().await;
    let session = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let body = json!({"refresh_token": session["refresh_token"]});
    let results =
        futures_util::future::join_all((0..8).map(|_| app.post("/api/v1/auth/refresh", None, body.clone()))).await;
    let ok = results.iter().filter(|r| r.status == 200).count();
    assert!(ok <= 1, "{ok} refreshes succeeded");
    assert!(results.iter().all(|r| r.status == 200 || r.status == 401), "only 200 or 401");
}

#[actix_web::test]
async fn logout_ends_the_session_and_its_access_tokens() {
    let app = TestApp::spawn().await;
    let session = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let other = app.session(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let res = app.post("/api/v1/auth/logout", None, json!({"refresh_token": session["refresh_token"]})).await;
    assert_eq!(res.status, 204);
    assert!(res.body.is_empty());
    app.get("/api/v1/auth/me", session["access_token"].as_str()).await.assert_problem(401, "token_revoked");
    app.post("/api/v1/auth/refresh", None, json!({"refresh_token": session["refresh_token"]}))
        .await
        .assert_problem(401, "invalid_refresh_token");
    assert_eq!(app.get("/api/v1/auth/me", other["access_token"].as_str()).await.status, 200);
}

#[actix_web::test]
async fn password_change_ends_every_session() {
    let app = TestApp::spawn().await;
    let (_, email, _) = app.user("writer").await;
    let a = app.session(&email, PASSWORD).await;
    let b = app.session(&email, PASSWORD).await;
    let token = a["access_token"].as_str();
    let new_password = "a-brand-new-password";

    let res = app
        .send(
            Method::PUT,
            "/api/v1/auth/password",
            token,
            Some(json!({"current_password": "wrong-password-1", "new_password": new_password})),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "current_password");
    let res = app
        .send(
            Method::PUT,
            "/api/v1/auth/password",
            token,
            Some(json!({"current_password": PASSWORD, "new_password": "short"})),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "new_password");

    let res = app
        .send(
            Method::PUT,
            "/api/v1/auth/password",
            token,
            Some(json!({"current_password": PASSWORD, "new_password": new_password})),
        )
        .await;
    assert_eq!(res.status, 204);
    for session in [&a, &b] {
        app.get("/api/v1/auth/me", session["access_token"].as_str()).await.assert_problem(401, "token_revoked");
        app.post("/api/v1/auth/refresh", None, json!({"refresh_token": session["refresh_token"]}))
            .await
            .assert_problem(401, "invalid_refresh_token");
    }
    app.login(&email, PASSWORD).await.assert_problem(401, "invalid_credentials");
    assert_eq!(app.login(&email, new_password).await.status, 200);
}

#[actix_web::test]
async fn password_change_requires_a_token() {
    let app = TestApp::spawn().await;
    let res = app
        .send(Method::PUT, "/api/v1/auth/password", None, Some(json!({"current_password": "x", "new_password": "y"})))
        .await;
    res.assert_problem(401, "invalid_token");
    assert!(res.header("www-authenticate").unwrap().starts_with("Bearer"));
}
