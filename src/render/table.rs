//! Tables for people, one line per row at any width (as `gh`, `kubectl get` and
//! `docker ps` print them): cells cut with `…`, never wrapped; when the terminal is too
//! narrow, the least useful columns go whole and a line under the table names them.
//! The layout is [`super::layout`]'s; this module says what each view's columns are worth.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};

use super::layout::{self, Column, Cut, KEEP, Measure, Plan};
use super::packed::CellRef;
use super::rows::{Mark, Sheet, SheetKind};
use super::sheets::{Buffered, Sheets, cuts};
use crate::config::{TableStyle, View};

/// What each column of a sheet is worth when width runs short, by the sheet's kind.
///
/// Turns, least useful first: api (the model mostly implies it), cache write, reasoning,
/// thoughts, cache read, tools, in, out, then the model; the number, source, stop and
/// answer stay. Tools: call id, kind, thoughts before; thoughts: followed by, chars.
/// Sessions: failed, time, steps, errors, tools, cost, tokens. Summary figures: the last
/// columns first.
fn columns(sheet: &Sheet) -> Vec<Column> {
    use Cut::{End, Path};
    let path = Column::cut(200, Path, 26);
    match sheet.kind {
        SheetKind::Turns => vec![
            Column::whole(KEEP),
            path,
            Column::whole(10),
            Column::whole(120),
            Column::whole(190),
            Column::whole(100).hide_blank(),
            Column::whole(110).hide_blank(),
            Column::whole(60).hide_blank(),
            Column::whole(20).hide_blank(),
            Column::whole(30).hide_blank(),
            Column::whole(90),
            Column::whole(40),
            Column::cut(180, End, 28).main(3),
        ],
        SheetKind::Tools => vec![
            Column::whole(KEEP),
            path,
            Column::whole(190),
            Column::whole(20),
            Column::whole(10).hide_blank(),
            Column::cut(180, End, 16).main(2),
            Column::cut(100, End, 16).hide_blank(),
        ],
        SheetKind::Thoughts => vec![
            Column::whole(KEEP),
            path,
            Column::whole(150),
            Column::whole(50),
            Column::cut(190, End, 20).main(3),
            Column::cut(100, End, 12),
        ],
        SheetKind::Sessions => vec![
            Column::whole(KEEP),
            Column::cut(190, End, 16),
            Column::whole(60),
            Column::whole(70),
            Column::whole(30),
            Column::whole(65),
            Column::whole(90),
            Column::whole(80),
            Column::whole(40),
            Column::whole(180),
        ],
        // The name (a model, a file) is cut only when very long; of the figures, the
        // token details go first, then the last columns.
        SheetKind::Figures => (0..sheet.header.len())
            .map(|i| match (i, one_line_header(sheet.header[i]).as_str()) {
                (0, _) => Column::cut(KEEP, Path, 40),
                (_, "cache write") => Column::whole(10),
                (_, "reasoning") => Column::whole(20),
                (_, "thoughts") => Column::whole(30),
                (_, "cache hits") => Column::whole(40),
                (_, "cache read") => Column::whole(50),
                (i, _) => Column::whole(200u8.saturating_sub(u8::try_from(i).unwrap_or(200))),
            })
            .collect(),
    }
}

/// A header on one line: the summary's headers break words for narrow columns
/// (`cache\nread`, `reas-\noning`); a table here never needs them broken.
fn one_line_header(header: &str) -> String {
    header.replace("-\n", "").replace('\n', " ")
}

/// A cell's text on one line: its control characters escaped (a file name or a capture's
/// text must not move the cursor or recolour the terminal), its line breaks spaces.
fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains('\n') {
        return super::escape_controls(text);
    }
    let lines: Vec<_> = text.split('\n').map(super::escape_controls).collect();
    Cow::Owned(lines.join(" "))
}

/// A cell's text without the folder every row's path starts with, when it is a path the
/// table shows that way (the folder is said once above the table).
fn in_folder<'a>(sheet: &Sheet, column: usize, text: &'a str) -> &'a str {
    match column == 1 && !sheet.folder.is_empty() {
        true => text.strip_prefix(sheet.folder.as_str()).unwrap_or(text),
        false => text,
    }
}

