//! Draft preview: links to one article made by whoever may edit it, and the public
//! answer a link's token opens: the article as readers would get it, whatever its
//! status, never cached, and nothing else.

use actix_web::http::Method;
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

use crate::common::{Resp, TestApp};

fn id(v: &Value) -> &str {
    v["id"].as_str().unwrap()
}

fn previews_path(article: &Value) -> String {
    format!("/api/v1/articles/{}/previews", id(article))
}

fn time(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

/// Makes a link to `article` as `token`'s user with `body`; asserts the 201.
async fn link(app: &TestApp, token: &str, article: &Value, body: Value) -> Value {
    let res = app.post(&previews_path(article), Some(token), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

/// Reads what a link shows, anonymously.
async fn open(app: &TestApp, link: &Value) -> Resp {
    app.get(link["url"].as_str().unwrap(), None).await
}

/// Reads what a link shows and asserts a 200 with the headers of a preview.
async fn shown(app: &TestApp, link: &Value) -> Value {
    let res = open(app, link).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("cache-control").as_deref(), Some("private, no-store"));
    assert_eq!(res.header("x-robots-tag").as_deref(), Some("noindex"));
    assert_eq!(res.header("etag"), None, "nothing for a shared cache to keep");
    assert_eq!(res.header("content-type").as_deref(), Some("application/json; charset=utf-8"));
    res.json()
}

async fn revoke(app: &TestApp, token: Option<&str>, link: &Value) -> Resp {
    let path = format!("/api/v1/articles/{}/previews/{}", link["article_id"].as_str().unwrap(), id(link));
    app.send(Method::DELETE, &path, token, None).await
}

async fn newsroom(app: &TestApp) -> (String, String) {
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business", "slug": "business"})).await;
    (editor, section)
}

#[actix_web::test]
async fn editors_share_any_article_writers_only_what_they_may_edit() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (editor, section) = newsroom(&app).await;
    let (_, _, writer) = app.user("writer").await;
    let (_, _, other_writer) = app.user("writer").await;
    let (_, _, commercial) = app.user("commercial").await;

    let draft = app.article(&writer, json!({"headline": "Mine", "section_id": section})).await;
    let published = app.published(&editor, json!({"headline": "Theirs", "section_id": section})).await;

    // Admins and editors: any article they see, in any state.
    link(&app, &admin, &draft, json!({})).await;
    link(&app, &editor, &draft, json!({})).await;
    link(&app, &editor, &published, json!({})).await;
    // Writers: their own draft, and their piece in review.
    let mine = link(&app, &writer, &draft, json!({})).await;
    let res = app.action(&writer, &draft, "submit", None).await;
    assert_eq!(res.status, 200);
    let in_review = res.json();
    link(&app, &writer, &in_review, json!({})).await;
    assert_eq!(app.get(&previews_path(&draft), Some(&writer)).await.json()["items"].as_array().unwrap().len(), 4);

    // Another writer does not see my draft at all; a published piece they see, but may
    // not change, so they may not share it either.
    app.post(&previews_path(&draft), Some(&other_writer), json!({})).await.assert_problem(404, "not_found");
    app.get(&previews_path(&draft), Some(&other_writer)).await.assert_problem(404, "not_found");
    revoke(&app, Some(&other_writer), &mine).await.assert_problem(404, "not_found");
    app.post(&previews_path(&published), Some(&other_writer), json!({})).await.assert_problem(403, "forbidden");
    app.get(&previews_path(&published), Some(&other_writer)).await.assert_problem(403, "forbidden");

    // Commercial users never; nobody without a token.
    app.post(&previews_path(&draft), Some(&commercial), json!({})).await.assert_problem(403, "forbidden");
    app.get(&previews_path(&draft), Some(&commercial)).await.assert_problem(403, "forbidden");
    revoke(&app, Some(&commercial), &mine).await.assert_problem(403, "forbidden");
    app.post(&previews_path(&draft), None, json!({})).await.assert_problem(401, "invalid_token");
    app.get(&previews_path(&draft), None).await.assert_problem(401, "invalid_token");
    revoke(&app, None, &mine).await.assert_problem(401, "invalid_token");

    // Once published, the piece is no longer the writer's to share; their link still
    // works until it expires or someone revokes it.
    let res = app.action(&editor, &in_review, "publish", None).await;
    assert_eq!(res.status, 200);
    app.post(&previews_path(&draft), Some(&writer), json!({})).await.assert_problem(403, "forbidden");
    app.get(&previews_path(&draft), Some(&writer)).await.assert_problem(403, "forbidden");
    revoke(&app, Some(&writer), &mine).await.assert_problem(403, "forbidden");
    assert_eq!(shown(&app, &mine).await["headline"], "Mine");
    assert_eq!(revoke(&app, Some(&editor), &mine).await.status, 204);
    open(&app, &mine).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_link_shows_the_article_as_it_is_now_in_the_public_shape() {
    let app = TestApp::spawn().await;
    let (editor_id, _, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "Business", "slug": "business"})).await;
    let draft = app
        .article(
            &editor,
            json!({"headline": "Rates rise", "section_id": section, "standfirst": "The bank moves", "dateline": "TOKYO",
                   "tags": ["rates"], "body": [{"type": "paragraph", "text": "TOKYO -- Rates <em>rose</em>."}]}),
        )
        .await;

    app.clock.freeze_at(app.clock.now());
    let made_at = app.clock.now();
    let res = app.send(Method::POST, &previews_path(&draft), Some(&editor), None).await;
    assert_eq!(res.status, 201, "no body at all: the defaults");
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"), "the answer holds the token");
    let created = res.json();
    let keys: Vec<&str> = created.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 7, "{created}");
    for key in ["id", "article_id", "token", "url", "created_at", "expires_at", "created_by"] {
        assert!(created.get(key).is_some(), "{key}");
    }
    let token = created["token"].as_str().unwrap();
    assert!(token.len() >= 43 && !token.contains('.'), "random, not a JWT: {token}");
    assert_eq!(created["url"], format!("/api/v1/public/preview/{token}"));
    assert_eq!(created["article_id"], draft["id"]);
    assert_eq!(created["created_by"], json!({"id": editor_id, "display_name": "A editor"}));
    assert_eq!(time(&created["created_at"]), made_at);
    assert_eq!(time(&created["expires_at"]), made_at + Duration::hours(24), "24 hours by default");
    assert_eq!(res.header("location"), Some(format!("/api/v1/articles/{}/previews/{}", id(&draft), id(&created))),);
    let read = app.get(&res.header("location").unwrap(), Some(&editor)).await;
    assert_eq!(read.status, 200);
    let read = read.json();
    assert!(read.get("token").is_none() && read.get("url").is_none(), "the token is shown once: {read}");
    assert_eq!(read["expires_at"], created["expires_at"]);

    // A draft, shown as readers would get it if it went live now.
    let shown_draft = shown(&app, &created).await;
    assert_eq!(shown_draft["headline"], "Rates rise");
    assert_eq!(shown_draft["body"], json!([{"type": "paragraph", "text": "TOKYO -- Rates <em>rose</em>."}]));
    assert_eq!(shown_draft["section"]["slug"], "business");
    assert_eq!(shown_draft["authors"], json!([{"id": editor_id, "display_name": "A editor"}]));
    assert_eq!(shown_draft["access"], json!({"level": "free", "preview": false}));
    assert_eq!(time(&shown_draft["published_at"]), made_at, "never live: as if it went live now");
    assert!(shown_draft.get("status").is_none() && shown_draft.get("version").is_none());
    app.get(&format!("/api/v1/public/articles/{}", draft["slug"].as_str().unwrap()), None)
        .await
        .assert_problem(404, "not_found");

    // Every change shows on the next request.
    let res = app.edit(&editor, &draft, json!({"headline": "Rates rise again"})).await;
    assert_eq!(res.status, 200);
    let mut article = res.json();
    assert_eq!(shown(&app, &created).await["headline"], "Rates rise again");

    // Whatever the status: in review, scheduled, published, archived.
    let tomorrow = (made_at + Duration::days(1)).to_rfc3339();
    for (action, body, status) in [
        ("submit", None, "in_review"),
        ("publish", Some(json!({"publish_at": tomorrow})), "scheduled"),
        ("unpublish", None, "draft"),
        ("publish", None, "published"),
        ("archive", None, "archived"),
    ] {
        let res = app.action(&editor, &article, action, body).await;
        assert_eq!(res.status, 200, "{action}: {}", String::from_utf8_lossy(&res.body));
        article = res.json();
        assert_eq!(article["status"], status);
        assert_eq!(shown(&app, &created).await["headline"], "Rates rise again", "{status}");
    }

    // The same shape as the public article answer, field for field.
    let res = app.action(&editor, &article, "unpublish", None).await;
    let res = app.action(&editor, &res.json(), "publish", None).await;
    assert_eq!(res.status, 200);
    let public = app.get(&format!("/api/v1/public/articles/{}", id(&draft)), None).await;
    assert_eq!(public.status, 200);
    assert_eq!(shown(&app, &created).await, public.json());
}

