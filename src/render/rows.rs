//! The rows the people-facing formats show (table, csv, markdown): one sheet per view,
//! built once here so the three formats cannot disagree about what a row holds.

use std::collections::HashMap;

use serde_json::Value;

pub use super::packed::Rows;
pub use crate::number::thousands;
use crate::turn::{Api, ThoughtsBefore, ToolKind, Turn};

/// What a cell's colour would mean; never the only carrier of that meaning (the text says
/// it too), so output without colour loses nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Plain,
    Error,
    Injected,
    Incomplete,
    Dim,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub mark: Mark,
    /// Numbers align right.
    pub numeric: bool,
}

impl Cell {
    pub fn plain(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            mark: Mark::Plain,
            numeric: false,
        }
    }

    pub fn marked(text: impl Into<String>, mark: Mark) -> Cell {
        Cell {
            text: text.into(),
            mark,
            numeric: false,
        }
    }

    pub fn number(value: Option<impl Into<u128>>, human: bool) -> Cell {
        let text = match (value.map(Into::into), human) {
            (None, true) => "-".to_string(),
            (None, false) => String::new(),
            (Some(n), true) => thousands(n),
            (Some(n), false) => n.to_string(),
        };
        Cell {
            text,
            mark: Mark::Plain,
            numeric: true,
        }
    }
}

/// How long texts are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cuts {
    /// Tool arguments (compact JSON).
    pub arguments: Option<usize>,
    /// Thought texts shown next to tool calls.
    pub thought_preview: Option<usize>,
    /// Thought texts in the thoughts view.
    pub thought_text: Option<usize>,
    /// The start of the answer (or error, or first tool call) in the turns view.
    pub answer: Option<usize>,
    /// Numbers with thousands separators, `-` for unknown (tables); raw otherwise (csv).
    pub human: bool,
}

impl Cuts {
    /// Nothing cut, raw numbers: for machines (csv).
    pub const NONE: Cuts = Cuts {
        arguments: None,
        thought_preview: None,
        thought_text: None,
        answer: None,
        human: false,
    };
}

/// Which table a sheet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    /// One row per turn, a column per count.
    Turns,
    Tools,
    Thoughts,
    /// A small table of names and figures (summary).
    Figures,
    /// One row per session.
    Sessions,
}

/// A table of rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub kind: SheetKind,
    pub header: Vec<&'static str>,
    pub rows: Rows,
    /// The folder every path in the second column starts with, left out where a table
    /// shows them (said once above it instead); empty when none is.
    pub folder: String,
}

impl Sheet {
    pub fn new(kind: SheetKind) -> Sheet {
        let header = match kind {
            SheetKind::Turns => TURN_HEADER.to_vec(),
            SheetKind::Tools => TOOL_HEADER.to_vec(),
            SheetKind::Thoughts => THOUGHT_HEADER.to_vec(),
            SheetKind::Figures => Vec::new(),
            SheetKind::Sessions => SESSION_HEADER.to_vec(),
        };
        Sheet {
            kind,
            header,
            rows: Rows::default(),
            folder: String::new(),
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            SheetKind::Turns => "turns",
            SheetKind::Tools => "tool calls",
            SheetKind::Thoughts => "thoughts",
            SheetKind::Figures => "figures",
            SheetKind::Sessions => "sessions",
        }
    }
}

/// `text` cut to `max` characters, with an ellipsis when cut; newlines become spaces in cut
/// texts, so a preview stays on one line.
pub fn cut(text: &str, max: Option<usize>) -> String {
    let Some(max) = max else {
        return text.to_string();
    };
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut out: String = flat.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

pub fn api_short(api: Api) -> &'static str {
    match api {
        Api::AnthropicMessages => "anthropic",
        Api::OpenaiChat => "chat",
        Api::OpenaiResponses => "responses",
    }
}

