//! Optimistic concurrency: strong ETags `"<version>"` on versioned resources, and the
//! `If-Match` that every change to one needs (428 without it, 412 when stale).
//! Also content ETags and `If-None-Match` for the public, cacheable responses.

use actix_web::http::header::{self, AcceptEncoding, Encoding, EntityTag, Header, IfNoneMatch};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, dev::Payload};
use sha2::{Digest, Sha256};

pub use crate::domain::version::{IfMatch, etag};
use crate::error::ApiError;
use crate::public_cache::{Form, Rendered};

/// A required `If-Match` header: `into_inner` is 428 when it is absent and 400 when it
/// is not `*` or a list of entity tags. Held back until the handler asks, so that
/// 401/403 answer first.
#[derive(Debug, Clone)]
pub struct RequireIfMatch(Option<Option<IfMatch>>);

impl RequireIfMatch {
    pub fn into_inner(self) -> Result<IfMatch, ApiError> {
        match self.0 {
            None => Err(ApiError::PreconditionRequired),
            Some(None) => Err(ApiError::bad_request(
                "malformed_if_match",
                "If-Match must be * or a list of quoted entity tags, such as \"3\" (the ETag you read).",
            )),
            Some(Some(if_match)) => Ok(if_match),
        }
    }

    /// For resources where the condition is the caller's choice: `None` when absent,
    /// 400 when malformed.
    pub fn optional(self) -> Result<Option<IfMatch>, ApiError> {
        match self.0 {
            None => Ok(None),
            some => RequireIfMatch(some).into_inner().map(Some),
        }
    }
}

impl FromRequest for RequireIfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let value = req.headers().contains_key(header::IF_MATCH).then(|| if_match(req));
        std::future::ready(Ok(RequireIfMatch(value)))
    }
}

/// What the `If-Match` header syntax accepts (RFC 9110: `*`, or a comma-separated list
/// of entity tags, strong `"..."` or weak `W/"..."`, empty elements allowed), as the
/// spec's pattern for the header. Tags hold visible ASCII other than `"`.
pub const IF_MATCH_PATTERN: &str =
    r#"^[\t ]*(\*|[\t ,]*((W/)?"[!#-~]*"[\t ]*(,[\t ,]*(W/)?"[!#-~]*"[\t ]*)*)?[\t ,]*)[\t ]*$"#;

/// What a present `If-Match` asks for, or `None` when it is malformed (not `*` or a
/// list of entity tags; several headers are one list). Well-formed tags that can never
/// match (weak ones, since RFC 9110 compares strongly here, or ones that are not a
/// version number) match no version: 412, as a stale tag is.
fn if_match(req: &HttpRequest) -> Option<IfMatch> {
    let mut values = Vec::new();
    for value in req.headers().get_all(header::IF_MATCH) {
        values.push(value.to_str().ok()?);
    }
    let joined = values.join(",");
    if joined.trim_matches([' ', '\t']) == "*" {
        return Some(IfMatch::Any);
    }
    let tags = entity_tags(&joined)?;
    Some(IfMatch::Versions(tags.into_iter().filter(|(weak, _)| !weak).filter_map(|(_, t)| t.parse().ok()).collect()))
}

/// Parses `#entity-tag` (RFC 9110 section 8.8.3): (weak, opaque text) for each tag, or
/// `None` when anything else is there.
fn entity_tags(list: &str) -> Option<Vec<(bool, &str)>> {
    let mut tags = Vec::new();
    let mut rest = list;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            return Some(tags);
        }
        let (weak, after) = match rest.strip_prefix("W/") {
            Some(after) => (true, after),
            None => (false, rest),
        };
        let body = after.strip_prefix('"')?;
        let end = body.find('"')?;
        let tag = &body[..end];
        if !tag.bytes().all(|b| b == 0x21 || (0x23..=0x7e).contains(&b)) {
            return None;
        }
        tags.push((weak, tag));
        rest = body[end + 1..].trim_start_matches([' ', '\t']);
        if !rest.is_empty() && !rest.starts_with(',') {
            return None;
        }
    }
}

