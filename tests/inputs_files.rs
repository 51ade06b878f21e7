//! How inputs are found and read: compressed files, HTTP transfer and content codings,
//! stdin, folder walks with --glob / --exclude / --hidden, links and loops, and bad input,
//! each failing alone with one message naming the file while the rest of the run goes on.

mod common;
use common::*;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(root().join(path)).unwrap()
}

/// Writes a Chat stream capture at `path`, making its folders.
fn stream_at(path: &std::path::Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, fixture("fixtures/raw/openai-chat-stream.sse")).unwrap();
}

/// The turns with `source` left out, to compare captures read different ways.
fn without_source(turns: &[Value]) -> Vec<Value> {
    turns
        .iter()
        .map(|t| {
            let mut t = t.clone();
            t.as_object_mut().unwrap().remove("source");
            // A session's id hashes where its first turn came from.
            t.as_object_mut().unwrap().remove("session");
            t
        })
        .collect()
}

fn str_of(path: &Path) -> &str {
    path.to_str().unwrap()
}

#[test]
fn gzip_and_zstd_files_read_as_what_they_hold() {
    let dir = scratch("compressed");
    let cases = [
        "fixtures/raw/openai-chat-stream.sse",
        "fixtures/openai-responses/commentary.txtar",
        "fixtures/raw/anthropic-stream.http",
    ];
    for case in cases {
        let data = fixture(case);
        let name = Path::new(case).file_name().unwrap().to_str().unwrap();
        let gz = dir.join(format!("{name}.gz"));
        std::fs::write(&gz, gzip(&data)).unwrap();
        // Named for what it is not: content decides, not the name.
        let zst = dir.join(format!("{name}.txt"));
        let level = ruzstd::encoding::CompressionLevel::Fastest;
        std::fs::write(&zst, ruzstd::encoding::compress_to_vec(&data[..], level)).unwrap();
        let plain = turns_of(case);
        assert!(!plain.is_empty());
        for packed in [&gz, &zst] {
            let (turns, stderr, code) = inspect(&[str_of(packed)]);
            assert_eq!(code, 0, "{stderr}");
            assert_eq!(without_source(&turns), without_source(&plain), "{packed:?}");
            assert_eq!(turns[0]["source"]["path"], str_of(packed));
        }
    }
}

#[test]
fn chunked_then_compressed_http_bodies_are_decoded() {
    let plain = without_source(&turns_of("fixtures/raw/openai-responses-text.sse"));
    for case in [
        "tests/data/inputs/chunked-br.http",
        "tests/data/inputs/chunked-zstd.http",
    ] {
        let turns = turns_of(case);
        assert_eq!(without_source(&turns), plain, "{case}");
    }
    // Cut inside a chunk: what came is kept, and the stream is incomplete.
    let cut = turns_of("tests/data/inputs/chunked-cut.http");
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0]["complete"], false);
    assert!(cut[0]["text"].as_str().is_some_and(|t| !t.is_empty()));
}

