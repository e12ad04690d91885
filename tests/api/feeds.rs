//! Feeds: RSS 2.0, Atom and JSON Feed 1.1 for the site, a section, a tag and an
//! author, read back by a real feed parser (Python's feedparser, as feed readers
//! parse them); only live articles, gated ones cut to what anonymous readers get,
//! sponsored content labelled, and conditional GET by ETag and by date.

use std::path::Path;
use std::process::Command;

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat};
use serde_json::{Value, json};

use crate::common::TestApp;

/// What feedparser makes of `body`, served as `content_type`.
fn parsed(body: &[u8], content_type: &str) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("feed");
    std::fs::write(&file, body).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/feed-parse");
    let out = Command::new(script).arg(&file).arg(content_type).output().expect("scripts/feed-parse runs");
    assert!(out.status.success(), "feed-parse: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn feed(app: &TestApp, path: &str) -> (Value, String) {
    let res = app.get(path, None).await;
    assert_eq!(res.status, 200, "{path}: {}", String::from_utf8_lossy(&res.body));
    let text = String::from_utf8(res.body.to_vec()).unwrap();
    (parsed(&res.body, &res.header("content-type").unwrap()), text)
}

fn titles(f: &Value) -> Vec<String> {
    f["entries"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap().to_string()).collect()
}

/// An entry's HTML content, as the parser found it.
fn content(entry: &Value) -> String {
    entry["content"][0]["value"].as_str().unwrap_or_default().to_string()
}

struct Newsroom {
    app: TestApp,
    admin: String,
    section: String,
}

