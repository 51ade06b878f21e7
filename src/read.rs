//! Reading an input's bytes: a file, or stdin for `-`, decompressed when its first bytes say
//! it is gzip or zstd (whatever its name says), within the bound [`decompress`] sets.

pub mod decompress;

use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

use decompress::Codec;

/// The path that names stdin on the command line.
pub const STDIN: &str = "-";

/// Whether `path` is the command line's `-`. A file of that name found in a folder always
/// has the folder before it, so it is never taken for stdin.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == STDIN
}

/// The raw bytes of `path`, counted as the base of the input's decompression budget.
pub fn source(path: &Path) -> io::Result<Box<dyn Read + Send>> {
    if is_stdin(path) {
        Ok(Box::new(Source(io::stdin())))
    } else {
        Ok(Box::new(Source(std::fs::File::open(path)?)))
    }
}

/// An input's source, counting what it reads towards [`decompress::count_source`].
struct Source<R>(R);

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        decompress::count_source(n);
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
    let rest = BufReader::with_capacity(1 << 16, Cursor::new(head.clone()).chain(reader));
    Ok((head, Box::new(rest)))
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

/// The whole content of `path`, decompressed.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    decompressed(source(path)?)?.read_to_end(&mut data)?;
    Ok(data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn peek_keeps_what_it_saw() {
        let (head, mut rest) = peek(&b"abcdef"[..], 3).unwrap();
        assert_eq!(head, b"abc");
        let mut all = String::new();
        rest.read_to_string(&mut all).unwrap();
        assert_eq!(all, "abcdef");
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
