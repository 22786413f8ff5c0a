//! Environments in several accounts: the demo's prd assumes a role in its own account, and a
//! refused identity leaves the environments of the others loaded.

use shipdeck::cloud::CloudError;
use shipdeck::runtime::{Connection, Headless, connect, load_failures};

fn demo() -> shipdeck::runtime::Backend {
    connect(&Connection {
        demo: true,
        seed: 7,
        speed: 1.0,
        ..Connection::default()
    })
    .unwrap()
}

/// Each environment reads and shows its own identity: dev and stg the demo operator's account,
/// prd the role session in 222222222222.
#[tokio::test]
async fn each_environment_is_read_as_its_own_identity() {
    let backend = demo();
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    let s = &app.state;
    assert!(!s.accounts.shared());
    let account = |env: usize| s.accounts.who(env).map(|w| w.account.as_str());
    assert_eq!(account(0), Some("123456789012"));
    assert_eq!(account(1), Some("123456789012"));
    assert_eq!(account(2), Some("222222222222"));
    assert_eq!(
        s.identity_of(2),
        Some("arn:aws:sts::222222222222:assumed-role/shipdeck-operator/demo-operator")
    );
    assert!(
        s.envs.iter().all(|e| e.def.is_some()),
        "every environment loaded"
    );
    let report = shipdeck::cli::state::report::status(s);
    assert_eq!(
        report.environments[2].account.as_deref(),
        Some("222222222222")
    );
    assert!(report.errors.iter().all(|e| e.unknown != "account"));
}

/// A command shows what it read: prd failing leaves dev and stg to show (prd's parts unknown);
/// only when no environment was read has it nothing to show, and says what failed.
#[tokio::test]
async fn a_command_has_nothing_to_show_only_when_no_environment_was_read() {
    let backend = demo();
    let sim = backend.sim.clone().unwrap();
    let refuse = |account: &str| CloudError::RoleNotAssumed {
        role: format!("arn:aws:iam::{account}:role/shipdeck-operator"),
        caller: "arn:aws:sts::123456789012:assumed-role/Operator/demo-operator".into(),
        reason: "AccessDenied".into(),
    };
    sim.with(|s| s.refuse_account("222222222222", refuse("222222222222")));
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    assert!(load_failures(&app.state).is_err(), "prd failed");
    assert_eq!(shipdeck::cli::nothing_to_show(&app.state), Ok(()));
    let report = shipdeck::cli::state::report::status(&app.state);
    assert!(report.errors.iter().any(|e| e.environment == "prd"));
    assert!(
        report.errors.iter().all(|e| e.environment == "prd"),
        "{:?}",
        report.errors
    );

    let backend = demo();
    let sim = backend.sim.clone().unwrap();
    sim.with(|s| {
        s.refuse_account("222222222222", refuse("222222222222"));
        s.refuse_account("123456789012", refuse("123456789012"));
    });
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    let why = shipdeck::cli::nothing_to_show(&app.state).unwrap_err();
    assert!(why.contains("prd") && why.contains("dev"), "{why}");
}