/// A strong ETag over a public response body.
pub fn content_etag(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for GET).
/// Malformed tags in the header match nothing; an unreadable header is ignored.
pub fn none_match(req: &HttpRequest, etag: &str) -> bool {
    let Ok(ours) = etag.parse::<EntityTag>() else { return false };
    match IfNoneMatch::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(&ours)),
        Err(_) => false,
    }
}

/// A public, cacheable JSON response: ETag, Cache-Control, and 304 on a match.
pub fn public_json(req: &HttpRequest, max_age: u32, body: &impl serde::Serialize) -> Result<HttpResponse, ApiError> {
    public_json_until(req, max_age, None, body)
}

/// Like `public_json`, for answers that expire at a known instant (a sponsored block's
/// end): `max-age` never reaches past `expires_in` seconds, and no stale copy may be
/// served, so a cache cannot show a block after its flight.
pub fn public_json_until(
    req: &HttpRequest,
    max_age: u32,
    expires_in: Option<i64>,
    body: &impl serde::Serialize,
) -> Result<HttpResponse, ApiError> {
    Ok(respond(req, max_age, expires_in, &render(body)?))
}

/// A public body, serialised, with its ETag.
pub fn render(body: &impl serde::Serialize) -> Result<Rendered, ApiError> {
    let bytes = serde_json::to_vec(body).map_err(ApiError::internal)?;
    Ok(Rendered::json(content_etag(&bytes), bytes.into()))
}

/// Answers a rendered public body: ETag, Cache-Control (as `public_json_until`
/// says), and 304 when `If-None-Match` names it.
pub fn respond(req: &HttpRequest, max_age: u32, expires_in: Option<i64>, rendered: &Rendered) -> HttpResponse {
    let cache = match expires_in {
        Some(secs) => {
            let capped = u32::try_from(secs.max(0)).unwrap_or(u32::MAX).min(max_age);
            format!("public, max-age={capped}, must-revalidate")
        }
        None => format!("public, max-age={max_age}, stale-while-revalidate={}", max_age.saturating_mul(5).max(30)),
    };
    let send_gzipped = rendered.form == Form::Gzipped && accepts_gzip(req);
    // The tag of the form this request gets: If-None-Match is compared with that one
    // only (RFC 9110, 13.1.2), so that a 304 never vouches for the other form.
    let etag = if send_gzipped { gzip_etag(&rendered.etag) } else { rendered.etag.clone() };
    // If-Modified-Since counts only without If-None-Match (RFC 9110, 13.2.2).
    let not_modified = if req.headers().contains_key(header::IF_NONE_MATCH) {
        none_match(req, &etag)
    } else {
        unmodified_since(req, rendered.last_modified)
    };
    let mut res = if not_modified { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, etag)).insert_header((header::CACHE_CONTROL, cache));
    if rendered.form != Form::Plain {
        res.insert_header((header::VARY, "Accept-Encoding"));
    }
    if let Some(at) = rendered.last_modified {
        res.insert_header((header::LAST_MODIFIED, header::HttpDate::from(std::time::SystemTime::from(at))));
    }
    if not_modified {
        return res.finish();
    }
    res.content_type(rendered.content_type);
    if send_gzipped {
        return res.insert_header((header::CONTENT_ENCODING, "gzip")).body(rendered.body.clone());
    }
    match rendered.plain_body() {
        Ok(body) => res.body(body),
        Err(e) => ApiError::internal(e).error_response(),
    }
}

/// Whether the client takes gzip rather than the body as it is.
pub fn accepts_gzip(req: &HttpRequest) -> bool {
    let Ok(accept) = AcceptEncoding::parse(req) else { return false };
    accept.negotiate([Encoding::gzip(), Encoding::identity()].iter()) == Some(Encoding::gzip())
}

/// The ETag of the gzipped form of the body tagged `etag` (another representation,
/// so another tag).
pub fn gzip_etag(etag: &str) -> String {
    format!("{}-gz\"", etag.trim_end_matches('"'))
}

