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

mod suspect;
mod written;

/// What stands where something was cut out.
pub const CUT: &str = "…";

/// Header names (lowercase, colon included) whose value is a credential; matched anywhere,
/// so `x-api-key:`, `proxy-authorization:` and `set-cookie:` are caught too.
const HEADERS: [&str; 3] = ["authorization:", "api-key:", "cookie:"];

/// How a parameter's or field's name ends (lowercase) when its value is a credential,
/// besides the names a suspect line is told by ([`suspect::secret_names`]: `key=`,
/// `api_key=`, `access_token=`, `client_secret=`, `sig=`, AWS's `Credential=`,
/// `Ocp-Apim-Subscription-Key:`, `session_id=`, `X-Pwd:`, `X-Passcode:`, `?otp=`, Express's
/// `connect.sid`, GitHub's `_gh_sess`, AWS's `AWSALB`…): the names of a few session
/// cookies, and of a vendor's API-key header that holds no credential's word (Honeycomb's
/// `X-Honeycomb-Team`: hostile run 69). One list of names, so a capture's own credentials are told by every name its
/// error texts are (hostile run 64: `Authorisation`, `X-Passcode`, `?pin=` were cut from
/// texts but not kept from the capture's head). A name is compared with `-` taken for
/// `_`, and without a number at its end (`Cookie2`, `X-Hub-Signature-256`).
const PARAMS: [&str; 4] = ["oauth2_proxy", "cf_clearance", "cf_bm", "honeycomb_team"];

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
/// characters in all, as the README says: hostile run 70 found 20 to 22 kept), AWS access key ids (`AKIA`/`ASIA` and exactly 16 capitals or
/// digits), Google API keys (`AIza` and 35 more). The prefix is kept, to say what kind of
/// key was there: `sk-…`.
const KEYS: [Key; 32] = [
    Key {
        prefix: "sk-",
        body: in_token,
        min: 17,
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
    // GitHub's fine-grained tokens, GitLab's, Stripe's secret and restricted keys, Slack's
    // bot, user and app tokens, Hugging Face's.
    token("github_pat_", 22),
    token("glpat-", 20),
    token("sk_live_", 16),
    token("sk_test_", 16),
    token("rk_live_", 16),
    token("xoxb-", 10),
    token("xoxp-", 10),
    token("xoxa-", 10),
    token("xapp-", 10),
    token("hf_", 30),
    token("npm_", 36),
    token("rk_test_", 16),
    token("whsec_", 24),
    token("xoxs-", 10),
    token("xoxr-", 10),
    token("gldt-", 16),
    token("glrt-", 16),
    // GitLab's CI job, SCIM, feature flag client, incoming mail and feed tokens, and its
    // runner registration tokens (hostile run 57).
    token("glcbt-", 16),
    token("glsoat-", 16),
    token("glffct-", 16),
    token("glimt-", 16),
    token("glft-", 16),
    token("GR1348941", 16),
];

const fn token(prefix: &'static str, min: usize) -> Key {
    Key {
        prefix,
        body: in_token,
        min,
        exact: false,
    }
}

const fn github(prefix: &'static str) -> Key {
    Key {
        prefix,
        body: |b| b.is_ascii_alphanumeric(),
        min: 36,
        exact: true,
    }
}

/// Where a JSON Web Token that starts at `at` ends, if one does: `eyJ` (a JSON header's
/// `{"` in base64url) and at least 8 characters of base64url, then at least two more
/// dot-separated parts of any length: a signed token's payload and signature, an unsecured
/// one's empty signature (`alg: none`, hostile run 70), an encrypted one's four. A bearer
/// token outside a header (a gateway echoing its session, a JWT in a URL's path).
fn jwt_end(bytes: &[u8], at: usize) -> Option<usize> {
    if !bytes[at..].starts_with(b"eyJ") {
        return None;
    }
    let mut end = run_end(bytes, at, in_token);
    if end - at < 8 {
        return None;
    }
    let mut parts = 1;
    while bytes.get(end) == Some(&b'.') {
        let next = run_end(bytes, end + 1, in_token);
        // A sentence's full stop after a whole token is the sentence's.
        if next == end + 1 && parts >= 3 {
            break;
        }
        end = next;
        parts += 1;
    }
    (parts >= 3).then_some(end)
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

/// The most bytes of an error message a turn keeps, the [`CUT`] that ends a cut one
/// included ([`redacted_message`]), so that a message cut once is not cut again when this
/// tool's JSONL is read back. A provider's message is a sentence or two; what runs longer
/// is a proxy's HTML page or a body echoed back, megabytes of which would be held for every
/// failed turn until the run is printed. Bytes, not characters: a message of 4-byte
/// characters would hold four times as much.
pub const MAX_MESSAGE: usize = 4096;

/// An error message as a turn keeps it: [`redacted_within`] [`MAX_MESSAGE`] bytes.
pub fn redacted_message(message: &str) -> (String, Option<usize>) {
    redacted_within(message, MAX_MESSAGE)
}

/// `text` redacted whole (a cut made first could leave the part of a credential, or of its
/// name, that tells it for one), then cut to `max` bytes ([`cut_to`]) and read again until
/// it settles (see [`redacted`]): the end a cut leaves may read otherwise too (a
/// separator gone, a word cut in two). So what this returns, given to it again, comes back
/// as it is, as a text read back from this tool's JSONL must. Only what is kept is read
/// again: a proxy's page of 50 MB is read once whole, then 4 KB of it. With how many bytes
/// it had, when cut.
///
/// A text that writes a space or an accented letter otherwise than as itself (a no-break
/// space, `%20`, `&eacute;`: [`written`]) is read once more written plainly; when that
/// reading cuts something more, it is what is shown, plainly written. Read after the
/// first, it cannot lose what that one cut (a key whose `+` would read as a space); and
/// when it cuts nothing, the text stays as it was written.
pub fn redacted_within(text: &str, max: usize) -> (String, Option<usize>) {
    let mut shown = redacted_once(text);
    let changed = shown != text;
    let cut = cut_to(&mut shown, max);
    if changed || cut.is_some() {
        shown = settled(shown);
    }
    if let Some(plain) = written::plainly(&shown) {
        let again = settled(redacted_once(&plain));
        if again != plain {
            shown = again;
        }
    }
    (shown, cut)
}

/// Cuts `text` to at most `max` bytes when it is longer, at a character's start, the last
/// of them [`CUT`] ([`cut_end`]): how many bytes it had. A text cut once is not cut again.
pub fn cut_to(text: &mut String, max: usize) -> Option<usize> {
    let end = cut_end(text, max)?;
    let had = text.len();
    // Held until the run is threaded: the text is made anew and the long one given back
    // whole. Shrunk in place, each kept text would leave the rest of its block beside it,
    // a hole the next long text does not fit in (40,000 turns of six 1 KB names cut to
    // 256 bytes held 317 MB, as if never cut).
    *text = [&text[..end], CUT].concat();
    Some(had)
}

/// Where `text` ends when cut to fit in `max` bytes with a [`CUT`] after it (at the start
/// of a character); `None` when it fits as it is.
pub fn cut_end(text: &str, max: usize) -> Option<usize> {
    if text.len() <= max {
        return None;
    }
    let mut end = max.saturating_sub(CUT.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(end)
}

/// `text` with what may be a credential cut out: a URL's query string (after its `?`) and
/// user info (before its `@`); the value after `Bearer `, and after a credential header's
/// name (to the end of its line, or a closing quote); a `key=`, `token=`, `secret=`-style
/// parameter's value; an API key told by its shape ([`KEYS`]). Then, on a line that still
/// names a credential, whatever may be a value ([`suspect`]). Everything else is kept as it
/// is.
///
/// Cut text cut again stays as it is, so that a turn's message prints the same from a whole
/// run and from its parts' JSONL read back. One reading does not always leave such a text:
/// what a cut took may have been what made a word before it a field's name
/// (`pass|8ey'->B` keeps `8ey` before the arrow, and loses it once the arrow is cut), or a
/// cut value may read as a field's name whose value is still due (`key: abc123=日本`). So
/// the text is read again until nothing more goes, at most [`READINGS`] times: a reading
/// never lengthens a text, and one that changes it cuts something new.
pub fn redacted(text: &str) -> String {
    // No length is a cut.
    redacted_within(text, usize::MAX).0
}

/// `text`, read once already, read again until a reading leaves it as it is.
fn settled(mut text: String) -> String {
    for _ in 1..READINGS {
        let next = redacted_once(&text);
        if next == text {
            break;
        }
        text = next;
    }
    text
}

/// How many times [`redacted`] reads a text at most. Two settle every text the hostile runs
/// and the fuzzer found; more are left for what they did not.
const READINGS: usize = 8;

/// One reading of [`redacted`]'s rules.
fn redacted_once(text: &str) -> String {
    let bytes = text.as_bytes();
    let at = |i: usize, word: &str| {
        bytes
            .get(i..i + word.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(word.as_bytes()))
    };
    let run = |from: usize, keep: fn(u8) -> bool| run_end(bytes, from, keep);
    let mut out = Written {
        text: String::with_capacity(text.len()),
        named: Vec::new(),
    };
    // Whether the current word (a URL, a path) has a `/` so far, and where the current
    // name began: kept as it goes, so the text is read once.
    let mut slashed = false;
    let mut name = 0;
    // Where the last word found not to look random ends: no word starting inside it is
    // looked at again, so a long path is read once.
    let mut plain_until = 0;
    // Whether the lines read are the head of an HTTP message the text quotes.
    let mut head = false;
    let mut i = 0;
    while i < bytes.len() {
        if starts_line(bytes, i) {
            // A line of a quoted HTTP message's head, as error text and logs quote one:
            // indented, after curl's `< ` and `> `, in an HTML page, its line ends escaped.
            let line = run(i, |b| matches!(b, b' ' | b'\t' | b'<' | b'>' | b'*'));
            let line = match bytes[line..].starts_with(b"br>") {
                true => i,
                false => line,
            };
            let (end, _) = line_end(bytes, line);
            let was = head;
            let starts = holds_start_line(&bytes[line..end]);
            head = starts || (head && line < end);
            if head && !starts {
                let value = match header_colon(&bytes[line..end]) {
                    // A header: its name stays, its value may say anything about the
                    // exchange (an organization, a request's id) and goes.
                    Some(colon) => Some(run(line + colon + 1, |b| matches!(b, b' ' | b'\t'))),
                    // A header's value folded onto a line of its own.
                    None if was
                        && line > i
                        && bytes[i..line].iter().all(|&b| b == b' ' || b == b'\t') =>
                    {
                        Some(line)
                    }
                    None => None,
                };
                match value {
                    Some(value) => {
                        out.push_str(&text[i..value]);
                        // A value that names a credential (`X-Error: invalid api key`):
                        // its line is suspect all the same, and so are the lines near it
                        // (the body below it may hold the value).
                        if suspect::names_one(&bytes[value..end], &mut Vec::new()) {
                            out.named.push(out.text.len());
                        }
                        i = cut(&mut out, text, value, end);
                        continue;
                    }
                    None => head = false,
                }
            }
        }
        if let Some(header) = HEADERS.iter().find(|h| at(i, h)) {
            let value = run(i + header.len(), |b| b == b' ' || b == b'\t');
            let quoted = name > 0 && matches!(bytes[name - 1], b'"' | b'\'');
            out.push_str(&text[i..value]);
            let end =
                already_cut(bytes, value).unwrap_or_else(|| header_value_end(bytes, value, quoted));
            i = cut(&mut out, text, value, end);
        } else if let Some(value) = at(i, "bearer").then(|| separated(bytes, i + 6)).flatten() {
            // `bearer token: <value>` names the token before giving it (hostile run 56).
            let named = value + "token".len();
            let value = match at(value, "token")
                && !bytes.get(named).is_some_and(u8::is_ascii_alphanumeric)
            {
                true => separated(bytes, named).unwrap_or(named),
                false => value,
            };
            out.push_str(&text[i..value]);
            i = cut(&mut out, text, value, run(value, in_word));
        } else if let Some((value, end)) = encoded_credential(bytes, i) {
            out.push_str(&text[i..value]);
            i = cut(&mut out, text, value, end);
        } else if let Some((value, end)) = credential_pair(bytes, i) {
            // A credential header's name and its value however a language or a table
            // writes the pair: `"X-Api-Key": []string{"…"}`, `<<"x-api-key">>, <<"…">>`,
            // `(b'x-api-key', b'…')`, `| X-Api-Key | … |`, `X-Api-Key,…`.
            out.push_str(&text[i..value]);
            i = cut(&mut out, text, value, end);
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
                    cut(&mut out, text, value + 1, until(bytes, value + 1, b']'))
                }
                Some(&q @ (b'"' | b'\'')) => {
                    out.push(q as char);
                    cut(&mut out, text, value + 1, until(bytes, value + 1, q))
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
                    cut(&mut out, text, start, end)
                }
                _ => {
                    let end = (already_cut(bytes, value))
                        .unwrap_or_else(|| header_value_end(bytes, value, quoted));
                    cut(&mut out, text, value, end)
                }
            };
        } else if let Some(value) = (bytes[i] == b',' || at(i, "=>"))
            .then(|| secret_before_colon(bytes, i).filter(|&quoted| quoted))
            .flatten()
            .and_then(|_| paired_value(bytes, i, pairing(bytes, i)?))
        {
            // A quoted name paired with its value: `('x-api-key', '…')`, `["api-key","…"]`,
            // `{"api-key" => "…"}`, `{"name":"X-Api-Key","value":"…"}`.
            out.push_str(&text[i..value]);
            i = cut(&mut out, text, value, until(bytes, value, bytes[value - 1]));
        } else if let Some(value) = (bytes[i] == b'<' && is_secret_name(&bytes[name..i]))
            .then(|| next_cell(bytes, i))
            .flatten()
        {
            // An HTML table's row: `<td>X-Api-Key</td><td>…</td>`.
            out.push_str(&text[i..value]);
            i = cut(
                &mut out,
                text,
                value,
                run(value, |b| b != b'<' && b != b'\n'),
            );
        } else if at(i, "%3d") && is_secret_name(&bytes[name..i]) {
            // `key%3D…`: a parameter inside an encoded URL.
            out.push_str(&text[i..i + 3]);
            i = cut(&mut out, text, i + 3, encoded_value_end(bytes, i + 3));
        } else if at(i, "://") {
            let host = i + "://".len();
            let end = user_info_reach(bytes, host);
            out.push_str("://");
            slashed = true;
            i = match text[host..end].rfind('@') {
                Some(user) => cut(&mut out, text, host, host + user),
                None => host,
            };
        } else if bytes[i] == b'?' && slashed {
            out.push('?');
            i = cut(&mut out, text, i + 1, query_end(bytes, i + 1));
        } else if slashed && (at(i, "%3f") || at(i, "\u{ff1f}")) {
            // A query string in a URL quoted encoded (`%3F`), or after a fullwidth `？`.
            // Both are three bytes long.
            out.push_str(&text[i..i + 3]);
            i = cut(&mut out, text, i + 3, query_end(bytes, i + 3));
        } else if bytes[i] == b'='
            && (is_secret_name(&bytes[name..i]) || secret_before_colon(bytes, i).is_some())
        {
            // `api_key=…`, `api_key = …`, `token="…"`, `OpenAI(api_key='…')`.
            let value = run(i + 1, |b| b == b' ' || b == b'\t');
            out.push_str(&text[i..value]);
            if let Some(&q @ (b'"' | b'\'')) = bytes.get(value) {
                out.push(q as char);
                i = cut(&mut out, text, value + 1, until(bytes, value + 1, q));
                continue;
            }
            // `Authorization=Basic …`: a scheme, then the credential; in brackets too
            // (Spring's `Authorization=[Bearer …]`), which stay.
            let open = run(value, |b| matches!(b, b'[' | b'(' | b'{'));
            let past = open + CUT.len();
            if bytes[open..].starts_with(CUT.as_bytes())
                && !bytes.get(past).is_some_and(|&b| in_bracketed(b))
            {
                // A value this function cut already (`Authorization=[…]`, read again): it
                // stays as it is, brackets and all.
                out.push_str(&text[value..past]);
                i = past;
                continue;
            }
            let scheme = run(open, in_token);
            if open > value && scheme > open && is_scheme(&bytes[open..scheme]) {
                out.push_str(&text[value..open]);
                i = cut(
                    &mut out,
                    text,
                    open,
                    past_scheme(bytes, open, scheme, in_bracketed),
                );
                continue;
            }
            let end = past_scheme(bytes, value, run(value, in_value), in_value);
            i = cut(&mut out, text, value, end);
        } else if let Some(end) = (bytes[i] == b':')
            .then(|| user_info_end(bytes, i))
            .flatten()
        {
            // `user:password@proxy.example:8080`, with no scheme before it.
            out.push(':');
            i = cut(&mut out, text, i + 1, end);
        } else if at(i, PROVIDED) {
            // OpenAI's `Incorrect API key provided: sk-abc…`, whatever the key's shape.
            let blank = |b| matches!(b, b' ' | b'\t' | b'\'' | b'"');
            let mut key = run(i + PROVIDED.len(), blank);
            // A key quoted with its scheme or its header's name (`Bearer …`, `x-api-key
            // …`): the word after them is the key (hostile run 70).
            let word = run(key, in_token);
            let named = &bytes[key..word];
            if word > key && (is_scheme(named) || is_secret_name(named)) {
                key = run(word, blank);
            }
            out.push_str(&text[i..key]);
            let end = run(key, |b| in_token(b) || b == b'*');
            i = cut(&mut out, text, key, glued_end(bytes, end));
        } else if let Some(value) = curl_credential(bytes, i) {
            // curl's `-u user:password`, `--user …`, `-b 'cookie'`, `--cookie …`.
            out.push_str(&text[i..value]);
            let quote = value
                .checked_sub(1)
                .map(|q| bytes[q])
                .filter(|q| matches!(q, b'"' | b'\''));
            let end = match quote {
                Some(q) => until(bytes, value, q),
                None => run(value, in_word),
            };
            i = cut(&mut out, text, value, end);
        } else if let Some(end) = starts_word(bytes, i).then(|| jwt_end(bytes, i)).flatten() {
            out.push_str("eyJ");
            i = cut(&mut out, text, i + 3, glued_end(bytes, end));
        } else if let Some((key, end)) = starts_word(bytes, i)
            .then(|| KEYS.iter().find_map(|k| Some((k, k.end(bytes, i)?))))
            .flatten()
        {
            let kept = i + key.prefix.len();
            out.push_str(&text[i..kept]);
            i = cut(&mut out, text, kept, glued_end(bytes, end));
        } else if let Some(end) = (i >= plain_until && starts_word(bytes, i) && !escaped(bytes, i))
            .then(|| random_end(bytes, i).map_err(|end| plain_until = end).ok())
            .flatten()
        {
            // A long word that looks random: a secret whatever its name (an AWS secret
            // access key, a key of a provider [`KEYS`] does not know, a hex secret).
            let (from, end) = end;
            out.push_str(&text[i..from]);
            i = cut(&mut out, text, from, glued_end(bytes, end));
        } else if at(i, PEM_BEGIN) {
            // A PEM block (`-----BEGIN RSA PRIVATE KEY-----`): its label stays, and all after
            // it up to its end goes, what follows on the label's line too (a one-line block,
            // or a key after it: hostile run 46).
            let (line, _) = line_end(bytes, i);
            let label = i + PEM_BEGIN.len();
            let body = memchr::memmem::find(&bytes[label..line], PEM_DASHES.as_bytes())
                .map_or(label, |at| label + at + PEM_DASHES.len());
            out.push_str(&text[i..body]);
            let end = memchr::memmem::find(&bytes[body..], PEM_END.as_bytes())
                .map_or(bytes.len(), |at| body + at);
            i = cut(&mut out, text, body, end);
        } else if let Some(key) = starts_word(bytes, i).then(|| ssh_key(bytes, i)).flatten() {
            // An SSH key (`ssh-ed25519 AAAA…`): the algorithm stays.
            out.push_str(&text[i..key]);
            i = cut(
                &mut out,
                text,
                key,
                run(key, |b| in_token(b) || b"+/=".contains(&b)),
            );
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8();
            // A `/`, or one percent-encoded (`https%3A%2F%2Fgw.example%2Fcb%3Fq%3D…`).
            let encoded = i >= 3 && bytes[i - 3..i].eq_ignore_ascii_case(b"%2f");
            slashed = in_word(bytes[i - 1]) && (slashed || bytes[i - 1] == b'/' || encoded);
            if !in_name(bytes[i - 1]) {
                name = i;
            }
        }
    }
    suspect::cleared(out.text, &out.named)
}

/// What [`redacted_once`]'s rules write: the text, and where the cuts that took a
/// credential's name with them left their `…`.
struct Written {
    text: String,
    /// Where in `text` each cut stands whose text named a credential (a quoted HTTP
    /// message's header value, `X-Error: invalid api key`), in order: its line is suspect
    /// all the same ([`suspect::cleared`]), though the name went.
    named: Vec<usize>,
}

impl Written {
    fn push_str(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn push(&mut self, c: char) {
        self.text.push(c);
    }
}

/// How a PEM block opens and closes.
const PEM_BEGIN: &str = "-----BEGIN ";
const PEM_END: &str = "-----END";
/// What closes a PEM block's label.
const PEM_DASHES: &str = "-----";

/// The shortest word [`random_end`] takes for a secret: request ids (`req_011CV…`,
/// `msg_01…`, 27 to 30 characters) stay.
const RANDOM_MIN: usize = 32;

/// The prefixes of the ids OpenAI's APIs write (`resp_` and 48 hex digits; a message, a
/// reasoning item, a function call, a built-in tool's call, a conversation): an error that
/// quotes one (`Previous response with id 'resp_…' not found`) keeps it, though its digits
/// are as long as a secret's behind a short prefix ([`random_end`]).
const IDS: [&str; 16] = [
    "resp_", "msg_", "rs_", "fc_", "ws_", "fs_", "ci_", "ig_", "mcp_", "mcpl_", "mcpr_", "cu_",
    "lsh_", "ctc_", "conv_", "call_",
];

/// Where the word from `at` ends, and `Ok` with where its secret starts when it looks
/// random: [`RANDOM_MIN`] characters or more of base64 (or base64url) holding capitals, small
/// letters and digits, and few `/`s (a path has many), or of hex holding both letters and
/// digits (the secret is the whole word); or, behind a prefix the word keeps (`e2b_…`,
/// `dop_v1_…`, `lsv2_pt_…`, `0x…`), a run of as many letters and digits of one case, an
/// eighth of them letters and an eighth digits (hostile run 54): an id of OpenAI's
/// ([`IDS`]) stays. `Err` with its end when it does not. A `/`, `+` or `=` may be escaped
/// as JSON encoders (`\/`) and form bodies (`%2F`) write them: an AWS secret key so
/// written is one word all the same.
fn random_end(bytes: &[u8], at: usize) -> Result<(usize, usize), usize> {
    let (mut end, mut len, mut slashes) = (at, 0, 0);
    let (mut upper, mut lower, mut digit, mut hex) = (false, false, false, true);
    let mut padded = false;
    let mut run = Run::new(at);
    let mut inner = None;
    while let Some((step, b)) = base64_at(bytes, end) {
        // Padding ends a word: `key=value` (`key%3Dvalue`) is two.
        if padded && b != b'=' {
            break;
        }
        padded = b == b'=';
        if inner.is_none() {
            inner = run.random(b.is_ascii_alphanumeric()).then_some(run.start);
            run.add(b, end, step);
        }
        end += step;
        len += 1;
        upper |= b.is_ascii_uppercase();
        lower |= b.is_ascii_lowercase();
        digit |= b.is_ascii_digit();
        hex &= b.is_ascii_hexdigit();
        slashes += usize::from(b == b'/');
    }
    let mixed = upper && lower && digit && slashes * 8 <= len;
    let hex = hex && digit && (upper || lower);
    if len >= RANDOM_MIN && (mixed || hex) {
        return Ok((at, end));
    }
    let id = || IDS.iter().any(|id| bytes[at..].starts_with(id.as_bytes()));
    match inner.or_else(|| run.random(false).then_some(run.start)) {
        Some(from) if !id() => Ok((from, end)),
        _ => Err(end),
    }
}

/// A run of ASCII letters and digits inside a word, counted as [`random_end`] reads it.
struct Run {
    start: usize,
    len: usize,
    letters: usize,
    digits: usize,
    upper: bool,
    lower: bool,
}

impl Run {
    fn new(start: usize) -> Self {
        Run {
            start,
            len: 0,
            letters: 0,
            digits: 0,
            upper: false,
            lower: false,
        }
    }

    /// Whether the run, ended here unless `goes_on`, looks random: long, of one case, an
    /// eighth of it letters and an eighth digits.
    fn random(&self, goes_on: bool) -> bool {
        !goes_on
            && self.len >= RANDOM_MIN
            && !(self.upper && self.lower)
            && self.letters * 8 >= self.len
            && self.digits * 8 >= self.len
    }

    /// Reads `b`, written at `at` in `step` bytes: a letter or digit goes on the run, any
    /// other byte ends it and starts the next after itself.
    fn add(&mut self, b: u8, at: usize, step: usize) {
        if !b.is_ascii_alphanumeric() {
            *self = Run::new(at + step);
            return;
        }
        self.len += 1;
        self.letters += usize::from(b.is_ascii_alphabetic());
        self.digits += usize::from(b.is_ascii_digit());
        self.upper |= b.is_ascii_uppercase();
        self.lower |= b.is_ascii_lowercase();
    }
}

/// The base64 character at `at` (letters, digits, `-`, `_`, `+`, `/`, `=`), and how many
/// bytes write it: one, or an escape's ([`encoded_at`]).
fn base64_at(bytes: &[u8], at: usize) -> Option<(usize, u8)> {
    let b = *bytes.get(at)?;
    match in_token(b) || matches!(b, b'+' | b'/' | b'=') {
        true => Some((1, b)),
        false => encoded_at(bytes, at).filter(|(_, b)| matches!(b, b'+' | b'/' | b'=')),
    }
}

/// Named HTML entities for the punctuation that glues a secret to more text or pads it.
const ENTITIES: [(&str, u8); 8] = [
    ("period", b'.'),
    ("sol", b'/'),
    ("plus", b'+'),
    ("excl", b'!'),
    ("equals", b'='),
    ("colon", b':'),
    ("lowbar", b'_'),
    ("hyphen", b'-'),
];

/// An ASCII character written escaped at `at`, as JSON (`\/`, `\u002f`), a URL (`%2F`, and
/// encoded twice, `%252F`) or HTML (`&#47;`, `&#x2F;`, `&sol;`) write one: how many bytes,
/// and which. Every form is a few bytes long, so a look here costs a few bytes at most.
fn encoded_at(bytes: &[u8], at: usize) -> Option<(usize, u8)> {
    let rest = bytes.get(at..)?;
    let (len, code) = match rest {
        [b'\\', b'/', ..] => (2, u32::from(b'/')),
        [b'%', b'2', b'5', d @ ..] if d.len() >= 2 && hex(&d[..2]).is_some() => (5, hex(&d[..2])?),
        [b'&', b'#', b'x' | b'X', ..] => {
            let digits = rest[3..]
                .iter()
                .take(4)
                .take_while(|b| b.is_ascii_hexdigit());
            let n = digits.count();
            (rest.get(3 + n) == Some(&b';') && n > 0).then_some(())?;
            (n + 4, hex(&rest[3..3 + n])?)
        }
        [b'&', b'#', ..] => {
            let n = rest[2..]
                .iter()
                .take(4)
                .take_while(|b| b.is_ascii_digit())
                .count();
            (rest.get(2 + n) == Some(&b';') && n > 0).then_some(())?;
            let code = rest[2..2 + n]
                .iter()
                .fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
            (n + 3, code)
        }
        [b'&', ..] => {
            let (name, b) = ENTITIES.iter().find(|(name, _)| {
                rest[1..].starts_with(name.as_bytes()) && rest.get(1 + name.len()) == Some(&b';')
            })?;
            (name.len() + 2, u32::from(*b))
        }
        _ => hex_escape(rest)?,
    };
    u8::try_from(code)
        .ok()
        .filter(u8::is_ascii)
        .map(|b| (len, b))
}

/// The character a JSON (`\u002f`), C (`\x2f`) or URL (`%2F`) escape at the start of `rest`
/// writes: how many bytes, and its code (past ASCII too). `None` if there is none, or its
/// digits are no hex's. Read alike by [`encoded_at`] and [`suspect`]'s units, which each
/// read other forms besides.
fn hex_escape(rest: &[u8]) -> Option<(usize, u32)> {
    match rest {
        [b'\\', b'u', d @ ..] if d.len() >= 4 => Some((6, hex(&d[..4])?)),
        [b'\\', b'x', d @ ..] if d.len() >= 2 => Some((4, hex(&d[..2])?)),
        [b'%', d @ ..] if d.len() >= 2 => Some((3, hex(&d[..2])?)),
        _ => None,
    }
}

/// The name of the HTML entity `rest` starts with (`&nbsp;` gives `nbsp`, `&#58;` gives
/// `#58`), if one of at most `longest` letters, digits and `#` is there, closed by `;`.
fn entity_name(rest: &[u8], longest: usize) -> Option<&[u8]> {
    let name = rest[1..]
        .iter()
        .take(longest)
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'#')
        .count();
    (name > 0 && rest.get(1 + name) == Some(&b';')).then(|| &rest[1..1 + name])
}

/// The number `digits` write in hex, if they all are hex digits.
fn hex(digits: &[u8]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |n, &d| Some(n * 16 + (d as char).to_digit(16)?))
}

