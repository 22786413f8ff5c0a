//! Command-line flags and subcommands (clap).

mod act;
mod query;
mod runs;
mod values;

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub use act::{
    ActFlags, ApproveArgs, DeployArgs, FreezeArgs, InvalidateArgs, OverrideArgs, RejectArgs,
    ReleaseArgs, RetryArgs, RollbackArgs, StopArgs, parse_var, parse_version,
};
pub use query::{QueryArgs, QueryOutput};
pub use runs::{RunsArgs, RunsCommand, WorkflowRole};
pub use values::{Since, parse_filter, parse_since};

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

/// Flags every subcommand takes (`--read-only` only where something could be changed: the
/// console and the actions, whose own `--read-only` is in [`ActFlags`]).
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Run against the embedded simulator instead of AWS (no account needed).
    #[arg(long, global = true)]
    pub demo: bool,
    /// Configuration file (default: $SHIPDECK_CONFIG, ./shipdeck.toml, then the XDG config dir).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// Refuse every mutating action (the console's and the actions').
    #[arg(long)]
    pub read_only: bool,
    /// The console rings no bell and sends no desktop notification (`[notify] enabled = false`).
    #[arg(long)]
    pub no_notify: bool,
    /// The system to operate, when the configuration names several ([[systems]]); default: its
    /// `default_system`, else the first (`status` without it shows every system).
    #[arg(long, global = true, value_name = "NAME")]
    pub system: Option<String>,
    /// AWS profile.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region.
    #[arg(long, global = true, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<String>,
    /// Send every AWS call to this endpoint (LocalStack, moto); also `AWS_ENDPOINT_URL`.
    #[arg(long, global = true, value_name = "URL", value_parser = parse_endpoint)]
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

/// A whole number from 1 to `max`, else `expected a number of WHAT from 1 to MAX, got `TEXT``:
/// the one reading of every ranged count flag (`--limit`, `--lines`, `--top`, `--threads`, …).
pub(super) fn number_of(text: &str, what: &str, max: usize) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a number of {what} from 1 to {max}, got `{text}`"
        )),
    }
}

/// `--exec-timeout`: 1 to 3600 seconds.
fn parse_exec_timeout(text: &str) -> Result<u64, String> {
    number_of(text, "seconds", 3600).map(|n| n as u64)
}

/// `insights --limit`: 1 to 10,000 rows (CloudWatch Logs Insights' limit).
fn parse_rows(text: &str) -> Result<usize, String> {
    number_of(text, "rows", 10_000)
}

/// Most threads `--threads` accepts.
const MAX_THREADS: usize = 1024;

/// `--threads`: 1 to [`MAX_THREADS`].
fn parse_threads(text: &str) -> Result<usize, String> {
    number_of(text, "threads", MAX_THREADS)
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

/// `shipdeck watch` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WatchOutput {
    /// One line per event for people.
    Text,
    /// One JSON object per line: `event`, `environment`, `at`, `summary`, then the ids.
    Jsonl,
}

