//! The error contract and request hygiene: every failure is RFC 9457 problem+json with
//! a stable code, bad input never gets a 500, and NUL bytes, encoded paths, duplicate
//! query parameters and the shape of JSON bodies are checked the same way everywhere.

use actix_web::http::Method;
use serde_json::json;

use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp};

#[actix_web::test]
async fn unknown_route_is_404_problem_with_instance() {
    let app = TestApp::spawn().await;
    let res = app.get("/api/v1/nothing-here", None).await;
    let body = res.assert_problem(404, "not_found");
    assert_eq!(body["instance"], "/api/v1/nothing-here");
    // Outside the API too (`/` and `/admin` are the admin client's).
    app.get("/nothing-here", None).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn wrong_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let res = app.send(Method::DELETE, "/api/v1/auth/me", None, None).await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET"));
    let res = app.send(Method::PUT, "/api/v1/users", None, None).await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET, POST"));
    let res = app.send(Method::POST, "/healthz", None, None).await;
    res.assert_problem(405, "method_not_allowed");
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = TestApp::spawn().await;
    for body in [&b"{\"email\": "[..], b"not json", b"{\"email\":\"a\",\"password\":\"b\"} trailing", b""] {
        let res = app.send_raw(Method::POST, "/api/v1/auth/login", None, "application/json", body.to_vec()).await;
        res.assert_problem(400, "malformed_json");
    }
}

#[actix_web::test]
async fn a_key_given_twice_is_400_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let body = br#"{"email": "dup@example.org", "display_name": "Dup", "password": "a long passphrase",
        "role": "writer", "role": "admin"}"#;
    let res = app.send_raw(Method::POST, "/api/v1/users", Some(&admin), "application/json", body.to_vec()).await;
    let problem = res.assert_problem(400, "duplicate_key");
    assert!(problem["detail"].as_str().unwrap().contains("'role'"), "{problem}");
    let users = app.get("/api/v1/users?limit=100", Some(&admin)).await.json();
    assert!(!users["items"].as_array().unwrap().iter().any(|u| u["email"] == "dup@example.org"));
    // At any depth.
    let nested =
        br#"{"headline": "Twice", "section_id": "s", "body": [{"type": "paragraph", "text": "a", "text": "b"}]}"#;
    let res = app.send_raw(Method::POST, "/api/v1/articles", Some(&admin), "application/json", nested.to_vec()).await;
    res.assert_problem(400, "duplicate_key");
}

#[actix_web::test]
async fn unknown_fields_and_wrong_types_are_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let res = app.post("/api/v1/auth/login", None, json!({"email": "a@b.c", "password": "x", "remember": true})).await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "remember");
    let res = app.post("/api/v1/auth/login", None, json!({"email": "a@b.c"})).await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "password");
    let res = app.post("/api/v1/auth/login", None, json!({"email": 5, "password": "x"})).await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "email");
    let res = app.post("/api/v1/auth/login", None, json!(["a"])).await;
    res.assert_problem(422, "validation_failed");
}

/// An unknown enum value names the allowed ones once ("one of" was doubled), in a body,
/// in a body block and in a query string; with one allowed value, that value.
#[actix_web::test]
async fn unknown_enum_values_name_the_allowed_values_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let problem = |body: &serde_json::Value| (body["errors"][0]["field"].clone(), body["errors"][0]["message"].clone());

    let res =
        app.post("/api/v1/articles", Some(&admin), json!({"headline": "A", "section_id": "s", "access": "gold"})).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (json!("access"), json!("'gold' is not one of `free`, `metered`, `premium`"))
    );
    let res = app.get("/api/v1/articles?status=gone", Some(&admin)).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (json!("status"), json!("'gone' is not one of `draft`, `in_review`, `scheduled`, `published`, `archived`"))
    );
    let body = json!({"headline": "A", "section_id": "s", "body": [{"type": "list", "style": "dots", "items": ["a"]}]});
    let res = app.post("/api/v1/articles", Some(&admin), body).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (json!("body[0]"), json!("'dots' is not one of `bullet`, `number`"))
    );
    let body = json!({"headline": "A", "section_id": "s", "body": [{"type": "video"}]});
    let res = app.post("/api/v1/articles", Some(&admin), body).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (
            json!("body[0].type"),
            json!(
                "'video' is not one of `paragraph`, `heading`, `image`, `quote`, `list`, `embed`, `poll`, `sponsored`"
            )
        )
    );
    let body = json!({"quota": 5, "period": "week", "default_preview_blocks": 3});
    let res = app.send(Method::PUT, "/api/v1/paywall", Some(&admin), Some(body)).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (json!("period"), json!("'week' is not `month`"))
    );
}

