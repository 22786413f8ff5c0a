//! CodePipeline V2 stage conditions: their declaration (kind, result, rules), their live state
//! per stage, the history of rule runs, and the deployment windows their rules declare.

use super::Timestamp;
use super::pipeline::{ErrorDetails, RetryMode};
use chrono::TimeZone;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Which of a stage's conditions: checked before entry, after success, or after failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConditionKind {
    /// `beforeEntry`: gates the stage; result FAIL or SKIP.
    BeforeEntry,
    /// `onSuccess`: checked once the stage succeeded; result ROLLBACK or FAIL.
    OnSuccess,
    /// `onFailure`: once the stage failed; result ROLLBACK or RETRY.
    OnFailure,
}

impl ConditionKind {
    /// The name the pipeline declaration uses: `beforeEntry`, `onSuccess`, `onFailure`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionKind::BeforeEntry => "beforeEntry",
            ConditionKind::OnSuccess => "onSuccess",
            ConditionKind::OnFailure => "onFailure",
        }
    }

    /// The `conditionType` of `OverrideStageCondition` (`BEFORE_ENTRY`, `ON_SUCCESS`); `None`
    /// for onFailure, which cannot be overridden.
    pub fn api_type(self) -> Option<&'static str> {
        match self {
            ConditionKind::BeforeEntry => Some("BEFORE_ENTRY"),
            ConditionKind::OnSuccess => Some("ON_SUCCESS"),
            ConditionKind::OnFailure => None,
        }
    }

    /// Reads `before-entry`, `beforeEntry`, `BEFORE_ENTRY` (and the same of the others).
    pub fn parse(text: &str) -> Option<ConditionKind> {
        let plain: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match plain.as_str() {
            "beforeentry" => Some(ConditionKind::BeforeEntry),
            "onsuccess" => Some(ConditionKind::OnSuccess),
            "onfailure" => Some(ConditionKind::OnFailure),
            _ => None,
        }
    }
}

/// What happens when a condition's rules fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConditionResult {
    /// The stage (or the execution) fails.
    Fail,
    /// The stage is skipped (beforeEntry only).
    Skip,
    /// The stage rolls back to the last execution that succeeded in it.
    Rollback,
    /// The failed stage is retried (onFailure only).
    Retry,
}

impl ConditionResult {
    /// CodePipeline's name: `FAIL`, `SKIP`, `ROLLBACK`, `RETRY`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionResult::Fail => "FAIL",
            ConditionResult::Skip => "SKIP",
            ConditionResult::Rollback => "ROLLBACK",
            ConditionResult::Retry => "RETRY",
        }
    }
}

/// Status of a condition's (or a stage's conditions') latest execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConditionStatus {
    /// Its rules are being evaluated (a beforeEntry condition holds the execution meanwhile).
    InProgress,
    /// Every rule passed.
    Succeeded,
    /// A rule failed: the result applies.
    Failed,
    /// A rule could not be evaluated.
    Errored,
    /// An operator overrode it (`OverrideStageCondition`).
    Overridden,
    /// Abandoned (the execution was stopped or superseded).
    Abandoned,
    /// Cancelled.
    Cancelled,
}

impl ConditionStatus {
    /// CodePipeline's name for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            ConditionStatus::InProgress => "InProgress",
            ConditionStatus::Succeeded => "Succeeded",
            ConditionStatus::Failed => "Failed",
            ConditionStatus::Errored => "Errored",
            ConditionStatus::Overridden => "Overridden",
            ConditionStatus::Abandoned => "Abandoned",
            ConditionStatus::Cancelled => "Cancelled",
        }
    }
}

/// Status of one rule run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleStatus {
    /// Being evaluated.
    InProgress,
    /// Passed.
    Succeeded,
    /// Failed (the condition's result applies).
    Failed,
    /// Abandoned.
    Abandoned,
}

