//! The API budget: the headless app against the simulator, every port call counted by
//! `CountingCloud`, for three environments idle, with one execution in progress, with the logs
//! view open, with the traffic view tailing an environment's access logs, and with the health map
//! shown. Prints calls per minute per operation (`cargo test --test soak budget -- --nocapture`)
//! and holds them under the bounds the README states.

use crate::support::sim::Rig;
use shipdeck::app::{Action, EnvView, View};
use shipdeck::cloud::StartRequest;
use shipdeck::cloud::counting::CallCounts;
use shipdeck::cloud::sim::SimConfig;
use shipdeck::domain::{ActionStatus, Millis, Timestamp};

/// Saturday 2026-11-28 12:00 UTC: nobody publishes or promotes at the weekend.
const SATURDAY_NOON: Timestamp = Timestamp(1_795_867_200_000);
/// The runtime's UI tick is 250 ms; a 1 s tick reaches every poll on time just the same.
const TICK: Millis = Timestamp::SECOND;

/// The demo rig over the budget's weekend world, started.
async fn weekend() -> Rig {
    let config = SimConfig {
        seed: 42,
        start: SATURDAY_NOON,
        traffic_scale: 0.02,
        ..SimConfig::default()
    };
    let mut rig = Rig::with_config(config, "budget");
    // The demo's `[github]`, as the console sets it up: the MAIN column's comparisons count.
    let runs = &mut rig.app.state.runs;
    runs.workflows = vec!["deploy.yml".into(), "release.yml".into()];
    runs.release_workflow = "release.yml".into();
    rig.start().await;
    rig
}

/// GitHub's calls among `counts`, a minute.
fn github_rate(counts: &CallCounts, minutes: f64) -> f64 {
    counts
        .iter()
        .filter(|(op, _)| op.starts_with("GitHub "))
        .map(|(_, n)| *n as f64)
        .sum::<f64>()
        / minutes
}

/// The budget's measurements on the demo rig.
impl Rig {
    async fn tick(&mut self) {
        let next = self.now() + TICK;
        self.sim.with(|s| s.advance_to(next));
        self.app.tick(next).await;
    }

    /// Environments whose pipeline is moving (not just waiting for a person), as the app sees them.
    fn active(&self) -> usize {
        self.app.state.envs.iter().filter(|e| moving(e)).count()
    }

    /// Ticks for `minutes` or until `keep` fails; returns the minutes measured and the counts.
    async fn measure(&mut self, minutes: i64, keep: impl Fn(&Rig) -> bool) -> (f64, CallCounts) {
        self.counting.reset();
        let start = self.now();
        while self.now().since(start) < minutes * Timestamp::MINUTE && keep(self) {
            self.tick().await;
        }
        let elapsed = self.now().since(start) as f64 / Timestamp::MINUTE as f64;
        (elapsed, self.counting.counts())
    }
}

fn moving(e: &EnvView) -> bool {
    let running = e.executions.iter().any(|x| x.status.is_active());
    let waiting = e.state.iter().flat_map(|s| &s.stages).any(|s| {
        s.actions.iter().any(|a| {
            a.latest
                .as_ref()
                .is_some_and(|l| l.token.is_some() && l.status == ActionStatus::InProgress)
        })
    });
    running && !waiting
}

fn per_minute(counts: &CallCounts, minutes: f64) -> Vec<(&'static str, f64)> {
    counts
        .iter()
        .map(|(op, n)| (*op, *n as f64 / minutes))
        .collect()
}

fn report(what: &str, minutes: f64, counts: &CallCounts) -> f64 {
    let total: u64 = counts.values().sum();
    let rate = total as f64 / minutes;
    println!("{what}: {rate:.1} calls/min over {minutes:.0} simulated minutes");
    for (op, r) in per_minute(counts, minutes) {
        println!("  {op:<24} {r:>5.2}/min");
    }
    rate
}

fn rate(counts: &CallCounts, op: &str, minutes: f64) -> f64 {
    counts.get(op).copied().unwrap_or(0) as f64 / minutes
}

