//! CodeBuild in the simulator: each environment's Deploy project (the `ProjectName` of its
//! pipeline's Deploy action) runs the newest deployer image, but in one environment (the first
//! unprotected one promoted from another: `stg` in the demo) it lags one image behind, so that
//! the stale-deployer warning shows. The builds the pipelines' CodeBuild actions started answer
//! `BatchGetBuilds` from their action runs and the log lines the simulator wrote for them.

use super::Simulator;
use super::codepipeline::pipeline::REGION;
use crate::cloud::{BuildProject, BuildProjects, BuildRun, BuildRuns, CloudResult, FailedPhase};
use crate::domain::ActionStatus;

impl Simulator {
    /// The environment whose Deploy project lags one image behind.
    fn lagging_env(&self) -> Option<usize> {
        self.envs
            .iter()
            .position(|e| e.spec.promotes_from.is_some() && !e.spec.protected)
    }

    /// Each environment's Deploy project: the `ProjectName` of its pipeline's Deploy action.
    pub(crate) fn deploy_project(&self, env: usize) -> Option<String> {
        self.envs[env]
            .def
            .stages
            .iter()
            .filter(|s| s.name == "Deploy")
            .flat_map(|s| s.actions.iter())
            .find(|a| a.provider == "CodeBuild")
            .and_then(|a| a.configuration.get("ProjectName").cloned())
    }

    /// `BatchGetProjects`: the Deploy projects run the newest image (tag), the lagging one the
    /// image before it; names no environment deploys with are not found.
    pub(crate) fn op_batch_get_projects(&self, names: &[String]) -> CloudResult<BuildProjects> {
        let images = self.deployer_images();
        let tag_at = |back: usize| {
            images
                .len()
                .checked_sub(1 + back)
                .and_then(|i| images[i].tags.first().cloned())
        };
        let mut out = BuildProjects::default();
        for name in names {
            let env = (0..self.envs.len()).find(|&e| self.deploy_project(e).as_ref() == Some(name));
            let tag = env.and_then(|e| tag_at(usize::from(Some(e) == self.lagging_env())));
            match tag {
                Some(tag) => out.found.push(BuildProject {
                    name: name.clone(),
                    image: self.image_uri(&tag),
                }),
                None => out.not_found.push(name.clone()),
            }
        }
        Ok(out)
    }

    /// Where `env`'s CodeBuild projects log: the group the configuration names, else its
    /// CodeBuild group (the projects' own logs configuration), else none (logs off).
    pub(crate) fn build_log_group(&self, env: usize) -> Option<String> {
        let spec = &self.envs[env].spec;
        spec.build_log_group.clone().or_else(|| {
            spec.log_groups
                .iter()
                .find(|g| g.contains("codebuild"))
                .cloned()
        })
    }

    /// `BatchGetBuilds`: each id a CodeBuild action started (`project:uuid`), as its action run
    /// and its log say it is now (the phase it entered last, the phase that failed and why);
    /// the others not found.
    pub(crate) fn op_batch_get_builds(&self, ids: &[String]) -> BuildRuns {
        let mut out = BuildRuns::default();
        for id in ids {
            let found = self.envs.iter().enumerate().find_map(|(env, e)| {
                e.details
                    .iter()
                    .find(|d| d.external_execution_id.as_deref() == Some(id.as_str()))
                    .map(|d| (env, d))
            });
            let Some((env, d)) = found.filter(|(_, d)| d.start <= self.now) else {
                out.not_found.push(id.clone());
                continue;
            };
            let stream = id.split_once(':').map_or("", |(_, uuid)| uuid);
            let group = self.build_log_group(env);
            let account = self.cfg.account(&self.envs[env].spec.name);
            let lines = group
                .as_deref()
                .map(|g| self.logs.stream_messages((account, g), stream, self.now))
                .unwrap_or_default();
            let running = d.status == ActionStatus::InProgress;
            let status = match d.status {
                ActionStatus::InProgress => "IN_PROGRESS",
                ActionStatus::Succeeded => "SUCCEEDED",
                ActionStatus::Failed => "FAILED",
                _ => "STOPPED",
            };
            out.found.push(BuildRun {
                id: id.clone(),
                status: status.into(),
                current_phase: if running {
                    current_phase(&lines)
                } else {
                    Some("COMPLETED".into())
                },
                failed_phase: failed_phase(&lines),
                start: Some(d.start),
                end: (!running).then_some(d.last_update),
                log_link: group.as_ref().map(|g| {
                    format!(
                        "https://console.aws.amazon.com/cloudwatch/home?region={REGION}\
                         #logEvent:group={g};stream={stream}"
                    )
                }),
                log_stream: group.as_ref().map(|_| stream.to_string()),
                log_group: group,
            });
        }
        out
    }
}

