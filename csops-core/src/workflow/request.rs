//! A request (one CS Ops issue) with its full transition history, and its JSON form.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::command::Command;
use crate::config::Config;
use crate::label::{LabelError, LabelSet, Taxonomy, WorkflowAnomaly};
use crate::name::Name;
use crate::review::ChangeKind;
use crate::routing::{RoutingConfig, Workstream};
use crate::state::State;
use crate::weight::Weight;

/// A request that cannot be loaded. Nothing the caller passed is changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// Not valid JSON, or a field of the wrong type or a required field missing.
    #[error("request is not valid: {}{message}", crate::words::At(.key))]
    Json {
        /// The path of the key (`weight`, `history[2].at`, `.` for the document).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A label that is not a label.
    #[error("request {id}: labels[{index}]: {source}")]
    Label {
        /// The request id.
        id: u64,
        /// Position in `labels`.
        index: usize,
        /// The label error.
        source: LabelError,
    },
    /// Two workflow labels (SPEC §1): reported, never silently resolved.
    #[error("request {id} {anomaly}")]
    Anomaly {
        /// The request id.
        id: u64,
        /// Which labels.
        anomaly: WorkflowAnomaly,
    },
    /// An empty author (every request has a requester).
    #[error("request {id}: author must not be empty (the author is the requester)")]
    EmptyAuthor {
        /// The request id.
        id: u64,
    },
    /// `workflow_state` contradicts the workflow label.
    #[error(
        "request {id}: workflow_state {given} contradicts its labels, which give {from_labels}"
    )]
    StateMismatch {
        /// The request id.
        id: u64,
        /// The state given.
        given: State,
        /// The state the labels give.
        from_labels: State,
    },
    /// `closed_at` before `created_at`.
    #[error("request {id}: closed_at {closed_at} is before created_at {created_at}")]
    ClosedBeforeCreated {
        /// The request id.
        id: u64,
        /// Creation.
        created_at: DateTime<Utc>,
        /// Closing.
        closed_at: DateTime<Utc>,
    },
    /// The configuration it was loaded with is not valid.
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    /// A history that cannot be this request's.
    #[error("request {id}: history[{index}]: {rule}")]
    History {
        /// The request id.
        id: u64,
        /// The step.
        index: usize,
        /// What is wrong.
        rule: String,
    },
}

/// A tracker milestone (GitLab's `milestone` object: `title`, `start_date`, `due_date`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    /// The milestone's title.
    pub title: String,
    /// First day of the milestone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// Last day of the milestone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
}

impl Milestone {
    /// Whether a request created at `created` and started at `started` is an interrupt of this
    /// milestone (SPEC §2): created after the milestone's first day — the day its scope was
    /// set — and started within the milestone.
    pub fn is_interrupt(&self, created: DateTime<Utc>, started: DateTime<Utc>) -> bool {
        let Some(start) = self.start_date else {
            return false;
        };
        let day = started.date_naive();
        created.date_naive() > start && day >= start && self.due_date.is_none_or(|due| day <= due)
    }
}

/// The steps a request has room for before the workflow's steps reallocate its history: a
/// typical life (SPEC §2: triage, ready, start, review, complete, with a block or two).
const HISTORY_ROOM: usize = 8;

/// One accepted step of the history (SPEC §2 "History").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (shared with the directory or the request: recording a step copies no text).
    pub actor: Name,
    /// State before.
    pub from: State,
    /// State after.
    pub to: State,
    /// The command, with its inputs.
    pub command: Command,
}

/// Open or closed on the tracker (`"open"` / `"closed"`, as GitLab's `state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenState {
    /// Open.
    #[serde(alias = "opened", alias = "reopened")]
    Open,
    /// Closed.
    Closed,
}

