//! The worker that tells GitLab what the decisions say: it takes due entries from the store's
//! outbox, makes their calls (a few at a time), and retries a failed call with exponential
//! backoff until GitLab answers. An entry leaves the outbox only when both calls succeeded, so
//! a restart resumes where the last run stopped, and an update made before a failed comment is
//! not made again.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

use crate::config::Retry;
use crate::gitlab_api::{CallError, GitlabApi};
use crate::store::{Pending, Store};

/// Milliseconds since the epoch (the outbox's clock).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Runs until `stop` turns true, then lets the deliveries in flight finish.
pub async fn run(
    store: Arc<dyn Store>,
    api: GitlabApi,
    retry: Retry,
    in_flight: usize,
    wake: Arc<Notify>,
    mut stop: watch::Receiver<bool>,
) {
    let busy: Arc<Mutex<HashSet<i64>>> = Arc::default();
    let mut tasks = JoinSet::new();
    loop {
        while tasks.try_join_next().is_some() {}
        let free = in_flight.saturating_sub(tasks.len());
        let skip: Vec<i64> = busy
            .lock()
            .map(|b| b.iter().copied().collect())
            .unwrap_or_default();
        let due = if free == 0 {
            Vec::new()
        } else {
            let store = store.clone();
            tokio::task::spawn_blocking(move || store.due(now_ms(), free, &skip))
                .await
                .unwrap_or_else(|e| Err(crate::store::StoreError::Corrupt(e.to_string())))
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "outbox: cannot read the store");
                    Vec::new()
                })
        };
        for p in due {
            if let Ok(mut b) = busy.lock() {
                b.insert(p.id);
            }
            let (store, api, retry, busy) =
                (store.clone(), api.clone(), retry.clone(), busy.clone());
            tasks.spawn(async move {
                let id = p.id;
                deliver(store, &api, &retry, p).await;
                if let Ok(mut b) = busy.lock() {
                    b.remove(&id);
                }
            });
        }
        // Sleep until woken (a new entry, a delivery done) or the next entry falls due.
        let next = {
            let store = store.clone();
            tokio::task::spawn_blocking(move || store.next_due())
                .await
                .ok()
                .and_then(Result::ok)
                .flatten()
        };
        let wait = next.map_or(Duration::from_secs(1), |due| {
            Duration::from_millis(due.saturating_sub(now_ms()).clamp(1, 1000) as u64)
        });
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(wait) => {}
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            changed = stop.changed() => {
                // The sender gone (the service dropped without a shutdown) is a stop too.
                if changed.is_err() {
                    break;
                }
            }
        }
        if *stop.borrow() {
            break;
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// One attempt at an entry: the update, then the comment; the store learns how it went (off
/// the async threads, as every store call).
async fn deliver(store: Arc<dyn Store>, api: &GitlabApi, retry: &Retry, p: Pending) {
    let a = &p.action;
    let id = p.id;
    let mut result = Ok(());
    if !p.updated {
        result = api.update(a).await;
        if result.is_ok() && a.comment.is_some() {
            blocking(&store, move |s| s.updated(id)).await;
        }
    }
    if result.is_ok() {
        result = api.comment(a).await;
    }
    let attempts = p.attempts + 1;
    match result {
        Ok(()) => {
            tracing::info!(
                project = a.project,
                iid = a.iid,
                attempts,
                "gitlab: restored"
            );
            blocking(&store, move |s| s.delivered(id)).await;
        }
        Err(CallError::Retry(e)) if attempts < retry.max_attempts => {
            let delay = retry.delay_ms(attempts);
            tracing::warn!(project = a.project, iid = a.iid, attempts, delay_ms = delay, error = %e, "gitlab: will retry");
            let next = now_ms() + delay as i64;
            blocking(&store, move |s| s.retry(id, attempts, next, &e.to_string())).await;
        }
        Err(e) => {
            tracing::error!(project = a.project, iid = a.iid, attempts, error = %e, "gitlab: given up");
            blocking(&store, move |s| s.failed(id, attempts, &e.to_string())).await;
        }
    }
}

/// A store write on the blocking threads; its failure is logged (the entry stays as it was and
/// is tried again).
async fn blocking(
    store: &Arc<dyn Store>,
    f: impl FnOnce(&dyn Store) -> Result<(), crate::store::StoreError> + Send + 'static,
) {
    let store = store.clone();
    match tokio::task::spawn_blocking(move || f(&*store)).await {
        Ok(result) => log_store(result),
        Err(e) => tracing::error!(error = %e, "outbox: a store task failed"),
    }
}

fn log_store(result: Result<(), crate::store::StoreError>) {
    if let Err(e) = result {
        tracing::error!(error = %e, "outbox: cannot write the store");
    }
}
