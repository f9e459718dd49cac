//! GitLab's JSON, the webhook decision, the history audit and the board report (SPEC §6–§7),
//! from Python. Conversions only: GitLab objects come in as dicts / lists or JSON text and go to
//! csops-core's readers; results are the core's serde structs, held as JSON values behind
//! read-only attributes (so that they compare, pickle and convert to dicts for free).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use serde_json::Value;

use csops_core::gitlab::{self as core_gl, GitlabError};
use csops_core::workflow as core_wf;
use csops_core::{Config, Directory};

use crate::{
    Request, Workflow, config_from, from_json, input_error, instant, json_arg, py_datetime,
    request_error,
};

/// A GitLab error as the Python exception: `InputError` with `.key` naming the field (and the
/// entry's position in a list), or the request's own error.
pub(crate) fn gitlab_error(py: Python<'_>, e: &GitlabError) -> PyErr {
    match e {
        GitlabError::Json { .. } => input_error(py, &e.input_key(), e.to_string()),
        GitlabError::Request {
            source: csops_core::workflow::RequestError::Config(c),
            ..
        } => crate::config_error(py, c),
        GitlabError::Request {
            index: None,
            source,
        } => request_error(py, source),
        GitlabError::Request { .. } => input_error(py, "issue", e.to_string()),
        GitlabError::Events { .. } => input_error(py, "events", e.to_string()),
        GitlabError::Report(_) => input_error(py, "as_of", e.to_string()),
    }
}

fn value_of<T: serde::Serialize + ?Sized>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}

fn get<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&Value::Null)
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    get(v, key).as_str().map(str::to_owned)
}

/// A time field of a JSON record as an aware `datetime`.
fn time_of<'py>(py: Python<'py>, v: &Value, key: &str) -> PyResult<Bound<'py, PyAny>> {
    let t: chrono::DateTime<chrono::Utc> = serde_json::from_value(get(v, key).clone())
        .map_err(|e| input_error(py, key, e.to_string()))?;
    py_datetime(py, t)
}

/// The pyclasses that hold a core result as its JSON: they convert to a dict or JSON text,
/// compare and pickle through that JSON. `$extra` are the class's own methods.
macro_rules! json_backed {
    ($ty:ident, $what:literal, { $($extra:tt)* }) => {
        #[pymethods]
        impl $ty {
            #[staticmethod]
            fn _from_json(py: Python<'_>, text: crate::text::Text<'_>) -> PyResult<$ty> {
                serde_json::from_str(&text)
                    .map(|v| $ty { v })
                    .map_err(|e| input_error(py, $what, e.to_string()))
            }

            /// As a dict.
            fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                from_json(py, &self.v)
            }

            /// As JSON text.
            fn to_json(&self) -> String {
                self.v.to_string()
            }

            fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
                other.cast::<$ty>().is_ok_and(|o| o.get().v == self.v)
            }

            fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
                Ok((
                    py.import("csops._csops")?
                        .getattr(stringify!($ty))?
                        .getattr("_from_json")?,
                    (self.v.to_string(),),
                ))
            }

            $($extra)*
        }
    };
}

/// Issues read from a list: the requests in order, and what the bad entries were (each names
/// its position). Iterating gives the requests.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct ReadIssues {
    inner: core_gl::Issues,
}

#[pymethods]
impl ReadIssues {
    /// The requests read, in the list's order.
    #[getter]
    fn requests(&self) -> Vec<Request> {
        self.inner
            .requests
            .iter()
            .cloned()
            .map(Request::from)
            .collect()
    }

    /// What each bad entry was (each names its position): only what GitLab never writes.
    #[getter]
    fn errors(&self) -> Vec<String> {
        self.inner.errors.iter().map(ToString::to_string).collect()
    }

    /// The issues whose two workflow labels leave their state undecided: one dict each
    /// (`iid`, `created_at`, `anomaly` with `labels` and `states`).
    #[getter]
    fn undecided<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &value_of(&self.inner.undecided))
    }

    fn __len__(&self) -> usize {
        self.inner.requests.len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyList::new(py, self.requests())?
            .try_iter()
            .map(Bound::into_any)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<ReadIssues>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "ReadIssues({} requests, {} undecided, {} errors)",
            self.inner.requests.len(),
            self.inner.undecided.len(),
            self.inner.errors.len()
        )
    }
}

