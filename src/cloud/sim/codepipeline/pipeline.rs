//! One environment's pipeline: its definition and the mutable state of stages and executions.

use crate::domain::{
    ActionCategory, ActionDef, ActionExecution, ActionExecutionDetail, ActionState, Approval,
    ConditionDef, ConditionKind, EnvSpec, ErrorDetails, ExecutionMode, ExecutionSummary,
    PipelineDef, PipelineState, Release, ResolvedVariable, RetryMetadata, RuleExecutionDetail,
    StageConditions, StageDef, StageExecution, StageState, StageStatus, Timestamp, Transition,
};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The AWS account of the simulated world.
pub const ACCOUNT: &str = "123456789012";
/// The region of the simulated world.
pub const REGION: &str = "eu-west-1";
/// `CustomData` of the prd approval action.
pub const APPROVAL_NOTE: &str = "Check the release notes and the stg dashboards before approving.";

/// How a running action will end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// Succeeds at its end time.
    Succeed,
    /// Fails at its end time with these details.
    Fail(ErrorDetails),
    /// An approval: waits for an answer, fails when the end time (expiry) comes.
    Wait,
}

/// The action run currently holding a stage.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    /// Index of the execution in `EnvSim::execs`.
    pub(crate) exec: usize,
    /// How it ends.
    pub(crate) outcome: Outcome,
    /// Index of its row in `EnvSim::details`.
    pub(crate) detail: usize,
    /// CodeBuild log stream, if any.
    pub(crate) stream: Option<String>,
}

/// Live state of one stage.
#[derive(Debug, Clone, Default)]
pub(crate) struct StageSim {
    /// The run holding the stage.
    pub(crate) run: Option<Run>,
    /// The executions waiting to enter, first in line first (SUPERSEDED mode keeps at most
    /// one; QUEUED mode queues them all).
    pub(crate) waiting: VecDeque<usize>,
    /// A condition in progress holding the stage: a beforeEntry condition holding an execution
    /// at the entry, or an onSuccess condition holding the one that just succeeded.
    pub(crate) gate: Option<Gate>,
    /// The latest state of the stage's conditions, per kind.
    pub(crate) conditions: BTreeMap<ConditionKind, StageConditions>,
    /// Retries of the latest execution in the stage.
    pub(crate) retries: Option<RetryMetadata>,
    /// Bumped whenever the run changes, so stale timer events are ignored.
    pub(crate) generation: u64,
    /// The stage's latest execution.
    pub(crate) latest: Option<StageExecution>,
    /// The action's latest execution.
    pub(crate) action: Option<ActionExecution>,
    /// Why the inbound transition is disabled (`None`: enabled).
    pub(crate) disabled_reason: Option<String>,
    /// Who last changed the inbound transition, and when.
    pub(crate) inbound_changed: Option<(String, Timestamp)>,
}

/// A condition in progress at a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Gate {
    /// Which kind.
    pub(crate) kind: ConditionKind,
    /// The execution it holds.
    pub(crate) exec: usize,
    /// Its rule runs in `EnvSim::rule_runs`, in declaration order.
    pub(crate) runs: Vec<usize>,
}

/// Where an execution is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pos {
    /// Waiting to enter a stage.
    Waiting(usize),
    /// Running in a stage.
    Running(usize),
    /// Finished (any terminal status).
    Done,
}

/// One pipeline execution with the simulator's bookkeeping.
#[derive(Debug, Clone)]
pub(crate) struct Exec {
    /// What the API shows.
    pub(crate) summary: ExecutionSummary,
    /// The release it ships.
    pub(crate) release: Option<Release>,
    /// Where it is.
    pub(crate) pos: Pos,
    /// A stop-and-wait was requested.
    pub(crate) stopping: bool,
    /// An abandon was requested: the execution is Stopping until it settles as Stopped.
    pub(crate) abandoning: bool,
    /// The pipeline version it started on (rollback targets must be of the current one).
    pub(crate) version: u32,
    /// The stage it failed or stopped in (retry target).
    pub(crate) halted_stage: Option<usize>,
    /// Stages it succeeded in (rollback targets), by index.
    pub(crate) passed: BTreeSet<usize>,
    /// Its resolved variables (declared defaults, overridden by those passed at start).
    pub(crate) variables: Vec<ResolvedVariable>,
}

