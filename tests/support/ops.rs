//! Console-action fixtures: a state with every environment loaded and an operator, and helpers
//! to drive the dialog and look at the effects.
#![allow(dead_code)]

use super::*;
use shipdeck::app::{Action, Effect, EnvSnapshot, Reply, State, update};

/// The operator (not the release actor `alice`, not the starter `carol`).
pub const DAVE: &str = "arn:aws:sts::123456789012:assumed-role/ReleaseManager/dave";

/// dev: two good releases; stg: the latest failed in Deploy; prd: one running, waiting at the
/// approval.
pub fn env_snapshot(name: &str) -> EnvSnapshot {
    let ex = |id: &str, st, v: &str, ago: i64| execution(id, st, v, T0 - ago * Timestamp::HOUR);
    match name {
        "dev" => snapshot(
            "dev",
            vec![
                ex("e-12", ExecutionStatus::Succeeded, "1.4.0", 1),
                ex("e-11", ExecutionStatus::Succeeded, "1.3.0", 5),
            ],
            None,
        ),
        "stg" => {
            let mut s = snapshot(
                "stg",
                vec![
                    ex("e-22", ExecutionStatus::Failed, "1.4.0", 1),
                    ex("e-21", ExecutionStatus::Succeeded, "1.3.0", 5),
                ],
                None,
            );
            if let Ok(state) = s.state.as_mut() {
                for stage in state.stages.iter_mut().filter(|st| st.name == "Deploy") {
                    if let Some(l) = stage.latest.as_mut() {
                        l.status = StageStatus::Failed;
                    }
                    for a in &mut stage.actions {
                        if let Some(l) = a.latest.as_mut() {
                            l.status = ActionStatus::Failed;
                        }
                    }
                }
            }
            s
        }
        _ => snapshot(
            "prd",
            vec![
                ex("e-32", ExecutionStatus::InProgress, "1.3.0", 2),
                ex("e-31", ExecutionStatus::Succeeded, "1.2.0", 30),
            ],
            Some(("e-32", T0 - Timestamp::HOUR)),
        ),
    }
}

/// Answers every `FetchEnv` among `effects` with [`env_snapshot`].
pub fn answer_fetches(s: &mut State, effects: Vec<Effect>) {
    for e in effects {
        if let Effect::FetchEnv { env, request, .. } = e {
            let name = s.envs[env].spec.name.clone();
            let result = Ok(Box::new(env_snapshot(&name)));
            let more = update(
                s,
                Action::Reply(Reply::EnvLoaded {
                    env,
                    request,
                    result,
                }),
            );
            answer_fetches(s, more);
        }
    }
}

/// Every environment loaded, the operator known.
pub fn loaded() -> State {
    let mut s = state();
    s.session.identity = Some(DAVE.into());
    let fx = update(&mut s, Action::Tick(T0));
    answer_fetches(&mut s, fx);
    s
}

/// Selects environment `name` (pipeline view).
pub fn select(s: &mut State, name: &str) {
    update(s, Action::Show(shipdeck::app::View::Pipeline));
    while s.selected_env().map(|e| e.spec.name.as_str()) != Some(name) {
        update(s, Action::NextEnv);
    }
}

/// Types `text` into the focused dialog field; returns every effect.
pub fn type_text(s: &mut State, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| update(s, Action::Input(c)))
        .collect()
}

/// The `ApplyOp` effects among `effects`.
pub fn applies(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::ApplyOp { .. }))
        .count()
}

/// The audit entries among `effects`: (action, outcome, guard).
pub fn audits(effects: &[Effect]) -> Vec<(String, String, Option<String>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Audit { entry, .. } => Some((
                entry.0.action.clone(),
                entry.0.outcome.clone(),
                entry.0.guard.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// The status-bar text.
pub fn status(s: &State) -> String {
    s.status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

/// `env`'s Deploy stage declares a beforeEntry DeploymentWindow rule `prod-hours` (14:00–16:59
/// Mon–Fri in Berlin), in progress at T0 (10:00 in Berlin): it holds execution `held` at
/// Deploy's entry.
pub fn hold_at_window(s: &mut State, env: &str, held: &str) {
    let i = s.env_index(env).unwrap();
    let e = &mut s.envs[i];
    hold_in(e.def.as_mut().unwrap(), e.state.as_mut().unwrap(), held);
}

/// A snapshot of `env` whose Deploy stage is held as [`hold_at_window`] says (`held: None`: the
/// window's condition declared but not in progress: it passed).
pub fn held_snapshot(env: &str, held: Option<&str>) -> EnvSnapshot {
    let mut snap = env_snapshot(env);
    let state = snap.state.as_mut().unwrap();
    hold_in(&mut snap.def, state, held.unwrap_or("e-0"));
    if held.is_none() {
        for st in state.stages.iter_mut() {
            st.inbound_execution = None;
            for c in st.conditions.iter_mut() {
                c.latest.as_mut().unwrap().status = ConditionStatus::Succeeded;
                for x in c.conditions.iter_mut() {
                    x.latest.as_mut().unwrap().status = ConditionStatus::Succeeded;
                    for r in x.rules.iter_mut() {
                        r.latest.as_mut().unwrap().status = RuleStatus::Succeeded;
                    }
                }
            }
        }
    }
    snap
}

fn hold_in(def: &mut PipelineDef, state: &mut PipelineState, held: &str) {
    let mut configuration = BTreeMap::new();
    configuration.insert("Cron".to_string(), "* * 14-16 ? * MON-FRI *".to_string());
    configuration.insert("TimeZone".to_string(), "Europe/Berlin".to_string());
    for st in def.stages.iter_mut() {
        if st.name == "Deploy" {
            st.conditions = vec![ConditionDef {
                kind: ConditionKind::BeforeEntry,
                result: Some(ConditionResult::Fail),
                retry_mode: None,
                rules: vec![RuleDef {
                    name: "prod-hours".into(),
                    provider: "DeploymentWindow".into(),
                    configuration: configuration.clone(),
                    region: None,
                }],
            }];
        }
    }
    let run = |status| ConditionRun {
        status,
        summary: None,
        last_status_change: Some(T0),
    };
    for st in state.stages.iter_mut() {
        if st.name == "Deploy" {
            st.inbound_execution = Some(StageExecution {
                pipeline_execution_id: held.into(),
                status: StageStatus::InProgress,
            });
            st.conditions = vec![StageConditions {
                kind: ConditionKind::BeforeEntry,
                latest: Some(run(ConditionStatus::InProgress)),
                conditions: vec![ConditionState {
                    latest: Some(run(ConditionStatus::InProgress)),
                    rules: vec![RuleState {
                        name: "prod-hours".into(),
                        latest: Some(RuleRun {
                            rule_execution_id: "r-1".into(),
                            status: RuleStatus::InProgress,
                            summary: Some(
                                "Outside the deployment window; it opens at 14:00 Europe/Berlin"
                                    .into(),
                            ),
                            last_status_change: Some(T0),
                            external_execution_url: None,
                            error: None,
                        }),
                    }],
                }],
            }];
        }
    }
}

/// The audit entries among `effects`, whole.
pub fn audit_entries(effects: &[Effect]) -> Vec<shipdeck::ops::plan::audit::Entry> {
    (effects.iter())
        .filter_map(|e| match e {
            Effect::Audit { entry, .. } => Some(entry.0.clone()),
            _ => None,
        })
        .collect()
}
