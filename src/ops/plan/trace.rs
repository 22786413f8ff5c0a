//! Tracing a commit (pure): from a commit or release version to its workflow runs, the packages
//! that carried it, the pipeline executions per environment and where it is now, in words. The
//! CLI and the console read; the trace is assembled here from what they read.

use super::data::PipelineData;
use crate::cloud::{BuildRun, BuildRuns};
use crate::domain::github::{GitHubCommit, WorkflowRun};
use crate::domain::{
    ActionExecutionDetail, EcrImage, ExecutionStatus, ExecutionSummary, Release, Timestamp,
    Version, deploy_action, human,
};
use serde::Serialize;

/// What the operator asked to trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Traced {
    /// A commit SHA or a prefix of one (7–40 hex digits, lower case).
    Commit(String),
    /// A release version, found in the release catalogue.
    Version(Version),
}

impl Traced {
    /// Reads `SHA|VERSION`: a version has dots (`1.41.3`, `v1.41.3`); a SHA is 7–40 hex digits.
    pub fn parse(text: &str) -> Result<Traced, String> {
        let t = text.trim();
        if t.contains('.') {
            return Version::parse(t.trim_start_matches('v'))
                .map(Traced::Version)
                .ok_or_else(|| format!("`{t}` is not a release version (e.g. 1.41.3)"));
        }
        if (7..=40).contains(&t.len()) && t.chars().all(|c| c.is_ascii_hexdigit()) {
            return Ok(Traced::Commit(t.to_ascii_lowercase()));
        }
        Err(format!(
            "`{t}` is neither a commit SHA (7 to 40 hex digits) nor a release version (e.g. 1.41.3)"
        ))
    }
}

/// Whether GitHub has the commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    /// GitHub says it does not exist (in this repository, named).
    Missing(String),
    /// It could not be read: why.
    Unknown(String),
}

/// What GitHub said of the commit and the runs of its workflows, and the action runs of the
/// pipeline executions that carried it (`ListActionExecutions`: the CodeBuild build and the
/// CodeDeploy deployment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubTrace {
    /// The commit, or why it is not there.
    pub commit: Result<GitHubCommit, Found>,
    /// Per workflow file: its recent runs, or why they could not be read.
    pub runs: Vec<(String, Result<Vec<WorkflowRun>, String>)>,
    /// The action runs of each carrying execution, or why they could not be read.
    pub actions: Vec<ActionsRead>,
    /// CodeBuild's account of the builds those action runs started (`BatchGetBuilds`), per
    /// identity that read some: the ids asked, and the answer or why it could not be read.
    pub builds: Vec<BuildsRead>,
}

/// One identity's `BatchGetBuilds` in a trace: the build ids it was asked, and CodeBuild's
/// answer or why it could not be read (then those builds are unknown, the others not).
pub type BuildsRead = (Vec<String>, Result<BuildRuns, String>);

/// The CodeBuild builds the action runs started (`project:uuid`; a CodeDeploy deployment id has
/// no colon), each once: what a trace asks `BatchGetBuilds` for.
pub fn build_ids(actions: &[ActionsRead]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for d in actions
        .iter()
        .filter_map(|a| a.result.as_ref().ok())
        .flatten()
    {
        if let Some(id) = d
            .external_execution_id
            .as_ref()
            .filter(|id| id.contains(':'))
            && !ids.contains(id)
        {
            ids.push(id.clone());
        }
    }
    ids
}

/// The action runs of one pipeline execution, or why they could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionsRead {
    /// Pipeline name.
    pub pipeline: String,
    /// Execution id.
    pub execution: String,
    /// Its action runs.
    pub result: Result<Vec<ActionExecutionDetail>, String>,
}

/// The carrying executions whose action runs are read, per environment (newest first).
pub const ACTION_READS_PER_ENV: usize = 5;

