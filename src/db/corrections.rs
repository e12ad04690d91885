//! SQL for corrections: an article's log, and the site-wide log of live articles.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{article_corrections, article_feed, articles};
use crate::domain::correction::CorrectionKind;
use crate::domain::id::{ArticleId, CorrectionId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = article_corrections)]
pub struct CorrectionRow {
    pub id: CorrectionId,
    pub article_id: ArticleId,
    pub kind: CorrectionKind,
    pub text: String,
    pub corrected_at: NaiveDateTime,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A correction in the site-wide log, with the article it belongs to.
#[derive(Debug, Clone, Queryable)]
pub struct LoggedRow {
    pub correction: CorrectionRow,
    pub slug: String,
    pub headline: String,
}

pub fn insert(conn: &mut DbConnection, row: &CorrectionRow) -> QueryResult<()> {
    diesel::insert_into(article_corrections::table).values(row).execute(conn).map(|_| ())
}

pub fn find(conn: &mut DbConnection, article: &ArticleId, id: &CorrectionId) -> QueryResult<Option<CorrectionRow>> {
    article_corrections::table
        .filter(article_corrections::article_id.eq(article))
        .filter(article_corrections::id.eq(id))
        .select(CorrectionRow::as_select())
        .first(conn)
        .optional()
}

/// Writes the new fields at `version` (the caller has checked the one before).
pub fn update(conn: &mut DbConnection, row: &CorrectionRow) -> QueryResult<()> {
    diesel::update(article_corrections::table.find(&row.id))
        .set((
            article_corrections::kind.eq(row.kind),
            article_corrections::text.eq(&row.text),
            article_corrections::corrected_at.eq(row.corrected_at),
            article_corrections::updated_at.eq(row.updated_at),
            article_corrections::version.eq(row.version),
        ))
        .execute(conn)
        .map(|_| ())
}

pub fn delete(conn: &mut DbConnection, id: &CorrectionId) -> QueryResult<()> {
    diesel::delete(article_corrections::table.find(id)).execute(conn).map(|_| ())
}

/// The corrections of `articles`, oldest first (as an article shows its log).
pub fn of_articles(conn: &mut DbConnection, ids: &[ArticleId]) -> QueryResult<Vec<CorrectionRow>> {
    article_corrections::table
        .filter(article_corrections::article_id.eq_any(ids))
        .select(CorrectionRow::as_select())
        .order((article_corrections::corrected_at.asc(), article_corrections::id.asc()))
        .load(conn)
}

/// A page of one article's log, oldest first, after the (time, id) given.
pub fn page_of(
    conn: &mut DbConnection,
    article: &ArticleId,
    after: Option<(NaiveDateTime, CorrectionId)>,
    limit: i64,
) -> QueryResult<Vec<CorrectionRow>> {
    let mut query = article_corrections::table
        .filter(article_corrections::article_id.eq(article))
        .select(CorrectionRow::as_select())
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            article_corrections::corrected_at
                .gt(at)
                .or(article_corrections::corrected_at.eq(at).and(article_corrections::id.gt(id))),
        );
    }
    query.order((article_corrections::corrected_at.asc(), article_corrections::id.asc())).limit(limit).load(conn)
}

/// A page of the corrections of live articles, newest first, before the (time, id) given.
pub fn live_page(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    before: Option<(NaiveDateTime, CorrectionId)>,
    limit: i64,
) -> QueryResult<Vec<LoggedRow>> {
    let live = article_feed::table
        .filter(article_feed::feed.eq(""))
        .filter(article_feed::publish_at.le(now))
        .select(article_feed::article_id);
    let mut query = article_corrections::table
        .inner_join(articles::table)
        .filter(article_corrections::article_id.eq_any(live))
        .select((CorrectionRow::as_select(), articles::slug, articles::headline))
        .into_boxed();
    if let Some((at, id)) = before {
        query = query.filter(
            article_corrections::corrected_at
                .lt(at)
                .or(article_corrections::corrected_at.eq(at).and(article_corrections::id.lt(id))),
        );
    }
    query.order((article_corrections::corrected_at.desc(), article_corrections::id.desc())).limit(limit).load(conn)
}
