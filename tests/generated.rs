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