/// The executions that carried the commit, whose action runs a trace reads: (pipeline,
/// execution id), at most [`ACTION_READS_PER_ENV`] per environment.
pub fn carrying_executions(
    envs: &[EnvRead<'_>],
    sha: &str,
    version: Option<&Version>,
) -> Vec<(String, String)> {
    envs.iter()
        .filter(|e| e.error.is_none())
        .flat_map(|e| {
            e.data
                .executions
                .iter()
                .filter(|x| carries(x, sha, version).is_some())
                .take(ACTION_READS_PER_ENV)
                .map(|x| (e.pipeline.to_string(), x.id.clone()))
        })
        .collect()
}

/// The commit to look up: the SHA (or prefix) asked for, or a version's from the catalogue
/// (else from an execution that shipped it: a catalogue listing may carry no metadata).
/// `Err(Found::Missing)`: the version does not exist.
pub fn resolve<'a>(
    traced: &Traced,
    catalogue: &[Release],
    catalogue_error: Option<&str>,
    shipped: impl IntoIterator<Item = &'a ExecutionSummary>,
) -> Result<(Option<Version>, String), Found> {
    let v = match traced {
        Traced::Commit(sha) => return Ok((None, sha.clone())),
        Traced::Version(v) => v,
    };
    if let Some(why) = catalogue_error {
        return Err(Found::Unknown(format!(
            "the release catalogue could not be read, so version {v} cannot be traced: {why}"
        )));
    }
    let Some(r) = catalogue.iter().find(|r| r.version == *v) else {
        return Err(Found::Missing(format!(
            "version {v} is not in the release catalogue"
        )));
    };
    let from_executions = || {
        shipped
            .into_iter()
            .filter_map(ExecutionSummary::release)
            .find(|x| x.version == *v && !x.commit.is_empty())
            .map(|x| x.commit)
    };
    Some(r.commit.clone())
        .filter(|c| !c.is_empty())
        .or_else(from_executions)
        .map(|c| (Some(v.clone()), c))
        .ok_or_else(|| {
            Found::Unknown(format!(
                "release {v} names no commit in its metadata: nothing to trace"
            ))
        })
}

/// Whether two commit ids name the same commit (either may be a prefix of the other).
pub fn same_commit(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a.len() >= 7 && b.len() >= 7 && (a.starts_with(&b) || b.starts_with(&a))
}

/// A read that failed: which hop, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceError {
    /// The hop: `commit`, `runs of deploy.yml`, `prd`.
    pub what: String,
    /// Why.
    pub error: String,
}

/// The commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommitHop {
    /// The full SHA (or what the catalogue names, when GitHub could not be read).
    pub sha: String,
    /// The first line of its message.
    pub message: Option<String>,
    /// Its author.
    pub author: Option<String>,
    /// When it was committed (RFC 3339).
    pub date: Option<String>,
}

/// A workflow run of the commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunHop {
    /// Run id.
    pub id: u64,
    /// Workflow file.
    pub workflow: String,
    /// Run number.
    pub number: u64,
    /// `completed`, `in_progress`, …
    pub status: String,
    /// `success`, `failure`, … once completed.
    pub conclusion: Option<String>,
    /// When it started (RFC 3339).
    pub started_at: String,
    /// GitHub's page of the run.
    pub html_url: String,
}

/// A release package that carried the commit into an environment's source key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageHop {
    /// Release version.
    pub version: String,
    /// The environment whose source key held it.
    pub environment: String,
    /// `s3://bucket/key`.
    pub key: String,
    /// The object's version id (the pipeline's source revision).
    pub version_id: String,
}

/// A run outside CodePipeline that an action started: a CodeBuild build or a CodeDeploy
/// deployment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExternalHop {
    /// The build id (`project:uuid`) or deployment id.
    pub id: Option<String>,
    /// The action's status (`InProgress`, `Succeeded`, `Failed`, …).
    pub status: String,
    /// Started (RFC 3339).
    pub start: String,
    /// Ended (RFC 3339), while it runs `null`.
    pub end: Option<String>,
    /// Its page (the console's build or deployment).
    pub url: Option<String>,
    /// What CodeBuild says of the build (`null`: a deployment, or not read: see `errors`).
    pub codebuild: Option<BuildHop>,
    /// Why CodeBuild's account of the build is unknown, when it is.
    #[serde(skip)]
    pub codebuild_unknown: Option<String>,
}

