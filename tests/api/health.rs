//! Health, readiness, the docs UI, the served spec, and HEAD.

use crate::common::TestApp;

#[actix_web::test]
async fn healthz_and_readyz_answer() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["status"], "ok");
    let res = app.get("/readyz", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["status"], "ready");
}

#[actix_web::test]
async fn docs_ui_is_served_without_internet() {
    let app = TestApp::spawn().await;
    let res = app.get("/docs", None).await;
    assert!(matches!(res.status, 200 | 301 | 302 | 307 | 308), "{}", res.status);
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status, 200);
    let html = String::from_utf8_lossy(&res.body).to_string();
    assert!(html.contains("swagger"), "{html}");
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "the page must not load from the internet: {html}"
    );
    // The assets the page loads are served by us.
    let init = app.get("/docs/swagger-initializer.js", None).await;
    assert_eq!(init.status, 200);
    assert!(String::from_utf8_lossy(&init.body).contains("/openapi.json"));
    assert_eq!(app.get("/docs/swagger-ui-bundle.js", None).await.status, 200);
}

#[actix_web::test]
async fn openapi_json_is_served() {
    let app = TestApp::spawn().await;
    let res = app.get("/openapi.json", None).await;
    assert_eq!(res.status, 200);
    let served = res.json();
    let generated: serde_json::Value = serde_json::from_str(&masthead::http::openapi_json()).unwrap();
    assert_eq!(served, generated);
    assert_eq!(served["openapi"], "3.1.0");
}

#[actix_web::test]
async fn head_is_get_without_a_body() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/api/v1/public/sections", "/api/v1/public/articles"] {
        let res = app.send(actix_web::http::Method::HEAD, path, None, None).await;
        assert_eq!(res.status, 200, "{path}");
        assert!(res.body.is_empty(), "{path}");
    }
    let res = app.send(actix_web::http::Method::HEAD, "/api/v1/auth/me", None, None).await;
    assert_eq!(res.status, 401);
}