/// Unknown, missing and repeated fields are told by their kind, with these messages.
#[actix_web::test]
async fn field_errors_say_what_is_wrong() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let problem = |body: &serde_json::Value| (body["errors"][0]["field"].clone(), body["errors"][0]["message"].clone());
    let res = app.post("/api/v1/auth/login", None, json!({"email": "a@b.c", "password": "x", "remember": true})).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (json!("remember"), json!("is not a known field"))
    );
    let res = app.post("/api/v1/auth/login", None, json!({"email": "a@b.c"})).await;
    assert_eq!(problem(&res.assert_problem(422, "validation_failed")), (json!("password"), json!("is required")));
    let body = json!({"headline": "A", "section_id": "s", "body": [{"type": "paragraph", "text": "a", "font": "x"}]});
    let res = app.post("/api/v1/articles", Some(&admin), body).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (json!("body[0].font"), json!("is not a known field"))
    );
    let body = json!({"headline": "A", "section_id": "s", "body": [{"text": "a"}]});
    let res = app.post("/api/v1/articles", Some(&admin), body).await;
    assert_eq!(problem(&res.assert_problem(422, "validation_failed")), (json!("body[0].type"), json!("is required")));
    let res = app.post("/api/v1/auth/login", None, json!({"email": null, "password": "x"})).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (json!("email"), json!("invalid type: null, expected a string"))
    );
    let res = app.get("/api/v1/users?limit=abc", Some(&admin)).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (json!("limit"), json!("invalid digit found in string"))
    );
    let res = app.get("/api/v1/users?limit=5&limit=6", Some(&admin)).await;
    assert_eq!(
        problem(&res.assert_problem(422, "validation_failed")),
        (json!("limit"), json!("is given more than once"))
    );
}

#[actix_web::test]
async fn wrong_content_type_is_415() {
    let app = TestApp::spawn().await;
    let res = app
        .send_raw(
            Method::POST,
            "/api/v1/auth/login",
            None,
            "text/plain",
            b"{\"email\":\"a\",\"password\":\"b\"}".to_vec(),
        )
        .await;
    res.assert_problem(415, "unsupported_media_type");
}

#[actix_web::test]
async fn oversized_body_is_413() {
    let app = TestApp::spawn_with(|s| s.max_body_bytes = 1024).await;
    let big = json!({"email": "a@b.c", "password": "x".repeat(4096)});
    let res = app.post("/api/v1/auth/login", None, big).await;
    res.assert_problem(413, "payload_too_large");
}

#[actix_web::test]
async fn unknown_query_parameters_are_400_and_bad_values_422() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app.get("/api/v1/users?limt=5", Some(&admin)).await;
    let body = res.assert_problem(400, "unknown_query_parameter");
    assert_eq!(body["errors"][0]["field"], "limt");
    app.get("/api/v1/auth/me?debug=1", Some(&admin)).await.assert_problem(400, "unknown_query_parameter");
    for bad in
        ["limit=0", "limit=101", "limit=abc", "limit=-1", "cursor=%%%", "cursor=bm9wZQ", "role=owner", "active=maybe"]
    {
        let res = app.get(&format!("/api/v1/users?{bad}"), Some(&admin)).await;
        res.assert_problem(422, "validation_failed");
    }
}

