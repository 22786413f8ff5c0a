//! The people and automation around the pipelines: GitHub Actions releases (their workflow runs
//! are in `github/`), continuous deployment, the release manager's promotions, developers' dev builds and history approvers.

use super::Simulator;
use super::codepipeline::flow::SUMMARY_KEY;
use super::codepipeline::pipeline::{ACCOUNT, REGION};
use super::events::Ev;
use super::s3::buckets::Object;
use crate::cloud::{ApprovalAnswer, ApprovalOutcome};
use crate::domain::{Millis, Release, Timestamp, Trigger, Version};
use std::collections::BTreeMap;

const ACTORS: &[&str] = &["alice", "bob", "carol", "dmitri", "erin"];
const MANAGERS: &[&str] = &["carol", "dmitri"];
const MIN: Millis = Timestamp::MINUTE;
const HOUR: Millis = Timestamp::HOUR;

/// What the deployer automation remembers.
#[derive(Debug, Clone)]
pub(crate) struct Deployer {
    /// Published releases, oldest first.
    pub(crate) releases: Vec<Release>,
    /// The version of the next release.
    pub(crate) next: Version,
    /// Dev builds so far (the `N` of `-dev.N`).
    dev_builds: u32,
}

impl Default for Deployer {
    fn default() -> Deployer {
        Deployer {
            releases: Vec::new(),
            next: Version::new(1, 38, 0),
            dev_builds: 0,
        }
    }
}

/// Monday–Friday, 07:00–19:00 UTC.
pub(crate) fn working(t: Timestamp) -> bool {
    let days = t.millis().div_euclid(Timestamp::DAY);
    let weekday = (days + 3).rem_euclid(7); // 1970-01-01 was a Thursday; 0 = Monday
    let hour = t.millis().rem_euclid(Timestamp::DAY) / HOUR;
    weekday < 5 && (7..19).contains(&hour)
}

/// The first working instant at or after `t` (hour by hour, then the top of that hour).
fn next_working(t: Timestamp) -> Timestamp {
    if working(t) {
        return t;
    }
    let mut h = Timestamp(t.millis() - t.millis().rem_euclid(HOUR) + HOUR);
    for _ in 0..24 * 8 {
        if working(h) {
            return h;
        }
        h = h + HOUR;
    }
    t
}

fn role_arn(role: &str, who: &str) -> String {
    format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{who}")
}

impl Simulator {
    /// Schedules the first automation events, plus the ones that leave the demo in motion at start.
    pub(crate) fn init_deployer(&mut self, t0: Timestamp) {
        let first = next_working(t0 + self.rng.range(0, 2 * HOUR));
        self.agenda.push(first, Ev::Publish { forced: false });
        let dev_at = next_working(t0 + self.rng.range(6 * HOUR, 30 * HOUR));
        self.agenda.push(dev_at, Ev::DevBuild);
        let start = self.cfg.start;
        for env in 0..self.envs.len() {
            if self.envs[env].spec.protected {
                let at = next_working(t0 + self.rng.range(20 * HOUR, 30 * HOUR));
                self.agenda.push(at, Ev::Promote { env, forced: false });
                if start.since(t0) > 3 * HOUR {
                    self.agenda
                        .push(start - 45 * MIN, Ev::Promote { env, forced: true });
                }
            }
        }
        if start.since(t0) > 3 * HOUR {
            // A release early in the morning reaches stg before the release manager looks at it,
            // and another one is still deploying to the first environment at start (Deploy lasts 3+ min).
            self.agenda
                .push(start - 100 * MIN, Ev::Publish { forced: true });
            self.agenda.push(
                start - 150 * Timestamp::SECOND,
                Ev::Publish { forced: true },
            );
        }
    }

    fn first_env(&self) -> Option<usize> {
        self.envs
            .iter()
            .position(|e| e.spec.promotes_from.is_none())
    }

    /// GitHub Actions publishes a release and ships it to the first environment.
    pub(crate) fn publish(&mut self, forced: bool) {
        if !forced {
            let gap = if self.rng.chance(0.15) {
                self.rng.range(2 * MIN, 6 * MIN)
            } else {
                self.rng.range(90 * MIN, 270 * MIN)
            };
            let mut at = self.now + gap;
            if !working(at) {
                at = next_working(at) + self.rng.range(0, 60 * MIN);
            }
            self.agenda.push(at, Ev::Publish { forced: false });
        }
        let Some(env) = self.first_env() else { return };
        let version = self.next_version();
        let actor = self.rng.pick(ACTORS).copied().unwrap_or("alice");
        let release = Release {
            version,
            commit: self.rng.hex(40),
            actor: actor.into(),
        };
        self.upload_release(env, &release);
        // The deploy run of the release's commit is what uploaded it.
        self.github_published(&release);
    }

