//! `/api/v1/articles/{id}/corrections` (editors keep an article's public log) and
//! `/api/v1/public/corrections` (the site-wide log of live articles).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::article::client_time;
use crate::domain::correction::CorrectionKind;
use crate::error::ApiError;
use crate::http::articles::PageQuery;
use crate::http::caller::{Authenticated, Newsroom};
use crate::http::conditional::{RequireIfMatch, public_json};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{self, At, Cursor, Listed, Page};
use crate::http::{non_null, time, versioned, with_location};
use crate::service::corrections::{self, Correction, CorrectionInput, CorrectionPatch, Logged};
use crate::state::AppState;

/// A correction, clarification or update in an article's public log.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60", "article_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
    "kind": "correction", "text": "An earlier version of this article misstated the mayor's age. She is 52.",
    "corrected_at": "2026-12-01T10:15:00Z", "created_by": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a01",
    "created_at": "2026-12-01T10:16:00Z", "updated_at": "2026-12-01T10:16:00Z", "version": 1
}))]
pub struct CorrectionResponse {
    pub id: String,
    pub article_id: String,
    pub kind: CorrectionKind,
    /// Inline HTML (links, emphasis), sanitised.
    pub text: String,
    /// When the article was corrected, as readers are told.
    #[serde(serialize_with = "time::rfc3339")]
    pub corrected_at: DateTime<Utc>,
    /// The user who logged it.
    pub created_by: String,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; the ETag is `"<version>"`.
    pub version: i64,
}

impl From<Correction> for CorrectionResponse {
    fn from(c: Correction) -> Self {
        CorrectionResponse {
            id: c.id.into(),
            article_id: c.article_id.into(),
            kind: c.kind,
            text: c.text,
            corrected_at: c.corrected_at,
            created_by: c.created_by.into(),
            created_at: c.created_at,
            updated_at: c.updated_at,
            version: c.version,
        }
    }
}

pub type CorrectionPage = Page<CorrectionResponse>;

impl Listed for CorrectionResponse {
    const PAGE: &'static str = "CorrectionPage";
}

/// A correction as readers see it, in the public article.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60", "kind": "correction",
    "text": "An earlier version of this article misstated the mayor's age. She is 52.",
    "corrected_at": "2026-12-01T10:15:00Z"
}))]
pub struct PublicCorrection {
    pub id: String,
    pub kind: CorrectionKind,
    /// Inline HTML, sanitised.
    pub text: String,
    #[serde(serialize_with = "time::rfc3339")]
    pub corrected_at: DateTime<Utc>,
}

impl From<&Correction> for PublicCorrection {
    fn from(c: &Correction) -> Self {
        PublicCorrection { id: c.id.clone().into(), kind: c.kind, text: c.text.clone(), corrected_at: c.corrected_at }
    }
}

/// The article a logged correction belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct CorrectedArticle {
    pub id: String,
    pub slug: String,
    pub headline: String,
}

/// A correction in the site-wide log, with its article.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60", "kind": "correction",
    "text": "An earlier version of this article misstated the mayor's age. She is 52.",
    "corrected_at": "2026-12-01T10:15:00Z",
    "article": {"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "slug": "mayor-opens-bridge", "headline": "Mayor opens bridge"}
}))]
pub struct PublicLoggedCorrection {
    #[serde(flatten)]
    pub correction: PublicCorrection,
    pub article: CorrectedArticle,
}

impl From<Logged> for PublicLoggedCorrection {
    fn from(l: Logged) -> Self {
        PublicLoggedCorrection {
            correction: PublicCorrection::from(&l.correction),
            article: CorrectedArticle { id: l.correction.article_id.into(), slug: l.slug, headline: l.headline },
        }
    }
}

pub type PublicCorrectionPage = Page<PublicLoggedCorrection>;

impl Listed for PublicLoggedCorrection {
    const PAGE: &'static str = "PublicCorrectionPage";
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "correction", "text": "An earlier version of this article misstated the mayor's age. She is 52."}))]
pub struct CreateCorrectionRequest {
    pub kind: CorrectionKind,
    /// Inline HTML (`a`, `em`, `strong`...); anything else is removed. 1 to 2,000 characters.
    pub text: String,
    /// When the article was corrected (default: now); not more than five minutes ahead.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub corrected_at: Option<time::ClientTime>,
}

/// Fields to change; absent fields stay.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "clarification"}))]
pub struct UpdateCorrectionRequest {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = CorrectionKind)]
    pub kind: Option<CorrectionKind>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub text: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String, format = DateTime)]
    pub corrected_at: Option<time::ClientTime>,
}

/// A client's `corrected_at`: 422 when it is not a date-time or out of range.
fn corrected_at(raw: Option<time::ClientTime>) -> Result<Option<DateTime<Utc>>, ApiError> {
    let mut times = time::ClientTimes::default();
    let at = times.take("corrected_at", raw);
    times.check()?;
    at.map(|t| client_time("corrected_at", t)).transpose().map_err(ApiError::Validation)
}

fn correction_response(status: StatusCode, c: Correction) -> HttpResponse {
    versioned(status, c.version, &CorrectionResponse::from(c))
}

