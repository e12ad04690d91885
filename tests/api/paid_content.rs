//! Paid content: an article marked with its sponsor, label and disclosure. Only editors
//! and admins set, change or clear it; readers get it in the article and in lists,
//! feeds title and open it with the label, the JSON-LD is an `AdvertiserContentArticle`
//! naming the sponsor, and the news sitemap leaves it out.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::structured_data::{literal, prop, read_as_jsonld, types};

fn acme() -> Value {
    json!({"sponsor_name": "Acme Bank", "sponsor_url": "https://acme.example.com",
           "label": "Paid post", "disclosure": "This article was paid for by Acme Bank."})
}

async fn public(app: &TestApp, slug: &str) -> Value {
    let res = app.get(&format!("/api/v1/public/articles/{slug}"), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

fn problem_fields(res: &crate::common::Resp) -> Vec<String> {
    let body: Value = res.json();
    body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_string()).collect()
}

#[actix_web::test]
async fn editors_mark_an_article_as_paid_content_and_readers_are_told_everywhere() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "Money"})).await;
    let (_, _, editor) = app.user("editor").await;

    // Every field is checked: visible text, lengths, an http(s) URL.
    let bad = json!({"sponsor_name": "\u{200B}", "sponsor_url": "javascript:alert(1)",
                     "label": "<b></b>", "disclosure": "x".repeat(301)});
    let res = app
        .post(
            "/api/v1/articles",
            Some(&editor),
            json!({"headline": "Saving early", "section_id": section, "sponsorship": bad}),
        )
        .await;
    assert_eq!(res.status, 422, "{}", String::from_utf8_lossy(&res.body));
    let mut fields = problem_fields(&res);
    fields.sort();
    assert_eq!(
        fields,
        ["sponsorship.disclosure", "sponsorship.label", "sponsorship.sponsor_name", "sponsorship.sponsor_url"]
    );
    let missing = json!({"headline": "Saving early", "section_id": section, "sponsorship": {"sponsor_name": "Acme"}});
    assert_eq!(app.post("/api/v1/articles", Some(&editor), missing).await.status, 422);

    let paid = app
        .published(
            &editor,
            json!({"headline": "Saving early pays", "section_id": section, "standfirst": "Start at twenty",
                   "body": [{"type": "paragraph", "text": "Compound interest."}], "sponsorship": acme()}),
        )
        .await;
    assert_eq!(paid["sponsorship"], acme(), "the editorial answer holds it as sent");
    app.published(&editor, json!({"headline": "Rates rise", "section_id": section})).await;

    let article = public(&app, "saving-early-pays").await;
    assert_eq!(article["sponsored"], true);
    assert_eq!(article["sponsorship"], acme());
    let ld = &article["structured_data"];
    assert_eq!(ld["@type"], "AdvertiserContentArticle");
    assert_eq!(ld["sponsor"], json!({"@type": "Organization", "name": "Acme Bank", "url": "https://acme.example.com"}));
    let (node, _) = read_as_jsonld(ld);
    assert_eq!(types(&node), ["http://schema.org/AdvertiserContentArticle"]);
    let sponsor = &prop(&node, "sponsor")[0];
    assert_eq!(
        (types(sponsor), literal(sponsor, "name")),
        (vec!["http://schema.org/Organization".to_string()], json!("Acme Bank"))
    );
    assert_eq!(prop(sponsor, "url")[0]["@id"], "https://acme.example.com");
    let own = public(&app, "rates-rise").await;
    assert_eq!((own["sponsored"].clone(), own["sponsorship"].clone()), (json!(false), Value::Null));
    assert_eq!(own["structured_data"]["@type"], "NewsArticle");
    assert!(own["structured_data"].get("sponsor").is_none());

    // Lists carry it, so that a front labels the teaser.
    let list: Value = app.get("/api/v1/public/articles?section=money", None).await.json();
    let items = list["items"].as_array().unwrap();
    let teaser = items.iter().find(|i| i["slug"] == "saving-early-pays").unwrap();
    assert_eq!(
        (teaser["sponsored"].clone(), teaser["sponsorship"]["label"].clone()),
        (json!(true), json!("Paid post"))
    );
    let other = items.iter().find(|i| i["slug"] == "rates-rise").unwrap();
    assert_eq!(other["sponsored"], false);

    // Feeds: the title starts with the label, the content with the disclosure.
    let feed: Value = app.get("/api/v1/public/feeds/json", None).await.json();
    let entries = feed["items"].as_array().unwrap();
    let entry = entries.iter().find(|i| i["title"].as_str().unwrap().ends_with("Saving early pays")).unwrap();
    assert_eq!(entry["title"], "Paid post: Saving early pays");
    assert_eq!(entry["_masthead"]["sponsored"], true);
    let html = entry["content_html"].as_str().unwrap();
    assert!(
        html.starts_with("<p class=\"sponsorship\"><strong>Paid post</strong> This article was paid for by Acme Bank.")
            && html.contains("<a href=\"https://acme.example.com\" rel=\"sponsored\">Acme Bank</a>"),
        "{html}"
    );
    let plain = entries.iter().find(|i| i["title"] == "Rates rise").unwrap();
    assert_eq!(plain["_masthead"]["sponsored"], false);
    let rss = app.get("/api/v1/public/feeds/rss", None).await;
    assert!(String::from_utf8_lossy(&rss.body).contains("<title>Paid post: Saving early pays</title>"));

    // Sitemaps list it; the news sitemap does not (Google asks for no paid content there).
    let sitemap = String::from_utf8(app.get("/api/v1/public/sitemaps/1", None).await.body.to_vec()).unwrap();
    assert!(sitemap.contains("saving-early-pays"), "{sitemap}");
    let news = String::from_utf8(app.get("/api/v1/public/news-sitemap", None).await.body.to_vec()).unwrap();
    assert!(news.contains("rates-rise") && !news.contains("saving-early-pays"), "{news}");

    // Cleared, it is the newsroom's own again, at once (cached answers included).
    let res = app.edit(&editor, &paid, json!({"sponsorship": null})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let cleared: Value = res.json();
    assert_eq!(cleared["sponsorship"], Value::Null);
    let article = public(&app, "saving-early-pays").await;
    assert_eq!(
        (article["sponsored"].clone(), article["structured_data"]["@type"].clone()),
        (json!(false), json!("NewsArticle"))
    );

    // A revision keeps it: restoring the first brings the sponsorship back.
    let etag = format!("\"{}\"", cleared["version"]);
    let res = app
        .send_with(
            Method::POST,
            &format!("/api/v1/articles/{}/revisions/1/restore", paid["id"].as_str().unwrap()),
            Some(&editor),
            None,
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["sponsorship"], acme());
}

