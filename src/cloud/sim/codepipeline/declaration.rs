//! The V2 parts of each simulated pipeline's declaration: its execution mode, its variables and
//! its stage conditions, as a release team would set them up per environment.

use crate::domain::{
    ConditionDef, ConditionKind, ConditionResult, EnvSpec, ExecutionMode, PipelineDef,
    PipelineType, RetryMode, RuleDef, VariableDecl,
};

/// The deployment window rule of protected environments: working hours in Berlin.
pub const WINDOW_RULE: &str = "prod-hours";
/// Its cron: every minute of 09:00–16:59, Monday to Friday.
pub const WINDOW_CRON: &str = "* * 9-16 ? * MON-FRI *";
/// Its time zone.
pub const WINDOW_ZONE: &str = "Europe/Berlin";
/// The alarm rule that rolls a protected environment's deploy back.
pub const ALARM_RULE: &str = "api-5xx";
/// Minutes the alarm rule watches after the deploy succeeded (`WaitTime`).
pub const ALARM_WAIT_MINUTES: i64 = 10;

/// The pipeline variables every simulated pipeline declares.
pub const VARIABLES: [&str; 2] = ["release_version", "commit"];

fn rule(name: &str, provider: &str, config: &[(&str, String)]) -> RuleDef {
    RuleDef {
        name: name.into(),
        provider: provider.into(),
        configuration: config
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
        region: None,
    }
}

/// The alarm a protected environment's `api-5xx` rule watches.
pub fn alarm_name(spec: &EnvSpec) -> String {
    format!("storefront-api-5xx-{}", spec.name)
}

/// Makes `def` a V2 pipeline for `spec`: the first environment QUEUED (every build is deployed
/// in turn) with its Deploy retried once automatically when it fails (its deploy script is
/// flaky), the others SUPERSEDED; a protected environment's Deploy gated by the deployment
/// window and rolled back when the API's 5xx alarm fires after it, its Verify retried once.
pub fn declare_v2(def: &mut PipelineDef, spec: &EnvSpec) {
    def.pipeline_type = Some(PipelineType::V2);
    def.execution_mode = if spec.promotes_from.is_none() {
        ExecutionMode::Queued
    } else {
        ExecutionMode::Superseded
    };
    def.variables = VARIABLES
        .iter()
        .map(|name| VariableDecl {
            name: name.to_string(),
            default: Some("none".into()),
            description: Some(match *name {
                "release_version" => "The release shipped, as its starter names it".into(),
                _ => "The commit of the release, as its starter names it".into(),
            }),
        })
        .collect();
    let retry = || ConditionDef {
        kind: ConditionKind::OnFailure,
        result: Some(ConditionResult::Retry),
        retry_mode: Some(RetryMode::FailedActions),
        rules: Vec::new(),
    };
    for stage in &mut def.stages {
        match stage.name.as_str() {
            "Deploy" if spec.promotes_from.is_none() => stage.conditions.push(retry()),
            "Verify" if spec.protected => stage.conditions.push(retry()),
            "Deploy" if spec.protected => {
                stage.conditions.push(ConditionDef {
                    kind: ConditionKind::BeforeEntry,
                    result: Some(ConditionResult::Fail),
                    retry_mode: None,
                    rules: vec![rule(
                        WINDOW_RULE,
                        "DeploymentWindow",
                        &[
                            ("Cron", WINDOW_CRON.into()),
                            ("TimeZone", WINDOW_ZONE.into()),
                        ],
                    )],
                });
                stage.conditions.push(ConditionDef {
                    kind: ConditionKind::OnSuccess,
                    result: Some(ConditionResult::Rollback),
                    retry_mode: None,
                    rules: vec![rule(
                        ALARM_RULE,
                        "CloudWatchAlarm",
                        &[
                            ("AlarmName", alarm_name(spec)),
                            ("WaitTime", ALARM_WAIT_MINUTES.to_string()),
                        ],
                    )],
                });
            }
            _ => {}
        }
    }
}
