//! Layout tests: every view and overlay at every size without panicking, and mouse hit testing.

use super::views::with;
use crate::support::fixture;
use crate::support::screen::text as screen;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use shipdeck::app::{Action, LineInput, Overlay, View, complete};
use shipdeck::tui::render::{Hints, draw, hit_test};

#[test]
fn every_view_and_overlay_renders_at_every_size_without_panicking() {
    let names = ["dev", "stg", "prd"];
    let overlays = [
        None,
        Some(Overlay::Help),
        Some(Overlay::Command(LineInput {
            text: Default::default(),
            completions: complete("", &names),
        })),
        Some(Overlay::Filter(LineInput::default())),
    ];
    let mut states = Vec::new();
    for view in View::ALL {
        for overlay in &overlays {
            let mut s = with(view, overlay.clone());
            s.help_scroll = 1_000;
            s.logs.scroll = 3;
            if overlay.is_none() {
                let mut other = s.clone();
                other.selected = 1;
                other.filter = "zzz".into();
                states.push(other);
            }
            states.push(s);
        }
    }
    let mut empty = fixture::state();
    empty.envs.clear();
    for view in View::ALL {
        empty.view = view;
        states.push(empty.clone());
    }
    let mut sizes: Vec<(u16, u16)> = vec![(0, 0), (1, 1), (300, 100), (60, 15), (80, 24)];
    sizes.extend(
        (1..=120)
            .step_by(7)
            .flat_map(|w| (1..=50).step_by(4).map(move |h| (w, h))),
    );
    for s in &states {
        for &(w, h) in &sizes {
            let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
            t.draw(|f| draw(f, s, &Hints::default())).unwrap();
            let _ = hit_test(s, &Hints::default(), Rect::new(0, 0, w, h), w / 2, h / 2);
        }
    }
}

#[test]
fn clicks_map_to_tabs_and_rows() {
    let hints = Hints::default();
    let area = Rect::new(0, 0, 80, 24);
    let s = with(View::Environments, None);
    // Tabs at 80 columns (titles of four letters, each with its key, the last with its key only):
    // " " then " 1 Env " (x 1..8), "│", " 2 Pipe " (x 9..17), "│", " 3 Appr (1) " (x 18..30), "│",
    // " 4 Logs " (x 31..39), …, " 7 Runs " (x 57..65), "│", " 8 Map " (x 66..73), "│", " ! "
    // (x 74..77).
    assert_eq!(
        hit_test(&s, &hints, area, 3, 1),
        Some(Action::Show(View::Environments))
    );
    assert_eq!(
        hit_test(&s, &hints, area, 10, 1),
        Some(Action::Show(View::Pipeline))
    );
    assert_eq!(
        hit_test(&s, &hints, area, 35, 1),
        Some(Action::Show(View::Logs))
    );
    assert_eq!(
        hit_test(&s, &hints, area, 60, 1),
        Some(Action::Show(View::Runs))
    );
    assert_eq!(
        hit_test(&s, &hints, area, 70, 1),
        Some(Action::Show(View::Map))
    );
    assert_eq!(
        hit_test(&s, &hints, area, 75, 1),
        Some(Action::Show(View::Attention))
    );
    // Rows: body border at y 2, table header at y 3, first row at y 4.
    assert_eq!(
        hit_test(&s, &hints, area, 10, 4),
        Some(Action::SelectRow(0))
    );
    assert_eq!(
        hit_test(&s, &hints, area, 10, 5),
        Some(Action::SelectRow(1))
    );
    assert_eq!(hit_test(&s, &hints, area, 10, 3), None);
    assert_eq!(hit_test(&s, &hints, area, 10, 9), None);
    let help = with(View::Environments, Some(Overlay::Help));
    assert_eq!(hit_test(&help, &hints, area, 10, 5), None);
    assert_eq!(
        hit_test(&help, &hints, area, 10, 1),
        Some(Action::Show(View::Pipeline))
    );
    assert_eq!(hit_test(&s, &hints, Rect::new(0, 0, 40, 10), 3, 1), None);
}

#[test]
fn every_tab_is_clickable_at_80_columns_the_runs_too() {
    let hints = Hints::default();
    let area = Rect::new(0, 0, 80, 24);
    let s = with(View::Environments, None);
    let tabs = shipdeck::tui::widgets::tabs::tabs(&s, &hints, Rect::new(0, 1, 80, 1));
    let views: Vec<View> = tabs.iter().map(|t| t.view).collect();
    assert_eq!(views, View::ALL.to_vec());
    for t in &tabs {
        assert!(t.x + t.width <= 80, "{t:?} is off screen");
        assert_eq!(
            hit_test(&s, &hints, area, t.x + t.width / 2, 1),
            Some(Action::Show(t.view))
        );
    }
    // Nine titles do not fit in four letters: the last tab shows its key only.
    let labels: Vec<&str> = tabs.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels[6..], [" 7 Runs ", " 8 Map ", " ! "]);
}

