//! Sponsored content: role separation, enforced disclosure, flights, targeting,
//! embedding in articles, exact counts, and bad input.

use actix_web::http::Method;
use chrono::{Duration, DurationRound, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::common::{Resp, TestApp};

fn block(extra: Value) -> Value {
    let mut b = json!({
        "title": "The future of container shipping",
        "sponsor_name": "Harbourline Studio",
        "label": "Sponsored Content",
        "disclosure": "This content was commissioned by Harbourline Studio.",
        "body": [{"type": "paragraph", "text": "Ports are <em>changing</em>."}],
        "cta": {"text": "Read the report", "url": "https://studio.example.com/report"},
        "placement": "article_inline",
        "status": "active"
    });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

/// A block with only the required fields (no body, no call to action).
fn minimal_block(extra: Value) -> Value {
    let mut b = json!({
        "title": "Partner", "sponsor_name": "Studio", "label": "Sponsored", "disclosure": "Commissioned by Studio.",
        "placement": "article_inline", "status": "active"
    });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/sponsored", Some(token), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

async fn patch(app: &TestApp, token: &str, b: &Value, body: Value) -> Resp {
    let etag = format!("\"{}\"", b["version"]);
    let path = format!("/api/v1/sponsored/{}", b["id"].as_str().unwrap());
    app.send_with(Method::PATCH, &path, Some(token), Some(body), &[("if-match", &etag)]).await
}

async fn live_titles(app: &TestApp, query: &str) -> Vec<String> {
    let res = app.get(&format!("/api/v1/public/sponsored{query}"), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let items = res.json()["items"].as_array().unwrap().clone();
    for item in &items {
        assert_eq!(item["sponsored"], true);
        for key in ["label", "disclosure", "sponsor_name"] {
            assert!(item[key].as_str().is_some_and(|s| !s.trim().is_empty()), "{key} missing: {item}");
        }
    }
    items.iter().map(|i| i["title"].as_str().unwrap().to_string()).collect()
}

fn at(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[actix_web::test]
async fn commercial_users_run_sponsored_blocks_alone_editors_only_read_and_writers_see_none() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let (_, _, editor) = app.user("editor").await;
    let (_, _, writer) = app.user("writer").await;
    let res = app.post("/api/v1/sponsored", Some(&commercial), block(json!({}))).await;
    assert_eq!(res.status, 201);
    let b = res.json();
    let id = b["id"].as_str().unwrap();
    assert_eq!(res.header("location"), Some(format!("/api/v1/sponsored/{id}")));
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    let path = format!("/api/v1/sponsored/{id}");

    // Editors read, never write.
    assert_eq!(app.get(&path, Some(&editor)).await.status, 200);
    assert_eq!(app.get("/api/v1/sponsored", Some(&editor)).await.status, 200);
    app.post("/api/v1/sponsored", Some(&editor), block(json!({}))).await.assert_problem(403, "forbidden");
    patch(&app, &editor, &b, json!({"title": "x"})).await.assert_problem(403, "forbidden");
    app.get(&format!("{path}/stats"), Some(&editor)).await.assert_problem(403, "forbidden");
    // Writers cannot touch them at all.
    for res in [
        app.get(&path, Some(&writer)).await,
        app.get("/api/v1/sponsored", Some(&writer)).await,
        app.post("/api/v1/sponsored", Some(&writer), block(json!({}))).await,
        patch(&app, &writer, &b, json!({"title": "x"})).await,
        app.send_with(Method::DELETE, &path, Some(&writer), None, &[("if-match", "\"1\"")]).await,
    ] {
        res.assert_problem(403, "forbidden");
    }
    // And commercial users cannot touch articles.
    app.get("/api/v1/articles", Some(&commercial)).await.assert_problem(403, "forbidden");
    // Commercial users run the campaign alone: edit, read stats, delete.
    let b = patch(&app, &commercial, &b, json!({"status": "paused"})).await.json();
    assert_eq!(b["status"], "paused");
    assert_eq!(app.get(&format!("{path}/stats"), Some(&commercial)).await.status, 200);
    let revisions = app.get(&format!("{path}/revisions"), Some(&commercial)).await.json();
    assert_eq!(revisions["items"].as_array().unwrap().len(), 2);
    app.send(Method::DELETE, &path, Some(&commercial), None).await.assert_problem(428, "precondition_required");
    app.send_with(Method::DELETE, &path, Some(&commercial), None, &[("if-match", "\"1\"")])
        .await
        .assert_problem(412, "precondition_failed");
    assert_eq!(
        app.send_with(Method::DELETE, &path, Some(&commercial), None, &[("if-match", "\"2\"")]).await.status,
        204
    );
    app.get(&path, Some(&commercial)).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_blank_or_missing_label_or_disclosure_is_422_on_create_and_edit() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    for (field, value) in [
        ("label", json!("")),
        ("label", json!("   \t")),
        ("label", json!("\u{200B}\u{200D}\u{FEFF}")),
        ("disclosure", json!("")),
        ("disclosure", json!("\u{2060}\u{200C} \u{00AD}")),
        ("label", json!(null)),
    ] {
        let res = app.post("/api/v1/sponsored", Some(&commercial), block(json!({field: value}))).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{field}: {value}");
    }
    let mut without = block(json!({}));
    without.as_object_mut().unwrap().remove("disclosure");
    app.post("/api/v1/sponsored", Some(&commercial), without).await.assert_problem(422, "validation_failed");

    let b = create(&app, &commercial, block(json!({}))).await;
    for body in
        [json!({"label": ""}), json!({"label": null}), json!({"disclosure": "\u{200B}"}), json!({"disclosure": null})]
    {
        patch(&app, &commercial, &b, body.clone()).await.assert_problem(422, "validation_failed");
    }
    let now = app.get(&format!("/api/v1/sponsored/{}", b["id"].as_str().unwrap()), Some(&commercial)).await.json();
    assert_eq!(now["label"], "Sponsored Content");
    assert_eq!(now["version"], 1);
}

#[actix_web::test]
async fn invalid_sponsored_blocks_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let start = Utc::now() + Duration::days(1);
    for (extra, field) in [
        (json!({"placement": "popup"}), "placement"),
        (json!({"status": "live"}), "status"),
        (json!({"starts_at": at(start), "ends_at": at(start)}), "ends_at"),
        (json!({"cta": {"text": "Go", "url": "javascript:alert(1)"}}), "cta.url"),
        (json!({"logo_url": "data:image/png;base64,xx"}), "logo_url"),
        (json!({"body": [{"type": "poll", "poll_id": "x"}]}), "body[0].type"),
        (json!({"section_ids": ["nope"]}), "section_ids[0]"),
        (json!({"article_ids": ["nope"]}), "article_ids[0]"),
        (json!({"starts_at": "+99999-01-01T00:00:00Z"}), "starts_at"),
        (json!({"budget": 100}), "budget"),
    ] {
        let res = app.post("/api/v1/sponsored", Some(&commercial), block(extra.clone())).await;
        let problem = res.assert_problem(422, "validation_failed");
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&field), "{extra}: {fields:?}");
    }
}

#[actix_web::test]
async fn flights_start_at_start_and_stop_at_end() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    // Whole seconds, as sent; the clock is frozen so that the one-second margins
    // below do not depend on how long each request takes.
    let start = (Utc::now() + Duration::minutes(10)).duration_trunc(Duration::seconds(1)).unwrap();
    let end = start + Duration::hours(1);
    create(&app, &commercial, block(json!({"title": "Flight", "starts_at": at(start), "ends_at": at(end)}))).await;
    create(&app, &commercial, block(json!({"title": "Draft", "status": "draft"}))).await;
    create(&app, &commercial, block(json!({"title": "Paused", "status": "paused"}))).await;

    app.clock.freeze_at(start - Duration::seconds(1));
    assert!(live_titles(&app, "").await.is_empty(), "one second before the start");
    app.clock.advance(Duration::seconds(1));
    assert_eq!(live_titles(&app, "").await, ["Flight"], "at the start");
    app.clock.advance(Duration::hours(1) - Duration::seconds(1));
    assert_eq!(live_titles(&app, "").await, ["Flight"], "one second before the end");
    app.clock.advance(Duration::seconds(1));
    assert!(live_titles(&app, "").await.is_empty(), "at the end");
}

