//! Whole-object gzip inflation with libdeflate, for the usual single-member object held in
//! memory: one call into a buffer sized from the trailer's ISIZE, about 1.6× the streaming
//! decoder's speed. Anything else — several members, a truncated or corrupt object, trailing
//! bytes, an object too large to hold — gets `None`, for the streaming decoder to read.
//!
//! libdeflate inflates the first member and ignores what follows it, so a multi-member object
//! (several deliveries concatenated) must be told apart before its output is trusted. libdeflate
//! checks the first member's own trailer (its CRC-32 and ISIZE, the size it inflated to), so
//! after a successful call that size is known. The object is taken as one member only when the
//! last trailer's ISIZE is that size and no such ISIZE is followed anywhere by a gzip magic
//! number (where a next member would start). Members of equal sizes, even identical ones, put
//! that ISIZE before the next member's header, and so fall back.
//!
//! The text goes to a buffer each thread keeps from object to object, so it is neither
//! allocated nor zeroed again for the next, and is read in place. An object larger than that
//! buffer streams instead: inflating it whole would allocate, zero and fault in fresh memory of
//! its size each time, which costs more than the streaming decoder's slower inflation (on the
//! bench's 200,000-record objects, 280 MB of JSON lines and 140 MB of W3C inflated).

use libdeflater::Decompressor;
use std::cell::RefCell;

/// Largest compressed object inflated whole.
pub const WHOLE_MAX_IN: usize = 64 << 20;
/// Largest inflated size held whole (ISIZE): the buffer a thread keeps.
pub const WHOLE_MAX_OUT: usize = KEEP;
/// Deflate's largest expansion (about 1032:1): an ISIZE above it is not this object's.
const MAX_RATIO: usize = 1032;
/// The gzip header's magic number.
const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The largest buffer a thread keeps, and so the largest object inflated whole.
const KEEP: usize = 32 << 20;

thread_local! {
    static DECOMPRESSOR: RefCell<Decompressor> = RefCell::new(Decompressor::new());
    static TEXT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The text of `gz` when it is a whole, single-member gzip object within the limits; `None`
/// for the streaming decoder otherwise.
#[cfg(test)]
fn inflate_whole(gz: &[u8]) -> Option<Vec<u8>> {
    with_inflated(gz, <[u8]>::to_vec)
}

/// At most the first `max` bytes of the text of the gzip object `gz`, streamed: of any size and
/// any number of members; a truncated or corrupt object gives the text before the fault (to
/// tell its format by).
pub fn inflate_head(gz: &[u8], max: usize) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    let mut text = flate2::bufread::MultiGzDecoder::new(gz).take(max as u64);
    // On an error, the text read before it is in `head` (and is what there is to tell by).
    let _ = text.read_to_end(&mut head);
    head
}

/// `read` of the text of `gz` when it is a whole, single-member gzip object within the limits
/// (inflated into the thread's kept buffer, read in place); `None` for the streaming decoder
/// otherwise, without calling `read`.
pub fn with_inflated<T>(gz: &[u8], read: impl FnOnce(&[u8]) -> T) -> Option<T> {
    TEXT.with(|kept| match kept.try_borrow_mut() {
        Ok(mut buf) => {
            let size = inflate_into(gz, &mut buf)?;
            Some(read(buf.get(..size)?))
        }
        // Called again from inside `read`: a buffer of its own.
        Err(_) => {
            let mut buf = Vec::new();
            let size = inflate_into(gz, &mut buf)?;
            Some(read(buf.get(..size)?))
        }
    })
}