/// Whether `at` follows a `\\` or a `%`: the letter or digits of an escape (`\\u0022`,
/// `%22`), after which the word itself starts.
fn escaped(bytes: &[u8], at: usize) -> bool {
    at > 0 && matches!(bytes[at - 1], b'\\' | b'%')
}

/// Where the key of an SSH key's text at `at` starts (`ssh-rsa AAAA…`, `ssh-ed25519 …`,
/// `ecdsa-sha2-nistp256 …`), past the algorithm and a space.
fn ssh_key(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = &bytes[at..];
    if !(rest.starts_with(b"ssh-") || rest.starts_with(b"ecdsa-sha2-")) {
        return None;
    }
    let algorithm = run_end(bytes, at, in_token);
    let key = run_end(bytes, algorithm, |b| b == b' ');
    (key > algorithm && bytes.get(key).is_some_and(u8::is_ascii_alphanumeric)).then_some(key)
}

/// Names that say a credential wherever they stand ([`HEADERS`] without their colon).
const CREDENTIAL_NAMES: [&str; 4] = ["authorization", "api-key", "api_key", "cookie"];

/// The longest text before a credential's name that is still part of a header's name
/// (`X-Goog-`, `Proxy-`).
const NAME_MAX: usize = 64;

/// After a credential's name at `at`, closing quotes and brackets, a separator (`:`, `,`,
/// `|`, a tab, `=`, `=>`) and opening quotes and brackets: where its value starts and ends,
/// when one follows.
fn credential_pair(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let name = CREDENTIAL_NAMES.iter().find(|n| {
        bytes.len() >= at + n.len() && bytes[at..at + n.len()].eq_ignore_ascii_case(n.as_bytes())
    })?;
    // The name ends a header's name (`X-Goog-Api-Key`), not some other word
    // (`invalid_api_key`, a provider's error code).
    // A header's name is short: looking back no further than that keeps a long run of
    // names (`cookiecookie…`) linear.
    let prefix = bytes[..at]
        .iter()
        .rev()
        .take(NAME_MAX + 1)
        .take_while(|&&b| in_name(b))
        .count();
    if prefix > NAME_MAX {
        return None;
    }
    let prefix = &bytes[at - prefix..at];
    if !(prefix.is_empty() || prefix.ends_with(b"-") && !prefix.contains(&b'_')) {
        return None;
    }
    let closing = |b: u8| matches!(b, b'"' | b'\'' | b'>' | b' ' | b'`');
    let after = run_end(bytes, at + name.len(), closing);
    let mut separators = after;
    // Percent-encoded (`x-api-key%3A%20…`): a colon, a space, a comma; an arrow (`->`,
    // `→`) as a colon.
    let mut colon = false;
    loop {
        separators = run_end(bytes, separators, |b| {
            matches!(b, b':' | b',' | b'|' | b'\t' | b'=' | b'>' | b' ')
        });
        let (len, said_colon) = match &bytes[separators..] {
            [b'%', b'3', b'a' | b'A', ..] => (3, true),
            rest if suspect::is_arrow(rest) => (3, true),
            [b'%', b'2', b'0' | b'c' | b'C', ..] => (3, false),
            [b'-', b'>', ..] => (2, true),
            _ => break,
        };
        colon |= said_colon;
        separators += len;
    }
    // A lone `=` is a parameter's, which the `=` rule reads (with its scheme).
    let glue = &bytes[after..separators];
    let paired = colon || glue.iter().any(|b| matches!(b, b':' | b',' | b'|' | b'\t'));
    if !paired && !glue.windows(2).any(|w| w == b"=>") {
        return None;
    }
    let mut value = separators;
    loop {
        let rest = &bytes[value..];
        value += match rest {
            [
                b'"' | b'\'' | b'[' | b']' | b'{' | b'<' | b'(' | b' ' | b'`' | b':',
                ..,
            ] => 1,
            [b'b', b'"' | b'\'', ..] => 1,
            _ if rest.starts_with(b"string{") => 7,
            // A line break in HTML: the value is on the next line.
            _ if rest
                .get(..4)
                .is_some_and(|b| b.eq_ignore_ascii_case(b"<br>")) =>
            {
                4 + rest[4..]
                    .iter()
                    .take_while(|&&b| b == b'\r' || b == b'\n')
                    .count()
            }
            // `{"name":"X-Api-Key","value":"…"}`: the value's key, then its value.
            [b'v', b'a', b'l', b'u', b'e', b'"' | b'\'', ..] => 6,
            _ => break,
        };
    }
    let end = past_scheme(
        bytes,
        value,
        run_end(bytes, value, in_pair_value),
        in_pair_value,
    );
    (end > value).then_some((value, end))
}

