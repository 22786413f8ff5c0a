//! The Traffic view's `:query` over logs in S3, answered here when that is cheaper: once the
//! runtime has listed the objects in range for Athena's estimate, a range holding at most
//! `local_max_bytes` of them (`[environments.athena]`, 256 MiB by default) is read by the local
//! engine instead — the same objects Athena would read, the same range, filter and groupings
//! (`query::local` counts as the SELECT does), free and without a table. `:query RANGE local`
//! and `:query RANGE athena` choose the engine whatever the size. Esc, `:cancel` and leaving the
//! view stop the read between objects; what it counted is then shown as cancelled.

use super::athena::{AthenaQueryState, Phase};
use super::{QueryRun, RunState};
use crate::app::{Effect, Level, RequestId, State};
use crate::cloud::{QueryResults, QueryStatistics, QueryStatus};

/// Which engine `:query` runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Choice {
    /// By the size of the range: here up to `local_max_bytes`, else Athena.
    #[default]
    Auto,
    /// Here, whatever the size (`:query RANGE local`).
    Local,
    /// On Athena, whatever the size (`:query RANGE athena`).
    Athena,
}

impl Choice {
    /// The engine word after the range: none, `local` or `athena`.
    pub fn parse(word: Option<&str>) -> Result<Choice, String> {
        match word {
            None => Ok(Choice::Auto),
            Some("local") => Ok(Choice::Local),
            Some("athena") => Ok(Choice::Athena),
            Some(w) => Err(format!(
                "unknown engine `{w}`: expected `local` (read here) or `athena`, or nothing (by the \
                 size of the range)"
            )),
        }
    }
}

/// What the local engine reads and counts for one `:query`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalQuery {
    /// The logging setup: bucket, layout, format and fields.
    pub setup: crate::query::Setup,
    /// The key prefixes to list (the objects Athena would read are those holding the range).
    pub listing: Vec<String>,
    /// The filter.
    pub filter: crate::accesslog::Filter,
    /// The range's first instant.
    pub since: crate::domain::Timestamp,
    /// The instant after its last.
    pub until: crate::domain::Timestamp,
    /// One count per part: its key and how many groups.
    pub groups: Vec<(crate::query::GroupBy, usize)>,
}

/// How far a local read has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LocalProgress {
    /// Objects read.
    pub read: usize,
    /// Objects listed in range so far.
    pub listed: usize,
    /// Whether the listing goes on.
    pub listing: bool,
    /// Bytes read (as stored).
    pub bytes: u64,
}

/// What the local engine answered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LocalAnswer {
    /// Each grouping's rows, in the order asked, as the SELECT would give them.
    pub rows: Vec<Vec<Vec<(String, String)>>>,
    /// Objects read and their bytes.
    pub progress: LocalProgress,
    /// Lines that could not be read as records (with the first reasons).
    pub skipped: u64,
    /// The first reasons lines were skipped.
    pub errors: Vec<String>,
    /// Whether the operator stopped it (the counts cover the objects read until then).
    pub stopped: bool,
}

/// A local read of a Traffic query.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalRead {
    /// The runtime's request.
    pub request: RequestId,
    /// Why it runs here, e.g. `12.0 MB in range, at most local_max_bytes 256.0 MB`.
    pub why: String,
    /// How far it has come.
    pub progress: LocalProgress,
    /// Lines skipped, once ended.
    pub skipped: u64,
    /// Whether it has ended.
    pub ended: bool,
}

/// Whether the planned query runs here, and why (for the status line).
pub(super) fn here(a: &AthenaQueryState) -> Option<String> {
    let planned = a.planned.as_ref()?;
    let bytes = planned.estimate.as_ref().ok().map(|e| e.bytes);
    let limit = a.spec.local_max_bytes;
    let size = crate::query::size;
    match (a.choice, bytes) {
        (Choice::Athena, _) => None,
        (Choice::Local, Some(b)) => Some(format!("{} in range, asked to read here", size(b))),
        (Choice::Local, None) => Some("asked to read here".into()),
        (Choice::Auto, Some(b)) if b <= limit => Some(format!(
            "{} in range, at most local_max_bytes {}",
            size(b),
            size(limit)
        )),
        (Choice::Auto, _) => None,
    }
}

