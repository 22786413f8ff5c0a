//! Trigger a deployment: `StartPipelineExecution` with an idempotency token, optional variables
//! and a source revision override.

use super::super::data::PipelineData;
use super::super::guards;
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use crate::domain::{ActionCategory, ExecutionMode, ExecutionSummary, PipelineDef, Release};
use serde_json::json;
use std::collections::BTreeMap;

/// The operator's choices for a deployment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeployOptions {
    /// Idempotency token, made once per confirmation by the caller (≤ 128 characters).
    pub client_request_token: String,
    /// Pipeline variables.
    pub variables: BTreeMap<String, String>,
    /// The S3 object version of the source to deploy instead of the latest.
    pub source_version: Option<String>,
}

/// Plans a new execution of the environment's pipeline.
pub fn plan(ctx: &Context<'_>, data: PipelineData<'_>, opts: &DeployOptions) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let token = &opts.client_request_token;
    if token.is_empty() || token.len() > 128 {
        return Err(Refusal::by(
            guards::Guard::Input,
            "the idempotency token must be 1-128 characters",
        ));
    }
    let spec = ctx.spec;
    let (variable_lines, variable_warnings) =
        match variables(data.def, &spec.pipeline, &opts.variables) {
            Ok(checked) => checked,
            Err(r) => return Err(without_variables(ctx, data, opts, r)),
        };
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let mut sources = BTreeMap::new();
    let describe = |e: &ExecutionSummary| {
        let release = e
            .release()
            .map(|r| format!("{} by {}", r.version, r.actor))
            .unwrap_or_else(|| "unknown release".into());
        format!("{} {} ({release})", e.id, e.status.as_str())
    };
    // What the new execution fetches: the version asked for, else the source object's version
    // as read (pinned, so that a newer object written meanwhile is not deployed unseen).
    let object = data.source.flatten();
    let pinned = opts
        .source_version
        .clone()
        .or_else(|| object.and_then(|o| o.version_id.clone()));
    let source_line = match (&opts.source_version, object) {
        (Some(v), _) => format!("version {v} (asked for)"),
        (None, Some(o)) => format!(
            "version {} — {} (written {})",
            o.version_id
                .as_deref()
                .unwrap_or("(unversioned: the latest)"),
            o.release
                .as_ref()
                .map_or("no release in its metadata".to_string(), Release::describe),
            o.last_modified
        ),
        (None, None) if data.source.is_some() => "— there is no source object".to_string(),
        (None, None) => "the latest version (the source object is not read yet)".to_string(),
    };
    let mut summary = vec![
        format!(
            "Start a new execution of {} in {}{}",
            spec.pipeline,
            spec.name,
            if spec.protected { " (PROTECTED)" } else { "" }
        ),
        format!(
            "source:        s3://{}/{} {source_line}",
            spec.source_bucket, spec.source_key
        ),
        format!("deployed now:  {}", data.deployed_text()),
    ];
    let mut warnings = Vec::new();
    if opts.source_version.is_none() && data.source == Some(None) {
        warnings.push(format!(
            "s3://{}/{} does not exist: the execution's Source stage will fail (release a package \
             first)",
            spec.source_bucket, spec.source_key
        ));
    }
    if opts.source_version.is_none()
        && let (Some(ships), Some(runs)) = (
            object.and_then(|o| o.release.as_ref()),
            data.deployed_release(),
        )
        && ships.version == runs.version
    {
        warnings.push(format!(
            "{} already runs {}: this runs the pipeline again on the same release",
            spec.name, runs.version
        ));
    }
    if let Some(active) = data.executions.iter().find(|e| e.status.is_active()) {
        // What the new execution does next to it follows the pipeline's execution mode.
        let beside = match data.def.map(|d| d.execution_mode) {
            Some(ExecutionMode::Superseded) => {
                "a newer execution supersedes one waiting between stages"
            }
            Some(ExecutionMode::Queued) => "QUEUED: the new execution waits its turn at each stage",
            Some(ExecutionMode::Parallel) => "PARALLEL: the new execution runs beside it",
            None => "the pipeline's execution mode is not read: the new one may queue or supersede",
        };
        summary.push(format!("running now:   {} ({beside})", describe(active)));
    }
    summary.extend(variable_lines);
    warnings.extend(variable_warnings);
    warnings.extend(super::queue::new_execution_warnings(&spec.name, &data));
    summary.push(format!("idempotency:   clientRequestToken {token}"));
    summary.extend(super::freeze::frozen_lines(data.state));
    let source_action = source_action(data.def);
    let mut params = json!({ "name": spec.pipeline });
    if !opts.variables.is_empty() {
        let vars: Vec<_> = opts
            .variables
            .iter()
            .map(|(k, v)| json!({ "name": k, "value": v }))
            .collect();
        params["variables"] = json!(vars);
    }
    params["clientRequestToken"] = json!(token);
    if let Some(v) = &pinned {
        params["sourceRevisions"] = json!([{
            "actionName": source_action,
            "revisionType": "S3_OBJECT_VERSION_ID",
            "revisionValue": v,
        }]);
        sources.insert(source_action.to_string(), v.clone());
    }
    let call = ApiCall::new("codepipeline", "StartPipelineExecution", params);
    let ships = object
        .filter(|_| opts.source_version.is_none())
        .and_then(|o| o.release.as_ref())
        .map(|r| format!(" ({})", r.version))
        .unwrap_or_default();
    let what = pinned
        .as_deref()
        .map_or("the latest source".to_string(), |v| {
            format!("source version {v}{ships}")
        });
    Ok(Plan {
        kind: OpKind::Deploy,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings,
        target: {
            let key = format!("{} {what}", spec.pipeline);
            let text = format!("a new execution of {} on {what}", spec.pipeline);
            if pinned.is_some() || data.source.is_some() {
                Target::new(key, text)
            } else {
                // Which version "the latest" is shows once the source object is read.
                Target::provisional(key, text)
            }
        },
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Start {
            pipeline: spec.pipeline.clone(),
            client_request_token: token.clone(),
            variables: opts.variables.clone(),
            source_revisions: sources,
        },
        note: None,
    })
}