#[actix_web::test]
async fn every_list_refuses_a_cursor_it_did_not_make() {
    use base64::Engine;
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let b64 = |raw: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw);
    // Not base64, not JSON, the old text form, a key of another list's shape, an empty
    // id, a NUL in an id.
    let garbage = [
        "%%%".to_string(),
        b64("nope"),
        b64("v1:0193"),
        b64("{\"id\":\"x\"}"),
        b64("[1.5,\"x\",\"y\",\"z\"]"),
        b64("\"\""),
        b64("[0,\"\"]"),
        b64("\"a\\u0000b\""),
        b64("[1,\"a\\u0000b\"]"),
    ];
    for list in [
        "/api/v1/users",
        "/api/v1/sections",
        "/api/v1/articles",
        "/api/v1/polls",
        "/api/v1/offers",
        "/api/v1/sponsored",
        "/api/v1/public/articles",
    ] {
        for cursor in &garbage {
            let res = app.get(&format!("{list}?cursor={cursor}"), Some(&admin)).await;
            let problem = res.assert_problem(422, "validation_failed");
            assert_eq!(problem["errors"][0]["field"], "cursor", "{list} {cursor}");
            assert_eq!(problem["errors"][0]["message"], "is not a cursor returned by this list", "{list} {cursor}");
        }
    }
}

#[actix_web::test]
async fn control_characters_are_rejected_and_unicode_round_trips() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .post("/api/v1/users", Some(&admin), json!({"email": "nul@example.org", "role": "writer", "password": "a-long-password-1", "display_name": "Bad\u{0}Name"}))
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "display_name");
    let name = "Zoë 日本語 🗞️ Ünïcode";
    let res = app
        .post("/api/v1/users", Some(&admin), json!({"email": "uni@example.org", "role": "writer", "password": "a-long-password-1", "display_name": name}))
        .await;
    assert_eq!(res.status, 201);
    assert_eq!(res.json()["display_name"], name);
}

#[actix_web::test]
async fn nul_in_path_query_or_body_never_reaches_the_database() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.get("/api/v1/users/a%00b", Some(&admin)).await.assert_problem(404, "not_found");
    app.send(Method::DELETE, "/api/v1/users/a%00b", Some(&admin), None).await.assert_problem(404, "not_found");
    let res = app.get("/api/v1/sections?parent=a%00b", Some(&admin)).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "parent");
    let res = app.post("/api/v1/sections", Some(&admin), json!({"name": "Ok", "parent_id": "a\u{0}b"})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "parent_id");
    let res = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": "x\u{0}y"})).await;
    res.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn percent_encoded_paths_are_guarded_like_plain_ones() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    app.get("/api/v1/auth/m%65?debug=1", Some(&admin)).await.assert_problem(400, "unknown_query_parameter");
    app.send(Method::DELETE, "/heal%74hz", None, None).await.assert_problem(405, "method_not_allowed");
}

#[actix_web::test]
async fn duplicate_query_parameters_name_the_parameter() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app.get("/api/v1/users?limit=1&limit=2", Some(&admin)).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "limit");
}

#[actix_web::test]
async fn authentication_and_roles_are_checked_before_the_body_or_preconditions() {
    let app = TestApp::spawn().await;
    let (_, _, writer) = app.user("writer").await;
    for _ in 0..5 {
        app.post("/api/v1/users", Some(&writer), json!({})).await.assert_problem(403, "forbidden");
        let res =
            app.send_raw(Method::POST, "/api/v1/users", Some(&writer), "application/json", b"nope".to_vec()).await;
        res.assert_problem(403, "forbidden");
        let res = app.send_raw(Method::POST, "/api/v1/users", None, "text/plain", b"nope".to_vec()).await;
        res.assert_problem(401, "invalid_token");
        let res = app.send(Method::PATCH, "/api/v1/sections/x", None, Some(json!({"bad": 1}))).await;
        res.assert_problem(401, "invalid_token");
        let res = app.send(Method::DELETE, "/api/v1/sections/x", Some(&writer), None).await;
        res.assert_problem(403, "forbidden");
        app.get("/api/v1/users?limit=0", None).await.assert_problem(401, "invalid_token");
    }
}

