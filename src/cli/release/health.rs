//! `shipdeck health [ENV]`: the health map as text or JSON — each environment's App and Deployer
//! nodes with their level, reason and golden signals; exit 0 green (or yellow), 1 unknown, 3 red.

use crate::app::health::{self, HealthMap};
use crate::cli::{Answer, Backend, Failure, Global, Output, connect, json};
use crate::domain::Level;
use crate::runtime::Headless;

/// Exit code when a node is red.
pub const RED: u8 = 3;

/// The exit code of a map: red 3, else unknown 1, else 0.
pub fn code(map: &HealthMap) -> u8 {
    let nodes = || map.environments.iter().flat_map(|e| e.nodes());
    if nodes().any(|n| n.level == Level::Red) {
        RED
    } else if nodes().any(|n| n.level == Level::Unknown) {
        1
    } else {
        0
    }
}

/// Runs `shipdeck health`.
pub async fn run(global: &Global, env: Option<&str>, output: Output) -> Result<Answer, Failure> {
    let backend = connect(global).map_err(Failure::new)?;
    let map = assess(&backend, env).await?;
    let code = code(&map);
    let text = if output == Output::Json {
        json(&map)?
    } else {
        table(&map)
    };
    Ok(Answer { text, code })
}

/// Reads the environments once (all, or `env`) and their golden signals, and makes the map;
/// an environment the configuration does not list is a usage error naming the ones it does.
pub async fn assess(backend: &Backend, env: Option<&str>) -> Result<HealthMap, Failure> {
    if let Some(env) = env {
        let names = backend.config.environments.iter().map(|e| e.name.as_str());
        crate::cli::env_position(names, env)?;
    }
    let mut app = Headless::with_clouds(backend.state(), backend.clouds.clone());
    app.start(backend.now).await;
    let state = &app.state;
    let envs: Vec<_> = state
        .envs
        .iter()
        .map(|e| {
            let h = backend.config.health(&e.spec.name);
            (e.spec.clone(), h.with_distribution(e.distribution.as_ref()))
        })
        .collect();
    let now = state.now;
    let asked: Vec<_> = envs
        .iter()
        .filter(|(e, _)| env.is_none_or(|n| e.name == n))
        .map(|(e, _)| e.clone())
        .collect();
    let (readings, probes) = futures::join!(
        crate::runtime::health::read_metrics(&backend.clouds, &envs, now, &[]),
        crate::runtime::health::probe_all(backend.cloud.probes.as_ref(), &asked),
    );
    let specs: Vec<_> = envs.into_iter().map(|(_, h)| h).collect();
    Ok(health::assemble(
        state,
        &specs,
        &readings,
        &probes,
        env,
        (now, true),
    ))
}

/// Columns the text output is laid out for: signal lists and reasons wrap to it.
const WIDTH: usize = 80;

/// `items` joined by `sep` into lines of at most `width` columns (an item longer than that gets
/// a line of its own), each line after the first indented by `indent` spaces (the first starts
/// at that column too, after what the caller wrote).
fn wrap(items: &[String], sep: &str, width: usize, indent: usize) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for item in items {
        let joined = if line.is_empty() {
            item.chars().count()
        } else {
            line.chars().count() + sep.chars().count() + item.chars().count()
        };
        if !line.is_empty() && joined > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str(sep);
        }
        line.push_str(item);
    }
    lines.push(line);
    let pad = " ".repeat(indent);
    lines
        .iter()
        .map(|l| l.trim_end())
        .collect::<Vec<_>>()
        .join(&format!("\n{pad}"))
}

/// The words of `text` wrapped to `width` columns from column `at` on, continued at `at`.
fn wrap_words(text: &str, at: usize) -> String {
    let words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    wrap(&words, " ", WIDTH.saturating_sub(at).max(20), at)
}

/// The map as text, within 80 columns: a line per environment, a row per node with its level
/// and reason, and the node's signals on the lines under it.
fn table(map: &HealthMap) -> String {
    let mut out = String::new();
    for e in &map.environments {
        let head = format!("{} {}", e.name, e.level.word().to_uppercase());
        if e.reason.is_empty() {
            out.push_str(&head);
        } else {
            let at = head.chars().count() + 2;
            out.push_str(&format!("{head}  {}", wrap_words(&e.reason, at)));
        }
        out.push('\n');
        let nodes: Vec<(&str, &health::Node)> = [("app", &e.app), ("deployer", &e.deployer)]
            .into_iter()
            .flat_map(|(row, nodes)| {
                nodes
                    .iter()
                    .enumerate()
                    .map(move |(i, n)| (if i == 0 { row } else { "" }, n))
            })
            .collect();
        let w = |f: &dyn Fn(&(&str, &health::Node)) -> usize| nodes.iter().map(f).max();
        let row_w = w(&|(r, _)| r.chars().count()).unwrap_or(0);
        let title_w = w(&|(_, n)| n.node.title().chars().count()).unwrap_or(0);
        let level_w = w(&|(_, n)| n.level.word().chars().count()).unwrap_or(0);
        let title_at = 2 + row_w + 2;
        let reason_at = title_at + title_w + 2 + level_w + 2;
        for (row, n) in &nodes {
            let line = format!(
                "  {row:<row_w$}  {:<title_w$}  {:<level_w$}  {}",
                n.node.title(),
                n.level.word(),
                wrap_words(&n.reason, reason_at),
            );
            out.push_str(line.trim_end());
            out.push('\n');
            if !n.signals.is_empty() {
                let signals: Vec<String> = n
                    .signals
                    .iter()
                    .map(|s| format!("{} {}", s.name.replace('_', " "), s.text))
                    .collect();
                let at = title_at + 2;
                out.push_str(&" ".repeat(at));
                out.push_str(&wrap(&signals, ", ", WIDTH.saturating_sub(at).max(20), at));
                out.push('\n');
            }
            if let Some(source) = &n.source {
                let at = title_at + 2;
                out.push_str(&" ".repeat(at));
                out.push_str(&wrap_words(&format!("from {source}"), at));
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out
}