/// An environment: its spec, pipeline definition and live pipeline state.
#[derive(Debug, Clone)]
pub(crate) struct EnvSim {
    /// The configuration.
    pub(crate) spec: EnvSpec,
    /// The pipeline definition.
    pub(crate) def: PipelineDef,
    /// Stage states, in definition order.
    pub(crate) stages: Vec<StageSim>,
    /// Executions, oldest first.
    pub(crate) execs: Vec<Exec>,
    /// Action runs (`ListActionExecutions`), oldest first.
    pub(crate) details: Vec<ActionExecutionDetail>,
    /// Rule runs (`ListRuleExecutions`), oldest first.
    pub(crate) rule_runs: Vec<RuleExecutionDetail>,
    /// `clientRequestToken` → execution id.
    pub(crate) client_tokens: BTreeMap<String, String>,
    /// Approval tokens already answered.
    pub(crate) answered: BTreeSet<String>,
    /// Last change of the pipeline state.
    pub(crate) updated: Timestamp,
}

fn action(
    name: &str,
    category: ActionCategory,
    provider: &str,
    config: &[(&str, String)],
) -> ActionDef {
    ActionDef {
        name: name.into(),
        category,
        provider: provider.into(),
        run_order: 1,
        configuration: config
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        timeout_minutes: None,
    }
}

/// The approval timeout (`timeoutInMinutes`) each simulated pipeline declares: prd 3 days, stg 1
/// day, any other the account default (none declared, 7 days), so every value is exercised.
fn approval_timeout_minutes(env: &str) -> Option<u32> {
    match env {
        "prd" => Some(3 * 24 * 60),
        "stg" => Some(24 * 60),
        _ => None,
    }
}

fn stage(name: &str, a: ActionDef) -> StageDef {
    StageDef {
        name: name.into(),
        actions: vec![a],
        conditions: Vec::new(),
    }
}

impl EnvSim {
    /// The environment with its pipeline `Source → [Approval] → Deploy → Verify`, never run.
    pub(crate) fn new(spec: &EnvSpec, created: Timestamp) -> EnvSim {
        let p = &spec.pipeline;
        let mut stages = vec![stage(
            "Source",
            action(
                "Source",
                ActionCategory::Source,
                "S3",
                &[
                    ("S3Bucket", spec.source_bucket.clone()),
                    ("S3ObjectKey", spec.source_key.clone()),
                    ("PollForSourceChanges", "false".into()),
                ],
            ),
        )];
        if spec.protected {
            let mut approve = action(
                "ApproveRelease",
                ActionCategory::Approval,
                "Manual",
                &[("CustomData", APPROVAL_NOTE.into())],
            );
            approve.timeout_minutes = approval_timeout_minutes(&spec.name);
            stages.push(stage("Approval", approve));
        }
        stages.push(stage(
            "Deploy",
            action(
                "Deploy",
                ActionCategory::Build,
                "CodeBuild",
                &[("ProjectName", format!("{p}-deploy"))],
            ),
        ));
        stages.push(stage(
            "Verify",
            action(
                "SmokeTest",
                ActionCategory::Test,
                "CodeBuild",
                &[("ProjectName", format!("{p}-smoke-test"))],
            ),
        ));
        let n = stages.len();
        let mut def = PipelineDef {
            name: p.clone(),
            version: 1,
            stages,
            pipeline_type: None,
            execution_mode: ExecutionMode::default(),
            variables: Vec::new(),
        };
        super::declaration::declare_v2(&mut def, spec);
        EnvSim {
            spec: spec.clone(),
            def,
            stages: vec![StageSim::default(); n],
            execs: Vec::new(),
            details: Vec::new(),
            rule_runs: Vec::new(),
            client_tokens: BTreeMap::new(),
            answered: BTreeSet::new(),
            updated: created,
        }
    }

    /// The conditions of kind `kind` declared on stage `i`.
    pub(crate) fn conditions_of(&self, i: usize, kind: ConditionKind) -> Vec<&ConditionDef> {
        self.def
            .stages
            .get(i)
            .map(|s| s.conditions.iter().filter(|c| c.kind == kind).collect())
            .unwrap_or_default()
    }

