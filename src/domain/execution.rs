//! Pipeline executions, their source revisions and triggers, and the releases they ship.

use super::{Timestamp, Version};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The S3 object metadata key CodePipeline reads an S3 source's revision summary from.
pub const SUMMARY_KEY: &str = "codepipeline-artifact-revision-summary";

/// Status of a pipeline execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExecutionStatus {
    /// Cancelled.
    Cancelled,
    /// Running (or waiting at an approval).
    InProgress,
    /// Stopped.
    Stopped,
    /// Being stopped.
    Stopping,
    /// Finished well.
    Succeeded,
    /// Overtaken by a newer execution.
    Superseded,
    /// Failed.
    Failed,
}

impl ExecutionStatus {
    /// CodePipeline's name for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Cancelled => "Cancelled",
            ExecutionStatus::InProgress => "InProgress",
            ExecutionStatus::Stopped => "Stopped",
            ExecutionStatus::Stopping => "Stopping",
            ExecutionStatus::Succeeded => "Succeeded",
            ExecutionStatus::Superseded => "Superseded",
            ExecutionStatus::Failed => "Failed",
        }
    }

    /// Whether the execution is still moving.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            ExecutionStatus::InProgress | ExecutionStatus::Stopping
        )
    }
}

/// Standard run or a rollback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExecutionType {
    /// A normal run.
    Standard,
    /// A rollback to an earlier execution.
    Rollback,
}

/// What started an execution (`trigger{triggerType, triggerDetail}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    /// e.g. `StartPipelineExecution`, `CloudWatchEvent`, `PutActionRevision`.
    pub kind: String,
    /// The starter's ARN for a manual start, or the event's ARN.
    pub detail: String,
}

impl Trigger {
    /// Who or what started it, short: the person (last segment of the starter's ARN) for a
    /// manual start, `s3-event` for a source change event, `auto-rollback` for a rollback a
    /// stage condition started, else the detail's last segment.
    pub fn actor(&self) -> &str {
        match self.kind.as_str() {
            "CloudWatchEvent" => "s3-event",
            // A stage condition rolled it back; the detail is the execution that failed it.
            "AutomatedRollback" => "auto-rollback",
            "PutActionRevision" => "revision",
            _ => self.detail.rsplit('/').next().unwrap_or(&self.detail),
        }
    }
}

/// The revision a source action fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRevision {
    /// Source action name.
    pub action_name: String,
    /// Revision id (the S3 object's version id).
    pub revision_id: String,
    /// The object's `codepipeline-artifact-revision-summary` metadata.
    pub revision_summary: Option<String>,
}

/// One pipeline execution (`ListPipelineExecutions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutionSummary {
    /// Execution id.
    pub id: String,
    /// Status.
    pub status: ExecutionStatus,
    /// Status summary (`statusSummary`: a failure, a rejection's comment).
    pub status_summary: Option<String>,
    /// The reason given to the stop (`stopTrigger.reason`), if it was stopped with one.
    #[serde(default)]
    pub stop_reason: Option<String>,
    /// Start time.
    pub start: Timestamp,
    /// Last update.
    pub last_update: Timestamp,
    /// Source revisions.
    pub source_revisions: Vec<SourceRevision>,
    /// What started it.
    pub trigger: Trigger,
    /// Standard or rollback.
    pub execution_type: ExecutionType,
    /// The execution mode it ran in (V2).
    #[serde(default)]
    pub execution_mode: Option<super::ExecutionMode>,
    /// For a rollback: the execution it rolled back to (`rollbackMetadata`).
    #[serde(default)]
    pub rollback_target: Option<String>,
    /// Its resolved variables (`GetPipelineExecution` only; empty in listings), in order.
    #[serde(default)]
    pub variables: Vec<ResolvedVariable>,
}

/// A pipeline variable as an execution resolved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedVariable {
    /// Name.
    pub name: String,
    /// The value it ran with (passed at start, else the declared default).
    pub value: String,
}

impl ResolvedVariable {
    /// A variable and its value.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> ResolvedVariable {
        ResolvedVariable {
            name: name.into(),
            value: value.into(),
        }
    }
}

