//! The credentials a capture's own heads carry (an `Authorization` value, an API key
//! header, cookies, a URL's password or `?key=`), kept while its exchange is rebuilt so that
//! a text repeating one is cut: a gateway's 401 often echoes the caller's token ("User
//! `<token>` is not allowed"), in words no shape-based redaction can tell from prose
//! (hostile run 50). They are never part of a turn, and never printed: not even their
//! count is worth a `Debug`.

use std::fmt;

use memchr::memmem;

use crate::redact::{self, CUT};

/// Shorter values are not cut: they could be any text's words (`true`, `admin`).
const MIN_LEN: usize = 8;

/// Longer values are not kept: no error text is longer than
/// [`MAX_MESSAGE`](crate::redact::MAX_MESSAGE) bytes once cut, and a head of megabytes
/// would otherwise be held twice.
const MAX_LEN: usize = 16 * 1024;

/// At most this many values per message: a head of 200,000 cookies keeps a few, not all.
const MAX_KEPT: usize = 32;

/// Credential values, the longest first (a value holding another is cut whole).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials(Vec<Box<str>>);

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(…)")
    }
}

impl Credentials {
    /// A header field: kept when its name is a credential's (`Authorization`, `X-Api-Key`,
    /// `Cookie`, `Set-Cookie`, `X-Amz-Security-Token`: [`redact::is_secret_name`]). The
    /// whole value is kept, and the words after its scheme (`Bearer <token>`, AWS's
    /// `Credential=<id>, Signature=<hex>`); a cookie header's values one by one, a
    /// `Set-Cookie`'s first (the rest are its attributes).
    pub fn header(&mut self, name: &str, value: &str) {
        let name = name.trim();
        if !redact::is_secret_name(name.as_bytes()) {
            return;
        }
        let value = value.trim();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("cookie") || lower.ends_with("cookie2") {
            let pairs = value.split(';');
            let pairs = pairs.take(if lower.starts_with("set-") {
                1
            } else {
                usize::MAX
            });
            for pair in pairs {
                self.cookie(pair.split_once('=').map_or(pair, |(_, value)| value));
            }
            return;
        }
        self.keep(value);
        let words = value.split(|c: char| c.is_whitespace() || c == ',');
        for word in words.filter(|w| !w.is_empty()).skip(1) {
            match word.split_once('=') {
                Some((name, value)) if redact::is_secret_name(name.as_bytes()) => self.keep(value),
                Some(_) => {}
                None => self.keep(word),
            }
        }
    }

    /// A cookie's value, as a HAR's `cookies` list gives it apart from the headers.
    pub fn cookie(&mut self, value: &str) {
        self.keep_encoded(value);
    }

    /// A query parameter, as a HAR's `queryString` gives it: kept when its name is a
    /// credential's (`key`, `api_key`, `token`, `sig`), or `code`: an Azure Function's key
    /// or an OAuth grant's code, in a URL (no text's word, where redaction reads).
    pub fn param(&mut self, name: &str, value: &str) {
        let name = name.trim();
        if redact::is_secret_name(name.as_bytes()) || name.eq_ignore_ascii_case("code") {
            self.keep_encoded(value);
        }
    }

    /// A URL's or request target's password (`https://user:pass@host/`) and the values of
    /// its query parameters named as credentials (`?key=…`), as written and decoded.
    pub fn url(&mut self, url: &str) {
        let url = url.split('#').next().unwrap_or(url);
        if let Some((_, rest)) = url.split_once("://") {
            let authority = rest.split(['/', '?']).next().unwrap_or(rest);
            if let Some((info, _)) = authority.rsplit_once('@') {
                self.keep_encoded(info.split_once(':').map_or(info, |(_, pass)| pass));
            }
        }
        let Some((_, query)) = url.split_once('?') else {
            return;
        };
        for pair in query.split('&') {
            if let Some((name, value)) = pair.split_once('=') {
                self.param(name, value);
            }
        }
    }

