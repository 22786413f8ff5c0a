//! [`Parser::feed`] over a whole buffer at once: one pass indexes every tab and newline (the
//! newlines also listed alone, so the lines need no second scan), and
//! each well-formed record is then checked straight from that index — its column table is a
//! slice of it — with no per-line scan or copy. Lines that do not fit the usual shape (comments,
//! blank lines, CRLF, a stray tab, the wrong column count, bad UTF-8) go through
//! [`Parser::parse_with`], the line-at-a-time path, so both agree on every verdict.

use crate::accesslog::parse::check::check_values;
use crate::accesslog::parse::index::scan_separators;
use crate::accesslog::parse::{Parsed, Parser};
use crate::accesslog::view::LineView;

impl Parser {
    /// Parses the complete lines of `buf` (`text` is its valid UTF-8 prefix); returns the bytes
    /// consumed.
    pub(in crate::accesslog) fn feed_indexed(
        &mut self,
        buf: &[u8],
        text: &str,
        visit: &mut impl FnMut(&LineView<'_>),
    ) -> usize {
        let mut seps = std::mem::take(&mut self.seps);
        let mut newlines = std::mem::take(&mut self.newlines);
        let count = scan_separators(buf, &mut seps, &mut newlines);
        let index = seps.get(..count).unwrap_or_default();
        // `index[at]` is always the start of the line at `pos`.
        let (mut pos, mut at) = (0usize, 0usize);
        for &end in &newlines {
            let end = end as usize;
            let columns = self.schema.len();
            // The usual record: exactly `columns - 1` tabs before its newline (the entry after
            // them is the newline's), not a comment, not blank, no `\r`, valid UTF-8.
            let usual = index.get(at + columns) == Some(&(end as u32 + 1))
                && end > pos
                && end <= text.len()
                && !matches!(buf.get(pos), Some(b'#'))
                && !matches!(buf.get(end - 1), Some(b'\r'));
            if usual {
                self.counts.lines += 1;
                let starts = index.get(at..=at + columns).unwrap_or_default();
                match check_values(&self.schema, &mut self.day_cache, buf, starts) {
                    Ok(hot) => {
                        self.counts.records += 1;
                        visit(&LineView::new(text, starts, &self.schema, hot));
                    }
                    Err(why) => {
                        self.skip(why);
                    }
                }
                at += columns;
            } else {
                let line = buf.get(pos..end).unwrap_or_default();
                if let Parsed::Record(view) = self.parse_with(line, text.get(pos..end)) {
                    visit(&view);
                }
                // On to the entry of this line's newline (the next line's start).
                at += index
                    .get(at..)
                    .unwrap_or_default()
                    .partition_point(|&s| s <= end as u32);
            }
            pos = end + 1;
        }
        self.seps = seps;
        self.newlines = newlines;
        pos
    }
}
