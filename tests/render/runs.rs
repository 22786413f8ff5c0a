//! The Runs view: the runs of both workflows newest first, where a failed run failed, a
//! workflow whose runs could not be read (unknown, with its reason), the read-only hint without
//! a token, and one run's jobs and steps; at 80×24 and 160×48.

use crate::support::ops::loaded;
use crate::support::{T0, screen};
use shipdeck::app::runs::{ListedRun, RunsRead};
use shipdeck::app::{Action, Effect, Reply, State, View, update};
use shipdeck::domain::Timestamp;
use shipdeck::domain::github::{Conclusion, Job, RunStatus, Step, WorkflowRun};

fn run(id: u64, number: u64, conclusion: Option<Conclusion>, ago_min: i64) -> WorkflowRun {
    let start = T0 - ago_min * Timestamp::MINUTE;
    WorkflowRun {
        id,
        workflow: "deploy.yml".into(),
        name: "deploy".into(),
        run_number: number,
        run_attempt: 1,
        status: if conclusion.is_some() {
            RunStatus::Completed
        } else {
            RunStatus::InProgress
        },
        conclusion,
        branch: "main".into(),
        head_sha: format!("{id:x}c0ffee"),
        actor: "erin".into(),
        event: "push".into(),
        created_at: start,
        updated_at: start + 4 * Timestamp::MINUTE,
        run_started_at: Some(start),
        html_url: format!("https://github.com/acme/storefront/actions/runs/{id}"),
    }
}

fn step(number: u32, name: &str, conclusion: Conclusion) -> Step {
    Step {
        number,
        name: name.into(),
        status: RunStatus::Completed,
        conclusion: Some(conclusion),
        started_at: Some(T0),
        completed_at: Some(T0),
    }
}

fn jobs(run_id: u64) -> Vec<Job> {
    vec![Job {
        id: 9001,
        run_id,
        name: "build".into(),
        status: RunStatus::Completed,
        conclusion: Some(Conclusion::Failure),
        started_at: Some(T0 - 30 * Timestamp::MINUTE),
        completed_at: Some(T0 - 27 * Timestamp::MINUTE),
        steps: vec![
            step(1, "Set up job", Conclusion::Success),
            step(2, "Run npm ci", Conclusion::Success),
            step(3, "Run npm test", Conclusion::Failure),
            step(4, "Run npm run build", Conclusion::Skipped),
        ],
        html_url: String::new(),
    }]
}

/// The Runs view shown, its read answered: three deploy runs, the release runs unknown (a
/// refused read), no token.
fn shown() -> State {
    let mut s = loaded();
    s.runs.workflows = vec!["deploy.yml".into(), "release.yml".into()];
    s.runs.release_workflow = "release.yml".into();
    let fx = update(&mut s, Action::Show(View::Runs));
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchRuns { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the runs read");
    let read = RunsRead {
        repository: "acme/storefront".into(),
        workflows: vec![
            (
                "deploy.yml".into(),
                Ok(vec![
                    ListedRun {
                        run: run(7104354034, 930, None, 2),
                        jobs: None,
                    },
                    ListedRun {
                        run: run(7104353780, 929, Some(Conclusion::Failure), 30),
                        jobs: Some(Ok(jobs(7104353780))),
                    },
                    ListedRun {
                        run: run(7104353403, 928, Some(Conclusion::Success), 90),
                        jobs: None,
                    },
                ]),
            ),
            (
                "release.yml".into(),
                Err(
                    "GitHub rate limit: resets at 09:42 UTC (list workflow runs); backing off \
                     until then"
                        .into(),
                ),
            ),
        ],
        writable: Err("no GitHub token: set GITHUB_TOKEN".into()),
        limited_until: None,
    };
    update(
        &mut s,
        Action::Reply(Reply::RunsLoaded {
            request,
            read: Box::new(read),
        }),
    );
    s
}

fn snap(state: &State, name: &str) {
    for (w, h) in [(80, 24), (160, 48)] {
        let text = screen::trimmed(&screen::buffer(state, w, h));
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

#[test]
fn the_runs_view_lists_both_workflows_and_says_what_it_could_not_read() {
    let s = shown();
    assert_eq!(
        s.runs.rows().len(),
        3,
        "the release runs are unknown, not none"
    );
    snap(&s, "runs");
}

#[test]
fn enter_opens_a_runs_jobs_and_steps() {
    let mut s = shown();
    update(&mut s, Action::Down);
    let fx = update(&mut s, Action::Open);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchRunJobs { request, run_id } if *run_id == 7104353780 => Some(*request),
            _ => None,
        })
        .expect("the jobs read of the selected run");
    update(
        &mut s,
        Action::Reply(Reply::RunJobsLoaded {
            request,
            result: Ok(jobs(7104353780)),
        }),
    );
    snap(&s, "runs_open");
    update(&mut s, Action::Back);
    assert!(
        s.runs.open.is_none() && s.view == View::Runs,
        "back to the list"
    );
}

/// Without a token, re-running is refused in the status bar with the hint, and nothing opens.
#[test]
fn without_a_token_a_re_run_says_how_to_provide_one() {
    let mut s = shown();
    update(&mut s, Action::Down);
    let fx = update(&mut s, Action::Op(shipdeck::ops::OpKind::Retry));
    assert!(s.ops.dialog.is_none());
    let status = crate::support::ops::status(&s);
    assert!(
        status.contains("needs a GitHub token: no GitHub token: set GITHUB_TOKEN"),
        "{status}"
    );
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Audit { .. })),
        "audited"
    );
}

