//! The calls of rollback, freeze/unfreeze, invalidate and promote: one mutating call each.

use super::guards::Guard;
use super::plan::{Outcome, Refusal, Request};
use crate::cloud::{Cloud, CloudError, TransitionChange};

/// Sends one `RollbackStage`.
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
        Err(CloudError::Rejected { code, message }) if code == "UnableToRollbackStageException" => {
            Outcome::refused(Refusal::by(Guard::Input, format!("{message}; refresh")))
        }
        Err(e) => Outcome::failed(format!("RollbackStage failed: {e}")),
    }
}

/// Sends one `DisableStageTransition` or `EnableStageTransition`.
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
        Err(e) => Outcome::failed(format!("changing the transition into {stage} failed: {e}")),
    }
}

/// Sends one `CreateInvalidation` (its caller reference makes a retry return the same one).
pub async fn invalidate(cloud: &Cloud, request: &Request) -> Outcome {
    let Request::Invalidate {
        distribution_id,
        paths,
        caller_reference,
    } = request
    else {
        return Outcome::failed("internal: not an invalidation request");
    };
    let mut attempt = 0;
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
            Err(e) if e.is_transient() && attempt < super::deploy::RETRIES => attempt += 1,
            Err(e) => return Outcome::failed(format!("CreateInvalidation failed: {e}")),
        }
    }
}

/// Sends one `CopyObject` of a release package onto the source key.
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
    match cloud
        .storage
        .copy_object(bucket, from_key, bucket, to_key)
        .await
    {
        Ok(put) => {
            let mut out = Outcome::done(
                format!(
                    "release {version} copied to s3://{bucket}/{to_key}{}",
                    put.version_id
                        .as_deref()
                        .map(|v| format!(" (version {v})"))
                        .unwrap_or_default()
                ),
                None,
            );
            out.reference = put.version_id.or(Some(put.etag));
            out
        }
        Err(e) => Outcome::failed(format!("CopyObject failed: {e}")),
    }
}