/// A cell's text as the table shows it: [`in_folder`], on one line.
fn shown<'a>(sheet: &Sheet, column: usize, text: &'a str) -> Cow<'a, str> {
    one_line(in_folder(sheet, column, text))
}

/// The terminal style of a mark: errors red, incomplete yellow, injected magenta,
/// thoughts and empty cells dim.
fn sgr(mark: Mark) -> Option<&'static str> {
    match mark {
        Mark::Plain => None,
        Mark::Error => Some("31"),
        Mark::Incomplete => Some("33"),
        Mark::Injected => Some("35"),
        Mark::Dim => Some("2"),
    }
}

/// A piece of a table's line, written as it is: a table of whole texts (`--full`) has
/// lines as long as its longest text (a rule of 60 MB under a 20 MB thought), so a line
/// is never built whole, and a text is never copied to be written.
enum Piece<'a> {
    Text(Cow<'a, str>),
    /// `unit` written `count` times: padding and rules.
    Repeat(&'static str, usize),
}

impl Piece<'_> {
    /// The piece without its trailing whitespace; `None` when nothing is left.
    fn trim_end(self) -> Option<Self> {
        match self {
            Piece::Repeat(" ", _) | Piece::Repeat(_, 0) => None,
            Piece::Text(Cow::Borrowed(text)) => {
                Some(Piece::Text(Cow::Borrowed(text.trim_end()))).filter(|p| !p.is_empty())
            }
            Piece::Text(Cow::Owned(mut text)) => {
                text.truncate(text.trim_end().len());
                Some(Piece::Text(Cow::Owned(text))).filter(|p| !p.is_empty())
            }
            repeat => Some(repeat),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Piece::Text(text) => text.is_empty(),
            Piece::Repeat(_, count) => *count == 0,
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Piece::Text(text) => f.write_str(text),
            Piece::Repeat(unit, count) => {
                // In chunks: one small string written many times, not one of `count` units.
                const CHUNK: usize = 256;
                let chunk = unit.repeat(CHUNK.min(*count));
                for _ in 0..count / CHUNK {
                    f.write_str(&chunk)?;
                }
                f.write_str(&chunk[..unit.len() * (count % CHUNK)])
            }
        }
    }
}

/// One line of a table, as its pieces.
struct Line<'a>(Vec<Piece<'a>>);

impl<'a> Line<'a> {
    /// `pieces` styled with `code` when `color` (and there is something to style).
    fn paint(&mut self, pieces: Vec<Piece<'a>>, code: Option<&str>, color: bool) {
        let styled = color && code.is_some() && pieces.iter().any(|p| !p.is_empty());
        if let (true, Some(code)) = (styled, code) {
            self.0
                .push(Piece::Text(Cow::Owned(format!("\u{1b}[{code}m"))));
            self.0.extend(pieces);
            self.0.push(Piece::Text(Cow::Borrowed("\u{1b}[0m")));
        } else {
            self.0.extend(pieces);
        }
    }

    /// The line without trailing whitespace.
    fn trim_end(mut self) -> Self {
        while let Some(last) = self.0.pop() {
            if let Some(kept) = last.trim_end() {
                self.0.push(kept);
                break;
            }
        }
        self
    }

    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|piece| piece.write(f))
    }
}

