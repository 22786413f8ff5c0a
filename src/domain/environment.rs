//! An environment's resources (from the config) and its CloudFront distribution.

use super::Timestamp;
use serde::{Deserialize, Serialize};

/// The resources of one environment, as the configuration maps them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvSpec {
    /// Environment name (`dev`, `stg`, `prd`).
    pub name: String,
    /// Protected environments (prd) get a distinct style and stricter guards.
    pub protected: bool,
    /// Mutating actions are refused for this environment.
    pub read_only: bool,
    /// CodePipeline name.
    pub pipeline: String,
    /// Source bucket the pipeline watches.
    pub source_bucket: String,
    /// Source object key the pipeline watches.
    pub source_key: String,
    /// Prefix under which release packages are kept.
    pub release_prefix: String,
    /// CloudFront distribution id.
    pub distribution_id: String,
    /// Bucket receiving the CloudFront access logs, when the configuration pins it; `None`:
    /// found by discovery (the distribution's legacy logging and v2 deliveries).
    pub logs_bucket: Option<String>,
    /// Prefix (key template) of the access logs in that bucket: literal, or with the
    /// variables of a v2 suffix path (`{DistributionId}`, `{yyyy}`, `{MM}`, `{dd}`, `{HH}`).
    pub logs_prefix: String,
    /// CloudWatch log groups (Lambda API, CodeBuild deploy).
    pub log_groups: Vec<String>,
    /// The log group the pipeline's CodeBuild projects write to, when not CodeBuild's default
    /// `/aws/codebuild/<project>` (a project's own `logsConfig` group): where the build-log jump
    /// looks for a run's stream.
    #[serde(default)]
    pub build_log_group: Option<String>,
    /// Public site URL.
    pub site_url: Option<String>,
    /// API URL.
    pub api_url: Option<String>,
    /// The environment releases come from (for "N releases behind"); `None` for the first.
    pub promotes_from: Option<String>,
}

/// A CloudFront distribution (`GetDistribution`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    /// Distribution id.
    pub id: String,
    /// `dxxxx.cloudfront.net`.
    pub domain_name: String,
    /// `Deployed` or `InProgress`.
    pub status: String,
    /// Whether it serves traffic.
    pub enabled: bool,
    /// Alternate domain names.
    pub aliases: Vec<String>,
    /// Access-log bucket (`bucket.s3.amazonaws.com`), if logging is on.
    pub logging_bucket: Option<String>,
    /// Access-log prefix.
    pub logging_prefix: Option<String>,
    /// Last modified.
    pub last_modified: Timestamp,
    /// Invalidations still in progress.
    pub in_progress_invalidations: u32,
    /// The CloudFront Function its default cache behaviour runs on viewer requests, by name
    /// (`None`: none, or not known from a listing row).
    pub viewer_function: Option<String>,
}

/// The self-approval setting of an environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum SelfApproval {
    /// Refuse on protected environments, allow elsewhere (the default).
    #[default]
    Default,
    /// Always refuse an operator answering their own release or execution.
    Refuse,
    /// Never refuse.
    Allow,
}

impl SelfApproval {
    /// Parses a config value: `refuse` or `allow`.
    pub fn parse(text: &str) -> Option<SelfApproval> {
        match text {
            "refuse" => Some(SelfApproval::Refuse),
            "allow" => Some(SelfApproval::Allow),
            _ => None,
        }
    }

    /// Whether the guard applies to an environment.
    pub fn refuses(self, protected: bool) -> bool {
        match self {
            SelfApproval::Default => protected,
            SelfApproval::Refuse => true,
            SelfApproval::Allow => false,
        }
    }
}
