//! The Rust side of the surface comparison, timed exactly like benches/c_apply.c and
//! benches/python_apply.py (best of 5 rounds of 1,000,000 calls; the time parsed per call, as the
//! bindings must): `Workflow::check` of an accepted `block` on an unchanging request.
//!
//! `cargo bench -p csops-benches --bench baseline`

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Utc};
use csops_core::Directory;
use csops_core::workflow::{Command, Workflow};

fn main() {
    let dir = Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}"#)
        .expect("directory");
    let wf = Workflow::with_directory(dir);
    let req = wf
        .load_request(
            r#"{"id": 1, "title": "bench", "author": "rita", "labels": ["CSOps", "Gainsight", "CSOps::In_Process"],
                "assignee": "omar", "weight": 3, "created_at": "2026-01-05T09:00:00Z"}"#,
        )
        .expect("request");
    let cmd = Command::Block {
        reason: Some("waiting".into()),
    };
    let n = 1_000_000;
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t0 = Instant::now();
        for _ in 0..n {
            let at: DateTime<Utc> = black_box("2026-01-05T10:00:00Z").parse().expect("time");
            let ok = wf
                .check(black_box(&req), &cmd, black_box("omar"), at)
                .is_ok();
            assert!(ok);
        }
        best = best.min(t0.elapsed().as_nanos() as f64 / f64::from(n));
    }
    println!("Workflow::check (Rust, time parsed per call): {best:6.0} ns/call");
}
