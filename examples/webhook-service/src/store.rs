//! What the service keeps between events, behind a small trait: the request as each decision
//! left it, the events already acted on, and the outbox of GitLab calls still to make. The
//! default is SQLite (one file, WAL): a restart loses nothing.

use std::path::Path;
use std::sync::Mutex;

use csops_core::gitlab::RestParams;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

/// What GitLab must be told about one issue: the REST update (labels back, state) and the
/// comment that says why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Action {
    /// The project's id.
    pub project: u64,
    /// The issue's iid.
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
    /// The issue's iid.
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
    /// [`Store::record`], and in the same transaction the issue's change `judged` as judged:
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
}

/// The default store: one SQLite file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

const SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    CREATE TABLE IF NOT EXISTS requests (
        project INTEGER NOT NULL, iid INTEGER NOT NULL, json TEXT NOT NULL,
        PRIMARY KEY (project, iid));
    CREATE TABLE IF NOT EXISTS events (key TEXT PRIMARY KEY, at_ms INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT, event TEXT NOT NULL, action TEXT NOT NULL,
        project INTEGER NOT NULL, iid INTEGER NOT NULL,
        updated INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,
        due_ms INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'pending', error TEXT);
    CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, due_ms);
    CREATE INDEX IF NOT EXISTS outbox_issue ON outbox (project, iid, status, id);
";

/// Version 1: an entry's creation time (its budget), the claim of an attempt under way, and
/// `dead` for what 0.2.0 called `failed`; events found by age for pruning. (Their keys become
/// digests too: [`SqliteStore::open`].)
const MIGRATE_1: &str = "
    ALTER TABLE outbox ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN claimed INTEGER NOT NULL DEFAULT 0;
    UPDATE outbox SET created_ms = due_ms;
    UPDATE outbox SET status = 'dead' WHERE status = 'failed';
    CREATE INDEX IF NOT EXISTS events_age ON events (at_ms);
    PRAGMA user_version = 1;
";

/// A change judged: its time (the issue's `updated_at` after it, in milliseconds), and whether
/// the catch-up judged it (not a webhook).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Judged {
    /// The latest change judged, by a webhook or the catch-up.
    pub at_ms: i64,
    /// The latest change the catch-up judged.
    pub caught_ms: i64,
}

/// Version 2 (0.3.0): the catch-up — each issue's latest change judged, and each project's or
/// group's mark.
const MIGRATE_2: &str = "
    CREATE TABLE IF NOT EXISTS judged (
        project INTEGER NOT NULL, iid INTEGER NOT NULL, at_ms INTEGER NOT NULL,
        caught_ms INTEGER NOT NULL, PRIMARY KEY (project, iid));
    CREATE TABLE IF NOT EXISTS marks (target TEXT PRIMARY KEY, mark TEXT NOT NULL);
    PRAGMA user_version = 2;
";

/// An event's key as the store keeps it: the SHA-256 of what names the event, in hex (64
/// characters, whatever the payload holds).
pub fn digest(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl SqliteStore {
    /// Opens (or creates) the store at `path`, bringing an older store's tables up to date.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        let mut conn = conn;
        // Two processes may open an old store at once (the service and an operator's command):
        // the version is read again inside the write transaction.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version < 1 {
            tx.execute_batch(MIGRATE_1)?;
            // 0.2.0 kept what names an event as it is; its digest is the key now, so that a
            // redelivery of an event recorded before the upgrade is still known.
            let keys: Vec<String> = tx
                .prepare("SELECT key FROM events")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut rekey = tx.prepare("UPDATE events SET key = ?2 WHERE key = ?1")?;
            for key in keys {
                rekey.execute(params![key, digest(&key)])?;
            }
            drop(rekey);
        }
        if version < 2 {
            tx.execute_batch(MIGRATE_2)?;
        }
        tx.commit()?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        // A panic while holding the lock leaves SQLite consistent (each call is a statement or
        // a transaction), so a poisoned lock is used as it is.
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut conn)
    }

    fn run(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize, StoreError> {
        self.with(|c| Ok(c.prepare_cached(sql)?.execute(params)?))
    }
}

