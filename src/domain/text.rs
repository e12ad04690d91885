//! Rules every text field obeys, on every backend: no NUL or other control characters
//! (PostgreSQL rejects NUL, SQLite would store it), lengths counted in characters.

use std::sync::LazyLock;

use regex::Regex;

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

    /// Trims a field that must show words (a label, a disclosure) and checks that it
    /// holds visible text and at most `max` characters.
    pub fn visible(&mut self, field: &str, value: &mut String, max: usize) {
        *value = value.trim().to_string();
        if !has_visible_text(value) {
            self.add(field, "must hold visible text (at least one letter or digit)");
        } else {
            self.line(field, value, 1, max);
        }
    }
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
            .unwrap_or_else(|e| panic!("domain::text: the word-character class does not compile: {e}"))
    });
    let mut buf = [0; 4];
    WORD.is_match(c.encode_utf8(&mut buf))
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
    fn rejects_control_characters_and_counts_characters() {
        assert!(line_problem("a\0b", 1, 10).is_some());
        assert!(line_problem("a\u{7}b", 1, 10).is_some());
        assert!(line_problem("   ", 1, 10).is_some());
        assert_eq!(line_problem("日本語のテキスト", 1, 8), None);
        assert!(line_problem("日本語のテキストだ", 1, 8).is_some());
    }
}
