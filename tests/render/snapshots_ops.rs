//! Snapshot tests of every action dialog (approve, reject, approve on prd with the typed
//! confirmation, deploy, stop, retry, rollback, freeze, invalidate, sending, done), a refusal in
//! the status bar and the audit view, at 80×24, 100×30 and 160×48; what a dialog keeps in sight
//! on a small screen and how its plan scrolls.

use crate::support;
use crate::support::screen;

use shipdeck::app::{Action, AuditLine, Reply, State, View, update};
use shipdeck::ops::plan::audit::Entry;
use shipdeck::ops::{OpKind, Outcome, Refusal};
use shipdeck::tui::hints::hints;
use shipdeck::tui::keymap::Keymap;
use support::ops::*;

/// Where every dialog is checked and drawn.
const SIZES: [(u16, u16); 3] = [(80, 24), (100, 30), (160, 48)];
/// Where the other views of this file are drawn.
const VIEW_SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn render(state: &State, w: u16, h: u16) -> String {
    screen::trimmed(&screen::buffer(state, w, h))
}

fn snap(state: &State, name: &str) {
    let sizes: &[(u16, u16)] = if state.ops.dialog.is_some() {
        &SIZES
    } else {
        &VIEW_SIZES
    };
    for &(w, h) in sizes {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(state, w, h));
    }
}

fn dialog(env: &str, kind: OpKind, text: &str) -> State {
    let mut s = loaded();
    select(&mut s, env);
    update(&mut s, Action::Op(kind));
    assert!(s.ops.dialog.is_some(), "{kind:?}: {}", status(&s));
    type_text(&mut s, text);
    s
}

#[test]
fn approve_dialog_on_prd_before_the_name_is_typed() {
    snap(
        &dialog("prd", OpKind::Approve, "dashboards green"),
        "dialog_approve_prd",
    );
}

#[test]
fn approve_dialog_on_prd_with_the_name_typed() {
    let mut s = dialog("prd", OpKind::Approve, "dashboards green");
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    snap(&s, "dialog_approve_prd_typed");
}

#[test]
fn reject_dialog_without_a_comment_shows_why_inline() {
    snap(&dialog("prd", OpKind::Reject, ""), "dialog_reject_empty");
}

#[test]
fn approve_dialog_on_an_unprotected_environment() {
    let mut s = loaded();
    s.envs[2].spec.protected = false;
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Approve));
    snap(&s, "dialog_approve");
}

#[test]
fn deploy_dialog() {
    snap(&dialog("dev", OpKind::Deploy, ""), "dialog_deploy");
}

#[test]
fn stop_dialog_with_abandon() {
    let mut s = dialog("prd", OpKind::Stop, "bad release");
    update(&mut s, Action::DialogToggle);
    snap(&s, "dialog_stop");
}

#[test]
fn retry_dialog() {
    snap(&dialog("stg", OpKind::Retry, ""), "dialog_retry");
}

#[test]
fn rollback_dialog() {
    snap(&dialog("dev", OpKind::Rollback, "e-11"), "dialog_rollback");
}

#[test]
fn freeze_dialog() {
    snap(
        &dialog("dev", OpKind::Freeze, "release freeze for the weekend"),
        "dialog_freeze",
    );
}

#[test]
fn invalidate_dialog() {
    snap(
        &dialog("dev", OpKind::Invalidate, "/index.html /assets/*"),
        "dialog_invalidate",
    );
}

#[test]
fn override_dialog_on_prd_held_by_its_deployment_window() {
    let mut s = loaded();
    hold_at_window(&mut s, "prd", "e-2");
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Override));
    assert!(s.ops.dialog.is_some(), "{}", status(&s));
    snap(&s, "dialog_override_prd");
}

#[test]
fn the_pipeline_footer_offers_the_override_only_while_a_condition_holds() {
    let footer = |s: &State| {
        let screen = render(s, 160, 48);
        screen.lines().last().unwrap_or_default().to_string()
    };
    let mut s = loaded();
    select(&mut s, "prd");
    s.view = View::Pipeline;
    assert!(!footer(&s).contains("override"), "{}", footer(&s));
    hold_at_window(&mut s, "prd", "e-2");
    assert!(footer(&s).contains("O override"), "{}", footer(&s));
}

