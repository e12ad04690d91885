//! Full-text search in the article lists: FTS5 on SQLite, the tsvector column on
//! PostgreSQL.
//!
//! A list with `q` is drawn one of two ways, chosen by how many articles match. Few: from the matches themselves, each looked up by its index, then sorted
//! (walking the newest articles would read the whole archive before giving up). Many:
//! walking the list's own order and asking the index about each article (collecting
//! every match first would read the whole index). A bounded count tells which. On
//! PostgreSQL the planner's guess is no help there: it takes a word absent from its
//! statistics for a rare-but-present one and walks the whole list looking for it.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text, Timestamp};

use super::DbConnection;
use super::articles::{PublicFilter, SummaryRow};
use super::schema::articles;

type Db = <DbConnection as diesel::Connection>::Backend;

/// Up to this many matches, a list is drawn from the matches (each costs an index
/// lookup); beyond, from the list's order (the share of matching articles is then
/// large enough that a page is found after a short walk).
const FEW_MATCHES: i64 = 4000;

/// The same bound on PostgreSQL, lower: for a common word its planner reads rows in
/// table order until it has this many, which is slow at SQLite's bound (figures:
/// docs/performance.md).
const FEW_MATCHES_POSTGRES: i64 = 250;

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
    /// PostgreSQL, many matches: the list's order, filtered on the tsvector column.
    Postgres(String),
    /// PostgreSQL, few matches (at most `FEW_MATCHES_POSTGRES`): these articles.
    Ids(Vec<String>),
    /// SQLite, no word: nothing matches.
    Nothing,
    /// SQLite, few matches (at most `FEW_MATCHES`): draw the list from them.
    Few(String),
    /// SQLite, many: walk the list's order, asking the index about each article.
    Many(String),
}