impl ExecutionSummary {
    /// What the history's summary says: the status summary, else the stop reason (`stopped:
    /// …`), else nothing.
    pub fn summary_text(&self) -> Option<String> {
        self.status_summary
            .clone()
            .filter(|s| !s.is_empty())
            .or_else(|| {
                self.stop_reason
                    .as_ref()
                    .filter(|r| !r.is_empty())
                    .map(|r| format!("stopped: {r}"))
            })
    }

    /// [`ExecutionSummary::summary_text`], else for an execution that failed or stopped without
    /// a summary (an approval that expired has none) the stage `state` shows it failed or
    /// stopped in (`failed at Approval`), while that stage's latest run is still this one.
    pub fn summary_in(&self, state: Option<&super::PipelineState>) -> Option<String> {
        use super::{ExecutionStatus, StageStatus};
        self.summary_text().or_else(|| {
            let ended = match self.status {
                ExecutionStatus::Failed => StageStatus::Failed,
                ExecutionStatus::Stopped => StageStatus::Stopped,
                _ => return None,
            };
            let stage = state?.stages.iter().find(|st| {
                st.latest
                    .as_ref()
                    .is_some_and(|l| l.pipeline_execution_id == self.id && l.status == ended)
            })?;
            let how = if ended == StageStatus::Failed {
                "failed"
            } else {
                "stopped"
            };
            Some(format!("{how} at {}", stage.name))
        })
    }

    /// The release this execution ships, read from its first source revision's summary.
    pub fn release(&self) -> Option<Release> {
        self.source_revisions.iter().find_map(|r| {
            r.revision_summary
                .as_deref()
                .and_then(Release::parse_summary)
        })
    }

    /// How long the execution has run by `now`: from its start to its last update once it has
    /// ended; to `now` while it runs (then `true`: it is still running, not done in that time).
    pub fn ran(&self, now: Timestamp) -> (super::Millis, bool) {
        if self.status.is_active() {
            (now.since(self.start), true)
        } else {
            (self.last_update.since(self.start), false)
        }
    }

    /// [`ExecutionSummary::ran`] as a table cell: `3h 03m` for an execution that ended,
    /// `48m 00s so far` for one still running.
    pub fn duration_text(&self, now: Timestamp) -> String {
        match self.ran(now) {
            (ms, true) => format!("{} so far", super::human(ms)),
            (ms, false) => super::human(ms),
        }
    }
}

/// A release package: version, commit and the actor who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Release {
    /// Version.
    pub version: Version,
    /// Commit id (full or short).
    pub commit: String,
    /// Who published it (GitHub login).
    pub actor: String,
}

impl Release {
    /// The revision summary written as object metadata: `Release 1.4.2 (commit 3f2a9c1) by alice`.
    pub fn summary(&self) -> String {
        format!(
            "Release {} (commit {}) by {}",
            self.version, self.commit, self.actor
        )
    }

    /// Short commit (7 characters).
    pub fn short_commit(&self) -> &str {
        self.commit.get(..7).unwrap_or(&self.commit)
    }

    /// Reads a revision summary. Accepts the form of [`Release::summary`] and the key=value
    /// form `version=1.4.2 commit=3f2a9c1 actor=alice`; `None` when no version is found.
    pub fn parse_summary(text: &str) -> Option<Release> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut version = None;
        let mut commit = String::new();
        let mut actor = String::new();
        for (i, w) in words.iter().enumerate() {
            let next = words
                .get(i + 1)
                .map(|s| s.trim_matches(|c| c == '(' || c == ')'));
            if let Some(v) = w.strip_prefix("version=") {
                version = Version::parse(v);
            } else if let Some(c) = w.strip_prefix("commit=") {
                commit = c.to_string();
            } else if let Some(a) = w.strip_prefix("actor=") {
                actor = a.to_string();
            } else if w.eq_ignore_ascii_case("release") && version.is_none() {
                version = next.and_then(Version::parse);
            } else if w.trim_start_matches('(') == "commit" {
                commit = next.unwrap_or_default().to_string();
            } else if *w == "by" {
                actor = next.unwrap_or_default().to_string();
            }
        }
        if version.is_none() {
            version = words.iter().find_map(|w| Version::parse(w));
        }
        Some(Release {
            version: version?,
            commit,
            actor,
        })
    }
}

