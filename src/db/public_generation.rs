//! SQL for what the public response cache checks: the counter that the triggers move
//! on every change to what public articles are built from, and the next instant a
//! scheduled article goes live (when a cached list stops being true by itself).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{article_feed, public_generation};

/// The counter as committed now.
pub fn current(conn: &mut DbConnection) -> QueryResult<i64> {
    public_generation::table.find(1_i64).select(public_generation::generation).first(conn)
}

/// The first instant after `after` at which an article goes live by itself (a
/// scheduled publication), if any: one seek in the live index's '' feed.
pub fn next_go_live(conn: &mut DbConnection, after: NaiveDateTime) -> QueryResult<Option<NaiveDateTime>> {
    article_feed::table
        .filter(article_feed::feed.eq(""))
        .filter(article_feed::publish_at.gt(after))
        .select(article_feed::publish_at)
        .order(article_feed::publish_at.asc())
        .first(conn)
        .optional()
}
