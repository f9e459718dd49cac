//! The HTTP side: `POST /hooks/gitlab` (an Issue Hook in, a decision out) and `/healthz`.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use csops_core::Workflow;
use csops_core::gitlab::{self, GitlabError, IssueHook, LabelEvent};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::json;
use subtle::ConstantTimeEq;
use tokio::sync::{Mutex, Notify};

use crate::outbox::{Status, now_ms};
use crate::store::{Action, Counts, Dead, Judged, Store, digest};

/// What every handler shares.
pub struct Shared {
    /// The rules and the people.
    pub workflow: Workflow,
    /// Where the state is kept.
    pub store: Arc<dyn Store>,
    /// The secret GitLab sends as `X-Gitlab-Token`.
    pub secret: String,
    /// The token that opens `/board` (none: no board).
    pub board_token: Option<String>,
    /// The live board's title.
    pub board_title: String,
    /// Wakes the outbox worker when there is something to deliver.
    pub wake: Arc<Notify>,
    /// One lock per stripe of issues: two events of one issue are decided one after the other
    /// (the lock goes with the decision's task, so a client that hangs up does not free it).
    pub stripes: Vec<Arc<Mutex<()>>>,
    /// The largest body read, in bytes.
    pub max_body_bytes: usize,
    /// How long an authenticated body may take to arrive.
    pub body_read_timeout: Duration,
    /// How long a request waits for its issue's turn.
    pub lock_wait: Duration,
    /// How far after the clock an event may be dated, in milliseconds.
    pub max_skew_ms: i64,
    /// The outbox's state, for `/healthz`.
    pub outbox: Arc<std::sync::Mutex<Status>>,
    /// The store's counts as `/healthz` last read them, and when (read at most once a second,
    /// so that polling it costs the store nothing).
    pub counts: std::sync::Mutex<Option<(std::time::Instant, Counts, Vec<Dead>)>>,
    /// GitLab read for the catch-up (none: an issue seen first is judged from its payload).
    pub reader: Option<Arc<csops_gitlab::Reader>>,
}

impl Shared {
    /// The lock of an issue's stripe: its changes are decided one after the other.
    pub fn stripe(&self, project: u64, iid: u64) -> Arc<Mutex<()>> {
        self.stripes[(project ^ iid.rotate_left(17)) as usize % self.stripes.len()].clone()
    }

    /// The label events of an issue the store has never seen, fetched from GitLab, to judge its
    /// change against its history; none when there is no reader or GitLab does not answer (the
    /// payload alone is used then).
    pub async fn first_seen_events(
        self: &Arc<Self>,
        project: u64,
        hook: &IssueHook,
    ) -> Option<Vec<LabelEvent>> {
        let reader = self.reader.as_ref()?;
        let iid = hook.iid;
        match reader.label_events(project, iid).await {
            Ok(Some(events)) => {
                match gitlab::read_label_events_from(serde_json::Value::Array(events)) {
                    Ok(events) => Some(events),
                    Err(e) => {
                        tracing::warn!(project, iid, error = %e, "first seen: label events unreadable; judged from the payload");
                        None
                    }
                }
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(project, iid, error = %e, "first seen: no label events from GitLab; judged from the payload");
                None
            }
        }
    }

    /// A decision was recorded: a store error the webhook path saw is over.
    fn store_answers(&self) {
        if let Ok(mut s) = self.outbox.lock()
            && s.store_error.is_some()
        {
            s.store_error = None;
        }
    }
}

