//! How messages quote what a capture says: a name (a txtar section, an event type, a tool)
//! or a text. A message is a line for a person, and a hostile capture's name may be
//! megabytes long: past [`MAX_CHARS`] characters it is cut, ending in `…`. Every message
//! that quotes a capture cuts it here, so none quotes more. A name may also hold a
//! credential (a section named `request?key=…`): it is redacted as error text is
//! ([`crate::redact`]).

use std::borrow::Cow;
use std::fmt;

use crate::redact::{CUT, redacted};

/// The most characters of a capture's name or text a message quotes.
pub const MAX_CHARS: usize = 80;

/// `text` redacted, and cut to [`MAX_CHARS`] characters, ending in `…` when it was cut; a
/// text of more than [`REDACTED_WINDOW`] characters is `…` alone.
pub fn clip(text: &str) -> Cow<'_, str> {
    clip_to(text, MAX_CHARS)
}

/// `text` redacted and cut to `max_chars` characters, as [`clip`] does with [`MAX_CHARS`]:
/// for a message that quotes less of a text than most.
pub fn clip_to(text: &str, max_chars: usize) -> Cow<'_, str> {
    // Redacted before it is cut, so a credential that runs past the cut is known as one.
    // Past the window, a name is no name anyone gave a thing: it is not quoted at all, as
    // the redaction would have to read the whole of it (a credential's name far along
    // makes the shown part suspect, a secret may run across any cut) each time a message
    // quotes it.
    if text.char_indices().nth(REDACTED_WINDOW).is_some() {
        return Cow::Borrowed(CUT);
    }
    let redacted = redacted(text);
    match redacted.char_indices().nth(max_chars) {
        Some((at, _)) => Cow::Owned(format!("{}…", &redacted[..at])),
        None if redacted == text => Cow::Borrowed(text),
        None => Cow::Owned(redacted),
    }
}

/// As much of `text` as [`clip`] reads: its quote is the same as the whole text's.
pub fn quotable(text: &str) -> &str {
    match text.char_indices().nth(REDACTED_WINDOW + 1) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// The most characters of a name that is quoted at all: one name a provider or a client
/// gave ends well within this.
const REDACTED_WINDOW: usize = 4 * 1024;

/// `text` in double quotes with Rust's escapes (as `{:?}` writes a string, so no control
/// character reaches a terminal), cut as [`clip`] cuts it.
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", clip(self.0))
    }
}

/// A JSON error's description without serde_json's "at line L column C", which counts
/// from the start of the JSON rather than the file (findings carry the file's line). A shape
/// error quotes the value it met (`invalid type: string "sk-…", expected a sequence`); the
/// quote is left out, as reports go to CI logs and must not carry capture text. What is
/// left is redacted too, a second guard for a message of a shape not known here.
pub fn json_error(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let text = match text.rfind(" at line ") {
        Some(at) => &text[..at],
        None => &text,
    };
    redacted(&plain_expectation(&without_quotes(text)))
}

/// The Rust type names serde's messages end with (`expected struct Usage`, `expected
/// usize`), in words: what a reader of the message wrote is JSON, not Rust.
fn plain_expectation(text: &str) -> String {
    const EXPECTED: &str = ", expected ";
    let Some(at) = text.rfind(EXPECTED) else {
        return text.to_owned();
    };
    let wanted = &text[at + EXPECTED.len()..];
    let plain = match wanted {
        _ if wanted.starts_with("struct ") => "an object",
        "usize" | "u64" | "u32" | "u16" | "u8" => "a whole number of 0 or more",
        "isize" | "i64" | "i32" | "i16" | "i8" => "a whole number",
        "f64" | "f32" => "a number",
        _ => return text.to_owned(),
    };
    format!("{}{EXPECTED}{plain}", &text[..at])
}

