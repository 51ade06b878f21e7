//! The credentials a capture's own heads carry (an `Authorization` value, an API key
//! header, cookies, a URL's password or `?key=`), kept while its exchange is rebuilt so that
//! a text repeating one is cut: a gateway's 401 often echoes the caller's token ("User
//! `<token>` is not allowed"), in words no shape-based redaction can tell from prose
//! (hostile run 50). They are never part of a turn, and never printed: not even their
//! count is worth a `Debug`.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use memchr::memmem;

use crate::redact::{self, CUT};

/// Shorter values are not cut: they could be any text's words (`true`, `admin`).
const MIN_LEN: usize = 8;

/// Longer values are kept by their start alone: no error text is longer than
/// [`MAX_MESSAGE`](crate::redact::MAX_MESSAGE) bytes once cut, and a head of megabytes
/// would otherwise be held twice.
const MAX_LEN: usize = 16 * 1024;

/// At most this many cookie values per message, as many others, and as many pieces of
/// them: a head of 200,000 cookies keeps a few, not all, a browser's many cookies never
/// crowd out the `Authorization` after them (hostile run 52), and the pieces of one long
/// value (a Kerberos `Negotiate` token of 6 KB) never crowd out the `X-Api-Key` after it
/// (hostile run 63).
const MAX_KEPT: usize = 128;

/// What stands for a part of a text left out: this tool's `…`, or a gateway's `...` or
/// `***` masking a token but for its start or end (`sk-Qz7evtWm3k...`).
const MARKERS: [&str; 3] = [CUT, "...", "***"];

/// Credential values, the longest first (a value holding another is cut whole). Shared,
/// not copied, by the exchanges of one request: a txtar's hundreds of sections each held a
/// copy of its request's megabytes of them (hostile run 55).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Credentials(Arc<Kept>);

#[derive(Clone, Default, PartialEq, Eq)]
struct Kept {
    values: Vec<Box<str>>,
    /// Values a capture wrote as numbers past what is kept exactly (an integer of over 15
    /// digits, a float), as the bits of the float they were read as: the digits written
    /// are lost to the reading, so an error's numbers are read the same way and compared
    /// (hostile run 62: `X-Api-Key: 98765432109876543210987` in a cassette was kept as
    /// `9.876543210987654e22`, and the error quoting the digits was not cut).
    numbers: Vec<u64>,
    /// How many of them a cookie gave, how many anything else, and how many are pieces.
    cookies: usize,
    others: usize,
    pieces: usize,
}

/// Where a value came from, for the bound on each.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cookie,
    Other,
    /// A piece of a value between punctuation (see [`Credentials::keep`]).
    Piece,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Credentials(…)")
    }
}

impl Credentials {
    /// A header field: kept when its name is a credential's (`Authorization`, `X-Api-Key`,
    /// `Cookie`, `Set-Cookie`, `X-Amz-Security-Token`: [`redact::is_secret_name`]). The
    /// whole value is kept, and the words after its scheme (`Bearer <token>`, AWS's
    /// `Credential=<id>, Signature=<hex>`, the signature after `SharedKey account:`), a
    /// `Basic` credential's user and password decoded; a cookie header's values one by one,
    /// and a `Set-Cookie`'s every cookie but not its attributes (a value may hold several
    /// cookies, joined by line ends or commas: hostile run 55).
    pub fn header(&mut self, name: &str, value: &str) {
        let name = name.trim();
        if !redact::names_a_secret(name.as_bytes()) {
            return;
        }
        let value = value.trim();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("cookie") || lower.ends_with("cookie2") {
            if lower.starts_with("set-") {
                self.set_cookies(value);
                return;
            }
            // No cookie's value holds a comma (RFC 6265): one is two fields joined.
            for pair in value.split([';', ',', '\n']) {
                match pair.split_once('=') {
                    Some((_, value)) => self.cookie(value),
                    None => self.cookie(pair),
                }
            }
            return;
        }
        self.keep(value, Kind::Other);
        // Fields repeated are joined by commas (RFC 9110), as recorders of header maps
        // write them: `X-Api-Key: <a>, <b>` is two (hostile run 56). A part of more than
        // one word starts with its scheme; AWS's parameters are parts of one.
        for part in value.split(',').map(str::trim) {
            self.keep(part, Kind::Other);
            for decoded in basic_parts(part) {
                self.keep(&decoded, Kind::Other);
            }
            let words: Vec<&str> = part.split_whitespace().collect();
            let scheme = usize::from(words.len() > 1);
            for word in &words[scheme..] {
                match word.split_once('=') {
                    Some((name, value)) if redact::names_a_secret(name.as_bytes()) => {
                        self.keep(value, Kind::Other)
                    }
                    // A token padded (`Bearer <base64>==`) or of other `=`s, whole.
                    Some(_) => self.keep(word, Kind::Other),
                    None => {
                        self.keep(word, Kind::Other);
                        // `<id>:<secret>` (`SharedKey account:…`, fal.ai's `Key id:…`).
                        if let Some((id, secret)) = word.rsplit_once(':') {
                            self.keep(id, Kind::Other);
                            self.keep(secret, Kind::Other);
                        }
                    }
                }
            }
        }
    }

