//! `/api/v1/public/sitemaps` (the index), `/api/v1/public/sitemaps/{page}` (at most
//! 50,000 live articles each, streamed from the database as they are sent, never
//! built whole in memory) and `/api/v1/public/news-sitemap` (Google News: the last two
//! days). URLs are the articles' addresses on the site (the site settings); the
//! sitemaps' own addresses are the site's address with these paths, so a frontend
//! serves them by passing `/api/v1/public/` through.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::BytesText;

use crate::error::ApiError;
use crate::http::conditional::{content_etag, none_match, respond};
use crate::http::public::Cached;
use crate::public_cache::{Form, Lifetime, Rendered};
use crate::service::sitemaps::{self, Entry};
use crate::state::AppState;

const XML: &str = "application/xml; charset=utf-8";
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const PAGES_PATH: &str = "/api/v1/public/sitemaps";
const NEWS_PATH: &str = "/api/v1/public/news-sitemap";

fn w3c(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> std::io::Result<()> {
    w.create_element(name).write_text_content(BytesText::new(value)).map(|_| ())
}

/// `<url>` elements for `entries`.
fn urls(entries: &[Entry]) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::with_capacity(entries.len() * 120));
    for e in entries {
        w.create_element("url").write_inner_content(|w| {
            text(w, "loc", &e.url)?;
            text(w, "lastmod", &w3c(e.updated_at))
        })?;
    }
    Ok(w.into_inner())
}

fn cached_xml(
    req: &HttpRequest,
    state: &AppState,
    cached: Cached,
    body: Vec<u8>,
    until: Option<DateTime<Utc>>,
) -> HttpResponse {
    let rendered = Rendered {
        etag: content_etag(&body),
        body: body.into(),
        form: Form::Plain,
        content_type: XML,
        last_modified: None,
    };
    cached.keep(state, Lifetime::until(until), &rendered);
    respond(req, state.settings.public_max_age, None, &rendered)
}

/// The sitemap index: each page of articles, and the news sitemap.
#[utoipa::path(
    tag = "public", operation_id = "getSitemapIndex",
    responses(
        (status = 200, description = "The index.", content((String = "application/xml", example = json!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>https://news.example.com/api/v1/public/sitemaps/1</loc></sitemap><sitemap><loc>https://news.example.com/api/v1/public/news-sitemap</loc></sitemap></sitemapindex>"
        ))),
            headers(("ETag" = String, description = "Changes when the index changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
    )
)]
#[get("/public/sitemaps")]
pub async fn sitemap_index(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let cached = Cached::look_up(&req, &state).await?;
    if let Some((hit, _)) = cached.hit() {
        return Ok(respond(&req, state.settings.public_max_age, None, hit));
    }
    let index = sitemaps::index(&state).await?;
    let mut w = Writer::new(Vec::new());
    w.get_mut().extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    w.create_element("sitemapindex")
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|w| {
            for n in 1..=index.pages {
                let loc = index.site.url(&format!("{PAGES_PATH}/{n}"));
                w.create_element("sitemap").write_inner_content(|w| text(w, "loc", &loc))?;
            }
            let news = index.site.url(NEWS_PATH);
            w.create_element("sitemap").write_inner_content(|w| text(w, "loc", &news))?;
            Ok(())
        })
        .map_err(ApiError::internal)?;
    Ok(cached_xml(&req, &state, cached, w.into_inner(), index.until))
}