/// The JSON shape of a request: the `request` object of the vectors, plus what the engine
/// records. Every field but `id`, `author` and `created_at` is optional on input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// The issue's id (GitLab `iid`).
    pub id: u64,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// The author, who is the requester.
    pub author: String,
    /// Labels as the tracker carries them (any alias).
    #[serde(default)]
    pub labels: LabelSet,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// What the request changes (SPEC §4).
    #[serde(default)]
    pub change_kind: ChangeKind,
    /// The assignee (the owner).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    /// Every assignee the tracker lists, the owner first (absent when there is one at most).
    /// With no `assignee`, the first of them is the owner.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assignees: Vec<String>,
    /// The peer reviewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// The weight (1, 3, 5, 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Weight>,
    /// A weight the tracker holds that is not a CS Ops weight (GitLab accepts any
    /// non-negative number; SPEC §7): kept as it is, reported as `invalid_weight`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_weight: Option<u64>,
    /// The workstream: absent = routed by labels (SPEC §5); `null` = none.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub workstream: Option<Option<Workstream>>,
    /// The milestone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub milestone: Option<Milestone>,
    /// Open or closed (default: from the workflow state).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<OpenState>,
    /// When it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<DateTime<Utc>>,
    /// Who closed it (GitLab's `closed_by`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    /// When the issue became a CS Ops request, when that was after its creation (it gained
    /// `CSOps` later; SPEC §7 "Managed requests"): its clocks start there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_since: Option<DateTime<Utc>>,
    /// The workflow state; when given, it must agree with the labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_state: Option<State>,
    /// The accepted steps so far.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Step>,
}

/// A present field, even `null`, is `Some(value)`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// One CS Ops request: labels, people, weight, workstream, open/closed, and its history.
///
/// The workflow state is derived from the labels when the request is loaded, and kept in step
/// with them by every accepted transition. Load it with the configuration the workflow uses
/// ([`crate::Workflow::load_request`], or [`Request::from_json_with`]); [`Request::from_json`]
/// and serde use the default one.
///
/// ```
/// use csops_core::{Request, State};
/// let req = Request::from_json(r#"{"id": 7, "author": "rita", "labels": ["CSOps", "CSOps::In Process", "CS Analytics"],
///                                  "created_at": "2026-01-05T09:00:00Z"}"#).unwrap();
/// assert_eq!(req.state(), State::InProcess);
/// assert!(req.is_open());
/// assert_eq!(req.workstream(), Some(csops_core::routing::Workstream::Analytics));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub(crate) id: u64,
    pub(crate) title: String,
    pub(crate) author: Name,
    pub(crate) labels: LabelSet,
    pub(crate) state: State,
    pub(crate) open: bool,
    pub(crate) assignee: Option<Name>,
    /// The other assignees (the owner is `assignee`).
    pub(crate) co_assignees: Vec<Name>,
    pub(crate) reviewer: Option<Name>,
    pub(crate) weight: Option<Weight>,
    pub(crate) invalid_weight: Option<u64>,
    pub(crate) workstream: Option<Workstream>,
    pub(crate) change_kind: ChangeKind,
    pub(crate) milestone: Option<Milestone>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) closed_at: Option<DateTime<Utc>>,
    pub(crate) closed_by: Option<Name>,
    pub(crate) managed_since: Option<DateTime<Utc>>,
    pub(crate) history: History,
}

/// A request's steps, with room for a typical life: a clone keeps the room, so that the steps
/// the workflow records on a copy do not reallocate either.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct History(Vec<Step>);

impl From<Vec<Step>> for History {
    fn from(steps: Vec<Step>) -> History {
        History::with_room(steps)
    }
}

impl History {
    fn with_room(mut steps: Vec<Step>) -> History {
        steps.reserve(HISTORY_ROOM.saturating_sub(steps.len()));
        History(steps)
    }
}

impl Clone for History {
    fn clone(&self) -> History {
        let mut steps = Vec::with_capacity(self.0.len().max(HISTORY_ROOM));
        steps.extend_from_slice(&self.0);
        History(steps)
    }
}

impl std::ops::Deref for History {
    type Target = Vec<Step>;
    fn deref(&self) -> &Vec<Step> {
        &self.0
    }
}

impl std::ops::DerefMut for History {
    fn deref_mut(&mut self) -> &mut Vec<Step> {
        &mut self.0
    }
}

fn json_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> RequestError {
    let (key, message) = crate::words::read_error(&e);
    RequestError::Json { key, message }
}