/// Reads one REST issue object (`GET /projects/:id/issues/:iid`) as a `Request`. `issue`: the
/// object as a dict or JSON text (unknown fields are ignored). `config`: None (the default
/// labels and routing), or a workflow configuration as `Workflow` takes it (a dict, JSON or
/// TOML text). A missing or mistyped field is an `InputError` whose `.key` names it.
#[pyfunction]
#[pyo3(signature = (issue, config = None))]
pub(crate) fn gitlab_read_issue(
    py: Python<'_>,
    issue: &Bound<'_, PyAny>,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<Request> {
    let value = json_arg(issue, "issue")?;
    let cfg = config_from(config)?;
    core_gl::read_issue_value(value, &cfg)
        .map(Request::from)
        .map_err(|e| gitlab_error(py, &e))
}

/// Reads a list of REST issue objects (`GET /projects/:id/issues`): a `ReadIssues`, where a bad
/// entry is reported in `.errors` and the rest read. `issues`: the list, or its JSON text.
/// `config`: as for `read_issue`.
#[pyfunction]
#[pyo3(signature = (issues, config = None))]
pub(crate) fn gitlab_read_issues(
    py: Python<'_>,
    issues: &Bound<'_, PyAny>,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<ReadIssues> {
    let value = json_arg(issues, "issues")?;
    let cfg = config_from(config)?;
    core_gl::read_issues_value(value, &cfg)
        .map(|inner| ReadIssues { inner })
        .map_err(|e| gitlab_error(py, &e))
}

/// One resource label event: who, when, which label (None when deleted since), add or remove.
///
/// `read_label_events` reads them from GitLab's JSON. `LabelEvent(user, at, label, action)`
/// makes one: `user` a username, `at` a time (RFC 3339 text with a zone or an aware
/// `datetime`; see `help(csops)`, "Times"), `label` a label name or None, `action` "add" or
/// "remove".
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct LabelEvent {
    inner: core_gl::LabelEvent,
}

#[pymethods]
impl LabelEvent {
    #[new]
    #[pyo3(signature = (user, at, label, action))]
    fn new(
        py: Python<'_>,
        user: crate::text::OwnedText,
        at: &Bound<'_, PyAny>,
        label: Option<crate::text::OwnedText>,
        action: crate::text::Text<'_>,
    ) -> PyResult<LabelEvent> {
        let action = match &*action {
            "add" => core_gl::LabelAction::Add,
            "remove" => core_gl::LabelAction::Remove,
            other => {
                return Err(input_error(
                    py,
                    "action",
                    format!("action {other:?} is not \"add\" or \"remove\""),
                ));
            }
        };
        Ok(LabelEvent {
            inner: core_gl::LabelEvent {
                user: core_gl::User { username: user.0 },
                created_at: instant(at, "at")?,
                label: label.map(|name| core_gl::EventLabel { name: name.0 }),
                action,
            },
        })
    }

    /// Who (`user.username`).
    #[getter]
    fn user(&self) -> &str {
        &self.inner.user.username
    }

    /// When.
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_datetime(py, self.inner.created_at)
    }

    /// The label's name (None when the label has been deleted since).
    #[getter]
    fn label(&self) -> Option<&str> {
        self.inner.label.as_ref().map(|l| l.name.as_str())
    }

    /// "add" or "remove".
    #[getter]
    fn action(&self) -> &'static str {
        match self.inner.action {
            core_gl::LabelAction::Add => "add",
            core_gl::LabelAction::Remove => "remove",
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "LabelEvent(user={:?}, at={:?}, label={:?}, action={:?})",
            self.user(),
            self.inner.created_at.to_rfc3339(),
            self.label(),
            self.action()
        )
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(
        Bound<'py, PyAny>,
        (String, String, Option<String>, &'static str),
    )> {
        Ok((
            py.import("csops._csops")?.getattr("LabelEvent")?,
            (
                self.inner.user.username.clone(),
                self.inner.created_at.to_rfc3339(),
                self.label().map(str::to_owned),
                self.action(),
            ),
        ))
    }
}

