//! CloudFront invalidations as the API serves them: created InProgress, Completed after a
//! simulated minute or two, idempotent per caller reference, within CloudFront's limits (paths
//! per batch, path form and length, file and wildcard paths in progress) and with its errors.

use super::super::Simulator;
use crate::cloud::{CloudError, CloudResult, Invalidation, InvalidationStatus};
use crate::domain::Timestamp;
use std::collections::BTreeMap;

/// File paths (without a `*`) in progress at once per distribution (Developer Guide,
/// "Concurrent invalidation request maximum").
pub(crate) const MAX_FILES_IN_PROGRESS: usize = 3000;
/// Wildcard paths in progress at once per distribution, counted apart from the file paths.
pub(crate) const MAX_WILDCARDS_IN_PROGRESS: usize = 15;
/// Paths in one invalidation batch; more is `BatchTooLarge` (HTTP 413).
pub(crate) const MAX_BATCH_PATHS: usize = 3000;
/// Characters in one path.
const MAX_PATH_CHARS: usize = 4000;
/// CloudFront's message for a path it does not accept (it names none of them).
const INVALID_PATHS: &str = "Your request contains one or more invalid invalidation paths.";

/// One invalidation with the time it completes.
#[derive(Debug, Clone)]
pub(crate) struct InvalidationSim {
    id: String,
    caller_reference: String,
    paths: Vec<String>,
    created: Timestamp,
    done: Timestamp,
}

impl InvalidationSim {
    fn view(&self, now: Timestamp) -> Invalidation {
        Invalidation {
            id: self.id.clone(),
            status: if now >= self.done {
                InvalidationStatus::Completed
            } else {
                InvalidationStatus::InProgress
            },
            created: self.created,
            paths: self.paths.clone(),
        }
    }
}

/// Invalidations per distribution id, oldest first.
pub(crate) type Invalidations = BTreeMap<String, Vec<InvalidationSim>>;

fn rejected(code: &str, message: impl Into<String>) -> CloudError {
    CloudError::Rejected {
        code: code.into(),
        message: message.into(),
    }
}

fn same_paths(a: &[String], b: &[String]) -> bool {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort();
    b.sort();
    a == b
}

impl Simulator {
    fn need_distribution(&self, id: &str) -> CloudResult<usize> {
        self.dists
            .iter()
            .position(|d| d.dist.id == id)
            .ok_or_else(|| CloudError::NotFound {
                kind: "distribution".into(),
                name: id.into(),
            })
    }

    /// `CreateInvalidation`.
    pub(crate) fn op_create_invalidation(
        &mut self,
        dist: &str,
        paths: &[String],
        caller_reference: &str,
    ) -> CloudResult<Invalidation> {
        let d = self.need_distribution(dist)?;
        if paths.is_empty() || caller_reference.is_empty() {
            return Err(rejected(
                "InvalidArgument",
                "An invalidation needs at least one path and a caller reference",
            ));
        }
        if paths.len() > MAX_BATCH_PATHS {
            return Err(rejected(
                "BatchTooLarge",
                "Invalidation batch specified is too large.",
            ));
        }
        // A path begins with `/`, has at most 4,000 characters, and a `*` only as its last one.
        let valid = |p: &String| {
            p.starts_with('/')
                && p.chars().count() <= MAX_PATH_CHARS
                && p.find('*').is_none_or(|i| i + 1 == p.len())
        };
        if !paths.iter().all(valid) {
            return Err(rejected("InvalidArgument", INVALID_PATHS));
        }
        let now = self.now;
        let list = self.invalidations.entry(dist.to_string()).or_default();
        if let Some(old) = list.iter().find(|i| i.caller_reference == caller_reference) {
            if same_paths(&old.paths, paths) {
                return Ok(old.view(now));
            }
            return Err(rejected(
                "InvalidationBatchAlreadyExists",
                format!(
                    "Caller reference {caller_reference:?} was already used for invalidation {} of {dist} with other paths",
                    old.id
                ),
            ));
        }
        // File paths and wildcard paths in progress are limited independently. The deployer's
        // own invalidation of `/*` after each deploy is one wildcard path while it runs (the
        // distribution keeps the end of every invalidation, those made here included).
        let running = list.iter().filter(|i| i.done > now);
        let made_here = running.clone().count();
        let all = self.dists[d].invalidations.iter().filter(|t| **t > now);
        let (mut wild, mut files) = (all.count().saturating_sub(made_here), 0);
        for p in running.flat_map(|i| i.paths.iter()).chain(paths) {
            if p.ends_with('*') {
                wild += 1;
            } else {
                files += 1;
            }
        }
        if wild > MAX_WILDCARDS_IN_PROGRESS {
            return Err(rejected(
                "TooManyInvalidationsInProgress",
                "Processing your request will cause you to exceed the maximum number of \
                 in-progress wildcard invalidations.",
            ));
        }
        if files > MAX_FILES_IN_PROGRESS {
            return Err(rejected(
                "TooManyInvalidationsInProgress",
                "Processing your request will cause you to exceed the maximum number of \
                 in-progress invalidations.",
            ));
        }
        let id = format!("I{}", self.rng.hex(13).to_uppercase());
        let done = now + self.rng.range(45_000, 150_000);
        let inv = InvalidationSim {
            id,
            caller_reference: caller_reference.to_string(),
            paths: paths.to_vec(),
            created: now,
            done,
        };
        let view = inv.view(now);
        self.record(
            "CreateInvalidation",
            caller_reference,
            view.id.clone(),
            None,
        );
        self.invalidations
            .entry(dist.to_string())
            .or_default()
            .push(inv);
        let ds = &mut self.dists[d];
        ds.invalidations.retain(|t| *t > now);
        ds.invalidations.push(done);
        Ok(view)
    }

    /// `GetInvalidation`.
    pub(crate) fn op_get_invalidation(&self, dist: &str, id: &str) -> CloudResult<Invalidation> {
        self.need_distribution(dist)?;
        self.invalidations
            .get(dist)
            .and_then(|l| l.iter().find(|i| i.id == id))
            .map(|i| i.view(self.now))
            .ok_or_else(|| CloudError::NotFound {
                kind: "invalidation".into(),
                name: id.into(),
            })
    }

    /// Truth: the invalidations created through the ports for distribution `dist`, oldest first.
    pub fn invalidations(&self, dist: &str) -> Vec<Invalidation> {
        self.invalidations
            .get(dist)
            .map(|l| l.iter().map(|i| i.view(self.now)).collect())
            .unwrap_or_default()
    }
}
