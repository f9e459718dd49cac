//! The export folder a sync writes and `csops audit` reads (SPEC §7): `issues.json` (a JSON list
//! of REST issues) and `label_events/<iid>.json` (each issue's resource label events), as GitLab
//! returned them; `sync.json` keeps the sync's own state (which GitLab and project, and the
//! high-water mark). A group's sync writes one such export per project, in a folder named by the
//! project's full path (`FOLDER/my-group/cs-ops/`).
//!
//! Durable: every file is written beside its place (in `.partial/`), flushed to disk, and
//! renamed over the old one, so a reader (or a sync killed at any moment) sees the old file or
//! the new one, never half of one; the state — the mark — is written last, after every file it
//! covers and their folders are on disk.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::SyncError;
use crate::target::Target;

/// The list of issues in an export.
pub const ISSUES_FILE: &str = "issues.json";
/// The folder of label events, one `<iid>.json` per issue.
pub const EVENTS_DIR: &str = "label_events";
/// The sync's own state.
pub const STATE_FILE: &str = "sync.json";
/// Where files are written before they are renamed into place.
pub const PARTIAL_DIR: &str = ".partial";
/// Fault injection for the crash tests (`tests/sync.rs`), read by the binary
/// `csops-gitlab-sync` only (never by a library call, so never in a Python process): set to N,
/// the sync exits with [`CRASH_EXIT`] right after its Nth file is in place, as if killed there.
pub const CRASH_VARIABLE: &str = "CSOPS_GITLAB_CRASH_AFTER_WRITES";
/// The exit status of an injected crash.
pub const CRASH_EXIT: i32 = 86;
/// The version of [`SyncState`] this crate writes.
pub const FORMAT: u32 = 1;

/// What a folder remembers between syncs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// [`FORMAT`].
    pub format: u32,
    /// The GitLab synced (its base address).
    pub gitlab: String,
    /// The project or group synced.
    pub target: Target,
    /// The high-water mark: every issue updated before it is in the folder as GitLab had it
    /// then (RFC 3339, UTC). The next sync asks for issues updated since.
    pub mark: Option<String>,
}

/// An export folder being synced.
#[derive(Debug)]
pub struct Folder {
    root: PathBuf,
    /// Files written since the last commit, to be flushed before the mark moves.
    written: Mutex<Vec<PathBuf>>,
    serial: AtomicU64,
    /// Fault injection for the crash tests: the process exits (as if killed) right after this
    /// many files are in place.
    crash_after: Option<u64>,
    placed: AtomicU64,
}

impl Folder {
    /// Opens (or creates) the folder for a sync of `target` from `gitlab`, and reads what an
    /// earlier sync left. A folder holding another GitLab's or project's sync is refused, and
    /// files an interrupted sync left half-written are removed.
    pub fn open(
        root: &Path,
        gitlab: &str,
        target: &Target,
        crash_after: Option<u64>,
    ) -> Result<(Folder, Option<SyncState>), SyncError> {
        fs::create_dir_all(root).map_err(|e| SyncError::io(root, e))?;
        let partial = root.join(PARTIAL_DIR);
        match fs::remove_dir_all(&partial) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(SyncError::io(&partial, e)),
        }
        fs::create_dir_all(&partial).map_err(|e| SyncError::io(&partial, e))?;
        let state_path = root.join(STATE_FILE);
        let state = match fs::read(&state_path) {
            Ok(bytes) => Some(read_state(&state_path, &bytes)?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(SyncError::io(&state_path, e)),
        };
        if let Some(s) = &state
            && (s.gitlab != gitlab || s.target != *target)
        {
            return Err(SyncError::Folder {
                path: root.to_owned(),
                message: format!(
                    "holds a sync of {} from {}, not of {target} from {gitlab}: sync into another \
                     folder (or remove this one to start over)",
                    s.target, s.gitlab
                ),
            });
        }
        if state.is_none() && root.join(ISSUES_FILE).exists() {
            return Err(SyncError::Folder {
                path: root.to_owned(),
                message: format!(
                    "holds an export that no sync wrote ({ISSUES_FILE} without {STATE_FILE}); a \
                     sync would mix its issues with GitLab's: sync into another folder"
                ),
            });
        }
        let folder = Folder {
            root: root.to_owned(),
            written: Mutex::new(Vec::new()),
            serial: AtomicU64::new(0),
            crash_after,
            placed: AtomicU64::new(0),
        };
        Ok((folder, state))
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The export a project's issues go to: the folder itself, or (a group's sync) the
    /// project's folder under it, named by its full path.
    pub fn export_dir(&self, project_path: Option<&str>) -> PathBuf {
        match project_path {
            None => self.root.clone(),
            Some(p) => p.split('/').fold(self.root.clone(), |d, part| d.join(part)),
        }
    }