#[tokio::test]
async fn calls_per_minute_idle_active_and_with_logs_open() {
    let mut rig = weekend().await;
    // Let the start-up burst and the deploys in motion at start settle.
    let (_, _) = rig.measure(45, |_| true).await;
    assert_eq!(
        rig.active(),
        0,
        "the weekend world is quiet after 45 minutes"
    );

    let (minutes, idle) = rig.measure(30, |r| r.active() == 0).await;
    assert!(
        minutes >= 29.9,
        "stayed idle for the whole window ({minutes} min)"
    );
    let idle_rate = report("3 environments idle", minutes, &idle);
    // GitHub: each environment's commit compared with main every 5 minutes.
    let gh = github_rate(&idle, minutes);
    assert!(gh <= 0.6 + 0.01, "GitHub idle: {gh:.2}/min");
    assert!(gh > 0.0, "GitHub's calls are counted");
    // AWS: 16, plus the deployer image's two calls every 15 minutes.
    let aws = idle_rate - gh;
    assert!(aws <= 16.2, "idle budget: {aws:.1}/min");
    assert!(rate(&idle, "DescribeImages", minutes) <= 1.0 / 15.0 + 0.01);
    assert_eq!(
        rate(&idle, "GetPipeline", minutes),
        0.0,
        "the definition is cached"
    );
    assert!(rate(&idle, "GetPipelineState", minutes) <= 6.0);
    assert!(rate(&idle, "GetDistribution", minutes) <= 1.5);
    assert!(rate(&idle, "ListObjectsV2", minutes) <= 1.0);
    assert_eq!(
        rate(&idle, "FilterLogEvents", minutes),
        0.0,
        "logs only when shown"
    );

    // One execution in progress: a developer starts the first environment's pipeline.
    let dev = rig.app.state.envs[0].spec.pipeline.clone();
    let p = rig.sim.cloud().pipelines;
    p.start_execution(&dev, &StartRequest::default())
        .await
        .unwrap();
    rig.app.dispatch(Action::Refresh);
    rig.app.settle().await;
    assert_eq!(rig.active(), 1);
    let (minutes, busy) = rig.measure(10, |r| r.active() == 1).await;
    assert!(
        minutes >= 3.0,
        "the deploy ran for a while ({minutes:.1} min)"
    );
    let busy_rate = report("1 execution in progress", minutes, &busy);
    assert!(busy_rate <= 40.0, "active budget: {busy_rate:.1}/min");
    assert!(rate(&busy, "GetPipelineState", minutes) <= 16.0);

    // The logs view of one environment adds FilterLogEvents every 5 s per log group, and the
    // release catalogue (shown on the environments view only) pauses meanwhile.
    rig.app.dispatch(Action::Show(View::Logs));
    rig.app.settle().await;
    let (minutes, logs) = rig.measure(10, |_| true).await;
    report("with the logs view open", minutes, &logs);
    let groups = rig.app.state.envs[0].spec.log_groups.len() as f64;
    assert!(rate(&logs, "FilterLogEvents", minutes) <= 12.0 * groups + 0.5);
    assert_eq!(
        rate(&logs, "ListObjectsV2", minutes),
        0.0,
        "catalogue paused"
    );

    // The traffic view lists the logs bucket with the tail planner (every 15 s after new files,
    // backing off to 2 minutes while idle), reads each new log object once and lists the
    // distribution's invalidations (its markers) once a minute.
    rig.app.dispatch(Action::Show(View::Traffic));
    rig.app.settle().await;
    let _ = rig.measure(5, |_| true).await; // the first look-back read
    let (minutes, traffic) = rig.measure(30, |_| true).await;
    report("with the traffic view open", minutes, &traffic);
    assert_eq!(
        rate(&traffic, "FilterLogEvents", minutes),
        0.0,
        "logs view closed"
    );
    let lists = rate(&traffic, "ListObjectsV2", minutes);
    assert!(lists <= 4.0, "listings: {lists:.2}/min");
    let gets = rate(&traffic, "GetObject", minutes);
    assert!(gets <= 1.0, "one read per new file: {gets:.2}/min");
    // Its invalidation markers: the distribution's invalidations listed once a minute.
    let invalidations = rate(&traffic, "ListInvalidations", minutes);
    assert!(
        (0.9..=1.05).contains(&invalidations),
        "ListInvalidations {invalidations:.2}/min"
    );
    // Leaving the view stops the tail.
    rig.app.dispatch(Action::Show(View::Pipeline));
    let (minutes, after) = rig.measure(10, |_| true).await;
    assert_eq!(rate(&after, "GetObject", minutes), 0.0);
    assert!(rate(&after, "ListObjectsV2", minutes) == 0.0);
    assert_eq!(rate(&after, "ListInvalidations", minutes), 0.0);
    assert_eq!(
        rate(&after, "GetMetricData", minutes),
        0.0,
        "metrics only while the map is shown"
    );

    // The health map reads every environment's metrics in one GetMetricData call per region
    // once a minute (at most two: this rig names no API or function, so only us-east-1's
    // CloudFront call), and only while it is shown.
    rig.app.dispatch(Action::Show(View::Map));
    rig.app.settle().await;
    let (minutes, map) = rig.measure(10, |_| true).await;
    let map_rate = report("with the health map open", minutes, &map);
    let metrics = rate(&map, "GetMetricData", minutes);
    assert!(
        (0.9..=1.1).contains(&metrics),
        "GetMetricData {metrics:.2}/min"
    );
    assert!(map_rate <= idle_rate + 2.1, "map budget: {map_rate:.1}/min");
    rig.app.dispatch(Action::Show(View::Environments));
    let (minutes, after) = rig.measure(10, |_| true).await;
    assert_eq!(rate(&after, "GetMetricData", minutes), 0.0);

    // The Runs view reads both workflows' runs every 30 s, and the jobs of each failed run
    // listed (where it failed) once: a finished run's jobs do not change.
    rig.app.dispatch(Action::Show(View::Runs));
    rig.app.settle().await;
    let (minutes, runs) = rig.measure(10, |_| true).await;
    report("with the runs view open", minutes, &runs);
    assert!(rate(&runs, "GitHub ListWorkflowRuns", minutes) <= 4.0 + 0.01);
    let failed = rig
        .app
        .state
        .runs
        .rows()
        .iter()
        .filter(|r| r.run.failed())
        .count() as f64;
    let jobs = rate(&runs, "GitHub ListJobsForWorkflowRun", minutes) * minutes;
    assert!(
        jobs <= failed + 0.01,
        "{jobs} job lists for {failed} failed runs"
    );
}