/// Reads resource label events (`GET /projects/:id/issues/:iid/resource_label_events`) as a
/// list of `LabelEvent`s. `events`: a list of GitLab's event dicts, or its JSON text.
#[pyfunction]
pub(crate) fn gitlab_read_label_events(
    py: Python<'_>,
    events: &Bound<'_, PyAny>,
) -> PyResult<Vec<LabelEvent>> {
    let value = json_arg(events, "events")?;
    core_gl::read_label_events_value(value)
        .map(|v| v.into_iter().map(|inner| LabelEvent { inner }).collect())
        .map_err(|e| gitlab_error(py, &e))
}

/// Events given as `LabelEvent`s, GitLab's dicts, or JSON text.
fn events_arg(py: Python<'_>, events: &Bound<'_, PyAny>) -> PyResult<Vec<core_gl::LabelEvent>> {
    if let Ok(list) = events.cast::<PyList>()
        && !list.is_empty()
        && list.iter().all(|e| e.cast::<LabelEvent>().is_ok())
    {
        return list
            .iter()
            .map(|e| Ok(e.cast::<LabelEvent>()?.get().inner.clone()))
            .collect();
    }
    let value = json_arg(events, "events")?;
    core_gl::read_label_events_value(value).map_err(|e| gitlab_error(py, &e))
}

/// A request given as a `Request`, a csops request dict, or a GitLab REST issue (a dict with
/// `iid`), dicts also as JSON text.
fn request_arg(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    cfg: &Config,
    name: &str,
) -> PyResult<Result<core_wf::Request, GitlabError>> {
    if let Ok(r) = obj.cast::<Request>() {
        return Ok(Ok(r.borrow().inner.clone()));
    }
    let value = json_arg(obj, name)?;
    let is_issue = value.get("iid").is_some();
    match core_gl::request_from_value(value, cfg) {
        Err(GitlabError::Request { source, .. }) if !is_issue => Err(request_error(py, &source)),
        other => Ok(other),
    }
}

/// One step that broke the process: `.rule`, `.actor`, `.at`, `.step`, `.message`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct Violation {
    v: Value,
}

json_backed!(Violation, "violation", {
    /// The rule broken (`"skipped_peer_review"`, …).
    #[getter]
    fn rule(&self) -> Option<String> {
        str_of(&self.v, "rule")
    }

    /// Who (None for a closing, which label events do not show).
    #[getter]
    fn actor(&self) -> Option<String> {
        str_of(&self.v, "actor")
    }

    /// When.
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        time_of(py, &self.v, "at")
    }

    /// The position of the step in the reconstructed history, when it is one.
    #[getter]
    fn step(&self) -> Option<u64> {
        get(&self.v, "step").as_u64()
    }

    /// In words.
    #[getter]
    fn message(&self) -> Option<String> {
        str_of(&self.v, "message")
    }

    fn __repr__(&self) -> String {
        format!(
            "Violation(rule={:?}, actor={:?}, at={:?}, message={:?})",
            self.rule().unwrap_or_default(),
            self.actor(),
            str_of(&self.v, "at").unwrap_or_default(),
            self.message().unwrap_or_default()
        )
    }
});

fn violations(v: &Value) -> Vec<Violation> {
    v.as_array()
        .map(|a| a.iter().map(|x| Violation { v: x.clone() }).collect())
        .unwrap_or_default()
}

/// A request's history as its label events show it, and what broke the process. Unpacks as
/// `history, violations = ...`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct Reconstruction {
    request: core_wf::Request,
    v: Value,
}

#[pymethods]
impl Reconstruction {
    /// The request, its history replaced by the reconstructed one.
    #[getter]
    fn request(&self) -> Request {
        Request::from(self.request.clone())
    }

