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
//! Found by schemathesis (tests/schemathesis): without them, schema-valid requests were
//! answered 422.

use std::collections::BTreeSet;

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema, SchemaType, Type};
use utoipa::openapi::{OpenApi, RefOr};

/// A string without control characters (what `char::is_control` refuses).
pub const NO_CONTROL_CHARACTERS: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

const SCHEMA_REF: &str = "#/components/schemas/";

pub fn apply(api: &mut OpenApi) {
    let mut roots: Vec<String> = Vec::new();
    for item in api.paths.paths.values_mut() {
        for op in
            [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete].into_iter().flatten()
        {
            query_parameters(op);
            if let Some(RefOr::T(body)) = op.request_body.as_mut() {
                for content in body.content.values_mut() {
                    if let RefOr::T(utoipa::openapi::Content { schema: Some(schema), .. }) = content {
                        request_schema(schema, &mut roots);
                    }
                }
            }
        }
    }
    // Components reached from request bodies, transitively.
    let Some(components) = api.components.as_mut() else { return };
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
                    object.pattern = Some(NO_CONTROL_CHARACTERS.to_string());
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

fn has_type(schema_type: &SchemaType, wanted: Type) -> bool {
    match schema_type {
        SchemaType::Type(t) => *t == wanted,
        SchemaType::Array(types) => types.contains(&wanted),
        SchemaType::AnyValue => false,
    }
}
