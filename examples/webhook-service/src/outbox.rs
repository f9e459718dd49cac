//! The worker that tells GitLab what the decisions say: a durable job queue over the store's
//! outbox. Each entry has a due time, a count of attempts, a budget in time and, when the
//! budget is spent or GitLab refuses the call, a *dead* state an operator sees on `/healthz`
//! and sends again with `csops-webhook-service resend`.
//!
//! It never storms, whatever fails: every failure, GitLab's or the store's, backs off with full
//! jitter; no entry is attempted more often than `retry.max_attempts_per_minute`, counted in
//! memory so that a store that cannot record an outcome does not make the entry look new; a
//! 429 pauses every call for what `Retry-After` / `RateLimit-Reset` ask; a 401/403 pauses the
//! outbox (and makes `/healthz` unhealthy) instead of failing the entries. An attempt is
//! claimed in the store before it starts, so an attempt cut short by a crash is found on the
//! next start, and GitLab is asked what it already has before anything is sent again.

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

/// Milliseconds since the epoch (the outbox's clock).
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
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Status {
    /// Why no call is made now, when none is: GitLab refused the token, or its rate limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paused: Option<String>,
    /// GitLab refuses the token: nothing can be delivered until an operator mends it.
    pub unauthorized: bool,
    /// The store cannot be written: the outbox waits for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store_error: Option<String>,
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
    Failed { updated: bool, error: CallError },
}

/// What an outcome changes in the store.
#[derive(Debug, Clone)]
enum Write {
    Delivered,
    Retry {
        updated: bool,
        /// The call may have gone through: the next attempt asks GitLab first.
        unsure: bool,
        next_ms: i64,
        error: String,
    },
    Dead {
        updated: bool,
        error: String,
    },
}

/// What the worker knows that the store may not yet.
#[derive(Default)]
struct Memory {
    /// Entries under way.
    busy: HashSet<i64>,
    /// No attempt of these before then (the per-entry spacing, whatever the store says).
    not_before: HashMap<i64, Instant>,
    /// Outcomes the store could not write yet: never acted on again, written when it can.
    unwritten: HashMap<i64, Write>,
    /// Claimed by this process (a claim found in the store that is not here is a crash's).
    claimed_here: HashSet<i64>,
    /// The store's failures in a row, and when to try it again.
    store_failures: u32,
    store_again: Option<Instant>,
    /// Every call waits until then (a 429, or a refused token).
    paused_until: Option<Instant>,
}

