//! Webhooks: endpoints (admins register them; the signing secret is shown once), the
//! delivery log and redelivery, test events, and what the delivery worker and the
//! event timer do with the database (claim, record, fire scheduled changes).

use chrono::{DateTime, Duration, Utc};

use super::{Error, events};
use crate::db::webhooks::{self as webhook_db, Attempt, Boundary, Claimed, DeliveryRow, EndpointRow, LoggedDelivery};
use crate::db::{self, DbConnection, Json, articles as article_db};
use crate::domain::id::{DeliveryId, EventId, WebhookId};
use crate::domain::version::IfMatch;
use crate::domain::webhook::{self, DeliveryState, EndpointFields, EventType, MAX_ENDPOINTS};
use crate::state::AppState;

/// An endpoint as admins see it (never with its secret).
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: WebhookId,
    pub url: String,
    pub description: Option<String>,
    pub events: Vec<EventType>,
    pub enabled: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<EndpointRow> for Endpoint {
    fn from(r: EndpointRow) -> Endpoint {
        Endpoint {
            id: r.id,
            url: r.url,
            description: r.description,
            events: r.events.0,
            enabled: r.enabled,
            created_at: db::from_db_time(r.created_at),
            updated_at: db::from_db_time(r.updated_at),
            version: r.version,
        }
    }
}

/// One event's delivery to one endpoint, as the log shows it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: DeliveryId,
    pub event_id: EventId,
    pub event_type: EventType,
    pub state: DeliveryState,
    pub attempts: i64,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i64>,
    pub last_duration_ms: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<LoggedDelivery> for Delivery {
    fn from((r, event_type): LoggedDelivery) -> Delivery {
        Delivery {
            id: r.id,
            event_id: r.event_id,
            event_type,
            state: r.state,
            attempts: r.attempts,
            next_attempt_at: (r.state == DeliveryState::Pending).then(|| db::from_db_time(r.next_attempt_at)),
            last_attempt_at: r.last_attempt_at.map(db::from_db_time),
            last_status: r.last_status,
            last_duration_ms: r.last_duration_ms,
            last_error: r.last_error,
            created_at: db::from_db_time(r.created_at),
        }
    }
}

fn not_found() -> Error {
    Error::not_found("Webhook")
}

fn stale(conn: &mut DbConnection, id: &WebhookId) -> Result<Error, Error> {
    let current = webhook_db::find_endpoint(conn, id)?.ok_or_else(not_found)?;
    Ok(Error::Stale { current: current.version })
}

/// Registers an endpoint; returns it with its signing secret (shown this once).
pub async fn create(state: &AppState, fields: EndpointFields) -> Result<(Endpoint, String), Error> {
    let fields = fields.validate(state.settings.webhooks.allow_private).map_err(Error::Invalid)?;
    let secret = crate::auth::signing::new_secret().map_err(Error::internal)?;
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                db::lock(c, "webhooks")?;
                if webhook_db::count_endpoints(c)? >= MAX_ENDPOINTS {
                    return Err(Error::conflict(
                        "too_many_webhooks",
                        format!("At most {MAX_ENDPOINTS} webhook endpoints: delete one first."),
                    ));
                }
                let row = EndpointRow {
                    id: WebhookId::generate(),
                    url: fields.url,
                    description: fields.description,
                    events: Json(fields.events),
                    secret: secret.clone(),
                    enabled: fields.enabled,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                };
                webhook_db::insert_endpoint(c, &row)?;
                Ok((row.into(), secret))
            })
        })
        .await
}

pub async fn get(state: &AppState, id: WebhookId) -> Result<Endpoint, Error> {
    state.db.run(move |conn| Ok(webhook_db::find_endpoint(conn, &id)?.ok_or_else(not_found)?.into())).await
}

/// A page of endpoints (oldest first) and the id to continue after.
pub async fn list(
    state: &AppState,
    after: Option<String>,
    limit: i64,
) -> Result<(Vec<Endpoint>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            let rows = webhook_db::endpoints_page(conn, after.as_deref(), limit + 1)?;
            let (rows, next) = super::split_page(rows, limit, |r| r.id.to_string());
            Ok((rows.into_iter().map(Endpoint::from).collect(), next))
        })
        .await
}

