//! The calls of rollback, freeze/unfreeze, condition overrides, invalidate and promote: one
//! mutating call each.

use super::lost::{change_seen, may_have_reached};
use super::lost_copy::{AfterLost, NotCopied, copy_once};
use crate::cloud::{Cloud, CloudError, TransitionChange};
use crate::ops::plan::guards::Guard;
use crate::ops::plan::{Outcome, Refusal, Request};

/// Sends one `RollbackStage`; after a lost reply, re-reads the executions instead of sending it
/// again.
pub async fn rollback(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Rollback {
        pipeline,
        stage,
        target_execution_id,
    } = request
    else {
        return Outcome::failed("internal: not a rollback request");
    };
    let p = &cloud.pipelines;
    match p.rollback_stage(pipeline, stage, target_execution_id).await {
        Ok(id) => Outcome::done(
            format!("rollback execution {id} redeploys {target_execution_id} in {stage}"),
            Some(id),
        ),
        Err(CloudError::Rejected { code, message })
            if code == "PipelineExecutionOutdatedException" =>
        {
            Outcome::refused(Refusal::by(
                Guard::Input,
                format!(
                    "execution {target_execution_id} ran an older version of the pipeline; \
                     CodePipeline rolls back only to executions of the current version ({message}); \
                     nothing was changed, choose a newer execution"
                ),
            ))
        }
        Err(CloudError::Rejected { code, message }) if code == "UnableToRollbackStageException" => {
            Outcome::refused(Refusal::by(
                Guard::Input,
                format!(
                    "CodePipeline cannot roll {stage} back to execution {target_execution_id} \
                     ({message}): the stage may be running, or the target is a rollback, did not \
                     succeed in {stage} or ran an older pipeline version; nothing was changed, \
                     refresh"
                ),
            ))
        }
        Err(e) if may_have_reached(&e) => change_seen(cloud, request, "RollbackStage", &e).await,
        Err(e) => Outcome::failed(format!("RollbackStage failed: {e}")),
    }
}

/// Sends one `DisableStageTransition` or `EnableStageTransition`; after a lost reply, re-reads
/// the transition instead of sending it again.
pub async fn transition(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Transition {
        pipeline,
        stage,
        disable_reason,
    } = request
    else {
        return Outcome::failed("internal: not a transition request");
    };
    let change = match disable_reason {
        Some(reason) => TransitionChange::Disable {
            reason: reason.clone(),
        },
        None => TransitionChange::Enable,
    };
    let p = &cloud.pipelines;
    match p.set_inbound_transition(pipeline, stage, &change).await {
        Ok(()) => Outcome::done(
            match disable_reason {
                Some(r) => format!("frozen: executions wait before {stage} ({r})"),
                None => format!("unfrozen: executions enter {stage} again"),
            },
            None,
        ),
        Err(e) if may_have_reached(&e) => {
            let op = match change {
                TransitionChange::Disable { .. } => "DisableStageTransition",
                TransitionChange::Enable => "EnableStageTransition",
            };
            change_seen(cloud, request, op, &e).await
        }
        Err(e) => Outcome::failed(format!("changing the transition into {stage} failed: {e}")),
    }
}

/// Sends one `OverrideStageCondition`; AWS's refusals (the condition no longer in progress, held
/// by another execution) say that nothing changed; after a lost reply, re-reads the stage
/// instead of sending it again.
pub async fn override_condition(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Override {
        pipeline,
        stage,
        execution_id,
        kind,
    } = request
    else {
        return Outcome::failed("internal: not an override request");
    };
    let p = &cloud.pipelines;
    let k = kind.as_str();
    match p
        .override_stage_condition(pipeline, stage, execution_id, *kind)
        .await
    {
        Ok(()) => Outcome::done(
            format!("overridden: the {k} condition of {stage} lets execution {execution_id} pass"),
            Some(execution_id.clone()),
        ),
        Err(CloudError::Rejected { code, message })
            if code == "ConditionNotOverridableException"
                || code == "NotLatestPipelineExecutionException" =>
        {
            Outcome::refused(Refusal::by(
                Guard::Input,
                format!("{message}; nothing was changed, refresh"),
            ))
        }
        Err(e) if may_have_reached(&e) => {
            change_seen(cloud, request, "OverrideStageCondition", &e).await
        }
        Err(e) => Outcome::failed(format!("OverrideStageCondition failed: {e}")),
    }
}