fn reply(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

/// 503 with `Retry-After`: GitLab delivers the event again later.
pub fn busy(why: &str) -> Response {
    let mut r = reply(StatusCode::SERVICE_UNAVAILABLE, json!({"error": why}));
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    r
}

/// `GET /healthz`: 200 while the service can decide and deliver; 503 when the store cannot be
/// written, GitLab refuses the token, or the outbox worker stopped. The body counts the events,
/// the pending and the dead entries (the first 20 of those listed, for
/// `csops-webhook-service resend`) and says why the outbox waits, when it does. The counts are
/// read from the store at most once a second.
pub async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let outbox = shared.outbox.lock().map(|s| s.clone()).unwrap_or_default();
    let cached = shared
        .counts
        .lock()
        .ok()
        .and_then(|c| c.clone())
        .filter(|(at, _, _)| at.elapsed() < Duration::from_secs(1));
    let read = match cached {
        Some((_, counts, dead)) => Some((counts, dead)),
        None => {
            let store = shared.store.clone();
            let read = tokio::task::spawn_blocking(move || {
                Ok::<_, crate::store::StoreError>((store.counts()?, store.dead_entries(20)?))
            })
            .await;
            match read {
                Ok(Ok((counts, dead))) => {
                    if let Ok(mut c) = shared.counts.lock() {
                        *c = Some((std::time::Instant::now(), counts, dead.clone()));
                    }
                    Some((counts, dead))
                }
                _ => None,
            }
        }
    };
    let Some((counts, dead)) = read else {
        return reply(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "unhealthy", "error": "store unavailable", "outbox": outbox}),
        );
    };
    let healthy = outbox.healthy();
    reply(
        if healthy {
            StatusCode::OK
        } else {
            StatusCode::SERVICE_UNAVAILABLE
        },
        json!({
            "status": if !healthy { "unhealthy" } else if counts.dead > 0 { "degraded" } else { "ok" },
            "events": counts.events, "pending": counts.pending, "dead": counts.dead,
            "dead_entries": dead, "outbox": outbox,
        }),
    )
}

/// The one `X-Gitlab-Token` equals the secret (two of them are no answer: refused).
fn authenticated(headers: &HeaderMap, secret: &str) -> bool {
    let mut tokens = headers.get_all("x-gitlab-token").iter();
    match (tokens.next(), tokens.next()) {
        (Some(token), None) => bool::from(token.as_bytes().ct_eq(secret.as_bytes())),
        _ => false,
    }
}

