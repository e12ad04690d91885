//! Request extractors that answer in problem+json: JSON bodies (415 wrong type, 413 too
//! large, 400 malformed, 422 unknown field or wrong shape, naming the field), query
//! strings (400 unknown parameter, 422 bad value), and the client's address.

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::config::ProxyRange;
use crate::error::{ApiError, FieldError};
use crate::http::body;
use crate::http::strict::{DataError, Query, Strict};
use crate::http::unique_keys::UniqueKeys;

/// A JSON request body. Its errors are held back until the handler asks for the value
/// (`into_inner`), after the caller has been authenticated: actix resolves extractors
/// together, and a bad body must never answer before a missing token or role does.
#[derive(Debug)]
pub struct ApiJson<T>(Result<T, ApiError>);

impl<T> ApiJson<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = is_json_content_type(req);
        let bytes = body::read(body::declared_length(req), payload.take(), body::Limits::of(req));
        Box::pin(async move {
            let parsed = async {
                let bytes = bytes.await?;
                if !content_type_ok {
                    return Err(ApiError::UnsupportedMediaType {
                        detail: "The request body must be JSON, sent with Content-Type: application/json.".into(),
                    });
                }
                parse_json(&bytes)
            };
            Ok(ApiJson(parsed.await))
        })
    }
}

/// A JSON body that may be left out entirely (no bytes at all): `None` then.
#[derive(Debug)]
pub struct OptionalJson<T>(Result<Option<T>, ApiError>);

impl<T> OptionalJson<T> {
    pub fn into_inner(self) -> Result<Option<T>, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type_ok = is_json_content_type(req);
        let bytes = body::read(body::declared_length(req), payload.take(), body::Limits::of(req));
        Box::pin(async move {
            let parsed = async {
                let bytes = bytes.await?;
                if bytes.is_empty() || bytes.trim_ascii() == b"null" {
                    return Ok(None);
                }
                if !content_type_ok {
                    return Err(ApiError::UnsupportedMediaType {
                        detail: "The request body must be JSON, sent with Content-Type: application/json.".into(),
                    });
                }
                parse_json(&bytes).map(Some)
            };
            Ok(OptionalJson(parsed.await))
        })
    }
}

fn is_json_content_type(req: &HttpRequest) -> bool {
    let Some(value) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mime = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// Parses a JSON object into `T`, naming the offending field on failure. Arrays and
/// scalars are refused (serde would read an array positionally, skipping field
/// names), and so is a NUL anywhere in a string.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut value = serde_json::from_slice::<UniqueKeys>(bytes).map_err(|e| malformed(&e))?.0;
    integral_floats_as_integers(&mut value);
    if !value.is_object() {
        return Err(ApiError::invalid("body", "must be a JSON object"));
    }
    if let Some(path) = nul_path(&value, String::new()) {
        return Err(ApiError::invalid(path, "must not contain control characters"));
    }
    serde_path_to_error::deserialize(Strict(value)).map_err(|err| {
        let path = err.path().to_string();
        let (field, message) = describe_data_error(&path, err.into_inner());
        ApiError::Validation(vec![FieldError::new(field, message)])
    })
}

/// JSON has one number type: `3.0` is the integer 3 (JSON Schema counts it as an
/// `integer` too), but serde refuses a float for an `i64`. Numbers with no fractional
/// part that fit an `i64` are made integers before deserialising; others stay floats.
fn integral_floats_as_integers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64() {
                // The range check is on floats: i64::MAX as f64 rounds up to 2^63.
                #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
                if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 {
                    *value = serde_json::Value::from(f as i64);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// The path of the first string (or key) holding a NUL character.
fn nul_path(value: &serde_json::Value, at: String) -> Option<String> {
    let join = |at: &str, key: &str| {
        if at.is_empty() { key.to_string() } else { format!("{at}.{key}") }
    };
    match value {
        serde_json::Value::String(s) if s.contains('\0') => Some(if at.is_empty() { "body".into() } else { at }),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, v)| nul_path(v, format!("{at}[{i}]")))
        }
        serde_json::Value::Object(map) => map
            .iter()
            .find_map(|(k, v)| if k.contains('\0') { Some(join(&at, "(key)")) } else { nul_path(v, join(&at, k)) }),
        _ => None,
    }
}