/// A partial update; `description` may be set to `null`.
#[derive(Debug, Default, Clone)]
pub struct EndpointPatch {
    pub url: Option<String>,
    pub description: Option<Option<String>>,
    pub events: Option<Vec<EventType>>,
    pub enabled: Option<bool>,
}

pub async fn update(
    state: &AppState,
    id: WebhookId,
    if_match: IfMatch,
    patch: EndpointPatch,
) -> Result<Endpoint, Error> {
    let now = db::to_db_time(state.clock.now());
    let allow_private = state.settings.webhooks.allow_private;
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let mut row = webhook_db::find_endpoint(c, &id)?.ok_or_else(not_found)?;
                if_match.check(row.version)?;
                let fields = EndpointFields {
                    url: patch.url.unwrap_or_else(|| row.url.clone()),
                    description: patch.description.unwrap_or_else(|| row.description.clone()),
                    events: patch.events.unwrap_or_else(|| row.events.0.clone()),
                    enabled: patch.enabled.unwrap_or(row.enabled),
                }
                .validate(allow_private)
                .map_err(Error::Invalid)?;
                let expected = row.version;
                row.url = fields.url;
                row.description = fields.description;
                row.events = Json(fields.events);
                row.enabled = fields.enabled;
                row.updated_at = now;
                row.version += 1;
                if !webhook_db::update_endpoint_if_version(c, &row, expected)? {
                    return Err(stale(c, &row.id)?);
                }
                Ok(row.into())
            })
        })
        .await
}

/// Deletes an endpoint and its delivery log; pending deliveries to it are dropped.
pub async fn delete(state: &AppState, id: WebhookId, if_match: IfMatch) -> Result<(), Error> {
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let row = webhook_db::find_endpoint(c, &id)?.ok_or_else(not_found)?;
                if_match.check(row.version)?;
                if !webhook_db::delete_endpoint_if_version(c, &id, row.version)? {
                    return Err(stale(c, &id)?);
                }
                Ok(())
            })
        })
        .await
}

fn logged(conn: &mut DbConnection, endpoint: &WebhookId, id: &DeliveryId) -> Result<Delivery, Error> {
    Ok(webhook_db::find_delivery(conn, endpoint, id)?.ok_or_else(|| Error::not_found("Delivery"))?.into())
}

/// Sends a `webhook.test` event to this endpoint only (enabled or not).
pub async fn send_test(state: &AppState, id: WebhookId) -> Result<Delivery, Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                let row = webhook_db::find_endpoint(c, &id)?.ok_or_else(not_found)?;
                let data = serde_json::json!({"webhook": {"id": row.id, "url": row.url}});
                let written = events::write(c, EventType::WebhookTest, now, data, Vec::new(), vec![row.id.clone()])?;
                let delivery = written.first().ok_or_else(|| Error::internal("the test delivery was not written"))?;
                logged(c, &row.id, delivery)
            })
        })
        .await
}

/// A page of an endpoint's deliveries, newest first, and the id to continue before.
pub async fn deliveries(
    state: &AppState,
    endpoint: WebhookId,
    before: Option<String>,
    only: Option<DeliveryState>,
    limit: i64,
) -> Result<(Vec<Delivery>, Option<String>), Error> {
    state
        .db
        .run(move |conn| {
            webhook_db::find_endpoint(conn, &endpoint)?.ok_or_else(not_found)?;
            let rows = webhook_db::deliveries_page(conn, &endpoint, before.as_deref(), only, limit + 1)?;
            let (rows, next) = super::split_page(rows, limit, |(r, _)| r.id.to_string());
            Ok((rows.into_iter().map(Delivery::from).collect(), next))
        })
        .await
}

