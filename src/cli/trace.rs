//! `shipdeck trace SHA|VERSION`: where a commit is on its way to prd — its workflow runs, the
//! packages that carried it, the pipeline executions per environment, and where it is now.

use super::{Answer, Failure, Global, Output, columns, connect, json};
use crate::domain::Timestamp;
use crate::ops::plan::trace::{self, Found, Trace, Traced};
use crate::runtime::Headless;

/// Runs `shipdeck trace`.
pub async fn run(global: &Global, what: &str, output: Output) -> Result<Answer, Failure> {
    let traced = Traced::parse(what).map_err(Failure::usage)?;
    let backend = connect(global).map_err(Failure::new)?;
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    let state = &app.state;
    let workflows = backend
        .config
        .github
        .clone()
        .map(|g| vec![g.deploy_workflow, g.release_workflow])
        .unwrap_or_else(|| vec!["deploy.yml".into(), "release.yml".into()]);
    // The commit: a SHA as asked; a version's through the catalogue.
    let (version, sha) = trace::resolve(
        &traced,
        &state.releases,
        state.releases_load.error.as_deref(),
        state.envs.iter().flat_map(|e| &e.executions),
    )
    .map_err(|f| match f {
        Found::Missing(why) => Failure::usage(why),
        Found::Unknown(why) => Failure::new(why),
    })?;
    let mut read = match backend.github().await {
        Ok(link) => {
            if let Some(note) = &link.note {
                eprintln!("shipdeck: {note}");
            }
            crate::runtime::trace::read_github(link.port.as_ref(), &sha, &workflows).await
        }
        Err(why) => {
            let mut read = crate::runtime::trace::not_configured(&workflows);
            read.commit = Err(Found::Unknown(why.clone()));
            read.runs.iter_mut().for_each(|r| r.1 = Err(why.clone()));
            read
        }
    };
    if let Err(Found::Missing(repository)) = &read.commit {
        return Err(Failure::usage(format!(
            "commit {sha} does not exist in {repository}"
        )));
    }
    let executions = trace::carrying_executions(&state.trace_envs(), &sha, version.as_ref());
    read.actions = crate::runtime::trace::read_actions(&backend.clouds, &executions).await;
    read.builds = crate::runtime::trace::read_builds(&backend.clouds, &read.actions).await;
    let trace = state.trace_of(&read, what, &sha, version.as_ref());
    let unknowns = trace.errors.len();
    if output == Output::Json {
        return Ok(Answer::with_unknowns(json(&trace)?, unknowns));
    }
    Ok(Answer::with_unknowns(table(&trace), unknowns))
}

fn when(rfc3339: &str) -> String {
    Timestamp::parse_rfc3339(rfc3339).map_or_else(|| "?".into(), Timestamp::short)
}

fn table(t: &Trace) -> String {
    let mut out = String::new();
    match &t.commit {
        Some(c) => out.push_str(&format!(
            "commit {} {} ({}, {})\n",
            c.sha.get(..7).unwrap_or(&c.sha),
            c.message.as_deref().unwrap_or(""),
            c.author.as_deref().unwrap_or("?"),
            c.date
                .as_deref()
                .and_then(Timestamp::parse_rfc3339)
                .map_or_else(|| "?".into(), Timestamp::short),
        )),
        None => out.push_str(&format!("commit {}: unknown\n", t.query)),
    }
    if !t.versions.is_empty() {
        out.push_str(&format!("release {}\n", t.versions.join(", ")));
    }
    out.push_str(&format!("now: {}\n\nworkflow runs\n", t.summary));
    match &t.runs {
        Some(runs) if runs.is_empty() => out.push_str("  none\n"),
        Some(runs) => {
            let rows: Vec<Vec<String>> = runs
                .iter()
                .map(|r| {
                    vec![
                        format!("  {}", r.workflow),
                        format!("#{}", r.number),
                        r.conclusion.clone().unwrap_or_else(|| r.status.clone()),
                        Timestamp::parse_rfc3339(&r.started_at)
                            .map_or_else(|| "?".into(), Timestamp::short),
                        r.html_url.clone(),
                    ]
                })
                .collect();
            out.push_str(&columns(&rows));
        }
        None => out.push_str("  unknown\n"),
    }
    if let Some(i) = &t.deployer_image {
        out.push_str(&format!(
            "  deployer image {}:{} {} pushed {} (run {})\n",
            i.repository,
            i.tags.join(","),
            crate::domain::short_digest(&i.digest),
            when(&i.pushed_at),
            i.run_id
        ));
    }
    out.push_str("\npackages\n");
    if t.packages.is_empty() {
        out.push_str("  none seen\n");
    }
    for p in &t.packages {
        out.push_str(&format!(
            "  {} {} {} (version id {})\n",
            p.environment, p.version, p.key, p.version_id
        ));
    }
    out.push_str("\nenvironments\n");
    for e in &t.environments {
        out.push_str(&format!(
            "  {}: {}\n",
            e.name,
            e.now.as_deref().unwrap_or("unknown")
        ));
        for x in e.executions.iter().flatten() {
            let when =
                Timestamp::parse_rfc3339(&x.start).map_or_else(|| "?".into(), Timestamp::short);
            let end = x
                .end
                .as_deref()
                .and_then(Timestamp::parse_rfc3339)
                .map_or_else(|| "…".into(), Timestamp::short);
            out.push_str(&format!(
                "    {} {} {} {when} → {end}{}\n",
                x.id,
                x.version.as_deref().unwrap_or("?"),
                x.status,
                x.console_url
                    .as_deref()
                    .map(|u| format!("\n      {u}"))
                    .unwrap_or_default()
            ));
            for (what, hop) in [("build", &x.build), ("deployment", &x.deployment)] {
                if let Some(h) = hop {
                    out.push_str(&format!("      {what} {}\n", h.line()));
                    for l in h.build_lines() {
                        out.push_str(&format!("        {l}\n"));
                    }
                }
            }
        }
    }
    for e in &t.errors {
        out.push_str(&format!("unknown: {}: {}\n", e.what, e.error));
    }
    out
}
