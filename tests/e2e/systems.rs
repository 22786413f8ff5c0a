//! Several systems: `:system NAME` drops the session over one system for a session over the
//! other, so an open dialog never acts on the other system's target and nothing read in one is
//! shown under the other's name.

use crate::support::screen;
use shipdeck::app::{Action, View};
use shipdeck::ops::OpKind;
use shipdeck::runtime::{Backend, Connection, Headless, connect};

fn demo() -> Backend {
    connect(&Connection {
        demo: true,
        seed: 42,
        speed: 1.0,
        ..Connection::default()
    })
    .unwrap()
}

/// The number of `PutApprovalResult` calls `backend`'s simulator served.
fn answers(backend: &Backend) -> u64 {
    let sim = backend.sim.as_ref().unwrap();
    sim.with(|s| {
        s.stats()
            .calls
            .get("PutApprovalResult")
            .copied()
            .unwrap_or(0)
    })
}

#[tokio::test]
async fn a_dialog_open_in_one_system_never_acts_in_the_other() {
    let storefront = demo();
    let mut app = Headless::with_clouds(storefront.state(), storefront.clouds.clone());
    app.start(storefront.now).await;
    assert_eq!(app.state.systems.current.as_deref(), Some("storefront"));
    // prd waits on an approval when the demo starts: the approve dialog opens on it.
    app.dispatch(Action::Show(View::Pipeline));
    while app.state.selected_env().map(|e| e.spec.name.as_str()) != Some("prd") {
        app.dispatch(Action::NextEnv);
    }
    app.dispatch(Action::Op(OpKind::Approve));
    app.settle().await;
    let dialog = app.state.ops.dialog.as_ref().expect("the approve dialog");
    assert!(dialog.pinned.is_some(), "it shows its target");
    let waiting = |b: &Backend| b.sim.as_ref().unwrap().with(|s| s.pending_approvals());
    let storefront_waiting = waiting(&storefront);

    // `:system backoffice`, as the command line runs it; then the session the runtime starts.
    let effects = shipdeck::app::systems::command(&mut app.state, Some("backoffice"));
    assert_eq!(
        effects,
        vec![shipdeck::app::Effect::SwitchSystem {
            name: "backoffice".into()
        }]
    );
    assert!(
        app.state.ops.dialog.is_none(),
        "no dialog outlives its system"
    );
    let backoffice = storefront.switch("backoffice", app.state.now).unwrap();
    let mut next = Headless::with_clouds(backoffice.state(), backoffice.clouds.clone());
    next.state.systems.seen = app.state.systems.seen.clone();
    next.start(backoffice.now).await;
    let backoffice_waiting = waiting(&backoffice);
    assert!(
        !backoffice_waiting.is_empty(),
        "backoffice's live waits on an approval too"
    );
    // The Enters that would have confirmed the dialog: nothing is answered, in either system.
    next.dispatch(Action::Show(View::Pipeline));
    for _ in 0..3 {
        next.dispatch(Action::Submit);
        next.settle().await;
    }
    assert!(next.state.ops.dialog.is_none());
    assert_eq!((answers(&storefront), answers(&backoffice)), (0, 0));
    assert_eq!(waiting(&storefront), storefront_waiting);
    assert_eq!(waiting(&backoffice).len(), backoffice_waiting.len());

    // Only backoffice's facts, under backoffice's name; storefront's line is kept under its own.
    let names: Vec<&str> = next
        .state
        .envs
        .iter()
        .map(|e| e.spec.name.as_str())
        .collect();
    assert_eq!(names, ["uat", "live"]);
    assert!(
        next.state
            .approvals()
            .iter()
            .all(|a| a.pipeline.starts_with("backoffice-")),
        "{:?}",
        next.state.approvals()
    );
    let seen = &next.state.systems.seen["storefront"];
    assert_eq!(seen.approvals, 1, "{seen:?}");
    let text = screen::trimmed(&screen::buffer(&next.state, 120, 30));
    let header = text.lines().next().unwrap();
    assert!(header.contains("system backoffice"), "{header}");
    assert!(!text.contains("storefront"), "{text}");
}

/// In the demo a system shown again is the same world, played on: a freeze made in storefront
/// is still there after a look at backoffice, and its clock only went forward.
#[tokio::test]
async fn a_system_shown_again_is_the_same_world_played_on() {
    use shipdeck::cloud::TransitionChange;
    use shipdeck::domain::Timestamp;
    let storefront = demo();
    let hold = TransitionChange::Disable {
        reason: "incident 42".into(),
    };
    (storefront.cloud.pipelines)
        .set_inbound_transition("storefront-deployer-dev", "Deploy", &hold)
        .await
        .unwrap();
    let later = storefront.now + 5 * Timestamp::MINUTE;
    let backoffice = storefront.switch("backoffice", later).unwrap();
    let again = backoffice
        .switch("storefront", later + Timestamp::MINUTE)
        .unwrap();
    assert_eq!(
        again.now,
        later + Timestamp::MINUTE,
        "played on to when it is shown"
    );
    let state = (again.cloud.pipelines)
        .get_pipeline_state("storefront-deployer-dev")
        .await
        .unwrap();
    let deploy = state.stages.iter().find(|s| s.name == "Deploy").unwrap();
    assert!(!deploy.inbound.enabled, "the freeze stays: {deploy:?}");
    assert_eq!(
        deploy.inbound.disabled_reason.as_deref(),
        Some("incident 42")
    );
}
