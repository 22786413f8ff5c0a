//! Tables of the wrong shape, unknown keys, TOML syntax, and every error of a keymap file.

use super::*;

#[test]
fn tables_of_the_wrong_shape_unknown_keys_and_syntax() {
    let first = |text: &str| parse(text).unwrap_err();
    assert_eq!(
        first("aws = \"eu-west-1\"\n"),
        "shipdeck.toml:1:7: aws: expected a table, found a string"
    );
    assert_eq!(
        first("environments = \"dev\"\n"),
        "shipdeck.toml:1:16: environments: expected an array of tables ([[environments]]), found a string"
    );
    assert_eq!(
        first("environments = []\n"),
        "shipdeck.toml:1:16: environments: at least one environment is required; add an \
         [[environments]] table (see assets/shipdeck.example.toml)"
    );
    assert_eq!(
        first("read_only = false\n"),
        "shipdeck.toml:1:1: environments: at least one environment is required; add an \
         [[environments]] table (see assets/shipdeck.example.toml)"
    );
    assert_eq!(
        first(&FULL.replace("region = ", "regoin = ")),
        "shipdeck.toml:4:1: unknown key `regoin` in [aws]; did you mean `region`? (expected one \
         of profile, region, endpoint_url, role_arn, external_id, role_session_name, \
         connect_timeout, operation_timeout)"
    );
    assert_eq!(
        first(&FULL.replace("tick_ms = 250", "tick_ms = 250\ntheme = \"dark\"")),
        "shipdeck.toml:11:1: unknown key `theme` in [ui]; expected one of keymap, tick_ms"
    );
    assert_eq!(
        first(&FULL.replace("logs_prefix", "log_prefix")),
        "shipdeck.toml:23:1: unknown key `log_prefix` in environments[0]; did you mean \
         `logs_prefix`? (expected one of name, pipeline, source_bucket, source_key, \
         release_prefix, distribution_id, logs_bucket, logs_prefix, log_groups, build_log_group, \
         deploy_project, site_url, api_url, protected, read_only, promotes_from, self_approval, \
         api_name, lambda_function, viewer_function, health, profile, region, role_arn, \
         external_id, role_session_name, endpoint_url, athena)"
    );
    let syntax = first(&FULL.replace("tick_ms = 250", "tick_ms = "));
    assert!(
        syntax.starts_with("shipdeck.toml:10:11: invalid TOML: "),
        "{syntax}"
    );
    let overflow = first(&FULL.replace("tick_ms = 250", "tick_ms = 99999999999999999999"));
    assert!(overflow.starts_with("shipdeck.toml:10:"), "{overflow}");
}

/// The keymap file named by `[ui] keymap`: its errors name the file, the section, the action
/// and the key (semantic errors carry no line and column yet).
#[test]
fn keymap_file() {
    let err = |text: &str| {
        Keymap::from_toml(text, "keys.toml")
            .unwrap_err()
            .to_string()
    };
    let syntax = err("[normal]\nquit = { keys = [\"q\"\n");
    assert!(
        syntax.starts_with("keys.toml: invalid keymap: line "),
        "{syntax}"
    );
    // An action given a bare key says what an entry looks like (not a type's name).
    assert_eq!(
        err("[normal]\nquit = \"q\"\n"),
        "keys.toml: invalid keymap: line 2, column 8: invalid type: string \"q\", expected an \
         action's table: { keys = [\"q\", \"ctrl-c\"], desc = \"…\" } (desc optional)"
    );
    assert_eq!(
        err("[normal]\nquit = { keys = [\"q\"] }\nquit = { keys = [\"x\"] }\n"),
        "keys.toml: invalid keymap: line 3, column 1: duplicate key `quit`: it is already set in \
         this table (a key is set once)"
    );
    // Typos of a section or an action name the likely one.
    assert_eq!(
        err("[normall]\nquit = { keys = [\"q\"] }\n"),
        "keys.toml:1:2: unknown section [normall]; did you mean [normal]? (expected [normal], \
         [logs], [dialog] or [input])"
    );
    let typo = err("[normal]\naprove = { keys = [\"q\"] }\n");
    assert!(
        typo.starts_with(
            "keys.toml:2:1: [normal] unknown action `aprove`; did you mean `approve`? (expected \
             one of help, "
        ),
        "{typo}"
    );
    assert_eq!(
        err("[views]\nquit = { keys = [\"q\"] }\n"),
        "keys.toml:1:2: unknown section [views]; expected [normal], [logs], [dialog] or [input]"
    );
    let unknown = err("[normal]\nleave = { keys = [\"q\"] }\n");
    assert!(
        unknown
            .starts_with("keys.toml:2:1: [normal] unknown action `leave`; expected one of help, "),
        "{unknown}"
    );
    assert_eq!(
        err("[normal]\nquit = { keys = [\"hyper-q\"] }\n"),
        "keys.toml:2:18: [normal] quit: unknown key `hyper-q`"
    );
    assert_eq!(
        err("[normal]\nquit = { keys = [\"x\"] }\nhelp = { keys = [\"x\"] }\n"),
        "keys.toml:2:18: [normal] key `x` is bound to both `help` and `quit` (the other at keys.toml:3:18)"
    );
    let missing = std::env::temp_dir().join("shipdeck-bad-input-no-such-keymap.toml");
    let io = Keymap::load(Some(&missing)).unwrap_err().to_string();
    assert!(
        io.starts_with(&format!("{}: cannot read keymap: ", missing.display())),
        "{io}"
    );
}
