//! Whether each environment's deployer is the newest image: its CodeBuild Deploy project (pinned
//! in the configuration, else the `ProjectName` of its pipeline's Deploy action) and the images of
//! the ECR repository that project's image names (or the pinned one), read through an effect when
//! a project is new and every 15 minutes; a failed read kept as unknown with its reason.

use crate::app::{Effect, RequestId, State};
use crate::domain::{
    DeployerCheck, EcrImage, ImageRef, Millis, PipelineDef, Timestamp, check_deployer,
    deploy_action,
};
use std::collections::BTreeMap;

/// How often the projects and images are read again (a push or a project change shows within
/// it): images are pushed a few times a week, so two calls every 15 minutes are enough.
pub const DEPLOYER_EVERY: Millis = 15 * 60_000;

/// What was read of the deployer image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deployers {
    /// The ECR repository, when the configuration pins it (`[deployer] repository`).
    pub repository: Option<String>,
    /// Deploy projects the configuration pins (`deploy_project`), by environment name.
    pub pinned: BTreeMap<String, String>,
    /// Per project: its image, or why it is not known.
    pub images: BTreeMap<String, Result<String, String>>,
    /// Per repository: its images, or why they are not known.
    pub repositories: BTreeMap<String, Result<Vec<EcrImage>, String>>,
    /// The read in flight.
    pub request: Option<RequestId>,
    /// When everything is read again.
    pub due: Option<Timestamp>,
}

/// The CodeBuild project of a pipeline's Deploy action (its `ProjectName`).
pub fn deploy_project(def: &PipelineDef) -> Option<String> {
    deploy_action(def).and_then(|(_, a)| a.configuration.get("ProjectName").cloned())
}

impl State {
    /// Environment `env`'s Deploy project: `Ok(None)` while its pipeline is not read yet; an
    /// error when it cannot be found.
    pub fn deploy_project(&self, env: usize) -> Result<Option<String>, DeployerCheck> {
        let Some(e) = self.envs.get(env) else {
            return Ok(None);
        };
        if let Some(p) = self.deployers.pinned.get(&e.spec.name) {
            return Ok(Some(p.clone()));
        }
        match (&e.def, &e.refresh.error) {
            (Some(def), _) => deploy_project(def).map(Some).ok_or_else(|| {
                DeployerCheck::NoProject(format!(
                    "pipeline {} has no CodeBuild Deploy action (set deploy_project)",
                    e.spec.pipeline
                ))
            }),
            (None, Some(stale)) => Err(DeployerCheck::Unknown(format!(
                "pipeline not read: {}",
                stale.error
            ))),
            (None, None) => Ok(None),
        }
    }

    /// Whether environment `env` runs the newest deployer image (`None`: not read yet).
    pub fn deployer(&self, env: usize) -> Option<DeployerCheck> {
        let project = match self.deploy_project(env) {
            Ok(Some(p)) => p,
            Ok(None) => return None,
            Err(check) => return Some(check),
        };
        let image = match self.deployers.images.get(&project)? {
            Ok(image) => image,
            Err(why) => return Some(DeployerCheck::Unknown(why.clone())),
        };
        let repository = match &self.deployers.repository {
            Some(r) => r.clone(),
            None => match ImageRef::parse(image) {
                Ok(r) => r.repository,
                Err(why) => {
                    return Some(DeployerCheck::Unknown(format!(
                        "project {project}'s image: {why}"
                    )));
                }
            },
        };
        let images = match self.deployers.repositories.get(&repository) {
            Some(Ok(images)) => images,
            Some(Err(why)) => {
                return Some(DeployerCheck::Unknown(format!(
                    "ECR repository {repository}: {why}"
                )));
            }
            // Not read yet, unless the image is not from ECR (then no read asks for it).
            None if ImageRef::parse(image).is_ok_and(|r| r.is_ecr()) => return None,
            None => &Vec::new(),
        };
        Some(check_deployer(image, &repository, images))
    }
}

/// Reads the projects and images when an environment's project has not been read, or when they
/// are due again.
pub(in crate::app) fn due(state: &mut State) -> Vec<Effect> {
    if state.deployers.request.is_some() || state.credentials.is_some() {
        return Vec::new();
    }
    let mut projects: Vec<String> = (0..state.envs.len())
        .filter_map(|i| state.deploy_project(i).ok().flatten())
        .collect();
    projects.sort();
    projects.dedup();
    let stale = state.deployers.due.is_some_and(|d| state.now >= d);
    let new = projects
        .iter()
        .any(|p| !state.deployers.images.contains_key(p));
    if projects.is_empty() || !(stale || new) {
        return Vec::new();
    }
    let request = state.take_request();
    state.deployers.request = Some(request);
    state.deployers.due = Some(state.now + DEPLOYER_EVERY);
    vec![Effect::ReadDeployers {
        request,
        projects,
        repository: state.deployers.repository.clone(),
    }]
}