    /// The reconstructed history: dicts (`at`, `actor`, `from`, `to`, `command`).
    #[getter]
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &value_of(self.request.history()))
    }

    /// Every violation, in time order.
    #[getter]
    fn violations(&self) -> Vec<Violation> {
        violations(&self.v)
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let pair = PyList::new(
            py,
            [
                self.history(py)?,
                PyList::new(py, self.violations())?.into_any(),
            ],
        )?;
        pair.try_iter().map(Bound::into_any)
    }

    /// As a dict: `request` (the request dict, with the reconstructed history) and
    /// `violations` (dicts).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let d = PyDict::new(py);
        d.set_item("request", from_json(py, &value_of(&self.request))?)?;
        d.set_item("violations", from_json(py, &self.v)?)?;
        Ok(d.into_any())
    }

    #[staticmethod]
    fn _from_json(py: Python<'_>, text: crate::text::Text<'_>) -> PyResult<Reconstruction> {
        let bad = |e: String| input_error(py, "reconstruction", e);
        let v: Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        let request: core_wf::Request =
            serde_json::from_value(get(&v, "request").clone()).map_err(|e| bad(e.to_string()))?;
        Ok(Reconstruction {
            request,
            v: get(&v, "violations").clone(),
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Reconstruction>()
            .is_ok_and(|o| o.get().request == self.request && o.get().v == self.v)
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let doc = serde_json::json!({"request": value_of(&self.request), "violations": self.v});
        Ok((
            py.import("csops._csops")?
                .getattr("Reconstruction")?
                .getattr("_from_json")?,
            (doc.to_string(),),
        ))
    }

    fn __repr__(&self) -> String {
        format!(
            "Reconstruction(request={}, steps={}, violations={})",
            self.request.id(),
            self.request.history().len(),
            self.v.as_array().map_or(0, Vec::len)
        )
    }
}

/// Reconstructs a request's workflow history from its label events and audits it: a
/// `Reconstruction` (`history, violations = reconstruct(...)`). `request`: a `Request`, a csops
/// request dict or a GitLab REST issue (dicts also as JSON text). `events`: the issue's
/// resource label events, `LabelEvent`s or GitLab's dicts (or JSON text). `workflow`: the
/// `csops.Workflow` whose directory and rules judge each step.
#[pyfunction]
#[pyo3(signature = (request, events, workflow))]
pub(crate) fn gitlab_reconstruct(
    py: Python<'_>,
    request: &Bound<'_, PyAny>,
    events: &Bound<'_, PyAny>,
    workflow: &Workflow,
) -> PyResult<Reconstruction> {
    let wf = &workflow.inner;
    let req =
        request_arg(py, request, wf.config(), "request")?.map_err(|e| gitlab_error(py, &e))?;
    let events = events_arg(py, events)?;
    let rec = core_gl::reconstruct(wf, &req, &events).map_err(|e| gitlab_error(py, &e))?;
    Ok(Reconstruction {
        v: value_of(&rec.violations),
        request: rec.request,
    })
}

/// An Issue Hook payload: `.actor`, `.at`, `.iid`, `.labels`, `.previous_labels`,
/// `.current_labels`, `.assignees`, `.request`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct IssueHook {
    inner: core_gl::IssueHook,
}

#[pymethods]
impl IssueHook {
    #[staticmethod]
    fn _from_json(py: Python<'_>, text: crate::text::Text<'_>) -> PyResult<IssueHook> {
        serde_json::from_str(&text)
            .map(|inner| IssueHook { inner })
            .map_err(|e| input_error(py, "hook", e.to_string()))
    }

    /// Who made the change.
    #[getter]
    fn actor(&self) -> &str {
        &self.inner.actor
    }

    /// When.
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_datetime(py, self.inner.at)
    }

    /// The issue's iid.
    #[getter]
    fn iid(&self) -> u64 {
        self.inner.iid
    }

    /// `object_attributes.action`, when given.
    #[getter]
    fn action(&self) -> Option<&str> {
        self.inner.action.as_deref()
    }

    /// The labels after the change.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.inner.labels.clone()
    }

    /// `changes.labels.previous` (None when the labels did not change).
    #[getter]
    fn previous_labels(&self) -> Option<Vec<String>> {
        self.inner.previous_labels.clone()
    }

    /// `changes.labels.current` (None when the labels did not change).
    #[getter]
    fn current_labels(&self) -> Option<Vec<String>> {
        self.inner.current_labels.clone()
    }

    /// Assignees' usernames after the change.
    #[getter]
    fn assignees(&self) -> Vec<String> {
        self.inner.assignees.clone()
    }

    /// The request the issue is after the change (author: `author_id:<id>`).
    #[getter]
    fn request(&self, py: Python<'_>) -> PyResult<Request> {
        self.to_request(py, None)
    }

    /// The request the issue is after the change, read with `config`: None (the default), or
    /// a workflow configuration as `Workflow` takes it (a dict, JSON or TOML text).
    #[pyo3(signature = (config = None))]
    fn to_request(&self, py: Python<'_>, config: Option<&Bound<'_, PyAny>>) -> PyResult<Request> {
        let cfg = config_from(config)?;
        self.inner
            .to_request(&cfg)
            .map(Request::from)
            .map_err(|e| gitlab_error(py, &e))
    }

    /// The payload's fields read, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, &value_of(&self.inner))
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<IssueHook>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "IssueHook(iid={}, actor={:?}, at={:?}, previous_labels={:?}, current_labels={:?})",
            self.inner.iid,
            self.inner.actor,
            self.inner.at.to_rfc3339(),
            self.inner.previous_labels,
            self.inner.current_labels
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            py.import("csops._csops")?
                .getattr("IssueHook")?
                .getattr("_from_json")?,
            (value_of(&self.inner).to_string(),),
        ))
    }
}

