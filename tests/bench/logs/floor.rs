//! The floor of `make bench` (logs): a bare loop that reads each gzip file whole, inflates it
//! in one call (libdeflate, or zlib-rs for comparison), splits lines with memchr and counts
//! status codes and URI paths in a hash map — the least a reader with statistics does; and the
//! same loop counting the four other top lists' columns too (client IP, edge location, user
//! agent, referrer), the least that "all top lists" costs with no parsing, checks or windows.

use flate2::bufread::MultiGzDecoder;
use libdeflater::Decompressor;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::io::Read;
use std::path::PathBuf;

/// The inflater of a bare loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inflater {
    /// libdeflate, whole object, output sized from ISIZE.
    Libdeflate,
    /// zlib-rs through flate2, whole object into a buffer sized from ISIZE.
    ZlibRs,
}

/// What a bare loop counted: lines by status code, and by path (and with `tops`, by client IP,
/// edge location, user agent and referrer).
/// Its maps hash with `S` (std's SipHash unless said).
#[derive(Default)]
pub struct Counts<S = std::hash::RandomState> {
    pub status: HashMap<u16, u64, S>,
    pub paths: HashMap<Vec<u8>, u64, S>,
    pub others: [HashMap<Vec<u8>, u64, S>; 4],
}

/// Counts `key` once in `map`, copying it only the first time it is seen.
fn bump<S: BuildHasher>(map: &mut HashMap<Vec<u8>, u64, S>, key: &[u8]) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_vec(), 1);
        }
    }
}

impl<S: BuildHasher> Counts<S> {
    pub fn lines(&self) -> u64 {
        self.status.values().sum()
    }

    fn merge(&mut self, other: Counts<S>) {
        for (k, v) in other.status {
            *self.status.entry(k).or_default() += v;
        }
        for (k, v) in other.paths {
            *self.paths.entry(k).or_default() += v;
        }
        for (mine, theirs) in self.others.iter_mut().zip(other.others) {
            for (k, v) in theirs {
                *mine.entry(k).or_default() += v;
            }
        }
    }
}

fn isize_of(gz: &[u8]) -> usize {
    gz.len()
        .checked_sub(4)
        .and_then(|i| gz.get(i..))
        .map_or(0, |t| u32::from_le_bytes([t[0], t[1], t[2], t[3]]) as usize)
}

fn count_lines<S: BuildHasher>(text: &[u8], counts: &mut Counts<S>, tops: bool) {
    let mut pos = 0;
    while let Some(nl) = memchr::memchr(b'\n', &text[pos..]) {
        let line = &text[pos..pos + nl];
        pos += nl + 1;
        if line.first() == Some(&b'#') {
            continue;
        }
        // cs-uri-stem is the 8th column, sc-status the 9th.
        let mut tabs = memchr::memchr_iter(b'\t', line);
        if !tops {
            let (Some(a), Some(b)) = (tabs.nth(6), tabs.next()) else {
                continue;
            };
            count_status_path(line, a, b, counts);
            continue;
        }
        // x-edge-location is the 3rd column, c-ip the 5th, cs(Referer) the 10th and
        // cs(User-Agent) the 11th: the first eleven tabs bound them all.
        let mut at = [0usize; 11];
        if at.iter_mut().any(|t| match tabs.next() {
            Some(i) => {
                *t = i;
                false
            }
            None => true,
        }) {
            continue;
        }
        count_status_path(line, at[6], at[7], counts);
        for (map, (from, to)) in counts
            .others
            .iter_mut()
            .zip([(1, 2), (3, 4), (8, 9), (9, 10)])
        {
            bump(map, &line[at[from] + 1..at[to]]);
        }
    }
}

/// Counts the status code after tab `b` and the path between tabs `a` and `b`.
fn count_status_path<S: BuildHasher>(line: &[u8], a: usize, b: usize, counts: &mut Counts<S>) {
    let status = line
        .get(b + 1..b + 4)
        .unwrap_or_default()
        .iter()
        .fold(0u16, |v, &d| v * 10 + u16::from(d.wrapping_sub(b'0')));
    *counts.status.entry(status).or_default() += 1;
    bump(&mut counts.paths, &line[a + 1..b]);
}

/// One thread's share of a bare loop.
fn bare_files<S: BuildHasher + Default>(
    files: &[PathBuf],
    inflater: Inflater,
    tops: bool,
) -> Counts<S> {
    let mut counts = Counts::<S>::default();
    let mut d = Decompressor::new();
    let mut text = Vec::new();
    for f in files {
        let gz = std::fs::read(f).expect("read a bench file");
        text.clear();
        match inflater {
            Inflater::Libdeflate => {
                text.resize(isize_of(&gz), 0);
                let n = d.gzip_decompress(&gz, &mut text).expect("libdeflate");
                text.truncate(n);
            }
            Inflater::ZlibRs => {
                text.reserve(isize_of(&gz));
                MultiGzDecoder::new(&gz[..])
                    .read_to_end(&mut text)
                    .expect("zlib-rs");
            }
        }
        count_lines(&text, &mut counts, tops);
    }
    counts
}

/// The bare loop on `threads` threads (files dealt round-robin), counts merged; with `tops`, the
/// four other top lists' columns counted too.
pub fn bare<S: BuildHasher + Default + Send>(
    files: &[PathBuf],
    threads: usize,
    inflater: Inflater,
    tops: bool,
) -> Counts<S> {
    let shares: Vec<Vec<PathBuf>> = (0..threads)
        .map(|t| files.iter().skip(t).step_by(threads).cloned().collect())
        .collect();
    let parts: Vec<Counts<S>> = std::thread::scope(|s| {
        let handles: Vec<_> = shares
            .iter()
            .map(|share| s.spawn(move || bare_files(share, inflater, tops)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a bare loop thread"))
            .collect()
    });
    let mut all = Counts::<S>::default();
    for p in parts {
        all.merge(p);
    }
    all
}
