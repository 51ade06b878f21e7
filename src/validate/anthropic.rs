//! Anthropic Messages: the stream grammar (`message_start`, content blocks opened, filled
//! with deltas of their own type and stopped, `message_delta`, `message_stop`) and the
//! blocking body.

use serde_json::Value;

use super::locate::{Doc, Seg};
use super::stream::{Cx, End, Grammar, Role, Unknown};
use super::tools::{self, Ids, call_name};
use super::{errors, usage};
use crate::decode::anthropic::{
    self as api, BlockKind, DeltaKind, Event, EventKind, INPUT_TOKENS, OUTPUT_TOKENS,
};
use crate::decode::by_index::ByIndex;
use crate::decode::{self, Data, str_at};
use crate::diagnostic::Findings;
use crate::diagnostic::rules::ANTHROPIC_GRAMMAR;
use crate::quote::clip;

#[derive(Debug)]
struct Block {
    /// The block's type as given, and what it is (`None`: a type the API does not document).
    name: String,
    kind: Option<BlockKind>,
    line: usize,
    stopped: bool,
    /// Reported as never stopped at `message_delta`: a late stop is no second finding.
    unstopped_reported: bool,
    /// `input_json_delta` fragments, joined.
    json: String,
    call: Call,
}

/// A tool block's name and id as given, named (quoted and redacted, by [`call_name`]) only
/// for a finding: naming every block up front cost some 43,000 instructions a block. Kept as
/// one string, the name then the id, so an open block holds one small string for them, as it
/// did their name.
#[derive(Debug)]
struct Call {
    name_and_id: Box<str>,
    name_len: usize,
    has_id: bool,
}

impl Call {
    fn new(name: &str, id: Option<&str>) -> Call {
        Call {
            name_and_id: [name, id.unwrap_or_default()].concat().into(),
            name_len: name.len(),
            has_id: id.is_some(),
        }
    }

    /// How findings name the call.
    fn name(&self) -> String {
        let (name, id) = self.name_and_id.split_at(self.name_len);
        call_name(name, self.has_id.then_some(id))
    }
}

#[derive(Debug, Default)]
pub struct StreamGrammar {
    /// Line of `message_start`.
    started: Option<usize>,
    /// Whether the first event that is no ping has been seen.
    opened: bool,
    blocks: ByIndex<Block>,
    /// Line of `message_delta`.
    delta: Option<usize>,
    ids: Ids<'static>,
}

impl StreamGrammar {
    fn grammar(&self, cx: &mut Cx, line: usize, message: String) {
        cx.f.add(&ANTHROPIC_GRAMMAR, Some(line), message);
    }

