//! `Transition`: what an accepted command tells the tracker to do.

use csops_core::workflow::{self as core_wf};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::*;

/// What an accepted command does, and what the tracker must do. It holds the core's
/// transition as returned (nothing is converted until an attribute is read).
///
/// `Workflow.apply` and `can_apply` make them. The constructor, `Transition(from_state, state,
/// add_labels, remove_labels, close, reopen, notifications)`, rebuilds one from its parts
/// (pickling uses it): two names of `csops.STATES`, two lists of label strings, two bools, and
/// the notifications as `(to, role, why)` string triples (`role`: "lead", "assignee",
/// "requester", "reviewer", ...; `why`: a command type).
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct Transition {
    pub(crate) inner: core_wf::Transition,
}

impl From<core_wf::Transition> for Transition {
    fn from(inner: core_wf::Transition) -> Transition {
        Transition { inner }
    }
}

/// A state given by name (`Transition(...)` when unpickling, the paths' arguments).
pub(crate) fn state_named(py: Python<'_>, name: &str) -> PyResult<State> {
    State::named(name).map_err(|e| core_error(py, e))
}

/// A notification's role, by the core's names ("lead", "assignee", ...).
pub(crate) fn role_named(py: Python<'_>, name: &str) -> PyResult<core_wf::Party> {
    name.parse::<core_wf::Party>()
        .map_err(|_| input_error(py, "notifications", format!("unknown role {name:?}")))
}

/// A notification's reason: a command type ("triage", ...).
pub(crate) fn command_named(py: Python<'_>, name: &str) -> PyResult<CommandKind> {
    name.parse::<CommandKind>().map_err(|_| {
        input_error(
            py,
            "notifications",
            format!("unknown command type {name:?}"),
        )
    })
}

#[pymethods]
impl Transition {
    #[new]
    #[pyo3(signature = (from_state, state, add_labels, remove_labels, close, reopen, notifications))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        from_state: text::Text<'_>,
        state: text::Text<'_>,
        add_labels: Vec<text::OwnedText>,
        remove_labels: Vec<text::OwnedText>,
        close: bool,
        reopen: bool,
        notifications: Vec<Bound<'_, PyAny>>,
    ) -> PyResult<Transition> {
        let owned = |v: Vec<text::OwnedText>| v.into_iter().map(String::from).collect();
        let notifications = notifications
            .into_iter()
            .map(|n| {
                let (to, role, why) = n
                    .extract::<(text::OwnedText, text::OwnedText, text::OwnedText)>()
                    .map_err(|e| {
                        input_error(
                            py,
                            "notifications",
                            format!("notifications: each is (to, role, why), three strings: {e}"),
                        )
                    })?;
                Ok(core_wf::Notification {
                    to: to.0.into(),
                    role: role_named(py, &role.0)?,
                    why: command_named(py, &why.0)?,
                })
            })
            .collect::<PyResult<_>>()?;
        Ok(Transition {
            inner: core_wf::Transition {
                from: state_named(py, &from_state)?,
                to: state_named(py, &state)?,
                add_labels: owned(add_labels),
                remove_labels: owned(remove_labels),
                close,
                reopen,
                notifications,
            },
        })
    }

    /// The state before the step.
    #[getter]
    #[allow(clippy::wrong_self_convention)] // Python's attribute name, not a conversion
    fn from_state(&self) -> &'static str {
        self.inner.from.as_str()
    }

    /// The state after the step.
    #[getter]
    fn state(&self) -> &'static str {
        self.inner.to.as_str()
    }

    /// Labels to add, in canonical spelling.
    #[getter]
    fn add_labels(&self) -> Vec<&str> {
        text::strs(&self.inner.add_labels)
    }

    /// Labels to remove, exactly as the request carries them.
    #[getter]
    fn remove_labels(&self) -> Vec<&str> {
        text::strs(&self.inner.remove_labels)
    }

    /// The issue must be closed.
    #[getter]
    fn close(&self) -> bool {
        self.inner.close
    }

    /// The issue must be reopened.
    #[getter]
    fn reopen(&self) -> bool {
        self.inner.reopen
    }

    /// The effects as GitLab's REST update parameters: a dict `add_labels`, `remove_labels`
    /// (comma-separated) and `state_event` ("close" / "reopen"), each None when not needed.
    #[getter]
    fn rest_params<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let p = csops_core::gitlab::RestParams::from(&self.inner);
        gitlab::rest_dict(py, &p)
    }

    /// Who to tell: dicts with `to`, `role` and `why`.
    #[getter]
    fn notifications<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for (to, role, why) in self.notes() {
            let d = PyDict::new(py);
            d.set_item("to", to)?;
            d.set_item("role", role)?;
            d.set_item("why", why)?;
            out.append(d)?;
        }
        Ok(out)
    }

    /// The transition as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("from_state", self.from_state())?;
        d.set_item("state", self.state())?;
        d.set_item("add_labels", self.add_labels())?;
        d.set_item("remove_labels", self.remove_labels())?;
        d.set_item("close", self.inner.close)?;
        d.set_item("reopen", self.inner.reopen)?;
        d.set_item("notifications", self.notifications(py)?)?;
        Ok(d)
    }

    fn __repr__(&self) -> String {
        format!(
            "Transition(from_state={:?}, state={:?}, add_labels={:?}, remove_labels={:?}, close={}, reopen={})",
            self.from_state(),
            self.state(),
            self.inner.add_labels,
            self.inner.remove_labels,
            if self.inner.close { "True" } else { "False" },
            if self.inner.reopen { "True" } else { "False" }
        )
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(
        Bound<'py, PyAny>,
        (
            &'static str,
            &'static str,
            Vec<&str>,
            Vec<&str>,
            bool,
            bool,
            Vec<(&str, &'static str, &'static str)>,
        ),
    )> {
        Ok((
            py.import("csops._csops")?.getattr("Transition")?,
            (
                self.from_state(),
                self.state(),
                self.add_labels(),
                self.remove_labels(),
                self.inner.close,
                self.inner.reopen,
                self.notes().collect(),
            ),
        ))
    }
}

impl Transition {
    /// (to, role, why) of each notification.
    fn notes(&self) -> impl Iterator<Item = (&str, &'static str, &'static str)> {
        self.inner
            .notifications
            .iter()
            .map(|n| (n.to.as_str(), <&'static str>::from(n.role), n.why.as_str()))
    }
}
