//! Writing polls: who may, what is valid, If-Match, questions frozen once answered, and
//! embedding in articles.

use actix_web::http::Method;
use chrono::{Duration, Utc};
use serde_json::{Value, json};

use super::{create, poll_body, vote};
use crate::common::{TestApp, reader};

#[actix_web::test]
async fn editors_write_polls_writers_read_them() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let (_, _, writer) = app.user("writer").await;
    let (_, _, commercial) = app.user("commercial").await;
    let res = app.post("/api/v1/polls", Some(&editor), poll_body(json!({}))).await;
    assert_eq!(res.status, 201);
    let poll = res.json();
    let id = poll["id"].as_str().unwrap();
    assert_eq!(res.header("location"), Some(format!("/api/v1/polls/{id}")));
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(poll["questions"][0]["max_choices"], 1);
    assert_eq!(poll["questions"][1]["max_choices"], 2);
    assert_eq!(poll["questions"][2]["max_length"], 50);
    assert_eq!(poll["questions"][2]["required"], false);
    assert!(poll["questions"][0]["options"][0]["id"].is_string());

    assert_eq!(app.get(&format!("/api/v1/polls/{id}"), Some(&writer)).await.status, 200);
    assert_eq!(app.get("/api/v1/polls", Some(&writer)).await.status, 200);
    app.post("/api/v1/polls", Some(&writer), poll_body(json!({}))).await.assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/polls/{id}/results"), Some(&writer)).await.assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/polls/{id}/responses"), Some(&writer)).await.assert_problem(403, "forbidden");
    app.get(&format!("/api/v1/polls/{id}"), Some(&commercial)).await.assert_problem(403, "forbidden");
    let path = format!("/api/v1/polls/{id}");
    app.send(Method::PATCH, &path, Some(&editor), Some(json!({"title": "x"})))
        .await
        .assert_problem(428, "precondition_required");
    let res = app
        .send_with(Method::PATCH, &path, Some(&editor), Some(json!({"title": "Asia, 2030"})), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("etag").as_deref(), Some("\"2\""));
    app.send_with(Method::PATCH, &path, Some(&editor), Some(json!({"title": "y"})), &[("if-match", "\"1\"")])
        .await
        .assert_problem(412, "precondition_failed");
}

#[actix_web::test]
async fn bad_polls_are_422() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let now = Utc::now();
    for (extra, field) in [
        (json!({"title": ""}), "title"),
        (json!({"questions": []}), "questions"),
        (
            json!({"questions": [{"prompt": "Q", "kind": "single_choice", "options": [{"label": "Only"}]}]}),
            "questions[0].options",
        ),
        (
            json!({"questions": [{"prompt": "Q", "kind": "single_choice", "max_choices": 2, "options": [{"label": "A"}, {"label": "B"}]}]}),
            "questions[0].max_choices",
        ),
        (
            json!({"questions": [{"prompt": "Q", "kind": "multiple_choice", "max_choices": 5, "options": [{"label": "A"}, {"label": "B"}]}]}),
            "questions[0].max_choices",
        ),
        (
            json!({"questions": [{"prompt": "Q", "kind": "single_choice", "options": [{"label": "A"}, {"label": "a"}]}]}),
            "questions[0].options[1]",
        ),
        (
            json!({"questions": [{"prompt": "Q", "kind": "free_text", "options": [{"label": "A"}]}]}),
            "questions[0].options",
        ),
        (json!({"questions": [{"prompt": "Q", "kind": "free_text", "max_length": 100000}]}), "questions[0].max_length"),
        (json!({"questions": [{"prompt": "Q", "kind": "ranking"}]}), "questions[0].kind"),
        (json!({"results_visibility": "sometimes"}), "results_visibility"),
        (json!({"opens_at": now.to_rfc3339(), "closes_at": (now - Duration::hours(1)).to_rfc3339()}), "closes_at"),
        (json!({"votes": 3}), "votes"),
    ] {
        let res = app.post("/api/v1/polls", Some(&editor), poll_body(extra.clone())).await;
        let problem = res.assert_problem(422, "validation_failed");
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&field), "{extra}: {fields:?}");
    }
}

#[actix_web::test]
async fn concurrent_saves_of_a_poll_with_one_etag_give_one_success() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let bodies: Vec<Value> = (0..12).map(|i| json!({"title": format!("T{i}")})).collect();
    let poll = app
        .post(
            "/api/v1/polls",
            Some(&editor),
            json!({"title": "P", "questions": [{"prompt": "Q", "kind": "free_text"}]}),
        )
        .await
        .json();
    let path = format!("/api/v1/polls/{}", poll["id"].as_str().unwrap());
    let results =
        futures_util::future::join_all(bodies.iter().map(|body| {
            app.send_with(Method::PATCH, &path, Some(&editor), Some(body.clone()), &[("if-match", "\"1\"")])
        }))
        .await;
    assert_eq!(results.iter().filter(|r| r.status == 200).count(), 1);
}

