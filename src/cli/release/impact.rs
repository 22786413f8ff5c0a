//! `shipdeck impact ENV [--execution ID]`: the release health of a deploy — the access logs of
//! the window before it reached the environment against the window after, and the verdict —
//! read headless by the console's own Traffic tail and deploy markers: the markers first, then
//! the logs of the deploy's two windows only (the hours from its before-window's start to its
//! after-window's end), if the look-back (24 h, or `--since`) reaches them.

use crate::accesslog::impact::{Impact, MIN_AFTER, Side, Verdict, WARMUP, WINDOW};
use crate::app::{Action, View};
use crate::cli::args::Since;
use crate::cli::{Answer, Failure, Global, Output, connect, json};
use crate::domain::Timestamp;
use crate::runtime::Headless;
use serde::Serialize;

/// Polls of the tail at most while its look-back is read.
const MAX_POLLS: usize = 8;

#[derive(Serialize)]
struct ImpactOut {
    environment: String,
    execution_id: String,
    deploy: String,
    reached_at: String,
    verdict: Verdict,
    reasons: Vec<String>,
    /// The windows' measures, `null` when their logs were not read (the verdict is then
    /// unknown): never zero counts for what was not counted.
    before: Option<Side>,
    after: Option<Side>,
    before_cache_from_warmup: Option<f64>,
    after_cache_from_warmup: Option<f64>,
    paths: Vec<crate::accesslog::impact::Shift>,
    status_codes: Vec<crate::accesslog::impact::Shift>,
    /// What was read to measure it, `null` when nothing was (the look-back does not reach it).
    logs_read: Option<LogsRead>,
    rule: RuleOut,
}

/// The span of the logs read for a deploy's windows, and how much was in it.
#[derive(Serialize)]
struct LogsRead {
    /// The first record time read.
    from: String,
    /// Records before this time were read (the log files of later hours were not).
    until: String,
    /// Log files read (a log group's events come in none).
    objects: u64,
    /// Records read within the span (the files of its first and last hours hold others too).
    records: u64,
}

#[derive(Serialize)]
struct RuleOut {
    window_minutes: i64,
    min_after_minutes: i64,
    min_requests: u64,
    z: f64,
    min_5xx: u64,
    latency_ratio: f64,
    latency_ms: u32,
    hit_points: f64,
    warmup_minutes: i64,
}

fn rule() -> RuleOut {
    use crate::accesslog::impact as r;
    RuleOut {
        window_minutes: WINDOW / Timestamp::MINUTE,
        min_after_minutes: MIN_AFTER / Timestamp::MINUTE,
        min_requests: r::MIN_REQUESTS,
        z: r::Z,
        min_5xx: r::MIN_5XX,
        latency_ratio: r::LATENCY_RATIO,
        latency_ms: r::LATENCY_MS,
        hit_points: r::HIT_POINTS,
        warmup_minutes: WARMUP / Timestamp::MINUTE,
    }
}

