//! OpenAI Responses: the typed event stream (`response.created` first, `sequence_number`
//! without gaps, items announced by `output_item.added` before their events and closed by
//! `output_item.done`, `*.done` events restating what their deltas built, one terminal event
//! whose `output` agrees with the items) and the blocking body.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

use serde_json::Value;

use super::locate::{Doc, Seg};
use super::stream::{Cx, End, Grammar, Role, Unknown};
use super::tools::{self, Ids, call_name};
use super::{errors, usage};
use crate::decode::by_index::{ByIndex, IdIndex};
use crate::decode::responses::{
    self as api, Event, EventKind, ItemKind, Names, Part, Phase, Statement, USAGE_KEYS, item_type,
    output_items,
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
    names: Names,
    /// Its `type` as given.
    kind: Cow<'static, str>,
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
        let names = &self.names;
        match (names.name().unwrap_or_default(), names.id()) {
            ("", Some(id)) => clip(id).into_owned(),
            (name, id) => call_name(name, names.call_id().or(id)),
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
            tools::arguments(arguments, false, || self.call(), || Some(line), f);
        }
    }
}

/// Compares what an item's final statement says with what its deltas built.
fn compare_texts(
    item: &Item,
    stated: &Statement,
    rule: &crate::diagnostic::Rule,
    what: &str,
    line: usize,
    f: &mut Findings,
) {
    let kind = stated.kind();
    for part in Part::ALL {
        let mut texts = stated.texts(part).peekable();
        if texts.peek().is_none() {
            continue;
        }
        let text: String = texts.collect();
        if let Some(built) = item.streamed(part) {
            if built != text {
                f.add(rule, Some(line), || {
                    format!(
                        "{what} states {} {} for output item {}, but its deltas built {}",
                        part.family(kind),
                        Quoted(&text),
                        item.call(),
                        Quoted(&built)
                    )
                });
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
    items: ByIndex<Item>,
    index_of: IdIndex,
    /// Output indices already reported as never added, so one missing item is one finding.
    orphans: HashSet<u64>,
    /// The output items `response.completed` states, and its line.
    completed: Option<(Vec<Statement>, usize)>,
    /// The output indices whose last statement (by `output_item.added`, `.done` or the
    /// terminal `output`) gave a type the API does not document, with that type and where:
    /// an item is of the type its last statement gives.
    unknown_types: BTreeMap<u64, (Box<str>, usize)>,
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
                cx.f.add(&RESPONSES_SEQUENCE, Some(line), || {
                    format!("sequence_number {what}")
                });
            }
            (None, Some((_, prev_line))) => cx.f.add(&RESPONSES_SEQUENCE, Some(line), || {
                format!("an event without sequence_number, after one with it at line {prev_line}")
            }),
            _ => {}
        }
        if let Some(n) = number {
            self.sequence = Some((n, line));
        }
    }

    /// Notes the type an item statement gives the item at `index`.
    fn state(&mut self, index: u64, item: &Value, line: usize) {
        match str_at(item, "type").filter(|kind| ItemKind::of(kind).is_none()) {
            // An item stating no type at all says nothing of one: what its deltas build
            // shows what it is.
            Some(kind) if !kind.is_empty() => {
                self.unknown_types.insert(index, (kind.into(), line));
            }
            _ => {
                self.unknown_types.remove(&index);
            }
        }
    }

    fn added(&mut self, data: &Event, line: usize, cx: &mut Cx) {
        let Some(index) = data.output_index.exact() else {
            return cx.f.add(
                &RESPONSES_ITEMS,
                Some(line),
                "output_item.added has no output_index",
            );
        };
        if let Some(first) = self.items.get(index) {
            let first = first.added;
            return cx.f.add(&RESPONSES_ITEMS, Some(line), || {
                format!("output_index {index} is added again (first at line {first})")
            });
        }
        let item = data.item.as_deref().unwrap_or(&Value::Null);
        let kind = str_at(item, "type").unwrap_or_default();
        let id = str_at(item, "id");
        if let Some(id) = id {
            self.index_of.note(id, index);
        }
        self.items.get_or_insert_with(index, || Item {
            names: Names::new(id, str_at(item, "call_id"), str_at(item, "name")),
            kind: item_type(kind),
            added: line,
            done: None,
            streamed: BTreeMap::new(),
            arguments_checked: false,
        });
    }

    /// The item an item event names, by `output_index` and `item_id`, reporting whatever
    /// disagrees with `output_item.added`.
    fn item(&mut self, data: &Event, kind: &str, line: usize, cx: &mut Cx) -> Option<&mut Item> {
        let item_id = data.item_id.as_str();
        let items = &self.items;
        let ids = || {
            let ids = items.iter();
            ids.filter_map(|(index, item)| Some((item.names.id()?, index)))
        };
        let index = data
            .output_index
            .exact()
            .or_else(|| item_id.and_then(|id| self.index_of.get(id, ids)));
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
        let Some(item) = self.items.get_mut(index) else {
            if self.orphans.insert(index) {
                cx.f.add(&RESPONSES_ITEMS, Some(line), || {
                    format!("{kind} for output_index {index}, which no output_item.added announced")
                });
            }
            return None;
        };
        if let (Some(id), Some(known)) = (item_id, item.names.id()) {
            if id != known {
                cx.f.add(&RESPONSES_ITEMS, Some(line), || {
                    format!(
                        "item_id {} is not the id of output_index {index} ({}, added at line {})",
                        clip(id),
                        clip(known),
                        item.added
                    )
                });
            }
        }
        Some(item)
    }

    fn item_done(&mut self, data: &Event, line: usize, cx: &mut Cx) {
        let Some(item) = self.item(data, "response.output_item.done", line, cx) else {
            return;
        };
        let stated = Statement::of(data.item.as_deref().unwrap_or(&Value::Null));
        if let Some(done) = item.done {
            return cx.f.add(&RESPONSES_ITEMS, Some(line), || {
                format!(
                    "output item {} is done twice (first at line {done})",
                    item.call()
                )
            });
        }
        item.done = Some(line);
        let (id, kind) = (stated.names.id(), stated.kind());
        if id.is_some() && id != item.names.id() || kind != item.kind {
            cx.f.add(&RESPONSES_ITEMS, Some(line), || {
                format!(
                    "output_item.done states {} {} where output_item.added (line {}) had {} {}",
                    clip(kind),
                    clip(id.unwrap_or("without id")),
                    item.added,
                    clip(&item.kind),
                    clip(item.names.id().unwrap_or("without id")),
                )
            });
        }
        // What `output_item.added` left out, the `.done` may say.
        let names = &item.names;
        let name = names.name().filter(|n| !n.is_empty());
        item.names = Names::new(
            names.id(),
            names.call_id().or(stated.names.call_id()),
            name.or(stated.names.name()),
        );
        compare_texts(
            item,
            &stated,
            &RESPONSES_DONE_TEXT,
            "output_item.done",
            line,
            cx.f,
        );
        if let Some(arguments) = data.item.as_deref().and_then(|i| str_at(i, "arguments")) {
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
                    cx.f.add(&RESPONSES_ITEMS, Some(line), || {
                        format!("{kind} after the item's output_item.done at line {done}")
                    });
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
                        cx.f.add(&RESPONSES_DONE_TEXT, Some(line), || {
                            format!(
                                "{kind} states {}, but its deltas built {}",
                                Quoted(stated),
                                Quoted(built)
                            )
                        });
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
        let response = data.response.as_deref().unwrap_or(&Value::Null);
        for (index, item) in output_items(response).iter().enumerate() {
            self.state(index as u64, item, line);
        }
        let stated = str_at(response, "status");
        if stated.is_some_and(|s| s != status) {
            cx.f.add(&RESPONSES_GRAMMAR, Some(line), || {
                format!(
                    "{kind} carries status {}",
                    Quoted(stated.unwrap_or_default())
                )
            });
        }
        match status {
            "failed" => errors::check(response, line, "response.failed", cx.f),
            _ => {
                usage::require_openai(response.get("usage"), USAGE_KEYS, Some(line), kind, cx.f);
                if status == "completed" {
                    let output = output_items(response).iter().map(Statement::of);
                    self.completed = Some((output.collect(), line));
                }
            }
        }
    }

    /// Checks the terminal `output` against the items the stream built. An empty `output`
    /// restates nothing (some servers leave it out), so only a stated item is compared.
    fn compare_output(&self, output: &[Statement], line: usize, f: &mut Findings) {
        if output.is_empty() {
            return;
        }
        if output.len() != self.items.len() {
            f.add(&CONTENT_COMPLETED_OUTPUT, Some(line), || {
                format!(
                    "response.completed lists {} output items, but the stream added {}",
                    output.len(),
                    self.items.len()
                )
            });
        }
        for (index, item) in self.items.iter() {
            let Some(stated) = usize::try_from(index).ok().and_then(|i| output.get(i)) else {
                continue;
            };
            let (id, kind) = (stated.names.id(), stated.kind());
            if id.is_some() && id != item.names.id() || kind != item.kind {
                f.add(
                    &CONTENT_COMPLETED_OUTPUT,
                    Some(line),
                    || format!(
                        "response.completed output[{index}] is {} {}, but the stream added {} {} there (line {})",
                        clip(kind),
                        clip(id.unwrap_or("without id")),
                        clip(&item.kind),
                        clip(item.names.id().unwrap_or("without id")),
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
            cx.unknown("event type", ev.data.trim(), line);
            return Role::Other;
        };
        let kind = ev.kind();
        self.sequence(data, line, cx);
        if !self.opened {
            self.opened = true;
            if !matches!(kind, "response.created" | "error") {
                cx.f.add(&RESPONSES_GRAMMAR, Some(line), || {
                    format!("the stream opens with {}, not response.created", clip(kind))
                });
            }
        }
        let Some(known) = EventKind::of(kind) else {
            cx.unknown("event type", kind, line);
            return Role::Other;
        };
        match known {
            EventKind::Created => {
                if let Some(first) = self.created {
                    cx.f.add(&RESPONSES_GRAMMAR, Some(line), || {
                        format!("a second response.created (first at line {first})")
                    });
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
                let item = data.item.as_deref().unwrap_or(&Value::Null);
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
        for (kind, line) in self.unknown_types.values() {
            cx.unknown("output item type", kind, *line);
        }
        let mut ids = Ids::default();
        for item in self.items.values() {
            if ItemKind::of(&item.kind).is_some_and(ItemKind::answered_by_client) {
                ids.add(item.names.call_id(), item.added);
            }
        }
        ids.check(cx.f, Some);
        if end.clean().is_none() {
            return;
        }
        if let Some((output, line)) = &self.completed {
            for (index, item) in self.items.iter() {
                if item.done.is_none() {
                    cx.f.add(
                        &RESPONSES_ITEMS,
                        Some(item.added),
                        || format!("output_index {index} is added but never done before response.completed at line {line}"),
                    );
                }
            }
            self.compare_output(output, *line, cx.f);
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
            unknown.add("output item type", name, doc.line_below(at(i), &[]));
        }
        if kind.is_some_and(ItemKind::answered_by_client) {
            ids.add(str_at(item, "call_id"), i);
        }
        if kind.is_some_and(ItemKind::json_arguments) {
            let name = || {
                call_name(
                    str_at(item, "name").unwrap_or_default(),
                    str_at(item, "call_id").or_else(|| str_at(item, "id")),
                )
            };
            let line = || doc.line_below(at(i), &[Seg::Key("arguments")]);
            tools::arguments(
                str_at(item, "arguments").unwrap_or_default(),
                false,
                name,
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
