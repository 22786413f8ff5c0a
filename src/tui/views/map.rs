//! The health map (`:map`): each environment as the reference document draws the system — App:
//! Route53 / site → CloudFront → S3 web bucket, API Gateway → Lambda; Deployer: S3 source →
//! CodePipeline → CodeBuild → CodeDeploy — every node in its level's colour with its golden
//! signals or the reason it is not green; all environments side by side when they fit, else the
//! selected one; the selected node's full reading and where Enter goes below.

use crate::app::State;
use crate::app::health::{EnvHealth, HEALTH_EVERY, Node, NodeKind};
use crate::domain::{Level, human};
use crate::tui::widgets::status::{DIM, SELECTED};
use crate::tui::widgets::text::{ellipsize, width, wrap};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Narrowest column an environment gets when they are drawn side by side.
const COLUMN: u16 = 48;
/// Rows one environment takes drawn as a column (App above Deployer).
const TALL: u16 = 30;

/// Body title: when the map was read, or that it is being read.
pub fn title(state: &State) -> String {
    let m = &state.map;
    let reading = if m.load.inflight.is_some() {
        " · reading…"
    } else {
        ""
    };
    match m.read_at {
        None => format!("Health map · not read yet{reading}"),
        Some(at) => {
            let age = state.now.since(at);
            let when = if age > 2 * HEALTH_EVERY {
                format!("read {} ago", human(age))
            } else {
                format!("read {}", at.clock())
            };
            format!("Health map · {when} (every minute while shown){reading}")
        }
    }
}

/// A level's mark and colour.
fn mark(level: Level) -> (&'static str, Style) {
    match level {
        Level::Green => ("●", Style::new().fg(Color::Green)),
        Level::Yellow => (
            "▲",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ),
        Level::Red => (
            "✖",
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
        ),
        Level::Unknown => ("?", Style::new().fg(Color::Magenta)),
        Level::None => ("·", DIM),
    }
}

/// A signal's short name on the map (the detail below spells it out).
fn short(name: &str) -> &str {
    match name {
        "requests" | "invocations" | "status" => "",
        "4xx_rate" => "4xx",
        "5xx_rate" => "5xx",
        "cache_hit" => "hit",
        "origin_p99" => "origin",
        "latency_p50" => "p50",
        "latency_p99" | "duration_p99" => "p99",
        "error_rate" => "err",
        "throttles" => "thr",
        "concurrent" => "conc",
        "tls_days_left" => "TLS",
        "fn_invocations" => "fn",
        "fn_exec_errors" => "fn err",
        "fn_validation_errors" => "fn invalid",
        "fn_throttles" => "fn thr",
        "fn_compute" => "fn cpu",
        other => other,
    }
}

/// The node's line under its title: why it is not green, else its signals in short.
fn summary(n: &Node) -> (String, Style) {
    let bad = matches!(n.level, Level::Red | Level::Yellow | Level::Unknown);
    if bad || n.signals.is_empty() {
        let style = if bad { mark(n.level).1 } else { DIM };
        return (n.reason.clone(), style);
    }
    let parts: Vec<String> = n
        .signals
        .iter()
        .map(|s| match short(s.name) {
            "" => s.text.clone(),
            name => format!("{name} {}", s.text),
        })
        .collect();
    (parts.join(" · "), Style::new())
}

/// The lines of one node: its mark, title and level; its summary; `selected` marks it.
fn node_lines(n: &Node, selected: bool, w: usize) -> [Line<'static>; 2] {
    let (sym, style) = mark(n.level);
    let pointer = if selected { "▸" } else { " " };
    let title = format!("{:<16}", n.node.title());
    let mut title_style = Style::new().add_modifier(Modifier::BOLD);
    if selected {
        title_style = title_style.patch(SELECTED);
    }
    let first = Line::from(vec![
        Span::raw(pointer),
        Span::styled(format!("{sym} "), style),
        Span::styled(title, title_style),
        Span::raw(" "),
        Span::styled(n.level.word().to_string(), style),
    ]);
    let (text, style) = summary(n);
    let second = Line::from(vec![
        Span::raw("    "),
        Span::styled(ellipsize(&text, w.saturating_sub(4)), style),
    ]);
    [first, second]
}

