//! Finding inputs: the paths given, with directories walked recursively in sorted order.
//!
//! Hidden files and folders (a leading `.`, so `.git` too) are skipped inside a walk, and
//! symbolic links to folders are not followed, so a link loop cannot trap the walk.

use std::fs;
use std::path::{Path, PathBuf};

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The path as the user wrote it, joined with the walked relative path.
    pub display: String,
    /// Named on the command line (not found by walking a folder).
    pub explicit: bool,
}

/// An input, or a path that could not be walked.
#[derive(Debug)]
pub enum Found {
    Input(Input),
    Error { display: String, message: String },
}

/// Every input below `paths`, in the order given, each folder's files sorted by name.
pub fn discover(paths: &[PathBuf]) -> Vec<Found> {
    let mut found = Vec::new();
    for path in paths {
        let display = path.display().to_string();
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &display, &mut found),
            Ok(_) => found.push(Found::Input(Input {
                path: path.clone(),
                display,
                explicit: true,
            })),
            Err(err) => found.push(Found::Error {
                display,
                message: io_message(&err),
            }),
        }
    }
    found
}

fn walk(dir: &Path, display: &str, found: &mut Vec<Found>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            found.push(Found::Error {
                display: display.to_string(),
                message: io_message(&err),
            });
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let shown = Path::new(display).join(&name).display().to_string();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, &shown, found);
        } else if kind.is_file() || (kind.is_symlink() && path.is_file()) {
            found.push(Found::Input(Input {
                path,
                display: shown,
                explicit: false,
            }));
        }
    }
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