/// A tracker's weight as (the CS Ops weight, or the number kept as `invalid_weight`).
pub(crate) fn split_weight(raw: u64) -> (Option<Weight>, Option<u64>) {
    match Weight::classify(raw) {
        Ok(w) => (Some(w), None),
        Err(raw) => (None, Some(raw)),
    }
}

/// Reads a request record from any serde deserializer; the error names the key.
pub(crate) fn read_record<'de, D>(de: D) -> Result<RequestRecord, RequestError>
where
    D: serde::Deserializer<'de>,
    D::Error: std::fmt::Display,
{
    serde_path_to_error::deserialize(de).map_err(json_error)
}

/// Reads a request record from JSON; the error names the key.
pub(crate) fn record_from_json(text: &str) -> Result<RequestRecord, RequestError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let (key, message) = crate::words::read_text_error(text, &e);
        RequestError::Json { key, message }
    })
}

impl Request {
    /// A new request: only the `CSOps` label, state New, open, no history.
    pub fn new(
        id: u64,
        title: &str,
        author: &str,
        created_at: DateTime<Utc>,
    ) -> Result<Request, RequestError> {
        Request::from_default_record(RequestRecord {
            id,
            title: title.to_owned(),
            author: author.to_owned(),
            labels: LabelSet::from_iter(["CSOps"]),
            created_at,
            change_kind: ChangeKind::Other,
            assignee: None,
            assignees: Vec::new(),
            reviewer: None,
            weight: None,
            invalid_weight: None,
            workstream: None,
            milestone: None,
            state: None,
            closed_at: None,
            closed_by: None,
            managed_since: None,
            workflow_state: None,
            history: Vec::new(),
        })
    }

    /// Loads a request from JSON with the default configuration.
    pub fn from_json(text: &str) -> Result<Request, RequestError> {
        Request::from_default_record(record_from_json(text)?)
    }

    /// Loads a request from JSON with a configuration (its taxonomy and routing). To load many,
    /// [`crate::Workflow::load_request`] compiles the configuration once.
    pub fn from_json_with(text: &str, config: &Config) -> Result<Request, RequestError> {
        Request::from_record_parts(
            record_from_json(text)?,
            &config.taxonomy()?,
            &config.routing,
        )
    }

    fn from_default_record(record: RequestRecord) -> Result<Request, RequestError> {
        Request::from_record_parts(
            record,
            Taxonomy::default_ref(),
            &Config::default_ref().routing,
        )
    }

    /// Loads a request from any serde deserializer (a JSON value, a binding's objects) with
    /// the default configuration (compiled once per process, not per request).
    ///
    /// ```
    /// use csops_core::{Request, State};
    /// let value = serde_json::json!({"id": 7, "author": "rita", "labels": ["CSOps::Triage"],
    ///                                "created_at": "2026-03-02T09:00:00Z"});
    /// assert_eq!(Request::read(&value)?.state(), State::Triage);
    /// # Ok::<(), csops_core::workflow::RequestError>(())
    /// ```
    pub fn read<'de, D>(de: D) -> Result<Request, RequestError>
    where
        D: serde::Deserializer<'de>,
        D::Error: std::fmt::Display,
    {
        Request::from_default_record(read_record(de)?)
    }

    /// Loads a request from any serde deserializer (JSON text through
    /// `serde_json::Deserializer::from_str`, a JSON value, a binding's objects) with a
    /// configuration (its taxonomy and routing). To load many, [`crate::Workflow::load`]
    /// compiles the configuration once.
    pub fn read_with<'de, D>(de: D, config: &Config) -> Result<Request, RequestError>
    where
        D: serde::Deserializer<'de>,
        D::Error: std::fmt::Display,
    {
        Request::from_record_parts(read_record(de)?, &config.taxonomy()?, &config.routing)
    }

