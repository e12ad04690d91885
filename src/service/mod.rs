//! Use-cases, one file per resource: a transaction, domain rules and db calls. Called
//! by the HTTP handlers and by the CLI, so both obey the same rules.

pub mod api_keys;
pub mod articles;
pub mod audit;
pub mod auth;
pub mod authors;
pub mod bootstrap;
pub mod corrections;
pub mod demo;
pub mod error;
pub mod events;
pub mod media;
pub mod paywall;
pub mod polls;
pub mod previews;
pub mod public;
pub mod sections;
pub mod site;
pub mod sitemaps;
pub mod sponsored;
pub mod tags;
pub mod users;
pub mod webhooks;

pub use error::Error;

/// Splits `limit + 1` fetched rows into the page and the key to continue after (the
/// extra row only tells that there is more).
pub fn split_page<T, K>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> K) -> (Vec<T>, Option<K>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if more { rows.last().map(key) } else { None };
    (rows, next)
}

/// Readiness: the database answers and can store. The write is a real one (a counter
/// row per minute, pruned with the others), so that a full disk or a read-only database
/// is reported here, not first by an editor's lost save.
pub async fn ready(state: &crate::state::AppState) -> Result<(), Error> {
    use chrono::DurationRound;
    let now = state.clock.now();
    let minute = crate::db::to_db_time(now.duration_trunc(chrono::Duration::minutes(1)).unwrap_or(now));
    state
        .db
        .run(move |conn| {
            crate::db::tally_tx(conn, |c| {
                if crate::db::rate_limits::hit(c, "readyz", "", minute)? == 1 {
                    crate::db::rate_limits::prune(c, "readyz", minute - chrono::Duration::minutes(10))?;
                }
                Ok::<_, diesel::result::Error>(())
            })?;
            Ok(())
        })
        .await
}
