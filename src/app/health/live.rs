//! The `:map` view in the app: the golden signals and probes of every environment, read through
//! [`Effect::ReadHealth`] only while the view is shown (once a minute), the node the operator
//! selected, and Enter jumping to what explains that node.

use super::map::NodeKind;
use super::signals::{Readings, requests, window};
use super::{HealthMap, Node, assemble};
use crate::app::{Effect, Level, Loadable, LogTail, RequestId, Scope, State, View};
use crate::domain::{EnvSpec, HealthSpec, Level as Health, Millis, ProbeResult, Timestamp};

/// How often the map reads its metrics (two `GetMetricData` calls, one per region) and probes
/// each configured URL while it is shown: CloudWatch's data points are per minute.
pub const HEALTH_EVERY: Millis = Timestamp::MINUTE;

/// Nodes per environment: five App nodes, then four Deployer nodes.
pub const NODES: usize = 9;

/// What the map read, and where the operator is on it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapView {
    /// Each environment's health settings, by index (the defaults where missing).
    pub specs: Vec<HealthSpec>,
    /// The metrics of the last read; `None` until one came back.
    pub readings: Option<Readings>,
    /// The probes of the last read; `None` until one came back.
    pub probes: Option<Vec<ProbeResult>>,
    /// The time the last read judged (its windows end two minutes before it).
    pub read_at: Option<Timestamp>,
    /// The read in flight and when the next is due.
    pub load: Loadable,
    /// The selected node of the selected environment (App first, then Deployer).
    pub node: usize,
}

impl State {
    /// Environment `env`'s health settings.
    pub fn health_spec(&self, env: usize) -> HealthSpec {
        self.map.specs.get(env).cloned().unwrap_or_default()
    }

    /// Every environment with its health settings, as the reads take them.
    fn health_envs(&self) -> Vec<(EnvSpec, HealthSpec)> {
        self.envs
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let h = self
                    .health_spec(i)
                    .with_distribution(e.distribution.as_ref());
                (e.spec.clone(), h)
            })
            .collect()
    }

    /// The map as last read: every environment, metrics not read yet unknown ("not read yet"),
    /// never green or zero.
    pub fn health_map(&self) -> HealthMap {
        let envs = self.health_envs();
        let at = self.map.read_at.unwrap_or(self.now);
        let unread;
        let readings = match &self.map.readings {
            Some(r) => r,
            None => {
                unread = Readings::unread(&requests(&envs, at), at, "not read yet");
                &unread
            }
        };
        let specs: Vec<HealthSpec> = envs.into_iter().map(|(_, h)| h).collect();
        let probes = self.map.probes.as_deref().unwrap_or(&[]);
        let read = self.map.readings.is_some();
        assemble(self, &specs, readings, probes, None, (at, read))
    }
}

/// The read of the map that is due, if the map is shown.
pub(in crate::app) fn due(state: &mut State) -> Vec<Effect> {
    if state.view != View::Map
        || (0..state.envs.len()).all(|e| state.paused(e))
        || state.envs.is_empty()
        || !state.map.load.due(state.now)
    {
        return Vec::new();
    }
    let request = state.take_request();
    state.map.load.start(request);
    // A paused identity is not called: its pause's own retry (`r`, or its timer) resumes it.
    let paused = (0..state.envs.len())
        .filter(|&e| !crate::app::credentials::free(state, e))
        .filter_map(|e| {
            let pause = state.pause_of(e)?;
            Some((
                e,
                format!(
                    "not read while the credentials are refused: {}",
                    pause.error
                ),
            ))
        })
        .collect();
    vec![Effect::ReadHealth {
        request,
        envs: state.health_envs(),
        at: state.now,
        paused,
    }]
}

/// A read of the map came back.
pub(in crate::app) fn loaded(
    state: &mut State,
    request: RequestId,
    at: Timestamp,
    readings: Readings,
    probes: Vec<ProbeResult>,
) -> Vec<Effect> {
    if !state.map.load.accept(request) {
        return Vec::new();
    }
    state.map.readings = Some(readings);
    state.map.probes = Some(probes);
    state.map.read_at = Some(at);
    // A minute after the answer came (a slow read is not asked again at once).
    state.map.load.succeeded(state.now.max(at) + HEALTH_EVERY);
    // An environment turning red is an Attention event (once; unknown changes nothing).
    let mut fx = Vec::new();
    for env in state.health_map().environments {
        fx.extend(crate::app::attention::health(
            state,
            &env.name,
            env.level,
            &env.reason,
        ));
    }
    fx.extend(due(state));
    fx
}

