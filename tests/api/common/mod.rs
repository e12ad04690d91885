//! `TestApp`: a real Masthead server on a random loopback port over a fresh database:
//! a SQLite file in a temporary directory, or a new database on the PostgreSQL server
//! named by `MASTHEAD_TEST_POSTGRES_URL`. Dropping it stops the server and removes the
//! database.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::http::Method;
use awc::http::header::HeaderMap;
use diesel::{Connection, RunQueryDsl};
use serde_json::{Value, json};

use masthead::auth::jwt::JwtKeys;
use masthead::clock::Clock;
use masthead::config::Settings;
use masthead::db::{Database, DatabaseUrl};
use masthead::public_cache::PublicCache;
use masthead::service::bootstrap;
use masthead::startup::{self, Shared};
use masthead::state::AppState;
use masthead::storage::StoreLocation;

pub const JWT_SECRET: &str = "test-secret-0123456789abcdef0123456789";
pub const ADMIN_EMAIL: &str = "admin@example.org";
pub const ADMIN_PASSWORD: &str = "admin-password-123";
pub const PASSWORD: &str = "a-long-password-1";

/// A database URL as the command line takes it.
fn cli_url(url: &DatabaseUrl) -> String {
    match url {
        DatabaseUrl::Sqlite(p) => format!("sqlite://{p}"),
        DatabaseUrl::Postgres(u) => u.clone(),
    }
}

/// A fresh database for one test.
pub enum TestDb {
    Sqlite { _dir: tempfile::TempDir, url: DatabaseUrl },
    Postgres { admin_url: String, name: String, url: DatabaseUrl },
}

impl TestDb {
    pub fn create() -> TestDb {
        match std::env::var("MASTHEAD_TEST_POSTGRES_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("masthead_test_{}", uuid::Uuid::now_v7().simple());
                let mut conn =
                    diesel::PgConnection::establish(&admin_url).expect("connect to MASTHEAD_TEST_POSTGRES_URL");
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut conn).expect("create test database");
                let base = admin_url.split('?').next().unwrap_or(&admin_url);
                let base = &base[..base.rfind('/').expect("URL has a database name")];
                let url = DatabaseUrl::Postgres(format!("{base}/{name}"));
                TestDb::Postgres { admin_url, name, url }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = DatabaseUrl::Sqlite(dir.path().join("masthead.db").to_string_lossy().into_owned());
                TestDb::Sqlite { _dir: dir, url }
            }
        }
    }

    pub fn url(&self) -> &DatabaseUrl {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    /// The URL as the command line takes it.
    pub fn cli_url(&self) -> String {
        cli_url(self.url())
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name, .. } = self {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn);
            }
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub clock: Clock,
    pub cache: Arc<PublicCache>,
    handle: Option<actix_web::dev::ServerHandle>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Where this app keeps media: a temporary directory, or a prefix of its own in
    /// the bucket `MASTHEAD_TEST_S3_URL` names.
    pub media_store: StoreLocation,
    // Declared last: dropped after the server has stopped.
    _media: Option<tempfile::TempDir>,
    url: DatabaseUrl,
    /// The database this app created (none for a second instance over another's).
    _db: Option<TestDb>,
}

/// A response, fully read.
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
    }

    /// Asserts an RFC 9457 problem with this status and code.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "body: {}", String::from_utf8_lossy(&self.body));
        assert_eq!(self.header("content-type").as_deref(), Some("application/problem+json"));
        let body = self.json();
        assert_eq!(body["status"], status);
        assert_eq!(body["code"], code, "body: {body}");
        assert_eq!(body["type"], format!("urn:masthead:problem:{code}"));
        assert!(body["title"].is_string() && body["detail"].is_string() && body["errors"].is_array());
        body
    }
}

