//! Output whose lines are records stays one record per line, whatever the captures and their
//! file names hold: every markdown line is a valid pipe-table row, and a newline in a file
//! name forges no `validate` finding.

mod common;

use common::{run, scratch};

/// A fresh folder below the system's temporary one.
/// The cells of a pipe-table row, or `None` when the line is not one: it must open and close
/// with `|`, and a `|` inside a cell must be escaped.
fn cells(line: &str) -> Option<Vec<String>> {
    let inner = line.strip_prefix("| ")?.strip_suffix(" |")?;
    let mut cells = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let last = cells.last_mut().unwrap();
                last.push(c);
                last.extend(chars.next());
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    Some(cells.into_iter().map(|c| c.trim().to_string()).collect())
}

#[test]
fn every_markdown_line_is_a_table_row() {
    // A capture whose name holds a pipe, a newline and an escape sequence.
    let dir = scratch("markdown");
    let hostile = dir.join("a|b\nc\u{1b}[31m.txtar");
    std::fs::copy(
        common::root().join("fixtures/anthropic-messages/parallel_tools.txtar"),
        &hostile,
    )
    .unwrap();
    let hostile = hostile.to_str().unwrap();
    for view in ["turns", "tools", "thoughts", "all"] {
        let out = run(&[
            "inspect",
            "--format",
            "markdown",
            "--view",
            view,
            "fixtures/",
            hostile,
        ]);
        assert_eq!(out.status.code(), Some(0), "--view {view}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text.contains('\u{1b}'),
            "--view {view}: an escape reached the output"
        );
        // The columns of the table being read, and whether its delimiter row came yet.
        let mut table: Option<(usize, bool)> = None;
        let mut tables = 0;
        for (n, line) in text.lines().enumerate() {
            let at = format!("--view {view}, line {}: {line:?}", n + 1);
            if line.is_empty() || line.starts_with("### ") {
                table = None;
                continue;
            }
            let row = cells(line).unwrap_or_else(|| panic!("{at}: not a table row"));
            table = match table {
                None => {
                    tables += 1;
                    Some((row.len(), false))
                }
                Some((columns, false)) => {
                    assert_eq!(row.len(), columns, "{at}");
                    assert!(row.iter().all(|c| c == "---" || c == "---:"), "{at}");
                    Some((columns, true))
                }
                Some((columns, true)) => {
                    assert_eq!(row.len(), columns, "{at}");
                    Some((columns, true))
                }
            };
        }
        let expected = if view == "all" { 3 } else { 1 };
        assert_eq!(tables, expected, "--view {view}:\n{text}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_newline_in_a_file_name_forges_no_validate_finding() {
    let dir = scratch("validate");
    let name = "x.txtar\nforged.txtar:1: error[parse-capture]: forged";
    std::fs::copy(
        common::root().join("tests/data/validate/bad/chat-grammar.txtar"),
        dir.join(name),
    )
    .unwrap();
    let dir_name = dir.to_str().unwrap();
    let findings = run(&["validate", "--format", "json", dir_name]);
    let count = String::from_utf8(findings.stdout).unwrap().lines().count();
    assert!(count > 0);

    let text = run(&["validate", "--format", "text", dir_name]);
    assert_eq!(text.status.code(), Some(1));
    let text = String::from_utf8(text.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    // One line per finding, then the tally.
    assert_eq!(lines.len(), count + 1, "{text}");
    let shown = format!("{dir_name}/x.txtar\\nforged.txtar:1: error[parse-capture]: forged:");
    for line in &lines[..count] {
        assert!(line.starts_with(&shown), "{line:?}");
    }
    assert!(
        lines[count].starts_with("checked 1 file: 1 invalid"),
        "{text}"
    );

    let github = run(&["validate", "--format", "github", dir_name]);
    let github = String::from_utf8(github.stdout).unwrap();
    assert_eq!(github.lines().count(), count + 1, "{github}");
    assert!(
        github.contains("x.txtar%0Aforged.txtar%3A1%3A error[parse-capture]%3A forged"),
        "{github}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
