//! Markdown pipe tables, for pull-request comments: the table view's rows and cuts.

use std::io::{self, Write};

use super::rows::Sheet;
use super::sheets::{Buffered, Sheets, cuts};
use crate::config::{TableStyle, View};

/// A cell's text made safe inside a pipe table: one line (line breaks become `<br>`, other
/// control characters escapes), no unescaped `|`, no HTML of the capture's
/// ([`super::no_html`]).
fn escape(text: &str) -> String {
    let text = super::no_html(&text.replace('\\', "\\\\"))
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>");
    super::escape_controls(&text).into_owned()
}

/// A header as markdown shows it: the words tables break to fit narrow columns (`cache\nread`,
/// `reas-\noning`) joined again, since a pipe table's header is one line.
fn header(text: &str) -> String {
    escape(&text.replace("-\n", "").replace('\n', " "))
}

pub(super) fn write_sheet(out: &mut dyn Write, sheet: &Sheet) -> io::Result<()> {
    let header: Vec<String> = sheet.header.iter().map(|h| header(h)).collect();
    writeln!(out, "| {} |", header.join(" | "))?;
    let rule: Vec<&str> = sheet
        .header
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let numeric = sheet
                .rows
                .first()
                .and_then(|r| r.get(i))
                .is_some_and(|c| c.numeric);
            if numeric { "---:" } else { "---" }
        })
        .collect();
    writeln!(out, "| {} |", rule.join(" | "))?;
    for row in sheet.rows.iter() {
        let cells: Vec<String> = row.iter().map(|c| escape(c.text)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

/// Markdown pipe tables: always the wide layout, since they have no width.
pub fn printer(view: View, style: TableStyle) -> Buffered {
    Buffered::new(Sheets::new(view, cuts(style)), style, write_sheets)
}

/// Writes every sheet as a pipe table, titled when there are several.
fn write_sheets(out: &mut dyn Write, sheets: Sheets, _: TableStyle) -> io::Result<()> {
    let all = sheets.finish(false);
    let titled = all.len() > 1;
    for (i, sheet) in all.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        if titled {
            writeln!(out, "### {}\n", sheet.title())?;
        }
        write_sheet(out, sheet)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn cells_and_headers_stay_on_one_line() {
        assert_eq!(super::escape("a|b\\c"), "a\\|b\\\\c");
        assert_eq!(
            super::escape("a\r\nb\nc\rd\u{1b}"),
            "a<br>b<br>c<br>d\\u{1b}"
        );
        assert_eq!(super::header("cache\nread"), "cache read");
        assert_eq!(super::header("reas-\noning"), "reasoning");
    }
}
