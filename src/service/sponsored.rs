//! Sponsored content: campaigns run by the commercial team, kept apart from the
//! newsroom, never shown to a reader without their label and disclosure.

use std::collections::HashMap;
use std::net::IpAddr;

use chrono::{DateTime, Duration, DurationRound, NaiveDateTime, Utc};

use super::{Error, events};
use crate::db::audit as audit_db;
use crate::db::sponsored::{self as sponsored_db, SponsoredRevisionRow, SponsoredRow};
use crate::db::types::EmbedKind;
use crate::db::{self, DbConnection, Json, articles as article_db, rate_limits, sections as section_db};
use crate::domain::FieldError;
use crate::domain::article::Block;
use crate::domain::audit::{Actor, AuditAction, Changes, Target};
use crate::domain::id::{ArticleId, SectionId, SponsoredId};
use crate::domain::sponsored::{self, Cta, Placement, SponsoredContent, SponsoredStatus};
use crate::domain::version::IfMatch;
use crate::domain::webhook::EventType;
use crate::service::auth::CurrentUser;
use crate::state::AppState;

pub use crate::domain::sponsored::Sponsored;

fn load_one(conn: &mut DbConnection, id: &SponsoredId) -> Result<Sponsored, Error> {
    let row = sponsored_db::find(conn, id)?.ok_or_else(|| Error::not_found("Sponsored block"))?;
    sponsored_db::load(conn, vec![row])?.pop().ok_or_else(|| Error::not_found("Sponsored block"))
}

/// 422 unless every targeted section and article, and every library image the body
/// uses, exists.
fn check_targets(conn: &mut DbConnection, c: &SponsoredContent) -> Result<(), Error> {
    let mut errors = Vec::new();
    for (i, block) in c.body.iter().enumerate() {
        if let Block::Image { asset_id: Some(id), .. } = block
            && !crate::db::media::lock(conn, id, false)?
        {
            errors.push(FieldError::new(format!("body[{i}].asset_id"), "is not an image in the media library"));
        }
    }
    for (i, id) in c.section_ids.iter().enumerate() {
        if section_db::find(conn, id)?.is_none() {
            errors.push(FieldError::new(format!("section_ids[{i}]"), "is not an existing section"));
        }
    }
    for (i, id) in c.article_ids.iter().enumerate() {
        if article_db::find(conn, id)?.is_none() {
            errors.push(FieldError::new(format!("article_ids[{i}]"), "is not an existing article"));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(Error::Invalid(errors)) }
}

fn save(conn: &mut DbConnection, row: &SponsoredRow, c: &SponsoredContent, by: &str, note: &str) -> Result<(), Error> {
    sponsored_db::set_targets(conn, &row.id, &c.section_ids, &c.article_ids)?;
    crate::db::media::set_sponsored_uses(conn, &row.id, &crate::domain::article::block_assets(&c.body))?;
    let number = sponsored_db::next_revision_number(conn, &row.id)?;
    sponsored_db::insert_revision(
        conn,
        &SponsoredRevisionRow {
            block_id: row.id.clone(),
            number,
            block_version: row.version,
            created_at: row.updated_at,
            created_by: by.to_string(),
            note: note.to_string(),
            snapshot: Json(c.clone()),
        },
    )?;
    Ok(())
}

/// The terms that separate a paid message from the newsroom's own, whose every change
/// the audit log keeps: who pays, how it is labelled and disclosed, and when it runs.
const TERMS: &[&str] = &["sponsor_name", "label", "disclosure", "starts_at", "ends_at", "status"];

fn audit(
    conn: &mut DbConnection,
    actor: &Actor,
    action: AuditAction,
    id: &SponsoredId,
    details: serde_json::Value,
    now: NaiveDateTime,
) -> Result<(), Error> {
    let target = Some(Target::new("sponsored", id.to_string()));
    Ok(audit_db::record(conn, actor, action, target, details, db::from_db_time(now))?)
}

/// What a created or deleted block held: its title and its terms.
fn terms(row: &SponsoredRow) -> serde_json::Value {
    let at = |t: Option<NaiveDateTime>| t.map(db::from_db_time);
    serde_json::json!({
        "title": row.title,
        "sponsor_name": row.sponsor_name,
        "label": row.label,
        "disclosure": row.disclosure,
        "starts_at": at(row.starts_at),
        "ends_at": at(row.ends_at),
        "status": row.status,
    })
}

pub async fn create(state: &AppState, user: &CurrentUser, content: SponsoredContent) -> Result<Sponsored, Error> {
    let now = db::to_db_time(state.clock.now());
    let by = user.id().to_string();
    let actor = user.actor();
    state
        .db
        .run(move |conn| {
            let content = content.validate().map_err(Error::Invalid)?;
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, db::from_db_time(now))?;
                check_targets(c, &content)?;
                let mut row = SponsoredRow {
                    id: SponsoredId::generate(),
                    title: String::new(),
                    sponsor_name: String::new(),
                    label: String::new(),
                    disclosure: String::new(),
                    body: Json(Vec::new()),
                    cta: None,
                    logo_url: None,
                    placement: Placement::ArticleInline,
                    starts_at: None,
                    ends_at: None,
                    status: SponsoredStatus::Draft,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                row.set_content(&content);
                sponsored_db::insert(c, &row)?;
                save(c, &row, &content, &by, "created")?;
                audit(c, &actor, AuditAction::SponsoredCreated, &row.id, terms(&row), now)?;
                announce(c, None, Some(&row), now)?;
                load_one(c, &row.id)
            })
        })
        .await
}

