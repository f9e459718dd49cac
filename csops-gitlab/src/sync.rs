//! A whole sync (SPEC §7): list the issues updated since the mark, newest first, page by page;
//! fetch every page of each one's label events, a bounded number at once, writing each issue's
//! file as it completes; then the issue lists; then the mark.
//!
//! Why newest first: GitLab pages by offset, and an issue updated while the list is read moves
//! to the end GitLab sorts it to. Sorted oldest first, that move shifts every later issue one
//! place towards the pages already read, and one of them is never seen — with its old
//! `updated_at`, below the new mark, never again. Sorted newest first, the moved issue goes to
//! the first page (it is newer than the mark this sync sets, so the next sync has it) and the
//! shift repeats an issue instead of losing one.
//!
//! Why an overlap: GitLab stamps a label event a few milliseconds after it stamps the issue's
//! `updated_at`, and its nodes' clocks differ; an issue updated just before the list was read
//! may have label events its fetch did not see yet. The mark is the newest `updated_at` listed
//! minus [`Options::overlap`], so the next sync fetches those issues again.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Url;
use serde::Serialize;
use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::auth::Token;
use crate::client::{Client, Patience, issue_url};
use crate::error::SyncError;
use crate::folder::{FORMAT, Folder, SyncState};
use crate::pace::Pace;
use crate::target::{Scope, Target, base_url};

/// What to sync, where, and how politely.
#[derive(Debug, Clone)]
pub struct Options {
    /// GitLab's base address (`https://gitlab.example.com`).
    pub gitlab: Url,
    /// The project or group.
    pub target: Target,
    /// The token.
    pub token: Token,
    /// The export folder written.
    pub folder: PathBuf,
    /// Label-event fetches at once (default 8).
    pub concurrency: usize,
    /// Items per page asked for (GitLab's most: 100).
    pub per_page: u32,
    /// How far behind the newest `updated_at` listed the mark is set (default 5 minutes).
    pub overlap: Duration,
    /// One call's timeout (default 30 s).
    pub timeout: Duration,
    /// Failed attempts (5xx, timeouts) before one call is given up (default 8).
    pub attempts: u32,
    /// `429`s one call waits out before it is given up (default 20).
    pub rate_limited: u32,
    /// Calls per minute to stay under from the start, when GitLab's limit is known (default:
    /// none until GitLab answers `429`, then 95 % of the limit it names).
    pub calls_per_minute: Option<u32>,
    /// The period GitLab's `RateLimit-Limit` counts in (default a minute, as GitLab's API limits
    /// are set).
    pub rate_period: Duration,
    /// Ignore the mark: fetch every issue again.
    pub full: bool,
    /// Set to stop the sync at its next step ([`SyncError::Cancelled`]; the mark is not moved).
    pub cancel: Arc<AtomicBool>,
    /// Fault injection for the crash tests: exit the process right after this many files are
    /// written ([`crate::folder::CRASH_VARIABLE`]; the binary's only).
    #[doc(hidden)]
    pub crash_after_writes: Option<u64>,
}

impl Options {
    /// Options with the defaults, read from what a user typed: GitLab's address, a project or
    /// group by id or full path, the folder, and the token (`None`: from the environment).
    pub fn new(
        gitlab: &str,
        scope: Scope,
        target: &str,
        folder: impl Into<PathBuf>,
        token: Option<Token>,
    ) -> Result<Options, SyncError> {
        let gitlab = base_url(gitlab)?;
        let target = Target::new(scope, target, &gitlab)?;
        let token = token.or_else(Token::from_env).ok_or(SyncError::NoToken)?;
        Ok(Options {
            gitlab,
            target,
            token,
            folder: folder.into(),
            concurrency: 8,
            per_page: 100,
            overlap: Duration::from_secs(300),
            timeout: Duration::from_secs(30),
            attempts: 8,
            rate_limited: 20,
            calls_per_minute: None,
            rate_period: Duration::from_secs(60),
            full: false,
            cancel: Arc::new(AtomicBool::new(false)),
            crash_after_writes: None,
        })
    }
}

