//! The OpenAPI document: info, tags, the bearer security scheme, and the standard
//! error responses every operation can give (added by one rule, so no handler can
//! forget one). Paths come from the handlers' `#[utoipa::path]` as they are mounted.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, Discriminator, Object, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::server::ServerBuilder;
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, Ref, RefOr, Required, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::error::{FieldError, Problem};

pub const BEARER: &str = "bearerAuth";
pub const API_KEY: &str = "apiKeyAuth";
pub const REFRESH_COOKIE_SCHEME: &str = "refreshCookie";

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
        (name = "authors", description = "Authors: the people and agencies bylines name, with or without an account (admins and editors change them)."),
        (name = "tags", description = "Tags: what articles carry, with slugs for their public pages; rename, merge and delete (admins and editors)."),
        (name = "corrections", description = "An article's public log of corrections, clarifications and updates (editors and admins write it)."),
        (name = "sponsored", description = "Sponsored content: campaigns with enforced disclosure (commercial users and admins; editors read)."),
        (name = "polls", description = "Reader polls: admins and editors write them, writers read them; results and free-text answers for editors."),
        (name = "paywall", description = "The metered paywall's configuration (admins)."),
        (name = "site", description = "The site's name, address, publisher, language and time zone (admins)."),
        (name = "offers", description = "Subscription offers (admins and commercial users)."),
        (name = "media", description = "The media library: uploaded images with their metadata and renditions."),
        (name = "webhooks", description = "Signed event notifications to other systems, with their delivery log (admins)."),
        (name = "audit", description = "The audit log: sign-ins, account and key changes, and the publishing workflow, by whom and from where (admins read it)."),
        (name = "api-keys", description = "Keys for integrations, each acting as an account with its key's role, never an admin (admins make and revoke them)."),
        (name = "public", description = "The public delivery API: no token, cacheable, only published content."),
    ),
)]
pub struct ApiDoc;

/// Applies what needs the collected paths: the server, the security scheme (and an
/// explicit empty requirement on public operations), the standard errors, the tagged
/// body-block unions and the request examples.
pub fn finish(api: &mut OpenApiDoc) {
    api.servers = Some(vec![
        ServerBuilder::new().url("/").description(Some("The Masthead instance serving this document.")).build(),
    ]);
    FlatObjects.modify(api);
    SecurityScheme_.modify(api);
    StandardErrors.modify(api);
    TaggedBlocks.modify(api);
    RequestExamples.modify(api);
    ResponseExamples.modify(api);
}

/// Every operation of the collected paths, mutably.
pub(crate) fn operations(api: &mut OpenApiDoc) -> impl Iterator<Item = (&String, &mut Operation)> {
    api.paths.paths.iter_mut().flat_map(|(path, item)| {
        [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete]
            .into_iter()
            .flatten()
            .map(move |op| (path, op))
    })
}

/// serde's `flatten` is how one type reuses another's fields (an article's answer is its
/// content and its state; a revision is its summary and content), and utoipa states
/// it as `allOf`. Clients read one object, so such a schema is written as one object:
/// the properties and required fields of its parts together, the outer description
/// and examples kept. A part that is not a plain object leaves the schema as it is.
struct FlatObjects;

impl Modify for FlatObjects {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let Some(components) = openapi.components.as_mut() else { return };
        let mut flat = Vec::new();
        for (name, schema) in &components.schemas {
            let RefOr::T(Schema::AllOf(all)) = schema else { continue };
            let mut object = Object::with_type(Type::Object);
            let merged = all.items.iter().all(|item| {
                let part = match item {
                    RefOr::Ref(r) => {
                        r.ref_location.strip_prefix("#/components/schemas/").and_then(|n| components.schemas.get(n))
                    }
                    inline => Some(inline),
                };
                let Some(RefOr::T(Schema::Object(part))) = part else { return false };
                object.properties.extend(part.properties.clone());
                object.required.extend(part.required.iter().cloned());
                true
            });
            if merged {
                object.description.clone_from(&all.description);
                object.example.clone_from(&all.example);
                object.examples.clone_from(&all.examples);
                flat.push((name.clone(), object));
            }
        }
        for (name, object) in flat {
            components.schemas.insert(name, RefOr::T(Schema::Object(object)));
        }
    }
}

#[allow(non_camel_case_types)]
struct SecurityScheme_;

/// Where an API key is no use: managing users and keys and reading the audit log is for
/// admins, which no key is, and a key has no password to change.
const NOT_FOR_API_KEYS: &[&str] = &["/api/v1/users", "/api/v1/api-keys", "/api/v1/audit-log", "/api/v1/auth/password"];

