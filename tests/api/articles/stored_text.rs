//! How an article's text is stored: once. The search index keeps no copy of it, the
//! plain text is not a column, and the newest revision is the article itself; search,
//! revisions and their restore answer exactly as when everything was kept whole, and a
//! database written before that change keeps its text, search and revisions.

use actix_web::http::Method;
use serde_json::{Value, json};

use super::id;
use crate::common::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, TestDb, slugs};
use masthead::db::DatabaseUrl;

/// The content fields of an article answer: what a revision of it keeps.
fn with_no_sponsorship(mut content: Value) -> Value {
    content["sponsorship"] = Value::Null;
    content
}

fn content_of(article: &Value) -> Value {
    let keys = [
        "slug",
        "headline",
        "standfirst",
        "dateline",
        "kicker",
        "hero_image",
        "body",
        "section_id",
        "author_ids",
        "tags",
        "access",
        "preview_blocks",
        "seo",
        "sponsorship",
    ];
    Value::Object(keys.iter().map(|k| (k.to_string(), article[*k].clone())).collect())
}

fn is_sqlite(app: &TestApp) -> bool {
    app.database_url().starts_with("sqlite://")
}

#[actix_web::test]
async fn every_revision_keeps_its_exact_text_while_only_older_ones_are_stored() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Harbours"})).await;
    let body = json!([
        {"type": "paragraph", "text": "TOKYO — Cranes <em>return</em> to the naïve café's quay 🎉"},
        {"type": "heading", "text": "東京の港", "level": 2},
        {"type": "quote", "text": "We waited «years».", "attribution": "A docker"},
        {"type": "list", "style": "bullet", "items": ["one", "two\u{00a0}spaces"]}
    ]);
    let a = app
        .article(
            &editor,
            json!({"headline": "Cranes return", "standfirst": "A port reopens", "section_id": section,
            "body": body, "tags": ["ports"]}),
        )
        .await;
    let mut saved = vec![content_of(&a)];
    let a = app
        .edit(
            &editor,
            &a,
            json!({"headline": "Cranes are back", "body": [
        {"type": "paragraph", "text": "Only <strong>gulls</strong> now."}]}),
        )
        .await
        .json();
    saved.push(content_of(&a));
    let a = app.edit(&editor, &a, json!({"standfirst": null, "tags": ["ports", "asia"]})).await.json();
    saved.push(content_of(&a));
    // Workflow actions are not saves: the newest revision stays the article's content.
    let a = app.action(&editor, &a, "publish", None).await.json();
    let base = format!("/api/v1/articles/{}/revisions", id(&a));

    let check = |saved: Vec<Value>| {
        let app = &app;
        let base = base.clone();
        let editor = editor.clone();
        async move {
            let list = app.get(&base, Some(&editor)).await.json();
            assert_eq!(list["items"].as_array().unwrap().len(), saved.len());
            for (i, want) in saved.iter().enumerate() {
                let n = i + 1;
                let one = app.get(&format!("{base}/{n}"), Some(&editor)).await.json();
                assert_eq!(&one["content"], want, "revision {n}");
            }
        }
    };
    check(saved.clone()).await;
    // Stored once: the older revisions keep their snapshot, the newest is the article.
    let stored = |null: bool| {
        format!(
            "SELECT count(*) AS n FROM article_revisions WHERE article_id = '{}' AND snapshot IS {}NULL",
            id(&a),
            if null { "" } else { "NOT " }
        )
    };
    assert_eq!(app.count(&stored(false)), 2);
    assert_eq!(app.count(&stored(true)), 1);

    // Restoring the first revision brings its exact text back, as a new save.
    let res = app
        .send_with(
            Method::POST,
            &format!("{base}/1/restore"),
            Some(&editor),
            None,
            &[("if-match", &format!("\"{}\"", a["version"]))],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    let a = res.json();
    assert_eq!(content_of(&a), saved[0]);
    saved.push(saved[0].clone());
    check(saved.clone()).await;
    assert_eq!(app.count(&stored(false)), 3);

    // Restoring the newest revision (the article itself) is a save of the same content.
    let res = app
        .send_with(
            Method::POST,
            &format!("{base}/4/restore"),
            Some(&editor),
            None,
            &[("if-match", &format!("\"{}\"", a["version"]))],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(content_of(&res.json()), saved[0]);
    saved.push(saved[0].clone());
    check(saved).await;
    let public = app.get(&format!("/api/v1/public/articles/{}", a["slug"].as_str().unwrap()), None).await.json();
    assert_eq!(public["body"], a["body"]);
}

#[actix_web::test]
async fn search_follows_every_save_with_an_index_that_keeps_no_text() {
    let app = TestApp::spawn().await;
    let editor = app.user("editor").await.2;
    let section = app.section(&editor, json!({"name": "Wildlife"})).await;
    let a = app
        .published(
            &editor,
            json!({"headline": "Okapi sighted", "section_id": section, "slug": "okapi",
            "body": [{"type": "paragraph", "text": "An aardvark crossed the <em>road</em>."}]}),
        )
        .await;
    let b = app
        .published(
            &editor,
            json!({"headline": "Second story", "section_id": section, "slug": "second",
            "body": [{"type": "paragraph", "text": "Pangolins everywhere."}]}),
        )
        .await;
    let public = |q: &str| {
        let app = &app;
        let q = q.to_string();
        async move { slugs(&app.get(&format!("/api/v1/public/articles?q={q}"), None).await.json()) }
    };
    let editorial = |q: &str| {
        let app = &app;
        let editor = editor.clone();
        let q = q.to_string();
        async move { slugs(&app.get(&format!("/api/v1/articles?q={q}"), Some(&editor)).await.json()) }
    };
    assert_eq!(public("aardvark").await, ["okapi"]);
    assert_eq!(public("road").await, ["okapi"]);
    assert_eq!(editorial("aardvark").await, ["okapi"]);

    // The words an edit removes stop matching; the ones it adds match, stemmed.
    let a = app
        .edit(
            &editor,
            &a,
            json!({"headline": "Giraffe sighted",
            "body": [{"type": "paragraph", "text": "A pangolin crossed the track."}]}),
        )
        .await
        .json();
    assert!(public("aardvark").await.is_empty());
    assert!(editorial("aardvark").await.is_empty());
    assert!(public("okapi").await.is_empty());
    assert_eq!(public("giraffe").await, ["okapi"]);
    assert_eq!(public("pangolin").await, ["second", "okapi"]);
    assert_eq!(editorial("pangolins").await, ["second", "okapi"]);
    // The trash hides an article from search; restoring it brings it back.
    let res = app
        .send_with(
            Method::DELETE,
            &format!("/api/v1/articles/{}", id(&b)),
            Some(&editor),
            None,
            &[("if-match", &format!("\"{}\"", b["version"]))],
        )
        .await;
    assert_eq!(res.status, 204, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(public("pangolin").await, ["okapi"]);
    assert_eq!(editorial("pangolin").await, ["okapi"]);
    let res = app
        .send_with(
            Method::POST,
            &format!("/api/v1/articles/{}/restore", id(&b)),
            Some(&editor),
            None,
            &[("if-match", &format!("\"{}\"", b["version"].as_i64().unwrap() + 1))],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(public("pangolin").await, ["second", "okapi"]);
    // Unpublished, it leaves the public search but not the newsroom's.
    let res = app.action(&editor, &a, "unpublish", None).await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(public("giraffe").await, Vec::<String>::new());
    assert_eq!(editorial("giraffe").await, ["okapi"]);

    // The text is stored once: no plain text beside the body, no copy inside the index.
    assert_eq!(app.count("SELECT count(*) AS n FROM articles WHERE body_text <> ''"), 0);
    if is_sqlite(&app) {
        assert_eq!(app.count("SELECT count(*) AS n FROM sqlite_master WHERE name = 'articles_fts_content'"), 0);
    }
}

/// Applies the migrations of `db`'s backend made before text was stored once.
fn migrate_as_the_release_before(db: &TestDb) {
    use diesel::Connection;
    use diesel::migration::MigrationSource;
    use diesel_migrations::{FileBasedMigrations, MigrationHarness};

    fn run<C, B>(conn: &mut C, dir: &str)
    where
        C: MigrationHarness<B> + Connection<Backend = B>,
        B: diesel::backend::Backend,
        FileBasedMigrations: MigrationSource<B>,
    {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dir);
        let source = FileBasedMigrations::from_path(path).expect("migrations");
        let mut migrations = MigrationSource::<B>::migrations(&source).expect("list migrations");
        let version = |m: &dyn diesel::migration::Migration<B>| -> String {
            m.name().to_string().chars().take_while(|c| *c != '_').filter(char::is_ascii_digit).collect()
        };
        migrations.sort_by_key(|m| version(&**m));
        conn.applied_migrations().expect("migrations table");
        for m in migrations.iter().filter(|m| version(&***m).as_str() < "20261205000018") {
            conn.run_migration(&**m).expect("migration");
        }
    }
    match db.url() {
        DatabaseUrl::Sqlite(path) => run(&mut diesel::SqliteConnection::establish(path).expect("open"), "sqlite"),
        DatabaseUrl::Postgres(url) => run(&mut diesel::PgConnection::establish(url).expect("connect"), "postgres"),
    }
}

fn execute(db: &TestDb, sql: &str) {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    match db.url() {
        DatabaseUrl::Sqlite(path) => {
            diesel::SqliteConnection::establish(path).expect("open").batch_execute(sql).expect("SQL")
        }
        DatabaseUrl::Postgres(url) => {
            diesel::PgConnection::establish(url).expect("connect").batch_execute(sql).expect("SQL")
        }
    }
}

#[actix_web::test]
async fn a_database_from_before_keeps_its_text_search_and_revisions() {
    let db = TestDb::create();
    migrate_as_the_release_before(&db);
    // Rows as the release before wrote them: the plain text in its column (and, on
    // SQLite, in the index's own copy, by its triggers), every revision whole.
    let (admin, author) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
    let (section, article) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
    let hash = masthead::auth::password::hash(ADMIN_PASSWORD).unwrap();
    let first = json!({
        "slug": "cranes", "headline": "Harbour cranes", "standfirst": null, "dateline": "OSAKA", "kicker": null,
        "hero_image": null, "body": [{"type": "paragraph", "text": "The <em>walrus</em> came back."}],
        "section_id": section, "author_ids": [author], "tags": [], "access": "free", "preview_blocks": null,
        "seo": null
    });
    let body = json!([
        {"type": "paragraph", "text": "The <em>walrus</em> came back."},
        {"type": "paragraph", "text": "Cormorants followed."}
    ]);
    let mut second = first.clone();
    second["headline"] = json!("Harbour cranes return");
    second["standfirst"] = json!("A port reopens");
    second["body"] = body.clone();
    second["tags"] = json!(["ports"]);
    let at = "2026-11-01 08:00:00";
    execute(
        &db,
        &format!(
            "INSERT INTO users (id, email, display_name, role, password_hash, created_at, updated_at) VALUES \
           ('{admin}', '{ADMIN_EMAIL}', 'Administrator', 'admin', '{hash}', '{at}', '{at}'), \
           ('{author}', 'author@example.org', 'An Author', 'writer', 'x', '{at}', '{at}');
         INSERT INTO sections (id, slug, name, description, parent_id, position, created_at, updated_at, version) \
           VALUES ('{section}', 'ports', 'Ports', NULL, NULL, 1, '{at}', '{at}', 1);
         INSERT INTO articles (id, slug, headline, standfirst, dateline, kicker, hero_image, body, body_text, \
           section_id, created_by, tags, access, preview_blocks, seo, status, publish_at, first_published_at, \
           created_at, updated_at, trashed_at, trashed_status, version) VALUES ('{article}', 'cranes', \
           'Harbour cranes return', 'A port reopens', 'OSAKA', NULL, NULL, '{body}', \
           'The walrus came back.\nCormorants followed.', '{section}', '{author}', '[\"ports\"]', 'free', NULL, NULL, \
           'published', '{at}', '{at}', '{at}', '{at}', NULL, NULL, 3);
         INSERT INTO article_authors (article_id, user_id, position) VALUES ('{article}', '{author}', 0);
         INSERT INTO article_tags (article_id, tag) VALUES ('{article}', 'ports');
         INSERT INTO article_feed (feed, publish_at, article_id) VALUES ('', '{at}', '{article}'), \
           ('{section}', '{at}', '{article}');
         INSERT INTO article_revisions (article_id, number, article_version, created_at, created_by, note, snapshot) \
           VALUES ('{article}', 1, 1, '{at}', '{author}', 'created', '{first}'), \
           ('{article}', 2, 2, '{at}', '{author}', 'edited', '{second}');"
        ),
    );

    let app = TestApp::spawn_on(db, |_| {}).await;
    let admin = app.admin_token().await;
    let base = format!("/api/v1/articles/{article}/revisions");
    let revision = |n: i64| {
        let app = &app;
        let admin = admin.clone();
        let base = base.clone();
        async move { app.get(&format!("{base}/{n}"), Some(&admin)).await.json()["content"].clone() }
    };
    // Stored before articles could be paid content: read back as the newsroom's own.
    let (first, second) = (with_no_sponsorship(first), with_no_sponsorship(second));
    assert_eq!(revision(1).await, first);
    assert_eq!(revision(2).await, second);
    let search = |q: &str| {
        let app = &app;
        let q = q.to_string();
        async move { slugs(&app.get(&format!("/api/v1/public/articles?q={q}"), None).await.json()) }
    };
    for q in ["walrus", "cormorants", "harbour", "reopens"] {
        assert_eq!(search(q).await, ["cranes"], "{q}");
    }
    let public = app.get("/api/v1/public/articles/cranes", None).await.json();
    assert_eq!(public["body"], body);
    // The users on bylines became authors with the users' ids, slugs from their names.
    let author = app.get(&format!("/api/v1/authors/{author}"), Some(&admin)).await.json();
    assert_eq!(
        (&author["name"], &author["slug"], &author["article_count"]),
        (&json!("An Author"), &json!("an-author"), &json!(1))
    );
    assert_eq!(app.get("/api/v1/public/authors/an-author", None).await.status, 200);
    // The tags already on articles became tag records, with slugs.
    let tags = app.get("/api/v1/tags", Some(&admin)).await.json();
    assert_eq!(tags["items"].as_array().unwrap().len(), 1, "{tags}");
    assert_eq!((&tags["items"][0]["name"], &tags["items"][0]["slug"]), (&json!("ports"), &json!("ports")));
    assert_eq!(tags["items"][0]["article_count"], 1);
    let page = app.get("/api/v1/public/tags/ports", None).await;
    assert_eq!(page.status, 200, "{}", String::from_utf8_lossy(&page.body));
    assert_eq!(slugs(&page.json()["articles"]), ["cranes"]);

    // Saved again, it is indexed and revised as any article is now.
    let current = app.get(&format!("/api/v1/articles/{article}"), Some(&admin)).await.json();
    assert_eq!(content_of(&current), second);
    let edited =
        app.edit(&admin, &current, json!({"body": [{"type": "paragraph", "text": "Only gulls now."}]})).await.json();
    assert!(search("cormorants").await.is_empty());
    assert_eq!(search("gulls").await, ["cranes"]);
    assert_eq!(revision(2).await, second);
    assert_eq!(revision(3).await, content_of(&edited));
    let res = app
        .send_with(
            Method::POST,
            &format!("{base}/1/restore"),
            Some(&admin),
            None,
            &[("if-match", &format!("\"{}\"", edited["version"]))],
        )
        .await;
    assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
    assert_eq!(content_of(&res.json()), first);
    assert_eq!(search("walrus").await, ["cranes"]);
    assert!(search("gulls").await.is_empty());
    assert_eq!(revision(3).await, content_of(&edited));
    if is_sqlite(&app) {
        // Moved to the end of the record, so that lists, which read no body, never
        // reach its overflow pages.
        let last = "SELECT count(*) AS n FROM pragma_table_info('articles') \
                    WHERE name = 'body' AND cid = (SELECT max(cid) FROM pragma_table_info('articles'))";
        assert_eq!(app.count(last), 1, "the body is the last column");
    }
}
