//! Stage conditions at work: a beforeEntry condition holds an execution at a stage's entry until
//! its rules pass (a deployment window waits for its next opening), an onSuccess condition
//! watches an alarm after the stage succeeded and rolls the stage back when it fires, an
//! onFailure RETRY retries a failed stage once; each rule run is recorded for
//! `ListRuleExecutions`.

use super::super::Simulator;
use super::super::events::Ev;
use super::pipeline::{Gate, Pos};
use crate::domain::{
    ConditionKind, ConditionResult, ConditionRun, ConditionState, ConditionStatus, ErrorDetails,
    ExecutionStatus, ExecutionType, Release, RetryMetadata, RuleDef, RuleExecutionDetail, RuleRun,
    RuleState, RuleStatus, StageConditions, StageStatus, Timestamp, Trigger,
};

/// Whether a release raises the API's 5xx rate once deployed: about one in eight, decided by its
/// commit so that every environment and every run agrees.
pub fn degrades(release: Option<&Release>) -> bool {
    let Some(r) = release else { return false };
    let hash = r.commit.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    hash % 8 == 0
}

/// What one rule says when it is evaluated.
struct Verdict {
    status: RuleStatus,
    summary: String,
    /// When to look again (a window's opening, the end of an alarm's watch).
    again: Option<Timestamp>,
    error: Option<ErrorDetails>,
}

impl Simulator {
    /// An execution is let into stage `i`: through its beforeEntry conditions first, if any (a
    /// rollback execution is not held by them).
    pub(crate) fn admit(&mut self, env: usize, exec: usize, i: usize) {
        let e = &self.envs[env];
        let rollback = e.execs[exec].summary.execution_type == ExecutionType::Rollback;
        if rollback || e.conditions_of(i, ConditionKind::BeforeEntry).is_empty() {
            self.enter(env, exec, i);
            return;
        }
        self.envs[env].execs[exec].pos = Pos::Waiting(i);
        self.open_gate(env, exec, i, ConditionKind::BeforeEntry);
    }

    /// Whether the stage succeeded by `exec` is held by its onSuccess conditions (it then waits
    /// for their verdict); a rollback execution is not.
    pub(crate) fn hold_on_success(&mut self, env: usize, exec: usize, i: usize) -> bool {
        let e = &self.envs[env];
        let rollback = e.execs[exec].summary.execution_type == ExecutionType::Rollback;
        if rollback || e.conditions_of(i, ConditionKind::OnSuccess).is_empty() {
            return false;
        }
        self.open_gate(env, exec, i, ConditionKind::OnSuccess);
        true
    }

    /// Whether a failed stage is retried automatically (an onFailure RETRY result, once per
    /// execution); the retry is recorded in the stage's retry counts.
    pub(crate) fn retry_on_failure(&mut self, env: usize, exec: usize, i: usize) -> bool {
        let e = &self.envs[env];
        let retry = e
            .conditions_of(i, ConditionKind::OnFailure)
            .iter()
            .any(|c| c.result == Some(ConditionResult::Retry));
        let tried = e.stages[i].retries.as_ref().map_or(0, |r| r.auto_attempts);
        if !retry || tried > 0 {
            return false;
        }
        let s = &mut self.envs[env].stages[i];
        let manual = s.retries.as_ref().map_or(0, |r| r.manual_attempts);
        s.retries = Some(RetryMetadata {
            auto_attempts: tried + 1,
            manual_attempts: manual,
            latest_trigger: Some("AutomatedStageRetry".into()),
        });
        // Not a change of the changelog: no call made it.
        self.enter_retry(env, exec, i);
        true
    }

