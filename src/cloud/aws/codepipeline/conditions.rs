//! The `Pipelines` port's V2 stage conditions over CodePipeline: `ListRuleExecutions` and
//! `OverrideStageCondition`, whose refusals say what the operator can do about them.

use super::super::AwsCloud;
use super::super::convert_v2::rule_detail;
use super::super::errors::map;
use super::pipelines::{PAGE, call};
use crate::cloud::{CloudError, CloudResult};
use crate::domain::{ConditionKind, RuleExecutionDetail};
use aws_sdk_codepipeline::types as sdk;

/// Pages of rule executions read at most for one request.
const RULE_PAGES: usize = 10;

/// `ListRuleExecutions`, newest first, optionally of one execution, at most `max` rows.
pub(super) async fn list_rule_executions(
    aws: &AwsCloud,
    name: &str,
    execution_id: Option<&str>,
    max: usize,
) -> CloudResult<Vec<RuleExecutionDetail>> {
    let r = aws.ready().await;
    let resources = [
        ("pipeline", name),
        ("pipeline execution", execution_id.unwrap_or("")),
    ];
    let c = call(
        "ListRuleExecutions",
        "codepipeline:ListRuleExecutions",
        &resources,
    );
    let filter = execution_id.map(|id| {
        sdk::RuleExecutionFilter::builder()
            .pipeline_execution_id(id)
            .build()
    });
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..RULE_PAGES {
        if out.len() >= max {
            break;
        }
        let page = r
            .clients
            .codepipeline
            .list_rule_executions()
            .pipeline_name(name)
            .set_filter(filter.clone())
            .max_results((max - out.len()).clamp(1, PAGE) as i32)
            .set_next_token(token.take())
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        out.extend(page.rule_execution_details().iter().filter_map(rule_detail));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    out.truncate(max);
    Ok(out)
}

/// `OverrideStageCondition` of a beforeEntry or onSuccess condition.
pub(super) async fn override_stage_condition(
    aws: &AwsCloud,
    name: &str,
    stage: &str,
    execution_id: &str,
    kind: ConditionKind,
) -> CloudResult<()> {
    let condition_type = match kind {
        ConditionKind::BeforeEntry => sdk::ConditionType::BeforeEntry,
        ConditionKind::OnSuccess => sdk::ConditionType::OnSuccess,
        ConditionKind::OnFailure => {
            return Err(CloudError::Rejected {
                code: "ValidationException".into(),
                message: format!(
                    "the onFailure condition of stage {stage} cannot be overridden: only \
                     beforeEntry and onSuccess conditions can"
                ),
            });
        }
    };
    let r = aws.ready().await;
    let resources = [
        ("pipeline", name),
        ("stage", stage),
        ("pipeline execution", execution_id),
    ];
    let c = call(
        "OverrideStageCondition",
        "codepipeline:OverrideStageCondition",
        &resources,
    );
    r.clients
        .codepipeline
        .override_stage_condition()
        .pipeline_name(name)
        .stage_name(stage)
        .pipeline_execution_id(execution_id)
        .condition_type(condition_type)
        .send()
        .await
        .map_err(|e| explain(map(e, &c, &r.site), stage, kind))?;
    Ok(())
}

/// A refusal of `OverrideStageCondition` in words the operator can act on; AWS's own message
/// is kept after them.
pub(crate) fn explain(err: CloudError, stage: &str, kind: ConditionKind) -> CloudError {
    let CloudError::Rejected { code, message } = err else {
        return err;
    };
    let k = kind.as_str();
    let why = match code.as_str() {
        "ConditionNotOverridableException" => format!(
            "the {k} condition of stage {stage} cannot be overridden: only a condition in \
             progress can, and never one whose result is SKIP"
        ),
        "NotLatestPipelineExecutionException" => format!(
            "the {k} condition of stage {stage} is held by a later execution than the one named"
        ),
        "ConcurrentPipelineExecutionsLimitExceededException" => format!(
            "the pipeline runs as many executions as it may: the {k} condition of stage {stage} \
             cannot be overridden until one ends"
        ),
        _ => return CloudError::Rejected { code, message },
    };
    let message = if message.is_empty() {
        why
    } else {
        format!("{why} (AWS: {message})")
    };
    CloudError::Rejected { code, message }
}
