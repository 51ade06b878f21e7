//! OpenAI Chat Completions: `chat.completion.chunk` streams (one id and model, tool calls
//! opened before they continue, nothing after `finish_reason` or `[DONE]`) and blocking
//! `chat.completion` bodies.

use std::collections::BTreeMap;

use serde_json::Value;

use super::locate::{Doc, Seg};
use super::stream::{Cx, End, Grammar, Role, Same};
use super::tools::{self, Ids, call_name};
use super::{errors, usage};
use crate::decode::chat::{self as api, Call, ChunkKind, USAGE_KEYS};
use crate::decode::chat_calls::{ChatCalls, Delta};
use crate::decode::{self, Data, str_at};
use crate::diagnostic::Findings;
use crate::diagnostic::rules::{CHAT_GRAMMAR, USAGE_MISSING};
use crate::quote::Quoted;

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
    fn tool_call(&mut self, call: &Call, position: usize, line: usize, f: &mut Findings) {
        let index = match call.index.exact() {
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
        let (custom, fields) = call.fields();
        let delta = Delta {
            index,
            id: call.id.as_str(),
            name: fields.name.as_str(),
            arguments: fields.piece(custom),
        };
        let continues_nothing = delta.id.is_none_or(str::is_empty) && delta.name.is_none();
        let (_, opened) = self.calls.apply(delta, || CallExtra { custom, line });
        if opened && continues_nothing {
            f.add(
                &CHAT_GRAMMAR,
                Some(line),
                || format!(
                    "a tool call delta at index {index} continues a call no delta opened (it has neither id nor name)"
                ),
            );
        }
    }
}

#[derive(Debug)]
pub struct StreamGrammar {
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

impl StreamGrammar {
    pub fn new(request: Option<&Value>, json_lines: bool) -> Self {
        StreamGrammar {
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

impl Grammar for StreamGrammar {
    const RULE: crate::diagnostic::Rule = CHAT_GRAMMAR;
    const TERMINAL: &'static str = api::DONE;

    fn event(&mut self, ev: &decode::Event, line: usize, cx: &mut Cx) -> Role {
        let chunk = match &ev.body {
            Data::Done => return Role::Terminal,
            Data::Chat(chunk) => chunk,
            _ => return Role::Other,
        };
        match chunk.kind() {
            ChunkKind::Error => {
                let error = serde_json::json!({ "error": chunk.error });
                errors::check(&error, line, "the error chunk", cx.f);
                return Role::Error;
            }
            ChunkKind::Unknown(object) => {
                let what = object.unwrap_or(api::UNNAMED_CHUNK);
                cx.unknown("event type", what, line);
                return Role::Other;
            }
            ChunkKind::Chunk => {}
        }
        if let Some(object) = chunk
            .object
            .as_str()
            .filter(|o| !o.is_empty() && *o != api::CHUNK_OBJECT)
        {
            cx.f.add(&CHAT_GRAMMAR, Some(line), || {
                format!(
                    "a chunk of object {}, not \"{}\"",
                    Quoted(object),
                    api::CHUNK_OBJECT
                )
            });
        }
        self.id
            .check(chunk.id.as_str(), line, "the chunk id", &CHAT_GRAMMAR, cx.f);
        self.model.check(
            chunk.model.as_str(),
            line,
            "the chunk model",
            &CHAT_GRAMMAR,
            cx.f,
        );
        for c in chunk.choices.iter().flatten() {
            let index = c.index.exact().unwrap_or(0);
            let choice = self.choices.entry(index).or_default();
            let delta = c.delta.as_ref();
            if let (Some(finish), false) = (choice.finish, choice.late_reported) {
                if delta.is_some_and(|d| d.adds_content()) {
                    choice.late_reported = true;
                    cx.f.add(&CHAT_GRAMMAR, Some(line), || {
                        format!(
                            "a delta for choice {index} after its finish_reason at line {finish}"
                        )
                    });
                }
            }
            for (position, call) in delta
                .and_then(|d| d.tool_calls.as_ref())
                .into_iter()
                .flatten()
                .enumerate()
            {
                choice.tool_call(call, position, line, cx.f);
            }
            if c.finish_reason.as_str().is_some() {
                choice.finish.get_or_insert(line);
            }
        }
        if let Some(u) = chunk.usage() {
            self.usage.get_or_insert(line);
            usage::openai(u, USAGE_KEYS, Some(line), "the chunk", cx.f);
        }
        Role::Other
    }

    /// In a log of JSON lines, the finish reason is the last word.
    fn complete_without_terminal(&self) -> bool {
        let finished = self.choices.values().any(|c| c.finish.is_some());
        api::ends_without_done(self.json_lines, finished)
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
                let name = || call_name(&call.name, call.id.as_deref());
                tools::arguments(&call.arguments, false, name, || Some(call.extra.line), cx.f);
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
            let name = || call_name(str_at(function, "name").unwrap_or_default(), id);
            let arguments = str_at(function, "arguments").unwrap_or_default();
            let line = || doc.line_below(at, &[Seg::Key("function"), Seg::Key("arguments")]);
            tools::arguments(arguments, false, name, line, f);
        }
    }
    ids.check(f, |k| doc.line_below(starts[k], &[]));
    usage::require_openai(
        doc.value.get("usage"),
        USAGE_KEYS,
        doc.line(&[Seg::Key("usage")]),
        "the completion",
        f,
    );
}
