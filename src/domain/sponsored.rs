//! Sponsored content: the disclosure rules (a label and a disclosure with visible
//! text, always), flight dates, placement and targeting.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::FieldError;
use super::article::{self, Block};
use super::id::{ArticleId, MAX_ID_CHARS, SectionId};
use super::text::Errors;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_SPONSOR_NAME_CHARS: usize = 120;
pub const MAX_LABEL_CHARS: usize = 60;
pub const MAX_DISCLOSURE_CHARS: usize = 300;
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

/// Whether a reader would see words: at least one letter or digit, in any script,
/// that renders (Unicode's Default_Ignorable_Code_Point covers the letters that do not:
/// the Hangul fillers U+115F, U+1160, U+3164, U+FFA0 and the like). A list of
/// invisible characters of our own can never be complete: braille blanks, variation
/// selectors, combining marks, private-use characters... A disclosure needs words.
/// Tags (`<b></b>`) and character references (`&nbsp;`) do not count: a frontend that
/// renders the label as HTML would show nothing of them.
pub fn has_visible_text(s: &str) -> bool {
    let mut in_tag = false;
    let mut in_entity = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '&' if !in_tag => in_entity = true,
            ';' if in_entity => in_entity = false,
            c if !in_tag && !in_entity && renders_as_word(c) => return true,
            c if in_entity && !(c.is_ascii_alphanumeric() || c == '#') => in_entity = false,
            _ => {}
        }
    }
    false
}

/// A letter or digit (`\p{L}`, `\p{N}`) that is not default-ignorable.
fn renders_as_word(c: char) -> bool {
    static WORD: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[\p{L}\p{N}--\p{Default_Ignorable_Code_Point}]$")
            .unwrap_or_else(|e| panic!("domain::sponsored: the word-character class does not compile: {e}"))
    });
    let mut buf = [0; 4];
    WORD.is_match(c.encode_utf8(&mut buf))
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

fn visible(errors: &mut Errors, field: &str, value: &mut String, max: usize) {
    *value = value.trim().to_string();
    if !has_visible_text(value) {
        errors.add(field, "must hold visible text (at least one letter or digit)");
    } else {
        errors.line(field, value, 1, max);
    }
}

impl SponsoredContent {
    pub fn validate(mut self) -> Result<SponsoredContent, Vec<FieldError>> {
        let mut errors = Errors::default();
        visible(&mut errors, "title", &mut self.title, MAX_TITLE_CHARS);
        visible(&mut errors, "sponsor_name", &mut self.sponsor_name, MAX_SPONSOR_NAME_CHARS);
        visible(&mut errors, "label", &mut self.label, MAX_LABEL_CHARS);
        visible(&mut errors, "disclosure", &mut self.disclosure, MAX_DISCLOSURE_CHARS);
        article::check_body(&mut errors, "body", &mut self.body);
        for (i, block) in self.body.iter().enumerate() {
            if matches!(block, Block::Poll { .. } | Block::Sponsored { .. }) {
                errors
                    .add(&format!("body[{i}].type"), "polls and sponsored blocks cannot sit inside a sponsored block");
            }
        }
        if let Some(cta) = &mut self.cta {
            visible(&mut errors, "cta.text", &mut cta.text, MAX_CTA_TEXT_CHARS);
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
    fn invisible_text_is_not_a_disclosure() {
        assert!(!has_visible_text(""));
        assert!(!has_visible_text(" \t\n"));
        assert!(!has_visible_text("\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}"));
        assert!(!has_visible_text("\u{00AD}\u{202E}"));
        assert!(!has_visible_text("\u{2800}\u{2800}\u{0301}\u{E000}\u{FFFC}\u{E0100}"));
        assert!(has_visible_text("広告"));
        assert!(!has_visible_text("<b></b>&nbsp;&#160;"));
        assert!(has_visible_text("Fish & Chips Ltd"));
        assert!(has_visible_text("<b>Ad</b>"));
        assert!(has_visible_text("Sponsored"));
        assert!(has_visible_text("\u{200B}Ad"));
    }

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
