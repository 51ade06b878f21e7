//! A gateway dump's `.req_error.txt` is what the HTTP client said when the upstream call
//! failed, and clients quote the request's URL, query string and all (issue 13, hostile
//! finding F8). The text is the turn's error message: no output may carry the secret in it.

mod common;
use common::*;

/// A dump folder of one request whose upstream call failed with `error` as its text.
fn dump_with_error(name: &str, error: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    let model = dir.join("anthropic").join("claude-x");
    std::fs::create_dir_all(&model).unwrap();
    let stem = model.join("1746180000125-2b7e4c1a-93d5-4f0e-8a61-0c3b5d9e7f23");
    std::fs::write(
        stem.with_extension("req.txt"),
        "POST /v1/messages HTTP/1.1\r\n\r\n{\"model\":\"claude-x\",\"messages\":[{\"role\":\"user\",\
         \"content\":\"hi\"}]}",
    )
    .unwrap();
    std::fs::write(stem.with_extension("req_error.txt"), error).unwrap();
    dir
}

#[test]
fn a_request_errors_query_string_and_credentials_reach_no_output() {
    let dir = dump_with_error(
        "query-string",
        "Post \"https://gw.example/v1/messages?key=ZQXSECRET\": dial tcp: i/o timeout \
         (Authorization: Bearer ZQXSECRET)",
    );
    let path = dir.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 1);
    // The message keeps what went wrong and where, and says what was cut.
    assert_eq!(
        turns[0]["error"]["message"],
        "Post \"https://gw.example/v1/messages?…\": dial tcp: i/o timeout (Authorization: …"
    );
    let runs: [&[&str]; 14] = [
        &["inspect", "-f", "jsonl"],
        &["inspect", "-f", "json"],
        &["inspect", "-f", "csv"],
        &["inspect", "-f", "markdown"],
        &["inspect", "-f", "table"],
        &["inspect", "-f", "table", "--view", "all"],
        &["inspect", "-f", "otlp"],
        &["inspect", "-f", "otlp", "--otel-content"],
        &["summary"],
        &["summary", "-f", "json"],
        &["validate"],
        &["validate", "-f", "json"],
        &["validate", "-f", "junit"],
        &["validate", "-f", "github"],
    ];
    for args in runs {
        let mut args = args.to_vec();
        args.push(path);
        let out = run(&args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // `validate` has no finding to write here (`-f json` writes one line a finding).
        assert!(
            args[0] == "validate" || !out.stdout.is_empty(),
            "{args:?}: {all}"
        );
        assert!(!all.contains("ZQXSECRET"), "{args:?}: {all}");
    }
}
