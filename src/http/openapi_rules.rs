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
//! - the items and fields listed in [`ITEM_RULES`] and [`PATTERN_FIELDS`] get what the
//!   server checks of them (utoipa cannot attach constraints to a `Vec<String>`'s items,
//!   and a pattern is kept here once rather than as a literal per struct).
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

use crate::domain::rules::{CURRENCY, DATE_TIME_RANGE, EMAIL, HTTP_URL, NO_CONTROL_CHARACTERS, NOT_BLANK};

/// Request arrays whose items the server checks as a line of text (not blank, at most
/// so many characters): (schema, property, maximum characters).
const ITEM_RULES: &[(&str, &str, usize)] = &[
    // `domain::article::Content::validate`: tags as written.
    ("CreateArticleRequest", "tags", crate::domain::article::MAX_TAG_CHARS),
    ("UpdateArticleRequest", "tags", crate::domain::article::MAX_TAG_CHARS),
    // `domain::paywall::PaywallSettings::validate`.
    ("PaywallBody", "counted_section_ids", 100),
];

/// Request properties with a syntax of their own: (schema, property, pattern). URLs are
/// checked by `domain::article::check_http_url` (which also limits their length).
const PATTERN_FIELDS: &[(&str, &str, &str)] = &[
    ("Image", "url", HTTP_URL),
    ("ImageBlock", "url", HTTP_URL),
    ("EmbedBlock", "url", HTTP_URL),
    ("Seo", "canonical_url", HTTP_URL),
    ("Cta", "url", HTTP_URL),
    ("CreateSponsoredRequest", "logo_url", HTTP_URL),
    ("UpdateSponsoredRequest", "logo_url", HTTP_URL),
    ("CreateUserRequest", "email", EMAIL),
    ("UpdateUserRequest", "email", EMAIL),
    ("CreateOfferRequest", "currency", CURRENCY),
    ("UpdateOfferRequest", "currency", CURRENCY),
];

const SCHEMA_REF: &str = "#/components/schemas/";

/// The union of the blocks a sponsored block's body may hold.
pub const SPONSORED_BODY_BLOCK: &str = "SponsoredBodyBlock";

pub fn apply(api: &mut OpenApi) {
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
    for (name, property, max) in ITEM_RULES {
        let item = match property_of(components, name, property) {
            Schema::Array(array) => match &mut array.items {
                ArrayItems::RefOrSchema(items) => match items.as_mut() {
                    RefOr::T(Schema::Object(item)) => Some(item),
                    _ => None,
                },
                ArrayItems::False => None,
            },
            _ => None,
        };
        let item = item.unwrap_or_else(|| panic!("openapi_rules: {name}.{property} is not an array of strings"));
        item.min_length = Some(1);
        item.max_length = Some(*max);
    }
    for (name, property, pattern) in PATTERN_FIELDS {
        match property_of(components, name, property) {
            Schema::Object(string) if has_type(&string.schema_type, Type::String) => {
                string.pattern = Some((*pattern).to_string());
                if *pattern == HTTP_URL {
                    string.max_length = Some(crate::domain::article::MAX_URL_CHARS);
                }
            }
            _ => panic!("openapi_rules: {name}.{property} is not a string"),
        }
    }
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
/// missing one is a bug, found by every test that builds the document.
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
