//! The Traffic view's `:query` on Athena, for logs in S3: the runtime first finds the logging
//! setup, writes one SELECT per panel (the totals by status, the series, the top paths, edges
//! and countries: the same SQL `shipdeck query` runs) and estimates the bytes they scan; under
//! `max_scan_bytes` they run at once, above it (or when the estimate is unknown) a question
//! names the environment, filter, range and estimate first. When the table does not exist yet
//! (`TABLE_NOT_FOUND`, `SCHEMA_NOT_FOUND`), a question shows its DDL: creating it is an operator
//! action (refused read-only), audited as `create-athena-table`, then the SELECTs run again.
//! Each question acts only on the plans it showed.

use super::traffic::{Part, TrafficQuery};
use super::{QueryRun, RunState};
use crate::app::{Effect, Level, RequestId, State, View};
use crate::cloud::athena::{AthenaEnd, ExecutionState, Progress, billed};
use crate::cloud::{QueryResults, QueryStatistics, QueryStatus};
use crate::config::AthenaSpec;
use crate::query::{Estimate, GroupBy, InsightsAsk, Plan, SeriesStep, price_per_tb};

/// The audit log's name of creating the table (as `shipdeck query` writes it).
pub const CREATE_ACTION: &str = "create-athena-table";

/// What the runtime found for a query: the logs it reads, one plan per panel and the estimate.
#[derive(Debug, Clone, PartialEq)]
pub struct AthenaPlanned {
    /// The source and format, and where its objects are.
    pub source: String,
    /// One plan per part, in the parts' order (each has the DDL of the same table), or why
    /// that part cannot be asked of this setup (a field it does not log).
    pub plans: Vec<Result<Plan, String>>,
    /// What one SELECT scans at most (the objects in range), or why it is unknown.
    pub estimate: Result<Estimate, String>,
    /// What discovery could not read.
    pub notes: Vec<String>,
    /// The workgroup as `GetWorkGroup` described it (where results go, what it enforces), or
    /// why a query cannot run in it (the local engine does not need it).
    pub work_group: Result<String, String>,
    /// The logging setup the objects are read by (Athena's table; the local engine's reader).
    pub setup: crate::query::Setup,
}

impl AthenaPlanned {
    /// The SELECTs that can run.
    pub fn count(&self) -> u64 {
        self.plans.iter().flatten().count() as u64
    }

    /// The first plan that can run (its DDL is the table's).
    pub fn first(&self) -> Option<&Plan> {
        self.plans.iter().flatten().next()
    }
}

/// What is open before anything runs: the question and the plans it shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    /// The estimate is above the limit, or unknown: run anyway?
    Scan,
    /// The table does not exist: create it (these statements), then run?
    CreateTable {
        /// Why it cannot be created here (read-only), if so.
        refused: Option<String>,
    },
}

/// Where an Athena query is, before and besides its parts' runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Finding the setup and listing the objects in range (this request).
    Planning(RequestId),
    /// A question is open.
    Asking(Question),
    /// The SELECTs run (the parts say where each is).
    Running,
    /// The table is being created (this request).
    Creating(RequestId),
    /// Nothing more will run: why (declined, refused, could not plan, created none).
    Stopped(String),
    /// Read here by the local engine instead (`local.rs`).
    Local(super::local::LocalRead),
}

/// The Athena side of a Traffic query.
#[derive(Debug, Clone, PartialEq)]
pub struct AthenaQueryState {
    /// The environment's `[environments.athena]`.
    pub spec: AthenaSpec,
    /// Its region (the price per TB).
    pub region: String,
    /// What the runtime found, once it answered.
    pub planned: Option<AthenaPlanned>,
    /// Where it is.
    pub phase: Phase,
    /// Whether the table was created by this query already (a second miss is not asked again).
    pub created: bool,
    /// The engine the operator asked for (none: by the size of the range).
    pub choice: super::local::Choice,
    /// The filter the query was started with.
    pub filter: crate::accesslog::Filter,
}