#[actix_web::test]
async fn links_expire_by_the_clock_and_are_revoked_at_once() {
    let app = TestApp::spawn().await;
    let (editor, section) = newsroom(&app).await;
    let draft = app.article(&editor, json!({"headline": "Soon", "section_id": section})).await;
    app.clock.freeze_at(app.clock.now());

    let short = link(&app, &editor, &draft, json!({"expires_in_secs": 60})).await;
    let long = link(&app, &editor, &draft, json!({"expires_in_secs": 600})).await;
    assert_eq!(time(&short["expires_at"]) - time(&short["created_at"]), Duration::seconds(60));
    app.clock.advance(Duration::seconds(59));
    shown(&app, &short).await;
    app.clock.advance(Duration::seconds(1));
    let gone = open(&app, &short).await.assert_problem(404, "not_found");
    let listed = app.get(&previews_path(&draft), Some(&editor)).await.json();
    assert_eq!(listed["items"].as_array().unwrap().iter().map(id).collect::<Vec<_>>(), [id(&long)], "{listed}");
    let expired_path = format!("{}/{}", previews_path(&draft), id(&short));
    app.get(&expired_path, Some(&editor)).await.assert_problem(404, "not_found");
    revoke(&app, Some(&editor), &short).await.assert_problem(404, "not_found");

    // Revoked: the very next request is refused, with the same answer as an expired or
    // unknown token.
    shown(&app, &long).await;
    assert_eq!(revoke(&app, Some(&editor), &long).await.status, 204);
    let revoked = open(&app, &long).await.assert_problem(404, "not_found");
    let unknown = app.get("/api/v1/public/preview/no-such-token", None).await.assert_problem(404, "not_found");
    assert_eq!(revoked["detail"], gone["detail"]);
    assert_eq!(revoked["detail"], unknown["detail"]);
    revoke(&app, Some(&editor), &long).await.assert_problem(404, "not_found");
    let listed = app.get(&previews_path(&draft), Some(&editor)).await.json();
    assert_eq!(listed, json!({"items": [], "next_cursor": null}));

    // A link of another article cannot be revoked through this one.
    let other = app.article(&editor, json!({"headline": "Other", "section_id": section})).await;
    let theirs = link(&app, &editor, &other, json!({})).await;
    let wrong = format!("{}/{}", previews_path(&draft), id(&theirs));
    app.send(Method::DELETE, &wrong, Some(&editor), None).await.assert_problem(404, "not_found");
    assert_eq!(shown(&app, &theirs).await["headline"], "Other");
}

