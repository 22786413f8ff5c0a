//! What a new execution meets in the pipeline: the approval it waits behind, and the
//! execution already waiting at a stage's entry that it supersedes (SUPERSEDED mode) or queues
//! behind (QUEUED). Every plan that starts an execution — deploy, release from a package, an
//! upload or the release workflow — warns of it in the same words.

use super::super::data::PipelineData;
use super::approve::short_id;
use crate::domain::{ExecutionMode, ExecutionSummary};

/// `ID (ships V)`, or `ID (no release named)`, for execution `id` as the history lists it.
fn execution(executions: &[ExecutionSummary], id: &str) -> String {
    let release = (executions.iter())
        .find(|e| e.id == id)
        .and_then(ExecutionSummary::release)
        .map_or_else(
            || "no release named".to_string(),
            |r| format!("ships {}", r.version),
        );
    format!("{} ({release})", short_id(id))
}

/// The warnings of a plan that starts a new execution in `env`: who it waits behind, and who
/// waiting at a stage's entry it replaces. Nothing in PARALLEL mode, where executions do not
/// wait for each other; when the state could not be read, that what waits is not known.
pub fn new_execution_warnings(env: &str, data: &PipelineData<'_>) -> Vec<String> {
    let (Some(def), Some(state)) = (data.def, data.state) else {
        // Unknown is not none: with the state unread, what waits in the pipeline is not known.
        return match (data.def, data.state_error) {
            (Some(def), Some(why)) if def.execution_mode != ExecutionMode::Parallel => {
                vec![format!(
                    "{env}'s pipeline state could not be read ({why}): whether an approval or an \
                 execution already waits there, which the new execution would wait behind or \
                 supersede, is not known"
                )]
            }
            _ => Vec::new(),
        };
    };
    let mode = def.execution_mode;
    if mode == ExecutionMode::Parallel {
        return Vec::new();
    }
    let mut out: Vec<String> = (data.approvals(env).iter())
        .map(|a| {
            format!(
                "execution {} already waits for approval at {} in {env}: the new execution waits \
                 behind it until it is answered",
                execution(data.executions, &a.execution_id),
                a.stage,
            )
        })
        .collect();
    for stage in &state.stages {
        let waiting = (stage.inbound_execution.iter())
            .chain(&stage.queued)
            .map(|w| w.pipeline_execution_id.as_str());
        let mut seen: Vec<&str> = Vec::new();
        for id in waiting {
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            let who = execution(data.executions, id);
            out.push(match mode {
                ExecutionMode::Queued => format!(
                    "execution {who} waits to enter {} in {env}: in QUEUED mode the new \
                     execution queues behind it",
                    stage.name
                ),
                _ => format!(
                    "execution {who} waits to enter {} in {env}: in SUPERSEDED mode the new \
                     execution supersedes it when it reaches {}, and it never runs there",
                    stage.name, stage.name
                ),
            });
        }
    }
    out
}
