//! Writes a benchmark corpus of realistic event streams of the three APIs:
//!
//! ```sh
//! cargo run --release --example gen-corpus -- /tmp/corpus --size 1GiB [--seed 1]
//! ```
//!
//! Files go to `OUT/<api>/<nnnnnn>.sse` (`anthropic-messages`, `openai-chat`,
//! `openai-responses`), about a third of the bytes each, until `--size` (bytes, or with a
//! `KiB`/`MiB`/`GiB` suffix) is reached. The same seed gives the same files. The generator
//! itself is `benches/corpus/mod.rs`, shared with `benches/pipeline.rs`.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use corpus::{Api, Generator};

const USAGE: &str = "usage: gen-corpus OUT --size SIZE[KiB|MiB|GiB] [--seed N]";

/// `1GiB`, `512MiB`, `64KiB`, `1000` (bytes); `K`, `M`, `G`, `KB`, `MB`, `GB` are read as
/// binary units too.
fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size"))?;
    let scale: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => return Err(format!("unknown size unit {other:?}")),
    };
    Ok((number * scale as f64) as u64)
}

struct Args {
    out: PathBuf,
    size: u64,
    seed: u64,
}

fn args() -> Result<Args, String> {
    let mut out = None;
    let mut size = None;
    let mut seed = 1;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--size" => size = Some(parse_size(&it.next().ok_or(USAGE)?)?),
            "--seed" => {
                seed = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--seed takes a number")?
            }
            "-h" | "--help" => return Err(USAGE.to_string()),
            _ if out.is_none() && !arg.starts_with('-') => out = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument {arg:?}\n{USAGE}")),
        }
    }
    Ok(Args {
        out: out.ok_or(USAGE)?,
        size: size.ok_or(USAGE)?,
        seed,
    })
}

fn main() -> ExitCode {
    let args = match args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match generate(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("gen-corpus: {}: {err}", args.out.display());
            ExitCode::FAILURE
        }
    }
}

fn generate(args: &Args) -> io::Result<()> {
    for api in Api::ALL {
        fs::create_dir_all(args.out.join(api.dir()))?;
    }
    // One generator per API, so each API's files stay the same whatever the total size.
    let mut generators: Vec<Generator> = (0..Api::ALL.len() as u64)
        .map(|i| Generator::new(args.seed.wrapping_mul(31).wrapping_add(i)))
        .collect();
    let mut bytes = [0u64; 3];
    let mut files = [0usize; 3];
    while bytes.iter().sum::<u64>() < args.size {
        // The API with the fewest bytes so far goes next: about a third of the bytes each.
        let i = (0..3).min_by_key(|&i| bytes[i]).unwrap_or(0);
        let api = Api::ALL[i];
        let body = generators[i].body(api);
        let path = args
            .out
            .join(api.dir())
            .join(format!("{:06}.sse", files[i]));
        fs::write(path, &body)?;
        bytes[i] += body.len() as u64;
        files[i] += 1;
    }
    let mut err = io::stderr().lock();
    for (i, api) in Api::ALL.iter().enumerate() {
        writeln!(
            err,
            "{:<20} {:>7} files {:>10.1} MiB",
            api.dir(),
            files[i],
            bytes[i] as f64 / (1 << 20) as f64
        )?;
    }
    writeln!(
        err,
        "{:<20} {:>7} files {:>10.1} MiB in {}",
        "total",
        files.iter().sum::<usize>(),
        bytes.iter().sum::<u64>() as f64 / (1 << 20) as f64,
        args.out.display()
    )
}
