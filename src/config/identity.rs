//! Who an environment's calls are made as and where they go: the `profile`, `region`,
//! `role_arn`, `external_id`, `role_session_name` and `endpoint_url` keys of `[aws]` and of each
//! `[[environments]]` table, each environment's falling back to `[aws]`'s key by key.

use super::error::ConfigError;
use super::reader::Table;
use super::validate;

/// The identity keys, as both `[aws]` and `[[environments]]` tables accept them.
pub(crate) const IDENTITY_KEYS: [&str; 6] = [
    "profile",
    "region",
    "role_arn",
    "external_id",
    "role_session_name",
    "endpoint_url",
];

/// One table's identity keys: each `None` when the table leaves it out.
///
/// Two environments with equal resolved identities share one set of AWS clients (and one
/// `GetCallerIdentity`).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EnvIdentity {
    /// Named profile from `~/.aws/config` (SSO profiles work): the base credentials.
    pub profile: Option<String>,
    /// Region, e.g. `eu-west-1`.
    pub region: Option<String>,
    /// A role assumed with the profile's credentials (`sts:AssumeRole`), e.g.
    /// `arn:aws:iam::222222222222:role/shipdeck-operator`.
    pub role_arn: Option<String>,
    /// The external id the role's trust policy asks for.
    pub external_id: Option<String>,
    /// The role session's name (what CloudTrail shows); default `shipdeck-<environment>`.
    pub role_session_name: Option<String>,
    /// Endpoint override, e.g. a local emulator.
    pub endpoint_url: Option<String>,
}

impl EnvIdentity {
    /// This table's keys, each falling back to `base`'s (the `[aws]` table's).
    pub fn or(&self, base: &EnvIdentity) -> EnvIdentity {
        let pick = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
        EnvIdentity {
            profile: pick(&self.profile, &base.profile),
            region: pick(&self.region, &base.region),
            role_arn: pick(&self.role_arn, &base.role_arn),
            external_id: pick(&self.external_id, &base.external_id),
            role_session_name: pick(&self.role_session_name, &base.role_session_name),
            endpoint_url: pick(&self.endpoint_url, &base.endpoint_url),
        }
    }

    /// Whether the table sets none of the keys.
    pub fn is_empty(&self) -> bool {
        *self == EnvIdentity::default()
    }

    /// The account a role ARN names (`arn:aws:iam::<account>:role/…`).
    pub fn role_account(&self) -> Option<&str> {
        self.role_arn
            .as_deref()
            .and_then(|arn| arn.split(':').nth(4))
    }
}

/// Reads the identity keys of `t`; `env` names the environment in messages (`None` for `[aws]`);
/// `base` is `[aws]`'s, for the keys that only make sense with a role.
pub(crate) fn read(
    t: &Table<'_, '_>,
    env: Option<&str>,
    base: &EnvIdentity,
) -> Result<EnvIdentity, ConfigError> {
    let about = |m: String| match env {
        Some(name) => format!("environment `{name}`: {m}"),
        None => m,
    };
    let mut out = EnvIdentity::default();
    for key in IDENTITY_KEYS {
        let Some(v) = t.str(key)? else { continue };
        let text = v.get_ref().trim();
        // An empty URL is said to be no URL, as `url` says it.
        if text.is_empty() && key != "endpoint_url" {
            let m = "must not be empty (leave the key out instead)".to_string();
            return Err(t.invalid(key, &v.span(), about(m)));
        }
        let checked = match key {
            "region" => validate::region(text),
            "role_arn" => role_arn(text),
            "external_id" => external_id(text),
            "role_session_name" => session_name(text),
            "endpoint_url" => validate::url(text),
            _ => Ok(()),
        };
        checked.map_err(|m| t.invalid(key, &v.span(), about(m)))?;
        let slot = match key {
            "profile" => &mut out.profile,
            "region" => &mut out.region,
            "role_arn" => &mut out.role_arn,
            "external_id" => &mut out.external_id,
            "role_session_name" => &mut out.role_session_name,
            _ => &mut out.endpoint_url,
        };
        *slot = Some(text.to_string());
    }
    if out.role_arn.is_none() && base.role_arn.is_none() {
        for key in ["external_id", "role_session_name"] {
            if let Some(v) = t.str(key)? {
                let m = format!("{key} is only used with role_arn, which is not set");
                return Err(t.invalid(key, &v.span(), about(m)));
            }
        }
    }
    Ok(out)
}