#[actix_web::test]
async fn public_sponsored_blocks_follow_targeting_and_placement() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let editor = app.user("editor").await.2;
    let business = app.section(&editor, json!({"name": "Business"})).await;
    let markets = app.section(&editor, json!({"name": "Markets", "parent_id": business})).await;
    let sport = app.section(&editor, json!({"name": "Sport"})).await;
    let bonds = app.published(&editor, json!({"headline": "Bonds", "section_id": markets})).await;
    let cup = app.published(&editor, json!({"headline": "Cup", "section_id": sport})).await;
    create(&app, &commercial, block(json!({"title": "Everywhere"}))).await;
    create(&app, &commercial, block(json!({"title": "Business only", "section_ids": [business]}))).await;
    create(&app, &commercial, block(json!({"title": "Cup only", "article_ids": [cup["id"]]}))).await;
    create(&app, &commercial, block(json!({"title": "Sidebar", "placement": "sidebar"}))).await;

    let mut all = live_titles(&app, "").await;
    all.sort();
    assert_eq!(all, ["Everywhere", "Sidebar"]);
    let mut on_markets = live_titles(&app, "?section=markets&placement=article_inline").await;
    on_markets.sort();
    assert_eq!(on_markets, ["Business only", "Everywhere"], "a section target covers its sub-sections");
    let mut on_bonds =
        live_titles(&app, &format!("?article={}&placement=article_inline", bonds["slug"].as_str().unwrap())).await;
    on_bonds.sort();
    assert_eq!(on_bonds, ["Business only", "Everywhere"], "and their articles");
    let mut on_cup = live_titles(&app, "?article=cup&placement=article_inline").await;
    on_cup.sort();
    assert_eq!(on_cup, ["Cup only", "Everywhere"]);
    assert_eq!(live_titles(&app, "?placement=sidebar").await, ["Sidebar"]);
    app.get("/api/v1/public/sponsored?placement=popup", None).await.assert_problem(422, "validation_failed");
    app.get("/api/v1/public/sponsored?slot=x", None).await.assert_problem(400, "unknown_query_parameter");
    let res = app.get("/api/v1/public/sponsored", None).await;
    let etag = res.header("etag").unwrap();
    assert!(res.header("cache-control").unwrap().starts_with("public, max-age="));
    let res = app.send_with(Method::GET, "/api/v1/public/sponsored", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(res.status, 304);
}

