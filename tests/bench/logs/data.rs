//! The logs benchmark's data: the generated gzip files (made once, cached), decompression
//! alone as the floor, and the external tools it compares against when they are installed.

use flate2::Compression;
use flate2::bufread::MultiGzDecoder;
use flate2::write::GzEncoder;
use shipdeck::accesslog::write_w3c;
use shipdeck::accesslog_io::list_dir;
use shipdeck::cloud::sim::cloudfront::{Conditions, LogGenerator, SiteProfile};
use shipdeck::domain::Timestamp;
use std::hint::black_box;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

const T0: Timestamp = Timestamp(1_795_597_200_000);

pub struct Set {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub lines: u64,
    pub gz_bytes: u64,
    pub text_bytes: u64,
}

fn site() -> SiteProfile {
    SiteProfile {
        distribution_domain: "d1a2b3c4d5e6f7.cloudfront.net".into(),
        host: "www.storefront.example.com".into(),
        asset_hash: "9f8e7d6c".into(),
        stale_hash: Some("01234567".into()),
    }
}

/// The data set: `files` gzip files of `per_file` records each, generated once.
pub fn dataset(files: usize, per_file: usize) -> Set {
    let root = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"));
    let dir = root.join(format!("shipdeck-bench-logs/v1-{files}x{per_file}"));
    let done = dir.join(".complete");
    if !done.exists() {
        std::fs::create_dir_all(&dir).expect("create the bench data dir");
        let started = Instant::now();
        std::thread::scope(|s| {
            for part in 0..2 {
                let dir = &dir;
                s.spawn(move || {
                    for i in (part..files).step_by(2) {
                        write_file(dir, i, per_file);
                    }
                });
            }
        });
        std::fs::write(&done, b"").expect("mark the data set complete");
        println!(
            "generated {files} files in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    let files = list_dir(&dir).expect("list the data set");
    let gz_bytes = files
        .iter()
        .map(|f| f.metadata().map_or(0, |m| m.len()))
        .sum();
    let (text_bytes, lines) = decompress_all(&files);
    Set {
        dir,
        files,
        lines,
        gz_bytes,
        text_bytes,
    }
}

fn write_file(dir: &Path, i: usize, per_file: usize) {
    let mut g = LogGenerator::new(1000 + i as u64, site());
    let start = T0 + i as i64 * 5 * Timestamp::MINUTE;
    let cond = Conditions {
        error_boost: if i % 7 == 3 { 0.02 } else { 0.0 },
        miss_boost: if i % 11 == 5 { 0.3 } else { 0.0 },
        latency_boost: 0.0,
    };
    let records = g.window(start, 5 * Timestamp::MINUTE, per_file, &cond);
    let mut text = String::with_capacity(per_file * 450);
    write_w3c(&records, &mut text);
    let name = format!("E2PRDSTOREFRNT.2026-11-25-{:02}.{i:08x}.gz", 9 + i / 12);
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(text.as_bytes()).expect("gzip in memory");
    let body = gz.finish().expect("gzip in memory");
    std::fs::write(dir.join(name), body).expect("write a bench file");
}

/// Decompression alone, the floor: (plain bytes, newlines).
fn decompress_all(files: &[PathBuf]) -> (u64, u64) {
    let mut buf = vec![0u8; 128 * 1024];
    let (mut bytes, mut lines) = (0u64, 0u64);
    for f in files {
        let file = std::fs::File::open(f).expect("open");
        let mut gz = MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, file));
        loop {
            let n = gz.read(&mut buf).expect("inflate");
            if n == 0 {
                break;
            }
            bytes += n as u64;
            lines += memchr_count(&buf[..n]);
        }
    }
    (bytes, lines)
}

pub fn inflate(f: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    let file = std::fs::File::open(f).expect("open");
    MultiGzDecoder::new(BufReader::new(file))
        .read_to_end(&mut out)
        .expect("inflate");
    out
}

pub fn memchr_count(b: &[u8]) -> u64 {
    b.iter().filter(|c| **c == b'\n').count() as u64
}

pub fn decompress_only(files: &[PathBuf]) -> u64 {
    let mut buf = vec![0u8; 128 * 1024];
    let mut bytes = 0u64;
    for f in files {
        let file = std::fs::File::open(f).expect("open");
        let mut gz = MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, file));
        loop {
            let n = gz.read(&mut buf).expect("inflate");
            if n == 0 {
                break;
            }
            bytes += n as u64;
            black_box(&buf[..n]);
        }
    }
    bytes
}

/// The bare loop: decompression plus counting the status codes (the ninth column of
/// each line) and nothing else, for the ceiling of what any parser can reach. Returns how many
/// lines had a status.
pub fn status_count_only(files: &[PathBuf]) -> u64 {
    let mut buf = vec![0u8; 128 * 1024];
    let mut counts = [0u64; 1000];
    for f in files {
        let file = std::fs::File::open(f).expect("open");
        let mut gz = MultiGzDecoder::new(BufReader::with_capacity(64 * 1024, file));
        let mut filled = 0;
        loop {
            let n = gz.read(&mut buf[filled..]).expect("inflate");
            if n == 0 {
                break;
            }
            let end = filled + n;
            let mut pos = 0;
            while let Some(nl) = memchr::memchr(b'\n', &buf[pos..end]) {
                let line = &buf[pos..pos + nl];
                if line.first() != Some(&b'#')
                    && let Some(t) = memchr::memchr_iter(b'\t', line).nth(7)
                {
                    let s = line.get(t + 1..t + 4).unwrap_or_default();
                    let v = s
                        .iter()
                        .fold(0usize, |v, &d| v * 10 + usize::from(d.wrapping_sub(b'0')));
                    counts[v % 1000] += 1;
                }
                pos += nl + 1;
            }
            buf.copy_within(pos..end, 0);
            filled = end - pos;
        }
    }
    counts.iter().sum()
}

