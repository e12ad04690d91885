//! The public response cache: answers come from it (the hit counter moves), and it
//! never serves an article after a change on the same instance; a change made
//! elsewhere (another instance, another program) shows within the sync interval.

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::common::TestApp;

async fn newsroom(app: &TestApp) -> (String, String, String) {
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business", "slug": "business"})).await;
    (editor, section, "/api/v1/public/articles?section=business".to_string())
}

fn slug_path(article: &Value) -> String {
    format!("/api/v1/public/articles/{}", article["slug"].as_str().unwrap())
}

fn id_path(article: &Value) -> String {
    format!("/api/v1/public/articles/{}", article["id"].as_str().unwrap())
}

async fn headlines(app: &TestApp, path: &str) -> Vec<String> {
    let res = app.get(path, None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()["items"].as_array().unwrap().iter().map(|i| i["headline"].as_str().unwrap().to_string()).collect()
}

/// GETs `path` twice and asserts that the second answer came from the cache, equal
/// to the first (body and ETag).
async fn assert_cached(app: &TestApp, path: &str) -> Value {
    let first = app.get(path, None).await;
    assert_eq!(first.status, 200, "{}", String::from_utf8_lossy(&first.body));
    let hits = app.cache.hits();
    let again = app.get(path, None).await;
    assert_eq!(app.cache.hits(), hits + 1, "{path} is served from the cache");
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.header("cache-control"), first.header("cache-control"));
    let etag = first.header("etag").unwrap();
    let not_modified = app.send_with(Method::GET, path, None, None, &[("if-none-match", etag.as_str())]).await;
    assert_eq!(not_modified.status, 304);
    first.json()
}

#[actix_web::test]
async fn unpublish_trash_and_edits_show_at_once_on_the_same_instance() {
    let app = TestApp::spawn().await;
    let (editor, section, front) = newsroom(&app).await;
    let a = app.published(&editor, json!({"headline": "Rates rise", "section_id": section})).await;
    let b = app.published(&editor, json!({"headline": "Yen falls", "section_id": section})).await;
    for path in [slug_path(&a), id_path(&a), slug_path(&b), front.clone()] {
        assert_cached(&app, &path).await;
    }

    let res = app.action(&editor, &a, "unpublish", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(app.get(&slug_path(&a), None).await.status, 404, "unpublished: gone at once");
    assert_eq!(app.get(&id_path(&a), None).await.status, 404);
    assert_eq!(headlines(&app, &front).await, ["Yen falls"]);

    let res = app.edit(&editor, &b, json!({"headline": "Yen falls further"})).await;
    assert_eq!(res.status, 200);
    let b = res.json();
    assert_eq!(app.get(&slug_path(&b), None).await.json()["headline"], "Yen falls further");
    assert_eq!(headlines(&app, &front).await, ["Yen falls further"]);
    assert_cached(&app, &slug_path(&b)).await;

    let etag = format!("\"{}\"", b["version"]);
    let path = format!("/api/v1/articles/{}", b["id"].as_str().unwrap());
    let res = app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", etag.as_str())]).await;
    assert_eq!(res.status, 204);
    assert_eq!(app.get(&slug_path(&b), None).await.status, 404, "trashed: gone at once");
    assert_eq!(app.get(&id_path(&b), None).await.status, 404);
    assert!(headlines(&app, &front).await.is_empty());
}

#[actix_web::test]
async fn an_article_is_kept_once_for_its_slug_and_its_id() {
    let app = TestApp::spawn().await;
    let (editor, section, _) = newsroom(&app).await;
    let a = app.published(&editor, json!({"headline": "Rates rise", "section_id": section})).await;
    let by_slug = app.get(&slug_path(&a), None).await;
    assert_eq!(by_slug.status, 200);
    // The id was never asked for, yet its answer comes from the cache: the same one.
    let hits = app.cache.hits();
    let by_id = app.get(&id_path(&a), None).await;
    assert_eq!(app.cache.hits(), hits + 1, "the id is served from the slug's entry");
    assert_eq!(by_id.body, by_slug.body);
    assert_eq!(by_id.header("etag"), by_slug.header("etag"));
    assert_cached(&app, &id_path(&a)).await;

    // A new slug: the former one answers 301 (never from the entry), the new one and
    // the id answer the new article.
    let res = app.edit(&editor, &a, json!({"slug": "rates-rise-again", "headline": "Rates rise again"})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let a2 = res.json();
    assert_eq!(app.get(&slug_path(&a), None).await.status, 301, "the former slug moved");
    assert_eq!(app.get(&id_path(&a2), None).await.json()["headline"], "Rates rise again");
    assert_eq!(assert_cached(&app, &slug_path(&a2)).await["headline"], "Rates rise again");
    assert_eq!(app.get(&slug_path(&a), None).await.status, 301, "and still moved, with the new one cached");

    // A slug that is another article's id: that address is the other article's (ids
    // are looked up first), however the first one was reached.
    let b = app.published(&editor, json!({"headline": "Yen falls", "section_id": section})).await;
    let b_id = b["id"].as_str().unwrap();
    let c = app.published(&editor, json!({"headline": "Gold shines", "section_id": section, "slug": b_id})).await;
    assert_eq!(c["slug"], b_id);
    assert_eq!(assert_cached(&app, &id_path(&c)).await["headline"], "Gold shines");
    assert_eq!(app.get(&id_path(&b), None).await.json()["headline"], "Yen falls");
    assert_eq!(assert_cached(&app, &slug_path(&c)).await["headline"], "Yen falls");
}

#[actix_web::test]
async fn bylines_sections_and_the_preview_length_show_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (editor_id, _, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "Business", "slug": "business"})).await;
    let front = "/api/v1/public/articles?section=business";
    let body: Vec<Value> = (1..=4).map(|n| json!({"type": "paragraph", "text": format!("Paragraph {n}.")})).collect();
    let a = app
        .published(&editor, json!({"headline": "Gated", "section_id": section, "access": "metered", "body": body}))
        .await;
    let path = slug_path(&a);
    assert_cached(&app, &path).await;
    assert_cached(&app, front).await;

    let res = app.patch(&format!("/api/v1/users/{editor_id}"), Some(&admin), json!({"display_name": "Ann Lee"})).await;
    assert_eq!(res.status, 200);
    let article = app.get(&path, None).await.json();
    assert_eq!(article["authors"][0]["display_name"], "Ann Lee", "a renamed author shows at once");
    assert_eq!(app.get(front, None).await.json()["items"][0]["authors"][0]["display_name"], "Ann Lee");

    let res = app
        .send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": 3, "period": "month", "default_preview_blocks": 1})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(app.get(&path, None).await.json()["body"].as_array().unwrap().len(), 1, "the new preview at once");

    let sections = format!("/api/v1/sections/{section}");
    let res = app
        .send_with(Method::PATCH, &sections, Some(&editor), Some(json!({"name": "Money"})), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(app.get(&path, None).await.json()["section"]["name"], "Money", "a renamed section shows at once");
}

