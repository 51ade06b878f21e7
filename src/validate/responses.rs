//! OpenAI Responses: the typed event stream (`response.created` first, `sequence_number`
//! without gaps, items announced by `output_item.added` before their events and closed by
//! `output_item.done`, `*.done` events restating what their deltas built, one terminal event
//! whose `output` agrees with the items) and the blocking body.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::Findings;
use super::lines::{Doc, Seg, str_at, u64_at};
use super::rules::{
    CONTENT_COMPLETED_OUTPUT, RESPONSES_DONE_TEXT, RESPONSES_GRAMMAR, RESPONSES_ITEMS,
    RESPONSES_SEQUENCE,
};
use super::stream::{Cx, End, Ev, Grammar, Role};
use super::tools::{self, Ids, call_name, clip};
use super::{errors, usage};

const TERMINALS: [&str; 3] = [
    "response.completed",
    "response.failed",
    "response.incomplete",
];

/// The Responses names of the prompt and output token counts.
const USAGE_KEYS: [&str; 2] = ["input_tokens", "output_tokens"];

/// Items whose calls carry JSON arguments.
const JSON_CALLS: [&str; 2] = ["function_call", "mcp_call"];

/// Items whose `call_id` names a call the client answers.
const CLIENT_CALLS: [&str; 2] = ["function_call", "custom_tool_call"];

/// One output item, as its events build it.
#[derive(Debug)]
struct Item {
    id: Option<String>,
    /// The id the client answers a call by (`call_id`), for calls.
    call_id: Option<String>,
    kind: String,
    name: String,
    added: usize,
    done: Option<usize>,
    /// Deltas joined, by event family (`output_text`, `function_call_arguments`, …) and
    /// part index (`content_index` / `summary_index`).
    streamed: BTreeMap<(String, u64), String>,
    /// The arguments are checked once per item, at whichever event completes them first.
    arguments_checked: bool,
}

impl Item {
    /// How findings name the item: a call by its name and call id, anything else by its id.
    fn call(&self) -> String {
        match (self.name.as_str(), self.id.as_deref()) {
            ("", Some(id)) => id.to_string(),
            (name, id) => call_name(name, self.call_id.as_deref().or(id)),
        }
    }

    /// The text deltas built for `family`, all parts joined in order; `None` when none came.
    fn streamed(&self, family: &str) -> Option<String> {
        let mut parts = self
            .streamed
            .range((family.to_string(), 0)..=(family.to_string(), u64::MAX))
            .map(|(_, text)| text.as_str())
            .peekable();
        parts.peek()?;
        Some(parts.collect())
    }

    fn check_arguments(&mut self, arguments: &str, line: usize, f: &mut Findings) {
        if JSON_CALLS.contains(&self.kind.as_str()) && !self.arguments_checked {
            self.arguments_checked = true;
            tools::arguments(arguments, false, &self.call(), || Some(line), f);
        }
    }
}

/// What an item's final statement (`output_item.done`, or the terminal `output`) says, for
/// comparison with its deltas: `(family, text)` pairs.
fn stated_texts(item: &Value) -> Vec<(&'static str, String)> {
    let parts = |key: &str, kind: &str, field: &str| -> Option<String> {
        let parts: Vec<&str> = item[key]
            .as_array()?
            .iter()
            .filter(|p| str_at(p, "type") == Some(kind))
            .filter_map(|p| str_at(p, field))
            .collect();
        (!parts.is_empty()).then(|| parts.concat())
    };
    let mut out = Vec::new();
    let mut push = |family, text: Option<String>| {
        if let Some(text) = text {
            out.push((family, text));
        }
    };
    match str_at(item, "type").unwrap_or_default() {
        "message" => {
            push("output_text", parts("content", "output_text", "text"));
            push("refusal", parts("content", "refusal", "refusal"));
        }
        "reasoning" => {
            push(
                "reasoning_summary_text",
                parts("summary", "summary_text", "text"),
            );
            push("reasoning_text", parts("content", "reasoning_text", "text"));
        }
        "function_call" => push(
            "function_call_arguments",
            str_at(item, "arguments").map(str::to_string),
        ),
        "mcp_call" => push(
            "mcp_call_arguments",
            str_at(item, "arguments").map(str::to_string),
        ),
        "custom_tool_call" => push(
            "custom_tool_call_input",
            str_at(item, "input").map(str::to_string),
        ),
        _ => {}
    }
    out
}

