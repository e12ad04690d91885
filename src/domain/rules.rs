//! The patterns text is checked with, written once: the validators match with these
//! very patterns (compiled once), and the OpenAPI document states them
//! (`http::openapi_rules`). Each is an ECMA-262 pattern that means the same in Rust's
//! `regex` (`\uXXXX` escapes, character classes, `^...$` anchoring the whole text).
//! The numeric limits live with the rules of their resource (`article::MAX_*`,
//! `user::MAX_*`...), and the spec takes them from there too.

use std::sync::LazyLock;

use regex::Regex;

/// A string without control characters (what `char::is_control` refuses:
/// U+0000..U+001F and U+007F..U+009F).
pub const NO_CONTROL_CHARACTERS: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

/// A string without control characters holding at least one character that is not
/// whitespace (`char::is_whitespace`, what `str::trim` strips: U+0009..U+000D, U+0020,
/// U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000).
pub const NOT_BLANK: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*\
[^\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]\
[^\\u0000-\\u001F\\u007F-\\u009F]*$";

/// An absolute http(s) URL: `http://` or `https://` (any case), then a host (a first
/// character that is not `/`, `?` or `#`), with no whitespace, control characters,
/// `"`, `<` or `>` anywhere, so that no URL can break out of an HTML attribute a
/// frontend writes it into. (`article::check_http_url` also limits the length.)
pub const HTTP_URL: &str = "^[Hh][Tt][Tt][Pp][Ss]?://\
[^/?#\"<>\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]\
[^\"<>\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$";

/// An email address (`user::check_email`): a local part and a domain around one `@`,
/// the domain not starting or ending with a dot, no whitespace or control characters.
/// Whitespace around it is allowed: the server trims it away.
pub const EMAIL: &str = "^[\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*\
[^@\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+\
@[^@.\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]\
(?:[^@\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*\
[^@.\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000])?\
[\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$";

/// An ISO 4217 currency code (`paywall::OfferSpec::validate`).
pub const CURRENCY: &str = "^[A-Z]{3}$";

/// A URL slug: lower-case ASCII letters and digits in words joined by single hyphens
/// (`slug::problem`, which also limits the length).
pub const SLUG: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// A BCP 47 language tag as sites and feeds use them: a language (two or three
/// letters), then subtags of one to eight letters or digits (`en`, `en-GB`, `zh-Hant-TW`).
pub const LANGUAGE: &str = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$";

/// An identifier another system gave a record (a WordPress GUID, a wire's story id),
/// kept exactly as given: no control characters, and neither starting nor ending with
/// whitespace (`str::trim`'s), so that what is stored is what a client will look up.
/// (`external::problem` also limits the length.)
pub const EXTERNAL_ID: &str = "^[^\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]\
(?:[^\\u0000-\\u001F\\u007F-\\u009F]*\
[^\\u0000-\\u0020\\u007F-\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000])?$";

/// The first and last years a client-given time may fall in (UTC): both backends store
/// them exactly, and they sort as time on both (`article::time_in_range`).
pub const MIN_YEAR: i32 = 1970;
pub const MAX_YEAR: i32 = 9999;

/// [`MIN_YEAR`] to [`MAX_YEAR`] (1970-01-01 to 9999-12-31, UTC) on the date as written:
/// a year from 1970 to 9999; on the first and last day, only an offset that keeps the
/// instant inside (`Z`, `-hh:mm` or `+00:00` on 1970-01-01; `Z`, `+hh:mm` or `-00:00`
/// on 9999-12-31). The rest of the syntax is `format: date-time`. It cannot be the
/// validator (the server checks the parsed instant); a test holds the two together.
/// (The server takes the instant in UTC, so a few times on those two days with an
/// offset, and on 1969-12-31 with a negative one, are accepted although this says no:
/// the spec states less than the server takes, never more.)
pub const DATE_TIME_RANGE: &str = "^(?:\
(?:19[89][0-9]|197[1-9]|[2-8][0-9]{3}|9[0-8][0-9]{2}|99[0-8][0-9]|999[0-8])-\
|1970-(?:0[2-9]|1[0-2]|01-(?:0[2-9]|[12][0-9]|3[01]))\
|9999-(?:0[1-9]|1[01]|12-(?:[0-2][0-9]|30))\
|1970-01-01[Tt][0-9:.]*(?:[Zz]|-[0-9]{2}:[0-9]{2}|\\+00:00)$\
|9999-12-31[Tt][0-9:.]*(?:[Zz]|\\+[0-9]{2}:[0-9]{2}|-00:00)$\
)";

/// A compiled pattern. The patterns are constants, compiled by the tests below: one
/// that did not compile would fail there, long before a request.
fn compile(pattern: &'static str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("domain::rules: {pattern} does not compile: {e}"))
}

static NO_CONTROL_CHARACTERS_RE: LazyLock<Regex> = LazyLock::new(|| compile(NO_CONTROL_CHARACTERS));
static NOT_BLANK_RE: LazyLock<Regex> = LazyLock::new(|| compile(NOT_BLANK));
static HTTP_URL_RE: LazyLock<Regex> = LazyLock::new(|| compile(HTTP_URL));
static EMAIL_RE: LazyLock<Regex> = LazyLock::new(|| compile(EMAIL));
static CURRENCY_RE: LazyLock<Regex> = LazyLock::new(|| compile(CURRENCY));
static SLUG_RE: LazyLock<Regex> = LazyLock::new(|| compile(SLUG));
static LANGUAGE_RE: LazyLock<Regex> = LazyLock::new(|| compile(LANGUAGE));
static EXTERNAL_ID_RE: LazyLock<Regex> = LazyLock::new(|| compile(EXTERNAL_ID));

