//! Lists drawn as tables: columns that drop by priority when narrow and grow to their contents'
//! width when there is room, cells cut with `…` to the width they are drawn at, and a scroll
//! derived from state.

use super::status::{HEADER, SELECTED};
use super::text::{fit_line, fit_line_middle};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Position, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table};

/// Cells between two columns.
pub const SPACING: u16 = 1;

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    /// Header text.
    pub title: &'static str,
    /// Width in cells (the least width for a fill column).
    pub width: u16,
    /// Lower numbers are kept first when the table is narrow.
    pub priority: u8,
    /// Takes the remaining width.
    pub fill: bool,
    /// A cell too wide is cut in the middle (`build › Ru…un lint`), not at its end: for cells
    /// whose end tells rows apart.
    pub middle: bool,
}

impl Col {
    /// A fixed-width column.
    pub const fn fixed(title: &'static str, width: u16, priority: u8) -> Col {
        Col {
            title,
            width,
            priority,
            fill: false,
            middle: false,
        }
    }

    /// A column taking the remaining width, at least `width`.
    pub const fn fill(title: &'static str, width: u16, priority: u8) -> Col {
        Col {
            title,
            width,
            priority,
            fill: true,
            middle: false,
        }
    }

    /// The same column, its cells cut in the middle when too wide.
    pub const fn cut_middle(self) -> Col {
        Col {
            middle: true,
            ..self
        }
    }
}

/// Indices of the columns that fit in `width`, in display order, most important first kept.
pub fn fit(cols: &[Col], width: u16) -> Vec<usize> {
    let mut order: Vec<usize> = (0..cols.len()).collect();
    order.sort_by_key(|&i| cols[i].priority);
    let mut used: u16 = 0;
    let mut keep = Vec::new();
    for i in order {
        let extra = if keep.is_empty() { 0 } else { SPACING };
        let need = used.saturating_add(cols[i].width).saturating_add(extra);
        if need <= width {
            used = need;
            keep.push(i);
        }
    }
    keep.sort_unstable();
    keep
}

/// Most rows measured for the columns' natural widths (the visible rows are always measured).
const MEASURED: usize = 500;

/// The width of each column of `keep` (indices into `cols`, display order) in `width` cells: its
/// own width, then, most important column first, as much more as its widest cell (`natural`,
/// per column of `cols`) needs while room is left — the fixed columns before the fill column,
/// which takes what is left anyway.
pub fn grow(cols: &[Col], keep: &[usize], natural: &[u16], width: u16) -> Vec<u16> {
    let spacing = SPACING.saturating_mul(u16::try_from(keep.len().saturating_sub(1)).unwrap_or(0));
    let used = keep
        .iter()
        .fold(spacing, |sum, &i| sum.saturating_add(cols[i].width));
    let mut extra = width.saturating_sub(used);
    let mut widths: Vec<u16> = keep.iter().map(|&i| cols[i].width).collect();
    let mut order: Vec<usize> = (0..keep.len()).collect();
    order.sort_by_key(|&k| (cols[keep[k]].fill, cols[keep[k]].priority));
    for k in order {
        let want = natural
            .get(keep[k])
            .copied()
            .unwrap_or(0)
            .saturating_sub(widths[k]);
        let more = want.min(extra);
        widths[k] += more;
        extra -= more;
    }
    widths
}

/// First visible row so that the selected one is on screen: scrolls only as far as needed.
pub fn scroll_offset(selected: Option<usize>, len: usize, height: usize) -> usize {
    if height == 0 {
        return 0;
    }
    let sel = selected.unwrap_or(0).min(len.saturating_sub(1));
    sel.saturating_add(1).saturating_sub(height)
}

/// Where a list's rows are drawn, to map clicks back to rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListGeom {
    /// The rows' area (below the header).
    pub rows: Rect,
    /// Index of the first row shown.
    pub offset: usize,
    /// Number of rows in the list.
    pub len: usize,
}

impl ListGeom {
    /// The geometry of a list of `len` rows in `rows` keeping `selected` visible.
    pub fn new(rows: Rect, len: usize, selected: Option<usize>) -> ListGeom {
        ListGeom {
            rows,
            offset: scroll_offset(selected, len, usize::from(rows.height)),
            len,
        }
    }

    /// The list row under a cell, if any.
    pub fn row_at(&self, column: u16, row: u16) -> Option<usize> {
        if !self.rows.contains(Position::new(column, row)) {
            return None;
        }
        let index = self.offset + usize::from(row - self.rows.y);
        (index < self.len).then_some(index)
    }

