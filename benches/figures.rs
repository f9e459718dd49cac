//! The Rust figures of the side-by-side report (issue #6), on one core: throughput of every hot
//! path and the memory figures — allocations per command and per scored account, bytes per
//! request, peak resident memory. A counting allocator wraps the system one, so the counts are
//! exact; times are the best of several rounds (this machine kind varies ±15–30 % between
//! runs). Prints one JSON object (`--json`, what `benches/side_by_side.py` reads) or a table.
//!
//! `cargo bench -p csops-benches --bench figures [-- --json]`

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use csops_benches::{LABELS, book, directory, floor_sum, gitlab_issue, peak_mib};
use csops_core::health::{Batch, ScoreContext, Scorecard, Values};
use csops_core::label::Label;
use csops_core::workflow::{Command, Request, Workflow};
use csops_core::{gitlab, metrics};
use serde_json::{Value, json};

/// The system allocator, counting allocations and live bytes (and their peak).
struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call goes to `System` with the caller's arguments; the counters only observe.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        // SAFETY: the caller's layout, as GlobalAlloc::alloc requires.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Relaxed);
        if new_size >= layout.size() {
            let live = LIVE.fetch_add(new_size - layout.size(), Relaxed) + new_size - layout.size();
            PEAK.fetch_max(live, Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Relaxed);
        }
        // SAFETY: as GlobalAlloc::realloc requires, from the caller.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made while `f` runs.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCS.load(Relaxed);
    let out = f();
    (out, ALLOCS.load(Relaxed) - before)
}

/// Best of `rounds` runs of `f`, in seconds; `setup` makes each run's input untimed.
fn best<I, T>(rounds: usize, mut setup: impl FnMut() -> I, mut f: impl FnMut(I) -> T) -> f64 {
    (0..rounds)
        .map(|_| {
            let input = setup();
            let t0 = Instant::now();
            let out = black_box(f(input));
            let t = t0.elapsed().as_secs_f64();
            // What the run returns (requests, scores) is dropped untimed.
            drop(out);
            t
        })
        .fold(f64::MAX, f64::min)
}

const T0: &str = "2026-01-05T09:00:00Z";

fn t0() -> DateTime<Utc> {
    T0.parse().unwrap_or_else(|e| panic!("{e}"))
}

/// The workflow of the Python harness: its directory (a lead per workstream, cs_ops members, a
/// Gainsight admin).
fn workflow() -> Workflow {
    Workflow::with_directory(directory())
}

