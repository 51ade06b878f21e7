//! The committed completions and man pages are what the clap definitions generate now.
//! When this fails, run `cargo run --example generate` and commit the result.

#[path = "../examples/generate.rs"]
mod generate;

use std::path::Path;

#[test]
fn completions_and_man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut stale = Vec::new();
    for (path, content) in generate::render_all() {
        match std::fs::read(root.join(&path)) {
            Ok(committed) if committed == content => {}
            _ => stale.push(path.display().to_string()),
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing: {stale:?}; run `cargo run --example generate` and commit the result"
    );
}

#[test]
fn every_subcommand_help_ends_with_examples() {
    for sub in ["inspect", "summary", "validate"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
            .args([sub, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        let last = help.trim_end().rsplit("Examples:").next().unwrap();
        assert!(help.contains("Examples:"), "{sub} --help has no examples");
        assert!(
            last.lines()
                .skip(1)
                .all(|l| l.starts_with("  aibridge-trace ")),
            "{sub}: {last}"
        );
    }
}

/// The validate man page lists every rule `--list-rules` prints, with its severity: the
/// page is generated from the code's rule list, not copied from it.
#[test]
fn the_validate_man_page_lists_every_rule() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
        .args(["validate", "--list-rules"])
        .output()
        .unwrap();
    let rules = String::from_utf8(out.stdout).unwrap();
    let page = generate::render_all()
        .into_iter()
        .find(|(path, _)| path.ends_with("aibridge-trace-validate.1"))
        .map(|(_, content)| String::from_utf8(content).unwrap())
        .unwrap();
    let rules_section = page.split(".SH RULES").nth(1).unwrap();
    let mut count = 0;
    for line in rules.lines() {
        let mut words = line.split_whitespace();
        let (id, severity) = (words.next().unwrap(), words.next().unwrap());
        // roff escapes the dashes of an id.
        let entry = format!(".TP\n\\fB{}\\fR\n({severity})", id.replace('-', "\\-"));
        assert!(rules_section.contains(&entry), "{entry:?} missing");
        count += 1;
    }
    // 28 rules when this was written; the list grows with the checks.
    assert!(count >= 28, "{rules}");
}
