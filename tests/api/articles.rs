//! Articles: fields and validation, the role matrix, the workflow, If-Match,
//! revisions, trash, and the editorial list.

use actix_web::http::Method;
use chrono::Duration;
use serde_json::{Value, json};

use crate::common::{Resp, TestApp};

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

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
async fn the_role_matrix_for_articles() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "Politics"})).await;
    let (_, _, writer) = app.user("writer").await;
    let (_, _, other_writer) = app.user("writer").await;
    let (_, _, editor) = app.user("editor").await;
    let (_, _, commercial) = app.user("commercial").await;

    let mine = app.article(&writer, json!({"headline": "Mine", "section_id": section})).await;
    let mine_path = format!("/api/v1/articles/{}", id(&mine));

    // Commercial users cannot touch articles at all.
    app.get("/api/v1/articles", Some(&commercial)).await.assert_problem(403, "forbidden");
    app.post("/api/v1/articles", Some(&commercial), json!({"headline": "Ad", "section_id": section}))
        .await
        .assert_problem(403, "forbidden");
    app.get(&mine_path, Some(&commercial)).await.assert_problem(403, "forbidden");
    app.edit(&commercial, &mine, json!({"headline": "x"})).await.assert_problem(403, "forbidden");

    // Another writer does not even see my draft.
    app.get(&mine_path, Some(&other_writer)).await.assert_problem(404, "not_found");
    app.edit(&other_writer, &mine, json!({"headline": "x"})).await.assert_problem(404, "not_found");
    app.action(&other_writer, &mine, "submit", None).await.assert_problem(404, "not_found");

    // I may edit and submit my draft, but not publish it.
    let res = app.edit(&writer, &mine, json!({"headline": "Mine, edited"})).await;
    assert_eq!(res.status, 200);
    let mine = res.json();
    let res = app.action(&writer, &mine, "submit", None).await;
    assert_eq!(res.status, 200);
    let mine = res.json();
    assert_eq!(mine["status"], "in_review");
    let res = app.edit(&writer, &mine, json!({"standfirst": "Still editable in review"})).await;
    assert_eq!(res.status, 200);
    let mine = res.json();
    app.action(&writer, &mine, "publish", None).await.assert_problem(403, "forbidden");

    // The editor publishes; now the writer cannot edit it, and the other writer can read it.
    let res = app.action(&editor, &mine, "publish", None).await;
    assert_eq!(res.status, 200);
    let mine = res.json();
    assert_eq!(mine["status"], "published");
    app.edit(&writer, &mine, json!({"headline": "Too late"})).await.assert_problem(403, "forbidden");
    assert_eq!(app.get(&mine_path, Some(&other_writer)).await.status, 200);
    app.edit(&other_writer, &mine, json!({"headline": "Not mine"})).await.assert_problem(403, "forbidden");
    let res = app
        .send_with(
            Method::DELETE,
            &mine_path,
            Some(&writer),
            None,
            &[("if-match", &format!("\"{}\"", mine["version"]))],
        )
        .await;
    res.assert_problem(403, "forbidden");

    // Editors edit anything.
    assert_eq!(app.edit(&editor, &mine, json!({"kicker": "Exclusive"})).await.status, 200);
    app.get("/api/v1/articles", None).await.assert_problem(401, "invalid_token");
}

