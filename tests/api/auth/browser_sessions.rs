//! Browser sessions (`/auth/session`): the refresh token travels only in an HttpOnly,
//! SameSite=Strict cookie scoped to the session paths, never in a body.

use actix_web::http::Method;
use serde_json::json;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, Resp, TestApp};

const SESSION: &str = "/api/v1/auth/session";
const REFRESH: &str = "/api/v1/auth/session/refresh";

async fn sign_in(app: &TestApp) -> Resp {
    app.post(SESSION, None, json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await
}

/// The `masthead_refresh=<value>` pair of the response's Set-Cookie, and the whole header.
fn cookie(res: &Resp) -> (String, String) {
    let header = res.header("set-cookie").expect("a Set-Cookie header");
    let pair = header.split(';').next().expect("a pair").trim().to_string();
    assert!(pair.starts_with("masthead_refresh="), "{header}");
    (pair, header)
}

async fn refresh(app: &TestApp, pair: &str) -> Resp {
    app.send_with(Method::POST, REFRESH, None, None, &[("cookie", pair)]).await
}

#[actix_web::test]
async fn signing_in_sets_an_http_only_strict_cookie_and_returns_no_refresh_token() {
    let app = TestApp::spawn().await;
    let res = sign_in(&app).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    let body = res.json();
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["user"]["email"], ADMIN_EMAIL);
    let (pair, header) = cookie(&res);
    assert!(pair.len() > "masthead_refresh=".len() + 30, "{pair}");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/auth/session", "Max-Age=2592000"] {
        assert!(header.contains(attribute), "{attribute} missing in {header}");
    }
    // Plain HTTP here: a Secure cookie would never come back from the browser.
    assert!(!header.contains("Secure"), "{header}");
    let me = app.get("/api/v1/auth/me", body["access_token"].as_str()).await;
    assert_eq!(me.status, 200);
}

#[actix_web::test]
async fn over_https_the_cookie_is_secure() {
    let app = TestApp::spawn().await;
    let res = app
        .send_with(
            Method::POST,
            SESSION,
            None,
            Some(json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
            &[("x-forwarded-proto", "https")],
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(cookie(&res).1.contains("Secure"));
}

#[actix_web::test]
async fn the_cookie_renews_the_session_and_rotates() {
    let app = TestApp::spawn().await;
    let (first, _) = cookie(&sign_in(&app).await);
    let renewed = refresh(&app, &first).await;
    assert_eq!(renewed.status, 200, "{}", String::from_utf8_lossy(&renewed.body));
    let body = renewed.json();
    assert!(body.get("refresh_token").is_none());
    assert_eq!(app.get("/api/v1/auth/me", body["access_token"].as_str()).await.status, 200);
    let (second, _) = cookie(&renewed);
    assert_ne!(first, second);
    // The second cookie works; the first, presented again, is a replay that ends the
    // session for both.
    let third = refresh(&app, &second).await;
    assert_eq!(third.status, 200);
    let (third_pair, _) = cookie(&third);
    refresh(&app, &first).await.assert_problem(401, "invalid_refresh_token");
    refresh(&app, &third_pair).await.assert_problem(401, "invalid_refresh_token");
}

#[actix_web::test]
async fn without_a_cookie_there_is_nothing_to_renew() {
    let app = TestApp::spawn().await;
    app.send(Method::POST, REFRESH, None, None).await.assert_problem(401, "invalid_refresh_token");
    refresh(&app, "masthead_refresh=not-a-token").await.assert_problem(401, "invalid_refresh_token");
    // A login's refresh token is not a browser session's cookie of another name.
    refresh(&app, "other=1").await.assert_problem(401, "invalid_refresh_token");
}

#[actix_web::test]
async fn signing_out_ends_the_session_and_clears_the_cookie() {
    let app = TestApp::spawn().await;
    let res = sign_in(&app).await;
    let access = res.json()["access_token"].as_str().expect("token").to_string();
    let (pair, _) = cookie(&res);
    let out = app.send_with(Method::DELETE, SESSION, None, None, &[("cookie", &pair)]).await;
    assert_eq!(out.status, 204);
    let (cleared, header) = cookie(&out);
    assert_eq!(cleared, "masthead_refresh=");
    assert!(header.contains("Max-Age=0") && header.contains("Path=/api/v1/auth/session"), "{header}");
    refresh(&app, &pair).await.assert_problem(401, "invalid_refresh_token");
    app.get("/api/v1/auth/me", Some(&access)).await.assert_problem(401, "token_revoked");
    // Again, or with no cookie at all: nothing to end, still 204.
    assert_eq!(app.send_with(Method::DELETE, SESSION, None, None, &[("cookie", &pair)]).await.status, 204);
    assert_eq!(app.send(Method::DELETE, SESSION, None, None).await.status, 204);
}

#[actix_web::test]
async fn another_site_cannot_use_the_session_paths() {
    let app = TestApp::spawn().await;
    let (pair, _) = cookie(&sign_in(&app).await);
    let evil = [("origin", "https://evil.example"), ("cookie", pair.as_str())];
    app.send_with(Method::POST, REFRESH, None, None, &evil).await.assert_problem(403, "cross_origin");
    app.send_with(Method::DELETE, SESSION, None, None, &evil).await.assert_problem(403, "cross_origin");
    let login = json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD});
    app.send_with(Method::POST, SESSION, None, Some(login), &evil[..1]).await.assert_problem(403, "cross_origin");
    // The session survived those attempts; a page of this server may go on.
    let host = app.base.trim_start_matches("http://").to_string();
    let own = format!("http://{host}");
    let ok = app.send_with(Method::POST, REFRESH, None, None, &[("origin", &own), ("cookie", &pair)]).await;
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
}

#[actix_web::test]
async fn browser_sign_in_is_throttled_like_login() {
    let app = TestApp::spawn_with(|s| s.login_max_failures = 3).await;
    for _ in 0..3 {
        let res = app.post(SESSION, None, json!({"email": ADMIN_EMAIL, "password": "wrong-password-123"})).await;
        res.assert_problem(401, "invalid_credentials");
        assert!(res.header("set-cookie").is_none());
    }
    let res = app.post(SESSION, None, json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).await;
    assert_eq!(res.status, 429);
    assert!(res.header("set-cookie").is_none());
}
