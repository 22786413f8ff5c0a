//! Trigger a release as the team does: dispatch the repository's release workflow
//! (`workflow_dispatch`) on a branch or tag, its inputs checked against the workflow file's
//! `on.workflow_dispatch.inputs` at that ref. The workflow uploads the release package to the
//! source bucket, which starts the environment's pipeline; the direct upload (`release ENV
//! --from/--package`) stays for teams without the workflow.

use super::super::data::PipelineData;
use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use super::super::text::shell_quote;
use crate::domain::github::{
    DeclaredInput, DispatchRequest, GitHubCommit, InputKind, WorkflowTriggers, check_inputs,
};
use serde_json::json;
use std::collections::BTreeMap;

/// The input a release workflow names its target environment by, when it has one.
pub const ENVIRONMENT_INPUT: &str = "environment";

/// Why something the plan needs could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    /// What the operator reads.
    pub message: String,
    /// GitHub answered that it does not exist (the operator's input is wrong), rather than
    /// the read failing.
    pub missing: bool,
}

/// What the front end read of the release workflow before planning its dispatch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkflowRead {
    /// `owner/name`.
    pub repository: String,
    /// The workflow's file name (`release.yml`).
    pub workflow: String,
    /// The branch or tag asked for.
    pub git_ref: String,
    /// The commit the ref points at now.
    pub head: Result<GitHubCommit, Unread>,
    /// The workflow file's triggers at the ref.
    pub triggers: Result<WorkflowTriggers, Unread>,
    /// Whether runs can be started: `Err` says how to provide a token.
    pub writable: Result<(), String>,
}

/// Reads `NAME=VALUE` words into inputs; a word without `=` is refused by name.
pub fn parse_inputs(words: &[String]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for word in words {
        match word.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                out.insert(name.trim().to_string(), value.to_string());
            }
            _ => {
                return Err(format!(
                    "input `{word}` is not NAME=VALUE (e.g. version=1.44.0)"
                ));
            }
        }
    }
    Ok(out)
}

/// The environment a dispatch with `inputs` ships to, by the workflow's `environment` input
/// (given, else its default); `None` when the workflow has no such input or no value.
pub fn shipped_to(
    triggers: &WorkflowTriggers,
    inputs: &BTreeMap<String, String>,
) -> Option<String> {
    let declared = triggers
        .dispatch_inputs
        .as_ref()?
        .iter()
        .find(|i| i.name == ENVIRONMENT_INPUT)?;
    inputs
        .get(ENVIRONMENT_INPUT)
        .cloned()
        .or_else(|| declared.default.clone())
        .filter(|v| !v.trim().is_empty())
}

fn unread(u: &Unread) -> Refusal {
    if u.missing {
        Refusal::by(Guard::Input, u.message.clone())
    } else {
        Refusal::unread(u.message.clone())
    }
}

/// One line per declared input: the value sent, else its default, with its options (its
/// description stays in the workflow file: the line stays short enough not to wrap).
fn input_lines(declared: &[DeclaredInput], inputs: &BTreeMap<String, String>) -> Vec<String> {
    if declared.is_empty() {
        return vec!["inputs:        none declared".into()];
    }
    let width = declared.iter().map(|d| d.name.len()).max().unwrap_or(0);
    let mut out = vec!["inputs:".to_string()];
    for d in declared {
        let value = match (inputs.get(&d.name), &d.default) {
            (Some(v), _) => format!("= {v}"),
            (None, Some(default)) => format!("= {default} (default)"),
            (None, None) if d.required => "(required: not given)".into(),
            (None, None) => "(empty)".into(),
        };
        let mut notes = Vec::new();
        if let InputKind::Choice(options) = &d.kind {
            notes.push(format!("one of {}", options.join(", ")));
        }
        if d.required {
            notes.push("required".into());
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!("  — {}", notes.join("; "))
        };
        out.push(format!("  {:width$} {value}{notes}", d.name));
    }
    out
}

/// The `gh` command that makes the same dispatch, runnable as printed.
pub fn gh_command(repository: &str, req: &DispatchRequest) -> String {
    let mut words = vec![
        "gh workflow run".to_string(),
        shell_quote(&req.workflow),
        "--repo".into(),
        shell_quote(repository),
        "--ref".into(),
        shell_quote(&req.git_ref),
    ];
    for (name, value) in &req.inputs {
        words.push("-f".into());
        words.push(shell_quote(&format!("{name}={value}")));
    }
    words.join(" ")
}

