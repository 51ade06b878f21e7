//! Reading an input's bytes: a file, or stdin for `-`, decompressed when its first bytes say
//! it is gzip or zstd (whatever its name says), within the bound [`decompress`] sets.

pub mod decompress;
pub mod kernel;

use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use decompress::Codec;

/// The path that names stdin on the command line.
pub const STDIN: &str = "-";

/// Whether `path` is the command line's `-`. A file of that name found in a folder always
/// has the folder before it, so it is never taken for stdin.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

/// The most read from stdin. A file's size bounds what is read of it, but a pipe may never
/// end (`yes | aibridge-trace inspect -`), and a capture is held whole to be framed, so an
/// endless one would fill memory. No real capture comes near this; a bigger one can be saved
/// to a file and named.
pub const STDIN_LIMIT: u64 = 1 << 30;

/// How much more than its size a regular file may give: one being written to while it is
/// read grows a little, but a file that says it is empty and never ends (`/proc/self/pagemap`)
/// would fill memory.
pub const GROWTH: u64 = 64 << 20;

/// Opens `path` to read without waiting to be opened: a named pipe put where a regular
/// file was when the inputs were listed (renamed over it while the run went on) would block
/// the open until something writes to it. A regular file reads the same either way.
pub fn open_file(path: &Path) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

/// What a path that is no regular file is (a folder, a pipe, a device), for messages.
pub fn not_regular(kind: &std::fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        } else if kind.is_char_device() {
            return "a character device";
        } else if kind.is_block_device() {
            return "a block device";
        } else if kind.is_socket() {
            return "a socket";
        }
    }
    let _ = kind;
    "something"
}

/// An input's source, counting what it reads towards [`decompress::count_source`], and
/// failing once it gave more than its limit.
struct Source<R> {
    inner: R,
    left: u64,
    over: Over,
}

/// What an input's source may give.
#[derive(Clone, Copy)]
enum Over {
    /// A pipe: [`STDIN_LIMIT`].
    Pipe,
    /// A regular file of `size` bytes: that and [`GROWTH`].
    File { size: u64 },
}

impl Over {
    /// The most bytes the source may give.
    fn limit(self) -> u64 {
        match self {
            Over::Pipe => STDIN_LIMIT,
            Over::File { size } => size.saturating_add(GROWTH),
        }
    }

    /// The error of a source that gave more.
    fn error(self) -> io::Error {
        let why = match self {
            Over::File { size } => format!(
                "gives more than its size ({size} bytes) and {} MiB more: not a file to read \
                 whole (a special file, as in /proc, or one still growing)",
                GROWTH >> 20
            ),
            Over::Pipe => format!(
                "more than {} GiB through a pipe, the most read from one; save it to a file \
                 and name the file",
                STDIN_LIMIT >> 30
            ),
        };
        io::Error::new(io::ErrorKind::InvalidData, why)
    }
}

impl<R> Source<R> {
    fn limited(inner: R, over: Over) -> Source<R> {
        Source::after(inner, over, 0)
    }

    /// A source of which `read` bytes were read already.
    fn after(inner: R, over: Over, read: u64) -> Source<R> {
        let left = over.limit().saturating_sub(read);
        Source { inner, left, over }
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // Never asked for more than one byte past the limit: a device hands over as much as
        // it is asked for, and one big read past the limit would fill memory the limit is
        // there to keep free (the byte past it says the limit was passed).
        let room = usize::try_from(self.left.saturating_add(1)).unwrap_or(usize::MAX);
        let len = buf.len().min(room);
        let n = self.inner.read(&mut buf[..len])?;
        decompress::count_source(n);
        self.left = (self.left)
            .checked_sub(n as u64)
            .ok_or_else(|| self.over.error())?;
        Ok(n)
    }
}

/// Up to `n` first bytes of `reader`, and a reader that still yields them: sniffing must
/// not lose what it looked at, and a pipe may hand over fewer bytes per read than asked.
pub fn peek<'a>(
    mut reader: impl Read + Send + 'a,
    n: usize,
) -> io::Result<(Vec<u8>, Box<dyn BufRead + Send + 'a>)> {
    let mut head = Vec::with_capacity(n);
    (&mut reader).take(n as u64).read_to_end(&mut head)?;
    let rest = Peeked {
        filled: head.len(),
        buf: head.clone(),
        pos: 0,
        inner: reader,
    };
    Ok((head, Box::new(rest)))
}

/// Bytes a reader takes from its source at a time when it is read in small pieces.
const BUFFER: usize = 1 << 16;

/// A read of at least this many bytes is not small: it is not buffered.
const DIRECT: usize = 256;

