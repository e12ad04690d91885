//! Rules the server applies to every request, written into the OpenAPI document by one
//! pass (as `openapi::finish` does for the standard errors), so no schema can forget
//! them:
//!
//! - request bodies reject unknown fields (`deny_unknown_fields` everywhere, and the
//!   internally tagged body blocks too): every object schema a request body uses gets
//!   `additionalProperties: false`;
//! - text rejects control characters (`char::is_control`: U+0000..U+001F and
//!   U+007F..U+009F), in bodies (`domain::text`) and in known query parameters (the
//!   route guard in `routing`): every free string there gets [`NO_CONTROL_CHARACTERS`]
//!   as its `pattern`.
//!
//! - a free string that must not be blank (`minLength: 1`: the server checks its trimmed
//!   length, `domain::text::line_problem`) gets [`NOT_BLANK`] instead, which also says
//!   that whitespace alone is not text;
//! - every `date-time` in a request is range-checked (`domain::article::client_time`):
//!   it gets [`DATE_TIME_RANGE`];
//! - the properties and query parameters listed in [`SCHEMA_RULES`] and [`QUERY_RULES`]
//!   get what the server checks of them: lengths, ranges, item counts and patterns,
//!   taken from the domain's constants and `domain::rules`' patterns, the very ones the
//!   validators use. No struct or parameter states a limit of its own (utoipa's
//!   attributes take literals only, and `tests/api/architecture.rs` refuses them).
//!
//! - a sponsored block's body takes the article blocks but polls and sponsored blocks
//!   (`domain::sponsored`): its request schemas name [`SPONSORED_BODY_BLOCK`], `Block`
//!   without those two.
//!
//! Found by schemathesis (tests/schemathesis): without them, schema-valid requests were
//! answered 422.

use std::collections::BTreeSet;

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

use crate::domain::rules::{self, CURRENCY, DATE_TIME_RANGE, EMAIL, HTTP_URL, NO_CONTROL_CHARACTERS, NOT_BLANK};
use crate::domain::{
    article, author, correction, external, id, media, paywall, poll, preview, section, site, slug, sponsored, tag,
    user, webhook,
};
use crate::http::pagination;

/// What the server checks of one request property (or query parameter), stated in the
/// spec from the domain's own constants. Bounds of 0 and 1 say "not negative" and "not
/// empty"; every other number is a named constant the validator uses.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// Text of at most `max` characters (`maxLength`).
    Text { max: usize },
    /// A line that must not be blank, at most `max` characters (`minLength: 1`, which
    /// the request pass turns into [`NOT_BLANK`]).
    Line { max: usize },
    /// Between `min` and `max` characters.
    Chars { min: usize, max: usize },
    /// An integer from `min` to `max`.
    Range { min: i64, max: i64 },
    /// A number from 0 to 1 (a fraction of a width or height).
    Fraction,
    /// An array of at least `min` items, at most `max` when there is a limit.
    Items { min: usize, max: Option<usize> },
    /// An array of strings, each a line that must not be blank, of at most `max`
    /// characters (utoipa cannot attach constraints to a `Vec<String>`'s items).
    LineItems { max: usize },
    /// A string matching the pattern.
    Pattern(&'static str),
    /// An http(s) URL: [`HTTP_URL`], at most [`article::MAX_URL_CHARS`] characters
    /// (`domain::article::check_http_url`).
    Url,
}

use Rule::{Chars, Fraction, Items, Line, LineItems, Pattern, Range, Text, Url};

const PASSWORD: Rule = Chars { min: user::MIN_PASSWORD_CHARS, max: user::MAX_PASSWORD_CHARS };
const SLUG: &[Rule] = &[Text { max: slug::MAX_SLUG_CHARS }, Pattern(rules::SLUG)];
const EMAIL_ADDRESS: &[Rule] = &[Text { max: user::MAX_EMAIL_CHARS }, Pattern(EMAIL)];
const EXTERNAL_ID: &[Rule] = &[Text { max: external::MAX_EXTERNAL_ID_CHARS }, Pattern(rules::EXTERNAL_ID)];

