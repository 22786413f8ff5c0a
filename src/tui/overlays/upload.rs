//! The upload dialog's own lines: the paths a Tab listed under the path field, the prompt's
//! hint, and the progress bar (bytes sent of all, rate, time left) while the package goes up.

use crate::app::{UploadAsk, UploadProgress};
use crate::tui::widgets::status::DIM;
use crate::tui::widgets::text::{self, wrap};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

/// Lines the listed paths take at most.
const MATCH_LINES: usize = 3;
/// Widest the progress bar grows.
const BAR_MAX: usize = 40;

const BAD: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
const ASK: Style = Style::new().fg(Color::Yellow);
const BAR: Style = Style::new().fg(Color::Cyan);

/// The paths the last Tab matched, by their names under the typed directory, as many as fit
/// in [`MATCH_LINES`] lines, then how many more.
pub fn matches(u: &UploadAsk, width: usize) -> Vec<Line<'static>> {
    if u.matches.is_empty() {
        return Vec::new();
    }
    let typed = u.path.value();
    let dir = typed.rfind('/').map_or(0, |i| i + 1);
    let names: Vec<&str> = u
        .matches
        .iter()
        .map(|m| {
            m.get(dir..)
                .filter(|_| m.starts_with(&typed[..dir]))
                .unwrap_or(m)
        })
        .collect();
    let all = names.join("  ");
    let mut lines = wrap(&all, width, usize::MAX);
    if lines.len() > MATCH_LINES {
        // Keep whole names on the lines shown and say how many are not.
        let mut shown = 0;
        let mut used = 0;
        let budget = width * MATCH_LINES;
        for n in &names {
            let w = text::width(n) + 2;
            if used + w + 12 > budget {
                break;
            }
            used += w;
            shown += 1;
        }
        let mut text = names[..shown].join("  ");
        text.push_str(&format!("  … {} more", names.len() - shown));
        lines = wrap(&text, width, MATCH_LINES);
    }
    lines
        .into_iter()
        .map(|l| Line::from(Span::styled(l, DIM)))
        .collect()
}

/// Under the focused path field: why there is no plan yet (a file that is no package in red),
/// and the prompt's keys.
pub fn hint(
    u: &UploadAsk,
    refusal: Option<&str>,
    keys: [&str; 3],
    width: usize,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let failed = u
        .read
        .as_ref()
        .is_some_and(|(typed, r)| typed == u.path.value().trim() && r.is_err());
    if let Some(reason) = refusal {
        let (text, style) = if failed {
            (format!("✗ {reason}"), BAD)
        } else {
            (reason.to_string(), ASK)
        };
        out.extend(
            wrap(&text, width, 3)
                .into_iter()
                .map(|l| Line::from(Span::styled(l, style))),
        );
    }
    let [complete, read, back] = keys;
    let text = format!("{complete} complete the path · {read} read the file · {back} cancel");
    out.extend(
        wrap(&text, width, 2)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, ASK))),
    );
    out
}

/// `12.5 MiB`, `300.0 KiB`, `512 B`.
fn size(bytes: f64) -> String {
    const KIB: f64 = 1024.0;
    if bytes >= KIB * KIB {
        format!("{:.1} MiB", bytes / (KIB * KIB))
    } else if bytes >= KIB {
        format!("{:.1} KiB", bytes / KIB)
    } else {
        format!("{bytes:.0} B")
    }
}

/// `45 s`, `3 min 20 s`, `1 h 5 min`.
fn duration(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}

/// The progress bar and what it means (bytes sent of all, the share, the rate and the time
/// left; `speed`: how much faster than the wall the session's clock runs), or that the file is
/// read again first; then the cancel key, or that a cancel is under way.
pub fn progress(u: &UploadAsk, speed: f64, cancel_keys: &str, width: usize) -> Vec<Line<'static>> {
    let mut out = match &u.progress {
        Some(p) => bar(p, speed, width),
        None => {
            let text = format!(
                "reading {} again to check its SHA-256 against the plan's…",
                u.path.value().trim()
            );
            wrap(&text, width, 2).into_iter().map(Line::from).collect()
        }
    };
    let text = if u.cancelling {
        "cancelling… the upload stops; nothing is released".to_string()
    } else {
        format!("uploading · {cancel_keys} cancel (nothing is released)")
    };
    let style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
    out.extend(
        wrap(&text, width, 2)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, style))),
    );
    out
}

/// The bar, then bytes sent of all, the share, the rate and the time left.
fn bar(p: &UploadProgress, speed: f64, width: usize) -> Vec<Line<'static>> {
    let share = if p.total == 0 {
        1.0
    } else {
        (p.sent as f64 / p.total as f64).clamp(0.0, 1.0)
    };
    let rate = p.rate(speed);
    let facts = format!(
        " {}/{} {:.0}% · {} · {}",
        size(p.sent as f64),
        size(p.total as f64),
        share * 100.0,
        rate.map_or_else(|| "rate …".to_string(), |r| format!("{}/s", size(r))),
        match (p.eta(speed), p.sent >= p.total) {
            (_, true) => "sent".to_string(),
            (Some(secs), false) => format!("{} left", duration(secs)),
            (None, false) => "time left …".to_string(),
        }
    );
    let room = width.saturating_sub(text::width(&facts) + 2);
    if room < 10 {
        return wrap(facts.trim_start(), width, 2)
            .into_iter()
            .map(Line::from)
            .collect();
    }
    let bar = room.min(BAR_MAX);
    let full = ((share * bar as f64).floor() as usize).min(bar);
    vec![Line::from(vec![
        Span::styled(format!("[{}", "█".repeat(full)), BAR),
        Span::styled("░".repeat(bar - full), DIM),
        Span::styled("]", BAR),
        Span::raw(facts),
    ])]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_as_people_write_them() {
        assert_eq!(size(512.0), "512 B");
        assert_eq!(size(300.0 * 1024.0), "300.0 KiB");
        assert_eq!(size(12.5 * 1024.0 * 1024.0), "12.5 MiB");
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(200), "3 min 20 s");
        assert_eq!(duration(3900), "1 h 5 min");
    }
}
