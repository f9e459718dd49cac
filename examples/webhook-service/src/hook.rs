//! The HTTP side: `POST /hooks/gitlab` (an Issue Hook in, a decision out) and `/healthz`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use csops_core::Workflow;
use csops_core::gitlab::{self, IssueHook};
use serde_json::json;
use subtle::ConstantTimeEq;
use tokio::sync::{Mutex, Notify};

use crate::outbox::now_ms;
use crate::store::{Action, Store};

/// What every handler shares.
pub struct Shared {
    /// The rules and the people.
    pub workflow: Workflow,
    /// Where the state is kept.
    pub store: Arc<dyn Store>,
    /// The secret GitLab sends as `X-Gitlab-Token`.
    pub secret: String,
    /// Wakes the outbox worker when there is something to deliver.
    pub wake: Arc<Notify>,
    /// One lock per stripe of issues: two events of one issue are decided one after the other
    /// (the lock goes with the decision's task, so a client that hangs up does not free it).
    pub stripes: Vec<Arc<Mutex<()>>>,
}

fn reply(status: StatusCode, body: serde_json::Value) -> Response {
    (status, Json(body)).into_response()
}

/// `GET /healthz`: 200 when the store answers.
pub async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    let store = shared.store.clone();
    match tokio::task::spawn_blocking(move || store.counts()).await {
        Ok(Ok((events, pending, failed))) => reply(
            StatusCode::OK,
            json!({"status": "ok", "events": events, "pending": pending, "failed": failed}),
        ),
        _ => reply(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({"status": "store unavailable"}),
        ),
    }
}

/// `POST /hooks/gitlab`: checks the token, reads the Issue Hook, decides it, records the
/// outcome (once per event) and answers with the decision.
pub async fn gitlab_hook(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = headers
        .get("x-gitlab-token")
        .map(|v| v.as_bytes())
        .unwrap_or_default();
    if !bool::from(token.ct_eq(shared.secret.as_bytes())) {
        tracing::warn!("hook: wrong or missing X-Gitlab-Token");
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
    let json_body = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let Some(text) = json_body.then(|| std::str::from_utf8(&body).ok()).flatten() else {
        return reply(
            StatusCode::BAD_REQUEST,
            json!({"error": "the body is not JSON (Content-Type application/json, UTF-8)"}),
        );
    };
    let hook = match gitlab::read_webhook(text) {
        Ok(hook) => hook,
        Err(e) => {
            let e = csops_core::Error::from(e);
            if e.key() == "object_kind" {
                return reply(StatusCode::ACCEPTED, json!({"ignored": e.to_string()}));
            }
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
    let key = event_key(&headers, project, &hook);
    let stripe = shared.stripes
        [(project ^ hook.iid.rotate_left(17)) as usize % shared.stripes.len()]
    .clone();
    let turn = stripe.lock_owned().await;
    let shared2 = shared.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let outcome = decide_and_record(&shared2, project, &hook, &key);
        drop(turn);
        outcome
    })
    .await;
    match outcome {
        Ok(Ok(Outcome::Duplicate)) => reply(StatusCode::OK, json!({"duplicate": true})),
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
            reply(
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"error": "store unavailable"}),
            )
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
    if let Some(key) = header("idempotency-key") {
        return format!("idempotency:{key}");
    }
    if let Some(uuid) = header("x-gitlab-event-uuid") {
        return format!("uuid:{uuid}");
    }
    format!(
        "payload:{project}/{}/{}/{}/{:?}/{:?}/{:?}",
        hook.iid,
        hook.at.timestamp_millis(),
        hook.actor,
        hook.previous_labels,
        hook.current_labels,
        hook.state
    )
}

enum Outcome {
    Duplicate,
    Decided {
        decision: Box<csops_core::gitlab::WebhookDecision>,
        action: bool,
    },
}

enum Failed {
    Input(csops_core::Error),
    Store(crate::store::StoreError),
}

fn decide_and_record(
    shared: &Shared,
    project: u64,
    hook: &IssueHook,
    key: &str,
) -> Result<Outcome, Failed> {
    let wf = &shared.workflow;
    let stored = match shared
        .store
        .request(project, hook.iid)
        .map_err(Failed::Store)?
    {
        Some(json) => wf
            .load_request(&json)
            .map_err(|e| Failed::Input(e.into()))?,
        // Never seen: the issue as it was before the change, as the payload shows it.
        None => hook
            .to_request_before(wf.config())
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
    let new = shared
        .store
        .record(
            key,
            project,
            hook.iid,
            after.as_deref(),
            action.as_ref(),
            now_ms(),
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
