//! GitLab's REST issue objects read as requests, and one issue's consistency.

use pyo3::prelude::*;
use pyo3::types::PyList;

use csops_core::gitlab::{self as core_gl};

use super::*;

/// Issues read from a list: the requests in order, and what the bad entries were (each names
/// its position). Iterating gives the requests.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct Issues {
    pub(crate) inner: core_gl::Issues,
}

#[pymethods]
impl Issues {
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
        to_py(py, &self.inner.undecided)
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
            .cast::<Issues>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Issues({} requests, {} undecided, {} errors)",
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
    _py: Python<'_>,
    issue: &Bound<'_, PyAny>,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<Request> {
    let cfg = config_from(config)?;
    read_json_or_values(
        issue,
        "issue",
        |t| core_gl::read_issue(t, &cfg),
        |de| core_gl::read_issue_from(de, &cfg),
    )
    .map(Request::from)
}

/// Reads a list of REST issue objects (`GET /projects/:id/issues`): a `Issues`, where a bad
/// entry is reported in `.errors` and the rest read. `issues`: the list, or its JSON text.
/// `config`: as for `read_issue`.
#[pyfunction]
#[pyo3(signature = (issues, config = None))]
pub(crate) fn gitlab_read_issues(
    _py: Python<'_>,
    issues: &Bound<'_, PyAny>,
    config: Option<&Bound<'_, PyAny>>,
) -> PyResult<Issues> {
    let cfg = config_from(config)?;
    read_json_or_values(
        issues,
        "issues",
        |t| core_gl::read_issues(t, &cfg),
        |de| core_gl::read_issues_from(de, &cfg),
    )
    .map(|inner| Issues { inner })
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
    let check = read_json_or_values(
        issue,
        "issue",
        |t| core_gl::check_issue(&wf, t),
        |de| core_gl::check_issue_from(&wf, de),
    )?;
    to_py(py, &check)
}
