//! Reducer tests of the guards in the console: read-only (session and environment) refuses
//! below the UI and hides the keys, help and completions; self-approval, expiry and nothing to
//! do go to the status bar and the audit log; an approval answered meanwhile shows inline.

use crate::support;

use shipdeck::app::{Action, Effect, OP_COMMANDS, Reply, State, update};
use shipdeck::domain::{ExecutionStatus, Timestamp};
use shipdeck::ops::OpKind;
use shipdeck::tui::hints::hints;
use shipdeck::tui::keymap::{KeyMode, Keymap};
use support::ops::*;
use support::*;

const KINDS: [OpKind; 9] = [
    OpKind::Approve,
    OpKind::Reject,
    OpKind::Deploy,
    OpKind::Stop,
    OpKind::Retry,
    OpKind::Rollback,
    OpKind::Freeze,
    OpKind::Invalidate,
    OpKind::Release,
];

fn try_all(s: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    for env in ["dev", "stg", "prd"] {
        select(s, env);
        for kind in KINDS {
            fx.extend(update(s, Action::Op(kind)));
            assert!(
                s.ops.dialog.is_none() && s.ops.picker.is_none(),
                "{kind:?} opened a dialog in read-only"
            );
            fx.extend(update(s, Action::Submit));
        }
    }
    fx
}

#[test]
fn read_only_refuses_every_action_below_the_ui_and_audits_it() {
    let mut s = loaded();
    s.session.read_only = true;
    let fx = try_all(&mut s);
    assert_eq!(applies(&fx), 0, "read-only never yields ApplyOp");
    let audited = audits(&fx);
    assert_eq!(audited.len(), 27);
    assert!(
        audited
            .iter()
            .all(|(_, o, g)| o == "refused" && g.as_deref() == Some("read-only"))
    );
    assert!(status(&s).contains("read-only"), "{}", status(&s));
}

#[test]
fn a_read_only_environment_refuses_while_others_act() {
    let mut s = loaded();
    s.envs[2].spec.read_only = true;
    select(&mut s, "prd");
    let fx = update(&mut s, Action::Op(OpKind::Approve));
    assert!(s.ops.dialog.is_none());
    assert!(
        status(&s).contains("prd is read-only in the configuration"),
        "{}",
        status(&s)
    );
    assert_eq!(audits(&fx)[0].2.as_deref(), Some("read-only"));
    select(&mut s, "dev");
    update(&mut s, Action::Op(OpKind::Deploy));
    assert!(s.ops.dialog.is_some());
}

#[test]
fn read_only_hides_the_action_keys_help_and_commands() {
    let keymap = Keymap::load(None).unwrap();
    let key = |k: &Keymap, c: char| {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        k.action(
            KeyMode::Normal,
            KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT),
        )
    };
    assert_eq!(key(&keymap, 'A'), Some(Action::Op(OpKind::Approve)));
    let ro = keymap.clone().for_session(true);
    assert_eq!(key(&keymap, 'P'), Some(Action::Op(OpKind::Release)));
    for c in ['A', 'R', 'D', 'S', 'T', 'B', 'F', 'I', 'P'] {
        // The key is still read: the read-only guard below the UI refuses its action.
        assert_eq!(key(&ro, c), key(&keymap, c), "{c} in read-only");
    }
    assert!(key(&ro, 'G').is_some(), "the other keys stay");
    let names: Vec<String> = hints(&ro).help.iter().map(|h| h.action.clone()).collect();
    for (word, _, _) in OP_COMMANDS {
        assert!(!names.iter().any(|n| n == word), "{word} in read-only help");
    }
    assert!(names.iter().any(|n| n == "audit"), "the audit view stays");
    let full: Vec<String> = hints(&keymap)
        .help
        .iter()
        .map(|h| h.action.clone())
        .collect();
    assert!(full.iter().any(|n| n == "approve") && full.iter().any(|n| n == "toggle"));

    let mut s = loaded();
    s.session.read_only = true;
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "a");
    let Some(shipdeck::app::Overlay::Command(line)) = &s.overlay else {
        panic!()
    };
    assert_eq!(line.completions, vec!["approvals", "attention", "audit"]);
    let mut s = loaded();
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "a");
    let Some(shipdeck::app::Overlay::Command(line)) = &s.overlay else {
        panic!()
    };
    assert_eq!(
        line.completions,
        vec!["approvals", "attention", "audit", "approve"]
    );
}

