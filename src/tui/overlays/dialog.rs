//! The plan/confirm dialog of an action: what it acts on, the plan's facts, the API call and the
//! `aws` command (a plan longer than the screen scrolls), the guards, the fields, an inline
//! refusal, and where the one call is. Red and thick on a protected env.

use crate::app::{Dialog, Field, Phase, PlanRows, State, TextInput};
use crate::ops::ExitClass;
use crate::tui::render::Hints;
use crate::tui::widgets::status::{DIM, PROTECTED_BAR};
use crate::tui::widgets::text::{self, centered, wrap};
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};
use unicode_segmentation::UnicodeSegmentation;

/// Widest the dialog grows.
const MAX_WIDTH: u16 = 120;

const LABEL: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
const BAD: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
const GOOD: Style = Style::new().fg(Color::Green).add_modifier(Modifier::BOLD);
const WARN: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
const MORE: Style = Style::new().fg(Color::Yellow);

/// Plan lines kept in sight before the rollback candidates take room.
const MIN_PLAN: usize = 3;
/// The fewest plan rows a dialog keeps when its plan has more lines: one line and the line
/// saying how many more.
const MIN_PLAN_ROWS: usize = 2;
/// Most lines of guards and of what the action acts on.
const GUARD_LINES: usize = 6;
const HEAD_LINES: usize = 3;

/// The first key bound to a dialog action, from the keymap's help rows (`fallback` without
/// them: [`plan_rows`] counts lines, whose number does not depend on the key names).
fn key<'a>(hints: Option<&'a Hints>, action: &str, fallback: &'a str) -> &'a str {
    hints
        .and_then(|h| {
            h.help
                .iter()
                .find(|e| e.context == "dialog" && e.action == action)
        })
        .and_then(|e| e.keys.split(' ').next())
        .unwrap_or(fallback)
}

/// How a field line is focused.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Focus {
    /// Not focused.
    No,
    /// Focused, taking no typing (the release's package).
    Whole,
    /// Focused, typed in at its cursor.
    Cursor,
}

/// A field's line: its label and the part of its value around the cursor; with the cursor's
/// column when the field is typed in.
fn field_line(
    label: &str,
    value: &TextInput,
    focus: Focus,
    width: usize,
) -> (Line<'static>, Option<usize>) {
    let label = format!("{label}: ");
    let at = text::width(&label);
    // One column after the text for the cursor at its end.
    let room = width.saturating_sub(at + 1).max(1);
    let shown = value.window(room);
    let mut spans = vec![Span::styled(label, LABEL)];
    if focus != Focus::Cursor {
        let style = match focus {
            Focus::Whole => Style::new().add_modifier(Modifier::REVERSED),
            _ => Style::new().add_modifier(Modifier::UNDERLINED),
        };
        spans.push(Span::styled(format!("{} ", shown.text), style));
        return (Line::from(spans), None);
    }
    // The focused field reversed, the cell under the cursor not: visible where the terminal
    // draws no cursor of its own.
    let field = Style::new().add_modifier(Modifier::REVERSED);
    let (mut before, mut under, mut after) = (String::new(), String::new(), String::new());
    let mut col = 0;
    for g in shown.text.graphemes(true) {
        if col < shown.cursor {
            before.push_str(g);
        } else if under.is_empty() {
            under.push_str(g);
        } else {
            after.push_str(g);
        }
        col += text::width(g);
    }
    if under.is_empty() {
        under.push(' ');
    } else {
        after.push(' ');
    }
    spans.push(Span::styled(before, field));
    spans.push(Span::styled(
        under,
        Style::new().add_modifier(Modifier::UNDERLINED),
    ));
    spans.push(Span::styled(after, field));
    (Line::from(spans), Some(at + shown.cursor))
}

