//! Anthropic Messages: the stream grammar (`message_start`, content blocks opened, filled
//! with deltas of their own type and stopped, `message_delta`, `message_stop`) and the
//! blocking body.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Findings;
use super::lines::{Doc, Seg, str_at, u64_at};
use super::rules::ANTHROPIC_GRAMMAR;
use super::stream::{Cx, End, Ev, Grammar, Role};
use super::tools::{self, Ids, call_name};
use super::{errors, usage};

/// Blocks that hold a tool call, whose input streams as `input_json_delta`.
const TOOL_BLOCKS: [&str; 3] = ["tool_use", "server_tool_use", "mcp_tool_use"];

/// Whether the API documents a content block type. Results of provider-run tools are all
/// named `*_tool_result`.
fn known_block(kind: &str) -> bool {
    matches!(
        kind,
        "text" | "thinking" | "redacted_thinking" | "container_upload" | "document"
    ) || TOOL_BLOCKS.contains(&kind)
        || kind.ends_with("_tool_result")
}

/// The block types a delta type may fill; `None` for a delta type the API does not document.
fn delta_targets(delta: &str) -> Option<&'static [&'static str]> {
    match delta {
        "text_delta" | "citations_delta" => Some(&["text"]),
        "thinking_delta" | "signature_delta" => Some(&["thinking"]),
        "input_json_delta" => Some(&TOOL_BLOCKS),
        _ => None,
    }
}

#[derive(Debug)]
struct Block {
    kind: String,
    line: usize,
    stopped: bool,
    /// Reported as never stopped at `message_delta`: a late stop is no second finding.
    unstopped_reported: bool,
    /// `input_json_delta` fragments, joined.
    json: String,
    call: String,
}

#[derive(Debug, Default)]
pub struct Stream {
    /// Line of `message_start`.
    started: Option<usize>,
    /// Whether the first event that is no ping has been seen.
    opened: bool,
    blocks: BTreeMap<u64, Block>,
    /// Line of `message_delta`.
    delta: Option<usize>,
    ids: Ids,
}

impl Stream {
    fn grammar(&self, cx: &mut Cx, line: usize, message: String) {
        cx.f.add(&ANTHROPIC_GRAMMAR, Some(line), message);
    }

    /// The block an event names by `index`, reporting a missing index or block.
    fn block(&mut self, data: &Value, line: usize, cx: &mut Cx) -> Option<(u64, &mut Block)> {
        let kind = str_at(data, "type").unwrap_or_default();
        let Some(index) = u64_at(data, "index") else {
            self.grammar(cx, line, format!("{kind} has no index"));
            return None;
        };
        if !self.blocks.contains_key(&index) {
            let what = if kind == "content_block_stop" {
                "stop"
            } else {
                "delta"
            };
            self.grammar(
                cx,
                line,
                format!("{what} for content block {index} before its content_block_start"),
            );
        }
        self.blocks.get_mut(&index).map(|b| (index, b))
    }

    fn start(&mut self, data: &Value, line: usize, cx: &mut Cx) {
        let Some(index) = u64_at(data, "index") else {
            return self.grammar(cx, line, "content_block_start has no index".into());
        };
        if let Some(first) = self.blocks.get(&index) {
            let first = first.line;
            return self.grammar(
                cx,
                line,
                format!("content block {index} starts again (first at line {first})"),
            );
        }
        let expected = self.blocks.len() as u64;
        if index != expected {
            self.grammar(
                cx,
                line,
                format!("content block {index} starts out of order: the next index is {expected}"),
            );
        }
        if let Some(delta) = self.delta {
            self.grammar(
                cx,
                line,
                format!("content_block_start after message_delta at line {delta}"),
            );
        }
        let block = &data["content_block"];
        let kind = str_at(block, "type").unwrap_or_default();
        if !known_block(kind) {
            cx.unknown(format!("content block type {kind:?}"), line);
        }
        let id = str_at(block, "id");
        if TOOL_BLOCKS.contains(&kind) {
            self.ids.add(id, line);
        }
        self.blocks.insert(
            index,
            Block {
                kind: kind.to_string(),
                line,
                stopped: false,
                unstopped_reported: false,
                json: String::new(),
                call: call_name(str_at(block, "name").unwrap_or_default(), id),
            },
        );
    }

    fn delta(&mut self, data: &Value, line: usize, cx: &mut Cx) {
        let delta = &data["delta"];
        let kind = str_at(delta, "type").unwrap_or_default();
        let Some(targets) = delta_targets(kind) else {
            return cx.unknown(format!("delta type {kind:?}"), line);
        };
        let Some((index, block)) = self.block(data, line, cx) else {
            return;
        };
        let problem = if block.stopped {
            Some(format!(
                "{kind} for content block {index} after its content_block_stop"
            ))
        } else if known_block(&block.kind) && !targets.contains(&block.kind.as_str()) {
            Some(format!(
                "{kind} for content block {index}, a {} block",
                block.kind
            ))
        } else {
            None
        };
        if kind == "input_json_delta" {
            block
                .json
                .push_str(str_at(delta, "partial_json").unwrap_or_default());
        }
        if let Some(problem) = problem {
            self.grammar(cx, line, problem);
        }
    }

