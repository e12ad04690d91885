//! Reading the audit log (admins): pages newest first, and the whole of a filter as
//! NDJSON, read in batches so that a long log is never held in memory at once.

use chrono::{DateTime, Utc};

use super::Error;
use crate::db::audit::{self as audit_db, AuditFilter, AuditRow};
use crate::db::from_db_time;
use crate::domain::audit::{ActorKind, AuditAction};
use crate::state::AppState;

/// An entry as admins read it.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub at: DateTime<Utc>,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub actor_kind: ActorKind,
    pub address: Option<String>,
    pub action: AuditAction,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub details: serde_json::Value,
}

impl From<AuditRow> for Entry {
    fn from(r: AuditRow) -> Entry {
        Entry {
            id: r.id,
            at: from_db_time(r.at),
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            actor_kind: r.actor_kind,
            address: r.address,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            // Written by `audit_db::record` from a JSON value: an object.
            details: serde_json::from_str(&r.details).unwrap_or_default(),
        }
    }
}

/// One page, newest first, and the id to continue before, if there are more.
pub async fn list(
    state: &AppState,
    filter: AuditFilter,
    before: Option<String>,
    limit: i64,
) -> Result<(Vec<Entry>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            let rows = audit_db::list(conn, &filter, before.as_deref(), limit + 1)?;
            let (rows, next) = super::split_page(rows, limit, |r| r.id.clone());
            Ok((rows.into_iter().map(Entry::from).collect(), next))
        })
        .await
}
