//! The health map of each environment: the App row (site, CloudFront with its viewer function,
//! web bucket, API, function) and the Deployer row (source bucket, pipeline, CodeBuild,
//! CodeDeploy), each node with its level, reason and signals, from what shipdeck read.

use super::logs::{self, CdnSource};
use super::signals::{Reading, Readings, Signal};
use super::verdict::{self, ViewerFn, ms};
use crate::app::EnvView;
use crate::domain::{
    ActionStatus, ConditionStatus, HealthSpec, Level, Probe, ProbeResult, StageStatus, Thresholds,
    Timestamp, Verdict, percent,
};
use serde::Serialize;

/// A node of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// Route53 and the site itself (the probe of `site_url`).
    Site,
    /// The CloudFront distribution and its viewer-request function.
    Cloudfront,
    /// The S3 bucket CloudFront serves the site from.
    WebBucket,
    /// API Gateway (and the probe of `api_url`).
    Api,
    /// The Lambda function behind it.
    Lambda,
    /// The S3 bucket the pipeline's source action watches.
    SourceBucket,
    /// The CodePipeline pipeline, its stages and V2 conditions.
    Pipeline,
    /// The pipeline's CodeBuild actions.
    Codebuild,
    /// CodeDeploy.
    Codedeploy,
}

impl NodeKind {
    /// The node's title on the map.
    pub fn title(self) -> &'static str {
        match self {
            NodeKind::Site => "Route53 / site",
            NodeKind::Cloudfront => "CloudFront + fn",
            NodeKind::WebBucket => "S3 web bucket",
            NodeKind::Api => "API Gateway",
            NodeKind::Lambda => "Lambda",
            NodeKind::SourceBucket => "S3 source",
            NodeKind::Pipeline => "CodePipeline",
            NodeKind::Codebuild => "CodeBuild",
            NodeKind::Codedeploy => "CodeDeploy",
        }
    }
}

/// One signal's value as read (`null` in JSON when there was none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignalValue {
    /// What it measures, e.g. `5xx_rate`.
    pub name: &'static str,
    /// The value over the window; `None`: no data, not configured or not read.
    pub value: Option<f64>,
    /// Unit: `%`, `ms`, `/min`, `count`.
    pub unit: &'static str,
    /// As shown: `4.2%`, `no data`.
    pub text: String,
}

/// A node, its level, why, and its signals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Which node.
    pub node: NodeKind,
    /// The resource, e.g. the distribution id or the function name.
    pub resource: String,
    /// Its state.
    pub level: Level,
    /// Why (empty when green for no special reason).
    pub reason: String,
    /// The golden signals read for it.
    pub signals: Vec<SignalValue>,
    /// Where its numbers come from and how old they are (CloudFront: `access logs, 2 min ago`
    /// or `CloudWatch, 6 min ago`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Node {
    fn new(node: NodeKind, resource: impl Into<String>, v: Verdict) -> Node {
        Node {
            node,
            resource: resource.into(),
            level: v.level,
            reason: v.reason,
            signals: Vec::new(),
            source: None,
        }
    }
}

/// When the map's numbers were read and what time it is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Times {
    /// The time the metrics read judged (or would judge, before the first read).
    pub read_at: Timestamp,
    /// Whether CloudWatch was read at all.
    pub read: bool,
    /// Now, for the ages shown.
    pub now: Timestamp,
}

/// One environment on the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnvHealth {
    /// Environment name.
    pub name: String,
    /// The worst node's level.
    pub level: Level,
    /// The worst node and its reason, e.g. `CloudFront + fn: 5xx 4.2% > 1% for 5 min`.
    pub reason: String,
    /// Route53 / site → CloudFront → web bucket; API Gateway → Lambda.
    pub app: Vec<Node>,
    /// Source bucket → pipeline → CodeBuild → CodeDeploy.
    pub deployer: Vec<Node>,
}

impl EnvHealth {
    /// Every node, App first.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.app.iter().chain(&self.deployer)
    }

    /// Nothing of AWS is read for the environment while its identity's credentials are
    /// refused: every watched node, and the environment, is unknown with `why` (the numbers
    /// kept are those of the last read, no longer judged) — but the site's, judged by its
    /// probe alone, while `probed` (the probes, which no credentials hold, went on).
    pub fn paused(&mut self, why: &str, probed: bool) {
        let reason = format!("not read while the credentials are refused: {why}");
        for n in self.app.iter_mut().chain(&mut self.deployer) {
            if n.level != Level::None && !(probed && n.node == NodeKind::Site) {
                n.level = Level::Unknown;
                n.reason.clone_from(&reason);
            }
        }
        self.level = Level::Unknown;
        self.reason = reason;
    }
}

