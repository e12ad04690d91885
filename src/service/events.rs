//! Events for webhooks, written to the outbox inside the transaction of the change
//! they announce: committed with it, or rolled back with it. Each names the resource
//! (ids and slugs) and the public paths a cache in front of Masthead should purge.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use super::Error;
use crate::db::articles::ArticleRow;
use crate::db::authors::AuthorRow;
use crate::db::corrections::CorrectionRow;
use crate::db::media::AssetRow;
use crate::db::paywall::OfferRow;
use crate::db::polls::PollRow;
use crate::db::sections::SectionRow;
use crate::db::sponsored::SponsoredRow;
use crate::db::tags::TagRow;
use crate::db::types::EmbedKind;
use crate::db::webhooks::{self as webhook_db, DeliveryRow, EventRow};
use crate::db::{self, DbConnection, articles as article_db, sections as section_db};
use crate::domain::article::Status;
use crate::domain::id::{DeliveryId, EventId, WebhookId};
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

/// Writes `kind` to the outbox with one delivery to each of `endpoints`, due at once;
/// returns the deliveries' ids.
pub fn write(
    conn: &mut DbConnection,
    kind: EventType,
    at: DateTime<Utc>,
    data: Value,
    purge_paths: Vec<String>,
    endpoints: Vec<WebhookId>,
) -> Result<Vec<DeliveryId>, Error> {
    let event = EventRow {
        id: EventId::from(format!("msg_{}", uuid::Uuid::now_v7().simple())),
        event_type: kind,
        occurred_at: db::to_db_time(at),
        payload: payload(kind, at, data, purge_paths),
    };
    webhook_db::insert_event(conn, &event)?;
    let mut ids = Vec::with_capacity(endpoints.len());
    for endpoint in endpoints {
        let delivery = DeliveryRow::due(endpoint, event.id.clone(), event.occurred_at);
        webhook_db::insert_delivery(conn, &delivery)?;
        ids.push(delivery.id);
    }
    Ok(ids)
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

/// The public answers an article appears in: its own (under its id and every slug it
/// answers to), the article lists of its sections (and their ancestors), tags and authors.
fn article_paths(conn: &mut DbConnection, row: &ArticleRow, old_slugs: &[String]) -> Result<Vec<String>, Error> {
    let mut paths = vec![format!("{PUBLIC}/articles/{}", row.slug), format!("{PUBLIC}/articles/{}", row.id)];
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
    // Any feed may list it, and the sitemaps carry its address and lastmod.
    paths.extend([
        format!("{PUBLIC}/feeds/*"),
        format!("{PUBLIC}/sitemaps"),
        format!("{PUBLIC}/sitemaps/*"),
        format!("{PUBLIC}/news-sitemap"),
    ]);
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
    let to = webhook_db::subscribers(conn, kind)?;
    if to.is_empty() {
        // Nobody listens: no payload is built.
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
            "sponsored": row.sponsorship.is_some(),
            "publish_at": row.publish_at.map(|t| rfc3339(db::from_db_time(t))),
            "trashed": row.trashed_at.is_some(),
            "version": row.version,
        }
    });
    write(conn, kind, now, data, purge, to).map(|_| ())
}

