//! Keyset pagination: `limit` (1..=100, default 20) and an opaque `cursor`. A bad
//! limit or cursor is a 422, never clamped. Every list answers a `Page<T>`, and every
//! cursor is a `Cursor<K>` over that list's sort key.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::error::ApiError;

pub const DEFAULT_LIMIT: i64 = 20;
pub const MAX_LIMIT: i64 = 100;

pub fn limit(requested: Option<i64>) -> Result<i64, ApiError> {
    match requested {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::invalid("limit", format!("must be between 1 and {MAX_LIMIT}"))),
    }
}

/// One page of a list: `{"items": [...], "next_cursor": "..." | null}`.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// The page of `items`, continuing after `next` (a sort key) when there is more.
    pub fn new<K: Serialize>(items: Vec<T>, next: Option<K>) -> Result<Page<T>, ApiError> {
        Ok(Page { items, next_cursor: next.map(|key| Cursor::encode(&key)).transpose()? })
    }
}

/// Names a list's page in the spec. Generated clients know each list's page by its own
/// name (`ArticlePage`, `PollPage`...), so the one generic `Page<T>` takes the name its
/// item type gives it. Handlers name it in `#[utoipa::path]` through a type alias
/// (`body = ArticlePage`): written as `Page<ArticleResponse>` there, utoipa would
/// compose a new name from the type arguments.
pub trait Listed: ToSchema {
    /// The page's component name.
    const PAGE: &'static str;
    /// The page's description in the spec, if it has one.
    const PAGE_DESCRIPTION: Option<&'static str> = None;
}

impl<T: Listed> PartialSchema for Page<T> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .description(T::PAGE_DESCRIPTION)
            .property("items", ArrayBuilder::new().items(Ref::from_schema_name(T::name())))
            .required("items")
            .property(
                "next_cursor",
                ObjectBuilder::new()
                    .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                    .description(Some("Pass as `cursor` for the next page; `null` on the last page.")),
            )
            .into()
    }
}

impl<T: Listed> ToSchema for Page<T> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(T::PAGE)
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
    }
}

/// An opaque cursor over a list's sort key `K`: the key as JSON, then base64url.
/// Decoding takes only what encoding makes: anything else, a key of another shape, an
/// empty string or one holding a control character, is the same 422.
pub struct Cursor;

impl Cursor {
    pub fn encode<K: Serialize>(key: &K) -> Result<String, ApiError> {
        let json = serde_json::to_vec(key).map_err(ApiError::internal)?;
        Ok(URL_SAFE_NO_PAD.encode(json))
    }

    pub fn decode<K: DeserializeOwned>(cursor: &str) -> Result<K, ApiError> {
        let invalid = || ApiError::invalid("cursor", "is not a cursor returned by this list");
        let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if !plain_strings(&value) {
            return Err(invalid());
        }
        serde_json::from_value(value).map_err(|_| invalid())
    }
}

/// Whether every string in a decoded key is one an id or slug could be: not empty,
/// no control characters (a NUL would reach the database).
fn plain_strings(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => !s.is_empty() && !s.chars().any(char::is_control),
        serde_json::Value::Array(items) => items.iter().all(plain_strings),
        serde_json::Value::Object(map) => map.values().all(plain_strings),
        _ => true,
    }
}

/// A time in a cursor key, as microseconds since the epoch. Outside 1970..9999 it is
/// not one this server made, so it fails to decode like any bad cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At(pub DateTime<Utc>);

impl Serialize for At {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0.timestamp_micros())
    }
}

impl<'de> Deserialize<'de> for At {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<At, D::Error> {
        let micros = i64::deserialize(deserializer)?;
        DateTime::<Utc>::from_timestamp_micros(micros)
            .filter(|t| crate::domain::article::time_in_range(*t))
            .map(At)
            .ok_or_else(|| serde::de::Error::custom("time out of range"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_cursor_422(err: ApiError) -> bool {
        matches!(err, ApiError::Validation(ref e) if e.len() == 1
            && e[0].field == "cursor" && e[0].message == "is not a cursor returned by this list")
    }

    #[test]
    fn cursors_round_trip_their_keys() {
        let id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c".to_string();
        let c = Cursor::encode(&id).ok().unwrap_or_default();
        assert!(c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "base64url: {c}");
        assert_eq!(Cursor::decode::<String>(&c).ok(), Some(id.clone()));

        let key = (7_i64, id.clone());
        let c = Cursor::encode(&key).ok().unwrap_or_default();
        assert_eq!(Cursor::decode::<(i64, String)>(&c).ok(), Some(key));

        let at = DateTime::<Utc>::from_timestamp_micros(1_764_000_000_123_456).unwrap_or_default();
        let key = (At(at), id.clone(), "q|1".to_string());
        let c = Cursor::encode(&key).ok().unwrap_or_default();
        assert_eq!(Cursor::decode::<(At, String, String)>(&c).ok(), Some(key));

        let c = Cursor::encode(&42_i64).ok().unwrap_or_default();
        assert_eq!(Cursor::decode::<i64>(&c).ok(), Some(42));
    }

    #[test]
    fn anything_else_is_a_422_naming_the_cursor() {
        let b64 = |s: &str| URL_SAFE_NO_PAD.encode(s);
        for garbage in [
            "!!!".to_string(),
            String::new(),
            b64("nope"),
            b64("v1:0193-abc"),
            b64("\"\""),
            b64("\"a\\u0000b\""),
            b64("[1]"),
            b64("[1,\"a\",\"b\"]"),
            b64("1.5"),
            b64("{\"id\":\"a\"}"),
        ] {
            assert!(Cursor::decode::<String>(&garbage).is_err_and(is_cursor_422), "{garbage}");
            assert!(Cursor::decode::<(i64, String)>(&garbage).is_err_and(is_cursor_422), "{garbage}");
        }
        let other_shape = Cursor::encode(&(1_i64, "a")).ok().unwrap_or_default();
        assert!(Cursor::decode::<String>(&other_shape).is_err_and(is_cursor_422));
        assert!(Cursor::decode::<i64>(&Cursor::encode(&"7").ok().unwrap_or_default()).is_err_and(is_cursor_422));
    }

    #[test]
    fn time_keys_outside_1970_to_9999_are_refused() {
        let before_1970 = Cursor::encode(&(-1_i64, "a")).ok().unwrap_or_default();
        assert!(Cursor::decode::<(At, String)>(&before_1970).is_err_and(is_cursor_422));
        let after_9999 = Cursor::encode(&(253_402_300_800_000_000_i64, "a")).ok().unwrap_or_default();
        assert!(Cursor::decode::<(At, String)>(&after_9999).is_err_and(is_cursor_422));
        let overflow = URL_SAFE_NO_PAD.encode("[99999999999999999999,\"a\"]");
        assert!(Cursor::decode::<(At, String)>(&overflow).is_err_and(is_cursor_422));
        let last = Cursor::encode(&(253_402_300_799_999_999_i64, "a")).ok().unwrap_or_default();
        assert!(Cursor::decode::<(At, String)>(&last).is_ok());
    }

    #[test]
    fn limits_are_checked_not_clamped() {
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
        assert_eq!(limit(Some(100)).ok(), Some(100));
        assert_eq!(limit(None).ok(), Some(20));
    }
}
