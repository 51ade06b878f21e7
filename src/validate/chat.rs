//! OpenAI Chat Completions: `chat.completion.chunk` streams (one id and model, tool calls
//! opened before they continue, nothing after `finish_reason` or `[DONE]`) and blocking
//! `chat.completion` bodies.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Findings;
use super::lines::{Doc, Seg, str_at, u64_at};
use super::rules::{CHAT_GRAMMAR, USAGE_MISSING};
use super::stream::{Cx, End, Ev, Grammar, Role, Same};
use super::tools::{self, Ids, call_name};
use super::{errors, usage};
use crate::reconstruct::chat_calls::{ChatCalls, Delta};

/// What `validate` keeps beside a call `inspect`'s rule builds.
#[derive(Debug)]
struct CallExtra {
    /// Custom tools take free text, not JSON.
    custom: bool,
    line: usize,
}

#[derive(Debug, Default)]
struct Choice {
    /// Line of the chunk that gave the choice's `finish_reason`.
    finish: Option<usize>,
    late_reported: bool,
    calls: ChatCalls<CallExtra>,
}

impl Choice {
    fn tool_call(&mut self, call: &Value, position: usize, line: usize, f: &mut Findings) {
        let index = match u64_at(call, "index") {
            Some(index) => index,
            None => {
                f.add(
                    &CHAT_GRAMMAR,
                    Some(line),
                    "a tool call delta without an integer index",
                );
                position as u64
            }
        };
        let custom = call.get("custom").filter(|c| c.is_object());
        let (fields, args_key) = match custom {
            Some(custom) => (custom, "input"),
            None => (&call["function"], "arguments"),
        };
        let delta = Delta {
            index,
            id: str_at(call, "id"),
            name: str_at(fields, "name"),
            arguments: str_at(fields, args_key),
        };
        let continues_nothing = delta.id.is_none_or(str::is_empty) && delta.name.is_none();
        let (_, opened) = self.calls.apply(delta, || CallExtra {
            custom: custom.is_some(),
            line,
        });
        if opened && continues_nothing {
            f.add(
                &CHAT_GRAMMAR,
                Some(line),
                format!(
                    "a tool call delta at index {index} continues a call no delta opened (it has neither id nor name)"
                ),
            );
        }
    }
}

#[derive(Debug)]
pub struct Stream {
    /// Read from a log of JSON lines, which cannot hold `[DONE]`.
    json_lines: bool,
    /// The request asked for usage in the stream (`stream_options.include_usage`).
    include_usage: bool,
    id: Same,
    model: Same,
    choices: BTreeMap<u64, Choice>,
    /// Line of the chunk that carried usage.
    usage: Option<usize>,
}

