//! Identifiers other systems gave records (a WordPress GUID, a wire's story id): an
//! import finds what it already brought by them, integrators look records up by them.

use strum::IntoStaticStr;

use super::rules;

/// The longest external id: WordPress GUIDs are URLs.
pub const MAX_EXTERNAL_ID_CHARS: usize = 255;

/// The kinds of record an external id may name, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ExternalKind {
    Article,
}

impl ExternalKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// What is wrong with `id` as an external id, if anything. It is kept exactly as
/// given, so surrounding whitespace is refused rather than trimmed away.
pub fn problem(id: &str) -> Option<String> {
    if id.chars().count() > MAX_EXTERNAL_ID_CHARS {
        return Some(format!("must be at most {MAX_EXTERNAL_ID_CHARS} characters"));
    }
    if !rules::is_external_id(id) {
        return Some("must not be empty, hold control characters, or start or end with whitespace".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kept_as_given_or_refused() {
        for ok in ["wp-123", "https://example.com/?p=123", "AP story 7", "é", "a b"] {
            assert_eq!(problem(ok), None, "{ok:?}");
        }
        for bad in ["", " x", "x ", "\u{a0}x", "x\u{3000}", "a\nb", "a\u{7}b", " "] {
            assert!(problem(bad).is_some(), "{bad:?}");
        }
        assert!(problem(&"x".repeat(MAX_EXTERNAL_ID_CHARS)).is_none());
        assert!(problem(&"x".repeat(MAX_EXTERNAL_ID_CHARS + 1)).is_some());
    }
}
