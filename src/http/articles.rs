//! `/api/v1/articles`: the newsroom's articles, their workflow, trash and revisions.
//! Admins, editors and writers only (commercial users get 403).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::articles::EditorialFilter;
use crate::domain::article::{Action, ArticlePatch, Content, NewArticle, Status, client_time};
use crate::domain::version::IfMatch;
use crate::error::ApiError;
use crate::http::caller::{Authenticated, Newsroom};
use crate::http::conditional::{RequireIfMatch, etag};
use crate::http::extract::{ApiJson, ApiQuery, OptionalJson};
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::{search_text, time, versioned, with_location};
use crate::service::articles::{self, Article, Lookup, Revision};
use crate::state::AppState;

/// An article, as editors see it.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "slug": "tokyo-stocks-rally", "headline": "Tokyo stocks rally as yen weakens",
    "standfirst": "Exporters lead the Nikkei to a three-month high", "dateline": "TOKYO", "kicker": "Markets",
    "hero_image": {"url": "https://img.example.com/tokyo.jpg", "caption": "Traders in Tokyo", "credit": "Photo: A. Sato", "alt": "A trading floor"},
    "body": [{"type": "paragraph", "text": "Shares in Tokyo rose on <em>Monday</em>."}, {"type": "heading", "text": "Exporters gain", "level": 2}],
    "section_id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", "author_ids": ["0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d"], "tags": ["japan", "stocks"],
    "access": "free", "preview_blocks": null, "seo": null, "status": "published", "publish_at": "2026-11-27T09:30:00Z",
    "first_published_at": "2026-11-27T09:30:00Z", "published_at": "2026-11-27T09:30:00Z", "updated_at": "2026-11-27T09:31:00Z",
    "created_at": "2026-11-27T08:00:00Z", "trashed_at": null, "version": 4, "external_id": "wire-20261127-0412"
}))]
pub struct ArticleResponse {
    pub id: String,
    #[serde(flatten)]
    pub content: Content,
    /// `scheduled` turns into `published` by itself when `publish_at` passes.
    pub status: Status,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub publish_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub first_published_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Set while the article is in the trash.
    #[serde(serialize_with = "time::rfc3339_opt")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub trashed_at: Option<DateTime<Utc>>,
    pub version: i64,
    /// The id another system gave the article (a wire's story id, a WordPress GUID).
    pub external_id: Option<String>,
}

impl From<Article> for ArticleResponse {
    fn from(a: Article) -> Self {
        ArticleResponse {
            id: a.id.into(),
            content: a.content,
            status: a.status,
            publish_at: a.publish_at,
            first_published_at: a.first_published_at,
            published_at: a.published_at,
            updated_at: a.updated_at,
            created_at: a.created_at,
            trashed_at: a.trashed_at,
            version: a.version,
            external_id: a.external_id,
        }
    }
}

fn article_response(status: StatusCode, article: Article) -> HttpResponse {
    versioned(status, article.version, &ArticleResponse::from(article))
}

pub type ArticlePage = Page<ArticleResponse>;

impl Listed for ArticleResponse {
    const PAGE: &'static str = "ArticlePage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListArticlesQuery {
    /// Only articles in this (effective) status.
    pub status: Option<Status>,
    /// Only articles in this section id or its sub-sections.
    pub section: Option<String>,
    /// Only articles with this author in the byline: an author's id or slug, or a user's id.
    pub author: Option<String>,
    /// Only articles with this tag.
    pub tag: Option<String>,
    /// Words to find in the headline, standfirst or body.
    pub q: Option<String>,
    /// `true` lists the trash instead.
    pub trashed: Option<bool>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// When to publish.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"publish_at": "2026-12-01T06:00:00Z"}))]
pub struct PublishRequest {
    /// In the future: scheduled, goes live by itself then. Absent or past: live now
    /// (a past time back-dates it).
    #[schema(value_type = Option<String>, format = DateTime)]
    pub publish_at: Option<time::ClientTime>,
}

/// Lists articles newest first. Writers see their own work and what is published.
#[utoipa::path(
    tag = "articles", operation_id = "listArticles", params(ListArticlesQuery), security(("bearerAuth" = [])),
    responses((status = 200, description = "A page of articles.", body = ArticlePage), (status = 403, description = "Commercial users cannot read articles here."))
)]
#[get("/articles")]
pub async fn list_articles(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    query: ApiQuery<ListArticlesQuery>,
) -> Result<web::Json<ArticlePage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let filter = EditorialFilter {
        status: q.status,
        section_ids: q.section.map(|s| vec![s.into()]),
        author: q.author,
        tag: q.tag,
        q: search_text(q.q)?,
        visible_to: None,
        trashed: q.trashed.unwrap_or(false),
    };
    let (items, next) = articles::list(&state, &user, filter, after, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(ArticleResponse::from).collect(), next)?))
}

