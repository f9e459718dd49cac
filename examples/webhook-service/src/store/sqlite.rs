//! The default store: one SQLite file (WAL), its schema, and the migrations of older stores.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Action, Counts, Dead, Judged, Pending, Store, StoreError, digest};

/// The default store: one SQLite file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

pub(super) const SCHEMA: &str = "
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

/// Version 2 (0.3.0): the catch-up — each issue's latest change judged, and each project's or
/// group's mark.
const MIGRATE_2: &str = "
    CREATE TABLE IF NOT EXISTS judged (
        project INTEGER NOT NULL, iid INTEGER NOT NULL, at_ms INTEGER NOT NULL,
        caught_ms INTEGER NOT NULL, PRIMARY KEY (project, iid));
    CREATE TABLE IF NOT EXISTS marks (target TEXT PRIMARY KEY, mark TEXT NOT NULL);
    PRAGMA user_version = 2;
";

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
    fn requests(&self) -> Result<Vec<String>, StoreError> {
        self.with(|c| {
            c.prepare_cached("SELECT json FROM requests ORDER BY project, iid")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()
                .map_err(Into::into)
        })
    }

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
