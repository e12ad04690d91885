//! Draft preview: `/api/v1/articles/{id}/previews` (links to one article, made and
//! revoked by whoever may edit it) and `/api/v1/public/preview/{token}` (what a link
//! shows: the public article answer, whatever the article's status, never cached).

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::id::PreviewId;
use crate::error::ApiError;
use crate::http::articles::PageQuery;
use crate::http::caller::{Authenticated, Newsroom};
use crate::http::extract::{ApiQuery, OptionalJson};
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::public::{PublicArticleResponse, public_article_response};
use crate::http::{time, with_location};
use crate::service::previews::{self, NewPreview, Preview};
use crate::state::AppState;

/// Where a token is read: a link's `url` is this, a slash and the token.
pub const PUBLIC_PREVIEW_PATH: &str = "/api/v1/public/preview";

/// How long the link lasts.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"expires_in_secs": 86400}))]
pub struct CreatePreviewRequest {
    /// Seconds from now until the link stops working: 24 hours when absent, a week at
    /// most.
    #[schema(example = 86400)]
    pub expires_in_secs: Option<i64>,
}

/// Who made a preview link.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewCreator {
    pub id: String,
    pub display_name: String,
}

/// A working preview link. Its token is shown only once, when the link is made.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60", "article_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    "created_at": "2026-12-04T09:00:00Z", "expires_at": "2026-12-05T09:00:00Z",
    "created_by": {"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d", "display_name": "Ann Lee"}
}))]
pub struct PreviewResponse {
    pub id: String,
    pub article_id: String,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// The link stops working at this instant (or when revoked, if sooner).
    #[serde(serialize_with = "time::rfc3339")]
    pub expires_at: DateTime<Utc>,
    pub created_by: PreviewCreator,
}

impl From<Preview> for PreviewResponse {
    fn from(p: Preview) -> Self {
        let (id, display_name) = p.created_by;
        PreviewResponse {
            id: p.id.into(),
            article_id: p.article_id.into(),
            created_at: p.created_at,
            expires_at: p.expires_at,
            created_by: PreviewCreator { id: id.into(), display_name },
        }
    }
}

/// A preview link just made, with its token: the only answer that ever holds it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60", "article_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    "token": "q3V0Yd5mH1k2cV9xWbq8Zr4sT7uN0eLpA6jGfK2iQwE",
    "url": "/api/v1/public/preview/q3V0Yd5mH1k2cV9xWbq8Zr4sT7uN0eLpA6jGfK2iQwE",
    "created_at": "2026-12-04T09:00:00Z", "expires_at": "2026-12-05T09:00:00Z",
    "created_by": {"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d", "display_name": "Ann Lee"}
}))]
pub struct CreatedPreviewResponse {
    pub id: String,
    pub article_id: String,
    /// Opens this article's preview and nothing else; it is not an access token.
    pub token: String,
    /// Where the preview is read: `GET` this path on this server, with no credentials.
    pub url: String,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub expires_at: DateTime<Utc>,
    pub created_by: PreviewCreator,
}

impl From<NewPreview> for CreatedPreviewResponse {
    fn from(new: NewPreview) -> Self {
        let link = PreviewResponse::from(new.preview);
        CreatedPreviewResponse {
            id: link.id,
            article_id: link.article_id,
            url: format!("{PUBLIC_PREVIEW_PATH}/{}", new.token),
            token: new.token,
            created_at: link.created_at,
            expires_at: link.expires_at,
            created_by: link.created_by,
        }
    }
}

pub type PreviewPage = Page<PreviewResponse>;

impl Listed for PreviewResponse {
    const PAGE: &'static str = "PreviewPage";
}

/// Makes a preview link to the article: a token that shows it, whatever its status, as
/// readers would get it, until it expires or is revoked. Whoever may edit the article
/// may make one (admins and editors any; writers their own draft or piece in review).
#[utoipa::path(
    tag = "articles", operation_id = "createArticlePreview",
    params(("id" = String, Path, description = "The article's id.")),
    request_body(content = Option<CreatePreviewRequest>, description = "Optional (no body, `null` or an object): how long the link lasts."),
    security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Made. The token is in this answer only.", body = CreatedPreviewResponse, headers(
            ("Location" = String, description = "The link's URL (read or revoke it there)."),
            ("Cache-Control" = String, description = "`no-store`: the answer holds the token."))),
        (status = 403, description = "Not one who may edit the article now: commercial users, and writers but for their own draft or piece in review."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 409, description = "The article is in the trash (`article_trashed`)."),
    )
)]
#[post("/articles/{id}/previews")]
pub async fn create_preview(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJson<CreatePreviewRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?.unwrap_or_default();
    let created = previews::create(&state, &user, id.into_inner().into(), body.expires_in_secs).await?;
    let location = format!("/api/v1/articles/{}/previews/{}", created.preview.article_id, created.preview.id);
    let res = HttpResponse::build(StatusCode::CREATED)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(CreatedPreviewResponse::from(created));
    with_location(res, location)
}

