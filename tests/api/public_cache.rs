//! The public response cache: answers come from it (the hit counter moves), and it
//! never serves an article after a change on the same instance; a change made
//! elsewhere (another instance, another program) shows within the sync interval.

use actix_web::http::Method;
use chrono::{Duration, DurationRound, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::common::TestApp;

async fn newsroom(app: &TestApp) -> (String, String, String) {
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Business", "slug": "business"})).await;
    (editor, section, "/api/v1/public/articles?section=business".to_string())
}

fn slug_path(article: &Value) -> String {
    format!("/api/v1/public/articles/{}", article["slug"].as_str().unwrap())
}

fn id_path(article: &Value) -> String {
    format!("/api/v1/public/articles/{}", article["id"].as_str().unwrap())
}

async fn headlines(app: &TestApp, path: &str) -> Vec<String> {
    let res = app.get(path, None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    res.json()["items"].as_array().unwrap().iter().map(|i| i["headline"].as_str().unwrap().to_string()).collect()
}

/// GETs `path` twice and asserts that the second answer came from the cache, equal
/// to the first (body and ETag).
async fn assert_cached(app: &TestApp, path: &str) -> Value {
    let first = app.get(path, None).await;
    assert_eq!(first.status, 200, "{}", String::from_utf8_lossy(&first.body));
    let hits = app.cache.hits();
    let again = app.get(path, None).await;
    assert_eq!(app.cache.hits(), hits + 1, "{path} is served from the cache");
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("etag"), first.header("etag"));
    assert_eq!(again.header("cache-control"), first.header("cache-control"));
    let etag = first.header("etag").unwrap();
    let not_modified = app.send_with(Method::GET, path, None, None, &[("if-none-match", etag.as_str())]).await;
    assert_eq!(not_modified.status, 304);
    first.json()
}

#[actix_web::test]
async fn unpublish_trash_and_edits_show_at_once_on_the_same_instance() {
    let app = TestApp::spawn().await;
    let (editor, section, front) = newsroom(&app).await;
    let a = app.published(&editor, json!({"headline": "Rates rise", "section_id": section})).await;
    let b = app.published(&editor, json!({"headline": "Yen falls", "section_id": section})).await;
    for path in [slug_path(&a), id_path(&a), slug_path(&b), front.clone()] {
        assert_cached(&app, &path).await;
    }

    let res = app.action(&editor, &a, "unpublish", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(app.get(&slug_path(&a), None).await.status, 404, "unpublished: gone at once");
    assert_eq!(app.get(&id_path(&a), None).await.status, 404);
    assert_eq!(headlines(&app, &front).await, ["Yen falls"]);

    let res = app.edit(&editor, &b, json!({"headline": "Yen falls further"})).await;
    assert_eq!(res.status, 200);
    let b = res.json();
    assert_eq!(app.get(&slug_path(&b), None).await.json()["headline"], "Yen falls further");
    assert_eq!(headlines(&app, &front).await, ["Yen falls further"]);
    assert_cached(&app, &slug_path(&b)).await;

    let etag = format!("\"{}\"", b["version"]);
    let path = format!("/api/v1/articles/{}", b["id"].as_str().unwrap());
    let res = app.send_with(Method::DELETE, &path, Some(&editor), None, &[("if-match", etag.as_str())]).await;
    assert_eq!(res.status, 204);
    assert_eq!(app.get(&slug_path(&b), None).await.status, 404, "trashed: gone at once");
    assert_eq!(app.get(&id_path(&b), None).await.status, 404);
    assert!(headlines(&app, &front).await.is_empty());
}

#[actix_web::test]
async fn an_article_is_kept_once_for_its_slug_and_its_id() {
    let app = TestApp::spawn().await;
    let (editor, section, _) = newsroom(&app).await;
    let a = app.published(&editor, json!({"headline": "Rates rise", "section_id": section})).await;
    let by_slug = app.get(&slug_path(&a), None).await;
    assert_eq!(by_slug.status, 200);
    // The id was never asked for, yet its answer comes from the cache: the same one.
    let hits = app.cache.hits();
    let by_id = app.get(&id_path(&a), None).await;
    assert_eq!(app.cache.hits(), hits + 1, "the id is served from the slug's entry");
    assert_eq!(by_id.body, by_slug.body);
    assert_eq!(by_id.header("etag"), by_slug.header("etag"));
    assert_cached(&app, &id_path(&a)).await;

    // A new slug: the former one answers 301 (never from the entry), the new one and
    // the id answer the new article.
    let res = app.edit(&editor, &a, json!({"slug": "rates-rise-again", "headline": "Rates rise again"})).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let a2 = res.json();
    assert_eq!(app.get(&slug_path(&a), None).await.status, 301, "the former slug moved");
    assert_eq!(app.get(&id_path(&a2), None).await.json()["headline"], "Rates rise again");
    assert_eq!(assert_cached(&app, &slug_path(&a2)).await["headline"], "Rates rise again");
    assert_eq!(app.get(&slug_path(&a), None).await.status, 301, "and still moved, with the new one cached");

    // A slug that is another article's id: that address is the other article's (ids
    // are looked up first), however the first one was reached.
    let b = app.published(&editor, json!({"headline": "Yen falls", "section_id": section})).await;
    let b_id = b["id"].as_str().unwrap();
    let c = app.published(&editor, json!({"headline": "Gold shines", "section_id": section, "slug": b_id})).await;
    assert_eq!(c["slug"], b_id);
    assert_eq!(assert_cached(&app, &id_path(&c)).await["headline"], "Gold shines");
    assert_eq!(app.get(&id_path(&b), None).await.json()["headline"], "Yen falls");
    assert_eq!(assert_cached(&app, &slug_path(&c)).await["headline"], "Yen falls");
}

#[actix_web::test]
async fn bylines_sections_and_the_preview_length_show_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (editor_id, _, editor) = app.user("editor").await;
    let section = app.section(&editor, json!({"name": "Business", "slug": "business"})).await;
    let front = "/api/v1/public/articles?section=business";
    let body: Vec<Value> = (1..=4).map(|n| json!({"type": "paragraph", "text": format!("Paragraph {n}.")})).collect();
    let a = app
        .published(&editor, json!({"headline": "Gated", "section_id": section, "access": "metered", "body": body}))
        .await;
    let path = slug_path(&a);
    assert_cached(&app, &path).await;
    assert_cached(&app, front).await;

    let res = app.patch(&format!("/api/v1/users/{editor_id}"), Some(&admin), json!({"display_name": "Ann Lee"})).await;
    assert_eq!(res.status, 200);
    let article = app.get(&path, None).await.json();
    assert_eq!(article["authors"][0]["display_name"], "Ann Lee", "a renamed author shows at once");
    assert_eq!(app.get(front, None).await.json()["items"][0]["authors"][0]["display_name"], "Ann Lee");

    let res = app
        .send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": 3, "period": "month", "default_preview_blocks": 1})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(app.get(&path, None).await.json()["body"].as_array().unwrap().len(), 1, "the new preview at once");

    let sections = format!("/api/v1/sections/{section}");
    let res = app
        .send_with(Method::PATCH, &sections, Some(&editor), Some(json!({"name": "Money"})), &[("if-match", "\"1\"")])
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(app.get(&path, None).await.json()["section"]["name"], "Money", "a renamed section shows at once");
}

#[actix_web::test]
async fn a_change_made_elsewhere_shows_within_the_sync_interval() {
    let app = TestApp::spawn_with(|s| s.public_cache_sync_ms = 5_000).await;
    let (editor, section, front) = newsroom(&app).await;
    let a = app.published(&editor, json!({"headline": "Rates rise", "section_id": section})).await;
    assert_cached(&app, &slug_path(&a)).await;
    assert_cached(&app, &front).await;
    // As another instance unpublishing it would (the generation's triggers fire there).
    let id = a["id"].as_str().unwrap();
    app.sql_from_elsewhere(&format!(
        "UPDATE articles SET status = 'draft', version = version + 1 WHERE id = '{id}'; \
         DELETE FROM article_feed WHERE article_id = '{id}';"
    ));

    // Within the interval this instance may still answer from its cache...
    app.clock.advance(Duration::milliseconds(4_000));
    let stale = app.get(&slug_path(&a), None).await.status;
    assert!(stale == 200 || stale == 404);
    // ...and past it, never.
    app.clock.advance(Duration::milliseconds(1_001));
    assert_eq!(app.get(&slug_path(&a), None).await.status, 404, "gone once the interval has passed");
    assert_eq!(app.get(&id_path(&a), None).await.status, 404);
    assert!(headlines(&app, &front).await.is_empty());
}

#[actix_web::test]
async fn a_scheduled_article_joins_a_cached_front_when_it_goes_live() {
    let app = TestApp::spawn().await;
    let (editor, section, front) = newsroom(&app).await;
    app.published(&editor, json!({"headline": "Now", "section_id": section})).await;
    let at = (Utc::now() + Duration::minutes(10)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let later = app.article(&editor, json!({"headline": "Later", "section_id": section})).await;
    let res = app.action(&editor, &later, "publish", Some(json!({"publish_at": at}))).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_cached(&app, &front).await;
    assert_eq!(headlines(&app, &front).await, ["Now"]);

    app.clock.advance(Duration::minutes(11));
    assert_eq!(headlines(&app, &front).await, ["Later", "Now"], "live at its time, with no write");
    assert_eq!(app.get(&slug_path(&later), None).await.status, 200);
}

/// A poll (results shown to all, `extra` merged in) by `editor`.
async fn poll(app: &TestApp, editor: &str, extra: Value) -> Value {
    let mut body = json!({"title": "Rates", "questions": [{"prompt": "Up?", "kind": "single_choice",
                          "options": [{"label": "Yes"}, {"label": "No"}]}], "results_visibility": "always"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let res = app.post("/api/v1/polls", Some(editor), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    res.json()
}

/// An active sponsored block (`extra` merged in) by a new commercial user, and that user.
async fn sponsored(app: &TestApp, extra: Value) -> (Value, String) {
    let commercial = app.user("commercial").await.2;
    let mut body = json!({"title": "Partner", "sponsor_name": "Studio", "label": "Sponsored",
                          "disclosure": "Commissioned by Studio.", "placement": "article_inline", "status": "active"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let res = app.post("/api/v1/sponsored", Some(&commercial), body).await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
    (res.json(), commercial)
}

/// An article embedding `poll` and `block` after a paragraph, live.
async fn seeds_page(app: &TestApp, editor: &str, section: &str, poll: &Value, block: &Value, extra: Value) -> Value {
    let mut body = json!({"headline": "Vote", "section_id": section,
        "body": [{"type": "paragraph", "text": "Tell us."}, {"type": "poll", "poll_id": poll["id"]},
                 {"type": "sponsored", "block_id": block["id"]}]});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.published(editor, body).await
}

async fn vote(app: &TestApp, poll: &Value) {
    let question = &poll["questions"][0];
    let res = app
        .send_with(
            Method::POST,
            &format!("/api/v1/public/polls/{}/responses", poll["id"].as_str().unwrap()),
            None,
            Some(json!({"answers": [{"question_id": question["id"], "option_ids": [question["options"][0]["id"]]}]})),
            &[("x-reader-id", &uuid::Uuid::now_v7().to_string())],
        )
        .await;
    assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
}

fn embedded_types(article: &Value) -> Vec<String> {
    article["body"].as_array().unwrap().iter().map(|b| b["type"].as_str().unwrap().to_string()).collect()
}

#[actix_web::test]
async fn an_article_with_a_poll_and_a_sponsored_block_is_served_from_the_cache() {
    let app = TestApp::spawn().await;
    // Frozen, so that the second GET comes before the shown results are a second old.
    app.clock.freeze_at(Utc::now());
    let (editor, section, _) = newsroom(&app).await;
    let poll = poll(&app, &editor, json!({})).await;
    let (block, _) = sponsored(&app, json!({})).await;
    let a = seeds_page(&app, &editor, &section, &poll, &block, json!({"access": "metered", "preview_blocks": 3})).await;
    for path in [slug_path(&a), id_path(&a)] {
        let article = assert_cached(&app, &path).await;
        assert_eq!(embedded_types(&article), ["paragraph", "poll", "sponsored"]);
        assert_eq!(article["access"]["preview"], true);
        assert_eq!(article["body"][1]["poll"]["results"]["total_responses"], 0);
        assert_eq!(article["body"][2]["sponsored"]["label"], "Sponsored");
    }
    let cache = app.get(&slug_path(&a), None).await.header("cache-control").unwrap();
    // The clock stands still: the answer was built this very instant.
    assert_eq!(cache, "public, max-age=1, must-revalidate", "results are never kept past a second");
}

#[actix_web::test]
async fn a_vote_shows_at_once_here_and_within_a_second_through_another_instance() {
    let app = TestApp::spawn().await;
    app.clock.freeze_at(Utc::now());
    let (editor, section, _) = newsroom(&app).await;
    let poll = poll(&app, &editor, json!({})).await;
    let (block, _) = sponsored(&app, json!({})).await;
    let path = slug_path(&seeds_page(&app, &editor, &section, &poll, &block, json!({})).await);
    let total = |article: Value| article["body"][1]["poll"]["results"]["total_responses"].clone();
    assert_eq!(total(assert_cached(&app, &path).await), 0);

    vote(&app, &poll).await;
    let first = app.get(&path, None).await;
    assert_eq!(total(first.json()), 1, "a vote through this instance shows at once");
    assert_eq!(total(assert_cached(&app, &path).await), 1, "and the new answer is cached");

    let other = app.another_instance(|_| {}).await;
    vote(&other, &poll).await;
    let hits = app.cache.hits();
    assert_eq!(total(app.get(&path, None).await.json()), 1, "a vote elsewhere may be a second late...");
    assert_eq!(app.cache.hits(), hits + 1);
    app.clock.advance(Duration::milliseconds(999));
    assert_eq!(total(app.get(&path, None).await.json()), 1);
    app.clock.advance(Duration::milliseconds(1));
    assert_eq!(total(app.get(&path, None).await.json()), 2, "...and never more");
}

#[actix_web::test]
async fn flights_start_and_end_and_polls_open_and_close_to_the_second_in_a_cached_article() {
    let app = TestApp::spawn().await;
    let t0 = Utc::now().duration_trunc(Duration::seconds(1)).unwrap() + Duration::seconds(1);
    app.clock.freeze_at(t0);
    let at = |secs: i64| (t0 + Duration::seconds(secs)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (editor, section, _) = newsroom(&app).await;
    // Results only once closed: nothing else makes the answer age.
    let poll =
        poll(&app, &editor, json!({"opens_at": at(5), "closes_at": at(15), "results_visibility": "after_close"})).await;
    let (block, _) = sponsored(&app, json!({"starts_at": at(10), "ends_at": at(20)})).await;
    let path = slug_path(&seeds_page(&app, &editor, &section, &poll, &block, json!({})).await);
    let state = |article: &Value| article["body"][1]["poll"]["state"].as_str().unwrap().to_string();

    let article = assert_cached(&app, &path).await;
    assert_eq!(
        (embedded_types(&article), state(&article)),
        (vec!["paragraph".into(), "poll".into()], "upcoming".into())
    );
    let cache = app.get(&path, None).await.header("cache-control").unwrap();
    assert_eq!(cache, "public, max-age=5, must-revalidate", "HTTP caches keep it until the poll opens");

    // (seconds after t0, what the body embeds from then, the poll's state, whether results show)
    let steps: [(i64, &[&str], &str, bool); 4] = [
        (5, &["paragraph", "poll"], "open", false),
        (10, &["paragraph", "poll", "sponsored"], "open", false),
        (15, &["paragraph", "poll", "sponsored"], "closed", true),
        (20, &["paragraph", "poll"], "closed", true),
    ];
    let mut was: (&[&str], &str, bool) = (&["paragraph", "poll"], "upcoming", false);
    for (secs, types, poll_state, results) in steps {
        let check = |article: &Value, (types, poll_state, results): (&[&str], &str, bool), when: &str| {
            assert_eq!(embedded_types(article), types, "{when}");
            assert_eq!(state(article), poll_state, "{when}");
            assert_eq!(article["body"][1]["poll"]["results"].is_object(), results, "{when}");
        };
        // A cached answer a millisecond before the change...
        app.clock.freeze_at(t0 + Duration::seconds(secs) - Duration::milliseconds(1));
        check(&assert_cached(&app, &path).await, was, &format!("just before {secs} s"));
        // ...is not served at the change.
        app.clock.freeze_at(t0 + Duration::seconds(secs));
        check(&app.get(&path, None).await.json(), (types, poll_state, results), &format!("at {secs} s"));
        was = (types, poll_state, results);
    }
}

#[actix_web::test]
async fn changes_to_an_embedded_poll_or_sponsored_block_show_at_once() {
    let app = TestApp::spawn().await;
    let (editor, section, _) = newsroom(&app).await;
    let poll = poll(&app, &editor, json!({"results_visibility": "never"})).await;
    let (block, commercial) = sponsored(&app, json!({})).await;
    let path = slug_path(&seeds_page(&app, &editor, &section, &poll, &block, json!({})).await);
    assert_cached(&app, &path).await;

    let poll_path = format!("/api/v1/polls/{}", poll["id"].as_str().unwrap());
    let res = app
        .send_with(
            Method::PATCH,
            &poll_path,
            Some(&editor),
            Some(json!({"title": "Rates, again"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(app.get(&path, None).await.json()["body"][1]["poll"]["title"], "Rates, again");
    assert_cached(&app, &path).await;

    let block_path = format!("/api/v1/sponsored/{}", block["id"].as_str().unwrap());
    let res = app
        .send_with(
            Method::PATCH,
            &block_path,
            Some(&commercial),
            Some(json!({"label": "Partner content"})),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(app.get(&path, None).await.json()["body"][2]["sponsored"]["label"], "Partner content");
    assert_cached(&app, &path).await;
    let res = app
        .send_with(
            Method::PATCH,
            &block_path,
            Some(&commercial),
            Some(json!({"status": "paused"})),
            &[("if-match", "\"2\"")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(
        embedded_types(&app.get(&path, None).await.json()),
        ["paragraph", "poll"],
        "a paused block is gone at once"
    );
}

#[actix_web::test]
async fn a_zero_sized_cache_is_off() {
    let app = TestApp::spawn_with(|s| s.public_cache_bytes = 0).await;
    let (editor, section, front) = newsroom(&app).await;
    let a = app.published(&editor, json!({"headline": "Rates rise", "section_id": section})).await;
    for _ in 0..2 {
        assert_eq!(app.get(&slug_path(&a), None).await.status, 200);
        assert_eq!(headlines(&app, &front).await, ["Rates rise"]);
    }
    assert_eq!(app.cache.hits(), 0);
}

#[actix_web::test]
async fn saves_and_paywall_changes_at_once_never_deadlock_on_the_generation() {
    // A paywall change rewrites the search text of every gated article that follows
    // the site's preview, while editors save those articles: both move the public
    // generation. On PostgreSQL the counter's lock must not close a cycle with the
    // articles' row locks (it is taken at commit); no request may fail.
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let (editor, section, _) = newsroom(&app).await;
    let body: Vec<Value> = (1..=3).map(|n| json!({"type": "paragraph", "text": format!("Paragraph {n}.")})).collect();
    let mut articles = Vec::new();
    for n in 0..6 {
        let a = app
            .published(
                &editor,
                json!({"headline": format!("Gated {n}"), "section_id": section, "access": "metered", "body": body}),
            )
            .await;
        articles.push(a);
    }
    for round in 0..8 {
        let paywall = app.send(
            Method::PUT,
            "/api/v1/paywall",
            Some(&admin),
            Some(json!({"quota": 3, "period": "month", "default_preview_blocks": 1 + round % 2})),
        );
        let saves = articles.iter().map(|a| app.edit(&editor, a, json!({"standfirst": format!("Round {round}.")})));
        let (paywall, saved) = futures_util::future::join(paywall, futures_util::future::join_all(saves)).await;
        assert_eq!(paywall.status, 200, "{}", String::from_utf8_lossy(&paywall.body));
        for (a, res) in articles.iter_mut().zip(saved) {
            assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
            *a = res.json();
        }
    }
    let res = app.get(&slug_path(&articles[0]), None).await.json();
    assert_eq!(res["standfirst"], "Round 7.");
}

/// A freshly migrated database of the backend under test, over a connection of its own.
fn migrated_database() -> (crate::common::TestDb, masthead::db::DbConnection) {
    use diesel::Connection;
    use masthead::db::{Database, DatabaseUrl, DbConnection};
    let db = crate::common::TestDb::create();
    Database::connect(db.url(), Some(1)).unwrap().migrate().unwrap();
    let conn = match db.url() {
        DatabaseUrl::Sqlite(path) => DbConnection::Sqlite(diesel::SqliteConnection::establish(path).unwrap()),
        DatabaseUrl::Postgres(url) => DbConnection::Postgres(diesel::PgConnection::establish(url).unwrap()),
    };
    (db, conn)
}

#[derive(diesel::QueryableByName)]
struct TriggerRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    table_name: String,
    /// INSERT, UPDATE or DELETE (PostgreSQL); empty on SQLite, where `action` tells.
    #[diesel(sql_type = diesel::sql_types::Text)]
    event: String,
    /// What the trigger runs (PostgreSQL), or its whole statement (SQLite).
    #[diesel(sql_type = diesel::sql_types::Text)]
    action: String,
}

#[derive(diesel::QueryableByName)]
struct TableRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// The live schema: its tables (not SQLite's own, nor the shadow tables of its search
/// index), and each (table, event) with a trigger that moves the public generation.
fn live_schema(
    conn: &mut masthead::db::DbConnection,
) -> (std::collections::BTreeSet<String>, std::collections::BTreeSet<(String, String)>) {
    use diesel::RunQueryDsl;
    use masthead::db::DbConnection;
    let (tables, triggers): (Vec<TableRow>, Vec<TriggerRow>) = match conn {
        DbConnection::Sqlite(c) => (
            diesel::sql_query(
                "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') \
                 AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            )
            .load(c)
            .unwrap(),
            diesel::sql_query(
                "SELECT tbl_name AS table_name, '' AS event, sql AS action FROM sqlite_master WHERE type = 'trigger'",
            )
            .load(c)
            .unwrap(),
        ),
        DbConnection::Postgres(c) => (
            diesel::sql_query(
                "SELECT table_name::text AS name FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            )
            .load(c)
            .unwrap(),
            diesel::sql_query(
                "SELECT event_object_table::text AS table_name, event_manipulation::text AS event, \
                 action_statement::text AS action FROM information_schema.triggers WHERE trigger_schema = 'public'",
            )
            .load(c)
            .unwrap(),
        ),
    };
    let moving = triggers
        .into_iter()
        .filter_map(|t| {
            let action = t.action.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            let moves = action.contains("bump_public_generation()")
                || action.contains("update public_generation set generation = generation + 1");
            let event = if t.event.is_empty() {
                ["insert", "update", "delete"]
                    .into_iter()
                    .find(|e| action.contains(&format!(" after {e} ")))?
                    .to_string()
            } else {
                t.event.to_lowercase()
            };
            moves.then_some((t.table_name, event))
        })
        .collect();
    (tables.into_iter().map(|t| t.name).collect(), moving)
}

/// Every table public answers are built from has triggers that move the generation on
/// INSERT, UPDATE and DELETE; every other table is declared never public, with a
/// reason, so that a new table cannot be left out of the decision.
#[test]
fn every_public_source_table_has_generation_triggers_and_every_table_is_declared() {
    use masthead::db::public_generation::{NEVER_PUBLIC_TABLES, PUBLIC_SOURCE_TABLES};
    let (_db, mut conn) = migrated_database();
    let (tables, moving) = live_schema(&mut conn);
    let mut missing = Vec::new();
    for source in PUBLIC_SOURCE_TABLES {
        assert!(tables.contains(source.table), "{} is declared public but is no table", source.table);
        for event in ["insert", "update", "delete"] {
            if !moving.contains(&(source.table.to_string(), event.to_string())) {
                missing.push(format!("{event} on {}", source.table));
            }
        }
    }
    assert!(missing.is_empty(), "no trigger moves the public generation on: {}", missing.join(", "));

    let public: Vec<&str> = PUBLIC_SOURCE_TABLES.iter().map(|s| s.table).collect();
    let never: Vec<&str> = NEVER_PUBLIC_TABLES.iter().map(|(table, _)| *table).collect();
    assert!(public.iter().all(|t| !never.contains(t)), "a table is declared both public and never public");
    let undeclared: Vec<&String> =
        tables.iter().filter(|t| !public.contains(&t.as_str()) && !never.contains(&t.as_str())).collect();
    assert!(
        undeclared.is_empty(),
        "declare each of these in PUBLIC_SOURCE_TABLES (with generation triggers) or NEVER_PUBLIC_TABLES \
         (src/db/public_generation.rs): {undeclared:?}"
    );
    let moved_elsewhere: Vec<&(String, String)> =
        moving.iter().filter(|(t, _)| !public.contains(&t.as_str())).collect();
    assert!(moved_elsewhere.is_empty(), "generation triggers on tables not declared public: {moved_elsewhere:?}");
}

/// Each write to each public-source table, whoever makes it (here plain SQL, as another
/// program would), moves the generation; for `users`, only a change of the declared
/// column does (so that sign-ins do not empty every instance's cache).
#[test]
fn every_write_to_a_public_source_table_moves_the_generation() {
    use diesel::connection::SimpleConnection;
    use masthead::db::public_generation::{self, PUBLIC_SOURCE_TABLES};
    const T: &str = "'2026-01-01 00:00:00'";
    let writes: Vec<(&str, String)> = vec![
        (
            "users",
            format!(
                "INSERT INTO users (id, email, display_name, role, active, password_hash, token_generation, \
                 created_at, updated_at) VALUES ('u1', 'u1@example.org', 'Ann', 'writer', TRUE, 'x', 0, {T}, {T})"
            ),
        ),
        (
            "sections",
            format!(
                "INSERT INTO sections (id, slug, name, position, created_at, updated_at) VALUES ('s1', 's1', 'S', 0, {T}, {T})"
            ),
        ),
        (
            "articles",
            format!(
                "INSERT INTO articles (id, slug, headline, body, body_text, section_id, created_by, tags, access, \
                 status, created_at, updated_at) VALUES ('a1', 'a1', 'H', '[]', '', 's1', 'u1', '[]', 'free', \
                 'draft', {T}, {T})"
            ),
        ),
        (
            "authors",
            format!(
                "INSERT INTO authors (id, slug, name, user_id, created_at, updated_at, version) \
                 VALUES ('u1', 'ann', 'Ann', 'u1', {T}, {T}, 1)"
            ),
        ),
        (
            "article_authors",
            "INSERT INTO article_authors (article_id, author_id, position) VALUES ('a1', 'u1', 0)".into(),
        ),
        ("article_tags", "INSERT INTO article_tags (article_id, tag) VALUES ('a1', 't')".into()),
        (
            "tags",
            format!(
                "INSERT INTO tags (id, slug, name, key, created_at, updated_at, version) \
                 VALUES ('t1', 't', 't', 't', {T}, {T}, 1)"
            ),
        ),
        (
            "article_corrections",
            format!(
                "INSERT INTO article_corrections (id, article_id, kind, text, corrected_at, created_by, created_at, \
                 updated_at, version) VALUES ('c1', 'a1', 'correction', 'Fixed.', {T}, 'u1', {T}, {T}, 1)"
            ),
        ),
        (
            "site_settings",
            format!(
                "INSERT INTO site_settings (id, name, base_url, publisher_name, language, time_zone, article_path, \
                 updated_at, version) VALUES (1, 'S', 'https://s.example', 'P', 'en', 'UTC', '/{{slug}}', {T}, 1)"
            ),
        ),
        ("article_feed", format!("INSERT INTO article_feed (feed, publish_at, article_id) VALUES ('', {T}, 'a1')")),
        (
            "paywall_settings",
            format!(
                "INSERT INTO paywall_settings (id, quota, period, default_preview_blocks, messages, updated_at) \
                 VALUES (1, 3, 'month', 2, '{{}}', {T})"
            ),
        ),
        (
            "media_assets",
            format!(
                "INSERT INTO media_assets (id, sha256, file_name, media_type, bytes, width, height, focal_x, focal_y, \
                 uploaded_by, created_at, updated_at, version) VALUES ('m1', 'h', 'a.jpg', 'jpeg', 1, 1, 1, 500, 500, \
                 'u1', {T}, {T}, 1)"
            ),
        ),
        (
            "polls",
            format!(
                "INSERT INTO polls (id, title, results_visibility, created_at, updated_at, version) \
                 VALUES ('p1', 'P', 'always', {T}, {T}, 1)"
            ),
        ),
        (
            "poll_questions",
            "INSERT INTO poll_questions (id, poll_id, position, prompt, kind, required) \
             VALUES ('q1', 'p1', 0, 'Q?', 'single_choice', TRUE)"
                .into(),
        ),
        (
            "poll_options",
            "INSERT INTO poll_options (id, question_id, position, label) VALUES ('o1', 'q1', 0, 'Yes')".into(),
        ),
        (
            "sponsored_blocks",
            format!(
                "INSERT INTO sponsored_blocks (id, title, sponsor_name, label, disclosure, body, placement, status, \
                 created_at, updated_at, version) VALUES ('b1', 'B', 'S', 'Sponsored', 'Paid for by S.', '[]', \
                 'article_inline', 'active', {T}, {T}, 1)"
            ),
        ),
        ("polls", "UPDATE polls SET title = 'P2' WHERE id = 'p1'".into()),
        ("poll_questions", "UPDATE poll_questions SET prompt = 'Q2?' WHERE id = 'q1'".into()),
        ("poll_options", "UPDATE poll_options SET label = 'No' WHERE id = 'o1'".into()),
        ("sponsored_blocks", format!("UPDATE sponsored_blocks SET ends_at = {T} WHERE id = 'b1'")),
        ("poll_options", "DELETE FROM poll_options WHERE id = 'o1'".into()),
        ("poll_questions", "DELETE FROM poll_questions WHERE id = 'q1'".into()),
        ("polls", "DELETE FROM polls WHERE id = 'p1'".into()),
        ("sponsored_blocks", "DELETE FROM sponsored_blocks WHERE id = 'b1'".into()),
        ("media_assets", "UPDATE media_assets SET alt = 'A' WHERE id = 'm1'".into()),
        ("media_assets", "DELETE FROM media_assets WHERE id = 'm1'".into()),
        ("users", "UPDATE users SET display_name = 'Ann B' WHERE id = 'u1'".into()),
        ("sections", "UPDATE sections SET name = 'S2' WHERE id = 's1'".into()),
        ("articles", "UPDATE articles SET headline = 'H2' WHERE id = 'a1'".into()),
        ("article_authors", "UPDATE article_authors SET position = 1 WHERE article_id = 'a1'".into()),
        ("article_tags", "UPDATE article_tags SET tag = 't2' WHERE article_id = 'a1'".into()),
        ("tags", "UPDATE tags SET description = 'D' WHERE id = 't1'".into()),
        ("tags", "DELETE FROM tags WHERE id = 't1'".into()),
        ("article_feed", "UPDATE article_feed SET feed = 's1' WHERE article_id = 'a1'".into()),
        ("paywall_settings", "UPDATE paywall_settings SET quota = 4 WHERE id = 1".into()),
        ("article_corrections", "UPDATE article_corrections SET text = 'Fixed again.' WHERE id = 'c1'".into()),
        ("site_settings", "UPDATE site_settings SET name = 'S2' WHERE id = 1".into()),
        ("article_corrections", "DELETE FROM article_corrections WHERE id = 'c1'".into()),
        ("site_settings", "DELETE FROM site_settings WHERE id = 1".into()),
        ("article_feed", "DELETE FROM article_feed WHERE article_id = 'a1'".into()),
        ("article_tags", "DELETE FROM article_tags WHERE article_id = 'a1'".into()),
        ("article_authors", "DELETE FROM article_authors WHERE article_id = 'a1'".into()),
        ("authors", "UPDATE authors SET job_title = 'Reporter' WHERE id = 'u1'".into()),
        ("authors", "DELETE FROM authors WHERE id = 'u1'".into()),
        ("articles", "DELETE FROM articles WHERE id = 'a1'".into()),
        ("sections", "DELETE FROM sections WHERE id = 's1'".into()),
        ("paywall_settings", "DELETE FROM paywall_settings WHERE id = 1".into()),
        ("users", "DELETE FROM users WHERE id = 'u1'".into()),
    ];
    let (_db, mut conn) = migrated_database();
    // Not in the sign-in's way: only the declared column of `users` matters.
    conn.batch_execute(&format!(
        "INSERT INTO users (id, email, display_name, role, active, password_hash, token_generation, created_at, \
         updated_at) VALUES ('u0', 'u0@example.org', 'Bo', 'writer', TRUE, 'x', 0, {T}, {T})"
    ))
    .unwrap();
    let before = public_generation::current(&mut conn).unwrap();
    conn.batch_execute("UPDATE users SET token_generation = 1, password_hash = 'y' WHERE id = 'u0'").unwrap();
    assert_eq!(public_generation::current(&mut conn).unwrap(), before, "a user's other columns are not public");

    let mut exercised = std::collections::BTreeSet::new();
    for (table, sql) in &writes {
        let before = public_generation::current(&mut conn).unwrap();
        conn.batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        assert!(public_generation::current(&mut conn).unwrap() > before, "the generation did not move: {sql}");
        exercised.insert((*table, sql.split_whitespace().next().unwrap().to_lowercase()));
    }
    for source in PUBLIC_SOURCE_TABLES {
        for event in ["insert", "update", "delete"] {
            assert!(
                exercised.contains(&(source.table, event.to_string())),
                "no {event} on {} exercised here",
                source.table
            );
        }
        if let Some(column) = source.only_column {
            assert!(writes.iter().any(|(t, sql)| *t == source.table && sql.contains(&format!("SET {column} "))));
        }
    }
}

/// Readers' own traffic (sign-ins, token refreshes, sign-outs, metered reads, votes,
/// sponsored impressions and clicks) writes through `tally_tx`, which does not make
/// the instance read the generation again: none of it may write what public answers
/// are built from. With a sync interval of zero the generation is read before every
/// answer, so a cached answer still served afterwards proves it did not move.
#[actix_web::test]
async fn readers_tallies_never_move_the_generation() {
    let app = TestApp::spawn_with(|s| s.public_cache_sync_ms = 0).await;
    let (editor, section, _) = newsroom(&app).await;
    let (_, _, commercial) = app.user("commercial").await;
    let free = app.published(&editor, json!({"headline": "Free", "section_id": section})).await;
    let metered =
        app.published(&editor, json!({"headline": "Metered", "section_id": section, "access": "metered"})).await;
    let poll = app
        .post(
            "/api/v1/polls",
            Some(&editor),
            json!({"title": "Rates", "questions": [{"prompt": "Up?", "kind": "single_choice",
                   "options": [{"label": "Yes"}, {"label": "No"}]}]}),
        )
        .await
        .json();
    let block = app
        .post(
            "/api/v1/sponsored",
            Some(&commercial),
            json!({"title": "Partner", "sponsor_name": "Studio", "label": "Sponsored",
                   "disclosure": "Commissioned by Studio.", "placement": "article_inline", "status": "active"}),
        )
        .await;
    assert_eq!(block.status, 201, "{}", String::from_utf8_lossy(&block.body));
    let block = block.json()["id"].as_str().unwrap().to_string();
    let path = slug_path(&free);
    assert_cached(&app, &path).await;

    let reader = uuid::Uuid::now_v7().to_string();
    assert_eq!(app.login(crate::common::ADMIN_EMAIL, "wrong password").await.status, 401);
    let session = app.session(crate::common::ADMIN_EMAIL, crate::common::ADMIN_PASSWORD).await;
    let refreshed = app.post("/api/v1/auth/refresh", None, json!({"refresh_token": session["refresh_token"]})).await;
    assert_eq!(refreshed.status, 200, "{}", String::from_utf8_lossy(&refreshed.body));
    let out = app.post("/api/v1/auth/logout", None, json!({"refresh_token": refreshed.json()["refresh_token"]})).await;
    assert_eq!(out.status, 204, "{}", String::from_utf8_lossy(&out.body));
    let access = format!("/api/v1/public/articles/{}/access", metered["slug"].as_str().unwrap());
    let read = app.send_with(Method::POST, &access, None, None, &[("x-reader-id", &reader)]).await;
    assert_eq!(read.status, 200, "{}", String::from_utf8_lossy(&read.body));
    let vote = app
        .send_with(
            Method::POST,
            &format!("/api/v1/public/polls/{}/responses", poll["id"].as_str().unwrap()),
            None,
            Some(json!({"answers": [{"question_id": poll["questions"][0]["id"],
                                     "option_ids": [poll["questions"][0]["options"][0]["id"]]}]})),
            &[("x-reader-id", &reader)],
        )
        .await;
    assert_eq!(vote.status, 201, "{}", String::from_utf8_lossy(&vote.body));
    for event in ["impressions", "clicks"] {
        let res = app.send(Method::POST, &format!("/api/v1/public/sponsored/{block}/{event}"), None, None).await;
        assert_eq!(res.status, 204, "{}", String::from_utf8_lossy(&res.body));
    }

    let hits = app.cache.hits();
    assert_eq!(app.get(&path, None).await.status, 200);
    assert_eq!(app.cache.hits(), hits + 1, "still served from the cache: the generation did not move");
}