#[test]
fn sending_and_done() {
    let mut s = dialog("dev", OpKind::Deploy, "");
    let fx = update(&mut s, Action::Submit);
    snap(&s, "dialog_sending");
    let Some(shipdeck::app::Effect::ApplyOp { request, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Action::Reply(Reply::OpApplied {
            request: *request,
            outcome: Outcome::done("started execution e-13", Some("e-13".into())),
            audit_error: None,
        }),
    );
    snap(&s, "dialog_done");
}

#[test]
fn a_refusal_goes_to_the_status_bar() {
    let mut s = loaded();
    s.session.identity = Some("arn:aws:sts::123456789012:assumed-role/Dev/alice".into());
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Approve));
    snap(&s, "refusal_status");
}

#[test]
fn audit_view_lists_newest_first() {
    let mut s = loaded();
    update(&mut s, Action::Show(View::Audit));
    let plan = dialog("dev", OpKind::Deploy, "")
        .ops
        .dialog
        .unwrap()
        .planned
        .unwrap();
    let id = Some(DAVE);
    let t = support::T0;
    let entries = [
        Entry::applied(
            &plan,
            id,
            t,
            &Outcome::done("started execution e-13", Some("e-13".into())),
        ),
        Entry::refused(
            OpKind::Approve,
            "prd",
            serde_json::json!({}),
            id,
            t + 60_000,
            &Refusal::by(
                shipdeck::ops::Guard::SelfApproval,
                "refused: you (dave) published the release (dave)",
            ),
        ),
        Entry::refused(
            OpKind::Stop,
            "dev",
            serde_json::json!({}),
            id,
            t + 120_000,
            &Refusal::nothing("no running execution in dev (nothing to stop)"),
        ),
    ];
    // As the demo's file holds them: written on the wall clock, eleven days after the simulated
    // time they acted at.
    let written = |i: i64| t + 11 * shipdeck::domain::Timestamp::DAY + 7_000 * i;
    let entries = entries.iter().zip(0..).map(|(e, i)| {
        AuditLine(e.stamped(shipdeck::ops::apply::audit_log::Mode::Demo, written(i)))
    });
    update(
        &mut s,
        Action::Reply(Reply::AuditLoaded(Ok(entries.collect()))),
    );
    snap(&s, "audit_view");
    // A filter that hides every entry says so; it does not claim nothing was recorded.
    s.filter = "no-such-action".into();
    let text = support::screen::text(&s, 80, 24);
    assert!(
        text.contains("No audited action matches the filter `no-such-action` (3 recorded)"),
        "{text}"
    );
    assert!(!text.contains("No audited action yet"), "{text}");
}

/// A catalogue of `versions` (with their age in hours), the first `described` with metadata.
fn release_catalogue(
    versions: &[(&str, i64)],
    described: usize,
) -> shipdeck::ops::plan::release::Catalogue {
    use shipdeck::domain::{Release, Timestamp, Version};
    use shipdeck::ops::plan::release::{Catalogue, Package};
    let packages = versions
        .iter()
        .enumerate()
        .map(|(i, (v, hours))| Package {
            key: format!("releases/{v}/release.zip"),
            release: Release {
                version: Version::parse(v).unwrap(),
                commit: if i < described { "9e8d7c6b5a4f" } else { "" }.into(),
                actor: if i < described { "alice" } else { "" }.into(),
            },
            last_modified: support::T0 - hours * Timestamp::HOUR,
            size: 48_213,
            described: i < described,
        })
        .collect();
    Catalogue {
        bucket: "storefront-deployer-source".into(),
        prefix: "releases/".into(),
        packages,
        ..Catalogue::default()
    }
}

/// The picker opened on `env` and answered with `result`.
fn release_picker_with(
    env: &str,
    result: Result<shipdeck::ops::plan::release::Catalogue, String>,
) -> State {
    use shipdeck::app::Effect;
    let mut s = loaded();
    select(&mut s, env);
    let fx = update(&mut s, Action::Op(OpKind::Release));
    let Some((env, request)) = fx.iter().find_map(|e| match e {
        Effect::FetchPackages { env, request, .. } => Some((*env, *request)),
        _ => None,
    }) else {
        panic!("no catalogue read: {}", status(&s))
    };
    update(
        &mut s,
        Action::Reply(Reply::PackagesLoaded {
            env,
            request,
            result,
        }),
    );
    s
}

pub(crate) fn release_picker(env: &str) -> State {
    let versions = [("1.5.0", 2), ("1.4.0", 26), ("1.3.0", 80), ("1.2.0", 300)];
    release_picker_with(env, Ok(release_catalogue(&versions, 4)))
}

