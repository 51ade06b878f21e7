//! Secrets out of error text a capture quotes. A gateway dump's `.req_error.txt` is what the
//! HTTP client said when the upstream call failed, and clients quote the request: Go's
//! `Post "https://gw.example/v1/messages?key=…": dial tcp: i/o timeout`, Python's
//! `Max retries exceeded with url: /v1/messages?key=…`, a header echoed back. An HTTP error
//! whose body is no JSON (a proxy's plain-text or HTML 401) may echo the same, or the key
//! itself, and so may a provider's JSON error. The text becomes the turn's error message and
//! so every output, so what may be a credential is cut out of every error message when the
//! turn is finished, and the cut is shown as `…` so no one takes the rest for the whole.
//! A name a message quotes from a capture (a txtar section's, say) is cut the same way
//! ([`crate::quote`]).

/// What stands where something was cut out.
const CUT: &str = "…";

/// Header names (lowercase, colon included) whose value is a credential; matched anywhere,
/// so `x-api-key:`, `proxy-authorization:` and `set-cookie:` are caught too.
const HEADERS: [&str; 3] = ["authorization:", "api-key:", "cookie:"];

/// How a parameter's or field's name ends (lowercase) when its value is a credential:
/// `key=`, `api_key=`, `access_token=`, `client_secret=`, `sig=`, `"api_key": "…"`,
/// AWS's `Credential=` (its access key id),
/// `Ocp-Apim-Subscription-Key:`, `x-amz-security-token:`, `session_id=`…
const PARAMS: [&str; 14] = [
    "key",
    "credential",
    "token",
    "secret",
    "password",
    "passwd",
    "signature",
    "sig",
    "auth",
    "authorization",
    "cookie",
    "session",
    "sessionid",
    "session_id",
];

/// The words before a key in OpenAI's error for a wrong one (`Incorrect API key provided:
/// …`), which quotes the key whatever its shape.
const PROVIDED: &str = "key provided:";

/// Authorization schemes, lowercase: after one comes the credential.
const SCHEMES: [&str; 5] = ["basic", "bearer", "digest", "token", "negotiate"];

/// API keys told by their shape alone, with no name before them: a word (of ASCII
/// letters, digits, `_` and `-`) that starts with the prefix and whose rest is of `body`
/// and at least `min` long (exactly `min` when `exact`). Only prefixes providers put on
/// secrets, with lengths real keys have, so that no ordinary word is taken for one: `sk-`
/// (OpenAI's `sk-`, `sk-proj-`, Anthropic's `sk-ant-`, OpenRouter's `sk-or-`; 20 or more
/// characters after it), AWS access key ids (`AKIA`/`ASIA` and exactly 16 capitals or
/// digits), Google API keys (`AIza` and 35 more). The prefix is kept, to say what kind of
/// key was there: `sk-…`.
const KEYS: [Key; 9] = [
    Key {
        prefix: "sk-",
        body: in_token,
        min: 20,
        exact: false,
    },
    Key {
        prefix: "AKIA",
        body: is_upper_or_digit,
        min: 16,
        exact: true,
    },
    Key {
        prefix: "ASIA",
        body: is_upper_or_digit,
        min: 16,
        exact: true,
    },
    Key {
        prefix: "AIza",
        body: in_token,
        min: 35,
        exact: true,
    },
    github(GITHUB[0]),
    github(GITHUB[1]),
    github(GITHUB[2]),
    github(GITHUB[3]),
    github(GITHUB[4]),
];

const fn github(prefix: &'static str) -> Key {
    Key {
        prefix,
        body: |b| b.is_ascii_alphanumeric(),
        min: 36,
        exact: true,
    }
}

