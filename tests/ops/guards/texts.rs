//! What plans show, comment rules, expiry at plan time, and the audit lines.

use super::*;

#[test]
fn approval_plans_show_what_would_ship_and_the_whole_token() {
    let plan = approve_with(&held("prd"), OPERATOR).unwrap();
    let text = plan.summary.join("\n");
    for field in [
        "execution:",
        "would ship:",
        "deployed now:",
        "triggered by:",
        "waiting:",
        "time left:",
    ] {
        assert!(text.contains(field), "{field} in {text}");
    }
    let shipdeck::ops::Request::Answer { token, .. } = &plan.request else {
        panic!("an answer")
    };
    // The operator's command must run as printed: the token goes whole into it and into the
    // plan's JSON (the audit log shortens it, see below).
    let words = shlex::split(&plan.aws_command).expect("a shell command");
    let at = words.iter().position(|w| w == "--token").expect("--token");
    assert_eq!(words.get(at + 1), Some(token), "{}", plan.aws_command);
    assert!(plan.aws_command.starts_with(
        "aws codepipeline put-approval-result --pipeline-name storefront-deployer-prd"
    ));
    let json = serde_json::to_string(&plan).unwrap();
    assert!(
        json.contains(token.as_str()),
        "--output json shows the token"
    );
}

#[test]
fn rejections_need_a_comment_and_comments_have_a_limit() {
    let prd = held("prd");
    let why = refused(
        prd.plan(OPERATOR, |c, d| {
            approve::plan(c, d, ApprovalOutcome::Rejected, Some("  "))
        }),
        Guard::Input,
    );
    assert!(why.contains("needs a comment"), "{why}");
    let long = "x".repeat(513);
    let why = refused(
        prd.plan(OPERATOR, |c, d| {
            approve::plan(c, d, ApprovalOutcome::Approved, Some(&long))
        }),
        Guard::Input,
    );
    assert!(why.contains("513 characters"), "{why}");
    let why = refused(
        held("dev").plan(OPERATOR, |c, d| stop::plan(c, d, false, "", None)),
        Guard::Input,
    );
    assert!(why.contains("needs a reason"), "{why}");
}

#[test]
fn missing_inputs_name_their_cli_flag_apart_from_the_reason() {
    let reject = held("prd")
        .plan(OPERATOR, |c, d| {
            approve::plan(c, d, ApprovalOutcome::Rejected, None)
        })
        .unwrap_err();
    let stop = held("dev")
        .plan(OPERATOR, |c, d| stop::plan(c, d, false, " ", None))
        .unwrap_err();
    for (r, flag) in [(reject, "--comment TEXT"), (stop, "--reason TEXT")] {
        assert_eq!(r.flag, Some(flag), "{}", r.reason);
        assert!(
            !r.reason.contains("--"),
            "the console shows the reason without CLI flags: {}",
            r.reason
        );
    }
}

#[test]
fn an_expired_approval_is_refused_at_plan_time() {
    let prd = held("prd");
    let later = prd.now + 8 * Timestamp::DAY;
    let why = refused(
        prd.plan_at(later, OPERATOR, |c, d| {
            approve::plan(c, d, ApprovalOutcome::Approved, None)
        }),
        Guard::Expired,
    );
    assert!(why.contains("expired"), "{why}");
}

#[test]
fn an_approval_expires_at_its_own_timeout_not_at_seven_days() {
    let prd = held("prd");
    let data = PipelineData::new(prd.def.as_ref(), prd.state.as_ref(), &prd.executions);
    let a = data.approvals("prd").remove(0);
    // prd's approval declares 3 days: a minute before, it can be answered; a minute after,
    // it is refused, though CodePipeline's 7-day default is days away.
    let deadline = a.waiting_since + 3 * Timestamp::DAY;
    assert_eq!(a.expires_at(), deadline);
    let before = prd.plan_at(deadline - Timestamp::MINUTE, OPERATOR, |c, d| {
        approve::plan(c, d, ApprovalOutcome::Approved, None)
    });
    let plan = before.unwrap();
    assert!(
        plan.summary
            .iter()
            .any(|l| l.contains("time left:") && l.contains(&deadline.to_string())),
        "{:?}",
        plan.summary
    );
    let why = refused(
        prd.plan_at(deadline + Timestamp::MINUTE, OPERATOR, |c, d| {
            approve::plan(c, d, ApprovalOutcome::Approved, None)
        }),
        Guard::Expired,
    );
    assert!(why.contains(&format!("expired at {deadline}")), "{why}");
}

#[test]
fn audit_lines_round_trip_and_filter_by_time() {
    let dir = std::env::temp_dir().join(format!("shipdeck-audit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("nested").join(audit::FILE_NAME);
    let plan = approve_with(&held("prd"), OPERATOR).unwrap();
    let t1 = Timestamp::parse_rfc3339("2026-11-25T10:00:00Z").unwrap();
    let t2 = t1 + Timestamp::HOUR;
    let done = Entry::applied(
        &plan,
        OPERATOR.identity,
        t1,
        &Outcome::done("approved", None),
    );
    let refusal = approve_with(
        &held("prd"),
        Who {
            read_only: true,
            ..OPERATOR
        },
    )
    .unwrap_err();
    let no = Entry::refused(
        OpKind::Approve,
        "prd",
        serde_json::json!({}),
        None,
        t2,
        &refusal,
    );
    let log = audit::Log {
        mode: audit::Mode::Aws,
        path: Some(path.clone()),
    };
    // Each line is stamped with the wall clock as it is written.
    assert_eq!(audit::append(&log, &done, &|| t1), Ok(path.clone()));
    audit::append(&log, &no, &|| t2).unwrap();
    let (done, no) = (
        done.stamped(audit::Mode::Aws, t1),
        no.stamped(audit::Mode::Aws, t2),
    );
    let all = audit::read(&path, None).unwrap();
    assert_eq!(all, vec![done.clone(), no.clone()]);
    assert_eq!(all[0].time, "2026-11-25T10:00:00.000Z");
    assert_eq!(all[0].mode, Some(audit::Mode::Aws));
    assert_eq!(all[0].simulated_time, None, "only demo entries have one");
    assert_eq!(all[1].outcome, "refused");
    assert_eq!(all[1].guard.as_deref(), Some("read-only"));
    assert_eq!(audit::read(&path, Some(t2)).unwrap(), vec![no]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), 2, "one line per action");
    let shipdeck::ops::Request::Answer { token, .. } = &plan.request else {
        panic!("an answer")
    };
    assert!(
        !text.contains(token.as_str()),
        "no whole token in the audit log"
    );
    std::fs::write(&path, "{not json\n").unwrap();
    let err = audit::read(&path, None).unwrap_err();
    assert!(err.contains(":1: not an audit entry"), "{err}");
    assert_eq!(
        audit::read(&dir.join("missing.jsonl"), None).unwrap(),
        vec![]
    );
    let _ = std::fs::remove_dir_all(&dir);
}
