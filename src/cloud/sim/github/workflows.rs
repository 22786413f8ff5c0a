//! The two workflow files and the jobs and steps a run of each plans, with what each step prints.

use super::{PlannedJob, PlannedStep};
use crate::cloud::sim::rng::Rng;
use crate::domain::Timestamp;
use crate::domain::github::Conclusion;

/// `.github/workflows/deploy.yml`.
pub const DEPLOY_YML: &str = r#"name: deploy
on:
  push:
    branches: [main]
  workflow_dispatch:
permissions:
  id-token: write
  contents: read
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
      - run: npm ci
      - run: npm run lint
      - run: npm test
      - run: npm run build
  deployer-image:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make deployer-image-if-changed
  upload:
    needs: [build, deployer-image]
    runs-on: ubuntu-latest
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
      - run: make package upload
"#;

/// `.github/workflows/release.yml` (its `environment` choices are the protected environments).
pub const RELEASE_YML: &str = r#"name: release
on:
  workflow_dispatch:
    inputs:
      version:
        description: The release to ship (default the release of the commit the run is at, packaged if no deploy run built it)
        required: false
        type: string
      environment:
        description: Where to ship it
        type: choice
        options: [prd]
        default: prd
permissions:
  id-token: write
  contents: read
jobs:
  release:
    runs-on: ubuntu-latest
    environment: ${{ inputs.environment }}
    steps:
      - uses: actions/checkout@v4
      - uses: aws-actions/configure-aws-credentials@v4
      - run: make ship VERSION=${{ inputs.version }} ENV=${{ inputs.environment }}
"#;

/// A step to plan: name, seconds (min, max), output lines.
pub(crate) struct StepSpec {
    pub name: String,
    pub secs: (i64, i64),
    pub output: Vec<String>,
}

fn step(name: &str, secs: (i64, i64), output: &[&str]) -> StepSpec {
    StepSpec {
        name: name.to_string(),
        secs,
        output: output.iter().map(|s| s.to_string()).collect(),
    }
}

/// The jobs of a deploy run: build and test, the deployer image (built and pushed to ECR only
/// when its code changed), then the package uploaded to the source bucket.
pub(crate) fn deploy_jobs(
    version: &str,
    bucket: &str,
    release_key: &str,
    source_key: &str,
    image_changed: bool,
) -> Vec<(String, Vec<StepSpec>)> {
    let (build_image, push_image) = if image_changed {
        (
            step(
                "Build deployer image",
                (40, 90),
                &["#12 naming to storefront-deployer:latest done"],
            ),
            step(
                "Push to ECR",
                (10, 25),
                &["latest: digest: sha256:9f1c… size: 2417"],
            ),
        )
    } else {
        (
            step("Build deployer image", (0, 0), &[]),
            step("Push to ECR", (0, 0), &[]),
        )
    };
    vec![
        (
            "build".into(),
            vec![
                step(
                    "Set up job",
                    (1, 3),
                    &[
                        "Current runner version: '2.321.0'",
                        "Runner Image: ubuntu-24.04",
                    ],
                ),
                step(
                    "Run actions/checkout@v4",
                    (2, 6),
                    &[
                        "Syncing repository: storefront",
                        "HEAD is now at the pushed commit",
                    ],
                ),
                step(
                    "Run actions/setup-node@v4",
                    (4, 12),
                    &["Found in cache @ /opt/hostedtoolcache/node/20.18.1/x64"],
                ),
                step(
                    "Run npm ci",
                    (25, 70),
                    &[
                        "added 1214 packages, and audited 1215 packages in 41s",
                        "found 0 vulnerabilities",
                    ],
                ),
                step(
                    "Run npm run lint",
                    (12, 30),
                    &["> storefront@ lint", "> eslint . --max-warnings 0"],
                ),
                step(
                    "Run npm test",
                    (50, 150),
                    &[
                        "> storefront@ test",
                        "> vitest run",
                        "Test Files  84 passed (84)",
                        "     Tests  612 passed (612)",
                    ],
                ),
                step(
                    "Run npm run build",
                    (35, 90),
                    &[
                        "> storefront@ build",
                        "> vite build",
                        "dist/index.html  1.42 kB",
                        "built in 38.21s",
                    ],
                ),
                step("Complete job", (0, 1), &["Cleaning up orphan processes"]),
            ],
        ),
        (
            "deployer-image".into(),
            vec![
                step("Set up job", (1, 3), &["Current runner version: '2.321.0'"]),
                step(
                    "Run actions/checkout@v4",
                    (2, 5),
                    &["Syncing repository: storefront"],
                ),
                step(
                    "Detect deployer changes",
                    (1, 2),
                    &[if image_changed {
                        "deployer/ changed: building the image"
                    } else {
                        "deployer/ unchanged: keeping the image in ECR"
                    }],
                ),
                build_image,
                push_image,
                step("Complete job", (0, 1), &["Cleaning up orphan processes"]),
            ],
        ),
        (
            "upload".into(),
            vec![
                step("Set up job", (1, 3), &["Current runner version: '2.321.0'"]),
                step(
                    "Configure AWS credentials",
                    (2, 4),
                    &[
                        "Assuming role with OIDC",
                        "Authenticated as assumedRoleId AROA…:GitHubActions",
                    ],
                ),
                step(
                    &format!("Package release {version}"),
                    (5, 15),
                    &[
                        "  adding: index.html",
                        "  adding: assets/",
                        "  adding: deploy.sh",
                        "  adding: smoke-test.sh",
                    ],
                ),
                step(
                    &format!("Upload to s3://{bucket}/{release_key}"),
                    (2, 8),
                    &[&format!(
                        "upload: ./release.zip to s3://{bucket}/{release_key}"
                    )],
                ),
                step(
                    &format!("Upload to s3://{bucket}/{source_key}"),
                    (2, 6),
                    &[
                        &format!("upload: ./release.zip to s3://{bucket}/{source_key}"),
                        "CodePipeline starts on the new object version",
                    ],
                ),
                step("Complete job", (0, 1), &["Cleaning up orphan processes"]),
            ],
        ),
    ]
}

