//! API keys: the credentials of integrations (wire ingest, build servers, newsletter
//! tools). A key acts as an account of its own, with the key's role and the same id,
//! so every rule of that role applies to it and what it writes names it. It is never
//! an admin: keys do not manage users or keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;
use super::id::UserId;
use super::text::Errors;
use super::user::Role;

/// What every key starts with: tells a key from a JWT (which starts with `eyJ`).
pub const PREFIX: &str = "mhk_";
/// Random bytes in a key (after the prefix, URL-safe base64).
pub const SECRET_BYTES: usize = 32;
/// How much of a key is kept and shown to tell keys apart: the prefix and 8 more.
pub const SHOWN_CHARS: usize = PREFIX.len() + 8;
pub const MAX_NAME_CHARS: usize = 100;
/// The roles a key may have.
pub const ROLES: [Role; 3] = [Role::Editor, Role::Writer, Role::Commercial];

/// Whether a bearer credential is an API key (else it is taken for a JWT).
pub fn is_api_key(bearer: &str) -> bool {
    bearer.starts_with(PREFIX)
}

/// A key to make, as an admin sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CreateApiKeyRequest, example = json!({"name": "Wire ingest", "role": "editor", "expires_at": "2027-12-31T00:00:00Z"}))]
pub struct NewApiKey {
    /// What the key is for; also the name its writes are shown under.
    pub name: String,
    /// `editor`, `writer` or `commercial`: never `admin`.
    pub role: Role,
    /// When it stops working (`null` or absent: never).
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

impl NewApiKey {
    pub fn validate(mut self, now: DateTime<Utc>) -> Result<NewApiKey, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.name = self.name.trim().to_string();
        errors.line("name", &self.name, 1, MAX_NAME_CHARS);
        if !ROLES.contains(&self.role) {
            errors.add("role", "must be editor, writer or commercial: keys do not manage users or keys");
        }
        if self.expires_at.is_some_and(|at| at <= now) {
            errors.add("expires_at", "must be in the future");
        }
        errors.finish()?;
        Ok(self)
    }
}

/// A key as stored (never its secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: UserId,
    pub name: String,
    pub role: Role,
    /// The key's first characters (`SHOWN_CHARS`).
    pub prefix: String,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Recorded to the minute.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Whether a key works now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyStatus {
    Active,
    Expired,
    Revoked,
}

impl ApiKey {
    /// Revoked, past its expiry, or active at `now`.
    pub fn status(&self, now: DateTime<Utc>) -> ApiKeyStatus {
        if self.revoked_at.is_some() {
            ApiKeyStatus::Revoked
        } else if self.expires_at.is_some_and(|at| now >= at) {
            ApiKeyStatus::Expired
        } else {
            ApiKeyStatus::Active
        }
    }

    /// Whether it is accepted at `now`.
    pub fn works_at(&self, now: DateTime<Utc>) -> bool {
        self.status(now) == ApiKeyStatus::Active
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_told_from_tokens_and_never_admins() {
        assert!(is_api_key("mhk_abc"));
        assert!(!is_api_key("eyJhbGciOiJIUzI1NiJ9.e30.x"));
        let now = Utc::now();
        let new = |role, expires_at| NewApiKey { name: " Wire ingest ".into(), role, expires_at };
        assert_eq!(new(Role::Editor, None).validate(now).map(|k| k.name), Ok("Wire ingest".into()));
        let fields = |r: Result<NewApiKey, Vec<FieldError>>| r.err().map(|e| e.into_iter().map(|e| e.field).collect());
        assert_eq!(fields(new(Role::Admin, None).validate(now)), Some(vec!["role".to_string()]));
        assert_eq!(fields(new(Role::Writer, Some(now)).validate(now)), Some(vec!["expires_at".to_string()]));
        let key = ApiKey {
            id: UserId::generate(),
            name: "k".into(),
            role: Role::Writer,
            prefix: "mhk_12345678".into(),
            created_by: UserId::generate(),
            created_at: now,
            expires_at: Some(now + chrono::Duration::seconds(1)),
            last_used_at: None,
            revoked_at: None,
        };
        assert!(key.works_at(now));
        assert!(!key.works_at(now + chrono::Duration::seconds(1)), "expired at its instant");
        assert!(!ApiKey { revoked_at: Some(now), ..key }.works_at(now));
    }
}
