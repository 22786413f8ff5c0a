//! What a query would cost: Athena bills the bytes it reads from S3 (compressed, as stored),
//! rounded up to a whole megabyte with a 10 MB minimum per query, at a price per terabyte that
//! depends on the region (the Athena pricing page; $5 a TB where shipdeck's table does not know
//! better). The bytes are those of the objects under the partitions in range: exact for text
//! formats, an upper bound for Parquet, of which Athena reads only the columns a query needs.

/// A megabyte, as Athena rounds.
pub const MB: u64 = 1 << 20;
/// A terabyte, as the price is per.
pub const TB: u64 = 1 << 40;
/// The smallest bill of a query.
pub const MIN_BILLED: u64 = 10 * MB;
/// The price per TB scanned where the region is not in [`PRICES`] (USD).
pub const DEFAULT_PRICE: f64 = 5.0;

/// Athena's price per TB scanned (SQL queries, USD) in the regions shipdeck knows.
pub const PRICES: &[(&str, f64)] = &[
    ("us-east-1", 5.0),
    ("us-east-2", 5.0),
    ("us-west-2", 5.0),
    ("eu-west-1", 5.0),
];

/// The price per TB in `region`, and whether it came from the table.
pub fn price_per_tb(region: &str) -> (f64, bool) {
    PRICES
        .iter()
        .find(|(r, _)| *r == region)
        .map_or((DEFAULT_PRICE, false), |(_, p)| (*p, true))
}

/// The estimate of one query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Objects in range.
    pub objects: usize,
    /// Their bytes.
    pub bytes: u64,
    /// The bytes billed: rounded up to a MB, at least 10 MB.
    pub billed: u64,
    /// The price per TB used.
    pub price_per_tb: f64,
    /// Whether that price is the region's (else the default).
    pub price_known: bool,
    /// The cost, USD.
    pub usd: f64,
}

/// The estimate for objects of `sizes` at `region`'s price.
pub fn estimate(sizes: impl IntoIterator<Item = u64>, region: &str) -> Estimate {
    let (mut objects, mut bytes) = (0usize, 0u64);
    for s in sizes {
        objects += 1;
        bytes = bytes.saturating_add(s);
    }
    let billed = bytes.div_ceil(MB).saturating_mul(MB).max(MIN_BILLED);
    let (price_per_tb, price_known) = price_per_tb(region);
    Estimate {
        objects,
        bytes,
        billed,
        price_per_tb,
        price_known,
        usd: billed as f64 / TB as f64 * price_per_tb,
    }
}

/// `$0.03`, or six decimals under a cent; nothing yet is `$0.00` (never `$-0.000000`: a sum
/// of no cost is negative zero).
pub fn dollars(usd: f64) -> String {
    if usd <= 0.0 || usd.is_nan() {
        "$0.00".into()
    } else if usd >= 0.01 {
        format!("${usd:.2}")
    } else {
        format!("${usd:.6}")
    }
}

/// `1.2 GB`, `340.0 MB` (decimal, as Athena's console says them).
pub fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e12 {
        format!("{:.1} TB", b / 1e12)
    } else if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.1} MB", b / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_show_cents_or_six_decimals_and_nothing_as_zero() {
        assert_eq!(dollars(0.25), "$0.25");
        assert_eq!(dollars(0.000238), "$0.000238");
        let nothing: f64 = std::iter::empty::<f64>().sum();
        assert_eq!(dollars(nothing), "$0.00");
    }

    #[test]
    fn bills_whole_megabytes_with_a_ten_megabyte_floor() {
        let e = estimate([1, 2, 3], "eu-west-1");
        assert_eq!((e.objects, e.bytes, e.billed), (3, 6, 10 * MB));
        let e = estimate([TB], "eu-west-1");
        assert_eq!(e.billed, TB);
        assert!((e.usd - 5.0).abs() < 1e-9);
        let e = estimate([11 * MB + 1], "ap-south-2");
        assert_eq!(e.billed, 12 * MB);
        assert!(!e.price_known && e.price_per_tb == DEFAULT_PRICE);
    }
}
