//! The side pane of the log views (charts, record detail, event detail): a left and top rule
//! with a title, beside or under the list it belongs to.

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