/// A signal's value as a [`SignalValue`].
fn value(name: &'static str, r: &Reading, unit: &'static str, window: u32) -> SignalValue {
    let per_min = |x: f64| x / f64::from(window.max(1));
    let v = r
        .value()
        .map(|x| if unit == "/min" { per_min(x) } else { x });
    let text = match (r, unit) {
        (Reading::Value(x), "%") => percent(*x),
        (Reading::Value(x), "ms") => ms(*x),
        (Reading::Value(x), "/min") => format!("{:.0}/min", per_min(*x)),
        (Reading::Value(x), _) => format!("{x:.0}"),
        (Reading::NoData, _) => "no data".into(),
        (Reading::NotWatched, _) => "-".into(),
        (Reading::Failed(_), _) => "unknown".into(),
    };
    SignalValue {
        name,
        value: v,
        unit,
        text,
    }
}

/// A count-based rate as a reading: `errors` of `total`, in %.
fn rate_of(errors: &Reading, total: &Reading) -> Reading {
    match (errors, total) {
        (Reading::Value(e), Reading::Value(t)) if *t > 0.0 => Reading::Value(100.0 * e / t),
        (Reading::Value(_), Reading::Value(_)) => Reading::NoData,
        (Reading::Value(_), other) | (other, _) => other.clone(),
    }
}

/// The probe of the URL configured as `key` as a verdict and its signals.
fn probed(
    key: &str,
    url: Option<&String>,
    probes: &[ProbeResult],
    t: &Thresholds,
) -> (Verdict, Vec<SignalValue>) {
    let Some(url) = url else {
        return (Verdict::new(Level::None, format!("no {key}")), Vec::new());
    };
    let Some(p) = probes.iter().find(|p| &p.url == url) else {
        return (Verdict::new(Level::Unknown, "not probed yet"), Vec::new());
    };
    match &p.outcome {
        Err(e) => (
            Verdict::new(Level::Red, format!("probe failed: {e}")),
            Vec::new(),
        ),
        Ok(probe) => probe_verdict(probe, t),
    }
}

fn probe_verdict(p: &Probe, t: &Thresholds) -> (Verdict, Vec<SignalValue>) {
    let mut all = Vec::new();
    if p.status >= 500 {
        all.push(Verdict::new(Level::Red, format!("answered {}", p.status)));
    } else if p.status >= 400 {
        all.push(Verdict::new(
            Level::Yellow,
            format!("answered {}", p.status),
        ));
    }
    all.push(
        verdict::latency("first byte", p.ttfb_ms as f64, t)
            .map_reason(|r| r.replace("first byte p99", "first byte")),
    );
    if let Some(days) = p.tls_days_left {
        all.push(verdict::tls_days(days, t));
    }
    let mut signals = vec![
        SignalValue {
            name: "status",
            value: Some(f64::from(p.status)),
            unit: "code",
            text: p.status.to_string(),
        },
        SignalValue {
            name: "ttfb",
            value: Some(p.ttfb_ms as f64),
            unit: "ms",
            text: ms(p.ttfb_ms as f64),
        },
    ];
    if let Some(days) = p.tls_days_left {
        signals.push(SignalValue {
            name: "tls_days_left",
            value: Some(days as f64),
            unit: "days",
            text: format!("{days} d"),
        });
    }
    (Verdict::worst(all), signals)
}

trait MapReason {
    fn map_reason(self, f: impl FnOnce(String) -> String) -> Self;
}

impl MapReason for Verdict {
    fn map_reason(mut self, f: impl FnOnce(String) -> String) -> Self {
        self.reason = f(self.reason);
        self
    }
}

