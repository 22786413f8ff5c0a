//! Fuzz target: any bytes (plain or gzip) through the reader, the parser, every accessor and
//! every export format; nothing may panic and the counts must add up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shipdeck::accesslog::{Exporter, Field, Format};
use shipdeck::accesslog_io::read_bytes;

fuzz_target!(|data: &[u8]| {
    let mut seen = 0u64;
    let mut out = String::new();
    let mut tsv = Exporter::new(Format::Tsv);
    let report = read_bytes(data, "fuzz", &mut |v| {
        seen += 1;
        for f in Field::ALL {
            let _ = (v.raw(f), v.text(f));
        }
        let _ = (v.client_ip(), v.timestamp(), v.cs_bytes(), v.client_port());
        Exporter::new(Format::Jsonl).write(v, &mut out);
        Exporter::new(Format::Pretty).write(v, &mut out);
        tsv.write(v, &mut out);
        out.clear();
    });
    assert_eq!(report.records, seen);
    assert!(report.records + report.skipped <= report.lines);
});