/// Inflates `gz` into the start of `buf` (grown, never shrunk, so only new room is zeroed): its
/// size, when it is a whole single-member gzip object within the limits.
fn inflate_into(gz: &[u8], buf: &mut Vec<u8>) -> Option<usize> {
    let len = gz.len();
    if !gz.starts_with(&MAGIC) || !(18..=WHOLE_MAX_IN).contains(&len) {
        return None;
    }
    let trailer: [u8; 8] = gz.get(len - 8..)?.try_into().ok()?;
    let isize_bytes = [trailer[4], trailer[5], trailer[6], trailer[7]];
    let size = u32::from_le_bytes(isize_bytes) as usize;
    if size > WHOLE_MAX_OUT || size > len.saturating_mul(MAX_RATIO) {
        return None;
    }
    if buf.len() < size {
        buf.resize(size, 0);
    }
    let out = buf.get_mut(..size)?;
    let inflated = DECOMPRESSOR.with(|d| {
        let mut d = d.try_borrow_mut().ok()?;
        d.gzip_decompress(gz, out).ok()
    })?;
    // The first member inflated to exactly the last ISIZE (libdeflate checked its own CRC-32
    // and ISIZE): it may still not be the only member.
    if inflated != size {
        return None;
    }
    let mut boundary = [0u8; 6];
    boundary[..4].copy_from_slice(&isize_bytes);
    boundary[4..].copy_from_slice(&MAGIC);
    if memchr::memmem::find(gz, &boundary).is_some() {
        return None;
    }
    Some(size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::default());
        let wrote = gz.write_all(bytes);
        assert!(wrote.is_ok());
        gz.finish().unwrap_or_default()
    }

    #[test]
    fn a_single_member_is_inflated_whole() {
        let text = b"line one\nline two\n".repeat(1000);
        assert_eq!(inflate_whole(&gzip(&text)), Some(text));
        assert_eq!(inflate_whole(&gzip(b"")), Some(Vec::new()));
    }

    #[test]
    fn the_kept_buffer_gives_each_object_its_own_text_only() {
        let long = b"a longer first object\n".repeat(5000);
        let short = b"short\n".repeat(10);
        assert_eq!(with_inflated(&gzip(&long), <[u8]>::to_vec), Some(long));
        assert_eq!(
            with_inflated(&gzip(&short), <[u8]>::to_vec),
            Some(short.clone())
        );
        // Inflating again while the kept buffer is read uses a buffer of its own.
        let nested = with_inflated(&gzip(&short), |outer| {
            (outer.to_vec(), inflate_whole(&gzip(b"inner\n")))
        });
        assert_eq!(nested, Some((short, Some(b"inner\n".to_vec()))));
    }

    #[test]
    fn an_object_larger_than_the_kept_buffer_streams_instead() {
        let line = b"2026-11-25\t20:13:58\tFRA56-P1\t512\n";
        let fits = line.repeat(KEEP / line.len());
        assert!(inflate_whole(&gzip(&fits)).is_some_and(|t| t == fits));
        let mut larger = fits.clone();
        larger.extend_from_slice(line);
        assert!(larger.len() > KEEP);
        assert_eq!(
            inflate_whole(&gzip(&larger)),
            None,
            "left to the streaming decoder"
        );
    }

    #[test]
    fn the_head_of_any_object_is_inflated_up_to_its_limit() {
        let text = b"{\"sc-status\":\"200\"}\n".repeat(10_000);
        assert_eq!(inflate_head(&gzip(&text), 100), text[..100].to_vec());
        let mut two = gzip(b"first\n");
        two.extend(gzip(b"second\n"));
        assert_eq!(
            inflate_head(&two, 1000),
            b"first\nsecond\n".to_vec(),
            "every member"
        );
        let gz = gzip(&text);
        let cut = inflate_head(&gz[..gz.len() / 2], usize::MAX);
        assert!(
            !cut.is_empty() && text.starts_with(&cut),
            "the text before the cut"
        );
        assert_eq!(inflate_head(b"not gzip", 10), Vec::<u8>::new());
    }

    #[test]
    fn several_members_fall_back_even_of_equal_sizes_or_identical() {
        let a = b"aaaa\n".repeat(500);
        let b = b"bbbb\n".repeat(500);
        let identical = [gzip(&a), gzip(&a)].concat();
        assert_eq!(inflate_whole(&identical), None, "identical members");
        let equal_sizes = [gzip(&a), gzip(&b)].concat();
        assert_eq!(inflate_whole(&equal_sizes), None, "members of equal sizes");
        let three = [gzip(&a), gzip(&b), gzip(&a)].concat();
        assert_eq!(inflate_whole(&three), None);
    }

    #[test]
    fn truncated_corrupt_or_oversized_objects_fall_back() {
        let gz = gzip(&b"some log text\n".repeat(2000));
        for cut in [gz.len() - 1, gz.len() - 8, gz.len() / 2, 20] {
            assert_eq!(inflate_whole(&gz[..cut]), None, "cut at {cut}");
        }
        let mut corrupt = gz.clone();
        corrupt[gz.len() / 2] ^= 0xff;
        assert_eq!(inflate_whole(&corrupt), None);
        let mut trailing = gz.clone();
        trailing.extend_from_slice(b"\0\0\0\0");
        assert_eq!(inflate_whole(&trailing), None, "bytes after the member");
        let mut huge = gz.clone();
        let n = huge.len();
        huge[n - 4..].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(inflate_whole(&huge), None, "an ISIZE too large to hold");
        assert_eq!(inflate_whole(b"not gzip at all, not at all"), None);
    }
}