impl Store for SqliteStore {
    fn request(&self, project: u64, iid: u64) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            Ok(
                c.prepare_cached("SELECT json FROM requests WHERE project = ?1 AND iid = ?2")?
                    .query_row(params![project as i64, iid as i64], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    fn record_judged(
        &self,
        event: &str,
        project: u64,
        iid: u64,
        request: Option<&str>,
        action: Option<&Action>,
        judged: Option<Judged>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let action = action
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.with(|c| {
            let tx = c.transaction()?;
            let new = tx
                .prepare_cached("INSERT OR IGNORE INTO events (key, at_ms) VALUES (?1, ?2)")?
                .execute(params![event, now_ms])?
                == 1;
            if new {
                // A dead undo of this issue was to restore what this decision was made against:
                // sending it later would undo this one.
                tx.prepare_cached(
                    "UPDATE outbox SET status = 'superseded'
                     WHERE project = ?1 AND iid = ?2 AND status = 'dead'",
                )?
                .execute(params![project as i64, iid as i64])?;
                if let Some(json) = request {
                    tx.prepare_cached(
                        "INSERT INTO requests (project, iid, json) VALUES (?1, ?2, ?3)
                         ON CONFLICT (project, iid) DO UPDATE SET json = excluded.json",
                    )?
                    .execute(params![project as i64, iid as i64, json])?;
                }
                if let Some(j) = judged {
                    tx.prepare_cached(
                        "INSERT INTO judged (project, iid, at_ms, caught_ms) VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT (project, iid) DO UPDATE SET
                           at_ms = MAX(at_ms, excluded.at_ms),
                           caught_ms = MAX(caught_ms, excluded.caught_ms)",
                    )?
                    .execute(params![project as i64, iid as i64, j.at_ms, j.caught_ms])?;
                }
                if let Some(action) = &action {
                    tx.prepare_cached(
                        "INSERT INTO outbox (event, action, project, iid, due_ms, created_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    )?
                    .execute(params![
                        event,
                        action,
                        project as i64,
                        iid as i64,
                        now_ms
                    ])?;
                }
            }
            tx.commit()?;
            Ok(new)
        })
    }

    fn judged(&self, project: u64, iid: u64) -> Result<Judged, StoreError> {
        self.with(|c| {
            Ok(c.prepare_cached(
                "SELECT at_ms, caught_ms FROM judged WHERE project = ?1 AND iid = ?2",
            )?
            .query_row(params![project as i64, iid as i64], |r| {
                Ok(Judged {
                    at_ms: r.get(0)?,
                    caught_ms: r.get(1)?,
                })
            })
            .optional()?
            .unwrap_or_default())
        })
    }

    fn request_judged(
        &self,
        project: u64,
        iid: u64,
    ) -> Result<(Option<String>, Judged), StoreError> {
        self.with(|c| {
            Ok(c.prepare_cached(
                "SELECT r.json, j.at_ms, j.caught_ms FROM (SELECT ?1 AS p, ?2 AS i) k
                 LEFT JOIN requests r ON r.project = k.p AND r.iid = k.i
                 LEFT JOIN judged j ON j.project = k.p AND j.iid = k.i",
            )?
            .query_row(params![project as i64, iid as i64], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?,
                    Judged {
                        at_ms: r.get::<_, Option<i64>>(1)?.unwrap_or(0),
                        caught_ms: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                    },
                ))
            })?)
        })
    }

    fn mark(&self, target: &str) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            Ok(
                c.prepare_cached("SELECT mark FROM marks WHERE target = ?1")?
                    .query_row(params![target], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    fn set_mark(&self, target: &str, mark: &str) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO marks (target, mark) VALUES (?1, ?2)
             ON CONFLICT (target) DO UPDATE SET mark = excluded.mark",
            params![target, mark],
        )
        .map(drop)
    }

