//! The metered paywall, decided on the server: settings (admins), the meter (one
//! count per reader, article and month, exact under concurrency), subscriber tokens
//! from the publisher's own system, and offers (admins and commercial users).

use std::net::IpAddr;

use chrono::{DateTime, DurationRound, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::{Error, events};
use crate::db::audit as audit_db;
use crate::db::paywall::{self as paywall_db, OfferRow, SettingsRow};
use crate::db::{self, DbConnection, Json, articles as article_db, rate_limits, sections as section_db};
use crate::domain::FieldError;
use crate::domain::article::Access;
use crate::domain::audit::{Actor, AuditAction, Changes, Target};
use crate::domain::id::{OfferId, SectionId};
pub use crate::domain::paywall::Offer;
use crate::domain::paywall::{self, Eligibility, OfferSpec, OfferStatus, PaywallSettings};
use crate::domain::version::IfMatch;
use crate::domain::webhook::EventType;
use crate::service::auth::CurrentUser;
use crate::service::public::{Body, PublicArticle, to_public};
use crate::state::AppState;

pub use paywall_db::load_settings;

pub async fn settings(state: &AppState) -> Result<PaywallSettings, Error> {
    state.db.run(|conn| Ok(load_settings(conn)?)).await
}

/// Replaces the settings; counted sections must exist (422).
pub async fn put_settings(
    state: &AppState,
    user: &CurrentUser,
    settings: PaywallSettings,
) -> Result<PaywallSettings, Error> {
    let now = db::to_db_time(state.clock.now());
    let actor = user.actor();
    state
        .db
        .run(move |conn| {
            let settings = settings.validate().map_err(Error::Invalid)?;
            db::write_tx(conn, |c| {
                let mut errors = Vec::new();
                for (i, id) in settings.counted_section_ids.iter().flatten().enumerate() {
                    if section_db::find(c, id)?.is_none() {
                        errors.push(FieldError::new(format!("counted_section_ids[{i}]"), "is not an existing section"));
                    }
                }
                if !errors.is_empty() {
                    return Err(Error::Invalid(errors));
                }
                let before = load_settings(c)?;
                if before.default_preview_blocks != settings.default_preview_blocks {
                    // Search must keep covering exactly what readers may read.
                    for row in article_db::following_site_preview(c)? {
                        let id = row.id.clone();
                        let content = row.into_content(Vec::new());
                        let text = article_db::search_text(&content, settings.default_preview_blocks);
                        article_db::index_text(c, &id, &text)?;
                    }
                }
                let version = paywall_db::settings(c)?.map(|r| r.version + 1).unwrap_or(1);
                paywall_db::save_settings(
                    c,
                    &SettingsRow {
                        id: 1,
                        quota: settings.quota,
                        period: settings.period,
                        counted_section_ids: settings.counted_section_ids.clone().map(Json),
                        default_preview_blocks: settings.default_preview_blocks,
                        messages: Json(settings.messages.clone()),
                        updated_at: now,
                        version,
                    },
                )?;
                let changes = Changes::between(&before, &settings, SETTINGS);
                if !changes.is_empty() {
                    let details = changes.into_details();
                    audit_db::record(c, &actor, AuditAction::PaywallUpdated, None, details, db::from_db_time(now))?;
                }
                events::paywall(c, db::from_db_time(now))?;
                Ok(load_settings(c)?)
            })
        })
        .await
}

/// What a valid reader token says.
#[derive(Debug, Clone, Deserialize)]
pub struct ReaderClaims {
    pub sub: String,
    pub exp: i64,
    #[serde(default)]
    pub nbf: Option<i64>,
    /// `null` or absent: none.
    #[serde(default)]
    pub entitlements: Option<Vec<String>>,
    /// `trial_expired` or `lapsed`, when the subscription system says so (for offers).
    #[serde(default)]
    pub status: Option<String>,
}

/// The claims of a reader token signed with the configured key; `None` for no, forged,
/// expired or wrong-key tokens (a reader is then simply anonymous).
pub fn reader_claims(secret: Option<&str>, token: Option<&str>, now: DateTime<Utc>) -> Option<ReaderClaims> {
    let (secret, token) = (secret?, token?);
    let mut validation = Validation::new(Algorithm::HS256);
    validation.algorithms = vec![Algorithm::HS256];
    validation.set_required_spec_claims(&["exp", "sub"]);
    // exp and nbf are checked below, against the service's clock and without leeway:
    // a subscription that ended a second ago has ended.
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.leeway = 0;
    validation.validate_aud = false;
    let claims = jsonwebtoken::decode::<ReaderClaims>(token, &DecodingKey::from_secret(secret.as_bytes()), &validation)
        .ok()?
        .claims;
    let now = now.timestamp();
    (claims.exp > now && claims.nbf.is_none_or(|nbf| nbf <= now)).then_some(claims)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Granted,
    Metered,
    Denied,
}

#[derive(Debug, Clone)]
pub struct AccessOutcome {
    pub decision: Decision,
    pub articles_left: i64,
    pub quota: i64,
    pub period_ends_at: DateTime<Utc>,
    pub message: Option<String>,
    /// The whole article, only when the reader may read it.
    pub article: Option<Box<PublicArticle>>,
    pub offer: Option<Offer>,
}

/// Whether reading this article counts against the quota (its section or an ancestor
/// is counted, or every section is).
fn counted(conn: &mut DbConnection, settings: &PaywallSettings, section_id: &SectionId) -> Result<bool, Error> {
    let Some(ids) = &settings.counted_section_ids else { return Ok(true) };
    let mut chain = vec![section_id.clone()];
    chain.extend(section_db::ancestors(conn, section_id)?);
    Ok(chain.iter().any(|s| ids.contains(s)))
}

/// Serialises one reader's meter updates (PostgreSQL; SQLite's writes are serial).
fn lock_reader(conn: &mut DbConnection, reader: &str) -> Result<(), Error> {
    use diesel::RunQueryDsl;
    if let DbConnection::Postgres(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(reader)
            .execute(c)?;
    }
    Ok(())
}

/// `POST /public/articles/{slug}/access`: may this reader read it, and what to show.
pub async fn access(
    state: &AppState,
    slug: String,
    reader: String,
    token: Option<String>,
    address: Option<IpAddr>,
) -> Result<AccessOutcome, Error> {
    let now = state.clock.now();
    let address_limit = state.settings.meter_reads_per_address_per_day;
    let address = address.map(crate::service::auth::address_bucket).unwrap_or_default();
    let claims =
        reader_claims(state.settings.reader_token_secret.as_ref().map(|s| s.0.as_str()), token.as_deref(), now);
    let entitlements = claims.as_ref().map(|c| c.entitlements.clone().unwrap_or_default());
    let situation = match claims.as_ref().map(|c| c.status.as_deref()) {
        None => Eligibility::Anonymous,
        Some(Some("trial_expired")) => Eligibility::TrialExpired,
        Some(_) => Eligibility::Lapsed,
    };
    state
        .db
        .run(move |conn| {
            let at = db::to_db_time(now);
            let row = article_db::find_live_by_slug(conn, &slug, at)?.ok_or_else(|| Error::not_found("Article"))?;
            let settings = load_settings(conn)?;
            let (start, end) = paywall::period_bounds(now);
            let period = db::to_db_time(start);
            let access = row.access;
            let entitled =
                |what: &str| entitlements.as_ref().is_some_and(|e| e.iter().any(|x| x == what || x == "all"));
            let quota = settings.quota;
            let left_now = |c: &mut DbConnection| -> Result<i64, Error> {
                Ok((quota - paywall_db::reads_in_period(c, &reader, period)?).max(0))
            };
            let (decision, left, message, offer_for) = match access {
                Access::Free => (Decision::Granted, left_now(conn)?, None, Some(situation)),
                Access::Premium if entitled("premium") => (Decision::Granted, left_now(conn)?, None, None),
                Access::Premium => {
                    let left = left_now(conn)?;
                    (
                        Decision::Denied,
                        left,
                        Some(paywall::render(&settings.messages.premium, left, quota)),
                        Some(situation),
                    )
                }
                Access::Metered if entitled("premium") || entitled("metered") => {
                    (Decision::Granted, left_now(conn)?, None, None)
                }
                Access::Metered if !counted(conn, &settings, &row.section_id)? => {
                    (Decision::Granted, left_now(conn)?, None, Some(situation))
                }
                Access::Metered => db::tally_tx(conn, |c| -> Result<_, Error> {
                    lock_reader(c, &reader)?;
                    let used = paywall_db::reads_in_period(c, &reader, period)?;
                    if paywall_db::has_read(c, &reader, period, &row.id)? {
                        let left = (quota - used).max(0);
                        // "Your last free article" belongs to the read that used it up.
                        let message = if left == 0 {
                            paywall::render(&settings.messages.limit_reached, 0, quota)
                        } else {
                            paywall::metered_message(&settings.messages, left, quota)
                        };
                        return Ok((Decision::Metered, left, Some(message), Some(situation)));
                    }
                    // A new read also counts against the reader's address, so that a new
                    // reader id on every request does not read for free without end.
                    let day = db::to_db_time(now.duration_trunc(chrono::Duration::days(1)).unwrap_or(now));
                    let spent = if used < quota { rate_limits::hit(c, "meter", &address, day)? } else { 0 };
                    if spent == 1 {
                        rate_limits::prune(c, "meter", day - chrono::Duration::days(2))?;
                    }
                    let address_spent = spent > address_limit;
                    if used < quota && !address_spent {
                        paywall_db::record_read(c, &reader, period, &row.id, at)?;
                        let left = quota - used - 1;
                        let message = paywall::metered_message(&settings.messages, left, quota);
                        return Ok((Decision::Metered, left, Some(message), Some(situation)));
                    }
                    let message = paywall::render(&settings.messages.limit_reached, 0, quota);
                    Ok((Decision::Denied, 0, Some(message), Some(Eligibility::MeteredOut)))
                })?,
            };
            let article = if decision == Decision::Denied {
                None
            } else {
                to_public(conn, vec![row], now, Body::Full)?.pop().map(Box::new)
            };
            let offer = match offer_for {
                Some(situation) => best_offer(conn, situation, now)?,
                None => None,
            };
            Ok(AccessOutcome { decision, articles_left: left, quota, period_ends_at: end, message, article, offer })
        })
        .await
}

/// An offer.
/// The cheapest live offer for a situation.
fn best_offer(conn: &mut DbConnection, situation: Eligibility, now: DateTime<Utc>) -> Result<Option<Offer>, Error> {
    Ok(live_offers(conn, Some(situation), now)?.into_iter().next())
}

fn live_offers(conn: &mut DbConnection, context: Option<Eligibility>, now: DateTime<Utc>) -> Result<Vec<Offer>, Error> {
    let offers = paywall_db::live_offers(conn, db::to_db_time(now))?.into_iter().map(Offer::from).collect::<Vec<_>>();
    Ok(offers.into_iter().filter(|o| context.is_none_or(|c| o.spec.eligibility.contains(&c))).collect())
}

/// Live offers, cheapest first, optionally for one situation.
pub async fn public_offers(state: &AppState, context: Option<Eligibility>) -> Result<Vec<Offer>, Error> {
    let now = state.clock.now();
    state.db.run(move |conn| live_offers(conn, context, now)).await
}

fn not_found() -> Error {
    Error::not_found("Offer")
}

/// Every paywall setting: each change to what readers get free is recorded.
const SETTINGS: &[&str] = &["quota", "period", "counted_section_ids", "default_preview_blocks", "messages"];

/// Every term of an offer: what is sold, at what price, to whom and when.
const OFFER_TERMS: &[&str] = &[
    "name",
    "display_text",
    "price_minor",
    "currency",
    "duration_months",
    "trial",
    "starts_at",
    "ends_at",
    "eligibility",
    "status",
];

fn audit_offer(
    conn: &mut DbConnection,
    actor: &Actor,
    action: AuditAction,
    id: &OfferId,
    details: serde_json::Value,
    now: chrono::NaiveDateTime,
) -> Result<(), Error> {
    let target = Some(Target::new("offer", id.to_string()));
    Ok(audit_db::record(conn, actor, action, target, details, db::from_db_time(now))?)
}

/// What a created or deleted offer held.
fn offer_terms(row: &OfferRow) -> serde_json::Value {
    serde_json::to_value(Offer::from(row.clone()).spec).unwrap_or_default()
}

pub async fn create_offer(state: &AppState, user: &CurrentUser, spec: OfferSpec) -> Result<Offer, Error> {
    let now = db::to_db_time(state.clock.now());
    let actor = user.actor();
    state
        .db
        .run(move |conn| {
            let spec = spec.validate().map_err(Error::Invalid)?;
            let mut row = OfferRow {
                id: OfferId::generate(),
                name: String::new(),
                display_text: String::new(),
                price_minor: 0,
                currency: String::new(),
                duration_months: 1,
                trial: false,
                starts_at: None,
                ends_at: None,
                eligibility: Json(Vec::new()),
                status: OfferStatus::Draft,
                created_at: now,
                updated_at: now,
                version: 1,
            };
            row.set_spec(&spec);
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, db::from_db_time(now))?;
                paywall_db::insert_offer(c, &row)?;
                audit_offer(c, &actor, AuditAction::OfferCreated, &row.id, offer_terms(&row), now)?;
                announce(c, None, Some(&row), now)
            })?;
            Ok(Offer::from(row))
        })
        .await
}

