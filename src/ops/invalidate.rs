//! Invalidate CloudFront paths of an environment's distribution; `verify` follows the
//! invalidation until it is `Completed`.

use super::guards::{self, Guard};
use super::plan::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request};
use super::text::aws_command;

/// CloudFront's limit on one path.
pub const MAX_PATH: usize = 4096;
/// Paths per invalidation accepted here (CloudFront bills beyond 1,000 a month).
pub const MAX_PATHS: usize = 100;

/// Checks one path: starts with `/`, no whitespace, `*` only as the last character.
pub fn check_path(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("path `{path}` must start with `/`"));
    }
    if path.len() > MAX_PATH || path.chars().any(char::is_whitespace) {
        return Err(format!(
            "path `{path}` must have no spaces and at most {MAX_PATH} characters"
        ));
    }
    if path.find('*').is_some_and(|i| i + 1 != path.len()) {
        return Err(format!("path `{path}`: `*` is only allowed at the end"));
    }
    Ok(())
}

/// Plans invalidating `paths`; `caller_reference` is the idempotency token of this confirmation.
pub fn plan(ctx: &Context<'_>, paths: &[String], caller_reference: &str) -> Planned {
    let read_only = guards::read_only(ctx)?;
    let spec = ctx.spec;
    if paths.is_empty() {
        return Err(Refusal::by(
            Guard::Input,
            "name at least one path to invalidate, e.g. /index.html or /assets/*",
        ));
    }
    if paths.len() > MAX_PATHS {
        return Err(Refusal::by(
            Guard::Input,
            format!("at most {MAX_PATHS} paths at once; use a wildcard such as /assets/*"),
        ));
    }
    for p in paths {
        check_path(p).map_err(|m| Refusal::by(Guard::Input, m))?;
    }
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let mut summary = vec![format!(
        "Invalidate {} path{} of distribution {} ({}){}",
        paths.len(),
        if paths.len() == 1 { "" } else { "s" },
        spec.distribution_id,
        spec.name,
        if spec.protected { " (PROTECTED)" } else { "" }
    )];
    if let Some(site) = &spec.site_url {
        summary.push(format!("site:          {site}"));
    }
    summary.extend(paths.iter().map(|p| format!("path:          {p}")));
    summary.push(format!("idempotency:   CallerReference {caller_reference}"));
    let joined = paths.join(" ");
    Ok(Plan {
        kind: OpKind::Invalidate,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        call: ApiCall::new(
            "cloudfront",
            "CreateInvalidation",
            &[
                ("DistributionId", spec.distribution_id.clone()),
                ("Paths", joined.clone()),
                ("CallerReference", caller_reference.to_string()),
            ],
        ),
        aws_command: format!(
            "{} --paths {}",
            aws_command(
                "cloudfront",
                "create-invalidation",
                &[("distribution-id", spec.distribution_id.clone())]
            ),
            paths
                .iter()
                .map(|p| super::shell_quote(p))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Invalidate {
            distribution_id: spec.distribution_id.clone(),
            paths: paths.to_vec(),
            caller_reference: caller_reference.to_string(),
        },
    })
}