/// Sends the local read of the planned query; the parts wait for its answer.
pub(super) fn run(state: &mut State, why: String) -> Vec<Effect> {
    let request = state.take_request();
    let now = state.now;
    let Some(q) = state.queries.traffic.as_mut() else {
        return Vec::new();
    };
    let env = q.env;
    let (since, until) = (q.range.since, q.range.until);
    let Some(a) = q.athena.as_deref_mut() else {
        return Vec::new();
    };
    let Some(planned) = a.planned.as_ref() else {
        return Vec::new();
    };
    let Some(first) = planned.first() else {
        return Vec::new();
    };
    let listing = first.listing.clone();
    let setup = planned.setup.clone();
    let filter = a.filter.clone();
    let athena_usd = a.estimated_usd();
    a.phase = Phase::Local(LocalRead {
        request,
        why: why.clone(),
        progress: LocalProgress {
            listing: true,
            ..LocalProgress::default()
        },
        skipped: 0,
        ended: false,
    });
    let (_, series, bins) = super::athena::step(until.since(since));
    let mut groups = Vec::new();
    for p in &mut q.parts {
        p.run = QueryRun::new(request, String::new());
        groups.push(super::athena::grouping(p.ask, (series, bins)));
    }
    q.started = now;
    q.finished = None;
    let env_name = q.env_name.clone();
    let range = q.range.text.clone();
    state.say(
        Level::Info,
        format!(
            ":query {range} on {env_name} reads here ({why}), free{}; `:query {range} athena` runs \
             it on Athena",
            athena_usd.map_or_else(String::new, |usd| format!(
                " (Athena: about {})",
                crate::query::dollars(usd)
            ))
        ),
    );
    vec![Effect::RunLocalQuery {
        env,
        request,
        query: Box::new(LocalQuery {
            setup,
            listing,
            filter,
            since,
            until,
            groups,
        }),
    }]
}

/// The local read's state, when request `request` is it.
fn read(state: &mut State, request: RequestId) -> Option<&mut LocalRead> {
    let a = state.queries.traffic.as_mut()?.athena.as_deref_mut()?;
    match &mut a.phase {
        Phase::Local(l) if l.request == request && !l.ended => Some(l),
        _ => None,
    }
}

/// How far the local read `request` has come.
pub(crate) fn progress(state: &mut State, request: RequestId, p: LocalProgress) -> Vec<Effect> {
    if let Some(l) = read(state, request) {
        l.progress = p;
    }
    Vec::new()
}

/// The local read `request` ended: each part takes its rows, or why there are none.
pub(crate) fn ended(
    state: &mut State,
    request: RequestId,
    result: Result<LocalAnswer, String>,
) -> Vec<Effect> {
    let now = state.now;
    let Some(l) = read(state, request) else {
        return Vec::new();
    };
    l.ended = true;
    if let Ok(answer) = &result {
        l.progress = answer.progress;
        l.progress.listing = false;
        l.skipped = answer.skipped;
    }
    let Some(q) = state.queries.traffic.as_mut() else {
        return Vec::new();
    };
    q.finished = Some(now);
    let env = q.env_name.clone();
    match result {
        Ok(answer) => {
            let status = if answer.stopped {
                QueryStatus::Cancelled
            } else {
                QueryStatus::Complete
            };
            for (part, rows) in q.parts.iter_mut().zip(answer.rows) {
                part.run.state = RunState::Ended(status);
                part.run.results = Some(QueryResults {
                    status,
                    rows,
                    statistics: QueryStatistics::default(),
                });
            }
            if answer.skipped > 0 {
                let first = answer.errors.first().cloned().unwrap_or_default();
                state.say(
                    Level::Warn,
                    format!(
                        ":query on {env}: {} lines could not be read and are not counted ({first})",
                        answer.skipped
                    ),
                );
            }
        }
        Err(why) => {
            for part in &mut q.parts {
                part.run.state = RunState::Failed(why.clone());
            }
            state.say(
                Level::Error,
                format!(
                    ":query on {env} could not read its logs here: {why} (the live view is kept)"
                ),
            );
        }
    }
    Vec::new()
}

/// Stops the local read `l` (the parts keep what it counted until then).
pub(super) fn stop(l: &LocalRead) -> Vec<Effect> {
    if l.ended {
        return Vec::new();
    }
    vec![Effect::Cancel { request: l.request }]
}
