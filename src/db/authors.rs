//! SQL for authors: the records, the authors made for users, and which articles an
//! author's bylines are on.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{article_authors, article_feed, authors};
use super::{DbConnection, Json};
use crate::domain::article::Image;
use crate::domain::author::{self, AuthorLink};
use crate::domain::id::{AuthorId, UserId};
use crate::domain::user::Role;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = authors, treat_none_as_null = true)]
pub struct AuthorRow {
    pub id: AuthorId,
    pub slug: String,
    pub name: String,
    pub job_title: Option<String>,
    pub bio: Option<String>,
    pub photo: Option<Json<Image>>,
    pub links: Json<Vec<AuthorLink>>,
    pub user_id: Option<UserId>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub fn insert(conn: &mut DbConnection, row: &AuthorRow) -> QueryResult<()> {
    diesel::insert_into(authors::table).values(row).execute(conn).map(|_| ())
}

/// Writes `row` if the stored version is still `expected`; `false` when it was not.
pub fn update_if_version(conn: &mut DbConnection, row: &AuthorRow, expected: i64) -> QueryResult<bool> {
    let n =
        diesel::update(authors::table.find(&row.id).filter(authors::version.eq(expected))).set(row).execute(conn)?;
    Ok(n == 1)
}

pub fn delete_if_version(conn: &mut DbConnection, id: &AuthorId, expected: i64) -> QueryResult<bool> {
    let n = diesel::delete(authors::table.find(id).filter(authors::version.eq(expected))).execute(conn)?;
    Ok(n == 1)
}

pub fn find(conn: &mut DbConnection, id: &AuthorId) -> QueryResult<Option<AuthorRow>> {
    authors::table.find(id).first(conn).optional()
}

pub fn find_by_slug(conn: &mut DbConnection, slug: &str) -> QueryResult<Option<AuthorRow>> {
    authors::table.filter(authors::slug.eq(slug)).first(conn).optional()
}

/// The author linked to `user`, if any.
pub fn find_by_user(conn: &mut DbConnection, user: &UserId) -> QueryResult<Option<AuthorRow>> {
    authors::table.filter(authors::user_id.eq(user)).first(conn).optional()
}

/// One page in name order after `after` (name, id), optionally only authors whose name
/// or slug contains `q`.
pub fn page(
    conn: &mut DbConnection,
    q: Option<&str>,
    after: Option<(String, String)>,
    limit: i64,
) -> QueryResult<Vec<AuthorRow>> {
    let mut query = authors::table.into_boxed();
    if let Some(q) = q {
        let pattern = super::contains_pattern(q);
        query = query.filter(
            super::lower(authors::name).like(pattern.clone()).escape('\\').or(authors::slug.like(pattern).escape('\\')),
        );
    }
    if let Some((name, id)) = after {
        query = query.filter(authors::name.gt(name.clone()).or(authors::name.eq(name).and(authors::id.gt(id))));
    }
    query.order((authors::name.asc(), authors::id.asc())).limit(limit).load(conn)
}

/// How many articles (in any state) each of the authors is on.
pub fn article_counts(conn: &mut DbConnection, ids: &[AuthorId]) -> QueryResult<HashMap<AuthorId, i64>> {
    let rows: Vec<(AuthorId, i64)> = article_authors::table
        .filter(article_authors::author_id.eq_any(ids))
        .group_by(article_authors::author_id)
        .select((article_authors::author_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Whether any article (in any state, trashed too) names the author.
pub fn on_any_article(conn: &mut DbConnection, id: &AuthorId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(article_authors::table.filter(article_authors::author_id.eq(id))))
        .get_result(conn)
}

/// Whether any live article names the author.
pub fn is_live(conn: &mut DbConnection, id: &AuthorId, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        article_authors::table
            .inner_join(article_feed::table.on(article_feed::article_id.eq(article_authors::article_id)))
            .filter(article_authors::author_id.eq(id))
            .filter(article_feed::feed.eq(""))
            .filter(article_feed::publish_at.le(now)),
    ))
    .get_result(conn)
}

/// The first of `base`, `base-2`, ... (from the `from`th) that no author has.
pub fn free_slug(conn: &mut DbConnection, base: &str, from: usize) -> QueryResult<String> {
    super::first_free_slug(base, from, |candidate| Ok(find_by_slug(conn, candidate)?.is_none()))
}

/// The author a byline id names: an author's id, or a newsroom user's (admin, editor or
/// writer), whose linked author it is, made from the user (with the user's id) when
/// the user has none. `None` when it names neither.
pub fn resolve(conn: &mut DbConnection, id: &AuthorId, now: NaiveDateTime) -> QueryResult<Option<AuthorId>> {
    if find(conn, id)?.is_some() {
        return Ok(Some(id.clone()));
    }
    let user_id = UserId::from(id.as_str());
    let Some(user) = super::users::find(conn, &user_id)? else { return Ok(None) };
    if !matches!(user.role, Role::Admin | Role::Editor | Role::Writer) {
        return Ok(None);
    }
    if let Some(linked) = find_by_user(conn, &user_id)? {
        return Ok(Some(linked.id));
    }
    for attempt in 1..=50 {
        let row = AuthorRow {
            id: id.clone(),
            slug: free_slug(conn, &author::made_slug(&user.display_name), attempt)?,
            name: user.display_name.clone(),
            job_title: None,
            bio: None,
            photo: None,
            links: Json(Vec::new()),
            user_id: Some(user_id.clone()),
            created_at: now,
            updated_at: now,
            version: 1,
        };
        // Two saves naming the same user at once: the second finds the first's.
        crate::on_backend!(conn, c => diesel::insert_into(authors::table).values(&row).on_conflict_do_nothing().execute(c))?;
        if let Some(made) = find_by_user(conn, &user_id)? {
            return Ok(Some(made.id));
        }
    }
    Err(diesel::result::Error::NotFound)
}

/// Whether a byline of `ids` names `user`: their own id (which resolves to their
/// author) or an author linked to them.
pub fn names_user(conn: &mut DbConnection, ids: &[AuthorId], user: &UserId) -> QueryResult<bool> {
    if ids.iter().any(|id| id.as_str() == user.as_str()) {
        return Ok(true);
    }
    diesel::select(diesel::dsl::exists(
        authors::table.filter(authors::id.eq_any(ids)).filter(authors::user_id.eq(user)),
    ))
    .get_result(conn)
}

/// The author id a list filter `author=` means: an author's id or slug, or a user's id
/// (their linked author). A value none answers to filters by itself, finding nothing.
pub fn filter_id(conn: &mut DbConnection, given: &str) -> QueryResult<String> {
    let given = given.trim();
    if find(conn, &AuthorId::from(given))?.is_some() {
        return Ok(given.to_string());
    }
    if let Some(row) = find_by_slug(conn, given)? {
        return Ok(row.id.into_string());
    }
    Ok(find_by_user(conn, &UserId::from(given))?.map_or_else(|| given.to_string(), |row| row.id.into_string()))
}

/// Gives an author made for a user the user's new display name, unless an editor
/// renamed the author since (its name is no longer the old display name).
pub fn follow_display_name(
    conn: &mut DbConnection,
    user: &UserId,
    old: &str,
    new: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(authors::table.filter(authors::user_id.eq(user)).filter(authors::name.eq(old)))
        .set((authors::name.eq(new), authors::updated_at.eq(now), authors::version.eq(authors::version + 1)))
        .execute(conn)
        .map(|_| ())
}

/// Gives authors whose slug is still the placeholder the migration set (their id) a
/// slug made from their name. Returns how many.
pub fn backfill_slugs(conn: &mut DbConnection) -> QueryResult<usize> {
    let pending: Vec<(AuthorId, String)> =
        authors::table.filter(authors::slug.eq(authors::id)).select((authors::id, authors::name)).load(conn)?;
    for (id, name) in &pending {
        let slug = free_slug(conn, &author::made_slug(name), 1)?;
        diesel::update(authors::table.find(id)).set(authors::slug.eq(slug)).execute(conn)?;
    }
    Ok(pending.len())
}