/// One flow of nodes, an arrow between each two; `compact` (a low terminal): no arrows, and
/// the selected node's summary only (the detail below says the rest).
fn flow(
    lines: &mut Vec<Line<'static>>,
    nodes: &[(usize, &Node)],
    selected: Option<usize>,
    w: usize,
    compact: bool,
) {
    for (k, (i, n)) in nodes.iter().enumerate() {
        if k > 0 && !compact {
            lines.push(Line::styled("    ↓", DIM));
        }
        let chosen = selected == Some(*i);
        let [first, second] = node_lines(n, chosen, w);
        lines.push(first);
        if chosen || !compact {
            lines.push(second);
        }
    }
}

/// The App nodes: the site's flow, a gap, the API's flow.
fn app_lines(
    e: &EnvHealth,
    selected: Option<usize>,
    w: usize,
    compact: bool,
) -> Vec<Line<'static>> {
    let nodes: Vec<(usize, &Node)> = e.app.iter().enumerate().collect();
    let split = nodes
        .iter()
        .position(|(_, n)| n.node == NodeKind::Api)
        .unwrap_or(nodes.len());
    let mut lines = vec![Line::styled("App", DIM.add_modifier(Modifier::BOLD))];
    flow(&mut lines, &nodes[..split], selected, w, compact);
    lines.push(Line::raw(""));
    flow(&mut lines, &nodes[split..], selected, w, compact);
    lines
}

/// The Deployer nodes, one flow.
fn deployer_lines(
    e: &EnvHealth,
    selected: Option<usize>,
    w: usize,
    compact: bool,
) -> Vec<Line<'static>> {
    let first = e.app.len();
    let nodes: Vec<(usize, &Node)> = e
        .deployer
        .iter()
        .enumerate()
        .map(|(i, n)| (first + i, n))
        .collect();
    let mut lines = vec![Line::styled("Deployer", DIM.add_modifier(Modifier::BOLD))];
    flow(&mut lines, &nodes, selected, w, compact);
    lines
}

/// An environment's head line: its mark, name, level and the worst node's reason.
fn env_line(e: &EnvHealth, selected: bool, w: usize) -> Line<'static> {
    let (sym, style) = mark(e.level);
    let mut name = Style::new().add_modifier(Modifier::BOLD);
    if selected {
        name = name.patch(SELECTED);
    }
    let head = format!("{} {}", e.name, e.level.word().to_uppercase());
    let room = w.saturating_sub(width(&head) + 4);
    Line::from(vec![
        Span::styled(format!("{sym} "), style),
        Span::styled(e.name.clone(), name),
        Span::styled(format!(" {}", e.level.word().to_uppercase()), style),
        Span::raw("  "),
        Span::styled(ellipsize(&e.reason, room), style),
    ])
}

/// Where Enter goes from a node.
fn jump(n: &Node) -> &'static str {
    match n.node {
        NodeKind::Site | NodeKind::Cloudfront | NodeKind::WebBucket => "Traffic",
        NodeKind::Api | NodeKind::Lambda => "the Lambda log group",
        _ => "the pipeline",
    }
}

/// The selected node in full: resource, where Enter goes, level, reason, every signal.
fn detail(n: &Node, env: &str, w: usize, rows: usize) -> Vec<Line<'static>> {
    let (sym, style) = mark(n.level);
    let resource = if n.resource.is_empty() {
        String::new()
    } else {
        format!(" {}", n.resource)
    };
    let enter = format!("  enter: {}", jump(n));
    let head = format!("{env} · {}{resource}", n.node.title());
    let room = w.saturating_sub(2 + width(&enter));
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{sym} "), style),
        Span::styled(
            ellipsize(&head, room),
            Style::new().add_modifier(Modifier::BOLD),
        ),
        Span::styled(enter, DIM),
    ])];
    let mut text = match n.level {
        Level::None => "not judged: ".to_string(),
        l => format!("{}: ", l.word()),
    };
    text.push_str(if n.reason.is_empty() {
        "within thresholds"
    } else {
        &n.reason
    });
    let signals: Vec<String> = n
        .signals
        .iter()
        .map(|s| format!("{} {}", s.name.replace('_', " "), s.text))
        .collect();
    if !signals.is_empty() {
        text.push_str(" · ");
        text.push_str(&signals.join(", "));
    }
    if let Some(source) = &n.source {
        text.push_str(&format!(" ({source})"));
    }
    lines.extend(
        wrap(&text, w.saturating_sub(2), rows.saturating_sub(1))
            .into_iter()
            .map(|l| Line::from(vec![Span::raw("  "), Span::styled(l, style_of(n))])),
    );
    lines
}

