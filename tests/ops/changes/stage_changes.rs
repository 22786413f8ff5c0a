//! Rollback, freeze and unfreeze, invalidations, and read-only refusing them.

use super::*;

#[tokio::test]
async fn rollback_to_an_earlier_success_of_the_deploy_stage() {
    let w = world();
    let prd = w.held("prd");
    let stage = rollback::default_stage(prd.def.as_ref().unwrap())
        .unwrap()
        .to_string();
    assert_eq!(stage, "Deploy");
    let candidates = w
        .sim
        .list_succeeded_in_stage(&prd.spec.pipeline, &stage, 20)
        .await
        .unwrap();
    assert!(candidates.len() >= 2);
    let listed = prd
        .planned(|c, d| rollback::plan(c, d, &stage, Some(&candidates), None))
        .unwrap_err();
    let older = candidates.len() - 1;
    assert!(
        listed.reason.contains(&format!("{older} candidate")),
        "{}",
        listed.reason
    );
    let draft = listed
        .draft
        .expect("the stage is known before the target is chosen");
    assert!(
        draft.summary.join("\n").contains(&candidates[0].id),
        "{draft:?}"
    );
    let current = prd
        .planned(|c, d| rollback::plan(c, d, &stage, Some(&candidates), Some(&candidates[0].id)))
        .unwrap_err();
    assert_eq!(current.class, ExitClass::NothingToDo);
    let target = candidates[1].id.clone();
    let plan = prd
        .planned(|c, d| rollback::plan(c, d, &stage, Some(&candidates), Some(&target)))
        .unwrap();
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.sent("RollbackStage"), 1);
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
    let newest = w.held("prd").executions[0].clone();
    assert_eq!(
        newest.execution_type,
        shipdeck::domain::ExecutionType::Rollback
    );
    assert_eq!(newest.release(), candidates[1].release());
}

#[tokio::test]
async fn freeze_shows_while_frozen_and_unfreeze_lifts_it() {
    let w = world();
    let prd = w.held("prd");
    let bad = prd
        .planned(|c, d| freeze::plan(c, d, OpKind::Freeze, None, "don't ship, it's Friday"))
        .unwrap_err();
    assert!(bad.reason.contains("found '\\''"), "{}", bad.reason);
    let plan = prd
        .planned(|c, d| freeze::plan(c, d, OpKind::Freeze, None, "Friday evening freeze"))
        .unwrap();
    assert!(
        plan.aws_command.contains("disable-stage-transition"),
        "{}",
        plan.aws_command
    );
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert!(w.verify(&plan, &outcome).await.ok);
    let frozen = w.held("prd");
    let lines = freeze::frozen_lines(frozen.state.as_ref());
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with("FROZEN: Deploy — Friday evening freeze by demo-operator"),
        "{}",
        lines[0]
    );
    let again = frozen
        .planned(|c, d| freeze::plan(c, d, OpKind::Freeze, None, "again"))
        .unwrap_err();
    assert_eq!(again.class, ExitClass::NothingToDo);
    let plan = frozen
        .planned(|c, d| freeze::plan(c, d, OpKind::Unfreeze, None, ""))
        .unwrap();
    assert!(
        plan.summary.iter().any(|l| l.starts_with("FROZEN:")),
        "{:?}",
        plan.summary
    );
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert!(w.verify(&plan, &outcome).await.ok);
    assert!(freeze::frozen_lines(w.held("prd").state.as_ref()).is_empty());
    assert_eq!(
        w.sent("DisableStageTransition") + w.sent("EnableStageTransition"),
        2
    );
}

#[tokio::test]
async fn invalidations_are_followed_to_completion_and_idempotent() {
    let w = world();
    let prd = w.held("prd");
    let paths = vec!["/index.html".to_string(), "/assets/*".to_string()];
    let plan = prd
        .planned(|c, _| invalidate::plan(c, &paths, "ref-1"))
        .unwrap();
    let first = w.apply(&plan).await;
    assert_eq!(first.class, ExitClass::Done, "{}", first.message);
    let second = w.apply(&plan).await;
    assert_eq!(
        first.reference, second.reference,
        "same caller reference, same invalidation"
    );
    let v = w.verify(&plan, &first).await;
    assert!(v.ok && v.message.ends_with("Completed"), "{}", v.message);
    for (bad, says) in [
        ("index.html", "must start with `/`"),
        ("/a*/b", "only allowed at the end"),
        ("/a b", "no spaces"),
    ] {
        let r = prd
            .planned(|c, _| invalidate::plan(c, &[bad.to_string()], "r"))
            .unwrap_err();
        assert!(r.reason.contains(says), "{bad}: {}", r.reason);
    }
    let none = prd
        .planned(|c, _| invalidate::plan(c, &[], "r"))
        .unwrap_err();
    assert_eq!(none.guard, Guard::Input);
}

#[tokio::test]
async fn read_only_refuses_the_new_actions_too() {
    let w = world();
    let mut prd = w.held("prd");
    prd.spec.read_only = true;
    let paths = vec!["/index.html".to_string()];
    let refusals = [
        prd.planned(|c, _| invalidate::plan(c, &paths, "r"))
            .unwrap_err(),
        prd.planned(|c, d| freeze::plan(c, d, OpKind::Freeze, None, "x"))
            .unwrap_err(),
        prd.planned(|c, d| rollback::plan(c, d, "Deploy", Some(&[]), Some("x")))
            .unwrap_err(),
        prd.planned(|c, d| release::plan_promote(c, d, &[], "1.0.0", COPY, "tok-release"))
            .unwrap_err(),
    ];
    for r in refusals {
        assert_eq!(r.guard, Guard::ReadOnly, "{}", r.reason);
    }
}