/// Reads an Issue Hook payload as an `IssueHook`. `payload`: the webhook's body, a dict or
/// its JSON text; times in GitLab's webhook form (`2017-09-15 16:52:00 UTC`) or RFC 3339.
#[pyfunction]
pub(crate) fn gitlab_read_webhook(
    py: Python<'_>,
    payload: &Bound<'_, PyAny>,
) -> PyResult<IssueHook> {
    let value = json_arg(payload, "payload")?;
    core_gl::read_webhook_value(value)
        .map(|inner| IssueHook { inner })
        .map_err(|e| gitlab_error(py, &e))
}

/// What a webhook service should do about an Issue Hook: `.allowed`, `.violations`,
/// `.rest_params`, `.comment`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct WebhookDecision {
    v: Value,
}

json_backed!(WebhookDecision, "decision", {
    /// Whether the move was allowed (always, when nothing moved).
    #[getter]
    fn allowed(&self) -> bool {
        get(&self.v, "allowed").as_bool().unwrap_or(false)
    }

    /// Whether the change moved the workflow label.
    #[getter]
    fn moved(&self) -> bool {
        get(&self.v, "moved").as_bool().unwrap_or(false)
    }

    /// Whether the issue is a CS Ops request, before or after the change (False: nothing to do).
    #[getter]
    fn managed(&self) -> bool {
        get(&self.v, "managed").as_bool().unwrap_or(false)
    }

    /// What the issue holds after the change that breaks the process but is no label move
    /// (`invalid_weight`, …): dicts with `iid`, `kind`, `message`; reported, not undone.
    #[getter]
    fn anomalies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, get(&self.v, "anomalies"))
    }

    /// The state before the change (named like `Transition.from_state`).
    #[getter]
    #[allow(clippy::wrong_self_convention)]
    fn from_state(&self) -> Option<String> {
        str_of(&self.v, "from")
    }

    /// The state the change moved to.
    #[getter]
    fn to_state(&self) -> Option<String> {
        str_of(&self.v, "to")
    }

    /// The command of the table the move is (None when the table has no such move).
    #[getter]
    fn command(&self) -> Option<String> {
        str_of(&self.v, "command")
    }

    /// Who made the change.
    #[getter]
    fn actor(&self) -> Option<String> {
        str_of(&self.v, "actor")
    }

    /// What the move broke.
    #[getter]
    fn violations(&self) -> Vec<Violation> {
        violations(get(&self.v, "violations"))
    }

    /// GitLab's REST update parameters: `add_labels`, `remove_labels` (comma-separated) and
    /// `state_event`, each None when there is nothing to send.
    #[getter]
    fn rest_params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        rest_dict(py, get(&self.v, "rest_params"))
    }

    /// The comment for the issue, naming the rules broken (None when allowed).
    #[getter]
    fn comment(&self) -> Option<String> {
        str_of(&self.v, "comment")
    }

    fn __repr__(&self) -> String {
        format!(
            "WebhookDecision(iid={}, from_state={:?}, to_state={:?}, allowed={})",
            get(&self.v, "iid"),
            self.from_state().unwrap_or_default(),
            self.to_state().unwrap_or_default(),
            if self.allowed() { "True" } else { "False" }
        )
    }
});

/// REST parameters as a dict with all three keys.
pub(crate) fn rest_dict<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    let d = PyDict::new(py);
    for key in ["add_labels", "remove_labels", "state_event"] {
        d.set_item(key, str_of(v, key))?;
    }
    Ok(d.into_any())
}

