//! The public delivery API: nothing unpublished ever leaks, gated bodies are cut,
//! lists are newest first and stable, responses are cacheable.

use actix_web::http::Method;
use chrono::Duration;
use serde_json::{Value, json};

use crate::common::{TestApp, slugs};

#[actix_web::test]
async fn nothing_unpublished_leaks_through_any_public_path() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "Politics"})).await;
    let secret = |headline: &str| json!({"headline": headline, "section_id": section, "tags": ["secret"], "body": [{"type": "paragraph", "text": "zebracorn plans"}]});
    // One article in each state that must stay invisible.
    let draft = app.article(&editor, secret("Draft story")).await;
    let review = app.article(&editor, secret("Review story")).await;
    app.action(&editor, &review, "submit", None).await;
    let scheduled = app.article(&editor, secret("Scheduled story")).await;
    let later = (chrono::Utc::now() + Duration::days(1)).to_rfc3339();
    assert_eq!(
        app.action(&editor, &scheduled, "publish", Some(json!({"publish_at": later}))).await.json()["status"],
        "scheduled"
    );
    let archived = app.published(&editor, secret("Archived story")).await;
    app.action(&editor, &archived, "archive", None).await;
    let trashed = app.published(&editor, secret("Trashed story")).await;
    let etag = format!("\"{}\"", trashed["version"]);
    let path = format!("/api/v1/articles/{}", trashed["id"].as_str().unwrap());
    assert_eq!(app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", &etag)]).await.status, 204);
    let unpublished = app.published(&editor, secret("Unpublished story")).await;
    app.action(&editor, &unpublished, "unpublish", None).await;

    for slug in
        ["draft-story", "review-story", "scheduled-story", "archived-story", "trashed-story", "unpublished-story"]
    {
        let res = app.get(&format!("/api/v1/public/articles/{slug}"), None).await;
        res.assert_problem(404, "not_found");
    }
    for article in [&draft, &review, &scheduled, &archived, &trashed, &unpublished] {
        let res = app.get(&format!("/api/v1/public/articles/{}", article["id"].as_str().unwrap()), None).await;
        res.assert_problem(404, "not_found");
    }
    for query in ["", "?tag=secret", "?section=politics", "?q=zebracorn", "?q=story", "?limit=100"] {
        let res = app.get(&format!("/api/v1/public/articles{query}"), None).await;
        assert_eq!(res.status, 200);
        assert!(slugs(&res.json()).is_empty(), "{query}: {}", String::from_utf8_lossy(&res.body));
    }
    // And the one published article is there, by slug and by id alike.
    let live = app.published(&editor, json!({"headline": "Live story", "section_id": section})).await;
    assert_eq!(slugs(&app.get("/api/v1/public/articles", None).await.json()), ["live-story"]);
    let by_slug = app.get("/api/v1/public/articles/live-story", None).await;
    let by_id = app.get(&format!("/api/v1/public/articles/{}", live["id"].as_str().unwrap()), None).await;
    assert_eq!((by_slug.status, by_id.status), (200, 200));
    assert_eq!(by_slug.json(), by_id.json());
    assert_eq!(by_slug.header("etag"), by_id.header("etag"));
    // An id-shaped string that is no live article's id (nor slug) is not found.
    app.get("/api/v1/public/articles/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", None)
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_public_article_carries_section_and_bylines_only() {
    let app = TestApp::spawn().await;
    let (editor_id, editor_email, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "Asia"})).await;
    app.published(
        &editor,
        json!({"headline": "Seoul summit", "section_id": section, "standfirst": "Leaders meet", "dateline": "SEOUL",
               "body": [{"type": "paragraph", "text": "SEOUL -- Leaders met."}, {"type": "heading", "text": "Trade", "level": 2}]}),
    )
    .await;
    let res = app.get("/api/v1/public/articles/seoul-summit", None).await;
    assert_eq!(res.status, 200);
    let text = String::from_utf8_lossy(&res.body).to_string();
    assert!(!text.contains(&editor_email) && !text.contains("\"role\"") && !text.contains("version"), "{text}");
    let a = res.json();
    assert_eq!(a["section"], json!({"id": section, "slug": "asia", "name": "Asia"}));
    assert_eq!(a["authors"], json!([{"id": editor_id, "display_name": "A editor"}]));
    assert_eq!(a["access"], json!({"level": "free", "preview": false}));
    assert_eq!(a["body"].as_array().unwrap().len(), 2);
    assert_eq!(a["dateline"], "SEOUL");
    for key in ["published_at", "first_published_at", "updated_at"] {
        assert!(a[key].as_str().unwrap().ends_with('Z'), "{key}");
    }
    assert!(a.get("status").is_none() && a.get("author_ids").is_none());
}

