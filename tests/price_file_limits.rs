//! `--prices PATH` gets the checks an input gets (issue 13, hostile finding F6): a device
//! was read without end (2 GB of `/dev/zero`) and a named pipe waited forever for a
//! writer. Each is now a usage error naming the path, said at once.

mod common;
use common::*;

/// Runs `command --prices path` on a fixture, failing the test (instead of hanging it)
/// when it takes over 20 s: stderr and the exit code.
fn with_prices(command: &str, path: &str) -> (String, i32) {
    let (_, stderr, code) = run_within(&[
        command,
        "--prices",
        path,
        "fixtures/raw/anthropic-message.json",
    ]);
    (stderr, code)
}

#[cfg(unix)]
#[test]
fn a_price_file_that_is_a_device_a_pipe_or_a_folder_is_refused_unread() {
    let dir = scratch("not-regular");
    let fifo = dir.join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let link = dir.join("zero-link");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    for (path, says) in [
        (
            "/dev/zero",
            "a character device, not a regular file: not read",
        ),
        (
            link.to_str().unwrap(),
            "a character device, not a regular file: not read",
        ),
        (
            fifo.to_str().unwrap(),
            "a named pipe (FIFO), not a regular file: not read",
        ),
        (dir.to_str().unwrap(), "a folder, not a price table file"),
    ] {
        for command in ["inspect", "summary"] {
            let (stderr, code) = with_prices(command, path);
            assert_eq!(code, 2, "{command} {path}: {stderr}");
            assert_eq!(
                stderr.trim_end(),
                format!("aibridge-trace: --prices {path}: {says}"),
                "{command}"
            );
        }
    }
}

#[test]
fn a_price_file_past_64_mib_is_refused_unread() {
    let dir = scratch("too-big");
    let big = dir.join("prices.json");
    // Sparse: one byte past the limit costs no disk.
    std::fs::File::create(&big)
        .unwrap()
        .set_len((64 << 20) + 1)
        .unwrap();
    let path = big.to_str().unwrap();
    let (stderr, code) = with_prices("inspect", path);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "aibridge-trace: --prices {path}: more than 64 MiB, too big for a price table: \
             not read"
        )
    );
}
