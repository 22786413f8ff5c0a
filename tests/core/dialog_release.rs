//! Reducer tests of the release picker and the rollback candidates: `P` reads the packages like
//! the CLI, choosing one plans its CopyObject, repeated Enter sends exactly one, prd needs the
//! typed name, read-only refuses, `:release ENV VERSION`.

use crate::support;

use shipdeck::app::{Action, Effect, Reply, State, update};
use shipdeck::domain::{Release, Timestamp, Version};
use shipdeck::ops::OpKind;
use shipdeck::ops::plan::release::{Catalogue, Package};
use support::ops::*;
use support::*;

fn package(version: &str, hours_ago: i64) -> Package {
    Package {
        key: format!("releases/{version}/release.zip"),
        release: Release {
            version: Version::parse(version).unwrap(),
            commit: "9e8d7c6b5a4f".into(),
            actor: "alice".into(),
        },
        last_modified: T0 - hours_ago * Timestamp::HOUR,
        size: 1234,
        described: true,
    }
}

fn catalogue(packages: Vec<Package>) -> Catalogue {
    Catalogue {
        bucket: "storefront-deployer-source".into(),
        prefix: "releases/".into(),
        packages,
        ..Catalogue::default()
    }
}

fn packages() -> Catalogue {
    catalogue(vec![
        package("1.5.0", 1),
        package("1.4.0", 20),
        package("1.3.0", 50),
    ])
}