/// The App row of environment `i`.
fn app_row(
    i: usize,
    env: &EnvView,
    health: &HealthSpec,
    r: &Readings,
    probes: &[ProbeResult],
    home: Option<&str>,
    times: Times,
) -> Vec<Node> {
    let t = &health.thresholds;
    let w = t.window_minutes;
    let (v, signals) = probed("site_url", env.spec.site_url.as_ref(), probes, t);
    let mut site = Node::new(
        NodeKind::Site,
        env.spec.site_url.clone().unwrap_or_default(),
        v,
    );
    site.signals = signals;

    let get = |s| r.get(i, s);
    let logs = env.glance.as_ref().and_then(|g| g.cdn.as_ref());
    let source = logs::fresher(logs, times.read_at, w);
    let cloudwatch_origin = get(Signal::CdnOriginP99);
    let (req, e4, e5, hit, origin, mut words) = match &source {
        CdnSource::CloudWatch(_) => {
            let req = get(Signal::CdnRequests);
            // A read that failed brought no numbers: no age to claim for them.
            let words = match &req {
                Reading::Failed(_) => "CloudWatch, not read".to_string(),
                _ => source.words(times.now, times.read),
            };
            (
                req,
                get(Signal::Cdn4xx),
                get(Signal::Cdn5xx),
                get(Signal::CdnCacheHit),
                cloudwatch_origin,
                words,
            )
        }
        CdnSource::Logs(l) => {
            let mut words = source.words(times.now, times.read);
            let origin = match l.origin_p99 {
                Some(p99) => Reading::Value(p99),
                None => {
                    if cloudwatch_origin.value().is_some() {
                        words.push_str("; origin p99 from CloudWatch");
                    }
                    cloudwatch_origin
                }
            };
            (
                l.requests_over(w),
                Reading::Value(l.e4xx),
                Reading::Value(l.e5xx),
                l.hit.map_or(Reading::NoData, Reading::Value),
                origin,
                words,
            )
        }
    };
    let viewer = ViewerFn {
        invocations: get(Signal::ViewerInvocations),
        execution_errors: get(Signal::ViewerExecErrors),
        validation_errors: get(Signal::ViewerValidationErrors),
        throttles: get(Signal::ViewerThrottles),
        compute: get(Signal::ViewerCompute),
    };
    let mut judged = vec![verdict::cdn(&req, &e5, &origin, t)];
    judged.extend(verdict::viewer_fn(&viewer, t));
    match &health.viewer_function {
        // Known since the read was asked for (the distribution, which names it, came after):
        // not read, so not judged either — unknown until the next read, never "within
        // thresholds".
        Some(f) if viewer.invocations == Reading::NotWatched => {
            judged.push(Verdict::new(
                Level::Unknown,
                format!("viewer fn {f}: not read yet"),
            ));
            words.push_str(&format!("; viewer fn {f} not read yet"));
        }
        Some(f) => words.push_str(&format!("; viewer fn {f} from CloudWatch")),
        None => {}
    }
    let mut cdn = Node::new(
        NodeKind::Cloudfront,
        env.spec.distribution_id.clone(),
        Verdict::worst(judged),
    );
    cdn.signals = vec![
        value("requests", &req, "/min", w),
        value("4xx_rate", &e4, "%", w),
        value("5xx_rate", &e5, "%", w),
        value("cache_hit", &hit, "%", w),
        value("origin_p99", &origin, "ms", w),
    ];
    if viewer.invocations != Reading::NotWatched {
        cdn.signals.extend([
            value("fn_invocations", &viewer.invocations, "/min", w),
            value("fn_exec_errors", &viewer.execution_errors, "count", w),
            value(
                "fn_validation_errors",
                &viewer.validation_errors,
                "count",
                w,
            ),
            value("fn_throttles", &viewer.throttles, "count", w),
            value("fn_compute", &viewer.compute, "%", w),
        ]);
    }
    cdn.source = Some(words);
    let web = Node::new(
        NodeKind::WebBucket,
        "",
        Verdict::new(
            Level::None,
            "served through CloudFront (its origin errors count there)",
        ),
    );

    let (count, a4, a5, p50, p99) = (
        get(Signal::ApiCount),
        get(Signal::Api4xx),
        get(Signal::Api5xx),
        get(Signal::ApiP50),
        get(Signal::ApiP99),
    );
    let metrics = verdict::api(&count, &a5, &p99, t);
    let (probe, mut probe_signals) = probed("api_url", env.spec.api_url.as_ref(), probes, t);
    let mut api = Node::new(
        NodeKind::Api,
        health.api_name.clone().unwrap_or_default(),
        Verdict::worst([metrics, probe]),
    );
    api.signals = vec![
        value("requests", &count, "/min", w),
        value("4xx_rate", &rate_of(&a4, &count), "%", w),
        value("5xx_rate", &rate_of(&a5, &count), "%", w),
        value("latency_p50", &p50, "ms", w),
        value("latency_p99", &p99, "ms", w),
    ];
    api.signals.append(&mut probe_signals);

    let (inv, err, thr, dur, conc) = (
        get(Signal::FnInvocations),
        get(Signal::FnErrors),
        get(Signal::FnThrottles),
        get(Signal::FnP99),
        get(Signal::FnConcurrent),
    );
    let function = health.lambda_function.as_deref();
    let judged = match function.and_then(|f| elsewhere(f, home)) {
        Some(v) => v,
        None => verdict::function(&inv, &err, &thr, &dur, t),
    };
    let mut lambda = Node::new(NodeKind::Lambda, function.unwrap_or_default(), judged);
    lambda.signals = vec![
        value("invocations", &inv, "/min", w),
        value("error_rate", &rate_of(&err, &inv), "%", w),
        value("throttles", &thr, "count", w),
        value("duration_p99", &dur, "ms", w),
        value("concurrent", &conc, "count", w),
    ];
    vec![site, cdn, web, api, lambda]
}

/// A function named by an ARN of another region than the one its metrics are read in (`home`):
/// unknown, saying where it is and what to set — never the "no data" the query would find.
fn elsewhere(function: &str, home: Option<&str>) -> Option<Verdict> {
    let region = function.strip_prefix("arn:")?.split(':').nth(2)?;
    let home = home?;
    (!region.is_empty() && region != home).then(|| {
        Verdict::new(
            Level::Unknown,
            format!(
                "lambda_function is in {region}, but its metrics are read in {home}: \
                 name a function of {home}, or run shipdeck with --region {region}"
            ),
        )
    })
}