/// Lists the article's working preview links (not expired, not revoked), newest first,
/// without their tokens.
#[utoipa::path(
    tag = "articles", operation_id = "listArticlePreviews",
    params(("id" = String, Path, description = "The article's id."), PageQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of working links.", body = PreviewPage),
        (status = 403, description = "Not one who may edit the article now: commercial users, and writers but for their own draft or piece in review."),
        (status = 404, description = "No such article, or not yours to see."),
    )
)]
#[get("/articles/{id}/previews")]
pub async fn list_previews(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: ApiQuery<PageQuery>,
) -> Result<web::Json<PreviewPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode::<PreviewId>).transpose()?;
    let (items, next) = previews::list(&state, &user, id.into_inner().into(), before, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(PreviewResponse::from).collect(), next)?))
}

/// Reads one working preview link, without its token.
#[utoipa::path(
    tag = "articles", operation_id = "getArticlePreview",
    params(("id" = String, Path, description = "The article's id."), ("preview_id" = String, Path, description = "The link's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The link.", body = PreviewResponse),
        (status = 403, description = "Not one who may edit the article now: commercial users, and writers but for their own draft or piece in review."),
        (status = 404, description = "No such article (or not yours to see), or no working link of it with this id: expired and revoked links are gone."),
    )
)]
#[get("/articles/{id}/previews/{preview_id}")]
pub async fn get_preview(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<PreviewResponse>, ApiError> {
    let (id, preview_id) = path.into_inner();
    let link = previews::get(&state, &user, id.into(), preview_id.into()).await?;
    Ok(web::Json(PreviewResponse::from(link)))
}

/// Revokes a preview link: from the next request on, its token shows nothing.
#[utoipa::path(
    tag = "articles", operation_id = "revokeArticlePreview",
    params(("id" = String, Path, description = "The article's id."), ("preview_id" = String, Path, description = "The link's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Revoked."),
        (status = 403, description = "Not one who may edit the article now: commercial users, and writers but for their own draft or piece in review."),
        (status = 404, description = "No such article (or not yours to see), or no working link of it with this id (already expired or revoked)."),
    )
)]
#[delete("/articles/{id}/previews/{preview_id}")]
pub async fn revoke_preview(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, preview_id) = path.into_inner();
    previews::revoke(&state, &user, id.into(), preview_id.into()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The article a preview token opens, exactly as the public article answer
/// (`getPublicArticle`) gives a live article: embeds resolved, a metered or premium body
/// cut to its preview. It is built from the article's current content whatever its
/// status; a draft that never went live carries the time of the request as
/// `published_at`. No token needed besides the one in the path, and it opens nothing
/// else. Never cached: `Cache-Control: private, no-store`, no ETag, and
/// `X-Robots-Tag: noindex`.
#[utoipa::path(
    tag = "public", operation_id = "getPublicPreview",
    params(("token" = String, Path, description = "The token of a preview link (the last part of its `url`).")),
    responses(
        (status = 200, description = "The article as readers would get it.", body = PublicArticleResponse,
            headers(("Cache-Control" = String, description = "`private, no-store`: shown as it is now, kept by no cache."),
                    ("X-Robots-Tag" = String, description = "`noindex`: search engines leave it out."))),
        (status = 404, description = "No working link has this token: unknown, expired or revoked, or its article is in the trash (one answer for all)."),
    )
)]
#[get("/public/preview/{token}")]
pub async fn public_preview(state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let article = previews::open(&state, token.into_inner()).await?;
    let (body, _) = public_article_response(&article, state.clock.now(), &state.settings.media);
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::HeaderName::from_static("x-robots-tag"), "noindex"))
        .json(body))
}
