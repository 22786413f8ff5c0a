//! The GitHub token: from `GITHUB_TOKEN`, else `GH_TOKEN`, else the GitHub CLI (`gh auth token`).
//! Never logged, never written: its `Debug` is redacted and it has no `Display`.

use std::fmt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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

    /// Looks for the token as [`Token::resolve`] does, without blocking the async runtime:
    /// the variables first, then `gh auth token` (asked for the host of `api_url`; GitHub
    /// Enterprise: `--hostname HOST`) on a blocking thread, stopped after [`GH_TIMEOUT`]. The
    /// answer says why gh gave no token when it failed (absent is not a failure).
    pub async fn lookup(api_url: &str) -> Lookup {
        let env = |name: &str| std::env::var(name).ok();
        if let Some(token) = Token::resolve(env, || None) {
            return Lookup {
                token: Some(token),
                gh_failed: None,
            };
        }
        let cmd = gh_command(api_url);
        let answer = tokio::task::spawn_blocking(move || run_gh(cmd, GH_TIMEOUT))
            .await
            .unwrap_or_else(|e| GhAnswer::Failed(format!("`gh auth token` did not finish: {e}")));
        Lookup::of(answer)
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

/// How long `gh auth token` may take before it is stopped (it answers from its config file in
/// milliseconds; a keyring prompt or a hung credential helper would hold the start-up).
pub const GH_TIMEOUT: Duration = Duration::from_secs(5);

/// What the token lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    /// The token, if any.
    pub token: Option<Token>,
    /// Why `gh auth token` gave none, when it ran and failed: a hint for the operator.
    pub gh_failed: Option<String>,
}

impl Lookup {
    fn of(answer: GhAnswer) -> Lookup {
        let (token, gh_failed) = match answer {
            GhAnswer::Token(t) => (Token::resolve(|_| None, || Some(t)), None::<String>),
            GhAnswer::Absent => (None, None),
            GhAnswer::Failed(why) => (None, Some(why)),
        };
        Lookup { token, gh_failed }
    }

    /// What to say when there is no token: how to provide one, and why gh gave none.
    pub fn hint(&self, base: &str) -> String {
        match &self.gh_failed {
            Some(why) => format!("{base}; {why}"),
            None => base.to_string(),
        }
    }
}

/// What `gh auth token` answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum GhAnswer {
    /// The token it printed.
    Token(String),
    /// gh is not installed (not on the PATH).
    Absent,
    /// It ran and failed, or did not answer in time: why, in words.
    Failed(String),
}

/// `gh auth token`, with `--hostname` for a server other than github.com.
fn gh_command(api_url: &str) -> Command {
    let host = api_url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .filter(|h| *h != "api.github.com");
    let mut cmd = Command::new("gh");
    cmd.args(["auth", "token"]);
    if let Some(host) = host {
        cmd.args(["--hostname", host]);
    }
    cmd
}

/// Runs `cmd` (blocking: call it on a blocking thread), stopping it after `timeout`.
pub(crate) fn run_gh(mut cmd: Command, timeout: Duration) -> GhAnswer {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return GhAnswer::Absent,
        Err(e) => return GhAnswer::Failed(format!("`gh auth token` could not start: {e}")),
    };
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if Instant::now() >= deadline => {
                // Best effort: it is stopped and reaped; the lookup goes on without it.
                let _ = child.kill();
                let _ = child.wait();
                return GhAnswer::Failed(format!(
                    "`gh auth token` did not answer in {} s and was stopped: set GITHUB_TOKEN \
                     instead",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return GhAnswer::Failed(format!("`gh auth token` failed: {e}")),
        }
    }
    let out = match child.wait_with_output() {
        Ok(out) => out,
        Err(e) => return GhAnswer::Failed(format!("`gh auth token` failed: {e}")),
    };
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .chars()
            .take(200)
            .collect::<String>();
        let said = if said.is_empty() {
            format!("exit {}", out.status.code().unwrap_or(-1))
        } else {
            said
        };
        return GhAnswer::Failed(format!(
            "`gh auth token` gave no token ({said}): run `gh auth login`"
        ));
    }
    match String::from_utf8(out.stdout) {
        Ok(text) => GhAnswer::Token(text),
        Err(_) => GhAnswer::Failed("`gh auth token` printed something that is not text".into()),
    }
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

    fn sh(script: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", script]);
        cmd
    }

    #[test]
    fn gh_that_hangs_is_stopped_and_says_so() {
        // A zero timeout: stopped at the first look, whatever the machine's speed.
        let answer = run_gh(sh("exec sleep 30"), Duration::ZERO);
        let GhAnswer::Failed(why) = answer else {
            panic!("{answer:?}");
        };
        assert!(
            why.contains("did not answer in 0 s and was stopped"),
            "{why}"
        );
    }

    #[test]
    fn gh_without_a_login_is_a_hint_and_an_absent_gh_is_not_a_failure() {
        let answer = run_gh(
            sh("echo 'no oauth token found for github.com' >&2; exit 1"),
            GH_TIMEOUT,
        );
        let lookup = Lookup::of(answer);
        assert_eq!(lookup.token, None);
        assert_eq!(
            lookup.hint("no GitHub token"),
            "no GitHub token; `gh auth token` gave no token (no oauth token found for \
             github.com): run `gh auth login`"
        );
        assert_eq!(
            run_gh(Command::new("/nonexistent/gh"), GH_TIMEOUT),
            GhAnswer::Absent
        );
        let found = Lookup::of(run_gh(sh("echo gho_abc"), GH_TIMEOUT));
        assert_eq!(found.token.map(|t| t.source), Some(TokenSource::GhCli));
    }

    #[test]
    fn the_token_never_shows_in_debug() {
        let t = Token::new("ghp_secret123", TokenSource::GhToken);
        let shown = format!("{t:?} {:?}", Some(&t));
        assert!(!shown.contains("ghp_secret123"), "{shown}");
        assert!(shown.contains("<redacted> from $GH_TOKEN"), "{shown}");
    }
}
