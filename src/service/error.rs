//! What a use-case can fail with, whoever called it (an HTTP handler, the CLI). Only
//! `http` turns these into problem+json; the CLI prints them.

use crate::db::DbError;
use crate::domain::FieldError;
use crate::domain::version::Stale;

/// Every way a use-case fails.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The caller's credentials are missing, wrong, expired or revoked.
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// The caller is known but may not do this.
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    /// No such resource, or none the caller may see.
    #[error("{detail}")]
    NotFound { detail: String },
    /// The request conflicts with the resource's current state.
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// The resource changed since the caller read it; `current` is its version now.
    #[error("stale: the current version is {current}")]
    Stale { current: i64 },
    /// Fields that fail validation, each with what is wrong.
    #[error("{} invalid field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// The content is of a type this does not take (an upload that is no image).
    #[error("{detail}")]
    UnsupportedMedia { detail: String },
    /// The content is of the right type but cannot be used (an image too large to
    /// decode, or damaged).
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String },
    /// This instance has as much of this work in hand as it takes; retrying soon works.
    #[error("{detail}")]
    Busy { detail: String },
    /// Too many attempts; the caller may try again after `retry_after_secs`.
    #[error("{detail}")]
    RateLimited { detail: String, retry_after_secs: u64 },
    /// Something the service depends on is busy or down; retrying may work.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The database cannot store anything now (disk full, read-only, I/O errors):
    /// an operator must act; reads may still work.
    #[error("storage unavailable: {0}")]
    StorageUnavailable(String),
    /// A fault of ours; the cause is for the log only.
    #[error("internal: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn not_found(what: &str) -> Self {
        Self::NotFound { detail: format!("{what} not found") }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden { code: "forbidden", detail: detail.into() }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict { code, detail: detail.into() }
    }

    /// Invalid, naming a single field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

impl From<Stale> for Error {
    fn from(stale: Stale) -> Self {
        Self::Stale { current: stale.current }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as Diesel};
        match err {
            Diesel::NotFound => Self::NotFound { detail: "No such resource.".into() },
            Diesel::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::conflict("conflict", "A resource with these unique values already exists.")
            }
            Diesel::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => Self::conflict(
                "reference_conflict",
                "Something this request refers to was removed meanwhile (or is still in use): read it again.",
            ),
            Diesel::DatabaseError(DatabaseErrorKind::SerializationFailure, info) => {
                Self::Unavailable(format!("serialization failure: {}", info.message()))
            }
            Diesel::DatabaseError(_, ref info) if is_busy(info.message()) => {
                Self::Unavailable(format!("database busy: {}", info.message()))
            }
            Diesel::DatabaseError(DatabaseErrorKind::ReadOnlyTransaction, info) => {
                Self::StorageUnavailable(format!("read-only: {}", info.message()))
            }
            Diesel::DatabaseError(_, ref info) if is_storage_fault(info.message()) => {
                Self::StorageUnavailable(info.message().to_string())
            }
            other => Self::Internal(format!("database: {other}")),
        }
    }
}

/// SQLite's and PostgreSQL's words for a database that cannot store anything (diesel
/// passes SQLite's result codes on as text): SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR;
/// PostgreSQL's disk_full (53100) and read-only transactions.
fn is_storage_fault(message: &str) -> bool {
    [
        "database or disk is full",
        "attempt to write a readonly database",
        "disk I/O error",
        "No space left on device",
        "could not extend file",
        "read-only transaction",
    ]
    .iter()
    .any(|words| message.contains(words))
}

fn is_busy(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

impl From<DbError> for Error {
    fn from(err: DbError) -> Self {
        match err {
            DbError::Query(e) => e.into(),
            DbError::Pool(e) => Self::Unavailable(format!("connection pool: {e}")),
            DbError::Blocking(e) => Self::Internal(format!("blocking task: {e}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::{Connection, RunQueryDsl, SqliteConnection};

    use super::Error;

    /// Real SQLite errors, from a real database file: a write on a read-only connection,
    /// and a write past the largest size the database may take (as on a full disk).
    #[test]
    fn storage_faults_are_storage_unavailable() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("faults.db");
        let mut conn = SqliteConnection::establish(path.to_str().expect("a path")).expect("open");
        conn.batch_execute("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a');").expect("set up");

        conn.batch_execute("PRAGMA query_only = ON").expect("read-only");
        let err = diesel::sql_query("INSERT INTO t VALUES ('b')").execute(&mut conn).expect_err("read-only");
        assert!(matches!(Error::from(err), Error::StorageUnavailable(_)));
        conn.batch_execute("PRAGMA query_only = OFF").expect("writable");

        let pages: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
            "(SELECT page_count FROM pragma_page_count())",
        ))
        .get_result(&mut conn)
        .expect("pages");
        conn.batch_execute(&format!("PRAGMA max_page_count = {pages}")).expect("cap");
        let big = "x".repeat(100_000);
        let err = diesel::sql_query(format!("INSERT INTO t VALUES ('{big}')")).execute(&mut conn).expect_err("full");
        assert!(matches!(Error::from(err), Error::StorageUnavailable(_)), "full");

        let err = diesel::sql_query("INSERT INTO nowhere VALUES (1)").execute(&mut conn).expect_err("no table");
        assert!(matches!(Error::from(err), Error::Internal(_)));
    }
}