pub async fn delivery(state: &AppState, endpoint: WebhookId, id: DeliveryId) -> Result<Delivery, Error> {
    state
        .db
        .run(move |conn| {
            webhook_db::find_endpoint(conn, &endpoint)?.ok_or_else(not_found)?;
            logged(conn, &endpoint, &id)
        })
        .await
}

/// Sends an event again: a new delivery of the same event (same `webhook-id`, so a
/// receiver that has it already can tell), due now. A delivery still pending is a 409.
pub async fn redeliver(state: &AppState, endpoint: WebhookId, id: DeliveryId) -> Result<Delivery, Error> {
    let now = db::to_db_time(state.clock.now());
    state
        .db
        .run(move |conn| {
            db::write_tx(conn, |c| {
                webhook_db::find_endpoint(c, &endpoint)?.ok_or_else(not_found)?;
                let (old, _) =
                    webhook_db::find_delivery(c, &endpoint, &id)?.ok_or_else(|| Error::not_found("Delivery"))?;
                if old.state == DeliveryState::Pending {
                    return Err(Error::conflict(
                        "delivery_pending",
                        "This delivery is still being attempted; redeliver it once it has succeeded or failed.",
                    ));
                }
                let row = DeliveryRow::due(endpoint.clone(), old.event_id, now);
                webhook_db::insert_delivery(c, &row)?;
                logged(c, &endpoint, &row.id)
            })
        })
        .await
}

// What the delivery worker and the event timer do (src/delivery.rs runs them).

/// Deliveries due now, leased to this instance long enough for one attempt.
pub async fn claim(state: &AppState, limit: i64) -> Result<Vec<Claimed>, Error> {
    let now = state.clock.now();
    let timeout = Duration::from_std(state.settings.webhooks.timeout).unwrap_or(Duration::seconds(10));
    let lease = db::to_db_time(now + timeout * 2 + Duration::seconds(5));
    let now = db::to_db_time(now);
    state
        .db
        .run(move |conn| db::tally_tx(conn, |c| webhook_db::claim_due(c, now, lease, limit)).map_err(Error::from))
        .await
}

/// How an attempt went, as the worker saw it.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub at: DateTime<Utc>,
    /// The answer's status, if one came.
    pub status: Option<u16>,
    pub duration_ms: i64,
    /// Why it failed, when no 2xx came (a status of its own, a timeout, a refusal).
    pub error: Option<String>,
    /// Where the next attempt's delay falls in its jitter range (0..1).
    pub jitter: f64,
}

/// Records an attempt: delivered on a 2xx, else due again after the retry delay, or
/// failed after the last attempt. `false` when the lease had passed to another instance.
pub async fn record(state: &AppState, claimed: &Claimed, outcome: Outcome) -> Result<bool, Error> {
    let delivery = &claimed.delivery;
    let attempts = delivery.attempts + 1;
    let ok = outcome.status.is_some_and(|s| (200..300).contains(&s));
    let (state_after, next) = if ok {
        (DeliveryState::Delivered, outcome.at)
    } else {
        match webhook::retry_delay(attempts) {
            Some(delay) => (DeliveryState::Pending, outcome.at + webhook::jittered(delay, outcome.jitter)),
            None => (DeliveryState::Failed, outcome.at),
        }
    };
    let attempt = Attempt {
        at: db::to_db_time(outcome.at),
        status: outcome.status.map(i64::from),
        duration_ms: outcome.duration_ms,
        error: outcome.error,
        state: state_after,
        next_attempt_at: db::to_db_time(next),
    };
    let (id, lease) = (delivery.id.clone(), delivery.lease_until);
    state
        .db
        .run(move |conn| {
            let Some(lease) = lease else { return Ok(false) };
            db::tally_tx(conn, |c| webhook_db::record_attempt(c, &id, lease, &attempt)).map_err(Error::from)
        })
        .await
}

/// Forgets what the delivery log no longer keeps: deliveries that ended more than
/// `LOG_DAYS` ago, and their events.
pub async fn prune(state: &AppState) -> Result<usize, Error> {
    let before = db::to_db_time(state.clock.now() - Duration::days(webhook::LOG_DAYS));
    state.db.run(move |conn| db::tally_tx(conn, |c| webhook_db::prune(c, before)).map_err(Error::from)).await
}