impl Modify for SecurityScheme_ {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        // Public operations say so: an empty requirement, rather than none at all.
        for (path, op) in operations(openapi) {
            let security = op.security.get_or_insert_with(Vec::new);
            let for_keys = !NOT_FOR_API_KEYS.iter().any(|p| path == p || path.starts_with(&format!("{p}/")));
            if for_keys && security.contains(&SecurityRequirement::new(BEARER, Vec::<String>::new())) {
                security.push(SecurityRequirement::new(API_KEY, Vec::<String>::new()));
            }
        }
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
        components.add_security_scheme(
            API_KEY,
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("mhk_...")
                    .description(Some(
                        "An API key from POST /api/v1/api-keys, sent as `Authorization: Bearer mhk_...`: it acts as an account of its own with the key's role (editor, writer or commercial).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            REFRESH_COOKIE_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::http::auth::REFRESH_COOKIE,
                "A browser session's refresh token, set by POST /api/v1/auth/session as an HttpOnly, SameSite=Strict cookie sent only to /api/v1/auth/session.",
            ))),
        );
    }
}

/// The shared error responses, by status: (component name, description, example code).
const STANDARD: &[(&str, &str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "Malformed JSON, a key given twice in one object, an unknown query parameter or a malformed If-Match.",
        "malformed_json",
    ),
    (
        "401",
        "Unauthorized",
        "No access token or API key, or an unusable one: `invalid_token` (missing or not valid), `token_expired` (refresh it) or `token_revoked` (sign in again; an API key that was revoked or has expired).",
        "invalid_token",
    ),
    ("403", "Forbidden", "Signed in, but the role may not do this.", "forbidden"),
    ("404", "NotFound", "No such resource (or not visible to the caller).", "not_found"),
    (
        "408",
        "RequestTimeout",
        "The request body did not arrive within the body timeout; the connection is closed.",
        "request_timeout",
    ),
    ("409", "Conflict", "The request conflicts with the current state.", "conflict"),
    ("412", "PreconditionFailed", "If-Match does not match the current ETag.", "precondition_failed"),
    ("413", "PayloadTooLarge", "The request body is over the size limit.", "payload_too_large"),
    ("415", "UnsupportedMediaType", "The request body is not application/json.", "unsupported_media_type"),
    ("422", "ValidationFailed", "A field is unknown, missing or invalid; `errors` names each.", "validation_failed"),
    ("428", "PreconditionRequired", "The request needs an If-Match header.", "precondition_required"),
    ("429", "TooManyRequests", "Rate limited; see Retry-After.", "rate_limited"),
    ("500", "InternalError", "An unexpected error; the body carries no internals.", "internal_error"),
    (
        "503",
        "ServiceUnavailable",
        "The database is unreachable or busy, or cannot store anything (`storage_unavailable`: disk full, read-only), or too many request bodies are being read at once (`overloaded`); retry shortly.",
        "service_unavailable",
    ),
];

/// Adds the shared problem responses to `components.responses`, and to each operation
/// the ones it can give by construction: 400 and 500 always, 503 where the database is
/// used, 401 where a token is required, 408/413/415/422/503 where a body is read, 422 where
/// query parameters are parsed. Handlers list the rest (403, 404, 409, 429...) themselves.
struct StandardErrors;

impl Modify for StandardErrors {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let mut used = BTreeSet::new();
        for (path, op) in operations(openapi) {
            add_standard(op, path != "/healthz");
            used.extend(op.responses.responses.values().filter_map(|r| match r {
                RefOr::Ref(r) => r.ref_location.rsplit('/').next().map(str::to_string),
                RefOr::T(_) => None,
            }));
        }
        // Only the shared responses some operation refers to (no unused components).
        let components = openapi.components.get_or_insert_with(Default::default);
        for (status, name, description, _) in STANDARD.iter().filter(|(_, name, ..)| used.contains(*name)) {
            let response = ResponseBuilder::new()
                .description(*description)
                .content("application/problem+json", problem_content(status))
                .build();
            components.responses.insert((*name).to_string(), RefOr::T(response));
        }
    }
}

