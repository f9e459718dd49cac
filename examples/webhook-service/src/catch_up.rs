//! The reconciler (SPEC §7, the service's catch-up): every `catch_up.interval_secs` it asks
//! GitLab for the issues of its projects and groups updated since its mark, and judges each
//! change the service never received — a webhook GitLab failed to deliver, or one it never sent
//! while the hook was disabled — once, as if its webhook had arrived: the same decision, the
//! same record, the same undo through the outbox. The mark moves only after a round has judged
//! every issue it listed; the first round only sets it (what changed before the service watched
//! is the audit's to report).

use std::sync::Arc;
use std::time::Duration;

use csops_core::gitlab;
use csops_gitlab::reader::Listed;
use csops_gitlab::{Reader, Target};
use tokio::sync::watch;

use crate::hook::{Failed, Outcome, Shared, decide_and_record, judged_by};
use crate::outbox::now_ms;
use crate::store::digest;

/// How far behind the newest change listed the mark is set (GitLab's clocks; a change judged
/// already is not judged again).
const OVERLAP: Duration = Duration::from_secs(300);

/// The reconciler.
pub struct Reconciler {
    /// What the webhook handler shares (the workflow, the store, the stripes, the outbox's bell).
    pub shared: Arc<Shared>,
    /// GitLab, read.
    pub reader: Arc<Reader>,
    /// The projects and groups, each with the name its mark is kept under.
    pub targets: Vec<(String, Target)>,
    /// Between two rounds.
    pub interval: Duration,
}

impl Reconciler {
    /// Runs a round at once, then one every interval, until `stopped` (a round under way is
    /// dropped then: what it recorded is recorded whole, and its mark is not moved).
    pub async fn run(self, mut stopped: watch::Receiver<bool>) {
        loop {
            for (name, target) in &self.targets {
                if *stopped.borrow() {
                    return;
                }
                tokio::select! {
                    done = self.round(name, target) => match done {
                        Ok(judged) => tracing::info!(target = %name, judged, "catch-up: round done"),
                        Err(e) => tracing::warn!(target = %name, error = %e, "catch-up: round stopped; the mark stays"),
                    },
                    _ = stopped.changed() => return,
                }
            }
            tokio::select! {
                _ = tokio::time::sleep(self.interval) => {}
                _ = stopped.changed() => return,
            }
        }
    }

    /// One round over one project or group: how many changes it judged.
    pub async fn round(&self, name: &str, target: &Target) -> Result<usize, String> {
        let store = self.shared.store.clone();
        let key = name.to_owned();
        let since = tokio::task::spawn_blocking(move || store.mark(&key))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let mut listed = self
            .reader
            .issues_updated_since(target, since.as_deref())
            .await
            .map_err(|e| e.to_string())?;
        listed.sort_by_key(|l| l.updated_at);
        let newest = listed.last().map(|l| l.updated_at);
        let mut judged = 0;
        if since.is_some() {
            for one in listed {
                judged += usize::from(self.judge(one).await?);
            }
        }
        // The first round only sets the mark: what changed before the service watched is the
        // audit's to report, not the service's to undo.
        let mark = match since {
            Some(_) => csops_gitlab::next_mark(newest, since.as_deref(), OVERLAP),
            None => newest.map(|n| {
                (n + chrono::Duration::milliseconds(1))
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            }),
        };
        if let Some(mark) = mark {
            let (store, key) = (self.shared.store.clone(), name.to_owned());
            tokio::task::spawn_blocking(move || store.set_mark(&key, &mark))
                .await
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
        }
        Ok(judged)
    }

    /// Judges one listed issue's change, unless it was judged already: whether it did. What
    /// only this issue is at fault for (GitLab refuses its events, csops cannot read it or its
    /// stored request) is logged and left out; anything else stops the round.
    async fn judge(&self, one: Listed) -> Result<bool, String> {
        let (project, iid, at) = (one.project_id, one.iid, one.updated_at);
        let changed_ms = at.timestamp_millis();
        if changed_ms > now_ms().saturating_add(self.shared.max_skew_ms) {
            tracing::warn!(project, iid, %at, "catch-up: updated in the future; left out");
            return Ok(false);
        }
        let issue: gitlab::Issue = match serde_json::from_value(one.issue) {
            Ok(issue) => issue,
            Err(e) => {
                tracing::warn!(project, iid, error = %e, "catch-up: an issue csops cannot read; left out");
                return Ok(false);
            }
        };
        let store = self.shared.store.clone();
        let (judged, stored) = tokio::task::spawn_blocking(move || {
            Ok::<_, crate::store::StoreError>((
                store.judged(project, iid)?,
                store.request(project, iid)?,
            ))
        })
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
        if judged_by(changed_ms, judged.at_ms) {
            return Ok(false);
        }
        let wf = &self.shared.workflow;
        let before: Option<Vec<String>> = match stored.map(|json| wf.load_request(&json)) {
            Some(Ok(r)) => Some(r.labels().iter().map(|l| l.to_string()).collect()),
            Some(Err(e)) => {
                tracing::warn!(project, iid, error = %e, "catch-up: the stored request does not read; left out");
                return Ok(false);
            }
            None => None,
        };
        if before.is_none()
            && !wf
                .taxonomy()
                .is_managed(issue.labels.iter().map(String::as_str))
        {
            return Ok(false); // not a CS Ops request, and never was one here
        }
        // Fetched before the issue's turn is taken: a slow GitLab holds up no webhook.
        let events = match self.reader.label_events(project, iid).await {
            Ok(Some(events)) => events,
            Ok(None) => return Ok(false), // gone since it was listed
            Err(e) if matches!(e.kind(), "forbidden" | "refused" | "unreadable") => {
                tracing::warn!(project, iid, error = %e, "catch-up: GitLab gives no label events; left out");
                return Ok(false);
            }
            Err(e) => return Err(e.to_string()),
        };
        let events = match gitlab::read_label_events_from(serde_json::Value::Array(events)) {
            Ok(events) => events,
            Err(e) => {
                tracing::warn!(project, iid, error = %e, "catch-up: label events csops cannot read; left out");
                return Ok(false);
            }
        };
        let hook = gitlab::missed_hook(wf, &issue, project, at, &events, before.as_deref());
        let key = digest(&format!("catch-up:{project}/{iid}/{changed_ms}"));
        let turn = self.shared.stripe(project, iid).lock_owned().await;
        let shared = self.shared.clone();
        let outcome = tokio::task::spawn_blocking(move || {
            let outcome = decide_and_record(
                &shared,
                project,
                &hook,
                &key,
                now_ms(),
                Some(&events),
                changed_ms,
                true,
            );
            drop(turn);
            outcome
        })
        .await
        .map_err(|e| e.to_string())?;
        match outcome {
            Ok(Outcome::Decided { decision, action }) => {
                tracing::info!(project, iid, moved = decision.moved, allowed = decision.allowed,
                    actor = %decision.actor, "catch-up: a change no webhook brought, decided");
                if action {
                    self.shared.wake.notify_one();
                }
                Ok(true)
            }
            // Unknown is only for a decision without events; this one has them.
            Ok(Outcome::Duplicate | Outcome::Overtaken | Outcome::Unknown) => Ok(false),
            Err(Failed::Input(e)) => {
                tracing::warn!(project, iid, error = %e, "catch-up: cannot decide; left out");
                Ok(false)
            }
            Err(Failed::Store(e)) => Err(e.to_string()),
        }
    }
}
