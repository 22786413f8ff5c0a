//! Work kept off the keystroke path of the Traffic view. The filtered charts are counted a slice
//! at a time after the filter changes: the rows are listed at once, the charts end equal to one
//! pass over the listed records, records arriving meanwhile are counted exactly once, a newer
//! filter restarts the count, and the loop's idle step (`Action::ChartsStep`) drives it. An
//! export takes the listed records out of the view and the runtime writes them to the file.

use crate::support;
use shipdeck::accesslog::{AccessRecord, Filter, LogFields, Stats};

use shipdeck::app::{
    Action, Effect, ExportError, ExportFormat, ExportJob, Preset, Reply, Traffic, update,
};
use shipdeck::domain::Timestamp;

use support::T0;
use support::logs::batch;

fn records(seed: u64, n: usize, from: Timestamp) -> Vec<AccessRecord> {
    support::logs::generated(seed, n, from, 20 * Timestamp::MINUTE, 0.3)
}

fn tail(capacity: usize, n: usize) -> Traffic {
    let mut t = Traffic::new(0, Preset::H24, T0, capacity);
    t.ingest(&batch(&records(1, n, T0 - Timestamp::HOUR)));
    t
}

/// Statistics of the listed records, counted in one pass.
fn one_pass(t: &Traffic) -> Stats {
    let mut s = Stats::default();
    for seq in &t.rows {
        s.observe(&t.record(*seq).unwrap());
    }
    s
}

fn steps_until_done(t: &mut Traffic, budget: usize) -> usize {
    let mut n = 0;
    while t.charts_pending() {
        t.charts_step(budget);
        n += 1;
        assert!(n < 10_000, "the chart job ends");
    }
    n
}

#[test]
fn the_rows_are_listed_at_once_and_the_charts_follow_in_slices() {
    let mut t = tail(10_000, 2_000);
    t.filter = Filter::parse("status>=400 or path:/api/*").unwrap();
    t.relist_stepping(100);
    let listed = t.rows.len();
    assert!(listed > 300 && listed < 2_000, "{listed}");
    assert!(
        t.rows
            .iter()
            .all(|q| t.filter.matches(&t.record(*q).unwrap()))
    );
    assert!(
        t.charts_pending(),
        "{listed} rows need more than one slice of 100"
    );
    let p = t.charts_progress().unwrap();
    assert!(p > 0.0 && p < 0.5, "{p}");
    let steps = steps_until_done(&mut t, 100);
    assert_eq!(steps, listed.div_ceil(100) - 1);
    assert_eq!(t.charts_progress(), None);
    let want = one_pass(&t);
    let got = t.filtered_stats.as_ref().expect("filtered statistics");
    assert_eq!(got.summary(), want.summary());
    assert_eq!(got.requests() as usize, listed);
    // The 24 h preset charts the whole run: the filtered records' summary.
    assert_eq!(t.panel.snapshot, Some(want.summary()));
}

#[test]
fn records_arriving_while_counting_are_counted_once() {
    let mut t = tail(10_000, 1_000);
    t.filter = Filter::parse("status>=400").unwrap();
    t.relist_stepping(50);
    assert!(t.charts_pending());
    let before = t.panel.clone();
    t.ingest(&batch(&records(2, 500, T0 - Timestamp::MINUTE * 30)));
    assert_eq!(t.panel, before, "the panel waits for the count");
    t.charts_step(50);
    t.ingest(&batch(&records(3, 500, T0 - Timestamp::MINUTE * 20)));
    steps_until_done(&mut t, 50);
    let got = t.filtered_stats.as_ref().unwrap();
    assert_eq!(got.requests() as usize, t.rows.len());
    assert_eq!(got.summary(), one_pass(&t).summary());
    // Once counted, new records are added as they land.
    t.ingest(&batch(&records(4, 300, T0 - Timestamp::MINUTE * 10)));
    assert!(!t.charts_pending());
    let got = t.filtered_stats.as_ref().unwrap();
    assert_eq!(got.summary(), one_pass(&t).summary());
}