/// Opens the picker on `env`; returns the catalogue request.
fn picker(s: &mut State, env: &str) -> (usize, u64) {
    select(s, env);
    let fx = update(s, Action::Op(OpKind::Release));
    let found: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::FetchPackages {
                env, request, spec, ..
            } => Some((*env, *request, spec.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(found.len(), 1, "one catalogue read: {fx:?}");
    let (i, request, spec) = found[0].clone();
    assert_eq!(spec.name, env);
    (i, request)
}

pub(crate) fn loaded_picker(env: &str) -> State {
    let mut s = loaded();
    let (i, request) = picker(&mut s, env);
    update(
        &mut s,
        Action::Reply(Reply::PackagesLoaded {
            env: i,
            request,
            result: Ok(packages()),
        }),
    );
    s
}

#[test]
fn p_opens_the_picker_and_reads_the_packages() {
    let mut s = loaded();
    let (i, request) = picker(&mut s, "dev");
    let p = s.ops.picker.clone().expect("the picker");
    assert_eq!((p.env, p.packages.is_none()), (i, true));
    assert!(s.ops.dialog.is_none());
    // A stale answer is dropped.
    update(
        &mut s,
        Action::Reply(Reply::PackagesLoaded {
            env: i,
            request: request + 100,
            result: Ok(packages()),
        }),
    );
    assert!(s.ops.picker.as_ref().unwrap().packages.is_none());
    update(
        &mut s,
        Action::Reply(Reply::PackagesLoaded {
            env: i,
            request,
            result: Ok(packages()),
        }),
    );
    let listed = s.ops.picker.as_ref().unwrap().packages.clone().unwrap();
    assert_eq!(listed.unwrap().packages.len(), 3);
}

#[test]
fn choosing_a_package_opens_the_plan_of_its_copy_object() {
    let mut s = loaded_picker("dev");
    update(&mut s, Action::Down);
    let fx = update(&mut s, Action::Open);
    assert!(fx.is_empty(), "choosing sends nothing: {fx:?}");
    assert!(s.ops.picker.is_none());
    let d = s.ops.dialog.clone().expect("the release dialog");
    assert_eq!(d.kind, OpKind::Release);
    let plan = d.planned.expect("planned");
    assert_eq!(plan.call.operation, "CopyObject");
    let source = plan.call.params.get("CopySource").and_then(|v| v.as_str());
    assert_eq!(
        source,
        Some("storefront-deployer-source/releases/1.4.0/release.zip")
    );
    assert!(plan.summary.join("\n").contains("would ship:    1.4.0"));
}

#[test]
fn the_enter_that_chose_the_package_repeated_sends_nothing_until_tab() {
    let mut s = loaded_picker("dev");
    let mut fx = Vec::new();
    // Enter in the picker chooses; the same Enter repeated lands on the package line.
    for _ in 0..5 {
        fx.extend(update(&mut s, Action::Submit));
    }
    assert_eq!(applies(&fx), 0, "{fx:?}");
    assert!(s.ops.dialog.is_some(), "the plan stays open");
    assert!(
        status(&s).contains("Tab to the send line"),
        "{}",
        status(&s)
    );
    // Typing on the package line changes nothing.
    fx.extend(type_text(&mut s, "x"));
    assert_eq!(s.ops.dialog.as_ref().unwrap().text, "");
    update(&mut s, Action::DialogNext);
    for _ in 0..5 {
        fx.extend(update(&mut s, Action::Submit));
    }
    assert_eq!(applies(&fx), 1, "{fx:?}");
    let Some(Effect::ApplyOp { plan, .. }) =
        fx.iter().find(|e| matches!(e, Effect::ApplyOp { .. }))
    else {
        panic!()
    };
    assert_eq!(plan.call.operation, "CopyObject");
    assert!(matches!(
        &plan.request,
        shipdeck::ops::Request::Promote { version, .. } if version == "1.5.0"
    ));
}

#[test]
fn releasing_to_prd_needs_the_typed_name() {
    let mut s = loaded_picker("prd");
    let mut fx = update(&mut s, Action::Submit);
    update(&mut s, Action::DialogNext);
    assert_eq!(
        s.ops.dialog.as_ref().map(|d| d.field),
        Some(shipdeck::app::Field::Confirm),
        "Tab goes from the package to the typed name"
    );
    fx.extend(update(&mut s, Action::Submit));
    assert_eq!(applies(&fx), 0, "not without the typed name");
    assert!(status(&s).contains("type `prd`"), "{}", status(&s));
    fx.extend(type_text(&mut s, "prd"));
    fx.extend(update(&mut s, Action::Submit));
    fx.extend(update(&mut s, Action::Submit));
    assert_eq!(applies(&fx), 1);
}

#[test]
fn read_only_refuses_the_release_and_audits_it() {
    let mut s = loaded();
    s.session.read_only = true;
    select(&mut s, "dev");
    let fx = update(&mut s, Action::Op(OpKind::Release));
    assert!(s.ops.picker.is_none() && s.ops.dialog.is_none());
    assert!(!fx.iter().any(|e| matches!(e, Effect::FetchPackages { .. })));
    let audited = audits(&fx);
    assert_eq!(
        audited,
        vec![(
            "release".to_string(),
            "refused".to_string(),
            Some("read-only".to_string())
        )]
    );
    assert!(status(&s).contains("read-only"), "{}", status(&s));
}

#[test]
fn esc_in_the_picker_sends_nothing() {
    let mut s = loaded_picker("dev");
    let fx = update(&mut s, Action::Back);
    assert!(fx.is_empty());
    assert!(s.ops.picker.is_none() && s.ops.dialog.is_none());
    assert!(status(&s).contains("nothing sent"), "{}", status(&s));
}

#[test]
fn the_release_command_goes_to_the_named_version() {
    let mut s = loaded();
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "release stg 1.3.0");
    let fx = update(&mut s, Action::Submit);
    let Some((env, request)) = fx.iter().find_map(|e| match e {
        Effect::FetchPackages { env, request, .. } => Some((*env, *request)),
        _ => None,
    }) else {
        panic!("no catalogue read: {fx:?} {}", status(&s))
    };
    assert_eq!(s.envs[env].spec.name, "stg");
    update(
        &mut s,
        Action::Reply(Reply::PackagesLoaded {
            env,
            request,
            result: Ok(packages()),
        }),
    );
    let d = s.ops.dialog.clone().expect("the dialog of 1.3.0");
    assert_eq!(
        d.package.map(|p| p.release.version.to_string()).as_deref(),
        Some("1.3.0")
    );
}

/// A catalogue of 40 packages, 1.0.39 newest: the newest 30 described, and `also` (the version
/// asked for) described wherever it is.
fn forty(also: Option<&str>) -> Catalogue {
    let packages = (0..40)
        .rev()
        .map(|n| {
            let v = format!("1.0.{n}");
            let mut p = package(&v, 40 - n);
            p.described = n >= 10 || also == Some(v.as_str());
            if !p.described {
                p.release.commit.clear();
                p.release.actor.clear();
            }
            p
        })
        .collect();
    let mut c = catalogue(packages);
    c.skipped = vec!["releases/README.txt".into()];
    c
}

/// `:release ENV VERSION`: the effect it asks for, with the version to page for.
fn release_command(s: &mut State, text: &str) -> (usize, u64, Option<Version>) {
    update(s, Action::CommandOpen);
    type_text(s, text);
    let fx = update(s, Action::Submit);
    fx.iter()
        .find_map(|e| match e {
            Effect::FetchPackages {
                env, request, want, ..
            } => Some((*env, *request, want.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no catalogue read: {fx:?} {}", status(s)))
}

#[test]
fn the_release_command_finds_a_version_older_than_the_picker_shows() {
    let mut s = loaded();
    let (env, request, want) = release_command(&mut s, "release prd 1.0.3");
    assert_eq!(want, Version::parse("1.0.3"), "the catalogue pages for it");
    update(
        &mut s,
        Action::Reply(Reply::PackagesLoaded {
            env,
            request,
            result: Ok(forty(Some("1.0.3"))),
        }),
    );
    assert!(s.ops.picker.is_none());
    let d = s.ops.dialog.clone().expect("the dialog of 1.0.3");
    assert_eq!(
        d.package.as_ref().map(|p| p.key.as_str()),
        Some("releases/1.0.3/release.zip")
    );
    let plan = d.planned.expect("planned");
    assert!(
        plan.summary
            .join("\n")
            .contains("would ship:    1.0.3 (commit 9e8d7c6)"),
        "{:?}",
        plan.summary
    );
}

#[test]
fn a_version_not_in_the_catalogue_is_not_found_among_every_package() {
    let mut s = loaded();
    let (env, request, _) = release_command(&mut s, "release prd v1.0.77");
    update(
        &mut s,
        Action::Reply(Reply::PackagesLoaded {
            env,
            request,
            result: Ok(forty(None)),
        }),
    );
    assert!(s.ops.dialog.is_none());
    assert!(
        status(&s).contains(
            "release prd: no package of version 1.0.77 among 40 packages under \
             s3://storefront-deployer-source/releases/; newest: 1.0.39"
        ),
        "{}",
        status(&s)
    );
    assert!(
        status(&s).contains("skipped 1 key with no version in the name or metadata"),
        "{}",
        status(&s)
    );
    // The picker stays open on the packages it shows: the newest thirty, with their metadata,
    // then the row that uploads a local package.
    update(&mut s, Action::Bottom);
    assert_eq!(s.ops.picker.as_ref().expect("the picker").row, 30);
    update(&mut s, Action::Up);
    let p = s.ops.picker.as_ref().expect("the picker");
    assert_eq!(p.row, 29);
    update(&mut s, Action::Open);
    let d = s.ops.dialog.clone().expect("a dialog");
    assert_eq!(
        d.package.map(|p| p.release.version.to_string()).as_deref(),
        Some("1.0.10")
    );
}

#[test]
fn a_release_command_with_no_version_reads_nothing() {
    let mut s = loaded();
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "release prd latest");
    let fx = update(&mut s, Action::Submit);
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::FetchPackages { .. })),
        "{fx:?}"
    );
    assert!(s.ops.picker.is_none() && s.ops.dialog.is_none());
    assert!(
        status(&s).contains("`latest` is not a version such as 1.43.0"),
        "{}",
        status(&s)
    );
}

/// The one audit entry among `effects`: a release on prd refused by the input guard.
fn refused_on_prd(effects: &[Effect]) -> shipdeck::ops::plan::audit::Entry {
    let entries = audit_entries(effects);
    assert_eq!(entries.len(), 1, "{effects:?}");
    let e = entries[0].clone();
    assert_eq!(
        (
            e.action.as_str(),
            e.environment.as_str(),
            e.outcome.as_str()
        ),
        ("release", "prd", "refused")
    );
    assert_eq!(e.guard.as_deref(), Some("input"));
    e
}

/// A bad `:release ENV VERSION` is refused as other action commands are (and as `shipdeck
/// release ENV --from VERSION` is): the status bar names the action and the environment, the
/// audit log records the refusal (guard `input`) with the version asked for. A word that is no
/// version reads nothing and leaves the selection where it was; a version no package has
/// leaves the picker open on the packages.
#[test]
fn a_bad_release_version_is_refused_naming_the_environment_and_audited() {
    let mut s = loaded();
    select(&mut s, "dev");
    update(&mut s, Action::CommandOpen);
    type_text(&mut s, "release prd next");
    let fx = update(&mut s, Action::Submit);
    assert_eq!(
        status(&s),
        "release prd: `next` is not a version such as 1.43.0"
    );
    assert_eq!(s.selected_env().map(|e| e.spec.name.as_str()), Some("dev"));
    assert!(s.ops.picker.is_none() && s.ops.dialog.is_none());
    let e = &refused_on_prd(&fx);
    assert_eq!(e.parameters, serde_json::json!({ "from": "next" }));
    assert_eq!(e.message, "`next` is not a version such as 1.43.0");

    let mut s = loaded();
    let (env, request, _) = release_command(&mut s, "release prd 9.9.9");
    let fx = update(
        &mut s,
        Action::Reply(Reply::PackagesLoaded {
            env,
            request,
            result: Ok(forty(None)),
        }),
    );
    let said = status(&s);
    assert!(
        said.starts_with("release prd: no package of version 9.9.9 among 40 packages")
            && said.ends_with("; choose one"),
        "{said}"
    );
    assert!(
        s.ops.picker.is_some(),
        "the picker stays open on the packages"
    );
    let e = &refused_on_prd(&fx);
    assert_eq!(e.parameters, serde_json::json!({ "from": "9.9.9" }));
    assert!(
        e.message
            .starts_with("no package of version 9.9.9 among 40 packages")
            && !e.message.contains("choose one"),
        "{}",
        e.message
    );
}

/// The release plan of `version` on `env`, chosen in the picker.
fn release_plan(env: &str, version: &str) -> shipdeck::ops::Plan {
    let mut s = loaded();
    let (i, request) = picker(&mut s, env);
    update(
        &mut s,
        Action::Reply(Reply::PackagesLoaded {
            env: i,
            request,
            result: Ok(catalogue(vec![
                package("1.4.0", 20),
                package("1.3.0", 50),
                package("1.2.0", 80),
            ])),
        }),
    );
    let row = ["1.4.0", "1.3.0", "1.2.0"]
        .iter()
        .position(|v| *v == version)
        .unwrap();
    for _ in 0..row {
        update(&mut s, Action::Down);
    }
    update(&mut s, Action::Open);
    s.ops.dialog.unwrap().planned.expect("planned")
}

#[test]
fn a_release_plan_warns_of_skipped_promotion_order_the_same_release_and_an_older_one() {
    // Fixtures: dev runs 1.4.0, stg 1.3.0 (its 1.4.0 failed in Deploy), prd 1.2.0.
    // prd's approval holds e-32 (1.3.0): every release to prd waits behind it, and says so.
    let waits = |w: &String| {
        w.contains("execution e-32 (ships 1.3.0) already waits for approval at Approval in prd")
            && w.contains("the new execution waits behind it until it is answered")
    };
    let skip = release_plan("prd", "1.4.0");
    assert_eq!(skip.warnings.len(), 2, "{:?}", skip.warnings);
    assert!(waits(&skip.warnings[1]), "{:?}", skip.warnings);
    assert!(
        skip.warnings[0].contains("stg (which prd promotes from) runs 1.3.0")
            && skip.warnings[0].contains("1.4.0 has not been through stg"),
        "{:?}",
        skip.warnings
    );
    let same = release_plan("prd", "1.2.0");
    assert!(
        same.warnings
            .iter()
            .any(|w| w.contains("prd already runs 1.2.0")),
        "{:?}",
        same.warnings
    );
    let older = release_plan("dev", "1.3.0");
    assert!(
        older
            .warnings
            .iter()
            .any(|w| w.contains("dev runs 1.4.0, newer than 1.3.0")),
        "{:?}",
        older.warnings
    );
    // In promotion order, nothing to warn of but the approval: stg has run 1.3.0, prd is
    // behind it.
    let ok = release_plan("prd", "1.3.0");
    assert!(ok.warnings.iter().all(waits), "{:?}", ok.warnings);
    assert_eq!(ok.warnings.len(), 1, "{:?}", ok.warnings);
    // stg has no approval: nothing at all.
    let stg = release_plan("stg", "1.4.0");
    assert!(stg.warnings.is_empty(), "{:?}", stg.warnings);
}
