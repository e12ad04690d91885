//! `/api/v1/auth`: login, refresh, logout, the current user, password change.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::http::caller::Authenticated;
use crate::http::extract::{ApiJson, client_ip};
use crate::http::users::UserResponse;
use crate::service::auth::{self, TokenPair};
use crate::state::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"email": "admin@localhost", "password": "a long passphrase"}))]
pub struct LoginRequest {
    pub email: String,
    #[schema(write_only)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"refresh_token": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5"}))]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"current_password": "the old passphrase", "new_password": "a new long passphrase"}))]
pub struct ChangePasswordRequest {
    #[schema(write_only)]
    pub current_password: String,
    /// At least 12 characters.
    #[schema(write_only)]
    pub new_password: String,
}

/// Tokens for a signed-in user.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6IjEyMzQifQ.eyJzdWIiOiIuLi4ifQ.c2ln",
    "refresh_token": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5",
    "token_type": "Bearer", "expires_in": 900,
    "user": {"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "email": "admin@localhost", "display_name": "Administrator",
             "role": "admin", "active": true, "created_at": "2026-11-27T09:30:00Z", "updated_at": "2026-11-27T09:30:00Z"}
}))]
pub struct TokenResponse {
    /// A JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Single use: exchange it at `/auth/refresh` for a new pair.
    pub refresh_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub user: UserResponse,
}

impl From<TokenPair> for TokenResponse {
    fn from(p: TokenPair) -> Self {
        TokenResponse {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: "Bearer",
            expires_in: p.expires_in,
            user: p.user.into(),
        }
    }
}

fn no_store(body: TokenResponse) -> HttpResponse {
    HttpResponse::Ok().insert_header(("cache-control", "no-store")).json(body)
}

/// Signs in with email and password.
#[utoipa::path(
    tag = "auth", operation_id = "login", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in.", body = TokenResponse),
        (status = 401, description = "Wrong email or password (the same answer for both)."),
        (status = 429, description = "Too many failed attempts for this account or address.",
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let address = client_ip(&req, &state.settings.trusted_proxies);
    let b = body.into_inner()?;
    let pair = auth::login(&state, b.email, b.password, address).await?;
    Ok(no_store(pair.into()))
}

/// Exchanges a refresh token for a new pair; the old one stops working. Presenting a
/// token that was already exchanged ends the whole session.
#[utoipa::path(
    tag = "auth", operation_id = "refreshToken", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair.", body = TokenResponse),
        (status = 401, description = "Invalid, expired, used or revoked refresh token."),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, body: ApiJson<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    let pair = auth::refresh(&state, body.into_inner()?.refresh_token).await?;
    Ok(no_store(pair.into()))
}

/// Signs out: the refresh token's session ends, with its access tokens.
#[utoipa::path(
    tag = "auth", operation_id = "logout", request_body = RefreshRequest,
    responses((status = 204, description = "Signed out."), (status = 401, description = "Unknown refresh token."))
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, body: ApiJson<RefreshRequest>) -> Result<HttpResponse, ApiError> {
    auth::logout(&state, body.into_inner()?.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in user.
#[utoipa::path(
    tag = "auth", operation_id = "getMe", security(("bearerAuth" = [])),
    responses((status = 200, description = "The signed-in user.", body = UserResponse))
)]
#[get("/auth/me")]
pub async fn me(user: Authenticated) -> web::Json<UserResponse> {
    web::Json(user.current.user.clone().into())
}

/// Changes the signed-in user's password; every token issued before stops working.
#[utoipa::path(
    tag = "auth", operation_id = "changePassword", request_body = ChangePasswordRequest, security(("bearerAuth" = [])),
    responses(
        (status = 204, description = "Changed; sign in again."),
        (status = 429, description = "Too many wrong current passwords.",
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    )
)]
#[put("/auth/password")]
pub async fn change_password(
    user: Authenticated,
    state: web::Data<AppState>,
    body: ApiJson<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner()?;
    auth::change_password(&state, &user.current, b.current_password, b.new_password).await?;
    Ok(HttpResponse::NoContent().finish())
}