/// The Traffic filter that shows what turned a site or CloudFront node, if a filter can.
fn traffic_filter(node: &Node, t: &crate::domain::Thresholds) -> Option<String> {
    if !matches!(node.level, Health::Red | Health::Yellow) {
        return None;
    }
    let r = node.reason.as_str();
    if r.starts_with("5xx") || r.starts_with("answered 5") {
        Some("status>=500".into())
    } else if r.starts_with("answered 4") {
        Some("status:4xx".into())
    } else if r.starts_with("origin p99") {
        // Requests slower than the yellow threshold (the filter's times are milliseconds).
        Some(format!("time-taken>{}", t.latency_p99_yellow_ms))
    } else if r.starts_with("first byte") {
        Some(format!("ttfb>{}", t.latency_p99_yellow_ms))
    } else {
        None
    }
}

/// Enter on the map: the selected node's explanation — Traffic (filtered to the bad signal) for
/// the site and CloudFront, the Lambda's log group from the judged window for the API and the
/// function, the pipeline for the Deployer.
pub(in crate::app) fn open(state: &mut State) -> Vec<Effect> {
    let map = state.health_map();
    let env = state.selected;
    let Some(node) = map
        .environments
        .get(env)
        .and_then(|e| e.nodes().nth(state.map.node))
        .cloned()
    else {
        return Vec::new();
    };
    let name = state.envs[env].spec.name.clone();
    match node.node {
        NodeKind::Site | NodeKind::Cloudfront | NodeKind::WebBucket => {
            let t = state.health_spec(env).thresholds;
            let filter = traffic_filter(&node, &t);
            let text = filter.clone().unwrap_or_default();
            crate::app::traffic::update::filter_typed(state, &text);
            state.traffic.committed = state.traffic.filter.clone();
            let fx = crate::app::update::show(state, View::Traffic);
            let note = match filter {
                Some(f) => format!("{name}: traffic filtered to {f} ({})", node.reason),
                None => format!("{name}: traffic, unfiltered"),
            };
            state.say_about(Scope::View(View::Traffic), Level::Info, note);
            fx
        }
        NodeKind::Api | NodeKind::Lambda => lambda_logs(state, env, &node),
        NodeKind::SourceBucket
        | NodeKind::Pipeline
        | NodeKind::Codebuild
        | NodeKind::Codedeploy => {
            state.close_execution();
            crate::app::update::show(state, View::Pipeline)
        }
    }
}

/// The Lambda function's log group of environment `env`: `/aws/lambda/<function>` among its
/// `log_groups`, else its first `/aws/lambda/` group.
fn lambda_group(state: &State, env: usize) -> Option<String> {
    let spec = &state.envs.get(env)?.spec;
    let function = state.health_spec(env).lambda_function;
    let own = function.map(|f| format!("/aws/lambda/{}", f.rsplit(':').next().unwrap_or(&f)));
    spec.log_groups
        .iter()
        .find(|g| Some(*g) == own.as_ref())
        .or_else(|| {
            spec.log_groups
                .iter()
                .find(|g| g.starts_with("/aws/lambda/"))
        })
        .cloned()
}

