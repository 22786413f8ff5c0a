//! Exactness of the Athena SQL: the same filter over the same records gives the same counts
//! locally and through SQL. Log objects in every layout and format (legacy gzip W3C under flat
//! keys; v2 W3C, gzip JSON lines, plain lines and Parquet under partitioned keys, Hive or not, or
//! flat; a JSON delivery of a few fields timed by `timestamp(ms)`) are written by the simulator's
//! writers; the local engine reads them and counts (`shipdeck::query::local`, what the Traffic
//! view's `:query` runs when it reads a small range here); the SQL shipdeck generates runs in DuckDB
//! (`tests/support/sqlcheck.sh`: DuckDB and sqlglot, pinned, Trino translated to DuckDB) over the
//! same files, each table emulated with the DDL's columns, types, partitions and `"$path"`.
//! Every operator of the filter language is compared on the totals, every group-by on its groups.
//! The same DuckDB also writes a Parquet file with its own writer, which the readers must read as
//! the records it holds.

use shipdeck::accesslog::input::PlainLayout;
use shipdeck::accesslog::{
    AccessRecord, Field, Filter, KeyTemplate, LogFields, delivery_template, write_w3c,
};
use shipdeck::accesslog_io::{ReadOptions, read_path_with};
use shipdeck::cloud::sim::cloudfront::{
    Conditions, LogFormat, LogGenerator, SiteProfile, V2_FIELDS, write_log,
};
use shipdeck::domain::Timestamp;
use shipdeck::query::local::Grouping;
use shipdeck::query::{
    Ask, ColumnType, Format, GroupBy, Names, QueryError, Range, Setup, partition_columns, select,
};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

const DIST: &str = "E2PRD";
const BUCKET: &str = "logs-b";

fn at(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

/// Records over four hours across midnight, with the values that make the translation work:
/// `%` and `_` in paths, IPv6 and IPv4-mapped addresses, status 000, missing query strings.
fn records() -> Vec<Vec<AccessRecord>> {
    let site = SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: Some("01234567".into()),
    };
    let cond = Conditions {
        error_boost: 0.05,
        miss_boost: 0.1,
        latency_boost: 0.0,
    };
    let mut generator = LogGenerator::new(22, site);
    let start = at("2026-11-05T21:00:00Z");
    let mut i = 0usize;
    (0..4)
        .map(|h| {
            let hour = Timestamp(start.millis() + h * Timestamp::HOUR);
            let mut rs = generator.window(hour, Timestamp::HOUR, 250, &cond);
            for r in &mut rs {
                i += 1;
                match i % 13 {
                    0 => r.uri_stem = "/promo/50%_off".into(),
                    5 => r.uri_stem = "/promo/50Xoff".into(),
                    _ => {}
                }
                match i % 17 {
                    0 => r.client_ip = "2001:db8::5".into(),
                    3 => r.client_ip = "::ffff:10.1.2.3".into(),
                    6 => r.client_ip = "10.200.3.4".into(),
                    9 => r.client_ip = "2a02:1810::7".into(),
                    _ => {}
                }
                if i.is_multiple_of(19) {
                    r.status = 0;
                }
                if i.is_multiple_of(7) {
                    r.query = None;
                }
            }
            rs
        })
        .collect()
}

/// One layout of the fixtures.
struct Fixture {
    setup: Setup,
    names: Names,
    /// Each file, its key and its records (for nothing but its hour).
    files: Vec<(PathBuf, String)>,
    opts: ReadOptions,
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn fixture(
    root: &Path,
    name: &str,
    format: Format,
    fields: &[Field],
    template: &str,
    hours: &[Vec<AccessRecord>],
) -> Fixture {
    let layout = KeyTemplate::parse(template).unwrap();
    let setup = Setup::new(name, format, fields.to_vec(), BUCKET, layout.clone(), DIST).unwrap();
    let names = Names {
        database: "shipdeck".into(),
        table: format!("cloudfront_{name}"),
    };
    let mut files = Vec::new();
    for records in hours {
        let hour = Timestamp(records[0].time.millis() / Timestamp::HOUR * Timestamp::HOUR);
        let stamp = shipdeck::accesslog::hour_string(hour);
        // Two objects an hour.
        for (n, half) in records.chunks(records.len().div_ceil(2)).enumerate() {
            let (bytes, ext) = match format {
                Format::Legacy => {
                    let mut text = String::new();
                    write_w3c(half, &mut text);
                    (gzip(text.as_bytes()), "gz")
                }
                Format::W3c => (write_log(half, fields, LogFormat::W3c).unwrap(), "log"),
                Format::Json => {
                    let body = write_log(half, fields, LogFormat::Json).unwrap();
                    if fields.len() > 20 {
                        (gzip(&body), "gz")
                    } else {
                        (body, "log")
                    }
                }
                Format::Plain { delimiter } => {
                    let f = LogFormat::Plain {
                        delimiter: delimiter as u8,
                    };
                    (write_log(half, fields, f).unwrap(), "log")
                }
                Format::Parquet => {
                    let f = LogFormat::Parquet { rows_per_group: 50 };
                    (write_log(half, fields, f).unwrap(), "parquet")
                }
            };
            let folder = if layout.is_partitioned() {
                layout.render(DIST, hour)
            } else {
                layout.as_str().to_string()
            };
            let key = format!("{folder}{DIST}.{stamp}.{name}{n}.{ext}");
            let path = root.join(name).join(&key);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, bytes).unwrap();
            files.push((path, key));
        }
    }
    let plain = match format {
        Format::Plain { delimiter } => {
            let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
            Some(PlainLayout::parse(&names.join(","), Some(&delimiter.to_string())).unwrap())
        }
        _ => None,
    };
    Fixture {
        setup,
        names,
        files,
        opts: ReadOptions {
            plain,
            columns: None,
        },
    }
}