/// `wf.decide_webhook(hook, stored)`: `stored` is the request as last stored (a `Request`, a
/// csops request dict or a GitLab issue), or the issue's label events.
pub(crate) fn decide_webhook(
    py: Python<'_>,
    wf: &core_wf::Workflow,
    hook: &Bound<'_, PyAny>,
    stored: &Bound<'_, PyAny>,
) -> PyResult<WebhookDecision> {
    let hook = match hook.cast::<IssueHook>() {
        Ok(h) => h.get().inner.clone(),
        Err(_) => core_gl::read_webhook_value(json_arg(hook, "hook")?)
            .map_err(|e| gitlab_error(py, &e))?,
    };
    let is_events = stored.cast::<PyList>().is_ok_and(|l| {
        l.is_empty()
            || l.iter().all(|e| {
                e.cast::<LabelEvent>().is_ok()
                    || e.cast::<PyDict>()
                        .is_ok_and(|d| d.contains("action").unwrap_or(false))
            })
    });
    let decision = if is_events {
        let events = events_arg(py, stored)?;
        core_gl::decide_webhook_with_events(wf, &hook, &events)
    } else {
        let req =
            request_arg(py, stored, wf.config(), "stored")?.map_err(|e| gitlab_error(py, &e))?;
        core_gl::decide_webhook(wf, &hook, &req)
    };
    decision
        .map(|d| WebhookDecision { v: value_of(&d) })
        .map_err(|e| gitlab_error(py, &e))
}

/// Columns of the report's tables (so that an empty table is a DataFrame with its columns).
const TABLES: [(&str, &[&str]); 6] = [
    ("by_state", &["state", "workstream", "count"]),
    (
        "load",
        &["assignee", "open_requests", "hours", "unweighted"],
    ),
    (
        "sla_breaches",
        &[
            "iid",
            "title",
            "state",
            "assignee",
            "kind",
            "since",
            "due",
            "overdue_hours",
        ],
    ),
    ("throughput", &["week", "completed", "closed"]),
    ("interrupts", &["milestone", "interrupts"]),
    ("anomalies", &["iid", "kind", "message"]),
];

/// The board report (SPEC §6): `.to_dict()`, and pandas DataFrames `.by_state`, `.load`,
/// `.sla_breaches`, `.throughput`, `.interrupts`, `.anomalies`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct BoardReport {
    v: Value,
}

impl BoardReport {
    fn frame<'py>(&self, py: Python<'py>, table: &str) -> PyResult<Bound<'py, PyAny>> {
        let columns = TABLES
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(&[][..], |(_, c)| *c);
        let rows = from_json(py, get(&self.v, table))?;
        let pd = py.import("pandas")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("columns", columns.to_vec())?;
        let frame = pd.getattr("DataFrame")?.call((rows,), Some(&kwargs))?;
        // Times as pandas timestamps (UTC), dates as dates.
        for col in ["since", "due"] {
            if columns.contains(&col) {
                let kw = PyDict::new(py);
                kw.set_item("utc", true)?;
                let converted = pd
                    .getattr("to_datetime")?
                    .call((frame.get_item(col)?,), Some(&kw))?;
                frame.set_item(col, converted)?;
            }
        }
        Ok(frame)
    }
}

json_backed!(BoardReport, "report", {
    /// The time it is as of.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        time_of(py, &self.v, "as_of")
    }

    /// Counts per state × workstream (DataFrame: state, workstream, count).
    #[getter]
    fn by_state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "by_state")
    }

    /// Load per assignee in hours (DataFrame: assignee, open_requests, hours, unweighted).
    #[getter]
    fn load<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "load")
    }

    /// SLA breaches, most overdue first (DataFrame).
    #[getter]
    fn sla_breaches<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "sla_breaches")
    }

    /// Requests finished per week (DataFrame: week, completed, closed).
    #[getter]
    fn throughput<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "throughput")
    }

    /// Interrupts per milestone (DataFrame).
    #[getter]
    fn interrupts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "interrupts")
    }

    /// Anomalies (DataFrame: iid, kind, message).
    #[getter]
    fn anomalies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, "anomalies")
    }

    /// Lead time: a dict `count`, `median_hours`, `p90_hours`.
    #[getter]
    fn lead_time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, get(&self.v, "lead_time"))
    }

    /// Cycle time: a dict `count`, `median_hours`, `p90_hours`.
    #[getter]
    fn cycle_time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, get(&self.v, "cycle_time"))
    }

    /// Open requests with no workstream.
    #[getter]
    fn unroutable(&self) -> Vec<u64> {
        get(&self.v, "unroutable")
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default()
    }

    fn __repr__(&self) -> String {
        format!(
            "BoardReport(as_of={}, requests={}, open={}, sla_breaches={}, anomalies={})",
            get(&self.v, "as_of"),
            get(&self.v, "requests"),
            get(&self.v, "open"),
            get(&self.v, "sla_breaches").as_array().map_or(0, Vec::len),
            get(&self.v, "anomalies").as_array().map_or(0, Vec::len)
        )
    }
});