pub async fn get_offer(state: &AppState, id: OfferId) -> Result<Offer, Error> {
    state.db.run(move |conn| paywall_db::find_offer(conn, &id)?.map(Offer::from).ok_or_else(not_found)).await
}

pub async fn list_offers(
    state: &AppState,
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<Offer>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            let rows = paywall_db::offer_page(conn, after.as_deref(), limit + 1)?;
            let (rows, next) = crate::service::split_page(rows, limit, |r| r.id.to_string());
            Ok((rows.into_iter().map(Offer::from).collect(), next))
        })
        .await
}

/// A partial update; `Some(None)` clears a date.
#[derive(Debug, Clone, Default)]
pub struct OfferPatch {
    pub name: Option<String>,
    pub display_text: Option<String>,
    pub price_minor: Option<i64>,
    pub currency: Option<String>,
    pub duration_months: Option<i64>,
    pub trial: Option<bool>,
    pub starts_at: Option<Option<DateTime<Utc>>>,
    pub ends_at: Option<Option<DateTime<Utc>>>,
    pub eligibility: Option<Vec<Eligibility>>,
    pub status: Option<OfferStatus>,
}

pub async fn update_offer(
    state: &AppState,
    user: &CurrentUser,
    id: OfferId,
    if_match: IfMatch,
    patch: OfferPatch,
) -> Result<Offer, Error> {
    let now = db::to_db_time(state.clock.now());
    let actor = user.actor();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, db::from_db_time(now))?;
                let mut row = paywall_db::find_offer(c, &id)?.ok_or_else(not_found)?;
                if_match.check(row.version)?;
                let current = Offer::from(row.clone()).spec;
                let before = current.clone();
                let spec = OfferSpec {
                    name: patch.name.unwrap_or(current.name),
                    display_text: patch.display_text.unwrap_or(current.display_text),
                    price_minor: patch.price_minor.unwrap_or(current.price_minor),
                    currency: patch.currency.unwrap_or(current.currency),
                    duration_months: patch.duration_months.unwrap_or(current.duration_months),
                    trial: patch.trial.unwrap_or(current.trial),
                    starts_at: patch.starts_at.unwrap_or(current.starts_at),
                    ends_at: patch.ends_at.unwrap_or(current.ends_at),
                    eligibility: patch.eligibility.unwrap_or(current.eligibility),
                    status: patch.status.unwrap_or(current.status),
                }
                .validate()
                .map_err(Error::Invalid)?;
                let expected = row.version;
                let was = row.clone();
                row.set_spec(&spec);
                row.updated_at = now;
                row.version += 1;
                if !paywall_db::update_offer_if_version(c, &row, expected)? {
                    let current = paywall_db::find_offer(c, &id)?.ok_or_else(not_found)?;
                    return Err(Error::Stale { current: current.version });
                }
                let changes = Changes::between(&before, &spec, OFFER_TERMS);
                if !changes.is_empty() {
                    audit_offer(c, &actor, AuditAction::OfferUpdated, &id, changes.into_details(), now)?;
                }
                announce(c, Some(&was), Some(&row), now)?;
                Ok(Offer::from(row))
            })
        })
        .await
}

