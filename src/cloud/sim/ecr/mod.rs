//! ECR in the simulator: the deployer image's repository, whose images are the ones the GitHub
//! deploy runs pushed when the deployer changed, plus two pushed before the history begins.

use super::Simulator;
use super::codepipeline::pipeline::{ACCOUNT, REGION};
use super::github::Workflow;
use crate::cloud::{CloudError, CloudResult};
use crate::domain::github::Conclusion;
use crate::domain::{EcrImage, Millis, Timestamp};
use sha2::{Digest, Sha256};

/// The images pushed before the simulated history begins: (tag, days before it).
const EARLY: &[(&str, i64)] = &[("1.36.0", 30), ("1.37.0", 9)];

/// The deployer's name in a world of these environments: their source bucket's without
/// `-source` (`storefront-deployer-source` → `storefront-deployer`), else the first pipeline's
/// without its environment's name. It names the deployer image's ECR repository.
pub fn deployer_name(envs: &[crate::domain::EnvSpec]) -> String {
    let Some(first) = envs.first() else {
        return "deployer".into();
    };
    (first.source_bucket.strip_suffix("-source"))
        .or_else(|| first.pipeline.strip_suffix(&format!("-{}", first.name)))
        .unwrap_or(&first.pipeline)
        .to_string()
}

fn digest(repository: &str, tag: &str, sha: &str) -> String {
    let hash = Sha256::digest(format!("{repository}:{tag}:{sha}").as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

impl Simulator {
    /// The deployer image's ECR repository in this world ([`deployer_name`]).
    pub fn deployer_repository(&self) -> String {
        deployer_name(&self.specs())
    }

    /// The system's app in this world: the deployer's name without `-deployer`
    /// (`storefront`); it names the web buckets and the viewer functions.
    pub(crate) fn app_name(&self) -> String {
        let deployer = self.deployer_repository();
        (deployer.strip_suffix("-deployer").unwrap_or(&deployer)).to_string()
    }

    /// `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` of the deployer image.
    pub(crate) fn image_uri(&self, tag: &str) -> String {
        let repository = self.deployer_repository();
        format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repository}:{tag}")
    }

    /// The history's start.
    fn history_start(&self) -> Timestamp {
        self.cfg.start - Millis::from(self.cfg.history_days) * Timestamp::DAY
    }

    /// The deployer images pushed so far, oldest first: the early ones, then each deploy run's
    /// successful `Push to ECR` step that has ended by now (a cancelled run pushed nothing after
    /// its cancel), tagged with the run's version.
    pub(crate) fn deployer_images(&self) -> Vec<EcrImage> {
        let t0 = self.history_start();
        let repository = self.deployer_repository();
        let digest = |tag: &str, sha: &str| digest(&repository, tag, sha);
        let mut images: Vec<EcrImage> = EARLY
            .iter()
            .map(|(tag, days)| EcrImage {
                tags: vec![tag.to_string()],
                digest: digest(tag, "early"),
                pushed_at: t0 - days * Timestamp::DAY,
            })
            .collect();
        for run in &self.github.runs {
            if run.workflow != Workflow::Deploy || !run.image_changed {
                continue;
            }
            let push = run
                .attempt()
                .jobs
                .iter()
                .filter(|j| j.name == "deployer-image")
                .flat_map(|j| j.steps.iter())
                .find(|s| s.name == "Push to ECR" && s.conclusion == Conclusion::Success);
            let Some(push) = push else { continue };
            if push.end > self.now || run.cancelled.is_some_and(|c| c < push.end) {
                continue;
            }
            // A tag is moved by a later push of the same version (a re-run).
            images
                .iter_mut()
                .for_each(|i| i.tags.retain(|t| *t != run.version));
            images.push(EcrImage {
                tags: vec![run.version.clone()],
                digest: digest(&run.version, &run.sha),
                pushed_at: push.end,
            });
        }
        images.sort_by_key(|i| i.pushed_at);
        images
    }

    /// `DescribeImages`.
    pub(crate) fn op_describe_images(&self, repository: &str) -> CloudResult<Vec<EcrImage>> {
        if repository != self.deployer_repository() {
            return Err(CloudError::NotFound {
                kind: "repository".into(),
                name: repository.into(),
            });
        }
        Ok(self.deployer_images())
    }
}

#[cfg(test)]
mod tests {
    use crate::cloud::sim::{SimConfig, Simulator};
    use crate::config::{Config, DEMO_BACKOFFICE};
    use crate::domain::Timestamp;

    /// The demo's backoffice world names its own deployer repository, viewer functions and web
    /// buckets, not storefront's.
    #[test]
    fn a_world_names_its_deployer_viewer_functions_and_web_buckets_after_its_own_system() {
        let config = Config::from_str(DEMO_BACKOFFICE, None).unwrap();
        let sim = Simulator::new(SimConfig::default(), &config.environments);
        assert_eq!(sim.deployer_repository(), "backoffice-deployer");
        assert!(sim.op_describe_images("storefront-deployer").is_err());
        assert!(
            !sim.op_describe_images("backoffice-deployer")
                .unwrap()
                .is_empty()
        );
        let projects: Vec<String> = (0..2).filter_map(|e| sim.deploy_project(e)).collect();
        for p in sim.op_batch_get_projects(&projects).unwrap().found {
            assert!(p.image.contains("/backoffice-deployer:"), "{}", p.image);
        }
        let functions: Vec<Option<&str>> = (sim.dists.iter())
            .map(|d| d.dist.viewer_function.as_deref())
            .collect();
        assert_eq!(
            functions,
            [
                Some("backoffice-uat-viewer-request"),
                Some("backoffice-live-viewer-request")
            ]
        );
        let group = "/aws/codebuild/backoffice-deploy-uat";
        let uploads: Vec<&str> = (sim.logs)
            .events_in(
                (crate::cloud::sim::ACCOUNT, group),
                (Timestamp(0), sim.now()),
                sim.now(),
            )
            .map(|e| e.message.as_str())
            .filter(|m| m.contains("Uploading"))
            .collect();
        assert!(!uploads.is_empty());
        assert!(
            uploads
                .iter()
                .all(|m| m.contains("s3://backoffice-web-uat")),
            "{uploads:?}"
        );
    }
}
