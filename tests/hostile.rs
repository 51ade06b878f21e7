//! Hostile input through the binary: what an adversarial run found (issue 13), each case
//! failing alone with one clear line naming the file, never a panic, a hang or an unbounded
//! read, while the other files still go through.

mod common;
use common::*;

fn str_of(path: &std::path::Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn two_boms_before_a_stream_neither_panic_nor_stop_the_run() {
    let dir = scratch("boms");
    let file = dir.join("x.http");
    std::fs::write(
        &file,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n\xef\xbb\xbf\xef\xbb\xbf\
          event: message_start\n\
          data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\"}}\n\n",
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file), "fixtures/raw/anthropic-message.json"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 2);
    assert_eq!(turns[0]["id"], "m");
    assert_eq!(turns[0]["model"], "x");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_har_starting_with_a_bom_reads_as_without() {
    let dir = scratch("har-bom");
    let file = dir.join("bom.har");
    let mut data = b"\xef\xbb\xbf".to_vec();
    data.extend(std::fs::read(root().join("fixtures/har/browser.har")).unwrap());
    std::fs::write(&file, data).unwrap();
    let (plain, _, _) = inspect(&["fixtures/har/browser.har"]);
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!plain.is_empty());
    assert_eq!(turns.len(), plain.len());
    assert_eq!(turns[0]["id"], plain[0]["id"]);
}

#[test]
fn repeated_boms_before_a_whole_file_read_as_one() {
    let dir = scratch("repeated-boms");
    for fixture in [
        "fixtures/raw/anthropic-stream.http",
        "fixtures/raw/anthropic-message.json",
        "fixtures/raw/openai-chat-stream.sse",
        "fixtures/har/browser.har",
        "fixtures/claude-trace/log-2025-10-01-06-26-40.jsonl",
        "fixtures/anthropic-messages/simple.txtar",
        "fixtures/cassettes/anthropic-tool-loop.yaml",
    ] {
        let name = std::path::Path::new(fixture).file_name().unwrap();
        let file = dir.join(name);
        let mut data = b"\xef\xbb\xbf\xef\xbb\xbf\xef\xbb\xbf".to_vec();
        data.extend(std::fs::read(root().join(fixture)).unwrap());
        std::fs::write(&file, data).unwrap();
        let (plain, _, _) = inspect(&[fixture]);
        let (turns, stderr, code) = inspect(&[str_of(&file)]);
        assert_eq!(code, 0, "{fixture}: {stderr}");
        assert!(!plain.is_empty(), "{fixture}");
        assert_eq!(turns.len(), plain.len(), "{fixture}: {stderr}");
        for (turn, want) in turns.iter().zip(&plain) {
            assert_eq!(turn["id"], want["id"], "{fixture}");
            assert_eq!(turn["warnings"], want["warnings"], "{fixture}");
        }
        let (stdout, _, code) = run_within(&["validate", str_of(&file)]);
        let (want, _, _) = run_within(&["validate", fixture]);
        assert_eq!(code, 0, "{fixture}: {stdout}");
        assert_eq!(
            stdout.lines().last(),
            want.lines().last(),
            "{fixture}: {stdout}"
        );
    }
}

