//! aibridge's `apidump` convention: one interception as two files side by side,
//! `<dir>/<provider>/<model>/<unix-millis>-<interception-id>.req.txt` (the HTTP request)
//! and `….resp.txt` (the HTTP response as it streamed, cut short if the process stopped),
//! or `….req_error.txt` holding the error text when the upstream call failed. Passthrough
//! routes write `<dir>/<provider>/passthrough/<unix-millis>-<random-id>…` instead.
//!
//! Discovery pairs the halves by name; this module reads what the names say and frames a
//! pair into the exchange it holds.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::{Body, Exchange, Response, request, timestamp};
use crate::turn::Timing;

/// The request half's suffix.
pub const REQUEST: &str = ".req.txt";
/// The response half's suffix.
pub const RESPONSE: &str = ".resp.txt";
/// The suffix of the half a failed upstream call leaves instead of a response.
pub const REQUEST_ERROR: &str = ".req_error.txt";

/// The folder aibridge writes passthrough traffic to, in place of a model.
const PASSTHROUGH: &str = "passthrough";

/// What may follow a half's suffix: nothing, or a compressed file's suffix (a dump folder
/// compressed by `gzip -r` or a log rotator). Such a half is read as what it holds, so it
/// pairs as a plain one does (hostile run 39: a `.resp.txt.gz` left its request half
/// "with no response").
const COMPRESSED: [&str; 3] = ["", ".gz", ".zst"];

/// The part of `path`'s file name before the half's `suffix` (and a compressed file's
/// suffix after it), when it has one: as bytes, since a name need not be UTF-8 (hostile
/// run 41: a pair so named was not paired).
fn stem<'a>(path: &'a Path, suffix: &str) -> Option<&'a [u8]> {
    let name = path.file_name()?.as_encoded_bytes();
    COMPRESSED
        .iter()
        .find_map(|compressed| {
            let name = name.strip_suffix(compressed.as_bytes())?;
            name.strip_suffix(suffix.as_bytes())
        })
        .filter(|stem| !stem.is_empty())
}

/// The file name `stem` stands for, its bytes as [`stem`] gave them.
#[cfg(unix)]
fn os_name(stem: &[u8]) -> Option<OsString> {
    use std::os::unix::ffi::OsStrExt;
    Some(std::ffi::OsStr::from_bytes(stem).to_os_string())
}

/// The file name `stem` stands for, when it is UTF-8 (elsewhere a name's bytes are no
/// name of their own).
#[cfg(not(unix))]
fn os_name(stem: &[u8]) -> Option<OsString> {
    std::str::from_utf8(stem).ok().map(OsString::from)
}

/// The files beside `path` that would be its other half, of suffix `to`, when `path` is a
/// half of suffix `from`: plain or compressed, those that exist, readable or not (a link
/// to nothing, a pipe or a folder so named is a half that cannot be read, not no half:
/// discovery says so).
fn halves_beside<'a>(
    path: &'a Path,
    from: &str,
    to: &'a str,
) -> impl Iterator<Item = PathBuf> + 'a {
    let stem = stem(path, from).and_then(os_name);
    COMPRESSED
        .iter()
        .filter_map(move |compressed| {
            let mut name = stem.clone()?;
            name.push(to);
            name.push(compressed);
            Some(path.with_file_name(name))
        })
        .filter(|p| p.symlink_metadata().is_ok())
}

/// The response halves that exist beside the request half `path` (none when `path` is no
/// `.req.txt`), readable or not.
pub fn responses_beside(path: &Path) -> Vec<PathBuf> {
    [RESPONSE, REQUEST_ERROR]
        .iter()
        .flat_map(|suffix| halves_beside(path, REQUEST, suffix))
        .collect()
}

/// The request half that exists beside the response half `path`, readable or not.
pub fn request_beside(path: &Path) -> Option<PathBuf> {
    (halves_beside(path, RESPONSE, REQUEST).next())
        .or_else(|| halves_beside(path, REQUEST_ERROR, REQUEST).next())
}

