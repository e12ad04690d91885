//! Response bodies kept compressed in memory: LZ4, primed with a dictionary made of
//! bodies like them.
//!
//! Rendered articles are small (a few kB) and alike (the same JSON keys, the same
//! language), so each alone compresses poorly; a dictionary made of the openings of a
//! few of them lets every other one refer back to what they share, and packs them far
//! tighter than each alone.
//!
//! Why LZ4 and not zstd (which packs the same articles only a little tighter): a hit
//! inflates a whole article, and LZ4 does that several times faster (no entropy stage),
//! so inflating stays a small part of a cached read. Why a low level of LZ4's
//! high-compression mode: packing happens on the request that missed, so it must cost
//! well under building the answer, and the level chosen does, while packing nearly as
//! tight as the default level (which costs more than building the answer); LZ4's fast
//! mode costs less still, but the same cache then holds a quarter fewer answers. Each
//! thread keeps the dictionary loaded in a stream of its own and attaches it to each
//! body it packs, rather than loading 64 KiB of dictionary again for every body.
//!
//! Each thread inflates into a window that starts with a copy of the dictionary, the
//! body written right after it: LZ4 then reads the dictionary as the body's own past
//! (its fast path) instead of copying each match out of a separate buffer, which was a
//! visible part of a cached read's time.
//!
//! The measurements behind these choices are in docs/performance.md.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use lzzzz::{lz4, lz4_hc};

/// The dictionary's size: LZ4 refers back at most 64 KiB, so more would be unused.
pub const DICTIONARY_BYTES: usize = 64 * 1024;

/// The high-compression level: most of the default level's ratio at a fraction of its
/// time, well under the cost of building an answer (figures: docs/performance.md).
const LEVEL: i32 = 4;

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

/// A dictionary: bodies, or parts of them, one after another.
pub struct Dictionary {
    content: Box<[u8]>,
    /// Tells dictionaries apart in the threads' windows.
    id: u64,
}

static DICTIONARIES: AtomicU64 = AtomicU64::new(1);

/// A thread's window: a dictionary (the one `id` names; 0: none yet), then room for
/// the body being inflated.
#[derive(Default)]
struct Window {
    id: u64,
    bytes: Vec<u8>,
}

/// A thread's packing streams: the dictionary (the one `id` names) loaded once, and the
/// stream each body is packed in with that one attached.
struct Packer {
    id: u64,
    dictionary: lz4_hc::Compressor<'static>,
    work: lz4_hc::Compressor<'static>,
}

thread_local! {
    static WINDOW: RefCell<Window> = RefCell::new(Window::default());
    static PACKER: RefCell<Option<Packer>> = const { RefCell::new(None) };
}

impl Dictionary {
    /// A dictionary of `content` (its last `DICTIONARY_BYTES` are the ones used);
    /// `None` when it is empty.
    pub fn new(content: &[u8]) -> Option<Dictionary> {
        let used = &content[content.len().saturating_sub(DICTIONARY_BYTES)..];
        (!used.is_empty())
            .then(|| Dictionary { content: used.into(), id: DICTIONARIES.fetch_add(1, Ordering::Relaxed) })
    }
}

impl std::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Dictionary({} bytes)", self.content.len())
    }
}

/// `body` compressed (with `dictionary`, which unpacking must be given again); `None`
/// if LZ4 fails, which it does not on well-formed input.
pub fn pack(body: &[u8], dictionary: Option<&Dictionary>) -> Option<Packed> {
    let mut out = Vec::new();
    if !body.is_empty() {
        match dictionary {
            Some(d) => pack_with(d, body, &mut out)?,
            None => lz4_hc::compress_to_vec(body, &mut out, LEVEL).ok()?,
        };
    }
    Some(Packed { bytes: out.into_boxed_slice(), len: body.len() })
}

fn pack_with(dictionary: &Dictionary, body: &[u8], out: &mut Vec<u8>) -> Option<usize> {
    PACKER.with(|cell| {
        let mut packer = cell.borrow_mut();
        if packer.as_ref().is_none_or(|p| p.id != dictionary.id) {
            *packer = Some(Packer {
                id: dictionary.id,
                dictionary: lz4_hc::Compressor::with_dict(dictionary.content.to_vec(), LEVEL).ok()?,
                work: lz4_hc::Compressor::new().ok()?,
            });
        }
        let Packer { dictionary, work, .. } = packer.as_mut()?;
        // Reset first (detaching does), so that the body refers back only to the
        // dictionary and never to the body this thread packed before it (unpacking has
        // only the dictionary).
        work.attach_dict(None, LEVEL);
        work.attach_dict(Some(dictionary), LEVEL);
        work.next_to_vec(body, out).ok()
    })
}

