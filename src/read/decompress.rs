//! Decompression for whole files (`capture.sse.gz`) and for HTTP bodies (`Content-Encoding`),
//! with one bound for both: output may grow to [`RATIO`] times the compressed bytes read so
//! far (and always to [`FLOOR`]). Real captures compress by 5 to 30 times; a decompression
//! bomb inflates by a thousand, so it is stopped early with a clear error instead of filling
//! memory (or, for a streamed HAR, the disk-sized time it would take).
//!
//! Layers nest (a `.http.gz` whose body is `Content-Encoding: gzip, gzip`, a `.har.gz` with
//! compressed entries), and bounding each alone lets every layer multiply the last. So the
//! bound holds for one input's whole chain: inside [`per_input`], every decoder counts its
//! output against one [`Budget`], whose base is the bytes read from the input's source
//! ([`count_source`]). Outside it (a library caller decoding bytes it holds), each decoder
//! has a budget of its own, based on the compressed bytes it read.

use std::cell::RefCell;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use brotli_decompressor::{BrotliDecompressStream, BrotliResult, BrotliState, StandardAlloc};

mod zstd_cut;

/// The most decompressed bytes per compressed byte.
pub const RATIO: u64 = 100;
/// Output every compressed input may reach whatever its size: small files compress well.
pub const FLOOR: u64 = 64 << 20;

/// A compression a file or an HTTP body can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Gzip,
    /// HTTP `deflate`: zlib-wrapped, or raw deflate as some servers send it.
    Deflate,
    Brotli,
    Zstd,
}

impl Codec {
    /// The codec a file's first bytes announce (a zstd file may open with a skippable
    /// frame). Only gzip and zstd carry a magic number;
    /// brotli and raw deflate cannot be told from content, so they are read only where an
    /// HTTP header names them.
    pub fn sniff(head: &[u8]) -> Option<Codec> {
        let skippable =
            head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18];
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Codec::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) || skippable {
            Some(Codec::Zstd)
        } else {
            None
        }
    }

    /// The codec an HTTP `Content-Encoding` token names; `None` for `identity` and unknowns.
    pub fn from_token(token: &str) -> Option<Codec> {
        match token.trim().to_ascii_lowercase().as_str() {
            "gzip" | "x-gzip" => Some(Codec::Gzip),
            "deflate" => Some(Codec::Deflate),
            "br" => Some(Codec::Brotli),
            "zstd" => Some(Codec::Zstd),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Codec::Gzip => "gzip",
            Codec::Deflate => "deflate",
            Codec::Brotli => "brotli",
            Codec::Zstd => "zstd",
        }
    }
}

/// Compressions recognised by their magic number that this tool does not read: named in
/// the error, so a `.xz` file is not reported as mere garbage.
pub fn unsupported(head: &[u8]) -> Option<&'static str> {
    if head.starts_with(b"\xfd7zXZ\x00") {
        Some("xz")
    } else if head.starts_with(b"BZh") && head.get(3).is_some_and(u8::is_ascii_digit) {
        Some("bzip2")
    } else if head.starts_with(b"PK\x03\x04") {
        Some("zip")
    } else {
        None
    }
}

/// What decompression may still produce: [`RATIO`] times the bytes `read_in` (and always
/// [`FLOOR`]), less what the decoders sharing it have produced.
#[derive(Debug, Default)]
pub struct Budget {
    read_in: AtomicU64,
    out: AtomicU64,
}

impl Budget {
    /// The most output allowed so far.
    fn allowed(&self) -> u64 {
        FLOOR.max(RATIO.saturating_mul(self.read_in.load(Ordering::Relaxed)))
    }

    /// How many bytes a decoder may be asked for now: one past what is left, so that
    /// going over is seen without decoding (and holding) more than that.
    fn room(&self) -> usize {
        let left = self
            .allowed()
            .saturating_sub(self.out.load(Ordering::Relaxed));
        usize::try_from(left.saturating_add(1)).unwrap_or(usize::MAX)
    }

    /// Counts `n` decompressed bytes; `Err` once the total is over the bound.
    fn spend(&self, n: usize, codec: Codec, shared: bool) -> io::Result<()> {
        let out = self.out.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        let allowed = self.allowed();
        if out <= allowed {
            return Ok(());
        }
        let what = match shared {
            true => format!(
                "the file's compressed data (the {} layer and those around it)",
                codec.name()
            ),
            false => format!("the {} data", codec.name()),
        };
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{what} inflates more than {RATIO} times (over {} MiB so far): \
                 a decompression bomb, not read",
                allowed >> 20
            ),
        ))
    }
}

thread_local! {
    /// The budget of the input this thread works on, inside [`per_input`].
    static INPUT: RefCell<Option<Arc<Budget>>> = const { RefCell::new(None) };
}

/// Runs `work` (everything done for one input, on this thread) with one decompression
/// budget for all its layers.
pub fn per_input<T>(work: impl FnOnce() -> T) -> T {
    /// Puts the budget around back, even when `work` panics.
    struct Restore(Option<Arc<Budget>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            INPUT.with(|b| *b.borrow_mut() = self.0.take());
        }
    }
    let _restore = Restore(INPUT.with(|b| b.replace(Some(Arc::default()))));
    work()
}

/// Counts `n` bytes read from the input's source (its file or stdin) into its budget.
pub fn count_source(n: usize) {
    INPUT.with(|b| {
        if let Some(budget) = b.borrow().as_ref() {
            budget.read_in.fetch_add(n as u64, Ordering::Relaxed);
        }
    });
}

