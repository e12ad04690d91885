//! SQL for webhooks: endpoints, the outbox of events, deliveries (leased by one
//! instance at a time), and the event clock that scheduled changes are fired against.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};

use super::schema::{event_clock, webhook_deliveries, webhook_endpoints, webhook_events};
use super::{DbConnection, Json};
use crate::domain::article::Status;
use crate::domain::id::{ArticleId, DeliveryId, EventId, OfferId, PollId, SponsoredId, WebhookId};
use crate::domain::paywall::OfferStatus;
use crate::domain::sponsored::SponsoredStatus;
use crate::domain::webhook::{DeliveryState, EventType};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = webhook_endpoints, treat_none_as_null = true)]
pub struct EndpointRow {
    pub id: WebhookId,
    pub url: String,
    pub description: Option<String>,
    pub events: Json<Vec<EventType>>,
    pub secret: String,
    pub enabled: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = webhook_events)]
pub struct EventRow {
    pub id: EventId,
    pub event_type: EventType,
    pub occurred_at: NaiveDateTime,
    pub payload: String,
}

#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = webhook_deliveries, treat_none_as_null = true)]
pub struct DeliveryRow {
    pub id: DeliveryId,
    pub endpoint_id: WebhookId,
    pub event_id: EventId,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_status: Option<i64>,
    pub last_duration_ms: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

impl DeliveryRow {
    /// A delivery of `event` to `endpoint`, due at `at`.
    pub fn due(endpoint: WebhookId, event: EventId, at: NaiveDateTime) -> DeliveryRow {
        DeliveryRow {
            id: DeliveryId::generate(),
            endpoint_id: endpoint,
            event_id: event,
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: at,
            lease_until: None,
            last_attempt_at: None,
            last_status: None,
            last_duration_ms: None,
            last_error: None,
            created_at: at,
        }
    }
}

pub fn insert_endpoint(conn: &mut DbConnection, row: &EndpointRow) -> QueryResult<()> {
    diesel::insert_into(webhook_endpoints::table).values(row).execute(conn).map(|_| ())
}

pub fn find_endpoint(conn: &mut DbConnection, id: &WebhookId) -> QueryResult<Option<EndpointRow>> {
    webhook_endpoints::table.find(id).first(conn).optional()
}

pub fn count_endpoints(conn: &mut DbConnection) -> QueryResult<i64> {
    webhook_endpoints::table.count().get_result(conn)
}

/// Writes `row` if the stored version is still `expected`; `false` when it was not.
pub fn update_endpoint_if_version(conn: &mut DbConnection, row: &EndpointRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(webhook_endpoints::table.find(&row.id).filter(webhook_endpoints::version.eq(expected)))
        .set(row)
        .execute(conn)?;
    Ok(n == 1)
}

pub fn delete_endpoint_if_version(conn: &mut DbConnection, id: &WebhookId, expected: i64) -> QueryResult<bool> {
    let n = diesel::delete(webhook_endpoints::table.find(id).filter(webhook_endpoints::version.eq(expected)))
        .execute(conn)?;
    Ok(n == 1)
}

/// Endpoints in creation order, after `after`.
pub fn endpoints_page(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> QueryResult<Vec<EndpointRow>> {
    let mut query = webhook_endpoints::table.into_boxed();
    if let Some(after) = after {
        query = query.filter(webhook_endpoints::id.gt(after.to_string()));
    }
    query.order(webhook_endpoints::id.asc()).limit(limit).load(conn)
}

/// The enabled endpoints that want `event`.
pub fn subscribers(conn: &mut DbConnection, event: EventType) -> QueryResult<Vec<WebhookId>> {
    let rows: Vec<(WebhookId, Json<Vec<EventType>>)> = webhook_endpoints::table
        .filter(webhook_endpoints::enabled.eq(true))
        .select((webhook_endpoints::id, webhook_endpoints::events))
        .load(conn)?;
    Ok(rows.into_iter().filter(|(_, wanted)| wanted.0.contains(&event)).map(|(id, _)| id).collect())
}

pub fn insert_event(conn: &mut DbConnection, row: &EventRow) -> QueryResult<()> {
    diesel::insert_into(webhook_events::table).values(row).execute(conn).map(|_| ())
}

pub fn insert_delivery(conn: &mut DbConnection, row: &DeliveryRow) -> QueryResult<()> {
    diesel::insert_into(webhook_deliveries::table).values(row).execute(conn).map(|_| ())
}

/// A delivery with its event's type (for the log).
pub type LoggedDelivery = (DeliveryRow, EventType);

/// An endpoint's deliveries, newest first, before `before`.
pub fn deliveries_page(
    conn: &mut DbConnection,
    endpoint: &WebhookId,
    before: Option<&str>,
    state: Option<DeliveryState>,
    limit: i64,
) -> QueryResult<Vec<LoggedDelivery>> {
    let mut query = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint))
        .select((webhook_deliveries::all_columns, webhook_events::event_type))
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before.to_string()));
    }
    if let Some(state) = state {
        query = query.filter(webhook_deliveries::state.eq(state));
    }
    query.order(webhook_deliveries::id.desc()).limit(limit).load(conn)
}