/// Creates a draft.
#[utoipa::path(
    tag = "articles", operation_id = "createArticle", request_body = NewArticle, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created, as a draft.", body = ArticleResponse, headers(
            ("Location" = String, description = "The new article's URL."),
            ("ETag" = String, description = "The article's version, `\"1\"`."))),
        (status = 403, description = "Commercial users cannot write articles."),
        (status = 409, description = "The slug given is taken: another article has it, or had it (its redirect) (`slug_taken`); or another article has the external id (`external_id_taken`)."),
    )
)]
#[post("/articles")]
pub async fn create_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    body: ApiJson<NewArticle>,
) -> Result<HttpResponse, ApiError> {
    let new = body.into_inner()?;
    let article = articles::create(&state, &user, new).await?;
    let location = format!("/api/v1/articles/{}", article.id);
    with_location(article_response(StatusCode::CREATED, article), location)
}

/// Reads an article (404 for another writer's unpublished work).
#[utoipa::path(
    tag = "articles", operation_id = "getArticle", params(("id" = String, Path, description = "The article's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The article.", body = ArticleResponse, headers(("ETag" = String, description = "The version."))),
        (status = 403, description = "Commercial users cannot read articles here."),
        (status = 404, description = "No such article, or not yours to see."),
    )
)]
#[get("/articles/{id}")]
pub async fn get_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    Ok(article_response(StatusCode::OK, articles::get(&state, &user, id.into_inner().into()).await?))
}

/// Which article to find: exactly one of the two.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LookupQuery {
    /// The article's current slug.
    #[param(example = "tokyo-stocks-rally")]
    pub slug: Option<String>,
    /// The id another system gave the article, exactly as stored.
    #[param(example = "wire-20261127-0412")]
    pub external_id: Option<String>,
}

/// Finds an article by its current slug or by its external id, with the same
/// visibility as reading it by id (404 for another writer's unpublished work). A
/// former slug finds nothing here; on the public API it redirects.
#[utoipa::path(
    tag = "articles", operation_id = "lookupArticle", params(LookupQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The article.", body = ArticleResponse, headers(("ETag" = String, description = "The version."))),
        (status = 403, description = "Commercial users cannot read articles here."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 422, description = "Not exactly one of `slug` and `external_id` (field `query`)."),
    )
)]
#[get("/articles/lookup")]
pub async fn lookup_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    query: ApiQuery<LookupQuery>,
) -> Result<HttpResponse, ApiError> {
    let by = match query.into_inner()? {
        LookupQuery { slug: Some(slug), external_id: None } => Lookup::Slug(slug),
        LookupQuery { slug: None, external_id: Some(id) } => Lookup::ExternalId(id),
        _ => {
            return Err(crate::service::Error::invalid("query", "give exactly one of `slug` and `external_id`").into());
        }
    };
    Ok(article_response(StatusCode::OK, articles::lookup(&state, &user, by).await?))
}

/// Changes an article's content; stores a revision. Needs `If-Match`.
#[utoipa::path(
    tag = "articles", operation_id = "updateArticle",
    params(
        ("id" = String, Path, description = "The article's id."),
        ("If-Match" = String, Header, description = "The ETag of the version being changed."),
    ),
    request_body = ArticlePatch, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed article.", body = ArticleResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Writers edit only their own drafts and articles in review."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 409, description = "The slug is taken (another article has it, or had it: its redirect), another article has the external id (`external_id_taken`), or the article is in the trash."),
        (status = 412, description = "The article changed since that ETag; the response carries the current one."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/articles/{id}")]
pub async fn update_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<ArticlePatch>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let patch = body.into_inner()?;
    Ok(article_response(
        StatusCode::OK,
        articles::update(&state, &user, id.into_inner().into(), if_match, patch).await?,
    ))
}

/// Moves an article to the trash. Needs `If-Match`.
#[utoipa::path(
    tag = "articles", operation_id = "deleteArticle",
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "In the trash; restore it with POST .../restore.",
            headers(("ETag" = String, description = "The trashed article's version, for the restore's If-Match."))),
        (status = 403, description = "Writers trash only their own drafts."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 409, description = "Already in the trash."),
        (status = 412, description = "The article changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/articles/{id}")]
