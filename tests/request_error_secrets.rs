//! A gateway dump's `.req_error.txt` is what the HTTP client said when the upstream call
//! failed, and clients quote the request's URL, query string and all (issue 13, hostile
//! finding F8); an HTTP error whose body is no JSON (a proxy's plain-text or HTML 401) may
//! echo the same, or the key itself, and so may a JSON error. The text is the turn's error
//! message: no output may carry the secret in it.

mod common;
use common::*;

/// A dump folder of one request whose upstream call gave `answer`, in the half named by
/// `extension` (`req_error.txt`: the client's error text; `resp.txt`: a response).
fn dump_with(name: &str, extension: &str, answer: &str) -> std::path::PathBuf {
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
    std::fs::write(stem.with_extension(extension), answer).unwrap();
    dir
}

/// A dump folder of one request whose upstream call failed with `error` as its text.
fn dump_with_error(name: &str, error: &str) -> std::path::PathBuf {
    dump_with(name, "req_error.txt", error)
}

/// Runs every output format over `path`, and checks none carries `ZQXSECRET`.
fn no_output_carries_the_secret(path: &str) {
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

#[test]
fn a_request_errors_query_string_and_credentials_reach_no_output() {
    let dir = dump_with_error(
        "query-string",
        "Post \"https://gw.example/v1/messages?key=ZQXSECRET\": dial tcp: i/o timeout \
         for sk-ant-api03-ZQXSECRETabcdefghijklmnop (Authorization: Bearer ZQXSECRET)",
    );
    let path = dir.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 1);
    // The message keeps what went wrong and where, and says what was cut.
    assert_eq!(
        turns[0]["error"]["message"],
        "Post \"https://gw.example/v1/messages?…\": dial tcp: i/o timeout for sk-… \
         (Authorization: …"
    );
    no_output_carries_the_secret(path);
}

#[test]
fn a_plain_text_http_errors_credentials_reach_no_output() {
    // A proxy's HTML 401 echoing the header, the URL and the keys, labelled or bare.
    let dir = dump_with(
        "plain-401",
        "resp.txt",
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\n\r\n<html><body>\n\
         <p>Invalid credentials for https://gw.example/v1/messages?key=ZQXSECRET</p>\n\
         <p>Authorization: Bearer ZQXSECRET</p>\n\
         <p>The key sk-ant-api03-ZQXSECRET-abcdefghijklmnopqrstuvwxyz0123 is revoked;\n\
         so is (sk-proj-ZQXSECRETabcdefghijkl), and AKIAZQXSECRET1234567 has no access.</p>\n\
         </body></html>",
    );
    let path = dir.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0]["error"]["status"], 401);
    // What went wrong stays, and what was cut is shown.
    assert_eq!(
        turns[0]["error"]["message"],
        "<html><body>\n<p>Invalid credentials for https://gw.example/v1/messages?…</p>\n\
         <p>Authorization: …\n<p>The key sk-… is revoked;\n\
         so is (sk-…), and AKIA… has no access.</p>\n</body></html>"
    );
    no_output_carries_the_secret(path);
}

#[test]
fn a_json_errors_quoted_credentials_reach_no_output() {
    // A provider's or gateway's JSON error echoing the key it was given.
    let dir = dump_with(
        "json-401",
        "resp.txt",
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n\
         {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\
         \"message\":\"invalid x-api-key: sk-ant-api03-ZQXSECRET-abcdefghijklmnopqrstuvwxyz0123\"}}",
    );
    let path = dir.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0]["error"]["type"], "authentication_error");
    assert_eq!(turns[0]["error"]["message"], "invalid x-api-key: …");
    no_output_carries_the_secret(path);
}

#[test]
fn an_error_type_shaped_like_a_key_reaches_no_output() {
    // An error's `type` (a Chat error's `code`) is kept when it is an identifier, and an
    // identifier may be a key: `ghp_…` printed in every table and summary (hostile run 11).
    let dir = dump_with(
        "type-401",
        "resp.txt",
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n\
         {\"type\":\"error\",\"error\":{\"type\":\"ghp_ZQXSECRETabcdefghijklmnopqrstuvwxyz01\",\
         \"message\":\"bad\"}}",
    );
    let path = dir.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    // Redacted whole, it is no type any more, as it would be read back.
    assert!(turns[0]["error"]["type"].is_null(), "{}", turns[0]["error"]);
    assert_eq!(turns[0]["error"]["message"], "bad");
    no_output_carries_the_secret(path);
}
