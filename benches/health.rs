//! Batch health scoring of 1,000,000 accounts × the default scorecard (issue #4), beside the
//! memory-bound floor: one pass that only sums the same input columns. Best of 15 rounds (this
//! machine kind varies ±15% between runs, more between processes: run it three times and
//! take the best); `benches/health_python.py` and `benches/health_c.c` time the same work from
//! Python (numpy, and a pandas version as an analyst would write it) and C.
//!
//! `cargo bench -p csops-benches --bench health`; `CSOPS_BENCH_ACCOUNTS` and
//! `CSOPS_BENCH_ROUNDS` change the book's size and the rounds (a book of 50,000 accounts in
//! cache, best of 300, compares kernel changes with less noise).

use std::hint::black_box;
use std::time::Instant;

use csops_benches::{book, floor_sum};
use csops_core::health::{Batch, Scorecard};

fn best_of(mut f: impl FnMut()) -> f64 {
    (0..std::env::var("CSOPS_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15))
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64() * 1e3
        })
        .fold(f64::MAX, f64::min)
}

fn main() {
    let card = Scorecard::default();
    let n: usize = std::env::var("CSOPS_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let cols = book(&card, n);
    let floor = best_of(|| {
        let mut total = 0.0;
        for c in &cols {
            total += floor_sum(c);
        }
        black_box(total);
    });
    let mut batch = Batch::new(&card, n);
    for (id, c) in card.measures().iter().zip(&cols) {
        batch = batch.values(id, c).expect("column");
    }
    let (mut score, mut band, mut coverage) = (vec![0.0; n], vec![0u8; n], vec![0.0; n]);
    for threads in [1, 2] {
        let batch = batch.clone().threads(threads);
        let scored = best_of(|| {
            batch
                .score_into(&mut score, &mut band, &mut coverage)
                .expect("scores");
            black_box(&score);
        });
        let unknown = band
            .iter()
            .filter(|b| **b == csops_core::health::UNKNOWN_CODE)
            .count();
        println!(
            "{n} accounts x {} measures: floor (read the columns) {floor:.1} ms; Batch::score_into on {threads} thread(s) {scored:.1} ms = {:.2}x the floor ({:.1} ns/account; {unknown} Unknown)",
            card.measures().len(),
            scored / floor,
            scored / n as f64 * 1e6
        );
    }
    // The dated book: every value with an observation day, each account with a previous band,
    // scored as of a day (staleness and hysteresis: the per-measure passes). The same columns
    // as benches/health_c.c's dated row.
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).expect("a day");
    let day = csops_core::health::epoch_days(as_of);
    let observed: Vec<Vec<i64>> = (0..cols.len() as i64)
        .map(|k| {
            (0..n as i64)
                .map(|i| day - (i * 7 + k * 13) % 400)
                .collect()
        })
        .collect();
    let previous: Vec<u8> = (0..n).map(|i| [0, 1, 2, 255][i % 4]).collect();
    let mut dated = batch.clone().as_of(as_of);
    for (id, days) in card.measures().iter().zip(&observed) {
        dated = dated.observed(id, days).expect("days");
    }
    let dated = dated.previous_bands(&previous).expect("bands");
    let scored = best_of(|| {
        dated
            .score_into(&mut score, &mut band, &mut coverage)
            .expect("scores");
        black_box(&score);
    });
    println!(
        "dated book (observation days, previous bands, as_of) on 1 thread: {scored:.1} ms = {:.2}x the floor ({:.1} ns/account)",
        scored / floor,
        scored / n as f64 * 1e6
    );
}