#[actix_web::test]
async fn lifetimes_are_checked_and_lists_page() {
    let app = TestApp::spawn().await;
    let (editor, section) = newsroom(&app).await;
    let draft = app.article(&editor, json!({"headline": "Soon", "section_id": section})).await;
    let path = previews_path(&draft);

    for bad in [json!({"expires_in_secs": 59}), json!({"expires_in_secs": 604_801}), json!({"expires_in_secs": -1})] {
        let problem = app.post(&path, Some(&editor), bad.clone()).await.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "expires_in_secs", "{bad}");
    }
    let problem = app.post(&path, Some(&editor), json!({"expires": 60})).await.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "expires", "unknown fields are refused");
    app.post(&path, Some(&editor), json!({"expires_in_secs": "60"})).await.assert_problem(422, "validation_failed");

    let week = link(&app, &editor, &draft, json!({"expires_in_secs": 604_800})).await;
    assert_eq!(time(&week["expires_at"]) - time(&week["created_at"]), Duration::days(7));
    link(&app, &editor, &draft, json!({"expires_in_secs": null})).await;
    link(&app, &editor, &draft, json!({"expires_in_secs": 60})).await;

    // Newest first, in pages.
    let first = app.get(&format!("{path}?limit=2"), Some(&editor)).await.json();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get(&format!("{path}?limit=2&cursor={cursor}"), Some(&editor)).await.json();
    assert_eq!(second["items"].as_array().unwrap().iter().map(id).collect::<Vec<_>>(), [id(&week)]);
    assert_eq!(second["next_cursor"], Value::Null);
    for item in first["items"].as_array().unwrap().iter().chain(second["items"].as_array().unwrap()) {
        assert!(item.get("token").is_none() && item.get("url").is_none(), "{item}");
    }
    app.get(&format!("{path}?limit=0"), Some(&editor)).await.assert_problem(422, "validation_failed");
    app.get(&format!("{path}?cursor=nope"), Some(&editor)).await.assert_problem(422, "validation_failed");
    app.get(&format!("{path}?token=x"), Some(&editor)).await.assert_problem(400, "unknown_query_parameter");
}

