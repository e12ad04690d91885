//! `/api/v1/sponsored` (the commercial team's campaigns; editors read them) and
//! `/api/v1/public/sponsored` (what runs now, always labelled, and its counts).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::article::Block;
use crate::domain::sponsored::{Cta, Placement, SponsoredContent, SponsoredStatus};
use crate::error::ApiError;
use crate::http::caller::{Authenticated, Commercial, SponsoredReaders};
use crate::http::conditional::{RequireIfMatch, public_json_until};
use crate::http::extract::{ApiJson, ApiQuery, client_ip};
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::{non_null, nullable, time, versioned, with_location};
use crate::service::sponsored::{self, PublicContext, Sponsored, SponsoredPatch};
use crate::state::AppState;

/// A sponsored block, as the commercial team manages it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "title": "The future of container shipping",
    "sponsor_name": "Harbourline Studio", "label": "Sponsored Content",
    "disclosure": "This content was commissioned by Harbourline Studio.",
    "body": [{"type": "paragraph", "text": "Ports are changing."}],
    "cta": {"text": "Read the report", "url": "https://studio.example.com/report"},
    "logo_url": "https://studio.example.com/logo.png", "placement": "article_inline",
    "section_ids": [], "article_ids": [], "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2026-12-31T00:00:00Z",
    "status": "active", "created_at": "2026-11-27T09:30:00Z", "updated_at": "2026-11-27T09:30:00Z", "version": 1
}))]
pub struct SponsoredResponse {
    pub id: String,
    pub title: String,
    pub sponsor_name: String,
    /// Shown with the block, always (e.g. "Sponsored Content").
    pub label: String,
    /// Shown with the block, always (e.g. "This content was commissioned by ...").
    pub disclosure: String,
    pub body: Vec<Block>,
    pub cta: Option<Cta>,
    pub logo_url: Option<String>,
    pub placement: Placement,
    /// Runs on these sections (and their sub-sections and articles).
    pub section_ids: Vec<String>,
    /// Runs on these articles.
    pub article_ids: Vec<String>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<DateTime<Utc>>,
    /// Exclusive: the block stops at this instant.
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<DateTime<Utc>>,
    pub status: SponsoredStatus,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<Sponsored> for SponsoredResponse {
    fn from(b: Sponsored) -> Self {
        let c = b.content;
        SponsoredResponse {
            id: b.id.into(),
            title: c.title,
            sponsor_name: c.sponsor_name,
            label: c.label,
            disclosure: c.disclosure,
            body: c.body,
            cta: c.cta,
            logo_url: c.logo_url,
            placement: c.placement,
            section_ids: c.section_ids.into_iter().map(Into::into).collect(),
            article_ids: c.article_ids.into_iter().map(Into::into).collect(),
            starts_at: c.starts_at,
            ends_at: c.ends_at,
            status: c.status,
            created_at: b.created_at,
            updated_at: b.updated_at,
            version: b.version,
        }
    }
}

fn block_response(status: StatusCode, block: Sponsored) -> HttpResponse {
    versioned(status, block.version, &SponsoredResponse::from(block))
}

/// A sponsored block as readers see it: always marked, labelled and disclosed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicSponsored {
    pub id: String,
    /// Always `true`.
    pub sponsored: bool,
    pub title: String,
    pub sponsor_name: String,
    pub label: String,
    pub disclosure: String,
    pub body: Vec<Block>,
    pub cta: Option<Cta>,
    pub logo_url: Option<String>,
    pub placement: Placement,
}

impl From<&Sponsored> for PublicSponsored {
    fn from(b: &Sponsored) -> Self {
        let c = &b.content;
        PublicSponsored {
            id: b.id.clone().into(),
            sponsored: true,
            title: c.title.clone(),
            sponsor_name: c.sponsor_name.clone(),
            label: c.label.clone(),
            disclosure: c.disclosure.clone(),
            body: c.body.clone(),
            cta: c.cta.clone(),
            logo_url: c.logo_url.clone(),
            placement: c.placement,
        }
    }
}

pub type SponsoredPage = Page<SponsoredResponse>;