/// Runs `work` within the current input's budget, or, outside [`per_input`], within one
/// whose base is `held` bytes already read (a body decoded from memory, its layers bounded
/// together).
pub fn within<T>(held: usize, work: impl FnOnce() -> T) -> T {
    if INPUT.with(|b| b.borrow().is_some()) {
        return work();
    }
    apart(held, work)
}

/// Runs `work` within a budget of its own, whose base is `held` bytes, whatever input's
/// budget is current: for probes that decode bodies only to look at them, and drop what
/// they decoded, which the input's budget would count beside the real decoding (hostile
/// run 67: a 34 MiB request body, decoded to find where it ends and then for good, was
/// called a bomb over 64 MiB).
pub fn apart<T>(held: usize, work: impl FnOnce() -> T) -> T {
    per_input(|| {
        count_source(held);
        work()
    })
}

/// Counts the bytes read through it into a decoder's own budget.
struct Counted<R> {
    inner: R,
    budget: Option<Arc<Budget>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(budget) = &self.budget {
            budget.read_in.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// A decoder's output, failing once it outgrows its budget, and with decoder errors worded
/// for people.
struct Bounded<R> {
    inner: R,
    codec: Codec,
    budget: Arc<Budget>,
    /// The budget is the input's, shared with its other layers.
    shared: bool,
}

/// The most asked of a decoder at once. A zstd decoder decodes all it is asked for into
/// its own buffer before handing it over, so a whole-file read (which asks for as much as
/// the file's vector has room for) would hold the output twice.
const CHUNK: usize = 1 << 18;

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len().min(CHUNK).min(self.budget.room());
        let n = self
            .inner
            .read(&mut buf[..len])
            .map_err(|err| decode_error(self.codec, &err))?;
        self.budget.spend(n, self.codec, self.shared)?;
        Ok(n)
    }
}

fn decode_error(codec: Codec, err: &io::Error) -> io::Error {
    let name = codec.name();
    let ours = err.get_ref().filter(|e| {
        e.is::<Trailing>() || e.is::<WindowTooBig>() || e.is::<Dictionary>() || e.is::<Corrupt>()
    });
    if let Some(ours) = ours {
        io::Error::new(io::ErrorKind::InvalidData, ours.to_string())
    } else if cut_short(err) {
        io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!("the {name} data is cut short (a truncated file?)"),
        )
    } else if matches!(codec, Codec::Zstd | Codec::Brotli) {
        // The zstd decoder's own words are its error types' debug form
        // (`DecompressLiteralsError(HuffmanTableError(…))`), brotli's an error code: no
        // sentence.
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the {name} data is corrupt"),
        )
    } else {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the {name} data is corrupt ({err})"),
        )
    }
}

/// Whether a decoder failed for want of more input: said by the error or by any error
/// under it (the zstd decoder wraps the reader's end of input in its own errors).
fn cut_short(err: &io::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(error) = cause {
        let io = error.downcast_ref::<io::Error>();
        if io.is_some_and(|io| io.kind() == io::ErrorKind::UnexpectedEof) {
            return true;
        }
        // An `io::Error`'s `source` skips the error it wraps: look at that one too.
        cause = match io.and_then(|io| io.get_ref()) {
            Some(inner) => Some(inner),
            None => error.source(),
        };
    }
    false
}

/// Bytes after the compressed data that are neither more of it nor padding: said as
/// such, not taken for a file cut short or for corrupt data.
#[derive(Debug)]
struct Trailing(Codec);

impl std::fmt::Display for Trailing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let codec = self.0.name();
        write!(
            f,
            "the {codec} data is followed by bytes that are not {codec} (trailing garbage)"
        )
    }
}

impl std::error::Error for Trailing {}

fn trailing(codec: Codec) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, Trailing(codec))
}

/// gzip members one after another, as `cat a.gz b.gz` writes them, then the end, or zero
/// bytes to the end (tape and block tools pad so, and gzip ignores them).
struct GzipMembers<R: BufRead> {
    current: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while let Some(decoder) = self.current.as_mut() {
            let n = decoder.read(buf)?;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            let Some(done) = self.current.take() else {
                break;
            };
            let mut inner = done.into_inner();
            if another_member(&mut inner)? {
                self.current = Some(flate2::bufread::GzDecoder::new(inner));
            }
        }
        Ok(0)
    }
}

/// Whether another gzip member follows; zero padding to the end is read past.
fn another_member(inner: &mut impl BufRead) -> io::Result<bool> {
    match past_padding(inner)? {
        None => Ok(false),
        Some((0x1f, false)) => Ok(true),
        Some(_) => Err(trailing(Codec::Gzip)),
    }
}

/// Reads past zero padding: the first byte after it, if any, and whether there was any.
fn past_padding(inner: &mut impl BufRead) -> io::Result<Option<(u8, bool)>> {
    let mut padded = false;
    loop {
        let rest = inner.fill_buf()?;
        match rest.first() {
            None => return Ok(None),
            Some(0) => {
                let zeros = rest.iter().take_while(|&&b| b == 0).count();
                inner.consume(zeros);
                padded = true;
            }
            Some(&byte) => return Ok(Some((byte, padded))),
        }
    }
}

/// Ok when nothing but zero padding follows a `codec` stream's end in `inner`: bytes after
/// it are no `codec`, said so, not dropped unseen (hostile run 38).
fn nothing_after(inner: &mut impl BufRead, codec: Codec) -> io::Result<()> {
    match past_padding(inner)? {
        Some(_) => Err(trailing(codec)),
        None => Ok(()),
    }
}

