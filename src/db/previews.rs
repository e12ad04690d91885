//! SQL for article preview links. Tokens are looked up by their digest (unique), never
//! stored themselves.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{article_previews, users};
use crate::domain::id::{ArticleId, PreviewId, UserId};

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = article_previews)]
pub struct PreviewRow {
    pub id: PreviewId,
    pub article_id: ArticleId,
    pub token_digest: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &PreviewRow) -> QueryResult<()> {
    diesel::insert_into(article_previews::table).values(row).execute(conn).map(|_| ())
}

/// Removes the article's links that can no longer be used (expired or revoked), so
/// that the table holds about as many rows as there are working links.
pub fn prune(conn: &mut DbConnection, article_id: &ArticleId, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(
        article_previews::table
            .filter(article_previews::article_id.eq(article_id))
            .filter(article_previews::expires_at.le(now).or(article_previews::revoked_at.is_not_null())),
    )
    .execute(conn)
}

/// The article's working links (not expired at `now`, not revoked) newest first, after
/// the id `before`, each with its creator's display name.
pub fn active_for(
    conn: &mut DbConnection,
    article_id: &ArticleId,
    now: NaiveDateTime,
    before: Option<&PreviewId>,
    limit: i64,
) -> QueryResult<Vec<(PreviewRow, String)>> {
    let mut query = article_previews::table
        .inner_join(users::table)
        .filter(article_previews::article_id.eq(article_id))
        .filter(article_previews::expires_at.gt(now))
        .filter(article_previews::revoked_at.is_null())
        .select((article_previews::all_columns, users::display_name))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(article_previews::id.lt(before));
    }
    query.order(article_previews::id.desc()).limit(limit).load(conn)
}

/// One working link of the article, with its creator's display name.
pub fn find_active(
    conn: &mut DbConnection,
    article_id: &ArticleId,
    id: &PreviewId,
    now: NaiveDateTime,
) -> QueryResult<Option<(PreviewRow, String)>> {
    article_previews::table
        .inner_join(users::table)
        .filter(article_previews::id.eq(id))
        .filter(article_previews::article_id.eq(article_id))
        .filter(article_previews::expires_at.gt(now))
        .filter(article_previews::revoked_at.is_null())
        .select((article_previews::all_columns, users::display_name))
        .first(conn)
        .optional()
}

/// The working link a token's digest names, if any (the unique index finds it).
pub fn find_by_digest(conn: &mut DbConnection, digest: &str, now: NaiveDateTime) -> QueryResult<Option<PreviewRow>> {
    article_previews::table
        .filter(article_previews::token_digest.eq(digest))
        .filter(article_previews::expires_at.gt(now))
        .filter(article_previews::revoked_at.is_null())
        .first(conn)
        .optional()
}

/// Revokes one working link of the article; `false` when there was none to revoke.
pub fn revoke(
    conn: &mut DbConnection,
    article_id: &ArticleId,
    id: &PreviewId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let changed = diesel::update(
        article_previews::table
            .filter(article_previews::id.eq(id))
            .filter(article_previews::article_id.eq(article_id))
            .filter(article_previews::expires_at.gt(now))
            .filter(article_previews::revoked_at.is_null()),
    )
    .set(article_previews::revoked_at.eq(now))
    .execute(conn)?;
    Ok(changed == 1)
}
