//! Command-line flags and subcommands (clap).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// shipdeck: the operations console for the storefront deployment system.
#[derive(Debug, Parser)]
#[command(name = "shipdeck", version, about, long_about = None)]
pub struct Cli {
    /// Flags shared by every subcommand.
    #[command(flatten)]
    pub global: Global,
    /// The subcommand; without one, the interactive console starts.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags every subcommand takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Run against the embedded simulator instead of AWS (no account needed).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Configuration file (default: $SHIPDECK_CONFIG, ./shipdeck.toml, then the XDG config dir).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Refuse every mutating action.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// AWS profile.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Send every AWS call to this endpoint (LocalStack, moto); also `AWS_ENDPOINT_URL`.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Simulator seed (with --demo).
    #[arg(long, global = true, value_name = "N", default_value_t = 42, value_parser = parse_seed,
          allow_negative_numbers = true)]
    pub seed: u64,
    /// Simulated seconds per wall second in the interactive demo.
    #[arg(long, global = true, value_name = "X", default_value_t = 30.0, value_parser = parse_speed,
          allow_negative_numbers = true)]
    pub speed: f64,
}

/// `--seed`: any `u64`, with a message that says so.
fn parse_seed(text: &str) -> Result<u64, String> {
    text.parse::<u64>().map_err(|_| {
        format!(
            "expected a whole number from 0 to {}, got `{text}`",
            u64::MAX
        )
    })
}

/// Most threads `--threads` accepts.
const MAX_THREADS: usize = 1024;

/// `--threads`: 1 to [`MAX_THREADS`].
fn parse_threads(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=MAX_THREADS).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a number of threads from 1 to {MAX_THREADS}, got `{text}`"
        )),
    }
}

fn parse_speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100_000.0).contains(&v) => Ok(v),
        _ => Err(format!("expected a number from 0 to 100000, got `{text}`")),
    }
}

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    /// Aligned columns for people.
    Table,
    /// JSON for scripts.
    Json,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Environments with their pipeline stages and pending approvals.
    Status {
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// Pending approvals across environments.
    Approvals {
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// One environment's pipeline: stages, actions and execution history.
    Pipeline {
        /// Environment name (dev, stg, prd, …).
        env: String,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// CloudFront access logs and CloudWatch log groups.
    Logs {
        /// Which logs.
        #[command(subcommand)]
        command: LogsCommand,
    },
    /// Approve the release waiting at an environment's manual approval.
    Approve(ApproveArgs),
    /// Reject the release waiting at an environment's manual approval (a comment is required).
    Reject(RejectArgs),
    /// Start a new execution of an environment's pipeline.
    Deploy(DeployArgs),
    /// Stop an environment's running execution.
    Stop(StopArgs),
    /// Retry the failed stage of an environment's latest execution.
    Retry(RetryArgs),
    /// Ship a release to an environment: promote a package (--from) or upload one (--package).
    Release(ReleaseArgs),
    /// Roll a stage back to an earlier execution that succeeded in it.
    Rollback(RollbackArgs),
    /// Stop executions entering a stage of an environment (disable its inbound transition).
    Freeze(FreezeArgs),
    /// Let executions enter the frozen stage again.
    Unfreeze(FreezeArgs),
    /// Invalidate CloudFront paths of an environment's distribution.
    Invalidate(InvalidateArgs),
    /// The audit log of mutating actions.
    Audit {
        /// Only entries from this far back (`15m`, `1h`, `24h`, `7d`) or since an RFC 3339 time.
        #[arg(long, value_name = "WINDOW", value_parser = super::logs::parse_since)]
        since: Option<super::logs::Since>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// Configuration tools.
    Config {
        /// What to do.
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

/// `shipdeck config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a configuration file (the one found by the usual search when no path is given).
    Check {
        /// File to check.
        path: Option<PathBuf>,
    },
}

/// `shipdeck logs …`.
#[derive(Debug, Subcommand)]
pub enum LogsCommand {
    /// CloudFront access logs: local files (no configuration, no AWS) or an environment's logs
    /// bucket.
    Cloudfront(CloudfrontArgs),
    /// Events of a CloudWatch log group of an environment (`FilterLogEvents`).
    Group(GroupArgs),
}

/// Output of `shipdeck logs cloudfront`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogOutput {
    /// One short line per record for people.
    Pretty,
    /// One JSON object per record, keyed by the W3C field names.
    Jsonl,
    /// Tab-separated values under a header line.
    Tsv,
}

/// `shipdeck logs cloudfront [ENV] [--file PATH ...] [--dir DIR] …`.
#[derive(Debug, Clone, Args)]
pub struct CloudfrontArgs {
    /// Environment whose logs bucket to read (leave out with --file or --dir).
    pub env: Option<String>,
    /// A log file (gzip or plain; `-` for stdin); repeatable.
    #[arg(long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// A directory of log files (`*.gz`, `*.log`, plain), read in name order.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Only records from this far back (`15m`, `1h`, `24h`, `7d`) or since an RFC 3339 time.
    #[arg(long, value_name = "WINDOW", value_parser = super::logs::parse_since,
          allow_hyphen_values = true)]
    pub since: Option<super::logs::Since>,
    /// Keep reading new log files as CloudFront delivers them (with ENV).
    #[arg(long)]
    pub follow: bool,
    /// Only records matching this expression (`status>=500 and path:/api/*`).
    #[arg(long, value_name = "EXPR", value_parser = super::logs::parse_filter)]
    pub filter: Option<crate::accesslog::Filter>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = LogOutput::Pretty)]
    pub output: LogOutput,
    /// Print statistics instead of records (as JSON with `--output jsonl`).
    #[arg(long)]
    pub stats: bool,
    /// Threads for reading local files (default: every core).
    #[arg(long, value_name = "N", value_parser = parse_threads, allow_negative_numbers = true)]
    pub threads: Option<usize>,
}

