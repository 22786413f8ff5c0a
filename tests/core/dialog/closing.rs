//! Closing dialogs, toggles, the inbox, commands, and answers landing under a dialog.

use super::*;

#[test]
fn switching_environment_closes_the_dialog_and_audits_declined() {
    let mut s = open("dev", OpKind::Deploy);
    let fx = update(&mut s, Action::NextEnv);
    assert!(s.ops.dialog.is_none());
    assert_eq!(s.selected_env().unwrap().spec.name, "stg");
    assert_eq!(
        audits(&fx),
        vec![(
            "deploy".into(),
            "declined".into(),
            Some("confirmation".into())
        )]
    );
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0);
}

#[test]
fn esc_closes_without_sending_and_audits_declined() {
    let mut s = open("prd", OpKind::Reject);
    let fx = update(&mut s, Action::Back);
    assert!(s.ops.dialog.is_none());
    assert_eq!(applies(&fx), 0);
    assert_eq!(
        audits(&fx),
        vec![("reject".into(), "declined".into(), Some("input".into()))]
    );
    assert!(status(&s).contains("declined"), "{}", status(&s));
}

#[test]
fn stop_and_retry_toggles_change_the_plan() {
    let mut s = open("prd", OpKind::Stop);
    type_text(&mut s, "bad release");
    update(&mut s, Action::DialogToggle);
    let plan = s.ops.dialog.as_ref().unwrap().planned.clone().unwrap();
    assert!(matches!(plan.request, Request::Stop { abandon: true, .. }));
    let mut s = open("stg", OpKind::Retry);
    update(&mut s, Action::DialogToggle);
    let plan = s.ops.dialog.as_ref().unwrap().planned.clone().unwrap();
    assert_eq!(
        plan.call.params.get("retryMode").and_then(|v| v.as_str()),
        Some("ALL_ACTIONS")
    );
}

#[test]
fn the_approvals_inbox_acts_on_the_selected_approval() {
    let mut s = loaded();
    update(&mut s, Action::Show(View::Approvals));
    update(&mut s, Action::Op(OpKind::Approve));
    let d = s.ops.dialog.as_ref().expect("dialog");
    assert_eq!(s.envs[d.env].spec.name, "prd");
}

#[test]
fn commands_open_dialogs_and_explain_mistakes() {
    let mut s = loaded();
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "deploy stg");
    update(&mut s, Action::Submit);
    let d = s.ops.dialog.as_ref().expect("dialog");
    assert_eq!(
        (d.kind, s.envs[d.env].spec.name.as_str()),
        (OpKind::Deploy, "stg")
    );
    let mut s = loaded();
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "deploy qa");
    update(&mut s, Action::Submit);
    assert!(s.ops.dialog.is_none());
    assert!(
        status(&s).contains("unknown environment `qa`"),
        "{}",
        status(&s)
    );
}

#[test]
fn answers_of_the_log_views_still_land_while_a_dialog_is_open() {
    let mut s = loaded();
    select(&mut s, "dev");
    let fx = update(&mut s, Action::Show(View::Traffic));
    let Some(Effect::StreamTraffic { env, request, .. }) = fx
        .iter()
        .find(|e| matches!(e, Effect::StreamTraffic { .. }))
        .cloned()
    else {
        panic!("the traffic view lists the logs bucket: {fx:?}")
    };
    update(&mut s, Action::Op(OpKind::Deploy));
    assert!(s.ops.dialog.is_some(), "{}", status(&s));
    assert_eq!(s.traffic.load.inflight, Some(request));
    update(
        &mut s,
        Action::Reply(Reply::TrafficRead {
            env,
            request,
            batch: Box::default(),
        }),
    );
    assert_eq!(
        s.traffic.load.inflight, None,
        "the read's answer was taken, so the tail polls again"
    );
    assert!(s.ops.dialog.is_some(), "the dialog stays open");
}

/// `loaded()` with dev frozen at Deploy.
fn dev_frozen() -> shipdeck::app::State {
    let mut s = loaded();
    let dev = s.env_index("dev").unwrap();
    let state = s.envs[dev].state.as_mut().unwrap();
    for stage in state.stages.iter_mut().filter(|x| x.name == "Deploy") {
        stage.inbound.enabled = false;
        stage.inbound.disabled_reason = Some("incident 42 hold".into());
    }
    s
}

/// Typing `:freeze` never opens the opposite action: on a frozen environment it is refused
/// (nothing to do, audited), naming the freeze and what lifts it, as `:unfreeze` of an
/// environment that is not frozen is. The `F` key still toggles (its footer says `F unfreeze`).
#[test]
fn the_freeze_command_on_a_frozen_environment_is_refused_and_the_key_toggles() {
    let mut s = dev_frozen();
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "freeze dev");
    let fx = update(&mut s, Action::Submit);
    assert_eq!(
        s.ops.dialog.as_ref().map(|d| d.kind),
        None,
        "{}",
        status(&s)
    );
    for want in [
        "freeze dev: dev is already frozen at Deploy",
        "incident 42 hold",
        "`unfreeze dev` lets executions in again",
    ] {
        assert!(status(&s).contains(want), "{want}: {}", status(&s));
    }
    assert_eq!(
        audits(&fx),
        vec![(
            "freeze".into(),
            "nothing-to-do".into(),
            Some("nothing-to-do".into())
        )]
    );
    // The command line's help says what it does.
    let help = shipdeck::app::describe("freeze").unwrap_or_default();
    assert!(!help.contains("unfreeze"), "{help}");

    let mut s = dev_frozen();
    select(&mut s, "dev");
    update(&mut s, Action::Op(OpKind::Freeze));
    assert_eq!(
        s.ops.dialog.as_ref().map(|d| d.kind),
        Some(OpKind::Unfreeze),
        "{}",
        status(&s)
    );
}

/// What Enter said keeps a dialog from sending goes once the operator edits the field (the plan
/// shows what is still missing) and with the dialog; a dialog never opens under what the status
/// bar said of an earlier action.
#[test]
fn what_enter_said_goes_when_the_field_is_edited_and_with_the_dialog() {
    let mut s = open("dev", OpKind::Freeze);
    type_text(&mut s, "hold: incident");
    update(&mut s, Action::Submit);
    assert!(
        status(&s).contains("accepts only letters"),
        "{}",
        status(&s)
    );
    update(&mut s, Action::Backspace);
    assert_eq!(s.status, None, "edited: the stale refusal goes");
    update(&mut s, Action::Submit);
    assert!(!status(&s).is_empty(), "Enter says it again");
    update(&mut s, Action::Back);
    assert!(
        !status(&s).contains("accepts only letters"),
        "closed: {}",
        status(&s)
    );

    // An earlier action's refusal does not stand over the next dialog.
    let mut s = loaded();
    select(&mut s, "dev");
    update(&mut s, Action::Op(OpKind::Retry));
    assert!(!status(&s).is_empty(), "retry refused in the status bar");
    update(&mut s, Action::Op(OpKind::Freeze));
    assert!(s.ops.dialog.is_some());
    assert_eq!(s.status, None, "{}", status(&s));
}