#[test]
fn an_extra_word_after_audit_is_refused_like_after_an_action() {
    let mut s = loaded();
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "audit x");
    update(&mut s, Action::Submit);
    assert_eq!(status(&s), ":audit x: unexpected `x`; expected audit");
    assert_ne!(s.view, shipdeck::app::View::Audit);
}

#[test]
fn self_approval_is_refused_on_prd_to_the_status_bar_and_audit() {
    let mut s = loaded();
    s.session.identity = Some("arn:aws:sts::123456789012:assumed-role/Dev/alice".into());
    select(&mut s, "prd");
    let fx = update(&mut s, Action::Op(OpKind::Approve));
    assert!(s.ops.dialog.is_none());
    assert!(
        status(&s).contains("published the release"),
        "{}",
        status(&s)
    );
    assert_eq!(
        audits(&fx),
        vec![(
            "approve".into(),
            "refused".into(),
            Some("self-approval".into())
        )]
    );
    s.ops
        .self_approval
        .insert("prd".into(), shipdeck::ops::SelfApproval::Allow);
    update(&mut s, Action::Op(OpKind::Approve));
    assert!(
        s.ops.dialog.is_some(),
        "allowed by the environment's setting"
    );
}

#[test]
fn expired_and_nothing_to_do_are_refused_with_a_clear_message() {
    let mut s = loaded();
    select(&mut s, "prd");
    s.now = T0 + 8 * Timestamp::DAY;
    let fx = update(&mut s, Action::Op(OpKind::Approve));
    assert!(
        status(&s).contains("expired"),
        "{} {fx:?} {:?}",
        status(&s),
        s.ops.dialog
    );
    assert_eq!(audits(&fx)[0].2.as_deref(), Some("expired"));
    let mut s = loaded();
    select(&mut s, "dev");
    let fx = update(&mut s, Action::Op(OpKind::Stop));
    assert!(status(&s).contains("nothing to stop"), "{}", status(&s));
    assert_eq!(audits(&fx)[0].1, "nothing-to-do");
}

#[test]
fn an_approval_answered_meanwhile_shows_in_the_open_dialog_and_sends_nothing() {
    let mut s = loaded();
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Approve));
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    // A refresh falls due (keys go to the open dialog, polling goes on).
    s.envs[2].refresh.next_poll = T0;
    let fx = update(&mut s, Action::Tick(T0 + Timestamp::SECOND));
    let fetch = fx.into_iter().find_map(|e| match e {
        Effect::FetchEnv {
            env: 2, request, ..
        } => Some(request),
        _ => None,
    });
    let request = fetch
        .or(s.envs[2].refresh.inflight)
        .expect("prd refreshing");
    let answered = snapshot(
        "prd",
        vec![execution("e-32", ExecutionStatus::InProgress, "1.3.0", T0)],
        None,
    );
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 2,
            request,
            result: Ok(Box::new(answered)),
        }),
    );
    let why = s.ops.dialog.as_ref().unwrap().planned.clone().unwrap_err();
    assert!(why.reason.contains("no pending approval"), "{}", why.reason);
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0);
}

/// The plan of the dialog open in `s`.
fn open_plan(s: &State) -> shipdeck::ops::Plan {
    let dialog = s.ops.dialog.as_ref().expect("a dialog is open");
    dialog.planned.clone().expect("planned")
}

/// The request of environment `env`'s refresh among `effects`, else the one in flight.
fn refresh_of(s: &State, effects: &[Effect], env: usize) -> shipdeck::app::RequestId {
    (effects.iter())
        .find_map(|e| match e {
            Effect::FetchEnv {
                env: i, request, ..
            } if *i == env => Some(*request),
            _ => None,
        })
        .or(s.envs[env].refresh.inflight)
        .expect("refreshing")
}

