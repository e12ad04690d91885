//! Running Masthead: logs fit for a pipe (no colours, JSON on request), Prometheus
//! metrics on their own listener, `backup`, `reset-password`, and the systemd unit in
//! docs/.

use std::collections::HashMap;
use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::cli::{BIN, Server, assert_bad_setting, free_port, masthead, run, wait_healthy};
use crate::common::TestDb;

const ADMIN: &str = "chief@example.org";
const ADMIN_PASSWORD: &str = "the-chiefs-password";

fn url_of(db: &TestDb) -> String {
    db.cli_url()
}

/// `masthead serve` on a free port over `url`, with the first admin from the environment;
/// `adjust` adds to the command. Returns the server and its base URL, once healthy.
async fn serve(dir: &std::path::Path, url: &str, adjust: impl FnOnce(&mut std::process::Command)) -> (Server, String) {
    let port = free_port();
    let mut cmd = masthead(dir);
    cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--database-url", url])
        .env("MASTHEAD_ADMIN_EMAIL", ADMIN)
        .env("MASTHEAD_ADMIN_PASSWORD", ADMIN_PASSWORD);
    adjust(&mut cmd);
    let server = Server::start(&mut cmd);
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&base).await;
    (server, base)
}

/// Sends a request; returns the status and the body as JSON (Null when it is not).
async fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<Value>,
    if_match: Option<&str>,
) -> (u16, Value) {
    let client = awc::Client::builder().timeout(Duration::from_secs(60)).finish();
    let mut req = client.request(method.parse().unwrap(), url);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    if let Some(tag) = if_match {
        req = req.insert_header(("if-match", tag));
    }
    let mut res = match body {
        Some(body) => req.send_json(&body).await,
        None => req.send().await,
    }
    .unwrap();
    let bytes = res.body().limit(1 << 22).await.unwrap();
    (res.status().as_u16(), serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

async fn login(base: &str, email: &str, password: &str) -> (u16, Value) {
    call("POST", &format!("{base}/api/v1/auth/login"), None, Some(json!({"email": email, "password": password})), None)
        .await
}

async fn admin_token(base: &str) -> String {
    let (status, body) = login(base, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(status, 200, "{body}");
    body["access_token"].as_str().unwrap().to_string()
}

/// Publishes an article with this headline; returns its slug.
async fn publish(base: &str, token: &str, headline: &str) -> String {
    let api = format!("{base}/api/v1");
    let (status, section) =
        call("POST", &format!("{api}/sections"), Some(token), Some(json!({"name": format!("Desk {headline}")})), None)
            .await;
    assert_eq!(status, 201, "{section}");
    let (status, article) = call(
        "POST",
        &format!("{api}/articles"),
        Some(token),
        Some(json!({"headline": headline, "section_id": section["id"],
                    "body": [{"type": "paragraph", "text": "Kept in the copy."}]})),
        None,
    )
    .await;
    assert_eq!(status, 201, "{article}");
    let id = article["id"].as_str().unwrap();
    let (status, published) =
        call("POST", &format!("{api}/articles/{id}/publish"), Some(token), None, Some("\"1\"")).await;
    assert_eq!(status, 200, "{published}");
    published["slug"].as_str().unwrap().to_string()
}

impl Server {
    /// Every stderr line until one contains `needle` (that one included).
    fn lines_until(&self, needle: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(200)) {
                let done = line.contains(needle);
                seen.push(line);
                if done {
                    return seen;
                }
            }
        }
        panic!("no line with {needle:?} in {seen:#?}");
    }
}

#[actix_web::test]
async fn logs_to_a_pipe_have_no_colours_and_json_lines_parse() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create();
    let url = url_of(&db);

    // Text, the default: standard error is a pipe here, so no ANSI escapes.
    let (server, base) = serve(dir.path(), &url, |c| {
        c.env("MASTHEAD_LOG", "info");
    })
    .await;
    call("GET", &format!("{base}/api/v1/public/articles/log-probe"), None, None, None).await;
    let lines = server.lines_until("log-probe");
    assert!(lines.iter().any(|l| l.contains("INFO") && l.contains("request")), "{lines:#?}");
    for line in &lines {
        assert!(!line.contains('\x1b'), "an escape sequence in a piped log line: {line:?}");
    }
    drop(server);

    // JSON: every line is an object with the level, the message and the fields.
    let (server, base) = serve(dir.path(), &url, |c| {
        c.env("MASTHEAD_LOG", "info").env("MASTHEAD_LOG_FORMAT", "json");
    })
    .await;
    call("GET", &format!("{base}/healthz"), None, None, None).await;
    let lines = server.lines_until("/healthz");
    assert!(lines.len() >= 3, "{lines:#?}");
    let parsed: Vec<Value> =
        lines.iter().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l:?}"))).collect();
    for (line, value) in lines.iter().zip(&parsed) {
        assert!(value["timestamp"].is_string() && value["level"].is_string(), "{line}");
        assert!(!line.contains('\x1b'), "{line:?}");
    }
    let request = parsed.iter().find(|v| v["message"] == "request").unwrap();
    assert_eq!((request["path"].as_str(), request["status"].as_u64()), (Some("/healthz"), Some(200)));
    assert!(parsed.iter().any(|v| v["message"].as_str().is_some_and(|m| m.starts_with("listening on"))));
    drop(server);

    assert_bad_setting(
        masthead(dir.path()).args(["migrate", "--database-url", &url]).env("MASTHEAD_LOG_FORMAT", "xml"),
        "xml",
    );
}