    /// The block an event names by `index`, reporting a missing index or block.
    fn block(&mut self, data: &Event, line: usize, cx: &mut Cx) -> Option<(u64, &mut Block)> {
        let kind = data.kind.as_str().unwrap_or_default();
        let Some(index) = data.index.exact() else {
            self.grammar(
                cx,
                line,
                format!("{kind} has no index (a whole number, 0 or more)"),
            );
            return None;
        };
        if self.blocks.get(index).is_none() {
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
        self.blocks.get_mut(index).map(|b| (index, b))
    }

    fn start(&mut self, data: &Event, line: usize, cx: &mut Cx) {
        let block = data.content_block.as_deref().unwrap_or(&Value::Null);
        let name = str_at(block, "type").unwrap_or_default();
        let kind = BlockKind::of(name);
        if kind.is_none() {
            cx.unknown("content block type", name, line);
        }
        let Some(index) = data.index.exact() else {
            return self.grammar(
                cx,
                line,
                "content_block_start has no index (a whole number, 0 or more)".into(),
            );
        };
        if let Some(first) = self.blocks.get(index) {
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
        let id = str_at(block, "id");
        if let Some(BlockKind::Tool(_)) = kind {
            self.ids.add_copy(id, line);
        }
        self.blocks.get_or_insert_with(index, || Block {
            name: name.to_string(),
            kind,
            line,
            stopped: false,
            unstopped_reported: false,
            json: String::new(),
            call: Call::new(str_at(block, "name").unwrap_or_default(), id),
        });
    }

    fn delta(&mut self, data: &Event, line: usize, cx: &mut Cx) {
        let delta = data.delta.as_ref();
        let name = delta.and_then(|d| d.kind.as_str()).unwrap_or_default();
        let Some(kind) = DeltaKind::of(name) else {
            return cx.unknown("delta type", name, line);
        };
        let Some((index, block)) = self.block(data, line, cx) else {
            return;
        };
        let problem = if block.stopped {
            Some(format!(
                "{name} for content block {index} after its content_block_stop"
            ))
        } else if block.kind.is_some_and(|b| !kind.fills(b)) {
            Some(format!(
                "{name} for content block {index}, a {} block",
                block.name
            ))
        } else {
            None
        };
        if kind == DeltaKind::InputJson {
            block.json.push_str(
                delta
                    .and_then(|d| d.partial_json.as_str())
                    .unwrap_or_default(),
            );
        }
        if let Some(problem) = problem {
            self.grammar(cx, line, problem);
        }
    }

    fn stop(&mut self, data: &Event, line: usize, cx: &mut Cx) {
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
        if let Some(BlockKind::Tool(_)) = block.kind {
            // Taken, not copied: the block's input may be 100 MB, and a stopped block is done.
            let json = std::mem::take(&mut block.json);
            tools::arguments(&json, true, || block.call.name(), || Some(line), cx.f);
        }
    }

    fn message_delta(&mut self, data: &Event, line: usize, cx: &mut Cx) {
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
            .map(|(i, b)| (i, b.line))
            .collect();
        for (index, start) in open {
            self.grammar(
                cx,
                line,
                format!("content block {index} (started at line {start}) is never stopped"),
            );
            if let Some(block) = self.blocks.get_mut(index) {
                block.unstopped_reported = true;
            }
        }
        usage::require_anthropic(
            data.usage.as_deref(),
            &[OUTPUT_TOKENS],
            Some(line),
            "message_delta",
            cx.f,
        );
    }
}

impl Grammar for StreamGrammar {
    const RULE: crate::diagnostic::Rule = ANTHROPIC_GRAMMAR;
    const TERMINAL: &'static str = api::TERMINAL;

    fn event(&mut self, ev: &decode::Event, line: usize, cx: &mut Cx) -> Role {
        let Data::Anthropic(data) = &ev.body else {
            // `[DONE]` is no Anthropic event.
            cx.unknown("event type", ev.data.trim(), line);
            return Role::Other;
        };
        let name = ev.kind();
        let kind = EventKind::of(name);
        if !self.opened && kind != Some(EventKind::Ping) {
            self.opened = true;
            if !matches!(kind, Some(EventKind::MessageStart | EventKind::Error)) {
                self.grammar(
                    cx,
                    line,
                    format!("the stream opens with {}, not message_start", clip(name)),
                );
            }
        }
        let Some(kind) = kind else {
            cx.unknown("event type", name, line);
            return Role::Other;
        };
        match kind {
            EventKind::MessageStart => {
                if let Some(first) = self.started {
                    self.grammar(
                        cx,
                        line,
                        format!("a second message_start (first at line {first})"),
                    );
                }
                self.started.get_or_insert(line);
                usage::require_anthropic(
                    data.message.as_deref().and_then(|m| m.get("usage")),
                    &[INPUT_TOKENS],
                    Some(line),
                    "message_start",
                    cx.f,
                );
            }
            EventKind::ContentBlockStart => self.start(data, line, cx),
            EventKind::ContentBlockDelta => self.delta(data, line, cx),
            EventKind::ContentBlockStop => self.stop(data, line, cx),
            EventKind::MessageDelta => self.message_delta(data, line, cx),
            EventKind::MessageStop => {
                if self.delta.is_none() {
                    self.grammar(cx, line, "message_stop without message_delta".into());
                }
                return Role::Terminal;
            }
            EventKind::Ping => {}
            EventKind::Error => {
                let error = serde_json::json!({ "error": data.error });
                errors::check(&error, line, "the error event", cx.f);
                return Role::Error;
            }
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
    let mut unknown = Unknown::default();
    for (i, block) in doc.value["content"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let kind = str_at(block, "type").unwrap_or_default();
        match BlockKind::of(kind) {
            Some(BlockKind::Tool(_)) => {}
            Some(_) => continue,
            None => {
                let line = doc.line_below(at(i), &[]);
                unknown.add("content block type", kind, line);
                continue;
            }
        }
        let id = str_at(block, "id");
        ids.add(id, i);
        let call = || call_name(str_at(block, "name").unwrap_or_default(), id);
        // A blocking body states the input whole: it must be an object, as a stream's must.
        let input = block
            .get("input")
            .map_or("null".to_string(), Value::to_string);
        let line = || doc.line_below(at(i), &[Seg::Key("input")]);
        tools::arguments(&input, true, call, line, f);
    }
    ids.check(f, |i| doc.line_below(at(i), &[]));
    unknown.report(f);
    usage::require_anthropic(
        doc.value.get("usage"),
        &[INPUT_TOKENS, OUTPUT_TOKENS],
        doc.line(&[Seg::Key("usage")]),
        "the message",
        f,
    );
}
