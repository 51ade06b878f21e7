//! A zstd stream cut short, remade of its whole blocks so that they decode.
//!
//! A zstd decoder holds back the last window of what it decoded (up to 8 MiB) until its
//! frame ends, as later blocks may copy from it: a frame cut short gives nothing of that
//! window, so a response of less than a window cut anywhere gave nothing at all, where the
//! same body gzip-coded gave all it held (hostile run 60). The decoder has no way to hand
//! the window over, so the stream is remade instead: its whole frames as they are, then the
//! cut frame's whole blocks, the last of them marked last, under a header that declares
//! neither a size nor a checksum. That stream is whole, and decodes to what the cut one
//! holds.

use super::{SKIPPABLE, ZSTD_MAGIC, zstd_header};

/// The magic number of a zstd data frame, as it is written.
const MAGIC: [u8; 4] = ZSTD_MAGIC.to_le_bytes();

/// `data` (zstd frames, cut short inside one) remade whole: its whole frames, then the cut
/// frame's whole blocks as a frame of their own. `None` when no block of the cut frame is
/// whole, or the stream is none this can remake (a frame with a dictionary, a reserved
/// block type): there is nothing more to read then.
pub fn whole_blocks(data: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0;
    loop {
        // Zero padding between frames, as the decoder passes over it.
        at += data.get(at..)?.iter().take_while(|&&b| b == 0).count();
        let magic = data.get(at..at + 4)?;
        if magic != MAGIC {
            // A skippable frame (its length after its magic number), or no frame at all.
            let number = u32::from_le_bytes(magic.try_into().ok()?);
            if !SKIPPABLE.contains(&number) {
                return None;
            }
            let length = u32::from_le_bytes(data.get(at + 4..at + 8)?.try_into().ok()?);
            at = at.checked_add(8 + length as usize)?;
            continue;
        }
        let frame = Header::read(&data[at + 4..])?;
        let blocks = at + 4 + frame.len;
        match frame.whole_blocks(&data[blocks..]) {
            Blocks::Whole { len } => at = blocks + len,
            Blocks::Cut { whole, last_header } if whole > 0 => {
                let header = frame.remade();
                let mut out = data[..at].to_vec();
                out.extend_from_slice(&MAGIC);
                out.extend_from_slice(&header);
                out.extend_from_slice(&data[blocks..blocks + whole]);
                // The last whole block's header: bit 0 says it is the frame's last.
                out[at + 4 + header.len() + last_header] |= 1;
                return Some(out);
            }
            Blocks::Cut { .. } | Blocks::Unreadable => return None,
        }
    }
}

/// What a data frame's header says, as far as remaking it needs.
struct Header {
    /// Its length in bytes, after the magic number.
    len: usize,
    /// The window its blocks may copy from.
    window: u64,
    /// Whether a checksum follows its last block.
    checksum: bool,
}

/// A frame's blocks, walked without decoding them.
enum Blocks {
    /// Up to and with the last block and its checksum: `len` bytes.
    Whole { len: usize },
    /// Cut short: `whole` bytes of whole blocks, the last of them with its header at
    /// `last_header`.
    Cut { whole: usize, last_header: usize },
    /// A block of the type RFC 8878 reserves.
    Unreadable,
}

impl Header {
    /// The header at the start of `data` (just after the magic number), as the decoder
    /// reads it ([`zstd_header`]); `None` when it is cut short, broken, or names a
    /// dictionary (whose frames this tool cannot decode anyway).
    fn read(mut data: &[u8]) -> Option<Header> {
        let (header, window, _) = zstd_header(&mut data).ok()?;
        let descriptor = header[0];
        if descriptor & 3 != 0 {
            return None;
        }
        Some(Header {
            len: header.len(),
            window,
            checksum: descriptor & 0x04 != 0,
        })
    }

    /// A header for the frame's whole blocks: the same window or a larger one, and no
    /// content size or checksum, which the blocks would no longer match.
    fn remade(&self) -> [u8; 2] {
        // The window as a power of two, at least 1 KiB: as large as the old one or larger.
        // (The window of the frame cut was checked when it was decoded: at most 8 MiB.)
        let window = self.window.clamp(1 << 10, 1 << 41).next_power_of_two();
        [0, ((window.trailing_zeros() - 10) as u8) << 3]
    }

    /// Walks the blocks in `data`, which follows this header.
    fn whole_blocks(&self, data: &[u8]) -> Blocks {
        let mut at = 0;
        let mut last_header = None;
        while let Some(&[a, b, c]) = data.get(at..at + 3) {
            let header = u32::from_le_bytes([a, b, c, 0]);
            let size = (header >> 3) as usize;
            let content = match (header >> 1) & 3 {
                // Raw and compressed blocks hold `size` bytes; an RLE block one, repeated.
                0 | 2 => size,
                1 => 1,
                _ => return Blocks::Unreadable,
            };
            let end = at + 3 + content;
            if end > data.len() {
                break;
            }
            if header & 1 == 1 {
                let checksum = 4 * usize::from(self.checksum);
                if end + checksum <= data.len() {
                    return Blocks::Whole {
                        len: end + checksum,
                    };
                }
                // Only the checksum is cut: the blocks are whole.
                return Blocks::Cut {
                    whole: end,
                    last_header: at,
                };
            }
            last_header = Some(at);
            at = end;
        }
        match last_header {
            Some(last_header) => Blocks::Cut {
                whole: at,
                last_header,
            },
            None => Blocks::Cut {
                whole: 0,
                last_header: 0,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::decompress::{Codec, decode_all};

    fn zstd(data: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    }

    #[test]
    fn a_stream_cut_anywhere_past_its_first_block_decodes_to_what_it_holds() {
        // Some 30 blocks of 128 KiB.
        let text: Vec<u8> = (0..300_000u32)
            .flat_map(|i| format!("data: {i}\n\n").into_bytes())
            .collect();
        let frame = zstd(&text);
        let mut held = 0;
        for cut in (frame.len() / 10..frame.len()).step_by(frame.len() / 10) {
            let whole = whole_blocks(&frame[..cut]).expect("a block is whole");
            let plain = decode_all(Codec::Zstd, &whole).unwrap();
            assert!(text.starts_with(&plain), "cut at {cut}");
            assert!(plain.len() > held, "cut at {cut}: {} bytes", plain.len());
            held = plain.len();
        }
        // A second frame cut short keeps the first whole.
        let two = [&frame[..], &frame[..frame.len() / 2]].concat();
        let plain = decode_all(Codec::Zstd, &whole_blocks(&two).unwrap()).unwrap();
        assert!(plain.len() > text.len() && plain.starts_with(&text));
    }

    #[test]
    fn nothing_is_remade_without_a_whole_block() {
        let frame = zstd(b"data: {}\n\n");
        for cut in 0..frame.len() {
            if let Some(whole) = whole_blocks(&frame[..cut]) {
                // The checksum alone was cut.
                assert_eq!(decode_all(Codec::Zstd, &whole).unwrap(), b"data: {}\n\n");
            }
        }
        assert_eq!(whole_blocks(b"not zstd at all"), None);
    }
}