    fn verdict(&mut self, env: usize, exec: usize, rule: &RuleDef, first: bool) -> Verdict {
        let now = self.now;
        let pass = |summary: String| Verdict {
            status: RuleStatus::Succeeded,
            summary,
            again: None,
            error: None,
        };
        match rule.provider.as_str() {
            "DeploymentWindow" => {
                let Some(w) = rule.window() else {
                    return pass("No window declared".into());
                };
                match w
                    .is_open(now)
                    .and_then(|open| Ok((open, w.next_open(now)?)))
                {
                    Ok((true, _)) => pass(format!("Within the deployment window ({})", w.cron)),
                    Ok((false, next)) => Verdict {
                        status: RuleStatus::InProgress,
                        summary: format!(
                            "Outside the deployment window; it opens at {}",
                            w.local_text(next, now)
                        ),
                        again: Some(next),
                        error: None,
                    },
                    Err(e) => Verdict {
                        status: RuleStatus::Failed,
                        summary: e.clone(),
                        again: None,
                        error: Some(ErrorDetails {
                            code: "InvalidConfiguration".into(),
                            message: e,
                        }),
                    },
                }
            }
            "CloudWatchAlarm" => {
                let alarm = rule.alarms().join(", ");
                let wait = rule
                    .configuration
                    .get("WaitTime")
                    .and_then(|w| w.parse::<i64>().ok())
                    .unwrap_or(0);
                let bad = degrades(self.envs[env].execs[exec].release.as_ref());
                if first && wait > 0 {
                    // The alarm goes off a few minutes into the watch, or the watch ends.
                    let at = if bad {
                        now + self.cond_rng.range(2, wait.max(3)) * Timestamp::MINUTE
                    } else {
                        now + wait * Timestamp::MINUTE
                    };
                    return Verdict {
                        status: RuleStatus::InProgress,
                        summary: format!("Watching alarm {alarm} for {wait} minutes"),
                        again: Some(at),
                        error: None,
                    };
                }
                if bad {
                    Verdict {
                        status: RuleStatus::Failed,
                        summary: format!("Alarm {alarm} is in ALARM"),
                        again: None,
                        error: Some(ErrorDetails {
                            code: "RuleFailed".into(),
                            message: format!("Alarm {alarm} is in ALARM"),
                        }),
                    }
                } else {
                    pass(format!("Alarm {alarm} is OK"))
                }
            }
            other => pass(format!("{other} rule passed")),
        }
    }

    /// Starts the conditions of `kind` of stage `i` for `exec`: each rule runs; when all pass
    /// at once the gate opens, else it holds the stage until they do (or one fails).
    fn open_gate(&mut self, env: usize, exec: usize, i: usize, kind: ConditionKind) {
        let rules: Vec<RuleDef> = self.envs[env]
            .conditions_of(i, kind)
            .iter()
            .flat_map(|c| c.rules.iter().cloned())
            .collect();
        let mut runs = Vec::new();
        let mut again: Option<Timestamp> = None;
        for rule in &rules {
            let v = self.verdict(env, exec, rule, true);
            again = match (again, v.again) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
            runs.push(self.rule_run(env, exec, i, rule, &v));
        }
        let s = &mut self.envs[env].stages[i];
        s.generation += 1;
        let generation = s.generation;
        s.gate = Some(Gate { kind, exec, runs });
        self.rules_evaluated(env, i, generation, again);
    }

    /// After a gate's rules were evaluated: the conditions' state is published, the timer set for
    /// the rules still in progress, and the gate settled.
    fn rules_evaluated(&mut self, env: usize, i: usize, generation: u64, again: Option<Timestamp>) {
        self.publish_conditions(env, i);
        if let Some(at) = again {
            self.agenda.push(
                at,
                Ev::Condition {
                    env,
                    stage: i,
                    generation,
                },
            );
        }
        self.settle_gate(env, i);
    }

    /// A condition's timer: its rules in progress are evaluated again.
    pub(crate) fn condition_due(&mut self, env: usize, i: usize, generation: u64) {
        let s = &self.envs[env].stages[i];
        if s.generation != generation {
            return;
        }
        let Some(gate) = s.gate.clone() else { return };
        let rules: Vec<RuleDef> = self.envs[env]
            .conditions_of(i, gate.kind)
            .iter()
            .flat_map(|c| c.rules.iter().cloned())
            .collect();
        let mut again: Option<Timestamp> = None;
        for (rule, run) in rules.iter().zip(&gate.runs) {
            if self.envs[env].rule_runs[*run].status != RuleStatus::InProgress {
                continue;
            }
            let v = self.verdict(env, gate.exec, rule, false);
            again = again.or(v.again);
            self.update_run(env, *run, &v, None);
        }
        self.rules_evaluated(env, i, generation, again);
    }

