//! The public article's schema.org JSON-LD: built from the article and the site
//! settings, absolute URLs, image sizes, and a gated article's paywall declared.

use std::path::Path;
use std::process::Command;

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::TestApp;
use crate::media::{png, uploaded};

async fn public(app: &TestApp, slug: &str) -> Value {
    let res = app.get(&format!("/api/v1/public/articles/{slug}"), None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

/// What a JSON-LD processor (PyLD) reads in `ld`: the document expanded, one node, and
/// its statements as N-Quads.
pub(crate) fn read_as_jsonld(ld: &Value) -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ld.json");
    std::fs::write(&file, ld.to_string()).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/jsonld-parse");
    let out = Command::new(script).arg(&file).output().expect("scripts/jsonld-parse runs");
    assert!(out.status.success(), "jsonld-parse: {}", String::from_utf8_lossy(&out.stderr));
    let read: Value = serde_json::from_slice(&out.stdout).unwrap();
    let nodes = read["expanded"].as_array().unwrap();
    assert_eq!(nodes.len(), 1, "one top-level node: {nodes:?}");
    (nodes[0].clone(), read["nquads"].as_str().unwrap().to_string())
}

/// The values of schema.org property `name` on an expanded node.
pub(crate) fn prop<'a>(node: &'a Value, name: &str) -> &'a Vec<Value> {
    node[format!("http://schema.org/{name}")].as_array().unwrap_or_else(|| panic!("no schema:{name} in {node}"))
}

/// The one literal value of `name`.
pub(crate) fn literal(node: &Value, name: &str) -> Value {
    let values = prop(node, name);
    assert_eq!(values.len(), 1, "{name}: {values:?}");
    values[0]["@value"].clone()
}

pub(crate) fn types(node: &Value) -> Vec<String> {
    node["@type"].as_array().unwrap().iter().map(|t| t.as_str().unwrap().to_string()).collect()
}

#[actix_web::test]
async fn a_free_article_is_a_news_article_on_the_sites_address() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let logo = uploaded(&app, &admin, &png(600, 60, 3), "logo.png").await;
    let photo = uploaded(&app, &admin, &png(1200, 800, 9), "photo.png").await;
    let res = app
        .send(
            Method::PUT,
            "/api/v1/site",
            Some(&admin),
            Some(json!({
                "name": "The Daily Example", "base_url": "https://news.example.com/en",
                "publisher_name": "Example Media Ltd", "language": "en-GB", "time_zone": "Asia/Tokyo",
                "article_path": "/{section}/{year}/{month}/{day}/{slug}",
                "logo": {"asset_id": logo["id"], "alt": "The Daily Example"}
            })),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let section = app.section(&admin, json!({"name": "Asia"})).await;
    let (_, _, editor) = app.user("editor").await;
    let draft = app
        .article(
            &editor,
            json!({"headline": "Leaders meet", "section_id": section, "standfirst": "Twice a year",
                   "tags": ["korea", "japan"], "hero_image": {"asset_id": photo["id"], "alt": "Two leaders"},
                   "body": [{"type": "paragraph", "text": "Text."}]}),
        )
        .await;
    // Late on 1 December in UTC is already 2 December in Tokyo: the path's date is the site's.
    let res = app.action(&editor, &draft, "publish", Some(json!({"publish_at": "2026-12-01T20:00:00Z"}))).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let article = public(&app, "leaders-meet").await;
    let ld = &article["structured_data"];
    let url = "https://news.example.com/en/asia/2026/12/02/leaders-meet";
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!((ld["@id"].as_str(), ld["url"].as_str()), (Some(url), Some(url)));
    assert_eq!(ld["mainEntityOfPage"], json!({"@type": "WebPage", "@id": url}));
    assert_eq!(ld["headline"], "Leaders meet");
    assert_eq!(ld["description"], "Twice a year");
    assert_eq!(ld["datePublished"], "2026-12-01T20:00:00Z");
    assert_eq!(ld["dateModified"], article["updated_at"]);
    assert_eq!(ld["author"].as_array().unwrap().len(), 1);
    assert_eq!(ld["author"][0]["@type"], "Person");
    assert_eq!(ld["author"][0]["name"], article["authors"][0]["display_name"]);
    assert_eq!(ld["articleSection"], "Asia");
    assert_eq!(ld["keywords"], json!(["korea", "japan"]));
    assert_eq!(ld["inLanguage"], "en-GB");
    assert_eq!(ld["isAccessibleForFree"], true);
    assert!(ld.get("hasPart").is_none());

    let images = ld["image"].as_array().unwrap();
    assert!(images.len() > 1, "the full picture and its crops: {images:?}");
    assert_eq!(
        images[0]["url"],
        format!("https://news.example.com{}", article["hero_image"]["renditions"]["url"].as_str().unwrap())
    );
    assert_eq!(images[0]["width"], article["hero_image"]["renditions"]["width"]);
    assert_eq!(images[0]["height"], article["hero_image"]["renditions"]["height"]);
    for image in images {
        assert_eq!(image["@type"], "ImageObject");
        assert!(image["url"].as_str().unwrap().starts_with("https://news.example.com/api/v1/public/media/"), "{image}");
        assert!(image["width"].as_u64().unwrap() > 0 && image["height"].as_u64().unwrap() > 0, "{image}");
    }
    let publisher = &ld["publisher"];
    assert_eq!(publisher["@type"], "Organization");
    assert_eq!(publisher["name"], "Example Media Ltd");
    assert_eq!(publisher["url"], "https://news.example.com/en");
    assert_eq!(publisher["logo"]["@type"], "ImageObject");
    assert_eq!((publisher["logo"]["width"].as_u64(), publisher["logo"]["height"].as_u64()), (Some(600), Some(60)));

    // What a JSON-LD processor reads in it: schema.org terms, the page's address as the
    // article's IRI, every field where it belongs.
    let (node, nquads) = read_as_jsonld(ld);
    assert_eq!(node["@id"], url);
    assert_eq!(types(&node), ["http://schema.org/NewsArticle"]);
    assert_eq!(literal(&node, "headline"), "Leaders meet");
    assert_eq!(literal(&node, "datePublished"), "2026-12-01T20:00:00Z");
    assert_eq!(literal(&node, "dateModified"), article["updated_at"]);
    assert_eq!(literal(&node, "isAccessibleForFree"), true);
    assert_eq!(prop(&node, "url")[0]["@id"], url);
    let author = &prop(&node, "author")[0];
    assert_eq!(
        (types(author), literal(author, "name")),
        (vec!["http://schema.org/Person".to_string()], article["authors"][0]["display_name"].clone())
    );
    let read_images = prop(&node, "image");
    assert_eq!(read_images.len(), images.len());
    for image in read_images {
        assert_eq!(types(image), ["http://schema.org/ImageObject"]);
        assert!(literal(image, "width").as_u64().unwrap() > 0 && literal(image, "height").as_u64().unwrap() > 0);
        assert!(prop(image, "url")[0]["@id"].as_str().unwrap().starts_with("https://news.example.com/"));
    }
    let read_publisher = &prop(&node, "publisher")[0];
    assert_eq!(types(read_publisher), ["http://schema.org/Organization"]);
    assert_eq!(literal(read_publisher, "name"), "Example Media Ltd");
    assert_eq!(literal(&prop(read_publisher, "logo")[0], "width"), 600);
    assert!(nquads.contains(&format!("<{url}> <http://schema.org/headline> \"Leaders meet\" .")), "{nquads}");
    assert!(
        nquads.contains(&format!(
            "<{url}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://schema.org/NewsArticle> ."
        )),
        "{nquads}"
    );
}

