//! The header line: name, mode, read-only badge, the system shown (when there are several), the
//! protected badge, profile, region, identity, and the clock, which shows at every width;
//! and under it, while the credentials are refused, the banner that says so.

use super::status::{PROTECTED_BAR, protected};
use super::text::{fit_spans, short_identity, width, wrap};
use crate::app::{Mode, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Background of the header when the selected environment is not protected.
const BAR: Style = Style::new().fg(Color::White).bg(Color::DarkGray);

fn badge(text: String, fg: Color, bg: Color) -> Span<'static> {
    Span::styled(
        text,
        Style::new().fg(fg).bg(bg).add_modifier(Modifier::BOLD),
    )
}

/// The text of the protected badge, e.g. `⚑ PROTECTED: prd`.
pub fn protected_label(name: &str) -> String {
    format!(" ⚑ PROTECTED: {name} ")
}

/// Draws the header in `area` (one line).
pub fn render(frame: &mut Frame, state: &State, area: Rect) {
    let is_protected = protected(state);
    let bar = if is_protected { PROTECTED_BAR } else { BAR };
    let mut spans = vec![Span::styled(
        " shipdeck ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    spans.push(match state.session.mode {
        Mode::Demo => badge(" DEMO ".into(), Color::Black, Color::Magenta),
        Mode::Aws => badge(" AWS ".into(), Color::Black, Color::Yellow),
    });
    if state.session.read_only {
        spans.push(Span::raw(" "));
        spans.push(badge(" READ-ONLY ".into(), Color::Black, Color::Cyan));
    }
    // Several systems: which one everything below belongs to always shows (the word `system`
    // only where the clock still fits beside it).
    let system = state
        .systems
        .current
        .as_ref()
        .filter(|_| state.systems.several())
        .map(|system| {
            spans.push(Span::styled(
                format!(" system {system}"),
                Style::new().add_modifier(Modifier::BOLD),
            ));
            (spans.len() - 1, system.clone())
        });
    if let Some(env) = state.selected_env() {
        spans.push(Span::raw(" "));
        if is_protected {
            spans.push(badge(
                protected_label(&env.spec.name),
                Color::Red,
                Color::White,
            ));
        } else {
            spans.push(Span::raw(format!(" env {}", env.spec.name)));
        }
    }
    let clock = format!("{} UTC ", state.now.clock());
    let mut caller = None;
    if !state.accounts.shared() {
        // Environments in several accounts: the selected one's account and caller show (the
        // caller gives way, whole, when the clock needs the room).
        spans.push(Span::raw("  "));
        let (account, who) = selected_account(state);
        spans.push(account);
        caller = who.map(|who| {
            spans.push(who);
            spans.len() - 1
        });
    }
    let several = !state.accounts.shared();
    let optional = [
        state
            .session
            .profile
            .as_ref()
            .filter(|_| !several)
            .map(|p| format!("profile {p}")),
        state.session.region.as_ref().map(|r| format!("region {r}")),
        state
            .session
            .identity
            .as_deref()
            .filter(|_| !several)
            .map(|i| format!("as {}", short_identity(i))),
        several
            .then(|| state.accounts.described.get(state.selected).cloned())
            .flatten(),
    ];
    let avail = usize::from(area.width);
    // The clock always shows (an operator on call needs the time in every layout): the cells
    // left of it are the room for the rest.
    let clock_width = width(&clock);
    let room = avail.saturating_sub(clock_width + 1);
    let mut used: usize = spans.iter().map(Span::width).sum();
    // What matters least gives way first: the word `system`, then the program's name (its bar
    // cell stays, so a protected header still starts in red), then the caller beside the account
    // — whole: a name cut short could be read as another's. Only then is the line cut with `…`.
    if let Some((at, name)) = system.filter(|_| used > room) {
        used -= "system ".len();
        spans[at] = Span::styled(
            format!(" {name}"),
            Style::new().add_modifier(Modifier::BOLD),
        );
    }
    if used > room {
        used -= spans[0].width().saturating_sub(1);
        spans[0] = Span::raw(" ");
    }
    let caller_gone = match caller {
        Some(at) if used > room => {
            used -= spans.remove(at).width();
            true
        }
        _ => false,
    };
    let mut spans = fit_spans(spans, room);
    // What matters less than the caller never shows in its place.
    for text in optional.into_iter().flatten().filter(|_| !caller_gone) {
        let w = width(&text) + 2;
        if used + w <= room {
            used += w;
            spans.push(Span::raw("  "));
            spans.push(Span::raw(text));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
    if clock_width <= avail {
        let right = Line::from(Span::styled(
            clock,
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .right_aligned();
        frame.render_widget(Paragraph::new(right), area);
    }
}

/// The selected environment's account and its caller apart (`222222222222`, ` as shipdeck`),
/// `account unknown` in red when its identity could not be read, `account …` until it is.
fn selected_account(state: &State) -> (Span<'static>, Option<Span<'static>>) {
    let env = state.selected;
    let bold = Style::new().add_modifier(Modifier::BOLD);
    match (state.accounts.who(env), state.accounts.unknown(env)) {
        (Some(who), _) => (
            Span::styled(who.account.clone(), bold),
            Some(Span::styled(
                format!(" as {}", short_identity(&who.arn)),
                bold,
            )),
        ),
        (None, Some(_)) => (
            Span::styled("account unknown", bold.fg(Color::LightRed)),
            None,
        ),
        (None, None) => (Span::raw("account …"), None),
    }
}

/// Style of the credentials banner.
const BANNER: Style = Style::new().fg(Color::Black).bg(Color::Yellow);

/// The credentials banner's lines in `width` cells (none while the credentials are not refused):
/// the problem and what to do first, then how polling resumes and what is not read, cut short
/// first; at most `max_rows` (at least 2) lines, one of them at least for each part.
pub fn banner_lines(state: &State, width: u16, max_rows: u16) -> Vec<String> {
    let Some([problem, resume]) = state.credentials_banner() else {
        return Vec::new();
    };
    let room = usize::from(width.saturating_sub(2));
    let max_rows = usize::from(max_rows.max(2));
    // The problem takes at most half the rows (the rest say how polling resumes and what is
    // not read): in a few words when the whole of it does not fit there.
    let rows = (max_rows / 2).max(1);
    let full = format!("⚠ {problem}");
    let problem = if wrap(&full, room, usize::MAX).len() <= rows {
        full
    } else {
        format!("⚠ {}", state.credentials_banner_brief().unwrap_or(problem))
    };
    let mut lines = wrap(&problem, room, rows);
    let left = max_rows - lines.len();
    lines.extend(wrap(&resume, room, left));
    lines
}

/// Draws the credentials banner's `lines` in `area`.
pub fn render_banner(frame: &mut Frame, lines: &[String], area: Rect) {
    let text: Vec<Line> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let style = if i == 0 {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            Line::from(Span::styled(format!(" {l}"), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(text).style(BANNER), area);
}