    /// The gate of stage `i` passes when every rule succeeded, engages its result when one failed,
    /// and keeps holding otherwise.
    fn settle_gate(&mut self, env: usize, i: usize) {
        let Some(gate) = self.envs[env].stages[i].gate.clone() else {
            return;
        };
        let statuses: Vec<RuleStatus> = gate
            .runs
            .iter()
            .map(|r| self.envs[env].rule_runs[*r].status)
            .collect();
        if statuses.contains(&RuleStatus::Failed) {
            let result = self.envs[env]
                .conditions_of(i, gate.kind)
                .first()
                .and_then(|c| c.result);
            self.close_gate(env, i);
            self.engage(env, gate.exec, i, gate.kind, result);
        } else if statuses.iter().all(|s| *s == RuleStatus::Succeeded) {
            self.close_gate(env, i);
            self.pass_gate(env, gate.exec, i, gate.kind);
        }
    }

    /// The gate of stage `i` lets its execution on: into the stage (beforeEntry), or out of it
    /// (onSuccess).
    pub(crate) fn pass_gate(&mut self, env: usize, exec: usize, i: usize, kind: ConditionKind) {
        match kind {
            ConditionKind::BeforeEntry => self.enter(env, exec, i),
            _ => self.stage_passed(env, exec, i),
        }
        self.pump(env);
    }

    /// Stage `i` is done for `exec`: it succeeded there, and moves on (or ends, succeeded).
    pub(crate) fn stage_passed(&mut self, env: usize, exec: usize, i: usize) {
        let e = &mut self.envs[env];
        let n = e.stages.len();
        if let Some(l) = e.stages[i]
            .latest
            .as_mut()
            .filter(|l| l.pipeline_execution_id == e.execs[exec].summary.id)
        {
            l.status = StageStatus::Succeeded;
        }
        e.execs[exec].passed.insert(i);
        e.updated = self.now;
        if i + 1 == n {
            self.end_exec(env, exec, ExecutionStatus::Succeeded, None);
            self.on_succeeded(env, exec);
        } else {
            self.arrive(env, exec, i + 1);
        }
    }

    /// A failed condition's result: FAIL fails the stage and the execution, SKIP passes over
    /// the stage, ROLLBACK fails them and rolls the stage back to the last execution that
    /// succeeded in it.
    fn engage(
        &mut self,
        env: usize,
        exec: usize,
        i: usize,
        kind: ConditionKind,
        result: Option<ConditionResult>,
    ) {
        let stage = self.envs[env].def.stages[i].name.clone();
        let id = self.envs[env].execs[exec].summary.id.clone();
        let set_stage = |sim: &mut Simulator, status: StageStatus| {
            let s = &mut sim.envs[env].stages[i];
            match s.latest.as_mut().filter(|l| l.pipeline_execution_id == id) {
                Some(l) => l.status = status,
                None => {
                    s.latest = Some(crate::domain::StageExecution {
                        pipeline_execution_id: id.clone(),
                        status,
                    })
                }
            }
        };
        match result {
            Some(ConditionResult::Skip) => {
                set_stage(self, StageStatus::Skipped);
                let n = self.envs[env].stages.len();
                if i + 1 == n {
                    self.end_exec(env, exec, ExecutionStatus::Succeeded, None);
                } else {
                    self.arrive(env, exec, i + 1);
                }
            }
            Some(ConditionResult::Rollback) => {
                set_stage(self, StageStatus::Failed);
                let why = format!(
                    "Stage {stage} rolled back: its {} condition failed",
                    kind.as_str()
                );
                self.end_exec(env, exec, ExecutionStatus::Failed, Some(why));
                self.envs[env].execs[exec].halted_stage = Some(i);
                self.automatic_rollback(env, exec, i);
            }
            _ => {
                set_stage(self, StageStatus::Failed);
                let why = format!("Stage {stage} failed its {} condition", kind.as_str());
                self.end_exec(env, exec, ExecutionStatus::Failed, Some(why));
                self.envs[env].execs[exec].halted_stage = Some(i);
            }
        }
        self.pump(env);
    }

