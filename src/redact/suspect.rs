//! The last look at error text, after [`super::redacted`]'s rules for the syntaxes a
//! credential is written in. Those rules chase syntaxes, and hostile runs kept finding more:
//! a value written before its name (`{"value":"…","name":"X-Api-Key"}`), a name spelled with
//! escapes (`X\u002dApi\u002dKey`), a value nested under its name
//! (`{"credentials":{"value":"…"}}`), a value on the line after its name, camelCase names
//! (`accessToken`), XML elements (`<SignatureProvided>`). So a line that still names a
//! credential, in whatever syntax, is suspect, and so are the lines [`NEAR`] it; on them
//! every word that may be a value goes:
//! - a quoted word (no white space inside) that is not a field's name (`"value":` stays);
//! - a word of 5 characters or more with a digit in it (keys, passwords, ids, dates,
//!   addresses), but for a URL's host and path;
//! - the word after a credential's name and a separator (`:`, `=`, a tab, `|`, an arrow,
//!   an assignment such as `+=`, a dash, an element's `>` or `]`, any of them written as
//!   an entity; `,` after a quoted name or in a CSV row), or after `Bearer` whatever
//!   stands between, here or on the next line, quoted text and all (markup tags and list
//!   bullets on the way are passed over);
//! - a word of 3 characters or more with a digit right after a credential's name and a
//!   space, or a linking word (`the pin is 8491`), unless it is one of the text's own
//!   numbers ([`OWN_NUMBERS`]: `401`, `3 retries`);
//! - in a word the syntax rules cut in part, what stands beside the cut, judged as a word.
//!
//! A word shorter than the cut (a byte or two) stays: it hides nothing, and cut, the text
//! would grow, and with it the memory a megabyte of one-letter words takes.
//!
//! Names and prose stay: `invalid x-api-key` and `Incorrect API key provided: …` read as
//! they did. What a suspect line loses besides is the price of not leaking: a model's name
//! or a request's id on the same line.

use std::collections::VecDeque;
use std::ops::Range;

use memchr::memmem;

use super::{CUT, entity_name, hex_escape, line_end};

/// How a credential's name is told in text (lowercase, `_` for `-` and between the words
/// of a camelCase name).
#[derive(Clone, Copy, PartialEq)]
enum Said {
    /// Anywhere: alone, as one of a compound's words (`x-api-key`, `client_secret`,
    /// `api_key_value`), or, five letters or more, at the end of a word run together
    /// (`clientsecret`, `X-CSRFToken`, `JSESSIONID`).
    Anywhere,
    /// As one of a compound's words (`x-auth-key`, `SignatureProvided`) anywhere; alone,
    /// only as a field's name (`"key":`, `<Key>`): in prose (`a key`) it says nothing.
    Compound,
    /// Only alone as a field's name: `"tokens": […]`, but `max_tokens` is a count (so
    /// the compounds that name credentials are named: `api_tokens`, `auth_tokens`…).
    Field,
}

const NAMES: [(&str, Said); 57] = [
    ("authorization", Said::Anywhere),
    ("authorisation", Said::Anywhere),
    ("authentication", Said::Anywhere),
    ("api_key", Said::Anywhere),
    ("api_keys", Said::Anywhere),
    ("apikey", Said::Anywhere),
    ("apikeys", Said::Anywhere),
    ("cookie", Said::Anywhere),
    ("cookies", Said::Anywhere),
    ("password", Said::Anywhere),
    ("passwords", Said::Anywhere),
    ("passwd", Said::Anywhere),
    ("passphrase", Said::Anywhere),
    ("secret", Said::Anywhere),
    ("secrets", Said::Anywhere),
    ("credential", Said::Anywhere),
    ("credentials", Said::Anywhere),
    ("creds", Said::Anywhere),
    ("client_assertion", Said::Anywhere),
    ("passcode", Said::Anywhere),
    ("sessionid", Said::Anywhere),
    ("session_id", Said::Anywhere),
    ("sessid", Said::Anywhere),
    // AWS's load balancers' sticky-session cookies.
    ("awsalb", Said::Anywhere),
    ("awsalbcors", Said::Anywhere),
    ("token", Said::Anywhere),
    ("access_tokens", Said::Anywhere),
    ("refresh_tokens", Said::Anywhere),
    ("api_tokens", Said::Anywhere),
    ("auth_tokens", Said::Anywhere),
    ("id_tokens", Said::Anywhere),
    ("session_tokens", Said::Anywhere),
    ("oauth_tokens", Said::Anywhere),
    ("bearer", Said::Anywhere),
    // Identity assertions and client certificates proxies pass on (Cloudflare Access's
    // `Cf-Access-Jwt-Assertion`, Google IAP's, AWS ALB's `X-Amzn-Oidc-Data`, Azure's
    // `X-Ms-Client-Principal`, `X-Forwarded-Client-Cert`: hostile run 69).
    ("jwt", Said::Anywhere),
    ("client_cert", Said::Anywhere),
    ("client_principal", Said::Anywhere),
    ("oidc", Said::Compound),
    ("csrf", Said::Anywhere),
    ("xsrf", Said::Anywhere),
    ("key", Said::Compound),
    ("keys", Said::Compound),
    ("signature", Said::Compound),
    ("sig", Said::Compound),
    ("auth", Said::Compound),
    ("pass", Said::Compound),
    ("pwd", Said::Compound),
    ("pw", Said::Compound),
    ("pin", Said::Compound),
    ("otp", Said::Compound),
    ("sid", Said::Compound),
    ("session", Said::Compound),
    ("sess", Said::Compound),
    ("cred", Said::Compound),
    ("hmac", Said::Compound),
    ("refresh", Said::Compound),
    ("tokens", Said::Field),
];

/// The names that say a value is a credential wherever a name stands alone (a header's, a
/// parameter's): every name but those said only as a field (`tokens`: a header
/// `x-ratelimit-remaining-tokens` counts tokens).
pub(super) fn secret_names() -> impl Iterator<Item = &'static str> {
    (NAMES.iter())
        .filter(|(_, said)| *said != Said::Field)
        .map(|(name, _)| *name)
}

/// The shortest word holding a digit that a suspect line loses (`hunter2`, `Zq8x7`): a
/// status (`401`) and a version (`v1`) stay.
const SECRET_MIN: usize = 5;

/// Words that, right after a number, say it is the text's own, not a value: a count, a
/// time, a size (`3 retries`, `30 seconds`), an HTTP status's reason (`401 Unauthorized`).
/// A number of three digits from 100 to 599 is taken for a status whatever follows it.
const OWN_NUMBERS: [&str; 32] = [
    "retries",
    "retry",
    "tries",
    "attempts",
    "attempt",
    "times",
    "seconds",
    "second",
    "secs",
    "sec",
    "s",
    "ms",
    "minutes",
    "minute",
    "mins",
    "min",
    "hours",
    "hour",
    "h",
    "days",
    "day",
    "characters",
    "chars",
    "bytes",
    "digits",
    "requests",
    "errors",
    "items",
    "more",
    "left",
    "unauthorized",
    "forbidden",
];

/// Words that may stand between a credential's name and its value in prose: `the password
/// is 8491`, `pin was 1234`.
const LINKS: [&str; 7] = ["is", "was", "are", "were", "be", "now", "equals"];

/// How many lines either side of a line naming a credential are suspect with it: a JSON
/// object or an XML element written a field a line, a YAML value under a comment, an HTML
/// table's cells, put a value a few lines from its name.
const NEAR: usize = 3;

/// The longest identifier that is looked up as a name; a longer one is no name.
const LONGEST: usize = 256;

/// How many bytes of white space and quotes may stand between a name and its separator.
const SEPARATOR_REACH: usize = 64;

/// The length of the shortest of [`NAMES`]: a shorter identifier is none.
const SHORTEST_NAME: usize = {
    let mut shortest = usize::MAX;
    let mut i = 0;
    while i < NAMES.len() {
        if NAMES[i].0.len() < shortest {
            shortest = NAMES[i].0.len();
        }
        i += 1;
    }
    shortest
};

/// `text` with the suspect lines' possible values cut; `text` itself when no line is
/// suspect. A line is suspect when it names a credential, or one [`NEAR`] it does: a JSON
/// object written one field a line may give the value lines before its name
/// (`"value": "…",` then `"name": "X-Api-Key"`), or after. A line also names one where a
/// cut the syntax rules made took a name away (`named`, where those cuts stand in `text`):
/// a quoted HTTP message's `X-Error: invalid api key` loses its value, and the value in
/// the body below must still go.
pub(super) fn cleared(text: String, named: &[usize]) -> String {
    let mut writer = Writer {
        text: &text,
        out: None,
        copied: 0,
        armed: false,
    };
    // The lines read but not yet written, and whether each is suspect so far: a line's
    // verdict is known once NEAR more lines are read, so a text of millions of lines holds
    // no more than a few.
    let mut pending: VecDeque<(Range<usize>, bool)> = VecDeque::with_capacity(NEAR + 1);
    // How many lines from here on are suspect, after the last line naming a credential.
    let mut after = 0;
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut folded = Vec::new();
    // How many of the `named` cuts are on lines read.
    let mut cuts = 0;
    loop {
        let (end, gap) = line_end(bytes, start);
        let line = &bytes[start..end];
        // A line where the rules before cut a credential's name away with its value.
        let mut cut_a_name = false;
        while named.get(cuts).is_some_and(|&at| at < end) {
            cut_a_name = true;
            cuts += 1;
        }
        if cut_a_name || names_one(line, &mut folded) {
            pending.iter_mut().for_each(|(_, suspect)| *suspect = true);
            after = NEAR + 1;
        }
        pending.push_back((start..end, after > 0));
        after = after.saturating_sub(1);
        if pending.len() > NEAR {
            if let Some((line, suspect)) = pending.pop_front() {
                writer.line(line, suspect);
            }
        }
        if end == bytes.len() {
            break;
        }
        start = end + gap;
    }
    for (line, suspect) in pending {
        writer.line(line, suspect);
    }
    match writer.out {
        Some(mut out) => {
            out.push_str(&text[writer.copied..]);
            out
        }
        None => text,
    }
}

/// Writes the text's lines out in order, suspect ones rewritten; nothing at all until the
/// first suspect line.
struct Writer<'a> {
    text: &'a str,
    out: Option<String>,
    /// How much of the text is in `out`.
    copied: usize,
    /// Whether the last line written ended with a credential's name and a separator.
    armed: bool,
}

impl Writer<'_> {
    fn line(&mut self, line: Range<usize>, suspect: bool) {
        if !(suspect || self.armed) {
            return;
        }
        let text = self.text;
        let out = self
            .out
            .get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(&text[self.copied..line.start]);
        // What the line break is: an HTML `<br>` after a name parts it from its value.
        let next = &text.as_bytes()[line.end..];
        let next = &next[..next.len().min(SEPARATOR_REACH)];
        self.armed = rewrite(&text[line.clone()], next, self.armed, out);
        self.copied = line.end;
    }
}

/// Two words that name a credential in prose as their joined form does (`Your API key …
/// has been revoked`, `invalid access key`), where the second alone says nothing (`a key`).
/// The pairs whose second word names a credential alone (`access token`, `client secret`,
/// `auth token`) need no entry.
const TWO_WORDS: [(&str, &str); 8] = [
    ("api", "key"),
    ("api", "keys"),
    ("access", "key"),
    ("private", "key"),
    ("subscription", "key"),
    ("signing", "key"),
    ("account", "key"),
    ("session", "id"),
];

/// Whether `text` names a credential, as a line that makes itself and the lines near it
/// suspect does. `folded` is room for [`names_one_localized`].
pub(super) fn names_one(text: &[u8], folded: &mut Vec<u8>) -> bool {
    names_credential(text) || names_one_localized(text, folded) || sets_a_cookie(text)
}

