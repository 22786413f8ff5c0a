//! Tests of the simulator's Athena: the lifecycle, the catalog and Athena's failures, the
//! objects a query reads (partition and `"$path"` pruning), paging, and the SQL subset.

use super::expr::{AggCall, Expr, Value, compile};
use crate::accesslog::Filter;
use crate::cloud::CloudError;
use crate::cloud::athena::{AthenaQuery, ExecutionState};
use crate::cloud::sim::{SimConfig, Simulator, demo_specs};
use crate::domain::Timestamp;
use crate::query::{Ask, Format, Names, Plan, Range, Setup, plan};

/// The demo world, and the plan of `filter` over dev's legacy logs in its last two hours.
fn world(filter: &str) -> (Simulator, Plan, Range) {
    let sim = Simulator::new(SimConfig::default(), &demo_specs());
    let now = sim.now();
    let range = Range::new(now - 2 * Timestamp::HOUR, now).unwrap();
    let filter = Filter::parse(filter).unwrap();
    let ask = Ask {
        filter: &filter,
        range,
        group: None,
        top: 10,
    };
    let plan = super::fixture::dev_plan(&ask);
    (sim, plan, range)
}

fn query(sql: &str, n: u32) -> AthenaQuery {
    AthenaQuery {
        sql: sql.to_string(),
        database: "shipdeck".into(),
        workgroup: "primary".into(),
        output_location: None,
        client_request_token: format!("test-token-{n:032}"),
    }
}

/// Starts `sql` and plays time until it ends; its final state.
fn run(sim: &mut Simulator, sql: &str, n: u32) -> crate::cloud::athena::Execution {
    let id = sim.op_start_query_execution(&query(sql, n)).unwrap();
    for _ in 0..600 {
        let e = sim.op_get_query_execution(&id).unwrap();
        if e.state.is_final() {
            return e;
        }
        sim.advance(500);
    }
    panic!("{sql} did not end");
}

fn create(sim: &mut Simulator, plan: &Plan) {
    for (i, s) in plan.ddl.iter().enumerate() {
        let e = run(sim, s, 100 + i as u32);
        assert_eq!(e.state, ExecutionState::Succeeded, "{e:?}");
    }
}

#[test]
fn a_query_fails_as_athena_does_until_its_database_and_table_exist() {
    let (mut sim, plan, _) = world("");
    let e = run(&mut sim, &plan.sql, 1);
    assert_eq!(e.state, ExecutionState::Failed);
    assert_eq!(
        e.reason.as_deref(),
        Some("SCHEMA_NOT_FOUND: line 11:6: Schema 'shipdeck' does not exist"),
        "{}",
        plan.sql
    );
    let e = run(&mut sim, &plan.ddl[0], 2);
    assert_eq!(e.state, ExecutionState::Succeeded);
    let e = run(&mut sim, &plan.sql, 3);
    assert_eq!(
        e.reason.as_deref(),
        Some(
            "TABLE_NOT_FOUND: line 11:6: Table 'awsdatacatalog.shipdeck.cloudfront_dev_legacy' \
             does not exist"
        )
    );
    let e = run(&mut sim, &plan.ddl[1], 4);
    assert_eq!(e.state, ExecutionState::Succeeded);
    // Created once: the same DDL again is a no-op (IF NOT EXISTS).
    let e = run(&mut sim, &plan.ddl[1], 5);
    assert_eq!(e.state, ExecutionState::Succeeded);
    let e = run(&mut sim, &plan.sql, 6);
    assert_eq!(e.state, ExecutionState::Succeeded, "{e:?}");
}

/// The records of the objects in range whose time is in range, read locally, and the objects'
/// bytes.
fn local_count(sim: &mut Simulator, plan: &Plan, range: Range) -> (u64, u64) {
    let (mut records, mut bytes) = (0, 0);
    for prefix in &plan.listing {
        let page = sim
            .buckets
            .list("storefront-cloudfront-logs", prefix, None, None, 1000)
            .unwrap();
        assert!(page.next_token.is_none());
        for o in page.objects {
            if !range.holds(&super::fixture::dev_setup(), &o.key) {
                continue;
            }
            let body = sim
                .buckets
                .get("storefront-cloudfront-logs", &o.key)
                .unwrap();
            bytes += body.len() as u64;
            crate::accesslog_io::read_bytes(&body, &o.key, &mut |v| {
                let t = v.timestamp().unwrap();
                records += u64::from(t >= range.since && t < range.until);
            });
        }
    }
    (records, bytes)
}