    /// Rolls stage `i` back after `failed` failed a condition: a ROLLBACK execution of the newest
    /// standard execution of the current pipeline version that succeeded in the stage.
    fn automatic_rollback(&mut self, env: usize, failed: usize, i: usize) {
        let e = &self.envs[env];
        let target = e.execs.iter().rposition(|x| {
            x.summary.execution_type == ExecutionType::Standard
                && x.version == e.def.version
                && x.passed.contains(&i)
        });
        let Some(target) = target else { return };
        let trigger = Trigger {
            kind: "AutomatedRollback".into(),
            detail: e.execs[failed].summary.id.clone(),
        };
        // Not a change of the changelog: no call made it.
        self.start_rollback(env, i, target, trigger);
    }

    /// Ends the gate of stage `i` (it no longer holds the stage).
    fn close_gate(&mut self, env: usize, i: usize) {
        let s = &mut self.envs[env].stages[i];
        s.gate = None;
        s.generation += 1;
        self.publish_conditions(env, i);
    }

    /// Ends the rule runs still in progress among `runs` as Abandoned, saying why (and by whom).
    fn abandon_runs(&mut self, env: usize, runs: &[usize], summary: &str, by: Option<&str>) {
        for run in runs {
            if self.envs[env].rule_runs[*run].status == RuleStatus::InProgress {
                let v = Verdict {
                    status: RuleStatus::Abandoned,
                    summary: summary.into(),
                    again: None,
                    error: None,
                };
                self.update_run(env, *run, &v, by);
            }
        }
    }

    /// A stop ends the condition holding `exec` at stage `i`: its rules in progress are
    /// abandoned.
    pub(crate) fn abandon_gate(&mut self, env: usize, i: usize) {
        let Some(gate) = self.envs[env].stages[i].gate.clone() else {
            return;
        };
        self.abandon_runs(env, &gate.runs, "Abandoned by a stop request", None);
        self.close_gate(env, i);
    }

    /// Records a rule run; returns its row.
    fn rule_run(
        &mut self,
        env: usize,
        exec: usize,
        i: usize,
        rule: &RuleDef,
        v: &Verdict,
    ) -> usize {
        let id = self.rng_rule_id();
        let now = self.now;
        let e = &mut self.envs[env];
        e.rule_runs.push(RuleExecutionDetail {
            pipeline_execution_id: e.execs[exec].summary.id.clone(),
            rule_execution_id: id,
            stage: e.def.stages[i].name.clone(),
            rule: rule.name.clone(),
            provider: Some(rule.provider.clone()),
            status: v.status,
            start: now,
            last_update: now,
            updated_by: None,
            summary: Some(v.summary.clone()),
            external_execution_url: None,
            configuration: rule.configuration.clone(),
            error: v.error.clone(),
        });
        e.updated = now;
        e.rule_runs.len() - 1
    }

    /// A rule run's new verdict (by an operator's override when `by` is given).
    fn update_run(&mut self, env: usize, run: usize, v: &Verdict, by: Option<&str>) {
        let now = self.now;
        let e = &mut self.envs[env];
        if let Some(r) = e.rule_runs.get_mut(run) {
            r.status = v.status;
            r.summary = Some(v.summary.clone());
            r.last_update = now;
            r.error = v.error.clone();
            if by.is_some() {
                r.updated_by = by.map(str::to_string);
            }
        }
        e.updated = now;
    }