/// Prints the impact of `env`'s newest deploy, or of the deploy of `execution` (an id or its
/// first characters) among the newest executions'. The logs are read only from its
/// before-window's start to its after-window's end, and only if that is within the look-back
/// (`since`, else 24 h): a deploy older than that is unknown at once, without reading a day of
/// logs first; one three days old with `--since 80h` reads its hour or two, not three days.
pub async fn run(
    global: &Global,
    env: &str,
    execution: Option<&str>,
    since: Option<Since>,
    output: Output,
) -> Result<Answer, Failure> {
    if execution.is_some_and(|id| id.trim().is_empty()) {
        return Err(Failure::usage(
            "--execution: expected an execution id or its first characters, got nothing",
        ));
    }
    let backend = connect(global).map_err(Failure::new)?;
    let names = backend.config.environments.iter().map(|e| e.name.as_str());
    let index = crate::cli::env_position(names, env)?;
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    app.state.selected = index;
    app.dispatch(Action::Show(View::Traffic));
    // The 24 h look-back (from the default 1 h), or the one asked for: how far back the logs
    // may be read.
    app.dispatch(Action::NextPreset);
    let limit = since.map_or(app.state.traffic.since, |s| s.at(backend.now));
    // The deploy markers first, before any log is read (the tail reads from now: nothing back).
    app.state.read_traffic_between(backend.now, None);
    settle(&mut app, backend.now).await;
    if let Some(Err(why)) = &app.state.traffic.marks.runs {
        return Err(Failure::new(format!("{env}: deploys unknown: {why}")));
    }
    // Executions that could not be listed are unknown, not "no deploy".
    let view = &app.state.envs[index];
    if let Some(stale) = &view.refresh.error {
        return Err(Failure::new(format!(
            "{env}: deploys unknown: its executions could not be read: {}",
            stale.error
        )));
    }
    let markers = app.state.traffic_markers();
    let deploys = || (markers.iter()).filter(|m| m.kind.is_deploy());
    let found = match execution {
        Some(id) => deploys().rfind(|m| m.execution.starts_with(id)),
        None => deploys().next_back(),
    };
    let listed = |id: &str| (view.executions.iter()).find(|x| x.id.starts_with(id));
    if let (None, Some(x)) = (&found, execution.and_then(listed)) {
        // Listed, but it never reached the environment's deploy stage's end.
        return Err(Failure::usage(format!(
            "execution {} has not deployed to {env} (it is {}): there is no deploy to judge",
            x.id,
            x.status.as_str()
        )));
    }
    let Some(marker) = found.cloned() else {
        return Err(Failure::usage(match execution {
            Some(id) => format!(
                "no deploy of execution `{id}` among {env}'s {} newest executions",
                crate::app::MARKED_EXECUTIONS
            ),
            None => format!(
                "no deploy among {env}'s {} newest executions",
                crate::app::MARKED_EXECUTIONS
            ),
        }));
    };
    // Then only what the deploy's windows need: from its before-window to the end of its
    // after-window (the log files of the hours between; not those of the days since), if the
    // look-back reaches it; else nothing is read and the verdict is unknown, said at once.
    let previous = app.state.deploy_before(marker.at);
    let from = crate::accesslog::impact::before_from(marker.at, previous);
    // The after-window stops at the next deploy: what follows is its traffic.
    let next = app.state.deploy_after(marker.at);
    let until = next.map_or(marker.at + WINDOW, |n| n.min(marker.at + WINDOW));
    app.state.read_traffic_between(from.max(limit), Some(until));
    let read = (from >= limit).then_some(LogsRead {
        from: from.rfc3339(),
        until: until.rfc3339(),
        objects: 0,
        records: 0,
    });
    if read.is_some() {
        settle(&mut app, backend.now).await;
    }
    // The records of the span (a log file of its first or last hour holds others too).
    let span = from.millis()..until.millis();
    let in_span = (app.state.traffic.records.iter())
        .filter(|r| span.contains(&crate::accesslog::LogFields::timestamp_ms(r)))
        .count();
    let logs_read = read.map(|r| LogsRead {
        objects: app.state.traffic.objects,
        records: in_span as u64,
        ..r
    });
    // The markers as read now (invalidations are listed back to the read's start).
    let again = app.state.traffic_markers();
    let i = (again.iter()).position(|m| m.kind.is_deploy() && m.execution == marker.execution);
    app.state.traffic.marks.selected = i;
    app.dispatch(Action::ToggleImpact);
    let impact = app
        .state
        .traffic
        .marks
        .impact
        .clone()
        .filter(|_| i.is_some())
        .unwrap_or_else(|| Impact::unknown(marker.at, "not measured".into()));
    let mut impact = impact;
    let read_from = app.state.traffic.since;
    if impact.verdict == Verdict::Unknown && impact.before.from < read_from {
        // Not read back far enough: how far would do.
        let back = backend.now.since(impact.before.from);
        let hours = (back + Timestamp::HOUR - 1) / Timestamp::HOUR;
        impact
            .reasons
            .push(format!("`--since {hours}h` reads back to it"));
    }
    let (lookups, hits) = impact.warm_cache;
    // An unknown verdict is a deploy whose windows were not measured (see `Impact::unknown`).
    let measured = impact.verdict != Verdict::Unknown;
    let report = ImpactOut {
        environment: env.to_string(),
        execution_id: marker.execution.clone(),
        deploy: marker.label.clone(),
        reached_at: marker.at.rfc3339(),
        verdict: impact.verdict,
        reasons: impact.reasons.clone(),
        before_cache_from_warmup: {
            let (lookups, hits) = impact.warm_cache_before;
            (lookups > 0).then(|| hits as f64 / lookups as f64)
        },
        after_cache_from_warmup: (lookups > 0).then(|| hits as f64 / lookups as f64),
        before: measured.then(|| impact.before.clone()),
        after: measured.then(|| impact.after.clone()),
        paths: impact.paths.clone(),
        status_codes: impact.status_codes.clone(),
        logs_read,
        rule: rule(),
    };
    let code = u8::from(impact.verdict == Verdict::Unknown);
    let text = if output == Output::Json {
        json(&report)?
    } else {
        table(&report)
    };
    Ok(Answer { text, code })
}