/// A reader that yields the bytes sniffing looked at, then the rest of its source. Read
/// whole (every capture but a HAR), the rest goes from the source straight into the
/// caller's vector: no buffer in between to set up, fill and copy out of, per file. Read in
/// small pieces (a HAR, which serde_json reads a byte at a time), it buffers as a
/// `BufReader` does.
struct Peeked<R> {
    /// What is buffered: first the sniffed bytes, later what was read ahead.
    buf: Vec<u8>,
    /// Where reading is in `buf`.
    pos: usize,
    /// How much of `buf` holds bytes.
    filled: usize,
    inner: R,
}

impl<R: Read> Read for Peeked<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        // Only small reads are buffered (serde_json reads a HAR a byte at a time); sniffing
        // the next layer's first bytes, or reading the rest whole, goes straight through.
        if self.pos == self.filled && out.len() >= DIRECT {
            return self.inner.read(out);
        }
        let n = self.fill_buf()?.read(out)?;
        self.consume(n);
        Ok(n)
    }

    fn read_to_end(&mut self, out: &mut Vec<u8>) -> io::Result<usize> {
        let buffered = self.filled - self.pos;
        out.extend_from_slice(&self.buf[self.pos..self.filled]);
        self.pos = self.filled;
        Ok(buffered + read_rest(&mut self.inner, out)?)
    }
}

impl<R: Read> BufRead for Peeked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.filled {
            if self.buf.len() < BUFFER {
                self.buf.resize(BUFFER, 0);
            }
            self.filled = self.inner.read(&mut self.buf)?;
            self.pos = 0;
        }
        Ok(&self.buf[self.pos..self.filled])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.filled);
    }
}

/// `raw`, decompressed when its magic number says so.
pub fn decompressed<'a>(raw: impl Read + Send + 'a) -> io::Result<Box<dyn BufRead + Send + 'a>> {
    let (head, reader) = peek(raw, 8)?;
    if let Some(format) = decompress::unsupported(&head) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{format}-compressed: only gzip and zstd files are read"),
        ));
    }
    match Codec::sniff(&head) {
        Some(codec) => Ok(Box::new(BufReader::with_capacity(
            1 << 16,
            decompress::decoder(codec, reader)?,
        ))),
        None => Ok(reader),
    }
}

/// The most zeroed ahead of a read of unknown length.
const PIECE: usize = 1 << 20;

/// Reads `reader` to its end onto `out`; how many bytes it read. A reader without its own
/// `read_to_end` gets std's, which zeroes as much room as the vector has before each read:
/// past a 1 GiB pipe that is a second GiB touched. Here at most [`PIECE`] is zeroed ahead.
fn read_rest(reader: &mut (impl Read + ?Sized), out: &mut Vec<u8>) -> io::Result<usize> {
    let start = out.len();
    let mut filled = start;
    let result = loop {
        if filled == out.len() {
            let ahead = (filled - start).clamp(1 << 13, PIECE);
            out.resize(filled + ahead, 0);
        }
        match reader.read(&mut out[filled..]) {
            Ok(0) => break Ok(filled - start),
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => break Err(err),
        }
    };
    out.truncate(filled);
    result
}

/// An input's content: whole, or, for a format read an entry at a time, its first bytes
/// and a reader of all of it (those bytes again first).
pub enum Opened {
    Whole(Vec<u8>),
    Streamed(Vec<u8>, Box<dyn BufRead + Send>),
}

/// Opens `path` (stdin for `-`) and reads it whole, decompressed, unless `streamed` says
/// from its first `sniff` bytes (decompressed) that it is read an entry at a time. Every
/// byte read from the source is counted to `tick` (progress).
///
/// A plain regular file, the usual input, is read with one read of its exact size into a
/// vector of that size, after the read of its first bytes: no buffer to fill and copy out
/// of, no vector to grow.
pub fn open(
    path: &Path,
    sniff: usize,
    streamed: impl Fn(&[u8]) -> bool,
    tick: fn(u64),
) -> io::Result<Opened> {
    if is_stdin(path) {
        let stdin = Source::limited(io::stdin(), Over::Pipe);
        return open_stream(Ticking(stdin, tick), sniff, streamed);
    }
    let mut file = open_file(path)?;
    if let Some(system) = kernel::of_file(&file) {
        return Err(io::Error::other(format!(
            "a file of the kernel's ({system}), which holds no capture and may never end: not read"
        )));
    }
    // The inputs found are regular files, but one may have been replaced since (a device
    // that never ends, a pipe that never writes): it is not read.
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{}, not a regular file (it was one when the inputs were listed): not read",
                not_regular(&meta.file_type())
            ),
        ));
    }
    let over = Over::File { size: meta.len() };
    let mut head = Vec::with_capacity(sniff);
    (&mut file).take(sniff as u64).read_to_end(&mut head)?;
    let coded = Codec::sniff(&head).is_some() || decompress::unsupported(&head).is_some();
    if coded || streamed(&head) {
        let rest = Source::after(file, over, head.len() as u64);
        let raw = io::Cursor::new(head).chain(rest);
        return open_stream(Ticking(raw, tick), sniff, streamed);
    }
    // `File::read_to_end` makes room for the size the file's metadata gives, at once, and
    // reads it in one go; a file that gives more than a little past that size fails.
    let mut data = head;
    let size = usize::try_from(meta.len()).unwrap_or(0);
    data.reserve_exact(size.saturating_sub(data.len()));
    let limit = over.limit();
    (&mut file)
        .take(limit.saturating_add(1).saturating_sub(data.len() as u64))
        .read_to_end(&mut data)?;
    decompress::count_source(data.len());
    if data.len() as u64 > limit {
        return Err(over.error());
    }
    tick(data.len() as u64);
    Ok(Opened::Whole(data))
}

