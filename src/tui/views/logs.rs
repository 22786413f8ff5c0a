//! The logs view: recent CloudWatch events of an environment (or a GitHub Actions job's log, a
//! row per line), newest at the bottom, following the tail, each row labelled with its log group
//! when the view reads several, with the selected event's detail beside them (below on narrow
//! terminals).

use super::traffic::{MATCH, highlight};
use crate::app::{JobLogSource, State};
use crate::domain::{LogEvent, Timestamp};
use crate::tui::widgets::pane::split;
use crate::tui::widgets::status::{DIM, SELECTED};
use crate::tui::widgets::text::{count, ellipsize, fit_line, width};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Cells of the shortened stream name.
const STREAM_WIDTH: usize = 10;
/// Most cells of a log group's label.
const GROUP_WIDTH: usize = 12;

/// The environment whose events are shown.
fn env_name(state: &State) -> &str {
    state
        .envs
        .get(state.logs.env)
        .or_else(|| state.selected_env())
        .map_or("", |e| e.spec.name.as_str())
}

/// Body title: names the environment (and the build's stream after a build-log jump).
pub fn title(state: &State) -> String {
    if let Some(job) = &state.logs.job {
        return format!("Logs · job log · {} › {}", job.run, job.name);
    }
    match &state.logs.stream {
        Some((_, stream)) => format!("Logs · {} · build log {stream}", env_name(state)),
        None => format!(
            "Logs · {} · CloudWatch events (access logs: Traffic, 5)",
            env_name(state)
        ),
    }
}

/// A log stream name cut to what tells streams apart: its last segment, without `[$LATEST]`.
pub fn short_stream(stream: &str) -> String {
    let last = stream.rsplit('/').find(|s| !s.is_empty()).unwrap_or(stream);
    let last = last.trim_start_matches("[$LATEST]");
    last.chars().take(STREAM_WIDTH).collect()
}

/// The last segment of a log group name (`/aws/lambda/storefront-api-prd` → `storefront-api-prd`).
fn last_segment(group: &str) -> &str {
    group.rsplit('/').find(|s| !s.is_empty()).unwrap_or(group)
}

fn is_separator(c: char) -> bool {
    matches!(c, '-' | '_' | '.')
}

/// Short labels telling `groups` apart, in order: the last segment of each name without the
/// words all of them begin and end with (`/aws/lambda/storefront-api-prd` and
/// `/aws/codebuild/storefront-deploy-prd` → `api` and `deploy`), or the last two segments where
/// last segments are alike; at most 12 cells.
pub fn group_labels(groups: &[String]) -> Vec<String> {
    let segs: Vec<&str> = groups.iter().map(|g| last_segment(g)).collect();
    let mut labels: Vec<String> = segs.iter().map(|s| s.to_string()).collect();
    if let [first, rest @ ..] = segs.as_slice()
        && !rest.is_empty()
    {
        // The shared start and end, cut back to a word boundary.
        let mut head = first.len();
        let mut tail = first.len();
        for s in rest {
            head = head.min(
                first
                    .char_indices()
                    .zip(s.chars())
                    .find(|((_, a), b)| a != b)
                    .map_or(first.len().min(s.len()), |((i, _), _)| i),
            );
            tail = tail.min(
                first
                    .chars()
                    .rev()
                    .zip(s.chars().rev())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a.len_utf8())
                    .sum(),
            );
        }
        let head = first
            .get(..head)
            .and_then(|h| h.rfind(is_separator))
            .map_or(0, |i| i + 1);
        let tail = first
            .get(first.len() - tail..)
            .and_then(|t| t.find(is_separator))
            .map_or(0, |i| tail - i);
        let cut: Vec<String> = segs
            .iter()
            .map(|s| {
                s.get(head..s.len().saturating_sub(tail).max(head))
                    .unwrap_or_default()
                    .trim_matches(is_separator)
                    .to_string()
            })
            .collect();
        if cut.iter().all(|c| !c.is_empty()) {
            labels = cut;
        }
    }
    let alike: Vec<bool> = labels
        .iter()
        .map(|l| labels.iter().filter(|m| *m == l).count() > 1)
        .collect();
    labels
        .into_iter()
        .zip(groups.iter().zip(alike))
        .map(|(label, (group, alike))| {
            let label = if alike {
                let g = group.trim_end_matches('/');
                let parent = g.rsplit('/').nth(1).unwrap_or_default();
                format!("{parent}/{}", last_segment(g))
            } else {
                label
            };
            let label: String = label
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            ellipsize(&label, GROUP_WIDTH)
        })
        .collect()
}