    pub(crate) fn from_record_parts(
        r: RequestRecord,
        taxonomy: &Taxonomy,
        routing: &RoutingConfig,
    ) -> Result<Request, RequestError> {
        let id = r.id;
        if let Some((index, l)) = r.labels.first_blank() {
            return Err(RequestError::Label {
                id,
                index,
                source: LabelError::Empty {
                    input: l.to_owned(),
                },
            });
        }
        if r.author.trim().is_empty() {
            return Err(RequestError::EmptyAuthor { id });
        }
        if let Some(anomaly) = taxonomy.anomaly(r.labels.iter()) {
            return Err(RequestError::Anomaly { id, anomaly });
        }
        let state = taxonomy
            .workflow_labels(r.labels.iter())
            .first()
            .map_or(State::New, |(_, s)| *s);
        if let Some(given) = r.workflow_state.filter(|g| *g != state) {
            return Err(RequestError::StateMismatch {
                id,
                given,
                from_labels: state,
            });
        }
        if let Some(closed_at) = r.closed_at.filter(|c| *c < r.created_at) {
            return Err(RequestError::ClosedBeforeCreated {
                id,
                created_at: r.created_at,
                closed_at,
            });
        }
        let mut previous: Option<&Step> = None;
        for (index, step) in r.history.iter().enumerate() {
            let bad = |rule: String| RequestError::History { id, index, rule };
            if step.at < r.created_at {
                return Err(bad(format!(
                    "at {} is before created_at {}",
                    step.at, r.created_at
                )));
            }
            if let Some(p) = previous {
                if step.at < p.at {
                    return Err(bad(format!(
                        "at {} is before the previous step's {}",
                        step.at, p.at
                    )));
                }
                if step.from != p.to {
                    return Err(bad(format!(
                        "from {} but the previous step ended in {}",
                        step.from.title(),
                        p.to.title()
                    )));
                }
            }
            previous = Some(step);
        }
        if let Some(last) = previous.filter(|l| l.to != state) {
            return Err(RequestError::History {
                id,
                index: r.history.len().saturating_sub(1),
                rule: format!(
                    "the last step ends in {} but the labels give {}",
                    last.to.title(),
                    state.title()
                ),
            });
        }
        if let Some(since) = r.managed_since.filter(|m| *m < r.created_at) {
            return Err(RequestError::Json {
                key: "managed_since".to_owned(),
                message: format!(
                    "{since} is before created_at {}: an issue becomes a request after it exists",
                    r.created_at
                ),
            });
        }
        let (weight, invalid_weight) = match (r.weight, r.invalid_weight) {
            (Some(_), Some(_)) => {
                return Err(RequestError::Json {
                    key: "invalid_weight".to_owned(),
                    message: "a request has one weight: weight or invalid_weight, not both"
                        .to_owned(),
                });
            }
            (w, None) => (w, None),
            (None, Some(raw)) => split_weight(raw),
        };
        let workstream = match r.workstream {
            Some(explicit) => explicit,
            None => routing.route(r.labels.iter()).workstream(),
        };
        let open = r.state.map_or(state.is_open(), |s| s == OpenState::Open);
        let named = |a: &String| !a.trim().is_empty();
        let mut assignees = r.assignees.into_iter().filter(named);
        let assignee = r.assignee.filter(named).or_else(|| assignees.next());
        let co_assignees = assignees
            .filter(|a| Some(a) != assignee.as_ref())
            .map(Name::from)
            .collect();
        let history = History::with_room(r.history);
        let mut labels = r.labels;
        labels.share(|l| taxonomy.shared_canonical(l));
        Ok(Request {
            id,
            title: r.title,
            author: r.author.into(),
            labels,
            state,
            open,
            assignee: assignee.map(Name::from),
            co_assignees,
            reviewer: r.reviewer.filter(named).map(Name::from),
            weight,
            invalid_weight,
            workstream,
            change_kind: r.change_kind,
            milestone: r.milestone,
            created_at: r.created_at,
            closed_at: r.closed_at,
            closed_by: r.closed_by.filter(named).map(Name::from),
            managed_since: r.managed_since.filter(|m| *m > r.created_at),
            history,
        })
    }