/// A page of the sitemap: up to 50,000 live articles, oldest first, each with its
/// last change. Sent as it is read from the database.
#[utoipa::path(
    tag = "public", operation_id = "getSitemapPage",
    params(("page" = i64, Path, description = "The page, from 1 (the index lists them); any other is 404.")),
    responses(
        (status = 200, description = "The page.", content((String = "application/xml", example = json!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>https://news.example.com/asia/seoul-and-tokyo-resume-shuttle-diplomacy</loc><lastmod>2026-12-01T10:00:00Z</lastmod></url></urlset>"
        ))),
            headers(("ETag" = String, description = "Weak: changes with every change to public content."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
        (status = 404, description = "No such page."),
    )
)]
#[get("/public/sitemaps/{page}")]
pub async fn sitemap_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let raw = page.into_inner();
    // Digits only, no sign or leading zero: one address per page.
    let n = raw
        .parse::<i64>()
        .ok()
        .filter(|_| raw.bytes().all(|b| b.is_ascii_digit()) && !raw.starts_with('0') && raw.len() <= 9)
        .ok_or_else(|| ApiError::not_found("Sitemap page"))?;
    let start = sitemaps::page(&state, n).await?;
    let etag = format!("W/\"{}\"", start.version);
    let max_age = state.settings.public_max_age;
    let cache_control =
        format!("public, max-age={max_age}, stale-while-revalidate={}", max_age.saturating_mul(5).max(30));
    if none_match(&req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache_control))
            .finish());
    }
    let head = Bytes::from(format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"{SITEMAP_NS}\">"));
    let state = state.into_inner();
    // (places, key to go on after, URLs left on this page); `None` once the page is done.
    let first = Some((start.places, start.after, start.urls));
    let at = start.at;
    let body = futures_util::stream::unfold(first, move |step| {
        let state = state.clone();
        async move {
            let (places, after, left) = step?;
            let want = left.min(sitemaps::CHUNK);
            match sitemaps::chunk(&state, places, at, after, want).await {
                Ok((entries, next, places)) => {
                    let got = entries.len() as i64;
                    let mut bytes = match urls(&entries) {
                        Ok(b) => b,
                        Err(e) => return Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
                    };
                    let more = got == want && left > got;
                    if !more {
                        bytes.extend_from_slice(b"</urlset>");
                    }
                    let step = more.then(|| (places, next, left - got));
                    Some((Ok::<_, actix_web::Error>(Bytes::from(bytes)), step))
                }
                Err(e) => Some((Err(actix_web::error::ErrorInternalServerError(e.to_string())), None)),
            }
        }
    });
    let body = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok::<_, actix_web::Error>(head) }),
        body,
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .content_type(XML)
        .streaming(body))
}

/// The Google News sitemap: live articles published in the last two days (at most
/// 1,000), newest first, with the publication's name and language.
#[utoipa::path(
    tag = "public", operation_id = "getNewsSitemap",
    responses(
        (status = 200, description = "The news sitemap.", content((String = "application/xml", example = json!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"><url><loc>https://news.example.com/asia/seoul-and-tokyo-resume-shuttle-diplomacy</loc><lastmod>2026-12-01T10:00:00Z</lastmod><news:news><news:publication><news:name>The Daily Example</news:name><news:language>en</news:language></news:publication><news:publication_date>2026-12-01T09:30:00Z</news:publication_date><news:title>Seoul and Tokyo resume shuttle diplomacy</news:title></news:news></url></urlset>"
        ))),
            headers(("ETag" = String, description = "Changes when the sitemap changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
    )
)]
#[get("/public/news-sitemap")]
pub async fn news_sitemap(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let cached = Cached::look_up(&req, &state).await?;
    if let Some((hit, _)) = cached.hit() {
        return Ok(respond(&req, state.settings.public_max_age, None, hit));
    }
    let news = sitemaps::news(&state).await?;
    // Google News takes the language's primary subtag (`zh-cn` and `zh-tw` aside).
    let language = news.site.language.to_lowercase();
    let language = match language.as_str() {
        "zh-cn" | "zh-tw" => language.clone(),
        other => other.split('-').next().unwrap_or(other).to_string(),
    };
    let mut w = Writer::new(Vec::new());
    w.get_mut().extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    w.create_element("urlset")
        .with_attributes([("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)])
        .write_inner_content(|w| {
            for e in &news.entries {
                w.create_element("url").write_inner_content(|w| {
                    text(w, "loc", &e.url)?;
                    text(w, "lastmod", &w3c(e.updated_at))?;
                    w.create_element("news:news").write_inner_content(|w| {
                        w.create_element("news:publication").write_inner_content(|w| {
                            text(w, "news:name", &news.site.name)?;
                            text(w, "news:language", &language)
                        })?;
                        text(w, "news:publication_date", &w3c(e.published_at))?;
                        text(w, "news:title", &e.headline)
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })
        .map_err(ApiError::internal)?;
    Ok(cached_xml(&req, &state, cached, w.into_inner(), news.until))
}
