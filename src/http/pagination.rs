//! Keyset pagination: `limit` (1..=100, default 20) and an opaque `cursor`. A bad
//! limit or cursor is a 422, never clamped.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

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

const PREFIX: &str = "v1:";

/// Wraps a sort key into an opaque cursor.
pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{PREFIX}{key}"))
}

/// Unwraps a cursor made by `encode_cursor`; anything else is a 422.
pub fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    let invalid = || ApiError::invalid("cursor", "is not a cursor returned by this list");
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let key = text.strip_prefix(PREFIX).ok_or_else(invalid)?;
    if key.is_empty() || key.chars().any(char::is_control) {
        return Err(invalid());
    }
    Ok(key.to_string())
}

/// A cursor over (time, id) keys, as the public lists and answer lists use.
pub fn encode_time_cursor(at: chrono::DateTime<chrono::Utc>, id: &str) -> String {
    encode_cursor(&format!("{}:{id}", at.timestamp_micros()))
}

/// Unwraps `encode_time_cursor`; a time outside 1970..9999 is a 422 like any bad cursor.
pub fn decode_time_cursor(cursor: &str) -> Result<(chrono::DateTime<chrono::Utc>, String), ApiError> {
    let invalid = || ApiError::invalid("cursor", "is not a cursor returned by this list");
    let key = decode_cursor(cursor)?;
    let (micros, id) = key.split_once(':').ok_or_else(invalid)?;
    let at = chrono::DateTime::<chrono::Utc>::from_timestamp_micros(micros.parse().map_err(|_| invalid())?)
        .filter(|t| crate::domain::article::time_in_range(*t))
        .ok_or_else(invalid)?;
    Ok((at, id.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = encode_cursor("0193-abc");
        assert_eq!(decode_cursor(&c).ok().as_deref(), Some("0193-abc"));
        assert!(decode_cursor("!!!").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("nope")).is_err());
        assert!(limit(Some(0)).is_err());
        assert!(limit(Some(101)).is_err());
        assert_eq!(limit(None).ok(), Some(20));
    }
}
