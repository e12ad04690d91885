//! `/api/v1/media` (the library: upload, list, read, edit, delete) and
//! `/api/v1/public/media/{id}/{rendition}` (the images readers' browsers load).

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use actix_multipart::{Multipart, MultipartError};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::config::MediaSettings;
use crate::domain::id::{AssetId, UserId};
use crate::domain::media::{Asset, FocalPoint, FocalPointBody, Rendition, RenditionFormat, ResolvedImage};
use crate::error::ApiError;
use crate::http::caller::Authenticated;
use crate::http::conditional::{RequireIfMatch, none_match};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::{nullable, search_text, time, versioned, with_location};
use crate::service::media::{self, AssetPatch, ContentHash, Upload, Uploaded};
use crate::service::users as users_service;
use crate::state::AppState;

/// Where public renditions are served from.
pub const RENDITIONS_PATH: &str = "/api/v1/public/media";

/// One `<source>` of a `<picture>`: a type and the renditions in it by width.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImageSource {
    /// The MIME type of every rendition in `srcset`.
    #[serde(rename = "type")]
    #[schema(example = "image/webp")]
    pub media_type: String,
    /// Ready for `srcset`: `URL 320w, URL 640w, ...`, narrowest first.
    #[schema(example = "/api/v1/public/media/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/w320.webp 320w")]
    pub srcset: String,
}

/// Renditions at one framing: the widest in the original's type as `url`, and every
/// width per type as `sources` (WebP first).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RenditionGroup {
    /// The widest rendition in the original's type (for `src`).
    pub url: String,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
    pub sources: Vec<ImageSource>,
}

/// Every rendition of an asset: the whole image, and a crop per configured aspect
/// ratio around its focal point.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Renditions {
    #[serde(flatten)]
    pub full: RenditionGroup,
    /// Keyed by aspect ratio, such as `16:9`.
    pub crops: BTreeMap<String, RenditionGroup>,
}

fn url_of(base: &str, asset: &Asset, r: &Rendition) -> String {
    format!("{base}{RENDITIONS_PATH}/{}/{}", asset.id, r.name(asset))
}

fn group(base: &str, asset: &Asset, of: impl Fn(RenditionFormat) -> Vec<Rendition>) -> Option<RenditionGroup> {
    let original = of(RenditionFormat::Original);
    let widest = original.last()?;
    let (_, (width, height)) = widest.geometry(asset);
    let source = |renditions: &[Rendition], mime: &str| ImageSource {
        media_type: mime.to_string(),
        srcset: renditions
            .iter()
            .map(|r| format!("{} {}w", url_of(base, asset, r), r.width))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let mut sources = Vec::new();
    if asset.media_type.mime() != "image/webp" {
        sources.push(source(&of(RenditionFormat::Webp), "image/webp"));
    }
    sources.push(source(&original, asset.media_type.mime()));
    Some(RenditionGroup { url: url_of(base, asset, widest), width, height, sources })
}

impl Renditions {
    pub fn of(asset: &Asset, settings: &MediaSettings) -> Option<Renditions> {
        let (rules, base) = (&settings.renditions, settings.base_url.as_str());
        let full = group(base, asset, |f| rules.scaled(asset, f))?;
        let crops = rules
            .aspects
            .iter()
            .filter_map(|a| Some((a.label(), group(base, asset, |f| rules.cropped(asset, *a, f))?)))
            .collect();
        Some(Renditions { full, crops })
    }
}

/// An image as readers get it: with the library asset's size, text and renditions
/// when it names one (its own alt, caption and credit win over the asset's).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicImage {
    /// The image's URL: the widest rendition for a library image, else as written.
    pub url: String,
    pub asset_id: Option<String>,
    /// In pixels, for library images (so that pages reserve the space).
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Alternative text (plain text).
    pub alt: Option<String>,
    /// Inline HTML (a, em, strong, br).
    pub caption: Option<String>,
    /// Inline HTML (a, em, strong, br).
    pub credit: Option<String>,
    pub focal_point: Option<FocalPointBody>,
    pub renditions: Option<Renditions>,
}

