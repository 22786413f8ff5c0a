//! A dialog acts only on the target the operator saw: a refresh that plans another target says
//! what changed, clears the typed confirmation and sends nothing until the operator has read it.

use super::*;
use shipdeck::domain::{ExecutionStatus, Timestamp};

/// A refresh of `env` answered with `snapshot`.
fn refresh_with(s: &mut shipdeck::app::State, snapshot: shipdeck::app::EnvSnapshot) {
    // The dialog takes the keys; polls go on with time.
    let later = s.now + 10 * Timestamp::MINUTE;
    let fx = update(s, Action::Tick(later));
    for e in fx {
        if let Effect::FetchEnv { env, request, .. } = e {
            let result = if s.envs[env].spec.name == "prd" {
                Ok(Box::new(snapshot.clone()))
            } else {
                let name = s.envs[env].spec.name.clone();
                Ok(Box::new(env_snapshot(&name)))
            };
            update(
                s,
                Action::Reply(Reply::EnvLoaded {
                    env,
                    request,
                    result,
                }),
            );
        }
    }
}

/// prd after e-32's approval expired: e-33 (1.4.0) waits at the approval instead.
fn another_approval() -> shipdeck::app::EnvSnapshot {
    let ex = |id: &str, st, v: &str, ago: i64| execution(id, st, v, T0 - ago * Timestamp::HOUR);
    snapshot(
        "prd",
        vec![
            ex("e-33", ExecutionStatus::InProgress, "1.4.0", 0),
            ex("e-32", ExecutionStatus::Failed, "1.3.0", 2),
            ex("e-31", ExecutionStatus::Succeeded, "1.2.0", 30),
        ],
        Some(("e-33", T0)),
    )
}

#[test]
fn an_approval_replaced_under_an_open_dialog_is_never_sent_unseen() {
    let mut s = open("prd", OpKind::Approve);
    type_text(&mut s, "checked 1.3.0 on stg");
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    assert!(s.ops.dialog.as_ref().unwrap().ready());
    refresh_with(&mut s, another_approval());
    let d = s.ops.dialog.clone().unwrap();
    assert_eq!(d.typed, "", "the typed confirmation is cleared");
    assert!(!d.ready());
    let was = d.changed.clone().expect("the change is shown");
    assert!(was.contains("e-32") && was.contains("1.3.0"), "{was}");
    let now = d.pinned.clone().unwrap().text;
    assert!(now.contains("e-33") && now.contains("1.4.0"), "{now}");
    assert!(status(&s).contains("target changed"), "{}", status(&s));
    // Enter acknowledges the new target and sends nothing; the name must be typed again.
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0);
    assert!(s.ops.dialog.as_ref().unwrap().changed.is_none());
    assert_eq!(
        applies(&update(&mut s, Action::Submit)),
        0,
        "name not typed"
    );
    type_text(&mut s, "prd");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::ApplyOp { plan, .. }) = fx.first() else {
        panic!("one ApplyOp: {fx:?}")
    };
    let Request::Answer { execution_id, .. } = &plan.request else {
        panic!("an answer")
    };
    assert_eq!(execution_id, "e-33", "the target the operator read");
}

#[test]
fn a_refresh_with_the_same_target_changes_nothing() {
    let mut s = open("prd", OpKind::Approve);
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    let same = env_snapshot("prd");
    refresh_with(&mut s, same);
    let d = s.ops.dialog.clone().unwrap();
    assert!(d.changed.is_none() && d.ready(), "{:?}", d.changed);
    assert_eq!(applies(&update(&mut s, Action::Submit)), 1);
}

/// The stop dialog opened from the environments list, where no execution is selected: it stops
/// the newest running, whichever that is.
fn open_stop_from_the_list() -> shipdeck::app::State {
    let mut s = loaded();
    select(&mut s, "prd");
    update(&mut s, Action::Show(View::Environments));
    let fx = update(&mut s, Action::Op(OpKind::Stop));
    answer_fetches(&mut s, fx);
    assert!(s.ops.dialog.is_some(), "{}", status(&s));
    s
}

