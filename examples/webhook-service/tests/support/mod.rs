//! What the service's loopback tests share: a stand-in GitLab (a small HTTP server that keeps
//! each issue's labels and notes as GitLab would, records every call, and can be down, slow,
//! failing, rate-limited or refusing the token), Issue Hook payloads, and a client.
#![allow(dead_code)]

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use csops_webhook_service::config::{CatchUp, Limits, Retry};
use csops_webhook_service::{Running, Settings, start};
use serde_json::{Value, json};
use tokio::net::TcpListener;

pub const SECRET: &str = "s3cret-token";
pub const BOARD_TOKEN: &str = "board-read-token-0123";
pub const PROJECT: u64 = 7;
pub const BASE: &[&str] = &["CSOps", "CS Analytics"];
pub const TRIAGE: &[&str] = &["CSOps", "CS Analytics", "CSOps::Triage"];
pub const IN_PROCESS: &[&str] = &["CSOps", "CS Analytics", "CSOps::In_Process"];

/// One call the stand-in GitLab received: method, path, JSON body, token, when.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: &'static str,
    pub path: String,
    pub body: Value,
    pub token: String,
    pub at: Instant,
}

/// An issue as the stand-in keeps it.
#[derive(Debug, Clone, Default)]
pub struct Issue {
    pub labels: Vec<String>,
    pub closed: bool,
    pub notes: Vec<String>,
}

/// One scripted answer: for calls of a method (any: `None`), a status and its headers.
pub type Scripted = (Option<&'static str>, u16, Vec<(&'static str, String)>);

/// How the stand-in answers: scripted answers first (a status and its headers, one call
/// each), then `status` for every call while it is set, then the next `fail` calls with 500,
/// the next `slow` calls after `slow_ms` (and not acted on when the client gives up first),
/// the next `late` comments posted at once and answered after `slow_ms`; otherwise as GitLab
/// does.
#[derive(Default)]
pub struct GitlabState {
    pub calls: Mutex<Vec<Call>>,
    pub issues: Mutex<HashMap<u64, Issue>>,
    pub scripted: Mutex<VecDeque<Scripted>>,
    pub status: Mutex<Option<u16>>,
    pub fail: AtomicU64,
    pub slow: AtomicU64,
    pub slow_ms: AtomicU64,
    /// The next `late` comments (`POST …/notes`) are posted, then answered after `slow_ms`.
    pub late: AtomicU64,
}

impl GitlabState {
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// The calls of one method (`PUT`, `POST`, `GET`).
    pub fn count(&self, method: &str) -> usize {
        self.calls().iter().filter(|c| c.method == method).count()
    }

    pub fn issue(&self, iid: u64) -> Issue {
        self.issues
            .lock()
            .unwrap()
            .get(&iid)
            .cloned()
            .unwrap_or_default()
    }

    pub fn set_issue(&self, iid: u64, labels: &[&str]) {
        self.issues.lock().unwrap().entry(iid).or_default().labels =
            labels.iter().map(|l| l.to_string()).collect();
    }