/// Announces `kind` for a correction of the article `row`: the article's pages and
/// the site-wide log.
pub fn correction(
    conn: &mut DbConnection,
    kind: EventType,
    row: &ArticleRow,
    correction: &CorrectionRow,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let to = webhook_db::subscribers(conn, kind)?;
    if to.is_empty() {
        return Ok(());
    }
    let mut purge = vec![format!("{PUBLIC}/corrections")];
    purge.extend(article_pages(vec![row.slug.clone(), row.id.to_string()]));
    purge.extend(article_pages(article_db::old_slugs(conn, &row.id)?));
    let data = json!({
        "correction": {
            "id": correction.id,
            "kind": correction.kind,
            "corrected_at": rfc3339(db::from_db_time(correction.corrected_at)),
            "version": correction.version,
        },
        "article": {"id": row.id, "slug": row.slug, "status": row.effective_status(now)},
    });
    write(conn, kind, now, data, purge, to).map(|_| ())
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
    let to = webhook_db::subscribers(conn, kind)?;
    if to.is_empty() {
        // Nobody listens: no payload is built.
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
    write(conn, kind, now, data, purge, to).map(|_| ())
}

fn time(t: Option<chrono::NaiveDateTime>) -> Option<String> {
    t.map(|t| rfc3339(db::from_db_time(t)))
}

/// The public answers of articles, by slug.
fn article_pages(slugs: Vec<String>) -> impl Iterator<Item = String> {
    slugs.into_iter().map(|s| format!("{PUBLIC}/articles/{s}"))
}

/// Announces `kind` for a sponsored block (as it is now, or as it was when deleted):
/// the public sponsored answers, and the articles that embed it.
pub fn sponsored(
    conn: &mut DbConnection,
    kind: EventType,
    row: &SponsoredRow,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let to = webhook_db::subscribers(conn, kind)?;
    if to.is_empty() {
        // Nobody listens: no payload is built.
        return Ok(());
    }
    let mut purge = vec![format!("{PUBLIC}/sponsored")];
    purge.extend(article_pages(article_db::slugs_embedding(conn, EmbedKind::Sponsored, row.id.as_str())?));
    let data = json!({
        "sponsored": {
            "id": row.id,
            "title": row.title,
            "sponsor_name": row.sponsor_name,
            "placement": row.placement,
            "status": row.status,
            "starts_at": time(row.starts_at),
            "ends_at": time(row.ends_at),
            "version": row.version,
        }
    });
    write(conn, kind, now, data, purge, to).map(|_| ())
}

/// The event a change of a sponsored block announces: going live, ending, or a change
/// while live. Nothing while it is not live before or after.
pub fn for_liveness(
    was_live: bool,
    is_live: bool,
    live: EventType,
    ended: EventType,
    changed: Option<EventType>,
) -> Option<EventType> {
    match (was_live, is_live) {
        (false, true) => Some(live),
        (true, false) => Some(ended),
        (true, true) => changed,
        (false, false) => None,
    }
}

/// Announces `kind` for a poll: its public answer and the articles that embed it.
pub fn poll(conn: &mut DbConnection, kind: EventType, row: &PollRow, now: DateTime<Utc>) -> Result<(), Error> {
    let to = webhook_db::subscribers(conn, kind)?;
    if to.is_empty() {
        // Nobody listens: no payload is built.
        return Ok(());
    }
    let mut purge = vec![format!("{PUBLIC}/polls/{}", row.id)];
    purge.extend(article_pages(article_db::slugs_embedding(conn, EmbedKind::Poll, row.id.as_str())?));
    let data = json!({
        "poll": {
            "id": row.id,
            "title": row.title,
            "opens_at": time(row.opens_at),
            "closes_at": time(row.closes_at),
            "version": row.version,
        }
    });
    write(conn, kind, now, data, purge, to).map(|_| ())
}

/// Announces `kind` for a subscription offer: the public offers list.
pub fn offer(conn: &mut DbConnection, kind: EventType, row: &OfferRow, now: DateTime<Utc>) -> Result<(), Error> {
    let to = webhook_db::subscribers(conn, kind)?;
    if to.is_empty() {
        // Nobody listens: no payload is built.
        return Ok(());
    }
    let data = json!({
        "offer": {
            "id": row.id,
            "name": row.name,
            "status": row.status,
            "starts_at": time(row.starts_at),
            "ends_at": time(row.ends_at),
            "version": row.version,
        }
    });
    write(conn, kind, now, data, vec![format!("{PUBLIC}/offers")], to).map(|_| ())
}

/// Announces a change of the paywall's settings: every gated article's public answer
/// (its preview length, its messages) may differ, so the whole article tree is named.
pub fn paywall(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<(), Error> {
    let purge = vec![format!("{PUBLIC}/articles"), format!("{PUBLIC}/articles/*")];
    let to = webhook_db::subscribers(conn, EventType::PaywallUpdated)?;
    if to.is_empty() {
        return Ok(());
    }
    write(conn, EventType::PaywallUpdated, now, json!({"paywall": {}}), purge, to).map(|_| ())
}

/// Announces `kind` for an author (as they are now, or were when deleted): their page,
/// their article lists and, when their name changed, every article naming them.
pub fn author(
    conn: &mut DbConnection,
    kind: EventType,
    row: &AuthorRow,
    before: Option<&AuthorRow>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let to = webhook_db::subscribers(conn, kind)?;
    if to.is_empty() {
        // Nobody listens: no payload is built.
        return Ok(());
    }
    let mut purge = Vec::new();
    for r in std::iter::once(row).chain(before) {
        for path in [
            format!("{PUBLIC}/authors/{}", r.slug),
            format!("{PUBLIC}/authors/{}", r.id),
            format!("{PUBLIC}/articles?author={}", encode(r.id.as_str())),
        ] {
            if !purge.contains(&path) {
                purge.push(path);
            }
        }
    }
    if before.is_some_and(|b| b.name != row.name) {
        // Bylines carry the name: every article and list naming them.
        purge = vec![format!("{PUBLIC}/*")];
    }
    let data = json!({
        "author": {
            "id": row.id,
            "slug": row.slug,
            "old_slug": before.filter(|b| b.slug != row.slug).map(|b| b.slug.clone()),
            "name": row.name,
            "user_id": row.user_id,
            "version": row.version,
        }
    });
    write(conn, kind, now, data, purge, to).map(|_| ())
}

/// Announces `kind` for a tag (as it is now, or as it was when deleted), with the tag
/// it was before a change (`before`) or the tag merged into it (`merged`). When
/// articles changed with it, every public answer may name it.
pub fn tag(
    conn: &mut DbConnection,
    kind: EventType,
    row: &TagRow,
    before: Option<&TagRow>,
    merged: Option<&TagRow>,
    articles_changed: bool,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let to = webhook_db::subscribers(conn, kind)?;
    if to.is_empty() {
        // Nobody listens: no payload is built.
        return Ok(());
    }
    let purge = if articles_changed {
        vec![format!("{PUBLIC}/*")]
    } else {
        let mut purge = Vec::new();
        for r in std::iter::once(row).chain(before).chain(merged) {
            let page = format!("{PUBLIC}/tags/{}", r.slug);
            if !purge.contains(&page) {
                purge.push(page);
            }
        }
        purge
    };
    let data = json!({
        "tag": {
            "id": row.id,
            "slug": row.slug,
            "name": row.name,
            "old_slug": before.filter(|b| b.slug != row.slug).map(|b| b.slug.clone()),
            "old_name": before.filter(|b| b.name != row.name).map(|b| b.name.clone()),
            "version": row.version,
        },
        "merged": merged.map(|m| json!({"id": m.id, "slug": m.slug, "name": m.name})),
    });
    write(conn, kind, now, data, purge, to).map(|_| ())
}

/// Announces that the site settings changed: everything public may name them.
pub fn site(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<(), Error> {
    let to = webhook_db::subscribers(conn, EventType::SiteUpdated)?;
    if to.is_empty() {
        return Ok(());
    }
    write(conn, EventType::SiteUpdated, now, json!({"site": {}}), vec![format!("{PUBLIC}/*")], to).map(|_| ())
}

/// Announces `kind` for a media asset: its renditions (under one path) and the
/// articles that show it.
pub fn media(conn: &mut DbConnection, kind: EventType, asset: &AssetRow, now: DateTime<Utc>) -> Result<(), Error> {
    let to = webhook_db::subscribers(conn, kind)?;
    if to.is_empty() {
        // Nobody listens: no payload is built.
        return Ok(());
    }
    let mut purge = vec![format!("{PUBLIC}/media/{}/*", asset.id)];
    purge.extend(article_pages(crate::db::media::article_slugs_using(conn, &asset.id)?));
    let data = json!({
        "media": {
            "id": asset.id,
            "file_name": asset.file_name,
            "sha256": asset.sha256,
            "version": asset.version,
        }
    });
    write(conn, kind, now, data, purge, to).map(|_| ())
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}
