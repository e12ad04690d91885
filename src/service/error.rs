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
    /// Too many attempts; the caller may try again after `retry_after_secs`.
    #[error("{detail}")]
    RateLimited { detail: String, retry_after_secs: u64 },
    /// Something the service depends on is busy or down; retrying may work.
    #[error("unavailable: {0}")]
    Unavailable(String),
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
            other => Self::Internal(format!("database: {other}")),
        }
    }
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
