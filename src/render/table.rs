//! Tables for people (comfy-table), sized to the terminal.

use std::borrow::Cow;
use std::io::{self, Write};

use comfy_table::{
    Attribute, CellAlignment, Color, ColumnConstraint, ContentArrangement, ContentLineStyle,
    LineStyle, Table, TableStyle as Look, Width,
};

use super::rows::{Cell, Mark, Sheet, SheetKind};
use super::sheets::{Buffered, Sheets, cuts};
use crate::config::{TableStyle, View};

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

/// `sheet` with the control characters of its cells escaped (`\u{1b}`), line breaks aside:
/// a file name or a capture's text must not move the cursor or recolour the terminal.
/// Copied only when some cell holds one.
fn visible(sheet: &Sheet) -> Cow<'_, Sheet> {
    let hostile = |cell: &Cell| cell.text.chars().any(|c| c.is_control() && c != '\n');
    if !sheet.rows.iter().flatten().any(hostile) {
        return Cow::Borrowed(sheet);
    }
    let mut sheet = sheet.clone();
    for cell in sheet.rows.iter_mut().flatten().filter(|c| hostile(c)) {
        let lines: Vec<_> = cell.text.split('\n').map(super::escape_controls).collect();
        cell.text = lines.join("\n");
    }
    Cow::Owned(sheet)
}

/// A comfy-table for `sheet`, `style.width` wide.
pub fn render(sheet: &Sheet, style: TableStyle) -> Table {
    let sheet = &*visible(sheet);
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
    let widths = widths(sheet, style.width);
    for row in &sheet.rows {
        let cells = row.iter().zip(&widths);
        table.add_row(cells.map(|(cell, w)| styled(&fitted(sheet, cell, *w), style.color)));
    }
    for (column, width) in table.column_iter_mut().zip(widths) {
        column.set_constraint(match width {
            None => ColumnConstraint::Hidden,
            // An absolute width counts the padding too.
            Some(w) => ColumnConstraint::Absolute(Width::Fixed(w.saturating_add(2))),
        });
    }
    table
}

/// `cell` cut with `…` to `width` when its sheet keeps one line per row (a list of
/// sessions reads down one line per session), else as it is.
fn fitted<'a>(sheet: &Sheet, cell: &'a Cell, width: Option<u16>) -> Cow<'a, Cell> {
    match (sheet.kind, width) {
        (SheetKind::Sessions, Some(width)) => Cow::Owned(Cell {
            text: super::rows::cut(&cell.text, Some(usize::from(width))),
            ..cell.clone()
        }),
        _ => Cow::Borrowed(cell),
    }
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

/// Below this width, the turns view stacks its counts (13 columns do not fit).
pub const NARROW: u16 = 120;

/// Terminal tables, narrow or wide as the width asks.
pub fn printer(view: View, style: TableStyle) -> Buffered {
    let narrow = style.width < NARROW;
    Buffered::new(Sheets::new(view, cuts(style), narrow), style, write_tables)
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
    use super::*;

    #[test]
    fn control_characters_reach_no_terminal() {
        let mut sheet = Sheet::new(SheetKind::Figures);
        sheet.header = vec!["name"];
        sheet.rows.push(vec![Cell::plain("a\u{1b}[2J\nb\rc")]);
        let style = TableStyle {
            width: 40,
            color: false,
            full: false,
            max_cell: None,
        };
        let out = render(&sheet, style).to_string();
        assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
        assert!(out.contains("a\\u{1b}[2J"), "{out}");
        assert!(out.contains("b\\rc"), "{out}");
    }
}
