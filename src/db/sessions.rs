//! SQL for sign-in sessions (refresh-token families) and their refresh tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{refresh_tokens, sessions, users};
use super::users::UserRow;
use crate::domain::id::UserId;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub id: String,
    pub session_id: String,
    pub token_hash: String,
    pub issued_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

pub fn create_session(conn: &mut DbConnection, id: &str, user_id: &UserId, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((sessions::id.eq(id), sessions::user_id.eq(user_id), sessions::created_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

/// The user behind an access token, with whether its session was revoked; `None`
/// when the user or the session does not exist (or do not belong together).
pub fn find_user_with_session(
    conn: &mut DbConnection,
    user_id: &UserId,
    session_id: &str,
) -> QueryResult<Option<(UserRow, Option<NaiveDateTime>)>> {
    users::table
        .inner_join(sessions::table)
        .filter(users::id.eq(user_id))
        .filter(sessions::id.eq(session_id))
        .select((users::all_columns, sessions::revoked_at))
        .first(conn)
        .optional()
}

pub fn is_revoked(conn: &mut DbConnection, session_id: &str) -> QueryResult<bool> {
    let revoked: Option<Option<NaiveDateTime>> =
        sessions::table.find(session_id).select(sessions::revoked_at).first(conn).optional()?;
    Ok(!matches!(revoked, Some(None)))
}

pub fn revoke(conn: &mut DbConnection, session_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.find(session_id).filter(sessions::revoked_at.is_null()))
        .set(sessions::revoked_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// Revokes every open session of the user; returns how many were open.
pub fn revoke_all_for_user(conn: &mut DbConnection, user_id: &UserId, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::revoked_at.is_null()))
        .set(sessions::revoked_at.eq(now))
        .execute(conn)
}

pub fn insert_refresh_token(conn: &mut DbConnection, row: &RefreshTokenRow) -> QueryResult<()> {
    diesel::insert_into(refresh_tokens::table).values(row).execute(conn).map(|_| ())
}

pub fn find_refresh_token(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<RefreshTokenRow>> {
    refresh_tokens::table.filter(refresh_tokens::token_hash.eq(token_hash)).first(conn).optional()
}

/// Marks a refresh token used, atomically: `false` when it had been used already (a
/// concurrent or replayed rotation).
pub fn mark_used(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let changed = diesel::update(refresh_tokens::table.find(id).filter(refresh_tokens::used_at.is_null()))
        .set(refresh_tokens::used_at.eq(now))
        .execute(conn)?;
    Ok(changed == 1)
}

/// The user a session belongs to.
pub fn user_of(conn: &mut DbConnection, session_id: &str) -> QueryResult<UserId> {
    sessions::table.find(session_id).select(sessions::user_id).first::<String>(conn).map(UserId::from)
}
