//! Markdown output is valid pipe tables: every line of a table is one row, headers included
//! (issue 13, item 13: the turns view once broke `cache\nread` inside a header cell).

mod common;
use common::*;

#[test]
fn markdown_header_and_body_cells_hold_no_line_break() {
    for view in ["all", "sessions"] {
        let out = run(&[
            "inspect",
            "-f",
            "markdown",
            "--view",
            view,
            "fixtures/",
            "tests/data/sessions/",
        ]);
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.lines().count() > 10, "{view}: {text}");
        for line in text.lines() {
            let table_row = line.starts_with("| ") && line.ends_with(" |");
            assert!(
                table_row || line.starts_with("### ") || line.is_empty(),
                "{view}: a line that is no row: {line:?}"
            );
        }
        let header = text.lines().find(|l| l.starts_with("| ")).unwrap();
        assert!(!header.contains("<br>"), "{view}: {header}");
    }
}
