//! Password guessing is throttled per account and per address; a trusted proxy's
//! forwarded address is the client's, an untrusted one is ignored.

use actix_web::http::Method;
use chrono::Duration;
use serde_json::json;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD, TestApp};

#[actix_web::test]
async fn login_is_throttled_per_account_and_spoofing_does_not_reset_it() {
    let app = TestApp::spawn().await;
    for i in 0..10 {
        // Alternate case and a spoofed X-Forwarded-For: neither resets the count.
        let email = if i % 2 == 0 { ADMIN_EMAIL.to_string() } else { ADMIN_EMAIL.to_uppercase() };
        let forwarded = format!("10.0.0.{i}");
        let res = app
            .send_with(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": email, "password": "wrong-password-123"})),
                &[("x-forwarded-for", forwarded.as_str())],
            )
            .await;
        res.assert_problem(401, "invalid_credentials");
    }
    // Locked now, even with the right password, a new case and a new forwarded address.
    let res = app
        .send_with(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": " Admin@Example.org ", "password": ADMIN_PASSWORD})),
            &[("x-forwarded-for", "203.0.113.9")],
        )
        .await;
    res.assert_problem(429, "rate_limited");
    let retry: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "{retry}");

    // After the window, the account may sign in again.
    app.clock.advance(Duration::seconds(901));
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status, 200);
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
async fn successful_login_clears_the_account_counter() {
    let app = TestApp::spawn().await;
    for _ in 0..9 {
        app.login(ADMIN_EMAIL, "wrong-password-123").await.assert_problem(401, "invalid_credentials");
    }
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status, 200);
    for _ in 0..9 {
        app.login(ADMIN_EMAIL, "wrong-password-123").await.assert_problem(401, "invalid_credentials");
    }
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn login_is_throttled_per_address_across_accounts() {
    let app = TestApp::spawn_with(|s| s.login_max_failures_per_address = 5).await;
    for i in 0..5 {
        let res = app.login(&format!("someone{i}@example.org"), "wrong-password-123").await;
        res.assert_problem(401, "invalid_credentials");
    }
    let res = app.login("someone-else@example.org", "wrong-password-123").await;
    res.assert_problem(429, "rate_limited");
    assert!(res.header("retry-after").is_some());
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.assert_problem(429, "rate_limited");
}

#[actix_web::test]
async fn trusted_proxy_forwarded_address_is_used() {
    let app = TestApp::spawn_with(|s| {
        s.login_max_failures_per_address = 2;
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let attempt = |ip: &'static str, n: usize| {
        let app = &app;
        async move {
            app.send_with(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": format!("x{n}@example.org"), "password": "wrong-password-123"})),
                &[("x-forwarded-for", ip)],
            )
            .await
        }
    };
    attempt("198.51.100.1", 1).await.assert_problem(401, "invalid_credentials");
    attempt("198.51.100.1", 2).await.assert_problem(401, "invalid_credentials");
    attempt("198.51.100.1", 3).await.assert_problem(429, "rate_limited");
    // A different client behind the same proxy is not blocked.
    attempt("198.51.100.2", 4).await.assert_problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn a_trusted_proxys_forwarded_address_counts_the_same_with_or_without_a_port() {
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

#[actix_web::test]
async fn trusted_proxy_ranges_are_cidr_and_every_proxy_in_them_is_skipped() {
    let app = TestApp::spawn_with(|s| {
        s.login_max_failures_per_address = 2;
        s.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap(), "10.0.0.0/8".parse().unwrap()];
    })
    .await;
    let attempt = |forwarded: &'static str, n: usize| {
        let app = &app;
        async move {
            app.send_with(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"email": format!("r{n}@example.org"), "password": "wrong-password-123"})),
                &[("x-forwarded-for", forwarded)],
            )
            .await
        }
    };
    // The peer (127.0.0.1) is in a range, and so is each inner proxy: the client is
    // the right-most address outside them, however many hops it came through.
    attempt("198.51.100.1, 10.1.2.3", 1).await.assert_problem(401, "invalid_credentials");
    attempt("198.51.100.1, 10.200.0.9, 10.1.2.3", 2).await.assert_problem(401, "invalid_credentials");
    attempt("198.51.100.1", 3).await.assert_problem(429, "rate_limited");
    // An address just outside a range is the client, not a proxy to skip.
    attempt("198.51.100.1, 11.0.0.1", 4).await.assert_problem(401, "invalid_credentials");
    attempt("198.51.100.1, 11.0.0.1", 5).await.assert_problem(401, "invalid_credentials");
    attempt("11.0.0.1", 6).await.assert_problem(429, "rate_limited");
}

/// Signs in as `email` from `address` (the test server trusts 127.0.0.1 as a proxy).
async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> crate::common::Resp {
    let body = Some(json!({"email": email, "password": password}));
    app.send_with(Method::POST, "/api/v1/auth/login", None, body, &[("x-forwarded-for", address)]).await
}

#[actix_web::test]
async fn a_stranger_who_guesses_a_password_locks_out_only_themselves() {
    let app = TestApp::spawn_with(|s| s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()]).await;
    let (_, email, _) = app.user("editor").await;
    for _ in 0..10 {
        login_from(&app, "198.51.100.66", &email, "wrong-password-123")
            .await
            .assert_problem(401, "invalid_credentials");
    }
    // The guesser is refused, even with the right password...
    login_from(&app, "198.51.100.66", &email, PASSWORD).await.assert_problem(429, "rate_limited");
    // ...the owner, from an address that has not failed, is not (only slowed down).
    assert_eq!(login_from(&app, "203.0.113.5", &email, PASSWORD).await.status, 200);
    // Guessing from a second address starts its own count.
    login_from(&app, "198.51.100.67", &email, "wrong-password-123").await.assert_problem(401, "invalid_credentials");
}

#[actix_web::test]
async fn an_admin_unlocks_a_locked_out_account() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (id, email, editor) = app.user("editor").await;
    for _ in 0..10 {
        app.login(&email, "wrong-password-123").await.assert_problem(401, "invalid_credentials");
    }
    app.login(&email, PASSWORD).await.assert_problem(429, "rate_limited");

    let unlock = format!("/api/v1/users/{id}/unlock");
    app.send(Method::POST, &unlock, Some(&editor), None).await.assert_problem(403, "forbidden");
    app.send(Method::POST, "/api/v1/users/nobody/unlock", Some(&admin), None).await.assert_problem(404, "not_found");
    assert_eq!(app.send(Method::POST, &unlock, Some(&admin), None).await.status, 204);
    assert_eq!(app.login(&email, PASSWORD).await.status, 200);
}