#[test]
fn a_dash_reads_stdin_plain_or_compressed() {
    let data = fixture("fixtures/raw/anthropic-crlf.sse");
    let plain = without_source(&turns_of("fixtures/raw/anthropic-crlf.sse"));
    for input in [data.clone(), gzip(&data)] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
            .args(["inspect", "--format", "jsonl", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        let turns: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(without_source(&turns), plain);
        assert_eq!(turns[0]["source"]["path"], "<stdin>");
    }
}

/// The `source.path`s of a run over `args`.
fn paths(args: &[&str]) -> (Vec<String>, String, i32) {
    let (turns, stderr, code) = inspect(args);
    let paths = turns
        .iter()
        .map(|t| t["source"]["path"].as_str().unwrap().to_string())
        .collect();
    (paths, stderr, code)
}

#[test]
fn walks_skip_hidden_and_vcs_folders_and_follow_globs() {
    let dir = scratch("walk");
    let sse = fixture("fixtures/raw/openai-chat-stream.sse");
    for rel in [
        "a/one.sse",
        "a/deep/two.sse",
        "b/three.sse",
        ".hidden/four.sse",
        ".git/five.sse",
        "a/.six.sse",
        "a/seven.capture",
    ] {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &sse).unwrap();
    }
    let d = str_of(&dir);
    let rel = |ps: Vec<String>| -> Vec<String> {
        ps.into_iter()
            .map(|p| p.strip_prefix(&format!("{d}/")).unwrap().to_string())
            .collect()
    };
    let (all, _, code) = paths(&[d]);
    assert_eq!(code, 0);
    assert_eq!(
        rel(all),
        [
            "a/deep/two.sse",
            "a/one.sse",
            "a/seven.capture",
            "b/three.sse"
        ]
    );
    let (globbed, _, _) = paths(&["--glob", "*.sse", "--exclude", "b", d]);
    assert_eq!(rel(globbed), ["a/deep/two.sse", "a/one.sse"]);
    // With a `/`, a pattern matches the path below the folder, and `*` stays in one folder.
    let (by_path, _, _) = paths(&["--glob", "a/*.sse", d]);
    assert_eq!(rel(by_path), ["a/one.sse"]);
    let (hidden, _, _) = paths(&["--hidden", "--glob", "*.sse", d]);
    assert_eq!(
        rel(hidden),
        [
            ".hidden/four.sse",
            "a/.six.sse",
            "a/deep/two.sse",
            "a/one.sse",
            "b/three.sse"
        ]
    );
    // A file named on the command line is read whatever the patterns say.
    let named = dir.join("a/seven.capture");
    let (named, _, _) = paths(&["--glob", "*.sse", str_of(&named)]);
    assert_eq!(named.len(), 1);
    assert_eq!(run(&["inspect", "--glob", "a[", d]).status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn links_are_followed_and_a_loop_is_one_error() {
    let dir = scratch("loop");
    stream_at(&dir.join("caps/inner/x.sse"));
    std::os::unix::fs::symlink(dir.join("caps"), dir.join("caps/inner/back")).unwrap();
    std::os::unix::fs::symlink(dir.join("caps/inner/x.sse"), dir.join("caps/linked.sse")).unwrap();
    let caps = dir.join("caps");
    let (found, stderr, code) = paths(&[str_of(&caps)]);
    assert_eq!(code, 1);
    let c = str_of(&caps);
    assert_eq!(
        found,
        [format!("{c}/inner/x.sse"), format!("{c}/linked.sse")]
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].contains(&format!("{c}/inner/back: a directory loop")),
        "{stderr}"
    );
}

/// Hostile run 27, D1: links that lead into one folder many ways (two links in each folder
/// to the next) made a path to the one capture for every way down, 2^depth of them. A
/// folder is walked through its first 8 links (hostile run 29, D6: a glob may name any of
/// them), and further ones are passed over quietly (run 28, D5: they are no file).
#[cfg(unix)]
#[test]
fn a_folder_reached_through_many_links_is_walked_a_bounded_number_of_times() {
    let dir = scratch("diamond");
    let depth = 20;
    for level in 0..=depth {
        std::fs::create_dir_all(dir.join(format!("d{level}"))).unwrap();
    }
    for level in 0..depth {
        for link in ["a", "b"] {
            let next = format!("../d{}", level + 1);
            std::os::unix::fs::symlink(next, dir.join(format!("d{level}/{link}"))).unwrap();
        }
    }
    stream_at(&dir.join(format!("d{depth}/x.sse")));
    let start = dir.join("d0");
    let (found, stderr, code) = paths(&[str_of(&start)]);
    assert_eq!(code, 0, "{stderr}");
    let down = "/a".repeat(depth);
    assert_eq!(found.len(), 8, "{found:?}");
    assert_eq!(found[0], format!("{}{down}/x.sse", str_of(&start)));
    assert_eq!(stderr, "");
}

/// Hostile run 28, D2: a link sorting before the folder it leads to (`current -> run-3`)
/// walked it first, and `--glob 'run-3/*'` then found nothing: a folder's own path is
/// always walked.
#[cfg(unix)]
#[test]
fn a_glob_naming_a_folder_finds_it_behind_a_link_that_sorts_first() {
    let dir = scratch("glob-behind-link");
    stream_at(&dir.join("run-3/x.sse"));
    std::os::unix::fs::symlink("run-3", dir.join("current")).unwrap();
    let root = str_of(&dir);
    let (found, stderr, code) = paths(&["--glob", "run-3/*", root]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(found, [format!("{root}/run-3/x.sse")]);
    let (found, _, _) = paths(&["--glob", "current/*", root]);
    assert_eq!(found, [format!("{root}/current/x.sse")]);
}

/// Hostile run 28, D1, and 29, D1-D4: a link in a corpus to `/proc/kmsg` blocked the run
/// forever (it says it is empty and waits for the kernel), one to `/proc` or `/` walked the
/// machine, and a `proc` mounted anywhere was walked. A walk passes over the kernel's file
/// systems, told by type, quietly (they hold no file of the corpus); a file of them named,
/// or a dump's other half leading there, fails.
#[cfg(target_os = "linux")]
#[test]
fn the_kernels_file_systems_are_not_read() {
    let dir = scratch("system-links");
    stream_at(&dir.join("x.sse"));
    std::os::unix::fs::symlink("/proc/kmsg", dir.join("kmsg.sse")).unwrap();
    std::os::unix::fs::symlink("/proc/self", dir.join("self")).unwrap();
    std::os::unix::fs::symlink("/sys", dir.join("sys")).unwrap();
    let root = str_of(&dir);
    let (found, stderr, code) = paths(&[root]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(found, [format!("{root}/x.sse")]);
    assert_eq!(stderr, "");

    let pair = scratch("system-pair");
    stream_at(&pair.join("1-abc.resp.txt"));
    std::os::unix::fs::symlink("/proc/version", pair.join("1-abc.req.txt")).unwrap();
    let (_, stderr, code) = paths(&[str_of(&pair)]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("1-abc.req.txt: a file of the kernel's (procfs)"),
        "{stderr}"
    );
    let (_, stderr, code) = paths(&["/proc/version"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("/proc/version: a file of the kernel's (procfs)"),
        "{stderr}"
    );
}

/// Runs `bad` next to a good capture: the good one's turn comes out, `bad` gets exactly one
/// line on stderr naming it and containing `why`, and the exit code is 1.
fn fails_alone(bad: &str, why: &str) {
    let good = "fixtures/raw/anthropic-crlf.sse";
    let (found, stderr, code) = paths(&[bad, good]);
    assert_eq!(code, 1, "{bad}: {stderr}");
    assert!(
        found.contains(&good.to_string()),
        "{bad}: the good file is lost"
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| l.contains(bad)).collect();
    assert_eq!(lines.len(), 1, "{bad}: {stderr}");
    assert!(
        lines[0].starts_with(&format!("aibridge-trace: {bad}")),
        "{stderr}"
    );
    assert!(lines[0].contains(why), "{bad}: {why:?} not in {stderr}");
}

#[test]
fn bad_inputs_fail_alone_with_their_name() {
    let dir = scratch("bad");
    let empty = dir.join("empty.sse");
    std::fs::write(&empty, "").unwrap();
    let empty_gz = dir.join("empty.sse.gz");
    std::fs::write(&empty_gz, gzip(b"")).unwrap();
    let bomb = dir.join("bomb.sse.gz");
    std::fs::write(&bomb, gzip(&vec![b' '; 80 << 20])).unwrap();
    let xz = dir.join("capture.sse.xz");
    std::fs::write(&xz, b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46").unwrap();
    let not_json = dir.join("traffic.har");
    std::fs::write(&not_json, "this is no JSON at all\n").unwrap();

    fails_alone("no/such/capture.har", "no such file or directory");
    fails_alone(str_of(&empty), "the file is empty");
    fails_alone(str_of(&empty_gz), "the file is empty");
    fails_alone("tests/data/garbage.bin", "not a capture");
    fails_alone(str_of(&not_json), "not a capture");
    fails_alone(
        "tests/data/inputs/not-json.har",
        "the HAR is not valid JSON",
    );
    fails_alone(
        "tests/data/inputs/truncated.sse.gz",
        "the gzip data is cut short",
    );
    fails_alone(str_of(&bomb), "decompression bomb");
    fails_alone(str_of(&xz), "xz-compressed");
}

#[test]
fn a_har_cut_short_keeps_its_whole_entries_and_fails() {
    let (turns, stderr, code) = inspect(&["tests/data/inputs/truncated.har"]);
    assert_eq!(code, 1);
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0]["source"]["entry"], 0);
    assert_eq!(turns[0]["text"], "Autumn leaves drift down");
    assert!(
        stderr.contains("truncated.har: the HAR is cut short at line"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_fails_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("perm");
    let locked = dir.join("locked.sse");
    std::fs::write(&locked, fixture("fixtures/raw/openai-chat-stream.sse")).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        // Running as root: permissions do not stop reads, so there is nothing to test.
        return;
    }
    fails_alone(str_of(&locked), "permission denied");
}

#[test]
fn every_input_kind_comes_out_the_same_on_one_thread_and_many() {
    let args = |threads| {
        vec![
            "inspect",
            "--format",
            "jsonl",
            "--threads",
            threads,
            "fixtures/har",
            "fixtures/dumps",
            "tests/data/inputs",
            "fixtures/raw",
        ]
    };
    let one = run(&args("1"));
    let many = run(&args("4"));
    assert!(!one.stdout.is_empty());
    assert_eq!(one.stdout, many.stdout);
    assert_eq!(one.stderr, many.stderr);
}

#[test]
fn no_progress_bar_on_a_pipe() {
    let out = run(&["summary", "fixtures"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("ETA") && !stderr.contains('\u{1b}'),
        "{stderr}"
    );
}

#[test]
fn a_request_then_its_response_in_one_file_is_one_exchange() {
    let dir = scratch("exchange");
    let request = b"POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nx-api-key: sk-ant-secret\r\nContent-Type: application/json\r\n\r\n{\"model\":\"claude-sonnet-4-20250514\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hi\"}]}\r\n\r\n";
    let response = fixture("fixtures/raw/anthropic-stream.http");
    let plain = std::fs::read_to_string(root().join("fixtures/raw/anthropic-stream.http")).unwrap();
    let (head, body) = plain.split_once("\r\n\r\n").unwrap();
    let together = dir.join("exchange.http");
    std::fs::write(&together, [&request[..], &response].concat()).unwrap();
    // The response's body compressed: its coding is undone, the request's lines kept.
    let packed = dir.join("exchange-gzip.http");
    let coded = format!("{head}\r\nContent-Encoding: gzip\r\n\r\n");
    std::fs::write(
        &packed,
        [&request[..], coded.as_bytes(), &gzip(body.as_bytes())].concat(),
    )
    .unwrap();
    let alone = turns_of("fixtures/raw/anthropic-stream.http");
    for path in [&together, &packed] {
        let (turns, stderr, code) = inspect(&[str_of(path)]);
        assert_eq!((turns.len(), code), (1, 0), "{stderr}");
        let turn = &turns[0];
        // What the request says is read with the response...
        assert_eq!(turn["prompt"], "Say hi");
        assert_eq!(turn["request"]["params"]["max_tokens"], 64);
        // ...and the response is rebuilt as it is alone.
        for key in [
            "model",
            "id",
            "text",
            "usage",
            "stop_reason",
            "tool_calls",
            "complete",
        ] {
            assert_eq!(turn[key], alone[0][key], "{key} of {}", path.display());
        }
        let out = run(&["inspect", "--format", "jsonl", str_of(path)]);
        assert!(!String::from_utf8_lossy(&out.stdout).contains("sk-ant-secret"));
    }
    // Findings point at the file's lines: a response with no blank line after its last
    // event is found where that event stands, below the request.
    let cut = dir.join("exchange-cut.http");
    let text = [&request[..], plain.trim_end().as_bytes()].concat();
    std::fs::write(&cut, &text).unwrap();
    let out = run(&["validate", "--format", "json", str_of(&cut)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<String> = String::from_utf8_lossy(&text)
        .lines()
        .map(str::to_string)
        .collect();
    let last_event = lines.iter().rposition(|l| l.starts_with("event:")).unwrap() + 1;
    assert!(
        stdout.contains(&format!("\"line\":{last_event}")),
        "line {last_event}: {stdout}"
    );
}

#[test]
fn a_status_line_inside_a_request_body_is_not_where_the_response_starts() {
    let dir = scratch("exchange-split");
    let response = std::fs::read_to_string(root().join("fixtures/raw/anthropic-stream.http"))
        .unwrap()
        .replace(
            "HTTP/2.0 200 OK",
            "HTTP/2.0 200 OK\r\nx-request-id: ZQXN5-secret",
        );
    // A text body that holds a status line and a blank line: splitting there would make the
    // real response, its headers and all, the text of a made-up error.
    let fake = "note\r\nHTTP/1.1 500 Oops\r\n\r\n";
    let with_length = format!(
        "POST /v1/messages HTTP/1.1\r\nContent-Length: {}\r\n\r\n{fake}{response}",
        fake.len()
    );
    let without_length = format!("POST /v1/messages HTTP/1.1\r\n\r\n{fake}{response}");
    // A compressed JSON body, a line end after it: decoded, and the split found.
    let body =
        br#"{"model":"claude-x","max_tokens":8,"messages":[{"role":"user","content":"Say hi"}]}"#;
    let packed = [
        &b"POST /v1/messages HTTP/1.1\r\nContent-Encoding: gzip\r\n\r\n"[..],
        &gzip(body),
        b"\r\n",
        response.as_bytes(),
    ]
    .concat();
    for (name, data) in [
        ("with-length.http", with_length.into_bytes()),
        ("without-length.http", without_length.into_bytes()),
        ("gzip-request.http", packed),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &data).unwrap();
        for args in [
            &["inspect", "--format", "jsonl"][..],
            &["inspect", "--format", "table"],
            &["validate"],
        ] {
            let out = run(&[args, &[str_of(&path)]].concat());
            let all = [out.stdout, out.stderr].concat();
            assert!(
                !String::from_utf8_lossy(&all).contains("ZQXN5"),
                "{name} {args:?}: {}",
                String::from_utf8_lossy(&all)
            );
        }
        let (turns, stderr, _) = inspect(&[str_of(&path)]);
        // With no length, a request whose body is no JSON has no place to end: the file is
        // not split at all.
        if name == "without-length.http" {
            assert!(
                turns.is_empty() && stderr.contains("not a capture"),
                "{stderr}"
            );
            continue;
        }
        assert_eq!(turns.len(), 1, "{name}: {stderr}");
        assert_eq!(turns[0]["error"], Value::Null, "{name}");
        if name == "gzip-request.http" {
            assert_eq!(turns[0]["prompt"], "Say hi");
        }
    }
}

#[test]
fn a_compressed_request_keeps_its_split_and_its_own_findings() {
    // A gzip request body whose JSON is broken, its length given: once decoded, the length
    // no longer fits it, so the split is the one the file as stored gave.
    let dir = scratch("exchange-coded");
    let body = gzip(b"{\"model\":\"claude\",\n\"messages\":[]}}");
    let response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"type\":\"message\",\"id\":\"m\",\"model\":\"claude\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}";
    let head = format!(
        "POST /v1/messages HTTP/1.1\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let path = dir.join("coded.http");
    std::fs::write(
        &path,
        [head.as_bytes(), &body, b"\r\n", response.as_bytes()].concat(),
    )
    .unwrap();
    let out = run(&["validate", str_of(&path)]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("coded.http:5: error[parse-request-json]"),
        "{stdout}"
    );
    assert!(!stdout.contains("parse-body-json"), "{stdout}");
    let (turns, stderr, _) = inspect(&[str_of(&path)]);
    assert_eq!(turns.len(), 1, "{stderr}");
    assert_eq!(turns[0]["text"], "hi");
}