/// A refusal of the variables given, carrying the plan made without them as its draft: the
/// dialog keeps showing what the start would act on while the operator fixes the field.
pub fn without_variables(
    ctx: &Context<'_>,
    data: PipelineData<'_>,
    opts: &DeployOptions,
    refusal: Refusal,
) -> Refusal {
    let bare = DeployOptions {
        variables: BTreeMap::new(),
        ..opts.clone()
    };
    drafted(refusal, plan(ctx, data, &bare))
}

/// `refusal` (of the variables) carrying what `without` — the start planned without them —
/// knows: its target and facts, or its own draft when it was refused too.
pub fn drafted(refusal: Refusal, without: Planned) -> Refusal {
    match without {
        Ok(p) => refusal.with_draft(p.target, p.summary),
        Err(r) => match r.draft {
            Some(d) => refusal.with_draft(d.target, d.summary),
            None => refusal,
        },
    }
}

/// Most variables one start may pass (`StartPipelineExecution`).
const MAX_VARIABLES: usize = 50;

/// The start's variables checked as CodePipeline checks them, before the operator confirms:
/// names of 1–128 of `A-Za-z0-9@-_`, values of 1–1,000 characters, at most 50, each declared by
/// the pipeline (a V1 pipeline declares none). Gives the plan's lines — every declared variable
/// with the value the execution will run with, passed or default — and its warnings (a variable
/// declared without a default and not passed; a definition not read yet, so names unchecked).
fn variables(
    def: Option<&PipelineDef>,
    pipeline: &str,
    given: &BTreeMap<String, String>,
) -> Result<(Vec<String>, Vec<String>), Refusal> {
    let refuse = |why: String| Err(Refusal::by(guards::Guard::Input, why));
    if given.len() > MAX_VARIABLES {
        return refuse(format!(
            "{} variables given; a start passes at most {MAX_VARIABLES}",
            given.len()
        ));
    }
    for (name, value) in given {
        let name_ok = (1..=128).contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '-' | '_'));
        if !name_ok {
            return refuse(format!(
                "variable name `{name}`: expected 1-128 of the characters A-Z a-z 0-9 @ - _"
            ));
        }
        if value.is_empty() || value.chars().count() > 1000 {
            return refuse(format!(
                "variable {name}: the value must be 1-1000 characters (CodePipeline refuses an \
                 empty one; leave the variable out to use its default)"
            ));
        }
    }
    let Some(def) = def else {
        let lines = given
            .iter()
            .map(|(k, v)| format!("variable:      {k}={v}"))
            .collect();
        let warnings = if given.is_empty() {
            Vec::new()
        } else {
            vec![format!(
                "the definition of {pipeline} is not read yet: the variables' names are not \
                 checked against the ones it declares"
            )]
        };
        return Ok((lines, warnings));
    };
    if let Some(name) = given
        .keys()
        .find(|k| !def.variables.iter().any(|d| &d.name == *k))
    {
        let declared: Vec<&str> = def.variables.iter().map(|d| d.name.as_str()).collect();
        return refuse(if declared.is_empty() {
            format!(
                "variable {name}: {pipeline} declares no pipeline variables (variables are a \
                 V2 pipeline's, declared in its definition)"
            )
        } else {
            format!(
                "variable {name} is not declared by {pipeline}; it declares {}",
                declared.join(", ")
            )
        });
    }
    let mut lines = Vec::new();
    let mut warnings = Vec::new();
    for d in &def.variables {
        let line = match (given.get(&d.name), &d.default) {
            (Some(v), _) => format!("variable:      {}={v}", d.name),
            (None, Some(default)) => format!("variable:      {}={default} (default)", d.name),
            (None, None) => {
                warnings.push(format!(
                    "variable {} has no default and is not passed (--var {}=VALUE)",
                    d.name, d.name
                ));
                format!("variable:      {} (no value)", d.name)
            }
        };
        lines.push(line);
    }
    Ok((lines, warnings))
}