/// `application/json`, with or without parameters (`; charset=utf-8`), and nothing else.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// `POST /hooks/gitlab`: checks the token from the headers alone (a stranger costs no more
/// than its headers: the body is never read), reads the body within its limit and time, reads
/// the Issue Hook, refuses one dated in the future, decides it, records the outcome (once per
/// event) and answers with the decision.
pub async fn gitlab_hook(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if !authenticated(&headers, &shared.secret) {
        tracing::warn!("hook: wrong, missing or repeated X-Gitlab-Token");
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({"error": "wrong or missing X-Gitlab-Token"}),
        );
    }
    let event = headers
        .get("x-gitlab-event")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if event != "Issue Hook" && event != "Confidential Issue Hook" {
        return reply(
            StatusCode::ACCEPTED,
            json!({"ignored": format!("{event:?} is not an Issue Hook")}),
        );
    }
    if !is_json(&headers) {
        return reply(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            json!({"error": "the body must be application/json"}),
        );
    }
    let too_big = || {
        reply(
            StatusCode::PAYLOAD_TOO_LARGE,
            json!({"error": format!("the body is over {} bytes", shared.max_body_bytes)}),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > shared.max_body_bytes as u64) {
        return too_big();
    }
    let read = Limited::new(body, shared.max_body_bytes).collect();
    let body = match tokio::time::timeout(shared.body_read_timeout, read).await {
        Err(_) => {
            tracing::warn!("hook: the body did not arrive in time");
            return reply(
                StatusCode::REQUEST_TIMEOUT,
                json!({"error": "the body did not arrive in time"}),
            );
        }
        Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => return too_big(),
        Ok(Err(_)) => {
            return reply(
                StatusCode::BAD_REQUEST,
                json!({"error": "the body could not be read"}),
            );
        }
        Ok(Ok(collected)) => collected.to_bytes(),
    };
    let Ok(text) = std::str::from_utf8(&body) else {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": "the body is not UTF-8"}),
        );
    };
    let hook = match gitlab::read_webhook(text) {
        Ok(hook) => hook,
        Err(e @ GitlabError::OtherEvent { .. }) => {
            return reply(StatusCode::ACCEPTED, json!({"ignored": e.to_string()}));
        }
        Err(e) => {
            let e = csops_core::Error::from(e);
            tracing::warn!(error = %e, "hook: not a readable Issue Hook");
            return reply(
                StatusCode::BAD_REQUEST,
                json!({"error": e.to_string(), "key": e.key()}),
            );
        }
    };
    let Some(project) = hook.project_id else {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": "the payload names no project (project.id)", "key": "project.id"}),
        );
    };
    let now = now_ms();
    if hook.at.timestamp_millis() > now.saturating_add(shared.max_skew_ms) {
        tracing::warn!(project, iid = hook.iid, at = %hook.at, "hook: dated in the future; refused");
        return reply(
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({
                "error": format!(
                    "the change is dated {}, more than {} s after this service's clock: refused, not recorded",
                    hook.at.to_rfc3339(), shared.max_skew_ms / 1000
                ),
                "key": "updated_at",
            }),
        );
    }
    let key = event_key(&headers, project, &hook);
    let at = hook.at.timestamp_millis();
    let hook = Arc::new(hook);
    let decide = |events: Option<Vec<LabelEvent>>| {
        let (shared, hook, key) = (shared.clone(), hook.clone(), key.clone());
        async move {
            let stripe = shared.stripe(project, hook.iid);
            let Ok(turn) = tokio::time::timeout(shared.lock_wait, stripe.lock_owned()).await else {
                tracing::warn!(
                    project,
                    iid = hook.iid,
                    "hook: the issue's turn did not come in time"
                );
                return None;
            };
            Some(
                tokio::task::spawn_blocking(move || {
                    let outcome = decide_and_record(
                        &shared,
                        project,
                        &hook,
                        &key,
                        now,
                        events.as_deref(),
                        at,
                        false,
                    );
                    drop(turn);
                    outcome
                })
                .await,
            )
        }
    };
    let mut outcome = decide(None).await;
    if let Some(Ok(Ok(Outcome::Unknown))) = &outcome {
        // Never seen, and a CS Ops request: its history from GitLab, fetched outside the
        // issue's turn (a slow GitLab holds up this request only), then decided again.
        let events =
            tokio::time::timeout(shared.lock_wait, shared.first_seen_events(project, &hook))
                .await
                .ok()
                .flatten();
        outcome = decide(Some(events.unwrap_or_default())).await;
    }
    let Some(outcome) = outcome else {
        return busy("the issue's earlier events are still being decided; deliver again later");
    };
    if let Ok(Ok(_)) = &outcome {
        shared.store_answers();
    }
    match outcome {
        Ok(Ok(Outcome::Duplicate)) => reply(StatusCode::OK, json!({"duplicate": true})),
        // Decided with the events fetched (none when GitLab did not answer): never unknown.
        Ok(Ok(Outcome::Unknown)) => {
            busy("the issue's history could not be read; deliver again later")
        }
        Ok(Ok(Outcome::Overtaken)) => reply(
            StatusCode::OK,
            json!({"overtaken": "the catch-up judged this change already (GitLab delivered it late)"}),
        ),
        Ok(Ok(Outcome::Decided { decision, action })) => {
            if action {
                shared.wake.notify_one();
            }
            tracing::info!(project, iid = decision.iid, managed = decision.managed, moved = decision.moved,
                allowed = decision.allowed, actor = %decision.actor, "hook: decided");
            reply(
                StatusCode::OK,
                serde_json::to_value(&decision).unwrap_or_default(),
            )
        }
        Ok(Err(Failed::Input(e))) => {
            tracing::warn!(error = %e, "hook: cannot decide");
            reply(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"error": e.to_string(), "key": e.key()}),
            )
        }
        Ok(Err(Failed::Store(e))) => {
            tracing::error!(error = %e, "hook: store failed; GitLab will retry the delivery");
            if let Ok(mut s) = shared.outbox.lock() {
                s.store_error = Some(e.to_string());
            }
            busy("store unavailable")
        }
        Err(e) => {
            tracing::error!(error = %e, "hook: the decision's task failed");
            reply(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"error": "internal error"}),
            )
        }
    }
}

/// What names an event across GitLab's deliveries of it: `Idempotency-Key` (GitLab 17.4+, the
/// same on every retry), else `X-Gitlab-Event-UUID`, else the issue, the change's time, its
/// author and its labels before and after.
fn event_key(headers: &HeaderMap, project: u64, hook: &IssueHook) -> String {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty())
    };
    // A digest, so that a key is 64 characters whatever the payload holds.
    if let Some(key) = header("idempotency-key") {
        return digest(&format!("idempotency:{key}"));
    }
    if let Some(uuid) = header("x-gitlab-event-uuid") {
        return digest(&format!("uuid:{uuid}"));
    }
    digest(&format!(
        "payload:{project}/{}/{}/{}/{:?}/{:?}/{:?}",
        hook.iid,
        hook.at.timestamp_millis(),
        hook.actor,
        hook.previous_labels,
        hook.current_labels,
        hook.state
    ))
}