/// Request properties and what the server checks of them: (schema, property, rules).
/// A schema name stays when its struct moves, so the rules are keyed by it; a test
/// holds every entry to a property of the generated document.
const SCHEMA_RULES: &[(&str, &str, &[Rule])] = &[
    // `domain::article::Content::validate` and `check_block`; tags as written.
    ("CreateArticleRequest", "headline", &[Line { max: article::MAX_HEADLINE_CHARS }]),
    ("CreateArticleRequest", "slug", SLUG),
    ("CreateArticleRequest", "tags", &[LineItems { max: article::MAX_TAG_CHARS }]),
    ("CreateArticleRequest", "preview_blocks", &[Range { min: 0, max: article::MAX_PREVIEW_BLOCKS }]),
    // `domain::external::problem`.
    ("CreateArticleRequest", "external_id", EXTERNAL_ID),
    ("UpdateArticleRequest", "headline", &[Line { max: article::MAX_HEADLINE_CHARS }]),
    ("UpdateArticleRequest", "slug", SLUG),
    ("UpdateArticleRequest", "tags", &[LineItems { max: article::MAX_TAG_CHARS }]),
    ("UpdateArticleRequest", "preview_blocks", &[Range { min: 0, max: article::MAX_PREVIEW_BLOCKS }]),
    ("UpdateArticleRequest", "external_id", EXTERNAL_ID),
    ("HeadingBlock", "level", &[Range { min: article::MIN_HEADING_LEVEL, max: article::MAX_HEADING_LEVEL }]),
    ("Image", "url", &[Url]),
    ("ImageBlock", "url", &[Url]),
    ("EmbedBlock", "url", &[Url]),
    ("Seo", "canonical_url", &[Url]),
    ("Sponsorship", "sponsor_name", &[Text { max: article::MAX_SPONSOR_NAME_CHARS }]),
    ("Sponsorship", "label", &[Text { max: article::MAX_LABEL_CHARS }]),
    ("Sponsorship", "disclosure", &[Text { max: article::MAX_DISCLOSURE_CHARS }]),
    ("Sponsorship", "sponsor_url", &[Url]),
    // `domain::preview::lifetime`.
    (
        "CreatePreviewRequest",
        "expires_in_secs",
        &[Range { min: preview::MIN_EXPIRES_IN_SECS, max: preview::MAX_EXPIRES_IN_SECS }],
    ),
    // `domain::section::SectionFields::validate`.
    ("CreateSectionRequest", "name", &[Line { max: section::MAX_NAME_CHARS }]),
    ("CreateSectionRequest", "slug", SLUG),
    ("CreateSectionRequest", "description", &[Text { max: section::MAX_DESCRIPTION_CHARS }]),
    ("CreateSectionRequest", "position", &[Range { min: 0, max: section::MAX_POSITION }]),
    ("UpdateSectionRequest", "name", &[Line { max: section::MAX_NAME_CHARS }]),
    ("UpdateSectionRequest", "slug", SLUG),
    ("UpdateSectionRequest", "description", &[Text { max: section::MAX_DESCRIPTION_CHARS }]),
    ("UpdateSectionRequest", "position", &[Range { min: 0, max: section::MAX_POSITION }]),
    // `domain::user`: the email is checked after trimming; a new user's display name
    // may be left blank (it defaults to the email's local part).
    ("CreateUserRequest", "email", EMAIL_ADDRESS),
    ("CreateUserRequest", "display_name", &[Text { max: user::MAX_DISPLAY_NAME_CHARS }]),
    ("CreateUserRequest", "password", &[PASSWORD]),
    ("UpdateUserRequest", "email", EMAIL_ADDRESS),
    ("UpdateUserRequest", "display_name", &[Line { max: user::MAX_DISPLAY_NAME_CHARS }]),
    ("UpdateUserRequest", "password", &[PASSWORD]),
    ("ChangePasswordRequest", "new_password", &[PASSWORD]),
    // `domain::sponsored::SponsoredContent::validate`.
    ("CreateSponsoredRequest", "label", &[Text { max: sponsored::MAX_LABEL_CHARS }]),
    ("CreateSponsoredRequest", "disclosure", &[Text { max: sponsored::MAX_DISCLOSURE_CHARS }]),
    ("CreateSponsoredRequest", "logo_url", &[Url]),
    ("UpdateSponsoredRequest", "label", &[Text { max: sponsored::MAX_LABEL_CHARS }]),
    ("UpdateSponsoredRequest", "disclosure", &[Text { max: sponsored::MAX_DISCLOSURE_CHARS }]),
    ("UpdateSponsoredRequest", "logo_url", &[Url]),
    ("Cta", "url", &[Url]),
    // `domain::poll::PollSpec::validate`.
    ("CreatePollRequest", "questions", &[Items { min: 1, max: Some(poll::MAX_QUESTIONS) }]),
    ("UpdatePollRequest", "questions", &[Items { min: 1, max: Some(poll::MAX_QUESTIONS) }]),
    ("QuestionInput", "max_length", &[Range { min: 1, max: poll::MAX_MAX_LENGTH }]),
    // `domain::paywall::PaywallSettings::validate` and `OfferSpec::validate`.
    ("PaywallBody", "quota", &[Range { min: 0, max: paywall::MAX_QUOTA }]),
    ("PaywallBody", "default_preview_blocks", &[Range { min: 0, max: article::MAX_PREVIEW_BLOCKS }]),
    ("PaywallBody", "counted_section_ids", &[LineItems { max: id::MAX_ID_CHARS }]),
    ("CreateOfferRequest", "price_minor", &[Range { min: 0, max: paywall::MAX_PRICE_MINOR }]),
    ("CreateOfferRequest", "currency", &[Pattern(CURRENCY)]),
    ("CreateOfferRequest", "duration_months", &[Range { min: 1, max: paywall::MAX_DURATION_MONTHS }]),
    ("CreateOfferRequest", "eligibility", &[Items { min: 1, max: None }]),
    ("UpdateOfferRequest", "price_minor", &[Range { min: 0, max: paywall::MAX_PRICE_MINOR }]),
    ("UpdateOfferRequest", "currency", &[Pattern(CURRENCY)]),
    ("UpdateOfferRequest", "duration_months", &[Range { min: 1, max: paywall::MAX_DURATION_MONTHS }]),
    ("UpdateOfferRequest", "eligibility", &[Items { min: 1, max: None }]),
    // `domain::media::AssetMeta::validate` and `FocalPoint::from_fractions`.
    ("UpdateMediaRequest", "file_name", &[Line { max: media::MAX_FILE_NAME_CHARS }]),
    ("UpdateMediaRequest", "alt", &[Text { max: article::MAX_SHORT_CHARS }]),
    ("UpdateMediaRequest", "caption", &[Text { max: article::MAX_SHORT_CHARS }]),
    ("UpdateMediaRequest", "credit", &[Text { max: article::MAX_SHORT_CHARS }]),
    ("UploadForm", "alt", &[Text { max: article::MAX_SHORT_CHARS }]),
    ("UploadForm", "caption", &[Text { max: article::MAX_SHORT_CHARS }]),
    ("UploadForm", "credit", &[Text { max: article::MAX_SHORT_CHARS }]),
    // `domain::webhook::EndpointFields::validate`.
    ("CreateWebhookRequest", "url", &[Url]),
    ("CreateWebhookRequest", "description", &[Text { max: webhook::MAX_DESCRIPTION_CHARS }]),
    ("CreateWebhookRequest", "events", &[Items { min: 1, max: None }]),
    ("UpdateWebhookRequest", "url", &[Url]),
    ("UpdateWebhookRequest", "description", &[Text { max: webhook::MAX_DESCRIPTION_CHARS }]),
    ("UpdateWebhookRequest", "events", &[Items { min: 1, max: None }]),
    // `domain::tag::TagFields::validate`.
    ("CreateTagRequest", "name", &[Line { max: article::MAX_TAG_CHARS }]),
    ("CreateTagRequest", "slug", SLUG),
    ("CreateTagRequest", "description", &[Text { max: tag::MAX_DESCRIPTION_CHARS }]),
    ("UpdateTagRequest", "name", &[Line { max: article::MAX_TAG_CHARS }]),
    ("UpdateTagRequest", "slug", SLUG),
    ("UpdateTagRequest", "description", &[Text { max: tag::MAX_DESCRIPTION_CHARS }]),
    // `domain::author::AuthorFields::validate`.
    ("CreateAuthorRequest", "name", &[Line { max: author::MAX_NAME_CHARS }]),
    ("CreateAuthorRequest", "slug", SLUG),
    ("CreateAuthorRequest", "job_title", &[Text { max: author::MAX_JOB_TITLE_CHARS }]),
    ("CreateAuthorRequest", "bio", &[Text { max: author::MAX_BIO_CHARS }]),
    ("CreateAuthorRequest", "links", &[Items { min: 0, max: Some(author::MAX_LINKS) }]),
    ("UpdateAuthorRequest", "name", &[Line { max: author::MAX_NAME_CHARS }]),
    ("UpdateAuthorRequest", "slug", SLUG),
    ("UpdateAuthorRequest", "job_title", &[Text { max: author::MAX_JOB_TITLE_CHARS }]),
    ("UpdateAuthorRequest", "bio", &[Text { max: author::MAX_BIO_CHARS }]),
    ("UpdateAuthorRequest", "links", &[Items { min: 0, max: Some(author::MAX_LINKS) }]),
    ("AuthorLink", "label", &[Line { max: article::MAX_SHORT_CHARS }]),
    ("AuthorLink", "url", &[Url]),
    // `domain::correction::CorrectionFields::validate`.
    ("CreateCorrectionRequest", "text", &[Line { max: correction::MAX_TEXT_CHARS }]),
    ("UpdateCorrectionRequest", "text", &[Line { max: correction::MAX_TEXT_CHARS }]),
    // `domain::site::SiteSettings::validate`.
    ("SiteRequest", "name", &[Line { max: site::MAX_NAME_CHARS }]),
    ("SiteRequest", "description", &[Text { max: site::MAX_DESCRIPTION_CHARS }]),
    ("SiteRequest", "base_url", &[Text { max: site::MAX_BASE_URL_CHARS }, Pattern(HTTP_URL)]),
    ("SiteRequest", "publisher_name", &[Line { max: site::MAX_NAME_CHARS }]),
    ("SiteRequest", "language", &[Pattern(rules::LANGUAGE)]),
    ("SiteRequest", "article_path", &[Text { max: site::MAX_PATH_CHARS }]),
    ("FocalPointBody", "x", &[Fraction]),
    ("FocalPointBody", "y", &[Fraction]),
];

