//! Unit tests of the simulator's filter patterns: what each form matches, and that patterns
//! outside the model are refused as CloudWatch refuses invalid ones.

use super::*;

const ERROR: &str = r#"{"level":"ERROR","status":502,"durationMs":63,"req":{"path":"/cart"}}"#;
const INFO: &str = r#"{"level":"INFO","status":200,"durationMs":1200,"req":{"path":"/products"}}"#;
const START: &str = "START RequestId: 68db1889 Version: $LATEST";

fn matches(pattern: &str) -> [bool; 3] {
    match Pattern::parse(Some(pattern)) {
        Ok(p) => [p.matches(ERROR), p.matches(INFO), p.matches(START)],
        Err(e) => panic!("{pattern}: {e}"),
    }
}

#[test]
fn json_comparisons_match_the_field_of_json_messages_only() {
    let table: &[(&str, [bool; 3])] = &[
        (r#"{ $.level = "ERROR" }"#, [true, false, false]),
        (r#"{$.level="ERROR"}"#, [true, false, false]),
        (r#"{ $.level = ERROR }"#, [true, false, false]),
        (r#"{ $.level = "error" }"#, [false, false, false]),
        (r#"{ $.level != "ERROR" }"#, [false, true, false]),
        (r#"{ $.level = "E*" }"#, [true, false, false]),
        (r#"{ $.req.path = "/pro*" }"#, [false, true, false]),
        ("{ $.status >= 500 }", [true, false, false]),
        ("{ $.durationMs > 1000 }", [false, true, false]),
        ("{ $.durationMs < 63 }", [false, false, false]),
        ("{ $.durationMs <= 63 }", [true, false, false]),
        ("{ $.status = 200 }", [false, true, false]),
        ("{ $.status != 200 }", [true, false, false]),
        (r#"{ $.status = "502" }"#, [false, false, false]),
        (r#"{ $.missing != "x" }"#, [false, false, false]),
    ];
    for (pattern, want) in table {
        assert_eq!(matches(pattern), *want, "{pattern}");
    }
}

#[test]
fn terms_must_all_appear_with_any_of_and_none_of() {
    let table: &[(&str, [bool; 3])] = &[
        ("", [true, true, true]),
        ("ERROR", [true, false, false]),
        ("error", [false, false, false]),
        ("RequestId LATEST", [false, false, true]),
        ("\"Version: $LATEST\"", [false, false, true]),
        ("?ERROR ?START", [true, false, true]),
        ("level -ERROR", [false, true, false]),
        ("level -\"ERROR\"", [false, true, false]),
    ];
    for (pattern, want) in table {
        assert_eq!(matches(pattern), *want, "{pattern}");
    }
}

#[test]
fn patterns_outside_the_model_are_refused_with_invalid_parameter() {
    for pattern in [
        r#"{ level = "ERROR" }"#,
        "{ $.level }",
        r#"{ $.durationMs > "x" }"#,
        "{ $.level = }",
        "{ $. = 1 }",
        "\"open",
        r#"{ $.level = "ERROR" && $.status = 502 }"#,
        r#"{ ($.level = "ERROR") }"#,
        "{ $.items[0] = 1 }",
        "{ $.error IS TRUE }",
        "[ip, user, status = 5*]",
        "%ERROR|WARN%",
        "ERROR ?WARN",
        "-",
    ] {
        match Pattern::parse(Some(pattern)) {
            Ok(p) => panic!("{pattern} parsed as {p:?}"),
            Err(CloudError::Rejected { code, message }) => {
                assert_eq!(code, "InvalidParameterException", "{pattern}");
                assert!(
                    message.starts_with("Invalid filter pattern"),
                    "{pattern}: {message}"
                );
            }
            Err(e) => panic!("{pattern}: {e}"),
        }
    }
    let e = Pattern::parse(Some("{ $.level = 1")).err();
    assert!(e.is_some_and(|e| e.to_string().contains("must end with '}'")));
}