/// The phase a running build's log entered last (`Phase is DOWNLOAD_SOURCE`, `Entering phase
/// BUILD`).
fn current_phase(lines: &[&str]) -> Option<String> {
    lines.iter().rev().find_map(|l| {
        let (_, rest) = l
            .split_once("Entering phase ")
            .or_else(|| l.split_once("Phase is "))?;
        Some(rest.trim().to_string())
    })
}

/// The phase a build's log says failed (`Phase complete: BUILD State: FAILED`) and the context
/// that follows it (`Phase context status code: CODE Message: TEXT`).
fn failed_phase(lines: &[&str]) -> Option<FailedPhase> {
    let at = lines
        .iter()
        .position(|l| l.contains("Phase complete: ") && !l.ends_with("State: SUCCEEDED"))?;
    let (_, rest) = lines[at].split_once("Phase complete: ")?;
    let (phase, status) = rest.split_once(" State: ")?;
    let message = lines
        .get(at + 1)
        .and_then(|l| l.split_once("Phase context status code: "))
        .map(|(_, c)| match c.split_once(" Message: ") {
            Some((code, text)) => format!("{}: {}", code.trim(), text.trim()),
            None => c.trim().to_string(),
        })
        .unwrap_or_default();
    Some(FailedPhase {
        phase: phase.trim().to_string(),
        status: status.trim().to_string(),
        message,
    })
}

#[cfg(test)]
mod tests {
    use crate::cloud::sim::{SimConfig, Simulator, demo_specs};
    use crate::domain::{DeployerCheck, Timestamp, check_deployer};

    /// The demo's deployer: the images are the ones the deploy runs pushed (each tagged with the
    /// run's version, after its push step ended), dev and prd run the newest, stg the one before
    /// (the stale warning), and a push made later moves them along.
    #[test]
    fn deploy_runs_push_images_and_stg_lags_one_behind() {
        let mut sim = Simulator::new(SimConfig::default(), &demo_specs());
        let projects: Vec<String> = (0..3).filter_map(|e| sim.deploy_project(e)).collect();
        assert_eq!(projects[1], "storefront-deployer-stg-deploy");
        let judge = |sim: &Simulator| -> Vec<DeployerCheck> {
            let repository = sim.deployer_repository();
            assert_eq!(repository, "storefront-deployer");
            let images = sim.op_describe_images(&repository).unwrap();
            let found = sim.op_batch_get_projects(&projects).unwrap().found;
            found
                .iter()
                .map(|p| check_deployer(&p.image, &repository, &images))
                .collect()
        };
        let checks = judge(&sim);
        assert!(
            matches!(checks[0], DeployerCheck::Current { .. }),
            "{checks:?}"
        );
        assert!(checks[1].is_stale(), "{checks:?}");
        assert!(
            matches!(checks[2], DeployerCheck::Current { .. }),
            "{checks:?}"
        );
        let before = sim.deployer_images();
        assert!(before.iter().all(|i| i.pushed_at <= sim.now()));
        let mut later = sim.now();
        for _ in 0..14 {
            later = later + Timestamp::DAY;
            sim.advance_to(later);
            if sim.deployer_images().len() > before.len() {
                break;
            }
        }
        let after = sim.deployer_images();
        assert!(
            after.len() > before.len(),
            "a deploy run pushed an image within two weeks"
        );
        let newest = after.last().unwrap();
        assert!(
            sim.github
                .runs
                .iter()
                .any(|r| r.image_changed && newest.tags == [r.version.clone()]),
            "the newest image is tagged with the version of the run that pushed it"
        );
        let checks = judge(&sim);
        assert!(checks[1].is_stale() && !checks[0].is_stale(), "{checks:?}");
    }