    /// Another message's values, as well.
    pub fn extend(&mut self, other: &Credentials) {
        for value in &other.0 {
            self.keep(value);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` with every value cut out, each as `…`.
    ///
    /// A value's start of [`MIN_LEN`] bytes or more right before a `…` is cut too: a text
    /// that quoted it cut to its bound (a finding quotes a name's first 80 characters) kept
    /// that much of it.
    pub fn cut(&self, text: &mut String) {
        for value in &self.0 {
            if memmem::find(text.as_bytes(), value.as_bytes()).is_some() {
                *text = text.replace(&**value, CUT);
            }
        }
        if memmem::find(text.as_bytes(), CUT.as_bytes()).is_none() {
            return;
        }
        let starts = self.starts_before_cuts(text);
        if !starts.is_empty() {
            let mut kept = String::with_capacity(text.len());
            let mut from = 0;
            for start in starts {
                kept.push_str(&text[from..start.start]);
                from = start.end;
            }
            kept.push_str(&text[from..]);
            *text = kept;
        }
    }

    /// The ranges of `text` that are a value's start, [`MIN_LEN`] bytes or more, right
    /// before a `…` (the `…` left in place), in order. Each is sought back to the `…` before
    /// it, no further, by the value's [`Borders`]: the text is read once for each value,
    /// however many `…` it holds and whatever it repeats.
    fn starts_before_cuts(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        let borders: Vec<Borders> = self.0.iter().map(|v| Borders::of(v.as_bytes())).collect();
        let bytes = text.as_bytes();
        let mut starts = Vec::new();
        let mut after_cut = 0;
        for end in memmem::find_iter(bytes, CUT.as_bytes()) {
            let longest = (self.0.iter().zip(&borders))
                .map(|(value, borders)| {
                    let from = end.saturating_sub(value.len()).max(after_cut);
                    borders.start_ending(value.as_bytes(), &bytes[from..end])
                })
                .max()
                .filter(|&n| n >= MIN_LEN);
            starts.extend(longest.map(|n| end - n..end));
            after_cut = end + CUT.len();
        }
        starts
    }

    fn keep_encoded(&mut self, value: &str) {
        self.keep(value);
        if value.contains(['%', '+']) {
            self.keep(&percent_decoded(&value.replace('+', " ")));
        }
    }

    fn keep(&mut self, value: &str) {
        let value = value.trim().trim_matches('"');
        let kept = &mut self.0;
        if value.len() < MIN_LEN
            || value.len() > MAX_LEN
            || kept.len() >= MAX_KEPT
            || kept.iter().any(|v| **v == *value)
        {
            return;
        }
        let at = kept.partition_point(|v| v.len() >= value.len());
        kept.insert(at, value.into());
    }
}

/// A value's borders, as Knuth, Morris and Pratt find a word: for each length of its
/// start, the longest shorter start that is also an end of it.
struct Borders(Vec<usize>);

impl Borders {
    fn of(value: &[u8]) -> Borders {
        let mut borders = vec![0; value.len() + 1];
        let mut k = 0;
        for i in 1..value.len() {
            while k > 0 && value[i] != value[k] {
                k = borders[k];
            }
            if value[i] == value[k] {
                k += 1;
            }
            borders[i + 1] = k;
        }
        Borders(borders)
    }

    /// How long the longest end of `text` that is a start of `value` is.
    fn start_ending(&self, value: &[u8], text: &[u8]) -> usize {
        let mut k = 0;
        for &b in text {
            if k == value.len() {
                k = self.0[k];
            }
            while k > 0 && b != value[k] {
                k = self.0[k];
            }
            if b == value[k] {
                k += 1;
            }
        }
        k
    }
}

/// `text` with its `%XX` escapes undone (an escape that is no UTF-8 is kept as it is).
pub fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| {
            std::str::from_utf8(h)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        });
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cut(credentials: &Credentials, text: &str) -> String {
        let mut text = text.to_string();
        credentials.cut(&mut text);
        text
    }

    #[test]
    fn header_values_of_credential_names_are_cut_and_no_others() {
        let mut c = Credentials::default();
        c.header("Authorization", "Bearer kX9pQ2rT7vL4wN8s");
        c.header("X-Api-Key", "tok_live_ab12cd34");
        c.header("X-Request-Id", "req_0123456789");
        c.header("Cookie", "sid=abcdefgh1234; theme=dark");
        c.header(
            "Set-Cookie",
            "session=zzzzyyyyxxxx; Path=/v1/messages; HttpOnly",
        );
        c.header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef");
        let said = cut(
            &c,
            "User kX9pQ2rT7vL4wN8s (tok_live_ab12cd34) in req_0123456789: sid abcdefgh1234 \
             zzzzyyyyxxxx on /v1/messages, AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request \
             host;x-amz-date 0123456789abcdef",
        );
        assert_eq!(
            said,
            "User … (…) in req_0123456789: sid … … on /v1/messages, … host;x-amz-date …"
        );
        assert_eq!(format!("{c:?}"), "Credentials(…)");
    }

    #[test]
    fn url_passwords_and_credential_params_are_cut_as_written_and_decoded() {
        let mut c = Credentials::default();
        c.url("https://me:p%40ssw0rd-x@api.test/v1/chat?key=abc%2Fdefghij&beta=true-ish-long#frag");
        c.param("api_key", "qqqqwwwweeee");
        c.url("/api/HttpTrigger?code=azfnKEY0123456");
        let said = cut(
            &c,
            "p@ssw0rd-x p%40ssw0rd-x abc/defghij abc%2Fdefghij true-ish-long qqqqwwwweeee \
             azfnKEY0123456",
        );
        assert_eq!(said, "… … … … true-ish-long … …");
    }

    #[test]
    fn a_value_quoted_cut_short_loses_what_was_kept_of_it() {
        let mut c = Credentials::default();
        let value = "abcdefghij".repeat(10);
        c.header("X-Api-Key", &value);
        let quoted = format!("unknown event type \"x-{}…\"", &value[..78]);
        assert_eq!(cut(&c, &quoted), "unknown event type \"x-…\"");
        // Less of it than a value's shortest, or no start of it, stays.
        assert_eq!(cut(&c, "type \"abcdefg…\""), "type \"abcdefg…\"");
        assert_eq!(cut(&c, "type \"bcdefghijab…\""), "type \"bcdefghijab…\"");
        // Read once for each value, whatever the text repeats: a start that fails late,
        // again and again, takes no longer.
        let mut c = Credentials::default();
        c.header("X-Api-Key", &format!("{}c", "ab".repeat(8000)));
        let text = format!("{}x…", "ab".repeat(4000)).repeat(200) + &"ab".repeat(4) + "…";
        assert_eq!(
            cut(&c, &text),
            format!("{}x…", "ab".repeat(4000)).repeat(200) + "…"
        );
    }

    #[test]
    fn short_values_are_not_cut_and_a_longer_value_is_cut_whole() {
        let mut c = Credentials::default();
        c.header("X-Api-Key", "short");
        c.header("Cookie", "a=abcdefgh; b=abcdefgh-ijklmnop");
        assert_eq!(cut(&c, "short abcdefgh-ijklmnop abcdefgh"), "short … …");
    }
}
