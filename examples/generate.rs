//! Writes the shell completions (`completions/`) and man pages (`man/`) from the clap
//! definitions: `cargo run --example generate`. `tests/generated.rs` fails when the
//! committed files differ from what this would write.

use std::path::{Path, PathBuf};

use aibridge_trace::cli::Cli;
use clap::CommandFactory;
use clap_complete::Shell;

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
    files.push((
        Path::new("man").join(format!("{name}.1")),
        man_page(command.clone()),
    ));
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        // clap names are `&'static str` without its `string` feature; a generator that runs
        // once can afford to leak a few bytes rather than pull the feature into the binary.
        let full: &'static str = String::leak(format!("{name}-{}", sub.get_name()));
        let page = man_page(sub.clone().name(full).bin_name(full));
        files.push((Path::new("man").join(format!("{full}.1")), page));
    }
    files
}

fn man_page(command: clap::Command) -> Vec<u8> {
    let mut content = Vec::new();
    clap_mangen::Man::new(command)
        .render(&mut content)
        .expect("rendering to memory does not fail");
    content
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
