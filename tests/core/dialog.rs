//! Reducer tests of the plan/confirm dialog: each action opens its dialog with the right plan,
//! the typed confirmation on prd, the reject comment, exactly one `ApplyOp` whatever the keys,
//! stale answers dropped, the environment switch, Esc, the watch after a done call.

use crate::support;

use shipdeck::app::{Action, Effect, Field, Phase, Reply, View, update};
use shipdeck::ops::{Confirm, Guard, OpKind, Outcome, Request};
use support::ops::*;
use support::*;

fn open(name: &str, kind: OpKind) -> shipdeck::app::State {
    let mut s = loaded();
    select(&mut s, name);
    let fx = update(&mut s, Action::Op(kind));
    // Opening sends nothing; the rollback dialog reads its candidates, the deploy dialog its
    // source object.
    assert!(
        fx.iter()
            .all(|e| matches!(e, Effect::FetchCandidates { .. } | Effect::FetchEnv { .. })),
        "opening sends nothing: {fx:?}"
    );
    answer_fetches(&mut s, fx);
    s
}

#[test]
fn each_action_opens_its_dialog_with_its_plan() {
    let cases = [
        ("prd", OpKind::Approve, "PutApprovalResult", true),
        ("dev", OpKind::Deploy, "StartPipelineExecution", true),
        ("prd", OpKind::Stop, "StopPipelineExecution", false),
        ("stg", OpKind::Retry, "RetryStageExecution", true),
        ("dev", OpKind::Freeze, "DisableStageTransition", false),
        ("dev", OpKind::Rollback, "RollbackStage", false),
        ("dev", OpKind::Invalidate, "CreateInvalidation", false),
        ("prd", OpKind::Reject, "PutApprovalResult", false),
    ];
    for (env, kind, operation, planned_at_once) in cases {
        let mut s = open(env, kind);
        let d = s
            .ops
            .dialog
            .clone()
            .unwrap_or_else(|| panic!("{kind:?}: {}", status(&s)));
        assert_eq!((d.kind, s.envs[d.env].spec.name.as_str()), (kind, env));
        assert_eq!(
            d.planned.is_ok(),
            planned_at_once,
            "{kind:?}: {:?}",
            d.planned
        );
        if !planned_at_once {
            assert_eq!(d.planned.as_ref().unwrap_err().guard, Guard::Input);
            let text = match kind {
                OpKind::Rollback => "e-11",
                OpKind::Invalidate => "/index.html /assets/*",
                _ => "dashboards are red",
            };
            type_text(&mut s, text);
        }
        let plan = s
            .ops
            .dialog
            .as_ref()
            .unwrap()
            .planned
            .clone()
            .expect("planned");
        assert_eq!(plan.call.operation, operation, "{kind:?}");
        assert_eq!(plan.environment, env);
    }
}

#[test]
fn the_approve_dialog_shows_what_would_ship() {
    let s = open("prd", OpKind::Approve);
    let plan = s.ops.dialog.unwrap().planned.unwrap();
    let text = plan.summary.join("\n");
    for want in [
        "prd (PROTECTED)",
        "execution:     e-32",
        "would ship:    1.3.0",
        "deployed now:  1.2.0",
        "triggered by:",
        "waiting:       1h",
        "time left:",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    assert_eq!(plan.confirm, Confirm::TypeName("prd".into()));
    assert!(
        plan.aws_command
            .starts_with("aws codepipeline put-approval-result")
    );
}

#[test]
fn prd_needs_its_name_typed_before_anything_is_sent() {
    let mut s = open("prd", OpKind::Approve);
    assert_eq!(s.ops.dialog.as_ref().unwrap().field, Field::Text);
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0);
    assert!(status(&s).contains("type `prd`"), "{}", status(&s));
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prx");
    assert_eq!(
        applies(&update(&mut s, Action::Submit)),
        0,
        "a wrong name sends nothing"
    );
    update(&mut s, Action::Backspace);
    type_text(&mut s, "d");
    assert!(s.ops.dialog.as_ref().unwrap().ready());
    assert_eq!(applies(&update(&mut s, Action::Submit)), 1);
}

#[test]
fn a_rejection_needs_a_comment_an_approval_does_not() {
    let mut s = open("prd", OpKind::Reject);
    let why = s.ops.dialog.as_ref().unwrap().planned.clone().unwrap_err();
    assert!(why.reason.contains("needs a comment"), "{}", why.reason);
    assert!(
        !why.reason.contains("--"),
        "the dialog has a comment field, so no CLI flag in its text: {}",
        why.reason
    );
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0);
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "error rate up");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::ApplyOp { plan, .. }) = fx.first() else {
        panic!("one ApplyOp: {fx:?}")
    };
    let Request::Answer { comment, .. } = &plan.request else {
        panic!("an answer")
    };
    assert_eq!(comment, "error rate up");
    let mut s = open("prd", OpKind::Approve);
    assert!(s.ops.dialog.as_ref().unwrap().planned.is_ok());
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    assert_eq!(applies(&update(&mut s, Action::Submit)), 1);
}