/// The role of prd cannot be assumed: prd's row says why (naming the role and the caller) and
/// is unknown, not empty; dev and stg load as before and prd's pause does not hold them.
#[tokio::test]
async fn a_refused_identity_fails_its_environment_only() {
    let backend = demo();
    let sim = backend.sim.clone().unwrap();
    let refusal = CloudError::RoleNotAssumed {
        role: "arn:aws:iam::222222222222:role/shipdeck-operator".into(),
        caller: "arn:aws:sts::123456789012:assumed-role/Operator/demo-operator".into(),
        reason: "AccessDenied: not authorized to perform sts:AssumeRole".into(),
    };
    sim.with(|s| s.refuse_account("222222222222", refusal.clone()));
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    let s = &app.state;
    assert!(s.envs[0].def.is_some() && s.envs[1].def.is_some());
    let prd = &s.envs[2];
    assert!(prd.def.is_none());
    let error = &prd.refresh.error.as_ref().expect("prd's load error").error;
    assert_eq!(*error, refusal.to_string());
    assert!(error.contains("cannot assume role arn:aws:iam::222222222222:role/shipdeck-operator"));
    assert!(error.contains("as arn:aws:sts::123456789012:assumed-role/Operator/demo-operator"));
    assert_eq!(s.accounts.unknown(2), Some(error.as_str()));
    assert_eq!(load_failures(s), Err(format!("prd: {refusal}")));
    // The status report: prd's account is null with its reason, the others' are known.
    let report = shipdeck::cli::state::report::status(s);
    assert_eq!(
        report.environments[0].account.as_deref(),
        Some("123456789012")
    );
    assert_eq!(report.environments[2].account, None);
    assert!(
        report
            .errors
            .iter()
            .any(|e| e.environment == "prd" && e.unknown == "account")
    );
    // Later polls: dev and stg go on being read while prd keeps failing and backs off alone.
    for _ in 0..10 {
        let next = sim.with(|s| {
            s.advance(shipdeck::domain::Timestamp::MINUTE);
            s.now()
        });
        app.tick(next).await;
        assert!(
            !app.state.paused(0) && !app.state.paused(1),
            "no pause for the other accounts: {:?}",
            app.state.credentials
        );
        assert_eq!(
            app.state.envs[0].refreshed_at,
            Some(next),
            "dev read at {next:?}"
        );
        assert!(app.state.envs[2].def.is_none());
    }
    sim.with(|s| s.restore_account("222222222222"));
    let later = sim.with(|s| {
        s.advance(10 * shipdeck::domain::Timestamp::MINUTE);
        s.now()
    });
    app.tick(later).await;
    assert!(
        app.state.envs[2].def.is_some(),
        "prd read once its role works again"
    );
    assert!(
        app.state.envs[0]
            .refreshed_at
            .is_some_and(|t| t > backend.now)
    );
}

/// prd's role cannot be assumed (any more): the refusal the simulator answers for its account.
fn refusal() -> CloudError {
    CloudError::RoleNotAssumed {
        role: "arn:aws:iam::222222222222:role/shipdeck-operator".into(),
        caller: "arn:aws:sts::123456789012:assumed-role/Operator/demo-operator".into(),
        reason: "AccessDenied: not authorized to perform sts:AssumeRole".into(),
    }
}

/// The demo loaded and its deployer read, then prd's account refusing: the app, and what a
/// health read and a trace ask for (dev's and prd's newest executions).
struct Refused {
    backend: shipdeck::runtime::Backend,
    app: Headless,
    health: Vec<(shipdeck::domain::EnvSpec, shipdeck::domain::HealthSpec)>,
    executions: Vec<(String, String)>,
}

async fn refused_after_loading() -> Refused {
    use shipdeck::domain::{DeployerCheck, Timestamp};
    let backend = demo();
    let sim = backend.sim.clone().unwrap();
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    let at = sim.with(|s| {
        s.advance(Timestamp::MINUTE);
        s.now()
    });
    app.tick(at).await;
    assert!(
        matches!(
            app.state.deployer(2),
            Some(DeployerCheck::Current { .. } | DeployerCheck::Stale { .. })
        ),
        "prd's deployer read before the refusal: {:?}",
        app.state.deployer(2)
    );
    let executions = [0, 2]
        .iter()
        .map(|&i| {
            let e = &app.state.envs[i];
            (e.spec.pipeline.clone(), e.executions[0].id.clone())
        })
        .collect();
    let health = (app.state.envs.iter())
        .map(|e| {
            let h = backend.config.health(&e.spec.name);
            (e.spec.clone(), h.with_distribution(e.distribution.as_ref()))
        })
        .collect();
    sim.with(|s| s.refuse_account("222222222222", refusal()));
    Refused {
        backend,
        app,
        health,
        executions,
    }
}