/// Whether `path` is the error half of a dump.
pub fn is_request_error(path: &Path) -> bool {
    stem(path, REQUEST_ERROR).is_some()
}

/// Whether `path` is the response half of a dump.
pub fn is_response(path: &Path) -> bool {
    stem(path, RESPONSE).is_some()
}

/// What a dump's path says about its interception.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    pub provider: Option<String>,
    /// The model folder (aibridge writes `/` in model names as `-`); none for passthrough.
    pub model: Option<String>,
    /// None for passthrough dumps, whose id is random, not an interception's.
    pub interception_id: Option<String>,
    /// When the gateway took the request, as Unix milliseconds.
    pub started_ms: Option<i64>,
}

/// The provider folders a gateway dump is written under (aibridge's provider names, and
/// those of the gateways and clouds that front the same APIs).
const PROVIDERS: [&str; 8] = [
    "anthropic",
    "openai",
    "bedrock",
    "vertex",
    "azure",
    "copilot",
    "openrouter",
    "google",
];

impl Meta {
    /// What `path` says, when its file name follows the convention
    /// (`<unix-millis>-<id>` and one of the three suffixes).
    pub fn of(path: &Path) -> Option<Meta> {
        let stem = [REQUEST, RESPONSE, REQUEST_ERROR]
            .iter()
            .find_map(|suffix| stem(path, suffix))?;
        let dash = stem.iter().position(|&b| b == b'-')?;
        let (millis, id) = (&stem[..dash], &stem[dash + 1..]);
        if millis.is_empty() || !millis.iter().all(u8::is_ascii_digit) || id.is_empty() {
            return None;
        }
        let millis = std::str::from_utf8(millis).ok()?;
        // An id that is not UTF-8 has its bad bytes replaced, as JSON has no room for them.
        let id = String::from_utf8_lossy(id);
        // The folders above tell provider and model; a relative path is made whole first.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let mut folders = absolute
            .parent()
            .into_iter()
            .flat_map(Path::iter)
            .rev()
            .map(|f| f.to_str());
        // A folder whose name is not UTF-8 names no model or provider, and stays in its
        // place (hostile run 41: passed over, it credited the folders above it).
        let model_folder = folders.next().flatten();
        let provider_folder = folders.next().flatten();
        // The two folders name provider and model only where the dump still stands in the
        // gateway's layout: a pair copied into `Downloads/` says nothing of either.
        let in_layout = provider_folder.is_some_and(|p| PROVIDERS.contains(&p));
        let model = model_folder.filter(|_| in_layout).map(str::to_string);
        let provider = provider_folder.filter(|_| in_layout).map(str::to_string);
        let passthrough = model.as_deref() == Some(PASSTHROUGH);
        Some(Meta {
            provider,
            model: model.filter(|_| !passthrough),
            interception_id: (!passthrough).then(|| id.to_string()),
            started_ms: millis.parse().ok(),
        })
    }

    /// The timing a dump carries: its start only.
    pub fn timing(&self) -> Option<Timing> {
        let started_at = self.started_ms.and_then(timestamp::format_millis)?;
        Some(Timing {
            started_at: Some(started_at),
            ..Timing::default()
        })
    }
}

/// The exchange of a failed upstream call: `text`, the error left in place of a response.
pub fn request_error(text: &[u8]) -> Exchange<'_> {
    Exchange {
        request_error: Some(text),
        ..Exchange::of(Response {
            status: None,
            body: Body::Empty,
            content_type: None,
            first_line: 1,
            credentials: Default::default(),
        })
    }
}