/// Every operation's query parameter of this name.
const EVERY_OPERATION: &str = "*";

/// Query parameters and what the server checks of them: (operation id or
/// [`EVERY_OPERATION`], parameter, rules).
const QUERY_RULES: &[(&str, &str, &[Rule])] = &[
    // `http::pagination::limit`: every list's page size.
    (EVERY_OPERATION, "limit", &[Range { min: 1, max: pagination::MAX_LIMIT }]),
    ("listPublicOffers", "context", &[Pattern(paywall::OFFER_CONTEXT)]),
];

const SCHEMA_REF: &str = "#/components/schemas/";

/// The union of the blocks a sponsored block's body may hold.
pub const SPONSORED_BODY_BLOCK: &str = "SponsoredBodyBlock";

pub fn apply(api: &mut OpenApi) {
    // The declared rules first: the request pass below leaves a property with a
    // pattern alone, and gives a line that must not be blank [`NOT_BLANK`].
    for (_, op) in super::openapi::operations(api) {
        declared_query_rules(op);
    }
    if let Some(components) = api.components.as_mut() {
        for (name, property, rules) in SCHEMA_RULES {
            let at = format!("{name}.{property}");
            rules.iter().for_each(|rule| rule.apply(property_of(components, name, property), &at));
        }
    }
    let mut roots: Vec<String> = Vec::new();
    for (_, op) in super::openapi::operations(api) {
        query_parameters(op);
        if let Some(RefOr::T(body)) = op.request_body.as_mut() {
            for content in body.content.values_mut() {
                if let RefOr::T(utoipa::openapi::Content { schema: Some(schema), .. }) = content {
                    request_schema(schema, &mut roots);
                }
            }
        }
    }
    // Components reached from request bodies, transitively.
    let Some(components) = api.components.as_mut() else { return };
    sponsored_body(components);
    let mut done = BTreeSet::new();
    while let Some(name) = roots.pop() {
        if !done.insert(name.clone()) {
            continue;
        }
        if let Some(schema) = components.schemas.get_mut(&name) {
            request_schema(schema, &mut roots);
        }
    }
}

