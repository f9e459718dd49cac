//! `Request`: one CS Ops request as the tracker holds it, and the argument that takes one.

use csops_core::workflow::{self as core_wf};
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::PyDict;

use crate::*;

/// A `Request` argument; anything else is a `TypeError` that says how to make one (a dict is
/// the usual mistake).
pub(crate) struct RequestArg<'py>(pub(crate) Bound<'py, Request>);

impl<'a, 'py> FromPyObject<'a, 'py> for RequestArg<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        match obj.cast::<Request>() {
            Ok(r) => Ok(RequestArg(r.to_owned())),
            Err(_) => Err(PyTypeError::new_err(format!(
                "expected a csops.Request, not {}: make one with csops.Request.from_dict({{...}}), Request.from_json(text) or Workflow.load_request(...)",
                obj.get_type().name()?
            ))),
        }
    }
}

/// One CS Ops request (issue): labels, people, weight, workstream, open/closed and history.
///
/// Make one with `Request.from_dict({...})` (the fields are listed there), `Request.from_json`,
/// `Workflow.load_request` or `csops.gitlab.read_issue`; `Workflow.apply` moves it. Its
/// workflow `state` comes from its labels. It converts back with `to_dict()` / `to_json()`,
/// compares by value, copies and pickles.
#[pyclass(module = "csops._csops")]
#[derive(Clone)]
pub(crate) struct Request {
    pub(crate) inner: core_wf::Request,
}

impl From<core_wf::Request> for Request {
    fn from(inner: core_wf::Request) -> Request {
        Request { inner }
    }
}

#[pymethods]
impl Request {
    /// A request from a dict (`to_dict()`'s output loads back). `data` holds:
    ///
    /// - `id` (int, required): the number (GitLab's `iid`);
    /// - `author` (str, required, non-empty): who asked, the requester;
    /// - `created_at` (required): when it was created, a time (see `help(csops)`, "Times");
    /// - `title` (str, default "") and `labels` (a list of str, as the tracker spells them,
    ///   aliases included: `["CSOps", "Gainsight", "CSOps::In_Process"]`; default none): the
    ///   labels give the state, and two workflow labels are an `InputError`;
    /// - optional: `change_kind` (`"gainsight_rule"`, `"gainsight_connector"`,
    ///   `"gainsight_data_object"`, `"report"`, `"dashboard"`, `"other"`, the default, or
    ///   `"unknown"`, as a request read from GitLab has it, whose `Gainsight*` labels then stand
    ///   for a Gainsight change; it sets the peer-review level), `assignee`, `assignees` (every assignee, the owner
    ///   first), `reviewer`, `weight` (1, 3, 5 or 7), `invalid_weight` (a tracker weight that
    ///   is none of those), `workstream` (a name of `csops.WORKSTREAMS`; absent: routed by the
    ///   labels; None: none), `milestone` (`{"title", "start_date", "due_date"}`, dates as
    ///   `"2026-01-05"`), `state` (`"open"` or `"closed"`; default: from the workflow state),
    ///   `closed_at`, `closed_by`, `managed_since` (when it gained the `CSOps` label, if after
    ///   its creation), `workflow_state` (a name of `csops.STATES`, which must agree with the
    ///   labels) and `history` (the steps so far, as `history` gives them).
    ///
    /// `config`: None (the default labels and routing), or a workflow configuration as
    /// `Workflow` takes it (a dict, JSON or TOML text), whose label aliases are used.
    #[staticmethod]
    #[pyo3(signature = (data, config = None))]
    fn from_dict(
        py: Python<'_>,
        data: &Bound<'_, PyAny>,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Request> {
        if data.cast::<PyDict>().is_err() {
            return Err(PyTypeError::new_err(format!(
                "argument 'data': expected dict, not {}",
                data.get_type()
            )));
        }
        let reader = de::Reader::json("data");
        let read = load_request(
            reader.de(data),
            config,
            core_wf::Request::read,
            core_wf::Request::read_with,
        )?;
        reader
            .finish(read, |e| core_error(py, e))
            .map(Request::from)
    }

    /// A request from JSON `text`: an object with the fields of `Request.from_dict` (what
    /// `to_json()` writes). `config`: as for `from_dict`.
    #[staticmethod]
    #[pyo3(signature = (text, config = None))]
    fn from_json(
        py: Python<'_>,
        text: text::Text<'_>,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Request> {
        load_request(
            &*text,
            config,
            core_wf::Request::from_json,
            core_wf::Request::from_json_with,
        )?
        .map(Request::from)
        .map_err(|e| core_error(py, e))
    }

