//! The routes: GitLab's REST API v4 as csops uses it, answered from [`Data`] under [`Faults`].

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};

use crate::data::{Data, millis};
use crate::faults::{Faults, Tally};

/// GitLab's most items per page.
const MAX_PER_PAGE: usize = 100;
/// Past this many results GitLab leaves out `X-Total`, `X-Total-Pages` and the `last` link.
const COUNTED: usize = 10_000;

/// What the routes share.
pub struct Shared {
    data: Mutex<Data>,
    faults: Mutex<Faults>,
    tally: Mutex<Tally>,
    token: String,
}

/// A running stand-in.
#[derive(Clone)]
pub struct Standin {
    /// Where it listens (loopback).
    pub addr: SocketAddr,
    shared: Arc<Shared>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Standin {
    /// Its base address, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    /// Its data, to read or change.
    pub fn data(&self) -> MutexGuard<'_, Data> {
        lock(&self.shared.data)
    }
    /// Its faults, to change.
    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.shared.faults)
    }
    /// What it received so far.
    pub fn tally(&self) -> Tally {
        lock(&self.shared.tally).clone()
    }
    /// Forgets what it received.
    pub fn reset_tally(&self) {
        *lock(&self.shared.tally) = Tally::default();
    }
}

/// Serves `data` on a loopback port, taking `token` as `PRIVATE-TOKEN` or `Bearer`.
pub async fn serve(data: Data, token: &str, faults: Faults) -> std::io::Result<Standin> {
    let shared = Arc::new(Shared {
        data: Mutex::new(data),
        faults: Mutex::new(faults),
        tally: Mutex::new(Tally::default()),
        token: token.to_owned(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = Router::new()
        .fallback(handle)
        .with_state(Arc::clone(&shared));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(Standin { addr, shared })
}

fn message(status: StatusCode, text: &str) -> Response {
    (status, axum::Json(json!({ "message": text }))).into_response()
}

fn decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query(uri: &Uri) -> BTreeMap<String, String> {
    uri.query()
        .unwrap_or("")
        .split('&')
        .filter_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (!k.is_empty()).then(|| (decode(k), decode(&v.replace('+', " "))))
        })
        .collect()
}

async fn handle(
    State(s): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path: Vec<String> = uri
        .path()
        .trim_matches('/')
        .split('/')
        .map(decode)
        .collect();
    let parts: Vec<&str> = path.iter().map(String::as_str).collect();
    if let ["_standin", what] = parts.as_slice() {
        return control(&s, what, &query(&uri));
    }
    let Some(rest) = parts.strip_prefix(&["api", "v4"]) else {
        return message(StatusCode::NOT_FOUND, "404 Not Found");
    };
    let kind = match (&method, rest) {
        (&Method::GET, ["user"]) => "user",
        (&Method::GET, ["projects" | "groups", _, "issues"]) => "issues",
        (&Method::GET, ["projects", _, "issues", _]) => "issue",
        (&Method::PUT, ["projects", _, "issues", _]) => "update",
        (&Method::GET, ["projects", _, "issues", _, "resource_label_events"]) => "label_events",
        (&Method::GET, ["projects", _, "issues", _, "notes"]) => "notes",
        (&Method::POST, ["projects", _, "issues", _, "notes"]) => "note",
        _ => return message(StatusCode::NOT_FOUND, "404 Not Found"),
    };
    let faults = lock(&s.faults).clone();
    let now = Utc::now();
    let (n, throttle) = {
        let mut t = lock(&s.tally);
        t.calls += 1;
        *t.by_kind.entry(kind.to_owned()).or_default() += 1;
        let throttle = faults.rate_limit.and_then(|(limit, window)| {
            let window = window.max(1) as i64;
            let index = now.timestamp().div_euclid(window);
            let count = t.windows.entry(index).or_default();
            *count += 1;
            let observed = *count;
            (observed > limit).then(|| {
                t.throttled += 1;
                t.first_throttled_window.get_or_insert(index);
                let reset = (index + 1) * window;
                (limit, observed, reset, (reset - now.timestamp()).max(1))
            })
        });
        (t.calls, throttle)
    };
    tokio::time::sleep(faults.latency).await;
    let presented = headers
        .get("private-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::to_owned)
        });
    if presented.as_deref() != Some(s.token.as_str()) {
        return message(StatusCode::UNAUTHORIZED, "401 Unauthorized");
    }
    if let Some((limit, observed, reset, wait)) = throttle {
        let reset_time = chrono::DateTime::from_timestamp(reset, 0)
            .unwrap_or_default()
            .format("%a, %d %b %Y %H:%M:%S GMT")
            .to_string();
        let mut r = (StatusCode::TOO_MANY_REQUESTS, "Retry later\n").into_response();
        let h = r.headers_mut();
        for (k, v) in [
            ("retry-after", wait.to_string()),
            ("ratelimit-name", "throttle_authenticated_api".to_owned()),
            ("ratelimit-limit", limit.to_string()),
            ("ratelimit-observed", observed.to_string()),
            ("ratelimit-remaining", "0".to_owned()),
            ("ratelimit-reset", reset.to_string()),
            ("ratelimit-resettime", reset_time),
        ] {
            h.insert(
                axum::http::HeaderName::from_static(k),
                HeaderValue::from_str(&v).expect("ASCII"),
            );
        }
        return r;
    }
    if let Some((_, status)) = faults.answer_kinds.iter().find(|(k, _)| k == kind) {
        let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return message(status, &status.to_string());
    }
    if faults.fail_every.is_some_and(|k| k > 0 && n % k == 0) {
        lock(&s.tally).failed += 1;
        return message(
            StatusCode::INTERNAL_SERVER_ERROR,
            "500 Internal Server Error",
        );
    }
    if let Some((k, wait)) = faults.slow_every
        && k > 0
        && n % k == 0
    {
        tokio::time::sleep(wait).await;
    }
    let q = query(&uri);
    let base = format!(
        "http://{}",
        headers
            .get("host")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("127.0.0.1")
    );
    let mut data = lock(&s.data);
    match rest {
        ["user"] => axum::Json(
            json!({"id": 1, "username": "csops-bot", "name": "csops", "state": "active"}),
        )
        .into_response(),
        [scope, key, "issues"] => {
            let projects: Vec<u64> = if *scope == "projects" {
                match data.project(key) {
                    Some(p) => vec![p.id],
                    None => return message(StatusCode::NOT_FOUND, "404 Project Not Found"),
                }
            } else {
                let prefix = format!("{key}/");
                let ids: Vec<u64> = data
                    .projects
                    .iter()
                    .filter(|p| p.path.starts_with(&prefix))
                    .map(|p| p.id)
                    .collect();
                if ids.is_empty() {
                    return message(StatusCode::NOT_FOUND, "404 Group Not Found");
                }
                ids
            };
            let after = q.get("updated_after").and_then(|t| millis(t));
            let state = q.get("state").map(String::as_str).unwrap_or("all");
            let by_updated = q.get("order_by").map(String::as_str) == Some("updated_at");
            let asc = q.get("sort").map(String::as_str) == Some("asc");
            let mut found: Vec<(i64, u64, Value)> = data
                .issues
                .values()
                .filter(|i| projects.contains(&i.project_id))
                .filter(|i| after.is_none_or(|a| i.updated_ms >= a))
                .filter(|i| state == "all" || i.json["state"] == state)
                .map(|i| {
                    let key = if by_updated {
                        i.updated_ms
                    } else {
                        i.json["created_at"].as_str().and_then(millis).unwrap_or(0)
                    };
                    (key, i.json["id"].as_u64().unwrap_or(0), i.json.clone())
                })
                .collect();
            found.sort_by_key(|(k, id, _)| (*k, *id));
            if !asc {
                found.reverse();
            }
            paged(
                found.into_iter().map(|(_, _, v)| v).collect(),
                &base,
                &uri,
                &q,
                faults.no_link,
            )
        }
        ["projects", key, "issues", iid, tail @ ..] => {
            let Some(pid) = data.project(key).map(|p| p.id) else {
                return message(StatusCode::NOT_FOUND, "404 Project Not Found");
            };
            let Some(iid) = iid
                .parse::<u64>()
                .ok()
                .filter(|i| data.issues.contains_key(&(pid, *i)))
            else {
                return message(StatusCode::NOT_FOUND, "404 Issue Not Found");
            };
            issue_call(
                &mut data,
                pid,
                iid,
                tail,
                &method,
                &body,
                &base,
                &uri,
                &q,
                faults.no_link,
            )
        }
        _ => message(StatusCode::NOT_FOUND, "404 Not Found"),
    }
}

