//! Extractors that make a handler's signature say who may call it:
//! `Authenticated` (any signed-in user) or `Authenticated<AdminOnly>` and friends.
//! A missing or bad token is 401; a signed-in user without the role is 403. The token
//! is an access token (a JWT) or an API key (`mhk_...`), which acts as its own account.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::future::LocalBoxFuture;

use crate::domain::api_key;
use crate::domain::user::Role;
use crate::error::ApiError;
use crate::http::extract::client_ip;
use crate::service::api_keys;
use crate::service::auth::{self, CurrentUser};
use crate::state::AppState;

/// A set of roles allowed to call a handler.
pub trait RolePolicy {
    const ROLES: &'static [Role];
    const DESCRIPTION: &'static str;
}

/// Every role.
pub struct AnyRole;
impl RolePolicy for AnyRole {
    const ROLES: &'static [Role] = &Role::ALL;
    const DESCRIPTION: &'static str = "any signed-in user";
}

/// Admins only (user management, paywall configuration).
pub struct AdminOnly;
impl RolePolicy for AdminOnly {
    const ROLES: &'static [Role] = &[Role::Admin];
    const DESCRIPTION: &'static str = "admins";
}

/// Admins and editors: sections, publishing, polls.
pub struct Editors;
impl RolePolicy for Editors {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Editor];
    const DESCRIPTION: &'static str = "admins and editors";
}

/// The newsroom: admins, editors and writers (articles).
pub struct Newsroom;
impl RolePolicy for Newsroom {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Editor, Role::Writer];
    const DESCRIPTION: &'static str = "admins, editors and writers";
}

/// The commercial side: admins and commercial users (sponsored content, offers).
pub struct Commercial;
impl RolePolicy for Commercial {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Commercial];
    const DESCRIPTION: &'static str = "admins and commercial users";
}

/// Who may read sponsored blocks: the commercial side, and editors (read only).
pub struct SponsoredReaders;
impl RolePolicy for SponsoredReaders {
    const ROLES: &'static [Role] = &[Role::Admin, Role::Editor, Role::Commercial];
    const DESCRIPTION: &'static str = "admins, editors and commercial users";
}

/// The signed-in caller, checked against the database, holding one of `P::ROLES`.
pub struct Authenticated<P: RolePolicy = AnyRole> {
    pub current: CurrentUser,
    _policy: PhantomData<P>,
}

impl<P: RolePolicy> std::ops::Deref for Authenticated<P> {
    type Target = CurrentUser;

    fn deref(&self) -> &CurrentUser {
        &self.current
    }
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_string())
}

impl<P: RolePolicy + 'static> FromRequest for Authenticated<P> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let address = state.as_ref().and_then(|s| client_ip(req, &s.settings.trusted_proxies));
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("application state missing"))?;
            let token = token.ok_or(ApiError::MissingToken)?;
            let mut current = if api_key::is_api_key(&token) {
                api_keys::authenticate(&state, &token).await?
            } else {
                auth::authenticate(&state, &token).await?
            };
            current.address = address;
            if !P::ROLES.contains(&current.role()) {
                return Err(ApiError::forbidden(format!("Only {} may do this.", P::DESCRIPTION)));
            }
            Ok(Authenticated { current, _policy: PhantomData })
        })
    }
}