#[test]
fn clicks_follow_the_scrolled_history() {
    let mut s = with(View::Pipeline, None);
    let base = s.envs[2].executions[1].clone();
    for i in 0..40 {
        let mut e = base.clone();
        e.id = format!("old-{i}");
        s.envs[2].executions.push(e);
    }
    s.history_row = 41;
    let hints = Hints::default();
    let area = Rect::new(0, 0, 80, 24);
    let geom = shipdeck::tui::views::list_geometry(
        &s,
        shipdeck::tui::render::body_block(&s).inner(Rect::new(0, 2, 80, 21)),
    );
    let geom = geom.unwrap();
    assert!(geom.offset > 0);
    let last = geom.rows.bottom() - 1;
    assert_eq!(
        hit_test(&s, &hints, area, 5, last),
        Some(Action::SelectRow(41))
    );
    assert_eq!(
        hit_test(&s, &hints, area, 5, geom.rows.y),
        Some(Action::SelectRow(geom.offset))
    );
    assert!(screen(&s, 80, 24).contains("old-39"));
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer_else_the_list() {
    use shipdeck::tui::render::wheel;
    let area = Rect::new(0, 0, 80, 24);
    let approvals = with(View::Approvals, None);
    let inner = shipdeck::tui::render::body_block(&approvals).inner(Rect::new(0, 2, 80, 21));
    let (pane, _) = shipdeck::tui::views::pane(&approvals, inner).expect("the approval's detail");
    assert_eq!(
        wheel(&approvals, area, pane.x + 3, pane.y + 1, true),
        vec![Action::ScrollPane(3)]
    );
    assert_eq!(
        wheel(&approvals, area, pane.x + 3, pane.y, false),
        vec![Action::ScrollPane(-3)]
    );
    // Over the list (its first row at y 4): the selection moves.
    assert_eq!(wheel(&approvals, area, 10, 4, true), vec![Action::Down]);
    assert_eq!(wheel(&approvals, area, 10, 4, false), vec![Action::Up]);
    // The Logs events scroll three rows; the help three rows; a prompt takes no wheel.
    let logs = with(View::Logs, None);
    assert_eq!(wheel(&logs, area, 10, 6, false), vec![Action::Up; 3]);
    let help = with(View::Environments, Some(Overlay::Help));
    assert_eq!(wheel(&help, area, 10, 6, true), vec![Action::Down; 3]);
    let typing = with(
        View::Environments,
        Some(Overlay::Filter(LineInput::default())),
    );
    assert!(wheel(&typing, area, 10, 6, true).is_empty());
    assert!(wheel(&approvals, Rect::new(0, 0, 20, 5), 1, 1, true).is_empty());
}

#[test]
fn the_loop_learns_how_far_the_pane_on_screen_scrolls() {
    use shipdeck::tui::render::pane_rows;
    // 80×15: the approval's detail does not fit its pane.
    let area = Rect::new(0, 0, 80, 15);
    let mut s = with(View::Approvals, None);
    let Some(Action::PaneRows(known)) = pane_rows(&s, area) else {
        panic!("no pane rows for the approvals detail")
    };
    assert_eq!(Some(known.subject.clone()), s.pane_subject());
    let inner = shipdeck::tui::render::body_block(&s).inner(Rect::new(0, 2, 80, 12));
    let (pane, total) = shipdeck::tui::views::pane(&s, inner).unwrap();
    let max = known.rows;
    assert_eq!(max, total - usize::from(pane.height));
    assert_eq!(known.size, (pane.width, pane.height));
    assert!(max > 0, "the detail is taller than its pane");
    // Scrolled to its end, the last rows show and the rule says which.
    s.pane = shipdeck::app::PaneScroll {
        subject: known.subject.clone(),
        offset: max,
        max: Some(known),
    };
    assert_eq!(pane_rows(&s, area), None, "known: nothing to send");
    let end = screen(&s, 80, 15);
    assert!(end.contains("triggered by carol"), "{end}");
    assert!(
        end.contains(&format!(" {}–{total} of {total} ", max + 1)),
        "{end}"
    );
    let top = screen(&with(View::Approvals, None), 80, 15);
    assert!(!top.contains("triggered by carol"), "{top}");
    assert_eq!(pane_rows(&with(View::Environments, None), area), None);
}

#[test]
fn an_events_rows_are_worked_out_once_per_event_and_pane_size() {
    use shipdeck::tui::render::pane_rows;
    let mut s = with(View::Logs, None);
    s.logs.events[3].message = "word ".repeat(2_000);
    s.logs.detail = Some((
        s.logs.events[3].group.clone(),
        s.logs.events[3].event_id.clone(),
    ));
    let area = Rect::new(0, 0, 80, 24);
    let Some(Action::PaneRows(known)) = pane_rows(&s, area) else {
        panic!("no pane rows for the event")
    };
    assert!(known.rows > 0);
    // Until it is known the pane says there is more; then how many rows in all.
    let before = screen(&s, 80, 24);
    assert!(before.contains("+ "), "{before}");
    s.pane.max = Some(known.clone());
    assert_eq!(pane_rows(&s, area), None);
    let after = screen(&s, 80, 24);
    let total = known.rows + usize::from(known.size.1);
    assert!(after.contains(&format!(" of {total} ")), "{after}");
    // Another size works it out again.
    assert!(pane_rows(&s, Rect::new(0, 0, 100, 30)).is_some());
}