/// The lines under the plan: fields, option, inline refusal or change, and the phase (with the
/// page keys when the plan scrolls); and where the cursor is among them (line, column).
fn bottom(
    d: &Dialog,
    hints: Option<&Hints>,
    width: usize,
    scrolls: bool,
    speed: f64,
) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
    let mut out = Vec::new();
    let mut cursor = None;
    let editing = d.phase == Phase::Editing;
    if let Some(p) = &d.package {
        let focus = if editing && d.field == Field::Package {
            Focus::Whole
        } else {
            Focus::No
        };
        let shown = TextInput::new(p.release.summary());
        out.push(field_line("Package", &shown, focus, width).0);
    }
    let mut field = |out: &mut Vec<Line<'static>>, label: &str, value: &TextInput, which| {
        let focus = if editing && d.field == which {
            Focus::Cursor
        } else {
            Focus::No
        };
        let (line, col) = field_line(label, value, focus, width);
        if let Some(col) = col {
            cursor = Some((out.len(), col));
        }
        out.push(line);
    };
    if let Some(u) = &d.upload {
        field(&mut out, "Package file (zip)", &u.path, Field::Path);
        out.extend(super::upload::matches(u, width));
    }
    if let Some(label) = d.text_label() {
        field(&mut out, label, &d.text, Field::Text);
    }
    if let Some(label) = d.toggle_label() {
        let mark = if d.toggle { "[x]" } else { "[ ]" };
        out.push(Line::from(vec![
            Span::styled(format!("{mark} "), LABEL),
            Span::raw(format!("{label} ({})", key(hints, "toggle", "ctrl-t"))),
        ]));
    }
    if let Some(name) = d.must_type() {
        let label = format!("Type `{name}` to confirm");
        field(&mut out, &label, &d.typed, Field::Confirm);
    }
    let scroll = if scrolls {
        format!(
            " · {}/{} scroll",
            key(hints, "page_down", "pagedown"),
            key(hints, "page_up", "pageup")
        )
    } else {
        String::new()
    };
    if let (Phase::Editing, Some(was)) = (&d.phase, &d.changed) {
        let now = d.pinned.as_ref().map_or("?", |t| t.text.as_str());
        let text = format!(
            "⚠ changed while open: it was {was}; it is now {now}. Nothing was sent. {} accepts \
             the new target{scroll} · {} cancel",
            key(hints, "submit", "enter"),
            key(hints, "back", "esc")
        );
        for l in wrap(&text, width, 6) {
            out.push(Line::from(Span::styled(l, WARN)));
        }
        return (out, cursor);
    }
    // A hint wraps rather than lose its end (keys with long names).
    let hint = |out: &mut Vec<Line<'static>>, text: String, style: Style| {
        for l in wrap(&text, width, 2) {
            out.push(Line::from(Span::styled(l, style)));
        }
    };
    let ask = Style::new().fg(Color::Yellow);
    if let (Phase::Editing, Some(u), Field::Path) = (&d.phase, &d.upload, d.field) {
        let refusal = d.planned.as_ref().err().map(|r| r.reason.as_str());
        let keys = [
            key(hints, "next_field", "tab"),
            key(hints, "submit", "enter"),
            key(hints, "back", "esc"),
        ];
        out.extend(super::upload::hint(u, refusal, keys, width));
        return (out, cursor);
    }
    if let (Phase::Sending(_), Some(u)) = (&d.phase, &d.upload) {
        let keys = format!("{}/c", key(hints, "back", "esc"));
        out.extend(super::upload::progress(u, speed, &keys, width));
        return (out, cursor);
    }
    match (&d.phase, &d.planned) {
        (Phase::Editing, Err(r)) => {
            for l in wrap(&format!("✗ {}", r.reason), width, 3) {
                out.push(Line::from(Span::styled(l, BAD)));
            }
        }
        (Phase::Editing, Ok(_)) if d.field == Field::Package => {
            let text = format!(
                "{} to the {}{scroll} · {} cancel",
                key(hints, "next_field", "tab"),
                if d.must_type().is_some() {
                    "typed name"
                } else {
                    "send line"
                },
                key(hints, "back", "esc")
            );
            hint(&mut out, text, ask);
        }
        (Phase::Editing, Ok(_)) if d.ready() => {
            let text = format!(
                "{} send (exactly one call){scroll} · {} cancel",
                key(hints, "submit", "enter"),
                key(hints, "back", "esc")
            );
            hint(&mut out, text, GOOD);
        }
        // Focus in the comment: the name goes in the next field, which the hint says.
        (Phase::Editing, Ok(_)) if d.field == Field::Text && d.must_type().is_some() => {
            let text = format!(
                "{}, then type the name to confirm{scroll} · {} cancel",
                key(hints, "next_field", "tab"),
                key(hints, "back", "esc")
            );
            hint(&mut out, text, ask);
        }
        (Phase::Editing, Ok(_)) => {
            let text = format!(
                "type the name to confirm · {} field{scroll} · {} cancel",
                key(hints, "next_field", "tab"),
                key(hints, "back", "esc")
            );
            hint(&mut out, text, ask);
        }
        (Phase::Sending(id), _) => out.push(Line::from(Span::styled(
            format!("sending… (request {id}); keys wait for the answer"),
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ))),
        (Phase::Done(o), _) => {
            let style = if o.class == ExitClass::Done {
                GOOD
            } else {
                BAD
            };
            for l in wrap(&o.message, width, 4) {
                out.push(Line::from(Span::styled(l, style)));
            }
            if let Some(note) = &d.watch_note {
                for l in wrap(note, width, 4) {
                    out.push(Line::from(Span::styled(l, DIM)));
                }
            } else if o.class == ExitClass::Done {
                out.push(Line::from(Span::styled("watching…", DIM)));
            }
            let text = format!("{} close{scroll}", key(hints, "submit", "enter"));
            hint(&mut out, text, DIM);
        }
    }
    (out, cursor)
}

