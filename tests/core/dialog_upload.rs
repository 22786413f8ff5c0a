//! Reducer tests of the upload of a local package from the console: the picker's last row opens
//! the path prompt, Tab completes through the runtime, Enter reads the file, the plan is the one
//! planner's upload with its target pinned, prd needs the typed name, one Enter sends one
//! upload, its progress feeds the bar, and Esc or `c` cancels it.

use crate::dialog_release::loaded_picker;
use crate::support;

use shipdeck::app::{Action, Effect, Field, PackageFile, Phase, Reply, State, update};
use shipdeck::domain::Timestamp;
use shipdeck::ops::{ExitClass, OpKind, Request};
use support::ops::*;
use support::*;

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// The picker on `env`, its last row chosen: the upload's path prompt.
fn prompt(env: &str) -> State {
    let mut s = loaded_picker(env);
    update(&mut s, Action::Bottom);
    let fx = update(&mut s, Action::Submit);
    assert!(fx.is_empty(), "opening the prompt reads nothing: {fx:?}");
    s
}

fn file(path: &str, size: u64) -> PackageFile {
    PackageFile {
        path: path.into(),
        size,
        sha256: SHA.into(),
        commit: "a1b2c3d4e5f6".into(),
    }
}

/// The one effect of `fx` that `pick` finds.
fn one<T>(fx: &[Effect], pick: impl Fn(&Effect) -> Option<T>) -> T {
    let mut found: Vec<T> = fx.iter().filter_map(pick).collect();
    assert_eq!(found.len(), 1, "{fx:?}");
    found.remove(0)
}

/// Enter in the path field, answered with `result`.
fn read(s: &mut State, result: Result<PackageFile, String>) -> Vec<Effect> {
    let fx = update(s, Action::Submit);
    let request = one(&fx, |e| match e {
        Effect::ReadPackage { request, .. } => Some(*request),
        _ => None,
    });
    update(s, Action::Reply(Reply::PackageRead { request, result }))
}

/// The prompt on `env` with `path` typed and read as a package of `size` bytes.
fn read_prompt(env: &str, path: &str, size: u64) -> State {
    let mut s = prompt(env);
    type_text(&mut s, path);
    read(&mut s, Ok(file(path, size)));
    s
}

#[test]
fn the_pickers_last_row_opens_the_path_prompt() {
    let s = prompt("dev");
    assert!(s.ops.picker.is_none());
    let d = s.ops.dialog.as_ref().expect("the upload dialog");
    assert_eq!((d.kind, d.field), (OpKind::Release, Field::Path));
    let refusal = d.planned.clone().unwrap_err();
    assert!(
        refusal
            .reason
            .contains("type the path of a release package"),
        "{}",
        refusal.reason
    );
    let u = d.upload.as_ref().unwrap();
    assert_eq!(u.packages.packages.len(), 3, "the picker's catalogue");
}

#[test]
fn tab_completes_the_common_prefix_and_lists_the_matches() {
    let mut s = prompt("dev");
    type_text(&mut s, "pk");
    let fx = update(&mut s, Action::DialogNext);
    let (request, text) = one(&fx, |e| match e {
        Effect::CompletePath { request, text } => Some((*request, text.clone())),
        _ => None,
    });
    assert_eq!(text, "pk");
    assert_eq!(
        s.ops.dialog.as_ref().unwrap().field,
        Field::Path,
        "Tab completes, it does not leave the field"
    );
    let found = vec![
        "pkgs/storefront-1.44.0.zip".to_string(),
        "pkgs/storefront-1.45.0.zip".to_string(),
    ];
    update(
        &mut s,
        Action::Reply(Reply::PathCompleted {
            request,
            result: Ok(found.clone()),
        }),
    );
    let u = s.ops.dialog.as_ref().unwrap().upload.as_ref().unwrap();
    assert_eq!(u.path.value(), "pkgs/storefront-1.4", "the common prefix");
    assert_eq!(u.matches, found, "both listed");
    // Typing clears the list; one match completes to it whole (a directory ends with `/`).
    type_text(&mut s, "5");
    let fx = update(&mut s, Action::Complete);
    let request = one(&fx, |e| match e {
        Effect::CompletePath { request, .. } => Some(*request),
        _ => None,
    });
    let u = s.ops.dialog.as_ref().unwrap().upload.as_ref().unwrap();
    assert!(u.matches.is_empty());
    update(
        &mut s,
        Action::Reply(Reply::PathCompleted {
            request,
            result: Ok(vec!["pkgs/storefront-1.45.0.zip".into()]),
        }),
    );
    let u = s.ops.dialog.as_ref().unwrap().upload.as_ref().unwrap();
    assert_eq!(u.path.value(), "pkgs/storefront-1.45.0.zip");
    assert!(u.matches.is_empty());
}

