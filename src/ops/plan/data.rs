//! What a planner knows of one environment: its pipeline's definition, state and history, what
//! runs there, its source object and the environment it promotes from.

use super::approve::short_id;
use super::shapes::Refusal;
use crate::domain::{
    Approval, ExecutionSummary, PipelineDef, PipelineState, Release, SourceObject, StageStatus,
    Timestamp, human,
};

/// What a planner knows of one environment's pipeline.
#[derive(Debug, Clone, Copy)]
pub struct PipelineData<'a> {
    /// The definition.
    pub def: Option<&'a PipelineDef>,
    /// The live state (the last one read).
    pub state: Option<&'a PipelineState>,
    /// Executions, newest first.
    pub executions: &'a [ExecutionSummary],
    /// What runs: the execution that last succeeded in the deploy stage (`Ok(None)`: none
    /// did), or why that is not known.
    pub deployed: Result<Option<&'a ExecutionSummary>, &'a str>,
    /// The pipeline's source object when read (`Some(None)`: there is none).
    pub source: Option<Option<&'a SourceObject>>,
    /// Why the latest read of the pipeline state failed, if it did (`state` is then an older
    /// one, or none).
    pub state_error: Option<&'a str>,
    /// Since when reading the pipeline state fails, when it does: `state` is from before.
    pub stale_since: Option<Timestamp>,
    /// The environment this one promotes from, if any.
    pub upstream: Option<Upstream<'a>>,
}

/// What a planner knows of the environment releases are promoted from.
#[derive(Debug, Clone, Copy)]
pub struct Upstream<'a> {
    /// Its name.
    pub name: &'a str,
    /// What runs there, or why that is not known.
    pub deployed: Result<Option<&'a ExecutionSummary>, &'a str>,
    /// Its executions, newest first.
    pub executions: &'a [ExecutionSummary],
}

impl<'a> PipelineData<'a> {
    /// The data of a pipeline read without the deploy-stage listing: what runs is known when
    /// the deploy stage's latest run succeeded and is in `executions`, else unknown.
    pub fn new(
        def: Option<&'a PipelineDef>,
        state: Option<&'a PipelineState>,
        executions: &'a [ExecutionSummary],
    ) -> Self {
        let latest = def
            .and_then(PipelineDef::deploy_stage)
            .and_then(|stage| state?.stage_latest(stage));
        let deployed = match latest {
            Some(l) if l.status == StageStatus::Succeeded => executions
                .iter()
                .find(|e| e.id == l.pipeline_execution_id)
                .map(Some)
                .ok_or(NOT_LISTED),
            _ if def.is_some_and(|d| d.deploy_stage().is_none()) => Ok(None),
            _ => Err(NOT_LISTED),
        };
        PipelineData {
            def,
            state,
            executions,
            deployed,
            source: None,
            state_error: None,
            stale_since: None,
            upstream: None,
        }
    }

    /// Pending approvals of the environment, oldest first.
    pub fn approvals(&self, env: &str) -> Vec<Approval> {
        match (self.def, self.state) {
            (Some(d), Some(s)) => {
                let mut all = Approval::pending(env, d, s, self.executions);
                all.sort_by_key(|a| a.waiting_since);
                all
            }
            _ => Vec::new(),
        }
    }

    /// The release that runs, if known.
    pub fn deployed_release(&self) -> Option<Release> {
        self.deployed
            .ok()
            .flatten()
            .and_then(ExecutionSummary::release)
    }

    /// What runs, for a plan: the release with its commit and actor, the source object's
    /// release when nothing was deployed yet, or why it is not known.
    pub fn deployed_text(&self) -> String {
        match self.deployed {
            Ok(Some(e)) => match e.release() {
                Some(r) => r.describe(),
                None => format!(
                    "execution {} (its source names no release)",
                    short_id(&e.id)
                ),
            },
            Ok(None) => match self.source.flatten().and_then(|s| s.release.as_ref()) {
                Some(r) => format!(
                    "nothing deployed yet (the source object holds {})",
                    r.describe()
                ),
                None => "nothing deployed yet".to_string(),
            },
            Err(why) => format!("unknown ({why})"),
        }
    }

    /// When the state held is older than the latest read, which failed: what a plan built on it
    /// must say (the approval, the running execution or the stage it names may have changed
    /// since). `None` when the latest read succeeded, or when no state is held at all (the
    /// planners then refuse: unknown is not none).
    pub fn stale_warning(&self, env: &str, now: Timestamp) -> Option<String> {
        self.state?;
        let why = self.state_error?;
        let age = self
            .stale_since
            .map(|since| format!(" {} ago", human(now.0.saturating_sub(since.0))))
            .unwrap_or_default();
        Some(format!(
            "{env}'s pipeline could not be read since{age} ({why}): this is planned on the state \
             read before, which may have changed since"
        ))
    }

