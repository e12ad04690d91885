//! Sponsored content: the disclosure rules (a label and a disclosure with visible
//! text, always), flight dates, placement and targeting.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::FieldError;
use super::article::{self, Block};
use super::id::{ArticleId, MAX_ID_CHARS, SectionId};
use super::text::Errors;

pub const MAX_TITLE_CHARS: usize = 200;
pub use super::article::{MAX_DISCLOSURE_CHARS, MAX_LABEL_CHARS, MAX_SPONSOR_NAME_CHARS};
pub const MAX_TARGETS: usize = 100;
pub const MAX_CTA_TEXT_CHARS: usize = 80;

/// Where on a page a block runs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Placement {
    ArticleInline,
    ArticleFooter,
    SectionFront,
    Sidebar,
}

impl Placement {
    pub const ALL: [Placement; 4] =
        [Placement::ArticleInline, Placement::ArticleFooter, Placement::SectionFront, Placement::Sidebar];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A campaign's switch: only `active` blocks run, and only inside their flight.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SponsoredStatus {
    Draft,
    Active,
    Paused,
}

impl SponsoredStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// A call to action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cta {
    #[schema(example = "Read the report")]
    pub text: String,
    /// http(s) URL.
    #[schema(example = "https://studio.example.com/report")]
    pub url: String,
}

/// The editable fields of a sponsored block, as they will be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SponsoredContent {
    pub title: String,
    pub sponsor_name: String,
    pub label: String,
    pub disclosure: String,
    pub body: Vec<Block>,
    pub cta: Option<Cta>,
    pub logo_url: Option<String>,
    pub placement: Placement,
    pub section_ids: Vec<SectionId>,
    pub article_ids: Vec<ArticleId>,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub status: SponsoredStatus,
}

/// Targets once each, at most `MAX_TARGETS`, each a non-blank id.
fn check_targets<T: Clone + Eq + std::hash::Hash + AsRef<str>>(errors: &mut Errors, field: &str, ids: &mut Vec<T>) {
    let mut seen = std::collections::HashSet::new();
    ids.retain(|id| seen.insert(id.clone()));
    if ids.len() > MAX_TARGETS {
        errors.add(field, format!("must name at most {MAX_TARGETS}"));
    }
    for (i, id) in ids.iter().enumerate() {
        errors.line(&format!("{field}[{i}]"), id.as_ref(), 1, MAX_ID_CHARS);
    }
}

impl SponsoredContent {
    pub fn validate(mut self) -> Result<SponsoredContent, Vec<FieldError>> {
        let mut errors = Errors::default();
        errors.visible("title", &mut self.title, MAX_TITLE_CHARS);
        errors.visible("sponsor_name", &mut self.sponsor_name, MAX_SPONSOR_NAME_CHARS);
        errors.visible("label", &mut self.label, MAX_LABEL_CHARS);
        errors.visible("disclosure", &mut self.disclosure, MAX_DISCLOSURE_CHARS);
        article::check_body(&mut errors, "body", &mut self.body);
        for (i, block) in self.body.iter().enumerate() {
            if matches!(block, Block::Poll { .. } | Block::Sponsored { .. }) {
                errors
                    .add(&format!("body[{i}].type"), "polls and sponsored blocks cannot sit inside a sponsored block");
            }
        }
        if let Some(cta) = &mut self.cta {
            errors.visible("cta.text", &mut cta.text, MAX_CTA_TEXT_CHARS);
            article::check_http_url(&mut errors, "cta.url", &cta.url);
        }
        if let Some(url) = &self.logo_url {
            article::check_http_url(&mut errors, "logo_url", url);
        }
        check_targets(&mut errors, "section_ids", &mut self.section_ids);
        check_targets(&mut errors, "article_ids", &mut self.article_ids);
        for (field, t) in [("starts_at", &mut self.starts_at), ("ends_at", &mut self.ends_at)] {
            if let Some(at) = t {
                match article::client_time(field, *at) {
                    Ok(ok) => *at = ok,
                    Err(e) => errors.add(field, e.into_iter().map(|e| e.message).collect::<String>()),
                }
            }
        }
        if let (Some(start), Some(end)) = (self.starts_at, self.ends_at) {
            if start >= end {
                errors.add("ends_at", "must be after starts_at");
            }
        }
        errors.finish()?;
        Ok(self)
    }
}

/// Running now: active, and inside its flight (`starts_at` inclusive, `ends_at` exclusive).
pub fn is_live(
    status: SponsoredStatus,
    starts_at: Option<DateTime<Utc>>,
    ends_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    status == SponsoredStatus::Active && starts_at.is_none_or(|s| s <= now) && ends_at.is_none_or(|e| now < e)
}

/// A stored sponsored block.
#[derive(Debug, Clone)]
pub struct Sponsored {
    pub id: super::id::SponsoredId,
    pub content: SponsoredContent,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flights_are_half_open() {
        let t = Utc::now();
        let s = chrono::Duration::seconds(1);
        assert!(!is_live(SponsoredStatus::Active, Some(t), Some(t + s * 10), t - s));
        assert!(is_live(SponsoredStatus::Active, Some(t), Some(t + s * 10), t));
        assert!(!is_live(SponsoredStatus::Active, Some(t), Some(t + s * 10), t + s * 10));
        assert!(!is_live(SponsoredStatus::Paused, None, None, t));
    }
}