#[actix_web::test]
async fn gated_articles_show_only_their_preview_everywhere() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    let body: Vec<Value> =
        (1..=6).map(|i| json!({"type": "paragraph", "text": format!("Paragraph {i} of the scoop")})).collect();
    app.published(
        &editor,
        json!({"headline": "Metered scoop", "section_id": section, "access": "metered", "body": body}),
    )
    .await;
    app.published(&editor, json!({"headline": "Premium scoop", "section_id": section, "access": "premium", "preview_blocks": 1, "body": body})).await;

    let metered = app.get("/api/v1/public/articles/metered-scoop", None).await.json();
    assert_eq!(metered["access"], json!({"level": "metered", "preview": true}));
    assert_eq!(metered["body"].as_array().unwrap().len(), 3, "the site default preview");
    let premium = app.get("/api/v1/public/articles/premium-scoop", None).await;
    let text = String::from_utf8_lossy(&premium.body).to_string();
    assert_eq!(premium.json()["body"].as_array().unwrap().len(), 1);
    assert!(!text.contains("Paragraph 2"), "{text}");
    // Lists never carry bodies.
    let list = app.get("/api/v1/public/articles?q=scoop", None).await;
    assert!(!String::from_utf8_lossy(&list.body).contains("Paragraph"));
    assert_eq!(list.json()["items"][0]["access"]["preview"], true);
}

#[actix_web::test]
async fn lists_are_newest_first_filtered_and_stable_while_publishing() {
    let app = TestApp::spawn().await;
    let (writer_id, _, writer) = app.user("writer").await;
    let editor = app.user("editor").await.2;
    let business = app.section(&editor, json!({"name": "Business"})).await;
    let markets = app.section(&editor, json!({"name": "Markets", "parent_id": business})).await;
    let sport = app.section(&editor, json!({"name": "Sport"})).await;
    for i in 0..5 {
        let section = if i % 2 == 0 { &markets } else { &sport };
        let draft = app
            .article(
                &writer,
                json!({"headline": format!("Story {i}"), "section_id": section, "tags": [format!("t{}", i % 2)]}),
            )
            .await;
        app.action(&editor, &draft, "publish", None).await;
    }
    assert_eq!(
        slugs(&app.get("/api/v1/public/articles", None).await.json()),
        ["story-4", "story-3", "story-2", "story-1", "story-0"]
    );
    assert_eq!(
        slugs(&app.get("/api/v1/public/articles?section=business", None).await.json()),
        ["story-4", "story-2", "story-0"]
    );
    assert_eq!(slugs(&app.get("/api/v1/public/articles?section=markets", None).await.json()).len(), 3);
    assert!(slugs(&app.get("/api/v1/public/articles?section=nowhere", None).await.json()).is_empty());
    assert_eq!(slugs(&app.get("/api/v1/public/articles?tag=t1", None).await.json()), ["story-3", "story-1"]);
    assert_eq!(slugs(&app.get(&format!("/api/v1/public/articles?author={writer_id}"), None).await.json()).len(), 5);
    app.get("/api/v1/public/articles?status=draft", None).await.assert_problem(400, "unknown_query_parameter");
    app.get("/api/v1/public/articles?limit=0", None).await.assert_problem(422, "validation_failed");
    app.get("/api/v1/public/articles?cursor=abc", None).await.assert_problem(422, "validation_failed");

    // Page through while new articles are published: no duplicates, nothing skipped.
    let first = app.get("/api/v1/public/articles?limit=2", None).await.json();
    let mut seen = slugs(&first);
    let mut cursor = first["next_cursor"].as_str().map(str::to_string);
    let mut n = 0;
    while let Some(c) = cursor {
        let fresh = app.article(&editor, json!({"headline": format!("Breaking {n}"), "section_id": sport})).await;
        app.action(&editor, &fresh, "publish", None).await;
        n += 1;
        let page = app.get(&format!("/api/v1/public/articles?limit=2&cursor={c}"), None).await.json();
        seen.extend(slugs(&page));
        cursor = page["next_cursor"].as_str().map(str::to_string);
    }
    assert_eq!(seen, ["story-4", "story-3", "story-2", "story-1", "story-0"]);
}

