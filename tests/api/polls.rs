//! Reader polls: roles, validation, one response per reader, exact counts under
//! concurrency, results on the editor's terms, free-text export, embedding.

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::common::{Resp, TestApp};

fn poll_body(extra: Value) -> Value {
    let mut b = json!({
        "title": "Asia in 2030",
        "intro": "Tell us what you think.",
        "questions": [
            {"prompt": "Do you live in Asia?", "kind": "single_choice", "options": [{"label": "Yes"}, {"label": "No"}]},
            {"prompt": "Who will be the strongest force in 2030?", "kind": "multiple_choice", "max_choices": 2,
             "options": [{"label": "China"}, {"label": "India"}, {"label": "Other"}]},
            {"prompt": "Anything else?", "kind": "free_text", "max_length": 50, "required": false}
        ],
        "results_visibility": "always"
    });
    for (k, v) in extra.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/polls", Some(token), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

fn reader() -> String {
    uuid::Uuid::now_v7().to_string()
}

async fn vote(app: &TestApp, poll: &Value, reader: &str, answers: Value) -> Resp {
    let path = format!("/api/v1/public/polls/{}/responses", poll["id"].as_str().unwrap());
    app.send_with(Method::POST, &path, None, Some(json!({"answers": answers})), &[("x-reader-id", reader)]).await
}

/// A valid answer set: option `a` of question 0, options `b` of question 1.
fn answers(poll: &Value, a: usize, b: &[usize]) -> Value {
    let q = &poll["questions"];
    json!([
        {"question_id": q[0]["id"], "option_ids": [q[0]["options"][a]["id"]]},
        {"question_id": q[1]["id"], "option_ids": b.iter().map(|i| q[1]["options"][*i]["id"].clone()).collect::<Vec<_>>()}
    ])
}

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
async fn one_response_per_reader_and_answers_must_fit() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = create(&app, &editor, poll_body(json!({}))).await;
    let other = create(&app, &editor, poll_body(json!({"title": "Other"}))).await;
    let path = format!("/api/v1/public/polls/{}/responses", poll["id"].as_str().unwrap());
    let ok = answers(&poll, 0, &[0, 1]);

    let res = app.send(Method::POST, &path, None, Some(json!({"answers": ok}))).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "X-Reader-Id");
    let res = vote(&app, &poll, "not-a-uuid", ok.clone()).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "X-Reader-Id");

    let q = &poll["questions"];
    let me = reader();
    let bad = [
        (
            json!([{"question_id": q[0]["id"], "option_ids": [other["questions"][0]["options"][0]["id"]]}, ok[1]]),
            "answers[0].option_ids[0]",
        ),
        (
            json!([{"question_id": q[0]["id"], "option_ids": [q[1]["options"][0]["id"]]}, ok[1]]),
            "answers[0].option_ids[0]",
        ),
        (
            json!([ok[0], {"question_id": q[1]["id"], "option_ids": [q[1]["options"][0]["id"], q[1]["options"][1]["id"], q[1]["options"][2]["id"]]}]),
            "answers[1].option_ids",
        ),
        (
            json!([{"question_id": q[0]["id"], "option_ids": [q[0]["options"][0]["id"], q[0]["options"][1]["id"]]}, ok[1]]),
            "answers[0].option_ids",
        ),
        (json!([ok[0]]), "answers"),
        (json!([ok[0], ok[1], {"question_id": other["questions"][2]["id"], "text": "hi"}]), "answers[2].question_id"),
        (json!([ok[0], ok[1], {"question_id": q[2]["id"], "text": "x".repeat(51)}]), "answers[2].text"),
        (json!([ok[0], ok[1], {"question_id": q[2]["id"], "text": "bell\u{7}"}]), "answers[2].text"),
        (json!([ok[0], ok[0], ok[1]]), "answers[1].question_id"),
    ];
    for (body, field) in bad {
        let res = vote(&app, &poll, &me, body.clone()).await;
        let problem = res.assert_problem(422, "validation_failed");
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&field), "{body}: {fields:?}");
    }
    let res = vote(&app, &poll, &me, ok.clone()).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let body = res.json();
    assert_eq!(body["has_voted"], true);
    assert_eq!(body["results"]["total_responses"], 1);
    vote(&app, &poll, &me, ok.clone()).await.assert_problem(409, "already_responded");
    vote(&app, &poll, &me.to_uppercase(), ok).await.assert_problem(409, "already_responded");
}