/// Where a JSON Web Token that starts at `at` ends, if one does: `eyJ` (a JSON header's
/// `{"` in base64url), then three dot-separated base64url parts of at least 8 characters.
/// A bearer token outside a header (a gateway echoing its session, a JWT in a URL's path).
fn jwt_end(bytes: &[u8], at: usize) -> Option<usize> {
    if !bytes[at..].starts_with(b"eyJ") {
        return None;
    }
    let mut end = at;
    for part in 0..3 {
        if part > 0 {
            end = (bytes.get(end) == Some(&b'.')).then_some(end + 1)?;
        }
        let next = run_end(bytes, end, in_token);
        if next - end < 8 {
            return None;
        }
        end = next;
    }
    Some(end)
}

/// GitHub's tokens: a prefix saying the kind (`ghp_` personal, `gho_` OAuth, `ghu_`/`ghs_`
/// app, `ghr_` refresh) and 36 letters and digits.
const GITHUB: [&str; 5] = ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"];

/// A shape of API key (see [`KEYS`]).
struct Key {
    prefix: &'static str,
    body: fn(u8) -> bool,
    min: usize,
    exact: bool,
}

impl Key {
    /// Where the key that starts at `at` ends, if one of this shape does; `at` starts a word.
    fn end(&self, bytes: &[u8], at: usize) -> Option<usize> {
        let from = at + self.prefix.len();
        if !bytes[at..].starts_with(self.prefix.as_bytes()) {
            return None;
        }
        let end = run_end(bytes, from, in_token);
        let body = run_end(bytes, from, self.body);
        let long = match self.exact {
            true => body == end && end - from == self.min,
            false => body == end && end - from >= self.min,
        };
        long.then_some(end)
    }
}

