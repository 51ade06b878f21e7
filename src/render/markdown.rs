//! Markdown pipe tables, for pull-request comments: the table view's rows and cuts.

use std::io::{self, Write};

use super::rows::Sheet;
use super::table::Sheets;
use crate::config::TableStyle;

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

/// Writes every sheet as a pipe table, titled when there are several.
pub fn write_sheets(out: &mut dyn Write, sheets: Sheets, _: TableStyle) -> io::Result<()> {
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
