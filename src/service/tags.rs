//! Tags: create, read, list, rename, delete and merge, keeping the names articles
//! carry in step; the public tag page; and the names article writes and list filters
//! resolve to.

use chrono::{DateTime, Utc};

use super::public::{self, PublicPage, PublicQuery};
use super::{Error, events};
use crate::db::tags::{self as tag_db, TagRow};
use crate::db::{self, DbConnection};
use crate::domain::id::TagId;
use crate::domain::tag::{self, TagFields};
use crate::domain::version::IfMatch;
use crate::domain::webhook::EventType;
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub id: TagId,
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
    /// Articles carrying it, in any state.
    pub article_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

fn to_tags(conn: &mut DbConnection, rows: Vec<TagRow>) -> Result<Vec<Tag>, Error> {
    let names: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
    let counts = tag_db::article_counts(conn, &names)?;
    Ok(rows
        .into_iter()
        .map(|r| Tag {
            article_count: counts.get(&r.name).copied().unwrap_or(0),
            id: r.id,
            slug: r.slug,
            name: r.name,
            description: r.description,
            created_at: db::from_db_time(r.created_at),
            updated_at: db::from_db_time(r.updated_at),
            version: r.version,
        })
        .collect())
}

fn to_tag(conn: &mut DbConnection, row: TagRow) -> Result<Tag, Error> {
    to_tags(conn, vec![row])?.pop().ok_or_else(|| Error::not_found("Tag"))
}

fn slug_taken() -> Error {
    Error::conflict("slug_taken", "Another tag already has this slug.")
}

fn name_taken() -> Error {
    Error::conflict(
        "tag_exists",
        "Another tag already has this name (names differing only in case are one tag): merge into it instead.",
    )
}

fn map_unique(e: diesel::result::Error) -> Error {
    match e {
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
            Error::conflict("tag_exists", "Another tag already has this name or slug.")
        }
        other => other.into(),
    }
}

fn find(conn: &mut DbConnection, id: &TagId) -> Result<TagRow, Error> {
    tag_db::find(conn, id)?.ok_or_else(|| Error::not_found("Tag"))
}

fn find_for_change(conn: &mut DbConnection, id: &TagId) -> Result<TagRow, Error> {
    tag_db::find_for_change(conn, id)?.ok_or_else(|| Error::not_found("Tag"))
}

/// The 412 for a row that changed under us (or 404 if it is gone).
fn stale(conn: &mut DbConnection, id: &TagId) -> Result<Error, Error> {
    Ok(Error::Stale { current: find(conn, id)?.version })
}

/// 409 unless `fields` may be stored for the tag `id` (a new one with `None`).
fn check_free(conn: &mut DbConnection, id: Option<&TagId>, fields: &TagFields) -> Result<(), Error> {
    if tag_db::find_by_key(conn, &tag::key(&fields.name))?.is_some_and(|other| Some(&other.id) != id) {
        return Err(name_taken());
    }
    if tag_db::find_by_slug(conn, &fields.slug)?.is_some_and(|other| Some(&other.id) != id) {
        return Err(slug_taken());
    }
    Ok(())
}

pub async fn create(state: &AppState, fields: TagFields, slug_given: bool) -> Result<Tag, Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let mut fields = fields;
                if !slug_given {
                    fields.slug = tag_db::free_slug(c, &fields.slug, 1)?;
                }
                check_free(c, None, &fields)?;
                let row = TagRow {
                    id: TagId::generate(),
                    key: tag::key(&fields.name),
                    slug: fields.slug,
                    name: fields.name,
                    description: fields.description,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                tag_db::insert(c, &row).map_err(map_unique)?;
                // The slug is the tag's own now, no longer a redirect elsewhere.
                tag_db::drop_former_slug(c, &row.slug)?;
                events::tag(c, EventType::TagCreated, &row, None, None, false, db::from_db_time(now))?;
                to_tag(c, row)
            })
        })
        .await
}

pub async fn get(state: &AppState, id: TagId) -> Result<Tag, Error> {
    state
        .db
        .run(move |conn| {
            let row = find(conn, &id)?;
            to_tag(conn, row)
        })
        .await
}

/// A page in name order (case-folded), and the key to continue after.
pub async fn list(
    state: &AppState,
    q: Option<String>,
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<Tag>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            let q = q.map(|q| tag::key(&q)).filter(|q| !q.is_empty());
            let rows = tag_db::page(conn, q.as_deref(), after.as_deref(), limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| r.key.clone());
            Ok((to_tags(conn, rows)?, next))
        })
        .await
}

/// A partial update. `description` may be set to `null`.
#[derive(Debug, Default, Clone)]
pub struct TagPatch {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<Option<String>>,
}