    /// The cookies of a `Set-Cookie` value, which may hold several joined by line ends or
    /// commas: each one's first pair is its cookie, whatever its name (`domain=<token>`), or
    /// its value alone (no `=`); the pairs after it are its attributes, whose values are
    /// no secret (hostile run 68: a cookie named like one, or with no name, was passed
    /// over). A comma inside an `Expires` date joins no cookie.
    fn set_cookies(&mut self, value: &str) {
        let mut in_date = false;
        for cookie in value.split([',', '\n']) {
            let mut pairs = cookie.split(';');
            let first = pairs.next().unwrap_or_default();
            if !std::mem::take(&mut in_date) {
                match first.split_once('=') {
                    Some((_, value)) => self.cookie(value),
                    None => self.cookie(first),
                }
            }
            let mut last = first;
            for pair in pairs {
                // No attribute of a cookie's, which a careless server may write all the
                // same: kept.
                if let Some((name, value)) = pair.split_once('=') {
                    if !is_cookie_attribute(name) {
                        self.cookie(value);
                    }
                }
                last = pair;
            }
            in_date = last
                .split_once('=')
                .is_some_and(|(name, _)| name.trim().eq_ignore_ascii_case("expires"));
        }
    }

    /// A cookie's value, as a HAR's `cookies` list gives it apart from the headers.
    pub fn cookie(&mut self, value: &str) {
        self.keep_encoded(value, Kind::Cookie);
    }

    /// A query parameter, as a HAR's `queryString` gives it: kept when its name is a
    /// credential's (`key`, `api_key`, `token`, `sig`), or `code`: an Azure Function's key
    /// or an OAuth grant's code, in a URL (no text's word, where redaction reads).
    pub fn param(&mut self, name: &str, value: &str) {
        let name = name.trim();
        if redact::names_a_secret(name.as_bytes()) || name.eq_ignore_ascii_case("code") {
            self.keep_encoded(value, Kind::Other);
        }
    }

