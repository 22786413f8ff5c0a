//! The deployer image's ports over ECR (`DescribeImages`) and CodeBuild (`BatchGetProjects`).

use super::AwsCloud;
use super::convert::ts;
use super::errors::{Call, map};
use crate::cloud::{BuildProject, BuildProjects, Builds, CloudResult, Registry};
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
}
