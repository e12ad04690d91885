//! The admin client: plain ES modules and CSS under `admin/`, embedded in the binary
//! and served at `/admin`. It is a client of `/api/v1` like any other; this module only
//! serves its files.
//!
//! `index.html` names its assets under `/admin/assets/<version>/`, where the version
//! is a hash over every asset, so the assets can be cached for a year (`immutable`)
//! and a new build is fetched at once; `index.html` itself is revalidated each time.
//! Every admin answer carries a strict Content-Security-Policy.

use std::collections::HashMap;
use std::sync::LazyLock;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use flate2::{Compression, write::GzEncoder};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};
use std::io::Write;

use crate::error::ApiError;
use crate::http::conditional::{accepts_gzip, content_etag, gzip_etag, none_match};

/// Everything under `admin/` (HTML, ES modules, CSS, SVG; nothing generated).
#[derive(RustEmbed)]
#[folder = "admin/"]
struct Files;

/// Scripts and styles only from this origin (no inline script, no `eval`), API calls
/// only to this origin, never framed. Images may come from anywhere over HTTPS, since
/// articles point at images hosted elsewhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; connect-src 'self'; font-src 'self'; manifest-src 'self'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const YEAR: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
/// Where the index names its assets; replaced with `/admin/assets/<version>`.
const ASSETS_MARKER: &str = "{{assets}}";

/// One file, ready to send: as it is and gzipped (only when that is smaller).
struct Served {
    body: web::Bytes,
    gzip: Option<web::Bytes>,
    etag: String,
    content_type: &'static str,
}

impl Served {
    fn new(name: &str, body: web::Bytes) -> Served {
        let etag = content_etag(&body);
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        let gzip = encoder
            .write_all(&body)
            .and_then(|()| encoder.finish())
            .ok()
            .filter(|zipped| zipped.len() < body.len())
            .map(web::Bytes::from);
        Served { body, gzip, etag, content_type: content_type(name) }
    }
}

struct Bundle {
    version: String,
    index: Served,
    assets: HashMap<String, Served>,
}

/// Built on the first admin request, not at start, so that a server nobody opens the
/// admin on holds none of it.
static BUNDLE: LazyLock<Bundle> = LazyLock::new(|| {
    let mut names: Vec<String> = Files::iter().map(|n| n.into_owned()).collect();
    names.sort();
    let mut hasher = Sha256::new();
    let mut assets = HashMap::new();
    for name in names.iter().filter_map(|n| n.strip_prefix("assets/")) {
        let Some(file) = Files::get(&format!("assets/{name}")) else { continue };
        hasher.update(name.as_bytes());
        hasher.update(Sha256::digest(&file.data));
        assets.insert(name.to_string(), Served::new(name, web::Bytes::from(file.data.into_owned())));
    }
    let version: String = hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    let index = Files::get("index.html").map(|f| String::from_utf8_lossy(&f.data).into_owned()).unwrap_or_default();
    let index = index.replace(ASSETS_MARKER, &format!("/admin/assets/{version}"));
    Bundle { version, index: Served::new("index.html", web::Bytes::from(index)), assets }
});

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// `GET /admin/assets/{version}/{file}`: an asset. Under the current version it is
/// cached for a year; under another (a page from before a deploy) it is still served,
/// but only revalidated, so no cache keeps it under a name it does not have.
pub async fn asset(req: HttpRequest, path: web::Path<(String, String)>) -> Result<HttpResponse, ApiError> {
    let (version, name) = path.into_inner();
    let bundle = &*BUNDLE;
    let served = bundle.assets.get(&name).ok_or_else(|| ApiError::not_found("Resource"))?;
    let cache = if version == bundle.version { YEAR } else { REVALIDATE };
    Ok(send(&req, served, cache))
}

/// `GET /admin/{path}`: the client's pages. Every path that does not name a file is the
/// same document; the client routes on the path.
pub async fn page(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let last = req.path().rsplit('/').next().unwrap_or_default();
    if last.contains('.') {
        return Err(ApiError::not_found("Resource"));
    }
    Ok(send(&req, &BUNDLE.index, REVALIDATE))
}

fn send(req: &HttpRequest, served: &Served, cache: &'static str) -> HttpResponse {
    let gzip = served.gzip.as_ref().filter(|_| accepts_gzip(req));
    let etag = match gzip {
        Some(_) => gzip_etag(&served.etag),
        None => served.etag.clone(),
    };
    let mut res = if none_match(req, &etag) { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, etag.as_str()))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::VARY, "Accept-Encoding"))
        .insert_header((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .insert_header((header::X_FRAME_OPTIONS, "DENY"))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .insert_header(("cross-origin-opener-policy", "same-origin"));
    if none_match(req, &etag) {
        return res.finish();
    }
    res.content_type(served.content_type);
    match gzip {
        Some(zipped) => res.insert_header((header::CONTENT_ENCODING, "gzip")).body(zipped.clone()),
        None => res.body(served.body.clone()),
    }
}

/// Mounts the admin client: `/` and `/admin` lead to `/admin/`.
pub fn mount(cfg: &mut web::ServiceConfig) {
    cfg.service(web::redirect("/", "/admin/"))
        .service(web::redirect("/admin", "/admin/"))
        .route("/admin/assets/{version}/{name:.+}", web::get().to(asset))
        .route("/admin/{path:.*}", web::get().to(page));
}