/// A CodeBuild build as `BatchGetBuilds` tells it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildHop {
    /// `IN_PROGRESS`, `SUCCEEDED`, `FAILED`, `FAULT`, `STOPPED`, `TIMED_OUT`.
    pub status: String,
    /// The phase it is in (`BUILD`; `COMPLETED` once done).
    pub phase: Option<String>,
    /// The phase that did not succeed (`BUILD`), when one did not.
    pub failed_phase: Option<String>,
    /// What CodeBuild said of it (`COMMAND_EXECUTION_ERROR: …`).
    pub failed_message: Option<String>,
    /// Started (RFC 3339).
    pub start: Option<String>,
    /// Ended (RFC 3339), while it runs `null`.
    pub end: Option<String>,
    /// Its CloudWatch log group and stream.
    pub log_group: Option<String>,
    /// Its log stream.
    pub log_stream: Option<String>,
    /// Its log in the CloudWatch console.
    pub log_url: Option<String>,
}

impl BuildHop {
    fn of(b: &BuildRun) -> BuildHop {
        BuildHop {
            status: b.status.clone(),
            phase: b.current_phase.clone(),
            failed_phase: b.failed_phase.as_ref().map(|f| f.phase.clone()),
            failed_message: b
                .failed_phase
                .as_ref()
                .map(|f| f.message.clone())
                .filter(|m| !m.is_empty()),
            start: b.start.map(Timestamp::rfc3339),
            end: b.end.map(Timestamp::rfc3339),
            log_group: b.log_group.clone(),
            log_stream: b.log_stream.clone(),
            log_url: b.log_link.clone(),
        }
    }

    /// `CodeBuild FAILED in BUILD: COMMAND_EXECUTION_ERROR: …`, `CodeBuild IN_PROGRESS (BUILD)`;
    /// nothing for a build that succeeded (the action's line says so already).
    pub fn line(&self) -> Option<String> {
        match (&self.failed_phase, &self.phase) {
            (Some(p), _) => Some(format!(
                "CodeBuild {} in {p}{}",
                self.status,
                self.failed_message
                    .as_deref()
                    .map(|m| format!(": {m}"))
                    .unwrap_or_default()
            )),
            (None, Some(p)) if self.status == "IN_PROGRESS" => {
                Some(format!("CodeBuild {} ({p})", self.status))
            }
            _ if self.status == "SUCCEEDED" => None,
            _ => Some(format!("CodeBuild {}", self.status)),
        }
    }
}

impl ExternalHop {
    /// `storefront-deployer-prd-deploy:1f2e… Succeeded 11-25 08:15 → 11-25 08:19`.
    pub fn line(&self) -> String {
        let when =
            |t: &str| Timestamp::parse_rfc3339(t).map_or_else(|| "?".into(), Timestamp::short);
        format!(
            "{} {} {} → {}",
            self.id.as_deref().unwrap_or("?"),
            self.status,
            when(&self.start),
            self.end.as_deref().map_or_else(|| "…".into(), when)
        )
    }

    /// What CodeBuild says of a build, under its line: its status and phase (or the phase that
    /// failed and why), its log; `unknown` with the reason when it could not be read.
    pub fn build_lines(&self) -> Vec<String> {
        if let Some(why) = &self.codebuild_unknown {
            return vec![format!("CodeBuild unknown: {why}")];
        }
        let Some(b) = &self.codebuild else {
            return Vec::new();
        };
        let mut out: Vec<String> = b.line().into_iter().collect();
        if let Some(u) = &b.log_url {
            out.push(format!("log {u}"));
        }
        out
    }
}

/// The deployer image the commit's workflow run pushed to ECR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageHop {
    /// The ECR repository.
    pub repository: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// `sha256:…`.
    pub digest: String,
    /// When it was pushed (RFC 3339).
    pub pushed_at: String,
    /// The run that pushed it (the image pushed while it ran).
    pub run_id: u64,
}