/// Makes the framed exchanges of a pair's response half answer the request half
/// `request_data`, and take their time and model from the pair's names.
pub fn answering<'a>(
    exchanges: &mut [Exchange<'a>],
    request_data: Option<&'a [u8]>,
    meta: Option<&Meta>,
) {
    for exchange in exchanges {
        if exchange.request.is_none() {
            exchange.request = request_data.map(request);
        }
        if let Some(meta) = meta {
            exchange.timing = meta.timing();
            exchange.model = meta.model.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_outside_the_gateway_layout_name_no_provider_or_model() {
        let meta = Meta::of(Path::new("/home/me/Downloads/1700000000000-abc.resp.txt")).unwrap();
        assert_eq!((meta.provider, meta.model), (None, None));
        assert_eq!(meta.interception_id.as_deref(), Some("abc"));
    }

    #[test]
    fn interception_names() {
        let meta = Meta::of(Path::new(
            "/d/anthropic/claude-sonnet-4-0/1712345678901-0c9a0b1e-2f4d-4c55-9a31-5b1f0f7e2d11.resp.txt",
        ))
        .unwrap();
        assert_eq!(meta.provider.as_deref(), Some("anthropic"));
        assert_eq!(meta.model.as_deref(), Some("claude-sonnet-4-0"));
        assert_eq!(
            meta.interception_id.as_deref(),
            Some("0c9a0b1e-2f4d-4c55-9a31-5b1f0f7e2d11")
        );
        assert_eq!(
            meta.timing().unwrap().started_at.as_deref(),
            Some("2024-04-05T19:34:38.901Z")
        );
    }

    #[test]
    fn passthrough_and_other_names() {
        let meta = Meta::of(Path::new(
            "/d/openai/passthrough/1712345678901-abcd.req.txt",
        ))
        .unwrap();
        assert_eq!(meta.provider.as_deref(), Some("openai"));
        assert_eq!(meta.model, None);
        assert_eq!(meta.interception_id, None);
        assert_eq!(Meta::of(Path::new("/d/x/capture.resp.txt")), None);
        assert_eq!(Meta::of(Path::new("/d/x/123-abc.sse")), None);
    }

    #[test]
    fn suffixes() {
        assert_eq!(stem(Path::new("a/1-x.req.txt"), REQUEST), Some(&b"1-x"[..]));
        assert_eq!(
            stem(Path::new("a/1-x.resp.txt.gz"), RESPONSE),
            Some(&b"1-x"[..])
        );
        assert_eq!(
            stem(Path::new("a/1-x.req.txt.zst"), REQUEST),
            Some(&b"1-x"[..])
        );
        assert_eq!(stem(Path::new("a/1-x.req_error.txt"), REQUEST), None);
        assert_eq!(stem(Path::new("a/1-x.req.txt.bz2"), REQUEST), None);
        assert_eq!(stem(Path::new("a/.req.txt"), REQUEST), None);
        assert!(is_request_error(Path::new("a/1-x.req_error.txt")));
        assert!(is_request_error(Path::new("a/1-x.req_error.txt.gz")));
        assert!(is_response(Path::new("a/1-x.resp.txt.zst")));
        let meta = Meta::of(Path::new("/d/openai/gpt-4o/1712345678901-abcd.resp.txt.gz"));
        assert_eq!(meta.unwrap().interception_id.as_deref(), Some("abcd"));
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_pair_and_stay_in_place() {
        // Hostile run 41: such a name was no half, and such a folder was passed over, the
        // folders above it taken for model and provider.
        use std::os::unix::ffi::OsStrExt;
        let path = |bytes: &[u8]| PathBuf::from(std::ffi::OsStr::from_bytes(bytes));
        let dir = std::env::temp_dir().join(format!("aibridge-dump-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let request = dir.join(path(b"1746180000123-ab\xffcd.req.txt"));
        let response = dir.join(path(b"1746180000123-ab\xffcd.resp.txt"));
        std::fs::write(&request, "").unwrap();
        std::fs::write(&response, "").unwrap();
        assert_eq!(responses_beside(&request), std::slice::from_ref(&response));
        assert_eq!(request_beside(&response), Some(request));
        std::fs::remove_dir_all(&dir).unwrap();
        let meta = Meta::of(&response).unwrap();
        assert_eq!(meta.interception_id.as_deref(), Some("ab\u{fffd}cd"));
        let moved = path(b"/n/anthropic/claude-sonnet-4-5/s\xffb/1746180000123-2b7e.resp.txt");
        let meta = Meta::of(&moved).unwrap();
        assert_eq!((meta.provider, meta.model), (None, None));
    }
}
