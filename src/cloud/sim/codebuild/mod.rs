//! CodeBuild in the simulator: each environment's Deploy project (the `ProjectName` of its
//! pipeline's Deploy action) runs the newest deployer image, but in one environment (the first
//! unprotected one promoted from another: `stg` in the demo) it lags one image behind, so that
//! the stale-deployer warning shows.

use super::Simulator;
use super::ecr::image_uri;
use crate::cloud::{BuildProject, BuildProjects, CloudResult};

impl Simulator {
    /// The environment whose Deploy project lags one image behind.
    fn lagging_env(&self) -> Option<usize> {
        self.envs
            .iter()
            .position(|e| e.spec.promotes_from.is_some() && !e.spec.protected)
    }

    /// Each environment's Deploy project: the `ProjectName` of its pipeline's Deploy action.
    fn deploy_project(&self, env: usize) -> Option<String> {
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
                    image: image_uri(&tag),
                }),
                None => out.not_found.push(name.clone()),
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::cloud::sim::{DEPLOYER_REPOSITORY, SimConfig, Simulator, demo_specs};
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
            let images = sim.op_describe_images(DEPLOYER_REPOSITORY).unwrap();
            let found = sim.op_batch_get_projects(&projects).unwrap().found;
            found
                .iter()
                .map(|p| check_deployer(&p.image, DEPLOYER_REPOSITORY, &images))
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
}