impl Listed for SponsoredResponse {
    const PAGE: &'static str = "SponsoredPage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListSponsoredQuery {
    /// Only blocks in this status.
    pub status: Option<SponsoredStatus>,
    /// Only blocks of this placement.
    pub placement: Option<Placement>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "The future of container shipping", "sponsor_name": "Harbourline Studio",
    "label": "Sponsored Content", "disclosure": "This content was commissioned by Harbourline Studio.",
    "body": [{"type": "paragraph", "text": "Ports are changing."}], "placement": "article_inline", "status": "active"
}))]
pub struct CreateSponsoredRequest {
    pub title: String,
    pub sponsor_name: String,
    /// Required, with visible text.
    pub label: String,
    /// Required, with visible text.
    pub disclosure: String,
    #[serde(default)]
    pub body: Vec<Block>,
    pub cta: Option<Cta>,
    pub logo_url: Option<String>,
    pub placement: Placement,
    #[serde(default)]
    pub section_ids: Vec<String>,
    #[serde(default)]
    pub article_ids: Vec<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<time::ClientTime>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<time::ClientTime>,
    /// Defaults to `draft`.
    pub status: Option<SponsoredStatus>,
}

/// Fields to change; absent fields stay. `label` and `disclosure` can be replaced,
/// never cleared.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "paused"}))]
pub struct UpdateSponsoredRequest {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub sponsor_name: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub label: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub disclosure: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<Block>)]
    pub body: Option<Vec<Block>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Cta>)]
    pub cta: Option<Option<Cta>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub logo_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Placement)]
    pub placement: Option<Placement>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<String>)]
    pub section_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<String>)]
    pub article_ids: Option<Vec<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub starts_at: Option<Option<time::ClientTime>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub ends_at: Option<Option<time::ClientTime>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = SponsoredStatus)]
    pub status: Option<SponsoredStatus>,
}

/// Lists sponsored blocks, newest first.
#[utoipa::path(
    tag = "sponsored", operation_id = "listSponsored", params(ListSponsoredQuery), security(("bearerAuth" = [])),
    responses((status = 200, description = "A page of sponsored blocks.", body = SponsoredPage), (status = 403, description = "Writers cannot see sponsored blocks."))
)]
#[get("/sponsored")]
pub async fn list_sponsored(
    _user: Authenticated<SponsoredReaders>,
    state: web::Data<AppState>,
    query: ApiQuery<ListSponsoredQuery>,
) -> Result<web::Json<SponsoredPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (items, next) = sponsored::list(&state, q.status, q.placement, after, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(SponsoredResponse::from).collect(), next)?))
}

/// Creates a sponsored block (commercial users and admins).
#[utoipa::path(
    tag = "sponsored", operation_id = "createSponsored", request_body = CreateSponsoredRequest, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created.", body = SponsoredResponse, headers(
            ("Location" = String, description = "The new block's URL."),
            ("ETag" = String, description = "The block's version, `\"1\"`."))),
        (status = 403, description = "Only commercial users and admins manage sponsored blocks."),
    )
)]
#[post("/sponsored")]
pub async fn create_sponsored(
    user: Authenticated<Commercial>,
    state: web::Data<AppState>,
    body: ApiJson<CreateSponsoredRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    let mut times = time::ClientTimes::default();
    let content = SponsoredContent {
        title: b.title,
        sponsor_name: b.sponsor_name,
        label: b.label,
        disclosure: b.disclosure,
        body: b.body,
        cta: b.cta,
        logo_url: b.logo_url,
        placement: b.placement,
        section_ids: b.section_ids.into_iter().map(Into::into).collect(),
        article_ids: b.article_ids.into_iter().map(Into::into).collect(),
        starts_at: times.take("starts_at", b.starts_at),
        ends_at: times.take("ends_at", b.ends_at),
        status: b.status.unwrap_or(SponsoredStatus::Draft),
    };
    times.check()?;
    let block = sponsored::create(&state, &user, content).await?;
    let location = format!("/api/v1/sponsored/{}", block.id);
    with_location(block_response(StatusCode::CREATED, block), location)
}