#[actix_web::test]
async fn questions_freeze_after_the_first_response() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = create(&app, &editor, poll_body(json!({}))).await;
    let path = format!("/api/v1/polls/{}", poll["id"].as_str().unwrap());
    let reworded = json!({"questions": [{"prompt": "Do you live in Asia?", "kind": "single_choice", "options": [{"label": "Yes"}, {"label": "No way"}]}]});
    let res =
        app.send_with(Method::PATCH, &path, Some(&editor), Some(reworded.clone()), &[("if-match", "\"1\"")]).await;
    assert_eq!(res.status, 200, "before any response, questions may change");
    let poll = res.json();
    assert_eq!(poll["questions"].as_array().unwrap().len(), 1);
    let one =
        json!([{"question_id": poll["questions"][0]["id"], "option_ids": [poll["questions"][0]["options"][0]["id"]]}]);
    assert_eq!(vote(&app, &poll, &reader(), one).await.status, 201);
    let changed = json!({"questions": [{"prompt": "Do you live in Asia?", "kind": "single_choice", "options": [{"label": "Yes!"}, {"label": "No way"}]}]});
    app.send_with(Method::PATCH, &path, Some(&editor), Some(changed), &[("if-match", "\"2\"")])
        .await
        .assert_problem(409, "poll_has_responses");
    // The same questions sent back, and other fields, are fine.
    let res = app
        .send_with(
            Method::PATCH,
            &path,
            Some(&editor),
            Some(json!({"title": "Renamed", "questions": reworded["questions"]})),
            &[("if-match", "\"2\"")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["questions"][0]["id"], poll["questions"][0]["id"]);
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
async fn polls_embed_in_articles_and_an_embedded_poll_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = create(&app, &editor, poll_body(json!({}))).await;
    let section = app.section(&editor, json!({"name": "Asia"})).await;
    let body = json!([{"type": "paragraph", "text": "Read, then vote."}, {"type": "poll", "poll_id": poll["id"]}]);
    app.published(&editor, json!({"headline": "Vote on Asia", "section_id": section, "body": body})).await;
    let page = app.get("/api/v1/public/articles/vote-on-asia", None).await.json();
    let block = &page["body"][1];
    assert_eq!(block["type"], "poll");
    assert_eq!(block["poll"]["title"], "Asia in 2030");
    assert_eq!(block["poll"]["state"], "open");
    assert_eq!(block["poll"]["results"]["total_responses"], 0);
    let path = format!("/api/v1/polls/{}", poll["id"].as_str().unwrap());
    app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", "\"1\"")])
        .await
        .assert_problem(409, "poll_in_use");
    let lone = create(&app, &editor, poll_body(json!({"title": "Lone"}))).await;
    let path = format!("/api/v1/polls/{}", lone["id"].as_str().unwrap());
    assert_eq!(app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", "\"1\"")]).await.status, 204);
}

#[actix_web::test]
async fn a_poll_embedded_only_in_unpublished_articles_is_not_public() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = create(&app, &editor, poll_body(json!({}))).await;
    let public = format!("/api/v1/public/polls/{}", poll["id"].as_str().unwrap());
    // On its own, a poll is public (a widget on the home page, say).
    assert_eq!(app.get(&public, None).await.status, 200);

    // Embedded in a draft, it is part of unpublished work: not shown, not answered.
    let section = app.section(&editor, json!({"name": "Asia"})).await;
    let body = json!([{"type": "poll", "poll_id": poll["id"]}]);
    let draft = app.article(&editor, json!({"headline": "Coming soon", "section_id": section, "body": body})).await;
    app.get(&public, None).await.assert_problem(404, "not_found");
    vote(&app, &poll, &reader(), super::answers(&poll, 0, &[1])).await.assert_problem(404, "not_found");
    // Scheduled for later is not live either.
    let later = (Utc::now() + Duration::hours(2)).to_rfc3339();
    let draft = app.action(&editor, &draft, "publish", Some(json!({"publish_at": later}))).await.json();
    assert_eq!(draft["status"], "scheduled");
    app.get(&public, None).await.assert_problem(404, "not_found");

    // Once an article that embeds it is live, readers reach it by id too.
    app.published(&editor, json!({"headline": "Vote now", "section_id": section, "body": body})).await;
    assert_eq!(app.get(&public, None).await.status, 200);
    assert_eq!(vote(&app, &poll, &reader(), super::answers(&poll, 0, &[1])).await.status, 201);
}

#[actix_web::test]
async fn deleting_a_poll_or_sponsored_block_and_embedding_it_exclude_each_other() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let commercial = app.user("commercial").await.2;
    let section = app.section(&editor, json!({"name": "Races"})).await;
    for trial in 0..10 {
        let article = app.article(&editor, json!({"headline": format!("Race {trial}"), "section_id": section})).await;
        let (embed, target) = if trial % 2 == 0 {
            let poll = create(&app, &editor, poll_body(json!({}))).await;
            (json!({"type": "poll", "poll_id": poll["id"]}), format!("/api/v1/polls/{}", poll["id"].as_str().unwrap()))
        } else {
            let block = app.post("/api/v1/sponsored", Some(&commercial), json!({
                "title": "Ports", "sponsor_name": "Harbourline", "label": "Sponsored", "disclosure": "Paid for by Harbourline.",
                "body": [{"type": "paragraph", "text": "Ports."}], "placement": "article_inline", "status": "active"
            })).await.json();
            (
                json!({"type": "sponsored", "block_id": block["id"]}),
                format!("/api/v1/sponsored/{}", block["id"].as_str().unwrap()),
            )
        };
        let deleter = if trial % 2 == 0 { &editor } else { &commercial };
        let (saved, deleted) = futures_util::future::join(
            app.edit(&editor, &article, json!({"body": [embed]})),
            app.send_with(Method::DELETE, &target, Some(deleter), None, &[("if-match", "\"1\"")]),
        )
        .await;
        assert!(
            !(saved.status == 200 && deleted.status == 204),
            "trial {trial}: the article embeds what was deleted ({} / {})",
            saved.status,
            deleted.status
        );
        assert!(saved.status == 200 || saved.status == 422, "{}", String::from_utf8_lossy(&saved.body));
        assert!(deleted.status == 204 || deleted.status == 409, "{}", String::from_utf8_lossy(&deleted.body));
    }
}
