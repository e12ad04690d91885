//! Articles and sponsored blocks use library images: references are checked, public
//! answers carry sizes, text and renditions, and a used image cannot be deleted.

use actix_web::http::Method;
use serde_json::json;

use super::{jpeg, uploaded};
use crate::common::TestApp;

#[actix_rt::test]
async fn public_articles_carry_the_asset_size_text_and_renditions() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "World", "slug": "world"})).await;
    let res = super::upload_form(
        &app,
        Some(&editor),
        &[
            ("file", Some("tokyo.jpg"), &jpeg(1000, 500, 1)),
            ("alt", None, b"Traders on the floor"),
            ("caption", None, b"Traders in Tokyo"),
            ("credit", None, b"Photo: A. Sato"),
        ],
    )
    .await;
    let asset = res.json();
    let asset_id = asset["id"].as_str().unwrap();
    let article = app
        .published(
            &editor,
            json!({
                "headline": "Markets open", "section_id": section,
                "hero_image": {"asset_id": asset_id},
                "body": [
                    {"type": "paragraph", "text": "Shares rose."},
                    {"type": "image", "asset_id": asset_id, "caption": "The <em>same</em> floor, later"},
                    {"type": "image", "url": "https://img.example.com/x.jpg", "alt": "Elsewhere"}
                ]
            }),
        )
        .await;
    assert_eq!(
        article["hero_image"],
        json!({"url": null, "asset_id": asset_id, "caption": null, "credit": null, "alt": null})
    );
    let public = app.get(&format!("/api/v1/public/articles/{}", article["slug"].as_str().unwrap()), None).await.json();
    let hero = &public["hero_image"];
    let base = format!("/api/v1/public/media/{asset_id}");
    assert_eq!(hero["url"], format!("{base}/w1000.jpg"));
    assert_eq!(hero["asset_id"], asset_id);
    assert_eq!((hero["width"].as_u64(), hero["height"].as_u64()), (Some(1000), Some(500)));
    assert_eq!(hero["alt"], "Traders on the floor");
    assert_eq!(hero["caption"], "Traders in Tokyo");
    assert_eq!(hero["credit"], "Photo: A. Sato");
    assert_eq!(hero["focal_point"], json!({"x": 0.5, "y": 0.5}));
    assert_eq!(hero["renditions"], asset["renditions"]);
    let block = &public["body"][1];
    assert_eq!(block["type"], "image");
    assert_eq!(block["caption"], "The <em>same</em> floor, later", "the article's own text wins");
    assert_eq!(block["alt"], "Traders on the floor", "the asset fills what the article leaves empty");
    assert_eq!(block["width"], 1000);
    let bare = &public["body"][2];
    assert_eq!(bare["url"], "https://img.example.com/x.jpg");
    assert_eq!(bare["asset_id"], json!(null));
    assert_eq!(bare["renditions"], json!(null));
    // Lists carry the hero image the same way.
    let list = app.get("/api/v1/public/articles", None).await.json();
    assert_eq!(list["items"][0]["hero_image"]["width"], 1000);

    // An edit to the asset reaches the public answer at once.
    let res = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/media/{asset_id}"),
            Some(&editor),
            Some(json!({"alt": "The trading floor at the open"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 200);
    let public = app.get(&format!("/api/v1/public/articles/{}", article["slug"].as_str().unwrap()), None).await.json();
    assert_eq!(public["hero_image"]["alt"], "The trading floor at the open");
}

#[actix_rt::test]
async fn images_must_name_a_url_or_an_existing_asset() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    let section = app.section(&app.admin_token().await, json!({"name": "World", "slug": "world"})).await;
    let missing = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    let res = app
        .post(
            "/api/v1/articles",
            Some(&writer),
            json!({"headline": "x", "section_id": section, "body": [{"type": "image", "alt": "nothing"}]}),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "body[0].url");
    let res = app
        .post(
            "/api/v1/articles",
            Some(&writer),
            json!({"headline": "x", "section_id": section, "hero_image": {"asset_id": missing},
                   "body": [{"type": "paragraph", "text": "x"}, {"type": "image", "asset_id": missing}]}),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    let fields: Vec<_> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["hero_image.asset_id", "body[1].asset_id"]);
}

#[actix_rt::test]
async fn an_asset_that_articles_or_sponsored_blocks_use_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let (_, _, commercial) = app.user("commercial").await;
    let section = app.section(&editor, json!({"name": "World", "slug": "world"})).await;
    let asset = uploaded(&app, &editor, &jpeg(100, 100, 2), "a.jpg").await;
    let id = asset["id"].as_str().unwrap();
    let article = app
        .article(&editor, json!({"headline": "Harbour story", "section_id": section, "hero_image": {"asset_id": id}}))
        .await;
    let path = format!("/api/v1/media/{id}");
    let delete = || app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", "\"1\"")]);
    let body = delete().await.assert_problem(409, "asset_in_use");
    assert!(body["detail"].as_str().unwrap().contains("harbour-story"), "{body}");

    // Trashed articles do not hold it; sponsored blocks do.
    let res = app
        .send_with(
            Method::DELETE,
            &format!("/api/v1/articles/{}", article["id"].as_str().unwrap()),
            Some(&editor),
            None,
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 204, "{}", String::from_utf8_lossy(&res.body));
    let block = app
        .post(
            "/api/v1/sponsored",
            Some(&commercial),
            json!({"title": "Partner", "sponsor_name": "Studio", "label": "Sponsored", "disclosure": "Commissioned by Studio.",
                   "placement": "article_inline", "body": [{"type": "image", "asset_id": id}]}),
        )
        .await;
    assert_eq!(block.status, 201, "{}", String::from_utf8_lossy(&block.body));
    let body = delete().await.assert_problem(409, "asset_in_use");
    assert!(body["detail"].as_str().unwrap().contains("Partner"), "{body}");
    let res = app
        .send_with(
            Method::DELETE,
            &format!("/api/v1/sponsored/{}", block.json()["id"].as_str().unwrap()),
            Some(&commercial),
            None,
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 204);
    assert_eq!(delete().await.status, 204);
}