impl AthenaQueryState {
    /// The bytes the parts would scan together, if known.
    pub fn estimated_bytes(&self) -> Option<u64> {
        let p = self.planned.as_ref()?;
        let e = p.estimate.as_ref().ok()?;
        Some(e.bytes.saturating_mul(p.count()))
    }

    /// What the parts would cost together, if known (each billed at least 10 MB).
    pub fn estimated_usd(&self) -> Option<f64> {
        let p = self.planned.as_ref()?;
        let e = p.estimate.as_ref().ok()?;
        Some(e.usd * p.count() as f64)
    }

    /// The price per TB in the region.
    pub fn price(&self) -> f64 {
        price_per_tb(&self.region).0
    }
}

/// The series' step on Athena (by minute, hour or day; five minutes become an hour) and how many
/// bins `span` milliseconds hold.
pub fn step(span: i64) -> (SeriesStep, GroupBy, usize) {
    let (step, group) = match SeriesStep::for_span(span) {
        SeriesStep::Minute => (SeriesStep::Minute, GroupBy::Minute),
        SeriesStep::FiveMinutes | SeriesStep::Hour => (SeriesStep::Hour, GroupBy::Hour),
        SeriesStep::Day => (SeriesStep::Day, GroupBy::Day),
    };
    let bins = usize::try_from(span / step.millis() + 2).unwrap_or(usize::MAX);
    (step, group, bins)
}

/// Most status codes a totals query lists (CloudFront answers a few dozen).
pub const STATUS_CODES: usize = 1000;

/// The SELECT's grouping of each ask: the totals by status, the series by its bin, a top list
/// by its key.
pub fn grouping(ask: InsightsAsk, series: (GroupBy, usize)) -> (GroupBy, usize) {
    match ask {
        InsightsAsk::Totals => (GroupBy::Status, STATUS_CODES),
        InsightsAsk::Series(_) => series,
        InsightsAsk::Top(g, n) => (g, n),
    }
}

/// `:query RANGE` over logs in S3: the parts wait while the runtime plans them.
pub(super) fn start(
    state: &mut State,
    env: usize,
    filter: &crate::accesslog::Filter,
    range: super::QueryRange,
    choice: super::local::Choice,
    mut fx: Vec<Effect>,
) -> Vec<Effect> {
    let Some(spec) = state.envs.get(env).map(|e| e.spec.clone()) else {
        return fx;
    };
    let pick = state.envs.get(env).and_then(|e| e.log_pick.clone());
    let span = range.until.since(range.since);
    let (step, series, bins) = step(span);
    let asks = [
        InsightsAsk::Totals,
        InsightsAsk::Series(step),
        InsightsAsk::Top(GroupBy::Path, super::traffic::TOP),
        InsightsAsk::Top(GroupBy::Edge, super::traffic::TOP),
        InsightsAsk::Top(GroupBy::Country, super::traffic::TOP),
    ];
    let request = state.take_request();
    fx.push(Effect::PlanAthena {
        env,
        request,
        spec: Box::new(spec.clone()),
        athena: state.queries.athena(env),
        region: state.queries.region(env),
        pick,
        filter: filter.clone(),
        since: range.since,
        until: range.until,
        groups: asks.iter().map(|a| grouping(*a, (series, bins))).collect(),
    });
    state.say(
        Level::Info,
        format!(
            ":query {} over {} on {}: listing the objects in range for the estimate",
            if filter.is_all() {
                "every request"
            } else {
                filter.source()
            },
            range.text,
            spec.name
        ),
    );
    state.queries.traffic = Some(TrafficQuery {
        env,
        env_name: spec.name.clone(),
        filter: filter.source().to_string(),
        range,
        group: String::new(),
        step,
        started: state.now,
        finished: None,
        parts: asks
            .into_iter()
            .map(|ask| Part {
                ask,
                run: QueryRun::waiting(String::new()),
            })
            .collect(),
        athena: Some(Box::new(AthenaQueryState {
            spec: state.queries.athena(env),
            region: state.queries.region(env),
            planned: None,
            phase: Phase::Planning(request),
            created: false,
            choice,
            filter: filter.clone(),
        })),
    });
    fx
}

