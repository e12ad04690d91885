//! Deliveries across instances and crashes: two instances on one database deliver
//! each event once and fire each scheduled change once; an instance killed with
//! deliveries in flight loses none of them.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde_json::json;

use super::receiver::Receiver;
use super::{all_delivered, app, endpoint};
use crate::cli::{Server, free_port, masthead, wait_healthy};
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestDb};

fn ids(got: &[super::receiver::Received]) -> BTreeMap<String, usize> {
    let mut seen = BTreeMap::new();
    for r in got {
        *seen.entry(r.header("webhook-id").to_string()).or_default() += 1;
    }
    seen
}

#[actix_rt::test]
async fn two_instances_on_one_database_deliver_each_event_once() {
    let a = app().await;
    let b = a
        .another_instance(|s| {
            s.webhooks.allow_private = true;
            s.webhooks.timeout = Duration::from_secs(2);
        })
        .await;
    let admin = a.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, _) = endpoint(&a, &admin, &receiver.url, &["section.created", "article.published"]).await;
    let section = a.section(&admin, json!({"name": "World"})).await;
    // Changes through both instances at once: both workers wake and claim.
    let mut creates = Vec::new();
    for i in 0..30 {
        let app = if i % 2 == 0 { &a } else { &b };
        let token = admin.clone();
        creates.push(async move { app.section(&token, json!({"name": format!("Desk {i}")})).await });
    }
    futures_util::future::join_all(creates).await;
    // Scheduled through one, fired by whichever timer locks the event clock first.
    let at = (a.clock.now() + chrono::Duration::hours(1)).to_rfc3339();
    for i in 0..5 {
        let app = if i % 2 == 0 { &a } else { &b };
        let draft = app.article(&admin, json!({"headline": format!("Embargo {i}"), "section_id": section})).await;
        let res = app.action(&admin, &draft, "publish", Some(json!({"publish_at": at}))).await;
        assert_eq!(res.json()["status"], "scheduled");
    }
    receiver.wait_for(31).await;
    all_delivered(&a, &admin, &webhook, 31).await;
    a.clock.advance(chrono::Duration::minutes(61));
    let got = receiver.wait_for(36).await;
    receiver.stays_at(36, Duration::from_millis(1500)).await;
    let seen = ids(&got);
    assert_eq!(seen.len(), 36, "every event once");
    assert!(seen.values().all(|n| *n == 1), "no event twice: {seen:?}");
    let live: BTreeSet<String> = got
        .iter()
        .map(|r| r.json())
        .filter(|e| e["type"] == "article.published")
        .map(|e| e["data"]["article"]["slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(live.len(), 5, "{live:?}");
    let admin = b.admin_token().await;
    all_delivered(&b, &admin, &webhook, 36).await;
}

/// A request to the binary under test.
async fn call(base: &str, token: Option<&str>, method: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
    let client = awc::Client::builder().timeout(Duration::from_secs(30)).finish();
    let mut req = client.request(method.parse().unwrap(), format!("{base}{path}"));
    if let Some(token) = token {
        req = req.insert_header(("authorization", format!("Bearer {token}")));
    }
    let mut res = req.send_json(&body).await.unwrap();
    let status = res.status().as_u16();
    let body = res.body().await.unwrap();
    assert!(status < 300, "{status}: {}", String::from_utf8_lossy(&body));
    serde_json::from_slice(&body).unwrap_or_default()
}

#[actix_rt::test]
async fn an_instance_killed_with_deliveries_in_flight_loses_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create();
    let url = db.cli_url();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let start = || {
        let server = Server::start(
            masthead(dir.path())
                .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--database-url", &url])
                .env("MASTHEAD_ADMIN_EMAIL", ADMIN_EMAIL)
                .env("MASTHEAD_ADMIN_PASSWORD", ADMIN_PASSWORD)
                .env("MASTHEAD_WEBHOOK_ALLOW_PRIVATE", "true")
                .env("MASTHEAD_WEBHOOK_TIMEOUT_SECS", "3")
                .env("MASTHEAD_LOG", "info"),
        );
        server.wait_for_line("listening on");
        server
    };
    let receiver = Receiver::start();
    // Answers come late: when the instance dies, the first deliveries are in flight,
    // and more are written than it sends at once.
    for _ in 0..40 {
        receiver.answer(200, Duration::from_secs(2));
    }
    let mut server = start();
    wait_healthy(&base).await;
    let login =
        call(&base, None, "POST", "/api/v1/auth/login", json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
            .await;
    let token = login["access_token"].as_str().unwrap().to_string();
    let webhook = call(
        &base,
        Some(&token),
        "POST",
        "/api/v1/webhooks",
        json!({"url": receiver.url, "events": ["section.created"]}),
    )
    .await;
    for i in 0..24 {
        call(&base, Some(&token), "POST", "/api/v1/sections", json!({"name": format!("Desk {i}")})).await;
    }
    receiver.wait_for(10).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();
    drop(server);
    let first: BTreeSet<String> = ids(&receiver.received()).into_keys().collect();

    // Back up: what was never sent goes out at once, what was in flight when its lease
    // runs out (twice the timeout and five seconds).
    let _server = start();
    wait_healthy(&base).await;
    let started = std::time::Instant::now();
    loop {
        let seen = ids(&receiver.received());
        if seen.len() == 24 && first.iter().all(|id| seen[id] >= 1) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(40), "events lost: {} of 24 seen", seen.len());
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    let path = format!("/api/v1/webhooks/{}/deliveries?limit=100", webhook["id"].as_str().unwrap());
    for _ in 0..200 {
        let log = call(&base, Some(&token), "GET", &path, json!(null)).await;
        let items = log["items"].as_array().unwrap().clone();
        if items.len() == 24 && items.iter().all(|d| d["state"] == "delivered") {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("not every delivery was recorded as delivered");
}