impl Rule {
    /// Writes the rule into `schema`, the schema of `at`; a rule that does not fit the
    /// schema's type is a bug, found by every test that builds the document.
    fn apply(self, schema: &mut Schema, at: &str) {
        match (self, schema) {
            (Text { max }, Schema::Object(string)) if has_type(&string.schema_type, Type::String) => {
                string.max_length = Some(max);
            }
            (Line { max }, Schema::Object(string)) if has_type(&string.schema_type, Type::String) => {
                string.min_length = Some(1);
                string.max_length = Some(max);
            }
            (Chars { min, max }, Schema::Object(string)) if has_type(&string.schema_type, Type::String) => {
                string.min_length = Some(min);
                string.max_length = Some(max);
            }
            (Pattern(pattern), Schema::Object(string)) if has_type(&string.schema_type, Type::String) => {
                string.pattern = Some(pattern.to_string());
            }
            (Url, Schema::Object(string)) if has_type(&string.schema_type, Type::String) => {
                string.pattern = Some(HTTP_URL.to_string());
                string.max_length = Some(article::MAX_URL_CHARS);
            }
            (Range { min, max }, Schema::Object(number)) if has_type(&number.schema_type, Type::Integer) => {
                number.minimum = Some(min.into());
                number.maximum = Some(max.into());
            }
            (Fraction, Schema::Object(number)) if has_type(&number.schema_type, Type::Number) => {
                number.minimum = Some(0.into());
                number.maximum = Some(1.into());
            }
            (Items { min, max }, Schema::Array(array)) => {
                array.min_items = Some(min);
                array.max_items = max;
            }
            (LineItems { max }, Schema::Array(array)) => match &mut array.items {
                ArrayItems::RefOrSchema(items) => match items.as_mut() {
                    RefOr::T(item @ Schema::Object(_)) => Line { max }.apply(item, at),
                    _ => panic!("openapi_rules: {at} is not an array of strings"),
                },
                ArrayItems::False => panic!("openapi_rules: {at} is not an array of strings"),
            },
            (rule, _) => panic!("openapi_rules: {at} cannot take {rule:?}"),
        }
    }
}