    /// The request's record (its JSON shape), with `workflow_state` and `workstream` explicit.
    pub fn to_record(&self) -> RequestRecord {
        RequestRecord {
            id: self.id,
            title: self.title.clone(),
            author: self.author.to_string(),
            labels: self.labels.clone(),
            created_at: self.created_at,
            change_kind: self.change_kind,
            assignee: self.assignee.as_deref().map(str::to_owned),
            assignees: if self.co_assignees.is_empty() {
                Vec::new()
            } else {
                self.assignees().map(str::to_owned).collect()
            },
            reviewer: self.reviewer.as_deref().map(str::to_owned),
            weight: self.weight,
            invalid_weight: self.invalid_weight,
            workstream: Some(self.workstream),
            milestone: self.milestone.clone(),
            state: Some(if self.open {
                OpenState::Open
            } else {
                OpenState::Closed
            }),
            closed_at: self.closed_at,
            closed_by: self.closed_by.as_deref().map(str::to_owned),
            managed_since: self.managed_since,
            workflow_state: Some(self.state),
            history: self.history.to_vec(),
        }
    }

    /// The request as JSON (loads back to an equal request with the same configuration).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.to_record()).unwrap_or_default()
    }

    /// The issue id.
    pub fn id(&self) -> u64 {
        self.id
    }
    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// The author (the requester).
    pub fn author(&self) -> &str {
        &self.author
    }
    /// The labels, as the tracker should carry them.
    pub fn labels(&self) -> &LabelSet {
        &self.labels
    }
    /// The workflow state.
    pub fn state(&self) -> State {
        self.state
    }
    /// Whether the issue is open.
    pub fn is_open(&self) -> bool {
        self.open
    }
    /// The assignee: the owner (SPEC §2), the first of the tracker's assignees.
    pub fn assignee(&self) -> Option<&str> {
        self.assignee.as_deref()
    }
    /// Every assignee the tracker lists, the owner first.
    pub fn assignees(&self) -> impl Iterator<Item = &str> {
        self.assignee.iter().chain(&self.co_assignees).map(|a| &**a)
    }
    /// Whether `person` is one of the assignees (any of them acts as the assignee in the §2
    /// rules; the owner alone carries the load, §3).
    pub fn is_assignee(&self, person: &str) -> bool {
        self.assignees().any(|a| a == person)
    }
    /// The peer reviewer.
    pub fn reviewer(&self) -> Option<&str> {
        self.reviewer.as_deref()
    }
    /// The weight, when it is a CS Ops weight (1, 3, 5, 7).
    pub fn weight(&self) -> Option<Weight> {
        self.weight
    }
    /// A weight the tracker holds that is not a CS Ops weight (0, 2, 8, …): kept as it is and
    /// reported as `invalid_weight` (SPEC §7); `None` when the weight is valid or unset.
    pub fn invalid_weight(&self) -> Option<u64> {
        self.invalid_weight
    }
    /// The workstream (set at triage, or routed by labels).
    pub fn workstream(&self) -> Option<Workstream> {
        self.workstream
    }
    /// The change kind (SPEC §4).
    pub fn change_kind(&self) -> ChangeKind {
        self.change_kind
    }
    /// The milestone.
    pub fn milestone(&self) -> Option<&Milestone> {
        self.milestone.as_ref()
    }
    /// Creation time.
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    /// Closing time, while closed.
    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.closed_at
    }
    /// Who closed it, when the tracker says (GitLab's `closed_by`).
    pub fn closed_by(&self) -> Option<&str> {
        self.closed_by.as_deref()
    }
    /// When the issue became a CS Ops request: its creation, or later when it gained `CSOps`
    /// afterwards (SPEC §7). Its clocks (untriaged, lead time) start here.
    pub fn managed_since(&self) -> DateTime<Utc> {
        self.managed_since.unwrap_or(self.created_at)
    }
    /// Every accepted step, oldest first.
    pub fn history(&self) -> &[Step] {
        &self.history
    }
    /// Whether the request is Gainsight-related (a `Gainsight*` label or a Gainsight change
    /// kind), which puts the changelog entry on its closing checklist.
    pub fn is_gainsight_related(&self) -> bool {
        self.change_kind.is_gainsight() || self.labels.is_gainsight_related()
    }
}

impl Serialize for Request {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_record().serialize(s)
    }
}

/// Deserializes with the default configuration (use [`Request::read_with`] for another).
impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let record = RequestRecord::deserialize(d)?;
        Request::from_default_record(record).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
#[path = "tests/request.rs"]
mod tests;