fn tool_kind(kind: ToolKind) -> &'static str {
    match kind {
        ToolKind::Function => "function",
        ToolKind::Custom => "custom",
        ToolKind::Server => "server",
    }
}

/// How a turn is named in the tools and thoughts views: its number and where it came from.
pub fn turn_label(number: usize, turn: &Turn) -> String {
    format!("#{number} {}", source_label(turn))
}

/// Where a turn came from: its path, txtar section and HAR entry.
fn source_label(turn: &Turn) -> String {
    label_of(&turn.source)
}

/// A source as one label: path, ` [section]`, ` #entry`.
pub fn label_of(source: &crate::turn::Source) -> String {
    let mut label = source.path.to_string();
    if let Some(section) = &source.section {
        label.push_str(&format!(" [{section}]"));
    }
    if let Some(entry) = source.entry {
        label.push_str(&format!(" #{entry}"));
    }
    label
}

/// An error as one short phrase: `overloaded_error (529)`, `mid-stream: server_error`.
pub fn error_label(turn: &Turn) -> Option<String> {
    let error = turn.error.as_ref()?;
    let mut label = error
        .kind
        .clone()
        .or_else(|| error.message.clone())
        .unwrap_or_else(|| "error".into());
    if let Some(status) = error.status {
        label.push_str(&format!(" ({status})"));
    }
    if error.mid_stream {
        label = format!("mid-stream: {label}");
    }
    Some(label)
}

/// The turns view's columns, as tables show them (one line each: a header is never
/// broken) and as csv names them (for programs, with the error where tables show the
/// answer: tables say the error in the stop and answer cells).
pub const TURN_HEADER: [&str; 13] = [
    "#",
    "source",
    "api",
    "model",
    "stop",
    "in",
    "out",
    "cache read",
    "cache write",
    "reasoning",
    "tools",
    "thoughts",
    "answer",
];
pub const TURN_CSV_HEADER: [&str; 13] = [
    "turn",
    "source",
    "api",
    "model",
    "stop_reason",
    "input",
    "output",
    "cache_read",
    "cache_write",
    "reasoning",
    "tool_calls",
    "thoughts",
    "error",
];

fn stop_cell(turn: &Turn) -> Cell {
    match (&turn.stop_reason, turn.complete) {
        (Some(reason), true) => Cell::plain(reason.clone()),
        (Some(reason), false) => Cell::marked(format!("{reason} (incomplete)"), Mark::Incomplete),
        (None, true) => Cell::marked("-", Mark::Dim),
        (None, false) => Cell::marked("incomplete", Mark::Incomplete),
    }
}

/// The stop cell of a table, kept short so the column stays narrow: the stop reason,
/// `incomplete` for a cut-off turn (whatever reason it had given), or `error 529` for an
/// error (the answer cell says which).
fn stop_or_error_cell(turn: &Turn) -> Cell {
    match &turn.error {
        Some(error) => Cell::marked(
            error
                .status
                .map_or_else(|| "error".to_string(), |s| format!("error {s}")),
            Mark::Error,
        ),
        None if !turn.complete => Cell::marked("incomplete", Mark::Incomplete),
        None => stop_cell(turn),
    }
}