/// Every line of `s` wrapped at `width`, none cut.
fn whole(s: &str, width: usize) -> Vec<String> {
    wrap(s, width, usize::MAX)
}

/// The plan's facts, one per line, a long one wrapped under its own indentation (an indented
/// fact belongs to the one above it, and its continuation lines stay with it).
fn facts(summary: &[String], width: usize) -> Vec<Line<'static>> {
    let mut out: Vec<Line> = Vec::new();
    for s in summary {
        if text::width(s) <= width {
            out.push(Line::from(s.clone()));
            continue;
        }
        let body = s.trim_start_matches(' ');
        let indent = &s[..s.len() - body.len()];
        let room = width.saturating_sub(indent.len());
        // An indent that leaves no room for a word is dropped rather than cutting every word.
        let indent = if room >= 10 { indent } else { "" };
        out.extend(
            whole(body, width - indent.len())
                .into_iter()
                .map(|l| Line::from(format!("{indent}{l}"))),
        );
    }
    out
}

/// Warnings, each `⚠ …` wrapped whole.
fn warning_lines(warnings: &[String], width: usize) -> Vec<Line<'static>> {
    (warnings.iter())
        .flat_map(|w| whole(&format!("⚠ {w}"), width))
        .map(|l| Line::from(Span::styled(l, WARN)))
        .collect()
}

/// The lines of the plan area: the facts, the call and the `aws` command in full (the token
/// too, to copy), or the draft's facts while fields are missing.
fn plan_lines(d: &Dialog, width: usize) -> Vec<Line<'static>> {
    let plan = match &d.planned {
        Ok(plan) => plan,
        Err(r) => {
            let Some(draft) = &r.draft else {
                return Vec::new();
            };
            let mut out = facts(&draft.summary, width);
            out.extend(warning_lines(&draft.warnings, width));
            out.extend(
                whole(
                    "The call and its aws command show once the fields below are filled in.",
                    width,
                )
                .into_iter()
                .map(|l| Line::from(Span::styled(l, DIM))),
            );
            return out;
        }
    };
    let mut out = facts(&plan.summary, width);
    out.extend(warning_lines(&plan.warnings, width));
    if let Some(note) = &plan.note {
        out.extend(whole(note, width).into_iter().map(Line::from));
    }
    let call = format!(
        "call: {} {} {}",
        plan.call.service,
        plan.call.operation,
        plan.call.params_text()
    );
    for l in whole(&call, width)
        .into_iter()
        .chain(plan.aws_command.lines().flat_map(|l| whole(l, width)))
    {
        out.push(Line::from(Span::styled(l, DIM)));
    }
    out
}

/// The guards the plan passed, under the plan area whatever its scroll.
fn guard_lines(d: &Dialog, width: usize) -> Vec<Line<'static>> {
    let Ok(plan) = &d.planned else {
        return Vec::new();
    };
    let guards: Vec<String> = plan
        .guards
        .iter()
        .map(|g| format!("✓ {}", g.note))
        .collect();
    wrap(&guards.join("  "), width, GUARD_LINES)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, Style::new().fg(Color::Green))))
        .collect()
}

/// The dialog's first line: what the action acts on, as pinned when it was shown.
fn head_lines(d: &Dialog, width: usize) -> Vec<Line<'static>> {
    let Some(target) = d.target() else {
        return Vec::new();
    };
    let label = "acts on: ";
    let lines = wrap(&target.text, width.saturating_sub(label.len()), HEAD_LINES);
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let lead = if i == 0 { label } else { "         " };
            Line::from(vec![
                Span::styled(lead, LABEL),
                Span::styled(l, Style::new().add_modifier(Modifier::BOLD)),
            ])
        })
        .collect()
}

/// The dialog's parts laid out in its inner area.
struct Composed {
    /// What it acts on.
    head: Vec<Line<'static>>,
    /// The plan lines shown (with the "more" lines).
    plan: Vec<Line<'static>>,
    /// The guards.
    guards: Vec<Line<'static>>,
    /// Rollback candidates, fields, inline messages, the phase.
    low: Vec<Line<'static>>,
    /// The cursor among `low` (line, column).
    cursor: Option<(usize, usize)>,
    /// The plan area's size.
    rows: PlanRows,
}

