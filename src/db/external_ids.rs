//! SQL for external ids: one table for every kind of record (`domain::external`).

use diesel::prelude::*;

use super::DbConnection;
use super::schema::external_ids;
use crate::domain::external::ExternalKind;

/// The record of `kind` that `external_id` names.
pub fn find(conn: &mut DbConnection, kind: ExternalKind, external_id: &str) -> QueryResult<Option<String>> {
    external_ids::table
        .filter(external_ids::kind.eq(kind.as_str()))
        .filter(external_ids::external_id.eq(external_id))
        .select(external_ids::id)
        .first(conn)
        .optional()
}

/// The external ids of these records, as (record id, external id).
pub fn of(conn: &mut DbConnection, kind: ExternalKind, ids: &[&str]) -> QueryResult<Vec<(String, String)>> {
    external_ids::table
        .filter(external_ids::kind.eq(kind.as_str()))
        .filter(external_ids::id.eq_any(ids))
        .select((external_ids::id, external_ids::external_id))
        .load(conn)
}

/// Gives record `id` the external id `external_id`, or none. Another record of the
/// kind holding it is a unique violation.
pub fn set(conn: &mut DbConnection, kind: ExternalKind, id: &str, external_id: Option<&str>) -> QueryResult<()> {
    diesel::delete(external_ids::table.filter(external_ids::kind.eq(kind.as_str())).filter(external_ids::id.eq(id)))
        .execute(conn)?;
    if let Some(external_id) = external_id {
        diesel::insert_into(external_ids::table)
            .values((
                external_ids::kind.eq(kind.as_str()),
                external_ids::external_id.eq(external_id),
                external_ids::id.eq(id),
            ))
            .execute(conn)?;
    }
    Ok(())
}