#[test]
fn the_stop_and_reject_dialogs_catch_a_new_target_too() {
    // Stop: the running execution is replaced by another one.
    let mut s = open_stop_from_the_list();
    type_text(&mut s, "bad build");
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    assert!(s.ops.dialog.as_ref().unwrap().ready());
    refresh_with(&mut s, another_approval());
    let d = s.ops.dialog.clone().unwrap();
    assert!(d.changed.is_some() && !d.ready(), "{d:?}");
    // Reject, still without its comment (a draft): the draft's target is pinned too.
    let mut s = open("prd", OpKind::Reject);
    assert!(s.ops.dialog.as_ref().unwrap().planned.is_err());
    refresh_with(&mut s, another_approval());
    let d = s.ops.dialog.clone().unwrap();
    assert!(d.changed.is_some(), "{d:?}");
}

#[test]
fn a_new_target_that_is_gone_too_leaves_no_note_naming_it() {
    let mut s = open_stop_from_the_list();
    type_text(&mut s, "bad build");
    refresh_with(&mut s, another_approval());
    assert!(s.ops.dialog.as_ref().unwrap().changed.is_some());
    // e-33 ends too: nothing runs, so there is nothing to stop and no "it is now e-33".
    let ex = |id: &str, st, v: &str, ago: i64| execution(id, st, v, T0 - ago * Timestamp::HOUR);
    let done = snapshot(
        "prd",
        vec![
            ex("e-33", ExecutionStatus::Succeeded, "1.4.0", 0),
            ex("e-32", ExecutionStatus::Failed, "1.3.0", 2),
        ],
        None,
    );
    refresh_with(&mut s, done);
    let d = s.ops.dialog.clone().unwrap();
    assert!(
        d.planned.is_err() && d.target().is_none(),
        "{:?}",
        d.planned
    );
    assert!(
        d.changed.is_none(),
        "a change to a target that is gone: {:?}",
        d.changed
    );
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0);
    let said = status(&s);
    assert!(!said.contains("now acts on"), "{said}");
    assert!(said.contains("nothing to stop"), "{said}");
}

#[test]
fn reject_stop_freeze_and_invalidate_show_their_target_before_the_fields_are_filled() {
    for (env, kind, shows) in [
        ("prd", OpKind::Reject, "e-32"),
        ("prd", OpKind::Stop, "e-32"),
        ("dev", OpKind::Freeze, "Deploy"),
        ("dev", OpKind::Invalidate, "E2DEVSTOREFRNT"),
    ] {
        let s = open(env, kind);
        let d = s.ops.dialog.clone().expect("open");
        let r = d.planned.clone().expect_err("a field is missing");
        assert_eq!(r.guard, Guard::Input, "{kind:?}: {}", r.reason);
        let draft = r.draft.expect("the recap shows from the start");
        assert!(
            draft.target.text.contains(shows),
            "{kind:?}: {:?}",
            draft.target
        );
        assert!(
            draft.summary.join("\n").contains(shows),
            "{kind:?}: {:?}",
            draft.summary
        );
        assert_eq!(d.pinned, Some(draft.target), "{kind:?}: pinned as shown");
    }
}

#[test]
fn an_execution_already_stopping_opens_the_stop_dialog_to_abandon_it() {
    let mut s = loaded();
    let prd = s.env_index("prd").unwrap();
    s.envs[prd].executions[0].status = ExecutionStatus::Stopping;
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Stop));
    let d = s
        .ops
        .dialog
        .clone()
        .unwrap_or_else(|| panic!("{}", status(&s)));
    assert!(d.toggle, "abandon is what is left to do");
    type_text(&mut s, "stuck deploy");
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::ApplyOp { plan, .. }) = fx.first() else {
        panic!("one ApplyOp: {fx:?} {}", status(&s))
    };
    assert!(matches!(plan.request, Request::Stop { abandon: true, .. }));
    // Without abandon, AWS would refuse a second stop-and-wait: the plan says so.
    update(&mut s, Action::Back);
    let mut again = loaded();
    let prd = again.env_index("prd").unwrap();
    again.envs[prd].executions[0].status = ExecutionStatus::Stopping;
    select(&mut again, "prd");
    update(&mut again, Action::Op(OpKind::Stop));
    update(&mut again, Action::DialogToggle);
    let d = again.ops.dialog.clone().unwrap();
    let r = d.planned.expect_err("a second stop-and-wait");
    assert!(r.reason.contains("already stopping"), "{}", r.reason);
}