/// What deciding a change came to.
pub enum Outcome {
    /// The event was recorded before.
    Duplicate,
    /// The catch-up judged the change already (a late webhook), or a webhook or the catch-up
    /// judged it or a later one (the catch-up's second look).
    Overtaken,
    /// Not decided: the store has never seen this CS Ops request, and its history is to be
    /// fetched first (`events` was none and the service reads GitLab).
    Unknown,
    /// Decided and recorded.
    Decided {
        /// The decision.
        decision: Box<csops_core::gitlab::WebhookDecision>,
        /// Whether GitLab is to be told something (the outbox has an entry).
        action: bool,
    },
}

/// Why a change could not be decided.
pub enum Failed {
    /// The change or the stored request breaks what csops reads.
    Input(csops_core::Error),
    /// The store failed.
    Store(crate::store::StoreError),
}

/// Whether a change at `at_ms` is one judged at `judged_ms` or before it. In whole seconds: an
/// Issue Hook dates a change to the second, GitLab's REST API to the millisecond.
pub fn judged_by(at_ms: i64, judged_ms: i64) -> bool {
    at_ms.div_euclid(1000) <= judged_ms.div_euclid(1000)
}

/// Decides `hook` against the stored request and records the outcome as of `now_ms` (the
/// clock the request's skew was checked against), the issue's change of `changed_ms` (its
/// `updated_at`) judged with it. An issue the store has never seen is the request its label
/// `events` lead to when they were fetched; when they were not and the service reads GitLab, a
/// CS Ops request is [`Outcome::Unknown`] (fetch them, and decide again); else the payload's.
/// `caught`: the change is one the catch-up found (no webhook of it arrived).
#[allow(clippy::too_many_arguments)]
pub fn decide_and_record(
    shared: &Shared,
    project: u64,
    hook: &IssueHook,
    key: &str,
    now_ms: i64,
    events: Option<&[LabelEvent]>,
    changed_ms: i64,
    caught: bool,
) -> Result<Outcome, Failed> {
    let wf = &shared.workflow;
    let (stored, judged) = shared
        .store
        .request_judged(project, hook.iid)
        .map_err(Failed::Store)?;
    // The catch-up judges each change once; a webhook GitLab delivers after the catch-up
    // judged its change is late, not new.
    if (caught && judged_by(changed_ms, judged.at_ms))
        || (!caught && judged.caught_ms > 0 && judged_by(changed_ms, judged.caught_ms))
    {
        return Ok(Outcome::Overtaken);
    }
    if stored.is_none() && events.is_none() && shared.reader.is_some() {
        let labels = hook
            .labels
            .iter()
            .chain(hook.previous_labels.iter().flatten());
        if wf.taxonomy().is_managed(labels.map(String::as_str)) {
            return Ok(Outcome::Unknown);
        }
    }
    let stored = match stored {
        Some(json) => wf
            .load_request(&json)
            .map_err(|e| Failed::Input(e.into()))?,
        // Never seen: the issue as it was before the change, as its label events lead to it,
        // else as the payload shows it.
        None => match events {
            Some(events) => gitlab::request_before(wf, hook, events),
            None => hook.to_request_before(wf.config()),
        }
        .map_err(|e| Failed::Input(e.into()))?,
    };
    let (decision, after) =
        gitlab::apply_webhook(wf, hook, &stored).map_err(|e| Failed::Input(e.into()))?;
    // A refused move is undone (with a comment); an allowed one may still need GitLab to close,
    // reopen or add the interrupt label.
    let act = !decision.allowed || !decision.rest_params.is_empty();
    let action = act.then(|| Action {
        project,
        iid: hook.iid,
        params: decision.rest_params.clone(),
        comment: decision.comment.clone(),
    });
    let after = after.map(|r| r.to_json());
    let judged = Judged {
        at_ms: changed_ms,
        caught_ms: if caught { changed_ms } else { 0 },
    };
    let new = shared
        .store
        .record_judged(
            key,
            project,
            hook.iid,
            after.as_deref(),
            action.as_ref(),
            Some(judged),
            now_ms,
        )
        .map_err(Failed::Store)?;
    Ok(if new {
        Outcome::Decided {
            decision: Box::new(decision),
            action: action.is_some(),
        }
    } else {
        Outcome::Duplicate
    })
}