impl Stream {
    pub fn new(request: Option<&Value>, json_lines: bool) -> Self {
        Stream {
            json_lines,
            include_usage: request
                .and_then(|r| r["stream_options"].get("include_usage"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            id: Same::default(),
            model: Same::default(),
            choices: BTreeMap::new(),
            usage: None,
        }
    }
}

/// Whether a delta adds anything to its choice.
fn adds_content(delta: &Value) -> bool {
    let text = |key| str_at(delta, key).is_some_and(|t| !t.is_empty());
    text("content")
        || text("refusal")
        || delta["tool_calls"]
            .as_array()
            .is_some_and(|calls| !calls.is_empty())
}

impl Grammar for Stream {
    const RULE: super::Rule = CHAT_GRAMMAR;
    const TERMINAL: &'static str = "[DONE]";

    fn event(&mut self, ev: &Ev, cx: &mut Cx) -> Role {
        if ev.is_done() {
            return Role::Terminal;
        }
        let Some(chunk) = &ev.json else {
            return Role::Other;
        };
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            errors::check(chunk, ev.line, "the error chunk", cx.f);
            return Role::Error;
        }
        let object = str_at(chunk, "object");
        let choices = chunk.get("choices").and_then(Value::as_array);
        let usage = chunk.get("usage").filter(|u| u.is_object());
        if choices.is_none() && usage.is_none() {
            let what = object.unwrap_or("without choices");
            cx.unknown(format!("chunk {what:?}"), ev.line);
            return Role::Other;
        }
        if let Some(object) = object.filter(|o| !o.is_empty() && *o != "chat.completion.chunk") {
            cx.f.add(
                &CHAT_GRAMMAR,
                Some(ev.line),
                format!("a chunk of object {object:?}, not \"chat.completion.chunk\""),
            );
        }
        self.id.check(
            str_at(chunk, "id"),
            ev.line,
            "the chunk id",
            &CHAT_GRAMMAR,
            cx.f,
        );
        self.model.check(
            str_at(chunk, "model"),
            ev.line,
            "the chunk model",
            &CHAT_GRAMMAR,
            cx.f,
        );
        for c in choices.into_iter().flatten() {
            let index = u64_at(c, "index").unwrap_or(0);
            let choice = self.choices.entry(index).or_default();
            let delta = &c["delta"];
            if let (Some(finish), false) = (choice.finish, choice.late_reported) {
                if adds_content(delta) {
                    choice.late_reported = true;
                    cx.f.add(
                        &CHAT_GRAMMAR,
                        Some(ev.line),
                        format!(
                            "a delta for choice {index} after its finish_reason at line {finish}"
                        ),
                    );
                }
            }
            for (position, call) in delta["tool_calls"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                choice.tool_call(call, position, ev.line, cx.f);
            }
            if str_at(c, "finish_reason").is_some() {
                choice.finish.get_or_insert(ev.line);
            }
        }
        if let Some(u) = usage {
            self.usage.get_or_insert(ev.line);
            usage::openai(u, "prompt_tokens", "completion_tokens", Some(ev.line), cx.f);
        }
        Role::Other
    }

    /// In a log of JSON lines, the finish reason is the last word.
    fn complete_without_terminal(&self) -> bool {
        self.json_lines && self.choices.values().any(|c| c.finish.is_some())
    }

    fn finish(self, end: &End, cx: &mut Cx) {
        let mut ids = Ids::default();
        for call in self.choices.values().flat_map(|c| &c.calls.calls) {
            ids.add(call.id.as_deref(), call.extra.line);
        }
        ids.check(cx.f, Some);
        // What a stream opened is only complete when it ended normally.
        let Some(done) = end.clean() else {
            return;
        };
        if self.choices.values().all(|c| c.finish.is_none()) {
            cx.f.add(&CHAT_GRAMMAR, Some(done), "no chunk gives a finish_reason");
        }
        for call in self.choices.values().flat_map(|c| &c.calls.calls) {
            if !call.extra.custom {
                let name = call_name(&call.name, call.id.as_deref());
                tools::arguments(
                    &call.arguments,
                    false,
                    &name,
                    || Some(call.extra.line),
                    cx.f,
                );
            }
        }
        if self.include_usage && self.usage.is_none() {
            cx.f.add(
                &USAGE_MISSING,
                Some(done),
                "the request asks for usage (`stream_options.include_usage`), but no chunk carries it",
            );
        }
    }
}

/// Checks a blocking `chat.completion` body.
pub fn body(doc: &Doc, f: &mut Findings) {
    let mut ids = Ids::default();
    // Where each call starts, in the order met: `choices[i].message.tool_calls[j]`.
    let mut starts: Vec<Option<usize>> = Vec::new();
    for (i, choice) in doc.value["choices"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(calls) = choice["message"]["tool_calls"].as_array() else {
            continue;
        };
        let path = [
            Seg::Key("choices"),
            Seg::Index(i),
            Seg::Key("message"),
            Seg::Key("tool_calls"),
        ];
        let mut found = doc.elements(&path).into_iter();
        for call in calls {
            let id = str_at(call, "id");
            let at = found.next();
            ids.add(id, starts.len());
            starts.push(at);
            if call.get("custom").is_some_and(Value::is_object) {
                continue;
            }
            let function = &call["function"];
            let name = call_name(str_at(function, "name").unwrap_or_default(), id);
            let arguments = str_at(function, "arguments").unwrap_or_default();
            let line = || doc.line_below(at, &[Seg::Key("function"), Seg::Key("arguments")]);
            tools::arguments(arguments, false, &name, line, f);
        }
    }
    ids.check(f, |k| doc.line_below(starts[k], &[]));
    usage::require_openai(
        doc.value.get("usage"),
        ["prompt_tokens", "completion_tokens"],
        doc.line(&[Seg::Key("usage")]),
        "the completion",
        f,
    );
}
