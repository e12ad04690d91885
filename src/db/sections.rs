//! SQL for the `sections` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::sections::{self, dsl};
use crate::domain::id::SectionId;

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = sections, treat_none_as_null = true)]
pub struct SectionRow {
    pub id: SectionId,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<SectionId>,
    pub position: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub fn insert(conn: &mut DbConnection, row: &SectionRow) -> QueryResult<()> {
    diesel::insert_into(dsl::sections).values(row).execute(conn).map(|_| ())
}

/// Writes `row` if the stored version is still `expected`; `false` when it was not.
pub fn update_if_version(conn: &mut DbConnection, row: &SectionRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(dsl::sections.find(&row.id).filter(dsl::version.eq(expected))).set(row).execute(conn)?;
    Ok(n == 1)
}

pub fn delete_if_version(conn: &mut DbConnection, id: &SectionId, expected: i64) -> QueryResult<bool> {
    let n = diesel::delete(dsl::sections.find(id).filter(dsl::version.eq(expected))).execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConnection, id: &SectionId) -> QueryResult<Option<SectionRow>> {
    dsl::sections.find(id).first(conn).optional()
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<SectionRow>> {
    dsl::sections.filter(dsl::slug.eq(slug)).first(conn).optional()
}

pub fn parent_of(conn: &mut DbConnection, id: &SectionId) -> QueryResult<Option<Option<SectionId>>> {
    dsl::sections.find(id).select(dsl::parent_id).first(conn).optional()
}

pub fn has_children(conn: &mut DbConnection, id: &SectionId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(dsl::sections.filter(dsl::parent_id.eq(id)))).get_result(conn)
}

/// Every section, in display order (a site has tens, not thousands).
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<SectionRow>> {
    dsl::sections.order((dsl::position.asc(), dsl::name.asc(), dsl::id.asc())).load(conn)
}

/// One page in (position, id) order after `after`, optionally only the children of `parent`.
pub fn page(
    conn: &mut DbConnection,
    parent: Option<&str>,
    after: Option<(i64, String)>,
    limit: i64,
) -> QueryResult<Vec<SectionRow>> {
    let mut query = dsl::sections.into_boxed();
    if let Some(parent) = parent {
        query = query.filter(dsl::parent_id.eq(parent.to_string()));
    }
    if let Some((position, id)) = after {
        query = query.filter(dsl::position.gt(position).or(dsl::position.eq(position).and(dsl::id.gt(id))));
    }
    query.order((dsl::position.asc(), dsl::id.asc())).limit(limit).load(conn)
}

/// The ancestors of section `id`, nearest first (bounded, so a damaged tree cannot loop).
pub fn ancestors(conn: &mut DbConnection, id: &SectionId) -> QueryResult<Vec<SectionId>> {
    let mut out = Vec::new();
    let mut current = parent_of(conn, id)?.flatten();
    while let Some(parent) = current {
        if out.len() > 16 || out.contains(&parent) {
            break;
        }
        current = parent_of(conn, &parent)?.flatten();
        out.push(parent);
    }
    Ok(out)
}

/// The given sections and all their sub-sections.
pub fn with_descendants(conn: &mut DbConnection, roots: &[SectionId]) -> QueryResult<Vec<SectionId>> {
    let all: Vec<(SectionId, Option<SectionId>)> = dsl::sections.select((dsl::id, dsl::parent_id)).load(conn)?;
    let mut out: Vec<SectionId> = roots.to_vec();
    let mut i = 0;
    while i < out.len() {
        let parent = out[i].clone();
        for (id, _) in all.iter().filter(|(_, p)| p.as_ref() == Some(&parent)) {
            if !out.contains(id) {
                out.push(id.clone());
            }
        }
        i += 1;
    }
    Ok(out)
}
