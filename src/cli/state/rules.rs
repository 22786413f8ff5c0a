//! `shipdeck rules ENV [--stage S]`: the rule runs of an environment's stage conditions
//! (`ListRuleExecutions`), newest first.

use crate::cli::{Answer, Failure, Global, Output, columns, connect, json};
use crate::domain::{RuleExecutionDetail, RuleStatus, human};
use crate::ops::plan::approve::short_id;
use serde::Serialize;

/// Rule runs read at most.
const MAX_RULE_RUNS: usize = 100;

#[derive(Serialize)]
struct RulesOut {
    environment: String,
    pipeline: String,
    stage: Option<String>,
    rules: Vec<RuleRunOut>,
}

#[derive(Serialize)]
struct RuleRunOut {
    execution_id: String,
    rule_execution_id: String,
    stage: String,
    rule: String,
    #[serde(rename = "type")]
    provider: Option<String>,
    status: &'static str,
    start: String,
    last_update: String,
    updated_by: Option<String>,
    summary: Option<String>,
    url: Option<String>,
}

fn out(r: &RuleExecutionDetail) -> RuleRunOut {
    RuleRunOut {
        execution_id: r.pipeline_execution_id.clone(),
        rule_execution_id: r.rule_execution_id.clone(),
        stage: r.stage.clone(),
        rule: r.rule.clone(),
        provider: r.provider.clone(),
        status: r.status.as_str(),
        start: r.start.rfc3339(),
        last_update: r.last_update.rfc3339(),
        updated_by: r.updated_by.clone(),
        summary: r.summary.clone(),
        url: r.external_execution_url.clone(),
    }
}

/// Prints the rule runs of `env`'s pipeline, of one stage when `stage` is given (a stage the
/// pipeline does not have is a usage error naming those it has).
pub async fn run(
    global: &Global,
    env: &str,
    stage: Option<&str>,
    output: Output,
) -> Result<Answer, Failure> {
    let backend = connect(global).map_err(Failure::new)?;
    let envs = &backend.config.environments;
    let spec = &envs[crate::cli::env_position(envs.iter().map(|e| e.name.as_str()), env)?];
    let pipelines = &backend.clouds.named(&spec.name).pipelines;
    if let Some(stage) = stage {
        let def = pipelines
            .get_pipeline(&spec.pipeline)
            .await
            .map_err(|e| Failure::new(format!("{env}: GetPipeline: {e}")))?;
        if !def.stages.iter().any(|s| s.name == stage) {
            let names: Vec<&str> = def.stages.iter().map(|s| s.name.as_str()).collect();
            return Err(Failure::usage(format!(
                "unknown stage `{stage}` of {}; expected one of {}",
                spec.pipeline,
                names.join(", ")
            )));
        }
    }
    let runs = pipelines
        .list_rule_executions(&spec.pipeline, None, MAX_RULE_RUNS)
        .await
        .map_err(|e| Failure::new(format!("{env}: ListRuleExecutions: {e}")))?;
    let chosen: Vec<&RuleExecutionDetail> = (runs.iter())
        .filter(|r| stage.is_none_or(|s| r.stage == s))
        .collect();
    let rules: Vec<RuleRunOut> = chosen.iter().map(|r| out(r)).collect();
    let report = RulesOut {
        environment: env.to_string(),
        pipeline: spec.pipeline.clone(),
        stage: stage.map(str::to_string),
        rules,
    };
    if output == Output::Json {
        return json(&report).map(Answer::ok);
    }
    if report.rules.is_empty() {
        let of = stage.map(|s| format!(" of stage {s}")).unwrap_or_default();
        return Ok(Answer::ok(format!(
            "{}: no rule runs{of} (no stage condition has run)\n",
            report.pipeline
        )));
    }
    let mut rows = vec![
        [
            "STARTED",
            "ENDED",
            "TOOK",
            "STAGE",
            "RULE",
            "TYPE",
            "STATUS",
            "EXECUTION",
            "SUMMARY",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let now = backend.now;
    for (r, run) in report.rules.iter().zip(chosen) {
        // A rule held (a deployment window closed, an alarm waited on) ends long after it
        // started: when it passed or failed, and after how long, is what tells that apart.
        let (ended, took) = if run.status == RuleStatus::InProgress {
            ("running".to_string(), human(now.since(run.start)))
        } else {
            (
                r.last_update.clone(),
                human(run.last_update.since(run.start)),
            )
        };
        rows.push(vec![
            r.start.clone(),
            ended,
            took,
            r.stage.clone(),
            r.rule.clone(),
            r.provider.clone().unwrap_or_else(|| "-".into()),
            r.status.to_string(),
            short_id(&r.execution_id).to_string(),
            r.summary.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    Ok(Answer::ok(columns(&rows)))
}