/// The samples of an exposition: `name{labels}` to value.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (key, value) = l.rsplit_once(' ').unwrap_or_else(|| panic!("not a sample: {l}"));
            (key.to_string(), value.parse::<f64>().unwrap_or_else(|_| panic!("not a number: {l}")))
        })
        .collect()
}

async fn scrape(metrics: &str) -> HashMap<String, f64> {
    let client = awc::Client::default();
    let mut res = client.get(format!("{metrics}/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let content_type = res.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    let text = String::from_utf8(res.body().limit(1 << 22).await.unwrap().to_vec()).unwrap();
    assert!(!text.contains("no-such-article"), "raw paths must not become labels:\n{text}");
    samples(&text)
}

#[track_caller]
fn value(samples: &HashMap<String, f64>, key: &str) -> f64 {
    *samples.get(key).unwrap_or_else(|| panic!("no sample {key} in {samples:#?}"))
}

#[actix_web::test]
async fn metrics_are_served_on_their_own_address_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create();
    let url = url_of(&db);
    let metrics_port = free_port();
    let (server, base) = serve(dir.path(), &url, |c| {
        c.env("MASTHEAD_METRICS_BIND", format!("127.0.0.1:{metrics_port}")).env("MASTHEAD_DB_POOL_SIZE", "3");
    })
    .await;
    let metrics = format!("http://127.0.0.1:{metrics_port}");
    let list = format!("{base}/api/v1/public/articles");
    let list_ok = r#"masthead_http_requests_total{method="GET",route="/api/v1/public/articles",status="200"}"#;
    let list_latency = r#"masthead_http_request_duration_seconds_count{method="GET",route="/api/v1/public/articles"}"#;

    let before = scrape(&metrics).await;
    assert_eq!(before.get(list_ok), None, "nothing counted yet");
    let token = admin_token(&base).await;
    publish(&base, &token, "Counted once").await;
    for _ in 0..3 {
        assert_eq!(call("GET", &list, None, None, None).await.0, 200);
    }
    assert_eq!(call("GET", &format!("{list}/no-such-article"), None, None, None).await.0, 404);
    // Not on the API's port.
    assert_eq!(call("GET", &format!("{base}/metrics"), None, None, None).await.0, 404);

    let after = scrape(&metrics).await;
    assert_eq!(value(&after, list_ok), 3.0);
    assert_eq!(value(&after, list_latency), 3.0);
    let slug_route = after
        .keys()
        .find(|k| {
            k.starts_with("masthead_http_requests_total{")
                && k.contains(r#"status="404""#)
                && k.contains(r#"route="/api/v1/public/articles/{"#)
        })
        .unwrap_or_else(|| panic!("the 404 is counted under its route pattern: {after:#?}"));
    assert_eq!(value(&after, slug_route), 1.0);
    assert_eq!(value(&after, r#"masthead_http_requests_total{method="GET",route="unmatched",status="404"}"#), 1.0);
    assert_eq!(
        value(&after, r#"masthead_http_requests_total{method="POST",route="/api/v1/auth/login",status="200"}"#),
        1.0
    );
    let inf_bucket =
        r#"masthead_http_request_duration_seconds_bucket{method="GET",route="/api/v1/public/articles",le="+Inf"}"#;
    assert_eq!(value(&after, inf_bucket), 3.0);

    assert_eq!(value(&after, "masthead_db_pool_max_connections"), 3.0);
    let open = value(&after, "masthead_db_pool_connections");
    assert!((1.0..=3.0).contains(&open) && value(&after, "masthead_db_pool_idle_connections") <= open, "{after:#?}");

    // The first list read missed and was kept; the next two were hits.
    assert!(value(&after, "masthead_public_cache_hits_total") >= 2.0, "{after:#?}");
    assert!(value(&after, "masthead_public_cache_misses_total") >= 1.0, "{after:#?}");
    assert!(value(&after, "masthead_public_cache_bytes") > 0.0, "{after:#?}");
    assert_eq!(value(&after, "masthead_public_cache_capacity_bytes"), 32.0 * 1024.0 * 1024.0);
    assert!(value(&after, "masthead_public_cache_entries") >= 1.0);

    // Counters keep moving.
    call("GET", &list, None, None, None).await;
    let later = scrape(&metrics).await;
    assert_eq!(value(&later, list_ok), 4.0);
    assert!(value(&later, "masthead_public_cache_hits_total") > value(&after, "masthead_public_cache_hits_total"));
    drop(server);

    // Without the setting there is no metrics listener, and /metrics is a 404.
    let (server, base) = serve(dir.path(), &url, |_| {}).await;
    assert_eq!(call("GET", &format!("{base}/metrics"), None, None, None).await.0, 404);
    assert!(awc::Client::default().get(format!("{metrics}/metrics")).send().await.is_err(), "nothing listens");
    drop(server);

    assert_bad_setting(masthead(dir.path()).env("MASTHEAD_METRICS_BIND", "nowhere"), "MASTHEAD_METRICS_BIND");
}

#[actix_web::test]
async fn backup_copies_a_live_sqlite_database_and_never_overwrites() {
    // SQLite only: PostgreSQL has pg_dump (checked below).
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let (server, base) = serve(dir.path(), &url, |_| {}).await;
    let token = admin_token(&base).await;
    let slug = publish(&base, &token, "Backed up while served").await;

    let copy = dir.path().join("copy.db");
    let backup = |target: &std::path::Path| {
        run(masthead(dir.path()).arg("backup").arg(target).env("MASTHEAD_DATABASE_URL", &url))
    };
    let (code, stdout, stderr) = backup(&copy);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("copy.db"), "{stdout}");
    // The server goes on writing after the copy; the copy does not see it.
    let later = publish(&base, &token, "Written after the backup").await;

    // A refused overwrite: one line, exit 2, the copy untouched.
    let size = std::fs::metadata(&copy).unwrap().len();
    let (code, _, stderr) = backup(&copy);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().filter(|l| !l.trim().is_empty()).count(), 1, "{stderr}");
    assert!(stderr.contains("already exists"), "{stderr}");
    assert_eq!(std::fs::metadata(&copy).unwrap().len(), size);
    drop(server);

    // A server on the copy serves what was there at the backup.
    let copy_url = format!("sqlite://{}", copy.display());
    let (_server, base) = serve(dir.path(), &copy_url, |_| {}).await;
    let (status, article) = call("GET", &format!("{base}/api/v1/public/articles/{slug}"), None, None, None).await;
    assert_eq!(status, 200, "{article}");
    assert_eq!(article["headline"], "Backed up while served");
    assert_eq!(call("GET", &format!("{base}/api/v1/public/articles/{later}"), None, None, None).await.0, 404);
    admin_token(&base).await;

    // No database there: refused, nothing created.
    let missing = dir.path().join("missing.db");
    let (code, _, stderr) = run(masthead(dir.path())
        .args(["backup", "elsewhere.db"])
        .env("MASTHEAD_DATABASE_URL", format!("sqlite://{}", missing.display())));
    assert_eq!(code, 2, "{stderr}");
    assert!(!missing.exists() && !dir.path().join("elsewhere.db").exists());

    // PostgreSQL: a clear pointer to pg_dump (no connection is even tried).
    let (code, _, stderr) = run(masthead(dir.path())
        .args(["backup", "pg.db"])
        .env("MASTHEAD_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"));
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("pg_dump"), "{stderr}");
}

/// `masthead reset-password EMAIL` with the password on standard input.
fn reset_password(dir: &std::path::Path, url: &str, email: &str, stdin: &str) -> (i32, String, String) {
    let mut child = masthead(dir)
        .args(["reset-password", email])
        .env("MASTHEAD_DATABASE_URL", url)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[actix_web::test]
async fn reset_password_replaces_a_lost_password_and_ends_every_session() {
    let dir = tempfile::tempdir().unwrap();
    let db = TestDb::create();
    let url = url_of(&db);
    let (_server, base) = serve(dir.path(), &url, |c| {
        c.env("MASTHEAD_LOGIN_MAX_FAILURES", "3");
    })
    .await;
    let (status, session) = login(&base, ADMIN, ADMIN_PASSWORD).await;
    assert_eq!(status, 200);
    let access = session["access_token"].as_str().unwrap();
    let refresh = session["refresh_token"].as_str().unwrap();
    // The owner has forgotten it, and locked the account trying.
    for _ in 0..3 {
        assert_eq!(login(&base, ADMIN, "what-was-it-again").await.0, 401);
    }
    assert_eq!(login(&base, ADMIN, ADMIN_PASSWORD).await.0, 429, "locked");

    // Refused: too short (exit 2, one line), and an unknown account.
    let (code, _, stderr) = reset_password(dir.path(), &url, ADMIN, "short\n");
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.lines().filter(|l| !l.trim().is_empty()).count(), 1, "{stderr}");
    assert!(stderr.contains("at least 12 characters"), "{stderr}");
    let (code, _, stderr) = run(masthead(dir.path())
        .args(["reset-password", ADMIN])
        .env("MASTHEAD_DATABASE_URL", &url)
        .env("MASTHEAD_PASSWORD", "eleven char"));
    assert_eq!(code, 2, "MASTHEAD_PASSWORD obeys the same rules: {stderr}");
    let (code, _, stderr) = reset_password(dir.path(), &url, "nobody@example.org", "a brand new passphrase\n");
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("no user with the email nobody@example.org"), "{stderr}");
    assert_eq!(login(&base, ADMIN, ADMIN_PASSWORD).await.0, 429, "the refusals changed nothing");

    // The email in any case; the password is one line of standard input.
    let (code, stdout, stderr) = reset_password(dir.path(), &url, "Chief@Example.org", "a brand new passphrase\n");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains(ADMIN) && stdout.contains("1 session(s) ended"), "{stdout}");

    // The lock is gone with the old password: the new one signs in at once.
    let (status, body) = login(&base, ADMIN, "a brand new passphrase").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(login(&base, ADMIN, ADMIN_PASSWORD).await.0, 401, "the old password stops working");
    let (status, _) =
        call("POST", &format!("{base}/api/v1/auth/refresh"), None, Some(json!({"refresh_token": refresh})), None).await;
    assert_eq!(status, 401, "the old refresh token is revoked");
    let (status, _) = call("GET", &format!("{base}/api/v1/auth/me"), Some(access), None, None).await;
    assert_eq!(status, 401, "the old access token stops at once");

    // MASTHEAD_PASSWORD works too (and wins over standard input).
    let (code, _, stderr) = run(masthead(dir.path())
        .args(["reset-password", ADMIN])
        .env("MASTHEAD_DATABASE_URL", &url)
        .env("MASTHEAD_PASSWORD", "yet another passphrase"));
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(login(&base, ADMIN, "yet another passphrase").await.0, 200);
}

#[test]
fn the_systemd_unit_is_complete_and_verifies() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/masthead.service");
    let unit = std::fs::read_to_string(path).unwrap();
    // Sections, in order, and every setting inside one.
    let mut sections: Vec<&str> = Vec::new();
    let mut settings: Vec<(&str, &str, &str)> = Vec::new();
    for line in unit.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push(name);
        } else {
            let (key, value) = line.split_once('=').unwrap_or_else(|| panic!("not key=value: {line}"));
            let section = sections.last().unwrap_or_else(|| panic!("{line} outside a section"));
            settings.push((section, key, value));
        }
    }
    assert_eq!(sections, ["Unit", "Service", "Install"]);
    let get = |section: &str, key: &str| {
        settings.iter().filter(|(s, k, _)| *s == section && *k == key).map(|(_, _, v)| *v).collect::<Vec<_>>()
    };
    let exec = get("Service", "ExecStart");
    assert_eq!(exec.len(), 1);
    assert!(exec[0].starts_with('/') && exec[0].ends_with("masthead serve"), "{exec:?}");
    for (key, expected) in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ReadWritePaths", "/var/lib/masthead"),
        ("Restart", "on-failure"),
        ("EnvironmentFile", "-/etc/masthead/masthead.env"),
        ("User", "masthead"),
    ] {
        assert_eq!(get("Service", key), [expected], "{key}");
    }
    assert!(get("Service", "Environment").contains(&"MASTHEAD_DATABASE_URL=sqlite:///var/lib/masthead/masthead.db"));
    assert_eq!(get("Install", "WantedBy"), ["multi-user.target"]);

    // systemd's own check, where systemd is installed: no warning at all (it exits 0 on
    // unknown keys and bad values, and only says so). ExecStart must name a real binary.
    let Ok(verify) = std::process::Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze not found: skipping `systemd-analyze verify`");
        return;
    };
    assert!(verify.status.success());
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("masthead.service");
    std::fs::write(&copy, unit.replace("/usr/local/bin/masthead", BIN)).unwrap();
    let out = std::process::Command::new("systemd-analyze").args(["verify", "--man=no"]).arg(&copy).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.trim().is_empty(), "systemd-analyze verify: {stderr}");
}
