//! Unit tests of the filter parser: precedence, and every error with its position.

use super::{Expr, Filter, NumField, Pred};

/// Each expression fails at this char offset with a message starting so.
fn assert_errors(table: &[(&str, usize, &str)]) {
    for (expr, position, message) in table {
        match Filter::parse(expr) {
            Ok(f) => panic!("{expr} parsed as {:?}", f.expr()),
            Err(e) => {
                assert_eq!(e.position, *position, "{expr}: {e}");
                assert!(e.message.starts_with(message), "{expr}: {e}");
            }
        }
    }
}

#[test]
fn precedence_is_not_then_and_then_or() {
    let parse = |s: &str| Filter::parse(s).map(|f| f.expr().clone());
    let (a, b, c) = ("bytes:1", "bytes:2", "bytes:3");
    let p = |n| {
        Expr::Pred(Pred::Range {
            field: NumField::Bytes,
            lo: n,
            hi: n,
        })
    };
    let and = |x, y| Expr::And(Box::new(x), Box::new(y));
    let or = |x, y| Expr::Or(Box::new(x), Box::new(y));
    let not = |x| Expr::Not(Box::new(x));
    assert_eq!(
        parse(&format!("{a} or {b} and {c}")),
        Ok(or(p(1), and(p(2), p(3))))
    );
    assert_eq!(
        parse(&format!("{a} and {b} or {c}")),
        Ok(or(and(p(1), p(2)), p(3)))
    );
    assert_eq!(parse(&format!("not {a} and {b}")), Ok(and(not(p(1)), p(2))));
    assert_eq!(
        parse(&format!("{a} {b} or not not {c}")),
        Ok(or(and(p(1), p(2)), not(not(p(3)))))
    );
    assert_eq!(parse(&format!("(({a}))")), Ok(p(1)));
    assert_eq!(parse("   "), Ok(Expr::All));
}

#[test]
fn errors_name_their_position_and_what_was_expected() {
    let fields = "status, path, ip, edge, result, method, ua, ref, host, query, bytes, taken, ttfb";
    let table: &[(&str, usize, &str)] = &[
        ("status>=", 8, "expected a value after \"status>=\""),
        (
            "stauts:5xx",
            0,
            &format!("unknown field \"stauts\"; expected one of {fields}"),
        ),
        ("path:/x and stauts>=5", 12, "unknown field \"stauts\""),
        (
            "status:abc",
            7,
            "expected a status like 404, a class like 4xx or a comparison like status>=500, not \"abc\"",
        ),
        ("status:4x4", 7, "expected a status like 404"),
        (
            "bytes>lots",
            6,
            "expected a number after \"bytes>\", not \"lots\"",
        ),
        ("status~5", 6, "\"~\" does not apply to status"),
        ("path>=/x", 4, "\">=\" compares numbers; path takes \":\""),
        (
            "ip:300.1.1.1",
            3,
            "invalid IP address or network \"300.1.1.1\"",
        ),
        ("ip:10.0.0.0/33", 3, "invalid IP address or network"),
        ("status:5xx and", 14, "expected a filter after \"and\""),
        ("status:5xx or", 13, "expected a filter after \"or\""),
        ("not", 3, "expected a filter after \"not\""),
        ("or status:5xx", 0, "expected a filter before \"or\""),
        ("and", 0, "expected a filter before \"and\""),
        ("(status:5xx", 0, "missing \")\" to close the \"(\""),
        ("path:/x (status:5xx", 8, "missing \")\" to close the \"(\""),
        (
            "status:5xx)",
            10,
            "unexpected \")\" without a matching \"(\"",
        ),
        ("()", 1, "expected a filter after \"(\""),
        ("(", 1, "expected a filter after \"(\""),
        ("path:/x and )", 12, "expected a filter after \"and\""),
        ("ua~\"open", 3, "missing closing quote"),
        ("é stauts:1", 2, "unknown field \"stauts\""),
    ];
    assert_errors(table);
    let e = Filter::parse("status>=").err();
    assert_eq!(
        e.map(|e| e.to_string()),
        Some("expected a value after \"status>=\" at 9".into())
    );
    let e = Filter::parse("(status:5xx").err();
    assert_eq!(
        e.map(|e| e.to_string()),
        Some("missing \")\" to close the \"(\" at 1".into())
    );
    let deep = "(".repeat(200) + "status:5xx" + &")".repeat(200);
    assert!(Filter::parse(&deep).is_err_and(|e| e.message.contains("nested")));
    let nots = "not ".repeat(500) + "status:5xx";
    assert!(Filter::parse(&nots).is_err());
}

#[test]
fn spaces_around_an_operator_after_a_field_name_make_the_same_term() {
    let expr = |s: &str| Filter::parse(s).map(|f| f.expr().clone());
    for (spaced, tight) in [
        ("status >= 500", "status>=500"),
        ("status >=500", "status>=500"),
        ("status>= 500", "status>=500"),
        ("taken > 1000", "taken>1000"),
        ("ttfb <= 20", "ttfb<=20"),
        ("bytes < 10", "bytes<10"),
        ("status = 404", "status=404"),
        ("status != 200", "status!=200"),
        ("status == 200", "status==200"),
        ("status : 5xx", "status:5xx"),
        ("path: /api/*", "path:/api/*"),
        ("path :/api/*", "path:/api/*"),
        ("ua ~ bot", "ua~bot"),
        (
            "not status >= 500 or path: \"/a b\"",
            "not status>=500 or path:\"/a b\"",
        ),
        ("(status >= 500) ua ~bot", "(status>=500) ua~bot"),
    ] {
        assert_eq!(expr(spaced), expr(tight), "{spaced}");
        assert!(expr(spaced).is_ok(), "{spaced}");
    }
    // A word that is not followed by an operator stays a path search; `~` starts one too.
    assert_eq!(expr("status 500"), expr("\"status\" \"500\""));
    assert_eq!(expr("~alice"), expr("\"~alice\""));
}

