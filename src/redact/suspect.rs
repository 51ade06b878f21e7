//! The last look at error text, after [`super::redacted`]'s rules for the syntaxes a
//! credential is written in. Those rules chase syntaxes, and hostile runs kept finding more:
//! a value written before its name (`{"value":"…","name":"X-Api-Key"}`), a name spelled with
//! escapes (`X\u002dApi\u002dKey`), a value nested under its name
//! (`{"credentials":{"value":"…"}}`), a value on the line after its name. So a line that
//! still names a credential, in whatever syntax, is suspect, and so are the lines next to
//! it; on them every word that may be a value goes:
//! - a quoted word (no white space inside) that is not a field's name (`"value":` stays);
//! - a word of 8 characters or more with a digit in it (keys, ids, dates, addresses), but
//!   for a URL's host and path;
//! - the word after a credential's name and a separator (`:`, `=`, a tab, `|`; `,` after a
//!   quoted name), here or on the next line, quoted text and all.
//!
//! Names and prose stay: `invalid x-api-key` and `Incorrect API key provided: …` read as
//! they did. What a suspect line loses besides is the price of not leaking: a model's name
//! or a request's id on the same line.

use super::CUT;

/// How a credential's name is told in text (lowercase, `_` for `-`).
#[derive(Clone, Copy, PartialEq)]
enum Said {
    /// Anywhere, alone or as a compound's last part (`x-api-key`, `client_secret`).
    Anywhere,
    /// As a compound's last part (`access_token`, `x-auth-key`) anywhere; alone, only as a
    /// field's name (`"token":`): in prose (`a key`, `the token`) it says nothing.
    Compound,
    /// Only alone as a field's name: `"tokens": […]`, but `max_tokens` is a count.
    Field,
}

const NAMES: [(&str, Said); 25] = [
    ("authorization", Said::Anywhere),
    ("authentication", Said::Anywhere),
    ("api_key", Said::Anywhere),
    ("apikey", Said::Anywhere),
    ("cookie", Said::Anywhere),
    ("cookies", Said::Anywhere),
    ("password", Said::Anywhere),
    ("passwd", Said::Anywhere),
    ("passphrase", Said::Anywhere),
    ("secret", Said::Anywhere),
    ("secrets", Said::Anywhere),
    ("credential", Said::Anywhere),
    ("credentials", Said::Anywhere),
    ("sessionid", Said::Anywhere),
    ("session_id", Said::Anywhere),
    ("token", Said::Compound),
    ("key", Said::Compound),
    ("keys", Said::Compound),
    ("signature", Said::Compound),
    ("sig", Said::Compound),
    ("auth", Said::Compound),
    ("pass", Said::Compound),
    ("pwd", Said::Compound),
    ("session", Said::Compound),
    ("tokens", Said::Field),
];

/// The longest identifier that is looked up as a name; a longer one is no name.
const LONGEST: usize = 64;

