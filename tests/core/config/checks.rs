//! Validation of values: environment values, unique names and promotions, polling and tick
//! ranges, locations counted in characters.

use super::*;

#[test]
fn environment_values_are_validated() {
    let env = |extra: &str, replace: (&str, &str)| {
        err(&format!(
            "[[environments]]\n{}{extra}",
            ENV.replace(replace.0, replace.1)
        ))
    };
    let none = ("", "");
    assert_eq!(
        env("site_url = \"dev.example.com\"\n", none),
        "shipdeck.toml:8:12: environments[0].site_url: expected a URL starting with http:// or https://, \
         found `dev.example.com`"
    );
    assert_eq!(
        env("", ("\"dev\"", "\"Dev\"")),
        "shipdeck.toml:2:8: environments[0].name: expected lowercase letters, digits and `-` ([a-z0-9-]+), \
         found `Dev`"
    );
    assert_eq!(
        env("", ("\"dev\"", "\"\"")),
        "shipdeck.toml:2:8: environments[0].name: must not be empty"
    );
    assert_eq!(
        env("", ("\"E1\"", "\"e1\"")),
        "shipdeck.toml:6:19: environments[0].distribution_id: expected a CloudFront distribution id \
         (1-32 uppercase letters and digits starting with a letter, e.g. E2DEVSTOREFRNT), found `e1` \
         (ids are upper case: `E1`)"
    );
    assert_eq!(
        err(&with_env("[aws]\nendpoint_url = \"127.0.0.1:5000\"")),
        "shipdeck.toml:2:16: aws.endpoint_url: expected a URL starting with http:// or https://, \
         found `127.0.0.1:5000`"
    );
}

/// Three environments `a`, `b`, `c`, with `extra[i]` appended to the i-th table.
fn three(extra: [&str; 3]) -> String {
    let names = ["a", "b", "c"];
    (0..3)
        .map(|i| {
            format!(
                "[[environments]]\n{}{}\n",
                ENV.replace("\"dev\"", &format!("\"{}\"", names[i])),
                extra[i]
            )
        })
        .collect()
}

#[test]
fn names_are_unique_and_promotions_resolve() {
    assert_eq!(
        err(&three(["", "", ""]).replacen("\"b\"", "\"a\"", 1)),
        "shipdeck.toml:10:8: environments[1].name: duplicate environment name `a` (already used by environments[0])"
    );
    assert_eq!(
        err(&three(["", "", "promotes_from = \"qa\""])),
        "shipdeck.toml:24:17: environments[2].promotes_from: unknown environment `qa`; expected one of a, b, c"
    );
    assert_eq!(
        err(&three(["", "promotes_from = \"b\"", ""])),
        "shipdeck.toml:16:17: environments[1].promotes_from: environment `b` cannot promote from itself"
    );
    assert_eq!(
        err(&three(["promotes_from = \"b\"", "", ""])),
        "shipdeck.toml:8:17: environments[0].promotes_from: promotion cycle: a → b → a"
    );
    let c = parse(&three(["", "", "promotes_from = \"\""])).unwrap();
    let from: Vec<_> = c
        .environments
        .iter()
        .map(|e| e.promotes_from.as_deref())
        .collect();
    assert_eq!(from, [None, Some("a"), None]);
    let c = parse(&three([
        "",
        "promotes_from = \"c\"",
        "promotes_from = \"a\"",
    ]))
    .unwrap();
    let from: Vec<_> = c
        .environments
        .iter()
        .map(|e| e.promotes_from.as_deref())
        .collect();
    assert_eq!(from, [None, Some("c"), Some("a")]);
}

#[test]
fn polling_and_tick_ranges() {
    let ok = |text: &str| parse(&with_env(text)).unwrap();
    let p = ok("[polling]\nactive = 60").polling;
    assert_eq!(
        (p.active_ms, p.idle_ms, p.max_backoff_ms),
        (60_000, 60_000, 300_000)
    );
    let p = ok("[polling]\nactive = 1\nidle = 1\nmax_backoff = 1").polling;
    assert_eq!(
        (p.active_ms, p.idle_ms, p.max_backoff_ms),
        (1_000, 1_000, 1_000)
    );
    assert_eq!(ok("[ui]\ntick_ms = 16").ui.tick_ms, 16);
    let cases = [
        (
            "[polling]\nactive = 0",
            "shipdeck.toml:2:10: polling.active: must be at least 1 second, found 0",
        ),
        (
            "[polling]\nactive = 10\nidle = 5",
            "shipdeck.toml:3:8: polling.idle: must be at least polling.active (10 s), found 5",
        ),
        (
            "[polling]\nidle = 60\nmax_backoff = 30",
            "shipdeck.toml:3:15: polling.max_backoff: must be at least polling.idle (60 s), found 30",
        ),
        (
            "[polling]\nmax_backoff = 100000",
            "shipdeck.toml:2:15: polling.max_backoff: must be at most 86400 seconds (one day), found 100000",
        ),
        (
            "[ui]\ntick_ms = 5",
            "shipdeck.toml:2:11: ui.tick_ms: expected milliseconds between 16 and 5000, found 5",
        ),
        (
            "[ui]\ntick_ms = -1",
            "shipdeck.toml:2:11: ui.tick_ms: expected milliseconds between 16 and 5000, found -1",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(err(&with_env(text)), expected, "{text}");
    }
}

#[test]
fn locations_count_characters_from_one() {
    let at = |text: &str, offset| {
        let l = Location::from_offset("f", text, offset);
        (l.line, l.column)
    };
    assert_eq!(at("", 0), (1, 1));
    assert_eq!(at("ab\r\ncd", 5), (2, 2));
    assert_eq!(at("é = x", 5), (1, 5));
    assert_eq!(at("ab", 99), (1, 3));
}
