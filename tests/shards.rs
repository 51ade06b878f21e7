//! Runs bigger than one machine: `--shard K/N` splits the inputs so that every input is in
//! exactly one part, and this tool's JSONL read back (`cat part-*.jsonl | aibridge-trace
//! summary -`) is the whole run again: the same turns, threaded into the same sessions
//! across parts, the same summary.

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

/// The captures split: every one gives a turn (the README and the passthrough dump, which
/// give none, are left out: turns printed as JSONL carry no trace of inputs without any,
/// so a summary of them read back could not count those).
const INPUTS: [&str; 6] = [
    "--exclude",
    "*.md",
    "--exclude",
    "passthrough",
    "fixtures/",
    "tests/data/sessions/",
];

/// Runs the binary with `args`, `stdin` piped in; returns stdout, checking it succeeded.
fn run_with_stdin(args: &[&str], stdin: &[u8]) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
        .args(args)
        .current_dir(common::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || pipe.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn stdout_of(args: &[&str]) -> String {
    let out = common::run(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The JSONL of part `k` of `n`.
fn part(k: usize, n: usize) -> String {
    let shard = format!("{k}/{n}");
    let mut args = vec!["inspect", "--format", "jsonl", "--quiet", "--shard", &shard];
    args.extend(INPUTS);
    stdout_of(&args)
}

/// The parts of a run split in `n`, concatenated last part first: the order the parts come
/// in must not matter.
fn parts(n: usize) -> String {
    (1..=n).rev().map(|k| part(k, n)).collect()
}

fn whole(args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.push("--quiet");
    all.extend(INPUTS);
    stdout_of(&all)
}

#[test]
fn every_turn_is_in_exactly_one_part() {
    let key = |line: &str| {
        let turn: Value = serde_json::from_str(line).unwrap();
        turn["source"].to_string()
    };
    let all: Vec<String> = whole(&["inspect", "--format", "jsonl"])
        .lines()
        .map(key)
        .collect();
    assert!(all.len() > 100);
    for n in [1, 2, 7] {
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for k in 1..=n {
            for line in part(k, n).lines() {
                *seen.entry(key(line)).or_default() += 1;
            }
        }
        assert_eq!(seen.len(), all.len(), "{n} parts");
        assert!(seen.values().all(|&count| count == 1), "{n} parts");
    }
    // Splitting in 7 puts something in more than one part (the inputs are spread).
    let filled = (1..=7).filter(|&k| !part(k, 7).is_empty()).count();
    assert!(filled >= 4, "{filled} of 7 parts hold turns");
}

#[test]
fn parts_read_back_are_the_whole_run() {
    let jsonl = whole(&["inspect", "--format", "jsonl"]);
    // The whole run's JSONL, read back, prints itself: every turn, its session and its
    // calls' results as threading found them in the captures.
    assert_eq!(
        run_with_stdin(&["inspect", "--format", "jsonl", "-"], jsonl.as_bytes()),
        jsonl
    );
    let summary = |by: Option<&str>, format: &str, input: &str| {
        let mut args = vec!["summary", "--format", format];
        if let Some(by) = by {
            args.extend(["--by", by]);
        }
        args.push("-");
        run_with_stdin(&args, input.as_bytes())
    };
    let one_run = summary(None, "json", &jsonl);
    let by_session = summary(Some("session"), "json", &jsonl);
    let table = summary(Some("tool"), "table", &jsonl);
    for n in [1, 2, 7] {
        let split = parts(n);
        assert_eq!(
            run_with_stdin(&["inspect", "--format", "jsonl", "-"], split.as_bytes()),
            jsonl,
            "the turns of {n} parts"
        );
        assert_eq!(summary(None, "json", &split), one_run, "{n} parts");
        assert_eq!(
            summary(Some("session"), "json", &split),
            by_session,
            "{n} parts"
        );
        assert_eq!(summary(Some("tool"), "table", &split), table, "{n} parts");
    }

    // The OpenTelemetry export of the parts is the captures' own, ids and times included.
    assert_eq!(
        run_with_stdin(&["inspect", "--format", "otlp", "-"], parts(7).as_bytes()),
        whole(&["inspect", "--format", "otlp"])
    );

    // Against the summary of the captures themselves: byte for byte the same, files
    // included (the turns read back count the captures they came from).
    let direct = whole(&["summary", "--format", "json"]);
    let direct_value: Value = serde_json::from_str(&direct).unwrap();
    assert_eq!(
        direct_value["files"]["skipped"], 0,
        "every input gives a turn"
    );
    assert_eq!(direct_value["files"]["failed"], 0);
    for n in [1, 2, 7] {
        assert_eq!(summary(None, "json", &parts(n)), direct, "{n} parts");
    }
    // Sessions threaded across parts: in 7 parts, some session's turns lie in two parts
    // (dump folders hold one file per turn), and they still make one session.
    let sessions = |text: &str| -> BTreeMap<String, Value> {
        serde_json::from_str::<Value>(text).unwrap()["groups"]
            .as_object()
            .unwrap()
            .clone()
            .into_iter()
            .collect()
    };
    let whole_sessions = sessions(&whole(&["summary", "--format", "json", "--by", "session"]));
    assert_eq!(
        sessions(&summary(Some("session"), "json", &parts(7))),
        whole_sessions
    );
    assert!(
        whole_sessions
            .values()
            .any(|s| s["turns"].as_u64() > Some(2))
    );
}

/// In 2 and in 7 parts, some sessions have turns in several parts (a dump folder is one
/// file per turn): read back together, each is one session again, with the ids and steps
/// of the whole run.
#[test]
fn sessions_span_parts() {
    let sessions_of = |jsonl: &str| -> BTreeMap<String, (String, u64)> {
        jsonl
            .lines()
            .map(|line| {
                let turn: Value = serde_json::from_str(line).unwrap();
                let session = &turn["session"];
                (
                    turn["source"].to_string(),
                    (
                        session["id"].as_str().unwrap().to_string(),
                        session["step"].as_u64().unwrap(),
                    ),
                )
            })
            .collect()
    };
    let whole_run = sessions_of(&whole(&["inspect", "--format", "jsonl"]));
    for n in [2, 7] {
        let mut parts_of_session: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for k in 1..=n {
            // By the session each turn has in the whole run: a part alone threads only
            // its own turns.
            for source in sessions_of(&part(k, n)).into_keys() {
                let id = whole_run[&source].0.clone();
                parts_of_session.entry(id).or_default().push(k);
            }
        }
        let across = parts_of_session
            .values()
            .filter(|parts| parts.iter().any(|&k| k != parts[0]))
            .count();
        assert!(across >= 1, "{n} parts: no session spans two parts");
        let joined = run_with_stdin(&["inspect", "--format", "jsonl", "-"], parts(n).as_bytes());
        assert_eq!(sessions_of(&joined), whole_run, "{n} parts");
    }
}

/// The JSONL of the `n` parts of a run whose inputs `run` adds, last part first.
fn split_in(n: usize, run: impl Fn(&[&str]) -> String) -> String {
    let part = |k: usize| {
        let shard = format!("{k}/{n}");
        run(&["inspect", "--format", "jsonl", "--shard", &shard])
    };
    (1..=n).rev().map(part).collect()
}

/// Hostile run 25, D2: a corpus may hold an earlier run's JSONL beside its captures. Its
/// turns stay at that file's place, in its order, and the parts of a split run put them
/// back there: the places they had in the earlier run are no places in this one. A part of
/// another split run among the inputs keeps that run's places, and every run orders its
/// turns and this run's that hold the same place alike.
#[test]
fn earlier_runs_jsonl_among_the_inputs_is_placed_alike_in_every_part() {
    let dir = common::scratch("shard-earlier-run");
    let earlier = dir.join("earlier.jsonl");
    let printed = stdout_of(&["inspect", "--format", "jsonl", "tests/data/sessions/"]);
    std::fs::write(&earlier, &printed).unwrap();
    let other_part = dir.join("other-part.jsonl");
    let args = ["inspect", "--format", "jsonl", "--shard", "1/2"];
    std::fs::write(
        &other_part,
        stdout_of(&[&args[..], &["fixtures/"]].concat()),
    )
    .unwrap();
    let inputs = [
        "--exclude",
        "*.md",
        "--exclude",
        "passthrough",
        "fixtures/",
        earlier.to_str().unwrap(),
        other_part.to_str().unwrap(),
        "tests/data/sessions/",
    ];
    let run = |args: &[&str]| {
        let mut all = args.to_vec();
        all.push("--quiet");
        all.extend(inputs);
        stdout_of(&all)
    };
    let paths = |jsonl: &str| -> Vec<String> {
        let path =
            |line: &str| serde_json::from_str::<Value>(line).unwrap()["source"]["path"].to_string();
        jsonl.lines().map(path).collect()
    };
    let whole = run(&["inspect", "--format", "jsonl"]);
    // The earlier run's turns, as it printed them, stay together at its file's place.
    let all = paths(&whole);
    let earlier_paths = paths(&printed);
    let first = all.iter().position(|p| p.contains("tests/data/sessions"));
    let first = first.unwrap();
    assert!(first > 0);
    assert_eq!(all[first..first + earlier_paths.len()], earlier_paths[..]);

    let views = [
        &["inspect", "--format", "jsonl"][..],
        &["inspect", "--view", "sessions", "--format", "jsonl"],
        &["inspect", "--format", "otlp"],
    ];
    for view in views {
        let expected = run(view);
        for n in [2, 3, 7] {
            let split = split_in(n, run);
            let mut args = view.to_vec();
            args.push("-");
            let joined = run_with_stdin(&args, split.as_bytes());
            assert_eq!(joined, expected, "{view:?}, {n} parts");
        }
    }
}

/// Hostile run 26, D2: a capture named twice (here inside a folder also named) is read, and
/// counted, twice by the whole run; the parts joined count it twice as well.
#[test]
fn a_capture_named_twice_is_counted_twice_by_the_parts_too() {
    let inputs = [
        "fixtures/anthropic-messages/",
        "fixtures/anthropic-messages/simple.txtar",
    ];
    let with = |args: &[&str]| stdout_of(&[args, &["--quiet"], &inputs[..]].concat());
    let whole = with(&["summary", "--format", "json"]);
    let read =
        |summary: &str| serde_json::from_str::<Value>(summary).unwrap()["files"]["read"].clone();
    let folder = std::fs::read_dir("fixtures/anthropic-messages")
        .unwrap()
        .count();
    assert_eq!(read(&whole), folder + 1);
    for n in [1, 3] {
        let split = split_in(n, with);
        let joined = run_with_stdin(&["summary", "--format", "json", "-"], split.as_bytes());
        assert_eq!(joined, whole, "{n} parts");
    }
}

#[test]
fn a_line_that_is_no_turn_fails_alone() {
    let jsonl = whole(&["inspect", "--format", "jsonl"]);
    let first = jsonl.lines().next().unwrap();
    let broken = format!("{first}\n{{\"source\":{{\"path\":1}}}}\n{first}\n");
    let out = {
        let dir = common::scratch("shard-broken");
        let path = dir.join("turns.jsonl");
        std::fs::write(&path, broken).unwrap();
        common::run(&["inspect", "--format", "jsonl", path.to_str().unwrap()])
    };
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("turns.jsonl: line 2, column 19: not a turn of aibridge-trace's JSONL"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}

#[test]
fn a_line_that_is_no_turn_is_named_without_the_value_it_holds() {
    // Hostile run 12, D1: serde quotes the value of a field of the wrong type, and a file
    // of turns may hold anything there.
    let jsonl = whole(&["inspect", "--format", "jsonl"]);
    let first = jsonl.lines().next().unwrap();
    let mut turn: serde_json::Value = serde_json::from_str(first).unwrap();
    turn["streaming"] = "Authorization: Bearer ZQXSECRET1234abcd".into();
    turn["error"] = "Incorrect API key provided: sk-proj-ZQXSECRETabcdefghijklmnop".into();
    let dir = common::scratch("shard-secret");
    let path = dir.join("turns.jsonl");
    std::fs::write(&path, format!("{turn}\n")).unwrap();
    let out = common::run(&["inspect", "--format", "jsonl", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("line 1, column"), "{stderr}");
    assert!(stderr.contains("invalid type: string"), "{stderr}");
    assert!(!stderr.contains("ZQXSECRET"), "{stderr}");
}

/// Hostile run 28, D3: a turn's start read back was printed as any text it held (and its
/// first 10 characters were a `summary --by day` key); it is kept only as a timestamp.
#[test]
fn a_start_read_back_is_kept_only_as_a_timestamp() {
    let jsonl = whole(&["inspect", "--format", "jsonl"]);
    let first = jsonl.lines().next().unwrap();
    let mut turn: Value = serde_json::from_str(first).unwrap();
    let mut lines = String::new();
    for start in [
        "Authorization: Bearer ZQXSECRET1234abcd",
        "2025-05-01T23:30:00.5+02:00",
    ] {
        turn["timing"] =
            serde_json::json!({"started_at": start, "duration_ms": 1.0, "wait_ms": null});
        lines.push_str(&format!("{turn}\n"));
    }
    let dir = common::scratch("shard-started-at");
    let path = dir.join("turns.jsonl");
    std::fs::write(&path, lines).unwrap();
    let path = path.to_str().unwrap();
    for args in [
        &["inspect", "--format", "jsonl", path][..],
        &["summary", "--by", "day", "--format", "json", path],
    ] {
        let out = common::run(args);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("ZQXSECRET"), "{stdout}");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("ZQXSECRET"));
    }
    let out = stdout_of(&["inspect", "--format", "jsonl", path]);
    let starts: Vec<Value> = out
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["timing"]["started_at"].clone())
        .collect();
    assert_eq!(starts, [Value::Null, "2025-05-01T21:30:00.500Z".into()]);
    assert!(out.contains("timing.started_at"), "{out}");
}

#[test]
fn a_bad_shard_is_a_usage_error() {
    for bad in ["0/2", "3/2", "x", "1/0"] {
        let out = common::run(&["inspect", "--shard", bad, "fixtures/"]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--shard"), "{stderr}");
    }
}

/// Hostile run 43 D2 and its kin: what a turn quotes redacted (a proxy's error message, a
/// txtar section's name, a warning naming a tool call) is redacted again when read back,
/// and must print as the whole run printed it. Each first printed one way and read back
/// another: `APIキー: …=日本` then `APIキー: …=…`; `tool call "password" (call_abc123def456)`
/// then `(…)`.
#[test]
fn redacted_texts_read_back_as_they_were_printed() {
    let dir = common::scratch("redacted-read-back");
    let dump = dir.join("anthropic/claude-sonnet-4-5");
    std::fs::create_dir_all(&dump).unwrap();
    let request = r#"{"model":"claude-sonnet-4-5","max_tokens":64,"messages":[{"role":"user","content":"hi"}]}"#;
    std::fs::write(
        dump.join("x.req.txt"),
        format!("POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n{request}"),
    )
    .unwrap();
    std::fs::write(
        dump.join("x.resp.txt"),
        "HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\n\r\nAPIキー: abc123=日本",
    )
    .unwrap();
    let answer = r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[{"type":"text","text":"hello"}],"stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}"#;
    std::fs::write(
        dir.join("s.txtar"),
        format!("-- request --\n{request}\n-- keyP=ab191=ire --\n{answer}\n"),
    )
    .unwrap();
    let chunk = |delta: &str, finish: &str| {
        format!(
            "data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o\",\
             \"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":{finish}}}]}}\n\n"
        )
    };
    let call = r#"{"tool_calls":[{"index":0,"id":"call_abc123def456","type":"function","function":{"name":"password","arguments":"{\"city\": \"Oslo"}}]}"#;
    std::fs::write(
        dir.join("cut.sse"),
        [
            chunk(call, "null"),
            chunk("{}", "\"tool_calls\""),
            "data: [DONE]\n\n".into(),
        ]
        .concat(),
    )
    .unwrap();
    let dir = dir.to_str().unwrap();
    let whole = stdout_of(&["inspect", "--format", "jsonl", dir]);
    for said in [
        r#""message":"APIキー: …=…""#,
        r#""section":"keyP=…=…""#,
        r#"tool call \"password\" (…): arguments are not valid JSON"#,
    ] {
        assert!(whole.contains(said), "{said} in {whole}");
    }
    assert_eq!(
        run_with_stdin(&["inspect", "--format", "jsonl", "-"], whole.as_bytes()),
        whole
    );
    let joined: String = (1..=3)
        .map(|k| {
            stdout_of(&[
                "inspect",
                "--format",
                "jsonl",
                "--shard",
                &format!("{k}/3"),
                dir,
            ])
        })
        .collect();
    assert_eq!(
        run_with_stdin(&["inspect", "--format", "jsonl", "-"], joined.as_bytes()),
        whole
    );
}
