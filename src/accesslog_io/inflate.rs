//! Whole-object gzip inflation with libdeflate, for the usual single-member object held in
//! memory: one call into a buffer sized from the trailer's ISIZE, about 1.6× the streaming
//! decoder's speed. Anything else — several members, a truncated or corrupt object, trailing
//! bytes, an object too large to hold — gets `None`, for the streaming decoder to read.
//!
//! libdeflate inflates the first member and ignores what follows it, so a multi-member object
//! (several deliveries concatenated) must be told apart before its output is trusted. After a
//! successful call the first member's own trailer is known: the CRC-32 and the size of what it
//! inflated to. The object is taken as one member only when its last 8 bytes are that trailer
//! and that trailer appears nowhere followed by a gzip magic number (where a next member would
//! start). Members of equal sizes, even identical ones, repeat the trailer before the next
//! member's header, and so fall back.

use libdeflater::Decompressor;
use std::cell::RefCell;

/// Largest compressed object inflated whole.
pub const WHOLE_MAX_IN: usize = 64 << 20;
/// Largest inflated size held whole (ISIZE).
pub const WHOLE_MAX_OUT: usize = 512 << 20;
/// Deflate's largest expansion (about 1032:1): an ISIZE above it is not this object's.
const MAX_RATIO: usize = 1032;
/// The gzip header's magic number.
const MAGIC: [u8; 2] = [0x1f, 0x8b];

thread_local! {
    static DECOMPRESSOR: RefCell<Decompressor> = RefCell::new(Decompressor::new());
}

/// The text of `gz` when it is a whole, single-member gzip object within the limits; `None`
/// for the streaming decoder otherwise.
pub fn inflate_whole(gz: &[u8]) -> Option<Vec<u8>> {
    let len = gz.len();
    if !gz.starts_with(&MAGIC) || !(18..=WHOLE_MAX_IN).contains(&len) {
        return None;
    }
    let trailer: [u8; 8] = gz.get(len - 8..)?.try_into().ok()?;
    let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]) as usize;
    if size > WHOLE_MAX_OUT || size > len.saturating_mul(MAX_RATIO) {
        return None;
    }
    let mut out = vec![0u8; size];
    let inflated = DECOMPRESSOR.with(|d| {
        let mut d = d.try_borrow_mut().ok()?;
        d.gzip_decompress(gz, &mut out).ok()
    })?;
    // The first member inflated to exactly ISIZE bytes with its own CRC-32: it may still not be
    // the only member.
    if inflated != size || trailer[..4] != libdeflater::crc32(&out).to_le_bytes() {
        return None;
    }
    let mut boundary = [0u8; 10];
    boundary[..8].copy_from_slice(&trailer);
    boundary[8..].copy_from_slice(&MAGIC);
    if memchr::memmem::find(gz, &boundary).is_some() {
        return None;
    }
    Some(out)
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