#[actix_web::test]
async fn counts_are_exact_under_concurrent_voting() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = create(&app, &editor, poll_body(json!({}))).await;
    let readers: Vec<String> = (0..200).map(|_| reader()).collect();
    let results = futures_util::future::join_all(
        readers.iter().enumerate().map(|(i, r)| vote(&app, &poll, r, answers(&poll, i % 2, &[i % 3]))),
    )
    .await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

    let same = reader();
    let results =
        futures_util::future::join_all((0..50).map(|_| vote(&app, &poll, &same, answers(&poll, 0, &[0])))).await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 49, "{statuses:?}");

    let results =
        app.get(&format!("/api/v1/polls/{}/results", poll["id"].as_str().unwrap()), Some(&editor)).await.json();
    assert_eq!(results["total_responses"], 201);
    let q0 = &results["questions"][0];
    assert_eq!(q0["answered"], 201);
    assert_eq!(q0["options"][0]["count"], 101);
    assert_eq!(q0["options"][1]["count"], 100);
    assert_eq!(q0["options"][0]["percentage"], 50.2);
    let q1: Vec<i64> =
        results["questions"][1]["options"].as_array().unwrap().iter().map(|o| o["count"].as_i64().unwrap()).collect();
    assert_eq!(q1.iter().sum::<i64>(), 201);
}

#[actix_web::test]
async fn polls_open_and_close_on_time() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let opens = Utc::now() + Duration::hours(1);
    let closes = opens + Duration::hours(1);
    let fmt = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    let poll = create(
        &app,
        &editor,
        poll_body(json!({"opens_at": fmt(opens), "closes_at": fmt(closes), "results_visibility": "after_close"})),
    )
    .await;
    let public = format!("/api/v1/public/polls/{}", poll["id"].as_str().unwrap());
    assert_eq!(app.get(&public, None).await.json()["state"], "upcoming");
    vote(&app, &poll, &reader(), answers(&poll, 0, &[0])).await.assert_problem(409, "poll_not_open");
    app.clock.advance(Duration::hours(1) + Duration::seconds(1));
    let me = reader();
    let res = vote(&app, &poll, &me, answers(&poll, 0, &[0])).await;
    assert_eq!(res.status, 201);
    assert!(res.json()["results"].is_null(), "after_close: nothing before the close");
    app.clock.advance(Duration::hours(1));
    let now = app.get(&public, None).await.json();
    assert_eq!(now["state"], "closed");
    assert_eq!(now["results"]["total_responses"], 1);
    vote(&app, &poll, &reader(), answers(&poll, 0, &[0])).await.assert_problem(409, "poll_closed");
}

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
async fn polls_embed_in_articles() {
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
async fn responses_are_rate_limited_per_address() {
    let app = TestApp::spawn_with(|s| s.vote_limit_per_minute = 3).await;
    let (_, _, editor) = app.user("editor").await;
    let poll = create(&app, &editor, poll_body(json!({}))).await;
    let second = chrono::Timelike::second(&Utc::now());
    app.clock.advance(Duration::seconds(i64::from(60 - second)));
    for _ in 0..3 {
        assert_eq!(vote(&app, &poll, &reader(), answers(&poll, 0, &[0])).await.status, 201);
    }
    let res = vote(&app, &poll, &reader(), answers(&poll, 0, &[0])).await;
    res.assert_problem(429, "rate_limited");
    assert!(res.header("retry-after").is_some());
}

#[actix_web::test]
async fn tallies_count_the_votes_stored_before_their_migration_and_after() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let poll = create(&app, &editor, poll_body(json!({}))).await;
    for (a, b) in [(0, vec![0, 1]), (1, vec![1]), (0, vec![2, 0])] {
        assert_eq!(vote(&app, &poll, &reader(), answers(&poll, a, &b)).await.status, 201);
    }
    let path = format!("/api/v1/polls/{}/results", poll["id"].as_str().unwrap());
    let counts = |r: &Value| -> Vec<Vec<i64>> {
        r["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| {
                let mut row = vec![q["answered"].as_i64().unwrap()];
                row.extend(q["options"].as_array().unwrap().iter().map(|o| o["count"].as_i64().unwrap()));
                row
            })
            .collect()
    };
    let results = app.get(&path, Some(&editor)).await.json();
    assert_eq!(results["total_responses"], 3);
    assert_eq!(counts(&results), [vec![3, 2, 1], vec![3, 2, 2, 1], vec![0]]);

    // Run the migration again over a database that already holds votes, as an upgrade
    // of an existing newsroom does: it counts what is there.
    let backend =
        if std::env::var("MASTHEAD_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) { "postgres" } else { "sqlite" };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend)
        .join("2026-12-01-000012_poll_tallies");
    app.sql_from_elsewhere(&std::fs::read_to_string(dir.join("down.sql")).unwrap());
    app.sql_from_elsewhere(&std::fs::read_to_string(dir.join("up.sql")).unwrap());
    let again = app.get(&path, Some(&editor)).await.json();
    assert_eq!(again["total_responses"], 3);
    assert_eq!(counts(&again), counts(&results));

    assert_eq!(vote(&app, &poll, &reader(), answers(&poll, 1, &[2])).await.status, 201);
    let after = app.get(&path, Some(&editor)).await.json();
    assert_eq!(after["total_responses"], 4);
    assert_eq!(counts(&after), [vec![4, 2, 2], vec![4, 2, 2, 2], vec![0]]);
}
