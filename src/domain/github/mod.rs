//! GitHub's side of the release path as plain values: workflow runs, their jobs and steps,
//! commits, and the requests that change runs (dispatch, re-run, cancel) as data.

mod inputs;
mod job_log;
mod runs;

pub use inputs::{DeclaredInput, InputKind, WorkflowTriggers, check_inputs, read_workflow};
pub use job_log::job_log_events;
pub use runs::{
    Comparison, Conclusion, DispatchRequest, Dispatched, GitHubCommit, Job, RunChange, RunStatus,
    Step, WorkflowRun,
};

use std::fmt;

/// A repository, `owner/name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Repository {
    /// The account or organisation.
    pub owner: String,
    /// The repository's name.
    pub name: String,
}

impl Repository {
    /// Reads `owner/name` as GitHub allows them: an owner of 1–39 letters, digits and single
    /// inner hyphens; a name of 1–100 letters, digits, `.`, `_` and `-` (not `.` or `..`).
    pub fn parse(text: &str) -> Result<Repository, String> {
        let shape = || format!("expected `owner/name`, e.g. `acme/storefront`, found `{text}`");
        let text_trimmed = text.trim().trim_end_matches(".git");
        let (owner, name) = text_trimmed.split_once('/').ok_or_else(shape)?;
        if name.contains('/') {
            let hint = if text.contains("://") || text.starts_with("git@") {
                " (the repository's `owner/name`, not its URL)"
            } else {
                ""
            };
            return Err(format!("{}{hint}", shape()));
        }
        let owner_ok = (1..=39).contains(&owner.len())
            && owner
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !owner.starts_with('-')
            && !owner.ends_with('-')
            && !owner.contains("--");
        if !owner_ok {
            return Err(format!(
                "owner `{owner}`: GitHub account names are 1–39 letters, digits and single \
                 hyphens, not at either end"
            ));
        }
        let name_ok = (1..=100).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            && name != "."
            && name != "..";
        if !name_ok {
            return Err(format!(
                "repository name `{name}`: 1–100 letters, digits, `.`, `_` and `-`"
            ));
        }
        Ok(Repository {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_read_as_github_names_them() {
        let r = Repository::parse("acme/storefront").unwrap();
        assert_eq!((r.owner.as_str(), r.name.as_str()), ("acme", "storefront"));
        assert_eq!(r.to_string(), "acme/storefront");
        assert!(Repository::parse("acme/store.front_2").is_ok());
        for (bad, says) in [
            ("storefront", "expected `owner/name`"),
            ("https://github.com/acme/storefront", "not its URL"),
            ("-acme/storefront", "owner `-acme`"),
            ("acme/", "repository name ``"),
            ("acme/..", "repository name `..`"),
            ("acme/store front", "repository name `store front`"),
        ] {
            let e = Repository::parse(bad).unwrap_err();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}
