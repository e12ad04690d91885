//! The events of sponsored blocks, polls, offers, the paywall and the media library:
//! by an action, and (flights, poll and offer windows) by the clock at their time.

use std::time::Duration;

use actix_web::http::Method;
use chrono::SecondsFormat;
use serde_json::{Value, json};

use super::receiver::Receiver;
use super::{all_delivered, app, endpoint};
use crate::common::TestApp;

fn at(app: &TestApp, minutes: i64) -> String {
    (app.clock.now() + chrono::Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn types(got: &[super::receiver::Received]) -> Vec<String> {
    got.iter().map(|r| r.json()["type"].as_str().unwrap().to_string()).collect()
}

async fn patch(app: &TestApp, token: &str, path: &str, version: &Value, body: Value) -> Value {
    let etag = format!("\"{version}\"");
    let res = app.send_with(Method::PATCH, path, Some(token), Some(body), &[("if-match", etag.as_str())]).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

#[actix_rt::test]
async fn a_sponsored_flight_goes_live_changes_and_ends_at_its_times() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, _) =
        endpoint(&app, &admin, &receiver.url, &["sponsored.live", "sponsored.changed", "sponsored.ended"]).await;
    let (_, _, commercial) = app.user("commercial").await;
    let body = json!({
        "title": "Shipping", "sponsor_name": "Studio", "label": "Sponsored", "disclosure": "Commissioned by Studio.",
        "placement": "article_inline", "status": "active", "starts_at": at(&app, 60), "ends_at": at(&app, 120)
    });
    let res = app.post("/api/v1/sponsored", Some(&commercial), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let block = res.json();
    let path = format!("/api/v1/sponsored/{}", block["id"].as_str().unwrap());
    // Not live yet: an edit is nobody's news.
    let block = patch(&app, &commercial, &path, &block["version"], json!({"title": "Shipping, revised"})).await;
    receiver.stays_at(0, Duration::from_millis(300)).await;

    app.clock.advance(chrono::Duration::minutes(61));
    let got = receiver.wait_for(1).await;
    let live = got[0].json();
    assert_eq!(live["type"], "sponsored.live");
    assert_eq!(live["data"]["sponsored"]["id"], block["id"]);
    assert_eq!(live["data"]["sponsored"]["title"], "Shipping, revised");
    assert!(live["purge_paths"].to_string().contains("/api/v1/public/sponsored"));

    let commercial = app.user("commercial").await.2;
    patch(&app, &commercial, &path, &block["version"], json!({"disclosure": "Paid for by Studio."})).await;
    receiver.wait_for(2).await;
    let admin = app.admin_token().await;
    all_delivered(&app, &admin, &webhook, 2).await;
    app.clock.advance(chrono::Duration::minutes(60));
    let got = receiver.wait_for(3).await;
    assert_eq!(types(&got), ["sponsored.live", "sponsored.changed", "sponsored.ended"]);
    receiver.stays_at(3, Duration::from_millis(300)).await;
}

#[actix_rt::test]
async fn pausing_a_live_block_ends_it_and_activating_it_in_its_flight_starts_it() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    endpoint(&app, &admin, &receiver.url, &["sponsored.live", "sponsored.ended"]).await;
    let body = json!({
        "title": "Partner", "sponsor_name": "Studio", "label": "Sponsored", "disclosure": "Commissioned by Studio.",
        "placement": "article_inline", "status": "active"
    });
    let block = app.post("/api/v1/sponsored", Some(&admin), body).await.json();
    let path = format!("/api/v1/sponsored/{}", block["id"].as_str().unwrap());
    receiver.wait_for(1).await;
    let block = patch(&app, &admin, &path, &block["version"], json!({"status": "paused"})).await;
    receiver.wait_for(2).await;
    patch(&app, &admin, &path, &block["version"], json!({"status": "active"})).await;
    let got = receiver.wait_for(3).await;
    assert_eq!(types(&got), ["sponsored.live", "sponsored.ended", "sponsored.live"]);
}

#[actix_rt::test]
async fn polls_open_and_close_at_their_times() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, _) = endpoint(&app, &admin, &receiver.url, &["poll.opened", "poll.closed"]).await;
    let question = json!([{"prompt": "Yes?", "kind": "single_choice", "options": [{"label": "Yes"}, {"label": "No"}]}]);
    let res = app
        .post(
            "/api/v1/polls",
            Some(&admin),
            json!({"title": "Later", "questions": question, "opens_at": at(&app, 10), "closes_at": at(&app, 20)}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let later = res.json();
    receiver.stays_at(0, Duration::from_millis(300)).await;
    // A poll with no opening time is open at once.
    let now = app.post("/api/v1/polls", Some(&admin), json!({"title": "Now", "questions": question})).await.json();
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].json()["data"]["poll"]["id"], now["id"]);
    all_delivered(&app, &admin, &webhook, 1).await;

    app.clock.advance(chrono::Duration::minutes(11));
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].json()["type"], "poll.opened");
    assert_eq!(got[1].json()["data"]["poll"]["id"], later["id"]);
    assert!(
        got[1].json()["purge_paths"]
            .to_string()
            .contains(&format!("/api/v1/public/polls/{}", later["id"].as_str().unwrap()))
    );
    let admin = app.admin_token().await;
    all_delivered(&app, &admin, &webhook, 2).await;
    app.clock.advance(chrono::Duration::minutes(10));
    let got = receiver.wait_for(3).await;
    assert_eq!(types(&got), ["poll.opened", "poll.opened", "poll.closed"]);
}