impl PublicImage {
    pub fn new(image: &ResolvedImage, settings: &MediaSettings) -> PublicImage {
        let renditions = image.asset.as_ref().and_then(|a| Renditions::of(a, settings));
        let url = match (&renditions, &image.url) {
            (Some(r), _) => r.full.url.clone(),
            (None, Some(url)) => url.clone(),
            (None, None) => String::new(),
        };
        PublicImage {
            url,
            asset_id: image.asset.as_ref().map(|a| a.id.to_string()),
            width: image.asset.as_ref().map(|a| a.width),
            height: image.asset.as_ref().map(|a| a.height),
            alt: image.alt.clone(),
            caption: image.caption.clone(),
            credit: image.credit.clone(),
            focal_point: image.asset.as_ref().map(|a| a.meta.focal_point.into()),
            renditions,
        }
    }
}

/// An `image` block as readers get it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicImageBlock {
    /// Always `image`.
    #[serde(rename = "type")]
    #[schema(example = "image")]
    pub kind: &'static str,
    #[serde(flatten)]
    pub image: PublicImage,
}

/// Who uploaded an asset.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Uploader {
    pub id: String,
    pub display_name: String,
}

/// A media asset.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "file_name": "tokyo-traders.jpg", "content_type": "image/jpeg",
    "bytes": 2481923, "width": 6000, "height": 4000,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "alt": "Traders on the floor of the Tokyo exchange", "caption": "Traders in Tokyo", "credit": "Photo: A. Sato",
    "focal_point": {"x": 0.5, "y": 0.5},
    "uploaded_by": {"id": "0193a1b2-0000-7e5f-8a9b-0c1d2e3f4a5b", "display_name": "Aiko Sato"},
    "created_at": "2026-12-03T10:00:00Z", "updated_at": "2026-12-03T10:00:00Z", "version": 1,
    "renditions": {
        "url": "/api/v1/public/media/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/w2560.jpg", "width": 2560, "height": 1707,
        "sources": [
            {"type": "image/webp", "srcset": "/api/v1/public/media/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/w320.webp 320w"},
            {"type": "image/jpeg", "srcset": "/api/v1/public/media/0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b/w320.jpg 320w"}
        ],
        "crops": {}
    }
}))]
pub struct AssetResponse {
    pub id: String,
    /// The name it was uploaded under (plain text).
    pub file_name: String,
    /// Recognised from the content: image/jpeg, image/png, image/webp or image/gif.
    pub content_type: String,
    /// Size of the stored file.
    pub bytes: i64,
    /// As the image is seen (its EXIF orientation applied).
    pub width: u32,
    pub height: u32,
    /// Of the uploaded bytes: the same file uploaded again is this asset.
    pub sha256: String,
    /// Alternative text (plain text).
    pub alt: Option<String>,
    /// Inline HTML (a, em, strong, br).
    pub caption: Option<String>,
    /// Inline HTML (a, em, strong, br).
    pub credit: Option<String>,
    pub focal_point: FocalPointBody,
    pub uploaded_by: Uploader,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub renditions: Option<Renditions>,
}

impl AssetResponse {
    fn new(asset: Asset, uploader: Uploader, settings: &MediaSettings) -> AssetResponse {
        let renditions = Renditions::of(&asset, settings);
        AssetResponse {
            id: asset.id.into(),
            file_name: asset.meta.file_name,
            content_type: asset.media_type.mime().to_string(),
            bytes: asset.bytes,
            width: asset.width,
            height: asset.height,
            sha256: asset.sha256,
            alt: asset.meta.alt,
            caption: asset.meta.caption,
            credit: asset.meta.credit,
            focal_point: asset.meta.focal_point.into(),
            uploaded_by: uploader,
            created_at: asset.created_at,
            updated_at: asset.updated_at,
            version: asset.version,
            renditions,
        }
    }
}

/// Assets with their uploaders' names, looked up once for the lot.
async fn responses(state: &AppState, assets: Vec<Asset>) -> Result<Vec<AssetResponse>, ApiError> {
    let ids: Vec<UserId> = assets.iter().map(|a| a.uploaded_by.clone()).collect();
    let names = users_service::display_names(state, ids).await?;
    let settings = &state.settings.media;
    Ok(assets
        .into_iter()
        .map(|a| {
            let display_name = names.get(&a.uploaded_by).cloned().unwrap_or_default();
            let uploader = Uploader { id: a.uploaded_by.to_string(), display_name };
            AssetResponse::new(a, uploader, settings)
        })
        .collect())
}