#[actix_web::test]
async fn a_gated_article_declares_its_paywall_and_settings_changes_reach_cached_answers() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "News"})).await;
    let body = json!([{"type": "paragraph", "text": "One."}, {"type": "paragraph", "text": "Two."},
                      {"type": "paragraph", "text": "Three."}]);
    for (headline, access) in [("Metered story", "metered"), ("Premium story", "premium")] {
        app.published(
            &admin,
            json!({"headline": headline, "section_id": section, "access": access,
                                      "preview_blocks": 1, "body": body}),
        )
        .await;
    }
    let metered = public(&app, "metered-story").await;
    let ld = &metered["structured_data"];
    assert_eq!(ld["isAccessibleForFree"], false);
    assert_eq!(
        ld["hasPart"],
        json!({"@type": "WebPageElement", "isAccessibleForFree": false, "cssSelector": ".paywall"})
    );
    assert_eq!(ld["url"], "http://localhost:8080/news/metered-story", "the default address and path");
    assert!(ld.get("image").is_none() && ld.get("description").is_none() && ld.get("keywords").is_none());
    // As a JSON-LD processor reads it: the article is not free, and its gated part is
    // the element `.paywall` selects, as search engines document for paywalled content.
    let (node, _) = read_as_jsonld(ld);
    assert_eq!(literal(&node, "isAccessibleForFree"), false);
    let part = &prop(&node, "hasPart")[0];
    assert_eq!(types(part), ["http://schema.org/WebPageElement"]);
    assert_eq!((literal(part, "isAccessibleForFree"), literal(part, "cssSelector")), (json!(false), json!(".paywall")));
    assert_eq!(public(&app, "premium-story").await["structured_data"]["isAccessibleForFree"], false);
    let syndicated = app
        .published(
            &admin,
            json!({"headline": "Syndicated", "section_id": section, "standfirst": "S",
                   "seo": {"canonical_url": "https://partner.example.org/original", "description": "From a partner"}}),
        )
        .await;
    let ld = public(&app, syndicated["slug"].as_str().unwrap()).await["structured_data"].clone();
    assert_eq!(
        (ld["url"].as_str(), ld["@id"].as_str()),
        (Some("https://partner.example.org/original"), Some("https://partner.example.org/original"))
    );
    assert_eq!(ld["description"], "From a partner", "the SEO description wins over the standfirst");

    // The answer is cached; new settings reach it at once.
    let res = app
        .send(
            Method::PUT,
            "/api/v1/site",
            Some(&admin),
            Some(json!({"name": "N", "base_url": "https://n.example", "publisher_name": "N Ltd", "article_path": "/a/{id}"})),
        )
        .await;
    assert_eq!(res.status, 200);
    let ld = public(&app, "metered-story").await["structured_data"].clone();
    assert_eq!(ld["url"], format!("https://n.example/a/{}", metered["id"].as_str().unwrap()));
    assert_eq!(ld["publisher"], json!({"@type": "Organization", "name": "N Ltd", "url": "https://n.example"}));
}
