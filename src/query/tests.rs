//! Tests of the query module: the SQL of each operator, the errors, and every generated
//! statement parsed by the `sqlparser` crate.

use super::*;
use crate::accesslog::{Field, Filter, KeyTemplate};
use crate::domain::Timestamp;

fn at(s: &str) -> Timestamp {
    Timestamp::parse_rfc3339(s).unwrap()
}

fn legacy() -> Setup {
    Setup::new(
        "legacy",
        Format::Legacy,
        Vec::new(),
        "logs-b",
        KeyTemplate::flat("cf/prd/"),
        "E2PRD",
    )
    .unwrap()
}

fn v2(format: Format, hive: bool) -> Setup {
    let template = if hive {
        "cf/distributionid={DistributionId}/year={yyyy}/month={MM}/day={dd}/hour={HH}/"
    } else {
        "AWSLogs/123/CloudFront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}/"
    };
    let fields = match format {
        Format::Plain { .. } => V2_DEFAULT.to_vec(),
        _ => Vec::new(),
    };
    Setup::new(
        "v2 d1",
        format,
        fields,
        "logs-b",
        KeyTemplate::parse(template).unwrap(),
        "E2PRD",
    )
    .unwrap()
}

fn all_setups() -> Vec<Setup> {
    vec![
        legacy(),
        v2(Format::W3c, false),
        v2(Format::Json, true),
        v2(Format::Plain { delimiter: ',' }, false),
        v2(Format::Parquet, true),
    ]
}

fn cond(text: &str, s: &Setup) -> String {
    condition(&Filter::parse(text).unwrap(), s).unwrap()
}

/// Every operator and term of the filter language, for the translation and parse tests.
pub const FILTERS: &[&str] = &[
    "",
    "status:5xx",
    "status:50x",
    "status>=500",
    "status<400",
    "status!=200",
    "status:0",
    "bytes>1000",
    "bytes<=0",
    "taken>200",
    "taken<=5",
    "ttfb>=10",
    "path:/api/*",
    "path:/index.html",
    "path:*50%_off*",
    "login",
    "query~id=",
    "ip:10.0.0.0/8",
    "ip:203.0.113.7",
    "ip:2001:db8::/32",
    "ip:10.*",
    "edge:FRA*",
    "result:Miss",
    "method:get",
    "ua~bot",
    "ref~example",
    "host:d111111abcdef8.cloudfront.net",
    "not status:2xx",
    "(status:5xx or status:4xx) and path:/api/*",
    "ua~\"it's\"",
];

/// The filters of v2's own fields.
pub const V2_FILTERS: &[&str] = &[
    "country:DE",
    "asn:16509",
    "behavior:/api/*",
    "ofbl>200",
    "not olbl<=100",
];

#[test]
fn each_operator_has_its_sql() {
    let s = legacy();
    assert_eq!(
        cond("status:5xx", &s),
        "COALESCE(COALESCE(\"sc_status\", 0) BETWEEN 500 AND 599, FALSE)"
    );
    assert_eq!(
        cond("status!=200", &s),
        "(NOT COALESCE(COALESCE(\"sc_status\", 0) = 200, FALSE))"
    );
    // Milliseconds against the log's seconds: taken>200 is ms >= 201.
    assert_eq!(
        cond("taken>200", &s),
        "COALESCE(COALESCE(\"time_taken\", 0E0) >= 201E-3, FALSE)"
    );
    assert_eq!(
        cond("taken<=5", &s),
        "COALESCE(COALESCE(\"time_taken\", 0E0) >= 0E-3 AND COALESCE(\"time_taken\", 0E0) < 6E-3, FALSE)"
    );
    assert_eq!(
        cond("path:*50%_off*", &s),
        "COALESCE(COALESCE(NULLIF(\"cs_uri_stem\", '-'), '') LIKE '%50\\%\\_off%' ESCAPE '\\', FALSE)"
    );
    assert_eq!(
        cond("edge:FRA*", &s),
        "COALESCE(lower(COALESCE(NULLIF(\"x_edge_location\", '-'), '')) LIKE 'fra%' ESCAPE '\\', FALSE)"
    );
    assert_eq!(
        cond("ua~Bot", &s),
        "COALESCE(strpos(lower(COALESCE(NULLIF(\"cs_user_agent\", '-'), '')), 'bot') > 0, FALSE)"
    );
    assert!(cond("ip:10.0.0.0/8", &s).contains("BETWEEN 167772160 AND 184549375"));
    assert!(cond("ip:2001:db8::/32", &s).contains("contains('2001:db8::/32', TRY_CAST("));
    assert_eq!(
        cond("(status:5xx or status:4xx) and login", &s),
        "((COALESCE(COALESCE(\"sc_status\", 0) BETWEEN 500 AND 599, FALSE) OR \
         COALESCE(COALESCE(\"sc_status\", 0) BETWEEN 400 AND 499, FALSE)) AND \
         COALESCE(strpos(lower(COALESCE(NULLIF(\"cs_uri_stem\", '-'), '')), 'login') > 0, FALSE))"
    );
    // JSON holds strings: numbers are cast.
    let json = v2(Format::Json, true);
    assert_eq!(
        cond("ofbl>200", &json),
        "COALESCE(TRY_CAST(\"origin_fbl\" AS double) >= 201E-3, FALSE)"
    );
    assert_eq!(
        cond("bytes>1000", &json),
        "COALESCE(COALESCE(TRY_CAST(\"sc_bytes\" AS bigint), 0) >= 1001, FALSE)"
    );
}

