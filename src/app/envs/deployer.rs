//! Whether each environment's deployer is the newest image: its CodeBuild Deploy project (pinned
//! in the configuration, else the `ProjectName` of its pipeline's Deploy action) and the images of
//! the ECR repository that project's image names (or the pinned one), read through an effect when
//! a project is new and every 15 minutes; a failed read kept as unknown with its reason. Each
//! identity's projects and repositories are read through that identity and kept apart (two
//! accounts may each have a `deployer` repository), so a refused account makes only its own
//! environments' checks unknown.

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
    /// Per (identity, project): its image, or why it is not known.
    pub images: BTreeMap<(usize, String), Result<String, String>>,
    /// Per (identity, repository): its images, or why they are not known.
    pub repositories: BTreeMap<(usize, String), Result<Vec<EcrImage>, String>>,
    /// The read in flight.
    pub request: Option<RequestId>,
    /// When everything is read again.
    pub due: Option<Timestamp>,
}

/// What one identity's read of the deployer found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployerRead {
    /// An environment of the identity that read it (its first).
    pub env: usize,
    /// Per project: its image, or why it is not known.
    pub projects: Vec<(String, Result<String, String>)>,
    /// Per ECR repository: its images, or why they are not known.
    pub repositories: Vec<(String, Result<Vec<EcrImage>, String>)>,
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
        let identity = self.accounts.group_of(env);
        let image = match self.deployers.images.get(&(identity, project.clone()))? {
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
        let images = match self
            .deployers
            .repositories
            .get(&(identity, repository.clone()))
        {
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
/// are due again: one read per identity, of that identity's projects, by its first environment.
pub(in crate::app) fn due(state: &mut State) -> Vec<Effect> {
    if state.deployers.request.is_some() {
        return Vec::new();
    }
    // Per identity: the environment that reads for it, and its projects.
    let mut reads: BTreeMap<usize, (usize, Vec<String>)> = BTreeMap::new();
    for env in 0..state.envs.len() {
        if state.paused(env) {
            continue;
        }
        if let Ok(Some(p)) = state.deploy_project(env) {
            let identity = state.accounts.group_of(env);
            let read = reads.entry(identity).or_insert((env, Vec::new()));
            if !read.1.contains(&p) {
                read.1.push(p);
            }
        }
    }
    let stale = state.deployers.due.is_some_and(|d| state.now >= d);
    let new = reads.iter().any(|(identity, (_, projects))| {
        (projects.iter()).any(|p| !state.deployers.images.contains_key(&(*identity, p.clone())))
    });
    if reads.is_empty() || !(stale || new) {
        return Vec::new();
    }
    let request = state.take_request();
    state.deployers.request = Some(request);
    state.deployers.due = Some(state.now + DEPLOYER_EVERY);
    let reads = reads
        .into_values()
        .map(|(env, mut projects)| {
            projects.sort();
            (env, projects)
        })
        .collect();
    vec![Effect::ReadDeployers {
        request,
        reads,
        repository: state.deployers.repository.clone(),
    }]
}

/// The projects and images were read, each identity's apart: an identity's repositories are
/// replaced by what it read now.
pub(in crate::app) fn loaded(
    state: &mut State,
    request: RequestId,
    reads: Vec<DeployerRead>,
) -> Vec<Effect> {
    if state.deployers.request != Some(request) {
        return Vec::new();
    }
    state.deployers.request = None;
    for read in reads {
        let identity = state.accounts.group_of(read.env);
        let d = &mut state.deployers;
        (d.images).extend(read.projects.into_iter().map(|(p, r)| ((identity, p), r)));
        d.repositories.retain(|(i, _), _| *i != identity);
        (d.repositories).extend(
            read.repositories
                .into_iter()
                .map(|(r, x)| ((identity, r), x)),
        );
    }
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
        let Some(Effect::ReadDeployers { request, reads, .. }) = fx
            .into_iter()
            .find(|e| matches!(e, Effect::ReadDeployers { .. }))
        else {
            panic!("no read");
        };
        assert_eq!(
            reads,
            vec![(0, vec!["dev-deploy".to_string(), "pinned-deploy".into()])],
            "one identity: one read"
        );
        let image = |p: &str, tag: &str| (p.to_string(), Ok(format!("{URI}:{tag}")));
        update(
            &mut state,
            Action::Reply(Reply::DeployersLoaded {
                request,
                reads: vec![DeployerRead {
                    env: 0,
                    projects: vec![image("dev-deploy", "1.2"), image("pinned-deploy", "1.1")],
                    repositories: vec![(
                        "deployer".into(),
                        Ok(vec![pushed("1.1", 1), pushed("1.2", 2)]),
                    )],
                }],
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
            .insert((0, "deployer".into()), Err("access denied".into()));
        assert_eq!(
            state.deployer(0),
            Some(DeployerCheck::Unknown(
                "ECR repository deployer: access denied".into()
            ))
        );
    }

    fn pushed(tag: &str, at: i64) -> EcrImage {
        EcrImage {
            tags: vec![tag.into()],
            digest: format!("sha256:{tag}"),
            pushed_at: Timestamp(at),
        }
    }

    /// With prd in another identity, each identity reads its own projects, and what each read
    /// is kept apart: both accounts have a `deployer` repository, prd's read was refused, and
    /// dev's check stands while prd's is unknown with prd's reason (not dev's images).
    #[test]
    fn each_identity_reads_its_own_projects_and_a_refused_one_is_unknown_alone() {
        let mut state = state();
        state.accounts.group = vec![0, 1];
        state.envs[0].def = Some(def("deploy"));
        state.envs[1].def = Some(def("deploy"));
        let fx = update(&mut state, Action::Tick(Timestamp(1)));
        let Some(Effect::ReadDeployers { request, reads, .. }) = fx
            .into_iter()
            .find(|e| matches!(e, Effect::ReadDeployers { .. }))
        else {
            panic!("no read");
        };
        assert_eq!(
            reads,
            vec![(0, vec!["deploy".to_string()]), (1, vec!["deploy".into()])],
            "the same project name in each account, read by each identity"
        );
        let refused = "cannot assume role arn:aws:iam::222222222222:role/x".to_string();
        update(
            &mut state,
            Action::Reply(Reply::DeployersLoaded {
                request,
                reads: vec![
                    DeployerRead {
                        env: 0,
                        projects: vec![("deploy".into(), Ok(format!("{URI}:1.2")))],
                        repositories: vec![("deployer".into(), Ok(vec![pushed("1.2", 2)]))],
                    },
                    DeployerRead {
                        env: 1,
                        projects: vec![("deploy".into(), Err(refused.clone()))],
                        repositories: Vec::new(),
                    },
                ],
            }),
        );
        assert!(matches!(
            state.deployer(0),
            Some(DeployerCheck::Current { .. })
        ));
        assert_eq!(state.deployer(1), Some(DeployerCheck::Unknown(refused)));
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