#[test]
fn a_newer_filter_restarts_the_count_and_clearing_it_ends_it() {
    let mut t = tail(10_000, 1_500);
    t.filter = Filter::parse("status>=400").unwrap();
    t.relist_stepping(10);
    t.charts_step(10);
    t.filter = Filter::parse("status>=500").unwrap();
    t.relist_stepping(10);
    steps_until_done(&mut t, 200);
    let got = t.filtered_stats.as_ref().unwrap();
    assert!(t.rows.iter().all(|q| t.record(*q).unwrap().status() >= 500));
    assert_eq!(got.summary(), one_pass(&t).summary());
    t.filter = Filter::parse("status>=400").unwrap();
    t.relist_stepping(10);
    assert!(t.charts_pending());
    t.filter = Filter::all();
    t.relist_stepping(10);
    assert!(!t.charts_pending() && t.filtered_stats.is_none());
    assert_eq!(t.panel.snapshot, Some(t.stats.summary()));
}

#[test]
fn evicting_records_not_yet_counted_ends_the_count_without_them() {
    let mut t = tail(1_000, 1_000);
    t.filter = Filter::parse("status>=200").unwrap();
    t.relist_stepping(100);
    // A batch as large as the retention pushes every record not yet counted out.
    t.ingest(&batch(&records(5, 1_000, T0 - Timestamp::MINUTE * 30)));
    steps_until_done(&mut t, 100);
    let got = t.filtered_stats.as_ref().unwrap();
    assert!(got.requests() as usize >= t.rows.len());
    assert!(got.requests() <= 2_000);
}

#[test]
fn the_idle_step_action_drives_the_count() {
    let mut s = support::state();
    s.traffic = tail(100_000, 70_000);
    s.traffic.filter = Filter::parse("status>=200").unwrap();
    s.traffic.relist();
    assert!(s.traffic.rows.len() > shipdeck::app::CHART_STEP);
    assert!(s.traffic.charts_pending(), "more rows than one step");
    let fx = update(&mut s, Action::ChartsStep);
    assert!(fx.is_empty());
    while s.traffic.charts_pending() {
        update(&mut s, Action::ChartsStep);
    }
    let got = s.traffic.filtered_stats.as_ref().unwrap();
    assert_eq!(got.requests() as usize, s.traffic.rows.len());
}

fn lines_of(job: &ExportJob) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    assert_eq!(job.write_to(&mut out).unwrap(), job.len());
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn an_export_writes_the_listed_records_whether_most_or_few_are_listed() {
    let mut t = tail(10_000, 2_000);
    for (expr, most) in [("not status:5xx", true), ("status:5xx", false)] {
        t.filter = Filter::parse(expr).unwrap();
        t.relist();
        assert_eq!(t.rows.len() * 4 >= t.records.len(), most, "{expr}");
        let job = ExportJob::of(&t, ExportFormat::Jsonl);
        let lines = lines_of(&job);
        assert_eq!(lines.len(), t.rows.len(), "{expr}");
        for (line, seq) in lines.iter().zip(&t.rows) {
            let r = t.record(*seq).unwrap();
            assert_eq!(line["sc-status"].as_u64(), Some(u64::from(r.status())));
            assert_eq!(line["sc-bytes"].as_u64(), Some(r.sc_bytes()));
            assert_eq!(
                line["cs-uri-stem"].as_str(),
                Some(r.path()).filter(|p| !p.is_empty())
            );
        }
        // Records landing after the export was asked for are not in it.
        t.ingest(&batch(&records(9, 100, T0 - Timestamp::MINUTE * 5)));
        assert_eq!(lines_of(&job).len(), lines.len());
    }
}