/// Plans dispatching the release workflow on `read.git_ref` with `words` (`NAME=VALUE`) as
/// inputs, shipping to the context's environment.
pub fn plan(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    read: &WorkflowRead,
    words: &[String],
) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    let file = &read.workflow;
    if let Err(hint) = &read.writable {
        return Err(Refusal::by(
            Guard::Input,
            format!("starting the release workflow {file} needs a GitHub token: {hint}"),
        ));
    }
    let head = read.head.as_ref().map_err(unread)?;
    let triggers = read.triggers.as_ref().map_err(unread)?;
    let mut inputs = parse_inputs(words).map_err(|e| Refusal::by(Guard::Input, e))?;
    let names_environment = triggers
        .dispatch_inputs
        .iter()
        .flatten()
        .any(|i| i.name == ENVIRONMENT_INPUT);
    if names_environment && !inputs.contains_key(ENVIRONMENT_INPUT) {
        // The environment the operator chose is the one the workflow ships to.
        inputs.insert(ENVIRONMENT_INPUT.into(), spec.name.clone());
    }
    let req = DispatchRequest {
        workflow: file.clone(),
        git_ref: read.git_ref.clone(),
        inputs,
    };
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let protected = if spec.protected { " (PROTECTED)" } else { "" };
    let mut summary = vec![
        format!(
            "Run the release workflow {file} of {} on {}: GitHub Actions ships to {}{protected}",
            read.repository, read.git_ref, spec.name
        ),
        format!(
            "commit:        {} {} ({}, {})",
            head.short_sha(),
            head.message,
            head.author,
            head.date
        ),
    ];
    if let Some(declared) = &triggers.dispatch_inputs {
        summary.extend(input_lines(declared, &req.inputs));
    }
    summary.extend([
        format!("deployed now:  {}", data.deployed_text()),
        format!(
            "then:          the package it uploads to s3://{}/{} starts {}; followed up to its \
             approval",
            spec.source_bucket, spec.source_key, spec.pipeline
        ),
        "direct upload: `release ENV --from VERSION` (no workflow) copies a package instead".into(),
    ]);
    summary.extend(super::freeze::frozen_lines(data.state));
    let key_inputs = serde_json::to_string(&req.inputs).unwrap_or_default();
    let target = Target::new(
        format!(
            "dispatch {} {file} {}@{} {key_inputs}",
            read.repository, read.git_ref, head.sha
        ),
        format!(
            "the release workflow {file} on {} at {} → {}",
            read.git_ref,
            head.short_sha(),
            spec.name
        ),
    );
    if let Err(problem) = check_inputs(triggers, &req) {
        return Err(Refusal::by(Guard::Input, problem)
            .with_flag("--input NAME=VALUE")
            .with_draft(target, summary));
    }
    match shipped_to(triggers, &req.inputs) {
        Some(env) if env != spec.name => {
            return Err(Refusal::by(
                Guard::Input,
                format!(
                    "{file} would ship to {env} (its `{ENVIRONMENT_INPUT}` input), not to {}: \
                     give --input {ENVIRONMENT_INPUT}={}",
                    spec.name, spec.name
                ),
            ));
        }
        _ => {}
    }
    let call = ApiCall::new(
        "github",
        "CreateWorkflowDispatch",
        json!({
            "repository": read.repository,
            "workflow_id": file,
            "ref": req.git_ref,
            "inputs": req.inputs,
        }),
    );
    // What the release's execution meets: an approval it waits behind, an execution waiting
    // at a stage's entry that it supersedes or queues behind.
    let warnings = super::queue::new_execution_warnings(&spec.name, &data);
    Ok(Plan {
        kind: OpKind::Release,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings,
        target,
        aws_command: gh_command(&read.repository, &req),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Dispatch {
            repository: read.repository.clone(),
            workflow: file.clone(),
            git_ref: req.git_ref.clone(),
            head_sha: head.sha.clone(),
            inputs: req.inputs,
            environment: spec.name.clone(),
            pipeline: spec.pipeline.clone(),
            bucket: spec.source_bucket.clone(),
            source_key: spec.source_key.clone(),
        },
        note: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::github::read_workflow;
    use crate::domain::{EnvSpec, Timestamp};
    use crate::ops::SelfApproval;

    const RELEASE: &str = r#"
on:
  workflow_dispatch:
    inputs:
      version:
        description: The release to ship
        type: string
      notes:
        required: true
      environment:
        type: choice
        options: [prd]
        default: prd
"#;

    fn spec(name: &str, protected: bool) -> EnvSpec {
        EnvSpec {
            name: name.into(),
            protected,
            read_only: false,
            pipeline: format!("storefront-deployer-{name}"),
            source_bucket: "storefront-deployer-source".into(),
            source_key: format!("{name}/release.zip"),
            release_prefix: "releases/".into(),
            distribution_id: "E2".into(),
            logs_bucket: Some("logs".into()),
            logs_prefix: "cloudfront/".into(),
            log_groups: Vec::new(),
            build_log_group: None,
            site_url: None,
            api_url: None,
            promotes_from: None,
        }
    }

    fn read(text: &str) -> WorkflowRead {
        WorkflowRead {
            repository: "acme/storefront".into(),
            workflow: "release.yml".into(),
            git_ref: "main".into(),
            head: Ok(GitHubCommit {
                sha: "e20137b0c0ffee".into(),
                message: "Add gift cards".into(),
                author: "erin".into(),
                date: Timestamp(0),
            }),
            triggers: read_workflow("release.yml", text).map_err(|message| Unread {
                message,
                missing: true,
            }),
            writable: Ok(()),
        }
    }

    fn plan_with(spec: &EnvSpec, read: &WorkflowRead, words: &[&str]) -> Planned {
        let ctx = Context {
            spec,
            identity: None,
            now: Timestamp(0),
            read_only: false,
            self_approval: SelfApproval::Default,
            aws_identity: None,
        };
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        plan(&ctx, PipelineData::new(None, None, &[]), read, &words)
    }

    #[test]
    fn the_plan_shows_each_declared_input_with_its_default_and_the_gh_command() {
        let prd = spec("prd", true);
        let p = plan_with(
            &prd,
            &read(RELEASE),
            &["notes=Spring sale", "version=1.44.0"],
        )
        .unwrap();
        let text = p.summary.join("\n");
        assert!(text.contains("  version     = 1.44.0\n"), "{text}");
        assert!(
            text.contains("  notes       = Spring sale  — required"),
            "{text}"
        );
        assert!(text.contains("  environment = prd  — one of prd"), "{text}");
        assert_eq!(p.confirm, crate::ops::Confirm::TypeName("prd".into()));
        assert_eq!(
            p.aws_command,
            "gh workflow run release.yml --repo acme/storefront --ref main -f 'environment=prd' \
             -f 'notes=Spring sale' -f 'version=1.44.0'"
        );
        assert!(
            p.target.key.contains("main@e20137b0c0ffee"),
            "{}",
            p.target.key
        );
        let Request::Dispatch {
            inputs, head_sha, ..
        } = &p.request
        else {
            panic!("a dispatch")
        };
        assert_eq!(head_sha, "e20137b0c0ffee");
        assert_eq!(inputs.get("environment").map(String::as_str), Some("prd"));
    }

    #[test]
    fn bad_input_is_refused_naming_what_is_wrong() {
        let prd = spec("prd", true);
        let r = plan_with(&prd, &read(RELEASE), &["version=1.44.0"]).unwrap_err();
        assert_eq!(r.reason, "`notes` is required by release.yml");
        assert!(r.draft.is_some(), "the dialog keeps showing the facts");
        let r = plan_with(&prd, &read(RELEASE), &["notes=x", "enviroment=prd"]).unwrap_err();
        assert!(
            r.reason
                .contains("`enviroment` is not an input of release.yml (declared: version, notes, environment)"),
            "{}",
            r.reason
        );
        let r = plan_with(&prd, &read(RELEASE), &["notes"]).unwrap_err();
        assert_eq!(
            r.reason,
            "input `notes` is not NAME=VALUE (e.g. version=1.44.0)"
        );
        let r = plan_with(&spec("stg", false), &read(RELEASE), &["notes=x"]).unwrap_err();
        assert_eq!(r.reason, "`environment` is one of prd, not `stg`");
        let r = plan_with(&prd, &read("on: push\n"), &[]).unwrap_err();
        assert!(
            r.reason.contains("it has no `workflow_dispatch` trigger"),
            "{}",
            r.reason
        );
        let mut no_token = read(RELEASE);
        no_token.writable = Err("no GitHub token: set GITHUB_TOKEN".into());
        let r = plan_with(&prd, &no_token, &["notes=x"]).unwrap_err();
        assert_eq!(
            r.reason,
            "starting the release workflow release.yml needs a GitHub token: no GitHub token: \
             set GITHUB_TOKEN"
        );
        let mut no_ref = read(RELEASE);
        no_ref.head = Err(Unread {
            message: "acme/storefront has no branch or tag `mian`".into(),
            missing: true,
        });
        let r = plan_with(&prd, &no_ref, &["notes=x"]).unwrap_err();
        assert_eq!(
            (r.guard, r.reason.as_str()),
            (Guard::Input, "acme/storefront has no branch or tag `mian`")
        );
        no_ref.head = Err(Unread {
            message: "cannot read `main` of acme/storefront: timed out".into(),
            missing: false,
        });
        let r = plan_with(&prd, &no_ref, &["notes=x"]).unwrap_err();
        assert_eq!(
            r.guard,
            Guard::Unread,
            "a failed read is unknown, not bad input"
        );
    }
}
