//! Render tests of every view with `TestBackend`: key text and styles at 80×24 and 160×48.

use super::fixture::{self, NOW};
use crate::app::{Level, LineInput, Overlay, State, StatusMsg, View, complete};
use crate::domain::{Release, Version};
use crate::tui::render::{Hints, draw};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};

fn terminal(state: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(f, state, &Hints::default())).unwrap();
    t
}

pub(super) fn screen(state: &State, w: u16, h: u16) -> String {
    let t = terminal(state, w, h);
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

pub(super) fn with(view: View, overlay: Option<Overlay>) -> State {
    let mut s = fixture::state();
    s.view = view;
    s.overlay = overlay;
    s
}

fn assert_has(screen: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(screen.contains(w), "missing {w:?} in\n{screen}");
    }
}

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

#[test]
fn environments_show_release_health_lag_and_markers() {
    for (w, h) in SIZES {
        let s = screen(&with(View::Environments, None), w, h);
        assert_has(
            &s,
            &[
                "shipdeck",
                "DEMO",
                "READ-ONLY",
                "PROTECTED: prd",
                "20:13:58 UTC",
            ],
        );
        assert_has(
            &s,
            &[
                "prd ⚑",
                "1.41.0 3f2a9c1",
                "1.43.0",
                "awaiting approval",
                "failed",
            ],
        );
        assert_has(
            &s,
            &["1 behind stg", "1 behind dev", "stale 2m 10s", "❄ frozen"],
        );
        assert_has(&s, &["Approvals (1)", "approval waiting on prd", "2h 05m"]);
    }
    let wide = screen(&with(View::Environments, None), 160, 48);
    assert_has(
        &wide,
        &[
            "InProgress",
            "Approval",
            "ago",
            "as carol",
            "region eu-west-1",
        ],
    );
}

#[test]
fn protected_selection_styles_header_and_border() {
    let t = terminal(&with(View::Logs, None), 80, 24);
    let buf = t.backend().buffer();
    assert_eq!(buf[(0, 0)].bg, Color::Red);
    assert_eq!(buf[(0, 2)].symbol(), "┏");
    let mut dev = with(View::Logs, None);
    dev.selected = 0;
    let t = terminal(&dev, 80, 24);
    let buf = t.backend().buffer();
    assert_ne!(buf[(0, 0)].bg, Color::Red);
    assert_eq!(buf[(0, 2)].symbol(), "┌");
    assert!(!screen(&dev, 80, 24).contains("PROTECTED"));
}