#[actix_web::test]
async fn problems_and_other_answers_carry_cors_headers() {
    let app = TestApp::spawn_with(|s| s.cors_origins = vec!["https://app.example.com".into()]).await;
    let origin = [("origin", "https://app.example.com")];
    let res = app.send_with(Method::GET, "/api/v1/auth/me", None, None, &origin).await;
    res.assert_problem(401, "invalid_token");
    assert_eq!(res.header("access-control-allow-origin").as_deref(), Some("https://app.example.com"));
    let res = app.send_with(Method::DELETE, "/healthz", None, None, &origin).await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("access-control-allow-origin").as_deref(), Some("https://app.example.com"));
    let res = app.send_with(Method::GET, "/healthz", None, None, &origin).await;
    assert_eq!(res.header("access-control-allow-origin").as_deref(), Some("https://app.example.com"));
    assert_eq!(res.header("content-type").as_deref(), Some("application/json; charset=utf-8"));
}

#[actix_web::test]
async fn errors_outside_the_api_are_problems_too() {
    let app = TestApp::spawn_with(|s| s.cors_origins = vec!["https://app.example.com".into()]).await;
    app.get("/docs/no-such-file.js", None).await.assert_problem(404, "not_found");
    let res = app.send(Method::POST, "/openapi.json", None, None).await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow").as_deref(), Some("GET"));
}

#[actix_web::test]
async fn json_bodies_must_be_objects() {
    let app = TestApp::spawn().await;
    let res = app.post("/api/v1/auth/login", None, json!([ADMIN_EMAIL, ADMIN_PASSWORD])).await;
    res.assert_problem(422, "validation_failed");
    for body in [json!("text"), json!(3), json!(null)] {
        app.post("/api/v1/auth/login", None, body).await.assert_problem(422, "validation_failed");
    }
}

/// JSON has one number type and JSON Schema counts `3.0` as an integer: the server
/// takes integral floats for integer fields (it answered 422 "invalid type: floating
/// point"), and still refuses fractions.
#[actix_web::test]
async fn integral_floats_are_taken_as_integers_and_fractions_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app.post("/api/v1/sections", Some(&admin), json!({"name": "Asia", "position": 3.0})).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let section = res.json();
    assert_eq!(section["position"], 3);
    let id = section["id"].as_str().unwrap();
    let res = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/sections/{id}"),
            Some(&admin),
            Some(json!({"position": -0.0})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["position"], 0);

    let offer = json!({"name": "Trial", "display_text": "Try 3 months for $9", "price_minor": 900.0,
        "currency": "USD", "duration_months": 3e0, "eligibility": ["anonymous"]});
    let res = app.post("/api/v1/offers", Some(&admin), offer).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["price_minor"], 900);
    assert_eq!(res.json()["duration_months"], 3);

    let res = app.post("/api/v1/sections", Some(&admin), json!({"name": "Europe", "position": 2.5})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "position");
    let res = app.post("/api/v1/sections", Some(&admin), json!({"name": "Europe", "position": 1e300})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "position");
}

/// A nested object sent as an array was read positionally (`"seo": [null, null]`
/// created an article with an empty SEO block): objects are only objects now.
#[actix_web::test]
async fn nested_objects_sent_as_arrays_are_422() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "Asia"})).await;
    for (field, value) in [
        ("seo", json!([null, null])),
        ("hero_image", json!(["https://images.example.org/a.jpg"])),
        ("seo", json!(["A title"])),
    ] {
        let mut body = json!({"headline": "Arrays are not objects", "section_id": section});
        body[field] = value;
        let res = app.post("/api/v1/articles", Some(&admin), body).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert!(problem["errors"][0]["field"].as_str().unwrap().starts_with(field), "{problem}");
    }
    let res =
        app.post("/api/v1/sections", Some(&admin), json!({"name": "Europe", "description": null, "position": 1})).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
}