/// Where a sync is, for a progress bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Issues listed so far.
    pub listed: usize,
    /// Issues to list, when GitLab said (`X-Total`).
    pub total: Option<u64>,
    /// Whether the list is read to its end.
    pub listing_done: bool,
    /// Issues whose label events are written.
    pub fetched: usize,
    /// Label events written.
    pub label_events: usize,
    /// Calls made.
    pub calls: u64,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Whether every issue was fetched (the first sync, or `full`).
    pub full: bool,
    /// The mark the sync started from.
    pub since: Option<String>,
    /// The mark it left.
    pub mark: Option<String>,
    /// Issues listed as updated since the mark (and fetched).
    pub issues_fetched: usize,
    /// Issues GitLab no longer had when their events were asked for (removed from the folder).
    pub issues_gone: usize,
    /// Issues in the folder now.
    pub issues_in_folder: usize,
    /// Label events fetched.
    pub label_events: usize,
    /// Exports written: 1 for a project, one per project for a group.
    pub projects: usize,
    /// Calls made to GitLab, retries and rate-limited ones included.
    pub calls: u64,
    /// Calls retried after a 5xx, a timeout or a dropped connection.
    pub retries: u64,
    /// `429` answers waited out.
    pub rate_limited: u64,
}

/// One issue listed: where it goes, its iid, and the issue as GitLab sent it.
struct Listed {
    export: Option<String>,
    project_id: u64,
    iid: u64,
    issue: Value,
}

/// What fetching one issue's label events came to.
enum Fetched {
    Written { events: usize },
    Gone,
}

