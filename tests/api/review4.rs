//! Fourth review's findings (reader polls).

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::TestApp;

async fn vote(app: &TestApp, poll: &Value, reader: &str, answers: Value) -> crate::common::Resp {
    let path = format!("/api/v1/public/polls/{}/responses", poll["id"].as_str().unwrap());
    app.send_with(Method::POST, &path, None, Some(json!({"answers": answers})), &[("x-reader-id", reader)]).await
}

fn reader() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[actix_web::test]
async fn votes_and_question_changes_never_interleave() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    for round in 0..4 {
        let poll = app
            .post(
                "/api/v1/polls",
                Some(&editor),
                json!({"title": format!("Race {round}"), "questions": [{"prompt": "Q", "kind": "single_choice", "options": [{"label": "A"}, {"label": "B"}]}]}),
            )
            .await
            .json();
        let q = &poll["questions"][0];
        let answer = json!([{"question_id": q["id"], "option_ids": [q["options"][0]["id"]]}]);
        let readers: Vec<String> = (0..10).map(|_| reader()).collect();
        let path = format!("/api/v1/polls/{}", poll["id"].as_str().unwrap());
        let change = json!({"questions": [{"prompt": "Q", "kind": "single_choice", "options": [{"label": "A2"}, {"label": "B2"}]}]});
        let votes = futures_util::future::join_all(readers.iter().map(|r| vote(&app, &poll, r, answer.clone())));
        let patch = app.send_with(Method::PATCH, &path, Some(&editor), Some(change), &[("if-match", "\"1\"")]);
        let (votes, patch) = futures_util::future::join(votes, patch).await;
        let counted = votes.iter().filter(|v| v.status == 201).count() as i64;
        assert!(patch.status == 200 || patch.status == 409, "{}", patch.status);
        let results = app.get(&format!("{path}/results"), Some(&editor)).await.json();
        let sum: i64 =
            results["questions"][0]["options"].as_array().unwrap().iter().map(|o| o["count"].as_i64().unwrap()).sum();
        assert_eq!(results["total_responses"], counted, "round {round}");
        assert_eq!(sum, counted, "every counted vote points at an existing option (round {round})");
    }
}

#[actix_web::test]
async fn paging_free_text_answers_loses_none() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = app
        .post(
            "/api/v1/polls",
            Some(&editor),
            json!({"title": "Texts", "questions": [{"prompt": "A?", "kind": "free_text"}, {"prompt": "B?", "kind": "free_text", "required": false}]}),
        )
        .await
        .json();
    let (qa, qb) = (poll["questions"][0]["id"].clone(), poll["questions"][1]["id"].clone());
    for i in 0..3 {
        let answers =
            json!([{"question_id": qa, "text": format!("a{i}")}, {"question_id": qb, "text": format!("b{i}")}]);
        assert_eq!(vote(&app, &poll, &reader(), answers).await.status, 201);
    }
    // An optional question skipped with an empty text is simply unanswered.
    assert_eq!(
        vote(&app, &poll, &reader(), json!([{"question_id": qa, "text": "a3"}, {"question_id": qb, "text": ""}]))
            .await
            .status,
        201
    );
    let base = format!("/api/v1/polls/{}/responses", poll["id"].as_str().unwrap());
    let mut texts = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{base}?limit=1&cursor={c}"),
            None => format!("{base}?limit=1"),
        };
        let page = app.get(&url, Some(&editor)).await.json();
        texts.extend(page["items"].as_array().unwrap().iter().map(|t| t["text"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    texts.sort();
    assert_eq!(texts, ["a0", "a1", "a2", "a3", "b0", "b1", "b2"]);
    let res =
        app.send_with(Method::GET, &format!("{base}?limit=0"), Some(&editor), None, &[("accept", "text/csv")]).await;
    res.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn a_restored_article_with_a_deleted_poll_stays_editable() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = app
        .post(
            "/api/v1/polls",
            Some(&editor),
            json!({"title": "P", "questions": [{"prompt": "Q", "kind": "free_text"}]}),
        )
        .await
        .json();
    let section = app.section(&editor, json!({"name": "World"})).await;
    let body = json!([{"type": "paragraph", "text": "Vote"}, {"type": "poll", "poll_id": poll["id"]}]);
    let a = app.published(&editor, json!({"headline": "Polled", "section_id": section, "body": body})).await;
    let path = format!("/api/v1/articles/{}", a["id"].as_str().unwrap());
    let etag = format!("\"{}\"", a["version"]);
    assert_eq!(app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", &etag)]).await.status, 204);
    let poll_path = format!("/api/v1/polls/{}", poll["id"].as_str().unwrap());
    assert_eq!(
        app.send_with(Method::DELETE, &poll_path, Some(&editor), None, &[("if-match", "\"1\"")]).await.status,
        204
    );
    let etag = format!("\"{}\"", a["version"].as_i64().unwrap() + 1);
    let restored = app
        .send_with(Method::POST, &format!("{path}/restore"), Some(&editor), None, &[("if-match", &etag)])
        .await
        .json();
    let res = app.edit(&editor, &restored, json!({"headline": "Polled, edited"})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let page = app.get("/api/v1/public/articles/polled", None).await.json();
    assert_eq!(page["body"].as_array().unwrap().len(), 1, "the missing poll is left out");
}

#[actix_web::test]
async fn personal_poll_answers_have_etags_and_nil_readers_are_refused() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = app
        .post(
            "/api/v1/polls",
            Some(&editor),
            json!({"title": "P", "questions": [{"prompt": "Q", "kind": "free_text"}]}),
        )
        .await
        .json();
    let path = format!("/api/v1/public/polls/{}", poll["id"].as_str().unwrap());
    let me = reader();
    let res = app.send_with(Method::GET, &path, None, None, &[("x-reader-id", &me)]).await;
    let etag = res.header("etag").unwrap();
    assert_eq!(res.header("vary").as_deref(), Some("X-Reader-Id"));
    let again = app.send_with(Method::GET, &path, None, None, &[("x-reader-id", &me), ("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert_eq!(app.get(&path, None).await.header("vary").as_deref(), Some("X-Reader-Id"));
    let nil = "00000000-0000-0000-0000-000000000000";
    let answers = json!([{"question_id": poll["questions"][0]["id"], "text": "hi"}]);
    vote(&app, &poll, nil, answers).await.assert_problem(422, "validation_failed");
}
