//! Athena for the access logs, shared by `shipdeck query` and the Traffic view's `:query`: the
//! logging setup a query reads and what it would scan (`setup.rs`), the statement a plan's SQL
//! becomes, the creation of the table (its DDL run statement by statement), and the console's
//! runs of [`Effect::RunAthena`](crate::app::Effect::RunAthena) on the shared loop
//! ([`run_query`]), each state read sent to the app as it comes, the operator's cancel as
//! `StopQueryExecution`.

mod setup;

pub use setup::{SetupError, scanned, setup};

use crate::app::queries::athena::AthenaPlanned;
use crate::app::{Action, Reply, RequestId};
use crate::cloud::athena::{AthenaEnd, AthenaQuery, Progress, WorkGroup, run_query};
use crate::cloud::{Clock, Cloud};
use crate::config::AthenaSpec;
use crate::ops::apply::upload::Cancel;

/// A client request token unique to this statement (32–128 characters, as Athena asks): the
/// time it is started at, the process, the statement's hash and its number in the run.
pub fn token(sql: &str, at: i64, n: usize) -> String {
    format!(
        "shipdeck-{:012x}-{:08x}-{:016x}-{n}",
        at,
        std::process::id(),
        crate::accesslog::hash_str(sql)
    )
}

/// The statement `sql` in `athena`'s database and workgroup, numbered `n` in its run.
pub fn statement(athena: &AthenaSpec, sql: &str, at: i64, n: usize) -> AthenaQuery {
    AthenaQuery {
        sql: sql.to_string(),
        database: athena.database.clone(),
        workgroup: athena.workgroup.clone(),
        output_location: athena.output_location.clone(),
        client_request_token: token(sql, at, n),
    }
}

/// The workgroup `athena` names (`GetWorkGroup`), or why a query cannot run in it: it cannot be
/// read (not found: the error names it), or it is disabled.
pub async fn work_group(cloud: &Cloud, athena: &AthenaSpec) -> Result<WorkGroup, String> {
    let wg = cloud
        .athena
        .get_work_group(&athena.workgroup)
        .await
        .map_err(|e| {
            format!(
                "Athena workgroup `{}` cannot be used: {e} (set [environments.athena] workgroup)",
                athena.workgroup
            )
        })?;
    match wg.refusal() {
        Some(why) => Err(why),
        None => Ok(wg),
    }
}

/// `workgroup primary · results to s3://… (enforced by the workgroup) · it cancels a query past
/// 10.0 GB`.
pub fn work_group_line(wg: &WorkGroup, athena: &AthenaSpec) -> String {
    let mut line = format!("workgroup {}", wg.name);
    match wg.results_to(athena.output_location.as_deref()) {
        Some(out) if wg.enforced => {
            line.push_str(&format!(" · results to {out} (enforced by the workgroup)"));
        }
        Some(out) => line.push_str(&format!(" · results to {out}")),
        None => line.push_str(" · no results location (set output_location)"),
    }
    if let Some(cut) = wg.bytes_cutoff {
        line.push_str(&format!(
            " · it cancels a query past {:.1} GB",
            cut as f64 / 1e9
        ));
    }
    line
}

/// Plans the console's query ([`Effect::PlanAthena`](crate::app::Effect::PlanAthena)): the
/// setup as `shipdeck query` finds it, one plan per grouping of `groups` (or why that grouping
/// cannot be asked of it), and what one SELECT scans, from the listing of the objects in range.
#[allow(clippy::too_many_arguments)]
pub async fn prepare(
    cloud: &Cloud,
    spec: &crate::domain::EnvSpec,
    athena: &AthenaSpec,
    region: &str,
    pick: Option<&str>,
    filter: &crate::accesslog::Filter,
    range: (crate::domain::Timestamp, crate::domain::Timestamp),
    groups: &[(crate::query::GroupBy, usize)],
) -> Result<AthenaPlanned, String> {
    use crate::query::{Ask, Names, Range, estimate, plan};
    let range = Range::new(range.0, range.1).map_err(|e| e.to_string())?;
    // The local engine needs no workgroup: a missing one stops the query only on Athena.
    let wg = work_group(cloud, athena).await;
    let mut notes = Vec::new();
    let setup = setup(cloud, spec, pick, range, &mut notes)
        .await
        .map_err(|e| e.to_string())?;
    let names = Names::for_env(&athena.database, &spec.name, &setup);
    let plans: Vec<Result<crate::query::Plan, String>> = groups
        .iter()
        .map(|(g, top)| {
            let ask = Ask {
                filter,
                range,
                group: Some(*g),
                top: *top,
            };
            plan(&setup, names.clone(), &ask).map_err(|e| e.to_string())
        })
        .collect();
    let Some(first) = plans.iter().flatten().next() else {
        return Err(plans
            .into_iter()
            .find_map(Result::err)
            .unwrap_or_else(|| "nothing to ask".into()));
    };
    let estimate = scanned(cloud, &setup, first, range)
        .await
        .map(|sizes| estimate(sizes, region));
    Ok(AthenaPlanned {
        source: format!(
            "{} ({}), s3://{}/{}",
            setup.label,
            setup.format.label(),
            setup.bucket,
            setup.layout
        ),
        plans,
        estimate,
        notes,
        work_group: wg.map(|wg| work_group_line(&wg, athena)),
        setup,
    })
}

