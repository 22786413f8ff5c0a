//! Tests of the byte-level scanning: column splitting (SIMD and portable agree), integers,
//! seconds, dates and times.

use super::*;

fn cols(line: &str) -> Vec<&str> {
    let mut starts = [0u32; 256 + SLACK];
    let n = split_columns(line.as_bytes(), &mut starts).unwrap();
    (0..n)
        .map(|i| &line[starts[i] as usize..starts[i + 1] as usize - 1])
        .collect()
}

#[test]
fn splits_on_every_tab_at_any_offset() {
    assert_eq!(cols(""), vec![""]);
    assert_eq!(cols("a"), vec!["a"]);
    assert_eq!(cols("\t"), vec!["", ""]);
    let long = "abcdefg\thij\t\tklmnopqrstuvwxyz0123\tx\t";
    assert_eq!(long.split('\t').collect::<Vec<_>>(), cols(long));
    for n in 0..200 {
        let s: String = (0..n)
            .map(|i| if i % 3 == 1 { '\t' } else { 'x' })
            .collect();
        assert_eq!(s.split('\t').collect::<Vec<_>>(), cols(&s), "{s:?}");
    }
    let mut few = [0u32; 2 + SLACK];
    assert!(split_columns(b"a\tb\tc", &mut few).is_none());
    assert_eq!(split_columns(b"a\tb", &mut few), Some(2));
    assert_eq!(split_columns("é\tb".as_bytes(), &mut few), Some(2));
}

#[test]
fn the_simd_and_portable_block_masks_agree() {
    let mut block = [b'x'; 64];
    for i in 0..64 {
        block[i] = b'\t';
        block[(i * 7 + 3) % 64] = 0xC3;
        assert_eq!(
            block_mask(&block, false),
            block_mask_swar(&block, false),
            "{i}"
        );
        block[(i * 7 + 3) % 64] = b'a';
        assert_eq!(
            block_mask(&block, false),
            block_mask_swar(&block, false),
            "{i}"
        );
    }
    assert_eq!(block_mask(&[b'\t'; 64], false), (u64::MAX, 64));
}

#[test]
fn word_at_a_time_integers_agree_with_the_simple_parser() {
    let samples = [
        "0",
        "7",
        "42",
        "200",
        "0915",
        "51432",
        "1234567",
        "12345678",
        "123456789",
        "-",
        "",
        "12a4",
        "1 3",
        "99999999",
        "00000000",
        "1/2",
        ":",
        "9:",
        "4x",
        "+1",
        "1.5",
    ];
    for v in samples {
        for pre in ["", "x", "\tabcdefgh\t", "0123456789\t"] {
            let line = format!("{pre}{v}\tmore");
            let (a, b) = (pre.len(), pre.len() + v.len());
            assert_eq!(
                parse_u64_at(line.as_bytes(), a, b),
                parse_u64(v.as_bytes()),
                "{line:?}"
            );
        }
    }
    for n in 0..100_000u64 {
        let line = format!("abcdefghij\t{}", n * 997);
        let b = line.len();
        assert_eq!(parse_u64_at(line.as_bytes(), 11, b), Some(n * 997));
    }
    for byte in 0..=255u8 {
        let line = [b'x', b'x', b'x', b'x', b'x', b'1', byte, b'2', b'3'];
        let want = parse_u64(&line[5..]);
        assert_eq!(parse_u64_at(&line, 5, 9), want, "{byte}");
    }
}

#[test]
fn numbers_dates_and_times() {
    assert_eq!(parse_u64(b"0"), Some(0));
    assert_eq!(
        parse_u64(b"18446744073709551"),
        Some(18_446_744_073_709_551)
    );
    assert_eq!(parse_u64(b"-"), None);
    assert_eq!(parse_u64(b""), None);
    assert_eq!(parse_u64(b"12a"), None);
    assert_eq!(parse_seconds_ms(b"0.001"), Some(1));
    assert_eq!(parse_seconds_ms(b"12.3"), Some(12_300));
    assert_eq!(parse_seconds_ms(b"2"), Some(2_000));
    assert_eq!(parse_seconds_ms(b"1.23456"), Some(1_234));
    assert_eq!(parse_seconds_ms(b"1.2x"), None);
    assert_eq!(parse_seconds_ms(b"."), None);
    assert_eq!(parse_seconds_ms(b"99999999999"), None);
    // The short path (digits, a dot, three digits) agrees with the general one everywhere.
    for text in [
        "0.000",
        "0.012",
        "12.345",
        "4294967.295",
        "4294967.296",
        "99999999.999",
        ".123",
        "1.2x3",
        "1..23",
        "-1.234",
        "123456789.123",
        "00000001.001",
        "1.0000",
    ] {
        let short = parse_seconds_ms(text.as_bytes());
        assert_eq!(short, seconds_ms_any(text.as_bytes()), "{text}");
    }
    assert_eq!(parse_seconds_ms(b"4294967.295"), Some(u32::MAX));
    assert_eq!(parse_seconds_ms(b"4294967.296"), None);
    assert_eq!(parse_date_days(b"1970-01-01"), Some(0));
    assert_eq!(parse_date_days(b"2000-02-29"), Some(11_016));
    assert_eq!(parse_date_days(b"2026-11-25"), Some(20_782));
    assert_eq!(parse_date_days(b"2025-02-29"), None);
    assert_eq!(parse_date_days(b"2025-13-01"), None);
    assert_eq!(parse_date_days(b"2025/01/01"), None);
    assert_eq!(parse_time_secs(b"09:00:01"), Some(32_401));
    assert_eq!(parse_time_secs(b"24:00:00"), None);
    assert_eq!(parse_time_secs(b"9:00:01"), None);
}

#[test]
fn epoch_seconds() {
    use super::parse_epoch_seconds_ms;
    assert_eq!(
        parse_epoch_seconds_ms(b"1795597200"),
        Some(1_795_597_200_000)
    );
    assert_eq!(
        parse_epoch_seconds_ms(b"1795597200.123"),
        Some(1_795_597_200_123)
    );
    assert_eq!(
        parse_epoch_seconds_ms(b"1795597200.5"),
        Some(1_795_597_200_500)
    );
    assert_eq!(
        parse_epoch_seconds_ms(b"1795597200.123456"),
        Some(1_795_597_200_123)
    );
    for bad in [&b""[..], b".", b"1.2.3", b"x", b"99999999999999", b"1.x"] {
        assert_eq!(parse_epoch_seconds_ms(bad), None, "{bad:?}");
    }
}
