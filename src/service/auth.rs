//! Signing in and staying signed in: login with throttling, refresh-token rotation
//! with reuse detection, logout, password change, and the per-request check of an
//! access token against the user's current state.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::Error;
use crate::auth::{jwt, password, tokens};
use crate::db::audit as audit_db;
use crate::db::sessions::{self, RefreshTokenRow};
use crate::db::users as user_db;
use crate::db::{self, DbConnection, throttle};
use crate::domain::audit::{Actor, AuditAction, Target};
use crate::domain::id::UserId;
use crate::domain::text::Errors;
use crate::domain::user::{self, AccountKind, Role};
use crate::service::users::User;
use crate::state::AppState;

/// What a successful login or refresh hands out.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub user: User,
}

/// The user behind a request, as the database has them now.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub session_id: String,
    /// The client's address, for the audit log.
    pub address: Option<IpAddr>,
}

impl CurrentUser {
    pub fn id(&self) -> &UserId {
        &self.user.id
    }

    pub fn role(&self) -> Role {
        self.user.role
    }

    /// The caller as the audit log names them.
    pub fn actor(&self) -> Actor {
        Actor::of(&self.user, self.address)
    }
}

fn invalid_credentials() -> Error {
    Error::Unauthorized { code: "invalid_credentials", detail: "The email or password is incorrect.".into() }
}

pub fn invalid_refresh_token() -> Error {
    Error::Unauthorized {
        code: "invalid_refresh_token",
        detail: "The refresh token is invalid, expired or revoked: sign in again.".into(),
    }
}

// Failures count three ways. Per account and address pair, where the limit refuses
// (429): a stranger who guesses an editor's password locks out only themselves. Per
// address, across accounts (429): one client spraying many accounts. Per account,
// from every address: past the limit each attempt on the account is slowed down, not
// refused, so that the owner still signs in from an address that has not failed.
const PAIR: &str = "pair";
const ACCOUNT: &str = "account";
const ADDRESS: &str = "address";

/// How long each attempt on an account under attack from many addresses waits.
pub const SLOWED_SIGN_IN: std::time::Duration = std::time::Duration::from_secs(1);

/// The throttling keys: digests, so that any input is stored at a fixed size.
fn account_key(email: &str) -> String {
    tokens::digest(&format!("account:{email}"))
}

/// The pair's key starts with the account's, so that unlocking an account finds them.
fn pair_key(account: &str, address: Option<&str>) -> String {
    format!("{account}/{}", address.unwrap_or("-"))
}