    /// Refuses an action that depends on the execution history when the pipeline was never
    /// read: unknown is not none.
    pub fn history_known(&self, env: &str, what: &str) -> Result<(), Refusal> {
        if self.def.is_some() {
            return Ok(());
        }
        Err(Refusal::unread(format!(
            "cannot tell {what} in {env}: its pipeline {}",
            match self.state_error {
                Some(e) => format!("could not be read ({e})"),
                None => "is not read yet".to_string(),
            }
        )))
    }

    /// Refuses an action that depends on the pipeline state when it was never read: unknown
    /// is not none.
    pub fn state_known(&self, env: &str, what: &str) -> Result<&'a PipelineState, Refusal> {
        match self.state {
            Some(s) => Ok(s),
            None => Err(Refusal::unread(format!(
                "cannot tell {what} in {env}: its pipeline state {}",
                match self.state_error {
                    Some(e) => format!("could not be read ({e})"),
                    None => "is not read yet".to_string(),
                }
            ))),
        }
    }
}

/// Why what runs is not known without the deploy-stage listing.
const NOT_LISTED: &str = "the deploy stage's last success was not listed";

/// The execution of `list` that `asked` names: its whole id, else the one id it starts (the
/// short ids the views show). `Err` holds those it starts when not exactly one: none, or several.
pub fn named_execution<'a>(
    list: &'a [ExecutionSummary],
    asked: &str,
) -> Result<&'a ExecutionSummary, Vec<&'a ExecutionSummary>> {
    let asked = asked.trim();
    if let Some(exact) = list.iter().find(|e| e.id == asked) {
        return Ok(exact);
    }
    let starting: Vec<&ExecutionSummary> = (list.iter())
        .filter(|e| !asked.is_empty() && e.id.starts_with(asked))
        .collect();
    match starting.as_slice() {
        [one] => Ok(one),
        _ => Err(starting),
    }
}

/// Why `asked` names no one execution when it starts several: `` `4aeba1e2` starts 2
/// executions in prd (…, …); give more of the id ``, `among` saying where they were looked for.
pub fn ambiguous(asked: &str, several: &[&ExecutionSummary], among: &str) -> String {
    let ids: Vec<&str> = several.iter().map(|e| e.id.as_str()).collect();
    format!(
        "`{asked}` starts {} executions {among} ({}); give more of the id",
        ids.len(),
        ids.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ExecutionStatus, ExecutionType, Timestamp, Trigger};

    fn listed(ids: &[&str]) -> Vec<ExecutionSummary> {
        (ids.iter())
            .map(|id| ExecutionSummary {
                id: id.to_string(),
                status: ExecutionStatus::Succeeded,
                status_summary: None,
                stop_reason: None,
                start: Timestamp(0),
                last_update: Timestamp(0),
                source_revisions: Vec::new(),
                trigger: Trigger {
                    kind: "StartPipelineExecution".into(),
                    detail: String::new(),
                },
                execution_type: ExecutionType::Standard,
                execution_mode: None,
                rollback_target: None,
                variables: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn an_execution_is_named_by_its_id_or_the_one_id_it_starts() {
        let list = listed(&["4aeba1e2-aa", "4aeba1e2-bb", "08b29db7-cc", "08b29db7"]);
        let id = |asked: &str| named_execution(&list, asked).map(|e| e.id.as_str());
        assert_eq!(id("08b29db7-cc"), Ok("08b29db7-cc"));
        assert_eq!(
            id(" 4aeba1e2-b "),
            Ok("4aeba1e2-bb"),
            "trimmed, a unique start"
        );
        assert_eq!(
            id("08b29db7"),
            Ok("08b29db7"),
            "a whole id wins over the ids it starts"
        );
        let several = named_execution(&list, "4aeba1e2").unwrap_err();
        assert_eq!(several.len(), 2);
        assert_eq!(
            ambiguous("4aeba1e2", &several, "in prd"),
            "`4aeba1e2` starts 2 executions in prd (4aeba1e2-aa, 4aeba1e2-bb); give more of the id"
        );
        assert!(named_execution(&list, "ffff").unwrap_err().is_empty());
        assert!(
            named_execution(&list, "").unwrap_err().is_empty(),
            "nothing names none"
        );
    }
}
