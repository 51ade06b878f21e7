//! A string field read leniently, for the typed views of events that every stream event goes
//! through: borrowed from the input when it can be (no copy, no allocation), and `None` for
//! a value of another type instead of failing the whole event. Parsing events into typed,
//! borrowing structs rather than `serde_json::Value` trees is what keeps reconstruction fast:
//! a text delta costs one scan and no map.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::bounded_json::{self, Budget};

/// A string, or nothing (absent, null, or of another type).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Lenient<'a>(pub Option<Cow<'a, str>>);

impl<'a> Lenient<'a> {
    pub fn as_str(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

struct LenientVisitor;

impl<'de> Visitor<'de> for LenientVisitor {
    type Value = Lenient<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Lenient(Some(Cow::Borrowed(v))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Lenient(Some(Cow::Owned(v.to_string()))))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Lenient(Some(Cow::Owned(v))))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Lenient(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(LenientVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Lenient(None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Lenient(None))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Lenient<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor)
    }
}

/// A field that is usually a string but may be any JSON value (Chat `content` as an array
/// of parts, `arguments` as an object): the string borrowed as `Lenient` is, anything else
/// kept whole so no data is dropped.
#[derive(Debug, Default, Clone, PartialEq)]
pub enum Flex<'a> {
    /// Absent or null.
    #[default]
    Absent,
    Str(Cow<'a, str>),
    /// Boxed, as the typed views' objects are (see [`crate::bounded_json::optional`]): a
    /// chunk's every choice holds a `Flex`, nearly always a string.
    Other(Box<serde_json::Value>),
}

struct FlexVisitor;

impl<'de> Visitor<'de> for FlexVisitor {
    type Value = Flex<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Flex::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Flex::Str(Cow::Owned(v.to_string())))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Flex::Str(Cow::Owned(v)))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Flex::Other(Box::new(v.into())))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Flex::Other(Box::new(v.into())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Flex::Other(Box::new(v.into())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Flex::Other(Box::new(v.into())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Flex::Absent)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Flex::Absent)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(FlexVisitor)
    }

    // Kept whole as a tree, within the base budget ([`crate::bounded_json`]).
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        Ok(Flex::Other(Box::new(Budget::base().seed().visit_seq(seq)?)))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        Ok(Flex::Other(Box::new(Budget::base().seed().visit_map(map)?)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Flex<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FlexVisitor)
    }
}

/// An array index or position read leniently: a count, or `None` for anything else (a
/// negative or fractional number), so one odd index does not cost its event. A string of
/// digits is read too, as rebuilding should; `exact` tells a JSON integer from anything read
/// leniently, for the grammar checks that must report the difference.
///
/// An enum rather than the value and a flag: 16 bytes, not 24, in views read for every event.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    /// Absent, or no count.
    #[default]
    None,
    /// A whole, non-negative JSON number.
    Exact(u64),
    /// A count read leniently (a string of digits).
    Lenient(u64),
}

impl Index {
    /// The index, read leniently.
    pub fn get(self) -> Option<u64> {
        match self {
            Index::None => None,
            Index::Exact(value) | Index::Lenient(value) => Some(value),
        }
    }

    /// The index when the JSON gave a whole, non-negative number.
    pub fn exact(self) -> Option<u64> {
        match self {
            Index::Exact(value) => Some(value),
            _ => None,
        }
    }
}

struct IndexVisitor;