/// A body block sent as an array (`["paragraph", "text"]`) was read positionally and
/// accepted as a paragraph: serde's internally tagged enums take sequences. A block is
/// only an object now, in articles and sponsored blocks alike.
#[actix_web::test]
async fn body_blocks_sent_as_arrays_are_422() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "Asia"})).await;
    for block in [json!(["paragraph", "A paragraph"]), json!(["heading", "A heading", 2]), json!([])] {
        let body = json!({"headline": "Blocks are objects", "section_id": section,
            "body": [{"type": "paragraph", "text": "Fine."}, block]});
        let res = app.post("/api/v1/articles", Some(&admin), body).await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "body[1]", "{problem}");
    }
    let sponsored = json!({"title": "Ports", "sponsor_name": "Northwind", "label": "Sponsored Content",
        "disclosure": "This content was commissioned by Northwind.", "body": [["paragraph", "Ports."]],
        "placement": "article_inline"});
    let res = app.post("/api/v1/sponsored", Some(&admin), sponsored).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "body[0]");

    let body = json!({"headline": "Blocks are objects", "section_id": section,
        "body": [{"type": "paragraph", "text": "Fine."}, {"type": "heading", "text": "Sub", "level": 2}]});
    let res = app.post("/api/v1/articles", Some(&admin), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["body"][1], json!({"type": "heading", "text": "Sub", "level": 2}));
}

/// With no CORS origins configured, a browser's preflight is answered (204, no CORS
/// headers, so the browser does not send the cross-origin request), not 404 as if the
/// resource did not exist. An OPTIONS that is not a preflight is still a 405.
#[actix_web::test]
async fn preflights_without_cors_origins_are_answered_without_cors_headers() {
    let app = TestApp::spawn().await;
    for path in ["/api/v1/articles", "/api/v1/public/articles", "/healthz"] {
        let res = app
            .send_with(
                Method::OPTIONS,
                path,
                None,
                None,
                &[("origin", "https://app.example.com"), ("access-control-request-method", "GET")],
            )
            .await;
        assert_eq!(res.status, 204, "{path}: {}", String::from_utf8_lossy(&res.body));
        assert!(res.body.is_empty());
        let cors: Vec<_> = res.headers.keys().filter(|k| k.as_str().starts_with("access-control-")).collect();
        assert!(cors.is_empty(), "{path}: {cors:?}");
    }
    let res = app.send_with(Method::OPTIONS, "/healthz", None, None, &[("origin", "https://app.example.com")]).await;
    res.assert_problem(405, "method_not_allowed");
}

