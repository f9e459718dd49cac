//! The board report (SPEC §6) and the audit of a whole export.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use csops_core::gitlab::{self as core_gl};
use csops_core::report as core_report;

use super::*;

/// The board report (SPEC §6): `.to_dict()`, and pandas DataFrames `.by_state`, `.load`,
/// `.sla_breaches`, `.throughput`, `.interrupts`, `.anomalies`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct BoardReport {
    pub(crate) inner: core_report::BoardReport,
}

/// A pandas DataFrame of `rows` (a list of dicts) with `columns`, so that an empty table has
/// its columns; the `times` columns as pandas timestamps (UTC).
pub(crate) fn frame<'py>(
    rows: Bound<'py, PyAny>,
    columns: &[&str],
    times: &[&str],
) -> PyResult<Bound<'py, PyAny>> {
    let py = rows.py();
    let pd = py.import("pandas")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("columns", columns.to_vec())?;
    let frame = pd.getattr("DataFrame")?.call((rows,), Some(&kwargs))?;
    for col in times {
        let kw = PyDict::new(py);
        kw.set_item("utc", true)?;
        let converted = pd
            .getattr("to_datetime")?
            .call((frame.get_item(*col)?,), Some(&kw))?;
        frame.set_item(*col, converted)?;
    }
    Ok(frame)
}

impl BoardReport {
    fn frame<'py, T: serde::Serialize>(
        &self,
        py: Python<'py>,
        rows: &[T],
        table: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let columns = TABLES
            .iter()
            .find(|(t, _)| *t == table)
            .map_or(&[][..], |(_, c)| *c);
        // Times as pandas timestamps (UTC).
        let times: Vec<&str> = ["since", "due"]
            .into_iter()
            .filter(|c| columns.contains(c))
            .collect();
        frame(to_py(py, rows)?, columns, &times)
    }
}

core_backed!(BoardReport, "report", {
    /// The time it is as of.
    #[getter]
    fn as_of<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_datetime(py, self.inner.as_of)
    }

    /// Counts per state × workstream (DataFrame: state, workstream, count).
    #[getter]
    fn by_state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, &self.inner.by_state, "by_state")
    }

    /// Load per assignee in hours (DataFrame: assignee, open_requests, hours, unweighted).
    #[getter]
    fn load<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, &self.inner.load, "load")
    }

    /// SLA breaches, most overdue first (DataFrame).
    #[getter]
    fn sla_breaches<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, &self.inner.sla_breaches, "sla_breaches")
    }

    /// Requests finished per week (DataFrame: week, completed, closed).
    #[getter]
    fn throughput<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, &self.inner.throughput, "throughput")
    }

    /// Interrupts per milestone (DataFrame).
    #[getter]
    fn interrupts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, &self.inner.interrupts, "interrupts")
    }

    /// Anomalies (DataFrame: iid, kind, message).
    #[getter]
    fn anomalies<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.frame(py, &self.inner.anomalies, "anomalies")
    }

    /// Lead time: a dict `count`, `median_hours`, `p90_hours`.
    #[getter]
    fn lead_time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.lead_time)
    }

    /// Cycle time: a dict `count`, `median_hours`, `p90_hours`.
    #[getter]
    fn cycle_time<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.cycle_time)
    }

    /// Open requests with no workstream.
    #[getter]
    fn unroutable(&self) -> Vec<u64> {
        self.inner.unroutable.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "BoardReport(as_of={:?}, requests={}, open={}, sla_breaches={}, anomalies={})",
            self.inner
                .as_of
                .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            self.inner.requests,
            self.inner.open,
            self.inner.sla_breaches.len(),
            self.inner.anomalies.len()
        )
    }
});

/// The board report over requests as of a time, a `BoardReport`. `requests`: a list of
/// `Request`s, csops request dicts or GitLab issues (dicts with `iid`), its JSON text, or a
/// `Issues`. `as_of`: the time of the report, RFC 3339 text with a zone or an aware
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
    let mut input = core_gl::BoardInput::default();
    if let Ok(read) = requests.cast::<Issues>() {
        input.extend_issues(&read.get().inner);
    } else if let Ok(s) = requests.cast::<PyString>() {
        input = core_gl::BoardInput::read_json(crate::text::str_of(s, "requests")?, wf.config())
            .map_err(|e| core_error(py, e))?;
    } else {
        let items = requests.try_iter().map_err(|_| {
            PyTypeError::new_err("argument 'requests': expected a list or JSON str")
        })?;
        for (i, item) in items.enumerate() {
            let name = format!("requests[{i}]");
            let read = request_arg(&item?, wf.config(), &name)?;
            input
                .push(read)
                .map_err(|e| input_error(py, &name, format!("{name}: {e}")))?;
        }
    }
    let events = events
        .map(|e| {
            read_json_or_values(e, "events", core_gl::read_label_events_by_issue, |de| {
                core_gl::read_label_events_by_issue_from(de)
            })
        })
        .transpose()?;
    let report = input
        .report(&wf, events.as_ref(), now)
        .map_err(|e| core_error(py, e))?;
    Ok(BoardReport { inner: report })
}

