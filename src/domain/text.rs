//! Rules every text field obeys, on every backend: no NUL or other control characters
//! (PostgreSQL rejects NUL, SQLite would store it), lengths counted in characters.

use super::FieldError;
use super::rules;

/// Collects field errors so a request reports all of its problems at once.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems so far.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `Ok(())` when nothing was added.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() { Ok(()) } else { Err(self.0) }
    }

    /// Checks a single-line text field: trimmed length within `min..=max` characters,
    /// no control characters.
    pub fn line(&mut self, field: &str, value: &str, min: usize, max: usize) {
        if let Some(message) = line_problem(value, min, max) {
            self.add(field, message);
        }
    }
}

/// Why `value` is not an acceptable single-line text, if it is not: the spec's
/// patterns (`rules::NO_CONTROL_CHARACTERS`, and `rules::NOT_BLANK` when it must not be
/// blank), then the length in characters.
pub fn line_problem(value: &str, min: usize, max: usize) -> Option<String> {
    if !rules::has_no_control_characters(value) {
        return Some("must not contain control characters".into());
    }
    if min == 1 && !rules::is_not_blank(value) {
        return Some("must not be blank".into());
    }
    if value.trim().chars().count() < min {
        return Some(format!("must be at least {min} characters"));
    }
    if value.chars().count() > max {
        return Some(format!("must be at most {max} characters"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_control_characters_and_counts_characters() {
        assert!(line_problem("a\0b", 1, 10).is_some());
        assert!(line_problem("a\u{7}b", 1, 10).is_some());
        assert!(line_problem("   ", 1, 10).is_some());
        assert_eq!(line_problem("日本語のテキスト", 1, 8), None);
        assert!(line_problem("日本語のテキストだ", 1, 8).is_some());
    }
}
