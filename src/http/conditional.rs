//! Optimistic concurrency: strong ETags `"<version>"` on versioned resources, and the
//! `If-Match` that every change to one needs (428 without it, 412 when stale).
//! Also content ETags and `If-None-Match` for the public, cacheable responses.

use actix_web::http::header::{self, EntityTag, Header, IfNoneMatch};
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload};
use sha2::{Digest, Sha256};

pub use crate::domain::version::{IfMatch, etag};
use crate::error::ApiError;
use crate::public_cache::Rendered;

/// A required `If-Match` header: `into_inner` is 428 when it is absent. Held back until
/// the handler asks, so that 401/403 answer first.
#[derive(Debug, Clone)]
pub struct RequireIfMatch(Option<IfMatch>);

impl RequireIfMatch {
    pub fn into_inner(self) -> Result<IfMatch, ApiError> {
        self.0.ok_or(ApiError::PreconditionRequired)
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

/// What a present `If-Match` asks for. Tags that are not quoted entity tags are
/// skipped (actix's parser drops them), so a header of nothing else matches no
/// version: 412, as a stale tag is. Weak tags never match (RFC 9110 compares strongly
/// here), and neither do tags that are not a version number.
fn if_match(req: &HttpRequest) -> IfMatch {
    match header::IfMatch::parse(req) {
        Ok(header::IfMatch::Any) => IfMatch::Any,
        Ok(header::IfMatch::Items(tags)) => {
            IfMatch::Versions(tags.iter().filter(|t| !t.weak).filter_map(|t| t.tag().parse().ok()).collect())
        }
        // Not text at all.
        Err(_) => IfMatch::Versions(Vec::new()),
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
    Ok(Rendered { etag: content_etag(&bytes), body: bytes.into() })
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
    let not_modified = none_match(req, &rendered.etag);
    let mut res = if not_modified { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, rendered.etag.clone())).insert_header((header::CACHE_CONTROL, cache));
    if not_modified {
        return res.finish();
    }
    res.content_type("application/json").body(rendered.body.clone())
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn if_match_of(values: &[&str]) -> IfMatch {
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
        assert!(!if_match_of(&["3"]).matches(3));
        assert!(if_match_of(&["*"]).matches(9));
        assert!(if_match_of(&[" * "]).matches(9));
        assert!(!if_match_of(&["garbage"]).matches(1));
        assert!(!if_match_of(&["\"abc\""]).matches(1));
        assert!(!if_match_of(&[""]).matches(1));
        assert!(if_match_of(&["garbage, \"4\""]).matches(4), "a malformed tag does not hide a good one");
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
