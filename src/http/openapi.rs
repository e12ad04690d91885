//! The OpenAPI document: info, tags, the bearer security scheme, and the standard
//! error responses every operation can give (added by one rule, so no handler can
//! forget one). Paths come from the handlers' `#[utoipa::path]` as they are mounted.

use serde_json::json;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::error::{FieldError, Problem};

pub const BEARER: &str = "bearerAuth";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Masthead API",
        description = "A headless CMS for newsrooms: articles, sections, sponsored content, reader polls and a metered paywall. Errors are RFC 9457 problem+json with a stable `code`.",
        license(name = "MIT", identifier = "MIT"),
    ),
    components(schemas(Problem, FieldError)),
    tags(
        (name = "operations", description = "Liveness and readiness."),
        (name = "auth", description = "Signing in, refreshing and signing out; the current user."),
        (name = "users", description = "Accounts and roles (admins only)."),
        (name = "sections", description = "The site's sections, a tree (admins and editors change them)."),
        (name = "articles", description = "The newsroom's articles: writing, the workflow, trash and revisions."),
        (name = "sponsored", description = "Sponsored content: campaigns with enforced disclosure (commercial users and admins; editors read)."),
        (name = "polls", description = "Reader polls: admins and editors write them, writers read them; results and free-text answers for editors."),
        (name = "paywall", description = "The metered paywall's configuration (admins)."),
        (name = "offers", description = "Subscription offers (admins and commercial users)."),
        (name = "public", description = "The public delivery API: no token, cacheable, only published content."),
    ),
)]
pub struct ApiDoc;

/// Applies what needs the collected paths: the security scheme and standard errors.
pub fn finish(api: &mut OpenApiDoc) {
    SecurityScheme_.modify(api);
    StandardErrors.modify(api);
}

#[allow(non_camel_case_types)]
struct SecurityScheme_;

impl Modify for SecurityScheme_ {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            BEARER,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("An access token from POST /api/v1/auth/login."))
                    .build(),
            ),
        );
    }
}

/// The shared error responses, by status: (component name, description, example code).
const STANDARD: &[(&str, &str, &str, &str)] = &[
    ("400", "BadRequest", "Malformed JSON or an unknown query parameter.", "malformed_json"),
    ("401", "Unauthorized", "Missing, invalid, expired or revoked access token.", "invalid_token"),
    ("403", "Forbidden", "Signed in, but the role may not do this.", "forbidden"),
    ("404", "NotFound", "No such resource (or not visible to the caller).", "not_found"),
    ("409", "Conflict", "The request conflicts with the current state.", "conflict"),
    ("412", "PreconditionFailed", "If-Match does not match the current ETag.", "precondition_failed"),
    ("413", "PayloadTooLarge", "The request body is over the size limit.", "payload_too_large"),
    ("415", "UnsupportedMediaType", "The request body is not application/json.", "unsupported_media_type"),
    ("422", "ValidationFailed", "A field is unknown, missing or invalid; `errors` names each.", "validation_failed"),
    ("428", "PreconditionRequired", "The request needs an If-Match header.", "precondition_required"),
    ("429", "TooManyRequests", "Rate limited; see Retry-After.", "rate_limited"),
    ("500", "InternalError", "An unexpected error; the body carries no internals.", "internal_error"),
    ("503", "ServiceUnavailable", "The database is unreachable or busy; retry shortly.", "service_unavailable"),
];

/// Adds the shared problem responses to `components.responses`, and to each operation
/// the ones it can give by construction: 400 and 500 always, 503 where the database is
/// used, 401 where a token is required, 413/415/422 where a body is read, 422 where
/// query parameters are parsed. Handlers list the rest (403, 404, 409, 429...) themselves.
struct StandardErrors;

impl Modify for StandardErrors {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (status, name, description, _) in STANDARD {
            let response = ResponseBuilder::new()
                .description(*description)
                .content("application/problem+json", problem_content(status))
                .build();
            components.responses.insert((*name).to_string(), RefOr::T(response));
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let uses_db = path != "/healthz";
            for op in
                [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
            {
                add_standard(op, uses_db);
            }
        }
    }
}

fn add_standard(op: &mut Operation, uses_db: bool) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_query =
        op.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Query));
    let mut wanted = vec!["400", "500"];
    if uses_db {
        wanted.push("503");
    }
    if secured {
        wanted.push("401");
    }
    if op.request_body.is_some() {
        wanted.extend(["413", "415", "422"]);
    }
    if has_query {
        wanted.push("422");
    }
    for status in wanted {
        reference(op, status);
    }
    // Handlers describe their own specific errors (409 last admin, 429...): give
    // those the problem schema too.
    for (status, response) in op.responses.responses.iter_mut() {
        if let RefOr::T(response) = response {
            if (status.starts_with('4') || status.starts_with('5')) && response.content.is_empty() {
                response.content.insert("application/problem+json".to_string(), RefOr::T(problem_content(status)));
            }
        }
    }
}

fn problem_content(status: &str) -> utoipa::openapi::Content {
    let code = STANDARD.iter().find(|(s, ..)| *s == status).map(|(.., code)| *code).unwrap_or("error");
    let title = actix_web::http::StatusCode::from_bytes(status.as_bytes())
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let example = json!({
        "type": format!("urn:masthead:problem:{code}"),
        "title": title,
        "status": status.parse::<u16>().unwrap_or(500),
        "detail": STANDARD.iter().find(|(s, ..)| *s == status).map(|(_, _, d, _)| *d).unwrap_or("An error."),
        "instance": "/api/v1/...",
        "code": code,
        "errors": [],
    });
    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).example(Some(example)).build()
}

fn reference(op: &mut Operation, status: &str) {
    if let Some((_, name, _, _)) = STANDARD.iter().find(|(s, ..)| *s == status) {
        op.responses.responses.entry(status.to_string()).or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
    }
}
