//! The command-line front end: the same core as the TUI, run headless, printed as tables or JSON.

pub mod act;
pub mod args;
mod audit;
mod config_check;
pub mod io;
mod login;
mod logs;
mod query;
pub mod release;
mod runs;
pub mod shell;
pub mod state;
pub mod systems;
mod watch;

use io::stdout;
use release::{health, impact, trace};
use state::{approvals, pipeline, rules, status};

use crate::cli::io::stderr::errln;
pub use crate::runtime::Backend;
pub use args::{Cli, Command, ConfigCommand, Global, Output};
use args::{RunsArgs, RunsCommand};

/// Connects to the backend the global flags name.
pub fn connect(global: &Global) -> Result<Backend, String> {
    crate::runtime::connect(&global.connection())
}

use crate::runtime::Headless;
use std::process::ExitCode;

/// A CLI failure: the message for stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// What to print.
    pub message: String,
    /// Exit code.
    pub code: u8,
}

impl Failure {
    /// A failure with exit code 1.
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }

    /// A usage error: bad input on the command line (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

/// The position of the environment named `env` among the configured `names`, or a usage error
/// (exit 2: a bad value on the command line) listing them; every command naming an environment
/// answers an unknown one alike.
pub fn env_position<'a>(
    names: impl IntoIterator<Item = &'a str>,
    env: &str,
) -> Result<usize, Failure> {
    let names: Vec<&str> = names.into_iter().collect();
    names.iter().position(|n| *n == env).ok_or_else(|| {
        Failure::usage(format!(
            "unknown environment `{env}`; expected one of {}",
            names.join(", ")
        ))
    })
}

/// Loads the state of every environment once, headless; fails only when no environment could
/// be read at all (naming what failed): one that failed is the command's to show as unknown.
pub async fn load(global: &Global) -> Result<Headless, Failure> {
    load_with(global, false).await
}

/// [`load`], with GitHub read as the console does (`github`: each environment's lag behind
/// `main`, when `[github]` is configured).
pub async fn load_with(global: &Global, github: bool) -> Result<Headless, Failure> {
    let backend = connect(global).map_err(Failure::new)?;
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    if github {
        crate::runtime::ops_effects::prepare(&mut app.state, &backend);
    }
    app.start(backend.now).await;
    nothing_to_show(&app.state).map_err(Failure::new)?;
    Ok(app)
}

/// After the first load: only when no environment could be read at all has a command nothing
/// to show (what failed, said once); else each command shows what it read and says which
/// environments, and which parts, are unknown and why.
pub fn nothing_to_show(state: &crate::app::State) -> Result<(), String> {
    if state.envs.iter().all(|e| e.def.is_none()) {
        crate::runtime::load_failures(state)
    } else {
        Ok(())
    }
}

/// What a query prints, and its exit code: 0, or 1 when part of the answer is unknown (a read
/// failed) — the text says which part and why.
pub struct Answer {
    /// What to print on stdout.
    pub text: String,
    /// The exit code.
    pub code: u8,
}

impl Answer {
    /// A complete answer (exit 0).
    pub fn ok(text: String) -> Self {
        Answer { text, code: 0 }
    }

    /// An answer with `unknown` parts: exit 1 when there are any.
    pub fn with_unknowns(text: String, unknowns: usize) -> Self {
        Answer {
            text,
            code: u8::from(unknowns > 0),
        }
    }
}

/// Runs one subcommand and returns the process exit code.
pub async fn run(global: &Global, command: Command) -> ExitCode {
    let global = match systems::resolve(global, &command) {
        Ok(g) => g,
        Err(f) => {
            errln!("shipdeck: {}", f.message);
            return ExitCode::from(f.code);
        }
    };
    let global = &global;
    let result = match command {
        Command::Status { output } => status::run(global, output).await,
        Command::Approvals { output } => approvals::run(global, output).await,
        Command::Pipeline { env, output } => pipeline::run(global, &env, output).await,
        Command::Rules { env, stage, output } => {
            rules::run(global, &env, stage.as_deref(), output).await
        }
        c @ Command::Runs(RunsArgs {
            command: Some(RunsCommand::Rerun { .. } | RunsCommand::Cancel { .. }),
            ..
        }) => return act::run(global, c).await,
        Command::Runs(args) => runs::run(global, args).await,
        Command::Trace { what, output } => trace::run(global, &what, output).await,
        Command::Health { env, output } => health::run(global, env.as_deref(), output).await,
        Command::Impact {
            env,
            execution,
            since,
            output,
        } => impact::run(global, &env, execution.as_deref(), since, output).await,
        Command::Query(args) => query::run(global, args).await,
        Command::Logs { command } => return logs::run(global, command).await,
        Command::Insights(args) => return logs::insights::run(global, args).await,
        Command::Watch(args) => return watch::run(global, args).await,
        Command::Audit { since, output } => audit::run(global, since, output).map(Answer::ok),
        c @ (Command::Approve(_)
        | Command::Reject(_)
        | Command::Deploy(_)
        | Command::Stop(_)
        | Command::Retry(_)
        | Command::Release(_)
        | Command::Rollback(_)
        | Command::Freeze(_)
        | Command::Unfreeze(_)
        | Command::Override(_)
        | Command::Invalidate(_)) => return act::run(global, c).await,
        Command::Config {
            command: ConfigCommand::Check { path, discover },
        } => match config_check::run(path.as_deref(), global.config.as_deref(), global.demo) {
            Ok(text) if discover => config_check::discover(global, path.as_deref(), text).await,
            other => other.map(Answer::ok),
        },
        Command::Completions { shell: which } => Ok(Answer::ok(shell::completions(which))),
        Command::Login { no_browser } => login::run(global, !no_browser).await,
        Command::Man => shell::manual()
            .map(Answer::ok)
            .map_err(|e| Failure::new(format!("cannot write the manual page: {e}"))),
    };
    match result {
        Ok(answer) => {
            stdout::write(&answer.text);
            ExitCode::from(answer.code)
        }
        Err(f) => {
            errln!("shipdeck: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// JSON text with a trailing newline.
fn json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Failure::new(format!("cannot write JSON: {e}")))
}

/// Lays out rows as left-aligned columns separated by two spaces.
fn columns(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..width)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if c + 1 < row.len() {
                let pad = widths[c].saturating_sub(cell.chars().count()) + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