/// Runs a sync on the current tokio runtime. `progress` is called as the sync advances.
pub async fn sync(
    opts: &Options,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<Report, SyncError> {
    if opts.concurrency == 0 || opts.concurrency > 64 {
        return Err(SyncError::Setting {
            name: "concurrency",
            message: format!("is {}; give 1 to 64 calls at once", opts.concurrency),
        });
    }
    if opts.calls_per_minute == Some(0) {
        return Err(SyncError::Setting {
            name: "calls_per_minute",
            message: "is 0; give a limit above 0, or none".to_owned(),
        });
    }
    let cancelled = || {
        if opts.cancel.load(Ordering::Relaxed) {
            Err(SyncError::Cancelled)
        } else {
            Ok(())
        }
    };
    let (folder, state) = {
        let (root, gitlab, target) = (
            opts.folder.clone(),
            opts.gitlab.to_string(),
            opts.target.clone(),
        );
        let crash = opts.crash_after_writes;
        blocking(move || Folder::open(&root, &gitlab, &target, crash)).await?
    };
    let folder = Arc::new(folder);
    let since = if opts.full {
        None
    } else {
        state.as_ref().and_then(|s| s.mark.clone())
    };
    let client = Arc::new(Client::new(
        opts.token.clone(),
        opts.timeout,
        opts.concurrency,
        Pace::new(opts.calls_per_minute.map(|c| (c, Duration::from_secs(60)))),
        Patience {
            attempts: opts.attempts.max(1),
            rate_limited: opts.rate_limited,
            base: Duration::from_millis(500),
            ceiling: Duration::from_secs(30),
            period: opts.rate_period,
        },
        opts.target.to_string(),
    )?);

    let permits = Arc::new(Semaphore::new(opts.concurrency.max(1)));
    let mut tasks: JoinSet<Result<(usize, Fetched), SyncError>> = JoinSet::new();
    let mut seen = HashSet::new();
    let mut listed: Vec<Listed> = Vec::new();
    let mut gone: Vec<bool> = Vec::new();
    let mut newest: Option<DateTime<Utc>> = None;
    let mut p = Progress::default();
    let report_progress = |p: &mut Progress, client: &Client| {
        p.calls = client.tally.calls.load(Ordering::Relaxed);
        progress(p);
        cancelled()
    };
    // While a call waits (a slow GitLab, a 429's wait), progress is still reported every
    // quarter of a second, so that a caller can stop the sync (Python: Ctrl-C) at any time.
    let waiting = |p: Progress| {
        let client = Arc::clone(&client);
        move || {
            let mut q = p;
            q.calls = client.tally.calls.load(Ordering::Relaxed);
            progress(&q);
            cancelled()
        }
    };
    let settle = |r: Result<Result<(usize, Fetched), SyncError>, tokio::task::JoinError>,
                  p: &mut Progress,
                  gone: &mut Vec<bool>|
     -> Result<(), SyncError> {
        let (index, fetched) = r.map_err(|e| SyncError::GaveUp {
            url: String::new(),
            attempts: 0,
            last: format!("a fetch task failed: {e}"),
        })??;
        match fetched {
            Fetched::Written { events } => {
                p.fetched += 1;
                p.label_events += events;
            }
            Fetched::Gone => gone[index] = true,
        }
        Ok(())
    };

    // GitLab pages by offset: an issue deleted (or moved away) while the list is read shifts
    // the rest one place towards the pages read, and one would be missed. When a pass lists
    // fewer issues than its first page's `X-Total` said, the list is read again (at most three
    // passes; an issue seen is fetched once). Past 10,000 issues GitLab sends no `X-Total`:
    // one pass, and the next sync's overlap.
    let mut claimed = state
        .as_ref()
        .is_some_and(|s| s.mark.is_none() || !opts.full);
    for pass in 0..3 {
        let mut url = listing_url(&opts.target, &opts.gitlab, since.as_deref(), opts.per_page);
        let mut total = None;
        let mut first_page = true;
        loop {
            let page = ticking(client.page(&url), waiting(p)).await??;
            if !claimed {
                // The folder is this sync's before any data is in it — once GitLab has
                // answered, so that a mistyped project does not claim it; a full sync starts
                // from no mark, so that one killed is run again in full.
                let claim = SyncState {
                    format: FORMAT,
                    gitlab: opts.gitlab.to_string(),
                    target: opts.target.clone(),
                    mark: None,
                };
                let folder = Arc::clone(&folder);
                blocking(move || folder.commit(&claim)).await?;
                claimed = true;
            }
            if first_page {
                total = page.total;
                if pass == 0 {
                    p.total = page.total;
                }
                first_page = false;
            }
            for (i, issue) in page.items.into_iter().enumerate() {
                let one = read_listed(&opts.target, &url, i, issue)?;
                if !seen.insert((one.0.project_id, one.0.iid)) {
                    continue; // shifted onto this page from the one before, or a pass before
                }
                newest = newest.max(Some(one.1));
                let index = listed.len();
                gone.push(false);
                let permit = ticking(Arc::clone(&permits).acquire_owned(), waiting(p))
                    .await?
                    .expect("the semaphore is never closed");
                let (task_client, task_folder) = (Arc::clone(&client), Arc::clone(&folder));
                let (export, project_id, iid) = (one.0.export.clone(), one.0.project_id, one.0.iid);
                let base = opts.gitlab.clone();
                let per_page = opts.per_page;
                tasks.spawn(async move {
                    let fetched = fetch_events(
                        &task_client,
                        &task_folder,
                        &base,
                        export,
                        project_id,
                        iid,
                        per_page,
                    )
                    .await;
                    drop(permit);
                    fetched.map(|f| (index, f))
                });
                listed.push(one.0);
                p.listed += 1;
                while let Some(r) = tasks.try_join_next() {
                    settle(r, &mut p, &mut gone)?;
                }
                report_progress(&mut p, &client)?;
            }
            match page.next {
                Some(next) => url = next,
                None => break,
            }
        }
        // Issues seen in an earlier pass and deleted since count too: never fewer than needed.
        if total.is_none_or(|t| seen.len() as u64 >= t) {
            break;
        }
    }
    p.listing_done = true;
    report_progress(&mut p, &client)?;
    while let Some(r) = ticking(tasks.join_next(), waiting(p)).await? {
        settle(r, &mut p, &mut gone)?;
        report_progress(&mut p, &client)?;
    }

    // The lists of issues, each export's updated in place.
    let mut by_export: BTreeMap<Option<String>, Vec<(Listed, bool)>> = BTreeMap::new();
    if opts.target.scope == Scope::Project {
        by_export.entry(None).or_default(); // a project's export exists, issues or none
    }
    for (one, gone) in listed.into_iter().zip(gone) {
        by_export
            .entry(one.export.clone())
            .or_default()
            .push((one, gone));
    }
    let issues_fetched = p.fetched;
    let issues_gone = by_export.values().flatten().filter(|(_, g)| *g).count();
    let (projects, issues_in_folder) = {
        let folder = Arc::clone(&folder);
        let full = since.is_none();
        blocking(move || {
            for (export, issues) in by_export {
                let dir = folder.export_dir(export.as_deref());
                // A full sync's list is GitLab's whole list: what it did not find is gone.
                let mut all = if full {
                    BTreeMap::new()
                } else {
                    folder.read_issues(&dir)?
                };
                for (one, gone) in issues {
                    if gone {
                        all.remove(&one.iid);
                    } else {
                        all.insert(one.iid, one.issue);
                    }
                }
                folder.write_issues(&dir, &all)?;
                folder.remove_orphans(&dir, &all)?;
            }
            folder.count_issues()
        })
        .await?
    };

    // The mark, last.
    let mark = next_mark(newest, since.as_deref(), opts.overlap);
    let new_state = SyncState {
        format: FORMAT,
        gitlab: opts.gitlab.to_string(),
        target: opts.target.clone(),
        mark: mark.clone(),
    };
    {
        let folder = Arc::clone(&folder);
        blocking(move || folder.commit(&new_state)).await?;
    }
    Ok(Report {
        full: since.is_none(),
        since,
        mark,
        issues_fetched,
        issues_gone,
        issues_in_folder,
        label_events: p.label_events,
        projects,
        calls: client.tally.calls.load(Ordering::Relaxed),
        retries: client.tally.retries.load(Ordering::Relaxed),
        rate_limited: client.tally.rate_limited.load(Ordering::Relaxed),
    })
}

/// [`sync`] on a runtime of its own, for a caller without one (the command line, Python).
pub fn sync_blocking(
    opts: &Options,
    progress: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<Report, SyncError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| SyncError::io(&opts.folder, e))?;
    runtime.block_on(sync(opts, progress))
}