/// zstd frames one after another, as `cat a.zst b.zst` and multi-threaded compressors
/// write them, with skippable frames (metadata some tools write, such as pzstd's frame
/// sizes) passed over: the decoder reads one frame, so this starts the next until input
/// ends.
struct ZstdFrames<R: BufRead> {
    current: Option<Frame<R>>,
}

/// The data frame being decoded, and what its end is checked against: the decoder does not
/// compare the checksum it computes with the frame's, nor what it decoded with the size the
/// frame declares, so a flipped bit read as good data (hostile run 37).
struct Frame<R: BufRead> {
    decoder: ZstdFrame<R>,
    /// The size the frame's header declares, when it does.
    declared: Option<u64>,
    /// Bytes decoded so far.
    decoded: u64,
}

/// A zstd frame the decoder takes that is corrupt all the same: it decoded to other bytes
/// than it says it holds, or its header sets the bit RFC 8878 reserves (which a decoder
/// must refuse; hostile run 45).
#[derive(Debug)]
enum Corrupt {
    Checksum,
    Size { declared: u64, decoded: u64 },
    ReservedBit,
}

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the zstd data is corrupt: ")?;
        match self {
            Corrupt::Checksum => write!(f, "it fails its frame's checksum"),
            Corrupt::Size { declared, decoded } => {
                write!(
                    f,
                    "a frame declares {declared} bytes and decodes to {decoded}"
                )
            }
            Corrupt::ReservedBit => write!(f, "a frame's header sets a reserved bit"),
        }
    }
}

impl std::error::Error for Corrupt {}

impl<R: BufRead> Frame<R> {
    /// The frame's end, checked against its checksum and declared size; the input after it.
    fn end(self) -> io::Result<R> {
        let (source, decoder) = self.decoder.into_parts();
        let computed = decoder.get_calculated_checksum();
        let mismatch = match (decoder.get_checksum_from_data(), self.declared) {
            (Some(said), _) if Some(said) != computed => Some(Corrupt::Checksum),
            (_, Some(declared)) if declared != self.decoded => Some(Corrupt::Size {
                declared,
                decoded: self.decoded,
            }),
            _ => None,
        };
        match mismatch {
            Some(mismatch) => Err(io::Error::new(io::ErrorKind::InvalidData, mismatch)),
            None => Ok(source.into_inner().1),
        }
    }
}

/// One zstd frame's decoder, over the frame's magic number and header (read to tell a
/// skippable frame, and to check the window) and the rest of the input.
type ZstdFrame<R> = ruzstd::decoding::StreamingDecoder<
    io::Chain<io::Cursor<Vec<u8>>, R>,
    ruzstd::decoding::FrameDecoder,
>;

/// The largest zstd window decoded. A decoder holds the last window of output to copy
/// from, so a 10 KB file asking for a 100 MiB window would cost that much memory on top of
/// the output. 8 MiB is what the format asks every decoder to support and the most any
/// level up to 19 uses; only `zstd --long` and `--ultra` ask for more.
pub const ZSTD_WINDOW_MAX: u64 = 8 << 20;

/// A zstd frame whose window is over [`ZSTD_WINDOW_MAX`]: named as such, not as corrupt.
#[derive(Debug)]
struct WindowTooBig(u64);

impl std::fmt::Display for WindowTooBig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the zstd data asks for a {} MiB window, more than the {} MiB this tool decodes \
             with (made with `zstd --long` or `--ultra`?): decompress it first",
            self.0.div_ceil(1 << 20),
            ZSTD_WINDOW_MAX >> 20
        )
    }
}

impl std::error::Error for WindowTooBig {}

/// A zstd frame made with a dictionary (`zstd -D`), by the id its header names: it cannot
/// be decoded without that dictionary, and is no more corrupt than any other (hostile run
/// 63).
#[derive(Debug)]
struct Dictionary(u32);

impl std::fmt::Display for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the zstd data was made with a dictionary (id {}), which this tool does not \
             have: decompress it first (`zstd -d -D DICTIONARY`)",
            self.0
        )
    }
}

impl std::error::Error for Dictionary {}

/// A zstd data frame's header after its magic number, the window it asks for (the content
/// size, for a single-segment frame), and the content size it declares, if any.
fn zstd_header(inner: &mut impl Read) -> io::Result<(Vec<u8>, u64, Option<u64>)> {
    let mut header = vec![0u8];
    inner.read_exact(&mut header)?;
    let descriptor = header[0];
    if descriptor & 0x08 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            Corrupt::ReservedBit,
        ));
    }
    let single_segment = descriptor & 0x20 != 0;
    let dictionary = [0, 1, 2, 4][usize::from(descriptor & 3)];
    let content_size = match descriptor >> 6 {
        0 => usize::from(single_segment),
        1 => 2,
        2 => 4,
        _ => 8,
    };
    header.resize(
        1 + usize::from(!single_segment) + dictionary + content_size,
        0,
    );
    inner.read_exact(&mut header[1..])?;
    let id_at = 1 + usize::from(!single_segment);
    let mut id = [0u8; 4];
    id[..dictionary].copy_from_slice(&header[id_at..id_at + dictionary]);
    // Id 0 is no dictionary (RFC 8878).
    match u32::from_le_bytes(id) {
        0 => {}
        id => return Err(io::Error::new(io::ErrorKind::InvalidData, Dictionary(id))),
    }
    let declared = (content_size > 0).then(|| {
        let mut size = [0u8; 8];
        size[..content_size].copy_from_slice(&header[id_at + dictionary..]);
        let size = u64::from_le_bytes(size);
        // A two-byte size counts from 256.
        if content_size == 2 { size + 256 } else { size }
    });
    let window = match (single_segment, declared) {
        (true, Some(size)) => size,
        _ => {
            let descriptor = header[1];
            let base = 1u64 << (10 + (descriptor >> 3));
            base + base / 8 * u64::from(descriptor & 7)
        }
    };
    Ok((header, window, declared))
}