/// The projects and images were read.
pub(in crate::app) fn loaded(
    state: &mut State,
    request: RequestId,
    projects: Vec<(String, Result<String, String>)>,
    repositories: Vec<(String, Result<Vec<EcrImage>, String>)>,
) -> Vec<Effect> {
    if state.deployers.request != Some(request) {
        return Vec::new();
    }
    state.deployers.request = None;
    state.deployers.images.extend(projects);
    state.deployers.repositories = repositories.into_iter().collect();
    due(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Action, Effect, Mode, PollPolicy, Reply, Session, update};
    use crate::domain::{ActionCategory, EnvSpec, StageDef};

    fn spec(name: &str) -> EnvSpec {
        EnvSpec {
            name: name.into(),
            protected: false,
            read_only: false,
            pipeline: format!("p-{name}"),
            source_bucket: "b".into(),
            source_key: "k".into(),
            release_prefix: String::new(),
            distribution_id: "E1".into(),
            logs_bucket: None,
            logs_prefix: String::new(),
            log_groups: Vec::new(),
            build_log_group: None,
            site_url: None,
            api_url: None,
            promotes_from: None,
        }
    }

    fn def(project: &str) -> PipelineDef {
        let mut configuration = BTreeMap::new();
        configuration.insert("ProjectName".to_string(), project.to_string());
        PipelineDef {
            name: "p".into(),
            version: 1,
            stages: vec![StageDef {
                name: "Deploy".into(),
                actions: vec![crate::domain::ActionDef {
                    name: "Deploy".into(),
                    category: ActionCategory::Build,
                    provider: "CodeBuild".into(),
                    run_order: 1,
                    configuration,
                    timeout_minutes: None,
                }],
                conditions: Vec::new(),
            }],
            pipeline_type: None,
            execution_mode: Default::default(),
            variables: Vec::new(),
        }
    }

    fn state() -> State {
        let session = Session {
            mode: Mode::Aws,
            profile: None,
            region: None,
            identity: None,
            read_only: false,
        };
        State::new(
            session,
            vec![spec("dev"), spec("prd")],
            PollPolicy::default(),
            Timestamp(0),
        )
    }

    const URI: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/deployer";

    /// The project comes from the pipeline's Deploy action unless pinned; the read asks for each
    /// project once; a stale project is named with the newest tag; a failed repository read is
    /// unknown with its reason, not current.
    #[test]
    fn projects_are_found_read_and_judged_and_a_failed_read_is_unknown() {
        let mut state = state();
        state
            .deployers
            .pinned
            .insert("prd".into(), "pinned-deploy".into());
        assert_eq!(state.deployer(0), None, "not read: nothing said yet");
        state.envs[0].def = Some(def("dev-deploy"));
        let fx = update(&mut state, Action::Tick(Timestamp(1)));
        let Some(Effect::ReadDeployers {
            request, projects, ..
        }) = fx
            .into_iter()
            .find(|e| matches!(e, Effect::ReadDeployers { .. }))
        else {
            panic!("no read");
        };
        assert_eq!(
            projects,
            vec!["dev-deploy".to_string(), "pinned-deploy".into()]
        );
        let image = |p: &str, tag: &str| (p.to_string(), Ok(format!("{URI}:{tag}")));
        let pushed = |tag: &str, at: i64| EcrImage {
            tags: vec![tag.into()],
            digest: format!("sha256:{tag}"),
            pushed_at: Timestamp(at),
        };
        update(
            &mut state,
            Action::Reply(Reply::DeployersLoaded {
                request,
                projects: vec![image("dev-deploy", "1.2"), image("pinned-deploy", "1.1")],
                repositories: vec![(
                    "deployer".into(),
                    Ok(vec![pushed("1.1", 1), pushed("1.2", 2)]),
                )],
            }),
        );
        assert!(matches!(
            state.deployer(0),
            Some(DeployerCheck::Current { .. })
        ));
        assert!(matches!(
            state.deployer(1),
            Some(DeployerCheck::Stale { ref newest, .. }) if newest == "1.2"
        ));
        state
            .deployers
            .repositories
            .insert("deployer".into(), Err("access denied".into()));
        assert_eq!(
            state.deployer(0),
            Some(DeployerCheck::Unknown(
                "ECR repository deployer: access denied".into()
            ))
        );
    }

    /// Known, not unknown: there is no deployer to check (the pane names the key to pin one).
    #[test]
    fn a_pipeline_without_a_codebuild_deploy_action_names_the_key_to_set() {
        let mut state = state();
        let mut d = def("x");
        d.stages[0].actions[0].provider = "CodeDeploy".into();
        state.envs[0].def = Some(d);
        assert!(matches!(
            state.deployer(0),
            Some(DeployerCheck::NoProject(why)) if why.contains("set deploy_project")
        ));
    }
}