impl Release {
    /// The release an object's metadata describes: `version`, `commit` and `actor`, else the
    /// revision summary ([`SUMMARY_KEY`]), with `named` as the version when the metadata has
    /// none; `None` when no version is found at all.
    pub fn from_metadata(m: &BTreeMap<String, String>, named: Option<&Version>) -> Option<Release> {
        let summary = m.get(SUMMARY_KEY).and_then(|t| Release::parse_summary(t));
        let version = m
            .get("version")
            .and_then(|v| Version::parse(v.trim()).or_else(|| Version::find_in(v)))
            .or_else(|| summary.as_ref().map(|r| r.version.clone()))
            .or_else(|| named.cloned())?;
        Some(Release {
            version,
            commit: m
                .get("commit")
                .cloned()
                .or_else(|| summary.as_ref().map(|r| r.commit.clone()))
                .unwrap_or_default(),
            actor: m
                .get("actor")
                .cloned()
                .or_else(|| summary.map(|r| r.actor))
                .unwrap_or_default(),
        })
    }

    /// `1.4.2 (commit 3f2a9c1) by alice`, saying `unknown` for a commit or actor not recorded.
    pub fn describe(&self) -> String {
        let or_unknown = |s: &str| {
            if s.is_empty() {
                "unknown".to_string()
            } else {
                s.to_string()
            }
        };
        format!(
            "{} (commit {}) by {}",
            self.version,
            or_unknown(self.short_commit()),
            or_unknown(&self.actor)
        )
    }
}

/// An environment's source object: what its pipeline's next run fetches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceObject {
    /// Bucket.
    pub bucket: String,
    /// Key.
    pub key: String,
    /// The object's version id (S3 sources need a versioned bucket).
    pub version_id: Option<String>,
    /// When it was written.
    pub last_modified: Timestamp,
    /// The release its metadata describes, if any.
    pub release: Option<Release>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_summary_round_trips() {
        let r = Release {
            version: Version::new(1, 4, 2),
            commit: "3f2a9c1d88".into(),
            actor: "alice".into(),
        };
        assert_eq!(r.summary(), "Release 1.4.2 (commit 3f2a9c1d88) by alice");
        assert_eq!(Release::parse_summary(&r.summary()), Some(r.clone()));
        assert_eq!(r.short_commit(), "3f2a9c1");
        let kv = Release::parse_summary("version=1.4.2 commit=3f2a9c1d88 actor=alice");
        assert_eq!(kv, Some(r));
        assert_eq!(
            Release::parse_summary("v2.0.0").map(|r| r.version),
            Version::parse("2.0.0")
        );
        assert_eq!(Release::parse_summary("hotfix without number"), None);
    }

    #[test]
    fn a_running_execution_has_run_so_far_an_ended_one_took() {
        let mut e = ExecutionSummary {
            id: "e-1".into(),
            status: ExecutionStatus::InProgress,
            status_summary: None,
            start: Timestamp(0),
            last_update: Timestamp(5 * Timestamp::MINUTE),
            source_revisions: Vec::new(),
            trigger: Trigger {
                kind: "StartPipelineExecution".into(),
                detail: "carol".into(),
            },
            execution_type: ExecutionType::Standard,
            stop_reason: None,
            execution_mode: None,
            rollback_target: None,
            variables: Vec::new(),
        };
        let now = Timestamp(Timestamp::HOUR + 5 * Timestamp::MINUTE);
        assert_eq!(e.ran(now), (Timestamp::HOUR + 5 * Timestamp::MINUTE, true));
        assert_eq!(e.duration_text(now), "1h 05m so far");
        e.status = ExecutionStatus::Succeeded;
        assert_eq!(e.ran(now), (5 * Timestamp::MINUTE, false));
        assert_eq!(e.duration_text(now), "5m 00s");
    }

    #[test]
    fn trigger_actor_is_the_last_arn_segment() {
        let t = Trigger {
            kind: "StartPipelineExecution".into(),
            detail: "arn:aws:sts::123456789012:assumed-role/Release/carol".into(),
        };
        assert_eq!(t.actor(), "carol");
        let event = Trigger {
            kind: "CloudWatchEvent".into(),
            detail: "arn:aws:events:eu-west-1:123456789012:rule/storefront-source-change".into(),
        };
        assert_eq!(event.actor(), "s3-event");
        let rolled = Trigger {
            kind: "AutomatedRollback".into(),
            detail: "8416f96b-c81c-4f09-a86e-25d9bb75a616".into(),
        };
        assert_eq!(
            rolled.actor(),
            "auto-rollback",
            "not the failed execution's id"
        );
    }
}