impl Worker {
    /// Runs until `stop` turns true, then gives the deliveries in flight `deadline` to finish;
    /// those still running are cut (their claims lead to a check with GitLab on the next start).
    pub async fn run(self, mut stop: watch::Receiver<bool>, deadline: Duration) {
        let mut mem = Memory::default();
        let mut tasks: JoinSet<(Pending, Outcome)> = JoinSet::new();
        let mut pruned: Option<Instant> = None;
        loop {
            while let Some(done) = tasks.try_join_next() {
                if let Ok((p, outcome)) = done {
                    mem.busy.remove(&p.id);
                    self.settle(&mut mem, p, outcome).await;
                }
            }
            self.write_unwritten(&mut mem).await;
            if pruned.is_none_or(|t| t.elapsed() > Duration::from_secs(3600)) && self.store_ok(&mem)
            {
                let before = now_ms() - self.retention_ms;
                match self.blocking(move |s| s.prune_events(before)).await {
                    Ok(n) if n > 0 => tracing::info!(events = n, "outbox: forgot old events"),
                    Ok(_) => {}
                    Err(e) => self.store_failed(&mut mem, &e),
                }
                pruned = Some(Instant::now());
            }
            let paused = mem.paused_until.is_some_and(|t| t > Instant::now());
            if !paused && self.store_ok(&mem) {
                self.start_due(&mut mem, &mut tasks).await;
            }
            let wait = self.next_wake(&mem).await;
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    if let Ok((p, outcome)) = done {
                        mem.busy.remove(&p.id);
                        self.settle(&mut mem, p, outcome).await;
                    }
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
        let cut = tokio::time::timeout(deadline, async {
            while let Some(done) = tasks.join_next().await {
                if let Ok((p, outcome)) = done {
                    self.settle(&mut mem, p, outcome).await;
                }
            }
        })
        .await;
        if cut.is_err() {
            tracing::warn!(
                deliveries = tasks.len(),
                "outbox: shutdown deadline reached; cut deliveries are checked with GitLab on the next start"
            );
            tasks.abort_all();
        }
        self.write_unwritten(&mut mem).await;
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

    /// The store failed: it is left alone for a while (backoff with jitter, up to 30 s).
    fn store_failed(&self, mem: &mut Memory, e: &StoreError) {
        mem.store_failures += 1;
        let ceiling = (250u64 << mem.store_failures.min(7)).min(30_000);
        let wait = ceiling / 2 + fastrand::u64(0..=ceiling / 2);
        mem.store_again = Some(Instant::now() + Duration::from_millis(wait));
        tracing::error!(error = %e, retry_in_ms = wait, "outbox: the store failed; waiting for it");
        if let Ok(mut s) = self.status.lock() {
            s.store_error = Some(e.to_string());
        }
    }

    fn store_worked(&self, mem: &mut Memory) {
        if mem.store_failures > 0 {
            mem.store_failures = 0;
            mem.store_again = None;
            tracing::info!("outbox: the store works again");
            if let Ok(mut s) = self.status.lock() {
                s.store_error = None;
            }
        }
    }

    /// Claims and starts the due entries there is room for.
    async fn start_due(&self, mem: &mut Memory, tasks: &mut JoinSet<(Pending, Outcome)>) {
        let mut free = self.in_flight.saturating_sub(tasks.len());
        // While GitLab refuses the token, one entry at a time probes it.
        if self.status.lock().is_ok_and(|s| s.unauthorized) {
            free = if tasks.is_empty() { 1 } else { 0 };
        }
        if free == 0 {
            return;
        }
        let now = Instant::now();
        mem.not_before.retain(|_, t| *t > now);
        let skip: Vec<i64> = mem
            .busy
            .iter()
            .chain(mem.not_before.keys())
            .chain(mem.unwritten.keys())
            .copied()
            .collect();
        let due = match self.blocking(move |s| s.due(now_ms(), free, &skip)).await {
            Ok(due) => due,
            Err(e) => return self.store_failed(mem, &e),
        };
        for p in due {
            let id = p.id;
            // Until its outcome is written, the entry is not due again before the spacing.
            let next = now_ms() + self.retry.min_spacing_ms() as i64;
            if let Err(e) = self.blocking(move |s| s.claim(id, next)).await {
                // Not claimed, not attempted: a call is only made once its trace is on disk.
                return self.store_failed(mem, &e);
            }
            self.store_worked(mem);
            let check_first = p.claimed && !mem.claimed_here.contains(&id);
            mem.claimed_here.insert(id);
            mem.busy.insert(id);
            mem.not_before.insert(
                id,
                Instant::now() + Duration::from_millis(self.retry.min_spacing_ms()),
            );
            let api = self.api.clone();
            tasks.spawn(async move {
                let outcome = deliver(&api, &p, check_first).await;
                (p, outcome)
            });
        }
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
            Outcome::Failed { updated, error } => {
                let text = error.to_string();
                let wait = self.wait_after(mem, &error, attempts);
                let spent = now.saturating_sub(p.created_ms) + wait as i64
                    > self.retry.budget_secs.saturating_mul(1000) as i64;
                if matches!(error, CallError::Refused(_)) || spent {
                    tracing::error!(project, iid, attempts, error = %text, "gitlab: given up; the entry is dead (see /healthz, `resend`)");
                    Write::Dead {
                        updated,
                        error: text,
                    }
                } else {
                    tracing::warn!(project, iid, attempts, retry_in_ms = wait, error = %text, "gitlab: will retry");
                    if let Some(t) = mem.not_before.get_mut(&p.id) {
                        *t = (*t).max(Instant::now() + Duration::from_millis(wait));
                    }
                    let unsure = matches!(error, CallError::Unanswered(_));
                    if unsure {
                        mem.claimed_here.remove(&p.id);
                    }
                    Write::Retry {
                        updated,
                        unsure,
                        next_ms: now + wait as i64,
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
                Write::Dead { updated, error } => {
                    if updated {
                        s.updated(id)?;
                    }
                    s.dead(id, &error)
                }
            })
            .await;
        match written {
            Ok(()) => {
                self.store_worked(mem);
                if !matches!(write, Write::Retry { .. }) {
                    mem.not_before.remove(&id);
                    mem.claimed_here.remove(&id);
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
        match error {
            CallError::Unanswered(_) => jittered,
            CallError::Retry { after, .. } => {
                jittered.max(after.map_or(0, |d| d.as_millis() as u64))
            }
            CallError::RateLimited { after, .. } => {
                let until = Instant::now() + *after;
                mem.paused_until = Some(mem.paused_until.map_or(until, |t| t.max(until)));
                self.set_paused(
                    Some(format!(
                        "GitLab's rate limit: every call waits {} s",
                        after.as_secs()
                    )),
                    false,
                );
                jittered.max(after.as_millis() as u64)
            }
            CallError::Unauthorized(m) => {
                let pause = Duration::from_millis(self.retry.auth_pause_ms);
                mem.paused_until = Some(Instant::now() + pause);
                tracing::error!(error = %m, "gitlab: the token is refused (revoked, expired or without the api scope); the outbox pauses");
                self.set_paused(
                    Some(format!(
                        "GitLab refuses the token ({m}): check CSOPS_GITLAB_TOKEN (an access token with the api scope)"
                    )),
                    true,
                );
                self.retry.auth_pause_ms.max(jittered)
            }
            CallError::Refused(_) => 0,
        }
    }

    fn set_paused(&self, why: Option<String>, unauthorized: bool) {
        if let Ok(mut s) = self.status.lock() {
            s.paused = why;
            s.unauthorized = unauthorized;
        }
    }

    /// A call went through: whatever paused the outbox is over.
    fn resumed(&self) {
        if let Ok(mut s) = self.status.lock()
            && (s.paused.is_some() || s.unauthorized)
        {
            s.paused = None;
            s.unauthorized = false;
            tracing::info!("gitlab: calls go through again");
        }
    }

    /// How long to sleep when nothing wakes the worker: until the next entry falls due (at
    /// most a second, so that a store written by `resend` is seen), a pause ends, or the store
    /// may be tried again.
    async fn next_wake(&self, mem: &Memory) -> Duration {
        let now = Instant::now();
        let mut wait = Duration::from_secs(1);
        for t in [mem.store_again, mem.paused_until].into_iter().flatten() {
            if t > now {
                wait = wait.min(t - now);
            }
        }
        if self.store_ok(mem)
            && let Ok(Some(due)) = self.blocking(|s| s.next_due()).await
        {
            wait = wait.min(Duration::from_millis(
                due.saturating_sub(now_ms()).max(1) as u64
            ));
        }
        // An entry due but spaced out, or under way, is not waited for in a busy loop.
        wait.max(Duration::from_millis(5))
    }
}

/// One attempt at an entry: the update, then the comment (carrying the entry's marker). After
/// a crash (`check_first`), GitLab is asked first: labels already as wanted need no update, a
/// comment already posted is not posted again.
async fn deliver(api: &GitlabApi, p: &Pending, check_first: bool) -> Outcome {
    let a = &p.action;
    let mut updated = p.updated || a.params.is_empty();
    let failed = |updated, error| Outcome::Failed { updated, error };
    if !updated {
        if check_first {
            match api.issue(a).await {
                Ok(now) => updated = a.params.holds_for(&now.labels, now.state == "opened"),
                Err(e) => return failed(false, e),
            }
        }
        if !updated {
            if let Err(e) = api.update(a).await {
                return failed(false, e);
            }
            updated = true;
        }
    }
    if let Some(comment) = &a.comment {
        let mark = marker(&p.event);
        if check_first {
            match api.has_note(a, &mark).await {
                Ok(true) => return Outcome::Delivered,
                Ok(false) => {}
                Err(e) => return failed(updated, e),
            }
        }
        if let Err(e) = api.comment(a, &format!("{comment}\n\n{mark}")).await {
            return failed(updated, e);
        }
    }
    Outcome::Delivered
}
