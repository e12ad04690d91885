//! `/api/v1/sections` (editorial) and `/api/v1/public/sections` (the site's tree).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::id::SectionId;
use crate::domain::section::SectionFields;
use crate::error::ApiError;
use crate::http::caller::{Authenticated, Editors};
use crate::http::conditional::{RequireIfMatch, public_json};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::{non_null, nullable, time, versioned, with_location};
use crate::service::sections::{self, Section, SectionPatch};
use crate::state::AppState;

/// A section of the site.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "slug": "asia", "name": "Asia",
    "description": "News from Asia", "parent_id": null, "position": 3,
    "created_at": "2026-11-27T09:30:00Z", "updated_at": "2026-11-27T09:30:00Z", "version": 1
}))]
pub struct SectionResponse {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// The parent section, `null` at the top of the tree.
    pub parent_id: Option<String>,
    /// Order among siblings, ascending.
    pub position: i64,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    /// Increases on every change; the ETag is `"<version>"`.
    pub version: i64,
}

impl From<Section> for SectionResponse {
    fn from(s: Section) -> Self {
        SectionResponse {
            id: s.id.into(),
            slug: s.slug,
            name: s.name,
            description: s.description,
            parent_id: s.parent_id.map(Into::into),
            position: s.position,
            created_at: s.created_at,
            updated_at: s.updated_at,
            version: s.version,
        }
    }
}

pub type SectionPage = Page<SectionResponse>;

impl Listed for SectionResponse {
    const PAGE: &'static str = "SectionPage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListSectionsQuery {
    /// Only the direct children of this section id.
    pub parent: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Asia", "slug": "asia", "description": "News from Asia", "position": 3}))]
pub struct CreateSectionRequest {
    pub name: String,
    /// Defaults to one made from the name; unique.
    pub slug: Option<String>,
    pub description: Option<String>,
    /// The parent section; omit or `null` for a top-level section.
    pub parent_id: Option<String>,
    /// Order among siblings (default 0).
    pub position: Option<i64>,
}

/// Fields to change; absent fields stay. `description` and `parent_id` accept `null`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Asia Pacific", "position": 2}))]
pub struct UpdateSectionRequest {
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    /// `null` moves the section to the top level.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = i64)]
    pub position: Option<i64>,
}

/// Lists sections in display order (position, then creation).
#[utoipa::path(
    tag = "sections", operation_id = "listSections", params(ListSectionsQuery), security(("bearerAuth" = [])),
    responses((status = 200, description = "A page of sections.", body = SectionPage))
)]
#[get("/sections")]
pub async fn list_sections(
    _user: Authenticated,
    state: web::Data<AppState>,
    query: ApiQuery<ListSectionsQuery>,
) -> Result<web::Json<SectionPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (items, next) = sections::list(&state, q.parent, after, limit).await?;
    // The key: (position, id).
    Ok(web::Json(Page::new(items.into_iter().map(SectionResponse::from).collect(), next)?))
}

/// Creates a section.
#[utoipa::path(
    tag = "sections", operation_id = "createSection", request_body = CreateSectionRequest, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created.", body = SectionResponse, headers(
            ("Location" = String, description = "The new section's URL."),
            ("ETag" = String, description = "The section's version, `\"1\"`."))),
        (status = 403, description = "Only admins and editors manage sections."),
        (status = 409, description = "The slug is taken."),
    )
)]
#[post("/sections")]
pub async fn create_section(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    body: ApiJson<CreateSectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    let slug_given = b.slug.is_some();
    let fields = SectionFields {
        slug: b.slug.unwrap_or_default(),
        name: b.name,
        description: b.description,
        parent_id: b.parent_id.map(Into::into),
        position: b.position.unwrap_or(0),
    }
    .validate(slug_given)
    .map_err(ApiError::Validation)?;
    let section = sections::create(&state, fields).await?;
    let location = format!("/api/v1/sections/{}", section.id);
    with_location(versioned(StatusCode::CREATED, section.version, &SectionResponse::from(section)), location)
}

/// Reads a section.
#[utoipa::path(
    tag = "sections", operation_id = "getSection", params(("id" = String, Path, description = "The section's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The section.", body = SectionResponse,
            headers(("ETag" = String, description = "The section's version."))),
        (status = 404, description = "No such section."),
    )
)]
#[get("/sections/{id}")]
pub async fn get_section(
    _user: Authenticated,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let section = sections::get(&state, id.into_inner().into()).await?;
    Ok(versioned(StatusCode::OK, section.version, &SectionResponse::from(section)))
}

