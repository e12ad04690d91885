//! Creating an article: every field, validation that names the field, and sanitised
//! markup.

use serde_json::{Value, json};

use super::id;
use crate::common::TestApp;

#[actix_web::test]
async fn a_writer_creates_a_draft_with_every_field() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (writer_id, _, writer) = app.user("writer").await;
    let section = app.section(&admin, json!({"name": "Asia"})).await;
    let body = json!({
        "headline": "Tokyo stocks rally as yen weakens",
        "section_id": section,
        "standfirst": "Exporters lead the Nikkei higher",
        "dateline": "TOKYO",
        "kicker": "Markets",
        "hero_image": {"url": "https://img.example.com/t.jpg", "caption": "Traders <em>at work</em>", "credit": "Photo: A. Sato", "alt": "A trading floor"},
        "body": [
            {"type": "paragraph", "text": "Shares <strong>rose</strong> on Monday.<script>alert(1)</script>"},
            {"type": "heading", "text": "Exporters gain", "level": 2},
            {"type": "image", "url": "https://img.example.com/2.jpg", "caption": "A chart", "credit": "Reuters", "alt": "Chart"},
            {"type": "quote", "text": "We expect more", "attribution": "An analyst"},
            {"type": "list", "style": "bullet", "items": ["Toyota", "Sony"]},
            {"type": "embed", "provider": "youtube", "url": "https://www.youtube.com/watch?v=x"}
        ],
        "tags": ["Japan", " japan ", "Stocks"],
        "access": "metered",
        "preview_blocks": 2,
        "seo": {"title": "Tokyo stocks", "description": "Rally", "canonical_url": "https://news.example.com/tokyo"}
    });
    let res = app.post("/api/v1/articles", Some(&writer), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let a = res.json();
    assert_eq!(res.header("location"), Some(format!("/api/v1/articles/{}", id(&a))));
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(a["slug"], "tokyo-stocks-rally-as-yen-weakens");
    assert_eq!(a["status"], "draft");
    assert_eq!(a["author_ids"], json!([writer_id]));
    assert_eq!(a["tags"], json!(["japan", "stocks"]));
    assert_eq!(a["access"], "metered");
    assert_eq!(a["body"][0]["text"], "Shares <strong>rose</strong> on Monday.");
    assert_eq!(a["hero_image"]["caption"], "Traders <em>at work</em>");
    assert_eq!(a["body"].as_array().unwrap().len(), 6);
    for key in ["publish_at", "first_published_at", "published_at", "trashed_at"] {
        assert!(a[key].is_null(), "{key}");
    }
    assert_eq!(a["version"], 1);

    // A second article with the same headline gets a numbered slug; a given slug that is taken is 409.
    let b = app.article(&writer, json!({"headline": "Tokyo stocks rally as yen weakens", "section_id": section})).await;
    assert_eq!(b["slug"], "tokyo-stocks-rally-as-yen-weakens-2");
    let res = app
        .post(
            "/api/v1/articles",
            Some(&writer),
            json!({"headline": "x", "section_id": section, "slug": "tokyo-stocks-rally-as-yen-weakens"}),
        )
        .await;
    res.assert_problem(409, "slug_taken");
}

#[actix_web::test]
async fn bad_articles_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "World"})).await;
    let ok = |extra: Value| {
        let mut body = json!({"headline": "A headline", "section_id": section});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (json!({"section_id": section}), "headline"),
        (json!({"headline": "x"}), "section_id"),
        (ok(json!({"headline": "   "})), "headline"),
        (ok(json!({"headline": "bad\u{8}"})), "headline"),
        (ok(json!({"section_id": "nope"})), "section_id"),
        (ok(json!({"body": [{"type": "video", "url": "https://x.org/v"}]})), "body[0].type"),
        (ok(json!({"body": [{"type": "heading", "text": "H", "level": 5}]})), "body[0].level"),
        (ok(json!({"body": [{"type": "heading", "text": "H", "level": 300}]})), "body[0].level"),
        (ok(json!({"body": [{"type": "paragraph", "text": ""}]})), "body[0].text"),
        (ok(json!({"body": [{"type": "paragraph", "text": "x", "colour": "red"}]})), "body[0].colour"),
        (ok(json!({"body": [{"type": "image", "url": "javascript:alert(1)"}]})), "body[0].url"),
        (ok(json!({"body": [{"type": "list", "style": "bullet", "items": []}]})), "body[0].items"),
        (ok(json!({"body": [{"type": "poll", "poll_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}]})), "body[0].poll_id"),
        (
            ok(json!({"body": [{"type": "sponsored", "block_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}]})),
            "body[0].block_id",
        ),
        (ok(json!({"hero_image": {"url": "ftp://x.org/a.jpg"}})), "hero_image.url"),
        (ok(json!({"author_ids": ["0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]})), "author_ids[0]"),
        (ok(json!({"access": "vip"})), "access"),
        (ok(json!({"preview_blocks": 99})), "preview_blocks"),
        (ok(json!({"slug": "Not Valid"})), "slug"),
        (ok(json!({"tags": [""]})), "tags[0]"),
        (ok(json!({"status": "published"})), "status"),
        (ok(json!({"seo": {"canonical_url": "nope"}})), "seo.canonical_url"),
    ];
    for (body, field) in cases {
        let res = app.post("/api/v1/articles", Some(&admin), body.clone()).await;
        let problem = res.assert_problem(422, "validation_failed");
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&field), "{body}: {fields:?}");
    }
    // A commercial user cannot be an author.
    let (commercial_id, _, _) = app.user("commercial").await;
    let res = app.post("/api/v1/articles", Some(&admin), ok(json!({"author_ids": [commercial_id]}))).await;
    res.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn a_markup_bomb_in_a_paragraph_is_422() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let bomb = "<ul>".repeat(4750);
    let body: Vec<Value> = (0..20).map(|_| json!({"type": "paragraph", "text": bomb})).collect();
    let res = app
        .post("/api/v1/articles", Some(&editor), json!({"headline": "Bomb", "section_id": section, "body": body}))
        .await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "body[0].text");
}

#[actix_web::test]
async fn a_paragraph_left_empty_by_sanitising_is_422_and_entities_are_escaped() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let res = app
        .post("/api/v1/articles", Some(&editor), json!({"headline": "Empty", "section_id": section, "body": [{"type": "paragraph", "text": "<script>x</script>"}]}))
        .await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "body[0].text");
    let a = app
        .article(&editor, json!({"headline": "Spaces", "section_id": section, "body": [{"type": "paragraph", "text": "100\u{a0}km & more"}]}))
        .await;
    assert_eq!(a["body"][0]["text"], "100\u{a0}km &amp; more");
}
