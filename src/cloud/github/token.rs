//! The GitHub token: from `GITHUB_TOKEN`, else `GH_TOKEN`, else the GitHub CLI (`gh auth token`).
//! Never logged, never written: its `Debug` is redacted and it has no `Display`.

use std::fmt;

/// Where the token came from, for messages (never the token itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    /// `$GITHUB_TOKEN`.
    GithubToken,
    /// `$GH_TOKEN`.
    GhToken,
    /// `gh auth token`.
    GhCli,
    /// Given by a test or the simulator.
    Given,
}

impl fmt::Display for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenSource::GithubToken => "$GITHUB_TOKEN",
            TokenSource::GhToken => "$GH_TOKEN",
            TokenSource::GhCli => "`gh auth token`",
            TokenSource::Given => "the caller",
        })
    }
}

/// A GitHub token and where it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    secret: String,
    /// Where it came from.
    pub source: TokenSource,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Token(<redacted> from {})", self.source)
    }
}

impl Token {
    /// A token given directly.
    pub fn new(secret: impl Into<String>, source: TokenSource) -> Token {
        Token {
            secret: secret.into(),
            source,
        }
    }

    /// The `Authorization` header's value. The only way to read the secret.
    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.secret)
    }

    /// Finds the token: `env` reads a variable (an empty one counts as unset); `gh` runs
    /// `gh auth token`, only when neither variable is set, and answers `None` when gh is
    /// absent, not logged in or fails.
    pub fn resolve(
        env: impl Fn(&str) -> Option<String>,
        gh: impl FnOnce() -> Option<String>,
    ) -> Option<Token> {
        let var = |name: &str| {
            env(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(t) = var("GITHUB_TOKEN") {
            return Some(Token::new(t, TokenSource::GithubToken));
        }
        if let Some(t) = var("GH_TOKEN") {
            return Some(Token::new(t, TokenSource::GhToken));
        }
        gh().map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty() && !t.contains(char::is_whitespace))
            .map(|t| Token::new(t, TokenSource::GhCli))
    }

    /// [`Token::resolve`] from the process environment and the `gh` on the PATH, asked for the
    /// host of `api_url` (GitHub Enterprise: `gh auth token --hostname HOST`).
    pub fn from_environment(api_url: &str) -> Option<Token> {
        Token::resolve(|name| std::env::var(name).ok(), || gh_auth_token(api_url))
    }

    /// What to do when there is no token, for calls that start, re-run or cancel runs.
    pub fn missing_write_hint() -> &'static str {
        "no GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token with Actions: read and \
         write on the repository, or log in with the GitHub CLI (`gh auth login`)"
    }

    /// What to do when there is no token, for reads.
    pub fn missing_hint() -> &'static str {
        "no GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token with Actions: read, or log \
         in with the GitHub CLI (`gh auth login`)"
    }
}

/// `gh auth token`, with `--hostname` for a server other than github.com.
fn gh_auth_token(api_url: &str) -> Option<String> {
    let host = api_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .filter(|h| *h != "api.github.com");
    let mut cmd = std::process::Command::new("gh");
    cmd.args(["auth", "token"]);
    if let Some(host) = host {
        cmd.args(["--hostname", host]);
    }
    cmd.stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let out = cmd.output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn the_token_comes_from_github_token_then_gh_token_then_gh_which_runs_only_then() {
        let ran = Cell::new(false);
        let gh = || {
            ran.set(true);
            Some("gho_cli\n".to_string())
        };
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let t =
            Token::resolve(env(&[("GITHUB_TOKEN", "ghp_a"), ("GH_TOKEN", "ghp_b")]), gh).unwrap();
        assert_eq!(
            (t.bearer(), t.source),
            ("Bearer ghp_a".into(), TokenSource::GithubToken)
        );
        assert!(!ran.get(), "gh must not run when a variable is set");
        let t = Token::resolve(env(&[("GITHUB_TOKEN", " "), ("GH_TOKEN", "ghp_b")]), gh).unwrap();
        assert_eq!(t.source, TokenSource::GhToken);
        assert!(!ran.get());
        let t = Token::resolve(env(&[]), gh).unwrap();
        assert_eq!(
            (t.bearer(), t.source),
            ("Bearer gho_cli".into(), TokenSource::GhCli)
        );
        assert!(ran.get());
        assert_eq!(
            Token::resolve(env(&[]), || None),
            None,
            "no gh: no token, no error"
        );
    }

    #[test]
    fn the_token_never_shows_in_debug() {
        let t = Token::new("ghp_secret123", TokenSource::GhToken);
        let shown = format!("{t:?} {:?}", Some(&t));
        assert!(!shown.contains("ghp_secret123"), "{shown}");
        assert!(shown.contains("<redacted> from $GH_TOKEN"), "{shown}");
    }
}
