//! The structural bounds the console keeps whatever events arrive: requests in flight, pending
//! effects, one send at a time, request ids, caps on lists, prompts and status text.

use super::*;

/// The bounds that must hold whatever events arrived.
pub(super) fn check_bounds(state: &State, pending: &[Effect], tally: &Tally) {
    let envs = state.envs.len();
    // At most one refresh in flight per environment and one catalogue read, each the one the
    // state waits for; log-tail reads of a tail that was replaced were cancelled, so every one
    // still pending is the one its tail waits for.
    let mut log_reads = 0;
    let mut execution_reads = 0;
    let mut untracked = 0;
    let mut marker_reads = 0;
    let mut sends = 0;
    for effect in pending {
        let (inflight, request) = match effect {
            Effect::FetchEnv { env, request, .. } => (state.envs[*env].refresh.inflight, *request),
            Effect::FetchReleases { request, .. } => (state.releases_load.inflight, *request),
            Effect::ReadDeployers { request, .. } => (state.deployers.request, *request),
            // The health map: one read at a time, shown or not when it answers.
            Effect::ReadHealth { request, .. } => (state.map.load.inflight, *request),
            Effect::FetchLogs { request, .. } => (state.logs.load.inflight, *request),
            Effect::StreamTraffic { request, .. }
            | Effect::FetchTrafficEvents { request, .. }
            | Effect::ReadTrafficEvents { request, .. } => (state.traffic.load.inflight, *request),
            // The Traffic view's deploy markers (one replaced read may wait for its cancel).
            Effect::FetchDeployRuns { .. } => {
                log_reads += 1;
                continue;
            }
            // The invalidation markers' read: one a tail, and a replaced one waits for its
            // cancel.
            Effect::ListInvalidations { .. } => {
                marker_reads += 1;
                continue;
            }
            Effect::FetchActionExecutions { .. } => {
                log_reads += 1;
                continue;
            }
            // The execution detail also reads the execution itself, for its variables.
            Effect::FetchExecution { .. } => {
                execution_reads += 1;
                continue;
            }
            Effect::ApplyOp { .. } => {
                sends += 1;
                untracked += 1;
                continue;
            }
            Effect::Audit { .. }
            | Effect::ReadAudit { .. }
            | Effect::WriteFile { .. }
            | Effect::FetchInvalidation { .. } => {
                untracked += 1;
                continue;
            }
            other => panic!("unexpected effect {other:?}"),
        };
        assert_eq!(
            inflight,
            Some(request),
            "every pending request is the one in flight"
        );
    }
    // A confirmation sends once; audit lines and reads are one per action at most.
    assert!(sends <= 1, "{sends} mutating calls pending at once");
    assert!(
        pending.len() - log_reads - execution_reads - marker_reads - untracked <= envs + 3,
        "{} effects pending",
        pending.len()
    );
    assert!(
        log_reads <= 4 * (tally.log_switches + 1),
        "{log_reads} build-log lookups pending"
    );
    assert!(
        execution_reads <= 4 * (tally.log_switches + 1),
        "{execution_reads} execution reads pending"
    );
    assert!(
        marker_reads <= 2 * (tally.log_switches + 1),
        "{marker_reads} invalidation listings pending"
    );
    // Every request id taken went to an effect: ids do not leak.
    assert_eq!(state.next_request - 1, tally.fetches);
    assert!(state.logs.events.len() <= LOG_TAIL_CAP);
    assert!(state.selected < envs);
    for env in &state.envs {
        assert!(env.executions.len() <= HISTORY_PAGE);
    }
    let executions = state.selected_env().map_or(0, |e| e.executions.len());
    assert!(state.history_row <= executions.max(1));
    assert!(state.approval_row <= state.approvals().len().max(1));
    if let Some(Overlay::Command(line) | Overlay::Filter(line) | Overlay::Search(line)) =
        &state.overlay
    {
        assert!(line.completions.len() <= (COMMANDS.len() + OP_COMMANDS.len() + 1).max(envs));
        // The prompt grows by at most one character per key typed while it is open (or a
        // completion), never past its cap, and nothing survives its closing.
        assert!(line.text.chars().count() <= tally.typed);
        assert!(line.text.chars().count() <= MAX_INPUT.max(longest_completion(state)));
    }
    assert!(state.filter.chars().count() <= tally.longest_prompt);
    let status = state.status.as_ref().map_or(0, |s| s.text.chars().count());
    assert!(
        status <= tally.longest_prompt + STATUS_SLACK,
        "status of {status} chars"
    );
}
