//! GitLab's JSON, the webhook decision, the history audit and the board report (SPEC §6–§7),
//! from Python. Conversions only: GitLab objects come in as dicts / lists or JSON text and go to
//! csops-core's readers; results are the core's serde structs, held as JSON values behind
//! read-only attributes (so that they compare, pickle and convert to dicts for free).
//!
//! Here: the error conversion and the shared argument helpers; `issues` (REST issues),
//! `events` (label events, reconstruction), `webhook` (Issue Hook, decision), `board` (the
//! board report, the export's audit).

use pyo3::prelude::*;
use serde_json::Value;

use csops_core::gitlab::{self as core_gl, GitlabError};
use csops_core::workflow as core_wf;
use csops_core::{Config, Directory};

use crate::{Request, Workflow, input_error, json_arg, py_datetime, request_error};

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

pub(crate) fn value_of<T: serde::Serialize + ?Sized>(x: &T) -> Value {
    serde_json::to_value(x).unwrap_or(Value::Null)
}

pub(crate) fn get<'a>(v: &'a Value, key: &str) -> &'a Value {
    v.get(key).unwrap_or(&Value::Null)
}

pub(crate) fn str_of(v: &Value, key: &str) -> Option<String> {
    get(v, key).as_str().map(str::to_owned)
}

/// A time field of a JSON record as an aware `datetime`.
pub(crate) fn time_of<'py>(py: Python<'py>, v: &Value, key: &str) -> PyResult<Bound<'py, PyAny>> {
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

/// A request given as a `Request`, a csops request dict, or a GitLab REST issue (a dict with
/// `iid`), dicts also as JSON text.
pub(crate) fn request_arg(
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

pub(crate) fn default_workflow(workflow: Option<&Workflow>) -> core_wf::Workflow {
    workflow.map_or_else(
        || core_wf::Workflow::with_directory(Directory::new()),
        |w| w.inner.clone(),
    )
}

mod board;
mod events;
mod issues;
mod webhook;

pub(crate) use board::*;
pub(crate) use events::*;
pub(crate) use issues::*;
pub(crate) use webhook::*;
