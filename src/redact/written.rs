//! Spaces and letters written otherwise than as themselves. HTML-derived and French text
//! puts a no-break space inside a name (`API key`, `Mot de passe`) and before its colon
//! (`Clé API : …`), other Unicode spaces stand where a space does, and a message quoted in
//! a URL, a form or a page writes its spaces and accented letters encoded
//! (`Invalid%20API%20key%20…`, `API+key:+…`, `Cl%C3%A9`) or escaped (`API\u00a0key`,
//! `Cl&eacute;&nbsp;API`). The rules read plain spaces and letters, so
//! [`super::redacted_within`] reads such a text again written plainly (hostile run 68).
//! An ASCII letter written escaped (`\u0061pi_key`) is a name spelled to evade, and stays.

use super::{entity_name, hex, hex_escape};

/// `text` with every space written otherwise as a plain one, and every letter past ASCII
/// written escaped or encoded as itself; `None` when it has none, which is what almost
/// every text is told quickly.
pub(super) fn plainly(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let read = match bytes[i] {
            b'\\' | b'%' | b'&' => written(bytes, i),
            b'+' => joins_words(bytes, i).then_some((1, ' ')),
            0x0b | 0x0c => Some((1, ' ')),
            b if b >= 0x80 => {
                // `i` starts a character: every step before went over whole ones.
                let c = text[i..].chars().next().unwrap_or_default();
                if !is_space(c) {
                    i += c.len_utf8();
                    continue;
                }
                Some((c.len_utf8(), ' '))
            }
            _ => None,
        };
        match read {
            Some((len, c)) => {
                let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
                out.push_str(&text[copied..i]);
                out.push(c);
                i += len;
                copied = i;
            }
            None => i += 1,
        }
    }
    let mut out = out?;
    out.push_str(&text[copied..]);
    Some(out)
}

/// Whether `c`, not ASCII, stands where a space does: Unicode's white space (no-break,
/// thin, ideographic spaces, the line and paragraph separators, NEL) and the zero-width
/// space.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{200b}'
}

/// Whether the `+` at `at` is a form's space between two words (`API+key`,
/// `passe:+value`): a letter, digit or colon before it, a letter or digit after.
fn joins_words(bytes: &[u8], at: usize) -> bool {
    let before = at.checked_sub(1).map(|b| bytes[b]);
    before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b':')
        && bytes.get(at + 1).is_some_and(u8::is_ascii_alphanumeric)
}

/// A space or a letter past ASCII written escaped or encoded at `at` (`\u00a0`, `\x20`,
/// `%20`, `%C2%A0`, `%C3%A9`, `&nbsp;`, `&#8239;`, `&eacute;`, `&rsquo;`): how many bytes,
/// and what it reads as.
fn written(bytes: &[u8], at: usize) -> Option<(usize, char)> {
    let rest = &bytes[at..];
    let (len, c) = match rest[0] {
        b'&' => entity(rest)?,
        b'%' => percent_encoded(rest)?,
        _ => hex_escape(rest).and_then(|(len, code)| Some((len, char::from_u32(code)?)))?,
    };
    match c {
        ' ' => Some((len, ' ')),
        c if is_space(c) => Some((len, ' ')),
        c if !c.is_ascii() && (c.is_alphabetic() || c == '\u{2019}') => Some((len, c)),
        _ => None,
    }
}

/// The character a percent-encoded UTF-8 sequence at the start of `rest` writes
/// (`%20`, `%C2%A0`, `%E2%80%AF`): its length, and it.
fn percent_encoded(rest: &[u8]) -> Option<(usize, char)> {
    let mut units = [0u8; 4];
    let mut n = 0;
    while n < 4 {
        match rest.get(3 * n..3 * n + 3) {
            Some([b'%', digits @ ..]) => units[n] = u8::try_from(hex(digits)?).ok()?,
            _ => return None,
        }
        n += 1;
        if let Some(c) = std::str::from_utf8(&units[..n])
            .ok()
            .and_then(|s| s.chars().next())
        {
            return Some((3 * n, c));
        }
    }
    None
}

