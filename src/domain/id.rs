//! Typed ids, one per resource, so that a poll's id does not type-check where an
//! article's is expected. On the wire and in the database they are the same opaque
//! strings as before (UUIDv7 for new rows).

use serde::{Deserialize, Serialize};

/// The longest id a request may name (ids are checked as a line of text: not blank,
/// no control characters, at most this many characters).
pub const MAX_ID_CHARS: usize = 100;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new id: a UUIDv7, sortable by creation time.
            pub fn generate() -> Self {
                Self(uuid::Uuid::now_v7().to_string())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    )*};
}

ids! {
    /// An article's id.
    ArticleId;
    /// A section's id.
    SectionId;
    /// A user's id.
    UserId;
    /// A reader poll's id.
    PollId;
    /// A sponsored block's id.
    SponsoredId;
    /// A subscription offer's id.
    OfferId;
    /// A media asset's id.
    AssetId;
    /// A webhook endpoint's id.
    WebhookId;
    /// An announced event's id: the `webhook-id` of every attempt to deliver it.
    EventId;
    /// One event's delivery to one endpoint.
    DeliveryId;
    /// An article preview link's id.
    PreviewId;
    /// A correction's id (a note in an article's public log).
    CorrectionId;
    /// A tag's id.
    TagId;
    /// An author's id (a byline). Authors made for users have the user's id.
    AuthorId;
}
