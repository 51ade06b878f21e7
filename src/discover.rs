//! Finding inputs: the paths given (`-` for stdin), with folders walked recursively in
//! sorted order, and gateway dump halves (`NAME.req.txt` beside `NAME.resp.txt`) paired.
//!
//! Inside a walk, hidden files and folders (a leading `.`) are skipped unless `--hidden`,
//! version-control folders always, and `--glob` / `--exclude` patterns choose files. Links
//! to folders are followed, and a link back to a folder above is reported as a loop rather
//! than walked forever. Files named on the command line are always read.
//!
//! Only regular files are read (and stdin, as `-`): a device never ends (`/dev/zero`), and
//! a named pipe with no writer blocks forever. Named on the command line, such a path
//! fails; found in a folder, it is skipped with a note. A folder named on the command line
//! that gives nothing to read fails too: a path that reads nothing is most likely a
//! mistake (a wrong folder, a glob that matches nothing), and `validate` in CI must not
//! pass on it.

mod filter;
mod shard;

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

pub use filter::Filter;
pub use shard::Shard;

use crate::frame::dump as dump_names;
use crate::read::{STDIN, is_stdin, kernel, not_regular};

/// How stdin is named in turns and messages.
pub const STDIN_DISPLAY: &str = "<stdin>";

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The path as the user wrote it, joined with the walked relative path.
    pub display: String,
    /// Named on the command line, or found in a folder under a capture's name
    /// ([`named_as_capture`]): a file that holds no capture is then a failure, not a file
    /// passed over.
    pub claimed: bool,
    /// The request half of a gateway dump pair: `NAME.req.txt` beside this `NAME.resp.txt`
    /// (or `NAME.req_error.txt`).
    pub request: Option<PathBuf>,
    /// Bytes to read (both halves of a pair), when known: for progress.
    pub size: Option<u64>,
    /// Its place among every input the paths give, `--shard` aside: turns read back from
    /// several parts are put back in the order of one whole run.
    pub ordinal: usize,
    /// The run's id: a hash of what the paths give, in order (`--shard` aside), the same for
    /// every part of a split run. It tells the turns of one run's parts from those of
    /// another run's parts that a corpus may hold, whose places are no places in this run.
    pub run: u64,
}

/// An input, a path that could not be walked, or one found in a folder that is no file to
/// read (a device, a named pipe).
#[derive(Debug)]
pub enum Found {
    Input(Input),
    Error { display: String, message: String },
    Skipped { display: String, message: String },
}

impl Found {
    /// How the input is named to the user.
    pub fn display(&self) -> &str {
        match self {
            Found::Input(input) => &input.display,
            Found::Error { display, .. } | Found::Skipped { display, .. } => display,
        }
    }
}

/// Every input below `paths`, in the order given, each folder's files sorted by name; with
/// `--shard`, only those of its part ([`Shard`]). `stdin_closed` says the process started
/// with no standard input (`<&-`), which would read as an empty file: `-` then fails,
/// saying so.
pub fn discover(paths: &[PathBuf], filter: &Filter, stdin_closed: bool) -> Vec<Found> {
    let mut found = Vec::new();
    let mut stdin_taken = false;
    for path in paths {
        let display = path_text(path);
        if is_stdin(path) {
            if std::mem::replace(&mut stdin_taken, true) {
                found.push(Found::Error {
                    display: STDIN_DISPLAY.to_string(),
                    message: "stdin is named more than once; it is read once".to_string(),
                });
            } else if stdin_closed {
                found.push(Found::Error {
                    display: STDIN_DISPLAY.to_string(),
                    message: "standard input is closed (`<&-`?): there is nothing to read"
                        .to_string(),
                });
            } else {
                found.push(Found::Input(Input {
                    path: PathBuf::from(STDIN),
                    display: STDIN_DISPLAY.to_string(),
                    claimed: true,
                    request: None,
                    size: None,
                    ordinal: 0,
                    run: 0,
                }));
            }
            continue;
        }
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = found.len();
                walk(path, &display, filter, &mut found);
                if found.len() == before {
                    found.push(Found::Error {
                        display,
                        message: NOTHING_IN_FOLDER.to_string(),
                    });
                }
            }
            Ok(meta) if meta.is_file() => named_file(path, display, meta.len(), &mut found),
            Ok(meta) => found.push(Found::Error {
                display,
                message: format!(
                    "{}, not a regular file: not read (a stream can come in on stdin, as `-`)",
                    not_regular(&meta.file_type())
                ),
            }),
            Err(err) => found.push(Found::Error {
                display,
                message: io_message(&err),
            }),
        }
    }
    drop_repeated_pairs(&mut found);
    let displays: Vec<&str> = found.iter().map(Found::display).collect();
    let run = crate::stable_hash::of_parts(&displays, b'R');
    for (ordinal, found) in found.iter_mut().enumerate() {
        if let Found::Input(input) = found {
            input.ordinal = ordinal;
            input.run = run;
        }
    }
    if let Some(shard) = filter.shard {
        found.retain(|f| shard.takes(f.display()));
    }
    found
}

