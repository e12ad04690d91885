//! The metered paywall: quota boundaries, repeat reads, month rollover, exact counts
//! under concurrency, subscriber tokens (and forgeries), offers, and no gated text on
//! any public path.

use actix_web::http::Method;
use chrono::{Datelike, Duration, SecondsFormat, TimeZone, Utc};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Value, json};

use crate::common::{Resp, TestApp, reader};

const READER_SECRET: &str = "reader-token-secret-0123456789abcdef";

async fn spawn() -> TestApp {
    TestApp::spawn_with(|s| s.reader_token_secret = Some(masthead::config::Secret(READER_SECRET.into()))).await
}

fn token(secret: &str, entitlements: &[&str], exp_in: i64) -> String {
    let claims = json!({"sub": "subscriber-1", "entitlements": entitlements, "exp": Utc::now().timestamp() + exp_in});
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

async fn access(app: &TestApp, slug: &str, reader: &str, bearer: Option<&str>) -> Resp {
    let auth = bearer.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("x-reader-id", reader)];
    if let Some(a) = &auth {
        headers.push(("authorization", a.as_str()));
    }
    app.send_with(Method::POST, &format!("/api/v1/public/articles/{slug}/access"), None, None, &headers).await
}

fn paragraphs(n: usize) -> Value {
    json!((1..=n).map(|i| json!({"type": "paragraph", "text": format!("Secret paragraph {i}")})).collect::<Vec<_>>())
}

/// Publishes `n` metered articles `m0..` and returns their slugs.
async fn metered(app: &TestApp, editor: &str, section: &str, n: usize) -> Vec<String> {
    let mut slugs = Vec::new();
    for i in 0..n {
        let a = app
            .published(
                editor,
                json!({"headline": format!("M{i}"), "section_id": section, "access": "metered", "body": paragraphs(5)}),
            )
            .await;
        slugs.push(a["slug"].as_str().unwrap().to_string());
    }
    slugs
}

async fn set_quota(app: &TestApp, quota: i64) {
    let admin = app.admin_token().await;
    let res = app
        .send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": quota, "period": "month", "default_preview_blocks": 2})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
}

