//! GitLab's own JSON, read without glue code (SPEC §7): the REST issue object
//! (`GET /projects/:id/issues`), resource label events
//! (`GET /projects/:id/issues/:iid/resource_label_events`), and the REST update parameters a
//! transition's effects become (`add_labels`, `remove_labels`, `state_event`).
//!
//! Field names and types follow GitLab's published API documentation. Unknown fields are
//! ignored; a missing or mistyped required field is a [`GitlabError`] naming it (with the
//! entry's position in a list). Timestamps are read in the forms GitLab writes: RFC 3339 with
//! or without milliseconds (`2016-01-04T15:31:51.081Z`), and the webhooks'
//! `2017-09-15 16:52:00 UTC` (or a numeric offset).
//!
//! ```
//! use csops_core::{gitlab, Config, State};
//! let issue = r#"{"id": 76, "iid": 6, "project_id": 8, "title": "Refresh the NPS dashboard",
//!   "state": "opened", "labels": ["CSOps", "CS Analytics", "CSOps::In_Process"],
//!   "author": {"id": 1, "username": "rita", "name": "Rita"},
//!   "assignees": [{"id": 2, "username": "omar"}], "weight": 3,
//!   "created_at": "2026-01-05T09:00:00.123Z", "closed_at": null, "web_url": "https://..."}"#;
//! let req = gitlab::read_issue(issue, &Config::default())?;
//! assert_eq!((req.id(), req.state(), req.assignee()), (6, State::InProcess, Some("omar")));
//! # Ok::<(), gitlab::GitlabError>(())
//! ```

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::Config;
use crate::label::Taxonomy;
use crate::routing::RoutingConfig;
use crate::words::{read_error, read_text_error};
use crate::workflow::{Milestone, OpenState, Request, RequestError, RequestRecord, Transition};

mod audit;
mod batch;
mod catch_up;
mod export;
mod hook;
mod parallel;
#[cfg(test)]
mod tests;

pub use audit::{
    AuditRule, Reconstruction, Violation, reconstruct, reconstruct_as_of, reconstruct_json,
};
pub use batch::{AuditSummary, BatchAudit, IssueAudit, audit_batch};
pub use catch_up::missed_hook;
pub use export::{
    AuditRun, BoardInput, IssueCheck, audit_export, audit_export_from, audit_issues,
    board_report_json, check_issue, check_issue_from, read_label_events_by_issue,
    read_label_events_by_issue_from, request_from, request_from_json,
};
pub use hook::{
    IssueHook, WebhookDecision, apply_webhook, decide_webhook, decide_webhook_with_events,
    read_webhook, read_webhook_from, request_before,
};
pub use parallel::{reconstruct_all_json, reconstruct_issues_json};

