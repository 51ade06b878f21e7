//! Recorded provider errors. A capture of an error is a valid capture: what makes it broken
//! is an error that does not say what went wrong. One notion of "well-formed" serves every
//! place an error can be recorded, in every API's shape.

use serde_json::Value;

use super::locate::{Doc, Seg};
use crate::diagnostic::Findings;
use crate::diagnostic::rules::ERROR_SHAPE;

use crate::decode::error::{message, says_something};
pub use crate::decode::is_error_body;

/// Checks an error recorded inside a stream (`what` names it in the finding).
pub fn check(value: &Value, line: usize, what: &str, f: &mut Findings) {
    if message(value).is_none() {
        f.add(&ERROR_SHAPE, Some(line), || {
            format!("{what} has no error message")
        });
    }
}

/// Checks a JSON body recording an error: an HTTP error response, or an error body.
pub fn check_body(doc: &Doc, status: Option<u16>, f: &mut Findings) {
    if message(doc.value).is_some() {
        return;
    }
    let what = match status {
        Some(status) => format!("the HTTP {status} response"),
        None => "the error body".to_string(),
    };
    let line = match doc.value.get("error") {
        Some(_) => doc.line(&[Seg::Key("error")]),
        None => doc.line(&[]),
    };
    f.add(&ERROR_SHAPE, line, || {
        format!("{what} holds no error object with a message")
    });
}

/// Checks an error recorded as plain text (a dump's `.req_error.txt`): it must say something.
pub fn check_text(text: &[u8], what: &str, f: &mut Findings) {
    if text.trim_ascii().is_empty() {
        f.add(&ERROR_SHAPE, None, || {
            format!("{what} is empty: it records no message")
        });
    } else if !says_something(&String::from_utf8_lossy(text)) {
        f.add(&ERROR_SHAPE, None, || {
            format!("{what} holds no text: it records no message")
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_file_of_no_text_records_no_message() {
        for (text, said) in [
            (&b" \n"[..], Some("is empty")),
            (b"\0", Some("holds no text")),
            (b"\xff\xfe\xfd", Some("holds no text")),
            ("\u{200b}".as_bytes(), Some("holds no text")),
            (b"connection refused", None),
        ] {
            let mut f = Findings::default();
            check_text(text, "the request error file", &mut f);
            let found = f.into_vec();
            let message = found.first().map(|f| f.message.as_str());
            match said {
                Some(said) => assert!(message.is_some_and(|m| m.contains(said)), "{text:?}"),
                None => assert!(found.is_empty(), "{text:?}: {found:?}"),
            }
        }
    }
}
