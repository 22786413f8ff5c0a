//! Markers of the Traffic charts (pure): each deploy (its execution's deploy stage
//! succeeding), approval and rollback, at the time the pipeline recorded it, from the executions
//! and the action runs the app read, and each CloudFront invalidation of the distribution at its
//! creation time; and the reads of those runs and invalidations while the view is shown.

use crate::accesslog::LogFields;
use crate::accesslog::impact::Impact;
use crate::app::{Effect, RequestId, State, View};
use crate::cloud::{CloudError, InvalidationPage, InvalidationStatus};
use crate::domain::{
    ActionCategory, ActionExecutionDetail, ActionStatus, ExecutionSummary, ExecutionType,
    PipelineDef, Timestamp,
};

/// Executions whose action runs are read for the markers (the newest).
pub const MARKED_EXECUTIONS: usize = 8;

/// How often the distribution's invalidations are listed while the Traffic view is shown.
pub const INVALIDATIONS_EVERY: i64 = Timestamp::MINUTE;

/// What happened at a marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerKind {
    /// A release reached the environment (its deploy stage succeeded).
    Deploy,
    /// A rollback execution reached it.
    Rollback,
    /// A manual approval was answered.
    Approval,
    /// A CloudFront invalidation of the distribution was created.
    Invalidation,
}

impl MarkerKind {
    /// The glyph on the charts' time axis.
    pub fn glyph(self) -> char {
        match self {
            MarkerKind::Deploy => '▲',
            MarkerKind::Rollback => '↶',
            MarkerKind::Approval => '◆',
            MarkerKind::Invalidation => '*',
        }
    }

    /// Which of two markers in one place shows first (lower first): deploys and rollbacks,
    /// then approvals, then invalidations (a deploy's own invalidation never hides it).
    pub fn rank(self) -> u8 {
        match self {
            MarkerKind::Deploy | MarkerKind::Rollback => 0,
            MarkerKind::Approval => 1,
            MarkerKind::Invalidation => 2,
        }
    }

    /// Whether a release reached the environment here (a deploy or a rollback): what the
    /// release-health panel measures.
    pub fn is_deploy(self) -> bool {
        matches!(self, MarkerKind::Deploy | MarkerKind::Rollback)
    }
}

/// One event on the time axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// When.
    pub at: Timestamp,
    /// What.
    pub kind: MarkerKind,
    /// The execution it belongs to (an invalidation's: the invalidation's id).
    pub execution: String,
    /// `deploy 1.43.0 (fc8a36d7)`, `approved by carol`, `invalidation I2J0I21PCUYOIK`.
    pub label: String,
}

/// Oldest first; of markers at one time the one that shows first ([`MarkerKind::rank`]) comes
/// last, so the marker key (newest first) picks a deploy before its own invalidation.
fn order(markers: &mut [Marker]) {
    markers.sort_by_key(|m| (m.at, std::cmp::Reverse(m.kind.rank())));
}

