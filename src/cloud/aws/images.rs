//! The deployer image's ports over ECR (`DescribeImages`) and CodeBuild (`BatchGetProjects`,
//! `BatchGetBuilds`).

use super::AwsCloud;
use super::convert::ts;
use super::errors::{Call, map};
use crate::cloud::{
    BuildProject, BuildProjects, BuildRun, BuildRuns, Builds, CloudResult, FailedPhase, Registry,
};
use crate::domain::{EcrImage, Timestamp};
use async_trait::async_trait;

/// Pages of `DescribeImages` read at most (1,000 images a page).
const IMAGE_PAGES: usize = 20;

#[async_trait]
impl Registry for AwsCloud {
    async fn describe_images(&self, repository: &str) -> CloudResult<Vec<EcrImage>> {
        let r = self.ready().await;
        let c = Call {
            service: "ecr",
            operation: "DescribeImages",
            iam: "ecr:DescribeImages",
            resources: &[("repository", repository)],
        };
        let mut images = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..IMAGE_PAGES {
            let out = r
                .clients
                .ecr
                .describe_images()
                .repository_name(repository)
                .max_results(1000)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| map(e, &c, &r.site))?;
            for d in out.image_details() {
                images.push(EcrImage {
                    tags: d.image_tags().to_vec(),
                    digest: d.image_digest().unwrap_or_default().to_string(),
                    pushed_at: d.image_pushed_at().map_or(Timestamp(0), ts),
                });
            }
            token = out.next_token;
            if token.is_none() {
                break;
            }
        }
        Ok(images)
    }
}

#[async_trait]
impl Builds for AwsCloud {
    async fn batch_get_projects(&self, names: &[String]) -> CloudResult<BuildProjects> {
        let r = self.ready().await;
        let first = names.first().map_or("", String::as_str);
        let c = Call {
            service: "codebuild",
            operation: "BatchGetProjects",
            iam: "codebuild:BatchGetProjects",
            resources: &[("project", first)],
        };
        let out = r
            .clients
            .codebuild
            .batch_get_projects()
            .set_names(Some(names.to_vec()))
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        let found = out
            .projects()
            .iter()
            .map(|p| BuildProject {
                name: p.name().unwrap_or_default().to_string(),
                image: p
                    .environment()
                    .map(|e| e.image().to_string())
                    .unwrap_or_default(),
            })
            .collect();
        Ok(BuildProjects {
            found,
            not_found: out.projects_not_found().to_vec(),
        })
    }

    async fn batch_get_builds(&self, ids: &[String]) -> CloudResult<BuildRuns> {
        let r = self.ready().await;
        let project = ids
            .first()
            .and_then(|id| id.split(':').next())
            .unwrap_or_default();
        let c = Call {
            service: "codebuild",
            operation: "BatchGetBuilds",
            iam: "codebuild:BatchGetBuilds",
            resources: &[("project", project)],
        };
        let out = r
            .clients
            .codebuild
            .batch_get_builds()
            .set_ids(Some(ids.to_vec()))
            .send()
            .await
            .map_err(|e| map(e, &c, &r.site))?;
        Ok(BuildRuns {
            found: out.builds().iter().map(build_run).collect(),
            not_found: out.builds_not_found().to_vec(),
        })
    }
}

/// A build as the port gives it: its status, phase, the phase that failed and why, its log.
fn build_run(b: &aws_sdk_codebuild::types::Build) -> BuildRun {
    let failed_phase = b
        .phases()
        .iter()
        .find(|p| {
            p.phase_status()
                .is_some_and(|s| !matches!(s.as_str(), "SUCCEEDED" | "IN_PROGRESS"))
        })
        .map(|p| FailedPhase {
            phase: p
                .phase_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
            status: p
                .phase_status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            message: p
                .contexts()
                .iter()
                .filter_map(|c| {
                    let code = c.status_code().unwrap_or_default();
                    let message = c.message().unwrap_or_default();
                    match (code.is_empty(), message.is_empty()) {
                        (true, true) => None,
                        (false, false) => Some(format!("{code}: {message}")),
                        _ => Some(format!("{code}{message}")),
                    }
                })
                .collect::<Vec<_>>()
                .join("; "),
        });
    let logs = b.logs();
    BuildRun {
        id: b.id().unwrap_or_default().to_string(),
        status: b
            .build_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        current_phase: b.current_phase().map(str::to_string),
        failed_phase,
        start: b.start_time().map(ts),
        end: b.end_time().map(ts),
        log_group: logs.and_then(|l| l.group_name()).map(str::to_string),
        log_stream: logs.and_then(|l| l.stream_name()).map(str::to_string),
        log_link: logs.and_then(|l| l.deep_link()).map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_codebuild::types::{
        Build, BuildPhase, BuildPhaseType, LogsLocation, PhaseContext, StatusType,
    };

    /// A failed build as `BatchGetBuilds` answers it: the first phase that did not succeed and
    /// its context, the log's group, stream and link.
    #[test]
    fn a_failed_build_names_its_failed_phase_and_log() {
        let phase =
            |t: BuildPhaseType, s: StatusType| BuildPhase::builder().phase_type(t).phase_status(s);
        let b = Build::builder()
            .id("storefront-deployer-prd-deploy:1f2e")
            .build_status(StatusType::Failed)
            .current_phase("COMPLETED")
            .phases(phase(BuildPhaseType::Install, StatusType::Succeeded).build())
            .phases(
                phase(BuildPhaseType::Build, StatusType::Failed)
                    .contexts(
                        PhaseContext::builder()
                            .status_code("COMMAND_EXECUTION_ERROR")
                            .message("Error while executing command: ./deploy.sh. Reason: exit status 2")
                            .build(),
                    )
                    .build(),
            )
            .logs(
                LogsLocation::builder()
                    .group_name("/aws/codebuild/storefront-deploy-prd")
                    .stream_name("1f2e")
                    .deep_link("https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logEvent:group=/aws/codebuild/storefront-deploy-prd;stream=1f2e")
                    .build(),
            )
            .build();
        let run = super::build_run(&b);
        assert_eq!(run.status, "FAILED");
        let failed = run.failed_phase.expect("the failed phase");
        assert_eq!(
            (failed.phase.as_str(), failed.status.as_str()),
            ("BUILD", "FAILED")
        );
        assert_eq!(
            failed.message,
            "COMMAND_EXECUTION_ERROR: Error while executing command: ./deploy.sh. Reason: exit \
             status 2"
        );
        assert_eq!(run.log_stream.as_deref(), Some("1f2e"));
        assert!(
            run.log_link
                .is_some_and(|l| l.contains("storefront-deploy-prd"))
        );
        assert_eq!(run.end, None);
    }
}