#[actix_rt::test]
async fn offers_start_and_end_and_the_paywall_announces_its_changes() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, _) =
        endpoint(&app, &admin, &receiver.url, &["offer.started", "offer.ended", "paywall.updated"]).await;
    let offer = json!({"name": "Trial", "display_text": "Try 3 months for $9", "price_minor": 900, "currency": "USD",
        "duration_months": 3, "trial": true, "ends_at": at(&app, 30), "eligibility": ["metered_out"], "status": "active"});
    let res = app.post("/api/v1/offers", Some(&admin), offer).await;
    assert_eq!(res.status, 201);
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].json()["type"], "offer.started");
    assert_eq!(got[0].json()["purge_paths"], json!(["/api/v1/public/offers"]));
    all_delivered(&app, &admin, &webhook, 1).await;
    app.clock.advance(chrono::Duration::minutes(31));
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].json()["type"], "offer.ended");

    let admin = app.admin_token().await;
    let res = app
        .send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": 5, "period": "month", "default_preview_blocks": 2})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let got = receiver.wait_for(3).await;
    assert_eq!(got[2].json()["type"], "paywall.updated");
    assert!(got[2].json()["purge_paths"].to_string().contains("/api/v1/public/articles/*"));
}

#[actix_rt::test]
async fn the_media_library_announces_uploads_edits_and_deletes() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    endpoint(&app, &admin, &receiver.url, &["media.created", "media.updated", "media.deleted"]).await;
    // Deliveries are not ordered among themselves: each action waits for its event.
    let asset = crate::media::uploaded(&app, &admin, &crate::media::png(40, 30, 7), "chart.png").await;
    let id = asset["id"].as_str().unwrap();
    receiver.wait_for(1).await;
    let path = format!("/api/v1/media/{id}");
    let asset = patch(&app, &admin, &path, &asset["version"], json!({"alt": "A chart"})).await;
    receiver.wait_for(2).await;
    let etag = format!("\"{}\"", asset["version"]);
    let res = app.send_with(Method::DELETE, &path, Some(&admin), None, &[("if-match", etag.as_str())]).await;
    assert_eq!(res.status, 204);
    let got = receiver.wait_for(3).await;
    assert_eq!(types(&got), ["media.created", "media.updated", "media.deleted"]);
    let created = got[0].json();
    assert_eq!(created["data"]["media"]["id"], id);
    assert!(created["purge_paths"].to_string().contains(&format!("/api/v1/public/media/{id}/*")));
}