#[test]
fn a_completion_for_text_typed_over_is_dropped_and_a_failure_is_said() {
    let mut s = prompt("dev");
    type_text(&mut s, "/tm");
    let fx = update(&mut s, Action::DialogNext);
    let request = one(&fx, |e| match e {
        Effect::CompletePath { request, .. } => Some(*request),
        _ => None,
    });
    type_text(&mut s, "x");
    update(
        &mut s,
        Action::Reply(Reply::PathCompleted {
            request,
            result: Ok(vec!["/tmp/".into()]),
        }),
    );
    let u = s.ops.dialog.as_ref().unwrap().upload.as_ref().unwrap();
    assert_eq!(u.path.value(), "/tmx", "the operator's typing wins");
    let fx = update(&mut s, Action::DialogNext);
    let request = one(&fx, |e| match e {
        Effect::CompletePath { request, .. } => Some(*request),
        _ => None,
    });
    update(
        &mut s,
        Action::Reply(Reply::PathCompleted {
            request,
            result: Ok(Vec::new()),
        }),
    );
    assert!(
        status(&s).contains("no file or directory matches `/tmx`"),
        "{}",
        status(&s)
    );
}

#[test]
fn the_prompts_no_match_warning_goes_once_a_file_is_read() {
    let mut s = prompt("dev");
    type_text(&mut s, "/nowhere");
    let fx = update(&mut s, Action::DialogNext);
    let request = one(&fx, |e| match e {
        Effect::CompletePath { request, .. } => Some(*request),
        _ => None,
    });
    update(
        &mut s,
        Action::Reply(Reply::PathCompleted {
            request,
            result: Ok(Vec::new()),
        }),
    );
    assert!(status(&s).contains("no file or directory matches"));
    for _ in 0.."/nowhere".len() {
        update(&mut s, Action::Backspace);
    }
    type_text(&mut s, "/tmp/storefront-1.44.0.zip");
    read(&mut s, Ok(file("/tmp/storefront-1.44.0.zip", 2048)));
    assert!(
        !status(&s).contains("no file or directory matches"),
        "the read answered the prompt's warning: {}",
        status(&s)
    );
}

#[test]
fn enter_reads_the_file_and_plans_its_upload_with_the_one_planner() {
    let path = "/home/op/pkgs/storefront-1.60.0.zip";
    let s = read_prompt("dev", path, 2048);
    let d = s.ops.dialog.as_ref().unwrap();
    let plan = d.planned.clone().expect("planned");
    let Request::Upload {
        path: p,
        sha256,
        size,
        key,
        metadata,
        ..
    } = &plan.request
    else {
        panic!("an upload: {:?}", plan.request);
    };
    assert_eq!((p.as_str(), sha256.as_str(), *size), (path, SHA, 2048));
    assert_eq!(
        key, "releases/1.60.0/release.zip",
        "the version from the name"
    );
    assert_eq!(
        metadata.get("commit").map(String::as_str),
        Some("a1b2c3d4e5f6")
    );
    assert_eq!(plan.call.operation, "PutObject");
    assert!(
        plan.aws_command.contains("--if-none-match '*'"),
        "{}",
        plan.aws_command
    );
    // The same plan as the command line's for the same file and reads.
    let ask = shipdeck::app::dialog_ask(&s, d);
    assert_eq!(
        ask.params(),
        serde_json::json!({"package": path, "version": "1.60.0", "commit": "a1b2c3d4e5f6"})
    );
    // The target shown is pinned, by its SHA-256; the focus moves on to the send line.
    let pinned = d.pinned.as_ref().expect("pinned");
    assert!(pinned.key.contains(SHA), "{}", pinned.key);
    assert_eq!(d.field, Field::Text);
    assert!(d.ready(), "Enter sends now");
}

