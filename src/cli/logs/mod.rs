//! `shipdeck logs cloudfront` on local files (no configuration, no AWS) and what the `logs`
//! subcommands share (the end of a window); the bucket side is in `cloudfront`, CloudWatch in
//! `group`, Logs Insights queries (`shipdeck insights`) in `insights`.

mod cloudfront;
mod group;
pub(super) mod insights;
mod sink;
mod stats;

use crate::accesslog::Stats;
use crate::accesslog::input::PlainLayout;
use crate::accesslog_io::{ReadOptions, ReadReport, list_dir, par_read_with, read_path_with};
use crate::cli::args::{CloudfrontArgs, Global, LogOutput, LogsCommand, Since};
use crate::cli::io::stderr::errln;
use crate::domain::Timestamp;
use sink::{Select, Sink, observe, print, report_problems, report_unknown};
use stats::stats_text;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Runs a `logs` subcommand; output is streamed, so this returns the exit code itself.
pub(super) async fn run(global: &Global, command: LogsCommand) -> ExitCode {
    let result = match command {
        LogsCommand::Cloudfront(args) => cloudfront(global, args).await,
        LogsCommand::Group(args) => group::run(global, args).await,
    };
    match result {
        Ok(code) => code,
        Err(f) => {
            errln!("shipdeck: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// A bad combination of flags (exit code 2, like the argument parser's errors).
fn usage(message: &str) -> crate::cli::Failure {
    crate::cli::Failure {
        message: message.to_string(),
        code: 2,
    }
}

async fn cloudfront(
    global: &Global,
    args: CloudfrontArgs,
) -> Result<ExitCode, crate::cli::Failure> {
    let local = !args.files.is_empty() || args.dir.is_some();
    match (&args.env, local) {
        (Some(_), true) => Err(usage(
            "give either an environment or --file/--dir, not both",
        )),
        (None, false) => Err(usage(
            "give an environment (shipdeck logs cloudfront prd) or --file/--dir for local files",
        )),
        (None, true) if args.follow => Err(usage(
            "--follow needs an environment: local files are read once",
        )),
        (None, true) => {
            let now = wall_now();
            let since = args.since.map(|s| s.at(now));
            let select = Select {
                since,
                until: until_after(since, args.until, now)?,
                filter: args.filter.clone(),
            };
            Ok(local_files(&args, read_options(&args)?, select))
        }
        (Some(_), false) if args.fields.is_some() => Err(usage(
            "--fields and --delimiter are for local files: a bucket's objects are W3C, JSON or Parquet",
        )),
        (Some(env), false) => cloudfront::run(global, env, &args).await,
    }
}

/// The end of a read's window (`--until`, at `now`), checked to come after its start
/// (`--since`, when given) as `query` checks its range: a window that ends before it starts
/// is a usage error naming both flags.
pub(super) fn until_after(
    since: Option<Timestamp>,
    until: Option<Since>,
    now: Timestamp,
) -> Result<Option<Timestamp>, crate::cli::Failure> {
    let Some(end) = until.map(|u| u.at(now)) else {
        return Ok(None);
    };
    if let Some(start) = since {
        crate::query::Range::new(start, end).map_err(|e| usage(&e.to_string()))?;
    }
    Ok(Some(end))
}

/// The wall clock, for `--since` on local files (the CLI, unlike the core, may read it).
fn wall_now() -> Timestamp {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    Timestamp(ms)
}

/// The reading options of `--fields`/`--delimiter` (a bad value is a usage error naming the
/// flag); with `--stats` alone, only the columns the statistics and the filter read.
fn read_options(args: &CloudfrontArgs) -> Result<ReadOptions, crate::cli::Failure> {
    let plain = match &args.fields {
        Some(fields) => Some(
            PlainLayout::parse_flag(fields, args.delimiter.as_deref()).map_err(|e| usage(&e))?,
        ),
        None => None,
    };
    let columns = args.stats.then(|| {
        let mut columns = Stats::FIELDS.to_vec();
        if let Some(f) = &args.filter {
            columns.extend(f.fields());
        }
        columns
    });
    Ok(ReadOptions { plain, columns })
}

fn local_files(args: &CloudfrontArgs, opts: ReadOptions, select: Select) -> ExitCode {
    let mut report = ReadReport::default();
    let mut paths = args.files.clone();
    if let Some(dir) = &args.dir {
        match list_dir(dir) {
            Ok(files) if files.is_empty() => report.merge(ReadReport::failure(
                &dir.display().to_string(),
                "no log files",
            )),
            Ok(files) => paths.extend(files),
            Err(e) => report.merge(ReadReport::failure(&dir.display().to_string(), e)),
        }
    }
    let unknown = if args.stats {
        let (stdin, files): (Vec<PathBuf>, Vec<PathBuf>) =
            paths.into_iter().partition(|p| p == Path::new("-"));
        let ((mut stats, mut seen), r) = par_read_with(
            &files,
            &opts,
            args.threads.unwrap_or(0),
            || (Stats::summary_only(), select.seen()),
            |(s, seen), v| observe(s, seen, &select, v),
            |(mut a, mut seen), (b, other)| {
                a.merge(&b);
                seen.merge(other);
                (a, seen)
            },
        );
        report.merge(r);
        for p in &stdin {
            report.merge(read_path_with(p, &opts, &mut |v| {
                observe(&mut stats, &mut seen, &select, v)
            }));
        }
        let unknown = select.unknown(&seen, report.records);
        let json = args.output == LogOutput::Jsonl;
        let text = stats_text(&stats, &report, json, unknown.as_deref());
        if !text.is_empty() {
            Sink::new(args.output).text(text.trim_end());
        }
        unknown
    } else {
        let mut sink = Sink::new(args.output);
        let mut seen = select.seen();
        for p in &paths {
            if sink.closed {
                break;
            }
            report.merge(read_path_with(p, &opts, &mut |v| {
                print(&mut sink, &mut seen, &select, v)
            }));
        }
        sink.flush();
        select.unknown(&seen, report.records)
    };
    report_problems(&report);
    match unknown {
        Some(why) => {
            report_unknown(&why);
            ExitCode::FAILURE
        }
        None => exit_code(&report),
    }
}

/// 0 when something could be read, 1 when nothing could: every input failed, or the inputs held
/// lines but every one of them was malformed (not a CloudFront log, most likely). Inputs with no
/// records and nothing wrong — a quiet hour's header-only file — read fine.
pub(super) fn exit_code(report: &ReadReport) -> ExitCode {
    if report.records > 0 || (report.files > report.failed && report.skipped == 0) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
