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
    let entries = vec![
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
    update(
        &mut s,
        Action::AuditLoaded(Ok(entries.into_iter().map(AuditLine).collect())),
    );
    snap(&s, "audit_view");
}

fn release_picker(env: &str) -> State {
    use shipdeck::app::Effect;
    use shipdeck::domain::{Release, Timestamp, Version};
    use shipdeck::ops::release::Package;
    let mut s = loaded();
    select(&mut s, env);
    let fx = update(&mut s, Action::Op(OpKind::Release));
    let Some((env, request)) = fx.iter().find_map(|e| match e {
        Effect::FetchPackages { env, request, .. } => Some((*env, *request)),
        _ => None,
    }) else {
        panic!("no catalogue read: {}", status(&s))
    };
    let packages = [("1.5.0", 2), ("1.4.0", 26), ("1.3.0", 80), ("1.2.0", 300)]
        .into_iter()
        .map(|(v, hours)| Package {
            key: format!("releases/{v}/release.zip"),
            release: Release {
                version: Version::parse(v).unwrap(),
                commit: "9e8d7c6b5a4f".into(),
                actor: "alice".into(),
            },
            last_modified: common::T0 - hours * Timestamp::HOUR,
            size: 48_213,
        })
        .collect();
    update(
        &mut s,
        Action::PackagesLoaded {
            env,
            request,
            result: Ok(packages),
        },
    );
    s
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
