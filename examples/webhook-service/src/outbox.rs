//! The worker that tells GitLab what the decisions say: a durable job queue over the store's
//! outbox. Each entry has a due time, a count of attempts, a budget in time and, when the
//! budget is spent or GitLab refuses the call, a *dead* state an operator sees on `/healthz`
//! and sends again with `csops-webhook-service resend`.
//!
//! It never storms, whatever fails: every failure, GitLab's or the store's, backs off with full
//! jitter; no entry is attempted more often than `retry.max_attempts_per_minute`, counted in
//! memory so that a store that cannot record an outcome does not make the entry look new; a
//! 429 pauses every call for what `Retry-After` / `RateLimit-Reset` ask; a refused token pauses
//! the outbox (and makes `/healthz` unhealthy) instead of failing the entries. An attempt is
//! claimed in the store before its first call, and the claim stays while its outcome is
//! unknown (a crash, a timeout): the next attempt asks GitLab what it already has before
//! anything is sent again.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::config::Retry;
use crate::gitlab_api::{CallError, GitlabApi};
use crate::store::{Pending, Store, StoreError};

/// Milliseconds since the epoch (the service's clock).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The mark a comment carries so that, after a crash, the service can tell it was posted.
pub fn marker(event: &str) -> String {
    format!("<!-- csops-webhook event {event} -->")
}

/// What `/healthz` says of the outbox.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    /// The worker runs (false: it stopped, and nothing is delivered).
    pub running: bool,
    /// Why no call is made now, when none is: GitLab refused the token, or its rate limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paused: Option<String>,
    /// GitLab refuses the token: nothing can be delivered until an operator mends it.
    pub unauthorized: bool,
    /// The store cannot be written (by the outbox, or by a webhook's decision).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_error: Option<String>,
}

impl Default for Status {
    fn default() -> Status {
        Status {
            running: true,
            paused: None,
            unauthorized: false,
            store_error: None,
        }
    }
}

impl Status {
    /// Whether the service can decide and deliver.
    pub fn healthy(&self) -> bool {
        self.running && !self.unauthorized && self.store_error.is_none()
    }
}

/// How the worker runs.
pub struct Worker {
    /// Where the entries are.
    pub store: Arc<dyn Store>,
    /// GitLab.
    pub api: GitlabApi,
    /// How failures are retried.
    pub retry: Retry,
    /// Deliveries at once.
    pub in_flight: usize,
    /// Wakes the worker when an entry is recorded.
    pub wake: Arc<Notify>,
    /// What `/healthz` reads.
    pub status: Arc<Mutex<Status>>,
    /// Events older than this are forgotten (milliseconds).
    pub retention_ms: i64,
}

/// The outcome of one attempt, before the store has it.
#[derive(Debug, Clone)]
enum Outcome {
    Delivered,
    Failed {
        /// The update was made (only the comment is left).
        updated: bool,
        /// A call may have been acted on without an answer, or a check is still owed.
        unsure: bool,
        error: CallError,
    },
}

/// What an outcome changes in the store.
#[derive(Debug, Clone)]
enum Write {
    Delivered,
    Retry {
        updated: bool,
        unsure: bool,
        next_ms: i64,
        error: String,
    },
    Dead {
        updated: bool,
        unsure: bool,
        error: String,
    },
}

/// What the worker knows that the store may not yet.
#[derive(Default)]
struct Memory {
    /// Entries under way, by their task.
    busy: HashMap<tokio::task::Id, Pending>,
    /// No attempt of these before then (the per-entry spacing, whatever the store says).
    not_before: HashMap<i64, Instant>,
    /// Outcomes the store could not write yet: never acted on again, written when it can.
    unwritten: HashMap<i64, Write>,
    /// The store's failures in a row, and when to try it again.
    store_failures: u32,
    store_again: Option<Instant>,
    /// Every call waits until then (a 429, or a refused token).
    paused_until: Option<Instant>,
}

impl Memory {
    fn busy_ids(&self) -> HashSet<i64> {
        self.busy.values().map(|p| p.id).collect()
    }

    fn paused(&self) -> bool {
        self.paused_until.is_some_and(|t| t > Instant::now())
    }
}

/// Marks the worker stopped when it ends, however it ends (a panic too).
struct Running(Arc<Mutex<Status>>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(mut s) = self.0.lock() {
            s.running = false;
        }
    }
}

type Tasks = JoinSet<(Pending, Outcome)>;