#[tokio::test]
async fn the_runtime_writes_the_export_and_names_a_failure() {
    let rig = support::sim::Rig::new(3);
    let cloud = rig.sim.cloud();
    let mut t = tail(10_000, 500);
    t.filter = Filter::parse("status>=400").unwrap();
    t.relist();
    let job = std::sync::Arc::new(ExportJob::of(&t, ExportFormat::Tsv));
    let dir = std::env::temp_dir().join(format!("shipdeck-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("errors.tsv").display().to_string();
    let effect = Effect::WriteFile {
        path: path.clone(),
        job: job.clone(),
        replace: false,
    };
    let done = shipdeck::runtime::run_effect(&cloud, effect).await;
    assert_eq!(
        done,
        Some(Action::Reply(Reply::FileWritten {
            path: path.clone(),
            records: t.rows.len(),
            result: Ok(()),
        }))
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text.lines().count(),
        t.rows.len() + 1,
        "a header and the rows"
    );
    // Again: the file is there now, and is neither replaced nor touched unless asked.
    std::fs::write(&path, "kept\n").unwrap();
    let again = |replace| Effect::WriteFile {
        path: path.clone(),
        job: job.clone(),
        replace,
    };
    let Some(Action::Reply(Reply::FileWritten {
        records: 0,
        result: Err(ExportError::Exists { bytes: 5, job: j }),
        ..
    })) = shipdeck::runtime::run_effect(&cloud, again(false)).await
    else {
        panic!("the file exists")
    };
    assert!(
        std::sync::Arc::ptr_eq(&j, &job),
        "the records come back for the question"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "kept\n");
    let done = shipdeck::runtime::run_effect(&cloud, again(true)).await;
    assert!(
        matches!(
            done,
            Some(Action::Reply(Reply::FileWritten { result: Ok(()), .. }))
        ),
        "{done:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        1,
        "no temporary file left beside it"
    );
    let missing = dir.join("no/such/dir/x.tsv").display().to_string();
    let effect = Effect::WriteFile {
        path: missing.clone(),
        job,
        replace: false,
    };
    let Some(Action::Reply(Reply::FileWritten {
        result: Err(ExportError::Failed(e)),
        ..
    })) = shipdeck::runtime::run_effect(&cloud, effect).await
    else {
        panic!("a failure")
    };
    assert!(e.contains("No such file"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `text` (a W3C log) with only the columns every retained record keeps, in log order.
fn retained_columns(text: &str) -> String {
    use shipdeck::accesslog::{FIELDS, RETAINED_FIELDS};
    let keep: Vec<usize> = RETAINED_FIELDS
        .iter()
        .map(|n| FIELDS.iter().position(|f| f == n).unwrap())
        .collect();
    let mut out = format!("#Version: 1.0\n#Fields: {}\n", RETAINED_FIELDS.join(" "));
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let kept: Vec<&str> = keep.iter().map(|&i| cols[i]).collect();
        out.push_str(&kept.join("\t"));
        out.push('\n');
    }
    out
}

#[test]
fn the_console_export_writes_the_bytes_logs_cloudfront_writes_for_the_same_records() {
    let mut recs = records(5, 400, T0 - Timestamp::HOUR);
    // Values at the edges: text to decode (twice for the user agent), `-` fields, slow requests.
    let mut edge = recs[0].clone();
    edge.status = 504;
    edge.uri_stem = "/caf\u{e9}/a b\"c\"".into();
    edge.user_agent = Some("curl/8 \"x\" (\u{fc})".into());
    edge.referer = None;
    edge.query = Some("q=1&x=%".into());
    edge.time_taken_ms = 61_002;
    recs.push(edge);
    recs.sort_by_key(|r| r.time);
    let mut w3c = String::new();
    shipdeck::accesslog::write_w3c(&recs, &mut w3c);
    let dir = std::env::temp_dir().join(format!("shipdeck-same-bytes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("retained.log");
    std::fs::write(&path, retained_columns(&w3c)).unwrap();
    // The console read the whole 33-field log; the CLI reads the columns the console keeps.
    let mut t = Traffic::new(0, Preset::H24, T0, 10_000);
    t.ingest(&batch(&recs));
    assert_eq!(t.rows.len(), recs.len());
    for (flag, format) in [
        ("jsonl", ExportFormat::Jsonl),
        ("tsv", ExportFormat::Tsv),
        ("w3c", ExportFormat::W3c),
    ] {
        let cli = std::process::Command::new(env!("CARGO_BIN_EXE_shipdeck"))
            .args(["logs", "cloudfront", "--file"])
            .arg(&path)
            .args(["-o", flag])
            .env_remove("SHIPDECK_CONFIG")
            .output()
            .unwrap();
        assert!(
            cli.status.success(),
            "{}",
            String::from_utf8_lossy(&cli.stderr)
        );
        let mut console = Vec::new();
        let job = ExportJob::of(&t, format);
        assert_eq!(job.write_to(&mut console).unwrap(), recs.len());
        let (console, cli) = (
            String::from_utf8(console).unwrap(),
            String::from_utf8(cli.stdout).unwrap(),
        );
        assert_eq!(console.lines().count(), cli.lines().count(), "{flag}");
        for (a, b) in console.lines().zip(cli.lines()) {
            assert_eq!(a, b, "{flag}");
        }
        assert_eq!(console, cli, "{flag}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
