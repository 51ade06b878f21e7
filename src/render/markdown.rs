//! Markdown pipe tables, for pull-request comments: the table view's rows and cuts.

use std::borrow::Cow;
use std::io::{self, Write};

use super::rows::Sheet;
use super::sheets::{Buffered, Sheets, cuts};
use crate::config::{TableStyle, View};

/// A cell's text made safe inside a pipe table: one line (line breaks become `<br>`, other
/// control characters escapes), no unescaped `|`, no HTML of the capture's
/// ([`super::no_html`]).
fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    write_escaped(&mut out, text).expect("a vector takes every write");
    String::from_utf8(out).expect("escapes are UTF-8, and so is the text between them")
}

/// [`escape`], written as it goes: a cell of megabytes escaped step by step took a copy a
/// step, and the row's cells were joined (hostile run 53: 22 bytes a byte of text).
fn write_escaped<W: Write + ?Sized>(out: &mut W, text: &str) -> io::Result<()> {
    let bytes = text.as_bytes();
    let mut kept = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let escaped: Cow<str> = match c {
            '\\' => "\\\\".into(),
            '&' => "&amp;".into(),
            '<' => "&lt;".into(),
            '|' => "\\|".into(),
            '\r' if chars.next_if(|&(_, c)| c == '\n').is_some() => "<br>".into(),
            '\r' | '\n' => "<br>".into(),
            '\t' => "\\t".into(),
            c if super::needs_escape(c) => format!("\\u{{{:x}}}", u32::from(c)).into(),
            _ => continue,
        };
        out.write_all(&bytes[kept..at])?;
        out.write_all(escaped.as_bytes())?;
        kept = chars.peek().map_or(bytes.len(), |&(next, _)| next);
    }
    out.write_all(&bytes[kept..])
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
    // Each cell written as it is escaped: a row of long texts is never held escaped.
    for row in sheet.rows.iter() {
        out.write_all(b"|")?;
        for c in row.iter() {
            out.write_all(b" ")?;
            write_escaped(out, c.text)?;
            out.write_all(b" |")?;
        }
        out.write_all(b"\n")?;
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
        assert_eq!(
            super::escape("x&y<z\tw\r\r\né|"),
            "x&amp;y&lt;z\\tw<br><br>é\\|"
        );
        assert_eq!(super::header("cache\nread"), "cache read");
        assert_eq!(super::header("reas-\noning"), "reasoning");
    }
}
