//! The rows of a people-facing view (table or markdown), held back until the end, since a
//! table's column widths depend on every row; then handed to the format's writer.

use std::io::{self, Write};

use super::TurnPrinter;
use super::rows::{self, Sheet, SheetKind};
use crate::config::{TableStyle, View};
use crate::turn::Turn;

/// The longest a free text (answer, arguments, thought) gets in a row before a table
/// fits it to its column: enough to fill a wide column, little enough that `--wide`
/// stays readable.
pub const PREVIEW: usize = 100;

/// The cuts of the people-facing formats: free texts to [`PREVIEW`] characters, or
/// `--max-width`, or (`--full`) none; markdown keeps thought texts whole unless
/// `--max-width`, since a pull-request comment can hold them.
pub fn cuts(style: TableStyle) -> rows::Cuts {
    if style.full {
        return rows::Cuts {
            human: true,
            ..rows::Cuts::NONE
        };
    }
    let preview = Some(style.max_cell.unwrap_or(PREVIEW));
    rows::Cuts {
        arguments: preview,
        thought_preview: preview,
        thought_text: style.max_cell,
        answer: preview,
        human: true,
    }
}

/// The sheets of a view, filled turn by turn.
pub struct Sheets {
    view: View,
    cuts: rows::Cuts,
    count: usize,
    totals: rows::Totals,
    /// The folder every turn's path starts with, so tables can leave it out of each row.
    common: Option<String>,
    pub turns: Sheet,
    pub tools: Sheet,
    pub thoughts: Sheet,
}

/// The longest folder prefix (ending in `/`) that `a` and `b` share.
fn common_folder<'a>(a: &'a str, b: &str) -> &'a str {
    // Compared by characters, so the cut never falls inside one (`é/` and `è/` share a
    // first byte).
    let shared: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    match a[..shared].rfind('/') {
        Some(slash) => &a[..=slash],
        None => "",
    }
}

impl Sheets {
    pub fn new(view: View, cuts: rows::Cuts) -> Sheets {
        Sheets {
            view,
            cuts,
            count: 0,
            totals: rows::Totals::default(),
            common: None,
            turns: Sheet::new(SheetKind::Turns),
            tools: Sheet::new(SheetKind::Tools),
            thoughts: Sheet::new(SheetKind::Thoughts),
        }
    }

    pub fn add(&mut self, turn: &Turn) {
        self.count += 1;
        let path = &turn.source.path;
        self.common = Some(match &self.common {
            None => match path.rfind('/') {
                Some(slash) => path[..=slash].to_string(),
                None => String::new(),
            },
            Some(common) => common_folder(common, path).to_string(),
        });
        let (n, cuts) = (self.count, self.cuts);
        if matches!(self.view, View::Turns | View::All) {
            self.totals.add(turn);
            self.turns.rows.push(rows::turn_row(n, turn, cuts));
        }
        if matches!(self.view, View::Tools | View::All) {
            self.tools.rows.extend(rows::tool_rows(n, turn, cuts));
        }
        if matches!(self.view, View::Thoughts | View::All) {
            self.thoughts.rows.extend(rows::thought_rows(n, turn, cuts));
        }
    }

    /// The folder all paths share, when there is one to leave out.
    pub fn common_folder(&self) -> Option<&str> {
        self.common.as_deref().filter(|c| !c.is_empty())
    }

    /// The sheets the view shows, the turns sheet closed by its totals row. With `strip`,
    /// the folder all paths share is left out of each row (the caller says it once).
    pub fn finish(mut self, strip: bool) -> Vec<Sheet> {
        if !self.turns.rows.is_empty() {
            self.turns.rows.push(self.totals.row());
        }
        if let (true, Some(common)) = (strip, self.common.clone().filter(|c| !c.is_empty())) {
            for sheet in [&mut self.turns, &mut self.tools, &mut self.thoughts] {
                sheet.folder.clone_from(&common);
            }
        }
        match self.view {
            View::Turns => vec![self.turns],
            View::Tools => vec![self.tools],
            View::Thoughts => vec![self.thoughts],
            View::All => vec![self.turns, self.tools, self.thoughts],
            // Printed by `render::sessions`, not turn by turn.
            View::Sessions | View::Transcript => Vec::new(),
        }
    }
}

/// Holds rows back until the end, then hands the sheets to the format's writer: tables and
/// markdown share everything else.
pub struct Buffered {
    sheets: Option<Sheets>,
    style: TableStyle,
    write: Writer,
}

/// Writes a view's sheets in one format.
pub type Writer = fn(&mut dyn Write, Sheets, TableStyle) -> io::Result<()>;

impl Buffered {
    pub fn new(sheets: Sheets, style: TableStyle, write: Writer) -> Buffered {
        Buffered {
            sheets: Some(sheets),
            style,
            write,
        }
    }
}

impl TurnPrinter for Buffered {
    fn turn(&mut self, _: &mut dyn Write, turn: &Turn) -> io::Result<()> {
        if let Some(sheets) = &mut self.sheets {
            sheets.add(turn);
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.sheets.take() {
            Some(sheets) => (self.write)(out, sheets, self.style),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn common_folder_cuts_between_characters() {
        assert_eq!(super::common_folder("p/é/a.sse", "p/è/b.sse"), "p/");
        assert_eq!(super::common_folder("x/a.sse", "x/b.sse"), "x/");
        assert_eq!(super::common_folder("a.sse", "b.sse"), "");
    }
}