/// Opens the Logs view on the Lambda function's log group, from the start of the window the map
/// judged (when its errors were counted).
fn lambda_logs(state: &mut State, env: usize, node: &Node) -> Vec<Effect> {
    let name = state.envs[env].spec.name.clone();
    let Some(group) = lambda_group(state, env) else {
        state.say(
            Level::Warn,
            format!(
                "{name}: no /aws/lambda/ log group configured (log_groups) to explain {}",
                node.node.title()
            ),
        );
        return Vec::new();
    };
    let minutes = state.health_spec(env).thresholds.window_minutes;
    let (from, _) = window(state.map.read_at.unwrap_or(state.now), minutes);
    state.abandoned.extend(state.logs.load.inflight);
    state.logs = LogTail {
        env,
        from: Some(from),
        ..LogTail::default()
    };
    state.filter = group.clone();
    state.view = View::Logs;
    state.overlay = None;
    state.say_about(
        Scope::View(View::Logs),
        Level::Info,
        format!("{name}: {group} from {} (the map's window)", from.clock()),
    );
    crate::app::poll::due(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Action, Mode, PollPolicy, Reply, Session, update};
    use crate::domain::{MetricRegion, MetricSeries, Probe};

    fn spec(name: &str) -> EnvSpec {
        EnvSpec {
            name: name.into(),
            protected: false,
            read_only: false,
            pipeline: format!("p-{name}"),
            source_bucket: "b".into(),
            source_key: "k".into(),
            release_prefix: String::new(),
            distribution_id: format!("E{name}"),
            logs_bucket: None,
            logs_prefix: String::new(),
            log_groups: vec![
                format!("/aws/codebuild/deploy-{name}"),
                format!("/aws/lambda/api-{name}"),
            ],
            build_log_group: None,
            site_url: Some(format!("https://{name}.example.com")),
            api_url: None,
            promotes_from: None,
        }
    }

    const T0: Timestamp = Timestamp(1_795_597_200_000);

    fn state() -> State {
        let session = Session {
            mode: Mode::Aws,
            profile: None,
            region: Some("eu-west-1".into()),
            identity: None,
            read_only: false,
        };
        let mut s = State::new(
            session,
            vec![spec("dev"), spec("prd")],
            PollPolicy::default(),
            T0,
        );
        s.map.specs = ["dev", "prd"]
            .iter()
            .map(|n| HealthSpec {
                lambda_function: Some(format!("api-{n}")),
                ..HealthSpec::default()
            })
            .collect();
        s
    }

    fn reads(fx: &[Effect]) -> Vec<(RequestId, Timestamp)> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::ReadHealth {
                    request, at, envs, ..
                } => {
                    assert_eq!(envs.len(), 2, "every environment in one read");
                    Some((*request, *at))
                }
                _ => None,
            })
            .collect()
    }

    /// prd's CloudFront failing 4.2 % of 1,000 requests, everything else answered.
    fn answer(s: &mut State, request: RequestId, at: Timestamp) -> Vec<Effect> {
        let envs = s.health_envs();
        let (start, _) = window(at, 5);
        let answers: Vec<_> = requests(&envs, at)
            .into_iter()
            .map(|r| {
                let series = r
                    .queries
                    .iter()
                    .map(|q| MetricSeries {
                        id: q.id.clone(),
                        points: vec![(
                            start,
                            match q.id.as_str() {
                                "e1_cdn_5xx" => 4.2,
                                "e1_cdn_req" | "e0_cdn_req" | "e0_fn_inv" | "e1_fn_inv" => 1000.0,
                                _ => 0.0,
                            },
                        )],
                    })
                    .collect();
                assert!(matches!(
                    r.region,
                    MetricRegion::Home | MetricRegion::UsEast1
                ));
                (r, Ok(series))
            })
            .collect();
        let probes = ["dev", "prd"]
            .iter()
            .map(|n| ProbeResult {
                url: format!("https://{n}.example.com"),
                outcome: Ok(Probe {
                    status: 200,
                    ttfb_ms: 40,
                    tls_days_left: Some(60),
                }),
            })
            .collect();
        update(
            s,
            Action::Reply(Reply::HealthRead {
                request,
                at,
                readings: Box::new(Readings::new(&answers, at)),
                probes,
            }),
        )
    }

    /// The map reads only while it is shown, once a minute, one read in flight; before its
    /// first answer every metric is unknown "not read yet", never green or zero.
    #[test]
    fn the_map_reads_once_a_minute_only_while_shown() {
        let mut s = state();
        assert!(reads(&update(&mut s, Action::Tick(T0 + 1_000))).is_empty());
        let fx = update(&mut s, Action::Show(View::Map));
        let [(request, at)] = reads(&fx)[..] else {
            panic!("one read on showing the map: {fx:?}")
        };
        let map = s.health_map();
        let cdn = &map.environments[1].app[1];
        assert_eq!(
            (cdn.level, cdn.reason.as_str()),
            (Health::Unknown, "metrics: not read yet")
        );
        assert_eq!(map.environments[1].app[0].reason, "not probed yet");
        // In flight: no second read, however long it takes.
        assert!(reads(&update(&mut s, Action::Tick(at + 90_000))).is_empty());
        assert!(reads(&answer(&mut s, request, at)).is_empty());
        assert!(reads(&update(&mut s, Action::Tick(at + 95_000))).is_empty());
        let next = reads(&update(&mut s, Action::Tick(at + HEALTH_EVERY + 95_000)));
        let [(request, at)] = next[..] else {
            panic!("the next read a minute after the answer: {next:?}")
        };
        answer(&mut s, request, at);
        update(&mut s, Action::Show(View::Environments));
        for m in 1..=10 {
            let fx = update(&mut s, Action::Tick(at + m * HEALTH_EVERY));
            assert!(reads(&fx).is_empty(), "no read while hidden");
        }
        // An answer to an older read is dropped.
        let before = s.map.read_at;
        answer(&mut s, request, at + 1);
        assert_eq!(s.map.read_at, before);
    }

    /// prd's map turning red is one Attention event naming why; the next read, still red, adds
    /// none.
    #[test]
    fn an_environment_turning_red_on_the_map_is_one_attention_event() {
        use crate::app::attention::EventKind;
        let red = |s: &State| -> Vec<(String, String)> {
            s.attention
                .events
                .iter()
                .filter(|e| e.kind == EventKind::EnvironmentRed)
                .map(|e| (e.environment.clone(), e.summary.clone()))
                .collect()
        };
        let mut s = shown_and_read();
        assert_eq!(
            red(&s),
            [(
                "prd".to_string(),
                "prd turned red: CloudFront + fn: 5xx 4.2% > 1% for 5 min".to_string()
            )]
        );
        let at = s.map.read_at.unwrap_or(T0);
        let next = reads(&update(&mut s, Action::Tick(at + HEALTH_EVERY + 95_000)));
        let [(request, at)] = next[..] else {
            panic!("the next read: {next:?}")
        };
        answer(&mut s, request, at);
        assert_eq!(red(&s).len(), 1, "still red: no second event");
    }

    fn shown_and_read() -> State {
        let mut s = state();
        let fx = update(&mut s, Action::Show(View::Map));
        let (request, at) = reads(&fx)[0];
        answer(&mut s, request, at);
        s
    }

    /// Enter on a red CloudFront node opens Traffic filtered to 5xx; on the Lambda, the Logs view
    /// on its log group from the start of the judged window; on a Deployer node, the pipeline.
    #[test]
    fn enter_jumps_to_what_explains_the_selected_node() {
        let mut s = shown_and_read();
        update(&mut s, Action::NextEnv);
        let map = s.health_map();
        let cdn = &map.environments[1].app[1];
        assert_eq!(
            (cdn.level, cdn.reason.as_str()),
            (Health::Red, "5xx 4.2% > 1% for 5 min")
        );
        assert_eq!(map.environments[0].app[1].level, Health::Green);
        update(&mut s, Action::Down);
        update(&mut s, Action::Open);
        assert_eq!(s.view, View::Traffic);
        assert_eq!(s.traffic.filter_text, "status>=500");
        assert_eq!(s.traffic.committed, s.traffic.filter);
        assert_eq!(s.traffic.env, 1);

        update(&mut s, Action::Show(View::Map));
        update(&mut s, Action::Down);
        update(&mut s, Action::Down);
        update(&mut s, Action::Down);
        assert_eq!(s.map.node, 4, "the Lambda");
        update(&mut s, Action::Open);
        assert_eq!(s.view, View::Logs);
        assert_eq!(s.filter, "/aws/lambda/api-prd");
        assert_eq!(s.logs.env, 1);
        let read_at = s.map.read_at.unwrap();
        assert_eq!(s.logs.from, Some(window(read_at, 5).0));

        update(&mut s, Action::Show(View::Map));
        update(&mut s, Action::Bottom);
        assert_eq!(s.map.node, NODES - 1, "CodeDeploy, the last node");
        update(&mut s, Action::Open);
        assert_eq!(s.view, View::Pipeline);
        assert_eq!(s.selected, 1);
    }

    /// A slow origin filters Traffic to the requests slower than the yellow threshold, in the
    /// filter's milliseconds; a slow first byte by `ttfb`.
    #[test]
    fn a_slow_node_filters_traffic_by_time_in_milliseconds() {
        let t = crate::domain::Thresholds::default();
        let node = |reason: &str| Node {
            node: NodeKind::Cloudfront,
            resource: String::new(),
            level: Health::Red,
            reason: reason.into(),
            signals: Vec::new(),
            source: None,
        };
        assert_eq!(
            traffic_filter(&node("origin p99 3.4 s > 3.0 s"), &t).as_deref(),
            Some("time-taken>1000")
        );
        assert_eq!(
            traffic_filter(&node("first byte p99 1.2 s > 1.0 s"), &t).as_deref(),
            Some("ttfb>1000")
        );
        assert!(crate::accesslog::Filter::parse("time-taken>1000").is_ok());
        assert!(crate::accesslog::Filter::parse("ttfb>1000").is_ok());
    }

    /// A green site node opens Traffic unfiltered, and says so.
    #[test]
    fn a_green_node_opens_traffic_unfiltered() {
        let mut s = shown_and_read();
        update(&mut s, Action::Open);
        assert_eq!(s.view, View::Traffic);
        assert_eq!(s.traffic.filter_text, "");
        assert!(
            s.status
                .as_ref()
                .is_some_and(|m| m.text == "dev: traffic, unfiltered")
        );
    }
}