/// A pipeline execution that carried the commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExecutionHop {
    /// Execution id.
    pub id: String,
    /// `InProgress`, `Succeeded`, …
    pub status: String,
    /// Release version it shipped.
    pub version: Option<String>,
    /// Started (RFC 3339).
    pub start: String,
    /// Ended (RFC 3339), while it runs `null`.
    pub end: Option<String>,
    /// The AWS console's page of the execution (`null` when the region is not known).
    pub console_url: Option<String>,
    /// Its CodeBuild Deploy build (`null`: not run yet, or not read: see `errors`).
    pub build: Option<ExternalHop>,
    /// Its CodeDeploy deployment (`null`: the pipeline has none, it did not run, or not read).
    pub deployment: Option<ExternalHop>,
}

/// One environment's part of the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvHop {
    /// Environment name.
    pub name: String,
    /// Pipeline executions that carried the commit, newest first (`null`: not read).
    pub executions: Option<Vec<ExecutionHop>>,
    /// Where the commit is in this environment (`null`: not known; see `errors`).
    pub now: Option<String>,
}

/// A whole trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// What was asked.
    pub query: String,
    /// The commit (`null`: not read).
    pub commit: Option<CommitHop>,
    /// The release version(s) that carry it.
    pub versions: Vec<String>,
    /// Its workflow runs, newest first (`null`: not read).
    pub runs: Option<Vec<RunHop>>,
    /// The deployer image its workflow run pushed to ECR (`null`: none was pushed, or the
    /// repository could not be read: see `errors`).
    pub deployer_image: Option<ImageHop>,
    /// The packages that carried it into each environment's source key.
    pub packages: Vec<PackageHop>,
    /// Per environment.
    pub environments: Vec<EnvHop>,
    /// Where it is now, in words: `running in dev and stg; waiting for prd approval for 3h 12m`.
    pub summary: String,
    /// Hops that could not be read.
    pub errors: Vec<TraceError>,
}

/// What was read of one environment.
#[derive(Debug, Clone)]
pub struct EnvRead<'a> {
    /// Its name.
    pub name: &'a str,
    /// Pipeline name (for the console link).
    pub pipeline: &'a str,
    /// `s3://bucket/key` of its source object.
    pub source: String,
    /// What the planners know of it.
    pub data: PipelineData<'a>,
    /// Why its pipeline could not be read, when it could not and nothing was read before.
    pub error: Option<&'a str>,
}

/// What was read for the trace.
#[derive(Debug, Clone, Copy)]
pub struct TraceRead<'a> {
    /// What was asked, as typed.
    pub query: &'a str,
    /// The commit's id: full from GitHub, else as the catalogue names it.
    pub sha: &'a str,
    /// The version asked for (a version trace).
    pub version: Option<&'a Version>,
    /// The commit as GitHub knows it, or why it could not be read.
    pub commit: Result<&'a GitHubCommit, &'a str>,
    /// The runs of the deploy and release workflows, or why they could not be read.
    pub runs: &'a [(String, Result<Vec<WorkflowRun>, String>)],
    /// Each environment.
    pub envs: &'a [EnvRead<'a>],
    /// The AWS region (for console links).
    pub region: Option<&'a str>,
    /// The action runs of the carrying executions.
    pub actions: &'a [ActionsRead],
    /// CodeBuild's account of their builds, per identity that read some.
    pub builds: &'a [BuildsRead],
    /// The deployer image's repository and its images, or why they could not be read (`None`:
    /// no repository is known).
    pub images: Option<(&'a str, Result<&'a [EcrImage], &'a str>)>,
    /// Now.
    pub now: Timestamp,
}

/// A CodeBuild build or CodeDeploy deployment from an action run.
fn external(d: &ActionExecutionDetail) -> ExternalHop {
    let active = d.status == crate::domain::ActionStatus::InProgress;
    ExternalHop {
        id: d.external_execution_id.clone(),
        status: d.status.as_str().to_string(),
        start: d.start.rfc3339(),
        end: (!active).then(|| d.last_update.rfc3339()),
        url: d.external_execution_url.clone(),
        codebuild: None,
        codebuild_unknown: None,
    }
}