#[actix_web::test]
async fn a_change_made_elsewhere_shows_within_the_sync_interval() {
    let app = TestApp::spawn_with(|s| s.public_cache_sync_ms = 5_000).await;
    let (editor, section, front) = newsroom(&app).await;
    let a = app.published(&editor, json!({"headline": "Rates rise", "section_id": section})).await;
    assert_cached(&app, &slug_path(&a)).await;
    assert_cached(&app, &front).await;
    // As another instance unpublishing it would (the generation's triggers fire there).
    let id = a["id"].as_str().unwrap();
    app.sql_from_elsewhere(&format!(
        "UPDATE articles SET status = 'draft', version = version + 1 WHERE id = '{id}'; \
         DELETE FROM article_feed WHERE article_id = '{id}';"
    ));

    // Within the interval this instance may still answer from its cache...
    app.clock.advance(Duration::milliseconds(4_000));
    let stale = app.get(&slug_path(&a), None).await.status;
    assert!(stale == 200 || stale == 404);
    // ...and past it, never.
    app.clock.advance(Duration::milliseconds(1_001));
    assert_eq!(app.get(&slug_path(&a), None).await.status, 404, "gone once the interval has passed");
    assert_eq!(app.get(&id_path(&a), None).await.status, 404);
    assert!(headlines(&app, &front).await.is_empty());
}