/// The newest failed or running action of `provider` in the pipeline state, as a verdict.
fn actions_of(env: &EnvView, provider: &str) -> Option<Verdict> {
    let def = env.def.as_ref()?;
    let state = env.state.as_ref()?;
    let mut found = false;
    let mut all = Vec::new();
    for (sd, ss) in def.stages.iter().zip(&state.stages) {
        for ad in sd.actions.iter().filter(|a| a.provider == provider) {
            found = true;
            let latest = ss
                .actions
                .iter()
                .find(|a| a.name == ad.name)
                .and_then(|a| a.latest.as_ref());
            let v = match latest.map(|l| (l.status, l)) {
                Some((ActionStatus::Failed, l)) => Verdict::new(
                    Level::Red,
                    format!(
                        "{} failed{}",
                        ad.name,
                        l.error
                            .as_ref()
                            .map(|e| format!(": {}", e.message))
                            .unwrap_or_default()
                    ),
                ),
                Some((ActionStatus::InProgress, _)) => {
                    Verdict::new(Level::Green, format!("{} running", ad.name))
                }
                _ => Verdict::green(),
            };
            all.push(v);
        }
    }
    found.then(|| Verdict::worst(all))
}

/// A CloudWatchAlarm rule of a stage's conditions whose declaration puts it in another region
/// than the one shipdeck reads (`home`), or in a named one when that is not known.
struct AlarmElsewhere {
    rule: String,
    alarms: String,
    region: String,
    /// Why its latest run could not evaluate the alarm, if it failed so.
    error: Option<String>,
}

impl AlarmElsewhere {
    /// `alarm storefront-api-5xx-prd in us-west-2`.
    fn named(&self) -> String {
        format!("alarm {} in {}", self.alarms, self.region)
    }
}

/// The CloudWatchAlarm rules of stage `stage`'s `c` conditions declared in another region: the
/// map says where their alarms are (shipdeck reads no alarm itself: their state is CodePipeline's
/// evaluation), and why a rule could not read its alarm there.
fn alarms_elsewhere(
    env: &EnvView,
    stage: &str,
    c: &crate::domain::StageConditions,
    home: Option<&str>,
) -> Vec<AlarmElsewhere> {
    let Some(def) = env
        .def
        .as_ref()
        .and_then(|d| d.stages.iter().find(|s| s.name == stage))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (n, cd) in def
        .conditions
        .iter()
        .filter(|d| d.kind == c.kind)
        .enumerate()
    {
        let live = c.conditions.get(n);
        for r in cd.rules.iter().filter(|r| r.provider == "CloudWatchAlarm") {
            let Some(region) = r.region.as_deref().filter(|r| Some(*r) != home) else {
                continue;
            };
            let run = live
                .and_then(|l| l.rules.iter().find(|x| x.name == r.name))
                .and_then(|x| x.latest.as_ref());
            let error = run
                .filter(|x| x.status == crate::domain::RuleStatus::Failed)
                .and_then(|x| x.error.as_ref())
                .map(|e| format!("{} ({})", e.message, e.code));
            out.push(AlarmElsewhere {
                rule: r.name.clone(),
                alarms: r.alarms().join(", "),
                region: region.to_string(),
                error,
            });
        }
    }
    out
}

/// `Deploy failed`, and when the run that failed is not the newest execution's, which it was
/// and that the newest has not reached the stage yet (the Environments view speaks of the
/// newest execution: this says why the map is red while it waits elsewhere).
fn stage_failed(env: &EnvView, s: &crate::domain::StageState) -> String {
    let short = |id: &str| id.get(..8).unwrap_or(id).to_string();
    let failed = s.latest.as_ref().map(|l| l.pipeline_execution_id.as_str());
    let newest = env.executions.first().map(|e| e.id.as_str());
    match (failed, newest) {
        (Some(failed), Some(newest)) if failed != newest => format!(
            "{} failed (execution {}; the newest, {}, has not reached it yet)",
            s.name,
            short(failed),
            short(newest)
        ),
        _ => format!("{} failed", s.name),
    }
}

/// The pipeline's state as a verdict: a failed stage red, a failed condition or a frozen
/// transition yellow, a stopped run yellow; an alarm rule in another region names it.
fn pipeline(env: &EnvView, home: Option<&str>) -> Verdict {
    let Some(state) = &env.state else {
        return match &env.refresh.error {
            Some(stale) => Verdict::new(Level::Unknown, format!("not read: {}", stale.error)),
            None => Verdict::new(Level::Unknown, "not read yet"),
        };
    };
    let mut all = Vec::new();
    for s in &state.stages {
        match s.latest.as_ref().map(|l| l.status) {
            Some(StageStatus::Failed) => {
                all.push(Verdict::new(Level::Red, stage_failed(env, s)));
            }
            Some(StageStatus::Stopped | StageStatus::Stopping) => {
                all.push(Verdict::new(Level::Yellow, format!("{} stopped", s.name)))
            }
            Some(StageStatus::InProgress) => all.push(Verdict::new(
                Level::Green,
                format!("{} in progress", s.name),
            )),
            _ => {}
        }
        if !s.inbound.enabled {
            all.push(Verdict::new(Level::Yellow, format!("{} frozen", s.name)));
        }
        for c in &s.conditions {
            let alarms = alarms_elsewhere(env, &s.name, c, home);
            if let Some(run) = &c.latest
                && matches!(
                    run.status,
                    ConditionStatus::Failed | ConditionStatus::Errored
                )
            {
                let mut reason = format!(
                    "{} {} condition {}",
                    s.name,
                    c.kind.as_str(),
                    run.summary.as_deref().unwrap_or("failed")
                );
                let named: Vec<String> = alarms.iter().map(|a| a.named()).collect();
                if !named.is_empty() {
                    reason.push_str(&format!(" ({})", named.join(", ")));
                }
                all.push(Verdict::new(Level::Yellow, reason));
            }
            // An alarm rule that could not evaluate its alarm in its region says so with where.
            for a in alarms.iter().filter(|a| a.error.is_some()) {
                all.push(Verdict::new(
                    Level::Yellow,
                    format!(
                        "{} {} rule {} could not read {}: {}",
                        s.name,
                        c.kind.as_str(),
                        a.rule,
                        a.named(),
                        a.error.as_deref().unwrap_or_default()
                    ),
                ));
            }
        }
    }
    if let Some(stale) = &env.refresh.error {
        all.push(Verdict::new(
            Level::Unknown,
            format!("stale: {}", stale.error),
        ));
    }
    Verdict::worst(all)
}

