//! SQL for the audit log: entries are inserted in the transaction of the action they
//! record (`record`), and read newest first; the database refuses to change them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::schema::audit_log;
use super::{DbConnection, to_db_time};
use crate::domain::audit::{Actor, ActorKind, AuditAction, Target};

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub actor_kind: ActorKind,
    pub address: Option<String>,
    pub action: AuditAction,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub details: String,
}

/// Appends an entry; call it inside the action's own transaction.
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: AuditAction,
    target: Option<Target>,
    details: serde_json::Value,
    at: DateTime<Utc>,
) -> QueryResult<()> {
    let row = AuditRow {
        id: super::new_id(),
        at: to_db_time(at),
        actor_id: actor.id.as_ref().map(ToString::to_string),
        actor_name: actor.name.clone(),
        actor_kind: actor.kind,
        address: actor.address.map(|a| a.to_string()),
        action,
        target_type: target.as_ref().map(|t| t.kind.to_string()),
        target_id: target.map(|t| t.id),
        details: details.to_string(),
    };
    diesel::insert_into(audit_log::table).values(&row).execute(conn).map(|_| ())
}

/// Which entries to read.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub actor_id: Option<String>,
    pub target_id: Option<String>,
    pub since: Option<NaiveDateTime>,
    pub until: Option<NaiveDateTime>,
}

/// One page, newest first, before the entry `before`.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    before: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut query = audit_log::table.into_boxed();
    if let Some(action) = filter.action {
        query = query.filter(audit_log::action.eq(action));
    }
    if let Some(actor) = &filter.actor_id {
        query = query.filter(audit_log::actor_id.eq(actor.clone()));
    }
    if let Some(target) = &filter.target_id {
        query = query.filter(audit_log::target_id.eq(target.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(audit_log::at.ge(since));
    }
    if let Some(until) = filter.until {
        query = query.filter(audit_log::at.lt(until));
    }
    if let Some(before) = before {
        query = query.filter(audit_log::id.lt(before.to_string()));
    }
    query.order(audit_log::id.desc()).limit(limit).load(conn)
}
