//! Use-cases, one file per resource: a transaction, domain rules and db calls. Called
//! by the HTTP handlers and by the CLI, so both obey the same rules.

pub mod articles;
pub mod auth;
pub mod bootstrap;
pub mod demo;
pub mod error;
pub mod paywall;
pub mod polls;
pub mod public;
pub mod sections;
pub mod sponsored;
pub mod users;

pub use error::Error;

/// Splits `limit + 1` fetched rows into the page and the key to continue after (the
/// extra row only tells that there is more).
pub fn split_page<T, K>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> K) -> (Vec<T>, Option<K>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next = if more { rows.last().map(key) } else { None };
    (rows, next)
}