/// `shipdeck watch`.
#[derive(Debug, Clone, Args)]
pub struct WatchArgs {
    /// Only this environment's events.
    #[arg(long, value_name = "ENV")]
    pub env: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = WatchOutput::Text)]
    pub output: WatchOutput,
    /// Run this command for each event, with the event as JSON on its standard input (split
    /// into words like a shell would, but run without one unless --shell).
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
    /// Run --exec through `sh -c` (pipes, variables).
    #[arg(long, requires = "exec")]
    pub shell: bool,
    /// Seconds an --exec command may take before it is killed.
    #[arg(long, value_name = "SECS", default_value_t = 30, requires = "exec",
          value_parser = parse_exec_timeout, allow_negative_numbers = true)]
    pub exec_timeout: u64,
    /// Report what needs attention now, then exit (1 when a first read failed: what waits
    /// there is not known; 1 too when an --exec command failed or timed out).
    #[arg(long)]
    pub once: bool,
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
    /// Rule runs of an environment's stage conditions (ListRuleExecutions), newest first.
    Rules {
        /// Environment name (dev, stg, prd, …).
        env: String,
        /// Only the rules of this stage.
        #[arg(long)]
        stage: Option<String>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// Release health: an environment's access logs before and after a deploy reached it.
    Impact {
        /// Environment name (dev, stg, prd, …).
        env: String,
        /// The deploy of this execution (an id or its first characters); default: the newest.
        #[arg(long)]
        execution: Option<String>,
        /// Read the access logs from this far back (`36h`, `3d`) or since an RFC 3339 time
        /// (default 24h): an older deploy's windows need its logs.
        #[arg(long, value_name = "WINDOW", value_parser = values::parse_since,
              allow_hyphen_values = true)]
        since: Option<Since>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// GitHub Actions runs of the deploy and release workflows (`runs show RUN_ID` for one).
    Runs(RunsArgs),
    /// Where a commit is: its workflow runs, packages, pipeline executions per environment.
    Trace {
        /// A commit SHA (7 to 40 hex digits) or a release version (1.41.3).
        #[arg(value_name = "SHA|VERSION")]
        what: String,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// The health map: each environment's App and Deployer nodes with their golden signals
    /// (exit 0 green or yellow, 1 something unknown, 3 something red).
    Health {
        /// Only this environment (dev, stg, prd, …).
        env: Option<String>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// Follow what needs attention (approvals waiting or about to expire, answers by others,
    /// failed deploys, rollbacks, failing refreshes) as lines or JSON lines, until Ctrl-C.
    Watch(WatchArgs),
    /// Athena over an environment's CloudFront access logs (today: --dry-run, the SQL and its cost).
    Query(QueryArgs),
    /// CloudFront access logs and CloudWatch log groups.
    Logs {
        /// Which logs.
        #[command(subcommand)]
        command: LogsCommand,
    },
    /// A CloudWatch Logs Insights query over an environment's log groups: `shipdeck insights
    /// ENV [GROUP] QUERY`. Shows the rows as they come, what was scanned; Ctrl-C stops it.
    Insights(InsightsArgs),
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
    /// Let the execution a stage condition holds past it (a beforeEntry or onSuccess condition
    /// in progress).
    Override(OverrideArgs),
    /// Invalidate CloudFront paths of an environment's distribution.
    Invalidate(InvalidateArgs),
    /// The audit log of mutating actions.
    Audit {
        /// Only entries from this far back (`15m`, `1h`, `24h`, `7d`) or since an RFC 3339 time.
        #[arg(long, value_name = "WINDOW", value_parser = values::parse_since,
              allow_hyphen_values = true)]
        since: Option<Since>,
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
    /// Sign in to IAM Identity Center (SSO) for the AWS profile in use (or --profile), as `aws sso
    /// login` does: the token goes to the cache the AWS CLI and shipdeck both read.
    Login {
        /// Print the sign-in page and code without opening a browser.
        #[arg(long)]
        no_browser: bool,
    },
    /// Print a shell completion script (`shipdeck completions bash > …`; `make install` puts them
    /// where the shells look).
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), every subcommand included (`shipdeck man | man -l -`).
    Man,
}

/// `shipdeck config …`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a configuration file (the one found by the usual search when no path is given).
    Check {
        /// File to check.
        path: Option<PathBuf>,
        /// Also discover how each environment's distribution logs (legacy logging, standard
        /// logging v2 deliveries) and print the config lines that would pin each source.
        #[arg(long)]
        discover: bool,
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
    /// One JSON object per record, keyed by the W3C field names: text decoded, `null` for `-`,
    /// numbers as their value (the `000` status is 0, `0042` is 42; up to 19 digits, exact),
    /// seconds as fractions.
    Jsonl,
    /// Tab-separated values under a header line.
    Tsv,
    /// The log lines as CloudFront wrote them, under `#Version`/`#Fields` header lines: a file
    /// `--file` reads back (to keep, share or analyse offline).
    W3c,
}

