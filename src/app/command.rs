//! The `:` command line: parsing and completion.

use super::{Preset, View};

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Select an environment by name.
    Env(String),
    /// Switch to a view.
    Show(View),
    /// Refresh everything now.
    Refresh,
    /// Show the help overlay.
    Help,
    /// Export the Traffic view's listed records to a file (`.jsonl`, `.tsv` or `.log` for W3C).
    Export {
        /// The file.
        path: String,
        /// Replace the file if it exists (`export!`) instead of asking.
        replace: bool,
    },
    /// Choose the Traffic view's time preset.
    Range(Preset),
    /// Select the first record at or after a time (`HH:MM[:SS]` today UTC, or RFC 3339).
    Goto(String),
    /// Set how many records the Traffic view retains.
    Retain(usize),
    /// List the distribution's log sources, or read the one named (number or name).
    LogSource(Option<String>),
    /// Trace a commit (SHA or prefix) or release version to each environment.
    Trace(Option<String>),
    /// Sign in to IAM Identity Center again (the profiles whose session expired, or the one named).
    Login(Option<String>),
    /// List the systems of the configuration, or show the one named.
    System(Option<String>),
    /// The demo only: the account of the environment named refuses its credentials (`clear`:
    /// every account accepts them again).
    Fault(Option<String>),
    /// Leave.
    Quit,
}

/// Every command word with its one-line description, for help and completion.
pub const COMMANDS: &[(&str, &str)] = &[
    ("env", "select an environment: env prd"),
    ("environments", "the environments view"),
    ("pipeline", "the selected environment's pipeline"),
    ("approvals", "pending approvals across environments"),
    (
        "logs",
        "recent CloudWatch events of the selected environment",
    ),
    (
        "traffic",
        "the selected environment's CloudFront access logs, live",
    ),
    (
        "runs",
        "GitHub Actions runs of the deploy and release workflows",
    ),
    (
        "attention",
        "what needs attention: approvals, failed deploys, rollbacks",
    ),
    (
        "map",
        "the health map: each environment's nodes and golden signals",
    ),
    (
        "export",
        "write the listed records: export FILE.jsonl|.tsv|.log (asks before replacing a file)",
    ),
    (
        "export!",
        "write the listed records, replacing the file if it exists",
    ),
    ("range", "time preset of the traffic view: range 15m|1h|24h"),
    (
        "goto",
        "select the first record at a time: goto 09:30 (UTC)",
    ),
    ("retain", "records the traffic view keeps: retain 1000000"),
    (
        "query",
        "the traffic view's filter over a range (Logs Insights; logs in S3 read here up to local_max_bytes, else Athena): query 30d | query 2026-11-01..2026-11-08 | query 1h athena | query 30d local",
    ),
    (
        "insights",
        "a Logs Insights query over the logs view's groups: insights [24h] QUERY",
    ),
    ("cancel", "stop the view's query (StopQuery)"),
    (
        "logsource",
        "the distribution's log sources; logsource N|NAME reads that one",
    ),
    (
        "trace",
        "where a commit is: trace SHA|VERSION (runs, packages, executions)",
    ),
    (
        "login",
        "sign in to SSO again: login [PROFILE] (the expired sessions' profiles by default)",
    ),
    (
        "system",
        "several systems: system lists them, system NAME shows that one",
    ),
    (
        "fault",
        "the demo only: fault ENV refuses that environment's credentials, fault clear restores",
    ),
    ("refresh", "refresh every environment now"),
    ("help", "the key bindings"),
    ("quit", "leave shipdeck"),
];

/// Parses a command line (without the `:`); the error says what was expected.
pub fn parse_command(line: &str, envs: &[&str]) -> Result<Command, String> {
    let mut words = line.split_whitespace();
    let Some(word) = words.next() else {
        return Err("empty command; try :help".into());
    };
    let arg = words.next();
    if let Some(extra) = words.next() {
        return Err(format!("unexpected `{extra}` after `{word}`"));
    }
    let no_arg = |c: Command| match arg {
        None => Ok(c),
        Some(a) => Err(format!("`{word}` takes no argument, got `{a}`")),
    };
    match word {
        "env" | "e" => match arg {
            Some(name) if envs.contains(&name) => Ok(Command::Env(name.to_string())),
            Some(name) => Err(format!(
                "unknown environment `{name}`; expected one of {}",
                envs.join(", ")
            )),
            None => Err(format!("`env` needs a name: one of {}", envs.join(", "))),
        },
        "environments" | "home" | "envs" => no_arg(Command::Show(View::Environments)),
        "pipeline" | "p" => no_arg(Command::Show(View::Pipeline)),
        "approvals" | "a" => no_arg(Command::Show(View::Approvals)),
        "logs" | "l" => no_arg(Command::Show(View::Logs)),
        "traffic" | "t" => no_arg(Command::Show(View::Traffic)),
        "runs" => no_arg(Command::Show(View::Runs)),
        "attention" | "att" => no_arg(Command::Show(View::Attention)),
        "map" | "health" => no_arg(Command::Show(View::Map)),
        "export" | "w" | "export!" | "w!" => match arg {
            Some(path) => Ok(Command::Export {
                path: path.to_string(),
                replace: word.ends_with('!'),
            }),
            None => Err(format!(
                "`{word}` needs a file: {word} requests.jsonl (or .tsv, .log)"
            )),
        },
        "range" | "since" => match arg.map(|a| (a, Preset::parse(a))) {
            Some((_, Some(p))) => Ok(Command::Range(p)),
            Some((a, None)) => Err(format!("unknown range `{a}`; expected 15m, 1h or 24h")),
            None => Err("`range` needs 15m, 1h or 24h".into()),
        },
        "goto" | "at" => match arg {
            Some(t) => Ok(Command::Goto(t.to_string())),
            None => Err("`goto` needs a time: HH:MM[:SS] (UTC) or RFC 3339".into()),
        },
        "retain" => match arg.map(|a| (a, a.replace('_', "").parse::<usize>())) {
            Some((_, Ok(n))) if (1_000..=10_000_000).contains(&n) => Ok(Command::Retain(n)),
            Some((a, _)) => Err(format!(
                "bad record count `{a}`; expected a number from 1000 to 10000000"
            )),
            None => Err("`retain` needs a record count, e.g. retain 1000000".into()),
        },
        "logsource" | "source" => Ok(Command::LogSource(arg.map(str::to_string))),
        "trace" => Ok(Command::Trace(arg.map(str::to_string))),
        "login" | "sso" => Ok(Command::Login(arg.map(str::to_string))),
        "system" | "sys" => Ok(Command::System(arg.map(str::to_string))),
        "fault" => match arg {
            Some("clear") => Ok(Command::Fault(None)),
            Some(name) if envs.contains(&name) => Ok(Command::Fault(Some(name.to_string()))),
            Some(name) => Err(format!(
                "unknown environment `{name}`; expected one of {}, or clear",
                envs.join(", ")
            )),
            None => Err(format!(
                "`fault` needs an environment ({}) or clear",
                envs.join(", ")
            )),
        },
        "refresh" | "r" => no_arg(Command::Refresh),
        "help" | "h" | "?" => no_arg(Command::Help),
        "quit" | "q" | "q!" => no_arg(Command::Quit),
        _ if envs.contains(&word) && arg.is_none() => Ok(Command::Env(word.to_string())),
        _ => Err(format!(
            "unknown command `{word}`; try :help or Tab to complete"
        )),
    }
}