/// What the turn came to, in one line: the error (type and message), else the answer's
/// start, else the refusal, else the first tool call with its arguments.
fn answer_cell(turn: &Turn, max: Option<usize>) -> Cell {
    if let Some(error) = &turn.error {
        let said: Vec<&str> = [error.kind.as_deref(), error.message.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let mut said = match said.is_empty() {
            true => "error".to_string(),
            false => said.join(": "),
        };
        if error.mid_stream {
            said = format!("mid-stream {said}");
        }
        return Cell::marked(cut(&said, max), Mark::Error);
    }
    if let Some(text) = turn.text.as_deref().filter(|t| !t.trim().is_empty()) {
        return Cell::plain(cut(text, max));
    }
    if let Some(refusal) = &turn.refusal {
        return Cell::marked(cut(&format!("refusal: {refusal}"), max), Mark::Incomplete);
    }
    if let Some(call) = turn.tool_calls.first() {
        let call_text = format!("{}({})", call.name, arguments_text(&call.arguments));
        let mark = match call.injected {
            true => Mark::Injected,
            false => Mark::Plain,
        };
        return Cell::marked(cut(&call_text, max), mark);
    }
    Cell::marked("-", Mark::Dim)
}

/// Arguments as one compact text: JSON, or a custom tool's raw input.
fn arguments_text(arguments: &Value) -> String {
    match arguments {
        Value::String(raw) => raw.clone(),
        other => other.to_string(),
    }
}

fn tools_cell(turn: &Turn) -> Cell {
    let injected = turn.tool_calls.iter().filter(|t| t.injected).count();
    match (turn.tool_calls.len(), injected) {
        (0, _) => Cell::marked("0", Mark::Dim),
        (n, 0) => Cell::plain(n.to_string()),
        (n, i) => Cell::marked(format!("{n} ({i} inj.)"), Mark::Injected),
    }
}

fn thoughts_cell(turn: &Turn) -> Cell {
    let mut thoughts = turn.thoughts.len().to_string();
    if turn.redacted_thoughts > 0 {
        thoughts.push_str(&format!(" (+{} redacted)", turn.redacted_thoughts));
    }
    let mark = match turn.thoughts.is_empty() && turn.redacted_thoughts == 0 {
        true => Mark::Dim,
        false => Mark::Plain,
    };
    Cell::marked(thoughts, mark)
}

/// A row's number: dim, right-aligned.
fn number_cell(number: usize) -> Cell {
    Cell {
        text: number.to_string(),
        mark: Mark::Dim,
        numeric: true,
    }
}

/// The turns view's row: for people (`cuts.human`: the stop cell says any error, the last
/// cell what the turn came to), or for csv (raw numbers, the error last).
pub fn turn_row(number: usize, turn: &Turn, cuts: Cuts) -> Vec<Cell> {
    let usage = turn.usage.unwrap_or_default();
    let (stop, last) = match cuts.human {
        true => (stop_or_error_cell(turn), answer_cell(turn, cuts.answer)),
        false => (
            stop_cell(turn),
            Cell::plain(error_label(turn).unwrap_or_default()),
        ),
    };
    vec![
        number_cell(number),
        Cell::plain(source_label(turn)),
        Cell::plain(if cuts.human {
            api_short(turn.api)
        } else {
            turn.api.as_str()
        }),
        Cell::plain(turn.model.clone().unwrap_or_default()),
        stop,
        Cell::number(usage.input, cuts.human),
        Cell::number(usage.output, cuts.human),
        Cell::number(usage.cache_read, cuts.human),
        Cell::number(usage.cache_write, cuts.human),
        Cell::number(usage.reasoning, cuts.human),
        Cell {
            numeric: cuts.human,
            ..tools_cell(turn)
        },
        Cell {
            numeric: cuts.human,
            ..thoughts_cell(turn)
        },
        last,
    ]
}

/// Sums for the turns view's last row.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub turns: usize,
    pub usage: crate::turn::UsageSum,
    pub tools: usize,
    pub thoughts: usize,
    pub errors: usize,
}

impl Totals {
    pub fn add(&mut self, turn: &Turn) {
        self.turns += 1;
        if let Some(usage) = &turn.usage {
            self.usage.add(usage);
        }
        self.tools += turn.tool_calls.len();
        self.thoughts += turn.thoughts.len();
        self.errors += usize::from(turn.error.is_some());
    }

