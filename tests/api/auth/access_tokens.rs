//! Access tokens: forged and stale ones are all 401; role changes, deactivation and a
//! password reset bite on the next request.

use actix_web::http::Method;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::common::{JWT_SECRET, TestApp};

fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn header_of(token: &str) -> Value {
    let header = token.split('.').next().unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap()
}

fn sign(claims: &Value, secret: &str, alg: Algorithm, kid: Option<String>) -> String {
    let mut header = Header::new(alg);
    header.kid = kid;
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

fn kid(token: &str) -> Option<String> {
    header_of(token)["kid"].as_str().map(str::to_string)
}

async fn assert_rejected(app: &TestApp, token: &str, why: &str) {
    assert_refused(app, token, "invalid_token", why).await;
}

/// A 401 with `code`, and the RFC 6750 challenge for a token that was given.
async fn assert_refused(app: &TestApp, token: &str, code: &str, why: &str) {
    let res = app.get("/api/v1/auth/me", Some(token)).await;
    assert_eq!(res.status, 401, "{why}: {}", String::from_utf8_lossy(&res.body));
    res.assert_problem(401, code);
    let challenge = res.header("www-authenticate").unwrap();
    assert!(challenge.starts_with("Bearer realm=\"masthead\", error=\"invalid_token\""), "{why}: {challenge}");
}

#[actix_web::test]
async fn the_genuine_token_works_and_re_signing_it_works() {
    let app = TestApp::spawn().await;
    let token = app.admin_token().await;
    assert_eq!(app.get("/api/v1/auth/me", Some(&token)).await.status, 200);
    // Our own signing helper produces accepted tokens, so the rejections below are
    // about what was changed, not about the helper.
    let resigned = sign(&claims_of(&token), JWT_SECRET, Algorithm::HS256, kid(&token));
    assert_eq!(app.get("/api/v1/auth/me", Some(&resigned)).await.status, 200);
}

#[actix_web::test]
async fn forged_tokens_are_rejected() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    let claims = claims_of(&writer);
    let kid = kid(&writer);

    // alg: none, no signature.
    let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = writer.split('.').nth(1).unwrap();
    assert_rejected(&app, &format!("{none_header}.{payload}."), "alg none").await;
    assert_rejected(&app, &format!("{none_header}.{payload}"), "alg none without dot").await;

    // Tampered payload, original signature.
    let mut promoted = claims.clone();
    promoted["role"] = json!("admin");
    promoted["sub"] = json!("someone-else");
    let parts: Vec<&str> = writer.split('.').collect();
    let tampered = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(promoted.to_string()), parts[2]);
    assert_rejected(&app, &tampered, "tampered payload").await;

    // Wrong key; another HMAC algorithm with the right key.
    assert_rejected(
        &app,
        &sign(&claims, "another-secret-0123456789abcdefghij", Algorithm::HS256, kid.clone()),
        "wrong key",
    )
    .await;
    assert_rejected(&app, &sign(&claims, JWT_SECRET, Algorithm::HS512, kid.clone()), "HS512").await;

    // Right key, bad claims.
    let now = chrono::Utc::now().timestamp();
    let mut bad = Vec::new();
    let mut c = claims.clone();
    c["exp"] = json!((now + 600).to_string());
    bad.push(("exp as a string", c));
    let mut c = claims.clone();
    c["iat"] = json!(now + 3600);
    c["exp"] = json!(now + 7200);
    bad.push(("issued in the future", c));
    for missing in ["exp", "iat", "sub", "iss", "aud", "sid"] {
        let mut c = claims.clone();
        c.as_object_mut().unwrap().remove(missing);
        bad.push(("missing claim", c));
    }
    let mut c = claims.clone();
    c["iss"] = json!("someone-else");
    bad.push(("wrong iss", c));
    let mut c = claims.clone();
    c["aud"] = json!("another-api");
    bad.push(("wrong aud", c));
    let mut c = claims.clone();
    c["gen"] = json!(claims["gen"].as_i64().unwrap() + 1);
    bad.push(("wrong generation", c));
    let mut c = claims.clone();
    c["sid"] = json!(uuid::Uuid::now_v7().to_string());
    bad.push(("unknown session", c));
    let mut c = claims.clone();
    c["sub"] = json!(uuid::Uuid::now_v7().to_string());
    bad.push(("unknown user", c));
    for (why, c) in bad {
        assert_rejected(&app, &sign(&c, JWT_SECRET, Algorithm::HS256, kid.clone()), why).await;
    }

    // Genuine but expired: told apart, so that the client knows to refresh.
    let mut c = claims.clone();
    c["exp"] = json!(now - 3600);
    c["iat"] = json!(now - 7200);
    assert_refused(&app, &sign(&c, JWT_SECRET, Algorithm::HS256, kid.clone()), "token_expired", "expired").await;
    // Expired and forged is only invalid: "expired" is said of genuine tokens alone.
    let forged = sign(&c, "another-secret-0123456789abcdefghij", Algorithm::HS256, kid.clone());
    assert_rejected(&app, &forged, "expired, wrong key").await;

    // A kid that is not ours.
    assert_rejected(&app, &sign(&claims, JWT_SECRET, Algorithm::HS256, Some("other".into())), "foreign kid").await;
    // Garbage and other schemes.
    assert_rejected(&app, "not.a.token", "garbage").await;
    let res = app
        .send_with(Method::GET, "/api/v1/auth/me", None, None, &[("authorization", &format!("Basic {writer}"))])
        .await;
    res.assert_problem(401, "invalid_token");
    // No bearer token was given: the challenge carries no error (RFC 6750 section 3.1).
    assert_eq!(res.header("www-authenticate").as_deref(), Some("Bearer realm=\"masthead\""));
    let res = app.get("/api/v1/auth/me", None).await;
    res.assert_problem(401, "invalid_token");
    assert_eq!(res.header("www-authenticate").as_deref(), Some("Bearer realm=\"masthead\""));
}

