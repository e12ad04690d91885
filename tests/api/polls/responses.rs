//! Responding: one response per reader, answers that fit the questions, exact counts
//! under concurrency, opening and closing times, and the per-address limit.

use actix_web::http::Method;
use chrono::{Duration, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::{answers, create, poll_body, vote};
use crate::common::{TestApp, reader};

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
async fn the_nil_uuid_is_not_a_reader_id() {
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
    let nil = "00000000-0000-0000-0000-000000000000";
    let answers = json!([{"question_id": poll["questions"][0]["id"], "text": "hi"}]);
    vote(&app, &poll, nil, answers).await.assert_problem(422, "validation_failed");
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