pub fn find_delivery(
    conn: &mut DbConnection,
    endpoint: &WebhookId,
    id: &DeliveryId,
) -> QueryResult<Option<LoggedDelivery>> {
    webhook_deliveries::table
        .inner_join(webhook_events::table)
        .filter(webhook_deliveries::endpoint_id.eq(endpoint))
        .filter(webhook_deliveries::id.eq(id))
        .select((webhook_deliveries::all_columns, webhook_events::event_type))
        .first(conn)
        .optional()
}

/// What one attempt needs: the delivery, the event's id and body, the endpoint's URL
/// and secret.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub delivery: DeliveryRow,
    pub event: EventRow,
    pub url: String,
    pub secret: String,
}

#[derive(QueryableByName)]
struct IdRow {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Leases up to `limit` deliveries due at `now` (pending, not leased by a live
/// instance, to an enabled endpoint, or a test event to any) until `lease_until`, and returns them. On
/// PostgreSQL, SKIP LOCKED lets instances claim side by side without waiting on or
/// taking each other's rows; a SQLite file has one instance and serial writers.
pub fn claim_due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Claimed>> {
    const DUE: &str = "SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
        JOIN webhook_events v ON v.id = d.event_id \
        WHERE d.state = 'pending' AND d.next_attempt_at <= {now} \
        AND (d.lease_until IS NULL OR d.lease_until <= {now}) AND (e.enabled OR v.event_type = 'webhook.test') \
        ORDER BY d.next_attempt_at LIMIT {limit}";
    let ids: Vec<IdRow> = match conn {
        DbConnection::Sqlite(c) => {
            let due = DUE.replace("{now}", "?2").replace("{limit}", "?3");
            diesel::sql_query(format!(
                "UPDATE webhook_deliveries SET lease_until = ?1 WHERE id IN ({due}) RETURNING id"
            ))
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(c)?
        }
        DbConnection::Postgres(c) => {
            let due = DUE.replace("{now}", "$2").replace("{limit}", "$3");
            diesel::sql_query(format!(
                "UPDATE webhook_deliveries SET lease_until = $1 WHERE id IN ({due} FOR UPDATE OF d SKIP LOCKED) \
                 RETURNING id"
            ))
            .bind::<Timestamp, _>(lease_until)
            .bind::<Timestamp, _>(now)
            .bind::<BigInt, _>(limit)
            .load(c)?
        }
    };
    let ids: Vec<String> = ids.into_iter().map(|r| r.id).collect();
    let rows: Vec<(DeliveryRow, EventRow, String, String)> = webhook_deliveries::table
        .inner_join(webhook_events::table)
        .inner_join(webhook_endpoints::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .select((
            webhook_deliveries::all_columns,
            webhook_events::all_columns,
            webhook_endpoints::url,
            webhook_endpoints::secret,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(|(delivery, event, url, secret)| Claimed { delivery, event, url, secret }).collect())
}

/// How an attempt ended, as stored.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub at: NaiveDateTime,
    pub status: Option<i64>,
    pub duration_ms: i64,
    pub error: Option<String>,
    /// The delivery's state after it, and when the next attempt is due (if pending).
    pub state: DeliveryState,
    pub next_attempt_at: NaiveDateTime,
}

/// Records an attempt, if this instance still holds the lease it claimed with (one
/// that ran out may have passed to another instance, whose record wins).
pub fn record_attempt(
    conn: &mut DbConnection,
    id: &DeliveryId,
    lease: NaiveDateTime,
    attempt: &Attempt,
) -> QueryResult<bool> {
    use webhook_deliveries::dsl as d;
    let n = diesel::update(d::webhook_deliveries.find(id).filter(d::lease_until.eq(lease)))
        .set((
            d::attempts.eq(d::attempts + 1),
            d::state.eq(attempt.state),
            d::next_attempt_at.eq(attempt.next_attempt_at),
            d::lease_until.eq(None::<NaiveDateTime>),
            d::last_attempt_at.eq(Some(attempt.at)),
            d::last_status.eq(attempt.status),
            d::last_duration_ms.eq(Some(attempt.duration_ms)),
            d::last_error.eq(&attempt.error),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

#[derive(QueryableByName)]
struct NextRow {
    #[diesel(sql_type = Nullable<Timestamp>)]
    next: Option<NaiveDateTime>,
}

/// When the next delivery falls due (its time, or its lease's end if later), if any.
pub fn next_due(conn: &mut DbConnection) -> QueryResult<Option<NaiveDateTime>> {
    const NEXT: &str = "SELECT MIN(CASE WHEN d.lease_until IS NOT NULL AND d.lease_until > d.next_attempt_at \
         THEN d.lease_until ELSE d.next_attempt_at END) AS next \
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         JOIN webhook_events v ON v.id = d.event_id \
         WHERE d.state = 'pending' AND (e.enabled OR v.event_type = 'webhook.test')";
    let row: NextRow = crate::on_backend!(conn, c => diesel::sql_query(NEXT).get_result(c)?);
    Ok(row.next)
}

/// Locks the event clock's row for this transaction and reads how far it has fired.
pub fn lock_event_clock(conn: &mut DbConnection) -> QueryResult<Option<NaiveDateTime>> {
    diesel::update(event_clock::table.find(1_i64)).set(event_clock::id.eq(1_i64)).execute(conn)?;
    event_clock::table.find(1_i64).select(event_clock::fired_until).first(conn)
}

pub fn set_event_clock(conn: &mut DbConnection, fired_until: NaiveDateTime) -> QueryResult<()> {
    diesel::update(event_clock::table.find(1_i64)).set(event_clock::fired_until.eq(Some(fired_until))).execute(conn)?;
    Ok(())
}

/// How far the event clock has fired, without locking.
pub fn event_clock(conn: &mut DbConnection) -> QueryResult<Option<NaiveDateTime>> {
    event_clock::table.find(1_i64).select(event_clock::fired_until).first(conn)
}

/// A scheduled change: what happens at an instant without anyone acting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Boundary {
    ArticleLive(ArticleId),
    SponsoredStarts(SponsoredId),
    SponsoredEnds(SponsoredId),
    PollOpens(PollId),
    PollCloses(PollId),
    OfferStarts(OfferId),
    OfferEnds(OfferId),
}

/// Every scheduled change in `(after, until]`, in time order: scheduled articles
/// going live; the flights of active sponsored blocks and the dates of active offers
/// starting and ending; polls opening and closing. An end that is not after its start
/// never took effect and is left out.
pub fn boundaries(
    conn: &mut DbConnection,
    after: NaiveDateTime,
    until: NaiveDateTime,
) -> QueryResult<Vec<(NaiveDateTime, Boundary)>> {
    use super::schema::{articles::dsl as a, offers::dsl as o, polls::dsl as p, sponsored_blocks::dsl as s};
    let mut out: Vec<(NaiveDateTime, Boundary)> = Vec::new();
    let live: Vec<(ArticleId, Option<NaiveDateTime>)> = a::articles
        .filter(a::status.eq(Status::Scheduled))
        .filter(a::trashed_at.is_null())
        .filter(a::publish_at.gt(after).and(a::publish_at.le(until)))
        .select((a::id, a::publish_at))
        .load(conn)?;
    out.extend(live.into_iter().filter_map(|(id, at)| Some((at?, Boundary::ArticleLive(id)))));
    let flights: Vec<(SponsoredId, Option<NaiveDateTime>, Option<NaiveDateTime>)> = s::sponsored_blocks
        .filter(s::status.eq(SponsoredStatus::Active))
        .filter(s::starts_at.gt(after).and(s::starts_at.le(until)).or(s::ends_at.gt(after).and(s::ends_at.le(until))))
        .select((s::id, s::starts_at, s::ends_at))
        .load(conn)?;
    for (id, starts, ends) in flights {
        push_window(
            &mut out,
            (after, until),
            starts,
            ends,
            || Boundary::SponsoredStarts(id.clone()),
            || Boundary::SponsoredEnds(id.clone()),
        );
    }
    let polls: Vec<(PollId, Option<NaiveDateTime>, Option<NaiveDateTime>)> = p::polls
        .filter(p::opens_at.gt(after).and(p::opens_at.le(until)).or(p::closes_at.gt(after).and(p::closes_at.le(until))))
        .select((p::id, p::opens_at, p::closes_at))
        .load(conn)?;
    for (id, opens, closes) in polls {
        push_window(
            &mut out,
            (after, until),
            opens,
            closes,
            || Boundary::PollOpens(id.clone()),
            || Boundary::PollCloses(id.clone()),
        );
    }
    let offers: Vec<(OfferId, Option<NaiveDateTime>, Option<NaiveDateTime>)> = o::offers
        .filter(o::status.eq(OfferStatus::Active))
        .filter(o::starts_at.gt(after).and(o::starts_at.le(until)).or(o::ends_at.gt(after).and(o::ends_at.le(until))))
        .select((o::id, o::starts_at, o::ends_at))
        .load(conn)?;
    for (id, starts, ends) in offers {
        push_window(
            &mut out,
            (after, until),
            starts,
            ends,
            || Boundary::OfferStarts(id.clone()),
            || Boundary::OfferEnds(id.clone()),
        );
    }
    out.sort_by_key(|x| x.0);
    Ok(out)
}

/// The start and end of one window that fall in `(after, until]`.
fn push_window(
    out: &mut Vec<(NaiveDateTime, Boundary)>,
    (after, until): (NaiveDateTime, NaiveDateTime),
    start: Option<NaiveDateTime>,
    end: Option<NaiveDateTime>,
    starts: impl Fn() -> Boundary,
    ends: impl Fn() -> Boundary,
) {
    let inside = |t: NaiveDateTime| after < t && t <= until;
    let ordered = match (start, end) {
        (Some(s), Some(e)) => s < e,
        _ => true,
    };
    if !ordered {
        return;
    }
    if let Some(s) = start.filter(|s| inside(*s)) {
        out.push((s, starts()));
    }
    if let Some(e) = end.filter(|e| inside(*e)) {
        out.push((e, ends()));
    }
}

/// The first scheduled change after `after`, if any: when the timer must wake.
pub fn next_boundary(conn: &mut DbConnection, after: NaiveDateTime) -> QueryResult<Option<NaiveDateTime>> {
    use super::schema::{articles::dsl as a, offers::dsl as o, polls::dsl as p, sponsored_blocks::dsl as s};
    use diesel::dsl::min;
    let candidates: [Option<NaiveDateTime>; 7] = [
        a::articles
            .filter(a::status.eq(Status::Scheduled))
            .filter(a::trashed_at.is_null())
            .filter(a::publish_at.gt(after))
            .select(min(a::publish_at))
            .first(conn)?,
        s::sponsored_blocks
            .filter(s::status.eq(SponsoredStatus::Active))
            .filter(s::starts_at.gt(after))
            .select(min(s::starts_at))
            .first(conn)?,
        s::sponsored_blocks
            .filter(s::status.eq(SponsoredStatus::Active))
            .filter(s::ends_at.gt(after))
            .select(min(s::ends_at))
            .first(conn)?,
        p::polls.filter(p::opens_at.gt(after)).select(min(p::opens_at)).first(conn)?,
        p::polls.filter(p::closes_at.gt(after)).select(min(p::closes_at)).first(conn)?,
        o::offers
            .filter(o::status.eq(OfferStatus::Active))
            .filter(o::starts_at.gt(after))
            .select(min(o::starts_at))
            .first(conn)?,
        o::offers
            .filter(o::status.eq(OfferStatus::Active))
            .filter(o::ends_at.gt(after))
            .select(min(o::ends_at))
            .first(conn)?,
    ];
    Ok(candidates.into_iter().flatten().min())
}

/// Forgets deliveries that ended (delivered or failed) before `before`, and the events
/// no delivery refers to any more; returns how many deliveries went.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    use webhook_deliveries::dsl as d;
    let gone = diesel::delete(
        d::webhook_deliveries.filter(d::state.ne(DeliveryState::Pending)).filter(d::created_at.lt(before)),
    )
    .execute(conn)?;
    let referenced = webhook_deliveries::table.select(webhook_deliveries::event_id);
    diesel::delete(
        webhook_events::table
            .filter(webhook_events::occurred_at.lt(before))
            .filter(webhook_events::id.ne_all(referenced)),
    )
    .execute(conn)?;
    Ok(gone)
}