fn default_workflow(workflow: Option<&Workflow>) -> core_wf::Workflow {
    workflow.map_or_else(
        || core_wf::Workflow::with_directory(Directory::new()),
        |w| w.inner.clone(),
    )
}

/// The board report over requests as of a time, a `BoardReport`. `requests`: a list of
/// `Request`s, csops request dicts or GitLab issues (dicts with `iid`), its JSON text, or a
/// `ReadIssues`. `as_of`: the time of the report, RFC 3339 text with a zone or an aware
/// `datetime` (see `help(csops)`, "Times"). `workflow`: the `csops.Workflow` whose rules and
/// SLAs apply (None: the default rules, an empty directory). `events`: optionally a dict from
/// iid (`{"7": [...]}` or `{7: [...]}`) to that issue's label events (GitLab's dicts), or its JSON
/// text, to reconstruct histories (for lead / cycle time, SLAs).
#[pyfunction]
#[pyo3(signature = (requests, as_of, workflow = None, events = None))]
pub(crate) fn board_report(
    py: Python<'_>,
    requests: &Bound<'_, PyAny>,
    as_of: &Bound<'_, PyAny>,
    workflow: Option<&Workflow>,
    events: Option<&Bound<'_, PyAny>>,
) -> PyResult<BoardReport> {
    let wf = default_workflow(workflow);
    let now = instant(as_of, "as_of")?;
    let mut reqs = Vec::new();
    let mut unloaded = Vec::new();
    let mut undecided = Vec::new();
    let items: Vec<Bound<'_, PyAny>> = if let Ok(read) = requests.cast::<ReadIssues>() {
        // Issues read before: their requests, and those that carry two workflow labels.
        let read = &read.get().inner;
        reqs.extend(read.requests.iter().cloned());
        undecided.extend(read.undecided.iter().cloned());
        Vec::new()
    } else if let Ok(s) = requests.cast::<PyString>() {
        let v: Value = serde_json::from_str(crate::text::str_of(s, "requests")?).map_err(|e| {
            input_error(
                py,
                "requests",
                format!("requests: {}", csops_core::reader_words(&e.to_string())),
            )
        })?;
        let list = from_json(py, &v)?;
        list.try_iter()?.collect::<PyResult<_>>()?
    } else {
        requests
            .try_iter()
            .map_err(|_| PyTypeError::new_err("argument 'requests': expected a list or JSON str"))?
            .collect::<PyResult<_>>()?
    };
    for (i, item) in items.iter().enumerate() {
        match request_arg(py, item, wf.config(), &format!("requests[{i}]"))? {
            Ok(r) => reqs.push(r),
            Err(GitlabError::Request {
                source: source @ core_wf::RequestError::Anomaly { .. },
                ..
            }) => unloaded.push(source),
            Err(e) => {
                return Err(input_error(
                    py,
                    &format!("requests[{i}]"),
                    format!("requests[{i}]: {e}"),
                ));
            }
        }
    }
    if let Some(events) = events {
        let map = json_arg(events, "events")?;
        let map =
            core_gl::read_label_events_by_issue_value(map).map_err(|e| gitlab_error(py, &e))?;
        for r in &mut reqs {
            if let Some(ev) = map.get(&r.id()) {
                *r = core_gl::reconstruct(&wf, r, ev)
                    .map_err(|e| gitlab_error(py, &e))?
                    .request;
            }
        }
    }
    let mut report = wf
        .board_report(&reqs, now)
        .map_err(|e| input_error(py, "as_of", e.to_string()))?;
    report.add_unloaded(&unloaded);
    report.add_undecided(&undecided);
    Ok(BoardReport {
        v: value_of(&report),
    })
}

/// A GitLab export audited (the batch dry run) with its board: `.summary`, `.issues`,
/// `.errors`, `.board`, `.violations` (a DataFrame of every violation).
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct AuditRun {
    v: Value,
}