/// What GitLab's JSON could not be read as.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GitlabError {
    /// Not JSON, or a field missing or of the wrong type.
    #[error("{}: {}{message}", named(what, *.iid, *.index), field(.key))]
    Json {
        /// What was read ("issue", "label event", …).
        what: &'static str,
        /// Its position in a list, if it came in one.
        index: Option<usize>,
        /// The issue's iid, when it could be read (the message names the issue by it).
        iid: Option<u64>,
        /// The field (`.` for the whole object).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A webhook payload of another kind than an Issue Hook (a note, a push, …): not an
    /// error of the payload, only not one csops reads. A payload without `object_kind` is a
    /// [`GitlabError::Json`] naming it.
    #[error("webhook: object_kind: {} is not an Issue Hook (object_kind \"issue\")", crate::words::Quoted(.object_kind))]
    OtherEvent {
        /// The payload's `object_kind`.
        object_kind: String,
    },
    /// Label events that cannot be the issue's history.
    #[error("issue {iid}: label events: {message}")]
    Events {
        /// The issue's iid.
        iid: u64,
        /// What is wrong.
        message: String,
    },
    /// A board report that cannot be as of the time asked.
    #[error(transparent)]
    Report(#[from] crate::report::ReportError),
    /// An issue that reads, but is not a valid request (two workflow labels, …).
    #[error("issue{}: {source}", at(*.index))]
    Request {
        /// Its position in a list, if it came in one.
        index: Option<usize>,
        /// Why.
        source: RequestError,
    },
    /// A csops request record, given where a GitLab issue could be, that is not a valid
    /// request: the request's own error.
    #[error(transparent)]
    Record(RequestError),
}

fn at(index: Option<usize>) -> String {
    index.map(|i| format!("[{i}]")).unwrap_or_default()
}

/// A field as a message names it (`author.username: `), nothing for the whole object.
fn field(key: &str) -> String {
    match key {
        "." | "" => String::new(),
        key => format!("{key}: "),
    }
}

/// An entry as a message names it: by its iid when known (`issue #32 (entry [4])`, `issue
/// #101, label event [2]`), else by its position (`label event[3]`).
fn named(what: &str, iid: Option<u64>, index: Option<usize>) -> String {
    match (what, iid, index) {
        ("label event", Some(iid), Some(i)) => format!("issue #{iid}, label event [{i}]"),
        (_, Some(iid), Some(i)) => format!("{what} #{iid} (entry [{i}])"),
        (_, Some(iid), None) => format!("{what} #{iid}"),
        (_, None, index) => format!("{what}{}", at(index)),
    }
}

impl GitlabError {
    /// The error of an issue read alone, placed at position `i` of a list of issues.
    pub(crate) fn at_index(self, i: usize) -> GitlabError {
        match self {
            GitlabError::Json {
                what: "issue",
                index: None,
                iid,
                key,
                message,
            } => GitlabError::Json {
                what: "issue",
                index: Some(i),
                iid,
                key,
                message,
            },
            GitlabError::Request {
                index: None,
                source,
            } => GitlabError::Request {
                index: Some(i),
                source,
            },
            other => other,
        }
    }

    /// Where in the caller's input the error is, as a path: `[4].author.username` for the
    /// fifth issue of a list, `101[2].user` for the third label event of issue 101 in events
    /// by issue, the field for one object.
    pub fn input_key(&self) -> String {
        let GitlabError::Json {
            what,
            index,
            iid,
            key,
            ..
        } = self
        else {
            return ".".to_owned();
        };
        let at = match (*what, iid, index) {
            ("label event", Some(iid), Some(i)) => format!("{iid}[{i}]"),
            (_, _, Some(i)) => format!("[{i}]"),
            _ => return key.clone(),
        };
        if key == "." {
            at
        } else {
            format!("{at}.{key}")
        }
    }
}

/// A GitLab timestamp: RFC 3339 (`2016-01-04T15:31:51.081Z`, any offset) or the webhooks'
/// `2017-09-15 16:52:00 UTC` / `2017-09-15 16:52:00 +0200`.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    if let Some(t) = utc_fast(text.as_bytes()) {
        return Some(t);
    }
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(d.with_timezone(&Utc));
    }
    if let Some(naive) = t.strip_suffix(" UTC") {
        for f in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M:%S"] {
            if let Ok(d) = NaiveDateTime::parse_from_str(naive, f) {
                return Some(d.and_utc());
            }
        }
    }
    ["%Y-%m-%d %H:%M:%S%.f %z", "%Y-%m-%d %H:%M:%S %z"]
        .iter()
        .find_map(|f| DateTime::parse_from_str(t, f).ok())
        .map(|d| d.with_timezone(&Utc))
}

/// Reads a timestamp straight from the text, borrowed or not (no allocation).
struct TimestampVisitor;