impl RuleStatus {
    /// CodePipeline's name for the status.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleStatus::InProgress => "InProgress",
            RuleStatus::Succeeded => "Succeeded",
            RuleStatus::Failed => "Failed",
            RuleStatus::Abandoned => "Abandoned",
        }
    }
}

/// One rule of a condition, as declared (`RuleDeclaration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDef {
    /// Rule name, e.g. `prod-hours`.
    pub name: String,
    /// The rule type's provider: `DeploymentWindow`, `CloudWatchAlarm`, `LambdaInvoke`,
    /// `VariableCheck`, `Commands`.
    pub provider: String,
    /// Its configuration (`Cron`, `TimeZone`, `AlarmName`, …).
    pub configuration: BTreeMap<String, String>,
    /// The region it runs in (a CloudWatchAlarm rule reads its alarm there); `None`: the
    /// pipeline's own.
    #[serde(default)]
    pub region: Option<String>,
}

impl RuleDef {
    /// The deployment window of a DeploymentWindow rule (its `Cron` and `TimeZone`); `None` for
    /// another rule type or one without a `Cron`.
    pub fn window(&self) -> Option<DeploymentWindow> {
        if self.provider != "DeploymentWindow" {
            return None;
        }
        Some(DeploymentWindow {
            cron: self.configuration.get("Cron")?.clone(),
            time_zone: self.configuration.get("TimeZone").cloned(),
        })
    }

    /// The alarm names of a CloudWatchAlarm rule (`AlarmName`, comma-separated).
    pub fn alarms(&self) -> Vec<&str> {
        self.configuration
            .get("AlarmName")
            .map(|a| a.split(',').map(str::trim).collect())
            .unwrap_or_default()
    }
}

/// One condition of a stage, as declared: its kind, its result and its rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionDef {
    /// beforeEntry, onSuccess or onFailure.
    pub kind: ConditionKind,
    /// What happens when a rule fails (`None`: not declared, CodePipeline's default for the kind).
    pub result: Option<ConditionResult>,
    /// For an onFailure RETRY: which actions are retried.
    pub retry_mode: Option<RetryMode>,
    /// Its rules (an onFailure result may be declared with none: it then applies to every
    /// failure).
    pub rules: Vec<RuleDef>,
}

/// The latest run of one condition, or of a stage's conditions of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionRun {
    /// Status.
    pub status: ConditionStatus,
    /// Summary text.
    pub summary: Option<String>,
    /// When the status last changed.
    pub last_status_change: Option<Timestamp>,
}

/// The latest run of one rule (`ruleStates[].latestExecution`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRun {
    /// Rule execution id.
    pub rule_execution_id: String,
    /// Status.
    pub status: RuleStatus,
    /// Summary (e.g. the alarm's state, the window's verdict).
    pub summary: Option<String>,
    /// When the status last changed.
    pub last_status_change: Option<Timestamp>,
    /// Link to what the rule looked at.
    pub external_execution_url: Option<String>,
    /// Error details when it failed to evaluate.
    pub error: Option<ErrorDetails>,
}

/// Live state of one rule of a condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleState {
    /// Rule name.
    pub name: String,
    /// Its latest run; `None` if it never ran.
    pub latest: Option<RuleRun>,
}

/// Live state of one condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConditionState {
    /// Its latest run; `None` if it never ran.
    pub latest: Option<ConditionRun>,
    /// Its rules, in declaration order.
    pub rules: Vec<RuleState>,
}

/// Live state of a stage's conditions of one kind (`beforeEntryConditionState`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageConditions {
    /// Which kind.
    pub kind: ConditionKind,
    /// The latest run of the conditions of this kind together.
    pub latest: Option<ConditionRun>,
    /// Each condition, in declaration order.
    pub conditions: Vec<ConditionState>,
}