/// The unit a client address is counted in: an IPv4 address, or an IPv6 /64 (the
/// block one subscriber usually holds, so rotating addresses inside it gains nothing).
pub fn address_bucket(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

fn address_key(address: IpAddr) -> String {
    tokens::digest(&format!("address:{}", address_bucket(address)))
}

/// Reserves one failed attempt per key before the password is checked, atomically
/// with the check of the limits, so that parallel guesses cannot overrun them: 429
/// when a key has used up its failures in the window. Returns the reserved rows,
/// which `release` removes when the password turns out right.
fn reserve_attempt(
    conn: &mut DbConnection,
    state: &AppState,
    keys: &[(&'static str, &str, i64)],
    now: DateTime<Utc>,
) -> Result<Vec<String>, Error> {
    let window = Duration::seconds(state.settings.login_window_secs);
    db::tally_tx(conn, |c| {
        db::lock(c, "logins")?;
        // A limit of 0 counts without refusing.
        for (scope, key, max) in keys.iter().filter(|(_, _, max)| *max > 0) {
            let (count, oldest) = throttle::failures_since(c, scope, key, db::to_db_time(now - window))?;
            if count >= *max {
                let retry_at = oldest.map(db::from_db_time).unwrap_or(now) + window;
                let retry_after_secs = u64::try_from((retry_at - now).num_seconds().max(1)).unwrap_or(1);
                return Err(Error::RateLimited {
                    detail: "Too many failed sign-in attempts; try again later.".into(),
                    retry_after_secs,
                });
            }
        }
        let mut ids = Vec::new();
        for (scope, key, _) in keys {
            let id = db::new_id();
            throttle::record(c, &id, scope, key, db::to_db_time(now))?;
            ids.push(id);
        }
        throttle::prune(c, db::to_db_time(now - window))?;
        Ok(ids)
    })
}

/// Opens a session and issues its first token pair.
fn open_session(
    conn: &mut DbConnection,
    state: &AppState,
    row: user_db::UserRow,
    address: Option<IpAddr>,
    now: DateTime<Utc>,
) -> Result<TokenPair, Error> {
    let session_id = db::new_id();
    let refresh_token = tokens::random_token(32).map_err(Error::internal)?;
    let actor = Actor::of(&User::from(row.clone()), address);
    db::tally_tx(conn, |c| {
        sessions::create_session(c, &session_id, &row.id, db::to_db_time(now))?;
        insert_refresh_token(c, state, &session_id, &refresh_token, now)?;
        let target = Target::new("user", row.id.to_string());
        audit_db::record(c, &actor, AuditAction::LoginSucceeded, Some(target), json!({}), now)?;
        Ok::<_, Error>(())
    })?;
    issue_pair(state, row, session_id, refresh_token, now)
}

fn insert_refresh_token(
    conn: &mut DbConnection,
    state: &AppState,
    session_id: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let row = RefreshTokenRow {
        id: db::new_id(),
        session_id: session_id.to_string(),
        token_hash: tokens::digest(token),
        issued_at: db::to_db_time(now),
        expires_at: db::to_db_time(now + Duration::seconds(state.settings.refresh_token_ttl_secs)),
        used_at: None,
    };
    Ok(sessions::insert_refresh_token(conn, &row)?)
}

fn issue_pair(
    state: &AppState,
    row: user_db::UserRow,
    session_id: String,
    refresh_token: String,
    now: DateTime<Utc>,
) -> Result<TokenPair, Error> {
    let user = User::from(row.clone());
    let access_token = state
        .jwt
        .issue(user.id.as_str(), user.role, &session_id, row.token_generation, now)
        .map_err(Error::internal)?;
    Ok(TokenPair { access_token, refresh_token, expires_in: state.jwt.ttl_secs(), user })
}

/// `POST /auth/login`. Wrong email, wrong password and a deactivated account answer
/// the same 401; failures count per account and address pair and per address (429
/// past a limit), and per account (slowed down past the limit, never refused).
pub async fn login(
    state: &AppState,
    email: String,
    password: String,
    address: Option<IpAddr>,
) -> Result<TokenPair, Error> {
    let email = user::normalize_email(&email);
    let account = account_key(&email);
    let (window, limit) = (Duration::seconds(state.settings.login_window_secs), state.settings.login_max_failures);
    let since = db::to_db_time(state.clock.now() - window);
    let key = account.clone();
    let (failures, _) =
        state.db.run(move |conn| Ok::<_, Error>(throttle::failures_since(conn, ACCOUNT, &key, since)?)).await?;
    if failures >= limit {
        tokio::time::sleep(SLOWED_SIGN_IN).await;
    }
    let state = state.clone();
    state
        .db
        .clone()
        .run(move |conn| {
            let now = state.clock.now();
            let ip = address;
            let address = address.map(address_key);
            let pair = pair_key(&account, address.as_deref());
            let mut keys =
                vec![(PAIR, pair.as_str(), state.settings.login_max_failures), (ACCOUNT, account.as_str(), 0)];
            if let Some(address) = &address {
                keys.push((ADDRESS, address.as_str(), state.settings.login_max_failures_per_address));
            }
            let reserved = reserve_attempt(conn, &state, &keys, now)?;
            // An address no account can have is not looked up (and cannot upset the database).
            let plausible = email.chars().count() <= user::MAX_EMAIL_CHARS && !email.chars().any(char::is_control);
            let row = if plausible { user_db::find_by_email(conn, &email)? } else { None };
            let accepted = match &row {
                // API keys' accounts never sign in (their hash verifies nothing anyway).
                Some(row) => {
                    password::verify(&password, &row.password_hash) && row.active && row.kind == AccountKind::Person
                }
                None => {
                    password::verify_dummy(&password);
                    false
                }
            };
            match row {
                Some(row) if accepted => {
                    db::tally_tx(conn, |c| {
                        throttle::forget(c, &reserved)?;
                        throttle::clear(c, PAIR, &pair)?;
                        throttle::clear(c, ACCOUNT, &account)
                    })?;
                    open_session(conn, &state, row, ip, now)
                }
                row => {
                    // Recorded on its own: a refused sign-in changes nothing else.
                    let target = row.map(|r| Target::new("user", r.id.to_string()));
                    let details = json!({"email": plausible.then_some(&email)});
                    db::tally_tx(conn, |c| {
                        audit_db::record(c, &Actor::anonymous(ip), AuditAction::LoginFailed, target, details, now)
                    })?;
                    Err(invalid_credentials())
                }
            }
        })
        .await
}

enum Rotation {
    Rotated(TokenPair),
    Rejected,
}

/// Forgets an account's failed sign-ins, from every address: an admin's way to let a
/// locked-out owner back in before the window passes. 404 for an unknown user.
pub async fn unlock(state: &AppState, by: &CurrentUser, id: UserId) -> Result<(), Error> {
    let (actor, now) = (by.actor(), state.clock.now());
    state
        .db
        .run(move |conn| {
            let row = user_db::find_person(conn, &id)?.ok_or_else(|| Error::not_found("User"))?;
            db::tally_tx(conn, |c| {
                clear_failures(c, &row.email)?;
                let target = Some(Target::new("user", row.id.to_string()));
                audit_db::record(c, &actor, AuditAction::UserUnlocked, target, json!({}), now)?;
                Ok(())
            })
        })
        .await
}

/// What `unlock` does, by email (for the command line). 404 for an unknown user.
pub fn unlock_by_email(conn: &mut DbConnection, email: &str) -> Result<(), Error> {
    let email = user::normalize_email(email);
    let row = user_db::find_by_email(conn, &email)?.ok_or_else(|| Error::not_found("User"))?;
    forget_failures(conn, &row.email)
}

fn forget_failures(conn: &mut DbConnection, email: &str) -> Result<(), Error> {
    db::tally_tx(conn, |c| clear_failures(c, email))
}

/// Every failed sign-in of the account, from every address (inside a transaction).
fn clear_failures(conn: &mut DbConnection, email: &str) -> Result<(), Error> {
    let account = account_key(&user::normalize_email(email));
    throttle::clear(conn, ACCOUNT, &account)?;
    throttle::clear_prefixed(conn, PAIR, &pair_key(&account, Some("")))?;
    Ok(())
}

/// `POST /auth/refresh`: rotates the token. Presenting a token that was already
/// rotated revokes its whole session (family): somebody has a copy.
pub async fn refresh(state: &AppState, refresh_token: String) -> Result<TokenPair, Error> {
    let state = state.clone();
    let outcome = state
        .db
        .clone()
        .run(move |conn| {
            let now = state.clock.now();
            let new_token = tokens::random_token(32).map_err(Error::internal)?;
            db::tally_tx(conn, |c| {
                let Some(token) = sessions::find_refresh_token(c, &tokens::digest(&refresh_token))? else {
                    return Ok(Rotation::Rejected);
                };
                if sessions::is_revoked(c, &token.session_id)? {
                    return Ok(Rotation::Rejected);
                }
                if !sessions::mark_used(c, &token.id, db::to_db_time(now))? {
                    tracing::warn!(session = %token.session_id, "refresh token replayed: revoking its session");
                    sessions::revoke(c, &token.session_id, db::to_db_time(now))?;
                    return Ok(Rotation::Rejected);
                }
                if db::from_db_time(token.expires_at) <= now {
                    return Ok(Rotation::Rejected);
                }
                let user_id = sessions::user_of(c, &token.session_id)?;
                let Some(row) = user_db::find(c, &user_id)?.filter(|u| u.active) else {
                    return Ok(Rotation::Rejected);
                };
                insert_refresh_token(c, &state, &token.session_id, &new_token, now)?;
                issue_pair(&state, row, token.session_id, new_token.clone(), now).map(Rotation::Rotated)
            })
        })
        .await?;
    match outcome {
        Rotation::Rotated(pair) => Ok(pair),
        Rotation::Rejected => Err(invalid_refresh_token()),
    }
}

/// `POST /auth/logout`: ends the session the refresh token belongs to, which also
/// stops its access tokens at once.
pub async fn logout(state: &AppState, refresh_token: String) -> Result<(), Error> {
    let clock = state.clock.clone();
    state
        .db
        .run(move |conn| {
            db::tally_tx(conn, |c| {
                let token = sessions::find_refresh_token(c, &tokens::digest(&refresh_token))?
                    .ok_or_else(invalid_refresh_token)?;
                sessions::revoke(c, &token.session_id, db::to_db_time(clock.now()))?;
                Ok(())
            })
        })
        .await
}

/// Checks an access token and the user's current state: exists, active, same token
/// generation, session not revoked. The role is the one the database holds now.
pub async fn authenticate(state: &AppState, bearer: &str) -> Result<CurrentUser, Error> {
    let now = state.clock.now();
    let token = state.jwt.verify(bearer, now).map_err(|rejected| match rejected {
        jwt::Rejected::Expired => expired_access_token(),
        jwt::Rejected::Invalid => invalid_access_token(),
    })?;
    state
        .db
        .run(move |conn| {
            let (row, revoked_at) =
                sessions::find_user_with_session(conn, &UserId::from(token.user_id), &token.session_id)?
                    .ok_or_else(invalid_access_token)?;
            // A generation from the future was never issued.
            if row.token_generation < token.generation {
                return Err(invalid_access_token());
            }
            if revoked_at.is_some() || !row.active || row.token_generation > token.generation {
                return Err(revoked_access_token());
            }
            Ok(CurrentUser { user: User::from(row), session_id: token.session_id, address: None })
        })
        .await
}

/// A 401 for an access token that is not one of ours (or no token at all).
pub fn invalid_access_token() -> Error {
    Error::Unauthorized { code: "invalid_token", detail: "The access token is not valid.".into() }
}

/// A 401 for a genuine access token past its expiry: the client refreshes.
pub fn expired_access_token() -> Error {
    Error::Unauthorized {
        code: "token_expired",
        detail: "The access token has expired: get a new one from POST /api/v1/auth/refresh.".into(),
    }
}

/// A 401 for a genuine access token whose session ended (sign-out, a reused refresh
/// token, a password change, deactivation): refreshing cannot help, sign in again.
pub fn revoked_access_token() -> Error {
    Error::Unauthorized {
        code: "token_revoked",
        detail: "The access token was revoked (signed out, password changed or account deactivated): sign in again."
            .into(),
    }
}

/// `PUT /auth/password`: checks the current password (a wrong one counts as a failed
/// sign-in), stores the new one, and ends every session of the user.
pub async fn change_password(
    state: &AppState,
    current: &CurrentUser,
    current_password: String,
    new_password: String,
) -> Result<(), Error> {
    if current.user.kind == AccountKind::ApiKey {
        return Err(Error::forbidden("An API key has no password."));
    }
    let mut errors = Errors::default();
    user::check_password(&mut errors, "new_password", &new_password);
    errors.finish().map_err(Error::Invalid)?;
    let state = state.clone();
    let user_id = current.id().clone();
    state
        .db
        .clone()
        .run(move |conn| {
            let now = state.clock.now();
            let row = user_db::find(conn, &user_id)?.ok_or_else(invalid_access_token)?;
            let account = account_key(&row.email);
            let reserved =
                reserve_attempt(conn, &state, &[(ACCOUNT, account.as_str(), state.settings.login_max_failures)], now)?;
            if !password::verify(&current_password, &row.password_hash) {
                return Err(Error::invalid("current_password", "is incorrect"));
            }
            throttle::forget(conn, &reserved)?;
            let hash = password::hash(&new_password).map_err(Error::internal)?;
            db::write_tx(conn, |c| {
                let mut row = user_db::find(c, &user_id)?.ok_or_else(invalid_access_token)?;
                row.password_hash = hash;
                row.token_generation += 1;
                row.updated_at = db::to_db_time(now);
                user_db::update(c, &row)?;
                sessions::revoke_all_for_user(c, &user_id, db::to_db_time(now))?;
                Ok(())
            })
        })
        .await
}

/// What `reset_password` did.
#[derive(Debug, Clone)]
pub struct PasswordReset {
    pub user: User,
    /// Sessions that were still open and are now ended.
    pub sessions_ended: usize,
}

/// The command line's `reset-password`, for a lost password: sets a new one for the
/// account with this email (the same rules as the API), without the old one. As a
/// password change does, it ends every session (refresh tokens stop working) and stops
/// every access token; it also clears the account's failed sign-ins, so that a locked
/// owner can sign in at once.
pub fn reset_password(
    conn: &mut DbConnection,
    email: &str,
    new_password: &str,
    now: DateTime<Utc>,
) -> Result<PasswordReset, Error> {
    let mut errors = Errors::default();
    user::check_password(&mut errors, "password", new_password);
    errors.finish().map_err(Error::Invalid)?;
    let email = user::normalize_email(email);
    let hash = password::hash(new_password).map_err(Error::internal)?;
    db::write_tx(conn, |c| {
        let mut row = user_db::find_by_email(c, &email)?.ok_or_else(|| Error::not_found("User"))?;
        row.password_hash = hash;
        row.token_generation += 1;
        row.updated_at = db::to_db_time(now);
        user_db::update(c, &row)?;
        let sessions_ended = sessions::revoke_all_for_user(c, &row.id, db::to_db_time(now))?;
        clear_failures(c, &email)?;
        Ok(PasswordReset { user: User::from(row), sessions_ended })
    })
}
