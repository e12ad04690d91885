//! The audit log's vocabulary: who acted and what they did. Entries are written in
//! the transaction of the action they record and never changed.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
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
    /// Marked as paid content, its mark changed, or cleared.
    #[serde(rename = "article.sponsorship_changed")]
    #[strum(serialize = "article.sponsorship_changed")]
    ArticleSponsorshipChanged,
    #[serde(rename = "sponsored.created")]
    #[strum(serialize = "sponsored.created")]
    SponsoredCreated,
    /// The sponsor, label, disclosure, flight or status changed; `details` says how.
    #[serde(rename = "sponsored.updated")]
    #[strum(serialize = "sponsored.updated")]
    SponsoredUpdated,
    #[serde(rename = "sponsored.deleted")]
    #[strum(serialize = "sponsored.deleted")]
    SponsoredDeleted,
    #[serde(rename = "offer.created")]
    #[strum(serialize = "offer.created")]
    OfferCreated,
    #[serde(rename = "offer.updated")]
    #[strum(serialize = "offer.updated")]
    OfferUpdated,
    #[serde(rename = "offer.deleted")]
    #[strum(serialize = "offer.deleted")]
    OfferDeleted,
    /// A paywall setting changed; `details` says which.
    #[serde(rename = "paywall.updated")]
    #[strum(serialize = "paywall.updated")]
    PaywallUpdated,
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

/// What an action changed, as an entry's `details`: `{field: {"from": …, "to": …}}` for
/// each field that changed, beside any notes that name what was changed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Changes(Map<String, Value>);

impl Changes {
    /// The `fields` of `from` and `to` (each serialised as a JSON object) that differ.
    pub fn between<T: Serialize>(from: &T, to: &T, fields: &[&str]) -> Changes {
        let (from, to) = (as_object(from), as_object(to));
        let mut changes = Changes::default();
        for field in fields {
            changes.field(field, &from.get(*field), &to.get(*field));
        }
        changes
    }

    /// Records `field` if `from` and `to` differ.
    pub fn field<T: Serialize + ?Sized>(&mut self, field: &str, from: &T, to: &T) -> &mut Changes {
        let (from, to) = (to_json(from), to_json(to));
        if from != to {
            self.0.insert(field.to_string(), json!({"from": from, "to": to}));
        }
        self
    }

    /// Adds `value` under `name`, whether or not anything changed (a headline, say).
    pub fn note(&mut self, name: &str, value: impl Serialize) -> &mut Changes {
        self.0.insert(name.to_string(), to_json(&value));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_details(self) -> Value {
        Value::Object(self.0)
    }
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Value {
    // Domain values always serialise; a null is the honest record if one ever did not.
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn as_object<T: Serialize>(value: &T) -> Map<String, Value> {
    match to_json(value) {
        Value::Object(object) => object,
        _ => Map::new(),
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
    fn changes_name_only_what_differs() {
        let from = json!({"label": "Sponsored", "disclosure": "Paid for.", "title": "A"});
        let to = json!({"label": "Paid post", "disclosure": "Paid for.", "title": "B"});
        let changes = Changes::between(&from, &to, &["label", "disclosure"]);
        assert_eq!(changes.into_details(), json!({"label": {"from": "Sponsored", "to": "Paid post"}}));
        assert!(Changes::between(&from, &from, &["label", "title"]).is_empty());
    }

    #[test]
    fn stored_names_are_api_names() {
        for action in AuditAction::VARIANTS {
            let json = serde_json::to_value(action).expect("serialises");
            assert_eq!(json.as_str(), Some(action.as_str()));
            assert_eq!(action.as_str().parse::<AuditAction>().ok(), Some(*action));
        }
    }
}
