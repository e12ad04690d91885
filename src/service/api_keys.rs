//! API keys: admins make them (the secret is shown once and stored as a digest), list
//! and revoke them; a request that carries one acts as the key's own account.

use chrono::{DateTime, Duration, Utc};

use super::Error;
use super::auth::{self, CurrentUser};
use crate::auth::tokens;
use crate::db::api_keys::{self as key_db, ApiKeyRow};
use crate::db::audit as audit_db;
use crate::db::users::{self as user_db, UserRow};
use crate::db::{self, sessions};
use crate::domain::api_key::{self, ApiKey, ApiKeyStatus, NewApiKey};
use crate::domain::audit::{AuditAction, Target};
use crate::domain::id::UserId;
use crate::domain::user::{AccountKind, User};
use crate::state::AppState;
use serde_json::json;

/// How often a key's use is written down: its `last_used_at` is that coarse.
const USE_RECORDED_EVERY: Duration = Duration::seconds(60);

/// Where a key's account's email points: nowhere (`.invalid`), and unique by its id.
const ACCOUNT_EMAIL_DOMAIN: &str = "api-keys.invalid";

/// A new key and its secret, which is never shown again.
#[derive(Debug, Clone)]
pub struct Created {
    pub key: ApiKey,
    pub secret: String,
}

pub async fn create(state: &AppState, by: &CurrentUser, new: NewApiKey) -> Result<Created, Error> {
    let now = state.clock.now();
    let new = new.validate(now).map_err(Error::Invalid)?;
    let secret =
        format!("{}{}", api_key::PREFIX, tokens::random_token(api_key::SECRET_BYTES).map_err(Error::internal)?);
    let at = db::to_db_time(now);
    let id = UserId::generate();
    let account = UserRow {
        id: id.clone(),
        email: format!("{id}@{ACCOUNT_EMAIL_DOMAIN}"),
        display_name: new.name.clone(),
        role: new.role,
        active: true,
        // Not a password hash: no password verifies against it, and keys never sign in.
        password_hash: "!".into(),
        token_generation: 0,
        created_at: at,
        updated_at: at,
        kind: AccountKind::ApiKey,
    };
    let row = ApiKeyRow {
        id,
        name: new.name,
        prefix: secret.chars().take(api_key::SHOWN_CHARS).collect(),
        digest: tokens::digest(&secret),
        created_by: by.id().clone(),
        created_at: at,
        expires_at: new.expires_at.map(db::to_db_time),
        last_used_at: None,
        revoked_at: None,
    };
    let role = new.role;
    let actor = by.actor();
    let details = json!({"name": row.name, "role": role, "expires_at": new.expires_at, "prefix": row.prefix});
    let key = state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                user_db::insert(c, &account)?;
                key_db::insert(c, &row)?;
                let target = Some(Target::new("api_key", row.id.to_string()));
                audit_db::record(c, &actor, AuditAction::ApiKeyCreated, target, details, now)?;
                Ok::<_, Error>(row.into_key(role))
            })
        })
        .await?;
    Ok(Created { key, secret })
}

pub async fn get(state: &AppState, id: UserId) -> Result<ApiKey, Error> {
    state
        .db
        .run(move |conn| {
            let (row, role) = key_db::find(conn, &id)?.ok_or_else(|| Error::not_found("API key"))?;
            Ok(row.into_key(role))
        })
        .await
}

/// One page of keys, newest first, and the id to continue before, if there are more.
pub async fn list(
    state: &AppState,
    before: Option<String>,
    limit: i64,
) -> Result<(Vec<ApiKey>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            let rows = key_db::list(conn, before.as_deref(), limit + 1)?;
            let (rows, next) = super::split_page(rows, limit, |(r, _)| r.id.to_string());
            Ok((rows.into_iter().map(|(row, role)| row.into_key(role)).collect(), next))
        })
        .await
}

/// Revokes a key: its next request is refused. Revoking a revoked key changes nothing.
pub async fn revoke(state: &AppState, by: &CurrentUser, id: UserId) -> Result<(), Error> {
    let (actor, at) = (by.actor(), state.clock.now());
    let now = db::to_db_time(at);
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                key_db::find(c, &id)?.ok_or_else(|| Error::not_found("API key"))?;
                if key_db::revoke(c, &id, now)? > 0 {
                    let mut account = user_db::find(c, &id)?.ok_or_else(|| Error::not_found("API key"))?;
                    account.active = false;
                    account.token_generation += 1;
                    account.updated_at = now;
                    user_db::update(c, &account)?;
                    sessions::revoke_all_for_user(c, &id, now)?;
                    let target = Some(Target::new("api_key", id.to_string()));
                    let details = json!({"name": account.display_name});
                    audit_db::record(c, &actor, AuditAction::ApiKeyRevoked, target, details, at)?;
                }
                Ok(())
            })
        })
        .await
}

/// The account of the key `secret`, when it works at `now` (401 otherwise), its use
/// recorded.
pub async fn authenticate(state: &AppState, secret: &str) -> Result<CurrentUser, Error> {
    let digest = tokens::digest(secret);
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            let (row, account) = key_db::find_by_digest(conn, &digest)?.ok_or_else(auth::invalid_access_token)?;
            let id = row.id.clone();
            let key = row.into_key(account.role);
            if !key.works_at(now) || !account.active {
                return Err(refused(&key, now));
            }
            let (at, since) = (db::to_db_time(now), db::to_db_time(now - USE_RECORDED_EVERY));
            if key.last_used_at.is_none_or(|last| last < now - USE_RECORDED_EVERY) {
                db::write_tx(conn, |c| key_db::touch(c, &id, at, since).map_err(Error::from))?;
            }
            Ok(CurrentUser { user: User::from(account), session_id: String::new(), address: None })
        })
        .await
}

fn refused(key: &ApiKey, now: DateTime<Utc>) -> Error {
    let why = if key.status(now) == ApiKeyStatus::Expired {
        "The API key has expired: an admin makes a new one."
    } else {
        "The API key was revoked: an admin makes a new one."
    };
    Error::Unauthorized { code: "token_revoked", detail: why.into() }
}