    /// The issues an export holds now, by iid, as GitLab returned them (none before the first
    /// sync).
    pub fn read_issues(&self, export: &Path) -> Result<BTreeMap<u64, Value>, SyncError> {
        let path = export.join(ISSUES_FILE);
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
            Err(e) => return Err(SyncError::io(&path, e)),
        };
        let list: Vec<Value> = serde_json::from_slice(&bytes).map_err(|e| SyncError::Folder {
            path: path.clone(),
            message: format!(
                "not the list of issues a sync writes ({e}); sync into another folder"
            ),
        })?;
        Ok(list
            .into_iter()
            .filter_map(|i| Some((i.get("iid")?.as_u64()?, i)))
            .collect())
    }

    /// The exports in the folder and the issues in them all: the folder itself for a project,
    /// each project's folder under it for a group.
    pub fn count_issues(&self) -> Result<(usize, usize), SyncError> {
        fn walk(f: &Folder, dir: &Path, found: &mut (usize, usize)) -> Result<(), SyncError> {
            if dir.join(ISSUES_FILE).is_file() {
                found.0 += 1;
                found.1 += f.read_issues(dir)?.len();
            }
            for entry in fs::read_dir(dir).map_err(|e| SyncError::io(dir, e))? {
                let entry = entry.map_err(|e| SyncError::io(dir, e))?;
                let name = entry.file_name();
                let skip = name == PARTIAL_DIR || name == EVENTS_DIR;
                if !skip && entry.file_type().is_ok_and(|t| t.is_dir()) {
                    walk(f, &entry.path(), found)?;
                }
            }
            Ok(())
        }
        let mut found = (0, 0);
        walk(self, &self.root, &mut found)?;
        Ok(found)
    }

    /// Writes an export's issues, ordered by iid (and its label events' folder, so that an
    /// export without issues is still one).
    pub fn write_issues(
        &self,
        export: &Path,
        issues: &BTreeMap<u64, Value>,
    ) -> Result<(), SyncError> {
        let dir = export.join(EVENTS_DIR);
        fs::create_dir_all(&dir).map_err(|e| SyncError::io(&dir, e))?;
        self.write(&export.join(ISSUES_FILE), &json_lines(issues.values()))
    }

    /// Writes an issue's label events.
    pub fn write_events(&self, export: &Path, iid: u64, events: &[Value]) -> Result<(), SyncError> {
        let dir = export.join(EVENTS_DIR);
        fs::create_dir_all(&dir).map_err(|e| SyncError::io(&dir, e))?;
        self.write(&dir.join(format!("{iid}.json")), &json_lines(events.iter()))
    }

    /// Removes the label events of every issue an export's list no longer holds (GitLab no
    /// longer has them, or a full sync did not find them): run after the list is written, so
    /// that a sync killed in between leaves files a rerun removes, never a list without its
    /// events.
    pub fn remove_orphans(
        &self,
        export: &Path,
        issues: &BTreeMap<u64, Value>,
    ) -> Result<(), SyncError> {
        let dir = export.join(EVENTS_DIR);
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(SyncError::io(&dir, e)),
        };
        for entry in entries {
            let path = entry.map_err(|e| SyncError::io(&dir, e))?.path();
            let iid = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".json"))
                .and_then(|n| n.parse::<u64>().ok());
            if let Some(iid) = iid
                && !issues.contains_key(&iid)
            {
                fs::remove_file(&path).map_err(|e| SyncError::io(&path, e))?;
                self.remember(path);
            }
        }
        Ok(())
    }

    /// Writes `bytes` to `path` whole or not at all: into `.partial/`, flushed, renamed.
    fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), SyncError> {
        let n = self.serial.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .root
            .join(PARTIAL_DIR)
            .join(format!("{n}-{}", std::process::id()));
        let mut f = File::create(&tmp).map_err(|e| SyncError::io(&tmp, e))?;
        f.write_all(bytes).map_err(|e| SyncError::io(&tmp, e))?;
        f.sync_all().map_err(|e| SyncError::io(&tmp, e))?;
        drop(f);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| SyncError::io(parent, e))?;
        }
        fs::rename(&tmp, path).map_err(|e| SyncError::io(path, e))?;
        self.remember(path.to_owned());
        let placed = self.placed.fetch_add(1, Ordering::SeqCst) + 1;
        if self.crash_after == Some(placed) {
            // Nothing is buffered in this process: exiting here leaves the disk as a kill would.
            std::process::exit(CRASH_EXIT);
        }
        Ok(())
    }

    fn remember(&self, path: PathBuf) {
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(path);
    }

    /// Moves the mark: flushes the folders of every file written since the last commit (their
    /// contents were flushed when written), then writes the state.
    pub fn commit(&self, state: &SyncState) -> Result<(), SyncError> {
        let written = std::mem::take(&mut *self.written.lock().unwrap_or_else(|e| e.into_inner()));
        // Every folder from a written file up to the root: a group's sync makes new ones.
        let mut dirs: Vec<&Path> = written
            .iter()
            .flat_map(|p| p.ancestors().skip(1))
            .filter(|d| d.starts_with(&self.root))
            .collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            sync_dir(dir)?;
        }
        let mut text = serde_json::to_vec_pretty(state).expect("a state serializes");
        text.push(b'\n');
        self.write(&self.root.join(STATE_FILE), &text)?;
        sync_dir(&self.root)?;
        self.written
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        Ok(())
    }
}