impl serde::de::Visitor<'_> for TimestampVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a GitLab timestamp (2016-01-04T15:31:51.081Z or 2017-09-15 16:52:00 UTC)")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<DateTime<Utc>, E> {
        parse_timestamp(s).ok_or_else(|| {
            E::custom(format!(
                "{} is not a GitLab timestamp (2016-01-04T15:31:51.081Z or 2017-09-15 16:52:00 UTC)",
                crate::words::Quoted(s)
            ))
        })
    }
}

/// The form GitLab's API writes nearly always, `2016-01-04T15:31:51.081Z` (any number of
/// fraction digits, or none), read without the general parser; anything else is `None`.
fn utc_fast(b: &[u8]) -> Option<DateTime<Utc>> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |acc, c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let sep = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && sep(10, b'T') && sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let (&last, _) = b.split_last()?;
    if last != b'Z' {
        return None;
    }
    let mut nanos = 0u32;
    match b.len() {
        20 => {}
        n if n > 21 && n <= 30 && sep(19, b'.') => {
            let digits = num(20..n - 1)?;
            nanos = digits * 10u32.pow(u32::try_from(30 - n).ok()?);
        }
        _ => return None,
    }
    let date =
        chrono::NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
    let time =
        chrono::NaiveTime::from_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    Some(date.and_time(time).and_utc())
}

fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(TimestampVisitor)
}

fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(s) => parse_timestamp(&s).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{} is not a GitLab timestamp",
                crate::words::Quoted(&s)
            ))
        }),
    }
}

/// A GitLab user as the API embeds it (`author`, `assignees[]`, `user`); only the username is
/// read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The username (`@` handle without the `@`).
    pub username: String,
}

/// The REST issue object (`GET /projects/:id/issues`), the fields csops reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    /// The issue's id within its project.
    pub iid: u64,
    /// Title.
    pub title: String,
    /// `opened` or `closed`.
    pub state: OpenState,
    /// Labels, as strings.
    #[serde(default)]
    pub labels: Vec<String>,
    /// Assignees (csops's owner is the first).
    #[serde(default)]
    pub assignees: Vec<User>,
    /// The single assignee of older GitLab versions (deprecated there; read when `assignees`
    /// is empty).
    #[serde(default)]
    pub assignee: Option<User>,
    /// The author (the requester).
    pub author: User,
    /// Weight (GitLab Premium); null or absent when unset. Any non-negative number GitLab
    /// accepts; one that is not a CS Ops weight is kept and reported (`invalid_weight`).
    #[serde(default)]
    pub weight: Option<u64>,
    /// Creation time.
    #[serde(deserialize_with = "timestamp")]
    pub created_at: DateTime<Utc>,
    /// Closing time.
    #[serde(default, deserialize_with = "opt_timestamp")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Who closed it (a person or a bot), when closed.
    #[serde(default)]
    pub closed_by: Option<User>,
    /// The milestone (`title`, `start_date`, `due_date` read).
    #[serde(default)]
    pub milestone: Option<Milestone>,
    /// The issue's page on GitLab, which a report links to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_url: Option<String>,
}

impl Issue {
    /// The request this issue is, checked with `config` (taxonomy, routing). The workstream
    /// comes from the labels (SPEC §5); the history is empty (see the label events for it).
    /// A weight that is not a CS Ops weight (1, 3, 5, 7) is an error naming `weight`.
    pub fn to_request(&self, config: &Config) -> Result<Request, GitlabError> {
        self.clone().into_request(config)
    }

    /// As [`Issue::to_request`], consuming the issue (its strings move into the request).
    pub fn into_request(self, config: &Config) -> Result<Request, GitlabError> {
        self.into_request_parts(None, &compiled(config)?, &config.routing)
    }