/// `shipdeck logs group ENV NAME …`.
#[derive(Debug, Clone, Args)]
pub struct GroupArgs {
    /// Environment name.
    pub env: String,
    /// Log group: its full name or a unique part of one of the environment's log groups.
    pub name: String,
    /// How far back to start (`15m`, `1h`, …, or an RFC 3339 time; default 10m).
    #[arg(long, value_name = "WINDOW", value_parser = super::logs::parse_since,
          allow_hyphen_values = true)]
    pub since: Option<super::logs::Since>,
    /// Keep polling for new events every 5 seconds.
    #[arg(long)]
    pub follow: bool,
    /// CloudWatch filter pattern (plain words).
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = LogOutput::Pretty)]
    pub output: LogOutput,
}

/// Flags shared by every mutating command.
#[derive(Debug, Clone, Args)]
pub struct ActFlags {
    /// Confirm without asking (required for a protected environment without a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Print the plan only: nothing is sent, nothing is audited.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

/// `shipdeck approve ENV [--comment C] [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct ApproveArgs {
    /// Environment name.
    pub env: String,
    /// Comment recorded with the approval (at most 512 characters).
    #[arg(long, short, value_name = "TEXT")]
    pub comment: Option<String>,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// `shipdeck reject ENV --comment C [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct RejectArgs {
    /// Environment name.
    pub env: String,
    /// Why the release is rejected (required, at most 512 characters).
    #[arg(long, short, value_name = "TEXT")]
    pub comment: String,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// `shipdeck deploy ENV [--var K=V]... [--source-version ID] [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct DeployArgs {
    /// Environment name.
    pub env: String,
    /// A pipeline variable `NAME=VALUE`; repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Deploy this S3 object version of the source instead of the latest.
    #[arg(long, value_name = "VERSION_ID")]
    pub source_version: Option<String>,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// `shipdeck stop ENV [--abandon] --reason R [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct StopArgs {
    /// Environment name.
    pub env: String,
    /// Abandon running actions instead of letting them finish.
    #[arg(long)]
    pub abandon: bool,
    /// Why (required, at most 200 characters).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// `shipdeck retry ENV [--all] [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct RetryArgs {
    /// Environment name.
    pub env: String,
    /// Retry every action of the stage, not only the failed ones.
    #[arg(long)]
    pub all: bool,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// Parses `--var NAME=VALUE` (CodePipeline variable names: letters, digits, `@ - _ .`, ≤ 128).
pub fn parse_var(text: &str) -> Result<(String, String), String> {
    let Some((name, value)) = text.split_once('=') else {
        return Err(format!("expected NAME=VALUE, got `{text}`"));
    };
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@-_.".contains(c));
    if !ok {
        return Err(format!(
            "variable name `{name}` must be 1-128 letters, digits, `@`, `-`, `_` or `.`"
        ));
    }
    if value.is_empty() || value.len() > 1000 {
        return Err(format!("the value of `{name}` must be 1-1000 characters"));
    }
    Ok((name.to_string(), value.to_string()))
}

/// `shipdeck release ENV (--from VERSION | --package PATH --version V) [--yes]`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["from", "package"])))]
pub struct ReleaseArgs {
    /// Environment name.
    pub env: String,
    /// Promote the package of this version from the release prefix.
    #[arg(long, value_name = "VERSION")]
    pub from: Option<String>,
    /// Upload this local package (zip) as a new version first.
    #[arg(long, value_name = "PATH", requires = "version")]
    pub package: Option<PathBuf>,
    /// The version of the uploaded package (e.g. 1.44.0 or 1.44.0-dev.3).
    #[arg(long, value_name = "V", value_parser = parse_version)]
    pub version: Option<String>,
    /// Commit of the uploaded package (default: `git rev-parse HEAD`, else `unknown`).
    #[arg(long, value_name = "SHA")]
    pub commit: Option<String>,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// `shipdeck rollback ENV --to EXECUTION [--stage S] [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct RollbackArgs {
    /// Environment name.
    pub env: String,
    /// The execution to roll back to (without it, the candidates are listed).
    #[arg(long, value_name = "EXECUTION")]
    pub to: Option<String>,
    /// Stage to roll back (default: the deploy stage).
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// `shipdeck freeze|unfreeze ENV --reason R [--stage S] [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct FreezeArgs {
    /// Environment name.
    pub env: String,
    /// Why (required; shown while frozen, at most 300 characters).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Stage whose inbound transition changes (default: the deploy stage).
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// `shipdeck invalidate ENV PATH... [--wait] [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct InvalidateArgs {
    /// Environment name.
    pub env: String,
    /// Paths to invalidate (`/index.html`, `/assets/*`).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<String>,
    /// Follow the invalidation until it is Completed.
    #[arg(long)]
    pub wait: bool,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// Parses `--version` of an uploaded package.
pub fn parse_version(text: &str) -> Result<String, String> {
    crate::domain::Version::parse(text)
        .map(|v| v.to_string())
        .ok_or_else(|| format!("expected a version such as 1.44.0 or 1.44.0-dev.3, got `{text}`"))
}
