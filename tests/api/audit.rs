//! The audit log: sign-ins and their failures, account and key changes and the
//! publishing workflow, each with who (a person or an API key), from which address and
//! when; admins read it with filters and keyset paging and export it as NDJSON; the
//! database refuses to change or remove an entry.

use actix_web::http::Method;
use chrono::Duration;
use serde_json::{Value, json};

use crate::common::TestApp;

/// Every entry, newest first, read page by page (`query` adds filters).
async fn entries(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/api/v1/audit-log?limit=2{query}");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let res = app.get(&path, Some(admin)).await;
        assert_eq!(res.status, 200, "{path}: {}", String::from_utf8_lossy(&res.body));
        let page = res.json();
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return all,
        }
    }
}

fn actions(entries: &[Value]) -> Vec<&str> {
    entries.iter().map(|e| e["action"].as_str().unwrap()).collect()
}

#[actix_web::test]
async fn sign_ins_account_changes_and_keys_are_recorded_with_who_and_where() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let me = app.get("/api/v1/auth/me", Some(&admin)).await.json();
    let admin_id = me["id"].as_str().unwrap().to_string();

    let (writer_id, writer_email, _) = app.user("writer").await;
    let res =
        app.post("/api/v1/auth/login", None, json!({"email": writer_email, "password": "wrong password 1"})).await;
    assert_eq!(res.status, 401);
    let res = app.post("/api/v1/auth/login", None, json!({"email": "nobody@example.org", "password": "x"})).await;
    assert_eq!(res.status, 401);
    let res = app
        .send_with(
            Method::PATCH,
            &format!("/api/v1/users/{writer_id}"),
            Some(&admin),
            Some(json!({"role": "editor"})),
            &[],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(app.post(&format!("/api/v1/users/{writer_id}/unlock"), Some(&admin), json!({})).await.status, 204);
    assert_eq!(app.send(Method::DELETE, &format!("/api/v1/users/{writer_id}"), Some(&admin), None).await.status, 204);
    let key = app.post("/api/v1/api-keys", Some(&admin), json!({"name": "Wire ingest", "role": "editor"})).await.json();
    let key_id = key["id"].as_str().unwrap();
    assert_eq!(app.send(Method::DELETE, &format!("/api/v1/api-keys/{key_id}"), Some(&admin), None).await.status, 204);

    let all = entries(&app, &admin, "").await;
    let mut seen = actions(&all);
    seen.reverse();
    // app.user signs the admin in, then creates the writer, who signs in.
    let wanted = [
        "user.created",
        "login.succeeded",
        "login.failed",
        "login.failed",
        "user.updated",
        "user.unlocked",
        "user.updated",
        "api_key.created",
        "api_key.revoked",
    ];
    assert!(seen.ends_with(&wanted), "{seen:?}");
    let find = |action: &str, nth: usize| all.iter().rev().filter(|e| e["action"] == action).nth(nth).unwrap().clone();

    let failed = find("login.failed", 0);
    assert_eq!(failed["actor"], json!({"id": null, "name": null, "kind": "anonymous"}));
    assert_eq!(failed["address"], "127.0.0.1");
    assert_eq!(failed["target"], json!({"type": "user", "id": writer_id}));
    assert_eq!(failed["details"]["email"], writer_email.as_str());
    let unknown = find("login.failed", 1);
    assert_eq!(
        (unknown["target"].clone(), unknown["details"]["email"].clone()),
        (Value::Null, json!("nobody@example.org"))
    );
    let signed_in =
        all.iter().find(|e| e["action"] == "login.succeeded" && e["target"]["id"] == writer_id.as_str()).unwrap();
    assert_eq!(signed_in["actor"]["id"], writer_id.as_str());

    let promoted = find("user.updated", 0);
    assert_eq!(promoted["actor"], json!({"id": admin_id, "name": me["display_name"], "kind": "person"}));
    assert_eq!(promoted["details"], json!({"role": {"from": "writer", "to": "editor"}}));
    assert_eq!(find("user.updated", 1)["details"], json!({"active": {"from": true, "to": false}}));
    assert_eq!(find("user.created", 0)["details"]["role"], "writer");
    let made = find("api_key.created", 0);
    assert_eq!(made["target"], json!({"type": "api_key", "id": key_id}));
    assert_eq!(
        (made["details"]["name"].clone(), made["details"]["role"].clone()),
        (json!("Wire ingest"), json!("editor"))
    );
    assert!(!made.to_string().contains(key["key"].as_str().unwrap()), "the key itself is never logged");

    // Filters: action, actor, target, time; a bad time is a 422.
    assert_eq!(actions(&entries(&app, &admin, "&action=login.failed").await), ["login.failed", "login.failed"]);
    let by_target = entries(&app, &admin, &format!("&target={writer_id}")).await;
    assert!(by_target.iter().all(|e| e["target"]["id"] == writer_id.as_str()) && by_target.len() >= 5);
    let by_actor = entries(&app, &admin, &format!("&actor={admin_id}")).await;
    assert!(by_actor.iter().all(|e| e["actor"]["id"] == admin_id.as_str()));
    let later = (app.clock.now() + Duration::hours(1)).to_rfc3339().replace('+', "%2B");
    assert!(entries(&app, &admin, &format!("&since={later}")).await.is_empty());
    assert_eq!(entries(&app, &admin, &format!("&until={later}")).await.len(), all.len());
    let res = app.get("/api/v1/audit-log?since=yesterday", Some(&admin)).await;
    assert_eq!(res.assert_problem(422, "validation_failed")["errors"][0]["field"], "query.since");
}

