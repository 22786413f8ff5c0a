//! A mergeable log-linear latency histogram (HDR-style buckets) with ≤ 1.6 % relative error.

/// Sub-buckets per power of two (values below `2 × SUB` are counted exactly).
const SUB_BITS: u32 = 5;
const SUB: u64 = 1 << SUB_BITS;

/// Counts of `u32` values (milliseconds) in log-linear buckets: exact below 64, then 32 equal
/// buckets per power of two, at most 896 buckets for the whole `u32` range (allocated up to the
/// largest value seen). A quantile is the midpoint of the bucket holding the nearest-rank value,
/// so it is within 1/64 (≈ 1.6 %) of the exact nearest-rank percentile of the same data, and
/// clamped to the exact minimum and maximum. Merging adds counts: merge ≡ one pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
    sum: u64,
    min: u32,
    max: u32,
}

/// The bucket index of a value.
#[inline]
fn index(v: u32) -> usize {
    let v = u64::from(v);
    if v < 2 * SUB {
        return v as usize;
    }
    let k = 63 - v.leading_zeros();
    let shift = k - SUB_BITS;
    ((shift as u64) * SUB + (v >> shift)) as usize
}

/// The lowest value and the width of bucket `i`.
fn bounds(i: usize) -> (u64, u64) {
    let i = i as u64;
    if i < 2 * SUB {
        return (i, 1);
    }
    let shift = i / SUB - 1;
    ((SUB + i % SUB) << shift, 1 << shift)
}

impl Histogram {
    /// An empty histogram (no allocation until the first value).
    pub fn new() -> Histogram {
        Histogram::default()
    }

    /// Counts one value.
    #[inline]
    pub fn record(&mut self, v: u32) {
        let i = index(v);
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        self.counts[i] += 1;
        if self.total == 0 || v < self.min {
            self.min = v;
        }
        self.max = self.max.max(v);
        self.total += 1;
        self.sum += u64::from(v);
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Histogram) {
        if other.total == 0 {
            return;
        }
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.min = if self.total == 0 {
            other.min
        } else {
            self.min.min(other.min)
        };
        self.max = self.max.max(other.max);
        self.total += other.total;
        self.sum += other.sum;
    }

    /// Number of values counted.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// Smallest value (exact), if any.
    pub fn min(&self) -> Option<u32> {
        (self.total > 0).then_some(self.min)
    }

    /// Largest value (exact), if any.
    pub fn max(&self) -> Option<u32> {
        (self.total > 0).then_some(self.max)
    }

    /// Arithmetic mean (exact), if any.
    pub fn mean(&self) -> Option<f64> {
        (self.total > 0).then(|| self.sum as f64 / self.total as f64)
    }

    /// The `q`-quantile (`0.0..=1.0`, nearest rank), within 1.6 % of the exact one.
    pub fn quantile(&self, q: f64) -> Option<u32> {
        if self.total == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                let (lo, width) = bounds(i);
                let mid = lo + (width - 1) / 2;
                let mid = u32::try_from(mid).unwrap_or(u32::MAX);
                return Some(mid.clamp(self.min, self.max));
            }
        }
        Some(self.max)
    }

    /// Heap bytes held by the bucket counts.
    pub fn footprint_bytes(&self) -> usize {
        self.counts.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_tile_the_range_without_gaps() {
        let mut expect = 0u64;
        for i in 0..index(u32::MAX) + 1 {
            let (lo, w) = bounds(i);
            assert_eq!(lo, expect, "bucket {i}");
            assert_eq!(index(lo as u32), i);
            assert_eq!(index((lo + w - 1) as u32), i);
            expect = lo + w;
        }
        assert_eq!(expect, 1 << 32);
        assert_eq!(index(u32::MAX), 895);
    }

    #[test]
    fn quantiles_are_within_the_error_bound() {
        let mut h = Histogram::new();
        let mut values: Vec<u32> = (0..50_000u32)
            .map(|i| (i * 7919) % 60_000 + i % 3)
            .collect();
        for v in &values {
            h.record(*v);
        }
        values.sort_unstable();
        for q in [0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0] {
            let rank = ((q * values.len() as f64).ceil() as usize).max(1);
            let exact = f64::from(values[rank - 1]);
            let got = f64::from(h.quantile(q).unwrap_or(0));
            assert!(
                (got - exact).abs() <= exact / 64.0 + 0.5,
                "q={q} {got} vs {exact}"
            );
        }
        assert_eq!(h.max(), Some(*values.last().unwrap_or(&0)));
    }

    #[test]
    fn merge_equals_one_pass() {
        let (mut a, mut b, mut all) = (Histogram::new(), Histogram::new(), Histogram::new());
        for v in 0..5_000u32 {
            let x = v * v % 100_003;
            if v % 3 == 0 {
                a.record(x)
            } else {
                b.record(x)
            }
            all.record(x);
        }
        a.merge(&b);
        assert_eq!(a, all);
        assert_eq!(Histogram::new().quantile(0.5), None);
    }
}
