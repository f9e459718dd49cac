//! GitLab's JSON, the webhook decision, the history audit and the board report (SPEC §6–§7),
//! from Python. Conversions only: GitLab objects come in as dicts / lists or JSON text and go to
//! csops-core's readers; results are the core's own types behind typed read-only attributes, converted to
//! Python values when read (`to_dict` serializes them directly; they compare and pickle through
//! the core type's JSON).
//!
//! Here: the error conversion and the shared argument helpers; `issues` (REST issues),
//! `events` (label events, reconstruction), `webhook` (Issue Hook, decision), `board` (the
//! board report, the export's audit), `sync` (a live GitLab synced into an export folder).

use pyo3::prelude::*;

use csops_core::gitlab::{self as core_gl, GitlabError};
use csops_core::workflow as core_wf;
use csops_core::{Config, Directory};

use crate::*;

/// A request given as a `Request`, a csops request dict, or a GitLab REST issue (a dict with
/// `iid`), dicts also as JSON text.
pub(crate) fn request_arg(
    obj: &Bound<'_, PyAny>,
    cfg: &Config,
    name: &str,
) -> PyResult<Result<core_wf::Request, GitlabError>> {
    if let Ok(r) = obj.cast::<Request>() {
        return Ok(Ok(r.borrow().inner.clone()));
    }
    json_or_values(
        obj,
        de::Reader::json(name),
        |t| core_gl::request_from_json(t, cfg),
        |de| core_gl::request_from(de, cfg),
    )
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
mod sync;
mod webhook;

pub(crate) use board::*;
pub(crate) use events::*;
pub(crate) use issues::*;
pub(crate) use sync::*;
pub(crate) use webhook::*;
