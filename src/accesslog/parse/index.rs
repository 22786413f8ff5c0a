//! The whole-buffer index of [`super::Parser::feed`]: every tab and newline of a buffer, found
//! 64 bytes at a time (SIMD where there is SSE2, see [`super::scan`]) and written out as the
//! offsets where columns and lines start, with the newlines alone in a second list (the line
//! ends, found in the same pass).

use crate::accesslog::parse::scan::{block_masks, flatten};

/// Indexes a whole buffer at once: `out[0] = 0`, then one past every tab and newline of `buf`,
/// in order — so each entry is where a column or a line starts, and the entries of one line
/// (its start, its tabs, its newline) are consecutive: a record's column table is a slice of
/// `out`, with no copy. Returns how many entries are valid (`out` grows as needed; entries past
/// the count are junk). `lines` is set to the offset of every newline, in order.
pub(in crate::accesslog) fn scan_separators(
    buf: &[u8],
    out: &mut Vec<u32>,
    lines: &mut Vec<u32>,
) -> usize {
    if out.len() < 2 * 64 {
        out.resize(2 * 64, 0);
    }
    if let Some(first) = out.first_mut() {
        *first = 0;
    }
    lines.clear();
    let mut n = 1usize;
    let (blocks, tail) = buf.as_chunks::<64>();
    for (i, block) in blocks.iter().enumerate() {
        let (mask, count, nl) = block_masks(block, true);
        n = flatten_into((mask, count), i * 64 + 1, out, n);
        push_lines(nl, i * 64, lines);
    }
    if !tail.is_empty() {
        let mut pad = [0u8; 64];
        if let Some(head) = pad.get_mut(..tail.len()) {
            head.copy_from_slice(tail);
        }
        let (mask, count, nl) = block_masks(&pad, true);
        n = flatten_into((mask, count), blocks.len() * 64 + 1, out, n);
        push_lines(nl, blocks.len() * 64, lines);
    }
    n
}

/// Appends `base + position` of every set bit of `mask` (a block's newlines: about one in
/// seven blocks of a CloudFront log has one).
#[inline(always)]
fn push_lines(mut mask: u64, base: usize, lines: &mut Vec<u32>) {
    while mask != 0 {
        lines.push(base as u32 + mask.trailing_zeros());
        mask &= mask.wrapping_sub(1);
    }
}

/// [`super::scan`]'s `flatten` into a vector that grows to keep 64 entries of room.
#[inline(always)]
fn flatten_into(mask: (u64, u32), base: usize, out: &mut Vec<u32>, n: usize) -> usize {
    if n + 64 > out.len() {
        out.resize(2 * out.len(), 0);
    }
    flatten(mask, base, out, n, usize::MAX).unwrap_or(n)
}

#[cfg(test)]
#[path = "index_tests.rs"]
mod tests;
