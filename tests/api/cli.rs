//! The binary: defaults that work with no configuration, bad settings as one line and
//! exit code 2, create-user, migrate (and migrations for both backends), seed-demo,
//! openapi.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::TestDb;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_masthead");

pub(crate) fn masthead(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    // Port 0 unless a test sets one: never collide with a server already running.
    cmd.env_clear()
        .current_dir(dir)
        .env("MASTHEAD_LOG", "warn")
        .env("MASTHEAD_BIND", "127.0.0.1:0")
        .stdin(Stdio::null());
    cmd
}

/// Runs to completion; returns (exit code, stdout, stderr).
pub(crate) fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[track_caller]
pub(crate) fn assert_bad_setting(cmd: &mut Command, names: &str) {
    let (code, _, stderr) = run(cmd);
    assert_eq!(code, 2, "stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line expected: {stderr}");
    assert!(lines[0].contains(names), "{names} not named: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn bad_settings_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_bad_setting(masthead(dir.path()).env("MASTHEAD_BIND", "not-an-address"), "MASTHEAD_BIND");
    assert_bad_setting(masthead(dir.path()).args(["serve", "--bind", "127.0.0.1:99999"]), "--bind");
    assert_bad_setting(
        masthead(dir.path()).env("MASTHEAD_DATABASE_URL", "mysql://localhost/x"),
        "MASTHEAD_DATABASE_URL",
    );
    assert_bad_setting(masthead(dir.path()).env("MASTHEAD_DATABASE_URL", "postgres://[bad"), "MASTHEAD_DATABASE_URL");
    assert_bad_setting(
        masthead(dir.path()).args([
            "migrate",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none?connect_timeout=2",
        ]),
        "database",
    );
    assert_bad_setting(masthead(dir.path()).env("MASTHEAD_DATABASE_URL", "sqlite:///no/such/dir/x.db"), "database");
    assert_bad_setting(masthead(dir.path()).env("MASTHEAD_ACCESS_TOKEN_TTL", "soon"), "access-token-ttl");
    assert_bad_setting(masthead(dir.path()).env("MASTHEAD_JWT_SECRET", "short"), "MASTHEAD_JWT_SECRET");
    assert_bad_setting(masthead(dir.path()).env("MASTHEAD_TRUSTED_PROXIES", "proxy.local"), "MASTHEAD_TRUSTED_PROXIES");
    assert_bad_setting(masthead(dir.path()).arg("frobnicate"), "frobnicate");
    // Nothing was created by the failed starts except where the database opened.
    assert!(!dir.path().join("masthead.db").exists() || dir.path().join("masthead.db").is_file());
}

#[test]
fn openapi_prints_the_committed_spec() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(masthead(dir.path()).arg("openapi"));
    assert_eq!(code, 0);
    // The built-in document, byte for byte; `committed_spec` holds it equal to the code's.
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).unwrap();
    assert_eq!(stdout, committed);
    assert_eq!(stdout, masthead::http::openapi_json());
    assert!(!dir.path().join("masthead.db").exists(), "openapi must not touch a database");
}

#[test]
fn migrate_then_create_user_refuses_duplicates_bad_roles_and_bad_passwords() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create();
    let url = db.cli_url();
    let (code, _, stderr) = run(masthead(dir.path()).args(["migrate", "--database-url", &url]));
    assert_eq!(code, 0, "{stderr}");
    let create = |email: &str, role: &str, password: Option<&str>| {
        let mut cmd = masthead(dir.path());
        cmd.args(["create-user", "--email", email, "--role", role, "--display-name", "Kim Park"])
            .env("MASTHEAD_DATABASE_URL", &url);
        if let Some(p) = password {
            cmd.env("MASTHEAD_PASSWORD", p);
        }
        run(&mut cmd)
    };
    let (code, stdout, stderr) = create("Kim@Example.org", "editor", Some("kims-long-password"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("kim@example.org") && stdout.contains("editor"), "{stdout}");
    let (code, _, stderr) = create("kim@example.org", "editor", Some("kims-long-password"));
    assert_eq!(code, 1, "duplicate: {stderr}");
    assert!(stderr.contains("already exists"), "{stderr}");
    let (code, _, stderr) = create("lee@example.org", "owner", Some("kims-long-password"));
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = create("lee@example.org", "writer", Some("short"));
    assert_eq!(code, 2, "{stderr}");
    let (code, _, stderr) = create("lee@example.org", "writer", None);
    assert_eq!(code, 2, "no password and no terminal: {stderr}");
}

