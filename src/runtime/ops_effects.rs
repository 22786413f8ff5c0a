//! The effects of the console's actions: send a confirmed plan's one call and write its audit
//! line, append refusals and declines to the audit log, read the log for the audit view.

use crate::app::{Action, AuditLine, Effect, State};
use crate::cli::Backend;
use crate::cloud::Cloud;
use crate::ops::{self, audit};
use std::path::Path;

/// Rollback candidates listed (as the CLI does).
const CANDIDATES: usize = 20;

/// Appends `entry` to `path`, or to the XDG state dir's audit log.
fn append(path: Option<&Path>, entry: &audit::Entry) -> Result<(), String> {
    match path {
        Some(p) => {
            audit::append_to(p, entry).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => audit::append(entry).map(|_| ()),
    }
}

/// Runs one effect of the console's actions; `None` for effects that answer nothing.
pub async fn run(cloud: &Cloud, effect: Effect) -> Option<Action> {
    match effect {
        Effect::ApplyOp {
            request,
            plan,
            identity,
            at,
            audit_path,
        } => {
            let outcome = ops::apply(cloud, &plan).await;
            let entry = audit::Entry::applied(&plan, identity.as_deref(), at, &outcome);
            let audit_error = append(audit_path.as_deref(), &entry).err();
            Some(Action::OpApplied {
                request,
                outcome,
                audit_error,
            })
        }
        Effect::Audit { entry, path } => append(path.as_deref(), &entry.0)
            .err()
            .map(Action::AuditFailed),
        Effect::FetchPackages {
            env,
            request,
            spec,
            want,
        } => {
            let read = ops::release::read(
                cloud,
                &spec.source_bucket,
                &spec.release_prefix,
                want.as_ref(),
                ops::release::Limits::PICKER,
            );
            let result = super::effects::timed("ListObjectsV2", read)
                .await
                .map_err(|e| format!("release packages of {}: {e}", spec.name));
            Some(Action::PackagesLoaded {
                env,
                request,
                result,
            })
        }
        Effect::FetchCandidates {
            env,
            request,
            pipeline,
            stage,
        } => {
            let call = cloud
                .pipelines
                .list_succeeded_in_stage(&pipeline, &stage, CANDIDATES);
            let result = super::effects::timed("ListPipelineExecutions", call)
                .await
                .map_err(|e| format!("executions that succeeded in {stage} of {pipeline}: {e}"));
            Some(Action::CandidatesLoaded {
                env,
                request,
                result,
            })
        }
        Effect::FetchInvalidation {
            request,
            distribution_id,
            id,
        } => {
            let call = cloud.cdn.get_invalidation(&distribution_id, &id);
            let result = super::effects::timed("GetInvalidation", call)
                .await
                .map_err(|e| e.to_string());
            Some(Action::InvalidationLoaded { request, result })
        }
        Effect::ReadAudit { path } => {
            let path = match path.or_else(audit::path) {
                Some(p) => p,
                None => {
                    return Some(Action::AuditLoaded(Err(
                        "no state dir: set XDG_STATE_HOME or HOME".into(),
                    )));
                }
            };
            let result = audit::read(&path, None)
                .map(|entries| entries.into_iter().map(AuditLine).collect());
            Some(Action::AuditLoaded(result))
        }
        _ => None,
    }
}

/// Carries what the guards need from the configuration into the state: the self-approval
/// setting of each environment.
pub fn prepare(state: &mut State, backend: &Backend) {
    for env in &state.envs {
        let name = env.spec.name.clone();
        let setting = backend.config.self_approval(&name);
        state.ops.self_approval.insert(name, setting);
    }
}
