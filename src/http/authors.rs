//! `/api/v1/authors` (editorial) and `/api/v1/public/authors/{slug}` (an author's page).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::article::Image;
use crate::domain::author::{AuthorFields, AuthorLink};
use crate::error::ApiError;
use crate::http::caller::{Authenticated, Editors, Newsroom};
use crate::http::conditional::{RequireIfMatch, render, respond};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::media::PublicImage;
use crate::http::pagination::{self, At, Cursor, Listed, Page};
use crate::http::public::{Cached, PublicArticlePage, summary};
use crate::http::{non_null, nullable, time, versioned, with_location};
use crate::public_cache::Lifetime;
use crate::service::authors::{self, Author, AuthorPatch};
use crate::state::AppState;

/// An author: a person or agency bylines name, with or without an account.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70", "slug": "ann-lee", "name": "Ann Lee",
    "job_title": "Asia correspondent", "bio": "Ann covers North-East Asia from <em>Seoul</em>.",
    "photo": {"url": "https://images.example.org/ann.jpg", "asset_id": null, "caption": null, "credit": null, "alt": "Ann Lee"},
    "links": [{"label": "Mastodon", "url": "https://example.social/@annlee"}],
    "user_id": null, "article_count": 12,
    "created_at": "2026-11-27T09:30:00Z", "updated_at": "2026-11-28T10:00:00Z", "version": 2
}))]
pub struct AuthorResponse {
    /// What `author_ids` of articles hold. An author made for a user has the user's id.
    pub id: String,
    /// Their public page: `/api/v1/public/authors/{slug}`.
    pub slug: String,
    pub name: String,
    pub job_title: Option<String>,
    /// Inline HTML (a, em, strong, br).
    pub bio: Option<String>,
    /// A library image (`asset_id`) or a URL.
    pub photo: Option<Image>,
    pub links: Vec<AuthorLink>,
    /// The account linked to them: their articles are that user's own.
    pub user_id: Option<String>,
    /// Articles naming them, in any state (trashed ones too).
    pub article_count: i64,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; the ETag is `"<version>"`.
    pub version: i64,
}

impl From<Author> for AuthorResponse {
    fn from(a: Author) -> Self {
        AuthorResponse {
            id: a.id.into(),
            slug: a.slug,
            name: a.name,
            job_title: a.job_title,
            bio: a.bio,
            photo: a.photo,
            links: a.links,
            user_id: a.user_id.map(Into::into),
            article_count: a.article_count,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

pub type AuthorPage = Page<AuthorResponse>;

impl Listed for AuthorResponse {
    const PAGE: &'static str = "AuthorPage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListAuthorsQuery {
    /// Only authors whose name or slug contains this, ignoring case.
    pub q: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Ann Lee", "job_title": "Asia correspondent",
    "links": [{"label": "Mastodon", "url": "https://example.social/@annlee"}]}))]
pub struct CreateAuthorRequest {
    pub name: String,
    /// Defaults to a free one made from the name; unique.
    pub slug: Option<String>,
    pub job_title: Option<String>,
    /// Inline HTML (a, em, strong, br); anything else is removed.
    pub bio: Option<String>,
    /// A library image (`asset_id`) or a URL.
    pub photo: Option<Image>,
    #[serde(default)]
    pub links: Vec<AuthorLink>,
    /// A newsroom user (admin, editor or writer) to link; one author per user.
    pub user_id: Option<String>,
}

/// Fields to change; absent fields stay; nullable ones accept `null`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"job_title": "Tokyo bureau chief"}))]
pub struct UpdateAuthorRequest {
    /// Bylines show the new name at once.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub job_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub bio: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Image>)]
    pub photo: Option<Option<Image>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Vec<AuthorLink>)]
    pub links: Option<Vec<AuthorLink>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Option<String>>,
}

/// Lists authors by name.
#[utoipa::path(
    tag = "authors", operation_id = "listAuthors", params(ListAuthorsQuery), security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of authors.", body = AuthorPage),
        (status = 403, description = "Only the newsroom (admins, editors and writers) reads authors."),
    )
)]
#[get("/authors")]
pub async fn list_authors(
    _user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    query: ApiQuery<ListAuthorsQuery>,
) -> Result<web::Json<AuthorPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode::<(String, String)>).transpose()?;
    let (items, next) = authors::list(&state, q.q, after, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(AuthorResponse::from).collect(), next)?))
}

/// Creates an author (a freelancer, a wire service, or a newsroom user's byline).
#[utoipa::path(
    tag = "authors", operation_id = "createAuthor", request_body = CreateAuthorRequest, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created.", body = AuthorResponse, headers(
            ("Location" = String, description = "The new author's URL."),
            ("ETag" = String, description = "The author's version, `\"1\"`."))),
        (status = 403, description = "Only admins and editors manage authors."),
        (status = 409, description = "The slug is taken (`slug_taken`), or the user has an author (`user_linked`)."),
    )
)]
#[post("/authors")]
pub async fn create_author(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    body: ApiJson<CreateAuthorRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    let slug_given = b.slug.is_some();
    let fields = AuthorFields {
        slug: b.slug.unwrap_or_default(),
        name: b.name,
        job_title: b.job_title,
        bio: b.bio,
        photo: b.photo,
        links: b.links,
        user_id: b.user_id.map(Into::into),
    }
    .validate(slug_given)
    .map_err(ApiError::Validation)?;
    let author = authors::create(&state, fields, slug_given).await?;
    let location = format!("/api/v1/authors/{}", author.id);
    with_location(versioned(StatusCode::CREATED, author.version, &AuthorResponse::from(author)), location)
}