    /// The version of the release being made; the next one is a patch (or, one time in five,
    /// a minor) above it.
    pub(crate) fn next_version(&mut self) -> Version {
        let version = self.deployer.next.clone();
        self.deployer.next = if self.rng.chance(0.2) {
            Version::new(version.major, version.minor + 1, 0)
        } else {
            Version::new(version.major, version.minor, version.patch + 1)
        };
        version
    }

    /// Writes the release package under the release prefix and ships it to `env`.
    fn upload_release(&mut self, env: usize, release: &Release) {
        let spec = &self.envs[env].spec;
        let key = format!("{}{}/release.zip", spec.release_prefix, release.version);
        let bucket = spec.source_bucket.clone();
        let object = self.package(release);
        self.buckets.put(&bucket, &key, object);
        self.deployer.releases.push(release.clone());
        let trigger = self.event_trigger(env);
        self.ship(env, release, trigger);
    }

    /// A deploy run started by an operator succeeded: its commit becomes the next release.
    pub(crate) fn publish_commit(&mut self, commit: String, actor: &str) {
        let Some(env) = self.first_env() else { return };
        let version = self.next_version();
        let release = Release {
            version,
            commit,
            actor: actor.into(),
        };
        self.upload_release(env, &release);
    }

    /// A release run started by an operator succeeded: it ships release `version` to `env`,
    /// starting its pipeline as GitHub Actions; `package` is the release the run packaged from
    /// its commit (written under the release prefix first).
    pub(crate) fn ship_version(
        &mut self,
        env: usize,
        version: &str,
        package: Option<&Release>,
        actor: &str,
    ) {
        if let Some(release) = package {
            let spec = &self.envs[env].spec;
            let key = format!("{}{}/release.zip", spec.release_prefix, release.version);
            let bucket = spec.source_bucket.clone();
            let object = self.package(release);
            self.buckets.put(&bucket, &key, object);
            self.deployer.releases.push(release.clone());
        }
        let release = self
            .deployer
            .releases
            .iter()
            .rev()
            .find(|r| r.version.to_string() == version)
            .cloned();
        let Some(release) = release else { return };
        let trigger = Trigger {
            kind: "StartPipelineExecution".into(),
            detail: role_arn("GitHubActions", actor),
        };
        self.ship(env, &release, trigger);
    }

    pub(crate) fn event_trigger(&self, env: usize) -> Trigger {
        let rule = format!(
            "arn:aws:events:{REGION}:{ACCOUNT}:rule/{}-source-changed",
            self.envs[env].spec.pipeline
        );
        Trigger {
            kind: "CloudWatchEvent".into(),
            detail: rule,
        }
    }

    fn package(&self, release: &Release) -> Object {
        let manifest = format!(
            "{{\"version\":\"{}\",\"commit\":\"{}\",\"actor\":\"{}\",\"files\":[\"index.html\",\"assets/\",\"deploy.sh\",\"smoke-test.sh\"]}}",
            release.version, release.commit, release.actor
        );
        let mut body = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
        body.extend_from_slice(manifest.as_bytes());
        let metadata: BTreeMap<String, String> = [
            (SUMMARY_KEY.to_string(), release.summary()),
            ("version".into(), release.version.to_string()),
            ("commit".into(), release.commit.clone()),
            ("actor".into(), release.actor.clone()),
        ]
        .into_iter()
        .collect();
        Object::new(body, self.now, metadata)
    }

    /// Copies the package to the environment's source key (a new object version) and starts its pipeline.
    fn ship(&mut self, env: usize, release: &Release, trigger: Trigger) {
        let object = self.package(release);
        let spec = &self.envs[env].spec;
        let (bucket, key) = (spec.source_bucket.clone(), spec.source_key.clone());
        self.buckets.put(&bucket, &key, object);
        // A start by a person or a workflow names the release in the pipeline's variables; a
        // start by the source event cannot pass any.
        let variables: BTreeMap<String, String> = if trigger.kind == "StartPipelineExecution" {
            [
                ("release_version".to_string(), release.version.to_string()),
                ("commit".to_string(), release.commit.clone()),
            ]
            .into_iter()
            .collect()
        } else {
            BTreeMap::new()
        };
        self.begin_execution(env, trigger, None, &variables);
    }

    /// Continuous deployment: a release that succeeded in `env` moves to the unprotected
    /// environments that promote from it.
    pub(crate) fn on_succeeded(&mut self, env: usize, exec: usize) {
        let Some(release) = self.envs[env].execs[exec].release.clone() else {
            return;
        };
        if release.version.pre.is_some() {
            return;
        }
        let name = self.envs[env].spec.name.clone();
        for target in 0..self.envs.len() {
            let spec = &self.envs[target].spec;
            if spec.promotes_from.as_deref() == Some(name.as_str()) && !spec.protected {
                let trigger = self.event_trigger(target);
                self.ship(target, &release, trigger);
            }
        }
    }