#[test]
fn an_open_approve_dialog_says_when_its_pipeline_state_is_older_than_a_failed_read() {
    let mut s = loaded();
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Approve));
    let fresh = open_plan(&s);
    assert!(
        fresh
            .warnings
            .iter()
            .all(|w| !w.contains("could not be read")),
        "{:?}",
        fresh.warnings
    );
    // The next refresh of prd fails: what the dialog shows is from the read before.
    s.envs[2].refresh.next_poll = T0;
    let fx = update(&mut s, Action::Tick(T0 + Timestamp::SECOND));
    let request = refresh_of(&s, &fx, 2);
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 2,
            request,
            result: Err(shipdeck::cloud::CloudError::Timeout {
                operation: "GetPipelineState".into(),
            }),
        }),
    );
    s.now = T0 + 5 * Timestamp::MINUTE + Timestamp::SECOND;
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    let plan = open_plan(&s);
    assert!(
        plan.warnings[0].starts_with("prd's pipeline could not be read since 5m 00s ago")
            && plan.warnings[0].contains("GetPipelineState timed out")
            && plan.warnings[0].contains("may have changed since"),
        "{:?}",
        plan.warnings
    );
}

/// Types `:line` and submits it; returns every effect.
fn command(s: &mut State, line: &str) -> Vec<Effect> {
    update(s, Action::CommandOpen);
    let mut fx = type_text(s, line);
    fx.extend(update(s, Action::Submit));
    fx
}

/// Where the operator is: the selected environment, the view, the history row.
fn whereabouts(s: &State) -> (String, shipdeck::app::View, usize) {
    let env = s.selected_env().map(|e| e.spec.name.clone());
    (env.unwrap_or_default(), s.view, s.history_row)
}

/// A refused `:ACTION ENV` says why in the status bar and leaves the operator where they were:
/// neither the selection (with its history row) nor the view follows the environment named.
#[test]
fn a_refused_action_command_leaves_the_selection_and_the_view_alone() {
    use shipdeck::app::View;
    // Nothing to do in dev: no approval to answer, no failed stage, nothing running, not frozen.
    for line in [
        "approve dev",
        "reject dev",
        "retry dev",
        "stop dev",
        "unfreeze dev",
        "release dev not-a-version",
    ] {
        let mut s = loaded();
        select(&mut s, "stg");
        update(&mut s, Action::Down);
        let before = whereabouts(&s);
        assert_eq!(before, ("stg".into(), View::Pipeline, 1));
        command(&mut s, line);
        assert!(s.ops.dialog.is_none() && s.ops.picker.is_none(), ":{line}");
        assert_eq!(whereabouts(&s), before, ":{line}: {}", status(&s));
        let word = line.split(' ').next().unwrap_or_default();
        assert!(status(&s).starts_with(word), "{}", status(&s));
    }
    // Every action command, refused on a read-only dev, from the approvals inbox too.
    for view in [View::Pipeline, View::Approvals] {
        for (word, _, _) in OP_COMMANDS {
            let mut s = loaded();
            let dev = s.env_index("dev").unwrap();
            s.envs[dev].spec.read_only = true;
            select(&mut s, "stg");
            update(&mut s, Action::Show(view));
            let before = whereabouts(&s);
            let fx = command(&mut s, &format!("{word} dev"));
            assert!(s.ops.dialog.is_none() && s.ops.picker.is_none(), ":{word}");
            assert_eq!(whereabouts(&s), before, ":{word} dev: {}", status(&s));
            assert!(
                status(&s).contains("dev is read-only in the configuration"),
                ":{word} dev: {}",
                status(&s)
            );
            assert_eq!(audits(&fx).len(), 1, ":{word} dev");
        }
    }
    // In the inbox a refused key leaves the selection too (prd's approval, prd read-only).
    let mut s = loaded();
    s.envs[2].spec.read_only = true;
    update(&mut s, Action::Show(View::Approvals));
    let before = whereabouts(&s);
    update(&mut s, Action::Op(OpKind::Approve));
    assert!(status(&s).contains("prd is read-only"), "{}", status(&s));
    assert_eq!(whereabouts(&s), before);
    // What opens selects its environment, as before: the view under the dialog shows it.
    let mut s = loaded();
    select(&mut s, "stg");
    update(&mut s, Action::Show(View::Approvals));
    command(&mut s, "deploy dev");
    let d = s.ops.dialog.as_ref().expect("the deploy dialog opens");
    assert_eq!(s.envs[d.env].spec.name, "dev");
    assert_eq!(whereabouts(&s), ("dev".into(), View::Pipeline, 0));
}

