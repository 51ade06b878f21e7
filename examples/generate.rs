//! Writes the shell completions (`completions/`) and man pages (`man/`) from the clap
//! definitions: `cargo run --example generate`. `tests/generated.rs` fails when the
//! committed files differ from what this would write.
//!
//! The man pages are the reference: besides what clap knows (options, their long help, the
//! examples), each gets sections written in markdown next to what they describe (the JSONL
//! schema beside its printer, the rest in `man/sections/`), and `validate`'s page lists the
//! rules from the code's own rule list (the possible values of `--allow`).

use std::path::{Path, PathBuf};

use aibridge_trace::cli::Cli;
use clap::CommandFactory;
use clap_complete::Shell;
use roff::{Roff, bold, roman};

const INPUTS: &str = include_str!("../man/sections/inputs.md");
const EXIT_STATUS: &str = include_str!("../man/sections/exit-status.md");
const INSPECT: &str = include_str!("../man/sections/inspect.md");
const JSONL_SCHEMA: &str = include_str!("../src/render/jsonl-schema.md");
const SUMMARY: &str = include_str!("../man/sections/summary.md");
const PRICES: &str = include_str!("../man/sections/prices.md");
const VALIDATE: &str = include_str!("../man/sections/validate.md");

/// Every generated file: its path below the project root, and its content.
pub fn render_all() -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut command = Cli::command();
    command.build();
    let name = command.get_name().to_string();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Elvish,
        Shell::PowerShell,
    ] {
        let mut content = Vec::new();
        clap_complete::generate(shell, &mut command.clone(), &name, &mut content);
        let file = match shell {
            Shell::Bash => format!("{name}.bash"),
            Shell::Zsh => format!("_{name}"),
            Shell::Fish => format!("{name}.fish"),
            Shell::Elvish => format!("{name}.elv"),
            _ => format!("_{name}.ps1"),
        };
        files.push((Path::new("completions").join(file), content));
    }
    let subcommands: Vec<String> = command
        .get_subcommands()
        .map(|s| format!("{name}-{}", s.get_name()))
        .filter(|s| !s.ends_with("-help"))
        .collect();
    let see_also = |this: &str| {
        let mut roff = Roff::new();
        let pages: Vec<&String> = subcommands.iter().filter(|s| *s != this).collect();
        for (i, page) in pages.iter().enumerate() {
            let comma = if i + 1 < pages.len() { "(1), " } else { "(1)" };
            roff.text([bold(page.as_str()), roman(comma)]);
        }
        if this != name {
            roff.text([bold(name.as_str()), roman("(1)")]);
        }
        ("SEE ALSO", roff)
    };
    files.push((
        Path::new("man").join(format!("{name}.1")),
        man_page(
            command.clone(),
            vec![
                ("INPUTS", markdown(INPUTS)),
                ("EXIT STATUS", markdown(EXIT_STATUS)),
                see_also(&name),
            ],
        ),
    ));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        // clap names are `&'static str` without its `string` feature; a generator that runs
        // once can afford to leak a few bytes rather than pull the feature into the binary.
        let full: &'static str = String::leak(format!("{name}-{}", sub.get_name()));
        let mut sections = vec![("EXAMPLES", examples(sub))];
        match sub.get_name() {
            "inspect" => sections.extend([
                ("OUTPUT", markdown(INSPECT)),
                ("JSONL SCHEMA", markdown(JSONL_SCHEMA)),
                ("PRICES", markdown(PRICES)),
                ("INPUTS", markdown(INPUTS)),
                ("EXIT STATUS", markdown(EXIT_STATUS)),
            ]),
            "summary" => sections.extend([
                ("OUTPUT", markdown(SUMMARY)),
                ("PRICES", markdown(PRICES)),
                ("INPUTS", markdown(INPUTS)),
                ("EXIT STATUS", markdown(EXIT_STATUS)),
            ]),
            "validate" => sections.extend([
                ("CHECKS", markdown(VALIDATE)),
                ("RULES", rules(sub)),
                ("INPUTS", markdown(INPUTS)),
            ]),
            other => panic!("no man page sections for the subcommand {other}"),
        }
        sections.push(see_also(full));
        let page = man_page(sub.clone().name(full).bin_name(full), sections);
        files.push((Path::new("man").join(format!("{full}.1")), page));
    }
    files
}

