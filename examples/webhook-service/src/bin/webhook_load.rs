//! Load on the webhook service from a second process, on loopback: starts the service binary
//! (built beside this one) against a stand-in GitLab that answers in `--gitlab-ms` (20 ms),
//! sends realistic Issue Hook deliveries from `--concurrency` connections — triages allowed,
//! moves refused (each undone through the REST API), label edits that move nothing, issues
//! csops does not manage, and GitLab's retried deliveries (the same UUID again) — and reports
//! requests/s, latency percentiles, the service's memory, and whether every refused move was
//! undone exactly once: per issue, the updates and notes GitLab received equal the refused moves
//! the schedule delivered, the service's answers agree, and every repeat was a duplicate.
//! Bounded by `--events` and `--seconds`. With `--idle N`, N more connections are held open
//! and silent all along (each opened again when the service closes it), as an idle flood would.
//!
//! ```text
//! cargo build --release -p csops-webhook-service
//! target/release/webhook-load --events 1000000 --concurrency 64
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use axum::Router;
use axum::extract::Path as UrlPath;
use axum::routing::{get, post, put};
use serde_json::{Value, json};

struct Args {
    events: u64,
    concurrency: usize,
    gitlab_ms: u64,
    seconds: u64,
    issues: u64,
    idle: u64,
    json: bool,
    /// Judge a first-seen issue from the payload alone (`[catch_up] first_seen_events = false`).
    payload_only: bool,
}

fn args() -> Args {
    let mut a = Args {
        events: 100_000,
        concurrency: 64,
        gitlab_ms: 20,
        seconds: 600,
        issues: 10_000,
        idle: 0,
        json: false,
        payload_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or_else(|| usage(&flag))
        };
        match flag.as_str() {
            "--events" => a.events = value(),
            "--concurrency" => a.concurrency = value() as usize,
            "--gitlab-ms" => a.gitlab_ms = value(),
            "--seconds" => a.seconds = value(),
            "--issues" => a.issues = value().max(20),
            "--idle" => a.idle = value(),
            "--json" => a.json = true,
            "--payload-only" => a.payload_only = true,
            _ => usage(&flag),
        }
    }
    a
}

fn usage(flag: &str) -> ! {
    eprintln!(
        "webhook-load: bad option {flag:?}; options: --events N --concurrency N --gitlab-ms N --seconds N --issues N --idle N --json --payload-only"
    );
    std::process::exit(2);
}

const SECRET: &str = "load-secret";
const PROJECT: u64 = 7;
const BASE: &[&str] = &["CSOps", "CS Analytics"];
const TRIAGE: &[&str] = &["CSOps", "CS Analytics", "CSOps::Triage"];
const TRIAGE_PRIORITY: &[&str] = &["CSOps", "CS Analytics", "CSOps::Triage", "priority::2"];
const IN_PROCESS: &[&str] = &["CSOps", "CS Analytics", "CSOps::In_Process"];

/// Event `i`: issue `i % issues`, its `i / issues`-th change.
fn event(i: u64, issues: u64) -> (String, String) {
    let (iid, round) = (1 + i % issues, i / issues);
    let at = gitlab_time(1_772_442_000 + i);
    let unmanaged = iid % 20 == 0;
    let (actor, before, after): (&str, &[&str], &[&str]) = if unmanaged {
        (
            "omar",
            &["frontend"],
            if round % 2 == 0 {
                &["frontend", "bug"]
            } else {
                &["frontend"]
            },
        )
    } else if round == 0 {
        ("lena", BASE, TRIAGE)
    } else if round % 2 == 1 {
        ("omar", TRIAGE, IN_PROCESS) // refused: undone through the REST API
    } else {
        ("lena", TRIAGE, TRIAGE_PRIORITY) // moves nothing
    };
    let titles = |l: &[&str]| {
        l.iter()
            .map(|t| json!({"id": 200, "title": t}))
            .collect::<Vec<_>>()
    };
    let body = json!({
        "object_kind": "issue", "event_type": "issue",
        "user": {"id": 1, "name": actor, "username": actor, "email": "[REDACTED]"},
        "project": {"id": PROJECT, "name": "ops", "path_with_namespace": "cs/ops", "web_url": "https://gitlab.example.com/cs/ops"},
        "object_attributes": {"id": 1000 + iid, "iid": iid, "title": "Combine two CTA rules", "state": "opened",
            "description": "A request as the CS Ops template has it: what, why, by when.",
            "created_at": "2026-03-01 09:00:00 UTC", "updated_at": at, "author_id": 51, "action": "update",
            "url": format!("https://gitlab.example.com/cs/ops/-/issues/{iid}")},
        "labels": titles(after),
        "changes": {"updated_at": {"previous": "2026-03-01 09:00:00 UTC", "current": at},
                    "labels": {"previous": titles(before), "current": titles(after)}},
        "repository": {"name": "ops", "url": "git@gitlab.example.com:cs/ops.git"},
    });
    (body.to_string(), format!("ev-{i}"))
}