impl Worker {
    /// Runs until `stop` turns true, then gives the deliveries in flight `deadline` to finish;
    /// those still running are cut (their claims lead to a check with GitLab on the next start).
    pub async fn run(self, mut stop: watch::Receiver<bool>, deadline: Duration) {
        let _running = Running(self.status.clone());
        let mut mem = Memory::default();
        let mut tasks: Tasks = JoinSet::new();
        let mut pruned: Option<Instant> = None;
        loop {
            while let Some(done) = tasks.try_join_next_with_id() {
                self.finished(&mut mem, done).await;
            }
            self.write_unwritten(&mut mem).await;
            if pruned.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) && self.store_ok(&mem)
            {
                let before = now_ms().saturating_sub(self.retention_ms);
                match self.blocking(move |s| s.prune_events(before)).await {
                    Ok(n) if n > 0 => tracing::info!(events = n, "outbox: forgot old events"),
                    Ok(_) => {}
                    Err(e) => self.store_failed(&mut mem, &e),
                }
                pruned = Some(Instant::now());
            }
            if !mem.paused() {
                self.pause_over();
                if self.store_ok(&mem) {
                    self.start_due(&mut mem, &mut tasks).await;
                }
            }
            let wait = self.next_wake(&mem, tasks.len()).await;
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => {
                    self.finished(&mut mem, done).await;
                }
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
        let end = Instant::now() + deadline;
        let finished = tokio::time::timeout_at(end, async {
            while let Some(done) = tasks.join_next_with_id().await {
                self.finished(&mut mem, done).await;
            }
        })
        .await;
        if finished.is_err() {
            tracing::warn!(
                deliveries = tasks.len(),
                "outbox: shutdown deadline reached; cut deliveries are checked with GitLab on the next start"
            );
            tasks.abort_all();
        }
        // What the store has not taken yet gets a last chance, within the deadline.
        let _ = tokio::time::timeout_at(end.max(Instant::now() + Duration::from_millis(500)), {
            mem.store_again = None;
            self.write_unwritten(&mut mem)
        })
        .await;
    }

    /// A delivery task ended: its outcome, or a failure (a panic is an attempt whose outcome
    /// is unknown).
    async fn finished(
        &self,
        mem: &mut Memory,
        done: Result<(tokio::task::Id, (Pending, Outcome)), tokio::task::JoinError>,
    ) {
        match done {
            Ok((task, (p, outcome))) => {
                mem.busy.remove(&task);
                self.settle(mem, p, outcome).await;
            }
            Err(e) => {
                if let Some(p) = mem.busy.remove(&e.id()) {
                    tracing::error!(error = %e, id = p.id, "outbox: a delivery task failed");
                    let error = CallError::Unanswered(format!("the delivery task failed: {e}"));
                    let outcome = Outcome::Failed {
                        updated: p.updated,
                        unsure: true,
                        error,
                    };
                    self.settle(mem, p, outcome).await;
                }
            }
        }
    }