/// Compares what an item's final statement says with what its deltas built.
fn compare_texts(
    item: &Item,
    stated: &Value,
    rule: &super::Rule,
    what: &str,
    line: usize,
    f: &mut Findings,
) {
    for (family, text) in stated_texts(stated) {
        if let Some(built) = item.streamed(family) {
            if built != text {
                f.add(
                    rule,
                    Some(line),
                    format!(
                        "{what} states {family} {:?} for output item {}, but its deltas built {:?}",
                        clip(&text),
                        item.call(),
                        clip(&built)
                    ),
                );
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct Stream {
    /// Whether an event has been read (the first must be `response.created`).
    opened: bool,
    created: Option<usize>,
    /// The last `sequence_number` and its line.
    sequence: Option<(u64, usize)>,
    items: BTreeMap<u64, Item>,
    index_of: HashMap<String, u64>,
    /// Output indices already reported as never added, so one missing item is one finding.
    orphans: HashSet<u64>,
    /// The `response.completed` response and its line.
    completed: Option<(Value, usize)>,
}

impl Stream {
    fn sequence(&mut self, data: &Value, line: usize, cx: &mut Cx) {
        let number = u64_at(data, "sequence_number");
        match (number, self.sequence) {
            (Some(n), Some((prev, prev_line))) if n != prev.wrapping_add(1) => {
                let what = if n > prev {
                    format!(
                        "jumps from {prev} (line {prev_line}) to {n}: {} missing",
                        n - prev - 1
                    )
                } else {
                    format!("{n} does not increase on {prev} (line {prev_line})")
                };
                cx.f.add(
                    &RESPONSES_SEQUENCE,
                    Some(line),
                    format!("sequence_number {what}"),
                );
            }
            (None, Some((_, prev_line))) => cx.f.add(
                &RESPONSES_SEQUENCE,
                Some(line),
                format!("an event without sequence_number, after one with it at line {prev_line}"),
            ),
            _ => {}
        }
        if let Some(n) = number {
            self.sequence = Some((n, line));
        }
    }

    fn added(&mut self, data: &Value, line: usize, cx: &mut Cx) {
        let Some(index) = u64_at(data, "output_index") else {
            return cx.f.add(
                &RESPONSES_ITEMS,
                Some(line),
                "output_item.added has no output_index",
            );
        };
        if let Some(first) = self.items.get(&index) {
            let first = first.added;
            return cx.f.add(
                &RESPONSES_ITEMS,
                Some(line),
                format!("output_index {index} is added again (first at line {first})"),
            );
        }
        let item = &data["item"];
        let id = str_at(item, "id").map(str::to_string);
        if let Some(id) = &id {
            self.index_of.insert(id.clone(), index);
        }
        self.items.insert(
            index,
            Item {
                id,
                call_id: str_at(item, "call_id").map(str::to_string),
                kind: str_at(item, "type").unwrap_or_default().to_string(),
                name: str_at(item, "name").unwrap_or_default().to_string(),
                added: line,
                done: None,
                streamed: BTreeMap::new(),
                arguments_checked: false,
            },
        );
    }

    /// The item an item event names, by `output_index` and `item_id`, reporting whatever
    /// disagrees with `output_item.added`.
    fn item(&mut self, data: &Value, kind: &str, line: usize, cx: &mut Cx) -> Option<&mut Item> {
        let item_id = str_at(data, "item_id");
        let index = u64_at(data, "output_index")
            .or_else(|| item_id.and_then(|id| self.index_of.get(id).copied()));
        let Some(index) = index else {
            let message = match item_id {
                Some(id) => format!("{kind} names item {id}, which no output_item.added announced"),
                None => format!("{kind} has neither output_index nor item_id"),
            };
            cx.f.add(&RESPONSES_ITEMS, Some(line), message);
            return None;
        };
        let Some(item) = self.items.get_mut(&index) else {
            if self.orphans.insert(index) {
                cx.f.add(
                    &RESPONSES_ITEMS,
                    Some(line),
                    format!(
                        "{kind} for output_index {index}, which no output_item.added announced"
                    ),
                );
            }
            return None;
        };
        if let (Some(id), Some(known)) = (item_id, item.id.as_deref()) {
            if id != known {
                cx.f.add(
                    &RESPONSES_ITEMS,
                    Some(line),
                    format!("item_id {id} is not the id of output_index {index} ({known}, added at line {})", item.added),
                );
            }
        }
        Some(item)
    }

    fn item_done(&mut self, data: &Value, line: usize, cx: &mut Cx) {
        let Some(item) = self.item(data, "response.output_item.done", line, cx) else {
            return;
        };
        let stated = &data["item"];
        if let Some(done) = item.done {
            return cx.f.add(
                &RESPONSES_ITEMS,
                Some(line),
                format!(
                    "output item {} is done twice (first at line {done})",
                    item.call()
                ),
            );
        }
        item.done = Some(line);
        let (id, kind) = (
            str_at(stated, "id"),
            str_at(stated, "type").unwrap_or_default(),
        );
        if id.is_some() && id != item.id.as_deref() || kind != item.kind {
            cx.f.add(
                &RESPONSES_ITEMS,
                Some(line),
                format!(
                    "output_item.done states {kind} {} where output_item.added (line {}) had {} {}",
                    id.unwrap_or("without id"),
                    item.added,
                    item.kind,
                    item.id.as_deref().unwrap_or("without id"),
                ),
            );
        }
        if item.name.is_empty() {
            item.name = str_at(stated, "name").unwrap_or_default().to_string();
        }
        if item.call_id.is_none() {
            item.call_id = str_at(stated, "call_id").map(str::to_string);
        }
        compare_texts(
            item,
            stated,
            &RESPONSES_DONE_TEXT,
            "output_item.done",
            line,
            cx.f,
        );
        if let Some(arguments) = str_at(stated, "arguments") {
            item.check_arguments(arguments, line, cx.f);
        }
    }

    /// Any other event about an item: deltas are joined, `*.done` compared with them.
    fn item_event(&mut self, data: &Value, kind: &str, line: usize, cx: &mut Cx) {
        let Some(item) = self.item(data, kind, line, cx) else {
            return;
        };
        let name = kind.trim_start_matches("response.");
        let part = u64_at(data, "content_index")
            .or_else(|| u64_at(data, "summary_index"))
            .unwrap_or(0);
        if let Some(family) = name.strip_suffix(".delta") {
            if let Some(done) = item.done {
                cx.f.add(
                    &RESPONSES_ITEMS,
                    Some(line),
                    format!("{kind} after the item's output_item.done at line {done}"),
                );
            }
            if let Some(delta) = str_at(data, "delta") {
                item.streamed
                    .entry((family.to_string(), part))
                    .or_default()
                    .push_str(delta);
            }
        } else if let Some(family) = name.strip_suffix(".done") {
            let stated = ["text", "arguments", "input", "refusal"]
                .iter()
                .find_map(|key| str_at(data, key));
            let Some(stated) = stated else {
                return;
            };
            if let Some(built) = item.streamed.get(&(family.to_string(), part)) {
                if built != stated {
                    cx.f.add(
                        &RESPONSES_DONE_TEXT,
                        Some(line),
                        format!(
                            "{kind} states {:?}, but its deltas built {:?}",
                            clip(stated),
                            clip(built)
                        ),
                    );
                }
            }
            if family.ends_with("_arguments") {
                item.check_arguments(stated, line, cx.f);
            }
        }
    }

    fn terminal(&mut self, data: &Value, kind: &str, line: usize, cx: &mut Cx) {
        let response = &data["response"];
        let expected = kind.trim_start_matches("response.");
        let status = str_at(response, "status");
        if status.is_some_and(|s| s != expected) {
            cx.f.add(
                &RESPONSES_GRAMMAR,
                Some(line),
                format!("{kind} carries status {:?}", status.unwrap_or_default()),
            );
        }
        match expected {
            "failed" => errors::check(response, line, "response.failed", cx.f),
            _ => {
                usage::require_openai(response.get("usage"), USAGE_KEYS, Some(line), kind, cx.f);
                if expected == "completed" {
                    self.completed = Some((response.clone(), line));
                }
            }
        }
    }

    /// Checks the terminal `output` against the items the stream built. An empty `output`
    /// restates nothing (some servers leave it out), so only a stated item is compared.
    fn compare_output(&self, response: &Value, line: usize, f: &mut Findings) {
        let output = response["output"].as_array().map_or(&[][..], Vec::as_slice);
        if output.is_empty() {
            return;
        }
        if output.len() != self.items.len() {
            f.add(
                &CONTENT_COMPLETED_OUTPUT,
                Some(line),
                format!(
                    "response.completed lists {} output items, but the stream added {}",
                    output.len(),
                    self.items.len()
                ),
            );
        }
        for (index, item) in &self.items {
            let Some(stated) = usize::try_from(*index).ok().and_then(|i| output.get(i)) else {
                continue;
            };
            let (id, kind) = (
                str_at(stated, "id"),
                str_at(stated, "type").unwrap_or_default(),
            );
            if id.is_some() && id != item.id.as_deref() || kind != item.kind {
                f.add(
                    &CONTENT_COMPLETED_OUTPUT,
                    Some(line),
                    format!(
                        "response.completed output[{index}] is {kind} {}, but the stream added {} {} there (line {})",
                        id.unwrap_or("without id"),
                        item.kind,
                        item.id.as_deref().unwrap_or("without id"),
                        item.added
                    ),
                );
                continue;
            }
            compare_texts(
                item,
                stated,
                &CONTENT_COMPLETED_OUTPUT,
                "response.completed",
                line,
                f,
            );
        }
    }
}

impl Grammar for Stream {
    const RULE: super::Rule = RESPONSES_GRAMMAR;
    const TERMINAL: &'static str = "response.completed/failed/incomplete";

    fn event(&mut self, ev: &Ev, cx: &mut Cx) -> Role {
        let Some(data) = &ev.json else {
            return Role::Other;
        };
        let kind = ev.kind();
        self.sequence(data, ev.line, cx);
        if !self.opened {
            self.opened = true;
            if !matches!(kind, "response.created" | "error") {
                cx.f.add(
                    &RESPONSES_GRAMMAR,
                    Some(ev.line),
                    format!("the stream opens with {kind}, not response.created"),
                );
            }
        }
        match kind {
            "response.created" => {
                if let Some(first) = self.created {
                    cx.f.add(
                        &RESPONSES_GRAMMAR,
                        Some(ev.line),
                        format!("a second response.created (first at line {first})"),
                    );
                }
                self.created.get_or_insert(ev.line);
            }
            "response.in_progress" | "response.queued" | "keepalive" => {}
            terminal if TERMINALS.contains(&terminal) => {
                self.terminal(data, terminal, ev.line, cx);
                return Role::Terminal;
            }
            "error" => {
                errors::check(data, ev.line, "the error event", cx.f);
                return Role::Error;
            }
            "response.output_item.added" => self.added(data, ev.line, cx),
            "response.output_item.done" => self.item_done(data, ev.line, cx),
            // Every other event of the API is about one item (text, reasoning, arguments,
            // content parts, annotations, a tool's progress) and names it.
            item if item.starts_with("response.")
                && (data.get("output_index").is_some() || data.get("item_id").is_some()) =>
            {
                self.item_event(data, item, ev.line, cx)
            }
            other => cx.unknown(format!("event type {other:?}"), ev.line),
        }
        Role::Other
    }

    fn finish(self, end: &End, cx: &mut Cx) {
        let mut ids = Ids::default();
        for item in self.items.values() {
            if CLIENT_CALLS.contains(&item.kind.as_str()) {
                ids.add(item.call_id.as_deref(), item.added);
            }
        }
        ids.check(cx.f, Some);
        if end.clean().is_none() {
            return;
        }
        if let Some((response, line)) = &self.completed {
            for (index, item) in &self.items {
                if item.done.is_none() {
                    cx.f.add(
                        &RESPONSES_ITEMS,
                        Some(item.added),
                        format!("output_index {index} is added but never done before response.completed at line {line}"),
                    );
                }
            }
            self.compare_output(response, *line, cx.f);
        }
    }
}

/// Checks a blocking `{"object": "response"}` body.
pub fn body(doc: &Doc, f: &mut Findings) {
    let response = doc.value;
    let mut ids = Ids::default();
    let starts = doc.elements(&[Seg::Key("output")]);
    let at = |i: usize| starts.get(i).copied();
    for (i, item) in response["output"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let kind = str_at(item, "type").unwrap_or_default();
        if CLIENT_CALLS.contains(&kind) {
            ids.add(str_at(item, "call_id"), i);
        }
        if JSON_CALLS.contains(&kind) {
            let name = call_name(
                str_at(item, "name").unwrap_or_default(),
                str_at(item, "call_id").or_else(|| str_at(item, "id")),
            );
            let line = || doc.line_below(at(i), &[Seg::Key("arguments")]);
            tools::arguments(
                str_at(item, "arguments").unwrap_or_default(),
                false,
                &name,
                line,
                f,
            );
        }
    }
    ids.check(f, |i| doc.line_below(at(i), &[]));
    match str_at(response, "status") {
        Some("failed") => errors::check_body(doc, None, f),
        Some("completed" | "incomplete") => usage::require_openai(
            response.get("usage"),
            USAGE_KEYS,
            doc.line(&[Seg::Key("usage")]),
            "the response",
            f,
        ),
        _ => {}
    }
}
