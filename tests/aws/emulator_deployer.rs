//! The deployer image's adapters against the emulator: ECR `DescribeImages` (tags, digest, pushed
//! at; a missing repository) and CodeBuild `BatchGetProjects` (each project's image; a name it
//! does not know is left out) and `BatchGetBuilds` (a build's status and phase), then the verdict
//! the console draws from them.

use crate::support::emulator;

use aws_sdk_codebuild::types as cb;
use emulator::{ACCOUNT, REGION, connect, unique};
use shipdeck::cloud::CloudError;
use shipdeck::domain::{DeployerCheck, check_deployer};

/// A manifest with one layer of its own: moto 5.2.5 makes the digest from the layers' digests only
/// (images without layers all get the same one).
fn manifest(n: u32) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":{n},"digest":"sha256:{n:064x}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":{n},"digest":"sha256:{m:064x}"}}]}}"#,
        m = n + 100
    )
}

#[tokio::test]
async fn ecr_images_and_codebuild_project_images_are_read_and_judged() {
    let (aws, c, _url) = connect().await;
    let cloud = aws.cloud();
    let repo = unique("deployer").to_lowercase();
    c.ecr
        .create_repository()
        .repository_name(&repo)
        .send()
        .await
        .unwrap();
    let mut digests = Vec::new();
    for (n, tag) in [(1, "1.43.0"), (2, "1.44.0")] {
        let out = c
            .ecr
            .put_image()
            .repository_name(&repo)
            .image_manifest(manifest(n))
            .image_tag(tag)
            .send()
            .await
            .unwrap();
        let id = out.image().and_then(|i| i.image_id()).unwrap();
        digests.push(id.image_digest().unwrap().to_string());
    }

    let images = cloud.registry.describe_images(&repo).await.unwrap();
    assert_eq!(images.len(), 2, "{images:?}");
    for (digest, tag) in digests.iter().zip(["1.43.0", "1.44.0"]) {
        let image = images.iter().find(|i| i.digest == *digest).unwrap();
        assert_eq!(image.tags, [tag]);
        assert!(image.pushed_at.millis() > 0, "pushed at is read: {image:?}");
    }

    let err = cloud
        .registry
        .describe_images("no-such-deployer")
        .await
        .unwrap_err();
    assert!(
        matches!(&err, CloudError::NotFound { kind, name } if kind == "repository" && name == "no-such-deployer"),
        "{err:?}"
    );

    let uri = format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repo}");
    let project = unique("storefront-deployer-stg-deploy");
    c.codebuild
        .create_project()
        .name(&project)
        .source(
            cb::ProjectSource::builder()
                .r#type(cb::SourceType::S3)
                .location("storefront-deployer-source/stg/release.zip")
                .build()
                .unwrap(),
        )
        .artifacts(
            cb::ProjectArtifacts::builder()
                .r#type(cb::ArtifactsType::NoArtifacts)
                .build()
                .unwrap(),
        )
        .environment(
            cb::ProjectEnvironment::builder()
                .r#type(cb::EnvironmentType::LinuxContainer)
                .compute_type(cb::ComputeType::BuildGeneral1Small)
                .image(format!("{uri}:1.43.0"))
                .build()
                .unwrap(),
        )
        .service_role(format!("arn:aws:iam::{ACCOUNT}:role/codebuild"))
        .send()
        .await
        .unwrap();
    let missing = unique("no-such-project");
    let projects = cloud
        .builds
        .batch_get_projects(&[project.clone(), missing.clone()])
        .await
        .unwrap();
    assert_eq!(projects.found.len(), 1, "{projects:?}");
    assert_eq!(projects.found[0].name, project);
    assert_eq!(projects.found[0].image, format!("{uri}:1.43.0"));
    assert!(
        !projects.found.iter().any(|p| p.name == missing),
        "an unknown name is not a project"
    );

    // A build of the project, as a trace reads it (`BatchGetBuilds`: status, phase, start), and
    // an id CodeBuild does not know.
    let started = c
        .codebuild
        .start_build()
        .project_name(&project)
        .send()
        .await
        .unwrap();
    let id = started
        .build_value()
        .and_then(|b| b.id())
        .unwrap()
        .to_string();
    let unknown = format!("{project}:00000000-0000-0000-0000-000000000000");
    let builds = cloud
        .builds
        .batch_get_builds(&[id.clone(), unknown.clone()])
        .await
        .unwrap();
    // moto 5.2.5 leaves `buildsNotFound` empty; an id it does not know is at least not found.
    assert_eq!(builds.found.len(), 1, "{builds:?}");
    assert!(!builds.found.iter().any(|b| b.id == unknown));
    let b = &builds.found[0];
    assert_eq!(b.id, id);
    assert!(!b.status.is_empty() && b.start.is_some(), "{b:?}");
    assert!(b.current_phase.is_some(), "{b:?}");

    // Pushed within the same second, the two images tie on push time; whichever is newest, the
    // project on 1.43.0 is either current (it is) or stale with 1.44.0 named.
    match check_deployer(&projects.found[0].image, &repo, &images) {
        DeployerCheck::Stale { runs, newest, .. } => {
            assert_eq!((runs.as_str(), newest.as_str()), ("1.43.0", "1.44.0"))
        }
        DeployerCheck::Current { newest, .. } => assert_eq!(newest, "1.43.0"),
        other => panic!("{other:?}"),
    }
}
