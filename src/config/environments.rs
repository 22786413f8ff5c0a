//! `[[environments]]` into [`EnvSpec`]s: per-table keys, then names and promotion links across tables.

use super::error::ConfigError;
use super::identity::EnvIdentity;
use super::reader::Table;
use super::validate;
use crate::domain::EnvSpec;
use crate::domain::{HealthSpec, SelfApproval};
use std::collections::BTreeMap;
use std::ops::Range;

/// Keys of an `[[environments]]` table.
const ENV_KEYS: &[&str] = &[
    "name",
    "pipeline",
    "source_bucket",
    "source_key",
    "release_prefix",
    "distribution_id",
    "logs_bucket",
    "logs_prefix",
    "log_groups",
    "build_log_group",
    "deploy_project",
    "site_url",
    "api_url",
    "protected",
    "read_only",
    "promotes_from",
    "self_approval",
    "api_name",
    "lambda_function",
    "viewer_function",
    "health",
    "profile",
    "region",
    "role_arn",
    "external_id",
    "role_session_name",
    "endpoint_url",
    "athena",
];

/// The message when the file lists no environment.
const NO_ENVIRONMENTS: &str = "at least one environment is required; add an [[environments]] \
                               table (see assets/shipdeck.example.toml)";

/// One parsed environment and where its name and explicit `promotes_from` are.
struct Entry<'a, 'i> {
    table: Table<'a, 'i>,
    spec: EnvSpec,
    self_approval: SelfApproval,
    health: HealthSpec,
    deploy_project: Option<String>,
    identity: EnvIdentity,
    name_span: Range<usize>,
    promotes_span: Option<Range<usize>>,
}

/// The environments in file order, each one's self-approval setting and health settings by name,
/// the Deploy projects pinned (`deploy_project`) by name, and the identity keys each environment
/// sets itself, by name.
pub(crate) type Environments = (
    Vec<EnvSpec>,
    BTreeMap<String, SelfApproval>,
    BTreeMap<String, HealthSpec>,
    BTreeMap<String, String>,
    BTreeMap<String, EnvIdentity>,
);

/// Reads every `[[environments]]` table of `root`, in file order; `read_only` is the top-level
/// flag, `aws` the `[aws]` table's identity keys.
pub(crate) fn read(
    root: &Table<'_, '_>,
    read_only: bool,
    aws: &EnvIdentity,
) -> Result<Environments, ConfigError> {
    let none = || match root.path() {
        "" => NO_ENVIRONMENTS.to_string(),
        _ => NO_ENVIRONMENTS.replace("[[environments]]", "[[systems.environments]]"),
    };
    let tables = root
        .tables("environments")?
        .ok_or_else(|| root.invalid("environments", &root.span(), none()))?;
    if tables.get_ref().is_empty() {
        return Err(root.invalid("environments", &tables.span(), none()));
    }
    let mut entries: Vec<Entry<'_, '_>> = Vec::new();
    for table in tables.into_inner() {
        let previous = entries.last().map(|e| e.spec.name.as_str());
        let entry = one(table, previous, read_only, aws)?;
        if let Some(first) = entries.iter().find(|e| e.spec.name == entry.spec.name) {
            let message = format!(
                "duplicate environment name `{}` (already used by {})",
                entry.spec.name,
                first.table.path()
            );
            return Err(entry.table.invalid("name", &entry.name_span, message));
        }
        entries.push(entry);
    }
    check_promotions(&entries)?;
    let policies = entries
        .iter()
        .map(|e| (e.spec.name.clone(), e.self_approval))
        .collect();
    let health = entries
        .iter()
        .map(|e| (e.spec.name.clone(), e.health.clone()))
        .collect();
    let projects = entries
        .iter()
        .filter_map(|e| Some((e.spec.name.clone(), e.deploy_project.clone()?)))
        .collect();
    let identities = entries
        .iter()
        .filter(|e| !e.identity.is_empty())
        .map(|e| (e.spec.name.clone(), e.identity.clone()))
        .collect();
    Ok((
        entries.into_iter().map(|e| e.spec).collect(),
        policies,
        health,
        projects,
        identities,
    ))
}