    fn due(&self, now_ms: i64, limit: usize, skip: &[i64]) -> Result<Vec<Pending>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                // One issue's entries in the order they were decided: only the oldest pending
                // one of an issue is due (the next waits while it is in flight or retried).
                "SELECT id, event, action, updated, attempts, created_ms, claimed FROM outbox o
                 WHERE status = 'pending' AND due_ms <= ?1
                   AND id = (SELECT MIN(id) FROM outbox
                             WHERE status = 'pending' AND project = o.project AND iid = o.iid)
                 ORDER BY due_ms, id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![now_ms, (limit + skip.len()) as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, bool>(3)?,
                    r.get::<_, u32>(4)?,
                    r.get::<_, i64>(5)?,
                    r.get::<_, bool>(6)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, event, action, updated, attempts, created_ms, claimed) = row?;
                if skip.contains(&id) || out.len() == limit {
                    continue;
                }
                let action = serde_json::from_str(&action)
                    .map_err(|e| StoreError::Corrupt(format!("outbox {id}: {e}")))?;
                out.push(Pending {
                    id,
                    event,
                    action,
                    updated,
                    attempts,
                    created_ms,
                    claimed,
                });
            }
            Ok(out)
        })
    }

    fn next_due(&self, skip: &[i64]) -> Result<Option<i64>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                // The entries due() would give, by due time: the first not skipped.
                "SELECT id, due_ms FROM outbox o
                 WHERE status = 'pending'
                   AND id = (SELECT MIN(id) FROM outbox
                             WHERE status = 'pending' AND project = o.project AND iid = o.iid)
                 ORDER BY due_ms, id LIMIT ?1",
            )?;
            let rows = stmt.query_map([(skip.len() + 1) as i64], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?;
            for row in rows {
                let (id, due) = row?;
                if !skip.contains(&id) {
                    return Ok(Some(due));
                }
            }
            Ok(None)
        })
    }

    fn claim(&self, id: i64, next_ms: i64) -> Result<(), StoreError> {
        self.run(
            "UPDATE outbox SET claimed = 1, attempts = attempts + 1, due_ms = ?2 WHERE id = ?1",
            [id, next_ms],
        )
        .map(drop)
    }

    fn updated(&self, id: i64) -> Result<(), StoreError> {
        self.run("UPDATE outbox SET updated = 1 WHERE id = ?1", [id])
            .map(drop)
    }

    fn delivered(&self, id: i64) -> Result<(), StoreError> {
        self.run("DELETE FROM outbox WHERE id = ?1", [id]).map(drop)
    }

    fn retry(
        &self,
        id: i64,
        updated: bool,
        unsure: bool,
        next_ms: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        self.run(
            "UPDATE outbox SET claimed = ?3, updated = MAX(updated, ?2), due_ms = ?4, error = ?5
             WHERE id = ?1",
            params![id, updated, unsure, next_ms, error],
        )
        .map(drop)
    }

    fn dead(&self, id: i64, unsure: bool, error: &str) -> Result<(), StoreError> {
        self.run(
            "UPDATE outbox SET status = 'dead', claimed = ?2, error = ?3 WHERE id = ?1",
            params![id, unsure, error],
        )
        .map(drop)
    }

    fn dead_entries(&self, limit: usize) -> Result<Vec<Dead>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, project, iid, attempts, error FROM outbox WHERE status = 'dead'
                 ORDER BY id LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| {
                Ok(Dead {
                    id: r.get(0)?,
                    project: r.get::<_, i64>(1)? as u64,
                    iid: r.get::<_, i64>(2)? as u64,
                    attempts: r.get(3)?,
                    error: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    fn resend(&self, ids: Option<&[i64]>, now_ms: i64) -> Result<usize, StoreError> {
        self.with(|c| {
            let tx = c.transaction()?;
            let mut n = 0;
            {
                // ?1 NULL: every dead entry.
                let mut resend = tx.prepare_cached(
                    "UPDATE outbox SET status = 'pending', attempts = 0, due_ms = ?2,
                     created_ms = ?2, error = NULL
                     WHERE status = 'dead' AND (?1 IS NULL OR id = ?1)",
                )?;
                match ids {
                    Some(ids) => {
                        for id in ids {
                            n += resend.execute(params![id, now_ms])?;
                        }
                    }
                    None => n = resend.execute(params![None::<i64>, now_ms])?,
                }
            }
            tx.commit()?;
            Ok(n)
        })
    }

    fn prune_events(&self, before_ms: i64) -> Result<usize, StoreError> {
        // In batches, so that a large table does not hold the store for long at once.
        let mut n = 0;
        loop {
            let batch = self.run(
                "DELETE FROM events WHERE rowid IN
                 (SELECT rowid FROM events WHERE at_ms < ?1 LIMIT 5000)",
                [before_ms],
            )?;
            n += batch;
            if batch < 5000 {
                return Ok(n);
            }
        }
    }

    fn counts(&self) -> Result<Counts, StoreError> {
        self.with(|c| {
            Ok(c.prepare_cached(
                "SELECT (SELECT COUNT(*) FROM events),
                        (SELECT COUNT(*) FROM outbox WHERE status = 'pending'),
                        (SELECT COUNT(*) FROM outbox WHERE status = 'dead')",
            )?
            .query_row([], |r| {
                let n = |i| r.get::<_, i64>(i).map(|v| v.max(0) as u64);
                Ok(Counts {
                    events: n(0)?,
                    pending: n(1)?,
                    dead: n(2)?,
                })
            })?)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action() -> Action {
        Action {
            project: 7,
            iid: 23,
            params: RestParams {
                add_labels: Some("CSOps::Triage".into()),
                ..RestParams::default()
            },
            comment: Some("why".into()),
        }
    }

    #[test]
    fn the_catch_up_s_judged_changes_and_marks_are_kept_with_the_event() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
        assert_eq!(s.judged(7, 23).unwrap(), Judged::default());
        let webhook = Judged {
            at_ms: 50,
            caught_ms: 0,
        };
        assert!(
            s.record_judged("e1", 7, 23, Some("{}"), None, Some(webhook), 1)
                .unwrap()
        );
        let caught = Judged {
            at_ms: 40,
            caught_ms: 40,
        };
        assert!(
            s.record_judged("e2", 7, 23, None, None, Some(caught), 2)
                .unwrap()
        );
        // Each the latest of its kind; a duplicate event changes nothing.
        assert_eq!(
            s.judged(7, 23).unwrap(),
            Judged {
                at_ms: 50,
                caught_ms: 40
            }
        );
        let later = Judged {
            at_ms: 90,
            caught_ms: 90,
        };
        assert!(
            !s.record_judged("e1", 7, 23, None, None, Some(later), 3)
                .unwrap()
        );
        assert_eq!(s.judged(7, 23).unwrap().at_ms, 50);
        assert_eq!(s.mark("project:a/b").unwrap(), None);
        s.set_mark("project:a/b", "2026-12-07T10:00:00.000Z")
            .unwrap();
        s.set_mark("project:a/b", "2026-12-07T11:00:00.000Z")
            .unwrap();
        assert_eq!(
            s.mark("project:a/b").unwrap().as_deref(),
            Some("2026-12-07T11:00:00.000Z")
        );
    }

    #[test]
    fn an_event_is_recorded_once_with_its_request_and_action() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
        assert!(
            store
                .record("e1", 7, 23, Some("{}"), Some(&action()), 10)
                .unwrap()
        );
        assert!(
            !store
                .record("e1", 7, 23, Some("{\"x\":1}"), Some(&action()), 11)
                .unwrap()
        );
        assert_eq!(store.request(7, 23).unwrap().as_deref(), Some("{}"));
        assert_eq!(
            store.counts().unwrap(),
            Counts {
                events: 1,
                pending: 1,
                dead: 0
            }
        );
        let due = store.due(10, 8, &[]).unwrap();
        assert_eq!((due.len(), &due[0].action), (1, &action()));
        assert!(
            store.due(9, 8, &[]).unwrap().is_empty(),
            "not due before its time"
        );
        assert!(
            store.due(10, 8, &[due[0].id]).unwrap().is_empty(),
            "skipped when in flight"
        );
    }

    #[test]
    fn a_claim_without_an_outcome_survives_and_dead_entries_are_sent_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        {
            let store = SqliteStore::open(&path).unwrap();
            store
                .record("e1", 7, 23, None, Some(&action()), 10)
                .unwrap();
            store
                .record("e2", 7, 24, None, Some(&action()), 10)
                .unwrap();
            let id = store.due(10, 1, &[]).unwrap()[0].id;
            store.claim(id, 10).unwrap();
            // The process dies here.
        }
        let store = SqliteStore::open(&path).unwrap();
        let due = store.due(10, 8, &[]).unwrap();
        assert_eq!(
            due.iter()
                .map(|p| (p.claimed, p.attempts))
                .collect::<Vec<_>>(),
            [(true, 1), (false, 0)]
        );
        store.dead(due[0].id, true, "budget spent").unwrap();
        store.dead(due[1].id, false, "HTTP 404").unwrap();
        assert_eq!(store.counts().unwrap().dead, 2);
        assert!(store.due(10, 8, &[]).unwrap().is_empty(), "dead is not due");
        let dead = store.dead_entries(10).unwrap();
        assert_eq!(dead[1].error.as_deref(), Some("HTTP 404"));
        assert_eq!(store.resend(Some(&[dead[1].id, 999]), 50).unwrap(), 1);
        assert_eq!(store.resend(None, 60).unwrap(), 1);
        let again = store.due(60, 8, &[]).unwrap();
        assert_eq!(
            again
                .iter()
                .map(|p| (p.attempts, p.created_ms))
                .collect::<Vec<_>>(),
            [(0, 50), (0, 60)]
        );
        assert_eq!(store.prune_events(11).unwrap(), 2);
        assert_eq!(store.counts().unwrap().events, 0);
    }

    /// A store written by 0.2.0: its tables gain the new columns, its `failed` entries are
    /// dead, and an event it recorded is still known by the key a redelivery now has.
    #[test]
    fn a_0_2_0_store_is_brought_up_to_date() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch(SCHEMA).unwrap();
            c.execute_batch(
                "INSERT INTO events (key, at_ms) VALUES ('uuid:abc', 5);
                 INSERT INTO outbox (event, action, project, iid, due_ms, status)
                   VALUES ('uuid:abc', '{\"project\":7,\"iid\":23,\"params\":{},\"comment\":null}', 7, 23, 5, 'failed');",
            )
            .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.counts().unwrap().dead, 1);
        assert!(
            !store
                .record(&digest("uuid:abc"), 7, 23, None, None, 9)
                .unwrap(),
            "the redelivery is a duplicate"
        );
        assert!(
            store
                .record(&digest("uuid:new"), 7, 23, None, None, 9)
                .unwrap()
        );
        drop(store);
        // Opened again: nothing migrates twice.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.counts().unwrap().events, 2);
    }

    #[test]
    fn a_later_decision_supersedes_a_dead_undo_and_waiting_is_asked_as_due_gives() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
        store
            .record("e1", 7, 23, None, Some(&action()), 10)
            .unwrap();
        store
            .record("e2", 7, 23, None, Some(&action()), 20)
            .unwrap();
        let first = store.due(30, 8, &[]).unwrap()[0].id;
        // The issue's second entry waits behind its first: skipping the first leaves nothing.
        store.claim(first, 100).unwrap();
        assert_eq!(store.next_due(&[]).unwrap(), Some(100));
        assert_eq!(store.next_due(&[first]).unwrap(), None);
        store.dead(first, false, "HTTP 404").unwrap();
        assert_eq!(store.next_due(&[]).unwrap(), Some(20));
        store.record("e3", 7, 23, Some("{}"), None, 40).unwrap();
        assert_eq!(
            store.counts().unwrap().dead,
            0,
            "superseded by e3's decision"
        );
        assert_eq!(store.resend(None, 50).unwrap(), 0);
    }

    #[test]
    fn one_issue_is_told_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
        let other = Action {
            iid: 24,
            ..action()
        };
        store
            .record("e1", 7, 23, None, Some(&action()), 10)
            .unwrap();
        store
            .record("e2", 7, 23, None, Some(&action()), 10)
            .unwrap();
        store.record("e3", 7, 24, None, Some(&other), 10).unwrap();
        let due = store.due(10, 8, &[]).unwrap();
        assert_eq!(
            due.iter().map(|p| p.action.iid).collect::<Vec<_>>(),
            [23, 24]
        );
        let first = due[0].id;
        let busy = store.due(10, 8, &[first]).unwrap();
        assert_eq!(
            busy.iter().map(|p| p.action.iid).collect::<Vec<_>>(),
            [24],
            "23's next waits"
        );
        store.delivered(first).unwrap();
        let next = store.due(10, 8, &[]).unwrap();
        assert_eq!(
            next.iter()
                .map(|p| (p.action.iid, p.id > first))
                .collect::<Vec<_>>(),
            [(23, true), (24, true)]
        );
    }

    #[test]
    fn the_outbox_survives_a_reopen_and_empties_on_delivery() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        {
            let store = SqliteStore::open(&path).unwrap();
            store
                .record("e1", 7, 23, None, Some(&action()), 10)
                .unwrap();
            let id = store.due(10, 1, &[]).unwrap()[0].id;
            store.claim(id, 10).unwrap();
            store.retry(id, false, false, 500, "HTTP 502").unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.next_due(&[]).unwrap(), Some(500));
        let p = store.due(500, 1, &[]).unwrap().remove(0);
        assert_eq!(p.attempts, 1);
        store.updated(p.id).unwrap();
        assert!(store.due(500, 1, &[]).unwrap()[0].updated);
        store.delivered(p.id).unwrap();
        assert_eq!(store.counts().unwrap().pending, 0);
    }
}
