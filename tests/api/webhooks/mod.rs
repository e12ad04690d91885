//! Webhooks: endpoints (admins only), signed deliveries of events written with the
//! change they announce, retries with backoff, the delivery log and redelivery, the
//! address guard, and scheduled changes fired at their time. A real HTTP receiver on
//! loopback hears them; the clock is moved, not waited for.

mod instances;
mod receiver;
mod resources;

use std::time::Duration;

use actix_web::http::Method;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::common::TestApp;
use receiver::{Received, Receiver};

/// An app whose deliveries may go to loopback (where the receiver listens).
pub async fn app() -> TestApp {
    TestApp::spawn_with(|s| {
        s.webhooks.allow_private = true;
        s.webhooks.timeout = Duration::from_secs(2);
    })
    .await
}

/// Registers an endpoint; returns it and its secret.
pub async fn endpoint(app: &TestApp, admin: &str, url: &str, events: &[&str]) -> (Value, String) {
    let res = app.post("/api/v1/webhooks", Some(admin), json!({"url": url, "events": events})).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let body = res.json();
    let secret = body["secret"].as_str().unwrap().to_string();
    (body, secret)
}

async fn deliveries(app: &TestApp, admin: &str, webhook: &Value) -> Vec<Value> {
    let res = app
        .get(&format!("/api/v1/webhooks/{}/deliveries?limit=100", webhook["id"].as_str().unwrap()), Some(admin))
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()["items"].as_array().unwrap().clone()
}

