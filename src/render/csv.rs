//! CSV for spreadsheets: the rows of one view, nothing cut, raw numbers (RFC 4180 quoting).

use std::io::{self, Write};

use super::TurnPrinter;
use super::rows::{self, Cell, Cuts};
use crate::config::View;
use crate::turn::Turn;

pub struct Csv {
    view: View,
    count: usize,
}

impl Csv {
    /// `view` must be one sheet (not `all`): the config refuses `all` with csv.
    pub fn new(view: View) -> Csv {
        Csv { view, count: 0 }
    }

    fn header(&self) -> &'static [&'static str] {
        match self.view {
            View::Tools => &rows::TOOL_CSV_HEADER,
            View::Thoughts => &rows::THOUGHT_CSV_HEADER,
            View::Turns | View::All => &rows::TURN_CSV_HEADER,
            // Printed by `render::sessions`, not turn by turn.
            View::Sessions | View::Transcript => &[],
        }
    }
}

/// A cell as a CSV field: its control characters escaped as tables and markdown escape them
/// (`\u{1b}`, `\r`, `\u{0}`: a model name's ESC must not reach a terminal that shows the
/// file, nor a NUL or lone CR a program that reads it), except line breaks and tabs, which
/// a quoted field holds as they are (a thought's lines); then quoted when it must be.
fn field(text: &str) -> String {
    let text = match text
        .split(['\n', '\t'])
        .any(|part| part != super::escape_controls(part))
    {
        true => escape_but_lines(text),
        false => text.to_string(),
    };
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// `text` with its control characters escaped, but for line breaks and tabs.
fn escape_but_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(at) = rest.find(['\n', '\t']) {
        out.push_str(&super::escape_controls(&rest[..at]));
        out.push_str(&rest[at..=at]);
        rest = &rest[at + 1..];
    }
    out.push_str(&super::escape_controls(rest));
    out
}

pub(super) fn line(out: &mut dyn Write, cells: impl Iterator<Item = String>) -> io::Result<()> {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(field(&cell).as_bytes())?;
    }
    out.write_all(b"\r\n")
}

impl TurnPrinter for Csv {
    fn turn(&mut self, out: &mut dyn Write, turn: &Turn) -> io::Result<()> {
        if self.count == 0 {
            line(out, self.header().iter().map(|h| h.to_string()))?;
        }
        self.count += 1;
        let rows = match self.view {
            View::Tools => rows::tool_rows(self.count, turn, Cuts::NONE),
            View::Thoughts => rows::thought_rows(self.count, turn, Cuts::NONE),
            View::Turns | View::All => vec![rows::turn_row(self.count, turn, Cuts::NONE)],
            View::Sessions | View::Transcript => Vec::new(),
        };
        for row in rows {
            line(out, row.into_iter().map(|c: Cell| c.text))?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.count == 0 {
            line(out, self.header().iter().map(|h| h.to_string()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\"\n"), "\"say \"\"hi\"\"\n\"");
    }

    #[test]
    fn control_characters_are_escaped_but_line_breaks_kept() {
        assert_eq!(field("a\tb"), "a\tb");
        assert_eq!(field("gpt\u{1b}[31m\u{0}x\ry"), "gpt\\u{1b}[31m\\u{0}x\\ry");
        assert_eq!(field("a\r\nb\u{202e}"), "\"a\\r\nb\\u{202e}\"");
    }
}