/// Reads an author.
#[utoipa::path(
    tag = "authors", operation_id = "getAuthor", params(("id" = String, Path, description = "The author's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The author.", body = AuthorResponse,
            headers(("ETag" = String, description = "The author's version."))),
        (status = 403, description = "Only the newsroom (admins, editors and writers) reads authors."),
        (status = 404, description = "No such author."),
    )
)]
#[get("/authors/{id}")]
pub async fn get_author(
    _user: Authenticated<Newsroom>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let author = authors::get(&state, id.into_inner().into()).await?;
    Ok(versioned(StatusCode::OK, author.version, &AuthorResponse::from(author)))
}

/// Changes an author. Needs `If-Match`.
#[utoipa::path(
    tag = "authors", operation_id = "updateAuthor",
    params(
        ("id" = String, Path, description = "The author's id."),
        ("If-Match" = String, Header, description = "The ETag of the version being changed, e.g. `\"3\"`."),
    ),
    request_body = UpdateAuthorRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed author.", body = AuthorResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only admins and editors manage authors."),
        (status = 404, description = "No such author."),
        (status = 409, description = "The slug is taken (`slug_taken`), or the user has another author (`user_linked`)."),
        (status = 412, description = "The author changed since that ETag; the response carries the current one."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/authors/{id}")]
pub async fn update_author(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<UpdateAuthorRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let patch = AuthorPatch {
        slug: b.slug,
        name: b.name,
        job_title: b.job_title,
        bio: b.bio,
        photo: b.photo,
        links: b.links,
        user_id: b.user_id.map(|u| u.map(Into::into)),
    };
    let author = authors::update(&state, id.into_inner().into(), if_match, patch).await?;
    Ok(versioned(StatusCode::OK, author.version, &AuthorResponse::from(author)))
}

/// Deletes an author whom no article names. Needs `If-Match`.
#[utoipa::path(
    tag = "authors", operation_id = "deleteAuthor",
    params(
        ("id" = String, Path, description = "The author's id."),
        ("If-Match" = String, Header, description = "The ETag of the version being deleted."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Only admins and editors manage authors."),
        (status = 404, description = "No such author."),
        (status = 409, description = "Articles name this author (`author_has_articles`)."),
        (status = 412, description = "The author changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/authors/{id}")]
pub async fn delete_author(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    authors::delete(&state, id.into_inner().into(), if_match.into_inner()?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// An author on their public page (bylines carry only `{id, display_name}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorProfile {
    /// What bylines (`authors[].id`) carry.
    pub id: String,
    pub slug: String,
    pub name: String,
    pub job_title: Option<String>,
    /// Inline HTML (a, em, strong, br).
    pub bio: Option<String>,
    pub photo: Option<PublicImage>,
    pub links: Vec<AuthorLink>,
}

/// An author and a page of their live articles.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "author": {"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70", "slug": "ann-lee", "name": "Ann Lee",
        "job_title": "Asia correspondent", "bio": null, "photo": null, "links": []},
    "articles": {"items": [], "next_cursor": null}
}))]
pub struct PublicAuthorPage {
    pub author: AuthorProfile,
    /// Newest first; pass `next_cursor` as `cursor` for more.
    pub articles: PublicArticlePage,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PublicAuthorQuery {
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `articles.next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// An author with their live articles, newest first, by slug or by id (the same
/// answer; bylines carry the id). An author no live article names is 404.
#[utoipa::path(
    tag = "public", operation_id = "getPublicAuthor",
    params(("slug" = String, Path, description = "The author's slug, or their id."), PublicAuthorQuery),
    responses(
        (status = 200, description = "The author and a page of their articles.", body = PublicAuthorPage,
            headers(("ETag" = String, description = "Changes when the answer changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
        (status = 404, description = "No author has this slug or id, or no live article names them."),
    )
)]
#[get("/public/authors/{slug}")]
pub async fn public_author(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: ApiQuery<PublicAuthorQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode::<(At, String)>).transpose()?.map(|(At(at), id)| (at, id));
    let cached = Cached::look_up(&req, &state).await?;
    if let Some((hit, _)) = cached.hit() {
        return Ok(respond(&req, state.settings.public_max_age, None, hit));
    }
    let (author, page) = authors::public_page(&state, slug.into_inner(), after, limit).await?;
    let media = &state.settings.media;
    let items = page.items.iter().map(|a| summary(a, media)).collect();
    let body = PublicAuthorPage {
        author: AuthorProfile {
            id: author.id.into(),
            slug: author.slug,
            name: author.name,
            job_title: author.job_title,
            bio: author.bio,
            photo: author.photo.as_ref().map(|p| PublicImage::new(p, media)),
            links: author.links,
        },
        articles: Page::new(items, page.next.map(|(at, id)| (At(at), id)))?,
    };
    let rendered = render(&body)?;
    cached.keep(&state, Lifetime::until(page.until), &rendered);
    Ok(respond(&req, state.settings.public_max_age, None, &rendered))
}