pub async fn get(state: &AppState, id: SponsoredId) -> Result<Sponsored, Error> {
    state.db.run(move |conn| load_one(conn, &id)).await
}

pub async fn list(
    state: &AppState,
    status: Option<SponsoredStatus>,
    placement: Option<Placement>,
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<Sponsored>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            let rows = sponsored_db::page(
                conn,
                status.map(|s| s.as_str()),
                placement.map(|p| p.as_str()),
                after.as_deref(),
                limit + 1,
            )?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| r.id.to_string());
            Ok((sponsored_db::load(conn, rows)?, next))
        })
        .await
}

/// A partial update; `Some(None)` clears a nullable field. Label and disclosure can
/// only be replaced, never cleared.
#[derive(Debug, Clone, Default)]
pub struct SponsoredPatch {
    pub title: Option<String>,
    pub sponsor_name: Option<String>,
    pub label: Option<String>,
    pub disclosure: Option<String>,
    pub body: Option<Vec<Block>>,
    pub cta: Option<Option<Cta>>,
    pub logo_url: Option<Option<String>>,
    pub placement: Option<Placement>,
    pub section_ids: Option<Vec<SectionId>>,
    pub article_ids: Option<Vec<ArticleId>>,
    pub starts_at: Option<Option<DateTime<Utc>>>,
    pub ends_at: Option<Option<DateTime<Utc>>>,
    pub status: Option<SponsoredStatus>,
}

impl SponsoredPatch {
    fn apply(self, c: SponsoredContent) -> SponsoredContent {
        SponsoredContent {
            title: self.title.unwrap_or(c.title),
            sponsor_name: self.sponsor_name.unwrap_or(c.sponsor_name),
            label: self.label.unwrap_or(c.label),
            disclosure: self.disclosure.unwrap_or(c.disclosure),
            body: self.body.unwrap_or(c.body),
            cta: self.cta.unwrap_or(c.cta),
            logo_url: self.logo_url.unwrap_or(c.logo_url),
            placement: self.placement.unwrap_or(c.placement),
            section_ids: self.section_ids.unwrap_or(c.section_ids),
            article_ids: self.article_ids.unwrap_or(c.article_ids),
            starts_at: self.starts_at.unwrap_or(c.starts_at),
            ends_at: self.ends_at.unwrap_or(c.ends_at),
            status: self.status.unwrap_or(c.status),
        }
    }
}

fn stale(conn: &mut DbConnection, id: &SponsoredId) -> Result<Error, Error> {
    let current = sponsored_db::find(conn, id)?.ok_or_else(|| Error::not_found("Sponsored block"))?;
    Ok(Error::Stale { current: current.version })
}

pub async fn update(
    state: &AppState,
    user: &CurrentUser,
    id: SponsoredId,
    if_match: IfMatch,
    patch: SponsoredPatch,
) -> Result<Sponsored, Error> {
    let now = db::to_db_time(state.clock.now());
    let by = user.id().to_string();
    let actor = user.actor();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, db::from_db_time(now))?;
                let current = load_one(c, &id)?;
                if_match.check(current.version)?;
                let before = current.content.clone();
                let content = patch.apply(current.content).validate().map_err(Error::Invalid)?;
                // Targets already there stay valid even if their section or article went.
                let added = SponsoredContent {
                    section_ids: content
                        .section_ids
                        .iter()
                        .filter(|s| !before.section_ids.contains(s))
                        .cloned()
                        .collect(),
                    article_ids: content
                        .article_ids
                        .iter()
                        .filter(|a| !before.article_ids.contains(a))
                        .cloned()
                        .collect(),
                    ..content.clone()
                };
                check_targets(c, &added)?;
                let mut row = sponsored_db::find(c, &id)?.ok_or_else(|| Error::not_found("Sponsored block"))?;
                // The version If-Match was checked against, not a later read: under
                // PostgreSQL's read committed a second read may see another writer's commit.
                let expected = current.version;
                let was = row.clone();
                row.set_content(&content);
                row.updated_at = now;
                row.version += 1;
                if !sponsored_db::update_if_version(c, &row, expected)? {
                    return Err(stale(c, &id)?);
                }
                save(c, &row, &content, &by, "edited")?;
                // Copy and targeting are the campaign's own business; the terms are not.
                let mut changes = Changes::between(&before, &content, TERMS);
                if !changes.is_empty() {
                    changes.note("title", &content.title);
                    audit(c, &actor, AuditAction::SponsoredUpdated, &id, changes.into_details(), now)?;
                }
                announce(c, Some(&was), Some(&row), now)?;
                load_one(c, &id)
            })
        })
        .await
}