/// When a delivery next falls due, if any is pending.
pub async fn next_due(state: &AppState) -> Result<Option<DateTime<Utc>>, Error> {
    state.db.run(|conn| Ok(webhook_db::next_due(conn)?.map(db::from_db_time))).await
}

/// Announces every scheduled change whose time has come and has not been announced,
/// and returns when the next one is due. Reads first: only when something is due (or
/// on a new database) does it take the event clock's lock and write.
pub async fn fire_scheduled(state: &AppState) -> Result<Option<DateTime<Utc>>, Error> {
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            let db_now = db::to_db_time(now);
            let next = match webhook_db::event_clock(conn)? {
                Some(at) => webhook_db::next_boundary(conn, at)?,
                None => Some(db_now),
            };
            if next.is_none_or(|next| next > db_now) {
                return Ok(next.map(db::from_db_time));
            }
            let fired = db::tally_tx(conn, |c| fire_due(c, now))?;
            Ok(webhook_db::next_boundary(conn, fired)?.map(db::from_db_time))
        })
        .await
}

/// Fires, in the caller's transaction and under the event clock's lock, every
/// scheduled change in (last firing, `now`]; returns the instant fired up to. Every
/// instance's timer calls it, and so does every change of a resource that has
/// scheduled times, before it changes anything: what was due happens first, with the
/// resource as it was, and the change's own times at or before `now` are then behind
/// the clock (the change announces what it did itself), so nothing fires twice.
pub fn fire_due(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<chrono::NaiveDateTime, Error> {
    let db_now = db::to_db_time(now);
    let Some(from) = webhook_db::lock_event_clock(conn)? else {
        // A new database: nothing before now is news.
        webhook_db::set_event_clock(conn, db_now)?;
        return Ok(db_now);
    };
    if from >= db_now {
        // Another instance's clock ran ahead; nothing is lost by waiting for it.
        return Ok(from);
    }
    for (_, boundary) in webhook_db::boundaries(conn, from, db_now)? {
        fire(conn, boundary, now)?;
    }
    webhook_db::set_event_clock(conn, db_now)?;
    Ok(db_now)
}

/// Announces one scheduled change as the manual action would have: the same event,
/// the same payload, built from the resource as it is now.
fn fire(conn: &mut DbConnection, boundary: Boundary, now: DateTime<Utc>) -> Result<(), Error> {
    use crate::db::{paywall as paywall_db, polls as poll_db, sponsored as sponsored_db};
    let block = |c: &mut DbConnection, kind, id| match sponsored_db::find(c, id)? {
        Some(row) => events::sponsored(c, kind, &row, now),
        None => Ok(()),
    };
    let poll = |c: &mut DbConnection, kind, id| match poll_db::find(c, id)? {
        Some(row) => events::poll(c, kind, &row, now),
        None => Ok(()),
    };
    let offer = |c: &mut DbConnection, kind, id| match paywall_db::find_offer(c, id)? {
        Some(row) => events::offer(c, kind, &row, now),
        None => Ok(()),
    };
    match &boundary {
        Boundary::ArticleLive(id) => match article_db::find(conn, id)? {
            Some(row) => events::article(conn, EventType::ArticlePublished, &row, None, now),
            None => Ok(()),
        },
        Boundary::SponsoredStarts(id) => block(conn, EventType::SponsoredLive, id),
        Boundary::SponsoredEnds(id) => block(conn, EventType::SponsoredEnded, id),
        Boundary::PollOpens(id) => poll(conn, EventType::PollOpened, id),
        Boundary::PollCloses(id) => poll(conn, EventType::PollClosed, id),
        Boundary::OfferStarts(id) => offer(conn, EventType::OfferStarted, id),
        Boundary::OfferEnds(id) => offer(conn, EventType::OfferEnded, id),
    }
}