#[actix_web::test]
async fn writers_neither_mark_nor_change_nor_clear_paid_content() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "Money"})).await;
    let (_, _, writer) = app.user("writer").await;
    let (_, _, editor) = app.user("editor").await;
    let (_, _, commercial) = app.user("commercial").await;

    let res = app
        .post(
            "/api/v1/articles",
            Some(&writer),
            json!({"headline": "Mine", "section_id": section, "sponsorship": acme()}),
        )
        .await;
    assert_eq!(res.status, 403, "{}", String::from_utf8_lossy(&res.body));
    let res = app
        .post(
            "/api/v1/articles",
            Some(&commercial),
            json!({"headline": "Ours", "section_id": section, "sponsorship": acme()}),
        )
        .await;
    assert_eq!(res.status, 403, "commercial users do not touch articles");

    // The writer's own draft: an editor marks it; the writer edits its text, but
    // cannot change or clear the marking.
    let draft = app.article(&writer, json!({"headline": "Mine", "section_id": section})).await;
    let res = app.edit(&writer, &draft, json!({"sponsorship": acme()})).await;
    assert_eq!(res.status, 403);
    let res = app.edit(&editor, &draft, json!({"sponsorship": acme()})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let marked: Value = res.json();
    let res = app.edit(&writer, &marked, json!({"headline": "Mine, longer"})).await;
    assert_eq!(res.status, 200, "an unchanged sponsorship is no change: {}", String::from_utf8_lossy(&res.body));
    let edited: Value = res.json();
    assert_eq!(edited["sponsorship"], acme());
    for change in [json!({"sponsorship": null}), json!({"sponsorship": dict_with(acme(), "label", "Advertisement")})] {
        let res = app.edit(&writer, &edited, change).await;
        assert_eq!(res.status, 403, "{}", String::from_utf8_lossy(&res.body));
    }
    // Nor through a revision: the first one had no sponsorship.
    let etag = format!("\"{}\"", edited["version"]);
    let path = format!("/api/v1/articles/{}/revisions/1/restore", edited["id"].as_str().unwrap());
    let res = app.send_with(Method::POST, &path, Some(&writer), None, &[("if-match", &etag)]).await;
    assert_eq!(res.status, 403, "{}", String::from_utf8_lossy(&res.body));
    let now: Value =
        app.get(&format!("/api/v1/articles/{}", edited["id"].as_str().unwrap()), Some(&writer)).await.json();
    assert_eq!(now["sponsorship"], acme());
}

fn dict_with(mut v: Value, key: &str, value: &str) -> Value {
    v[key] = json!(value);
    v
}
