//! When a filter's answer is unknown: it tests a field no record read had a value for (standard
//! logging v2's `c-country`, `asn`, `cache-behavior-path-pattern`, `origin-fbl`, `origin-lbl`,
//! which legacy logging and many deliveries do not log), so "no record matches" would be a
//! guess. One check for the Traffic view (over its retained records, [`Retained::not_kept`]) and
//! `logs cloudfront` (over the records it streams, through [`Seen`]).
//!
//! [`Retained::not_kept`]: crate::accesslog::Retained::not_kept

use super::Filter;
use crate::accesslog::field::Field;
use crate::accesslog::fields::LogFields;

/// The fields a record may lack, in the order of [`Seen`]'s bits; every other field a filter
/// tests is one every record has.
pub const OPTIONAL: [Field; 5] = [
    Field::Country,
    Field::Asn,
    Field::CacheBehavior,
    Field::OriginFbl,
    Field::OriginLbl,
];

/// Which of the optional fields a filter tests any record read had a value for: `-` and empty
/// are no value, as in the Traffic view's store.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seen {
    /// Bits of [`OPTIONAL`] the filter tests.
    wanted: u8,
    /// Bits of those a record had.
    seen: u8,
}

impl Seen {
    /// Watching the optional fields `filter` tests (none for the empty filter).
    pub fn of(filter: &Filter) -> Seen {
        let fields = filter.fields();
        let wanted = OPTIONAL
            .iter()
            .enumerate()
            .filter(|(_, f)| fields.contains(f))
            .fold(0, |bits, (i, _)| bits | 1 << i);
        Seen { wanted, seen: 0 }
    }

    /// Notes the watched fields `record` has a value for; one comparison once each was seen.
    #[inline]
    pub fn observe<R: LogFields + ?Sized>(&mut self, record: &R) {
        let pending = self.wanted & !self.seen;
        if pending == 0 {
            return;
        }
        for (i, field) in OPTIONAL.iter().enumerate() {
            if pending & 1 << i != 0 && has_value(record, *field) {
                self.seen |= 1 << i;
            }
        }
    }

    /// Adds what `other` saw (one reader per thread).
    pub fn merge(&mut self, other: Seen) {
        self.wanted |= other.wanted;
        self.seen |= other.seen;
    }

    /// Whether a record read had `field`: always for one every record has, and for one not
    /// watched (nothing is known of it, nothing tests it).
    pub fn has(&self, field: Field) -> bool {
        match OPTIONAL.iter().position(|f| *f == field) {
            Some(i) => self.wanted & 1 << i == 0 || self.seen & 1 << i != 0,
            None => true,
        }
    }
}

/// Whether `record` has a value for the optional `field`.
#[inline]
fn has_value<R: LogFields + ?Sized>(record: &R, field: Field) -> bool {
    match field {
        Field::Country => !record.country().is_empty(),
        Field::Asn => !record.asn().is_empty(),
        Field::CacheBehavior => !record.cache_behavior().is_empty(),
        Field::OriginFbl => record.origin_fbl_opt().is_some(),
        Field::OriginLbl => record.origin_lbl_opt().is_some(),
        _ => true,
    }
}

impl Filter {
    /// The fields this filter tests that no record read has (`has` says which they have), each
    /// once: over those records its answer is unknown, not a match of none.
    pub fn unknown_over(&self, has: impl Fn(Field) -> bool) -> Vec<Field> {
        // `fields` names each once.
        self.fields().into_iter().filter(|f| !has(*f)).collect()
    }

    /// Why the answer is unknown, given the fields [`Filter::unknown_over`] found: `no record
    /// read has c-country, which the filter `country:DE` tests`.
    pub fn unknown_reason(&self, missing: &[Field]) -> String {
        let names: Vec<&str> = missing.iter().map(|f| f.name()).collect();
        format!(
            "no record read has {}, which the filter `{}` tests",
            names.join(", "),
            self.source()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record with only the optional fields given.
    #[derive(Default)]
    struct Rec {
        country: &'static str,
        fbl: Option<u32>,
    }

    impl LogFields for Rec {
        fn timestamp_ms(&self) -> i64 {
            0
        }
        fn status(&self) -> u16 {
            200
        }
        fn sc_bytes(&self) -> u64 {
            1
        }
        fn time_taken_ms(&self) -> u32 {
            1
        }
        fn ttfb_ms(&self) -> u32 {
            1
        }
        fn method(&self) -> &str {
            "GET"
        }
        fn path(&self) -> &str {
            "/"
        }
        fn query(&self) -> &str {
            ""
        }
        fn client_ip(&self) -> &str {
            "192.0.2.1"
        }
        fn edge_location(&self) -> &str {
            "FRA56-P1"
        }
        fn result_type(&self) -> &str {
            "Hit"
        }
        fn user_agent(&self) -> &str {
            ""
        }
        fn referer(&self) -> &str {
            ""
        }
        fn host(&self) -> &str {
            "d1.cloudfront.net"
        }
        fn origin_fbl_opt(&self) -> Option<u32> {
            self.fbl
        }
        fn country(&self) -> &str {
            self.country
        }
    }

    #[test]
    fn a_field_no_record_had_makes_the_answer_unknown() {
        let filter = Filter::parse("country:DE ofbl>200 status:5xx").unwrap();
        let mut seen = Seen::of(&filter);
        seen.observe(&Rec::default());
        assert_eq!(
            filter.unknown_over(|f| seen.has(f)),
            vec![Field::OriginFbl, Field::Country]
        );
        assert_eq!(
            filter.unknown_reason(&[Field::Country]),
            "no record read has c-country, which the filter `country:DE ofbl>200 status:5xx` tests"
        );
        // One thread's record with a country, another's with a first-byte latency.
        let mut other = Seen::of(&filter);
        other.observe(&Rec {
            country: "DE",
            ..Rec::default()
        });
        seen.merge(other);
        assert_eq!(filter.unknown_over(|f| seen.has(f)), vec![Field::OriginFbl]);
        seen.observe(&Rec {
            fbl: Some(12),
            ..Rec::default()
        });
        assert!(filter.unknown_over(|f| seen.has(f)).is_empty());
        // A filter on fields every record has, or none, is never unknown.
        let plain = Filter::parse("status:5xx path:/api/*").unwrap();
        assert!(plain.unknown_over(|f| Seen::of(&plain).has(f)).is_empty());
        assert!(
            Filter::all()
                .unknown_over(|f| Seen::default().has(f))
                .is_empty()
        );
    }
}
