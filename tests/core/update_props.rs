//! Property tests of `update` over random action sequences: selections stay valid, request ids
//! are never reused, stale answers never land, time never runs backwards, no pending
//! confirmation survives an environment switch, a confirmation sends at most one call, and a
//! read-only session never yields a mutating effect.

use crate::support;

use proptest::prelude::*;
use shipdeck::app::{Action, Effect, Overlay, Phase, Reply, State, View, update};
use shipdeck::cloud::CloudError;
use shipdeck::domain::{ExecutionStatus, Timestamp};
use shipdeck::ops::{OpKind, Outcome};
use std::collections::HashSet;
use support::*;

#[derive(Debug, Clone)]
enum Step {
    Key(Action),
    Tick(i64),
    /// Answer the pending effect at this position (modulo), well or with an error.
    Answer(usize, bool),
    /// Answer with a request id nobody asked for.
    Bogus(usize, u64),
}

fn key() -> impl Strategy<Value = Action> {
    prop_oneof![
        Just(Action::Up),
        Just(Action::Down),
        Just(Action::Top),
        Just(Action::Bottom),
        Just(Action::PageUp),
        Just(Action::PageDown),
        Just(Action::NextEnv),
        Just(Action::PrevEnv),
        Just(Action::Open),
        Just(Action::Back),
        Just(Action::NextView),
        Just(Action::ToggleHelp),
        Just(Action::CommandOpen),
        Just(Action::FilterOpen),
        Just(Action::Complete),
        Just(Action::Submit),
        Just(Action::Backspace),
        Just(Action::Refresh),
        Just(Action::Show(View::Environments)),
        Just(Action::Show(View::Pipeline)),
        Just(Action::Show(View::Approvals)),
        Just(Action::Show(View::Logs)),
        Just(Action::Show(View::Traffic)),
        Just(Action::Show(View::Map)),
        Just(Action::ToggleFollow),
        Just(Action::SearchOpen),
        Just(Action::SearchNext),
        Just(Action::SearchPrev),
        Just(Action::ToggleDetail),
        Just(Action::NextPreset),
        Just(Action::ExportPrompt),
        Just(Action::ChartsStep),
        Just(Action::BuildLog),
        (0usize..12).prop_map(Action::SelectRow),
        prop::sample::select(vec!['p', 'r', 'd', 'e', 'n', 'v', ' ', 'q', 'x', '1'])
            .prop_map(Action::Input),
        Just(Action::Show(View::Audit)),
        Just(Action::DialogNext),
        Just(Action::DialogToggle),
        prop::sample::select(vec![
            OpKind::Approve,
            OpKind::Reject,
            OpKind::Deploy,
            OpKind::Stop,
            OpKind::Retry,
            OpKind::Rollback,
            OpKind::Freeze,
            OpKind::Invalidate,
        ])
        .prop_map(Action::Op),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => key().prop_map(Step::Key),
        2 => (0i64..120_000).prop_map(Step::Tick),
        3 => (0usize..8, any::<bool>()).prop_map(|(i, ok)| Step::Answer(i, ok)),
        1 => (0usize..3, 1u64..10_000).prop_map(|(e, r)| Step::Bogus(e, r)),
    ]
}