#[test]
fn a_query_reads_only_the_objects_of_its_range_and_counts_their_records() {
    let (mut sim, plan, range) = world("");
    create(&mut sim, &plan);
    let (records, bytes) = local_count(&mut sim, &plan, range);
    assert!(records > 100, "{records}");
    let id = sim.op_start_query_execution(&query(&plan.sql, 7)).unwrap();
    let mut states = Vec::new();
    let mut scanned = Vec::new();
    loop {
        let e = sim.op_get_query_execution(&id).unwrap();
        if states.last() != Some(&e.state) {
            states.push(e.state);
        }
        scanned.push(e.bytes_scanned);
        if e.state.is_final() {
            assert_eq!(e.bytes_scanned, bytes, "the objects in range, no more");
            break;
        }
        sim.advance(250);
    }
    assert_eq!(
        states,
        [
            ExecutionState::Queued,
            ExecutionState::Running,
            ExecutionState::Succeeded
        ]
    );
    assert!(scanned.windows(2).all(|w| w[0] <= w[1]), "{scanned:?}");
    let page = sim.op_get_athena_results(&id, None, 1000).unwrap();
    assert_eq!(page.columns[0].name, "requests");
    assert_eq!(page.columns[0].ty, "bigint");
    assert_eq!(page.rows[0][0], Some(records.to_string()));
    // Every object of the bucket's dev prefix is more than the range's.
    let all = sim
        .buckets
        .list(
            "storefront-cloudfront-logs",
            "cloudfront/dev/",
            None,
            None,
            1000,
        )
        .unwrap();
    assert!(all.objects.len() > plan.listing.len() * 3);
}

