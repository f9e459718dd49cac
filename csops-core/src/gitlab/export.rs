//! A whole GitLab export at once — the issues (`GET /projects/:id/issues`) and each issue's
//! label events — audited and reported in one call: what a nightly job, a notebook or a C tool
//! runs over a project. JSON in, serde structs out.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::{
    GitlabError, Issues, LabelEvent, Undecided, read, read_issue_from, read_issues,
    read_issues_from, read_text,
};
use crate::report::{Anomaly, AnomalyKind, BoardReport, FlowReport, FlowWindow};
use crate::state::State;
use crate::workflow::{RequestError, Workflow};

/// Reads label events per issue: a JSON object from iid (a string key, as JSON has) to that
/// issue's list of resource label events.
pub fn read_label_events_by_issue(
    json: &str,
) -> Result<BTreeMap<u64, Vec<LabelEvent>>, GitlabError> {
    by_issue(read_text("label events by issue", json)?)
}

/// [`read_label_events_by_issue`] from any serde deserializer (a JSON value, a binding's
/// objects).
pub fn read_label_events_by_issue_from<'de, D>(
    de: D,
) -> Result<BTreeMap<u64, Vec<LabelEvent>>, GitlabError>
where
    D: Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    by_issue(read("label events by issue", None, de)?)
}

fn by_issue(
    raw: BTreeMap<String, Vec<serde_json::Value>>,
) -> Result<BTreeMap<u64, Vec<LabelEvent>>, GitlabError> {
    let mut out = BTreeMap::new();
    for (key, list) in raw {
        let iid: u64 = key.parse().map_err(|_| GitlabError::Json {
            what: "label events by issue",
            index: None,
            iid: None,
            key: key.clone(),
            message: "keys are issue iids (whole numbers)".to_owned(),
        })?;
        let events = list
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                read::<LabelEvent, _>("label event", Some(i), v).map_err(|e| match e {
                    GitlabError::Json {
                        what,
                        index,
                        key: k,
                        message,
                        ..
                    } => GitlabError::Json {
                        what,
                        index,
                        iid: Some(iid),
                        key: k,
                        message,
                    },
                    other => other,
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.insert(iid, events);
    }
    Ok(out)
}

/// An export audited (the batch dry run) and its board report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRun {
    /// What the audit found, issue by issue, with its summary. Issues that did not read are
    /// among its errors.
    pub audit: super::BatchAudit,
    /// The board as of the same time, over the reconstructed requests (issues that carry two
    /// workflow labels are among its anomalies).
    pub board: BoardReport,
    /// The flow of the same requests over the default window ([`FlowWindow::default_for`]):
    /// the cumulative flow diagram and the control chart.
    pub flow: FlowReport,
    /// Each audited issue's page on GitLab (`web_url`), by iid, where the export gives it.
    #[serde(default)]
    pub web_urls: BTreeMap<u64, String>,
}

/// Audits a GitLab export and reports its board as of `as_of`: `issues_json` is a JSON array of
/// REST issues, `events_json` (optional) an object from iid to label events. A bad issue is
/// reported and the rest still run; text that is not an array / object is an error.
pub fn audit_export(
    wf: &Workflow,
    issues_json: &str,
    events_json: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<AuditRun, GitlabError> {
    let issues = read_issues(issues_json, wf.config())?;
    let events = match events_json {
        Some(text) => read_label_events_by_issue(text)?,
        None => BTreeMap::new(),
    };
    audit_issues(wf, &issues, &events, as_of)
}

/// [`audit_export`] from any serde deserializers (JSON values, a binding's objects): the
/// issues (an array, readable twice) and optionally the events by iid (an object).
pub fn audit_export_from<'de, I, E>(
    wf: &Workflow,
    issues: I,
    events: Option<E>,
    as_of: DateTime<Utc>,
) -> Result<AuditRun, GitlabError>
where
    I: Deserializer<'de> + Clone,
    I::Error: std::fmt::Display,
    E: Deserializer<'de>,
    E::Error: std::fmt::Display,
{
    let issues = read_issues_from(issues, wf.config())?;
    let events = match events {
        Some(de) => read_label_events_by_issue_from(de)?,
        None => BTreeMap::new(),
    };
    audit_issues(wf, &issues, &events, as_of)
}

/// The audit and board of an export once read: the issues (as [`super::read_issues`] gives
/// them) and each issue's label events by iid.
pub fn audit_issues(
    wf: &Workflow,
    issues: &super::Issues,
    events: &BTreeMap<u64, Vec<LabelEvent>>,
    as_of: DateTime<Utc>,
) -> Result<AuditRun, GitlabError> {
    let mut audit = super::audit_batch(
        wf,
        &issues.requests,
        |iid| events.get(&iid).map(Vec::as_slice),
        as_of,
    );
    audit.add_undecided(&issues.undecided);
    audit
        .errors
        .extend(issues.errors.iter().map(|e| e.to_string()));
    audit.summary.errors = audit.errors.len();
    let mut board = wf.board_report(&audit.requests, as_of)?;
    // The audit kept only the managed requests for the board: it counted the others.
    board.unmanaged = audit.summary.unmanaged;
    board.add_undecided(&std::mem::take(&mut audit.undecided));
    let flow = wf.flow_report(
        &audit.requests,
        FlowWindow::default_for(&audit.requests, as_of),
    )?;
    let web_urls = audit
        .issues
        .iter()
        .filter_map(|i| Some((i.iid, issues.web_urls.get(&i.iid)?.clone())))
        .collect();
    Ok(AuditRun {
        audit,
        board,
        flow,
        web_urls,
    })
}

/// Whether one issue's current state is consistent (SPEC §6's anomalies of a single request).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueCheck {
    /// The issue's iid.
    pub iid: u64,
    /// Whether it is a CS Ops request (SPEC §7): an issue that is not has nothing to check.
    pub managed: bool,
    /// Its workflow state (`None` when two workflow labels leave it undecided).
    pub state: Option<State>,
    /// Whether nothing is wrong.
    pub consistent: bool,
    /// What is wrong.
    pub anomalies: Vec<Anomaly>,
}