/// A GitLab export audited (the batch dry run) with its board: `.summary`, `.issues`,
/// `.errors`, `.board`, `.violations` (a DataFrame of every violation).
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct AuditRun {
    pub(crate) inner: core_gl::AuditRun,
}

/// A row of `AuditRun.violations`: the issue and one of its violations.
#[derive(serde::Serialize)]
struct ViolationRow<'a> {
    iid: u64,
    rule: core_gl::AuditRule,
    actor: Option<&'a str>,
    at: chrono::DateTime<chrono::Utc>,
    step: Option<usize>,
    message: &'a str,
}

core_backed!(AuditRun, "audit", {
    /// The figures: issues, label_events, steps, issues_with_violations, violations per rule,
    /// sla_breaches, errors.
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.audit.summary)
    }

    /// One dict per issue audited: iid, state, steps, violations, sla_breaches.
    #[getter]
    fn issues<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.audit.issues)
    }

    /// The issues that could not be audited, and why.
    #[getter]
    fn errors(&self) -> Vec<String> {
        self.inner.audit.errors.clone()
    }

    /// Every violation as a DataFrame (iid, rule, actor, at, step, message).
    #[getter]
    fn violations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows: Vec<ViolationRow<'_>> = self
            .inner
            .audit
            .issues
            .iter()
            .flat_map(|issue| {
                issue.violations.iter().map(|v| ViolationRow {
                    iid: issue.iid,
                    rule: v.rule,
                    actor: v.actor.as_deref(),
                    at: v.at,
                    step: v.step,
                    message: &v.message,
                })
            })
            .collect();
        frame(
            to_py(py, &rows)?,
            &["iid", "rule", "actor", "at", "step", "message"],
            &["at"],
        )
    }

    /// The cumulative flow diagram's counts as a DataFrame (day, state, requests): every
    /// state on every day of the default window, each day's requests as they stood at its end.
    #[getter]
    fn flow<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frame(
            to_py(py, &self.inner.flow.days)?,
            &["day", "state", "requests"],
            &[],
        )
    }

    /// The control chart's points as a DataFrame (iid, title, completed_at, cycle_hours,
    /// workstream): each request completed within the flow's window.
    #[getter]
    fn completions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frame(
            to_py(py, &self.inner.flow.completions)?,
            &["iid", "title", "completed_at", "cycle_hours", "workstream"],
            &["completed_at"],
        )
    }

    /// The control chart's lines: count, p50_hours, p85_hours, p95_hours.
    #[getter]
    fn cycle_limits<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.flow.cycle_time)
    }

    /// Each audited issue's page on GitLab (`web_url`), by iid.
    #[getter]
    fn web_urls(&self) -> std::collections::BTreeMap<u64, String> {
        self.inner.web_urls.clone()
    }

    /// The run as one self-contained HTML page (SPEC §6): the summary, the cumulative flow
    /// diagram, the control chart, throughput, SLA breaches, violations linked to their issues,
    /// load per person. `project` names what was audited in its title. It opens offline.
    #[pyo3(signature = (project = ""))]
    fn to_html(&self, project: &str) -> String {
        csops_pages::board_page(&self.inner, project)
    }

    /// The page, for a notebook (in a sandboxed frame: its style restyles nothing around it).
    fn _repr_html_(&self) -> String {
        csops_pages::embedded(&csops_pages::board_page(&self.inner, ""))
    }

    /// The board as of the same time.
    #[getter]
    fn board(&self) -> BoardReport {
        BoardReport {
            inner: self.inner.board.clone(),
        }
    }

    fn __repr__(&self) -> String {
        let s = &self.inner.audit.summary;
        format!(
            "AuditRun(issues={}, issues_with_violations={}, errors={})",
            s.issues, s.issues_with_violations, s.errors
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
    let wf = &workflow.inner;
    let issues = read_json_or_values(
        issues,
        "issues",
        |t| core_gl::read_issues(t, wf.config()),
        |de| core_gl::read_issues_from(de, wf.config()),
    )?;
    let events = events
        .map(|e| {
            read_json_or_values(e, "events", core_gl::read_label_events_by_issue, |de| {
                core_gl::read_label_events_by_issue_from(de)
            })
        })
        .transpose()?
        .unwrap_or_default();
    core_gl::audit_issues(wf, &issues, &events, now)
        .map(|mut inner| {
            // The reconstructed requests made the board; the run holds what it reports.
            inner.audit.requests = Vec::new();
            AuditRun { inner }
        })
        .map_err(|e| core_error(py, e))
}
