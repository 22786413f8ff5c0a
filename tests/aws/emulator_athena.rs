//! Athena against the local AWS emulator: the shared loop starts a query, polls its state to
//! SUCCEEDED and reads its rows (the emulator runs no SQL: the rows are queued through its
//! `/moto-api/static/athena/query-results` endpoint), the header row taken off and the columns
//! typed; and a query stopped with `StopQueryExecution` is CANCELLED. One test: the emulator
//! hands queued rows to the next query started, whichever it is.

use crate::support::emulator;

use emulator::{ACCOUNT, REGION, connect, http, unique};
use shipdeck::cloud::athena::{AthenaEnd, AthenaQuery, ExecutionState, run_query};
use shipdeck::runtime::WallClock;

fn query(sql: &str) -> AthenaQuery {
    AthenaQuery {
        sql: sql.into(),
        database: "shipdeck".into(),
        workgroup: "primary".into(),
        output_location: Some("s3://athena-results-test/shipdeck/".into()),
        client_request_token: unique("shipdeck-emulator-test-token"),
    }
}

fn row(cells: &[&str]) -> serde_json::Value {
    serde_json::json!({ "Data": cells.iter().map(|c| serde_json::json!({ "VarCharValue": c })).collect::<Vec<_>>() })
}

#[tokio::test]
async fn a_query_runs_to_succeeded_with_its_rows_and_a_stopped_one_is_cancelled() {
    let (aws, _, url) = connect().await;
    let column = |name: &str, ty: &str| {
        serde_json::json!({ "CatalogName": "hive", "SchemaName": "", "TableName": "",
            "Name": name, "Label": name, "Type": ty, "Precision": 0, "Scale": 0,
            "Nullable": "UNKNOWN", "CaseSensitive": true })
    };
    let results = serde_json::json!({
        "account_id": ACCOUNT,
        "region": REGION,
        "results": [{
            "rows": [row(&["key", "requests"]), row(&["/api/cart", "42"]), row(&["/", "7"])],
            "column_info": [column("key", "varchar"), column("requests", "bigint")],
        }],
    });
    let (status, body) = http(
        &url,
        "POST",
        "/moto-api/static/athena/query-results",
        &[("Content-Type", "application/json")],
        &results.to_string(),
    );
    assert_eq!(status, 201, "{body}");
    let cloud = aws.cloud();
    let mut states = Vec::new();
    let end = run_query(
        cloud.athena.as_ref(),
        &WallClock,
        &query("SELECT \"key\", count(*) AS \"requests\" FROM \"t\" GROUP BY 1"),
        5.0,
        &mut |p| states.push(p.state),
        &|| false,
    )
    .await
    .unwrap();
    let AthenaEnd::Succeeded {
        execution,
        columns,
        rows,
    } = end
    else {
        panic!("{end:?}")
    };
    assert!(!execution.id.is_empty());
    assert_eq!(
        states.last(),
        Some(&ExecutionState::Succeeded),
        "{states:?}"
    );
    let names: Vec<(&str, &str)> = columns
        .iter()
        .map(|c| (c.name.as_str(), c.ty.as_str()))
        .collect();
    assert_eq!(names, [("key", "varchar"), ("requests", "bigint")]);
    assert_eq!(
        rows,
        [
            vec![Some("/api/cart".to_string()), Some("42".to_string())],
            vec![Some("/".to_string()), Some("7".to_string())],
        ]
    );
    let id = cloud
        .athena
        .start_query_execution(&query("SELECT 1"))
        .await
        .unwrap();
    cloud.athena.stop_query_execution(&id).await.unwrap();
    let e = cloud.athena.get_query_execution(&id).await.unwrap();
    assert_eq!(e.state, ExecutionState::Cancelled, "{e:?}");
    assert_eq!(e.id, id);
}

#[tokio::test]
async fn get_work_group_says_where_results_go_what_it_enforces_and_names_a_missing_one() {
    use aws_sdk_athena::types::{ResultConfiguration, WorkGroupConfiguration};
    use shipdeck::config::AthenaSpec;
    use shipdeck::runtime::athena::{work_group, work_group_line};
    let (aws, clients, _) = connect().await;
    let name = unique("shipdeck-wg").replace('-', "_");
    clients
        .athena
        .create_work_group()
        .name(&name)
        .configuration(
            WorkGroupConfiguration::builder()
                .result_configuration(
                    ResultConfiguration::builder()
                        .output_location("s3://athena-results-wg/shipdeck/")
                        .build(),
                )
                .enforce_work_group_configuration(true)
                .bytes_scanned_cutoff_per_query(10_000_000_000)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let cloud = aws.cloud();
    let spec = AthenaSpec {
        workgroup: name.clone(),
        output_location: Some("s3://mine/".into()),
        ..AthenaSpec::default()
    };
    let wg = work_group(&cloud, &spec).await.unwrap();
    assert!(wg.enabled && wg.enforced, "{wg:?}");
    assert_eq!(wg.bytes_cutoff, Some(10_000_000_000));
    // Enforced: the results go to the workgroup's location, whatever shipdeck asks.
    assert_eq!(
        wg.results_to(spec.output_location.as_deref()).as_deref(),
        Some("s3://athena-results-wg/shipdeck/")
    );
    let line = work_group_line(&wg, &spec);
    assert!(
        line.contains("(enforced by the workgroup)") && line.contains("past 10.0 GB"),
        "{line}"
    );
    // A workgroup that does not exist: the error names it.
    let missing = AthenaSpec {
        workgroup: "no_such_workgroup".into(),
        ..AthenaSpec::default()
    };
    let why = work_group(&cloud, &missing).await.unwrap_err();
    assert!(why.contains("`no_such_workgroup`"), "{why}");
}