fn one<'a, 'i>(
    t: Table<'a, 'i>,
    previous: Option<&str>,
    global_read_only: bool,
    aws: &EnvIdentity,
) -> Result<Entry<'a, 'i>, ConfigError> {
    t.deny_unknown(ENV_KEYS)?;
    let name = t.required_str("name")?;
    validate::env_name(name.get_ref()).map_err(|m| t.invalid("name", &name.span(), m))?;
    let pipeline = t.required_str("pipeline")?;
    validate::pipeline(pipeline.get_ref())
        .map_err(|m| t.invalid("pipeline", &pipeline.span(), m))?;
    let source_bucket = t.required_str("source_bucket")?;
    validate::bucket(source_bucket.get_ref())
        .map_err(|m| t.invalid("source_bucket", &source_bucket.span(), m))?;
    let source_key = t.required_str("source_key")?;
    let distribution_id = t.required_str("distribution_id")?;
    validate::distribution_id(distribution_id.get_ref())
        .map_err(|m| t.invalid("distribution_id", &distribution_id.span(), m))?;
    let logs_bucket = match t.str("logs_bucket")? {
        None => None,
        Some(v) => {
            validate::bucket(v.get_ref()).map_err(|m| t.invalid("logs_bucket", &v.span(), m))?;
            Some(v.get_ref().to_string())
        }
    };
    if let Some(v) = t.str("logs_prefix")? {
        crate::accesslog::KeyTemplate::parse(v.get_ref())
            .map_err(|m| t.invalid("logs_prefix", &v.span(), m))?;
    }
    let text = |key: &str| -> Result<String, ConfigError> {
        Ok(t.str(key)?
            .map(|v| v.get_ref().to_string())
            .unwrap_or_default())
    };
    let url = |key: &str| -> Result<Option<String>, ConfigError> {
        let Some(v) = t.str(key)? else {
            return Ok(None);
        };
        validate::url(v.get_ref()).map_err(|m| t.invalid(key, &v.span(), m))?;
        Ok(Some(v.get_ref().to_string()))
    };
    let mut log_groups = Vec::new();
    for (i, group) in t
        .str_list("log_groups")?
        .unwrap_or_default()
        .into_iter()
        .enumerate()
    {
        let key = format!("log_groups[{i}]");
        if group.get_ref().trim().is_empty() {
            return Err(t.invalid(&key, &group.span(), "must not be empty"));
        }
        validate::log_group(group.get_ref()).map_err(|m| t.invalid(&key, &group.span(), m))?;
        log_groups.push(group.get_ref().to_string());
    }
    let build_log_group = match t.str("build_log_group")? {
        None => None,
        Some(v) => {
            validate::log_group(v.get_ref())
                .map_err(|m| t.invalid("build_log_group", &v.span(), m))?;
            Some(v.get_ref().to_string())
        }
    };
    let deploy_project = match t.str("deploy_project")? {
        None => None,
        Some(v) => {
            validate::codebuild_project(v.get_ref())
                .map_err(|m| t.invalid("deploy_project", &v.span(), m))?;
            Some(v.get_ref().to_string())
        }
    };
    let promotes = t.str("promotes_from")?;
    let self_approval = match t.str("self_approval")? {
        None => SelfApproval::Default,
        Some(v) => SelfApproval::parse(v.get_ref()).ok_or_else(|| {
            t.invalid(
                "self_approval",
                &v.span(),
                format!("expected \"refuse\" or \"allow\", found `{}`", v.get_ref()),
            )
        })?,
    };
    let spec = EnvSpec {
        name: name.get_ref().to_string(),
        protected: t.bool("protected")?.unwrap_or(false),
        read_only: t.bool("read_only")?.unwrap_or(false) || global_read_only,
        pipeline: pipeline.get_ref().to_string(),
        source_bucket: source_bucket.get_ref().to_string(),
        source_key: source_key.get_ref().to_string(),
        release_prefix: text("release_prefix")?,
        distribution_id: distribution_id.get_ref().to_string(),
        logs_bucket,
        logs_prefix: text("logs_prefix")?,
        log_groups,
        build_log_group,
        site_url: url("site_url")?,
        api_url: url("api_url")?,
        promotes_from: match &promotes {
            // An explicit empty string means "promotes from nothing".
            Some(p) if p.get_ref().is_empty() => None,
            Some(p) => Some(p.get_ref().to_string()),
            None => previous.map(str::to_string),
        },
    };
    let health = super::health::read(&t, &spec.log_groups)?;
    let identity = super::identity::read(&t, Some(&spec.name), aws)?;
    Ok(Entry {
        table: t,
        spec,
        self_approval,
        health,
        deploy_project,
        identity,
        name_span: name.span(),
        promotes_span: promotes.map(|p| p.span()),
    })
}

/// Explicit `promotes_from` values name another listed environment and form no cycle.
fn check_promotions(entries: &[Entry<'_, '_>]) -> Result<(), ConfigError> {
    let names: Vec<&str> = entries.iter().map(|e| e.spec.name.as_str()).collect();
    for entry in entries {
        let (Some(from), Some(span)) = (&entry.spec.promotes_from, &entry.promotes_span) else {
            continue;
        };
        let message = if *from == entry.spec.name {
            format!("environment `{from}` cannot promote from itself")
        } else if !names.contains(&from.as_str()) {
            format!(
                "unknown environment `{from}`; expected one of {}",
                names.join(", ")
            )
        } else {
            continue;
        };
        return Err(entry.table.invalid("promotes_from", span, message));
    }
    for (start, entry) in entries.iter().enumerate() {
        let mut chain = vec![entry.spec.name.as_str()];
        let mut at = start;
        while let Some(next) = entries[at].spec.promotes_from.as_deref() {
            let Some(i) = names.iter().position(|n| *n == next) else {
                break;
            };
            chain.push(next);
            if i == start {
                let span = entry
                    .promotes_span
                    .clone()
                    .unwrap_or_else(|| entry.name_span.clone());
                let message = format!("promotion cycle: {}", chain.join(" → "));
                return Err(entry.table.invalid("promotes_from", &span, message));
            }
            if chain.len() > entries.len() {
                break;
            }
            at = i;
        }
    }
    Ok(())
}
