//! Following CloudWatch Logs: one `FilterLogEvents` read followed page by page to its end (the
//! console's Logs view and `logs group` share it), and live tails (`StartLiveTail`): the request
//! and the batches it yields.

use super::{CloudResult, LogQuery, Logs};
use crate::domain::LogEvent;
use futures::stream::BoxStream;
use std::collections::BTreeMap;

/// Reads `query` with `FilterLogEvents`, following each page's `nextToken` — a page may be
/// partial or even empty while more follow; only a page without a token ends the read — and
/// hands each page's events to `each`, which answers whether to go on (a reader with enough for
/// now, or whose output closed, says no). After `pages` pages, or when `each` says no, the read
/// stops: the answer is the token to go on with (`None`: the read reached the end). A failed
/// page ends the read with its error; the pages before it were handed over.
pub async fn filter_pages(
    logs: &dyn Logs,
    query: &LogQuery,
    pages: usize,
    mut each: impl FnMut(Vec<LogEvent>) -> bool,
) -> CloudResult<Option<String>> {
    let mut query = query.clone();
    for _ in 0..pages {
        let page = logs.filter_log_events(&query).await?;
        let more = each(page.events);
        query.next_token = page.next_token;
        if query.next_token.is_none() || !more {
            break;
        }
    }
    Ok(query.next_token)
}

/// Most log groups one live-tail session follows.
pub const MAX_TAIL_GROUPS: usize = 10;
/// Most events one update of a session carries; beyond it the update is `sampled`.
pub const MAX_TAIL_EVENTS: usize = 500;

/// What to follow.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveTailRequest {
    /// Log group names (1–10).
    pub groups: Vec<String>,
    /// Only these log streams (empty: every stream).
    pub streams: Vec<String>,
    /// CloudWatch filter pattern (`ERROR`, `{ $.level = "ERROR" }`, …).
    pub pattern: Option<String>,
}

impl LiveTailRequest {
    /// Checks the request as the service does; the error says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.groups.is_empty() || self.groups.len() > MAX_TAIL_GROUPS {
            return Err(format!(
                "a live tail follows 1-{MAX_TAIL_GROUPS} log groups, got {}",
                self.groups.len()
            ));
        }
        Ok(())
    }
}

/// One update of a live-tail session.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveTailBatch {
    /// Events in ingestion order, of the groups asked for (each event's `group` names it as the
    /// request does; live tails carry no event ids, so theirs are made up).
    pub events: Vec<LogEvent>,
    /// More events matched than an update carries: these are a sample.
    pub sampled: bool,
    /// Events the service sent for log groups the request did not ask for, left out: how many
    /// of each such group (as the service named it).
    pub other_groups: BTreeMap<String, usize>,
}

impl LiveTailBatch {
    /// The batch of `events` — each with `group` as the service reported it (a name or an ARN)
    /// — that belong to the groups of `req`, named as `req` names them; `sent` holds the
    /// identifiers sent for those groups, in order (ARNs to AWS). The others are counted in
    /// [`LiveTailBatch::other_groups`], not shown as one of the asked groups' events.
    pub fn checked(
        req: &LiveTailRequest,
        sent: &[String],
        events: Vec<LogEvent>,
        sampled: bool,
    ) -> LiveTailBatch {
        let mut batch = LiveTailBatch {
            sampled,
            ..LiveTailBatch::default()
        };
        for mut e in events {
            match req.asked_group(sent, &e.group) {
                Some(group) => {
                    e.group = group.to_string();
                    batch.events.push(e);
                }
                None => *batch.other_groups.entry(e.group).or_default() += 1,
            }
        }
        batch
    }
}

impl LiveTailRequest {
    /// The group of this request that `identifier` — a log group as a live tail reports it, a
    /// name or an ARN (maybe ending in `:*`) — is, given the identifiers `sent` for the groups
    /// in order; `None` for a group not asked for.
    pub fn asked_group(&self, sent: &[String], identifier: &str) -> Option<&str> {
        let got = identifier.trim_end_matches(":*");
        self.groups.iter().enumerate().find_map(|(i, name)| {
            let sent = sent.get(i).map_or(name.as_str(), String::as_str);
            let sent = sent.trim_end_matches(":*");
            let same =
                got == sent || got == name || (!got.starts_with("arn:") && got == group_name(sent));
            same.then_some(name.as_str())
        })
    }
}

/// The group name of a log group identifier: the part of an ARN after `:log-group:`.
pub fn group_name(identifier: &str) -> &str {
    let id = identifier.trim_end_matches(":*");
    id.split_once(":log-group:").map_or(id, |(_, name)| name)
}

/// The updates of a live-tail session; it ends when the session does (an error says why).
pub type LiveTail = BoxStream<'static, CloudResult<LiveTailBatch>>;

/// Whether a failed `StartLiveTail` means live tails are not to be had here (an emulator or
/// region without them, a policy without `logs:StartLiveTail`, a stream that broke), so that
/// polling `FilterLogEvents` is the way to follow; missing groups and expired credentials are not.
pub fn live_tail_unavailable(err: &super::CloudError) -> bool {
    use super::CloudError as E;
    match err {
        E::Server { .. } | E::AccessDenied { .. } | E::Network(_) | E::Timeout { .. } => true,
        E::Rejected { code, .. } => [
            "NotImplemented",
            "UnknownOperationException",
            "InvalidAction",
            "UnsupportedOperation",
            "InvalidOperationException",
            "SessionStreamingException",
            "InvalidResponse",
        ]
        .contains(&code.as_str()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(group: &str) -> LogEvent {
        LogEvent {
            group: group.into(),
            event_id: "e".into(),
            stream: "s".into(),
            timestamp: crate::domain::Timestamp(0),
            ingestion_time: crate::domain::Timestamp(0),
            message: "m".into(),
        }
    }

    #[test]
    fn events_of_groups_not_asked_for_are_counted_not_shown() {
        let req = LiveTailRequest {
            groups: vec!["/aws/lambda/api".into(), "/aws/codebuild/deploy".into()],
            ..LiveTailRequest::default()
        };
        let arn = |g: &str| format!("arn:aws:logs:us-east-1:123456789012:log-group:{g}");
        let sent: Vec<String> = req.groups.iter().map(|g| arn(g)).collect();
        let events = vec![
            event(&arn("/aws/lambda/api")),
            event(&format!("{}:*", arn("/aws/codebuild/deploy"))),
            event("/aws/lambda/api"),
            event(&arn("/aws/lambda/other")),
            event("arn:aws:logs:us-east-1:999999999999:log-group:/aws/lambda/api"),
            event("/aws/lambda/other"),
            event(&arn("/aws/lambda/other")),
        ];
        let batch = LiveTailBatch::checked(&req, &sent, events, true);
        let groups: Vec<&str> = batch.events.iter().map(|e| e.group.as_str()).collect();
        assert_eq!(
            groups,
            [
                "/aws/lambda/api",
                "/aws/codebuild/deploy",
                "/aws/lambda/api"
            ]
        );
        assert!(batch.sampled);
        let other: Vec<(&str, usize)> = batch
            .other_groups
            .iter()
            .map(|(g, n)| (g.as_str(), *n))
            .collect();
        assert_eq!(
            other,
            [
                ("/aws/lambda/other", 1),
                (arn("/aws/lambda/other").as_str(), 2),
                (
                    "arn:aws:logs:us-east-1:999999999999:log-group:/aws/lambda/api",
                    1
                ),
            ]
        );
        assert_eq!(group_name(&arn("/a/b")), "/a/b");
        assert_eq!(group_name("/a/b"), "/a/b");
    }
}
