//! The deserializers request data goes through, with an error of their own
//! ([`DataError`]) that says by its kind what went wrong (an unknown, missing or
//! repeated field, an unknown enum value), so that the answer is made from the kind,
//! never from a message's text.
//!
//! - [`Strict`] reads a parsed JSON body. It takes objects only as objects, where a
//!   struct or a map is asked for: serde's derived structs also accept a JSON array,
//!   read positionally (`"seo": [null, null]` became an empty SEO block), which skips
//!   the field names, and so `deny_unknown_fields` and the contract's "object" (found by
//!   schemathesis). Otherwise it reads what `serde_json::Value` reads, with the same
//!   messages.
//! - [`Query`] reads a query string's parameters, in order and with repeats (serde's
//!   derive then names a repeated one), each value text: numbers and booleans are
//!   parsed from it, enums named by it, as `serde_urlencoded` does.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};
use serde_json::Value;

/// Why request data does not fit the type asked of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataError {
    /// A field the type does not have (`deny_unknown_fields`).
    UnknownField { name: String, expected: &'static [&'static str] },
    /// A required field left out.
    MissingField { name: &'static str },
    /// A value that names none of an enum's variants (or a tag none of its blocks).
    UnknownVariant { variant: String, expected: &'static [&'static str] },
    /// A field given twice (a query parameter: JSON objects keep one of each key).
    DuplicateField { name: &'static str },
    /// Anything else: a wrong type or value, in serde's words.
    Other(String),
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::UnknownField { name, expected: [] } => write!(f, "unknown field `{name}`, there are no fields"),
            DataError::UnknownField { name, expected } => {
                write!(f, "unknown field `{name}`, expected {}", OneOf(expected))
            }
            DataError::MissingField { name } => write!(f, "missing field `{name}`"),
            DataError::UnknownVariant { variant, expected: [] } => {
                write!(f, "unknown variant `{variant}`, there are no variants")
            }
            DataError::UnknownVariant { variant, expected } => {
                write!(f, "unknown variant `{variant}`, expected {}", OneOf(expected))
            }
            DataError::DuplicateField { name } => write!(f, "duplicate field `{name}`"),
            DataError::Other(message) => f.write_str(message),
        }
    }
}

/// serde's wording of a list of names: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
struct OneOf<'a>(&'a [&'a str]);

impl fmt::Display for OneOf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => Ok(()),
            [one] => write!(f, "`{one}`"),
            [a, b] => write!(f, "`{a}` or `{b}`"),
            names => write!(f, "one of {}", names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
        }
    }
}

impl std::error::Error for DataError {}

impl de::Error for DataError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        DataError::Other(message.to_string())
    }

    // serde_json's wording, which the messages have always had.
    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::custom(format_args!("invalid type: {}, expected {expected}", JsonUnexpected(unexpected)))
    }

    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::custom(format_args!("invalid value: {}, expected {expected}", JsonUnexpected(unexpected)))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DataError::UnknownField { name: field.to_string(), expected }
    }

    fn missing_field(field: &'static str) -> Self {
        DataError::MissingField { name: field }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        DataError::UnknownVariant { variant: variant.to_string(), expected }
    }

    fn duplicate_field(field: &'static str) -> Self {
        DataError::DuplicateField { name: field }
    }
}

/// An unexpected value as serde_json names it: `null` (not "unit value"), and floats
/// as JSON writes them.
struct JsonUnexpected<'a>(Unexpected<'a>);

impl fmt::Display for JsonUnexpected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Unexpected::Unit => f.write_str("null"),
            Unexpected::Float(value) => match serde_json::Number::from_f64(value) {
                Some(number) => write!(f, "floating point `{number}`"),
                None => fmt::Display::fmt(&self.0, f),
            },
            other => fmt::Display::fmt(&other, f),
        }
    }
}

/// A parsed JSON body (or a part of one).
pub struct Strict(pub Value);