/// Whether `text` matches [`NO_CONTROL_CHARACTERS`].
pub fn has_no_control_characters(text: &str) -> bool {
    NO_CONTROL_CHARACTERS_RE.is_match(text)
}

/// Whether `text` matches [`NOT_BLANK`].
pub fn is_not_blank(text: &str) -> bool {
    NOT_BLANK_RE.is_match(text)
}

/// Whether `url` matches [`HTTP_URL`].
pub fn is_http_url(url: &str) -> bool {
    HTTP_URL_RE.is_match(url)
}

/// Whether `email` matches [`EMAIL`].
pub fn is_email(email: &str) -> bool {
    EMAIL_RE.is_match(email)
}

/// Whether `code` matches [`CURRENCY`].
pub fn is_currency(code: &str) -> bool {
    CURRENCY_RE.is_match(code)
}

/// Whether `slug` matches [`SLUG`].
pub fn is_slug(slug: &str) -> bool {
    SLUG_RE.is_match(slug)
}

/// Whether `tag` matches [`LANGUAGE`].
pub fn is_language(tag: &str) -> bool {
    LANGUAGE_RE.is_match(tag)
}

/// Whether `id` matches [`EXTERNAL_ID`].
pub fn is_external_id(id: &str) -> bool {
    EXTERNAL_ID_RE.is_match(id)
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for pattern in
            [NO_CONTROL_CHARACTERS, NOT_BLANK, HTTP_URL, EMAIL, CURRENCY, SLUG, LANGUAGE, EXTERNAL_ID, DATE_TIME_RANGE]
        {
            assert!(Regex::new(pattern).is_ok(), "{pattern}");
        }
    }

    /// The patterns say what `char::is_control` and `char::is_whitespace` say, for
    /// every character of the Basic Multilingual Plane and a few beyond.
    #[test]
    fn classes_agree_with_the_standard_library() {
        let chars = (0..=0xFFFF_u32).chain([0x1_0000, 0x1_F5DE, 0xE_0100, 0x10_FFFF]).filter_map(char::from_u32);
        for c in chars {
            let s = c.to_string();
            assert_eq!(has_no_control_characters(&s), !c.is_control(), "{c:?}");
            assert_eq!(is_not_blank(&s), !c.is_control() && !c.is_whitespace(), "{c:?}");
        }
    }

    #[test]
    fn slugs_urls_and_currencies() {
        for (slug, ok) in [("asia", true), ("asia-2030", true), ("a--b", false), ("-a", false), ("a-", false)] {
            assert_eq!(is_slug(slug), ok, "{slug}");
        }
        assert!(!is_slug("Asia") && !is_slug("") && !is_slug("ü"));
        for (url, ok) in [("http://x", true), ("HTTPS://x", true), ("https://", false), ("https://a b", false)] {
            assert_eq!(is_http_url(url), ok, "{url}");
        }
        assert!(is_currency("USD") && !is_currency("usd") && !is_currency("USDX") && !is_currency(" USD"));
    }

    /// [`DATE_TIME_RANGE`] allows only times `article::client_time` accepts, and on
    /// these boundary samples exactly those (the last ones are the stated exceptions).
    #[test]
    fn the_date_time_pattern_agrees_with_client_time() {
        let range = compile(DATE_TIME_RANGE);
        let accepted = |at: &str| {
            let t = DateTime::parse_from_rfc3339(at).unwrap().with_timezone(&Utc);
            super::super::article::client_time("at", t).is_ok()
        };
        for (at, exact) in [
            ("1970-01-01T00:00:00Z", true),
            ("1970-01-01T00:00:00+00:00", true),
            ("1970-01-01T00:00:00-00:00", true),
            ("1969-12-31T23:59:59Z", true),
            ("1969-12-31T23:59:59.999999+00:00", true),
            ("1970-01-01T00:30:00+01:00", true),
            ("1970-01-01T10:00:00-01:00", true),
            ("1970-01-02T00:00:00+14:00", true),
            ("1970-02-01T00:00:00+05:00", true),
            ("1971-01-01T00:00:00+14:00", true),
            ("2026-06-01T12:00:00+14:00", true),
            ("9998-12-31T23:59:59-14:00", true),
            ("9999-12-30T23:00:00-05:00", true),
            ("9999-12-31T23:59:59.999999Z", true),
            ("9999-12-31T23:59:59.999999-00:00", true),
            ("9999-12-31T23:00:00+02:00", true),
            ("9999-12-31T23:00:00-02:00", true),
            ("0001-01-01T00:00:00Z", true),
            ("1969-01-01T00:00:00Z", true),
            ("1970-01-01T05:00:00+01:00", false),
            ("9999-12-31T10:00:00-01:00", false),
            ("1969-12-31T23:30:00-01:00", false),
        ] {
            let allowed = range.is_match(at);
            assert!(!allowed || accepted(at), "{at}: the pattern allows what the server refuses");
            if exact {
                assert_eq!(allowed, accepted(at), "{at}");
            }
        }
    }
}