/// Sends `CreateInvalidation`, again with the same caller reference after a transient failure
/// (AWS returns the same invalidation for it, so a lost reply never makes a second one).
pub async fn invalidate(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Invalidate {
        distribution_id,
        paths,
        caller_reference,
    } = request
    else {
        return Outcome::failed("internal: not an invalidation request");
    };
    let (mut attempt, mut reached) = (0, false);
    loop {
        let sent = cloud
            .cdn
            .create_invalidation(distribution_id, paths, caller_reference)
            .await;
        match sent {
            Ok(inv) => {
                let mut out = Outcome::done(
                    format!(
                        "invalidation {} of {distribution_id} created ({})",
                        inv.id,
                        inv.status.as_str()
                    ),
                    None,
                );
                out.reference = Some(inv.id);
                return out;
            }
            Err(e) if e.is_transient() && attempt < super::deploy::RETRIES => {
                reached |= may_have_reached(&e);
                attempt += 1;
            }
            Err(e) if reached || may_have_reached(&e) => {
                return Outcome::unknown(format!(
                    "CreateInvalidation failed ({e}) after {} tries with CallerReference \
                     {caller_reference}; the same reference and paths cannot create a second \
                     invalidation",
                    attempt + 1
                ));
            }
            Err(e) => return Outcome::failed(invalidation_refused(distribution_id, &e)),
        }
    }
}

/// What CloudFront's refusal of an invalidation means, and what to do. The limits on paths in
/// progress are CloudFront's, per distribution, and can only be known from its refusal.
fn invalidation_refused(distribution_id: &str, e: &CloudError) -> String {
    let CloudError::Rejected { code, message } = e else {
        return format!("CreateInvalidation failed: {e}");
    };
    match code.as_str() {
        "TooManyInvalidationsInProgress" if message.contains("wildcard") => format!(
            "CreateInvalidation refused ({code}): with these paths {distribution_id} would have \
             more than 15 paths with a `*` being invalidated at once, CloudFront's limit \
             (counted apart from its 3,000 file paths); nothing was invalidated: send fewer `*` \
             paths, or wait until the invalidations in progress complete (usually a few \
             minutes) and invalidate again"
        ),
        "TooManyInvalidationsInProgress" => format!(
            "CreateInvalidation refused ({code}): with these paths {distribution_id} would have \
             more than 3,000 file paths being invalidated at once, CloudFront's limit (paths \
             with a `*` are counted apart, at most 15); nothing was invalidated: wait until the \
             invalidations in progress complete (usually a few minutes), or invalidate a \
             wildcard path such as /assets/* instead"
        ),
        "BatchTooLarge" => format!(
            "CreateInvalidation refused ({code}): more than 3,000 paths in one invalidation, \
             CloudFront's limit; nothing was invalidated: send fewer paths, or a wildcard path \
             such as /assets/*"
        ),
        _ => format!("CreateInvalidation failed: {e}"),
    }
}

/// Sends one `CopyObject` of a release package onto the source key; after a lost reply the
/// key is read again, and the copy sent again only if it is unchanged.
pub async fn promote(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Promote {
        bucket,
        from_key,
        to_key,
        version,
        ..
    } = request
    else {
        return Outcome::failed("internal: not a promote request");
    };
    match copy_once(cloud, bucket, from_key, to_key).await {
        Ok(copied) => {
            let message = format!(
                "release {version} copied to s3://{bucket}/{to_key}{}",
                copied
                    .reference
                    .as_deref()
                    .map(|v| format!(" (version {v})"))
                    .unwrap_or_default()
            );
            let mut out = match &copied.lost {
                Some(AfterLost::Confirmed(note)) => {
                    Outcome::confirmed(format!("{message}; {note}"), None)
                }
                Some(AfterLost::SentAgain) => Outcome::done(
                    format!(
                        "{message} (sent again: the first CopyObject failed and re-reading \
                         showed the source key unchanged)"
                    ),
                    None,
                ),
                None => Outcome::done(message, None),
            };
            out.reference = copied.reference;
            out
        }
        Err(NotCopied {
            unknown: true,
            detail,
        }) => Outcome::unknown(format!(
            "release {version} to s3://{bucket}/{to_key}: {detail}"
        )),
        Err(NotCopied { detail, .. }) => Outcome::failed(detail),
    }
}