/// One command of a stream: the request's index, the command, the actor and the time.
type Timed = (usize, Command, &'static str, DateTime<Utc>);

/// The command stream of `benches/side_by_side.py`: each request's life from New to Completed
/// with the usual mistakes (a non-lead triaging, a block without a reason, a self-review, an
/// incomplete checklist), interleaved across requests. One in three is rejected.
fn stream(wf: &Workflow, n: usize) -> (Vec<Request>, Vec<Timed>) {
    let checklist = json!({"handbook_updated": "not_applicable", "gainsight_changelog": true,
        "stakeholders_communicated": true, "lead_informed": {"summary": "done", "next_steps": "none"}});
    let mut requests = Vec::with_capacity(n);
    let mut lives = Vec::with_capacity(n);
    for i in 0..n {
        let gainsight = i % 2 == 0;
        let (lead, who) = if gainsight {
            ("lena", "omar")
        } else {
            ("ana", "pat")
        };
        let team = if gainsight {
            "Gainsight"
        } else {
            "CS Analytics"
        };
        let kind = if gainsight {
            "gainsight_rule"
        } else {
            "dashboard"
        };
        let json = json!({"id": i + 1, "title": format!("r{i}"), "author": "rita", "labels": ["CSOps", team],
                          "change_kind": kind, "created_at": T0});
        requests.push(
            wf.load_request(&json.to_string())
                .unwrap_or_else(|e| panic!("request {i}: {e}")),
        );
        let life: [(Value, &'static str); 12] = [
            (json!({"type": "triage"}), who),
            (json!({"type": "triage"}), lead),
            (json!({"type": "ready", "weight": 3}), lead),
            (json!({"type": "start"}), who),
            (json!({"type": "block"}), who),
            (json!({"type": "block", "reason": "waiting on data"}), who),
            (json!({"type": "unblock"}), who),
            (
                json!({"type": "request_review", "reviewer": who, "summary": "s"}),
                who,
            ),
            (
                json!({"type": "request_review", "reviewer": "gia", "summary": "s"}),
                who,
            ),
            (
                json!({"type": "complete", "checklist": {"handbook_updated": true}}),
                who,
            ),
            (json!({"type": "approve_review"}), "gia"),
            (json!({"type": "complete", "checklist": checklist}), who),
        ];
        lives.push(life.map(|(c, who)| {
            (
                Command::read(&c).unwrap_or_else(|e| panic!("command: {e}")),
                who,
            )
        }));
    }
    let mut out = Vec::with_capacity(n * 12);
    for step in 0..12 {
        for (i, life) in lives.iter().enumerate() {
            let (cmd, who) = &life[step];
            out.push((i, cmd.clone(), *who, t0() + Duration::minutes(step as i64)));
        }
    }
    (requests, out)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json_out = args.iter().any(|a| a == "--json");
    // Sections named on the command line (`labels`, `commands`, `gitlab`, `health`, `metrics`)
    // run alone, to profile one; cargo's own `--bench` flag is not a section.
    let only: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let want = |section: &str| only.is_empty() || only.contains(&section);
    let mut figures = serde_json::Map::new();
    let mut put = |key: &str, value: f64, what: &str| {
        if !json_out {
            println!("{what:<78} {value:>14.3}");
        }
        figures.insert(key.to_owned(), json!(value));
    };

    // Labels: the nine spellings of the workflow bench, parsed.
    let rounds = 200_000;
    if want("labels") {
        let t = best(
            7,
            || (),
            |()| {
                for _ in 0..rounds {
                    for l in LABELS {
                        black_box(Label::parse(black_box(l)).is_ok());
                    }
                }
            },
        );
        put(
            "labels_per_s",
            (rounds * LABELS.len()) as f64 / t,
            "label parsing, labels/s (9 mixed spellings)",
        );
    }

    // Commands: the Python harness's stream, applied in Rust.
    if want("commands") {
        let wf = workflow();
        let n_requests = 20_000;
        let (requests, cmds) = stream(&wf, n_requests);
        // One untimed run counts the allocations and the accepted commands, and leaves the
        // requests at the end of their lives (12 commands, 8 steps each) for what follows.
        let (mut done, stream_copy) = (requests.clone(), cmds.clone());
        // The commands move into apply (as in the timed loop): no clone is counted. Each
        // command's allocations are counted alone, from the call to the drop of its result.
        let (mut accepted, mut allocs, mut accepted_allocs) = (0usize, 0usize, 0usize);
        for (i, c, who, at) in stream_copy {
            let (ok, n) = allocations(|| wf.apply(&mut done[i], c, who, at).is_ok());
            allocs += n;
            if ok {
                accepted += 1;
                accepted_allocs += n;
            }
        }
        let t = best(
            7,
            || (requests.clone(), cmds.clone()),
            |(mut reqs, cmds)| {
                for (i, c, who, at) in cmds {
                    black_box(wf.apply(&mut reqs[i], c, who, at).is_ok());
                }
                reqs
            },
        );
        put(
            "commands_per_s",
            cmds.len() as f64 / t,
            &format!(
                "command application, commands/s ({} commands, {accepted} accepted)",
                cmds.len()
            ),
        );
        put(
            "allocations_per_command",
            allocs as f64 / cmds.len() as f64,
            "allocations per command (accepted and rejected, transition returned)",
        );
        put(
            "allocations_per_accepted_command",
            accepted_allocs as f64 / accepted as f64,
            "allocations per accepted command (transition returned and dropped)",
        );
        put(
            "allocations_per_rejected_command",
            (allocs - accepted_allocs) as f64 / (cmds.len() - accepted) as f64,
            "allocations per rejected command (rejection returned and dropped)",
        );

        // Bytes per request: the completed requests, copied.
        let live_before = LIVE.load(Relaxed);
        let copy = done.clone();
        let per_request = (LIVE.load(Relaxed) - live_before) as f64 / n_requests as f64;
        drop(copy);
        put(
            "bytes_per_request",
            per_request,
            "bytes per request (completed, 8 history steps; heap + inline)",
        );

        // History replay of the completed requests.
        let steps: usize = done.iter().map(|r| r.history().len()).sum();
        let t = best(
            5,
            || (),
            |()| {
                for (first, last) in requests.iter().zip(&done) {
                    black_box(wf.replay(first, last.history()).is_ok());
                }
            },
        );
        put(
            "replay_steps_per_s",
            steps as f64 / t,
            "history replay, steps/s",
        );

        // Board report over the completed requests.
        let as_of = t0() + Duration::days(30);
        let t = best(7, || (), |()| wf.board_report(&done, as_of).is_ok());
        put(
            "board_report_ms",
            t * 1e3,
            &format!("board report over {n_requests} requests, ms"),
        );
    }

    // Label-event reconstruction: 10,000 GitLab issues × 20 events, read then reconstructed.
    if want("gitlab") {
        let n_issues = 10_000;
        let gl = workflow();
        let (issues, events): (Vec<String>, Vec<String>) = (1..=n_issues).map(gitlab_issue).unzip();
        let read = gitlab::read_issues(&format!("[{}]", issues.join(",")), gl.config())
            .unwrap_or_else(|e| panic!("issues: {e}"));
        let events: Vec<_> = events
            .iter()
            .map(|e| gitlab::read_label_events(e).unwrap_or_else(|e| panic!("events: {e}")))
            .collect();
        let n_events: usize = events.iter().map(Vec::len).sum();
        let t = best(
            5,
            || (),
            |()| {
                for (req, ev) in read.requests.iter().zip(&events) {
                    black_box(gitlab::reconstruct(&gl, req, ev).is_ok());
                }
            },
        );
        put(
            "reconstruct_events_per_s",
            n_events as f64 / t,
            "label-event reconstruction, events/s (read events in)",
        );
    }

    // Health: one account with its explanation, then the batch beside the floor.
    let card = Scorecard::default();
    let n = 1_000_000;
    let cols = book(&card, n);
    if want("health") {
        let values = Values::from_json(
            &serde_json::Value::Object(
                card.measures()
                    .iter()
                    .zip(&cols)
                    .filter_map(|(id, c)| {
                        let v = c.iter().copied().find(|x| !x.is_nan())?;
                        Some((id.clone(), json!(v)))
                    })
                    .collect(),
            )
            .to_string(),
        )
        .unwrap_or_else(|e| panic!("values: {e}"));
        let ctx = ScoreContext::default();
        let singles = 20_000;
        let t = best(
            5,
            || (),
            |()| {
                for _ in 0..singles {
                    black_box(card.score(&values, &ctx).is_ok());
                }
            },
        );
        put(
            "single_score_us",
            t / singles as f64 * 1e6,
            "single score with its explanation, µs/account",
        );
        put(
            "allocations_per_single_score",
            allocations(|| card.score(&values, &ctx).is_ok()).1 as f64,
            "allocations per single score (the explanation's strings and lists)",
        );
        let floor = best(
            9,
            || (),
            |()| cols.iter().map(|c| floor_sum(c)).sum::<f64>(),
        );
        let mut batch = Batch::new(&card, n);
        for (id, c) in card.measures().iter().zip(&cols) {
            batch = batch
                .values(id, c)
                .unwrap_or_else(|e| panic!("column {id}: {e}"));
        }
        let batch = batch.threads(1);
        let (mut score, mut band, mut coverage) = (vec![0.0; n], vec![0u8; n], vec![0.0; n]);
        let t = best(
            9,
            || (),
            |()| {
                batch
                    .score_into(&mut score, &mut band, &mut coverage)
                    .is_ok()
            },
        );
        put(
            "floor_ms",
            floor * 1e3,
            "floor: read 1,000,000 × 11 columns once, ms",
        );
        put(
            "batch_ms",
            t * 1e3,
            "batch scoring 1,000,000 accounts, 1 thread, ms",
        );
        put("batch_floor_ratio", t / floor, "batch ÷ floor");
        let ((), allocs) = allocations(|| {
            black_box(
                batch
                    .score_into(&mut score, &mut band, &mut coverage)
                    .is_ok(),
            );
        });
        put(
            "allocations_per_scored_account",
            allocs as f64 / n as f64,
            "allocations per scored account (batch into caller's arrays)",
        );
    }

    // Metrics over 1,000,000 answers / accounts.
    if want("metrics") {
        let answers: Vec<i64> = cols[0].iter().map(|x| (x.max(0.0) as i64) % 11).collect();
        let start: Vec<f64> = cols[1].iter().map(|x| x.max(0.0) * 1000.0).collect();
        let now: Vec<f64> = cols[2].iter().map(|x| x.max(0.0) * 1000.0).collect();
        put(
            "nps_ms",
            best(9, || (), |()| metrics::nps(&answers).is_ok()) * 1e3,
            "NPS over 1,000,000 answers, ms",
        );
        put(
            "nrr_per_account_ms",
            best(
                9,
                || (),
                |()| metrics::nrr_per_account(&start, &now).is_ok(),
            ) * 1e3,
            "NRR per account over 1,000,000 accounts, ms",
        );
    }
    put(
        "heap_peak_mib",
        PEAK.load(Relaxed) as f64 / (1024.0 * 1024.0),
        "peak heap, MiB",
    );
    put(
        "peak_rss_mib",
        peak_mib(),
        "peak resident memory (VmHWM), MiB",
    );
    if json_out {
        println!("{}", Value::Object(figures));
    }
}
