//! SQL for sitemaps: live articles in publication order, read a chunk at a time, and
//! the newest for the news sitemap.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{article_feed, articles};
use crate::domain::id::{ArticleId, SectionId};

/// What a sitemap says of a live article.
#[derive(Debug, Clone, Queryable)]
pub struct SitemapRow {
    pub publish_at: NaiveDateTime,
    pub id: ArticleId,
    pub slug: String,
    pub section_id: SectionId,
    pub updated_at: NaiveDateTime,
    pub headline: String,
}

/// Live articles oldest first (by `publish_at`, then id), after the key given.
pub fn chunk(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    after: Option<(NaiveDateTime, ArticleId)>,
    limit: i64,
) -> QueryResult<Vec<SitemapRow>> {
    let mut query = article_feed::table
        .inner_join(articles::table)
        .filter(article_feed::feed.eq(""))
        .filter(article_feed::publish_at.le(now))
        .select((
            article_feed::publish_at,
            articles::id,
            articles::slug,
            articles::section_id,
            articles::updated_at,
            articles::headline,
        ))
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            article_feed::publish_at.gt(at).or(article_feed::publish_at.eq(at).and(article_feed::article_id.gt(id))),
        );
    }
    query.order((article_feed::publish_at.asc(), article_feed::article_id.asc())).limit(limit).load(conn)
}

/// The key of the `n`th live article (from 0), oldest first: where a page after it starts.
pub fn key_at(conn: &mut DbConnection, now: NaiveDateTime, n: i64) -> QueryResult<Option<(NaiveDateTime, ArticleId)>> {
    article_feed::table
        .filter(article_feed::feed.eq(""))
        .filter(article_feed::publish_at.le(now))
        .select((article_feed::publish_at, article_feed::article_id))
        .order((article_feed::publish_at.asc(), article_feed::article_id.asc()))
        .offset(n)
        .first(conn)
        .optional()
}

/// How many articles are live.
pub fn live_count(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<i64> {
    article_feed::table
        .filter(article_feed::feed.eq(""))
        .filter(article_feed::publish_at.le(now))
        .count()
        .get_result(conn)
}

/// The newest live articles published since `since`, newest first; not paid content,
/// which Google asks publishers to keep out of their news sitemaps.
pub fn since(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    since: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<SitemapRow>> {
    article_feed::table
        .inner_join(articles::table)
        .filter(article_feed::feed.eq(""))
        .filter(article_feed::publish_at.le(now))
        .filter(article_feed::publish_at.ge(since))
        .filter(articles::sponsorship.is_null())
        .select((
            article_feed::publish_at,
            articles::id,
            articles::slug,
            articles::section_id,
            articles::updated_at,
            articles::headline,
        ))
        .order((article_feed::publish_at.desc(), article_feed::article_id.desc()))
        .limit(limit)
        .load(conn)
}