/// A sheet laid out for a terminal: print it with `{}` (no newline at the end). Each line
/// is made as it is written.
pub struct Rendered<'a> {
    sheet: &'a Sheet,
    columns: Vec<Column>,
    headers: Vec<String>,
    plan: Plan,
    /// Which columns align right.
    right: Vec<bool>,
    color: bool,
    /// The note under the table naming the columns dropped, in lines.
    note: Vec<String>,
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header: Vec<(&str, Option<&str>)> = self
            .headers
            .iter()
            .map(|h| (h.as_str(), Some("1")))
            .collect();
        self.line(&header).write(f)?;
        f.write_str("\n")?;
        let mut rule = Vec::new();
        for (i, width) in self.plan.widths.iter().flatten().enumerate() {
            if i > 0 {
                rule.push(Piece::Repeat("─", layout::GAP));
            }
            rule.push(Piece::Repeat("─", *width));
        }
        let mut line = Line(Vec::new());
        line.paint(rule, Some("2"), self.color);
        line.write(f)?;
        for row in self.sheet.rows.iter() {
            // Each row's cells put on one line as it is written, not kept.
            let texts: Vec<Cow<str>> = (row.iter().enumerate())
                .map(|(i, c)| shown(self.sheet, i, c.text))
                .collect();
            let cells: Vec<(&str, Option<&str>)> = row
                .iter()
                .zip(&texts)
                .map(|(cell, text)| (text.as_ref(), sgr(cell.mark)))
                .collect();
            f.write_str("\n")?;
            self.line(&cells).write(f)?;
        }
        for text in &self.note {
            f.write_str("\n")?;
            let mut line = Line(Vec::new());
            line.paint(
                vec![Piece::Text(Cow::Borrowed(text))],
                Some("2"),
                self.color,
            );
            line.write(f)?;
        }
        Ok(())
    }
}

impl<'a> Rendered<'a> {
    /// One line of the table: each shown cell cut to its width, padded, styled; no trailing
    /// spaces.
    fn line<'b>(&self, cells: &[(&'b str, Option<&str>)]) -> Line<'b> {
        let mut line = Line(Vec::new());
        let shown = self.plan.widths.iter().enumerate();
        for (n, (i, width)) in shown.filter_map(|(i, w)| Some((i, (*w)?))).enumerate() {
            if n > 0 {
                line.0.push(Piece::Repeat(" ", layout::GAP));
            }
            let (text, code) = cells.get(i).copied().unwrap_or(("", None));
            let fitted = layout::fitted(text, width, self.columns[i].cut);
            let fill = Piece::Repeat(" ", width.saturating_sub(layout::width(&fitted)));
            let text = vec![Piece::Text(fitted)];
            if self.right[i] {
                line.0.push(fill);
                line.paint(text, code, self.color);
            } else {
                line.paint(text, code, self.color);
                line.0.push(fill);
            }
        }
        line.trim_end()
    }
}

/// `sheet` laid out `style.width` columns wide (any width with `--wide` or `--full`): a header,
/// a rule under it, a line per row, and a note when columns were dropped.
pub fn render(sheet: &Sheet, style: TableStyle) -> Rendered<'_> {
    let columns = columns(sheet);
    let headers: Vec<String> = sheet.header.iter().map(|h| one_line_header(h)).collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    // The turns sheet closes with its totals row.
    let closing = usize::from(sheet.kind == SheetKind::Turns);
    let data = sheet.rows.len().saturating_sub(closing);
    // One pass over the rows, each unpacked once: what the layout needs of each column,
    // and which columns align right.
    let mut measure = Measure::new(&header_refs, columns.len());
    let mut align = vec![Align::default(); columns.len()];
    for (n, row) in sheet.rows.iter().enumerate() {
        for ((i, cell), align) in row.iter().enumerate().zip(&mut align) {
            align.add(CellRef {
                text: in_folder(sheet, i, cell.text),
                ..cell
            });
        }
        let texts = row.iter().enumerate().map(|(i, c)| shown(sheet, i, c.text));
        measure.add(texts, n >= data);
    }
    let total = usize::from(style.width);
    // Whole texts (`--full`) have room only on lines as long as they need.
    let wide = style.wide || style.full;
    let plan = layout::plan(&columns, &header_refs, &measure, total, wide);
    let right: Vec<bool> = align.iter().map(Align::right).collect();
    let mut note = Vec::new();
    if !plan.dropped.is_empty() {
        let names: Vec<&str> = plan.dropped.iter().map(|&i| header_refs[i]).collect();
        let said = format!(
            "(hidden to fit {total} columns: {}; see them with --wide, every field with --format jsonl)",
            names.join(", "),
        );
        note = layout::wrap(&said, " ", total);
    }
    Rendered {
        sheet,
        columns,
        headers,
        plan,
        right,
        color: style.color,
        note,
    }
}