    /// The totals row of a table: the errors counted in the stop column.
    pub fn row(&self) -> Vec<Cell> {
        let n = |v: u128| Cell::number(Some(v), true);
        let errors = match self.errors {
            0 => Cell::plain(""),
            1 => Cell::marked("1 error", Mark::Error),
            e => Cell::marked(format!("{e} errors"), Mark::Error),
        };
        vec![
            Cell::plain(""),
            Cell::marked(format!("total ({} turns)", self.turns), Mark::Dim),
            Cell::plain(""),
            Cell::plain(""),
            errors,
            n(self.usage.input),
            n(self.usage.output),
            n(self.usage.cache_read),
            n(self.usage.cache_write),
            n(self.usage.reasoning),
            n(self.tools as u128),
            n(self.thoughts as u128),
            Cell::plain(""),
        ]
    }
}

/// The tools view's columns in tables: the turn's number and source apart, so the source
/// can be cut from its start; kind and injected in one cell. Csv keeps them as programs
/// want them.
pub const TOOL_HEADER: [&str; 7] = [
    "#",
    "source",
    "tool",
    "kind",
    "call id",
    "arguments",
    "thoughts before",
];
pub const TOOL_CSV_HEADER: [&str; 7] = [
    "turn",
    "tool",
    "call_id",
    "kind",
    "injected",
    "arguments",
    "thoughts_before",
];

/// One row per tool call. A call shows the thoughts its response gave since the call before
/// it, so each thought is shown once, on the first call after it: showing every earlier
/// thought on every call made output quadratic in a turn of thousands of each. Parallel
/// calls after the same thoughts share them, since a thought is the response's, not one
/// call's: the first of those calls says how many share them, and the others say `same as
/// above` in tables and nothing in csv. Tables name the turn on its first row only; csv
/// repeats it on every row.
pub fn tool_rows(number: usize, turn: &Turn, cuts: Cuts) -> Vec<Vec<Cell>> {
    let label = turn_label(number, turn);
    // How many calls share each set of thoughts, counted once: comparing every call with
    // every other is quadratic in a turn of thousands of calls.
    let mut sharing: HashMap<ThoughtsBefore, usize> = HashMap::new();
    for call in &turn.tool_calls {
        *sharing.entry(call.thoughts_before).or_default() += 1;
    }
    // The thoughts shown so far: `0..shown`. Counts only grow in a turn this tool rebuilt;
    // one read back from edited JSONL may not, and still shows each thought once.
    let mut shown = 0;
    let mut previous: Option<ThoughtsBefore> = None;
    turn.tool_calls
        .iter()
        .enumerate()
        .map(|(index, call)| {
            let sharing = sharing[&call.thoughts_before];
            let repeated = previous == Some(call.thoughts_before);
            previous = Some(call.thoughts_before);
            let upto = call.thoughts_before.count.min(turn.thoughts.len());
            let since = &turn.thoughts[shown.min(upto)..upto];
            shown = shown.max(upto);
            let mut thoughts: Vec<String> = since
                .iter()
                .map(|t| {
                    format!(
                        "{}: {}",
                        t.source.as_str(),
                        cut(&t.text, cuts.thought_preview)
                    )
                })
                .collect();
            if cuts.human && repeated && call.thoughts_before.count > 0 {
                thoughts = vec!["same as above".to_string()];
            } else if sharing > 1 && !thoughts.is_empty() {
                thoughts.push(format!("(shared by {sharing} parallel calls)"));
            }
            let arguments = arguments_text(&call.arguments);
            let mark = if call.injected {
                Mark::Injected
            } else {
                Mark::Plain
            };
            let id = Cell::plain(call.id.clone().unwrap_or_default());
            let arguments = Cell::plain(cut(&arguments, cuts.arguments));
            if cuts.human {
                let kind = match call.injected {
                    true => format!("{}, injected", tool_kind(call.kind)),
                    false => tool_kind(call.kind).to_string(),
                };
                let (number, source) = match index {
                    0 => (number_cell(number), Cell::plain(source_label(turn))),
                    _ => (Cell::plain(""), Cell::plain("")),
                };
                vec![
                    number,
                    source,
                    Cell::marked(call.name.clone(), mark),
                    Cell::marked(kind, mark),
                    id,
                    arguments,
                    Cell::marked(thoughts.join(" · "), Mark::Dim),
                ]
            } else {
                let thoughts = Cell::plain(thoughts.join("\n"));
                vec![
                    Cell::plain(label.clone()),
                    Cell::plain(call.name.clone()),
                    id,
                    Cell::plain(tool_kind(call.kind)),
                    Cell::plain(if call.injected { "yes" } else { "no" }),
                    arguments,
                    thoughts,
                ]
            }
        })
        .collect()
}