/// The Deployer row of an environment.
fn deployer_row(env: &EnvView, home: Option<&str>) -> Vec<Node> {
    let source = match &env.source {
        None => Verdict::new(Level::Unknown, "not read yet"),
        Some(Err(e)) => Verdict::new(Level::Unknown, format!("not read: {e}")),
        Some(Ok(None)) => Verdict::new(
            Level::Yellow,
            format!("no package at {}", env.spec.source_key),
        ),
        Some(Ok(Some(obj))) => Verdict::new(
            Level::Green,
            // The package at the source: which it is, and whether it is the one that runs
            // (it waits to be deployed only when it is not).
            obj.release
                .as_ref()
                .map(|r| {
                    let runs = crate::app::envs::summary::deployed(env)
                        .deployed_release()
                        .is_some_and(|d| d.version == r.version);
                    if runs {
                        format!("{} at the source, runs here", r.version)
                    } else {
                        format!("{} at the source", r.version)
                    }
                })
                .unwrap_or_default(),
        ),
    };
    let source = Node::new(
        NodeKind::SourceBucket,
        format!("s3://{}/{}", env.spec.source_bucket, env.spec.source_key),
        source,
    );
    let pipe = Node::new(
        NodeKind::Pipeline,
        env.spec.pipeline.clone(),
        pipeline(env, home),
    );
    let unread = || Verdict::new(Level::Unknown, "pipeline not read");
    let build = match actions_of(env, "CodeBuild") {
        Some(v) => v,
        None if env.state.is_none() => unread(),
        None => Verdict::new(Level::None, "no CodeBuild action"),
    };
    let deploy = match actions_of(env, "CodeDeploy") {
        Some(v) => v,
        None if env.state.is_none() => unread(),
        None => Verdict::new(Level::None, "run by the Deploy build (see CodeBuild)"),
    };
    vec![
        source,
        pipe,
        Node::new(NodeKind::Codebuild, "", build),
        Node::new(NodeKind::Codedeploy, "", deploy),
    ]
}

