//! After an approval was refused at the last moment (changed, answered or expired): the
//! approvals waiting now, read fresh, so the operator sees what to do next.

use crate::cloud::Cloud;
use crate::domain::{EnvSpec, Timestamp, human};
use crate::ops::plan::PipelineData;

/// One line per approval waiting now in `spec`'s pipeline (or why none could be read).
pub async fn approvals_now(cloud: &Cloud, spec: &EnvSpec, now: Timestamp) -> Vec<String> {
    let p = &cloud.pipelines;
    let read = async {
        let def = p.get_pipeline(&spec.pipeline).await?;
        let state = p.get_pipeline_state(&spec.pipeline).await?;
        let executions = p.list_executions(&spec.pipeline, 20).await?;
        Ok::<_, crate::cloud::CloudError>((def, state, executions))
    };
    let (def, state, executions) = match read.await {
        Ok(r) => r,
        Err(e) => return vec![format!("refresh failed: {e}")],
    };
    let data = PipelineData::new(Some(&def), Some(&state), &executions);
    let pending = data.approvals(&spec.name);
    if pending.is_empty() {
        return vec![format!("now: no approval waits in {}", spec.name)];
    }
    pending
        .iter()
        .map(|a| {
            let release = a
                .release
                .as_ref()
                .map_or("-".to_string(), crate::domain::Release::describe);
            format!(
                "now waiting: execution {} with {release}, {} left; plan again to answer it",
                a.execution_id,
                human(a.time_left(now))
            )
        })
        .collect()
}
