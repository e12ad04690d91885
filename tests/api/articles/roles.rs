//! Who may do what with articles: writers their own drafts, editors everything,
//! commercial users nothing.

use actix_web::http::Method;
use serde_json::json;

use super::id;
use crate::common::TestApp;

#[actix_web::test]
async fn writers_work_on_their_own_drafts_editors_on_all_and_commercial_users_on_none() {
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
async fn a_writers_invalid_transition_names_only_what_a_writer_may_do() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let (_, _, writer) = app.user("writer").await;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.article(&writer, json!({"headline": "Points", "section_id": section})).await;
    let a = app.action(&writer, &a, "submit", None).await.json();
    let problem = app.action(&writer, &a, "submit", None).await.assert_problem(409, "invalid_transition");
    assert!(!problem["detail"].as_str().unwrap().contains("publish"), "{problem}");
}

#[actix_web::test]
async fn a_writer_cannot_remove_themselves_from_the_byline() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let (writer_id, _, writer) = app.user("writer").await;
    let section = app.section(&editor, json!({"name": "World"})).await;
    let a = app.article(&writer, json!({"headline": "Points", "section_id": section})).await;
    let a = app.action(&writer, &a, "submit", None).await.json();
    let res = app.edit(&writer, &a, json!({"author_ids": []})).await;
    res.assert_problem(422, "validation_failed");
    let res = app.edit(&writer, &a, json!({"author_ids": [writer_id]})).await;
    assert_eq!(res.status, 200);
}