/// A date-time that does not parse says what is expected, with an example (it said
/// "premature end of input"), and every bad one in a body is named, not the first.
#[actix_web::test]
async fn bad_date_times_say_what_is_expected_and_each_is_named() {
    const EXPECTED: &str = "must be an RFC 3339 date-time, e.g. 2026-12-01T06:00:00Z";
    let fields = |body: &serde_json::Value| -> Vec<(String, String)> {
        let mut errors: Vec<(String, String)> = body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap().to_string(), e["message"].as_str().unwrap().to_string()))
            .collect();
        errors.sort();
        errors
    };
    let both = |a: &str, b: &str| vec![(a.to_string(), EXPECTED.to_string()), (b.to_string(), EXPECTED.to_string())];
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;

    let section = app.section(&admin, json!({"name": "Asia"})).await;
    let article = app.article(&admin, json!({"headline": "Dates", "section_id": section})).await;
    let res = app.action(&admin, &article, "publish", Some(json!({"publish_at": "2026-12"}))).await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(fields(&body), vec![("publish_at".to_string(), EXPECTED.to_string())]);

    let poll = json!({"title": "When?", "questions": [{"prompt": "Why?", "kind": "free_text"}],
        "opens_at": "2026-12", "closes_at": "tomorrow"});
    let body = app.post("/api/v1/polls", Some(&admin), poll).await.assert_problem(422, "validation_failed");
    assert_eq!(fields(&body), both("closes_at", "opens_at"));

    let block = json!({"title": "Ports", "sponsor_name": "Northwind", "label": "Sponsored", "disclosure": "Paid for.",
        "body": [{"type": "paragraph", "text": "Fast."}], "placement": "article_inline",
        "starts_at": 5, "ends_at": "2026-12-01 06:00"});
    let body = app.post("/api/v1/sponsored", Some(&admin), block).await.assert_problem(422, "validation_failed");
    assert_eq!(fields(&body), both("ends_at", "starts_at"));

    let offer = json!({"name": "Trial", "display_text": "Try it", "price_minor": 900, "currency": "USD",
        "duration_months": 3, "eligibility": ["anonymous"]});
    let res = app.post("/api/v1/offers", Some(&admin), offer).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    let id = res.json()["id"].as_str().unwrap().to_string();
    let res = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/offers/{id}"),
            Some(&admin),
            Some(json!({"starts_at": "soon", "ends_at": {"at": "2026-12-01T06:00:00Z"}})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(fields(&res.assert_problem(422, "validation_failed")), both("ends_at", "starts_at"));
    // null still clears, and a good time is still taken.
    let res = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/offers/{id}"),
            Some(&admin),
            Some(json!({"starts_at": null, "ends_at": "2030-01-01T00:00:00+01:00"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.json()["ends_at"], "2029-12-31T23:00:00Z");
}

/// Sends raw bytes on a new connection and reads until the server closes it.
fn raw_exchange(base: &str, request: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    answer
}

/// Splits the first response off `raw`: (status, lower-cased head, body, rest).
fn next_response(raw: &[u8]) -> (u16, String, Vec<u8>, Vec<u8>) {
    let at = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&raw[..at]).to_ascii_lowercase();
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length: ")).map_or(0, |v| v.trim().parse().unwrap());
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = raw[at + 4..at + 4 + length].to_vec();
    (status, head, body, raw[at + 4 + length..].to_vec())
}

#[track_caller]
fn assert_raw_problem(raw: &[u8], status: u16, code: &str) -> Vec<u8> {
    let (got, head, body, rest) = next_response(raw);
    assert_eq!(got, status, "{}", String::from_utf8_lossy(raw));
    assert!(head.contains("\r\ncontent-type: application/problem+json"), "{head}");
    assert!(head.contains("\r\nconnection: close"), "{head}");
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(problem["status"], status);
    assert_eq!(problem["code"], code);
    assert_eq!(problem["type"], format!("urn:masthead:problem:{code}"));
    assert!(problem["detail"].is_string() && problem["errors"].is_array(), "{problem}");
    rest
}

/// What actix-http answers on its own, before a request reaches the app (a request it
/// cannot parse, too many or too large headers, a head that never completes), is
/// problem+json too: it had an empty body. Checked over raw TCP.
#[actix_web::test]
async fn answers_made_before_the_app_are_problems_too() {
    let app = TestApp::spawn().await;
    let base = app.base.clone();
    let checks = actix_web::rt::task::spawn_blocking(move || {
        let rest = assert_raw_problem(&raw_exchange(&base, b"GARBAGE\r\n\r\n"), 400, "malformed_request");
        assert!(rest.is_empty());
        let bad_header = b"GET /healthz HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n";
        assert_raw_problem(&raw_exchange(&base, bad_header), 400, "malformed_request");
        let long_uri = format!("GET /{} HTTP/1.1\r\nhost: x\r\n\r\n", "a".repeat(70_000));
        assert_raw_problem(&raw_exchange(&base, long_uri.as_bytes()), 400, "malformed_request");
        let many: String = (0..100).map(|i| format!("x-header-{i}: 1\r\n")).collect();
        let many_headers = format!("GET /healthz HTTP/1.1\r\nhost: x\r\n{many}\r\n");
        assert_raw_problem(&raw_exchange(&base, many_headers.as_bytes()), 431, "request_headers_too_large");
        // A good request before a bad one on the same connection keeps its answer.
        let raw = raw_exchange(&base, b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\nGARBAGE\r\n\r\n");
        let (status, _, body, rest) = next_response(&raw);
        assert_eq!((status, body.as_slice()), (200, &b"{\"status\":\"ok\"}"[..]), "{}", String::from_utf8_lossy(&raw));
        assert_raw_problem(&rest, 400, "malformed_request");
        // The request head never completes: 408 after 5 seconds.
        assert_raw_problem(&raw_exchange(&base, b"GET /healthz HTTP/1.1\r\nhost: x\r\n"), 408, "request_timeout");
    });
    checks.await.unwrap();
}

#[actix_web::test]
async fn urls_are_absolute_http_urls_that_cannot_leave_an_attribute() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "Links"})).await;
    for bad in [
        "https://e.org/\"onmouseover=\"alert(1)",
        "https://e.org/<script>",
        "https://e.org/a>b",
        "https://e.org/a b",
        "http:///no-host",
        "https://",
        "javascript:alert(1)",
        "/relative/path",
    ] {
        let body = json!({"headline": "Links", "section_id": section, "hero_image": {"url": bad},
            "seo": {"canonical_url": bad}, "body": [{"type": "embed", "provider": "x", "url": bad}]});
        let res = app.post("/api/v1/articles", Some(&admin), body).await;
        let problem = res.assert_problem(422, "validation_failed");
        let fields: Vec<&str> =
            problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["hero_image.url", "body[0].url", "seo.canonical_url"], "{bad}: {problem}");
    }
    let good =
        json!({"headline": "Links", "section_id": section, "hero_image": {"url": "HTTPS://e.org/a?b=c&d=%22#x"}});
    assert_eq!(app.post("/api/v1/articles", Some(&admin), good).await.status, 201);
}