/// The job of a release run: find the release, copy it to the environment's source key, start
/// its pipeline.
pub(crate) fn release_jobs(
    version: &str,
    env: &str,
    bucket: &str,
    source_key: &str,
    pipeline: &str,
    package: bool,
) -> Vec<(String, Vec<StepSpec>)> {
    let find = if package {
        step(
            &format!("Package release {version}"),
            (20, 40),
            &[&format!(
                "no release of this commit yet: packaged {version} to s3://{bucket}/releases/{version}/release.zip"
            )],
        )
    } else {
        step(
            &format!("Find release {version}"),
            (2, 6),
            &[&format!(
                "release {version}: s3://{bucket}/releases/{version}/release.zip"
            )],
        )
    };
    vec![(
        "release".into(),
        vec![
            step("Set up job", (2, 6), &["Current runner version: '2.321.0'"]),
            step(
                "Run actions/checkout@v4",
                (3, 8),
                &["Syncing repository: storefront"],
            ),
            step(
                "Configure AWS credentials",
                (3, 8),
                &["Assuming role with OIDC"],
            ),
            find,
            step(
                &format!("Copy package to s3://{bucket}/{source_key}"),
                (4, 12),
                &[&format!(
                    "copy: releases/{version}/release.zip to s3://{bucket}/{source_key}"
                )],
            ),
            step(
                &format!("Start pipeline {pipeline}"),
                (2, 5),
                &[&format!("{env}: pipeline {pipeline} started")],
            ),
            step("Complete job", (0, 1), &["Cleaning up orphan processes"]),
        ],
    )]
}

/// Plans `jobs` one after the other from `start`. `fail` names the step (job, step) that fails:
/// the steps after it in its job are skipped but the last (`Complete job`), the jobs after it
/// are skipped (no steps). A step planned for 0 seconds is skipped. Job ids are given after.
pub(crate) fn plan(
    rng: &mut Rng,
    start: Timestamp,
    jobs: Vec<(String, Vec<StepSpec>)>,
    fail: Option<(usize, usize)>,
) -> Vec<PlannedJob> {
    let mut t = start;
    let mut out = Vec::new();
    let mut failed = false;
    for (j, (name, specs)) in jobs.into_iter().enumerate() {
        let id = 0;
        if failed {
            out.push(PlannedJob {
                id,
                name,
                steps: Vec::new(),
            });
            continue;
        }
        t = t + rng.range(2_000, 9_000);
        let last = specs.len().saturating_sub(1);
        let mut steps = Vec::new();
        for (i, spec) in specs.into_iter().enumerate() {
            let skipped = spec.secs.1 == 0 || (failed && i != last);
            let conclusion = if skipped {
                Conclusion::Skipped
            } else if fail == Some((j, i)) {
                failed = true;
                Conclusion::Failure
            } else {
                Conclusion::Success
            };
            let secs = if skipped {
                0
            } else {
                rng.range(spec.secs.0 * 1000, spec.secs.1 * 1000)
            };
            let mut output = spec.output;
            if conclusion == Conclusion::Failure {
                output.truncate(output.len().min(2));
                output.push(failure_line(&spec.name));
                output.push("##[error]Process completed with exit code 1.".to_string());
            }
            steps.push(PlannedStep {
                name: spec.name,
                start: t,
                end: t + secs,
                conclusion,
                output,
            });
            t = t + secs;
        }
        out.push(PlannedJob { id, name, steps });
    }
    out
}

fn failure_line(step: &str) -> String {
    if step.contains("lint") {
        "src/cart/total.ts:42:7  error  'rounded' is assigned a value but never used".into()
    } else if step.contains("test") {
        "FAIL  src/checkout/summary.test.ts > shows the discounted total".into()
    } else if step.contains("build") {
        "error during build: Could not resolve './banner' from src/home.tsx".into()
    } else if step.contains("Push") {
        "denied: Your authorization token has expired. Reauthenticate and try again.".into()
    } else {
        format!("{step} failed")
    }
}

/// Moves every step of `jobs` by `delta`.
pub(crate) fn shift(jobs: &mut [PlannedJob], delta: i64) {
    for s in jobs.iter_mut().flat_map(|j| j.steps.iter_mut()) {
        s.start = s.start + delta;
        s.end = s.end + delta;
    }
}

/// The steps a run may fail in, (job, step), for each workflow.
pub(crate) const DEPLOY_FAILURES: &[(usize, usize)] = &[(0, 4), (0, 5), (0, 5), (0, 6), (1, 4)];
/// A release run fails finding the release or copying it.
pub(crate) const RELEASE_FAILURES: &[(usize, usize)] = &[(0, 3), (0, 4)];
