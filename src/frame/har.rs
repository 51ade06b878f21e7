//! HAR archives (1.1 and 1.2, from browsers, mitmproxy, Charles, Proxyman), read one entry
//! at a time.
//!
//! A day of traffic makes a HAR of hundreds of megabytes, most of it pages and images, so
//! the file is never parsed whole: a serde visitor walks `log.entries` and hands over one
//! entry's value at a time, which becomes an [`Entry`] (its bodies decoded) and, through
//! [`Entry::exchange`], an exchange like any other capture's. Unknown fields (vendors'
//! `_fields`) are ignored. Header values are looked at only for content type and coding, and
//! for credentials (kept apart, to be cut).

use std::cell::Cell;
use std::fmt;
use std::io::Read;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::credentials::{Credentials, each_text};
pub use super::entry::{Entry, Skip};
use super::{bom, coding, entry, surrogates, timestamp};
use crate::bounded_json::Budget;
use crate::turn::Timing;
use crate::warning::Warning;

/// Whether a file's first bytes open a HAR: a JSON object whose first key is `log`.
pub fn looks_like_har(head: &[u8]) -> bool {
    let Some(rest) = bom::strip(head).trim_ascii_start().strip_prefix(b"{") else {
        return false;
    };
    rest.trim_ascii_start().starts_with(b"\"log\"")
}

/// Why a HAR could not be read to its end (entries before the trouble were handed over).
#[derive(Debug)]
pub struct HarError {
    pub message: String,
    /// The file is no valid JSON (as opposed to cut short, or holding entries too big).
    pub syntax: bool,
}