/// Checks one REST issue (a JSON value or text) for the board's anomalies: two workflow labels,
/// In_Process without an assignee, closed without Completed / Won't Do, a weight outside 1, 3,
/// 5, 7, a workflow label without `CSOps`. An issue that is not a CS Ops request is consistent
/// and says so (`managed: false`). Only what GitLab never writes (no `iid`, a field of the wrong
/// JSON type) is an error.
///
/// ```
/// use csops_core::{gitlab, Directory, Workflow};
/// let wf = Workflow::with_directory(Directory::new());
/// let check = gitlab::check_issue(&wf, r#"{"iid": 5, "title": "t", "state": "closed",
///     "labels": ["CSOps::In_Process"], "author": {"username": "rita"},
///     "assignees": [{"username": "omar"}], "created_at": "2026-03-02T09:00:00Z",
///     "closed_at": "2026-03-04T09:00:00Z"}"#)?;
/// assert!(!check.consistent);
/// assert_eq!(check.anomalies[0].kind.to_string(), "closed_without_outcome");
/// # Ok::<(), gitlab::GitlabError>(())
/// ```
pub fn check_issue(wf: &Workflow, json: &str) -> Result<IssueCheck, GitlabError> {
    check_read(wf, super::read_issue(json, wf.config()))
}

/// [`check_issue`] from any serde deserializer (a JSON value, a binding's objects).
pub fn check_issue_from<'de, D>(wf: &Workflow, de: D) -> Result<IssueCheck, GitlabError>
where
    D: Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    check_read(wf, read_issue_from(de, wf.config()))
}

