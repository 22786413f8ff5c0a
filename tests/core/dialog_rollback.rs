//! Reducer tests of the rollback dialog's candidates: the stage's listing read through an
//! effect and offered as a list (the history standing in while it loads or when it fails).

use crate::support;

use shipdeck::app::{Action, Effect, Reply, State, update};
use shipdeck::domain::{ExecutionStatus, Timestamp};
use shipdeck::ops::OpKind;
use support::ops::*;
use support::*;

/// Opens the rollback dialog on dev; returns the listing request.
fn rollback(s: &mut State) -> (usize, u64, String) {
    select(s, "dev");
    let fx = update(s, Action::Op(OpKind::Rollback));
    assert_eq!(applies(&fx), 0);
    let Some(found) = fx.iter().find_map(|e| match e {
        Effect::FetchCandidates {
            env,
            request,
            stage,
            ..
        } => Some((*env, *request, stage.clone())),
        _ => None,
    }) else {
        panic!("no listing: {fx:?}")
    };
    found
}

#[test]
fn rollback_offers_the_stage_listing_and_plans_the_chosen_one() {
    let mut s = loaded();
    let (env, request, stage) = rollback(&mut s);
    assert_eq!(stage, "Deploy");
    // While the listing loads, the history's succeeded executions stand in.
    let d = s.ops.dialog.clone().unwrap();
    let (older, listed) = shipdeck::app::older_candidates(&s, &d);
    assert!(!listed);
    assert_eq!(
        older.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        ["e-11"]
    );
    let ex = |id: &str, v: &str, h: i64| {
        execution(id, ExecutionStatus::Succeeded, v, T0 - h * Timestamp::HOUR)
    };
    let listing = vec![
        ex("e-12", "1.4.0", 1),
        ex("e-9", "1.2.0", 9),
        ex("e-7", "1.1.0", 20),
    ];
    update(
        &mut s,
        Action::Reply(Reply::CandidatesLoaded {
            env,
            request,
            result: Ok(listing),
        }),
    );
    let target = |s: &State| {
        let plan = s
            .ops
            .dialog
            .as_ref()
            .unwrap()
            .planned
            .clone()
            .expect("planned");
        assert_eq!(plan.call.operation, "RollbackStage");
        plan.call.params["targetPipelineExecutionId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(
        target(&s),
        "e-9",
        "the newest earlier one, from the listing"
    );
    update(&mut s, Action::Down);
    assert_eq!(target(&s), "e-7");
    update(&mut s, Action::Down);
    assert_eq!(target(&s), "e-7", "stays on the last");
    update(&mut s, Action::Up);
    assert_eq!(target(&s), "e-9");
    let mut fx = update(&mut s, Action::Submit);
    fx.extend(update(&mut s, Action::Submit));
    assert_eq!(applies(&fx), 1);
}

#[test]
fn a_failed_listing_falls_back_to_the_history_and_says_so() {
    let mut s = loaded();
    let (env, request, _) = rollback(&mut s);
    update(
        &mut s,
        Action::Reply(Reply::CandidatesLoaded {
            env,
            request,
            result: Err("AccessDenied".into()),
        }),
    );
    assert!(status(&s).contains("history"), "{}", status(&s));
    let d = s.ops.dialog.clone().unwrap();
    assert_eq!(d.text, "e-11");
    assert!(d.planned.is_ok(), "{:?}", d.planned);
}
