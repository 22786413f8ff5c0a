//! Tests of the filter → Logs Insights translation: the text of each operator and of each
//! query, and the errors.

use super::*;
use crate::accesslog::{Field, Filter};

fn cond(filter: &str) -> String {
    let f = Filter::parse(filter).unwrap();
    insights_condition(&f, &[]).unwrap().unwrap_or_default()
}

#[test]
fn hyphened_and_parenthesised_field_names_are_in_backticks() {
    assert_eq!(insights_field("cs-uri-stem"), "`cs-uri-stem`");
    assert_eq!(insights_field("cs(User-Agent)"), "`cs(User-Agent)`");
    assert_eq!(insights_field("asn"), "asn");
    assert_eq!(insights_field("@timestamp"), "@timestamp");
    assert_eq!(insights_string("a\"b\\c"), "\"a\\\"b\\\\c\"");
}

#[test]
fn text_tests_are_regular_expressions_with_dash_as_empty() {
    assert_eq!(
        cond("path:/api/*"),
        "(`cs-uri-stem` != \"-\" and `cs-uri-stem` like /^\\/api\\/.*$/)"
    );
    // Case folded for ASCII letters only, as locally.
    assert_eq!(
        cond("edge:FRA*"),
        "(`x-edge-location` != \"-\" and `x-edge-location` like /^[fF][rR][aA].*$/)"
    );
    assert_eq!(
        cond("ua~bot"),
        "(`cs(User-Agent)` != \"-\" and `cs(User-Agent)` like /[bB][oO][tT]/)"
    );
    // A test the empty text passes also passes a record without the value.
    assert_eq!(
        cond("query:*"),
        "(not ispresent(`cs-uri-query`) or `cs-uri-query` = \"-\" or `cs-uri-query` like /^.*$/)"
    );
    // Metacharacters are literal.
    assert!(cond("path:\"/a.b(c)\"").contains(r"/^\/a\.b\(c\)$/"));
    // A bare word searches the path.
    assert!(cond("cart").contains("`cs-uri-stem` like /[cC][aA][rR][tT]/"));
}

#[test]
fn numbers_compare_as_numbers_with_a_missing_value_as_zero() {
    assert_eq!(
        cond("status:5xx"),
        "(`sc-status` != \"-\" and `sc-status` >= 500 and `sc-status` <= 599)"
    );
    assert_eq!(
        cond("status<300"),
        "(not ispresent(`sc-status`) or `sc-status` = \"-\" or (`sc-status` != \"-\" and `sc-status` <= 299))"
    );
    assert_eq!(
        cond("bytes>=1000"),
        "(`sc-bytes` != \"-\" and `sc-bytes` >= 1000)"
    );
    // Milliseconds against the log's seconds, exact bounds.
    assert_eq!(
        cond("taken>200"),
        "(`time-taken` != \"-\" and `time-taken` >= 0.201)"
    );
    assert_eq!(
        cond("taken:1500"),
        "(`time-taken` != \"-\" and `time-taken` >= 1.500 and `time-taken` < 1.501)"
    );
    // An origin latency the record lacks matches nothing, not even `< 5`.
    assert_eq!(
        cond("ofbl<5"),
        "(`origin-fbl` != \"-\" and `origin-fbl` < 0.005)"
    );
    assert_eq!(
        cond("not status:2xx"),
        "not (`sc-status` != \"-\" and `sc-status` >= 200 and `sc-status` <= 299)"
    );
}

#[test]
fn networks_use_the_subnet_functions_counting_mapped_addresses_as_ipv4() {
    assert_eq!(
        cond("ip:10.1.2.3/8"),
        "(isIpv4InSubnet(`c-ip`, \"10.0.0.0/8\") or isIpv6InSubnet(`c-ip`, \"::ffff:10.0.0.0/104\"))"
    );
    assert_eq!(
        cond("ip:2001:db8::/32"),
        "(isIpv6InSubnet(`c-ip`, \"2001:db8::/32\") and not isIpv6InSubnet(`c-ip`, \"::ffff:0:0/96\"))"
    );
    assert_eq!(
        cond("ip:203.0.113.7"),
        "(isIpv4InSubnet(`c-ip`, \"203.0.113.7/32\") or isIpv6InSubnet(`c-ip`, \"::ffff:203.0.113.7/128\"))"
    );
}

#[test]
fn and_or_not_keep_their_grouping() {
    assert_eq!(
        cond("method:POST or not (edge:FRA* and status:200)"),
        format!(
            "({} or not ({} and {}))",
            cond("method:POST"),
            cond("edge:FRA*"),
            cond("status:200")
        )
    );
}

#[test]
fn queries_group_count_and_sort() {
    let all = Filter::all();
    assert_eq!(
        insights_query(&all, &[], InsightsAsk::Totals).unwrap(),
        "fields coalesce(`sc-status`, \"-\") as status\n| stats count(*) as requests, sum(`sc-bytes`) as bytes by status"
    );
    let errors = Filter::parse("status:5xx").unwrap();
    assert_eq!(
        insights_query(&errors, &[], InsightsAsk::Top(GroupBy::Path, 10)).unwrap(),
        format!(
            "filter {}\n| fields coalesce(`cs-uri-stem`, \"-\") as key\n| stats count(*) as requests, sum(`sc-bytes`) as bytes by key\n| sort requests desc, key asc\n| limit 10",
            cond("status:5xx")
        )
    );
    assert_eq!(
        insights_query(&all, &[], InsightsAsk::Top(GroupBy::Hour, 24)).unwrap(),
        "stats count(*) as requests, sum(`sc-bytes`) as bytes by bin(1h)\n| sort requests desc\n| limit 24"
    );
    assert_eq!(
        insights_query(&all, &[], InsightsAsk::Series(SeriesStep::FiveMinutes)).unwrap(),
        "fields coalesce(`sc-status`, \"-\") as status\n| stats count(*) as requests by bin(5m), status"
    );
    assert_eq!(SeriesStep::for_span(3_600_000), SeriesStep::Minute);
    assert_eq!(SeriesStep::for_span(86_400_000), SeriesStep::FiveMinutes);
    assert_eq!(SeriesStep::for_span(30 * 86_400_000), SeriesStep::Day);
}

#[test]
fn a_field_the_delivery_does_not_log_is_refused_by_name() {
    let fields = [Field::Date, Field::Time, Field::Status, Field::UriStem];
    let f = Filter::parse("country:US").unwrap();
    let e = insights_condition(&f, &fields).unwrap_err();
    assert!(e.to_string().contains("c-country"), "{e}");
    assert!(e.to_string().contains("country"), "{e}");
    let e =
        insights_query(&Filter::all(), &fields, InsightsAsk::Top(GroupBy::Edge, 5)).unwrap_err();
    assert!(e.to_string().contains("x-edge-location"), "{e}");
    // Without bytes the queries count requests only.
    let q = insights_query(&Filter::all(), &fields, InsightsAsk::Totals).unwrap();
    assert!(!q.contains("sum("), "{q}");
}