/// The body `packed` holds; `dictionary` must be the one it was packed with (the
/// caller keeps them together). `None` when it does not inflate to its length.
pub fn unpack(packed: &Packed, dictionary: Option<&Dictionary>) -> Option<Vec<u8>> {
    if packed.len == 0 {
        return packed.bytes.is_empty().then(Vec::new);
    }
    let Some(dictionary) = dictionary else {
        let mut out = vec![0; packed.len];
        let written = lz4::decompress(&packed.bytes, &mut out).ok()?;
        return (written == packed.len).then_some(out);
    };
    WINDOW.with(|cell| {
        let mut window = cell.borrow_mut();
        let start = dictionary.content.len();
        if window.id != dictionary.id {
            window.bytes.clear();
            window.bytes.extend_from_slice(&dictionary.content);
            window.id = dictionary.id;
        }
        window.bytes.resize(start + packed.len, 0);
        // Adjacent halves of one buffer: LZ4 sees the dictionary as the body's prefix.
        let (before, out) = window.bytes.split_at_mut(start);
        let body = lz4::decompress_with_dict(&packed.bytes, out, before)
            .ok()
            .filter(|&n| n == packed.len)
            .map(|_| out.to_vec());
        // A rare large body (a long list page) does not keep its room for good.
        if window.bytes.capacity() > start + ROOM_KEPT {
            window.bytes.truncate(start);
            window.bytes.shrink_to(start + ROOM_KEPT);
        }
        body
    })
}