/// The query's Athena state, when it is one.
fn athena(state: &mut State) -> Option<&mut AthenaQueryState> {
    state.queries.traffic.as_mut()?.athena.as_deref_mut()
}

/// The runtime planned the query `request`: run it, or ask first.
pub(crate) fn planned(
    state: &mut State,
    request: RequestId,
    result: Result<AthenaPlanned, String>,
) -> Vec<Effect> {
    let Some(a) = athena(state) else {
        return Vec::new();
    };
    if a.phase != Phase::Planning(request) {
        return Vec::new();
    }
    let mut planned = match result {
        Ok(p) => p,
        Err(why) => return cannot_plan(state, why),
    };
    // A top list of a field the logs lack is left out (as a delivery without it has none); the
    // totals and series are the query itself.
    let Some(q) = state.queries.traffic.as_mut() else {
        return Vec::new();
    };
    let mut keep = Vec::new();
    let mut failed = None;
    for (part, plan) in q.parts.drain(..).zip(planned.plans.drain(..)) {
        match (&plan, part.ask) {
            (Err(_), InsightsAsk::Top(..)) => {}
            (Err(why), _) => failed = failed.or(Some(why.clone())),
            (Ok(_), _) => keep.push((part, plan)),
        }
    }
    if let Some(why) = failed {
        return cannot_plan(state, why);
    }
    let (parts, plans): (Vec<Part>, Vec<_>) = keep.into_iter().unzip();
    q.parts = parts;
    planned.plans = plans;
    let Some(a) = q.athena.as_deref_mut() else {
        return Vec::new();
    };
    a.planned = Some(planned);
    if let Some(why) = super::local::here(a) {
        return super::local::run(state, why);
    }
    let Some(a) = athena(state) else {
        return Vec::new();
    };
    let Some(planned) = a.planned.as_ref() else {
        return Vec::new();
    };
    if let Err(why) = &planned.work_group {
        let why = why.clone();
        return cannot_plan(state, why);
    }
    let within = match &planned.estimate {
        Ok(e) => e.bytes.saturating_mul(planned.count()) <= a.spec.max_scan_bytes,
        Err(_) => false,
    };
    if within {
        return run(state);
    }
    a.phase = Phase::Asking(Question::Scan);
    state.say(
        Level::Warn,
        "Athena: the scan is above max_scan_bytes or unknown: enter runs it, esc does not",
    );
    Vec::new()
}

/// The query cannot be written or its logs not found: nothing runs, and why is said.
fn cannot_plan(state: &mut State, why: String) -> Vec<Effect> {
    if let Some(q) = state.queries.traffic.as_mut() {
        halt(q, format!("not run: {why}"));
    }
    state.say(Level::Error, format!(":query on Athena: {why}"));
    finish(state)
}

/// Sends the parts' SELECTs (each a fresh request).
fn run(state: &mut State) -> Vec<Effect> {
    let now = state.now;
    let Some(q) = state.queries.traffic.as_mut() else {
        return Vec::new();
    };
    let env = q.env;
    let Some(a) = q.athena.as_deref_mut() else {
        return Vec::new();
    };
    let Some(planned) = &a.planned else {
        return Vec::new();
    };
    a.phase = Phase::Running;
    let (spec, region) = (a.spec.clone(), a.region.clone());
    let sqls: Vec<String> = planned
        .plans
        .iter()
        .flatten()
        .map(|p| p.sql.clone())
        .collect();
    let mut fx = Vec::new();
    let mut next = state.next_request;
    for (part, sql) in q.parts.iter_mut().zip(sqls) {
        let request = next;
        next += 1;
        part.run = QueryRun::new(request, sql.clone());
        fx.push(Effect::RunAthena {
            env,
            request,
            sql,
            athena: spec.clone(),
            region: region.clone(),
        });
    }
    q.finished = None;
    q.started = now;
    state.next_request = next;
    fx
}