/// Lists an article's corrections, oldest first (whoever may see the article).
#[utoipa::path(
    tag = "corrections", operation_id = "listCorrections",
    params(("id" = String, Path, description = "The article's id."), PageQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of the log.", body = CorrectionPage),
        (status = 403, description = "Commercial users do not read the newsroom's articles."),
        (status = 404, description = "No such article, or not yours to see."),
    )
)]
#[get("/articles/{id}/corrections")]
pub async fn list_corrections(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: ApiQuery<PageQuery>,
) -> Result<web::Json<CorrectionPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode::<(At, String)>).transpose()?;
    let after = after.map(|(At(at), id)| (at, id.into()));
    let (items, next) = corrections::list(&state, &user, id.into_inner().into(), after, limit).await?;
    let next = next.map(|(at, id)| (At(at), String::from(id)));
    Ok(web::Json(Page::new(items.into_iter().map(CorrectionResponse::from).collect(), next)?))
}

/// Adds a correction, clarification or update to an article's public log (editors and
/// admins). It shows in the public article at once when the article is live.
#[utoipa::path(
    tag = "corrections", operation_id = "createCorrection",
    params(("id" = String, Path, description = "The article's id.")),
    request_body = CreateCorrectionRequest, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Logged.", body = CorrectionResponse, headers(
            ("Location" = String, description = "The correction's URL."),
            ("ETag" = String, description = "Its version, `\"1\"`."))),
        (status = 403, description = "Only editors and admins correct articles."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 409, description = "The article is in the trash."),
        (status = 422, description = "A field is invalid (every one is named)."),
    )
)]
#[post("/articles/{id}/corrections")]
pub async fn create_correction(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ApiJson<CreateCorrectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    let input = CorrectionInput { kind: b.kind, text: b.text, corrected_at: corrected_at(b.corrected_at)? };
    let c = corrections::create(&state, &user, id.into_inner().into(), input).await?;
    let location = format!("/api/v1/articles/{}/corrections/{}", c.article_id, c.id);
    with_location(correction_response(StatusCode::CREATED, c), location)
}

/// Reads one correction.
#[utoipa::path(
    tag = "corrections", operation_id = "getCorrection",
    params(
        ("id" = String, Path, description = "The article's id."),
        ("correction_id" = String, Path, description = "The correction's id."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The correction.", body = CorrectionResponse,
            headers(("ETag" = String, description = "Its version."))),
        (status = 403, description = "Commercial users do not read the newsroom's articles."),
        (status = 404, description = "No such article or correction, or not yours to see."),
    )
)]
#[get("/articles/{id}/corrections/{correction_id}")]
pub async fn get_correction(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (article, id) = path.into_inner();
    let c = corrections::get(&state, &user, article.into(), id.into()).await?;
    Ok(correction_response(StatusCode::OK, c))
}

/// Changes a correction (editors and admins). Needs `If-Match`.
#[utoipa::path(
    tag = "corrections", operation_id = "updateCorrection",
    params(
        ("id" = String, Path, description = "The article's id."),
        ("correction_id" = String, Path, description = "The correction's id."),
        ("If-Match" = String, Header, description = "The ETag of the version being changed."),
    ),
    request_body = UpdateCorrectionRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed correction.", body = CorrectionResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only editors and admins correct articles."),
        (status = 404, description = "No such article or correction, or not yours to see."),
        (status = 409, description = "The article is in the trash."),
        (status = 412, description = "The correction changed since that ETag; the response carries the current one."),
        (status = 422, description = "A field is invalid (every one is named)."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/articles/{id}/corrections/{correction_id}")]
pub async fn update_correction(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    if_match: RequireIfMatch,
    body: ApiJson<UpdateCorrectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let patch = CorrectionPatch { kind: b.kind, text: b.text, corrected_at: corrected_at(b.corrected_at)? };
    let (article, id) = path.into_inner();
    let c = corrections::update(&state, &user, article.into(), id.into(), if_match, patch).await?;
    Ok(correction_response(StatusCode::OK, c))
}

/// Removes a correction from the log (editors and admins), for one logged by mistake.
/// Needs `If-Match`.
#[utoipa::path(
    tag = "corrections", operation_id = "deleteCorrection",
    params(
        ("id" = String, Path, description = "The article's id."),
        ("correction_id" = String, Path, description = "The correction's id."),
        ("If-Match" = String, Header, description = "The ETag of the version being deleted."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Removed."),
        (status = 403, description = "Only editors and admins correct articles."),
        (status = 404, description = "No such article or correction, or not yours to see."),
        (status = 409, description = "The article is in the trash."),
        (status = 412, description = "The correction changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/articles/{id}/corrections/{correction_id}")]
pub async fn delete_correction(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let (article, id) = path.into_inner();
    corrections::delete(&state, &user, article.into(), id.into(), if_match).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The site's corrections log: every correction of a live article, newest first.
#[utoipa::path(
    tag = "public", operation_id = "listPublicCorrections", params(PageQuery),
    responses(
        (status = 200, description = "A page of the log.", body = PublicCorrectionPage,
            headers(("ETag" = String, description = "Changes when the page changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
    )
)]
#[get("/public/corrections")]
pub async fn public_corrections(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode::<(At, String)>).transpose()?;
    let before = before.map(|(At(at), id)| (at, id.into()));
    let (items, next) = corrections::public_log(&state, before, limit).await?;
    let next = next.map(|(at, id)| (At(at), String::from(id)));
    let body = Page::new(items.into_iter().map(PublicLoggedCorrection::from).collect(), next)?;
    public_json(&req, state.settings.public_max_age, &body)
}
