//! JSON lines a buffer at a time: one pass indexes the quotes, newlines and the bytes that need
//! a full JSON parser (backslashes, control characters), then each line of the usual shape — a
//! flat object of string or `null` values, keys in the layout in force — has its values written
//! straight into one W3C text buffer ([`Lines`]) that the parser takes whole, as Parquet rows
//! are. Any other line (escapes, other value types, a new layout, blank or broken JSON) goes
//! through [`json_line`], after the lines before it, so records, counts, line numbers and skip
//! reasons are those of reading line by line.

use crate::accesslog::LineView;
use crate::accesslog::input::convert::{Converter, Lines};
use crate::accesslog::input::json::json_line;
use crate::accesslog::parse::Parser;

/// W3C text gathered before the parser takes it: large enough to amortize the call, small
/// enough to stay in cache.
const CHUNK: usize = 256 * 1024;

/// A range of offsets into the buffer being fed.
type Span = (u32, u32);

/// Reads JSON lines into records, a buffer at a time (see the module docs).
#[derive(Debug, Default)]
pub struct JsonBatch {
    conv: Converter,
    lines: Lines,
    /// The buffer's quotes, newlines and bytes that need the full parser, in order.
    quotes: Vec<u32>,
    newlines: Vec<u32>,
    special: Vec<u32>,
    /// Each line of the usual shape: its key and its value (`None`: null) as offsets.
    spans: Vec<(Span, Option<Span>)>,
    /// The input lines written into `lines` since it was last parsed, for a replay.
    pending: Vec<Span>,
}

impl JsonBatch {
    /// Ready for the first line.
    pub fn new() -> JsonBatch {
        JsonBatch::default()
    }