#[actix_web::test]
async fn the_workflow_is_recorded_by_person_or_key() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let section = app.section(&admin, json!({"name": "World"})).await;
    let (editor_id, _, editor) = app.user("editor").await;
    let draft = app.article(&editor, json!({"headline": "Rates rise", "section_id": section})).await;
    let id = draft["id"].as_str().unwrap().to_string();
    let later = (app.clock.now() + Duration::hours(2)).to_rfc3339();
    let scheduled: Value = app.action(&editor, &draft, "publish", Some(json!({"publish_at": later}))).await.json();
    let draft: Value = app.action(&editor, &scheduled, "unpublish", None).await.json();
    let live: Value = app.action(&editor, &draft, "publish", None).await.json();
    let archived: Value = app.action(&editor, &live, "archive", None).await.json();
    let etag = format!("\"{}\"", archived["version"]);
    let res = app
        .send_with(Method::DELETE, &format!("/api/v1/articles/{id}"), Some(&editor), None, &[("if-match", &etag)])
        .await;
    assert_eq!(res.status, 204);
    let etag = res.header("etag").unwrap();
    let res = app
        .send_with(Method::POST, &format!("/api/v1/articles/{id}/restore"), Some(&editor), None, &[("if-match", &etag)])
        .await;
    assert_eq!(res.status, 200);

    let key = app.post("/api/v1/api-keys", Some(&admin), json!({"name": "Wire ingest", "role": "editor"})).await.json();
    let secret = key["key"].as_str().unwrap();
    let wired = app.article(secret, json!({"headline": "Wire copy", "section_id": section})).await;
    assert_eq!(app.action(secret, &wired, "publish", None).await.status, 200);

    let mut log = entries(&app, &admin, &format!("&target={id}")).await;
    log.reverse();
    assert_eq!(
        actions(&log),
        [
            "article.scheduled",
            "article.unpublished",
            "article.published",
            "article.archived",
            "article.trashed",
            "article.restored"
        ]
    );
    assert!(log.iter().all(|e| e["actor"]["id"] == editor_id.as_str() && e["actor"]["kind"] == "person"));
    assert_eq!(
        (log[0]["details"]["from"].clone(), log[0]["details"]["to"].clone()),
        (json!("draft"), json!("scheduled"))
    );
    assert_eq!(log[0]["details"]["headline"], "Rates rise");
    let by_key = entries(&app, &admin, &format!("&target={}", wired["id"].as_str().unwrap())).await;
    assert_eq!(by_key[0]["actor"], json!({"id": key["id"], "name": "Wire ingest", "kind": "api_key"}));

    // Only admins read it: not editors, nor any key.
    app.get("/api/v1/audit-log", Some(&editor)).await.assert_problem(403, "forbidden");
    app.get("/api/v1/audit-log", Some(secret)).await.assert_problem(403, "forbidden");
    app.get("/api/v1/audit-log/export", Some(&editor)).await.assert_problem(403, "forbidden");
}