#[actix_web::test]
async fn the_workflow_and_its_conflicts() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business"})).await;
    let a = app.article(&editor, json!({"headline": "Quarterly results", "section_id": section})).await;

    let res = app.action(&editor, &a, "archive", None).await;
    let problem = res.assert_problem(409, "invalid_transition");
    assert!(problem["detail"].as_str().unwrap().contains("submit, publish"), "{problem}");
    app.action(&editor, &a, "unpublish", None).await.assert_problem(409, "invalid_transition");

    let a = app.action(&editor, &a, "submit", None).await.json();
    assert_eq!(a["status"], "in_review");
    app.action(&editor, &a, "submit", None).await.assert_problem(409, "invalid_transition");
    let a = app.action(&editor, &a, "publish", None).await.json();
    assert_eq!(a["status"], "published");
    assert!(a["publish_at"].is_string() && a["published_at"].is_string() && a["first_published_at"].is_string());
    let first = a["first_published_at"].clone();
    app.action(&editor, &a, "publish", None).await.assert_problem(409, "invalid_transition");
    let a = app.action(&editor, &a, "archive", None).await.json();
    assert_eq!(a["status"], "archived");
    let a = app.action(&editor, &a, "unpublish", None).await.json();
    assert_eq!(a["status"], "draft");
    assert!(a["publish_at"].is_null());
    let a = app.action(&editor, &a, "publish", Some(json!({}))).await.json();
    assert_eq!(a["status"], "published");
    assert_eq!(a["first_published_at"], first, "first publication is remembered");

    // Bad publish bodies are 422; workflow actions need If-Match.
    let a2 = app.article(&editor, json!({"headline": "Another", "section_id": section})).await;
    app.action(&editor, &a2, "publish", Some(json!({"publish_at": "tomorrow"})))
        .await
        .assert_problem(422, "validation_failed");
    app.action(&editor, &a2, "publish", Some(json!({"when": "now"}))).await.assert_problem(422, "validation_failed");
    let res = app.send(Method::POST, &format!("/api/v1/articles/{}/publish", id(&a2)), Some(&editor), None).await;
    res.assert_problem(428, "precondition_required");
    let res = app
        .send_with(
            Method::POST,
            &format!("/api/v1/articles/{}/submit", id(&a2)),
            Some(&editor),
            None,
            &[("if-match", "\"7\"")],
        )
        .await;
    res.assert_problem(412, "precondition_failed");
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
}

#[actix_web::test]
async fn a_scheduled_article_goes_live_at_its_time_by_itself() {
    let app = TestApp::spawn().await;
    let (_, editor_email, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "Tech"})).await;
    let a = app.article(&editor, json!({"headline": "Launch day", "section_id": section})).await;
    let at = (chrono::Utc::now() + Duration::hours(2)).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let a = app.action(&editor, &a, "publish", Some(json!({"publish_at": at}))).await.json();
    assert_eq!(a["status"], "scheduled");
    assert_eq!(a["publish_at"], at);
    assert!(a["published_at"].is_null() && a["first_published_at"].is_null());
    app.get("/api/v1/public/articles/launch-day", None).await.assert_problem(404, "not_found");
    assert!(app.get("/api/v1/public/articles", None).await.json()["items"].as_array().unwrap().is_empty());

    app.clock.advance(Duration::hours(2) + Duration::seconds(1));
    let editor =
        app.session(&editor_email, crate::common::PASSWORD).await["access_token"].as_str().unwrap().to_string();
    let res = app.get("/api/v1/public/articles/launch-day", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["published_at"], at);
    let now = app.get(&format!("/api/v1/articles/{}", id(&a)), Some(&editor)).await.json();
    assert_eq!(now["status"], "published");
    assert_eq!(now["first_published_at"], at);
    // It can be unpublished like any published article.
    let res = app.action(&editor, &now, "unpublish", None).await;
    assert_eq!(res.json()["status"], "draft");
    assert_eq!(res.json()["first_published_at"], at);
    app.get("/api/v1/public/articles/launch-day", None).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn twenty_concurrent_saves_with_one_etag_give_one_success() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.article(&editor, json!({"headline": "Race", "section_id": section})).await;
    let bodies: Vec<Value> = (0..20).map(|i| json!({"headline": format!("Race {i}")})).collect();
    let results: Vec<Resp> = futures_util::future::join_all(bodies.into_iter().map(|b| app.edit(&editor, &a, b))).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 412).count(), 19, "{statuses:?}");
    let now = app.get(&format!("/api/v1/articles/{}", id(&a)), Some(&editor)).await.json();
    assert_eq!(now["version"], 2);
    let revisions = app.get(&format!("/api/v1/articles/{}/revisions", id(&a)), Some(&editor)).await.json();
    assert_eq!(revisions["items"].as_array().unwrap().len(), 2, "one revision per successful save");
}