#[test]
fn release_picker_counts_the_older_packages_and_names_the_skipped_keys() {
    let versions: Vec<(String, i64)> = (0..45)
        .rev()
        .map(|n| (format!("1.{n}.0"), 2 + 24 * (44 - n)))
        .collect();
    let versions: Vec<(&str, i64)> = versions.iter().map(|(v, h)| (v.as_str(), *h)).collect();
    let mut catalogue = release_catalogue(&versions, 30);
    catalogue.skipped = vec!["releases/README.txt".into(), "releases/latest.zip".into()];
    let s = release_picker_with("prd", Ok(catalogue));
    for (w, h) in VIEW_SIZES {
        let screen = render(&s, w, h);
        for text in [
            "the newest 30 of 45 packages; 15 older (down to 1.0.0):",
            "skipped 2 keys with no version in the name or metadata:",
            "releases/README.txt, releases/latest.zip",
        ] {
            assert!(screen.contains(text), "{text}: {screen}");
        }
        assert!(
            !screen.contains("1.14.0"),
            "older packages are not rows: {screen}"
        );
    }
    snap(&s, "release_picker_older_and_skipped");
}

#[test]
fn release_picker_says_why_the_packages_are_unknown() {
    let err = "release packages of prd: access denied: not allowed to call s3:ListBucket";
    let s = release_picker_with("prd", Err(err.into()));
    let screen = render(&s, 160, 48);
    assert!(screen.contains(&format!("✗ {err}")), "{screen}");
    assert!(!screen.contains("no release packages"), "{screen}");
}

#[test]
fn release_picker_marks_what_is_deployed_here_and_upstream() {
    let mut s = release_picker("stg");
    update(&mut s, Action::Down);
    snap(&s, "release_picker_stg");
}

#[test]
fn release_dialog_of_the_chosen_package() {
    let mut s = release_picker("stg");
    update(&mut s, Action::Down);
    update(&mut s, Action::Open);
    snap(&s, "dialog_release_stg");
}

#[test]
fn release_dialog_on_prd_asks_for_the_name() {
    let mut s = release_picker("prd");
    update(&mut s, Action::Open);
    snap(&s, "dialog_release_prd");
}

/// The rollback dialog of dev with the stage's listing answered: `(id, version, hours ago)`
/// newest first, the second candidate chosen.
fn rollback_listed(listing: &[(&str, &str, i64)]) -> State {
    use shipdeck::domain::{ExecutionStatus, Timestamp};
    let mut s = loaded();
    select(&mut s, "dev");
    let fx = update(&mut s, Action::Op(OpKind::Rollback));
    let Some((env, request)) = fx.iter().find_map(|e| match e {
        shipdeck::app::Effect::FetchCandidates { env, request, .. } => Some((*env, *request)),
        _ => None,
    }) else {
        panic!("no listing")
    };
    let listing = listing
        .iter()
        .map(|(id, v, h)| {
            support::execution(
                id,
                ExecutionStatus::Succeeded,
                v,
                support::T0 - h * Timestamp::HOUR,
            )
        })
        .collect();
    update(
        &mut s,
        Action::Reply(Reply::CandidatesLoaded {
            env,
            request,
            result: Ok(listing),
        }),
    );
    update(&mut s, Action::Down);
    s
}

#[test]
fn rollback_dialog_with_the_stage_listing() {
    let s = rollback_listed(&[
        ("e-12", "1.4.0", 1),
        ("e-9", "1.2.0", 9),
        ("e-7", "1.1.0", 20),
    ]);
    snap(&s, "dialog_rollback_listed");
}

/// A candidate wider than the dialog ends with `…` where it is cut.
#[test]
fn a_rollback_candidate_cut_at_the_dialogs_width_ends_with_an_ellipsis() {
    let id = "28cd5b4e-0f3a-4c1d-9e2b-7a6f5d4c3b2a";
    let s = rollback_listed(&[("e-12", "1.4.0", 1), (id, "1.39.4", 9)]);
    let lines = dialog_lines(&s, 80, 24);
    let chosen = lines
        .iter()
        .find(|l| l.starts_with(&format!("▶ {id}")))
        .unwrap_or_else(|| panic!("the chosen candidate in {lines:#?}"));
    assert!(chosen.ends_with('…'), "{lines:#?}");
}