/// Waits until the newest delivery of `webhook` satisfies `done`.
async fn settled(app: &TestApp, admin: &str, webhook: &Value, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..500 {
        if let Some(d) = deliveries(app, admin, webhook).await.into_iter().next() {
            if done(&d) {
                return d;
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("delivery never settled: {:?}", deliveries(app, admin, webhook).await);
}

/// Waits until `webhook` has `n` deliveries, all delivered: before the clock is moved,
/// so that an attempt in flight is not taken for one whose lease ran out (and sent
/// again, as a crashed instance's would be).
pub async fn all_delivered(app: &TestApp, admin: &str, webhook: &Value, n: usize) {
    for _ in 0..500 {
        let log = deliveries(app, admin, webhook).await;
        if log.len() >= n && log.iter().all(|d| d["state"] == "delivered") {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("not all delivered: {:?}", deliveries(app, admin, webhook).await);
}

/// Checks the Standard Webhooks signature of a received request, computed here
/// independently of the server's code.
fn assert_signed(r: &Received, secret: &str) {
    let key = STANDARD.decode(secret.strip_prefix("whsec_").unwrap()).unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    let (id, ts) = (r.header("webhook-id"), r.header("webhook-timestamp"));
    mac.update(format!("{id}.{ts}.{}", r.body).as_bytes());
    let expected = format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()));
    assert!(!id.is_empty() && ts.parse::<i64>().is_ok(), "{r:?}");
    assert_eq!(r.header("webhook-signature"), expected);
    assert_eq!(r.header("content-type"), "application/json");
}

async fn newsroom(app: &TestApp, admin: &str) -> String {
    app.section(admin, json!({"name": "World", "slug": "world"})).await
}

#[actix_rt::test]
async fn admins_alone_manage_endpoints_and_the_secret_is_shown_once() {
    let app = app().await;
    let admin = app.admin_token().await;
    let (_, _, editor) = app.user("editor").await;
    let body = json!({"url": "https://hooks.example.org/in", "events": ["article.published"]});
    app.post("/api/v1/webhooks", Some(&editor), body.clone()).await.assert_problem(403, "forbidden");
    app.post("/api/v1/webhooks", None, body.clone()).await.assert_problem(401, "invalid_token");
    app.get("/api/v1/webhooks", Some(&editor)).await.assert_problem(403, "forbidden");

    let res = app.post("/api/v1/webhooks", Some(&admin), body).await;
    assert_eq!(res.status, 201);
    let created = res.json();
    let id = created["id"].as_str().unwrap();
    assert_eq!(res.header("location").unwrap(), format!("/api/v1/webhooks/{id}"));
    assert_eq!(res.header("etag").unwrap(), "\"1\"");
    assert!(created["secret"].as_str().unwrap().starts_with("whsec_"));
    assert_eq!(created["enabled"], true);

    let got = app.get(&format!("/api/v1/webhooks/{id}"), Some(&admin)).await;
    assert_eq!(got.status, 200);
    assert!(got.json().get("secret").is_none(), "the secret is shown only once");
    let list = app.get("/api/v1/webhooks", Some(&admin)).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(list["items"][0].get("secret").is_none());

    let path = format!("/api/v1/webhooks/{id}");
    let patch = json!({"enabled": false, "events": ["section.created", "article.updated", "section.created"]});
    app.send(Method::PATCH, &path, Some(&admin), Some(patch.clone()))
        .await
        .assert_problem(428, "precondition_required");
    let stale = app.send_with(Method::PATCH, &path, Some(&admin), Some(patch.clone()), &[("if-match", "\"7\"")]).await;
    stale.assert_problem(412, "precondition_failed");
    let res = app.send_with(Method::PATCH, &path, Some(&admin), Some(patch), &[("if-match", "\"1\"")]).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["enabled"], false);
    assert_eq!(res.json()["events"], json!(["article.updated", "section.created"]));

    let res = app.send_with(Method::DELETE, &path, Some(&admin), None, &[("if-match", "\"2\"")]).await;
    assert_eq!(res.status, 204);
    app.get(&path, Some(&admin)).await.assert_problem(404, "not_found");
}

#[actix_rt::test]
async fn bad_endpoints_are_refused_field_by_field() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for (body, field) in [
        (json!({"url": "ftp://example.org/x", "events": ["article.published"]}), "url"),
        (json!({"url": "https://example.org/x", "events": []}), "events"),
        (json!({"url": "http://127.0.0.1:8080/x", "events": ["article.published"]}), "url"),
        (json!({"url": "http://169.254.169.254/latest/meta-data", "events": ["article.published"]}), "url"),
        (json!({"url": "http://[::1]/x", "events": ["article.published"]}), "url"),
        (json!({"url": "https://example.org/x", "events": ["article.exploded"]}), "events[0]"),
        (json!({"url": "https://example.org/x", "events": ["article.published"], "secret": "mine"}), "secret"),
    ] {
        let problem = app.post("/api/v1/webhooks", Some(&admin), body.clone()).await.json();
        assert_eq!(problem["status"], 422, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
}

#[actix_rt::test]
async fn publishing_sends_a_signed_event_with_the_paths_to_purge() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, secret) = endpoint(&app, &admin, &receiver.url, &["article.published", "article.updated"]).await;
    let section = newsroom(&app, &admin).await;
    let draft =
        app.article(&admin, json!({"headline": "Rates rise", "section_id": section, "tags": ["Central banks"]})).await;
    // Drafts are nobody's business outside: an edit before publication sends nothing.
    let res = app.edit(&admin, &draft, json!({"standfirst": "A quarter point"})).await;
    assert_eq!(res.status, 200);
    let draft = res.json();
    let published = app.action(&admin, &draft, "publish", None).await.json();

    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].path, "/hook");
    assert_signed(&got[0], &secret);
    let event = got[0].json();
    assert_eq!(event["type"], "article.published");
    assert_eq!(event["data"]["article"]["id"], published["id"]);
    assert_eq!(event["data"]["article"]["slug"], "rates-rise");
    assert_eq!(event["data"]["article"]["status"], "published");
    assert_eq!(event["data"]["article"]["section"]["slug"], "world");
    let purge: Vec<&str> = event["purge_paths"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let by_id = format!("/api/v1/public/articles/{}", published["id"].as_str().unwrap());
    assert!(purge.contains(&by_id.as_str()), "{by_id} in {purge:?}");
    for path in [
        "/api/v1/public/articles/rates-rise",
        "/api/v1/public/articles",
        "/api/v1/public/articles?section=world",
        "/api/v1/public/articles?tag=central+banks",
        "/api/v1/public/feeds/*",
        "/api/v1/public/sitemaps",
        "/api/v1/public/sitemaps/*",
        "/api/v1/public/news-sitemap",
    ] {
        assert!(purge.contains(&path), "{path} in {purge:?}");
    }
    assert_eq!(event["data"]["article"]["sponsored"], false);

    // A live article's edit is announced with its old slug to purge as well.
    let res = app.edit(&admin, &published, json!({"slug": "rates-rise-again"})).await;
    assert_eq!(res.status, 200);
    let got = receiver.wait_for(2).await;
    assert_signed(&got[1], &secret);
    let event = got[1].json();
    assert_eq!(event["type"], "article.updated");
    assert_eq!(event["data"]["article"]["old_slugs"], json!(["rates-rise"]));
    let purge = event["purge_paths"].to_string();
    assert!(
        purge.contains("/api/v1/public/articles/rates-rise-again")
            && purge.contains("/api/v1/public/articles/rates-rise\"")
    );
    assert_ne!(got[0].header("webhook-id"), got[1].header("webhook-id"));

    let delivered = settled(&app, &admin, &webhook, |d| d["state"] == "delivered").await;
    assert_eq!(delivered["attempts"], 1);
    assert_eq!(delivered["last_status"], 200);
    assert_eq!(delivered["event_type"], "article.updated");
    assert!(delivered["last_duration_ms"].is_i64() && delivered["next_attempt_at"].is_null());
}

