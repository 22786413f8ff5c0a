//! Entering a stage: the action run starts with its planned duration, outcome, ids, links and logs.

use super::super::Simulator;
use super::super::events::Ev;
use super::pipeline::{Outcome, Pos, REGION, Run};
use crate::domain::{
    ActionCategory, ActionExecution, ActionExecutionDetail, ActionStatus, ErrorDetails,
    StageExecution, StageStatus,
};

impl Simulator {
    /// Execution `exec` enters stage `i`: the stage's retry counts start over, its action starts.
    pub(crate) fn enter(&mut self, env: usize, exec: usize, i: usize) {
        self.envs[env].stages[i].retries = None;
        self.start_action(env, exec, i);
    }

    /// An automatic retry starts the action of stage `i` again; its random choices (duration,
    /// outcome, ids) come from the conditions' generator, so the rest of the world does not
    /// depend on whether a retry happened.
    pub(crate) fn enter_retry(&mut self, env: usize, exec: usize, i: usize) {
        std::mem::swap(&mut self.rng, &mut self.cond_rng);
        self.start_action(env, exec, i);
        std::mem::swap(&mut self.rng, &mut self.cond_rng);
    }

    /// Starts the action of stage `i` for execution `exec`.
    pub(crate) fn start_action(&mut self, env: usize, exec: usize, i: usize) {
        let now = self.now;
        let Some(adef) = self.envs[env].action_def(i).cloned() else {
            return;
        };
        let (duration, outcome) = match adef.category {
            ActionCategory::Source => (self.rng.range(5_000, 20_000), Outcome::Succeed),
            ActionCategory::Approval => (adef.approval_timeout(), Outcome::Wait),
            ActionCategory::Test => (
                self.rng.range(60_000, 180_000),
                self.maybe_fail(0.04, "./smoke-test.sh", 1),
            ),
            _ => (
                self.rng.range(180_000, 540_000),
                self.maybe_fail(0.07, "./deploy.sh", 2),
            ),
        };
        let e = &self.envs[env];
        let exec_id = e.execs[exec].summary.id.clone();
        let release = e.execs[exec].release.clone();
        let stage_name = e.def.stages[i].name.clone();
        let project = adef
            .configuration
            .get("ProjectName")
            .cloned()
            .unwrap_or_default();
        let action_id = self.rng.uuid();
        let codebuild = adef.provider == "CodeBuild";
        let build = codebuild.then(|| self.rng.uuid());
        // The build runs in the environment's own account (prd's may not be the demo's).
        let account = self.cfg.account(&e.spec.name);
        let url = match (&build, adef.category) {
            (Some(b), _) => Some(format!(
                "https://{REGION}.console.aws.amazon.com/codesuite/codebuild/{account}/projects/{project}/build/{project}%3A{b}/?region={REGION}"
            )),
            (None, ActionCategory::Source) => Some(format!(
                "https://s3.console.aws.amazon.com/s3/object/{}?region={REGION}&prefix={}",
                e.spec.source_bucket, e.spec.source_key
            )),
            _ => None,
        };
        // Where this world's CodeBuild projects log: the group the configuration names, else the
        // environment's CodeBuild group (the projects' own logs configuration), else none (logs
        // off). The stream is the build id.
        let group = self.build_log_group(env);
        let token = (adef.category == ActionCategory::Approval).then(|| self.rng.uuid());
        let summary = match adef.category {
            ActionCategory::Source => e.execs[exec]
                .summary
                .source_revisions
                .first()
                .and_then(|r| r.revision_summary.clone()),
            _ => None,
        };
        let e = &mut self.envs[env];
        e.details.push(ActionExecutionDetail {
            pipeline_execution_id: exec_id.clone(),
            action_execution_id: action_id.clone(),
            stage: stage_name,
            action: adef.name.clone(),
            status: ActionStatus::InProgress,
            start: now,
            last_update: now,
            updated_by: None,
            summary: summary.clone(),
            external_execution_url: url.clone(),
            external_execution_id: build.as_ref().map(|b| format!("{project}:{b}")),
            // CodePipeline gives `logStreamARN` only for a Commands action's compute; a CodeBuild
            // run's log is found from its external id, `project:build-id`.
            log_stream_arn: None,
            error: None,
        });
        let detail = e.details.len() - 1;
        let s = &mut e.stages[i];
        s.generation += 1;
        let generation = s.generation;
        s.latest = Some(StageExecution {
            pipeline_execution_id: exec_id,
            status: StageStatus::InProgress,
        });
        s.action = Some(ActionExecution {
            action_execution_id: action_id,
            status: ActionStatus::InProgress,
            summary,
            last_status_change: now,
            token: token.clone(),
            last_updated_by: None,
            external_execution_url: url,
            percent_complete: None,
            error: None,
        });
        s.run = Some(Run {
            exec,
            outcome: outcome.clone(),
            detail,
            stream: build.clone(),
        });
        e.execs[exec].pos = Pos::Running(i);
        e.execs[exec].summary.last_update = now;
        e.updated = now;
        self.agenda.push(
            now + duration,
            Ev::Stage {
                env,
                stage: i,
                generation,
            },
        );
        if let (Some(b), Some(g)) = (build, group) {
            let verify = adef.category == ActionCategory::Test;
            self.write_build_logs(
                env,
                &g,
                &b,
                (now, now + duration),
                verify,
                &outcome,
                release.as_ref(),
            );
        }
        if let Some(t) = token {
            self.on_approval_waiting(env, i, t);
        }
    }

    fn maybe_fail(&mut self, p: f64, script: &str, code: i64) -> Outcome {
        if !self.rng.chance(p) {
            return Outcome::Succeed;
        }
        Outcome::Fail(ErrorDetails {
            code: "JobFailed".into(),
            message: format!(
                "Build failed: COMMAND_EXECUTION_ERROR: Error while executing command: {script}. Reason: exit status {code}"
            ),
        })
    }
}
