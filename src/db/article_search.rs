//! Full-text search in the article lists: FTS5 on SQLite, the tsvector column on
//! PostgreSQL.
//!
//! On SQLite a list with `q` is drawn one of two ways, chosen by how many articles
//! match. Few: from the matches themselves, each looked up by its index, then sorted
//! (walking the newest articles would read the whole archive before giving up). Many:
//! walking the list's own order and asking the index about each article (collecting
//! every match first would read the whole index). A bounded count tells which.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text, Timestamp};

use super::DbConnection;
use super::articles::{ArticleRow, PublicFilter};
use super::schema::articles;

type Db = <DbConnection as diesel::Connection>::Backend;

/// Up to this many matches, a list is drawn from the matches (each costs an index
/// lookup); beyond, from the list's order (the share of matching articles is then
/// large enough that a page is found after a short walk).
const FEW_MATCHES: i64 = 4000;

/// An FTS5 query for user text: each word quoted (so no character is syntax), all
/// required. `None` when the text holds no word.
pub fn fts5_query(q: &str) -> Option<String> {
    let words: Vec<String> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(32)
        .map(|w| format!("\"{w}\""))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// How a list filters on `q`.
pub enum Search {
    /// PostgreSQL: the planner weighs the GIN index against the list's order itself.
    Postgres(String),
    /// SQLite, no word: nothing matches.
    Nothing,
    /// SQLite, few matches (at most `FEW_MATCHES`): draw the list from them.
    Few(String),
    /// SQLite, many: walk the list's order, asking the index about each article.
    Many(String),
}

impl Search {
    pub fn new(conn: &mut DbConnection, q: &str) -> QueryResult<Search> {
        let DbConnection::Sqlite(c) = conn else { return Ok(Search::Postgres(q.to_string())) };
        let Some(m) = fts5_query(q) else { return Ok(Search::Nothing) };
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let count: Count = diesel::sql_query(
            "SELECT count(*) AS n FROM (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        )
        .bind::<Text, _>(&m)
        .bind::<BigInt, _>(FEW_MATCHES + 1)
        .get_result(c)?;
        Ok(if count.n > FEW_MATCHES { Search::Many(m) } else { Search::Few(m) })
    }

    /// The condition on `articles` for a list that keeps its own order.
    pub fn condition<QS: 'static>(&self) -> Box<dyn BoxableExpression<QS, Db, SqlType = Bool>> {
        match self {
            Search::Postgres(q) => Box::new(
                sql::<Bool>("articles.search_vector @@ websearch_to_tsquery('english', ")
                    .bind::<Text, _>(q.clone())
                    .sql(")"),
            ),
            Search::Nothing => Box::new(sql::<Bool>("1 = 0")),
            // An index lookup per match: the list's primary key meets them.
            Search::Few(m) => Box::new(
                sql::<Bool>("articles.search_id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ")
                    .bind::<Text, _>(m.clone())
                    .sql(")"),
            ),
            // One probe of the index per article walked, and no set of every match.
            Search::Many(m) => Box::new(
                sql::<Bool>("EXISTS (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ")
                    .bind::<Text, _>(m.clone())
                    .sql(" AND articles_fts.rowid = articles.search_id)"),
            ),
        }
    }
}

/// The ids of the articles that match (SQLite, `Search::Few`: at most `FEW_MATCHES`).
pub fn matching_ids(conn: &mut DbConnection, m: &str) -> QueryResult<Vec<String>> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        id: String,
    }
    let DbConnection::Sqlite(c) = conn else { return Ok(Vec::new()) };
    let ids: Vec<Id> = diesel::sql_query(
        "SELECT id FROM articles WHERE search_id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)",
    )
    .bind::<Text, _>(m)
    .load(c)?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

/// A page of the public list drawn from few matches (SQLite, `Search::Few`): the
/// matches' rows in the feed, newest first after `after`, then those articles.
pub fn few_public_page(
    conn: &mut DbConnection,
    m: &str,
    filter: &PublicFilter,
    now: NaiveDateTime,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> QueryResult<Vec<ArticleRow>> {
    #[derive(QueryableByName)]
    struct Entry {
        #[diesel(sql_type = Text)]
        article_id: String,
    }
    // `+feed`: the feed's own index would walk the whole feed in order; the matches,
    // found through the article index, are few.
    let mut sql = String::from(
        "SELECT f.article_id AS article_id FROM articles a JOIN article_feed f ON f.article_id = a.id \
         WHERE a.search_id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?) \
         AND +f.feed = ? AND f.publish_at <= ?",
    );
    if filter.author.is_some() {
        sql.push_str(" AND f.article_id IN (SELECT article_id FROM article_authors WHERE user_id = ?)");
    }
    if filter.tag.is_some() {
        sql.push_str(" AND f.article_id IN (SELECT article_id FROM article_tags WHERE tag = ?)");
    }
    if after.is_some() {
        sql.push_str(" AND (f.publish_at < ? OR (f.publish_at = ? AND f.article_id < ?))");
    }
    sql.push_str(" ORDER BY f.publish_at DESC, f.article_id DESC LIMIT ?");
    let mut query = diesel::sql_query(sql)
        .into_boxed::<diesel::sqlite::Sqlite>()
        .bind::<Text, _>(m.to_string())
        .bind::<Text, _>(filter.feed.clone())
        .bind::<Timestamp, _>(now);
    if let Some(author) = &filter.author {
        query = query.bind::<Text, _>(author.clone());
    }
    if let Some(tag) = &filter.tag {
        query = query.bind::<Text, _>(tag.clone());
    }
    if let Some((at, id)) = after {
        query = query.bind::<Timestamp, _>(at).bind::<Timestamp, _>(at).bind::<Text, _>(id);
    }
    let DbConnection::Sqlite(c) = &mut *conn else { return Ok(Vec::new()) };
    let ids: Vec<String> =
        query.bind::<BigInt, _>(limit).load::<Entry>(c)?.into_iter().map(|e| e.article_id).collect();
    let mut rows: Vec<ArticleRow> = articles::table.filter(articles::id.eq_any(&ids)).load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|id| r.id.as_str() == id));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_text_never_becomes_fts5_syntax() {
        assert_eq!(super::fts5_query("tokyo stocks").as_deref(), Some("\"tokyo\" \"stocks\""));
        assert_eq!(super::fts5_query("\"AND\" OR -x* NEAR(").as_deref(), Some("\"AND\" \"OR\" \"x\" \"NEAR\""));
        assert_eq!(super::fts5_query("%%% ..."), None);
        assert_eq!(super::fts5_query("東京 株").as_deref(), Some("\"東京\" \"株\""));
    }
}
