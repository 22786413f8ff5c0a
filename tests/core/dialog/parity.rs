//! One planner for both front ends: for every action kind, the console's dialog and the CLI's
//! command make the same `Ask`, and the same ask gives the same plan (text, call, `aws`
//! command, idempotency token) and the same audit line.

use super::*;
use clap::Parser;
use shipdeck::app::{Reply, State, dialog_ask};
use shipdeck::cli::Cli;
use shipdeck::cli::act::plan as act_plan;
use shipdeck::domain::{Release, Timestamp, Version};
use shipdeck::ops::plan::audit::Entry;
use shipdeck::ops::plan::release::Package;
use shipdeck::ops::{Context, Reads, ReleaseFrom, What};

fn package(version: &str) -> Package {
    Package {
        key: format!("releases/{version}/release.zip"),
        release: Release {
            version: Version::parse(version).unwrap(),
            commit: "9e8d7c6b5a4f".into(),
            actor: "alice".into(),
        },
        last_modified: T0 - Timestamp::DAY,
        size: 1234,
        described: true,
    }
}

/// The console's side: the dialog of `kind` on `env` with `typed` in its text field.
fn console(s: &mut State, env: &str, kind: OpKind, typed: &str, toggle: bool) {
    select(s, env);
    let fx = update(s, Action::Op(kind));
    for e in fx {
        match e {
            Effect::FetchCandidates {
                env: i, request, ..
            } => {
                let listing = s.envs[i].executions.clone();
                let result = Ok(listing
                    .into_iter()
                    .filter(|x| x.status == shipdeck::domain::ExecutionStatus::Succeeded)
                    .collect());
                update(
                    s,
                    Action::Reply(Reply::CandidatesLoaded {
                        env: i,
                        request,
                        result,
                    }),
                );
            }
            Effect::FetchPackages {
                env: i, request, ..
            } => {
                let result = Ok(shipdeck::ops::plan::release::Catalogue {
                    packages: vec![package("1.5.0"), package("1.4.0")],
                    ..Default::default()
                });
                update(
                    s,
                    Action::Reply(Reply::PackagesLoaded {
                        env: i,
                        request,
                        result,
                    }),
                );
                update(s, Action::Down);
                update(s, Action::Open);
            }
            _ => {}
        }
    }
    if kind != OpKind::Rollback {
        type_text(s, typed);
    }
    if toggle {
        update(s, Action::DialogToggle);
    }
}

