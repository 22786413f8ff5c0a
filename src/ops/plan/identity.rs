//! Whom a plan's `aws` command must run as: the environment's profile, region and endpoint where
//! they are not the defaults (`[aws]`'s), and the role it assumes, which the AWS CLI takes only
//! through a profile.

use super::text::shell_quote;

/// An environment's identity, as the AWS CLI is told it: what differs from the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliIdentity {
    /// `--profile`: the environment's profile, when it is not the default one and no role is
    /// assumed on top of it.
    pub profile: Option<String>,
    /// `--region`: the environment's region, when it is not the default one.
    pub region: Option<String>,
    /// `--endpoint-url`: the environment's endpoint, when it is not the default one.
    pub endpoint_url: Option<String>,
    /// The role the environment's calls assume, if any.
    pub role: Option<CliRole>,
}

/// A role assumed on top of a profile's credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliRole {
    /// The role's ARN.
    pub arn: String,
    /// The external id its trust policy asks for.
    pub external_id: Option<String>,
    /// The profile whose credentials assume it (a role profile's `source_profile`).
    pub source_profile: String,
}

impl CliIdentity {
    /// Whether the command needs nothing added (the defaults' identity).
    pub fn is_default(&self) -> bool {
        *self == CliIdentity::default()
    }

    /// `command` (an `aws …` line) as this identity runs it: `--profile`, `--region` and
    /// `--endpoint-url` appended where they differ; for a role, first a comment line naming the
    /// role and the profile to run it with (the AWS CLI has no flag for a role), so the text
    /// still runs as pasted.
    pub fn command(&self, command: &str) -> String {
        let mut out = String::new();
        if let Some(role) = &self.role {
            let external = (role.external_id.as_ref())
                .map(|id| format!(", external_id = {id}"))
                .unwrap_or_default();
            out.push_str(&format!(
                "# as role {arn}: add --profile P, a profile in ~/.aws/config with role_arn = \
                 {arn}{external} and source_profile = {source}\n",
                arn = role.arn,
                source = role.source_profile,
            ));
        }
        out.push_str(command);
        let flags = [
            ("--profile", &self.profile),
            ("--region", &self.region),
            ("--endpoint-url", &self.endpoint_url),
        ];
        for (flag, value) in flags {
            if let Some(v) = value {
                out.push_str(&format!(" {flag} {}", shell_quote(v)));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMD: &str = "aws codepipeline stop-pipeline-execution --pipeline-name p";

    #[test]
    fn the_defaults_add_nothing() {
        let id = CliIdentity::default();
        assert!(id.is_default());
        assert_eq!(id.command(CMD), CMD);
    }

    /// Another profile and region are flags at the end, each one word for the shell.
    #[test]
    fn another_profile_and_region_are_flags() {
        let id = CliIdentity {
            profile: Some("prd admin".into()),
            region: Some("eu-central-1".into()),
            ..CliIdentity::default()
        };
        let cmd = id.command(CMD);
        let words = shlex::split(&cmd).unwrap();
        assert_eq!(
            words[words.len() - 4..],
            ["--profile", "prd admin", "--region", "eu-central-1"]
        );
        assert!(cmd.starts_with(CMD));
        let only_region = CliIdentity {
            region: Some("eu-central-1".into()),
            ..CliIdentity::default()
        };
        assert_eq!(
            only_region.command(CMD),
            format!("{CMD} --region eu-central-1")
        );
    }

    /// A role is a comment line before the command naming the role, its external id and the
    /// source profile (the AWS CLI has no role flag); the command still runs as pasted.
    #[test]
    fn a_role_is_a_line_saying_which_profile_to_use() {
        let id = CliIdentity {
            region: Some("eu-central-1".into()),
            role: Some(CliRole {
                arn: "arn:aws:iam::222222222222:role/shipdeck-operator".into(),
                external_id: Some("storefront-ops".into()),
                source_profile: "storefront-sso".into(),
            }),
            ..CliIdentity::default()
        };
        let cmd = id.command(CMD);
        let lines: Vec<&str> = cmd.lines().collect();
        assert_eq!(lines.len(), 2, "{cmd}");
        assert_eq!(
            lines[0],
            "# as role arn:aws:iam::222222222222:role/shipdeck-operator: add --profile P, a \
             profile in ~/.aws/config with role_arn = \
             arn:aws:iam::222222222222:role/shipdeck-operator, external_id = storefront-ops and \
             source_profile = storefront-sso"
        );
        assert_eq!(lines[1], format!("{CMD} --region eu-central-1"));
        // The comment is no word of the command to the shell.
        assert_eq!(shlex::split(&cmd).unwrap()[0], "aws");
    }
}