/// A site with a free article (with a sponsored block), a metered one, a draft, a
/// scheduled one, and an article in another section.
async fn newsroom() -> Newsroom {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .send(
            Method::PUT,
            "/api/v1/site",
            Some(&admin),
            Some(json!({"name": "The Daily Example", "description": "News since 1887",
                        "base_url": "https://news.example.com", "publisher_name": "Example Media Ltd",
                        "language": "en-GB"})),
        )
        .await;
    assert_eq!(res.status, 200);
    let section = app.section(&admin, json!({"name": "Asia"})).await;
    let other = app.section(&admin, json!({"name": "Sport"})).await;
    let res = app
        .post(
            "/api/v1/sponsored",
            Some(&admin),
            json!({"title": "Shipping tomorrow", "sponsor_name": "Harbourline", "label": "Sponsored Content",
                   "disclosure": "Commissioned by Harbourline.", "placement": "article_inline", "status": "active",
                   "body": [{"type": "paragraph", "text": "Ports are <em>changing</em>."}]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let block = res.json()["id"].clone();
    let question =
        json!([{"prompt": "Agree?", "kind": "single_choice", "options": [{"label": "Yes"}, {"label": "No"}]}]);
    let res = app.post("/api/v1/polls", Some(&admin), json!({"title": "Your view", "questions": question})).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let poll = res.json()["id"].clone();
    let at = |minutes: i64| (app.clock.now() - Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let publish = |headline: &'static str, body: Value, at: String| {
        let (app, admin) = (&app, &admin);
        async move {
            let draft = app.article(admin, body).await;
            let res = app.action(admin, &draft, "publish", Some(json!({"publish_at": at}))).await;
            assert_eq!(res.status, 200, "{headline}: {}", String::from_utf8_lossy(&res.body));
        }
    };
    publish(
        "free",
        json!({"headline": "Leaders meet & agree", "section_id": section, "standfirst": "Twice a year",
               "tags": ["korea"], "body": [
                   {"type": "paragraph", "text": "SEOUL -- They met on <em>Monday</em>."},
                   {"type": "list", "style": "bullet", "items": ["One", "Two"]},
                   {"type": "sponsored", "block_id": block},
                   {"type": "poll", "poll_id": poll}]}),
        at(30),
    )
    .await;
    publish(
        "metered",
        json!({"headline": "Inside the talks", "section_id": section, "access": "metered", "preview_blocks": 1,
               "body": [{"type": "paragraph", "text": "Free first paragraph."},
                        {"type": "paragraph", "text": "SECRET second paragraph."}]}),
        at(20),
    )
    .await;
    publish("sport", json!({"headline": "Cup final tonight", "section_id": other, "tags": ["korea"]}), at(10)).await;
    app.article(&admin, json!({"headline": "Unfinished draft", "section_id": section})).await;
    let later = (app.clock.now() + Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    publish("scheduled", json!({"headline": "Embargoed story", "section_id": section}), later).await;
    Newsroom { app, admin, section }
}

#[actix_web::test]
async fn rss_atom_and_json_feed_parse_and_hold_the_live_articles() {
    let n = newsroom().await;
    let live = ["Cup final tonight", "Inside the talks", "Leaders meet & agree"];
    for (path, version, content_type) in [
        ("/api/v1/public/feeds/rss", "rss20", "application/rss+xml"),
        ("/api/v1/public/feeds/atom", "atom10", "application/atom+xml"),
    ] {
        let res = n.app.get(path, None).await;
        assert!(res.header("content-type").unwrap().starts_with(content_type), "{path}");
        assert!(res.header("cache-control").unwrap().starts_with("public"), "{path}");
        let (f, raw) = feed(&n.app, path).await;
        assert_eq!(f["version"], version, "{path}");
        assert!(!f["bozo"].as_bool().unwrap(), "{path}: {}", f["bozo_exception"]);
        assert_eq!(f["feed"]["title"], "The Daily Example", "{path}");
        assert_eq!(f["feed"]["link"], "https://news.example.com", "{path}");
        assert_eq!(titles(&f), live, "{path}: newest first, live only");
        assert!(!raw.contains("Unfinished draft") && !raw.contains("Embargoed story"), "{path}");
        assert!(!raw.contains("SECRET"), "{path}: a gated article gives only its preview");

        let entries = f["entries"].as_array().unwrap();
        let free = &entries[2];
        assert_eq!(free["link"], "https://news.example.com/asia/leaders-meet-agree", "{path}");
        assert!(free["id"].as_str().unwrap().starts_with("urn:uuid:"), "{path}");
        assert_eq!(free["summary"], "Twice a year", "{path}");
        assert!(free["published"].is_string(), "{path}");
        assert!(free["author"].is_string(), "{path}: {free}");
        let terms: Vec<&str> = free["tags"].as_array().unwrap().iter().map(|t| t["term"].as_str().unwrap()).collect();
        assert_eq!(terms, ["Asia", "korea"], "{path}");
        let html = content(free);
        assert!(html.contains("They met on <em>Monday</em>."), "{path}: {html}");
        assert!(html.contains("<li>One</li>"), "{path}: {html}");
        assert!(html.contains("Sponsored Content") && html.contains("Commissioned by Harbourline."), "{path}: {html}");
        assert!(html.contains("Take part in the poll: Your view"), "{path}: {html}");
        let gated = content(&entries[1]);
        assert!(gated.contains("Free first paragraph.") && gated.contains("Continue reading"), "{path}: {gated}");
    }

    // JSON Feed 1.1 (the released feedparser does not read it): its required and
    // recommended members, checked here.
    let res = n.app.get("/api/v1/public/feeds/json", None).await;
    assert!(res.header("content-type").unwrap().starts_with("application/feed+json"));
    let raw = String::from_utf8(res.body.to_vec()).unwrap();
    assert!(!raw.contains("SECRET") && !raw.contains("Unfinished draft") && !raw.contains("Embargoed story"));
    let doc: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(doc["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(doc["title"], "The Daily Example");
    assert_eq!(doc["home_page_url"], "https://news.example.com");
    assert_eq!(doc["feed_url"], "https://news.example.com/api/v1/public/feeds/json");
    assert_eq!(doc["language"], "en-GB");
    let items = doc["items"].as_array().unwrap();
    let headlines: Vec<&str> = items.iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(headlines, live);
    for item in items {
        assert!(item["id"].as_str().unwrap().starts_with("urn:uuid:"), "{item}");
        assert!(item["url"].as_str().unwrap().starts_with("https://news.example.com/"), "{item}");
        assert!(item["content_html"].is_string(), "{item}");
        for date in ["date_published", "date_modified"] {
            chrono::DateTime::parse_from_rfc3339(item[date].as_str().unwrap()).unwrap();
        }
        assert!(!item["authors"].as_array().unwrap().is_empty(), "{item}");
    }
    assert_eq!(items[2]["tags"], json!(["Asia", "korea"]));
    assert!(items[2]["content_html"].as_str().unwrap().contains("They met on <em>Monday</em>."));
    assert!(items[1]["content_html"].as_str().unwrap().contains("Continue reading"));
    assert_eq!(items[1]["_masthead"], json!({"access": "metered", "preview": true, "sponsored": false}));
    assert_eq!(items[2]["_masthead"]["sponsored"], true);

    // The scheduled article joins the feeds when it goes live.
    n.app.clock.advance(Duration::hours(2));
    let (f, _) = feed(&n.app, "/api/v1/public/feeds/rss").await;
    assert_eq!(titles(&f)[0], "Embargoed story");
}

#[actix_web::test]
async fn a_section_tag_or_author_has_its_own_feed() {
    let n = newsroom().await;
    let (f, _) = feed(&n.app, "/api/v1/public/feeds/atom?section=asia").await;
    assert_eq!(titles(&f), ["Inside the talks", "Leaders meet & agree"]);
    assert_eq!(f["feed"]["title"], "The Daily Example: Asia");
    let (f, _) = feed(&n.app, "/api/v1/public/feeds/rss?tag=KOREA").await;
    assert_eq!(titles(&f), ["Cup final tonight", "Leaders meet & agree"]);
    let (f, _) = feed(&n.app, "/api/v1/public/feeds/atom?tag=nothing").await;
    assert_eq!(titles(&f), Vec::<String>::new());
    assert!(!f["bozo"].as_bool().unwrap(), "an empty feed is a feed");
    let me = n.app.get("/api/v1/auth/me", Some(&n.admin)).await.json();
    let (f, _) = feed(&n.app, &format!("/api/v1/public/feeds/rss?author={}", me["id"].as_str().unwrap())).await;
    assert_eq!(titles(&f).len(), 3);
    let (f, _) = feed(&n.app, "/api/v1/public/feeds/rss?limit=1").await;
    assert_eq!(titles(&f), ["Cup final tonight"]);

    n.app.get("/api/v1/public/feeds/rss?section=nope", None).await.assert_problem(404, "not_found");
    let (f, _) = feed(&n.app, "/api/v1/public/feeds/rss?section=asia&tag=KOREA").await;
    assert_eq!(titles(&f), ["Leaders meet & agree"], "each narrows the feed");
    assert_eq!(f["feed"]["title"], "The Daily Example: Asia, korea");
    n.app.get("/api/v1/public/feeds/atom?limit=0", None).await.assert_problem(422, "validation_failed");
    n.app.get("/api/v1/public/feeds/json?colour=red", None).await.assert_problem(400, "unknown_query_parameter");
    assert_eq!(n.app.get("/api/v1/public/feeds/xml", None).await.status, 404);
    let _ = &n.section;
}

#[actix_web::test]
async fn feed_readers_poll_by_etag_or_date_and_see_changes_at_once() {
    let n = newsroom().await;
    let path = "/api/v1/public/feeds/rss";
    let first = n.app.get(path, None).await;
    let etag = first.header("etag").unwrap();
    let last_modified = first.header("last-modified").unwrap();
    assert!(last_modified.ends_with(" GMT"), "{last_modified}");
    let again = n.app.send_with(Method::GET, path, None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let again = n.app.send_with(Method::GET, path, None, None, &[("if-modified-since", &last_modified)]).await;
    assert_eq!(again.status, 304);
    let stale = "Mon, 01 Jan 2024 00:00:00 GMT";
    assert_eq!(n.app.send_with(Method::GET, path, None, None, &[("if-modified-since", stale)]).await.status, 200);
    // If-None-Match wins over If-Modified-Since.
    let both = [("if-none-match", "\"other\""), ("if-modified-since", last_modified.as_str())];
    assert_eq!(n.app.send_with(Method::GET, path, None, None, &both).await.status, 200);

    n.app.published(&n.admin, json!({"headline": "Breaking news", "section_id": n.section})).await;
    let changed = n.app.send_with(Method::GET, path, None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(changed.status, 200, "a new article reaches the cached feed at once");
    assert_eq!(titles(&parsed(&changed.body, "application/rss+xml"))[0], "Breaking news");
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out).expect("gzip");
    out
}

#[actix_web::test]
async fn feeds_go_gzipped_to_readers_that_take_gzip_from_the_cache_too() {
    let n = newsroom().await;
    for path in ["/api/v1/public/feeds/rss", "/api/v1/public/feeds/atom", "/api/v1/public/feeds/json"] {
        let plain = n.app.get(path, None).await;
        assert_eq!(plain.status, 200);
        assert!(plain.header("content-encoding").is_none(), "{path}: no gzip unless asked");
        assert_eq!(plain.header("vary").as_deref(), Some("Accept-Encoding"), "{path}");
        // The first gzip request may be the miss or a hit; the second is a hit.
        for round in 0..2 {
            let zipped = n.app.send_with(Method::GET, path, None, None, &[("accept-encoding", "gzip, br")]).await;
            assert_eq!(zipped.status, 200);
            assert_eq!(zipped.header("content-encoding").as_deref(), Some("gzip"), "{path} round {round}");
            assert_eq!(zipped.header("vary").as_deref(), Some("Accept-Encoding"));
            assert!(zipped.body.len() < plain.body.len());
            assert_eq!(gunzip(&zipped.body), plain.body, "{path}: the same feed");
            let etag = zipped.header("etag").unwrap();
            assert_ne!(etag, plain.header("etag").unwrap(), "another representation, another tag");
            assert_eq!(zipped.header("last-modified"), plain.header("last-modified"));
        }
        let refused = [("accept-encoding", "gzip;q=0, identity")];
        let not_gzip = n.app.send_with(Method::GET, path, None, None, &refused).await;
        assert!(not_gzip.header("content-encoding").is_none());
        assert_eq!(not_gzip.body, plain.body, "the plain copy the cache holds beside the gzipped one");
        // Each form revalidates by its own tag only: a 304 never vouches for the other.
        let zipped_etag = n
            .app
            .send_with(Method::GET, path, None, None, &[("accept-encoding", "gzip")])
            .await
            .header("etag")
            .unwrap();
        let plain_etag = plain.header("etag").unwrap();
        for (gzip, tag, status) in
            [(true, &zipped_etag, 304), (true, &plain_etag, 200), (false, &plain_etag, 304), (false, &zipped_etag, 200)]
        {
            let mut headers = vec![("if-none-match", tag.as_str())];
            if gzip {
                headers.push(("accept-encoding", "gzip"));
            }
            let again = n.app.send_with(Method::GET, path, None, None, &headers).await;
            assert_eq!(again.status, status, "{path}: gzip {gzip}, If-None-Match {tag}");
            assert_eq!(again.header("etag").as_ref(), Some(if gzip { &zipped_etag } else { &plain_etag }));
        }
    }
    assert!(n.app.cache.hits() > 0, "hits were served");
    // JSON answers stay as they are.
    let list =
        n.app.send_with(Method::GET, "/api/v1/public/articles", None, None, &[("accept-encoding", "gzip")]).await;
    assert!(list.header("content-encoding").is_none());
}