/// A byte of a value [`credential_pair`] pairs with its name: up to white space, a quote or
/// the punctuation that closes the pair.
fn in_pair_value(b: u8) -> bool {
    !(b.is_ascii_whitespace()
        || matches!(
            b,
            b'"' | b'\'' | b'|' | b',' | b'}' | b']' | b'>' | b'<' | b')' | b'&' | b';'
        ))
}

/// Where a credential's value from `value` to `end` ends, when it is an authorization
/// scheme (`Bearer`, `Basic`): with the credential after it (read as `keep` says), which
/// goes with it, whatever punctuation opened the value (Spring's
/// `Authorization=[Bearer …]`, PHP's `"Authorization" => ["Bearer …"]`).
fn past_scheme(bytes: &[u8], value: usize, end: usize, keep: fn(u8) -> bool) -> usize {
    if !is_scheme(&bytes[value..end]) {
        return end;
    }
    match separated(bytes, end) {
        Some(token) if run_end(bytes, token, keep) > token => run_end(bytes, token, keep),
        _ => end,
    }
}

/// Where the value of a curl credential flag at `at` starts (`-u`, `--user`, `-b`,
/// `--cookie`, then white space or a line continuation, and perhaps a quote), when one
/// stands there.
fn curl_credential(bytes: &[u8], at: usize) -> Option<usize> {
    if at > 0 && !bytes[at - 1].is_ascii_whitespace() {
        return None;
    }
    let flag = [&b"--user"[..], b"--cookie", b"-u", b"-b"]
        .into_iter()
        .find(|f| bytes[at..].starts_with(f))?;
    // Spaces, and a shell's line continuation (`-u \` then the value on the next line).
    let mut gap = at + flag.len();
    loop {
        gap = run_end(bytes, gap, |b| b == b' ' || b == b'\t');
        match &bytes[gap..] {
            [b'\\', b'\n', ..] => gap += 2,
            [b'\\', b'\r', b'\n', ..] => gap += 3,
            _ => break,
        }
    }
    if gap == at + flag.len() || gap == bytes.len() {
        return None;
    }
    Some(gap + usize::from(matches!(bytes[gap], b'"' | b'\'')))
}

/// Whether a line starts at `at`: after a line end, written (LF, a lone CR) or escaped
/// (`\n`, `\r`, as a message quoted in a JSON string has them), or an HTML `<br>`.
fn starts_line(bytes: &[u8], at: usize) -> bool {
    let before = &bytes[..at];
    let after = &bytes[at..];
    let ends = |tag: &[u8]| {
        before.len() >= tag.len() && before[at - tag.len()..].eq_ignore_ascii_case(tag)
    };
    match before {
        [] | [.., b'\n'] => true,
        [.., b'\r'] => after.first() != Some(&b'\n'),
        [.., b'\\', b'n'] => true,
        [.., b'\\', b'r'] => !after.starts_with(b"\\n"),
        _ => ends(b"<br>") || ends(b"<br/>") || ends(b"<br />"),
    }
}

