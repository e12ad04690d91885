//! The users API: admin-only, validated, the last active admin protected.

use actix_web::http::Method;
use serde_json::json;

use crate::common::{ADMIN_EMAIL, PASSWORD, TestApp};

#[actix_web::test]
async fn admin_creates_reads_lists_updates_and_deactivates() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "Ann.Lee@Example.org", "display_name": "Ann Lee", "role": "editor", "password": PASSWORD}),
        )
        .await;
    assert_eq!(res.status, 201);
    let user = res.json();
    let id = user["id"].as_str().unwrap().to_string();
    assert_eq!(res.header("location"), Some(format!("/api/v1/users/{id}")));
    assert_eq!(user["email"], "ann.lee@example.org");
    assert_eq!(user["role"], "editor");
    assert_eq!(user["active"], true);
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    for key in ["id", "email", "display_name", "role", "active", "created_at", "updated_at"] {
        assert!(user.get(key).is_some(), "{key}");
    }
    assert!(user["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(uuid::Uuid::parse_str(&id).is_ok());

    let res = app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json(), user);

    let res = app
        .patch(&format!("/api/v1/users/{id}"), Some(&admin), json!({"display_name": "Ann B. Lee", "role": "writer"}))
        .await;
    assert_eq!(res.status, 200);
    let updated = res.json();
    assert_eq!(updated["display_name"], "Ann B. Lee");
    assert_eq!(updated["role"], "writer");
    assert_eq!(updated["email"], "ann.lee@example.org");

    let res = app.get("/api/v1/users", Some(&admin)).await;
    assert_eq!(res.status, 200);
    let list = res.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(list["next_cursor"].is_null());

    let res = app.send(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None).await;
    assert_eq!(res.status, 204);
    let res = app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await;
    assert_eq!(res.json()["active"], false);
    assert_eq!(app.login("ann.lee@example.org", PASSWORD).await.status, 401);
}

#[actix_web::test]
async fn only_admins_may_manage_users() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (target, _, _) = app.user("writer").await;
    for role in ["editor", "writer", "commercial"] {
        let (_, _, token) = app.user(role).await;
        let t = Some(token.as_str());
        app.get("/api/v1/users", t).await.assert_problem(403, "forbidden");
        app.post("/api/v1/users", t, json!({"email": "x@example.org", "role": "admin", "password": PASSWORD}))
            .await
            .assert_problem(403, "forbidden");
        app.get(&format!("/api/v1/users/{target}"), t).await.assert_problem(403, "forbidden");
        app.patch(&format!("/api/v1/users/{target}"), t, json!({"role": "admin"}))
            .await
            .assert_problem(403, "forbidden");
        app.send(Method::DELETE, &format!("/api/v1/users/{target}"), t, None).await.assert_problem(403, "forbidden");
        // Everyone may read themselves.
        assert_eq!(app.get("/api/v1/auth/me", t).await.json()["role"], role);
    }
    // Nothing changed.
    let res = app.get(&format!("/api/v1/users/{target}"), Some(&admin)).await;
    assert_eq!(res.json()["role"], "writer");
    assert_eq!(res.json()["active"], true);
}

#[actix_web::test]
async fn validation_errors_name_every_field() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "not-an-email", "role": "writer", "password": "short", "display_name": "   "}),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"email") && fields.contains(&"password"), "{fields:?}");
    let res = app
        .post("/api/v1/users", Some(&admin), json!({"email": "a@example.org", "role": "owner", "password": PASSWORD}))
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "role");
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "a@example.org", "role": "writer", "password": PASSWORD, "is_admin": true}),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "is_admin");
    let long = "x".repeat(101);
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "a@example.org", "role": "writer", "password": PASSWORD, "display_name": long}),
        )
        .await;
    res.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn emails_are_unique_case_insensitively() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": ADMIN_EMAIL.to_uppercase(), "role": "writer", "password": PASSWORD}),
        )
        .await;
    res.assert_problem(409, "email_taken");
    let (id, _, _) = app.user("writer").await;
    let res = app.patch(&format!("/api/v1/users/{id}"), Some(&admin), json!({"email": ADMIN_EMAIL})).await;
    res.assert_problem(409, "email_taken");
}

#[actix_web::test]
async fn patch_rejects_null_and_unknown_fields() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (id, _, _) = app.user("writer").await;
    let res = app.patch(&format!("/api/v1/users/{id}"), Some(&admin), json!({"display_name": null})).await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "display_name");
    let res = app.patch(&format!("/api/v1/users/{id}"), Some(&admin), json!({"rol": "admin"})).await;
    res.assert_problem(422, "validation_failed");
    let res = app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await;
    assert_eq!(res.json()["role"], "writer");
}

#[actix_web::test]
async fn unknown_ids_are_404() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for id in ["0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "not-an-id", "'%20OR%201=1--"] {
        app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await.assert_problem(404, "not_found");
        app.patch(&format!("/api/v1/users/{id}"), Some(&admin), json!({"role": "admin"}))
            .await
            .assert_problem(404, "not_found");
        app.send(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None)
            .await
            .assert_problem(404, "not_found");
    }
}