/// Applies [`QUERY_RULES`] to the query parameters of `op`.
fn declared_query_rules(op: &mut Operation) {
    let id = op.operation_id.clone().unwrap_or_default();
    for parameter in op.parameters.iter_mut().flatten() {
        let RefOr::T(parameter) = parameter else { continue };
        if parameter.parameter_in != ParameterIn::Query {
            continue;
        }
        let Some(RefOr::T(schema)) = parameter.schema.as_mut() else { continue };
        for (operation, name, rules) in QUERY_RULES {
            if (*operation == EVERY_OPERATION || *operation == id) && *name == parameter.name {
                let at = format!("{id} query {name}");
                rules.iter().for_each(|rule| rule.apply(schema, &at));
            }
        }
    }
}

fn query_parameters(op: &mut Operation) {
    for parameter in op.parameters.iter_mut().flatten() {
        let RefOr::T(parameter) = parameter else { continue };
        if parameter.parameter_in != ParameterIn::Query {
            continue;
        }
        if let Some(RefOr::T(Schema::Object(object))) = parameter.schema.as_mut() {
            if is_free_string(object) {
                object.pattern = Some(NO_CONTROL_CHARACTERS.to_string());
            }
        }
    }
}

/// Adds [`SPONSORED_BODY_BLOCK`] (`Block` without the poll and sponsored blocks, which
/// cannot sit inside a sponsored block) and makes the sponsored requests' bodies use it.
fn sponsored_body(components: &mut utoipa::openapi::Components) {
    let excluded = [format!("{SCHEMA_REF}PollBlock"), format!("{SCHEMA_REF}SponsoredBlock")];
    let Some(RefOr::T(Schema::OneOf(block))) = components.schemas.get("Block") else {
        panic!("openapi_rules: Block is not a oneOf")
    };
    let mut union = block.clone();
    union.items.retain(|item| !matches!(item, RefOr::Ref(r) if excluded.contains(&r.ref_location)));
    assert_eq!(union.items.len() + 2, block.items.len(), "openapi_rules: Block lost its poll or sponsored variant");
    if let Some(discriminator) = union.discriminator.as_mut() {
        discriminator.mapping.retain(|_, target| !excluded.contains(target));
    }
    union.description =
        Some("One block of a sponsored block's body: an article body block, but not a poll or sponsored block.".into());
    components.schemas.insert(SPONSORED_BODY_BLOCK.to_string(), RefOr::T(Schema::OneOf(union)));
    for name in ["CreateSponsoredRequest", "UpdateSponsoredRequest"] {
        match property_of(components, name, "body") {
            Schema::Array(array) => {
                array.items = ArrayItems::RefOrSchema(Box::new(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                    SPONSORED_BODY_BLOCK,
                ))));
            }
            _ => panic!("openapi_rules: {name}.body is not an array"),
        }
    }
}

