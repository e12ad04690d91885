//! The audit log's vocabulary: who acted and what they did. Entries are written in
//! the transaction of the action they record and never changed.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::id::UserId;
use super::user::{AccountKind, User};

/// Who acted: a person, an API key, or nobody signed in (a failed sign-in).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ActorKind {
    Person,
    ApiKey,
    Anonymous,
}

/// What was done.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
pub enum AuditAction {
    #[serde(rename = "login.succeeded")]
    #[strum(serialize = "login.succeeded")]
    LoginSucceeded,
    /// A wrong email or password, or an account that may not sign in.
    #[serde(rename = "login.failed")]
    #[strum(serialize = "login.failed")]
    LoginFailed,
    #[serde(rename = "user.created")]
    #[strum(serialize = "user.created")]
    UserCreated,
    /// Role, active flag, email, name or a new password; `details` says which.
    #[serde(rename = "user.updated")]
    #[strum(serialize = "user.updated")]
    UserUpdated,
    #[serde(rename = "user.unlocked")]
    #[strum(serialize = "user.unlocked")]
    UserUnlocked,
    #[serde(rename = "api_key.created")]
    #[strum(serialize = "api_key.created")]
    ApiKeyCreated,
    #[serde(rename = "api_key.revoked")]
    #[strum(serialize = "api_key.revoked")]
    ApiKeyRevoked,
    #[serde(rename = "article.published")]
    #[strum(serialize = "article.published")]
    ArticlePublished,
    #[serde(rename = "article.scheduled")]
    #[strum(serialize = "article.scheduled")]
    ArticleScheduled,
    #[serde(rename = "article.unpublished")]
    #[strum(serialize = "article.unpublished")]
    ArticleUnpublished,
    #[serde(rename = "article.archived")]
    #[strum(serialize = "article.archived")]
    ArticleArchived,
    #[serde(rename = "article.trashed")]
    #[strum(serialize = "article.trashed")]
    ArticleTrashed,
    #[serde(rename = "article.restored")]
    #[strum(serialize = "article.restored")]
    ArticleRestored,
}

/// Who acted, as the entry keeps them: their id and the name they had then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<UserId>,
    pub name: Option<String>,
    pub kind: ActorKind,
    pub address: Option<IpAddr>,
}

impl Actor {
    /// A signed-in caller: a person or an API key.
    pub fn of(user: &User, address: Option<IpAddr>) -> Actor {
        let kind = match user.kind {
            AccountKind::Person => ActorKind::Person,
            AccountKind::ApiKey => ActorKind::ApiKey,
        };
        Actor { id: Some(user.id.clone()), name: Some(user.display_name.clone()), kind, address }
    }

    /// Nobody signed in, from `address` (a failed sign-in names the account it tried, if
    /// any, as its target).
    pub fn anonymous(address: Option<IpAddr>) -> Actor {
        Actor { id: None, name: None, kind: ActorKind::Anonymous, address }
    }
}

/// What an action was done to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `user`, `api_key`, `article`...
    pub kind: &'static str,
    pub id: String,
}

impl Target {
    pub fn new(kind: &'static str, id: impl Into<String>) -> Target {
        Target { kind, id: id.into() }
    }
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_are_api_names() {
        for action in AuditAction::VARIANTS {
            let json = serde_json::to_value(action).expect("serialises");
            assert_eq!(json.as_str(), Some(action.as_str()));
            assert_eq!(action.as_str().parse::<AuditAction>().ok(), Some(*action));
        }
    }
}