pub async fn delete_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    let version = articles::trash(&state, &user, id.into_inner().into(), if_match.into_inner()?).await?;
    // The ETag lets the client restore without reading the article again.
    Ok(HttpResponse::NoContent().insert_header((actix_web::http::header::ETAG, etag(version))).finish())
}

/// Brings an article back from the trash. Needs `If-Match`.
#[utoipa::path(
    tag = "articles", operation_id = "restoreArticle",
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body(content = Option<EmptyRequest>, description = "Optional; takes no fields."),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Restored.", body = ArticleResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Writers restore only their own drafts."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 409, description = "The article is not in the trash."),
        (status = 412, description = "The article changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[post("/articles/{id}/restore")]
pub async fn restore_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: OptionalJson<EmptyRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    body.into_inner()?;
    let article = articles::restore(&state, &user, id.into_inner().into(), if_match).await?;
    Ok(article_response(StatusCode::OK, article))
}

/// The body of actions that take no fields: none at all, `null` or `{}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({}))]
pub struct EmptyRequest {}

async fn act(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: String,
    if_match: IfMatch,
    action: Action,
    publish_at: Option<DateTime<Utc>>,
) -> Result<HttpResponse, ApiError> {
    let article = articles::act(&state, &user, id.into(), if_match, action, publish_at).await?;
    Ok(article_response(StatusCode::OK, article))
}

/// Sends a draft for review (draft → in_review). Writers may submit their own.
#[utoipa::path(
    tag = "articles", operation_id = "submitArticle",
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body(content = Option<EmptyRequest>, description = "Optional; takes no fields."),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "In review.", body = ArticleResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Not yours to submit."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 409, description = "Not open from the current status; `detail` names the allowed actions."),
        (status = 412, description = "The article changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[post("/articles/{id}/submit")]
pub async fn submit_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: OptionalJson<EmptyRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    body.into_inner()?;
    act(user, state, id.into_inner(), if_match, Action::Submit, None).await
}

/// Publishes now, or schedules for a future `publish_at` (admins and editors).
#[utoipa::path(
    tag = "articles", operation_id = "publishArticle",
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body(content = Option<PublishRequest>, description = "Optional (no body, `null` or an object): when to publish."),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Published or scheduled.", body = ArticleResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only admins and editors publish."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 409, description = "Not open from the current status; `detail` names the allowed actions."),
        (status = 412, description = "The article changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[post("/articles/{id}/publish")]
pub async fn publish_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: OptionalJson<PublishRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let body = body.into_inner()?.unwrap_or_default();
    let mut times = time::ClientTimes::default();
    let publish_at = times.take("publish_at", body.publish_at);
    times.check()?;
    let publish_at = publish_at.map(|t| client_time("publish_at", t)).transpose().map_err(ApiError::Validation)?;
    act(user, state, id.into_inner(), if_match, Action::Publish, publish_at).await
}

/// Takes an article back to draft (from review, scheduled, published or archived).
#[utoipa::path(
    tag = "articles", operation_id = "unpublishArticle",
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body(content = Option<EmptyRequest>, description = "Optional; takes no fields."),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Back to draft.", body = ArticleResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only admins and editors unpublish."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 409, description = "Not open from the current status; `detail` names the allowed actions."),
        (status = 412, description = "The article changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[post("/articles/{id}/unpublish")]
pub async fn unpublish_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: OptionalJson<EmptyRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    body.into_inner()?;
    act(user, state, id.into_inner(), if_match, Action::Unpublish, None).await
}

/// Archives a published article: off the public site, kept for the record.
#[utoipa::path(
    tag = "articles", operation_id = "archiveArticle",
    params(("id" = String, Path, description = "The article's id."), ("If-Match" = String, Header, description = "The current ETag.")),
    request_body(content = Option<EmptyRequest>, description = "Optional; takes no fields."),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Archived.", body = ArticleResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only admins and editors archive."),
        (status = 404, description = "No such article, or not yours to see."),
        (status = 409, description = "Not open from the current status; `detail` names the allowed actions."),
        (status = 412, description = "The article changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[post("/articles/{id}/archive")]
pub async fn archive_article(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: OptionalJson<EmptyRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    body.into_inner()?;
    act(user, state, id.into_inner(), if_match, Action::Archive, None).await
}

/// Who made a revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionAuthor {
    pub id: String,
    pub display_name: String,
}