#[actix_rt::test]
async fn a_refused_change_announces_nothing_and_unwanted_events_are_not_sent() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    endpoint(&app, &admin, &receiver.url, &["article.published", "section.deleted"]).await;
    let section = newsroom(&app, &admin).await;
    let draft = app.article(&admin, json!({"headline": "Held", "section_id": section})).await;
    let stale = app
        .send_with(
            Method::POST,
            &format!("/api/v1/articles/{}/publish", draft["id"].as_str().unwrap()),
            Some(&admin),
            None,
            &[("if-match", "\"9\"")],
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    // Created, not deleted: not wanted.
    app.section(&admin, json!({"name": "Asia"})).await;
    receiver.stays_at(0, Duration::from_millis(400)).await;
}

#[actix_rt::test]
async fn sections_announce_their_changes() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    endpoint(&app, &admin, &receiver.url, &["section.created", "section.updated", "section.deleted"]).await;
    // Deliveries are not ordered among themselves: each change waits for its event.
    let id = app.section(&admin, json!({"name": "Markets", "slug": "markets"})).await;
    receiver.wait_for(1).await;
    let path = format!("/api/v1/sections/{id}");
    let res = app
        .send_with(Method::PATCH, &path, Some(&admin), Some(json!({"slug": "money"})), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(res.status, 200);
    receiver.wait_for(2).await;
    let res = app.send_with(Method::DELETE, &path, Some(&admin), None, &[("if-match", "\"2\"")]).await;
    assert_eq!(res.status, 204);
    let got = receiver.wait_for(3).await;
    let types: Vec<Value> = got.iter().map(|r| r.json()["type"].clone()).collect();
    assert_eq!(types, vec![json!("section.created"), json!("section.updated"), json!("section.deleted")]);
    let renamed = got[1].json();
    assert_eq!(renamed["data"]["section"]["old_slug"], "markets");
    let purge = renamed["purge_paths"].to_string();
    assert!(purge.contains("/api/v1/public/sections/markets") && purge.contains("/api/v1/public/sections/money"));
}

