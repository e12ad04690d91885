//! `ApiError`: every failure the API can answer with, rendered as an RFC 9457
//! `application/problem+json` body with a stable `code`. 5xx bodies are generic; the
//! cause goes to the log only.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;
use crate::domain::version::etag;
use crate::service;

pub use crate::domain::FieldError;

/// RFC 9457 problem details, the body of every error response.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "urn:masthead:problem:validation_failed",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "The request body has 1 invalid field.",
    "instance": "/api/v1/users",
    "code": "validation_failed",
    "errors": [{"field": "email", "message": "must be a valid email address"}]
}))]
pub struct Problem {
    /// A URI naming the problem type: `urn:masthead:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// A short summary of the problem type (the HTTP reason phrase).
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// A human-readable explanation of this occurrence.
    pub detail: String,
    /// The request path this occurrence happened on.
    pub instance: Option<String>,
    /// A stable, snake_case machine-readable code.
    pub code: String,
    /// Per-field errors (validation failures); empty otherwise.
    pub errors: Vec<FieldError>,
}

/// The codes of a 401 for an access token that was given but cannot be used: invalid
/// (not ours), expired (refresh it) or revoked (sign in again).
pub const ACCESS_TOKEN_CODES: [&str; 3] = ["invalid_token", "token_expired", "token_revoked"];
const INVALID_TOKEN: &str = "Bearer realm=\"masthead\", error=\"invalid_token\"";

