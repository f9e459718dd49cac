//! The board report (SPEC §6) and the audit of a whole export.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::Value;

use csops_core::gitlab::{self as core_gl, GitlabError};
use csops_core::workflow as core_wf;

use crate::{Workflow, from_json, input_error, instant, json_arg};

use super::*;

/// The board report (SPEC §6): `.to_dict()`, and pandas DataFrames `.by_state`, `.load`,
/// `.sla_breaches`, `.throughput`, `.interrupts`, `.anomalies`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct BoardReport {
    pub(crate) v: Value,
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
    pub(crate) v: Value,
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
