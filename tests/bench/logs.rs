//! `make bench` (logs part): reading CloudFront access logs. Generates 1,000,000 realistic lines
//! in 50 gzip files once (cached under the cargo target dir), then reports lines/s and MB/s for
//! decompression alone, decompression + counting status codes (the least any reader does: the
//! ceiling for the ratios), parsing, parsing + statistics (+ retention), on one core and on all
//! cores, as medians of repeated runs, plus the streaming peak RSS measured in a child process;
//! the floor (a bare libdeflate loop counting status codes and paths, and the same on zlib-rs)
//! against parse + full statistics; and fetching at scale from the simulator's paced S3.
//! Under `cargo test` it runs once on a tiny data set.

use shipdeck::accesslog::{Retained, Stats};
use shipdeck::accesslog_io::{default_threads, list_dir, par_read, read_bytes, read_path};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "logs/data.rs"]
mod data;
#[path = "logs/fetch.rs"]
mod fetch;
#[path = "logs/floor.rs"]
mod floor;

use data::{Set, dataset, decompress_only, external, inflate, memchr_count, status_count_only};

fn merge(mut a: Stats, b: Stats) -> Stats {
    a.merge(&b);
    a
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(reps: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn rate(set: &Set, d: Duration) -> String {
    let s = d.as_secs_f64().max(1e-9);
    format!(
        "{:>7.0} ms  {:>5.2} M lines/s  {:>6.1} MB/s gz  {:>6.0} MB/s plain",
        s * 1e3,
        set.lines as f64 / s / 1e6,
        set.gz_bytes as f64 / s / 1e6,
        set.text_bytes as f64 / s / 1e6
    )
}

/// The child phase: stream the statistics once and print the peak RSS (VmHWM) in kB.
fn rss_child(dir: &Path) {
    let files = list_dir(dir).expect("list");
    let (stats, _) = par_read(&files, 1, Stats::default, |s, v| s.observe(v), merge);
    black_box(stats.requests());
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("0");
    println!("{hwm}");
}

fn peak_rss_mb(dir: &Path) -> Option<f64> {
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new(exe)
        .arg("--rss-child")
        .arg(dir)
        .output()
        .ok()?;
    let kb: f64 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--parse-loop") {
        // For profilers: the parser alone (with `--with-stats`: and the statistics), over and over.
        let dir = PathBuf::from(args.get(i + 1).map_or(".", |s| s.as_str()));
        let files = list_dir(&dir).expect("list");
        let sample: Vec<u8> = files
            .iter()
            .take(5)
            .map(|f| inflate(f))
            .collect::<Vec<_>>()
            .concat();
        let with_stats = args.iter().any(|a| a == "--with-stats");
        for _ in 0..20 {
            let mut n = 0u64;
            let mut st = Stats::default();
            read_bytes(&sample, "sample", &mut |v| {
                n += u64::from(v.status().is_some());
                if with_stats {
                    st.observe(v);
                }
            });
            black_box((n, st.requests()));
        }
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--pipeline") {
        // For profilers and A/B runs: one single-core pass of what the benchmark times as
        // "parse + statistics (windowed)" (with `--decompress`: decompression only; with
        // `--bare`: decompression + status counts).
        let files = list_dir(Path::new(args.get(i + 1).map_or(".", |s| s.as_str()))).expect("list");
        if args.iter().any(|a| a == "--decompress") {
            black_box(decompress_only(&files));
        } else if args.iter().any(|a| a == "--bare") {
            black_box(status_count_only(&files));
        } else {
            let (st, _) = par_read(&files, 1, Stats::default, |s, v| s.observe(v), merge);
            black_box(st.requests());
        }
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--v2-loop") {
        // For profilers: one v2 format's read (w3c, json or parquet) of 200,000 records, 20 times.
        let only = args.get(i + 1).map_or("json", |s| s.as_str());
        data::v2_formats_only(200_000, 20, Some(only));
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--rss-child") {
        rss_child(Path::new(args.get(i + 1).map_or(".", |s| s.as_str())));
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    // `--only floor,v2,fetch,tools` (any of them) runs those parts alone: the floor is the bare
    // loops against parse + full statistics, v2 the formats per record, tools GoAccess and lnav;
    // without it, everything.
    let only: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(|parts| parts.split(',').map(str::to_string).collect());
    let part = |name: &str| only.as_ref().is_none_or(|o| o.iter().any(|p| p == name));
    let everything = only.is_none();
    let (files, per_file, reps) = if full { (50, 20_000, 5) } else { (2, 500, 1) };
    let set = dataset(files, per_file);
    if full {
        println!(
            "shipdeck logs bench: {} lines in {} files, {:.1} MB gzip, {:.1} MB plain (medians of {reps}; the machine is noisy, compare ratios)",
            set.lines,
            set.files.len(),
            set.gz_bytes as f64 / 1e6,
            set.text_bytes as f64 / 1e6
        );
    } else {
        println!("shipdeck logs bench smoke run (tiny data set, test profile: not measurements)");
    }
    let threads = default_threads();
    let floor_or_all = everything || part("floor");
    let (stats1, stats_all) = if floor_or_all {
        let stats1 = time(reps, || {
            let (st, r) = par_read(&set.files, 1, Stats::default, |s, v| s.observe(v), merge);
            assert_eq!(r.records + 2 * r.files as u64, set.lines, "every line read");
            black_box(st.requests());
        });
        let stats_all = time(reps, || {
            let (st, _) = par_read(
                &set.files,
                threads,
                Stats::default,
                |s, v| s.observe(v),
                merge,
            );
            black_box(st.requests());
        });
        (stats1, stats_all)
    } else {
        (Duration::ZERO, Duration::ZERO)
    };
    if everything {
        let decomp = time(reps, || {
            black_box(decompress_only(&set.files));
        });
        let bare = time(reps, || {
            let n = status_count_only(&set.files);
            assert_eq!(
                n + 2 * set.files.len() as u64,
                set.lines,
                "every record counted"
            );
        });
        let parse = time(reps, || {
            let mut n = 0u64;
            for f in &set.files {
                read_path(f, &mut |v| n += u64::from(v.status().is_some()));
            }
            black_box(n);
        });
        let summary1 = time(reps, || {
            let (st, _) = par_read(
                &set.files,
                1,
                Stats::summary_only,
                |s, v| s.observe(v),
                merge,
            );
            black_box(st.requests());
        });
        let retain1 = time(reps, || {
            let mut st = Stats::default();
            let mut kept = Retained::new(1_000_000);
            for f in &set.files {
                read_path(f, &mut |v| {
                    st.observe(v);
                    kept.push(v);
                });
            }
            black_box((st.requests(), kept.len()));
        });
        let decomp_all = time(reps, || {
            let chunks: Vec<Vec<PathBuf>> = (0..threads)
                .map(|t| set.files.iter().skip(t).step_by(threads).cloned().collect())
                .collect();
            std::thread::scope(|s| {
                for c in &chunks {
                    s.spawn(move || black_box(decompress_only(c)));
                }
            });
        });
        // The parser alone on text already in memory (the first files of the set).
        let sample: Vec<u8> = set
            .files
            .iter()
            .take(5)
            .map(|f| inflate(f))
            .collect::<Vec<_>>()
            .concat();
        let sample_lines = memchr_count(&sample);
        let in_memory = time(reps.max(5), || {
            let mut n = 0u64;
            read_bytes(&sample, "sample", &mut |v| {
                n += u64::from(v.status().is_some())
            });
            black_box(n);
        });
        println!(
            "parser alone, text in memory: {:.0} ns/line, {:.0} MB/s",
            in_memory.as_secs_f64() * 1e9 / sample_lines as f64,
            sample.len() as f64 / in_memory.as_secs_f64() / 1e6
        );
        println!(
            "1 core   decompression only              {}",
            rate(&set, decomp)
        );
        println!(
            "1 core   decompression + status counts   {}",
            rate(&set, bare)
        );
        println!(
            "1 core   parse only                      {}",
            rate(&set, parse)
        );
        println!(
            "1 core   parse + statistics (windowed)   {}",
            rate(&set, stats1)
        );
        println!(
            "1 core   parse + statistics (totals)     {}",
            rate(&set, summary1)
        );
        println!(
            "1 core   parse + statistics + retention  {}",
            rate(&set, retain1)
        );
        println!(
            "{threads} cores  decompression only              {}",
            rate(&set, decomp_all)
        );
        println!(
            "{threads} cores  parse + statistics (windowed)   {}",
            rate(&set, stats_all)
        );
        let ratio = |d: Duration| decomp.as_secs_f64() / d.as_secs_f64();
        println!(
            "vs decompression only (1 core, same run): status counts alone {:.2}×, parse {:.2}×, parse + statistics {:.2}× (totals only {:.2}×), + retention {:.2}× (goal ≥ 0.85)",
            ratio(bare),
            ratio(parse),
            ratio(stats1),
            ratio(summary1),
            ratio(retain1)
        );
        println!(
            "scaling on {threads} cores: parse + statistics {:.2}× (decompression alone {:.2}×)",
            stats1.as_secs_f64() / stats_all.as_secs_f64(),
            decomp.as_secs_f64() / decomp_all.as_secs_f64()
        );
    }
    if floor_or_all {
        // The floor: a bare loop (whole-file inflation, memchr lines, status and path counts in a
        // hash map) against shipdeck's parse + full statistics, in the same run.
        fn floor_run<S: std::hash::BuildHasher + Default + Send>(
            set: &data::Set,
            reps: usize,
            threads: usize,
            inflater: floor::Inflater,
            tops: bool,
        ) -> Duration {
            time(reps, || {
                let c = floor::bare::<S>(&set.files, threads, inflater, tops);
                assert_eq!(
                    c.lines() + 2 * set.files.len() as u64,
                    set.lines,
                    "every line counted"
                );
                black_box(c.paths.len());
            })
        }
        use floor::Inflater::{Libdeflate, ZlibRs};
        type Sip = std::hash::RandomState;
        type Fold = foldhash::fast::RandomState;
        let ld1 = floor_run::<Sip>(&set, reps, 1, Libdeflate, false);
        let ld_all = floor_run::<Sip>(&set, reps, threads, Libdeflate, false);
        let z1 = floor_run::<Sip>(&set, reps, 1, ZlibRs, false);
        let z_all = floor_run::<Sip>(&set, reps, threads, ZlibRs, false);
        let t1 = floor_run::<Sip>(&set, reps, 1, Libdeflate, true);
        let t_all = floor_run::<Sip>(&set, reps, threads, Libdeflate, true);
        let f1 = floor_run::<Fold>(&set, reps, 1, Libdeflate, true);
        let f_all = floor_run::<Fold>(&set, reps, threads, Libdeflate, true);
        for (what, one, all) in [
            ("bare loop, libdeflate          ", ld1, ld_all),
            ("bare loop, zlib-rs             ", z1, z_all),
            ("bare loop + 4 more top lists   ", t1, t_all),
            ("the same with foldhash         ", f1, f_all),
            ("shipdeck parse + full statistics", stats1, stats_all),
        ] {
            println!("floor  {what}  1 core {}", rate(&set, one));
            println!("floor  {what}  {threads} cores {}", rate(&set, all));
        }
        let r = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
        println!(
            "floor  parse + full statistics vs the bare libdeflate loop: {:.2}× its time on {threads} cores (goal ≤ 1.10×), {:.2}× on 1 core; the bare loop on zlib-rs takes {:.2}× ({threads} cores) and {:.2}× (1 core) the libdeflate loop's time",
            r(stats_all, ld_all),
            r(stats1, ld1),
            r(z_all, ld_all),
            r(z1, ld1)
        );
        println!(
            "floor  the bare loop counting all five top lists' columns (paths, client IPs, edge locations, user agents, referrers; no checks, windows or percentiles) takes {:.2}× ({threads} cores) and {:.2}× (1 core) the bare loop's time, with foldhash {:.2}× and {:.2}×",
            r(t_all, ld_all),
            r(t1, ld1),
            r(f_all, ld_all),
            r(f1, ld1)
        );
    }
    if everything {
        match peak_rss_mb(&set.dir) {
            Some(mb) => {
                println!("peak RSS streaming statistics (child process): {mb:.1} MB (goal ≤ 40 MB)")
            }
            None => println!("peak RSS: could not be measured"),
        }
    }
    let (v2_records, objects, per_object, fetch_reps) = if full {
        (200_000, 5_000, 100, 3)
    } else {
        (500, 200, 20, 1)
    };
    if part("v2") {
        data::v2_formats(v2_records, reps);
    }
    if part("fetch") {
        fetch::fetch_at_scale(objects, per_object, fetch_reps);
    }
    if full && part("tools") {
        let lps = set.lines as f64 / stats1.as_secs_f64().max(1e-9);
        external("goaccess", &set, lps);
        external("lnav", &set, lps);
    }
}