#[allow(clippy::too_many_arguments)]
fn issue_call(
    data: &mut Data,
    pid: u64,
    iid: u64,
    tail: &[&str],
    method: &Method,
    body: &[u8],
    base: &str,
    uri: &Uri,
    q: &BTreeMap<String, String>,
    no_link: bool,
) -> Response {
    let now = Utc::now().timestamp_millis();
    let params: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let list = |key: &str| -> Vec<String> {
        params[key]
            .as_str()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    };
    match (method, tail) {
        (&Method::GET, []) => axum::Json(data.issues[&(pid, iid)].json.clone()).into_response(),
        (&Method::PUT, []) => {
            let (add, remove) = (list("add_labels"), list("remove_labels"));
            let add: Vec<&str> = add.iter().map(String::as_str).collect();
            let remove: Vec<&str> = remove.iter().map(String::as_str).collect();
            data.relabel(pid, iid, &add, &remove, "csops-bot", now);
            match params["state_event"].as_str() {
                Some("close") => data.set_open(pid, iid, false, now),
                Some("reopen") => data.set_open(pid, iid, true, now),
                _ => true,
            };
            axum::Json(data.issues[&(pid, iid)].json.clone()).into_response()
        }
        (&Method::GET, ["resource_label_events"]) => paged(
            data.issues[&(pid, iid)].events.clone(),
            base,
            uri,
            q,
            no_link,
        ),
        (&Method::GET, ["notes"]) => {
            let notes = &data.issues[&(pid, iid)].notes;
            let list: Vec<Value> = notes
                .iter()
                .enumerate()
                .rev()
                .map(|(i, b)| json!({"id": i + 1, "body": b}))
                .collect();
            paged(list, base, uri, q, no_link)
        }
        (&Method::POST, ["notes"]) => {
            let text = params["body"].as_str().unwrap_or("").to_owned();
            let issue = data.issues.get_mut(&(pid, iid)).expect("checked");
            issue.notes.push(text.clone());
            (
                StatusCode::CREATED,
                axum::Json(json!({"id": issue.notes.len(), "body": text})),
            )
                .into_response()
        }
        _ => message(StatusCode::NOT_FOUND, "404 Not Found"),
    }
}

