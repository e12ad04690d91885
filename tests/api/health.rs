//! Health, readiness, the docs UI, the served spec, and HEAD.

use serde_json::json;

use crate::common::TestApp;

#[actix_web::test]
async fn healthz_and_readyz_answer() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["status"], "ok");
    let res = app.get("/readyz", None).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["status"], "ready");
}

#[actix_web::test]
async fn docs_ui_is_served_without_internet() {
    let app = TestApp::spawn().await;
    let res = app.get("/docs", None).await;
    assert!(matches!(res.status, 200 | 301 | 302 | 307 | 308), "{}", res.status);
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status, 200);
    let html = String::from_utf8_lossy(&res.body).to_string();
    assert!(html.contains("swagger"), "{html}");
    assert!(
        !html.contains("https://") && !html.contains("http://"),
        "the page must not load from the internet: {html}"
    );
    // The assets the page loads are served by us.
    let init = app.get("/docs/swagger-initializer.js", None).await;
    assert_eq!(init.status, 200);
    assert!(String::from_utf8_lossy(&init.body).contains("/openapi.json"));
    assert_eq!(app.get("/docs/swagger-ui-bundle.js", None).await.status, 200);
}

#[actix_web::test]
async fn openapi_json_is_served() {
    let app = TestApp::spawn().await;
    let res = app.get("/openapi.json", None).await;
    assert_eq!(res.status, 200);
    let served = res.json();
    let generated: serde_json::Value = serde_json::from_str(&masthead::http::openapi_json()).unwrap();
    assert_eq!(served, generated);
    assert_eq!(served["openapi"], "3.1.0");
}

#[actix_web::test]
async fn head_is_get_without_a_body() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/api/v1/public/sections", "/api/v1/public/articles"] {
        let res = app.send(actix_web::http::Method::HEAD, path, None, None).await;
        assert_eq!(res.status, 200, "{path}");
        assert!(res.body.is_empty(), "{path}");
    }
    let res = app.send(actix_web::http::Method::HEAD, "/api/v1/auth/me", None, None).await;
    assert_eq!(res.status, 401);
}

/// A real full disk: the database lives on a small tmpfs that a filler file then fills.
/// Writes and `/readyz` answer 503 `storage_unavailable` (not a bare 500) while it is
/// full, and recover once space is freed. Needs to mount a tmpfs (root with
/// CAP_SYS_ADMIN, as in CI); elsewhere it says so and checks nothing.
#[actix_web::test]
async fn a_full_disk_is_storage_unavailable_and_readyz_says_so() {
    use std::io::Write;
    use std::process::Command;
    let dir = tempfile::tempdir().unwrap();
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&disk)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(disk.clone());

    let port = crate::cli::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut cmd = crate::cli::masthead(dir.path());
    cmd.env("MASTHEAD_BIND", format!("127.0.0.1:{port}"))
        .env("MASTHEAD_DATABASE_URL", format!("sqlite://{}", disk.join("masthead.db").display()))
        .env("MASTHEAD_ADMIN_EMAIL", "admin@example.org")
        .env("MASTHEAD_ADMIN_PASSWORD", "admin-password-123");
    let _server = crate::cli::Server::start(&mut cmd);
    crate::cli::wait_healthy(&base).await;
    let client = awc::Client::default();
    let login = || async {
        client
            .post(format!("{base}/api/v1/auth/login"))
            .send_json(&json!({"email": "admin@example.org", "password": "admin-password-123"}))
            .await
            .unwrap()
    };
    assert_eq!(login().await.status(), 200);
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), 200);

    // Fill the disk to the last byte.
    let filler = disk.join("filler");
    let mut file = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    while file.write_all(&block).is_ok() {}
    let mut byte = [0u8; 1];
    while file.write_all(&byte).is_ok() {
        byte[0] = 1;
    }
    let _ = file.sync_all();

    let mut res = client.get(format!("{base}/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "storage_unavailable", "{problem}");
    // A sign-in stores a session: refused clearly, never a 500.
    let mut res = login().await;
    assert_eq!(res.status(), 503);
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["code"], "storage_unavailable", "{problem}");

    // Space again: ready again.
    drop(file);
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), 200);
    assert_eq!(login().await.status(), 200);
}