#[actix_web::test]
async fn public_articles_are_cacheable() {
    let app = TestApp::spawn_with(|s| s.public_max_age = 120).await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.published(&editor, json!({"headline": "Cached", "section_id": section})).await;
    let res = app.get("/api/v1/public/articles/cached", None).await;
    assert_eq!(res.header("cache-control").as_deref(), Some("public, max-age=120, stale-while-revalidate=600"));
    let etag = res.header("etag").unwrap();
    let again =
        app.send_with(Method::GET, "/api/v1/public/articles/cached", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    let list = app.get("/api/v1/public/articles", None).await;
    let list_etag = list.header("etag").unwrap();
    assert_eq!(
        app.send_with(Method::GET, "/api/v1/public/articles", None, None, &[("if-none-match", &list_etag)])
            .await
            .status,
        304
    );
    // An edit changes the ETag.
    app.edit(&editor, &a, json!({"headline": "Cached, updated"})).await;
    let changed =
        app.send_with(Method::GET, "/api/v1/public/articles/cached", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(changed.status, 200);
    assert_eq!(changed.json()["headline"], "Cached, updated");
}

#[actix_web::test]
async fn full_text_search_follows_edits_and_takes_any_input() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Markets"})).await;
    let a = app
        .published(
            &editor,
            json!({"headline": "Stocks rally in Tokyo", "section_id": section, "standfirst": "Exporters lead",
                   "body": [{"type": "paragraph", "text": "The <em>yen</em> weakened against the dollar."}]}),
        )
        .await;
    app.published(&editor, json!({"headline": "Rain in Lisbon", "section_id": section})).await;
    let find = |q: &'static str| {
        let app = &app;
        async move {
            let res = app.get(&format!("/api/v1/public/articles?q={q}"), None).await;
            assert_eq!(res.status, 200, "{q}: {}", String::from_utf8_lossy(&res.body));
            slugs(&res.json())
        }
    };
    assert_eq!(find("tokyo").await, ["stocks-rally-in-tokyo"]);
    assert_eq!(find("exporters").await, ["stocks-rally-in-tokyo"], "standfirst");
    assert_eq!(find("yen%20dollar").await, ["stocks-rally-in-tokyo"], "body, all words");
    assert_eq!(find("rallies").await, ["stocks-rally-in-tokyo"], "stemmed");
    assert!(find("tokyo%20lisbon").await.is_empty());
    for odd in [
        "%22",
        "AND%20OR%20NOT",
        "(x",
        "*",
        "-",
        "%27%3B%20DROP%20TABLE%20articles",
        "%E6%9D%B1%E4%BA%AC",
        "NEAR(a%20b)",
    ] {
        find(odd).await;
    }
    // The index follows edits.
    app.edit(&editor, &a, json!({"headline": "Stocks slide in Osaka", "standfirst": null})).await;
    assert!(find("tokyo").await.is_empty());
    assert!(find("exporters").await.is_empty());
    assert_eq!(find("osaka").await, ["stocks-rally-in-tokyo"]);
}