/// Whether `line` names a credential as [`NAMES`] and [`TWO_WORDS`] say.
fn names_credential(line: &[u8]) -> bool {
    let mut i = 0;
    // The word before, when only spaces stand between it and the next: the first of a
    // pair of [`TWO_WORDS`], perhaps.
    let mut before: &[u8] = b"";
    while let Some(word) = next_word(line, i, false) {
        let text = &line[word.text.clone()];
        let spaced = word.start > i && line[i..word.start].iter().all(|&b| b == b' ');
        let second = text.strip_suffix(b".").unwrap_or(text);
        if spaced
            && TWO_WORDS.iter().any(|(first, then)| {
                before.eq_ignore_ascii_case(first.as_bytes())
                    && second.eq_ignore_ascii_case(then.as_bytes())
            })
        {
            return true;
        }
        before = if word.quoted { b"" } else { text };
        // A field's name: quoted, before a colon or an equals sign, or a row's cell (a
        // tab, a `|`, a comma after it).
        let field = word.quoted
            || matches!(
                separator(line, &word),
                Some(b':' | b'=' | b'\t' | b'|' | b',')
            );
        let mut said = false;
        identifiers(&line[word.text.clone()], |ident, whole| {
            said |= match told(ident, true) {
                Some(Said::Anywhere) => true,
                // `the pin is 84912035`: a number after it makes a name of it in prose too.
                Some(Said::Compound) => whole && (field || number_after(line, word.end)),
                Some(Said::Field) => whole && field,
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

/// What follows a cookie's value where a server sets it (`sid=…; Path=/; HttpOnly`).
const COOKIE_ATTRIBUTES: [&str; 7] = [
    "path=",
    "domain=",
    "expires=",
    "max-age=",
    "samesite=",
    "httponly",
    "secure",
];

/// Whether `word` is the name of a cookie `line` sets (`pref=<value>; Path=/`): a name
/// whatever it says, as its value is a credential (hostile run 56), unless it is an
/// attribute's. `ahead` finds the `;` and the blank after its value, each once for a
/// stretch of the line, so that a line of many `=` is read in linear time.
fn names_a_cookie_set(line: &[u8], word: &Word, ahead: &mut [Ahead; 2]) -> bool {
    if line.get(word.end) != Some(&b'=') || word.quoted {
        return false;
    }
    let value = word.end + 1;
    let semi = ahead[0].from(line, value, |b| b == b';');
    let blank = ahead[1].from(line, value, |b| matches!(b, b' ' | b'\t'));
    let name = &line[word.text.clone()];
    semi > value
        && semi < blank.min(line.len())
        && sets_a_cookie(&line[semi..line.len().min(semi + 32)])
        && !COOKIE_ATTRIBUTES.iter().any(|a| {
            a.trim_end_matches('=')
                .as_bytes()
                .eq_ignore_ascii_case(name)
        })
}

/// Where the next byte of a kind stands in a line, from a place that only moves on: found
/// again only once passed.
#[derive(Default)]
struct Ahead(Option<usize>);

impl Ahead {
    /// The first byte at or after `from` that `kind` takes, or the line's end.
    fn from(&mut self, line: &[u8], from: usize, kind: fn(u8) -> bool) -> usize {
        match self.0 {
            Some(at) if at >= from => at,
            _ => {
                let at = from
                    + line[from.min(line.len())..]
                        .iter()
                        .position(|&b| kind(b))
                        .unwrap_or(line.len().saturating_sub(from));
                self.0 = Some(at);
                at
            }
        }
    }
}

/// Whether `line` sets a cookie: its value is a credential whatever the cookie's name
/// (`connect.sid`, `_gh_sess`, a framework's own), and the attributes after it tell it.
fn sets_a_cookie(line: &[u8]) -> bool {
    memchr::memchr_iter(b';', line).any(|at| {
        let rest = &line[at + 1..];
        let rest = &rest[rest.iter().take_while(|&&b| b == b' ').count()..];
        COOKIE_ATTRIBUTES.iter().any(|attribute| {
            let named = rest
                .get(..attribute.len())
                .is_some_and(|word| word.eq_ignore_ascii_case(attribute.as_bytes()));
            // `; secure` ends there (not `; securely`); `path=` ends with its `=`.
            named
                && (attribute.ends_with('=')
                    || !rest
                        .get(attribute.len())
                        .is_some_and(u8::is_ascii_alphanumeric))
        })
    })
}

/// How a credential's name in another language is told: localized gateways and SDKs
/// write them (one-api's `无效的令牌`, `Clé API invalide`, `API-Schlüssel ungültig`).
/// Matched folded ([`fold`]); a name spelled to evade (letters of another script inside
/// an English name) is still none.
#[derive(Clone, Copy, PartialEq)]
enum Local {
    /// A word of its own, as `password` and `token` are.
    Word,
    /// A word, or the end of one run together (German `Zugangspasswort`).
    Ends,
    /// A word for key: a name next to `API` (`clé API`, `clave de API`, `API-Schlüssel`,
    /// `APIキー`) or as a field's name (`Clé :`), as English `key` is.
    Key,
    /// Written without spaces (Chinese, Japanese, Korean): a name anywhere in a run.
    Run,
    /// A word for token that also counts an LLM's tokens (`128000 トークン`, `130542
    /// jetons`), as English `tokens` does: a name only with a word saying which token
    /// before or after it ([`TOKEN_QUALIFIED`]: `アクセストークン`, `jetons d'accès`), or
    /// as a field's name (`トークン: …`), as `tokens` is.
    Count,
}

/// The localized names, folded ([`fold`]): French, German, Spanish, Portuguese, Japanese,
/// Chinese, Korean words for a password, a token, a secret key, or a key.
const LOCALIZED: &[(&str, Local)] = &[
    ("mot de passe", Local::Word),
    ("mots de passe", Local::Word),
    ("jeton", Local::Word),
    ("jetons", Local::Count),
    ("contraseña", Local::Word),
    ("contraseñas", Local::Word),
    ("senha", Local::Word),
    ("senhas", Local::Word),
    ("palavra-passe", Local::Word),
    // Secret and access keys, as English `secret key` and `access key` are names.
    ("clé secrète", Local::Word),
    ("clés secrètes", Local::Word),
    ("clé d'accès", Local::Word),
    ("clé d\u{2019}accès", Local::Word),
    ("clés d'accès", Local::Word),
    ("clés d\u{2019}accès", Local::Word),
    ("clave secreta", Local::Word),
    ("claves secretas", Local::Word),
    ("clave de acceso", Local::Word),
    ("claves de acceso", Local::Word),
    ("chave secreta", Local::Word),
    ("chaves secretas", Local::Word),
    ("chave de acesso", Local::Word),
    ("chaves de acesso", Local::Word),
    ("passwort", Local::Ends),
    ("passwörter", Local::Ends),
    ("kennwort", Local::Ends),
    ("kennwörter", Local::Ends),
    ("clé", Local::Key),
    ("clés", Local::Key),
    ("clef", Local::Key),
    ("clave", Local::Key),
    ("chave", Local::Key),
    ("schlüssel", Local::Key),
    ("キー", Local::Key),
    ("키", Local::Key),
    ("令牌", Local::Run),
    ("密钥", Local::Run),
    ("秘钥", Local::Run),
    ("密鑰", Local::Run),
    ("金鑰", Local::Run),
    ("密码", Local::Run),
    ("密碼", Local::Run),
    ("口令", Local::Run),
    ("トークン", Local::Count),
    ("アクセスキー", Local::Run),
    ("認証キー", Local::Run),
    ("액세스 키", Local::Run),
    ("액세스키", Local::Run),
    ("인증키", Local::Run),
    ("인증 키", Local::Run),
    ("서비스키", Local::Run),
    ("서비스 키", Local::Run),
    // Traditional Chinese token: zh-TW writes it for an LLM's tokens too (每分鐘權杖數).
    ("權杖", Local::Count),
    ("パスワード", Local::Run),
    ("シークレット", Local::Run),
    ("토큰", Local::Count),
    ("비밀번호", Local::Run),
    // Hostile run 60: more everyday words.
    ("패스워드", Local::Run),
    ("암호", Local::Run),
    ("パスコード", Local::Run),
    ("zugriffsschlüssel", Local::Ends),
    ("abonnementschlüssel", Local::Ends),
];

/// What makes a [`Local::Count`] word a credential's name (folded), before it (a space, a
/// dash, an underscore or `・` perhaps between) or after it: an access, API, refresh or
/// session token, or one said to be invalid or expired.
const TOKEN_QUALIFIED: ([&str; 24], [&str; 17]) = (
    [
        "api",
        "bearer",
        "oauth",
        "アクセス",
        "リフレッシュ",
        "認証",
        "ベアラー",
        "セッション",
        "無効な",
        "不正な",
        "액세스",
        "접근",
        "인증",
        "리프레시",
        "세션",
        "잘못된",
        "유효하지 않은",
        "만료된",
        "personnel",
        "個人用",
        "存取",
        "無效的",
        "無效",
        "驗證",
    ],
    [
        " d'accès",
        " d\u{2019}accès",
        " d'authentification",
        " d\u{2019}authentification",
        " d'api",
        " d\u{2019}api",
        " api",
        " oauth",
        "が無効",
        "は無効",
        "が不正",
        "の有効期限",
        "이 유효하지",
        "이 만료",
        "無效",
        "已過期",
        "錯誤",
    ],
);

/// Whether a [`Local::Count`] word between `before` and `after` (folded) is qualified
/// ([`TOKEN_QUALIFIED`]). Each side is compared with a few short words only.
fn token_qualified(before: &[u8], after: &[u8]) -> bool {
    let before = match before {
        [rest @ .., b' ' | b'-' | b'_'] => rest,
        _ => before.strip_suffix("・".as_bytes()).unwrap_or(before),
    };
    TOKEN_QUALIFIED.0.iter().any(|q| {
        before.strip_suffix(q.as_bytes()).is_some_and(|rest| {
            // `api` as a word of its own, or glued to kana or kanji (`無効なapi`).
            !q.is_ascii() || !latin_letter_ends(rest)
        })
    }) || TOKEN_QUALIFIED
        .1
        .iter()
        .any(|q| after.starts_with(q.as_bytes()))
}

/// What may stand between a word for key and `API` after it: `clé API`, `clé d'API`,
/// `clave de API`, `chave da API`.
const KEY_THEN_API: [&str; 12] = [
    " ",
    "-",
    " de ",
    " d'",
    " d\u{2019}",
    " de l'",
    " de l\u{2019}",
    " de la ",
    " del ",
    " da ",
    " do ",
    " para ",
];

/// `bytes` folded for [`LOCALIZED`] in place, byte for byte (so offsets are the text's):
/// ASCII letters and Latin-1's capitals (`É`, `Ü`, `Ñ`) made small.
fn fold(bytes: &mut [u8]) {
    let mut latin = false;
    for b in bytes {
        match *b {
            b'A'..=b'Z' => *b += 32,
            // A Latin-1 capital's second byte, but for `×`.
            0x80..=0x9E if latin && *b != 0x97 => *b += 32,
            _ => {}
        }
        latin = *b == 0xC3;
    }
}

/// The character `text` ends with, if its last bytes are one.
fn last_char(text: &[u8]) -> Option<char> {
    let start = (text.len().saturating_sub(4)..text.len())
        .find(|&i| text[i] & 0xC0 != 0x80)
        .unwrap_or(text.len());
    std::str::from_utf8(&text[start..])
        .ok()?
        .chars()
        .next_back()
}

/// Whether the character `text` ends with is a letter or a digit.
fn letter_ends(text: &[u8]) -> bool {
    last_char(text).is_some_and(char::is_alphanumeric)
}

/// Whether the character `text` ends with is a letter or a digit of a script written with
/// spaces between words: not kana, kanji or Hangul, which run on without them.
fn latin_letter_ends(text: &[u8]) -> bool {
    last_char(text).is_some_and(|c| c.is_alphanumeric() && c < '\u{2E80}')
}

/// Whether the character `text` starts with is a letter or a digit.
fn letter_starts(text: &[u8]) -> bool {
    let head = &text[..text.len().min(4)];
    let valid = match std::str::from_utf8(head) {
        Ok(head) => head,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
    };
    valid.chars().next().is_some_and(char::is_alphanumeric)
}

/// Whether `API` ends `before` (folded) as a word of its own (or glued to kana, kanji or
/// Hangul before it), perhaps with a space, a
/// dash or an underscore after it (`API-Schlüssel`, `APIキー`, `API 키`).
fn api_before(before: &[u8]) -> bool {
    let before = match before {
        [rest @ .., b' ' | b'-' | b'_'] => rest,
        _ => before,
    };
    // Kana, kanji and Hangul run on without spaces: `無効なAPIキー`, `このAPIキー`.
    before
        .strip_suffix(b"api")
        .is_some_and(|rest| !latin_letter_ends(rest))
}

/// Whether `API` starts `after` (folded) as a word of its own, after what may stand
/// between ([`KEY_THEN_API`]).
fn api_after(after: &[u8]) -> bool {
    KEY_THEN_API.iter().any(|between| {
        after
            .strip_prefix(between.as_bytes())
            .and_then(|rest| rest.strip_prefix(b"api"))
            .is_some_and(|rest| !letter_starts(rest))
    })
}

/// Whether `before` ends with a word for key ([`Local::Key`]) and what may stand between it
/// and `API` ([`KEY_THEN_API`]).
fn key_before_api(before: &[u8]) -> bool {
    let mut folded = [0u8; 24];
    let from = before.len().saturating_sub(folded.len());
    let folded = &mut folded[..before.len() - from];
    folded.copy_from_slice(&before[from..]);
    fold(folded);
    let folded = &*folded;
    KEY_THEN_API.iter().any(|between| {
        folded.strip_suffix(between.as_bytes()).is_some_and(|rest| {
            LOCALIZED.iter().any(|&(name, local)| {
                local == Local::Key
                    && rest
                        .strip_suffix(name.as_bytes())
                        .is_some_and(|rest| !letter_ends(rest))
            })
        })
    })
}

/// Whether `line` names a credential in another language ([`LOCALIZED`]). `folded` is
/// room for the line folded; each name is looked for in one pass over it.
fn names_one_localized(line: &[u8], folded: &mut Vec<u8>) -> bool {
    let ascii = line.is_ascii();
    folded.clear();
    folded.extend_from_slice(line);
    fold(folded);
    let folded = &folded[..];
    LOCALIZED.iter().any(|&(name, local)| {
        let name = name.as_bytes();
        if ascii && !name.is_ascii() {
            return false;
        }
        memmem::find_iter(folded, name).any(|at| {
            let (before, after) = (&folded[..at], &folded[at + name.len()..]);
            let word = !letter_ends(before) && !letter_starts(after);
            match local {
                Local::Word => word,
                Local::Ends => !letter_starts(after),
                // Kana and Hangul stand in a run without spaces.
                Local::Key => {
                    (word || !name.is_ascii() && name[0] >= 0xE0)
                        && (api_before(before)
                            || api_after(after)
                            || matches!(separator_after(line, at + name.len()), Some(b':' | b'=')))
                }
                Local::Run => true,
                Local::Count => {
                    (word || !name.is_ascii())
                        && (token_qualified(before, after)
                            || matches!(separator_after(line, at + name.len()), Some(b':' | b'=')))
                }
            }
        })
    })
}

/// Whether `word` of `line` is a credential's name in another language ([`LOCALIZED`]),
/// as [`is_whole_name`] tells an English one: the whole word, the end of a German word run
/// together, the end of a run without spaces, or `passe` after `mot de`.
fn is_localized_name(line: &[u8], word: &Word) -> bool {
    let text = &line[word.text.clone()];
    let text = text.strip_suffix(b".").unwrap_or(text);
    if text.len() > LONGEST {
        return false;
    }
    // `API` after a word for key (`clé API`, `clave de API`) ends the name, as `passe`
    // ends `mot de passe`: the value is what follows it (hostile run 56).
    if text.eq_ignore_ascii_case(b"api") {
        return key_before_api(&line[..word.start]);
    }
    let mut folded = [0u8; LONGEST];
    let folded = &mut folded[..text.len()];
    folded.copy_from_slice(text);
    fold(folded);
    let folded = &*folded;
    LOCALIZED.iter().any(|&(name, local)| {
        let name = name.as_bytes();
        match local {
            Local::Word if name.contains(&b' ') => {
                // Its last word (`passe`, `secrète`, `accès`), after the others.
                let start = [&b" "[..], b"'", "\u{2019}".as_bytes()]
                    .iter()
                    .filter_map(|sep| memmem::rfind(name, sep).map(|at| at + sep.len()))
                    .max()
                    .unwrap_or(0);
                let (others, last) = name.split_at(start);
                folded == last && {
                    let mut before = [0u8; 16];
                    let from = word.start.saturating_sub(before.len());
                    let before = &mut before[..word.start - from];
                    before.copy_from_slice(&line[from..word.start]);
                    fold(before);
                    before.ends_with(others)
                }
            }
            Local::Word => folded == name,
            // `API-Schlüssel`, `APIキー`, as `x-api-key` is.
            Local::Key => folded
                .strip_suffix(name)
                .is_some_and(|rest| rest.is_empty() || api_before(rest)),
            Local::Ends | Local::Run => folded.ends_with(name),
            Local::Count => {
                folded.strip_suffix(name).is_some_and(|rest| {
                    if !name.is_ascii() || rest.is_empty() {
                        // The word's own letters before it (`アクセストークン`), or the
                        // words before it (`アクセス トークン`), folded.
                        let mut before = [0u8; 32];
                        let before = match rest.len() {
                            0 => {
                                let from = word.start.saturating_sub(before.len());
                                let before = &mut before[..word.start - from];
                                before.copy_from_slice(&line[from..word.start]);
                                fold(before);
                                &*before
                            }
                            _ => &rest[rest.len().saturating_sub(before.len())..],
                        };
                        let mut after = [0u8; 32];
                        let tail = &line[word.end..line.len().min(word.end + after.len())];
                        let after = &mut after[..tail.len()];
                        after.copy_from_slice(tail);
                        fold(after);
                        token_qualified(before, after)
                            || matches!(separator(line, word), Some(b':' | b'='))
                    } else {
                        false
                    }
                })
            }
        }
    })
}

/// Writes `line` to `out` with its possible values cut; whether the line ends armed (a
/// credential's name and a separator with no value after them yet). `next` is what
/// follows the line, its line break first, looked at only for a tag there.
fn rewrite(line: &str, next: &[u8], mut armed: bool, out: &mut String) -> bool {
    let bytes = line.as_bytes();
    let mut i = 0;
    // After a credential's name and a space (and perhaps a word such as `is`): 2 right
    // after the name, 1 after the linking word. A word holding a digit there is a value
    // (`the password is 8491`, `pin ab12`), but for a number that is the text's own.
    let mut near = 0u8;
    // Right after a credential's name with no separator: a word alone in brackets there is
    // a value (`invalid api key (…)`).
    let mut named = false;
    let mut ahead = <[Ahead; 2]>::default();
    while let Some(word) = next_word(bytes, i, armed) {
        let spaced = line[i..word.start].bytes().all(|b| b == b' ');
        let near_here = std::mem::take(&mut near) * u8::from(spaced);
        let bracketed = std::mem::take(&mut named) && bracketed(bytes, i, &word);
        out.push_str(&line[i..word.start]);
        let text = &bytes[word.text.clone()];
        let separator = separator(bytes, &word);
        // A URL's host and path say where a call went; its query and user info went
        // already.
        let url = text.starts_with(b"//") && line[..word.start].ends_with(':');
        let secret_like = !url && is_secret_like(text);
        let field = matches!(separator, Some(b':' | b'='));
        // Where a value is due, a word spelling a name and a number is one; so is a name
        // with two digits or more run onto it anywhere (`Password123`, `Secret2024`). A
        // name's own number stands apart (`Signature-256`) or is one digit (`Cookie2`).
        let digits = text.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        let spelled = digits >= 2
            && text
                .len()
                .checked_sub(digits + 1)
                .is_some_and(|at| text[at].is_ascii_alphabetic());
        let paired = matches!(separator, Some(b':' | b'=' | b'\t' | b'|'));
        // Before a separator, with no value due, it is a name of its own
        // (`password12\t…`).
        let spelled = spelled && (armed || !paired);
        let due = near_here > 0
            && !armed
            && text.iter().any(u8::is_ascii_digit)
            && !own_number(bytes, &word);
        // The text of an element an attribute names (`<entry key="password">…`).
        let element = named_by_attribute(bytes, &word);
        let a_value = spelled || armed && secret_like || due || bracketed || element;
        if near_here == 2
            && !armed
            && LINKS
                .iter()
                .any(|l| text.eq_ignore_ascii_case(l.as_bytes()))
        {
            near = 1;
            out.push_str(&line[word.start..word.end]);
        } else if !a_value
            && (is_whole_name(text, paired && !armed)
                || is_localized_name(bytes, &word)
                || names_a_cookie_set(bytes, &word, &mut ahead))
        {
            // A name; where a value is due, only one that is no other word run together
            // with a name (`X-Api-Key: supersecret`). After an authorization scheme comes
            // the credential, whatever stands between (`Bearer <code>…`, a line break).
            // A comma pairs a quoted name or a CSV cell (`session,…`) with its value, not
            // one in prose (`the session, then`).
            let scheme = text.eq_ignore_ascii_case(b"bearer");
            let cell = bytes.get(word.end) == Some(&b',')
                && bytes
                    .get(word.end + 1)
                    .is_some_and(|b| !b.is_ascii_whitespace());
            // A tag closing or opening right after the name parts it from its value as a
            // colon does (`password<br>…`, `<b>password</b> …`, `<li>token</li><li>…`;
            // hostile run 59), where a plain space would not.
            let last = bytes[word.end..].iter().all(|&b| b == b' ');
            let tagged =
                separator.is_none() && (tag_after(bytes, word.end) || last && tag_after(next, 0));
            armed = scheme || tagged || separator.is_some_and(|s| s != b',' || word.quoted || cell);
            near = if armed || separator.is_some() { 0 } else { 2 };
            named = !armed;
            out.push_str(&line[word.start..word.end]);
        } else if text.len() < CUT.len() {
            // Shorter than a cut: it hides nothing, and the text would grow.
            out.push_str(&line[word.start..word.end]);
        } else if !(armed || word.quoted) && memmem::find(text, CUT.as_bytes()).is_some() {
            // A word the syntax rules cut in part (`sk.….<secret>`, `%3D…%2B<rest>`, a
            // JWE's fourth part): what stands beside a cut is judged as a word would be.
            for (n, part) in line[word.text.clone()].split(CUT).enumerate() {
                if n > 0 {
                    out.push_str(CUT);
                }
                if url || !is_secret_like(part.as_bytes()) {
                    out.push_str(part);
                }
            }
        } else if !(secret_like || due || bracketed || element)
            && (field
                || matches!(bytes.get(word.end), Some(b'{' | b'('))
                || bytes.get(word.end) == Some(&b'[') && bytes.get(word.end + 1) != Some(&b'/')
                || matches!(text, b"b" | b"r" | b"u" | b"f" | b"br" | b"rb")
                    && matches!(bytes.get(word.end), Some(b'"' | b'\''))
                || in_tag(bytes, &word)
                || text.starts_with(b"!!")
                || text.iter().all(|&b| b == b'-' || b == b'*'))
        {
            // A field's name, a type's (`[]string{…}`), a string's prefix (`b'…'`), a
            // markup tag's (`<code>`, `</b>`), a YAML tag (`!!str`), a list's bullet
            // (`- …`): the value is what follows it.
            out.push_str(&line[word.start..word.end]);
        } else if armed || word.quoted || secret_like || due || bracketed || element {
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

/// Words that in brackets after a credential's name say something of it, not what it is:
/// its state (`api key (expired)`), or its type in a signature (`api_key (str)`).
const BRACKETED_PROSE: [&str; 28] = [
    "optional",
    "required",
    "redacted",
    "hidden",
    "masked",
    "omitted",
    "removed",
    "missing",
    "invalid",
    "expired",
    "revoked",
    "disabled",
    "empty",
    "none",
    "null",
    "nil",
    "unset",
    "default",
    "deprecated",
    "truncated",
    "sensitive",
    "str",
    "string",
    "bytes",
    "int",
    "bool",
    "object",
    "array",
];

/// Markup tags of three letters or more that may stand after a name in `<…>` or `[…]`
/// with nothing run on after them (`x-api-key <code>`, then the value on the next line).
const MARKUP_TAGS: [&str; 20] = [
    "code", "pre", "kbd", "samp", "var", "mark", "span", "div", "strong", "small", "sub", "sup",
    "cite", "quote", "url", "img", "font", "color", "table", "details",
];

/// Whether `word`, after a credential's name ending at `from`, stands alone in brackets
/// ([`BRACKETS`]: `(…)`, `[…]`, `<…>`, `{…}`, `（…）`, `【…】`, `＜…＞`), spaces perhaps before
/// and inside them: a value, as a quoted word is
/// (`invalid api key (…)`, `the access token (…) has expired`), though a word of letters
/// after a plain space is prose. A markup tag ([`MARKUP_TAGS`], `</b>`, any tag with text
/// run on after it: `<b>…`) or a link's text (`[token](…)`) is none, nor is a word of
/// [`BRACKETED_PROSE`] or a name (`(token)`).
fn bracketed(line: &[u8], from: usize, word: &Word) -> bool {
    let gap = &line[from..word.start];
    let gap = &gap[..gap.len() - gap.iter().rev().take_while(|&&b| b == b' ').count()];
    let Some(&(open, close)) = BRACKETS.iter().find(|(open, _)| {
        gap.strip_suffix(*open)
            .is_some_and(|spaces| spaces.iter().all(|&b| b == b' '))
    }) else {
        return false;
    };
    let after = &line[word.end..];
    let after = &after[after.iter().take_while(|&&b| b == b' ').count()..];
    let Some(past) = after.strip_prefix(close) else {
        return false;
    };
    let text = &line[word.text.clone()];
    let run_on = past
        .first()
        .is_some_and(|&b| b.is_ascii_alphanumeric() || matches!(b, b'<' | b'(' | b'[' | b'"'));
    // `</name>`, `<br/>`: a tag.
    let slashed = text.starts_with(b"/") || text.ends_with(b"/");
    !word.quoted
        && !slashed
        && !(matches!(open, b"<" | b"[" | b"&lt;")
            && (run_on
                || MARKUP_TAGS
                    .iter()
                    .any(|t| text.eq_ignore_ascii_case(t.as_bytes()))))
        && !BRACKETED_PROSE
            .iter()
            .any(|p| text.eq_ignore_ascii_case(p.as_bytes()))
        && !is_whole_name(text, false)
}

/// The brackets a value may stand in after a name ([`bracketed`]): ASCII ones (doubled
/// too), CJK and fullwidth ones (`（…）`, `【…】`, `《…》`, `〈…〉`), and `<…>` and
/// `(…)` written as HTML entities.
const BRACKETS: [(&[u8], &[u8]); 16] = [
    (b"((", b"))"),
    (b"(", b")"),
    (b"[", b"]"),
    (b"<", b">"),
    (b"{", b"}"),
    ("\u{ff08}".as_bytes(), "\u{ff09}".as_bytes()),
    ("\u{3010}".as_bytes(), "\u{3011}".as_bytes()),
    ("\u{300a}".as_bytes(), "\u{300b}".as_bytes()),
    ("\u{3008}".as_bytes(), "\u{3009}".as_bytes()),
    ("\u{27e8}".as_bytes(), "\u{27e9}".as_bytes()),
    ("\u{3014}".as_bytes(), "\u{3015}".as_bytes()),
    ("\u{ff3b}".as_bytes(), "\u{ff3d}".as_bytes()),
    ("\u{ff1c}".as_bytes(), "\u{ff1e}".as_bytes()),
    ("\u{ff5b}".as_bytes(), "\u{ff5d}".as_bytes()),
    (b"&lt;", b"&gt;"),
    (b"&#40;", b"&#41;"),
];

/// Whether `text` may be a secret wherever it stands on a suspect line: [`SECRET_MIN`]
/// characters or more, a digit among them.
fn is_secret_like(text: &[u8]) -> bool {
    text.len() >= SECRET_MIN && text.iter().any(u8::is_ascii_digit)
}

/// Whether a word after the one ending at `end` (past a space, and perhaps a word of
/// [`LINKS`]) is a number or a name-like word and a number (`84912035`, `Summer2024!`), and
/// not one of the text's own ([`own_number`]). Two words are read at most, so every word
/// of a line is read a few times at most.
fn number_after(line: &[u8], end: usize) -> bool {
    let mut at = end;
    for _ in 0..2 {
        let start = at
            + line[at..]
                .iter()
                .take(SEPARATOR_REACH)
                .take_while(|&&b| b == b' ')
                .count();
        let stop = word_end(line, start);
        if start == at || stop == start {
            return false;
        }
        let text = &line[start..stop];
        if LINKS
            .iter()
            .any(|l| text.eq_ignore_ascii_case(l.as_bytes()))
        {
            at = stop;
            continue;
        }
        let word = Word {
            start,
            end: stop,
            text: start..stop,
            quoted: false,
        };
        let text = text
            .strip_suffix(b".")
            .or(text.strip_suffix(b"!"))
            .unwrap_or(text);
        let digits = text.iter().rev().take_while(|b| b.is_ascii_digit()).count();
        let numbered = digits == text.len() && digits >= 4
            || digits >= 2
                && text[..text.len() - digits]
                    .iter()
                    .all(u8::is_ascii_alphabetic);
        return numbered && !own_number(line, &word);
    }
    false
}

/// Whether `word`, holding a digit, is a number of the text's own ([`OWN_NUMBERS`]): an
/// HTTP status (`401`), or one a count's or a time's word follows (`3 retries`).
fn own_number(line: &[u8], word: &Word) -> bool {
    let text = &line[word.text.clone()];
    let number = text.strip_suffix(b".").unwrap_or(text);
    let status = number.len() == 3
        && number.iter().all(u8::is_ascii_digit)
        && (b'1'..=b'5').contains(&number[0]);
    let start = word.end
        + line[word.end..]
            .iter()
            .take(SEPARATOR_REACH)
            .take_while(|&&b| b == b' ')
            .count();
    let next = &line[start..word_end(line, start)];
    let next = next
        .strip_suffix(b".")
        .or(next.strip_suffix(b","))
        .unwrap_or(next);
    status
        || (start > word.end
            && OWN_NUMBERS
                .iter()
                .any(|o| next.eq_ignore_ascii_case(o.as_bytes())))
}

/// Whether `word` is a markup tag's name (`<b>`, `</code>`, `<br/>`, `[b]`, `&lt;b&gt;`).
fn in_tag(line: &[u8], word: &Word) -> bool {
    let before = &line[..word.start];
    let before = before.strip_suffix(b"/").unwrap_or(before);
    let after = &line[word.end..];
    let after = after.strip_prefix(b"/").unwrap_or(after);
    // An HTML tag with attributes (`<span class="v">`) too.
    let with_attributes =
        || before.ends_with(b"<") && after.starts_with(b" ") && tag_after(line, word.start - 1);
    tag_open(before).is_some_and(|close| after.starts_with(close)) || with_attributes()
}

/// Whether `word` is the text of an element whose attribute names a credential:
/// `<entry key="password">…</entry>` (Java's properties written as XML), `<property
/// name="apiKey">…` or `<property name="apiKey"><value>…` (Spring), `<add key="token">…`:
/// read as `<password>…</password>` is (hostile run 47). The syntax rules cut a `key`
/// attribute's value before this looks (`<entry key="…">`): that names one as well.
fn named_by_attribute(line: &[u8], word: &Word) -> bool {
    let mut before = &line[..word.start];
    // Through a few tags opened inside it (`<value>`, `<![CDATA[` aside).
    for _ in 0..4 {
        let trimmed = before.trim_ascii_end();
        let Some(inner) = trimmed.strip_suffix(b">") else {
            return false;
        };
        let inner = inner.trim_ascii_end();
        let Some(quote @ (b'"' | b'\'')) = inner.last().copied() else {
            let name = inner
                .iter()
                .rev()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            match inner[..inner.len() - name].strip_suffix(b"<") {
                Some(outer) if name > 0 => {
                    before = outer;
                    continue;
                }
                _ => return false,
            }
        };
        let value = &inner[..inner.len() - 1];
        // A name is short: the opening quote is looked for no further back than this.
        let window = &value[value.len().saturating_sub(LONGEST + 1)..];
        let Some(open) = window.iter().rposition(|&b| b == quote) else {
            return false;
        };
        let name = &window[open + 1..];
        let tag = &value[..value.len() - name.len() - 1];
        let Some(tag) = tag.trim_ascii_end().strip_suffix(b"=") else {
            return false;
        };
        // Inside a tag: a `<` after the last `>`, near.
        let near = &tag[tag.len().saturating_sub(256)..];
        let opened = near.iter().rposition(|&b| b == b'<');
        let closed = near.iter().rposition(|&b| b == b'>');
        // The attribute's value cut already (`key="…"`) named a credential too.
        return opened > closed && (is_whole_name(name, true) || name == CUT.as_bytes());
    }
    false
}

/// What closes a tag `before` opens (`<`, `[`, `&lt;`), if it opens one.
fn tag_open(before: &[u8]) -> Option<&'static [u8]> {
    match before {
        [.., b'<'] => Some(b">"),
        [.., b'['] => Some(b"]"),
        _ if before.ends_with(b"&lt;") => Some(b"&gt;"),
        _ => None,
    }
}

/// Typographic quotes that open a quoted word besides ASCII ones: `“`, `‘`, `«`, `„`, `‚`,
/// `‹`, and the CJK `「`, `『`.
const OPENING_QUOTES: [&[u8]; 8] = [
    "\u{300c}".as_bytes(),
    "\u{300e}".as_bytes(),
    "\u{201c}".as_bytes(),
    "\u{2018}".as_bytes(),
    "\u{ab}".as_bytes(),
    "\u{201e}".as_bytes(),
    "\u{201a}".as_bytes(),
    "\u{2039}".as_bytes(),
];

/// Typographic quotes that close one: `”`, `’`, `»`, `“` (German `„…“`), `‘`, `›`, `」`,
/// `』`.
const CLOSING_QUOTES: [&[u8]; 8] = [
    "\u{300d}".as_bytes(),
    "\u{300f}".as_bytes(),
    "\u{201d}".as_bytes(),
    "\u{2019}".as_bytes(),
    "\u{bb}".as_bytes(),
    "\u{201c}".as_bytes(),
    "\u{2018}".as_bytes(),
    "\u{203a}".as_bytes(),
];

/// ASCII quotes written as HTML entities or JSON and C escapes (`&quot;`, `&#39;`,
/// `\u0022`, `\x27`): each opens and closes a quoted word. Only these spellings count
/// (not `%22`, nor `&#034;`), so they are listed, not decoded.
const WRITTEN_QUOTES: [&[u8]; 10] = [
    b"&quot;", b"&#34;", b"&#x22;", b"&#39;", b"&#x27;", b"&apos;", b"\\u0022", b"\\u0027",
    b"\\x22", b"\\x27",
];

/// How many escapes (`\n`, `\r`, `\t`, `\0`) a quoted word may end in before its
/// closing quote.
const ESCAPES_BEFORE_QUOTE: usize = 4;

/// A word of a line: `start..end` holds its quotes, if quoted; `text`, what is inside them.
struct Word {
    start: usize,
    end: usize,
    text: Range<usize>,
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
                    // A value ending in an escape (`"…\n"`, `'…\r\n'`, Go's `%q` of a key
                    // read with its line break): a few escapes, then the closing quote.
                    let mut tail = end;
                    for _ in 0..ESCAPES_BEFORE_QUOTE {
                        match line.get(tail..tail + 2) {
                            Some([b'\\', b'n' | b'r' | b't' | b'0']) => tail += 2,
                            _ => break,
                        }
                    }
                    let tail = match line.get(tail) == Some(&b) {
                        true => tail,
                        false => end,
                    };
                    (
                        end,
                        tail + line[tail..].iter().take_while(|&&c| c == b'\\').count(),
                    )
                }
            };
            // `\"…\"`: the backslashes before the closing quote are no part of the text.
            // A quoted word the line's end cuts short (`"…\n"`: an escaped line break
            // before the closing quote ends the line) is quoted all the same.
            let cut_short = end == line.len();
            if end > start && (line.get(close) == Some(&b) || spaced || cut_short) {
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
            // In typographic quotes (`“…”`, `‘…’`, `«…»`, `„…“`), or ASCII ones written as
            // entities or escapes (`&quot;…&quot;`, `\u0022…\u0022`), a word is quoted as
            // in ASCII ones.
            let open = OPENING_QUOTES
                .iter()
                .chain(&WRITTEN_QUOTES)
                // Only one this word may own: a quote that closed the word before opens
                // no other (`&#39;a&#39;b&#39;` once began a word before where the last
                // ended).
                .find(|q| line[from..i].ends_with(q));
            let close = CLOSING_QUOTES
                .iter()
                .chain(&WRITTEN_QUOTES)
                .find(|q| line[end..].starts_with(q));
            if let (Some(open), Some(close)) = (open, close) {
                return Some(Word {
                    start: i - open.len(),
                    end: end + close.len(),
                    text: i..end,
                    quoted: true,
                });
            }
            // Emphasis in Markdown (`**x-api-key**`): the stars are no part of the text.
            let lead = line[i..end].iter().take_while(|&&b| b == b'*').count();
            let trail = line[i + lead..end]
                .iter()
                .rev()
                .take_while(|&&b| b == b'*')
                .count();
            let text = match lead > 0 && trail > 0 && i + lead + trail < end {
                true => i + lead..end - trail,
                false => i..end,
            };
            return Some(Word {
                start: i,
                end,
                text,
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
        // An arrow or an assignment glued to a name (`password->…`, `password+=…`) is no
        // part of it.
        let arrow = matches!(
            (unit, line.get(end + 1)),
            (Some(b'-'), Some(b'>')) | (Some(b'+'), Some(b'='))
        );
        if len == 0 || !is_word_unit(unit) || arrow {
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
/// `%2D`, an HTML entity) stands for the ASCII byte it encodes, `None` for a character past ASCII; a
/// backslash before a quote (an escaped quote's) for itself, which is no word's.
fn unit(line: &[u8], at: usize) -> (usize, Option<u8>) {
    let rest = &line[at..];
    match hex_escape(rest) {
        Some((len, code)) if code < 0x80 => (len, Some(code as u8)),
        Some((len, _)) => (len, None),
        // A run of backslashes is taken whole (but for its last, which may start an
        // escape), so a megabyte of them is read once.
        None if rest[0] == b'\\' => {
            let run = rest.iter().take_while(|&&b| b == b'\\').count();
            match rest.get(run) {
                Some(b'"' | b'\'' | b'`') => (run, Some(b'"')),
                // A tab escaped as JSON and Rust's `{:?}` write it (`x-api-key\t…`) is one.
                Some(b't') if run == 1 => (2, Some(b'\t')),
                _ => (run.max(2) - 1, Some(b'\\')),
            }
        }
        // A colour code (`\e[1m`, `\e[0;31m`) stands apart as a space does.
        None if rest.starts_with(b"\x1b[") => {
            let code = rest[2..]
                .iter()
                .take(16)
                .take_while(|b| b.is_ascii_digit() || **b == b';')
                .count();
            match rest.get(2 + code) {
                Some(b'm') => (code + 3, Some(b' ')),
                _ => (1, Some(0x1b)),
            }
        }
        None if rest[0] >= 0x80 => match rest {
            // A fullwidth colon and arrows ([`is_arrow`]) separate as a colon does; dashes, hyphens, a minus and bullets (`—`, `–`, `‐`, `―`, `−`, `•`) as
            // a space.
            [0xEF, 0xBC, 0x9A, ..] => (3, Some(b':')),
            _ if is_arrow(rest) => (3, Some(b':')),
            // A fullwidth `＝` (`パスワード＝…`; hostile run 59) as `=`.
            [0xEF, 0xBC, 0x9D, ..] => (3, Some(b'=')),
            _ if is_dash(rest) => (3, Some(b' ')),
            [0xE2, 0x80, 0xA2, ..] => (3, Some(b' ')),
            // Typographic quotes (`“ ” ‘ ’ „ ‚ ‹ ›`, `« »`) are quotes.
            [0xE2, 0x80, 0x98..=0x9A | 0x9C..=0x9E | 0xB9 | 0xBA, ..] => (3, Some(b'"')),
            [0xC2, 0xAB | 0xBB, ..] => (2, Some(b'"')),
            // CJK quotes (`「…」`, `『…』`) are quotes, and CJK and fullwidth brackets
            // (`（…）`, `【…】`, `《…》`, `〈…〉`, `〔…〕`, `［…］`, `＜…＞`, `｛…｝`, `⟨…⟩`)
            // brackets.
            [0xE3, 0x80, 0x8C..=0x8F, ..] => (3, Some(b'"')),
            [0xE3, 0x80, 0x88 | 0x8A | 0x90 | 0x94, ..]
            | [0xEF, 0xBC, 0x88 | 0x9C, ..]
            | [0xEF, 0xBC, 0xBB, ..]
            | [0xEF, 0xBD, 0x9B, ..]
            | [0xE2, 0x9F, 0xA8, ..] => (3, Some(b'(')),
            [0xE3, 0x80, 0x89 | 0x8B | 0x91 | 0x95, ..]
            | [0xEF, 0xBC, 0x89 | 0x9E, ..]
            | [0xEF, 0xBC, 0xBD, ..]
            | [0xEF, 0xBD, 0x9D, ..]
            | [0xE2, 0x9F, 0xA9, ..] => (3, Some(b')')),
            _ => (1, None),
        },
        None if rest[0] == b'&' => match entity(rest) {
            Some((len, b)) => (len, Some(b)),
            None => (1, Some(b'&')),
        },
        None => (1, Some(rest[0])),
    }
}

/// The HTML entity `rest` starts with (`&nbsp;`, `&quot;`, `&#39;`, `&#58;`): its length
/// and the byte it stands for here (a space for any but a quote's, a colon's or an equals
/// sign's).
pub(super) fn entity(rest: &[u8]) -> Option<(usize, u8)> {
    let name = entity_name(rest, 8)?.len();
    let mut lower = [0u8; 8];
    lower[..name].copy_from_slice(&rest[1..1 + name]);
    lower[..name].make_ascii_lowercase();
    // A colon or an equals sign written as an entity separates as one does.
    let stands = match &lower[..name] {
        b"quot" | b"#34" | b"#x22" => b'"',
        b"apos" | b"#39" | b"#x27" => b'\'',
        b"colon" | b"#58" | b"#x3a" => b':',
        b"equals" | b"#61" | b"#x3d" => b'=',
        b"tab" | b"#9" | b"#09" | b"#x9" | b"#x09" => b'\t',
        _ => b' ',
    };
    Some((name + 2, stands))
}

/// Whether a unit is a word's: anything but white space, quotes and the punctuation that
/// separates names from values and values from each other.
fn is_word_unit(unit: Option<u8>) -> bool {
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

/// What separates `word` from what follows it ([`separator_after`]); an element's name
/// (`<Token>…`, `[token]…`, `&lt;token&gt;…`) is separated from its text as a field's name
/// is, by a colon. A bracket before a link's address (`[token](…)`) is no element's.
fn separator(line: &[u8], word: &Word) -> Option<u8> {
    let after = &line[word.end..];
    let tag = tag_open(&line[..word.start])
        .is_some_and(|close| after.starts_with(close) && !after[close.len()..].starts_with(b"("));
    match tag {
        true => Some(b':'),
        false => separator_after(line, word.end),
    }
}

/// What separates the word ending at `end` from what follows it, past white space and
/// closing quotes: `:` (a colon however written, or an arrow), `=` (`+=`, `?=` too), `,`,
/// `|`, `-` (an em or en dash), or a tab.
fn separator_after(line: &[u8], end: usize) -> Option<u8> {
    let mut at = end;
    let mut tab = false;
    // Looked for no further than this: every word asks, and a word may stand inside a run
    // of spaces and quotes (quoted spaces, after a name), which would be read again for
    // each.
    let reach = end.saturating_add(SEPARATOR_REACH).min(line.len());
    while at < reach {
        match line[at] {
            b' ' | b'"' | b'\'' | b'`' => at += 1,
            // A tab escaped (`\t`), as a tab.
            b'\\' if line.get(at + 1) == Some(&b't') => {
                tab = true;
                at += 2;
            }
            // An escaped quote's backslash; another starts an escape (`\u003a`).
            b'\\' if matches!(line.get(at + 1), Some(b'"' | b'\'' | b'`' | b'\\')) => at += 1,
            b'\t' => {
                tab = true;
                at += 1;
            }
            // Markup closing around the name (`<strong>x-api-key</strong>: …`,
            // `**x-api-key**: …`) or a colour code (`\e[0m`) after it.
            b'*' => at += 1,
            b'<' if line.get(at + 1) == Some(&b'/') => {
                let name = line[at + 2..reach]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                match line.get(at + 2 + name) {
                    Some(b'>') if name > 0 => at += name + 3,
                    _ => break,
                }
            }
            0x1b if line.get(at + 1) == Some(&b'[') => {
                let code = line[at + 2..reach]
                    .iter()
                    .take_while(|b| b.is_ascii_digit() || **b == b';')
                    .count();
                match line.get(at + 2 + code) {
                    Some(b'm') => at += code + 3,
                    _ => break,
                }
            }
            // A tab written otherwise (`\u0009`, `\x09`, `%09`, `&#9;`, `&Tab;`), as a tab.
            _ => match unit_at(line, at) {
                (len @ 2.., Some(b'\t')) => {
                    tab = true;
                    at += len;
                }
                _ => break,
            },
        }
    }
    let rest = &line[at.min(line.len())..];
    // `->`, `-->`, `=>`, `==>`, `====>`: a shaft is read no further than the reach, as a
    // rule's one-character words would each read it again.
    let arrow = rest
        .iter()
        .take(SEPARATOR_REACH)
        .take_while(|&&b| b == b'-' || b == b'=')
        .count();
    let separator = match rest {
        // An arrow (`->`, `-->`, `=>`, `→`) pairs a name with its value as a colon does.
        _ if arrow > 0 && rest.get(arrow) == Some(&b'>') => Some(b':'),
        // A dash (`password — …`, `token – …`, or spaced hyphens as ASCII writes one:
        // `password - …`, `token -- …`) after a name, but in prose (`the key — so to
        // speak —`) it is no field's: it is told apart, as `-`.
        _ if is_dash(rest) => Some(b'-'),
        [b'-', ..] if at > end && spaced_dash(rest) => Some(b'-'),
        // An assignment: `:=` and `::` are read as their colon, `+=` and `?=` as `=`.
        [b'+' | b'?', b'=', ..] => Some(b'='),
        [b':' | b'=' | b',' | b'|', ..] => Some(rest[0]),
        _ => match unit_at(line, at) {
            (3.., Some(b @ (b':' | b'=' | b','))) => Some(b),
            _ => None,
        },
    };
    separator.or(tab.then_some(b'\t'))
}

/// Whether an HTML tag ([`HTML_TAGS`]: `<br>`, `<br/>`, `</b>`, `<span class="v">`)
/// stands after the word ending at `end`, spaces perhaps between, within
/// [`SEPARATOR_REACH`]. Other names in `<…>` are a value in brackets (`invalid x-api-key
/// <…>`) or an element of a document (`<name>X-Api-Key</name>`), read as such.
fn tag_after(line: &[u8], end: usize) -> bool {
    let reach = &line[end..line.len().min(end.saturating_add(SEPARATOR_REACH))];
    let rest = &reach[reach.iter().take_while(|&&b| b == b' ').count()..];
    let Some(rest) = rest.strip_prefix(b"<") else {
        return false;
    };
    let rest = rest.strip_prefix(b"/").unwrap_or(rest);
    let name = rest
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if !HTML_TAGS
        .iter()
        .any(|tag| rest[..name].eq_ignore_ascii_case(tag.as_bytes()))
    {
        return false;
    }
    match &rest[name..] {
        [b'>', ..] | [b'/', b'>', ..] => true,
        // Attributes: on to the tag's `>`, no other tag opening before it.
        [b' ', attributes @ ..] => attributes
            .iter()
            .find(|&&b| b == b'<' || b == b'>')
            .is_some_and(|&b| b == b'>'),
        _ => false,
    }
}

/// The HTML tags of text and lists that may stand between a name and its value in an
/// error page ([`tag_after`]).
const HTML_TAGS: [&str; 44] = [
    "a",
    "b",
    "i",
    "u",
    "s",
    "q",
    "em",
    "strong",
    "span",
    "code",
    "tt",
    "kbd",
    "samp",
    "var",
    "mark",
    "small",
    "big",
    "font",
    "sub",
    "sup",
    "br",
    "hr",
    "wbr",
    "nobr",
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "td",
    "th",
    "tr",
    "pre",
    "blockquote",
    "cite",
    "label",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
];

/// Whether `rest` opens with an arrow that pairs a name with its value: `→`, `⇒`, `⟶`,
/// `➜`, and `⇨`, `⟹`, `⮕`, `↦`, `←` (hostile run 59). Three bytes each.
pub(super) fn is_arrow(rest: &[u8]) -> bool {
    matches!(
        rest,
        [0xE2, 0x86, 0x90 | 0x92 | 0xA6, ..]
            | [0xE2, 0x87, 0x92 | 0xA8, ..]
            | [0xE2, 0x9F, 0xB6 | 0xB9, ..]
            | [0xE2, 0x9E, 0x9C, ..]
            | [0xE2, 0xAE, 0x95, ..]
    )
}

/// Whether `rest` opens with a dash, a hyphen or a minus past ASCII (`‐` to `―`, `−`):
/// three bytes each.
fn is_dash(rest: &[u8]) -> bool {
    matches!(rest, [0xE2, 0x80, 0x90..=0x95, ..] | [0xE2, 0x88, 0x92, ..])
}

/// Whether `rest` opens with a dash written in ASCII: one to three hyphens standing alone
/// (`- `, `-- `), not an option (`-p`) or a rule (`-----`).
fn spaced_dash(rest: &[u8]) -> bool {
    let dashes = rest.iter().take(4).take_while(|&&b| b == b'-').count();
    (1..=3).contains(&dashes) && rest.get(dashes).is_none_or(|&b| b == b' ')
}

/// Calls `each` with every identifier in `text` (ASCII letters, digits, `_` and `-`,
/// escapes decoded; lowercase, `-` as `_`, `_` between a camelCase name's words) and whether it is the whole text (a trailing
/// `.` aside).
fn identifiers(text: &[u8], mut each: impl FnMut(&[u8], bool)) {
    let mut ident = [0u8; LONGEST];
    let mut len = 0;
    let mut first = 0;
    let mut prev = 0u8;
    let mut at = 0;
    loop {
        let (step, unit) = unit_at(text, at);
        match unit {
            Some(b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                if len == 0 {
                    first = at;
                }
                // `accessToken`, `xApiKey`: a capital after a small letter or a digit
                // starts a word.
                let camel = b.is_ascii_uppercase()
                    && len > 0
                    && (prev.is_ascii_lowercase() || prev.is_ascii_digit());
                for b in [camel.then_some(b'_'), Some(b)].into_iter().flatten() {
                    if len < LONGEST {
                        ident[len] = match b {
                            b'-' => b'_',
                            _ => b.to_ascii_lowercase(),
                        };
                    }
                    len += 1;
                }
                prev = b;
            }
            _ => {
                if (1..=LONGEST).contains(&len) {
                    // The last part of a dotted name is a name whole too (`connect.sid`,
                    // Express's session cookie; `rack.session`).
                    let whole = (first == 0 || text[first - 1] == b'.')
                        && text[at..].iter().all(|&b| b == b'.');
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

/// Whether the whole of `text` (a trailing `.` aside) is one credential's name, as
/// [`told`] tells it.
fn is_whole_name(text: &[u8], run_together: bool) -> bool {
    let mut said = None;
    identifiers(text, |ident, whole| {
        if whole {
            said = told(ident, run_together);
        }
    });
    said.is_some()
}

/// How `ident` is told as a credential's name, if it is one, a number at its end or start
/// aside (`Cookie2`, `X-Hub-Signature-256`, `1password`). With `run_together` false, a name run together with
/// more letters before it (`clientsecret`) is none: a value may end so too (`supersecret`);
/// with it true, one of fewer than five letters so run together is a field's name only.
/// Every word of every line is looked up here, so the lookup compares a name only where
/// one may start: at the identifier's start or after a `_`.
fn told(ident: &[u8], run_together: bool) -> Option<Said> {
    // A number before or after a name is no part of it (`password1`, `1password`).
    let lead = ident.iter().take_while(|b| b.is_ascii_digit()).count();
    let ident = &ident[lead..];
    let ident = ident
        .strip_prefix(b"_")
        .filter(|_| lead > 0)
        .unwrap_or(ident);
    let digits = ident
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let ident = &ident[..ident.len() - digits];
    let ident = ident.strip_suffix(b"_").unwrap_or(ident);
    if ident.len() < SHORTEST_NAME {
        return None;
    }
    if let Some(&(_, said)) = NAMES.iter().find(|(name, _)| name.as_bytes() == ident) {
        return Some(said);
    }
    let compounds = || NAMES.iter().filter(|(_, said)| *said != Said::Field);
    let mut start = 0;
    loop {
        let rest = &ident[start..];
        let named = compounds().any(|(name, _)| {
            rest.strip_prefix(name.as_bytes())
                .is_some_and(|after| after.first().is_none_or(|&b| b == b'_'))
        });
        if named {
            return Some(Said::Anywhere);
        }
        match memchr::memchr(b'_', rest) {
            Some(at) => start += at + 1,
            None => break,
        }
    }
    // A digit inside is a value's (`ZQX8-csrftoken`) when the name is run together with
    // it; among a compound's words it is a name's (`S3_SECRET_KEY`, `OAUTH2_TOKEN`).
    // A short name run together (`secretkey`, `DBPASS`, `adminpw`) is told as a field's
    // name only: `monkey` in prose is none.
    let run_together = run_together && lead == 0 && !ident.iter().any(u8::is_ascii_digit);
    let ends = compounds()
        .filter(|(name, _)| ident.ends_with(name.as_bytes()))
        .map(|(name, _)| name.len())
        .max();
    match ends {
        Some(5..) if run_together => Some(Said::Anywhere),
        Some(_) if run_together => Some(Said::Compound),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::redacted;
    use super::super::tests::{assert_cut, assert_kept};

    #[test]
    fn the_seventh_runs_leftover_shapes_lose_their_values() {
        assert_cut([
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
                r#"{"credentials":{"value":"…"}}"#,
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
        ]);
    }

    #[test]
    fn the_eighth_runs_shapes_lose_their_values() {
        assert_cut([
            // camelCase and run-together names, the value on the next line.
            ("accessToken:\n  Zq8-next", "accessToken:\n  …"),
            ("clientSecret =\n  supersecret", "clientSecret =\n  …"),
            ("xApiKey:\n plainvalue", "xApiKey:\n …"),
            (
                "\"refreshTokens\": [\n  \"Zq8-list\"\n]",
                "\"refreshTokens\": [\n  \"…\"\n]",
            ),
            ("X-CSRFToken:\n plainvalue", "X-CSRFToken:\n …"),
            ("PHPSESSID=plainvalue", "PHPSESSID=…"),
            ("secretAccessKey Zq8-space", "secretAccessKey …"),
            // XML elements, AWS's error among them.
            ("<Token>plainvalue</Token>", "<Token>…</Token>"),
            (
                "<Code>SignatureDoesNotMatch</Code><SignatureProvided>Zq8x</SignatureProvided>",
                "<Code>SignatureDoesNotMatch</Code><SignatureProvided>…</SignatureProvided>",
            ),
            (
                "<header>\n  <name>X-Api-Key</name>\n  <type>string</type>\n  <value>Zq8-x</value>\n</header>",
                "<header>\n  <name>X-Api-Key</name>\n  <type>string</type>\n  <value>…</value>\n</header>",
            ),
            // A value lines away from its name.
            (
                "{\n  \"name\": \"x-api-key\",\n  \"type\": \"text\",\n  \"value\": \"Zq8-sorted\"\n}",
                "{\n  \"name\": \"x-api-key\",\n  \"type\": \"…\",\n  \"value\": \"…\"\n}",
            ),
            (
                "x-api-key:\n  # rotated yesterday\n  Zq8-yaml",
                "x-api-key:\n  # … yesterday\n  …",
            ),
            (
                "these credentials\n(see below)\n\nZq8-down",
                "these credentials\n(see below)\n\n…",
            ),
            (
                "auth_config {\n  api_key_value: \"Zq8-proto\"\n}",
                "auth_config {\n  api_key_value: \"…\"\n}",
            ),
            // Plural names, a name in a table's row.
            ("api_tokens:\n  - plainvalue", "api_tokens:\n  - …"),
            ("passwords: plainvalue", "passwords: …"),
            ("key\tplainvalue", "key\t…"),
            ("session,plainvalue", "session,…"),
            // Markup or a line break between a scheme and its credential.
            ("<b>Bearer</b> plainvalue", "<b>Bearer</b> …"),
            ("Bearer <code>plainvalue</code>", "Bearer <code>…</code>"),
            ("Bearer<br>plainvalue", "Bearer<br>…"),
            ("`Bearer` `plainvalue`", "`Bearer` `…`"),
            ("Bearer&nbsp;plainvalue", "Bearer&nbsp;…"),
            // Names with digits among their words; a value two lines away in CRLF text.
            ("S3_SECRET_KEY\tplainvalue", "S3_SECRET_KEY\t…"),
            ("OAUTH2_TOKEN | plainvalue", "OAUTH2_TOKEN | …"),
            (
                "these credentials\r\n(see below)\r\n\r\nZq8-down",
                "these credentials\r\n(see below)\r\n\r\n…",
            ),
            // Short values holding a digit, and a token in prose.
            (
                "password rejected for admin:Zq8x7",
                "password rejected for admin:…",
            ),
            ("Your token was Zq8-prose", "Your token was …"),
        ]);
    }

    #[test]
    fn the_ninth_runs_leftover_shapes_lose_their_values() {
        let random = "AbCdEfGhIjKlMnOpQrStUvWxYz012345";
        assert_cut([
            // What stands beside a cut: the rest of a word the syntax rules cut in part.
            (
                "body=client_secret%3DAbc%2BZQXN9pct%3D".to_string(),
                "body=client_secret%3D…",
            ),
            (
                format!("invalid access token sk.{random}.ZQXN9mapbox12"),
                "invalid access token sk.…",
            ),
            (
                format!("api key sk-proj-{random}~ZQXNtilde"),
                "api key sk-…",
            ),
            (
                format!("token eyJhbGciOiJSU0EifQ.{random}.iv123456.ZQXN9cipher.tag12345"),
                "token eyJ…",
            ),
            (
                "your token ZQXN9abc…def was revoked".to_string(),
                "your token …def was revoked",
            ),
            // Names in no list before.
            ("creds = admin:ZQXN9creds".to_string(), "creds = …"),
            ("pw=ZQXNpw".to_string(), "pw=…"),
            ("Authorisation: ZQXNbrit".to_string(), "Authorisation: …"),
            (
                "client_assertion\tZQXNca".to_string(),
                "client_assertion\t…",
            ),
            ("passcode -> ZQXNpass".to_string(), "passcode -> …"),
            ("pin: ZQXNpin".to_string(), "pin: …"),
            ("otp_code | ZQXNotp".to_string(), "otp_code | …"),
            ("sid=ZQXNsid".to_string(), "sid=…"),
        ]);
    }

    #[test]
    fn a_quoted_value_ending_in_an_escape_goes() {
        assert_cut([
            (
                r#"net/http: invalid header field value "zqkhorsebatterystaple\n" for key X-Api-Key"#,
                r#"net/http: invalid header field value "…\n" for key X-Api-Key"#,
            ),
            (
                r#"invalid x-api-key "zqkhorsebatterystaple\t""#,
                r#"invalid x-api-key "…\t""#,
            ),
            (
                r"invalid x-api-key 'zqkhorsebatterystaple\r\n'",
                r"invalid x-api-key '…\r\n'",
            ),
            (
                r"Invalid header value b'zqkhorsebatterystaple\n' for x-api-key",
                r"Invalid header value b'…\n' for x-api-key",
            ),
        ]);
    }

    #[test]
    fn a_value_in_typographic_quotes_goes() {
        assert_cut([
            (
                "invalid x-api-key “zqkhorsebatterystaple”",
                "invalid x-api-key “…”",
            ),
            (
                "invalid x-api-key ‘zqkhorsebatterystaple’",
                "invalid x-api-key ‘…’",
            ),
            (
                "invalid x-api-key «zqkhorsebatterystaple»",
                "invalid x-api-key «…»",
            ),
            (
                "invalid x-api-key „zqkhorsebatterystaple“",
                "invalid x-api-key „…“",
            ),
            // Prose without a credential's name keeps its quotes and words.
            (
                "the model “claude-sonnet” said",
                "the model “claude-sonnet” said",
            ),
        ]);
    }

    #[test]
    fn a_value_in_quotes_written_as_entities_or_escapes_goes() {
        assert_cut([
            (
                "&quot;x-api-key&quot;:&quot;zqkhorsebatterystaple&quot;",
                "&quot;x-api-key&quot;:&quot;…&quot;",
            ),
            (
                "{&#39;x-api-key&#39;: &#39;zqkhorsebatterystaple&#39;}",
                "{&#39;x-api-key&#39;: &#39;…&#39;}",
            ),
            (
                "&apos;x-api-key&apos;: &apos;zqkhorsebatterystaple&apos;",
                "&apos;x-api-key&apos;: &apos;…&apos;",
            ),
            (
                r"\u0022x-api-key\u0022:\u0022zqkhorsebatterystaple\u0022",
                r"\u0022x-api-key\u0022:\u0022…\u0022",
            ),
        ]);
    }

    #[test]
    fn markup_or_a_colour_code_around_a_name_keeps_no_value() {
        for text in [
            "<strong>x-api-key</strong>: zqkhorsebatterystaple",
            "**x-api-key**: zqkhorsebatterystaple",
            "<code>x-api-key</code>: <code>zqkhorsebatterystaple</code>",
            "\u{1b}[1mx-api-key\u{1b}[0m: zqkhorsebatterystaple",
        ] {
            let out = redacted(text);
            assert!(!out.contains("zqkhorse"), "{text:?} -> {out:?}");
        }
        assert_eq!(
            redacted("<strong>x-api-key</strong>: zqkhorsebatterystaple"),
            "<strong>x-api-key</strong>: …"
        );
    }

    #[test]
    fn the_tenth_runs_shapes_lose_their_values() {
        assert_cut([
            // A value spelling a name and a number.
            ("password\tPassword123", "password\t…"),
            ("api_key\n  Secret2024", "api_key\n  …"),
            ("| password | Password123 |", "| password | … |"),
            // Arrows, spaced or glued, an escaped colon, a dash or a YAML tag on the way.
            ("password → plainvalue", "password → …"),
            ("password->plainvalue", "password->…"),
            ("pin→plainvalue", "pin→…"),
            ("client_secret --> plainvalue", "client_secret --> …"),
            ("key\\u003a plainvalue", "key\\u003a …"),
            ("password： plainvalue", "password： …"),
            ("x-api-key\t→\tplainvalue", "x-api-key\t→\t…"),
            ("creds: — plainvalue", "creds: …"),
            // Short names run together, as a field's name.
            ("secretkey\tplainvalue", "secretkey\t…"),
            ("DBPASS -> plainvalue", "DBPASS -> …"),
            ("adminpw: plainvalue", "adminpw: …"),
        ]);
        // Escaped or encoded glue: an AWS secret key, the rest of a key.
        let key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        for glue in ["\\/", "%2F"] {
            assert_cut([
                (
                    format!("stored {} ok", key.replace('/', glue)),
                    "stored … ok",
                ),
                (
                    format!("for sk-proj-{}{glue}ZQXNrest here", "a1B2".repeat(8)),
                    "for sk-… here",
                ),
            ]);
        }
        // In prose, a name so run together is none; a name's own number stays a name.
        assert_kept([
            "the monkey ate 12345678",
            "X-Hub-Signature-256 header",
            "a Cookie2",
        ]);
    }

    #[test]
    fn names_and_values_with_digits_lose_their_values_and_own_numbers_stay() {
        // Hostile run 11, D5: a name with a number before or after it.
        assert_cut([
            ("password1: ZQXSECRET7a", "password1: …"),
            ("password12\tZQXSECRETplain", "password12\t…"),
            ("api_key99 | ZQXSECRETplain", "api_key99 | …"),
            ("token12 -> ZQXSECRETplain", "token12 -> …"),
            ("is_password1 ZQXSECRET2plain", "is_password1 …"),
            ("db_password2=ZQXSECRETplain", "db_password2=…"),
            ("db_password12=ZQXSECRET42", "db_password12=…"),
            ("token2 ZQXSECRET4x", "token2 …"),
            ("1password\tZQXSECRETplain", "1password\t…"),
            // A value spelling a word and a number, or a number alone.
            ("password: Summer2024", "password: …"),
            ("the password is Winter2025!", "the password is …"),
            ("pin: 84912035", "pin: …"),
            ("password=12345678", "password=…"),
            ("the pin is 84912035", "the pin is …"),
            ("pin 84912035", "pin …"),
            ("the password is 8491", "the password is …"),
            ("the passcode was 8491.", "the passcode was …"),
            ("the password is ab12", "the password is …"),
            ("the session 84912035 expired", "the session … expired"),
        ]);
        // The text's own numbers stay where no name is near, and after one when a count or a
        // time follows, or when it is an HTTP status.
        assert_kept([
            "HTTP 401: invalid password after 3 retries on port 8443",
            "429 Too Many Requests: token quota, retry in 30 seconds",
            "invalid api key, status 401",
            "password 401 Unauthorized",
            "the token is 401",
            "password was 3600 seconds ago",
            "max tokens 4096",
            "pass 100% of the tests",
            "the monkey ate 12345678",
        ]);
    }

    #[test]
    fn a_value_after_an_arrow_an_assignment_an_entity_a_dash_or_a_tag_goes() {
        // Hostile run 11, D8: separators not read as separators before.
        assert_cut([
            // Arrows.
            ("password => ZQXSECRETv9", "password => …"),
            ("token ⇒ ZQXSECRETplain", "token ⇒ …"),
            ("token⟶ZQXSECRETplain", "token⟶…"),
            ("api_key ==> ZQXSECRETplain", "api_key ==> …"),
            ("api_key =====> ZQXSECRETplain", "api_key =====> …"),
            ("password |-> ZQXSECRETplain", "password |-> …"),
            // Assignments.
            ("password += ZQXSECRETplain", "password += …"),
            ("password+=ZQXSECRETplain", "password+=…"),
            ("PASSWORD ?= ZQXSECRETplain", "PASSWORD ?= …"),
            ("secret ::ZQXSECRETplain", "secret :…"),
            // A colon or an equals sign written as an HTML entity.
            ("password&#58;ZQXSECRETplain", "password&#58;…"),
            ("password&#x3A; ZQXSECRETplain", "password&#x3A; …"),
            ("pin&colon;ZQXSECRETplain", "pin&colon;…"),
            ("password&#61;ZQXSECRETplain", "password&#61;…"),
            ("token &equals; ZQXSECRETplain", "token &equals; …"),
            // A dash between the name and its value.
            ("password — ZQXSECRETplain", "password — …"),
            ("password—ZQXSECRETplain", "password—…"),
            ("token – ZQXSECRETplain", "token – …"),
            // Markup around the value.
            (
                "<password>ZQXSECRETplain</password>",
                "<password>…</password>",
            ),
            ("<api_key>ZQXSECRETplain</api_key>", "<api_key>…</api_key>"),
            ("[token]ZQXSECRETplain[/token]", "[token]…[/token]"),
            ("[pin] ZQXSECRETplain [/pin]", "[pin] … [/pin]"),
            (
                "&lt;password&gt;ZQXSECRETplain&lt;/password&gt;",
                "&lt;password&gt;…&lt;/password&gt;",
            ),
        ]);
        // A link's text is no element, and a dash in prose after a name that is a field's
        // only is none.
        assert_kept([
            "see [token](https://docs.example/auth) for more",
            "the key — so to speak — was lost",
            "c++ = fine",
        ]);
    }

    #[test]
    fn a_value_after_a_dash_written_in_ascii_goes() {
        // Hostile run 47, D3: only an em or en dash was read as one.
        assert_cut([
            (
                "upstream proxy refused: password - ZQXSECRETplain was rejected",
                "upstream proxy refused: password - … was rejected",
            ),
            ("token -- ZQXSECRETplain expired", "token -- … expired"),
            ("x-api-key --- ZQXSECRETplain", "x-api-key --- …"),
            ("client_secret ‐ ZQXSECRETplain", "client_secret ‐ …"),
            ("Authorization ― ZQXSECRETplain", "Authorization ― …"),
            ("access_token − ZQXSECRETplain", "access_token − …"),
        ]);
        // An option or a rule after a name is no dash; a dash in prose after a name that
        // is a field's only is none.
        assert_kept([
            "invalid password -p flag",
            "password ----- rules",
            "the key - so to speak - was lost",
        ]);
    }

    #[test]
    fn a_tab_written_as_an_escape_or_an_entity_separates() {
        // Hostile run 48, D2: only `\t` and a real tab did.
        for tab in ["\\u0009", "\\x09", "%09", "&#9;", "&#x9;", "&Tab;"] {
            assert_cut([(
                format!("password{tab}ZQXtabvalue"),
                format!("password{tab}…"),
            )]);
        }
    }

    #[test]
    fn the_text_of_an_element_an_attribute_names_goes() {
        // Hostile run 47, D4: `<password>…` was cut, `<entry key="password">…` not.
        assert_cut([
            (
                r#"config error in <entry key="password">ZQXSECRETplain</entry>"#,
                // The syntax rules cut a `key`'s value first.
                r#"config error in <entry key="…">…</entry>"#,
            ),
            (
                r#"<property name="apiKey">ZQXSECRETplain</property>"#,
                r#"<property name="apiKey">…</property>"#,
            ),
            (
                r#"<property name="password"><value>ZQXSECRETplain</value></property>"#,
                r#"<property name="password"><value>…</value></property>"#,
            ),
            (
                "<add key='token'>ZQXSECRETplain</add>",
                "<add key='…'>…</add>",
            ),
            (
                r#"<Parameter Name = "Password" >ZQXSECRETplain</Parameter>"#,
                r#"<Parameter Name = "Password" >…</Parameter>"#,
            ),
        ]);
        // On a line naming a credential a quoted word goes, and with an attribute's value
        // the text of its element.
        assert_cut([(
            r#"<entry name="timeout">thirty</entry> for the password"#,
            r#"<entry name="…">…</entry> for the password"#,
        )]);
    }

    #[test]
    fn a_value_shorter_than_a_cut_is_kept_so_no_text_grows() {
        assert_eq!(redacted("password 'a' 'b'"), "password 'a' 'b'");
        assert_eq!(redacted("pin: 42"), "pin: 42");
        let text = format!("password {}", "'a' ".repeat(1000));
        assert!(redacted(&text).len() <= text.len());
    }

    #[test]
    fn a_suspect_line_keeps_its_names_and_prose() {
        assert_kept([
            "invalid x-api-key",
            "Incorrect API key provided: …. You can find your API key at \
             https://platform.openai.com/account/api-keys.",
            "missing header: Authorization",
        ]);
        // What may be a value goes: an id, a model's name, a quoted word.
        assert_eq!(
            redacted(r#"api_key rejected for claude-sonnet-4-5-20250929 (req_011CV4xyz) "abc""#),
            r#"api_key rejected for … (…) "…""#
        );
    }

    #[test]
    fn lines_naming_no_credential_are_kept_whole() {
        assert_kept([
            "max_tokens: 64001 > 64000, the maximum for claude-sonnet-4-5-20250929",
            "prompt is too long: 210000 tokens > 200000 maximum",
            r#"{"type":"overloaded_error","message":"Overloaded"} req_011CV4xyz"#,
            "the key to this is a word of thanks: 12345678",
        ]);
    }

    #[test]
    fn a_suspect_line_is_read_in_linear_time() {
        for filler in [
            "\\",
            "'",
            "\"",
            "\\\"",
            "a",
            "%2",
            "\\u00",
            "aB3/",
            "-----BEGIN ",
            "ssh-rsa ",
            "=-",
            "\" \" ",
            "&#58;",
            "[a]",
            "— ",
            "+=",
            "-=->",
            "pin is 8491 ",
            "\\t",
            "API key ",
        ] {
            // Quadratic, 128 Ki of them would take minutes (a debug build on a busy
            // machine takes seconds for some). After a separator, the words are read
            // armed, the value due.
            for name in ["api_key ", "api_key: "] {
                let text = format!("{name}{}", filler.repeat(1 << 17));
                let started = std::time::Instant::now();
                let _ = redacted(&text);
                assert!(started.elapsed().as_secs() < 20, "{name}{filler:?}");
            }
        }
    }

    #[test]
    fn an_api_key_named_in_two_words_loses_its_value() {
        // Hostile run 12, D2: `API key` in prose names a credential as `api_key` does.
        assert_cut([
            (
                "Your API key ZQX7a1b2c3d4e5f6g7h8 has been revoked",
                "Your API key … has been revoked",
            ),
            ("The API key ZQX7abc is invalid", "The API key … is invalid"),
            ("invalid access key ZQX7a1b2", "invalid access key …"),
            ("Session ID ZQX7-44a1 expired", "Session ID … expired"),
            (
                "Access denied due to invalid subscription key.\nrequest 7f3a2b",
                "Access denied due to invalid subscription key.\nrequest …",
            ),
        ]);
        // Apart, or with other words, they name nothing.
        assert_kept([
            "the API returned a key error for claude-sonnet-4-5-20250929",
            "press any key to continue 12345678",
            "the key to this is a word of thanks: 12345678",
        ]);
    }

    #[test]
    fn a_tab_written_escaped_separates_a_name_from_its_value() {
        // Hostile run 12, D4: a name quoted JSON-escaped or as `{:?}` writes it.
        assert_cut([
            (
                r#"["x-api-key\tzqxsecrethorsebatterystaple"]"#,
                r#"["x-api-key\t…"]"#,
            ),
            (
                r#"{"error":"password\tzqxsecrethorsebatterystaple"}"#,
                r#"{"error":"password\t…"}"#,
            ),
            (r#"token\t\tzqxsecret"#, r#"token\t\t…"#),
        ]);
    }

    #[test]
    fn a_credential_named_in_another_language_loses_its_value() {
        assert_cut([
            (
                "Clé API invalide : ZQX90110Kp3mW9xL2vB8",
                "Clé API invalide : …",
            ),
            (
                "CLÉ D'API invalide : ZQX90110Kp3mW9xL2vB8",
                "CLÉ D'API invalide : …",
            ),
            (
                "clé de l’API invalide ZQX90110Kp3mW9xL2vB8",
                "clé de l’API invalide …",
            ),
            (
                "API-Schlüssel ungültig: ZQX90110Kp3mW9xL2vB8",
                "API-Schlüssel ungültig: …",
            ),
            ("API-SCHLÜSSEL: zqkhorsebatterystaple", "API-SCHLÜSSEL: …"),
            (
                "clave de API no válida: ZQX90110Kp3mW9xL2vB8",
                "clave de API no válida: …",
            ),
            (
                "chave da API inválida: ZQX90110Kp3mW9xL2vB8",
                "chave da API inválida: …",
            ),
            ("Passwort: ZQX90110Kp3mW9xL2vB8", "Passwort: …"),
            ("Passwort: zqkhorsebatterystaple", "Passwort: …"),
            (
                "Zugangskennwort = zqkhorsebatterystaple",
                "Zugangskennwort = …",
            ),
            ("mot de passe : zqkhorsebatterystaple", "mot de passe : …"),
            ("Contraseña: zqkhorsebatterystaple", "Contraseña: …"),
            ("senha incorreta ZQX90110Kp3mW9xL2vB8", "senha incorreta …"),
            ("jeton invalide ZQX90110Kp3mW9xL2vB8", "jeton invalide …"),
            ("Clé : zqkhorsebatterystaple", "Clé : …"),
            (
                "APIキーが無効です: ZQX90110Kp3mW9xL2vB8",
                "APIキーが無効です: …",
            ),
            ("APIキー: zqkhorsebatterystaple", "APIキー: …"),
            (
                "トークンが無効です ZQX90110Kp3mW9xL2vB8",
                "トークンが無効です …",
            ),
            ("无效的令牌: ZQX90110Kp3mW9xL2vB8", "无效的令牌: …"),
            ("无效的令牌：zqkhorsebatterystaple", "无效的令牌：…"),
            ("API密钥错误 ZQX90110Kp3mW9xL2vB8", "API密钥错误 …"),
            (
                "API 키가 유효하지 않습니다: ZQX90110Kp3mW9xL2vB8",
                "API 키가 유효하지 않습니다: …",
            ),
            ("비밀번호: zqkhorsebatterystaple", "비밀번호: …"),
        ]);
        // A word for key alone is no name, as `key` is not; nor are words that hold one.
        assert_kept([
            "clave del error model-2024-v2 ZQX90110Kp3mW9xL2vB8",
            "la chave do sistema model-2024-v2",
            "Schlüsselwort fehlt: model-2024-v2",
            "Unsere Schlüssel sind sicher v20240101",
            "the senhaboard enclave 2024-01-01T00:00:00Z",
            "hotkey キーボード model-2024-v2",
            "request req_011CRvZ4k8 failed: mot de liaison",
        ]);
    }

    #[test]
    fn a_word_alone_in_brackets_after_a_name_goes() {
        assert_cut([
            (
                "invalid api key (zqkhorsebatterystaple)",
                "invalid api key (…)",
            ),
            (
                "invalid api key [zqkhorsebatterystaple]",
                "invalid api key […]",
            ),
            (
                "invalid x-api-key <zqkhorsebatterystaple>",
                "invalid x-api-key <…>",
            ),
            (
                "invalid api key {zqkhorsebatterystaple}",
                "invalid api key {…}",
            ),
            (
                "the access token (zqkhorsebatterystaple) has expired",
                "the access token (…) has expired",
            ),
        ]);
        // Prose, a type, a name, a markup tag or a link's text in brackets stays, and so
        // does more than one word.
        assert_kept([
            "invalid api key (expired)",
            "the api key (see the docs) was refused",
            "api_key (str) was refused",
            "x-api-key <code>",
            "<name>X-Api-Key</name>",
            "the api key [token](https://docs.example/auth) is wrong",
            "the token is (still) valid",
        ]);
    }

    #[test]
    fn a_value_after_a_tag_or_a_fullwidth_sign_goes() {
        // Hostile run 59: an HTML tag after the name parts it from its value as a colon
        // does (the value after a plain space would be prose), and so do a fullwidth `＝`,
        // brackets and more arrows.
        assert_cut([
            ("password<br>QpWnRtZkXvBmLc", "password<br>…"),
            ("password <br/>QpWnRtZkXvBmLc", "password <br/>…"),
            ("password<br />\nQpWnRtZkXvBmLc", "password<br />\n…"),
            ("<b>password</b> QpWnRtZkXvBmLc", "<b>password</b> …"),
            (
                "the api key <b>abc</b> is wrong",
                "the api key <b>…</b> is wrong",
            ),
            (
                "<li>API key</li><li>QpWnRtZkXvBmLc</li>",
                "<li>API key</li><li>…</li>",
            ),
            (
                "<p>Your password</p><p>QpWnRtZkXvBmLc</p>",
                "<p>Your password</p><p>…</p>",
            ),
            (
                "password<span class=\"v\">QpWnRtZkXvBmLc</span>",
                "password<span class=\"v\">…</span>",
            ),
            ("パスワード＝HyTrEwQaSdFgZxCv", "パスワード＝…"),
            ("令牌＝HyTrEwQaSdFgZxCv", "令牌＝…"),
            (
                "invalid api key ＜HyTrEwQaSdFgZxCv＞",
                "invalid api key ＜…＞",
            ),
            (
                "invalid api key ｛HyTrEwQaSdFgZxCv｝",
                "invalid api key ｛…｝",
            ),
            ("password ⇨ HyTrEwQaSdFgZxCv", "password ⇨ …"),
            ("token ⟹ HyTrEwQaSdFgZxCv", "token ⟹ …"),
            ("token⮕HyTrEwQaSdFgZxCv", "token⮕…"),
            ("password ↦ HyTrEwQaSdFgZxCv", "password ↦ …"),
            ("password ← HyTrEwQaSdFgZxCv", "password ← …"),
            // Hostile run 60: more everyday words for a password or a key.
            ("패스워드: HyTrEwQaSdFgZxCv", "패스워드: …"),
            ("암호: HyTrEwQaSdFgZxCv", "암호: …"),
            ("パスコード: HyTrEwQaSdFgZxCv", "パスコード: …"),
            (
                "Zugriffsschlüssel: HyTrEwQaSdFgZxCv",
                "Zugriffsschlüssel: …",
            ),
            (
                "Ihr Abonnementschlüssel: HyTrEwQaSdFgZxCv",
                "Ihr Abonnementschlüssel: …",
            ),
        ]);
        // A document's element and a value in brackets are read as before.
        assert_kept([
            "<name>X-Api-Key</name>",
            "the api key <details> was refused",
        ]);
    }

    #[test]
    fn a_word_for_an_llms_tokens_names_no_credential_without_a_qualifier() {
        // As English `tokens` in a context-length error, the counted tokens stay.
        assert_kept([
            "This model's maximum context length is 128000 tokens. However, you requested 130542 tokens (gpt-4o-2024-08-06).",
            "このモデルの最大コンテキスト長は 128000 トークンですが、130542 トークンが要求されました（gpt-4o-2024-08-06）。",
            "최대 컨텍스트 길이는 128000 토큰이지만 130542 토큰을 요청했습니다 (gpt-4o-2024-08-06). 요청 ID: req_011CRvZ4k8",
            "La longueur maximale du contexte est de 128000 jetons, mais vous avez demandé 130542 jetons (gpt-4o-2024-08-06). ID de requête : req_011CRvZ4k8",
            "最大トークン数を超えています: model-2024-v2 req_011CRvZ4k8",
        ]);
        // With a word saying which token, or as a field's name, it is a credential's.
        assert_cut([
            (
                "アクセストークンが無効です ZQX90110Kp3mW9xL2vB8",
                "アクセストークンが無効です …",
            ),
            ("トークン: zqkhorsebatterystaple", "トークン: …"),
            (
                "アクセス トークン: zqkhorsebatterystaple",
                "アクセス トークン: …",
            ),
            (
                "액세스 토큰이 잘못되었습니다: ZQX90110Kp3mW9xL2vB8",
                "액세스 토큰이 잘못되었습니다: …",
            ),
            ("토큰: zqkhorsebatterystaple", "토큰: …"),
            (
                "Jetons d'accès invalides : ZQX90110Kp3mW9xL2vB8",
                "Jetons d'accès invalides : …",
            ),
            ("jetons : zqkhorsebatterystaple", "jetons : …"),
            ("无效的令牌: ZQX90110Kp3mW9xL2vB8", "无效的令牌: …"),
        ]);
    }

    #[test]
    fn api_key_in_japanese_after_kana_or_kanji_names_a_credential() {
        assert_cut([
            (
                "無効なAPIキーです: ZQX90110Kp3mW9xL2vB8",
                "無効なAPIキーです: …",
            ),
            (
                "このAPIキーは無効です: ZQX90110Kp3mW9xL2vB8",
                "このAPIキーは無効です: …",
            ),
            (
                "無効なAPIキーが指定されました。ZQX90110Kp3mW9xL2vB8",
                // A run without spaces holding a digit is one word.
                "…",
            ),
            ("不正なAPIキー: zqkhorsebatterystaple", "不正なAPIキー: …"),
        ]);
        // A word ending in `api` before `キー` is still none.
        assert_kept(["rapiキーボード model-2024-v2"]);
    }

    #[test]
    fn secret_and_access_keys_and_traditional_chinese_tokens_are_names() {
        let v = "ZQX90110Kp3mW9xL2vB8";
        assert_cut(
            [
                "存取權杖無效：",
                "權杖無效：",
                "無效的存取權杖 ",
                "Clé secrète invalide : ",
                "Clé d'accès invalide : ",
                "Clave secreta incorrecta: ",
                "Clave de acceso no válida: ",
                "Chave secreta inválida: ",
                "Chave de acesso inválida: ",
                "アクセスキーが無効です: ",
                "認証キーが無効です: ",
                "액세스 키가 잘못되었습니다: ",
                "인증키가 유효하지 않습니다: ",
                "등록되지 않은 서비스키입니다: ",
            ]
            .map(|t| (format!("{t}{v}"), format!("{t}…"))),
        );
        assert_cut([
            ("CLÉ SECRÈTE : zqkhorsebatterystaple", "CLÉ SECRÈTE : …"),
            (
                "clave de acceso: zqkhorsebatterystaple",
                "clave de acceso: …",
            ),
            ("Chave secreta = zqkhorsebatterystaple", "Chave secreta = …"),
        ]);
        // Counted tokens in Traditional Chinese, and words near these names, are none.
        assert_kept([
            "每分鐘權杖數上限為 128000 (gpt-4o-2024-08-06) req_011CRvZ4k8",
            "la clave del éxito model-2024-v2 ZQX90110Kp3mW9xL2vB8",
            "une clé secrètement gardée model-2024-v2 ZQX90110Kp3mW9xL2vB8",
        ]);
    }

    #[test]
    fn a_word_alone_in_cjk_or_written_brackets_after_a_name_goes() {
        let v = "zqkhorsebatterystaple";
        assert_cut(
            [
                ("invalid api key「", "」"),
                ("invalid api key『", "』"),
                ("invalid api key（", "）"),
                ("invalid api key【", "】"),
                ("invalid api key《", "》"),
                ("invalid api key〈", "〉"),
                ("invalid api key⟨", "⟩"),
                ("invalid api key ((", "))"),
                ("invalid api key ( ", " )"),
                ("invalid api key &lt;", "&gt;"),
                ("invalid api key &#40;", "&#41;"),
                ("APIキー「", "」は無効です"),
                ("不正なAPIキー「", "」が指定されました"),
            ]
            .map(|(open, close)| (format!("{open}{v}{close}"), format!("{open}…{close}"))),
        );
        // Prose and a markup tag in them stay, as in ASCII brackets.
        assert_kept([
            "invalid api key（expired）",
            "the api key &lt;code&gt;",
            "the api key 【see the docs】 was refused",
        ]);
    }

    /// Hostile run 30 D3: session cookies by names the list lacked, and a cookie set by
    /// any name.
    #[test]
    fn session_cookies_by_any_name_lose_their_values() {
        let v = "s%3AZQXSECRETabcdefghijklmnop.QRSTUVwxyz0123456789";
        for (text, name) in [
            (format!("connect.sid={v}; Path=/; HttpOnly"), "connect.sid="),
            (
                format!("session expired for connect.sid={v}"),
                "connect.sid=",
            ),
            (format!("github session _gh_sess={v}"), "_gh_sess="),
            (format!("stale sticky session AWSALB={v}"), "AWSALB="),
            (format!("SESS: {v}"), "SESS: "),
            (format!("{{\"hmac\": \"{v}\"}}"), "\"hmac\": \""),
            (format!("cred={v}"), "cred="),
            (format!("map[connect.sid:[{v}]]"), "map[connect.sid:["),
            (format!("map[SESS:[{v}]]"), "map[SESS:["),
            (format!("{{'AWSALBCORS': '{v}'}}"), "'AWSALBCORS': '"),
            (format!("refresh={v}"), "refresh="),
            // A cookie of a name no list holds, told by how it is set.
            (
                format!("cookie was frameworkid={v}; Path=/"),
                "frameworkid=",
            ),
            (format!("appstate={v}; secure; SameSite=Lax"), "appstate="),
        ] {
            let shown = crate::redact::redacted(&text);
            assert!(!shown.contains("ZQXSECRET"), "{text:?} -> {shown:?}");
            assert!(shown.contains(name), "{text:?} -> {shown:?}");
        }
        assert_kept([
            "retry later; securely stored keys are not shown",
            "request failed; path not found: /v1/messages",
        ]);
    }
}
