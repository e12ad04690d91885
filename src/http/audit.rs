//! `/api/v1/audit-log` (admins): who did what, from which address, and when. Pages
//! newest first with filters, and the same filters exported whole as NDJSON.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::audit::AuditFilter;
use crate::domain::audit::{ActorKind, AuditAction};
use crate::error::ApiError;
use crate::http::caller::{AdminOnly, Authenticated};
use crate::http::extract::ApiQuery;
use crate::http::pagination::{self, Cursor, Listed, Page};
use crate::http::time;
use crate::service::audit::{self, Entry};
use crate::state::AppState;

/// Who acted.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditActor {
    /// A user's or an API key's id; `null` for nobody signed in (a failed sign-in).
    pub id: Option<String>,
    /// Their name when they acted.
    pub name: Option<String>,
    pub kind: ActorKind,
}

/// What the action was done to.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditTarget {
    /// `user`, `api_key`, `article`, `sponsored` (a sponsored block) or `offer`.
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// One entry of the audit log. Entries are never changed or removed.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70", "at": "2026-12-05T09:30:00Z",
    "actor": {"id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a50", "name": "Administrator", "kind": "person"},
    "address": "203.0.113.7", "action": "user.updated",
    "target": {"type": "user", "id": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"},
    "details": {"role": {"from": "writer", "to": "editor"}}
}))]
pub struct AuditEntryResponse {
    pub id: String,
    #[serde(serialize_with = "time::rfc3339")]
    pub at: DateTime<Utc>,
    pub actor: AuditActor,
    /// The client's address, as the server saw it (behind a trusted proxy, the one the
    /// proxy names).
    pub address: Option<String>,
    pub action: AuditAction,
    /// `null` where the action has no one record (`paywall.updated`, the site's paywall;
    /// `login.failed` for an email no account has).
    pub target: Option<AuditTarget>,
    /// What changed (`{"field": {"from": ..., "to": ...}}`) or what was done.
    #[schema(value_type = std::collections::HashMap<String, serde_json::Value>)]
    pub details: serde_json::Value,
}

impl From<Entry> for AuditEntryResponse {
    fn from(e: Entry) -> Self {
        AuditEntryResponse {
            id: e.id,
            at: e.at,
            actor: AuditActor { id: e.actor_id, name: e.actor_name, kind: e.actor_kind },
            address: e.address,
            action: e.action,
            target: e.target_type.zip(e.target_id).map(|(kind, id)| AuditTarget { kind, id }),
            details: e.details,
        }
    }
}

pub type AuditPage = Page<AuditEntryResponse>;

impl Listed for AuditEntryResponse {
    const PAGE: &'static str = "AuditPage";
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only what this user or API key did (its id).
    pub actor: Option<String>,
    /// Only what was done to this user, key or article (its id).
    pub target: Option<String>,
    /// Only entries at or after this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub since: Option<String>,
    /// Only entries before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub until: Option<String>,
    /// Page size, 1..=100 (default 20).
    #[param(example = 20)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditExportQuery {
    /// Only this action.
    pub action: Option<AuditAction>,
    /// Only what this user or API key did (its id).
    pub actor: Option<String>,
    /// Only what was done to this user, key or article (its id).
    pub target: Option<String>,
    /// Only entries at or after this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub since: Option<String>,
    /// Only entries before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub until: Option<String>,
}

fn moment(field: &str, value: Option<&str>) -> Result<Option<NaiveDateTime>, ApiError> {
    value
        .map(|v| {
            v.parse::<DateTime<FixedOffset>>()
                .map(|t| crate::db::to_db_time(t.with_timezone(&Utc)))
                .map_err(|_| ApiError::invalid(format!("query.{field}"), time::EXPECTED))
        })
        .transpose()
}

fn filter(
    action: Option<AuditAction>,
    actor: Option<String>,
    target: Option<String>,
    since: Option<&str>,
    until: Option<&str>,
) -> Result<AuditFilter, ApiError> {
    Ok(AuditFilter {
        action,
        actor_id: actor,
        target_id: target,
        since: moment("since", since)?,
        until: moment("until", until)?,
    })
}

/// Lists the audit log, newest first.
#[utoipa::path(
    tag = "audit", operation_id = "listAuditLog", params(AuditQuery), security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "A page of entries.", body = AuditPage),
        (status = 403, description = "Only admins read the audit log."),
    )
)]
#[get("/audit-log")]
pub async fn list_audit_log(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    query: ApiQuery<AuditQuery>,
) -> Result<web::Json<AuditPage>, ApiError> {
    let q = query.into_inner()?;
    let limit = pagination::limit(q.limit)?;
    let before = q.cursor.as_deref().map(Cursor::decode).transpose()?;
    let filter = filter(q.action, q.actor, q.target, q.since.as_deref(), q.until.as_deref())?;
    let (items, next) = audit::list(&state, filter, before, limit).await?;
    Ok(web::Json(Page::new(items.into_iter().map(AuditEntryResponse::from).collect(), next)?))
}

/// Entries read per database round trip while exporting.
const EXPORT_BATCH: i64 = 500;

/// Exports the audit log as NDJSON (one entry per line, newest first), with the same
/// filters as the list; streamed, whatever its length.
#[utoipa::path(
    tag = "audit", operation_id = "exportAuditLog", params(AuditExportQuery), security(("bearerAuth" = [])),
    responses(
        (status = 200, description = "Every matching entry, one JSON object per line.",
            content((String = "application/x-ndjson", example = json!("{\"id\":\"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a70\",\"at\":\"2026-12-05T09:30:00Z\",\"actor\":{\"id\":null,\"name\":null,\"kind\":\"anonymous\"},\"address\":\"203.0.113.7\",\"action\":\"login.failed\",\"target\":null,\"details\":{\"email\":\"ann@example.org\"}}\n")))),
        (status = 403, description = "Only admins read the audit log."),
    )
)]
#[get("/audit-log/export")]
pub async fn export_audit_log(
    _admin: Authenticated<AdminOnly>,
    state: web::Data<AppState>,
    query: ApiQuery<AuditExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let q = query.into_inner()?;
    let filter = filter(q.action, q.actor, q.target, q.since.as_deref(), q.until.as_deref())?;
    let state = state.into_inner();
    // The cursor to read before; `None` once every batch was sent.
    let first: Option<Option<String>> = Some(None);
    let body = futures_util::stream::unfold(first, move |step| {
        let (state, filter) = (state.clone(), filter.clone());
        async move {
            let before = step?;
            match audit::list(&state, filter, before, EXPORT_BATCH).await {
                Ok((items, next)) => {
                    let mut bytes = Vec::new();
                    for entry in items {
                        if let Err(e) = serde_json::to_writer(&mut bytes, &AuditEntryResponse::from(entry)) {
                            return Some((Err(actix_web::error::ErrorInternalServerError(e)), None));
                        }
                        bytes.push(b'\n');
                    }
                    Some((Ok::<_, actix_web::Error>(Bytes::from(bytes)), next.map(Some)))
                }
                Err(e) => Some((Err(actix_web::error::ErrorInternalServerError(e.to_string())), None)),
            }
        }
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"audit-log.ndjson\""))
        .content_type("application/x-ndjson")
        .streaming(body))
}