/// A key while a question is open: Enter answers yes (on the plans shown), Esc no.
pub(crate) fn answer(state: &mut State, yes: bool) -> Vec<Effect> {
    let Some(q) = state.queries.traffic.as_ref() else {
        return Vec::new();
    };
    let Some(Phase::Asking(question)) = q.athena.as_ref().map(|a| a.phase.clone()) else {
        return Vec::new();
    };
    let env_name = q.env_name.clone();
    match (question, yes) {
        (Question::Scan, true) => run(state),
        (Question::Scan, false) => {
            stopped(
                state,
                "not run: declined (the scan is above max_scan_bytes or unknown)",
            );
            Vec::new()
        }
        (Question::CreateTable { refused: Some(_) }, _) => {
            stopped(state, "not run: the table does not exist (read-only)");
            Vec::new()
        }
        (Question::CreateTable { refused: None }, false) => {
            stopped(state, "not run: the table was not created (declined)");
            audit(state, "declined", None, "the table was not created")
                .into_iter()
                .collect()
        }
        (Question::CreateTable { refused: None }, true) => {
            let request = state.take_request();
            let Some(q) = state.queries.traffic.as_mut() else {
                return Vec::new();
            };
            let env = q.env;
            let Some(a) = q.athena.as_deref_mut() else {
                return Vec::new();
            };
            let Some(plan) = a.planned.as_ref().and_then(AthenaPlanned::first) else {
                return Vec::new();
            };
            let statements = plan.ddl.clone();
            a.phase = Phase::Creating(request);
            let athena = a.spec.clone();
            state.say(
                Level::Info,
                format!("Athena: creating the table of {env_name}'s access logs"),
            );
            vec![Effect::CreateAthenaTable {
                env,
                request,
                athena,
                statements,
            }]
        }
    }
}

/// Ends the query without (more) runs, saying why.
fn stopped(state: &mut State, why: &str) {
    if let Some(q) = state.queries.traffic.as_mut() {
        halt(q, why.to_string());
    }
    state.say(Level::Info, format!("Athena: {why}"));
    finish(state);
}

/// The query's time stops once nothing runs.
fn finish(state: &mut State) -> Vec<Effect> {
    let now = state.now;
    if let Some(q) = state.queries.traffic.as_mut()
        && q.finished.is_none()
        && !q.running()
    {
        q.finished = Some(now);
    }
    Vec::new()
}

/// The audit line of creating the table (as `shipdeck query` writes it).
fn audit(state: &State, outcome: &str, guard: Option<&str>, message: &str) -> Option<Effect> {
    let q = state.queries.traffic.as_ref()?;
    let a = q.athena.as_ref()?;
    let plan = a.planned.as_ref()?.first()?;
    let entry = crate::ops::plan::audit::Entry::create_athena_table(
        &q.env_name,
        state.identity_of(q.env),
        &a.spec,
        plan,
        state.now,
        outcome,
        guard,
        message,
    );
    Some(crate::app::ops::dialog::audit(state, entry))
}

/// The part of request `request`.
fn part(state: &mut State, request: RequestId) -> Option<&mut Part> {
    state
        .queries
        .traffic
        .as_mut()?
        .parts
        .iter_mut()
        .find(|p| p.run.request == request)
}

/// A state read of a part's SELECT.
pub(crate) fn progress(state: &mut State, request: RequestId, p: Progress) -> Vec<Effect> {
    if let Some(part) = part(state, request) {
        let run = &mut part.run;
        run.query_id = Some(p.id.clone());
        run.scanned = Some((p.bytes_scanned, p.usd));
        if run.state != RunState::Stopping {
            run.state = RunState::Going(status(p.state));
        }
    }
    Vec::new()
}

