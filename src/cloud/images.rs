//! The deployer image's ports: ECR (the repository's images) and CodeBuild (the projects that
//! run them, and the builds a pipeline's Deploy action started).

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

/// A CodeBuild build as `BatchGetBuilds` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildRun {
    /// `project:uuid`.
    pub id: String,
    /// `buildStatus`: `IN_PROGRESS`, `SUCCEEDED`, `FAILED`, `FAULT`, `STOPPED`, `TIMED_OUT`.
    pub status: String,
    /// `currentPhase`: `BUILD`, `POST_BUILD`, …, `COMPLETED` once done.
    pub current_phase: Option<String>,
    /// The first phase that did not succeed, with its status and message (`phases[].contexts`).
    pub failed_phase: Option<FailedPhase>,
    /// When it started.
    pub start: Option<crate::domain::Timestamp>,
    /// When it ended (`None` while it runs).
    pub end: Option<crate::domain::Timestamp>,
    /// `logs.groupName` / `logs.streamName`: where its CloudWatch log is.
    pub log_group: Option<String>,
    /// Its log stream.
    pub log_stream: Option<String>,
    /// `logs.deepLink`: the log in the CloudWatch console.
    pub log_link: Option<String>,
}

/// A build phase that did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedPhase {
    /// `BUILD`, `INSTALL`, …
    pub phase: String,
    /// `FAILED`, `FAULT`, `TIMED_OUT`, `STOPPED`.
    pub status: String,
    /// What CodeBuild said (`COMMAND_EXECUTION_ERROR: Error while executing command: ./deploy.sh.
    /// Reason: exit status 2`), or empty.
    pub message: String,
}

/// What `BatchGetBuilds` answered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BuildRuns {
    /// The builds found.
    pub found: Vec<BuildRun>,
    /// The ids it does not know (`buildsNotFound`).
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
    /// `BatchGetBuilds` of `ids` (`project:uuid`, at most 100).
    async fn batch_get_builds(&self, ids: &[String]) -> CloudResult<BuildRuns>;
}