/// The table as the SQL engine emulates it: columns with types and sources, files with their
/// partitions and `"$path"`.
fn table_json(f: &Fixture) -> serde_json::Value {
    let columns: Vec<serde_json::Value> = f
        .setup
        .columns()
        .iter()
        .map(|c| {
            let ty = match c.ty {
                ColumnType::String => "string",
                ColumnType::Bigint => "bigint",
                ColumnType::Double => "double",
                ColumnType::Date => "date",
            };
            serde_json::json!([c.name, ty, c.field.name()])
        })
        .collect();
    let parts = partition_columns(&f.setup);
    let files: Vec<serde_json::Value> = f
        .files
        .iter()
        .map(|(path, key)| {
            let mut extra = serde_json::Map::new();
            extra.insert("$path".into(), format!("s3://{BUCKET}/{key}").into());
            if let Some(t) = f.setup.layout.partition_of(key, DIST) {
                let d = chrono::DateTime::from_timestamp_millis(t.millis()).unwrap();
                use chrono::{Datelike, Timelike};
                for p in &parts {
                    let v: serde_json::Value = match *p {
                        "distributionid" => DIST.into(),
                        "year" => d.year().into(),
                        "month" => d.month().into(),
                        "day" => d.day().into(),
                        _ => d.hour().into(),
                    };
                    extra.insert(p.to_string(), v);
                }
            }
            serde_json::json!({"path": path, "extra": extra})
        })
        .collect();
    let (format, delimiter, skip) = match f.setup.format {
        Format::Legacy | Format::W3c => ("text", "\t".to_string(), 2),
        Format::Plain { delimiter } => ("text", delimiter.to_string(), 0),
        Format::Json => ("json", String::new(), 0),
        Format::Parquet => ("parquet", String::new(), 0),
    };
    serde_json::json!({
        "name": format!("{}.{}", f.names.database, f.names.table),
        "format": format,
        "delimiter": delimiter,
        "skip": skip,
        "columns": columns,
        "files": files,
    })
}

/// Every operator and term of the filter language.
const FILTERS: &[&str] = &[
    "",
    "status:5xx",
    "status:50x",
    "status:0",
    "status>=500",
    "status<400",
    "status!=200",
    "status=404",
    "bytes>1000",
    "bytes<=500",
    "taken>200",
    "taken<10",
    "taken:1",
    "ttfb>=5",
    "path:/api/*",
    "path:/index.html",
    "path:*0_off*",
    "path:*0%25_off",
    "cart",
    "query~q=",
    "ip:10.0.0.0/8",
    "ip:10.200.3.4",
    "ip:2001:db8::/32",
    "ip:2a02::/16",
    "ip:*:*",
    "ip~.1",
    "edge:FRA*",
    "edge:fra56-p1",
    "edge~60",
    "result:Miss",
    "result!=hit",
    "method:POST",
    "ua~bot",
    "ref~google",
    "host:D1A2*",
    "not status:2xx",
    "(status:5xx or status:4xx) and path:/api/*",
    "not (edge:FRA* or edge:AMS*) and bytes>100",
    "status>=400 or ua~bot taken>=100",
    "country:DE",
    "country:us",
    "asn:16509",
    "asn:3*",
    "behavior:/api/*",
    "behavior:*",
    "ofbl>50",
    "not ofbl>50",
    "olbl<=100",
    "not olbl=0",
];

/// The filters every group-by is run with.
const GROUPED: &[&str] = &[
    "",
    "status:5xx",
    "not path:/api/* and bytes>100",
    "ip:10.0.0.0/8",
];