    /// Range of rows shown.
    pub fn visible(&self) -> std::ops::Range<usize> {
        let end = self
            .offset
            .saturating_add(usize::from(self.rows.height))
            .min(self.len);
        self.offset.min(end)..end
    }
}

/// The widest cell of each column (its title included) over the first [`MEASURED`] rows and the
/// rows shown, so that a column keeps its width while the list scrolls.
fn natural<'a>(
    cols: &[Col],
    geom: &ListGeom,
    cells: &mut impl FnMut(usize) -> Vec<Line<'a>>,
) -> Vec<u16> {
    let mut widest: Vec<usize> = cols.iter().map(|c| Line::from(c.title).width()).collect();
    let first = 0..geom.len.min(MEASURED);
    let shown = geom.visible().filter(|r| *r >= MEASURED);
    for r in first.chain(shown) {
        for (w, cell) in widest.iter_mut().zip(cells(r)) {
            *w = (*w).max(cell.width());
        }
    }
    widest
        .into_iter()
        .map(|w| u16::try_from(w).unwrap_or(u16::MAX))
        .collect()
}

/// The width each kept column is drawn at in `width` cells: the constraints laid out as the
/// table lays them out (from the left, [`SPACING`] between columns, no highlight symbol), so
/// that a cell can be cut to the very width it is drawn at.
fn drawn_widths(widths: &[Constraint], width: u16) -> Vec<u16> {
    Layout::horizontal(widths.iter().copied())
        .flex(Flex::Start)
        .spacing(SPACING)
        .split(Rect::new(0, 0, width, 1))
        .iter()
        .map(|r| r.width)
        .collect()
}

/// The cells of a row cut to their columns' widths, each that was cut ending with `…` (or with
/// `…` in its middle, in a column cut there).
fn fitted<'a>(cells: Vec<Line<'a>>, widths: &[u16], middle: &[bool]) -> Vec<Line<'a>> {
    cells
        .into_iter()
        .zip(widths)
        .zip(middle.iter().chain(std::iter::repeat(&false)))
        .map(|((cell, &w), &mid)| {
            if mid {
                fit_line_middle(cell, usize::from(w))
            } else {
                fit_line(cell, usize::from(w))
            }
        })
        .collect()
}

