//! The metered paywall: its settings, the calendar-month period, the decision and the
//! copy shown to the reader; and subscription offers.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::FieldError;
use super::article;
use super::id::MAX_ID_CHARS;
use super::text::Errors;

/// The most free metered articles a period may give.
pub const MAX_QUOTA: i64 = 1000;
/// The highest price, in the currency's minor unit.
pub const MAX_PRICE_MINOR: i64 = 1_000_000_000;
/// The longest subscription an offer may sell.
pub const MAX_DURATION_MONTHS: i64 = 120;
/// The longest paywall message, offer display text and offer name.
pub const MAX_MESSAGE_CHARS: usize = 300;
pub const MAX_DISPLAY_TEXT_CHARS: usize = 300;
pub const MAX_OFFER_NAME_CHARS: usize = 100;

/// The paywall copy; `{n}` is the number of free articles left, `{quota}` the quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    /// When more than one free article is left.
    #[schema(example = "You have {n} free articles left this month")]
    pub remaining_other: String,
    /// When exactly one is left.
    #[schema(example = "You have {n} free article left this month")]
    pub remaining_one: String,
    /// When the article being read is the last free one.
    #[schema(example = "This is your last free article this month")]
    pub last: String,
    /// When the quota is used up.
    #[schema(example = "You have reached your limit of {quota} free articles this month")]
    pub limit_reached: String,
    /// On a premium article without the entitlement.
    #[schema(example = "This article is for subscribers")]
    pub premium: String,
}