fn answer(effect: &Effect, ok: bool, now: Timestamp) -> Option<Action> {
    let err = || CloudError::Timeout {
        operation: "X".into(),
    };
    match effect {
        Effect::FetchEnv { env, request, .. } => {
            let name = ["dev", "stg", "prd"][*env];
            let execs = vec![
                execution("e-2", ExecutionStatus::InProgress, "1.3.0", now),
                execution(
                    "e-1",
                    ExecutionStatus::Succeeded,
                    "1.2.0",
                    now - Timestamp::HOUR,
                ),
            ];
            let waiting = (name == "prd").then_some(("e-2", now));
            let result = if ok {
                Ok(Box::new(snapshot(name, execs, waiting)))
            } else {
                Err(err())
            };
            Some(Action::Reply(Reply::EnvLoaded {
                env: *env,
                request: *request,
                result,
            }))
        }
        Effect::DiscoverLogSources { env, request, .. } => {
            let found = shipdeck::cloud::Discovery {
                legacy: if ok {
                    Ok(Some(shipdeck::domain::LogSource::legacy("logs", "cf/")))
                } else {
                    Err(err())
                },
                deliveries: if ok { Ok(Vec::new()) } else { Err(err()) },
            };
            Some(Action::Reply(Reply::LogSourcesFound {
                env: *env,
                request: *request,
                found: Box::new(found),
            }))
        }
        Effect::FetchReleases { request, .. } => Some(Action::Reply(Reply::ReleasesLoaded {
            request: *request,
            result: if ok { Ok(Vec::new()) } else { Err(err()) },
        })),
        Effect::FetchPackages { env, request, .. } => Some(Action::Reply(Reply::PackagesLoaded {
            env: *env,
            request: *request,
            result: if ok {
                Ok(shipdeck::ops::plan::release::Catalogue::default())
            } else {
                Err("X".into())
            },
        })),
        Effect::CompletePath { request, text } => Some(Action::Reply(Reply::PathCompleted {
            request: *request,
            result: if ok {
                Ok(vec![format!("{text}a-1.0.0.zip"), format!("{text}b/")])
            } else {
                Err("X".into())
            },
        })),
        Effect::ReadPackage { request, path } => Some(Action::Reply(Reply::PackageRead {
            request: *request,
            result: if ok {
                Ok(shipdeck::app::PackageFile {
                    path: path.clone(),
                    size: 10,
                    sha256: "00".repeat(32),
                    commit: "abc".into(),
                })
            } else {
                Err("X".into())
            },
        })),
        Effect::FetchSourceVersions { env, request, .. } => {
            Some(Action::Reply(Reply::SourceVersionsLoaded {
                env: *env,
                request: *request,
                result: if ok { Ok(Vec::new()) } else { Err("X".into()) },
            }))
        }
        Effect::FetchCandidates { env, request, .. } => {
            Some(Action::Reply(Reply::CandidatesLoaded {
                env: *env,
                request: *request,
                result: if ok { Ok(Vec::new()) } else { Err("X".into()) },
            }))
        }
        Effect::FetchLogs {
            env,
            request,
            reads,
            ..
        } => Some(Action::Reply(Reply::LogsLoaded {
            env: *env,
            request: *request,
            results: reads
                .iter()
                .map(|r| {
                    let page = shipdeck::cloud::LogPage::default();
                    (r.group.clone(), if ok { Ok(page) } else { Err(err()) })
                })
                .collect(),
        })),
        Effect::ApplyOp { request, .. } => Some(Action::Reply(Reply::OpApplied {
            request: *request,
            outcome: if ok {
                Outcome::done("done", Some("e-9".into()))
            } else {
                Outcome::failed("throttled")
            },
            audit_error: None,
        })),
        Effect::FetchInvalidation { request, id, .. } => {
            Some(Action::Reply(Reply::InvalidationLoaded {
                request: *request,
                result: if ok {
                    Ok(shipdeck::cloud::Invalidation {
                        id: id.clone(),
                        status: shipdeck::cloud::InvalidationStatus::Completed,
                        created: now,
                        paths: Vec::new(),
                    })
                } else {
                    Err("X".into())
                },
            }))
        }
        Effect::ReadAudit { .. } => Some(Action::Reply(Reply::AuditLoaded(Ok(Vec::new())))),
        Effect::ReadWorkflow {
            request,
            workflow,
            git_ref,
        } => {
            let unread = || shipdeck::ops::plan::release_workflow::Unread {
                message: "X".into(),
                missing: false,
            };
            Some(Action::Reply(Reply::WorkflowRead {
                request: *request,
                read: Box::new(shipdeck::ops::plan::release_workflow::WorkflowRead {
                    repository: "acme/storefront".into(),
                    workflow: workflow.clone(),
                    git_ref: git_ref.clone(),
                    head: Err(unread()),
                    triggers: Err(unread()),
                    writable: Ok(()),
                }),
            }))
        }
        Effect::FetchRuns { request, .. } => Some(Action::Reply(Reply::RunsLoaded {
            request: *request,
            read: Box::new(shipdeck::app::runs::RunsRead {
                repository: "acme/storefront".into(),
                workflows: vec![("deploy.yml".into(), Err("X".into()))],
                writable: Err("no token".into()),
                limited_until: None,
            }),
        })),
        Effect::CompareMain { request, commits } => Some(Action::Reply(Reply::MainLagLoaded {
            request: *request,
            lags: commits
                .iter()
                .map(|c| (c.clone(), if ok { Ok(Some(3)) } else { Err("X".into()) }))
                .collect(),
            limited_until: None,
        })),
        Effect::ReadHealth {
            request, envs, at, ..
        } => Some(Action::Reply(Reply::HealthRead {
            request: *request,
            at: *at,
            readings: Box::default(),
            probes: envs
                .iter()
                .filter_map(|(e, _)| e.site_url.clone())
                .map(|url| shipdeck::domain::ProbeResult {
                    url,
                    outcome: if ok {
                        Ok(shipdeck::domain::Probe {
                            status: 200,
                            ttfb_ms: 40,
                            tls_days_left: Some(30),
                        })
                    } else {
                        Err("X".into())
                    },
                })
                .collect(),
        })),
        Effect::ReadDeployers { request, reads, .. } => {
            Some(Action::Reply(Reply::DeployersLoaded {
                request: *request,
                reads: reads
                    .iter()
                    .map(|(env, projects)| shipdeck::app::DeployerRead {
                        env: *env,
                        projects: projects
                            .iter()
                            .map(|p| {
                                let image = if ok {
                                    Ok(format!("r/{p}:1"))
                                } else {
                                    Err("X".into())
                                };
                                (p.clone(), image)
                            })
                            .collect(),
                        repositories: Vec::new(),
                    })
                    .collect(),
            }))
        }
        Effect::FetchTrace {
            request, workflows, ..
        } => Some(Action::Reply(Reply::TraceLoaded {
            request: *request,
            read: Box::new(shipdeck::ops::plan::trace::GitHubTrace {
                commit: Err(shipdeck::ops::plan::trace::Found::Unknown("X".into())),
                runs: workflows
                    .iter()
                    .map(|w| (w.clone(), Err("X".into())))
                    .collect(),
                actions: Vec::new(),
                builds: Vec::new(),
            }),
        })),
        Effect::FetchRunJobs { request, .. } => Some(Action::Reply(Reply::RunJobsLoaded {
            request: *request,
            result: if ok { Ok(Vec::new()) } else { Err("X".into()) },
        })),
        Effect::FetchJobLog { request, .. } => Some(Action::Reply(Reply::JobLogLoaded {
            request: *request,
            result: if ok {
                Ok(shipdeck::app::JobLogRead {
                    text: String::new(),
                    job: None,
                })
            } else {
                Err(shipdeck::app::JobLogError {
                    message: "X".into(),
                    limited_until: None,
                })
            },
        })),
        Effect::LookGitHub { request, trail, .. } => Some(Action::Reply(Reply::GitHubLooked {
            request: *request,
            trail: trail.clone(),
            result: Err(shipdeck::ops::plan::follow_workflow::Unseen::read("X")),
        })),
        Effect::StreamTraffic { env, request, .. } => Some(Action::Reply(Reply::TrafficRead {
            env: *env,
            request: *request,
            batch: Box::new(shipdeck::app::TrafficBatch {
                listing_error: (!ok).then(|| ("s3://logs/cf/".to_string(), err())),
                ..Default::default()
            }),
        })),
        Effect::FetchTrafficEvents { env, request, .. } => {
            Some(Action::Reply(Reply::TrafficEvents {
                env: *env,
                request: *request,
                result: if ok {
                    Ok((Vec::new(), true))
                } else {
                    Err(err())
                },
            }))
        }
        Effect::ReadTrafficEvents { env, request, .. } => Some(Action::Reply(Reply::TrafficRead {
            env: *env,
            request: *request,
            batch: Box::default(),
        })),
        Effect::FetchActionExecutions {
            env,
            request,
            action,
            ..
        } => Some(Action::Reply(Reply::ActionExecutionsLoaded {
            env: *env,
            request: *request,
            action: action.clone(),
            result: if ok { Ok(Vec::new()) } else { Err(err()) },
        })),
        Effect::FetchDeployRuns { env, request, .. } => {
            Some(Action::Reply(Reply::DeployRunsLoaded {
                env: *env,
                request: *request,
                result: if ok { Ok(Vec::new()) } else { Err(err()) },
            }))
        }
        Effect::ListInvalidations { env, request, .. } => {
            Some(Action::Reply(Reply::InvalidationsLoaded {
                env: *env,
                request: *request,
                result: if ok {
                    Ok(Default::default())
                } else {
                    Err(err())
                },
            }))
        }
        // The execution detail's variables: an answer that fails (unknown, never none).
        Effect::FetchExecution { request, .. } => Some(Action::Reply(Reply::ExecutionLoaded {
            request: *request,
            result: Err(err()),
        })),
        Effect::WriteFile { path, job, .. } => Some(Action::Reply(Reply::FileWritten {
            path: path.clone(),
            records: job.len(),
            result: Ok(()),
        })),
        Effect::RunInsights { request, .. } => Some(Action::Reply(Reply::InsightsEnded {
            request: *request,
            result: if ok {
                Ok((
                    "q-1".into(),
                    shipdeck::cloud::QueryEnd::Stopped {
                        last: None,
                        note: None,
                    },
                ))
            } else {
                Err("MalformedQueryException: at position 1".into())
            },
        })),
        Effect::PlanAthena { request, .. } => Some(Action::Reply(Reply::AthenaPlanned {
            request: *request,
            result: Box::new(Err("AccessDenied: s3:ListBucket".into())),
        })),
        Effect::RunAthena { request, .. } => Some(Action::Reply(Reply::AthenaEnded {
            request: *request,
            result: Box::new(if ok {
                Ok(shipdeck::cloud::athena::AthenaEnd::Stopped {
                    last: None,
                    note: None,
                })
            } else {
                Err("ThrottlingException".into())
            }),
        })),
        Effect::RunLocalQuery { request, query, .. } => {
            Some(Action::Reply(Reply::LocalQueryEnded {
                request: *request,
                result: Box::new(if ok {
                    Ok(shipdeck::app::queries::local::LocalAnswer {
                        rows: vec![Vec::new(); query.groups.len()],
                        ..Default::default()
                    })
                } else {
                    Err("AccessDenied: s3:GetObject".into())
                }),
            }))
        }
        Effect::CreateAthenaTable { request, .. } => {
            Some(Action::Reply(Reply::AthenaTableCreated {
                request: *request,
                result: if ok {
                    Ok(())
                } else {
                    Err("AccessDenied".into())
                },
            }))
        }
        Effect::SignIn { request, .. } => Some(Action::Reply(Reply::SignedIn {
            request: *request,
            result: if ok {
                Ok(vec![("sso-session `corp`".into(), now)])
            } else {
                Err("denied".into())
            },
        })),
        Effect::FetchIdentity { .. }
        | Effect::Quit
        | Effect::SwitchSystem { .. }
        | Effect::DemoFault { .. }
        | Effect::Notify { .. }
        | Effect::Audit { .. }
        | Effect::Cancel { .. } => None,
    }
}