fn status(s: ExecutionState) -> QueryStatus {
    match s {
        ExecutionState::Queued => QueryStatus::Scheduled,
        ExecutionState::Running => QueryStatus::Running,
        ExecutionState::Succeeded => QueryStatus::Complete,
        ExecutionState::Failed => QueryStatus::Failed,
        ExecutionState::Cancelled => QueryStatus::Cancelled,
        ExecutionState::Unknown => QueryStatus::Unknown,
    }
}

/// A part's SELECT ended: its rows, Athena's reason, or a stop; a missing table opens the
/// question that creates it.
pub(crate) fn ended(
    state: &mut State,
    request: RequestId,
    result: Result<AthenaEnd, String>,
) -> Vec<Effect> {
    let price = state
        .queries
        .traffic
        .as_ref()
        .and_then(|q| q.athena.as_ref())
        .map_or(0.0, |a| a.price());
    let missing = matches!(&result, Ok(end) if end.missing_table());
    let Some(part) = part(state, request) else {
        return Vec::new();
    };
    let run = &mut part.run;
    match result {
        Ok(AthenaEnd::Succeeded {
            execution,
            columns,
            rows,
        }) => {
            run.query_id = Some(execution.id.clone());
            run.scanned = Some((execution.bytes_scanned, billed(&execution, price)));
            run.state = RunState::Ended(QueryStatus::Complete);
            run.results = Some(QueryResults {
                status: QueryStatus::Complete,
                rows: rows
                    .into_iter()
                    .map(|row| {
                        columns
                            .iter()
                            .zip(row)
                            .map(|(c, v)| (c.name.clone(), v.unwrap_or_else(|| "-".into())))
                            .collect()
                    })
                    .collect(),
                statistics: QueryStatistics {
                    bytes_scanned: execution.bytes_scanned as f64,
                    ..QueryStatistics::default()
                },
            });
        }
        Ok(AthenaEnd::Ended(e)) => {
            run.query_id = Some(e.id.clone());
            run.scanned = Some((e.bytes_scanned, billed(&e, price)));
            run.state = match e.state {
                ExecutionState::Failed => RunState::Failed(
                    e.reason
                        .unwrap_or_else(|| "FAILED: Athena gave no reason".into()),
                ),
                s => RunState::Ended(status(s)),
            };
        }
        Ok(AthenaEnd::Stopped { last, note }) => {
            if let Some(e) = &last {
                run.scanned = Some((e.bytes_scanned, billed(e, price)));
            }
            run.state = RunState::Ended(QueryStatus::Cancelled);
            run.note = note;
        }
        Err(why) => run.state = RunState::Failed(why),
    }
    let running = state.queries.traffic.as_ref().is_some_and(|q| q.running());
    let asked = state
        .queries
        .traffic
        .as_ref()
        .and_then(|q| q.athena.as_ref())
        .is_some_and(|a| !matches!(a.phase, Phase::Running));
    if missing && !running && !asked {
        return missing_table(state);
    }
    if !running && !asked {
        finish(state);
        let failed = state.queries.traffic.as_ref().and_then(|q| {
            q.parts.iter().find_map(|p| match &p.run.state {
                RunState::Failed(why) => Some((q.env_name.clone(), why.clone())),
                _ => None,
            })
        });
        if let Some((env, why)) = failed {
            state.say(
                Level::Error,
                format!("Athena query on {env} failed: {why} (the live view is kept)"),
            );
        }
    }
    Vec::new()
}