/// Whether `If-Modified-Since` names a time at or after `last_modified` (to the
/// second, as HTTP dates go).
fn unmodified_since(req: &HttpRequest, last_modified: Option<chrono::DateTime<chrono::Utc>>) -> bool {
    let Some(at) = last_modified else { return false };
    let Ok(header::IfModifiedSince(since)) = header::IfModifiedSince::parse(req) else { return false };
    // HTTP dates have no fraction of a second.
    let secs = |t: std::time::SystemTime| t.duration_since(std::time::UNIX_EPOCH).ok().map(|d| d.as_secs());
    match (secs(std::time::SystemTime::from(at)), secs(std::time::SystemTime::from(since))) {
        (Some(at), Some(since)) => at <= since,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn if_match_of(values: &[&str]) -> IfMatch {
        try_if_match(values).unwrap_or_else(|| panic!("{values:?} is well-formed"))
    }

    fn try_if_match(values: &[&str]) -> Option<IfMatch> {
        let req = values.iter().fold(TestRequest::default(), |r, v| r.append_header((header::IF_MATCH, *v)));
        if_match(&req.to_http_request())
    }

    fn none_match_of(values: &[&str], etag: &str) -> bool {
        let req = values.iter().fold(TestRequest::default(), |r, v| r.append_header((header::IF_NONE_MATCH, *v)));
        none_match(&req.to_http_request(), etag)
    }

    #[test]
    fn if_match_takes_strong_version_tags_only() {
        assert!(if_match_of(&["\"3\""]).matches(3));
        assert!(!if_match_of(&["\"3\""]).matches(4));
        assert!(if_match_of(&["\"2\", \"3\""]).matches(3));
        assert!(if_match_of(&["\"2\"", "\"3\""]).matches(3), "repeated headers are one list");
        assert!(!if_match_of(&["W/\"3\""]).matches(3), "weak tags never match If-Match");
        assert!(if_match_of(&["*"]).matches(9));
        assert!(if_match_of(&[" * "]).matches(9));
        assert!(!if_match_of(&["\"abc\""]).matches(1));
        assert!(!if_match_of(&[""]).matches(1), "an empty list matches nothing");
        assert!(if_match_of(&[", \"4\" ,,\"5\","]).matches(5), "empty list elements are allowed");
        assert!(if_match_of(&["\"a,b\", \"6\""]).matches(6), "a comma inside a tag is part of it");
    }

    #[test]
    fn malformed_if_match_is_told_apart() {
        for bad in [
            &["3"][..],
            &["garbage"],
            &["garbage, \"4\""],
            &["\"4\" garbage"],
            &["\"4\"\"5\""],
            &["\"4"],
            &["w/\"4\""],
            &["*, \"4\""],
            &["*", "\"4\""],
            &["\"a b\""],
        ] {
            assert!(try_if_match(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn the_pattern_is_what_the_parser_takes() {
        let pattern = regex::Regex::new(IF_MATCH_PATTERN).expect("pattern");
        for value in [
            "\"3\"",
            "W/\"3\"",
            "*",
            " * ",
            "",
            ",",
            "\"1\", \"2\"",
            ", \"4\" ,,\"5\",",
            "\"a,b\"",
            "\"\"",
            "3",
            "garbage",
            "\"4\" x",
            "\"4\"\"5\"",
            "\"4",
            "w/\"4\"",
            "*, \"4\"",
            "**",
            "\"a b\"",
            "\"a\tb\"",
        ] {
            assert_eq!(pattern.is_match(value), try_if_match(&[value]).is_some(), "{value:?}");
        }
    }

    #[test]
    fn if_none_match_compares_weakly() {
        let etag = "\"0123abcd\"";
        assert!(none_match_of(&["\"0123abcd\""], etag));
        assert!(none_match_of(&["W/\"0123abcd\""], etag));
        assert!(none_match_of(&["\"other\", W/\"0123abcd\""], etag));
        assert!(none_match_of(&["\"other\"", "\"0123abcd\""], etag));
        assert!(none_match_of(&["*"], etag));
        assert!(!none_match_of(&["\"other\""], etag));
        assert!(!none_match_of(&["0123abcd"], etag), "an unquoted tag is not a tag");
        assert!(!none_match_of(&[], etag));
        assert!(none_match_of(&["garbage, \"0123abcd\""], etag));
    }
}