    /// The release manager promotes the newest release deployed upstream, if it is new here.
    pub(crate) fn promote(&mut self, env: usize, forced: bool) {
        if !forced {
            let at = next_working(self.now + self.rng.range(8 * HOUR, 22 * HOUR))
                + self.rng.range(0, 3 * HOUR);
            self.agenda.push(at, Ev::Promote { env, forced: false });
        }
        let from = self.envs[env].spec.promotes_from.clone();
        let Some(src) = from.and_then(|f| self.envs.iter().position(|e| e.spec.name == f)) else {
            return;
        };
        let Some(release) = self.envs[src].newest_succeeded() else {
            return;
        };
        if self.envs[env]
            .newest_sent()
            .is_some_and(|sent| sent.version >= release.version)
        {
            return;
        }
        let who = self.rng.pick(MANAGERS).copied().unwrap_or("carol");
        let trigger = Trigger {
            kind: "StartPipelineExecution".into(),
            detail: role_arn("ReleaseManager", who),
        };
        self.ship(env, &release, trigger);
        // The release manager ships through the release workflow.
        self.github_released(env, &release, who);
    }

    /// A developer builds locally and deploys a `-dev.N` build to the first environment with `make`.
    pub(crate) fn dev_build(&mut self) {
        let at = next_working(self.now + self.rng.range(10 * HOUR, 40 * HOUR))
            + self.rng.range(0, 4 * HOUR);
        self.agenda.push(at, Ev::DevBuild);
        let Some(env) = self.first_env() else { return };
        self.deployer.dev_builds += 1;
        let mut version = self.deployer.next.clone();
        version.pre = Some(format!("dev.{}", self.deployer.dev_builds));
        let who = self.rng.pick(ACTORS).copied().unwrap_or("bob");
        let release = Release {
            version,
            commit: self.rng.hex(40),
            actor: who.into(),
        };
        let trigger = Trigger {
            kind: "StartPipelineExecution".into(),
            detail: role_arn("Developer", who),
        };
        self.ship(env, &release, trigger);
    }

    /// Before the demo starts, approvals are answered by the release managers; afterwards they
    /// wait for the operator.
    pub(crate) fn on_approval_waiting(&mut self, env: usize, stage: usize, token: String) {
        let start = self.cfg.start;
        let delay = self.rng.range(5 * MIN, 3 * HOUR);
        let roll = self.rng.f64();
        if self.now >= start - 2 * HOUR || self.now + delay >= start || roll >= 0.94 {
            return;
        }
        let actor = self
            .rng
            .pick(MANAGERS)
            .copied()
            .unwrap_or("carol")
            .to_string();
        let ev = Ev::Answer {
            env,
            stage,
            token,
            approve: roll < 0.88,
            actor,
        };
        self.agenda.push(self.now + delay, ev);
    }

    /// A simulated approver answers (errors — superseded, expired — are ignored, as a person would).
    pub(crate) fn answer(
        &mut self,
        env: usize,
        stage: usize,
        token: &str,
        approve: bool,
        actor: &str,
    ) {
        let e = &self.envs[env];
        let (Some(sdef), Some(adef)) = (e.def.stages.get(stage), e.action_def(stage)) else {
            return;
        };
        let answer = ApprovalAnswer {
            pipeline: e.spec.pipeline.clone(),
            stage: sdef.name.clone(),
            action: adef.name.clone(),
            token: token.to_string(),
            outcome: if approve {
                ApprovalOutcome::Approved
            } else {
                ApprovalOutcome::Rejected
            },
            summary: if approve {
                "Release notes and stg dashboards look good.".into()
            } else {
                "Holding: error rate on stg is up since this release.".into()
            },
        };
        let _ = self.op_put_approval(&answer, &role_arn("ReleaseManager", actor));
    }
}

impl Simulator {
    /// A release manager (`who`) answers the approval waiting in environment `env` now, as
    /// someone other than the operator would; `false` when none waits there.
    pub fn answer_as(&mut self, env: &str, approve: bool, who: &str) -> bool {
        let Some(a) = self
            .pending_approvals()
            .into_iter()
            .find(|a| a.environment == env)
        else {
            return false;
        };
        let answer = ApprovalAnswer {
            pipeline: a.pipeline,
            stage: a.stage,
            action: a.action,
            token: a.token.unwrap_or_default(),
            outcome: if approve {
                ApprovalOutcome::Approved
            } else {
                ApprovalOutcome::Rejected
            },
            summary: format!("answered by {who}"),
        };
        self.op_put_approval(&answer, &role_arn("ReleaseManager", who))
            .is_ok()
    }
}
