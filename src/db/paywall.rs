//! SQL for the paywall settings, counted reads, and offers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{meter_reads, offers, paywall_settings};
use super::{DbConnection, Json, from_db_time};
use crate::domain::id::{ArticleId, OfferId, SectionId};
use crate::domain::paywall::{Eligibility, Messages, Offer, OfferSpec, OfferStatus, PaywallSettings, Period};

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset)]
#[diesel(table_name = paywall_settings, treat_none_as_null = true)]
pub struct SettingsRow {
    pub id: i64,
    pub quota: i64,
    pub period: Period,
    pub counted_section_ids: Option<Json<Vec<SectionId>>>,
    pub default_preview_blocks: i64,
    pub messages: Json<Messages>,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

pub fn settings(conn: &mut DbConnection) -> QueryResult<Option<SettingsRow>> {
    paywall_settings::table.find(1i64).first(conn).optional()
}

/// The settings, or the defaults before an admin saved any.
pub fn load_settings(conn: &mut DbConnection) -> QueryResult<PaywallSettings> {
    Ok(settings(conn)?.map_or_else(PaywallSettings::default, |row| PaywallSettings {
        quota: row.quota,
        period: row.period,
        counted_section_ids: row.counted_section_ids.map(|j| j.0),
        default_preview_blocks: row.default_preview_blocks,
        messages: row.messages.0,
    }))
}

/// Writes the one settings row (inserting it the first time).
pub fn save_settings(conn: &mut DbConnection, row: &SettingsRow) -> QueryResult<()> {
    let n = diesel::update(paywall_settings::table.find(1i64)).set(row).execute(conn)?;
    if n == 0 {
        diesel::insert_into(paywall_settings::table).values(row).execute(conn)?;
    }
    Ok(())
}

pub fn reads_in_period(conn: &mut DbConnection, reader: &str, period_start: NaiveDateTime) -> QueryResult<i64> {
    meter_reads::table
        .filter(meter_reads::reader_id.eq(reader))
        .filter(meter_reads::period_start.eq(period_start))
        .count()
        .get_result(conn)
}

pub fn has_read(
    conn: &mut DbConnection,
    reader: &str,
    period_start: NaiveDateTime,
    article_id: &ArticleId,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(meter_reads::table.find((reader, period_start, article_id)))).get_result(conn)
}

pub fn record_read(
    conn: &mut DbConnection,
    reader: &str,
    period_start: NaiveDateTime,
    article_id: &ArticleId,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(meter_reads::table)
        .values((
            meter_reads::reader_id.eq(reader),
            meter_reads::period_start.eq(period_start),
            meter_reads::article_id.eq(article_id),
            meter_reads::read_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

#[derive(Debug, Clone, Queryable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = offers, treat_none_as_null = true)]
pub struct OfferRow {
    pub id: OfferId,
    pub name: String,
    pub display_text: String,
    pub price_minor: i64,
    pub currency: String,
    pub duration_months: i64,
    pub trial: bool,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub eligibility: Json<Vec<Eligibility>>,
    pub status: OfferStatus,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

impl OfferRow {
    /// Writes the columns an offer's spec is stored in.
    pub fn set_spec(&mut self, spec: &OfferSpec) {
        self.name = spec.name.clone();
        self.display_text = spec.display_text.clone();
        self.price_minor = spec.price_minor;
        self.currency = spec.currency.clone();
        self.duration_months = spec.duration_months;
        self.trial = spec.trial;
        self.starts_at = spec.starts_at.map(super::to_db_time);
        self.ends_at = spec.ends_at.map(super::to_db_time);
        self.eligibility = Json(spec.eligibility.clone());
        self.status = spec.status;
    }
}

impl From<OfferRow> for Offer {
    fn from(row: OfferRow) -> Offer {
        Offer {
            spec: OfferSpec {
                name: row.name,
                display_text: row.display_text,
                price_minor: row.price_minor,
                currency: row.currency,
                duration_months: row.duration_months,
                trial: row.trial,
                starts_at: row.starts_at.map(from_db_time),
                ends_at: row.ends_at.map(from_db_time),
                eligibility: row.eligibility.0,
                status: row.status,
            },
            id: row.id,
            created_at: from_db_time(row.created_at),
            updated_at: from_db_time(row.updated_at),
            version: row.version,
        }
    }
}

pub fn insert_offer(conn: &mut DbConnection, row: &OfferRow) -> QueryResult<()> {
    diesel::insert_into(offers::table).values(row).execute(conn).map(|_| ())
}

pub fn update_offer_if_version(conn: &mut DbConnection, row: &OfferRow, expected: i64) -> QueryResult<bool> {
    let n = diesel::update(offers::table.find(&row.id).filter(offers::version.eq(expected))).set(row).execute(conn)?;
    Ok(n == 1)
}

pub fn delete_offer_if_version(conn: &mut DbConnection, id: &OfferId, expected: i64) -> QueryResult<bool> {
    let n = diesel::delete(offers::table.find(id).filter(offers::version.eq(expected))).execute(conn)?;
    Ok(n == 1)
}

pub fn find_offer(conn: &mut DbConnection, id: &OfferId) -> QueryResult<Option<OfferRow>> {
    offers::table.find(id).first(conn).optional()
}

pub fn offer_page(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> QueryResult<Vec<OfferRow>> {
    let mut query = offers::table.into_boxed();
    if let Some(after) = after {
        query = query.filter(offers::id.lt(after.to_string()));
    }
    query.order(offers::id.desc()).limit(limit).load(conn)
}

/// Active offers inside their dates at `now`.
pub fn live_offers(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Vec<OfferRow>> {
    offers::table
        .filter(offers::status.eq(OfferStatus::Active))
        .filter(offers::starts_at.is_null().or(offers::starts_at.le(now)))
        .filter(offers::ends_at.is_null().or(offers::ends_at.gt(now)))
        .order((offers::price_minor.asc(), offers::id.asc()))
        .load(conn)
}