async fn asset_response(state: &AppState, status: StatusCode, asset: Asset) -> Result<HttpResponse, ApiError> {
    let version = asset.version;
    let body = responses(state, vec![asset]).await?.pop().ok_or_else(|| ApiError::internal("asset vanished"))?;
    Ok(versioned(status, version, &body))
}

pub type AssetPage = Page<AssetResponse>;

impl Listed for AssetResponse {
    const PAGE: &'static str = "AssetPage";
}

/// An image file's bytes.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct ImageBytes(Vec<u8>);

/// The form an upload is sent as.
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The image: JPEG, PNG, WebP or GIF, recognised from its content.
    #[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
    file: Vec<u8>,
    /// Alternative text (plain text).
    alt: Option<String>,
    /// Inline HTML (a, em, strong, br).
    caption: Option<String>,
    /// Inline HTML (a, em, strong, br).
    credit: Option<String>,
}

/// Room for the multipart framing and the text parts around the file.
const FORM_OVERHEAD: usize = 64 * 1024;
/// Longest text part, in bytes.
const MAX_TEXT_PART: usize = 16 * 1024;
/// The longest an upload may take in all, however steadily it arrives.
const MAX_UPLOAD_SECS: u64 = 600;

fn form_problem(detail: impl Into<String>) -> ApiError {
    ApiError::BadRequest { code: "malformed_form", detail: detail.into(), errors: Vec::new() }
}

fn multipart_error(e: MultipartError) -> ApiError {
    match e {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => ApiError::UnsupportedMediaType {
            detail: "Send the image as multipart/form-data with a part named file.".into(),
        },
        e => form_problem(format!("The form could not be read: {e}.")),
    }
}

/// Reads the form: the file part spooled to disk while its SHA-256 is taken (never
/// held in memory whole), the text parts kept. Each chunk must arrive within the body
/// timeout, and the whole within `MAX_UPLOAD_SECS`.
async fn read_form(req: &HttpRequest, payload: web::Payload, state: &AppState) -> Result<Upload, ApiError> {
    let max = state.settings.media.max_bytes;
    if super::body::declared_length(req).is_some_and(|n| n > max + FORM_OVERHEAD) {
        return Err(ApiError::PayloadTooLarge { limit: max });
    }
    let gap = Duration::from_secs(state.settings.body_timeout_secs);
    let reading = async {
        let mut form = Multipart::new(req.headers(), payload);
        let mut file: Option<(tempfile::TempPath, String, Option<String>)> = None;
        let mut texts: BTreeMap<String, String> = BTreeMap::new();
        while let Some(field) = next_within(gap, form.next()).await? {
            let mut field = field.map_err(multipart_error)?;
            let name = field.name().unwrap_or_default().to_string();
            match name.as_str() {
                "file" if file.is_none() => {
                    let file_name = field.content_disposition().and_then(|d| d.get_filename()).map(str::to_string);
                    let spooled =
                        tempfile::NamedTempFile::new_in(state.media.spool_dir()).map_err(ApiError::internal)?;
                    let (mut out, path) = spooled.into_parts();
                    let mut hash = ContentHash::default();
                    let mut written = 0usize;
                    while let Some(chunk) = next_within(gap, field.next()).await? {
                        let chunk = chunk.map_err(multipart_error)?;
                        written += chunk.len();
                        if written > max {
                            return Err(ApiError::PayloadTooLarge { limit: max });
                        }
                        hash.update(&chunk);
                        // A write to the page cache, far quicker than the network
                        // delivers the chunk it writes.
                        out.write_all(&chunk).map_err(ApiError::internal)?;
                    }
                    out.flush().map_err(ApiError::internal)?;
                    if written == 0 {
                        return Err(ApiError::invalid("file", "is empty"));
                    }
                    file = Some((path, hash.finish(), file_name));
                }
                "alt" | "caption" | "credit" if !texts.contains_key(&name) => {
                    let mut text = Vec::new();
                    while let Some(chunk) = next_within(gap, field.next()).await? {
                        let chunk = chunk.map_err(multipart_error)?;
                        if text.len() + chunk.len() > MAX_TEXT_PART {
                            return Err(ApiError::invalid(name.as_str(), "is too long"));
                        }
                        text.extend_from_slice(&chunk);
                    }
                    let text =
                        String::from_utf8(text).map_err(|_| ApiError::invalid(name.as_str(), "must be UTF-8 text"))?;
                    texts.insert(name, text);
                }
                "file" | "alt" | "caption" | "credit" => {
                    return Err(ApiError::invalid(name.as_str(), "is sent more than once"));
                }
                other => {
                    return Err(ApiError::invalid(other, "is not a part of this form (file, alt, caption, credit)"));
                }
            }
        }
        let (file, sha256, file_name) = file.ok_or_else(|| ApiError::invalid("file", "is required"))?;
        // A blank part is a field left empty, as forms send it, unless it holds control
        // characters: those no text may have, so it goes on to be refused.
        let mut text = |k: &str| texts.remove(k).filter(|t| !t.trim().is_empty() || t.chars().any(char::is_control));
        Ok(Upload { file, sha256, file_name, alt: text("alt"), caption: text("caption"), credit: text("credit") })
    };
    tokio::time::timeout(Duration::from_secs(MAX_UPLOAD_SECS), reading)
        .await
        .map_err(|_| ApiError::RequestTimeout { secs: MAX_UPLOAD_SECS })?
}