/// How serde's messages that quote a value from the input start. serde does not escape a
/// backquoted value, so its quote has no end that can be trusted: what follows the prefix
/// is left out up to the last place serde's own text resumes (`, expected …`, which names
/// only what this tool accepts), or to the end.
const SERDE_SHAPES: [&str; 4] = [
    "unknown variant ",
    "unknown field ",
    "invalid type: ",
    "invalid value: ",
];

/// What serde's own text resumes with after the value of a [`SERDE_SHAPES`] message.
const SERDE_RESUMES: [&str; 3] = [
    ", expected ",
    ", there are no variants",
    ", there are no fields",
];

/// The values serde names in `invalid type` / `invalid value` without quoting any input.
const SERDE_KINDS: [&str; 14] = [
    "unit value",
    "Option value",
    "newtype struct",
    "sequence",
    "map",
    "enum",
    "unit variant",
    "newtype variant",
    "tuple variant",
    "struct variant",
    "byte array",
    "null",
    "boolean `true`",
    "boolean `false`",
];

/// `text` with the value a serde message of a known shape quotes (whatever it holds:
/// backquotes, double quotes, `, expected`), each other Rust-quoted string (`"…"`,
/// escapes included) cut to an ellipsis.
fn without_quotes(text: &str) -> String {
    let shaped = SERDE_SHAPES
        .iter()
        .filter_map(|prefix| Some((text.find(prefix)?, *prefix)))
        .min_by_key(|&(at, _)| at);
    let Some((at, prefix)) = shaped else {
        return without_strings(text);
    };
    let start = at + prefix.len();
    let rest = &text[start..];
    let end = SERDE_RESUMES
        .iter()
        .filter_map(|resume| rest.rfind(resume))
        .max()
        .unwrap_or(rest.len());
    let value = &rest[..end];
    let tail = &rest[end..];
    // The kind of value serde met is its own word (`string`, `integer`); the value is not.
    let shown = if SERDE_KINDS.contains(&value) {
        value.to_owned()
    } else {
        match value.find(['`', '"']) {
            Some(quote) => {
                let mark = &value[quote..quote + 1];
                format!("{}{mark}{CUT}{mark}", &value[..quote])
            }
            None => CUT.to_owned(),
        }
    };
    // The expected part lists what this tool accepts; nothing of the input.
    format!(
        "{}{prefix}{shown}{}",
        without_strings(&text[..at]),
        without_strings(tail)
    )
}