impl<'de> de::Deserializer<'de> for Strict {
    type Error = DataError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DataError> {
        match self.0 {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            // As serde_json: unsigned, else signed, else a float.
            Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                (Some(u), _, _) => visitor.visit_u64(u),
                (None, Some(i), _) => visitor.visit_i64(i),
                (None, None, Some(f)) => visitor.visit_f64(f),
                (None, None, None) => Err(de::Error::custom(format_args!("number {n} out of range"))),
            },
            Value::String(s) => visitor.visit_string(s),
            Value::Array(items) => visitor.visit_seq(Seq(items.into_iter())),
            Value::Object(map) => visitor.visit_map(Entries { iter: map.into_iter(), value: None }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DataError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            value => visitor.visit_some(Strict(value)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DataError> {
        de::Deserializer::deserialize_map(self, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DataError> {
        match self.0 {
            Value::Array(_) => Err(de::Error::invalid_type(Unexpected::Seq, &visitor)),
            other => Strict(other).deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DataError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DataError> {
        match self.0 {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            Value::Object(map) if map.len() == 1 => {
                let mut iter = map.into_iter();
                let (variant, value) = iter.next().ok_or_else(|| de::Error::custom("empty enum object"))?;
                visitor.visit_enum(Variant { variant, value })
            }
            other => Strict(other).deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct identifier ignored_any
    }
}

struct Seq(std::vec::IntoIter<Value>);

impl<'de> de::SeqAccess<'de> for Seq {
    type Error = DataError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DataError> {
        self.0.next().map(|v| seed.deserialize(Strict(v))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// A map's entries: a JSON object's (values read strictly) or a query string's (values
/// read as text).
struct Entries<I, T> {
    iter: I,
    value: Option<T>,
}

/// How an entry's value is read.
trait EntryValue {
    type De: for<'de> de::Deserializer<'de, Error = DataError>;
    fn reader(self) -> Self::De;
}

impl EntryValue for Value {
    type De = Strict;
    fn reader(self) -> Strict {
        Strict(self)
    }
}

impl EntryValue for String {
    type De = Text;
    fn reader(self) -> Text {
        Text(self)
    }
}

impl<'de, I, T> de::MapAccess<'de> for Entries<I, T>
where
    I: ExactSizeIterator<Item = (String, T)>,
    T: EntryValue,
{
    type Error = DataError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DataError> {
        match self.iter.next() {
            Some((key, value)) => {
                self.value = Some(value);
                seed.deserialize(key.into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DataError> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("value without a key"))?;
        seed.deserialize(value.reader())
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Variant {
    variant: String,
    value: Value,
}

impl<'de> de::EnumAccess<'de> for Variant {
    type Error = DataError;
    type Variant = Strict;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Strict), DataError> {
        let variant = seed.deserialize(self.variant.into_deserializer())?;
        Ok((variant, Strict(self.value)))
    }
}

impl<'de> de::VariantAccess<'de> for Strict {
    type Error = DataError;

    fn unit_variant(self) -> Result<(), DataError> {
        match self.0 {
            Value::Null => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(&other), &"unit variant")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DataError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DataError> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DataError> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(_) => Unexpected::Other("number"),
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// A query string's parameters (decoded), in order, repeats kept.
pub struct Query(pub Vec<(String, String)>);

impl Query {
    pub fn parse(query: &str) -> Query {
        Query(form_urlencoded::parse(query.as_bytes()).into_owned().collect())
    }
}

impl<'de> de::Deserializer<'de> for Query {
    type Error = DataError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DataError> {
        visitor.visit_map(Entries { iter: self.0.into_iter(), value: None })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

/// One query parameter's value: text, parsed when a number or a boolean is asked for
/// (the parser's message on failure, as `serde_urlencoded` gave it).
struct Text(String);

macro_rules! parsed {
    ($($method:ident => $ty:ty, $visit:ident;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DataError> {
            match self.0.parse::<$ty>() {
                Ok(value) => visitor.$visit(value),
                Err(e) => Err(de::Error::custom(e)),
            }
        }
    )*};
}

impl<'de> de::Deserializer<'de> for Text {
    type Error = DataError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DataError> {
        visitor.visit_string(self.0)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DataError> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DataError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DataError> {
        visitor.visit_enum(self.0.into_deserializer())
    }

    parsed! {
        deserialize_bool => bool, visit_bool;
        deserialize_i8 => i8, visit_i8;
        deserialize_i16 => i16, visit_i16;
        deserialize_i32 => i32, visit_i32;
        deserialize_i64 => i64, visit_i64;
        deserialize_u8 => u8, visit_u8;
        deserialize_u16 => u16, visit_u16;
        deserialize_u32 => u32, visit_u32;
        deserialize_u64 => u64, visit_u64;
        deserialize_f32 => f32, visit_f32;
        deserialize_f64 => f64, visit_f64;
    }

    serde::forward_to_deserialize_any! {
        i128 u128 char str string bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
        identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        count: Option<i64>,
        flag: Option<bool>,
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Red,
        Green,
        Blue,
    }

    fn json(value: Value) -> Result<Sample, DataError> {
        Sample::deserialize(Strict(value))
    }

    fn query(text: &str) -> Result<Sample, DataError> {
        Sample::deserialize(Query::parse(text))
    }

    #[test]
    fn errors_say_their_kind() {
        use serde_json::json;
        let names = &["name", "count", "flag", "kind"];
        assert_eq!(
            json(json!({"name": "a", "colour": 1})).unwrap_err(),
            DataError::UnknownField { name: "colour".into(), expected: names }
        );
        assert_eq!(json(json!({})).unwrap_err(), DataError::MissingField { name: "name" });
        assert_eq!(
            json(json!({"name": "a", "kind": "mauve"})).unwrap_err(),
            DataError::UnknownVariant { variant: "mauve".into(), expected: &["red", "green", "blue"] }
        );
        assert_eq!(query("name=a&name=b").unwrap_err(), DataError::DuplicateField { name: "name" });
        assert_eq!(
            query("name=a&kind=mauve").unwrap_err(),
            DataError::UnknownVariant { variant: "mauve".into(), expected: &["red", "green", "blue"] }
        );
        assert_eq!(
            query("name=a&colour=red").unwrap_err(),
            DataError::UnknownField { name: "colour".into(), expected: names }
        );
    }

    /// The messages of the other errors are serde_json's (bodies) and
    /// serde_urlencoded's (query strings), as they were.
    #[test]
    fn other_messages_are_unchanged() {
        use serde_json::json;
        for (value, message) in [
            (json!({"name": null}), "invalid type: null, expected a string"),
            (json!({"name": 5}), "invalid type: integer `5`, expected a string"),
            (json!({"name": "a", "count": 1.5}), "invalid type: floating point `1.5`, expected i64"),
            (json!({"name": "a", "count": "5"}), "invalid type: string \"5\", expected i64"),
            (json!({"name": "a", "flag": 1}), "invalid type: integer `1`, expected a boolean"),
            (json!({"name": ["a"]}), "invalid type: sequence, expected a string"),
        ] {
            let via_value = serde_json::from_value::<Sample>(value.clone()).unwrap_err().to_string();
            assert_eq!(json(value).unwrap_err(), DataError::Other(message.into()));
            assert_eq!(via_value, message);
        }
        // Not an enum's string or object: the enum's own words (as before).
        assert_eq!(
            json(json!({"name": "a", "kind": 1})).unwrap_err(),
            DataError::Other("invalid type: integer `1`, expected enum Kind".into())
        );
        for (text, message) in [
            ("name=a&count=x", "invalid digit found in string"),
            ("name=a&count=", "cannot parse integer from empty string"),
            ("name=a&flag=yes", "provided string was not `true` or `false`"),
        ] {
            let via_urlencoded = serde_urlencoded::from_str::<Sample>(text).unwrap_err().to_string();
            assert_eq!(query(text).unwrap_err(), DataError::Other(message.into()));
            assert_eq!(via_urlencoded, message);
        }
        let ok = query("name=a+b&count=-3&flag=true&kind=green").unwrap();
        assert_eq!((ok.name.as_str(), ok.count, ok.flag), ("a b", Some(-3), Some(true)));
    }
}