/// In a read-only session an action key is not hidden from the keyboard: pressed, it is refused
/// the way its `:` command is, by the read-only guard below the UI — the same status-bar message
/// and the same audit entry, nothing sent.
#[test]
fn a_read_only_action_key_is_refused_and_audited_as_its_command_is() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let ro = Keymap::load(None).unwrap().for_session(true);
    let mut pressed = 0;
    for c in ['A', 'R', 'D', 'S', 'T', 'B', 'F', 'O', 'I', 'P'] {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT);
        let Some(action) = ro.action(KeyMode::Normal, key) else {
            continue;
        };
        let Action::Op(kind) = action else {
            continue;
        };
        pressed += 1;
        for env in ["dev", "stg", "prd"] {
            let mut by_key = loaded();
            by_key.session.read_only = true;
            select(&mut by_key, env);
            let fx = update(&mut by_key, action.clone());
            assert_eq!(applies(&fx), 0, "{c} on {env}");
            assert!(by_key.ops.dialog.is_none() && by_key.ops.picker.is_none());
            let keyed = audit_entries(&fx);
            assert_eq!(keyed.len(), 1, "{c} on {env} is audited: {fx:?}");
            assert_eq!(keyed[0].guard.as_deref(), Some("read-only"), "{c} on {env}");

            let mut by_command = loaded();
            by_command.session.read_only = true;
            select(&mut by_command, env);
            update(&mut by_command, Action::CommandOpen);
            type_text(&mut by_command, &format!("{} {env}", kind.name()));
            let fx = update(&mut by_command, Action::Submit);
            assert_eq!(keyed, audit_entries(&fx), "{c} on {env}");
            assert_eq!(status(&by_key), status(&by_command), "{c} on {env}");
        }
    }
    assert_eq!(pressed, 10, "every action key is still read in read-only");
}