    pub fn script(&self, status: u16, headers: &[(&'static str, &str)]) {
        self.script_on(None, status, headers);
    }

    /// A scripted answer for the next call of `method` only.
    pub fn script_on(
        &self,
        method: Option<&'static str>,
        status: u16,
        headers: &[(&'static str, &str)],
    ) {
        self.scripted.lock().unwrap().push_back((
            method,
            status,
            headers.iter().map(|(k, v)| (*k, v.to_string())).collect(),
        ));
    }
}

/// Takes one from a counter that is above 0.
fn take(counter: &AtomicU64) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

fn token(h: &HeaderMap) -> String {
    h.get("private-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

fn split(v: &Value) -> Vec<String> {
    v.as_str()
        .map(|t| {
            t.split(',')
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// One call to the stand-in: recorded, then answered as the state says.
async fn received(
    method: &'static str,
    notes: bool,
    s: Arc<GitlabState>,
    (p, iid): (u64, u64),
    h: HeaderMap,
    body: String,
) -> Response {
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    let path = format!(
        "/projects/{p}/issues/{iid}{}",
        if notes { "/notes" } else { "" }
    );
    s.calls.lock().unwrap().push(Call {
        method,
        path,
        body: body.clone(),
        token: token(&h),
        at: Instant::now(),
    });
    let scripted = {
        let mut queue = s.scripted.lock().unwrap();
        let at = queue
            .iter()
            .position(|(m, _, _)| m.is_none_or(|m| m == method));
        at.and_then(|i| queue.remove(i))
    };
    if let Some((_, status, headers)) = scripted {
        let mut r = StatusCode::from_u16(status).unwrap().into_response();
        for (k, v) in headers {
            r.headers_mut().insert(k, v.parse().unwrap());
        }
        return r;
    }
    let status = *s.status.lock().unwrap();
    if let Some(status) = status {
        return StatusCode::from_u16(status).unwrap().into_response();
    }
    if take(&s.fail) {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    if take(&s.slow) {
        tokio::time::sleep(Duration::from_millis(s.slow_ms.load(Ordering::SeqCst))).await;
    }
    let answer = act(&s, method, notes, iid, &body);
    if method == "POST" && take(&s.late) {
        tokio::time::sleep(Duration::from_millis(s.slow_ms.load(Ordering::SeqCst))).await;
    }
    answer
}

/// What GitLab does with a call, and its answer.
fn act(s: &GitlabState, method: &str, notes: bool, iid: u64, body: &Value) -> Response {
    let mut issues = s.issues.lock().unwrap();
    let issue = issues.entry(iid).or_default();
    match (method, notes) {
        ("PUT", false) => {
            let add = split(&body["add_labels"]);
            let remove = split(&body["remove_labels"]);
            issue.labels.retain(|l| !remove.contains(l));
            for l in add {
                if !issue.labels.contains(&l) {
                    issue.labels.push(l);
                }
            }
            match body["state_event"].as_str() {
                Some("close") => issue.closed = true,
                Some("reopen") => issue.closed = false,
                _ => {}
            }
            axum::Json(json!({"iid": iid, "labels": issue.labels})).into_response()
        }
        ("POST", true) => {
            issue
                .notes
                .push(body["body"].as_str().unwrap_or("").to_owned());
            (
                StatusCode::CREATED,
                axum::Json(json!({"id": issue.notes.len()})),
            )
                .into_response()
        }
        ("GET", false) => axum::Json(json!({
            "iid": iid, "labels": issue.labels,
            "state": if issue.closed { "closed" } else { "opened" },
        }))
        .into_response(),
        // Newest first, as `sort=desc` asks.
        _ => axum::Json(
            issue
                .notes
                .iter()
                .rev()
                .map(|b| json!({"body": b}))
                .collect::<Vec<_>>(),
        )
        .into_response(),
    }
}

async fn on(
    method: &'static str,
    notes: bool,
    State(s): State<Arc<GitlabState>>,
    UrlPath(pi): UrlPath<(u64, u64)>,
    h: HeaderMap,
    body: String,
) -> Response {
    received(method, notes, s, pi, h, body).await
}

/// `GET /api/v4/user`: who the token is (refused while `status` is set).
async fn user(State(s): State<Arc<GitlabState>>, h: HeaderMap) -> Response {
    s.calls.lock().unwrap().push(Call {
        method: "GET",
        path: "/user".into(),
        body: Value::Null,
        token: token(&h),
        at: Instant::now(),
    });
    let status = *s.status.lock().unwrap();
    match status {
        Some(status) => StatusCode::from_u16(status).unwrap().into_response(),
        None => axum::Json(json!({"username": "csops-bot"})).into_response(),
    }
}

/// The stand-in GitLab on `addr` (port 0: any), until the returned handle is aborted.
pub async fn gitlab(
    state: Arc<GitlabState>,
    addr: SocketAddr,
) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let app = Router::new()
        .route("/api/v4/user", get(user))
        .route(
            "/api/v4/projects/{p}/issues/{iid}",
            get(|s, u, h, b| on("GET", false, s, u, h, b))
                .put(|s, u, h, b| on("PUT", false, s, u, h, b)),
        )
        .route(
            "/api/v4/projects/{p}/issues/{iid}/notes",
            get(|s, u, h, b| on("GET", true, s, u, h, b))
                .post(|s, u, h, b| on("POST", true, s, u, h, b)),
        )
        .with_state(state);
    let listener = TcpListener::bind(addr).await.expect("the stand-in binds");
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (addr, handle)
}

/// A test's ground: a folder for the store, and a stand-in GitLab on a free port (its handle:
/// the stand-in runs while it is held).
pub async fn standin() -> (
    tempfile::TempDir,
    Arc<GitlabState>,
    SocketAddr,
    tokio::task::JoinHandle<()>,
) {
    let dir = tempfile::tempdir().unwrap();
    let g = Arc::new(GitlabState::default());
    let (addr, handle) = gitlab(g.clone(), "127.0.0.1:0".parse().unwrap()).await;
    (dir, g, addr, handle)
}

/// Entries of the store at `path` still to deliver.
pub fn pending(path: &Path) -> u64 {
    use csops_webhook_service::Store;
    csops_webhook_service::SqliteStore::open(path)
        .unwrap()
        .counts()
        .unwrap()
        .pending
}

/// A stand-in that is down: its address, with nothing listening.
pub async fn gitlab_down(state: Arc<GitlabState>) -> SocketAddr {
    let (addr, handle) = gitlab(state, "127.0.0.1:0".parse().unwrap()).await;
    handle.abort();
    let _ = handle.await;
    addr
}

pub fn settings(dir: &Path, gitlab: SocketAddr) -> Settings {
    std::fs::write(
        dir.join("directory.json"),
        r#"{"lena": ["workstream_lead:Analytics"], "omar": ["cs_ops"]}"#,
    )
    .unwrap();
    Settings {
        listen: "127.0.0.1:0".parse().unwrap(),
        secret_token: SECRET.into(),
        board_token: Some(BOARD_TOKEN.into()),
        board_title: Some("cs/ops".into()),
        gitlab_url: format!("http://{gitlab}"),
        gitlab_token: "glpat-test".into(),
        store_path: dir.join("csops.sqlite"),
        directory: dir.join("directory.json"),
        workflow_config: None,
        max_body_bytes: 64 * 1024,
        gitlab_timeout_ms: 1000,
        retry: Retry {
            base_delay_ms: 20,
            max_delay_ms: 150,
            budget_secs: 3600,
            max_attempts_per_minute: 6000,
            auth_pause_ms: 300,
        },
        deliveries_in_flight: 4,
        max_clock_skew_secs: 300,
        event_retention_hours: 24,
        limits: Limits {
            header_read_timeout_ms: 2_000,
            body_read_timeout_ms: 2_000,
            request_timeout_ms: 10_000,
            idle_timeout_ms: 5_000,
            shutdown_deadline_ms: 2_000,
            ..Limits::default()
        },
        // This stand-in serves no label events: the catch-up has its own tests (catch_up.rs).
        catch_up: CatchUp {
            first_seen_events: false,
            ..CatchUp::default()
        },
    }
}

pub async fn service(s: &Settings) -> Running {
    start(s, std::future::pending())
        .await
        .expect("the service starts")
}

/// An Issue Hook: `actor` changed issue `iid`'s labels from `before` (None: the payload does
/// not say) to `after` at `at`.
pub fn hook(iid: u64, actor: &str, before: Option<&[&str]>, after: &[&str], at: &str) -> String {
    let titles = |l: &[&str]| l.iter().map(|t| json!({"title": t})).collect::<Vec<_>>();
    let mut changes = json!({"updated_at": {"previous": "2026-03-02 09:00:00 UTC", "current": at}});
    if let Some(b) = before {
        changes["labels"] = json!({"previous": titles(b), "current": titles(after)});
    }
    json!({
        "object_kind": "issue", "event_type": "issue",
        "user": {"id": 1, "username": actor},
        "project": {"id": PROJECT, "path_with_namespace": "cs/ops"},
        "object_attributes": {"iid": iid, "title": "Renewal dashboard", "state": "opened",
            "created_at": "2026-03-02 09:00:00 UTC", "updated_at": at, "author_id": 51, "action": "update"},
        "labels": titles(after),
        "changes": changes,
    })
    .to_string()
}

/// omar moves `iid` from Triage to In Process: refused, undone.
pub fn refused(iid: u64) -> String {
    hook(
        iid,
        "omar",
        Some(TRIAGE),
        IN_PROCESS,
        "2026-03-03 10:15:00 UTC",
    )
}

pub async fn send(addr: SocketAddr, body: &str, headers: &[(&str, &str)]) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .post(format!("http://{addr}/hooks/gitlab"))
        .body(body.to_owned());
    for (k, v) in headers {
        r = r.header(*k, *v);
    }
    let resp = r.send().await.expect("the service answers");
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap_or(Value::Null))
}

pub async fn deliver(addr: SocketAddr, body: &str, uuid: Option<&str>) -> (u16, Value) {
    let mut h = vec![
        ("X-Gitlab-Token", SECRET),
        ("X-Gitlab-Event", "Issue Hook"),
        ("Content-Type", "application/json"),
    ];
    if let Some(u) = uuid {
        h.push(("X-Gitlab-Event-UUID", u));
    }
    send(addr, body, &h).await
}

pub async fn health(addr: SocketAddr) -> (u16, Value) {
    let r = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// Waits (up to `secs`) until `cond` holds.
pub async fn eventually_within(secs: u64, what: &str, cond: impl Fn() -> bool) {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("never: {what}");
}

/// Waits (up to 10 s) until `cond` holds.
pub async fn eventually(what: &str, cond: impl Fn() -> bool) {
    eventually_within(10, what, cond).await
}

pub async fn futures_join<F: std::future::Future<Output = (u16, Value)> + Send + 'static>(
    fs: impl Iterator<Item = F>,
) -> Vec<(u16, Value)> {
    let handles: Vec<_> = fs.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
