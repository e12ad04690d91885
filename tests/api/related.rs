//! Related articles: shared tags first (most shared first, then newest), then the
//! section's newest; only live articles, never the article itself; cached and moved
//! with the article's slug.

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat};
use serde_json::{Value, json};

use crate::common::{TestApp, slugs};

async fn related(app: &TestApp, path: &str) -> Value {
    let res = app.get(path, None).await;
    assert_eq!(res.status, 200, "{path}: {}", String::from_utf8_lossy(&res.body));
    assert!(res.header("cache-control").unwrap().starts_with("public"));
    res.json()
}

#[actix_web::test]
async fn shared_tags_come_first_then_the_section_and_nothing_unpublished() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let asia = app.section(&admin, json!({"name": "Asia"})).await;
    let sport = app.section(&admin, json!({"name": "Sport"})).await;
    let minutes_ago = |m: i64| (app.clock.now() - Duration::minutes(m)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let publish = |headline: &'static str, section: &String, tags: Value, at: String| {
        let (app, admin, section) = (&app, &admin, section.clone());
        async move {
            let draft = app.article(admin, json!({"headline": headline, "section_id": section, "tags": tags})).await;
            let res = app.action(admin, &draft, "publish", Some(json!({"publish_at": at}))).await;
            assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
            res.json()
        }
    };
    let main = publish("Main story", &asia, json!(["korea", "japan"]), minutes_ago(1)).await;
    publish("Both tags old", &sport, json!(["korea", "japan"]), minutes_ago(50)).await;
    publish("One tag new", &sport, json!(["japan"]), minutes_ago(5)).await;
    publish("One tag older", &sport, json!(["korea"]), minutes_ago(10)).await;
    publish("Same section", &asia, json!(["china"]), minutes_ago(20)).await;
    publish("Same section older", &asia, json!([]), minutes_ago(30)).await;
    publish("Unrelated", &sport, json!(["football"]), minutes_ago(2)).await;
    app.article(&admin, json!({"headline": "Draft with tags", "section_id": asia, "tags": ["korea"]})).await;
    let later = (app.clock.now() + Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    publish("Scheduled with tags", &asia, json!(["korea", "japan"]), later).await;

    let v = related(&app, "/api/v1/public/articles/main-story/related").await;
    assert_eq!(
        slugs(&v),
        ["both-tags-old", "one-tag-new", "one-tag-older", "same-section", "same-section-older"],
        "five by default: the most shared tags first, then the section's newest"
    );
    assert!(v["items"][0]["section"]["slug"].is_string() && v["items"][0].get("body").is_none());
    let by_id =
        related(&app, &format!("/api/v1/public/articles/{}/related?limit=2", main["id"].as_str().unwrap())).await;
    assert_eq!(slugs(&by_id), ["both-tags-old", "one-tag-new"]);
    let all = related(&app, "/api/v1/public/articles/main-story/related?limit=20").await;
    assert!(!slugs(&all).contains(&"main-story".to_string()));
    assert!(!slugs(&all).iter().any(|s| s.contains("draft") || s.contains("scheduled")));
    assert!(!slugs(&all).contains(&"unrelated".to_string()));

    // The scheduled article joins when it goes live (the cached answer does not hold it back).
    app.clock.advance(Duration::hours(2));
    let v = related(&app, "/api/v1/public/articles/main-story/related?limit=2").await;
    assert_eq!(slugs(&v), ["scheduled-with-tags", "both-tags-old"]);
}

#[actix_web::test]
async fn unknown_moved_and_bad_requests() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "News"})).await;
    let article = app.published(&admin, json!({"headline": "First title", "section_id": section})).await;
    app.published(&admin, json!({"headline": "Neighbour", "section_id": section})).await;
    assert_eq!(slugs(&related(&app, "/api/v1/public/articles/first-title/related").await), ["neighbour"]);

    let etag = format!("\"{}\"", article["version"]);
    let res = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", article["id"].as_str().unwrap()),
            Some(&admin),
            Some(json!({"slug": "new-title"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(res.status, 200);
    let moved = app.get("/api/v1/public/articles/first-title/related?limit=3", None).await;
    assert_eq!(moved.status, 301);
    assert_eq!(moved.header("location").unwrap(), "/api/v1/public/articles/new-title/related?limit=3");

    app.get("/api/v1/public/articles/nope/related", None).await.assert_problem(404, "not_found");
    let draft = app.article(&admin, json!({"headline": "Secret draft", "section_id": section})).await;
    app.get(&format!("/api/v1/public/articles/{}/related", draft["id"].as_str().unwrap()), None)
        .await
        .assert_problem(404, "not_found");
    app.get("/api/v1/public/articles/new-title/related?limit=0", None).await.assert_problem(422, "validation_failed");
    app.get("/api/v1/public/articles/new-title/related?limit=101", None).await.assert_problem(422, "validation_failed");
    app.get("/api/v1/public/articles/new-title/related?cursor=x", None)
        .await
        .assert_problem(400, "unknown_query_parameter");
}