/// Announces what a change did to an offer's liveness (`None`: not there).
fn announce(
    conn: &mut DbConnection,
    before: Option<&OfferRow>,
    after: Option<&OfferRow>,
    now: chrono::NaiveDateTime,
) -> Result<(), Error> {
    let live = |r: &OfferRow| Offer::from(r.clone()).spec.is_live(db::from_db_time(now));
    let (was, is) = (before.is_some_and(live), after.is_some_and(live));
    let kind = events::for_liveness(was, is, EventType::OfferStarted, EventType::OfferEnded, None);
    match (kind, after.or(before)) {
        (Some(kind), Some(row)) => events::offer(conn, kind, row, db::from_db_time(now)),
        _ => Ok(()),
    }
}

pub async fn delete_offer(state: &AppState, user: &CurrentUser, id: OfferId, if_match: IfMatch) -> Result<(), Error> {
    let now = db::to_db_time(state.clock.now());
    let actor = user.actor();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                super::webhooks::fire_due(c, db::from_db_time(now))?;
                let row = paywall_db::find_offer(c, &id)?.ok_or_else(not_found)?;
                if_match.check(row.version)?;
                if !paywall_db::delete_offer_if_version(c, &id, row.version)? {
                    // Changed meanwhile: answer with the version that is there now.
                    let current = paywall_db::find_offer(c, &id)?.ok_or_else(not_found)?;
                    return Err(Error::Stale { current: current.version });
                }
                audit_offer(c, &actor, AuditAction::OfferDeleted, &id, offer_terms(&row), now)?;
                announce(c, Some(&row), None, now)?;
                Ok(())
            })
        })
        .await
}
