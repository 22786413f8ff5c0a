//! CloudWatch Logs events written by a standard logging v2 delivery, read as access records:
//! each event's message one line, in the delivery's declared format (JSON objects keyed by field
//! name, or plain lines in its record fields and delimiter); a malformed event is skipped and
//! named by its event id, the rest kept.

use super::json::read_json;
use super::read::{ReadReport, plain_bytes};
use crate::accesslog::input::PlainLayout;
use crate::accesslog::{LineView, Parser};
use crate::domain::LogEvent;

/// Reads the messages of `events` of log group `group` (JSON, or plain lines laid out by
/// `plain`) into `visit`; the report counts them as one input, and names a skipped event
/// `group event <id>: why`.
pub fn read_events(
    events: &[LogEvent],
    group: &str,
    plain: Option<&PlainLayout>,
    visit: &mut impl FnMut(&LineView<'_>),
) -> ReadReport {
    let mut text = Vec::with_capacity(events.iter().map(|e| e.message.len() + 1).sum());
    for e in events {
        // One event, one line: a line break inside a message is white space to JSON.
        text.extend(e.message.bytes().map(|b| match b {
            b'\n' | b'\r' => b' ',
            b => b,
        }));
        text.push(b'\n');
    }
    let mut report = match plain {
        None => read_json(text.as_slice(), group, false, visit),
        Some(layout) => {
            let parser = Parser::with_schema(layout.schema.clone());
            if layout.delimiter != b'\t' {
                let d = layout.delimiter;
                for b in &mut text {
                    if *b == d {
                        *b = b'\t';
                    }
                }
            }
            plain_bytes(&text, group, parser, visit)
        }
    };
    report.bytes_in = text.len() as u64;
    report.skips = report
        .skips
        .into_iter()
        .map(|s| name_event(&s, group, events))
        .collect();
    report
}

/// `group:LINE: why` as `group event <id>: why` (the line is the event's place in the page).
fn name_event(skip: &str, group: &str, events: &[LogEvent]) -> String {
    let Some(rest) = skip.strip_prefix(group).and_then(|r| r.strip_prefix(':')) else {
        return skip.to_string();
    };
    let Some((line, why)) = rest.split_once(": ") else {
        return skip.to_string();
    };
    let event = line
        .parse::<usize>()
        .ok()
        .and_then(|n| events.get(n.checked_sub(1)?));
    match event {
        Some(e) => format!("{group} event {}: {why}", e.event_id),
        None => skip.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timestamp;

    fn ev(id: &str, message: &str) -> LogEvent {
        LogEvent {
            group: "g".into(),
            event_id: id.into(),
            stream: "s".into(),
            timestamp: Timestamp(0),
            ingestion_time: Timestamp(0),
            message: message.into(),
        }
    }

    #[test]
    fn json_events_are_records_and_a_bad_one_is_named_by_its_id() {
        let good = r#"{"date": "2026-11-25", "time": "09:00:01", "sc-status": "200", "cs-uri-stem": "/a", "asn": "16509"}"#;
        let events = [
            ev("e1", "not json"),
            ev("e2", good),
            ev("e3", r#"{"sc-status": 200}"#),
            ev("e4", &good.replace(", ", ",\n")),
        ];
        let mut statuses = Vec::new();
        let report = read_events(&events, "/aws/cloudfront/x", None, &mut |v| {
            statuses.push(v.status())
        });
        assert_eq!(statuses, [Some(200), Some(200)]);
        assert_eq!(report.records, 2, "{report:?}");
        assert_eq!(report.skipped, 2, "{report:?}");
        assert!(
            report.skips[0].starts_with("/aws/cloudfront/x event e1: "),
            "{:?}",
            report.skips
        );
        assert!(
            report.skips[1].contains("event e3: ") && report.skips[1].contains("expected a string"),
            "{:?}",
            report.skips
        );
    }

    #[test]
    fn plain_events_follow_the_delivery_layout() {
        let layout = PlainLayout::parse("date,time,sc-status,cs-uri-stem", Some(",")).unwrap();
        let events = [ev("e1", "2026-11-25,09:00:01,502,/api")];
        let mut n = 0;
        let report = read_events(&events, "g", Some(&layout), &mut |_| n += 1);
        assert_eq!((report.records, n), (1, 1), "{report:?}");
    }
}