/// The magic number of a zstd data frame.
const ZSTD_MAGIC: u32 = 0xFD2F_B528;
/// The magic numbers of zstd's skippable frames.
const SKIPPABLE: std::ops::RangeInclusive<u32> = 0x184D_2A50..=0x184D_2A5F;

impl<R: BufRead> ZstdFrames<R> {
    fn new(inner: R) -> io::Result<Self> {
        Ok(ZstdFrames {
            current: next_frame(inner, true)?,
        })
    }
}

/// The decoder of the next data frame in `inner`, past skippable frames; `None` at the end,
/// zero padding before it aside, as after gzip (hostile run 45). Zeros start no frame: both
/// kinds' magic numbers open with another byte.
fn next_frame<R: BufRead>(mut inner: R, mut first: bool) -> io::Result<Option<Frame<R>>> {
    loop {
        if !first {
            match past_padding(&mut inner)? {
                None => return Ok(None),
                Some((_, true)) => return Err(trailing(Codec::Zstd)),
                Some((_, false)) => {}
            }
        }
        let mut magic = Vec::with_capacity(4);
        (&mut inner).take(4).read_to_end(&mut magic)?;
        let Ok(magic) = <[u8; 4]>::try_from(magic.as_slice()) else {
            return match magic.is_empty() {
                true => Ok(None),
                false if first => Err(io::ErrorKind::UnexpectedEof.into()),
                false => Err(trailing(Codec::Zstd)),
            };
        };
        let number = u32::from_le_bytes(magic);
        if SKIPPABLE.contains(&number) {
            let mut length = [0; 4];
            inner.read_exact(&mut length)?;
            let length = u64::from(u32::from_le_bytes(length));
            if io::copy(&mut (&mut inner).take(length), &mut io::sink())? < length {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            first = false;
            continue;
        }
        if number != ZSTD_MAGIC && !first {
            return Err(trailing(Codec::Zstd));
        }
        let mut start = magic.to_vec();
        let mut declared = None;
        if number == ZSTD_MAGIC {
            let (header, window, size) = zstd_header(&mut inner)?;
            declared = size;
            if window > ZSTD_WINDOW_MAX {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    WindowTooBig(window),
                ));
            }
            start.extend(header);
        }
        let source = io::Cursor::new(start).chain(inner);
        let decoder = ruzstd::decoding::StreamingDecoder::new(source).map_err(io::Error::other)?;
        return Ok(Some(Frame {
            decoder,
            declared,
            decoded: 0,
        }));
    }
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while let Some(frame) = self.current.as_mut() {
            let n = frame.decoder.read(buf)?;
            frame.decoded += n as u64;
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            let Some(done) = self.current.take() else {
                break;
            };
            self.current = next_frame(done.end()?, false)?;
        }
        Ok(0)
    }
}

/// `inner`, decompressed with `codec`, bounded by the input's budget (inside
/// [`per_input`]) or by one of its own.
pub fn decoder<'a>(
    codec: Codec,
    inner: impl Read + Send + 'a,
) -> io::Result<Box<dyn Read + Send + 'a>> {
    let input = INPUT.with(|b| b.borrow().clone());
    let shared = input.is_some();
    let budget = input.unwrap_or_default();
    let counted = BufReader::new(Counted {
        inner,
        budget: (!shared).then(|| Arc::clone(&budget)),
    });
    let raw: Box<dyn Read + Send + 'a> = match codec {
        Codec::Gzip => Box::new(GzipMembers {
            current: Some(flate2::bufread::GzDecoder::new(counted)),
        }),
        Codec::Deflate => deflate(counted)?,
        Codec::Brotli => Box::new(Brotli::new(counted)),
        Codec::Zstd => Box::new(ZstdFrames::new(counted).map_err(|e| decode_error(codec, &e))?),
    };
    Ok(Box::new(Bounded {
        inner: raw,
        codec,
        budget,
        shared,
    }))
}

/// HTTP `deflate` is zlib-wrapped by the standard, raw by some servers: the zlib header's
/// checksum tells which.
fn deflate<'a>(mut inner: impl BufRead + Send + 'a) -> io::Result<Box<dyn Read + Send + 'a>> {
    let head = inner.fill_buf()?;
    let zlib = head.len() >= 2
        && head[0] & 0x0f == 8
        && (u16::from(head[0]) << 8 | u16::from(head[1])) % 31 == 0;
    Ok(Box::new(if zlib {
        Deflate::Zlib(flate2::bufread::ZlibDecoder::new(inner))
    } else {
        Deflate::Raw(flate2::bufread::DeflateDecoder::new(inner))
    }))
}

/// A deflate stream, either wrapping, and the end of its input: bytes after the stream's
/// end (zero padding aside) are no deflate, said so as after gzip or zstd, not dropped
/// unseen (hostile run 38).
enum Deflate<R: BufRead> {
    Zlib(flate2::bufread::ZlibDecoder<R>),
    Raw(flate2::bufread::DeflateDecoder<R>),
}

impl<R: BufRead> Read for Deflate<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = match self {
            Deflate::Zlib(decoder) => decoder.read(buf)?,
            Deflate::Raw(decoder) => decoder.read(buf)?,
        };
        if n == 0 && !buf.is_empty() {
            let inner = match self {
                Deflate::Zlib(decoder) => decoder.get_mut(),
                Deflate::Raw(decoder) => decoder.get_mut(),
            };
            nothing_after(inner, Codec::Deflate)?;
        }
        Ok(n)
    }
}