    /// The request, with a taxonomy compiled once for a list.
    fn into_request_parts(
        self,
        index: Option<usize>,
        taxonomy: &Taxonomy,
        routing: &RoutingConfig,
    ) -> Result<Request, GitlabError> {
        let mut assignees: Vec<String> = self.assignees.into_iter().map(|u| u.username).collect();
        if assignees.is_empty() {
            assignees.extend(self.assignee.map(|u| u.username));
        }
        let record = RequestRecord {
            id: self.iid,
            title: self.title,
            author: self.author.username,
            labels: self.labels.into_iter().collect(),
            created_at: self.created_at,
            // GitLab records no change kind (SPEC §7).
            change_kind: crate::review::ChangeKind::Unknown,
            assignee: None,
            assignees,
            reviewer: None,
            weight: None,
            invalid_weight: self.weight,
            workstream: None,
            milestone: self.milestone,
            state: Some(self.state),
            closed_at: self.closed_at,
            closed_by: self.closed_by.map(|u| u.username),
            managed_since: None,
            workflow_state: None,
            history: Vec::new(),
        };
        Request::from_record_parts(record, taxonomy, routing)
            .map_err(|source| GitlabError::Request { index, source })
    }
}

fn read<'de, T: Deserialize<'de>, D>(
    what: &'static str,
    index: Option<usize>,
    de: D,
) -> Result<T, GitlabError>
where
    D: Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    serde_path_to_error::deserialize(de).map_err(|e| json_error(what, index, read_error(&e)))
}

/// [`read`] from JSON text: when the text is not JSON at all, that is the error.
fn read_text<'a, T: Deserialize<'a>>(what: &'static str, text: &'a str) -> Result<T, GitlabError> {
    serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
        .map_err(|e| json_error(what, None, read_text_error(text, &e)))
}

/// A reader's (key, message) as the error about `what`.
fn json_error(
    what: &'static str,
    index: Option<usize>,
    (key, message): (String, String),
) -> GitlabError {
    GitlabError::Json {
        what,
        index,
        iid: None,
        key,
        message,
    }
}

/// Reads one REST issue object (JSON text) as a request.
pub fn read_issue(json: &str, config: &Config) -> Result<Request, GitlabError> {
    let issue: Issue = read_text("issue", json)?;
    issue.into_request(config)
}

/// Reads one REST issue object from any serde deserializer (a JSON value, a binding's
/// objects) as a request.
pub fn read_issue_from<'de, D>(de: D, config: &Config) -> Result<Request, GitlabError>
where
    D: Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    let issue: Issue = read("issue", None, de)?;
    issue.into_request(config)
}

/// What a list of issues read as: the requests in order (managed or not), the issues whose
/// workflow state is undecided, and each entry that did not read (its error names its
/// position).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Issues {
    /// The requests read, in the list's order.
    pub requests: Vec<Request>,
    /// The issues that carry two workflow labels: read, reported, never resolved (SPEC §1).
    pub undecided: Vec<Undecided>,
    /// The entries that did not read: what GitLab never writes (a missing `iid`, a field of the
    /// wrong JSON type).
    pub errors: Vec<GitlabError>,
    /// Each issue's page on GitLab (`web_url`), by iid, where it gives one.
    pub web_urls: std::collections::BTreeMap<u64, String>,
}

pub use crate::report::Undecided;

impl Issues {
    /// Sorts one issue's outcome into the list.
    fn push_issue(
        &mut self,
        mut issue: Issue,
        index: usize,
        taxonomy: &Taxonomy,
        routing: &RoutingConfig,
    ) {
        if let Some(url) = issue.web_url.take() {
            self.web_urls.insert(issue.iid, url);
        }
        let created_at = issue.created_at;
        self.push(
            created_at,
            issue.into_request_parts(Some(index), taxonomy, routing),
        );
    }

    /// Sorts one entry's outcome into the list.
    fn push(&mut self, created_at: DateTime<Utc>, read: Result<Request, GitlabError>) {
        match read {
            Ok(r) => self.requests.push(r),
            Err(GitlabError::Request {
                source: RequestError::Anomaly { id, anomaly },
                ..
            }) => self.undecided.push(Undecided {
                iid: id,
                created_at,
                anomaly,
            }),
            Err(e) => self.errors.push(e),
        }
    }
}

