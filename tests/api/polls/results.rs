//! Results and answers: public results on the editor's terms, a reader's own view, and
//! the free-text answers editors page through and export.

use actix_web::http::Method;
use serde_json::{Value, json};

use super::{answers, create, poll_body, vote};
use crate::common::{TestApp, reader};

#[actix_web::test]
async fn results_follow_the_visibility_setting() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let after_vote = create(&app, &editor, poll_body(json!({"results_visibility": "after_vote"}))).await;
    let never = create(&app, &editor, poll_body(json!({"results_visibility": "never"}))).await;
    let me = reader();
    let path = |p: &Value| format!("/api/v1/public/polls/{}", p["id"].as_str().unwrap());
    let res = app.get(&path(&after_vote), None).await;
    assert!(res.json()["results"].is_null());
    assert!(res.json()["has_voted"].is_null());
    assert!(res.header("cache-control").unwrap().starts_with("public"));
    let res = app.send_with(Method::GET, &path(&after_vote), None, None, &[("x-reader-id", &me)]).await;
    assert_eq!(res.json()["has_voted"], false);
    assert!(res.json()["results"].is_null());
    assert_eq!(res.header("cache-control").as_deref(), Some("private, no-store"));
    let res = vote(&app, &after_vote, &me, answers(&after_vote, 1, &[2])).await;
    assert_eq!(res.json()["results"]["total_responses"], 1);
    let res = app.send_with(Method::GET, &path(&after_vote), None, None, &[("x-reader-id", &me)]).await;
    assert_eq!(res.json()["has_voted"], true);
    assert_eq!(res.json()["results"]["questions"][0]["options"][1]["count"], 1);
    app.send_with(Method::GET, &path(&after_vote), None, None, &[("x-reader-id", "nope")])
        .await
        .assert_problem(422, "validation_failed");

    let res = vote(&app, &never, &me, answers(&never, 0, &[0])).await;
    assert!(res.json()["results"].is_null());
    let editors =
        app.get(&format!("/api/v1/polls/{}/results", never["id"].as_str().unwrap()), Some(&editor)).await.json();
    assert_eq!(editors["total_responses"], 1);
    app.get("/api/v1/public/polls/nope", None).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_readers_poll_view_has_an_etag_and_varies_on_the_reader_id() {
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
}

#[actix_web::test]
async fn editors_read_and_export_free_text_safely() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = create(&app, &editor, poll_body(json!({}))).await;
    let q = &poll["questions"];
    for text in ["More trains", "=HYPERLINK(\"http://evil\")", "+1 for buses", "-5", "@sum", "Say \"hi\""] {
        let mut a = answers(&poll, 0, &[0]);
        a.as_array_mut().unwrap().push(json!({"question_id": q[2]["id"], "text": text}));
        assert_eq!(vote(&app, &poll, &reader(), a).await.status, 201);
    }
    let base = format!("/api/v1/polls/{}/responses", poll["id"].as_str().unwrap());
    let page = app.get(&format!("{base}?limit=4"), Some(&editor)).await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 4);
    assert_eq!(page["items"][0]["text"], "More trains");
    let next = page["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("{base}?limit=4&cursor={next}"), Some(&editor)).await.json();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);
    assert!(rest["next_cursor"].is_null());

    let csv = app.send_with(Method::GET, &base, Some(&editor), None, &[("accept", "text/csv")]).await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = String::from_utf8(csv.body).unwrap();
    assert!(text.starts_with("response_id,question_id,created_at,text\r\n"));
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""), "{text}");
    assert!(text.contains("\"'+1 for buses\"") && text.contains("\"'-5\"") && text.contains("\"'@sum\""));
    assert!(text.contains("\"Say \"\"hi\"\"\""));
    assert_eq!(text.lines().count(), 7);
}

#[actix_web::test]
async fn paging_free_text_answers_loses_none_and_an_empty_optional_answer_is_none() {
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
