//! `/api/v1/users`: accounts and roles, admins only. `DELETE` deactivates.

use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::users::UserFilter;
use crate::domain::user::{NewUser, Role};
use crate::error::ApiError;
use crate::http::articles::EmptyRequest;
use crate::http::caller::{AdminOnly, Authenticated};
use crate::http::extract::{ApiJson, ApiQuery, OptionalJson};
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::{non_null, time};
use crate::service::users::{self, User, UserPatch};
use crate::state::AppState;

/// An account. Only `/users` and `/auth/me` ever show emails and roles.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "email": "ann@example.org",
    "display_name": "Ann Lee", "role": "editor", "active": true,
    "created_at": "2026-11-27T09:30:00Z", "updated_at": "2026-11-27T09:30:00Z"
}))]
pub struct UserResponse {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    #[serde(serialize_with = "time::rfc3339")]
    pub created_at: DateTime<Utc>,
    #[serde(serialize_with = "time::rfc3339")]
    pub updated_at: DateTime<Utc>,
}

impl From<User> for UserResponse {
    fn from(u: User) -> Self {
        UserResponse {
            id: u.id.into(),
            email: u.email,
            display_name: u.display_name,
            role: u.role,
            active: u.active,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

pub type UserPage = Page<UserResponse>;

impl Listed for UserResponse {
    const PAGE: &'static str = "UserPage";
    const PAGE_DESCRIPTION: Option<&'static str> = Some("A page of users.");
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListUsersQuery {
    /// Only users with this role.
    pub role: Option<Role>,
    /// Only active (`true`) or deactivated (`false`) users.
    pub active: Option<bool>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "ann@example.org", "display_name": "Ann Lee", "role": "editor", "password": "a long passphrase"}))]
pub struct CreateUserRequest {
    /// Unique, case-insensitively; stored lower-cased.
    pub email: String,
    /// Shown on bylines; defaults to the email's local part.
    pub display_name: Option<String>,
    pub role: Role,
    /// At least 12 characters.
    #[schema(write_only)]
    pub password: String,
    /// Defaults to `true`.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Fields to change; absent fields stay as they are (`null` is not accepted).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"role": "writer"}))]
pub struct UpdateUserRequest {
    /// A new email address (unique, case-insensitively).
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub email: Option<String>,
    /// A new byline name.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String)]
    pub display_name: Option<String>,
    /// A new role; applies to the user's next request.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = Role)]
    pub role: Option<Role>,
    /// `false` deactivates: every session of the user ends at once.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = bool)]
    pub active: Option<bool>,
    /// Sets a new password (at least 12 characters); every session of the user ends.
    #[serde(default, deserialize_with = "non_null")]
    #[schema(value_type = String, write_only)]
    pub password: Option<String>,
}

/// A colleague as every signed-in user may see them: the name a byline shows, and
/// whether the account is active. No email and no role (those stay with `/users`).
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "display_name": "Ann Lee", "active": true}))]
pub struct Person {
    pub id: String,
    pub display_name: String,
    /// `false` for a deactivated account (its bylines stay).
    pub active: bool,
}

impl From<User> for Person {
    fn from(u: User) -> Self {
        Person { id: u.id.to_string(), display_name: u.display_name, active: u.active }
    }
}

pub type PersonPage = Page<Person>;

impl Listed for Person {
    const PAGE: &'static str = "PersonPage";
    const PAGE_DESCRIPTION: Option<&'static str> = Some("A page of people.");
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListPeopleQuery {
    /// Only active (`true`) or deactivated (`false`) accounts.
    pub active: Option<bool>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Lists the newsroom's people by name for bylines and author filters, in creation
/// order: any signed-in user may read it.
#[utoipa::path(
    tag = "users", operation_id = "listPeople", params(ListPeopleQuery), security(("bearerAuth" = [])),
    responses((status = 200, description = "A page of people.", body = PersonPage))
)]
#[get("/people")]
pub async fn list_people(
    _user: Authenticated,
    state: web::Data<AppState>,
    query: ApiQuery<ListPeopleQuery>,
) -> Result<web::Json<PersonPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let filter = UserFilter { role: None, active: q.active };
    let (items, next) = users::list(&state, filter, after, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(Person::from).collect(), next)?))
}

