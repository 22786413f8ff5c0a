//! Directories and parallel reading: files are spread over threads, each with its own
//! accumulator, and the accumulators are merged at the end (no shared state while reading).

use super::read::{ReadOptions, ReadReport, read_path_with};
use crate::accesslog::LineView;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The log files of a directory tree (as `aws s3 sync` leaves a bucket, partition folders such as
/// `year=2026/month=11/` included), sorted by path: every file whatever its name, each read by
/// its content. Hidden files and folders are left out, and symbolic links are not followed.
pub fn list_dir(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_file() => files.push(entry.path()),
                Ok(t) if t.is_dir() => pending.push(entry.path()),
                _ => {}
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads every log file of a directory in name order, one after the other.
pub fn read_dir(dir: &Path, visit: &mut impl FnMut(&LineView<'_>)) -> ReadReport {
    match list_dir(dir) {
        Ok(files) => read_paths(&files, visit),
        Err(e) => ReadReport::failure(&dir.display().to_string(), e),
    }
}

/// Reads files in the order given, one after the other.
pub fn read_paths(paths: &[PathBuf], visit: &mut impl FnMut(&LineView<'_>)) -> ReadReport {
    let mut report = ReadReport::default();
    for path in paths {
        report.merge(read_path_with(path, &ReadOptions::default(), visit));
    }
    report
}

/// Threads to use by default: the available parallelism (1 if unknown).
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Reads `paths` on up to `threads` threads (0 means [`default_threads`]). Each thread takes the
/// next unread file, folds its records into its own accumulator made by `init` with `visit`,
/// and the accumulators are combined with `merge`. Files finish in no particular order, so
/// `merge` should not depend on it.
pub fn par_read<A: Send>(
    paths: &[PathBuf],
    threads: usize,
    init: impl Fn() -> A + Sync,
    visit: impl Fn(&mut A, &LineView<'_>) + Sync,
    merge: impl Fn(A, A) -> A,
) -> (A, ReadReport) {
    par_read_with(paths, &ReadOptions::default(), threads, init, visit, merge)
}

/// [`par_read`] with options.
pub fn par_read_with<A: Send>(
    paths: &[PathBuf],
    opts: &ReadOptions,
    threads: usize,
    init: impl Fn() -> A + Sync,
    visit: impl Fn(&mut A, &LineView<'_>) + Sync,
    merge: impl Fn(A, A) -> A,
) -> (A, ReadReport) {
    let threads = if threads == 0 {
        default_threads()
    } else {
        threads
    }
    .min(paths.len())
    .max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut acc = init();
        let mut report = ReadReport::default();
        while let Some(path) = paths.get(next.fetch_add(1, Ordering::Relaxed)) {
            report.merge(read_path_with(path, opts, &mut |v| visit(&mut acc, v)));
        }
        (acc, report)
    };
    if threads == 1 {
        return work();
    }
    let results: Vec<(A, ReadReport)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut results = vec![work()];
        for handle in handles {
            match handle.join() {
                Ok(r) => results.push(r),
                // A panicking visitor is a bug in the caller; re-raise it here.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        results
    });
    let mut report = ReadReport::default();
    let mut acc: Option<A> = None;
    for (a, r) in results {
        report.merge(r);
        acc = Some(match acc {
            Some(prev) => merge(prev, a),
            None => a,
        });
    }
    report.errors.sort();
    (acc.unwrap_or_else(init), report)
}