impl<'de> Visitor<'de> for IndexVisitor {
    type Value = Index;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Index, E> {
        Ok(Index::Exact(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Index, E> {
        // serde_json hands non-negative integers to `visit_u64`: this one is negative.
        Ok(u64::try_from(v).map_or(Index::None, Index::Exact))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Index, E> {
        Ok(Index::default())
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Index, E> {
        Ok(v.trim().parse().map_or(Index::None, Index::Lenient))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Index, E> {
        Ok(Index::default())
    }

    fn visit_unit<E: de::Error>(self) -> Result<Index, E> {
        Ok(Index::default())
    }

    fn visit_none<E: de::Error>(self) -> Result<Index, E> {
        Ok(Index::default())
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Index, D::Error> {
        d.deserialize_any(IndexVisitor)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Index, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Index::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Index, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Index::default())
    }
}

/// Read without building a JSON value: indices come with every delta.
impl<'de> Deserialize<'de> for Index {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IndexVisitor)
    }
}

/// What marks a string that was a number beyond a float's range in the capture. Readable,
/// not a control character: where such a number is no count (a tool's input, say), the
/// string is shown as it is, and says what happened.
const OUT_OF_RANGE: &str = " (number out of range)";

/// The deepest nesting of arrays and objects serde_json reads (its recursion limit, which
/// keeps a hostile `[[[[…` from overflowing the stack).
pub const MAX_DEPTH: usize = 128;

/// What went wrong reading JSON, told from a serde_json error once, for control flow and
/// messages to match on. serde_json's error has only a coarse `Category`: its recursion
/// limit, a number beyond a float's range and this tool's own budget are told apart by the
/// words serde_json gives them, here and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonFault {
    /// More values than this tool builds for the text's size ([`bounded_json`]); the words
    /// name the limit met.
    OverBudget(String),
    /// Nested deeper than [`MAX_DEPTH`]: maybe good JSON all the same, so it is called too
    /// deep, not invalid.
    TooDeep,
    /// A number beyond a float's range (`1e400`): good JSON all the same.
    OutOfRange,
    /// Good JSON of a shape the typed view does not take.
    Shape,
    /// Not valid JSON, or cut short.
    Syntax,
}

impl JsonFault {
    pub fn of(err: &serde_json::Error) -> JsonFault {
        if let Some(why) = bounded_json::describe(err) {
            return JsonFault::OverBudget(why);
        }
        let text = err.to_string();
        if text.starts_with("recursion limit exceeded") {
            JsonFault::TooDeep
        } else if text.starts_with("number out of range") {
            JsonFault::OutOfRange
        } else if err.classify() == serde_json::error::Category::Data {
            JsonFault::Shape
        } else {
            JsonFault::Syntax
        }
    }
}

/// `json` with every number beyond a float's range made a string of its text, marked (see
/// [`out_of_range_text`]), so serde_json reads the rest. One pass, strings left alone.
pub fn out_of_range_as_strings(json: &str) -> String {
    let bytes = json.as_bytes();
    let mut out = String::with_capacity(json.len() + 16);
    let (mut in_string, mut escaped) = (false, false);
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            i += 1;
        } else if byte == b'"' {
            in_string = true;
            i += 1;
        } else if byte == b'-' || byte.is_ascii_digit() {
            let start = i;
            while i < bytes.len()
                && matches!(bytes[i], b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')
            {
                i += 1;
            }
            let token = &json[start..i];
            if token.parse::<f64>().is_ok_and(f64::is_infinite) {
                out.push_str(&json[copied..start]);
                out.push('"');
                out.push_str(token);
                out.push_str(OUT_OF_RANGE);
                out.push('"');
                copied = i;
            }
        } else {
            i += 1;
        }
    }
    out.push_str(&json[copied..]);
    out
}

/// The text of a number beyond a float's range, from the string
/// [`out_of_range_as_strings`] made of it.
pub fn out_of_range_text(text: &str) -> Option<&str> {
    text.strip_suffix(OUT_OF_RANGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Probe<'a> {
        #[serde(borrow, default)]
        a: Lenient<'a>,
    }

    fn a(json: &str) -> Option<String> {
        serde_json::from_str::<Probe>(json)
            .unwrap()
            .a
            .as_str()
            .map(str::to_string)
    }

    #[test]
    fn strings_borrow_and_others_are_none() {
        let json = r#"{"a":"plain"}"#;
        let probe: Probe = serde_json::from_str(json).unwrap();
        assert!(matches!(probe.a.0, Some(Cow::Borrowed("plain"))));
        assert_eq!(a(r#"{"a":"esc\naped"}"#).as_deref(), Some("esc\naped"));
        for other in [
            r#"{"a":null}"#,
            r#"{"a":1}"#,
            r#"{"a":[1,{"b":2}]}"#,
            r#"{"a":{"b":[]}}"#,
            "{}",
        ] {
            assert_eq!(a(other), None, "{other}");
        }
    }

    #[derive(serde::Deserialize)]
    struct FlexProbe<'a> {
        #[serde(borrow, default)]
        a: Flex<'a>,
        #[serde(default)]
        i: Index,
    }

    #[test]
    fn flex_keeps_what_is_not_a_string() {
        let probe: FlexProbe = serde_json::from_str(r#"{"a":"s","i":3}"#).unwrap();
        assert!(matches!(probe.a, Flex::Str(Cow::Borrowed("s"))));
        assert_eq!((probe.i.get(), probe.i.exact()), (Some(3), Some(3)));
        let probe: FlexProbe =
            serde_json::from_str(r#"{"a":[{"type":"text","text":"x"}],"i":-1}"#).unwrap();
        assert_eq!(
            probe.a,
            Flex::Other(Box::new(serde_json::json!([{"type":"text","text":"x"}])))
        );
        assert_eq!(probe.i.get(), None);
        let probe: FlexProbe = serde_json::from_str(r#"{"a":null,"i":"2"}"#).unwrap();
        assert_eq!(
            (probe.a, probe.i.get(), probe.i.exact()),
            (Flex::Absent, Some(2), None)
        );
    }

    #[test]
    fn numbers_beyond_a_float_become_marked_strings_and_nothing_else_changes() {
        let json =
            r#"{"a":1e400,"b":"1e400","c":[-2e999, 12.5, 18446744073709551616],"d":"x\"1e400"}"#;
        let err = serde_json::from_str::<serde_json::Value>(json).unwrap_err();
        assert_eq!(JsonFault::of(&err), JsonFault::OutOfRange, "{err}");
        let mended = out_of_range_as_strings(json);
        assert_eq!(
            mended,
            r#"{"a":"1e400 (number out of range)","b":"1e400","c":["-2e999 (number out of range)", 12.5, 18446744073709551616],"d":"x\"1e400"}"#
        );
        let value: serde_json::Value = serde_json::from_str(&mended).unwrap();
        assert_eq!(
            out_of_range_text(value["a"].as_str().unwrap()),
            Some("1e400")
        );
        assert_eq!(out_of_range_text(value["b"].as_str().unwrap()), None);
    }

    #[test]
    fn reads_from_a_value_too() {
        let value = serde_json::json!({"a": "from a tree"});
        let probe = Probe::deserialize(&value).unwrap();
        assert_eq!(probe.a.as_str(), Some("from a tree"));
    }
}
