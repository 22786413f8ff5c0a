//! Invalidate CloudFront paths of an environment's distribution; `verify` follows the
//! invalidation until it is `Completed`.

use super::super::guards::{self, Guard};
use super::super::shapes::{ApiCall, Context, OpKind, Plan, Planned, Refusal, Request, Target};
use serde_json::json;

/// CloudFront's limit on one path (characters).
pub const MAX_PATH: usize = 4000;
/// Paths per invalidation accepted here: shipdeck's own cap, well below CloudFront's 3,000 per
/// batch (CloudFront bills every path beyond 1,000 a month; a wildcard counts as one).
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
    let mut summary = vec![format!(
        "Invalidate {} of distribution {} ({}){}",
        match paths.len() {
            0 => "paths".to_string(),
            1 => "1 path".to_string(),
            n => format!("{n} paths"),
        },
        spec.distribution_id,
        spec.name,
        if spec.protected { " (PROTECTED)" } else { "" }
    )];
    if let Some(site) = &spec.site_url {
        summary.push(format!("site:          {site}"));
    }
    summary.extend(paths.iter().map(|p| format!("path:          {p}")));
    let target = Target::new(
        format!("{} paths {}", spec.distribution_id, paths.join(" ")),
        format!(
            "distribution {} ({})",
            spec.distribution_id,
            if paths.is_empty() {
                "no paths yet".to_string()
            } else {
                paths.join(" ")
            }
        ),
    );
    let draft = |r: Refusal| r.with_draft(target.clone(), summary.clone());
    if paths.is_empty() {
        return Err(draft(Refusal::missing(
            "name at least one path to invalidate, e.g. /index.html or /assets/*",
            "PATH...",
        )));
    }
    if paths.len() > MAX_PATHS {
        return Err(draft(Refusal::by(
            Guard::Input,
            format!(
                "{} paths: shipdeck sends at most {MAX_PATHS} in one invalidation (its own cap; \
                 CloudFront takes 3,000, but bills every path beyond 1,000 a month); use a \
                 wildcard such as /assets/*, which counts as one",
                paths.len()
            ),
        )));
    }
    for p in paths {
        check_path(p).map_err(|m| draft(Refusal::by(Guard::Input, m)))?;
    }
    summary.push(format!("idempotency:   CallerReference {caller_reference}"));
    let (confirm, confirm_check) = guards::confirmation(ctx);
    let call = ApiCall::new(
        "cloudfront",
        "CreateInvalidation",
        json!({
            "DistributionId": spec.distribution_id,
            "InvalidationBatch": {
                "Paths": { "Quantity": paths.len(), "Items": paths },
                "CallerReference": caller_reference,
            },
        }),
    );
    Ok(Plan {
        kind: OpKind::Invalidate,
        environment: spec.name.clone(),
        protected: spec.protected,
        summary,
        warnings: Vec::new(),
        target,
        aws_command: call.aws_command(),
        call,
        confirm,
        guards: vec![read_only, confirm_check],
        request: Request::Invalidate {
            distribution_id: spec.distribution_id.clone(),
            paths: paths.to_vec(),
            caller_reference: caller_reference.to_string(),
        },
        note: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EnvSpec, Timestamp};
    use crate::ops::SelfApproval;

    fn spec() -> EnvSpec {
        EnvSpec {
            name: "stg".into(),
            protected: false,
            read_only: false,
            pipeline: "storefront-deployer-stg".into(),
            source_bucket: "storefront-deployer-source".into(),
            source_key: "stg/release.zip".into(),
            release_prefix: "releases/".into(),
            distribution_id: "E2STGSTOREFRNT".into(),
            logs_bucket: Some("storefront-cloudfront-logs".into()),
            logs_prefix: "cloudfront/stg/".into(),
            log_groups: Vec::new(),
            build_log_group: None,
            site_url: None,
            api_url: None,
            promotes_from: None,
        }
    }

    /// The cap of 100 paths is shipdeck's, and the refusal says so (CloudFront's is 3,000).
    #[test]
    fn more_paths_than_shipdecks_cap_are_refused_as_its_own_cap() {
        let spec = spec();
        let ctx = Context {
            spec: &spec,
            identity: None,
            now: Timestamp(0),
            read_only: false,
            self_approval: SelfApproval::Default,
            aws_identity: None,
        };
        let paths: Vec<String> = (0..=MAX_PATHS).map(|i| format!("/p/{i}.html")).collect();
        let refusal = plan(&ctx, &paths, "ref").unwrap_err();
        assert_eq!(refusal.guard, Guard::Input);
        assert_eq!(
            refusal.reason,
            "101 paths: shipdeck sends at most 100 in one invalidation (its own cap; CloudFront \
             takes 3,000, but bills every path beyond 1,000 a month); use a wildcard such as \
             /assets/*, which counts as one"
        );
        assert!(plan(&ctx, &paths[..MAX_PATHS], "ref").is_ok());
    }
}