/// The check of an issue once read: its anomalies, or the two workflow labels that kept it from
/// reading.
fn check_read(
    wf: &Workflow,
    read: Result<crate::Request, GitlabError>,
) -> Result<IssueCheck, GitlabError> {
    match read {
        Ok(req) => {
            let managed = wf.is_managed(&req);
            let anomalies = if managed {
                wf.anomalies(&req)
            } else {
                Vec::new()
            };
            Ok(IssueCheck {
                iid: req.id(),
                managed,
                state: Some(req.state()),
                consistent: anomalies.is_empty(),
                anomalies,
            })
        }
        Err(GitlabError::Request {
            source: RequestError::Anomaly { id, anomaly },
            ..
        }) => Ok(IssueCheck {
            iid: id,
            managed: true,
            state: None,
            consistent: false,
            anomalies: vec![Anomaly {
                iid: id,
                kind: AnomalyKind::TwoWorkflowLabels,
                message: anomaly.to_string(),
            }],
        }),
        Err(e) => Err(e),
    }
}

/// Whether an object has an `iid` (a GitLab issue), read without the rest of it: a key
/// `iid`, whatever its value (`null` too, for the issue reader to refuse).
#[derive(Deserialize)]
struct IidOnly {
    #[serde(default, deserialize_with = "present")]
    iid: bool,
}

fn present<'de, D: Deserializer<'de>>(de: D) -> Result<bool, D::Error> {
    serde::de::IgnoredAny::deserialize(de).map(|_| true)
}

/// A request from a serde deserializer that can be read twice (a JSON value, a binding's
/// objects) that is either a csops request record or a GitLab REST issue (an object with
/// `iid`), read with the workflow's configuration.
pub fn request_from<'de, D>(de: D, config: &crate::Config) -> Result<crate::Request, GitlabError>
where
    D: Deserializer<'de> + Clone,
    D::Error: std::fmt::Display,
{
    let is_issue = IidOnly::deserialize(de.clone()).is_ok_and(|p| p.iid);
    if is_issue {
        read_issue_from(de, config)
    } else {
        crate::Request::read_with(de, config).map_err(GitlabError::Record)
    }
}

/// [`request_from`] from JSON text.
pub fn request_from_json(
    text: &str,
    config: &crate::Config,
) -> Result<crate::Request, GitlabError> {
    // The text is read once; the value is read twice, to tell an issue from a record.
    let value: serde_json::Value = read_text("request", text)?;
    request_from(&value, config)
}

/// What a board is made of: the requests, and those the board lists as anomalies because their
/// two workflow labels leave their state undecided (SPEC §1: reported, never resolved).
#[derive(Debug, Clone, Default)]
pub struct BoardInput {
    /// The requests.
    pub requests: Vec<crate::Request>,
    /// Issues read from a list that carry two workflow labels.
    pub undecided: Vec<Undecided>,
    /// Requests that did not load because they carry two workflow labels.
    pub unloaded: Vec<RequestError>,
}