/// Reads a list of REST issue objects (JSON text: an array, as `GET /projects/:id/issues`
/// returns). A bad entry is reported and the rest are still read; text that is not a JSON
/// array is an error.
pub fn read_issues(json: &str, config: &Config) -> Result<Issues, GitlabError> {
    // The configuration is compiled once for the list.
    let taxonomy = compiled(config)?;
    // The common case in one typed pass; when an entry does not read, the slow pass reads the
    // entries one by one and names the bad ones.
    if let Ok(issues) = serde_json::from_str::<Vec<Issue>>(json) {
        return Ok(requests_of(issues, &taxonomy, &config.routing));
    }
    let list = read_text("issues", json)?;
    Ok(requests_of_values(list, &taxonomy, &config.routing))
}

/// [`read_issues`] from any serde deserializer that can be read twice (a JSON value, a
/// binding's objects): one typed pass, and when an entry does not read, each entry on its own.
pub fn read_issues_from<'de, D>(de: D, config: &Config) -> Result<Issues, GitlabError>
where
    D: Deserializer<'de> + Clone,
    D::Error: std::fmt::Display,
{
    let taxonomy = compiled(config)?;
    if let Ok(issues) = Vec::<Issue>::deserialize(de.clone()) {
        return Ok(requests_of(issues, &taxonomy, &config.routing));
    }
    let list = read("issues", None, de)?;
    Ok(requests_of_values(list, &taxonomy, &config.routing))
}

/// The configuration's taxonomy, compiled once per call (an invalid one is the error).
fn compiled(config: &Config) -> Result<Taxonomy, GitlabError> {
    config.taxonomy().map_err(|e| GitlabError::Request {
        index: None,
        source: RequestError::Config(e),
    })
}

/// Issues that all read: each as a request, or the rule it breaks.
fn requests_of(issues: Vec<Issue>, taxonomy: &Taxonomy, routing: &RoutingConfig) -> Issues {
    let mut out = Issues::default();
    out.requests.reserve(issues.len());
    for (i, issue) in issues.into_iter().enumerate() {
        out.push_issue(issue, i, taxonomy, routing);
    }
    out
}

/// A list with a bad entry: each entry read on its own, the bad ones named by position.
fn requests_of_values(
    list: Vec<serde_json::Value>,
    taxonomy: &Taxonomy,
    routing: &RoutingConfig,
) -> Issues {
    let mut out = Issues::default();
    for (i, v) in list.into_iter().enumerate() {
        let iid = v.get("iid").and_then(serde_json::Value::as_u64);
        match read::<Issue, _>("issue", Some(i), v).map_err(|e| match e {
            GitlabError::Json {
                iid: None,
                what,
                index,
                key,
                message,
            } => GitlabError::Json {
                what,
                index,
                iid,
                key,
                message,
            },
            other => other,
        }) {
            Ok(issue) => out.push_issue(issue, i, taxonomy, routing),
            Err(e) => out.errors.push(e),
        }
    }
    out
}

/// Add or remove, as a label event's `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelAction {
    /// The label was added.
    Add,
    /// The label was removed.
    Remove,
}

/// The label of a label event (`null` in GitLab when the label has since been deleted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLabel {
    /// The label's name.
    pub name: String,
}

/// One resource label event (`GET /projects/:id/issues/:iid/resource_label_events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LabelEvent {
    /// Who.
    pub user: User,
    /// When.
    #[serde(deserialize_with = "timestamp")]
    pub created_at: DateTime<Utc>,
    /// Which label; `None` when it has been deleted since.
    pub label: Option<EventLabel>,
    /// Added or removed.
    pub action: LabelAction,
}

