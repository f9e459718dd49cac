//! What the service keeps between events, behind a small trait: the request as each decision
//! left it, the events already acted on, and the outbox of GitLab calls still to make. The
//! default is SQLite (one file, WAL): a restart loses nothing.
//!
//! Here: the trait and what it hands over; `sqlite` (the default store, its schema and its
//! migrations); `tests`.

use csops_core::gitlab::RestParams;
use serde::{Deserialize, Serialize};

/// What GitLab must be told about one issue: the REST update (labels back, state) and the
/// comment that says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// The project's id.
    pub project: u64,
    /// The iid.
    pub iid: u64,
    /// `PUT /projects/:id/issues/:iid`'s parameters (nothing to send when empty).
    pub params: RestParams,
    /// `POST /projects/:id/issues/:iid/notes`'s body, when there is one.
    pub comment: Option<String>,
}

/// An outbox entry: an action and how far its delivery got.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The entry's id.
    pub id: i64,
    /// The key of the event that decided it (a digest; the comment carries it as its marker).
    pub event: String,
    /// What to deliver.
    pub action: Action,
    /// The update was made; only the comment is left.
    pub updated: bool,
    /// Attempts started so far.
    pub attempts: u32,
    /// When it was decided (milliseconds since the epoch): its retry budget counts from here.
    pub created_ms: i64,
    /// An attempt was started and its outcome never written (the process stopped in the
    /// middle): GitLab is asked what it already has before anything is sent again.
    pub claimed: bool,
}

/// An entry whose retry budget ran out, or that GitLab refused: kept for an operator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dead {
    /// The entry's id (what `resend` takes).
    pub id: i64,
    /// The project's id.
    pub project: u64,
    /// The iid.
    pub iid: u64,
    /// Attempts made.
    pub attempts: u32,
    /// The last error.
    pub error: Option<String>,
}

/// What the store holds, counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Events recorded (within the retention window).
    pub events: u64,
    /// Outbox entries still to deliver.
    pub pending: u64,
    /// Outbox entries given up (see [`Dead`]).
    pub dead: u64,
}

/// A store that cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite's error.
    #[error("store: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A row that does not read back.
    #[error("store: {0}")]
    Corrupt(String),
}

/// Where the service keeps its state. Calls are blocking (the service runs them off the async
/// threads); `record` is one transaction.
pub trait Store: Send + Sync + 'static {
    /// The request (csops JSON) as last stored for an issue.
    fn request(&self, project: u64, iid: u64) -> Result<Option<String>, StoreError>;
    /// Records an event's outcome at once: the event as seen, the request to keep (none: left
    /// as it is) and the action to deliver (none: nothing to tell GitLab). `false`, and nothing
    /// written, when the event was seen before.
    fn record(
        &self,
        event: &str,
        project: u64,
        iid: u64,
        request: Option<&str>,
        action: Option<&Action>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        self.record_judged(event, project, iid, request, action, None, now_ms)
    }
    /// [`Store::record`], and in the same transaction the change `judged` as judged:
    /// the catch-up judges no change of an issue up to the latest judged again, and a late
    /// webhook of a change the catch-up judged is overtaken.
    #[allow(clippy::too_many_arguments)]
    fn record_judged(
        &self,
        event: &str,
        project: u64,
        iid: u64,
        request: Option<&str>,
        action: Option<&Action>,
        judged: Option<Judged>,
        now_ms: i64,
    ) -> Result<bool, StoreError>;
    /// The latest change of an issue judged: by anyone, and by the catch-up (`updated_at` in
    /// milliseconds; 0 for none).
    fn judged(&self, project: u64, iid: u64) -> Result<Judged, StoreError>;
    /// [`Store::request`] and [`Store::judged`] at once (one read on a decision's path).
    fn request_judged(
        &self,
        project: u64,
        iid: u64,
    ) -> Result<(Option<String>, Judged), StoreError> {
        Ok((self.request(project, iid)?, self.judged(project, iid)?))
    }
    /// The catch-up's mark for a project or group (RFC 3339), if it has run.
    fn mark(&self, target: &str) -> Result<Option<String>, StoreError>;
    /// Moves the catch-up's mark for a project or group.
    fn set_mark(&self, target: &str, mark: &str) -> Result<(), StoreError>;
    /// Outbox entries due at `now_ms` (oldest first), at most `limit`, leaving out `skip`; of one
    /// issue's entries only the oldest pending one, so that an issue is told in order.
    fn due(&self, now_ms: i64, limit: usize, skip: &[i64]) -> Result<Vec<Pending>, StoreError>;
    /// When the next entry [`Store::due`] would give falls due, leaving out `skip` (none:
    /// nothing is waiting).
    fn next_due(&self, skip: &[i64]) -> Result<Option<i64>, StoreError>;
    /// An attempt at an entry starts: counted, marked so that a crash before its outcome is
    /// written leaves a trace, and not due again before `next_ms`.
    fn claim(&self, id: i64, next_ms: i64) -> Result<(), StoreError>;
    /// The update of an entry was made (only its comment is left).
    fn updated(&self, id: i64) -> Result<(), StoreError>;
    /// An entry was delivered: it leaves the outbox.
    fn delivered(&self, id: i64) -> Result<(), StoreError>;
    /// An attempt failed: try again at `next_ms` (`updated`: the update was made; `unsure`:
    /// a call may have gone through unanswered, so the entry stays claimed and the next
    /// attempt asks GitLab first).
    fn retry(
        &self,
        id: i64,
        updated: bool,
        unsure: bool,
        next_ms: i64,
        error: &str,
    ) -> Result<(), StoreError>;
    /// Given up (its budget spent, or refused by GitLab): kept, out of the outbox, *dead*
    /// (`unsure`: as in [`Store::retry`], so that a `resend` asks GitLab first).
    fn dead(&self, id: i64, unsure: bool, error: &str) -> Result<(), StoreError>;
    /// The dead entries, oldest first, at most `limit`.
    fn dead_entries(&self, limit: usize) -> Result<Vec<Dead>, StoreError>;
    /// Puts dead entries back in the outbox, due at `now_ms` with a fresh budget (`ids` none:
    /// all of them); how many. A dead entry of an issue with a later decision has been
    /// superseded (that decision was made against the state the undo was to restore) and is
    /// not sent again.
    fn resend(&self, ids: Option<&[i64]>, now_ms: i64) -> Result<usize, StoreError>;
    /// Forgets the events recorded before `before_ms` (their redeliveries are over); how many.
    fn prune_events(&self, before_ms: i64) -> Result<usize, StoreError>;
    /// What the store holds.
    fn counts(&self) -> Result<Counts, StoreError>;
    /// Every request kept (csops JSON), for the live board.
    fn requests(&self) -> Result<Vec<String>, StoreError>;
}

/// A change judged: its time (the issue's `updated_at` after it, in milliseconds), and whether
/// the catch-up judged it (not a webhook).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Judged {
    /// The latest change judged, by a webhook or the catch-up.
    pub at_ms: i64,
    /// The latest change the catch-up judged.
    pub caught_ms: i64,
}

/// An event's key as the store keeps it: the SHA-256 of what names the event, in hex (64
/// characters, whatever the payload holds).
pub fn digest(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

mod sqlite;
#[cfg(test)]
mod tests;

pub use sqlite::SqliteStore;