/// The schema of `property` of component `name`, which the tables above name: a
/// missing one is a bug, found by every test that builds the document (and named by
/// the test below).
fn property_of<'a>(components: &'a mut utoipa::openapi::Components, name: &str, property: &str) -> &'a mut Schema {
    let found = match components.schemas.get_mut(name) {
        Some(RefOr::T(Schema::Object(object))) => object.properties.get_mut(property),
        _ => None,
    };
    match found {
        Some(RefOr::T(schema)) => schema,
        _ => panic!("openapi_rules: no property {name}.{property}"),
    }
}

/// Applies the request rules to `schema` and what it holds; component references are
/// collected in `refs` (applied once each by the caller).
fn request_schema(schema: &mut RefOr<Schema>, refs: &mut Vec<String>) {
    match schema {
        RefOr::Ref(reference) => {
            if let Some(name) = reference.ref_location.strip_prefix(SCHEMA_REF) {
                refs.push(name.to_string());
            }
        }
        RefOr::T(schema) => match schema {
            Schema::Object(object) => {
                if is_free_string(object) {
                    let not_blank = object.min_length == Some(1);
                    object.pattern = Some(if not_blank { NOT_BLANK } else { NO_CONTROL_CHARACTERS }.to_string());
                }
                if is_date_time(object) {
                    object.pattern = Some(DATE_TIME_RANGE.to_string());
                }
                if has_type(&object.schema_type, Type::Object) {
                    if object.additional_properties.is_none() {
                        object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
                    }
                    for property in object.properties.values_mut() {
                        request_schema(property, refs);
                    }
                }
            }
            Schema::Array(array) => {
                if let ArrayItems::RefOrSchema(items) = &mut array.items {
                    request_schema(items, refs);
                }
            }
            Schema::OneOf(one_of) => one_of.items.iter_mut().for_each(|s| request_schema(s, refs)),
            Schema::AnyOf(any_of) => any_of.items.iter_mut().for_each(|s| request_schema(s, refs)),
            Schema::AllOf(all_of) => all_of.items.iter_mut().for_each(|s| request_schema(s, refs)),
            _ => {}
        },
    }
}

/// A string that is free text: no enum, format or pattern of its own.
fn is_free_string(object: &utoipa::openapi::schema::Object) -> bool {
    has_type(&object.schema_type, Type::String)
        && object.enum_values.is_none()
        && object.format.is_none()
        && object.pattern.is_none()
}

fn is_date_time(object: &utoipa::openapi::schema::Object) -> bool {
    use utoipa::openapi::schema::{KnownFormat, SchemaFormat};
    has_type(&object.schema_type, Type::String)
        && matches!(object.format, Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
        && object.pattern.is_none()
}

fn has_type(schema_type: &SchemaType, wanted: Type) -> bool {
    match schema_type {
        SchemaType::Type(t) => *t == wanted,
        SchemaType::Array(types) => types.contains(&wanted),
        SchemaType::AnyValue => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A renamed schema, property or parameter cannot silently drop its rules.
    #[test]
    fn every_declared_rule_names_something_in_the_document() {
        let spec: serde_json::Value = serde_json::from_str(&crate::http::openapi_json()).unwrap();
        let schemas = &spec["components"]["schemas"];
        for (name, property, _) in SCHEMA_RULES {
            assert!(schemas[name]["properties"].get(property).is_some(), "no property {name}.{property}");
        }
        let operations: Vec<&serde_json::Value> =
            spec["paths"].as_object().unwrap().values().flat_map(|item| item.as_object().unwrap().values()).collect();
        for (operation, name, _) in QUERY_RULES {
            let found = operations.iter().any(|op| {
                (*operation == EVERY_OPERATION || op["operationId"] == *operation)
                    && op["parameters"]
                        .as_array()
                        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query" && p["name"] == *name))
            });
            assert!(found, "no query parameter {name} in {operation}");
        }
    }
}