#[test]
fn a_file_that_is_no_package_is_an_error_naming_the_path() {
    let mut s = prompt("dev");
    type_text(&mut s, "/etc");
    let why = "/etc is a directory; expected a release package (zip)";
    read(&mut s, Err(why.into()));
    let d = s.ops.dialog.as_ref().unwrap();
    assert_eq!(d.planned.clone().unwrap_err().reason, why);
    assert_eq!(d.field, Field::Path, "the prompt stays");
    assert!(status(&s).contains(why), "{}", status(&s));
    // A name without a version cannot be released under one.
    let mut s = prompt("dev");
    type_text(&mut s, "/tmp/release.zip");
    read(&mut s, Ok(file("/tmp/release.zip", 10)));
    let reason = s
        .ops
        .dialog
        .as_ref()
        .unwrap()
        .planned
        .clone()
        .unwrap_err()
        .reason;
    assert!(
        reason.starts_with("/tmp/release.zip: the file name carries no version"),
        "{reason}"
    );
    // An existing version is refused by the planner.
    let s = read_prompt("dev", "/tmp/storefront-1.4.0.zip", 10);
    let r = s.ops.dialog.as_ref().unwrap().planned.clone().unwrap_err();
    assert!(
        r.reason.starts_with("version 1.4.0 already exists"),
        "{}",
        r.reason
    );
}

#[test]
fn a_path_typed_over_after_the_read_plans_nothing_until_read_again() {
    let mut s = read_prompt("dev", "/tmp/storefront-1.60.0.zip", 10);
    update(&mut s, Action::DialogNext);
    assert_eq!(s.ops.dialog.as_ref().unwrap().field, Field::Path);
    type_text(&mut s, "x");
    let d = s.ops.dialog.as_ref().unwrap();
    let reason = d.planned.clone().unwrap_err().reason;
    assert!(
        reason.starts_with("Enter reads /tmp/storefront-1.60.0.zipx"),
        "{reason}"
    );
    let fx = update(&mut s, Action::Submit);
    assert_eq!(
        applies(&fx),
        0,
        "Enter in the path field reads, never sends"
    );
}

#[test]
fn prd_needs_the_typed_name_and_one_enter_sends_one_upload() {
    let mut s = read_prompt("prd", "/tmp/storefront-1.60.0.zip", 10);
    assert_eq!(s.ops.dialog.as_ref().unwrap().field, Field::Confirm);
    let mut fx = update(&mut s, Action::Submit);
    assert_eq!(applies(&fx), 0, "not without the typed name");
    fx.extend(type_text(&mut s, "prd"));
    for _ in 0..4 {
        fx.extend(update(&mut s, Action::Submit));
    }
    assert_eq!(applies(&fx), 1, "{fx:?}");
    let plan = one(&fx, |e| match e {
        Effect::ApplyOp { plan, .. } => Some(plan.clone()),
        _ => None,
    });
    assert!(matches!(plan.request, Request::Upload { .. }));
}