/// `shipdeck insights ENV [GROUP] QUERY …`.
#[derive(Debug, Clone, Args)]
pub struct InsightsArgs {
    /// Environment name.
    pub env: String,
    /// The query; or, followed by the query, a log group (its full name or a unique part of one
    /// of the environment's; without one, every log group of the environment).
    #[arg(value_name = "GROUP|QUERY")]
    pub first: String,
    /// The query, when a log group came first.
    #[arg(value_name = "QUERY")]
    pub second: Option<String>,
    /// How far back the query reads (`15m`, `24h`, `7d`, or an RFC 3339 time; default 1h).
    #[arg(long, value_name = "WINDOW", value_parser = values::parse_since,
          allow_hyphen_values = true)]
    pub since: Option<Since>,
    /// Where the query stops reading (a window back from now, or an RFC 3339 time; default now).
    #[arg(long, value_name = "WINDOW", value_parser = values::parse_since,
          allow_hyphen_values = true)]
    pub until: Option<Since>,
    /// Most rows to return (1-10000; the service's default is 10,000).
    #[arg(long, value_name = "N", value_parser = parse_rows, allow_negative_numbers = true)]
    pub limit: Option<usize>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = InsightsOutput::Pretty)]
    pub output: InsightsOutput,
}

impl InsightsArgs {
    /// The log group named, if any, and the query.
    pub fn group_and_query(&self) -> (Option<&str>, &str) {
        match &self.second {
            Some(q) => (Some(self.first.as_str()), q.as_str()),
            None => (None, self.first.as_str()),
        }
    }
}

/// Output of `shipdeck insights`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InsightsOutput {
    /// A table of the rows, then what was scanned.
    Pretty,
    /// One JSON object: query id, status, statistics, columns and rows.
    Json,
    /// One JSON object per row (field: value).
    Jsonl,
    /// Tab-separated rows under a header line.
    Tsv,
}

/// Output of `shipdeck logs group`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupOutput {
    /// One line per event: time, stream, message.
    Pretty,
    /// One JSON object per event: timestamp, ingestion_time (RFC 3339 UTC with milliseconds),
    /// group, stream, event_id, message.
    Jsonl,
    /// Tab-separated timestamp (with milliseconds), stream and message under a header line.
    Tsv,
}

impl From<GroupOutput> for LogOutput {
    fn from(o: GroupOutput) -> LogOutput {
        match o {
            GroupOutput::Pretty => LogOutput::Pretty,
            GroupOutput::Jsonl => LogOutput::Jsonl,
            GroupOutput::Tsv => LogOutput::Tsv,
        }
    }
}

