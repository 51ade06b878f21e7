//! Reading an input's bytes.

use std::path::Path;

/// The whole content of `path`.
pub fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    std::fs::read(path)
}