#[test]
fn a_claude_trace_line_with_a_lone_surrogate_keeps_its_entry() {
    // JSON.stringify escapes half of a surrogate pair on its own: here one in a parsed
    // body, and one in the raw text of a stream (an emoji cut in two).
    let fixture = "fixtures/claude-trace/log-2025-10-01-06-26-40.jsonl";
    let log = std::fs::read_to_string(root().join(fixture)).unwrap();
    let log = log
        .replacen("Fix Flaky Test", r"Fix Flaky Test \udc00", 1)
        .replacen("temp dir.", r"temp dir. \ud83d", 1);
    let dir = scratch("lone-surrogate");
    let file = dir.join("log.jsonl");
    std::fs::write(&file, log).unwrap();
    let (plain, _, _) = inspect(&[fixture]);
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), plain.len());
    assert_eq!(turns[0]["text"], "Fix Flaky Test \u{fffd}");
    assert_eq!(
        turns[2]["text"],
        "The test passes on its own; it races on a shared temp dir. \u{fffd}"
    );
    for (turn, first) in [(&turns[0], r"\udc00"), (&turns[2], r"\ud83d")] {
        assert_eq!(
            turn["warnings"],
            serde_json::json!([format!(
                "the log line holds a lone UTF-16 surrogate escape ({first}): half a \
                 character, which JSON readers refuse; read as U+FFFD"
            )])
        );
    }
    for key in ["id", "thoughts", "usage", "warnings"] {
        assert_eq!(turns[1][key], plain[1][key], "{key}");
    }
    let (stdout, _, code) = run_within(&["validate", str_of(&file)]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn a_terminal_event_too_big_to_read_is_not_called_missing() {
    let dir = scratch("big-terminal");
    let created = r#"{"type":"response.created","sequence_number":0,"response":{"id":"r","model":"gpt-x","status":"in_progress","output":[]}}"#;
    // 300,000 values: past the 250,000 an object inside an event may build.
    let completed = format!(
        r#"{{"type":"response.completed","sequence_number":1,"response":{{"id":"r","model":"gpt-x","status":"completed","output":[],"metadata":{{"x":[{}0]}}}}}}"#,
        "0,".repeat(299_999)
    );
    for (name, named) in [("named.http", true), ("unnamed.http", false)] {
        let event = |kind: &str, data: &str| match named {
            true => format!("event: {kind}\ndata: {data}\n\n"),
            false => format!("data: {data}\n\n"),
        };
        let file = dir.join(name);
        std::fs::write(
            &file,
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n{}{}",
                event("response.created", created),
                event("response.completed", &completed)
            ),
        )
        .unwrap();
        let (stdout, _, code) = run_within(&["validate", str_of(&file)]);
        assert_eq!(code, 1, "{stdout}");
        let line = if named { 7 } else { 6 };
        assert!(
            stdout.contains(&format!(
                "{name}:{line}: error[parse-event-json]: the stream's terminal event, \
                 response.completed, is here, but its data holds too many JSON values to read: \
                 more than 250000"
            )),
            "{stdout}"
        );
        assert!(!stdout.contains("ends without"), "{stdout}");
        assert!(!stdout.contains("stream-truncated"), "{stdout}");
        let (turns, stderr, code) = inspect(&[str_of(&file)]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(turns[0]["complete"], true);
        assert_eq!(turns[0]["stop_reason"], "completed");
        let warnings = turns[0]["warnings"].to_string();
        assert!(
            warnings.contains("event data is too big to read"),
            "{warnings}"
        );
        assert!(!warnings.contains("without its final event"), "{warnings}");
    }
}

#[test]
fn long_names_from_captures_are_clipped_in_messages() {
    let dir = scratch("long-names");
    // Within the 4,096 characters a name may have to be quoted at all (past them, `…`).
    let long = "x".repeat(4_000);
    let clipped = format!("{}…", "x".repeat(80));
    // An unknown section name, and an unknown event type and content block type.
    let stream =
        std::fs::read_to_string(root().join("tests/data/validate/good/anthropic-stream.sse"))
            .unwrap();
    std::fs::write(
        dir.join("names.txtar"),
        format!(
            "comment\n-- {long} --\n{{}}\n-- streaming --\nevent: {long}\ndata: {{\"type\":\"{long}\"}}\n\n{stream}"
        ),
    )
    .unwrap();
    let file = dir.join("names.txtar");
    for command in [
        &["inspect", "-f", "jsonl"][..],
        &["inspect", "-f", "table"],
        &["validate"],
        &["validate", "-f", "json"],
        &["summary"],
    ] {
        let mut args = command.to_vec();
        args.push(str_of(&file));
        let (stdout, stderr, _) = run_within(&args);
        // Messages: stderr, and validate's report (a turn's JSON is as long as it is).
        let report = match command[0] {
            "validate" => &stdout[..],
            _ => "",
        };
        for line in report.lines().chain(stderr.lines()) {
            assert!(line.len() < 1000, "{command:?}: {}…", &line[..200]);
        }
        let all = format!("{stdout}{stderr}");
        assert!(all.contains(&clipped), "{command:?}: {all}");
    }
    let (stdout, _, _) = run_within(&["validate", str_of(&file)]);
    for want in [
        format!("warning[txtar-unknown-section]: unknown section name \"{clipped}\""),
        format!("warning[stream-unknown-event]: unknown event type \"{clipped}\""),
    ] {
        assert!(stdout.contains(&want), "{want}: {stdout}");
    }
    let (turns, stderr, _) = inspect(&[str_of(&file)]);
    assert!(
        stderr.contains(&format!("names.txtar [{clipped}]: skipped")),
        "{stderr}"
    );
    // The turn still names its section whole: that is data, not a message.
    assert_eq!(turns.len(), 1, "{stderr}");
    assert_eq!(
        turns[0]["warnings"][0],
        format!("unknown event type \"{clipped}\"")
    );
}

#[test]
fn a_har_entry_nested_too_deep_costs_only_that_entry() {
    let dir = scratch("har-deep");
    let file = dir.join("deep.har");
    let har: serde_json::Value =
        serde_json::from_slice(&std::fs::read(root().join("fixtures/har/browser.har")).unwrap())
            .unwrap();
    let mut entries: Vec<String> = har["log"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.to_string())
        .collect();
    let depth = 5000;
    entries.insert(0, format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
    let data = format!("{{\"log\": {{\"entries\": [{}]}}}}", entries.join(","));
    std::fs::write(&file, data).unwrap();
    let (plain, _, _) = inspect(&["fixtures/har/browser.har"]);
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(turns.len(), plain.len());
    assert_eq!(turns[0]["id"], plain[0]["id"]);
    assert_eq!(
        turns[0]["source"]["entry"],
        plain[0]["source"]["entry"].as_u64().unwrap() + 1
    );
    assert!(
        stderr.contains("entry 0 was not read: its JSON nests deeper than 100 levels"),
        "{stderr}"
    );
}

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn nested_compression_shares_one_bound_per_input() {
    // A gzip file whose txtar holds 40 MiB of comment and a section whose body is gzip of
    // 40 MiB more: each layer alone is within the 64 MiB every input may inflate to; the
    // file's layers together are not.
    let body = gzip(&vec![b' '; 40 << 20]);
    let mut txtar = vec![b'#'; 40 << 20];
    txtar.extend_from_slice(
        b"\n-- non-streaming --\nHTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n",
    );
    txtar.extend_from_slice(&body);
    let dir = scratch("nested-bomb");
    let file = dir.join("bomb.txtar.gz");
    std::fs::write(&file, gzip(&txtar)).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file), "fixtures/raw/anthropic-message.json"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(turns.len(), 1, "the other file still goes through");
    assert!(
        stderr.contains("bomb.txtar.gz")
            && stderr.contains("inflates more than 100 times")
            && stderr.contains("a decompression bomb, not read"),
        "{stderr}"
    );
}

#[test]
fn many_real_coding_layers_are_too_many_not_a_bomb() {
    let dir = scratch("coding-layers");
    let stream = std::fs::read(root().join("fixtures/raw/openai-chat-stream.sse")).unwrap();
    let layered = |n: usize| {
        let mut body = stream.clone();
        for _ in 0..n {
            body = gzip(&body);
        }
        let mut file = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: {}\r\n\r\n",
            vec!["gzip"; n].join(", ")
        )
        .into_bytes();
        file.extend(body);
        file
    };
    // Sixteen layers, the most undone, read as one.
    let file = dir.join("sixteen.http");
    std::fs::write(&file, layered(16)).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((turns.len(), code), (1, 0), "{stderr}");
    let file = dir.join("many.http");
    std::fs::write(&file, layered(500)).unwrap();
    let said = "the body's headers list 500 codings, more than the 16 this tool undoes \
                one after another: not read";
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((turns.len(), code), (0, 1), "{stderr}");
    assert!(stderr.contains(&format!("many.http: {said}")), "{stderr}");
    assert!(!stderr.contains("bomb"), "{stderr}");
    let (stdout, _, code) = run_within(&["validate", str_of(&file)]);
    assert_eq!(code, 1);
    assert!(
        stdout.contains(&format!("many.http: error[parse-capture]: {said}")),
        "{stdout}"
    );
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

#[cfg(unix)]
#[test]
fn devices_and_pipes_named_on_the_command_line_fail_at_once() {
    let dir = scratch("devices");
    let fifo = dir.join("pipe");
    mkfifo(&fifo);
    let link = dir.join("zero-link");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let good = "fixtures/raw/anthropic-message.json";
    for (path, kind) in [
        ("/dev/zero", "a character device"),
        ("/dev/urandom", "a character device"),
        (str_of(&link), "a character device"),
        (str_of(&fifo), "a named pipe (FIFO)"),
    ] {
        for command in ["inspect", "validate"] {
            let (stdout, stderr, code) = run_within(&[command, path, good]);
            assert_eq!(code, 1, "{command} {path}: {stderr}");
            assert!(
                stderr.contains(&format!(
                    "{path}: {kind}, not a regular file: not read (a stream can come in on \
                     stdin, as `-`)"
                )),
                "{command} {path}: {stderr}"
            );
            if command == "inspect" {
                assert!(stdout.contains("msg_"), "the other file is read: {stdout}");
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn a_pipe_found_in_a_folder_is_skipped_with_a_note() {
    let dir = scratch("pipe-in-folder");
    mkfifo(&dir.join("b-pipe"));
    std::fs::copy(
        root().join("fixtures/raw/anthropic-message.json"),
        dir.join("a.json"),
    )
    .unwrap();
    let (stdout, stderr, code) = run_within(&["inspect", "--format", "jsonl", str_of(&dir)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1);
    let shown = dir.join("b-pipe");
    assert!(
        stderr.contains(&format!(
            "{}: skipped: a named pipe (FIFO), not a regular file",
            shown.display()
        )),
        "{stderr}"
    );
    let (_, stderr, code) = run_within(&["validate", str_of(&dir)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("skipped: a named pipe (FIFO)"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_dump_half_named_beside_an_other_half_that_cannot_be_read_fails_the_pair() {
    // Hostile run 62 D4: the named half was read alone ("a request, with no response", or
    // a turn with no request) and `validate` passed.
    let stem = "fixtures/dumps/anthropic/claude-sonnet-4-5/1746180000123-2b7e4c1a-93d5-4f0e-8a61-0c3b5d9e7f21";
    for (named, other) in [(".req.txt", ".resp.txt"), (".resp.txt", ".req.txt")] {
        for kind in ["pipe", "dangling", "folder", "zero"] {
            let dir = scratch(&format!("unreadable-half{named}-{kind}"));
            let folder = dir.join("anthropic/claude-sonnet-4-5");
            std::fs::create_dir_all(&folder).unwrap();
            let name = stem.rsplit('/').next().unwrap();
            let path = folder.join(format!("{name}{named}"));
            std::fs::copy(root().join(format!("{stem}{named}")), &path).unwrap();
            let half = folder.join(format!("{name}{other}"));
            let said = match kind {
                "pipe" => {
                    mkfifo(&half);
                    "a named pipe (FIFO), not a regular file"
                }
                "dangling" => {
                    std::os::unix::fs::symlink(dir.join("nothing"), &half).unwrap();
                    "no such file or directory"
                }
                "folder" => {
                    std::fs::create_dir(&half).unwrap();
                    "a folder, not a regular file"
                }
                _ => {
                    std::os::unix::fs::symlink("/dev/zero", &half).unwrap();
                    "a character device, not a regular file"
                }
            };
            let expected = format!(
                "{}: {said}: not read, nor the other half of its dump pair",
                half.display()
            );
            for command in ["inspect", "validate"] {
                let (stdout, stderr, code) = run_within(&[command, str_of(&path)]);
                assert_eq!(code, 1, "{command} {named} {kind}: {stderr}");
                assert!(
                    stderr.contains(&expected),
                    "{command} {named} {kind}: {stderr}"
                );
                assert!(
                    !stdout.contains("msg_"),
                    "{command} {named} {kind}: {stdout}"
                );
            }
        }
    }
}

#[test]
fn a_folder_with_nothing_to_read_fails_with_a_note() {
    let empty = scratch("empty");
    let hidden = scratch("hidden-only");
    std::fs::copy(
        root().join("fixtures/raw/anthropic-message.json"),
        hidden.join(".a.json"),
    )
    .unwrap();
    let why = "no file to read in this folder: it is empty, or every file in it is hidden \
               (read with --hidden) or left out by --glob or --exclude";
    for dir in [&empty, &hidden] {
        for command in ["inspect", "summary", "validate"] {
            let (_, stderr, code) = run_within(&[command, str_of(dir)]);
            assert_eq!(code, 1, "{command}: {stderr}");
            assert!(
                stderr.contains(&format!("{}: {why}", dir.display())),
                "{command}: {stderr}"
            );
        }
    }
    let (stdout, stderr, code) =
        run_within(&["inspect", "--format", "jsonl", "--hidden", str_of(&hidden)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1);
}

#[test]
fn a_closed_stdout_is_an_error_and_dev_null_is_not() {
    let bin = env!("CARGO_BIN_EXE_aibridge-trace");
    let run = |redirect: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "exec \"$0\" inspect -f jsonl fixtures/anthropic-messages {redirect}"
            ))
            .arg(bin)
            .current_dir(root())
            .output()
            .unwrap()
    };
    let closed = run(">&-");
    let stderr = String::from_utf8_lossy(&closed.stderr);
    assert_eq!(closed.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("standard output is closed"), "{stderr}");
    let discarded = run(">/dev/null");
    assert_eq!(discarded.status.code(), Some(0));
}

#[cfg(target_os = "linux")]
#[test]
fn a_closed_stdin_is_said_to_be_closed_not_empty() {
    let bin = env!("CARGO_BIN_EXE_aibridge-trace");
    let run = |command: &str, redirect: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!(
                "exec \"$0\" {command} - fixtures/raw/anthropic-message.json {redirect}"
            ))
            .arg(bin)
            .current_dir(root())
            .output()
            .unwrap()
    };
    for command in ["inspect -f jsonl", "summary", "validate"] {
        let closed = run(command, "<&-");
        let stderr = String::from_utf8_lossy(&closed.stderr);
        assert_eq!(closed.status.code(), Some(1), "{command}: {stderr}");
        assert!(
            stderr.contains("<stdin>: standard input is closed (`<&-`?): there is nothing to read"),
            "{command}: {stderr}"
        );
        assert!(!stderr.contains("empty"), "{command}: {stderr}");
        if command.starts_with("inspect") {
            let stdout = String::from_utf8_lossy(&closed.stdout);
            assert_eq!(
                stdout.lines().count(),
                1,
                "the other file is read: {stdout}"
            );
        }
        // An empty stdin is another matter: it is read, and is empty.
        let empty = run(command, "</dev/null");
        let said = [empty.stdout, empty.stderr].concat();
        let said = String::from_utf8_lossy(&said);
        assert!(said.contains("<stdin>: "), "{command}: {said}");
        assert!(said.contains("the file is empty"), "{command}: {said}");
    }
}

#[test]
fn a_bedrock_stream_with_a_flipped_first_frame_fails_validate() {
    let dir = scratch("bedrock-flip");
    let good = std::fs::read(root().join("fixtures/bedrock/throttled-mid-stream.bin")).unwrap();
    // One bit in the first frame's payload: its message CRC no longer matches.
    let mut flipped = good.clone();
    flipped[40] ^= 0x04;
    let file = dir.join("flipped.bin");
    std::fs::write(&file, flipped).unwrap();
    let out = run(&["validate", str_of(&file)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("an AWS event stream whose first frame, at byte 0, is unreadable"),
        "{stdout}"
    );
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((turns.len(), code), (0, 1), "{stderr}");
    assert!(
        stderr.contains("flipped.bin: an AWS event stream"),
        "{stderr}"
    );
}

#[test]
fn a_cassette_with_anchors_before_its_interactions_is_read() {
    let dir = scratch("cassette-anchors");
    let file = dir.join("anchored.yaml");
    let original =
        std::fs::read_to_string(root().join("fixtures/cassettes/anthropic-tool-loop.yaml"))
            .unwrap();
    std::fs::write(
        &file,
        format!("\u{feff}\u{feff}defaults: &d {{method: POST}}\n{original}"),
    )
    .unwrap();
    let (plain, _, _) = inspect(&["fixtures/cassettes/anthropic-tool-loop.yaml"]);
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), plain.len());
    assert_eq!(turns[0]["id"], plain[0]["id"]);
}

#[test]
fn names_on_stderr_cannot_forge_a_line_or_reach_the_terminal_raw() {
    let dir = scratch("forged-names");
    // A file name holding a line break and a GitHub workflow command, and a txtar whose
    // section name holds an escape sequence. (Named `.txt`: a walk passes over it with a
    // note on stderr; named as a capture, it would be a failure reported on stdout.)
    let forged = dir.join("x\n::error file=README.md,line=1::forged\n.txt");
    std::fs::write(&forged, "not a capture\n").unwrap();
    std::fs::write(dir.join("y.txtar"), "x\n-- req\x1b[31muest --\n{}\n").unwrap();
    for command in ["inspect", "validate"] {
        let out = run(&[command, str_of(&dir)]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr
                .lines()
                .all(|line| line.starts_with("aibridge-trace: ")),
            "{command}: {stderr}"
        );
        assert!(
            stderr.contains("x\\n::error file=README.md"),
            "{command}: {stderr}"
        );
        assert!(!stderr.contains('\x1b'), "{command}: {stderr}");
    }
}

#[test]
fn a_txtar_of_too_many_sections_fails_alone_at_once() {
    let dir = scratch("many-sections");
    let file = dir.join("many.txtar");
    // The 10,001st section starts at line 10,002 (one comment line, one marker a section).
    let sections: String = (0..200_000).map(|i| format!("-- s{i} --\n")).collect();
    std::fs::write(&file, format!("c\n{sections}")).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file), "fixtures/raw/anthropic-message.json"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(turns.len(), 1);
    assert!(
        stderr.contains(
            "many.txtar: a txtar file of more than 10,000 sections (section 10,001 starts at \
             line 10002); this tool reads at most 10,000, a fixture has a handful"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let out = run(&["validate", str_of(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains("more than 10,000 sections"), "{report}");
}

#[test]
fn sections_that_give_no_turn_are_named_twenty_times_then_counted() {
    let dir = scratch("skipped-sections");
    let file = dir.join("errors.txtar");
    let sections = "-- non-streaming --\nHTTP/1.1 500 Internal Server Error\r\n\r\n".repeat(100);
    std::fs::write(&file, format!("c\n{sections}")).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((turns.len(), code), (0, 0), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 21, "{stderr}");
    // The status is said, not lost as "an empty response".
    assert!(
        lines[0].ends_with(
            "errors.txtar [non-streaming]: skipped: an HTTP 500 error, with no request or API \
             path to tell whose"
        ),
        "{stderr}"
    );
    assert!(
        lines[20].ends_with(
            "errors.txtar: skipped 80 more sections: an HTTP 500 error, with no request or \
             API path to tell whose"
        ),
        "{stderr}"
    );
}

#[test]
fn credentials_in_section_names_and_error_types_reach_no_output() {
    let dir = scratch("secret-names");
    let file = dir.join("names.txtar");
    let body = "{\"type\":\"message\",\"id\":\"m\",\"model\":\"x\",\"content\":[]}";
    let error = "{\"type\":\"error\",\"error\":{\"type\":\"ZQXT1 Bearer\",\"message\":\"Incorrect API key provided: ZQXK1abc. Authorization=Basic ZQXB1 via user:ZQXU1@proxy.example:8080\"}}";
    std::fs::write(
        &file,
        format!(
            "c\n-- streaming?key=ZQXS1 --\n{body}\n-- Authorization: Bearer ZQXS2 --\nHTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n{error}\n"
        ),
    )
    .unwrap();
    for args in [
        &["inspect", "-f", "jsonl"][..],
        &["inspect", "--view", "transcript"],
        &["summary"],
        &["validate", "-f", "json"],
        &["validate"],
    ] {
        let out = run(&[args, &[str_of(&file)]].concat());
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("ZQX"), "{args:?}: {all}");
    }
}

#[test]
fn tool_names_a_pair_mismatch_quotes_lose_values_a_tab_separates() {
    // Hostile run 12, D4: the names are quoted escaped (`{:?}`), and escaped, a tab between a
    // credential's name and its value would read `\t`: each is cut before it is escaped.
    let dir = scratch("pair-mismatch-secret");
    let file = dir.join("pair.txtar");
    let request = r#"{"model":"claude-sonnet-4-5","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#;
    let start = r#"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}"#;
    let block = r#"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"x-api-key\tZQXsecrethorsebatterystaple","input":{}}}"#;
    let stop = r#"{"type":"content_block_stop","index":0}"#;
    let delta = r#"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":1}}"#;
    let blocking = r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"tool_use","id":"toolu_1","name":"other_tool","input":{}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}}"#;
    std::fs::write(
        &file,
        format!(
            "-- request --\n{request}\n-- streaming --\nevent: message_start\ndata: {start}\n\n\
             event: content_block_start\ndata: {block}\n\nevent: content_block_stop\ndata: {stop}\n\n\
             event: message_delta\ndata: {delta}\n\nevent: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n\
             -- non-streaming --\n{blocking}\n"
        ),
    )
    .unwrap();
    for format in ["text", "json", "junit", "github"] {
        let out = run(&["validate", "-f", format, str_of(&file)]);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("tool names"), "{format}: {all}");
        assert!(!all.contains("ZQX"), "{format}: {all}");
    }
}

#[test]
fn a_model_name_of_megabytes_is_cut_with_a_warning() {
    let dir = scratch("long-model");
    let file = dir.join("model.json");
    let model = "m".repeat(1 << 20);
    std::fs::write(
        &file,
        format!("{{\"type\":\"message\",\"id\":\"x\",\"model\":\"{model}\",\"content\":[]}}"),
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!(code, 0, "{stderr}");
    let kept = turns[0]["model"].as_str().unwrap();
    assert_eq!(kept, format!("{}…", &model[..253]));
    let warnings = turns[0]["warnings"].to_string();
    assert!(
        warnings
            .contains("the model name is 1,048,576 bytes long, no real one is: cut to 256 bytes"),
        "{warnings}"
    );
    // Read back, it is not cut again; a file of turns another tool wrote is cut as a
    // capture is (hostile run 18, D5: 200 turns of a 1 MB model held 424 MB).
    let printed = run(&["inspect", "-f", "jsonl", str_of(&file)]).stdout;
    let printed = String::from_utf8(printed).unwrap();
    let back = dir.join("back.jsonl");
    std::fs::write(&back, &printed).unwrap();
    let (again, _, _) = inspect(&[str_of(&back)]);
    assert_eq!(again[0]["model"], turns[0]["model"]);
    assert_eq!(again[0]["warnings"], turns[0]["warnings"]);
    let written = printed.replacen(kept, &format!("{model}x"), 1);
    std::fs::write(&back, written).unwrap();
    let (cut, _, _) = inspect(&[str_of(&back)]);
    assert_eq!(cut[0]["model"], turns[0]["model"]);
    assert!(
        cut[0]["warnings"]
            .to_string()
            .contains("1,048,577 bytes long")
    );
    // Every view stays narrow: a table, a transcript, a summary.
    for args in [
        &["inspect", "-f", "table", "--wide", "--view", "turns"][..],
        &["inspect", "-f", "markdown", "--view", "turns"],
        &["inspect", "--view", "transcript"],
        &["summary", "--by", "model"],
    ] {
        let out = run(&[args, &[str_of(&file)]].concat());
        let widest = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::len)
            .max()
            .unwrap_or(0);
        assert!(widest < 2_000, "{args:?}: a line of {widest} bytes");
    }
}

#[test]
fn validate_skips_this_tools_own_jsonl_saying_what_it_is() {
    let dir = scratch("own-jsonl");
    let file = dir.join("turns.jsonl");
    let out = run(&[
        "inspect",
        "-f",
        "jsonl",
        "fixtures/raw/anthropic-message.json",
    ]);
    std::fs::write(&file, &out.stdout).unwrap();
    let out = run(&["validate", str_of(&file)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("turns.jsonl: skipped: turns of aibridge-trace's own JSONL, not a capture"),
        "{stderr}"
    );
}

#[test]
fn a_txtar_of_many_sections_prints_its_shared_prompt_whole_only_in_the_first_few() {
    // Every section's turn printed the request's prompt whole: 2,500 sections of a 1 MB
    // prompt printed 2.4 GB of JSONL, and the transcript took 85 s (hostile run 11).
    let prompt = "p".repeat(10_000);
    let answer = r#"{"id":"m","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"#;
    let mut txtar = format!(
        "-- request --\n{{\"model\":\"claude-x\",\"max_tokens\":1,\"messages\":[{{\"role\":\"user\",\"content\":\"{prompt}\"}}]}}\n"
    );
    for _ in 0..20 {
        txtar.push_str(&format!("-- non-streaming --\n{answer}\n"));
    }
    let dir = scratch("shared-prompt");
    let file = dir.join("many.txtar");
    std::fs::write(&file, txtar).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((code, turns.len()), (0, 20), "{stderr}");
    for (i, turn) in turns.iter().enumerate() {
        let printed = turn["prompt"].as_str().unwrap();
        let warned = turn["warnings"]
            .to_string()
            .contains("the prompt (10,000 bytes)");
        match i < 8 {
            true => assert!(printed == prompt && !warned, "turn {i}"),
            false => assert!(printed.len() == 256 && warned, "turn {i}"),
        }
    }
}

#[test]
fn a_txtar_of_many_sections_prints_the_rest_of_its_shared_request_whole_only_in_the_first_few() {
    // As the prompt, its tool results and tools list (hostile run 20: 10 GB of JSONL from
    // 3.8 MB); and each section's call was given the result the next section's request
    // carried, a copy each (2,000 sections of a 1 MB result: 2 GB held). The tool choice
    // is small, whole in every turn.
    let result = "r".repeat(10_000);
    let tools: Vec<String> = (0..100)
        .map(|i| format!(r#"{{"name":"tool_{i:03}","input_schema":{{"type":"object"}}}}"#))
        .collect();
    let request = format!(
        r#"{{"model":"claude-x","max_tokens":1,"messages":[{{"role":"user","content":"hi"}},{{"role":"assistant","content":[{{"type":"tool_use","id":"c0","name":"tool_000","input":{{}}}}]}},{{"role":"user","content":[{{"type":"tool_result","tool_use_id":"c0","content":"{result}"}}]}}],"tools":[{}],"tool_choice":{{"type":"tool","name":"{}"}}}}"#,
        tools.join(","),
        "tool_000",
    );
    let answer = r#"{"id":"m","type":"message","role":"assistant","model":"claude-x","content":[{"type":"tool_use","id":"c0","name":"tool_000","input":{}}],"stop_reason":"tool_use","usage":{"input_tokens":1,"output_tokens":1}}"#;
    let mut txtar = format!("-- request --\n{request}\n");
    for _ in 0..20 {
        txtar.push_str(&format!("-- non-streaming --\n{answer}\n"));
    }
    let dir = scratch("shared-request");
    let file = dir.join("many.txtar");
    std::fs::write(&file, txtar).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((code, turns.len()), (0, 20), "{stderr}");
    for (i, turn) in turns.iter().enumerate() {
        let warnings = turn["warnings"].to_string();
        let said = |what: &str| {
            warnings.contains(&format!(
                "the {what} printed whole in the 8 sections before: cut to 256 bytes"
            ))
        };
        let printed = |value: &serde_json::Value| value.to_string().len();
        let cut = ["tool results (10,004 bytes)", "tools list"];
        if i < 8 {
            assert!(cut.iter().all(|what| !warnings.contains(what)), "turn {i}");
            assert!(turn["tool_results"][0]["content"] == result.as_str());
            assert_eq!(turn["request"]["tools"].as_array().unwrap().len(), 100);
            assert_eq!(turn["request"]["tool_choice"]["type"], "tool");
        } else {
            assert!(cut.iter().all(|what| warnings.contains(what)), "turn {i}");
            assert!(said("tool results (10,004 bytes)"), "{warnings}");
            assert!(printed(&turn["tool_results"]) < 400, "turn {i}");
            assert!(printed(&turn["request"]["tools"]) <= 256, "turn {i}");
        }
        assert_eq!(turn["request"]["tool_choice"]["name"], "tool_000");
        // Section i's call is answered by the request of section i + 1, as it carries it.
        let given = &turn["tool_calls"][0]["result"]["content"];
        match i {
            0..7 => assert!(given == result.as_str(), "turn {i}"),
            19 => assert!(given.is_null()),
            _ => assert!(printed(given) < 300, "turn {i}"),
        }
    }
}

#[test]
fn a_previous_response_id_of_megabytes_is_cut_with_a_warning() {
    // Printed whole with every turn (hostile run 20): it is a name like the others.
    let long = format!("resp_{}", "p".repeat(100_000));
    let created = r#"{"type":"response.created","response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-5","output":[]}}"#;
    let done = r#"{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-5","output":[],"usage":{"input_tokens":1,"output_tokens":1,"total_tokens":2}}}"#;
    let dir = scratch("previous-response-id");
    let file = dir.join("long.txtar");
    std::fs::write(
        &file,
        format!(
            "-- request --\n{{\"model\":\"gpt-5\",\"stream\":true,\"input\":\"hi\",\
             \"previous_response_id\":\"{long}\"}}\n-- streaming --\n\
             event: response.created\ndata: {created}\n\n\
             event: response.completed\ndata: {done}\n\n"
        ),
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((code, turns.len()), (0, 1), "{stderr}");
    let id = turns[0]["request"]["previous_response_id"]
        .as_str()
        .unwrap();
    assert_eq!(id.len(), 256);
    assert!(id.starts_with("resp_ppp") && id.ends_with('…'));
    let warnings = turns[0]["warnings"].to_string();
    assert!(
        warnings.contains("the previous response id is 100,005 bytes long"),
        "{warnings}"
    );
    // Read back, it is not cut again, nor said again.
    let jsonl = dir.join("turns.jsonl");
    std::fs::write(&jsonl, format!("{}\n", turns[0])).unwrap();
    let (again, stderr, code) = inspect(&[str_of(&jsonl)]);
    assert_eq!((code, again.len()), (0, 1), "{stderr}");
    assert_eq!(again[0]["request"], turns[0]["request"]);
    assert_eq!(again[0]["warnings"], turns[0]["warnings"]);
}

#[test]
fn an_error_page_of_megabytes_is_cut_after_its_secrets_go() {
    // A proxy's HTML 502 of a megabyte, a credential near its end: the turn keeps the
    // page's first 4,093 bytes and a `…`, and the credential is gone from the rest too (it is
    // redacted before the cut, and the cut never quotes past it).
    let dir = scratch("error-page");
    let file = dir.join("page.txtar");
    let line = "<p>upstream connect error or disconnect/reset before headers</p>\n";
    let page = format!(
        "<html><body>\n{}<p>api_key=ZQXSECRET</p>\n</body></html>",
        line.repeat((1 << 20) / line.len())
    );
    std::fs::write(
        &file,
        format!(
            "-- request --\n{{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"stream\":true,\
             \"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}\n\
             -- streaming --\nHTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n{page}\n"
        ),
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!(code, 0, "{stderr}");
    let message = turns[0]["error"]["message"].as_str().unwrap();
    assert_eq!(message.len(), 4_096, "4,093 bytes and the `…`");
    assert!(message.starts_with("<html><body>\n<p>upstream connect error"));
    assert!(message.ends_with('…'));
    assert_warning_contains(&turns[0], "the error message is 1,0");
    assert_warning_contains(&turns[0], "bytes long: cut to 4,096 bytes");
    // Read back, the message is whole: no second cut, no second warning.
    let printed = dir.join("page.jsonl");
    std::fs::write(
        &printed,
        run(&["inspect", "-f", "jsonl", str_of(&file)]).stdout,
    )
    .unwrap();
    let (back, stderr, code) = inspect(&[str_of(&printed)]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(back[0]["error"]["message"], turns[0]["error"]["message"]);
    assert_eq!(back[0]["warnings"], turns[0]["warnings"]);
    for args in [
        &["inspect", "--view", "all", "--full", "-f", "markdown"][..],
        &["inspect", "-f", "jsonl"],
        &["validate", "-f", "json"],
    ] {
        let out = run(&[args, &[str_of(&file)]].concat());
        let all = [out.stdout, out.stderr].concat();
        assert!(
            !String::from_utf8_lossy(&all).contains("ZQXSECRET"),
            "{args:?}"
        );
    }
}

#[test]
fn a_jsonl_file_of_many_bad_lines_names_twenty_then_counts() {
    // Hostile run 18, D3: every line that is no turn made a note naming the file, held and
    // printed: a million `{}` lines took 166 MB and a million lines of stderr.
    let dir = scratch("bad-jsonl");
    let turn = run(&[
        "inspect",
        "-f",
        "jsonl",
        "fixtures/anthropic-messages/simple.txtar",
    ]);
    let first = String::from_utf8(turn.stdout).unwrap();
    let first = first.lines().next().unwrap();
    let file = dir.join("turns.jsonl");
    std::fs::write(&file, format!("{first}\n{}", "{}\n".repeat(100_000))).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!(code, 1, "lines that are no turn fail the file");
    assert_eq!(turns.len(), 1, "the turn is read");
    let notes: Vec<&str> = stderr.lines().collect();
    assert_eq!(notes.len(), 21, "{stderr}");
    assert!(notes[0].contains("line 2, column"), "{}", notes[0]);
    assert!(
        notes[20]
            .ends_with("99,980 more lines from line 22 on are not turns of aibridge-trace's JSONL"),
        "{}",
        notes[20]
    );
}

#[test]
fn a_txtar_whose_first_section_brings_its_own_request_still_shares_the_other() {
    // The sections sharing `-- request --` were told by the first section's body: when the
    // first brought its own, every other section read the shared one anew, whole, and none
    // was cut (hostile run 21: 1 GB of JSONL and 990 MB held from 1 MB).
    let prompt = "p".repeat(10_000);
    let stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    let small = r#"{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"#;
    let mut txtar = format!(
        "-- streaming/s --\nPOST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{small}\r\n\
         HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n{stream}\
         -- request --\n{{\"model\":\"claude-x\",\"max_tokens\":5,\"stream\":true,\
         \"messages\":[{{\"role\":\"user\",\"content\":\"{prompt}\"}}]}}\n",
        small.len()
    );
    for i in 0..20 {
        txtar.push_str(&format!("-- streaming/s{i} --\n{stream}"));
    }
    let dir = scratch("own-first-request");
    let file = dir.join("first.txtar");
    std::fs::write(&file, txtar).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((code, turns.len()), (0, 21), "{stderr}");
    assert_eq!(turns[0]["prompt"], "x");
    for (i, turn) in turns.iter().enumerate().skip(1) {
        let printed = turn["prompt"].as_str().unwrap().len();
        assert_eq!(printed, if i <= 8 { 10_000 } else { 256 }, "turn {i}");
    }
}

#[test]
fn what_a_request_says_of_itself_is_bounded_as_it_is_read() {
    // Each turn holds what its request says until the run is threaded: a reasoning level,
    // an offered tool's name, a tool choice of megabytes, or a hundred thousand tool
    // results, held whole for every request (hostile run 21: 1.7 GB from 100 small gzip
    // files). Names are cut as a turn's are, a tool choice that is more than a small
    // object is held as its text cut, and results past 10,000 are left out.
    let results: Vec<String> = (0..10_005)
        .map(|i| format!(r#"{{"type":"tool_result","tool_use_id":"c{i}","content":"ok"}}"#))
        .collect();
    let request = format!(
        r#"{{"model":"claude-x","max_tokens":5,"output_config":{{"effort":"{}"}},"tools":[{{"name":"{}","input_schema":{{}}}},{{"name":"Read","input_schema":{{}}}}],"tool_choice":{{"type":"auto","x":[{}]}},"messages":[{{"role":"user","content":[{}]}}]}}"#,
        "e".repeat(1_000),
        "n".repeat(1_000),
        ["0"; 500].join(","),
        results.join(","),
    );
    let answer = r#"{"id":"m","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"#;
    let dir = scratch("request-bounds");
    let file = dir.join("big.txtar");
    std::fs::write(
        &file,
        format!("-- request --\n{request}\n-- non-streaming --\n{answer}\n"),
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((code, turns.len()), (0, 1), "{stderr}");
    let turn = &turns[0];
    let request = &turn["request"];
    assert_eq!(request["params"]["reasoning"].as_str().unwrap().len(), 256);
    assert_eq!(request["tools"][0].as_str().unwrap().len(), 256);
    assert_eq!(request["tools"][1], "Read");
    let choice = request["tool_choice"].as_str().unwrap();
    assert!(choice.starts_with(r#"{"type":"auto","x":[0,0"#) && choice.len() <= 256);
    assert_eq!(turn["tool_results"].as_array().unwrap().len(), 10_000);
    let warnings = turn["warnings"].to_string();
    for said in [
        "the reasoning level is 1,000 bytes long",
        "the offered tool's name is 1,000 bytes long",
        "the tool choice is 1,021 bytes long",
        "the request carries 10,005 tool results: past the first 10,000 they are left out",
    ] {
        assert!(warnings.contains(said), "{said}: {warnings}");
    }
    // Read back, nothing is cut again.
    let jsonl = dir.join("turns.jsonl");
    std::fs::write(&jsonl, format!("{turn}\n")).unwrap();
    let (again, stderr, code) = inspect(&[str_of(&jsonl)]);
    assert_eq!((code, again.len()), (0, 1), "{stderr}");
    assert_eq!(again[0]["request"], turn["request"]);
    assert_eq!(again[0]["tool_results"], turn["tool_results"]);
    assert_eq!(again[0]["warnings"], turn["warnings"]);
}

#[test]
fn an_error_type_redaction_cuts_reads_back_as_it_was_printed() {
    // `x-api-key:…` was printed by a run and dropped when its JSONL was read back, so
    // summaries of shards differed from one run's (hostile run 21).
    let dir = scratch("error-type-cut");
    let file = dir.join("t.sse");
    std::fs::write(
        &file,
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"claude-x\"}}\n\n\
         event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"x-api-key:Zq7Wv3Lp9Tb2\",\"message\":\"bad\"}}\n\n",
    )
    .unwrap();
    let (turns, stderr, _) = inspect(&[str_of(&file)]);
    assert_eq!(turns.len(), 1, "{stderr}");
    assert_eq!(turns[0]["error"]["type"], "x-api-key:…");
    let jsonl = dir.join("turns.jsonl");
    std::fs::write(&jsonl, format!("{}\n", turns[0])).unwrap();
    let (again, stderr, _) = inspect(&[str_of(&jsonl)]);
    assert_eq!(again.len(), 1, "{stderr}");
    assert_eq!(again[0]["error"], turns[0]["error"]);
}

#[test]
fn a_responses_conversation_of_megabytes_is_cut_as_a_name() {
    // Cut on read-back only: a capture's went whole into every turn (hostile run 22: 1 GB
    // from 1.2 MB, and read-back disagreed with the run).
    let long = format!("conv_{}", "c".repeat(1_000));
    let created = r#"{"type":"response.created","response":{"id":"resp_1","object":"response","status":"in_progress","model":"gpt-5","output":[]}}"#;
    let done = r#"{"type":"response.completed","response":{"id":"resp_1","object":"response","status":"completed","model":"gpt-5","output":[],"usage":{"input_tokens":1,"output_tokens":1,"total_tokens":2}}}"#;
    let dir = scratch("long-conversation");
    let file = dir.join("conv.txtar");
    std::fs::write(
        &file,
        format!(
            "-- request --\n{{\"model\":\"gpt-5\",\"stream\":true,\"input\":\"hi\",\
             \"conversation\":\"{long}\"}}\n-- streaming --\n\
             event: response.created\ndata: {created}\n\n\
             event: response.completed\ndata: {done}\n\n"
        ),
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((code, turns.len()), (0, 1), "{stderr}");
    let conversation = turns[0]["threading"]["conversation"].as_str().unwrap();
    assert_eq!(conversation.len(), 256);
    let warnings = turns[0]["warnings"].to_string();
    assert!(
        warnings.contains("the Responses conversation is 1,005 bytes long"),
        "{warnings}"
    );
    let jsonl = dir.join("turns.jsonl");
    std::fs::write(&jsonl, format!("{}\n", turns[0])).unwrap();
    let (again, stderr, _) = inspect(&[str_of(&jsonl)]);
    assert_eq!(again.len(), 1, "{stderr}");
    assert_eq!(again[0]["threading"], turns[0]["threading"]);
    assert_eq!(again[0]["warnings"], turns[0]["warnings"]);
}

#[test]
fn an_odd_shape_repeated_by_every_event_is_named_twenty_times_then_counted() {
    // A delta for a block of another type, or a Chat call's arguments of an odd shape,
    // warned once per event; the latter with the call's whole name each time (hostile run
    // 22: 1 MB of Chat stream held 1.5 GB).
    let event = |data: &str| format!("data: {data}\n\n");
    let mut anthropic = event(
        r#"{"type":"message_start","message":{"id":"m","type":"message","role":"assistant","model":"claude-x","content":[],"usage":{"input_tokens":1,"output_tokens":1}}}"#,
    );
    anthropic += &event(
        r#"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
    );
    for _ in 0..100 {
        anthropic += &event(
            r#"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}"#,
        );
    }
    anthropic += &event(r#"{"type":"message_stop"}"#);
    let name = "n".repeat(100_000);
    let mut chat = event(&format!(
        r#"{{"id":"c","object":"chat.completion.chunk","model":"gpt-x","choices":[{{"index":0,"delta":{{"tool_calls":[{{"index":0,"id":"call_1","function":{{"name":"{name}","arguments":""}}}}]}}}}]}}"#
    ));
    for _ in 0..100 {
        chat += &event(
            r#"{"id":"c","object":"chat.completion.chunk","model":"gpt-x","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":5}}]}}]}"#,
        );
    }
    chat += "data: [DONE]\n\n";
    let dir = scratch("odd-shapes");
    std::fs::write(dir.join("a.sse"), anthropic).unwrap();
    std::fs::write(dir.join("c.sse"), chat).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&dir)]);
    assert_eq!((code, turns.len()), (0, 2), "{stderr}");
    for turn in &turns {
        let warnings = turn["warnings"].as_array().unwrap();
        let odd = warnings.iter().filter(|w| {
            let w = w.as_str().unwrap();
            w.contains("which is of another type") || w.contains("of an unexpected shape")
        });
        assert_eq!(odd.count(), 20, "{warnings:?}");
        assert!(
            warnings.iter().any(|w| w
                == "and 80 more events of a shape kept out of the turn, past the first 20 warned about"),
            "{warnings:?}"
        );
        assert!(turn["warnings"].to_string().len() < 10_000);
    }
}

#[test]
fn a_turn_read_back_keeps_a_bounded_list_of_warnings_and_tools() {
    // Read back whole: 4 million warnings or offered tools on one JSONL line held 460 MB
    // (hostile run 22); 1,000 warnings of 4 KB a turn, 4 MB (hostile run 24); 1,000 of one
    // letter, 115 KB a turn (hostile run 33).
    let (turns, _, _) = inspect(&["fixtures/anthropic-messages/simple.txtar"]);
    let mut turn = turns[0].clone();
    turn["warnings"] = serde_json::json!(vec!["w".repeat(5_000); 3_000]);
    turn["request"]["tools"] = serde_json::json!(vec!["a"; 20_000]);
    let dir = scratch("read-back-lists");
    let jsonl = dir.join("turns.jsonl");
    std::fs::write(&jsonl, format!("{turn}\n")).unwrap();
    let (again, stderr, code) = inspect(&[str_of(&jsonl)]);
    assert_eq!((code, again.len()), (0, 1), "{stderr}");
    let warnings = again[0]["warnings"].as_array().unwrap();
    // 16 KiB of them at most, each cut to 4,096 bytes and counted with 128 more, room left
    // for the last.
    assert_eq!(warnings.len(), 4);
    assert_eq!(warnings[0].as_str().unwrap().len(), 4_096);
    assert_eq!(
        warnings[3],
        "and 2,997 more warnings, past the first 3: left out"
    );
    // Read back again, nothing changes.
    std::fs::write(&jsonl, format!("{}\n", again[0])).unwrap();
    let (twice, _, _) = inspect(&[str_of(&jsonl)]);
    assert_eq!(twice[0]["warnings"], again[0]["warnings"]);
    let tools = again[0]["request"]["tools"].as_array().unwrap();
    assert_eq!(tools.len(), 10_000);
}

#[test]
fn a_turn_read_back_builds_its_values_within_its_lines_budget() {
    // A tool call's arguments, a result's content, a tool choice read back were built
    // whole: one 16 MB line of `[0,0,…]` took 640 MB (hostile run 23). They share the
    // budget of the line's length as a capture's values share their body's: past it, the
    // line is no turn, said once.
    let (turns, _, _) = inspect(&["fixtures/anthropic-messages/simple.txtar"]);
    let mut turn = turns[0].clone();
    let zeros: Vec<u8> = vec![0; 2_000_000];
    turn["tool_calls"] = serde_json::json!([{"id": "c", "name": "n", "kind": "function",
        "arguments": zeros, "injected": false, "thoughts_before": [], "result": null}]);
    let dir = scratch("read-back-values");
    let jsonl = dir.join("turns.jsonl");
    std::fs::write(&jsonl, format!("{turn}\n{}\n", turns[0])).unwrap();
    let (again, stderr, code) = inspect(&[str_of(&jsonl)]);
    assert_eq!((code, again.len()), (1, 1), "{stderr}");
    assert!(
        stderr.contains("holds too many JSON values to read"),
        "{stderr}"
    );
    assert_eq!(again[0]["id"], turns[0]["id"]);
}

#[test]
fn section_names_and_a_turns_history_are_bounded_for_captures_and_read_back() {
    // A txtar section's name was held and printed whole (hostile run 23: 30 small gzip
    // files of a 20 MB name, 691 MB), and read back, so were the interception id, the
    // provider, and the replayed answers and replies a capture keeps the last 8 of.
    let stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    let name = format!("streaming/{}", "n".repeat(5_000));
    let dir = scratch("section-bounds");
    let file = dir.join("long.txtar");
    std::fs::write(
        &file,
        format!(
            "-- request --\n{{\"model\":\"claude-x\",\"max_tokens\":5,\"stream\":true,\
             \"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}\n-- {name} --\n{stream}"
        ),
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((code, turns.len()), (0, 1), "{stderr}");
    assert_eq!(turns[0]["source"]["section"].as_str().unwrap().len(), 256);
    let mut turn = turns[0].clone();
    turn["source"]["interception_id"] = serde_json::json!("i".repeat(5_000));
    turn["source"]["provider"] = serde_json::json!("p".repeat(5_000));
    turn["threading"]["replies"] = serde_json::json!(vec!["00000000000000aa"; 1_000]);
    let jsonl = dir.join("turns.jsonl");
    std::fs::write(&jsonl, format!("{turn}\n")).unwrap();
    let (again, stderr, code) = inspect(&[str_of(&jsonl)]);
    assert_eq!((code, again.len()), (0, 1), "{stderr}");
    let source = &again[0]["source"];
    assert_eq!(source["section"], turns[0]["source"]["section"]);
    assert_eq!(source["interception_id"].as_str().unwrap().len(), 256);
    assert_eq!(source["provider"].as_str().unwrap().len(), 256);
    assert_eq!(
        again[0]["threading"]["replies"].as_array().unwrap().len(),
        8
    );
}

#[test]
fn a_response_of_too_many_thoughts_keeps_the_first_ten_thousand() {
    // Thoughts had no bound, and one-letter ones were counted as texts by their letter
    // alone: 60 small gzip bodies of 60,000 thinking blocks held 282 MB (hostile run 24).
    let blocks = vec![r#"{"type":"thinking","thinking":"t","signature":"s"}"#; 10_005].join(",");
    let body = format!(
        r#"{{"id":"m","type":"message","role":"assistant","model":"claude-x","content":[{blocks}],"stop_reason":"end_turn","usage":{{"input_tokens":1,"output_tokens":1}}}}"#
    );
    let dir = scratch("many-thoughts");
    let file = dir.join("body.json");
    std::fs::write(&file, body).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((code, turns.len()), (0, 1), "{stderr}");
    assert_eq!(turns[0]["thoughts"].as_array().unwrap().len(), 10_000);
    let warnings = turns[0]["warnings"].to_string();
    assert!(
        warnings.contains(
            "the response gives 10,005 thoughts: past the first 10,000 they are left out"
        ),
        "{warnings}"
    );
    let jsonl = dir.join("turns.jsonl");
    std::fs::write(&jsonl, format!("{}\n", turns[0])).unwrap();
    let (again, _, _) = inspect(&[str_of(&jsonl)]);
    assert_eq!(again[0]["thoughts"], turns[0]["thoughts"]);
    assert_eq!(again[0]["warnings"], turns[0]["warnings"]);
}

#[test]
fn an_archive_of_failing_entries_names_the_first_few_and_counts_the_rest() {
    // Hostile run 36: every failing entry of a HAR, a cassette or a claude-trace log had a
    // line of its own (100,000 bad pairs: 14.6 MB of stderr); `validate` named 20.
    let dir = scratch("failing-entries");
    let file = dir.join("many.har");
    let entry = serde_json::json!({
        "startedDateTime": "2025-01-01T00:00:00Z",
        "request": {"method": "POST", "url": "https://api.openai.com/v1/chat/completions",
            "headers": [], "postData": {"mimeType": "application/json",
            "text": "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"}},
        "response": {"status": 200, "headers": [
            {"name": "Content-Type", "value": "application/json"},
            {"name": "Content-Encoding", "value": "br"}],
            "content": {"mimeType": "application/json", "text": "\u{1}\u{2}garbage"}},
    });
    let har = serde_json::json!({"log": {"entries": vec![entry; 500]}});
    std::fs::write(&file, har.to_string()).unwrap();
    let (_, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() <= 22, "{} lines: {stderr}", lines.len());
    assert!(
        stderr.contains("480 more failures past the first 20, not named one by one"),
        "{stderr}"
    );
}

#[test]
fn repeated_coding_fields_in_a_head_take_linear_time() {
    // Hostile run 36: each repeated `Content-Encoding` field copied the whole list so far
    // (200,000 fields: 42 s).
    let dir = scratch("repeated-codings");
    let file = dir.join("many.http");
    let stream = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    let head = "Content-Encoding: identity\r\n".repeat(100_000);
    let data = format!("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n{head}\r\n{stream}");
    std::fs::write(&file, data).unwrap();
    let started = std::time::Instant::now();
    let (_, stderr, _) = inspect(&[str_of(&file)]);
    let took = started.elapsed();
    // Quadratic, 100,000 fields took 9 s in a release build; linear, 0.04 s.
    assert!(took.as_secs() < 5, "{took:?}: {stderr}");
}

#[test]
fn a_compressed_body_cut_short_fails_validate() {
    // Hostile run 38: a gzip body without its last bytes (checksum and size) was read,
    // warned about by `inspect`, and passed `validate`.
    let dir = scratch("cut-body");
    let file = dir.join("cut.http");
    let stream = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    let packed = gzip(stream.as_bytes());
    let head =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n\r\n";
    std::fs::write(&file, [&head[..], &packed[..packed.len() - 4]].concat()).unwrap();
    let out = run(&["validate", str_of(&file)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("parse-capture"), "{stdout}");
    assert!(stdout.contains("cut short"), "{stdout}");
}

#[test]
fn a_compressed_layer_the_headers_do_not_name_is_read_and_fails_validate() {
    // Hostile run 39: a body gzipped twice but labelled once, or gzipped and labelled
    // `identity`, was passed over as "an event stream of no API" (exit 0), and `validate`
    // said all valid.
    let dir = scratch("unnamed-layer");
    let stream = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\
                  \"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],\
                  \"usage\":{\"input_tokens\":3,\"output_tokens\":0}}}\n\n\
                  event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    let packed = gzip(stream.as_bytes());
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n";
    for (name, coding, body) in [
        ("twice.http", "Content-Encoding: gzip\r\n", gzip(&packed)),
        (
            "identity.http",
            "Content-Encoding: identity\r\n",
            packed.clone(),
        ),
        ("none.http", "", packed.clone()),
    ] {
        let file = dir.join(name);
        std::fs::write(
            &file,
            [format!("{head}{coding}\r\n").as_bytes(), &body].concat(),
        )
        .unwrap();
        let (turns, stderr, code) = inspect(&[str_of(&file)]);
        assert_eq!((code, turns.len()), (0, 1), "{name}: {stderr}");
        assert_eq!(turns[0]["id"], "msg_1");
        assert_warning_contains(&turns[0], "gzip data its headers do not name");
        let out = run(&["validate", str_of(&file)]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}");
        assert!(
            stdout.contains("error[parse-capture]: the body is gzip data"),
            "{stdout}"
        );
    }
}

#[test]
fn a_stream_cut_inside_the_event_that_tells_its_api_is_a_truncated_stream() {
    // Hostile run 61: cut inside its first event, a Chat stream (or one of the others with
    // no `event:` lines) was "of no API": skipped, and `validate` said all valid.
    let dir = scratch("cut-first-event");
    let cases = [
        (
            "chat.sse",
            r#"data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hel"#,
            "openai-chat",
        ),
        (
            "responses.sse",
            r#"data: {"type":"response.created","response":{"id":"resp_1","model":"gpt-4o"#,
            "openai-responses",
        ),
        (
            "anthropic.sse",
            r#"data: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":1"#,
            "anthropic-messages",
        ),
    ];
    for (name, data, api) in cases {
        let file = dir.join(name);
        std::fs::write(&file, data).unwrap();
        let (turns, stderr, code) = inspect(&[str_of(&file)]);
        assert_eq!((turns.len(), code), (1, 0), "{name}: {stderr}");
        assert_eq!(turns[0]["api"], api);
        assert_eq!(turns[0]["complete"], false);
        let out = run(&["validate", str_of(&file)]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{stdout}");
        assert!(stdout.contains(":1: error[stream-truncated]"), "{stdout}");
    }
    // Cut data that tells no API is still none.
    let file = dir.join("other.sse");
    std::fs::write(&file, r#"data: {"foo":{"bar":"#).unwrap();
    let (turns, stderr, _) = inspect(&[str_of(&file)]);
    assert!(turns.is_empty() && stderr.contains("of no API"), "{stderr}");
}

#[test]
fn a_body_coded_once_under_a_coding_named_twice_reads_with_a_warning() {
    // Hostile run 61: a `Content-Encoding: gzip` line repeated (joined as `gzip, gzip`)
    // over one layer failed as "the gzip data is corrupt", with no turn.
    let dir = scratch("coding-named-twice");
    let body = r#"{"id":"c1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#;
    let asked = r#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#;
    let head = format!(
        "-- request --\n{asked}\n-- non-streaming --\nHTTP/1.1 200 OK\r\n\
         Content-Type: application/json\r\nContent-Encoding: gzip\r\n\
         Content-Encoding: gzip\r\n\r\n"
    );
    let file = dir.join("twice.txtar");
    std::fs::write(&file, [head.as_bytes(), &gzip(body.as_bytes())].concat()).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((turns.len(), code), (1, 0), "{stderr}");
    assert_eq!(turns[0]["text"], "hi");
    let out = run(&["validate", str_of(&file)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("warning[http-coding]: the headers name one coding more"),
        "{stdout}"
    );
}

#[test]
fn a_cut_body_at_a_txtars_end_is_not_said_to_hold_the_line_end_it_gets_back() {
    // Hostile run 61: a gzip body cut inside a string, last in a txtar, got its line end
    // back when decoded, and parse-body-json named a control character on line 2.
    let dir = scratch("cut-body-line-end");
    let text = format!(
        r#"{{"id":"msg_1","type":"message","content":[{{"type":"text","text":"{}"#,
        "hello ".repeat(50)
    );
    let packed = gzip(text.as_bytes());
    let head = "-- request --\n{\"model\":\"claude-x\",\"max_tokens\":1,\"messages\":[]}\n\
                -- non-streaming --\nHTTP/1.1 200 OK\nContent-Type: application/json\n\
                Content-Encoding: gzip\n\n";
    let file = dir.join("cut.txtar");
    std::fs::write(
        &file,
        [head.as_bytes(), &packed[..packed.len() - 12]].concat(),
    )
    .unwrap();
    let out = run(&["validate", str_of(&file)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(
            "error[parse-body-json]: the response body is not valid JSON (EOF while parsing a \
             string) (line 1 of the decoded body)"
        ),
        "{stdout}"
    );
}

#[test]
fn a_zstd_body_cut_inside_its_window_reads_as_far_as_it_goes() {
    // Hostile run 60: the zstd decoder holds its last window back until the frame ends,
    // so a coded response cut anywhere in its first 8 MiB gave no turn at all, where the
    // same body gzip-coded gave what it held.
    use base64::Engine;
    let dir = scratch("cut-zstd");
    let mut stream = String::from(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_z\",\
         \"model\":\"claude-x\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n\
         event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\
         \"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
    );
    for i in 0..20_000 {
        stream.push_str(&format!(
            "event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\
             \"delta\":{{\"type\":\"text_delta\",\"text\":\"{i} \"}}}}\n\n"
        ));
    }
    let level = ruzstd::encoding::CompressionLevel::Fastest;
    let packed = ruzstd::encoding::compress_to_vec(stream.as_bytes(), level);
    let cut = &packed[..packed.len() / 2];
    let asked = r#"{"model":"claude-x","max_tokens":1,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#;
    let txtar = [
        format!(
            "-- request --\n{asked}\n-- streaming --\nHTTP/1.1 200 OK\r\n\
             Content-Type: text/event-stream\r\nContent-Encoding: zstd\r\n\r\n"
        )
        .as_bytes(),
        cut,
    ]
    .concat();
    let har = serde_json::json!({"log": {"entries": [{
        "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages",
                    "postData": {"mimeType": "application/json", "text": asked}},
        "response": {"status": 200, "headers": [{"name": "Content-Encoding", "value": "zstd"}],
                     "content": {"mimeType": "text/event-stream", "encoding": "base64",
                                 "text": base64::engine::general_purpose::STANDARD.encode(cut)}}}]}});
    for (name, data) in [
        ("cut.txtar", txtar),
        ("cut.har", har.to_string().into_bytes()),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, data).unwrap();
        let (turns, stderr, code) = inspect(&[str_of(&file)]);
        assert_eq!((turns.len(), code), (1, 0), "{name}: {stderr}");
        let text = turns[0]["text"].as_str().unwrap_or_default();
        assert!(
            text.starts_with("0 1 2 ") && text.len() > 20_000,
            "{name}: {text}"
        );
        assert_eq!(turns[0]["complete"], false);
        assert!(
            turns[0]["warnings"]
                .to_string()
                .contains("zstd data is cut short")
        );
        let out = run(&["validate", str_of(&file)]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("error[parse-capture]"), "{stdout}");
    }
}

#[test]
fn a_compressed_body_cut_short_fails_validate_in_a_txtar_a_har_and_a_cassette() {
    // Hostile run 50: runs 38 and 39's findings held for `.http` files and dump pairs only.
    // A txtar section, a HAR entry or a cassette's body said it in its own exchange's
    // warnings, which `validate` did not look at: "all valid", exit 0.
    use base64::Engine;
    let dir = scratch("cut-body-everywhere");
    let body = r#"{"id":"c1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}"#;
    let whole = gzip(body.as_bytes());
    let cut = &whole[..whole.len() - 3];
    let asked = r#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#;
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    let txtar = |coding: &str, body: &[u8]| {
        let head = format!("-- request --\n{asked}\n-- non-streaming --\n{head}{coding}\r\n");
        [head.as_bytes(), body].concat()
    };
    let packed = base64::engine::general_purpose::STANDARD.encode(cut);
    let har = serde_json::json!({"log": {"entries": [{
        "request": {"method": "POST", "url": "https://api.openai.com/v1/chat/completions",
                    "postData": {"mimeType": "application/json", "text": asked}},
        "response": {"status": 200, "headers": [{"name": "Content-Encoding", "value": "gzip"}],
                     "content": {"mimeType": "application/json", "encoding": "base64",
                                 "text": packed}}}]}});
    let cassette = format!(
        "interactions:\n- request:\n    body: '{asked}'\n    method: POST\n    \
         uri: https://api.openai.com/v1/chat/completions\n  response:\n    body:\n      \
         string: !!binary |\n        {packed}\n    headers:\n      Content-Encoding:\n      \
         - gzip\n    status:\n      code: 200\n"
    );
    let cases = [
        (
            "cut.txtar",
            txtar("Content-Encoding: gzip\r\n", cut),
            ":3: error[parse-capture]: the gzip data is cut short",
        ),
        (
            "unnamed.txtar",
            txtar("", &whole),
            ":3: error[parse-capture]: the body is gzip data",
        ),
        (
            "cut.har",
            har.to_string().into_bytes(),
            ": error[parse-capture]: entry 0: the gzip data is cut short",
        ),
        (
            "cut.yaml",
            cassette.into_bytes(),
            ": error[parse-capture]: entry 0: the gzip data is cut short",
        ),
    ];
    for (name, data, said) in cases {
        let file = dir.join(name);
        std::fs::write(&file, data).unwrap();
        let (turns, stderr, _) = inspect(&[str_of(&file)]);
        assert_eq!(turns.len(), 1, "{name}: {stderr}");
        let out = run(&["validate", str_of(&file)]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}");
        assert!(stdout.contains(&format!("{name}{said}")), "{stdout}");
    }
}

#[test]
fn a_file_holding_a_request_alone_is_checked_as_a_request() {
    // Hostile run 50: a request-only `.http` whose JSON was broken was said to have a broken
    // *response* body; its body was read as a response's.
    let dir = scratch("request-alone");
    let head = "POST /v1/chat/completions HTTP/1.1\r\nHost: api.openai.com\r\n\
                Content-Type: application/json\r\n\r\n";
    let broken = dir.join("broken.http");
    std::fs::write(
        &broken,
        format!("{head}{{\"model\":\"gpt-4o\",\"stream\":tru }}"),
    )
    .unwrap();
    let whole = dir.join("whole.http");
    std::fs::write(
        &whole,
        format!("{head}{{\"model\":\"gpt-4o\",\"messages\":[]}}"),
    )
    .unwrap();
    for file in [&broken, &whole] {
        let (turns, stderr, code) = inspect(&[str_of(file)]);
        assert_eq!((turns.len(), code), (0, 0), "{stderr}");
        assert!(
            stderr.contains("skipped: a request, with no response"),
            "{stderr}"
        );
    }
    let out = run(&["validate", str_of(&broken)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "broken.http:5: error[parse-request-json]: the request body is not valid JSON"
        ),
        "{stdout}"
    );
    assert!(!stdout.contains("response"), "{stdout}");
    let out = run(&["validate", str_of(&whole)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
}

#[test]
fn a_capture_with_many_warnings_prints_what_its_turn_read_back_prints() {
    // Hostile run 43: a capture's turn kept every warning, a turn read back the first
    // 16 KiB, so a split run's parts joined printed 68 of a whole run's 1,500.
    let dir = scratch("many-warnings");
    // Priced, and not: pricing's warning comes after the bound, within it.
    for model in ["gpt-4o", "no-such-model-known"] {
        let chunk = |d: serde_json::Value| format!("data: {d}\n\n");
        let mut stream = chunk(
            serde_json::json!({"id": "c1", "object": "chat.completion.chunk",
        "model": model, "choices": [{"index": 0, "delta": {"role": "assistant"}}]}),
        );
        for i in 0..1_500 {
            stream.push_str(&chunk(
                serde_json::json!({"id": "c1", "object": "chat.completion.chunk",
            "model": model, "choices": [{"index": 0, "delta": {"tool_calls": [{"index": i,
            "id": format!("call_{i}"), "type": "function",
            "function": {"name": "get_weather", "arguments": "{\"city\": \"Oslo"}}]}}]}),
            ));
        }
        stream.push_str(&chunk(
            serde_json::json!({"id": "c1", "object": "chat.completion.chunk",
        "model": model, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]}),
        ));
        stream.push_str("data: [DONE]\n\n");
        let file = dir.join("calls.sse");
        std::fs::write(&file, stream).unwrap();
        let whole = run(&["inspect", "--format", "jsonl", str_of(&file)]);
        let printed = dir.join("whole.jsonl");
        std::fs::write(&printed, &whole.stdout).unwrap();
        let again = run(&["inspect", "--format", "jsonl", str_of(&printed)]);
        assert_eq!(
            String::from_utf8_lossy(&again.stdout),
            String::from_utf8_lossy(&whole.stdout)
        );
        let turn: serde_json::Value = serde_json::from_slice(&whole.stdout).unwrap();
        let warnings = turn["warnings"].as_array().unwrap();
        assert!(warnings.len() < 1_000, "{}", warnings.len());
        let left_out = warnings
            .iter()
            .filter_map(|w| w.as_str())
            .find(|w| w.ends_with(": left out"));
        assert!(
            left_out.is_some_and(|w| w.starts_with("and ")),
            "{warnings:?}"
        );
    }
}

#[test]
fn a_chunked_body_cut_short_is_said_and_fails_validate() {
    // Hostile run 55: a chunk holding less than its size says, with no last chunk after
    // it, was read as the whole body: a fragment of an error shown as all of it, no
    // warning, and `validate` said all valid.
    let dir = scratch("chunked-cut-short");
    let file = dir.join("cut.txtar");
    std::fs::write(
        &file,
        "-- request --\n{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n\
         -- non-streaming --\nHTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n\
         Transfer-Encoding: chunked\r\n\r\n24\r\nUser is",
    )
    .unwrap();
    let (turns, _, _) = inspect(&[str_of(&file)]);
    let warnings = turns[0]["warnings"].to_string();
    assert!(warnings.contains("chunked body is cut short"), "{warnings}");
    let out = run(&["validate", str_of(&file)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[parse-capture]"), "{stdout}");
}

#[test]
fn a_body_its_headers_call_compressed_that_is_text_is_a_validate_warning() {
    // Hostile run 55: `Content-Encoding: gzip` over a plain body (a recorder that decoded
    // it, `curl -i --compressed`) is read as it is, silently: `validate` said all valid,
    // though a client replaying the fixture would fail to decompress it. A warning, which
    // `--deny-warnings` makes a failure.
    let dir = scratch("coding-not-applied");
    let file = dir.join("plain.txtar");
    std::fs::write(
        &file,
        "-- request --\n{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}\n-- streaming --\n\
         HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: gzip\r\n\r\n\
         data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\"choices\":\
         [{\"index\":0,\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n\
         data: [DONE]\n\n",
    )
    .unwrap();
    let (turns, _, _) = inspect(&[str_of(&file)]);
    assert_eq!(turns[0]["text"], "hi");
    assert!(turns[0]["warnings"].to_string().contains("plain text"));
    let out = run(&["validate", str_of(&file)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("plain.txtar:3: warning[http-coding]"),
        "{stdout}"
    );
    let out = run(&["validate", "--deny-warnings", str_of(&file)]);
    assert_eq!(out.status.code(), Some(1));
}

/// The turn of a txtar fixture whose 401 carries JSON `body`, and its warnings as text.
fn turn_of_a_401(name: &str, body: &str) -> (serde_json::Value, String) {
    let file = scratch(name).join("error.txtar");
    std::fs::write(
        &file,
        format!(
            "-- request --\n{{\"model\":\"gpt-4o\",\"messages\":[]}}\n-- non-streaming --\n\
             HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n{body}\n"
        ),
    )
    .unwrap();
    let (mut turns, _, _) = inspect(&[str_of(&file)]);
    let turn = turns.swap_remove(0);
    let warnings = turn["warnings"].to_string();
    (turn, warnings)
}

#[test]
fn an_error_body_too_deep_to_read_says_so_and_keeps_its_error() {
    // Hostile run 58: an HTTP error's JSON body over the depth (or value) budget stood as
    // the error's raw text, and nothing said why; a 200's fails naming the limit. The
    // provider's message and type are read from its `error` alone.
    let deep = format!(
        "{{\"error\":{{\"message\":\"key revoked\"}},\"junk\":{}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let (turn, warnings) = turn_of_a_401("error-body-too-deep", &deep);
    assert!(warnings.contains("deeper than 128 levels"), "{warnings}");
    assert!(
        warnings.contains("read from its `error` alone"),
        "{warnings}"
    );
    assert_eq!(turn["error"]["message"], "key revoked");
}

#[test]
fn an_error_body_too_big_to_read_keeps_its_error() {
    // Hostile run 58: a 401 whose body lists 1.2 million numbers beside its `error`.
    let big = format!(
        "{{\"error\":{{\"message\":\"key revoked\",\"type\":\"authentication_error\"}},\"junk\":[{}0]}}",
        "0,".repeat(1_200_000)
    );
    let (turn, warnings) = turn_of_a_401("error-body-too-big", &big);
    assert!(warnings.contains("too many JSON values"), "{warnings}");
    assert_eq!(turn["error"]["message"], "key revoked");
    assert_eq!(turn["error"]["type"], "authentication_error");
}

#[test]
fn a_request_body_decoded_to_find_its_end_counts_once_against_the_bound() {
    // Hostile run 67 D2: a gzip request body with no `Content-Length` was inflated to find
    // where it ends, then for good, both against one bound: 34 MiB, well within 64 MiB, was
    // called a bomb and the file failed.
    let request = format!(
        "{{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{{\"role\":\"user\",\"content\":\"hi{}\"}}]}}",
        " ".repeat(34 << 20)
    );
    let mut data =
        b"POST /v1/messages HTTP/1.1\nContent-Type: application/json\nContent-Encoding: gzip\n\n"
            .to_vec();
    data.extend_from_slice(&gzip(request.as_bytes()));
    data.extend_from_slice(b"\n");
    data.extend_from_slice(
        &std::fs::read(root().join("fixtures/raw/anthropic-message.json"))
            .map(|body| {
                let mut response = b"HTTP/1.1 200 OK\nContent-Type: application/json\n\n".to_vec();
                response.extend_from_slice(&body);
                response
            })
            .unwrap(),
    );
    let file = scratch("probe-budget").join("big-request.http");
    std::fs::write(&file, data).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!((turns.len(), code), (1, 0), "{stderr}");
}

#[test]
fn lone_surrogates_in_a_stream_a_body_and_a_har_are_read_as_replacement_characters() {
    // Hostile run 68 D9: JavaScript writes half of a surrogate pair escaped on its own; the
    // event, the body or (streamed) every later entry of a HAR was lost to it.
    let dir = scratch("lone-surrogates");
    let chunk = |delta: &str| {
        format!(
            "data: {{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\
             \"choices\":[{{\"index\":0,\"delta\":{delta}}}]}}\n\n"
        )
    };
    let stream = [
        chunk(r#"{"role":"assistant","content":"hi "}"#),
        chunk(r#"{"content":"\ud83d"}"#),
        chunk(r#"{"content":"\ude00 and the rest"}"#),
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\
         \"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n"
            .to_string(),
    ]
    .concat();
    let sse = dir.join("split.sse");
    std::fs::write(&sse, stream).unwrap();
    let body = dir.join("cut.json");
    std::fs::write(
        &body,
        r#"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"cut at \ud83d"},"finish_reason":"length"}]}"#,
    )
    .unwrap();
    let har = std::fs::read_to_string(root().join("fixtures/har/browser.har")).unwrap();
    let har = har
        .replacen("https://console.example.test/\",", r#"page \udc00","#, 1)
        .replacen(
            r#"\"text\":\"Let me check"#,
            r#"\"text\":\"\ud83dLet me check"#,
            1,
        );
    let archive = dir.join("split.har");
    std::fs::write(&archive, har).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&sse), str_of(&body), str_of(&archive)]);
    assert_eq!(code, 0, "{stderr}");
    let said = |held: &str, what: &str| {
        format!("{held} {what}: half a character, which JSON readers refuse; read as U+FFFD")
    };
    assert_eq!(turns[0]["text"], "hi \u{fffd}\u{fffd} and the rest");
    assert_eq!(turns[0]["complete"], true);
    assert_eq!(
        turns[0]["warnings"],
        serde_json::json!([said(
            "the stream's events",
            r"hold 2 lone UTF-16 surrogate escapes (the first \ud83d)"
        )])
    );
    assert_eq!(turns[1]["text"], "cut at \u{fffd}");
    assert_eq!(
        turns[1]["warnings"],
        serde_json::json!([said(
            "the response body",
            r"holds a lone UTF-16 surrogate escape (\ud83d)"
        )])
    );
    let (plain, _, _) = inspect(&["fixtures/har/browser.har"]);
    assert_eq!(turns.len(), 2 + plain.len());
    assert_eq!(
        turns[2]["text"],
        "\u{fffd}Let me check the forecast for Lisbon."
    );
    assert_eq!(
        turns[2]["warnings"],
        serde_json::json!([said(
            "the entry",
            r"holds a lone UTF-16 surrogate escape (\ud83d)"
        )])
    );
    for (turn, plain) in turns[3..].iter().zip(&plain[1..]) {
        assert_eq!(turn["text"], plain["text"]);
        assert_eq!(turn["warnings"], plain["warnings"]);
    }
}

#[test]
fn the_names_a_request_gives_lose_the_credentials_of_its_archive_entry() {
    // Hostile run 69 D1: a HAR's own key, repeated in an offered tool's name and a tool
    // result's id, was cut from the response's names only.
    let key = "Rk8sWq3zLm5nXv2T";
    let request = serde_json::json!({
        "model": "claude-sonnet-4-5", "max_tokens": 10,
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": [{"type": "tool_use", "id": format!("toolu_{key}"), "name": "get", "input": {}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": format!("toolu_{key}"), "content": "ok"}]}
        ],
        "tools": [{"name": format!("n_{key}"), "input_schema": {"type": "object"}}]
    });
    let response = serde_json::json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": format!("m-{key}"),
        "content": [{"type": "text", "text": "yo"}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 1, "output_tokens": 1}
    });
    let entry = serde_json::json!({
        "startedDateTime": "2025-05-01T21:29:58.102Z", "time": 1,
        "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages",
            "headers": [{"name": "x-api-key", "value": key}],
            "postData": {"mimeType": "application/json", "text": request.to_string()}},
        "response": {"status": 200, "headers": [{"name": "content-type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": response.to_string()}}
    });
    let dir = scratch("request-names-credentials");
    let file = dir.join("key.har");
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [entry]}});
    std::fs::write(&file, har.to_string()).unwrap();
    let (stdout, stderr, code) = run_within(&["inspect", "--format", "jsonl", str_of(&file)]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains(key), "{stdout}");
    assert!(stdout.contains("n_…"), "{stdout}");
}

#[test]
fn a_file_named_as_a_capture_holding_a_body_of_no_api_fails_validate() {
    // Hostile run 69 D7: `{}` as `capture.har`, `[]` as `stream.sse`, an event stream of
    // no API, and a fixture's sections holding `{}` and `[]` passed.
    let dir = scratch("named-no-api");
    std::fs::write(dir.join("capture.har"), "{}\n").unwrap();
    std::fs::write(dir.join("stream.sse"), "[]\n").unwrap();
    std::fs::write(dir.join("other.sse"), "event: x\ngarbage line here\n\n").unwrap();
    std::fs::write(
        dir.join("fixture.txtar"),
        "-- request --\n{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n\
         -- streaming --\n{}\n-- non-streaming --\n[]\n",
    )
    .unwrap();
    // Keep-alives alone are a capture that caught no answer: skipped, as before.
    std::fs::write(dir.join("idle.sse"), ": ping\n\ndata: [DONE]\n\n").unwrap();
    let (stdout, _, code) = run_within(&["validate", str_of(&dir)]);
    assert_eq!(code, 1, "{stdout}");
    for file in [
        "capture.har",
        "stream.sse",
        "other.sse",
        "fixture.txtar:3",
        "fixture.txtar:5",
    ] {
        assert!(
            stdout.contains(&format!("{file}: error[parse-capture]")),
            "{file}: {stdout}"
        );
    }
    assert!(!stdout.contains("idle.sse"), "{stdout}");
}

#[test]
fn a_gzip_har_cut_short_keeps_the_entries_before_the_cut() {
    // Hostile run 70 D5: the reader that mends lone surrogates panicked on the read after
    // the decompressor's error, and the whole archive was lost.
    let har = std::fs::read(root().join("fixtures/har/browser.har")).unwrap();
    let packed = gzip(&har);
    let dir = scratch("cut-gzip-har");
    let file = dir.join("cut.har.gz");
    std::fs::write(&file, &packed[..packed.len() - 100]).unwrap();
    let (turns, stderr, code) = inspect(&[str_of(&file)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(!turns.is_empty(), "{stderr}");
    assert!(stderr.contains("the gzip data is cut short"), "{stderr}");
    assert!(!stderr.contains("bug"), "{stderr}");
}
