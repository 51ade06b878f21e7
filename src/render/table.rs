//! Tables for people (comfy-table), sized to the terminal.

use std::io::{self, Write};

use comfy_table::{
    Attribute, CellAlignment, Color, ColumnConstraint, ContentArrangement, ContentLineStyle,
    LineStyle, Table, TableStyle as Look, Width,
};

use super::TurnPrinter;
use super::rows::{self, Cell, Mark, Sheet, SheetKind};
use crate::config::{TableStyle, View};
use crate::turn::Turn;

/// Column lines only: borders and row lines would cost width that 13 columns at 80
/// characters cannot spare. Rows of several lines (tool calls, thoughts) get a thin line
/// between them so they stay apart.
const COMPACT: Look = Look::new()
    .header_lines(ContentLineStyle::none().junction('│'))
    .header_separator(LineStyle::none().fill('─').junction('┼'))
    .content_lines(ContentLineStyle::none().junction('│'));

/// Whether a cell says nothing (`-`, empty): a column of only such cells is hidden.
fn is_blank(cell: &Cell) -> bool {
    matches!(cell.text.as_str(), "" | "-")
}

/// A comfy-table for `sheet`, `style.width` wide.
pub fn render(sheet: &Sheet, style: TableStyle) -> Table {
    let mut table = Table::new();
    let multi_line = sheet.rows.iter().flatten().any(|c| c.text.contains('\n'));
    let mut look = COMPACT;
    if multi_line {
        look = look.row_separator(LineStyle::none().fill('╌').junction('┼'));
    }
    table
        .load_style(look)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(style.width);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(sheet.header.iter().map(|h| {
        let cell = comfy_table::Cell::new(h);
        if style.color {
            cell.add_attribute(Attribute::Bold)
        } else {
            cell
        }
    }));
    for row in &sheet.rows {
        table.add_row(row.iter().map(|cell| styled(cell, style.color)));
    }
    for (column, width) in table.column_iter_mut().zip(widths(sheet, style.width)) {
        column.set_constraint(match width {
            None => ColumnConstraint::Hidden,
            // An absolute width counts the padding too.
            Some(w) => ColumnConstraint::Absolute(Width::Fixed(w.saturating_add(2))),
        });
    }
    table
}