/// The log groups the view reads: the build's, or the environment's.
fn view_groups(state: &State) -> Vec<String> {
    if let Some(job) = &state.logs.job {
        return vec![job.name.clone()];
    }
    match &state.logs.stream {
        Some((group, _)) => vec![group.clone()],
        None => state
            .envs
            .get(state.logs.env)
            .map(|e| e.spec.log_groups.clone())
            .unwrap_or_default(),
    }
}

/// The group column: each group's label and the column's width, when the view reads more than
/// one group (the header names a lone one).
struct GroupColumn {
    groups: Vec<String>,
    labels: Vec<String>,
    width: usize,
}

impl GroupColumn {
    fn of(groups: Vec<String>) -> Option<GroupColumn> {
        if groups.len() < 2 {
            return None;
        }
        let labels = group_labels(&groups);
        let width = labels.iter().map(|l| width(l)).max().unwrap_or(0);
        Some(GroupColumn {
            groups,
            labels,
            width,
        })
    }

    /// The label of `group`, padded to the column's width.
    fn cell(&self, group: &str) -> String {
        let label = match self.groups.iter().position(|g| g == group) {
            Some(i) => self.labels[i].clone(),
            // Not one the view reads (never the case: events are attributed to the group read).
            None => ellipsize(last_segment(group), self.width),
        };
        let pad = self.width.saturating_sub(width(&label));
        format!("{label}{} ", " ".repeat(pad))
    }
}

/// The message on one line, without control characters.
fn one_line(message: &str) -> String {
    message
        .trim_end()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn line_style(message: &str) -> Style {
    let head: String = message
        .chars()
        .take(80)
        .collect::<String>()
        .to_ascii_uppercase();
    if head.contains("ERROR") || head.contains("FATAL") {
        Style::new().fg(Color::Red)
    } else if head.contains("WARN") {
        Style::new().fg(Color::Yellow)
    } else {
        Style::new()
    }
}

fn event_line(
    e: &LogEvent,
    groups: Option<&GroupColumn>,
    search: &str,
    marked: bool,
    streams: bool,
) -> Line<'static> {
    let mut spans = vec![Span::styled(format!("{} ", e.timestamp.clock()), DIM)];
    if let Some(col) = groups {
        spans.push(Span::styled(
            col.cell(&e.group),
            Style::new().fg(Color::Magenta),
        ));
    }
    if streams {
        spans.push(Span::styled(
            format!("{:<w$} ", short_stream(&e.stream), w = STREAM_WIDTH),
            Style::new().fg(Color::Cyan),
        ));
    }
    if !streams {
        // A job's log: its workflow commands shown as what they mean.
        if let Some(step) = e.message.strip_prefix("##[group]") {
            let bold = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
            spans.extend(highlight(&format!("▾ {}", one_line(step)), search, bold));
            let line = Line::from(spans);
            return if marked {
                line.patch_style(SELECTED)
            } else {
                line
            };
        }
    }
    let message = if streams {
        e.message.as_str().into()
    } else {
        job_command(&e.message)
    };
    spans.extend(highlight(
        &one_line(&message),
        search,
        line_style(&e.message),
    ));
    let line = Line::from(spans);
    if marked {
        line.patch_style(SELECTED)
    } else {
        line
    }
}