#[test]
fn results_come_a_page_at_a_time_and_not_before_the_query_succeeded() {
    let (mut sim, plan, _) = world("");
    create(&mut sim, &plan);
    let sql = plan
        .sql
        .replace("SELECT count(*)", "SELECT \"c_ip\" AS \"key\", count(*)")
        + "\nGROUP BY 1\nORDER BY \"requests\" DESC, \"key\" ASC\nLIMIT 5";
    let id = sim.op_start_query_execution(&query(&sql, 8)).unwrap();
    let early = sim.op_get_athena_results(&id, None, 2).unwrap_err();
    assert_eq!(
        early,
        CloudError::Rejected {
            code: "InvalidRequestException".into(),
            message: "Query has not yet finished. Current state: QUEUED".into()
        }
    );
    sim.advance(60_000);
    let first = sim.op_get_athena_results(&id, None, 2).unwrap();
    assert_eq!(first.rows.len(), 2);
    let token = first.next_token.clone().expect("more rows");
    let second = sim.op_get_athena_results(&id, Some(&token), 2).unwrap();
    let third = sim
        .op_get_athena_results(&id, second.next_token.as_deref(), 2)
        .unwrap();
    assert_eq!(third.rows.len(), 1);
    assert_eq!(third.next_token, None);
    let counts: Vec<i64> = [first.rows, second.rows, third.rows]
        .concat()
        .iter()
        .map(|r| r[1].as_deref().unwrap().parse().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
}

#[test]
fn unmodelled_sql_is_refused_by_name() {
    let (mut sim, _, _) = world("");
    for (sql, says) in [
        (
            "SELECT md5(\"c_ip\") FROM \"shipdeck\".\"t\"",
            "the function md5",
        ),
        ("SELECT 1 FROM a JOIN b ON TRUE", "JOIN"),
        ("DROP TABLE \"t\"", "the statement `DROP TABLE"),
        ("SELECT 1 FROM t; SELECT 2 FROM t", "2 statements"),
    ] {
        let e = sim.op_start_query_execution(&query(sql, 9)).unwrap_err();
        let CloudError::Rejected { code, message } = e else {
            panic!("{sql}: {e:?}")
        };
        assert_eq!(code, "InvalidRequestException");
        assert!(message.contains(says), "{sql}: {message}");
    }
}

#[test]
fn a_stopped_query_is_cancelled_and_a_denied_read_fails_on_the_s3_path() {
    let (mut sim, plan, _) = world("");
    create(&mut sim, &plan);
    let id = sim.op_start_query_execution(&query(&plan.sql, 10)).unwrap();
    sim.advance(700);
    sim.op_stop_query_execution(&id).unwrap();
    sim.advance(10_000);
    let e = sim.op_get_query_execution(&id).unwrap();
    assert_eq!(e.state, ExecutionState::Cancelled);
    sim.deny("GetObject");
    let e = run(&mut sim, &plan.sql, 11);
    assert_eq!(e.state, ExecutionState::Failed);
    let reason = e.reason.unwrap();
    assert!(
        reason.starts_with(
            "Permission denied on S3 path: s3://storefront-cloudfront-logs/cloudfront/dev/"
        ),
        "{reason}"
    );
}

#[test]
fn too_many_running_queries_are_refused() {
    let (mut sim, plan, _) = world("");
    create(&mut sim, &plan);
    for n in 0..super::MAX_RUNNING as u32 {
        sim.op_start_query_execution(&query(&plan.sql, 20 + n))
            .unwrap();
    }
    let e = sim
        .op_start_query_execution(&query(&plan.sql, 99))
        .unwrap_err();
    assert!(matches!(e, CloudError::Throttled { .. }), "{e:?}");
    // The same token starts nothing new: it answers the first execution.
    let again = sim.op_start_query_execution(&query(&plan.sql, 20)).unwrap();
    assert!(!again.is_empty());
}

/// `sql`, a condition or expression over the row `[a, b]`, evaluated.
fn eval(sql: &str, row: &[Value]) -> Value {
    use sqlparser::dialect::GenericDialect;
    let e = sqlparser::parser::Parser::new(&GenericDialect {})
        .try_with_sql(sql)
        .unwrap()
        .parse_expr()
        .unwrap();
    let mut aggs: Vec<AggCall> = Vec::new();
    let mut e: Expr = compile(&e, &mut Some(&mut aggs)).unwrap();
    e.bind(&|n| ["a", "b"].iter().position(|c| *c == n))
        .unwrap();
    e.eval(row, &[]).unwrap()
}

#[test]
fn the_sql_subset_evaluates_as_trino_does() {
    let s = |t: &str| Value::Str(t.into());
    let row = [s("/api/50%_off"), Value::Null];
    for (sql, want) in [
        ("a LIKE '/api/50\\%\\_off' ESCAPE '\\'", Value::Bool(true)),
        ("a LIKE '/api/50\\%\\_of' ESCAPE '\\'", Value::Bool(false)),
        ("a LIKE '/api/%' ESCAPE '\\'", Value::Bool(true)),
        ("b LIKE 'x'", Value::Null),
        ("COALESCE(b LIKE 'x', FALSE)", Value::Bool(false)),
        ("NOT (b = 'x')", Value::Null),
        ("b = 'x' OR TRUE", Value::Bool(true)),
        ("b = 'x' AND FALSE", Value::Bool(false)),
        ("COALESCE(NULLIF(b, '-'), '')", s("")),
        ("strpos(lower('AbC'), 'bc')", Value::Int(2)),
        ("substr('2026-11-25 09:10:11', 1, 13)", s("2026-11-25 09")),
        ("split_part('10.1.2.3', '.', 4)", s("3")),
        ("split_part('10.1', '.', 4)", Value::Null),
        ("TRY_CAST('x' AS bigint)", Value::Null),
        ("TRY_CAST('0.201' AS double) >= 201E-3", Value::Bool(true)),
        ("7 BETWEEN 5 AND 7", Value::Bool(true)),
        ("3 IN (1, 2)", Value::Bool(false)),
        (
            "contains('10.0.0.0/8', TRY_CAST('10.9.8.7' AS ipaddress))",
            Value::Bool(true),
        ),
        (
            "contains('2001:db8::/32', TRY_CAST('10.9.8.7' AS ipaddress))",
            Value::Bool(false),
        ),
        (
            "contains('::ffff:0:0/96', TRY_CAST('10.9.8.7' AS ipaddress))",
            Value::Bool(true),
        ),
        (
            "date_format(from_unixtime(TRY_CAST('1795597200123' AS bigint) / 1000E0), '%Y-%m-%d %H:%i:%s')",
            s("2026-11-25 09:00:00"),
        ),
        (
            "CASE WHEN lower('::FFFF:1.2.3.4') LIKE '::ffff:%' THEN 'v4' ELSE 'v6' END",
            s("v4"),
        ),
        (
            "COALESCE(TRY_CAST(b AS double), 0E0) * 1000",
            Value::Double(0.0),
        ),
    ] {
        assert_eq!(eval(sql, &row), want, "{sql}");
    }
}

#[test]
fn an_account_that_used_shipdeck_before_has_its_tables_from_the_start() {
    // prd as the demo configures it: no logs_bucket, its v2 Parquet delivery read by default.
    let mut specs = demo_specs();
    specs[2].logs_bucket = None;
    let sources: Vec<crate::domain::LogSource> =
        crate::cloud::sim::cloudfront::logging::setup(&specs[2], crate::cloud::sim::ACCOUNT)
            .into_iter()
            .map(|s| s.source)
            .collect();
    let index = crate::domain::default_source(&sources).unwrap();
    let setup = Setup::of_source(&sources[index], &specs[2].distribution_id).unwrap();
    assert_eq!(setup.format, Format::Parquet);
    let prd = |sim: &Simulator| {
        let now = sim.now();
        let filter = Filter::all();
        let ask = Ask {
            filter: &filter,
            range: Range::new(now - Timestamp::HOUR, now).unwrap(),
            group: None,
            top: 10,
        };
        plan(&setup, Names::for_env("shipdeck", "prd", &setup), &ask).unwrap()
    };
    let config = SimConfig {
        athena_tables: vec!["prd".into()],
        ..SimConfig::default()
    };
    let mut sim = Simulator::new(config, &specs);
    let sql = prd(&sim).sql;
    let e = run(&mut sim, &sql, 1);
    assert_eq!(e.state, ExecutionState::Succeeded, "{e:?}");
    assert!(e.bytes_scanned > 0);
    // dev's table is not there: the database is.
    let (_, dev, _) = world("");
    let e = run(&mut sim, &dev.sql, 2);
    assert!(
        e.reason
            .as_deref()
            .unwrap_or("")
            .starts_with("TABLE_NOT_FOUND"),
        "{e:?}"
    );
    // Without them, a new account: nothing.
    let mut sim = Simulator::new(SimConfig::default(), &specs);
    let sql = prd(&sim).sql;
    let e = run(&mut sim, &sql, 3);
    assert!(
        e.reason
            .as_deref()
            .unwrap_or("")
            .starts_with("SCHEMA_NOT_FOUND"),
        "{e:?}"
    );
}