/// The widest line of `text`, in characters.
fn text_width(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// Each column's content width (`None`: hidden) so the table fits `total` columns of
/// terminal: columns get their natural width when it fits; otherwise the flexible ones
/// share what is left, the narrowest first getting all they need (water-filling).
fn widths(sheet: &Sheet, total: u16) -> Vec<Option<u16>> {
    let count = sheet.header.len();
    let turns = matches!(sheet.kind, SheetKind::Turns | SheetKind::TurnsNarrow);
    // The totals row does not count as saying something.
    let data = &sheet.rows[..sheet.rows.len().saturating_sub(usize::from(turns))];
    let shown: Vec<bool> = (0..count)
        .map(|i| {
            let blank = !data.is_empty() && data.iter().filter_map(|r| r.get(i)).all(is_blank);
            // Columns with nothing to say (no reasoning tokens anywhere, say) give their
            // width away; so does the api, which the model mostly implies, when narrow.
            !(sheet.kind == SheetKind::Turns && ((i > 4 && blank) || i == 2 && total < 110))
        })
        .collect();
    let natural: Vec<usize> = (0..count)
        .map(|i| {
            let cells = sheet
                .rows
                .iter()
                .filter_map(|r| r.get(i))
                .map(|c| text_width(&c.text));
            cells
                .chain([text_width(sheet.header[i])])
                .max()
                .unwrap_or(1)
                .max(1)
        })
        .collect();
    let visible = shown.iter().filter(|s| **s).count();
    // Each column costs two of padding and one of separator, less the last separator.
    let available = usize::from(total)
        .saturating_sub(3 * visible)
        .saturating_add(1);
    let mut width: Vec<usize> = natural.clone();
    let flex: Vec<usize> = (0..count)
        .filter(|&i| shown[i] && sheet.flexible(i))
        .collect();
    let fixed: usize = (0..count)
        .filter(|&i| shown[i] && !sheet.flexible(i))
        .map(|i| natural[i])
        .sum();
    let wanted: usize = flex.iter().map(|&i| natural[i]).sum();
    if fixed + wanted > available && !flex.is_empty() {
        const MIN: usize = 6;
        let mut left = available.saturating_sub(fixed).max(MIN * flex.len());
        let mut pending = flex.clone();
        pending.sort_by_key(|&i| natural[i]);
        let mut wanted = wanted;
        for i in pending {
            // A share in proportion to what the column would like; what a narrow column
            // does not need goes on to the wider ones.
            let share = left * natural[i] / wanted.max(1);
            width[i] = natural[i].min(share).max(MIN);
            left = left.saturating_sub(width[i]);
            wanted = wanted.saturating_sub(natural[i]);
        }
    }
    // Still too wide (many narrow-minded columns on a narrow terminal): take from the widest
    // column, whatever it is, until the table fits; a table wider than the terminal wraps
    // every line and is unreadable.
    let mut used: usize = (0..count).filter(|&i| shown[i]).map(|i| width[i]).sum();
    while used > available {
        let Some(widest) = (0..count)
            .filter(|&i| shown[i] && width[i] > 3)
            .max_by_key(|&i| width[i])
        else {
            break;
        };
        width[widest] -= 1;
        used -= 1;
    }
    (0..count)
        .map(|i| shown[i].then(|| u16::try_from(width[i]).unwrap_or(u16::MAX)))
        .collect()
}

fn styled(cell: &Cell, color: bool) -> comfy_table::Cell {
    let mut out = comfy_table::Cell::new(&cell.text);
    if cell.numeric {
        out = out.set_alignment(CellAlignment::Right);
    }
    if color {
        out = match cell.mark {
            Mark::Plain => out,
            Mark::Error => out.fg(Color::Red),
            Mark::Injected => out.fg(Color::Magenta),
            Mark::Incomplete => out.fg(Color::Yellow),
            Mark::Dim => out.fg(Color::DarkGrey),
        };
    }
    out
}

/// The cuts a table makes so a row fits `style.width`: arguments take about 30% of the
/// width, thought previews a fifth; `--max-width` sets all of them, `--full` none.
pub fn cuts(style: TableStyle) -> rows::Cuts {
    if style.full {
        return rows::Cuts {
            human: true,
            ..rows::Cuts::NONE
        };
    }
    let width = usize::from(style.width);
    rows::Cuts {
        arguments: Some(style.max_cell.unwrap_or((width * 3 / 10).max(24))),
        thought_preview: Some(style.max_cell.unwrap_or((width / 5).max(20))),
        thought_text: style.max_cell,
        human: true,
    }
}

/// Below this width, the turns view stacks its counts (13 columns do not fit).
pub const NARROW: u16 = 120;

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
    /// `narrow`: the turns view stacks its counts, for terminals under [`NARROW`] columns.
    pub fn new(view: View, cuts: rows::Cuts, narrow: bool) -> Sheets {
        Sheets {
            view,
            cuts,
            count: 0,
            totals: rows::Totals::default(),
            common: None,
            turns: Sheet::new(if narrow {
                SheetKind::TurnsNarrow
            } else {
                SheetKind::Turns
            }),
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
            self.turns.rows.push(match self.turns.kind {
                SheetKind::TurnsNarrow => rows::turn_row_narrow(n, turn),
                _ => rows::turn_row(n, turn, cuts),
            });
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
            self.turns.rows.push(match self.turns.kind {
                SheetKind::TurnsNarrow => self.totals.narrow_row(),
                _ => self.totals.row(self.cuts.human),
            });
        }
        if let (true, Some(common)) = (strip, self.common.clone().filter(|c| !c.is_empty())) {
            for (sheet, column) in [
                (&mut self.turns, 1),
                (&mut self.tools, 0),
                (&mut self.thoughts, 0),
            ] {
                for row in &mut sheet.rows {
                    if let Some(cell) = row.get_mut(column) {
                        cell.text = cell.text.replacen(&common, "", 1);
                    }
                }
            }
        }
        match self.view {
            View::Turns => vec![self.turns],
            View::Tools => vec![self.tools],
            View::Thoughts => vec![self.thoughts],
            View::All => vec![self.turns, self.tools, self.thoughts],
        }
    }
}

/// Holds rows back until the end (a table's column widths depend on every row), then hands
/// the sheets to the format's writer: tables and markdown share everything else.
pub struct Buffered {
    sheets: Option<Sheets>,
    style: TableStyle,
    write: fn(&mut dyn Write, Sheets, TableStyle) -> io::Result<()>,
}

impl Buffered {
    /// Terminal tables, narrow or wide as the width asks.
    pub fn tables(view: View, style: TableStyle) -> Buffered {
        let narrow = style.width < NARROW;
        Buffered {
            sheets: Some(Sheets::new(view, cuts(style), narrow)),
            style,
            write: write_tables,
        }
    }

    /// Markdown pipe tables: always the wide layout, since they have no width.
    pub fn markdown(view: View, style: TableStyle) -> Buffered {
        Buffered {
            sheets: Some(Sheets::new(view, cuts(style), false)),
            style,
            write: super::markdown::write_sheets,
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

fn write_tables(out: &mut dyn Write, sheets: Sheets, style: TableStyle) -> io::Result<()> {
    let common = sheets.common_folder().map(str::to_string);
    let all = sheets.finish(true);
    if let Some(common) = common {
        writeln!(out, "in {common}")?;
    }
    let titled = all.len() > 1;
    for (i, sheet) in all.iter().enumerate() {
        if titled {
            if i > 0 {
                writeln!(out)?;
            }
            writeln!(out, "{}", sheet.title())?;
        }
        if sheet.rows.is_empty() {
            writeln!(out, "(no {})", sheet.title())?;
            continue;
        }
        writeln!(out, "{}", render(sheet, style))?;
    }
    Ok(())
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
