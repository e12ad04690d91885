//! API keys: admins make them (shown once, stored as a digest), list and revoke them;
//! a key acts as an account of its own with its role, never manages users or keys,
//! never signs in, and stops at once when revoked or expired.

use actix_web::http::Method;
use chrono::Duration;
use serde_json::{Value, json};

use crate::common::TestApp;

async fn make_key(app: &TestApp, admin: &str, body: Value) -> Value {
    let res = app.post("/api/v1/api-keys", Some(admin), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

#[actix_web::test]
async fn admins_make_a_key_that_is_shown_once_and_acts_with_its_role() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "World"})).await;
    let wire = app.post("/api/v1/authors", Some(&admin), json!({"name": "Wire Agency"})).await.json();

    let res = app.post("/api/v1/api-keys", Some(&admin), json!({"name": " Wire ingest ", "role": "editor"})).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    let created = res.json();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(res.header("location"), Some(format!("/api/v1/api-keys/{id}")));
    let key = created["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("mhk_") && key.len() > 40, "{key}");
    assert_eq!(created["prefix"], key[..12]);
    assert_eq!(
        (created["name"].clone(), created["role"].clone(), created["status"].clone(), created["last_used_at"].clone()),
        (json!("Wire ingest"), json!("editor"), json!("active"), Value::Null)
    );

    // Never shown again: not in the key's answer nor in the list.
    let read = app.get(&format!("/api/v1/api-keys/{id}"), Some(&admin)).await;
    assert_eq!(read.status, 200);
    let list = app.get("/api/v1/api-keys", Some(&admin)).await;
    for body in [&read.body, &list.body] {
        assert!(!String::from_utf8_lossy(body).contains(&key));
    }
    assert_eq!(list.json()["items"][0]["id"], id.as_str());

    // The key works as an editor: it lists, creates with the wire's byline (not its
    // own), and publishes.
    assert_eq!(app.get("/api/v1/articles", Some(&key)).await.status, 200);
    let me = app.get("/api/v1/auth/me", Some(&key)).await.json();
    assert_eq!((me["id"].as_str(), me["role"].as_str()), (Some(id.as_str()), Some("editor")));
    let article = app
        .article(&key, json!({"headline": "Ministers agree", "section_id": section, "author_ids": [wire["id"]]}))
        .await;
    assert_eq!(article["author_ids"], json!([wire["id"]]), "the key is not on the byline it gave");
    let res = app.action(&key, &article, "publish", None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let public = app.get("/api/v1/public/articles/ministers-agree", None).await.json();
    assert_eq!(public["authors"], json!([{"id": wire["id"], "display_name": "Wire Agency"}]));
    // What it wrote is attributed to it, under its name.
    let revisions =
        app.get(&format!("/api/v1/articles/{}/revisions", article["id"].as_str().unwrap()), Some(&admin)).await;
    assert_eq!(revisions.json()["items"][0]["created_by"]["id"], id.as_str(), "{}", revisions.json());
    // With no byline given, the key is the author, under its name.
    let own = app.article(&key, json!({"headline": "Markets open", "section_id": section})).await;
    assert_eq!(own["author_ids"], json!([id]));

    // Its use is recorded.
    let read = app.get(&format!("/api/v1/api-keys/{id}"), Some(&admin)).await.json();
    assert!(read["last_used_at"].is_string(), "{read}");

    // It is not a person: not among users or people, and it never signs in.
    let users = app.get("/api/v1/users?limit=100", Some(&admin)).await.json().to_string();
    let people = app.get("/api/v1/people?limit=100", Some(&admin)).await.json().to_string();
    assert!(!users.contains(&id) && !people.contains(&id));
    app.get(&format!("/api/v1/users/{id}"), Some(&admin)).await.assert_problem(404, "not_found");
    let email = format!("{id}@api-keys.invalid");
    let res = app.post("/api/v1/auth/login", None, json!({"email": email, "password": "!"})).await;
    assert_eq!(res.status, 401);
}

#[actix_web::test]
async fn keys_never_manage_users_or_keys_and_are_never_admins() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for role in ["editor", "writer", "commercial"] {
        let key = make_key(&app, &admin, json!({"name": format!("{role} key"), "role": role})).await;
        let key = key["key"].as_str().unwrap();
        app.get("/api/v1/users", Some(key)).await.assert_problem(403, "forbidden");
        app.get("/api/v1/api-keys", Some(key)).await.assert_problem(403, "forbidden");
        let res = app.post("/api/v1/api-keys", Some(key), json!({"name": "mine", "role": "editor"})).await;
        res.assert_problem(403, "forbidden");
        let res = app
            .send(
                Method::PUT,
                "/api/v1/auth/password",
                Some(key),
                Some(json!({"current_password": "x", "new_password": "a long new passphrase"})),
            )
            .await;
        res.assert_problem(403, "forbidden");
    }
    let res = app.post("/api/v1/api-keys", Some(&admin), json!({"name": "root", "role": "admin"})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "role");
    let past = (app.clock.now() - Duration::minutes(1)).to_rfc3339();
    let res =
        app.post("/api/v1/api-keys", Some(&admin), json!({"name": "old", "role": "writer", "expires_at": past})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "expires_at");
    let res = app.post("/api/v1/api-keys", Some(&admin), json!({"name": "  ", "role": "writer"})).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "name");
    // Only admins make keys.
    let (_, _, editor) = app.user("editor").await;
    let res = app.post("/api/v1/api-keys", Some(&editor), json!({"name": "mine", "role": "writer"})).await;
    res.assert_problem(403, "forbidden");
    // A key-shaped credential that is no key is an invalid token.
    app.get("/api/v1/articles", Some("mhk_not-a-key")).await.assert_problem(401, "invalid_token");
}

