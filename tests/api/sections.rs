//! Sections: role matrix, validation, the tree, ETag/If-Match, the public tree.

use actix_web::http::Method;
use serde_json::{Value, json};

use crate::common::{Resp, TestApp};

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let res = app.post("/api/v1/sections", Some(token), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

async fn patch(app: &TestApp, token: &str, id: &str, etag: Option<&str>, body: Value) -> Resp {
    let headers: Vec<(&str, &str)> = etag.map(|e| vec![("if-match", e)]).unwrap_or_default();
    app.send_with(Method::PATCH, &format!("/api/v1/sections/{id}"), Some(token), Some(body), &headers).await
}

async fn delete(app: &TestApp, token: &str, id: &str, etag: Option<&str>) -> Resp {
    let headers: Vec<(&str, &str)> = etag.map(|e| vec![("if-match", e)]).unwrap_or_default();
    app.send_with(Method::DELETE, &format!("/api/v1/sections/{id}"), Some(token), None, &headers).await
}

#[actix_web::test]
async fn editors_create_sections_with_etag_location_and_a_slug() {
    let app = TestApp::spawn().await;
    let (_, _, editor) = app.user("editor").await;
    let res = app
        .post("/api/v1/sections", Some(&editor), json!({"name": "Asia & Pacific", "description": "News from Asia"}))
        .await;
    assert_eq!(res.status, 201);
    let s = res.json();
    let id = s["id"].as_str().unwrap();
    assert_eq!(res.header("location"), Some(format!("/api/v1/sections/{id}")));
    assert_eq!(res.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(s["slug"], "asia-pacific");
    assert_eq!(s["version"], 1);
    assert_eq!(s["position"], 0);
    assert!(s["parent_id"].is_null());
    for key in ["id", "slug", "name", "description", "parent_id", "position", "created_at", "updated_at", "version"] {
        assert!(s.get(key).is_some(), "{key}");
    }
    let got = app.get(&format!("/api/v1/sections/{id}"), Some(&editor)).await;
    assert_eq!(got.header("etag").as_deref(), Some("\"1\""));
    assert_eq!(got.json(), s);
}

#[actix_web::test]
async fn editors_write_sections_and_everyone_signed_in_reads_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let s = create(&app, &admin, json!({"name": "Politics"})).await;
    let id = s["id"].as_str().unwrap();
    for role in ["writer", "commercial"] {
        let (_, _, token) = app.user(role).await;
        app.post("/api/v1/sections", Some(&token), json!({"name": "Nope"})).await.assert_problem(403, "forbidden");
        patch(&app, &token, id, Some("\"1\""), json!({"name": "Nope"})).await.assert_problem(403, "forbidden");
        delete(&app, &token, id, Some("\"1\"")).await.assert_problem(403, "forbidden");
        // Everyone signed in may read sections.
        assert_eq!(app.get(&format!("/api/v1/sections/{id}"), Some(&token)).await.status, 200);
        assert_eq!(app.get("/api/v1/sections", Some(&token)).await.status, 200);
    }
    app.get("/api/v1/sections", None).await.assert_problem(401, "invalid_token");
    let (_, _, editor) = app.user("editor").await;
    assert_eq!(patch(&app, &editor, id, Some("\"1\""), json!({"name": "Politics & Power"})).await.status, 200);
}

#[actix_web::test]
async fn invalid_sections_are_422_naming_the_field_and_taken_slugs_409() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    create(&app, &admin, json!({"name": "Business", "slug": "business"})).await;
    app.post("/api/v1/sections", Some(&admin), json!({"name": "Other", "slug": "business"}))
        .await
        .assert_problem(409, "slug_taken");
    app.post("/api/v1/sections", Some(&admin), json!({"name": "Business"})).await.assert_problem(409, "slug_taken");
    for (body, field) in [
        (json!({"name": ""}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"name": "x".repeat(101)}), "name"),
        (json!({"name": "Bad\u{1}"}), "name"),
        (json!({"name": "Ok", "slug": "Not A Slug"}), "slug"),
        (json!({"name": "Ok", "slug": "-x"}), "slug"),
        (json!({"name": "!!!"}), "slug"),
        (json!({"name": "Ok", "position": -1}), "position"),
        (json!({"name": "Ok", "parent_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}), "parent_id"),
        (json!({"name": "Ok", "colour": "red"}), "colour"),
        (json!({"slug": "ok"}), "name"),
        (json!({"name": "Ok", "position": "first"}), "position"),
    ] {
        let res = app.post("/api/v1/sections", Some(&admin), body.clone()).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }
}

#[actix_web::test]
async fn if_match_is_required_and_checked() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let s = create(&app, &admin, json!({"name": "Opinion"})).await;
    let id = s["id"].as_str().unwrap();
    patch(&app, &admin, id, None, json!({"name": "Views"})).await.assert_problem(428, "precondition_required");
    delete(&app, &admin, id, None).await.assert_problem(428, "precondition_required");
    let res = patch(&app, &admin, id, Some("\"1\""), json!({"name": "Views"})).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("etag").as_deref(), Some("\"2\""));
    assert_eq!(res.json()["version"], 2);
    assert_eq!(res.json()["name"], "Views");
    assert_eq!(res.json()["slug"], "opinion", "the slug stays when the name changes");
    // Stale and weak tags are 412 carrying the current ETag.
    for stale in ["\"1\"", "W/\"2\"", "\"abc\""] {
        let res = patch(&app, &admin, id, Some(stale), json!({"name": "Lost"})).await;
        res.assert_problem(412, "precondition_failed");
        assert_eq!(res.header("etag").as_deref(), Some("\"2\""), "{stale}");
    }
    // What is not an entity tag at all is malformed: 400, not "changed".
    for malformed in ["2", "garbage", "\"2", "\"2\" x", "*, \"2\""] {
        let res = patch(&app, &admin, id, Some(malformed), json!({"name": "Lost"})).await;
        let body = res.assert_problem(400, "malformed_if_match");
        assert!(body["detail"].as_str().unwrap().contains("entity tag"), "{malformed}: {body}");
        assert_eq!(res.header("etag"), None, "{malformed}");
    }
    delete(&app, &admin, id, Some("2")).await.assert_problem(400, "malformed_if_match");
    delete(&app, &admin, id, Some("\"1\"")).await.assert_problem(412, "precondition_failed");
    assert_eq!(app.get(&format!("/api/v1/sections/{id}"), Some(&admin)).await.json()["name"], "Views");
    let res = patch(&app, &admin, id, Some("\"1\", \"2\""), json!({"position": 4})).await;
    assert_eq!(res.status, 200, "a list of tags matches any of them");
    assert_eq!(patch(&app, &admin, id, Some("*"), json!({"position": 5})).await.status, 200);
    assert_eq!(delete(&app, &admin, id, Some("\"4\"")).await.status, 204);
    app.get(&format!("/api/v1/sections/{id}"), Some(&admin)).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn twenty_concurrent_saves_with_one_etag_give_one_success() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let s = create(&app, &admin, json!({"name": "World"})).await;
    let id = s["id"].as_str().unwrap();
    let results = futures_util::future::join_all(
        (0..20).map(|i| patch(&app, &admin, id, Some("\"1\""), json!({"name": format!("World {i}")}))),
    )
    .await;
    let ok: Vec<&Resp> = results.iter().filter(|r| r.status == 200).collect();
    assert_eq!(ok.len(), 1, "{:?}", results.iter().map(|r| r.status).collect::<Vec<_>>());
    assert_eq!(results.iter().filter(|r| r.status == 412).count(), 19);
    let now = app.get(&format!("/api/v1/sections/{id}"), Some(&admin)).await.json();
    assert_eq!(now["version"], 2);
    assert_eq!(now["name"], ok[0].json()["name"]);
}