#[test]
fn filter_text_cannot_leave_its_literal() {
    let s = legacy();
    let sql = cond("path:\"/x' OR 1=1 --\"", &s);
    assert_eq!(
        sql,
        "COALESCE(COALESCE(NULLIF(\"cs_uri_stem\", '-'), '') = '/x'' OR 1=1 --', FALSE)"
    );
}

#[test]
fn a_field_the_setup_does_not_log_is_named_with_the_setup() {
    let s = legacy();
    let e = condition(&Filter::parse("country:DE").unwrap(), &s).unwrap_err();
    assert_eq!(
        e.to_string(),
        "country reads the log field c-country, which legacy (legacy W3C) does not log: no record of it could match"
    );
    let e = GroupBy::Asn.key(&s).unwrap_err();
    assert!(
        e.to_string().starts_with("asn reads the log field asn"),
        "{e}"
    );
    let few = Setup::new(
        "v2 d2",
        Format::Json,
        vec![Field::TimestampMs, Field::Status],
        "b",
        KeyTemplate::flat(""),
        "E1",
    )
    .unwrap();
    let e = condition(&Filter::parse("not ofbl>1").unwrap(), &few).unwrap_err();
    assert!(e.to_string().contains("origin-fbl"), "{e}");
}

#[test]
fn the_range_reads_whole_partitions_and_exact_times() {
    let r = Range::new(at("2026-11-05T10:30:00.200Z"), at("2026-11-06T02:00:00Z")).unwrap();
    let s = legacy();
    assert_eq!(
        r.condition(&s).unwrap(),
        "concat(CAST(\"date\" AS varchar), ' ', \"time\") >= '2026-11-05 10:30:01' AND \
         concat(CAST(\"date\" AS varchar), ' ', \"time\") < '2026-11-06 02:00:00'"
    );
    assert_eq!(
        r.partitions(&s).unwrap(),
        "\"$path\" >= 's3://logs-b/cf/prd/E2PRD.2026-11-05-10' AND \
         \"$path\" < 's3://logs-b/cf/prd/E2PRD.2026-11-06-02'"
    );
    assert_eq!(
        r.listing(&s),
        ["cf/prd/E2PRD.2026-11-05", "cf/prd/E2PRD.2026-11-06"]
    );
    assert!(r.holds(&s, "cf/prd/E2PRD.2026-11-06-01.x.gz"));
    assert!(!r.holds(&s, "cf/prd/E2PRD.2026-11-06-02.x.gz"));
    let h = v2(Format::Parquet, true);
    assert_eq!(
        r.partitions(&h).unwrap(),
        "\"distributionid\" = 'E2PRD' AND \
         ((\"year\" = 2026 AND \"month\" = 11 AND \"day\" = 5 AND \"hour\" BETWEEN 10 AND 23) OR \
         (\"year\" = 2026 AND \"month\" = 11 AND \"day\" = 6 AND \"hour\" BETWEEN 0 AND 1))"
    );
    assert_eq!(
        r.listing(&h),
        [
            "cf/distributionid=E2PRD/year=2026/month=11/day=05/hour=",
            "cf/distributionid=E2PRD/year=2026/month=11/day=06/hour="
        ]
    );
    assert!(Range::new(at("2026-11-05T10:00:00Z"), at("2026-11-05T10:00:00Z")).is_err());
}