/// A free loopback port (released for the child to take).
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) lines: mpsc::Receiver<String>,
}

impl Server {
    pub(crate) fn start(cmd: &mut Command) -> Server {
        let mut child = cmd.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Server { child, lines }
    }

    /// Waits for a stderr line containing `needle`.
    pub(crate) fn wait_for_line(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                if line.contains(needle) {
                    return line;
                }
            }
        }
        panic!("no line with {needle:?}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(crate) async fn wait_healthy(base: &str) {
    let client = awc::Client::default();
    for _ in 0..200 {
        if let Ok(res) = client.get(format!("{base}/healthz")).send().await {
            if res.status() == 200 {
                return;
            }
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server at {base} never became healthy");
}

#[actix_web::test]
async fn serve_with_no_configuration_creates_an_admin_you_can_log_in_as() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    // Only the port is set (the default 8080 may be taken on a shared machine).
    let server = Server::start(masthead(dir.path()).env("MASTHEAD_BIND", format!("127.0.0.1:{port}")));
    let line = server.wait_for_line("Password");
    let password = line.split_whitespace().last().unwrap().to_string();
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&base).await;
    assert!(dir.path().join("masthead.db").is_file(), "default database file");

    let client = awc::Client::default();
    let mut res = client
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": "admin@localhost", "password": password}))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["user"]["role"], "admin");
    drop(server);

    // A restart keeps the generated secret (the token still works) and prints no password.
    let server = Server::start(masthead(dir.path()).env("MASTHEAD_BIND", format!("127.0.0.1:{port}")));
    wait_healthy(&base).await;
    let token = body["access_token"].as_str().unwrap();
    let res = client.get(format!("{base}/api/v1/auth/me")).bearer_auth(token).send().await.unwrap();
    assert_eq!(res.status(), 200, "tokens survive a restart");
    while let Ok(line) = server.lines.try_recv() {
        assert!(!line.contains("Password"), "the password is printed once: {line}");
    }
}

#[actix_web::test]
async fn serve_takes_the_first_admin_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create();
    let url = db.cli_url();
    let port = free_port();
    let server = Server::start(
        masthead(dir.path())
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--database-url", &url])
            .env("MASTHEAD_ADMIN_EMAIL", "chief@example.org")
            .env("MASTHEAD_ADMIN_PASSWORD", "the-chiefs-password")
            .env("MASTHEAD_LOG", "info"),
    );
    server.wait_for_line("listening on");
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&base).await;
    let client = awc::Client::default();
    let res = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": "chief@example.org", "password": "the-chiefs-password"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[actix_web::test]