#[actix_web::test]
async fn embedded_blocks_resolve_only_while_live_and_always_labelled() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    let b = create(&app, &commercial, block(json!({"title": "Inline partner"}))).await;
    let id = b["id"].as_str().unwrap();
    let res = app
        .post(
            "/api/v1/articles",
            Some(&editor),
            json!({"headline": "Ghost", "section_id": section, "body": [{"type": "sponsored", "block_id": "nope"}]}),
        )
        .await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "body[0].block_id");
    let body = json!([{"type": "paragraph", "text": "Before"}, {"type": "sponsored", "block_id": id}, {"type": "paragraph", "text": "After"}]);
    app.published(&editor, json!({"headline": "With partner", "section_id": section, "body": body})).await;

    let page = app.get("/api/v1/public/articles/with-partner", None).await.json();
    let blocks = page["body"].as_array().unwrap();
    assert_eq!(blocks.len(), 3);
    assert_eq!(blocks[1]["type"], "sponsored");
    assert_eq!(blocks[1]["sponsored"]["sponsored"], true);
    assert_eq!(blocks[1]["sponsored"]["label"], "Sponsored Content");
    assert_eq!(blocks[1]["sponsored"]["disclosure"], "This content was commissioned by Harbourline Studio.");
    assert_eq!(blocks[1]["sponsored"]["sponsor_name"], "Harbourline Studio");

    // Paused: left out, never broken or unlabelled.
    let b = patch(&app, &commercial, &b, json!({"status": "paused"})).await.json();
    let page = app.get("/api/v1/public/articles/with-partner", None).await.json();
    let types: Vec<&str> = page["body"].as_array().unwrap().iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["paragraph", "paragraph"]);
    // An embedded block cannot be deleted.
    let path = format!("/api/v1/sponsored/{id}");
    let etag = format!("\"{}\"", b["version"]);
    app.send_with(Method::DELETE, &path, Some(&commercial), None, &[("if-match", &etag)])
        .await
        .assert_problem(409, "sponsored_in_use");
}