json_backed!(AuditRun, "audit", {
    /// The figures: issues, label_events, steps, issues_with_violations, violations per rule,
    /// sla_breaches, errors.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, get(get(&self.v, "audit"), "summary"))
    }

    /// One dict per issue audited: iid, state, steps, violations, sla_breaches.
    #[getter]
    fn issues<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, get(get(&self.v, "audit"), "issues"))
    }

    /// The issues that could not be audited, and why.
    #[getter]
    fn errors<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(py, get(get(&self.v, "audit"), "errors"))
    }

    /// Every violation as a DataFrame (iid, rule, actor, at, step, message).
    #[getter]
    fn violations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mut rows = Vec::new();
        for issue in get(get(&self.v, "audit"), "issues")
            .as_array()
            .into_iter()
            .flatten()
        {
            for v in get(issue, "violations").as_array().into_iter().flatten() {
                let mut row = serde_json::Map::new();
                row.insert("iid".to_owned(), get(issue, "iid").clone());
                for k in ["rule", "actor", "at", "step", "message"] {
                    row.insert(k.to_owned(), get(v, k).clone());
                }
                rows.push(Value::Object(row));
            }
        }
        let pd = py.import("pandas")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item(
            "columns",
            vec!["iid", "rule", "actor", "at", "step", "message"],
        )?;
        let frame = pd
            .getattr("DataFrame")?
            .call((from_json(py, &Value::Array(rows))?,), Some(&kwargs))?;
        let kw = PyDict::new(py);
        kw.set_item("utc", true)?;
        let at = pd
            .getattr("to_datetime")?
            .call((frame.get_item("at")?,), Some(&kw))?;
        frame.set_item("at", at)?;
        Ok(frame)
    }

    /// The board as of the same time.
    #[getter]
    fn board(&self) -> BoardReport {
        BoardReport {
            v: get(&self.v, "board").clone(),
        }
    }

    fn __repr__(&self) -> String {
        let s = get(get(&self.v, "audit"), "summary");
        format!(
            "AuditRun(issues={}, issues_with_violations={}, errors={})",
            get(s, "issues"),
            get(s, "issues_with_violations"),
            get(s, "errors")
        )
    }
});

/// Audits a GitLab export at once and reports its board: an `AuditRun`. `issues`: a list of
/// REST issue objects (or its JSON text). `events`: a dict from iid (`{"7": [...]}` or `{7: [...]}`)
/// to that issue's resource label events (GitLab's dicts), or its JSON text, or None. `as_of`: the time of the audit, RFC 3339 text
/// with a zone or an aware `datetime` (see `help(csops)`, "Times"). `workflow`: the
/// `csops.Workflow` whose directory and rules judge the histories.
#[pyfunction]
#[pyo3(signature = (issues, events, as_of, workflow))]
pub(crate) fn gitlab_audit(
    py: Python<'_>,
    issues: &Bound<'_, PyAny>,
    events: Option<&Bound<'_, PyAny>>,
    as_of: &Bound<'_, PyAny>,
    workflow: &Workflow,
) -> PyResult<AuditRun> {
    let now = instant(as_of, "as_of")?;
    let issues = json_arg(issues, "issues")?;
    let events = events.map(|e| json_arg(e, "events")).transpose()?;
    core_gl::audit_export_value(&workflow.inner, issues, events, now)
        .map(|r| AuditRun { v: value_of(&r) })
        .map_err(|e| gitlab_error(py, &e))
}

/// Whether one issue's current state is consistent: a dict `iid`, `state`, `consistent`,
/// `anomalies`. `issue`: a REST issue object (a dict or JSON text). `workflow`: the
/// `csops.Workflow` whose configuration reads it (None: the default).
#[pyfunction]
#[pyo3(signature = (issue, workflow = None))]
pub(crate) fn gitlab_check_issue<'py>(
    py: Python<'py>,
    issue: &Bound<'py, PyAny>,
    workflow: Option<&Workflow>,
) -> PyResult<Bound<'py, PyAny>> {
    let wf = default_workflow(workflow);
    let value = json_arg(issue, "issue")?;
    let check = core_gl::check_issue_value(&wf, value).map_err(|e| gitlab_error(py, &e))?;
    from_json(py, &value_of(&check))
}
