//! Reducer test of the watch after a done call: fast polls of the environment until the change
//! shows, then the report in the status bar.

mod common;

use common::ops::*;
use common::*;
use shipdeck::app::{Action, Effect, update};
use shipdeck::domain::{ExecutionStatus, Timestamp};
use shipdeck::ops::{OpKind, Outcome};

#[test]
fn after_a_done_approval_the_watch_reports_the_execution_moving_on() {
    let mut s = loaded();
    select(&mut s, "prd");
    update(&mut s, Action::Op(OpKind::Approve));
    update(&mut s, Action::DialogNext);
    type_text(&mut s, "prd");
    let fx = update(&mut s, Action::Submit);
    let Some(Effect::ApplyOp { request, .. }) = fx.first() else {
        panic!()
    };
    let fx = update(
        &mut s,
        Action::OpApplied {
            request: *request,
            outcome: Outcome::done("approved", Some("e-32".into())),
            audit_error: None,
        },
    );
    assert!(s.ops.watch.is_some());
    // The refresh still shows it waiting (Deploy still holds e-31): keep watching, poll fast.
    let Some(Effect::FetchEnv {
        env: 2, request, ..
    }) = fx.first().cloned()
    else {
        panic!("prd is refreshed at once: {fx:?}")
    };
    let waiting = snapshot(
        "prd",
        vec![
            execution(
                "e-31",
                ExecutionStatus::Succeeded,
                "1.2.0",
                T0 - Timestamp::DAY,
            ),
            execution("e-32", ExecutionStatus::InProgress, "1.3.0", T0),
        ],
        Some(("e-32", T0)),
    );
    update(
        &mut s,
        Action::EnvLoaded {
            env: 2,
            request,
            result: Ok(Box::new(waiting)),
        },
    );
    assert!(s.ops.watch.is_some());
    assert!(s.envs[2].next_poll <= s.now + shipdeck::app::WATCH_POLL);
    // Then it moved on to Deploy.
    let moved = snapshot(
        "prd",
        vec![execution("e-32", ExecutionStatus::InProgress, "1.3.0", T0)],
        None,
    );
    let later = s.now + 3 * Timestamp::SECOND;
    let fx = update(&mut s, Action::Tick(later));
    let Some(Effect::FetchEnv {
        env: 2, request, ..
    }) = fx
        .iter()
        .find(|e| matches!(e, Effect::FetchEnv { env: 2, .. }))
        .cloned()
    else {
        panic!("a fast poll of prd: {fx:?}")
    };
    update(
        &mut s,
        Action::EnvLoaded {
            env: 2,
            request,
            result: Ok(Box::new(moved)),
        },
    );
    assert!(s.ops.watch.is_none());
    assert!(status(&s).contains("moved on to Deploy"), "{}", status(&s));
}