/// `text` with the suspect lines' possible values cut; `text` itself when no line is
/// suspect. A line is suspect when it names a credential, or its neighbour does: a JSON
/// object written one field a line may give the value a line before its name
/// (`"value": "…",` then `"name": "X-Api-Key"`), or after.
pub(super) fn cleared(text: String) -> String {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut any = false;
    let mut start = 0;
    loop {
        let (end, gap) = line_end(bytes, start);
        let names = names_credential(&bytes[start..end]);
        any |= names;
        lines.push((start..end, names));
        if end == bytes.len() {
            break;
        }
        start = end + gap;
    }
    if !any {
        return text;
    }
    let names = |k: usize| lines.get(k).is_some_and(|(_, names)| *names);
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut armed = false;
    for (k, (line, _)) in lines.iter().enumerate() {
        if armed || names(k) || names(k + 1) || (k > 0 && names(k - 1)) {
            out.push_str(&text[copied..line.start]);
            armed = rewrite(&text[line.clone()], armed, &mut out);
            copied = line.end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether `line` names a credential as [`NAMES`] says.
fn names_credential(line: &[u8]) -> bool {
    let mut i = 0;
    while let Some(word) = next_word(line, i, false) {
        let field = word.quoted || matches!(separator_after(line, word.end), Some(b':' | b'='));
        let mut said = false;
        identifiers(&line[word.text.clone()], |ident, whole| {
            said |= match name(ident) {
                Some(Said::Anywhere) => true,
                Some(_) => whole && field,
                None => false,
            }
        });
        if said {
            return true;
        }
        i = word.end;
    }
    false
}

/// Writes `line` to `out` with its possible values cut; whether the line ends armed (a
/// credential's name and a separator with no value after them yet).
fn rewrite(line: &str, mut armed: bool, out: &mut String) -> bool {
    let bytes = line.as_bytes();
    let mut i = 0;
    while let Some(word) = next_word(bytes, i, armed) {
        out.push_str(&line[i..word.start]);
        let text = &bytes[word.text.clone()];
        let separator = separator_after(bytes, word.end);
        // A URL's host and path say where a call went; its query and user info went
        // already.
        let url = text.starts_with(b"//") && line[..word.start].ends_with(':');
        let secret_like = !url && text.len() >= 8 && text.iter().any(u8::is_ascii_digit);
        if whole_name(text).is_some() {
            armed = separator.is_some_and(|s| s != b',' || word.quoted);
            out.push_str(&line[word.start..word.end]);
        } else if text.windows(CUT.len()).any(|w| w == CUT.as_bytes()) {
            // A value the syntax rules cut: nothing after it is the name's.
            armed = false;
            out.push_str(&line[word.start..word.end]);
        } else if !secret_like
            && (matches!(separator, Some(b':' | b'='))
                || matches!(bytes.get(word.end), Some(b'{' | b'[' | b'('))
                || matches!(text, b"b" | b"r" | b"u" | b"f" | b"br" | b"rb")
                    && matches!(bytes.get(word.end), Some(b'"' | b'\'')))
        {
            // A field's name, a type's (`[]string{…}`), a string's prefix (`b'…'`): the
            // value is what follows it.
            out.push_str(&line[word.start..word.end]);
        } else if armed || word.quoted || secret_like {
            out.push_str(&line[word.start..word.text.start]);
            out.push_str(CUT);
            out.push_str(&line[word.text.end..word.end]);
            armed = false;
        } else {
            out.push_str(&line[word.start..word.end]);
        }
        i = word.end;
    }
    out.push_str(&line[i..]);
    armed
}

/// A word of a line: `start..end` holds its quotes, if quoted; `text`, what is inside them.
struct Word {
    start: usize,
    end: usize,
    text: std::ops::Range<usize>,
    quoted: bool,
}

/// The next word of `line` from `from`: a run of word units, alone or quoted (`"…"`, `'…'`,
/// `` `…` ``, `\"…\"`). With `spaced`, any quoted text is one word (it runs to its closing
/// quote, or the line's end).
fn next_word(line: &[u8], from: usize, spaced: bool) -> Option<Word> {
    let mut i = from;
    while i < line.len() {
        let b = line[i];
        if matches!(b, b'"' | b'\'' | b'`') {
            let start = i + 1;
            let (end, close) = match spaced {
                true => {
                    let close = start + line[start..].iter().take_while(|&&c| c != b).count();
                    let escapes = line[start..close].iter().rev().take_while(|&&c| c == b'\\');
                    (close - escapes.count(), close)
                }
                false => {
                    let end = word_end(line, start);
                    (
                        end,
                        end + line[end..].iter().take_while(|&&c| c == b'\\').count(),
                    )
                }
            };
            // `\"…\"`: the backslashes before the closing quote are no part of the text.
            if end > start && (line.get(close) == Some(&b) || spaced) {
                return Some(Word {
                    start: i,
                    end: (close + 1).min(line.len()),
                    text: start..end,
                    quoted: true,
                });
            }
            i += 1;
            continue;
        }
        let end = word_end(line, i);
        if end > i {
            return Some(Word {
                start: i,
                end,
                text: i..end,
                quoted: false,
            });
        }
        i += unit(line, i).0;
    }
    None
}

/// The end of the run of word units from `from`.
fn word_end(line: &[u8], from: usize) -> usize {
    let mut end = from;
    loop {
        let (len, unit) = unit_at(line, end);
        if len == 0 || !in_word(unit) {
            return end;
        }
        end += len;
    }
}

fn unit_at(line: &[u8], at: usize) -> (usize, Option<u8>) {
    match at < line.len() {
        true => unit(line, at),
        false => (0, None),
    }
}

/// The byte `line[at]` stands for, and how many bytes say it: an escape (`\u002d`, `\x2d`,
/// `%2D`) stands for the ASCII byte it encodes, `None` for a character past ASCII; a
/// backslash before a quote (an escaped quote's) for itself, which is no word's.
fn unit(line: &[u8], at: usize) -> (usize, Option<u8>) {
    let rest = &line[at..];
    let hex = |digits: &[u8]| {
        digits
            .iter()
            .try_fold(0u32, |n, &d| Some(n * 16 + (d as char).to_digit(16)?))
    };
    let (len, code) = match rest {
        [b'\\', b'u', d @ ..] if d.len() >= 4 => (6, hex(&d[..4])),
        [b'\\', b'x', d @ ..] if d.len() >= 2 => (4, hex(&d[..2])),
        [b'%', d @ ..] if d.len() >= 2 => (3, hex(&d[..2])),
        _ => (0, None),
    };
    match code {
        Some(code) if code < 0x80 => (len, Some(code as u8)),
        Some(_) => (len, None),
        // A run of backslashes is taken whole (but for its last, which may start an
        // escape), so a megabyte of them is read once.
        None if rest[0] == b'\\' => {
            let run = rest.iter().take_while(|&&b| b == b'\\').count();
            match rest.get(run) {
                Some(b'"' | b'\'' | b'`') => (run, Some(b'"')),
                _ => (run.max(2) - 1, Some(b'\\')),
            }
        }
        None if rest[0] >= 0x80 => (1, None),
        None => (1, Some(rest[0])),
    }
}

/// Whether a unit is a word's: anything but white space, quotes and the punctuation that
/// separates names from values and values from each other.
fn in_word(unit: Option<u8>) -> bool {
    unit.is_none_or(|b| {
        !(b.is_ascii_whitespace()
            || matches!(
                b,
                b'"' | b'\''
                    | b'`'
                    | b'{'
                    | b'}'
                    | b'['
                    | b']'
                    | b'('
                    | b')'
                    | b'<'
                    | b'>'
                    | b','
                    | b';'
                    | b'|'
                    | b':'
                    | b'='
                    | b'&'
                    | b'?'
            ))
    })
}

/// What separates the word ending at `end` from what follows it, past white space and
/// closing quotes: `:` (a colon however written), `=`, `,`, `|`, or a tab.
fn separator_after(line: &[u8], end: usize) -> Option<u8> {
    let mut at = end;
    let mut tab = false;
    while at < line.len() {
        match line[at] {
            b' ' | b'"' | b'\'' | b'`' | b'\\' => at += 1,
            b'\t' => {
                tab = true;
                at += 1;
            }
            _ => break,
        }
    }
    let rest = &line[at.min(line.len())..];
    let separator = match rest {
        [b':' | b'=' | b',' | b'|', ..] => Some(rest[0]),
        [0xEF, 0xBC, 0x9A, ..] => Some(b':'),
        _ => match unit_at(line, at) {
            (3.., Some(b @ (b':' | b'=' | b','))) => Some(b),
            _ => None,
        },
    };
    separator.or(tab.then_some(b'\t'))
}

/// Calls `each` with every identifier in `text` (ASCII letters, digits, `_` and `-`,
/// escapes decoded; lowercase, `-` as `_`) and whether it is the whole text (a trailing
/// `.` aside).
fn identifiers(text: &[u8], mut each: impl FnMut(&[u8], bool)) {
    let mut ident = [0u8; LONGEST];
    let mut len = 0;
    let mut first = 0;
    let mut at = 0;
    loop {
        let (step, unit) = unit_at(text, at);
        match unit {
            Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                if len == 0 {
                    first = at;
                }
                if len < LONGEST {
                    ident[len] = match b {
                        b'-' => b'_',
                        _ => b.to_ascii_lowercase(),
                    };
                }
                len += 1;
            }
            _ => {
                if (1..=LONGEST).contains(&len) {
                    let whole = first == 0 && text[at..].iter().all(|&b| b == b'.');
                    each(&ident[..len], whole);
                }
                len = 0;
            }
        }
        if step == 0 {
            return;
        }
        at += step;
    }
}

/// How the name `text` is told, when the whole of it (a trailing `.` aside) is one
/// credential's name.
fn whole_name(text: &[u8]) -> Option<Said> {
    let mut said = None;
    identifiers(text, |ident, whole| {
        if whole {
            said = name(ident);
        }
    });
    said
}

/// How `ident` is told as a credential's name, if it is one: a number at its end aside
/// (`Cookie2`, `X-Hub-Signature-256`).
fn name(ident: &[u8]) -> Option<Said> {
    let digits = ident
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let ident = &ident[..ident.len() - digits];
    let ident = ident.strip_suffix(b"_").unwrap_or(ident);
    NAMES.iter().find_map(|&(name, said)| {
        let name = name.as_bytes();
        let compound = ident.len() > name.len()
            && ident.ends_with(name)
            && ident[ident.len() - name.len() - 1] == b'_';
        match said {
            _ if ident == name => Some(said),
            Said::Anywhere | Said::Compound if compound => Some(Said::Anywhere),
            _ => None,
        }
    })
}

/// Where the line from `start` ends, and how long the line break there is: a written one
/// (LF, CR), an escaped one (`\n`, `\r`, as a message quoted in a JSON string has them), or
/// an HTML `<br>`.
fn line_end(bytes: &[u8], start: usize) -> (usize, usize) {
    let mut at = start;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let gap = match rest {
            [b'\n' | b'\r', ..] => 1,
            [b'\\', b'n' | b'r', ..] => 2,
            [b'<', b'b' | b'B', b'r' | b'R', ..] => {
                let close = rest.iter().take(6).position(|&b| b == b'>');
                close.map_or(3, |close| close + 1)
            }
            _ => 0,
        };
        if gap > 0 {
            return (at, gap);
        }
        at += 1;
    }
    (bytes.len(), 0)
}

#[cfg(test)]
mod tests {
    use super::super::redacted;

    #[test]
    fn the_seventh_runs_leftover_shapes_lose_their_values() {
        for (text, kept) in [
            // A value before its name.
            (
                r#"{"value":"ZQXN7a1","name":"X-Api-Key"}"#,
                r#"{"value":"…","name":"X-Api-Key"}"#,
            ),
            (
                r#"{\"value\":\"ZQXN7a2\",\"name\":\"x-api-key\"}"#,
                r#"{\"value\":\"…\",\"name\":\"x-api-key\"}"#,
            ),
            // A name spelled with escapes.
            (
                r#"{"X\u002dApi\u002dKey":"ZQXN7b"}"#,
                r#"{"X\u002dApi\u002dKey":"…"}"#,
            ),
            ("X%2DApi%2DKey%3Asupersecret", "X%2DApi%2DKey%3A…"),
            // Nested under its name, and in a list under a name said only as a field's.
            (
                r#"{"credentials":{"value":"ZQXN7c"}}"#,
                r#"{"credentials":…"value":"…"}}"#,
            ),
            (r#"{"tokens":["ZQXN7d"]}"#, r#"{"tokens":["…"]}"#),
            // On the line after its name, or before it.
            ("X-Api-Key:\n  supersecret", "X-Api-Key:\n  …"),
            (
                "{\n  \"value\": \"supersecret\",\n  \"name\": \"X-Api-Key\"\n}",
                "{\n  \"value\": \"…\",\n  \"name\": \"X-Api-Key\"\n}",
            ),
            // Quoted text of several words after the name, escaped quotes kept.
            (
                "{\\\"password\\\":\n\\\"two words\\\"}",
                "{\\\"password\\\":\n\\\"…\\\"}",
            ),
            // Escaped, the header's rule takes the rest of the text.
            ("X-Api-Key:\\n  supersecret", "X-Api-Key:…"),
        ] {
            assert_eq!(redacted(text), kept, "{text}");
        }
    }

    #[test]
    fn a_suspect_line_keeps_its_names_and_prose() {
        for text in [
            "invalid x-api-key",
            "Incorrect API key provided: …. You can find your API key at \
             https://platform.openai.com/account/api-keys.",
            "missing header: Authorization",
        ] {
            assert_eq!(redacted(text), text);
        }
        // What may be a value goes: an id, a model's name, a quoted word.
        assert_eq!(
            redacted(r#"api_key rejected for claude-sonnet-4-5-20250929 (req_011CV4xyz) "abc""#),
            r#"api_key rejected for … (…) "…""#
        );
    }

    #[test]
    fn lines_naming_no_credential_are_kept_whole() {
        for text in [
            "max_tokens: 64001 > 64000, the maximum for claude-sonnet-4-5-20250929",
            "prompt is too long: 210000 tokens > 200000 maximum",
            r#"{"type":"overloaded_error","message":"Overloaded"} req_011CV4xyz"#,
            "the key to this is a token of thanks: 12345678",
        ] {
            assert_eq!(redacted(text), text);
        }
    }

    #[test]
    fn a_suspect_line_is_read_in_linear_time() {
        for filler in ["\\", "'", "\"", "\\\"", "a", "%2", "\\u00"] {
            let text = format!("api_key {}", filler.repeat(1 << 19));
            let started = std::time::Instant::now();
            let _ = redacted(&text);
            assert!(started.elapsed().as_secs() < 5, "{filler:?}");
        }
    }
}
