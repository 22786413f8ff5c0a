//! `shipdeck health [ENV]`: the health map as text or JSON — each environment's App and Deployer
//! nodes with their level, reason and golden signals; exit 0 green (or yellow), 1 unknown, 3 red.

use super::{Answer, Backend, Failure, Global, Output, columns, connect, json};
use crate::app::health::{self, HealthMap};
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
        super::env_position(names, env)?;
    }
    let mut app = Headless::new(backend.state(), backend.cloud.clone());
    app.start(backend.now).await;
    let state = &app.state;
    let envs: Vec<_> = state
        .envs
        .iter()
        .map(|e| (e.spec.clone(), backend.config.health(&e.spec.name)))
        .collect();
    let now = state.now;
    let asked: Vec<_> = envs
        .iter()
        .filter(|(e, _)| env.is_none_or(|n| e.name == n))
        .map(|(e, _)| e.clone())
        .collect();
    let (readings, probes) = futures::join!(
        crate::runtime::health::read_metrics(backend.cloud.metrics.as_ref(), &envs, now),
        crate::runtime::health::probe_all(backend.cloud.probes.as_ref(), &asked),
    );
    let specs: Vec<_> = envs.into_iter().map(|(_, h)| h).collect();
    Ok(health::assemble(
        state, &specs, &readings, &probes, env, now,
    ))
}

/// The map as text: a line per environment, then a row per node with its signals.
fn table(map: &HealthMap) -> String {
    let mut out = String::new();
    for e in &map.environments {
        let reason = if e.reason.is_empty() {
            String::new()
        } else {
            format!("  {}", e.reason)
        };
        out.push_str(&format!(
            "{} {}{reason}\n",
            e.name,
            e.level.word().to_uppercase()
        ));
        let mut rows = Vec::new();
        for (row, nodes) in [("app", &e.app), ("deployer", &e.deployer)] {
            for (i, n) in nodes.iter().enumerate() {
                let signals: Vec<String> = n
                    .signals
                    .iter()
                    .map(|s| format!("{} {}", s.name.replace('_', " "), s.text))
                    .collect();
                let mut why = n.reason.clone();
                if !signals.is_empty() {
                    if !why.is_empty() {
                        why.push_str(" · ");
                    }
                    why.push_str(&signals.join(", "));
                }
                rows.push(vec![
                    format!("  {}", if i == 0 { row } else { "" }),
                    n.node.title().to_string(),
                    n.level.word().to_string(),
                    why,
                ]);
            }
        }
        out.push_str(&columns(&rows));
        out.push('\n');
    }
    out
}