fn read_state(path: &Path, bytes: &[u8]) -> Result<SyncState, SyncError> {
    let state: SyncState = serde_json::from_slice(bytes).map_err(|e| SyncError::Folder {
        path: path.to_owned(),
        message: format!("not a sync's state ({e}); remove it to sync this folder from scratch"),
    })?;
    if state.format != FORMAT {
        return Err(SyncError::Folder {
            path: path.to_owned(),
            message: format!(
                "written in format {} by another csops; this one reads format {FORMAT}: sync into \
                 another folder",
                state.format
            ),
        });
    }
    Ok(state)
}

/// A directory's entries flushed (a rename is on disk once its folder is).
fn sync_dir(dir: &Path) -> Result<(), SyncError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| SyncError::io(dir, e))
}

/// A JSON list, one item per line: what GitLab sent, diffable, the same bytes for the same data.
fn json_lines<'a>(items: impl Iterator<Item = &'a Value>) -> Vec<u8> {
    let mut out = b"[".to_vec();
    for (i, item) in items.enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        serde_json::to_writer(&mut out, item).expect("a JSON value serializes");
    }
    out.extend_from_slice(b"\n]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::target::{Scope, base_url};

    fn target(key: &str) -> Target {
        Target::new(Scope::Project, key, &base_url("https://g.example").unwrap()).unwrap()
    }

    #[test]
    fn a_folder_belongs_to_one_sync() {
        let dir = tempfile::tempdir().unwrap();
        let (folder, state) =
            Folder::open(dir.path(), "https://g.example/", &target("a/b"), None).unwrap();
        assert_eq!(state, None);
        let mut issues = BTreeMap::new();
        issues.insert(2, serde_json::json!({"iid": 2}));
        issues.insert(1, serde_json::json!({"iid": 1, "title": "é"}));
        folder.write_issues(dir.path(), &issues).unwrap();
        let state = SyncState {
            format: FORMAT,
            gitlab: "https://g.example/".into(),
            target: target("a/b"),
            mark: Some("2026-12-07T10:00:00.000Z".into()),
        };
        folder.commit(&state).unwrap();
        let text = fs::read_to_string(dir.path().join(ISSUES_FILE)).unwrap();
        assert_eq!(text, "[\n{\"iid\":1,\"title\":\"é\"},\n{\"iid\":2}\n]\n");
        let (again, read) =
            Folder::open(dir.path(), "https://g.example/", &target("a/b"), None).unwrap();
        assert_eq!(read, Some(state));
        assert_eq!(again.read_issues(dir.path()).unwrap(), issues);
        let other =
            Folder::open(dir.path(), "https://g.example/", &target("a/c"), None).unwrap_err();
        assert!(
            other.to_string().contains("holds a sync of project a/b"),
            "{other}"
        );
    }

    #[test]
    fn an_export_no_sync_wrote_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(ISSUES_FILE), "[]").unwrap();
        let e = Folder::open(dir.path(), "https://g.example/", &target("a/b"), None).unwrap_err();
        assert_eq!(e.kind(), "folder");
        fs::write(dir.path().join(STATE_FILE), r#"{"format": 99}"#).unwrap();
        let e = Folder::open(dir.path(), "https://g.example/", &target("a/b"), None).unwrap_err();
        assert!(e.to_string().contains("not a sync's state"), "{e}");
    }
}
