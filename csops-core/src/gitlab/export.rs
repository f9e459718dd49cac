//! A whole GitLab export at once — the issues (`GET /projects/:id/issues`) and each issue's
//! label events — audited and reported in one call: what a nightly job, a notebook or a C tool
//! runs over a project. JSON in, serde structs out.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{GitlabError, LabelEvent, read, read_issue_value, read_issues, read_issues_value};
use crate::report::{Anomaly, AnomalyKind, BoardReport};
use crate::state::State;
use crate::workflow::{RequestError, Workflow};

/// Reads label events per issue: a JSON object from iid (a string key, as JSON has) to that
/// issue's list of resource label events.
pub fn read_label_events_by_issue(
    json: &str,
) -> Result<BTreeMap<u64, Vec<LabelEvent>>, GitlabError> {
    by_issue(read(
        "label events by issue",
        None,
        &mut serde_json::Deserializer::from_str(json),
    )?)
}

/// [`read_label_events_by_issue`] from a JSON value (an object), as a binding holds it.
pub fn read_label_events_by_issue_value(
    value: serde_json::Value,
) -> Result<BTreeMap<u64, Vec<LabelEvent>>, GitlabError> {
    by_issue(read("label events by issue", None, value)?)
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
                read::<LabelEvent>("label event", Some(i), v).map_err(|e| match e {
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
pub struct ExportReport {
    /// What the audit found, issue by issue, with its summary. Issues that did not read are
    /// among its errors.
    pub audit: super::BatchAudit,
    /// The board as of the same time, over the reconstructed requests (issues that carry two
    /// workflow labels are among its anomalies).
    pub board: BoardReport,
}

/// Audits a GitLab export and reports its board as of `as_of`: `issues_json` is a JSON array of
/// REST issues, `events_json` (optional) an object from iid to label events. A bad issue is
/// reported and the rest still run; text that is not an array / object is an error.
pub fn audit_export(
    wf: &Workflow,
    issues_json: &str,
    events_json: Option<&str>,
    as_of: DateTime<Utc>,
) -> Result<ExportReport, GitlabError> {
    let issues = read_issues(issues_json, wf.config())?;
    let events = match events_json {
        Some(text) => read_label_events_by_issue(text)?,
        None => BTreeMap::new(),
    };
    audit_read(wf, &issues, &events, as_of)
}

/// [`audit_export`] from JSON values (an array of issues, an object of events by iid), as a
/// binding holds them.
pub fn audit_export_value(
    wf: &Workflow,
    issues: serde_json::Value,
    events: Option<serde_json::Value>,
    as_of: DateTime<Utc>,
) -> Result<ExportReport, GitlabError> {
    let issues = read_issues_value(issues, wf.config())?;
    let events = match events {
        Some(v) => read_label_events_by_issue_value(v)?,
        None => BTreeMap::new(),
    };
    audit_read(wf, &issues, &events, as_of)
}

/// The audit and board of an export once read.
fn audit_read(
    wf: &Workflow,
    issues: &super::Issues,
    events: &BTreeMap<u64, Vec<LabelEvent>>,
    as_of: DateTime<Utc>,
) -> Result<ExportReport, GitlabError> {
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
    board.add_undecided(&issues.undecided);
    Ok(ExportReport { audit, board })
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
    check_issue_value(
        wf,
        read("issue", None, &mut serde_json::Deserializer::from_str(json))?,
    )
}

/// [`check_issue`] from a JSON value, as a binding holds it.
pub fn check_issue_value(
    wf: &Workflow,
    value: serde_json::Value,
) -> Result<IssueCheck, GitlabError> {
    match read_issue_value(value, wf.config()) {
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

/// A request from JSON that is either a csops request record or a GitLab REST issue (an object
/// with `iid`), read with the workflow's configuration.
pub fn request_from_value(
    value: serde_json::Value,
    config: &crate::Config,
) -> Result<crate::Request, GitlabError> {
    if value.get("iid").is_some() {
        read_issue_value(value, config)
    } else {
        crate::Request::from_value_with(value, config).map_err(|source| GitlabError::Request {
            index: None,
            source,
        })
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
    let list: Vec<serde_json::Value> = read(
        "requests",
        None,
        &mut serde_json::Deserializer::from_str(requests_json),
    )?;
    let mut requests = Vec::with_capacity(list.len());
    let mut unloaded = Vec::new();
    for (i, v) in list.into_iter().enumerate() {
        let peeked = v.get("iid").and_then(serde_json::Value::as_u64);
        match request_from_value(v, wf.config()) {
            Ok(r) => requests.push(r),
            Err(GitlabError::Request {
                source: source @ RequestError::Anomaly { .. },
                ..
            }) => unloaded.push(source),
            Err(GitlabError::Request { source, .. }) => {
                return Err(GitlabError::Request {
                    index: Some(i),
                    source,
                });
            }
            Err(GitlabError::Json {
                what,
                key,
                message,
                iid,
                ..
            }) => {
                return Err(GitlabError::Json {
                    what,
                    index: Some(i),
                    iid: iid.or(peeked),
                    key,
                    message,
                });
            }
            Err(e) => return Err(e),
        }
    }
    let mut board = wf.board_report(&requests, as_of)?;
    board.add_unloaded(&unloaded);
    Ok(board)
}