/// Room for bodies that a thread's window keeps past its dictionary: an article's
/// answer is a few kB.
const ROOM_KEPT: usize = 32 * 1024;

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

    /// One thread packs body after body in one stream: each must unpack with the
    /// dictionary alone, whatever was packed before it (small bodies and large ones
    /// take different paths in LZ4), and a new dictionary replaces the old one.
    #[test]
    fn bodies_packed_in_turn_each_unpack_alone() {
        let first = Dictionary::new(&(0..6).flat_map(article).collect::<Vec<u8>>()).expect("a dictionary");
        let second = Dictionary::new(&(6..9).flat_map(article).collect::<Vec<u8>>()).expect("a dictionary");
        let bodies: Vec<Vec<u8>> =
            (10..40).map(|n| article(n)[..if n % 2 == 0 { 900 } else { 4600 }].to_vec()).collect();
        for dictionary in [&first, &second, &first] {
            let packed: Vec<Packed> = bodies.iter().map(|b| pack(b, Some(dictionary)).expect("packs")).collect();
            for (body, packed) in bodies.iter().zip(&packed).rev() {
                assert!(packed.stored_len() < body.len());
                assert_eq!(unpack(packed, Some(dictionary)).as_deref(), Some(body.as_slice()));
            }
        }
    }

    #[test]
    fn empty_and_incompressible_bodies_round_trip() {
        let noise: Vec<u8> = (0u32..5000).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let dictionary = Dictionary::new(&article(1)).expect("a dictionary");
        for body in [Vec::new(), noise] {
            for d in [None, Some(&dictionary)] {
                assert_eq!(unpack(&pack(&body, d).expect("packs"), d).as_deref(), Some(body.as_slice()));
            }
        }
    }

    /// What the high-compression mode is for: the same memory holds more answers than
    /// LZ4's fast mode would pack into it.
    #[test]
    fn packs_tighter_than_the_fast_mode() {
        // Prose less regular than `article`'s, which any mode packs to the same bytes.
        let prose = |n: u64| {
            let words = [
                "council", "said", "budget", "minister", "vote", "season", "market", "hospital", "against", "three",
                "those", "team", "right", "other", "election", "never", "between", "long", "last", "own", "where",
                "could", "about", "water", "school", "police", "county", "report", "after", "before", "during",
            ];
            let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
            let text: Vec<&str> = (0..700)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    words[(x % words.len() as u64) as usize]
                })
                .collect();
            format!(
                r#"{{"id":"{n}","slug":"article-{n}","body":[{{"type":"paragraph","text":"{}"}}]}}"#,
                text.join(" ")
            )
            .into_bytes()
        };
        let dictionary = Dictionary::new(&(0..6).flat_map(prose).collect::<Vec<u8>>()).expect("a dictionary");
        for n in 10..20 {
            let body = prose(n);
            let mut fast = Vec::new();
            lz4::compress_to_vec(&body, &mut fast, lz4::ACC_LEVEL_DEFAULT).expect("packs");
            let mut fast_primed = Vec::new();
            lz4::Compressor::with_dict(&dictionary.content[..])
                .and_then(|mut c| c.next_to_vec(&body, &mut fast_primed, lz4::ACC_LEVEL_DEFAULT))
                .expect("packs");
            for (d, fast) in [(None, fast.len()), (Some(&dictionary), fast_primed.len())] {
                let packed = pack(&body, d).expect("packs");
                assert!(packed.stored_len() < fast, "{} >= {fast}", packed.stored_len());
            }
        }
    }

    /// LZ4 blocks carry no checksum, so this is no integrity check (the cache never
    /// mixes dictionaries: it has one, made once, and records which entries used it);
    /// it shows that a missing dictionary or a cut block does not pass for the body.
    #[test]
    fn without_its_dictionary_or_cut_short_a_body_does_not_come_back() {
        let dictionary = Dictionary::new(&article(1)).expect("a dictionary");
        let body = article(2);
        let packed = pack(&body, Some(&dictionary)).expect("packs");
        // Without its dictionary, the back-references point nowhere.
        assert_ne!(unpack(&packed, None).as_deref(), Some(body.as_slice()));
        let cut = Packed { bytes: packed.bytes[..packed.bytes.len() / 2].into(), len: packed.len };
        assert_eq!(unpack(&cut, Some(&dictionary)), None);
    }

    #[test]
    fn a_large_body_does_not_keep_its_room_in_the_window() {
        let dictionary = Dictionary::new(&[article(1), article(2)].concat()).expect("a dictionary");
        let large: Vec<u8> = (3..60).flat_map(article).collect();
        assert!(large.len() > 4 * ROOM_KEPT);
        let packed = pack(&large, Some(&dictionary)).expect("packs");
        assert_eq!(unpack(&packed, Some(&dictionary)).as_deref(), Some(large.as_slice()));
        let held = WINDOW.with(|cell| cell.borrow().bytes.capacity());
        assert!(held <= dictionary.content.len() + ROOM_KEPT, "the window holds {held} bytes");
        // And the dictionary is still in place for the next body.
        let small = article(70);
        let packed = pack(&small, Some(&dictionary)).expect("packs");
        assert_eq!(unpack(&packed, Some(&dictionary)).as_deref(), Some(small.as_slice()));
    }

    #[test]
    fn one_thread_inflates_with_several_dictionaries_in_turn() {
        let first = Dictionary::new(&article(1)).expect("a dictionary");
        let second = Dictionary::new(&[article(3), article(4)].concat()).expect("a dictionary");
        let (small, large) = (article(5), [article(6), article(7)].concat());
        let packed_first = pack(&small, Some(&first)).expect("packs");
        let packed_second = pack(&large, Some(&second)).expect("packs");
        for _ in 0..2 {
            // A larger body, then a smaller one, with each dictionary: the window is
            // refilled when the dictionary changes and never keeps a longer body's tail.
            assert_eq!(unpack(&packed_second, Some(&second)).as_deref(), Some(large.as_slice()));
            assert_eq!(unpack(&packed_first, Some(&first)).as_deref(), Some(small.as_slice()));
            assert_eq!(unpack(&packed_first, Some(&first)).as_deref(), Some(small.as_slice()));
        }
    }

    #[test]
    fn only_the_last_64_kib_of_a_dictionary_count() {
        let long: Vec<u8> = (0..40).flat_map(article).collect();
        assert!(long.len() > DICTIONARY_BYTES);
        let dictionary = Dictionary::new(&long).expect("a dictionary");
        assert_eq!(dictionary.content.len(), DICTIONARY_BYTES);
        assert!(Dictionary::new(&[]).is_none());
    }
}