/// Ticks the headless app until its tail has nothing more to do now and the deploy markers are
/// read (a source found by discovery first, listed, then read, takes a tick each).
async fn settle(app: &mut Headless, now: Timestamp) {
    for _ in 0..MAX_POLLS {
        app.tick(now).await;
        let t = &app.state.traffic;
        let settled = t.load.inflight.is_none() && !t.load.due(now);
        if settled && t.marks.inflight.is_none() && t.marks.runs.is_some() {
            break;
        }
    }
}

fn table(r: &ImpactOut) -> String {
    let pct = |v: Option<f64>| v.map_or("-".into(), |v| format!("{:.2}%", v * 100.0));
    let ms = |v: Option<u32>| v.map_or("-".into(), |v| format!("{v}ms"));
    let mut out = format!(
        "{}: {} reached it at {}\nverdict: {}{}\n",
        r.environment,
        r.deploy,
        r.reached_at,
        r.verdict.label(),
        if r.reasons.is_empty() {
            String::new()
        } else {
            format!(" — {}", r.reasons.join("; "))
        }
    );
    if let Some(l) = &r.logs_read {
        let count = crate::domain::words::count;
        let files = match l.objects {
            0 => String::new(),
            n => format!(" in {}", count(n as usize, "log file", "log files")),
        };
        out.push_str(&format!(
            "logs read: {} to {}, {}{files}\n",
            l.from,
            l.until,
            count(l.records as usize, "record", "records"),
        ));
    }
    let Some((b, a)) = r.before.as_ref().zip(r.after.as_ref()) else {
        out.push_str("before and after: not measured, their logs were not read\n");
        return out;
    };
    let window = |s: &Side| format!("{}–{}", s.from.clock(), s.to.clock());
    let rows = [
        ("", "before".to_string(), "after".to_string()),
        ("window", window(b), window(a)),
        ("requests", b.requests.to_string(), a.requests.to_string()),
        ("4xx", pct(b.rate_4xx), pct(a.rate_4xx)),
        ("5xx", pct(b.rate_5xx), pct(a.rate_5xx)),
        ("p50", ms(b.time_taken_ms[0]), ms(a.time_taken_ms[0])),
        ("p95", ms(b.time_taken_ms[1]), ms(a.time_taken_ms[1])),
        ("p99", ms(b.time_taken_ms[2]), ms(a.time_taken_ms[2])),
        ("origin p95", ms(b.origin_ms[1]), ms(a.origin_ms[1])),
        ("cache hit", pct(b.hit_ratio), pct(a.hit_ratio)),
        (
            "hit ≥15m",
            pct(r.before_cache_from_warmup),
            pct(r.after_cache_from_warmup),
        ),
    ];
    for (label, x, y) in rows {
        out.push_str(&format!("{label:<11}{x:>18} {y:>18}\n"));
    }
    for (title, list) in [("paths", &r.paths), ("status", &r.status_codes)] {
        for s in list {
            out.push_str(&format!(
                "{title:<11}{:>7.2}% → {:>6.2}%  {}\n",
                s.before * 100.0,
                s.after * 100.0,
                crate::accesslog::decode(&s.key)
            ));
        }
    }
    out
}
