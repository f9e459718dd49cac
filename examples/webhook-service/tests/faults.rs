//! The faults a deployment meets, each as a bounded loopback test (issue 29): strangers that
//! send a body without the token, idle and slow clients, a flood of connections, a shutdown
//! with clients hanging, a clock poisoned from the future, a huge label list, GitLab rate
//! limiting, refusing the token, down past the budget, a store that cannot record, and a crash
//! in the middle of a call. The slow ones (a kill -9 in a burst, a full disk, 20,000 idle
//! connections, a long outage) are in `chaos.rs`, run by `scripts/chaos`.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use csops_webhook_service::outbox::marker;
use csops_webhook_service::store::{Action, Counts, Dead, Judged, Pending};
use csops_webhook_service::{SqliteStore, Store, StoreError, start_with};
use serde_json::{Value, json};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What a raw client reads until the server closes the connection or `secs` pass: the text,
/// and whether the server closed it.
async fn read_until_closed(stream: &mut TcpStream, secs: u64) -> (String, bool) {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        let left = end.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => return (String::from_utf8_lossy(&got).into_owned(), false),
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&got).into_owned(), true),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

/// Request headers for the hook, with `token` and a declared body length.
fn head(token: &str, length: usize) -> String {
    format!(
        "POST /hooks/gitlab HTTP/1.1\r\nHost: csops\r\nX-Gitlab-Token: {token}\r\nX-Gitlab-Event: Issue Hook\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

#[tokio::test]
async fn a_stranger_costs_no_more_than_its_headers() {
    let dir = tempfile::tempdir().unwrap();
    let g = Arc::new(GitlabState::default());
    let mut s = settings(dir.path(), gitlab_down(g.clone()).await);
    s.max_body_bytes = 8 << 20;
    let svc = service(&s).await;
    // 8 MB announced, none sent: the answer comes from the headers alone (before: the body
    // was awaited, then read whole, then 401).
    let mut c = TcpStream::connect(svc.addr).await.unwrap();
    c.write_all(head("wrong", 8 << 20).as_bytes())
        .await
        .unwrap();
    let (text, _) = read_until_closed(&mut c, 3).await;
    assert!(text.starts_with("HTTP/1.1 401"), "{text:?}");
    // Two token headers, the first right: ambiguous, refused.
    let body = refused(23);
    let (status, _) = send(
        svc.addr,
        &body,
        &[
            ("X-Gitlab-Token", SECRET),
            ("X-Gitlab-Token", "other"),
            ("X-Gitlab-Event", "Issue Hook"),
            ("Content-Type", "application/json"),
        ],
    )
    .await;
    assert_eq!(status, 401);
    svc.shutdown().await;
    let counts = SqliteStore::open(&s.store_path).unwrap().counts().unwrap();
    assert_eq!(counts.events, 0, "nothing was recorded");
}

#[tokio::test]
async fn payloads_are_read_strictly_and_keys_are_digests() {
    let (dir, _, gaddr, _g) = standin().await;
    let s = settings(dir.path(), gaddr);
    let svc = service(&s).await;
    let mut v: Value = serde_json::from_str(&refused(23)).unwrap();
    v.as_object_mut().unwrap().remove("object_kind");
    let ok = [("X-Gitlab-Token", SECRET), ("X-Gitlab-Event", "Issue Hook")];
    let with = |ct: &'static str| {
        let mut h = ok.to_vec();
        h.push(("Content-Type", ct));
        h
    };
    // GitLab always sends object_kind: a payload without it is broken, not another kind
    // (before: 202 "ignored", and GitLab never delivered it again).
    let (status, e) = send(svc.addr, &v.to_string(), &with("application/json")).await;
    assert_eq!(
        (status, e["key"].as_str()),
        (400, Some("object_kind")),
        "{e}"
    );
    let (status, _) = send(svc.addr, &refused(23), &with("application/jsonx")).await;
    assert_eq!(status, 415, "application/jsonx is not JSON");
    let (status, d) = send(
        svc.addr,
        &refused(23),
        &with("Application/JSON; charset=utf-8"),
    )
    .await;
    assert_eq!((status, &d["allowed"]), (200, &json!(false)), "{d}");
    svc.shutdown().await;
    let conn = rusqlite::Connection::open(&s.store_path).unwrap();
    let key: String = conn
        .query_row("SELECT key FROM events", [], |r| r.get(0))
        .unwrap();
    assert!(
        key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()),
        "a payload's key is a digest, not the payload: {key}"
    );
}