#[actix_web::test]
async fn every_answer_says_nosniff() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let answers = [
        app.get("/api/v1/auth/me", Some(&admin)).await,
        app.get("/api/v1/articles/none", Some(&admin)).await,
        app.get("/api/v1/public/articles", None).await,
        app.get("/api/v1/nowhere", None).await,
        app.get("/healthz", None).await,
        app.get("/openapi.json", None).await,
        app.send(Method::PUT, "/api/v1/users", None, None).await,
        app.send_raw(Method::POST, "/api/v1/auth/login", None, "application/json", b"{".to_vec()).await,
    ];
    for res in answers {
        assert_eq!(res.header("x-content-type-options").as_deref(), Some("nosniff"), "status {}", res.status);
    }
}

/// A body sent a byte now and then is cut off after the body timeout with a 408, and
/// the connection is closed: it cannot hold the server's memory or a socket for ever.
#[actix_web::test]
async fn a_body_that_arrives_too_slowly_is_408_and_the_connection_closes() {
    let app = TestApp::spawn_with(|s| s.body_timeout_secs = 1).await;
    let base = app.base.clone();
    let raw = actix_web::rt::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(base.trim_start_matches("http://")).unwrap();
        stream.set_read_timeout(Some(std::time::Duration::from_secs(20))).unwrap();
        let head = "POST /api/v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n";
        stream.write_all(head.as_bytes()).unwrap();
        // A byte, then silence longer than the timeout.
        stream.write_all(b"{").unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        answer
    })
    .await
    .unwrap();
    assert_raw_problem(&raw, 408, "request_timeout");
    // The server itself is fine.
    assert_eq!(app.get("/healthz", None).await.status, 200);
}

#[actix_web::test]
async fn bodies_in_flight_share_a_bounded_memory_budget() {
    let app = TestApp::spawn_with(|s| s.body_memory_bytes = 4096).await;
    let small = json!({"email": "a@example.org", "password": "wrong-password-123"}).to_string().into_bytes();
    let res = app.send_raw(Method::POST, "/api/v1/auth/login", None, "application/json", small).await;
    res.assert_problem(401, "invalid_credentials");
    // One body larger than the whole budget (but under the body size limit) is refused.
    let large = format!(r#"{{"email": "a@example.org", "password": "{}"}}"#, "x".repeat(8000)).into_bytes();
    let res = app.send_raw(Method::POST, "/api/v1/auth/login", None, "application/json", large).await;
    res.assert_problem(503, "overloaded");
    assert_eq!(res.header("retry-after").as_deref(), Some("1"));
    // What a refused body held is given back: the next small one is read.
    let small = json!({"email": "a@example.org", "password": "wrong-password-123"}).to_string().into_bytes();
    let res = app.send_raw(Method::POST, "/api/v1/auth/login", None, "application/json", small).await;
    res.assert_problem(401, "invalid_credentials");
}