/// Sends `body` with the resource's current version as `If-Match`.
async fn versioned(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    version: &Value,
    body: Option<Value>,
) -> Value {
    let etag = format!("\"{version}\"");
    let res = app.send_with(method, path, Some(token), body, &[("if-match", &etag)]).await;
    assert!(res.status == 200 || res.status == 204, "{path}: {} {}", res.status, String::from_utf8_lossy(&res.body));
    if res.body.is_empty() { Value::Null } else { res.json() }
}

#[actix_web::test]
async fn commercial_terms_paid_content_and_the_paywall_are_recorded() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (commercial_id, _, commercial) = app.user("commercial").await;
    let (_, _, editor) = app.user("editor").await;
    let section = app.section(&admin, json!({"name": "Money"})).await;

    // A sponsored block: created, its copy edited (not recorded), its terms changed, deleted.
    let block = json!({"title": "Ports of tomorrow", "sponsor_name": "Harbourline", "label": "Sponsored",
        "disclosure": "Commissioned by Harbourline.", "placement": "article_inline", "status": "draft"});
    let block = app.post("/api/v1/sponsored", Some(&commercial), block).await.json();
    let path = format!("/api/v1/sponsored/{}", block["id"].as_str().unwrap());
    let block =
        versioned(&app, Method::PATCH, &path, &commercial, &block["version"], Some(json!({"title": "Ports"}))).await;
    let starts = "2027-01-01T00:00:00Z";
    let terms = json!({"label": "Paid post", "starts_at": starts, "status": "active", "title": "Ports, paid"});
    let block = versioned(&app, Method::PATCH, &path, &commercial, &block["version"], Some(terms)).await;
    versioned(&app, Method::DELETE, &path, &commercial, &block["version"], None).await;

    let log = entries(&app, &admin, &format!("&target={}", block["id"].as_str().unwrap())).await;
    assert_eq!(actions(&log), ["sponsored.deleted", "sponsored.updated", "sponsored.created"]);
    assert!(log.iter().all(|e| e["actor"]["id"] == commercial_id.as_str() && e["target"]["type"] == "sponsored"));
    assert_eq!(
        log[2]["details"],
        json!({"title": "Ports of tomorrow", "sponsor_name": "Harbourline", "label": "Sponsored",
               "disclosure": "Commissioned by Harbourline.", "starts_at": null, "ends_at": null, "status": "draft"})
    );
    assert_eq!(
        log[1]["details"],
        json!({"label": {"from": "Sponsored", "to": "Paid post"}, "starts_at": {"from": null, "to": starts},
               "status": {"from": "draft", "to": "active"}, "title": "Ports, paid"}),
        "the terms that changed, not the copy"
    );
    assert_eq!(
        (log[0]["details"]["label"].clone(), log[0]["details"]["status"].clone()),
        (json!("Paid post"), json!("active"))
    );

    // An article marked as paid content at creation, its mark changed, then cleared; an
    // edit that leaves the mark alone is not recorded.
    let acme = json!({"sponsor_name": "Acme Bank", "label": "Paid post", "disclosure": "Paid for by Acme Bank."});
    let paid =
        app.article(&editor, json!({"headline": "Saving early", "section_id": section, "sponsorship": acme})).await;
    let paid = app.edit(&editor, &paid, json!({"headline": "Saving early, wisely"})).await.json();
    let relabelled =
        json!({"sponsor_name": "Acme Bank", "label": "Partner content", "disclosure": "Paid for by Acme Bank."});
    let paid = app.edit(&editor, &paid, json!({"sponsorship": relabelled})).await.json();
    assert_eq!(app.edit(&editor, &paid, json!({"sponsorship": null})).await.status, 200);
    let mut log = entries(&app, &admin, &format!("&target={}", paid["id"].as_str().unwrap())).await;
    log.reverse();
    assert_eq!(actions(&log), ["article.sponsorship_changed"; 3]);
    let mut marked = acme.clone();
    marked["sponsor_url"] = Value::Null;
    assert_eq!(log[0]["details"], json!({"sponsorship": {"from": null, "to": marked}, "headline": "Saving early"}));
    assert_eq!(log[1]["details"]["sponsorship"]["to"]["label"], "Partner content");
    assert_eq!(log[2]["details"]["sponsorship"]["to"], Value::Null);
    assert_eq!(log[2]["details"]["headline"], "Saving early, wisely");

    // An offer: created, its price changed, a no-op patch (not recorded), deleted.
    let offer = json!({"name": "Trial", "display_text": "Try 3 months for $9", "price_minor": 900, "currency": "USD",
        "duration_months": 3, "trial": true, "eligibility": ["metered_out"], "status": "active"});
    let offer = app.post("/api/v1/offers", Some(&commercial), offer).await.json();
    let path = format!("/api/v1/offers/{}", offer["id"].as_str().unwrap());
    let offer =
        versioned(&app, Method::PATCH, &path, &commercial, &offer["version"], Some(json!({"price_minor": 1200}))).await;
    let offer =
        versioned(&app, Method::PATCH, &path, &commercial, &offer["version"], Some(json!({"price_minor": 1200}))).await;
    versioned(&app, Method::DELETE, &path, &commercial, &offer["version"], None).await;
    let log = entries(&app, &admin, &format!("&target={}", offer["id"].as_str().unwrap())).await;
    assert_eq!(actions(&log), ["offer.deleted", "offer.updated", "offer.created"]);
    assert_eq!(log[1]["details"], json!({"price_minor": {"from": 900, "to": 1200}}));
    assert_eq!(
        (log[2]["details"]["price_minor"].clone(), log[0]["details"]["price_minor"].clone()),
        (json!(900), json!(1200))
    );

    // The paywall: a change is recorded with what changed; the same settings again are not.
    let put = |quota: i64| {
        let admin = admin.clone();
        let app = &app;
        async move {
            let body = json!({"quota": quota, "period": "month", "default_preview_blocks": 2});
            let res = app.send(Method::PUT, "/api/v1/paywall", Some(&admin), Some(body)).await;
            assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        }
    };
    put(3).await;
    put(3).await;
    let log = entries(&app, &admin, "&action=paywall.updated").await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["details"]["quota"], json!({"from": 5, "to": 3}));
    assert_eq!(log[0]["target"], Value::Null);
}