/// An IAM role ARN: `arn:<partition>:iam::<12 digits>:role/<path and name>`.
pub(crate) fn role_arn(arn: &str) -> Result<(), String> {
    let expected = "expected an IAM role ARN such as arn:aws:iam::222222222222:role/shipdeck";
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [head, partition, service, region, account, resource] = parts.as_slice() else {
        return Err(format!("{expected}, found `{arn}`"));
    };
    let partition_ok = *partition == "aws"
        || partition.strip_prefix("aws-").is_some_and(|p| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
        });
    if *head != "arn" || !partition_ok || *service != "iam" || !region.is_empty() {
        return Err(format!("{expected}, found `{arn}`"));
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{expected}: the account must be 12 digits, found `{account}` in `{arn}`"
        ));
    }
    let name = resource.strip_prefix("role/").unwrap_or_default();
    let name_ok = !name.is_empty()
        && !name.ends_with('/')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b));
    if !name_ok {
        let hint = if resource.starts_with("user/") {
            " (that is a user, not a role)"
        } else {
            ""
        };
        return Err(format!(
            "{expected}: the resource must be `role/NAME`, found `{resource}`{hint}"
        ));
    }
    Ok(())
}

/// An STS external id: 2 to 1224 characters of letters, digits and `+=,.@:/-_`.
fn external_id(id: &str) -> Result<(), String> {
    let ok = (2..=1224).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@:/-_".contains(&b));
    ok.then_some(()).ok_or_else(|| {
        "expected 2-1224 letters, digits and `+=,.@:/-_` (as sts:AssumeRole takes it)".to_string()
    })
}

