//! Render tests of every view with `TestBackend`: key text and styles at 80×24 and 160×48.

use crate::support;
use crate::support::fixture::{self, NOW};
use crate::support::screen::{text as screen, text_with as screen_with};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use shipdeck::app::{Level, LineInput, Overlay, State, StatusMsg, View, complete};
use shipdeck::domain::{Release, Version};
use shipdeck::tui::render::Hints;

fn terminal(state: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    support::screen::terminal(state, &Hints::default(), w, h)
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
        // At 80 columns every tab title is four letters or fewer.
        let tab = if w == 80 { "Appr (1)" } else { "Approvals (1)" };
        assert_has(&s, &[tab, "approval waiting on prd", "2h 05m"]);
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
        // The latest execution still runs: it has run for its time, not taken it.
        assert_has(&s, &["running for 2h 11m", "2h 11m so far"]);
        assert!(!s.contains("took"), "{s}");
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
fn counts_in_the_environment_detail_agree_with_their_number() {
    let mut s = with(View::Environments, None);
    s.selected = 1;
    s.envs[1].refresh.error.as_mut().unwrap().failures = 1;
    s.envs[1]
        .distribution
        .as_mut()
        .unwrap()
        .in_progress_invalidations = 1;
    let one = screen(&s, 160, 48);
    assert_has(&one, &["1 invalidation in progress", "(1 failure)"]);
    s.envs[1].refresh.error.as_mut().unwrap().failures = 2;
    s.envs[1]
        .distribution
        .as_mut()
        .unwrap()
        .in_progress_invalidations = 2;
    let two = screen(&s, 160, 48);
    assert_has(&two, &["2 invalidations in progress", "(2 failures)"]);
    // The Logs view's header counts its one event, and the one row it is paused back.
    let mut logs = with(View::Logs, None);
    logs.logs.events.truncate(2);
    logs.logs.paused = true;
    logs.logs.scroll = 1;
    assert_has(
        &screen(&logs, 160, 48),
        &["· 2 events ·", "paused, 1 row back"],
    );
    logs.logs.events.truncate(1);
    logs.logs.scroll = 0;
    assert_has(
        &screen(&logs, 160, 48),
        &["· 1 event ·", "paused, 0 rows back"],
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
    s.logs.load.error = Some("AccessDenied: logs:FilterLogEvents".into());
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
    // The header counts those the filter lets through of those held.
    let (shown, held) = (s.visible_log_rows().len(), s.logs.events.len());
    assert!(shown < held);
    assert_has(
        &screen(&s, 160, 48),
        &[&format!("· {shown} of {held} events ·")],
    );
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
    // A message wider than the rows ends with `…`, not cut mid-word without a sign.
    let mut s = with(View::Logs, None);
    s.logs.events[2].message =
        "ERROR upstream timeout after 30000 ms calling https://payments.internal/v1/charge".into();
    let text = screen(&s, 80, 24);
    let row = text
        .lines()
        .find(|l| l.contains("ERROR upstream timeout after"))
        .expect("the row");
    assert!(row.trim_end_matches('┃').trim_end().ends_with('…'), "{row}");
    assert!(!row.contains("v1/charge"), "{row}");
    assert!(
        screen(&s, 160, 48).contains("calling https://payments.internal/v1/charge"),
        "whole where it fits"
    );
    // Nothing held and the read refused: unknown, never "0 events" or "No events".
    let mut s = with(View::Logs, None);
    s.logs.events.clear();
    s.logs.load.error = Some("not read while the credentials are refused".into());
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        assert_has(
            &text,
            &["events unknown", "are unknown: the last read failed"],
        );
        assert!(
            !text.contains("0 events") && !text.contains("No events"),
            "{text}"
        );
    }
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
    let traffic = shipdeck::app::Traffic::default();
    let job = shipdeck::app::ExportJob::of(&traffic, shipdeck::app::ExportFormat::Jsonl);
    let q = shipdeck::app::ReplaceFile {
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
fn a_streamed_read_shows_how_far_it_is_in_the_traffic_header() {
    let mut s = with(View::Traffic, None);
    s.traffic.reading = Some(shipdeck::app::ReadProgress {
        read: 120,
        listed: 1000,
        listing: true,
        bytes: 14_200_000,
    });
    let text = screen(&s, 160, 48);
    assert_has(&text, &["reading 120/1000 listed so far · 14.2 MB"]);
    s.traffic.reading = Some(shipdeck::app::ReadProgress {
        read: 4000,
        listed: 5000,
        listing: false,
        bytes: 49_800_000,
    });
    let text = screen(&s, 160, 48);
    assert_has(&text, &["reading 4000/5000 · 49.8 MB"]);
    assert!(!text.contains("so far"), "{text}");
    // At 80 columns the progress goes before the counts (which would push it out).
    let text = screen(&s, 80, 24);
    assert_has(
        &text,
        &["● following · last 1h · reading 4000/5000 · 49.8 MB"],
    );
}

#[test]
fn old_info_messages_are_hidden() {
    let mut s = with(View::Environments, None);
    s.status = Some(StatusMsg {
        text: "refreshing".into(),
        level: Level::Info,
        at: NOW - 11_000,
        scope: None,
        answer: None,
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
        answer: None,
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
    use shipdeck::app::{Edit, TextInput};
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
    s.envs[2].refresh.error = Some(shipdeck::app::Stale {
        since: s.now,
        error: "server error on GetPipelineState: HTTP 500".into(),
        failures: 1,
        throttled: false,
    });
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        assert!(!text.contains("No pending approvals"), "{text}");
        let tab = if w == 80 { "Appr (?)" } else { "Approvals (?)" };
        assert_has(&text, &[tab, "Pending approvals unknown", "prd:"]);
    }
    let wide = screen(&s, 160, 48);
    assert_has(&wide, &["HTTP 500", "unknown in prd"]);
}

#[test]
fn approvals_shown_from_an_older_read_say_they_are_stale() {
    // prd's refresh fails since 5 minutes: its approval is the last one read, and may be gone.
    let mut s = with(View::Approvals, None);
    s.envs[2].refresh.error = Some(shipdeck::app::Stale {
        since: s.now - 5 * shipdeck::domain::Timestamp::MINUTE,
        error: "cannot assume role arn:aws:iam::222222222222:role/shipdeck-operator".into(),
        failures: 3,
        throttled: false,
    });
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        let tab = if w == 80 {
            "Appr (1?)"
        } else {
            "Approvals (1?)"
        };
        assert_has(
            &text,
            &[
                tab,
                "stale in prd (5m",
                "stale 5m",
                "it may have been answered",
            ],
        );
    }
    assert_has(&screen(&s, 160, 48), &["cannot assume role"]);
    // stg's refresh fails too in the fixture, but its pipeline has no approval to miss.
    s.envs[2].refresh.error = None;
    let text = screen(&s, 160, 48);
    assert!(
        !text.contains("stale") && text.contains("Approvals (1)"),
        "{text}"
    );
}

#[test]
fn the_home_glance_says_unknown_when_it_does_not_know_never_an_empty_strip() {
    let mut s = with(View::Environments, None);
    // prd's pipeline state was never read; dev's logs could not be read; stg's were not read.
    s.envs[2].state = None;
    s.envs[2].refresh.error = Some(shipdeck::app::Stale {
        since: s.now,
        error: "server error on GetPipelineState: HTTP 500".into(),
        failures: 1,
        throttled: false,
    });
    s.traffic.env = 0;
    s.traffic
        .load
        .failed("AccessDenied on ListObjectsV2".into(), s.now);
    for (w, h) in SIZES {
        let text = screen(&s, w, h);
        assert_has(
            &text,
            &[
                "prd ⚑",
                "pipeline state unknown",
                "traffic unknown: AccessDenied",
                "traffic not read",
                "impact not read",
            ],
        );
        assert!(!text.contains("prd ⚑ V2"), "no strip for prd\n{text}");
    }
    assert_has(&screen(&s, 160, 48), &["HTTP 500"]);
}

#[test]
fn what_runs_is_what_last_succeeded_in_the_deploy_stage_labelled_when_from_the_source() {
    let mut s = with(View::Environments, None);
    // stg: its newest execution passed Deploy and failed a later stage: that release runs.
    s.envs[1].deployed = Some(Ok(s.envs[1].executions.first().cloned()));
    // dev: no execution ever succeeded in Deploy; the source object holds 1.44.0.
    s.envs[0].deployed = Some(Ok(None));
    s.envs[0].source = Some(Ok(Some(shipdeck::domain::SourceObject {
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
    s.releases_load.error = Some("AccessDenied on ListObjectsV2".into());
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
/// The default keymap with `action`'s keys replaced.
fn rebound(action: &str, keys: &str) -> Hints {
    let text = shipdeck::tui::keymap::DEFAULT_KEYMAP
        .lines()
        .map(|l| {
            if l.split_whitespace().next() == Some(action) {
                format!("{action} = {{ keys = [{keys}], desc = \"rebound\" }}")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let keymap = shipdeck::tui::keymap::Keymap::from_toml(&text, "test.toml").unwrap();
    shipdeck::tui::hints::hints(&keymap)
}

/// The footer (last line) of `state` drawn 160 columns wide, without a status message.
fn footer(state: &State, hints: &Hints) -> String {
    let mut s = state.clone();
    s.status = None;
    let screen = screen_with(&s, hints, 160, 48);
    screen.lines().last().unwrap_or_default().to_string()
}

#[test]
fn the_footer_lists_the_actions_that_apply_where_the_operator_is() {
    let hints = Hints::default();
    let mut s = with(View::Pipeline, None);
    s.session.read_only = false;
    // Neither the publisher nor the starter of what waits (see the next test).
    s.session.identity = Some("arn:aws:sts::123456789012:assumed-role/Operator/dave".into());
    // prd waits at its approval.
    let prd = footer(&s, &hints);
    assert_has(
        &prd,
        &["A approve", "R reject", "enter execution", "? help"],
    );
    assert!(
        !prd.contains("retry") && !prd.contains("build log"),
        "{prd}"
    );
    // stg's latest execution failed.
    s.selected = 1;
    let stg = footer(&s, &hints);
    assert_has(&stg, &["b build log", "T retry", "B roll back"]);
    assert!(!stg.contains("approve"), "{stg}");
    // dev is frozen.
    s.selected = 0;
    assert_has(&footer(&s, &hints), &["F unfreeze"]);
    // The inbox answers the selected approval.
    s.view = View::Approvals;
    assert_has(
        &footer(&s, &hints),
        &["A approve", "R reject", "enter pipeline"],
    );
    // Its detail's scroll key shows once the detail is known to be taller than its room.
    assert!(!footer(&s, &hints).contains("scroll detail"));
    let subject = s.pane_subject().unwrap();
    s.pane.max = Some(shipdeck::app::PaneMax {
        subject,
        rows: 3,
        size: (78, 10),
    });
    assert_has(&footer(&s, &hints), &["J scroll detail"]);
    s.pane.max = None;
    // The Traffic view names its release-health and marker keys; the home screen the key that
    // reads the selected environment's traffic while it has not been read.
    s.view = View::Traffic;
    assert_has(&footer(&s, &hints), &["i release health", "m marker"]);
    s.view = View::Environments;
    assert_has(&footer(&s, &hints), &["5 read traffic"]);
    // Rebound keys show as bound.
    s.view = View::Pipeline;
    s.selected = 2;
    assert_has(&footer(&s, &rebound("approve", "\"Y\"")), &["Y approve"]);
    // No action hints where actions are refused: a read-only environment, a read-only session.
    s.envs[2].spec.read_only = true;
    let ro_env = footer(&s, &hints);
    assert!(
        !ro_env.contains("approve") && !ro_env.contains("reject"),
        "{ro_env}"
    );
    let ro = with(View::Pipeline, None);
    let session = shipdeck::tui::hints::hints(
        &shipdeck::tui::keymap::Keymap::load(None)
            .unwrap()
            .for_session(true),
    );
    let ro = footer(&ro, &session);
    assert!(!ro.contains("approve") && !ro.contains("reject"), "{ro}");
    assert_has(&ro, &["enter execution", "? help"]);
}

/// The footer offers approve and reject only to an operator the self-approval guard lets
/// answer: not to the one who published prd's waiting release, nor to the one who started its
/// execution (carol, in the fixture).
#[test]
fn the_footer_offers_no_answer_the_self_approval_guard_refuses() {
    let hints = Hints::default();
    let mut s = with(View::Pipeline, None);
    s.session.read_only = false;
    let prd = s.env_index("prd").unwrap();
    let publisher = s.envs[prd].approvals()[0]
        .release
        .as_ref()
        .map(|r| r.actor.clone())
        .expect("the waiting release's publisher");
    for (who, offered) in [
        (publisher.as_str(), false),
        ("carol", false),
        ("someone-else", true),
    ] {
        s.session.identity = Some(format!("arn:aws:sts::123456789012:assumed-role/Ops/{who}"));
        s.selected = prd;
        let f = footer(&s, &hints);
        assert_eq!(f.contains("A approve"), offered, "{who}: {f}");
        assert_eq!(f.contains("R reject"), offered, "{who}: {f}");
    }
}

#[test]
fn tabs_show_the_key_of_each_view_and_the_audit_log_has_one() {
    for (w, h) in SIZES {
        let s = screen(&with(View::Environments, None), w, h);
        let tabs = s.lines().nth(1).unwrap_or_default();
        let titles: &[&str] = if w == 80 {
            // At 80 columns the titles have four letters or fewer, and the last tab its key only.
            &[
                "1 Env",
                "2 Pipe",
                "3 Appr (1)",
                "4 Logs",
                "5 Traf",
                "6 Aud",
                "7 Runs",
                "8 Map",
                "│ ! ",
            ]
        } else {
            &[
                "1 Env",
                "2 Pipeline",
                "3 Approvals (1)",
                "4 Logs",
                "5 Traffic",
                "6 Audit",
                "7 Runs",
                "8 Map",
                "! Attention",
            ]
        };
        assert_has(tabs, titles);
    }
    let s = screen_with(
        &with(View::Environments, None),
        &rebound("audit", "\"9\""),
        160,
        48,
    );
    assert_has(s.lines().nth(1).unwrap_or_default(), &["9 Audit"]);
}

#[test]
fn help_and_completion_describe_the_action_commands() {
    let mut s = with(View::Environments, Some(Overlay::Help));
    s.session.read_only = false;
    s.help_scroll = 1_000;
    let help = screen(&s, 160, 48);
    assert_has(
        &help,
        &[
            ":audit",
            ":approve",
            "approve the pending approval: approve [ENV]",
            ":release",
            "the release workflow, or a package: release [ENV] [VERSION]",
        ],
    );
    s.session.read_only = true;
    let help = screen(&s, 160, 48);
    assert_has(&help, &[":audit"]);
    assert!(
        !help.contains(":approve") && !help.contains(":release"),
        "{help}"
    );
    let line = LineInput {
        text: "a".into(),
        completions: vec!["approvals".into(), "audit".into(), "approve".into()],
    };
    let completion = screen(
        &with(View::Environments, Some(Overlay::Command(line))),
        80,
        24,
    );
    assert_has(
        &completion,
        &[
            "audit          the audit log of mutating actions",
            "approve        approve the pending approval: approve [ENV]",
        ],
    );
}

#[test]
fn the_failed_environment_says_why_it_failed() {
    let s = with(View::Environments, None);
    let screen = screen(&s, 160, 48);
    let stg = screen
        .lines()
        .find(|l| l.contains("stg   1.42.0"))
        .unwrap_or_default();
    assert_has(
        stg,
        &["stale 2m 10s failed in Deploy: JobFailed: Build step DEPLO…┃"],
    );
    let mut s = s;
    s.selected = 1;
    assert_has(
        &self::screen(&s, 160, 48),
        &[
            "✖ failed in Deploy: JobFailed: Build step DEPLOY failed: aws s3 sync exited with 1 (AccessDenied on s3://web-stg)",
        ],
    );
    // Without the failed action's error, the execution's own summary says why.
    s.envs[1].state = None;
    let screen = self::screen(&s, 160, 48);
    let stg = screen
        .lines()
        .find(|l| l.contains("stg   1.42.0"))
        .unwrap_or_default();
    assert_has(stg, &["failed: Deploy failed"]);
}

/// prd's pipeline with its older execution (p-1) opened; its runs as given.
fn execution_open(
    runs: Option<Result<Vec<shipdeck::domain::ActionExecutionDetail>, String>>,
) -> State {
    let mut s = with(View::Pipeline, None);
    s.session.read_only = false;
    s.execution = Some(shipdeck::app::ExecutionDetail {
        env: 2,
        execution: s.envs[2].executions[1].clone(),
        runs,
        inflight: None,
        row: 0,
        variables: Some(Ok(vec![
            shipdeck::domain::ResolvedVariable::new("release_version", "1.2.0"),
            shipdeck::domain::ResolvedVariable::new("commit", "3f2a9c1d88"),
        ])),
        variables_inflight: None,
    });
    s
}

fn detail_run(
    stage: &str,
    action: &str,
    status: shipdeck::domain::ActionStatus,
) -> shipdeck::domain::ActionExecutionDetail {
    shipdeck::domain::ActionExecutionDetail {
        pipeline_execution_id: "p-1".into(),
        action_execution_id: format!("ae-{action}"),
        stage: stage.into(),
        action: action.into(),
        status,
        start: NOW - 2 * shipdeck::domain::Timestamp::DAY,
        last_update: NOW - 2 * shipdeck::domain::Timestamp::DAY + 90_000,
        updated_by: None,
        summary: None,
        external_execution_url: None,
        external_execution_id: None,
        log_stream_arn: None,
        error: None,
    }
}

#[test]
fn the_execution_detail_says_it_is_reading_or_why_its_runs_are_unknown() {
    for (w, h) in SIZES {
        let reading = screen(&execution_open(None), w, h);
        assert_has(
            &reading,
            &["Execution p-1", "Reading the action runs of execution p-1"],
        );
        let failed = screen(
            &execution_open(Some(Err("network error: reset".into()))),
            w,
            h,
        );
        assert_has(&failed, &["Action runs unknown", "network error: reset"]);
        assert!(!failed.contains("not run"), "{failed}");
    }
}

#[test]
fn the_execution_detail_shows_who_answered_the_approval_and_the_failed_actions_error() {
    use shipdeck::domain::{ActionStatus, ErrorDetails};
    let mut approve = detail_run("Approval", "ManualApproval", ActionStatus::Failed);
    approve.updated_by = Some("arn:aws:sts::123456789012:assumed-role/Ops/dmitri".into());
    approve.summary = Some("smoke tests red on stg".into());
    let mut deploy = detail_run("Deploy", "DeploySite", ActionStatus::Failed);
    deploy.error = Some(ErrorDetails {
        code: "JobFailed".into(),
        message: "exit status 2".into(),
    });
    deploy.log_stream_arn =
        Some("arn:aws:logs:eu-west-1:1:log-group:/aws/codebuild/deploy-prd:log-stream:b-9".into());
    let runs = vec![
        detail_run("Source", "Fetch", ActionStatus::Succeeded),
        approve,
        deploy,
    ];
    let mut s = execution_open(Some(Ok(runs)));
    s.execution.as_mut().unwrap().row = 1;
    let shown = screen(&s, 160, 48);
    assert_has(
        &shown,
        &[
            "Fetch",
            "ManualApproval",
            "dmitri",
            "answer     rejected by",
            "arn:aws:sts::123456789012:assumed-role/Ops/dmitri",
            "comment    smoke tests red on stg",
            "JobFailed: exit status",
            "esc back",
        ],
    );
    s.execution.as_mut().unwrap().row = 2;
    let shown = screen(&s, 160, 48);
    assert_has(
        &shown,
        &[
            "error      JobFailed: exit status 2",
            "build log  /aws/codebuild/deploy-prd · b-9",
            "b build log",
        ],
    );
    let narrow = screen(&s, 80, 24);
    assert_has(&narrow, &["DeploySite", "b build log"]);
}

#[test]
fn the_execution_detail_shows_its_variables_or_why_they_are_unknown() {
    for (w, h) in SIZES {
        let shown = screen(&execution_open(Some(Ok(Vec::new()))), w, h);
        assert_has(
            &shown,
            &["variables release_version=1.2.0 · commit=3f2a9c1d88"],
        );
        let mut s = execution_open(Some(Ok(Vec::new())));
        s.execution.as_mut().unwrap().variables = Some(Err("throttled by codepipeline".into()));
        let unknown = screen(&s, w, h);
        assert_has(&unknown, &["variables unknown: throttled by codepipeline"]);
        s.execution.as_mut().unwrap().variables = None;
        assert_has(&screen(&s, w, h), &["variables reading…"]);
    }
}

/// With `[github]`, each environment's lag behind `main` is read through an effect: a number
/// where GitHub answered, `unknown` with the reason where it did not (160 columns; the column
/// gives way at 80).
#[test]
fn environments_show_each_commits_lag_behind_main_or_why_it_is_unknown() {
    use shipdeck::app::{Action, Effect, Reply, update};
    fn compare(s: &mut State, at: shipdeck::domain::Timestamp, lag: Result<u32, String>) {
        let fx = update(s, Action::Tick(at));
        let (request, commits) = fx
            .iter()
            .find_map(|e| match e {
                Effect::CompareMain { request, commits } => Some((*request, commits.clone())),
                _ => None,
            })
            .expect("the compare with main");
        let lags = commits
            .iter()
            .map(|c| (c.clone(), lag.clone().map(Some)))
            .collect();
        update(
            s,
            Action::Reply(Reply::MainLagLoaded {
                request,
                lags,
                limited_until: None,
            }),
        );
    }
    let mut s = with(View::Environments, None);
    assert!(
        !screen(&s, 160, 48).contains("MAIN"),
        "nothing without [github]"
    );
    s.runs.workflows = vec!["deploy.yml".into(), "release.yml".into()];
    compare(&mut s, NOW, Err("throttled by GitHub".into()));
    let wide = screen(&s, 160, 48);
    assert_has(
        &wide,
        &[
            "MAIN",
            "unknown",
            "lag behind main unknown: throttled by GitHub",
        ],
    );
    compare(&mut s, NOW + shipdeck::app::MAIN_LAG_EVERY, Ok(4));
    assert_has(&screen(&s, 160, 48), &["MAIN", "4 behind"]);
    let narrow = screen(&s, 80, 24);
    assert!(!narrow.contains("MAIN"), "{narrow}");
}

/// A compare refused for GitHub's rate limit holds the lag check (and every GitHub read) until
/// the limit resets: nothing is asked when the five minutes are up, the lags are asked again at
/// the reset.
#[test]
fn the_lag_check_waits_for_githubs_rate_limit_to_reset() {
    use shipdeck::app::{Action, Effect, Reply, update};
    let compares = |fx: &[Effect]| {
        fx.iter().find_map(|e| match e {
            Effect::CompareMain { request, commits } => Some((*request, commits.clone())),
            _ => None,
        })
    };
    let mut s = with(View::Environments, None);
    s.runs.workflows = vec!["deploy.yml".into(), "release.yml".into()];
    let (request, commits) = compares(&update(&mut s, Action::Tick(NOW))).expect("a compare");
    let reset = NOW + 3 * shipdeck::app::MAIN_LAG_EVERY;
    let lags = commits
        .iter()
        .map(|c| {
            (
                c.clone(),
                Err("GitHub rate limit: resets later".to_string()),
            )
        })
        .collect();
    update(
        &mut s,
        Action::Reply(Reply::MainLagLoaded {
            request,
            lags,
            limited_until: Some(reset),
        }),
    );
    assert!(s.runs.limited(NOW), "the hold is shared with the Runs view");
    for at in [NOW + shipdeck::app::MAIN_LAG_EVERY, reset - 1] {
        let fx = update(&mut s, Action::Tick(at));
        assert!(compares(&fx).is_none(), "asked at {at:?}, before the reset");
    }
    assert!(
        compares(&update(&mut s, Action::Tick(reset))).is_some(),
        "asked again once the limit reset"
    );
}