#[actix_web::test]
async fn the_last_active_admin_stays() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let me = app.get("/api/v1/auth/me", Some(&admin)).await.json();
    let id = me["id"].as_str().unwrap();
    let path = format!("/api/v1/users/{id}");
    app.patch(&path, Some(&admin), json!({"role": "editor"})).await.assert_problem(409, "last_admin");
    app.patch(&path, Some(&admin), json!({"active": false})).await.assert_problem(409, "last_admin");
    app.send(Method::DELETE, &path, Some(&admin), None).await.assert_problem(409, "last_admin");
    assert_eq!(app.get(&path, Some(&admin)).await.json()["role"], "admin");

    // With a second admin, the first may step down; then the second is the last.
    let (second, _, second_token) = app.user("admin").await;
    let res = app.patch(&path, Some(&admin), json!({"role": "editor"})).await;
    assert_eq!(res.status, 200);
    let second_path = format!("/api/v1/users/{second}");
    app.send(Method::DELETE, &second_path, Some(&second_token), None).await.assert_problem(409, "last_admin");
    // A deactivated admin does not count as an active one.
    let res = app.patch(&path, Some(&second_token), json!({"role": "admin", "active": false})).await;
    assert_eq!(res.status, 200);
    app.patch(&second_path, Some(&second_token), json!({"role": "writer"})).await.assert_problem(409, "last_admin");
}

#[actix_web::test]
async fn two_admins_demoting_each_other_at_once_leave_one() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let first = app.get("/api/v1/auth/me", Some(&admin)).await.json()["id"].as_str().unwrap().to_string();
    let (second, _, second_token) = app.user("admin").await;
    let (second_path, first_path) = (format!("/api/v1/users/{second}"), format!("/api/v1/users/{first}"));
    let a = app.patch(&second_path, Some(&admin), json!({"role": "editor"}));
    let b = app.patch(&first_path, Some(&second_token), json!({"role": "editor"}));
    let (a, b) = futures_util::future::join(a, b).await;
    let statuses = [a.status, b.status];
    assert!(statuses.contains(&200), "{statuses:?}");
    // Whichever admin remains can list the admins: exactly one.
    let mut remaining = 0;
    for token in [&admin, &second_token] {
        let list = app.get("/api/v1/users?role=admin&active=true", Some(token)).await;
        if list.status == 200 {
            assert_eq!(list.json()["items"].as_array().unwrap().len(), 1, "{statuses:?}");
            remaining += 1;
        }
    }
    assert_eq!(remaining, 1, "{statuses:?}");
}

#[actix_web::test]
async fn pagination_walks_every_user_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for i in 0..7 {
        let res = app
            .post(
                "/api/v1/users",
                Some(&admin),
                json!({"email": format!("u{i}@example.org"), "role": "writer", "password": PASSWORD}),
            )
            .await;
        assert_eq!(res.status, 201);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=3&cursor={c}"),
            None => "/api/v1/users?limit=3".to_string(),
        };
        let page = app.get(&path, Some(&admin)).await.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        seen.extend(items.iter().map(|u| u["email"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 8);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 8);
    let writers = app.get("/api/v1/users?role=writer&limit=100", Some(&admin)).await.json();
    assert_eq!(writers["items"].as_array().unwrap().len(), 7);
}

#[actix_web::test]
async fn concurrent_creations_all_land_and_duplicates_conflict_exactly_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let distinct = futures_util::future::join_all((0..20).map(|i| {
        app.post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": format!("c{i}@example.org"), "role": "writer", "password": PASSWORD}),
        )
    }))
    .await;
    let statuses: Vec<u16> = distinct.iter().map(|r| r.status).collect();
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");

    let same = futures_util::future::join_all((0..20).map(|_| {
        app.post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "same@example.org", "role": "writer", "password": PASSWORD}),
        )
    }))
    .await;
    let statuses: Vec<u16> = same.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19, "{statuses:?}");
    let list = app.get("/api/v1/users?limit=100", Some(&admin)).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 22);
}

#[actix_web::test]
async fn a_password_with_control_characters_is_422() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "c@example.org", "role": "writer", "password": "abc\u{7}defghijklmn"}),
        )
        .await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "password");
}

#[actix_web::test]
async fn every_signed_in_user_reads_people_by_name_without_emails_or_roles() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (writer_id, _, writer) = app.user("writer").await;
    let (gone_id, _, _) = app.user("editor").await;
    let (_, _, commercial) = app.user("commercial").await;
    assert_eq!(app.send(Method::DELETE, &format!("/api/v1/users/{gone_id}"), Some(&admin), None).await.status, 204);

    for token in [&writer, &commercial, &admin] {
        let res = app.get("/api/v1/people?limit=100", Some(token)).await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        let items = res.json()["items"].as_array().cloned().expect("items");
        assert_eq!(items.len(), 4);
        for person in &items {
            let keys: Vec<&str> = person.as_object().expect("object").keys().map(String::as_str).collect();
            assert_eq!(keys, ["active", "display_name", "id"], "{person}");
        }
        let writer_entry = items.iter().find(|p| p["id"] == writer_id.as_str()).expect("the writer");
        assert_eq!(writer_entry["active"], true);
    }
    let active = app.get("/api/v1/people?active=false", Some(&writer)).await.json();
    assert_eq!(active["items"].as_array().map(|a| a.len()), Some(1));
    assert_eq!(active["items"][0]["id"], gone_id.as_str());
    // Paging goes through everyone once.
    let first = app.get("/api/v1/people?limit=3", Some(&writer)).await.json();
    let cursor = first["next_cursor"].as_str().expect("a second page").to_string();
    let second = app.get(&format!("/api/v1/people?limit=3&cursor={cursor}"), Some(&writer)).await.json();
    assert_eq!(second["items"].as_array().map(|a| a.len()), Some(1));
    assert!(second["next_cursor"].is_null());
    app.get("/api/v1/people", None).await.assert_problem(401, "invalid_token");
}
