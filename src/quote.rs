//! How messages quote what a capture says: a name (a txtar section, an event type, a tool)
//! or a text. A message is a line for a person, and a hostile capture's name may be
//! megabytes long: past [`MAX_CHARS`] characters it is cut, ending in `…`. Every message
//! that quotes a capture cuts it here, so none quotes more. A name may also hold a
//! credential (a section named `request?key=…`): it is redacted as error text is
//! ([`crate::redact`]).

use std::borrow::Cow;
use std::fmt;

use crate::redact::redacted;

/// The most characters of a capture's name or text a message quotes.
pub const MAX_CHARS: usize = 80;

/// `text` redacted, and cut to [`MAX_CHARS`] characters, ending in `…` when it was cut.
pub fn clip(text: &str) -> Cow<'_, str> {
    // Only the part shown is redacted: a credential cut in two by the clip is in its head.
    let shown = match text.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => &text[..at],
        None => text,
    };
    let redacted = redacted(shown);
    match (shown.len() < text.len(), redacted == shown) {
        (false, true) => Cow::Borrowed(text),
        (false, false) => Cow::Owned(redacted),
        (true, _) => Cow::Owned(format!("{redacted}…")),
    }
}

/// `text` in double quotes with Rust's escapes (as `{:?}` writes a string, so no control
/// character reaches a terminal), cut as [`clip`] cuts it.
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", clip(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_short_ones_kept() {
        assert_eq!(clip("mystery"), "mystery");
        assert_eq!(Quoted("a\"b\n").to_string(), r#""a\"b\n""#);
        let long = "é".repeat(100_000);
        let cut = clip(&long);
        assert_eq!(cut.chars().count(), MAX_CHARS + 1);
        assert!(cut.ends_with("é…"));
        assert_eq!(Quoted(&long).to_string(), format!("\"{cut}\""));
        assert_eq!(clip(&long[..MAX_CHARS * 2]), &long[..MAX_CHARS * 2]);
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
