//! Corrections: an article's public log of what was wrong and what changed, kept apart
//! from its revisions (which are editorial history, never public).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};
use utoipa::ToSchema;

use super::FieldError;
use super::article::{self, html_field};
use super::text::Errors;

/// The longest correction, in characters of its sanitised text.
pub const MAX_TEXT_CHARS: usize = 2000;
/// How far ahead of the server's clock a given time may be: a client's clock a little
/// fast is no error, a correction dated tomorrow is.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// What kind of note it is, as newsrooms label them.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, IntoStaticStr, EnumString, VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CorrectionKind {
    /// Something published was wrong and has been put right.
    Correction,
    /// Something published was unclear or incomplete and has been made clearer.
    Clarification,
    /// The story has moved on and the article says so.
    Update,
}

/// What an editor writes.
#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionFields {
    pub kind: CorrectionKind,
    /// Inline HTML (a, em, strong, br), sanitised.
    pub text: String,
    /// When it was made, as shown to readers.
    pub corrected_at: DateTime<Utc>,
}

impl CorrectionFields {
    /// Sanitises the text and checks every field against `now`.
    pub fn validate(mut self, now: DateTime<Utc>) -> Result<CorrectionFields, Vec<FieldError>> {
        let mut errors = Errors::default();
        html_field(&mut errors, "text", &mut self.text, 1, MAX_TEXT_CHARS);
        match article::client_time("corrected_at", self.corrected_at) {
            Ok(t) if t > now + chrono::Duration::seconds(MAX_CLOCK_SKEW_SECS) => {
                errors.add("corrected_at", "must not be in the future")
            }
            Ok(t) => self.corrected_at = t,
            Err(e) => e.into_iter().for_each(|e| errors.add(&e.field, e.message)),
        }
        errors.finish()?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, at: DateTime<Utc>) -> CorrectionFields {
        CorrectionFields { kind: CorrectionKind::Correction, text: text.into(), corrected_at: at }
    }

    #[test]
    fn text_is_sanitised_and_must_say_something() {
        let now = Utc::now();
        let ok = fields("An earlier version <em>misnamed</em> the mayor.<script>x()</script>", now).validate(now);
        assert_eq!(ok.map(|f| f.text), Ok("An earlier version <em>misnamed</em> the mayor.".into()));
        assert!(fields("<script>x()</script>", now).validate(now).is_err());
        assert!(fields(&"x".repeat(MAX_TEXT_CHARS + 1), now).validate(now).is_err());
    }

    #[test]
    fn it_cannot_be_dated_in_the_future() {
        let now = Utc::now();
        assert!(fields("Fixed.", now + chrono::Duration::seconds(60)).validate(now).is_ok());
        let late = fields("Fixed.", now + chrono::Duration::hours(2)).validate(now).unwrap_err();
        assert_eq!(late[0].field, "corrected_at");
    }
}
