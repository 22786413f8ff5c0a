//! Byte-level scanning for the W3C parser: column splitting (64-byte blocks, SIMD) and the
//! number, date and time formats CloudFront writes, parsed without allocating.

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const TABS: u64 = 0x0909_0909_0909_0909;
const NEWLINES: u64 = 0x0a0a_0a0a_0a0a_0a0a;

/// High bit set in exactly the bytes of `w` equal to the byte repeated in `pattern`.
#[inline]
fn eq_bits(w: u64, pattern: u64) -> u64 {
    let x = w ^ pattern;
    !(((x & LOW7).wrapping_add(LOW7)) | x | LOW7)
}

/// Gathers the high bit of each byte of `w` into the low eight bits (a portable `movemask`).
#[inline]
fn movemask(high_bits: u64) -> u64 {
    ((high_bits >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The tabs (and with `newlines`, the newlines too) of a 64-byte block as a bit mask, and how
/// many there are (portable eight-bytes-at-a-time version).
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
#[inline(always)]
pub(in crate::accesslog) fn block_mask_swar(block: &[u8; 64], newlines: bool) -> (u64, u32) {
    let (mask, count, _) = block_masks_swar(block, newlines);
    (mask, count)
}

/// [`block_mask_swar`] and, with `newlines`, the newlines alone as a second mask.
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
#[inline(always)]
pub(in crate::accesslog) fn block_masks_swar(block: &[u8; 64], newlines: bool) -> (u64, u32, u64) {
    let (mut mask, mut lines) = (0u64, 0u64);
    for (j, word) in block.as_chunks::<8>().0.iter().enumerate() {
        let w = u64::from_le_bytes(*word);
        let nl = if newlines { eq_bits(w, NEWLINES) } else { 0 };
        mask |= movemask(eq_bits(w, TABS) | nl) << (8 * j);
        lines |= movemask(nl) << (8 * j);
    }
    (mask, mask.count_ones(), lines)
}

/// The tabs (and with `newlines`, the newlines too) of a 64-byte block as a bit mask, and how
/// many there are (SSE2, part of every x86-64: sixteen bytes per compare, through `safe_arch`'s
/// safe wrappers; the count comes from the compare results, cheaper than a popcount without the
/// POPCNT instruction). Callers pass a constant `newlines`, so the choice costs nothing.
#[inline(always)]
pub(in crate::accesslog) fn block_mask(block: &[u8; 64], newlines: bool) -> (u64, u32) {
    let (mask, count, _) = block_masks(block, newlines);
    (mask, count)
}

/// [`block_mask`] and, with `newlines`, the newlines alone as a second mask (from the same
/// compares: the whole-buffer index finds the line ends in its one pass).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(in crate::accesslog) fn block_masks(block: &[u8; 64], newlines: bool) -> (u64, u32, u64) {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i, sub_i8_m128i, sum_of_u8_abs_diff_m128i, zeroed_m128i,
    };
    let (tabs, lfs) = (
        set_splat_i8_m128i(b'\t' as i8),
        set_splat_i8_m128i(b'\n' as i8),
    );
    let (mut mask, mut lines, mut ones) = (0u64, 0u64, zeroed_m128i());
    for (j, chunk) in block.as_chunks::<16>().0.iter().enumerate() {
        let v = load_unaligned_m128i(chunk);
        let mut eq = cmp_eq_mask_i8_m128i(v, tabs);
        if newlines {
            let nl = cmp_eq_mask_i8_m128i(v, lfs);
            lines |= u64::from(move_mask_i8_m128i(nl) as u16) << (16 * j);
            eq = bitor_m128i(eq, nl);
        }
        ones = sub_i8_m128i(ones, eq);
        mask |= u64::from(move_mask_i8_m128i(eq) as u16) << (16 * j);
    }
    let [lo, hi]: [i64; 2] = sum_of_u8_abs_diff_m128i(ones, zeroed_m128i()).into();
    (mask, (lo + hi) as u32, lines)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
pub(in crate::accesslog) fn block_masks(block: &[u8; 64], newlines: bool) -> (u64, u32, u64) {
    block_masks_swar(block, newlines)
}

/// Extra room [`split_columns`] needs in `starts` beyond the columns it may record.
pub(in crate::accesslog) const SLACK: usize = 65;

/// Splits `line` on tabs. `starts` receives the start offset of every column and, last, one past
/// the end of the line plus one (so column `i` is `starts[i]..starts[i + 1] - 1`). Returns the
/// number of columns, or `None` if it has more than
/// `starts.len() - SLACK` columns.
///
/// Works on 64-byte blocks: a 64-bit mask of the tabs, then the set bits written out eight at a
/// time without a branch per tab.
#[inline]
pub(in crate::accesslog) fn split_columns(line: &[u8], starts: &mut [u32]) -> Option<usize> {
    let max = starts.len().checked_sub(SLACK)?;
    *starts.first_mut()? = 0;
    let mut n = 1usize;
    let (blocks, tail) = line.as_chunks::<64>();
    for (i, block) in blocks.iter().enumerate() {
        n = flatten(block_mask(block, false), i * 64 + 1, starts, n, max)?;
    }
    if !tail.is_empty() {
        let mut pad = [0u8; 64];
        pad.get_mut(..tail.len())?.copy_from_slice(tail);
        n = flatten(
            block_mask(&pad, false),
            blocks.len() * 64 + 1,
            starts,
            n,
            max,
        )?;
    }
    *starts.get_mut(n)? = line.len() as u32 + 1;
    Some(n)
}

/// Appends `base + position` for every set bit of `mask` to `starts` from index `n`; returns the
/// new count, or `None` past `max`.
#[inline(always)]
pub(in crate::accesslog) fn flatten(
    (mut mask, count): (u64, u32),
    base: usize,
    starts: &mut [u32],
    n: usize,
    max: usize,
) -> Option<usize> {
    let count = count as usize;
    if n.saturating_add(count) > max {
        return None;
    }
    let out: &mut [u32; 64] = starts.get_mut(n..n + 64)?.try_into().ok()?;
    let base = base as u32;
    // Eight unconditional writes cover most blocks; bits past `count` write junk that the
    // next block (or the end marker) overwrites.
    for slot in out.iter_mut().take(8) {
        *slot = base + mask.trailing_zeros();
        mask &= mask.wrapping_sub(1);
    }
    if count > 8 {
        for slot in out.iter_mut().skip(8) {
            if mask == 0 {
                break;
            }
            *slot = base + mask.trailing_zeros();
            mask &= mask.wrapping_sub(1);
        }
    }
    Some(n + count)
}

/// A run of ASCII digits as an integer; `None` for empty, non-digits or more than 19 digits.
#[inline]
pub(in crate::accesslog) fn parse_u64(s: &[u8]) -> Option<u64> {
    if s.is_empty() || s.len() > 19 {
        return None;
    }
    let mut v = 0u64;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        v = v * 10 + u64::from(d);
    }
    Some(v)
}

/// The integer in `line[a..b]`, like [`parse_u64`], without a branch per digit for up to eight
/// digits: the eight bytes ending at `b` are read as one word, the bytes before `a` replaced by
/// `'0'`, checked and converted with a few multiplications.
#[inline]
pub(in crate::accesslog) fn parse_u64_at(line: &[u8], a: usize, b: usize) -> Option<u64> {
    let n = b.checked_sub(a)?;
    if n == 0 || n > 8 || b < 8 {
        return parse_u64(line.get(a..b)?);
    }
    let word: [u8; 8] = line.get(b - 8..b)?.try_into().ok()?;
    let keep = u64::MAX << (8 * (8 - n));
    let x = (u64::from_le_bytes(word) & keep) | (0x3030_3030_3030_3030 & !keep);
    let digits = (x & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030
        && (x.wrapping_add(0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) == 0x3030_3030_3030_3030;
    if !digits {
        return None;
    }
    let v = x & 0x0F0F_0F0F_0F0F_0F0F;
    let v = (v.wrapping_mul(2561) >> 8) & 0x00FF_00FF_00FF_00FF;
    let v = (v.wrapping_mul(6_553_601) >> 16) & 0x0000_FFFF_0000_FFFF;
    Some(v.wrapping_mul(42_949_672_960_001) >> 32)
}

/// `12.345` seconds as milliseconds (extra fraction digits are truncated); `None` if malformed
/// or beyond `u32` milliseconds. It runs twice per record: the form CloudFront writes (a few
/// digits, a dot, three digits) takes a short path without a branch per character.
#[inline]
pub(in crate::accesslog) fn parse_seconds_ms(s: &[u8]) -> Option<u32> {
    if let [whole @ .., b'.', a, b, c] = s
        && let Some(whole) = (whole.len() <= 8).then(|| parse_u64(whole)).flatten()
    {
        let (a, b, c) = (
            a.wrapping_sub(b'0'),
            b.wrapping_sub(b'0'),
            c.wrapping_sub(b'0'),
        );
        if a <= 9 && b <= 9 && c <= 9 {
            let ms = whole * 1000 + u64::from(a) * 100 + u64::from(b) * 10 + u64::from(c);
            return u32::try_from(ms).ok();
        }
    }
    seconds_ms_any(s)
}

/// [`parse_seconds_ms`] for any form: one pass over the characters.
fn seconds_ms_any(s: &[u8]) -> Option<u32> {
    if s.is_empty() || s.len() > 24 {
        return None;
    }
    let (mut whole, mut ms, mut frac, mut dot) = (0u64, 0u64, 0u32, false);
    for &b in s {
        if b == b'.' {
            if dot {
                return None;
            }
            dot = true;
            continue;
        }
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        if !dot {
            whole = whole.checked_mul(10)?.checked_add(u64::from(d))?;
        } else if frac < 3 {
            ms = ms * 10 + u64::from(d);
            frac += 1;
        }
    }
    if s == b"." {
        return None;
    }
    for _ in frac..3 {
        ms *= 10;
    }
    u32::try_from(whole.checked_mul(1000)?.checked_add(ms)?).ok()
}

/// Epoch seconds with an optional fraction (`1795597200.123`) as epoch milliseconds; `None` if
/// malformed or past year 9999.
pub(in crate::accesslog) fn parse_epoch_seconds_ms(s: &[u8]) -> Option<i64> {
    let (whole, frac) = match memchr::memchr(b'.', s) {
        Some(dot) => (s.get(..dot)?, s.get(dot + 1..)?),
        None => (s, &b""[..]),
    };
    let secs = parse_u64(whole).filter(|v| *v < 253_402_300_800)?;
    if frac.len() > 9 || (!frac.is_empty() && parse_u64(frac).is_none()) {
        return None;
    }
    let mut ms = 0u64;
    for i in 0..3 {
        ms = ms * 10 + frac.get(i).map_or(0, |d| u64::from(d - b'0'));
    }
    i64::try_from(secs * 1000 + ms).ok()
}

#[inline]
fn two(a: u8, b: u8) -> Option<u32> {
    let (x, y) = (a.wrapping_sub(b'0'), b.wrapping_sub(b'0'));
    (x <= 9 && y <= 9).then(|| u32::from(x) * 10 + u32::from(y))
}

/// `YYYY-MM-DD` as days since 1970-01-01; `None` unless it is a real calendar date.
pub(in crate::accesslog) fn parse_date_days(s: &[u8]) -> Option<i64> {
    let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = s else {
        return None;
    };
    let y = i64::from(two(y0, y1)? * 100 + two(y2, y3)?);
    let m = i64::from(two(m0, m1)?);
    let d = i64::from(two(d0, d1)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let len = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > len {
        return None;
    }
    // Days-from-civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// `HH:MM:SS` as seconds of the day (a leap second `:60` is accepted).
#[inline]
pub(in crate::accesslog) fn parse_time_secs(s: &[u8]) -> Option<i64> {
    let &[h0, h1, b':', m0, m1, b':', s0, s1] = s else {
        return None;
    };
    let (h, m, sec) = (two(h0, h1)?, two(m0, m1)?, two(s0, s1)?);
    (h < 24 && m < 60 && sec <= 60).then(|| i64::from(h * 3600 + m * 60 + sec))
}

#[cfg(test)]
#[path = "scan_tests.rs"]
mod tests;