impl Default for Messages {
    fn default() -> Self {
        Messages {
            remaining_other: "You have {n} free articles left this month".into(),
            remaining_one: "You have {n} free article left this month".into(),
            last: "This is your last free article this month".into(),
            limit_reached: "You have reached your limit of {quota} free articles this month".into(),
            premium: "This article is for subscribers".into(),
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Period {
    /// A calendar month, UTC.
    Month,
}

/// A stored offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub id: super::id::OfferId,
    pub spec: OfferSpec,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaywallSettings {
    pub quota: i64,
    pub period: Period,
    /// Sections whose articles count (with their sub-sections); `None`: all.
    pub counted_section_ids: Option<Vec<super::id::SectionId>>,
    pub default_preview_blocks: i64,
    pub messages: Messages,
}

impl Default for PaywallSettings {
    fn default() -> Self {
        PaywallSettings {
            quota: 5,
            period: Period::Month,
            counted_section_ids: None,
            default_preview_blocks: article::DEFAULT_PREVIEW_BLOCKS,
            messages: Messages::default(),
        }
    }
}

impl PaywallSettings {
    pub fn validate(self) -> Result<PaywallSettings, Vec<FieldError>> {
        let mut errors = Errors::default();
        if !(0..=MAX_QUOTA).contains(&self.quota) {
            errors.add("quota", format!("must be between 0 and {MAX_QUOTA}"));
        }
        if !(0..=article::MAX_PREVIEW_BLOCKS).contains(&self.default_preview_blocks) {
            errors.add("default_preview_blocks", format!("must be between 0 and {}", article::MAX_PREVIEW_BLOCKS));
        }
        if let Some(ids) = &self.counted_section_ids {
            for (i, id) in ids.iter().enumerate() {
                errors.line(&format!("counted_section_ids[{i}]"), id.as_str(), 1, MAX_ID_CHARS);
            }
        }
        let m = &self.messages;
        for (field, text) in [
            ("messages.remaining_other", &m.remaining_other),
            ("messages.remaining_one", &m.remaining_one),
            ("messages.last", &m.last),
            ("messages.limit_reached", &m.limit_reached),
            ("messages.premium", &m.premium),
        ] {
            errors.line(field, text, 1, MAX_MESSAGE_CHARS);
        }
        errors.finish()?;
        Ok(self)
    }
}

/// The period `now` falls in: [first instant of the month, first instant of the next).
pub fn period_bounds(now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0).single().unwrap_or(now);
    let (y, m) = if now.month() == 12 { (now.year() + 1, 1) } else { (now.year(), now.month() + 1) };
    let end = Utc.with_ymd_and_hms(y, m, 1, 0, 0, 0).single().unwrap_or(now);
    (start, end)
}

pub fn render(template: &str, left: i64, quota: i64) -> String {
    template.replace("{n}", &left.to_string()).replace("{quota}", &quota.to_string())
}

/// The copy for a metered read that left `left` free articles.
pub fn metered_message(m: &Messages, left: i64, quota: i64) -> String {
    let template = match left {
        0 => &m.last,
        1 => &m.remaining_one,
        _ => &m.remaining_other,
    };
    render(template, left, quota)
}

/// Who an offer is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Eligibility {
    /// Readers without a subscription.
    Anonymous,
    /// Readers who used up their free articles.
    MeteredOut,
    /// Subscribers whose trial ended.
    TrialExpired,
    /// Subscribers whose subscription ended.
    Lapsed,
}

impl Eligibility {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The public offers' `context`: one situation's name, or nothing (a test holds it to
/// [`Eligibility`]'s names).
pub const OFFER_CONTEXT: &str = "^(anonymous|metered_out|trial_expired|lapsed)?$";

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum OfferStatus {
    Draft,
    Active,
    Paused,
}

impl OfferStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The editable fields of an offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferSpec {
    pub name: String,
    pub display_text: String,
    pub price_minor: i64,
    pub currency: String,
    pub duration_months: i64,
    pub trial: bool,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub eligibility: Vec<Eligibility>,
    pub status: OfferStatus,
}

impl OfferSpec {
    pub fn validate(mut self) -> Result<OfferSpec, Vec<FieldError>> {
        let mut errors = Errors::default();
        self.name = self.name.trim().to_string();
        errors.line("name", &self.name, 1, MAX_OFFER_NAME_CHARS);
        errors.line("display_text", &self.display_text, 1, MAX_DISPLAY_TEXT_CHARS);
        if !(0..=MAX_PRICE_MINOR).contains(&self.price_minor) {
            errors.add("price_minor", format!("must be between 0 and {MAX_PRICE_MINOR}"));
        }
        if !super::rules::is_currency(&self.currency) {
            errors.add("currency", "must be an ISO 4217 code such as USD");
        }
        if !(1..=MAX_DURATION_MONTHS).contains(&self.duration_months) {
            errors.add("duration_months", format!("must be between 1 and {MAX_DURATION_MONTHS}"));
        }
        let mut seen = Vec::new();
        self.eligibility.retain(|e| {
            let new = !seen.contains(e);
            seen.push(*e);
            new
        });
        if self.eligibility.is_empty() {
            errors.add("eligibility", "must name at least one situation");
        }
        for (field, t) in [("starts_at", &mut self.starts_at), ("ends_at", &mut self.ends_at)] {
            if let Some(at) = t {
                match article::client_time(field, *at) {
                    Ok(ok) => *at = ok,
                    Err(e) => errors.add(field, e.into_iter().map(|e| e.message).collect::<String>()),
                }
            }
        }
        if let (Some(s), Some(e)) = (self.starts_at, self.ends_at) {
            if s >= e {
                errors.add("ends_at", "must be after starts_at");
            }
        }
        errors.finish()?;
        Ok(self)
    }

    /// Live: active and `starts_at <= now < ends_at`.
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        self.status == OfferStatus::Active
            && self.starts_at.is_none_or(|s| s <= now)
            && self.ends_at.is_none_or(|e| now < e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_roll_over() {
        let t = Utc.with_ymd_and_hms(2026, 12, 31, 23, 59, 59).single().expect("time");
        let (start, end) = period_bounds(t);
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).single().expect("time"));
        assert_eq!(end, Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).single().expect("time"));
    }

    #[test]
    fn the_offer_context_pattern_names_every_situation() {
        let names: Vec<&str> = Eligibility::VARIANTS.iter().map(|e| e.as_str()).collect();
        assert_eq!(OFFER_CONTEXT, format!("^({})?$", names.join("|")));
    }

    #[test]
    fn copy_is_singular_and_plural() {
        let m = Messages::default();
        assert_eq!(metered_message(&m, 3, 5), "You have 3 free articles left this month");
        assert_eq!(metered_message(&m, 1, 5), "You have 1 free article left this month");
        assert_eq!(metered_message(&m, 0, 5), "This is your last free article this month");
    }
}
