//! Scale: a 10,000-record import, and 10,000 package lookups against it (the scanner's load for a
//! large image), timed.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::time::Instant;

use seatbelt_vulndb::{import, ImportOptions, VulnDb};

#[test]
fn ten_thousand_records_import_and_ten_thousand_lookups_are_fast() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("PyPI-all.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&corpus).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..10_000 {
        zip.start_file(format!("PYSEC-2099-{i}.json"), options)
            .unwrap();
        write!(
            zip,
            r#"{{"id":"PYSEC-2099-{i}","modified":"2099-01-01T00:00:00Z","aliases":["CVE-2099-{i}"],
               "affected":[{{"package":{{"ecosystem":"PyPI","name":"Pkg_{}"}},
               "ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"1.{i}"}}]}}],
               "versions":["1.0","1.1","1.2"]}}]}}"#,
            i % 5_000
        )
        .unwrap();
    }
    zip.finish().unwrap();
    let db_path = dir.path().join("db");
    let started = Instant::now();
    let report = import(&db_path, &[corpus], &ImportOptions::default()).unwrap();
    let import_time = started.elapsed();
    assert_eq!(report.imported(), 10_000);
    assert_eq!(report.malformed(), 0);

    let db = VulnDb::open(&db_path).unwrap();
    let started = Instant::now();
    let mut hits = 0;
    for i in 0..10_000 {
        // Half the names exist (two advisories each), half do not.
        let name = if i % 2 == 0 {
            format!("pkg-{}", i / 2)
        } else {
            format!("absent-{i}")
        };
        hits += db.affected("PyPI", &name).unwrap().len();
    }
    let lookup_time = started.elapsed();
    assert_eq!(hits, 10_000);
    eprintln!("10k-record import {import_time:?}; 10k lookups {lookup_time:?}");
    // Generous for unoptimised test builds on a loaded CI machine; release figures are in
    // docs/benchmarks.md.
    assert!(
        lookup_time.as_millis() < 2_000,
        "10k lookups took {lookup_time:?}"
    );
}