/// `text` with what may be a credential cut out: a URL's query string (after its `?`) and
/// user info (before its `@`); the value after `Bearer `, and after a credential header's
/// name (to the end of its line, or a closing quote); a `key=`, `token=`, `secret=`-style
/// parameter's value; an API key told by its shape ([`KEYS`]). Everything else is kept as
/// it is.
pub fn redacted(text: &str) -> String {
    let bytes = text.as_bytes();
    let at = |i: usize, word: &str| {
        bytes
            .get(i..i + word.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(word.as_bytes()))
    };
    let run = |from: usize, keep: fn(u8) -> bool| run_end(bytes, from, keep);
    let mut out = String::with_capacity(text.len());
    // Whether the current word (a URL, a path) has a `/` so far, and where the current
    // name began: kept as it goes, so the text is read once.
    let mut slashed = false;
    let mut name = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(header) = HEADERS.iter().find(|h| at(i, h)) {
            let value = run(i + header.len(), |b| b == b' ' || b == b'\t');
            let quoted = name > 0 && matches!(bytes[name - 1], b'"' | b'\'');
            out.push_str(&text[i..value]);
            i = cut(&mut out, value, header_value_end(bytes, value, quoted));
        } else if let Some(value) = at(i, "bearer").then(|| separated(bytes, i + 6)).flatten() {
            out.push_str(&text[i..value]);
            i = cut(&mut out, value, run(value, in_word));
        } else if let Some(quoted) = (bytes[i] == b':')
            .then(|| secret_before_colon(bytes, i))
            .flatten()
        {
            // A field of a secret name: `apikey: …`, `"api_key": "…"`.
            let value = run(i + 1, |b| b == b' ' || b == b'\t');
            out.push_str(&text[i..value]);
            i = match bytes.get(value) {
                // A list of values (`'x-api-key': ['…']`): to its end, or the line's.
                Some(b'[') => {
                    out.push('[');
                    let inside = &bytes[value + 1..];
                    let end = value
                        + 1
                        + inside
                            .iter()
                            .take_while(|&&b| b != b']' && b != b'\n')
                            .count();
                    cut(&mut out, value + 1, end)
                }
                Some(&q @ (b'"' | b'\'')) => {
                    out.push(q as char);
                    let inside = &bytes[value + 1..];
                    let end =
                        value + 1 + inside.iter().take_while(|&&b| b != q && b != b'\n').count();
                    cut(&mut out, value + 1, end)
                }
                // An escaped quote (`\"…\"`, `\\\"…\\\"`): to the same escaped quote, which
                // closes it.
                Some(b'\\') if escaped_quote(bytes, value).is_some() => {
                    let start = escaped_quote(bytes, value).unwrap_or(value);
                    out.push_str(&text[value..start]);
                    let closing = &bytes[value..start];
                    let end = (start..bytes.len())
                        .find(|&at| bytes[at..].starts_with(closing) || bytes[at] == b'\n')
                        .unwrap_or(bytes.len());
                    cut(&mut out, start, end)
                }
                _ => cut(&mut out, value, header_value_end(bytes, value, quoted)),
            };
        } else if at(i, "%3d") && is_secret_name(&bytes[name..i]) {
            // `key%3D…`: a parameter inside an encoded URL.
            out.push_str(&text[i..i + 3]);
            i = cut(&mut out, i + 3, run(i + 3, |b| in_value(b) && b != b'%'));
        } else if at(i, "://") {
            let host = i + "://".len();
            let end = run(host, |b| in_word(b) && b != b'/');
            out.push_str("://");
            slashed = true;
            i = match text[host..end].rfind('@') {
                Some(user) => cut(&mut out, host, host + user),
                None => host,
            };
        } else if bytes[i] == b'?' && slashed {
            out.push('?');
            i = cut(&mut out, i + 1, run(i + 1, in_word));
        } else if bytes[i] == b'='
            && (is_secret_name(&bytes[name..i]) || secret_before_colon(bytes, i).is_some())
        {
            // `api_key=…`, `api_key = …`, `token="…"`, `OpenAI(api_key='…')`.
            let value = run(i + 1, |b| b == b' ' || b == b'\t');
            out.push_str(&text[i..value]);
            if let Some(&q @ (b'"' | b'\'')) = bytes.get(value) {
                out.push(q as char);
                let inside = &bytes[value + 1..];
                let end = value + 1 + inside.iter().take_while(|&&b| b != q && b != b'\n').count();
                i = cut(&mut out, value + 1, end);
                continue;
            }
            let i_eq = value - 1;
            let mut end = run(i_eq + 1, in_value);
            // `Authorization=Basic …`: a scheme, then the credential.
            if is_scheme(&bytes[i_eq + 1..end]) {
                if let Some(token) = separated(bytes, end) {
                    end = run(token, in_value);
                }
            }
            i = cut(&mut out, i_eq + 1, end);
        } else if let Some(end) = (bytes[i] == b':')
            .then(|| user_info_end(bytes, i))
            .flatten()
        {
            // `user:password@proxy.example:8080`, with no scheme before it.
            out.push(':');
            i = cut(&mut out, i + 1, end);
        } else if at(i, PROVIDED) {
            // OpenAI's `Incorrect API key provided: sk-abc…`, whatever the key's shape.
            let key = run(i + PROVIDED.len(), |b| b == b' ' || b == b'\t');
            out.push_str(&text[i..key]);
            i = cut(&mut out, key, run(key, |b| in_token(b) || b == b'*'));
        } else if let Some(end) = starts_word(bytes, i).then(|| jwt_end(bytes, i)).flatten() {
            out.push_str("eyJ");
            i = cut(&mut out, i + 3, end);
        } else if let Some((key, end)) = starts_word(bytes, i)
            .then(|| KEYS.iter().find_map(|k| Some((k, k.end(bytes, i)?))))
            .flatten()
        {
            let kept = i + key.prefix.len();
            out.push_str(&text[i..kept]);
            i = cut(&mut out, kept, end);
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8();
            slashed = in_word(bytes[i - 1]) && (slashed || bytes[i - 1] == b'/');
            if !in_name(bytes[i - 1]) {
                name = i;
            }
        }
    }
    out
}

/// Where the value starts after an escaped quote at `at` (backslashes, then a quote), if
/// one stands there.
fn escaped_quote(bytes: &[u8], at: usize) -> Option<usize> {
    let quote = run_end(bytes, at, |b| b == b'\\');
    matches!(bytes.get(quote), Some(b'"' | b'\'')).then_some(quote + 1)
}