    /// Resolves the variables of a start: every declared one, its default unless `passed`.
    pub(crate) fn resolve(&self, passed: &BTreeMap<String, String>) -> Vec<ResolvedVariable> {
        self.def
            .variables
            .iter()
            .map(|v| {
                let value = passed
                    .get(&v.name)
                    .cloned()
                    .or_else(|| v.default.clone())
                    .unwrap_or_default();
                ResolvedVariable::new(v.name.clone(), value)
            })
            .collect()
    }

    /// The single action of stage `i`.
    pub(crate) fn action_def(&self, i: usize) -> Option<&ActionDef> {
        self.def.stages.get(i).and_then(|s| s.actions.first())
    }

    /// Index of the stage named `name`.
    pub(crate) fn stage_index(&self, name: &str) -> Option<usize> {
        self.def.stages.iter().position(|s| s.name == name)
    }

    /// Index of the execution `id`.
    pub(crate) fn exec_index(&self, id: &str) -> Option<usize> {
        self.execs.iter().position(|e| e.summary.id == id)
    }

    /// `GetPipelineState`.
    pub(crate) fn state(&self) -> PipelineState {
        let stages = self
            .def
            .stages
            .iter()
            .zip(&self.stages)
            .map(|(d, s)| StageState {
                name: d.name.clone(),
                latest: s.latest.clone(),
                actions: d
                    .actions
                    .iter()
                    .map(|a| ActionState {
                        name: a.name.clone(),
                        latest: s.action.clone(),
                    })
                    .collect(),
                inbound: Transition {
                    enabled: s.disabled_reason.is_none(),
                    disabled_reason: s.disabled_reason.clone(),
                    last_changed_by: s.inbound_changed.as_ref().map(|c| c.0.clone()),
                    last_changed_at: s.inbound_changed.as_ref().map(|c| c.1),
                },
                // The execution waiting to enter: the one its entry conditions hold, else the
                // first waiting.
                inbound_execution: s
                    .gate
                    .as_ref()
                    .filter(|g| g.kind == ConditionKind::BeforeEntry)
                    .map(|g| g.exec)
                    .or_else(|| s.waiting.front().copied())
                    .and_then(|w| self.execs.get(w))
                    .map(|x| StageExecution {
                        pipeline_execution_id: x.summary.id.clone(),
                        status: StageStatus::InProgress,
                    }),
                // QUEUED mode lists the queue; SUPERSEDED mode has the one inbound execution.
                queued: match self.def.execution_mode {
                    ExecutionMode::Queued => s
                        .waiting
                        .iter()
                        .filter_map(|w| self.execs.get(*w))
                        .map(|x| StageExecution {
                            pipeline_execution_id: x.summary.id.clone(),
                            status: StageStatus::InProgress,
                        })
                        .collect(),
                    _ => Vec::new(),
                },
                conditions: s.conditions.values().cloned().collect(),
                retries: s.retries.clone(),
            })
            .collect();
        PipelineState {
            name: self.def.name.clone(),
            version: self.def.version,
            stages,
            updated: self.updated,
        }
    }

    /// Executions, newest first.
    pub(crate) fn summaries(&self) -> Vec<ExecutionSummary> {
        self.execs.iter().rev().map(|e| e.summary.clone()).collect()
    }

    /// Approvals waiting in this pipeline.
    pub(crate) fn pending(&self) -> Vec<Approval> {
        Approval::pending(&self.spec.name, &self.def, &self.state(), &self.summaries())
    }

    /// What runs: the release of the newest execution that succeeded in the deploy stage (a
    /// later stage may have failed; it still runs).
    pub(crate) fn deployed(&self) -> Option<Release> {
        let stage = self.def.deploy_stage()?;
        let i = self.def.stages.iter().position(|s| s.name == stage)?;
        self.execs
            .iter()
            .rev()
            .find(|e| e.passed.contains(&i))
            .and_then(|e| e.release.clone())
    }

    /// The release of the newest execution that succeeded in every stage: what the release
    /// managers promote (a release that failed its checks upstream is not).
    pub(crate) fn newest_succeeded(&self) -> Option<Release> {
        self.execs
            .iter()
            .rev()
            .find(|e| e.summary.status == crate::domain::ExecutionStatus::Succeeded)
            .and_then(|e| e.release.clone())
    }

    /// The newest release sent to this pipeline (whatever became of it).
    pub(crate) fn newest_sent(&self) -> Option<&Release> {
        self.execs.iter().rev().find_map(|e| e.release.as_ref())
    }
}