    fn store_ok(&self, mem: &Memory) -> bool {
        mem.store_again.is_none_or(|t| t <= Instant::now())
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(&*store))
            .await
            .unwrap_or_else(|e| Err(StoreError::Corrupt(format!("a store task failed: {e}"))))
    }

    fn with_status(&self, f: impl FnOnce(&mut Status)) {
        if let Ok(mut s) = self.status.lock() {
            f(&mut s);
        }
    }

    /// The store failed: it is left alone for a while (backoff with jitter, up to 30 s).
    fn store_failed(&self, mem: &mut Memory, e: &StoreError) {
        mem.store_failures += 1;
        let ceiling = (250u64 << mem.store_failures.min(7)).min(30_000);
        let wait = ceiling / 2 + fastrand::u64(0..=ceiling / 2);
        mem.store_again = Some(Instant::now() + Duration::from_millis(wait));
        tracing::error!(error = %e, retry_in_ms = wait, "outbox: the store failed; waiting for it");
        self.with_status(|s| s.store_error = Some(e.to_string()));
    }

    fn store_worked(&self, mem: &mut Memory) {
        if mem.store_failures > 0 {
            mem.store_failures = 0;
            mem.store_again = None;
            tracing::info!("outbox: the store works again");
            self.with_status(|s| s.store_error = None);
        }
    }

    /// Claims and starts the due entries there is room for.
    async fn start_due(&self, mem: &mut Memory, tasks: &mut Tasks) {
        let mut free = self.in_flight.saturating_sub(tasks.len());
        // While GitLab refuses the token, one entry at a time probes it.
        if self.status.lock().is_ok_and(|s| s.unauthorized) {
            free = usize::from(tasks.is_empty());
        }
        if free == 0 {
            return;
        }
        let now = Instant::now();
        mem.not_before.retain(|_, t| *t > now);
        let skip = Worker::skipped(mem);
        let due = match self.blocking(move |s| s.due(now_ms(), free, &skip)).await {
            Ok(due) => due,
            Err(e) => return self.store_failed(mem, &e),
        };
        for p in due {
            let id = p.id;
            // Until its outcome is written, the entry is not due again before the spacing.
            let spacing = self.retry.min_spacing_ms();
            let next = now_ms().saturating_add(spacing as i64);
            if let Err(e) = self.blocking(move |s| s.claim(id, next)).await {
                // Not claimed, not attempted: a call is only made once its trace is on disk.
                return self.store_failed(mem, &e);
            }
            self.store_worked(mem);
            mem.not_before
                .insert(id, Instant::now() + Duration::from_millis(spacing));
            let api = self.api.clone();
            let attempt = p.clone();
            let task = tasks.spawn(async move {
                let outcome = deliver(&api, &attempt).await;
                (attempt, outcome)
            });
            mem.busy.insert(task.id(), p);
        }
    }

    /// The entries not to start now: under way, spaced out, or with an outcome to write.
    fn skipped(mem: &Memory) -> Vec<i64> {
        let now = Instant::now();
        let mut skip = mem.busy_ids();
        skip.extend(
            mem.not_before
                .iter()
                .filter(|(_, t)| **t > now)
                .map(|(id, _)| *id),
        );
        skip.extend(mem.unwritten.keys());
        skip.into_iter().collect()
    }

    /// Decides what an attempt's outcome changes, then writes it.
    async fn settle(&self, mem: &mut Memory, p: Pending, outcome: Outcome) {
        let a = &p.action;
        let (project, iid) = (a.project, a.iid);
        let attempts = p.attempts + 1;
        let now = now_ms();
        let write = match outcome {
            Outcome::Delivered => {
                tracing::info!(project, iid, attempts, "gitlab: told");
                self.resumed();
                Write::Delivered
            }
            Outcome::Failed {
                updated,
                unsure,
                error,
            } => {
                let text = error.to_string();
                let wait = self.wait_after(mem, &error, attempts);
                let spent = now.saturating_sub(p.created_ms).saturating_add(wait as i64)
                    > self.retry.budget_secs.saturating_mul(1000) as i64;
                if matches!(error, CallError::Refused(_)) || spent {
                    tracing::error!(project, iid, attempts, error = %text, "gitlab: given up; the entry is dead (see /healthz, `resend`)");
                    Write::Dead {
                        updated,
                        unsure,
                        error: text,
                    }
                } else {
                    tracing::warn!(project, iid, attempts, retry_in_ms = wait, error = %text, "gitlab: will retry");
                    let again = Instant::now() + Duration::from_millis(wait);
                    let t = mem.not_before.entry(p.id).or_insert(again);
                    *t = (*t).max(again);
                    Write::Retry {
                        updated,
                        unsure,
                        next_ms: now.saturating_add(wait as i64),
                        error: text,
                    }
                }
            }
        };
        self.write(mem, p.id, write).await;
    }

    /// Writes what an outcome changes, or keeps it in memory when the store cannot.
    async fn write(&self, mem: &mut Memory, id: i64, write: Write) {
        let w = write.clone();
        let written = self
            .blocking(move |s| match w {
                Write::Delivered => s.delivered(id),
                Write::Retry {
                    updated,
                    unsure,
                    next_ms,
                    error,
                } => s.retry(id, updated, unsure, next_ms, &error),
                Write::Dead {
                    updated,
                    unsure,
                    error,
                } => {
                    if updated {
                        s.updated(id)?;
                    }
                    s.dead(id, unsure, &error)
                }
            })
            .await;
        match written {
            Ok(()) => {
                self.store_worked(mem);
                if !matches!(write, Write::Retry { .. }) {
                    mem.not_before.remove(&id);
                }
            }
            Err(e) => {
                self.store_failed(mem, &e);
                mem.unwritten.insert(id, write);
            }
        }
    }

    /// Outcomes kept in memory, written once the store takes them again.
    async fn write_unwritten(&self, mem: &mut Memory) {
        let ids: Vec<i64> = mem.unwritten.keys().copied().collect();
        for id in ids {
            if !self.store_ok(mem) {
                return;
            }
            if let Some(write) = mem.unwritten.remove(&id) {
                self.write(mem, id, write).await;
            }
        }
    }

    /// How long to wait after a failure, and what the failure pauses.
    fn wait_after(&self, mem: &mut Memory, error: &CallError, attempts: u32) -> u64 {
        let jittered = self.retry.delay_ms(attempts, fastrand::f64());
        let pause = |mem: &mut Memory, d: Duration| {
            let until = Instant::now() + d;
            mem.paused_until = Some(mem.paused_until.map_or(until, |t| t.max(until)));
        };
        match error {
            CallError::Unanswered(_) => jittered,
            CallError::Retry { after, .. } => {
                jittered.max(after.map_or(0, |d| d.as_millis() as u64))
            }
            CallError::RateLimited { after, .. } => {
                // Every entry waits; each comes back at its own time after the window.
                pause(mem, *after);
                self.with_status(|s| {
                    s.paused = Some(format!(
                        "GitLab's rate limit: every call waits {} s",
                        after.as_secs()
                    ))
                });
                after.as_millis() as u64 + jittered
            }
            CallError::Unauthorized(m) | CallError::Forbidden(m) => {
                let wait = Duration::from_millis(self.retry.auth_pause_ms);
                pause(mem, wait);
                tracing::error!(error = %m, "gitlab: the token is refused (revoked, expired or without the api scope); the outbox pauses");
                self.with_status(|s| {
                    s.paused = Some(format!(
                        "GitLab refuses the token ({m}): check CSOPS_GITLAB_TOKEN (an access token with the api scope)"
                    ));
                    s.unauthorized = true;
                });
                self.retry.auth_pause_ms.max(jittered)
            }
            CallError::Refused(_) => 0,
        }
    }

    /// A rate limit's pause is over: no longer said (a refused token is said until a call
    /// goes through).
    fn pause_over(&self) {
        self.with_status(|s| {
            if !s.unauthorized {
                s.paused = None;
            }
        });
    }

    /// A call went through: whatever paused the outbox is over.
    fn resumed(&self) {
        self.with_status(|s| {
            if s.paused.is_some() || s.unauthorized {
                s.paused = None;
                s.unauthorized = false;
                tracing::info!("gitlab: calls go through again");
            }
        });
    }

    /// How long to sleep when nothing wakes the worker (a new entry, a delivery done, the
    /// stop): until a pause ends, the store may be tried again, an entry spaced out may go, or
    /// the next entry falls due — at most a second, so that a store written by `resend` is
    /// seen.
    async fn next_wake(&self, mem: &Memory, in_flight: usize) -> Duration {
        let now = Instant::now();
        let mut wait = Duration::from_secs(1);
        let mut until = |t: Instant| {
            if t > now {
                wait = wait.min(t - now);
            }
        };
        if mem.paused() {
            mem.paused_until.into_iter().for_each(&mut until);
        } else if !self.store_ok(mem) {
            mem.store_again.into_iter().for_each(&mut until);
        } else if in_flight < self.in_flight {
            mem.not_before.values().copied().for_each(&mut until);
            let skip = Worker::skipped(mem);
            if let Ok(Some(due)) = self.blocking(move |s| s.next_due(&skip)).await {
                wait = wait.min(Duration::from_millis(
                    due.saturating_sub(now_ms()).max(0) as u64
                ));
            }
        }
        wait.max(Duration::from_millis(10))
    }
}

