//! OpenAI Responses: the typed event stream (`response.created` first, `sequence_number`
//! without gaps, items announced by `output_item.added` before their events and closed by
//! `output_item.done`, `*.done` events restating what their deltas built, one terminal event
//! whose `output` agrees with the items) and the blocking body.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use super::locate::{Doc, Seg};
use super::stream::{Cx, End, Grammar, Role, Unknown};
use super::tools::{self, Ids, call_name};
use super::{errors, usage};
use crate::decode::responses::{
    self as api, Event, EventKind, ItemKind, Part, Phase, USAGE_KEYS, output_items, part_texts,
};
use crate::decode::{self, Data, str_at};
use crate::diagnostic::Findings;
use crate::diagnostic::rules::{
    CONTENT_COMPLETED_OUTPUT, RESPONSES_DONE_TEXT, RESPONSES_GRAMMAR, RESPONSES_ITEMS,
    RESPONSES_SEQUENCE,
};
use crate::quote::{Quoted, clip};

/// One output item, as its events build it.
#[derive(Debug)]
struct Item {
    id: Option<String>,
    /// The id the client answers a call by (`call_id`), for calls.
    call_id: Option<String>,
    /// Its `type` as given.
    kind: String,
    name: String,
    added: usize,
    done: Option<usize>,
    /// Deltas joined, by the text they build and part index (`content_index` /
    /// `summary_index`).
    streamed: BTreeMap<(Part, u64), String>,
    /// The arguments are checked once per item, at whichever event completes them first.
    arguments_checked: bool,
}

impl Item {
    /// How findings name the item: a call by its name and call id, anything else by its id.
    fn call(&self) -> String {
        match (self.name.as_str(), self.id.as_deref()) {
            ("", Some(id)) => clip(id).into_owned(),
            (name, id) => call_name(name, self.call_id.as_deref().or(id)),
        }
    }

    /// The text deltas built for `part`, all part indices joined in order; `None` when
    /// none came.
    fn streamed(&self, part: Part) -> Option<String> {
        let mut parts = self
            .streamed
            .range((part, 0)..=(part, u64::MAX))
            .map(|(_, text)| text.as_str())
            .peekable();
        parts.peek()?;
        Some(parts.collect())
    }

    fn check_arguments(&mut self, arguments: &str, line: usize, f: &mut Findings) {
        let json = ItemKind::of(&self.kind).is_some_and(ItemKind::json_arguments);
        if json && !self.arguments_checked {
            self.arguments_checked = true;
            tools::arguments(arguments, false, &self.call(), || Some(line), f);
        }
    }
}