/// Where the line that starts at `start` ends, and how long the line break there is: a
/// written one (LF, CR), an escaped one (`\n`, `\r`, as a message quoted in a JSON string
/// has them), or an HTML `<br>`. Both passes split lines here, so they agree on them.
fn line_end(bytes: &[u8], start: usize) -> (usize, usize) {
    let mut at = start;
    while at < bytes.len() {
        let rest = &bytes[at..];
        // `\r\n`, escaped or written, and `<br>` before a written line end, are one line
        // break, so lines are counted the same in any of them (the suspect pass counts
        // lines from a credential's name).
        let gap = match rest {
            [b'\r', b'\n', ..] => 2,
            [b'\n' | b'\r', ..] => 1,
            [b'\\', b'r', b'\\', b'n', ..] => 4,
            [b'\\', b'n' | b'r', ..] => 2,
            [b'<', b'b' | b'B', b'r' | b'R', ..] => {
                let close = rest.iter().take(6).position(|&b| b == b'>');
                let tag = close.map_or(3, |close| close + 1);
                match &rest[tag..] {
                    [b'\r', b'\n', ..] => tag + 2,
                    [b'\n' | b'\r', ..] => tag + 1,
                    _ => tag,
                }
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

/// Whether `line` holds the start of an HTTP message: a status line (`HTTP/1.1 401 …`, after
/// any text: `upstream said: HTTP/1.1 401`, `<pre>HTTP/1.1 401`) or a request line
/// (`POST /v1/messages HTTP/1.1`, in any case at the line's start, after markup too:
/// `<pre>POST …`; after other text with its method in capitals).
fn holds_start_line(line: &[u8]) -> bool {
    let version = |v: &[u8]| {
        v.len() > 5
            && v[..5].eq_ignore_ascii_case(b"http/")
            && v[5..].iter().all(|b| b.is_ascii_digit() || *b == b'.')
    };
    let words: Vec<&[u8]> = line
        .split(|b| b.is_ascii_whitespace())
        .filter(|w| !w.is_empty())
        .take(64)
        .collect();
    let status = |w: &[u8]| w.len() == 3 && w.iter().all(u8::is_ascii_digit);
    // `HTTP/2`, `HTTP/1.1` at a word's end (`<pre>HTTP/1.1`).
    let ends_in_version = |w: &[u8]| (6..=w.len().min(8)).any(|n| version(&w[w.len() - n..]));
    words
        .windows(2)
        .any(|p| ends_in_version(p[0]) && status(p[1]))
        || matches!(&words[..], [method, _, v, ..]
            if is_method(method, false) && version(v))
        // After other text (`upstream: POST /v1/messages HTTP/1.1`), a method in capitals
        // and a target that is a path or a URL.
        || words.windows(3).any(|w| {
            let target = w[1].starts_with(b"/") || memchr::memmem::find(w[1], b"://").is_some();
            is_method(w[0], true) && target && version(w[2])
        })
}

/// Whether `word` ends in a request line's method (`POST`): alone, in any case unless
/// `capitals`, or after markup (`<pre>POST`, `&lt;pre&gt;POST`, as an HTML error page quotes
/// a request) or a quote (`b'POST`, `"POST`, as debug logs quote a request's wire form), in
/// capitals.
fn is_method(word: &[u8], capitals: bool) -> bool {
    let method = word
        .rsplit(|&b| matches!(b, b'>' | b';' | b'"' | b'\'' | b'`'))
        .next()
        .unwrap_or(word);
    let capitals = capitals || method.len() < word.len();
    !method.is_empty()
        && method.iter().all(u8::is_ascii_alphabetic)
        && (!capitals || method.iter().all(u8::is_ascii_uppercase))
}

/// Where the colon of a header line (`Name: value`, `Name : value`, HTTP/2's `:authority:`)
/// stands in `line`, if it is one.
fn header_colon(line: &[u8]) -> Option<usize> {
    let pseudo = usize::from(line.first() == Some(&b':'));
    let name = pseudo
        + line[pseudo..]
            .iter()
            .take_while(|&&b| b.is_ascii_graphic() && b != b':')
            .count();
    let mut colon = name;
    loop {
        match &line[colon..] {
            [b' ' | b'\t', ..] => colon += 1,
            [0xC2, 0xA0, ..] => colon += 2,
            _ => break,
        }
    }
    (name > pseudo && line.get(colon) == Some(&b':')).then_some(colon)
}

/// How a quoted name before the `,` or `=>` at `glue` is paired with its value: `=>` is a
/// map's (`{"api-key" => "…"}`); a `,` pairs only in a list of two (`("x-api-key", "…")`,
/// `["api-key","…"]`) or after `"name":` (`{"name":"X-Api-Key","value":"…"}`), as
/// `{"code":"invalid_api_key","type":"x"}` pairs no name with a value.
#[derive(Clone, Copy, PartialEq)]
enum Pairing {
    Map,
    List,
    NameValue,
}

fn pairing(bytes: &[u8], glue: usize) -> Option<Pairing> {
    if bytes[glue] == b'=' {
        return Some(Pairing::Map);
    }
    let before = bytes[..glue].trim_ascii_end();
    let (&quote, before) = before.split_last()?;
    let name = before.iter().rev().take_while(|&&b| in_name(b)).count();
    let before = before[..before.len() - name]
        .strip_suffix(&[quote])?
        .trim_ascii_end();
    match before.last()? {
        b'[' | b'(' | b'{' => Some(Pairing::List),
        b':' => {
            let key = before[..before.len() - 1].trim_ascii_end();
            let named = [&b"name"[..], b"key", b"header"].iter().any(|k| {
                [b'"', b'\'']
                    .iter()
                    .any(|q| key.ends_with(&[&[*q][..], k, &[*q]].concat()))
            });
            named.then_some(Pairing::NameValue)
        }
        _ => None,
    }
}

/// After a quoted secret name and the `,` or `=>` at `glue`: where its quoted value starts
/// (past the quote), when one follows; a name's `"value":` key is passed over.
fn paired_value(bytes: &[u8], glue: usize, pairing: Pairing) -> Option<usize> {
    let blank = |b: u8| b == b' ' || b == b'\t';
    let mut at = run_end(bytes, glue + if bytes[glue] == b',' { 1 } else { 2 }, blank);
    if pairing == Pairing::NameValue {
        let key = [&b"\"value\""[..], b"'value'"]
            .into_iter()
            .find(|key| bytes[at..].starts_with(key))?;
        let colon = run_end(bytes, at + key.len(), blank);
        (bytes.get(colon) == Some(&b':')).then_some(())?;
        at = run_end(bytes, colon + 1, blank);
    }
    matches!(bytes.get(at), Some(b'"' | b'\'')).then_some(at + 1)
}

/// After a cell's text, at the `<` that closes it: where the next cell's text starts
/// (`</td><td>`, `</th> <td class="v">`).
fn next_cell(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = &bytes[at..bytes.len().min(at + 64)];
    let close = [&b"</td>"[..], b"</th>", b"</dt>"]
        .into_iter()
        .find(|c| rest.len() >= c.len() && rest[..c.len()].eq_ignore_ascii_case(c))?;
    let open = close.len()
        + rest[close.len()..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let cell = &rest[open..];
    let opens = |tag: &[u8]| cell.len() >= 3 && cell[..3].eq_ignore_ascii_case(tag);
    if !(opens(b"<td") || opens(b"<dd")) {
        return None;
    }
    let end = cell.iter().position(|&b| b == b'>')?;
    Some(at + open + end + 1)
}

/// Where the value starts after an escaped quote at `at` (backslashes, then a quote), if
/// one stands there.
fn escaped_quote(bytes: &[u8], at: usize) -> Option<usize> {
    let quote = run_end(bytes, at, |b| b == b'\\');
    matches!(bytes.get(quote), Some(b'"' | b'\'')).then_some(quote + 1)
}

/// Where a value at `at` ends that is [`CUT`] alone, as this function leaves a value that
/// runs to the end of its line, read again (a warning quoting a redacted name, read back
/// from JSONL): at the `…`, so that a quote closing it after stays. Only at the end of a
/// line, a quote at most between: whatever else follows may be a credential.
fn already_cut(bytes: &[u8], at: usize) -> Option<usize> {
    let end = at + CUT.len();
    let rest = bytes.get(at..)?.strip_prefix(CUT.as_bytes())?;
    let rest = rest
        .strip_prefix(b"\"")
        .or(rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    matches!(rest.first(), None | Some(b'\r' | b'\n')).then_some(end)
}

/// Where a credential header's value ends: at the end of its line, or at a quote when the
/// header itself is quoted (`"X-Api-Key: …"`). A value may hold quotes of its own (Digest's
/// `response="…"`), so an unquoted header runs to the end of its line.
///
/// A value that is a scheme alone (`Authorization: Bearer`) has its credential on the next
/// line, indented or not, as wrapped logs and pretty-printed headers put it: the cut takes
/// that line's first word too.
fn header_value_end(bytes: &[u8], from: usize, quoted: bool) -> usize {
    let end = match quoted {
        true => run_end(bytes, from, |b| !matches!(b, b'\n' | b'\r' | b'"' | b'\'')),
        false => run_end(bytes, from, |b| !matches!(b, b'\n' | b'\r')),
    };
    let word = run_end(bytes, from, in_token);
    let blank = run_end(bytes, word, |b| b == b' ' || b == b'\t');
    if word == from || blank != end || !is_scheme(&bytes[from..word]) {
        return end;
    }
    let next = run_end(bytes, end, |b| b == b'\r');
    if bytes.get(next) != Some(&b'\n') {
        return end;
    }
    let token = run_end(bytes, next + 1, |b| b == b' ' || b == b'\t');
    match run_end(bytes, token, in_word) {
        credential if credential > token => credential,
        _ => end,
    }
}

/// Schemes whose credential [`encoded_credential`] cuts where no header's name stands
/// before them: HTTP's Basic (base64 of a user and password), Negotiate (a Kerberos
/// ticket), Digest, and the tokens of OAuth 1, Splunk and Okta (`SSWS`).
const SCHEMES_ALONE: [&str; 6] = ["basic", "negotiate", "digest", "oauth", "splunk", "ssws"];

/// Where the credential after one of [`SCHEMES_ALONE`] (base64 of a user and password, or
/// a Kerberos ticket) lies, when one follows the scheme's name with no header's name before
/// it (`proxy rejected Basic YWxp…`): a word of base64 of 8 characters or more, with a
/// digit, `+`, `/`, `=` or a capital after a small letter in it. Prose stays (`Basic
/// Authentication required`, `basic auth`).
fn encoded_credential(bytes: &[u8], i: usize) -> Option<(usize, usize)> {
    // Asked at every byte of the text: most stand inside a word, where no scheme starts.
    if i > 0 && bytes[i - 1].is_ascii_alphanumeric() {
        return None;
    }
    let scheme = SCHEMES_ALONE.into_iter().find(|s| {
        bytes
            .get(i..i + s.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(s.as_bytes()))
    })?;
    let value = separated(bytes, i + scheme.len())?;
    // Base64, in either alphabet.
    let end = run_end(bytes, value, |b| {
        b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_')
    });
    let word = &bytes[value..end];
    let mixed = word
        .windows(2)
        .any(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase());
    let coded = word
        .iter()
        .any(|b| b.is_ascii_digit() || matches!(b, b'+' | b'/' | b'='));
    (word.len() >= 8 && (mixed || coded)).then_some((value, end))
}

/// What may stand between an authorization scheme and its credential: white space, a
/// colon, a quote, `=`, `,`, `;`, `(`, a form's `+`, a dash, a slash, `*`.
const SCHEME_SEPARATORS: &[u8] = b" \t:\"'\r\n=,;(+-/*";

/// After `Bearer`: where its token starts, past the separators error text puts there
/// ([`SCHEME_SEPARATORS`], the spaces of Unicode, a fullwidth colon), each also written
/// escaped (`%2B`, `\u0020`, `\t`, `&#43;`, `&plus;`, `&nbsp;`: an entity of any name); `None`
/// when there is none (`Bearers`).
fn separated(bytes: &[u8], mut at: usize) -> Option<usize> {
    let start = at;
    let separates = |c: u32| {
        u8::try_from(c).is_ok_and(|b| SCHEME_SEPARATORS.contains(&b))
            || char::from_u32(c).is_some_and(char::is_whitespace)
    };
    loop {
        let rest = &bytes[at.min(bytes.len())..];
        at += match rest {
            [b, ..] if SCHEME_SEPARATORS.contains(b) => 1,
            // White space escaped short, as JSON and Go's `%q` write it (`Basic\tdXNl…`).
            [b'\\', b't' | b'n' | b'r' | b'f', ..] => 2,
            [0xC2, 0xA0, ..] => 2,
            // The other spaces of Unicode: U+2000 to U+200A, U+202F, U+3000.
            [0xE2, 0x80, 0x80..=0x8B | 0xAF, ..] | [0xE3, 0x80, 0x80, ..] => 3,
            // A fullwidth colon.
            [0xEF, 0xBC, 0x9A, ..] => 3,
            [b'&', ..] => match suspect::entity(rest) {
                Some((len, _)) => len,
                None => break,
            },
            _ => match hex_escape(rest) {
                Some((len, c)) if separates(c) => len,
                _ => break,
            },
        };
    }
    (at > start).then_some(at)
}

/// Whether the `:` at `colon` follows a field of a secret name (white space and a closing
/// quote may stand between), and if so whether that name was quoted.
fn secret_before_colon(bytes: &[u8], colon: usize) -> Option<bool> {
    let mut end = colon;
    loop {
        match &bytes[..end] {
            [.., b' ' | b'\t'] => end -= 1,
            [.., 0xC2, 0xA0] => end -= 2,
            _ => break,
        }
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
    // Or opens a quoted header (`-H 'X-Auth-Token: …'`), a list or a map's entry (Go's
    // `map[X-Auth-Token:[…]]`, Spring's `[X-Client-Secret:"…"`), an HTML cell.
    let alone = match quote {
        Some(_) => before == quote,
        None => before.is_none_or(|b| b.is_ascii_whitespace() || b"{,;(|'\"[>".contains(&b)),
    };
    let opened = matches!(before, Some(b'"' | b'\''));
    (alone && name > 0 && is_secret_name(&bytes[start..end])).then_some(quote.is_some() || opened)
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
        [.., b'\\', b'x', a, b] if hex(&[*a, *b]) => true,
        [.., b'\\', b'n' | b'r' | b't'] => true,
        [.., last] => !in_token(*last),
    }
}

/// The end of the run of bytes from `from` that `keep` accepts. Every byte a cut stops at
/// is ASCII, so the cuts fall on character boundaries.
fn run_end(bytes: &[u8], from: usize, keep: fn(u8) -> bool) -> usize {
    from + bytes[from..].iter().take_while(|&&b| keep(b)).count()
}

/// Where a value from `from` ends: at `closing` (its quote, its list's `]`), or at the end
/// of its line when it is not closed there.
fn until(bytes: &[u8], from: usize, closing: u8) -> usize {
    from + bytes[from..]
        .iter()
        .take_while(|&&b| b != closing && b != b'\n')
        .count()
}

/// Skips `text[start..end]`, saying so when there was anything there; where to go on. A
/// value shorter than [`CUT`] (a byte or two) is kept: it hides nothing, and cut, the text
/// would grow (a megabyte of one-byte values would take more memory redacted than read).
fn cut(out: &mut Written, text: &str, start: usize, end: usize) -> usize {
    match text.get(start..end) {
        Some(short) if short.len() < CUT.len() => out.push_str(short),
        _ if end > start => out.push_str(CUT),
        _ => {}
    }
    end
}

/// Where a secret told by its shape ends, `end` being where the shape does: a word glued
/// on by `.`, `~`, `+`, `/` or `!` is the secret's too (a JWE's parts after a JWT's three,
/// a Mapbox token's secret after its payload, `sk-…~<rest>`), and so is one glued on by any
/// of those written escaped (`\/`, `%2E`, `%252F`, `\u007e`, `&#x2F;`, `&period;`: see
/// [`encoded_at`]). A sentence's full stop is followed by a space, and stays.
fn glued_end(bytes: &[u8], mut end: usize) -> usize {
    loop {
        let glue = match bytes.get(end) {
            Some(b'.' | b'~' | b'+' | b'/' | b'!') => 1,
            _ => match encoded_at(bytes, end) {
                Some((len, b'.' | b'~' | b'+' | b'/' | b'!')) => len,
                _ => return end,
            },
        };
        match bytes.get(end + glue) {
            Some(&b) if in_token(b) => end = run_end(bytes, end + glue, in_token),
            _ => return end,
        }
    }
}

/// The end of a parameter's value in an encoded URL (`key%3D…%26next%3D…`): the next
/// encoded `&` or `;`, or where [`in_value`] ends it. Other escapes are the value's own
/// (`secret%3DAbc%2B…`).
fn encoded_value_end(bytes: &[u8], from: usize) -> usize {
    let mut end = from;
    while end < bytes.len() && in_value(bytes[end]) {
        let next = bytes.get(end..end + 3);
        if next.is_some_and(|e| e.eq_ignore_ascii_case(b"%26") || e.eq_ignore_ascii_case(b"%3b")) {
            break;
        }
        end += 1;
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

/// A byte of a parameter's value in brackets: up to a closing one too.
fn in_bracketed(b: u8) -> bool {
    in_value(b) && !matches!(b, b']' | b')' | b'}')
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

/// Where a query string from `from` ends: at white space, or at a quote or `<` that closes
/// the URL. A quote (or `<`) that opens a value inside the query (after `=`, `?`, `&`, `{`,
/// `[`, `:`, `,`, `(` or `\\`: `?state='x'&code=…`, `?metadata={"user":"…"}`) is the
/// query's, up to its closing one (or white space). Each byte is read once.
fn query_end(bytes: &[u8], from: usize) -> usize {
    let mut end = from;
    loop {
        end = run_end(bytes, end, in_word);
        let opens = end > 0
            && matches!(bytes.get(end), Some(b'"' | b'\'' | b'`' | b'<'))
            && matches!(
                bytes[end - 1],
                b'=' | b'?' | b'&' | b'{' | b'[' | b':' | b',' | b'(' | b'\\'
            )
            && bytes
                .get(end + 1)
                .is_some_and(|&b| in_word(b) || matches!(b, b'"' | b'\'' | b'`'));
        if !opens {
            return end;
        }
        let closing = match bytes[end] {
            b'<' => b'>',
            q => q,
        };
        let close = end
            + 1
            + bytes[end + 1..]
                .iter()
                .take_while(|&&b| b != closing && !b.is_ascii_whitespace())
                .count();
        match bytes.get(close) {
            Some(&b) if b == closing => end = close + 1,
            _ => return close,
        }
    }
}

/// How far the host part after `://` from `host` may reach: up to a `/`, white space or a
/// quote; but a `'` (a sub-delim, legal in user info) inside a password stays in it when an
/// `@` and a host follow before any white space or `/`, and a `:` stands before the quote
/// (`https://admin:pa'ss-…@proxy`).
fn user_info_reach(bytes: &[u8], host: usize) -> usize {
    let end = run_end(bytes, host, |b| in_word(b) && b != b'/');
    if bytes.get(end) != Some(&b'\'') || !bytes[host..end].contains(&b':') {
        return end;
    }
    if matches!(
        bytes.get(end + 1),
        None | Some(b',' | b')' | b']' | b'}' | b';' | b':' | b'.')
    ) {
        return end;
    }
    let wide = run_end(bytes, end, |b| {
        (in_word(b) || b == b'\'') && !matches!(b, b'/' | b'@')
    });
    let host_follows = bytes
        .get(wide + 1)
        .is_some_and(|b| b.is_ascii_alphanumeric());
    match bytes.get(wide) == Some(&b'@') && host_follows {
        true => run_end(bytes, wide, |b| in_word(b) && b != b'/'),
        false => end,
    }
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

/// Whether a capture's own header, cookie or parameter name says its value is a
/// credential: one [`is_secret_name`] knows, or one with more words after it
/// (`X-Api-Key-V2`, `?api_key_primary=`; hostile run 68: such a header's value, echoed by
/// an error, was printed whole). Only values of 8 bytes or more are kept, so a count under
/// a name such as `X-Token-Count` costs nothing.
pub fn names_a_secret(name: &[u8]) -> bool {
    let mut name = name;
    loop {
        if is_secret_name(name) {
            return true;
        }
        match name.iter().rposition(|&b| b == b'-' || b == b'_') {
            Some(at) => name = &name[..at],
            None => return false,
        }
    }
}

/// Whether a parameter's, field's or header's name says its value is a credential
/// ([`PARAMS`], [`suspect::secret_names`]): it ends in one of them.
pub fn is_secret_name(name: &[u8]) -> bool {
    let numbered = name.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let name = &name[..name.len() - numbered];
    let name = match name {
        [rest @ .., b'-' | b'_'] if numbered > 0 => rest,
        _ => name,
    };
    let same = |a: &u8, b: &u8| a.eq_ignore_ascii_case(b) || (a == &b'-' && b == &b'_');
    (PARAMS.iter().copied().chain(suspect::secret_names())).any(|p| {
        let p = p.as_bytes();
        name.len() >= p.len()
            && name[name.len() - p.len()..]
                .iter()
                .zip(p)
                .all(|(a, b)| same(a, b))
    })
}

#[cfg(test)]
mod tests {
    use super::{MAX_MESSAGE, names_a_secret, redacted, redacted_message};

    /// Each `(text, kept)`: `text` redacted is `kept`.
    #[track_caller]
    pub(super) fn assert_cut(cases: impl IntoIterator<Item = (impl AsRef<str>, impl AsRef<str>)>) {
        for (text, kept) in cases {
            let text = text.as_ref();
            assert_eq!(redacted(text), kept.as_ref(), "{text:?}");
        }
    }

    /// Each text redacted is itself: nothing in it is cut.
    #[track_caller]
    pub(super) fn assert_kept(texts: impl IntoIterator<Item = impl AsRef<str>>) {
        for text in texts {
            let text = text.as_ref();
            assert_eq!(redacted(text), text, "{text:?}");
        }
    }

    /// Hostile run 31 D1 and D3: a token after `Bearer` and a form's `+` (or a dash, a
    /// slash), and a `Basic` or `Negotiate` credential with no header's name before it.
    #[test]
    fn schemes_lose_their_credentials_however_they_are_joined() {
        assert_cut([
            (
                "grant_type=x&header=Bearer+QwErTyUiOpAsDfGhJkLzXcVbNm",
                "grant_type=x&header=Bearer+…",
            ),
            (
                "request failed for Bearer-ZQXd5x2y3z4w5q8 from proxy",
                "request failed for Bearer-… from proxy",
            ),
            ("Bearer/QwErTyUiOp", "Bearer/…"),
            (
                "proxy rejected Basic YWxpY2U6c2VjcmV0cGFzcw== for upstream",
                "proxy rejected Basic … for upstream",
            ),
            ("header=Basic+dXNlcjpwYXNzd29yZA==", "header=Basic+…"),
            ("Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnagMDAu", "Negotiate …"),
            // Hostile run 32 D1: the joiner written escaped.
            ("x Basic&#43;YWxpY2U6c2VjcmV0cGFzcw== y", "x Basic&#43;… y"),
            (
                "x Basic&#x2B;YWxpY2U6c2VjcmV0cGFzcw== y",
                "x Basic&#x2B;… y",
            ),
            (
                "x Basic&plus;YWxpY2U6c2VjcmV0cGFzcw== y",
                "x Basic&plus;… y",
            ),
            ("x Basic%2BYWxpY2U6c2VjcmV0cGFzcw== y", "x Basic%2B… y"),
            (
                "x Negotiate&#32;YIIGhgYGKwYBBQUCoIIG y",
                "x Negotiate&#32;… y",
            ),
            ("x Basic&#58;YWxpY2U6c2VjcmV0cGFzcw== y", "x Basic&#58;… y"),
            ("x SSWS 00QCjAl4MlV-WPXM y", "x SSWS … y"),
            // White space escaped short, as JSON writes it (hostile run 48, D1).
            (
                r"rejected: Basic\tdXNlcjpwYXNzd29yZA",
                r"rejected: Basic\t…",
            ),
            (
                r#"upstream rejected {"got": "Basic\tdXNlcjpwYXNzd29yZA"}"#,
                r#"upstream rejected {"got": "Basic\t…"}"#,
            ),
            (
                r"x Splunk\r\n 5a6b7c8d-1e2f-3a4b-5c6d-7e8f9a0b1c2d y",
                r"x Splunk\r\n … y",
            ),
            (r"x SSWS\f00QCjAl4MlV-WPXM y", r"x SSWS\f… y"),
        ]);
        assert_kept([
            "HTTP Basic Authentication required",
            "basic auth is not supported; use a key",
            "a basic question",
            "negotiate again later",
        ]);
    }

    #[test]
    fn a_long_error_message_is_cut_after_it_is_redacted() {
        // A key whose value runs across the cut: cut first, its start would be a word too
        // short to tell for a key; redacted first, none of it is left to cut.
        let before = "x ".repeat((MAX_MESSAGE - 20) / 2);
        let message = format!("{before}sk-ant-api03-ZQXSECRETabcdefghijklmnopqrstuvwxyz and on");
        let (shown, cut) = redacted_message(&message);
        assert_eq!(shown, format!("{before}sk-… and on"));
        assert_eq!(cut, None, "redacted, it fits");
        let long = format!("{message} {}", "y".repeat(MAX_MESSAGE));
        let (shown, cut) = redacted_message(&long);
        assert_eq!(cut, Some(redacted(&long).len()));
        assert_eq!(shown.len(), MAX_MESSAGE);
        assert!(shown.starts_with(&format!("{before}sk-… and on yyy")));
        assert!(shown.ends_with("y…") && !shown.contains("ZQX"));
        assert_eq!(redacted_message("short"), ("short".to_string(), None));
        // Cut once, a message is not cut again (this tool's JSONL read back), and one of
        // exactly the most characters is whole.
        assert_eq!(redacted_message(&shown), (shown, None));
        let most = "z".repeat(MAX_MESSAGE);
        assert_eq!(redacted_message(&most), (most, None));
        // Bytes, at a character's start: 4-byte characters hold no more.
        let wide = "😀".repeat(MAX_MESSAGE);
        let (shown, cut) = redacted_message(&wide);
        assert_eq!(cut, Some(4 * MAX_MESSAGE));
        assert_eq!(shown, format!("{}…", "😀".repeat((MAX_MESSAGE - 3) / 4)));
    }

    /// Hostile run 44 D1: a quoted HTTP message's header values go, and with them the name
    /// that made the lines near them suspect; the value in the body below stayed, where the
    /// same lines without a start line lost it.
    #[test]
    fn a_quoted_header_value_that_named_a_credential_leaves_its_lines_suspect() {
        assert_cut([
            (
                "upstream said:\nHTTP/1.1 401 Unauthorized\nX-Error: invalid api key\n\nZQXa1b2c3d4e5f6\n",
                "upstream said:\n… 401 Unauthorized\nX-Error: …\n\n…\n",
            ),
            (
                "HTTP/1.1 400 Bad Request\nContent-Disposition: form-data; name=\"api_key\"\n\nZQXa1b2c3d4e5f6",
                "… 400 Bad Request\nContent-Disposition: …\n\n…",
            ),
            (
                "<pre>HTTP/1.1 401 Unauthorized\nX-Reason: password expired\nZQXa1b2c3d4e5f6\n</pre>",
                "<pre>… 401 Unauthorized\nX-Reason: …\n…\n</pre>",
            ),
            (
                "HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Bearer realm=\"api\"\n\nrejected ZQXa1b2c3d4e5f6",
                "… 401 Unauthorized\nWWW-Authenticate: …\n\nrejected …",
            ),
        ]);
        // Values that name none leave the body as it was.
        assert_cut([(
            "HTTP/1.1 200 OK\nX-Request-Id: req_abc123456\n\nmodel gpt-4o-2024 answered",
            "HTTP/1.1 200 OK\nX-Request-Id: …\n\nmodel gpt-4o-2024 answered",
        )]);
    }

    /// Found by the fuzzer: a written quote that closed one word was taken to open the
    /// next too, which then began before the last one ended (a panic).
    #[test]
    fn a_quote_between_two_words_belongs_to_one() {
        assert_cut([
            ("키:&#39;x&#39;y&#39;", "키:&#39;x&#39;y&#39;"),
            ("키:&#39;\0&#39;\0&#39;", "키:&#39;\0&#39;\0&#39;"),
            (
                "키: &quot;abc1234&quot;xyz5678&quot;",
                "키: &quot;…&quot;…&quot;",
            ),
            ("パスワード:“abc1234”xyz5678”", "パスワード:“…”…”"),
        ]);
    }

    /// Hostile run 43 D2: a value cut made what stood beside it read as the next value (or
    /// took the separator that made a word before it a name), so that a message printed one
    /// way in a whole run and another read back from its parts' JSONL.
    #[test]
    fn cut_text_cut_again_stays_as_it_is() {
        let cases = [
            ("APIキー: abc123=日本", "APIキー: …=…"),
            ("アクセストークン:AP1a1=日", "アクセストークン:…=…"),
            ("パスワード=91日&#58;ー", "パスワード=…&#58;…"),
            ("keyP=ab191=ire", "keyP=…=…"),
            ("pass|8ey'->B", "pass|…'…"),
            // Spring's bracketed header values keep their brackets read again.
            ("Authorization=[Bearer x]", "Authorization=[…]"),
            ("Authorization=(Basic x)", "Authorization=(…)"),
            (
                "{a=b, Authorization=[Bearer x], c=d}",
                "{a=b, Authorization=[…], c=d}",
            ),
        ];
        assert_cut(cases);
        assert_kept(cases.map(|(_, once)| once));
    }

    /// Texts made of what credentials are written with, in every order: each redacted is a
    /// text one more reading leaves as it is, and its cut ([`super::redacted_within`]) too.
    #[test]
    fn random_texts_redacted_are_redacted_already() {
        const WORDS: [&str; 48] = [
            "api_key",
            "APIキー",
            "パスワード",
            "アクセストークン",
            "密码",
            "token",
            "pass",
            "keyP",
            "password",
            "Authorization",
            "x-api-key",
            "Bearer",
            "Basic",
            "secret",
            "session",
            "pin",
            "cookie",
            "abc123",
            "ab191",
            "8ey",
            "hunter2",
            "Zq7Wv3Lp9Tb2",
            "sk-ant-api03-QwErTyUiOpAsDfGh",
            "AKIAIOSFODNN7EXAMPLE",
            "ire",
            "日本",
            "日",
            "ー",
            "B",
            "x",
            "401",
            "3",
            "retries",
            "attempts",
            "is",
            "the",
            "…",
            "https://gw.example/v1",
            "user:pw@host",
            "eyJhbGciOiJIUzI1NiJ9",
            "&#58;",
            "%3D",
            "&quot;",
            "\\u0022",
            "[",
            "]",
            "(",
            ")",
        ];
        const GLUE: [&str; 16] = [
            " ", "=", ":", ": ", "|", "'", "\"", "->", ",", ";", "\t", "\n", "", "&", "?", "/",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3_000 {
            let mut text = String::new();
            for _ in 0..2 + next(12) {
                text.push_str(WORDS[next(WORDS.len())]);
                text.push_str(GLUE[next(GLUE.len())]);
            }
            let once = redacted(&text);
            assert_eq!(super::redacted_once(&once), once, "{text:?}");
            let max = 1 + next(text.len());
            let (cut, _) = super::redacted_within(&text, max);
            assert_eq!(
                super::redacted_within(&cut, max).0,
                cut,
                "{text:?} cut to {max}"
            );
        }
    }

    #[test]
    fn a_value_already_cut_stays_as_it_is_and_what_closes_it_too() {
        // A warning quoting a section name redacted before, read back from JSONL.
        assert_kept([
            r#"unknown txtar section name "streaming/x-api-key: …""#,
            "x-api-key: …",
            "\"api_key\": …\n",
        ]);
        assert_cut([
            (r#"x-api-key: …"Zq7Wv3Lp9Tb2"#, "x-api-key: …"),
            ("x-api-key: … Zq7Wv3Lp9Tb2", "x-api-key: …"),
            ("x-api-key: …Zq7Wv3Lp9Tb2", "x-api-key: …"),
        ]);
    }

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
    fn a_quote_inside_user_info_or_a_query_string_does_not_end_the_cut() {
        assert_cut([
            (
                "https://admin:pa'ss-ZQX9k2a8Hd73Lp0qWm5@proxy.example.com:3128/v1",
                "https://…@proxy.example.com:3128/v1",
            ),
            (
                "GET https://gw.example.com/v1/files?state='x'&code=ZQX9k2a8Hd73Lp0qWm5",
                "GET https://gw.example.com/v1/files?…",
            ),
            (
                r#"Illegal character in query at index 47: https://gw.example.com/v1/messages?metadata={"user":"ZQX9k2a8Hd73Lp0qWm5"}"#,
                "Illegal character in query at index 47: https://gw.example.com/v1/messages?…",
            ),
            (
                r#"https://gw.example.com/v1/messages?q="ZQX9k2a8Hd73Lp0qWm5""#,
                "https://gw.example.com/v1/messages?…",
            ),
            (
                "https://gw.example/v?q=`ZQXsecret`",
                "https://gw.example/v?…",
            ),
            (
                "https://gw.example/v?q=<ZQXsecret>",
                "https://gw.example/v?…",
            ),
            (
                r#"https://gw.example/v?q=x\"ZQXsecret\""#,
                "https://gw.example/v?…",
            ),
            // A quote that closes the URL still ends it.
            (
                r#"{"url":"https://gw.example/v?a=ZQX","next":"kept"}"#,
                r#"{"url":"https://gw.example/v?…","next":"kept"}"#,
            ),
            (
                "'https://gw.example:8080','who@example.com'",
                "'https://gw.example:8080','who@example.com'",
            ),
            (
                r#"see "https://gw.example/a?" and "b""#,
                r#"see "https://gw.example/a?" and "b""#,
            ),
        ]);
    }

    #[test]
    fn a_bearer_token_on_the_next_indented_line_goes_with_the_scheme() {
        for text in [
            "Authorization: Bearer\n    zqkhorsebatterystaple",
            "Authorization: Bearer\n\tzqkhorsebatterystaple",
            "Authorization: Bearer\r\n  zqkhorsebatterystaple\nnext: kept",
        ] {
            let out = redacted(text);
            assert!(!out.contains("zqkhorse"), "{text:?} -> {out:?}");
            assert!(out.starts_with("Authorization: …"), "{out:?}");
        }
        assert_eq!(
            redacted("Authorization: Bearer\n    zqkhorsebatterystaple\nnext: kept"),
            "Authorization: …\nnext: kept"
        );
    }

    #[test]
    fn a_request_in_wire_form_escaped_inside_quotes_loses_its_header_values() {
        assert_cut([
            (
                r"send: b'POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nX-Custom-Thing: ZQX9k2a8Hd73Lp0qWm5\r\n\r\n'",
                r"send: b'POST /v1/messages HTTP/1.1\r\nHost: …\r\nX-Custom-Thing: …\r\n\r\n'",
            ),
            (
                r#"<- "POST /v1/messages HTTP/1.1\r\nAccept: */*\r\nX-Custom-Thing: ZQXsecretvalue\r\nHost: api\r\n\r\n""#,
                r#"<- "POST /v1/messages HTTP/1.1\r\nAccept: …\r\nX-Custom-Thing: …\r\nHost: …\r\n\r\n""#,
            ),
            (
                r"_header: 'POST /v1/messages HTTP/1.1\r\nX-Custom-Thing: ZQXsecretvalue\r\nHost: api\r\n\r\n'",
                r"_header: 'POST /v1/messages HTTP/1.1\r\nX-Custom-Thing: …\r\nHost: …\r\n\r\n'",
            ),
        ]);
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
        // A header with no value on its line: the next line's first word may be its value.
        assert_eq!(redacted("missing cookie:\nnope"), "missing cookie:\n…");
    }

    #[test]
    fn the_third_hostile_runs_shapes_lose_their_values() {
        assert_cut([
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
                r#"{"api_key":"ZQX","model":"m-1"}"#,
                r#"{"api_key":"…","model":"…"}"#,
            ),
            ("k key%3DZQX&y=2", "k key%3D…&y=2"),
            ("cookie=ZQX; session_id=ZQX", "cookie=…; session_id=…"),
        ]);
        // Fields of other names keep their values; on a line that names a credential (an
        // error code does), a quoted word that may be a value goes all the same.
        assert_eq!(
            redacted(r#"{"code":"invalid_request","type":"x"} Bearers: 2"#),
            r#"{"code":"invalid_request","type":"x"} Bearers: 2"#
        );
        assert_eq!(
            redacted(r#"{"code":"invalid_api_key","type":"xyz"}"#),
            r#"{"code":"invalid_api_key","type":"…"}"#
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
        assert_kept([
            "risk-averse sk-short task-sk-abcdefghijklmnopqrstuvwxyz",
            "AKIAshort AKIAABCDEFGHIJKLMNOPQ AKIA_ABCDEFGHIJKLMN",
            "xAIzaabcdefghijklmnopqrstuvwxyz-abcdefgh",
        ]);
    }

    #[test]
    fn a_curl_flags_value_after_a_line_continuation_is_cut() {
        assert_eq!(
            redacted("curl -u \\\n  admin:Zq8 https://x"),
            "curl -u \\\n  … https://x"
        );
        assert_eq!(
            redacted("curl -b \\\r\n 'sid=Zq8' https://x"),
            "curl -b \\\r\n '…' https://x"
        );
    }

    #[test]
    fn random_looking_words_pem_blocks_and_ssh_keys_are_cut() {
        assert_cut([
            // An AWS secret access key, alone; a hex secret.
            (
                "output=json\nwJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1 end",
                "output=json\n… end",
            ),
            (
                "hmac 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c",
                "hmac …",
            ),
            (
                "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nxyz\n-----END RSA PRIVATE KEY-----",
                "-----BEGIN RSA PRIVATE KEY-----…-----END RSA PRIVATE KEY-----",
            ),
            // Hostile run 46 D2: what follows the label on its line went through whole.
            (
                "-----BEGIN CERTIFICATE----- key sk-proj-ZQXa1b2c3d4e5f6g7h8i9j0",
                "-----BEGIN CERTIFICATE-----…",
            ),
            (
                "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBg-----END PRIVATE KEY----- x",
                "-----BEGIN PRIVATE KEY-----…-----END PRIVATE KEY----- x",
            ),
            (
                "-----begin private key-----MIIEvQIBADANBg x",
                "-----begin private key-----…",
            ),
            (
                "-----BEGIN ghp_ZQXa1b2c3d4e5f6g7h8i9j0k1l2m3n4o",
                "-----BEGIN …",
            ),
            (
                "key ssh-ed25519 AAAAC3NzaC1lZDI1 user@host",
                "key ssh-ed25519 … user@host",
            ),
        ]);
        // Request ids, UUIDs, paths and long words of one case stay.
        assert_kept([
            "request req_011CV4xyzABCdefGHIjkl1234 failed",
            "trace 123e4567-e89b-12d3-a456-426614174000",
            "at /v1/projects/my-project-123/locations/us-central1/publishers/anthropic/models",
            "see internationalization_and_localization_settings",
        ]);
    }

    /// Hostile run 54 D1: a secret of hex, or of letters of one case and digits, behind a
    /// short prefix went through whole, the prefix's `_` making the word not hex.
    #[test]
    fn a_secret_of_one_case_behind_a_short_prefix_is_cut() {
        let hex32 = "9f86d081884c7d659a2feaa0c55ad015";
        let hex64 = [hex32, hex32].concat();
        assert_cut([
            (
                format!("bad key lsv2_pt_{hex32}_a3bf4f1b2b. retry"),
                "bad key lsv2_pt_…. retry".to_string(),
            ),
            (
                format!("sandbox e2b_{}", &hex64[..40]),
                "sandbox e2b_…".to_string(),
            ),
            (
                format!("droplet dop_v1_{hex64}"),
                "droplet dop_v1_…".to_string(),
            ),
            (format!("key 0x{hex64}"), "key …".to_string()),
            (
                "secret k7x9m2p4q8w1z5n3b6v0c8r2t4y6u1i3o5a7s9d2 end".to_string(),
                "secret … end".to_string(),
            ),
            (
                "AB_K7X9M2P4Q8W1Z5N3B6V0C8R2T4Y6U1I3O5".to_string(),
                "AB_…".to_string(),
            ),
        ]);
        // OpenAI's ids, and long runs of one case that are words, stay.
        assert_kept([
            "Previous response with id 'resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b' not found",
            "item msg_67ccd3acc8d48190a77525dc6de64b4104becb25c1f4ae11",
            "see pneumonoultramicroscopicsilicovolcanoconiosis2",
            "path /srv/app/releases/20261205191446/current",
        ]);
    }

    /// Hostile run 57: GitLab's other token prefixes.
    #[test]
    fn gitlabs_other_tokens_are_cut() {
        assert_cut([
            ("x glcbt-64_cErfOStkqY8xFRhlxmCi y", "x glcbt-… y"),
            ("x glsoat-ab12cd34ef56gh78ij90 y", "x glsoat-… y"),
            ("x glffct-ab12cd34ef56gh78ij90 y", "x glffct-… y"),
            ("x glimt-ab12cd34ef56gh78ij90 y", "x glimt-… y"),
            ("x glft-ab12cd34ef56gh78ij90 y", "x glft-… y"),
            ("x GR1348941ab12cd34ef56gh78ij90 y", "x GR1348941… y"),
        ]);
    }

    /// Hostile run 56: `Clé API`'s `API` stood between the name and its value; a cookie
    /// being set kept a value of letters; `bearer token:` had its name cut, not its value.
    #[test]
    fn a_localized_key_a_cookie_set_and_a_bearer_token_named_lose_their_values() {
        assert_cut([
            ("Clé API: Papillonbleuciel", "Clé API: …"),
            ("clave de API = Papillonbleuciel", "clave de API = …"),
            ("chave da API: Papillonbleuciel", "chave da API: …"),
            (
                "upstream set pref=Papillonbleuciel; Path=/; HttpOnly",
                "upstream set pref=…; Path=/; HttpOnly",
            ),
            (
                "Invalid bearer token: Papillonbleuciel",
                "Invalid bearer token: …",
            ),
            ("bearer-token: Papillonbleu", "bearer-token: …"),
            ("Bearer abcdefghij", "Bearer …"),
        ]);
        assert_kept([
            "Invalid bearer token",
            "see the API: docs",
            "the rate limit of the API is 10",
        ]);
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
        // Nor one scan back over a run of names for each name in it.
        for name in ["cookie", "api-key", "Authorization"] {
            let text = name.repeat(1 << 16);
            let started = std::time::Instant::now();
            let _ = redacted(&text);
            assert!(started.elapsed().as_secs() < 5, "{name}");
        }
    }

    #[test]
    fn the_fourth_hostile_runs_shapes_lose_their_values() {
        assert_cut([
            (
                "OpenAI(api_key='ZQXS01abc', x=1)",
                "OpenAI(api_key='…', x=1)",
            ),
            ("token=\"ZQXS02abc\" next", "token=\"…\" next"),
            ("api_key = ZQXS05abc next", "api_key = … next"),
            ("api_key=\tZQXS30abc", "api_key=\t…"),
            ("Authorization = Basic ZQXS21abc", "Authorization = …"),
            ("{'x-api-key': ['ZQXS03abc']}", "{'x-api-key': ['…']}"),
            ("{\"cookie\": [\"a=ZQXS04abc\"]}", "{\"cookie\": [\"…\"]}"),
            ("Bearer \"ZQXS08abc\"", "Bearer \"…\""),
            ("Bearer\u{a0}ZQXS06abc", "Bearer\u{a0}…"),
            ("Bearer\r\nZQXS07abc", "Bearer\r\n…"),
        ]);
        // An equals sign in prose, or after a name of no secret, keeps what follows.
        assert_kept(["x = 1", "a == b", "count = 3"]);
    }

    #[test]
    fn the_fifth_runs_shapes_lose_their_values() {
        assert_cut([
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
        ]);
        // Keys glued to an escape that stands for a separator, and AWS's credential.
        assert_cut([
            (
                "Credential%3DAKIAZQXN5GLUE0000001%2F20250101",
                "Credential%3D…",
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
        ]);
        // Not of the shape: kept.
        assert_kept(["eyJust.a.word", "ghp_short", "a \\\"b\\\": 1"]);
    }

    #[test]
    fn the_sixth_runs_shapes_lose_their_values() {
        assert_cut([
            // Headers as clients and frameworks quote them.
            (
                "curl -H 'X-Auth-Token: ZQX6a' x",
                "curl -H 'X-Auth-Token: …' x",
            ),
            (
                "--header \"Private-Token:ZQX6b\" x",
                "--header \"Private-Token:…\" x",
            ),
            (
                "map[X-Auth-Token:[ZQX6c] Accept:[*/*]]",
                "map[X-Auth-Token:[…] Accept:[*/*]]",
            ),
            (
                "[X-Client-Secret:\"ZQX6d\", Accept:\"*/*\"]",
                "[X-Client-Secret:\"…\", Accept:\"…\"]",
            ),
            ("[('x-api-key', 'ZQX6e')]", "[('x-api-key', '…')]"),
            ("{\"api-key\" => \"ZQX6f\"}", "{\"api-key\" => \"…\"}"),
            (
                "[[\"x-goog-api-key\",\"ZQX6g\"]]",
                "[[\"x-goog-api-key\",\"…\"]]",
            ),
            (
                "{\"name\":\"Proxy-Authorization\",\"value\":\"ZQX6h\"}",
                "{\"name\":\"Proxy-Authorization\",\"value\":\"…\"}",
            ),
            (
                "<td>X-Api-Key</td><td>ZQX6i</td>",
                "<td>X-Api-Key</td><td>…</td>",
            ),
            ("x-api-key\u{a0}: ZQX6j", "x-api-key\u{a0}: …"),
            // Names of credentials not matched before.
            ("Authentication: ZQX6k", "Authentication: …"),
            ("X-Credentials: user:ZQX6l", "X-Credentials: …"),
            ("X-Api-Keys: ZQX6m", "X-Api-Keys: …"),
            ("X-Passphrase: ZQX6n", "X-Passphrase: …"),
            ("X-Pwd: ZQX6o", "X-Pwd: …"),
            ("Cookie2: ZQX6p", "Cookie2: …"),
            ("X-Session-Id: ZQX6q", "X-Session-Id: …"),
            ("X-Hub-Signature-256: ZQX6r", "X-Hub-Signature-256: …"),
            // Other vendors' keys, and glue.
            (
                "use github_pat_ZQX6sabcdefghijklmnopqrstuvwxyz0123 now",
                "use github_pat_… now",
            ),
            ("use glpat-ZQX6tabcdefghijklmno now", "use glpat-… now"),
            ("use sk_live_ZQX6uabcdefghijklmnop now", "use sk_live_… now"),
            ("use xoxb-ZQX6v-1234567890-abc now", "use xoxb-… now"),
            (
                "use hf_ZQX6wabcdefghijklmnopqrstuvwxyzAB now",
                "use hf_… now",
            ),
            ("bearer=ZQX6x end", "bearer=… end"),
            ("Bearer,ZQX6y end", "Bearer,… end"),
            ("Bearer\u{2003}ZQX6z end", "Bearer\u{2003}… end"),
            ("\\x22sk-proj-ZQX6abcdefghijklmnopqrst", "\\x22sk-…"),
        ]);
    }

    #[test]
    fn headers_that_authenticate_under_other_words_name_secrets() {
        // Hostile run 69 D3: their values were not kept as the capture's credentials.
        for name in [
            "X-Honeycomb-Team",
            "Cf-Access-Jwt-Assertion",
            "X-Goog-Iap-Jwt-Assertion",
            "X-Jwt",
            "X-Amzn-Oidc-Data",
            "X-Ms-Client-Principal-Id",
            "X-Forwarded-Client-Cert",
            "X-SSL-Client-Cert",
        ] {
            assert!(names_a_secret(name.as_bytes()), "{name}");
        }
        for name in ["X-Request-Id", "Content-Type", "X-Team", "X-Certified"] {
            assert!(!names_a_secret(name.as_bytes()), "{name}");
        }
    }

    #[test]
    fn hostile_run_70s_shapes_lose_their_values() {
        assert_cut([
            // An unsecured JWT (`alg: none`, an empty signature), and one with a short one.
            (
                "session eyJhbGciOiJub25lIn0.eyJyb2xlIjoiYWRtaW4ifQ. expired",
                "session eyJ… expired",
            ),
            (
                "t=x eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.ab. Next",
                "t=x eyJ…. Next",
            ),
            // A key OpenAI quotes with its scheme or its header's name.
            (
                "Incorrect API key provided: Bearer qwertyuiopasdf. You can find",
                "Incorrect API key provided: Bearer … You can find",
            ),
            (
                "Invalid API key provided: x-api-key qwertyuiopasdf",
                "Invalid API key provided: x-api-key …",
            ),
            // `sk-` words of 20 characters in all.
            ("use sk-abcdefghijklmnopq now", "use sk-… now"),
            ("use sk-abcdefghijklmnop now", "use sk-abcdefghijklmnop now"),
        ]);
    }

    #[test]
    fn a_space_written_otherwise_parts_a_name_from_its_value_as_a_space_does() {
        // Hostile run 68 D4: each printed whole. Where the reading with plain spaces cuts,
        // its spaces are what is shown.
        let v = "Qz7d4xK9mP2vL8wR4nT0";
        assert_cut([
            (
                format!("Your API key\u{a0}{v} is invalid"),
                "Your API key … is invalid".to_string(),
            ),
            (format!("API key\u{a0}({v})"), "API key (…)".to_string()),
            (format!("API\u{a0}key: {v}"), "API key: …".to_string()),
            (format!("API key\u{202f}: {v}"), "API key : …".to_string()),
            (format!("Clé\u{a0}API: {v}"), "Clé API: …".to_string()),
            (
                format!("Clé\u{a0}d'API\u{a0}: {v}"),
                "Clé d'API : …".to_string(),
            ),
            (
                format!("Mot\u{a0}de\u{a0}passe: {v}"),
                "Mot de passe: …".to_string(),
            ),
            (
                format!("clave\u{a0}de\u{a0}API: {v}"),
                "clave de API: …".to_string(),
            ),
            (format!("api key\u{3000}{v}"), "api key …".to_string()),
            (format!("api key\u{2028}{v}"), "api key …".to_string()),
            (
                "pin\u{a0}4821 is wrong".to_string(),
                "pin … is wrong".to_string(),
            ),
            (format!("API\\u00a0key: {v}"), "API key: …".to_string()),
            (format!("API\\x20key {v}"), "API key …".to_string()),
            (format!("API+key:+{v}"), "API key: …".to_string()),
            (format!("API%C2%A0key: {v}"), "API key: …".to_string()),
            (
                format!("error=Invalid%20API%20key%20{v}"),
                "error=Invalid API key …".to_string(),
            ),
            (
                format!("msg=Mot+de+passe:+{v}"),
                "msg=Mot de passe: …".to_string(),
            ),
            (format!("API&ensp;key {v}"), "API key …".to_string()),
            (
                format!("<p>Cl&eacute;&nbsp;API&nbsp;: {v}</p>"),
                "<p>Clé API : …</p>".to_string(),
            ),
            (
                format!("msg=Clave+de+API+inv%C3%A1lida:+{v}"),
                "msg=Clave de API inválida: …".to_string(),
            ),
        ]);
    }

    #[test]
    fn a_space_written_otherwise_stays_as_written_where_nothing_more_is_cut() {
        assert_cut([
            ("Le modèle\u{a0}: gpt-4o", "Le modèle\u{a0}: gpt-4o"),
            ("max%20tokens+exceeded", "max%20tokens+exceeded"),
            // A key whose `+` would read as a space is cut whole by the first reading.
            (
                "use wJalrXUtnFEMI+K7MDENG+bPxRfiCYEXAMPLEKEY\u{a0}now",
                "use …\u{a0}now",
            ),
        ]);
    }

    #[test]
    fn the_seventh_runs_shapes_lose_their_values() {
        assert_cut([
            (
                // (`key` names a secret itself: its value goes too.)
                r#"{"key":"x-api-key","value":"Z7a"}"#,
                r#"{"key":"…","value":"…"}"#,
            ),
            (
                r#"{"header":"X-Api-Key","value":"Z7b"}"#,
                r#"{"header":"X-Api-Key","value":"…"}"#,
            ),
            (r#"[{"x-api-key", "Z7c"}]"#, r#"[{"x-api-key", "…"}]"#),
            (
                "<dt>X-Api-Key</dt><dd>Z7d</dd>",
                "<dt>X-Api-Key</dt><dd>…</dd>",
            ),
            ("Cookies: sid=Z7e", "Cookies: …"),
            ("curl -b 'sid=Z7f' https://x", "curl -b '…' https://x"),
            (
                "curl --cookie \"s=Z7g\" https://x",
                "curl --cookie \"…\" https://x",
            ),
            ("curl -u admin:Z7h https://x", "curl -u … https://x"),
            ("curl --user admin:Z7i https://x", "curl --user … https://x"),
            ("Bearer\\u0020Z7j end", "Bearer\\u0020… end"),
            ("Bearer\u{200b}Z7k end", "Bearer\u{200b}… end"),
            ("Bearer\u{ff1a}Z7l end", "Bearer\u{ff1a}… end"),
            (
                "Incorrect API key provided: 'Z7m'.",
                "Incorrect API key provided: '…'.",
            ),
            ("k rk_test_Z7nabcdefghijklmnopq e", "k rk_test_… e"),
            ("k whsec_Z7oabcdefghijklmnopqrstuvwxyz e", "k whsec_… e"),
            (
                "https://gw.example/v1\u{ff1f}q=Z7p",
                "https://gw.example/v1\u{ff1f}…",
            ),
            (
                "https://gw.example/cb%3Fq%3DZ7q",
                "https://gw.example/cb%3F…",
            ),
        ]);
        // A credential header's name paired with its value in other languages and tables.
        assert_cut([
            (
                r#"http.Header{"X-Api-Key": []string{"Z7r"}}"#,
                r#"http.Header{"X-Api-Key": []string{"…"}}"#,
            ),
            (
                r#"{<<"x-api-key">>, <<"Z7s">>}"#,
                r#"{<<"x-api-key">>, <<"…">>}"#,
            ),
            ("[(b'x-api-key', b'Z7t')]", "[(b'x-api-key', b'…')]"),
            ("| X-Api-Key | Z7u |", "| X-Api-Key | … |"),
            ("X-Api-Key,Z7v", "X-Api-Key,…"),
            ("X-Api-Key\tZ7w", "X-Api-Key\t…"),
            ("h=x-api-key%3A%20Z7x&y", "h=x-api-key%3A%20…&y"),
            (
                "redirect=https%3A%2F%2Fgw.example%2Fcb%3Fq%3DZ7z",
                "redirect=https%3A%2F%2Fgw.example%2Fcb%3F…",
            ),
        ]);
        // A provider's error code holding the words is no header (its line is suspect).
        let code = r#"{"code":"invalid_api_key","type":"xyz"}"#;
        assert_eq!(redacted(code), r#"{"code":"invalid_api_key","type":"…"}"#);
        // Flags that only look like curl's keep what follows.
        assert_eq!(redacted("x-b y"), "x-b y");
    }

    /// A whole HTTP message quoted in error text (a proxy that stores the raw response as
    /// the body, an exchange cut in the wrong place): its header values go, whatever the
    /// header, as they may say anything about the exchange.
    #[test]
    fn a_quoted_http_messages_header_values_go() {
        let text = "upstream died\n\r\nHTTP/2.0 200 OK\r\nRequest-Id: ZQX6h1\r\n\
                    Anthropic-Organization-Id: ZQX6h2\r\n\r\nevent: ping\ndata: {}\n";
        assert_eq!(
            redacted(text),
            "upstream died\n\r\nHTTP/2.0 200 OK\r\nRequest-Id: …\r\n\
             Anthropic-Organization-Id: …\r\n\r\nevent: ping\ndata: {}\n"
        );
        assert_eq!(
            redacted("POST /v1/messages HTTP/1.1\nHost: gw.example\n\nbody: kept"),
            "POST /v1/messages HTTP/1.1\nHost: …\n\nbody: kept"
        );
        // No start line, no head: a line with a colon is kept.
        assert_eq!(redacted("error: bad\nHost: x"), "error: bad\nHost: x");
        // However it is quoted (the seventh hostile run's shapes).
        assert_cut([
            (
                "said: HTTP/1.1 401 No\nX-Id: Z7a\n\nno",
                "said: HTTP/1.1 401 No\nX-Id: …\n\nno",
            ),
            (
                "> GET / HTTP/2\n> Host: Z7b\n>\n< HTTP/2 401\n< x-id: Z7c\n<\n",
                "> GET / HTTP/2\n> Host: …\n>\n< HTTP/2 401\n< x-id: …\n<\n",
            ),
            (
                "r: \"HTTP/1.1 401 No\\r\\nX-Id: Z7d\\r\\n\\r\\nno\"",
                "r: \"HTTP/1.1 401 No\\r\\nX-Id: …\\r\\n\\r\\nno\"",
            ),
            (
                "  HTTP/1.1 401 No\n  X-Id: Z7e\n",
                "  HTTP/1.1 401 No\n  X-Id: …\n",
            ),
            (
                "<pre>HTTP/1.1 502 Bad<br>X-Id: Z7f<br></pre>",
                "<pre>HTTP/1.1 502 Bad<br>X-Id: …<br></pre>",
            ),
            (
                "HTTP/1.1 401 No\nX-Id: abc\n  Z7g\n\nno",
                "HTTP/1.1 401 No\nX-Id: …\n  …\n\nno",
            ),
            (
                "HTTP/1.1 401 No\nX-Id\u{a0}: Z7h\n",
                "HTTP/1.1 401 No\nX-Id\u{a0}: …\n",
            ),
            (
                "HTTP/2 401\n:authority: Z7i\n",
                "HTTP/2 401\n:authority: …\n",
            ),
            (
                "post /v1 http/1.1\nX-Id: Z7j\n",
                "post /v1 http/1.1\nX-Id: …\n",
            ),
            (
                "HTTP/1.1 401 No\rX-Id: Z7k\r\rno",
                "HTTP/1.1 401 No\rX-Id: …\r\rno",
            ),
        ]);
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
        assert_kept(["at 10:30 @ noon", "10.0.0.1:443: refused", "a:b:c@"]);
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

    /// Text made of the pieces every rule looks for, glued at random, in every order: no
    /// cut may fall inside a character, and the text is read once.
    #[test]
    fn random_glue_of_rule_pieces_never_panics() {
        const PIECES: [&str; 46] = [
            "HTTP/1.1 401 No",
            "POST /v1 HTTP/1.1",
            "\n",
            "\r",
            "\\n",
            "\\r",
            "<br>",
            "</td><td>",
            "</dt><dd>",
            "X-Api-Key",
            "x-api-key:",
            ": ",
            ":",
            " : ",
            "\u{a0}",
            "\u{ff1a}",
            "\u{ff1f}",
            "\u{200b}",
            "é",
            "日本",
            "Bearer",
            "bearer=",
            "'",
            "\"",
            "\\\"",
            ",",
            "=>",
            "{",
            "[",
            "(",
            "-u ",
            "--cookie ",
            "https://",
            "/",
            "?",
            "%3F",
            "%3D",
            "sk-",
            "ghp_",
            "key=",
            "\\u002d",
            "%2D",
            "\"tokens\"",
            "\\",
            "`",
            "<b",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut text = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
                if seed & 0x100 != 0 {
                    text.push_str("Zq7");
                }
            }
            let _ = redacted(&text);
        }
    }

    #[test]
    fn a_keys_rest_glued_on_by_an_encoded_character_goes_with_it() {
        // Hostile run 11, D7: `.`, `~`, `+`, `/` and `!` written as a URL, JSON or HTML
        // writes them, and encoded twice.
        let key = format!("sk-ant-api03-{}", "A1b2C3d4".repeat(5));
        for glue in [
            "%2E", "%7E", "%2B", "%2F", "%21", "\\u002e", "\\u002f", "\\u007e", "&#46;", "&#x2F;",
            "&period;", "&sol;", "%252F", "%252e",
        ] {
            assert_cut([
                // The whole rest, however many parts it has.
                (
                    format!("for {key}{glue}ZQXSECRET42rest{glue}ZQXSECRET42more here"),
                    "for sk-… here",
                ),
                (
                    format!(
                        "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.Sfl8KxwRJSM{glue}ZQXSECRET42 ok"
                    ),
                    "token eyJ… ok",
                ),
            ]);
        }
        // An AWS secret key whose `/` is written so is one word all the same.
        let aws = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        assert_cut(["\\u002f", "&#x2F;", "&sol;", "%252F"].map(|glue| {
            (
                format!("stored {} ok", aws.replace('/', glue)),
                "stored … ok",
            )
        }));
        // An escape that glues nothing on stays, and so does prose's punctuation.
        assert_kept(["the sk-… key%2E", "100%2E5 and &period; and \\u002e alone"]);
    }

    #[test]
    fn text_without_secrets_is_kept_whole() {
        let text = "dial tcp 10.0.0.1:443: connect: connection refused — réessayez";
        assert_eq!(redacted(text), text);
        assert_eq!(redacted(""), "");
    }

    #[test]
    fn a_bearer_token_in_brackets_after_an_equals_sign_goes() {
        // Hostile run 12, D3: Spring's `HttpHeaders` print `Authorization=[Bearer …]`.
        assert_cut([
            (
                "Authorization=[Bearer zqxsecrethorsebatterystaple]",
                "Authorization=[…]",
            ),
            (
                "headers {Accept=[*/*], Authorization=[Bearer zqxsecrethorse], Host=[gw]}",
                "headers {Accept=[*/*], Authorization=[…], Host=[gw]}",
            ),
            ("Authorization=(Basic zqxsecrethorse)", "Authorization=(…)"),
            ("Authorization=Bearer zqxsecrethorse", "Authorization=…"),
        ]);
    }

    #[test]
    fn a_bearer_token_paired_with_its_header_name_goes_with_the_scheme() {
        // Hostile run 12, D6: PHP's and Guzzle's `=>`, and other pairs whose value is a
        // scheme and its credential.
        assert_cut([
            (
                r#""Authorization" => ["Bearer zqxsecrethorsebatterystaple"]"#,
                r#""Authorization" => ["…"]"#,
            ),
            (
                "'Authorization' => 'Bearer zqxsecrethorse'",
                "'Authorization' => '…'",
            ),
            (
                r#"{"Authorization": ["Bearer zqxsecrethorse"]}"#,
                r#"{"Authorization": ["…"]}"#,
            ),
            (
                "| Authorization | Bearer zqxsecrethorse |",
                "| Authorization | … |",
            ),
            (
                "Authorization => Bearer zqxsecrethorse",
                "Authorization => …",
            ),
        ]);
    }

    #[test]
    fn a_request_in_wire_form_after_markup_or_text_loses_its_header_values() {
        // Hostile run 12, D5: an HTML error page quoting the request in a `<pre>`.
        assert_cut([
            (
                "<html><body><pre>POST /v1/messages HTTP/1.1\nHost: gw.internal.example\n\
                 X-Custom-Thing: zqxsecrethorse\n\n{}</pre></body></html>",
                "<html><body><pre>POST /v1/messages HTTP/1.1\nHost: …\nX-Custom-Thing: …\n\n{}\
                 </pre></body></html>",
            ),
            (
                "&lt;pre&gt;POST /v1/messages HTTP/1.1\nX-Custom-Thing: zqxsecrethorse",
                "&lt;pre&gt;POST /v1/messages HTTP/1.1\nX-Custom-Thing: …",
            ),
            (
                "upstream: POST https://gw.example/v1 HTTP/1.1\nX-Custom-Thing: zqxsecrethorse",
                "upstream: POST https://gw.example/v1 HTTP/1.1\nX-Custom-Thing: …",
            ),
        ]);
        // A method in prose, or in small letters after other text, starts no request.
        assert_kept([
            "we post to /v1/messages over HTTP/1.1\nNote: zqxsecrethorse",
            "then: post /v1 HTTP/1.1\nNote: zqxsecrethorse",
        ]);
    }
}
