//! `shipdeck status`: environments, their pipelines and pending approvals.

use super::{Failure, Global, Output, columns, json, load, report};
use crate::domain::human;

/// Prints every environment's state.
pub async fn run(global: &Global, output: Output) -> Result<String, Failure> {
    let app = load(global).await?;
    let state = &app.state;
    let report = report::status(state);
    if output == Output::Json {
        return json(&report);
    }
    let mut rows = vec![
        [
            "ENV",
            "DEPLOYED",
            "STATUS",
            "STAGE",
            "LAST DEPLOY",
            "BEHIND",
            "CDN",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for e in &report.environments {
        let behind = match (e.releases_behind, &e.promotes_from) {
            (Some(0), _) => "up to date".to_string(),
            (Some(n), Some(from)) => format!("{n} behind {from}"),
            _ => "-".to_string(),
        };
        let mut status = e.status.clone();
        if let Some(err) = &e.stale_error {
            status = format!("{status} (stale: {err})");
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
            e.deployed_version.clone().unwrap_or_else(|| "-".into()),
            status,
            e.current_stage.clone().unwrap_or_else(|| "-".into()),
            ago.unwrap_or_else(|| "-".into()),
            behind,
            e.distribution_status.clone().unwrap_or_else(|| "-".into()),
        ]);
    }
    let mut out = columns(&rows);
    out.push('\n');
    for e in &report.environments {
        let stages: Vec<String> = e
            .pipeline
            .stages
            .iter()
            .map(|s| format!("{} {}", s.name, s.status.unwrap_or("-")))
            .collect();
        out.push_str(&format!("{:<5} {}\n", e.name, stages.join(" → ")));
        if let Some(env) = state.env_index(&e.name).map(|i| &state.envs[i]) {
            for line in crate::ops::freeze::frozen_lines(env.state.as_ref()) {
                out.push_str(&format!("      {line}\n"));
            }
        }
    }
    out.push('\n');
    out.push_str(&super::approvals::table(state));
    Ok(out)
}