#[test]
fn a_lone_or_misplaced_operator_is_an_error_at_its_position() {
    let table: &[(&str, usize, &str)] = &[
        (
            ">=",
            0,
            "expected a field name before \">=\" (as in status>=500)",
        ),
        (
            "status:5xx >= 500",
            11,
            "expected a field name before \">=\"",
        ),
        ("<500", 0, "expected a field name before \"<\""),
        (":", 0, "expected a field name before \":\""),
        ("~", 0, "expected a field name before \"~\""),
        ("stauts >= 500", 0, "unknown field \"stauts\""),
        ("status >= ", 9, "expected a value after \"status>=\""),
        ("status ~ 5", 7, "\"~\" does not apply to status"),
        ("path >= /x", 5, "\">=\" compares numbers; path takes \":\""),
        (
            "path: status:5xx",
            6,
            "expected a value after \"path:\"; \"status:5xx\" is a filter of its own (quote it",
        ),
        ("path: and", 5, "expected a value after \"path:\""),
    ];
    assert_errors(table);
    assert!(Filter::parse("path: \"status:5xx\"").is_ok());
}

#[test]
fn numbers_and_classes_no_record_can_hold_are_errors() {
    let table: &[(&str, usize, &str)] = &[
        (
            "status:6xx",
            7,
            "expected a status class from 1xx to 5xx, not \"6xx\"",
        ),
        ("status:0xx", 7, "expected a status class from 1xx to 5xx"),
        ("status!=60x", 8, "expected a status class from 1xx to 5xx"),
        (
            "status>=99999999999",
            8,
            "99999999999 is out of range for status: a status is 100 to 599, or 0",
        ),
        ("status=600", 7, "600 is out of range for status"),
        (
            "status > 599",
            9,
            "\"status>599\" can never match: a status is 100 to 599",
        ),
        ("status=50", 7, "\"status=50\" can never match"),
        ("status<0", 7, "\"status<0\" can never match"),
        (
            "taken<0",
            6,
            "\"taken<0\" can never match: taken runs from 0 to 4294967295",
        ),
        (
            "taken>=4294967296",
            7,
            "4294967296 is out of range for taken",
        ),
        ("ttfb>4294967295", 5, "\"ttfb>4294967295\" can never match"),
        (
            "bytes>=18446744073709551616",
            7,
            "18446744073709551616 is out of range for bytes",
        ),
        (
            "bytes>18446744073709551615",
            6,
            "\"bytes>18446744073709551615\" can never",
        ),
    ];
    assert_errors(table);
    for ok in [
        "status:0",
        "status<100",
        "status:1xx",
        "status:59x",
        "status<=599",
        "status>=0",
        "taken>=4294967295",
        "bytes<=18446744073709551615",
    ] {
        assert!(Filter::parse(ok).is_ok(), "{ok}");
    }
}

#[test]
fn v2_fields_filter_by_country_asn_behavior_and_origin_latency() {
    use crate::accesslog::{Parsed, Parser};
    let mut p = Parser::new();
    let header = "#Fields: timestamp(ms) sc-status cs-uri-stem c-country asn cache-behavior-path-pattern origin-fbl origin-lbl";
    assert!(matches!(p.parse_line(header.as_bytes()), Parsed::Header));
    let lines = [
        "1795597200000\t200\t/api/cart\tDE\t3320\t/api/*\t0.250\t0.400",
        "1795597201000\t200\t/assets/a.js\tUS\t16509\t/assets/*\t-\t-",
        "1795597202000\t502\t/api/pay\tDE\t16509\t/api/*\t0.150\t0.900",
    ];
    let matching = |expr: &str| -> Vec<usize> {
        let filter = Filter::parse(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        let mut p = Parser::new();
        let _ = p.parse_line(header.as_bytes());
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| match p.parse_line(l.as_bytes()) {
                Parsed::Record(v) => filter.matches(&v),
                other => panic!("{l}: {other:?}"),
            })
            .map(|(i, _)| i)
            .collect()
    };
    assert_eq!(matching("country:DE"), vec![0, 2]);
    assert_eq!(matching("country:de"), vec![0, 2]);
    assert_eq!(matching("asn:16509"), vec![1, 2]);
    assert_eq!(matching("behavior:/api/*"), vec![0, 2]);
    // Times in milliseconds, like `taken`; a record without the field matches no comparison.
    assert_eq!(matching("ofbl > 200"), vec![0]);
    assert_eq!(matching("ofbl < 200"), vec![2]);
    assert_eq!(matching("olbl>=400"), vec![0, 2]);
    assert_eq!(matching("not ofbl>0"), vec![1]);
    assert_eq!(matching("country:DE and status:5xx"), vec![2]);
    assert!(Filter::parse("countri:DE").is_err());
    let e = Filter::parse("ofbl~3").unwrap_err();
    assert!(e.message.contains("does not apply to ofbl"), "{e}");
}