impl fmt::Display for HarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Where a JSON archive keeps its list of entries, and what messages call the archive.
pub struct Layout {
    /// The archive's name in messages: "the HAR is cut short".
    pub name: &'static str,
    /// The keys that lead from the top-level object to the list, one set a level: the
    /// first key of each level's set met is followed, the rest passed over.
    pub path: &'static [&'static [&'static str]],
    /// What to say when the path leads nowhere.
    pub missing: &'static str,
}

/// A HAR's entries: `log.entries`.
pub const HAR: Layout = Layout {
    name: "HAR",
    path: &[&["log"], &["entries"]],
    missing: "a JSON file with a `log` but no `log.entries`: not a HAR",
};

/// How many levels an entry's JSON may nest (the entry object is level 1). Real entries
/// nest half a dozen (their bodies are strings); the bound keeps parsing off the end of
/// the stack, and below serde_json's own limit of 128 for the whole file, whose crossing
/// would end the archive.
pub const MAX_DEPTH: usize = 100;

/// Calls `each` with the index and value of every entry in `log.entries` of the HAR
/// `reader` holds, one entry in memory at a time. Returns how many entries there were.
///
/// An entry nested deeper than [`MAX_DEPTH`] is passed over, and the others are still
/// read: the result is then `Err`, naming it, once every entry has been handed over.
pub fn for_each_entry(
    reader: impl Read,
    each: impl FnMut(usize, Value, &[[u8; 6]]),
) -> Result<usize, HarError> {
    for_each_item(reader, &HAR, each)
}

/// As [`for_each_entry`], for the list `layout` says where to find: a JSON cassette's
/// `interactions` are streamed the same way.
pub fn for_each_item(
    reader: impl Read,
    layout: &Layout,
    each: impl FnMut(usize, Value, &[[u8; 6]]),
) -> Result<usize, HarError> {
    // JSON has no byte order mark: serde_json would stop at one.
    let reader = bom::strip_reader(reader).map_err(|err| HarError {
        message: err.to_string(),
        syntax: false,
    })?;
    // Browsers write HARs with `JSON.stringify`: a lone surrogate escape in one entry (its
    // page's text cut inside an emoji) would end the archive there (hostile run 68).
    let (reader, handed) = surrogates::MendingReader::new(reader);
    let mut state = State {
        each,
        entries: 0,
        found: false,
        unread: Vec::new(),
        name: layout.name,
        handed,
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let top = Within {
        state: &mut state,
        path: layout.path,
    };
    let result = top.deserialize(&mut de).and_then(|()| de.end());
    let unread = unread_message(&state.unread, state.entries);
    match result {
        Err(err) => Err(HarError {
            message: json_message(&err, state.entries, layout.name) + &unread,
            syntax: err.classify() == serde_json::error::Category::Syntax,
        }),
        Ok(()) if !state.found => Err(HarError {
            message: layout.missing.to_string(),
            syntax: false,
        }),
        Ok(()) if !state.unread.is_empty() => Err(HarError {
            message: unread.trim_start_matches("; ").to_string(),
            syntax: false,
        }),
        Ok(()) => Ok(state.entries),
    }
}

/// The entries passed over, for the end of the message: `; entry 3 was not read: …`.
fn unread_message(unread: &[(usize, String)], entries: usize) -> String {
    let Some((first, why)) = unread.first() else {
        return String::new();
    };
    let others = match unread.len() {
        1 => String::new(),
        2 => " (and 1 more entry)".to_string(),
        n => format!(" (and {} more entries)", n - 1),
    };
    let read = entries - unread.len();
    let read = match read {
        1 => "1 other entry was read".to_string(),
        n => format!("the other {n} entries were read"),
    };
    format!("; entry {first} was not read{others}: {why}; {read}")
}

fn json_message(err: &serde_json::Error, entries: usize, name: &str) -> String {
    use serde_json::error::Category;
    let read = match entries {
        1 => "1 entry read".to_string(),
        n => format!("{n} entries read"),
    };
    match err.classify() {
        Category::Eof => format!("the {name} is cut short at line {} ({read})", err.line()),
        // serde's own words quote the offending value, which may be a credential: say
        // where, never what.
        Category::Syntax => format!(
            "the {name} is not valid JSON at line {} column {} ({read})",
            err.line(),
            err.column()
        ),
        Category::Data => format!(
            "not a {name}: a value of an unexpected type at line {} column {}",
            err.line(),
            err.column()
        ),
        // Reading failed: the file, or its decompression. serde_json words it as the
        // I/O error itself.
        Category::Io => format!("{err} ({read})"),
    }
}

struct State<F> {
    each: F,
    entries: usize,
    found: bool,
    /// Entries passed over, with why.
    unread: Vec<(usize, String)>,
    /// The archive's name, for what the parser expected.
    name: &'static str,
    /// The lone surrogate escapes read as U+FFFD, as the parser reads them: an entry's are
    /// those read while it was.
    handed: surrogates::Handed,
}

/// An object on the way to the list: only the keys of the path's first level are read.
struct Within<'s, F> {
    state: &'s mut State<F>,
    path: &'static [&'static [&'static str]],
}
/// The list: each element is handed over as it is parsed.
struct Entries<'s, F>(&'s mut State<F>);

impl<'de, F: FnMut(usize, Value, &[[u8; 6]])> DeserializeSeed<'de> for Within<'_, F> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, F: FnMut(usize, Value, &[[u8; 6]])> Visitor<'de> for Within<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {} object", self.state.name)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((keys, rest)) = self.path.split_first() else {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        };
        let mut followed = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<str>>()? {
            if followed || !keys.contains(&key.as_ref()) {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            followed = true;
            match rest.is_empty() {
                true => {
                    self.state.found = true;
                    map.next_value_seed(Entries(&mut *self.state))?;
                }
                false => map.next_value_seed(Within {
                    state: &mut *self.state,
                    path: rest,
                })?,
            }
        }
        Ok(())
    }
}