fn add_standard(op: &mut Operation, uses_db: bool) {
    // A credential is needed when every alternative names one (`{}` is "none needed").
    let secured = op
        .security
        .as_ref()
        .is_some_and(|s| !s.is_empty() && !s.contains(&utoipa::openapi::security::SecurityRequirement::default()));
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
        wanted.extend(["408", "413", "415", "422", "503"]);
    }
    if has_query || has_header(op, "X-Reader-Id") {
        wanted.push("422");
    }
    // Conditional GETs take If-None-Match (the 304 is theirs).
    if op.responses.responses.contains_key("304") && !has_header(op, "If-None-Match") {
        let parameter = ParameterBuilder::new()
            .name("If-None-Match")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some("An ETag from an earlier answer: 304 without a body while it still holds."))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build();
        op.parameters.get_or_insert_with(Vec::new).push(RefOr::T(parameter));
    }
    // If-Match takes `*` or entity tags; anything else is 400 `malformed_if_match`.
    for parameter in op.parameters.iter_mut().flatten() {
        if let RefOr::T(p) = parameter
            && p.parameter_in == ParameterIn::Header
            && p.name.eq_ignore_ascii_case("If-Match")
        {
            p.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(crate::http::conditional::IF_MATCH_PATTERN))
                    .into(),
            );
        }
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

fn has_header(op: &Operation, name: &str) -> bool {
    op.parameters
        .iter()
        .flatten()
        .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case(name)))
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

/// Body blocks are tagged by `type`. Each variant of `Block` becomes a named schema
/// (`ParagraphBlock`, `PollBlock`...), and both unions, `Block` (as editors write it)
/// and `PublicBodyBlock` (as readers get it, embeds resolved), are a `oneOf` with a
/// discriminator on `type`, so generated clients get tagged unions.
struct TaggedBlocks;

impl Modify for TaggedBlocks {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let Some(components) = openapi.components.as_mut() else { return };
        let Some(RefOr::T(Schema::OneOf(block))) = components.schemas.get_mut("Block") else { return };
        let mut variants = Vec::new();
        for item in block.items.iter_mut() {
            let Some(tag) = tag_of(item) else { continue };
            let name = format!("{}Block", pascal(&tag));
            let mut schema = std::mem::replace(item, RefOr::Ref(Ref::from_schema_name(&name)));
            // `Block` denies unknown fields (serde's `deny_unknown_fields`).
            if let RefOr::T(Schema::Object(object)) = &mut schema {
                object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
            }
            variants.push((tag, name, schema));
        }
        block.discriminator = Some(discriminator(variants.iter().map(|(tag, name, _)| (tag.as_str(), name.as_str()))));

        // Readers never get a bare poll or sponsored reference, nor an image without
        // its library asset's size and renditions: those are resolved.
        let resolved =
            [("poll", "ResolvedPollBlock"), ("sponsored", "ResolvedSponsoredBlock"), ("image", "PublicImageBlock")];
        let public: Vec<(&str, &str)> = variants
            .iter()
            .map(|(tag, name, _)| {
                let resolved = resolved.iter().find(|(t, _)| t == tag).map(|(_, n)| *n);
                (tag.as_str(), resolved.unwrap_or(name.as_str()))
            })
            .collect();
        let description = match components.schemas.get("PublicBodyBlock") {
            Some(RefOr::T(Schema::OneOf(one))) => one.description.clone(),
            _ => None,
        };
        let mut union = OneOfBuilder::new().description(description).discriminator(Some(discriminator(public.clone())));
        for (_, name) in &public {
            union = union.item(Ref::from_schema_name(*name));
        }
        components.schemas.insert("PublicBodyBlock".to_string(), union.into());
        for (tag, name) in resolved {
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(name) {
                if let Some(RefOr::T(Schema::Object(kind))) = object.properties.get_mut("type") {
                    kind.enum_values = Some(vec![Value::from(tag)]);
                }
            }
        }
        for (_, name, schema) in variants {
            components.schemas.insert(name, schema);
        }
    }
}

/// The single value an object variant's `type` property is restricted to.
fn tag_of(schema: &RefOr<Schema>) -> Option<String> {
    let RefOr::T(Schema::Object(Object { properties, .. })) = schema else { return None };
    let Some(RefOr::T(Schema::Object(kind))) = properties.get("type") else { return None };
    match kind.enum_values.as_deref() {
        Some([Value::String(tag)]) => Some(tag.clone()),
        _ => None,
    }
}

fn pascal(tag: &str) -> String {
    let mut chars = tag.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn discriminator<'a>(mapping: impl IntoIterator<Item = (&'a str, &'a str)>) -> Discriminator {
    Discriminator::with_mapping(
        "type",
        mapping.into_iter().map(|(tag, name)| (tag.to_string(), format!("#/components/schemas/{name}"))),
    )
}