/// The markers of an environment, oldest first: from `runs` (the action runs of its newest
/// executions) and `executions` (their type and release).
pub fn markers(
    def: Option<&PipelineDef>,
    executions: &[ExecutionSummary],
    runs: &[ActionExecutionDetail],
) -> Vec<Marker> {
    let Some(def) = def else { return Vec::new() };
    let deploy = def.deploy_stage();
    let approval = |stage: &str, action: &str| {
        def.stages.iter().any(|s| {
            s.name == stage
                && s.actions
                    .iter()
                    .any(|a| a.name == action && a.category == ActionCategory::Approval)
        })
    };
    let short = |id: &str| id.get(..8).unwrap_or(id).to_string();
    let mut out: Vec<Marker> = Vec::new();
    for r in runs {
        let exec = executions.iter().find(|e| e.id == r.pipeline_execution_id);
        if Some(r.stage.as_str()) == deploy && r.status == ActionStatus::Succeeded {
            let rollback = exec.is_some_and(|e| e.execution_type == ExecutionType::Rollback);
            let version = exec
                .and_then(|e| e.release())
                .map(|r| format!("{} ", r.version))
                .unwrap_or_default();
            let id = short(&r.pipeline_execution_id);
            let (kind, label) = if rollback {
                (MarkerKind::Rollback, format!("rollback to {version}({id})"))
            } else {
                (MarkerKind::Deploy, format!("deploy {version}({id})"))
            };
            // One per execution: a retried stage's last success.
            out.retain(|m| !(m.execution == r.pipeline_execution_id && m.kind == kind));
            out.push(Marker {
                at: r.last_update,
                kind,
                execution: r.pipeline_execution_id.clone(),
                label,
            });
        } else if approval(&r.stage, &r.action) && r.status != ActionStatus::InProgress {
            let by = r
                .updated_by
                .as_deref()
                .map(|b| b.rsplit('/').next().unwrap_or(b));
            let label = match (r.status, by) {
                (ActionStatus::Succeeded, Some(by)) => format!("approved by {by}"),
                (ActionStatus::Succeeded, None) => "approved".into(),
                (_, Some(by)) => format!("rejected by {by}"),
                // No one answered: it expired.
                (_, None) => "approval expired".into(),
            };
            out.push(Marker {
                at: r.last_update,
                kind: MarkerKind::Approval,
                execution: r.pipeline_execution_id.clone(),
                label,
            });
        }
    }
    out.sort_by_key(|m| m.at);
    out
}

/// The markers of a distribution's invalidations as listed, oldest first.
pub fn invalidation_markers(page: &InvalidationPage) -> Vec<Marker> {
    let mut out: Vec<Marker> = page
        .items
        .iter()
        .map(|i| Marker {
            at: i.created,
            kind: MarkerKind::Invalidation,
            execution: i.id.clone(),
            label: match i.status {
                InvalidationStatus::Completed => format!("invalidation {}", i.id),
                InvalidationStatus::InProgress => format!("invalidation {} (in progress)", i.id),
            },
        })
        .collect();
    out.sort_by_key(|m| m.at);
    out
}

/// The deploys among `markers` (deploys and rollbacks), oldest first.
pub fn deploys(markers: &[Marker]) -> impl Iterator<Item = &Marker> {
    markers.iter().filter(|m| m.kind.is_deploy())
}

impl crate::app::traffic::state::Marks {
    /// What is not known of the invalidations the charts mark, back to `since` (the view's
    /// look-back): their read failed (unknown, not none), or it stopped before the look-back's
    /// start. When a listing fails after one that worked, the markers listed stay and only the
    /// invalidations made since (and before the range it listed) are unknown.
    pub fn invalidations_unknown(&self, since: Timestamp) -> Option<String> {
        if let (Some(why), Some(Ok(_)), Some((at, back))) = (
            &self.invalidations_failed,
            &self.invalidations,
            self.invalidations_listed,
        ) {
            let before = if since < back {
                format!(" or before {}", back.clock())
            } else {
                String::new()
            };
            return Some(format!(
                "invalidations after {}{before} unknown: {why}",
                at.clock()
            ));
        }
        match &self.invalidations {
            Some(Err(why)) => Some(format!("invalidations unknown: {why}")),
            Some(Ok(page)) if page.next_marker.is_some() => {
                let oldest = page.items.iter().map(|i| i.created).min()?;
                Some(format!(
                    "invalidations before {} not read (too many to list)",
                    oldest.clock()
                ))
            }
            _ => None,
        }
    }
}

impl State {
    /// The markers of the environment the Traffic view shows, oldest first: its deploys,
    /// approvals and rollbacks once its runs are read, and its distribution's invalidations
    /// once listed.
    pub fn traffic_markers(&self) -> Vec<Marker> {
        let t = &self.traffic;
        let Some(env) = self.envs.get(t.env) else {
            return Vec::new();
        };
        let mut out = match &t.marks.runs {
            Some(Ok(runs)) => markers(env.def.as_ref(), &env.executions, runs),
            _ => Vec::new(),
        };
        if let Some(Ok(page)) = &t.marks.invalidations {
            out.extend(invalidation_markers(page));
            order(&mut out);
        }
        out
    }