    /// A URL's or request target's password (`https://user:pass@host/`) and the values of
    /// its query parameters named as credentials (`?key=…`), as written and decoded.
    pub fn url(&mut self, url: &str) {
        let url = url.split('#').next().unwrap_or(url);
        if let Some((_, rest)) = url.split_once("://") {
            let authority = rest.split(['/', '?']).next().unwrap_or(rest);
            // The user as well: a token often is one (`https://<token>:x-oauth-basic@…`).
            if let Some((info, _)) = authority.rsplit_once('@') {
                let (user, password) = info.split_once(':').unwrap_or((info, ""));
                self.keep_encoded(user, Kind::Other);
                self.keep_encoded(password, Kind::Other);
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

    /// Another message's values, as well (each message's were bounded already).
    pub fn extend(&mut self, other: &Credentials) {
        if self.is_empty() {
            self.0 = Arc::clone(&other.0);
            return;
        }
        if Arc::ptr_eq(&self.0, &other.0) {
            return;
        }
        for value in &other.0.values {
            self.insert(value);
        }
        for &bits in &other.0.numbers {
            self.insert_number(bits);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.values.is_empty()
    }

    /// Whether both are one set of values, not copies.
    #[cfg(test)]
    pub fn shares(&self, other: &Credentials) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// Each of `texts` [`cut`](Credentials::cut).
    pub fn cut_all<'t>(&self, texts: impl IntoIterator<Item = &'t mut String>) {
        texts.into_iter().for_each(|text| self.cut(text));
    }

    /// `text` with every value cut out, each as `…`.
    ///
    /// A value's start or end of [`MIN_LEN`] bytes or more is cut too where it meets a
    /// [marker](MARKERS) (the marker left in place): a text that quoted it cut to its bound
    /// (a finding quotes a name's first 80 characters), or a gateway that masked it but
    /// for its start (`Qz7evtWm3k...`) or end, kept that much of it.
    pub fn cut(&self, text: &mut String) {
        if !self.0.numbers.is_empty() {
            self.cut_numbers(text);
        }
        // Longest first: those longer than the text are passed over at no cost, so a text
        // costs at most its length for each value, never the values' lengths (hostile run
        // 63: 3,000 tool names against a head of 2 MB of values took 72 s).
        for value in &self.0.values {
            if value.len() > text.len() {
                continue;
            }
            if memmem::find(text.as_bytes(), value.as_bytes()).is_some() {
                *text = text.replace(&**value, CUT);
            }
        }
        let ranges = self.parts_at_markers(text);
        if !ranges.is_empty() {
            let mut kept = String::with_capacity(text.len());
            let mut from = 0;
            for range in ranges {
                kept.push_str(&text[from..range.start]);
                from = range.end;
            }
            kept.push_str(&text[from..]);
            *text = kept;
        }
    }

    /// `text` with every number of [`MIN_LEN`] characters or more that reads as a kept
    /// number cut out.
    fn cut_numbers(&self, text: &mut String) {
        let bytes = text.as_bytes();
        let mut cuts = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            let sign = matches!(bytes[at], b'-' | b'+' | b'.');
            let starts = bytes[at].is_ascii_digit()
                || sign && bytes.get(at + 1).is_some_and(u8::is_ascii_digit);
            if !starts {
                at += 1;
                continue;
            }
            let len = bytes[at + 1..]
                .iter()
                .take_while(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
                .count();
            let mut end = at + 1 + len;
            // A sentence's full stop, or an exponent with no digits, is no part of it.
            while end > at && !bytes[end - 1].is_ascii_digit() {
                end -= 1;
            }
            // Within a few units in the last place: a JSON reader may round the digits
            // otherwise than Rust's own parse does.
            let near = |n: f64, kept: u64| {
                let kept = f64::from_bits(kept);
                (n - kept).abs() <= n.abs().max(kept.abs()) * 4.0 * f64::EPSILON
            };
            let kept = (text[at..end].parse::<f64>().ok())
                .is_some_and(|n| self.0.numbers.iter().any(|&kept| near(n, kept)));
            if end - at >= MIN_LEN && kept {
                cuts.push(at..end);
            }
            at = (at + 1 + len).max(end);
        }
        for range in cuts.into_iter().rev() {
            text.replace_range(range, CUT);
        }
    }

    /// The ranges of `text` that are a value's start right before a marker, or its end
    /// right after one, [`MIN_LEN`] bytes or more, in order and apart. Each is sought only
    /// as far as the marker before or after it, by the [`Borders`] of as much of the
    /// value's start (or of its end read backwards) as that reach holds: the text is read
    /// a bounded number of times for each value, however many markers it holds, whatever
    /// it repeats, and however long the values are (hostile run 63: each value's borders
    /// built whole for each text made a head of megabytes cost that much a tool name).
    fn parts_at_markers(&self, text: &str) -> Vec<Range<usize>> {
        let bytes = text.as_bytes();
        let mut markers: Vec<Range<usize>> = (MARKERS.iter())
            .flat_map(|m| memmem::find_iter(bytes, m.as_bytes()).map(|at| at..at + m.len()))
            .collect();
        if markers.is_empty() {
            return Vec::new();
        }
        markers.sort_by_key(|m| m.start);
        // A longer run of a marker's character (`****`, `....`) is one marker (hostile run
        // 58: the end after `****` was kept).
        let mut runs: Vec<Range<usize>> = Vec::with_capacity(markers.len());
        for mut marker in markers {
            if runs.last().is_some_and(|last| marker.start < last.end) {
                continue;
            }
            let last = bytes[marker.end - 1];
            if matches!(last, b'*' | b'.') {
                marker.end += bytes[marker.end..]
                    .iter()
                    .take_while(|&&b| b == last)
                    .count();
            }
            runs.push(marker);
        }
        let markers = runs;
        let values = || self.0.values.iter().map(|v| v.as_bytes());
        let mut ranges = Vec::new();
        for (i, marker) in markers.iter().enumerate() {
            let (start, end) = (marker.start, marker.end);
            let before = if i == 0 { 0 } else { markers[i - 1].end };
            let after = markers.get(i + 1).map_or(bytes.len(), |m| m.start);
            // A start before the marker: the longest end of what precedes it (as far as a
            // value reaches) that starts a value.
            let head = values()
                .map(|value| {
                    let reach = value.len().min(start - before);
                    if reach < MIN_LEN {
                        return 0;
                    }
                    let value = &value[..reach];
                    Borders::of(value)
                        .start_ending(value, bytes[start - reach..start].iter().copied())
                })
                .max();
            ranges.extend(head.filter(|&n| n >= MIN_LEN).map(|n| start - n..start));
            // An end after it: the longest start of what follows it that ends a value.
            let tail = values()
                .map(|value| {
                    let reach = value.len().min(after - end);
                    if reach < MIN_LEN {
                        return 0;
                    }
                    let backwards: Vec<u8> =
                        value[value.len() - reach..].iter().rev().copied().collect();
                    Borders::of(&backwards)
                        .start_ending(&backwards, bytes[end..end + reach].iter().rev().copied())
                })
                .max();
            ranges.extend(tail.filter(|&n| n >= MIN_LEN).map(|n| end..end + n));
        }
        ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for range in ranges {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        merged
    }

    fn keep_encoded(&mut self, value: &str, kind: Kind) {
        self.keep(value, kind);
        if value.contains(['%', '+']) {
            self.keep(&percent_decoded(&value.replace('+', " ")), kind);
        }
    }

    fn keep(&mut self, value: &str, kind: Kind) {
        let value = value.trim().trim_matches('"');
        if value.len() < MIN_LEN {
            return;
        }
        // A longer value is kept by its start: no text quotes more of it than
        // [`MAX_MESSAGE`](crate::redact::MAX_MESSAGE), which its start, cut, covers, and a
        // text cut short with `…` after it loses it there (hostile run 57).
        let mut end = value.len().min(MAX_LEN);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        let value = &value[..end];
        self.add(value, kind);
        let lossy = value.contains(['.', 'e', 'E'])
            || value.bytes().filter(u8::is_ascii_digit).count() > 15;
        let number = value.parse::<f64>().ok().filter(|n| n.is_finite() && lossy);
        if let Some(n) = number.filter(|_| self.0.numbers.len() < MAX_KEPT) {
            self.insert_number(n.to_bits());
        }
        // Its pieces between punctuation, that look like secrets of their own: an error
        // may quote one alone (`<id>:<secret>`, `<id>.<secret>`, a token without its `=`
        // padding; hostile run 58). Words (`settings`) are no such piece.
        for piece in value.split(|c: char| !c.is_ascii_alphanumeric()) {
            let digits = piece.bytes().any(|b| b.is_ascii_digit());
            let letters = piece.bytes().any(|b| b.is_ascii_alphabetic());
            let secret = piece.len() >= 16 || digits && letters;
            // A value of no punctuation is its one piece, kept already.
            if piece.len() >= MIN_LEN && piece.len() < value.len() && secret {
                self.add(piece, Kind::Piece);
            }
        }
    }

    /// Adds `value`, counted as of `kind`, unless [`MAX_KEPT`] of that kind are kept.
    fn add(&mut self, value: &str, kind: Kind) {
        let count = match kind {
            Kind::Cookie => self.0.cookies,
            Kind::Other => self.0.others,
            Kind::Piece => self.0.pieces,
        };
        if count < MAX_KEPT && self.insert(value) {
            let kept = Arc::make_mut(&mut self.0);
            match kind {
                Kind::Cookie => kept.cookies += 1,
                Kind::Other => kept.others += 1,
                Kind::Piece => kept.pieces += 1,
            }
        }
    }

    /// Adds a number's bits (see [`Kept::numbers`]) unless they are there already.
    fn insert_number(&mut self, bits: u64) {
        if !self.0.numbers.contains(&bits) {
            Arc::make_mut(&mut self.0).numbers.push(bits);
        }
    }

    /// Adds `value` where the longest first puts it; false if it was there already.
    fn insert(&mut self, value: &str) -> bool {
        if self.0.values.iter().any(|v| **v == *value) {
            return false;
        }
        let values = &mut Arc::make_mut(&mut self.0).values;
        let at = values.partition_point(|v| v.len() >= value.len());
        values.insert(at, value.into());
        true
    }
}

/// A `Basic` credential (base64 of `user:password`) decoded, and its user and password,
/// which an error may quote: an API key is often the user, with no password (Stripe's
/// `sk_live_…:`; hostile run 55).
fn basic_parts(value: &str) -> Vec<String> {
    use base64::Engine;
    let Some((scheme, token)) = value.split_once(char::is_whitespace) else {
        return Vec::new();
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Vec::new();
    }
    // Padded or not, in either alphabet (hostile run 57); a password of Latin-1 bytes
    // read as Latin-1, as servers that echo it decode it.
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let token = token.trim();
    let engines = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD];
    let Some(decoded) = engines.iter().find_map(|e| e.decode(token).ok()) else {
        return Vec::new();
    };
    let decoded = String::from_utf8(decoded)
        .unwrap_or_else(|e| e.into_bytes().into_iter().map(char::from).collect());
    let parts = decoded
        .split_once(':')
        .map(|(user, password)| [user, password]);
    let mut parts: Vec<String> = parts.into_iter().flatten().map(String::from).collect();
    parts.push(decoded);
    parts
}

/// Whether `name` is a `Set-Cookie` attribute's (`Path`, `Expires`, …), whose value is
/// no secret, rather than a cookie's.
fn is_cookie_attribute(name: &str) -> bool {
    const ATTRIBUTES: [&str; 6] = [
        "path", "domain", "expires", "max-age", "samesite", "priority",
    ];
    ATTRIBUTES
        .iter()
        .any(|a| name.trim().eq_ignore_ascii_case(a))
}

/// A value's borders, as Knuth, Morris and Pratt find a word: for each length of its
/// start, the longest shorter start that is also an end of it. Kept as `u32`, half a
/// `usize`: a value is at most [`MAX_LEN`] bytes.
struct Borders(Vec<u32>);

impl Borders {
    fn of(value: &[u8]) -> Borders {
        let mut borders = vec![0; value.len() + 1];
        let mut k = 0;
        for i in 1..value.len() {
            while k > 0 && value[i] != value[k] {
                k = borders[k] as usize;
            }
            if value[i] == value[k] {
                k += 1;
            }
            borders[i + 1] = k as u32;
        }
        Borders(borders)
    }

    /// How long the longest end of `text` that is a start of `value` is.
    fn start_ending(&self, value: &[u8], text: impl Iterator<Item = u8>) -> usize {
        let mut k = 0;
        for b in text {
            if k == value.len() {
                k = self.0[k] as usize;
            }
            while k > 0 && b != value[k] {
                k = self.0[k] as usize;
            }
            if b == value[k] {
                k += 1;
            }
        }
        k
    }
}

/// Hands `keep` every text and number in a JSON value written where a header's, cookie's or
/// parameter's value stands: one, a list of them, or an object holding them (`{"scheme": …,
/// "token": …}`). A capture's format may ask for a string, but the capture is read all the
/// same, and its credential must be kept whatever its shape (hostile runs 63 and 65).
pub fn each_text(value: &serde_json::Value, keep: &mut impl FnMut(&str)) {
    use serde_json::Value;
    match value {
        Value::String(text) => keep(text),
        // Digits a hand-edited capture left unquoted (hostile runs 56 and 57).
        Value::Number(number) => keep(&number.to_string()),
        Value::Array(items) => items.iter().for_each(|item| each_text(item, keep)),
        Value::Object(members) => members.iter().for_each(|(key, item)| {
            if key_is_a_value(key, item.is_null() || item.is_boolean()) {
                keep(key);
            }
            each_text(item, keep)
        }),
        Value::Null | Value::Bool(_) => {}
    }
}

/// Whether a key of a mapping written where a credential's value stands is a value itself:
/// a set's member (`!!set {<token>: null}`, `{"<token>": true}`: `set` says its value is
/// null, true or false), or a word no field is named by, holding a digit or punctuation
/// (hostile run 70). A field's name (`scheme`, `token`) is no value.
pub fn key_is_a_value(key: &str, set: bool) -> bool {
    set || !key
        .bytes()
        .all(|b| b.is_ascii_alphabetic() || b == b'_' || b == b'-')
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

    #[test]
    fn a_mapping_written_as_a_value_gives_its_keys_that_are_values() {
        // Hostile run 70 D2: `{"<token>": null}` kept none.
        let value = serde_json::json!({
            "Rk8sWq3zLm5nXv2Tab": null,
            "scheme": "Bearer",
            "token": "Qz7d4xK9mP2vL8wR",
            "hX7p-Q2mV9sLk4Rt": "x",
            "enabledsetmember": true
        });
        let mut kept = Vec::new();
        each_text(&value, &mut |text| kept.push(text.to_string()));
        kept.sort();
        assert_eq!(
            kept,
            [
                "Bearer",
                "Qz7d4xK9mP2vL8wR",
                "Rk8sWq3zLm5nXv2Tab",
                "enabledsetmember",
                "hX7p-Q2mV9sLk4Rt",
                "x"
            ]
        );
    }

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
    fn a_basic_credentials_password_is_cut_decoded() {
        let mut c = Credentials::default();
        // `me:correct-horse`
        c.header("Authorization", "Basic bWU6Y29ycmVjdC1ob3JzZQ==");
        assert_eq!(
            cut(&c, "user me, password correct-horse"),
            "user me, password …"
        );
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
    fn a_value_masked_but_for_its_start_or_end_loses_what_is_shown_of_it() {
        let mut c = Credentials::default();
        c.header("Authorization", "Bearer Qz7evtWm3kT9pLr4");
        assert_eq!(
            cut(&c, "User Qz7evtWm3k... is not allowed"),
            "User ... is not allowed"
        );
        assert_eq!(cut(&c, "key ***vtWm3kT9pLr4 revoked"), "key *** revoked");
        assert_eq!(cut(&c, "key Qz7evt...kT9pLr4"), "key Qz7evt...kT9pLr4");
        assert_eq!(cut(&c, "Loading... done"), "Loading... done");
    }

    /// Hostile run 58: a piece of a value quoted alone, and an end after a longer mask.
    #[test]
    fn pieces_of_a_value_and_ends_after_long_masks_are_cut() {
        let mut c = Credentials::default();
        c.header("Authorization", "Key 5f1d2c3b-id01:Zq8wRt5yUi3oPa7s");
        c.header("X-Api-Key", "Mn4bVc7xLk2jHg9f=");
        c.header("Cookie", "prefs=user|settings|language");
        assert_eq!(
            cut(
                &c,
                "id 5f1d2c3b-id01 secret Zq8wRt5yUi3oPa7s key Mn4bVc7xLk2jHg9f ****Lk2jHg9f \
                 settings language"
            ),
            "id … secret … key … **** settings language"
        );
    }

    /// Hostile run 57: a padded token, a `Basic` credential unpadded, URL-safe or of
    /// Latin-1, a URL's user, and a value longer than those kept whole.
    #[test]
    fn padded_unpadded_latin_1_user_and_long_values_are_cut() {
        let mut c = Credentials::default();
        c.header("Authorization", "Bearer Qa7zXc9vBn2mLk4j==");
        // `userkey1:pässword` in Latin-1, unpadded.
        c.header("Proxy-Authorization", "Basic dXNlcmtleTE6cORzc3dvcmQ");
        c.url("https://ghtoken0123456789:x-oauth-basic@github.com/o/r.git");
        let long = "v".repeat(MAX_LEN + 100);
        c.header("X-Api-Key", &long);
        let quoted = format!("{}…", &long[..4000]);
        assert_eq!(
            cut(
                &c,
                &format!(
                    "Qa7zXc9vBn2mLk4j== userkey1 pässword ghtoken0123456789 x-oauth-basic {quoted}"
                )
            ),
            "… … … … … …"
        );
    }

    /// Hostile run 56: fields repeated and joined by commas, a key's or a cookie's.
    #[test]
    fn each_of_the_values_a_comma_joins_is_cut() {
        let mut c = Credentials::default();
        c.header("X-Api-Key", "Zq8wRt5yUi3oPa7s, Mn4bVc7xLk2jHg9f");
        c.header(
            "Cookie",
            "a=bcdefghij; sid=Qw3eRt6yUi9oPl2k, sid2=Zx5cVb8nMa1sDf4g",
        );
        // `me:correct-horse`
        c.header(
            "Proxy-Authorization",
            "Basic bWU6Y29ycmVjdC1ob3JzZQ==, Bearer Tk5rLp0qWx4zSg8h",
        );
        assert_eq!(
            cut(
                &c,
                "Zq8wRt5yUi3oPa7s Mn4bVc7xLk2jHg9f Qw3eRt6yUi9oPl2k Zx5cVb8nMa1sDf4g \
                 correct-horse Tk5rLp0qWx4zSg8h"
            ),
            "… … … … … …"
        );
    }

    /// Hostile run 55: a `Set-Cookie` value's later cookies, a `Basic` credential's user
    /// and a signature after `account:` were not kept.
    #[test]
    fn every_cookie_set_a_basic_user_and_a_signature_after_an_account_are_cut() {
        let mut c = Credentials::default();
        c.header(
            "Set-Cookie",
            "a=Pw4kXcVb9nMm2Lq; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT, sid=Zq8wRt5yUi3oPa7s\nb=Mn3bVc8xZl1kJh6g; Domain=.example.com",
        );
        // `sk_live_abcdef12:` (an API key as the user, no password)
        c.header("Authorization", "Basic c2tfbGl2ZV9hYmNkZWYxMjo=");
        c.header("Authorization", "SharedKey myaccount:Sg8hVf2kLp0qWx4z");
        assert_eq!(
            cut(
                &c,
                "Pw4kXcVb9nMm2Lq Zq8wRt5yUi3oPa7s Mn3bVc8xZl1kJh6g sk_live_abcdef12 \
                 Sg8hVf2kLp0qWx4z myaccount .example.com 21 Oct 2026 07:28:00 GMT"
            ),
            // The account too, since hostile run 58: an `<id>:` is often the key's own.
            "… … … … … … .example.com 21 Oct 2026 07:28:00 GMT"
        );
    }

    #[test]
    fn a_set_cookie_named_like_an_attribute_or_of_no_name_is_cut() {
        // Hostile run 68 D5: `domain=<token>` was taken for an attribute, and a cookie with
        // no `=` passed over.
        let mut c = Credentials::default();
        c.header("Set-Cookie", "domain=Qd7mLp2xWv9kRt4n; Path=/");
        c.header("Set-Cookie", "Xb8nMq3vLk6pWr1t; Secure");
        c.header(
            "Set-Cookie",
            "path=Ht5gFd8sJk2lQw9e, expires=Zx4cVb7nMa1sDf6g",
        );
        assert_eq!(
            cut(
                &c,
                "Qd7mLp2xWv9kRt4n Xb8nMq3vLk6pWr1t Ht5gFd8sJk2lQw9e Zx4cVb7nMa1sDf6g"
            ),
            "… … … …"
        );
    }

    #[test]
    fn many_cookies_never_crowd_out_the_authorization_after_them() {
        let mut c = Credentials::default();
        let cookies: Vec<String> = (0..300).map(|i| format!("c{i}=value-{i:05}")).collect();
        c.header("Cookie", &cookies.join("; "));
        c.header("Authorization", "Bearer Qz7evtWm3kT9pLr4");
        assert_eq!(cut(&c, "User Qz7evtWm3kT9pLr4 value-00001"), "User … …");
        assert_eq!(cut(&c, "value-00299"), "value-00299");
    }

    #[test]
    fn every_name_error_texts_are_cut_by_keeps_a_captures_value() {
        // Hostile run 64: names a suspect line is told by (`Authorisation`, `X-Passcode`,
        // `?pin=`) were not credentials' names in a capture's own head.
        let headers = [
            "Authorisation",
            "X-Passcode",
            "X-Creds",
            "X-Csrf",
            "X-Xsrf",
            "X-Pin",
            "X-Otp",
            "Client-Assertion",
        ];
        for name in headers {
            let mut c = Credentials::default();
            c.header(name, "tokvzx7qplmwd");
            assert_eq!(
                cut(&c, "User tokvzx7qplmwd is not allowed"),
                "User … is not allowed",
                "{name}"
            );
        }
        for name in ["passcode", "pw", "pin", "otp", "bearer"] {
            let mut c = Credentials::default();
            c.url(&format!("https://gw.test/v1/messages?{name}=tokvzx7qplmwd"));
            assert_eq!(cut(&c, "tokvzx7qplmwd"), "…", "{name}");
        }
        // A count of tokens is no credential.
        let mut c = Credentials::default();
        c.header("X-Ratelimit-Remaining-Tokens", "29999000");
        assert!(c.is_empty());
    }

    #[test]
    fn the_pieces_of_a_long_value_never_crowd_out_the_values_after_it() {
        // Hostile run 63: a Kerberos token's pieces between its `+` and `/` filled the
        // bound, and the `X-Api-Key` after it was not kept.
        let mut c = Credentials::default();
        let pieces: Vec<String> = (0..400).map(|i| format!("Ab{i:06}x")).collect();
        c.header(
            "Proxy-Authorization",
            &format!("Negotiate {}", pieces.join("+")),
        );
        c.header("X-Api-Key", "Qm7kPw3XzR9tLq2V");
        assert_eq!(
            cut(&c, "User Qm7kPw3XzR9tLq2V is not allowed"),
            "User … is not allowed"
        );
        assert_eq!(cut(&c, "Ab000001x"), "…");
    }

    #[test]
    fn a_text_costs_its_length_for_each_value_not_the_values_length() {
        // Hostile run 63: 3,000 tool names against 128 values of 16 KiB took 72 s, each
        // value's search and borders built whole for each name.
        let mut c = Credentials::default();
        for i in 0..MAX_KEPT {
            let value: String = (0..MAX_LEN)
                .map(|j| char::from(b'a' + ((i * 7 + j * 13) % 26) as u8))
                .collect();
            c.header(&format!("X-Key-{i}"), &value);
        }
        let started = std::time::Instant::now();
        for i in 0..3_000 {
            cut(&c, &format!("n...n...n...x{i}"));
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn a_value_written_as_a_number_past_exact_is_cut_as_its_digits_read() {
        // Hostile run 62: kept as the float a cassette or HAR read it as, the digits an
        // error quotes were not the value kept.
        let mut credentials = Credentials::default();
        // As a HAR's or a claude-trace log's JSON reader reads it, which rounds otherwise
        // than Rust's own parse.
        let read: serde_json::Value = serde_json::from_str("98765432109876543210987").unwrap();
        credentials.header("X-Api-Key", &read.to_string());
        credentials.header("Api-Key", "0.123456789");
        assert_eq!(
            cut(
                &credentials,
                "User 98765432109876543210987 is not allowed; key .1234567890, 6 or 9876543210."
            ),
            "User … is not allowed; key …, 6 or 9876543210."
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
