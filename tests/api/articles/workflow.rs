//! The workflow: transitions, If-Match, scheduling, publish times, and concurrent saves.

use actix_web::http::Method;
use chrono::Duration;
use serde_json::{Value, json};

use super::id;
use crate::common::{Resp, TestApp, slugs};

#[actix_web::test]
async fn workflow_actions_follow_the_states_and_need_a_current_if_match() {
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
async fn actions_that_take_no_fields_refuse_unknown_ones_and_take_null_as_no_body() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let (_, _, writer) = app.user("writer").await;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.article(&writer, json!({"headline": "Points", "section_id": section})).await;
    app.action(&writer, &a, "submit", Some(json!({"note": "please"}))).await.assert_problem(422, "validation_failed");
    let a = app.action(&writer, &a, "submit", Some(json!({}))).await.json();
    assert_eq!(a["status"], "in_review");
    let res = app.action(&editor, &a, "publish", Some(Value::Null)).await;
    assert_eq!(res.status, 200, "a null body is no body");
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
async fn publish_times_outside_1970_to_9999_are_422_and_are_kept_to_the_microsecond() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.article(&editor, json!({"headline": "Far future", "section_id": section})).await;
    for at in ["+99999-01-01T00:00:00Z", "-200000-01-01T00:00:00Z", "1969-12-31T23:59:59Z"] {
        let res = app.action(&editor, &a, "publish", Some(json!({"publish_at": at}))).await;
        assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "publish_at", "{at}");
    }
    assert!(slugs(&app.get("/api/v1/public/articles", None).await.json()).is_empty());
    // Sub-microsecond precision is cut to what both backends keep.
    let res = app.action(&editor, &a, "publish", Some(json!({"publish_at": "2026-01-01T00:00:00.0000005Z"}))).await;
    assert_eq!(res.json()["publish_at"], "2026-01-01T00:00:00Z");
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
