//! SQL for tags: the records, their former slugs, and the tag names articles carry
//! (`articles.tags` and `article_tags.tag` hold a tag's name, so renaming and merging
//! rewrite them).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{article_tags, articles, tag_slugs, tags};
use super::{DbConnection, Json};
use crate::domain::id::{ArticleId, TagId};
use crate::domain::tag;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = tags, treat_none_as_null = true)]
pub struct TagRow {
    pub id: TagId,
    pub slug: String,
    pub name: String,
    pub key: String,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub fn insert(conn: &mut DbConnection, row: &TagRow) -> QueryResult<()> {
    diesel::insert_into(tags::table).values(row).execute(conn).map(|_| ())
}

/// Writes `row` if the stored version is still `expected`; `false` when it was not.
pub fn update_if_version(conn: &mut DbConnection, row: &TagRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(tags::table.find(&row.id).filter(tags::version.eq(expected))).set(row).execute(conn)?;
    Ok(n == 1)
}

pub fn delete_if_version(conn: &mut DbConnection, id: &TagId, expected: i64) -> QueryResult<bool> {
    let n = diesel::delete(tags::table.find(id).filter(tags::version.eq(expected))).execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConnection, id: &TagId) -> QueryResult<Option<TagRow>> {
    tags::table.find(id).first(conn).optional()
}

/// The tag, locked until the transaction ends on PostgreSQL (article writes using it
/// share-lock it first, so they finish before a rename, merge or delete goes on).
pub fn find_for_change(conn: &mut DbConnection, id: &TagId) -> QueryResult<Option<TagRow>> {
    match conn {
        DbConnection::Postgres(c) => tags::table.find(id).for_update().first(c).optional(),
        DbConnection::Sqlite(c) => tags::table.find(id).first(c).optional(),
    }
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<TagRow>> {
    tags::table.filter(tags::slug.eq(slug)).first(conn).optional()
}

pub fn find_by_key(conn: &mut DbConnection, key: &str) -> QueryResult<Option<TagRow>> {
    tags::table.filter(tags::key.eq(key)).first(conn).optional()
}

/// The tag a former slug now belongs to.
pub fn find_by_former_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<TagRow>> {
    tag_slugs::table
        .inner_join(tags::table)
        .filter(tag_slugs::slug.eq(slug))
        .select(TagRow::as_select())
        .first(conn)
        .optional()
}

/// The name articles carry for a tag given by slug, former slug or name (the way
/// list filters take it); `None` when no tag answers to it.
pub fn name_for(conn: &mut DbConnection, given: &str) -> QueryResult<Option<String>> {
    // A name first: a slug may equal another tag's name ("Weather" at `climate`, and a
    // tag named "climate"), and the name is what articles carry.
    if let Some(row) = find_by_key(conn, &tag::key(given))? {
        return Ok(Some(row.name));
    }
    if let Some(row) = find_by_slug(conn, given)? {
        return Ok(Some(row.name));
    }
    Ok(find_by_former_slug(conn, given)?.map(|row| row.name))
}

/// The tag name a list filter `tag=` means: a tag's slug (or former slug) or its name,
/// in any case. A value no tag answers to filters by itself, and so finds nothing.
pub fn filter_name(conn: &mut DbConnection, given: &str) -> QueryResult<String> {
    let given = given.trim();
    Ok(name_for(conn, given)?.unwrap_or_else(|| tag::key(given)))
}

/// The names an article carries for the tags it was given (each folded to its key):
/// existing tags' names, and new tags made for the rest.
pub fn names_for_article(conn: &mut DbConnection, given: &[String], now: NaiveDateTime) -> QueryResult<Vec<String>> {
    let mut names: Vec<String> = Vec::with_capacity(given.len());
    for g in given {
        let name = ensure(conn, &tag::key(g), now)?;
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(names)
}

/// One page in name order (case-folded) after `after`, optionally only tags whose
/// name or slug contains `q` (already case-folded).
pub fn page(conn: &mut DbConnection, q: Option<&str>, after: Option<&str>, limit: i64) -> QueryResult<Vec<TagRow>> {
    let mut query = tags::table.into_boxed();
    if let Some(q) = q {
        // The key is already lower-cased, and so are slugs.
        let pattern = super::contains_pattern(q);
        query = query.filter(tags::key.like(pattern.clone()).escape('\\').or(tags::slug.like(pattern).escape('\\')));
    }
    if let Some(after) = after {
        query = query.filter(tags::key.gt(after.to_string()));
    }
    query.order(tags::key.asc()).limit(limit).load(conn)
}

/// How many articles (in any state, trashed ones too) carry each of the named tags.
pub fn article_counts(conn: &mut DbConnection, names: &[String]) -> QueryResult<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = article_tags::table
        .filter(article_tags::tag.eq_any(names))
        .group_by(article_tags::tag)
        .select((article_tags::tag, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Whether any live article carries the tag named `name`.
pub fn is_live(conn: &mut DbConnection, name: &str, now: NaiveDateTime) -> QueryResult<bool> {
    use super::schema::article_feed;
    diesel::select(diesel::dsl::exists(
        article_tags::table
            .inner_join(article_feed::table.on(article_feed::article_id.eq(article_tags::article_id)))
            .filter(article_tags::tag.eq(name))
            .filter(article_feed::feed.eq(""))
            .filter(article_feed::publish_at.le(now)),
    ))
    .get_result(conn)
}

/// The name articles should carry for the tag whose key is `key`: the existing tag's
/// name, or a new tag's (named `key`, with a free slug made from it), created here.
/// On PostgreSQL the tag row is share-locked until the transaction ends, so that a
/// concurrent rename, merge or delete cannot leave the article with a name no tag has.
pub fn ensure(conn: &mut DbConnection, key: &str, now: NaiveDateTime) -> QueryResult<String> {
    for attempt in 1..=50 {
        let found: Option<String> = match conn {
            DbConnection::Postgres(c) => {
                tags::table.filter(tags::key.eq(key)).select(tags::name).for_share().first(c).optional()?
            }
            DbConnection::Sqlite(c) => tags::table.filter(tags::key.eq(key)).select(tags::name).first(c).optional()?,
        };
        if let Some(name) = found {
            return Ok(name);
        }
        let slug = free_slug(conn, &tag::made_slug(key), attempt)?;
        let row = TagRow {
            id: TagId::generate(),
            slug,
            name: key.to_string(),
            key: key.to_string(),
            description: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        // A concurrent writer may take the key or the slug first: then look again.
        crate::on_backend!(conn, c => diesel::insert_into(tags::table).values(&row).on_conflict_do_nothing().execute(c))?;
    }
    Err(diesel::result::Error::NotFound)
}

/// The first of `base`, `base-2`, ... (from the `from`th) that no tag has as its slug.
/// A former slug counts as free: a new tag takes it over from the redirect.
pub fn free_slug(conn: &mut DbConnection, base: &str, from: usize) -> QueryResult<String> {
    super::first_free_slug(base, from, |candidate| Ok(find_by_slug(conn, candidate)?.is_none()))
}

/// Makes `slug` redirect to `tag_id` (taking it from any other tag's former slugs).
pub fn keep_former_slug(conn: &mut DbConnection, slug: &str, tag_id: &TagId) -> QueryResult<()> {
    drop_former_slug(conn, slug)?;
    diesel::insert_into(tag_slugs::table)
        .values((tag_slugs::slug.eq(slug), tag_slugs::tag_id.eq(tag_id)))
        .execute(conn)
        .map(|_| ())
}

/// Stops `slug` redirecting (a tag now has it as its own).
pub fn drop_former_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<()> {
    diesel::delete(tag_slugs::table.filter(tag_slugs::slug.eq(slug))).execute(conn).map(|_| ())
}

/// Points every former slug of `from` at `to`.
pub fn move_former_slugs(conn: &mut DbConnection, from: &TagId, to: &TagId) -> QueryResult<()> {
    diesel::update(tag_slugs::table.filter(tag_slugs::tag_id.eq(from)))
        .set(tag_slugs::tag_id.eq(to))
        .execute(conn)
        .map(|_| ())
}

/// Replaces the tag named `old` on every article that carries it: by `new`, or, with
/// `None`, by nothing. Each changed article gets a new version (its editorial ETag
/// names what it carries, and an editor's stale copy must not write the old name
/// back). Returns the articles changed.
pub fn replace_on_articles(conn: &mut DbConnection, old: &str, new: Option<&str>) -> QueryResult<Vec<ArticleId>> {
    let ids: Vec<ArticleId> = article_tags::table
        .filter(article_tags::tag.eq(old))
        .order(article_tags::article_id)
        .select(article_tags::article_id)
        .load(conn)?;
    for chunk in ids.chunks(500) {
        // Locked in id order on PostgreSQL: an article write in flight finishes first,
        // and its tags are read as it left them, not overwritten from an older copy.
        let query = articles::table
            .filter(articles::id.eq_any(chunk))
            .order(articles::id)
            .select((articles::id, articles::tags));
        let rows: Vec<(ArticleId, Json<Vec<String>>)> = match conn {
            DbConnection::Postgres(c) => query.for_update().load(c)?,
            DbConnection::Sqlite(c) => query.load(c)?,
        };
        for (id, Json(carried)) in rows {
            let mut next: Vec<String> = Vec::with_capacity(carried.len());
            for name in carried {
                let name = if name == old { new.map(str::to_string) } else { Some(name) };
                if let Some(name) = name.filter(|n| !next.contains(n)) {
                    next.push(name);
                }
            }
            diesel::update(articles::table.find(&id))
                .set((articles::tags.eq(Json(next)), articles::version.eq(articles::version + 1)))
                .execute(conn)?;
        }
    }
    match new {
        Some(new) => {
            // Articles that carry both keep one row, under the new name.
            for chunk in ids.chunks(500) {
                let both: Vec<ArticleId> = article_tags::table
                    .filter(article_tags::tag.eq(new))
                    .filter(article_tags::article_id.eq_any(chunk))
                    .select(article_tags::article_id)
                    .load(conn)?;
                diesel::delete(
                    article_tags::table
                        .filter(article_tags::tag.eq(old))
                        .filter(article_tags::article_id.eq_any(&both)),
                )
                .execute(conn)?;
            }
            diesel::update(article_tags::table.filter(article_tags::tag.eq(old)))
                .set(article_tags::tag.eq(new))
                .execute(conn)?;
        }
        None => {
            diesel::delete(article_tags::table.filter(article_tags::tag.eq(old))).execute(conn)?;
        }
    }
    Ok(ids)
}

/// Makes tag records for names articles carry that have none (after the migration
/// that brought tags in, for the tags already on articles). Returns how many.
pub fn backfill(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let missing: Vec<String> = article_tags::table
        .filter(diesel::dsl::not(diesel::dsl::exists(tags::table.filter(tags::name.eq(article_tags::tag)))))
        .select(article_tags::tag)
        .distinct()
        .load(conn)?;
    for name in &missing {
        let key = tag::key(name);
        match find_by_key(conn, &key)? {
            // Two stored spellings of one key (cannot come from the API, which folds
            // case): the articles take the existing tag's name.
            Some(existing) => {
                replace_on_articles(conn, name, Some(&existing.name))?;
            }
            None => {
                let slug = free_slug(conn, &tag::made_slug(name), 1)?;
                insert(
                    conn,
                    &TagRow {
                        id: TagId::generate(),
                        slug,
                        name: name.clone(),
                        key,
                        description: None,
                        created_at: now,
                        updated_at: now,
                        version: 1,
                    },
                )?;
            }
        }
    }
    Ok(missing.len())
}
