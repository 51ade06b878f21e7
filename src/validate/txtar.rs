//! How a txtar fixture's sections fit together: known names, each once, the request under
//! its own marker, streaming and blocking captures of one exchange that agree, and
//! follow-up (`*/tool-call`) sections exactly where an injected tool was called.
//!
//! The pair checks compare rebuilt turns ([`crate::reconstruct`]), so "agree" means what
//! `inspect` would show, not byte equality.

use std::collections::HashMap;

use serde_json::json;

use crate::capture::Lines;
use crate::diagnostic::Findings;
use crate::diagnostic::rules::{
    TXTAR_DUPLICATE_SECTION, TXTAR_PAIR_MISMATCH, TXTAR_REQUEST_MARKER, TXTAR_TOOL_CALL_SECTION,
    TXTAR_UNKNOWN_SECTION,
};
use crate::frame::KNOWN_SECTIONS;
use crate::frame::txtar::Section;
use crate::quote::{Quoted, clip};
use crate::turn::Turn;

/// The line of a section's `-- NAME --` marker.
pub(super) fn marker_line(section: &Section) -> usize {
    section.first_line.saturating_sub(1).max(1)
}

/// Checks section names and where the request stands.
pub fn sections(comment: &[u8], sections: &[Section], lines: &Lines, f: &mut Findings) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    for section in sections {
        if let Some(first) = first.get(section.name) {
            f.add(&TXTAR_DUPLICATE_SECTION, Some(marker_line(section)), || {
                format!(
                    "section {} appears again (first at line {first})",
                    Quoted(section.name)
                )
            });
            continue;
        }
        first.insert(section.name, marker_line(section));
        if !KNOWN_SECTIONS.contains(&section.name) {
            f.add(&TXTAR_UNKNOWN_SECTION, Some(marker_line(section)), || {
                format!("unknown section name {}", Quoted(section.name))
            });
        }
    }
    if sections.iter().any(|s| s.name == "request") {
        return;
    }
    if let Some(body) = json_in(comment) {
        f.add(
            &TXTAR_REQUEST_MARKER,
            lines.of_slice(body),
            "the request body stands in the comment: the `-- request --` line is missing",
        );
    }
}

/// The JSON object that ends `comment`, if one does: it starts on a line of its own and runs
/// to the first section marker. Fixtures edited by hand lose the marker line above it, with
/// or without a description before it.
fn json_in(comment: &[u8]) -> Option<&[u8]> {
    let mut start = 0;
    loop {
        let rest = &comment[start..];
        if rest.first() == Some(&b'{') {
            return serde_json::from_slice::<serde::de::IgnoredAny>(rest)
                .is_ok()
                .then_some(rest);
        }
        start += memchr::memchr(b'\n', rest)? + 1;
    }
}

/// A response section's rebuilt turn, with the section it came from.
pub struct SectionTurn<'a> {
    pub section: &'a Section<'a>,
    pub turn: Turn,
}

/// The streaming and blocking section names of one exchange: the first answer, then the
/// answer to the follow-up after an injected tool ran.
const PAIRS: [(&str, &str); 2] = [
    ("streaming", "non-streaming"),
    ("streaming/tool-call", "non-streaming/tool-call"),
];

/// Checks the pairs and the follow-up sections of a fixture's answers.
pub fn answers(answers: &[SectionTurn], f: &mut Findings) {
    let find = |name: &str| answers.iter().find(|a| a.section.name == name);
    for (streaming, blocking) in PAIRS {
        if let (Some(a), Some(b)) = (find(streaming), find(blocking)) {
            compare(a, b, f);
        }
    }
    for first in ["streaming", "non-streaming"] {
        let follow_up = format!("{first}/tool-call");
        let injected = find(first).and_then(|a| a.turn.tool_calls.iter().find(|c| c.injected));
        match (injected, find(&follow_up)) {
            (Some(call), None) => f.add(
                &TXTAR_TOOL_CALL_SECTION,
                find(first).map(|a| marker_line(a.section)),
                || format!(
                    "`{first}` calls the injected tool {}, but there is no `{follow_up}` section with the answer after it ran",
                    Quoted(&call.name)
                ),
            ),
            (None, Some(extra)) => f.add(
                &TXTAR_TOOL_CALL_SECTION,
                Some(marker_line(extra.section)),
                match find(first) {
                    Some(_) => format!(
                        "`{follow_up}` answers a follow-up, but `{first}` calls no injected (bmcp_) tool"
                    ),
                    None => format!("`{follow_up}` answers a follow-up, but there is no `{first}` section"),
                },
            ),
            _ => {}
        }
    }
}

/// Compares two captures of one exchange, unless either recorded an error or was cut
/// short: those legitimately differ.
fn compare(a: &SectionTurn, b: &SectionTurn, f: &mut Findings) {
    let usable = |t: &Turn| t.error.is_none() && t.complete;
    if !usable(&a.turn) || !usable(&b.turn) {
        return;
    }
    let mut differ = |what: &str, left: String, right: String| {
        f.add(&TXTAR_PAIR_MISMATCH, Some(marker_line(b.section)), || {
            format!(
                "`{}` (line {}) and `{}` disagree on {what}: {} vs {}",
                clip(a.section.name),
                marker_line(a.section),
                clip(b.section.name),
                clip(&left),
                clip(&right)
            )
        })
    };
    let names = |t: &Turn| -> Vec<String> { t.tool_calls.iter().map(|c| c.name.clone()).collect() };
    if names(&a.turn) != names(&b.turn) {
        // Each name is cut before `{:?}` escapes it: escaped, a tab between a credential's
        // name and its value reads `\t`, no separator (hostile run 12 D4).
        let shown = |t: &Turn| -> Vec<String> {
            t.tool_calls
                .iter()
                .map(|c| crate::redact::redacted(&c.name))
                .collect()
        };
        differ(
            "tool names",
            format!("{:?}", shown(&a.turn)),
            format!("{:?}", shown(&b.turn)),
        );
    } else {
        for (x, y) in a.turn.tool_calls.iter().zip(&b.turn.tool_calls) {
            if x.arguments != y.arguments {
                differ(
                    &format!("the arguments of {}", Quoted(&x.name)),
                    x.arguments.to_string(),
                    y.arguments.to_string(),
                );
            }
        }
    }
    let (x, y) = (&a.turn.thoughts, &b.turn.thoughts);
    if x.len() != y.len() {
        differ(
            "the number of thoughts",
            x.len().to_string(),
            y.len().to_string(),
        );
    } else if let Some((i, (x, y))) = x.iter().zip(y).enumerate().find(|(_, (x, y))| x != y) {
        let show = |t: &crate::turn::Thought| {
            format!(
                "{} {:?}",
                json!(t.source).as_str().unwrap_or_default(),
                t.text
            )
        };
        differ(&format!("thought {}", i + 1), show(x), show(y));
    }
    if a.turn.stop_reason != b.turn.stop_reason {
        let show = |reason: &Option<String>| reason.clone().unwrap_or_else(|| "none".into());
        differ(
            "the stop reason",
            show(&a.turn.stop_reason),
            show(&b.turn.stop_reason),
        );
    }
}