    fn stop(&mut self, data: &Value, line: usize, cx: &mut Cx) {
        let Some((index, block)) = self.block(data, line, cx) else {
            return;
        };
        if block.unstopped_reported {
            return;
        }
        if block.stopped {
            return self.grammar(cx, line, format!("content block {index} stops twice"));
        }
        block.stopped = true;
        // The input is complete once its block stops; an empty one is a call without input.
        if TOOL_BLOCKS.contains(&block.kind.as_str()) {
            let (json, call) = (block.json.clone(), block.call.clone());
            tools::arguments(&json, true, &call, || Some(line), cx.f);
        }
    }

    fn message_delta(&mut self, data: &Value, line: usize, cx: &mut Cx) {
        if let Some(first) = self.delta {
            self.grammar(
                cx,
                line,
                format!("a second message_delta (first at line {first})"),
            );
        }
        self.delta.get_or_insert(line);
        let open: Vec<(u64, usize)> = self
            .blocks
            .iter()
            .filter(|(_, b)| !b.stopped)
            .map(|(i, b)| (*i, b.line))
            .collect();
        for (index, start) in open {
            self.grammar(
                cx,
                line,
                format!("content block {index} (started at line {start}) is never stopped"),
            );
            if let Some(block) = self.blocks.get_mut(&index) {
                block.unstopped_reported = true;
            }
        }
        usage::require(
            data.get("usage"),
            &["output_tokens"],
            Some(line),
            "message_delta",
            cx.f,
        );
    }
}

impl Grammar for Stream {
    const RULE: super::Rule = ANTHROPIC_GRAMMAR;
    const TERMINAL: &'static str = "message_stop";

    fn event(&mut self, ev: &Ev, cx: &mut Cx) -> Role {
        let Some(data) = &ev.json else {
            return Role::Other;
        };
        let kind = ev.kind();
        if !self.opened && kind != "ping" {
            self.opened = true;
            if !matches!(kind, "message_start" | "error") {
                self.grammar(
                    cx,
                    ev.line,
                    format!("the stream opens with {kind}, not message_start"),
                );
            }
        }
        match kind {
            "message_start" => {
                if let Some(first) = self.started {
                    self.grammar(
                        cx,
                        ev.line,
                        format!("a second message_start (first at line {first})"),
                    );
                }
                self.started.get_or_insert(ev.line);
                usage::require(
                    data["message"].get("usage"),
                    &["input_tokens"],
                    Some(ev.line),
                    "message_start",
                    cx.f,
                );
            }
            "content_block_start" => self.start(data, ev.line, cx),
            "content_block_delta" => self.delta(data, ev.line, cx),
            "content_block_stop" => self.stop(data, ev.line, cx),
            "message_delta" => self.message_delta(data, ev.line, cx),
            "message_stop" => {
                if self.delta.is_none() {
                    self.grammar(cx, ev.line, "message_stop without message_delta".into());
                }
                return Role::Terminal;
            }
            "ping" => {}
            "error" => {
                errors::check(data, ev.line, "the error event", cx.f);
                return Role::Error;
            }
            other => cx.unknown(format!("event type {other:?}"), ev.line),
        }
        Role::Other
    }

    fn finish(self, _: &End, cx: &mut Cx) {
        self.ids.check(cx.f, Some);
    }
}

/// Checks a blocking `{"type": "message"}` body.
pub fn body(doc: &Doc, f: &mut Findings) {
    let mut ids = Ids::default();
    let starts = doc.elements(&[Seg::Key("content")]);
    let at = |i: usize| starts.get(i).copied();
    for (i, block) in doc.value["content"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let kind = str_at(block, "type").unwrap_or_default();
        if !TOOL_BLOCKS.contains(&kind) {
            continue;
        }
        let id = str_at(block, "id");
        ids.add(id, i);
        let call = call_name(str_at(block, "name").unwrap_or_default(), id);
        // A blocking body states the input whole: it must be an object, as a stream's must.
        let input = block
            .get("input")
            .map_or("null".to_string(), Value::to_string);
        let line = || doc.line_below(at(i), &[Seg::Key("input")]);
        tools::arguments(&input, true, &call, line, f);
    }
    ids.check(f, |i| doc.line_below(at(i), &[]));
    usage::require(
        doc.value.get("usage"),
        &["input_tokens", "output_tokens"],
        doc.line(&[Seg::Key("usage")]),
        "the message",
        f,
    );
}