#[actix_web::test]
async fn impressions_and_clicks_count_exactly_and_only_for_live_blocks() {
    let app = TestApp::spawn_with(|s| s.tracking_limit_per_minute = 1000).await;
    let (_, _, commercial) = app.user("commercial").await;
    let b = create(&app, &commercial, block(json!({}))).await;
    let id = b["id"].as_str().unwrap();
    let impressions = format!("/api/v1/public/sponsored/{id}/impressions");
    let clicks = format!("/api/v1/public/sponsored/{id}/clicks");
    let results =
        futures_util::future::join_all((0..50).map(|_| app.send(Method::POST, &impressions, None, None))).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    assert!(statuses.iter().all(|s| *s == 204), "{statuses:?}");
    let results = futures_util::future::join_all((0..7).map(|_| app.send(Method::POST, &clicks, None, None))).await;
    assert!(results.iter().all(|r| r.status == 204));
    let stats = app.get(&format!("/api/v1/sponsored/{id}/stats"), Some(&commercial)).await.json();
    assert_eq!(stats["impressions"], 50);
    assert_eq!(stats["clicks"], 7);
    assert_eq!(stats["days"][0]["date"], Utc::now().format("%Y-%m-%d").to_string());

    app.send(Method::POST, "/api/v1/public/sponsored/nope/impressions", None, None)
        .await
        .assert_problem(404, "not_found");
    patch(&app, &commercial, &b, json!({"status": "paused"})).await;
    app.send(Method::POST, &impressions, None, None).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn tracking_is_limited_per_address() {
    let app = TestApp::spawn_with(|s| s.tracking_limit_per_minute = 5).await;
    let (_, _, commercial) = app.user("commercial").await;
    let b = create(&app, &commercial, block(json!({}))).await;
    let path = format!("/api/v1/public/sponsored/{}/impressions", b["id"].as_str().unwrap());
    // Start at the top of a minute window, so the six events share one window.
    let second = chrono::Timelike::second(&(Utc::now() + Duration::zero()));
    app.clock.advance(Duration::seconds(i64::from(60 - second)));
    for _ in 0..5 {
        assert_eq!(app.send(Method::POST, &path, None, None).await.status, 204);
    }
    let res = app.send_with(Method::POST, &path, None, None, &[("x-forwarded-for", "203.0.113.50")]).await;
    res.assert_problem(429, "rate_limited");
    assert!(res.header("retry-after").is_some());
    let stats =
        app.get(&format!("/api/v1/sponsored/{}/stats", b["id"].as_str().unwrap()), Some(&commercial)).await.json();
    assert_eq!(stats["impressions"], 5, "refused events are not counted");
}

#[actix_web::test]
async fn concurrent_saves_of_a_sponsored_block_with_one_etag_give_one_success() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let b = app.post("/api/v1/sponsored", Some(&commercial), minimal_block(json!({}))).await.json();
    let path = format!("/api/v1/sponsored/{}", b["id"].as_str().unwrap());
    let bodies: Vec<Value> = (0..12).map(|i| json!({"title": format!("T{i}")})).collect();
    let results = futures_util::future::join_all(bodies.iter().map(|body| {
        app.send_with(Method::PATCH, &path, Some(&commercial), Some(body.clone()), &[("if-match", "\"1\"")])
    }))
    .await;
    assert_eq!(results.iter().filter(|r| r.status == 200).count(), 1);
    assert_eq!(results.iter().filter(|r| r.status == 412).count(), 11);
}

