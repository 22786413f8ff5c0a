//! CloudFront invalidations as the API serves them: created InProgress, Completed after a
//! simulated minute or two, idempotent per caller reference.

use super::Simulator;
use crate::cloud::{CloudError, CloudResult, Invalidation, InvalidationStatus};
use crate::domain::Timestamp;
use std::collections::BTreeMap;

/// Paths (a wildcard counts as one) in progress at once per distribution.
const MAX_PATHS_IN_PROGRESS: usize = 3000;
/// Wildcard paths in progress at once per distribution.
const MAX_WILDCARDS_IN_PROGRESS: usize = 15;

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
        if let Some(p) = paths.iter().find(|p| !p.starts_with('/')) {
            return Err(rejected(
                "InvalidArgument",
                format!("Invalidation path {p:?} must begin with /"),
            ));
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
        let running = list.iter().filter(|i| i.done > now);
        let (mut wild, mut total) = (0, 0);
        for p in running.flat_map(|i| i.paths.iter()).chain(paths) {
            total += 1;
            wild += usize::from(p.ends_with('*'));
        }
        if total > MAX_PATHS_IN_PROGRESS || wild > MAX_WILDCARDS_IN_PROGRESS {
            return Err(rejected(
                "TooManyInvalidationsInProgress",
                format!(
                    "{dist} would have {total} paths ({wild} wildcards) being invalidated; the limits are {MAX_PATHS_IN_PROGRESS} and {MAX_WILDCARDS_IN_PROGRESS}"
                ),
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