/// One row of `ListRuleExecutions`: a rule run with its input and result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleExecutionDetail {
    /// Pipeline execution id.
    pub pipeline_execution_id: String,
    /// Rule execution id.
    pub rule_execution_id: String,
    /// Stage name.
    pub stage: String,
    /// Rule name.
    pub rule: String,
    /// The rule type's provider (`DeploymentWindow`, `CloudWatchAlarm`, …), when given.
    pub provider: Option<String>,
    /// Status.
    pub status: RuleStatus,
    /// Start time.
    pub start: Timestamp,
    /// Last update.
    pub last_update: Timestamp,
    /// Who updated it (an override names the operator).
    pub updated_by: Option<String>,
    /// The result's summary.
    pub summary: Option<String>,
    /// Link to what the rule looked at.
    pub external_execution_url: Option<String>,
    /// The rule's resolved configuration.
    pub configuration: BTreeMap<String, String>,
    /// Error details when it failed to evaluate.
    pub error: Option<ErrorDetails>,
}

/// Automatic and manual retries of a stage (`retryStageMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryMetadata {
    /// Automatic retries (an onFailure RETRY result) of the latest execution in the stage.
    pub auto_attempts: u32,
    /// Manual retries (`RetryStageExecution`).
    pub manual_attempts: u32,
    /// What triggered the latest retry: `AutomatedStageRetry` or `ManualStageRetry`.
    pub latest_trigger: Option<String>,
}

/// A DeploymentWindow rule's window: a 6- or 7-field cron (seconds `*`, minutes, hours, day of
/// month, month, day of week 1–7 or SUN–SAT, optional year) in a time zone (UTC when none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentWindow {
    /// The `Cron` expression.
    pub cron: String,
    /// The `TimeZone` (an IANA name such as `Europe/Berlin`), if declared.
    pub time_zone: Option<String>,
}

/// How far ahead a window's next opening or closing is looked for (a year of minutes would be
/// too many steps; the cron search itself jumps field by field).
const WINDOW_HORIZON_DAYS: i64 = 400;

impl DeploymentWindow {
    fn parsed(&self) -> Result<(croner::Cron, chrono_tz::Tz), String> {
        let cron = croner::parser::CronParser::builder()
            .seconds(croner::parser::Seconds::Required)
            .alternative_weekdays(true)
            .build()
            .parse(&self.cron)
            .map_err(|e| format!("cron `{}` is not valid: {e}", self.cron))?;
        let zone = match self.time_zone.as_deref() {
            None | Some("") => chrono_tz::UTC,
            Some(name) => chrono_tz::Tz::from_str(name)
                .map_err(|_| format!("time zone `{name}` is not an IANA time zone"))?,
        };
        Ok((cron, zone))
    }

    /// The zone's name as shown: the declared one, else `UTC`.
    pub fn zone_name(&self) -> &str {
        self.time_zone
            .as_deref()
            .filter(|z| !z.is_empty())
            .unwrap_or("UTC")
    }

    /// Whether deploying is allowed at `t` (the cron matches its minute).
    pub fn is_open(&self, t: Timestamp) -> Result<bool, String> {
        let (cron, zone) = self.parsed()?;
        let at = zone
            .timestamp_millis_opt(t.0)
            .single()
            .ok_or_else(|| format!("time {t} is out of range"))?;
        cron.is_time_matching(&at)
            .map_err(|e| format!("cron `{}`: {e}", self.cron))
    }

    /// The first instant at or after `t` when the window is open.
    pub fn next_open(&self, t: Timestamp) -> Result<Timestamp, String> {
        let (cron, zone) = self.parsed()?;
        let at = zone
            .timestamp_millis_opt(t.0 - t.0.rem_euclid(1000))
            .single()
            .ok_or_else(|| format!("time {t} is out of range"))?;
        let next = cron
            .find_next_occurrence(&at, true)
            .map_err(|e| format!("cron `{}` never opens: {e}", self.cron))?;
        let next = Timestamp(next.timestamp_millis());
        if next.since(t) > WINDOW_HORIZON_DAYS * Timestamp::DAY {
            return Err(format!(
                "cron `{}` opens no window within a year",
                self.cron
            ));
        }
        Ok(next)
    }