/// Every part has ended and one found no table: the question that creates it (or says why it
/// cannot be created here); a table created by this query already is not asked for again.
fn missing_table(state: &mut State) -> Vec<Effect> {
    let Some(q) = state.queries.traffic.as_ref() else {
        return Vec::new();
    };
    let env = q.env;
    let created = q.athena.as_ref().is_some_and(|a| a.created);
    if created {
        finish(state);
        state.say(
            Level::Error,
            "Athena: the table is still not found after it was created",
        );
        return Vec::new();
    }
    let refused = state.read_only_env(env).then(|| {
        "read-only: creating the table is refused (the query needs it); run without \
         --read-only, or on an environment that is not read_only"
            .to_string()
    });
    let mut fx = Vec::new();
    if let Some(why) = &refused {
        fx.extend(audit(state, "refused", Some("read-only"), why));
    }
    if let Some(a) = athena(state) {
        a.phase = Phase::Asking(Question::CreateTable {
            refused: refused.clone(),
        });
    }
    state.say(
        Level::Warn,
        match refused {
            Some(_) => "Athena: the table does not exist, and read-only cannot create it",
            None => "Athena: the table does not exist: enter creates it and runs the query, esc does not",
        },
    );
    fx
}

/// The table's creation ended: audited; the SELECTs run again, or why not is said.
pub(crate) fn created(
    state: &mut State,
    request: RequestId,
    result: Result<(), String>,
) -> Vec<Effect> {
    let Some(a) = athena(state) else {
        return Vec::new();
    };
    if a.phase != Phase::Creating(request) {
        return Vec::new();
    }
    match result {
        Ok(()) => {
            a.created = true;
            let names = a
                .planned
                .as_ref()
                .and_then(AthenaPlanned::first)
                .map(|p| format!("{}.{}", p.names.database, p.names.table))
                .unwrap_or_default();
            let mut fx: Vec<Effect> = audit(state, "done", None, &format!("created {names}"))
                .into_iter()
                .collect();
            state.say(
                Level::Info,
                format!("Athena: created {names}; running the query"),
            );
            fx.extend(run(state));
            fx
        }
        Err(why) => {
            let fx: Vec<Effect> = audit(state, "failed", None, &why).into_iter().collect();
            stopped(state, &format!("not run: the table was not created: {why}"));
            fx
        }
    }
}

/// Nothing more runs, for `why`: the parts not sent say so (unknown, not zero).
fn halt(q: &mut TrafficQuery, why: String) {
    for p in &mut q.parts {
        if p.run.state == RunState::Waiting {
            p.run.state = RunState::Failed(why.clone());
        }
    }
    if let Some(a) = q.athena.as_deref_mut() {
        a.phase = Phase::Stopped(why);
    }
}

/// Stops what runs: the parts' SELECTs, the table's creation, or the planning.
pub(crate) fn stop(q: &mut TrafficQuery) -> Vec<Effect> {
    let Some(a) = q.athena.as_deref_mut() else {
        return Vec::new();
    };
    match a.phase.clone() {
        Phase::Planning(_) => {
            halt(q, "stopped before it ran".into());
            Vec::new()
        }
        Phase::Asking(_) => {
            halt(q, "not run: the question was left".into());
            Vec::new()
        }
        Phase::Creating(request) => {
            halt(q, "stopped while creating the table".into());
            vec![Effect::Cancel { request }]
        }
        Phase::Running => {
            let mut runs: Vec<&mut QueryRun> = q.parts.iter_mut().map(|p| &mut p.run).collect();
            super::stop(&mut runs)
        }
        Phase::Local(l) => super::local::stop(&l),
        Phase::Stopped(_) => Vec::new(),
    }
}

/// Whether the query still has something going (planning, a question, a creation).
pub fn pending(a: &AthenaQueryState) -> bool {
    match &a.phase {
        Phase::Planning(_) | Phase::Asking(_) | Phase::Creating(_) => true,
        Phase::Local(l) => !l.ended,
        Phase::Running | Phase::Stopped(_) => false,
    }
}

/// Whether the Traffic view's query has a question open (it takes Enter and Esc).
pub fn asking(state: &State) -> bool {
    state.view == View::Traffic
        && state
            .queries
            .traffic
            .as_ref()
            .and_then(|q| q.athena.as_ref())
            .is_some_and(|a| matches!(a.phase, Phase::Asking(_)))
}