pub fn external(tool: &str, set: &Set, lines_per_s: f64) {
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("{tool}: not installed (`make bench-tools` installs it from the OS packages)");
        return;
    }
    let script = match tool {
        "goaccess" => format!(
            "zcat {}/*.gz | goaccess --log-format=CLOUDFRONT -o /dev/null - >/dev/null 2>&1",
            set.dir.display()
        ),
        _ => format!(
            "zcat {}/*.gz > /tmp/shipdeck-lnav.log && lnav -n -c ';SELECT count(*) FROM all_logs' /tmp/shipdeck-lnav.log >/dev/null 2>&1",
            set.dir.display()
        ),
    };
    let t = Instant::now();
    let ok = std::process::Command::new("sh")
        .args(["-c", &script])
        .status()
        .is_ok_and(|s| s.success());
    let s = t.elapsed().as_secs_f64();
    println!(
        "{tool}: {s:.2} s ({:.0}k lines/s){}; shipdeck is {:.1}× faster",
        set.lines as f64 / s / 1e3,
        if ok { "" } else { " (exited with an error)" },
        lines_per_s * s / set.lines as f64
    );
}

/// Standard logging v2's formats, the same `records` records in each (every v2 field), in memory:
/// whole-run statistics per record, one core, as the median of `reps` runs — gzip W3C, gzip JSON
/// lines and Parquet (snappy; all columns, and only those the statistics read).
pub fn v2_formats(records: usize, reps: usize) {
    v2_formats_only(records, reps, None);
}

/// [`v2_formats`]; with `only` (`w3c`, `json`, `parquet`), that format's read alone, `reps`
/// times, for profilers (nothing printed).
pub fn v2_formats_only(records: usize, reps: usize, only: Option<&str>) {
    use shipdeck::accesslog::Stats;
    use shipdeck::accesslog_io::{ReadOptions, read_bytes_with};
    use shipdeck::cloud::sim::cloudfront::{LogFormat, V2_FIELDS, write_log};
    let recs =
        LogGenerator::new(7, site()).window(T0, Timestamp::HOUR, records, &Conditions::default());
    let gz = |b: Vec<u8>| {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(&b).expect("gzip");
        e.finish().expect("gzip")
    };
    let w3c = gz(write_log(&recs, &V2_FIELDS, LogFormat::W3c).expect("w3c"));
    let json = gz(write_log(&recs, &V2_FIELDS, LogFormat::Json).expect("json"));
    let parquet = write_log(
        &recs,
        &V2_FIELDS,
        LogFormat::Parquet {
            rows_per_group: 50_000,
        },
    )
    .expect("parquet");
    let stats_only = ReadOptions {
        plain: None,
        columns: Some(Stats::FIELDS.to_vec()),
    };
    let all = ReadOptions::default();
    let formats = [
        ("gzip W3C", &w3c, &all),
        ("gzip JSON lines", &json, &all),
        ("Parquet, all columns", &parquet, &all),
        ("Parquet, stats columns", &parquet, &stats_only),
    ];
    if let Some(only) = only {
        let (_, bytes, opts) = formats
            .iter()
            .find(|(name, ..)| name.to_ascii_lowercase().contains(only))
            .expect("a format: w3c, json or parquet");
        for _ in 0..reps {
            let mut st = Stats::summary_only();
            read_bytes_with(bytes, only, opts, &mut |v| st.observe(v));
            black_box(st.requests());
        }
        return;
    }
    // The formats take turns, one read each per round, so a change in the machine's load falls
    // on all of them alike and their ratios hold within the run.
    let mut runs: Vec<Vec<f64>> = vec![Vec::new(); formats.len()];
    for _ in 0..reps {
        for ((name, bytes, opts), runs) in formats.iter().zip(&mut runs) {
            let t = Instant::now();
            let mut st = Stats::summary_only();
            read_bytes_with(bytes, name, opts, &mut |v| st.observe(v));
            black_box(st.requests());
            runs.push(t.elapsed().as_secs_f64());
        }
    }
    let mut medians = Vec::new();
    for ((name, bytes, _), mut runs) in formats.iter().zip(runs) {
        runs.sort_by(f64::total_cmp);
        let s = runs[runs.len() / 2];
        medians.push(s);
        println!(
            "v2 {name:<24} {:>6.0} ns/record  {:>6.2} M records/s  ({:.1} MB)",
            s * 1e9 / records as f64,
            records as f64 / s / 1e6,
            bytes.len() as f64 / 1e6
        );
    }
    println!(
        "v2 Parquet (statistics' columns) vs gzip W3C per record: {:.2}× its time (goal ≤ 1.00×); all columns {:.2}×",
        medians[3] / medians[0],
        medians[2] / medians[0]
    );
    println!(
        "v2 gzip JSON lines vs gzip W3C per record: {:.2}× its time (goal ≤ 1.5×)",
        medians[1] / medians[0]
    );
}
