//! Workflow benchmarks (issue #2): label parsing / normalisation, applying an accepted command
//! (history recorded), and replaying a 50-step history.
//!
//! `cargo bench -p csops-benches --bench workflow`; throughput is reported per label / command /
//! replay. Targets on one core: ≥ 20 M label parses/s, ≥ 5 M accepted commands/s.

use std::hint::black_box;

use chrono::{DateTime, Duration, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use csops_benches::LABELS;
use csops_core::label::{Label, Taxonomy};
use csops_core::workflow::{Command, Request, Workflow};
use csops_core::{Directory, State};

fn workflow() -> Workflow {
    Workflow::with_directory(
        Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}"#)
            .expect("bench directory"),
    )
}

fn t0() -> DateTime<Utc> {
    "2026-01-05T09:00:00Z".parse().expect("time")
}

fn in_process(wf: &Workflow) -> Request {
    let json = r#"{"id": 1, "title": "bench", "author": "rita", "labels": ["CSOps", "Gainsight", "CSOps::In_Process"],
                   "assignee": "omar", "weight": 3, "created_at": "2026-01-05T09:00:00Z"}"#;
    wf.load_request(json).expect("bench request")
}

fn labels(c: &mut Criterion) {
    let mut g = c.benchmark_group("labels");
    g.throughput(Throughput::Elements(LABELS.len() as u64));
    g.bench_function("parse_9_mixed", |b| {
        b.iter(|| {
            for l in LABELS {
                black_box(Label::parse(black_box(l)).ok());
            }
        })
    });
    let tax = Taxonomy::default_ref();
    g.bench_function("state_of_9_mixed", |b| {
        b.iter(|| {
            for l in LABELS {
                black_box(tax.state_of(black_box(l)));
            }
        })
    });
    g.finish();
}

fn apply(c: &mut Criterion) {
    let wf = workflow();
    let base = in_process(&wf);
    let mut g = c.benchmark_group("apply");
    // Two accepted commands per iteration (block, then unblock), each recorded in the history.
    g.throughput(Throughput::Elements(2));
    g.bench_function("block_unblock_accepted", |b| {
        b.iter_batched_ref(
            || (base.clone(), t0()),
            |(req, now)| {
                *now += Duration::minutes(1);
                let a = wf.apply(
                    req,
                    Command::Block {
                        reason: Some("waiting".into()),
                    },
                    "omar",
                    *now,
                );
                let b = wf.apply(req, Command::Unblock, "omar", *now);
                black_box((a.is_ok(), b.is_ok()))
            },
            BatchSize::SmallInput,
        )
    });
    g.throughput(Throughput::Elements(1));
    // The same call as `Workflow.can_apply` in benches/python_apply.py: the binding's overhead
    // is the difference.
    g.bench_function("check_accepted_block", |b| {
        let cmd = Command::Block {
            reason: Some("waiting".into()),
        };
        let at = t0() + Duration::hours(1);
        b.iter(|| black_box(wf.check(&base, &cmd, "omar", black_box(at)).is_ok()))
    });
    g.bench_function("check_rejected_not_permitted", |b| {
        let cmd = Command::Block {
            reason: Some("x".into()),
        };
        let at = t0() + Duration::hours(1);
        b.iter(|| black_box(wf.check(&base, &cmd, "gia", black_box(at)).is_err()))
    });
    g.finish();
}

fn replay(c: &mut Criterion) {
    let wf = workflow();
    let initial = in_process(&wf);
    let mut req = initial.clone();
    let mut now = t0();
    while req.history().len() < 50 {
        now += Duration::hours(1);
        let cmd = if req.state() == State::InProcess {
            Command::Block {
                reason: Some("waiting on data".into()),
            }
        } else {
            Command::Unblock
        };
        wf.apply(&mut req, cmd, "omar", now).expect("bench step");
    }
    let mut g = c.benchmark_group("replay");
    g.throughput(Throughput::Elements(1));
    g.bench_function("history_50_steps", |b| {
        b.iter(|| black_box(wf.replay(&initial, req.history()).is_ok()))
    });
    g.finish();
}

criterion_group!(benches, labels, apply, replay);
criterion_main!(benches);
