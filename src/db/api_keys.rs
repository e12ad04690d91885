//! SQL for API keys: each is a row here and an account (`users`, kind `api_key`) with
//! the same id, which holds its role and whether it is active.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_keys, users};
use super::users::UserRow;
use super::{DbConnection, from_db_time};
use crate::domain::api_key::ApiKey;
use crate::domain::id::UserId;
use crate::domain::user::Role;

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: UserId,
    pub name: String,
    pub prefix: String,
    pub digest: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl ApiKeyRow {
    pub fn into_key(self, role: Role) -> ApiKey {
        ApiKey {
            id: self.id,
            name: self.name,
            role,
            prefix: self.prefix,
            created_by: self.created_by,
            created_at: from_db_time(self.created_at),
            expires_at: self.expires_at.map(from_db_time),
            last_used_at: self.last_used_at.map(from_db_time),
            revoked_at: self.revoked_at.map(from_db_time),
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &ApiKeyRow) -> QueryResult<()> {
    diesel::insert_into(api_keys::table).values(row).execute(conn).map(|_| ())
}

/// A key with its account's role.
pub fn find(conn: &mut DbConnection, id: &UserId) -> QueryResult<Option<(ApiKeyRow, Role)>> {
    api_keys::table
        .inner_join(users::table)
        .filter(api_keys::id.eq(id))
        .select((api_keys::all_columns, users::role))
        .first(conn)
        .optional()
}

/// The key whose secret has this digest, with its account.
pub fn find_by_digest(conn: &mut DbConnection, digest: &str) -> QueryResult<Option<(ApiKeyRow, UserRow)>> {
    api_keys::table.inner_join(users::table).filter(api_keys::digest.eq(digest)).first(conn).optional()
}

/// One page, newest first, before the key `before`.
pub fn list(conn: &mut DbConnection, before: Option<&str>, limit: i64) -> QueryResult<Vec<(ApiKeyRow, Role)>> {
    let mut query = api_keys::table.inner_join(users::table).select((api_keys::all_columns, users::role)).into_boxed();
    if let Some(before) = before {
        query = query.filter(api_keys::id.lt(before.to_string()));
    }
    query.order(api_keys::id.desc()).limit(limit).load(conn)
}

/// Marks the key revoked at `at`, unless it was already.
pub fn revoke(conn: &mut DbConnection, id: &UserId, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(api_keys::table.find(id).filter(api_keys::revoked_at.is_null()))
        .set(api_keys::revoked_at.eq(Some(at)))
        .execute(conn)
}

/// Records a use at `at` when the last one recorded is older than `since` (or none):
/// one write a minute per key, not one per request.
pub fn touch(conn: &mut DbConnection, id: &UserId, at: NaiveDateTime, since: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_keys::table.find(id).filter(api_keys::last_used_at.is_null().or(api_keys::last_used_at.lt(since))),
    )
    .set(api_keys::last_used_at.eq(Some(at)))
    .execute(conn)
}