/// A GitLab timestamp, `seconds` after the epoch.
fn gitlab_time(seconds: u64) -> String {
    chrono::DateTime::from_timestamp(seconds as i64, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

/// What the stand-in GitLab was told, per issue: updates and notes.
#[derive(Default)]
struct Gitlab {
    calls: std::sync::Mutex<BTreeMap<u64, (u64, u64)>>,
}

impl Gitlab {
    fn told(&self, iid: u64, note: bool) {
        if let Ok(mut calls) = self.calls.lock() {
            let c = calls.entry(iid).or_default();
            if note { c.1 += 1 } else { c.0 += 1 }
        }
    }
}

/// Whether event `i` is a move the process refuses (see `event`).
fn refused_by_schedule(i: u64, issues: u64) -> bool {
    let (iid, round) = (1 + i % issues, i / issues);
    iid % 20 != 0 && round % 2 == 1
}

fn rss_kb(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[tokio::main]
async fn main() {
    let a = args();
    // The stand-in GitLab, answering every call after `gitlab_ms`.
    let gitlab = Arc::new(Gitlab::default());
    let delay = Duration::from_millis(a.gitlab_ms);
    let (g1, g2) = (gitlab.clone(), gitlab.clone());
    let app = Router::new()
        .route(
            "/api/v4/projects/{p}/issues/{iid}",
            put(move |UrlPath((_, iid)): UrlPath<(u64, u64)>| async move {
                tokio::time::sleep(delay).await;
                g1.told(iid, false);
                "{}"
            }),
        )
        .route(
            "/api/v4/projects/{p}/issues/{iid}/notes",
            post(move |UrlPath((_, iid)): UrlPath<(u64, u64)>| async move {
                tokio::time::sleep(delay).await;
                g2.told(iid, true);
                "{}"
            }),
        )
        // The catch-up reads a first-seen issue's label events (none: its history starts here).
        .route(
            "/api/v4/projects/{p}/issues/{iid}/resource_label_events",
            get(move || async move {
                tokio::time::sleep(delay).await;
                "[]"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let gitlab_addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.ok() });

    // The service, a second process, with its own store.
    let dir = std::env::temp_dir().join(format!("csops-webhook-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("directory.json"),
        r#"{"lena": ["workstream_lead:Analytics"], "omar": ["cs_ops"]}"#,
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    std::fs::write(
        dir.join("settings.toml"),
        format!(
            "listen = \"{addr}\"\nsecret_token = \"{SECRET}\"\ngitlab_url = \"http://{gitlab_addr}\"\ngitlab_token = \"glpat-load\"\nstore_path = \"{}\"\ndirectory = \"{}\"\ndeliveries_in_flight = 64\n[catch_up]\nfirst_seen_events = {}\n[limits]\nmax_connections = {}\n",
            dir.join("store.sqlite").display(),
            dir.join("directory.json").display(),
            !a.payload_only,
            // Room for the idle ones too: they stay open (until the service's idle timer).
            4096.max(a.idle + a.concurrency as u64 + 1024)
        ),
    )
    .unwrap();
    let exe = std::env::current_exe()
        .unwrap()
        .with_file_name("csops-webhook-service");
    let mut child = std::process::Command::new(&exe)
        .arg(dir.join("settings.toml"))
        .env("RUST_LOG", "warn")
        .stderr(std::fs::File::create(dir.join("service.log")).unwrap())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (build it: cargo build --release -p csops-webhook-service)",
                exe.display()
            )
        });
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(a.concurrency)
        .build()
        .unwrap();
    let health = format!("http://{addr}/healthz");
    let started = Instant::now();
    while client.get(&health).send().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the service did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (rss_start, _) = rss_kb(child.id());

    // The deliveries (see `event_of`).
    let next = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let duplicates = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    // Which events were delivered (answered 2xx), for what GitLab should have been told.
    let delivered: Arc<Vec<std::sync::atomic::AtomicBool>> = Arc::new(
        (0..a.events)
            .map(|_| std::sync::atomic::AtomicBool::new(false))
            .collect(),
    );
    let (stop_idle, idle_stopped) = tokio::sync::watch::channel(false);
    let reopened = Arc::new(AtomicU64::new(0));
    if a.idle > 0 {
        let _ = rlimit::increase_nofile_limit(a.idle + a.concurrency as u64 + 1024);
        hold_idle(addr, a.idle, idle_stopped, reopened.clone()).await;
    }
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let url = format!("http://{addr}/hooks/gitlab");
    let t0 = Instant::now();
    let workers: Vec<_> = (0..a.concurrency)
        .map(|_| {
            let (client, url, next, refused, duplicates, errors) = (
                client.clone(),
                url.clone(),
                next.clone(),
                refused.clone(),
                duplicates.clone(),
                errors.clone(),
            );
            let delivered = delivered.clone();
            let (events, issues) = (a.events, a.issues);
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= events || Instant::now() > deadline {
                        break;
                    }
                    let e = event_of(k);
                    let (body, uuid) = event(e, issues);
                    let t = Instant::now();
                    let r = client
                        .post(&url)
                        .header("X-Gitlab-Token", SECRET)
                        .header("X-Gitlab-Event", "Issue Hook")
                        .header("X-Gitlab-Event-UUID", &uuid)
                        .header("Content-Type", "application/json")
                        .body(body)
                        .send()
                        .await;
                    let answer: Option<Value> = match r {
                        Ok(r) if r.status().is_success() => r.json().await.ok(),
                        _ => None,
                    };
                    latencies.push(t.elapsed().as_micros() as u32);
                    if answer.is_some() {
                        delivered[e as usize].store(true, Ordering::Relaxed);
                    }
                    match answer {
                        None => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                        Some(d) if d["duplicate"] == json!(true) => {
                            duplicates.fetch_add(1, Ordering::Relaxed);
                        }
                        Some(d) if d["allowed"] == json!(false) => {
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                        Some(_) => {}
                    }
                }
                latencies
            })
        })
        .collect();
    let mut latencies: Vec<u32> = Vec::new();
    for w in workers {
        latencies.extend(w.await.unwrap());
    }
    let elapsed = t0.elapsed().as_secs_f64();
    let _ = stop_idle.send(true);
    // Let the outbox drain (bounded), then count what GitLab was told.
    let drain = Instant::now();
    loop {
        let h: Value = match client.get(&health).send().await {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        let pending = h["pending"].as_u64().unwrap_or(u64::MAX);
        if pending == 0 || drain.elapsed() > Duration::from_secs(120) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let drained = drain.elapsed().as_secs_f64();
    let (rss_end, rss_peak) = rss_kb(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);

    let decide_us = decision_alone((latencies.len() as u64).min(100_000), a.issues);
    latencies.sort_unstable();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0) as f64
            / 1000.0
    };
    let n = latencies.len() as u64;
    // Per issue, what GitLab should have been told: one update and one note for each refused
    // move delivered; compared with what it was told, and with what the service answered.
    let mut expected: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    for (i, d) in delivered.iter().enumerate() {
        if d.load(Ordering::Relaxed) && refused_by_schedule(i as u64, a.issues) {
            let c = expected.entry(1 + i as u64 % a.issues).or_default();
            c.0 += 1;
            c.1 += 1;
        }
    }
    let told = gitlab.calls.lock().map(|c| c.clone()).unwrap_or_default();
    let (puts, posts) = told.values().fold((0, 0), |(p, q), (u, v)| (p + u, q + v));
    let refused = refused.load(Ordering::Relaxed);
    let repeats = (0..n).filter(|k| k % 50 == 49).count() as u64;
    let exact = told == expected
        && refused == puts
        && duplicates.load(Ordering::Relaxed) == repeats
        && errors.load(Ordering::Relaxed) == 0;
    let summary = json!({
        "deliveries": n, "seconds": elapsed, "per_second": n as f64 / elapsed,
        "p50_ms": pct(0.50), "p99_ms": pct(0.99), "p999_ms": pct(0.999), "max_ms": pct(1.0),
        "refused": refused, "duplicates": duplicates.load(Ordering::Relaxed), "errors": errors.load(Ordering::Relaxed),
        "gitlab_puts": puts, "gitlab_notes": posts, "drain_seconds": drained,
        "rss_kb_start": rss_start, "rss_kb_end": rss_end, "rss_kb_peak": rss_peak,
        "gitlab_ms": a.gitlab_ms, "concurrency": a.concurrency, "decision_alone_us": decide_us,
        "each_refused_move_undone_once": exact,
        "idle": a.idle, "idle_reopened": reopened.load(Ordering::Relaxed),
    });
    if a.json {
        println!("{summary}");
    } else {
        println!(
            "{n} deliveries in {elapsed:.1} s: {:.0}/s; latency p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms; \
             {refused} refused -> {puts} updates and {posts} notes to GitLab ({:.1} s to drain); \
             {} duplicates; {} errors; service RSS {} MB at the end (peak {} MB, {} MB at start); \
             the decision alone {decide_us:.1} µs",
            n as f64 / elapsed,
            pct(0.5),
            pct(0.99),
            pct(0.999),
            drained,
            duplicates.load(Ordering::Relaxed),
            errors.load(Ordering::Relaxed),
            rss_end / 1024,
            rss_peak / 1024,
            rss_start / 1024
        );
    }
    if !exact {
        // (issue, expected, told) for the first issues that differ.
        let differ: Vec<_> = expected
            .keys()
            .chain(told.keys())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter(|iid| expected.get(iid) != told.get(iid))
            .take(5)
            .map(|iid| (iid, expected.get(iid), told.get(iid)))
            .collect();
        eprintln!(
            "webhook-load: what GitLab was told differs from the schedule (first issues: {differ:?}): {summary}"
        );
        std::process::exit(1);
    }
}

/// Opens `n` silent connections to the service and keeps them open until `stop`: each one the
/// service closes (its idle timer, or the cap making room) is opened again. Returns once all
/// were opened once.
async fn hold_idle(
    addr: SocketAddr,
    n: u64,
    stop: tokio::sync::watch::Receiver<bool>,
    reopened: Arc<AtomicU64>,
) {
    let opened = Arc::new(tokio::sync::Semaphore::new(0));
    for _ in 0..n {
        let (mut stop, reopened, opened) = (stop.clone(), reopened.clone(), opened.clone());
        tokio::spawn(async move {
            let mut first = true;
            while !*stop.borrow() {
                let Ok(mut c) = tokio::net::TcpStream::connect(addr).await else {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                };
                if first {
                    opened.add_permits(1);
                    first = false;
                } else {
                    reopened.fetch_add(1, Ordering::Relaxed);
                }
                let mut buf = [0u8; 256];
                tokio::select! {
                    _ = tokio::io::AsyncReadExt::read(&mut c, &mut buf) => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
            }
        });
    }
    let _ = opened.acquire_many(n.min(u32::MAX as u64) as u32).await;
}

/// The decision's own time, in this process on one thread: what the service's handler computes
/// besides HTTP and SQLite — the payload read, the stored request loaded from its JSON, the
/// decision with the request after it, and that request written back as JSON — over the first
/// `n` events, in µs per event.
fn decision_alone(n: u64, issues: u64) -> f64 {
    use csops_core::{Directory, Workflow, gitlab};
    let wf = Workflow::new(
        Directory::from_json(r#"{"lena": ["workstream_lead:Analytics"], "omar": ["cs_ops"]}"#)
            .expect("directory"),
        csops_core::Config::default(),
    )
    .expect("workflow");
    let bodies: Vec<String> = (0..n).map(|i| event(i, issues).0).collect();
    let mut stored: std::collections::HashMap<u64, String> = std::collections::HashMap::new();
    let t = Instant::now();
    for body in &bodies {
        let hook = gitlab::read_webhook(body).expect("an Issue Hook");
        let request = match stored.get(&hook.iid) {
            Some(json) => wf.load_request(json).expect("a stored request"),
            None => hook.to_request(wf.config()).expect("a request"),
        };
        let (_, after) = gitlab::apply_webhook(&wf, &hook, &request).expect("a decision");
        if let Some(after) = after {
            stored.insert(hook.iid, after.to_json());
        }
    }
    t.elapsed().as_secs_f64() * 1e6 / n.max(1) as f64
}

/// The event delivery `k` carries: every 50th delivery (k % 50 == 49) is GitLab delivering the
/// previous one again, with its UUID.
fn event_of(k: u64) -> u64 {
    if k % 50 == 49 {
        (k - 1) - k / 50
    } else {
        k - (k + 1) / 50
    }
}