#[actix_web::test]
async fn the_tree_has_no_cycles_and_non_empty_sections_stay() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let a = create(&app, &admin, json!({"name": "Business"})).await;
    let a_id = a["id"].as_str().unwrap();
    let b = create(&app, &admin, json!({"name": "Markets", "parent_id": a_id})).await;
    let b_id = b["id"].as_str().unwrap();
    let c = create(&app, &admin, json!({"name": "Asian Markets", "parent_id": b_id})).await;
    let c_id = c["id"].as_str().unwrap();
    assert_eq!(c["parent_id"], b_id);

    let res = patch(&app, &admin, a_id, Some("\"1\""), json!({"parent_id": c_id})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "parent_id");
    let res = patch(&app, &admin, a_id, Some("\"1\""), json!({"parent_id": a_id})).await;
    res.assert_problem(422, "validation_failed");

    let res = delete(&app, &admin, a_id, Some("\"1\"")).await;
    res.assert_problem(409, "section_not_empty");

    // Moving C to the top level, then B may go.
    let res = patch(&app, &admin, c_id, Some("\"1\""), json!({"parent_id": null, "description": "Top now"})).await;
    assert_eq!(res.status, 200);
    assert!(res.json()["parent_id"].is_null());
    let res = patch(&app, &admin, c_id, Some("\"2\""), json!({"description": null})).await;
    assert!(res.json()["description"].is_null());
    patch(&app, &admin, c_id, Some("\"3\""), json!({"name": null})).await.assert_problem(422, "validation_failed");
    assert_eq!(delete(&app, &admin, b_id, Some("\"1\"")).await.status, 204);
    assert_eq!(delete(&app, &admin, a_id, Some("\"1\"")).await.status, 204);
}

