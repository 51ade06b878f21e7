//! A body whose `Content-Encoding` this tool does not undo (issue 13, hostile finding F10):
//! it was passed over as "an event stream of no API" and `validate` said all valid. It now
//! fails the input, naming the coding when it is a registered one; a mislabelled body that
//! is text as it is still reads.

mod common;
use common::*;

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

const STREAM: &[u8] = b"event: message_start\n\
    data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_enc\",\"model\":\"x\"}}\n\n";

fn http(encoding: &str, body: &[u8]) -> Vec<u8> {
    let mut data = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Encoding: {encoding}\r\n\r\n"
    )
    .into_bytes();
    data.extend_from_slice(body);
    data
}

#[test]
fn a_body_in_a_coding_not_undone_fails_inspect_and_validate() {
    let dir = scratch("not-undone");
    for (name, encoding, says) in [
        ("compress.http", "compress", "the coding compress, but"),
        ("aes.http", "aes128gcm", "the coding aes128gcm, but"),
        ("blank.http", " , ", "a coding list that names none"),
        ("secret.http", "x-ZQXSECRET", "the coding …, but"),
    ] {
        let file = dir.join(name);
        std::fs::write(&file, http(encoding, &gzip(STREAM))).unwrap();
        let path = file.to_str().unwrap();
        for command in ["inspect", "validate"] {
            let out = run(&[command, path]);
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(1), "{command} {name}: {all}");
            assert!(
                all.contains(name)
                    && all.contains(says)
                    && all.contains("this tool does not undo that coding"),
                "{command} {name}: {all}"
            );
            assert!(!all.contains("ZQXSECRET"), "{all}");
        }
    }
}

#[test]
fn a_text_body_in_a_coding_not_undone_reads_with_an_http_coding_warning() {
    // Hostile run 60: `compress`, `aes128gcm` or an unknown coding on a text body passed
    // `validate` with no finding, though gzip there was a warning.
    let dir = scratch("text-not-undone");
    for (n, (encoding, says)) in [
        ("compress", "the coding compress,"),
        ("aes128gcm", "the coding aes128gcm,"),
        ("x-ZQXSECRET", "a coding this tool does not know"),
    ]
    .into_iter()
    .enumerate()
    {
        let file = dir.join(format!("{n}.http"));
        std::fs::write(&file, http(encoding, STREAM)).unwrap();
        let out = run(&["validate", file.to_str().unwrap()]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("warning[http-coding]") && stdout.contains(says),
            "{encoding}: {stdout}"
        );
        assert!(!stdout.contains("ZQXSECRET"), "{stdout}");
    }
}

#[test]
fn a_mislabelled_body_that_is_text_and_a_coding_with_parameters_still_read() {
    let dir = scratch("readable");
    let plain = dir.join("plain.http");
    std::fs::write(&plain, http("compress", STREAM)).unwrap();
    let with_q = dir.join("with-q.http");
    std::fs::write(&with_q, http("gzip;q=1", &gzip(STREAM))).unwrap();
    for file in [plain, with_q] {
        let (turns, stderr, code) = inspect(&[file.to_str().unwrap()]);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(turns.len(), 1, "{stderr}");
        assert_eq!(turns[0]["id"], "msg_enc");
    }
}
