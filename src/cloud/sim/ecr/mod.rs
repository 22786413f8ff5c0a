//! ECR in the simulator: the deployer image's repository, whose images are the ones the GitHub
//! deploy runs pushed when the deployer changed, plus two pushed before the history begins.

use super::Simulator;
use super::codepipeline::pipeline::{ACCOUNT, REGION};
use super::github::Workflow;
use crate::cloud::{CloudError, CloudResult};
use crate::domain::github::Conclusion;
use crate::domain::{EcrImage, Millis, Timestamp};
use sha2::{Digest, Sha256};

/// The deployer image's repository.
pub const DEPLOYER_REPOSITORY: &str = "storefront-deployer";

/// The images pushed before the simulated history begins: (tag, days before it).
const EARLY: &[(&str, i64)] = &[("1.36.0", 30), ("1.37.0", 9)];

/// `<account>.dkr.ecr.<region>.amazonaws.com/<repository>`.
pub fn image_uri(tag: &str) -> String {
    format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{DEPLOYER_REPOSITORY}:{tag}")
}

fn digest(tag: &str, sha: &str) -> String {
    let hash = Sha256::digest(format!("{DEPLOYER_REPOSITORY}:{tag}:{sha}").as_bytes());
    let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

impl Simulator {
    /// The history's start.
    fn history_start(&self) -> Timestamp {
        self.cfg.start - Millis::from(self.cfg.history_days) * Timestamp::DAY
    }

    /// The deployer images pushed so far, oldest first: the early ones, then each deploy run's
    /// successful `Push to ECR` step that has ended by now (a cancelled run pushed nothing after
    /// its cancel), tagged with the run's version.
    pub(crate) fn deployer_images(&self) -> Vec<EcrImage> {
        let t0 = self.history_start();
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
        if repository != DEPLOYER_REPOSITORY {
            return Err(CloudError::NotFound {
                kind: "repository".into(),
                name: repository.into(),
            });
        }
        Ok(self.deployer_images())
    }
}