#[actix_rt::test]
async fn a_time_already_past_when_it_is_set_is_announced_once_by_the_change() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    let (webhook, _) = endpoint(&app, &admin, &receiver.url, &["poll.opened", "offer.started"]).await;
    // Time passes with nothing scheduled: the timer has had nothing to fire.
    app.clock.advance(chrono::Duration::minutes(10));
    actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    let admin = app.admin_token().await;
    // Opening times a minute ago, as a client that sends its own "now" gives them.
    let question = json!([{"prompt": "Yes?", "kind": "single_choice", "options": [{"label": "Yes"}, {"label": "No"}]}]);
    let res = app
        .post("/api/v1/polls", Some(&admin), json!({"title": "Open", "questions": question, "opens_at": at(&app, -1)}))
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let offer = json!({"name": "Trial", "display_text": "Try it", "price_minor": 900, "currency": "USD",
        "duration_months": 3, "trial": true, "starts_at": at(&app, -1), "eligibility": ["anonymous"], "status": "active"});
    assert_eq!(app.post("/api/v1/offers", Some(&admin), offer).await.status, 201);
    receiver.wait_for(2).await;
    all_delivered(&app, &admin, &webhook, 2).await;
    app.clock.advance(chrono::Duration::seconds(30));
    receiver.stays_at(2, Duration::from_millis(500)).await;
    assert_eq!(types(&receiver.received()).iter().filter(|t| *t == "poll.opened").count(), 1);
}

#[actix_rt::test]
async fn corrections_and_site_settings_are_announced() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    endpoint(
        &app,
        &admin,
        &receiver.url,
        &["correction.created", "correction.updated", "correction.deleted", "site.updated"],
    )
    .await;
    let section = app.section(&admin, json!({"name": "News"})).await;
    let article = app.published(&admin, json!({"headline": "Bridge opens", "section_id": section})).await;
    let log = format!("/api/v1/articles/{}/corrections", article["id"].as_str().unwrap());
    let res = app.post(&log, Some(&admin), json!({"kind": "correction", "text": "Fixed a name."})).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let c = res.json();
    let got = receiver.wait_for(1).await;
    let created = got[0].json();
    assert_eq!(created["type"], "correction.created");
    assert_eq!(created["data"]["correction"]["id"], c["id"]);
    assert_eq!(created["data"]["correction"]["kind"], "correction");
    assert_eq!(created["data"]["article"]["slug"], article["slug"]);
    let purge = created["purge_paths"].to_string();
    assert!(purge.contains("/api/v1/public/corrections"), "{purge}");
    assert!(purge.contains(&format!("/api/v1/public/articles/{}", article["slug"].as_str().unwrap())), "{purge}");

    let one = format!("{log}/{}", c["id"].as_str().unwrap());
    let c = patch(&app, &admin, &one, &c["version"], json!({"kind": "update"})).await;
    receiver.wait_for(2).await;
    let etag = format!("\"{}\"", c["version"]);
    let res = app.send_with(Method::DELETE, &one, Some(&admin), None, &[("if-match", etag.as_str())]).await;
    assert_eq!(res.status, 204);
    receiver.wait_for(3).await;
    let res = app
        .send(
            Method::PUT,
            "/api/v1/site",
            Some(&admin),
            Some(json!({"name": "Daily", "base_url": "https://daily.example", "publisher_name": "Daily Ltd"})),
        )
        .await;
    assert_eq!(res.status, 200);
    let got = receiver.wait_for(4).await;
    assert_eq!(types(&got), ["correction.created", "correction.updated", "correction.deleted", "site.updated"]);
    assert!(got[3].json()["purge_paths"].to_string().contains("/api/v1/public/*"));
}

