//! Resource label events, and an issue's history rebuilt from them with what it broke.

use pyo3::prelude::*;
use pyo3::types::PyList;

use csops_core::gitlab::{self as core_gl};

use super::*;

/// One resource label event: who, when, which label (None when deleted since), add or remove.
///
/// `read_label_events` reads them from GitLab's JSON. `LabelEvent(user, at, label, action)`
/// makes one: `user` a username, `at` a time (RFC 3339 text with a zone or an aware
/// `datetime`; see `help(csops)`, "Times"), `label` a label name or None, `action` "add" or
/// "remove".
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(Clone, PartialEq)]
pub(crate) struct LabelEvent {
    pub(crate) inner: core_gl::LabelEvent,
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
            "LabelEvent(user={:?}, at={:?}, label={}, action={:?})",
            self.user(),
            self.inner.created_at.to_rfc3339(),
            // Python's None, not Rust's `Some(…)` (a deleted label has none).
            self.label().map_or("None".to_owned(), |l| format!("{l:?}")),
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
    let events = events_arg(py, events)?;
    Ok(events
        .into_iter()
        .map(|inner| LabelEvent { inner })
        .collect())
}

/// Events given as `LabelEvent`s, GitLab's dicts, or JSON text.
pub(crate) fn events_arg(
    _py: Python<'_>,
    events: &Bound<'_, PyAny>,
) -> PyResult<Vec<core_gl::LabelEvent>> {
    if let Ok(list) = events.cast::<PyList>()
        && !list.is_empty()
        && list.iter().all(|e| e.cast::<LabelEvent>().is_ok())
    {
        return list
            .iter()
            .map(|e| Ok(e.cast::<LabelEvent>()?.get().inner.clone()))
            .collect();
    }
    read_json_or_values(events, "events", core_gl::read_label_events, |de| {
        core_gl::read_label_events_from(de)
    })
}

/// One step that broke the process: `.rule`, `.actor`, `.at`, `.step`, `.message`, `.instead`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct Violation {
    pub(crate) inner: core_gl::Violation,
}

core_backed!(Violation, "violation", {
    /// The rule broken (`"skipped_peer_review"`, …).
    #[getter]
    fn rule(&self) -> &'static str {
        self.inner.rule.as_str()
    }

    /// Who (None for a closing, which label events do not show).
    #[getter]
    fn actor(&self) -> Option<&str> {
        self.inner.actor.as_deref()
    }

    /// When.
    #[getter]
    fn at<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_datetime(py, self.inner.at)
    }

    /// The position of the step in the reconstructed history, when it is one.
    #[getter]
    fn step(&self) -> Option<usize> {
        self.inner.step
    }

    /// In words.
    #[getter]
    fn message(&self) -> &str {
        &self.inner.message
    }

    /// For a move the table does not have or the actor may not make: the moves out of the
    /// same state that were open to them, as dicts (`command`, `from`, `to`; `[]` when none
    /// was); None for every other violation.
    #[getter]
    fn instead<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.instead)
    }

    fn __repr__(&self) -> String {
        format!(
            "Violation(rule={:?}, actor={:?}, at={:?}, message={:?})",
            self.rule(),
            self.actor(),
            self.inner
                .at
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            self.message()
        )
    }
});

/// The violations as Python objects.
pub(crate) fn violations(list: &[core_gl::Violation]) -> Vec<Violation> {
    list.iter()
        .map(|v| Violation { inner: v.clone() })
        .collect()
}

/// A request's history as its label events show it, and what broke the process. Unpacks as
/// `history, violations = ...`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct Reconstruction {
    pub(crate) inner: core_gl::Reconstruction,
}

core_backed!(Reconstruction, "reconstruction", {
    /// The request, its history replaced by the reconstructed one.
    #[getter]
    fn request(&self) -> Request {
        Request::from(self.inner.request.clone())
    }

    /// The reconstructed history: dicts (`at`, `actor`, `from`, `to`, `command`).
    #[getter]
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.history())
    }

    /// Every violation, in time order.
    #[getter]
    fn violations(&self) -> Vec<Violation> {
        violations(&self.inner.violations)
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

    fn __repr__(&self) -> String {
        format!(
            "Reconstruction(request={}, steps={}, violations={})",
            self.inner.request.id(),
            self.inner.history().len(),
            self.inner.violations.len()
        )
    }
});

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
    let req = request_arg(request, wf.config(), "request")?
        .map_err(|e| core_error_in(py, e, "request"))?;
    let events = events_arg(py, events)?;
    let rec = core_gl::reconstruct(wf, &req, &events).map_err(|e| core_error(py, e))?;
    Ok(Reconstruction { inner: rec })
}

/// Reconstructs many issues at once, read and audited on up to `threads` threads (default:
/// every core) with the GIL released. `issues`: GitLab REST issues as JSON text, as an export
/// or the API gives them; `events`: each issue's resource label events (a JSON array's text),
/// one per issue; `workflow`: the `csops.Workflow` whose directory and rules judge each step.
/// One answer per issue, in order: its `Reconstruction`, or the error of that issue alone as a
/// value (a `csops.InputError` keyed `[i].field`, or `events[i]` for events that are not JSON),
/// so that one bad issue does not stop the others.
#[pyfunction]
#[pyo3(signature = (issues, events, workflow, threads = None))]
pub(crate) fn gitlab_reconstruct_all(
    py: Python<'_>,
    issues: &Bound<'_, PyAny>,
    events: &Bound<'_, PyAny>,
    workflow: &Workflow,
    threads: Option<usize>,
) -> PyResult<Vec<Py<PyAny>>> {
    let issues = crate::text::borrowed_texts(issues, "issues")?;
    let events = crate::text::borrowed_texts(events, "events")?;
    if issues.len() != events.len() {
        return Err(input_error(
            py,
            "events",
            format!(
                "events: {} lists for {} issues (one per issue)",
                events.len(),
                issues.len()
            ),
        ));
    }
    let issue_texts = crate::text::strs_of(&issues, "issues")?;
    let event_texts = crate::text::strs_of(&events, "events")?;
    let work: Vec<(&str, &str)> = issue_texts.into_iter().zip(event_texts).collect();
    let threads = csops_core::threads::threads_for(threads);
    let wf = &workflow.inner;
    let done = py.detach(|| core_gl::reconstruct_issues_json(wf, &work, threads));
    // An issue's error is keyed by its position (`[5].title`); the whole of its events, which
    // do not read, as `events[5]`.
    done.into_iter()
        .enumerate()
        .map(|(i, r)| match r {
            Ok(inner) => Ok(Py::new(py, Reconstruction { inner })?.into_any()),
            Err(e) => Ok(core_error_in(py, e, &format!("events[{i}]"))
                .into_value(py)
                .into_any()),
        })
        .collect()
}