#[test]
fn the_console_and_the_cli_plan_every_action_alike() {
    let cases: [(&str, OpKind, &str, bool, &[&str]); 10] = [
        (
            "prd",
            OpKind::Approve,
            "dashboards green",
            false,
            &["approve", "prd", "--comment", "dashboards green"],
        ),
        (
            "prd",
            OpKind::Reject,
            "error rate, checkout",
            false,
            &["reject", "prd", "--comment", "error rate, checkout"],
        ),
        ("dev", OpKind::Deploy, "", false, &["deploy", "dev"]),
        (
            "prd",
            OpKind::Stop,
            "bad build",
            true,
            // From the pipeline history, whose selected row (e-32) runs: the dialog stops it.
            &[
                "stop",
                "prd",
                "--execution",
                "e-32",
                "--abandon",
                "--reason",
                "bad build",
            ],
        ),
        ("stg", OpKind::Retry, "", true, &["retry", "stg", "--all"]),
        (
            "dev",
            OpKind::Release,
            "",
            false,
            &["release", "dev", "--from", "1.4.0"],
        ),
        (
            "dev",
            OpKind::Rollback,
            "",
            false,
            &["rollback", "dev", "--to", "e-11"],
        ),
        (
            "dev",
            OpKind::Freeze,
            "Friday freeze",
            false,
            &["freeze", "dev", "--reason", "Friday freeze"],
        ),
        (
            "stg",
            OpKind::Unfreeze,
            "fixed",
            false,
            &["unfreeze", "stg", "--reason", "fixed"],
        ),
        (
            "dev",
            OpKind::Invalidate,
            "/index.html /assets/*",
            false,
            &["invalidate", "dev", "/index.html", "/assets/*"],
        ),
    ];
    for (env, kind, typed, toggle, argv) in cases {
        let mut s = loaded();
        // stg's deploy stage is frozen, so its freeze key opens the unfreeze dialog.
        let stg = s.env_index("stg").unwrap();
        if let Some(st) = s.envs[stg].state.as_mut() {
            for stage in st.stages.iter_mut().filter(|x| x.name == "Deploy") {
                stage.inbound.enabled = false;
                stage.inbound.disabled_reason = Some("incident".into());
            }
        }
        let console_kind = if kind == OpKind::Unfreeze {
            OpKind::Freeze
        } else {
            kind
        };
        console(&mut s, env, console_kind, typed, toggle);
        let d = s
            .ops
            .dialog
            .clone()
            .unwrap_or_else(|| panic!("{kind:?}: {}", status(&s)));
        assert_eq!(d.kind, kind);
        let from_console = dialog_ask(&s, &d);

        let mut line = vec!["shipdeck", "--demo"];
        line.extend_from_slice(argv);
        let cli = Cli::try_parse_from(&line).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
        let command = cli.command.expect("a command");
        let mut asked = act_plan::ask(&command, d.asked_at).expect("a mutating command");
        // The nonce is each front end's own (the console's request id, the CLI's process id).
        asked.ask.nonce = d.nonce;
        assert_eq!(asked.ask, from_console, "{kind:?}: the same ask");

        let e = &s.envs[d.env];
        let ctx = Context {
            spec: &e.spec,
            identity: s.session.identity.as_deref(),
            now: s.now,
            read_only: false,
            self_approval: Default::default(),
            aws_identity: s.accounts.cli.get(d.env),
        };
        let data = s.pipeline_data(d.env).unwrap();
        let listed = match &d.candidates {
            Some(Ok(list)) => list.clone(),
            _ => Vec::new(),
        };
        let packages = [package("1.5.0"), package("1.4.0")];
        let reads = Reads {
            packages: matches!(asked.ask.what, What::Release(ReleaseFrom::Version(_)))
                .then_some(&packages[..]),
            local: None,
            candidates: Some(&listed),
            workflow: None,
            run: None,
            source_versions: d.versions.as_ref(),
        };
        let cli_plan = shipdeck::ops::plan(&ctx, data, reads, &asked.ask)
            .unwrap_or_else(|r| panic!("{kind:?}: {}", r.reason));
        let console_plan = d.planned.clone().expect("planned");
        assert_eq!(cli_plan, console_plan, "{kind:?}: the same plan");
        let outcome = shipdeck::ops::Outcome::done("ok", None);
        let line = |p| serde_json::to_string(&Entry::applied(p, ctx.identity, T0, &outcome));
        assert_eq!(line(&cli_plan).unwrap(), line(&console_plan).unwrap());
        if matches!(kind, OpKind::Deploy | OpKind::Invalidate) {
            let token = asked.ask.token();
            assert!(
                cli_plan.aws_command.contains(&token),
                "{}",
                cli_plan.aws_command
            );
            assert!(
                token.starts_with("shipdeck-")
                    && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "{token}"
            );
        }
    }
}