impl<'de, F: FnMut(usize, Value, &[[u8; 6]])> DeserializeSeed<'de> for Entries<'_, F> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, F: FnMut(usize, Value, &[[u8; 6]])> Visitor<'de> for Entries<'_, F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {} entries", self.0.name)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let marks = Marks {
                too_deep: Cell::new(false),
                too_big: Cell::new(false),
                budget: Budget::base(),
            };
            let seed = Nested {
                level: 1,
                marks: &marks,
            };
            self.0.handed.borrow_mut().clear();
            let Some(entry) = seq.next_element_seed(seed)? else {
                return Ok(());
            };
            let lone = std::mem::take(&mut *self.0.handed.borrow_mut());
            if marks.too_deep.get() {
                let why = format!("its JSON nests deeper than {MAX_DEPTH} levels");
                self.0.unread.push((self.0.entries, why));
            } else if marks.too_big.get() {
                let why = format!(
                    "its JSON holds more than {} values, the most this tool builds for an entry",
                    marks.budget.limit()
                );
                self.0.unread.push((self.0.entries, why));
            } else if !entry.is_object() {
                let why = "it is not a JSON object".to_string();
                self.0.unread.push((self.0.entries, why));
            } else {
                (self.0.each)(self.0.entries, entry, &lone);
            }
            self.0.entries += 1;
        }
    }
}

/// What became of one entry's parse, and the nodes it may still build.
struct Marks {
    too_deep: Cell<bool>,
    /// The entry holds more values than [`Budget::base`] allows (an array of millions of
    /// zeros costs some 70 bytes a zero as a tree).
    too_big: Cell<bool>,
    budget: Budget,
}

/// A JSON value built as serde_json builds a [`Value`], except that an array or object
/// deeper than [`MAX_DEPTH`], or past the entry's budget of nodes, is skipped (serde_json
/// skips without recursion, at any depth) and the entry marked: so a deep or huge entry
/// costs that entry, not the rest of the archive, as serde_json's recursion limit would.
struct Nested<'f> {
    /// The level of the value (the entry object is 1).
    level: usize,
    marks: &'f Marks,
}