/// The lines inside the open dialog's frame on a `w`×`h` screen, trailing blanks trimmed.
fn dialog_lines(state: &State, w: u16, h: u16) -> Vec<String> {
    use ratatui::layout::Rect;
    use ratatui::widgets::Block;
    let buffer = screen::buffer(state, w, h);
    let body = shipdeck::tui::render::Areas::new(Rect::new(0, 0, w, h))
        .unwrap()
        .body;
    let inner = Block::bordered().inner(shipdeck::tui::overlays::dialog::area(body));
    (inner.y..inner.bottom())
        .map(|y| {
            let line: String = (inner.x..inner.right())
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect();
            line.trim_end().to_string()
        })
        .collect()
}

/// Text with every run of whitespace made one space (lines joined), to find wrapped text in.
fn flat(lines: &[String]) -> String {
    lines
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text without any whitespace, to find a long word cut across lines in.
fn dense(text: &str) -> String {
    text.split_whitespace().collect()
}

/// Tells the dialog how many plan lines a `w`×`h` screen shows, as the terminal loop does.
fn measure(s: &mut State, w: u16, h: u16) {
    let area = ratatui::layout::Rect::new(0, 0, w, h);
    while let Some(action) = shipdeck::tui::render::page_rows(s, area) {
        if !matches!(action, Action::PlanRows { .. }) {
            break;
        }
        update(s, action);
    }
}

/// Every dialog kind, as an operator would have it open.
fn every_dialog() -> Vec<(&'static str, State)> {
    let mut approve_typed = dialog("prd", OpKind::Approve, "dashboards green");
    update(&mut approve_typed, Action::DialogNext);
    type_text(&mut approve_typed, "prd");
    let mut stop = dialog("prd", OpKind::Stop, "bad release");
    update(&mut stop, Action::DialogToggle);
    let mut release = release_picker("prd");
    update(&mut release, Action::Open);
    // A refresh changed the target under the open dialog: the warning must be read whole.
    let mut changed = approve_typed.clone();
    if let Some(d) = changed.ops.dialog.as_mut() {
        d.changed = Some("the approval of execution e-31 (ships 1.2.0)".into());
    }
    vec![
        ("approve prd", approve_typed),
        ("approve prd, target changed", changed),
        (
            "approve prd, nothing typed",
            dialog("prd", OpKind::Approve, ""),
        ),
        ("reject", dialog("prd", OpKind::Reject, "")),
        ("deploy", dialog("dev", OpKind::Deploy, "")),
        ("stop", stop),
        ("retry", dialog("stg", OpKind::Retry, "")),
        ("rollback", dialog("dev", OpKind::Rollback, "e-11")),
        ("freeze", dialog("dev", OpKind::Freeze, "release freeze")),
        (
            "invalidate",
            dialog("dev", OpKind::Invalidate, "/index.html /assets/*"),
        ),
        ("release prd", release),
        (
            "upload prd",
            crate::snapshots_upload::read("prd", "/home/op/pkgs/storefront-1.60.0.zip", 48_213),
        ),
    ]
}

#[test]
fn a_small_screen_keeps_the_target_guards_fields_and_send_line_in_sight() {
    for (name, s) in every_dialog() {
        let d = s.ops.dialog.clone().unwrap();
        for (w, h) in SIZES {
            let lines = dialog_lines(&s, w, h);
            let text = flat(&lines);
            let at = format!("{name} at {w}x{h}:\n{}", lines.join("\n"));
            let target = d.target().expect("every dialog has a target");
            assert!(
                text.contains(&format!("acts on: {}", target.text)),
                "what it acts on: {at}"
            );
            match &d.planned {
                Ok(plan) => {
                    for g in &plan.guards {
                        assert!(
                            text.contains(&format!("✓ {}", g.note)),
                            "guard {}: {at}",
                            g.note
                        );
                    }
                }
                Err(r) => assert!(text.contains(&format!("✗ {}", r.reason)), "refusal: {at}"),
            }
            if let Some(was) = &d.changed {
                let warning = format!(
                    "⚠ changed while open: it was {was}; it is now {}",
                    target.text
                );
                assert!(text.contains(&warning), "the change: {at}");
                assert!(
                    text.contains("Nothing was sent. enter accepts the new target"),
                    "{at}"
                );
            }
            for label in [d.text_label(), d.toggle_label()].into_iter().flatten() {
                assert!(text.contains(label), "{label}: {at}");
            }
            if let Some(n) = d.must_type() {
                assert!(text.contains(&format!("Type `{n}` to confirm:")), "{at}");
            }
            let last = lines.iter().rev().find(|l| !l.trim().is_empty()).unwrap();
            assert!(
                last.contains("cancel") || last.starts_with('✗'),
                "the send line or the refusal closes the dialog: {at}"
            );
        }
    }
}

#[test]
fn the_plan_scrolls_to_the_whole_aws_command_with_more_lines_marked() {
    for (name, mut s) in every_dialog() {
        let Ok(plan) = s.ops.dialog.clone().unwrap().planned else {
            continue;
        };
        for (w, h) in SIZES {
            measure(&mut s, w, h);
            let rows = s.ops.dialog.as_ref().unwrap().rows.expect("measured");
            let mut seen = Vec::new();
            for _ in 0..20 {
                let lines = dialog_lines(&s, w, h);
                if rows.total > rows.shown {
                    let more = lines.iter().any(|l| l.contains("more plan line"));
                    assert!(
                        more,
                        "{name} at {w}x{h}: no 'more' line:\n{}",
                        lines.join("\n")
                    );
                    assert!(flat(&lines).contains("pagedown/pageup scroll"));
                }
                seen.extend(lines);
                update(&mut s, Action::PageDown);
            }
            let seen = dense(&flat(&seen));
            assert!(
                seen.contains(&dense(&plan.aws_command)),
                "{name} at {w}x{h}: the aws command in full, token and all: {}",
                plan.aws_command
            );
            for _ in 0..20 {
                update(&mut s, Action::PageUp);
            }
            assert_eq!(
                s.ops.dialog.as_ref().unwrap().scroll,
                0,
                "{name}: back at the top"
            );
        }
    }
}

#[test]
fn at_the_smallest_size_a_plan_line_and_the_more_line_stay_and_every_guard_is_reached() {
    // 60x15, the smallest screen drawn: the guards would leave the plan no line.
    let (w, h) = (60, 15);
    for (name, mut s) in every_dialog() {
        let Ok(plan) = s.ops.dialog.clone().unwrap().planned else {
            continue;
        };
        measure(&mut s, w, h);
        let rows = s.ops.dialog.as_ref().unwrap().rows.expect("measured");
        let first = dialog_lines(&s, w, h);
        if rows.total <= rows.shown {
            continue;
        }
        // More lines than rows: a "more" line says so, or on a single row where the line stands.
        let counted = format!("1/{} ", rows.total);
        assert!(
            (rows.shown >= 2 && first.iter().any(|l| l.contains("more plan line")))
                || (rows.shown == 1 && first.iter().any(|l| l.starts_with(&counted))),
            "{name}: {rows:?}\n{}",
            first.join("\n")
        );
        // The plan's rows follow what the dialog acts on: its lines there, less the "more" lines.
        let mut seen = Vec::new();
        for _ in 0..rows.total {
            let lines = dialog_lines(&s, w, h);
            let head = lines
                .iter()
                .position(|l| l.starts_with("acts on: "))
                .unwrap();
            let plan = (lines.iter().skip(head + 1))
                .position(|l| !l.starts_with("         "))
                .unwrap()
                + head
                + 1;
            let page: Vec<String> = (lines[plan..plan + rows.shown].iter())
                .filter(|l| !l.contains("more plan line"))
                .map(|l| match l.split_once(' ') {
                    Some((at, line)) if rows.shown == 1 && at.contains('/') => line.to_string(),
                    _ => l.clone(),
                })
                .collect();
            // Pages overlap: the lines after those the last page ended with.
            let overlap = (0..=page.len().min(seen.len()))
                .rev()
                .find(|&k| seen[seen.len() - k..] == page[..k])
                .unwrap_or(0);
            seen.extend_from_slice(&page[overlap..]);
            update(&mut s, Action::PageDown);
        }
        let seen = dense(&flat(&seen));
        assert!(
            seen.contains(&dense(&plan.aws_command)),
            "{name}: the aws command {}\nin {seen}",
            plan.aws_command
        );
        // The guards stay in sight, or scroll after the plan's lines.
        let fixed = dense(&flat(&first));
        for g in &plan.guards {
            let g_line = dense(&format!("✓ {}", g.note));
            assert!(
                seen.contains(&g_line) || fixed.contains(&g_line),
                "{name}: guard {}",
                g.note
            );
        }
    }
}

#[test]
fn approve_dialog_scrolled_to_its_aws_command() {
    let mut s = dialog("prd", OpKind::Approve, "dashboards green");
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    measure(&mut s, 80, 24);
    update(&mut s, Action::PageDown);
    update(&mut s, Action::PageDown);
    insta::assert_snapshot!("dialog_approve_prd_scrolled_80x24", render(&s, 80, 24));
}

#[test]
fn the_watch_note_under_a_done_dialog_wraps() {
    let mut s = dialog("dev", OpKind::Rollback, "e-11");
    let fx = update(&mut s, Action::Submit);
    let Some(shipdeck::app::Effect::ApplyOp { request, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Action::Reply(Reply::OpApplied {
            request: *request,
            outcome: Outcome::done("rolled back: execution e-14", Some("e-14".into())),
            audit_error: None,
        }),
    );
    let note = "seen: rollback execution e-14 is InProgress in Deploy (stage Deploy, target e-11, \
                1.3.0); watching until it succeeds or fails";
    s.ops.dialog.as_mut().unwrap().watch_note = Some(note.into());
    for (w, h) in SIZES {
        let lines = dialog_lines(&s, w, h);
        assert!(
            flat(&lines).contains(note),
            "{w}x{h}: the note whole:\n{}",
            lines.join("\n")
        );
    }
}

#[test]
fn a_dialog_field_shows_its_cursor_and_scrolls_a_long_value() {
    use shipdeck::app::Edit;
    let paths: Vec<String> = (0..12).map(|i| format!("/assets/app-{i}.js")).collect();
    let mut s = dialog("dev", OpKind::Invalidate, &paths.join(" "));
    let hints = hints(&Keymap::load(None).unwrap());
    let label = "Paths (space separated): ";
    let look = |s: &State| {
        let mut terminal = screen::terminal(s, &hints, 80, 24);
        let at = terminal.get_cursor_position().unwrap();
        let buffer = terminal.backend().buffer().clone();
        let row: String = (0..80)
            .map(|x| buffer[(x, at.y)].symbol().to_string())
            .collect();
        (row, at.x, buffer[(at.x, at.y)].symbol().to_string())
    };
    let (row, _, under) = look(&s);
    assert!(row.contains(label), "the cursor is on the field: {row}");
    assert!(row.contains("/assets/app-11.js"), "the end in sight: {row}");
    assert!(!row.contains("/assets/app-0.js"), "{row}");
    assert_eq!(under, " ", "after the last character");
    update(&mut s, Action::Edit(Edit::Home));
    let (row, x, under) = look(&s);
    assert!(row.contains(&format!("{label}/assets/app-0.js")), "{row}");
    assert_eq!(under, "/");
    assert_eq!(
        usize::from(x),
        row[..row.find(label).unwrap()].chars().count() + label.len(),
        "the cursor on the first character"
    );
    update(&mut s, Action::Edit(Edit::WordRight));
    let (_, x2, under) = look(&s);
    assert!(x2 > x && under == "a", "a word on: {under:?}");
}

/// `P` on prd with `[github]`: the release workflow's dialog, its inputs with their defaults
/// and the `gh` command, the inputs typed.
#[test]
fn release_workflow_dialog_on_prd() {
    use shipdeck::domain::github::{GitHubCommit, read_workflow};
    use shipdeck::ops::plan::release_workflow::WorkflowRead;
    let mut s = loaded();
    s.ops.release_workflow = Some("release.yml".into());
    select(&mut s, "prd");
    let fx = update(&mut s, Action::Op(OpKind::Release));
    let Some(request) = fx.iter().find_map(|e| match e {
        shipdeck::app::Effect::ReadWorkflow { request, .. } => Some(*request),
        _ => None,
    }) else {
        panic!("no read of the workflow: {fx:?}")
    };
    let read = WorkflowRead {
        repository: "acme/storefront".into(),
        workflow: "release.yml".into(),
        git_ref: "main".into(),
        head: Ok(GitHubCommit {
            sha: "e20137b9d1c4a0f7".into(),
            message: "Add gift card field to checkout".into(),
            author: "erin".into(),
            date: support::T0,
        }),
        triggers: Ok(
            read_workflow("release.yml", shipdeck::cloud::sim::github::RELEASE_YML)
                .expect("the simulator's workflow"),
        ),
        writable: Ok(()),
    };
    update(
        &mut s,
        Action::Reply(Reply::WorkflowRead {
            request,
            read: Box::new(read),
        }),
    );
    type_text(&mut s, "version=1.4.0");
    snap(&s, "dialog_release_workflow_prd");
}