/// The Runs view shown in a read-only session, its read answered: one failed deploy run.
fn runs_shown_read_only() -> State {
    use shipdeck::app::View;
    use shipdeck::app::runs::{ListedRun, RunsRead};
    use shipdeck::domain::github::{Conclusion, RunStatus, WorkflowRun};
    let mut s = loaded();
    s.session.read_only = true;
    s.runs.workflows = vec!["deploy.yml".into(), "release.yml".into()];
    s.runs.release_workflow = "release.yml".into();
    let fx = update(&mut s, Action::Show(View::Runs));
    let request = (fx.iter())
        .find_map(|e| match e {
            Effect::FetchRuns { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the runs read");
    let run = WorkflowRun {
        id: 7104353780,
        workflow: "deploy.yml".into(),
        name: "deploy".into(),
        run_number: 929,
        run_attempt: 1,
        status: RunStatus::Completed,
        conclusion: Some(Conclusion::Failure),
        branch: "main".into(),
        head_sha: "6c1f0a2c0ffee".into(),
        actor: "erin".into(),
        event: "push".into(),
        created_at: T0 - 30 * Timestamp::MINUTE,
        updated_at: T0 - 26 * Timestamp::MINUTE,
        run_started_at: Some(T0 - 30 * Timestamp::MINUTE),
        html_url: String::new(),
    };
    let read = RunsRead {
        repository: "acme/storefront".into(),
        workflows: vec![
            (
                "deploy.yml".into(),
                Ok(vec![ListedRun {
                    run,
                    jobs: Some(Ok(Vec::new())),
                }]),
            ),
            ("release.yml".into(), Ok(Vec::new())),
        ],
        writable: Ok(()),
        limited_until: None,
    };
    update(
        &mut s,
        Action::Reply(Reply::RunsLoaded {
            request,
            read: Box::new(read),
        }),
    );
    assert_eq!(s.runs.rows().len(), 1);
    s
}

/// In the Runs view too: a read-only session's action key is refused by the read-only guard and
/// audited. `T` and `S` act on the selected run (re-run, cancel); every other key acts on an
/// environment, and is refused exactly as its `:` command is there — the same status-bar
/// message and the same audit entry, nothing sent, the view left as it was.
#[test]
fn a_read_only_action_key_in_the_runs_view_is_refused_and_audited_as_its_command_is() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use shipdeck::app::View;
    let ro = Keymap::load(None).unwrap().for_session(true);
    for c in ['A', 'R', 'D', 'S', 'T', 'B', 'F', 'O', 'I', 'P'] {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT);
        let Some(action @ Action::Op(kind)) = ro.action(KeyMode::Normal, key) else {
            panic!("{c} is not an action key in read-only");
        };
        for env in ["dev", "stg", "prd"] {
            let mut by_key = runs_shown_read_only();
            select(&mut by_key, env);
            update(&mut by_key, Action::Show(View::Runs));
            let fx = update(&mut by_key, action.clone());
            assert_eq!(applies(&fx), 0, "{c} on {env}");
            assert!(by_key.ops.dialog.is_none() && by_key.ops.picker.is_none());
            assert_eq!(by_key.view, View::Runs, "{c} on {env}");
            let keyed = audit_entries(&fx);
            assert_eq!(
                keyed.len(),
                1,
                "{c} on {env} is audited: {}",
                status(&by_key)
            );
            assert_eq!(keyed[0].guard.as_deref(), Some("read-only"), "{c} on {env}");
            assert_eq!(keyed[0].outcome, "refused", "{c} on {env}");
            if matches!(kind, OpKind::Retry | OpKind::Stop) {
                // The run's own action, on the environment the run ships to.
                let run_kind = if kind == OpKind::Retry {
                    "rerun"
                } else {
                    "cancel"
                };
                assert_eq!(keyed[0].action, run_kind, "{c}");
                assert_eq!(keyed[0].environment, "dev", "a deploy run ships to dev");
                continue;
            }

            let mut by_command = runs_shown_read_only();
            select(&mut by_command, env);
            update(&mut by_command, Action::Show(View::Runs));
            update(&mut by_command, Action::CommandOpen);
            type_text(&mut by_command, kind.name());
            let fx = update(&mut by_command, Action::Submit);
            assert_eq!(keyed, audit_entries(&fx), "{c} on {env}");
            assert_eq!(status(&by_key), status(&by_command), "{c} on {env}");
        }
    }
}

/// The same when prd's reads are paused because its identity's credentials were refused on
/// another read (dev's, in the same account here): prd's own refresh never failed, but what the
/// dialog shows is as old as the pause.
#[test]
fn an_approve_dialog_says_when_its_identity_is_paused_by_a_refusal_elsewhere() {
    let mut s = loaded();
    select(&mut s, "prd");
    let at = T0 + s.poll.idle;
    let fx = update(&mut s, Action::Tick(at));
    let dev = refresh_of(&s, &fx, 0);
    update(
        &mut s,
        Action::Reply(Reply::EnvLoaded {
            env: 0,
            request: dev,
            result: Err(shipdeck::cloud::CloudError::ExpiredCredentials {
                hint: "shipdeck login --profile ops (ExpiredTokenException)".into(),
            }),
        }),
    );
    assert!(s.paused(2), "prd shares dev's identity");
    assert!(
        s.envs[2].refresh.error.is_none(),
        "prd's own read did not fail"
    );
    s.now = at + 2 * Timestamp::MINUTE;
    update(&mut s, Action::Op(OpKind::Approve));
    let plan = open_plan(&s);
    assert!(
        plan.warnings[0].starts_with("prd's pipeline could not be read since 2m 00s ago (")
            && plan.warnings[0].contains("shipdeck login --profile ops"),
        "{:?}",
        plan.warnings
    );
}