#[actix_web::test]
async fn section_fronts_follow_moves_of_sections_and_articles() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let business = app.section(&editor, json!({"name": "Business"})).await;
    let markets = app.section(&editor, json!({"name": "Markets", "parent_id": business})).await;
    let sport = app.section(&editor, json!({"name": "Sport"})).await;
    let a = app.published(&editor, json!({"headline": "Bond yields climb", "section_id": markets})).await;
    let front = |section: &'static str| {
        let app = &app;
        async move { slugs(&app.get(&format!("/api/v1/public/articles?section={section}"), None).await.json()) }
    };
    assert_eq!(front("business").await, ["bond-yields-climb"]);

    // Markets moves to the top level: Business no longer shows it.
    let path = format!("/api/v1/sections/{markets}");
    let res = app
        .send_with(Method::PATCH, &path, Some(&editor), Some(json!({"parent_id": null})), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(res.status, 200);
    assert!(front("business").await.is_empty());
    assert_eq!(front("markets").await, ["bond-yields-climb"]);
    let res = app
        .send_with(Method::PATCH, &path, Some(&editor), Some(json!({"parent_id": business})), &[("if-match", "\"2\"")])
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(front("business").await, ["bond-yields-climb"]);

    // The article moves to Sport.
    app.edit(&editor, &a, json!({"section_id": sport})).await;
    assert!(front("business").await.is_empty());
    assert_eq!(front("sport").await, ["bond-yields-climb"]);
    assert_eq!(slugs(&app.get("/api/v1/public/articles", None).await.json()), ["bond-yields-climb"]);
}

#[actix_web::test]
async fn public_search_finds_only_text_readers_may_read() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    app.published(
        &editor,
        json!({"headline": "Premium analysis", "section_id": section, "access": "premium", "preview_blocks": 1,
               "body": [{"type": "paragraph", "text": "Teaser about harbours"}, {"type": "paragraph", "text": "The secret is quokkanomics"}]}),
    )
    .await;
    assert_eq!(slugs(&app.get("/api/v1/public/articles?q=harbours", None).await.json()), ["premium-analysis"]);
    assert!(slugs(&app.get("/api/v1/public/articles?q=quokkanomics", None).await.json()).is_empty());
}

#[actix_web::test]
async fn search_folds_case_beyond_ascii() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Culture"})).await;
    app.published(&editor, json!({"headline": "Émile Zola ÉCRIT", "section_id": section})).await;
    for q in ["%C3%A9mile", "%C3%89MILE", "%C3%A9crit"] {
        assert_eq!(slugs(&app.get(&format!("/api/v1/public/articles?q={q}"), None).await.json()).len(), 1, "{q}");
    }
}

#[actix_web::test]
async fn a_cursor_holding_a_time_out_of_range_is_422() {
    let app = TestApp::spawn().await;
    // A cursor is the list's key as JSON, base64url: (time in microseconds, id) here.
    // Times before 1970, after 9999 or past i64 are refused like any other bad cursor,
    // and so is the old text form.
    for raw in [
        "[-6000000000000000000,\"x\"]",
        "[-1,\"x\"]",
        "[253402300800000000,\"x\"]",
        "[99999999999999999999,\"x\"]",
        "v1:-6000000000000000000:x",
    ] {
        let cursor = base64_cursor(raw);
        let res = app.get(&format!("/api/v1/public/articles?cursor={cursor}"), None).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "cursor", "{raw}");
    }
    let in_range = base64_cursor("[253402300799999999,\"x\"]");
    assert_eq!(app.get(&format!("/api/v1/public/articles?cursor={in_range}"), None).await.status, 200);
}

fn base64_cursor(raw: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}
