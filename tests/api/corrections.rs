//! Corrections: editors and admins keep an article's public log; writers read the log
//! of what they may see; readers get it in the public article and in the site-wide
//! list, which never shows an article that is not live.

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat};
use serde_json::{Value, json};

use crate::common::{Resp, TestApp};

async fn newsroom(app: &TestApp) -> (String, String) {
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "News"})).await;
    (admin, section)
}

fn path(article: &Value) -> String {
    format!("/api/v1/articles/{}/corrections", article["id"].as_str().unwrap())
}

async fn correct(app: &TestApp, token: &str, article: &Value, body: Value) -> Resp {
    app.post(&path(article), Some(token), body).await
}

async fn logged(app: &TestApp, token: &str, article: &Value, body: Value) -> Value {
    let res = correct(app, token, article, body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

fn texts(items: &Value) -> Vec<String> {
    items.as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap().to_string()).collect()
}

#[actix_web::test]
async fn an_editor_logs_a_correction_that_readers_see_in_the_article() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let (_, _, editor) = app.user("editor").await;
    let article = app.published(&admin, json!({"headline": "Mayor opens bridge", "section_id": section})).await;
    let public = format!("/api/v1/public/articles/{}", article["slug"].as_str().unwrap());
    let before = app.get(&public, None).await;
    assert_eq!(before.json()["corrections"], json!([]));
    let etag_before = before.header("etag").unwrap();

    let res = correct(
        &app,
        &editor,
        &article,
        json!({"kind": "correction", "text": "An earlier version misstated the mayor's <em>age</em>.<script>x()</script>"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    let c = res.json();
    assert_eq!(res.header("location").unwrap(), format!("{}/{}", path(&article), c["id"].as_str().unwrap()),);
    assert_eq!(c["kind"], "correction");
    assert_eq!(c["text"], "An earlier version misstated the mayor's <em>age</em>.", "unsafe HTML is removed");
    assert_eq!(c["article_id"], article["id"]);
    assert!(c["corrected_at"].is_string() && c["created_by"].is_string());

    let second = logged(
        &app,
        &admin,
        &article,
        json!({"kind": "update", "text": "Adds the council's response.", "corrected_at": "2026-01-02T10:00:00Z"}),
    )
    .await;
    assert_eq!(second["corrected_at"], "2026-01-02T10:00:00Z");

    let after = app.get(&public, None).await;
    assert_ne!(after.header("etag").unwrap(), etag_before, "the article's answer changes");
    let log = &after.json()["corrections"];
    assert_eq!(texts(log), ["Adds the council's response.", "An earlier version misstated the mayor's <em>age</em>."]);
    assert_eq!(log[1].as_object().unwrap().keys().collect::<Vec<_>>(), ["corrected_at", "id", "kind", "text"]);

    // Readers and search engines are told the article changed.
    let modified = after.json()["structured_data"]["dateModified"].as_str().unwrap().to_string();
    let published = chrono::DateTime::parse_from_rfc3339(article["updated_at"].as_str().unwrap()).unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(&modified).unwrap() > published, "{modified}");
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(&modified).unwrap(),
        chrono::DateTime::parse_from_rfc3339(second["updated_at"].as_str().unwrap()).unwrap()
    );
    let by_id = app.get(&format!("/api/v1/public/articles/{}", article["id"].as_str().unwrap()), None).await;
    assert_eq!(texts(&by_id.json()["corrections"]).len(), 2);
}

#[actix_web::test]
async fn writers_read_the_log_of_what_they_see_but_only_editors_and_admins_write_it() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let (_, _, writer) = app.user("writer").await;
    let (_, _, commercial) = app.user("commercial").await;
    let own = app.article(&writer, json!({"headline": "Writer's draft", "section_id": section})).await;
    let other = app.article(&admin, json!({"headline": "Admin's draft", "section_id": section})).await;
    let c = logged(&app, &admin, &own, json!({"kind": "clarification", "text": "Clarified."})).await;
    let one = format!("{}/{}", path(&own), c["id"].as_str().unwrap());

    let list = app.get(&path(&own), Some(&writer)).await;
    assert_eq!(list.status, 200);
    assert_eq!(texts(&list.json()["items"]), ["Clarified."]);
    assert_eq!(app.get(&one, Some(&writer)).await.json()["kind"], "clarification");
    correct(&app, &writer, &own, json!({"kind": "correction", "text": "Mine."})).await.assert_problem(403, "forbidden");
    app.send_with(Method::PATCH, &one, Some(&writer), Some(json!({"text": "x"})), &[("if-match", "\"1\"")])
        .await
        .assert_problem(403, "forbidden");
    app.send_with(Method::DELETE, &one, Some(&writer), None, &[("if-match", "\"1\"")])
        .await
        .assert_problem(403, "forbidden");
    // Another's draft is not the writer's to see at all.
    app.get(&path(&other), Some(&writer)).await.assert_problem(404, "not_found");
    correct(&app, &writer, &other, json!({"kind": "correction", "text": "x"})).await.assert_problem(404, "not_found");

    app.get(&path(&own), Some(&commercial)).await.assert_problem(403, "forbidden");
    correct(&app, &commercial, &own, json!({"kind": "correction", "text": "x"})).await.assert_problem(403, "forbidden");
    app.get(&path(&own), None).await.assert_problem(401, "invalid_token");
    app.post(&path(&own), None, json!({"kind": "correction", "text": "x"})).await.assert_problem(401, "invalid_token");

    let list = app.get(&path(&own), Some(&admin)).await.json();
    assert_eq!(texts(&list["items"]), ["Clarified."], "nothing was written by those refused");
}