#[tokio::test]
async fn idle_and_slow_clients_are_closed_in_bounded_time() {
    let (dir, _, gaddr, _g) = standin().await;
    // The header timer (hyper's) and the body timer, the idle timer out of the way.
    let mut s = settings(dir.path(), gaddr);
    s.limits.header_read_timeout_ms = 400;
    s.limits.body_read_timeout_ms = 400;
    s.limits.idle_timeout_ms = 60_000;
    let svc = service(&s).await;
    let mut silent = TcpStream::connect(svc.addr).await.unwrap();
    let mut half_head = TcpStream::connect(svc.addr).await.unwrap();
    half_head
        .write_all(b"POST /hooks/gitlab HTTP/1.1\r\nHost: csops\r\nX-Gitlab-")
        .await
        .unwrap();
    let mut half_body = TcpStream::connect(svc.addr).await.unwrap();
    half_body
        .write_all((head(SECRET, 1000) + "{\"object_kind\":").as_bytes())
        .await
        .unwrap();
    let (_, closed) = read_until_closed(&mut silent, 3).await;
    assert!(closed, "a silent connection is closed");
    let (_, closed) = read_until_closed(&mut half_head, 3).await;
    assert!(closed, "half its headers: closed");
    let (text, _) = read_until_closed(&mut half_body, 3).await;
    assert!(text.starts_with("HTTP/1.1 408"), "{text:?}");
    svc.shutdown().await;

    // The idle timer alone: a silent connection, and a keep-alive one after its request.
    s.limits.header_read_timeout_ms = 60_000;
    s.limits.idle_timeout_ms = 400;
    let svc = service(&s).await;
    let mut silent = TcpStream::connect(svc.addr).await.unwrap();
    let body = hook(31, "lena", Some(BASE), TRIAGE, "2026-03-03 10:00:00 UTC");
    let mut kept = TcpStream::connect(svc.addr).await.unwrap();
    kept.write_all((head(SECRET, body.len()) + &body).as_bytes())
        .await
        .unwrap();
    let (_, closed) = read_until_closed(&mut silent, 3).await;
    assert!(closed, "a silent connection is closed when idle");
    let (text, closed) = read_until_closed(&mut kept, 3).await;
    assert!(text.starts_with("HTTP/1.1 200") && closed, "{text:?}");
    svc.shutdown().await;
}

#[tokio::test]
async fn a_flood_of_idle_connections_cannot_lock_gitlab_out() {
    let (dir, _, gaddr, _g) = standin().await;
    let mut s = settings(dir.path(), gaddr);
    s.limits.max_connections = 16;
    let svc = service(&s).await;
    let mut flood = Vec::new();
    for _ in 0..200 {
        flood.push(TcpStream::connect(svc.addr).await.unwrap());
    }
    // Each new connection closed the one idle the longest: GitLab's delivery gets in.
    let (status, d) = deliver(svc.addr, &refused(23), Some("f1")).await;
    assert_eq!((status, &d["allowed"]), (200, &json!(false)), "{d}");
    // And the flood's oldest were closed: at most the cap is open.
    let mut open = 0;
    for c in &mut flood {
        let mut b = [0u8; 1];
        let still_open = tokio::time::timeout(Duration::from_millis(50), c.read(&mut b))
            .await
            .is_err();
        open += usize::from(still_open);
    }
    assert!(open <= 16, "{open} of the flood still open");
    svc.shutdown().await;
}

