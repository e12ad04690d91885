//! A fixed-window counter per (scope, subject), kept in the database so that every
//! instance shares it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::rate_limits::dsl;

/// Counts one hit in the window starting at `window_start` and returns the hits so far.
pub fn hit(conn: &mut DbConnection, scope: &str, subject: &str, window_start: NaiveDateTime) -> QueryResult<i64> {
    crate::on_backend!(conn, c => {
        diesel::insert_into(dsl::rate_limits)
            .values((dsl::scope.eq(scope), dsl::subject.eq(subject), dsl::window_start.eq(window_start), dsl::hits.eq(1i64)))
            .on_conflict((dsl::scope, dsl::subject, dsl::window_start))
            .do_update()
            .set(dsl::hits.eq(dsl::hits + 1i64))
            .returning(dsl::hits)
            .get_result::<i64>(c)
    })
}

/// Forgets the counts of `scope` in windows that started before `before` (each scope
/// has windows of its own length: a minute for votes, a day for the meter).
pub fn prune(conn: &mut DbConnection, scope: &str, before: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(dsl::rate_limits.filter(dsl::scope.eq(scope)).filter(dsl::window_start.lt(before)))
        .execute(conn)
        .map(|_| ())
}
