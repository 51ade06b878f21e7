//! Tool calls, whatever the API: arguments that parse once complete, ids that are unique.

use std::collections::HashMap;

use serde_json::Value;

use crate::diagnostic::Findings;
use crate::diagnostic::rules::{CONTENT_TOOL_ARGUMENTS, CONTENT_TOOL_IDS};

/// Names a call in findings: `get_weather (call_123)`.
pub fn call_name(name: &str, id: Option<&str>) -> String {
    match id {
        Some(id) => format!("{name:?} ({id})"),
        None => format!("{name:?}"),
    }
}

/// Checks a call's complete argument text: JSON (an object, when `object` is set), or empty
/// (a call without arguments). `line` is asked only for a finding: in a big body, finding a
/// value's line means scanning the body.
pub fn arguments(
    raw: &str,
    object: bool,
    call: &str,
    line: impl FnOnce() -> Option<usize>,
    f: &mut Findings,
) {
    if raw.trim().is_empty() {
        return;
    }
    match serde_json::from_str::<Value>(raw) {
        Err(err) => f.add(
            &CONTENT_TOOL_ARGUMENTS,
            line(),
            format!(
                "tool call {call}: arguments are not valid JSON ({}): {}",
                super::locate::json_error(&err),
                clip(raw)
            ),
        ),
        Ok(value) if object && !value.is_object() => f.add(
            &CONTENT_TOOL_ARGUMENTS,
            line(),
            format!(
                "tool call {call}: input is not a JSON object: {}",
                clip(raw)
            ),
        ),
        Ok(_) => {}
    }
}

/// The tool call ids of one response, each with where it appeared: a line in a stream, an
/// index into the body's array for a blocking body (its line is found only for a finding).
#[derive(Debug, Default)]
pub struct Ids(Vec<(String, usize)>);

impl Ids {
    pub fn add(&mut self, id: Option<&str>, at: usize) {
        if let Some(id) = id.filter(|id| !id.is_empty()) {
            self.0.push((id.to_string(), at));
        }
    }

    /// Reports every id used again, at each later use; `line` turns a place into its line.
    pub fn check(&self, f: &mut Findings, line: impl Fn(usize) -> Option<usize>) {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (id, at) in &self.0 {
            match first.get(id.as_str()) {
                Some(&first) => {
                    let first =
                        line(first).map_or(String::new(), |l| format!(" (first at line {l})"));
                    f.add(
                        &CONTENT_TOOL_IDS,
                        line(*at),
                        format!("tool call id {id} is used twice{first}"),
                    );
                }
                None => {
                    first.insert(id, *at);
                }
            }
        }
    }
}

/// A value short enough for a one-line message.
pub fn clip(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