#[actix_web::test]
async fn the_quota_counts_first_last_and_exhausted_and_repeat_reads_are_free() {
    let app = spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    set_quota(&app, 3).await;
    let slugs = metered(&app, &editor, &section, 4).await;
    let me = reader();

    let first = access(&app, &slugs[0], &me, None).await.json();
    assert_eq!(first["decision"], "metered");
    assert_eq!(first["articles_left"], 2);
    assert_eq!(first["quota"], 3);
    assert_eq!(first["message"], "You have 2 free articles left this month");
    assert_eq!(first["body"]["body"].as_array().unwrap().len(), 5, "the whole body");
    let second = access(&app, &slugs[1], &me, None).await.json();
    assert_eq!(second["message"], "You have 1 free article left this month");
    let again = access(&app, &slugs[0], &me, None).await.json();
    assert_eq!(again["decision"], "metered");
    assert_eq!(again["articles_left"], 1, "a repeat read does not count");
    let last = access(&app, &slugs[2], &me, None).await.json();
    assert_eq!(last["articles_left"], 0);
    assert_eq!(last["message"], "This is your last free article this month");
    let denied = access(&app, &slugs[3], &me, None).await.json();
    assert_eq!(denied["decision"], "denied");
    assert!(denied["body"].is_null());
    assert_eq!(denied["message"], "You have reached your limit of 3 free articles this month");
    assert_eq!(access(&app, &slugs[2], &me, None).await.json()["decision"], "metered", "already read this month");
    let (y, m) = (Utc::now().year(), Utc::now().month());
    let next =
        if m == 12 { Utc.with_ymd_and_hms(y + 1, 1, 1, 0, 0, 0) } else { Utc.with_ymd_and_hms(y, m + 1, 1, 0, 0, 0) };
    assert_eq!(denied["period_ends_at"], next.single().unwrap().to_rfc3339_opts(SecondsFormat::AutoSi, true));
    // Another reader has their own meter; a missing or malformed reader id is 422.
    assert_eq!(access(&app, &slugs[3], &reader(), None).await.json()["decision"], "metered");
    access(&app, &slugs[0], "nope", None).await.assert_problem(422, "validation_failed");
    access(&app, "no-such-article", &me, None).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_meter_starts_afresh_in_a_new_month() {
    let app = spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    set_quota(&app, 1).await;
    let slugs = metered(&app, &editor, &section, 2).await;
    let me = reader();
    assert_eq!(access(&app, &slugs[0], &me, None).await.json()["decision"], "metered");
    assert_eq!(access(&app, &slugs[1], &me, None).await.json()["decision"], "denied");
    let now = Utc::now();
    let (y, m) = (now.year(), now.month());
    let next =
        if m == 12 { Utc.with_ymd_and_hms(y + 1, 1, 1, 0, 0, 1) } else { Utc.with_ymd_and_hms(y, m + 1, 1, 0, 0, 1) };
    app.clock.advance(next.single().unwrap() - now);
    let fresh = access(&app, &slugs[1], &me, None).await.json();
    assert_eq!(fresh["decision"], "metered");
    assert_eq!(fresh["articles_left"], 0);
}

#[actix_web::test]
async fn parallel_reads_by_one_reader_count_exactly() {
    let app = spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    set_quota(&app, 5).await;
    let slugs = metered(&app, &editor, &section, 8).await;
    let me = reader();
    let requests: Vec<&String> = slugs.iter().chain(slugs.iter()).collect();
    let results = futures_util::future::join_all(requests.iter().map(|s| access(&app, s, &me, None))).await;
    let metered_slugs: std::collections::HashSet<String> = results
        .iter()
        .zip(&requests)
        .filter(|(r, _)| r.json()["decision"] == "metered")
        .map(|(_, s)| s.to_string())
        .collect();
    assert_eq!(metered_slugs.len(), 5, "exactly the quota of distinct articles");
    assert!(results.iter().all(|r| r.status == 200));
}

#[actix_web::test]
async fn subscribers_read_free_and_forged_tokens_are_anonymous() {
    let app = spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Opinion"})).await;
    set_quota(&app, 0).await;
    let premium = app
        .published(&editor, json!({"headline": "P", "section_id": section, "access": "premium", "body": paragraphs(4)}))
        .await;
    let slug = premium["slug"].as_str().unwrap();
    let m = metered(&app, &editor, &section, 1).await;
    let me = reader();

    let good = token(READER_SECRET, &["premium"], 3600);
    let res = access(&app, slug, &me, Some(&good)).await.json();
    assert_eq!(res["decision"], "granted");
    assert_eq!(res["body"]["body"].as_array().unwrap().len(), 4);
    assert_eq!(access(&app, &m[0], &me, Some(&good)).await.json()["decision"], "granted", "not counted");

    let forged = [
        token("another-secret-0123456789abcdefghijkl", &["premium"], 3600),
        token(READER_SECRET, &["premium"], -3600),
        token(READER_SECRET, &["sports"], 3600),
        "not-a-token".to_string(),
        format!("{}.", good.rsplit_once('.').unwrap().0),
    ];
    for t in &forged {
        let res = access(&app, slug, &me, Some(t)).await;
        assert_eq!(res.status, 200, "a bad token is never an error page");
        let body = res.json();
        assert_eq!(body["decision"], "denied");
        assert!(body["body"].is_null());
        assert_eq!(body["message"], "This article is for subscribers");
    }
}

#[actix_web::test]
async fn offers_show_only_inside_their_window_and_for_their_situation() {
    let app = spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let (_, _, writer) = app.user("writer").await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    let ends = (Utc::now() + Duration::days(2)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let offer = json!({"name": "Trial", "display_text": "Try 3 months for $9", "price_minor": 900, "currency": "USD",
        "duration_months": 3, "trial": true, "ends_at": ends, "eligibility": ["metered_out"], "status": "active"});
    let res = app.post("/api/v1/offers", Some(&commercial), offer.clone()).await;
    assert_eq!(res.status, 201);
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    app.post("/api/v1/offers", Some(&writer), offer.clone()).await.assert_problem(403, "forbidden");
    app.post("/api/v1/offers", Some(&commercial), json!({"name": "x"})).await.assert_problem(422, "validation_failed");
    let mut bad = offer.clone();
    bad["currency"] = json!("dollars");
    app.post("/api/v1/offers", Some(&commercial), bad).await.assert_problem(422, "validation_failed");

    let listed = app.get("/api/v1/public/offers?context=metered_out", None).await.json();
    assert_eq!(listed["items"][0]["display_text"], "Try 3 months for $9");
    assert!(app.get("/api/v1/public/offers?context=lapsed", None).await.json()["items"].as_array().unwrap().is_empty());

    set_quota(&app, 0).await;
    let slugs = metered(&app, &editor, &section, 1).await;
    let denied = access(&app, &slugs[0], &reader(), None).await.json();
    assert_eq!(denied["offer"]["price_minor"], 900);

    app.clock.advance(Duration::days(2) + Duration::seconds(1));
    assert!(app.get("/api/v1/public/offers", None).await.json()["items"].as_array().unwrap().is_empty());
    assert!(access(&app, &slugs[0], &reader(), None).await.json()["offer"].is_null(), "an ended offer never shows");
}

#[actix_web::test]
async fn no_public_path_ships_gated_text() {
    let app = spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    set_quota(&app, 3).await;
    let slugs = metered(&app, &editor, &section, 1).await;
    for path in [
        format!("/api/v1/public/articles/{}", slugs[0]),
        "/api/v1/public/articles".to_string(),
        "/api/v1/public/articles?q=secret".to_string(),
        "/api/v1/public/articles?q=paragraph".to_string(),
    ] {
        let res = app.get(&path, None).await;
        let text = String::from_utf8_lossy(&res.body).to_string();
        for hidden in ["Secret paragraph 3", "Secret paragraph 4", "Secret paragraph 5"] {
            assert!(!text.contains(hidden), "{path} leaks {hidden}");
        }
    }
    let page = app.get(&format!("/api/v1/public/articles/{}", slugs[0]), None).await.json();
    assert_eq!(page["body"].as_array().unwrap().len(), 2, "the configured site preview");
    assert_eq!(page["access"], json!({"level": "metered", "preview": true}));
}

#[actix_web::test]
async fn only_admins_configure_the_paywall_and_bad_settings_are_422() {
    let app = spawn().await;
    let (_, _, editor) = app.user("editor").await;
    app.get("/api/v1/paywall", Some(&editor)).await.assert_problem(403, "forbidden");
    let admin = app.admin_token().await;
    let defaults = app.get("/api/v1/paywall", Some(&admin)).await.json();
    assert_eq!(defaults["quota"], 5);
    assert_eq!(defaults["period"], "month");
    let res = app
        .send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": -1, "period": "month", "default_preview_blocks": 2})),
        )
        .await;
    res.assert_problem(422, "validation_failed");
    let res = app
        .send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": 2, "period": "week", "default_preview_blocks": 2})),
        )
        .await;
    res.assert_problem(422, "validation_failed");
    let res = app
        .send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": 2, "period": "month", "default_preview_blocks": 2, "counted_section_ids": ["nope"]})),
        )
        .await;
    res.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn a_trial_that_ended_gets_the_trial_expired_offer() {
    let app = spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Opinion"})).await;
    for (name, who, price) in [("Comeback", "trial_expired", 500), ("Welcome", "anonymous", 100)] {
        let offer = json!({"name": name, "display_text": name, "price_minor": price, "currency": "EUR",
            "duration_months": 1, "eligibility": [who], "status": "active"});
        assert_eq!(app.post("/api/v1/offers", Some(&commercial), offer).await.status, 201);
    }
    let premium = app.published(&editor, json!({"headline": "P", "section_id": section, "access": "premium"})).await;
    let slug = premium["slug"].as_str().unwrap();
    let claims =
        json!({"sub": "s", "entitlements": [], "status": "trial_expired", "exp": Utc::now().timestamp() + 600});
    let ended = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(READER_SECRET.as_bytes()),
    )
    .unwrap();
    assert_eq!(access(&app, slug, &reader(), Some(&ended)).await.json()["offer"]["display_text"], "Comeback");
    assert_eq!(access(&app, slug, &reader(), None).await.json()["offer"]["display_text"], "Welcome");
}