/// The local engine's answer: per group key, requests, bytes and status classes.
type Groups = BTreeMap<String, [u64; 7]>;

/// Reads the fixture's files once, counting every record in range as the local engine does
/// (`shipdeck::query::local`, the Traffic view's `:query` read here): per filter, its totals and,
/// for the grouped filters, each group-by.
fn read_local(f: &Fixture, filters: &[Filter], range: Range) -> Vec<Vec<Grouping>> {
    let mut out: Vec<Vec<Grouping>> = (0..filters.len())
        .map(|i| {
            let mut gs = vec![Grouping::new(None, usize::MAX)];
            if i >= FILTERS.len() {
                gs.extend(
                    GroupBy::ALL
                        .iter()
                        .map(|g| Grouping::new(Some(*g), usize::MAX)),
                );
            }
            gs
        })
        .collect();
    for (path, _) in &f.files {
        let report = read_path_with(path, &f.opts, &mut |v| {
            let t = v.timestamp_ms();
            if t < range.since.millis() || t >= range.until.millis() {
                return;
            }
            for (filter, gs) in filters.iter().zip(out.iter_mut()) {
                if filter.matches(v) {
                    for g in gs.iter_mut() {
                        g.observe(v);
                    }
                }
            }
        });
        assert_eq!(report.skipped, 0, "{path:?}: {report:?}");
    }
    out
}

/// The local engine's answer for filter `i` grouped by `g`.
fn local(seen: &[Vec<Grouping>], i: usize, g: Option<GroupBy>) -> Groups {
    let at = g.map_or(0, |g| {
        1 + GroupBy::ALL.iter().position(|x| *x == g).unwrap()
    });
    seen[i][at]
        .groups()
        .iter()
        .map(|(k, c)| (k.clone(), *c))
        .collect()
}

