//! Third review's findings (sponsored content, and the same race in polls).

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::common::TestApp;

fn block(extra: Value) -> Value {
    let mut b = json!({
        "title": "Partner", "sponsor_name": "Studio", "label": "Sponsored", "disclosure": "Commissioned by Studio.",
        "placement": "article_inline", "status": "active"
    });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

#[actix_web::test]
async fn concurrent_saves_with_one_etag_give_one_success_for_blocks_and_polls() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let (_, _, editor) = app.user("editor").await;
    let b = app.post("/api/v1/sponsored", Some(&commercial), block(json!({}))).await.json();
    let path = format!("/api/v1/sponsored/{}", b["id"].as_str().unwrap());
    let bodies: Vec<Value> = (0..12).map(|i| json!({"title": format!("T{i}")})).collect();
    let results = futures_util::future::join_all(bodies.iter().map(|body| {
        app.send_with(Method::PATCH, &path, Some(&commercial), Some(body.clone()), &[("if-match", "\"1\"")])
    }))
    .await;
    assert_eq!(results.iter().filter(|r| r.status == 200).count(), 1);
    assert_eq!(results.iter().filter(|r| r.status == 412).count(), 11);

    let poll = app
        .post(
            "/api/v1/polls",
            Some(&editor),
            json!({"title": "P", "questions": [{"prompt": "Q", "kind": "free_text"}]}),
        )
        .await
        .json();
    let path = format!("/api/v1/polls/{}", poll["id"].as_str().unwrap());
    let results =
        futures_util::future::join_all(bodies.iter().map(|body| {
            app.send_with(Method::PATCH, &path, Some(&editor), Some(body.clone()), &[("if-match", "\"1\"")])
        }))
        .await;
    assert_eq!(results.iter().filter(|r| r.status == 200).count(), 1);
}

#[actix_web::test]
async fn a_disclosure_needs_letters_or_digits() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    for invisible in
        ["\u{2800}\u{2800}", "\u{0301}", "\u{E000}", "\u{FFFC}", "\u{E0100}", "\u{1D173}", "<b></b>", "..."]
    {
        let res = app.post("/api/v1/sponsored", Some(&commercial), block(json!({"disclosure": invisible}))).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "disclosure", "{invisible:?}");
    }
    assert_eq!(app.post("/api/v1/sponsored", Some(&commercial), block(json!({"label": "広告"}))).await.status, 201);
}

#[actix_web::test]
async fn sponsored_answers_never_outlive_their_flight_in_caches() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let ends = (Utc::now() + Duration::seconds(20)).to_rfc3339_opts(SecondsFormat::Secs, true);
    app.post("/api/v1/sponsored", Some(&commercial), block(json!({"ends_at": ends}))).await;
    let res = app.get("/api/v1/public/sponsored", None).await;
    let cache = res.header("cache-control").unwrap();
    assert!(cache.contains("must-revalidate") && !cache.contains("stale-while-revalidate"), "{cache}");
    let max_age: i64 = cache.split("max-age=").nth(1).unwrap().split(',').next().unwrap().parse().unwrap();
    assert!(max_age <= 20, "{cache}");
}

#[actix_web::test]
async fn targeted_sections_stay_and_writers_do_not_place_sponsored_blocks() {
    let app = TestApp::spawn().await;
    let (_, _, commercial) = app.user("commercial").await;
    let (_, _, editor) = app.user("editor").await;
    let (_, _, writer) = app.user("writer").await;
    let section = app.section(&editor, json!({"name": "Travel"})).await;
    let b = app.post("/api/v1/sponsored", Some(&commercial), block(json!({"section_ids": [section]}))).await.json();
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
    let b = app.post("/api/v1/sponsored", Some(&commercial), block(json!({}))).await.json();
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
