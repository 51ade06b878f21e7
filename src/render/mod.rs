//! Rendering turns for people and programs: one printer per output format, all over the
//! same stream of turns. The people-facing formats share their rows (`rows.rs`),
//! and table and markdown share how they hold them back (`sheets.rs`).

pub mod csv;
pub mod json;
pub mod jsonl;
pub mod layout;
pub mod markdown;
pub mod otlp;
pub mod packed;
pub mod rows;
pub mod sessions;
pub mod sheets;
pub mod summary;
pub mod table;
pub mod transcript;
pub mod validation;

use std::borrow::Cow;
use std::io::{self, Write};

use crate::config::{InspectFormat, TableStyle, View};
use crate::turn::Turn;

/// Prints turns as they come, and whatever it held back at the end.
pub trait TurnPrinter {
    fn turn(&mut self, out: &mut dyn Write, turn: &Turn) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// Every turn of a run at once, as views of the whole run (sessions, transcripts, traces)
/// read them: each turn as held, for what sums a session up, and each whole while it is
/// printed (a run keeps most turns' calls' arguments and results' contents out of memory
/// until then: as `Value` trees they cost ten times their text).
pub trait WholeRun {
    /// Every turn, in input order, as held.
    fn held(&self) -> &[Turn];
    /// The turn at `index`, whole.
    fn turn(&self, index: usize) -> io::Result<Cow<'_, Turn>>;
}

/// Turns all in memory, whole already.
impl WholeRun for [Turn] {
    fn held(&self) -> &[Turn] {
        self
    }

    fn turn(&self, index: usize) -> io::Result<Cow<'_, Turn>> {
        Ok(Cow::Borrowed(&self[index]))
    }
}

/// The printer for `format`; `view` and `style` matter to the people-facing formats.
pub fn printer(format: InspectFormat, view: View, style: TableStyle) -> Box<dyn TurnPrinter> {
    match format {
        InspectFormat::Jsonl => Box::new(jsonl::Jsonl),
        InspectFormat::Json => Box::new(json::Json::default()),
        InspectFormat::Table => Box::new(table::printer(view, style)),
        InspectFormat::Csv => Box::new(csv::Csv::new(view)),
        InspectFormat::Markdown => Box::new(markdown::printer(view, style)),
    }
}

/// Text of the capture's in markdown shown as it is, never taken for HTML: `&` and `<` as
/// entities (a model named `<img src=…>` is shown, not fetched).
fn no_html(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

/// `text` with its control characters written as escapes (`\n`, `\r`, `\t`, `\u{1b}`), for
/// output where a line is a record: a newline in a file name must not start a forged line,
/// nor an escape sequence from a capture reach the reader's terminal. Bidirectional
/// overrides (U+202A–U+202E, U+2066–U+2069) are escaped too: they reorder what a reader
/// sees of the rest of the line.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(super::escape_controls("a/b.sse"), "a/b.sse");
        assert_eq!(
            super::escape_controls("a\nb\r\tc\u{1b}[31m\u{7f}\u{85}é"),
            "a\\nb\\r\\tc\\u{1b}[31m\\u{7f}\\u{85}é"
        );
        assert_eq!(
            super::escape_controls("a\u{202e}txt.exe"),
            "a\\u{202e}txt.exe"
        );
    }
}