#[actix_web::test]
async fn a_scheduled_article_joins_a_cached_front_when_it_goes_live() {
    let app = TestApp::spawn().await;
    let (editor, section, front) = newsroom(&app).await;
    app.published(&editor, json!({"headline": "Now", "section_id": section})).await;
    let at = (Utc::now() + Duration::minutes(10)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let later = app.article(&editor, json!({"headline": "Later", "section_id": section})).await;
    let res = app.action(&editor, &later, "publish", Some(json!({"publish_at": at}))).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_cached(&app, &front).await;
    assert_eq!(headlines(&app, &front).await, ["Now"]);

    app.clock.advance(Duration::minutes(11));
    assert_eq!(headlines(&app, &front).await, ["Later", "Now"], "live at its time, with no write");
    assert_eq!(app.get(&slug_path(&later), None).await.status, 200);
}

#[actix_web::test]
async fn articles_with_polls_or_sponsored_blocks_are_never_cached() {
    let app = TestApp::spawn().await;
    let (editor, section, _) = newsroom(&app).await;
    let poll = app
        .post(
            "/api/v1/polls",
            Some(&editor),
            json!({"title": "Rates", "questions": [{"prompt": "Up?", "kind": "single_choice",
                   "options": [{"label": "Yes"}, {"label": "No"}]}], "results_visibility": "always"}),
        )
        .await;
    assert_eq!(poll.status, 201, "{}", String::from_utf8_lossy(&poll.body));
    let poll = poll.json();
    let a = app
        .published(
            &editor,
            json!({"headline": "Vote", "section_id": section,
                   "body": [{"type": "paragraph", "text": "Tell us."}, {"type": "poll", "poll_id": poll["id"]}]}),
        )
        .await;
    let path = slug_path(&a);
    let first = app.get(&path, None).await;
    assert_eq!(first.status, 200);
    let hits = app.cache.hits();
    let option = poll["questions"][0]["options"][0]["id"].clone();
    let vote = app
        .send_with(
            Method::POST,
            &format!("/api/v1/public/polls/{}/responses", poll["id"].as_str().unwrap()),
            None,
            Some(json!({"answers": [{"question_id": poll["questions"][0]["id"], "option_ids": [option]}]})),
            &[("x-reader-id", &uuid::Uuid::now_v7().to_string())],
        )
        .await;
    assert_eq!(vote.status, 201, "{}", String::from_utf8_lossy(&vote.body));
    let after = app.get(&path, None).await;
    assert_eq!(app.cache.hits(), hits, "not from the cache");
    assert_eq!(after.json()["body"][1]["poll"]["results"]["total_responses"], 1, "the vote shows at once");
    assert_ne!(after.header("etag"), first.header("etag"));
}

#[actix_web::test]
async fn a_zero_sized_cache_is_off() {
    let app = TestApp::spawn_with(|s| s.public_cache_bytes = 0).await;
    let (editor, section, front) = newsroom(&app).await;
    let a = app.published(&editor, json!({"headline": "Rates rise", "section_id": section})).await;
    for _ in 0..2 {
        assert_eq!(app.get(&slug_path(&a), None).await.status, 200);
        assert_eq!(headlines(&app, &front).await, ["Rates rise"]);
    }
    assert_eq!(app.cache.hits(), 0);
}

#[actix_web::test]
async fn saves_and_paywall_changes_at_once_never_deadlock_on_the_generation() {
    // A paywall change rewrites the search text of every gated article that follows
    // the site's preview, while editors save those articles: both move the public
    // generation. On PostgreSQL the counter's lock must not close a cycle with the
    // articles' row locks (it is taken at commit); no request may fail.
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (editor, section, _) = newsroom(&app).await;
    let body: Vec<Value> = (1..=3).map(|n| json!({"type": "paragraph", "text": format!("Paragraph {n}.")})).collect();
    let mut articles = Vec::new();
    for n in 0..6 {
        let a = app
            .published(
                &editor,
                json!({"headline": format!("Gated {n}"), "section_id": section, "access": "metered", "body": body}),
            )
            .await;
        articles.push(a);
    }
    for round in 0..8 {
        let paywall = app.send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": 3, "period": "month", "default_preview_blocks": 1 + round % 2})),
        );
        let saves = articles.iter().map(|a| app.edit(&editor, a, json!({"standfirst": format!("Round {round}.")})));
        let (paywall, saved) = futures_util::future::join(paywall, futures_util::future::join_all(saves)).await;
        assert_eq!(paywall.status, 200, "{}", String::from_utf8_lossy(&paywall.body));
        for (a, res) in articles.iter_mut().zip(saved) {
            assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
            *a = res.json();
        }
    }
    let res = app.get(&slug_path(&articles[0]), None).await.json();
    assert_eq!(res["standfirst"], "Round 7.");
}
