//! `shipdeck status`: environments, their pipelines and pending approvals.

use super::report;
use super::report::StatusReport;
use crate::app::State;
use crate::cli::{Answer, Failure, Global, Output, columns, json, load_with};
use crate::domain::human;

/// Prints every environment's state; exit 1 when part of it is unknown (a read failed). With
/// several systems and no `--system`, every system's, one after the other.
pub async fn run(global: &Global, output: Output) -> Result<Answer, Failure> {
    let names = crate::cli::systems::every(global);
    if !names.is_empty() {
        return super::all_systems::run(global, output, &names).await;
    }
    let app = load_with(global, true).await?;
    let state = &app.state;
    let report = report::status(state);
    let unknowns = report.errors.len();
    if output == Output::Json {
        return Ok(Answer::with_unknowns(json(&report)?, unknowns));
    }
    Ok(Answer::with_unknowns(text(state, &report), unknowns))
}

/// The table of one system's environments, their stages, approvals and what is unknown.
pub(super) fn text(state: &State, report: &StatusReport) -> String {
    let mut rows = vec![
        [
            "ENV",
            "DEPLOYED",
            "STATUS",
            "STAGE",
            "LAST DEPLOY",
            "BEHIND",
            "MAIN",
            "CDN",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for e in &report.environments {
        let summary = state.summary(state.env_index(&e.name).unwrap_or(0));
        let behind = match (e.releases_behind, &e.promotes_from) {
            (Some(0), _) => "up to date".to_string(),
            (Some(n), Some(from)) => format!("{n} behind {from}"),
            _ if summary.as_ref().is_some_and(|s| s.behind_unknown.is_some()) => {
                "unknown".to_string()
            }
            _ => "-".to_string(),
        };
        let mut status = e.status.clone();
        if e.stale_error.is_some() {
            // The reason goes under the table, once for the environments it concerns.
            status = format!("{status} (stale)");
        }
        let ago = state
            .summary(state.env_index(&e.name).unwrap_or(0))
            .and_then(|s| s.last_deploy)
            .map(|t| format!("{} ago", human(state.now.since(t))));
        rows.push(vec![
            if e.protected {
                format!("{} (protected)", e.name)
            } else {
                e.name.clone()
            },
            state
                .summary(state.env_index(&e.name).unwrap_or(0))
                .map_or("-".into(), |s| s.deployed.version_text()),
            status,
            e.current_stage.clone().unwrap_or_else(|| "-".into()),
            ago.unwrap_or_else(|| "-".into()),
            behind,
            match (e.commits_behind_main, &e.commit) {
                (Some(0), _) => "up to date".to_string(),
                (Some(n), _) => format!("{n} behind"),
                (None, Some(_)) if e.commit_not_in_repository => "not in repo".to_string(),
                (None, Some(_))
                    if report
                        .errors
                        .iter()
                        .any(|x| x.environment == e.name && x.unknown == "commits behind main") =>
                {
                    "unknown".to_string()
                }
                _ => "-".to_string(),
            },
            e.distribution_status.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    let mut out = columns(&rows);
    let mut stale: Vec<(&str, Vec<&str>)> = Vec::new();
    for e in &report.environments {
        if let Some(err) = e.stale_error.as_deref() {
            match stale.iter_mut().find(|(x, _)| *x == err) {
                Some((_, envs)) => envs.push(&e.name),
                None => stale.push((err, vec![&e.name])),
            }
        }
    }
    for (err, envs) in &stale {
        out.push_str(&format!("stale ({}): {err}\n", envs.join(", ")));
    }
    // Who each environment's calls are made as, once per account and caller.
    let mut who: Vec<(String, Vec<&str>)> = Vec::new();
    for e in &report.environments {
        let line = match (&e.account, &e.caller) {
            (Some(account), Some(caller)) => format!("account {account} as {caller}"),
            _ => "account unknown".to_string(),
        };
        match who.iter_mut().find(|(l, _)| *l == line) {
            Some((_, envs)) => envs.push(&e.name),
            None => who.push((line, vec![&e.name])),
        }
    }
    for (line, envs) in &who {
        out.push_str(&format!("{line} ({})\n", envs.join(", ")));
    }
    for e in &report.environments {
        if let Some(d) = e.deployer.as_ref().filter(|d| d.stale) {
            let pushed = d
                .newest_pushed_at
                .as_deref()
                .and_then(crate::domain::Timestamp::parse_rfc3339)
                .map(|t| format!(", pushed {} ago", human(state.now.since(t))))
                .unwrap_or_default();
            out.push_str(&format!(
                "warning ({}): the deployer runs {}, the newest image is {}{pushed}\n",
                e.name, d.runs, d.newest
            ));
        }
    }
    // A deploy that failed since what runs: the table's STATUS describes a newer execution.
    for e in &report.environments {
        let failed = (state.env_index(&e.name))
            .and_then(|i| state.envs.get(i))
            .and_then(crate::app::deploy_failure);
        if let Some(f) = failed {
            out.push_str(&format!(
                "last deploy failed ({}): {}\n",
                e.name,
                f.detail(state.now)
            ));
        }
    }
    out.push('\n');
    for e in &report.environments {
        let stages: Vec<String> = e
            .pipeline
            .stages
            .iter()
            .map(|s| format!("{} {}", s.name, s.status.unwrap_or("unknown")))
            .collect();
        out.push_str(&format!("{:<5} {}\n", e.name, stages.join(" → ")));
        if let Some(env) = state.env_index(&e.name).map(|i| &state.envs[i]) {
            for line in crate::ops::plan::freeze::frozen_lines(env.state.as_ref()) {
                out.push_str(&format!("      {line}\n"));
            }
        }
    }
    out.push('\n');
    out.push_str(&super::approvals::table(state));
    for e in report
        .errors
        .iter()
        .filter(|e| e.unknown != "pending approvals")
    {
        out.push_str(&format!(
            "{}: {} unknown: {}\n",
            e.environment, e.unknown, e.error
        ));
    }
    // A long reason (a credentials error names every place it looked) is said in full once, on
    // its `stale` line; the lines after it name it.
    for (err, _) in &stale {
        out = said_once(&out, err);
    }
    out
}

/// `text` with every occurrence of `reason` after the first shortened to its first clause and
/// `(as above)`, when the reason is long enough to be worth it.
fn said_once(text: &str, reason: &str) -> String {
    const LONG: usize = 80;
    let Some(first) = text.find(reason).filter(|_| reason.len() >= LONG) else {
        return text.to_string();
    };
    let head = reason.split(": ").next().unwrap_or(reason);
    let short = format!("{head} (as above)");
    let end = first + reason.len();
    format!("{}{}", &text[..end], text[end..].replace(reason, &short))
}

#[cfg(test)]
mod tests {
    use super::said_once;

    #[test]
    fn a_long_reason_is_said_in_full_once() {
        let reason = "cannot load AWS credentials: environment prd: AWS profile `prod-admin` is not \
                      defined in ~/.aws/config";
        let text = format!("stale (prd): {reason}\nprd: account unknown: {reason}\n");
        assert_eq!(
            said_once(&text, reason),
            format!(
                "stale (prd): {reason}\nprd: account unknown: cannot load AWS credentials (as \
                 above)\n"
            )
        );
        assert_eq!(
            said_once("a: short\nb: short\n", "short"),
            "a: short\nb: short\n"
        );
    }
}
