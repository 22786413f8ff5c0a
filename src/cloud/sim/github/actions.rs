//! What an operator can do to the simulated GitHub Actions — dispatch a workflow (its inputs
//! checked against the workflow file), re-run the failed jobs of a run, cancel a run — and
//! what a run started that way does to the AWS side when it ends.

use super::workflows::{self, DEPLOY_YML, RELEASE_YML};
use super::{Attempt, Effect, Workflow};
use crate::cloud::sim::Simulator;
use crate::cloud::sim::events::Ev;
use crate::cloud::{CloudError, CloudResult};
use crate::domain::Timestamp;
use crate::domain::github::{DispatchRequest, check_inputs, read_workflow};

const SECOND: i64 = Timestamp::SECOND;

fn unprocessable(message: String) -> CloudError {
    CloudError::Rejected {
        code: "HTTP 422".into(),
        message,
    }
}

fn run_not_found(id: u64, repo: &str) -> CloudError {
    CloudError::NotFound {
        kind: "workflow run".into(),
        name: format!("{id} in {repo}"),
    }
}

impl Simulator {
    /// The text of a workflow's file.
    pub(crate) fn github_workflow_text(&self, w: Workflow) -> &'static str {
        match w {
            Workflow::Deploy => DEPLOY_YML,
            Workflow::Release => RELEASE_YML,
        }
    }

    /// `workflow_dispatch` of `w` as `actor`; the run is queued and plays with the clock.
    pub(crate) fn op_gh_dispatch(
        &mut self,
        w: Workflow,
        req: &DispatchRequest,
        actor: &str,
    ) -> CloudResult<u64> {
        if req.git_ref != "main" && req.git_ref != "refs/heads/main" {
            return Err(CloudError::NotFound {
                kind: "branch or tag".into(),
                name: req.git_ref.clone(),
            });
        }
        let triggers =
            read_workflow(w.file(), self.github_workflow_text(w)).map_err(unprocessable)?;
        check_inputs(&triggers, req).map_err(unprocessable)?;
        let now = self.now;
        let head = self
            .github
            .commit_index("main", now)
            .map(|i| self.github.commits[i].sha.clone())
            .ok_or_else(|| CloudError::NotFound {
                kind: "branch or tag".into(),
                name: req.git_ref.clone(),
            })?;
        let start = now + self.github.rng.range(5 * SECOND, 20 * SECOND);
        let fail = self.github_failure(w);
        let mut run = match w {
            Workflow::Deploy => {
                let version = self.deployer.next.to_string();
                let mut run =
                    self.plan_deploy(&head, actor, "workflow_dispatch", start, &version, fail);
                run.effect = Effect::Publish;
                run
            }
            Workflow::Release => {
                let env_name = req
                    .inputs
                    .get("environment")
                    .cloned()
                    .unwrap_or_else(|| "prd".into());
                let env = self
                    .envs
                    .iter()
                    .position(|e| e.spec.name == env_name)
                    .ok_or_else(|| {
                        unprocessable(format!("release.yml: no environment `{env_name}`"))
                    })?;
                let chosen = req
                    .inputs
                    .get("version")
                    .filter(|v| !v.trim().is_empty())
                    .cloned();
                // A version never released fails the run's "Find release" step, as the
                // workflow's script would.
                let unknown = chosen.as_ref().is_some_and(|v| {
                    !self
                        .deployer
                        .releases
                        .iter()
                        .any(|r| r.version.to_string() == *v)
                });
                let fail = if unknown { Some((0, 3)) } else { fail };
                // No version asked for: the release of the commit the run is at — the one its
                // deploy run built, else one the run packages from it.
                let (version, package) = match chosen {
                    Some(v) => (v, None),
                    None => match self
                        .deployer
                        .releases
                        .iter()
                        .rev()
                        .find(|r| r.commit == head)
                    {
                        Some(own) => (own.version.to_string(), None),
                        None => {
                            let release = crate::domain::Release {
                                version: self.next_version(),
                                commit: head.clone(),
                                actor: actor.to_string(),
                            };
                            (release.version.to_string(), Some(release))
                        }
                    },
                };
                let mut run =
                    self.plan_release(env, &version, &head, actor, start, fail, package.is_some());
                run.effect = Effect::Ship {
                    env,
                    version,
                    package,
                };
                run
            }
        };
        run.inputs = req.inputs.clone();
        // GitHub creates the run at once; it waits queued for a runner.
        run.created = now;
        let end = run.attempt().end();
        let id = self.github_register(run);
        self.agenda.push(
            end,
            Ev::RunDone {
                run: id,
                attempt: 1,
            },
        );
        Ok(id)
    }

    /// Re-runs the failed jobs of a run as a new attempt (the jobs before the first failed one
    /// keep their results).
    pub(crate) fn op_gh_rerun(&mut self, id: u64, actor: &str, repo: &str) -> CloudResult<()> {
        self.gh_rerun(id, actor, repo, true)
    }

    /// Re-runs every job of a completed run as a new attempt.
    pub(crate) fn op_gh_rerun_all(&mut self, id: u64, actor: &str, repo: &str) -> CloudResult<()> {
        self.gh_rerun(id, actor, repo, false)
    }

    fn gh_rerun(&mut self, id: u64, actor: &str, repo: &str, failed_only: bool) -> CloudResult<()> {
        let now = self.now;
        let i = self
            .github
            .run_index(id)
            .ok_or_else(|| run_not_found(id, repo))?;
        let run = &self.github.runs[i];
        if run.created > now {
            return Err(run_not_found(id, repo));
        }
        if !failed_only && run.view(repo, now).status != crate::domain::github::RunStatus::Completed
        {
            return Err(CloudError::Rejected {
                code: "HTTP 403".into(),
                message: format!("re-run run {id}: it has not completed"),
            });
        }
        if failed_only && !run.failed_at(now) {
            let view = run.view(repo, now);
            let why = if view.conclusion.is_none() {
                "it has not completed".to_string()
            } else {
                format!(
                    "it did not fail (conclusion: {})",
                    view.conclusion.map(|c| c.to_string()).unwrap_or_default()
                )
            };
            return Err(CloudError::Rejected {
                code: "HTTP 403".into(),
                message: format!("re-run failed jobs of run {id}: {why}"),
            });
        }
        let first_failed = if failed_only {
            run.attempt()
                .jobs
                .iter()
                .position(|j| {
                    j.steps
                        .iter()
                        .any(|s| s.conclusion == crate::domain::github::Conclusion::Failure)
                })
                .unwrap_or(0)
        } else {
            0
        };
        let (w, version, image_changed) = (run.workflow, run.version.clone(), run.image_changed);
        let kept: Vec<_> = run.attempt().jobs[..first_failed].to_vec();
        let specs = match (w, &run.effect) {
            (Workflow::Deploy, _) => {
                let first = self
                    .envs
                    .iter()
                    .find(|e| e.spec.promotes_from.is_none())
                    .or(self.envs.first());
                let (bucket, release_key, source_key) = first.map_or_else(Default::default, |e| {
                    (
                        e.spec.source_bucket.clone(),
                        format!("{}{version}/release.zip", e.spec.release_prefix),
                        e.spec.source_key.clone(),
                    )
                });
                workflows::deploy_jobs(&version, &bucket, &release_key, &source_key, image_changed)
            }
            (Workflow::Release, effect) => {
                let (env, package) = match effect {
                    Effect::Ship { env, package, .. } => (*env, package.is_some()),
                    _ => (
                        self.envs.iter().position(|e| e.spec.protected).unwrap_or(0),
                        false,
                    ),
                };
                let spec = &self.envs[env].spec;
                workflows::release_jobs(
                    &version,
                    &spec.name,
                    &spec.source_bucket,
                    &spec.source_key,
                    &spec.pipeline,
                    package,
                )
            }
        };
        let start = now + self.github.rng.range(5 * SECOND, 20 * SECOND);
        let fail = self
            .github_failure(w)
            .filter(|(j, _)| *j >= first_failed)
            .map(|(j, s)| (j - first_failed, s));
        let rest: Vec<_> = specs.into_iter().skip(first_failed).collect();
        let mut jobs = kept;
        for mut j in workflows::plan(&mut self.github.rng, start, rest, fail) {
            j.id = self.github.job_id();
            jobs.push(j);
        }
        let attempt = Attempt {
            started: start,
            jobs,
            actor: actor.to_string(),
        };
        let end = attempt.end();
        let run = &mut self.github.runs[i];
        run.attempts.push(attempt);
        // A new attempt of a cancelled run runs again.
        run.cancelled = None;
        let n = run.attempts.len();
        self.agenda.push(
            end,
            Ev::RunDone {
                run: id,
                attempt: n,
            },
        );
        Ok(())
    }

    /// Cancels a queued or running run.
    pub(crate) fn op_gh_cancel(&mut self, id: u64, repo: &str) -> CloudResult<()> {
        let now = self.now;
        let i = self
            .github
            .run_index(id)
            .ok_or_else(|| run_not_found(id, repo))?;
        let run = &mut self.github.runs[i];
        if run.created > now {
            return Err(run_not_found(id, repo));
        }
        if run.cancelled.is_some() || run.attempt().end() <= now {
            return Err(CloudError::Rejected {
                code: "HTTP 409".into(),
                message: format!(
                    "cancel run {id}: Cannot cancel a workflow run that is completed."
                ),
            });
        }
        run.cancelled = Some(now);
        Ok(())
    }

    /// A run started by an operator (or re-run) ended: a successful one does its part on the
    /// AWS side — the deploy run publishes its commit, the release run ships its release.
    pub(crate) fn github_run_done(&mut self, id: u64, attempt: usize) {
        let now = self.now;
        let Some(i) = self.github.run_index(id) else {
            return;
        };
        let run = &self.github.runs[i];
        if run.attempts.len() != attempt || run.cancelled.is_some() || run.failed_at(now) {
            return;
        }
        let (sha, actor, effect) = (
            run.sha.clone(),
            run.attempt().actor.clone(),
            run.effect.clone(),
        );
        match effect {
            Effect::None => {}
            Effect::Publish => self.publish_commit(sha, &actor),
            Effect::Ship {
                env,
                version,
                package,
            } => self.ship_version(env, &version, package.as_ref(), &actor),
        }
    }
}
