//! Text helpers measured in terminal cells: width, truncation with `…`, wrapping, short ids.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

/// Display width of a string in terminal cells.
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Display width of one character.
fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    width(c.encode_utf8(&mut buf))
}

/// The string cut to at most `max` cells, ending with `…` when something was cut.
pub fn ellipsize(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    cut(s, max)
}

/// `s` cut to fewer than `max` cells and ended with `…` (nothing when `max` is 0), whether or not
/// it would fit: for text followed by more that is left out.
fn cut(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// The spans that fit in `max` cells, in order; when they do not all fit, the line is cut where
/// the `…` that ends it still fits: the span cut keeps its style and those after it are dropped,
/// so a cut line says it was cut.
pub fn fit_spans<'a>(spans: Vec<Span<'a>>, max: usize) -> Vec<Span<'a>> {
    let total: usize = spans.iter().map(Span::width).sum();
    if total <= max {
        return spans;
    }
    let mut used = 0;
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let w = span.width();
        if used + w < max {
            used += w;
            out.push(span);
            continue;
        }
        let room = max - used;
        if room > 0 {
            out.push(Span::styled(cut(&span.content, room), span.style));
        }
        break;
    }
    out
}

/// The line cut to `max` cells as [`fit_spans`] cuts its spans, its own style and alignment kept.
pub fn fit_line(line: Line<'_>, max: usize) -> Line<'_> {
    if line.width() <= max {
        return line;
    }
    Line {
        spans: fit_spans(line.spans, max),
        ..line
    }
}

/// The line in at most `max` cells, cut in its middle when too wide: its start, `…`, and as much
/// of its end as fits (the end is given the odd cell), in the style of its first span.
pub fn fit_line_middle(line: Line<'_>, max: usize) -> Line<'_> {
    if line.width() <= max {
        return line;
    }
    let style = line.spans.first().map(|s| s.style).unwrap_or_default();
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    Line {
        spans: vec![Span::styled(ellipsize_middle(&text, max), style)],
        ..line
    }
}

/// `s` in at most `max` cells, cut in its middle with `…` when too wide.
pub fn ellipsize_middle(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max < 3 {
        return cut(s, max);
    }
    let room = max - 1;
    let (head, tail) = (room / 2, room - room / 2);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > head {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    let mut end: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = char_width(c);
        if used + w > tail {
            break;
        }
        used += w;
        end.push(c);
    }
    out.extend(end.into_iter().rev());
    out
}

/// Wraps `s` into at most `max_lines` lines of `max` cells; the last line ends with `…` if cut.
pub fn wrap(s: &str, max: usize, max_lines: usize) -> Vec<String> {
    if max == 0 || max_lines == 0 {
        return Vec::new();
    }
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut used = 0;
    for word in s.split_whitespace() {
        let w = width(word);
        let sep = usize::from(!current.is_empty());
        if used + sep + w <= max {
            if sep == 1 {
                current.push(' ');
            }
            current.push_str(word);
            used += sep + w;
            continue;
        }
        if !current.is_empty() {
            lines.push(std::mem::take(&mut current));
        }
        // A word longer than a line is cut into pieces.
        let mut rest = word;
        while width(rest) > max {
            let cut = ellipsize_raw(rest, max);
            lines.push(cut.to_string());
            rest = &rest[cut.len()..];
        }
        current.push_str(rest);
        used = width(rest);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            let shorter = ellipsize(last, max.saturating_sub(1));
            *last = format!("{}…", shorter.trim_end_matches('…'));
        }
    }
    lines
}

/// `s` cut into rows of at most `max` cells, whitespace kept (for text laid out by hand, such as
/// indented JSON); an empty `s` is one empty row.
pub fn hard_wrap(s: &str, max: usize) -> Vec<String> {
    hard_wrap_upto(s, max, usize::MAX).0
}

/// [`hard_wrap`] stopping after `limit` rows; `true` when something was left out.
pub fn hard_wrap_upto(s: &str, max: usize, limit: usize) -> (Vec<String>, bool) {
    if limit == 0 {
        return (Vec::new(), true);
    }
    let max = max.max(1);
    let (mut rows, mut row, mut used) = (Vec::new(), String::new(), 0);
    for c in s.chars() {
        let w = char_width(c);
        if used + w > max && !row.is_empty() {
            rows.push(std::mem::take(&mut row));
            used = 0;
            if rows.len() >= limit {
                return (rows, true);
            }
        }
        row.push(c);
        used += w;
    }
    if rows.len() < limit {
        rows.push(row);
        (rows, false)
    } else {
        (rows, true)
    }
}

/// The longest prefix of `s` that fits in `max` cells (at least one character if any).
fn ellipsize_raw(s: &str, max: usize) -> &str {
    let mut used = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let w = char_width(c);
        if used + w > max && end > 0 {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    &s[..end]
}

pub use crate::domain::words::count;

/// The first 8 characters of an execution id.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

/// The short form of a caller identity: the last segment of an ARN.
pub fn short_identity(arn: &str) -> &str {
    arn.rsplit(['/', ':'])
        .find(|s| !s.is_empty())
        .unwrap_or(arn)
}

/// A rectangle of at most `w`×`h` centred in `area` (never larger than `area`).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x.saturating_add((area.width - w) / 2),
        area.y.saturating_add((area.height - h) / 2),
        w,
        h,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_middle_cut_keeps_both_ends_so_rows_differing_at_their_ends_stay_apart() {
        let build = ellipsize_middle("build › Run npm run build", 15);
        let lint = ellipsize_middle("build › Run npm run lint", 15);
        assert_eq!(build, "build ›…n build");
        assert_eq!(lint, "build ›…un lint");
        assert_eq!((width(&build), width(&lint)), (15, 15));
        assert_eq!(ellipsize_middle("build", 15), "build", "what fits is kept");
        assert_eq!(ellipsize_middle("build › test", 2), "b…");
        assert_eq!(ellipsize_middle("ab", 0), "");
        assert_eq!(
            ellipsize_middle("日本語のテスト", 7),
            "日…ト",
            "wide characters"
        );
        let line = Line::from(vec![Span::raw("build › "), Span::raw("Run npm run lint")]);
        let cut = fit_line_middle(line, 15);
        assert_eq!(cut.spans.len(), 1);
        assert_eq!(cut.spans[0].content, "build ›…un lint");
    }

    #[test]
    fn fitted_spans_end_with_an_ellipsis_where_cut_and_keep_their_styles() {
        use ratatui::style::{Color, Style};
        let red = Style::new().fg(Color::Red);
        let spans = || {
            vec![
                Span::raw("● following"),
                Span::styled(" · 2 unreadable", red),
                Span::raw(" · v2 stg1json2hive3d (json)"),
            ]
        };
        let text = |spans: &[Span]| {
            spans
                .iter()
                .map(|s| s.content.to_string())
                .collect::<String>()
        };
        assert_eq!(
            text(&fit_spans(spans(), 80)),
            "● following · 2 unreadable · v2 stg1json2hive3d (json)"
        );
        let cut = fit_spans(spans(), 30);
        assert_eq!(text(&cut), "● following · 2 unreadable · …");
        assert_eq!(cut.len(), 3);
        assert_eq!(cut[1].style, red);
        let cut = fit_spans(spans(), 20);
        assert_eq!(text(&cut), "● following · 2 unr…");
        assert_eq!((cut.len(), cut[1].style), (2, red));
        // Cut at a span's end, the line still ends with `…`.
        assert_eq!(text(&fit_spans(spans(), 26)), "● following · 2 unreadabl…");
        assert_eq!(text(&fit_spans(spans(), 27)), "● following · 2 unreadable…");
        assert_eq!(text(&fit_spans(spans(), 1)), "…");
        assert!(fit_spans(spans(), 0).is_empty());
        let line = Line::from(spans()).style(red).right_aligned();
        let cut = fit_line(line.clone(), 20);
        assert_eq!(text(&cut.spans), "● following · 2 unr…");
        assert_eq!((cut.style, cut.alignment), (line.style, line.alignment));
        assert_eq!(fit_line(line.clone(), 80), line);
    }

    #[test]
    fn ellipsizes_and_wraps_by_cells() {
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("abc", 4), "abc");
        assert_eq!(ellipsize("abc", 0), "");
        assert_eq!(count(1, "failure", "failures"), "1 failure");
        assert_eq!(count(0, "failure", "failures"), "0 failures");
        assert_eq!(wrap("one two three four", 9, 2), vec!["one two", "three…"]);
        assert_eq!(wrap("abcdefghij", 4, 3), vec!["abcd", "efgh", "ij"]);
        assert!(wrap("x", 0, 2).is_empty());
        assert_eq!(hard_wrap("  \"a\": 1", 4), vec!["  \"a", "\": 1"]);
        assert_eq!(hard_wrap("", 4), vec![""]);
        assert_eq!(hard_wrap("日本語", 4), vec!["日本", "語"]);
        assert_eq!(hard_wrap("abc", 0), vec!["a", "b", "c"]);
        assert_eq!(
            hard_wrap_upto("abcdefg", 2, 2),
            (vec!["ab".into(), "cd".into()], true)
        );
        assert_eq!(
            hard_wrap_upto("abcd", 2, 2),
            (vec!["ab".into(), "cd".into()], false)
        );
        assert_eq!(hard_wrap_upto("abc", 2, 0), (Vec::new(), true));
        assert_eq!(
            short_identity("arn:aws:sts::1:assumed-role/Ops/carol"),
            "carol"
        );
        assert_eq!(short_identity("arn:aws:iam::1:root"), "root");
        assert_eq!(
            centered(Rect::new(0, 0, 10, 4), 20, 2),
            Rect::new(0, 1, 10, 2)
        );
    }
}
