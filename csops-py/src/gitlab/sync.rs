//! `csops.gitlab.sync`: the sync of a live GitLab (SPEC §7), the crate `csops-gitlab` called
//! with the GIL released. Its arguments become the crate's `Options`, its report a dict, its
//! error a `csops.SyncError` with `.kind`. Ctrl-C stops it at its next step (the folder keeps
//! its old mark); `progress`, when given, is called with a dict as the sync advances.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::Ordering;

use csops_gitlab::{Options, Progress, Scope, Token, sync_blocking};
use pyo3::prelude::*;

use crate::*;

/// Syncs a GitLab project's (or group's) issues and their label events into `folder`, the
/// export `audit` reads; again, only what changed since the last sync.
///
/// `gitlab` is GitLab's address (`https://gitlab.example.com`), `project` a project's id or
/// full path (a group's with `group=True`). The `token` is an access token sent as
/// `PRIVATE-TOKEN` (a bearer token with `bearer=True`); without one, it is read from
/// `CSOPS_GITLAB_TOKEN`, `GITLAB_TOKEN` or (bearer) `GITLAB_OAUTH_TOKEN`. `full=True` fetches
/// every issue again; `concurrency` is how many label-event calls run at once (1 to 64);
/// `calls_per_minute` paces the sync under a limit known beforehand (without it, the sync
/// paces itself under the limit GitLab names in its first 429). `progress`, if given, is called
/// with a dict (`listed`, `total`, `listing_done`, `fetched`, `label_events`, `calls`).
/// Returns the report as a dict (`issues_fetched`, `issues_in_folder`, `calls`, `mark`, ...).
/// Raises `csops.SyncError` (`.kind`: `unauthorized`, `forbidden`, `not_found`, `gave_up`,
/// `folder`, `no_token`, ...), whose message never holds the token.
#[pyfunction]
#[pyo3(signature = (gitlab, project, folder, *, group = false, token = None, bearer = false,
                    full = false, concurrency = 8, calls_per_minute = None, progress = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn gitlab_sync<'py>(
    py: Python<'py>,
    gitlab: &str,
    project: &str,
    folder: PathBuf,
    group: bool,
    token: Option<&str>,
    bearer: bool,
    full: bool,
    concurrency: usize,
    calls_per_minute: Option<u32>,
    progress: Option<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let scope = if group { Scope::Group } else { Scope::Project };
    let token = token.map(|t| Token::new(t, bearer));
    let mut opts =
        Options::new(gitlab, scope, project, folder, token).map_err(|e| sync_error(py, &e))?;
    opts.full = full;
    opts.concurrency = concurrency;
    opts.calls_per_minute = calls_per_minute;
    let callback = progress.map(Bound::unbind);
    // What stopped the sync from Python's side: Ctrl-C, or the callback raising.
    let raised: Mutex<Option<PyErr>> = Mutex::new(None);
    let cancel = opts.cancel.clone();
    let on_progress = |p: &Progress| {
        Python::attach(|py| {
            let outcome = py.check_signals().and_then(|()| match &callback {
                Some(cb) => cb.call1(py, (to_py(py, p)?,)).map(drop),
                None => Ok(()),
            });
            if let Err(e) = outcome {
                raised
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .get_or_insert(e);
                cancel.store(true, Ordering::Relaxed);
            }
        });
    };
    let done = py.detach(|| sync_blocking(&opts, &on_progress));
    if let Some(e) = raised.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    match done {
        Ok(report) => to_py(py, &report),
        Err(e) => Err(sync_error(py, &e)),
    }
}