/// Why creating a table did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DdlFailure {
    /// A statement could not run or ended FAILED: why.
    Failed(String),
    /// The operator stopped it.
    Stopped,
}

/// Runs the DDL `statements` one after the other (DDL is not billed), each reported to
/// `progress`; the first that does not succeed ends it.
pub async fn create_table(
    cloud: &Cloud,
    clock: &dyn Clock,
    athena: &AthenaSpec,
    statements: &[String],
    progress: &mut (dyn FnMut(&Progress) + Send),
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<(), DdlFailure> {
    for (i, s) in statements.iter().enumerate() {
        let query = statement(athena, s, clock.now().millis(), 10 + i);
        let end = run_query(cloud.athena.as_ref(), clock, &query, 0.0, progress, stop)
            .await
            .map_err(|e| DdlFailure::Failed(format!("Athena: {e}")))?;
        match end {
            AthenaEnd::Succeeded { .. } => {}
            AthenaEnd::Ended(e) => {
                return Err(DdlFailure::Failed(format!(
                    "creating the table {}: {}",
                    e.state.name(),
                    e.reason.unwrap_or_default()
                )));
            }
            AthenaEnd::Stopped { .. } => return Err(DdlFailure::Stopped),
        }
    }
    Ok(())
}

/// Runs `query` to its end for the console, sending each state read to `progress`; the answer
/// says how it ended. `cancel` stops it (`StopQueryExecution`).
pub async fn run(
    cloud: &Cloud,
    clock: &dyn Clock,
    request: RequestId,
    query: &AthenaQuery,
    price_per_tb: f64,
    progress: Option<&tokio::sync::mpsc::UnboundedSender<Action>>,
    cancel: &Cancel,
) -> Action {
    let mut send = |p: &Progress| {
        if let Some(tx) = progress {
            let _ = tx.send(Action::Reply(Reply::AthenaProgress {
                request,
                progress: p.clone(),
            }));
        }
    };
    let result = run_query(
        cloud.athena.as_ref(),
        clock,
        query,
        price_per_tb,
        &mut send,
        &|| cancel.is_set(),
    )
    .await
    .map_err(|e| e.to_string());
    Action::Reply(Reply::AthenaEnded {
        request,
        result: Box::new(result),
    })
}

/// Creates the table for the console: `statements` in order; the answer says whether it did.
pub async fn create_for_console(
    cloud: &Cloud,
    clock: &dyn Clock,
    request: RequestId,
    athena: &AthenaSpec,
    statements: &[String],
    cancel: &Cancel,
) -> Action {
    let done = create_table(cloud, clock, athena, statements, &mut |_| {}, &|| {
        cancel.is_set()
    })
    .await
    .map_err(|e| match e {
        DdlFailure::Failed(why) => why,
        DdlFailure::Stopped => "stopped by the operator".to_string(),
    });
    Action::Reply(Reply::AthenaTableCreated {
        request,
        result: done,
    })
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_missing_workgroup_is_named_and_primary_says_where_results_go() {
        use crate::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
        use crate::config::AthenaSpec;
        let sim = SimCloud::new(Simulator::new(SimConfig::default(), &demo_specs()));
        let cloud = sim.cloud();
        let spec = AthenaSpec::default();
        let wg = super::work_group(&cloud, &spec).await.unwrap();
        assert!(wg.enabled);
        assert!(
            super::work_group_line(&wg, &spec).starts_with("workgroup primary · results to s3://"),
            "{wg:?}"
        );
        let other = AthenaSpec {
            workgroup: "analytics".into(),
            ..AthenaSpec::default()
        };
        let why = super::work_group(&cloud, &other).await.unwrap_err();
        assert!(
            why.contains("`analytics`") && why.contains("not found"),
            "{why}"
        );
        let disabled = crate::cloud::athena::WorkGroup {
            enabled: false,
            ..wg
        };
        assert!(
            disabled
                .refusal()
                .unwrap()
                .contains("`primary` is disabled")
        );
    }

    #[test]
    fn tokens_are_as_long_as_athena_asks() {
        let t = super::token("SELECT 1", 1_795_597_200_000, 3);
        assert!((32..=128).contains(&t.len()), "{t}");
        assert_ne!(t, super::token("SELECT 2", 1_795_597_200_000, 3));
    }
}