/// Draws a table: a header row at `area.y`, then the rows of `geom.visible()`; `cells(i)` gives
/// the cells of row `i` for every column of `cols`, `selected` is highlighted. Columns that do
/// not fit are left out by priority; the room left widens the others to their contents; a cell
/// wider than its column is cut and ends with `…`.
pub fn render<'a>(
    frame: &mut Frame,
    area: Rect,
    cols: &[Col],
    geom: &ListGeom,
    selected: Option<usize>,
    mut cells: impl FnMut(usize) -> Vec<Line<'a>>,
) {
    let keep = fit(cols, area.width);
    let natural = natural(cols, geom, &mut cells);
    let grown = grow(cols, &keep, &natural, area.width);
    let constraints: Vec<Constraint> = keep
        .iter()
        .zip(grown)
        .map(|(&i, w)| {
            if cols[i].fill {
                Constraint::Min(w)
            } else {
                Constraint::Length(w)
            }
        })
        .collect();
    let widths = drawn_widths(&constraints, area.width);
    let middle: Vec<bool> = keep.iter().map(|&i| cols[i].middle).collect();
    let titles = keep.iter().map(|&i| Line::from(cols[i].title)).collect();
    let header = Row::new(fitted(titles, &widths, &[])).style(HEADER);
    let rows: Vec<Row> = geom
        .visible()
        .map(|r| {
            let mut all = cells(r);
            let picked: Vec<Line> = keep
                .iter()
                .map(|&i| all.get_mut(i).map(std::mem::take).unwrap_or_default())
                .collect();
            let row = Row::new(fitted(picked, &widths, &middle));
            if Some(r) == selected {
                row.style(SELECTED)
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(rows, widths.iter().map(|&w| Constraint::Length(w)))
        .header(header)
        .column_spacing(SPACING)
        .flex(Flex::Start);
    frame.render_widget(table, area);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_drop_by_priority_and_keep_display_order() {
        let cols = [
            Col::fixed("a", 10, 0),
            Col::fixed("b", 10, 2),
            Col::fixed("c", 10, 1),
        ];
        assert_eq!(fit(&cols, 40), vec![0, 1, 2]);
        assert_eq!(fit(&cols, 21), vec![0, 2]);
        assert_eq!(fit(&cols, 5), Vec::<usize>::new());
    }

    #[test]
    fn columns_grow_to_their_contents_most_important_first() {
        let cols = [
            Col::fixed("a", 4, 0),
            Col::fixed("b", 4, 2),
            Col::fixed("c", 4, 1),
            Col::fill("d", 4, 3),
        ];
        let keep = [0, 1, 2, 3];
        // 19 cells of columns and spacing; a 40-cell table has 21 to share.
        assert_eq!(grow(&cols, &keep, &[10, 20, 6, 9], 40), vec![10, 17, 6, 4]);
        assert_eq!(grow(&cols, &keep, &[10, 20, 6, 9], 19), vec![4, 4, 4, 4]);
        // Never narrower than the column's own width.
        assert_eq!(grow(&cols, &keep, &[1, 1, 1, 1], 40), vec![4, 4, 4, 4]);
        // A fill column, however important, grows after the fixed ones.
        let first = [Col::fill("n", 4, 0), Col::fixed("d", 4, 5)];
        assert_eq!(grow(&first, &[0, 1], &[30, 13], 20), vec![6, 13]);
    }

    #[test]
    fn a_wide_table_shows_whole_cells() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let cols = [
            Col::fixed("PIPELINE", 8, 1),
            Col::fixed("ACTOR", 5, 0),
            Col::fill("NOTES", 5, 2),
        ];
        let rows = [[
            "storefront-deployer-prd",
            "arn:aws:sts::1:assumed-role/Ops/carol",
            "x",
        ]];
        let mut t = Terminal::new(TestBackend::new(100, 3)).unwrap();
        t.draw(|f| {
            let geom = ListGeom::new(Rect::new(0, 1, 100, 2), rows.len(), None);
            render(f, f.area(), &cols, &geom, None, |r| {
                rows[r].iter().map(|c| Line::from(*c)).collect()
            });
        })
        .unwrap();
        let line: String = (0..100)
            .map(|x| t.backend().buffer()[(x, 1)].symbol().to_string())
            .collect();
        assert!(line.contains("storefront-deployer-prd "), "{line}");
        assert!(line.contains("assumed-role/Ops/carol "), "{line}");
    }

    #[test]
    fn a_cell_wider_than_its_column_ends_with_an_ellipsis_keeping_its_style() {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        use ratatui::style::{Color, Style};
        use ratatui::text::Span;
        let cols = [Col::fixed("ID", 4, 0), Col::fill("WHAT", 6, 1)];
        let red = Style::new().fg(Color::Red);
        let mut t = Terminal::new(TestBackend::new(20, 3)).unwrap();
        t.draw(|f| {
            let geom = ListGeom::new(Rect::new(0, 1, 20, 2), 2, None);
            render(f, f.area(), &cols, &geom, None, |r| {
                let what = ["build › Run npm run build", "short"][r];
                vec![
                    Line::from("a1b2c3d4"),
                    Line::from(vec![Span::raw("x "), Span::styled(what, red)]),
                ]
            });
        })
        .unwrap();
        let line = |y: u16| -> String {
            (0..20)
                .map(|x| t.backend().buffer()[(x, y)].symbol().to_string())
                .collect()
        };
        // The id grows to its 8 cells, 1 between, the fill column takes the other 11.
        assert_eq!(line(0), "ID       WHAT       ");
        assert_eq!(line(1), "a1b2c3d4 x build › …");
        assert_eq!(line(2), "a1b2c3d4 x short    ");
        assert_eq!(t.backend().buffer()[(19, 1)].fg, Color::Red);
    }

    #[test]
    fn scroll_keeps_the_selection_visible() {
        assert_eq!(scroll_offset(Some(0), 50, 10), 0);
        assert_eq!(scroll_offset(Some(9), 50, 10), 0);
        assert_eq!(scroll_offset(Some(10), 50, 10), 1);
        assert_eq!(scroll_offset(Some(99), 50, 10), 40);
        assert_eq!(scroll_offset(None, 0, 0), 0);
        let g = ListGeom::new(Rect::new(0, 5, 20, 3), 10, Some(4));
        assert_eq!(g.offset, 2);
        assert_eq!(g.row_at(1, 5), Some(2));
        assert_eq!(g.row_at(1, 8), None);
        assert_eq!(g.visible(), 2..5);
    }
}