async fn next_within<T>(gap: Duration, next: impl Future<Output = Option<T>>) -> Result<Option<T>, ApiError> {
    tokio::time::timeout(gap, next).await.map_err(|_| ApiError::RequestTimeout { secs: gap.as_secs() })
}

/// Uploads an image. The same bytes uploaded again answer 200 with the asset that
/// holds them.
#[utoipa::path(
    tag = "media", operation_id = "uploadMedia", security(("bearerAuth" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data", description = "The image and, optionally, its alt text, caption and credit.",
        example = json!({"file": "(the image file)", "alt": "Traders on the floor of the Tokyo exchange", "caption": "Traders in Tokyo", "credit": "Photo: A. Sato"})),
    responses(
        (status = 201, description = "Stored.", body = AssetResponse, headers(
            ("Location" = String, description = "The new asset's URL."),
            ("ETag" = String, description = "The asset's version, `\"1\"`."))),
        (status = 200, description = "These bytes were uploaded before: the asset that holds them.", body = AssetResponse, headers(
            ("Location" = String, description = "The asset's URL."),
            ("ETag" = String, description = "The asset's version."))),
        (status = 413, description = "The file is larger than the configured limit (25 MiB by default)."),
        (status = 415, description = "Not multipart/form-data, or the file is not a JPEG, PNG, WebP or GIF image (read from its content)."),
        (status = 422, description = "The image is larger than the server decodes (`image_too_large`), damaged (`undecodable_image`), or a part is missing or invalid."),
        (status = 503, description = "The server is decoding as many images as it takes; retry after `Retry-After`."),
    )
)]
#[post("/media")]
pub async fn upload_media(
    user: Authenticated,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let upload = read_form(&req, payload, &state).await?;
    let (status, asset) = match media::upload(&state, &user, upload).await? {
        Uploaded::Created(asset) => (StatusCode::CREATED, asset),
        Uploaded::Existing(asset) => (StatusCode::OK, asset),
    };
    let location = format!("/api/v1/media/{}", asset.id);
    with_location(asset_response(&state, status, asset).await?, location)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListMediaQuery {
    /// Words in the file name, alt text, caption or credit (case-insensitive).
    pub q: Option<String>,
    /// Only what this user uploaded.
    pub uploaded_by: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists the library, newest first.
#[utoipa::path(
    tag = "media", operation_id = "listMedia", params(ListMediaQuery), security(("bearerAuth" = [])),
    responses((status = 200, description = "A page of assets.", body = AssetPage))
)]
#[get("/media")]
pub async fn list_media(
    _user: Authenticated,
    state: web::Data<AppState>,
    query: ApiQuery<ListMediaQuery>,
) -> Result<web::Json<AssetPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let search = search_text(q.q)?;
    let (items, next) = media::list(&state, search, q.uploaded_by.map(UserId::from), after, limit).await?;
    Ok(web::Json(Page::new(responses(&state, items).await?, next)?))
}

/// Reads an asset.
#[utoipa::path(
    tag = "media", operation_id = "getMedia", params(("id" = String, Path, description = "The asset's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The asset.", body = AssetResponse, headers(("ETag" = String, description = "The version."))),
        (status = 404, description = "No such asset."),
    )
)]
#[get("/media/{id}")]
pub async fn get_media(
    _user: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let asset = media::get(&state, AssetId::from(id.into_inner())).await?;
    asset_response(&state, StatusCode::OK, asset).await
}

