//! Unnamed temporary files, for what a run holds until its end that need not stay in
//! memory (the turns' texts until they are printed, a JUnit report's test cases until the
//! totals that come before them are known). Each is made in the temporary folder
//! (`TMPDIR`), readable only by the user who runs this tool, and its name is removed as
//! soon as it is made: it lives on, nameless, while the run has it open, so nothing is left
//! behind.

use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// A new scratch file; `what` ends its short-lived name (`turns`, `junit`).
pub fn file(what: &str) -> io::Result<File> {
    let mut options = File::options();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut attempt = 0;
    loop {
        let path = temporary_path(what, attempt);
        match options.open(&path) {
            Ok(file) => {
                // Removing an open file's name works on Unix; elsewhere it fails, and the
                // file is left for the system's temporary folder cleaning.
                let _ = std::fs::remove_file(&path);
                return Ok(file);
            }
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists && attempt < 16 => {
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

fn temporary_path(what: &str, attempt: u32) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    std::env::temp_dir().join(format!(
        "aibridge-trace-{}-{nanos:08x}-{attempt}.{what}",
        std::process::id()
    ))
}

/// Bytes appended through a run and written out whole at its end: held in memory up to
/// [`Spool::KEPT`], the rest in a scratch file. Where no file can be made, all stay in
/// memory.
#[derive(Debug)]
pub struct Spool {
    /// What the file would hold, for its name.
    what: &'static str,
    kept: Vec<u8>,
    file: Option<File>,
    /// No file could be made: everything stays in `kept`.
    failed: bool,
}

impl Spool {
    /// Bytes held in memory before the rest go to a file.
    pub const KEPT: usize = 4 << 20;

    /// An empty spool; `what` ends its file's short-lived name.
    pub fn new(what: &'static str) -> Spool {
        Spool {
            what,
            kept: Vec::new(),
            file: None,
            failed: false,
        }
    }

    pub fn push(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(file) = &mut self.file {
            return file.write_all(bytes);
        }
        self.kept.extend_from_slice(bytes);
        if self.kept.len() > Self::KEPT && !self.failed {
            match file(self.what) {
                Ok(mut file) => {
                    file.write_all(&self.kept)?;
                    self.kept = Vec::new();
                    self.file = Some(file);
                }
                Err(_) => self.failed = true,
            }
        }
        Ok(())
    }

    /// Writes every byte pushed, in order, to `out`.
    pub fn write_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match &mut self.file {
            Some(file) => {
                file.seek(SeekFrom::Start(0))?;
                io::copy(file, out).map(drop)
            }
            None => out.write_all(&self.kept),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_gives_back_what_it_took_in_order_past_what_it_keeps() {
        let mut spool = Spool::new("test");
        let line = b"<testcase name=\"x\"/>\n";
        let times = Spool::KEPT / line.len() * 3;
        for _ in 0..times {
            spool.push(line).unwrap();
        }
        assert!(spool.file.is_some() || spool.failed);
        assert!(spool.kept.len() <= Spool::KEPT + line.len());
        let mut out = Vec::new();
        spool.write_to(&mut out).unwrap();
        assert_eq!(out, line.repeat(times));
    }
}