fn style_of(n: &Node) -> Style {
    match n.level {
        Level::Green | Level::None => Style::new(),
        l => mark(l).1,
    }
}

/// Draws the map.
pub fn render(frame: &mut Frame, state: &State, inner: Rect) {
    let map = state.health_map();
    let n = map.environments.len();
    if n == 0 {
        frame.render_widget(Paragraph::new("No environment configured."), inner);
        return;
    }
    let selected_env = state.selected.min(n - 1);
    let node = state.map.node;
    let side_by_side = n > 1 && inner.width / n as u16 >= COLUMN && inner.height >= TALL + 3;
    let body_rows = if side_by_side {
        for (i, e) in map.environments.iter().enumerate() {
            let col_w = inner.width / n as u16;
            let x = inner.x + col_w * i as u16;
            let area = Rect::new(x, inner.y, col_w.saturating_sub(2), TALL);
            let w = usize::from(area.width);
            let sel = (i == selected_env).then_some(node);
            let mut lines = vec![env_line(e, i == selected_env, w), Line::raw("")];
            lines.extend(app_lines(e, sel, w, false));
            lines.push(Line::raw(""));
            lines.extend(deployer_lines(e, sel, w, false));
            frame.render_widget(Paragraph::new(lines), area);
        }
        TALL
    } else {
        let e = &map.environments[selected_env];
        let half = inner.width / 2;
        let w = usize::from(half.saturating_sub(1));
        let head = Rect::new(inner.x, inner.y, inner.width, 1);
        let mut strip: Vec<Span> = Vec::new();
        for (i, other) in map.environments.iter().enumerate() {
            let (sym, style) = mark(other.level);
            let name_style = if i == selected_env {
                SELECTED
            } else {
                Style::new()
            };
            strip.push(Span::raw(" "));
            strip.push(Span::styled(other.name.clone(), name_style));
            strip.push(Span::styled(format!(" {sym}"), style));
        }
        let strip_w: usize = strip.iter().map(Span::width).sum();
        let room = usize::from(inner.width).saturating_sub(strip_w + 2);
        frame.render_widget(Paragraph::new(env_line(e, false, room)), head);
        frame.render_widget(Paragraph::new(Line::from(strip).right_aligned()), head);
        let height = inner.height.saturating_sub(1);
        let left = Rect::new(inner.x, inner.y + 1, half, height);
        let right = Rect::new(inner.x + half, inner.y + 1, inner.width - half, height);
        // Too low for every node in full and the selected one's detail below (its first
        // lines at least): the nodes go compact.
        let full = app_lines(e, Some(node), w, false).len() as u16;
        let compact = height < full + 3;
        let app = app_lines(e, Some(node), w, compact);
        let deployer = deployer_lines(e, Some(node), w, compact);
        let tallest = app.len().max(deployer.len()) as u16;
        frame.render_widget(Paragraph::new(app), left);
        frame.render_widget(Paragraph::new(deployer), right);
        1 + tallest
    };
    let e = &map.environments[selected_env];
    let Some(n) = e.nodes().nth(node) else {
        return;
    };
    let top = inner.y + body_rows.min(inner.height);
    let rows = inner.bottom().saturating_sub(top);
    // A blank row above the detail when there is room for it and two of its own.
    let gap = u16::from(rows >= 3);
    if rows < 2 {
        return;
    }
    let area = Rect::new(inner.x, top + gap, inner.width, rows - gap);
    let lines = detail(
        n,
        &e.name,
        usize::from(inner.width),
        usize::from(area.height),
    );
    frame.render_widget(Paragraph::new(lines), area);
}