/// Media for one test app: a prefix of its own in the S3-compatible bucket that
/// `MASTHEAD_TEST_S3_URL` names (with the `AWS_*` variables), else a temporary directory.
fn test_media_store(settings: &mut Settings) -> Option<tempfile::TempDir> {
    match std::env::var("MASTHEAD_TEST_S3_URL").ok().filter(|u| !u.is_empty()) {
        Some(url) => {
            let prefixed = format!("{}/test-{}", url.trim_end_matches('/'), uuid::Uuid::now_v7());
            settings.media.store =
                StoreLocation::parse_s3(&prefixed).expect("MASTHEAD_TEST_S3_URL is s3://bucket[/prefix]");
            None
        }
        None => {
            let dir = tempfile::tempdir().expect("media dir");
            settings.media.store = StoreLocation::Directory(dir.path().to_path_buf());
            Some(dir)
        }
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Spawns with settings adjusted by `adjust`.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        Self::spawn_on(TestDb::create(), adjust).await
    }

    /// Spawns over `db`, which the test may have prepared (an installation made by an
    /// earlier release, say): pending migrations run first, as at a real start.
    pub async fn spawn_on(db: TestDb, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings::for_database(db.url().clone());
        let media = test_media_store(&mut settings);
        adjust(&mut settings);
        let database = Database::connect(db.url(), settings.db_pool_size).expect("connect");
        database.migrate().expect("migrate");
        let clock = Clock::system();
        bootstrap::ensure_first_admin(&database, &clock, Some(ADMIN_EMAIL.into()), Some(ADMIN_PASSWORD.into()))
            .expect("first admin");
        let mut app = Self::serve(settings, clock).await;
        app._media = media;
        app._db = Some(db);
        app
    }

    /// Another instance over this one's database, media store and clock, as a second
    /// server of a deployment would be (with its own settings adjusted by `adjust`).
    pub async fn another_instance(&self, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings::for_database(self.url.clone());
        settings.media.store = self.media_store.clone();
        adjust(&mut settings);
        Self::serve(settings, self.clock.clone()).await
    }

    /// Serves `settings` (tests' defaults applied first) over a database made ready.
    async fn serve(mut settings: Settings, clock: Clock) -> TestApp {
        settings.workers = Some(2);
        settings.access_log = false;
        settings.db_pool_size = Some(6);
        let url = settings.database_url.clone();
        let media_store = settings.media.store.clone();
        let database = Database::connect(&url, settings.db_pool_size).expect("connect");
        let secret = bootstrap::jwt_secret(&database, Some(JWT_SECRET)).expect("secret");
        let jwt = JwtKeys::new(&secret, settings.access_token_ttl_secs);
        let state = AppState::new(database, jwt, settings, clock.clone()).expect("state");
        let cache = state.public_cache.clone();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let shared = Shared::new(state);
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let _ = actix_web::rt::System::new().block_on(async move {
                let server = startup::serve(shared, listener).expect("serve");
                let _ = tx.send(server.handle());
                server.await
            });
        });
        let handle = rx.recv().expect("server started");
        TestApp {
            base,
            clock,
            cache,
            handle: Some(handle),
            thread: Some(thread),
            media_store,
            _media: None,
            url,
            _db: None,
        }
    }

    /// The test database's URL, as the command line takes it.
    pub fn database_url(&self) -> String {
        cli_url(&self.url)
    }

    /// Runs SQL on the test database over a connection of its own, as another instance
    /// (or another program) writing to the same database would.
    pub fn sql_from_elsewhere(&self, sql: &str) {
        self.try_sql_from_elsewhere(sql).expect("SQL from elsewhere");
    }

    /// Like `sql_from_elsewhere`, answering the database's refusal instead of failing.
    pub fn try_sql_from_elsewhere(&self, sql: &str) -> Result<(), String> {
        let mut conn = match &self.url {
            DatabaseUrl::Sqlite(path) => {
                masthead::db::DbConnection::Sqlite(diesel::SqliteConnection::establish(path).expect("open"))
            }
            DatabaseUrl::Postgres(url) => {
                masthead::db::DbConnection::Postgres(diesel::PgConnection::establish(url).expect("connect"))
            }
        };
        let sql = if matches!(conn, masthead::db::DbConnection::Sqlite(_)) {
            format!("PRAGMA busy_timeout = 5000; {sql}")
        } else {
            sql.to_string()
        };
        diesel::connection::SimpleConnection::batch_execute(&mut conn, &sql).map_err(|e| e.to_string())
    }

    /// The number a query of the form `SELECT ... AS n` answers, read over a connection
    /// of its own (for checking how something is stored).
    pub fn count(&self, sql: &str) -> i64 {
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let query = diesel::sql_query(sql);
        let count: Count = match &self.url {
            DatabaseUrl::Sqlite(path) => {
                query.get_result(&mut diesel::SqliteConnection::establish(path).expect("open")).expect("count")
            }
            DatabaseUrl::Postgres(url) => {
                query.get_result(&mut diesel::PgConnection::establish(url).expect("connect")).expect("count")
            }
        };
        count.n
    }

    /// Sends a request; `body` as JSON when given.
    pub async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Resp {
        self.send_with(method, path, token, body, &[]).await
    }

    pub async fn send_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let client = awc::Client::builder().disable_redirects().timeout(std::time::Duration::from_secs(60)).finish();
        let mut req = client.request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            req = req.insert_header(("authorization", format!("Bearer {token}")));
        }
        for (name, value) in headers {
            req = req.insert_header((*name, *value));
        }
        let mut res = match body {
            Some(body) => req.send_json(&body).await,
            None => req.send().await,
        }
        .expect("request");
        let body = res.body().limit(16 * 1024 * 1024).await.expect("body").to_vec();
        Resp { status: res.status().as_u16(), headers: res.headers().clone(), body }
    }

    /// Sends raw bytes with the given content type.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Resp {
        let client = awc::Client::builder().disable_redirects().timeout(std::time::Duration::from_secs(60)).finish();
        let mut req =
            client.request(method, format!("{}{}", self.base, path)).insert_header(("content-type", content_type));
        if let Some(token) = token {
            req = req.insert_header(("authorization", format!("Bearer {token}")));
        }
        let mut res = req.send_body(body).await.expect("request");
        let body = res.body().limit(16 * 1024 * 1024).await.expect("body").to_vec();
        Resp { status: res.status().as_u16(), headers: res.headers().clone(), body }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        self.send(Method::GET, path, token, None).await
    }

    /// An anonymous GET of a path the caller no longer needs (for requests sent at once).
    pub async fn get_owned(&self, path: String) -> Resp {
        self.get(&path, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.send(Method::POST, path, token, Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.send(Method::PATCH, path, token, Some(body)).await
    }

    pub async fn login(&self, email: &str, password: &str) -> Resp {
        self.post("/api/v1/auth/login", None, json!({"email": email, "password": password})).await
    }

    /// Logs in and returns the whole token response.
    pub async fn session(&self, email: &str, password: &str) -> Value {
        let res = self.login(email, password).await;
        assert_eq!(res.status, 200, "login {email}: {}", String::from_utf8_lossy(&res.body));
        res.json()
    }

    pub async fn admin_token(&self) -> String {
        self.session(ADMIN_EMAIL, ADMIN_PASSWORD).await["access_token"].as_str().expect("token").to_string()
    }

    /// Creates a user with `role` (as the first admin) and returns (id, email, access token).
    pub async fn user(&self, role: &str) -> (String, String, String) {
        let admin = self.admin_token().await;
        let email = format!("{role}-{}@example.org", uuid::Uuid::now_v7().simple());
        let res = self
            .post(
                "/api/v1/users",
                Some(&admin),
                json!({"email": email, "role": role, "password": PASSWORD, "display_name": format!("A {role}")}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
        let id = res.json()["id"].as_str().expect("id").to_string();
        let token = self.session(&email, PASSWORD).await["access_token"].as_str().expect("token").to_string();
        (id, email, token)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            // stop() sends its command at once; the server thread finishes on its own.
            drop(handle.stop(false));
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Fixtures for newsroom content.
impl TestApp {
    /// Creates a section and returns its id.
    pub async fn section(&self, token: &str, body: Value) -> String {
        let res = self.post("/api/v1/sections", Some(token), body).await;
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
        res.json()["id"].as_str().unwrap().to_string()
    }

    /// Creates a draft article from `body` (headline and section_id at least).
    pub async fn article(&self, token: &str, body: Value) -> Value {
        let res = self.post("/api/v1/articles", Some(token), body).await;
        assert_eq!(res.status, 201, "{}", String::from_utf8_lossy(&res.body));
        res.json()
    }

    /// Runs a workflow action with the article's current version as If-Match.
    pub async fn action(&self, token: &str, article: &Value, action: &str, body: Option<Value>) -> Resp {
        let etag = format!("\"{}\"", article["version"]);
        self.send_with(
            Method::POST,
            &format!("/api/v1/articles/{}/{action}", article["id"].as_str().unwrap()),
            Some(token),
            body,
            &[("if-match", etag.as_str())],
        )
        .await
    }

    /// Creates and publishes an article; returns it as published.
    pub async fn published(&self, token: &str, body: Value) -> Value {
        let draft = self.article(token, body).await;
        let res = self.action(token, &draft, "publish", None).await;
        assert_eq!(res.status, 200, "{}", String::from_utf8_lossy(&res.body));
        res.json()
    }

    /// PATCHes an article with its current version as If-Match.
    pub async fn edit(&self, token: &str, article: &Value, body: Value) -> Resp {
        let etag = format!("\"{}\"", article["version"]);
        self.send_with(
            Method::PATCH,
            &format!("/api/v1/articles/{}", article["id"].as_str().unwrap()),
            Some(token),
            Some(body),
            &[("if-match", etag.as_str())],
        )
        .await
    }
}

/// The slugs of a list's items, in order.
pub fn slugs(v: &Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|a| a["slug"].as_str().unwrap().to_string()).collect()
}

/// A new reader id, as a reader's browser would send in `X-Reader-Id`.
pub fn reader() -> String {
    uuid::Uuid::now_v7().to_string()
}