#[actix_web::test]
async fn trashed_and_deleted_articles_show_nothing() {
    let app = TestApp::spawn().await;
    let (editor, section) = newsroom(&app).await;
    let draft = app.article(&editor, json!({"headline": "Doomed", "section_id": section})).await;
    let made = link(&app, &editor, &draft, json!({})).await;
    shown(&app, &made).await;

    let etag = format!("\"{}\"", draft["version"]);
    let path = format!("/api/v1/articles/{}", id(&draft));
    let res = app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", etag.as_str())]).await;
    assert_eq!(res.status, 204);
    open(&app, &made).await.assert_problem(404, "not_found");
    app.post(&previews_path(&draft), Some(&editor), json!({})).await.assert_problem(409, "article_trashed");

    // Restored, its links work again (until they expire).
    let etag = res.header("etag").unwrap();
    let res = app
        .send_with(Method::POST, &format!("{path}/restore"), Some(&editor), None, &[("if-match", etag.as_str())])
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(shown(&app, &made).await["headline"], "Doomed");

    // Deleted for good (by another program: the API only trashes): its links go with it.
    let foreign_keys = if app.database_url().starts_with("postgres") { "" } else { "PRAGMA foreign_keys = ON; " };
    app.sql_from_elsewhere(&format!("{foreign_keys}DELETE FROM articles WHERE id = '{}'", id(&draft)));
    open(&app, &made).await.assert_problem(404, "not_found");
    app.get(&previews_path(&draft), Some(&editor)).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_preview_token_opens_nothing_else() {
    let app = TestApp::spawn().await;
    let (editor, section) = newsroom(&app).await;
    let draft = app.article(&editor, json!({"headline": "Secret", "section_id": section})).await;
    let made = link(&app, &editor, &draft, json!({})).await;
    let token = made["token"].as_str().unwrap();

    let article_path = format!("/api/v1/articles/{}", id(&draft));
    for path in ["/api/v1/articles", "/api/v1/auth/me", article_path.as_str()] {
        let res = app.get(path, Some(token)).await;
        let problem = res.assert_problem(401, "invalid_token");
        assert!(res.header("www-authenticate").unwrap().contains("invalid_token"), "{path}: {problem}");
    }
    app.get(&previews_path(&draft), Some(token)).await.assert_problem(401, "invalid_token");
    let res = app.post(&previews_path(&draft), Some(token), json!({})).await;
    res.assert_problem(401, "invalid_token");
    // The token is the path, not a credential: sent as a header it opens nothing.
    app.get("/api/v1/public/preview/", Some(token)).await.assert_problem(404, "not_found");
    let public = format!("/api/v1/public/articles/{}", id(&draft));
    app.get(&public, Some(token)).await.assert_problem(404, "not_found");
    // And only the digest is stored: the token is nowhere in what editors can read.
    let listed = app.get(&previews_path(&draft), Some(&editor)).await;
    assert!(!String::from_utf8_lossy(&listed.body).contains(token));
}

#[actix_web::test]
async fn gated_articles_show_the_paywall_cut_and_embeds_resolved() {
    let app = TestApp::spawn().await;
    let (editor, section) = newsroom(&app).await;
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
    let mut body = vec![json!({"type": "poll", "poll_id": poll["id"]})];
    body.extend((1..=5).map(|i| json!({"type": "paragraph", "text": format!("Paragraph {i}")})));
    let metered = app
        .article(&editor, json!({"headline": "Metered", "section_id": section, "access": "metered", "body": body}))
        .await;

    let shown_metered = shown(&app, &link(&app, &editor, &metered, json!({})).await).await;
    assert_eq!(shown_metered["access"], json!({"level": "metered", "preview": true}));
    let blocks = shown_metered["body"].as_array().unwrap();
    assert_eq!(blocks.len(), 3, "the site's default preview: {shown_metered}");
    assert_eq!(blocks[0]["type"], "poll");
    assert_eq!(blocks[0]["poll_id"], poll["id"]);
    assert_eq!(blocks[0]["poll"]["title"], "Rates");
    assert_eq!(blocks[0]["poll"]["questions"][0]["options"][1]["label"], "No");
    assert!(
        !String::from_utf8_lossy(&open(&app, &link(&app, &editor, &metered, json!({})).await).await.body)
            .contains("Paragraph 3")
    );

    // As readers would meet it: the article's own preview length, premium too.
    let res = app.edit(&editor, &metered, json!({"access": "premium", "preview_blocks": 1})).await;
    assert_eq!(res.status, 200);
    let premium = shown(&app, &link(&app, &editor, &metered, json!({})).await).await;
    assert_eq!(premium["access"], json!({"level": "premium", "preview": true}));
    assert_eq!(premium["body"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn previews_are_never_served_from_or_kept_in_the_public_cache() {
    let app = TestApp::spawn().await;
    assert!(app.cache.enabled());
    let (editor, section) = newsroom(&app).await;
    let article = app.published(&editor, json!({"headline": "Markets calm", "section_id": section})).await;
    let public = format!("/api/v1/public/articles/{}", article["slug"].as_str().unwrap());
    let made = link(&app, &editor, &article, json!({})).await;

    // The public answer is cached; previews neither read nor fill the cache.
    assert_eq!(app.get(&public, None).await.status, 200);
    let hits = app.cache.hits();
    assert_eq!(app.get(&public, None).await.status, 200);
    assert_eq!(app.cache.hits(), hits + 1, "the public answer comes from the cache");
    let (hits, misses, entries) = (app.cache.hits(), app.cache.misses(), app.cache.entries());
    for _ in 0..3 {
        shown(&app, &made).await;
    }
    assert_eq!((app.cache.hits(), app.cache.misses(), app.cache.entries()), (hits, misses, entries));

    // Back to draft and rewritten: readers see nothing, the preview the new text at once.
    let res = app.action(&editor, &article, "unpublish", None).await;
    assert_eq!(res.status, 200);
    let res = app.edit(&editor, &res.json(), json!({"headline": "Markets in turmoil"})).await;
    assert_eq!(res.status, 200);
    let rewritten = res.json();
    app.get(&public, None).await.assert_problem(404, "not_found");
    assert_eq!(shown(&app, &made).await["headline"], "Markets in turmoil");

    // Scheduled for tomorrow: still nothing public, the preview shows it with its time.
    let tomorrow = app.clock.now() + Duration::days(1);
    let res = app.action(&editor, &rewritten, "publish", Some(json!({"publish_at": tomorrow.to_rfc3339()}))).await;
    assert_eq!(res.status, 200);
    app.get(&public, None).await.assert_problem(404, "not_found");
    let scheduled = shown(&app, &made).await;
    assert_eq!(time(&scheduled["published_at"]), tomorrow);
    let (hits, entries) = (app.cache.hits(), app.cache.entries());
    shown(&app, &made).await;
    assert_eq!((app.cache.hits(), app.cache.entries()), (hits, entries));
}