/// Where a credential header's value ends: at the end of its line, or at a quote when the
/// header itself is quoted (`"X-Api-Key: …"`). A value may hold quotes of its own (Digest's
/// `response="…"`), so an unquoted header runs to the end of its line.
fn header_value_end(bytes: &[u8], from: usize, quoted: bool) -> usize {
    match quoted {
        true => run_end(bytes, from, |b| !matches!(b, b'\n' | b'\r' | b'"' | b'\'')),
        false => run_end(bytes, from, |b| !matches!(b, b'\n' | b'\r')),
    }
}

/// After `Bearer`: where its token starts, past the separators error text puts there (a
/// space, a tab, a colon, a quote, a line break, `%20`, `&nbsp;` or the no-break space
/// itself); `None` when there is none (`Bearers`).
fn separated(bytes: &[u8], mut at: usize) -> Option<usize> {
    let start = at;
    loop {
        let rest = &bytes[at.min(bytes.len())..];
        at += match rest {
            [b' ' | b'\t' | b':' | b'"' | b'\'' | b'\r' | b'\n', ..] => 1,
            [0xC2, 0xA0, ..] => 2,
            [b'%', b'2', b'0', ..] => 3,
            _ if rest.len() >= 6 && rest[..6].eq_ignore_ascii_case(b"&nbsp;") => 6,
            _ => break,
        };
    }
    (at > start).then_some(at)
}

/// Whether the `:` at `colon` follows a field of a secret name (white space and a closing
/// quote may stand between), and if so whether that name was quoted.
fn secret_before_colon(bytes: &[u8], colon: usize) -> Option<bool> {
    let mut end = colon;
    while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    let quote = end.checked_sub(1).map(|last| bytes[last]);
    let quote = quote.filter(|b| matches!(b, b'"' | b'\''));
    end -= usize::from(quote.is_some());
    // An escaped quote (`\"api_key\":`), as JSON quoted inside a JSON string has it, and
    // escaped again (`\\\"`) for each level of quoting.
    if quote.is_some() {
        while end > 0 && bytes[end - 1] == b'\\' {
            end -= 1;
        }
    }
    let name = bytes[..end]
        .iter()
        .rev()
        .take_while(|&&b| in_name(b))
        .count();
    let start = end - name;
    // The name stands alone (`"api_key":`, a header at a line's start), not at the end
    // of some value (`?key=…SECRET":`).
    let before = start.checked_sub(1).map(|at| bytes[at]);
    let alone = match quote {
        Some(_) => before == quote,
        None => before.is_none_or(|b| b.is_ascii_whitespace() || b"{,;(|".contains(&b)),
    };
    (alone && name > 0 && is_secret_name(&bytes[start..end])).then_some(quote.is_some())
}

/// Whether a word starts at `at`: at the text's start, after a byte that is no part of a
/// word, or after an escape that stands for one (`%3D`, `\u0022`, `\n`), as text quoted
/// from a URL or from JSON inside JSON has them.
fn starts_word(bytes: &[u8], at: usize) -> bool {
    let before = &bytes[..at];
    let hex = |b: &[u8]| b.iter().all(u8::is_ascii_hexdigit);
    match before {
        [] => true,
        [.., b'\\', b'u', a, b, c, d] if hex(&[*a, *b, *c, *d]) => true,
        [.., b'%', a, b] if hex(&[*a, *b]) => true,
        [.., b'\\', b'n' | b'r' | b't'] => true,
        [.., last] => !in_token(*last),
    }
}

/// The end of the run of bytes from `from` that `keep` accepts. Every byte a cut stops at
/// is ASCII, so the cuts fall on character boundaries.
fn run_end(bytes: &[u8], from: usize, keep: fn(u8) -> bool) -> usize {
    from + bytes[from..].iter().take_while(|&&b| keep(b)).count()
}

/// Skips `start..end`, saying so when there was anything there; where to go on.
fn cut(out: &mut String, start: usize, end: usize) -> usize {
    if end > start {
        out.push_str(CUT);
    }
    end
}

/// A byte of a URL or path as error text quotes one: up to white space or a quote.
fn in_word(b: u8) -> bool {
    !(b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b'<' | b'>'))
}

