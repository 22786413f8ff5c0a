//! Release, rollback, freeze/unfreeze and invalidate end to end against the simulator, with the
//! counting layer proving what each confirmation sends.

use shipdeck::cloud::sim::{SimCloud, SimConfig, Simulator, demo_specs};
use shipdeck::cloud::{CountingCloud, Pipelines};
use shipdeck::domain::{EnvSpec, ExecutionSummary, PipelineDef, PipelineState, Timestamp};
use shipdeck::ops::approve::PipelineData;
use shipdeck::ops::release::{self, LocalPackage};
use shipdeck::ops::{
    self, Context, ExitClass, Guard, Plan, Planned, SelfApproval, SimPace, freeze, invalidate,
    rollback, upload,
};

const OPERATOR: &str = shipdeck::cloud::sim::OPERATOR_ARN;

struct World {
    sim: SimCloud,
    counting: CountingCloud,
}

fn world() -> World {
    let config = SimConfig {
        traffic_scale: 0.01,
        ..SimConfig::default()
    };
    let sim = SimCloud::new(Simulator::new(config, &demo_specs()));
    let counting = CountingCloud::new(sim.cloud());
    World { sim, counting }
}

struct Held {
    spec: EnvSpec,
    def: Option<PipelineDef>,
    state: Option<PipelineState>,
    executions: Vec<ExecutionSummary>,
    now: Timestamp,
}

impl Held {
    fn plan(&self, f: impl FnOnce(&Context<'_>, PipelineData<'_>) -> Planned) -> Planned {
        let ctx = Context {
            spec: &self.spec,
            identity: Some(OPERATOR),
            now: self.now,
            read_only: false,
            self_approval: SelfApproval::Default,
        };
        let data = PipelineData {
            def: self.def.as_ref(),
            state: self.state.as_ref(),
            executions: &self.executions,
        };
        f(&ctx, data)
    }
}

impl World {
    fn held(&self, env: &str) -> Held {
        let spec = demo_specs().into_iter().find(|s| s.name == env).unwrap();
        self.sim.with(|s| Held {
            def: s.pipeline_def(&spec.pipeline),
            state: s.pipeline_state(&spec.pipeline),
            executions: s.executions(&spec.pipeline),
            now: s.now(),
            spec,
        })
    }

    fn count(&self, op: &str) -> u64 {
        self.counting.counts().get(op).copied().unwrap_or(0)
    }

    async fn apply(&self, plan: &Plan) -> ops::Outcome {
        ops::apply(&self.counting.cloud(), plan).await
    }

    async fn verify(&self, plan: &Plan, outcome: &ops::Outcome) -> ops::Verified {
        ops::verify(&self.sim.cloud(), &SimPace(self.sim.clone()), plan, outcome).await
    }
}

fn temp_file(name: &str, len: usize) -> String {
    let path = std::env::temp_dir().join(format!("shipdeck-{}-{name}", std::process::id()));
    let body: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    std::fs::write(&path, body).unwrap();
    path.display().to_string()
}

#[tokio::test]
async fn promoting_a_release_starts_the_pipeline_on_it() {
    let w = world();
    let stg = w.held("stg");
    let packages = release::catalogue(&w.sim.cloud(), &stg.spec).await.unwrap();
    assert!(packages.len() >= 3, "the demo has published releases");
    assert!(
        packages
            .windows(2)
            .all(|p| p[0].release.version > p[1].release.version),
        "newest first"
    );
    let older = packages[2].release.clone();
    assert!(
        !older.actor.is_empty() && !older.commit.is_empty(),
        "metadata read"
    );
    let plan = stg
        .plan(|c, d| release::plan_promote(c, d, &packages, &older.version.to_string()))
        .unwrap();
    let outcome = w.apply(&plan).await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.count("CopyObject"), 1);
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
    let newest = w.held("stg").executions[0].clone();
    assert_eq!(newest.release().map(|r| r.version), Some(older.version));
    let missing = stg
        .plan(|c, d| release::plan_promote(c, d, &packages, "9.9.9"))
        .unwrap_err();
    assert_eq!(missing.guard, Guard::Input);
    assert!(
        missing.reason.contains("no package of version 9.9.9"),
        "{}",
        missing.reason
    );
}

async fn upload_plan(w: &World, path: &str, version: &str) -> (Planned, u64) {
    let dev = w.held("dev");
    let packages = release::catalogue(&w.sim.cloud(), &dev.spec).await.unwrap();
    let (bytes, sha256) = upload::read_package(path).unwrap();
    let local = LocalPackage {
        path: path.to_string(),
        size: bytes.len() as u64,
        sha256,
        release: shipdeck::domain::Release {
            version: shipdeck::domain::Version::parse(version).unwrap(),
            commit: "0123456789abcdef".into(),
            actor: "demo-operator".into(),
        },
    };
    (
        dev.plan(|c, d| release::plan_upload(c, d, &packages, &local)),
        bytes.len() as u64,
    )
}

#[tokio::test]
async fn an_uploaded_package_ships_once_and_is_never_overwritten() {
    let w = world();
    let path = temp_file("small.zip", 200_000);
    let (plan, size) = upload_plan(&w, &path, "1.60.0-dev.1").await;
    let plan = plan.unwrap();
    let mut seen = Vec::new();
    let outcome = upload::apply(&w.counting.cloud(), &plan.request, &mut |s, t| {
        seen.push((s, t))
    })
    .await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(seen.last(), Some(&(size, size)), "progress reaches the end");
    assert_eq!((w.count("PutObject"), w.count("CopyObject")), (1, 1));
    let v = w.verify(&plan, &outcome).await;
    assert!(v.ok, "{}", v.message);
    // The same version again: refused at plan time, and by the conditional write for a stale plan.
    let (again, _) = upload_plan(&w, &path, "1.60.0-dev.1").await;
    assert_eq!(again.unwrap_err().guard, Guard::VersionExists);
    let stale = upload::apply(&w.counting.cloud(), &plan.request, &mut |_, _| {}).await;
    assert_eq!(stale.guard, Some(Guard::VersionExists), "{}", stale.message);
    assert_eq!(
        w.count("CopyObject"),
        1,
        "nothing promoted after the refused write"
    );
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn a_large_package_goes_up_in_parts() {
    let w = world();
    let path = temp_file("large.zip", upload::PART_BYTES + 1_000_000);
    let (plan, size) = upload_plan(&w, &path, "1.61.0").await;
    let plan = plan.unwrap();
    let mut seen = Vec::new();
    let outcome = upload::apply(&w.counting.cloud(), &plan.request, &mut |s, t| {
        seen.push((s, t))
    })
    .await;
    assert_eq!(outcome.class, ExitClass::Done, "{}", outcome.message);
    assert_eq!(w.count("CreateMultipartUpload"), 1);
    assert_eq!(w.count("UploadPart"), 2);
    assert_eq!(w.count("CompleteMultipartUpload"), 1);
    assert_eq!(w.count("PutObject"), 0);
    assert_eq!(seen, vec![(upload::PART_BYTES as u64, size), (size, size)]);
    std::fs::remove_file(&path).unwrap();
}

#[path = "ops_changes/stage_changes.rs"]
mod stage_changes;
