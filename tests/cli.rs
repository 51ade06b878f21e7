//! The command line as a user meets it: exit codes, messages, order, secrets, pipes.

mod common;
use common::*;

use std::process::Command;

#[test]
fn missing_path_fails_but_the_others_go_through() {
    let (turns, stderr, code) =
        inspect(&["no/such/file.sse", "fixtures/raw/openai-chat-stream.sse"]);
    assert_eq!(code, 1);
    assert_eq!(turns.len(), 1, "the good file still yields its turn");
    assert!(
        stderr.contains("no/such/file.sse: no such file or directory"),
        "{stderr}"
    );
}

#[test]
fn garbage_named_on_the_command_line_fails_with_its_name() {
    let (turns, stderr, code) = inspect(&["tests/data/garbage.bin"]);
    assert_eq!(code, 1);
    assert!(turns.is_empty());
    assert!(
        stderr.contains("tests/data/garbage.bin: not a capture"),
        "{stderr}"
    );
}

#[test]
fn empty_file_fails_with_its_name() {
    let dir = scratch("empty");
    let empty = dir.join("empty.sse");
    std::fs::write(&empty, "").unwrap();
    let (_, stderr, code) = inspect(&[empty.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stderr.contains("empty.sse: the file is empty"), "{stderr}");
}

#[test]
fn non_llm_json_is_skipped_not_failed() {
    let (turns, stderr, code) = inspect(&["tests/data/models-list.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(turns.is_empty());
    assert!(stderr.contains("models-list.json: skipped"), "{stderr}");
    let quiet = run(&["inspect", "--quiet", "tests/data/models-list.json"]);
    assert!(quiet.stderr.is_empty());
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(run(&["inspect"]).status.code(), Some(2));
    assert_eq!(
        run(&["inspect", "--format", "yaml", "x"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["inspect", "--threads", "0", "x"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn folders_are_walked_in_sorted_order_with_joined_paths() {
    let (turns, stderr, code) = inspect(&["fixtures/raw/"]);
    assert_eq!(code, 0, "{stderr}");
    let paths: Vec<&str> = turns
        .iter()
        .map(|t| t["source"]["path"].as_str().unwrap())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert!(
        paths.contains(&"fixtures/raw/anthropic-crlf.sse"),
        "{paths:?}"
    );
}

#[test]
fn output_is_the_same_on_one_thread_and_many() {
    let one = run(&["inspect", "--threads", "1", "fixtures"]);
    let many = run(&["inspect", "--threads", "4", "fixtures"]);
    assert_eq!(one.status.code(), Some(0));
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, many.stdout);
}

#[test]
fn header_values_never_reach_any_output() {
    let out = run(&["inspect", "tests/data/secret-headers.txtar"]);
    assert_eq!(out.status.code(), Some(0));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    for secret in [
        "SECRETSECRET",
        "ALSOSECRET",
        "COOKIESECRET",
        "SETCOOKIESECRET",
        "ECHOEDSECRET",
    ] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
    let (turns, _, _) = inspect(&["tests/data/secret-headers.txtar"]);
    assert_eq!(turns[0]["api"], "anthropic-messages");
    assert_eq!(turns[0]["error"]["status"], 401);
    assert_eq!(turns[0]["error"]["type"], "authentication_error");
    assert_eq!(turns[0]["prompt"], "hi");
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    // Enough output to overflow the pipe after the reader has gone.
    let dir = scratch("pipe");
    let fixture =
        std::fs::read(root().join("fixtures/openai-responses/reasoning_summary.txtar")).unwrap();
    for i in 0..300 {
        std::fs::write(dir.join(format!("{i:03}.txtar")), &fixture).unwrap();
    }
    let (first, out) = first_line_then_closed(&["inspect", dir.to_str().unwrap()]);
    assert!(first.starts_with('{'));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_pipe_closed_after_a_failed_input_keeps_the_exit_code() {
    // Hostile run 62: `inspect bad good | head` printed the bad input's error, then exited
    // 0 when the pipe closed while it printed the rest.
    let dir = scratch("pipe-after-failure");
    std::fs::write(dir.join("000.sse"), "").unwrap();
    let fixture =
        std::fs::read(root().join("fixtures/openai-responses/reasoning_summary.txtar")).unwrap();
    for i in 1..300 {
        std::fs::write(dir.join(format!("{i:03}.txtar")), &fixture).unwrap();
    }
    for command in ["inspect", "summary", "validate"] {
        let (_, out) =
            first_line_then_closed(&[command, "--format", "json", dir.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {stderr}");
    }
}

/// Hostile run 46 D1: `No space left on device` alone did not say which file was full.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_said_to_be_standard_outputs() {
    let bin = env!("CARGO_BIN_EXE_aibridge-trace");
    for command in ["inspect", "summary", "validate"] {
        let full = std::fs::File::create("/dev/full").unwrap();
        let out = Command::new(bin)
            .args([command, "--quiet", "fixtures/anthropic-messages/"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{command}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "aibridge-trace: {command} stopped: could not write to standard output: No \
                 space left on device (os error 28)\n"
            )
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn help_and_version_that_cannot_be_written_fail() {
    let bin = env!("CARGO_BIN_EXE_aibridge-trace");
    for args in [
        &["--help"][..],
        &["-h"],
        &["--version"],
        &["inspect", "--help"],
        &["help", "validate"],
    ] {
        let full = std::fs::File::create("/dev/full").unwrap();
        let out = Command::new(bin).args(args).stdout(full).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        let what = match args[0] {
            "--version" => "the version",
            _ => "the help",
        };
        assert_eq!(
            stderr,
            format!(
                "aibridge-trace: could not write {what}: No space left on device (os error 28)\n"
            ),
            "{args:?}"
        );
        // A reader gone before the help is written is a closed pipe: a quiet success.
        let out = Command::new("sh")
            .arg("-c")
            .arg("{ sleep 0.3; \"$0\" \"$@\"; echo \"exit $?\" >&2; } | true")
            .arg(bin)
            .args(args)
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stderr), "exit 0\n", "{args:?}");
    }
}