    /// The selected marker: the one picked with the marker key, else the newest deploy.
    pub fn selected_marker(&self) -> Option<Marker> {
        let all = self.traffic_markers();
        match self.traffic.marks.selected {
            Some(i) => all.get(i).cloned(),
            None => deploys(&all).last().cloned(),
        }
    }

    /// Reads the Traffic tail's environment from `from` on instead of its preset's look-back,
    /// up to `until` when given (`shipdeck impact`: a deploy's windows, not the days since):
    /// the tail starts again from there, its markers kept.
    pub fn read_traffic_between(&mut self, from: Timestamp, until: Option<Timestamp>) {
        if from == self.traffic.since && until == self.traffic.reach_until {
            return;
        }
        self.traffic.reach_back = Some(from);
        self.traffic.reach_until = until;
        let preset = self.traffic.preset;
        self.restart_traffic(preset);
    }

    /// After the markers or the selection changed: the impact of the selected deploy, when the
    /// release-health panel is open.
    pub(in crate::app) fn refresh_impact(&mut self) {
        let at = self
            .selected_marker()
            .filter(|m| m.kind.is_deploy())
            .map(|m| m.at);
        self.traffic.marks.at = at;
        self.traffic.marks.previous = at.and_then(|at| self.deploy_before(at));
        self.traffic.marks.next = at.and_then(|at| self.deploy_after(at));
        self.traffic.measure_impact();
    }

    /// When the deploy after the one at `at` reached the environment, among the markers (where
    /// a deploy's after-window stops).
    pub fn deploy_after(&self, at: Timestamp) -> Option<Timestamp> {
        (self.traffic_markers().iter())
            .filter(|m| m.kind.is_deploy() && m.at > at)
            .map(|m| m.at)
            .min()
    }

    /// When the deploy before the one at `at` reached the environment, among the markers (where
    /// a deploy's before-window stops).
    pub fn deploy_before(&self, at: Timestamp) -> Option<Timestamp> {
        (self.traffic_markers().iter())
            .filter(|m| m.kind.is_deploy() && m.at < at)
            .map(|m| m.at)
            .max()
    }
}

impl crate::app::Traffic {
    /// The impact of the deploy at `marks.at` over the records read, while the panel is open
    /// (when records land, too).
    pub(in crate::app) fn measure_impact(&mut self) {
        let m = &self.marks;
        let (true, Some(at)) = (m.open, m.at) else {
            self.marks.impact = None;
            return;
        };
        self.marks.impact = Some(self.impact_of(at, m.previous, m.next));
    }

    /// The impact of the deploy that reached the environment at `at` (the deploy before it at
    /// `previous`, the one after it at `next`, where its after-window stops) over the records
    /// read: unknown when its before-window was not read.
    pub(in crate::app) fn impact_of(
        &self,
        at: Timestamp,
        previous: Option<Timestamp>,
        next: Option<Timestamp>,
    ) -> Impact {
        let from = crate::accesslog::impact::before_from(at, previous);
        // Records dropped to stay within the retained count may be the before-window's.
        let dropped = self.records.pushed() > self.records.len() as u64;
        let oldest = || self.records.iter().map(|r| r.timestamp_ms()).min();
        if dropped && oldest().is_none_or(|o| o > from.millis()) {
            return Impact::unknown(
                at,
                format!(
                    "the logs from {} are no longer held (the newest {} records are; `:retain` \
                     holds more)",
                    from.short(),
                    self.records.capacity()
                ),
            );
        }
        match (self.stats.newest(), &self.load.error) {
            _ if from < self.since => Impact::unknown(
                at,
                format!(
                    "the logs from {} were not read (the tail reads from {})",
                    from.short(),
                    self.since.short()
                ),
            ),
            (None, Some(e)) => Impact::unknown(at, format!("the logs could not be read: {e}")),
            (Some(newest), _) => {
                let until = next.map_or(newest, |n| newest.min(n));
                Impact::measure(self.records.iter(), at, until, previous)
            }
            (None, None) => Impact::unknown(at, "no logs read yet".into()),
        }
    }
}