/// Reads a sponsored block.
#[utoipa::path(
    tag = "sponsored", operation_id = "getSponsored", params(("id" = String, Path, description = "The block's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The block.", body = SponsoredResponse, headers(("ETag" = String, description = "The version."))),
        (status = 403, description = "Writers cannot see sponsored blocks."),
        (status = 404, description = "No such block."),
    )
)]
#[get("/sponsored/{id}")]
pub async fn get_sponsored(
    _user: Authenticated<SponsoredReaders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(block_response(StatusCode::OK, sponsored::get(&state, id.into_inner().into()).await?))
}

/// Changes a sponsored block. Needs `If-Match`.
#[utoipa::path(
    tag = "sponsored", operation_id = "updateSponsored",
    params(("id" = String, Path, description = "The block's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body = UpdateSponsoredRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed block.", body = SponsoredResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only commercial users and admins manage sponsored blocks."),
        (status = 404, description = "No such block."),
        (status = 412, description = "The block changed since that ETag; the response carries the current one."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/sponsored/{id}")]
pub async fn update_sponsored(
    user: Authenticated<Commercial>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<UpdateSponsoredRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let mut times = time::ClientTimes::default();
    let patch = SponsoredPatch {
        title: b.title,
        sponsor_name: b.sponsor_name,
        label: b.label,
        disclosure: b.disclosure,
        body: b.body,
        cta: b.cta,
        logo_url: b.logo_url,
        placement: b.placement,
        section_ids: b.section_ids.map(|v| v.into_iter().map(Into::into).collect()),
        article_ids: b.article_ids.map(|v| v.into_iter().map(Into::into).collect()),
        starts_at: times.take_patch("starts_at", b.starts_at),
        ends_at: times.take_patch("ends_at", b.ends_at),
        status: b.status,
    };
    times.check()?;
    Ok(block_response(StatusCode::OK, sponsored::update(&state, &user, id.into_inner().into(), if_match, patch).await?))
}

/// Deletes a sponsored block no article embeds. Needs `If-Match`.
#[utoipa::path(
    tag = "sponsored", operation_id = "deleteSponsored",
    params(("id" = String, Path, description = "The block's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Only commercial users and admins manage sponsored blocks."),
        (status = 404, description = "No such block."),
        (status = 409, description = "Articles embed it: take it out of them first (or pause it)."),
        (status = 412, description = "The block changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/sponsored/{id}")]
pub async fn delete_sponsored(
    user: Authenticated<Commercial>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    sponsored::delete(&state, &user, id.into_inner().into(), if_match.into_inner()?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A stored revision of a sponsored block.
#[derive(Debug, Serialize, ToSchema)]
pub struct SponsoredRevisionResponse {
    pub number: i64,
    pub block_version: i64,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// The user id who saved it.
    pub created_by: String,
    pub note: String,
    pub title: String,
    pub label: String,
    pub disclosure: String,
    pub status: SponsoredStatus,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SponsoredRevisionList {
    pub items: Vec<SponsoredRevisionResponse>,
}

/// Lists a block's revisions, newest first.
#[utoipa::path(
    tag = "sponsored", operation_id = "listSponsoredRevisions", params(("id" = String, Path, description = "The block's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Every revision.", body = SponsoredRevisionList),
        (status = 403, description = "Writers cannot see sponsored blocks."),
        (status = 404, description = "No such block."),
    )
)]
#[get("/sponsored/{id}/revisions")]
pub async fn sponsored_revisions(
    _user: Authenticated<SponsoredReaders>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<SponsoredRevisionList>, ApiError> {
    let items = sponsored::revisions(&state, id.into_inner().into())
        .await?
        .into_iter()
        .map(|r| SponsoredRevisionResponse {
            number: r.number,
            block_version: r.block_version,
            created_at: r.created_at,
            created_by: r.created_by,
            note: r.note,
            title: r.content.title,
            label: r.content.label,
            disclosure: r.content.disclosure,
            status: r.content.status,
        })
        .collect();
    Ok(web::Json(SponsoredRevisionList { items }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DailyCount {
    /// `YYYY-MM-DD`, UTC.
    #[schema(example = "2026-11-27")]
    pub date: String,
    pub impressions: i64,
    pub clicks: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SponsoredStats {
    pub block_id: String,
    /// Days with any event, oldest first.
    pub days: Vec<DailyCount>,
    pub impressions: i64,
    pub clicks: i64,
}

/// Daily impressions and clicks, for sponsors' reports (commercial users and admins).
#[utoipa::path(
    tag = "sponsored", operation_id = "getSponsoredStats", params(("id" = String, Path, description = "The block's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The counts.", body = SponsoredStats),
        (status = 403, description = "Only commercial users and admins see the counts."),
        (status = 404, description = "No such block."),
    )
)]
#[get("/sponsored/{id}/stats")]
pub async fn sponsored_stats(
    _user: Authenticated<Commercial>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<SponsoredStats>, ApiError> {
    let id = id.into_inner();
    let days: Vec<DailyCount> = sponsored::stats(&state, id.clone().into())
        .await?
        .into_iter()
        .map(|(date, impressions, clicks)| DailyCount { date, impressions, clicks })
        .collect();
    Ok(web::Json(SponsoredStats {
        block_id: id,
        impressions: days.iter().map(|d| d.impressions).sum(),
        clicks: days.iter().map(|d| d.clicks).sum(),
        days,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicSponsoredQuery {
    /// The slug of the article being read.
    pub article: Option<String>,
    /// The slug of the section being shown.
    pub section: Option<String>,
    /// Only blocks for this slot.
    pub placement: Option<Placement>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PublicSponsoredList {
    pub items: Vec<PublicSponsored>,
}

/// The sponsored blocks running now for a page: untargeted ones, and those targeting
/// its article or section (or a section above it).
#[utoipa::path(
    tag = "public", operation_id = "listPublicSponsored", params(PublicSponsoredQuery),
    responses(
        (status = 200, description = "The live blocks, each labelled and disclosed.", body = PublicSponsoredList,
            headers(("ETag" = String, description = "Changes when the answer changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
    )
)]
#[get("/public/sponsored")]
pub async fn public_sponsored(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: ApiQuery<PublicSponsoredQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner()?;
    let blocks =
        sponsored::live_for(&state, PublicContext { article: q.article, section: q.section, placement: q.placement })
            .await?;
    let body = PublicSponsoredList { items: blocks.iter().map(PublicSponsored::from).collect() };
    let now = state.clock.now();
    let ends = blocks.iter().filter_map(|b| b.content.ends_at).min().map(|end| (end - now).num_seconds());
    // Sponsored answers are never served stale; with a flight ending, not past its end.
    public_json_until(&req, state.settings.public_max_age, Some(ends.unwrap_or(i64::MAX)), &body)
}

async fn track(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: String,
    click: bool,
) -> Result<HttpResponse, ApiError> {
    let address = client_ip(&req, &state.settings.trusted_proxies);
    sponsored::track(&state, id.into(), click, address).await?;
    Ok(HttpResponse::NoContent().insert_header(("cache-control", "no-store")).finish())
}

/// Counts one impression of a live block.
#[utoipa::path(
    tag = "public", operation_id = "countSponsoredImpression", params(("id" = String, Path, description = "The block's id.")),
    responses(
        (status = 204, description = "Counted."),
        (status = 404, description = "No live block has this id."),
        (status = 429, description = "Too many events from this address for this block; see Retry-After.",
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    )
)]
#[post("/public/sponsored/{id}/impressions")]
pub async fn count_impression(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    track(req, state, id.into_inner(), false).await
}

/// Counts one click of a live block.
#[utoipa::path(
    tag = "public", operation_id = "countSponsoredClick", params(("id" = String, Path, description = "The block's id.")),
    responses(
        (status = 204, description = "Counted."),
        (status = 404, description = "No live block has this id."),
        (status = 429, description = "Too many events from this address for this block; see Retry-After.",
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    )
)]
#[post("/public/sponsored/{id}/clicks")]
pub async fn count_click(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    track(req, state, id.into_inner(), true).await
}