/// Fields to change; absent fields stay, `null` clears alt, caption or credit.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"alt": "Traders on the floor of the Tokyo exchange", "focal_point": {"x": 0.3, "y": 0.4}}))]
pub struct UpdateMediaRequest {
    #[serde(default, deserialize_with = "crate::http::non_null")]
    #[schema(value_type = String)]
    pub file_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub alt: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub caption: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub credit: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::non_null")]
    #[schema(value_type = FocalPointBody)]
    pub focal_point: Option<FocalPointBody>,
}

/// Changes an asset's metadata (editors, admins, or who uploaded it). Needs `If-Match`.
#[utoipa::path(
    tag = "media", operation_id = "updateMedia",
    params(("id" = String, Path, description = "The asset's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body = UpdateMediaRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed asset.", body = AssetResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Writers and commercial users change only what they uploaded."),
        (status = 404, description = "No such asset."),
        (status = 412, description = "The asset changed since that ETag; the response carries the current one."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/media/{id}")]
pub async fn update_media(
    user: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<UpdateMediaRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let focal_point = match b.focal_point {
        None => None,
        Some(f) => Some(
            FocalPoint::from_fractions(f.x, f.y)
                .ok_or_else(|| ApiError::invalid("focal_point", "x and y must be from 0 to 1"))?,
        ),
    };
    let patch = AssetPatch { file_name: b.file_name, alt: b.alt, caption: b.caption, credit: b.credit, focal_point };
    let asset = media::update(&state, &user, AssetId::from(id.into_inner()), if_match, patch).await?;
    asset_response(&state, StatusCode::OK, asset).await
}

/// Deletes an asset and its files, when no article outside the trash and no sponsored
/// block uses it. Needs `If-Match`.
#[utoipa::path(
    tag = "media", operation_id = "deleteMedia",
    params(("id" = String, Path, description = "The asset's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Writers and commercial users delete only what they uploaded."),
        (status = 404, description = "No such asset."),
        (status = 409, description = "Articles or sponsored blocks use it (`asset_in_use`; the detail names them)."),
        (status = 412, description = "The asset changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/media/{id}")]
pub async fn delete_media(
    user: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    media::delete(&state, &user, AssetId::from(id.into_inner()), if_match.into_inner()?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A rendition of an asset: `w{width}.{ext}`, or `w{width}-{A}x{B}-f{X}x{Y}.{ext}`
/// cropped to the aspect ratio A:B around the focal point (X, Y in thousandths).
/// `ext` is `webp` or the original's. Made on first request, then served from
/// storage; immutable.
#[utoipa::path(
    tag = "public", operation_id = "getMediaRendition",
    params(
        ("id" = String, Path, description = "The asset's id."),
        ("rendition" = String, Path, description = "The rendition's name, as the asset's `renditions` list them.", example = "w640.webp"),
    ),
    responses(
        (status = 200, description = "The image.", content(
            (ImageBytes = "image/webp"), (ImageBytes = "image/jpeg"), (ImageBytes = "image/png"), (ImageBytes = "image/gif")),
            headers(("ETag" = String, description = "Strong; the rendition never changes."),
                    ("Cache-Control" = String, description = "`public, max-age=31536000, immutable`."))),
        (status = 304, description = "Not modified (If-None-Match)."),
        (status = 404, description = "No such asset, or a size, crop or format that is not offered."),
        (status = 503, description = "The server is making as many images as it takes; retry after `Retry-After`."),
    )
)]
#[get("/public/media/{id}/{rendition}")]
pub async fn media_rendition(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, name) = path.into_inner();
    let etag = format!("\"{name}\"");
    let Some((bytes, mime)) = media::rendition(&state, AssetId::from(id), name).await? else {
        return Err(ApiError::not_found("Image"));
    };
    let cache = (header::CACHE_CONTROL, "public, max-age=31536000, immutable");
    if none_match(&req, &etag) {
        return Ok(HttpResponse::NotModified().insert_header((header::ETAG, etag)).insert_header(cache).finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header(cache)
        .insert_header((header::CONTENT_SECURITY_POLICY, "default-src 'none'"))
        .content_type(mime)
        .body(bytes))
}