#[actix_rt::test]
async fn tags_are_announced_and_a_rename_purges_what_names_it() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    endpoint(&app, &admin, &receiver.url, &["tag.created", "tag.updated", "tag.merged", "tag.deleted"]).await;
    let res = app.post("/api/v1/tags", Some(&admin), json!({"name": "Rail"})).await;
    assert_eq!(res.status, 201);
    let rail = res.json();
    let got = receiver.wait_for(1).await;
    let created = got[0].json();
    assert_eq!(created["type"], "tag.created");
    assert_eq!(created["data"]["tag"]["slug"], "rail");
    assert_eq!(created["purge_paths"], json!(["/api/v1/public/tags/rail"]));

    let section = app.section(&admin, json!({"name": "News"})).await;
    app.published(&admin, json!({"headline": "Trains", "section_id": section, "tags": ["rail", "trains"]})).await;
    let path = format!("/api/v1/tags/{}", rail["id"].as_str().unwrap());
    let rail = patch(&app, &admin, &path, &rail["version"], json!({"name": "Railways", "slug": "railways"})).await;
    let got = receiver.wait_for(2).await;
    let updated = got[1].json();
    assert_eq!(updated["type"], "tag.updated");
    assert_eq!(updated["data"]["tag"]["old_slug"], "rail");
    assert_eq!(updated["data"]["tag"]["old_name"], "Rail");
    assert_eq!(updated["purge_paths"], json!(["/api/v1/public/*"]), "articles carry the new name");

    let trains = app.get("/api/v1/tags?q=trains", Some(&admin)).await.json()["items"][0].clone();
    let merge = format!("/api/v1/tags/{}/merge", trains["id"].as_str().unwrap());
    let etag = format!("\"{}\"", trains["version"]);
    let res = app
        .send_with(
            Method::POST,
            &merge,
            Some(&admin),
            Some(json!({"into": rail["id"]})),
            &[("if-match", etag.as_str())],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let got = receiver.wait_for(3).await;
    let merged = got[2].json();
    assert_eq!(merged["type"], "tag.merged");
    assert_eq!(merged["data"]["tag"]["slug"], "railways");
    assert_eq!(merged["data"]["merged"]["slug"], "trains");

    let etag = format!("\"{}\"", rail["version"]);
    let res = app.send_with(Method::DELETE, &path, Some(&admin), None, &[("if-match", etag.as_str())]).await;
    assert_eq!(res.status, 204);
    let got = receiver.wait_for(4).await;
    assert_eq!(types(&got), ["tag.created", "tag.updated", "tag.merged", "tag.deleted"]);
}

#[actix_rt::test]
async fn authors_are_announced_and_a_new_name_purges_their_bylines() {
    let app = app().await;
    let admin = app.admin_token().await;
    let receiver = Receiver::start();
    endpoint(&app, &admin, &receiver.url, &["author.created", "author.updated", "author.deleted"]).await;
    let res = app.post("/api/v1/authors", Some(&admin), json!({"name": "Ann Lee"})).await;
    assert_eq!(res.status, 201);
    let ann = res.json();
    let got = receiver.wait_for(1).await;
    let created = got[0].json();
    assert_eq!(created["type"], "author.created");
    assert_eq!(created["data"]["author"]["slug"], "ann-lee");
    let purge = created["purge_paths"].to_string();
    assert!(purge.contains("/api/v1/public/authors/ann-lee"), "{purge}");

    let path = format!("/api/v1/authors/{}", ann["id"].as_str().unwrap());
    let ann = patch(&app, &admin, &path, &ann["version"], json!({"job_title": "Reporter"})).await;
    let got = receiver.wait_for(2).await;
    assert!(!got[1].json()["purge_paths"].to_string().contains("/api/v1/public/*"), "the name did not change");
    let ann = patch(&app, &admin, &path, &ann["version"], json!({"name": "Ann B. Lee", "slug": "ann-b-lee"})).await;
    let got = receiver.wait_for(3).await;
    let renamed = got[2].json();
    assert_eq!(renamed["data"]["author"]["old_slug"], "ann-lee");
    assert_eq!(renamed["purge_paths"], json!(["/api/v1/public/*"]), "bylines carry the name");

    let etag = format!("\"{}\"", ann["version"]);
    let res = app.send_with(Method::DELETE, &path, Some(&admin), None, &[("if-match", etag.as_str())]).await;
    assert_eq!(res.status, 204);
    let got = receiver.wait_for(4).await;
    assert_eq!(types(&got), ["author.created", "author.updated", "author.updated", "author.deleted"]);
}