/// The list of a target's issues updated since `since` (all, without), newest first.
pub(crate) fn listing_url(
    target: &Target,
    gitlab: &Url,
    since: Option<&str>,
    per_page: u32,
) -> Url {
    let mut url = target.issues_url(gitlab);
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("scope", "all")
            .append_pair("order_by", "updated_at")
            .append_pair("sort", "desc")
            .append_pair("per_page", &per_page.clamp(1, 100).to_string());
        if let Some(mark) = since {
            q.append_pair("updated_after", mark);
        }
    }
    url
}

/// Every page of one issue's label events; `None` when GitLab no longer has the issue.
pub(crate) async fn events_of(
    client: &Client,
    gitlab: &Url,
    project_id: u64,
    iid: u64,
    per_page: u32,
) -> Result<Option<Vec<Value>>, SyncError> {
    let mut url = issue_url(gitlab, project_id, iid, Some("resource_label_events"));
    url.query_pairs_mut()
        .append_pair("per_page", &per_page.clamp(1, 100).to_string());
    let mut events = Vec::new();
    loop {
        let page = match client.page(&url).await {
            Ok(page) => page,
            // Deleted (or moved out of reach) between the list and now — when the issue is
            // gone too: a 404 of a proxy or a deploy removes nothing.
            Err(SyncError::NotFound { url: at, .. }) => {
                if client.has_issue(gitlab, project_id, iid).await? {
                    return Err(SyncError::Unreadable {
                        url: at,
                        message: "GitLab has the issue but answers 404 for its label events".into(),
                    });
                }
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        events.extend(page.items);
        match page.next {
            Some(next) => url = next,
            None => return Ok(Some(events)),
        }
    }
}

/// The mark after a run that listed issues up to `newest`: `newest` less the overlap, never
/// behind the mark it started from (RFC 3339, UTC, milliseconds).
pub fn next_mark(
    newest: Option<DateTime<Utc>>,
    since: Option<&str>,
    overlap: Duration,
) -> Option<String> {
    let overlap = chrono::Duration::from_std(overlap).unwrap_or(chrono::Duration::zero());
    match (newest.map(|n| n - overlap), since.and_then(parse_mark)) {
        (Some(n), Some(old)) => Some(n.max(old)),
        (n, old) => n.or(old),
    }
    .map(|m| m.to_rfc3339_opts(SecondsFormat::Millis, true))
}

/// Every page of one issue's label events, written to its file.
async fn fetch_events(
    client: &Client,
    folder: &Arc<Folder>,
    base: &Url,
    export: Option<String>,
    project_id: u64,
    iid: u64,
    per_page: u32,
) -> Result<Fetched, SyncError> {
    let Some(events) = events_of(client, base, project_id, iid, per_page).await? else {
        return Ok(Fetched::Gone);
    };
    let count = events.len();
    let folder = Arc::clone(folder);
    blocking(move || {
        let dir = folder.export_dir(export.as_deref());
        folder.write_events(&dir, iid, &events)
    })
    .await?;
    Ok(Fetched::Written { events: count })
}

/// An issue of a list page, and its `updated_at`: what GitLab always sends (`iid`,
/// `project_id`, `updated_at`) is required; a group's issue goes to its project's export.
fn read_listed(
    target: &Target,
    page: &Url,
    index: usize,
    issue: Value,
) -> Result<(Listed, DateTime<Utc>), SyncError> {
    let (project_id, iid, updated) =
        issue_key(&issue).map_err(|message| SyncError::Unreadable {
            url: page.to_string(),
            message: format!("issue {index} of the page: {message}"),
        })?;
    let export = match target.scope {
        Scope::Project => None,
        Scope::Group => Some(project_path(&issue).unwrap_or_else(|| project_id.to_string())),
    };
    Ok((
        Listed {
            export,
            project_id,
            iid,
            issue,
        },
        updated,
    ))
}

/// What a listed issue is keyed and ordered by: its project, its iid, its `updated_at` — what
/// GitLab always sends, so required.
pub(crate) fn issue_key(issue: &Value) -> Result<(u64, u64, DateTime<Utc>), String> {
    let number = |key: &str| {
        issue
            .get(key)
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("no whole number `{key}`, which GitLab always sends"))
    };
    let iid = number("iid")?;
    let project_id = number("project_id")?;
    let updated = issue
        .get("updated_at")
        .and_then(Value::as_str)
        .and_then(parse_mark)
        .ok_or_else(|| format!("issue {iid}: no `updated_at` time"))?;
    Ok((project_id, iid, updated))
}

/// A group's issue's project, by its full path (`references.full` is `group/project#12`), when
/// it is a safe folder path.
fn project_path(issue: &Value) -> Option<String> {
    let full = issue.get("references")?.get("full")?.as_str()?;
    let (path, _) = full.rsplit_once('#')?;
    let safe = !path.is_empty()
        && path.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        });
    safe.then(|| path.to_owned())
}