fn malformed(err: &serde_json::Error) -> ApiError {
    // Valid JSON syntax that reading refused: only a key given twice gets here.
    if err.is_data() {
        return ApiError::bad_request(
            "duplicate_key",
            format!("The request body is ambiguous: {}.", strip_position(&err.to_string())),
        );
    }
    ApiError::bad_request(
        "malformed_json",
        format!("The request body is not valid JSON: {}", strip_position(&err.to_string())),
    )
}

/// Turns a data error into a field name and a message a person can act on.
fn describe_data_error(path: &str, error: DataError) -> (String, String) {
    let field = if path == "." { String::new() } else { path.to_string() };
    // serde_path_to_error's path usually ends at the unknown field already; inside an
    // internally tagged enum (body blocks) it stops at the block.
    let at = |name: &str| {
        if field.is_empty() {
            name.to_string()
        } else if field == name || field.ends_with(&format!(".{name}")) {
            field.clone()
        } else {
            format!("{field}.{name}")
        }
    };
    match error {
        DataError::UnknownField { name, .. } => (at(&name), "is not a known field".into()),
        DataError::MissingField { name } => (at(name), "is required".into()),
        DataError::UnknownVariant { variant, expected } => (field, not_one_of(&variant, expected)),
        other => (if field.is_empty() { "body".to_string() } else { field }, other.to_string()),
    }
}

/// "'x' is not one of `a`, `b`, `c`" ("'x' is not `a`" when there is one).
fn not_one_of(variant: &str, expected: &[&str]) -> String {
    let names: Vec<String> = expected.iter().map(|name| format!("`{name}`")).collect();
    match names.as_slice() {
        [] => format!("'{variant}' is not a known value"),
        [one] => format!("'{variant}' is not {one}"),
        _ => format!("'{variant}' is not one of {}", names.join(", ")),
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A query string. Unknown parameters are a 400 (the route guard catches them first);
/// a bad value is a 422 naming the parameter. Held back like `ApiJson`.
#[derive(Debug)]
pub struct ApiQuery<T>(Result<T, ApiError>);

impl<T> ApiQuery<T> {
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for ApiQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(ApiQuery(parse_query(req.query_string()))))
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(Query::parse(query)).map_err(|err| {
        let path = err.path().to_string();
        match err.into_inner() {
            DataError::UnknownField { name, .. } => ApiError::BadRequest {
                code: "unknown_query_parameter",
                detail: format!("Unknown query parameter '{name}'."),
                errors: vec![FieldError::new(name, "is not a known query parameter")],
            },
            DataError::DuplicateField { name } => ApiError::invalid(name, "is given more than once"),
            other => {
                let (field, message) = describe_data_error(&path, other);
                ApiError::Validation(vec![FieldError::new(field, message)])
            }
        }
    })
}

/// The client's address: the socket peer, unless the peer is in a configured trusted
/// proxy range, in which case the right-most X-Forwarded-For entry that is not itself a
/// trusted proxy. A client cannot choose its address by sending the header.
pub fn client_ip(req: &HttpRequest, trusted_proxies: &[ProxyRange]) -> Option<IpAddr> {
    let trusted = |ip: IpAddr| trusted_proxies.iter().any(|range| range.contains(ip));
    let peer = req.peer_addr()?.ip().to_canonical();
    if !trusted(peer) {
        return Some(peer);
    }
    let forwarded = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for entry in forwarded.iter().rev() {
        // "203.0.113.7", "[2001:db8::1]:443" or "203.0.113.7:51234".
        let parsed = entry
            .parse::<IpAddr>()
            .ok()
            .or_else(|| entry.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
            .map(|ip| ip.to_canonical());
        match parsed {
            Some(ip) if trusted(ip) => continue,
            Some(ip) => return Some(ip),
            None => return Some(peer),
        }
    }
    Some(peer)
}

/// The reader id from `X-Reader-Id`: a UUID (not nil or max), in its canonical form;
/// `None` without the header, 422 when it is malformed.
pub fn reader_id(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get("x-reader-id") else { return Ok(None) };
    value
        .to_str()
        .ok()
        .and_then(|v| uuid::Uuid::try_parse(v.trim()).ok())
        .filter(|u| !u.is_nil() && !u.is_max())
        .map(|u| Some(u.hyphenated().to_string()))
        .ok_or_else(|| ApiError::invalid("X-Reader-Id", "must be a UUID (not the nil UUID)"))
}