/// Why a folder named on the command line gave no input.
const NOTHING_IN_FOLDER: &str = "no file to read in this folder: it is empty, or every file in \
     it is hidden (read with --hidden) or left out by --glob or --exclude";

/// A file named on the command line. Naming either half of a dump pair reads the pair.
fn named_file(path: &Path, display: String, size: u64, found: &mut Vec<Found>) {
    let responses = dump_names::responses_beside(path);
    if responses.is_empty() {
        found.push(file_input(path.to_path_buf(), display, true, size));
        return;
    }
    for response in responses {
        let display = display_beside(&display, &response);
        match other_half(&response) {
            Ok(len) => found.push(Found::Input(Input {
                request: Some(path.to_path_buf()),
                claimed: true,
                size: Some(size + len),
                ..input(response, display)
            })),
            Err(message) => found.push(Found::Error { display, message }),
        }
    }
}

/// The size of `half`, the other half of a dump pair beside a named half; or why it cannot
/// be read, and then neither half is read. The pair is one input, and its named half alone
/// would read as something else ("a request, with no response", a turn with no request)
/// and pass `validate` (hostile run 62).
fn other_half(half: &Path) -> Result<u64, String> {
    let why = match fs::metadata(half) {
        Ok(meta) if meta.is_file() => return Ok(meta.len()),
        Ok(meta) => format!("{}, not a regular file", not_regular(&meta.file_type())),
        Err(err) => io_message(&err),
    };
    Err(format!(
        "{why}: not read, nor the other half of its dump pair"
    ))
}

/// `display` with its file name replaced by `sibling`'s: how a dump's other half is named.
pub fn display_beside(display: &str, sibling: &Path) -> String {
    let name = sibling.file_name().unwrap_or_default();
    path_text(&Path::new(display).with_file_name(name))
}

/// A path as text for every output and message: bytes that are no UTF-8 written as `\xFF`
/// escapes, not as `�`, so two names that differ only in such bytes are told apart.
pub fn path_text(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut text = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            text.push_str(chunk.valid());
            for byte in chunk.invalid() {
                let _ = write!(text, "\\x{byte:02X}");
            }
        }
        text
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// The extensions that name nothing but a capture, under which a file found in a folder
/// that holds none is a broken capture (a proxy's 502 page saved as `stream.sse`, a
/// fixture cut before its first section), not some other file to pass over: `validate
/// fixtures/` in CI must not pass it (hostile run 58). `.json`, `.jsonl`, `.yaml` and
/// `.txt` name much else besides, and `.http` names REST-client request files too.
const CAPTURE_EXTENSIONS: [&str; 3] = ["sse", "txtar", "har"];

/// Whether `path`'s name says it holds a capture: a [`CAPTURE_EXTENSIONS`] one, compressed
/// or not (`traffic.har.gz`).
pub fn named_as_capture(path: &Path) -> bool {
    let compressed = ["gz", "zst"];
    let extension = |path: &Path| {
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
    };
    let inner = match extension(path) {
        Some(outer) if compressed.contains(&outer.as_str()) => {
            path.file_stem().and_then(|stem| extension(Path::new(stem)))
        }
        outer => outer,
    };
    inner.is_some_and(|e| CAPTURE_EXTENSIONS.contains(&e.as_str()))
}