#[actix_rt::test]
async fn failures_are_retried_with_backoff_then_marked_failed_and_can_be_redelivered() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, secret) = endpoint(&app, &admin, &receiver.url, &["section.created"]).await;
    for _ in 0..8 {
        receiver.answer(503, Duration::ZERO);
    }
    app.section(&admin, json!({"name": "Sport"})).await;
    receiver.wait_for(1).await;
    let first = settled(&app, &admin, &webhook, |d| d["attempts"] == 1).await;
    assert_eq!(first["state"], "pending");
    assert_eq!(first["last_status"], 503);
    assert!(first["last_error"].as_str().unwrap().contains("503"));
    assert!(first["next_attempt_at"].is_string());

    // Not before its time: nothing more comes until the clock passes the first delay.
    receiver.stays_at(1, Duration::from_millis(300)).await;
    // The schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (each give or take a tenth).
    let delays = [5, 300, 1800, 7200, 18000, 36000, 36000];
    let mut admin = admin;
    for (i, secs) in delays.iter().enumerate() {
        app.clock.advance(chrono::Duration::seconds(secs + secs / 10 + 1));
        receiver.wait_for(i + 2).await;
        // Hours pass: a token from before has expired.
        admin = app.admin_token().await;
        settled(&app, &admin, &webhook, |d| d["attempts"] == i + 2).await;
    }
    let failed = settled(&app, &admin, &webhook, |d| d["state"] == "failed").await;
    assert_eq!(failed["attempts"], 8);
    assert!(failed["next_attempt_at"].is_null());
    let got = receiver.received();
    assert!(got.iter().all(|r| r.header("webhook-id") == got[0].header("webhook-id")), "one id for every attempt");
    // A later attempt is signed at its own time.
    assert_ne!(got[0].header("webhook-timestamp"), got[7].header("webhook-timestamp"));
    assert_signed(&got[7], &secret);

    let id = webhook["id"].as_str().unwrap();
    let path = format!("/api/v1/webhooks/{id}/deliveries/{}/redeliver", failed["id"].as_str().unwrap());
    let res = app.post(&path, Some(&admin), json!(null)).await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    let again = res.json();
    assert_ne!(again["id"], failed["id"]);
    assert_eq!(again["event_id"], failed["event_id"]);
    let got = receiver.wait_for(9).await;
    assert_eq!(got[8].header("webhook-id"), got[0].header("webhook-id"));
    assert_eq!(got[8].body, got[0].body);
    settled(&app, &admin, &webhook, |d| d["state"] == "delivered" && d["id"] == again["id"]).await;
    // The failed one stays in the log as it was.
    let old =
        app.get(&format!("/api/v1/webhooks/{id}/deliveries/{}", failed["id"].as_str().unwrap()), Some(&admin)).await;
    assert_eq!(old.json()["state"], "failed");
    let only_failed = app.get(&format!("/api/v1/webhooks/{id}/deliveries?state=failed"), Some(&admin)).await.json();
    assert_eq!(only_failed["items"].as_array().unwrap().len(), 1);
}

#[actix_rt::test]
async fn redirects_are_not_followed_and_slow_receivers_time_out() {
    let app = TestApp::spawn_with(|s| {
        s.webhooks.allow_private = true;
        s.webhooks.timeout = Duration::from_secs(1);
    })
    .await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, _) = endpoint(&app, &admin, &receiver.url, &["section.created"]).await;
    receiver.answer(302, Duration::ZERO);
    app.section(&admin, json!({"name": "Opinion"})).await;
    let d = settled(&app, &admin, &webhook, |d| d["attempts"] == 1).await;
    assert_eq!(d["state"], "pending");
    assert_eq!(d["last_status"], 302);
    assert_eq!(receiver.received().len(), 1, "the redirect's target is never asked");

    receiver.answer(200, Duration::from_secs(3));
    app.clock.advance(chrono::Duration::seconds(10));
    let d = settled(&app, &admin, &webhook, |d| d["attempts"] == 2).await;
    assert_eq!(d["state"], "pending");
    assert!(d["last_status"].is_null());
    assert!(d["last_error"].as_str().unwrap().contains("timed out"), "{d}");
    assert!(d["last_duration_ms"].as_i64().unwrap() < 2500, "{d}");
}

#[actix_rt::test]
async fn names_that_resolve_inside_the_network_are_refused_at_send_time() {
    // The default: no delivery to loopback, private or link-local addresses. The name
    // passes registration (it is not a literal address); its resolved address does not.
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let url = receiver.url.replace("127.0.0.1", "localhost");
    let (webhook, _) = endpoint(&app, &admin, &url, &["section.created"]).await;
    app.section(&admin, json!({"name": "Science"})).await;
    let d = settled(&app, &admin, &webhook, |d| d["attempts"] == 1).await;
    assert_eq!(d["state"], "pending");
    assert!(d["last_error"].as_str().unwrap().contains("refused"), "{d}");
    assert!(receiver.received().is_empty());
}