/// The markers' reads that are due while the Traffic view is shown: the marked executions'
/// action runs when the newest executions changed since the last read, and the distribution's
/// invalidations every [`INVALIDATIONS_EVERY`].
pub(in crate::app) fn due(state: &mut State) -> Vec<Effect> {
    if state.view != View::Traffic {
        return Vec::new();
    }
    runs_due(state)
        .into_iter()
        .chain(invalidations_due(state))
        .collect()
}

/// The read of the distribution's invalidations back to the tail's look-back, when due.
fn invalidations_due(state: &mut State) -> Option<Effect> {
    let m = &state.traffic.marks;
    let fresh = m
        .invalidations_asked
        .is_some_and(|at| state.now.since(at) < INVALIDATIONS_EVERY);
    if m.invalidations_inflight.is_some() || fresh || state.traffic.env != state.selected {
        return None;
    }
    let env = state.traffic.env;
    let distribution_id = state.envs.get(env)?.spec.distribution_id.clone();
    let since = state.traffic.since;
    let request = state.take_request();
    let m = &mut state.traffic.marks;
    m.invalidations_inflight = Some(request);
    m.invalidations_asked = Some(state.now);
    Some(Effect::ListInvalidations {
        env,
        request,
        distribution_id,
        since,
    })
}

/// The distribution's invalidations came back.
pub(in crate::app) fn invalidations_loaded(
    state: &mut State,
    env: usize,
    request: RequestId,
    result: Result<InvalidationPage, CloudError>,
) {
    let m = &mut state.traffic.marks;
    if state.traffic.env != env || m.invalidations_inflight != Some(request) {
        return;
    }
    m.invalidations_inflight = None;
    match result {
        Ok(page) => {
            m.invalidations = Some(Ok(page));
            m.invalidations_failed = None;
            let asked = m.invalidations_asked.unwrap_or(state.now);
            m.invalidations_listed = Some((asked, state.traffic.since));
        }
        // The markers listed earlier stay, marked as of their listing.
        Err(e) if matches!(m.invalidations, Some(Ok(_))) => {
            m.invalidations_failed = Some(e.to_string());
        }
        Err(e) => m.invalidations = Some(Err(e.to_string())),
    }
    state.refresh_impact();
}

/// The read of the marked executions' action runs, when the newest executions changed.
fn runs_due(state: &mut State) -> Option<Effect> {
    if state.traffic.marks.inflight.is_some() {
        return None;
    }
    let env = state.envs.get(state.traffic.env)?;
    let newest: Vec<&ExecutionSummary> = env.executions.iter().take(MARKED_EXECUTIONS).collect();
    let key = newest
        .iter()
        .map(|e| format!("{}:{:?}:{}", e.id, e.status, e.last_update.millis()))
        .collect::<Vec<_>>()
        .join(",");
    if newest.is_empty() || state.traffic.marks.key == key {
        return None;
    }
    let ids = newest.iter().map(|e| e.id.clone()).collect();
    let pipeline = env.spec.pipeline.clone();
    let request = state.take_request();
    let m = &mut state.traffic.marks;
    m.key = key;
    m.inflight = Some(request);
    Some(Effect::FetchDeployRuns {
        env: state.traffic.env,
        request,
        pipeline,
        execution_ids: ids,
    })
}

/// The marked executions' action runs came back.
pub(in crate::app) fn loaded(
    state: &mut State,
    env: usize,
    request: RequestId,
    result: Result<Vec<ActionExecutionDetail>, CloudError>,
) {
    let m = &mut state.traffic.marks;
    if state.traffic.env != env || m.inflight != Some(request) {
        return;
    }
    m.inflight = None;
    m.runs = Some(result.map_err(|e| e.to_string()));
    state.refresh_impact();
}

/// The marker key: selects the next older marker (from the newest, wrapping), and opens the
/// release-health panel on it.
pub(in crate::app) fn next_marker(state: &mut State) {
    let n = state.traffic_markers().len();
    if n == 0 {
        return;
    }
    let m = &mut state.traffic.marks;
    m.selected = Some(match m.selected {
        Some(0) | None => n - 1,
        Some(i) => (i - 1).min(n - 1),
    });
    state.refresh_impact();
}