fn from_sql(rows: &[serde_json::Value], grouped: bool) -> Groups {
    let n = |row: &serde_json::Value, c: &str| row[c].as_u64().unwrap_or(0);
    rows.iter()
        .filter(|row| grouped || n(row, "requests") > 0)
        .map(|row| {
            let key = match &row["key"] {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            let v = [
                n(row, "requests"),
                n(row, "bytes"),
                n(row, "status_000"),
                n(row, "status_2xx"),
                n(row, "status_3xx"),
                n(row, "status_4xx"),
                n(row, "status_5xx"),
            ];
            (key, v)
        })
        .collect()
}

fn run_sql(request: &serde_json::Value) -> serde_json::Value {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("..");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/sqlcheck.sh");
    let mut child = std::process::Command::new("bash")
        .arg(script)
        .arg(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let body = serde_json::to_vec(request).unwrap();
    child.stdin.take().unwrap().write_all(&body).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "sqlcheck.sh failed: {:?}", out.status);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_sql_counts_what_the_local_engine_counts_in_every_layout() {
    let root =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("sql-exact-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let hours = records();
    let legacy33: Vec<Field> = Field::ALL[..Field::LEGACY].to_vec();
    let suffix = Some("{DistributionId}/{yyyy}/{MM}/{dd}/{HH}");
    let few = [
        Field::TimestampMs,
        Field::Status,
        Field::UriStem,
        Field::ClientIp,
        Field::EdgeLocation,
        Field::ScBytes,
        Field::TimeTaken,
        Field::Country,
    ];
    let fixtures = [
        fixture(
            &root,
            "legacy",
            Format::Legacy,
            &legacy33,
            "cf/prd/",
            &hours,
        ),
        fixture(
            &root,
            "w3c",
            Format::W3c,
            &V2_FIELDS,
            &delivery_template("", suffix, false, "123456789012"),
            &hours,
        ),
        fixture(
            &root,
            "json",
            Format::Json,
            &V2_FIELDS,
            &delivery_template("cf/stg", suffix, true, "123456789012"),
            &hours,
        ),
        fixture(
            &root,
            "plain",
            Format::Plain { delimiter: ',' },
            &V2_FIELDS,
            "v2flat/",
            &hours,
        ),
        fixture(
            &root,
            "parquet",
            Format::Parquet,
            &V2_FIELDS,
            &delivery_template("cf/prd", suffix, true, "123456789012"),
            &hours,
        ),
        fixture(
            &root,
            "json_few",
            Format::Json,
            &few,
            &delivery_template("few", Some("{yyyy}/{MM}/{dd}"), false, "1"),
            &hours,
        ),
    ];
    let range = Range::new(at("2026-11-05T21:40:00.500Z"), at("2026-11-06T00:20:00Z")).unwrap();
    let mut queries = Vec::new();
    let mut expected: BTreeMap<String, (Groups, bool)> = BTreeMap::new();
    let mut refused = 0;
    let texts: Vec<&str> = FILTERS.iter().chain(GROUPED).copied().collect();
    let filters: Vec<Filter> = texts.iter().map(|t| Filter::parse(t).unwrap()).collect();
    for f in &fixtures {
        let seen = read_local(f, &filters, range);
        let mut asks: Vec<(usize, Option<GroupBy>)> =
            (0..FILTERS.len()).map(|i| (i, None)).collect();
        for i in FILTERS.len()..texts.len() {
            asks.extend(GroupBy::ALL.iter().map(|g| (i, Some(*g))));
        }
        for (i, group) in asks {
            let (text, filter) = (texts[i], &filters[i]);
            let ask = Ask {
                filter,
                range,
                group,
                top: 1_000_000,
            };
            match select(&f.setup, &f.names.quoted(), &ask) {
                Ok(sql) => {
                    let id = format!("{} | {text} | {group:?}", f.names.table);
                    expected.insert(id.clone(), (local(&seen, i, group), group.is_some()));
                    queries.push(serde_json::json!({"id": id, "sql": sql}));
                }
                Err(QueryError::MissingField { field, .. }) => {
                    // Only a setup without the field refuses it, naming it.
                    assert!(!f.setup.has(Field::from_name(field).unwrap()), "{text}");
                    refused += 1;
                }
                Err(e) => panic!("{}: {text}: {e}", f.names.table),
            }
        }
    }
    assert!(
        refused > 0 && queries.len() > 300,
        "{refused} {}",
        queries.len()
    );
    let tables: Vec<serde_json::Value> = fixtures.iter().map(table_json).collect();
    let answer = run_sql(&serde_json::json!({"tables": tables, "queries": queries}));
    let errors = answer["errors"].as_object().unwrap();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut differ = Vec::new();
    let mut nonzero = 0;
    for (id, (want, grouped)) in &expected {
        let rows = answer["results"][id].as_array().unwrap();
        let got = from_sql(rows, *grouped);
        if got != *want {
            differ.push(format!("{id}:\n  local {want:?}\n  sql   {got:?}"));
        }
        let total: u64 = want.values().map(|v| v[0]).sum();
        nonzero += usize::from(total > 0);
    }
    assert!(
        differ.is_empty(),
        "{} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
    // The filters select something: the comparisons are not of empty answers.
    assert!(
        nonzero * 10 > expected.len() * 8,
        "{nonzero} of {}",
        expected.len()
    );
    // Every layout holds the same records: the same filter counts the same in each.
    let _ = std::fs::remove_dir_all(&root);
}

/// A Parquet file from another writer: DuckDB reads the simulator's v2 Parquet (every v2 field,
/// nulls among them) and writes it again with its own writer (its dictionaries, pages and
/// `STRING` annotations, row groups of 700 rows); shipdeck reads both as the same records, in
/// order, every column and the statistics' columns alone.
#[test]
fn a_parquet_file_written_by_duckdb_reads_as_the_records_it_holds() {
    let root =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("parquet-duck-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let recs: Vec<AccessRecord> = records().concat();
    let ours = root.join("ours.parquet");
    let bytes = write_log(
        &recs,
        &V2_FIELDS,
        LogFormat::Parquet {
            rows_per_group: 400,
        },
    )
    .unwrap();
    std::fs::write(&ours, bytes).unwrap();
    let theirs = root.join("theirs.parquet");
    let columns: Vec<serde_json::Value> = V2_FIELDS
        .iter()
        .map(|f| serde_json::json!([f.column_name(), "string", f.column_name()]))
        .collect();
    let request = serde_json::json!({
        "tables": [{
            "name": "logs.ours",
            "format": "parquet",
            "columns": columns,
            "files": [{"path": ours, "extra": {}}],
        }],
        "copies": [{"sql": "SELECT * FROM logs.ours", "path": theirs, "row_group_size": 700}],
        "queries": [],
    });
    run_sql(&request);
    let read = |path: &Path, opts: &ReadOptions| {
        let mut lines = Vec::new();
        let report = read_path_with(path, opts, &mut |v| lines.push(v.line().to_string()));
        assert!(report.errors.is_empty(), "{path:?}: {:?}", report.errors);
        assert_eq!(report.skipped, 0, "{path:?}: {:?}", report.skips);
        lines
    };
    let stats_only = ReadOptions {
        plain: None,
        columns: Some(shipdeck::accesslog::Stats::FIELDS.to_vec()),
    };
    for opts in [ReadOptions::default(), stats_only] {
        let want = read(&ours, &opts);
        assert_eq!(want.len(), recs.len());
        let got = read(&theirs, &opts);
        assert!(
            got == want,
            "the same records, in order ({:?})",
            opts.columns
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}
