//! Snapshot tests of every action dialog (approve, reject, approve on prd with the typed
//! confirmation, deploy, stop, retry, rollback, freeze, invalidate, sending, done), a refusal in
//! the status bar and the audit view, at 80×24 and 160×48.

mod common;

use common::ops::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use shipdeck::app::{Action, AuditLine, State, View, update};
use shipdeck::ops::audit::Entry;
use shipdeck::ops::{OpKind, Outcome, Refusal};
use shipdeck::tui::hints::hints;
use shipdeck::tui::keymap::Keymap;
use shipdeck::tui::render::draw;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn render(state: &State, w: u16, h: u16) -> String {
    let hints = hints(&Keymap::load(None).unwrap());
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| draw(f, state, &hints)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let mut text = String::new();
    for y in 0..h {
        let line: String = (0..w)
            .map(|x| buffer[(x, y)].symbol().to_string())
            .collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

fn snap(state: &State, name: &str) {
    for (w, h) in SIZES {
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
fn sending_and_done() {
    let mut s = dialog("dev", OpKind::Deploy, "");
    let fx = update(&mut s, Action::Submit);
    snap(&s, "dialog_sending");
    let Some(shipdeck::app::Effect::ApplyOp { request, .. }) = fx.first() else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Action::OpApplied {
            request: *request,
            outcome: Outcome::done("started execution e-13", Some("e-13".into())),
            audit_error: None,
        },
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
    let t = common::T0;
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
    let entries = entries
        .iter()
        .zip(0..)
        .map(|(e, i)| AuditLine(e.stamped(shipdeck::ops::audit::Mode::Demo, written(i))));
    update(&mut s, Action::AuditLoaded(Ok(entries.collect())));
    snap(&s, "audit_view");
}

/// A catalogue of `versions` (with their age in hours), the first `described` with metadata.
fn release_catalogue(
    versions: &[(&str, i64)],
    described: usize,
) -> shipdeck::ops::release::Catalogue {
    use shipdeck::domain::{Release, Timestamp, Version};
    use shipdeck::ops::release::{Catalogue, Package};
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
            last_modified: common::T0 - hours * Timestamp::HOUR,
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
    result: Result<shipdeck::ops::release::Catalogue, String>,
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
        Action::PackagesLoaded {
            env,
            request,
            result,
        },
    );
    s
}

fn release_picker(env: &str) -> State {
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
    for (w, h) in SIZES {
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

#[test]
fn rollback_dialog_with_the_stage_listing() {
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
    let ex = |id: &str, v: &str, h: i64| {
        common::execution(
            id,
            ExecutionStatus::Succeeded,
            v,
            common::T0 - h * Timestamp::HOUR,
        )
    };
    let listing = vec![
        ex("e-12", "1.4.0", 1),
        ex("e-9", "1.2.0", 9),
        ex("e-7", "1.1.0", 20),
    ];
    update(
        &mut s,
        Action::CandidatesLoaded {
            env,
            request,
            result: Ok(listing),
        },
    );
    update(&mut s, Action::Down);
    snap(&s, "dialog_rollback_listed");
}
