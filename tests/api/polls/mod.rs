//! Reader polls: editing and roles, responses (one per reader, exact counts under
//! concurrency, opening times, limits), results on the editor's terms and the free-text
//! export, and embedding in articles.

mod editing;
mod responses;
mod results;

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::{Resp, TestApp};

pub fn poll_body(extra: Value) -> Value {
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

pub async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/polls", Some(token), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

pub async fn vote(app: &TestApp, poll: &Value, reader: &str, answers: Value) -> Resp {
    let path = format!("/api/v1/public/polls/{}/responses", poll["id"].as_str().unwrap());
    app.send_with(Method::POST, &path, None, Some(json!({"answers": answers})), &[("x-reader-id", reader)]).await
}

/// A valid answer set: option `a` of question 0, options `b` of question 1.
pub fn answers(poll: &Value, a: usize, b: &[usize]) -> Value {
    let q = &poll["questions"];
    json!([
        {"question_id": q[0]["id"], "option_ids": [q[0]["options"][a]["id"]]},
        {"question_id": q[1]["id"], "option_ids": b.iter().map(|i| q[1]["options"][*i]["id"].clone()).collect::<Vec<_>>()}
    ])
}