/// The release-health key: opens or closes the panel.
pub(in crate::app) fn toggle_impact(state: &mut State) {
    state.traffic.marks.open = !state.traffic.marks.open;
    state.refresh_impact();
}

#[cfg(test)]
mod tests {
    /// A failed listing after one that worked: the invalidations after it are unknown, and
    /// those before the range it listed once the look-back reaches further.
    #[test]
    fn a_failed_relisting_leaves_unknown_only_what_the_kept_listing_does_not_cover() {
        use crate::app::traffic::state::Marks;
        use crate::cloud::InvalidationPage;
        use crate::domain::Timestamp;
        let at = Timestamp(10 * Timestamp::HOUR);
        let back = Timestamp(9 * Timestamp::HOUR);
        let page = InvalidationPage {
            items: Vec::new(),
            next_marker: None,
        };
        let mut m = Marks {
            invalidations: Some(Ok(page)),
            invalidations_listed: Some((at, back)),
            ..Marks::default()
        };
        assert_eq!(m.invalidations_unknown(back), None);
        m.invalidations_failed = Some("AccessDenied".into());
        assert_eq!(
            m.invalidations_unknown(back).as_deref(),
            Some("invalidations after 10:00:00 unknown: AccessDenied")
        );
        let earlier = Timestamp(8 * Timestamp::HOUR);
        assert_eq!(
            m.invalidations_unknown(earlier).as_deref(),
            Some("invalidations after 10:00:00 or before 09:00:00 unknown: AccessDenied")
        );
    }

    use crate::accesslog::impact::tests::{AT, traffic};
    use crate::accesslog::impact::{Verdict, WINDOW};
    use crate::app::Traffic;
    use crate::app::traffic::Preset;

    /// A tail of `capacity` records holding the hour around a deploy at [`AT`].
    fn tail(capacity: usize) -> Traffic {
        let mut t = Traffic::new(0, Preset::H24, AT + WINDOW, capacity);
        let mut recs = traffic(AT - WINDOW, WINDOW, 600, 0, 40, 4);
        recs.extend(traffic(AT, WINDOW, 600, 0, 40, 4));
        for r in &recs {
            t.records.push(r);
            t.stats.observe(r);
        }
        t
    }

    #[test]
    fn of_a_deploy_and_its_own_invalidation_at_one_time_the_marker_key_reaches_the_deploy_first() {
        use super::{Marker, MarkerKind, order};
        let at = |kind: MarkerKind, ms: i64, label: &str| Marker {
            at: crate::domain::Timestamp(ms),
            kind,
            execution: label.into(),
            label: label.into(),
        };
        let mut all = vec![
            at(MarkerKind::Deploy, 2_000, "deploy"),
            at(MarkerKind::Approval, 1_000, "approved"),
            at(MarkerKind::Invalidation, 2_000, "invalidation"),
            at(MarkerKind::Invalidation, 500, "older"),
        ];
        order(&mut all);
        let labels: Vec<&str> = all.iter().map(|m| m.label.as_str()).collect();
        assert_eq!(labels, ["older", "approved", "invalidation", "deploy"]);
    }

    #[test]
    fn a_before_window_dropped_from_the_retained_records_is_unknown_not_measured() {
        let whole = tail(2_000).impact_of(AT, None, None);
        assert_eq!(whole.verdict, Verdict::NoChange, "{:?}", whole.reasons);
        assert_eq!(whole.before.requests, 600);
        // The oldest 300 were dropped: half the before-window would be counted as all of it.
        let part = tail(900).impact_of(AT, None, None);
        assert_eq!(part.verdict, Verdict::Unknown);
        assert!(
            part.reasons[0].contains("no longer held"),
            "{:?}",
            part.reasons
        );
        assert!(part.reasons[0].contains("`:retain`"), "{:?}", part.reasons);
    }
}
