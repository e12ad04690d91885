//! `/api/v1/site` (admins set who publishes the site and where it lives) and
//! `/api/v1/public/site` (what frontends, feeds and structured data need of it).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::article::Image;
use crate::domain::site::SiteSettings;
use crate::error::ApiError;
use crate::http::caller::{AdminOnly, Authenticated};
use crate::http::conditional::{RequireIfMatch, public_json};
use crate::http::extract::ApiJson;
use crate::http::media::PublicImage;
use crate::http::{time, versioned};
use crate::service::site::{self, Site};
use crate::state::AppState;

/// The site settings as an admin writes them. Omitted optional fields take their
/// defaults, as a `PUT` replaces the whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "The Daily Example", "description": "News from Example City since 1887",
    "base_url": "https://news.example.com", "publisher_name": "Example Media Ltd",
    "logo": {"url": "https://news.example.com/logo.png", "alt": "The Daily Example"},
    "language": "en-GB", "time_zone": "Europe/London", "article_path": "/{section}/{slug}"
}))]
pub struct SiteRequest {
    pub name: String,
    pub description: Option<String>,
    /// The frontend's address: an absolute http(s) URL, optionally with a path prefix,
    /// no query or fragment; a trailing slash is dropped.
    #[schema(example = "https://news.example.com")]
    pub base_url: String,
    /// The organisation that publishes the site (structured data's `publisher`).
    pub publisher_name: String,
    /// The publisher's logo: a library asset or a URL.
    pub logo: Option<Image>,
    /// A BCP 47 language tag (default `en`).
    #[schema(example = "en-GB")]
    pub language: Option<String>,
    /// An IANA time zone name (default `UTC`): article paths take their dates in it.
    #[schema(example = "Europe/London")]
    pub time_zone: Option<String>,
    /// Where an article lives under `base_url` (default `/{section}/{slug}`); it holds
    /// `{slug}` or `{id}`, and may hold `{section}` (the section's slug), `{year}`,
    /// `{month}` and `{day}` (of publication, in the site's time zone).
    #[schema(example = "/{section}/{slug}")]
    pub article_path: Option<String>,
}

/// The site settings as stored (the defaults, at version 0, until an admin saves them).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "name": "The Daily Example", "description": "News from Example City since 1887",
    "base_url": "https://news.example.com", "publisher_name": "Example Media Ltd",
    "logo": {"url": "https://news.example.com/logo.png", "asset_id": null, "caption": null, "credit": null, "alt": "The Daily Example"},
    "language": "en-GB", "time_zone": "Europe/London", "article_path": "/{section}/{slug}",
    "updated_at": "2026-12-01T09:30:00Z", "version": 2
}))]
pub struct SiteResponse {
    pub name: String,
    pub description: Option<String>,
    pub base_url: String,
    pub publisher_name: String,
    pub logo: Option<Image>,
    pub language: String,
    pub time_zone: String,
    pub article_path: String,
    /// `null` until an admin first saves the settings.
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<DateTime<Utc>>,
    pub version: i64,
}

impl From<Site> for SiteResponse {
    fn from(site: Site) -> Self {
        let s = site.settings;
        SiteResponse {
            name: s.name,
            description: s.description,
            base_url: s.base_url,
            publisher_name: s.publisher_name,
            logo: s.logo,
            language: s.language,
            time_zone: s.time_zone,
            article_path: s.article_path,
            updated_at: site.updated_at,
            version: site.version,
        }
    }
}

/// The site as frontends see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "name": "The Daily Example", "description": "News from Example City since 1887",
    "base_url": "https://news.example.com", "publisher_name": "Example Media Ltd",
    "logo": {"url": "https://news.example.com/logo.png", "asset_id": null, "width": null, "height": null,
        "alt": "The Daily Example", "caption": null, "credit": null, "focal_point": null, "renditions": null},
    "language": "en-GB", "time_zone": "Europe/London", "article_path": "/{section}/{slug}"
}))]
pub struct PublicSite {
    pub name: String,
    pub description: Option<String>,
    pub base_url: String,
    pub publisher_name: String,
    /// With its size and renditions when it is a library image.
    pub logo: Option<PublicImage>,
    pub language: String,
    pub time_zone: String,
    pub article_path: String,
}

fn site_response(site: Site) -> HttpResponse {
    versioned(StatusCode::OK, site.version, &SiteResponse::from(site))
}

/// Reads the site settings (admins).
#[utoipa::path(
    tag = "site", operation_id = "getSite", security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The settings.", body = SiteResponse,
            headers(("ETag" = String, description = "The version (\"0\" before the first save)."))),
        (status = 403, description = "Admins only."),
    )
)]
#[get("/site")]
pub async fn get_site(_admin: Authenticated<AdminOnly>, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    Ok(site_response(site::get(&state).await?))
}

/// Replaces the site settings (admins). `If-Match` is optional: when sent, it must
/// name the current version.
#[utoipa::path(
    tag = "site", operation_id = "putSite", request_body = SiteRequest,
    params(("If-Match" = Option<String>, Header, description = "The ETag read; a stale one is 412.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The new settings.", body = SiteResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Admins only."),
        (status = 412, description = "The settings changed since that ETag; the response carries the current one."),
        (status = 422, description = "A field is invalid (every one is named)."),
    )
)]
#[put("/site")]
pub async fn put_site(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    if_match: RequireIfMatch,
    body: ApiJson<SiteRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.optional()?;
    let b = body.into_inner()?;
    let defaults = SiteSettings::default();
    let settings = SiteSettings {
        name: b.name,
        description: b.description,
        base_url: b.base_url,
        publisher_name: b.publisher_name,
        logo: b.logo,
        language: b.language.unwrap_or(defaults.language),
        time_zone: b.time_zone.unwrap_or(defaults.time_zone),
        article_path: b.article_path.unwrap_or(defaults.article_path),
    };
    Ok(site_response(site::put(&state, settings, if_match).await?))
}

/// The site: name, address, publisher, language, time zone and where articles live.
#[utoipa::path(
    tag = "public", operation_id = "getPublicSite",
    responses(
        (status = 200, description = "The site.", body = PublicSite,
            headers(("ETag" = String, description = "Changes when the settings change."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
    )
)]
#[get("/public/site")]
pub async fn public_site(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let site = site::get(&state).await?;
    let s = site.settings;
    let body = PublicSite {
        name: s.name,
        description: s.description,
        base_url: s.base_url,
        publisher_name: s.publisher_name,
        logo: site.logo.as_ref().map(|l| PublicImage::new(l, &state.settings.media)),
        language: s.language,
        time_zone: s.time_zone,
        article_path: s.article_path,
    };
    public_json(&req, state.settings.public_max_age, &body)
}
