//! Sitemaps: the index of pages, pages of live articles oldest first with `lastmod`
//! (streamed), the news sitemap of the last two days, all on the site's address.

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat};
use quick_xml::Reader;
use quick_xml::events::Event;
use serde_json::json;

use crate::common::TestApp;

/// The root element's name and namespace, and the text of every element named `name`
/// (with its prefix), in document order; panics when the XML is not well-formed.
fn xml(body: &[u8], name: &str) -> (String, Vec<String>) {
    let text = std::str::from_utf8(body).unwrap();
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"), "{text}");
    let mut reader = Reader::from_str(text);
    let (mut root, mut found, mut inside, mut buffer) = (String::new(), Vec::new(), false, String::new());
    loop {
        match reader.read_event().unwrap_or_else(|e| panic!("not well-formed: {e}: {text}")) {
            Event::Start(e) => {
                let tag = String::from_utf8(e.name().as_ref().to_vec()).unwrap();
                if root.is_empty() {
                    let ns =
                        e.try_get_attribute("xmlns").unwrap().map(|a| String::from_utf8(a.value.to_vec()).unwrap());
                    root = format!("{tag} {}", ns.unwrap_or_default());
                }
                inside = tag == name;
            }
            Event::Text(t) if inside => buffer.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) if inside => buffer.push_str(match &*r as &[u8] {
                b"amp" => "&",
                b"lt" => "<",
                b"gt" => ">",
                b"quot" => "\"",
                b"apos" => "'",
                other => panic!("unexpected entity {}", String::from_utf8_lossy(other)),
            }),
            Event::End(_) => {
                if inside {
                    found.push(std::mem::take(&mut buffer));
                }
                inside = false;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    (root, found)
}

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

async fn site(app: &TestApp, admin: &str) {
    let res = app
        .send(
            Method::PUT,
            "/api/v1/site",
            Some(admin),
            Some(json!({"name": "The Daily Example", "base_url": "https://news.example.com",
                        "publisher_name": "Example Media Ltd", "language": "en-GB"})),
        )
        .await;
    assert_eq!(res.status, 200);
}

#[actix_web::test]
async fn the_index_pages_and_every_live_article_once_oldest_first() {
    let app = TestApp::spawn_with(|s| s.sitemap_page_urls = 2).await;
    let admin = app.admin_token().await;
    site(&app, &admin).await;
    let section = app.section(&admin, json!({"name": "Asia"})).await;
    for (i, headline) in ["First", "Second", "Third", "Fourth", "Fifth"].into_iter().enumerate() {
        let draft = app.article(&admin, json!({"headline": headline, "section_id": section})).await;
        let at = (app.clock.now() - Duration::minutes(60 - i as i64)).to_rfc3339_opts(SecondsFormat::Secs, true);
        let res = app.action(&admin, &draft, "publish", Some(json!({"publish_at": at}))).await;
        assert_eq!(res.status, 200);
    }
    app.article(&admin, json!({"headline": "Draft", "section_id": section})).await;
    let later = (app.clock.now() + Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let draft = app.article(&admin, json!({"headline": "Later", "section_id": section})).await;
    assert_eq!(app.action(&admin, &draft, "publish", Some(json!({"publish_at": later}))).await.status, 200);

    let index = app.get("/api/v1/public/sitemaps", None).await;
    assert_eq!(index.status, 200);
    assert!(index.header("content-type").unwrap().starts_with("application/xml"));
    assert!(index.header("cache-control").unwrap().starts_with("public"));
    let (root, locs) = xml(&index.body, "loc");
    assert_eq!(root, format!("sitemapindex {SITEMAP_NS}"));
    assert_eq!(
        locs,
        [
            "https://news.example.com/api/v1/public/sitemaps/1",
            "https://news.example.com/api/v1/public/sitemaps/2",
            "https://news.example.com/api/v1/public/sitemaps/3",
            "https://news.example.com/api/v1/public/news-sitemap",
        ],
        "five live articles, two a page"
    );

    let mut all = Vec::new();
    for n in 1..=3 {
        let page = app.get_owned(format!("/api/v1/public/sitemaps/{n}")).await;
        assert_eq!(page.status, 200, "{n}");
        assert!(page.header("content-type").unwrap().starts_with("application/xml"));
        let (root, locs) = xml(&page.body, "loc");
        assert_eq!(root, format!("urlset {SITEMAP_NS}"));
        let (_, lastmods) = xml(&page.body, "lastmod");
        assert_eq!(lastmods.len(), locs.len());
        for l in &lastmods {
            chrono::DateTime::parse_from_rfc3339(l).unwrap();
        }
        all.extend(locs);
    }
    let expected: Vec<String> = ["first", "second", "third", "fourth", "fifth"]
        .iter()
        .map(|s| format!("https://news.example.com/asia/{s}"))
        .collect();
    assert_eq!(all, expected, "each live article once, oldest first; no draft, nothing scheduled");
    app.get("/api/v1/public/sitemaps/4", None).await.assert_problem(404, "not_found");
    for bad in ["0", "01", "-1", "x", "1.5"] {
        app.get_owned(format!("/api/v1/public/sitemaps/{bad}")).await.assert_problem(404, "not_found");
    }

    // A page answers If-None-Match while nothing changes, and changes when an article
    // goes live by itself.
    let page = app.get("/api/v1/public/sitemaps/3", None).await;
    let etag = page.header("etag").unwrap();
    assert!(etag.starts_with("W/"), "{etag}");
    let again = app.send_with(Method::GET, "/api/v1/public/sitemaps/3", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    app.clock.advance(Duration::hours(2));
    let after = app.send_with(Method::GET, "/api/v1/public/sitemaps/3", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(after.status, 200);
    assert_eq!(
        xml(&after.body, "loc").1,
        ["https://news.example.com/asia/fifth", "https://news.example.com/asia/later"]
    );
}

#[actix_web::test]
async fn a_page_longer_than_a_read_chunk_is_whole() {
    let app = TestApp::spawn_with(|s| s.sitemap_page_urls = 1500).await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "News"})).await;
    // More than one read chunk (1,000 articles), published a few at a time.
    let n = 1003;
    let start = app.clock.now() - Duration::hours(2);
    let publish = |i: i64| {
        let (app, admin, section) = (&app, &admin, section.clone());
        async move {
            let draft = app.article(admin, json!({"headline": format!("Story {i}"), "section_id": section})).await;
            let at = (start + Duration::seconds(i)).to_rfc3339_opts(SecondsFormat::Secs, true);
            let res = app.action(admin, &draft, "publish", Some(json!({"publish_at": at}))).await;
            assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        }
    };
    futures_util::StreamExt::collect::<Vec<()>>(futures_util::StreamExt::buffer_unordered(
        futures_util::stream::iter((0..n).map(publish)),
        8,
    ))
    .await;
    let page = app.get("/api/v1/public/sitemaps/1", None).await;
    assert_eq!(page.status, 200);
    let (_, locs) = xml(&page.body, "loc");
    let expected: Vec<String> = (0..n).map(|i| format!("http://localhost:8080/news/story-{i}")).collect();
    assert_eq!(locs, expected, "every article once, in order, across chunks");
}

#[actix_web::test]
async fn the_news_sitemap_holds_the_last_two_days() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    site(&app, &admin).await;
    let section = app.section(&admin, json!({"name": "Asia"})).await;
    for (headline, hours_ago) in [("Old news", 50), ("Yesterday & today", 20), ("Fresh", 1)] {
        let draft = app.article(&admin, json!({"headline": headline, "section_id": section})).await;
        let at = (app.clock.now() - Duration::hours(hours_ago)).to_rfc3339_opts(SecondsFormat::Secs, true);
        assert_eq!(app.action(&admin, &draft, "publish", Some(json!({"publish_at": at}))).await.status, 200);
    }
    let res = app.get("/api/v1/public/news-sitemap", None).await;
    assert_eq!(res.status, 200);
    let (root, titles) = xml(&res.body, "news:title");
    assert_eq!(root, format!("urlset {SITEMAP_NS}"));
    assert!(
        std::str::from_utf8(&res.body)
            .unwrap()
            .contains("xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"")
    );
    assert_eq!(titles, ["Fresh", "Yesterday & today"], "newest first, two days back");
    assert_eq!(xml(&res.body, "news:name").1, ["The Daily Example", "The Daily Example"]);
    assert_eq!(xml(&res.body, "news:language").1, ["en", "en"]);
    assert_eq!(xml(&res.body, "loc").1[0], "https://news.example.com/asia/fresh");
    for date in xml(&res.body, "news:publication_date").1 {
        chrono::DateTime::parse_from_rfc3339(&date).unwrap();
    }
    let etag = res.header("etag").unwrap();
    let again =
        app.send_with(Method::GET, "/api/v1/public/news-sitemap", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);

    // A day later the middle one has aged out, though nothing was written.
    app.clock.advance(Duration::hours(29));
    let res = app.get("/api/v1/public/news-sitemap", None).await;
    assert_eq!(xml(&res.body, "news:title").1, ["Fresh"]);
}