/// One page of `items`, with the headers GitLab sends.
fn paged(
    items: Vec<Value>,
    base: &str,
    uri: &Uri,
    q: &BTreeMap<String, String>,
    no_link: bool,
) -> Response {
    let per_page = q
        .get("per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(20)
        .clamp(1, MAX_PER_PAGE);
    let page = q
        .get("page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let total = items.len();
    let pages = total.div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let link = |p: usize| {
        let mut pairs: Vec<String> = q
            .iter()
            .filter(|(k, _)| *k != "page")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        pairs.insert(0, format!("page={p}"));
        format!("{base}{}?{}", uri.path(), pairs.join("&"))
    };
    let counted = total <= COUNTED;
    let next = (page < pages).then_some(page + 1);
    let prev = (page > 1).then(|| page - 1);
    let mut r = axum::Json(slice).into_response();
    let h = r.headers_mut();
    let mut set = |k: &'static str, v: String| {
        h.insert(
            axum::http::HeaderName::from_static(k),
            HeaderValue::from_str(&v).expect("ASCII"),
        );
    };
    set("x-page", page.to_string());
    set("x-per-page", per_page.to_string());
    set(
        "x-next-page",
        next.map(|p| p.to_string()).unwrap_or_default(),
    );
    set(
        "x-prev-page",
        prev.map(|p| p.to_string()).unwrap_or_default(),
    );
    if counted {
        set("x-total", total.to_string());
        set("x-total-pages", pages.to_string());
    }
    if !no_link {
        let mut links = Vec::new();
        if let Some(p) = prev {
            links.push(format!("<{}>; rel=\"prev\"", link(p)));
        }
        if let Some(p) = next {
            links.push(format!("<{}>; rel=\"next\"", link(p)));
        }
        links.push(format!("<{}>; rel=\"first\"", link(1)));
        if counted {
            links.push(format!("<{}>; rel=\"last\"", link(pages)));
        }
        set("link", links.join(", "));
    }
    r
}

/// The control routes a benchmark or a Python test uses (no token, not counted): `tally`,
/// `reset`, and `touch?count=N&seed=S` (N issues each moved one workflow label on, now).
fn control(s: &Shared, what: &str, q: &BTreeMap<String, String>) -> Response {
    match what {
        "tally" => axum::Json(lock(&s.tally).clone()).into_response(),
        "reset" => {
            *lock(&s.tally) = Tally::default();
            axum::Json(json!({"ok": true})).into_response()
        }
        "touch" => {
            let count: usize = q.get("count").and_then(|v| v.parse().ok()).unwrap_or(1);
            let mut rng =
                fastrand::Rng::with_seed(q.get("seed").and_then(|v| v.parse().ok()).unwrap_or(1));
            let mut data = lock(&s.data);
            let mut keys: Vec<(u64, u64)> = data.issues.keys().copied().collect();
            rng.shuffle(&mut keys);
            let now = Utc::now().timestamp_millis();
            for (pid, iid) in keys.iter().take(count) {
                data.relabel(
                    *pid,
                    *iid,
                    &["CSOps::Triage"],
                    &["CSOps::Ready_for_Assignment"],
                    "lena",
                    now,
                );
            }
            axum::Json(json!({"touched": count.min(keys.len())})).into_response()
        }
        _ => message(StatusCode::NOT_FOUND, "404 Not Found"),
    }
}
