//! The Logs view's detail pane: Enter opens the current event whole, the move keys move the
//! selection, it stays on its event as events arrive or the filter changes, Esc closes it; drawn
//! beside the events on wide terminals and under them on narrow ones.

use super::*;

fn selected(s: &State) -> Option<&str> {
    s.logs.detail.as_ref().map(|(_, id)| id.as_str())
}

#[test]
fn enter_opens_the_bottom_event_and_moves_keep_it_marked() {
    let mut s = logs_view(50);
    update(&mut s, Action::Open);
    assert_eq!(selected(&s), Some("e49"));
    assert!(s.logs.paused, "the detail pauses the view");
    assert_eq!(s.logs.mark, Some(49));
    for _ in 0..6 {
        update(&mut s, Action::Up);
    }
    assert_eq!(selected(&s), Some("e43"));
    assert_eq!((s.logs.mark, s.logs.scroll), (Some(43), 6));
    update(&mut s, Action::PageDown);
    assert_eq!(selected(&s), Some("e49"), "clamped to the newest");
    // A page is 10 rows until the terminal loop reports the view's height.
    update(&mut s, Action::PageUp);
    update(&mut s, Action::Down);
    assert_eq!(selected(&s), Some("e40"));
    // Esc closes it; Enter again opens the event it was on (the mark).
    update(&mut s, Action::Back);
    assert_eq!(selected(&s), None);
    assert_eq!(s.view, View::Logs);
    update(&mut s, Action::ToggleDetail);
    assert_eq!(selected(&s), Some("e40"));
    update(&mut s, Action::ToggleDetail);
    assert_eq!(selected(&s), None);
}

#[test]
fn the_selection_stays_on_its_event_as_events_arrive_and_the_filter_changes() {
    let mut s = logs_view(50);
    update(&mut s, Action::Open);
    for _ in 0..6 {
        update(&mut s, Action::Up);
    }
    assert_eq!(selected(&s), Some("e43"));
    let next = s.logs.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    // One late event sorts before everything, two newer ones after.
    land(
        &mut s,
        &fx,
        vec![
            event("late", T0 - 3_600_000, "GET /late 200"),
            event("new-1", T0, "GET /api/new 200"),
            event("new-2", T0, "GET /api/new 200"),
        ],
    );
    let rows = s.visible_log_rows();
    let mark = s.logs.mark.unwrap();
    assert_eq!(s.logs.events[rows[mark]].event_id, "e43", "still marked");
    assert_eq!(s.logs.scroll, rows.len() - 1 - mark, "at the bottom row");
    // The filter keeps e43 (an ERROR line) and marks it among the five matches.
    prompt(&mut s, Action::FilterOpen, "error");
    assert_eq!(s.visible_log_rows().len(), 5);
    assert_eq!((s.logs.mark, s.logs.scroll), (Some(4), 0));
    // Esc closes the detail before it clears the filter.
    update(&mut s, Action::Back);
    assert_eq!(selected(&s), None);
    assert_eq!(s.visible_log_rows().len(), 5);
}

#[test]
fn search_top_bottom_and_follow_act_on_the_selection() {
    let mut s = logs_view(50);
    update(&mut s, Action::Open);
    for _ in 0..10 {
        update(&mut s, Action::Up);
    }
    assert_eq!(selected(&s), Some("e39"));
    update(&mut s, Action::SearchOpen);
    for c in "timeout".chars() {
        update(&mut s, Action::Input(c));
    }
    // Enter, then `n`/`N`, move the selection to a match, from the event shown.
    update(&mut s, Action::Submit);
    assert_eq!(selected(&s), Some("e43"));
    update(&mut s, Action::SearchPrev);
    assert_eq!(selected(&s), Some("e33"));
    update(&mut s, Action::SearchNext);
    assert_eq!(selected(&s), Some("e43"));
    update(&mut s, Action::Up);
    assert_eq!(selected(&s), Some("e42"), "moves from the match");
    update(&mut s, Action::Top);
    assert_eq!((selected(&s), s.logs.mark), (Some("e0"), Some(0)));
    update(&mut s, Action::Bottom);
    assert_eq!((selected(&s), s.logs.mark), (Some("e49"), Some(49)));
    // `:goto` selects the event at that time.
    prompt(&mut s, Action::CommandOpen, "goto 08:50:30");
    assert_eq!(selected(&s), Some("e30"));
    // Following again closes the pane, and the next read leaves the view following.
    update(&mut s, Action::ToggleFollow);
    assert_eq!(selected(&s), None);
    let next = s.logs.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    land(&mut s, &fx, vec![event("new-1", T0, "GET /api/new 200")]);
    assert!(!s.logs.paused);
    assert_eq!(s.logs.scroll, 0);
}