/// What CodeBuild says of `hop`'s build, or why it is unknown (`Err`: for `errors`).
fn with_build(hop: &mut ExternalHop, builds: &[BuildsRead]) -> Result<(), String> {
    let Some(id) = hop.id.clone().filter(|id| id.contains(':')) else {
        return Ok(());
    };
    let why = match builds.iter().find(|(ids, _)| ids.contains(&id)) {
        None => "not read".to_string(),
        Some((_, Ok(b))) => match b.found.iter().find(|r| r.id == id) {
            Some(run) => {
                hop.codebuild = Some(BuildHop::of(run));
                return Ok(());
            }
            None if b.not_found.contains(&id) => "CodeBuild does not know it".to_string(),
            None => "not read".to_string(),
        },
        Some((_, Err(why))) => why.to_string(),
    };
    hop.codebuild_unknown = Some(why.clone());
    Err(format!("build {id}: {why}"))
}

/// The build and deployment of execution `e` in `env`, or why its action runs are unknown.
fn external_hops(
    env: &EnvRead<'_>,
    e: &ExecutionSummary,
    actions: &[ActionsRead],
) -> Result<(Option<ExternalHop>, Option<ExternalHop>), String> {
    let read = actions
        .iter()
        .find(|a| a.pipeline == env.pipeline && a.execution == e.id)
        .ok_or_else(|| {
            format!("not read (the newest {ACTION_READS_PER_ENV} carrying executions are)")
        })?;
    let details = read.result.as_ref().map_err(Clone::clone)?;
    let Some(def) = env.data.def else {
        return Ok((None, None));
    };
    let newest = |stage: &str, action: &str| {
        details
            .iter()
            .filter(|d| d.stage == stage && d.action == action)
            .max_by_key(|d| d.start)
            .map(external)
    };
    let build = deploy_action(def).and_then(|(stage, a)| newest(stage, &a.name));
    let deployment = def.stages.iter().find_map(|s| {
        s.actions
            .iter()
            .find(|a| a.provider == "CodeDeploy")
            .and_then(|a| newest(&s.name, &a.name))
    });
    Ok((build, deployment))
}

/// The deployer image pushed while one of the commit's runs ran (the newest such), if any.
fn pushed_image(
    runs: Option<&[RunHop]>,
    all: &[(String, Result<Vec<WorkflowRun>, String>)],
    sha: &str,
    images: &[EcrImage],
    now: Timestamp,
) -> Option<(u64, EcrImage)> {
    let ids: Vec<u64> = runs?.iter().map(|r| r.id).collect();
    all.iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .flatten()
        .filter(|r| ids.contains(&r.id) && same_commit(&r.head_sha, sha))
        .flat_map(|r| {
            let start = r.run_started_at.unwrap_or(r.created_at);
            let end = if r.status == crate::domain::github::RunStatus::Completed {
                r.updated_at
            } else {
                now
            };
            images
                .iter()
                .filter(move |i| i.pushed_at >= start && i.pushed_at <= end)
                .map(move |i| (r.id, i.clone()))
        })
        .max_by_key(|(_, i)| i.pushed_at)
}

/// Whether an execution shipped the traced commit.
fn carries(e: &ExecutionSummary, sha: &str, version: Option<&Version>) -> Option<Release> {
    let r = e.release()?;
    let by_commit = same_commit(&r.commit, sha);
    let by_version = version.is_some_and(|v| *v == r.version);
    (by_commit || by_version).then_some(r)
}

/// The AWS console's page of a pipeline execution.
pub fn console_url(region: &str, pipeline: &str, execution: &str) -> String {
    format!(
        "https://{region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/{pipeline}/executions/{execution}/timeline?region={region}"
    )
}

