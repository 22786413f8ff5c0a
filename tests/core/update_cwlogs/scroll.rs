//! Scrolling the Logs view once the terminal loop has told the core how many rows it shows:
//! back until the oldest event is at the top and no further (so the first key forward moves the
//! rows), a page key moves a page less one row, and the rows `draw` shows are the ones reported.

use super::*;
use ratatui::layout::Rect;
use shipdeck::tui::render::page_rows;
use shipdeck::tui::views::logs::window;

/// The event ids on screen at `w`×`h`, top to bottom.
fn ids_drawn(s: &State, w: u16, h: u16) -> Vec<String> {
    let screen = support::screen::rows(&support::screen::buffer(s, w, h));
    // Each event of `logs_view` has its own second: the row's time names it.
    s.logs
        .events
        .iter()
        .filter(|e| {
            let time = e.timestamp.rfc3339();
            let hms = &time[11..19];
            screen.iter().any(|l| l.contains(hms))
        })
        .map(|e| e.event_id.clone())
        .collect()
}

/// Sends the rows a `w`×`h` screen shows, as the terminal loop does before drawing.
fn sync(s: &mut State, w: u16, h: u16) {
    if let Some(action) = page_rows(s, Rect::new(0, 0, w, h)) {
        update(s, action);
    }
}

#[test]
fn the_rows_reported_are_the_rows_drawn() {
    let mut s = logs_view(100);
    sync(&mut s, 100, 30);
    let page = s.logs.page;
    assert!(page > 10, "{page} rows on a 30-row screen");
    assert_eq!(
        page_rows(&s, Rect::new(0, 0, 100, 30)),
        None,
        "nothing new to say"
    );
    assert_eq!(ids_drawn(&s, 100, 30).len(), page);
    // The detail pane takes the lower half of a narrow screen: fewer rows, reported again.
    update(&mut s, Action::Open);
    sync(&mut s, 100, 30);
    assert!(s.logs.page < page, "{} rows beside the pane", s.logs.page);
    let drawn = ids_drawn(&s, 100, 30);
    // The selected event is drawn twice (row and pane); the rows are the page.
    assert!(drawn.len() == s.logs.page, "{drawn:?} vs {}", s.logs.page);
    // Another view: nothing to report.
    update(&mut s, Action::Show(View::Environments));
    assert_eq!(page_rows(&s, Rect::new(0, 0, 100, 30)), None);
}

#[test]
fn scrolling_back_stops_at_the_oldest_event_and_the_first_key_forward_moves() {
    let mut s = logs_view(100);
    sync(&mut s, 100, 30);
    let page = s.logs.page;
    for _ in 0..300 {
        update(&mut s, Action::Up);
    }
    assert_eq!(s.logs.scroll, 100 - page, "back until e0 is the top row");
    assert_eq!(
        ids_drawn(&s, 100, 30).first().map(String::as_str),
        Some("e0")
    );
    let before = window(100, s.logs.scroll, page);
    update(&mut s, Action::Down);
    let after = window(100, s.logs.scroll, page);
    assert_eq!(after.start, before.start + 1, "one key forward, one row");
    assert_eq!(
        ids_drawn(&s, 100, 30).first().map(String::as_str),
        Some("e1")
    );
    // `g` goes to the top the same way.
    update(&mut s, Action::Bottom);
    assert_eq!(s.logs.scroll, 0);
    update(&mut s, Action::Top);
    assert_eq!(s.logs.scroll, 100 - page);
}

#[test]
fn a_page_key_moves_a_page_less_one_row() {
    let mut s = logs_view(100);
    sync(&mut s, 100, 30);
    let page = s.logs.page;
    let bottom = window(100, 0, page);
    update(&mut s, Action::PageUp);
    assert_eq!(s.logs.scroll, page - 1);
    let shown = window(100, s.logs.scroll, page);
    assert_eq!(
        shown.end - 1,
        bottom.start,
        "the old top row is now the bottom one"
    );
    update(&mut s, Action::PageDown);
    assert_eq!(s.logs.scroll, 0);
    // With the detail open, a page key moves the selection by the (smaller) page beside it.
    update(&mut s, Action::Open);
    sync(&mut s, 100, 30);
    let page = s.logs.page;
    update(&mut s, Action::PageUp);
    assert_eq!(s.logs.mark, Some(99 - (page - 1)));
}

#[test]
fn a_taller_screen_or_a_narrower_filter_pulls_the_scroll_back_into_range() {
    let mut s = logs_view(100);
    sync(&mut s, 100, 20);
    update(&mut s, Action::Top);
    let small = s.logs.page;
    assert_eq!(s.logs.scroll, 100 - small);
    sync(&mut s, 100, 40);
    assert!(s.logs.page > small);
    assert_eq!(
        s.logs.scroll,
        100 - s.logs.page,
        "the oldest still at the top"
    );
    // One event in ten says ERROR: ten rows, all on one page, nothing to scroll.
    prompt(&mut s, Action::FilterOpen, "ERROR");
    assert_eq!(s.visible_log_count(), 10);
    assert_eq!(s.logs.scroll, 0);
    update(&mut s, Action::Up);
    assert_eq!(s.logs.scroll, 0, "all ten are shown");
}

#[test]
fn a_search_match_on_the_first_page_leaves_the_view_at_the_top() {
    let mut s = logs_view(100);
    sync(&mut s, 100, 30);
    let page = s.logs.page;
    prompt(&mut s, Action::SearchOpen, "ERROR");
    // From the newest row, `n` wraps around to the first match, e3.
    update(&mut s, Action::Bottom);
    update(&mut s, Action::SearchNext);
    assert_eq!(s.logs.mark, Some(3));
    assert_eq!(
        s.status.as_ref().map(|m| m.text.as_str()),
        Some("search hit the bottom, continued at the top")
    );
    assert_eq!(
        s.logs.scroll,
        100 - page,
        "e3 is on the first page: the view stops at the top"
    );
    update(&mut s, Action::Down);
    assert_eq!(
        s.logs.scroll,
        100 - page - 1,
        "and moves at the first key forward"
    );
}

#[test]
fn the_event_whose_detail_opens_stays_in_sight_when_the_rows_shrink() {
    let mut s = logs_view(100);
    sync(&mut s, 100, 44);
    let tall = s.logs.page;
    // A match near the top (e13), then its detail: the pane takes the lower half of the rows.
    prompt(&mut s, Action::SearchOpen, "ERROR");
    update(&mut s, Action::Bottom);
    update(&mut s, Action::SearchNext);
    update(&mut s, Action::SearchNext);
    assert_eq!(s.logs.mark, Some(13));
    update(&mut s, Action::Open);
    assert_eq!(
        s.logs.detail.as_ref().map(|(_, id)| id.as_str()),
        Some("e13")
    );
    sync(&mut s, 100, 44);
    assert!(s.logs.page < tall);
    let shown = window(100, s.logs.scroll, s.logs.page);
    assert!(shown.contains(&13), "{shown:?} holds the selected row");
    assert!(ids_drawn(&s, 100, 44).contains(&"e13".to_string()));
}
