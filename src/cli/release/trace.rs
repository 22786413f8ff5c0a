//! `shipdeck trace SHA|VERSION`: where a commit is on its way to prd — its workflow runs, the
//! packages that carried it, the pipeline executions per environment, and where it is now.

use crate::cli::io::stderr::errln;
use crate::cli::{Answer, Failure, Global, Output, columns, connect, json};
use crate::domain::Timestamp;
use crate::ops::plan::trace::{self, Found, Trace, Traced};
use crate::runtime::Headless;
use serde::Serialize;

/// Runs `shipdeck trace`: in every system when the configuration names several and `--system`
/// picks none (a commit may ship in more than one), else in the one.
pub async fn run(global: &Global, what: &str, output: Output) -> Result<Answer, Failure> {
    let traced = Traced::parse(what).map_err(Failure::usage)?;
    let names = crate::cli::systems::every(global);
    if !names.is_empty() {
        let reads = names.iter().map(|name| {
            let global = crate::cli::systems::narrowed(global, name);
            let traced = &traced;
            async move { one(&global, traced, what).await }
        });
        let read = futures::future::join_all(reads).await;
        return grouped(what, names.into_iter().zip(read).collect(), output);
    }
    let trace = one(global, &traced, what).await?.map_err(Failure::usage)?;
    let unknowns = trace.errors.len();
    if output == Output::Json {
        return Ok(Answer::with_unknowns(json(&trace)?, unknowns));
    }
    Ok(Answer::with_unknowns(table(&trace), unknowns))
}

/// One system's trace, from its configuration, GitHub repository and pipelines; `Ok(Err(why))`
/// when the commit or version is not in this system at all.
async fn one(
    global: &Global,
    traced: &Traced,
    what: &str,
) -> Result<Result<Trace, String>, Failure> {
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
    let resolved = trace::resolve(
        traced,
        &state.releases,
        state.releases_load.error.as_deref(),
        state.envs.iter().flat_map(|e| &e.executions),
    );
    let (version, sha) = match resolved {
        Ok(found) => found,
        Err(Found::Missing(why)) => return Ok(Err(why)),
        Err(Found::Unknown(why)) => return Err(Failure::new(why)),
    };
    let mut read = match backend.github().await {
        Ok(link) => {
            if let Some(note) = &link.note {
                errln!("shipdeck: {note}");
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
        return Ok(Err(format!("commit {sha} does not exist in {repository}")));
    }
    let executions = trace::carrying_executions(&state.trace_envs(), &sha, version.as_ref());
    read.actions = crate::runtime::trace::read_actions(&backend.clouds, &executions).await;
    read.builds = crate::runtime::trace::read_builds(&backend.clouds, &read.actions).await;
    Ok(Ok(state.trace_of(&read, what, &sha, version.as_ref())))
}

/// One system's trace as read: the trace, or why the commit is not in it (`Ok(Err(why))`), or
/// why it could not be read.
type Read = Result<Result<Trace, String>, Failure>;

/// One system's part of a trace across systems.
#[derive(Serialize)]
struct SystemTrace {
    system: String,
    /// Why the commit or version is not in this system (`null`: it is, or it is unknown).
    not_found: Option<String>,
    /// Why this system could not be read (`null`: it was).
    error: Option<String>,
    /// The trace, when it is in this system.
    #[serde(flatten)]
    trace: Option<Trace>,
}

/// A trace across systems.
#[derive(Serialize)]
struct Traces {
    query: String,
    systems: Vec<SystemTrace>,
}

/// Every system's trace, one titled block each (`== system NAME ==`) or one JSON report with a
/// `systems[]` entry each. Not found in any system: exit 2, as for one; a system that could not
/// be read is unknown with its reason (exit 1), never "not there".
fn grouped(what: &str, read: Vec<(String, Read)>, output: Output) -> Result<Answer, Failure> {
    if read.iter().all(|(_, r)| matches!(r, Ok(Err(_)))) {
        let why: Vec<String> = (read.iter())
            .filter_map(|(name, r)| match r {
                Ok(Err(why)) => Some(format!("system {name}: {why}")),
                _ => None,
            })
            .collect();
        return Err(Failure::usage(why.join("\n")));
    }
    let mut text = String::new();
    let mut unknowns = 0;
    let mut systems = Vec::new();
    for (system, r) in read {
        text.push_str(&format!("== system {system} ==\n"));
        let mut one = SystemTrace {
            system,
            not_found: None,
            error: None,
            trace: None,
        };
        match r {
            Ok(Ok(trace)) => {
                unknowns += trace.errors.len();
                text.push_str(&table(&trace));
                one.trace = Some(trace);
            }
            Ok(Err(why)) => {
                text.push_str(&format!("not in this system: {why}\n"));
                one.not_found = Some(why);
            }
            Err(f) => {
                unknowns += 1;
                text.push_str(&format!("unknown: {}\n", f.message));
                one.error = Some(f.message);
            }
        }
        text.push('\n');
        systems.push(one);
    }
    if output == Output::Json {
        let all = Traces {
            query: what.to_string(),
            systems,
        };
        return Ok(Answer::with_unknowns(json(&all)?, unknowns));
    }
    Ok(Answer::with_unknowns(text, unknowns))
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
    if let Some(none) = t.no_packages() {
        out.push_str(&format!("  {none}\n"));
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
