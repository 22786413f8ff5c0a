//! `[notify]`: which events leave the terminal (bell, desktop notification), how, and how often.

use super::error::ConfigError;
use super::reader::Table;
use crate::app::attention::{Delivery, EventKind, NotifySettings};
use crate::domain::Timestamp;

/// Keys of `[notify]`: the switches, then one per event kind.
pub(super) const NOTIFY_KEYS: &[&str] = &[
    "enabled",
    "method",
    "throttle",
    "approval_pending",
    "approval_expiring",
    "approval_answered",
    "deploy_failed",
    "rollback_started",
    "environment_red",
    "refresh_failing",
];

/// Longest accepted throttle, in seconds (one hour).
const MAX_THROTTLE_SECS: i64 = 3600;

/// Reads `[notify]` (absent: every kind, chosen from the terminal, one a minute at most).
pub(super) fn read(t: Option<Table<'_, '_>>) -> Result<NotifySettings, ConfigError> {
    let mut settings = NotifySettings::default();
    let Some(t) = t else {
        return Ok(settings);
    };
    t.deny_unknown(NOTIFY_KEYS)?;
    settings.enabled = t.bool("enabled")?.unwrap_or(true);
    if let Some(v) = t.str("method")? {
        settings.method = Delivery::named(v.get_ref()).ok_or_else(|| {
            t.invalid(
                "method",
                &v.span(),
                format!(
                    "unknown method `{}`; expected one of {}",
                    v.get_ref(),
                    Delivery::NAMES.join(", ")
                ),
            )
        })?;
    }
    if let Some(v) = t.int("throttle")? {
        let secs = *v.get_ref();
        if !(0..=MAX_THROTTLE_SECS).contains(&secs) {
            return Err(t.invalid(
                "throttle",
                &v.span(),
                format!("expected seconds from 0 to {MAX_THROTTLE_SECS}, got {secs}"),
            ));
        }
        settings.throttle = secs * Timestamp::SECOND;
    }
    for kind in EventKind::ALL {
        if t.bool(kind.name())? == Some(false) {
            settings.kinds.remove(&kind);
        }
    }
    Ok(settings)
}
