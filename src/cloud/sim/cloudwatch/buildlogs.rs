//! The CodeBuild log lines of a Deploy or SmokeTest run, spread over its duration.

use super::super::Simulator;
use super::super::codepipeline::pipeline::Outcome;
use crate::domain::{Release, Timestamp};

fn container_time(t: Timestamp, micros: i64) -> String {
    match chrono::DateTime::from_timestamp_millis(t.millis()) {
        Some(d) => format!("{}{:03}", d.format("%Y/%m/%d %H:%M:%S%.3f"), micros),
        None => t.rfc3339(),
    }
}

impl Simulator {
    /// Writes the build's lines into `group`, stream `build`, between `span.0` and `span.1`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn write_build_logs(
        &mut self,
        env: usize,
        group: &str,
        build: &str,
        span: (Timestamp, Timestamp),
        verify: bool,
        outcome: &Outcome,
        release: Option<&Release>,
    ) {
        let spec = &self.envs[env].spec;
        let (name, dist) = (spec.name.clone(), spec.distribution_id.clone());
        let account = self.cfg.account(&name).to_string();
        let site = spec
            .site_url
            .clone()
            .unwrap_or_else(|| format!("https://{name}.example.com"));
        let api = spec.api_url.clone().unwrap_or_else(|| site.clone());
        let rel = release.map_or_else(
            || "unknown".to_string(),
            |r| format!("{} (commit {})", r.version, r.short_commit()),
        );
        let failed = matches!(outcome, Outcome::Fail(_));
        let script = if verify {
            "./smoke-test.sh"
        } else {
            "./deploy.sh"
        };
        let code = if verify { 1 } else { 2 };
        let mut lines: Vec<(bool, String)> = vec![
            (true, "Running on CodeBuild On-demand".into()),
            (true, "Waiting for agent ping".into()),
            (true, "Waiting for DOWNLOAD_SOURCE".into()),
            (true, "Phase is DOWNLOAD_SOURCE".into()),
            (
                true,
                format!(
                    "CODEBUILD_SRC_DIR=/codebuild/output/src{}/src",
                    self.rng.range(100_000_000, 999_999_999)
                ),
            ),
            (
                true,
                "Phase complete: DOWNLOAD_SOURCE State: SUCCEEDED".into(),
            ),
            (true, "Phase context status code:  Message: ".into()),
            (true, "Entering phase INSTALL".into()),
            (true, "Phase complete: INSTALL State: SUCCEEDED".into()),
            (true, "Entering phase BUILD".into()),
            (true, format!("Running command {script}")),
        ];
        if verify {
            let checks = [
                format!("{site}/"),
                format!("{site}/index.html"),
                format!("{api}/health"),
                format!("{api}/products"),
            ];
            let bad = if failed {
                self.rng.below(checks.len())
            } else {
                usize::MAX
            };
            for (i, url) in checks.iter().enumerate() {
                let (status, ms) = if i == bad {
                    (502, self.rng.range(800, 3000))
                } else {
                    (200, self.rng.range(40, 400))
                };
                lines.push((false, format!("GET {url} -> {status} ({ms} ms)")));
            }
            if failed {
                lines.push((
                    false,
                    format!("Smoke test failed: 1 of {} checks failed", checks.len()),
                ));
            } else {
                lines.push((
                    false,
                    format!("All {} smoke checks passed for {rel}", checks.len()),
                ));
            }
        } else {
            let deployment = format!("d-{}", self.rng.hex(9).to_uppercase());
            lines.push((false, format!("Deploying release {rel} to {name}")));
            lines.push((
                false,
                format!(
                    "Uploading {} files to s3://{}-web-{name}",
                    self.rng.range(180, 260),
                    self.app_name()
                ),
            ));
            lines.push((false, format!("Created CodeDeploy deployment {deployment}")));
            if failed {
                lines.push((
                    false,
                    format!(
                        "Deployment {deployment} failed: 2 of 2 instances failed the health check"
                    ),
                ));
                lines.push((
                    false,
                    "Error: deployment did not reach a healthy state; rolling back".into(),
                ));
            } else {
                lines.push((false, format!("Deployment {deployment} succeeded")));
                lines.push((
                    false,
                    format!(
                        "Created CloudFront invalidation I{} for {dist} (paths: /*)",
                        self.rng.hex(12).to_uppercase()
                    ),
                ));
            }
        }
        if failed {
            lines.push((
                true,
                format!("Command did not exit successfully {script} exit status {code}"),
            ));
            lines.push((true, "Phase complete: BUILD State: FAILED".into()));
            lines.push((
                true,
                format!("Phase context status code: COMMAND_EXECUTION_ERROR Message: Error while executing command: {script}. Reason: exit status {code}"),
            ));
        } else {
            lines.push((true, "Phase complete: BUILD State: SUCCEEDED".into()));
            lines.push((true, "Phase context status code:  Message: ".into()));
        }
        lines.push((true, "Entering phase POST_BUILD".into()));
        lines.push((true, "Phase complete: POST_BUILD State: SUCCEEDED".into()));
        let total = span.1.since(span.0).max(1);
        let n = lines.len() as i64;
        for (k, (container, text)) in lines.into_iter().enumerate() {
            // Setup is quick, the build command takes most of the time, the end is quick again.
            let frac = match k as i64 {
                k if k < 10 => k * 2,
                k if k >= n - 6 => 100 - (n - k) * 2,
                k => 20 + (k - 10) * 60 / (n - 16).max(1),
            };
            let t = span.0 + total * frac.clamp(0, 99) / 100 + self.rng.range(0, 900);
            let message = if container {
                format!(
                    "[Container] {} {text}",
                    container_time(t, self.rng.range(0, 999))
                )
            } else {
                text
            };
            self.logs.put((&account, group), build, t, message);
        }
    }
}