/// The health map's metrics are read per identity: with prd's account refused, prd's signals
/// are unknown with the refusal and dev's are read (through the default identity, prd's would
/// have been read as if nothing were wrong).
#[tokio::test]
async fn the_health_map_reads_prds_signals_as_prd() {
    use shipdeck::app::health::signals::{Reading, Signal};
    use shipdeck::app::{Action, Effect, Reply};
    let r = refused_after_loading().await;
    let read = Effect::ReadHealth {
        request: 1,
        envs: r.health,
        at: r.app.state.now,
        paused: Vec::new(),
    };
    let answer = shipdeck::runtime::routing::run_routed(&r.backend.clouds, read, None).await;
    let Some(Action::Reply(Reply::HealthRead { readings, .. })) = answer else {
        panic!("no health answer");
    };
    assert_eq!(
        readings.get(2, Signal::CdnRequests),
        Reading::Failed(refusal().to_string())
    );
    assert!(
        !matches!(readings.get(0, Signal::CdnRequests), Reading::Failed(_)),
        "dev's signals are read: {:?}",
        readings.get(0, Signal::CdnRequests)
    );
}

/// A trace reads each execution's action runs and builds through its pipeline's identity: prd's
/// are unknown with the refusal, dev's and dev's builds are read.
#[tokio::test]
async fn a_trace_reads_prds_action_runs_as_prd() {
    use shipdeck::app::{Action, Effect, Reply};
    let r = refused_after_loading().await;
    let read = Effect::FetchTrace {
        request: 2,
        sha: "0000000".into(),
        workflows: Vec::new(),
        executions: r.executions.clone(),
    };
    let answer = shipdeck::runtime::routing::run_routed(&r.backend.clouds, read, None).await;
    let Some(Action::Reply(Reply::TraceLoaded { read, .. })) = answer else {
        panic!("no trace answer");
    };
    assert!(read.actions[0].result.is_ok(), "{:?}", read.actions[0]);
    assert_eq!(read.actions[1].pipeline, r.executions[1].0);
    assert_eq!(read.actions[1].result, Err(refusal().to_string()));
    assert!(
        !read.builds.is_empty() && read.builds.iter().all(|(_, answer)| answer.is_ok()),
        "dev's builds are read: {:?}",
        read.builds
    );
}

/// The deployer check, due again after prd's account refuses: prd's is unknown with the refusal
/// (its project read as prd), dev's stands.
#[tokio::test]
async fn the_deployer_check_reads_prds_project_as_prd() {
    use shipdeck::domain::{DeployerCheck, Timestamp};
    let mut r = refused_after_loading().await;
    let sim = r.backend.sim.clone().unwrap();
    let later = sim.with(|s| {
        s.advance(shipdeck::app::DEPLOYER_EVERY + Timestamp::MINUTE);
        s.now()
    });
    r.app.tick(later).await;
    assert_eq!(
        r.app.state.deployer(2),
        Some(DeployerCheck::Unknown(format!("CodeBuild: {}", refusal())))
    );
    assert!(
        matches!(
            r.app.state.deployer(0),
            Some(DeployerCheck::Current { .. } | DeployerCheck::Stale { .. })
        ),
        "dev's deployer is still known: {:?}",
        r.app.state.deployer(0)
    );
}