/// Completions of a partial command line: whole lines the text can become.
pub fn complete(line: &str, envs: &[&str]) -> Vec<String> {
    let trailing_space = line.ends_with(' ');
    let words: Vec<&str> = line.split_whitespace().collect();
    match (words.as_slice(), trailing_space) {
        ([], _) => COMMANDS.iter().map(|(c, _)| c.to_string()).collect(),
        ([first], false) => COMMANDS
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| c.starts_with(first))
            .map(str::to_string)
            .collect(),
        (["env"], true) => envs.iter().map(|e| format!("env {e}")).collect(),
        (["env", partial], false) => envs
            .iter()
            .filter(|e| e.starts_with(partial))
            .map(|e| format!("env {e}"))
            .collect(),
        _ => Vec::new(),
    }
}

/// Completions of `system NAME` among the configuration's `systems`.
pub fn complete_system(line: &str, systems: &[&str]) -> Vec<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let partial = match (words.as_slice(), line.ends_with(' ')) {
        (["system"], true) => "",
        (["system", partial], false) => partial,
        _ => return Vec::new(),
    };
    (systems.iter())
        .filter(|s| s.starts_with(partial))
        .map(|s| format!("system {s}"))
        .collect()
}

/// The longest common prefix of the completions (what Tab inserts).
pub fn common_prefix(options: &[String]) -> Option<String> {
    let first = options.first()?;
    let mut len = first.len();
    for o in &options[1..] {
        len = first
            .char_indices()
            .zip(o.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(len);
    }
    first.get(..len).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    const ENVS: &[&str] = &["dev", "stg", "prd"];

    #[test]
    fn parses_commands_and_explains_errors() {
        assert_eq!(
            parse_command("env prd", ENVS),
            Ok(Command::Env("prd".into()))
        );
        assert_eq!(parse_command("prd", ENVS), Ok(Command::Env("prd".into())));
        assert_eq!(
            parse_command(" approvals ", ENVS),
            Ok(Command::Show(View::Approvals))
        );
        assert_eq!(parse_command("q", ENVS), Ok(Command::Quit));
        assert_eq!(
            parse_command("env qa", ENVS),
            Err("unknown environment `qa`; expected one of dev, stg, prd".into())
        );
        assert!(parse_command("", ENVS).is_err());
        assert!(
            parse_command("logs now", ENVS)
                .unwrap_err()
                .contains("takes no argument")
        );
        assert!(
            parse_command("deploy", ENVS)
                .unwrap_err()
                .contains("unknown command `deploy`")
        );
        for (line, replace) in [
            ("export a.tsv", false),
            ("export! a.tsv", true),
            ("w! a.tsv", true),
        ] {
            assert_eq!(
                parse_command(line, ENVS),
                Ok(Command::Export {
                    path: "a.tsv".into(),
                    replace
                })
            );
        }
        assert_eq!(
            parse_command("export!", ENVS),
            Err("`export!` needs a file: export! requests.jsonl (or .tsv, .log)".into())
        );
    }

    #[test]
    fn completes_words_and_environment_names() {
        assert_eq!(complete("ap", ENVS), vec!["approvals"]);
        assert_eq!(
            complete("e", ENVS),
            vec!["env", "environments", "export", "export!"]
        );
        assert_eq!(
            complete("env ", ENVS),
            vec!["env dev", "env stg", "env prd"]
        );
        assert_eq!(complete("env p", ENVS), vec!["env prd"]);
        assert_eq!(complete("", ENVS).len(), COMMANDS.len());
        assert_eq!(
            common_prefix(&["env".into(), "environments".into()]),
            Some("env".into())
        );
        assert_eq!(common_prefix(&[]), None);
    }
}
