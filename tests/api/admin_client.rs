//! The admin client's files: where they are served, their security headers, caching
//! and compression, and that every module the page loads is there.

use std::collections::BTreeSet;
use std::io::Read;

use actix_web::http::Method;

use crate::common::{Resp, TestApp};

async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Resp {
    app.send_with(Method::GET, path, None, None, headers).await
}

fn assert_admin_headers(res: &Resp) {
    let csp = res.header("content-security-policy").expect("a CSP");
    for directive in [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    ] {
        assert!(csp.contains(directive), "{directive} missing in {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{csp}");
    assert_eq!(res.header("x-frame-options").as_deref(), Some("DENY"));
    assert_eq!(res.header("x-content-type-options").as_deref(), Some("nosniff"));
    assert!(res.header("etag").is_some());
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("gzip");
    out
}

/// The asset directory the page names, e.g. `/admin/assets/0123abcd0123abcd`.
fn assets_dir(index: &str) -> String {
    let at = index.find("/admin/assets/").expect("the page names its assets");
    let rest = &index[at..];
    let end = rest.find(['/', '"']).map(|_| "/admin/assets/".len() + 16).expect("a version");
    rest[..end].to_string()
}

#[actix_web::test]
async fn the_root_and_admin_lead_to_the_client() {
    let app = TestApp::spawn().await;
    for path in ["/", "/admin"] {
        let res = get(&app, path, &[]).await;
        assert!(matches!(res.status, 307 | 308), "{path}: {}", res.status);
        assert_eq!(res.header("location").as_deref(), Some("/admin/"));
    }
}

#[actix_web::test]
async fn every_client_path_is_the_page_with_a_strict_policy() {
    let app = TestApp::spawn().await;
    let res = get(&app, "/admin/", &[]).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type").as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(res.header("cache-control").as_deref(), Some("no-cache"));
    assert_admin_headers(&res);
    let page = String::from_utf8(res.body.clone()).expect("utf-8");
    // No inline script at all: every <script> has a src.
    for tag in page.split("<script").skip(1) {
        let open = &tag[..tag.find('>').expect("a tag")];
        assert!(open.contains("src="), "inline script: <script{open}>");
    }
    assert!(!page.contains("{{assets}}"));
    // The client's own routes are the same page.
    let deep = get(&app, "/admin/articles/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", &[]).await;
    assert_eq!((deep.status, &deep.body), (200, &res.body));
    // Revalidation answers 304 without a body.
    let etag = res.header("etag").expect("etag");
    let again = get(&app, "/admin/", &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    // Names that look like files and are not there are 404, as problem+json.
    get(&app, "/admin/missing.js", &[]).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn assets_are_immutable_under_their_version_and_gzipped_when_asked() {
    let app = TestApp::spawn().await;
    let page = String::from_utf8(get(&app, "/admin/", &[]).await.body).expect("utf-8");
    let dir = assets_dir(&page);
    let plain = get(&app, &format!("{dir}/app.js"), &[]).await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.header("content-type").as_deref(), Some("text/javascript; charset=utf-8"));
    assert_eq!(plain.header("cache-control").as_deref(), Some("public, max-age=31536000, immutable"));
    assert!(plain.header("content-encoding").is_none());
    assert_admin_headers(&plain);
    let zipped = get(&app, &format!("{dir}/app.js"), &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(zipped.header("content-encoding").as_deref(), Some("gzip"));
    assert_eq!(zipped.header("vary").as_deref(), Some("Accept-Encoding"));
    assert_ne!(zipped.header("etag"), plain.header("etag"));
    assert_eq!(gunzip(&zipped.body), plain.body);
    let not_gzip = get(&app, &format!("{dir}/app.js"), &[("accept-encoding", "gzip;q=0, identity")]).await;
    assert!(not_gzip.header("content-encoding").is_none());
    // A page from before a deploy names an old version: served, but not cached as if
    // the file had that version.
    let old = get(&app, "/admin/assets/0000000000000000/app.js", &[]).await;
    assert_eq!(old.status, 200);
    assert_eq!(old.header("cache-control").as_deref(), Some("no-cache"));
    get(&app, &format!("{dir}/nothing.js"), &[]).await.assert_problem(404, "not_found");
}

/// Every module the page loads, followed through its imports, is served, and all of it
/// together stays small (gzipped, as browsers fetch it).
#[actix_web::test]
async fn every_module_is_there_and_the_first_load_is_small() {
    let app = TestApp::spawn().await;
    let gzip = [("accept-encoding", "gzip")];
    let page = get(&app, "/admin/", &gzip).await;
    let mut total = page.body.len();
    let html = String::from_utf8(gunzip_if(&page)).expect("utf-8");
    let dir = assets_dir(&html);
    let mut pending: Vec<String> = vec!["app.js".into(), "app.css".into(), "icon.svg".into()];
    let mut seen = BTreeSet::new();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let res = get(&app, &format!("{dir}/{name}"), &gzip).await;
        assert_eq!(res.status, 200, "{name} is imported but not served");
        total += res.body.len();
        if name.ends_with(".js") {
            let source = String::from_utf8(gunzip_if(&res)).expect("utf-8");
            for import in imports(&source) {
                pending.push(resolve(&name, &import));
            }
        }
    }
    assert!(seen.len() >= 8, "{seen:?}");
    assert!(total < 200 * 1024, "first load is {total} bytes gzipped");
}

fn gunzip_if(res: &Resp) -> Vec<u8> {
    if res.header("content-encoding").as_deref() == Some("gzip") { gunzip(&res.body) } else { res.body.clone() }
}

/// The relative specifiers of `import ... from './x.js'` lines.
fn imports(source: &str) -> Vec<String> {
    source
        .lines()
        .filter(|l| l.trim_start().starts_with("import ") || l.trim_start().starts_with("} from "))
        .filter_map(|l| {
            let quoted = l.rsplit(" from ").next()?.trim().trim_end_matches(';');
            let spec = quoted.trim_matches(['\'', '"']);
            spec.starts_with('.').then(|| spec.to_string())
        })
        .collect()
}

fn resolve(from: &str, spec: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for piece in spec.split('/') {
        match piece {
            "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    parts.join("/")
}
