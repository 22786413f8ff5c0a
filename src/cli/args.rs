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
    /// Simulator seed (with --demo).
    #[arg(long, global = true, value_name = "N", default_value_t = 42)]
    pub seed: u64,
    /// Simulated seconds per wall second in the interactive demo.
    #[arg(long, global = true, value_name = "X", default_value_t = 30.0, value_parser = parse_speed)]
    pub speed: f64,
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