/// Whether a block is shown to readers at `now`.
fn live(row: &SponsoredRow, now: NaiveDateTime) -> bool {
    let at = |t: Option<NaiveDateTime>| t.map(db::from_db_time);
    sponsored::is_live(row.status, at(row.starts_at), at(row.ends_at), db::from_db_time(now))
}

/// Announces what a change did to a block's liveness (`None`: not there).
fn announce(
    conn: &mut DbConnection,
    before: Option<&SponsoredRow>,
    after: Option<&SponsoredRow>,
    now: NaiveDateTime,
) -> Result<(), Error> {
    let (was, is) = (before.is_some_and(|r| live(r, now)), after.is_some_and(|r| live(r, now)));
    let kind = events::for_liveness(
        was,
        is,
        EventType::SponsoredLive,
        EventType::SponsoredEnded,
        Some(EventType::SponsoredChanged),
    );
    match (kind, after.or(before)) {
        (Some(kind), Some(row)) => events::sponsored(conn, kind, row, db::from_db_time(now)),
        _ => Ok(()),
    }
}

/// Deletes a block no article embeds (409 otherwise: take it out of the articles first).
pub async fn delete(state: &AppState, user: &CurrentUser, id: SponsoredId, if_match: IfMatch) -> Result<(), Error> {
    let now = db::to_db_time(state.clock.now());
    let actor = user.actor();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, db::from_db_time(now))?;
                // Exclusive: an article save embedding the block waits, or is waited for.
                if !sponsored_db::lock(c, &id, true)? {
                    return Err(Error::not_found("Sponsored block"));
                }
                let row = sponsored_db::find(c, &id)?.ok_or_else(|| Error::not_found("Sponsored block"))?;
                if_match.check(row.version)?;
                if article_db::embedded_in(c, EmbedKind::Sponsored, id.as_str())? {
                    return Err(Error::conflict(
                        "sponsored_in_use",
                        "Articles embed this block: remove it from them first (or pause it).",
                    ));
                }
                if !sponsored_db::delete_if_version(c, &id, row.version)? {
                    return Err(stale(c, &id)?);
                }
                audit(c, &actor, AuditAction::SponsoredDeleted, &id, terms(&row), now)?;
                announce(c, Some(&row), None, now)?;
                Ok(())
            })
        })
        .await
}

/// A stored revision.
#[derive(Debug, Clone)]
pub struct SponsoredRevision {
    pub number: i64,
    pub block_version: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    pub note: String,
    pub content: SponsoredContent,
}

pub async fn revisions(state: &AppState, id: SponsoredId) -> Result<Vec<SponsoredRevision>, Error> {
    state
        .db
        .run(move |conn| {
            load_one(conn, &id)?;
            Ok(sponsored_db::revisions(conn, &id)?
                .into_iter()
                .map(|r| SponsoredRevision {
                    number: r.number,
                    block_version: r.block_version,
                    created_at: db::from_db_time(r.created_at),
                    created_by: r.created_by,
                    note: r.note,
                    content: r.snapshot.0,
                })
                .collect())
        })
        .await
}

/// Daily counts, oldest first: (day, impressions, clicks).
pub async fn stats(state: &AppState, id: SponsoredId) -> Result<Vec<(String, i64, i64)>, Error> {
    state
        .db
        .run(move |conn| {
            load_one(conn, &id)?;
            Ok(sponsored_db::stats(conn, &id)?)
        })
        .await
}

/// Where a reader is: which article and/or section page, which slot.
#[derive(Debug, Clone, Default)]
pub struct PublicContext {
    pub article: Option<String>,
    pub section: Option<String>,
    pub placement: Option<Placement>,
}

