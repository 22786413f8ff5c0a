//! `shipdeck trace SHA|VERSION`: where a commit is on its way to prd — its workflow runs, the
//! packages that carried it, the pipeline executions per environment, and where it is now.

use super::{Answer, Failure, Global, Output, columns, connect, json};
use crate::cloud::CloudError;
use crate::cloud::github::{GitHub, RunQuery};
use crate::domain::Timestamp;
use crate::domain::github::{GitHubCommit, WorkflowRun};
use crate::ops::plan::trace::{self, EnvRead, Trace, TraceRead, Traced};
use crate::runtime::Headless;

/// How many runs of each workflow are searched for the commit's.
const RUNS_SEARCHED: usize = 100;

/// Runs `shipdeck trace`.
pub async fn run(global: &Global, what: &str, output: Output) -> Result<Answer, Failure> {
    let traced = Traced::parse(what).map_err(Failure::usage)?;
    let backend = connect(global).map_err(Failure::new)?;
    let mut app = Headless::new(backend.state(), backend.cloud.clone());
    app.start(backend.now).await;
    let state = &app.state;
    let github = backend.github();
    if let Ok(link) = &github
        && let Some(note) = &link.note
    {
        eprintln!("shipdeck: {note}");
    }
    let workflows = backend
        .config
        .github
        .clone()
        .map(|g| vec![g.deploy_workflow, g.release_workflow])
        .unwrap_or_else(|| vec!["deploy.yml".into(), "release.yml".into()]);
    // The commit: a SHA through GitHub's commits API; a version through the catalogue.
    let (version, catalogue_sha) = match &traced {
        Traced::Commit(sha) => (None, sha.clone()),
        Traced::Version(v) => {
            if let Some(why) = &state.releases_load.error {
                return Err(Failure::new(format!(
                    "the release catalogue could not be read, so version {v} cannot be traced: \
                     {why}"
                )));
            }
            let Some(r) = state.releases.iter().find(|r| r.version == *v) else {
                return Err(Failure::usage(format!(
                    "version {v} is not in the release catalogue"
                )));
            };
            // The catalogue's listing may carry no metadata: the executions that shipped the
            // version name its commit too.
            let shipped = state
                .envs
                .iter()
                .flat_map(|e| &e.executions)
                .filter_map(|e| e.release())
                .find(|x| x.version == *v && !x.commit.is_empty())
                .map(|x| x.commit);
            let Some(commit) = Some(r.commit.clone()).filter(|c| !c.is_empty()).or(shipped) else {
                return Err(Failure::new(format!(
                    "release {v} names no commit in its metadata: nothing to trace"
                )));
            };
            (Some(v.clone()), commit)
        }
    };
    let read = match &github {
        Ok(link) => read_github(link.port.as_ref(), &catalogue_sha, &workflows).await,
        Err(why) => GitHubRead {
            commit: Err(Found::Unknown(why.clone())),
            runs: workflows
                .iter()
                .map(|w| (w.clone(), Err(why.clone())))
                .collect(),
        },
    };
    let commit = match read.commit {
        Ok(c) => Ok(c),
        Err(Found::Missing(repository)) => {
            return Err(Failure::usage(format!(
                "commit {catalogue_sha} does not exist in {repository}"
            )));
        }
        Err(Found::Unknown(why)) => Err(why),
    };
    let sha = commit
        .as_ref()
        .map_or(catalogue_sha.clone(), |c| c.sha.clone());
    let sources: Vec<String> = state
        .envs
        .iter()
        .map(|e| format!("s3://{}/{}", e.spec.source_bucket, e.spec.source_key))
        .collect();
    let envs: Vec<EnvRead<'_>> = state
        .envs
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            Some(EnvRead {
                name: &e.spec.name,
                pipeline: &e.spec.pipeline,
                source: &sources[i],
                data: state.pipeline_data(i)?,
                error: if e.def.is_none() {
                    e.state_error()
                } else {
                    None
                },
            })
        })
        .collect();
    let trace = trace::assemble(&TraceRead {
        query: what,
        sha: &sha,
        version: version.as_ref(),
        commit: commit.as_ref().map_err(String::as_str),
        runs: &read.runs,
        envs: &envs,
        region: state.session.region.as_deref(),
        now: state.now,
    });
    let unknowns = trace.errors.len();
    if output == Output::Json {
        return Ok(Answer::with_unknowns(json(&trace)?, unknowns));
    }
    Ok(Answer::with_unknowns(table(&trace), unknowns))
}

/// Whether a commit could be found.
enum Found {
    /// GitHub says it does not exist.
    Missing(String),
    /// It could not be read.
    Unknown(String),
}

/// What GitHub said of the commit and its runs.
struct GitHubRead {
    commit: Result<GitHubCommit, Found>,
    runs: Vec<(String, Result<Vec<WorkflowRun>, String>)>,
}

async fn read_github(gh: &dyn GitHub, sha: &str, workflows: &[String]) -> GitHubRead {
    // The commits API lists history from a SHA (or prefix) down: its first entry is the commit.
    let commit = match gh.list_commits(sha, 1).await {
        Ok(list) => match list.into_iter().next() {
            Some(c) => Ok(c),
            None => Err(Found::Missing(gh.repository())),
        },
        Err(CloudError::NotFound { .. }) => Err(Found::Missing(gh.repository())),
        Err(e) => Err(Found::Unknown(e.to_string())),
    };
    let mut runs = Vec::new();
    for w in workflows {
        let query = RunQuery {
            workflow: w.clone(),
            branch: None,
            limit: RUNS_SEARCHED,
        };
        runs.push((
            w.clone(),
            gh.list_runs(&query).await.map_err(|e| e.to_string()),
        ));
    }
    GitHubRead { commit, runs }
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
        }
    }
    for e in &t.errors {
        out.push_str(&format!("unknown: {}: {}\n", e.what, e.error));
    }
    out
}