    /// Reads every complete (newline-terminated) line of `buf` into `visit`; returns the bytes
    /// consumed (the rest is an incomplete last line). Lines are counted by `parser`, as
    /// [`json_line`] counts them.
    pub fn feed(
        &mut self,
        parser: &mut Parser,
        buf: &[u8],
        visit: &mut impl FnMut(&LineView<'_>),
    ) -> usize {
        if buf.len() >= (u32::MAX - 64) as usize {
            // Offsets are 32-bit: a buffer this large (never fed by the readers) line by line.
            return self.feed_slowly(parser, buf, visit);
        }
        index(buf, &mut self.quotes, &mut self.newlines, &mut self.special);
        let newlines = std::mem::take(&mut self.newlines);
        let all_quotes = std::mem::take(&mut self.quotes);
        let (mut pos, mut q, mut s) = (0usize, 0usize, 0usize);
        for &nl in &newlines {
            let nl = nl as usize;
            let end = if nl > pos && buf.get(nl - 1) == Some(&b'\r') {
                nl - 1
            } else {
                nl
            };
            let quotes_end = q + all_quotes
                .get(q..)
                .unwrap_or_default()
                .partition_point(|&p| (p as usize) < nl);
            while self.special.get(s).is_some_and(|&p| (p as usize) < pos) {
                s += 1;
            }
            let plain = self.special.get(s).is_none_or(|&p| p as usize >= end);
            let quotes = all_quotes.get(q..quotes_end).unwrap_or_default();
            if !(plain && self.usual(parser, buf, pos, end, quotes, visit)) {
                self.flush(parser, buf, visit);
                json_line(
                    &mut self.conv,
                    parser,
                    buf.get(pos..nl).unwrap_or_default(),
                    visit,
                );
            }
            if self.lines.len() >= CHUNK {
                self.flush(parser, buf, visit);
            }
            q = quotes_end;
            pos = nl + 1;
        }
        self.flush(parser, buf, visit);
        self.newlines = newlines;
        self.quotes = all_quotes;
        pos
    }

    /// Reads a last line without a newline (an empty `rest` is no line).
    pub fn finish(
        &mut self,
        parser: &mut Parser,
        rest: &[u8],
        visit: &mut impl FnMut(&LineView<'_>),
    ) {
        self.flush(parser, rest, visit);
        if !rest.is_empty() {
            json_line(&mut self.conv, parser, rest, visit);
        }
    }

    /// [`JsonBatch::feed`] through [`json_line`] alone.
    fn feed_slowly(
        &mut self,
        parser: &mut Parser,
        buf: &[u8],
        visit: &mut impl FnMut(&LineView<'_>),
    ) -> usize {
        let mut pos = 0;
        while let Some(rel) = buf.get(pos..).and_then(|r| memchr::memchr(b'\n', r)) {
            let line = buf.get(pos..pos + rel).unwrap_or_default();
            json_line(&mut self.conv, parser, line, visit);
            pos += rel + 1;
        }
        pos
    }

    /// Writes the line `buf[pos..end]` (its quotes `quotes`, no byte needing the full parser)
    /// into the text buffer if it has the usual shape; `false` (nothing written) otherwise.
    fn usual(
        &mut self,
        parser: &mut Parser,
        buf: &[u8],
        pos: usize,
        end: usize,
        quotes: &[u32],
        visit: &mut impl FnMut(&LineView<'_>),
    ) -> bool {
        let Some(blank) = self.shape(buf, pos, end, quotes) else {
            return false;
        };
        if !blank && !self.same_keys(buf) {
            self.flush(parser, buf, visit);
            let mut names = Vec::with_capacity(self.spans.len());
            for &((a, b), _) in &self.spans {
                match buf
                    .get(a as usize..b as usize)
                    .and_then(|k| std::str::from_utf8(k).ok())
                {
                    Some(name) => names.push(name),
                    None => return false,
                }
            }
            if !self.conv.layout(parser, names) {
                return false;
            }
        }
        if !blank {
            for &(_, value) in &self.spans {
                let v = value.and_then(|(a, b)| buf.get(a as usize..b as usize));
                self.lines.value(v);
            }
        }
        // A blank line is an empty one to the parser: counted, no record.
        self.lines.end_row();
        self.pending.push((pos as u32, end as u32));
        true
    }

    /// Whether the keys of `self.spans` are the names of the layout in force.
    fn same_keys(&self, buf: &[u8]) -> bool {
        let names = self.conv.names();
        names.len() == self.spans.len()
            && names.iter().zip(&self.spans).all(|(name, &((a, b), _))| {
                buf.get(a as usize..b as usize) == Some(name.as_bytes())
            })
    }

    /// Splits `buf[pos..end]` into `self.spans` if it is a flat object of at least one string
    /// or `null` member, with nothing but spaces around its tokens; `Some(true)` for a blank
    /// line, `None` for any other shape.
    fn shape(&mut self, buf: &[u8], pos: usize, end: usize, quotes: &[u32]) -> Option<bool> {
        self.spans.clear();
        let line = buf.get(..end)?;
        let ws = |mut i: usize| {
            while line.get(i) == Some(&b' ') {
                i += 1;
            }
            i
        };
        let mut i = ws(pos);
        if i == end {
            return Some(true);
        }
        if line.get(i) != Some(&b'{') {
            return None;
        }
        let mut q = quotes.iter().map(|&p| p as usize);
        // A string starting at `i`: its content's offsets and the offset after it.
        let mut string = |i: usize| {
            let open = q.next()?;
            let close = q.next()?;
            (open == i).then_some(((open + 1) as u32, close as u32, close + 1))
        };
        i = ws(i + 1);
        loop {
            let (ka, kb, after) = string(i)?;
            i = ws(after);
            if line.get(i) != Some(&b':') {
                return None;
            }
            i = ws(i + 1);
            let value = match line.get(i)? {
                b'"' => {
                    let (va, vb, after) = string(i)?;
                    i = after;
                    Some((va, vb))
                }
                b'n' if line.get(i..i + 4) == Some(b"null") => {
                    i += 4;
                    None
                }
                _ => return None,
            };
            self.spans.push(((ka, kb), value));
            i = ws(i);
            match line.get(i)? {
                b',' => i = ws(i + 1),
                b'}' => break,
                _ => return None,
            }
        }
        (ws(i + 1) == end && q.next().is_none()).then_some(false)
    }

    /// Parses the lines written so far; a buffer that is not UTF-8 is read again line by line
    /// from `buf`, where the lines it holds came from, so the line at fault is named.
    fn flush(&mut self, parser: &mut Parser, buf: &[u8], visit: &mut impl FnMut(&LineView<'_>)) {
        if self.lines.is_empty() {
            self.pending.clear();
            return;
        }
        if !self.lines.feed(parser, visit) {
            self.lines.clear();
            for (a, b) in std::mem::take(&mut self.pending) {
                let line = buf.get(a as usize..b as usize).unwrap_or_default();
                json_line(&mut self.conv, parser, line, visit);
            }
        }
        self.pending.clear();
    }
}

/// Indexes `buf`: the offsets of its quotes, of its newlines, and of the bytes only a full JSON
/// parser handles (a backslash, or a control character other than the newline).
fn index(buf: &[u8], quotes: &mut Vec<u32>, newlines: &mut Vec<u32>, special: &mut Vec<u32>) {
    quotes.clear();
    newlines.clear();
    special.clear();
    let (blocks, tail) = buf.as_chunks::<64>();
    for (i, block) in blocks.iter().enumerate() {
        push_block(block, i * 64, quotes, newlines, special);
    }
    if !tail.is_empty() {
        // Padded with spaces, which are none of the three.
        let mut pad = [b' '; 64];
        if let Some(head) = pad.get_mut(..tail.len()) {
            head.copy_from_slice(tail);
        }
        push_block(&pad, blocks.len() * 64, quotes, newlines, special);
    }
}

#[inline(always)]
fn push_block(
    block: &[u8; 64],
    base: usize,
    quotes: &mut Vec<u32>,
    newlines: &mut Vec<u32>,
    special: &mut Vec<u32>,
) {
    let (q, nl, sp) = block_masks(block);
    push_bits(q, base, quotes);
    push_bits(nl, base, newlines);
    push_bits(sp, base, special);
}

#[inline(always)]
fn push_bits(mut mask: u64, base: usize, out: &mut Vec<u32>) {
    while mask != 0 {
        out.push(base as u32 + mask.trailing_zeros());
        mask &= mask.wrapping_sub(1);
    }
}

/// The quotes, newlines and special bytes (see [`index`]) of a 64-byte block as bit masks
/// (SSE2, part of every x86-64, through `safe_arch`'s safe wrappers).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block_masks(block: &[u8; 64]) -> (u64, u64, u64) {
    use safe_arch::{
        bitandnot_m128i, bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, max_u8_m128i,
        move_mask_i8_m128i, set_splat_i8_m128i,
    };
    let quote = set_splat_i8_m128i(b'"' as i8);
    let slash = set_splat_i8_m128i(b'\\' as i8);
    let lf = set_splat_i8_m128i(b'\n' as i8);
    let below = set_splat_i8_m128i(0x1f);
    let (mut q, mut nl, mut sp) = (0u64, 0u64, 0u64);
    for (j, chunk) in block.as_chunks::<16>().0.iter().enumerate() {
        let v = load_unaligned_m128i(chunk);
        let is_lf = cmp_eq_mask_i8_m128i(v, lf);
        // A control character is a byte at most 0x1f: its maximum with 0x1f is 0x1f.
        let control = cmp_eq_mask_i8_m128i(max_u8_m128i(v, below), below);
        let special = bitor_m128i(
            cmp_eq_mask_i8_m128i(v, slash),
            bitandnot_m128i(is_lf, control),
        );
        let bits = |m| u64::from(move_mask_i8_m128i(m) as u16) << (16 * j);
        q |= bits(cmp_eq_mask_i8_m128i(v, quote));
        nl |= bits(is_lf);
        sp |= bits(special);
    }
    (q, nl, sp)
}

/// [`block_masks`] a byte at a time, where there is no SSE2.
#[cfg(not(target_arch = "x86_64"))]
fn block_masks(block: &[u8; 64]) -> (u64, u64, u64) {
    let (mut q, mut nl, mut sp) = (0u64, 0u64, 0u64);
    for (i, &b) in block.iter().enumerate() {
        match b {
            b'"' => q |= 1 << i,
            b'\n' => nl |= 1 << i,
            b'\\' | 0..=0x1f => sp |= 1 << i,
            _ => {}
        }
    }
    (q, nl, sp)
}