/// Lays the dialog out in `height` lines of `width` columns. The plan alone gives way to a small
/// screen (it scrolls); what it acts on, the guards, the fields, an inline refusal or change and
/// the send line stay in sight.
fn compose(
    state: &State,
    d: &Dialog,
    hints: Option<&Hints>,
    width: usize,
    height: usize,
) -> Composed {
    let head = head_lines(d, width);
    let mut all = plan_lines(d, width);
    let mut guards = guard_lines(d, width);
    // The fields' lines with the page keys' hint or without: room for the longer.
    let low_len = [false, true]
        .into_iter()
        .map(|scrolls| bottom(d, hints, width, scrolls, state.clock_speed).0.len())
        .max()
        .unwrap_or(0);
    let mut rest = height.saturating_sub(low_len);
    let mut head = head;
    head.truncate(rest);
    rest -= head.len();
    // On the smallest screens the guards would leave the plan no line: they go after the plan's
    // lines, which scroll, so that a plan line and the line saying how many more stay in sight.
    let scrolled_guards = !all.is_empty() && guards.len() + MIN_PLAN_ROWS > rest;
    if scrolled_guards {
        all.append(&mut guards);
    }
    guards.truncate(rest);
    rest -= guards.len();
    // Candidates fill what the plan's first lines leave.
    let room = rest.saturating_sub(all.len().min(MIN_PLAN));
    let mut low = super::rollback_candidates::lines(state, d, width, room);
    rest -= low.len().min(rest);
    if rest == 1 && all.len() > 1 {
        // A single row starts with where its line stands (`3/24 `): the lines wrap narrower.
        let digits = (all.len() * 2).to_string().len();
        let narrow = width.saturating_sub(2 * digits + 2).max(1);
        all = plan_lines(d, narrow);
        if scrolled_guards {
            all.extend(guard_lines(d, narrow));
        }
    }
    let rows = PlanRows {
        shown: rest,
        total: all.len(),
    };
    let (fields, cursor) = bottom(d, hints, width, rows.total > rows.shown, state.clock_speed);
    let cursor = cursor.map(|(line, col)| (line + low.len(), col));
    low.extend(fields);
    Composed {
        head,
        plan: window(all, rows, d.scroll, hints),
        guards,
        low,
        cursor,
        rows,
    }
}

/// The plan lines the area shows at `scroll`, with a line saying how many more there are above
/// and below (and the key that shows them).
fn window(
    mut all: Vec<Line<'static>>,
    rows: PlanRows,
    scroll: usize,
    hints: Option<&Hints>,
) -> Vec<Line<'static>> {
    let PlanRows { shown, total } = rows;
    if total <= shown {
        return all;
    }
    let offset = scroll.min(rows.max_scroll());
    if shown < MIN_PLAN_ROWS {
        // One row: the plan line, after where it stands in the plan (`3/24`).
        return (all.drain(offset..).take(shown))
            .map(|line| {
                let mut spans = vec![Span::styled(format!("{}/{total} ", offset + 1), MORE)];
                spans.extend(line.spans);
                Line::from(spans)
            })
            .collect();
    }
    if shown < 3 {
        // One plan line, and one line saying how many more there are each way.
        let above = offset;
        let below = total - offset - 1;
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let text = match (above, below) {
            (0, b) => format!(
                "▼ {b} more plan line{} below · {}",
                plural(b),
                key(hints, "page_down", "pagedown")
            ),
            (a, 0) => format!(
                "▲ {a} more plan line{} above · {}",
                plural(a),
                key(hints, "page_up", "pageup")
            ),
            (a, b) => format!(
                "▲▼ {} more plan lines: {a} above, {b} below · {}/{}",
                a + b,
                key(hints, "page_up", "pageup"),
                key(hints, "page_down", "pagedown")
            ),
        };
        let mut out: Vec<Line<'static>> = all.drain(offset..).take(1).collect();
        out.push(Line::from(Span::styled(text, MORE)));
        return out;
    }
    let up = offset > 0;
    let mut room = shown - usize::from(up);
    let down = offset + room < total;
    room -= usize::from(down);
    let more = |n: usize, dir: &str, action: &str, fallback: &str| {
        Line::from(Span::styled(
            format!(
                "{} {n} more plan line{} {dir} · {}",
                if dir == "above" { "▲" } else { "▼" },
                if n == 1 { "" } else { "s" },
                key(hints, action, fallback)
            ),
            MORE,
        ))
    };
    let mut out = Vec::with_capacity(shown);
    if up {
        out.push(more(offset, "above", "page_up", "pageup"));
    }
    let below = total - offset - room;
    out.extend(all.drain(offset..).take(room));
    if down {
        out.push(more(below, "below", "page_down", "pagedown"));
    }
    out
}