/// The Map shown while prd's identity is paused: no call reaches prd's account between its
/// pause's retries (the map's minute does not re-ask it), prd's part is unknown with the pause's
/// reason, and dev's part is read each minute; `r` resumes prd's reads, the map's included.
#[tokio::test]
async fn the_map_does_not_call_a_paused_identity_between_its_retries() {
    use shipdeck::app::health::signals::{Reading, Signal};
    use shipdeck::app::{Action, View};
    use shipdeck::domain::Timestamp;
    let backend = demo();
    let sim = backend.sim.clone().unwrap();
    sim.with(|s| s.refuse_account("222222222222", refusal()));
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    assert!(app.state.paused(2) && !app.state.paused(0));
    app.dispatch(Action::Show(View::Map));
    app.settle().await;
    let calls = |op: &str| {
        sim.with(|s| s.stats())
            .by_account
            .get(&("222222222222".to_string(), op.to_string()))
            .copied()
            .unwrap_or(0)
    };
    let as_prd = || {
        (sim.with(|s| s.stats()).by_account.iter())
            .filter(|((account, _), _)| account == "222222222222")
            .map(|(_, n)| n)
            .sum::<u64>()
    };
    let (before, metrics_before) = (as_prd(), calls("GetMetricData"));
    let dev_reads = sim.with(|s| s.stats()).calls.get("GetMetricData").copied();
    // Four minutes: the map is due each minute, the pause holds five.
    for _ in 0..4 {
        let next = sim.with(|s| {
            s.advance(Timestamp::MINUTE + Timestamp::SECOND);
            s.now()
        });
        app.tick(next).await;
    }
    let after = as_prd();
    assert_eq!(
        after, before,
        "no call as prd's account while its pause holds"
    );
    assert_eq!(calls("GetMetricData"), metrics_before);
    assert!(
        sim.with(|s| s.stats()).calls.get("GetMetricData").copied() > dev_reads,
        "the map went on reading dev and stg"
    );
    let readings = app.state.map.readings.clone().expect("the map was read");
    let Reading::Failed(why) = readings.get(2, Signal::CdnRequests) else {
        panic!(
            "prd's part is unknown: {:?}",
            readings.get(2, Signal::CdnRequests)
        );
    };
    assert!(
        why.starts_with("not read while the credentials are refused: cannot assume role"),
        "{why}"
    );
    assert!(!matches!(
        readings.get(0, Signal::CdnRequests),
        Reading::Failed(_)
    ));
    // `r`: every paused read tries again at once, the map's part of prd too.
    app.dispatch(Action::Refresh);
    app.settle().await;
    let next = sim.with(|s| {
        s.advance(Timestamp::MINUTE + Timestamp::SECOND);
        s.now()
    });
    app.tick(next).await;
    assert!(
        calls("GetMetricData") > metrics_before,
        "r resumed prd's map part"
    );
}

/// prd read, then its identity paused: the Map's prd nodes are unknown with the pause's reason,
/// its pipeline, source and build included (they were read before and would show green), and
/// dev's stay judged.
#[tokio::test]
async fn a_paused_identity_leaves_none_of_its_nodes_green_on_the_map() {
    use shipdeck::app::{Action, View};
    use shipdeck::domain::{Level, Timestamp};
    let Refused {
        backend, mut app, ..
    } = refused_after_loading().await;
    let sim = backend.sim.clone().unwrap();
    for _ in 0..2 {
        let next = sim.with(|s| {
            s.advance(Timestamp::MINUTE);
            s.now()
        });
        app.tick(next).await;
    }
    assert!(app.state.paused(2) && !app.state.paused(0));
    app.dispatch(Action::Show(View::Map));
    app.settle().await;
    let map = app.state.health_map();
    let prd = &map.environments[2];
    assert_eq!(prd.level, Level::Unknown, "{}", prd.reason);
    // The site's probe needs no credentials: it goes on and is judged.
    let watched = |n: &&shipdeck::app::health::Node| {
        n.level != Level::None && n.node != shipdeck::app::health::NodeKind::Site
    };
    for n in prd.nodes().filter(watched) {
        assert_eq!(n.level, Level::Unknown, "{:?}: {}", n.node, n.reason);
        assert!(
            n.reason
                .starts_with("not read while the credentials are refused: cannot assume role"),
            "{:?}: {}",
            n.node,
            n.reason
        );
    }
    let dev = &map.environments[0];
    assert!(
        dev.nodes()
            .all(|n| !n.reason.contains("credentials are refused")),
        "dev is read: {}",
        dev.reason
    );
}