fn matches(block: &Sponsored, sections: &[SectionId], article: Option<&ArticleId>) -> bool {
    let c = &block.content;
    (c.section_ids.is_empty() && c.article_ids.is_empty())
        || c.section_ids.iter().any(|s| sections.contains(s))
        || article.is_some_and(|a| c.article_ids.contains(a))
}

/// The blocks live now for this context. Untargeted blocks run everywhere; a block
/// targeting a section runs on it, its sub-sections and their articles; one targeting
/// an article runs on that article. An unknown or unpublished article or section has
/// only the untargeted blocks.
pub async fn live_for(state: &AppState, ctx: PublicContext) -> Result<Vec<Sponsored>, Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            let at = db::to_db_time(now);
            let mut sections = Vec::new();
            let mut article_id = None;
            if let Some(slug) = &ctx.article {
                if let Some(row) = article_db::find_live_by_slug(conn, slug, at)? {
                    sections.push(row.section_id.clone());
                    sections.extend(section_db::ancestors(conn, &row.section_id)?);
                    article_id = Some(row.id);
                }
            }
            if let Some(slug) = &ctx.section {
                if let Some(section) = section_db::find_by_slug(conn, slug)? {
                    sections.extend(section_db::ancestors(conn, &section.id)?);
                    sections.push(section.id);
                }
            }
            let rows = sponsored_db::live(conn, ctx.placement, at)?;
            let blocks = sponsored_db::load(conn, rows)?;
            Ok(blocks.into_iter().filter(|b| matches(b, &sections, article_id.as_ref())).collect())
        })
        .await
}

/// Embedded sponsored blocks as readers see them at an instant.
pub struct Embedded {
    /// The live ones, by id.
    pub live: HashMap<SponsoredId, Sponsored>,
    /// The next instant when one of them starts or ends its flight: what an answer that
    /// embeds them shows changes then, with no write.
    pub next_change: Option<DateTime<Utc>>,
}

/// The blocks among `ids` (for resolving article embeds) at `now`.
pub fn embedded(conn: &mut DbConnection, ids: &[SponsoredId], now: DateTime<Utc>) -> Result<Embedded, Error> {
    if ids.is_empty() {
        return Ok(Embedded { live: HashMap::new(), next_change: None });
    }
    let rows = sponsored_db::find_many(conn, ids)?;
    let next_change = rows
        .iter()
        .filter(|r| r.status == SponsoredStatus::Active)
        .flat_map(|r| [r.starts_at, r.ends_at])
        .flatten()
        .map(db::from_db_time)
        .filter(|at| *at > now)
        .min();
    let live: Vec<SponsoredRow> = rows
        .into_iter()
        .filter(|r| {
            sponsored::is_live(r.status, r.starts_at.map(db::from_db_time), r.ends_at.map(db::from_db_time), now)
        })
        .collect();
    let live = sponsored_db::load(conn, live)?.into_iter().map(|b| (b.id.clone(), b)).collect();
    Ok(Embedded { live, next_change })
}

/// Counts an impression or a click of a live block (404 for any other), at most
/// `limit` per client address and block per minute (429 beyond, with Retry-After).
pub async fn track(state: &AppState, id: SponsoredId, click: bool, address: Option<IpAddr>) -> Result<(), Error> {
    let now = state.clock.now();
    let limit = state.settings.tracking_limit_per_minute;
    state
        .db
        .run(move |conn| {
            let live = sponsored_db::find(conn, &id)?.is_some_and(|r| {
                sponsored::is_live(r.status, r.starts_at.map(db::from_db_time), r.ends_at.map(db::from_db_time), now)
            });
            if !live {
                return Err(Error::not_found("Sponsored block"));
            }
            let window = now.duration_trunc(Duration::minutes(1)).unwrap_or(now);
            let kind = if click { "click" } else { "impression" };
            let subject =
                format!("{kind}:{}:{id}", address.map(crate::service::auth::address_bucket).unwrap_or_default());
            db::tally_tx(conn, |c| {
                let hits = rate_limits::hit(c, "sponsored", &subject, db::to_db_time(window))?;
                if hits > limit {
                    let retry = (window + Duration::minutes(1) - now).num_seconds().max(1);
                    return Err(Error::RateLimited {
                        detail: "Too many events from this address; try again shortly.".into(),
                        retry_after_secs: u64::try_from(retry).unwrap_or(1),
                    });
                }
                sponsored_db::count(c, &id, &now.format("%Y-%m-%d").to_string(), click)?;
                if hits == 1 {
                    rate_limits::prune(c, "sponsored", db::to_db_time(window - Duration::minutes(10)))?;
                }
                Ok(())
            })
        })
        .await
}
