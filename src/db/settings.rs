//! SQL for the `settings` table: small named values kept by the server itself.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::settings::dsl;

pub fn get(conn: &mut DbConnection, key: &str) -> QueryResult<Option<String>> {
    dsl::settings.find(key).select(dsl::value).first(conn).optional()
}

/// Inserts `key` unless it exists; returns the value that is stored afterwards, so
/// that instances racing to create it all end up with the same one.
pub fn get_or_insert(conn: &mut DbConnection, key: &str, value: &str) -> QueryResult<String> {
    if let Some(existing) = get(conn, key)? {
        return Ok(existing);
    }
    let inserted = diesel::insert_into(dsl::settings).values((dsl::key.eq(key), dsl::value.eq(value))).execute(conn);
    match inserted {
        Ok(_) => Ok(value.to_string()),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            get(conn, key)?.ok_or(diesel::result::Error::NotFound)
        }
        Err(e) => Err(e),
    }
}
