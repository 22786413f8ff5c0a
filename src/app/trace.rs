//! The `:trace SHA|VERSION` overlay's state: what was asked, the commit it resolved to, and what
//! GitHub and the carrying executions' action runs answered, read through an effect; the trace
//! itself is assembled from the live state (the deployer images as last read).

use crate::app::{Effect, Level, Overlay, RequestId, State};
use crate::domain::Version;
use crate::ops::plan::trace::{self, EnvRead, Found, GitHubTrace, Trace, TraceRead, Traced};

/// The open trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceOverlay {
    /// What was asked, as typed.
    pub query: String,
    /// The version asked for (a version trace).
    pub version: Option<Version>,
    /// The commit looked up: a SHA (or prefix).
    pub sha: String,
    /// The read in flight.
    pub request: Option<RequestId>,
    /// What GitHub answered (`None`: not yet).
    pub read: Option<GitHubTrace>,
}

impl State {
    /// What the trace knows of each environment: the same for the console and the CLI.
    pub fn trace_envs(&self) -> Vec<EnvRead<'_>> {
        self.envs
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                Some(EnvRead {
                    name: &e.spec.name,
                    pipeline: &e.spec.pipeline,
                    source: format!("s3://{}/{}", e.spec.source_bucket, e.spec.source_key),
                    data: self.pipeline_data(i)?,
                    error: e.def.is_none().then(|| e.state_error()).flatten(),
                })
            })
            .collect()
    }

    /// Where the commit is, from what was read of GitHub and the environments as they are now.
    pub fn trace_of(
        &self,
        read: &GitHubTrace,
        query: &str,
        sha: &str,
        version: Option<&Version>,
    ) -> Trace {
        let commit = match &read.commit {
            Ok(c) => Ok(c),
            Err(Found::Missing(why) | Found::Unknown(why)) => Err(why.as_str()),
        };
        let sha = commit.map_or(sha, |c| c.sha.as_str());
        let envs = self.trace_envs();
        // The deployer repository: the pinned one, else the one the Deploy projects' images name;
        // as the first identity that read it has it.
        let repository = self.deployers.repository.as_deref().or_else(|| {
            (self.deployers.repositories.keys())
                .next()
                .map(|(_, r)| r.as_str())
        });
        let images = repository.and_then(|r| {
            let (_, got) = (self.deployers.repositories.iter()).find(|((_, name), _)| name == r)?;
            Some((r, got.as_deref().map_err(String::as_str)))
        });
        trace::assemble(&TraceRead {
            query,
            sha,
            version,
            commit,
            runs: &read.runs,
            envs: &envs,
            region: self.session.region.as_deref(),
            actions: &read.actions,
            builds: &read.builds,
            images,
            now: self.now,
        })
    }
}

/// `:trace SHA|VERSION`: resolves a version through the catalogue, then reads the commit and
/// its runs; a bad or unknown input is said on the status line, nothing opens.
pub(in crate::app) fn open(state: &mut State, arg: Option<&str>) -> Vec<Effect> {
    let Some(arg) = arg else {
        state.say(
            Level::Error,
            ":trace needs a commit SHA or a release version: trace 93a09f0",
        );
        return Vec::new();
    };
    let resolved = Traced::parse(arg).and_then(|t| {
        trace::resolve(
            &t,
            &state.releases,
            state.releases_load.error.as_deref(),
            state.envs.iter().flat_map(|e| &e.executions),
        )
        .map_err(|(Found::Missing(why) | Found::Unknown(why))| why)
    });
    let (version, sha) = match resolved {
        Ok(r) => r,
        Err(why) => {
            state.say(Level::Error, format!(":trace {arg}: {why}"));
            return Vec::new();
        }
    };
    let request = state.take_request();
    let workflows = trace_workflows(state);
    let executions = trace::carrying_executions(&state.trace_envs(), &sha, version.as_ref());
    state.help_scroll = 0;
    state.overlay = Some(Overlay::Trace(Box::new(TraceOverlay {
        query: arg.to_string(),
        version,
        sha: sha.clone(),
        request: Some(request),
        read: None,
    })));
    vec![Effect::FetchTrace {
        request,
        sha,
        workflows,
        executions,
    }]
}

/// The workflow files whose runs the trace searches: deploy, then release.
fn trace_workflows(state: &State) -> Vec<String> {
    if state.runs.workflows.is_empty() {
        vec!["deploy.yml".into(), "release.yml".into()]
    } else {
        state.runs.workflows.clone()
    }
}

/// GitHub answered: kept when the overlay still waits for it; a commit GitHub does not have
/// closes it, saying so.
pub(in crate::app) fn loaded(state: &mut State, request: RequestId, read: GitHubTrace) {
    let Some(Overlay::Trace(t)) = state.overlay.as_mut() else {
        return;
    };
    if t.request != Some(request) {
        return;
    }
    t.request = None;
    if let Err(Found::Missing(repository)) = &read.commit {
        let text = format!(
            ":trace {}: commit {} does not exist in {repository}",
            t.query, t.sha
        );
        state.overlay = None;
        state.say(Level::Error, text);
        return;
    }
    t.read = Some(read);
}