/// A job log line as it reads on GitHub: `##[error]x` → `error: x` (coloured by the word),
/// `##[warning]x` → `warning: x`, other workflow commands without their prefix.
fn job_command(message: &str) -> std::borrow::Cow<'_, str> {
    let Some(rest) = message.strip_prefix("##[") else {
        return message.into();
    };
    let Some((command, text)) = rest.split_once(']') else {
        return message.into();
    };
    match command {
        "error" | "warning" => format!("{command}: {text}").into(),
        "notice" | "debug" | "command" => text.into(),
        _ => message.into(),
    }
}

/// The range of filtered events shown in `height` rows: the tail, moved back by `scroll`.
pub fn window(count: usize, scroll: usize, height: usize) -> std::ops::Range<usize> {
    let back = scroll.min(count.saturating_sub(height));
    let end = count - back;
    end.saturating_sub(height)..end
}

/// Where the Logs view draws in `inner`.
struct Layout {
    /// The summary line and the read error, if any.
    head: Rect,
    /// Below the head: the rows and the detail pane, or a message when no event is listed.
    body: Rect,
    /// The event rows.
    rows: Rect,
    /// The detail pane (empty when closed): beside the rows, else the lower half — all of the
    /// body below 12 rows.
    side: Rect,
}

impl Layout {
    fn of(state: &State, inner: Rect) -> Layout {
        let head_h = (1 + u16::from(state.logs.load.error.is_some())).min(inner.height);
        let head = Rect {
            height: head_h,
            ..inner
        };
        let body = Rect {
            y: inner.y.saturating_add(head_h),
            height: inner.height - head_h,
            ..inner
        };
        let (rows, side) = match state.logs.detail {
            Some(_) if body.height < 12 => split(body, body.height),
            Some(_) => split(body, body.height / 2),
            None => (body, Rect::default()),
        };
        Layout {
            head,
            body,
            rows,
            side,
        }
    }
}

/// How many event rows the Logs view shows in `inner` (what the core needs to stop scrolling
/// back once the oldest event is at the top, and to move a page).
pub fn page_rows(state: &State, inner: Rect) -> usize {
    usize::from(Layout::of(state, inner).rows.height)
}

/// Where a finished job's log stands, in place of `● following`: `complete` once read (the log
/// of an ended job is whole), when the job finished (the time today, else the day too), and how
/// far back the view is scrolled.
fn finished(job: &JobLogSource, state: &State) -> Span<'static> {
    let mut text = String::new();
    if job.read {
        text.push_str("complete · ");
    }
    text.push_str("job finished");
    if let Some(at) = job.completed_at {
        let same_day =
            at.millis().div_euclid(Timestamp::DAY) == state.now.millis().div_euclid(Timestamp::DAY);
        let when = if same_day { at.clock() } else { at.short() };
        text.push_str(&format!(" {when}"));
    }
    if state.logs.scroll > 0 {
        let back = count(state.logs.scroll, "row", "rows");
        text.push_str(&format!(" · {back} back"));
    }
    Span::styled(text, Style::new().fg(Color::Cyan))
}