#[test]
fn the_console_and_the_cli_plan_an_override_alike() {
    for (console_line, argv) in [
        (None, &["override", "prd"][..]),
        (
            Some("override prd Deploy"),
            &["override", "prd", "--stage", "Deploy"][..],
        ),
    ] {
        let mut s = loaded();
        hold_at_window(&mut s, "prd", "e-2");
        match console_line {
            None => console(&mut s, "prd", OpKind::Override, "", false),
            Some(line) => {
                update(&mut s, Action::CommandOpen);
                type_text(&mut s, line);
                update(&mut s, Action::Submit);
            }
        }
        let d = s
            .ops
            .dialog
            .clone()
            .unwrap_or_else(|| panic!("{}", status(&s)));
        assert_eq!(d.kind, OpKind::Override);
        let from_console = dialog_ask(&s, &d);
        let mut line = vec!["shipdeck", "--demo"];
        line.extend_from_slice(argv);
        let cli = Cli::try_parse_from(&line).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
        let mut asked = act_plan::ask(&cli.command.unwrap(), d.asked_at).unwrap();
        asked.ask.nonce = d.nonce;
        assert_eq!(asked.ask, from_console, "{argv:?}: the same ask");
        let e = &s.envs[d.env];
        let ctx = Context {
            spec: &e.spec,
            identity: s.session.identity.as_deref(),
            now: s.now,
            read_only: false,
            self_approval: Default::default(),
            aws_identity: s.accounts.cli.get(d.env),
        };
        let data = s.pipeline_data(d.env).unwrap();
        let cli_plan = shipdeck::ops::plan(&ctx, data, Reads::default(), &asked.ask)
            .unwrap_or_else(|r| panic!("{argv:?}: {}", r.reason));
        let console_plan = d.planned.clone().expect("planned");
        assert_eq!(cli_plan, console_plan, "{argv:?}: the same plan");
        assert_eq!(asked.ask.token(), from_console.token(), "the same token");
        let outcome = shipdeck::ops::Outcome::done("ok", None);
        let line = |p| serde_json::to_string(&Entry::applied(p, ctx.identity, T0, &outcome));
        assert_eq!(line(&cli_plan).unwrap(), line(&console_plan).unwrap());
        check_command(&cli_plan);
        let recap = cli_plan.summary.join("\n");
        assert!(
            recap.contains("DeploymentWindow `prod-hours`: blocked until 14:00 Europe/Berlin"),
            "{recap}"
        );
    }
}

/// What `apply` sends for a request, as the API names it: written out here independently of the
/// planners, to check their `aws` commands against.
fn sent(request: &shipdeck::ops::Request) -> serde_json::Value {
    use serde_json::json;
    use shipdeck::ops::Request;
    match request {
        Request::Answer {
            pipeline,
            stage,
            action,
            token,
            outcome,
            comment,
            ..
        } => json!({
            "pipelineName": pipeline, "stageName": stage, "actionName": action,
            "result": {"summary": comment, "status": match outcome {
                shipdeck::cloud::ApprovalOutcome::Approved => "Approved",
                shipdeck::cloud::ApprovalOutcome::Rejected => "Rejected",
            }},
            "token": token,
        }),
        Request::Start {
            pipeline,
            client_request_token,
            ..
        } => json!({"name": pipeline, "clientRequestToken": client_request_token}),
        Request::Stop {
            pipeline,
            execution_id,
            abandon,
            reason,
        } => json!({"pipelineName": pipeline, "pipelineExecutionId": execution_id,
                    "abandon": abandon, "reason": reason}),
        Request::Retry {
            pipeline,
            stage,
            execution_id,
            mode,
        } => json!({"pipelineName": pipeline, "stageName": stage,
        "pipelineExecutionId": execution_id, "retryMode": match mode {
            shipdeck::cloud::RetryMode::FailedActions => "FAILED_ACTIONS",
            shipdeck::cloud::RetryMode::AllActions => "ALL_ACTIONS",
        }}),
        Request::Rollback {
            pipeline,
            stage,
            target_execution_id,
        } => json!({"pipelineName": pipeline, "stageName": stage,
                    "targetPipelineExecutionId": target_execution_id}),
        Request::Transition {
            pipeline,
            stage,
            disable_reason,
        } => {
            let mut v = json!({"pipelineName": pipeline, "stageName": stage,
                               "transitionType": "Inbound"});
            if let Some(r) = disable_reason {
                v["reason"] = json!(r);
            }
            v
        }
        Request::Invalidate {
            distribution_id,
            paths,
            caller_reference,
        } => json!({"DistributionId": distribution_id, "InvalidationBatch": {
            "Paths": {"Quantity": paths.len(), "Items": paths},
            "CallerReference": caller_reference}}),
        Request::Promote {
            bucket,
            from_key,
            to_key,
            ..
        } => json!({"Bucket": bucket, "Key": to_key,
                    "CopySource": format!("{bucket}/{from_key}"), "MetadataDirective": "COPY"}),
        Request::Override {
            pipeline,
            stage,
            execution_id,
            kind,
        } => json!({"pipelineName": pipeline, "stageName": stage,
                    "pipelineExecutionId": execution_id,
                    "conditionType": kind.api_type().unwrap()}),
        // Not `aws` calls: their commands are `gh` ones.
        Request::Upload { .. } | Request::Dispatch { .. } | Request::Run { .. } => json!(null),
    }
}