/// Changes a tag. A new name goes onto every article carrying the tag; a new slug
/// leaves the old one redirecting to the tag.
pub async fn update(state: &AppState, id: TagId, if_match: IfMatch, patch: TagPatch) -> Result<Tag, Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                db::lock(c, "tags")?;
                let mut row = find_for_change(c, &id)?;
                if_match.check(row.version)?;
                let fields = TagFields {
                    name: patch.name.unwrap_or_else(|| row.name.clone()),
                    slug: patch.slug.unwrap_or_else(|| row.slug.clone()),
                    description: patch.description.unwrap_or_else(|| row.description.clone()),
                }
                .validate(true)
                .map_err(Error::Invalid)?;
                check_free(c, Some(&row.id), &fields)?;
                let before = row.clone();
                let expected = row.version;
                row.key = tag::key(&fields.name);
                row.name = fields.name;
                row.slug = fields.slug;
                row.description = fields.description;
                row.updated_at = now;
                row.version += 1;
                if !tag_db::update_if_version(c, &row, expected).map_err(map_unique)? {
                    return Err(stale(c, &row.id)?);
                }
                if row.slug != before.slug {
                    tag_db::drop_former_slug(c, &row.slug)?;
                    // Only a slug readers could have seen redirects: a draft-only tag's
                    // old slug must not tell its new one.
                    if tag_db::is_live(c, &before.name, now)? {
                        tag_db::keep_former_slug(c, &before.slug, &row.id)?;
                    }
                }
                let changed = if row.name != before.name {
                    !tag_db::replace_on_articles(c, &before.name, Some(&row.name))?.is_empty()
                } else {
                    false
                };
                events::tag(c, EventType::TagUpdated, &row, Some(&before), None, changed, db::from_db_time(now))?;
                to_tag(c, row)
            })
        })
        .await
}

/// Deletes a tag and takes it off every article carrying it. Its slugs stop
/// answering (404).
pub async fn delete(state: &AppState, id: TagId, if_match: IfMatch) -> Result<(), Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                db::lock(c, "tags")?;
                let row = find_for_change(c, &id)?;
                if_match.check(row.version)?;
                if !tag_db::delete_if_version(c, &id, row.version)? {
                    return Err(stale(c, &id)?);
                }
                let changed = !tag_db::replace_on_articles(c, &row.name, None)?.is_empty();
                events::tag(c, EventType::TagDeleted, &row, None, None, changed, now)?;
                Ok(())
            })
        })
        .await
}

/// Merges tag `id` into tag `into`: its articles carry `into` instead, its slug and
/// former slugs redirect to `into`, and it is deleted. Returns `into`.
pub async fn merge(state: &AppState, id: TagId, if_match: IfMatch, into: TagId) -> Result<Tag, Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                db::lock(c, "tags")?;
                let from = find_for_change(c, &id)?;
                if_match.check(from.version)?;
                if into == id {
                    return Err(Error::invalid("into", "must be another tag"));
                }
                let target = tag_db::find_for_change(c, &into)?
                    .ok_or_else(|| Error::invalid("into", "is not an existing tag"))?;
                let was_live = tag_db::is_live(c, &from.name, db::to_db_time(now))?;
                // Its redirects go to the target before the delete would drop them.
                tag_db::move_former_slugs(c, &from.id, &target.id)?;
                if !tag_db::delete_if_version(c, &id, from.version)? {
                    return Err(stale(c, &id)?);
                }
                // Only a slug readers could have seen redirects (a draft-only tag's would
                // tell that it existed).
                if was_live {
                    tag_db::keep_former_slug(c, &from.slug, &target.id)?;
                }
                let changed = !tag_db::replace_on_articles(c, &from.name, Some(&target.name))?.is_empty();
                events::tag(c, EventType::TagMerged, &target, None, Some(&from), changed, now)?;
                to_tag(c, target)
            })
        })
        .await
}

/// A tag as public pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicTag {
    pub slug: String,
    pub name: String,
    pub description: Option<String>,
}

/// The public answer for a tag slug.
pub enum TagLookup {
    Found {
        tag: PublicTag,
        page: PublicPage,
    },
    /// A former slug: redirect to the tag's slug now.
    Moved(String),
}

/// A tag with a page of its live articles, newest first. A tag no live article
/// carries is 404, as if it did not exist: its name may tell of unpublished work.
pub async fn public_page(
    state: &AppState,
    slug: String,
    after: Option<(DateTime<Utc>, String)>,
    limit: i64,
) -> Result<TagLookup, Error> {
    let now = db::to_db_time(state.clock.now());
    let found = state
        .db
        .run(move |conn| {
            let (row, moved) = match tag_db::find_by_slug(conn, &slug)? {
                Some(row) => (row, false),
                None => (tag_db::find_by_former_slug(conn, &slug)?.ok_or_else(|| Error::not_found("Tag"))?, true),
            };
            if !tag_db::is_live(conn, &row.name, now)? {
                return Err(Error::not_found("Tag"));
            }
            Ok((row, moved))
        })
        .await?;
    let (row, moved) = found;
    if moved {
        return Ok(TagLookup::Moved(row.slug));
    }
    let query = PublicQuery { tag: Some(row.name.clone()), ..PublicQuery::default() };
    let page = public::list(state, query, after, limit).await?;
    Ok(TagLookup::Found { tag: PublicTag { slug: row.slug, name: row.name, description: row.description }, page })
}
