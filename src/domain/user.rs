//! Users and roles: what a valid account looks like and who may do what with accounts.

use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::FieldError;
use super::text::Errors;
use chrono::{DateTime, Utc};

pub const MIN_PASSWORD_CHARS: usize = 12;
/// Bounded so that hashing stays cheap for any request.
pub const MAX_PASSWORD_CHARS: usize = 256;
pub const MAX_EMAIL_CHARS: usize = 254;
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// An editor's role. `admin` manages users; `editor` runs the newsroom; `writer`
/// writes; `commercial` runs sponsored content and offers.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Admin,
    Editor,
    Writer,
    Commercial,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Editor, Role::Writer, Role::Commercial];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who an account is: a person who signs in, or an API key (an integration), which
/// acts as an account of its own with its key's role and never signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, IntoStaticStr, EnumString, VariantArray)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AccountKind {
    Person,
    ApiKey,
}

impl AccountKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// An account as the API shows it (never the hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: super::id::UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub kind: AccountKind,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Emails are compared and stored trimmed and lower-cased, so that `Ann@X.org` and
/// `ann@x.org` are one account.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Checks an (already normalised) email address: its length, then `rules::EMAIL`.
pub fn check_email(errors: &mut Errors, field: &str, email: &str) {
    if email.chars().count() > MAX_EMAIL_CHARS {
        errors.add(field, format!("must be at most {MAX_EMAIL_CHARS} characters"));
        return;
    }
    if !super::rules::is_email(email) {
        errors.add(field, "must be a valid email address");
    }
}

pub fn check_display_name(errors: &mut Errors, field: &str, name: &str) {
    errors.line(field, name, 1, MAX_DISPLAY_NAME_CHARS);
}

pub fn check_password(errors: &mut Errors, field: &str, password: &str) {
    let len = password.chars().count();
    if len < MIN_PASSWORD_CHARS {
        errors.add(field, format!("must be at least {MIN_PASSWORD_CHARS} characters"));
    } else if len > MAX_PASSWORD_CHARS {
        errors.add(field, format!("must be at most {MAX_PASSWORD_CHARS} characters"));
    } else if password.chars().any(char::is_control) {
        errors.add(field, "must not contain control characters");
    }
}

/// A new account, validated.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub password: String,
}

impl NewUser {
    pub fn validate(
        email: &str,
        display_name: Option<&str>,
        role: Role,
        active: bool,
        password: &str,
    ) -> Result<NewUser, Vec<FieldError>> {
        let mut errors = Errors::default();
        let email = normalize_email(email);
        check_email(&mut errors, "email", &email);
        // Ghost and Directus fall back to the address when no name is given.
        let display_name = display_name.map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
        let display_name = display_name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_string());
        check_display_name(&mut errors, "display_name", &display_name);
        check_password(&mut errors, "password", password);
        errors.finish()?;
        Ok(NewUser { email, display_name, role, active, password: password.to_string() })
    }
}

/// The state of the admins that matters for the "last active admin" rule.
pub fn removes_last_admin(target_is_active_admin: bool, stays_active_admin: bool, active_admins: i64) -> bool {
    target_is_active_admin && !stays_active_admin && active_admins <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        let check = |e: &str| {
            let mut errors = Errors::default();
            check_email(&mut errors, "email", &normalize_email(e));
            errors.is_empty()
        };
        assert!(check("Ann@Example.org"));
        assert!(!check("ann"));
        assert!(!check("ann@"));
        assert!(!check("a b@x.org"));
        assert!(!check("a@b@c"));
        assert_eq!(normalize_email(" Ann@Example.ORG "), "ann@example.org");
    }

    #[test]
    fn last_admin_rule() {
        assert!(removes_last_admin(true, false, 1));
        assert!(!removes_last_admin(true, false, 2));
        assert!(!removes_last_admin(true, true, 1));
        assert!(!removes_last_admin(false, false, 0));
    }
}
