//! `/api/v1/auth`: login, refresh, logout, the current user, password change.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use cookie::{Cookie, SameSite};
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

/// The cookie that carries a browser session's refresh token: HttpOnly (no script
/// reads it), SameSite=Strict (no other site's page sends it) and sent only to the
/// session paths, so the admin client never holds a refresh token in script memory.
pub const REFRESH_COOKIE: &str = "masthead_refresh";
const SESSION_PATH: &str = "/api/v1/auth/session";

/// A browser session: the access token only; the refresh token is in the cookie.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "access_token": "eyJhbGciOiJIUzI1NiIsImtpZCI6IjEyMzQifQ.eyJzdWIiOiIuLi4ifQ.c2ln",
    "token_type": "Bearer", "expires_in": 900,
    "user": {"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", "email": "admin@localhost", "display_name": "Administrator",
             "role": "admin", "active": true, "created_at": "2026-11-27T09:30:00Z", "updated_at": "2026-11-27T09:30:00Z"}
}))]
pub struct SessionResponse {
    /// A JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the access token expires: refresh the session before then.
    pub expires_in: i64,
    pub user: UserResponse,
}

/// Answers a new or rotated browser session: the access token in the body, the
/// refresh token in the cookie.
fn session(req: &HttpRequest, state: &AppState, pair: TokenPair) -> HttpResponse {
    let cookie = session_cookie(req, pair.refresh_token, state.settings.refresh_token_ttl_secs);
    let body = SessionResponse {
        access_token: pair.access_token,
        token_type: "Bearer",
        expires_in: pair.expires_in,
        user: pair.user.into(),
    };
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::SET_COOKIE, cookie.to_string()))
        .json(body)
}

/// `Secure` whenever the request came over HTTPS (directly or, as the proxy says, in
/// front of it); left off on plain HTTP so a server on a laptop still works.
fn session_cookie(req: &HttpRequest, value: String, max_age_secs: i64) -> Cookie<'static> {
    Cookie::build((REFRESH_COOKIE, value))
        .path(SESSION_PATH)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(req.connection_info().scheme() == "https")
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
}

fn session_token(req: &HttpRequest) -> Option<String> {
    let raw = req.headers().get_all(header::COOKIE).filter_map(|v| v.to_str().ok());
    raw.flat_map(|line| Cookie::split_parse(line.to_string()).filter_map(Result::ok))
        .find(|c| c.name() == REFRESH_COOKIE)
        .map(|c| c.value().to_string())
}

/// A browser's request to a session path must come from a page of this server: a
/// cross-site `Origin` is refused, whatever the cookie's SameSite did.
fn same_origin(req: &HttpRequest) -> Result<(), ApiError> {
    let Some(origin) = req.headers().get(header::ORIGIN) else { return Ok(()) };
    let origin = origin.to_str().unwrap_or_default();
    let authority = origin.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
    if authority.eq_ignore_ascii_case(req.connection_info().host()) {
        return Ok(());
    }
    Err(ApiError::Forbidden {
        code: "cross_origin",
        detail: "Session requests must come from a page of this server.".into(),
    })
}

/// Signs in for a browser session: like `login`, but the refresh token is set as an
/// HttpOnly cookie (`masthead_refresh`, path `/api/v1/auth/session`) instead of
/// being returned, so page scripts never see it.
#[utoipa::path(
    tag = "auth", operation_id = "createSession", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the refresh token is in the cookie.", body = SessionResponse,
            headers(("Set-Cookie" = String, description = "`masthead_refresh=<token>; Path=/api/v1/auth/session; HttpOnly; SameSite=Strict; Max-Age=<refresh token lifetime>` (and `Secure` over HTTPS)."))),
        (status = 401, description = "Wrong email or password (the same answer for both)."),
        (status = 403, description = "`cross_origin`: the request's Origin is another site."),
        (status = 429, description = "Too many failed attempts for this account or address.",
            headers(("Retry-After" = u64, description = "Seconds to wait."))),
    )
)]
#[post("/auth/session")]
pub async fn create_session(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: ApiJson<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    same_origin(&req)?;
    let address = client_ip(&req, &state.settings.trusted_proxies);
    let b = body.into_inner()?;
    let pair = auth::login(&state, b.email, b.password, address).await?;
    Ok(session(&req, &state, pair))
}

/// Renews a browser session from its cookie: a new access token, and the cookie's
/// refresh token rotated (presenting one that was already rotated ends the session).
#[utoipa::path(
    tag = "auth", operation_id = "refreshSession", security(("refreshCookie" = [])),
    responses(
        (status = 200, description = "Renewed; the cookie holds the new refresh token.", body = SessionResponse,
            headers(("Set-Cookie" = String, description = "The rotated `masthead_refresh` cookie."))),
        (status = 401, description = "No session cookie, or its token is invalid, expired, used or revoked."),
        (status = 403, description = "`cross_origin`: the request's Origin is another site."),
    )
)]
#[post("/auth/session/refresh")]
pub async fn refresh_session(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    same_origin(&req)?;
    let token = session_token(&req).ok_or_else(auth::invalid_refresh_token)?;
    let pair = auth::refresh(&state, token).await?;
    Ok(session(&req, &state, pair))
}

/// Signs a browser session out: its session ends (with its access tokens) and the
/// cookie is cleared. Without a cookie, or with a dead one, there is nothing to end:
/// still 204.
#[utoipa::path(
    tag = "auth", operation_id = "deleteSession", security((), ("refreshCookie" = [])),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared.",
            headers(("Set-Cookie" = String, description = "`masthead_refresh=; Path=/api/v1/auth/session; Max-Age=0` (and the other attributes)."))),
        (status = 403, description = "`cross_origin`: the request's Origin is another site."),
    )
)]
#[delete("/auth/session")]
pub async fn delete_session(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    same_origin(&req)?;
    if let Some(token) = session_token(&req) {
        match auth::logout(&state, token).await {
            Ok(()) | Err(crate::service::Error::Unauthorized { .. }) => {}
            Err(other) => return Err(other.into()),
        }
    }
    let cleared = session_cookie(&req, String::new(), 0);
    Ok(HttpResponse::NoContent()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::SET_COOKIE, cleared.to_string()))
        .finish())
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
        (status = 403, description = "The caller is an API key, which has no password."),
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