/// An STS role session name: 2 to 64 letters, digits and `+=,.@-_`.
fn session_name(name: &str) -> Result<(), String> {
    let ok = (2..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@-_".contains(&b));
    ok.then_some(()).ok_or_else(|| {
        format!("expected 2-64 letters, digits and `+=,.@-_` (as sts:AssumeRole takes it), found `{name}`")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_are_checked_by_shape() {
        for good in [
            "arn:aws:iam::222222222222:role/shipdeck-operator",
            "arn:aws:iam::222222222222:role/ops/deploy/shipdeck",
            "arn:aws-us-gov:iam::222222222222:role/x",
            "arn:aws-cn:iam::222222222222:role/x",
        ] {
            assert_eq!(role_arn(good), Ok(()), "{good}");
        }
        for (bad, says) in [
            ("shipdeck-operator", "expected an IAM role ARN"),
            ("arn:aws:iam::2222:role/x", "12 digits, found `2222`"),
            (
                "arn:aws:iam::222222222222:user/alice",
                "(that is a user, not a role)",
            ),
            (
                "arn:aws:sts::222222222222:role/x",
                "expected an IAM role ARN",
            ),
            (
                "arn:aws:iam:eu-west-1:222222222222:role/x",
                "expected an IAM role ARN",
            ),
            (
                "arn:azure:iam::222222222222:role/x",
                "expected an IAM role ARN",
            ),
            ("arn:aws:iam::222222222222:role/", "must be `role/NAME`"),
        ] {
            let err = role_arn(bad).unwrap_err();
            assert!(err.contains(says), "{bad}: {err}");
        }
    }

    #[test]
    fn an_environment_falls_back_to_the_aws_table_key_by_key() {
        let base = EnvIdentity {
            profile: Some("ops".into()),
            region: Some("eu-west-1".into()),
            ..EnvIdentity::default()
        };
        let prd = EnvIdentity {
            role_arn: Some("arn:aws:iam::222222222222:role/shipdeck".into()),
            region: Some("eu-central-1".into()),
            ..EnvIdentity::default()
        };
        let merged = prd.or(&base);
        assert_eq!(merged.profile.as_deref(), Some("ops"));
        assert_eq!(merged.region.as_deref(), Some("eu-central-1"));
        assert_eq!(merged.role_account(), Some("222222222222"));
        assert_eq!(EnvIdentity::default().or(&base), base);
    }

    /// Three environments over two accounts: dev and stg take `[aws]`'s profile and region, prd
    /// assumes a role in its own account and region; equal identities compare equal.
    #[test]
    fn each_environment_resolves_its_identity_from_its_table_and_the_aws_table() {
        let text = r#"
[aws]
profile = "ops-sso"
region = "eu-west-1"

[[environments]]
name = "dev"
pipeline = "p-dev"
source_bucket = "source-bucket"
source_key = "dev/release.zip"
distribution_id = "E2DEV"

[[environments]]
name = "stg"
pipeline = "p-stg"
source_bucket = "source-bucket"
source_key = "stg/release.zip"
distribution_id = "E2STG"

[[environments]]
name = "prd"
pipeline = "p-prd"
source_bucket = "source-bucket"
source_key = "prd/release.zip"
distribution_id = "E2PRD"
role_arn = "arn:aws:iam::222222222222:role/shipdeck-operator"
external_id = "storefront-ops"
region = "eu-central-1"
"#;
        let c = crate::config::Config::from_str(text, None).unwrap();
        assert_eq!(c.identity("dev"), c.identity("stg"));
        assert_eq!(c.identity("dev").profile.as_deref(), Some("ops-sso"));
        assert_eq!(c.identity("dev").role_arn, None);
        let prd = c.identity("prd");
        assert_ne!(prd, c.identity("dev"));
        assert_eq!(
            prd.profile.as_deref(),
            Some("ops-sso"),
            "the base profile of the role"
        );
        assert_eq!(prd.region.as_deref(), Some("eu-central-1"));
        assert_eq!(prd.role_account(), Some("222222222222"));
        assert_eq!(prd.external_id.as_deref(), Some("storefront-ops"));

        for (key, value, says) in [
            (
                "region",
                "eu-westt-1",
                "<config>:28:10: environments[2].region: environment `prd`: unknown AWS region `eu-westt-1`; did you mean `eu-west-1`?",
            ),
            (
                "role_arn",
                "arn:aws:iam::2222:role/x",
                "environments[2].role_arn: environment `prd`: expected an IAM role ARN",
            ),
            (
                "role_session_name",
                "has space",
                "environments[2].role_session_name: environment `prd`: expected 2-64",
            ),
            (
                "profile",
                "",
                "environments[2].profile: environment `prd`: must not be empty",
            ),
        ] {
            let base = text.replace("region = \"eu-central-1\"\n", "").replace(
                "role_arn = \"arn:aws:iam::222222222222:role/shipdeck-operator\"\n",
                "",
            );
            let role = "role_arn = \"arn:aws:iam::222222222222:role/r\"\n";
            let role = if key == "role_arn" { "" } else { role };
            let bad = format!("{base}{role}{key} = \"{value}\"\n");
            let err = crate::config::Config::from_str(&bad, None)
                .unwrap_err()
                .to_string();
            assert!(err.contains(says), "{key}: {err}");
        }
        let no_role = text.replace(
            "role_arn = \"arn:aws:iam::222222222222:role/shipdeck-operator\"\n",
            "",
        );
        let err = crate::config::Config::from_str(&no_role, None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("environments[2].external_id: environment `prd`: external_id is only used with role_arn"),
            "{err}"
        );
    }
}