impl Nested<'_> {
    fn inner(&self) -> Nested<'_> {
        Nested {
            level: self.level + 1,
            marks: self.marks,
        }
    }

    /// Spends a node of the budget; false (the entry marked) when none is left.
    fn spend(&self) -> bool {
        let spent = self.marks.budget.try_spend();
        if !spent {
            self.marks.too_big.set(true);
        }
        spent
    }

    /// `value`, or null once the budget is spent.
    fn keep(&self, value: Value) -> Value {
        match self.spend() {
            true => value,
            false => Value::Null,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Nested<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Nested<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(self.keep(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(self.keep(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(self.keep(v.into()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(self.keep(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        match self.spend() {
            true => Ok(Value::String(v.to_string())),
            false => Ok(Value::Null),
        }
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(self.keep(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(self.keep(Value::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if !self.spend() {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        if self.level > MAX_DEPTH {
            self.marks.too_deep.set(true);
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.inner())? {
            // Past the budget the entry is lost: what is left is read, not kept.
            if !self.marks.too_big.get() {
                items.push(item);
            }
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        if !self.spend() {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        if self.level > MAX_DEPTH {
            self.marks.too_deep.set(true);
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Value::Null);
        }
        let mut members = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(self.inner())?;
            if self.marks.too_big.get() {
                continue;
            }
            // A credential's name given twice (a cassette's header map naming `X-Api-Key`
            // twice) keeps both values, as one list: the last alone would leave the first
            // uncut where an error repeats it (hostile run 63). Any other name keeps its
            // last, as a JSON reader does.
            match members.get_mut(&key) {
                Some(first) if crate::redact::names_a_secret(key.as_bytes()) => {
                    let items = |value: Value| match value {
                        Value::Array(items) => items,
                        value => vec![value],
                    };
                    let mut both = items(first.take());
                    both.extend(items(value));
                    *first = Value::Array(both);
                }
                _ => {
                    members.insert(key, value);
                }
            }
        }
        Ok(Value::Object(members))
    }
}

impl Entry {
    /// The parts of a HAR entry. `Err` with the reason when it is plainly no API traffic
    /// (an image, a page), or its body cannot be decoded. The bodies' texts are moved out
    /// of `entry`, not copied: one may be tens of megabytes.
    pub fn of(mut entry: Value) -> Result<Entry, Skip> {
        let mut parts = {
            let response = &entry["response"];
            let content_type = response["content"]["mimeType"]
                .as_str()
                .filter(|t| !t.is_empty())
                .or_else(|| header(&response["headers"], "content-type"));
            let url = entry["request"]["url"].as_str();
            Entry::head(
                url,
                content_type,
                entry::Status::of_json(&response["status"]),
            )?
        };
        parts.timing = timing(&entry, &mut parts.warnings);
        credentials(&entry, &mut parts.credentials);
        if let Some(text) = take_string(&mut entry, "/request/postData/text") {
            let encoding = &entry["request"]["postData"]["encoding"];
            let body = body_bytes(text, encoding, "request", &mut parts.warnings)
                .map_err(Skip::Undecodable)?;
            let body = decoded(body, &entry["request"]["headers"], &mut parts.warnings)
                .map_err(Skip::Undecodable)?;
            parts.request_body = Some(body);
        }
        if let Some(text) = take_string(&mut entry, "/response/content/text") {
            let encoding = &entry["response"]["content"]["encoding"];
            let body = body_bytes(text, encoding, "response", &mut parts.warnings)
                .map_err(Skip::Undecodable)?;
            parts.response_body = decoded(body, &entry["response"]["headers"], &mut parts.warnings)
                .map_err(Skip::Undecodable)?;
        }
        Ok(parts)
    }
}

/// The credentials an entry's messages carry apart from its URL: in their headers and
/// cookies, and in the request's `queryString`.
fn credentials(entry: &Value, credentials: &mut Credentials) {
    fn list(value: &Value) -> &[Value] {
        value.as_array().map_or(&[], Vec::as_slice)
    }
    /// A field's text; a number's digits (a value a hand-edited archive left unquoted:
    /// hostile run 57).
    fn text<'v>(value: &'v Value, key: &str) -> std::borrow::Cow<'v, str> {
        match &value[key] {
            Value::String(text) => text.into(),
            Value::Number(number) => number.to_string().into(),
            _ => "".into(),
        }
    }
    /// A list's `{name, value}` pairs, or an object's members where a hand-made archive
    /// wrote a map (`{"x-api-key": "…"}`), each value whatever its shape
    /// ([`each_text`]): the entry is read all the same, so its credentials are kept
    /// (hostile run 65).
    fn pairs(value: &Value, keep: &mut impl FnMut(&str, &str)) {
        for pair in list(value) {
            let name = text(pair, "name");
            each_text(&pair["value"], &mut |value| keep(&name, value));
        }
        for (name, value) in value.as_object().into_iter().flatten() {
            each_text(value, &mut |value| keep(name, value));
        }
    }
    for message in [&entry["request"], &entry["response"]] {
        pairs(&message["headers"], &mut |name, value| {
            credentials.header(name, value)
        });
        pairs(&message["cookies"], &mut |_, value| {
            credentials.cookie(value)
        });
    }
    pairs(&entry["request"]["queryString"], &mut |name, value| {
        credentials.param(name, value)
    });
}

/// The string at `pointer` in `entry`, moved out (null left in its place); `None` when
/// there is none, or the value there is no string.
fn take_string(entry: &mut Value, pointer: &str) -> Option<String> {
    let slot = entry.pointer_mut(pointer)?;
    match slot.take() {
        Value::String(text) => Some(text),
        other => {
            *slot = other;
            None
        }
    }
}

/// A header's value by name, in a HAR `headers` list. Used only for content type and
/// coding; credentials are read apart ([`credentials`]), and no other value is.
fn header<'v>(headers: &'v Value, name: &str) -> Option<&'v str> {
    headers.as_array()?.iter().find_map(|h| {
        h["name"]
            .as_str()
            .filter(|n| n.eq_ignore_ascii_case(name))
            .and_then(|_| h["value"].as_str())
    })
}

/// A body's bytes: the text as it is, or base64-decoded when the entry says so
/// ([`entry::base64_body`]).
fn body_bytes(
    text: String,
    encoding: &Value,
    what: &'static str,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<u8>, coding::Undecodable> {
    if !encoding
        .as_str()
        .is_some_and(|e| e.eq_ignore_ascii_case("base64"))
    {
        return Ok(text.into_bytes());
    }
    entry::base64_body(text.into_bytes(), what, warnings)
}

/// A body with its `Content-Encoding` undone, when the capture kept it compressed (HAR
/// tools mostly store bodies decoded already).
fn decoded(
    body: Vec<u8>,
    headers: &Value,
    warnings: &mut Vec<Warning>,
) -> Result<Vec<u8>, coding::Undecodable> {
    entry::decoded(body, codings(headers).as_deref(), warnings)
}

/// Every `Content-Encoding` of a HAR `headers` list, in order, as one list: a message may
/// give its codings in several fields (`gzip` then `br`), each applied after the last.
fn codings(headers: &Value) -> Option<String> {
    let all: Vec<&str> = headers
        .as_array()?
        .iter()
        .filter(|h| {
            h["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case("content-encoding"))
        })
        .filter_map(|h| h["value"].as_str())
        .collect();
    (!all.is_empty()).then(|| all.join(", "))
}

/// A HAR duration: milliseconds, with `-1` (or any negative) for "does not apply". One
/// over a year is no duration a recorder measured (`1e308` would round to infinity, which
/// JSON cannot say and every percentile would take): it is left out.
fn millis(value: &Value) -> Option<f64> {
    value
        .as_f64()
        .filter(|v| (0.0..=MAX_MILLIS).contains(v))
        .map(|v| (v * 1000.0).round() / 1000.0)
}

/// A year, in milliseconds.
const MAX_MILLIS: f64 = 365.0 * 24.0 * 3600.0 * 1000.0;

/// The entry's timing: `startedDateTime`, `time` (else the sum of `timings`), and
/// `timings.wait` as the time to first byte.
fn timing(entry: &Value, warnings: &mut Vec<Warning>) -> Option<Timing> {
    let started_at = entry["startedDateTime"].as_str().and_then(|text| {
        let parsed = timestamp::normalized(text);
        if parsed.is_none() {
            warnings.push(Warning::NotRfc3339 {
                field: "startedDateTime",
                text: text.to_string(),
            });
        }
        parsed
    });
    let timings = &entry["timings"];
    let phases = ["blocked", "dns", "connect", "send", "wait", "receive"];
    let summed = phases
        .iter()
        .filter_map(|p| millis(&timings[*p]))
        .reduce(|a, b| a + b);
    let timing = Timing {
        started_at,
        duration_ms: millis(&entry["time"]).or(summed.and_then(|s| millis(&s.into()))),
        wait_ms: millis(&timings["wait"]),
    };
    (timing != Timing::default()).then_some(timing)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_body_said_to_be_base64_in_any_case_is_decoded() {
        for encoding in ["base64", "BASE64", "Base64"] {
            let mut warnings = Vec::new();
            let body = body_bytes("aGk".into(), &json!(encoding), "response", &mut warnings);
            assert_eq!((body.unwrap().as_slice(), warnings.len()), (&b"hi"[..], 0));
        }
    }

    #[test]
    fn a_body_said_to_be_base64_that_is_text_is_read_and_broken_base64_fails() {
        // Hostile run 59: both were read as text, and broken base64 made its entry a body
        // of no API.
        let mut warnings = Vec::new();
        let json = body_bytes(
            "{\"a\":1}".into(),
            &json!("base64"),
            "response",
            &mut warnings,
        );
        assert_eq!(json.unwrap(), b"{\"a\":1}");
        assert!(matches!(warnings[..], [Warning::NotBase64 { .. }]));
        let broken = body_bytes(
            "eyJh!jox".into(),
            &json!("base64"),
            "response",
            &mut warnings,
        );
        assert!(
            broken
                .unwrap_err()
                .to_string()
                .starts_with("the response body says base64 but does not decode")
        );
    }

    fn entries(data: &str) -> (Vec<Value>, Result<usize, HarError>) {
        let mut seen = Vec::new();
        let result = for_each_entry(data.as_bytes(), |i, v, _| {
            assert_eq!(i, seen.len());
            seen.push(v);
        });
        (seen, result)
    }

    #[test]
    fn codings_in_several_header_entries_are_one_list() {
        let headers = serde_json::json!([
            {"name": "Content-Encoding", "value": "gzip"},
            {"name": "x-api-key", "value": "secret"},
            {"name": "content-encoding", "value": "br"}
        ]);
        assert_eq!(codings(&headers).as_deref(), Some("gzip, br"));
        assert_eq!(codings(&serde_json::json!([])), None);
    }

    #[test]
    fn entries_one_at_a_time_whatever_comes_around_them() {
        let data = r#"{"log": {"version": "1.2", "_vendor": {"x": [1]}, "pages": [{"id": "p"}],
            "entries": [{"a": 1}, {"a": 2}], "comment": ""}}"#;
        let (seen, result) = entries(data);
        assert_eq!(result.unwrap(), 2);
        assert_eq!(seen[1]["a"], 2);
        assert!(looks_like_har(data.as_bytes()));
        assert!(looks_like_har(b"\xef\xbb\xbf {\n  \"log\": {}}"));
        assert!(!looks_like_har(b"{\"type\": \"message\", \"log\": 1}"));
    }

    #[test]
    fn a_har_with_a_bom_is_read() {
        let (seen, result) = entries("\u{feff}{\"log\": {\"entries\": [{\"a\": 1}]}}");
        assert_eq!(result.unwrap(), 1);
        assert_eq!(seen[0]["a"], 1);
        // Short inputs that are not a BOM lose nothing.
        let (_, result) = entries("{}");
        assert!(result.unwrap_err().to_string().contains("no `log.entries`"));
    }

    #[test]
    fn an_entry_nested_too_deep_is_passed_over_and_the_others_kept() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let deeper = format!("{}0{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
        let data = format!(
            r#"{{"log": {{"entries": [{{"a": 0}}, {{"deep": {deep}}}, {deeper}, {{"a": 3}}]}}}}"#
        );
        let mut seen = Vec::new();
        let result = for_each_entry(data.as_bytes(), |i, v, _| seen.push((i, v)));
        assert_eq!(seen, vec![(0, json!({"a": 0})), (3, json!({"a": 3}))]);
        assert_eq!(
            result.unwrap_err().to_string(),
            "entry 1 was not read (and 1 more entry): its JSON nests deeper than 100 levels; \
             the other 2 entries were read"
        );
        // Just within the limit: the entry object and 99 levels inside it.
        let within = format!(
            r#"{{"log": {{"entries": [{{"x": {}{}}}]}}}}"#,
            "[".repeat(99),
            "]".repeat(99)
        );
        assert_eq!(entries(&within).1.unwrap(), 1);
        let beyond = within.replacen('[', "[[", 1).replacen(']', "]]", 1);
        assert!(entries(&beyond).1.is_err());
    }

    #[test]
    fn entries_that_are_no_object_or_too_big_are_named_and_the_others_kept() {
        let zeros = format!("[{}0]", "0,".repeat(crate::bounded_json::BASE_NODES));
        let data = format!(
            r#"{{"log": {{"entries": [1, {{"a": 1}}, null, "x", [], {{"junk": {zeros}}}, {{"a": 6}}]}}}}"#
        );
        let mut seen = Vec::new();
        let result = for_each_entry(data.as_bytes(), |i, v, _| seen.push((i, v)));
        assert_eq!(seen, vec![(1, json!({"a": 1})), (6, json!({"a": 6}))]);
        assert_eq!(
            result.unwrap_err().to_string(),
            "entry 0 was not read (and 4 more entries): it is not a JSON object; \
             the other 2 entries were read"
        );
        let (seen, result) = entries(&format!(
            r#"{{"log": {{"entries": [{{"junk": {zeros}}}]}}}}"#
        ));
        assert!(seen.is_empty());
        assert_eq!(
            result.unwrap_err().to_string(),
            "entry 0 was not read: its JSON holds more than 250000 values, the most this tool \
             builds for an entry; the other 0 entries were read"
        );
    }

    #[test]
    fn cut_short_and_not_json() {
        let (seen, result) = entries(r#"{"log": {"entries": [{"a": 1}, {"a": "#);
        assert_eq!(seen.len(), 1);
        let err = result.unwrap_err().to_string();
        assert!(
            err.contains("cut short") && err.contains("1 entry read"),
            "{err}"
        );
        let (_, result) = entries(r#"{"log": {"entries": [}"#);
        assert!(result.unwrap_err().to_string().contains("not valid JSON"));
        let (_, result) = entries(r#"{"log": {"pages": []}}"#);
        assert!(result.unwrap_err().to_string().contains("no `log.entries`"));
        let (_, result) = entries(r#"{"log": "Bearer sk-secret"}"#);
        let err = result.unwrap_err().to_string();
        assert!(err.contains("not a HAR"), "{err}");
    }

    #[test]
    fn entry_parts() {
        let entry = json!({
            "startedDateTime": "2025-05-01T23:30:00.123+02:00",
            "time": 812.5,
            "timings": {"blocked": -1, "dns": -1, "connect": -1, "send": 0.2, "wait": 640.25, "receive": 172.05},
            "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages?beta=true",
                "headers": [{"name": "x-api-key", "value": "sk-ant-secret"}],
                "postData": {"mimeType": "application/json", "text": "{\"model\":\"m\"}"}},
            "response": {"status": 200, "headers": [],
                "content": {"mimeType": "application/json", "encoding": "base64",
                    "text": "eyJ0eXBlIjoibWVzc2FnZSJ9"}}
        });
        let parts = Entry::of(entry.clone()).unwrap();
        assert_eq!(parts.target.as_deref(), Some("/v1/messages?beta=true"));
        assert_eq!(parts.response_body, b"{\"type\":\"message\"}");
        assert_eq!(
            parts.request_body.as_deref(),
            Some(&b"{\"model\":\"m\"}"[..])
        );
        assert_eq!(parts.status, Some(200));
        let timing = parts.timing.unwrap();
        assert_eq!(
            timing.started_at.as_deref(),
            Some("2025-05-01T21:30:00.123Z")
        );
        assert_eq!(timing.duration_ms, Some(812.5));
        assert_eq!(timing.wait_ms, Some(640.25));
        assert!(!format!("{:?}", Entry::of(entry).unwrap()).contains("sk-ant-secret"));
    }

    #[test]
    fn pages_and_images_are_not_api() {
        let image = json!({"request": {"url": "https://x.test/a.png"},
            "response": {"status": 200, "content": {"mimeType": "image/png", "text": "AAAA", "encoding": "base64"}}});
        assert_eq!(Entry::of(image).unwrap_err(), Skip::NotApi);
    }

    #[test]
    fn duration_from_timings_when_time_is_missing() {
        let entry = json!({"timings": {"send": 1.5, "wait": 10.25, "receive": 3, "ssl": 99}});
        let timing = timing(&entry, &mut Vec::new()).unwrap();
        assert_eq!(timing.duration_ms, Some(14.75));
        assert_eq!(timing.started_at, None);
        // A duration no recorder measured (1e308 ms would round to infinity) is none.
        let entry = json!({"time": 1e308, "timings": {"wait": 5}});
        let huge = super::timing(&entry, &mut Vec::new()).unwrap();
        assert_eq!((huge.duration_ms, huge.wait_ms), (Some(5.0), Some(5.0)));
    }
}