#[actix_web::test]
async fn listing_pages_through_a_parents_sections_in_position_order() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let parent = create(&app, &admin, json!({"name": "News", "position": 0})).await;
    let pid = parent["id"].as_str().unwrap();
    for (i, name) in ["E", "D", "C", "B", "A"].iter().enumerate() {
        create(&app, &admin, json!({"name": format!("Child {name}"), "parent_id": pid, "position": 10 - i})).await;
    }
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("?parent={pid}&limit=2&cursor={c}"),
            None => format!("?parent={pid}&limit=2"),
        };
        let page = app.get(&format!("/api/v1/sections{q}"), Some(&admin)).await.json();
        names.extend(page["items"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(names, ["Child A", "Child B", "Child C", "Child D", "Child E"]);
    let all = app.get("/api/v1/sections?limit=100", Some(&admin)).await.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 6);
}

#[actix_web::test]
async fn the_public_tree_is_ordered_nested_and_cacheable() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let business = create(&app, &admin, json!({"name": "Business", "position": 2})).await;
    create(&app, &admin, json!({"name": "Politics", "position": 1})).await;
    create(&app, &admin, json!({"name": "Markets", "parent_id": business["id"]})).await;

    let res = app.get("/api/v1/public/sections", None).await;
    assert_eq!(res.status, 200);
    let cache = res.header("cache-control").unwrap();
    assert!(cache.starts_with("public, max-age=60") && cache.contains("stale-while-revalidate"), "{cache}");
    let etag = res.header("etag").unwrap();
    let tree = res.json();
    let top: Vec<&str> = tree["items"].as_array().unwrap().iter().map(|s| s["slug"].as_str().unwrap()).collect();
    assert_eq!(top, ["politics", "business"]);
    assert_eq!(tree["items"][1]["children"][0]["slug"], "markets");
    assert!(tree["items"][0].get("version").is_none() && tree["items"][0].get("created_at").is_none());

    let res = app.send_with(Method::GET, "/api/v1/public/sections", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(res.status, 304);
    assert!(res.body.is_empty());
    assert_eq!(res.header("etag"), Some(etag.clone()));

    let res = app.get("/api/v1/public/sections/markets", None).await;
    assert_eq!(res.status, 200);
    let markets = res.json();
    assert_eq!(markets["parent"]["slug"], "business");
    assert!(markets["children"].as_array().unwrap().is_empty());
    app.get("/api/v1/public/sections/nowhere", None).await.assert_problem(404, "not_found");

    // A change changes the ETag.
    create(&app, &admin, json!({"name": "Opinion"})).await;
    let res = app.send_with(Method::GET, "/api/v1/public/sections", None, None, &[("if-none-match", &etag)]).await;
    assert_eq!(res.status, 200);
}

#[actix_web::test]
async fn racing_section_moves_never_make_a_cycle() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    for round in 0..5 {
        let x = app.section(&editor, json!({"name": format!("X{round}")})).await;
        let y = app.section(&editor, json!({"name": format!("Y{round}")})).await;
        let (px, py) = (format!("/api/v1/sections/{x}"), format!("/api/v1/sections/{y}"));
        let a =
            app.send_with(Method::PATCH, &px, Some(&editor), Some(json!({"parent_id": y})), &[("if-match", "\"1\"")]);
        let b =
            app.send_with(Method::PATCH, &py, Some(&editor), Some(json!({"parent_id": x})), &[("if-match", "\"1\"")]);
        let (a, b) = futures_util::future::join(a, b).await;
        assert!(!(a.status == 200 && b.status == 200), "both moves succeeded: a cycle");
        assert_eq!(app.get(&format!("/api/v1/public/sections/x{round}"), None).await.status, 200);
        assert_eq!(app.get("/api/v1/public/sections", None).await.status, 200);
    }
}