/// Changes a section. Needs `If-Match` with the current ETag.
#[utoipa::path(
    tag = "sections", operation_id = "updateSection",
    params(
        ("id" = String, Path, description = "The section's id."),
        ("If-Match" = String, Header, description = "The ETag of the version being changed, e.g. `\"3\"`."),
    ),
    request_body = UpdateSectionRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The changed section.", body = SectionResponse,
            headers(("ETag" = String, description = "The new version."))),
        (status = 403, description = "Only admins and editors manage sections."),
        (status = 404, description = "No such section."),
        (status = 409, description = "The slug is taken."),
        (status = 412, description = "The section changed since that ETag; the response carries the current one."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[patch("/sections/{id}")]
pub async fn update_section(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
    body: ApiJson<UpdateSectionRequest>,
) -> Result<HttpResponse, ApiError> {
    let if_match = if_match.into_inner()?;
    let b = body.into_inner()?;
    let patch = SectionPatch {
        slug: b.slug,
        name: b.name,
        description: b.description,
        parent_id: b.parent_id.map(|o| o.map(Into::into)),
        position: b.position,
    };
    let section = sections::update(&state, id.into_inner().into(), if_match, patch).await?;
    Ok(versioned(StatusCode::OK, section.version, &SectionResponse::from(section)))
}

/// Deletes an empty section. Needs `If-Match`.
#[utoipa::path(
    tag = "sections", operation_id = "deleteSection",
    params(
        ("id" = String, Path, description = "The section's id."),
        ("If-Match" = String, Header, description = "The ETag of the version being deleted."),
    ),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "Only admins and editors manage sections."),
        (status = 404, description = "No such section."),
        (status = 409, description = "The section still holds sub-sections or articles."),
        (status = 412, description = "The section changed since that ETag."),
        (status = 428, description = "If-Match is missing."),
    )
)]
#[delete("/sections/{id}")]
pub async fn delete_section(
    _editor: Authenticated<Editors>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    if_match: RequireIfMatch,
) -> Result<HttpResponse, ApiError> {
    sections::delete(&state, id.into_inner().into(), if_match.into_inner()?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A section in the public tree.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicSection {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub position: i64,
    /// Sub-sections, in display order.
    #[schema(no_recursion)]
    pub children: Vec<PublicSection>,
}

/// The whole tree.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"items": [{"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "slug": "business", "name": "Business",
    "description": null, "position": 1, "children": [{"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", "slug": "markets",
    "name": "Markets", "description": null, "position": 0, "children": []}]}]}))]
pub struct PublicSectionTree {
    pub items: Vec<PublicSection>,
}

/// A link to a section.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SectionRef {
    pub id: String,
    pub slug: String,
    pub name: String,
}

/// One section with its parent and sub-sections.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicSectionDetail {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub position: i64,
    /// `null` for a top-level section.
    pub parent: Option<SectionRef>,
    pub children: Vec<PublicSection>,
}

/// The sections under `parent` as a tree. Each section is placed once, at most 8 deep,
/// so even a damaged tree cannot recurse without end.
fn subtree(all: &[Section], parent: Option<&SectionId>) -> Vec<PublicSection> {
    fn build(
        all: &[Section],
        parent: Option<&SectionId>,
        seen: &mut Vec<SectionId>,
        depth: usize,
    ) -> Vec<PublicSection> {
        if depth > crate::domain::section::MAX_DEPTH {
            return Vec::new();
        }
        let mut out = Vec::new();
        for s in all.iter().filter(|s| s.parent_id.as_ref() == parent) {
            if seen.contains(&s.id) {
                continue;
            }
            seen.push(s.id.clone());
            out.push(PublicSection {
                id: s.id.clone().into(),
                slug: s.slug.clone(),
                name: s.name.clone(),
                description: s.description.clone(),
                position: s.position,
                children: build(all, Some(&s.id), seen, depth + 1),
            });
        }
        out
    }
    build(all, parent, &mut Vec::new(), 0)
}

/// The sections tree, for a site's navigation.
#[utoipa::path(
    tag = "public", operation_id = "getPublicSections",
    responses(
        (status = 200, description = "The tree, top-level sections first.", body = PublicSectionTree,
            headers(("ETag" = String, description = "Changes when the tree changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
    )
)]
#[get("/public/sections")]
pub async fn public_sections(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let all = sections::all(&state).await?;
    public_json(&req, state.settings.public_max_age, &PublicSectionTree { items: subtree(&all, None) })
}

/// One section by slug, with its parent and sub-sections.
#[utoipa::path(
    tag = "public", operation_id = "getPublicSection", params(("slug" = String, Path, description = "The section's slug.")),
    responses(
        (status = 200, description = "The section.", body = PublicSectionDetail,
            headers(("ETag" = String, description = "Changes when the section changes."),
                    ("Cache-Control" = String, description = "public, max-age=..."))),
        (status = 304, description = "Not modified (If-None-Match matched)."),
        (status = 404, description = "No such section."),
    )
)]
#[get("/public/sections/{slug}")]
pub async fn public_section(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let all = sections::all(&state).await?;
    let section = all.iter().find(|s| s.slug == *slug).ok_or_else(|| ApiError::not_found("Section"))?;
    let parent = section.parent_id.as_ref().and_then(|p| all.iter().find(|s| &s.id == p)).map(|p| SectionRef {
        id: p.id.clone().into(),
        slug: p.slug.clone(),
        name: p.name.clone(),
    });
    let detail = PublicSectionDetail {
        id: section.id.clone().into(),
        slug: section.slug.clone(),
        name: section.name.clone(),
        description: section.description.clone(),
        position: section.position,
        parent,
        children: subtree(&all, Some(&section.id)),
    };
    public_json(&req, state.settings.public_max_age, &detail)
}
