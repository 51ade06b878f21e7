//! The `aibridge-trace` binary: parse the command line, run, map the outcome to an exit code.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use aibridge_trace::cli::Cli;
use aibridge_trace::config::Config;
use aibridge_trace::run::{self, Status};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_cli(cli) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("aibridge-trace: {err:#}");
            return ExitCode::from(2);
        }
    };
    match execute(&config) {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::SomeFailed) => ExitCode::from(1),
        // A closed pipe (`| head`) is the reader saying it has enough: not an error.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("aibridge-trace: {err}");
            ExitCode::from(1)
        }
    }
}

fn execute(config: &Config) -> io::Result<Status> {
    match config {
        Config::Inspect(inspect) => {
            if inspect.threads > 0 {
                // Only fails if a pool was already built, which nothing here does.
                let _ = rayon::ThreadPoolBuilder::new()
                    .num_threads(inspect.threads)
                    .build_global();
            }
            let stdout = io::stdout();
            let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
            let stderr = io::stderr();
            let mut err = stderr.lock();
            let status = run::inspect(inspect, &mut out, &mut err)?;
            out.flush()?;
            Ok(status)
        }
    }
}
