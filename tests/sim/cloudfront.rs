//! CloudFront as its API reference and Developer Guide document it: the invalidation limits
//! (paths per batch, path form and length, file and wildcard paths in progress counted apart)
//! and a distribution `InProgress` while a configuration change propagates; the invalidations
//! listed newest first, the deployer's own among them.

use super::{MIN, cloud, code};
use futures::executor::block_on;
use shipdeck::cloud::CloudError;

const DIST: &str = "E2STGSTOREFRNT";

fn paths(n: usize, wild: bool) -> Vec<String> {
    (0..n)
        .map(|i| {
            if wild {
                format!("/w{i}/*")
            } else {
                format!("/f/{i}.html")
            }
        })
        .collect()
}

fn message(e: &CloudError) -> String {
    match e {
        CloudError::Rejected { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

#[test]
fn file_and_wildcard_paths_in_progress_are_limited_apart() {
    let sim = cloud(51);
    let c = sim.cloud().cdn;
    // Let any deploy's own invalidation finish first.
    sim.with(|s| s.advance(10 * MIN));
    // 3,000 file paths in progress, and 15 wildcard paths beside them: both within the limits.
    for (i, chunk) in paths(3000, false).chunks(1000).enumerate() {
        block_on(c.create_invalidation(DIST, chunk, &format!("files-{i}"))).unwrap();
    }
    block_on(c.create_invalidation(DIST, &paths(15, true), "wild")).unwrap();
    // One more of either kind is too many.
    let e = block_on(c.create_invalidation(DIST, &["/one.html".into()], "file+1")).unwrap_err();
    assert_eq!(code(e.clone()), "TooManyInvalidationsInProgress");
    assert!(!message(&e).contains("wildcard"), "{e}");
    let e = block_on(c.create_invalidation(DIST, &["/more/*".into()], "wild+1")).unwrap_err();
    assert_eq!(code(e.clone()), "TooManyInvalidationsInProgress");
    assert!(message(&e).contains("wildcard"), "{e}");
    // Once they complete, there is room again.
    sim.with(|s| s.advance(3 * MIN));
    block_on(c.create_invalidation(DIST, &["/one.html".into(), "/more/*".into()], "later"))
        .unwrap();
}

#[test]
fn a_batch_of_more_than_3000_paths_or_a_bad_path_is_refused() {
    let sim = cloud(52);
    let c = sim.cloud().cdn;
    let e = block_on(c.create_invalidation(DIST, &paths(3001, false), "big")).unwrap_err();
    assert_eq!(code(e), "BatchTooLarge");
    let long = format!("/{}", "a".repeat(4000));
    for bad in ["/assets/*.js", "/a*/b", "index.html", long.as_str()] {
        let e = block_on(c.create_invalidation(DIST, &[bad.to_string()], bad)).unwrap_err();
        assert_eq!(code(e), "InvalidArgument", "{bad}");
    }
    let ok = format!("/{}", "a".repeat(3999));
    for good in ["/images/image*", "/*", ok.as_str()] {
        block_on(c.create_invalidation(DIST, &[good.to_string()], good)).unwrap();
    }
    assert_eq!(sim.with(|s| s.invalidations(DIST)).len(), 3);
}

#[test]
fn a_distribution_is_in_progress_until_its_change_has_propagated() {
    let sim = cloud(53);
    let c = sim.cloud().cdn;
    let before = block_on(c.get_distribution(DIST)).unwrap();
    assert_eq!(before.status, "Deployed");
    // An invalidation does not change the distribution's status, only its count.
    block_on(c.create_invalidation(DIST, &["/index.html".into()], "inv")).unwrap();
    let d = block_on(c.get_distribution(DIST)).unwrap();
    assert_eq!(d.status, "Deployed");
    assert!(d.in_progress_invalidations >= 1);
    assert!(sim.with(|s| s.change_distribution(DIST)));
    assert!(!sim.with(|s| s.change_distribution("E0NOPE")));
    let changed = sim.with(|s| s.now());
    let d = block_on(c.get_distribution(DIST)).unwrap();
    assert_eq!(d.status, "InProgress");
    assert_eq!(d.last_modified, changed);
    let mut minutes = 0;
    while block_on(c.get_distribution(DIST)).unwrap().status == "InProgress" {
        sim.with(|s| s.advance(MIN));
        minutes += 1;
        assert!(minutes <= 15, "propagated within minutes");
    }
    assert!(minutes >= 3, "{minutes}");
    let listed = block_on(c.list_distributions()).unwrap();
    assert!(listed.iter().all(|d| d.status == "Deployed"));
}

/// The in-progress limit met through shipdeck's own invalidation: the operator reads what
/// happened and what to do.
#[tokio::test]
async fn shipdeck_says_what_to_do_when_cloudfront_has_too_many_in_progress() {
    use shipdeck::ops::plan::invalidate;
    use shipdeck::ops::{Context, ExitClass, SelfApproval, apply};
    let sim = cloud(54);
    let c = sim.cloud();
    block_on(c.cdn.create_invalidation(DIST, &paths(15, true), "busy")).unwrap();
    let spec = super::specs().remove(1);
    let ctx = Context {
        spec: &spec,
        identity: None,
        now: sim.with(|s| s.now()),
        read_only: false,
        self_approval: SelfApproval::Default,
        aws_identity: None,
    };
    let plan = invalidate::plan(&ctx, &["/assets/*".into()], "mine").unwrap();
    let out = apply(&c, &plan).await;
    assert_eq!(out.class, ExitClass::Failed);
    assert_eq!(
        out.message,
        "CreateInvalidation refused (TooManyInvalidationsInProgress): with these paths \
         E2STGSTOREFRNT would have more than 15 paths with a `*` being invalidated at once, \
         CloudFront's limit (counted apart from its 3,000 file paths); nothing was invalidated: \
         send fewer `*` paths, or wait until the invalidations in progress complete (usually a \
         few minutes) and invalidate again"
    );
    sim.with(|s| s.advance(3 * MIN));
    let out = apply(&c, &plan).await;
    assert_eq!(out.class, ExitClass::Done, "{}", out.message);
}

/// `ListInvalidations` lists every invalidation of the distribution newest first, page by
/// page: the ones made through the ports and the deployer's `/*` after each deploy, with the
/// status and creation time `GetInvalidation` gives; an unknown distribution is not found.
#[test]
fn invalidations_are_listed_newest_first_with_the_deployers_own() {
    let sim = cloud(54);
    let c = sim.cloud().cdn;
    sim.with(|s| s.advance(12 * 60 * MIN));
    block_on(c.create_invalidation(DIST, &["/index.html".into()], "mine-1")).unwrap();
    sim.with(|s| s.advance(MIN));
    block_on(c.create_invalidation(DIST, &["/a/*".into()], "mine-2")).unwrap();
    let all = sim.with(|s| s.all_invalidations(DIST));
    let mine = sim.with(|s| s.invalidations(DIST));
    assert_eq!(mine.len(), 2);
    assert!(all.len() > mine.len(), "the deployer's own are listed too");
    assert!(
        all.iter()
            .filter(|i| !mine.contains(i))
            .all(|i| i.paths == ["/*"]),
        "{all:?}"
    );
    let mut listed = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = block_on(c.list_invalidations(DIST, marker.as_deref(), 3)).unwrap();
        assert!(page.items.len() <= 3);
        listed.extend(page.items);
        marker = page.next_marker;
        if marker.is_none() {
            break;
        }
    }
    let want: Vec<_> = all
        .iter()
        .rev()
        .map(|i| (i.id.clone(), i.status, i.created))
        .collect();
    let got: Vec<_> = listed
        .iter()
        .map(|i| (i.id.clone(), i.status, i.created))
        .collect();
    assert_eq!(got, want);
    for i in &listed {
        let one = block_on(c.get_invalidation(DIST, &i.id)).unwrap();
        assert_eq!((one.status, one.created), (i.status, i.created));
    }
    let e = block_on(c.list_invalidations("E0NOPE", None, 100)).unwrap_err();
    assert!(matches!(e, CloudError::NotFound { .. }), "{e:?}");
}