#[actix_web::test]
async fn revisions_keep_everything_and_restore_as_a_new_save() {
    let app = TestApp::spawn().await;
    let (editor_id, _, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "Culture"})).await;
    let a = app.article(&editor, json!({"headline": "First headline", "section_id": section, "tags": ["art"]})).await;
    let a = app.edit(&editor, &a, json!({"headline": "Second headline"})).await.json();
    let a = app.edit(&editor, &a, json!({"headline": "Third headline", "tags": []})).await.json();
    let base = format!("/api/v1/articles/{}/revisions", id(&a));

    let list = app.get(&base, Some(&editor)).await.json();
    let numbers: Vec<i64> = list["items"].as_array().unwrap().iter().map(|r| r["number"].as_i64().unwrap()).collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(list["items"][0]["created_by"]["id"], editor_id);
    assert_eq!(list["items"][2]["note"], "created");
    let page = app.get(&format!("{base}?limit=2"), Some(&editor)).await.json();
    let next = page["next_cursor"].as_str().unwrap().to_string();
    let rest = app.get(&format!("{base}?limit=2&cursor={next}"), Some(&editor)).await.json();
    assert_eq!(rest["items"][0]["number"], 1);

    let first = app.get(&format!("{base}/1"), Some(&editor)).await.json();
    assert_eq!(first["content"]["headline"], "First headline");
    assert_eq!(first["content"]["tags"], json!(["art"]));
    app.get(&format!("{base}/9"), Some(&editor)).await.assert_problem(404, "not_found");
    app.get(&format!("{base}/x"), Some(&editor)).await.assert_problem(404, "not_found");

    let restore = format!("{base}/1/restore");
    app.send(Method::POST, &restore, Some(&editor), None).await.assert_problem(428, "precondition_required");
    let res = app.send_with(Method::POST, &restore, Some(&editor), None, &[("if-match", "\"3\"")]).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let restored = res.json();
    assert_eq!(restored["headline"], "First headline");
    assert_eq!(restored["tags"], json!(["art"]));
    assert_eq!(restored["version"], 4);
    let list = app.get(&base, Some(&editor)).await.json();
    assert_eq!(list["items"][0]["number"], 4);
    assert_eq!(list["items"][0]["note"], "restored revision 1");
    assert_eq!(app.get(&format!("{base}/3"), Some(&editor)).await.json()["content"]["headline"], "Third headline");
}

#[actix_web::test]
async fn trash_and_restore() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let (_, _, writer) = app.user("writer").await;
    let section = app.section(&editor, json!({"name": "Sport"})).await;
    let a = app.published(&editor, json!({"headline": "Cup final", "section_id": section})).await;
    let path = format!("/api/v1/articles/{}", id(&a));
    app.send(Method::DELETE, &path, Some(&editor), None).await.assert_problem(428, "precondition_required");
    let etag = format!("\"{}\"", a["version"]);
    let res = app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", &etag)]).await;
    assert_eq!(res.status, 204);
    app.get("/api/v1/public/articles/cup-final", None).await.assert_problem(404, "not_found");
    let trashed = app.get(&path, Some(&editor)).await.json();
    assert!(trashed["trashed_at"].is_string());
    let list = app.get("/api/v1/articles", Some(&editor)).await.json();
    assert!(list["items"].as_array().unwrap().is_empty());
    let trash = app.get("/api/v1/articles?trashed=true", Some(&editor)).await.json();
    assert_eq!(trash["items"][0]["id"], a["id"]);
    app.edit(&editor, &trashed, json!({"headline": "x"})).await.assert_problem(409, "article_trashed");
    app.action(&editor, &trashed, "unpublish", None).await.assert_problem(409, "article_trashed");
    let etag = format!("\"{}\"", trashed["version"]);
    app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", &etag)])
        .await
        .assert_problem(409, "article_trashed");

    let res =
        app.send_with(Method::POST, &format!("{path}/restore"), Some(&editor), None, &[("if-match", &etag)]).await;
    assert_eq!(res.status, 200);
    assert!(res.json()["trashed_at"].is_null());
    assert_eq!(app.get("/api/v1/public/articles/cup-final", None).await.status, 200);

    // Writers trash their own drafts only.
    let draft = app.article(&writer, json!({"headline": "My draft", "section_id": section})).await;
    let dpath = format!("/api/v1/articles/{}", id(&draft));
    let res = app.send_with(Method::DELETE, &dpath, Some(&writer), None, &[("if-match", "\"1\"")]).await;
    assert_eq!(res.status, 204);
    let res =
        app.send_with(Method::POST, &format!("{dpath}/restore"), Some(&writer), None, &[("if-match", "\"2\"")]).await;
    assert_eq!(res.status, 200);
    // Sections holding articles stay.
    let res = app
        .send_with(
            Method::DELETE,
            &format!("/api/v1/sections/{section}"),
            Some(&editor),
            None,
            &[("if-match", "\"1\"")],
        )
        .await;
    res.assert_problem(409, "section_not_empty");
}