/// Splits the plan's `aws` command as a POSIX shell would and checks each argument against what
/// `apply` sends: every parameter once, nothing else, structures as JSON.
fn check_command(plan: &shipdeck::ops::Plan) {
    let words = shlex::split(&plan.aws_command)
        .unwrap_or_else(|| panic!("not a shell command: {}", plan.aws_command));
    let service = if plan.call.service == "s3" {
        "s3api"
    } else {
        plan.call.service
    };
    assert_eq!(&words[..2], ["aws", service], "{}", plan.aws_command);
    let mut args = std::collections::BTreeMap::new();
    let mut rest = words[3..].iter().peekable();
    while let Some(flag) = rest.next() {
        let name = flag
            .strip_prefix("--")
            .unwrap_or_else(|| panic!("{flag}: not a flag"));
        let value = match rest.peek() {
            Some(w) if !w.starts_with("--") => {
                let w = rest.next().unwrap();
                serde_json::from_str::<serde_json::Value>(w)
                    .ok()
                    .filter(|v| v.is_object() || v.is_array())
                    .unwrap_or_else(|| serde_json::Value::String(w.clone()))
            }
            _ => match name.strip_prefix("no-") {
                Some(_) => serde_json::Value::Bool(false),
                None => serde_json::Value::Bool(true),
            },
        };
        let name = name
            .strip_prefix("no-")
            .filter(|_| value == false)
            .unwrap_or(name);
        assert!(
            args.insert(name.to_string(), value).is_none(),
            "{name} twice"
        );
    }
    let serde_json::Value::Object(want) = sent(&plan.request) else {
        return;
    };
    let want: std::collections::BTreeMap<String, serde_json::Value> = want
        .into_iter()
        .map(|(k, v)| (shipdeck::ops::kebab(&k), v))
        .collect();
    assert_eq!(args, want, "{}", plan.aws_command);
    assert_eq!(words[2], shipdeck::ops::kebab(plan.call.operation));
}

#[test]
fn every_aws_command_runs_as_printed() {
    let cases: [(&str, OpKind, &str, bool); 9] = [
        (
            "prd",
            OpKind::Approve,
            "LGTM, checked: it's $fine \"ok\"",
            false,
        ),
        ("prd", OpKind::Reject, "error rate, checkout", false),
        ("dev", OpKind::Deploy, "", false),
        ("prd", OpKind::Stop, "bad build; see #ops", false),
        ("stg", OpKind::Retry, "", true),
        ("dev", OpKind::Release, "", false),
        ("dev", OpKind::Rollback, "", false),
        ("dev", OpKind::Freeze, "Friday freeze (ops)", false),
        (
            "dev",
            OpKind::Invalidate,
            "/index.html /assets/* /a'b",
            false,
        ),
    ];
    for (env, kind, typed, toggle) in cases {
        let mut s = loaded();
        console(&mut s, env, kind, typed, toggle);
        let plan = s
            .ops
            .dialog
            .as_ref()
            .and_then(|d| d.planned.clone().ok())
            .unwrap_or_else(|| panic!("{kind:?}: {}", status(&s)));
        check_command(&plan);
    }
}