/// The dialog's area inside `body`.
pub fn area(body: Rect) -> Rect {
    centered(
        body,
        body.width.saturating_sub(4).min(MAX_WIDTH),
        body.height.saturating_sub(1),
    )
}

/// The plan area of the open dialog, as [`render`] draws it in `body`: what the core pages by.
pub fn plan_rows(state: &State, body: Rect) -> Option<PlanRows> {
    let d = state.ops.dialog.as_ref()?;
    let inner = Block::bordered().inner(area(body));
    let c = compose(
        state,
        d,
        None,
        usize::from(inner.width),
        usize::from(inner.height),
    );
    Some(c.rows)
}

/// Draws the open dialog over the body.
pub fn render(frame: &mut Frame, state: &State, hints: &Hints, body: Rect) {
    let Some(d) = state.ops.dialog.as_ref() else {
        super::release_picker::render(frame, state, body);
        return;
    };
    let env = state.envs.get(d.env);
    let name = env.map_or("?", |e| e.spec.name.as_str());
    let protected = env.is_some_and(|e| e.spec.protected);
    let popup = area(body);
    let how = match (&d.workflow, d.kind) {
        (Some(w), _) => format!(" · workflow {}", w.file),
        (None, _) if d.upload.is_some() => " · upload a local package".to_string(),
        (None, crate::ops::OpKind::Release) => " · direct upload (no workflow)".to_string(),
        (None, _) => String::new(),
    };
    let mut block = Block::bordered().title(Span::styled(
        format!(" {} · {name}{how} ", capitalised(d.kind.name())),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    block = if protected {
        block
            .border_type(BorderType::Thick)
            .border_style(Style::new().fg(Color::Red))
            .title_top(
                Span::styled(format!(" PROTECTED · {name} "), PROTECTED_BAR)
                    .into_right_aligned_line(),
            )
    } else {
        block
            .border_type(BorderType::Double)
            .border_style(Style::new().fg(Color::Cyan))
    };
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let c = compose(
        state,
        d,
        Some(hints),
        usize::from(inner.width),
        usize::from(inner.height),
    );
    let low_h = lines(c.low.len());
    let low_area = Rect {
        y: inner.bottom().saturating_sub(low_h),
        height: low_h.min(inner.height),
        ..inner
    };
    let mut top = c.head;
    top.extend(c.plan);
    top.extend(c.guards);
    let top_area = Rect {
        height: inner.height.saturating_sub(low_h),
        ..inner
    };
    frame.render_widget(Paragraph::new(top), top_area);
    frame.render_widget(Paragraph::new(c.low), low_area);
    if let Some((line, col)) = c.cursor {
        let x = inner.x.saturating_add(lines(col));
        let y = low_area.y.saturating_add(lines(line));
        if y < low_area.bottom() && x < inner.right() {
            frame.set_cursor_position(Position::new(x, y));
        }
    }
}

/// A count of lines or columns as a terminal coordinate.
fn lines(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

fn capitalised(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::facts;

    fn text(lines: &[ratatui::text::Line]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_long_indented_fact_keeps_its_indentation_on_every_line() {
        let summary = vec![
            "Approve prd".to_string(),
            "  release 1.44.0 carries commits a1b2c3d fix checkout totals and e4f5a6b cache".into(),
        ];
        let lines = text(&facts(&summary, 40));
        assert_eq!(lines[0], "Approve prd");
        assert!(lines.len() > 2, "{lines:?}");
        for l in &lines[1..] {
            assert!(
                l.starts_with("  ") && !l.starts_with("   "),
                "{l:?} in {lines:?}"
            );
            assert!(l.chars().count() <= 40, "{l:?}");
        }
    }

    #[test]
    fn an_indent_wider_than_the_room_is_dropped_not_every_word_cut() {
        let summary = vec![format!("{}a fact that needs wrapping here", " ".repeat(12))];
        let lines = text(&facts(&summary, 16));
        assert!(lines.iter().all(|l| !l.starts_with(' ')), "{lines:?}");
        assert!(lines.iter().all(|l| !l.contains('…')), "{lines:?}");
    }
}
