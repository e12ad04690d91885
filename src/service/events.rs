//! Events for webhooks, written to the outbox inside the transaction of the change
//! they announce: committed with it, or rolled back with it. Each names the resource
//! (ids and slugs) and the public paths a cache in front of Masthead should purge.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::Error;
use crate::db::articles::ArticleRow;
use crate::db::sections::SectionRow;
use crate::db::webhooks::{self as webhook_db, DeliveryRow, EventRow};
use crate::db::{self, DbConnection, articles as article_db, sections as section_db};
use crate::domain::article::Status;
use crate::domain::id::{EventId, WebhookId};
use crate::domain::webhook::EventType;

/// Where the public API answers: purge paths start here.
const PUBLIC: &str = "/api/v1/public";

/// The body every attempt sends (and signs).
pub fn payload(kind: EventType, at: DateTime<Utc>, data: Value, purge_paths: Vec<String>) -> String {
    json!({
        "type": kind.as_str(),
        "timestamp": at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        "data": data,
        "purge_paths": purge_paths,
    })
    .to_string()
}

/// Writes `kind` to the outbox with one delivery per endpoint that wants it (or only
/// to `only`, for a test event), due at once. Nothing is written when nobody listens.
pub fn emit_to(
    conn: &mut DbConnection,
    kind: EventType,
    at: DateTime<Utc>,
    data: Value,
    purge_paths: Vec<String>,
    only: Option<&WebhookId>,
) -> Result<Option<EventId>, Error> {
    let endpoints = match only {
        Some(id) => vec![id.clone()],
        None => webhook_db::subscribers(conn, kind)?,
    };
    if endpoints.is_empty() {
        return Ok(None);
    }
    let event = EventRow {
        id: EventId::from(format!("msg_{}", uuid::Uuid::now_v7().simple())),
        event_type: kind,
        occurred_at: db::to_db_time(at),
        payload: payload(kind, at, data, purge_paths),
    };
    webhook_db::insert_event(conn, &event)?;
    for endpoint in endpoints {
        webhook_db::insert_delivery(conn, &DeliveryRow::due(endpoint, event.id.clone(), event.occurred_at))?;
    }
    Ok(Some(event.id))
}

fn emit(
    conn: &mut DbConnection,
    kind: EventType,
    at: DateTime<Utc>,
    data: Value,
    purge: Vec<String>,
) -> Result<(), Error> {
    emit_to(conn, kind, at, data, purge, None).map(|_| ())
}

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The slugs of a section and its ancestors, nearest first.
fn section_chain(conn: &mut DbConnection, section: &crate::domain::id::SectionId) -> Result<Vec<String>, Error> {
    let mut ids = vec![section.clone()];
    ids.extend(section_db::ancestors(conn, section)?);
    let mut slugs = Vec::new();
    for id in ids {
        if let Some(s) = section_db::find(conn, &id)? {
            slugs.push(s.slug);
        }
    }
    Ok(slugs)
}

/// The public answers an article appears in: its own (under every slug it answers
/// to), the article lists of its sections (and their ancestors), tags and authors.
fn article_paths(conn: &mut DbConnection, row: &ArticleRow, old_slugs: &[String]) -> Result<Vec<String>, Error> {
    let mut paths = vec![format!("{PUBLIC}/articles/{}", row.slug)];
    paths.extend(old_slugs.iter().map(|s| format!("{PUBLIC}/articles/{s}")));
    paths.push(format!("{PUBLIC}/articles"));
    for slug in section_chain(conn, &row.section_id)? {
        paths.push(format!("{PUBLIC}/articles?section={}", encode(&slug)));
    }
    for tag in &row.tags.0 {
        paths.push(format!("{PUBLIC}/articles?tag={}", encode(tag)));
    }
    for (_, author, _) in article_db::authors_of(conn, std::slice::from_ref(&row.id))? {
        paths.push(format!("{PUBLIC}/articles?author={}", encode(author.as_str())));
    }
    Ok(paths)
}

/// Announces `kind` for an article as it is now (`row`, as just written). `before`
/// is the article before the change, when it was in other lists (another section,
/// other tags, another slug): those are purged too.
pub fn article(
    conn: &mut DbConnection,
    kind: EventType,
    row: &ArticleRow,
    before: Option<&ArticleRow>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    if webhook_db::subscribers(conn, kind)?.is_empty() {
        return Ok(());
    }
    let old_slugs = article_db::old_slugs(conn, &row.id)?;
    let mut purge = article_paths(conn, row, &old_slugs)?;
    if let Some(before) = before {
        for path in article_paths(conn, before, &[])? {
            if !purge.contains(&path) {
                purge.push(path);
            }
        }
    }
    let section = section_db::find(conn, &row.section_id)?;
    let status = row.effective_status(now);
    let data = json!({
        "article": {
            "id": row.id,
            "slug": row.slug,
            "old_slugs": old_slugs,
            "headline": row.headline,
            "status": status,
            "section": section.map(|s| json!({"id": s.id, "slug": s.slug})),
            "tags": row.tags.0,
            "publish_at": row.publish_at.map(|t| rfc3339(db::from_db_time(t))),
            "trashed": row.trashed_at.is_some(),
            "version": row.version,
        }
    });
    emit(conn, kind, now, data, purge)
}

/// The event a workflow change announces, if any: going live (now), being scheduled,
/// leaving the live state.
pub fn for_transition(from: Status, to: Status) -> Option<EventType> {
    match (from, to) {
        (_, Status::Published) if from != Status::Published => Some(EventType::ArticlePublished),
        (_, Status::Scheduled) => Some(EventType::ArticleScheduled),
        (_, Status::Archived) if from != Status::Archived => Some(EventType::ArticleArchived),
        (Status::Published | Status::Scheduled | Status::Archived, Status::Draft | Status::InReview) => {
            Some(EventType::ArticleUnpublished)
        }
        _ => None,
    }
}

/// Announces `kind` for a section (`before`: its state before an update, whose slug
/// and lists are purged too).
pub fn section(
    conn: &mut DbConnection,
    kind: EventType,
    row: &SectionRow,
    before: Option<&SectionRow>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    if webhook_db::subscribers(conn, kind)?.is_empty() {
        return Ok(());
    }
    let mut purge = vec![format!("{PUBLIC}/sections")];
    for r in std::iter::once(row).chain(before) {
        for path in [format!("{PUBLIC}/sections/{}", r.slug), format!("{PUBLIC}/articles?section={}", encode(&r.slug))]
        {
            if !purge.contains(&path) {
                purge.push(path);
            }
        }
    }
    let data = json!({
        "section": {
            "id": row.id,
            "slug": row.slug,
            "old_slug": before.filter(|b| b.slug != row.slug).map(|b| b.slug.clone()),
            "name": row.name,
            "parent_id": row.parent_id,
            "version": row.version,
        }
    });
    emit(conn, kind, now, data, purge)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
