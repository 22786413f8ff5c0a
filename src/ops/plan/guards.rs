//! The guards shared by every action: read-only, the protected environment's typed
//! confirmation and the self-approval rule.

use super::shapes::{Confirm, Context, Refusal};
use serde::Serialize;

pub use crate::domain::SelfApproval;

/// The guards (and conditions) that can stop an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Guard {
    /// Read-only mode (`--read-only` or `read_only = true`).
    ReadOnly,
    /// A protected environment needs its name typed (or `--yes` without a terminal).
    Confirmation,
    /// The operator published the release or started the execution.
    SelfApproval,
    /// The approval changed between the plan and the call (new token or execution).
    ChangedToken,
    /// The approval was already answered.
    AlreadyAnswered,
    /// The approval expired.
    Expired,
    /// A parameter is missing or invalid (comment, reason, length).
    Input,
    /// A release version that already exists is never overwritten.
    VersionExists,
    /// Nothing to act on (no pending approval, no running execution, …).
    NothingToDo,
    /// What the plan acts on moved between the plan and the call (a branch's head, a run's
    /// attempt).
    Moved,
    /// What the action depends on could not be read, so whether there is anything to act on
    /// is unknown.
    Unread,
}

impl Guard {
    /// The name used in the audit log and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Guard::ReadOnly => "read-only",
            Guard::Confirmation => "confirmation",
            Guard::SelfApproval => "self-approval",
            Guard::ChangedToken => "changed-token",
            Guard::AlreadyAnswered => "already-answered",
            Guard::Expired => "expired",
            Guard::Input => "input",
            Guard::VersionExists => "version-exists",
            Guard::NothingToDo => "nothing-to-do",
            Guard::Moved => "moved",
            Guard::Unread => "unread",
        }
    }
}

/// One guard checked while planning, and what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardCheck {
    /// The guard.
    pub guard: Guard,
    /// What it found (`not read-only`, `prd is protected: type "prd"`, …).
    pub note: String,
}

/// Refuses every mutating action in read-only mode (session-wide or for this environment).
pub fn read_only(ctx: &Context<'_>) -> Result<GuardCheck, Refusal> {
    if ctx.read_only || ctx.spec.read_only {
        let why = if ctx.spec.read_only && !ctx.read_only {
            format!("{} is read-only in the configuration", ctx.spec.name)
        } else {
            "shipdeck runs read-only (--read-only or read_only = true)".to_string()
        };
        return Err(Refusal::by(
            Guard::ReadOnly,
            format!("refused: {why}; mutating actions are disabled"),
        ));
    }
    Ok(GuardCheck {
        guard: Guard::ReadOnly,
        note: "not read-only".into(),
    })
}

/// The confirmation an environment asks for: the typed name when protected, else yes/no.
pub fn confirmation(ctx: &Context<'_>) -> (Confirm, GuardCheck) {
    if ctx.spec.protected {
        let name = ctx.spec.name.clone();
        let note = format!("{name} is protected: type `{name}` to confirm");
        (
            Confirm::TypeName(name),
            GuardCheck {
                guard: Guard::Confirmation,
                note,
            },
        )
    } else {
        (
            Confirm::YesNo,
            GuardCheck {
                guard: Guard::Confirmation,
                note: "confirm with yes".into(),
            },
        )
    }
}

/// The short name of a person from an ARN, login or e-mail: `…/alice`, `alice@x.com` → `alice`.
pub fn person(text: &str) -> String {
    let last = text.rsplit('/').next().unwrap_or(text);
    let user = last.split('@').next().unwrap_or(last);
    user.trim().to_lowercase()
}

/// Refuses when the operator is the release's actor or the execution's starter.
pub fn self_approval(
    ctx: &Context<'_>,
    release_actor: Option<&str>,
    starter: Option<&str>,
) -> Result<GuardCheck, Refusal> {
    if !ctx.self_approval.refuses(ctx.spec.protected) {
        return Ok(GuardCheck {
            guard: Guard::SelfApproval,
            note: format!("self-approval allowed in {}", ctx.spec.name),
        });
    }
    let Some(me) = ctx.identity.map(person).filter(|p| !p.is_empty()) else {
        return Err(Refusal::by(
            Guard::SelfApproval,
            "refused: the operator's identity is unknown, so self-approval cannot be ruled out",
        ));
    };
    for (role, who) in [
        ("published the release", release_actor),
        ("started the execution", starter),
    ] {
        if let Some(who) = who.filter(|w| person(w) == me) {
            return Err(Refusal::by(
                Guard::SelfApproval,
                format!(
                    "refused: you ({me}) {role} ({who}); someone else must answer this approval in {}",
                    ctx.spec.name
                ),
            ));
        }
    }
    Ok(GuardCheck {
        guard: Guard::SelfApproval,
        note: format!("{me} did not publish the release nor start the execution"),
    })
}
