//! Reading and reconstructing GitLab issues from their label events, and the board report over
//! them (issue #5): 100,000 issues × 20 resource label events, in GitLab's JSON as the API
//! returns it (one events list per issue), on one core. Prints the time of each part, label
//! events per second end to end, and the process's peak memory (VmHWM) before and after.
//!
//! `cargo bench -p csops-benches --bench gitlab`; `CSOPS_BENCH_ISSUES` changes the count.

use std::hint::black_box;
use std::time::Instant;

use csops_benches::{gitlab_issue as issue, peak_mib};
use csops_core::{Workflow, gitlab};

fn main() {
    let n: usize = std::env::var("CSOPS_BENCH_ISSUES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let wf = Workflow::with_directory(csops_benches::directory());
    let (issues, events): (Vec<String>, Vec<String>) = (1..=n).map(issue).unzip();
    let issues_json = format!("[{}]", issues.join(","));
    let text_mib = (issues_json.len() + events.iter().map(String::len).sum::<usize>()) as f64
        / (1024.0 * 1024.0);
    let before = peak_mib();

    let t0 = Instant::now();
    let read = gitlab::read_issues(&issues_json, wf.config()).expect("issues");
    let t_issues = t0.elapsed().as_secs_f64();
    assert!(read.errors.is_empty());
    // The same issues again, for the run on every core below.
    let work: Vec<(csops_core::Request, &str)> = read
        .requests
        .iter()
        .cloned()
        .zip(events.iter().map(String::as_str))
        .collect();
    // The fast path: each issue's events read from their JSON and reconstructed in one call.
    let t1 = Instant::now();
    let mut violations = 0usize;
    let mut requests = Vec::with_capacity(n);
    // Each issue as read is dropped once reconstructed (a pipeline keeps one copy).
    for (req, text) in read.requests.into_iter().zip(&events) {
        let rec = gitlab::reconstruct_json(&wf, &req, text).expect("reconstruct");
        violations += rec.violations.len();
        requests.push(rec.request);
    }
    let t_events = t1.elapsed().as_secs_f64();
    // The same through owned events (`read_label_events`, then `reconstruct`), for comparison.
    let (mut t_read, mut t_rec, mut total_events) = (0.0, 0.0, 0usize);
    for (req, text) in requests.iter().zip(&events) {
        let a = Instant::now();
        let ev = gitlab::read_label_events(text).expect("events");
        let b = Instant::now();
        black_box(gitlab::reconstruct(&wf, req, &ev).expect("reconstruct"));
        t_read += (b - a).as_secs_f64();
        t_rec += b.elapsed().as_secs_f64();
        total_events += ev.len();
    }
    // Every core: the issues split into runs, one thread each (results in order, the same).
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let t4 = Instant::now();
    black_box(gitlab::reconstruct_all_json(&wf, &work, 1));
    let t_serial = t4.elapsed().as_secs_f64();
    let t3 = Instant::now();
    let all = gitlab::reconstruct_all_json(&wf, &work, threads);
    let t_parallel = t3.elapsed().as_secs_f64();
    assert_eq!(
        all.iter()
            .flatten()
            .map(|r| r.violations.len())
            .sum::<usize>(),
        violations
    );
    drop((all, work));
    // Every core from the texts: each issue and its events read and reconstructed on the
    // threads (`reconstruct_issues_json`), then the board report.
    let texts: Vec<(&str, &str)> = issues
        .iter()
        .map(String::as_str)
        .zip(events.iter().map(String::as_str))
        .collect();
    let t5 = Instant::now();
    let from_texts = gitlab::reconstruct_issues_json(&wf, &texts, threads);
    let t_texts = t5.elapsed().as_secs_f64();
    assert!(from_texts.iter().all(Result::is_ok));
    drop((from_texts, texts));
    let t2 = Instant::now();
    let report = wf
        .board_report(&requests, "2026-03-16T00:00:00Z".parse().expect("time"))
        .expect("report");
    let t_report = t2.elapsed().as_secs_f64();
    black_box(&report);
    let total = t_issues + t_events + t_report;
    println!(
        "{n} issues, {total_events} label events ({text_mib:.0} MiB of GitLab JSON), {violations} violations, {} steps",
        requests.iter().map(|r| r.history().len()).sum::<usize>()
    );
    println!(
        "read issues {:.0} ms; read and reconstruct the events (reconstruct_json) {:.0} ms; board report {:.0} ms; total {:.0} ms",
        t_issues * 1e3,
        t_events * 1e3,
        t_report * 1e3,
        total * 1e3
    );
    println!(
        "end to end {:.2} M label events/s on one core; peak memory {before:.0} MiB with the JSON in memory, {:.0} MiB after",
        total_events as f64 / total / 1e6,
        peak_mib()
    );
    println!(
        "reconstruct_all_json: read and reconstruct the events {:.0} ms on 1 thread, {:.0} ms on {threads}; end to end {:.2} M label events/s",
        t_serial * 1e3,
        t_parallel * 1e3,
        total_events as f64 / (t_issues + t_parallel + t_report) / 1e6
    );
    println!(
        "reconstruct_issues_json: read the issues and their events and reconstruct them {:.0} ms on {threads} threads; end to end with the board report {:.2} M label events/s",
        t_texts * 1e3,
        total_events as f64 / (t_texts + t_report) / 1e6
    );
    println!(
        "owned events instead: read_label_events {:.0} ms + reconstruct {:.0} ms ({:.2} M events/s)",
        t_read * 1e3,
        t_rec * 1e3,
        total_events as f64 / (t_read + t_rec) / 1e6
    );
}