/// The deploy dialog takes variables as `--var` does: `NAME=VALUE` words, planned and sent with
/// the start; a word that is no NAME=VALUE refuses the plan, naming it.
#[test]
fn the_deploy_dialog_starts_with_the_variables_typed() {
    let mut s = open("dev", OpKind::Deploy);
    // dev's pipeline as a V2 one declaring two variables (the plan reads them as it replans).
    let dev = s.env_index("dev").unwrap();
    let def = s.envs[dev].def.as_mut().unwrap();
    def.pipeline_type = Some(shipdeck::domain::PipelineType::V2);
    def.variables = ["release_version", "commit"]
        .map(|name| shipdeck::domain::VariableDecl {
            name: name.into(),
            default: Some("-".into()),
            description: None,
        })
        .to_vec();
    let d = s.ops.dialog.as_ref().unwrap();
    assert!(d.text_label().is_some_and(|l| l.starts_with("Variables")));
    type_text(&mut s, "release_version=9.9.9 'commit=abc 123'");
    let plan = s.ops.dialog.as_ref().unwrap().planned.clone();
    let plan = plan.unwrap_or_else(|r| panic!("{}", r.reason));
    let Request::Start { variables, .. } = &plan.request else {
        panic!("{:?}", plan.request)
    };
    assert_eq!(
        variables.get("release_version").map(String::as_str),
        Some("9.9.9")
    );
    assert_eq!(variables.get("commit").map(String::as_str), Some("abc 123"));
    assert!(
        plan.aws_command.contains("release_version"),
        "{}",
        plan.aws_command
    );
    let target = plan.target.clone();
    type_text(&mut s, " oops");
    let d = s.ops.dialog.as_ref().unwrap();
    let refused = d.planned.clone().unwrap_err();
    assert_eq!(refused.guard, Guard::Input);
    assert!(
        refused.reason.contains("variable `oops` is not NAME=VALUE"),
        "{}",
        refused.reason
    );
    // The target and the plan stay in sight beside the variable's error.
    assert_eq!(d.target(), Some(&target), "the target shown stays");
    assert_eq!(d.pinned.as_ref(), Some(&target));
    let draft = refused
        .draft
        .as_ref()
        .expect("the plan without the variables");
    assert!(
        draft.summary[0].starts_with("Start a new execution"),
        "{:?}",
        draft.summary
    );
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0, "nothing sent");
    // A variable the pipeline does not declare: the same.
    for _ in 0..5 {
        update(&mut s, Action::Backspace);
    }
    type_text(&mut s, " colour=red");
    let d = s.ops.dialog.as_ref().unwrap();
    let refused = d.planned.clone().unwrap_err();
    assert!(
        refused.reason.contains("colour is not declared"),
        "{}",
        refused.reason
    );
    assert_eq!(d.target(), Some(&target), "the target shown stays");
}

#[test]
fn repeated_enter_ticks_and_redraws_send_exactly_one_call() {
    let mut s = open("dev", OpKind::Deploy);
    let mut all = Vec::new();
    for i in 0..20 {
        all.extend(update(&mut s, Action::Submit));
        all.extend(update(&mut s, Action::Tick(T0 + i * 100)));
        // A resize only redraws: drawing the state at another size changes nothing.
        let before = s.clone();
        let _ = draw_at(&s, 60 + (i as u16 % 3) * 50, 20 + (i as u16 % 2) * 20);
        assert_eq!(s, before);
    }
    assert_eq!(applies(&all), 1, "exactly one ApplyOp");
    let Some(Effect::ApplyOp { request, .. }) =
        all.iter().find(|e| matches!(e, Effect::ApplyOp { .. }))
    else {
        unreachable!()
    };
    let request = *request;
    assert_eq!(
        s.ops.dialog.as_ref().unwrap().phase,
        Phase::Sending(request)
    );
    // A stale or unknown answer is dropped; the real one lands once.
    let answer = |id| {
        Action::Reply(Reply::OpApplied {
            request: id,
            outcome: Outcome::done("started execution e-13", Some("e-13".into())),
            audit_error: None,
        })
    };
    assert!(update(&mut s, answer(request + 1000)).is_empty());
    assert_eq!(
        s.ops.dialog.as_ref().unwrap().phase,
        Phase::Sending(request)
    );
    let fx = update(&mut s, answer(request));
    assert!(matches!(
        s.ops.dialog.as_ref().unwrap().phase,
        Phase::Done(_)
    ));
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::FetchEnv { env: 0, .. })),
        "the environment is refreshed at once: {fx:?}"
    );
    assert!(status(&s).contains("watching"), "{}", status(&s));
    assert!(
        update(&mut s, answer(request)).is_empty(),
        "a duplicate answer is dropped"
    );
    assert_eq!(applies(&update(&mut s, Action::Submit)), 0, "enter closes");
    assert!(s.ops.dialog.is_none());
}

fn draw_at(s: &shipdeck::app::State, w: u16, h: u16) -> String {
    format!("{:?}", support::screen::buffer(s, w, h).area)
}

mod closing;

mod parity;

mod retarget;

mod editing;