pub(crate) fn parse_mark(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// `work` awaited, `tick` called every quarter of a second meanwhile; an error of `tick` (the
/// sync was cancelled) ends the wait.
async fn ticking<T>(
    work: impl std::future::Future<Output = T>,
    tick: impl Fn() -> Result<(), SyncError>,
) -> Result<T, SyncError> {
    tokio::pin!(work);
    let mut every = tokio::time::interval(Duration::from_millis(250));
    every.tick().await;
    loop {
        tokio::select! {
            done = &mut work => return Ok(done),
            _ = every.tick() => tick()?,
        }
    }
}

/// Runs file work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SyncError> + Send + 'static,
) -> Result<T, SyncError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| SyncError::GaveUp {
            url: String::new(),
            attempts: 0,
            last: format!("a file task failed: {e}"),
        })?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_s_issue_goes_to_its_project_s_folder_when_the_path_is_safe() {
        let issue = |full: &str| serde_json::json!({"references": {"full": full}});
        assert_eq!(
            project_path(&issue("g/sub/p#12")).as_deref(),
            Some("g/sub/p")
        );
        assert_eq!(project_path(&issue("g/../p#1")), None);
        assert_eq!(project_path(&issue("g/.hidden#1")), None);
        assert_eq!(project_path(&issue("#1")), None);
        assert_eq!(project_path(&serde_json::json!({})), None);
    }

    #[test]
    fn gitlab_s_times_with_offsets_and_milliseconds_are_read() {
        let t = parse_mark("2019-07-17T09:53:48.937-04:00").unwrap();
        assert_eq!(
            t.to_rfc3339_opts(SecondsFormat::Millis, true),
            "2019-07-17T13:53:48.937Z"
        );
    }
}