/// One attempt at an entry: the update, then the comment (carrying the entry's marker). When an
/// earlier attempt's outcome is unknown (`claimed`: a crash, a timeout), GitLab is asked first:
/// labels already as wanted need no update, a comment already posted is not posted again; the
/// doubt stays until both questions are answered.
async fn deliver(api: &GitlabApi, p: &Pending) -> Outcome {
    let a = &p.action;
    let check = p.claimed;
    let mut updated = p.updated || a.params.is_empty();
    let failed = |updated, unsure, error| Outcome::Failed {
        updated,
        unsure,
        error,
    };
    if !updated {
        if check {
            match api.issue(a).await {
                Ok(now) => updated = a.params.holds_for(&now.labels, now.state == "opened"),
                Err(e) => return failed(false, true, forbidden(api, e).await),
            }
        }
        if !updated {
            if let Err(e) = api.update(a).await {
                // The comment's doubt, if any, is still to be answered.
                let unsure =
                    (check && a.comment.is_some()) || matches!(e, CallError::Unanswered(_));
                return failed(false, unsure, forbidden(api, e).await);
            }
            updated = true;
        }
    }
    if let Some(comment) = &a.comment {
        let mark = marker(&p.event);
        if check {
            match api.has_note(a, &mark).await {
                Ok(true) => return Outcome::Delivered,
                Ok(false) => {}
                Err(e) => return failed(updated, true, forbidden(api, e).await),
            }
        }
        if let Err(e) = api.comment(a, &format!("{comment}\n\n{mark}")).await {
            let unsure = matches!(e, CallError::Unanswered(_));
            return failed(updated, unsure, forbidden(api, e).await);
        }
    }
    Outcome::Delivered
}

/// A 403 is the token's when GitLab refuses it everywhere (`GET /user`); with a token that
/// works, it is this issue's: refused, like another 4xx.
async fn forbidden(api: &GitlabApi, e: CallError) -> CallError {
    let CallError::Forbidden(m) = e else {
        return e;
    };
    match api.token_works().await {
        Ok(true) => CallError::Refused(format!(
            "{m} (the token works: this issue is not its to edit)"
        )),
        Ok(false) => CallError::Unauthorized(m),
        Err(_) => CallError::Forbidden(m),
    }
}