    /// `BatchGetBuilds` answers each build a Deploy action started as its action run and log
    /// say it is: in progress in the phase its log entered last, then `COMPLETED` and ended;
    /// an id no action started is not found.
    #[test]
    fn batch_get_builds_follows_the_action_run_and_its_log() {
        use crate::cloud::StartRequest;
        let config = SimConfig {
            history_days: 0,
            traffic_scale: 0.01,
            ..SimConfig::default()
        };
        let mut sim = Simulator::new(config, &demo_specs());
        sim.op_start(
            "storefront-deployer-dev",
            &StartRequest::default(),
            "arn:aws:iam::123456789012:user/t",
        )
        .unwrap_or_default();
        let mut build = None;
        for _ in 0..60 {
            sim.advance(10_000);
            build = sim.envs[0]
                .details
                .iter()
                .rev()
                .find(|d| d.stage == "Deploy")
                .and_then(|d| d.external_execution_id.clone());
            if build.is_some() {
                break;
            }
        }
        let id = build.expect("the Deploy action started a build");
        sim.advance(90_000);
        let missing = "storefront-deployer-dev-deploy:no-such-build".to_string();
        let read = sim.op_batch_get_builds(&[id.clone(), missing.clone()]);
        assert_eq!(read.not_found, vec![missing]);
        let b = &read.found[0];
        assert_eq!(b.status, "IN_PROGRESS");
        assert_eq!(b.current_phase.as_deref(), Some("BUILD"), "{b:?}");
        assert_eq!(b.end, None);
        assert_eq!(
            b.log_group.as_deref(),
            Some("/aws/codebuild/storefront-deploy-dev")
        );
        assert_eq!(b.log_stream.as_deref(), id.split_once(':').map(|p| p.1));
        sim.advance(10 * Timestamp::MINUTE);
        let b = &sim.op_batch_get_builds(std::slice::from_ref(&id)).found[0];
        assert_ne!(b.status, "IN_PROGRESS");
        assert_eq!(b.current_phase.as_deref(), Some("COMPLETED"));
        assert!(b.end.is_some());
        assert_eq!(b.status == "FAILED", b.failed_phase.is_some(), "{b:?}");
    }

    /// A failed build's log names the phase that failed and why, as `phases[].contexts` does.
    #[test]
    fn a_failed_builds_log_reads_as_its_failed_phase() {
        use crate::cloud::sim::codepipeline::pipeline::Outcome;
        let mut sim = Simulator::new(SimConfig::default(), &demo_specs());
        let group = "/aws/codebuild/storefront-deploy-dev";
        let start = sim.now;
        let fail = Outcome::Fail(crate::domain::ErrorDetails {
            code: "JobFailed".into(),
            message: "Build failed".into(),
        });
        sim.write_build_logs(
            0,
            group,
            "b-1",
            (start, start + 300_000),
            false,
            &fail,
            None,
        );
        let lines =
            sim.logs
                .stream_messages((crate::cloud::sim::ACCOUNT, group), "b-1", start + 300_000);
        let failed = super::failed_phase(&lines).expect("a failed phase");
        assert_eq!(
            (failed.phase.as_str(), failed.status.as_str()),
            ("BUILD", "FAILED")
        );
        assert_eq!(
            failed.message,
            "COMMAND_EXECUTION_ERROR: Error while executing command: ./deploy.sh. Reason: exit \
             status 2"
        );
        let early =
            sim.logs
                .stream_messages((crate::cloud::sim::ACCOUNT, group), "b-1", start + 1_000);
        assert_eq!(
            super::failed_phase(&early),
            None,
            "not failed before it did"
        );
    }
}
