//! The health map (`:map`) at 80×24 and 160×48 against the simulator: every node green, one
//! environment's CloudFront red with its reason, and metrics with no data or not read yet —
//! never shown as zero or green.

use crate::support::screen;
use crate::support::sim::Rig;
use shipdeck::app::{Action, View};
use shipdeck::cloud::sim::SimConfig;
use shipdeck::config::Config;
use shipdeck::domain::Timestamp;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn snap(rig: &Rig, name: &str) {
    for (w, h) in SIZES {
        let text = screen::trimmed(&screen::buffer(&rig.app.state, w, h));
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

/// The demo rig with the demo configuration's health settings (API names, functions,
/// thresholds), `tls_days_yellow` lowered where `tls_days` is given, run for ten minutes; `stg`
/// failing half of its origin requests from the start when `degraded`.
async fn rig(config: SimConfig, tls_days: Option<u32>, degraded: bool) -> Rig {
    let mut rig = Rig::with_config(config, "map");
    if degraded {
        rig.sim
            .with(|s| assert!(s.degrade("stg", 0.5, Timestamp::HOUR)));
    }
    let demo = Config::demo().unwrap();
    rig.app.state.map.specs = demo
        .environments
        .iter()
        .map(|e| {
            let mut h = demo.health(&e.name);
            if let Some(days) = tls_days {
                h.thresholds.tls_days_yellow = days;
            }
            h
        })
        .collect();
    rig.start().await;
    // Ten minutes of history: the metric windows end two minutes back and span five.
    rig.run(10 * Timestamp::MINUTE, Timestamp::MINUTE).await;
    rig
}

fn seed42() -> SimConfig {
    SimConfig {
        seed: 42,
        traffic_scale: 1.0,
        ..SimConfig::default()
    }
}

fn levels(rig: &Rig) -> Vec<(String, String)> {
    let map = rig.app.state.health_map();
    map.environments
        .iter()
        .flat_map(|e| {
            e.nodes()
                .map(|n| {
                    (
                        format!("{} {}", e.name, n.node.title()),
                        n.level.word().to_string(),
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

#[tokio::test]
async fn map_all_green() {
    // stg's certificate ends in 12 days: with the yellow threshold at 7 days, all is green.
    let mut rig = rig(seed42(), Some(7), false).await;
    rig.app.dispatch(Action::Show(View::Map));
    rig.app.settle().await;
    let bad: Vec<_> = levels(&rig)
        .into_iter()
        .filter(|(_, l)| l != "green" && l != "-")
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    snap(&rig, "map_all_green");
}

#[tokio::test]
async fn map_one_red_node() {
    let mut rig = rig(seed42(), Some(7), true).await;
    rig.app.dispatch(Action::Show(View::Map));
    rig.app.dispatch(Action::NextEnv);
    rig.app.dispatch(Action::Down);
    rig.app.settle().await;
    let red: Vec<_> = levels(&rig)
        .into_iter()
        .filter(|(_, l)| l == "red")
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        red,
        ["stg CloudFront + fn"],
        "{:?}",
        rig.app.state.health_map().environments[1].app[1]
    );
    snap(&rig, "map_one_red_node");
    // A low terminal (or a banner taking rows): every node still listed, and the selected one's
    // detail below, where Enter goes and why it is red.
    for h in [17, 20] {
        let text = screen::trimmed(&screen::buffer(&rig.app.state, 80, h));
        for node in ["Route53 / site", "Lambda", "S3 source", "CodeDeploy"] {
            assert!(text.contains(node), "{node} at 80x{h}:\n{text}");
        }
        assert!(
            text.contains("stg · CloudFront + fn") && text.contains("enter: Traffic"),
            "the detail at 80x{h}:\n{text}"
        );
    }
}

#[tokio::test]
async fn map_no_data() {
    // No traffic at all: CloudFront and the API have no data points (unknown, "no data"),
    // never 0 requests or green.
    let config = SimConfig {
        traffic_scale: 0.0,
        ..seed42()
    };
    let mut rig = rig(config, Some(7), false).await;
    rig.app.dispatch(Action::Show(View::Map));
    // Before the first answer: not read yet.
    snap(&rig, "map_not_read_yet");
    rig.app.settle().await;
    let map = rig.app.state.health_map();
    let cdn = &map.environments[0].app[1];
    assert_eq!(cdn.reason, "no data", "{cdn:?}");
    snap(&rig, "map_no_data");
}