/// Lists users in creation order.
#[utoipa::path(
    tag = "users", operation_id = "listUsers", params(ListUsersQuery), security(("bearerAuth" = [])),
    responses((status = 200, description = "A page of users.", body = UserPage), (status = 403, description = "Not an admin."))
)]
#[get("/users")]
pub async fn list_users(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    query: ApiQuery<ListUsersQuery>,
) -> Result<web::Json<UserPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let after = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let filter = UserFilter { role: q.role, active: q.active };
    let (items, next) = users::list(&state, filter, after, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(UserResponse::from).collect(), next)?))
}

/// Creates a user.
#[utoipa::path(
    tag = "users", operation_id = "createUser", request_body = CreateUserRequest, security(("bearerAuth" = [])),
    responses(
        (status = 201, description = "Created.", body = UserResponse,
            headers(("Location" = String, description = "The new user's URL."))),
        (status = 403, description = "Not an admin."),
        (status = 409, description = "The email is taken."),
    )
)]
#[post("/users")]
pub async fn create_user(
    admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    body: ApiJson<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    let new = NewUser::validate(&b.email, b.display_name.as_deref(), b.role, b.active, &b.password)
        .map_err(ApiError::Validation)?;
    let user = users::create(&state, &admin.actor(), new).await?;
    Ok(HttpResponse::Created()
        .insert_header(("location", format!("/api/v1/users/{}", user.id)))
        .json(UserResponse::from(user)))
}

/// Reads a user.
#[utoipa::path(
    tag = "users", operation_id = "getUser", params(("id" = String, Path, description = "The user's id.")),
    security(("bearerAuth" = [])),
    responses((status = 200, description = "The user.", body = UserResponse), (status = 403, description = "Not an admin."), (status = 404, description = "No such user."))
)]
#[get("/users/{id}")]
pub async fn get_user(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<UserResponse>, ApiError> {
    Ok(web::Json(users::get(&state, id.into_inner().into()).await?.into()))
}

/// Changes a user's email, name, role, active flag or password. Role and active
/// changes apply to the user's very next request.
#[utoipa::path(
    tag = "users", operation_id = "updateUser", params(("id" = String, Path, description = "The user's id.")),
    request_body = UpdateUserRequest, security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "The updated user.", body = UserResponse),
        (status = 403, description = "Not an admin."),
        (status = 404, description = "No such user."),
        (status = 409, description = "The email is taken, or this would leave no active admin."),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: ApiJson<UpdateUserRequest>,
) -> Result<web::Json<UserResponse>, ApiError> {
    let b = body.into_inner()?;
    let patch = UserPatch {
        email: b.email,
        display_name: b.display_name,
        role: b.role,
        active: b.active,
        password: b.password,
    }
    .validate()?;
    Ok(web::Json(users::update(&state, &admin.actor(), id.into_inner().into(), patch).await?.into()))
}

/// Deactivates a user (users are never erased: their bylines stay). Their sessions
/// end at once.
#[utoipa::path(
    tag = "users", operation_id = "deleteUser", params(("id" = String, Path, description = "The user's id.")),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Deactivated."),
        (status = 403, description = "Not an admin."),
        (status = 404, description = "No such user."),
        (status = 409, description = "This is the last active admin."),
    )
)]
#[delete("/users/{id}")]
pub async fn delete_user(
    admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    users::deactivate(&state, &admin.actor(), id.into_inner().into()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lets a locked-out user sign in again at once: forgets the account's failed sign-ins
/// from every address (the throttle's window would otherwise run out by itself).
#[utoipa::path(
    tag = "users", operation_id = "unlockUser", params(("id" = String, Path, description = "The user's id.")),
    request_body(content = Option<EmptyRequest>, description = "Optional; takes no fields."),
    security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Unlocked: the account's failed sign-ins are forgotten."),
        (status = 403, description = "Not an admin."),
        (status = 404, description = "No such user."),
    )
)]
#[post("/users/{id}/unlock")]
pub async fn unlock_user(
    admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: OptionalJson<EmptyRequest>,
) -> Result<HttpResponse, ApiError> {
    body.into_inner()?;
    crate::service::auth::unlock(&state, &admin, id.into_inner().into()).await?;
    Ok(HttpResponse::NoContent().finish())
}
