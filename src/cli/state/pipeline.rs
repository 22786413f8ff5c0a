//! `shipdeck pipeline ENV`: stages, actions and the execution history of one environment.

use super::report;
use crate::cli::{Answer, Failure, Global, Output, columns, json, load};
use crate::ops::plan::approve::short_id;
use serde::Serialize;

#[derive(Serialize)]
struct PipelineOut {
    environment: String,
    protected: bool,
    stale_error: Option<String>,
    /// Why the stage statuses are unknown (`null` in `stages`), if they are.
    state_error: Option<String>,
    pipeline: report::PipelineReport,
}

/// Prints one environment's pipeline; exit 1 when its stage statuses are unknown.
pub async fn run(global: &Global, env: &str, output: Output) -> Result<Answer, Failure> {
    let app = load(global).await?;
    let state = &app.state;
    let index = crate::cli::env_position(state.envs.iter().map(|e| e.spec.name.as_str()), env)?;
    let view = &state.envs[index];
    if let (Some(stale), None) = (&view.refresh.error, &view.def) {
        return Err(Failure::new(format!("{env}: {}", stale.error)));
    }
    let state_error = view.state.is_none().then(|| view.state_unknown());
    let unknowns = usize::from(state_error.is_some());
    let out = PipelineOut {
        environment: env.to_string(),
        protected: view.spec.protected,
        stale_error: view.refresh.error.as_ref().map(|s| s.error.clone()),
        state_error,
        pipeline: report::pipeline(view, state.now),
    };
    if output == Output::Json {
        return Ok(Answer::with_unknowns(json(&out)?, unknowns));
    }
    let mode = match (out.pipeline.pipeline_type, out.pipeline.execution_mode) {
        (Some(t), Some(m)) => format!(" · {t} · {m}"),
        (None, Some(m)) => format!(" · {m}"),
        _ => String::new(),
    };
    let mut text = format!("{} ({}){mode}\n\n", out.pipeline.name, env);
    let mut rows = vec![
        ["STAGE", "ACTION", "STATUS", "CHANGED", "DETAIL"]
            .map(String::from)
            .to_vec(),
    ];
    for s in &out.pipeline.stages {
        if !s.queued.is_empty() {
            let ids: Vec<&str> = s.queued.iter().map(|q| short_id(q)).collect();
            rows.push(vec![
                s.name.clone(),
                "(queue)".into(),
                format!("{} queued", ids.len()),
                "-".into(),
                format!("first in line first: {}", ids.join(" ")),
            ]);
        } else if let Some(waiting) = &s.inbound_execution_id {
            rows.push(vec![
                s.name.clone(),
                "(entering)".into(),
                "waiting".into(),
                "-".into(),
                format!(
                    "execution {} waits to enter{}",
                    short_id(waiting),
                    if s.inbound_enabled == Some(false) {
                        " (transition disabled)"
                    } else {
                        ""
                    }
                ),
            ]);
        }
        for a in &s.actions {
            let detail = a
                .error
                .clone()
                .or_else(|| a.summary.clone())
                .unwrap_or_default();
            rows.push(vec![
                s.name.clone(),
                a.name.clone(),
                a.status
                    .unwrap_or(if out.state_error.is_some() {
                        "unknown"
                    } else {
                        "-"
                    })
                    .to_string(),
                a.last_status_change.clone().unwrap_or_else(|| "-".into()),
                detail,
            ]);
        }
        for c in &s.conditions {
            let status = c.condition.status.map_or("-", |st| st.as_str());
            rows.push(vec![
                s.name.clone(),
                format!("({})", c.condition.kind.as_str()),
                status.to_string(),
                "-".into(),
                c.summary.clone(),
            ]);
        }
        if let Some(r) = s.retries.as_ref().filter(|r| r.auto + r.manual > 0) {
            rows.push(vec![
                s.name.clone(),
                "(retries)".into(),
                format!("{}", r.auto + r.manual),
                "-".into(),
                format!("{} automatic, {} by hand", r.auto, r.manual),
            ]);
        }
    }
    text.push_str(&columns(&rows));
    if let Some(why) = &out.state_error {
        text.push_str(&format!("stage statuses unknown: {why}\n"));
    }
    text.push('\n');
    let mut rows = vec![
        [
            "EXECUTION",
            "STATUS",
            "VERSION",
            "BY",
            "STARTED",
            "DURATION",
            "SUMMARY",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for e in &view.executions {
        let r = report::execution(e);
        rows.push(vec![
            r.id,
            r.status.to_string(),
            r.version.unwrap_or_else(|| "-".into()),
            r.triggered_by,
            r.start,
            e.duration_text(state.now),
            e.summary_in(view.state.as_ref())
                .unwrap_or_else(|| "-".into()),
        ]);
    }
    text.push_str(&columns(&rows));
    Ok(Answer::with_unknowns(text, unknowns))
}
