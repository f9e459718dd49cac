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
    /// What to deliver.
    pub action: Action,
    /// The update was made; only the comment is left.
    pub updated: bool,
    /// Failed attempts so far.
    pub attempts: u32,
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
    ) -> Result<bool, StoreError>;
    /// Outbox entries due at `now_ms` (oldest first), at most `limit`, leaving out `skip`; of one
    /// issue's entries only the oldest pending one, so that an issue is told in order.
    fn due(&self, now_ms: i64, limit: usize, skip: &[i64]) -> Result<Vec<Pending>, StoreError>;
    /// When the next entry falls due (none: the outbox is empty).
    fn next_due(&self) -> Result<Option<i64>, StoreError>;
    /// The update of an entry was made (only its comment is left).
    fn updated(&self, id: i64) -> Result<(), StoreError>;
    /// An entry was delivered: it leaves the outbox.
    fn delivered(&self, id: i64) -> Result<(), StoreError>;
    /// An attempt failed: try again at `next_ms`.
    fn retry(&self, id: i64, attempts: u32, next_ms: i64, error: &str) -> Result<(), StoreError>;
    /// Given up after its attempts, or refused by GitLab (4xx): kept, out of the outbox.
    fn failed(&self, id: i64, attempts: u32, error: &str) -> Result<(), StoreError>;
    /// Counts: events seen, entries pending, entries failed.
    fn counts(&self) -> Result<(u64, u64, u64), StoreError>;
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

impl SqliteStore {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
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
}

impl Store for SqliteStore {
    fn request(&self, project: u64, iid: u64) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT json FROM requests WHERE project = ?1 AND iid = ?2",
                params![project as i64, iid as i64],
                |r| r.get(0),
            )
            .optional()?)
        })
    }

    fn record(
        &self,
        event: &str,
        project: u64,
        iid: u64,
        request: Option<&str>,
        action: Option<&Action>,
        now_ms: i64,
    ) -> Result<bool, StoreError> {
        let action = action
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.with(|c| {
            let tx = c.transaction()?;
            let new = tx.execute(
                "INSERT OR IGNORE INTO events (key, at_ms) VALUES (?1, ?2)",
                params![event, now_ms],
            )? == 1;
            if new {
                if let Some(json) = request {
                    tx.execute(
                        "INSERT INTO requests (project, iid, json) VALUES (?1, ?2, ?3)
                         ON CONFLICT (project, iid) DO UPDATE SET json = excluded.json",
                        params![project as i64, iid as i64, json],
                    )?;
                }
                if let Some(action) = &action {
                    tx.execute(
                        "INSERT INTO outbox (event, action, project, iid, due_ms)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![event, action, project as i64, iid as i64, now_ms],
                    )?;
                }
            }
            tx.commit()?;
            Ok(new)
        })
    }

    fn due(&self, now_ms: i64, limit: usize, skip: &[i64]) -> Result<Vec<Pending>, StoreError> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                // One issue's entries in the order they were decided: only the oldest pending
                // one of an issue is due (the next waits while it is in flight or retried).
                "SELECT id, action, updated, attempts FROM outbox o
                 WHERE status = 'pending' AND due_ms <= ?1
                   AND id = (SELECT MIN(id) FROM outbox
                             WHERE status = 'pending' AND project = o.project AND iid = o.iid)
                 ORDER BY due_ms, id LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![now_ms, (limit + skip.len()) as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, u32>(3)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (id, action, updated, attempts) = row?;
                if skip.contains(&id) || out.len() == limit {
                    continue;
                }
                let action = serde_json::from_str(&action)
                    .map_err(|e| StoreError::Corrupt(format!("outbox {id}: {e}")))?;
                out.push(Pending {
                    id,
                    action,
                    updated,
                    attempts,
                });
            }
            Ok(out)
        })
    }

    fn next_due(&self) -> Result<Option<i64>, StoreError> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT MIN(due_ms) FROM outbox WHERE status = 'pending'",
                [],
                |r| r.get(0),
            )?)
        })
    }

    fn updated(&self, id: i64) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("UPDATE outbox SET updated = 1 WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    fn delivered(&self, id: i64) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    fn retry(&self, id: i64, attempts: u32, next_ms: i64, error: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET attempts = ?2, due_ms = ?3, error = ?4 WHERE id = ?1",
                params![id, attempts, next_ms, error],
            )?;
            Ok(())
        })
    }

    fn failed(&self, id: i64, attempts: u32, error: &str) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE outbox SET status = 'failed', attempts = ?2, error = ?3 WHERE id = ?1",
                params![id, attempts, error],
            )?;
            Ok(())
        })
    }

    fn counts(&self) -> Result<(u64, u64, u64), StoreError> {
        self.with(|c| {
            Ok(c.query_row(
                "SELECT (SELECT COUNT(*) FROM events),
                        (SELECT COUNT(*) FROM outbox WHERE status = 'pending'),
                        (SELECT COUNT(*) FROM outbox WHERE status = 'failed')",
                [],
                |r| {
                    let n = |i| r.get::<_, i64>(i).map(|v| v.max(0) as u64);
                    Ok((n(0)?, n(1)?, n(2)?))
                },
            )?)
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
        assert_eq!(store.counts().unwrap(), (1, 1, 0));
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
            store.retry(id, 1, 500, "HTTP 502").unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.next_due().unwrap(), Some(500));
        let p = store.due(500, 1, &[]).unwrap().remove(0);
        assert_eq!(p.attempts, 1);
        store.updated(p.id).unwrap();
        assert!(store.due(500, 1, &[]).unwrap()[0].updated);
        store.delivered(p.id).unwrap();
        assert_eq!(store.counts().unwrap(), (1, 0, 0));
    }
}