/// A revision without its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionSummary {
    /// Counts from 1 per article.
    pub number: i64,
    /// The article's version this revision produced.
    pub article_version: i64,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    pub created_by: RevisionAuthor,
    /// `created`, `edited` or `restored revision N`.
    pub note: String,
}

/// A revision with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionResponse {
    #[serde(flatten)]
    pub summary: RevisionSummary,
    pub content: Content,
}

fn summary(r: &Revision) -> RevisionSummary {
    RevisionSummary {
        number: r.number,
        article_version: r.article_version,
        created_at: r.created_at,
        created_by: RevisionAuthor { id: r.created_by.0.clone().into(), display_name: r.created_by.1.clone() },
        note: r.note.clone(),
    }
}

pub type RevisionPage = Page<RevisionSummary>;

impl Listed for RevisionSummary {
    const PAGE: &'static str = "RevisionPage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists an article's revisions, newest first. Only those who may edit the article now
/// read them (they keep text removed before publication).
#[utoipa::path(
    tag = "articles", operation_id = "listArticleRevisions",
    params(("id" = String, Path, description = "The article's id."), PageQuery),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of revisions.", body = RevisionPage),
        (status = 403, description = "Not one who may edit the article now: commercial users, and writers but for their own draft or piece in review."),
        (status = 404, description = "No such article, or not yours to see."),
    )
)]
#[get("/articles/{id}/revisions")]
pub async fn list_revisions(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: ApiQuery<PageQuery>,
) -> Result<web::Json<RevisionPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (items, next) = articles::revisions(&state, &user, id.into_inner().into(), before, limit).await?;
    Ok(web::Json(Page::new(items.iter().map(summary).collect(), next)?))
}

/// A revision number as written in URLs: 1, 2, 3... (no sign, no leading zero).
fn revision_number(raw: &str) -> Result<i64, ApiError> {
    let canonical =
        !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) && !raw.starts_with('0') && raw.len() <= 18;
    raw.parse::<i64>().ok().filter(|_| canonical).ok_or_else(|| ApiError::not_found("Revision"))
}

/// Reads one revision with its content (those who may edit the article now).
#[utoipa::path(
    tag = "articles", operation_id = "getArticleRevision",
    params(("id" = String, Path, description = "The article's id."), ("n" = i64, Path, description = "The revision number (from 1).")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The revision.", body = RevisionResponse),
        (status = 403, description = "Not one who may edit the article now: commercial users, and writers but for their own draft or piece in review."),
        (status = 404, description = "No such article or revision."),
    )
)]
#[get("/articles/{id}/revisions/{n}")]
pub async fn get_revision(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<RevisionResponse>, ApiError> {
    let (id, n) = path.into_inner();
    let n = revision_number(&n)?;
    let r = articles::revision(&state, &user, id.into(), n).await?;
    Ok(web::Json(RevisionResponse { summary: summary(&r), content: r.content }))
}

/// Puts a revision's content back, as a new save (and a new revision). Needs `If-Match`.
#[utoipa::path(
    tag = "articles", operation_id = "restoreArticleRevision",
    params(
        ("id" = String, Path, description = "The article's id."),
        ("n" = i64, Path, description = "The revision number (from 1)."),
        ("If-Match" = String, Header, description = "The article's current ETag."),
    ),
    request_body(content = Option<EmptyRequest>, description = "Optional; takes no fields."),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The article with the revision's content.", body = ArticleResponse, headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Writers edit only their own drafts and articles in review, and place no sponsored block (the rules of PATCH)."),
        (status = 404, description = "No such article or revision."),
        (status = 409, description = "The revision's slug is taken now, or the article is in the trash."),
        (status = 412, description = "The article changed since that ETag."),
        (status = 422, description = "The revision's content does not pass the checks of PATCH now: a reference (section, author) no longer exists, or a writer's byline would lose them."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[post("/articles/{id}/revisions/{n}/restore")]
pub async fn restore_revision(
    user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    if_match: RequireIfMatch,
    body: OptionalJson<EmptyRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    body.into_inner()?;
    let (id, n) = path.into_inner();
    let n = revision_number(&n)?;
    Ok(article_response(StatusCode::OK, articles::restore_revision(&state, &user, id.into(), n, if_match).await?))
}