impl BoardInput {
    /// Adds one entry as read: a request, or one that carries two workflow labels (an anomaly
    /// of the board). Any other error is the caller's, returned as it is.
    pub fn push(&mut self, read: Result<crate::Request, GitlabError>) -> Result<(), GitlabError> {
        match read {
            Ok(r) => self.requests.push(r),
            Err(
                GitlabError::Request {
                    source: source @ RequestError::Anomaly { .. },
                    ..
                }
                | GitlabError::Record(source @ RequestError::Anomaly { .. }),
            ) => self.unloaded.push(source),
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Reads a JSON array of requests — csops request records or GitLab REST issues, mixed as
    /// they come. Requests that carry two workflow labels are the board's anomalies; any other
    /// bad entry is an error naming its position.
    pub fn read_json(
        requests_json: &str,
        config: &crate::Config,
    ) -> Result<BoardInput, GitlabError> {
        let list: Vec<serde_json::Value> = read_text("requests", requests_json)?;
        let mut board = BoardInput::default();
        board.requests.reserve(list.len());
        for (i, v) in list.into_iter().enumerate() {
            board.push(request_from(&v, config)).map_err(|e| match e {
                GitlabError::Request { source, .. } | GitlabError::Record(source) => {
                    GitlabError::Request {
                        index: Some(i),
                        source,
                    }
                }
                GitlabError::Json {
                    what,
                    key,
                    message,
                    iid,
                    ..
                } => GitlabError::Json {
                    what,
                    index: Some(i),
                    iid: iid.or_else(|| v.get("iid").and_then(serde_json::Value::as_u64)),
                    key,
                    message,
                },
                e => e,
            })?;
        }
        Ok(board)
    }

    /// Adds a list of issues read before: its requests and its undecided issues (the entries
    /// that did not read are not on a board).
    pub fn extend_issues(&mut self, issues: &Issues) {
        self.requests.extend(issues.requests.iter().cloned());
        self.undecided.extend(issues.undecided.iter().cloned());
    }

    /// The board report as of `as_of` (SPEC §6), each request's history first rebuilt from its
    /// label events when `events` has them (for lead and cycle time and the SLAs).
    pub fn report(
        mut self,
        wf: &Workflow,
        events: Option<&BTreeMap<u64, Vec<LabelEvent>>>,
        as_of: DateTime<Utc>,
    ) -> Result<BoardReport, GitlabError> {
        if let Some(events) = events {
            // Each request as it stood at `as_of` (SPEC §6): one not yet created is not on the
            // board, one with two workflow labels then is among its anomalies.
            let mut then = Vec::with_capacity(self.requests.len());
            for r in self.requests {
                // As the audit reads them: an issue without events in the list has none.
                let ev = events.get(&r.id()).map_or(&[][..], Vec::as_slice);
                match super::reconstruct_as_of(wf, &r, ev, as_of) {
                    Ok(Some(rec)) if wf.is_managed(&rec.request) => then.push(rec.request),
                    // Not yet created, or not yet a request, that day.
                    Ok(_) => {}
                    Err(GitlabError::Request {
                        source: source @ RequestError::Anomaly { .. },
                        ..
                    }) => self.unloaded.push(source),
                    Err(e) => return Err(e),
                }
            }
            self.requests = then;
        }
        self.undecided.retain(|u| u.created_at <= as_of);
        let mut board = wf.board_report(&self.requests, as_of)?;
        board.add_unloaded(&self.unloaded);
        board.add_undecided(&self.undecided);
        Ok(board)
    }
}

/// The board report over a JSON array of requests — csops request records or GitLab REST
/// issues, mixed as they come — as of `as_of`. Requests that carry two workflow labels become
/// anomalies of the board; any other bad entry is an error naming its position.
///
/// ```
/// use csops_core::{gitlab, Directory, Workflow};
/// let wf = Workflow::with_directory(Directory::new());
/// let report = gitlab::board_report_json(&wf, r#"[
///   {"iid": 1, "title": "t", "state": "opened", "labels": ["CSOps::Triage", "CSOps::Blocked"],
///    "author": {"username": "rita"}, "created_at": "2026-03-02T09:00:00Z"},
///   {"id": 2, "author": "rita", "labels": ["CSOps"], "created_at": "2026-03-02T09:00:00Z"},
///   {"iid": 3, "title": "not a request", "state": "opened", "labels": ["bug"],
///    "author": {"username": "eng"}, "weight": 10, "created_at": "2026-03-02T09:00:00Z"}]"#,
///   "2026-03-16T00:00:00Z".parse().unwrap())?;
/// assert_eq!((report.requests, report.anomalies.len(), report.sla_breaches.len()), (1, 1, 1));
/// assert_eq!(report.unmanaged, 1);
/// # Ok::<(), gitlab::GitlabError>(())
/// ```
pub fn board_report_json(
    wf: &Workflow,
    requests_json: &str,
    as_of: DateTime<Utc>,
) -> Result<BoardReport, GitlabError> {
    BoardInput::read_json(requests_json, wf.config())?.report(wf, None, as_of)
}
