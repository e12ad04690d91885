//! Plain types and rules per resource: parsing, validation, workflow. No I/O, no
//! diesel, no actix.

pub mod api_key;
pub mod article;
pub mod audit;
pub mod author;
pub mod correction;
pub mod external;
pub mod id;
pub mod media;
pub mod paywall;
pub mod poll;
pub mod preview;
pub mod rules;
pub mod section;
pub mod site;
pub mod slug;
pub mod sponsored;
pub mod tag;
pub mod text;
pub mod user;
pub mod version;
pub mod webhook;

/// Deserialising partial updates: absent means "leave as is".
pub mod patch {
    use serde::{Deserialize, Deserializer};

    /// For fields that cannot be cleared: `null` is refused (a 422), not read as absent.
    pub fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        T::deserialize(deserializer).map(Some)
    }

    /// For fields that may be cleared: absent is `None`, `null` is `Some(None)`
    /// (with `#[serde(default, deserialize_with = "nullable")]`).
    pub use serde_with::rust::double_option::deserialize as nullable;
}

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
