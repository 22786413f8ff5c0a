//! Snapshot tests of the upload of a local package at 80×24 and 160×48: the picker's upload row,
//! the path prompt with the paths a Tab listed, the plan on prd, the progress bar while the
//! package goes up, and the cancel under way.

use crate::snapshots_ops::release_picker;
use crate::support;
use crate::support::screen;

use shipdeck::app::{Action, Effect, PackageFile, Reply, State, update};
use shipdeck::domain::Timestamp;
use support::ops::*;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];
const MIB: u64 = 1024 * 1024;

fn render(state: &State, w: u16, h: u16) -> String {
    screen::trimmed(&screen::buffer(state, w, h))
}

fn snap(state: &State, name: &str) {
    for (w, h) in SIZES {
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), render(state, w, h));
    }
}

/// The one request of the effect `pick` finds among `fx`.
fn request(fx: &[Effect], pick: impl Fn(&Effect) -> Option<u64>) -> u64 {
    fx.iter().find_map(pick).expect("the effect")
}

/// The path prompt on `env`: the picker's last row chosen.
fn prompt(env: &str) -> State {
    let mut s = release_picker(env);
    update(&mut s, Action::Bottom);
    update(&mut s, Action::Submit);
    s
}

/// `path` typed in the prompt on `env` and read as a package of `size` bytes.
pub(crate) fn read(env: &str, path: &str, size: u64) -> State {
    let mut s = prompt(env);
    type_text(&mut s, path);
    let fx = update(&mut s, Action::Submit);
    let request = request(&fx, |e| match e {
        Effect::ReadPackage { request, .. } => Some(*request),
        _ => None,
    });
    let file = PackageFile {
        path: path.into(),
        size,
        sha256: "5d41402abc4b2a76b9719d911017c592ae0a1b6e7c0f5e2b4c1d9a8f7e6d5c4b".into(),
        commit: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678".into(),
    };
    update(
        &mut s,
        Action::Reply(Reply::PackageRead {
            request,
            result: Ok(file),
        }),
    );
    s
}

/// The dev upload of a 40 MiB package sent at T0, read again by T0 + 1 s, 16 MiB of it sent 4
/// seconds later.
fn uploading() -> (State, u64) {
    let mut s = read("dev", "/home/op/pkgs/storefront-1.60.0.zip", 40 * MIB);
    let fx = update(&mut s, Action::Submit);
    let id = request(&fx, |e| match e {
        Effect::ApplyOp { request, .. } => Some(*request),
        _ => None,
    });
    for (secs, sent) in [(1, 0), (5, 16 * MIB)] {
        update(&mut s, Action::Tick(support::T0 + secs * Timestamp::SECOND));
        update(
            &mut s,
            Action::Reply(Reply::UploadProgress {
                request: id,
                sent,
                total: 40 * MIB,
            }),
        );
    }
    (s, id)
}

#[test]
fn the_picker_offers_the_upload_of_a_local_package_last() {
    let mut s = release_picker("stg");
    update(&mut s, Action::Bottom);
    for (w, h) in SIZES {
        let screen = render(&s, w, h);
        assert!(
            screen.contains("▶ upload a local package… (path prompt, Tab completes)"),
            "{screen}"
        );
    }
    snap(&s, "upload_picker_row");
}

#[test]
fn the_path_prompt_lists_the_paths_a_tab_matched() {
    let mut s = prompt("dev");
    type_text(&mut s, "/home/op/pkgs/st");
    let fx = update(&mut s, Action::DialogNext);
    let id = request(&fx, |e| match e {
        Effect::CompletePath { request, .. } => Some(*request),
        _ => None,
    });
    let found = ["1.58.0", "1.59.0", "1.60.0"]
        .iter()
        .map(|v| format!("/home/op/pkgs/storefront-{v}.zip"))
        .collect();
    update(
        &mut s,
        Action::Reply(Reply::PathCompleted {
            request: id,
            result: Ok(found),
        }),
    );
    for (w, h) in SIZES {
        let screen = render(&s, w, h);
        assert!(
            screen.contains("Package file (zip): /home/op/pkgs/storefront-1. "),
            "the common prefix: {screen}"
        );
        assert!(
            screen.contains("storefront-1.58.0.zip storefront-1.59.0.zip"),
            "the names listed: {screen}"
        );
    }
    snap(&s, "upload_prompt_matches");
}

#[test]
fn a_file_that_is_no_package_is_said_in_the_prompt() {
    let mut s = prompt("dev");
    type_text(&mut s, "/home/op/notes.txt");
    let fx = update(&mut s, Action::Submit);
    let id = request(&fx, |e| match e {
        Effect::ReadPackage { request, .. } => Some(*request),
        _ => None,
    });
    let why =
        "/home/op/notes.txt is not a release package: not a zip file (it does not start with `PK`)";
    update(
        &mut s,
        Action::Reply(Reply::PackageRead {
            request: id,
            result: Err(why.into()),
        }),
    );
    for (w, h) in SIZES {
        let screen = render(&s, w, h);
        assert!(
            screen.contains("✗ /home/op/notes.txt is not a release"),
            "{screen}"
        );
    }
}

#[test]
fn the_upload_plan_on_prd_asks_for_the_name() {
    snap(
        &read("prd", "/home/op/pkgs/storefront-1.60.0.zip", 48_213),
        "upload_plan_prd",
    );
}

#[test]
fn the_progress_bar_while_the_package_goes_up() {
    let (s, _) = uploading();
    for (w, h) in SIZES {
        let screen = render(&s, w, h);
        assert!(
            screen.contains("16.0 MiB/40.0 MiB 40% · 4.0 MiB/s · 6 s left"),
            "{screen}"
        );
        assert!(
            screen.contains("esc/c cancel (nothing is released)"),
            "{screen}"
        );
    }
    snap(&s, "upload_progress");
}

#[test]
fn the_file_is_read_again_before_the_bar_starts() {
    let mut s = read("dev", "/home/op/pkgs/storefront-1.60.0.zip", 40 * MIB);
    update(&mut s, Action::Submit);
    for (w, h) in SIZES {
        let screen = render(&s, w, h);
        assert!(
            screen.contains("reading /home/op/pkgs/storefront-1.60.0.zip again"),
            "{screen}"
        );
        assert!(
            screen.contains("esc/c cancel (nothing is released)"),
            "{screen}"
        );
    }
}

#[test]
fn the_cancel_under_way() {
    let (mut s, _) = uploading();
    update(&mut s, Action::Back);
    for (w, h) in SIZES {
        let screen = render(&s, w, h);
        assert!(
            screen.contains("cancelling… the upload stops; nothing is released"),
            "{screen}"
        );
    }
}