#[test]
fn a_mark_the_rows_no_longer_hold_is_dropped() {
    // Detail on e43, narrowed to the five ERROR lines, closed, filter cleared: Enter opens the
    // bottom row, not the fifth event (the mark was a row of the filtered list).
    let mut s = logs_view(50);
    update(&mut s, Action::Open);
    for _ in 0..6 {
        update(&mut s, Action::Up);
    }
    prompt(&mut s, Action::FilterOpen, "error");
    update(&mut s, Action::Back);
    update(&mut s, Action::Back);
    assert_eq!(s.visible_log_rows().len(), 50);
    update(&mut s, Action::Open);
    assert_eq!(selected(&s), Some("e49"));
    // The event shown filtered out: the next move starts from the bottom row.
    prompt(&mut s, Action::FilterOpen, "upstream");
    assert_eq!(s.logs.mark, None);
    update(&mut s, Action::Up);
    assert_eq!(selected(&s), Some("e33"));
}

#[test]
fn an_empty_view_has_no_detail_to_open() {
    let mut s = logs_view(0);
    update(&mut s, Action::Open);
    assert_eq!(selected(&s), None);
    assert_eq!(s.status.clone().unwrap().text, "no event to show");
}

#[test]
fn the_pane_shows_the_whole_event_with_its_json_laid_out() {
    let mut s = logs_view(5);
    let next = s.logs.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let mut e = event(
        "json-1",
        T0,
        r#"{"level":"ERROR","requestId":"r-1","message":"payment provider timed out after 3000 ms","order":"o-778899"}"#,
    );
    e.ingestion_time = T0 + 2_500;
    land(&mut s, &fx, vec![e]);
    update(&mut s, Action::Open);
    assert_eq!(selected(&s), Some("json-1"));
    for (w, h) in [(160, 40), (100, 40)] {
        let screen = draw_text(&s, w, h);
        for part in [
            "event detail",
            "2025-11-25T09:00:00.000Z",
            "(2.5 s later)",
            "json-1",
            r#""level": "ERROR","#,
            r#""order": "o-778899""#,
        ] {
            assert!(screen.contains(part), "{w}x{h} lacks {part:?}:\n{screen}");
        }
        // The whole message is readable in the pane (wrapped), though cut in the event rows.
        let flat: String = screen.split_whitespace().collect();
        assert!(
            flat.contains("\"paymentprovidertimedoutafter3000ms\","),
            "{screen}"
        );
    }
    update(&mut s, Action::Back);
    assert!(!draw_text(&s, 160, 40).contains("event detail"));
}

#[test]
fn a_long_text_message_shows_its_start_how_much_is_left_and_scrolls_to_its_end() {
    let mut s = logs_view(5);
    let next = s.logs.load.next_poll;
    let fx = update(&mut s, Action::Tick(next));
    let words: Vec<String> = (0..400).map(|i| format!("w{i}")).collect();
    let message = format!("2025-11-25T09:00:00.000Z\tr-9\tERROR\t{}", words.join(" "));
    land(&mut s, &fx, vec![event("long-1", T0, &message)]);
    update(&mut s, Action::Open);
    for (w, h) in [(120, 24), (80, 24), (200, 16)] {
        let mut s = s.clone();
        let screen = draw_text(&s, w, h);
        for part in ["r-9", "ERROR", "w0 w1 w2", "event id long-1", " of "] {
            assert!(screen.contains(part), "{w}x{h} lacks {part:?}:\n{screen}");
        }
        assert!(!screen.contains("w399"), "{screen}");
        // The pane keys scroll it to the message's end.
        for _ in 0..200 {
            update(&mut s, Action::ScrollPane(1));
        }
        let end = draw_text(&s, w, h);
        // The pane's first rows are scrolled away; of the message's last ten words one at least
        // is whole where the pane wraps.
        assert!(!end.contains("event id long-1"), "{end}");
        assert!(end.contains("w39"), "{end}");
    }
}

#[test]
fn each_row_says_its_group_and_the_detail_names_it_whole() {
    let (mut s, fx) = two_groups();
    answer(
        &mut s,
        &fx,
        vec![
            (
                API,
                Ok(vec![event("a1", T0 - 60_000, "GET /api/items 200")]),
            ),
            (DEPLOY, Ok(vec![event("d1", T0 - 30_000, "BUILD started")])),
        ],
    );
    for (w, h) in [(80, 24), (160, 40)] {
        let screen = draw_text(&s, w, h);
        let row = |text: &str| {
            screen
                .lines()
                .find(|l| l.contains(text))
                .unwrap_or_else(|| panic!("no row with {text}:\n{screen}"))
                .to_string()
        };
        // The environment's groups `/aws/lambda/storefront-api-dev` and
        // `/aws/codebuild/storefront-deploy-dev` are labelled by what tells them apart.
        assert!(row("GET /api/items").contains(" api    abc"), "{screen}");
        assert!(row("BUILD started").contains(" deploy abc"), "{screen}");
    }
    update(&mut s, Action::Open);
    let screen = draw_text(&s, 160, 40);
    assert!(
        screen.contains(&format!("group    {DEPLOY}")),
        "the detail names the group whole:\n{screen}"
    );
}