#[actix_web::test]
async fn a_disclosure_needs_letters_or_digits_that_render() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    for invisible in [
        "\u{2800}\u{2800}",
        "\u{0301}",
        "\u{E000}",
        "\u{FFFC}",
        "\u{E0100}",
        "\u{1D173}",
        "<b></b>",
        "...",
        // Hangul fillers: letters to Unicode, blank on screen.
        "\u{3164}",
        "\u{115F}\u{1160}",
        "\u{FFA0}\u{3164}",
    ] {
        let res =
            app.post("/api/v1/sponsored", Some(&commercial), minimal_block(json!({"disclosure": invisible}))).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "disclosure", "{invisible:?}");
    }
    for words in ["広告", "광고", "Anzeige", "إعلان", "2026"] {
        let res = app.post("/api/v1/sponsored", Some(&commercial), minimal_block(json!({"label": words}))).await;
        assert_eq!(res.status, 201, "{words}");
    }
    let label = json!({"label": "\u{3164}"});
    let res = app.post("/api/v1/sponsored", Some(&commercial), minimal_block(label)).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "label");
}

#[actix_web::test]
async fn public_sponsored_answers_are_never_cached_past_the_end_of_a_flight() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let ends = (Utc::now() + Duration::seconds(20)).to_rfc3339_opts(SecondsFormat::Secs, true);
    app.post("/api/v1/sponsored", Some(&commercial), minimal_block(json!({"ends_at": ends}))).await;
    let res = app.get("/api/v1/public/sponsored", None).await;
    let cache = res.header("cache-control").unwrap();
    assert!(cache.contains("must-revalidate") && !cache.contains("stale-while-revalidate"), "{cache}");
    let max_age: i64 = cache.split("max-age=").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    assert!(max_age <= 20, "{cache}");
}

#[actix_web::test]
async fn a_section_that_a_sponsored_block_targets_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let (_, _, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "Travel"})).await;
    let res = app.post("/api/v1/sponsored", Some(&commercial), minimal_block(json!({"section_ids": [section]}))).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let res = app
        .send_with(
            Method::DELETE,
            &format!("/api/v1/sections/{section}"),
            Some(&editor),
            None,
            &[("if-match", "\"1\"")],
        )
        .await;
    res.assert_problem(409, "section_in_use");
}

#[actix_web::test]
async fn a_writer_cannot_place_a_sponsored_block_in_an_article() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let (_, _, editor) = app.user("editor").await;
    let (_, _, writer) = app.user("writer").await;
    let section = app.section(&editor, json!({"name": "Travel"})).await;
    let b =
        app.post("/api/v1/sponsored", Some(&commercial), minimal_block(json!({"section_ids": [section]}))).await.json();
    let body = json!([{"type": "sponsored", "block_id": b["id"]}]);
    let res = app
        .post("/api/v1/articles", Some(&writer), json!({"headline": "Mine", "section_id": section, "body": body}))
        .await;
    res.assert_problem(403, "forbidden");
    let draft = app.article(&writer, json!({"headline": "Mine", "section_id": section})).await;
    app.edit(&writer, &draft, json!({"body": body})).await.assert_problem(403, "forbidden");
    assert_eq!(
        app.article(&editor, json!({"headline": "Placed", "section_id": section, "body": body})).await["body"][0]["type"],
        "sponsored"
    );
}

#[actix_web::test]
async fn impressions_and_clicks_have_separate_limits() {
    let app = TestApp::spawn_with(|s| s.tracking_limit_per_minute = 2).await;
    let (_, _, commercial) = app.user("commercial").await;
    let b = app.post("/api/v1/sponsored", Some(&commercial), minimal_block(json!({}))).await.json();
    let id = b["id"].as_str().unwrap();
    let second = chrono::Timelike::second(&Utc::now());
    app.clock.advance(Duration::seconds(i64::from(60 - second)));
    for _ in 0..2 {
        assert_eq!(
            app.send(Method::POST, &format!("/api/v1/public/sponsored/{id}/impressions"), None, None).await.status,
            204
        );
    }
    app.send(Method::POST, &format!("/api/v1/public/sponsored/{id}/impressions"), None, None)
        .await
        .assert_problem(429, "rate_limited");
    assert_eq!(app.send(Method::POST, &format!("/api/v1/public/sponsored/{id}/clicks"), None, None).await.status, 204);
}