/// `shipdeck logs cloudfront [ENV] [--file PATH ...] [--dir DIR] …`.
#[derive(Debug, Clone, Args)]
pub struct CloudfrontArgs {
    /// Environment whose logs bucket to read (leave out with --file or --dir).
    pub env: Option<String>,
    /// A log file in any format CloudFront writes (W3C, JSON lines, plain, Parquet; gzip or
    /// not; `-` for stdin); repeatable.
    #[arg(long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,
    /// A directory tree of log files (e.g. synced from a bucket, partition folders included),
    /// read in path order.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The fields of plain (headerless) logs, in order: `date,time,sc-status,cs-uri-stem,…`
    /// (CloudFront's names, or Parquet-style `cs_host`; an unknown name is refused); files with
    /// a `#Fields` header, JSON and Parquet name their own.
    #[arg(long, value_name = "F1,F2,…")]
    pub fields: Option<String>,
    /// The field delimiter of plain logs: one character, or `tab` (the default) or `space`.
    #[arg(long, value_name = "CHAR", requires = "fields")]
    pub delimiter: Option<String>,
    /// Only records from this far back (`15m`, `1h`, `24h`, `7d`) or since an RFC 3339 time.
    #[arg(long, value_name = "WINDOW", value_parser = values::parse_since,
          allow_hyphen_values = true)]
    pub since: Option<Since>,
    /// Only records before this time: a window back from now (`2h`) or an RFC 3339 time. With
    /// ENV, the log files of later hours are not read (CloudFront files each record under its
    /// own hour, late or not). Not with --follow.
    #[arg(long, value_name = "WINDOW", value_parser = values::parse_since,
          allow_hyphen_values = true, conflicts_with = "follow")]
    pub until: Option<Since>,
    /// Keep reading new log files as CloudFront delivers them (with ENV).
    #[arg(long)]
    pub follow: bool,
    /// Which of the distribution's discovered log sources to read (with ENV): its number or
    /// name as `shipdeck config check --discover` lists them (`legacy`, a delivery id); wins
    /// over logs_bucket in the configuration.
    #[arg(long, value_name = "N|NAME")]
    pub source: Option<String>,
    /// Only records matching this expression (`status>=500 and path:/api/*`). A field the
    /// source does not log is refused (exit 2); one no record read has makes the answer unknown
    /// (exit 1).
    #[arg(long, value_name = "EXPR", value_parser = values::parse_filter)]
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
    #[arg(long, value_name = "WINDOW", value_parser = values::parse_since,
          allow_hyphen_values = true)]
    pub since: Option<Since>,
    /// Only events before this time: a window back from now (`2h`) or an RFC 3339 time. Not
    /// with --follow.
    #[arg(long, value_name = "WINDOW", value_parser = values::parse_since,
          allow_hyphen_values = true, conflicts_with = "follow")]
    pub until: Option<Since>,
    /// Keep polling for new events every 5 seconds.
    #[arg(long)]
    pub follow: bool,
    /// CloudWatch filter pattern, as `FilterLogEvents` takes it: `ERROR` (terms, all present,
    /// case-sensitive), `"a phrase"`, `?ERROR ?WARN` (any), `-health` (none), or a JSON
    /// comparison such as `{ $.level = "ERROR" }` or `{ $.durationMs > 500 }`. The demo
    /// simulator models only these forms (one JSON comparison, no `&&`/`||`) and refuses others.
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = GroupOutput::Pretty)]
    pub output: GroupOutput,
}

impl Global {
    /// What the flags ask to connect to.
    pub fn connection(&self) -> crate::runtime::Connection {
        crate::runtime::Connection {
            demo: self.demo,
            config: self.config.clone(),
            read_only: self.read_only,
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            seed: self.seed,
            speed: self.speed,
            system: self.system.clone(),
        }
    }
}

/// The command-line definition, with the global flags shown once: listed in `shipdeck --help`
/// and the manual's top section, and in each subcommand's help only named, in one line. They
/// are still accepted after the subcommand (`shipdeck status --demo`): each subcommand holds a
/// hidden copy, which clap takes instead of propagating the shown one.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.clone().hide(true))
        .collect();
    let names: Vec<String> = globals
        .iter()
        .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
        .collect();
    let note = format!(
        "Global options: {} (see `shipdeck --help`).",
        names.join(", ")
    );
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    subs.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| noted(sub.args(globals.clone()), &note))
    })
}

/// `cmd` and every subcommand below it with `note` after their help.
fn noted(cmd: clap::Command, note: &str) -> clap::Command {
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    let cmd = cmd.after_help(note.to_string());
    subs.iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| noted(sub, note))
    })
}

/// `--region`: a region AWS lists or one named like a newer one (a typo is a bad flag, exit 2,
/// before anything is read), as `[aws] region` is checked.
fn parse_region(text: &str) -> Result<String, String> {
    crate::cloud::aws::check_region(text).map(|()| text.to_string())
}

/// `--endpoint-url`: an `http://` or `https://` URL with a host.
fn parse_endpoint(text: &str) -> Result<String, String> {
    crate::cloud::aws::check_endpoint(text).map(|()| text.to_string())
}
