//! The flags of `shipdeck runs`: the GitHub Actions runs of the deploy and release workflows.

use super::Output;
use clap::{Args, Subcommand, ValueEnum};

/// Which workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorkflowRole {
    /// The deploy workflow (`[github] deploy_workflow`), run on every push.
    Deploy,
    /// The release workflow (`[github] release_workflow`), started by hand.
    Release,
}

/// `shipdeck runs`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RunsArgs {
    /// One run in detail.
    #[command(subcommand)]
    pub command: Option<RunsCommand>,
    /// Only this workflow's runs (default: both).
    #[arg(long, value_enum)]
    pub workflow: Option<WorkflowRole>,
    /// Runs per workflow, newest first: 1 to 100.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = parse_limit,
          allow_negative_numbers = true)]
    pub limit: usize,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Output::Table)]
    pub output: Output,
}

/// `shipdeck runs …`.
#[derive(Debug, Subcommand)]
pub enum RunsCommand {
    /// One run: its jobs and steps, and the tail of a job's log.
    Show {
        /// The run's id (the number in its GitHub address, `…/actions/runs/ID`).
        #[arg(value_name = "RUN_ID", value_parser = parse_run_id, allow_negative_numbers = true)]
        run_id: u64,
        /// Show the end of this job's log (its name, e.g. `build`, or its id).
        #[arg(long, value_name = "JOB")]
        log: Option<String>,
        /// Lines of the log to show, from its end: 1 to 10000.
        #[arg(long, value_name = "N", default_value_t = 40, value_parser = parse_lines,
              allow_negative_numbers = true)]
        lines: usize,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Output::Table)]
        output: Output,
    },
    /// Re-run a completed run: every job, or with --failed only the failed ones (and those
    /// that depend on them). Needs a token with Actions: read and write.
    Rerun {
        /// The run's id (or its GitHub address).
        #[arg(value_name = "RUN_ID", value_parser = parse_run_id, allow_negative_numbers = true)]
        run_id: u64,
        /// Only the failed jobs.
        #[arg(long)]
        failed: bool,
        /// Confirmation, dry run and output.
        #[command(flatten)]
        flags: super::ActFlags,
    },
    /// Cancel a queued or running run. Needs a token with Actions: read and write.
    Cancel {
        /// The run's id (or its GitHub address).
        #[arg(value_name = "RUN_ID", value_parser = parse_run_id, allow_negative_numbers = true)]
        run_id: u64,
        /// Confirmation, dry run and output.
        #[command(flatten)]
        flags: super::ActFlags,
    },
}

fn parse_limit(text: &str) -> Result<usize, String> {
    super::number_of(text, "runs", 100)
}

fn parse_lines(text: &str) -> Result<usize, String> {
    super::number_of(text, "lines", 10_000)
}

/// A run id: digits, or the run's GitHub address (`…/actions/runs/ID[/…]`).
fn parse_run_id(text: &str) -> Result<u64, String> {
    let id = text
        .split_once("/actions/runs/")
        .map_or(text, |(_, rest)| rest.split('/').next().unwrap_or(rest));
    id.trim()
        .parse::<u64>()
        .map_err(|_| format!("expected a run id (the number in …/actions/runs/ID), got `{text}`"))
}