/// A brotli stream decoded straight from its input's buffer, so the decoder takes only the
/// bytes it uses: what follows the stream's end is seen (trailing garbage, as after deflate,
/// zero padding aside), and input that ends mid-stream is said to be cut short, not corrupt.
/// The crate's own reader copies input into a buffer of its own and tells neither: junk after
/// a `br` body went unseen (hostile run 38).
struct Brotli<R: BufRead> {
    inner: R,
    state: BrotliState<StandardAlloc, StandardAlloc, StandardAlloc>,
    /// Bytes decoded so far; the decoder keeps the count.
    total_out: usize,
    /// Whether the stream's last meta-block has been decoded.
    ended: bool,
}

impl<R: BufRead> Brotli<R> {
    fn new(inner: R) -> Self {
        let state = BrotliState::new(
            StandardAlloc::default(),
            StandardAlloc::default(),
            StandardAlloc::default(),
        );
        Brotli {
            inner,
            state,
            total_out: 0,
            ended: false,
        }
    }
}

impl<R: BufRead> Read for Brotli<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while !self.ended {
            let input = self.inner.fill_buf()?;
            let end_of_input = input.is_empty();
            let (mut available_in, mut used) = (input.len(), 0);
            let (mut available_out, mut written) = (buf.len(), 0);
            let result = BrotliDecompressStream(
                &mut available_in,
                &mut used,
                input,
                &mut available_out,
                &mut written,
                buf,
                &mut self.total_out,
                &mut self.state,
            );
            self.inner.consume(used);
            // No progress with input to read and room to write: a decoder that would spin.
            let stuck = written == 0 && used == 0 && !end_of_input;
            match result {
                BrotliResult::ResultSuccess => self.ended = true,
                BrotliResult::NeedsMoreInput if end_of_input && written == 0 => {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                BrotliResult::ResultFailure if written == 0 => return Err(corrupt()),
                _ if stuck => return Err(corrupt()),
                _ => {}
            }
            if written > 0 {
                return Ok(written);
            }
        }
        nothing_after(&mut self.inner, Codec::Brotli)?;
        Ok(0)
    }
}

/// The brotli decoder's failure: its error codes are identifiers, no sentence, so
/// [`decode_error`] says "corrupt" alone.
fn corrupt() -> io::Error {
    io::ErrorKind::InvalidData.into()
}

/// A whole body decoded in memory. On failure, what decoded before it (a stream cut short
/// mid-body still holds its first events) with the error.
pub fn decode_all(codec: Codec, data: &[u8]) -> Result<Vec<u8>, (Vec<u8>, io::Error)> {
    match decoded(codec, data) {
        Err((out, err)) if codec == Codec::Zstd && err.kind() == io::ErrorKind::UnexpectedEof => {
            Err((whole_blocks_of_cut_zstd(data, out), err))
        }
        result => result,
    }
}

/// [`decode_all`], but of a zstd stream cut short only what the decoder gave.
fn decoded(codec: Codec, data: &[u8]) -> Result<Vec<u8>, (Vec<u8>, io::Error)> {
    let mut out = Vec::with_capacity(expected_size(codec, data));
    let result = decoder(codec, data).and_then(|mut reader| reader.read_to_end(&mut out));
    match result {
        Ok(_) => Ok(out),
        Err(err) => Err((out, err)),
    }
}

/// What zstd `data` cut short holds: its whole blocks decoded (see [`zstd_cut`]), when they
/// give more than the decoder gave (`decoded`, short of the window it held back). The
/// first pass's output is given back to the input's budget, as it is dropped.
fn whole_blocks_of_cut_zstd(data: &[u8], decoded: Vec<u8>) -> Vec<u8> {
    let Some(whole) = zstd_cut::whole_blocks(data) else {
        return decoded;
    };
    INPUT.with(|b| {
        if let Some(budget) = b.borrow().as_ref() {
            budget
                .out
                .fetch_sub(decoded.len() as u64, Ordering::Relaxed);
        }
    });
    match self::decoded(Codec::Zstd, &whole) {
        Ok(plain) if plain.len() >= decoded.len() => plain,
        _ => decoded,
    }
}

/// What a body of `codec` says it decodes to, for room made at once: a buffer grown by
/// doubling to megabytes leaves blocks of every size behind it, which the system's
/// allocator keeps (200 coded 3 MB answers read on two threads held 177 MB, 61 MB with
/// room made first). A gzip member ends with its size (a body as framed may have a line
/// end after it); a size past what deflate can expand to, or past 64 MiB, is no claim to
/// make room for at once (four bytes of anything else mostly say more), and the buffer
/// grows from nothing as it did. Room is made for [`HEAD_ROOM`] more.
fn expected_size(codec: Codec, data: &[u8]) -> usize {
    let end = data.len()
        - data
            .iter()
            .rev()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
    let claimed = match (codec, data[..end].last_chunk::<4>()) {
        (Codec::Gzip, Some(size)) if end >= 18 => u32::from_le_bytes(*size) as usize,
        _ => return 0,
    };
    match claimed <= end.saturating_mul(1032) && claimed <= 64 << 20 {
        true => claimed + HEAD_ROOM,
        false => 0,
    }
}

/// Bytes a decoded body has room for beyond what it says it decodes to: an HTTP message's
/// head goes in front of its decoded body (`frame::coding::message`), which would double a
/// buffer made to the byte.
const HEAD_ROOM: usize = 64 << 10;