/// Assembles the trace from what was read.
pub fn assemble(read: &TraceRead<'_>) -> Trace {
    let mut errors = Vec::new();
    let commit = match read.commit {
        Ok(c) => Some(CommitHop {
            sha: c.sha.clone(),
            message: Some(c.message.lines().next().unwrap_or_default().to_string()),
            author: Some(c.author.clone()),
            date: Some(c.date.rfc3339()),
        }),
        Err(why) => {
            errors.push(TraceError {
                what: "commit".into(),
                error: why.to_string(),
            });
            None
        }
    };
    let mut runs = Some(Vec::new());
    for (workflow, got) in read.runs {
        match got {
            Ok(list) => {
                if let Some(out) = runs.as_mut() {
                    out.extend(
                        list.iter()
                            .filter(|r| same_commit(&r.head_sha, read.sha))
                            .map(|r| RunHop {
                                id: r.id,
                                workflow: r.workflow.clone(),
                                number: r.run_number,
                                status: r.status.to_string(),
                                conclusion: r.conclusion.as_ref().map(ToString::to_string),
                                started_at: r.run_started_at.unwrap_or(r.created_at).rfc3339(),
                                html_url: r.html_url.clone(),
                            }),
                    );
                }
            }
            Err(why) => {
                errors.push(TraceError {
                    what: format!("runs of {workflow}"),
                    error: why.clone(),
                });
                runs = None;
            }
        }
    }
    if let Some(out) = runs.as_mut() {
        out.sort_by(|a, b| b.started_at.cmp(&a.started_at).then(b.id.cmp(&a.id)));
    }
    let deployer_image = match read.images {
        Some((repository, Ok(images))) => {
            pushed_image(runs.as_deref(), read.runs, read.sha, images, read.now).map(
                |(run_id, i)| ImageHop {
                    repository: repository.to_string(),
                    tags: i.tags,
                    digest: i.digest,
                    pushed_at: i.pushed_at.rfc3339(),
                    run_id,
                },
            )
        }
        Some((repository, Err(why))) => {
            errors.push(TraceError {
                what: "deployer image".into(),
                error: format!("ECR repository {repository}: {why}"),
            });
            None
        }
        None => None,
    };
    let mut versions: Vec<Version> = read.version.into_iter().cloned().collect();
    let mut packages = Vec::new();
    let mut environments = Vec::new();
    let mut words: Vec<(&'static str, String)> = Vec::new();
    for env in read.envs {
        if let Some(why) = env.error {
            errors.push(TraceError {
                what: env.name.to_string(),
                error: why.to_string(),
            });
            environments.push(EnvHop {
                name: env.name.to_string(),
                executions: None,
                now: None,
            });
            continue;
        }
        let carried: Vec<(&ExecutionSummary, Release)> = env
            .data
            .executions
            .iter()
            .filter_map(|e| carries(e, read.sha, read.version).map(|r| (e, r)))
            .collect();
        for (e, r) in &carried {
            if !versions.contains(&r.version) {
                versions.push(r.version.clone());
            }
            for rev in &e.source_revisions {
                let known = packages.iter().any(|p: &PackageHop| {
                    p.environment == env.name && p.version_id == rev.revision_id
                });
                if !known {
                    packages.push(PackageHop {
                        version: r.version.to_string(),
                        environment: env.name.to_string(),
                        key: env.source.clone(),
                        version_id: rev.revision_id.clone(),
                    });
                }
            }
        }
        let hops = carried
            .iter()
            .map(|(e, r)| {
                let (mut build, deployment) = match external_hops(env, e, read.actions) {
                    Ok(hops) => hops,
                    Err(why) => {
                        errors.push(TraceError {
                            what: format!("{} execution {} actions", env.name, short(&e.id)),
                            error: why,
                        });
                        (None, None)
                    }
                };
                if let Some(Err(why)) = build.as_mut().map(|b| with_build(b, read.builds)) {
                    errors.push(TraceError {
                        what: format!("{} execution {} build", env.name, short(&e.id)),
                        error: why,
                    });
                }
                ExecutionHop {
                    id: e.id.clone(),
                    status: e.status.as_str().to_string(),
                    version: Some(r.version.to_string()),
                    start: e.start.rfc3339(),
                    end: (!e.status.is_active()).then(|| e.last_update.rfc3339()),
                    console_url: read.region.map(|g| console_url(g, env.pipeline, &e.id)),
                    build,
                    deployment,
                }
            })
            .collect();
        let now = match where_in(env, &carried, read) {
            Ok((kind, text)) => {
                if kind == "unlisted" {
                    // Where the commit is there is not known: said in `errors` too, so a
                    // script sees it (the command exits 1), not only in the words.
                    errors.push(TraceError {
                        what: env.name.to_string(),
                        error: format!("{text}: an older execution may have carried it"),
                    });
                }
                words.push((kind, text.clone()));
                // A running environment's words are its name, for the summary to group
                // (`running in dev and stg`); on its own line it says so in full.
                Some(match kind {
                    "running" => format!("running in {text}"),
                    _ => text,
                })
            }
            Err(why) => {
                errors.push(TraceError {
                    what: env.name.to_string(),
                    error: why,
                });
                None
            }
        };
        environments.push(EnvHop {
            name: env.name.to_string(),
            executions: Some(hops),
            now,
        });
    }
    versions.sort();
    let summary = summary(&words, &unread(&environments));
    Trace {
        query: read.query.to_string(),
        commit,
        versions: versions.iter().map(ToString::to_string).collect(),
        runs,
        deployer_image,
        packages,
        environments,
        summary,
        errors,
    }
}

/// Where the commit is in one environment: a kind (to group environments) and the words.
fn where_in(
    env: &EnvRead<'_>,
    carried: &[(&ExecutionSummary, Release)],
    read: &TraceRead<'_>,
) -> Result<(&'static str, String), String> {
    let name = env.name;
    let deployed = env
        .data
        .deployed
        .map_err(|why| format!("what runs in {name} is unknown: {why}"))?;
    let deployed_release = deployed.and_then(ExecutionSummary::release);
    if let Some(d) = deployed
        && carried.iter().any(|(e, _)| e.id == d.id)
    {
        return Ok(("running", name.to_string()));
    }
    if let Some(a) = env
        .data
        .approvals(name)
        .into_iter()
        .find(|a| carried.iter().any(|(e, _)| e.id == a.execution_id))
    {
        return Ok((
            "waiting",
            format!(
                "waiting for {name} approval for {}",
                human(read.now.since(a.waiting_since))
            ),
        ));
    }
    if let Some((e, _)) = carried.iter().find(|(e, _)| e.status.is_active()) {
        // Held at a stage's entry (a queue, a frozen transition, the stage busy with an
        // earlier execution): it waits there, it is not shipping.
        let held = (env.data.state.iter().flat_map(|s| &s.stages)).find(|s| {
            (s.inbound_execution.iter().chain(&s.queued)).any(|q| q.pipeline_execution_id == e.id)
        });
        if let Some(stage) = held {
            return Ok((
                "waiting",
                format!(
                    "waiting to enter {} in {name} (execution {})",
                    stage.name,
                    short(&e.id)
                ),
            ));
        }
        return Ok((
            "shipping",
            format!(
                "shipping to {name} (execution {} {})",
                short(&e.id),
                e.status.as_str()
            ),
        ));
    }
    let by = deployed_release.as_ref().map_or_else(
        || "a later execution".to_string(),
        |r| r.version.to_string(),
    );
    if carried
        .iter()
        .any(|(e, _)| e.status == ExecutionStatus::Succeeded)
    {
        return Ok(("superseded", format!("superseded in {name} by {by}")));
    }
    if let Some((e, _)) = carried.first() {
        return Ok((
            "failed",
            format!(
                "{} in {name} (execution {})",
                e.status.as_str(),
                short(&e.id)
            ),
        ));
    }
    let newer = match (&deployed_release, read.version) {
        (Some(d), Some(v)) if d.version > *v => format!(" ({name} runs the newer {})", d.version),
        _ => String::new(),
    };
    // The listed history starts after the commit was made: an execution that carried it may
    // be older than the listing, so its absence says nothing (unknown, not "not yet").
    let oldest = env.data.executions.iter().map(|e| e.start).min();
    if let (Ok(commit), Some(oldest)) = (read.commit, oldest)
        && commit.date < oldest
    {
        return Ok((
            "unlisted",
            format!(
                "not in {name}'s listed executions (since {}; older ones not read){newer}",
                oldest.short()
            ),
        ));
    }
    Ok(("absent", format!("not yet in {name}{newer}")))
}

fn short(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

impl Trace {
    /// What to say when no package was seen: `none seen`, but only of the executions read
    /// (`none seen in the executions read (prd unknown)`), and `unknown` when none was read.
    pub fn no_packages(&self) -> Option<String> {
        if !self.packages.is_empty() {
            return None;
        }
        let unread: Vec<&str> = (self.environments.iter())
            .filter(|e| e.executions.is_none())
            .map(|e| e.name.as_str())
            .collect();
        Some(if unread.is_empty() {
            "none seen".into()
        } else if unread.len() == self.environments.len() {
            "unknown: no executions could be read".into()
        } else {
            format!(
                "none seen in the executions read ({} unknown)",
                unread.join(", ")
            )
        })
    }
}

/// The environments where the commit's place is unknown (their executions, or what they say,
/// could not be read).
fn unread(environments: &[EnvHop]) -> Vec<&str> {
    (environments.iter())
        .filter(|e| e.now.is_none())
        .map(|e| e.name.as_str())
        .collect()
}

/// `running in dev and stg; waiting for prd approval for 3h 12m`; the environments whose
/// executions are `unknown` are named, never counted as "in no environment".
fn summary(words: &[(&'static str, String)], unknown: &[&str]) -> String {
    let mut parts = Vec::new();
    let running: Vec<&str> = words
        .iter()
        .filter(|(k, _)| *k == "running")
        .map(|(_, w)| w.as_str())
        .collect();
    if !running.is_empty() {
        parts.push(format!("running in {}", and_list(&running)));
    }
    parts.extend(
        words
            .iter()
            .filter(|(k, _)| *k != "running")
            .map(|(_, w)| w.clone()),
    );
    match (parts.is_empty(), unknown) {
        (true, []) => "in no environment".into(),
        (false, []) => parts.join("; "),
        (true, unknown) => format!("unknown in {}", and_list(unknown)),
        (false, unknown) => format!("{}; unknown in {}", parts.join("; "), and_list(unknown)),
    }
}

fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_shas_and_versions_and_names_what_is_neither() {
        assert_eq!(
            Traced::parse("93A09F0"),
            Ok(Traced::Commit("93a09f0".into()))
        );
        assert_eq!(
            Traced::parse("v1.41.3"),
            Ok(Traced::Version(Version::new(1, 41, 3)))
        );
        let err = Traced::parse("main").unwrap_err();
        assert!(err.contains("`main` is neither"), "{err}");
        assert!(Traced::parse("1.x").unwrap_err().contains("`1.x`"));
        assert!(Traced::parse("abc12").is_err());
    }

    #[test]
    fn summary_groups_running_environments() {
        let words = vec![
            ("running", "dev".to_string()),
            ("running", "stg".to_string()),
            ("waiting", "waiting for prd approval for 3h 12m".to_string()),
        ];
        assert_eq!(
            summary(&words, &[]),
            "running in dev and stg; waiting for prd approval for 3h 12m"
        );
        assert_eq!(
            summary(&words[..1], &["prd"]),
            "running in dev; unknown in prd"
        );
    }

    /// No package seen is "none seen" only of the executions read.
    #[test]
    fn no_packages_says_which_executions_were_not_read() {
        let env = |name: &str, read: bool| EnvHop {
            name: name.into(),
            executions: read.then(Vec::new),
            now: None,
        };
        let trace = |environments| Trace {
            query: "abc1234".into(),
            commit: None,
            versions: Vec::new(),
            runs: None,
            deployer_image: None,
            packages: Vec::new(),
            environments,
            summary: String::new(),
            errors: Vec::new(),
        };
        let all = trace(vec![env("dev", true), env("prd", true)]);
        assert_eq!(all.no_packages().as_deref(), Some("none seen"));
        let some = trace(vec![env("dev", true), env("prd", false)]);
        assert_eq!(
            some.no_packages().as_deref(),
            Some("none seen in the executions read (prd unknown)")
        );
        let none = trace(vec![env("dev", false), env("prd", false)]);
        assert_eq!(
            none.no_packages().as_deref(),
            Some("unknown: no executions could be read")
        );
    }

    /// Environments that could not be read are unknown in the summary, not "in no environment".
    #[test]
    fn summary_names_the_environments_it_could_not_read() {
        assert_eq!(summary(&[], &[]), "in no environment");
        assert_eq!(summary(&[], &["dev", "prd"]), "unknown in dev and prd");
        assert_eq!(summary(&[], &["prd"]), "unknown in prd");
    }
}
