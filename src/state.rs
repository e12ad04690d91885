//! What every request handler shares: the database, the token keys, the settings and
//! the clock. Nothing here is state that another instance would need.

use std::sync::Arc;

use crate::auth::jwt::JwtKeys;
use crate::clock::Clock;
use crate::config::Settings;
use crate::db::Database;

#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub jwt: Arc<JwtKeys>,
    pub settings: Arc<Settings>,
    pub clock: Clock,
}
