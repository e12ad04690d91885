//! Accounts: create, list, read, change and deactivate users. Only admins reach these
//! through HTTP; the CLI and the first-start bootstrap use `create_user` directly.

use chrono::{DateTime, Utc};

use super::Error;
use crate::auth::password;
use crate::db::audit as audit_db;
use crate::db::users::{self as user_db, UserFilter, UserRow};
use crate::db::{self, DbConnection, sessions};
use crate::domain::audit::{Actor, AuditAction, Changes, Target};
use crate::domain::id::UserId;
use crate::domain::text::Errors;
use crate::domain::user::{self, AccountKind, NewUser, Role};
use crate::state::AppState;
use serde_json::json;

pub use crate::domain::user::User;

fn email_taken() -> Error {
    Error::conflict("email_taken", "A user with this email address already exists.")
}

/// Inserts a validated new user (hashing the password first). Shared by the API, the
/// CLI and the first-start bootstrap.
/// `by`: the admin who creates it, for the audit log (none from the command line or the
/// first start).
pub fn create_user(
    conn: &mut DbConnection,
    new: &NewUser,
    by: Option<&Actor>,
    now: DateTime<Utc>,
) -> Result<User, Error> {
    let password_hash = password::hash(&new.password).map_err(Error::internal)?;
    let now = db::to_db_time(now);
    let row = UserRow {
        id: UserId::generate(),
        email: new.email.clone(),
        display_name: new.display_name.clone(),
        role: new.role,
        active: new.active,
        password_hash,
        token_generation: 0,
        created_at: now,
        updated_at: now,
        kind: AccountKind::Person,
    };
    db::write_tx(conn, |c| {
        if user_db::find_by_email(c, &row.email)?.is_some() {
            return Err(email_taken());
        }
        user_db::insert(c, &row).map_err(|e| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                email_taken()
            }
            other => Error::from(other),
        })?;
        if let Some(by) = by {
            let details = json!({"email": row.email, "role": row.role, "active": row.active});
            audit_db::record(
                c,
                by,
                AuditAction::UserCreated,
                Some(Target::new("user", row.id.to_string())),
                details,
                db::from_db_time(now),
            )?;
        }
        Ok(())
    })?;
    Ok(User::from(row))
}

/// `by`: the admin, as the audit log names them.
pub async fn create(state: &AppState, by: &Actor, new: NewUser) -> Result<User, Error> {
    let clock = state.clock.clone();
    let actor = by.clone();
    state.db.run(move |conn| create_user(conn, &new, Some(&actor), clock.now())).await
}

pub async fn get(state: &AppState, id: UserId) -> Result<User, Error> {
    state
        .db
        .run(move |conn| user_db::find_person(conn, &id)?.map(User::from).ok_or_else(|| Error::not_found("User")))
        .await
}

/// The display names of these users, by id.
pub async fn display_names(
    state: &AppState,
    mut ids: Vec<UserId>,
) -> Result<std::collections::HashMap<UserId, String>, Error> {
    ids.sort();
    ids.dedup();
    state.db.run(move |conn| Ok(user_db::display_names(conn, &ids)?.into_iter().collect())).await
}

/// One page of users and the id to continue after, if there are more.
pub async fn list(
    state: &AppState,
    filter: UserFilter,
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<User>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            let rows = user_db::list(conn, &filter, after.as_deref(), limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| r.id.to_string());
            let users = rows.into_iter().map(User::from).collect();
            Ok((users, next))
        })
        .await
}

/// A partial update; `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct UserPatch {
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub password: Option<String>,
}

impl UserPatch {
    /// Normalises and validates the fields that are present.
    pub fn validate(mut self) -> Result<UserPatch, Error> {
        let mut errors = Errors::default();
        if let Some(email) = &mut self.email {
            *email = user::normalize_email(email);
            user::check_email(&mut errors, "email", email);
        }
        if let Some(name) = &mut self.display_name {
            *name = name.trim().to_string();
            user::check_display_name(&mut errors, "display_name", name);
        }
        if let Some(password) = &self.password {
            user::check_password(&mut errors, "password", password);
        }
        errors.finish().map_err(Error::Invalid)?;
        Ok(self)
    }
}

/// Applies a validated patch. Deactivation and a password reset end every session of
/// the user at once; the last active admin cannot be demoted or deactivated (409).
pub async fn update(state: &AppState, by: &Actor, id: UserId, patch: UserPatch) -> Result<User, Error> {
    let clock = state.clock.clone();
    let actor = by.clone();
    state
        .db
        .run(move |conn| {
            let new_hash = patch.password.as_deref().map(password::hash).transpose().map_err(Error::internal)?;
            db::write_tx(conn, |c| {
                db::lock(c, "admins")?;
                let mut row = user_db::find_person(c, &id)?.ok_or_else(|| Error::not_found("User"))?;
                let before = row.clone();
                let was_active_admin = row.active && row.role == Role::Admin;
                if let Some(email) = &patch.email {
                    if *email != row.email && user_db::find_by_email(c, email)?.is_some() {
                        return Err(email_taken());
                    }
                    row.email = email.clone();
                }
                let old_name = row.display_name.clone();
                if let Some(name) = &patch.display_name {
                    row.display_name = name.clone();
                }
                if let Some(role) = patch.role {
                    row.role = role;
                }
                let deactivating = row.active && patch.active == Some(false);
                if let Some(active) = patch.active {
                    row.active = active;
                }
                let stays_active_admin = row.active && row.role == Role::Admin;
                if user::removes_last_admin(was_active_admin, stays_active_admin, user_db::count_active_admins(c)?) {
                    return Err(Error::conflict(
                        "last_admin",
                        "This is the last active admin: make another user an admin first.",
                    ));
                }
                let now = clock.now();
                if let Some(hash) = &new_hash {
                    row.password_hash = hash.clone();
                }
                if deactivating || new_hash.is_some() {
                    row.token_generation += 1;
                    sessions::revoke_all_for_user(c, &row.id, db::to_db_time(now))?;
                }
                row.updated_at = db::to_db_time(now);
                user_db::update(c, &row).map_err(|e| match e {
                    diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                        email_taken()
                    }
                    other => other.into(),
                })?;
                let mut changes = Changes::default();
                changes
                    .field("email", &before.email, &row.email)
                    .field("display_name", &before.display_name, &row.display_name)
                    .field("role", &before.role, &row.role)
                    .field("active", &before.active, &row.active);
                if new_hash.is_some() {
                    changes.note("password", "reset");
                }
                if !changes.is_empty() {
                    let target = Some(Target::new("user", row.id.to_string()));
                    audit_db::record(c, &actor, AuditAction::UserUpdated, target, changes.into_details(), now)?;
                }
                if row.display_name != old_name {
                    // Their bylines follow, unless their author was given another name.
                    crate::db::authors::follow_display_name(
                        c,
                        &row.id,
                        &old_name,
                        &row.display_name,
                        db::to_db_time(now),
                    )?;
                }
                Ok(User::from(row))
            })
        })
        .await
}

/// `DELETE /users/{id}`: deactivates (users are never removed, their bylines stay).
pub async fn deactivate(state: &AppState, by: &Actor, id: UserId) -> Result<(), Error> {
    update(state, by, id, UserPatch { active: Some(false), ..UserPatch::default() }).await.map(|_| ())
}