/// Whether a column aligns right, gathered a cell at a time: a column of numbers does, one
/// a cell of which says it holds numbers (a word among them, `unpriced`, aligns with them),
/// or whose cells all look like numbers (a count marked red when not zero).
#[derive(Debug, Clone, Copy)]
struct Align {
    numeric: bool,
    digits: bool,
    number_like: bool,
}

impl Default for Align {
    fn default() -> Align {
        Align {
            numeric: false,
            digits: false,
            number_like: true,
        }
    }
}

impl Align {
    fn add(&mut self, cell: CellRef) {
        let text = cell.text;
        self.numeric |= cell.numeric;
        self.digits |= text.chars().any(|ch| ch.is_ascii_digit());
        self.number_like &= text.is_empty()
            || cell.numeric
            || text
                .chars()
                .all(|ch| ch.is_ascii_digit() || ",.%$-".contains(ch));
    }

    fn right(&self) -> bool {
        self.numeric || (self.digits && self.number_like)
    }
}

/// Terminal tables.
pub fn printer(view: View, style: TableStyle) -> Buffered {
    let mut cuts = cuts(style);
    // A row is one line: a thought's whole text has no room in it.
    if !style.full {
        cuts.thought_text = cuts.thought_preview;
    }
    Buffered::new(Sheets::new(view, cuts), style, write_tables)
}

fn write_tables(out: &mut dyn Write, sheets: Sheets, style: TableStyle) -> io::Result<()> {
    let common = sheets.common_folder().map(str::to_string);
    let all = sheets.finish(true);
    if let Some(common) = common {
        let said = format!("in {}", one_line(&common));
        writeln!(
            out,
            "{}",
            layout::fit(&said, usize::from(style.width), Cut::Path)
        )?;
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
    use crate::render::rows::Cell;

    fn style(width: u16) -> TableStyle {
        TableStyle {
            width,
            color: false,
            full: false,
            max_cell: None,
            wide: false,
        }
    }

    #[test]
    fn control_characters_reach_no_terminal() {
        let mut sheet = Sheet::new(SheetKind::Figures);
        sheet.header = vec!["name"];
        sheet.rows.push(vec![Cell::plain("a\u{1b}[2J\nb\rc")]);
        let out = render(&sheet, style(40)).to_string();
        assert!(!out.contains('\u{1b}') && !out.contains('\r'), "{out:?}");
        assert_eq!(out, "name\n───────────────\na\\u{1b}[2J b\\rc");
        // A bidi override holds no control character, and is escaped all the same.
        let mut sheet = Sheet::new(SheetKind::Figures);
        sheet.header = vec!["name"];
        sheet.rows.push(vec![Cell::plain("a\u{202e}txt.exe")]);
        let out = render(&sheet, style(40)).to_string();
        assert!(!out.contains('\u{202e}'), "{out:?}");
    }

    #[test]
    fn numbers_align_right_and_rows_stay_one_line() {
        let mut sheet = Sheet::new(SheetKind::Figures);
        sheet.header = vec!["name", "count"];
        // 51 characters.
        let name = "a long name that will not fit in forty-four columns";
        sheet
            .rows
            .push(vec![Cell::plain(name), Cell::number(Some(24517u64), true)]);
        sheet
            .rows
            .push(vec![Cell::plain("b"), Cell::number(Some(7u64), true)]);
        // 50 columns: the count keeps its 6, the gap 2, the name the other 42.
        let out = render(&sheet, style(50)).to_string();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], format!("name{}count", " ".repeat(50 - 9)));
        assert_eq!(lines[1], "─".repeat(50));
        assert_eq!(
            lines[2],
            "a long name that will not fit in forty-fo…  24,517"
        );
        assert_eq!(lines[3], format!("b{}7", " ".repeat(48)));
        assert_eq!(lines.len(), 4);
        // 30 columns: the name is cut no shorter than 40, so the count goes, and a note
        // says so.
        let out = render(&sheet, style(30)).to_string();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[2], "a long name that will not fit…");
        assert_eq!(
            lines[4..],
            [
                "(hidden to fit 30 columns:",
                "count; see them with --wide,",
                "every field with --format",
                "jsonl)"
            ]
        );
    }
}