/// Sends the dev upload of a `size`-byte package at T0; returns its request id.
fn sending(size: u64) -> (State, u64) {
    let mut s = read_prompt("dev", "/tmp/storefront-1.60.0.zip", size);
    let fx = update(&mut s, Action::Submit);
    let request = one(&fx, |e| match e {
        Effect::ApplyOp { request, .. } => Some(*request),
        _ => None,
    });
    (s, request)
}

#[test]
fn the_progress_feeds_the_bar_with_rate_and_time_left_counted_from_the_first_report() {
    let mib = 1024 * 1024;
    let (mut s, request) = sending(40 * mib);
    let p = |s: &State| {
        s.ops
            .dialog
            .as_ref()
            .unwrap()
            .upload
            .as_ref()
            .unwrap()
            .progress
    };
    assert_eq!(
        p(&s),
        None,
        "the file is read again before anything is sent"
    );
    let report = |s: &mut State, request, sent| {
        update(
            s,
            Action::Reply(Reply::UploadProgress {
                request,
                sent,
                total: 40 * mib,
            }),
        )
    };
    // Reading and hashing 40 MiB again took 10 s; the rate counts from the first report.
    update(&mut s, Action::Tick(T0 + 10 * Timestamp::SECOND));
    report(&mut s, request, 0);
    update(&mut s, Action::Tick(T0 + 14 * Timestamp::SECOND));
    report(&mut s, request, 16 * mib);
    let now = p(&s).unwrap();
    assert_eq!((now.sent, now.total), (16 * mib, 40 * mib));
    assert_eq!(now.started, T0 + 10 * Timestamp::SECOND);
    assert_eq!(now.rate(1.0), Some(4.0 * mib as f64), "16 MiB in 4 s");
    assert_eq!(now.eta(1.0), Some(6), "24 MiB left at 4 MiB/s");
    assert_eq!(
        now.rate(60.0),
        Some(240.0 * mib as f64),
        "a demo clock 60 times fast"
    );
    // Progress of another request changes nothing.
    report(&mut s, request + 1, 40 * mib);
    assert_eq!(p(&s).unwrap().sent, 16 * mib);
}

#[test]
fn esc_or_c_while_uploading_cancels_once_and_the_outcome_says_nothing_was_released() {
    for key in [Action::Back, Action::Input('c')] {
        let (mut s, request) = sending(20_000_000);
        let mut fx = update(&mut s, key.clone());
        fx.extend(update(&mut s, key.clone()));
        fx.extend(update(&mut s, Action::Submit));
        let cancels: Vec<_> = fx
            .iter()
            .filter(|e| matches!(e, Effect::Cancel { request: r } if *r == request))
            .collect();
        assert_eq!(cancels.len(), 1, "{key:?}: {fx:?}");
        assert_eq!(applies(&fx), 0);
        let d = s
            .ops
            .dialog
            .as_ref()
            .expect("the dialog stays while it stops");
        assert_eq!(d.phase, Phase::Sending(request));
        assert!(d.upload.as_ref().unwrap().cancelling);
        assert!(
            status(&s).contains("cancelling the upload"),
            "{}",
            status(&s)
        );
        let outcome = shipdeck::ops::Outcome {
            delivery: shipdeck::ops::Delivery::Cancelled,
            ..shipdeck::ops::Outcome::refused(shipdeck::ops::Refusal::by(
                shipdeck::ops::Guard::Confirmation,
                "cancelled: nothing was released (multipart upload aborted after 8388608 of 20000000 bytes)",
            ))
        };
        update(
            &mut s,
            Action::Reply(Reply::OpApplied {
                request,
                outcome,
                audit_error: None,
            }),
        );
        let d = s.ops.dialog.as_ref().unwrap();
        assert!(matches!(&d.phase, Phase::Done(o) if o.class == ExitClass::Refused));
        assert!(
            status(&s).starts_with("release dev: cancelled: nothing was released"),
            "{}",
            status(&s)
        );
        assert!(s.ops.watch.is_none(), "nothing to watch");
    }
}