/// The thoughts view's columns in tables (the turn's number and source apart, as in the
/// tools view), and in csv.
pub const THOUGHT_HEADER: [&str; 6] = ["#", "source", "kind", "chars", "text", "followed by"];
pub const THOUGHT_CSV_HEADER: [&str; 5] = ["turn", "source", "chars", "text", "followed_by"];

/// One row per thought, with the tool calls its response made right after it (before the
/// next thought): each call is named once, by the last thought before it, since naming
/// every later call on every thought made output quadratic in a turn of thousands of each.
pub fn thought_rows(number: usize, turn: &Turn, cuts: Cuts) -> Vec<Vec<Cell>> {
    let label = turn_label(number, turn);
    // The calls right after each thought, by the thought's index: those after the first
    // `i + 1` thoughts follow thought `i`.
    let mut after: HashMap<usize, Vec<&str>> = HashMap::new();
    for call in &turn.tool_calls {
        if let Some(last) = call.thoughts_before.count.checked_sub(1) {
            after.entry(last).or_default().push(call.name.as_str());
        }
    }
    turn.thoughts
        .iter()
        .enumerate()
        .map(|(index, thought)| {
            let followed = after.remove(&index).unwrap_or_default();
            let mut row = vec![
                Cell::plain(thought.source.as_str()),
                Cell::number(Some(thought.text.chars().count() as u64), cuts.human),
                Cell::marked(
                    match cuts.thought_text {
                        Some(_) => cut(&thought.text, cuts.thought_text),
                        None => thought.text.clone(),
                    },
                    if cuts.human { Mark::Dim } else { Mark::Plain },
                ),
                if followed.is_empty() {
                    Cell::marked(if cuts.human { "-" } else { "" }, Mark::Dim)
                } else {
                    Cell::plain(followed.join(", "))
                },
            ];
            let head = match (cuts.human, index) {
                (false, _) => vec![Cell::plain(label.clone())],
                (true, 0) => vec![number_cell(number), Cell::plain(source_label(turn))],
                (true, _) => vec![Cell::plain(""), Cell::plain("")],
            };
            row.splice(0..0, head);
            row
        })
        .collect()
}

/// The sessions view's columns, in tables and markdown, and in csv.
pub const SESSION_HEADER: [&str; 10] = [
    "session",
    "first prompt",
    "steps",
    "tools",
    "failed",
    "errors",
    "tokens",
    "cost",
    "time",
    "ended",
];
pub const SESSION_CSV_HEADER: [&str; 18] = [
    "session",
    "first_source",
    "first_prompt",
    "turns",
    "steps",
    "tool_calls",
    "failed_tool_calls",
    "errors",
    "input",
    "output",
    "cache_read",
    "cache_write",
    "reasoning",
    "cost_usd",
    "unpriced_turns",
    "wall_ms",
    "ended",
    "models",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thought_sources_are_named_as_jsonl_names_them() {
        use crate::turn::ThoughtSource::*;
        for source in [Thinking, ReasoningSummary, Commentary, ReasoningContent] {
            assert_eq!(serde_json::to_value(source).unwrap(), source.as_str());
        }
    }

    #[test]
    fn cutting() {
        assert_eq!(cut("abc", Some(5)), "abc");
        assert_eq!(cut("abcdef", Some(4)), "abc…");
        assert_eq!(cut("a\n b", Some(10)), "a b");
        assert_eq!(cut("a\nb", None), "a\nb");
    }
}