#[actix_web::test]
async fn the_log_exports_as_ndjson_and_cannot_be_changed() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    for n in 0..3 {
        let res =
            app.post("/api/v1/auth/login", None, json!({"email": format!("x{n}@example.org"), "password": "x"})).await;
        assert_eq!(res.status, 401);
    }
    let listed = entries(&app, &admin, "").await;
    let res = app.get("/api/v1/audit-log/export", Some(&admin)).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type").as_deref(), Some("application/x-ndjson"));
    assert_eq!(res.header("cache-control").as_deref(), Some("no-store"));
    let text = String::from_utf8(res.body.to_vec()).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines, listed, "the export holds what the list does, in its order");
    let failed = app.get("/api/v1/audit-log/export?action=login.failed", Some(&admin)).await;
    assert_eq!(String::from_utf8(failed.body.to_vec()).unwrap().lines().count(), 3);

    // Append-only, whoever asks the database.
    let refused = app.try_sql_from_elsewhere("UPDATE audit_log SET action = 'login.succeeded'");
    assert!(refused.as_ref().is_err_and(|e| e.contains("append-only")), "{refused:?}");
    let refused = app.try_sql_from_elsewhere("DELETE FROM audit_log");
    assert!(refused.as_ref().is_err_and(|e| e.contains("append-only")), "{refused:?}");
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log"), lines.len() as i64);
}