/// Named HTML entities for spaces (matched in any case), and for the accented letters and
/// the apostrophe of the localized names a credential goes by (`Cl&eacute; API`,
/// `contrase&ntilde;a`, `Schl&uuml;ssel`, `cl&eacute; d&rsquo;acc&egrave;s`).
const NAMED: [(&str, char); 36] = [
    ("nbsp", ' '),
    ("ensp", ' '),
    ("emsp", ' '),
    ("emsp13", ' '),
    ("emsp14", ' '),
    ("numsp", ' '),
    ("puncsp", ' '),
    ("thinsp", ' '),
    ("hairsp", ' '),
    ("zerowidthspace", ' '),
    ("nonbreakingspace", ' '),
    ("mediumspace", ' '),
    ("thinspace", ' '),
    ("eacute", 'é'),
    ("Eacute", 'É'),
    ("egrave", 'è'),
    ("Egrave", 'È'),
    ("ecirc", 'ê'),
    ("aacute", 'á'),
    ("agrave", 'à'),
    ("atilde", 'ã'),
    ("iacute", 'í'),
    ("oacute", 'ó'),
    ("otilde", 'õ'),
    ("uacute", 'ú'),
    ("ccedil", 'ç'),
    ("ntilde", 'ñ'),
    ("Ntilde", 'Ñ'),
    ("auml", 'ä'),
    ("Auml", 'Ä'),
    ("ouml", 'ö'),
    ("Ouml", 'Ö'),
    ("uuml", 'ü'),
    ("Uuml", 'Ü'),
    ("szlig", 'ß'),
    ("rsquo", '\u{2019}'),
];

/// The HTML entity at the start of `rest` (`&nbsp;`, `&#160;`, `&#x202F;`, `&eacute;`):
/// its length, and the character it writes when [`NAMED`] or its number says.
fn entity(rest: &[u8]) -> Option<(usize, char)> {
    let name = entity_name(rest, 16)?;
    let c = match name {
        [b'#', b'x' | b'X', digits @ ..] if digits.len() <= 6 => char::from_u32(hex(digits)?)?,
        [b'#', digits @ ..] if digits.len() <= 7 && digits.iter().all(u8::is_ascii_digit) => {
            char::from_u32(std::str::from_utf8(digits).ok()?.parse().ok()?)?
        }
        _ => NAMED
            .iter()
            .find(|(n, c)| match c {
                ' ' => n.as_bytes().eq_ignore_ascii_case(name),
                _ => n.as_bytes() == name,
            })
            .map(|&(_, c)| c)?,
    };
    Some((name.len() + 2, c))
}

#[cfg(test)]
mod tests {
    use super::plainly;

    #[test]
    fn every_way_of_writing_a_space_or_a_letter_reads_as_it() {
        for (written, read) in [
            ("API\u{a0}key", "API key"),
            ("Clé API\u{202f}:", "Clé API :"),
            ("api key\u{3000}v", "api key v"),
            ("a\u{2028}b\u{85}c\u{b}d\u{c}e\u{200b}f", "a b c d e f"),
            ("API\\u00a0key", "API key"),
            ("API\\x20key", "API key"),
            ("Invalid%20API%20key%20v", "Invalid API key v"),
            ("API%C2%A0key", "API key"),
            ("API%E2%80%AFkey", "API key"),
            ("Mot+de+passe:+v", "Mot de passe: v"),
            ("API&ensp;key&#8239;&#xA0;&NBSP;", "API key   "),
            ("Cl&eacute;&nbsp;API", "Clé API"),
            ("Cl%C3%A9 d&rsquo;acc&#232;s", "Clé d\u{2019}accès"),
            ("Schl\\u00fcssel", "Schlüssel"),
        ] {
            assert_eq!(plainly(written).as_deref(), Some(read), "{written:?}");
        }
    }

    #[test]
    fn a_text_written_plainly_and_other_escapes_are_left_alone() {
        for text in [
            "plain text, tabs\tand\nlines",
            "a + b, C++, +1, 50%, %2F, %E9, \\u0041, &amp; &#58; &EACUTE;",
            "clé déjà vu",
            "%C2",
            "%E2%80",
            "&#99999999;",
        ] {
            assert_eq!(plainly(text), None, "{text:?}");
        }
    }
}
