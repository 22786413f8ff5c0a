//! The deployer image's ports: ECR (the repository's images) and CodeBuild (the projects that
//! run them).

use super::CloudResult;
use crate::domain::EcrImage;
use async_trait::async_trait;

/// A CodeBuild project as `BatchGetProjects` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildProject {
    /// Project name.
    pub name: String,
    /// Its `environment.image` (`<registry>/<repository>:<tag>` or `…@sha256:…`).
    pub image: String,
}

/// What `BatchGetProjects` answered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildProjects {
    /// The projects found.
    pub found: Vec<BuildProject>,
    /// The names it does not know (`projectsNotFound`).
    pub not_found: Vec<String>,
}

/// ECR.
#[async_trait]
pub trait Registry: Send + Sync {
    /// `DescribeImages`: every image of `repository`, all pages.
    async fn describe_images(&self, repository: &str) -> CloudResult<Vec<EcrImage>>;
}

/// CodeBuild.
#[async_trait]
pub trait Builds: Send + Sync {
    /// `BatchGetProjects` of `names` (at most 100).
    async fn batch_get_projects(&self, names: &[String]) -> CloudResult<BuildProjects>;
}