/// clap's page (name, synopsis, description, options, subcommands), then `sections`, then
/// the version. The examples clap holds as `after_help` come as a section of their own.
fn man_page(command: clap::Command, sections: Vec<(&str, Roff)>) -> Vec<u8> {
    let man = clap_mangen::Man::new(command.clone());
    let mut out = Vec::new();
    let mut write = || -> std::io::Result<()> {
        man.render_title(&mut out)?;
        man.render_name_section(&mut out)?;
        man.render_synopsis_section(&mut out)?;
        man.render_description_section(&mut out)?;
        if command.get_arguments().next().is_some() {
            man.render_options_section(&mut out)?;
        }
        if command.has_subcommands() {
            man.render_subcommands_section(&mut out)?;
        }
        for (title, body) in &sections {
            let mut section = Roff::new();
            section.control("SH", [*title]);
            section.to_writer(&mut out)?;
            body.to_writer(&mut out)?;
        }
        man.render_version_section(&mut out)
    };
    write().expect("rendering to memory does not fail");
    // Each part rendered alone opens with the definition of the apostrophe string (`Aq`):
    // the page needs it once.
    let text = String::from_utf8(out).expect("roff is UTF-8");
    let mut page = String::new();
    let mut defined = false;
    for line in text.lines() {
        let definition = line.ends_with(".ds Aq \\(aq") || line == ".el .ds Aq '";
        if !definition || !defined {
            page.push_str(line);
            page.push('\n');
        }
        defined |= line == ".el .ds Aq '";
    }
    page.into_bytes()
}

/// The examples of `--help` (after its `Examples:` line), one command a line.
fn examples(command: &clap::Command) -> Roff {
    let help = command
        .get_after_help()
        .map(|h| h.to_string())
        .unwrap_or_default();
    let mut roff = Roff::new();
    roff.control("nf", []);
    for line in help.lines().skip_while(|l| l.ends_with(':')) {
        roff.text([roman(line.trim_start())]);
    }
    roff.control("fi", []);
    roff
}

/// The rules `validate` checks: the possible values of `--allow`, whose help says the
/// rule's severity and what it checks (built from the code's rule list in `cli.rs`).
fn rules(validate: &clap::Command) -> Roff {
    let allow = validate
        .get_arguments()
        .find(|a| a.get_id() == "allow")
        .expect("validate has --allow");
    let mut roff = Roff::new();
    roff.control("PP", []).text(inline(
        "Each finding names one of these rules; `--allow` takes their ids, and \
         `aibridge-trace validate --list-rules` prints this list. Ids are grouped by prefix.",
    ));
    for value in allow.get_possible_values() {
        let help = value.get_help().map(|h| h.to_string()).unwrap_or_default();
        roff.control("TP", []).text([bold(value.get_name())]);
        roff.text(inline(&help));
    }
    roff
}

/// The markdown of `man/sections/` as roff: paragraphs, `- ` lists, `### ` subsections,
/// fenced code, and tables (one tagged paragraph per row: the first cell, then the rest).
/// Inline, `code` and **strong** are set in bold.
fn markdown(text: &str) -> Roff {
    let mut roff = Roff::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with("```") {
            roff.control("PP", [])
                .control("nf", [])
                .control("RS", ["4"]);
            for code in lines.by_ref().take_while(|l| !l.starts_with("```")) {
                roff.text([roman(code)]);
            }
            roff.control("RE", []).control("fi", []);
        } else if let Some(title) = line.strip_prefix("### ") {
            roff.control("SS", [title]);
        } else if line.starts_with("| ") {
            // The header row and the delimiter row say nothing a reader of the page needs.
            lines.next();
            while let Some(row) = lines.next_if(|l| l.starts_with("| ")) {
                let cells: Vec<&str> = row
                    .trim_matches(|c| c == '|' || c == ' ')
                    .split(" | ")
                    .collect();
                roff.control("TP", []).text(inline(cells[0]));
                roff.text(inline(&cells[1..].join(" \u{2014} ")));
            }
        } else if let Some(first) = line.strip_prefix("- ") {
            let mut item = first.to_string();
            while let Some(more) = lines.next_if(|l| l.starts_with("  ")) {
                item.push(' ');
                item.push_str(more.trim());
            }
            roff.control("IP", ["\\(bu", "2"]).text(inline(&item));
        } else {
            let mut paragraph = line.to_string();
            while let Some(more) = lines
                .next_if(|l| !l.trim().is_empty() && !l.starts_with("```") && !l.starts_with("- "))
            {
                paragraph.push(' ');
                paragraph.push_str(more.trim());
            }
            roff.control("PP", []).text(inline(&paragraph));
        }
    }
    roff
}

/// Inline markdown: text in `backticks` or **stars** bold, the rest roman.
fn inline(text: &str) -> Vec<roff::Inline> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let tick = rest.find('`');
        let stars = rest.find("**");
        let (at, mark) = match (tick, stars) {
            (Some(t), Some(s)) if s < t => (s, "**"),
            (Some(t), _) => (t, "`"),
            (None, Some(s)) => (s, "**"),
            (None, None) => break,
        };
        let after = &rest[at + mark.len()..];
        let Some(end) = after.find(mark) else { break };
        if at > 0 {
            out.push(roman(&rest[..at]));
        }
        // Code inside strong text (**`--allow RULE`**) is bold already.
        out.push(bold(after[..end].replace('`', "")));
        rest = &after[end + mark.len()..];
    }
    if !rest.is_empty() {
        out.push(roman(rest));
    }
    out
}

#[allow(dead_code)] // tests/generated.rs includes this file for render_all alone
fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (path, content) in render_all() {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().expect("generated files sit in a folder"))?;
        std::fs::write(&path, content)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
