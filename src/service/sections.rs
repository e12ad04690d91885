//! Sections: create, read, list, change and delete, keeping the tree a tree and slugs
//! unique. Every change checks the caller's `If-Match` against the stored version.

use chrono::{DateTime, Utc};

use super::{Error, events};
use crate::db::articles as article_db;
use crate::db::sections::{self as section_db, SectionRow};
use crate::db::{self, DbConnection};
use crate::domain::id::SectionId;
use crate::domain::section::{self, SectionFields};
use crate::domain::version::IfMatch;
use crate::domain::webhook::EventType;
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub id: SectionId,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    pub parent_id: Option<SectionId>,
    pub position: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<SectionRow> for Section {
    fn from(r: SectionRow) -> Section {
        Section {
            id: r.id,
            slug: r.slug,
            name: r.name,
            description: r.description,
            parent_id: r.parent_id,
            position: r.position,
            created_at: db::from_db_time(r.created_at),
            updated_at: db::from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

fn slug_taken() -> Error {
    Error::conflict("slug_taken", "Another section already has this slug.")
}

fn map_unique(e: diesel::result::Error) -> Error {
    match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => slug_taken(),
        other => other.into(),
    }
}

/// 422 unless `parent` exists and may hold `section`.
fn check_parent(conn: &mut DbConnection, section: Option<&SectionId>, parent: &SectionId) -> Result<(), Error> {
    if section_db::find(conn, parent)?.is_none() {
        return Err(Error::invalid("parent_id", "is not an existing section"));
    }
    let ancestors = section_db::ancestors(conn, parent)?;
    match section::placement_problem(section, parent, &ancestors) {
        Some(problem) => Err(Error::invalid("parent_id", problem)),
        None => Ok(()),
    }
}

pub async fn create(state: &AppState, fields: SectionFields) -> Result<Section, Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                db::lock(c, "sections")?;
                if let Some(parent) = &fields.parent_id {
                    check_parent(c, None, parent)?;
                }
                if section_db::find_by_slug(c, &fields.slug)?.is_some() {
                    return Err(slug_taken());
                }
                let row = SectionRow {
                    id: SectionId::generate(),
                    slug: fields.slug,
                    name: fields.name,
                    description: fields.description,
                    parent_id: fields.parent_id,
                    position: fields.position,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                section_db::insert(c, &row).map_err(map_unique)?;
                events::section(c, EventType::SectionCreated, &row, None, db::from_db_time(now))?;
                Ok(row.into())
            })
        })
        .await
}

pub async fn get(state: &AppState, id: SectionId) -> Result<Section, Error> {
    state.db.run(move |conn| Ok(section_db::find(conn, &id)?.ok_or_else(|| Error::not_found("Section"))?.into())).await
}

/// A page in display order and the (position, id) to continue after.
pub async fn list(
    state: &AppState,
    parent: Option<String>,
    after: Option<(i64, String)>,
    limit: i64,
) -> Result<(Vec<Section>, Option<(i64, String)>), Error> {
    state
        .db
        .run(move |conn| {
            let rows = section_db::page(conn, parent.as_deref(), after, limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| (r.position, r.id.to_string()));
            Ok((rows.into_iter().map(Section::from).collect(), next))
        })
        .await
}

/// Every section, in display order.
pub async fn all(state: &AppState) -> Result<Vec<Section>, Error> {
    state.db.run(|conn| Ok(section_db::all(conn)?.into_iter().map(Section::from).collect())).await
}

/// A partial update. `description` and `parent_id` may be set to `null`.
#[derive(Debug, Default, Clone)]
pub struct SectionPatch {
    pub slug: Option<String>,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub parent_id: Option<Option<SectionId>>,
    pub position: Option<i64>,
}

pub async fn update(state: &AppState, id: SectionId, if_match: IfMatch, patch: SectionPatch) -> Result<Section, Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                db::lock(c, "sections")?;
                let mut row = section_db::find(c, &id)?.ok_or_else(|| Error::not_found("Section"))?;
                if_match.check(row.version)?;
                let fields = SectionFields {
                    slug: patch.slug.unwrap_or_else(|| row.slug.clone()),
                    name: patch.name.unwrap_or_else(|| row.name.clone()),
                    description: patch.description.unwrap_or_else(|| row.description.clone()),
                    parent_id: patch.parent_id.unwrap_or_else(|| row.parent_id.clone()),
                    position: patch.position.unwrap_or(row.position),
                }
                .validate(true)
                .map_err(Error::Invalid)?;
                if let Some(parent) = &fields.parent_id {
                    if row.parent_id.as_ref() != Some(parent) {
                        check_parent(c, Some(&row.id), parent)?;
                    }
                }
                if fields.slug != row.slug && section_db::find_by_slug(c, &fields.slug)?.is_some() {
                    return Err(slug_taken());
                }
                let expected = row.version;
                let before = row.clone();
                let old_parent = row.parent_id.clone();
                row.slug = fields.slug;
                row.name = fields.name;
                row.description = fields.description;
                row.parent_id = fields.parent_id;
                row.position = fields.position;
                row.updated_at = now;
                row.version += 1;
                let moved = row.parent_id != old_parent;
                if !section_db::update_if_version(c, &row, expected).map_err(map_unique)? {
                    return Err(stale(c, &row.id)?);
                }
                if moved {
                    // The articles below now belong to other ancestors' fronts.
                    let subtree = section_db::with_descendants(c, std::slice::from_ref(&row.id))?;
                    for article in article_db::in_sections(c, &subtree)? {
                        article_db::refresh_feed(c, &article)?;
                    }
                }
                events::section(c, EventType::SectionUpdated, &row, Some(&before), db::from_db_time(now))?;
                Ok(row.into())
            })
        })
        .await
}

/// The 412 for a row that changed under us (or 404 if it is gone).
fn stale(conn: &mut DbConnection, id: &SectionId) -> Result<Error, Error> {
    let current = section_db::find(conn, id)?.ok_or_else(|| Error::not_found("Section"))?;
    Ok(Error::Stale { current: current.version })
}

/// Deletes an empty section: one with sub-sections or articles is a 409.
pub async fn delete(state: &AppState, id: SectionId, if_match: IfMatch) -> Result<(), Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                db::lock(c, "sections")?;
                let row = section_db::find(c, &id)?.ok_or_else(|| Error::not_found("Section"))?;
                if_match.check(row.version)?;
                if section_db::has_children(c, &id)? {
                    return Err(Error::conflict(
                        "section_not_empty",
                        "The section has sub-sections: move or delete them first.",
                    ));
                }
                if article_db::any_in_section(c, &id)? {
                    return Err(Error::conflict(
                        "section_not_empty",
                        "The section holds articles (trashed ones too): move them first.",
                    ));
                }
                if crate::db::sponsored::targets_section(c, &id)? {
                    return Err(Error::conflict(
                        "section_in_use",
                        "Sponsored blocks target this section: change their targeting first.",
                    ));
                }
                if !section_db::delete_if_version(c, &id, row.version)? {
                    return Err(stale(c, &id)?);
                }
                events::section(c, EventType::SectionDeleted, &row, None, now)?;
                Ok(())
            })
        })
        .await
}