/// Each JSON request body shows an example: the one its schema carries (for an
/// optional body, `oneOf` the schema and `null`, the schema's).
struct RequestExamples;

impl Modify for RequestExamples {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let examples: BTreeMap<String, Value> = openapi
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .filter_map(|(name, schema)| match schema {
                RefOr::T(Schema::Object(Object { example: Some(example), .. })) => {
                    Some((format!("#/components/schemas/{name}"), example.clone()))
                }
                _ => None,
            })
            .collect();
        for (_, op) in operations(openapi) {
            let Some(RefOr::T(body)) = op.request_body.as_mut() else { continue };
            for content in body.content.values_mut() {
                let RefOr::T(content) = content else { continue };
                if content.example.is_some() {
                    continue;
                }
                let location = match &content.schema {
                    Some(RefOr::Ref(r)) => Some(r.ref_location.clone()),
                    Some(RefOr::T(Schema::OneOf(one))) => one.items.iter().find_map(|i| match i {
                        RefOr::Ref(r) => Some(r.ref_location.clone()),
                        RefOr::T(_) => None,
                    }),
                    _ => None,
                };
                content.example = location.and_then(|l| examples.get(&l).cloned());
            }
        }
    }
}

/// Each JSON success response shows an example: its schema's own, or one composed from
/// the examples of the schemas it is made of (a page of articles is a page holding the
/// article example), with plain values where a field has none.
struct ResponseExamples;

impl Modify for ResponseExamples {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let schemas = openapi
            .components
            .as_ref()
            .and_then(|c| serde_json::to_value(&c.schemas).ok())
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default();
        for (_, op) in operations(openapi) {
            for (status, response) in op.responses.responses.iter_mut() {
                let RefOr::T(response) = response else { continue };
                if !status.starts_with('2') {
                    continue;
                }
                for content in response.content.values_mut() {
                    let RefOr::T(content) = content else { continue };
                    if content.example.is_some() || !content.examples.is_empty() {
                        continue;
                    }
                    let Some(schema) = content.schema.as_ref().and_then(|s| serde_json::to_value(s).ok()) else {
                        continue;
                    };
                    content.example = Some(compose_example(&schemas, &schema, "", &mut Vec::new()));
                }
            }
        }
    }
}

/// An example value for `schema`: its own example, else one built from its parts.
/// `name` is the property it fills (ids get an id, times a time); `path` holds the
/// schemas being composed, so a recursive one (a section's children) stops at once.
fn compose_example(
    schemas: &serde_json::Map<String, Value>,
    schema: &Value,
    name: &str,
    path: &mut Vec<String>,
) -> Value {
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        let name_of = target.rsplit('/').next().unwrap_or_default().to_string();
        if path.contains(&name_of) {
            return Value::Null;
        }
        let Some(schema) = schemas.get(&name_of) else { return Value::Null };
        path.push(name_of);
        let example = compose_example(schemas, schema, name, path);
        path.pop();
        return example;
    }
    if let Some(first) = schema.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return first.clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(items) = schema.get(key).and_then(Value::as_array) {
            let chosen = items.iter().find(|i| i.get("type") != Some(&json!("null")));
            return chosen.map(|i| compose_example(schemas, i, name, path)).unwrap_or(Value::Null);
        }
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = serde_json::Map::new();
        for part in parts {
            if let Value::Object(fields) = compose_example(schemas, part, name, path) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null").unwrap_or("null"),
        _ if schema.get("properties").is_some() => "object",
        _ => "null",
    };
    match kind {
        "object" => Value::Object(
            schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(field, s)| (field.clone(), compose_example(schemas, s, field, path)))
                .collect(),
        ),
        // A recursive item (null) makes an empty list.
        "array" => match schema.get("items").map(|items| compose_example(schemas, items, name, path)) {
            Some(Value::Null) | None => json!([]),
            Some(item) => json!([item]),
        },
        "integer" => schema.get("minimum").cloned().unwrap_or(json!(1)),
        "number" => json!(42.5),
        "boolean" => json!(true),
        "string" => match schema.get("format").and_then(Value::as_str) {
            Some("date-time") => json!("2026-11-27T09:30:00Z"),
            Some("date") => json!("2026-11-27"),
            _ if name == "id" || name.ends_with("_id") || name.ends_with("_ids") => {
                json!("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
            }
            _ => json!(name.replace('_', " ")),
        },
        _ => Value::Null,
    }
}