#[tokio::test]
async fn beyond_the_request_cap_the_answer_is_come_back_later() {
    let (dir, _, gaddr, _g) = standin().await;
    let mut s = settings(dir.path(), gaddr);
    s.limits.max_requests_in_flight = 1;
    let svc = service(&s).await;
    // One authenticated request in progress, its body still coming.
    let mut slow = TcpStream::connect(svc.addr).await.unwrap();
    slow.write_all((head(SECRET, 1000) + "{").as_bytes())
        .await
        .unwrap();
    // Until the slow one holds the place, a delivery may still get in: asked until refused.
    let mut refused_with = None;
    for _ in 0..100 {
        let r = reqwest::Client::new()
            .post(format!("http://{}/hooks/gitlab", svc.addr))
            .header("X-Gitlab-Token", SECRET)
            .header("X-Gitlab-Event", "Issue Hook")
            .header("Content-Type", "application/json")
            .body(refused(23))
            .send()
            .await
            .unwrap();
        if r.status().as_u16() == 503 {
            refused_with = Some(r.headers().contains_key("retry-after"));
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(refused_with, Some(true), "503 with Retry-After");
    drop(slow);
    svc.shutdown().await;
}

#[tokio::test]
async fn shutdown_has_a_deadline_whatever_the_clients_hold() {
    let dir = tempfile::tempdir().unwrap();
    let g = Arc::new(GitlabState::default());
    let mut s = settings(dir.path(), gitlab_down(g.clone()).await);
    s.limits.shutdown_deadline_ms = 300;
    s.limits.body_read_timeout_ms = 60_000;
    s.limits.header_read_timeout_ms = 60_000;
    s.limits.idle_timeout_ms = 60_000;
    let svc = service(&s).await;
    let mut half_head = TcpStream::connect(svc.addr).await.unwrap();
    half_head
        .write_all(b"POST /hooks/gitlab HTTP/1.1\r\n")
        .await
        .unwrap();
    let mut half_body = TcpStream::connect(svc.addr).await.unwrap();
    half_body
        .write_all((head(SECRET, 1000) + "{").as_bytes())
        .await
        .unwrap();
    // An undo waiting for GitLab in the outbox, too.
    assert_eq!(deliver(svc.addr, &refused(23), Some("s1")).await.0, 200);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let t = Instant::now();
    tokio::time::timeout(Duration::from_secs(5), svc.shutdown())
        .await
        .expect("(before: SIGTERM waited forever for such a client)");
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let (_, closed) = read_until_closed(&mut half_body, 1).await;
    assert!(closed);
    // The undo is kept for the next start.
    let counts = SqliteStore::open(&s.store_path).unwrap().counts().unwrap();
    assert_eq!(counts.pending, 1);
}

#[tokio::test]
async fn an_event_from_the_future_is_refused_and_enforcement_goes_on() {
    let (dir, g, gaddr, _g) = standin().await;
    let s = settings(dir.path(), gaddr);
    let svc = service(&s).await;
    let poisoned = hook(23, "lena", Some(BASE), TRIAGE, "9999-12-31 00:00:00 UTC");
    let (status, e) = deliver(svc.addr, &poisoned, Some("p1")).await;
    assert_eq!(
        (status, e["key"].as_str()),
        (422, Some("updated_at")),
        "{e}"
    );
    // Before: that event became the issue's last step, every later event looked overtaken,
    // and this refused move was answered allowed with nothing undone.
    deliver(
        svc.addr,
        &hook(23, "lena", Some(BASE), TRIAGE, "2026-03-03 10:00:00 UTC"),
        Some("p2"),
    )
    .await;
    let (_, d) = deliver(svc.addr, &refused(23), Some("p3")).await;
    assert_eq!(d["allowed"], json!(false), "{d}");
    eventually("undone", || g.count("PUT") == 1).await;
    svc.shutdown().await;
}

#[tokio::test]
async fn a_payload_of_68k_labels_is_decided_in_time() {
    let (dir, _, gaddr, _g) = standin().await;
    let mut s = settings(dir.path(), gaddr);
    s.max_body_bytes = 16 << 20;
    // Before: 9-22 s for this payload (the labels deduplicated pairwise), past this limit.
    s.limits.request_timeout_ms = 20_000;
    let svc = service(&s).await;
    let many: Vec<String> = (0..68_000).map(|i| format!("topic::{i}")).collect();
    let mut before: Vec<&str> = TRIAGE.to_vec();
    before.extend(many.iter().map(String::as_str));
    let mut after: Vec<&str> = IN_PROCESS.to_vec();
    after.extend(many.iter().map(String::as_str));
    let body = hook(23, "omar", Some(&before), &after, "2026-03-03 10:15:00 UTC");
    let (status, d) = deliver(svc.addr, &body, Some("big")).await;
    assert_eq!((status, &d["allowed"]), (200, &json!(false)), "{d}");
    svc.shutdown().await;
}

#[tokio::test]
async fn a_rate_limit_is_waited_for_as_gitlab_asks() {
    let (dir, g, gaddr, _g) = standin().await;
    let svc = service(&settings(dir.path(), gaddr)).await;
    g.script(429, &[("Retry-After", "1"), ("RateLimit-Remaining", "0")]);
    deliver(svc.addr, &refused(23), Some("r1")).await;
    eventually("rate-limited once", || g.count("PUT") == 1).await;
    let t = Instant::now();
    loop {
        let (_, h) = health(svc.addr).await;
        if h["outbox"]["paused"]
            .as_str()
            .is_some_and(|p| p.contains("rate limit"))
        {
            break;
        }
        assert!(t.elapsed() < Duration::from_secs(1), "never paused: {h}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eventually("then delivered", || g.count("POST") == 1).await;
    let puts: Vec<Instant> = g
        .calls()
        .iter()
        .filter(|c| c.method == "PUT")
        .map(|c| c.at)
        .collect();
    // Before: retried at +0.25 s against Retry-After: 10.
    assert_eq!(puts.len(), 2);
    assert!(
        puts[1] - puts[0] >= Duration::from_millis(990),
        "{:?}",
        puts[1] - puts[0]
    );
    svc.shutdown().await;
}

#[tokio::test]
async fn a_refused_token_pauses_the_outbox_and_loses_nothing() {
    let (dir, g, gaddr, _g) = standin().await;
    let svc = service(&settings(dir.path(), gaddr)).await;
    *g.status.lock().unwrap() = Some(401);
    for iid in 23..26 {
        deliver(svc.addr, &refused(iid), Some(&format!("t{iid}"))).await;
    }
    eventually("the token is refused", || g.count("PUT") >= 1).await;
    let t = Instant::now();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (status, h) = health(svc.addr).await;
    assert_eq!((status, &h["status"]), (503, &json!("unhealthy")), "{h}");
    assert_eq!((&h["pending"], &h["dead"]), (&json!(3), &json!(0)), "{h}");
    // Paused, not hammering: one probe per pause (300 ms here), not one per entry per retry.
    let bound = 3 + t.elapsed().as_millis() as usize / 300 + 1;
    assert!(
        g.count("PUT") <= bound,
        "{} PUTs while refused (bound {bound})",
        g.count("PUT")
    );
    *g.status.lock().unwrap() = None;
    eventually("every undo delivered", || g.count("POST") == 3).await;
    let (status, h) = health(svc.addr).await;
    assert_eq!((status, &h["status"]), (200, &json!("ok")), "{h}");
    svc.shutdown().await;
}

#[tokio::test]
async fn a_403_with_a_working_token_is_that_issue_s_not_a_pause() {
    let (dir, g, gaddr, _g) = standin().await;
    let svc = service(&settings(dir.path(), gaddr)).await;
    g.script_on(Some("PUT"), 403, &[]);
    deliver(svc.addr, &refused(23), Some("x1")).await;
    deliver(svc.addr, &refused(24), Some("x2")).await;
    eventually("24 delivered", || g.issue(24).notes.len() == 1).await;
    eventually("23 dead", || {
        SqliteStore::open(&dir.path().join("csops.sqlite"))
            .unwrap()
            .counts()
            .unwrap()
            .dead
            == 1
    })
    .await;
    let (status, h) = health(svc.addr).await;
    assert_eq!(status, 200, "{h}");
    assert!(
        g.calls().iter().any(|c| c.path == "/user"),
        "the token was asked about"
    );
    svc.shutdown().await;
}

#[tokio::test]
async fn an_entry_past_its_budget_is_dead_listed_and_sent_again_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let g = Arc::new(GitlabState::default());
    let gaddr = gitlab_down(g.clone()).await;
    let mut s = settings(dir.path(), gaddr);
    s.retry.budget_secs = 1;
    let svc = service(&s).await;
    deliver(svc.addr, &refused(23), Some("b1")).await;
    let addr = svc.addr;
    let dead = || async move { health(addr).await.1["dead"] == json!(1) };
    let t = Instant::now();
    while !dead().await {
        assert!(t.elapsed() < Duration::from_secs(5), "never dead");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (status, h) = health(svc.addr).await;
    assert_eq!((status, &h["status"]), (200, &json!("degraded")), "{h}");
    assert_eq!(h["dead_entries"][0]["iid"], json!(23), "{h}");
    // GitLab back; an operator sends the dead entry again (as `resend` does).
    let (_, _up) = gitlab(g.clone(), gaddr).await;
    let store = SqliteStore::open(&s.store_path).unwrap();
    assert_eq!(
        store
            .resend(None, csops_webhook_service::outbox::now_ms())
            .unwrap(),
        1
    );
    eventually("delivered after the resend", || g.count("POST") == 1).await;
    assert_eq!(g.issue(23).labels, ["CSOps::Triage"]);
    svc.shutdown().await;
}

/// SQLite with two switches: `full` makes every write fail, as a full disk does; `outcomes`
/// only the writes of an attempt's outcome (the claim before it still works). It counts the
/// outbox's queries.
#[derive(Default)]
struct Failing {
    inner: Option<SqliteStore>,
    full: AtomicBool,
    outcomes: AtomicBool,
    queries: AtomicU64,
}

impl Failing {
    fn new(path: &std::path::Path) -> Failing {
        Failing {
            inner: Some(SqliteStore::open(path).unwrap()),
            ..Failing::default()
        }
    }

    fn inner(&self) -> &SqliteStore {
        self.inner.as_ref().unwrap()
    }

    fn check(&self, outcome: bool) -> Result<(), StoreError> {
        if self.full.load(Ordering::SeqCst) || (outcome && self.outcomes.load(Ordering::SeqCst)) {
            Err(StoreError::Corrupt("database or disk is full".into()))
        } else {
            Ok(())
        }
    }
}

impl Store for Failing {
    fn request(&self, p: u64, i: u64) -> Result<Option<String>, StoreError> {
        self.inner().request(p, i)
    }
    fn record_judged(
        &self,
        e: &str,
        p: u64,
        i: u64,
        r: Option<&str>,
        a: Option<&Action>,
        j: Option<Judged>,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.check(false)?;
        self.inner().record_judged(e, p, i, r, a, j, now)
    }
    fn judged(&self, p: u64, i: u64) -> Result<Judged, StoreError> {
        self.inner().judged(p, i)
    }
    fn mark(&self, target: &str) -> Result<Option<String>, StoreError> {
        self.inner().mark(target)
    }
    fn set_mark(&self, target: &str, mark: &str) -> Result<(), StoreError> {
        self.check(false)?;
        self.inner().set_mark(target, mark)
    }
    fn due(&self, now: i64, limit: usize, skip: &[i64]) -> Result<Vec<Pending>, StoreError> {
        self.queries.fetch_add(1, Ordering::SeqCst);
        self.inner().due(now, limit, skip)
    }
    fn next_due(&self, skip: &[i64]) -> Result<Option<i64>, StoreError> {
        self.queries.fetch_add(1, Ordering::SeqCst);
        self.inner().next_due(skip)
    }
    fn claim(&self, id: i64, next: i64) -> Result<(), StoreError> {
        self.check(false)?;
        self.inner().claim(id, next)
    }
    fn updated(&self, id: i64) -> Result<(), StoreError> {
        self.check(true)?;
        self.inner().updated(id)
    }
    fn delivered(&self, id: i64) -> Result<(), StoreError> {
        self.check(true)?;
        self.inner().delivered(id)
    }
    fn retry(&self, id: i64, u: bool, unsure: bool, next: i64, e: &str) -> Result<(), StoreError> {
        self.check(true)?;
        self.inner().retry(id, u, unsure, next, e)
    }
    fn dead(&self, id: i64, unsure: bool, e: &str) -> Result<(), StoreError> {
        self.check(true)?;
        self.inner().dead(id, unsure, e)
    }
    fn dead_entries(&self, limit: usize) -> Result<Vec<Dead>, StoreError> {
        self.inner().dead_entries(limit)
    }
    fn requests(&self) -> Result<Vec<String>, StoreError> {
        self.check(false)?;
        self.inner().requests()
    }
    fn resend(&self, ids: Option<&[i64]>, now: i64) -> Result<usize, StoreError> {
        self.check(false)?;
        self.inner().resend(ids, now)
    }
    fn prune_events(&self, before: i64) -> Result<usize, StoreError> {
        self.check(false)?;
        self.inner().prune_events(before)
    }
    fn counts(&self) -> Result<Counts, StoreError> {
        self.inner().counts()
    }
}

/// The calls GitLab received about each of issues 1..=n, the most on one issue.
fn most_on_one_issue(g: &GitlabState, n: u64) -> usize {
    let calls = g.calls();
    (1..=n)
        .map(|iid| {
            calls
                .iter()
                .filter(|c| {
                    c.path.starts_with(&format!("/projects/7/issues/{iid}/"))
                        || c.path == format!("/projects/7/issues/{iid}")
                })
                .count()
        })
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn a_store_that_cannot_record_never_makes_the_outbox_storm() {
    let (dir, g, gaddr, _g) = standin().await;
    let mut s = settings(dir.path(), gaddr);
    s.retry.max_attempts_per_minute = 120; // 500 ms apart at least
    let store = Arc::new(Failing::new(&s.store_path));
    let svc = start_with(&s, store.clone(), std::future::pending())
        .await
        .unwrap();
    // GitLab fails the first calls of ten refused moves.
    *g.status.lock().unwrap() = Some(500);
    for iid in 1..=10 {
        deliver(svc.addr, &refused(iid), Some(&format!("d{iid}"))).await;
    }
    eventually("every entry tried", || g.count("PUT") >= 10).await;
    // GitLab is back, but the outcomes cannot be written: the undos go through once each and
    // are not sent again because the store does not know yet.
    let t = Instant::now();
    store.outcomes.store(true, Ordering::SeqCst);
    *g.status.lock().unwrap() = None;
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Then the disk is full: nothing is claimed, nothing is called.
    store.full.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(1)).await;
    // Before: ~4,180 PUTs and as many notes in 5 s, up to 528 comments on one issue.
    let most = most_on_one_issue(&g, 10);
    let bound = 2 * (t.elapsed().as_millis() as usize / 500 + 2);
    assert!(
        most <= bound,
        "{most} calls on one issue (bound {bound}), {} in all",
        g.calls().len()
    );
    let twice: Vec<u64> = (1..=10).filter(|i| g.issue(*i).notes.len() > 1).collect();
    assert!(twice.is_empty(), "commented twice: {twice:?}");
    let (status, h) = health(svc.addr).await;
    assert_eq!(status, 503, "the store's failure shows: {h}");
    // The disk has room again: each issue ends with exactly one comment.
    store.full.store(false, Ordering::SeqCst);
    store.outcomes.store(false, Ordering::SeqCst);
    eventually_within(15, "the outbox drained", || {
        store.counts().unwrap().pending == 0
    })
    .await;
    for iid in 1..=10 {
        let issue = g.issue(iid);
        assert_eq!(issue.notes.len(), 1, "issue {iid}: {:?}", issue.notes);
        assert_eq!(issue.labels, ["CSOps::Triage"], "issue {iid}");
    }
    let (status, h) = health(svc.addr).await;
    assert_eq!(status, 200, "{h}");
    svc.shutdown().await;
}

#[tokio::test]
async fn the_outbox_does_not_poll_the_store_while_it_waits() {
    let (dir, g, gaddr, _g) = standin().await;
    let mut s = settings(dir.path(), gaddr);
    s.retry.base_delay_ms = 2_000;
    s.retry.max_delay_ms = 4_000;
    s.retry.max_attempts_per_minute = 60;
    let store = Arc::new(Failing::new(&s.store_path));
    let svc = start_with(&s, store.clone(), std::future::pending())
        .await
        .unwrap();
    // Two undos of one issue: the second waits behind the first, which GitLab fails.
    *g.status.lock().unwrap() = Some(500);
    deliver(svc.addr, &refused(23), Some("w1")).await;
    deliver(svc.addr, &refused(23), Some("w2")).await;
    eventually("tried", || g.count("PUT") >= 1).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    store.queries.store(0, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let queries = store.queries.load(Ordering::SeqCst);
    // Before: every 5 ms (about 400 in 2 s) while the second entry waited.
    assert!(queries <= 40, "{queries} outbox queries in 2 s");
    svc.shutdown().await;
}

#[tokio::test]
async fn an_attempt_cut_by_a_crash_is_checked_with_gitlab_before_anything_is_sent_again() {
    let (dir, g, gaddr, _g) = standin().await;
    let s = settings(dir.path(), gaddr);
    let action = |iid| Action {
        project: PROJECT,
        iid,
        params: csops_core::gitlab::RestParams {
            add_labels: Some("CSOps::Triage".into()),
            remove_labels: Some("CSOps::In_Process".into()),
            state_event: None,
        },
        comment: Some("undone".into()),
    };
    {
        // Two attempts claimed, then the process died: issue 23's had gone through at GitLab
        // (labels back, comment posted), issue 24's had not.
        let store = SqliteStore::open(&s.store_path).unwrap();
        for iid in [23, 24] {
            store
                .record(
                    &format!("k{iid}"),
                    PROJECT,
                    iid,
                    None,
                    Some(&action(iid)),
                    0,
                )
                .unwrap();
        }
        for p in store.due(0, 8, &[]).unwrap() {
            store.claim(p.id, 0).unwrap();
        }
    }
    g.set_issue(23, TRIAGE);
    g.issues.lock().unwrap().get_mut(&23).unwrap().notes =
        vec![format!("undone\n\n{}", marker("k23"))];
    g.set_issue(24, IN_PROCESS);
    let svc = service(&s).await;
    eventually("both settled", || pending(&s.store_path) == 0).await;
    let on = |iid: u64, method: &str| {
        g.calls()
            .iter()
            .filter(|c| {
                c.method == method && c.path.starts_with(&format!("/projects/7/issues/{iid}"))
            })
            .count()
    };
    // Before: both were sent again (9 PUTs and 6 notes after a kill -9 under load).
    assert_eq!((on(23, "PUT"), on(23, "POST")), (0, 0), "{:?}", g.calls());
    assert_eq!((on(24, "PUT"), on(24, "POST")), (1, 1), "{:?}", g.calls());
    assert_eq!(g.issue(23).notes.len(), 1);
    assert_eq!(
        g.issue(24).labels,
        ["CSOps", "CS Analytics", "CSOps::Triage"]
    );
    svc.shutdown().await;
}

#[tokio::test]
async fn a_comment_whose_answer_was_lost_is_not_posted_twice() {
    let (dir, g, gaddr, _g) = standin().await;
    let mut s = settings(dir.path(), gaddr);
    s.gitlab_timeout_ms = 300;
    let svc = service(&s).await;
    // The comment goes through, but its answer comes after the timeout; the first check after
    // it fails (a 502), so the doubt stays for the next attempt.
    g.slow_ms.store(1_000, Ordering::SeqCst);
    g.late.store(1, Ordering::SeqCst);
    g.script_on(Some("GET"), 502, &[]);
    deliver(svc.addr, &refused(23), Some("n1")).await;
    eventually("the retries asked GitLab", || g.count("GET") >= 2).await;
    eventually("settled", || pending(&s.store_path) == 0).await;
    // Before: the comment was posted again on every retry of a timed-out call.
    assert_eq!(g.issue(23).notes.len(), 1, "{:?}", g.calls());
    assert_eq!(g.count("PUT"), 1);
    svc.shutdown().await;
}

/// The live board over a store that cannot be read: 503 with `Retry-After` (come back later),
/// never a half-made page; a stranger still gets only a 401; once the store reads again, the
/// board is back.
#[tokio::test]
async fn the_board_over_a_failing_store_says_come_back_later() {
    let (dir, _g, gaddr, _guard) = standin().await;
    let s = settings(dir.path(), gaddr);
    let store = Arc::new(Failing::new(&s.store_path));
    let svc = start_with(&s, store.clone(), std::future::pending())
        .await
        .unwrap();
    let board = |token: &str| {
        let url = format!("http://{}/board?token={token}", svc.addr);
        async move { reqwest::get(url).await.unwrap() }
    };
    store.full.store(true, Ordering::SeqCst);
    let r = board(BOARD_TOKEN).await;
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["retry-after"], "5");
    assert_eq!(board("guess").await.status().as_u16(), 401);
    store.full.store(false, Ordering::SeqCst);
    let r = board(BOARD_TOKEN).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains(r#"<figure id="cfd">"#));
    svc.shutdown().await;
}