    /// `t` on the window's wall clock: `14:00 Europe/Berlin` on the same local day as `now`,
    /// else `Thu 09:00 Europe/Berlin` within a week, else `2026-12-24 09:00 Europe/Berlin`.
    pub fn local_text(&self, t: Timestamp, now: Timestamp) -> String {
        let Ok((_, zone)) = self.parsed() else {
            return t.rfc3339();
        };
        let (Some(at), Some(from)) = (
            zone.timestamp_millis_opt(t.0).single(),
            zone.timestamp_millis_opt(now.0).single(),
        ) else {
            return t.rfc3339();
        };
        let z = self.zone_name();
        if at.date_naive() == from.date_naive() {
            format!("{} {z}", at.format("%H:%M"))
        } else if t.since(now) < 6 * Timestamp::DAY {
            format!("{} {z}", at.format("%a %H:%M"))
        } else {
            format!("{} {z}", at.format("%Y-%m-%d %H:%M"))
        }
    }
}

/// One rule of a stage's condition, its declaration joined with its live state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleView {
    /// Rule name.
    pub name: String,
    /// Rule type (the provider: `DeploymentWindow`, `CloudWatchAlarm`, …); `None` without the
    /// definition.
    #[serde(rename = "type")]
    pub provider: Option<String>,
    /// Status of its latest run; `None` if it never ran.
    pub status: Option<RuleStatus>,
    /// Its latest run's summary.
    pub summary: Option<String>,
    /// Its deployment window, for a DeploymentWindow rule.
    #[serde(skip)]
    pub window: Option<DeploymentWindow>,
    /// The region it runs in when the declaration names one (a CloudWatchAlarm rule's alarm is
    /// there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// One condition of a stage, its declaration joined with its live state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionView {
    /// beforeEntry, onSuccess or onFailure.
    pub kind: ConditionKind,
    /// What happens when a rule fails; `None` without the definition.
    pub result: Option<ConditionResult>,
    /// Status of its latest run; `None` if it never ran.
    pub status: Option<ConditionStatus>,
    /// Its rules.
    pub rules: Vec<RuleView>,
}

/// A stage's conditions as declared (`def`) and as the state reports them (`state`), in
/// declaration order; conditions the state reports that the definition lacks come after.
pub fn condition_views(def: &[ConditionDef], state: &[StageConditions]) -> Vec<ConditionView> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<ConditionKind, usize> = BTreeMap::new();
    for d in def {
        let n = seen.entry(d.kind).or_default();
        let live = state
            .iter()
            .find(|s| s.kind == d.kind)
            .and_then(|s| s.conditions.get(*n));
        *n += 1;
        let rules = d
            .rules
            .iter()
            .map(|r| {
                let run = live
                    .and_then(|c| c.rules.iter().find(|x| x.name == r.name))
                    .and_then(|x| x.latest.as_ref());
                RuleView {
                    name: r.name.clone(),
                    provider: Some(r.provider.clone()),
                    status: run.map(|x| x.status),
                    summary: run.and_then(|x| x.summary.clone()),
                    window: r.window(),
                    region: r.region.clone(),
                }
            })
            .collect();
        out.push(ConditionView {
            kind: d.kind,
            result: d.result,
            status: live.and_then(|c| c.latest.as_ref()).map(|l| l.status),
            rules,
        });
    }
    for s in state {
        let declared = seen.get(&s.kind).copied().unwrap_or(0);
        for c in s.conditions.iter().skip(declared) {
            out.push(ConditionView {
                kind: s.kind,
                result: None,
                status: c.latest.as_ref().map(|l| l.status),
                rules: c
                    .rules
                    .iter()
                    .map(|r| RuleView {
                        name: r.name.clone(),
                        provider: None,
                        status: r.latest.as_ref().map(|x| x.status),
                        summary: r.latest.as_ref().and_then(|x| x.summary.clone()),
                        window: None,
                        region: None,
                    })
                    .collect(),
            });
        }
    }
    out
}