/// Draws the logs view.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    if inner.height == 0 {
        return;
    }
    let read = view_groups(state);
    let groups = read.join(", ");
    let column = GroupColumn::of(read);
    let rows = state.visible_log_rows();
    let events: Vec<&LogEvent> = rows.iter().map(|&i| &state.logs.events[i]).collect();
    let follow = match &state.logs.job {
        // A finished job's log no longer grows: nothing is followed, and no read comes after.
        Some(job) if job.done() => finished(job, state),
        _ if state.logs.scroll == 0 && !state.logs.paused => {
            Span::styled("● following", Style::new().fg(Color::Green))
        }
        _ => Span::styled(
            format!("‖ paused, {} back", count(state.logs.scroll, "row", "rows")),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ),
    };
    let mut top = match &state.logs.job {
        // A job's log: the job, its state, and how many of its lines are held.
        Some(job) => {
            let status = job.state();
            let held = if job.lines > state.logs.events.len() {
                format!(
                    " (the last {} of {})",
                    state.logs.events.len(),
                    count(job.lines, "line", "lines")
                )
            } else {
                String::new()
            };
            vec![
                Span::styled("job ", DIM),
                Span::raw(ellipsize(&job.name, usize::from(inner.width) / 3)),
                Span::styled(
                    format!(
                        " {status} · {}{held} · ",
                        count(events.len(), "line", "lines")
                    ),
                    DIM,
                ),
                follow,
            ]
        }
        None => {
            // Nothing held and the read failed: how many events there are is not known.
            let held = state.logs.events.len();
            let events = match &state.logs.load.error {
                Some(_) if held == 0 => "events unknown".to_string(),
                // Under a filter: how many of those held it lets through.
                _ if events.len() < held => format!("{} of {held} events", events.len()),
                _ => count(events.len(), "event", "events"),
            };
            vec![
                Span::styled("groups ", DIM),
                Span::raw(ellipsize(&groups, usize::from(inner.width) / 2)),
                Span::styled(format!(" · {events} · "), DIM),
                follow,
            ]
        }
    };
    if !state.logs.behind().is_empty() {
        // A read stopped before its last page: the next polls go on from there.
        top.push(Span::styled(
            " · catching up",
            Style::new().fg(Color::Yellow),
        ));
    }
    if !state.logs.search.is_empty() {
        top.push(Span::styled(" · search: ", Style::new().fg(Color::Yellow)));
        top.push(Span::styled(state.logs.search.clone(), MATCH));
    }
    let mut head = vec![Line::from(top)];
    if let Some(err) = &state.logs.load.error {
        head.push(Line::from(Span::styled(
            format!("read failed: {}", one_line(err)),
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        )));
    }
    let layout = Layout::of(state, inner);
    let head: Vec<Line> = head
        .into_iter()
        .map(|line| fit_line(line, usize::from(layout.head.width)))
        .collect();
    frame.render_widget(Paragraph::new(head), layout.head);
    // An `:insights` answer takes the rows until Esc closes it.
    if let Some(q) = &state.queries.logs {
        crate::tui::panes::insights_table::render(frame, q, state.now, layout.body);
        return;
    }
    if events.is_empty() {
        let msg = if !state.logs.events.is_empty() {
            format!("No event matches the filter `{}`.", state.filter)
        } else if state.logs.load.inflight.is_some() {
            "Reading events…".to_string()
        } else if let Some(job) = &state.logs.job {
            match (&state.logs.load.error, job.read) {
                (Some(_), _) => format!("The log of job {} is unknown.", job.name),
                // GitHub serves a job's log once the job has ended.
                (None, true) if !job.done() => format!(
                    "Job {} is {}: GitHub serves its log once the job ends; read again every \
                     10 s.",
                    job.name,
                    job.state()
                ),
                (None, true) => format!("The log of job {} is empty.", job.name),
                (None, false) => "Reading the job's log…".to_string(),
            }
        } else if let Some((group, stream)) = &state.logs.stream {
            // A build log: say what was read, not just that nothing came back.
            let since = state.logs.first(state.now).clock();
            format!("No events in {group}, stream {stream}, from {since} on.")
        } else if state.logs.load.error.is_some() {
            // Unknown is not none: the read failed, so nothing says there are no events.
            format!("The events of {groups} are unknown: the last read failed.")
        } else {
            "No events in the last read.".to_string()
        };
        let mut lines = vec![Line::from(Span::styled(msg, DIM))];
        if let Some(err) = &state.logs.load.error {
            // Why, whole (the line above the rows is cut at the terminal's width).
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                one_line(err),
                Style::new().fg(Color::Red),
            )));
        }
        let body = Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false });
        frame.render_widget(body, layout.body);
        return;
    }
    let (area, side) = (layout.rows, layout.side);
    let shown = window(events.len(), state.logs.scroll, usize::from(area.height));
    let first = shown.start;
    let detail = state
        .logs
        .detail
        .as_ref()
        .map(|(g, id)| (g.as_str(), id.as_str()));
    let lines: Vec<Line> = events
        .get(shown)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let marked = match detail {
                Some(key) => e.key() == key,
                None => state.logs.mark == Some(first + k),
            };
            let line = event_line(
                e,
                column.as_ref(),
                &state.logs.search,
                marked,
                state.logs.job.is_none(),
            );
            // A message wider than the rows ends with `…` (Enter shows it whole).
            fit_line(line, usize::from(area.width))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
    if let Some(key) = detail
        && side.height > 0
        && side.width > 0
    {
        let event = state.logs.events.iter().find(|e| e.key() == key);
        let inside = crate::tui::panes::log_event::inside(side);
        let total = state.pane_total((inside.width, inside.height));
        crate::tui::panes::log_event::render(frame, event, side, state.pane_offset(), total);
    }
}

