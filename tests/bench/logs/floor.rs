//! The floor of `make bench` (logs): a bare loop that reads each gzip file whole, inflates it
//! in one call (libdeflate, or zlib-rs for comparison), splits lines with memchr and counts
//! status codes and URI paths in a hash map — the least a reader with statistics does.

use flate2::bufread::MultiGzDecoder;
use libdeflater::Decompressor;
use std::collections::HashMap;
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

/// What a bare loop counted: lines by status code, and by path.
#[derive(Default)]
pub struct Counts {
    pub status: HashMap<u16, u64>,
    pub paths: HashMap<Vec<u8>, u64>,
}

impl Counts {
    pub fn lines(&self) -> u64 {
        self.status.values().sum()
    }

    fn merge(&mut self, other: Counts) {
        for (k, v) in other.status {
            *self.status.entry(k).or_default() += v;
        }
        for (k, v) in other.paths {
            *self.paths.entry(k).or_default() += v;
        }
    }
}

fn isize_of(gz: &[u8]) -> usize {
    gz.len()
        .checked_sub(4)
        .and_then(|i| gz.get(i..))
        .map_or(0, |t| u32::from_le_bytes([t[0], t[1], t[2], t[3]]) as usize)
}

fn count_lines(text: &[u8], counts: &mut Counts) {
    let mut pos = 0;
    while let Some(nl) = memchr::memchr(b'\n', &text[pos..]) {
        let line = &text[pos..pos + nl];
        pos += nl + 1;
        if line.first() == Some(&b'#') {
            continue;
        }
        // cs-uri-stem is the 8th column, sc-status the 9th.
        let mut tabs = memchr::memchr_iter(b'\t', line);
        let (Some(a), Some(b)) = (tabs.nth(6), tabs.next()) else {
            continue;
        };
        let path = &line[a + 1..b];
        let status = line
            .get(b + 1..b + 4)
            .unwrap_or_default()
            .iter()
            .fold(0u16, |v, &d| v * 10 + u16::from(d.wrapping_sub(b'0')));
        *counts.status.entry(status).or_default() += 1;
        match counts.paths.get_mut(path) {
            Some(n) => *n += 1,
            None => {
                counts.paths.insert(path.to_vec(), 1);
            }
        }
    }
}

/// One thread's share of a bare loop.
fn bare_files(files: &[PathBuf], inflater: Inflater) -> Counts {
    let mut counts = Counts::default();
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
        count_lines(&text, &mut counts);
    }
    counts
}

/// The bare loop on `threads` threads (files dealt round-robin), counts merged.
pub fn bare(files: &[PathBuf], threads: usize, inflater: Inflater) -> Counts {
    let shares: Vec<Vec<PathBuf>> = (0..threads)
        .map(|t| files.iter().skip(t).step_by(threads).cloned().collect())
        .collect();
    let parts: Vec<Counts> = std::thread::scope(|s| {
        let handles: Vec<_> = shares
            .iter()
            .map(|share| s.spawn(move || bare_files(share, inflater)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a bare loop thread"))
            .collect()
    });
    let mut all = Counts::default();
    for p in parts {
        all.merge(p);
    }
    all
}