/// `text` with each Rust-quoted string (`"…"`, escapes included) cut to an ellipsis.
fn without_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push_str("\"…\"");
                let mut escaped = false;
                for c in chars.by_ref() {
                    match (escaped, c) {
                        (false, '\\') => escaped = true,
                        (false, '"') => break,
                        _ => escaped = false,
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_quote_no_capture_text() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Shape {
            choices: Vec<u8>,
            kind: Option<Kind>,
        }
        #[derive(Debug, serde::Deserialize)]
        enum Kind {
            A,
        }
        let error = |json: &str| json_error(&serde_json::from_str::<Shape>(json).unwrap_err());
        assert_eq!(
            error(r#"{"choices": "Bearer sk-\"secret"}"#),
            r#"invalid type: string "…", expected a sequence"#
        );
        assert_eq!(
            error(r#"{"choices": [], "kind": "sk-secret"}"#),
            "unknown variant `…`, expected `A`"
        );
        assert_eq!(error(r#"{"choices": [1,"#), "EOF while parsing a value");
    }

    #[test]
    fn rust_type_names_are_said_in_json_words() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Shape {
            inner: Option<Inner>,
            count: Option<usize>,
            delta: Option<i64>,
            share: Option<f64>,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Inner {}
        let error = |json: &str| json_error(&serde_json::from_str::<Shape>(json).unwrap_err());
        let said = [
            (
                r#"{"inner": 5}"#,
                "invalid type: integer `…`, expected an object",
            ),
            (
                r#"{"count": -1}"#,
                "invalid value: integer `…`, expected a whole number of 0 or more",
            ),
            (
                r#"{"delta": "x"}"#,
                r#"invalid type: string "…", expected a whole number"#,
            ),
            (
                r#"{"share": []}"#,
                "invalid type: sequence, expected a number",
            ),
        ];
        for (json, message) in said {
            assert_eq!(error(json), message, "{json}");
        }
    }

    #[test]
    fn a_rejected_value_never_reaches_the_message_whatever_it_holds() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Shape {
            kind: Option<Kind>,
            count: Option<u64>,
        }
        #[derive(Debug, serde::Deserialize)]
        enum Kind {
            A,
            B,
        }
        let error = |json: &str| json_error(&serde_json::from_str::<Shape>(json).unwrap_err());
        // serde does not escape the variant it quotes: a backquote in it ends no quote.
        for value in [
            r"x`sk-ant-api03-ZQX9abcdefghijklmnopqrstuvwxyz0123",
            r"x`Authorization: Bearer zqkhorsebatterystaple",
            r"x`, expected `A` or `B`zqkhorsebatterystaple`",
            r#"x"zqkhorsebatterystaple"#,
            r"x`, there are no variants zqkhorsebatterystaple",
        ] {
            assert_eq!(
                error(&format!(r#"{{"kind": "{value}"}}"#)),
                "unknown variant `…`, expected `A` or `B`",
                "{value}"
            );
        }
        assert_eq!(
            error(r#"{"count": 1.5}"#),
            "invalid type: floating point `…`, expected a whole number of 0 or more"
        );
        assert_eq!(
            error(r#"{"count": "1\", expected zqkhorsebatterystaple"}"#),
            r#"invalid type: string "…", expected a whole number of 0 or more"#
        );
        assert_eq!(
            error(r#"{"count": -7}"#),
            "invalid value: integer `…`, expected a whole number of 0 or more"
        );
        assert_eq!(
            error(r#"{"count": [1]}"#),
            "invalid type: sequence, expected a whole number of 0 or more"
        );
    }

    #[test]
    fn long_names_are_cut_short_ones_kept() {
        assert_eq!(clip("mystery"), "mystery");
        assert_eq!(Quoted("a\"b\n").to_string(), r#""a\"b\n""#);
        let long = "é".repeat(REDACTED_WINDOW);
        let cut = clip(&long);
        assert_eq!(cut.chars().count(), MAX_CHARS + 1);
        assert!(cut.ends_with("é…"));
        assert_eq!(Quoted(&long).to_string(), format!("\"{cut}\""));
        assert_eq!(clip(&long[..MAX_CHARS * 2]), &long[..MAX_CHARS * 2]);
        assert_eq!(clip(&"é".repeat(REDACTED_WINDOW + 1)), "…");
    }

    #[test]
    fn a_credential_across_the_cut_is_redacted_first() {
        let name = format!("{} AKIAZQXN04ABCDEFGH12 tail", "u".repeat(70));
        assert_eq!(clip(&name), format!("{} AKIA… tai…", "u".repeat(70)));
        let name = format!(
            "{} https://user:ZQXN06abcdefghij@host.example/x",
            "u".repeat(60)
        );
        assert!(!clip(&name).contains("ZQX"), "{}", clip(&name));
    }

    #[test]
    fn a_name_past_the_redacted_window_is_not_quoted() {
        // A credential's name far along, or a key across the window's end: no part shows.
        let name = format!("ZQXN9-secfar {} password", "x".repeat(2 * REDACTED_WINDOW));
        assert_eq!(clip(&name), "…");
        let name = format!(
            "https://h/p?{} sk-proj-ZQXN10abcdefgh",
            "q".repeat(REDACTED_WINDOW)
        );
        assert_eq!(clip(&name), "…");
    }

    #[test]
    fn a_credential_in_a_name_is_cut() {
        assert_eq!(clip("request?key=ZQXN01"), "request?key=…");
        assert_eq!(
            Quoted("Authorization: Bearer ZQXN02").to_string(),
            "\"Authorization: …\""
        );
    }
}