#[test]
fn the_ddl_follows_each_setup() {
    let names = |s: &Setup| Names::for_env("shipdeck", "prd", s);
    let s = legacy();
    let t = create_table(&names(&s), &s);
    assert!(t.starts_with(
        "CREATE EXTERNAL TABLE IF NOT EXISTS `shipdeck`.`cloudfront_prd_legacy` (\n  `date` date,\n  `time` string,"
    ));
    assert!(
        t.contains("ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'"),
        "{t}"
    );
    assert!(t.contains("LOCATION 's3://logs-b/cf/prd/'"), "{t}");
    assert!(t.contains("'skip.header.line.count'='2'"), "{t}");
    assert!(!t.contains("PARTITIONED"), "{t}");
    let p = v2(Format::Parquet, true);
    let t = create_table(&names(&p), &p);
    assert!(t.contains("PARTITIONED BY (`distributionid` string, `year` int, `month` int, `day` int, `hour` int)"), "{t}");
    assert!(t.contains("'storage.location.template'='s3://logs-b/cf/distributionid=${distributionid}/year=${year}/month=${month}/day=${day}/hour=${hour}/'"), "{t}");
    assert!(t.contains("LOCATION 's3://logs-b/cf/'"), "{t}");
    assert!(t.contains("`sc_status` string"), "{t}");
    let j = v2(Format::Json, false);
    let t = create_table(&names(&j), &j);
    assert!(
        t.contains("'mapping.cs_user_agent'='cs(user-agent)'"),
        "{t}"
    );
    assert!(t.contains("'projection.hour.range'='0,23'"), "{t}");
    let pl = v2(Format::Plain { delimiter: '\'' }, false);
    let t = create_table(&names(&pl), &pl);
    assert!(t.contains("FIELDS TERMINATED BY '\\''"), "{t}");
}

/// Every statement a dry run prints, over every setup, filter and grouping.
fn every_statement() -> Vec<(String, bool)> {
    let range = Range::new(at("2026-10-07T10:00:00Z"), at("2026-11-06T10:00:00Z")).unwrap();
    let mut out = Vec::new();
    for s in all_setups() {
        let names = Names::for_env("shipdeck", "prd", &s);
        out.push((create_database(&names), true));
        out.push((create_table(&names, &s), true));
        let filters = FILTERS.iter().chain(if s.has(Field::Country) {
            V2_FILTERS
        } else {
            &[]
        });
        for f in filters {
            let filter = Filter::parse(f).unwrap();
            for group in std::iter::once(None).chain(GroupBy::ALL.map(Some)) {
                let ask = Ask {
                    filter: &filter,
                    range,
                    group,
                    top: 10,
                };
                match select(&s, &names.quoted(), &ask) {
                    Ok(sql) => out.push((sql, false)),
                    Err(e) => assert!(
                        !s.has(Field::Country) && matches!(e, QueryError::MissingField { .. }),
                        "{e}"
                    ),
                }
            }
        }
    }
    out
}

#[test]
fn sqlparser_parses_every_query_and_ddl_statement() {
    use sqlparser::dialect::{GenericDialect, HiveDialect};
    use sqlparser::parser::Parser;
    let statements = every_statement();
    assert!(statements.len() > 400, "{}", statements.len());
    for (sql, ddl) in statements {
        let parsed = if ddl {
            Parser::parse_sql(&HiveDialect {}, &sql)
        } else {
            Parser::parse_sql(&GenericDialect {}, &sql)
        };
        assert!(parsed.is_ok(), "{parsed:?}\n{sql}");
    }
}
