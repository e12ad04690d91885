//! `/api/v1/api-keys` (admins): keys for integrations. A key is shown once, when it
//! is made; afterwards only its first characters. Revoking takes effect on its next
//! request.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::api_key::{ApiKey, ApiKeyStatus, NewApiKey};
use crate::domain::id::UserId;
use crate::domain::user::Role;
use crate::error::ApiError;
use crate::http::caller::{AdminOnly, Authenticated};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::{time, with_location};
use crate::service::api_keys;
use crate::state::AppState;

/// An API key (never its secret). Its id is also the id its writes are attributed to
/// (`created_by`, revisions, bylines when it is on one).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "name": "Wire ingest", "role": "editor", "prefix": "mhk_Xy3kQ9aB",
    "status": "active", "created_by": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50", "created_at": "2026-12-05T09:30:00Z",
    "expires_at": "2027-12-31T00:00:00Z", "last_used_at": "2026-12-05T10:02:00Z", "revoked_at": null
}))]
pub struct ApiKeyResponse {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub status: ApiKeyStatus,
    /// The admin who made it.
    pub created_by: String,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    pub expires_at: Option<DateTime<Utc>>,
    /// Its last request, to the minute.
    #[serde(serialize_with = "time::rfc3339_opt")]
    pub last_used_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "time::rfc3339_opt")]
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ApiKeyResponse {
    fn new(key: ApiKey, now: DateTime<Utc>) -> ApiKeyResponse {
        let status = key.status(now);
        ApiKeyResponse {
            id: key.id.into(),
            name: key.name,
            role: key.role,
            prefix: key.prefix,
            status,
            created_by: key.created_by.into(),
            created_at: key.created_at,
            expires_at: key.expires_at,
            last_used_at: key.last_used_at,
            revoked_at: key.revoked_at,
        }
    }
}

/// A new key, with the key itself: shown this once.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "name": "Wire ingest", "role": "editor", "prefix": "mhk_Xy3kQ9aB",
    "status": "active", "created_by": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50", "created_at": "2026-12-05T09:30:00Z",
    "expires_at": null, "last_used_at": null, "revoked_at": null,
    "key": "mhk_Xy3kQ9aBcD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ"
}))]
pub struct CreatedApiKeyResponse {
    #[serde(flatten)]
    pub api_key: ApiKeyResponse,
    /// The key, sent as `Authorization: Bearer <key>`. Keep it: it is never shown again
    /// (only its digest is stored).
    pub key: String,
}

pub type ApiKeyPage = Page<ApiKeyResponse>;

impl Listed for ApiKeyResponse {
    const PAGE: &'static str = "ApiKeyPage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListApiKeysQuery {
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists API keys, newest first, revoked and expired ones included.
#[utoipa::path(
    tag = "api-keys", operation_id = "listApiKeys", params(ListApiKeysQuery), security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of keys.", body = ApiKeyPage),
        (status = 403, description = "Only admins manage API keys."),
    )
)]
#[get("/api-keys")]
pub async fn list_api_keys(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    query: ApiQuery<ListApiKeysQuery>,
) -> Result<web::Json<ApiKeyPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let (items, next) = api_keys::list(&state, before, limit).await?;
    let now = state.clock.now();
    Ok(web::Json(Page::new(items.into_iter().map(|k| ApiKeyResponse::new(k, now)).collect(), next)?))
}

/// Makes a key with a role (`editor`, `writer` or `commercial`) and an optional
/// expiry. The answer holds the key, shown this once.
#[utoipa::path(
    tag = "api-keys", operation_id = "createApiKey", request_body = NewApiKey, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Made.", body = CreatedApiKeyResponse, headers(
            ("Location" = String, description = "The new key's URL."))),
        (status = 403, description = "Only admins manage API keys."),
    )
)]
#[post("/api-keys")]
pub async fn create_api_key(
    admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    body: ApiJson<NewApiKey>,
) -> Result<HttpResponse, ApiError> {
    let created = api_keys::create(&state, &admin, body.into_inner()?).await?;
    let location = format!("/api/v1/api-keys/{}", created.key.id);
    let body =
        CreatedApiKeyResponse { api_key: ApiKeyResponse::new(created.key, state.clock.now()), key: created.secret };
    let res = HttpResponse::build(StatusCode::CREATED).insert_header(("cache-control", "no-store")).json(body);
    with_location(res, location)
}

/// Reads a key (never the key itself).
#[utoipa::path(
    tag = "api-keys", operation_id = "getApiKey", params(("id" = String, Path, description = "The key's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The key.", body = ApiKeyResponse),
        (status = 403, description = "Only admins manage API keys."),
        (status = 404, description = "No such key."),
    )
)]
#[get("/api-keys/{id}")]
pub async fn get_api_key(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<ApiKeyResponse>, ApiError> {
    let key = api_keys::get(&state, UserId::from(id.into_inner())).await?;
    Ok(web::Json(ApiKeyResponse::new(key, state.clock.now())))
}

/// Revokes a key: its next request is a 401. The key stays listed, revoked, and so
/// does what it wrote. Revoking it again changes nothing.
#[utoipa::path(
    tag = "api-keys", operation_id = "revokeApiKey", params(("id" = String, Path, description = "The key's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Revoked."),
        (status = 403, description = "Only admins manage API keys."),
        (status = 404, description = "No such key."),
    )
)]
#[delete("/api-keys/{id}")]
pub async fn revoke_api_key(
    admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    api_keys::revoke(&state, &admin, UserId::from(id.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}
