//! Flags of the mutating commands (`approve`, `deploy`, `release`, …).

use super::Output;
use crate::domain::ConditionKind;
use clap::Args;
use std::path::PathBuf;

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
    /// Refuse the action (as `shipdeck --read-only …` does): nothing is sent, the refusal is
    /// audited.
    #[arg(long)]
    pub read_only: bool,
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

/// `shipdeck stop ENV [--execution ID] [--abandon] --reason R [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct StopArgs {
    /// Environment name.
    pub env: String,
    /// The execution to stop, when several run (its id, or the start of it as the console and
    /// `pipeline` show it); default: the newest running.
    #[arg(long, value_name = "ID")]
    pub execution: Option<String>,
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

/// `shipdeck release [ENV] --workflow [--ref REF] [--input NAME=VALUE]…`, or a direct upload:
/// `shipdeck release ENV (--from VERSION | --package PATH --version V) [--yes]`.
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["from", "package", "workflow"])))]
pub struct ReleaseArgs {
    /// Environment name (with --workflow: default the workflow's `environment` input, else the
    /// one protected environment).
    #[arg(required_unless_present = "workflow")]
    pub env: Option<String>,
    /// Start the repository's release workflow (GitHub Actions `workflow_dispatch`), as the
    /// team does, instead of a direct upload.
    #[arg(long)]
    pub workflow: bool,
    /// The branch or tag the workflow runs on.
    #[arg(
        long = "ref",
        value_name = "REF",
        default_value = "main",
        requires = "workflow"
    )]
    pub git_ref: String,
    /// A workflow input `NAME=VALUE` (checked against the inputs the workflow declares);
    /// repeatable.
    #[arg(long = "input", value_name = "NAME=VALUE", requires = "workflow")]
    pub inputs: Vec<String>,
    /// Promote the package of this version from the release prefix.
    #[arg(long, value_name = "VERSION")]
    pub from: Option<String>,
    /// Upload this local package (zip) as a new version first.
    #[arg(long, value_name = "PATH", requires = "upload_version")]
    pub package: Option<PathBuf>,
    /// The version of the uploaded package (e.g. 1.44.0 or 1.44.0-dev.3).
    // Not the id `version`, clap's own for `--version`.
    #[arg(
        id = "upload_version",
        long = "version",
        value_name = "V",
        value_parser = parse_version,
        conflicts_with_all = ["from", "workflow"]
    )]
    pub version: Option<String>,
    /// Commit of the uploaded package (default: `git rev-parse HEAD`, else `unknown`).
    #[arg(long, value_name = "SHA", requires = "package")]
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

/// `shipdeck freeze ENV --reason R [--stage S] [--yes]`, `shipdeck unfreeze ENV [--reason R]`.
#[derive(Debug, Clone, Args)]
pub struct FreezeArgs {
    /// Environment name.
    pub env: String,
    /// Why, at most 300 characters. A freeze needs one (shown while frozen); an unfreeze's is
    /// optional and kept in the audit log only (CodePipeline takes no reason to enable).
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Stage whose inbound transition changes (default: the deploy stage).
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// `shipdeck override ENV [--stage S] [--condition before-entry|on-success] [--yes]`.
#[derive(Debug, Clone, Args)]
pub struct OverrideArgs {
    /// Environment name.
    pub env: String,
    /// Stage whose condition is overridden (default: the first with a condition in progress).
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    /// Which condition: before-entry or on-success (default: the one in progress on the
    /// stage). An onFailure condition cannot be overridden.
    #[arg(long, value_name = "CONDITION", value_parser = ConditionParser)]
    pub condition: Option<ConditionKind>,
    /// Confirmation, dry run and output.
    #[command(flatten)]
    pub flags: ActFlags,
}

/// Reads `before-entry`, `on-success` (also `beforeEntry`, `BEFORE_ENTRY`, …).
fn parse_condition(text: &str) -> Result<ConditionKind, String> {
    ConditionKind::parse(text)
        .ok_or_else(|| format!("unknown condition `{text}`; expected before-entry or on-success"))
}

/// `--condition`: read as [`parse_condition`] does (any case and spelling, `beforeEntry` too),
/// and offering its two values to the shell completions (a plain function offers file names).
#[derive(Debug, Clone, Copy)]
struct ConditionParser;

impl clap::builder::TypedValueParser for ConditionParser {
    type Value = ConditionKind;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<ConditionKind, clap::Error> {
        let text = value.to_string_lossy();
        parse_condition(&text).map_err(|why| {
            let name = arg.map_or("--condition <CONDITION>".to_string(), ToString::to_string);
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value '{text}' for '{name}': {why}\n"),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            ["before-entry", "on-success"]
                .into_iter()
                .map(clap::builder::PossibleValue::new),
        ))
    }
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
