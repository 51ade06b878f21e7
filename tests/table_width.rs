//! Tables stay one line per row at every width from 80 up: no line wider than the width
//! asked, no row wrapped onto a second line, and no cell breaking a token (a word, a path,
//! a model id, a number): every token on screen is one the table shows at its widest, or
//! was cut with `…`. Checked on every table view over the fixtures and the test captures
//! (long model ids, deep paths, 40 parallel tool calls, a 10-step agent loop, errors).

mod common;

use unicode_width::UnicodeWidthStr;

const INPUTS: [&str; 4] = [
    "fixtures",
    "tests/data/forty-tools.sse",
    "tests/data/agent-loop",
    "tests/data/sessions",
];

/// Widths around the points where columns come and go.
const WIDTHS: [u16; 9] = [80, 81, 90, 100, 110, 120, 121, 160, 200];

/// A width at which no table here needs to drop or cut anything.
const ROOMY: u16 = 1000;

fn table(command: &[&str], width: u16) -> String {
    let width = width.to_string();
    let mut args: Vec<&str> = command.to_vec();
    args.extend(["--width", &width, "--color", "never", "--quiet"]);
    args.extend(INPUTS);
    let out = common::run(&args);
    String::from_utf8(out.stdout).expect("stdout is UTF-8")
}

/// The lines of `output` that belong to tables, with the note under a table (prose, not
/// a row) left out, and how many note lines there were.
fn rows(output: &str) -> (Vec<&str>, usize) {
    let mut kept = Vec::new();
    let mut in_note = false;
    let mut notes = 0;
    for line in output.lines() {
        if line.starts_with("(hidden to fit ") {
            in_note = true;
        }
        if in_note {
            notes += 1;
            in_note = !line.ends_with("jsonl)");
            continue;
        }
        kept.push(line);
    }
    (kept, notes)
}

fn tokens(line: &str) -> impl Iterator<Item = &str> {
    line.split_whitespace()
        .filter(|t| !t.chars().all(|c| c == '─'))
}

fn check(command: &[&str]) {
    let roomy = table(command, ROOMY);
    let (reference, notes) = rows(&roomy);
    assert_eq!(notes, 0, "{command:?} drops columns at {ROOMY}:\n{roomy}");
    assert!(reference.len() > 3, "{command:?} prints a table:\n{roomy}");
    // A path cut after one of its `/` shows whole names: those are tokens too.
    let known: std::collections::HashSet<&str> = reference
        .iter()
        .flat_map(|l| tokens(l))
        .flat_map(|t| {
            let after_slashes = t.match_indices('/').map(move |(i, _)| &t[i + 1..]);
            std::iter::once(t).chain(after_slashes)
        })
        .collect();
    for width in WIDTHS {
        let output = table(command, width);
        for line in output.lines() {
            assert!(
                line.width() <= usize::from(width),
                "{command:?} at {width}: a line of {} columns:\n{line}",
                line.width()
            );
        }
        let (lines, _) = rows(&output);
        // One line per row: as many lines as at the roomy width.
        assert_eq!(
            lines.len(),
            reference.len(),
            "{command:?} at {width}: rows took more or fewer lines:\n{output}"
        );
        for line in &lines {
            for token in tokens(line) {
                assert!(
                    known.contains(token) || token.contains('…'),
                    "{command:?} at {width}: `{token}` is a broken token in\n{line}"
                );
            }
        }
    }
}

#[test]
fn turns_view() {
    check(&["inspect", "--format", "table", "--view", "turns"]);
}

#[test]
fn tools_view() {
    check(&["inspect", "--format", "table", "--view", "tools"]);
}

#[test]
fn thoughts_view() {
    check(&["inspect", "--format", "table", "--view", "thoughts"]);
}

#[test]
fn sessions_view() {
    check(&["inspect", "--format", "table", "--view", "sessions"]);
}

#[test]
fn summary_tables() {
    check(&["summary", "--by", "model"]);
}

/// `--wide` drops and cuts nothing: every line is as at a roomy width.
#[test]
fn wide_keeps_everything() {
    let command = ["inspect", "--format", "table", "--view", "turns"];
    let roomy = table(&command, ROOMY);
    let mut wide = command.to_vec();
    wide.push("--wide");
    assert_eq!(table(&wide, 80), roomy);
}