/// Reads a list of resource label events (JSON text: an array), in the order given. Any bad
/// entry is an error naming its position: a history with a hole cannot be reconstructed.
pub fn read_label_events(json: &str) -> Result<Vec<LabelEvent>, GitlabError> {
    // The common case in one typed pass; on any error, the slow pass names the entry.
    if let Ok(events) = serde_json::from_str::<Vec<LabelEvent>>(json) {
        return Ok(events);
    }
    events_of_values(read_text("label events", json)?)
}

/// [`read_label_events`] from any serde deserializer that can be read twice (a JSON value, a
/// binding's objects).
pub fn read_label_events_from<'de, D>(de: D) -> Result<Vec<LabelEvent>, GitlabError>
where
    D: Deserializer<'de> + Clone,
    D::Error: std::fmt::Display,
{
    if let Ok(events) = Vec::<LabelEvent>::deserialize(de.clone()) {
        return Ok(events);
    }
    events_of_values(read("label events", None, de)?)
}

/// Each event read on its own: the first bad one is named by position.
fn events_of_values(list: Vec<serde_json::Value>) -> Result<Vec<LabelEvent>, GitlabError> {
    list.into_iter()
        .enumerate()
        .map(|(i, v)| read("label event", Some(i), v))
        .collect()
}

/// GitLab's REST update parameters for an issue (`PUT /projects/:id/issues/:iid`): what a
/// transition's effects become.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestParams {
    /// Labels to add, comma-separated (absent when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_labels: Option<String>,
    /// Labels to remove, comma-separated (absent when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_labels: Option<String>,
    /// `close` or `reopen` (absent when neither).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_event: Option<String>,
}

impl RestParams {
    /// Whether there is nothing to update.
    pub fn is_empty(&self) -> bool {
        self.add_labels.is_none() && self.remove_labels.is_none() && self.state_event.is_none()
    }

    /// Whether an issue with these `labels`, open or not, already is as this update would
    /// leave it: every label to add there, none to remove, the open state the `state_event`
    /// asks. A caller that cannot know whether its update went through (a call cut short)
    /// asks this before sending it again.
    ///
    /// ```
    /// use csops_core::gitlab::RestParams;
    /// let undo = RestParams {
    ///     add_labels: Some("CSOps::Triage".into()),
    ///     remove_labels: Some("CSOps::In_Process".into()),
    ///     state_event: None,
    /// };
    /// assert!(undo.holds_for(&["CSOps", "CSOps::Triage"], true));
    /// assert!(!undo.holds_for(&["CSOps", "CSOps::Triage", "CSOps::In_Process"], true));
    /// ```
    pub fn holds_for<S: AsRef<str>>(&self, labels: &[S], open: bool) -> bool {
        let has = |l: &str| labels.iter().any(|x| x.as_ref() == l);
        fn split(v: &Option<String>) -> impl Iterator<Item = &str> {
            v.as_deref()
                .into_iter()
                .flat_map(|t| t.split(','))
                .filter(|l| !l.is_empty())
        }
        split(&self.add_labels).all(has)
            && !split(&self.remove_labels).any(has)
            && match self.state_event.as_deref() {
                Some("close") => !open,
                Some("reopen") => open,
                _ => true,
            }
    }
}

impl RestParams {
    /// The parameters for effects given as their parts (labels to add and remove, whether the
    /// issue closes or reopens).
    pub fn from_effects<S: AsRef<str>>(
        add: &[S],
        remove: &[S],
        close: bool,
        reopen: bool,
    ) -> RestParams {
        let join = |v: &[S]| {
            (!v.is_empty()).then(|| v.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(","))
        };
        let state_event = if close {
            Some("close".to_owned())
        } else if reopen {
            Some("reopen".to_owned())
        } else {
            None
        };
        RestParams {
            add_labels: join(add),
            remove_labels: join(remove),
            state_event,
        }
    }
}

impl From<&Transition> for RestParams {
    fn from(t: &Transition) -> RestParams {
        RestParams::from_effects(&t.add_labels, &t.remove_labels, t.close, t.reopen)
    }
}