/// Environment `i` on the map; `home` is the region its API and function metrics are read in,
/// when known.
pub fn environment(
    i: usize,
    env: &EnvView,
    health: &HealthSpec,
    readings: &Readings,
    probes: &[ProbeResult],
    home: Option<&str>,
    times: Times,
) -> EnvHealth {
    let app = app_row(i, env, health, readings, probes, home, times);
    let deployer = deployer_row(env, home);
    // The first of the worst nodes, App before Deployer.
    let worst = app
        .iter()
        .chain(&deployer)
        .filter(|n| n.level != Level::None)
        .fold(None::<&Node>, |w, n| match w {
            Some(w) if w.level.severity() >= n.level.severity() => Some(w),
            _ => Some(n),
        });
    let (level, reason) = match worst {
        Some(n) if n.level != Level::Green => {
            (n.level, format!("{}: {}", n.node.title(), n.reason))
        }
        Some(_) => (Level::Green, String::new()),
        None => (Level::Unknown, "nothing watched".into()),
    };
    EnvHealth {
        name: env.spec.name.clone(),
        level,
        reason,
        app,
        deployer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EnvSpec, Probe};

    const TIMES: Times = Times {
        read_at: Timestamp(1_795_597_200_000),
        read: true,
        now: Timestamp(1_795_597_200_000),
    };

    fn spec() -> EnvSpec {
        EnvSpec {
            name: "prd".into(),
            protected: true,
            read_only: false,
            pipeline: "p".into(),
            source_bucket: "src".into(),
            source_key: "prd/release.zip".into(),
            release_prefix: String::new(),
            distribution_id: "E1".into(),
            logs_bucket: None,
            logs_prefix: String::new(),
            log_groups: Vec::new(),
            build_log_group: None,
            site_url: Some("https://www.example.com".into()),
            api_url: Some("https://api.example.com".into()),
            promotes_from: None,
        }
    }

    fn probe(url: &str, outcome: Result<Probe, String>) -> ProbeResult {
        ProbeResult {
            url: url.into(),
            outcome,
        }
    }

    /// A probe that got no answer is red with why; a server error is red; a certificate near
    /// its end is yellow; the rest of the map keeps working.
    #[test]
    fn probes_turn_the_site_and_api_nodes() {
        let env = EnvView::new(spec());
        let probes = vec![
            probe("https://www.example.com", Err("connection refused".into())),
            probe(
                "https://api.example.com",
                Ok(Probe {
                    status: 200,
                    ttfb_ms: 80,
                    tls_days_left: Some(9),
                }),
            ),
        ];
        let h = environment(
            0,
            &env,
            &HealthSpec::default(),
            &Readings::default(),
            &probes,
            None,
            TIMES,
        );
        let site = &h.app[0];
        assert_eq!(
            (site.level, site.reason.as_str()),
            (Level::Red, "probe failed: connection refused")
        );
        let api = &h.app[3];
        assert_eq!(api.level, Level::Yellow);
        assert_eq!(api.reason, "TLS certificate expires in 9 d (< 14 d)");
        assert_eq!(h.level, Level::Red);
        assert_eq!(h.reason, "Route53 / site: probe failed: connection refused");
        let slow = vec![probe(
            "https://www.example.com",
            Ok(Probe {
                status: 503,
                ttfb_ms: 3_500,
                tls_days_left: None,
            }),
        )];
        let h = environment(
            0,
            &env,
            &HealthSpec::default(),
            &Readings::default(),
            &slow,
            None,
            TIMES,
        );
        assert_eq!(h.app[0].level, Level::Red);
        assert_eq!(h.app[0].reason, "answered 503");
        // No API name, and its URL not among the probes: unknown, not none.
        assert_eq!(
            (h.app[3].level, h.app[3].reason.as_str()),
            (Level::Unknown, "not probed yet")
        );
    }

    /// A function named by its ARN in another region than the one its metrics are read in is
    /// unknown with where it is and what to set; the rest of the map goes on; the same region, or
    /// an unknown home region, is judged as usual.
    #[test]
    fn a_function_in_another_region_says_so_instead_of_no_data() {
        let env = EnvView::new(spec());
        let h = HealthSpec {
            lambda_function: Some("arn:aws:lambda:us-west-2:123456789012:function:api".into()),
            ..HealthSpec::default()
        };
        let probes = vec![probe(
            "https://www.example.com",
            Ok(Probe {
                status: 200,
                ttfb_ms: 40,
                tls_days_left: Some(60),
            }),
        )];
        let map = environment(
            0,
            &env,
            &h,
            &Readings::default(),
            &probes,
            Some("eu-west-1"),
            TIMES,
        );
        let lambda = &map.app[4];
        assert_eq!(lambda.level, Level::Unknown);
        assert_eq!(
            lambda.reason,
            "lambda_function is in us-west-2, but its metrics are read in eu-west-1: name a \
             function of eu-west-1, or run shipdeck with --region us-west-2"
        );
        assert_eq!(map.app[0].level, Level::Green, "the site is still judged");
        for home in [Some("us-west-2"), None] {
            let map = environment(0, &env, &h, &Readings::default(), &probes, home, TIMES);
            assert_eq!(map.app[4].reason, "not configured", "{home:?}");
        }
    }

    /// Readings of environment 0 in a window of 5 minutes: every query of `requests` answered
    /// with the value `values` gives its id, no data for the rest.
    fn readings(h: &HealthSpec, values: &[(&str, f64)]) -> Readings {
        use crate::app::health::signals::{requests, window};
        use crate::domain::MetricSeries;
        let at = TIMES.read_at;
        let (start, _) = window(at, 5);
        let answers: Vec<_> = requests(&[(spec(), h.clone())], at)
            .into_iter()
            .map(|r| {
                let series = values
                    .iter()
                    .map(|(id, v)| MetricSeries {
                        id: format!("e0_{id}"),
                        points: vec![(start, *v)],
                    })
                    .collect();
                (r, Ok(series))
            })
            .collect();
        Readings::new(&answers, at)
    }

    fn signal<'a>(n: &'a Node, name: &str) -> &'a str {
        n.signals
            .iter()
            .find(|s| s.name == name)
            .map_or("absent", |s| s.text.as_str())
    }

    /// The CloudFront node carries its viewer function's five signals and is judged on them too:
    /// a throttled function turns it red even with a clean 5xx rate; without a function name
    /// the node has no function signals.
    #[test]
    fn the_cloudfront_node_shows_and_judges_its_viewer_function() {
        let env = EnvView::new(spec());
        let h = HealthSpec {
            viewer_function: Some("site-viewer-request".into()),
            ..HealthSpec::default()
        };
        let healthy = [
            ("cdn_req", 5_000.0),
            ("cdn_5xx", 0.1),
            ("vfn_inv", 5_000.0),
            ("vfn_exec", 0.0),
            ("vfn_valid", 0.0),
            ("vfn_thr", 0.0),
            ("vfn_compute", 21.0),
        ];
        let map = environment(0, &env, &h, &readings(&h, &healthy), &[], None, TIMES);
        let cdn = &map.app[1];
        assert_eq!(cdn.level, Level::Green, "{}", cdn.reason);
        assert_eq!(
            cdn.source.as_deref(),
            Some("CloudWatch, 2 min ago; viewer fn site-viewer-request from CloudWatch")
        );
        assert_eq!(signal(cdn, "fn_invocations"), "1000/min");
        assert_eq!(signal(cdn, "fn_exec_errors"), "0");
        assert_eq!(signal(cdn, "fn_compute"), "21%");
        let mut throttled = healthy.to_vec();
        throttled[5] = ("vfn_thr", 4.0);
        let map = environment(0, &env, &h, &readings(&h, &throttled), &[], None, TIMES);
        assert_eq!(
            (map.app[1].level, map.app[1].reason.as_str()),
            (Level::Red, "viewer fn throttled 4 times in 5 min")
        );
        // Invocations but no error data point: the errors say "no data", never 0.
        let map = environment(0, &env, &h, &readings(&h, &healthy[..3]), &[], None, TIMES);
        assert_eq!(signal(&map.app[1], "fn_exec_errors"), "no data");
        let plain = HealthSpec::default();
        let map = environment(
            0,
            &env,
            &plain,
            &readings(&plain, &healthy),
            &[],
            None,
            TIMES,
        );
        assert_eq!(signal(&map.app[1], "fn_invocations"), "absent");
        assert_eq!(map.app[1].source.as_deref(), Some("CloudWatch, 2 min ago"));
        // The function came to be known (its distribution read) after the read was asked for
        // without it: not read, so unknown, never green "within thresholds".
        let map = environment(0, &env, &h, &readings(&plain, &healthy), &[], None, TIMES);
        assert_eq!(
            (map.app[1].level, map.app[1].reason.as_str()),
            (
                Level::Unknown,
                "viewer fn site-viewer-request: not read yet"
            )
        );
        assert_eq!(
            map.app[1].source.as_deref(),
            Some("CloudWatch, 2 min ago; viewer fn site-viewer-request not read yet")
        );
    }

    /// A metrics read that failed gives the CloudFront node no source age: its numbers were not
    /// read (unknown, with the reason), not read two minutes ago.
    #[test]
    fn a_failed_metrics_read_claims_no_age_for_its_numbers() {
        use crate::app::health::signals::requests;
        let h = HealthSpec::default();
        let answers: Vec<_> = requests(&[(spec(), h.clone())], TIMES.read_at)
            .into_iter()
            .map(|r| (r, Err("network error: connection refused".to_string())))
            .collect();
        let failed = Readings::new(&answers, TIMES.read_at);
        let env = EnvView::new(spec());
        let map = environment(0, &env, &h, &failed, &[], None, TIMES);
        let cdn = &map.app[1];
        assert_eq!(cdn.level, Level::Unknown, "{cdn:?}");
        assert_eq!(
            cdn.source.as_deref(),
            Some("CloudWatch, not read"),
            "{cdn:?}"
        );
    }

    /// When the Traffic view's last read of the environment reaches past the minutes CloudWatch
    /// judged, the CloudFront node uses the access logs' numbers and says so with their age;
    /// older logs leave CloudWatch's numbers, with theirs.
    #[test]
    fn the_cloudfront_node_takes_the_fresher_access_log_numbers() {
        use crate::app::DeployImpact;
        use crate::app::Glance;
        use crate::app::health::logs::LogSignals;
        let h = HealthSpec::default();
        let cw = [("cdn_req", 5_000.0), ("cdn_4xx", 1.0), ("cdn_5xx", 0.1)];
        let glance = |as_of: Timestamp| Glance {
            as_of,
            requests: Vec::new(),
            errors: Vec::new(),
            deploy: DeployImpact::None,
            cdn: Some(LogSignals {
                as_of,
                minutes: 5,
                per_minute: 400.0,
                e4xx: 3.0,
                e5xx: 4.2,
                hit: Some(88.0),
                origin_p99: None,
            }),
            key: String::new(),
        };
        let now = TIMES.read_at + 3 * Timestamp::MINUTE;
        let times = Times { now, ..TIMES };
        let mut env = EnvView::new(spec());
        env.glance = Some(glance(TIMES.read_at - 30_000));
        let map = environment(0, &env, &h, &readings(&h, &cw), &[], None, times);
        let cdn = &map.app[1];
        assert_eq!(cdn.source.as_deref(), Some("access logs, 3 min ago"));
        assert_eq!(signal(cdn, "requests"), "400/min");
        assert_eq!(signal(cdn, "5xx_rate"), "4.2%");
        assert_eq!(signal(cdn, "cache_hit"), "88%");
        assert_eq!(
            (cdn.level, cdn.reason.as_str()),
            (Level::Red, "5xx 4.2% > 1% for 5 min")
        );
        env.glance = Some(glance(TIMES.read_at - 10 * Timestamp::MINUTE));
        let map = environment(0, &env, &h, &readings(&h, &cw), &[], None, times);
        let cdn = &map.app[1];
        assert_eq!(cdn.source.as_deref(), Some("CloudWatch, 5 min ago"));
        assert_eq!(signal(cdn, "requests"), "1000/min");
        assert_eq!(cdn.level, Level::Green);
    }

    /// prd's Deploy stage with an onSuccess condition whose CloudWatchAlarm rule is declared in
    /// `region`, its condition failed and the rule's run failed with `error`.
    fn with_alarm_rule(region: Option<&str>, error: Option<&str>) -> EnvView {
        use crate::domain::{
            ConditionDef, ConditionKind, ConditionRun, ConditionState, ErrorDetails, PipelineDef,
            PipelineState, RuleDef, RuleRun, RuleState, RuleStatus, StageConditions, StageDef,
            StageState, Transition,
        };
        let mut env = EnvView::new(spec());
        env.def = Some(PipelineDef {
            name: "p".into(),
            version: 1,
            stages: vec![StageDef {
                name: "Deploy".into(),
                actions: Vec::new(),
                conditions: vec![ConditionDef {
                    kind: ConditionKind::OnSuccess,
                    result: None,
                    retry_mode: None,
                    rules: vec![RuleDef {
                        name: "api-5xx".into(),
                        provider: "CloudWatchAlarm".into(),
                        configuration: [("AlarmName".to_string(), "api-5xx-prd".to_string())]
                            .into(),
                        region: region.map(str::to_string),
                    }],
                }],
            }],
            pipeline_type: None,
            execution_mode: Default::default(),
            variables: Vec::new(),
        });
        let run = |status| ConditionRun {
            status,
            summary: Some("rolled back".into()),
            last_status_change: None,
        };
        env.state = Some(PipelineState {
            name: "p".into(),
            version: 1,
            stages: vec![StageState {
                name: "Deploy".into(),
                latest: None,
                actions: Vec::new(),
                inbound: Transition {
                    enabled: true,
                    disabled_reason: None,
                    last_changed_by: None,
                    last_changed_at: None,
                },
                inbound_execution: None,
                queued: Vec::new(),
                conditions: vec![StageConditions {
                    kind: ConditionKind::OnSuccess,
                    latest: Some(run(ConditionStatus::Failed)),
                    conditions: vec![ConditionState {
                        latest: Some(run(ConditionStatus::Failed)),
                        rules: vec![RuleState {
                            name: "api-5xx".into(),
                            latest: Some(RuleRun {
                                rule_execution_id: "r1".into(),
                                status: RuleStatus::Failed,
                                summary: None,
                                last_status_change: None,
                                external_execution_url: None,
                                error: error.map(|m| ErrorDetails {
                                    code: "AccessDenied".into(),
                                    message: m.into(),
                                }),
                            }),
                        }],
                    }],
                }],
                retries: None,
            }],
            updated: TIMES.now,
        });
        env
    }

    /// A CloudWatchAlarm rule declared in another region than the one shipdeck reads: the
    /// pipeline node's failed condition names the alarm and its region, and a rule that could not
    /// read its alarm there says why; in the home region nothing is added; the App row is judged
    /// as usual.
    #[test]
    fn an_alarm_rule_in_another_region_is_named_with_its_region() {
        let h = HealthSpec::default();
        let home = Some("eu-west-1");
        let pipe = |env: &EnvView| {
            let map = environment(0, env, &h, &Readings::default(), &[], home, TIMES);
            let p = map.deployer[1].clone();
            (p.level, p.reason)
        };
        assert_eq!(
            pipe(&with_alarm_rule(Some("us-west-2"), None)),
            (
                Level::Yellow,
                "Deploy onSuccess condition rolled back (alarm api-5xx-prd in us-west-2)".into()
            )
        );
        let denied = with_alarm_rule(
            Some("us-west-2"),
            Some("not authorized to perform cloudwatch:DescribeAlarms"),
        );
        let map = environment(0, &denied, &h, &Readings::default(), &[], home, TIMES);
        let reasons: Vec<&str> = map.deployer.iter().map(|n| n.reason.as_str()).collect();
        assert_eq!(
            reasons[1],
            "Deploy onSuccess condition rolled back (alarm api-5xx-prd in us-west-2)"
        );
        // The node shows the first of its worst verdicts; without the condition's failure the
        // rule's own is the one shown.
        let mut only_rule = denied.clone();
        if let Some(st) = only_rule.state.as_mut() {
            st.stages[0].conditions[0].latest = None;
        }
        assert_eq!(
            pipe(&only_rule),
            (
                Level::Yellow,
                "Deploy onSuccess rule api-5xx could not read alarm api-5xx-prd in us-west-2: \
                 not authorized to perform cloudwatch:DescribeAlarms (AccessDenied)"
                    .into()
            )
        );
        for same in [Some("eu-west-1"), None] {
            assert_eq!(
                pipe(&with_alarm_rule(same, None)),
                (
                    Level::Yellow,
                    "Deploy onSuccess condition rolled back".into()
                )
            );
        }
        assert_eq!(
            map.app[0].reason, "not probed yet",
            "the App row is judged as usual"
        );
    }
}
