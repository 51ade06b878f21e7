//! Markdown pipe tables, for pull-request comments: the table view's rows and cuts.

use std::io::{self, Write};

use super::rows::Sheet;
use super::sheets::{Buffered, Sheets, cuts};
use crate::config::{TableStyle, View};

/// A cell's text made safe inside a pipe table.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>")
}

fn write_sheet(out: &mut dyn Write, sheet: &Sheet) -> io::Result<()> {
    writeln!(out, "| {} |", sheet.header.join(" | "))?;
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
    for row in &sheet.rows {
        let cells: Vec<String> = row.iter().map(|c| escape(&c.text)).collect();
        writeln!(out, "| {} |", cells.join(" | "))?;
    }
    Ok(())
}

/// Markdown pipe tables: always the wide layout, since they have no width.
pub fn printer(view: View, style: TableStyle) -> Buffered {
    Buffered::new(Sheets::new(view, cuts(style), false), style, write_sheets)
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
