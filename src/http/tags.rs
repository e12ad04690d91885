//! `/api/v1/tags` (editorial) and `/api/v1/public/tags/{slug}` (a tag's page).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::tag::TagFields;
use crate::error::ApiError;
use crate::http::caller::{Authenticated, Editors, Newsroom};
use crate::http::conditional::{RequireIfMatch, render, respond};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{self, At, Cursor, Listed, Page};
use crate::http::public::{Cached, PublicArticlePage, summary};
use crate::http::{non_null, nullable, time, versioned, with_location};
use crate::public_cache::Lifetime;
use crate::service::tags::{self, Tag, TagLookup, TagPatch};
use crate::state::AppState;

/// A tag. Articles carry its `name` in their `tags`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a60", "slug": "climate-change", "name": "Climate change",
    "description": "Our reporting on the climate crisis.", "article_count": 42,
    "created_at": "2026-11-27T09:30:00Z", "updated_at": "2026-11-28T10:00:00Z", "version": 2
}))]
pub struct TagResponse {
    pub id: String,
    /// Its public URL: `/api/v1/public/tags/{slug}`. Former slugs redirect there.
    pub slug: String,
    /// What articles carry. Unique, ignoring case.
    pub name: String,
    pub description: Option<String>,
    /// Articles carrying it, in any state (trashed ones too).
    pub article_count: i64,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Increases on every change to the tag's own fields; the ETag is `"<version>"`.
    pub version: i64,
}

impl From<Tag> for TagResponse {
    fn from(t: Tag) -> Self {
        TagResponse {
            id: t.id.into(),
            slug: t.slug,
            name: t.name,
            description: t.description,
            article_count: t.article_count,
            created_at: t.created_at,
            updated_at: t.updated_at,
            version: t.version,
        }
    }
}

pub type TagPage = Page<TagResponse>;

impl Listed for TagResponse {
    const PAGE: &'static str = "TagPage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListTagsQuery {
    /// Only tags whose name or slug contains this, ignoring case.
    pub q: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Climate change", "description": "Our reporting on the climate crisis."}))]
pub struct CreateTagRequest {
    pub name: String,
    /// Defaults to a free one made from the name; unique.
    pub slug: Option<String>,
    pub description: Option<String>,
}

/// Fields to change; absent fields stay. `description` accepts `null`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Climate crisis", "slug": "climate-crisis"}))]
pub struct UpdateTagRequest {
    /// A new name goes onto every article carrying the tag.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub name: Option<String>,
    /// The old slug keeps answering, with a 301 to the new one.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

/// The tag to merge into.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"into": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a61"}))]
pub struct MergeTagRequest {
    /// The id of the tag that stays.
    pub into: String,
}

/// Lists tags by name (ignoring case).
#[utoipa::path(
    tag = "tags", operation_id = "listTags", params(ListTagsQuery), security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of tags.", body = TagPage),
        (status = 403, description = "Only the newsroom (admins, editors and writers) reads tags."),
    )
)]
#[get("/tags")]
pub async fn list_tags(
    _user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    query: ApiQuery<ListTagsQuery>,
) -> Result<web::Json<TagPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode::<String>).transpose()?;
    let (items, next) = tags::list(&state, q.q, after, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(TagResponse::from).collect(), next)?))
}

/// Creates a tag. (Articles also make tags: a name no tag has becomes a new tag.)
#[utoipa::path(
    tag = "tags", operation_id = "createTag", request_body = CreateTagRequest, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created.", body = TagResponse, headers(
            ("Location" = String, description = "The new tag's URL."),
            ("ETag" = String, description = "The tag's version, `\"1\"`."))),
        (status = 403, description = "Only admins and editors manage tags."),
        (status = 409, description = "The name (`tag_exists`) or the slug (`slug_taken`) is another tag's."),
    )
)]
#[post("/tags")]
pub async fn create_tag(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    body: ApiJson<CreateTagRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    let slug_given = b.slug.is_some();
    let fields = TagFields { name: b.name, slug: b.slug.unwrap_or_default(), description: b.description }
        .validate(slug_given)
        .map_err(ApiError::Validation)?;
    let tag = tags::create(&state, fields, slug_given).await?;
    let location = format!("/api/v1/tags/{}", tag.id);
    with_location(versioned(StatusCode::CREATED, tag.version, &TagResponse::from(tag)), location)
}

/// Reads a tag.
#[utoipa::path(
    tag = "tags", operation_id = "getTag", params(("id" = String, Path, description = "The tag's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The tag.", body = TagResponse,
            headers(("ETag" = String, description = "The tag's version."))),
        (status = 403, description = "Only the newsroom (admins, editors and writers) reads tags."),
        (status = 404, description = "No such tag."),
    )
)]
#[get("/tags/{id}")]
pub async fn get_tag(
    _user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let tag = tags::get(&state, id.into_inner().into()).await?;
    Ok(versioned(StatusCode::OK, tag.version, &TagResponse::from(tag)))
}

