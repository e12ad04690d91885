//! SQL for failed sign-in attempts, counted per account and per client address. Kept
//! in the database so that every instance behind a load balancer sees the same counts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::login_failures::dsl;

/// How many failures `subject` has since `since`, and when the oldest of them was.
pub fn failures_since(
    conn: &mut DbConnection,
    scope: &str,
    subject: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    dsl::login_failures
        .filter(dsl::scope.eq(scope))
        .filter(dsl::subject.eq(subject))
        .filter(dsl::failed_at.gt(since))
        .select((diesel::dsl::count_star(), diesel::dsl::min(dsl::failed_at)))
        .first(conn)
}

pub fn record(conn: &mut DbConnection, id: &str, scope: &str, subject: &str, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(dsl::login_failures)
        .values((dsl::id.eq(id), dsl::scope.eq(scope), dsl::subject.eq(subject), dsl::failed_at.eq(at)))
        .execute(conn)
        .map(|_| ())
}

pub fn clear(conn: &mut DbConnection, scope: &str, subject: &str) -> QueryResult<()> {
    diesel::delete(dsl::login_failures.filter(dsl::scope.eq(scope)).filter(dsl::subject.eq(subject)))
        .execute(conn)
        .map(|_| ())
}

/// Forgets every subject of `scope` that starts with `prefix`.
pub fn clear_prefixed(conn: &mut DbConnection, scope: &str, prefix: &str) -> QueryResult<()> {
    // The prefix is a hex digest and a slash: nothing in it is special to LIKE.
    diesel::delete(dsl::login_failures.filter(dsl::scope.eq(scope)).filter(dsl::subject.like(format!("{prefix}%"))))
        .execute(conn)
        .map(|_| ())
}

/// Removes the given attempts (reserved before a password check that then passed).
pub fn forget(conn: &mut DbConnection, ids: &[String]) -> QueryResult<()> {
    diesel::delete(dsl::login_failures.filter(dsl::id.eq_any(ids))).execute(conn).map(|_| ())
}

/// Forgets failures older than the window, so the table stays small.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<()> {
    diesel::delete(dsl::login_failures.filter(dsl::failed_at.le(before))).execute(conn).map(|_| ())
}