#[actix_web::test]
async fn the_editorial_list_filters_and_writers_see_their_own_and_published() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let (writer_id, _, writer) = app.user("writer").await;
    let (_, _, other) = app.user("writer").await;
    let business = app.section(&editor, json!({"name": "Business"})).await;
    let markets = app.section(&editor, json!({"name": "Markets", "parent_id": business})).await;
    let politics = app.section(&editor, json!({"name": "Politics"})).await;
    app.article(&writer, json!({"headline": "Writer draft about bonds", "section_id": markets, "tags": ["bonds"]}))
        .await;
    app.article(&other, json!({"headline": "Other draft", "section_id": politics})).await;
    app.published(&editor, json!({"headline": "Editor published piece", "section_id": politics, "body": [{"type": "paragraph", "text": "Elections loom"}]})).await;
    app.article(&editor, json!({"headline": "Editor draft", "section_id": business})).await;

    let headlines = |v: Value| -> Vec<String> {
        v["items"].as_array().unwrap().iter().map(|a| a["headline"].as_str().unwrap().to_string()).collect()
    };
    let all = headlines(app.get("/api/v1/articles", Some(&editor)).await.json());
    assert_eq!(
        all,
        ["Editor draft", "Editor published piece", "Other draft", "Writer draft about bonds"],
        "newest first"
    );
    let mine = headlines(app.get("/api/v1/articles", Some(&writer)).await.json());
    assert_eq!(mine, ["Editor published piece", "Writer draft about bonds"]);
    assert_eq!(
        headlines(app.get(&format!("/api/v1/articles?section={business}"), Some(&editor)).await.json()).len(),
        2
    );
    assert_eq!(
        headlines(app.get("/api/v1/articles?status=published", Some(&editor)).await.json()),
        ["Editor published piece"]
    );
    assert_eq!(headlines(app.get("/api/v1/articles?status=draft", Some(&editor)).await.json()).len(), 3);
    assert_eq!(
        headlines(app.get(&format!("/api/v1/articles?author={writer_id}"), Some(&editor)).await.json()),
        ["Writer draft about bonds"]
    );
    assert_eq!(
        headlines(app.get("/api/v1/articles?tag=BONDS", Some(&editor)).await.json()),
        ["Writer draft about bonds"]
    );
    assert_eq!(
        headlines(app.get("/api/v1/articles?q=elections", Some(&editor)).await.json()),
        ["Editor published piece"]
    );
    assert_eq!(
        headlines(app.get("/api/v1/articles?q=100%25", Some(&editor)).await.json()).len(),
        0,
        "LIKE wildcards are literal"
    );
    app.get("/api/v1/articles?status=live", Some(&editor)).await.assert_problem(422, "validation_failed");
    app.get("/api/v1/articles?sort=headline", Some(&editor)).await.assert_problem(400, "unknown_query_parameter");

    let page = app.get("/api/v1/articles?limit=3", Some(&editor)).await.json();
    let next = page["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/api/v1/articles?limit=3&cursor={next}"), Some(&editor)).await.json();
    assert_eq!(headlines(rest), ["Writer draft about bonds"]);
}

#[actix_web::test]
async fn a_slug_change_redirects_the_old_slug() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.published(&editor, json!({"headline": "Old name", "section_id": section})).await;
    let a = app.edit(&editor, &a, json!({"slug": "new-name"})).await.json();
    assert_eq!(a["slug"], "new-name");
    let res = app.get("/api/v1/public/articles/old-name", None).await;
    assert_eq!(res.status, 301);
    assert_eq!(res.header("location").as_deref(), Some("/api/v1/public/articles/new-name"));
    assert_eq!(app.get("/api/v1/public/articles/new-name", None).await.status, 200);
    // Back to the old slug: it answers directly again.
    let a = app.edit(&editor, &a, json!({"slug": "old-name"})).await.json();
    assert_eq!(app.get("/api/v1/public/articles/old-name", None).await.status, 200);
    assert_eq!(app.get("/api/v1/public/articles/new-name", None).await.status, 301);
    // Once unpublished, neither answers.
    app.action(&editor, &a, "unpublish", None).await;
    app.get("/api/v1/public/articles/new-name", None).await.assert_problem(404, "not_found");
    app.get("/api/v1/public/articles/old-name", None).await.assert_problem(404, "not_found");
}