/// The event detail on screen: the area inside its pane, and the event (`None`: no longer held).
fn detail(state: &State, inner: Rect) -> Option<(Rect, Option<&LogEvent>)> {
    let (group, id) = state.logs.detail.as_ref()?;
    if state.visible_log_rows().is_empty() {
        return None;
    }
    let side = Layout::of(state, inner).side;
    let event = state
        .logs
        .events
        .iter()
        .find(|e| e.key() == (group.as_str(), id.as_str()));
    (side.height > 0 && side.width > 0).then_some((side, event))
}

/// The area inside the event detail's pane on screen.
pub fn pane_area(state: &State, inner: Rect) -> Option<Rect> {
    let (side, _) = detail(state, inner)?;
    Some(crate::tui::panes::log_event::inside(side))
}

/// The event detail on screen: the area inside its pane and how many rows the event takes (it
/// lays the whole event out).
pub fn pane(state: &State, inner: Rect) -> Option<(Rect, usize)> {
    let (side, event) = detail(state, inner)?;
    let area = crate::tui::panes::log_event::inside(side);
    (area.height > 0 && area.width > 0)
        .then(|| (area, crate::tui::panes::log_event::rows(event, side)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_follows_the_tail_and_scrolls_back() {
        assert_eq!(window(100, 0, 10), 90..100);
        assert_eq!(window(100, 5, 10), 85..95);
        assert_eq!(window(100, 500, 10), 0..10);
        assert_eq!(window(3, 2, 10), 0..3);
        assert_eq!(window(0, 0, 0), 0..0);
        assert_eq!(
            short_stream("2026/11/25/[$LATEST]0123456789abcdef"),
            "0123456789"
        );
        assert_eq!(short_stream("deploy/3f2a"), "3f2a");
    }

    #[test]
    fn group_labels_keep_what_tells_the_groups_apart() {
        let labels =
            |gs: &[&str]| group_labels(&gs.iter().map(|g| g.to_string()).collect::<Vec<_>>());
        assert_eq!(
            labels(&[
                "/aws/lambda/storefront-api-prd",
                "/aws/codebuild/storefront-deploy-prd"
            ]),
            ["api", "deploy"]
        );
        assert_eq!(
            labels(&["/aws/lambda/api", "/aws/lambda/api-worker"]),
            ["api", "api-worker"],
            "a label is never cut to nothing"
        );
        assert_eq!(
            labels(&["/aws/lambda/checkout", "/aws/lambda/cart"]),
            ["checkout", "cart"],
            "no cut inside a word"
        );
        assert_eq!(
            labels(&["/aws/lambda/app", "/aws/ecs/app"]),
            ["lambda/app", "ecs/app"]
        );
        assert_eq!(
            labels(&["/aws/lambda/storefront-recommendations-engine"]),
            ["storefront-…"]
        );
        assert_eq!(labels(&["plain"]), ["plain"]);
    }
}