/// Gzip-compresses `data`: test inputs for every module that decodes.
#[cfg(test)]
pub fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn room_is_made_for_what_a_gzip_body_says_it_decodes_to() {
        let body = gzip(&[b'a'; 100_000]);
        assert_eq!(expected_size(Codec::Gzip, &body), 100_000 + HEAD_ROOM);
        // As a capture frames it, with a line end after.
        let framed = [&body[..], b"\r\n"].concat();
        assert_eq!(expected_size(Codec::Gzip, &framed), 100_000 + HEAD_ROOM);
        assert_eq!(expected_size(Codec::Zstd, &body), 0);
        // A size deflate cannot reach from the body, or past 64 MiB, makes no room.
        let mut lying = body.clone();
        let at = lying.len() - 4;
        lying[at..].copy_from_slice(&(1u32 << 30).to_le_bytes());
        assert_eq!(expected_size(Codec::Gzip, &lying), 0);
        assert_eq!(expected_size(Codec::Gzip, b"\n\n"), 0);
        assert_eq!(
            decode_all(Codec::Gzip, &lying).unwrap_err().0.len(),
            100_000
        );
    }

    #[test]
    fn gzip_round_trip_and_sniffing() {
        let packed = gzip(b"data: {}\n\n");
        assert_eq!(Codec::sniff(&packed), Some(Codec::Gzip));
        assert_eq!(decode_all(Codec::Gzip, &packed).unwrap(), b"data: {}\n\n");
        assert_eq!(Codec::sniff(b"data:"), None);
        assert_eq!(Codec::from_token(" GZIP "), Some(Codec::Gzip));
        assert_eq!(Codec::from_token("identity"), None);
    }

    #[test]
    fn truncated_gzip_keeps_what_decoded_and_says_so() {
        let text = "data: {\"n\": 1}\n\n".repeat(2000);
        let packed = gzip(text.as_bytes());
        let (partial, err) = decode_all(Codec::Gzip, &packed[..packed.len() / 2]).unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
        assert!(!partial.is_empty() && text.as_bytes().starts_with(&partial));
    }

    #[test]
    fn a_bomb_is_stopped() {
        let packed = gzip(&vec![0u8; 200 << 20]);
        let (_, err) = decode_all(Codec::Gzip, &packed).unwrap_err();
        assert!(err.to_string().contains("decompression bomb"), "{err}");
    }

    #[test]
    fn nested_layers_share_one_budget() {
        // 40 MiB of zeros gzipped, and that with 40 MiB of zeros more gzipped again: each
        // layer alone stays under the 64 MiB floor, the two together do not.
        let inner = gzip(&vec![0u8; 40 << 20]);
        let middle = gzip(&[inner.as_slice(), &vec![0u8; 40 << 20]].concat());
        // Alone, each layer is within its bound.
        let once = decode_all(Codec::Gzip, &middle).unwrap();
        assert_eq!(once.len(), inner.len() + (40 << 20));
        // Within one input's budget, the second layer goes past the 64 MiB floor.
        let err = per_input(|| {
            count_source(middle.len());
            let outer = decode_all(Codec::Gzip, &middle).unwrap();
            decode_all(Codec::Gzip, &outer[..inner.len()])
                .unwrap_err()
                .1
        });
        assert!(
            err.to_string().starts_with(
                "the file's compressed data (the gzip layer and those around it) inflates \
                 more than 100 times"
            ),
            "{err}"
        );
        // The budget ends with the input: the next one starts afresh.
        assert!(per_input(|| decode_all(Codec::Gzip, &inner)).is_ok());
    }

    #[test]
    fn gzip_padded_with_zeros_is_whole_and_garbage_after_it_is_named() {
        let packed = gzip(b"data: {}\n\n");
        let padded = [packed.as_slice(), &[0; 512]].concat();
        assert_eq!(decode_all(Codec::Gzip, &padded).unwrap(), b"data: {}\n\n");
        let two = [packed.as_slice(), &packed].concat();
        assert_eq!(
            decode_all(Codec::Gzip, &two).unwrap(),
            b"data: {}\n\ndata: {}\n\n"
        );
        for garbage in [&b"garbage"[..], b"\0\0junk", b"\n"] {
            let (_, err) =
                decode_all(Codec::Gzip, &[packed.as_slice(), garbage].concat()).unwrap_err();
            assert_eq!(
                err.to_string(),
                "the gzip data is followed by bytes that are not gzip (trailing garbage)"
            );
        }
    }

    #[test]
    fn zstd_skippable_frames_are_passed_over() {
        let level = ruzstd::encoding::CompressionLevel::Fastest;
        let frame = ruzstd::encoding::compress_to_vec(&b"data: {}\n\n"[..], level);
        let skippable = |n: u8| [&[0x50 + n, 0x2a, 0x4d, 0x18, 3, 0, 0, 0][..], b"abc"].concat();
        let data = [
            skippable(0),
            frame.clone(),
            skippable(15),
            frame.clone(),
            skippable(1),
        ]
        .concat();
        assert_eq!(Codec::sniff(&data), Some(Codec::Zstd));
        assert_eq!(
            decode_all(Codec::Zstd, &data).unwrap(),
            b"data: {}\n\ndata: {}\n\n"
        );
        for garbage in [&b"junk"[..], b"\0\0junk", b"\0\0\0\0", b"\n"] {
            let garbage = [frame.as_slice(), garbage, b"junk"].concat();
            let (_, err) = decode_all(Codec::Zstd, &garbage).unwrap_err();
            assert_eq!(
                err.to_string(),
                "the zstd data is followed by bytes that are not zstd (trailing garbage)"
            );
        }
        // Zero padding after the last frame, or a skippable one, is no garbage (hostile
        // run 45 D1), however long.
        for zeros in [1, 3, 4, 16, 512, 70_000] {
            for data in [&frame, &data] {
                let padded = [data.as_slice(), &vec![0; zeros]].concat();
                assert_eq!(
                    decode_all(Codec::Zstd, &padded).unwrap(),
                    decode_all(Codec::Zstd, data).unwrap()
                );
            }
        }
        let cut = &data[..data.len() - 1];
        let (_, err) = decode_all(Codec::Zstd, cut).unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
    }

    #[test]
    fn broken_zstd_is_said_in_a_sentence() {
        // The zstd decoder's errors read as their debug form (`BlockContentReadError(Error
        // { kind: UnexpectedEof, … })`, hostile run 35): a frame cut anywhere says it is cut
        // short, and one corrupt says so, in words.
        let level = ruzstd::encoding::CompressionLevel::Fastest;
        let text: Vec<u8> = (0..4_000u32)
            .flat_map(|i| format!("data: {i}\n\n").into_bytes())
            .collect();
        let frame = ruzstd::encoding::compress_to_vec(&text[..], level);
        for cut in (5..frame.len()).step_by(7) {
            let (_, err) = decode_all(Codec::Zstd, &frame[..cut]).unwrap_err();
            assert_eq!(
                err.to_string(),
                "the zstd data is cut short (a truncated file?)",
                "cut at {cut}"
            );
        }
        // Bit 3 of the frame header's descriptor, after the 4-byte magic number.
        let mut reserved = frame.clone();
        reserved[4] |= 0x08;
        let (_, err) = decode_all(Codec::Zstd, &reserved).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the zstd data is corrupt: a frame's header sets a reserved bit"
        );
        let mut flipped = frame.clone();
        for at in (20..frame.len()).step_by(3) {
            flipped[at] ^= 0x5a;
        }
        if let Err((_, err)) = decode_all(Codec::Zstd, &flipped) {
            let said = err.to_string();
            assert!(
                !said.contains('(') || said.ends_with("(a truncated file?)"),
                "{said}"
            );
        }
    }

    #[test]
    fn bytes_after_a_deflate_stream_are_trailing_garbage() {
        // Hostile run 38: junk after a deflate body was dropped unseen.
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        zlib.write_all(b"{\"a\":1}").unwrap();
        let zlib = zlib.finish().unwrap();
        let padded = [&zlib[..], &[0, 0, 0]].concat();
        assert_eq!(decode_all(Codec::Deflate, &padded).unwrap(), b"{\"a\":1}");
        let junk = [&zlib[..], b"junk"].concat();
        let (_, err) = decode_all(Codec::Deflate, &junk).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the deflate data is followed by bytes that are not deflate (trailing garbage)"
        );
    }

    /// `data` as brotli of stored (uncompressed) meta-blocks, 64 KiB each: a stream long
    /// enough to span many reads, which no encoder in the dependencies writes.
    fn brotli_stored(data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, block) in data.chunks(1 << 16).enumerate() {
            // The first block's header opens with the window size (one 0 bit: 16 bits);
            // then not last, four nibbles of length, uncompressed, padding to a byte.
            let length = block.len() as u32 - 1;
            let header = match i {
                0 => length << 4 | 1 << 20,
                _ => length << 3 | 1 << 19,
            };
            out.extend_from_slice(&header.to_le_bytes()[..3]);
            out.extend_from_slice(block);
        }
        // An empty last meta-block.
        out.push(0x03);
        out
    }

    #[test]
    fn a_brotli_stream_ends_where_it_says_and_what_follows_is_named() {
        // Hostile run 38: junk after a `br` body was dropped unseen, and a body cut short
        // was called corrupt. 51,000 bytes of events, as node's zlib compresses them.
        let packed = b"\x1b\x7f\xbb\xf8\x8d\xd3\x1d\xb5\x28\x8e\xb2\x51\x2b\x80\x88\xe8\xe8\
                       \x18\xb7\xbd\x3e\x25\xc8\x81\x35\x80\x05\x56\x65\x16\x60\xcb\x96\x01";
        let text = "data: {\"n\": 1}\n\n".repeat(3000);
        assert_eq!(decode_all(Codec::Brotli, packed).unwrap(), text.as_bytes());
        let data: Vec<u8> = (0..200_000u32).map(|i| (i * 7919 + 13) as u8).collect();
        let stored = brotli_stored(&data);
        assert_eq!(decode_all(Codec::Brotli, &stored).unwrap(), data);
        for whole in [&packed[..], &stored] {
            let padded = [whole, &[0; 100]].concat();
            assert!(decode_all(Codec::Brotli, &padded).is_ok());
            for garbage in [&b"garbage"[..], b"\0\0junk", b"\n"] {
                let (kept, err) =
                    decode_all(Codec::Brotli, &[whole, garbage].concat()).unwrap_err();
                assert_eq!(
                    err.to_string(),
                    "the brotli data is followed by bytes that are not brotli (trailing garbage)"
                );
                assert!(kept == text.as_bytes() || kept == data);
            }
            for cut in [1, whole.len() / 2] {
                let (kept, err) =
                    decode_all(Codec::Brotli, &whole[..whole.len() - cut]).unwrap_err();
                assert_eq!(
                    err.to_string(),
                    "the brotli data is cut short (a truncated file?)"
                );
                assert!(text.as_bytes().starts_with(&kept) || data.starts_with(&kept));
            }
        }
        // Padding bits that are not zero are no brotli.
        let mut bad = stored.clone();
        bad[2] |= 0x80;
        let (_, err) = decode_all(Codec::Brotli, &bad).unwrap_err();
        assert_eq!(err.to_string(), "the brotli data is corrupt");
    }

    #[test]
    fn a_zstd_frame_is_checked_against_its_checksum_and_size() {
        // The decoder compares neither: a flipped bit read as good data (hostile run 37).
        let level = ruzstd::encoding::CompressionLevel::Fastest;
        let text = b"data: {\"type\":\"message_stop\"}\n\n".repeat(50);
        let frame = ruzstd::encoding::compress_to_vec(&text[..], level);
        assert_eq!(decode_all(Codec::Zstd, &frame).unwrap(), text);
        // The frame ends in its checksum (its descriptor says so).
        assert_eq!(frame[4] & 0x04, 0x04);
        let mut flipped = frame.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        let (_, err) = decode_all(Codec::Zstd, &flipped).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the zstd data is corrupt: it fails its frame's checksum"
        );
        // A single-segment frame declaring its size in one byte, holding one raw block.
        let raw = |declared: u8, data: &[u8]| {
            let block = ((data.len() as u32) << 3 | 1).to_le_bytes();
            [
                &ZSTD_MAGIC.to_le_bytes()[..],
                &[0x20, declared],
                &block[..3],
                data,
            ]
            .concat()
        };
        assert_eq!(
            decode_all(Codec::Zstd, &raw(5, b"hello")).unwrap(),
            b"hello"
        );
        let (_, err) = decode_all(Codec::Zstd, &raw(6, b"hello")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the zstd data is corrupt: a frame declares 6 bytes and decodes to 5"
        );
    }

    #[test]
    fn a_zstd_window_past_8_mib_is_refused_before_decoding() {
        // Worked by hand: magic, a descriptor of no flags, a window descriptor (exponent
        // in the top five bits: 10 + 13 = 2^23 = 8 MiB; 10 + 16 = 64 MiB), then one last
        // raw block of 3 bytes (header 1 | 0 << 1 | 3 << 3 = 0x19).
        let frame =
            |window: u8| [&[0x28, 0xb5, 0x2f, 0xfd, 0, window, 0x19, 0, 0][..], b"abc"].concat();
        assert_eq!(decode_all(Codec::Zstd, &frame(13 << 3)).unwrap(), b"abc");
        let (_, err) = decode_all(Codec::Zstd, &frame(16 << 3)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the zstd data asks for a 64 MiB window, more than the 8 MiB this tool decodes \
             with (made with `zstd --long` or `--ultra`?): decompress it first"
        );
        // A single-segment frame's window is its content size: 8-byte size 2^30.
        let single = [
            &[0x28, 0xb5, 0x2f, 0xfd, 0xe0][..],
            &(1u64 << 30).to_le_bytes(),
            &[0x19, 0, 0],
            b"abc",
        ]
        .concat();
        let (_, err) = decode_all(Codec::Zstd, &single).unwrap_err();
        assert!(err.to_string().contains("a 1024 MiB window"), "{err}");
    }

    #[test]
    fn a_zstd_frame_made_with_a_dictionary_is_said_so_not_corrupt() {
        // Hostile run 63. The frame above, with a one-byte dictionary id after the window
        // descriptor (flag 1 in the descriptor's low bits); id 0 is no dictionary.
        let frame = |id: u8| {
            [
                &[0x28, 0xb5, 0x2f, 0xfd, 1, 13 << 3, id, 0x19, 0, 0][..],
                b"abc",
            ]
            .concat()
        };
        assert_eq!(decode_all(Codec::Zstd, &frame(0)).unwrap(), b"abc");
        let (_, err) = decode_all(Codec::Zstd, &frame(7)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the zstd data was made with a dictionary (id 7), which this tool does not have: \
             decompress it first (`zstd -d -D DICTIONARY`)"
        );
    }

    #[test]
    fn a_bomb_stops_at_the_floor_it_names() {
        // 200 MiB of zeros in 6.4 KB: a 128 KiB window (exponent 7), then 1600 RLE blocks
        // of 128 KiB (header 1 << 1 | 2^17 << 3, the last one also 1), each of one byte.
        // Stopped one byte past 64 MiB, and the message says the 64 MiB the README gives,
        // not how far a big read overshot.
        let mut packed = vec![0x28, 0xb5, 0x2f, 0xfd, 0, 7 << 3];
        for last in (0..1600).map(|i| u32::from(i == 1599)) {
            packed.extend(&(last | 1 << 1 | 1 << 20).to_le_bytes()[..3]);
            packed.push(0);
        }
        let (out, err) = decode_all(Codec::Zstd, &packed).unwrap_err();
        assert!(out.len() as u64 <= FLOOR, "{}", out.len());
        assert!(
            err.to_string()
                .starts_with("the zstd data inflates more than 100 times (over 64 MiB so far)"),
            "{err}"
        );
    }

    #[test]
    fn deflate_zlib_and_raw() {
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        zlib.write_all(b"{\"a\":1}").unwrap();
        let zlib = zlib.finish().unwrap();
        assert_eq!(decode_all(Codec::Deflate, &zlib).unwrap(), b"{\"a\":1}");
        let mut raw =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        raw.write_all(b"{\"a\":1}").unwrap();
        let raw = raw.finish().unwrap();
        assert_eq!(decode_all(Codec::Deflate, &raw).unwrap(), b"{\"a\":1}");
    }

    #[test]
    fn unsupported_formats_are_named() {
        assert_eq!(unsupported(b"\xfd7zXZ\x00\x00"), Some("xz"));
        assert_eq!(unsupported(b"BZh91AY"), Some("bzip2"));
        assert_eq!(unsupported(b"{}"), None);
    }
}