impl Search {
    pub fn new(conn: &mut DbConnection, q: &str) -> QueryResult<Search> {
        #[derive(QueryableByName)]
        struct Count {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = Text)]
            id: String,
        }
        let c = match conn {
            DbConnection::Sqlite(c) => c,
            DbConnection::Postgres(c) => {
                let ids: Vec<Id> = diesel::sql_query(
                    "SELECT id FROM articles WHERE search_vector @@ websearch_to_tsquery('english', $1) LIMIT $2",
                )
                .bind::<Text, _>(q)
                .bind::<BigInt, _>(FEW_MATCHES_POSTGRES + 1)
                .load(c)?;
                return Ok(if ids.len() as i64 > FEW_MATCHES_POSTGRES {
                    Search::Postgres(q.to_string())
                } else {
                    Search::Ids(ids.into_iter().map(|i| i.id).collect())
                });
            }
        };
        let Some(m) = fts5_query(q) else { return Ok(Search::Nothing) };
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
            // The callers filter on the ids themselves (`ids`); this is never reached.
            Search::Nothing | Search::Ids(_) => Box::new(sql::<Bool>("1 = 0")),
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
) -> QueryResult<Vec<SummaryRow>> {
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
        sql.push_str(" AND f.article_id IN (SELECT article_id FROM article_authors WHERE author_id = ?)");
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
    let ids: Vec<String> = query.bind::<BigInt, _>(limit).load::<Entry>(c)?.into_iter().map(|e| e.article_id).collect();
    let mut rows: Vec<SummaryRow> =
        articles::table.filter(articles::id.eq_any(&ids)).select(SummaryRow::as_select()).load(conn)?;
    rows.sort_by_key(|r| ids.iter().position(|id| r.id.as_str() == id));
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::Search;
    use crate::db::DbConnection;
    use crate::db::articles::{self, EditorialFilter, PublicFilter};
    use chrono::NaiveDateTime;
    use diesel::Connection;
    use diesel::connection::SimpleConnection;

    /// 30 live articles (article i published at minute i), "common" in each, "rare" in
    /// every seventh, tag "t" on every other one; one draft that says "common rare".
    fn archive() -> (tempfile::TempDir, DbConnection) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("search.db");
        let mut conn =
            DbConnection::Sqlite(diesel::SqliteConnection::establish(&path.to_string_lossy()).expect("open"));
        crate::db::run_migrations(&mut conn).expect("migrate");
        let t = "'2026-01-01 00:00:00'";
        let mut sql = format!(
            "INSERT INTO users (id, email, display_name, role, password_hash, created_at, updated_at) \
             VALUES ('u', 'u@example.org', 'U', 'writer', 'x', {t}, {t});
             INSERT INTO authors (id, slug, name, user_id, created_at, updated_at) VALUES ('u', 'u', 'U', 'u', {t}, {t});
             INSERT INTO sections (id, slug, name, position, created_at, updated_at) VALUES ('s', 's', 'S', 0, {t}, {t});"
        );
        for i in 1..=31 {
            let (status, at) = if i == 31 {
                ("draft", "NULL".to_string())
            } else {
                ("published", format!("'2026-01-01 00:{i:02}:00'"))
            };
            sql += &format!(
                "INSERT INTO articles (id, slug, headline, body, section_id, created_by, tags, access, status, \
                 publish_at, created_at, updated_at) VALUES ('a{i:02}', 'a{i:02}', 'H', '[]', 's', 'u', '[]', 'free', \
                 '{status}', {at}, {t}, {t});
                 INSERT INTO article_authors (article_id, author_id, position) VALUES ('a{i:02}', 'u', 0);"
            );
            if i < 31 {
                sql +=
                    &format!("INSERT INTO article_feed (feed, publish_at, article_id) VALUES ('', {at}, 'a{i:02}');");
            }
            if i % 2 == 0 {
                sql += &format!("INSERT INTO article_tags (article_id, tag) VALUES ('a{i:02}', 't');");
            }
        }
        conn.batch_execute(&sql).expect("rows");
        for i in 1..=31 {
            let text = if i % 7 == 0 || i == 31 { "common words, rare ones" } else { "common words" };
            articles::index_text(&mut conn, &crate::domain::id::ArticleId::from(format!("a{i:02}")), text)
                .expect("index");
        }
        (dir, conn)
    }

    /// Every page of a list, through its cursor, as ids.
    fn public_ids(conn: &mut DbConnection, q: &str, tag: Option<&str>, few: bool) -> Vec<String> {
        let now = NaiveDateTime::parse_from_str("2026-02-01 00:00:00", "%Y-%m-%d %H:%M:%S").expect("time");
        let filter =
            PublicFilter { feed: String::new(), author: None, tag: tag.map(str::to_string), q: Some(q.to_string()) };
        let (mut out, mut after) = (Vec::new(), None);
        loop {
            let m = super::fts5_query(q).expect("words");
            let search = if few { Search::Few(m) } else { Search::Many(m) };
            let rows =
                articles::public_page_searching(conn, &filter, Some(search), now, after.clone(), 4).expect("page");
            let Some(last) = rows.last() else { return out };
            after = Some((last.publish_at.expect("live"), last.id.to_string()));
            out.extend(rows.iter().map(|r| r.id.to_string()));
        }
    }

    #[test]
    fn few_and_many_matches_draw_the_same_pages() {
        let (_dir, mut conn) = archive();
        let rare = ["a28", "a21", "a14", "a07"];
        for (q, tag, want) in [
            ("rare", None, rare.to_vec()),
            ("common rare", None, rare.to_vec()),
            ("rare", Some("t"), vec!["a28", "a14"]),
            ("absent", None, vec![]),
            ("common absent", None, vec![]),
        ] {
            assert_eq!(public_ids(&mut conn, q, tag, true), want, "few: {q}");
            assert_eq!(public_ids(&mut conn, q, tag, false), want, "many: {q}");
        }
        let common = public_ids(&mut conn, "common", None, false);
        assert_eq!(common.len(), 30);
        assert_eq!(common.first().map(String::as_str), Some("a30"));
        assert_eq!(public_ids(&mut conn, "common", None, true), common);

        let now = NaiveDateTime::parse_from_str("2026-02-01 00:00:00", "%Y-%m-%d %H:%M:%S").expect("time");
        for few in [true, false] {
            let m = super::fts5_query("rare").expect("words");
            let search = if few { Search::Few(m) } else { Search::Many(m) };
            let filter = EditorialFilter { q: Some("rare".into()), ..Default::default() };
            let rows =
                articles::editorial_page_searching(&mut conn, &filter, Some(search), now, None, 10).expect("page");
            let ids: Vec<String> = rows.iter().map(|r| r.id.to_string()).collect();
            assert_eq!(ids, ["a31", "a28", "a21", "a14", "a07"], "few: {few}");
        }
        // The count that picks the plan.
        assert!(matches!(Search::new(&mut conn, "rare").expect("search"), Search::Few(_)));
        assert!(matches!(Search::new(&mut conn, "!!").expect("search"), Search::Nothing));
    }

    #[test]
    fn user_text_never_becomes_fts5_syntax() {
        assert_eq!(super::fts5_query("tokyo stocks").as_deref(), Some("\"tokyo\" \"stocks\""));
        assert_eq!(super::fts5_query("\"AND\" OR -x* NEAR(").as_deref(), Some("\"AND\" \"OR\" \"x\" \"NEAR\""));
        assert_eq!(super::fts5_query("%%% ..."), None);
        assert_eq!(super::fts5_query("東京 株").as_deref(), Some("\"東京\" \"株\""));
    }
}
