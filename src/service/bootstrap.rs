//! First start: the JWT secret (generated once and kept in the database when not
//! configured) and the first admin of an empty database.

use super::Error;
use crate::auth::tokens;
use crate::clock::Clock;
use crate::db::{Database, settings, users as user_db};
use crate::domain::user::{NewUser, Role};
use crate::service::users;

const JWT_SECRET_KEY: &str = "jwt_secret";

/// The configured secret, or the one kept in the database (generated on first use).
pub fn jwt_secret(db: &Database, configured: Option<&str>) -> Result<String, String> {
    if let Some(secret) = configured {
        return Ok(secret.to_string());
    }
    let mut conn = db.get().map_err(|e| e.to_string())?;
    let candidate = tokens::random_token(48)?;
    let secret = settings::get_or_insert(&mut conn, JWT_SECRET_KEY, &candidate).map_err(|e| e.to_string())?;
    tracing::warn!("MASTHEAD_JWT_SECRET is not set: using the secret kept in the database");
    Ok(secret)
}

/// How the first admin came to be, for the start-up message.
#[derive(Debug)]
pub enum FirstAdmin {
    /// The database already had users.
    NotNeeded,
    /// Created from MASTHEAD_ADMIN_EMAIL / MASTHEAD_ADMIN_PASSWORD.
    FromEnvironment { email: String },
    /// Created with a generated password, to be shown once.
    Generated { email: String, password: String },
}

/// Creates an admin when the database has no users at all.
pub fn ensure_first_admin(
    db: &Database,
    clock: &Clock,
    email: Option<String>,
    password: Option<String>,
) -> Result<FirstAdmin, String> {
    let mut conn = db.get().map_err(|e| e.to_string())?;
    if user_db::exists_any(&mut conn).map_err(|e| e.to_string())? {
        return Ok(FirstAdmin::NotNeeded);
    }
    let email = email.filter(|e| !e.trim().is_empty()).unwrap_or_else(|| "admin@localhost".to_string());
    let (password, generated) = match password.filter(|p| !p.is_empty()) {
        Some(p) => (p, false),
        None => (tokens::random_token(18)?, true),
    };
    let new = NewUser::validate(&email, Some("Administrator"), Role::Admin, true, &password).map_err(|errors| {
        let fields = errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect::<Vec<_>>().join("; ");
        format!("invalid MASTHEAD_ADMIN_EMAIL / MASTHEAD_ADMIN_PASSWORD: {fields}")
    })?;
    match users::create_user(&mut conn, &new, None, clock.now()) {
        Ok(user) if generated => Ok(FirstAdmin::Generated { email: user.email, password }),
        Ok(user) => Ok(FirstAdmin::FromEnvironment { email: user.email }),
        // Another instance created it first.
        Err(Error::Conflict { .. }) => Ok(FirstAdmin::NotNeeded),
        Err(e) => Err(e.to_string()),
    }
}