/// Renames a tag or changes its slug or description. Needs `If-Match`. A new name
/// goes onto every article carrying the tag (each gets a new version); a former slug
/// answers with a 301 to the new one.
#[utoipa::path(
    tag = "tags", operation_id = "updateTag",
    params(
        ("id" = String, Path, description = "The tag's id."),
        ("If-Match" = String, Header, description = "The ETag of the version being changed, e.g. `\"3\"`."),
    ),
    request_body = UpdateTagRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed tag.", body = TagResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only admins and editors manage tags."),
        (status = 404, description = "No such tag."),
        (status = 409, description = "The name (`tag_exists`: merge instead) or the slug (`slug_taken`) is another tag's."),
        (status = 412, description = "The tag changed since that ETag; the response carries the current one."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/tags/{id}")]
pub async fn update_tag(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<UpdateTagRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let patch = TagPatch { name: b.name, slug: b.slug, description: b.description };
    let tag = tags::update(&state, id.into_inner().into(), if_match, patch).await?;
    Ok(versioned(StatusCode::OK, tag.version, &TagResponse::from(tag)))
}

/// Deletes a tag and takes it off every article carrying it (each gets a new
/// version). Its public page and former slugs answer 404. Needs `If-Match`.
#[utoipa::path(
    tag = "tags", operation_id = "deleteTag",
    params(
        ("id" = String, Path, description = "The tag's id."),
        ("If-Match" = String, Header, description = "The ETag of the version being deleted."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Only admins and editors manage tags."),
        (status = 404, description = "No such tag."),
        (status = 412, description = "The tag changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/tags/{id}")]
pub async fn delete_tag(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    tags::delete(&state, id.into_inner().into(), if_match.into_inner()?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Merges this tag into another: its articles carry the other tag instead (each gets
/// a new version), its slug and former slugs redirect to the other's page, and it is
/// deleted. Needs `If-Match` with this tag's ETag. Answers the tag that stays.
#[utoipa::path(
    tag = "tags", operation_id = "mergeTag",
    params(
        ("id" = String, Path, description = "The id of the tag to merge (it goes away)."),
        ("If-Match" = String, Header, description = "The ETag of the tag being merged."),
    ),
    request_body = MergeTagRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The tag that stays, with the merged tag's articles.", body = TagResponse,
            headers(("ETag" = String, description = "Its version (unchanged by the merge)."))),
        (status = 403, description = "Only admins and editors manage tags."),
        (status = 404, description = "No such tag."),
        (status = 412, description = "The tag changed since that ETag."),
        (status = 422, description = "`into` is not another existing tag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[post("/tags/{id}/merge")]
pub async fn merge_tag(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<MergeTagRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let tag = tags::merge(&state, id.into_inner().into(), if_match, b.into.into()).await?;
    Ok(versioned(StatusCode::OK, tag.version, &TagResponse::from(tag)))
}

/// A tag on its public page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicTag {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

/// A tag and a page of its live articles.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "tag": {"slug": "climate-change", "name": "Climate change", "description": "Our reporting on the climate crisis."},
    "articles": {"items": [], "next_cursor": null}
}))]
pub struct PublicTagPage {
    pub tag: PublicTag,
    /// Newest first; pass `next_cursor` as `cursor` for more.
    pub articles: PublicArticlePage,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicTagQuery {
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `articles.next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Where public tag pages are, as requested (the cache's keys are request paths).
const TAGS_PATH: &str = "/api/v1/public/tags";

/// A tag with its live articles, newest first. A former slug answers 301 to the
/// current one; a tag that no live article carries is 404.
#[utoipa::path(
    tag = "public", operation_id = "getPublicTag",
    params(("slug" = String, Path, description = "The tag's slug."), PublicTagQuery),
    responses(
        (status = 200, description = "The tag and a page of its articles.", body = PublicTagPage,
            headers(("ETag" = String, description = "Changes when the answer changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 301, description = "The tag has a new slug (renamed, or merged into another tag).",
            headers(("Location" = String, description = "The tag's page now, with the same query."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
        (status = 404, description = "No tag has this slug, or no live article carries it."),
    )
)]
#[get("/public/tags/{slug}")]
pub async fn public_tag(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: ApiQuery<PublicTagQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode::<(At, String)>).transpose()?.map(|(At(at), id)| (at, id));
    let cached = Cached::look_up(&req, &state).await?;
    if let Some((hit, _)) = cached.hit() {
        return Ok(respond(&req, state.settings.public_max_age, None, hit));
    }
    match tags::public_page(&state, slug.into_inner(), after, limit).await? {
        TagLookup::Moved(current) => {
            let query = req.query_string();
            let query = if query.is_empty() { String::new() } else { format!("?{query}") };
            Ok(HttpResponse::MovedPermanently()
                .insert_header((header::LOCATION, format!("{TAGS_PATH}/{current}{query}")))
                .insert_header((header::CACHE_CONTROL, format!("public, max-age={}", state.settings.public_max_age)))
                .finish())
        }
        TagLookup::Found { tag, page } => {
            let media = &state.settings.media;
            let items = page.items.iter().map(|a| summary(a, media)).collect();
            let articles = Page::new(items, page.next.map(|(at, id)| (At(at), id)))?;
            let body = PublicTagPage {
                tag: PublicTag { slug: tag.slug, name: tag.name, description: tag.description },
                articles,
            };
            let rendered = render(&body)?;
            cached.keep(&state, Lifetime::until(page.until), &rendered);
            Ok(respond(&req, state.settings.public_max_age, None, &rendered))
        }
    }
}