#[actix_web::test]
async fn bad_fields_are_named_and_nothing_is_logged() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let article = app.published(&admin, json!({"headline": "H", "section_id": section})).await;
    let future = (app.clock.now() + Duration::hours(1)).to_rfc3339_opts(SecondsFormat::Secs, true);

    let res = correct(&app, &admin, &article, json!({"kind": "erratum", "text": "x"})).await;
    res.assert_problem(422, "validation_failed");
    let res = correct(&app, &admin, &article, json!({"kind": "correction", "text": "<script>x()</script>"})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "text");
    let res = correct(&app, &admin, &article, json!({"kind": "correction", "text": "x".repeat(2001)})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "text");
    let res = correct(&app, &admin, &article, json!({"kind": "correction", "text": "x", "corrected_at": future})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "corrected_at");
    for at in [json!("yesterday"), json!(12), json!("0001-01-01T00:00:00Z")] {
        let res = correct(&app, &admin, &article, json!({"kind": "correction", "text": "x", "corrected_at": at})).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "corrected_at", "{at}");
    }
    let res = correct(&app, &admin, &article, json!({"kind": "correction", "text": "x", "by": "me"})).await;
    res.assert_problem(422, "validation_failed");
    correct(&app, &admin, &article, json!({"kind": "correction"})).await.assert_problem(422, "validation_failed");

    // A little clock skew is allowed: a time a minute ahead is taken as given.
    let soon = (app.clock.now() + Duration::minutes(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    logged(&app, &admin, &article, json!({"kind": "correction", "text": "ok", "corrected_at": soon})).await;

    let missing = "/api/v1/articles/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/corrections";
    app.post(missing, Some(&admin), json!({"kind": "correction", "text": "x"})).await.assert_problem(404, "not_found");
    app.get(&format!("{}/nope", path(&article)), Some(&admin)).await.assert_problem(404, "not_found");
    assert_eq!(texts(&app.get(&path(&article), Some(&admin)).await.json()["items"]), ["ok"]);
}

#[actix_web::test]
async fn changes_and_removals_need_the_current_version() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let (_, _, editor) = app.user("editor").await;
    let article = app.published(&admin, json!({"headline": "H", "section_id": section})).await;
    let c = logged(&app, &editor, &article, json!({"kind": "correction", "text": "First wording."})).await;
    let one = format!("{}/{}", path(&article), c["id"].as_str().unwrap());
    let public = format!("/api/v1/public/articles/{}", article["slug"].as_str().unwrap());

    app.patch(&one, Some(&editor), json!({"kind": "clarification"})).await.assert_problem(428, "precondition_required");
    let res =
        app.send_with(Method::PATCH, &one, Some(&editor), Some(json!({"text": "x"})), &[("if-match", "\"7\"")]).await;
    res.assert_problem(412, "precondition_failed");
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    let res =
        app.send_with(Method::PATCH, &one, Some(&editor), Some(json!({"kind": null})), &[("if-match", "\"1\"")]).await;
    res.assert_problem(422, "validation_failed");

    let res = app
        .send_with(
            Method::PATCH,
            &one,
            Some(&editor),
            Some(json!({"kind": "clarification", "text": "Better wording."})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("etag").as_deref(), Some("\"2\""));
    let v = res.json();
    assert_eq!(
        (v["kind"].as_str(), v["text"].as_str(), v["version"].as_i64()),
        (Some("clarification"), Some("Better wording."), Some(2))
    );
    assert_eq!(v["corrected_at"], c["corrected_at"], "the time stays");
    assert_eq!(app.get(&public, None).await.json()["corrections"][0]["text"], "Better wording.");

    app.send_with(Method::DELETE, &one, Some(&editor), None, &[]).await.assert_problem(428, "precondition_required");
    app.send_with(Method::DELETE, &one, Some(&editor), None, &[("if-match", "\"1\"")])
        .await
        .assert_problem(412, "precondition_failed");
    let res = app.send_with(Method::DELETE, &one, Some(&editor), None, &[("if-match", "\"2\"")]).await;
    assert_eq!(res.status, 204);
    app.get(&one, Some(&editor)).await.assert_problem(404, "not_found");
    assert_eq!(app.get(&public, None).await.json()["corrections"], json!([]));
}

#[actix_web::test]
async fn the_site_wide_log_holds_only_live_articles_newest_first() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let live = app.published(&admin, json!({"headline": "Live story", "section_id": section})).await;
    let draft = app.article(&admin, json!({"headline": "Draft story", "section_id": section})).await;
    let later = (app.clock.now() + Duration::hours(2)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let scheduled = app
        .action(
            &admin,
            &app.article(&admin, json!({"headline": "Later", "section_id": section})).await,
            "publish",
            Some(json!({"publish_at": later})),
        )
        .await
        .json();
    let trashed = app.published(&admin, json!({"headline": "Trashed", "section_id": section})).await;
    for (i, a) in [&live, &draft, &scheduled, &trashed].into_iter().enumerate() {
        let at = (app.clock.now() - Duration::minutes(10 - i as i64)).to_rfc3339_opts(SecondsFormat::Secs, true);
        logged(&app, &admin, a, json!({"kind": "correction", "text": format!("c{i}"), "corrected_at": at})).await;
    }
    logged(&app, &admin, &live, json!({"kind": "update", "text": "newest"})).await;
    let res = app
        .send_with(
            Method::DELETE,
            &format!("/api/v1/articles/{}", trashed["id"].as_str().unwrap()),
            Some(&admin),
            None,
            &[("if-match", &format!("\"{}\"", trashed["version"]))],
        )
        .await;
    assert_eq!(res.status, 204, "{}", String::from_utf8_lossy(&res.body));
    // A trashed article's log is closed.
    correct(&app, &admin, &trashed, json!({"kind": "correction", "text": "x"}))
        .await
        .assert_problem(409, "article_trashed");

    let page = app.get("/api/v1/public/corrections", None).await;
    assert_eq!(page.status, 200);
    assert!(page.header("cache-control").unwrap().starts_with("public"));
    let v = page.json();
    assert_eq!(texts(&v["items"]), ["newest", "c0"], "drafts, scheduled and trashed articles never show");
    assert_eq!(v["items"][1]["article"], json!({"id": live["id"], "slug": live["slug"], "headline": "Live story"}));

    let first = app.get("/api/v1/public/corrections?limit=1", None).await.json();
    assert_eq!(texts(&first["items"]), ["newest"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app.get_owned(format!("/api/v1/public/corrections?limit=1&cursor={cursor}")).await.json();
    assert_eq!(texts(&second["items"]), ["c0"]);
    assert!(second["next_cursor"].is_null());
    app.get("/api/v1/public/corrections?cursor=garbage", None).await.assert_problem(422, "validation_failed");

    // The scheduled article's correction shows once it goes live.
    app.clock.advance(Duration::hours(3));
    assert_eq!(texts(&app.get("/api/v1/public/corrections", None).await.json()["items"]), ["newest", "c2", "c0"]);
}

#[actix_web::test]
async fn the_article_log_pages_oldest_first() {
    let app = TestApp::spawn().await;
    let (admin, section) = newsroom(&app).await;
    let article = app.published(&admin, json!({"headline": "H", "section_id": section})).await;
    for i in 0..3 {
        let at = (app.clock.now() - Duration::minutes(10 - i)).to_rfc3339_opts(SecondsFormat::Secs, true);
        logged(&app, &admin, &article, json!({"kind": "update", "text": format!("u{i}"), "corrected_at": at})).await;
    }
    let first = app.get_owned(format!("{}?limit=2", path(&article))).await;
    assert_eq!(first.status, 401, "a token is needed");
    let first = app.get(&format!("{}?limit=2", path(&article)), Some(&admin)).await.json();
    assert_eq!(texts(&first["items"]), ["u0", "u1"]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("{}?limit=2&cursor={cursor}", path(&article)), Some(&admin)).await.json();
    assert_eq!(texts(&rest["items"]), ["u2"]);
    assert!(rest["next_cursor"].is_null());
}
