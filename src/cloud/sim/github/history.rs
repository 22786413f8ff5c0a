//! GitHub's part in the simulated history: the pushes to `main` and their deploy runs (the one
//! that uploads each release, and the failed or cancelled ones between releases), and the
//! release runs that ship a release to a protected environment.

use super::workflows::{self, DEPLOY_FAILURES, RELEASE_FAILURES};
use super::{Attempt, Effect, SimCommit, SimRun, Workflow};
use crate::cloud::sim::Simulator;
use crate::domain::{Millis, Release, Timestamp};
use std::collections::BTreeMap;

const SECOND: Millis = Timestamp::SECOND;
const MIN: Millis = Timestamp::MINUTE;

/// What developers write in commit subjects.
const SUBJECTS: &[&str] = &[
    "Fix cart total rounding on mobile",
    "Add gift card field to checkout",
    "Bump vite from 5.4.10 to 5.4.11",
    "Lazy-load product images below the fold",
    "Show delivery estimate on product page",
    "Refactor price formatting into one helper",
    "Fix focus trap in the size guide dialog",
    "Cache the category tree for 5 minutes",
    "Translate the returns page to German",
    "Remove the old banner experiment",
    "Retry payment status polling on 502",
    "Tighten CSP for the review widget",
    "Update smoke test for the new header",
    "Deployer: pin the Node image to 20.18",
];

/// Who pushes.
const DEVELOPERS: &[&str] = &["alice", "bob", "carol", "dmitri", "erin"];

impl Simulator {
    /// Gives a planned run its id and number (in the order runs are created) and keeps it.
    pub(crate) fn github_register(&mut self, mut run: SimRun) -> u64 {
        run.id = self.github.run_id();
        run.number = self.github.number(run.workflow);
        let id = run.id;
        self.github.runs.push(run);
        id
    }

    fn push_commit(&mut self, sha: String, author: &str, date: Timestamp) {
        let message = self
            .github
            .rng
            .pick(SUBJECTS)
            .copied()
            .unwrap_or("Update storefront")
            .to_string();
        self.github.commits.push(SimCommit {
            sha,
            message,
            author: author.to_string(),
            date,
        });
    }