#[actix_rt::test]
async fn test_events_reach_even_a_disabled_endpoint_which_hears_nothing_else() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let res = app
        .post(
            "/api/v1/webhooks",
            Some(&admin),
            json!({"url": receiver.url, "events": ["section.created"], "enabled": false}),
        )
        .await;
    assert_eq!(res.status, 201);
    let webhook = res.json();
    let secret = webhook["secret"].as_str().unwrap().to_string();
    app.section(&admin, json!({"name": "Culture"})).await;
    receiver.stays_at(0, Duration::from_millis(300)).await;

    let res = app
        .post(&format!("/api/v1/webhooks/{}/test", webhook["id"].as_str().unwrap()), Some(&admin), json!(null))
        .await;
    assert_eq!(res.status, 202, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["event_type"], "webhook.test");
    let got = receiver.wait_for(1).await;
    assert_signed(&got[0], &secret);
    assert_eq!(got[0].json()["type"], "webhook.test");
    assert_eq!(got[0].json()["data"]["webhook"]["id"], webhook["id"]);
}

#[actix_rt::test]
async fn a_scheduled_article_is_announced_when_it_goes_live() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, _) =
        endpoint(&app, &admin, &receiver.url, &["article.published", "article.scheduled", "article.unpublished"]).await;
    let section = newsroom(&app, &admin).await;
    let at = (app.clock.now() + chrono::Duration::hours(2)).to_rfc3339();
    let draft = app.article(&admin, json!({"headline": "Embargoed", "section_id": section})).await;
    let scheduled = app.action(&admin, &draft, "publish", Some(json!({"publish_at": at}))).await;
    assert_eq!(scheduled.status, 200);
    assert_eq!(scheduled.json()["status"], "scheduled");
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].json()["type"], "article.scheduled");

    // A second scheduled article, taken back before its time: it never goes live.
    let other = app.article(&admin, json!({"headline": "Withdrawn", "section_id": section})).await;
    let other = app.action(&admin, &other, "publish", Some(json!({"publish_at": at}))).await.json();
    let res = app.action(&admin, &other, "unpublish", None).await;
    assert_eq!(res.status, 200);
    receiver.wait_for(3).await;
    all_delivered(&app, &admin, &webhook, 3).await;

    app.clock.advance(chrono::Duration::minutes(119));
    receiver.stays_at(3, Duration::from_millis(300)).await;
    app.clock.advance(chrono::Duration::minutes(2));
    let got = receiver.wait_for(4).await;
    let live = got[3].json();
    assert_eq!(live["type"], "article.published");
    assert_eq!(live["data"]["article"]["slug"], "embargoed");
    assert_eq!(live["data"]["article"]["status"], "published");
    assert!(live["purge_paths"].to_string().contains("/api/v1/public/articles/embargoed"));
    // Fired once, however often the timer looks again.
    let admin = app.admin_token().await;
    all_delivered(&app, &admin, &webhook, 4).await;
    app.clock.advance(chrono::Duration::minutes(5));
    receiver.stays_at(4, Duration::from_millis(300)).await;
}

#[actix_rt::test]
async fn the_log_forgets_ended_deliveries_after_thirty_days_but_not_pending_ones() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, _) = endpoint(&app, &admin, &receiver.url, &["section.created"]).await;
    receiver.answer(200, Duration::ZERO);
    for _ in 0..10 {
        receiver.answer(500, Duration::ZERO);
    }
    app.section(&admin, json!({"name": "Kept a month"})).await;
    receiver.wait_for(1).await;
    all_delivered(&app, &admin, &webhook, 1).await;
    app.section(&admin, json!({"name": "Still trying"})).await;
    settled(&app, &admin, &webhook, |d| d["attempts"] == 1 && d["state"] == "pending").await;

    app.clock.advance(chrono::Duration::days(29));
    let admin = app.admin_token().await;
    receiver.wait_for(3).await;
    assert_eq!(deliveries(&app, &admin, &webhook).await.len(), 2);
    app.clock.advance(chrono::Duration::days(2));
    let admin = app.admin_token().await;
    for _ in 0..250 {
        let log = deliveries(&app, &admin, &webhook).await;
        if log.len() == 1 {
            assert_eq!(log[0]["state"], "pending", "{log:?}");
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the delivered one was kept: {:?}", deliveries(&app, &admin, &webhook).await);
}
