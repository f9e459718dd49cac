//! The Issue Hook payload and the webhook decision (SPEC §7).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use csops_core::gitlab::{self as core_gl};
use csops_core::workflow as core_wf;

use super::*;

/// An Issue Hook payload: `.actor`, `.at`, `.iid`, `.labels`, `.previous_labels`,
/// `.current_labels`, `.assignees`, `.request`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct IssueHook {
    pub(crate) inner: core_gl::IssueHook,
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
            .map_err(|e| core_error(py, e))
    }

    /// The payload's fields read, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
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
            (serde_json::to_string(&self.inner).unwrap_or_default(),),
        ))
    }
}

/// Reads an Issue Hook payload as an `IssueHook`. `payload`: the webhook's body, a dict or
/// its JSON text; times in GitLab's webhook form (`2017-09-15 16:52:00 UTC`) or RFC 3339.
#[pyfunction]
pub(crate) fn gitlab_read_webhook(
    _py: Python<'_>,
    payload: &Bound<'_, PyAny>,
) -> PyResult<IssueHook> {
    read_json_or_values(payload, "payload", core_gl::read_webhook, |de| {
        core_gl::read_webhook_from(de)
    })
    .map(|inner| IssueHook { inner })
}

/// What a webhook service should do about an Issue Hook: `.allowed`, `.violations`,
/// `.rest_params`, `.comment`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct WebhookDecision {
    pub(crate) inner: core_gl::WebhookDecision,
}

core_backed!(WebhookDecision, "decision", {
    /// Whether the move was allowed (always, when nothing moved).
    #[getter]
    fn allowed(&self) -> bool {
        self.inner.allowed
    }

    /// Whether the change moved the workflow label.
    #[getter]
    fn moved(&self) -> bool {
        self.inner.moved
    }

    /// Whether the issue is a CS Ops request, before or after the change (False: nothing to do).
    #[getter]
    fn managed(&self) -> bool {
        self.inner.managed
    }

    /// What the issue holds after the change that breaks the process but is no label move
    /// (`invalid_weight`, …): dicts with `iid`, `kind`, `message`; reported, not undone.
    #[getter]
    fn anomalies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.anomalies)
    }

    /// The state before the change (named like `Transition.from_state`).
    #[getter]
    #[allow(clippy::wrong_self_convention)]
    fn from_state(&self) -> &'static str {
        self.inner.from.as_str()
    }

    /// The state the change moved to (named like `Transition.state` and `Request.state`).
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.to.as_str()
    }

    /// The command of the table the move is (None when the table has no such move).
    #[getter]
    fn command(&self) -> Option<&'static str> {
        self.inner.command.map(|c| c.as_str())
    }

    /// Who made the change.
    #[getter]
    fn actor(&self) -> &str {
        &self.inner.actor
    }

    /// What the move broke.
    #[getter]
    fn violations(&self) -> Vec<Violation> {
        violations(&self.inner.violations)
    }

    /// GitLab's REST update parameters: `add_labels`, `remove_labels` (comma-separated) and
    /// `state_event`, each None when there is nothing to send.
    #[getter]
    fn rest_params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        rest_dict(py, &self.inner.rest_params)
    }

    /// The comment for the issue, naming the rules broken (None when allowed).
    #[getter]
    fn comment(&self) -> Option<&str> {
        self.inner.comment.as_deref()
    }

    fn __repr__(&self) -> String {
        format!(
            "WebhookDecision(iid={}, from_state={:?}, state={:?}, allowed={})",
            self.inner.iid,
            self.from_state(),
            self.state(),
            if self.allowed() { "True" } else { "False" }
        )
    }
});

/// REST parameters as a dict with all three keys.
pub(crate) fn rest_dict<'py>(
    py: Python<'py>,
    params: &core_gl::RestParams,
) -> PyResult<Bound<'py, PyAny>> {
    let d = PyDict::new(py);
    d.set_item("add_labels", params.add_labels.as_deref())?;
    d.set_item("remove_labels", params.remove_labels.as_deref())?;
    d.set_item("state_event", params.state_event.as_deref())?;
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
        Err(_) => read_json_or_values(hook, "hook", core_gl::read_webhook, |de| {
            core_gl::read_webhook_from(de)
        })?,
    };
    // A list is the issue's label events; anything else the request as stored.
    let decision = if stored.cast::<PyList>().is_ok() {
        let events = events_arg(py, stored)?;
        core_gl::decide_webhook_with_events(wf, &hook, &events)
    } else {
        let req = request_arg(stored, wf.config(), "stored")?
            .map_err(|e| core_error_in(py, e, "stored"))?;
        core_gl::decide_webhook(wf, &hook, &req)
    };
    decision
        .map(|inner| WebhookDecision { inner })
        .map_err(|e| core_error(py, e))
}
