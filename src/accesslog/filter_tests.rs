//! Unit tests of the filter parser: precedence, and every error with its position.

use super::{Expr, Filter, NumField, Pred};

#[test]
fn precedence_is_not_then_and_then_or() {
    let parse = |s: &str| Filter::parse(s).map(|f| f.expr().clone());
    let (a, b, c) = ("status:1", "status:2", "status:3");
    let p = |n| {
        Expr::Pred(Pred::Range {
            field: NumField::Status,
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
        ("(status:5xx", 11, "missing \")\" to close the \"(\" at 1"),
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
    for (expr, position, message) in table {
        match Filter::parse(expr) {
            Ok(f) => panic!("{expr} parsed as {:?}", f.expr()),
            Err(e) => {
                assert_eq!(e.position, *position, "{expr}: {e}");
                assert!(e.message.starts_with(message), "{expr}: {e}");
            }
        }
    }
    let e = Filter::parse("status>=").err();
    assert_eq!(
        e.map(|e| e.to_string()),
        Some("expected a value after \"status>=\" at 9".into())
    );
    let deep = "(".repeat(200) + "status:5xx" + &")".repeat(200);
    assert!(Filter::parse(&deep).is_err_and(|e| e.message.contains("nested")));
    let nots = "not ".repeat(500) + "status:5xx";
    assert!(Filter::parse(&nots).is_err());
}