async fn seed_demo_loads_a_newsroom_once_through_the_same_rules() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create();
    let url = db.cli_url();
    let seed = || {
        run(masthead(dir.path())
            .args(["seed-demo", "--database-url", &url])
            .env("MASTHEAD_ADMIN_EMAIL", "chief@example.org")
            .env("MASTHEAD_ADMIN_PASSWORD", "the-chiefs-password"))
    };
    let (code, stdout, stderr) = seed();
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Seeded 6 sections, 12 articles, 1 poll, 1 sponsored block and 1 offer."), "{stdout}");
    assert!(stdout.contains("mariko.tanaka@demo.masthead.example"), "{stdout}");
    let (code, stdout, _) = seed();
    assert_eq!(code, 0);
    assert!(stdout.contains("already there"), "{stdout}");

    let port = free_port();
    let _server = Server::start(masthead(dir.path()).args([
        "serve",
        "--bind",
        &format!("127.0.0.1:{port}"),
        "--database-url",
        &url,
    ]));
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&base).await;
    let client = awc::Client::default();
    let mut res = client.get(format!("{base}/api/v1/public/articles?limit=100")).send().await.unwrap();
    let page: serde_json::Value = res.json().limit(1 << 20).await.unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 9, "nine published, one in review, one scheduled, one draft");
    assert!(items.iter().any(|a| a["access"]["level"] == "metered"));
    let mut res = client
        .get(format!("{base}/api/v1/public/articles/tokyo-stocks-rally-as-a-weaker-yen-lifts-exporters"))
        .send()
        .await
        .unwrap();
    let article: serde_json::Value = res.json().limit(1 << 20).await.unwrap();
    assert_eq!(article["dateline"], "TOKYO");
    assert!(article["hero_image"]["caption"].is_string() && article["hero_image"]["credit"].is_string());
    assert!(article["body"].as_array().unwrap().iter().any(|b| b["type"] == "heading"));
    let poll = article["body"].as_array().unwrap().iter().find(|b| b["type"] == "poll").cloned().unwrap();
    assert_eq!(poll["poll"]["questions"].as_array().unwrap().len(), 4);
    assert_eq!(poll["poll"]["state"], "open");
    let mut res = client
        .get(format!("{base}/api/v1/public/articles/jakarta-opens-its-first-driverless-metro-line"))
        .send()
        .await
        .unwrap();
    let article: serde_json::Value = res.json().limit(1 << 20).await.unwrap();
    let partner = article["body"].as_array().unwrap().iter().find(|b| b["type"] == "sponsored").cloned().unwrap();
    assert!(partner["sponsored"]["disclosure"].as_str().unwrap().contains("commissioned by Northwind Harbour Studio"));
    let mut res = client.get(format!("{base}/api/v1/public/offers")).send().await.unwrap();
    let offers: serde_json::Value = res.json().limit(1 << 20).await.unwrap();
    assert_eq!(offers["items"][0]["display_text"], "Try 3 months for $9");
    // The first admin exists, from the environment.
    let res = client
        .post(format!("{base}/api/v1/auth/login"))
        .send_json(&json!({"email": "chief@example.org", "password": "the-chiefs-password"}))
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[test]
fn migrations_exist_for_both_backends_with_the_same_names() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |backend: &str| {
        let mut names: Vec<String> = std::fs::read_dir(root.join(backend))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let sqlite = names("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, names("postgres"));
    for name in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                assert!(root.join(backend).join(name).join(file).is_file(), "{backend}/{name}/{file}");
            }
        }
    }
}

#[actix_web::test]
async fn unlock_forgets_a_users_failed_sign_ins() {
    let dir = tempfile::tempdir().unwrap();
    let app = crate::common::TestApp::spawn().await;
    let (_, email, _) = app.user("writer").await;
    for _ in 0..10 {
        app.login(&email, "wrong-password-123").await.assert_problem(401, "invalid_credentials");
    }
    app.login(&email, crate::common::PASSWORD).await.assert_problem(429, "rate_limited");
    let url = app.database_url();
    let (code, stdout, stderr) =
        run(masthead(dir.path()).args(["unlock", &email.to_uppercase()]).env("MASTHEAD_DATABASE_URL", &url));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(&email), "{stdout}");
    assert_eq!(app.login(&email, crate::common::PASSWORD).await.status, 200);
    let (code, _, stderr) =
        run(masthead(dir.path()).args(["unlock", "nobody@example.org"]).env("MASTHEAD_DATABASE_URL", &url));
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// A low soft limit on open files (256 under some service managers) is raised to the
/// hard limit at start, so that a few hundred connections cannot starve the server.
#[actix_web::test]
async fn serve_raises_a_low_open_file_limit() {
    let hard: u64 = {
        let out = Command::new("sh").args(["-c", "ulimit -Hn"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(u64::MAX)
    };
    if hard <= 256 {
        return; // Nothing to raise to on this machine.
    }
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", &format!("ulimit -Sn 256 && exec {BIN} serve")])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir.path())
        .env("MASTHEAD_LOG", "warn")
        .env("MASTHEAD_BIND", format!("127.0.0.1:{port}"));
    let server = Server::start(&mut cmd);
    wait_healthy(&format!("http://127.0.0.1:{port}")).await;
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", server.child.id())).unwrap();
    let line = limits.lines().find(|l| l.starts_with("Max open files")).unwrap();
    let soft: u64 = line.split_whitespace().nth(3).unwrap().parse().unwrap();
    assert!(soft > 256, "{line}");
}