#[actix_web::test]
async fn a_writer_key_keeps_to_a_writers_rules() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "World"})).await;
    let created = make_key(&app, &admin, json!({"name": "Newsletter drafts", "role": "writer"})).await;
    let key = created["key"].as_str().unwrap();
    let draft = app.article(key, json!({"headline": "Weekly digest", "section_id": section})).await;
    assert_eq!(draft["author_ids"], json!([created["id"]]), "a writer keeps their own byline");
    let res = app.edit(key, &draft, json!({"standfirst": "The week in five stories"})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let edited = res.json();
    app.action(key, &edited, "publish", None).await.assert_problem(403, "forbidden");
    assert_eq!(app.action(key, &edited, "submit", None).await.status, 200);
}

#[actix_web::test]
async fn a_revoked_or_expired_key_stops_at_its_next_request() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let created = make_key(&app, &admin, json!({"name": "Build server", "role": "editor"})).await;
    let (id, key) = (created["id"].as_str().unwrap(), created["key"].as_str().unwrap());
    assert_eq!(app.get("/api/v1/sections", Some(key)).await.status, 200);
    let res = app.send(Method::DELETE, &format!("/api/v1/api-keys/{id}"), Some(&admin), None).await;
    assert_eq!(res.status, 204);
    let refused = app.get("/api/v1/sections", Some(key)).await;
    refused.assert_problem(401, "token_revoked");
    assert!(refused.header("www-authenticate").is_some());
    let read = app.get(&format!("/api/v1/api-keys/{id}"), Some(&admin)).await.json();
    assert_eq!(read["status"], "revoked");
    assert!(read["revoked_at"].is_string());
    // Again: nothing changes; an unknown key is a 404.
    assert_eq!(app.send(Method::DELETE, &format!("/api/v1/api-keys/{id}"), Some(&admin), None).await.status, 204);
    let unknown = format!("/api/v1/api-keys/{}", uuid::Uuid::now_v7());
    app.send(Method::DELETE, &unknown, Some(&admin), None).await.assert_problem(404, "not_found");

    let expires = (app.clock.now() + Duration::hours(1)).to_rfc3339();
    let created = make_key(&app, &admin, json!({"name": "Trial", "role": "commercial", "expires_at": expires})).await;
    let (id, key) = (created["id"].as_str().unwrap(), created["key"].as_str().unwrap());
    assert_eq!(app.get("/api/v1/offers", Some(key)).await.status, 200);
    app.clock.advance(Duration::hours(1));
    app.get("/api/v1/offers", Some(key)).await.assert_problem(401, "token_revoked");
    // The admin's own access token has expired too in that hour.
    let admin = app.admin_token().await;
    let read = app.get(&format!("/api/v1/api-keys/{id}"), Some(&admin)).await.json();
    assert_eq!(read["status"], "expired");
}