#[test]
fn an_override_acts_only_on_the_held_execution_the_operator_saw() {
    let mut s = loaded();
    hold_at_window(&mut s, "prd", "e-2");
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Override));
    let d = s
        .ops
        .dialog
        .clone()
        .unwrap_or_else(|| panic!("{}", status(&s)));
    assert!(d.pinned.as_ref().unwrap().text.contains("e-2"), "{d:?}");
    type_text(&mut s, "prd");
    assert!(s.ops.dialog.as_ref().unwrap().ready());
    // Another execution is held now: changed while open, nothing sent.
    refresh_with(&mut s, held_snapshot("prd", Some("e-3")));
    let d = s.ops.dialog.clone().unwrap();
    assert!(d.changed.is_some() && !d.ready(), "{d:?}");
    assert!(status(&s).contains("target changed"), "{}", status(&s));
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0);
    type_text(&mut s, "prd");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::ApplyOp { plan, .. }) = fx.first() else {
        panic!("one ApplyOp: {fx:?}")
    };
    let Request::Override { execution_id, .. } = &plan.request else {
        panic!("an override")
    };
    assert_eq!(execution_id, "e-3", "the held execution the operator read");

    // The condition no longer in progress: changed while open, and nothing can be sent.
    let mut s = loaded();
    hold_at_window(&mut s, "prd", "e-2");
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Override));
    type_text(&mut s, "prd");
    refresh_with(&mut s, held_snapshot("prd", None));
    let d = s.ops.dialog.clone().unwrap();
    assert!(d.changed.is_some() && !d.ready(), "{d:?}");
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0);
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0, "nothing to do");
}

#[test]
fn an_override_of_an_unknown_stage_is_refused_without_a_dialog() {
    let mut s = loaded();
    hold_at_window(&mut s, "prd", "e-2");
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "override prd Nope");
    let fx = update(&mut s, Action::Submit);
    assert!(s.ops.dialog.is_none(), "no dialog with nothing to fill in");
    assert!(
        status(&s).contains("unknown stage `Nope`"),
        "{}",
        status(&s)
    );
    assert_eq!(applies(&fx), 0);
}

/// prd runs `ids` (newest first, each InProgress; the oldest waits at the approval), after a
/// release that succeeded.
fn running(ids: &[&str]) -> shipdeck::app::EnvSnapshot {
    let mut list: Vec<_> = (ids.iter().enumerate())
        .map(|(i, id)| {
            let at = T0 - (ids.len() - i) as i64 * Timestamp::MINUTE;
            execution(
                id,
                ExecutionStatus::InProgress,
                &format!("1.{}.0", 9 - i),
                at,
            )
        })
        .collect();
    list.push(execution(
        "e-31",
        ExecutionStatus::Succeeded,
        "1.2.0",
        T0 - 30 * Timestamp::HOUR,
    ));
    let oldest = ids.last().copied().unwrap_or_default();
    snapshot("prd", list, Some((oldest, T0 - Timestamp::HOUR)))
}

/// prd's pipeline history shown, with e-33 and e-32 running.
fn two_running() -> shipdeck::app::State {
    let mut s = loaded();
    select(&mut s, "prd");
    refresh_with(&mut s, running(&["e-33", "e-32"]));
    s
}