#[test]
fn selected_row_is_highlighted() {
    let t = terminal(&with(View::Environments, None), 80, 24);
    let buf = t.backend().buffer();
    // Rows start under the tabs (1), the border (2) and the table header (3): prd is row 2 → y 6.
    assert!(buf[(2, 6)].modifier.contains(Modifier::REVERSED));
    assert!(!buf[(2, 5)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn pipeline_shows_stages_actions_and_history() {
    for (w, h) in SIZES {
        let s = screen(&with(View::Pipeline, None), w, h);
        assert_has(
            &s,
            &[
                "storefront-deployer-prd",
                "Approval",
                "ManualApproval",
                "waiting 2h 05m",
            ],
        );
        assert_has(
            &s,
            &["History (2)", "p-2aaaaa", "1.42.0", "carol", "11-25 18:02"],
        );
        let mut stg = with(View::Pipeline, None);
        stg.selected = 1;
        let s = screen(&stg, w, h);
        assert_has(&s, &["JobFailed", "Failed", "Deploy failed"]);
        let mut dev = with(View::Pipeline, None);
        dev.selected = 0;
        assert_has(&screen(&dev, w, h), &["❄"]);
    }
    let wide = screen(&with(View::Pipeline, None), 160, 48);
    assert_has(
        &wide,
        &[
            "╭ Source",
            "╭ Approval",
            "╭ Deploy",
            "○ DeploySite never run",
        ],
    );
    let mut dev = with(View::Pipeline, None);
    dev.selected = 0;
    assert_has(
        &screen(&dev, 160, 48),
        &["❄ frozen: release freeze until Monday"],
    );
}

#[test]
fn approvals_show_detail_with_short_token_only() {
    for (w, h) in SIZES {
        let s = screen(&with(View::Approvals, None), w, h);
        assert_has(
            &s,
            &[
                "prd ⚑",
                "1.42.0",
                "2h 05m",
                "6d 21h",
                "Approval / ManualApproval",
            ],
        );
        assert_has(&s, &["2026-12-02T18:08:58Z", "0f3a9bde…"]);
        assert!(!s.contains("0f3a9bde-"), "token leaked:\n{s}");
    }
    let wide = screen(&with(View::Approvals, None), 160, 48);
    assert_has(&wide, &["Check the stg smoke tests first", "carol"]);
    let mut empty = with(View::Approvals, None);
    empty.envs.truncate(2);
    empty.selected = 0;
    assert_has(&screen(&empty, 80, 24), &["No pending approvals"]);
}

#[test]
fn logs_show_events_coloured_and_follow_the_tail() {
    for (w, h) in SIZES {
        let s = screen(&with(View::Logs, None), w, h);
        assert_has(
            &s,
            &[
                "CloudWatch",
                "prd",
                "ERROR upstream timeout",
                "WARN slow origin",
                "20:13:5",
            ],
        );
        assert_has(&s, &["/aws/lambda/storefront-api-prd", "following"]);
    }
    let mut s = with(View::Logs, None);
    s.logs.error = Some("AccessDenied: logs:FilterLogEvents".into());
    s.filter = "error".into();
    let text = screen(&s, 80, 24);
    assert_has(
        &text,
        &[
            "read failed: AccessDenied",
            "filter: error",
            "ERROR upstream",
        ],
    );
    assert!(!text.contains("INFO done"));
    let t = terminal(&s, 80, 24);
    let buf = t.backend().buffer();
    let y = (0..24).find(|&y| {
        (0..80).any(|x| {
            buf[(x, y)].symbol() == "E"
                && buf[(x + 1, y)].symbol() == "R"
                && buf[(x, y)].fg == Color::Red
        })
    });
    assert!(y.is_some(), "no red ERROR line");
}

#[test]
fn overlays_render_help_command_and_filter() {
    let s = screen(&with(View::Environments, Some(Overlay::Help)), 80, 24);
    assert_has(&s, &["Help", "Show or hide this help", "KEYS"]);
    let names = ["dev", "stg", "prd"];
    let line = LineInput {
        text: "e".into(),
        completions: complete("e", &names),
    };
    let s = screen(&with(View::Pipeline, Some(Overlay::Command(line))), 80, 24);
    assert_has(&s, &[":e", "environments", "select an environment"]);
    let mut f = with(
        View::Environments,
        Some(Overlay::Filter(LineInput::default())),
    );
    f.filter = "st".into();
    if let Some(Overlay::Filter(l)) = &mut f.overlay {
        l.text = "st".into();
    }
    let s = screen(&f, 80, 24);
    assert_has(&s, &["/st", "1 matching"]);
    assert!(!s.contains("filter: st"));
}

#[test]
fn the_replace_question_names_the_file_its_size_and_the_records() {
    let traffic = crate::app::Traffic::default();
    let job = crate::app::ExportJob::of(&traffic, crate::app::ExportFormat::Jsonl);
    let q = crate::app::ReplaceFile {
        path: "out.jsonl".into(),
        bytes: 12_345,
        job: std::sync::Arc::new(job),
    };
    let s = screen(&with(View::Traffic, Some(Overlay::ReplaceFile(q))), 80, 24);
    assert_has(
        &s,
        &["export: out.jsonl exists (12,345 bytes): replace it with 0 records? y/N"],
    );
    let s = screen(&with(View::Traffic, None), 160, 48);
    assert!(!s.contains("y/N"));
}

#[test]
fn old_info_messages_are_hidden() {
    let mut s = with(View::Environments, None);
    s.status = Some(StatusMsg {
        text: "refreshing".into(),
        level: Level::Info,
        at: NOW - 11_000,
        scope: None,
    });
    assert!(!screen(&s, 80, 24).contains("refreshing"));
    s.now = NOW - 5_000;
    assert!(screen(&s, 80, 24).contains("refreshing"));
}

#[test]
fn info_messages_last_ten_wall_seconds_at_any_demo_speed() {
    let mut s = with(View::Environments, None);
    s.clock_speed = 30.0;
    s.status = Some(StatusMsg {
        text: "exported 432 records to /tmp/x.jsonl".into(),
        level: Level::Info,
        at: NOW - 200_000,
        scope: None,
    });
    // 200 simulated seconds at 30× are under 7 wall seconds: still shown.
    assert!(screen(&s, 100, 24).contains("exported 432 records"));
    s.now = NOW + 101_000;
    assert!(!screen(&s, 100, 24).contains("exported 432 records"));
}

#[test]
fn too_small_terminals_say_so() {
    assert_has(&screen(&fixture::state(), 20, 5), &["terminal too small"]);
    assert_has(
        &screen(&fixture::state(), 59, 30),
        &["terminal too small (59x30)", "60×15"],
    );
    assert!(!screen(&fixture::state(), 60, 15).contains("too small"));
}

#[test]
fn a_long_prompt_scrolls_sideways_to_keep_the_cursor_in_sight() {
    use crate::app::{Edit, TextInput};
    // 200 characters, the start and the end marked, Unicode in the middle.
    let text = format!("START{}日本語é👍{}END", "a".repeat(90), "b".repeat(90));
    let mut line = LineInput {
        text: TextInput::new(text.clone()),
        completions: Vec::new(),
    };
    let at_end = with(View::Environments, Some(Overlay::Command(line.clone())));
    let mut t = terminal(&at_end, 80, 24);
    let footer = screen(&at_end, 80, 24).lines().nth(23).unwrap().to_string();
    assert!(footer.contains("bbbEND"), "the end in sight: {footer}");
    assert!(!footer.contains("START"), "{footer}");
    let end = t.get_cursor_position().unwrap();
    let cell =
        |t: &Terminal<TestBackend>, x: u16| t.backend().buffer()[(x, 23)].symbol().to_string();
    assert_eq!(end.y, 23);
    assert_eq!(
        (cell(&t, end.x - 1), cell(&t, end.x)),
        ("D".to_string(), " ".to_string()),
        "the cursor after the last character: {footer}"
    );
    line.text.edit(Edit::Home);
    let at_start = with(View::Environments, Some(Overlay::Command(line.clone())));
    t = terminal(&at_start, 80, 24);
    let footer = screen(&at_start, 80, 24)
        .lines()
        .nth(23)
        .unwrap()
        .to_string();
    assert!(footer.starts_with(":STARTaaa"), "{footer}");
    assert_eq!(t.get_cursor_position().unwrap().x, 1, "the cursor on the S");
    // In the middle, by the wide characters: the cursor stays on the screen, on a cell boundary.
    for _ in 0..97 {
        line.text.edit(Edit::Right);
    }
    let mid = with(View::Environments, Some(Overlay::Command(line)));
    t = terminal(&mid, 80, 24);
    let footer = screen(&mid, 80, 24).lines().nth(23).unwrap().to_string();
    let x = t.get_cursor_position().unwrap().x;
    assert!(x < 80, "{x}");
    assert_eq!(cell(&t, x), "語", "the cursor on 語: {footer}");
    assert_eq!(cell(&t, x - 2), "本", "{footer}");
}

#[test]
fn approvals_that_could_not_be_read_show_as_unknown_never_as_none() {
    // prd's pipeline state was never read: its approvals are unknown, whatever dev and stg say.
    let mut s = with(View::Approvals, None);
    s.envs[2].state = None;
    s.envs[2].stale = Some(crate::app::Stale {
        since: s.now,
        error: "server error on GetPipelineState: HTTP 500".into(),
        failures: 1,
        throttled: false,
    });
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        assert!(!text.contains("No pending approvals"), "{text}");
        assert_has(
            &text,
            &["Approvals (?)", "Pending approvals unknown", "prd:"],
        );
    }
    let wide = screen(&s, 160, 48);
    assert_has(&wide, &["HTTP 500", "unknown in prd"]);
}

#[test]
fn what_runs_is_what_last_succeeded_in_the_deploy_stage_labelled_when_from_the_source() {
    let mut s = with(View::Environments, None);
    // stg: its newest execution passed Deploy and failed a later stage: that release runs.
    s.envs[1].deployed = Some(Ok(s.envs[1].executions.first().cloned()));
    // dev: no execution ever succeeded in Deploy; the source object holds 1.44.0.
    s.envs[0].deployed = Some(Ok(None));
    s.envs[0].source = Some(Ok(Some(crate::domain::SourceObject {
        bucket: "b".into(),
        key: "dev/release.zip".into(),
        version_id: Some("v9".into()),
        last_modified: s.now,
        release: Some(Release {
            version: Version::parse("1.44.0").unwrap(),
            commit: String::new(),
            actor: String::new(),
        }),
    })));
    // prd: the listing failed.
    s.envs[2].deployed = Some(Err("throttled".into()));
    let text = screen(&s, 160, 48);
    assert_has(&text, &["source 1.44.0", "1.43.0 3f2a9c1", "unknown"]);
}

#[test]
fn lag_waiting_and_cdn_that_could_not_be_read_are_unknown_not_blank_or_up_to_date() {
    let mut s = with(View::Environments, None);
    // The release catalogue never read: no count of releases behind, not "up to date".
    s.releases.clear();
    s.releases_error = Some("AccessDenied on ListObjectsV2".into());
    // prd's distribution could not be read.
    s.envs[2].distribution = None;
    s.envs[2].distribution_error = Some("distribution E1: throttled".into());
    let text = screen(&s, 160, 48);
    assert!(!text.contains("up to date"), "{text}");
    assert!(!text.contains("behind"), "{text}");
    assert!(text.matches("unknown").count() >= 3, "{text}");
    let summary = s.summary(1).unwrap();
    assert!(summary.behind.is_none());
    assert!(
        summary
            .behind_unknown
            .as_deref()
            .is_some_and(|w| w.contains("AccessDenied")),
        "{summary:?}"
    );
}