/// [`open`] of a reader: sniffed after decompression, then read whole or streamed.
fn open_stream(
    raw: impl Read + Send + 'static,
    sniff: usize,
    streamed: impl Fn(&[u8]) -> bool,
) -> io::Result<Opened> {
    let (head, mut reader) = peek(decompressed(raw)?, sniff)?;
    // One layer is undone: a compressed file inside another (`gzip` run twice) would be
    // read as bytes of no format, and called no capture.
    if Codec::sniff(&head).is_some() || decompress::unsupported(&head).is_some() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a compressed file holding another compressed file: one layer is undone; \
             decompress it once first",
        ));
    }
    if streamed(&head) {
        return Ok(Opened::Streamed(head, reader));
    }
    let mut data = Vec::new();
    reader.read_to_end(&mut data)?;
    Ok(Opened::Whole(data))
}

/// A source whose reads are counted to a function (progress).
struct Ticking<R>(R, fn(u64));

impl<R: Read> Read for Ticking<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        (self.1)(n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn an_endless_pipe_is_read_up_to_its_limit() {
        let mut endless = Source::limited(io::repeat(b'a'), Over::Pipe);
        endless.left = 100_000;
        let err = endless.read_to_end(&mut Vec::new()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(
            err.to_string()
                .starts_with("more than 1 GiB through a pipe"),
            "{err}"
        );
        let mut all = Vec::new();
        Source::limited(&b"data: {}\n\n"[..], Over::Pipe)
            .read_to_end(&mut all)
            .unwrap();
        assert_eq!(all, b"data: {}\n\n");
    }

    /// A file that says it holds nothing but gives bytes without end (`/proc/self/pagemap`
    /// is one) is read no further than its size and a little more.
    #[test]
    fn a_file_giving_more_than_its_size_is_read_up_to_a_little_past_it() {
        let mut endless = Source::limited(io::repeat(b'a'), Over::File { size: 0 });
        let mut all = Vec::new();
        let err = endless.read_to_end(&mut all).unwrap_err();
        assert!(all.len() as u64 <= GROWTH);
        assert_eq!(
            err.to_string(),
            "gives more than its size (0 bytes) and 64 MiB more: not a file to read whole \
             (a special file, as in /proc, or one still growing)"
        );
        let pagemap = Path::new("/proc/self/pagemap");
        if pagemap.exists() {
            assert!(open(pagemap, 4096, |_| false, |_| {}).is_err());
        }
    }

    /// A found file replaced before it is read (renamed over by a pipe or a folder, linked
    /// to a device) fails at once: opening a pipe waits for a writer, and a device never ends.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_replaced_by_a_pipe_or_a_device_fails_without_waiting() {
        let dir = std::env::temp_dir().join(format!("aibridge-swap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let pipe = dir.join("capture.sse");
        let name = std::ffi::CString::new(pipe.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a NUL-terminated path that outlives the call.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        for (path, what) in [
            (pipe.as_path(), "a named pipe (FIFO)"),
            (Path::new("/dev/zero"), "a character device"),
            (dir.as_path(), "a folder"),
        ] {
            let Err(err) = open(path, 4096, |_| false, |_| {}) else {
                panic!("{} was read", path.display());
            };
            assert_eq!(
                err.to_string(),
                format!(
                    "{what}, not a regular file (it was one when the inputs were listed): not read"
                )
            );
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_device_on_stdin_is_never_asked_past_its_limit() {
        // A device fills any buffer whole, as /dev/zero does; this one notes the most it
        // was asked for at once.
        struct Device(usize);
        impl Read for Device {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.0 = self.0.max(buf.len());
                buf.fill(0);
                Ok(buf.len())
            }
        }
        let mut device = Device(0);
        let mut all = Vec::with_capacity(1 << 20);
        let mut source = Source::limited(&mut device, Over::Pipe);
        source.left = 100_000;
        let err = source.read_to_end(&mut all).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(device.0 <= 100_001, "asked for {} bytes at once", device.0);
        assert!(all.len() <= 100_000);
    }

    #[test]
    fn a_plain_file_is_read_whole_at_once_and_others_as_streams() {
        let dir = std::env::temp_dir().join(format!("aibridge-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let text: Vec<u8> = (0..300_000u32)
            .flat_map(|i| format!("data: {i}\n\n").into_bytes())
            .collect();
        let gz = {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&text).unwrap();
            gz.finish().unwrap()
        };
        static TICKED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let tick = |n: u64| {
            TICKED.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        };
        for (name, bytes) in [("plain.sse", &text), ("coded.sse.gz", &gz)] {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            TICKED.store(0, std::sync::atomic::Ordering::Relaxed);
            let Opened::Whole(data) = open(&path, 512, |_| false, tick).unwrap() else {
                panic!("{name} streamed")
            };
            assert!(data == text, "{name}");
            assert_eq!(
                TICKED.load(std::sync::atomic::Ordering::Relaxed),
                bytes.len() as u64
            );
            // Streamed when the first bytes say so, from its first byte.
            let Opened::Streamed(head, mut reader) =
                open(&path, 512, |h| h.starts_with(b"data: 0"), tick).unwrap()
            else {
                panic!("{name} read whole")
            };
            assert_eq!(head, &text[..512]);
            let mut all = Vec::new();
            reader.read_to_end(&mut all).unwrap();
            assert!(all == text, "{name}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn peek_keeps_what_it_saw() {
        let (head, mut rest) = peek(&b"abcdef"[..], 3).unwrap();
        assert_eq!(head, b"abc");
        let mut all = String::new();
        rest.read_to_string(&mut all).unwrap();
        assert_eq!(all, "abcdef");
    }

    #[test]
    fn peeked_reads_the_same_whole_and_in_pieces() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (head, mut whole) = peek(&data[..], 512).unwrap();
        assert_eq!(head, &data[..512]);
        let mut all = Vec::new();
        whole.read_to_end(&mut all).unwrap();
        assert_eq!(all, data);
        // A byte at a time, then lines of BufRead, then the rest whole.
        let (_, mut pieces) = peek(&data[..], 512).unwrap();
        let mut got = Vec::new();
        let mut byte = [0u8];
        for _ in 0..1000 {
            pieces.read_exact(&mut byte).unwrap();
            got.push(byte[0]);
        }
        pieces.read_until(250, &mut got).unwrap();
        let mut big = vec![0u8; 100_000];
        pieces.read_exact(&mut big).unwrap();
        got.extend_from_slice(&big);
        pieces.read_to_end(&mut got).unwrap();
        assert_eq!(got, data);
    }

    #[test]
    fn plain_and_compressed_read_the_same() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"data: {}\n\n").unwrap();
        let gz = gz.finish().unwrap();
        let zst = ruzstd::encoding::compress_to_vec(
            &b"data: {}\n\n"[..],
            ruzstd::encoding::CompressionLevel::Fastest,
        );
        for input in [&b"data: {}\n\n"[..], &gz, &zst] {
            let mut out = Vec::new();
            decompressed(input).unwrap().read_to_end(&mut out).unwrap();
            assert_eq!(out, b"data: {}\n\n");
        }
    }

    #[test]
    fn a_compressed_file_inside_another_is_named_as_such() {
        let twice = decompress::gzip(&decompress::gzip(b"data: {}\n\n"));
        let Err(err) = open_stream(io::Cursor::new(twice), 512, |_| false) else {
            panic!("a gzip inside a gzip was read");
        };
        assert!(err.to_string().contains("another compressed file"), "{err}");
    }

    #[test]
    fn two_zstd_frames_are_one_file() {
        let level = ruzstd::encoding::CompressionLevel::Fastest;
        let mut both = ruzstd::encoding::compress_to_vec(&b"data: 1\n\n"[..], level);
        both.extend(ruzstd::encoding::compress_to_vec(
            &b"data: 2\n\n"[..],
            level,
        ));
        let mut out = Vec::new();
        decompressed(&both[..])
            .unwrap()
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, b"data: 1\n\ndata: 2\n\n");
    }

    #[test]
    fn xz_is_named_not_garbled() {
        let err = decompressed(&b"\xfd7zXZ\x00\x00\x04"[..]).err().unwrap();
        assert!(err.to_string().starts_with("xz-compressed"), "{err}");
    }
}