fn selected_execution(s: &shipdeck::app::State) -> String {
    s.selected_env().unwrap().executions[s.history_row]
        .id
        .clone()
}

#[test]
fn a_stop_acts_on_the_running_execution_selected_in_the_history() {
    let mut s = two_running();
    update(&mut s, Action::SelectRow(1));
    assert_eq!(selected_execution(&s), "e-32");
    // A newer execution pushes the rows down: the selection stays on e-32.
    refresh_with(&mut s, running(&["e-34", "e-33", "e-32"]));
    assert_eq!(
        selected_execution(&s),
        "e-32",
        "the selection follows its execution"
    );
    update(&mut s, Action::Op(OpKind::Stop));
    let d = s
        .ops
        .dialog
        .clone()
        .unwrap_or_else(|| panic!("{}", status(&s)));
    let draft = d.planned.clone().expect_err("no reason yet").draft.unwrap();
    assert!(
        draft.summary[0].contains("Stop execution e-32"),
        "{:?}",
        draft.summary
    );
    // Before the reason is typed, the draft already says which others run on.
    assert!(
        draft
            .warnings
            .join("\n")
            .contains("2 more running in prd, not stopped by this: e-34"),
        "{:?}",
        draft.warnings
    );
    // The others are named as left running.
    type_text(&mut s, "bad build");
    let plan = s.ops.dialog.clone().unwrap().planned.expect("planned");
    let warned = plan.warnings.join("\n");
    assert!(
        warned.contains("2 more running in prd")
            && warned.contains("e-34")
            && warned.contains("e-33"),
        "{warned}"
    );
    // e-32 ends while the dialog is open: the dialog refuses, it does not move to e-34.
    let mut ended = running(&["e-34", "e-33"]);
    ended.executions.insert(
        2,
        execution(
            "e-32",
            ExecutionStatus::Succeeded,
            "1.7.0",
            T0 - Timestamp::HOUR,
        ),
    );
    refresh_with(&mut s, ended);
    let d = s.ops.dialog.clone().unwrap();
    let r = d.planned.clone().expect_err("e-32 does not run any more");
    assert!(
        r.reason.contains("e-32 in prd is Succeeded, not running"),
        "{}",
        r.reason
    );
    assert!(
        d.changed.is_none(),
        "no other target offered: {:?}",
        d.changed
    );
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0);
}

#[test]
fn a_stop_from_a_finished_row_stops_the_newest_and_a_named_one_is_checked() {
    let mut s = two_running();
    update(&mut s, Action::SelectRow(2));
    assert_eq!(selected_execution(&s), "e-31");
    update(&mut s, Action::Op(OpKind::Stop));
    let d = s.ops.dialog.clone().unwrap();
    assert_eq!(d.execution, None, "a finished row chooses nothing");
    let draft = d.planned.clone().expect_err("no reason yet").draft.unwrap();
    assert!(
        draft.summary[0].contains("Stop execution e-33"),
        "{:?}",
        draft.summary
    );
    update(&mut s, Action::Back);
    // `:stop prd e-32` names the older one; a name matching none is refused at once.
    let line = |s: &mut shipdeck::app::State, text: &str| {
        update(s, Action::CommandOpen);
        type_text(s, text);
        update(s, Action::Submit)
    };
    line(&mut s, "stop prd e-32");
    let d = s
        .ops
        .dialog
        .clone()
        .unwrap_or_else(|| panic!("{}", status(&s)));
    assert_eq!(d.execution.as_deref(), Some("e-32"));
    update(&mut s, Action::Back);
    line(&mut s, "stop prd e-99");
    assert!(
        s.ops.dialog.is_none(),
        "no dialog for an execution not listed"
    );
    assert!(
        status(&s).contains("no execution `e-99` in prd's history"),
        "{}",
        status(&s)
    );
    line(&mut s, "stop prd e-31");
    assert!(s.ops.dialog.is_none());
    assert!(
        status(&s).contains("e-31 in prd is Succeeded, not running"),
        "{}",
        status(&s)
    );
}
