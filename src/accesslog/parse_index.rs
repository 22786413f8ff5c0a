//! The whole-buffer index of [`super::Parser::feed`]: every tab and newline of a buffer, found
//! 64 bytes at a time (SIMD where there is SSE2) and written out as the offsets where columns
//! and lines start.

use super::parse_scan::{TABS, eq_bits, flatten, movemask};

#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;

/// The tabs and newlines of a 64-byte block as a bit mask, and how many there are (portable).
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
#[inline(always)]
fn separator_mask_swar(block: &[u8; 64]) -> (u64, u32) {
    let mut mask = 0u64;
    for (j, word) in block.as_chunks::<8>().0.iter().enumerate() {
        let w = u64::from_le_bytes(*word);
        mask |= movemask(eq_bits(w, TABS) | eq_bits(w, NEWLINES)) << (8 * j);
    }
    (mask, mask.count_ones())
}

/// The tabs and newlines of a 64-byte block as a bit mask, and how many there are (SSE2).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn separator_mask(block: &[u8; 64]) -> (u64, u32) {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, sub_i8_m128i, sum_of_u8_abs_diff_m128i, zeroed_m128i,
    };
    let (tabs, newlines) = (
        set_splat_i8_m128i(b'\t' as i8),
        set_splat_i8_m128i(b'\n' as i8),
    );
    let (mut mask, mut ones) = (0u64, zeroed_m128i());
    for (j, chunk) in block.as_chunks::<16>().0.iter().enumerate() {
        let v = load_unaligned_m128i(chunk);
        let eq = bitor_m128i(
            cmp_eq_mask_i8_m128i(v, tabs),
            cmp_eq_mask_i8_m128i(v, newlines),
        );
        ones = sub_i8_m128i(ones, eq);
        mask |= u64::from(move_mask_i8_m128i(eq) as u16) << (16 * j);
    }
    let [lo, hi]: [i64; 2] = sum_of_u8_abs_diff_m128i(ones, zeroed_m128i()).into();
    (mask, (lo + hi) as u32)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn separator_mask(block: &[u8; 64]) -> (u64, u32) {
    separator_mask_swar(block)
}

/// Indexes a whole buffer at once: `out[0] = 0`, then one past every tab and newline of `buf`,
/// in order — so each entry is where a column or a line starts, and the entries of one line
/// (its start, its tabs, its newline) are consecutive: a record's column table is a slice of
/// `out`, with no copy. Returns how many entries are valid (`out` grows as needed; entries past
/// the count are junk).
pub(super) fn scan_separators(buf: &[u8], out: &mut Vec<u32>) -> usize {
    if out.len() < 2 * 64 {
        out.resize(2 * 64, 0);
    }
    if let Some(first) = out.first_mut() {
        *first = 0;
    }
    let mut n = 1usize;
    let (blocks, tail) = buf.as_chunks::<64>();
    for (i, block) in blocks.iter().enumerate() {
        n = flatten_into(separator_mask(block), i * 64 + 1, out, n);
    }
    if !tail.is_empty() {
        let mut pad = [0u8; 64];
        if let Some(head) = pad.get_mut(..tail.len()) {
            head.copy_from_slice(tail);
        }
        n = flatten_into(separator_mask(&pad), blocks.len() * 64 + 1, out, n);
    }
    n
}

/// [`super::parse_scan`]'s `flatten` into a vector that grows to keep 64 entries of room.
#[inline(always)]
fn flatten_into(mask: (u64, u32), base: usize, out: &mut Vec<u32>, n: usize) -> usize {
    if n + 64 > out.len() {
        out.resize(2 * out.len(), 0);
    }
    flatten(mask, base, out, n, usize::MAX).unwrap_or(n)
}

#[cfg(test)]
#[path = "parse_index_tests.rs"]
mod tests;