/// A byte of a parameter's value: up to the next parameter, white space or a quote.
fn in_value(b: u8) -> bool {
    in_word(b) && !matches!(b, b'&' | b';' | b',')
}

/// A byte of an API key: a word of ASCII letters, digits, `_` and `-`.
fn in_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')
}

fn is_upper_or_digit(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// A byte of a parameter's name.
fn in_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Whether `word` is an authorization scheme ([`SCHEMES`]).
fn is_scheme(word: &[u8]) -> bool {
    SCHEMES
        .iter()
        .any(|s| word.eq_ignore_ascii_case(s.as_bytes()))
}

/// Where the password of `user:password@host` ends (at its `@`), when the `:` at `colon`
/// starts one: no white space, quote, `/` or `:` before the `@` (so each `:` of a long word is
/// looked past once), and a host after it.
fn user_info_end(bytes: &[u8], colon: usize) -> Option<usize> {
    let at = run_end(bytes, colon + 1, |b| {
        in_word(b) && !matches!(b, b'/' | b'@' | b':')
    });
    let host = bytes.get(at + 1).is_some_and(|b| b.is_ascii_alphanumeric());
    (at > colon + 1 && bytes.get(at) == Some(&b'@') && host).then_some(at)
}

fn is_secret_name(name: &[u8]) -> bool {
    PARAMS.iter().any(|p| {
        name.len() >= p.len() && name[name.len() - p.len()..].eq_ignore_ascii_case(p.as_bytes())
    })
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn a_query_string_goes_and_the_question_mark_says_so() {
        assert_eq!(
            redacted(
                r#"Post "https://gw.example/v1/messages?key=ZQX&beta=1": dial tcp: i/o timeout"#
            ),
            r#"Post "https://gw.example/v1/messages?…": dial tcp: i/o timeout"#
        );
        assert_eq!(
            redacted(
                "Max retries exceeded with url: /v1/chat/completions?api-version=1&sig=ZQX (Caused by x)"
            ),
            "Max retries exceeded with url: /v1/chat/completions?… (Caused by x)"
        );
        // A question in prose is no query.
        assert_eq!(redacted("timeout? retry later"), "timeout? retry later");
        // Nothing after the `?`: nothing cut, nothing said.
        assert_eq!(redacted("GET /v1/models? failed"), "GET /v1/models? failed");
    }

    #[test]
    fn a_urls_user_info_goes() {
        assert_eq!(
            redacted("dial https://bob:hunter2@gw.example/v1: refused"),
            "dial https://…@gw.example/v1: refused"
        );
        assert_eq!(
            redacted("dial https://gw.example/a@b: refused"),
            "dial https://gw.example/a@b: refused"
        );
    }

    #[test]
    fn credential_headers_and_bearer_tokens_lose_their_values() {
        assert_eq!(
            redacted("sent Authorization: Bearer sk-ZQX extra\nthen closed"),
            "sent Authorization: …\nthen closed"
        );
        assert_eq!(
            redacted(r#"header "X-Api-Key: sk-ant-ZQX" refused"#),
            r#"header "X-Api-Key: …" refused"#
        );
        assert_eq!(redacted("api-key:ZQX"), "api-key:…");
        assert_eq!(
            redacted("SET-COOKIE: a=ZQX; b=ZQX\r\n"),
            "SET-COOKIE: …\r\n"
        );
        assert_eq!(
            redacted("401: invalid bearer  ZQX.ZQX, try again"),
            "401: invalid bearer  … try again"
        );
        // A header with no value leaves nothing to cut.
        assert_eq!(redacted("missing cookie:\nno"), "missing cookie:\nno");
    }

    #[test]
    fn the_third_hostile_runs_shapes_lose_their_values() {
        for (text, kept) in [
            (
                "Proxy-Authorization: Digest username=\"u\", response=\"ZQX\"\nok",
                "Proxy-Authorization: …\nok",
            ),
            ("apikey: ZQX", "apikey: …"),
            (
                "Ocp-Apim-Subscription-Key: ZQX",
                "Ocp-Apim-Subscription-Key: …",
            ),
            ("x-amz-security-token: ZQX", "x-amz-security-token: …"),
            ("X-Api-Key\t:\tZQX", "X-Api-Key\t:\t…"),
            ("Bearer\tZQX", "Bearer\t…"),
            ("Bearer: ZQX", "Bearer: …"),
            ("Bearer%20ZQX", "Bearer%20…"),
            ("Bearer&nbsp;ZQX", "Bearer&nbsp;…"),
            (
                r#"{"api_key":"ZQX","model":"m"}"#,
                r#"{"api_key":"…","model":"m"}"#,
            ),
            ("k key%3DZQX&y=2", "k key%3D…&y=2"),
            ("cookie=ZQX; session_id=ZQX", "cookie=…; session_id=…"),
        ] {
            assert_eq!(redacted(text), kept, "{text:?}");
        }
        // Fields of other names keep their values.
        assert_eq!(
            redacted(r#"{"code":"invalid_api_key","type":"x"} Bearers: 2"#),
            r#"{"code":"invalid_api_key","type":"x"} Bearers: 2"#
        );
    }

    #[test]
    fn secret_parameters_lose_their_values_wherever_they_stand() {
        assert_eq!(
            redacted("form key=ZQX&model=x; access_token=ZQX, Client_Secret=ZQX end"),
            "form key=…&model=x; access_token=…, Client_Secret=… end"
        );
        assert_eq!(
            redacted("password=ZQX sig=ZQX auth=ZQX max_tokens=5"),
            "password=… sig=… auth=… max_tokens=5"
        );
        assert_eq!(redacted("model=claude retries=3"), "model=claude retries=3");
    }

    #[test]
    fn api_keys_are_told_by_their_shape() {
        assert_eq!(
            redacted(
                "bad key sk-ant-api03-ZQXabcdefghijklmnopqrstu; also (sk-proj-ZQX_abcdefghijklmnop12) \
                 and AKIAZQX4ABCDEFGHIJK1, AIzaZQXabcdefghijklmnopqrstuvwxyz012345."
            ),
            "bad key sk-…; also (sk-…) and AKIA…, AIza…."
        );
        // Too short, not a word's start, or not of the shape: ordinary words.
        for text in [
            "risk-averse sk-short task-sk-abcdefghijklmnopqrstuvwxyz",
            "AKIAshort AKIAABCDEFGHIJKLMNOPQ AKIA_ABCDEFGHIJKLMN",
            "xAIzaabcdefghijklmnopqrstuvwxyz012345678",
        ] {
            assert_eq!(redacted(text), text);
        }
    }

    #[test]
    fn a_long_text_is_read_once() {
        // A megabyte of a word and then a megabyte of question marks: linear, not one scan
        // of the word for each mark.
        let text = format!("{}{}", "a".repeat(1 << 20), "?".repeat(1 << 20));
        assert_eq!(redacted(&text), text);
        // Nor one scan of a word for each prefix inside it.
        let text = format!(" {}", "sk-".repeat(1 << 20));
        assert_eq!(redacted(&text), " sk-…");
    }

    #[test]
    fn the_fourth_hostile_runs_shapes_lose_their_values() {
        for (text, kept) in [
            (
                "OpenAI(api_key='ZQXS01abc', x=1)",
                "OpenAI(api_key='…', x=1)",
            ),
            ("token=\"ZQXS02abc\" next", "token=\"…\" next"),
            ("api_key = ZQXS05abc next", "api_key = … next"),
            ("api_key=\tZQXS30abc", "api_key=\t…"),
            ("Authorization = Basic ZQXS21abc", "Authorization = …"),
            ("{'x-api-key': ['ZQXS03abc']}", "{'x-api-key': […]}"),
            ("{\"cookie\": [\"a=ZQXS04abc\"]}", "{\"cookie\": […]}"),
            ("Bearer \"ZQXS08abc\"", "Bearer \"…\""),
            ("Bearer\u{a0}ZQXS06abc", "Bearer\u{a0}…"),
            ("Bearer\r\nZQXS07abc", "Bearer\r\n…"),
        ] {
            assert_eq!(redacted(text), kept, "{text}");
        }
        // An equals sign in prose, or after a name of no secret, keeps what follows.
        for text in ["x = 1", "a == b", "count = 3"] {
            assert_eq!(redacted(text), text);
        }
    }

    #[test]
    fn the_fifth_runs_shapes_lose_their_values() {
        for (text, kept) in [
            // JSON quoted inside a JSON string, as a proxy echoes a request's headers.
            (
                "headers: {\\\"x-api-key\\\":\\\"ZQXN501abc\\\",\\\"a\\\":1}",
                "headers: {\\\"x-api-key\\\":\\\"…\\\",\\\"a\\\":1}",
            ),
            (
                "{\\\"api_key\\\": \\\"ZQXN502abc\\\"}",
                "{\\\"api_key\\\": \\\"…\\\"}",
            ),
            // Escaped twice: JSON in a JSON string in a JSON string.
            (
                r#"{"log":"{\\\"api_key\\\": \\\"ZQXN505abc\\\"}"}"#,
                r#"{"log":"{\\\"api_key\\\": \\\"…\\\"}"}"#,
            ),
            (
                "token ghp_ZQXN503abcdefghijklmnopqrstuvwxyz012 used",
                "token ghp_… used",
            ),
            (
                "session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJaUVhONTA0In0.c2lnbmF0dXJlZm9v!",
                "session eyJ…!",
            ),
        ] {
            assert_eq!(redacted(text), kept, "{text}");
        }
        // Keys glued to an escape that stands for a separator, and AWS's credential.
        for (text, kept) in [
            (
                "Credential%3DAKIAZQXN5GLUE0000001%2F20250101",
                "Credential%3D…%2F20250101",
            ),
            (
                "sig uses AKIAZQXN5GLUE0000001; also %2FAKIAZQXN5GLUE0000002",
                "sig uses AKIA…; also %2FAKIA…",
            ),
            (
                "key \\u0022sk-proj-ZQXN5glue4456789abcdefghij\\u0022",
                "key \\u0022sk-…\\u0022",
            ),
            ("x\\nsk-proj-ZQXN5glue4456789abcdefghij", "x\\nsk-…"),
        ] {
            assert_eq!(redacted(text), kept, "{text}");
        }
        // Not of the shape: kept.
        for text in ["eyJust.a.word", "ghp_short", "a \\\"b\\\": 1"] {
            assert_eq!(redacted(text), text);
        }
    }

    #[test]
    fn a_scheme_after_an_equals_sign_takes_its_credential_along() {
        assert_eq!(
            redacted("Authorization=Basic ZQXB35 then"),
            "Authorization=… then"
        );
        assert_eq!(redacted("token=ZQX basic"), "token=… basic");
    }

    #[test]
    fn user_info_without_a_scheme_is_cut() {
        assert_eq!(
            redacted("via user:ZQXB48@proxy.example:8080 failed"),
            "via user:…@proxy.example:8080 failed"
        );
        // No `@` and a host after it: a time, a port, a list.
        for text in ["at 10:30 @ noon", "10.0.0.1:443: refused", "a:b:c@"] {
            assert_eq!(redacted(text), text);
        }
        let long = format!("{}@", "a:".repeat(1 << 20));
        assert_eq!(redacted(&long), long);
    }

    #[test]
    fn a_wrong_key_openai_quotes_is_cut_whatever_its_shape() {
        assert_eq!(
            redacted(
                "Incorrect API key provided: ZQXJ01abc***def. You can find your API key at x."
            ),
            "Incorrect API key provided: …. You can find your API key at x."
        );
    }

    #[test]
    fn text_without_secrets_is_kept_whole() {
        let text = "dial tcp 10.0.0.1:443: connect: connection refused — réessayez";
        assert_eq!(redacted(text), text);
        assert_eq!(redacted(""), "");
    }
}
