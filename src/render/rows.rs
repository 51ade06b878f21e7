//! The rows the people-facing formats show (table, csv, markdown): one sheet per view,
//! built once here so the three formats cannot disagree about what a row holds.

use std::collections::HashMap;

use serde_json::Value;

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

    pub fn number(value: Option<u64>, human: bool) -> Cell {
        let text = match (value, human) {
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
    /// Numbers with thousands separators, `-` for unknown (tables); raw otherwise (csv).
    pub human: bool,
}

impl Cuts {
    /// Nothing cut, raw numbers: for machines (csv).
    pub const NONE: Cuts = Cuts {
        arguments: None,
        thought_preview: None,
        thought_text: None,
        human: false,
    };
}

/// Which table a sheet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetKind {
    /// One row per turn, a column per count (wide terminals, markdown).
    Turns,
    /// One row per turn, counts stacked in one cell (narrow terminals).
    TurnsNarrow,
    Tools,
    Thoughts,
    /// A small table of names and figures (summary): only the name column wraps.
    Figures,
    /// One row per session; one line per row, cells cut rather than wrapped.
    Sessions,
}

/// A table of rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub kind: SheetKind,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub fn new(kind: SheetKind) -> Sheet {
        let header = match kind {
            SheetKind::Turns => TURN_HEADER.to_vec(),
            SheetKind::TurnsNarrow => TURN_NARROW_HEADER.to_vec(),
            SheetKind::Tools => TOOL_HEADER.to_vec(),
            SheetKind::Thoughts => THOUGHT_HEADER.to_vec(),
            SheetKind::Figures => Vec::new(),
            SheetKind::Sessions => SESSION_HEADER.to_vec(),
        };
        Sheet {
            kind,
            header,
            rows: Vec::new(),
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            SheetKind::Turns | SheetKind::TurnsNarrow => "turns",
            SheetKind::Tools => "tool calls",
            SheetKind::Thoughts => "thoughts",
            SheetKind::Figures => "figures",
            SheetKind::Sessions => "sessions",
        }
    }

    /// Columns that give up width when the table does not fit: long texts. The others
    /// (numbers, ids, short words) keep theirs, so numbers never wrap.
    pub fn flexible(&self, column: usize) -> bool {
        match self.kind {
            SheetKind::Turns => matches!(column, 1 | 3 | 4 | 10 | 11 | 12),
            SheetKind::TurnsNarrow => matches!(column, 1 | 2 | 4 | 5),
            SheetKind::Tools => matches!(column, 0 | 2 | 3 | 4),
            SheetKind::Thoughts => matches!(column, 0 | 3 | 4),
            SheetKind::Figures => column == 0,
            SheetKind::Sessions => column == 1,
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
    let mut label = source.path.clone();
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

/// The turns view's columns, as tables show them (short, so 13 fit at 80 columns) and as
/// csv names them (for programs).
pub const TURN_HEADER: [&str; 13] = [
    "#",
    "source",
    "api",
    "model",
    "stop",
    "in",
    "out",
    "cache\nread",
    "cache\nwrite",
    "reas-\noning",
    "tools",
    "thou-\nghts",
    "error",
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
    Cell::plain(thoughts)
}

pub const TURN_NARROW_HEADER: [&str; 6] =
    ["#", "turn", "stop / error", "tokens", "tools", "thoughts"];

/// Token counts stacked in lines, for narrow tables.
fn tokens_text(usage: Option<crate::turn::Usage>) -> String {
    let Some(u) = usage else {
        return "-".to_string();
    };
    let n = |v: Option<u64>| v.map_or_else(|| "-".to_string(), thousands);
    let mut lines = vec![format!("in {}", n(u.input)), format!("out {}", n(u.output))];
    if u.cache_read.unwrap_or(0) > 0 || u.cache_write.unwrap_or(0) > 0 {
        lines.push(format!("cache r {}", n(u.cache_read)));
        if u.cache_write.is_some() {
            lines.push(format!("cache w {}", n(u.cache_write)));
        }
    }
    if let Some(r) = u.reasoning.filter(|r| *r > 0) {
        lines.push(format!("reasoning {}", thousands(r)));
    }
    lines.join("\n")
}

/// The turns view's row for narrow tables: the turn and its model in one cell, the stop
/// reason with any error in another, the token counts stacked.
pub fn turn_row_narrow(number: usize, turn: &Turn) -> Vec<Cell> {
    let mut label = source_label(turn);
    if let Some(model) = &turn.model {
        label.push_str(&format!("\n{model}"));
    }
    let stop = match error_label(turn) {
        Some(error) => Cell::marked(format!("{}\n{error}", stop_cell(turn).text), Mark::Error),
        None => stop_cell(turn),
    };
    vec![
        Cell {
            text: number.to_string(),
            mark: Mark::Dim,
            numeric: true,
        },
        Cell::plain(label),
        stop,
        Cell::plain(tokens_text(turn.usage)),
        tools_cell(turn),
        thoughts_cell(turn),
    ]
}

pub fn turn_row(number: usize, turn: &Turn, cuts: Cuts) -> Vec<Cell> {
    let usage = turn.usage.unwrap_or_default();
    let error = match error_label(turn) {
        Some(label) => Cell::marked(label, Mark::Error),
        None => Cell::marked(if cuts.human { "-" } else { "" }, Mark::Dim),
    };
    vec![
        Cell {
            text: number.to_string(),
            mark: Mark::Dim,
            numeric: true,
        },
        Cell::plain(source_label(turn)),
        Cell::plain(if cuts.human {
            api_short(turn.api)
        } else {
            turn.api.as_str()
        }),
        Cell::plain(turn.model.clone().unwrap_or_default()),
        stop_cell(turn),
        Cell::number(usage.input, cuts.human),
        Cell::number(usage.output, cuts.human),
        Cell::number(usage.cache_read, cuts.human),
        Cell::number(usage.cache_write, cuts.human),
        Cell::number(usage.reasoning, cuts.human),
        tools_cell(turn),
        thoughts_cell(turn),
        error,
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

    /// The narrow table's totals row.
    pub fn narrow_row(&self) -> Vec<Cell> {
        let errors = match self.errors {
            0 => Cell::marked("-", Mark::Dim),
            e => Cell::marked(format!("{e} errors"), Mark::Error),
        };
        let usage = self.usage.as_usage();
        vec![
            Cell::plain(""),
            Cell::marked(format!("total ({} turns)", self.turns), Mark::Dim),
            errors,
            Cell::plain(tokens_text(Some(usage))),
            Cell::plain(self.tools.to_string()),
            Cell::plain(self.thoughts.to_string()),
        ]
    }

    pub fn row(&self, human: bool) -> Vec<Cell> {
        let n = |v: u64| Cell::number(Some(v), human);
        let mut label = Cell::plain(format!("total ({} turns)", self.turns));
        label.mark = Mark::Dim;
        let errors = match self.errors {
            0 => Cell::marked("-", Mark::Dim),
            e => Cell::marked(format!("{e} errors"), Mark::Error),
        };
        vec![
            Cell::plain(""),
            label,
            Cell::plain(""),
            Cell::plain(""),
            Cell::plain(""),
            n(self.usage.input),
            n(self.usage.output),
            n(self.usage.cache_read),
            n(self.usage.cache_write),
            n(self.usage.reasoning),
            n(self.tools as u64),
            n(self.thoughts as u64),
            errors,
        ]
    }
}

/// The tools view's columns in tables: kind and injected ride in the tool cell, so the
/// view fits 80 columns. Csv keeps them apart, for programs.
pub const TOOL_HEADER: [&str; 5] = ["turn", "tool", "call id", "arguments", "thoughts before"];
pub const TOOL_CSV_HEADER: [&str; 7] = [
    "turn",
    "tool",
    "call_id",
    "kind",
    "injected",
    "arguments",
    "thoughts_before",
];

/// One row per tool call. A call shows the thoughts its response gave before it; parallel
/// calls after the same thoughts share them, since a thought is the response's, not one
/// call's: tables show them once, on the first of those calls, and say how many share them.
/// Tables name the turn on its first row only; csv repeats everything on every row.
pub fn tool_rows(number: usize, turn: &Turn, cuts: Cuts) -> Vec<Vec<Cell>> {
    let label = turn_label(number, turn);
    // How many calls share each set of thoughts, counted once: comparing every call with
    // every other is quadratic in a turn of thousands of calls.
    let mut sharing: HashMap<ThoughtsBefore, usize> = HashMap::new();
    for call in &turn.tool_calls {
        *sharing.entry(call.thoughts_before).or_default() += 1;
    }
    let mut previous: Option<ThoughtsBefore> = None;
    turn.tool_calls
        .iter()
        .enumerate()
        .map(|(index, call)| {
            let sharing = sharing[&call.thoughts_before];
            let repeated = cuts.human && previous == Some(call.thoughts_before);
            previous = Some(call.thoughts_before);
            let mut thoughts: Vec<String> = if repeated {
                Vec::new()
            } else {
                call.thoughts_before
                    .indices()
                    .filter_map(|i| turn.thoughts.get(i))
                    .map(|t| {
                        format!(
                            "{}: {}",
                            t.source.as_str(),
                            cut(&t.text, cuts.thought_preview)
                        )
                    })
                    .collect()
            };
            if repeated && call.thoughts_before.count > 0 {
                thoughts = vec!["same as above".to_string()];
            } else if sharing > 1 && !thoughts.is_empty() {
                thoughts.push(format!("(shared by {sharing} parallel calls)"));
            }
            let arguments = match &call.arguments {
                Value::String(raw) => raw.clone(),
                other => other.to_string(),
            };
            let mark = if call.injected {
                Mark::Injected
            } else {
                Mark::Plain
            };
            let label = if cuts.human && index > 0 {
                String::new()
            } else {
                label.clone()
            };
            let id = Cell::plain(call.id.clone().unwrap_or_default());
            let arguments = Cell::plain(cut(&arguments, cuts.arguments));
            let thoughts = Cell::plain(thoughts.join("\n"));
            if cuts.human {
                let kind = match call.injected {
                    true => format!("{}, injected", tool_kind(call.kind)),
                    false => tool_kind(call.kind).to_string(),
                };
                let name = Cell::marked(format!("{}\n({kind})", call.name), mark);
                vec![Cell::plain(label), name, id, arguments, thoughts]
            } else {
                vec![
                    Cell::plain(label),
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

pub const THOUGHT_HEADER: [&str; 5] = ["turn", "source", "chars", "text", "followed by"];
pub const THOUGHT_CSV_HEADER: [&str; 5] = ["turn", "source", "chars", "text", "followed_by"];

/// One row per thought, with the tool calls its response made after it.
pub fn thought_rows(number: usize, turn: &Turn, cuts: Cuts) -> Vec<Vec<Cell>> {
    let label = turn_label(number, turn);
    turn.thoughts
        .iter()
        .enumerate()
        .map(|(index, thought)| {
            let followed: Vec<&str> = turn
                .tool_calls
                .iter()
                .filter(|call| call.thoughts_before.contains(index))
                .map(|call| call.name.as_str())
                .collect();
            let label = if cuts.human && index > 0 {
                String::new()
            } else {
                label.clone()
            };
            vec![
                Cell::plain(label),
                Cell::plain(thought.source.as_str()),
                Cell::number(Some(thought.text.chars().count() as u64), cuts.human),
                Cell::plain(match cuts.thought_text {
                    Some(_) => cut(&thought.text, cuts.thought_text),
                    None => thought.text.clone(),
                }),
                if followed.is_empty() {
                    Cell::marked(if cuts.human { "-" } else { "" }, Mark::Dim)
                } else {
                    Cell::plain(followed.join(", "))
                },
            ]
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
