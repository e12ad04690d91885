//! SQL for the `users` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::users::{self, dsl};
use super::{DbConnection, from_db_time};
use crate::domain::id::UserId;
use crate::domain::user::{AccountKind, Role, User};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub password_hash: String,
    pub token_generation: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub kind: AccountKind,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> User {
        User {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            role: row.role,
            active: row.active,
            kind: row.kind,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(dsl::users).values(row).execute(conn).map(|_| ())
}

pub fn update(conn: &mut DbConnection, row: &UserRow) -> QueryResult<()> {
    diesel::update(dsl::users.find(&row.id)).set(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &UserId) -> QueryResult<Option<UserRow>> {
    dsl::users.find(id).first(conn).optional()
}

/// A person's account (`/users` manages people; API keys have their own endpoints).
pub fn find_person(conn: &mut DbConnection, id: &UserId) -> QueryResult<Option<UserRow>> {
    dsl::users.find(id).filter(dsl::kind.eq(AccountKind::Person)).first(conn).optional()
}

/// The display names of the users among `ids` (names are public, as bylines).
pub fn display_names(conn: &mut DbConnection, ids: &[UserId]) -> QueryResult<Vec<(UserId, String)>> {
    dsl::users.filter(dsl::id.eq_any(ids)).select((dsl::id, dsl::display_name)).load(conn)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<UserRow>> {
    dsl::users.filter(dsl::email.eq(email)).first(conn).optional()
}

pub fn exists_any(conn: &mut DbConnection) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(dsl::users.select(dsl::id))).get_result(conn)
}

pub fn count_active_admins(conn: &mut DbConnection) -> QueryResult<i64> {
    dsl::users.filter(dsl::role.eq(Role::Admin)).filter(dsl::active.eq(true)).count().get_result(conn)
}

/// Filters for the users list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// One page of people in id order (ids are UUIDv7, so creation order), after `after`.
pub fn list(
    conn: &mut DbConnection,
    filter: &UserFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<UserRow>> {
    let mut query = dsl::users.filter(dsl::kind.eq(AccountKind::Person)).into_boxed();
    if let Some(role) = &filter.role {
        query = query.filter(dsl::role.eq(*role));
    }
    if let Some(active) = filter.active {
        query = query.filter(dsl::active.eq(active));
    }
    if let Some(after) = after {
        query = query.filter(dsl::id.gt(after.to_string()));
    }
    query.order(dsl::id.asc()).limit(limit).load(conn)
}
