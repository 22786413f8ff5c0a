//! The console when a mutating call's reply is lost: the dialog, the status bar and the audit
//! line say plainly what happened — confirmed after a lost reply, or unknown.

use crate::support;

use shipdeck::app::Action;
use shipdeck::cloud::sim::Fault;
use shipdeck::ops::{Delivery, ExitClass, OpKind};
use support::sim::Rig;

#[tokio::test]
async fn an_approval_whose_reply_was_lost_is_shown_and_audited_as_confirmed() {
    let mut rig = Rig::for_ops("lost-approve").await;
    let id = rig.approve_prd_ready();
    rig.sim
        .with(|s| s.force_faults("PutApprovalResult", &[Fault::LostReply]));
    rig.keys(&[Action::Submit, Action::Submit]);
    rig.app.settle().await;
    assert_eq!(rig.count("PutApprovalResult"), 1, "never sent twice");
    let shown = rig.done_outcome().expect("the dialog shows the answer");
    assert_eq!(shown.delivery, Delivery::ConfirmedAfterLostReply);
    assert!(
        shown.message.contains("confirmed after a lost reply"),
        "{}",
        shown.message
    );
    let waiting = rig.sim.with(|s| s.pending_approvals());
    assert!(
        waiting.iter().all(|a| a.execution_id != id),
        "answered once"
    );
    let lines = rig.audit_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].outcome, "done");
    assert!(
        lines[0].message.contains("confirmed after a lost reply"),
        "{}",
        lines[0].message
    );
}

#[tokio::test]
async fn a_stop_that_may_have_reached_aws_is_shown_and_audited_as_unknown() {
    let mut rig = Rig::for_ops("lost-stop").await;
    rig.select("dev");
    rig.app.dispatch(Action::Op(OpKind::Stop));
    rig.typed("bad build");
    rig.sim
        .with(|s| s.force_faults("StopPipelineExecution", &[Fault::Timeout]));
    rig.keys(&[Action::Submit]);
    rig.app.settle().await;
    assert_eq!(rig.count("StopPipelineExecution"), 1, "not sent again");
    let shown = rig.done_outcome().expect("the dialog shows the answer");
    assert_eq!(shown.class, ExitClass::Failed);
    assert_eq!(shown.delivery, Delivery::Unknown);
    assert!(
        rig.status()
            .contains("unknown: may have reached AWS — check before retrying"),
        "{}",
        rig.status()
    );
    let lines = rig.audit_lines();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(
        (lines[0].action.as_str(), lines[0].outcome.as_str()),
        ("stop", "unknown")
    );
    assert!(
        lines[0]
            .message
            .contains("not known whether it reached AWS"),
        "{}",
        lines[0].message
    );
}