    /// Rule execution ids from the conditions' own generator, so that the world's other random
    /// choices do not depend on how many rules ran.
    fn rng_rule_id(&mut self) -> String {
        self.cond_rng.uuid()
    }

    /// An operator overrides the gate of stage `i`: its condition reads Overridden, its rules in
    /// progress are ended by them, and the execution goes on.
    pub(crate) fn override_gate(&mut self, env: usize, i: usize, by: &str) {
        let Some(gate) = self.envs[env].stages[i].gate.clone() else {
            return;
        };
        self.abandon_runs(env, &gate.runs, "Condition overridden", Some(by));
        let s = &mut self.envs[env].stages[i];
        s.gate = None;
        s.generation += 1;
        self.publish_conditions_as(
            env,
            i,
            gate.kind,
            &gate.runs,
            Some(ConditionStatus::Overridden),
        );
        self.pass_gate(env, gate.exec, i, gate.kind);
    }

    /// The state of the stage's conditions as `GetPipelineState` shows it, from the gate's runs.
    fn publish_conditions(&mut self, env: usize, i: usize) {
        if let Some(g) = self.envs[env].stages[i].gate.clone() {
            self.publish_conditions_as(env, i, g.kind, &g.runs, None);
        }
    }

    fn publish_conditions_as(
        &mut self,
        env: usize,
        i: usize,
        kind: ConditionKind,
        runs: &[usize],
        forced: Option<ConditionStatus>,
    ) {
        let now = self.now;
        let e = &self.envs[env];
        let mut next = runs.iter();
        let conditions: Vec<ConditionState> = e
            .conditions_of(i, kind)
            .iter()
            .map(|c| {
                let rules: Vec<RuleState> = c
                    .rules
                    .iter()
                    .filter_map(|_| next.next())
                    .filter_map(|r| e.rule_runs.get(*r))
                    .map(|r| RuleState {
                        name: r.rule.clone(),
                        latest: Some(RuleRun {
                            rule_execution_id: r.rule_execution_id.clone(),
                            status: r.status,
                            summary: r.summary.clone(),
                            last_status_change: Some(r.last_update),
                            external_execution_url: r.external_execution_url.clone(),
                            error: r.error.clone(),
                        }),
                    })
                    .collect();
                let status = forced.unwrap_or_else(|| aggregate(rules.iter()));
                ConditionState {
                    latest: Some(ConditionRun {
                        status,
                        summary: None,
                        last_status_change: Some(now),
                    }),
                    rules,
                }
            })
            .collect();
        let status = forced.unwrap_or_else(|| {
            let all: Vec<ConditionStatus> = conditions
                .iter()
                .filter_map(|c| c.latest.as_ref().map(|l| l.status))
                .collect();
            if all.contains(&ConditionStatus::Failed) {
                ConditionStatus::Failed
            } else if all.contains(&ConditionStatus::InProgress) {
                ConditionStatus::InProgress
            } else if all.contains(&ConditionStatus::Abandoned) {
                ConditionStatus::Abandoned
            } else {
                ConditionStatus::Succeeded
            }
        });
        let e = &mut self.envs[env];
        e.stages[i].conditions.insert(
            kind,
            StageConditions {
                kind,
                latest: Some(ConditionRun {
                    status,
                    summary: None,
                    last_status_change: Some(now),
                }),
                conditions,
            },
        );
        e.updated = now;
    }
}

/// A condition's status from its rules' statuses.
fn aggregate<'a>(rules: impl Iterator<Item = &'a RuleState>) -> ConditionStatus {
    let statuses: Vec<RuleStatus> = rules
        .filter_map(|r| r.latest.as_ref().map(|l| l.status))
        .collect();
    if statuses.contains(&RuleStatus::Failed) {
        ConditionStatus::Failed
    } else if statuses.contains(&RuleStatus::InProgress) {
        ConditionStatus::InProgress
    } else if statuses.contains(&RuleStatus::Abandoned) {
        ConditionStatus::Abandoned
    } else {
        ConditionStatus::Succeeded
    }
}