fn request_id(e: &Effect) -> Option<u64> {
    match e {
        Effect::FetchEnv { request, .. }
        | Effect::FetchReleases { request, .. }
        | Effect::FetchLogs { request, .. }
        | Effect::ApplyOp { request, .. }
        | Effect::StreamTraffic { request, .. }
        | Effect::FetchTrafficEvents { request, .. }
        | Effect::ReadTrafficEvents { request, .. }
        | Effect::FetchActionExecutions { request, .. }
        | Effect::FetchDeployRuns { request, .. }
        | Effect::ListInvalidations { request, .. }
        | Effect::FetchExecution { request, .. }
        | Effect::FetchInvalidation { request, .. } => Some(*request),
        _ => None,
    }
}

fn check(s: &State) {
    assert!(s.selected < s.envs.len());
    let rows = s.envs[s.selected].executions.len();
    assert!(
        s.history_row < rows.max(1),
        "history row {} of {rows}",
        s.history_row
    );
    let approvals = s.visible_approvals().len();
    assert!(
        s.approval_row < approvals.max(1),
        "approval row {} of {approvals}",
        s.approval_row
    );
    if let Some(Overlay::Filter(line)) = &s.overlay {
        let applied = if s.view == View::Traffic {
            &s.traffic.filter_text
        } else {
            &s.filter
        };
        assert_eq!(&line.text, applied, "the filter follows what is typed");
    }
    if let Some(row) = s.traffic.selected_row() {
        assert!(row < s.traffic.rows.len());
    }
}

/// A state whose operator is known (so plans on prd pass the self-approval guard).
fn operator_state(read_only: bool) -> State {
    let mut s = state();
    s.session.identity = Some("arn:aws:sts::123456789012:assumed-role/ReleaseManager/dave".into());
    s.session.read_only = read_only;
    s
}

fn is_apply(e: &Effect) -> bool {
    matches!(e, Effect::ApplyOp { .. })
}

mod ops;