impl ConditionView {
    /// [`ConditionView::live_text`] said shorter, for one-line layouts: a window that holds the
    /// stage reads `held until 09:00 Europe/Berlin (prod-hours)`.
    pub fn short_text(&self, now: Timestamp) -> String {
        let held = (self.kind == ConditionKind::BeforeEntry
            && self.status == Some(ConditionStatus::InProgress))
        .then(|| {
            let r = self
                .rules
                .iter()
                .find(|r| r.status == Some(RuleStatus::InProgress))?;
            let w = r.window.as_ref()?;
            let at = w.next_open(now).ok()?;
            Some(format!("held until {} ({})", w.local_text(at, now), r.name))
        })
        .flatten();
        held.unwrap_or_else(|| self.live_text(now))
    }

    /// What the condition is doing, in a line: `blocked by DeploymentWindow `prod-hours` until
    /// 09:00 Europe/Berlin`, `CloudWatchAlarm `api-5xx` in ALARM → rolling back`, `passed`.
    pub fn live_text(&self, now: Timestamp) -> String {
        let rule_name = |r: &RuleView| {
            let region = r
                .region
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            match &r.provider {
                Some(p) => format!("{p} `{}`{region}", r.name),
                None => format!("`{}`", r.name),
            }
        };
        match self.status {
            None if self.rules.is_empty() => match (self.kind, self.result) {
                (ConditionKind::OnFailure, Some(ConditionResult::Retry)) => {
                    "retry the stage".into()
                }
                (ConditionKind::OnFailure, Some(ConditionResult::Rollback)) => {
                    "roll the stage back".into()
                }
                _ => "not run".into(),
            },
            None => "not run".into(),
            Some(ConditionStatus::InProgress) => {
                let waiting = self
                    .rules
                    .iter()
                    .find(|r| r.status == Some(RuleStatus::InProgress));
                match waiting {
                    Some(r) if self.kind == ConditionKind::BeforeEntry => {
                        let until = r.window.as_ref().and_then(|w| {
                            let at = w.next_open(now).ok()?;
                            Some(w.local_text(at, now))
                        });
                        match until {
                            Some(t) => format!("blocked by {} until {t}", rule_name(r)),
                            None => format!(
                                "blocked by {}{}",
                                rule_name(r),
                                r.summary
                                    .as_deref()
                                    .map(|s| format!(": {s}"))
                                    .unwrap_or_default()
                            ),
                        }
                    }
                    Some(r) => format!(
                        "checking {}{}",
                        rule_name(r),
                        r.summary
                            .as_deref()
                            .map(|s| format!(": {s}"))
                            .unwrap_or_default()
                    ),
                    None => "in progress".into(),
                }
            }
            Some(ConditionStatus::Failed) | Some(ConditionStatus::Errored) => {
                let failed = self
                    .rules
                    .iter()
                    .find(|r| r.status == Some(RuleStatus::Failed));
                let what = match failed {
                    Some(r) => {
                        let says = r.summary.clone().unwrap_or_else(|| "failed".into());
                        // "Alarm X is in ALARM" reads as "in ALARM" after the rule's name.
                        let says = says
                            .rsplit_once(" is ")
                            .map_or(says.clone(), |(_, tail)| tail.to_string());
                        format!("{} {says}", rule_name(r))
                    }
                    None => "failed".into(),
                };
                let then = match self.result {
                    Some(ConditionResult::Rollback) => " → rolling back",
                    Some(ConditionResult::Fail) => " → stage failed",
                    Some(ConditionResult::Skip) => " → stage skipped",
                    Some(ConditionResult::Retry) => " → retrying",
                    None => "",
                };
                format!("{what}{then}")
            }
            Some(ConditionStatus::Overridden) => "overridden".into(),
            Some(ConditionStatus::Succeeded) => "passed".into(),
            Some(s) => s.as_str().to_lowercase(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin_hours() -> DeploymentWindow {
        DeploymentWindow {
            cron: "* * 9-16 ? * MON-FRI *".into(),
            time_zone: Some("Europe/Berlin".into()),
        }
    }

    #[test]
    fn a_window_opens_at_its_local_hours() {
        let w = berlin_hours();
        // 2026-11-25 is a Wednesday; Berlin is UTC+1 in November.
        let early = Timestamp::parse_rfc3339("2026-11-25T07:30:00Z").unwrap();
        assert!(!w.is_open(early).unwrap(), "08:30 in Berlin");
        let open = w.next_open(early).unwrap();
        assert_eq!(open.rfc3339(), "2026-11-25T08:00:00Z");
        assert_eq!(w.local_text(open, early), "09:00 Europe/Berlin");
        assert!(w.is_open(open).unwrap());
        let evening = Timestamp::parse_rfc3339("2026-11-27T17:00:00Z").unwrap();
        let monday = w.next_open(evening).unwrap();
        assert_eq!(
            monday.rfc3339(),
            "2026-11-30T08:00:00Z",
            "Friday evening → Monday"
        );
        assert_eq!(w.local_text(monday, evening), "Mon 09:00 Europe/Berlin");
        // Summer time: 09:00 in Berlin is 07:00 UTC.
        let june = Timestamp::parse_rfc3339("2026-06-03T05:00:00Z").unwrap();
        assert_eq!(w.next_open(june).unwrap().rfc3339(), "2026-06-03T07:00:00Z");
    }

    #[test]
    fn a_bad_window_says_what_is_wrong() {
        let bad_zone = DeploymentWindow {
            cron: "* * 9-16 ? * MON-FRI *".into(),
            time_zone: Some("Mars/Olympus".into()),
        };
        let err = bad_zone.is_open(Timestamp(0)).unwrap_err();
        assert!(err.contains("Mars/Olympus"), "{err}");
        let bad_cron = DeploymentWindow {
            cron: "every weekday".into(),
            time_zone: None,
        };
        assert!(
            bad_cron
                .next_open(Timestamp(0))
                .unwrap_err()
                .contains("every weekday")
        );
        assert_eq!(bad_cron.zone_name(), "UTC");
    }

    fn prd_deploy() -> Vec<ConditionDef> {
        let rule = |name: &str, provider: &str, config: &[(&str, &str)]| RuleDef {
            name: name.into(),
            provider: provider.into(),
            configuration: config
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            region: None,
        };
        vec![
            ConditionDef {
                kind: ConditionKind::BeforeEntry,
                result: Some(ConditionResult::Fail),
                retry_mode: None,
                rules: vec![rule(
                    "prod-hours",
                    "DeploymentWindow",
                    &[
                        ("Cron", "* * 14-16 ? * MON-FRI *"),
                        ("TimeZone", "Europe/Berlin"),
                    ],
                )],
            },
            ConditionDef {
                kind: ConditionKind::OnSuccess,
                result: Some(ConditionResult::Rollback),
                retry_mode: None,
                rules: vec![rule(
                    "api-5xx",
                    "CloudWatchAlarm",
                    &[("AlarmName", "api-5xx")],
                )],
            },
        ]
    }

    fn live(
        kind: ConditionKind,
        status: ConditionStatus,
        rule: &str,
        run: RuleStatus,
        summary: &str,
    ) -> StageConditions {
        StageConditions {
            kind,
            latest: Some(ConditionRun {
                status,
                summary: None,
                last_status_change: None,
            }),
            conditions: vec![ConditionState {
                latest: Some(ConditionRun {
                    status,
                    summary: None,
                    last_status_change: None,
                }),
                rules: vec![RuleState {
                    name: rule.into(),
                    latest: Some(RuleRun {
                        rule_execution_id: "r1".into(),
                        status: run,
                        summary: Some(summary.into()),
                        last_status_change: None,
                        external_execution_url: None,
                        error: None,
                    }),
                }],
            }],
        }
    }

    #[test]
    fn each_condition_state_reads_as_a_release_manager_says_it() {
        let def = prd_deploy();
        let ten_berlin = Timestamp::parse_rfc3339("2026-11-25T09:00:00Z").unwrap();
        let never = condition_views(&def, &[]);
        assert_eq!(never.len(), 2);
        assert_eq!(never[0].live_text(ten_berlin), "not run");
        assert_eq!(
            never[0].rules[0].provider.as_deref(),
            Some("DeploymentWindow")
        );
        let held = live(
            ConditionKind::BeforeEntry,
            ConditionStatus::InProgress,
            "prod-hours",
            RuleStatus::InProgress,
            "Outside the window",
        );
        let v = condition_views(&def, std::slice::from_ref(&held));
        assert_eq!(
            v[0].live_text(ten_berlin),
            "blocked by DeploymentWindow `prod-hours` until 14:00 Europe/Berlin"
        );
        assert_eq!(v[1].live_text(ten_berlin), "not run");
        assert_eq!(
            v[0].short_text(ten_berlin),
            "held until 14:00 Europe/Berlin (prod-hours)"
        );
        let alarm = live(
            ConditionKind::OnSuccess,
            ConditionStatus::Failed,
            "api-5xx",
            RuleStatus::Failed,
            "Alarm api-5xx is in ALARM",
        );
        let v = condition_views(&def, &[alarm]);
        assert_eq!(
            v[1].live_text(ten_berlin),
            "CloudWatchAlarm `api-5xx` in ALARM → rolling back"
        );
        let watching = live(
            ConditionKind::OnSuccess,
            ConditionStatus::InProgress,
            "api-5xx",
            RuleStatus::InProgress,
            "Watching alarm api-5xx for 10 minutes",
        );
        let v = condition_views(&def, &[watching]);
        assert_eq!(
            v[1].live_text(ten_berlin),
            "checking CloudWatchAlarm `api-5xx`: Watching alarm api-5xx for 10 minutes"
        );
        // An alarm rule declared in another region says where its alarm is.
        let mut elsewhere = def.clone();
        elsewhere[1].rules[0].region = Some("us-west-2".into());
        let alarm = live(
            ConditionKind::OnSuccess,
            ConditionStatus::Failed,
            "api-5xx",
            RuleStatus::Failed,
            "Alarm api-5xx is in ALARM",
        );
        let v = condition_views(&elsewhere, &[alarm]);
        assert_eq!(v[1].rules[0].region.as_deref(), Some("us-west-2"));
        assert_eq!(
            v[1].live_text(ten_berlin),
            "CloudWatchAlarm `api-5xx` (us-west-2) in ALARM → rolling back"
        );
        let mut over = held.clone();
        over.conditions[0].latest.as_mut().unwrap().status = ConditionStatus::Overridden;
        assert_eq!(
            condition_views(&def, &[over])[0].live_text(ten_berlin),
            "overridden"
        );
        // A state without its definition still shows its rules, by name.
        let v = condition_views(&[], &[held]);
        assert_eq!(v[0].result, None);
        assert_eq!(
            v[0].live_text(ten_berlin),
            "blocked by `prod-hours`: Outside the window"
        );
    }

    #[test]
    fn condition_kinds_read_every_spelling() {
        for t in ["before-entry", "beforeEntry", "BEFORE_ENTRY"] {
            assert_eq!(ConditionKind::parse(t), Some(ConditionKind::BeforeEntry));
        }
        assert_eq!(
            ConditionKind::parse("on-success"),
            Some(ConditionKind::OnSuccess)
        );
        assert_eq!(ConditionKind::parse("after"), None);
        assert_eq!(ConditionKind::OnFailure.api_type(), None);
    }
}