/// A file to read, with the request half of its dump pair when there is one. Named on the
/// command line, a request half there that cannot be read fails the pair; in a walk, the
/// walk itself reports that half where it finds it, and the file is read alone.
fn file_input(path: PathBuf, display: String, explicit: bool, size: u64) -> Found {
    let mut request = dump_names::request_beside(&path);
    let mut half_len = 0;
    if let Some(half) = &request {
        match other_half(half) {
            Ok(len) => half_len = len,
            Err(message) if explicit => {
                let display = display_beside(&display, half);
                return Found::Error { display, message };
            }
            Err(_) => request = None,
        }
    }
    Found::Input(Input {
        claimed: explicit || named_as_capture(&path),
        request,
        size: Some(size + half_len),
        ..input(path, display)
    })
}

/// A file to read, on its own, not yet claimed.
fn input(path: PathBuf, display: String) -> Input {
    Input {
        path,
        display,
        claimed: false,
        request: None,
        size: None,
        ordinal: 0,
        run: 0,
    }
}

fn walk(root: &Path, display: &str, filter: &Filter, found: &mut Vec<Found>) {
    let shown = |path: &Path| match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => display.to_string(),
        Ok(rel) => path_text(&Path::new(display).join(rel)),
        Err(_) => path_text(path),
    };
    let mut walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            e.depth() == 0 || !e.file_type().is_dir() || filter.enters(root, e.path())
        });
    // How many times each folder (by its identity on disk) was walked through links: links
    // may lead into one folder many ways (two links in each of 15 folders to the next made
    // 32,768 paths to one file). A folder's own path is always walked, and each link to it
    // among the first few (a glob may name any of them); past those, links to it are passed
    // over, so a walk stays linear in what is on disk.
    let mut through_links: HashMap<FolderId, usize> = HashMap::new();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(root);
                found.push(Found::Error {
                    display: shown(path),
                    message: walk_message(&err, &shown),
                });
                continue;
            }
        };
        let linked = entry.path_is_symlink();
        // The kernel's file systems hold no capture, and their files may never end.
        if (entry.file_type().is_dir() || linked) && kernel::of_path(entry.path()).is_some() {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_dir() {
            if let Some(id) = linked.then(|| folder_id(&entry)).flatten() {
                let walks = through_links.entry(id).or_default();
                *walks += 1;
                if *walks > WALKS_THROUGH_LINKS {
                    walker.skip_current_dir();
                }
            }
            continue;
        }
        if !filter.reads(root, entry.path()) {
            continue;
        }
        if !entry.file_type().is_file() {
            found.push(Found::Skipped {
                display: shown(entry.path()),
                message: format!("{}, not a regular file", not_regular(&entry.file_type())),
            });
            continue;
        }
        let path = entry.path();
        // The request half of a pair is read with its response, where the walk finds that.
        // A half that is no regular file is reported where the walk finds it.
        if dump_names::responses_beside(path)
            .iter()
            .any(|r| r.is_file() && filter.reads(root, r))
        {
            continue;
        }
        let size = entry.metadata().map_or(0, |m| m.len());
        found.push(file_input(path.to_path_buf(), shown(path), false, size));
    }
}

/// The most times a walk enters one folder through links (its own path aside).
const WALKS_THROUGH_LINKS: usize = 8;

/// A folder's identity on disk: its device and inode.
type FolderId = (u64, u64);

/// The identity of the folder `entry` is (or leads to, through links); `None` where the
/// system does not say, and then the folder is walked each way it is reached.
fn folder_id(entry: &walkdir::DirEntry) -> Option<FolderId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = entry.metadata().ok()?;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = entry;
        None
    }
}

fn walk_message(err: &walkdir::Error, shown: &dyn Fn(&Path) -> String) -> String {
    if let Some(ancestor) = err.loop_ancestor() {
        return format!(
            "a directory loop: this link leads back to {}; not followed",
            shown(ancestor)
        );
    }
    match err.io_error() {
        Some(io) => io_message(io),
        None => err.to_string(),
    }
}

/// Naming both halves of a pair, or a folder and a file in it, reads the pair once.
fn drop_repeated_pairs(found: &mut Vec<Found>) {
    let mut seen = HashSet::new();
    found.retain(|f| match f {
        Found::Input(
            input @ Input {
                request: Some(_), ..
            },
        ) => seen.insert((input.path.clone(), input.request.clone())),
        _ => true,
    });
}

/// An I/O error as a short message, without Rust's "(os error N)" suffix.
pub fn io_message(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}
