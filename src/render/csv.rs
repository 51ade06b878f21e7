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

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

pub(super) fn line(out: &mut dyn Write, cells: impl Iterator<Item = String>) -> io::Result<()> {
    let fields: Vec<String> = cells.map(|c| field(&c)).collect();
    out.write_all(fields.join(",").as_bytes())?;
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
}