/// Compares what an item's final statement says with what its deltas built.
fn compare_texts(
    item: &Item,
    stated: &Value,
    rule: &crate::diagnostic::Rule,
    what: &str,
    line: usize,
    f: &mut Findings,
) {
    let kind = str_at(stated, "type").unwrap_or_default();
    for part in Part::ALL {
        let texts = part_texts(stated, part);
        if texts.is_empty() {
            continue;
        }
        let text = texts.concat();
        if let Some(built) = item.streamed(part) {
            if built != text {
                f.add(
                    rule,
                    Some(line),
                    format!(
                        "{what} states {} {} for output item {}, but its deltas built {}",
                        part.family(kind),
                        Quoted(&text),
                        item.call(),
                        Quoted(&built)
                    ),
                );
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct StreamGrammar {
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
    /// The type each output index was last stated to have (by `output_item.added`, `.done`
    /// or the terminal `output`), where: an item is of the type its last statement gives.
    stated: BTreeMap<u64, (String, usize)>,
}

impl StreamGrammar {
    fn sequence(&mut self, data: &Event, line: usize, cx: &mut Cx) {
        let number = data.sequence_number.exact();
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

    /// Notes the type an item statement gives the item at `index`.
    fn state(&mut self, index: u64, item: &Value, line: usize) {
        let kind = str_at(item, "type").unwrap_or_default().to_string();
        self.stated.insert(index, (kind, line));
    }

    fn added(&mut self, data: &Event, line: usize, cx: &mut Cx) {
        let Some(index) = data.output_index.exact() else {
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
        let item = data.item.as_ref().unwrap_or(&Value::Null);
        let kind = str_at(item, "type").unwrap_or_default();
        let id = str_at(item, "id").map(str::to_string);
        if let Some(id) = &id {
            self.index_of.insert(id.clone(), index);
        }
        self.items.insert(
            index,
            Item {
                id,
                call_id: str_at(item, "call_id").map(str::to_string),
                kind: kind.to_string(),
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
    fn item(&mut self, data: &Event, kind: &str, line: usize, cx: &mut Cx) -> Option<&mut Item> {
        let item_id = data.item_id.as_str();
        let index = data
            .output_index
            .exact()
            .or_else(|| item_id.and_then(|id| self.index_of.get(id).copied()));
        let Some(index) = index else {
            let message = match item_id {
                Some(id) => format!(
                    "{kind} names item {}, which no output_item.added announced",
                    clip(id)
                ),
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
                    format!(
                        "item_id {} is not the id of output_index {index} ({}, added at line {})",
                        clip(id),
                        clip(known),
                        item.added
                    ),
                );
            }
        }
        Some(item)
    }

    fn item_done(&mut self, data: &Event, line: usize, cx: &mut Cx) {
        let Some(item) = self.item(data, "response.output_item.done", line, cx) else {
            return;
        };
        let stated = data.item.as_ref().unwrap_or(&Value::Null);
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
                    "output_item.done states {} {} where output_item.added (line {}) had {} {}",
                    clip(kind),
                    clip(id.unwrap_or("without id")),
                    item.added,
                    clip(&item.kind),
                    clip(item.id.as_deref().unwrap_or("without id")),
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
    fn item_event(
        &mut self,
        data: &Event,
        kind: &str,
        (phase, part): (Phase, Option<Part>),
        line: usize,
        cx: &mut Cx,
    ) {
        let Some(item) = self.item(data, kind, line, cx) else {
            return;
        };
        match phase {
            Phase::Delta => {
                if let Some(done) = item.done {
                    cx.f.add(
                        &RESPONSES_ITEMS,
                        Some(line),
                        format!("{kind} after the item's output_item.done at line {done}"),
                    );
                }
                if let (Some(part), Some(delta)) = (part, data.delta.as_str()) {
                    let index = data.part_index(part).exact().unwrap_or(0);
                    item.streamed
                        .entry((part, index))
                        .or_default()
                        .push_str(delta);
                }
            }
            Phase::Done => {
                let (Some(part), Some(stated)) = (part, data.stated()) else {
                    return;
                };
                let index = data.part_index(part).exact().unwrap_or(0);
                if let Some(built) = item.streamed.get(&(part, index)) {
                    if built != stated {
                        cx.f.add(
                            &RESPONSES_DONE_TEXT,
                            Some(line),
                            format!(
                                "{kind} states {}, but its deltas built {}",
                                Quoted(stated),
                                Quoted(built)
                            ),
                        );
                    }
                }
                if part == Part::Arguments {
                    item.check_arguments(stated, line, cx.f);
                }
            }
            Phase::Other => {}
        }
    }

    fn terminal(&mut self, data: &Event, kind: &str, status: &str, line: usize, cx: &mut Cx) {
        let response = data.response.as_ref().unwrap_or(&Value::Null);
        for (index, item) in output_items(response).iter().enumerate() {
            self.state(index as u64, item, line);
        }
        let stated = str_at(response, "status");
        if stated.is_some_and(|s| s != status) {
            cx.f.add(
                &RESPONSES_GRAMMAR,
                Some(line),
                format!(
                    "{kind} carries status {}",
                    Quoted(stated.unwrap_or_default())
                ),
            );
        }
        match status {
            "failed" => errors::check(response, line, "response.failed", cx.f),
            _ => {
                usage::require_openai(response.get("usage"), USAGE_KEYS, Some(line), kind, cx.f);
                if status == "completed" {
                    self.completed = Some((response.clone(), line));
                }
            }
        }
    }

    /// Checks the terminal `output` against the items the stream built. An empty `output`
    /// restates nothing (some servers leave it out), so only a stated item is compared.
    fn compare_output(&self, response: &Value, line: usize, f: &mut Findings) {
        let output = output_items(response);
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
                        "response.completed output[{index}] is {} {}, but the stream added {} {} there (line {})",
                        clip(kind),
                        clip(id.unwrap_or("without id")),
                        clip(&item.kind),
                        clip(item.id.as_deref().unwrap_or("without id")),
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

impl Grammar for StreamGrammar {
    const RULE: crate::diagnostic::Rule = RESPONSES_GRAMMAR;
    const TERMINAL: &'static str = api::TERMINAL;

    fn event(&mut self, ev: &decode::Event, line: usize, cx: &mut Cx) -> Role {
        let Data::Responses(data) = &ev.body else {
            // `[DONE]` is no Responses event.
            cx.unknown(format!("event type {}", Quoted(ev.data.trim())), line);
            return Role::Other;
        };
        let kind = ev.kind();
        self.sequence(data, line, cx);
        if !self.opened {
            self.opened = true;
            if !matches!(kind, "response.created" | "error") {
                cx.f.add(
                    &RESPONSES_GRAMMAR,
                    Some(line),
                    format!("the stream opens with {}, not response.created", clip(kind)),
                );
            }
        }
        let Some(known) = EventKind::of(kind) else {
            cx.unknown(format!("event type {}", Quoted(kind)), line);
            return Role::Other;
        };
        match known {
            EventKind::Created => {
                if let Some(first) = self.created {
                    cx.f.add(
                        &RESPONSES_GRAMMAR,
                        Some(line),
                        format!("a second response.created (first at line {first})"),
                    );
                }
                self.created.get_or_insert(line);
            }
            EventKind::Progress | EventKind::Keepalive => {}
            EventKind::Terminal(status) => {
                self.terminal(data, kind, status, line, cx);
                return Role::Terminal;
            }
            EventKind::Error => {
                errors::check(&data.error_value(), line, "the error event", cx.f);
                return Role::Error;
            }
            EventKind::ItemAdded | EventKind::ItemDone => {
                let item = data.item.as_ref().unwrap_or(&Value::Null);
                self.state(data.output_index.get().unwrap_or(0), item, line);
                match known {
                    EventKind::ItemAdded => self.added(data, line, cx),
                    _ => self.item_done(data, line, cx),
                }
            }
            EventKind::Item { phase, part, .. } => {
                self.item_event(data, kind, (phase, part), line, cx)
            }
        }
        Role::Other
    }

    fn finish(self, end: &End, cx: &mut Cx) {
        // An item stating no type at all says nothing of one: what its deltas build shows
        // what it is.
        for (kind, line) in self.stated.values() {
            if !kind.is_empty() && ItemKind::of(kind).is_none() {
                cx.unknown(format!("output item type {}", Quoted(kind)), *line);
            }
        }
        let mut ids = Ids::default();
        for item in self.items.values() {
            if ItemKind::of(&item.kind).is_some_and(ItemKind::answered_by_client) {
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
    let mut unknown = Unknown::default();
    for (i, item) in output_items(response).iter().enumerate() {
        let name = str_at(item, "type").unwrap_or_default();
        let kind = ItemKind::of(name);
        if kind.is_none() && !name.is_empty() {
            unknown.add(
                format!("output item type {}", Quoted(name)),
                doc.line_below(at(i), &[]),
            );
        }
        if kind.is_some_and(ItemKind::answered_by_client) {
            ids.add(str_at(item, "call_id"), i);
        }
        if kind.is_some_and(ItemKind::json_arguments) {
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
    unknown.report(f);
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