/// Five seconds of leeway (it was sixty): an expired token stops working within
/// seconds, and says it expired, so that the client refreshes rather than signing in.
#[actix_web::test]
async fn expiry_uses_the_clock_with_five_seconds_leeway() {
    let app = TestApp::spawn().await;
    // Frozen: on a loaded machine, real seconds passing between the steps would eat
    // into the leeway being measured.
    app.clock.freeze_at(app.clock.now());
    let session = app.session(crate::common::ADMIN_EMAIL, crate::common::ADMIN_PASSWORD).await;
    let token = session["access_token"].as_str().unwrap();
    app.clock.advance(Duration::seconds(900 + 4));
    assert_eq!(app.get("/api/v1/auth/me", Some(token)).await.status, 200, "within leeway");
    app.clock.advance(Duration::seconds(2));
    assert_refused(&app, token, "token_expired", "expired").await;
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": session["refresh_token"]})).await;
    assert_eq!(res.status, 200, "an expired access token is refreshed");
    assert_eq!(app.get("/api/v1/auth/me", res.json()["access_token"].as_str()).await.status, 200);
}

#[actix_web::test]
async fn demotion_and_deactivation_bite_on_the_next_request() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (id, _, other_admin) = app.user("admin").await;
    assert_eq!(app.get("/api/v1/users", Some(&other_admin)).await.status, 200);

    let res = app.patch(&format!("/api/v1/users/{id}"), Some(&admin), json!({"role": "writer"})).await;
    assert_eq!(res.status, 200);
    app.get("/api/v1/users", Some(&other_admin)).await.assert_problem(403, "forbidden");
    let me = app.get("/api/v1/auth/me", Some(&other_admin)).await;
    assert_eq!(me.json()["role"], "writer");

    let res = app.send(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None).await;
    assert_eq!(res.status, 204);
    assert_refused(&app, &other_admin, "token_revoked", "deactivated").await;

    // Reactivation does not revive old tokens.
    let res = app.patch(&format!("/api/v1/users/{id}"), Some(&admin), json!({"active": true})).await;
    assert_eq!(res.status, 200);
    assert_refused(&app, &other_admin, "token_revoked", "issued before deactivation").await;
}

#[actix_web::test]
async fn admin_password_reset_ends_the_users_sessions() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (id, email, token) = app.user("editor").await;
    let res = app.patch(&format!("/api/v1/users/{id}"), Some(&admin), json!({"password": "reset-by-the-admin"})).await;
    assert_eq!(res.status, 200);
    assert_refused(&app, &token, "token_revoked", "password reset").await;
    assert_eq!(app.login(&email, "reset-by-the-admin").await.status, 200);
}
