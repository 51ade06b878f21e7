//! Tool calls, whatever the API: arguments that parse once complete, ids that are unique.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::diagnostic::Findings;
use crate::diagnostic::rules::{CONTENT_TOOL_ARGUMENTS, CONTENT_TOOL_IDS};
use crate::number::thousands;
use crate::quote::{Quoted, clip};
use crate::warning::REPORTED;

/// Names a call in findings: `"get_weather" (call_123)`.
pub fn call_name(name: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{} ({})", Quoted(name), clip(id)),
        None => Quoted(name).to_string(),
    }
}

/// Checks a call's complete argument text: JSON (an object, when `object` is set), or empty
/// (a call without arguments). `line` and `call` (the call's name, see [`call_name`]) are
/// asked only for a finding: in a big body, finding a value's line means scanning the body,
/// and naming a call means redacting its name and id, some 40,000 instructions.
pub fn arguments(
    raw: &str,
    object: bool,
    call: impl FnOnce() -> String,
    line: impl FnOnce() -> Option<usize>,
    f: &mut Findings,
) {
    if raw.trim().is_empty() {
        return;
    }
    match serde_json::from_str::<Shape>(raw) {
        Err(err) => f.add(&CONTENT_TOOL_ARGUMENTS, line(), || {
            format!(
                "tool call {}: arguments are not valid JSON ({}): {}",
                call(),
                crate::quote::json_error(&err),
                clip(raw)
            )
        }),
        Ok(Shape { object: false }) if object => f.add(&CONTENT_TOOL_ARGUMENTS, line(), || {
            format!(
                "tool call {}: input is not a JSON object: {}",
                call(),
                clip(raw)
            )
        }),
        Ok(_) => {}
    }
}

/// What a check of arguments needs of their JSON: whether it is an object. Read as a
/// [`serde_json::Value`] is read (the same visits, so the same errors: a bad escape, a number out of
/// range, nesting too deep), but without building the tree, which for arguments of 100 MB
/// would be 100 MB more.
struct Shape {
    object: bool,
}

impl<'de> serde::Deserialize<'de> for Shape {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Shape, D::Error> {
        deserializer.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> serde::de::Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape { object: false })
    }

    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape { object: false })
    }

    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape { object: false })
    }

    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape { object: false })
    }

    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape { object: false })
    }

    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape { object: false })
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        while seq.next_element::<Shape>()?.is_some() {}
        Ok(Shape { object: false })
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        while map.next_key::<Shape>()?.is_some() {
            map.next_value::<Shape>()?;
        }
        Ok(Shape { object: true })
    }
}

/// The tool call ids of one response, each with where it first appeared: a line in a
/// stream, an index into the body's array for a blocking body (its line is found only for
/// a finding). Each id is kept once, borrowed where the caller can lend it: a response may
/// hold hundreds of thousands of calls.
#[derive(Debug, Default)]
pub struct Ids<'a> {
    first: HashMap<Cow<'a, str>, usize>,
    /// Ids used again: the id, where, and where it was first; the first [`REPORTED`] of
    /// them, since findings list no more (a stream may reuse one id a million times).
    again: Vec<(Cow<'a, str>, usize, usize)>,
    /// Ids used again past those: where the first was, and how many.
    more: Option<(usize, usize)>,
}

impl<'a> Ids<'a> {
    pub fn add(&mut self, id: Option<&'a str>, at: usize) {
        self.insert(id.map(Cow::Borrowed), at);
    }

    /// As [`Ids::add`], for an id that lives shorter than the ids (a stream event's).
    pub fn add_copy(&mut self, id: Option<&str>, at: usize) {
        self.insert(id.map(|id| Cow::Owned(id.to_string())), at);
    }

    fn insert(&mut self, id: Option<Cow<'a, str>>, at: usize) {
        let Some(id) = id.filter(|id| !id.is_empty()) else {
            return;
        };
        match self.first.entry(id) {
            Entry::Occupied(_) if self.again.len() >= REPORTED => {
                self.more.get_or_insert((at, 0)).1 += 1;
            }
            Entry::Occupied(first) => self.again.push((first.key().clone(), at, *first.get())),
            Entry::Vacant(slot) => {
                slot.insert(at);
            }
        }
    }

    /// Reports every id used again, at each later use; `line` turns a place into its line.
    pub fn check(&self, f: &mut Findings, line: impl Fn(usize) -> Option<usize>) {
        for (id, at, first) in &self.again {
            let first = line(*first).map_or(String::new(), |l| format!(" (first at line {l})"));
            f.add(&CONTENT_TOOL_IDS, line(*at), || {
                format!("tool call id {} is used twice{first}", clip(id))
            });
        }
        if let Some((at, count)) = self.more {
            f.add_counted(
                &CONTENT_TOOL_IDS,
                line(at),
                || {
                    format!(
                        "and {} more tool call ids used again, from this one on",
                        thousands(count as u64)
                    )
                },
                count,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_used_again_are_kept_twenty_times_then_counted() {
        let mut ids = Ids::default();
        for at in 0..100 {
            ids.add_copy(Some("c"), at);
        }
        assert_eq!(ids.again.len(), REPORTED);
        let mut f = Findings::default();
        ids.check(&mut f, Some);
        let findings = f.into_vec();
        assert_eq!(findings.len(), REPORTED + 1);
        assert_eq!(findings.iter().map(|f| f.count).sum::<usize>(), 99);
        assert_eq!(
            findings[REPORTED].message,
            "and 79 more tool call ids used again, from this one on"
        );
        assert_eq!(findings[REPORTED].line, Some(21));
    }

    #[test]
    fn shape_reads_json_as_a_value_does() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for text in [
            r#"{"a": [1, 2.5, "x", null, true]}"#,
            r#"[1]"#,
            r#""s""#,
            r#"{"a": 1e400}"#,
            r#"{"a": "\ud800"}"#,
            r#"{"\ud800": 1}"#,
            r#"{"a": 1,}"#,
            r#"{"a" 1}"#,
            "{\"a\": \"x\u{1}\"}",
            deep.as_str(),
        ] {
            let shape = serde_json::from_str::<Shape>(text);
            let value = serde_json::from_str::<serde_json::Value>(text);
            match (shape, value) {
                (Ok(shape), Ok(value)) => assert_eq!(shape.object, value.is_object(), "{text}"),
                (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{text}"),
                (a, b) => panic!("{text}: {:?} / {:?}", a.map(|s| s.object), b),
            }
        }
    }
}