/// The name of the pipeline's S3 source action (`Source` when the definition is not known).
pub fn source_action(def: Option<&PipelineDef>) -> &str {
    def.and_then(|d| d.stages.first())
        .and_then(|s| {
            s.actions
                .iter()
                .find(|a| a.category == ActionCategory::Source)
        })
        .map_or("Source", |a| a.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        ActionDef, EnvSpec, PipelineType, SourceObject, StageDef, Timestamp, VariableDecl,
    };
    use crate::ops::SelfApproval;

    fn spec() -> EnvSpec {
        EnvSpec {
            name: "dev".into(),
            protected: false,
            read_only: false,
            pipeline: "storefront-deployer-dev".into(),
            source_bucket: "storefront-deployer-source".into(),
            source_key: "dev/release.zip".into(),
            release_prefix: "releases/".into(),
            distribution_id: "E1".into(),
            logs_bucket: None,
            logs_prefix: "cloudfront/".into(),
            log_groups: Vec::new(),
            build_log_group: None,
            site_url: None,
            api_url: None,
            promotes_from: None,
        }
    }

    fn def() -> PipelineDef {
        PipelineDef {
            name: "storefront-deployer-dev".into(),
            version: 1,
            stages: vec![StageDef {
                name: "Source".into(),
                actions: vec![ActionDef {
                    name: "Source".into(),
                    category: ActionCategory::Source,
                    provider: "S3".into(),
                    run_order: 1,
                    configuration: Default::default(),
                    timeout_minutes: None,
                }],
                conditions: Vec::new(),
            }],
            pipeline_type: Some(PipelineType::V2),
            execution_mode: Default::default(),
            variables: vec![VariableDecl {
                name: "commit".into(),
                default: Some("-".into()),
                description: None,
            }],
        }
    }

    fn with(vars: &[(&str, &str)]) -> DeployOptions {
        DeployOptions {
            client_request_token: "tok".into(),
            variables: vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            source_version: None,
        }
    }

    /// A start refused for its variables (too many, a bad name, an undeclared one) keeps the
    /// plan made without them as its draft: the open dialog goes on showing the target and the
    /// facts next to the variable's error.
    #[test]
    fn a_start_refused_for_its_variables_keeps_the_plan_without_them_as_its_draft() {
        let spec = spec();
        let def = def();
        let ctx = Context {
            spec: &spec,
            identity: None,
            now: Timestamp(0),
            read_only: false,
            self_approval: SelfApproval::Default,
            aws_identity: None,
        };
        let object = SourceObject {
            bucket: spec.source_bucket.clone(),
            key: spec.source_key.clone(),
            version_id: Some("v-7".into()),
            last_modified: Timestamp(0),
            release: None,
        };
        let data = PipelineData {
            source: Some(Some(&object)),
            ..PipelineData::new(Some(&def), None, &[])
        };
        let bare = plan(&ctx, data, &with(&[])).unwrap();
        let many: Vec<(String, String)> = (0..51).map(|i| (format!("v{i}"), "x".into())).collect();
        let many: Vec<(&str, &str)> = many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        for (vars, why) in [
            (vec![("comit", "abc")], "comit is not declared"),
            (vec![("a b", "x")], "variable name `a b`"),
            (vec![("commit", "")], "the value must be"),
            (many, "51 variables given"),
        ] {
            let r = plan(&ctx, data, &with(&vars)).unwrap_err();
            assert!(r.reason.contains(why), "{}", r.reason);
            let draft = r.draft.unwrap_or_else(|| panic!("{why}: no draft"));
            assert_eq!(draft.target, bare.target, "{why}");
            assert_eq!(draft.summary, bare.summary, "{why}");
        }
        // What refuses the start itself (read-only) carries no draft of a start.
        let ro = Context {
            read_only: true,
            ..ctx
        };
        let r = plan(&ro, data, &with(&[("comit", "abc")])).unwrap_err();
        assert!(r.draft.is_none(), "{}", r.reason);
    }
}
