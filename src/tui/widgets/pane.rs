//! The side pane of the log views (charts, record detail, event detail): where it goes — beside
//! the list on wide terminals, under it otherwise — and its frame, a left and top rule with a title.

use super::status::DIM;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};

/// Draws the pane's frame titled `title` (in `style`) into `area`; returns the area inside.
pub fn side_pane(frame: &mut Frame, area: Rect, title: String, style: Style) -> Rect {
    let block = Block::new()
        .borders(Borders::LEFT | Borders::TOP)
        .border_style(DIM)
        .title(Span::styled(title, style));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Width inside a view's border from which the side pane sits beside the list: a terminal of
/// 120 columns.
pub const SIDE_BY_SIDE: u16 = 118;

/// Splits `area` into the list's part and the pane's: the pane takes the right two fifths from
/// [`SIDE_BY_SIDE`] columns, else the bottom `below` rows (at most all of them).
pub fn split(area: Rect, below: u16) -> (Rect, Rect) {
    if area.width >= SIDE_BY_SIDE {
        let side_w = area.width * 2 / 5;
        let list = Rect {
            width: area.width - side_w - 1,
            ..area
        };
        let side = Rect {
            x: area.x + area.width - side_w,
            width: side_w,
            ..area
        };
        return (list, side);
    }
    let below = below.min(area.height);
    let list = Rect {
        height: area.height - below,
        ..area
    };
    let side = Rect {
        y: area.y + area.height - below,
        height: below,
        ..area
    };
    (list, side)
}