/// Every failure the API answers with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String, errors: Vec<FieldError> },
    #[error("{detail}")]
    Unauthorized { code: &'static str, detail: String },
    /// No bearer token at all (401 without an RFC 6750 error in `WWW-Authenticate`).
    #[error("no access token")]
    MissingToken,
    #[error("{detail}")]
    Forbidden { code: &'static str, detail: String },
    #[error("{detail}")]
    NotFound { detail: String },
    #[error("method not allowed")]
    MethodNotAllowed { allow: Vec<String> },
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    #[error("precondition failed")]
    PreconditionFailed { current_etag: String },
    #[error("precondition required")]
    PreconditionRequired,
    #[error("payload too large")]
    PayloadTooLarge { limit: usize },
    /// The body did not arrive within the body timeout.
    #[error("request timeout")]
    RequestTimeout { secs: u64 },
    /// The memory for bodies in flight on this instance is used up.
    #[error("overloaded")]
    Overloaded,
    #[error("unsupported media type")]
    UnsupportedMediaType { detail: String },
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// Well-formed content that cannot be used (422 with its own code).
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String },
    /// Busy with as much of some work as this instance takes (503, retry soon).
    #[error("{detail}")]
    Busy { detail: String },
    #[error("{detail}")]
    TooManyRequests { detail: String, retry_after_secs: u64 },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("storage unavailable: {0}")]
    StorageUnavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn not_found(what: &str) -> Self {
        Self::NotFound { detail: format!("{what} not found") }
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::Unauthorized { code: "unauthorized", detail: detail.into() }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden { code: "forbidden", detail: detail.into() }
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict { code, detail: detail.into() }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::BadRequest { code, detail: detail.into(), errors: Vec::new() }
    }

    /// A 422 naming a single field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }

    /// The generic problem for a status produced outside our code (actix internals).
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::bad_request("bad_request", "The request could not be understood."),
            401 => Self::unauthorized("Authentication is required."),
            403 => Self::forbidden("You may not do this."),
            404 => Self::NotFound { detail: "No such resource.".into() },
            405 => Self::MethodNotAllowed { allow: Vec::new() },
            413 => Self::PayloadTooLarge { limit: 0 },
            415 => Self::UnsupportedMediaType { detail: "Unsupported media type.".into() },
            s if (400..500).contains(&s) => Self::bad_request("bad_request", "The request could not be processed."),
            503 => Self::Unavailable("upstream unavailable".into()),
            _ => Self::Internal(format!("status {status}")),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } | Self::Unauthorized { code, .. } => code,
            Self::Forbidden { code, .. } | Self::Conflict { code, .. } => code,
            Self::Unprocessable { code, .. } => code,
            Self::Busy { .. } => "busy",
            // The code clients have always branched on for any unusable token.
            Self::MissingToken => "invalid_token",
            Self::NotFound { .. } => "not_found",
            Self::MethodNotAllowed { .. } => "method_not_allowed",
            Self::PreconditionFailed { .. } => "precondition_failed",
            Self::PreconditionRequired => "precondition_required",
            Self::PayloadTooLarge { .. } => "payload_too_large",
            Self::RequestTimeout { .. } => "request_timeout",
            Self::Overloaded => "overloaded",
            Self::UnsupportedMediaType { .. } => "unsupported_media_type",
            Self::Validation(_) => "validation_failed",
            Self::TooManyRequests { .. } => "rate_limited",
            Self::Unavailable(_) => "service_unavailable",
            Self::StorageUnavailable(_) => "storage_unavailable",
            Self::Internal(_) => "internal_error",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest { detail, .. }
            | Self::Unauthorized { detail, .. }
            | Self::Forbidden { detail, .. }
            | Self::NotFound { detail }
            | Self::Conflict { detail, .. }
            | Self::UnsupportedMediaType { detail }
            | Self::Unprocessable { detail, .. }
            | Self::Busy { detail }
            | Self::TooManyRequests { detail, .. } => detail.clone(),
            Self::MissingToken => {
                "This request needs an access token: Authorization: Bearer <token from POST /api/v1/auth/login>.".into()
            }
            Self::MethodNotAllowed { .. } => "This method is not allowed on this resource.".into(),
            Self::PreconditionFailed { .. } => {
                "The resource has changed since you read it: fetch it again and retry with its current ETag.".into()
            }
            Self::PreconditionRequired => {
                "This request needs an If-Match header with the resource's current ETag.".into()
            }
            Self::PayloadTooLarge { limit: 0 } => "The request body is too large.".into(),
            Self::PayloadTooLarge { limit } => format!("The request body is larger than {limit} bytes."),
            Self::RequestTimeout { secs } => format!("The request body did not arrive within {secs} seconds."),
            Self::Overloaded => "The server is receiving too many request bodies at once; try again shortly.".into(),
            Self::Validation(errors) => match errors.len() {
                1 => "The request has 1 invalid field.".into(),
                n => format!("The request has {n} invalid fields."),
            },
            Self::Unavailable(_) => "The service is temporarily unavailable; try again shortly.".into(),
            Self::StorageUnavailable(_) => {
                "The database cannot store changes now (its disk is full or it is read-only); reading may still work. Try again later.".into()
            }
            Self::Internal(_) => "An unexpected error occurred.".into(),
        }
    }

    /// The problem body for this error, at `instance`.
    pub fn problem(&self, instance: Option<&str>) -> Problem {
        let status = self.status_code();
        let code = self.code();
        let errors = match self {
            Self::Validation(errors) | Self::BadRequest { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        Problem {
            problem_type: format!("urn:masthead:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.detail(),
            instance: instance.map(str::to_string),
            code: code.to_string(),
            errors,
        }
    }

    /// The full response for this error, at `instance`.
    pub fn to_response(&self, instance: Option<&str>) -> HttpResponse {
        // An empty cause is a re-render of an error already logged.
        if let Self::Internal(cause) | Self::Unavailable(cause) | Self::StorageUnavailable(cause) = self
            && !cause.is_empty()
        {
            tracing::error!(cause = %cause, instance = instance.unwrap_or(""), "request failed");
        }
        let problem = self.problem(instance);
        let mut builder = HttpResponse::build(self.status_code());
        builder.insert_header((header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json")));
        builder.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        match self {
            Self::Unauthorized { code, detail } if ACCESS_TOKEN_CODES.contains(code) => {
                // RFC 6750 section 3.1: a token was given and is unusable.
                let challenge =
                    format!("Bearer realm=\"masthead\", error=\"invalid_token\", error_description=\"{detail}\"");
                let value = HeaderValue::from_str(&challenge).unwrap_or(HeaderValue::from_static(INVALID_TOKEN));
                builder.insert_header((header::WWW_AUTHENTICATE, value));
            }
            Self::Unauthorized { .. } | Self::MissingToken => {
                builder.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"masthead\""));
            }
            Self::MethodNotAllowed { allow } if !allow.is_empty() => {
                builder.insert_header((header::ALLOW, allow.join(", ")));
            }
            Self::PreconditionFailed { current_etag } => {
                builder.insert_header((header::ETAG, current_etag.clone()));
            }
            Self::TooManyRequests { retry_after_secs, .. } => {
                builder.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Unavailable(_) | Self::Overloaded | Self::Busy { .. } => {
                builder.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::StorageUnavailable(_) => {
                builder.insert_header((header::RETRY_AFTER, "30"));
            }
            // The rest of the body may still be on its way: this connection is done.
            Self::RequestTimeout { .. } => {
                builder.force_close();
            }
            _ => {}
        }
        let body = serde_json::to_vec(&problem).unwrap_or_else(|_| b"{}".to_vec());
        builder.body(body)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized { .. } | Self::MissingToken => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RequestTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            Self::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            Self::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) | Self::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) | Self::StorageUnavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        self.to_response(None)
    }
}

impl From<service::Error> for ApiError {
    fn from(err: service::Error) -> Self {
        use service::Error as E;
        match err {
            E::Unauthorized { code, detail } => Self::Unauthorized { code, detail },
            E::Forbidden { code, detail } => Self::Forbidden { code, detail },
            E::NotFound { detail } => Self::NotFound { detail },
            E::Conflict { code, detail } => Self::Conflict { code, detail },
            E::Stale { current } => Self::PreconditionFailed { current_etag: etag(current) },
            E::Invalid(errors) => Self::Validation(errors),
            E::UnsupportedMedia { detail } => Self::UnsupportedMediaType { detail },
            E::Unprocessable { code, detail } => Self::Unprocessable { code, detail },
            E::Busy { detail } => Self::Busy { detail },
            E::RateLimited { detail, retry_after_secs } => Self::TooManyRequests { detail, retry_after_secs },
            E::Unavailable(cause) => Self::Unavailable(cause),
            E::StorageUnavailable(cause) => Self::StorageUnavailable(cause),
            E::Internal(cause) => Self::Internal(cause),
        }
    }
}

impl From<DbError> for ApiError {
    fn from(err: DbError) -> Self {
        service::Error::from(err).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_carry_no_internals() {
        let err = ApiError::Internal("db password=hunter2 at /srv/x.rs:10".into());
        let problem = err.problem(Some("/x"));
        assert_eq!(problem.status, 500);
        assert_eq!(problem.code, "internal_error");
        assert!(!problem.detail.contains("hunter2") && !problem.detail.contains(".rs"));
        let body = actix_web::body::to_bytes_limited(err.to_response(None).into_body(), 4096);
        let text = format!("{:?}", futures_util::FutureExt::now_or_never(body));
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn busy_database_is_503_not_500() {
        let err = ApiError::Unavailable("database is locked".into());
        assert_eq!(err.status_code(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(!err.problem(None).detail.contains("locked"));
    }
}