/// The job-log read the effects ask for, if any.
fn job_log_read(fx: &[Effect]) -> Option<(u64, shipdeck::app::RequestId)> {
    fx.iter().find_map(|e| match e {
        Effect::FetchJobLog {
            request, job_id, ..
        } => Some((*job_id, *request)),
        _ => None,
    })
}

const JOB_LOG: &str = "2026-11-25T08:29:01.0000000Z ##[group]Run npm ci\n\
2026-11-25T08:29:40.0000000Z added 1214 packages in 41s\n\
2026-11-25T08:30:02.0000000Z ##[endgroup]\n\
2026-11-25T08:30:02.0000000Z ##[group]Run npm test\n\
2026-11-25T08:31:12.0000000Z FAIL  src/checkout/summary.test.ts > shows the discounted total\n\
2026-11-25T08:31:40.0000000Z ##[error]Process completed with exit code 1.\n";

/// Enter on a job of the open run opens its log in the Logs view, a row per line with the same
/// keys (search); a running job is read again while followed, not while paused; a failed read
/// says so in the view and keeps the lines; Esc goes back to the run.
#[test]
fn enter_on_a_job_opens_its_log_in_the_logs_view_read_again_while_it_runs() {
    let mut s = shown();
    update(&mut s, Action::Down);
    let fx = update(&mut s, Action::Open);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchRunJobs { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let mut running = jobs(7104353780);
    running[0].status = RunStatus::InProgress;
    running[0].conclusion = None;
    running[0].completed_at = None;
    update(
        &mut s,
        Action::Reply(Reply::RunJobsLoaded {
            request,
            result: Ok(running.clone()),
        }),
    );
    let fx = update(&mut s, Action::Open);
    assert_eq!(s.view, View::Logs);
    let (job, request) = job_log_read(&fx).expect("the job's log is read");
    assert_eq!(job, 9001);
    update(
        &mut s,
        Action::Reply(Reply::JobLogLoaded {
            request,
            result: Ok(shipdeck::app::JobLogRead {
                text: JOB_LOG.into(),
                job: Some(running[0].clone()),
            }),
        }),
    );
    assert_eq!(
        s.logs.events.len(),
        5,
        "a row per line, the endgroup marks left out"
    );
    s.logs.search = "fail".into();
    snap(&s, "runs_job_log");
    // Followed while it runs: read again.
    let later = T0 + shipdeck::app::JOB_LOG_POLL;
    let fx = update(&mut s, Action::Tick(later));
    let (_, request) = job_log_read(&fx).expect("a running job's log is read again");
    let reset = T0 + 42 * Timestamp::MINUTE;
    update(
        &mut s,
        Action::Reply(Reply::JobLogLoaded {
            request,
            result: Err(shipdeck::app::JobLogError {
                message: "log of job 9001: GitHub rate limit: resets at 09:42 UTC (download job \
                          log); backing off until then"
                    .into(),
                limited_until: Some(reset),
            }),
        }),
    );
    assert_eq!(s.logs.events.len(), 5, "the lines read before are kept");
    let text = screen::trimmed(&screen::buffer(&s, 160, 48));
    assert!(
        text.contains("read failed: log of job 9001: GitHub rate limit: resets at 09:42 UTC"),
        "{text}"
    );
    // GitHub's rate limit: nothing is read before it resets, then the log is read again.
    let fx = update(
        &mut s,
        Action::Tick(later + 2 * shipdeck::app::JOB_LOG_POLL),
    );
    assert!(job_log_read(&fx).is_none(), "not read while rate limited");
    let fx = update(&mut s, Action::Tick(reset));
    let (_, request) = job_log_read(&fx).expect("read again once the limit resets");
    update(
        &mut s,
        Action::Reply(Reply::JobLogLoaded {
            request,
            result: Ok(shipdeck::app::JobLogRead {
                text: JOB_LOG.into(),
                job: Some(running[0].clone()),
            }),
        }),
    );
    // Paused: not read again.
    update(&mut s, Action::ToggleFollow);
    assert!(s.logs.paused);
    let fx = update(
        &mut s,
        Action::Tick(reset + 2 * shipdeck::app::JOB_LOG_POLL),
    );
    assert!(job_log_read(&fx).is_none(), "not read while paused");
    update(&mut s, Action::Back);
    update(&mut s, Action::Back);
    assert_eq!(s.view, View::Runs, "esc goes back to the run");
    assert!(s.runs.open.is_some());
}

/// [`shown`] with run 929 open, its jobs read as `jobs`.
fn open_run(jobs: Vec<Job>) -> State {
    let mut s = shown();
    update(&mut s, Action::Down);
    let fx = update(&mut s, Action::Open);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchRunJobs { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the run's jobs are read");
    update(
        &mut s,
        Action::Reply(Reply::RunJobsLoaded {
            request,
            result: Ok(jobs),
        }),
    );
    s
}

/// The head line of the Logs view.
fn log_head(s: &State, w: u16) -> String {
    let text = screen::trimmed(&screen::buffer(s, w, 24));
    text.lines().nth(3).unwrap_or_default().to_string()
}

/// A finished job's log is whole: its head says `complete` and when the job finished, never
/// `● following` (before the read, only when it finished); a job that runs is followed until a
/// read says it finished, then says so; a job whose state could not be read is still followed.
#[test]
fn a_finished_jobs_log_says_it_is_complete_and_when_the_job_finished() {
    let mut s = open_run(jobs(7104353780));
    let fx = update(&mut s, Action::Open);
    let (job, request) = job_log_read(&fx).expect("the job's log is read");
    assert_eq!(job, 9001);
    let head = log_head(&s, 160);
    assert!(head.contains("job finished 08:33:00"), "{head}");
    assert!(
        !head.contains("following") && !head.contains("complete"),
        "{head}"
    );
    let finished = jobs(7104353780).remove(0);
    update(
        &mut s,
        Action::Reply(Reply::JobLogLoaded {
            request,
            result: Ok(shipdeck::app::JobLogRead {
                text: JOB_LOG.into(),
                job: Some(finished.clone()),
            }),
        }),
    );
    for w in [80, 160] {
        let head = log_head(&s, w);
        assert!(
            head.contains("job build failure · 5 lines · complete · job finished 08:33:00"),
            "{w}: {head}"
        );
        assert!(!head.contains("following"), "{w}: {head}");
        // Nor does the footer offer to follow it: nothing more comes.
        let text = screen::trimmed(&screen::buffer(&s, w, 24));
        let footer = text.lines().last().unwrap_or_default();
        assert!(
            footer.contains("/ search") && !footer.contains("follow"),
            "{w}: {footer}"
        );
    }
    snap(&s, "runs_job_log_finished");
    update(&mut s, Action::Up);
    let head = log_head(&s, 160);
    assert!(
        head.contains("complete · job finished 08:33:00 · 1 row back"),
        "{head}"
    );
    // Another day: the day too.
    s.now = T0 + Timestamp::DAY;
    assert!(log_head(&s, 160).contains("job finished 11-25 08:33"));

    // A running job is followed; the read that says it finished ends that.
    let mut running = finished.clone();
    (running.status, running.conclusion, running.completed_at) =
        (RunStatus::InProgress, None, None);
    let mut s = open_run(vec![running.clone()]);
    let fx = update(&mut s, Action::Open);
    let (_, request) = job_log_read(&fx).expect("the job's log is read");
    let answer = |s: &mut State, request, job: Option<Job>| {
        update(
            s,
            Action::Reply(Reply::JobLogLoaded {
                request,
                result: Ok(shipdeck::app::JobLogRead {
                    text: JOB_LOG.into(),
                    job,
                }),
            }),
        )
    };
    answer(&mut s, request, Some(running));
    assert!(log_head(&s, 160).contains("in_progress · 5 lines · ● following"));
    let fx = update(&mut s, Action::Tick(T0 + shipdeck::app::JOB_LOG_POLL));
    let (_, request) = job_log_read(&fx).expect("read again while it runs");
    // Its state unknown (not read): not said to be finished, still followed.
    answer(&mut s, request, None);
    let head = log_head(&s, 160);
    assert!(
        head.contains("state unknown") && head.contains("● following"),
        "{head}"
    );
    let fx = update(&mut s, Action::Tick(T0 + 2 * shipdeck::app::JOB_LOG_POLL));
    let (_, request) = job_log_read(&fx).expect("read again: its state is unknown");
    answer(&mut s, request, Some(finished));
    let head = log_head(&s, 160);
    assert!(
        head.contains("failure · 5 lines · complete · job finished 08:33:00"),
        "{head}"
    );
    let fx = update(&mut s, Action::Tick(T0 + 3 * shipdeck::app::JOB_LOG_POLL));
    assert!(
        job_log_read(&fx).is_none(),
        "a finished job's log is not read again"
    );
}

/// A read refused for GitHub's rate limit holds the Runs view's reads until the limit resets.
#[test]
fn the_runs_view_reads_nothing_until_githubs_rate_limit_resets() {
    let mut s = loaded();
    s.runs.workflows = vec!["deploy.yml".into(), "release.yml".into()];
    let fx = update(&mut s, Action::Show(View::Runs));
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchRuns { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let reset = T0 + 10 * Timestamp::MINUTE;
    let limit = "GitHub rate limit: resets at 09:10 UTC (list workflow runs); backing off until \
                 then";
    let read = RunsRead {
        repository: "acme/storefront".into(),
        workflows: vec![
            ("deploy.yml".into(), Err(limit.into())),
            ("release.yml".into(), Err(limit.into())),
        ],
        writable: Ok(()),
        limited_until: Some(reset),
    };
    update(
        &mut s,
        Action::Reply(Reply::RunsLoaded {
            request,
            read: Box::new(read),
        }),
    );
    let reads = |fx: &[Effect]| {
        fx.iter()
            .filter(|e| matches!(e, Effect::FetchRuns { .. }))
            .count()
    };
    let every = shipdeck::app::runs::RUNS_EVERY;
    let fx = update(&mut s, Action::Tick(T0 + every));
    assert_eq!(reads(&fx), 0, "not read again before the limit resets");
    let fx = update(&mut s, Action::Tick(reset - 1));
    assert_eq!(reads(&fx), 0);
    let fx = update(&mut s, Action::Tick(reset));
    assert_eq!(reads(&fx), 1, "read again once it resets");
}

/// The view's next read, due after [`RUNS_EVERY`](shipdeck::app::runs::RUNS_EVERY), answered
/// with `read`.
fn reread(s: &mut State, read: RunsRead) {
    let later = s.now + shipdeck::app::runs::RUNS_EVERY;
    let fx = update(s, Action::Tick(later));
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::FetchRuns { request, .. } => Some(*request),
            _ => None,
        })
        .expect("the runs read again");
    update(
        s,
        Action::Reply(Reply::RunsLoaded {
            request,
            read: Box::new(read),
        }),
    );
}

#[test]
fn a_newer_run_moves_no_selection_and_t_acts_on_the_run_shown() {
    let mut s = shown();
    update(&mut s, Action::Down);
    update(&mut s, Action::Open);
    assert_eq!(s.runs.open.as_ref().unwrap().run_id, 7104353780);
    // A newer run comes on top; a token is set.
    let mut read = s.runs.read.clone().unwrap();
    read.writable = Ok(());
    if let Ok(runs) = &mut read.workflows[0].1 {
        runs.insert(
            0,
            ListedRun {
                run: run(7104354500, 931, None, 1),
                jobs: None,
            },
        );
    }
    reread(&mut s, read);
    assert_eq!(
        s.runs.selected().map(|r| r.run.id),
        Some(7104353780),
        "the row follows run #929"
    );
    // Whatever the list selects, the open run is the one acted on.
    s.runs.row = 0;
    update(&mut s, Action::Op(shipdeck::ops::OpKind::Retry));
    let d = s.ops.dialog.as_ref().expect("the re-run dialog");
    let target = &d.target().unwrap().text;
    assert!(
        target.contains("#929") && target.contains("7104353780"),
        "{target}"
    );
}

/// The jobs of a run whose `build` job failed at the step `failed`.
fn failed_at(run_id: u64, failed: &str) -> Vec<Job> {
    let mut jobs = jobs(run_id);
    jobs[0].steps = vec![
        step(1, "Set up job", Conclusion::Success),
        step(2, "Run npm ci", Conclusion::Success),
        step(3, failed, Conclusion::Failure),
    ];
    jobs
}

/// At 80 columns a failed step wider than its FAILED AT column is cut in its middle with `…`:
/// two runs failed at different steps keep the ends that tell them apart, and a cut cell never
/// reads as whole.
#[test]
fn a_cell_cut_at_80_columns_ends_with_an_ellipsis() {
    let mut s = shown();
    let mut read = s.runs.read.clone().unwrap();
    if let Ok(runs) = &mut read.workflows[0].1 {
        runs[1].jobs = Some(Ok(failed_at(runs[1].run.id, "Run npm run build")));
        runs[2].run.conclusion = Some(Conclusion::Failure);
        runs[2].jobs = Some(Ok(failed_at(runs[2].run.id, "Run npm run lint")));
    }
    reread(&mut s, read);
    let text = screen::trimmed(&screen::buffer(&s, 80, 24));
    let failed = |number: &str| -> String {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("deploy.yml  {number}")))
            .unwrap_or_else(|| panic!("run #{number} in\n{text}"));
        let cell = line.split("build › ").nth(1).unwrap_or_default();
        cell.trim_end_matches('│').trim_end().to_string()
    };
    let (build, lint) = (failed("929"), failed("928"));
    for (cell, step, end) in [
        (&build, "Run npm run build", "build"),
        (&lint, "Run npm run lint", "lint"),
    ] {
        assert!(
            cell == step || cell.contains('…'),
            "{step:?} whole or cut with …: {cell:?} in\n{text}"
        );
        assert!(cell.ends_with(end), "the end that tells it apart: {cell:?}");
    }
    assert_ne!(build, lint, "two steps told apart in\n{text}");
    assert!(
        text.contains(
            "release.yml: runs unknown: GitHub rate limit: resets at 09:42 UTC (list workf…│"
        ),
        "a cut note ends with …:\n{text}"
    );
}