#[actix_web::test]
async fn search_follows_the_site_preview() {
    let app = spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    let admin = app.admin_token().await;
    let put = |preview: i64| {
        app.send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": 5, "period": "month", "default_preview_blocks": preview})),
        )
    };
    assert_eq!(put(1).await.status, 200);
    let body =
        json!([{"type": "paragraph", "text": "Open teaser"}, {"type": "paragraph", "text": "zebrasecret inside"}]);
    app.published(&editor, json!({"headline": "Gated", "section_id": section, "access": "metered", "body": body}))
        .await;
    let found = |q: &'static str| {
        let app = &app;
        async move {
            app.get(&format!("/api/v1/public/articles?q={q}"), None).await.json()["items"].as_array().unwrap().len()
        }
    };
    assert_eq!(found("teaser").await, 1);
    assert_eq!(found("zebrasecret").await, 0, "a word readers cannot see is not findable");
    assert_eq!(put(2).await.status, 200);
    assert_eq!(found("zebrasecret").await, 1, "the preview grew, and so did the searchable text");
    assert_eq!(put(1).await.status, 200);
    assert_eq!(found("zebrasecret").await, 0);
}

#[actix_web::test]
async fn reader_token_times_are_exact_and_messages_fit_the_moment() {
    let app = spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Opinion"})).await;
    let admin = app.admin_token().await;
    let messages = json!({"remaining_other": "{n} left", "remaining_one": "{n} left (one)", "last": "last one",
        "limit_reached": "limit of {quota} reached", "premium": "Subscribe: {quota} free a month"});
    let res = app
        .send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": 1, "period": "month", "default_preview_blocks": 1, "messages": messages})),
        )
        .await;
    assert_eq!(res.status, 200);
    let premium = app.published(&editor, json!({"headline": "P", "section_id": section, "access": "premium"})).await;
    let slug = premium["slug"].as_str().unwrap();
    let sign = |claims: Value| {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(READER_SECRET.as_bytes()),
        )
        .unwrap()
    };
    let now = Utc::now().timestamp();
    let just_expired = sign(json!({"sub": "s", "entitlements": ["premium"], "exp": now - 30}));
    let not_yet = sign(json!({"sub": "s", "entitlements": ["premium"], "exp": now + 600, "nbf": now + 500}));
    for t in [&just_expired, &not_yet] {
        let res = access(&app, slug, &reader(), Some(t)).await.json();
        assert_eq!(res["decision"], "denied");
        assert_eq!(res["message"], "Subscribe: 1 free a month");
    }
    // entitlements: null is a signed-in reader with none (a lapsed subscriber).
    let lapsed_offer = json!({"name": "L", "display_text": "Come back", "price_minor": 1, "currency": "USD", "duration_months": 1, "eligibility": ["lapsed"], "status": "active"});
    let (_, _, commercial) = app.user("commercial").await;
    assert_eq!(app.post("/api/v1/offers", Some(&commercial), lapsed_offer).await.status, 201);
    let none = sign(json!({"sub": "s", "entitlements": null, "exp": now + 600}));
    assert_eq!(access(&app, slug, &reader(), Some(&none)).await.json()["offer"]["display_text"], "Come back");

    let m = metered(&app, &editor, &section, 1).await;
    let me = reader();
    assert_eq!(access(&app, &m[0], &me, None).await.json()["message"], "last one");
    let again = access(&app, &m[0], &me, None).await.json();
    assert_eq!(again["decision"], "metered");
    assert_eq!(again["message"], "limit of 1 reached", "'last one' belongs to the read that used it");
    assert_eq!(app.get("/api/v1/public/offers?context=", None).await.json()["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn rotating_reader_ids_does_not_give_one_address_unlimited_reads() {
    let app = TestApp::spawn_with(|s| {
        s.meter_reads_per_address_per_day = 3;
        s.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Markets"})).await;
    set_quota(&app, 5).await;
    let slug = metered(&app, &editor, &section, 1).await.remove(0);
    let from = |address: &'static str, reader: String| {
        let app = &app;
        let slug = slug.clone();
        async move {
            let headers = [("x-reader-id", reader.as_str()), ("x-forwarded-for", address)];
            let path = format!("/api/v1/public/articles/{slug}/access");
            app.send_with(Method::POST, &path, None, None, &headers).await.json()
        }
    };
    // A new reader id on every request: three new reads from the address, then no more.
    let first = reader();
    assert_eq!(from("198.51.100.8", first.clone()).await["decision"], "metered");
    for _ in 0..2 {
        assert_eq!(from("198.51.100.8", reader()).await["decision"], "metered");
    }
    let refused = from("198.51.100.8", reader()).await;
    assert_eq!(refused["decision"], "denied");
    assert!(refused["body"].is_null(), "{refused}");
    // Other counters' upkeep (a sponsored impression prunes its own minute windows)
    // leaves the day's count alone.
    let commercial = app.user("commercial").await.2;
    let block = app.post("/api/v1/sponsored", Some(&commercial), json!({
        "title": "Ports", "sponsor_name": "Harbourline", "label": "Sponsored", "disclosure": "Paid for by Harbourline.",
        "body": [{"type": "paragraph", "text": "Ports."}], "placement": "sidebar", "status": "active"
    })).await.json();
    let impression = format!("/api/v1/public/sponsored/{}/impressions", block["id"].as_str().unwrap());
    assert_eq!(app.send(Method::POST, &impression, None, None).await.status, 204);
    assert_eq!(from("198.51.100.8", reader()).await["decision"], "denied");
    // A reader who already opened it reads it again; another address has its own allowance.
    assert_eq!(from("198.51.100.8", first).await["decision"], "metered");
    assert_eq!(from("203.0.113.20", reader()).await["decision"], "metered");
    // The allowance is per day.
    app.clock.advance(chrono::Duration::days(1));
    assert_eq!(from("198.51.100.8", reader()).await["decision"], "metered");
}