    /// Plans a deploy run of `sha` from `start`, failing in `fail` or cancelled at `cancel`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn plan_deploy(
        &mut self,
        sha: &str,
        actor: &str,
        event: &str,
        start: Timestamp,
        version: &str,
        fail: Option<(usize, usize)>,
    ) -> SimRun {
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
        let gh = &mut self.github;
        let image_changed = gh.rng.chance(0.15);
        let jobs =
            workflows::deploy_jobs(version, &bucket, &release_key, &source_key, image_changed);
        let planned = workflows::plan(&mut gh.rng, start, jobs, fail);
        let jobs = planned
            .into_iter()
            .map(|mut j| {
                j.id = gh.job_id();
                j
            })
            .collect();
        SimRun {
            id: 0,
            workflow: Workflow::Deploy,
            number: 0,
            sha: sha.to_string(),
            branch: "main".into(),
            event: event.into(),
            actor: actor.into(),
            created: start - gh.rng.range(3 * SECOND, 15 * SECOND),
            attempts: vec![Attempt {
                started: start,
                jobs,
                actor: actor.into(),
            }],
            cancelled: None,
            effect: Effect::Publish,
            inputs: BTreeMap::new(),
            version: version.to_string(),
            image_changed,
        }
    }

    /// A release was published at "now" by the deploy run of its commit: the pushes since the
    /// last release (their runs failed or were cancelled), then the release commit, whose run
    /// ends with the upload just made.
    pub(crate) fn github_published(&mut self, release: &Release) {
        let now = self.now;
        let version = release.version.to_string();
        let mut run =
            self.plan_deploy(&release.commit, &release.actor, "push", now, &version, None);
        run.effect = Effect::None;
        let length = run.attempt().end().since(run.attempt().started);
        let delta = -length;
        for a in &mut run.attempts {
            a.started = a.started + delta;
            workflows::shift(&mut a.jobs, delta);
        }
        run.created = run.created + delta;
        let pushed = run.created - self.github.rng.range(SECOND, 10 * SECOND);
        // The pushes in between, each with its own deploy run that did not get through.
        let since = self
            .github
            .last_push
            .unwrap_or(pushed - 6 * Timestamp::HOUR)
            .max(self.github.commits.last().map_or(Timestamp(0), |c| c.date));
        if pushed.since(since) > 4 * MIN {
            let n = self.github.rng.range(0, 3);
            let mut times: Vec<Timestamp> = (0..n)
                .map(|_| since + self.github.rng.range(MIN, pushed.since(since) - 2 * MIN))
                .collect();
            times.sort();
            for at in times {
                self.between_releases(at, &version);
            }
        }
        self.push_commit(release.commit.clone(), &release.actor, pushed);
        self.github_register(run);
        self.github.last_push = Some(now);
    }

    /// A push between releases whose deploy run failed (tests, lint, build) or was cancelled.
    fn between_releases(&mut self, at: Timestamp, version: &str) {
        let sha = self.github.rng.hex(40);
        let author = self
            .github
            .rng
            .pick(DEVELOPERS)
            .copied()
            .unwrap_or("alice")
            .to_string();
        self.push_commit(sha.clone(), &author, at);
        let cancel = self.github.rng.chance(0.25);
        let fail = if cancel {
            None
        } else {
            self.github.rng.pick(&DEPLOY_FAILURES[..4]).copied()
        };
        let start = at + self.github.rng.range(2 * SECOND, 10 * SECOND);
        let mut run = self.plan_deploy(&sha, &author, "push", start, version, fail);
        if cancel {
            let end = run.attempt().end();
            run.cancelled = Some(
                start
                    + self
                        .github
                        .rng
                        .range(20 * SECOND, end.since(start).max(21 * SECOND)),
            );
        }
        self.github_register(run);
    }

    /// A release manager's release run shipped `release` to `env` at "now": the run of the
    /// release's own commit (the workflow ships the release built from the commit it runs at).
    pub(crate) fn github_released(&mut self, env: usize, release: &Release, who: &str) {
        let now = self.now;
        let Some(commit) = self
            .github
            .commit_index(&release.commit, now)
            .or_else(|| self.github.commit_index("main", now))
        else {
            return;
        };
        let sha = self.github.commits[commit].sha.clone();
        let mut run = self.plan_release(
            env,
            &release.version.to_string(),
            &sha,
            who,
            now,
            None,
            false,
        );
        run.effect = Effect::None;
        let delta = -run.attempt().end().since(run.attempt().started);
        for a in &mut run.attempts {
            a.started = a.started + delta;
            workflows::shift(&mut a.jobs, delta);
        }
        run.created = run.created + delta;
        self.github_register(run);
    }

    /// Plans a release run shipping `version` to `env` from `start` (`package`: the run
    /// packages the release from its commit, which no deploy run has built yet).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn plan_release(
        &mut self,
        env: usize,
        version: &str,
        sha: &str,
        who: &str,
        start: Timestamp,
        fail: Option<(usize, usize)>,
        package: bool,
    ) -> SimRun {
        let spec = &self.envs[env].spec;
        let jobs = workflows::release_jobs(
            version,
            &spec.name,
            &spec.source_bucket,
            &spec.source_key,
            &spec.pipeline,
            package,
        );
        let inputs: BTreeMap<String, String> = [
            ("environment".to_string(), spec.name.clone()),
            ("version".to_string(), version.to_string()),
        ]
        .into_iter()
        .collect();
        let gh = &mut self.github;
        let planned = workflows::plan(&mut gh.rng, start, jobs, fail);
        let jobs = planned
            .into_iter()
            .map(|mut j| {
                j.id = gh.job_id();
                j
            })
            .collect();
        SimRun {
            id: 0,
            workflow: Workflow::Release,
            number: 0,
            sha: sha.to_string(),
            branch: "main".into(),
            event: "workflow_dispatch".into(),
            actor: who.into(),
            created: start - gh.rng.range(2 * SECOND, 8 * SECOND),
            attempts: vec![Attempt {
                started: start,
                jobs,
                actor: who.into(),
            }],
            cancelled: None,
            effect: Effect::Ship {
                env,
                version: version.to_string(),
                package: None,
            },
            inputs,
            version: version.to_string(),
            image_changed: false,
        }
    }

    /// At the start of the demo, the newest push's deploy run is still running (and will fail
    /// its tests): something moving on GitHub from the first look.
    pub(crate) fn github_at_start(&mut self) {
        let at = self.now - MIN;
        if self.github.commits.last().is_some_and(|c| c.date >= at) {
            return;
        }
        let sha = self.github.rng.hex(40);
        self.push_commit(sha.clone(), "erin", at);
        let version = self.deployer.next.to_string();
        let run = self.plan_deploy(
            &sha,
            "erin",
            "push",
            at + 4 * SECOND,
            &version,
            Some((0, 5)),
        );
        self.github_register(run);
        self.github.last_push = Some(at);
    }

    /// The failure a run started now will meet, if any (see `GitHubSim::failure_rate`).
    pub(crate) fn github_failure(&mut self, w: Workflow) -> Option<(usize, usize)> {
        let rate = self.github.failure_rate;
        if !self.github.rng.chance(rate) {
            return None;
        }
        let set = match w {
            Workflow::Deploy => &DEPLOY_FAILURES[..4],
            Workflow::Release => RELEASE_FAILURES,
        };
        self.github.rng.pick(set).copied()
    }
}