    /// The request as a dict (loads back with `from_dict`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
    }

    /// The request as JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The number (GitLab's `iid`).
    #[getter]
    fn id(&self) -> u64 {
        self.inner.id()
    }
    /// The title ("" when none was given).
    #[getter]
    fn title(&self) -> &str {
        self.inner.title()
    }
    /// Who asked for it: the requester.
    #[getter]
    fn author(&self) -> &str {
        self.inner.author()
    }
    /// The workflow state, e.g. "InProcess".
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.state().as_str()
    }
    /// The labels, in order, spelled as the tracker carries them.
    #[getter]
    fn labels(&self) -> Vec<&str> {
        text::strs(self.inner.labels().as_slice())
    }
    /// Whether the issue is open on the tracker.
    #[getter]
    fn is_open(&self) -> bool {
        self.inner.is_open()
    }
    /// Who owns the work (the first assignee), or None.
    #[getter]
    fn assignee(&self) -> Option<&str> {
        self.inner.assignee()
    }
    /// Every assignee the tracker lists, the owner (`assignee`) first.
    #[getter]
    fn assignees(&self) -> Vec<&str> {
        self.inner.assignees().collect()
    }
    /// The peer reviewer, or None.
    #[getter]
    fn reviewer(&self) -> Option<&str> {
        self.inner.reviewer()
    }
    /// The weight, 1, 3, 5 or 7, or None when none is set.
    #[getter]
    fn weight(&self) -> Option<u8> {
        self.inner.weight().map(|w| w.value())
    }
    /// A weight the tracker holds that is not 1, 3, 5 or 7 (reported as `invalid_weight`).
    #[getter]
    fn invalid_weight(&self) -> Option<u64> {
        self.inner.invalid_weight()
    }
    /// Who closed it, when the tracker says.
    #[getter]
    fn closed_by(&self) -> Option<&str> {
        self.inner.closed_by()
    }
    /// When the issue became a CS Ops request (its creation, or later when it gained `CSOps`).
    #[getter]
    fn managed_since<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_datetime(py, self.inner.managed_since())
    }
    /// The workstream (a name of `csops.WORKSTREAMS`), given or routed from the labels; None
    /// when it has none.
    #[getter]
    fn workstream(&self) -> Option<&'static str> {
        self.inner.workstream().map(|w| w.as_str())
    }
    /// What the request changes ("gainsight_rule", "report", ..., "other", or "unknown" when
    /// read from a tracker), which sets its
    /// peer-review level.
    #[getter]
    fn change_kind(&self) -> &'static str {
        self.inner.change_kind().into()
    }
    /// When the issue was created, an aware `datetime` in UTC.
    #[getter]
    fn created_at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_datetime(py, self.inner.created_at())
    }
    /// When it was closed, an aware `datetime` in UTC, or None.
    #[getter]
    fn closed_at<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .closed_at()
            .map(|t| py_datetime(py, t))
            .transpose()
    }
    /// Every accepted step, oldest first, as dicts (`at`, `actor`, `from`, `to`, `command`).
    #[getter]
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.history())
    }

    fn __richcmp__(
        &self,
        other: &Bound<'_, PyAny>,
        op: CompareOp,
        py: Python<'_>,
    ) -> PyResult<Py<PyAny>> {
        let Ok(other) = other.cast::<Request>() else {
            return Ok(py.NotImplemented());
        };
        let eq = self.inner == other.borrow().inner;
        match op {
            CompareOp::Eq => eq.into_py_any(py),
            CompareOp::Ne => (!eq).into_py_any(py),
            _ => Ok(py.NotImplemented()),
        }
    }

    fn __repr__(&self) -> String {
        let r = &self.inner;
        format!(
            "Request(id={}, title={:?}, state={:?}, labels={:?}, assignee={}, open={})",
            r.id(),
            r.title(),
            r.state().as_str(),
            r.labels().as_slice(),
            r.assignee()
                .map_or_else(|| "None".to_owned(), |a| format!("{a:?}")),
            if r.is_open() { "True" } else { "False" }
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py
            .import("csops._csops")?
            .getattr("Request")?
            .getattr("from_json")?;
        Ok((from_json, (self.inner.to_json(),)))
    }

    fn __copy__(&self) -> Request {
        self.clone()
    }

    fn __deepcopy__(&self, _memo: &Bound<'_, PyAny>) -> Request {
        self.clone()
    }
}
