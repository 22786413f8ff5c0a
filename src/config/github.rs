//! The `[github]` table: the repository whose GitHub Actions workflows deploy and release, and
//! where its API is (github.com or a GitHub Enterprise server). The token is never in the file.

use super::error::ConfigError;
use super::reader::Table;
use super::validate;
use crate::domain::github::Repository;

/// Keys of `[github]`.
pub(crate) const GITHUB_KEYS: &[&str] = &[
    "repository",
    "deploy_workflow",
    "release_workflow",
    "api_url",
];

/// The `[github]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitHubConfig {
    /// `owner/name`.
    pub repository: Repository,
    /// The workflow a push runs, by file name under `.github/workflows/`.
    pub deploy_workflow: String,
    /// The workflow a release manager dispatches.
    pub release_workflow: String,
    /// The REST API's base URL, without a trailing slash.
    pub api_url: String,
}

impl GitHubConfig {
    /// github.com's API.
    pub const DEFAULT_API_URL: &'static str = "https://api.github.com";
    /// The deploy workflow when the file does not name one.
    pub const DEFAULT_DEPLOY_WORKFLOW: &'static str = "deploy.yml";
    /// The release workflow when the file does not name one.
    pub const DEFAULT_RELEASE_WORKFLOW: &'static str = "release.yml";

    /// A configuration for `repository` with every default.
    pub fn new(repository: Repository) -> GitHubConfig {
        GitHubConfig {
            repository,
            deploy_workflow: Self::DEFAULT_DEPLOY_WORKFLOW.into(),
            release_workflow: Self::DEFAULT_RELEASE_WORKFLOW.into(),
            api_url: Self::DEFAULT_API_URL.into(),
        }
    }
}

/// A workflow file name as the API takes it: `deploy.yml`, not a path or a display name.
fn workflow_file(name: &str) -> Result<(), String> {
    if let Some(file) = name.strip_prefix(".github/workflows/") {
        return Err(format!(
            "expected the workflow's file name, e.g. `{file}`, found the path `{name}`"
        ));
    }
    let ok = !name.contains(['/', '\\'])
        && !name.contains(char::is_whitespace)
        && (name.ends_with(".yml") || name.ends_with(".yaml"))
        && name.len() > 4;
    if ok {
        Ok(())
    } else {
        Err(format!(
            "expected a workflow file name under .github/workflows/, e.g. `release.yml`, \
             found `{name}`"
        ))
    }
}

/// Reads `[github]` (absent: `None`).
pub(crate) fn read(t: Option<Table<'_, '_>>) -> Result<Option<GitHubConfig>, ConfigError> {
    let Some(t) = t else { return Ok(None) };
    t.deny_unknown(GITHUB_KEYS)?;
    let repo = t.required_str("repository")?;
    let repository =
        Repository::parse(repo.get_ref()).map_err(|m| t.invalid("repository", &repo.span(), m))?;
    let mut config = GitHubConfig::new(repository);
    for (key, slot) in [
        ("deploy_workflow", &mut config.deploy_workflow),
        ("release_workflow", &mut config.release_workflow),
    ] {
        if let Some(v) = t.str(key)? {
            workflow_file(v.get_ref()).map_err(|m| t.invalid(key, &v.span(), m))?;
            *slot = v.get_ref().to_string();
        }
    }
    if config.deploy_workflow == config.release_workflow {
        let span = t
            .str("release_workflow")?
            .map_or_else(|| t.span(), |v| v.span());
        return Err(t.invalid(
            "release_workflow",
            &span,
            format!(
                "the same file as {} (`{}`); the release workflow is the one started by hand",
                t.key_path("deploy_workflow"),
                config.deploy_workflow
            ),
        ));
    }
    if let Some(v) = t.str("api_url")? {
        let url = v.get_ref().trim_end_matches('/');
        validate::url(url).map_err(|m| t.invalid("api_url", &v.span(), m))?;
        if url.starts_with("https://github.com") {
            return Err(t.invalid(
                "api_url",
                &v.span(),
                "that is the website; github.com's API is https://api.github.com (the default: \
                 leave the key out), a GitHub Enterprise server's is https://HOST/api/v3",
            ));
        }
        config.api_url = url.to_string();
    }
    Ok(Some(config))
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, ConfigError};

    const ENV: &str = r#"
[[environments]]
name = "dev"
pipeline = "storefront-deployer-dev"
source_bucket = "storefront-deployer-source"
source_key = "dev/release.zip"
distribution_id = "E2DEVSTOREFRNT"
logs_bucket = "storefront-cloudfront-logs"
"#;

    fn parse(github: &str) -> Result<Config, ConfigError> {
        Config::from_str(&format!("{github}\n{ENV}"), None)
    }

    #[test]
    fn github_defaults_and_overrides() {
        assert_eq!(parse("").unwrap().github, None);
        let c = parse("[github]\nrepository = \"acme/storefront\"\n").unwrap();
        let g = c.github.unwrap();
        assert_eq!(g.repository.to_string(), "acme/storefront");
        assert_eq!(
            (g.deploy_workflow.as_str(), g.release_workflow.as_str()),
            ("deploy.yml", "release.yml")
        );
        assert_eq!(g.api_url, "https://api.github.com");
        let c = parse(
            "[github]\nrepository = \"acme/storefront\"\ndeploy_workflow = \"ci.yaml\"\n\
             release_workflow = \"ship.yml\"\napi_url = \"https://ghe.acme.test/api/v3/\"\n",
        )
        .unwrap();
        let g = c.github.unwrap();
        assert_eq!(g.deploy_workflow, "ci.yaml");
        assert_eq!(g.release_workflow, "ship.yml");
        assert_eq!(g.api_url, "https://ghe.acme.test/api/v3");
    }

    #[test]
    fn bad_github_settings_name_file_line_and_column() {
        for (text, says) in [
            (
                "[github]\n",
                "<config>:1:1: github: missing required key `repository`",
            ),
            (
                "[github]\nrepository = \"storefront\"\n",
                "<config>:2:14: github.repository: expected `owner/name`",
            ),
            (
                "[github]\nrepository = \"a/b\"\ntoken = \"x\"\n",
                "<config>:3:1: unknown key `token` in [github]",
            ),
            (
                "[github]\nrepository = \"a/b\"\nrelease_workflow = \".github/workflows/r.yml\"\n",
                "<config>:3:20: github.release_workflow: expected the workflow's file name, \
                 e.g. `r.yml`",
            ),
            (
                "[github]\nrepository = \"a/b\"\ndeploy_workflow = \"Deploy\"\n",
                "github.deploy_workflow: expected a workflow file name",
            ),
            (
                "[github]\nrepository = \"a/b\"\nrelease_workflow = \"deploy.yml\"\n",
                "<config>:3:20: github.release_workflow: the same file as \
                 github.deploy_workflow (`deploy.yml`)",
            ),
            (
                "[github]\nrepository = \"a/b\"\napi_url = \"https://github.com\"\n",
                "<config>:3:11: github.api_url: that is the website",
            ),
            (
                "[github]\nrepository = \"a/b\"\napi_url = \"ghe.acme.test\"\n",
                "github.api_url: expected a URL starting with http:// or https://",
            ),
        ] {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.contains(says), "{text:?}\n  got: {e}\n  want: {says}");
        }
    }
}
