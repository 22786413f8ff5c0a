//! Reads the deployer image: the Deploy projects' images (CodeBuild `BatchGetProjects`), then the
//! images of the ECR repositories they name, or of the pinned one (`DescribeImages`); each
//! identity's projects through that identity, the identities in parallel.

use super::effects::timed;
use crate::app::DeployerRead;
use crate::cloud::{Cloud, Clouds};
use crate::domain::{EcrImage, ImageRef};

/// Reads each identity's projects and repositories through it (`reads`: an environment of the
/// identity, and its projects), all at once; a refused identity fails only its own part.
pub(super) async fn read_all(
    clouds: &Clouds,
    reads: Vec<(usize, Vec<String>)>,
    repository: Option<String>,
) -> Vec<DeployerRead> {
    let parts = reads.into_iter().map(|(env, projects)| {
        let repository = repository.clone();
        async move {
            let (projects, repositories) = read(clouds.of(env), &projects, repository).await;
            DeployerRead {
                env,
                projects,
                repositories,
            }
        }
    });
    futures::future::join_all(parts).await
}

/// What a read found: per project its image, per repository its images (or why not).
type Found = (
    Vec<(String, Result<String, String>)>,
    Vec<(String, Result<Vec<EcrImage>, String>)>,
);

/// `BatchGetProjects` accepts at most this many names.
const PROJECTS_PER_CALL: usize = 100;

/// Reads `projects` and the repositories: `repository` when pinned, else each ECR repository the
/// projects' images name.
async fn read(cloud: &Cloud, projects: &[String], repository: Option<String>) -> Found {
    let mut images: Vec<(String, Result<String, String>)> = Vec::new();
    for chunk in projects.chunks(PROJECTS_PER_CALL) {
        match timed("BatchGetProjects", cloud.builds.batch_get_projects(chunk)).await {
            Ok(answer) => {
                for name in chunk {
                    let found = answer.found.iter().find(|p| p.name == *name);
                    let image = match found {
                        Some(p) if p.image.is_empty() => {
                            Err(format!("CodeBuild project {name} names no image"))
                        }
                        Some(p) => Ok(p.image.clone()),
                        None => Err(format!("CodeBuild project {name} not found")),
                    };
                    images.push((name.clone(), image));
                }
            }
            Err(e) => {
                let why = format!("CodeBuild: {e}");
                images.extend(chunk.iter().map(|n| (n.clone(), Err(why.clone()))));
            }
        }
    }
    let mut repositories: Vec<String> = match repository {
        Some(r) => vec![r],
        None => images
            .iter()
            .filter_map(|(_, image)| image.as_ref().ok())
            .filter_map(|image| ImageRef::parse(image).ok())
            .filter(ImageRef::is_ecr)
            .map(|r| r.repository)
            .collect(),
    };
    repositories.sort();
    repositories.dedup();
    let mut read = Vec::new();
    for r in repositories {
        let result = timed("DescribeImages", cloud.registry.describe_images(&r))
            .await
            .map_err(|e| e.to_string());
        read.push((r, result));
    }
    (images, read)
}
