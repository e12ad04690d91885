//! Plain types and rules per resource: parsing, validation, workflow. No I/O, no
//! diesel, no actix.

pub mod article;
pub mod id;
pub mod paywall;
pub mod poll;
pub mod rules;
pub mod section;
pub mod slug;
pub mod sponsored;
pub mod text;
pub mod user;
pub mod version;

use serde::Serialize;
use utoipa::ToSchema;

/// One problem with one field of the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, as a dotted path into the request (`body.email`, `query.limit`).
    #[schema(example = "email")]
    pub field: String,
    /// What is wrong with it.
    #[schema(example = "must be a valid email address")]
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}
