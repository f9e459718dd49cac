//! `Workflow`: the transition table applied to requests, with its configuration and directory.

use csops_core::workflow::{self as core_wf, Command};
use csops_core::{Config, Directory};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde::Deserialize;

use crate::*;

pub(crate) fn command(obj: &Bound<'_, PyAny>) -> PyResult<Command> {
    command_at(obj, "command")
}

/// A command (a dict or its JSON text) given as the argument `name`; errors are keyed from
/// `name` (`steps[3].command.weight`).
fn command_at(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Command> {
    let py = obj.py();
    let keyed = |e: csops_core::workflow::CommandError| {
        let key = match e.key.as_str() {
            "." => name.to_owned(),
            k => format!("{name}.{k}"),
        };
        input_error(py, &key, e.to_string())
    };
    if obj.cast::<PyDict>().is_ok() {
        let reader = de::Reader::new(name);
        let read = Command::read(reader.de(obj));
        reader.finish(read, keyed)
    } else if let Ok(s) = obj.cast::<PyString>() {
        Command::from_json(crate::text::str_of(s, name)?).map_err(keyed)
    } else {
        Err(PyTypeError::new_err(format!(
            "argument '{name}': expected dict or JSON str, not {}",
            obj.get_type()
        )))
    }
}

/// One step of `apply_many`: `(request, command, actor, at)`, converted.
fn stream_step(obj: &Bound<'_, PyAny>, i: usize) -> PyResult<core_wf::StreamStep<text::OwnedText>> {
    let py = obj.py();
    let name = format!("steps[{i}]");
    let (request, command, actor, at) = obj
        .extract::<(usize, Bound<'_, PyAny>, text::OwnedText, Bound<'_, PyAny>)>()
        .map_err(|e| {
            input_error(
                py,
                &name,
                format!("{name}: a step is a tuple (request index, command, actor, at): {e}"),
            )
        })?;
    Ok(core_wf::StreamStep {
        request,
        command: command_at(&command, &format!("{name}.command"))?,
        actor,
        at: instant(&at, &format!("{name}.at"))?,
    })
}

/// A request loaded with the default configuration (`config` None: its taxonomy compiled
/// once per process, not per request) or with the configuration given; `Err` is a bad
/// configuration, `Ok(Err(_))` the core's error about the request.
pub(crate) fn load_request<T>(
    input: T,
    config: Option<&Bound<'_, PyAny>>,
    default: impl FnOnce(T) -> Result<core_wf::Request, core_wf::RequestError>,
    with: impl FnOnce(T, &Config) -> Result<core_wf::Request, core_wf::RequestError>,
) -> PyResult<Result<core_wf::Request, core_wf::RequestError>> {
    Ok(match config.filter(|c| !c.is_none()) {
        None => default(input),
        Some(c) => with(input, &config_from(Some(c))?),
    })
}

/// The CS Ops request workflow: a directory of people and roles, a configuration, and the
/// transition table.
///
/// `Workflow(directory, config=None)`. `directory`: a dict (or its JSON text) from each person
/// to a list of role strings: `"cs_ops"`, `"gainsight_admin"`, `"workstream_lead:<workstream>"`
/// (a name of `csops.WORKSTREAMS`), e.g. `{"lena": ["workstream_lead:Gainsight"], "omar":
/// ["cs_ops"]}`. `config`: None (the default rules), a dict, or JSON or TOML text with any of
/// the sections `labels`, `routing`, `review` and `sla` (`Workflow(...).config` shows them all
/// with their defaults); a bad directory or configuration is a `ConfigError` whose `.key`
/// names the key.
///
/// `apply(request, command, actor=..., at=...)` moves a `Request`; the command dict is
/// described in the "Commands" section and the times `at` takes in the "Times" section of the
/// package's docs (`help(csops)`).
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct Workflow {
    pub(crate) inner: core_wf::Workflow,
}

#[pymethods]
impl Workflow {
    #[new]
    #[pyo3(signature = (directory, config = None))]
    fn new(
        py: Python<'_>,
        directory: &Bound<'_, PyAny>,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Workflow> {
        if directory.cast::<PyDict>().is_err() && directory.cast::<PyString>().is_err() {
            return Err(PyTypeError::new_err(format!(
                "argument 'directory': expected dict or JSON str, not {}",
                directory.get_type()
            )));
        }
        // A directory is configuration: a value of it that no JSON holds is a ConfigError too.
        let dir = json_or_values(
            directory,
            de::Reader::config("directory"),
            Directory::from_json,
            |de| Directory::read(de),
        )?
        .map_err(|e| core_error(py, e))?;
        let inner =
            core_wf::Workflow::new(dir, config_from(config)?).map_err(|e| core_error(py, e))?;
        Ok(Workflow { inner })
    }

    /// Applies a command to `request` (a `Request`, changed in place) and returns the
    /// `Transition`, or raises `TransitionRejected` and leaves the request unchanged.
    ///
    /// `command`: a dict such as `{"type": "triage", "workstream": "Gainsight"}`, or its JSON
    /// text; its `type` is one of `csops.COMMAND_TYPES`, and its fields are those of its type
    /// (see `help(csops)`, "Commands"). `actor`: the person acting, by their name in the
    /// directory. `at`: when, as RFC 3339 text with a zone (`"2026-01-06T10:00:00Z"`) or an
    /// aware `datetime`; naive datetimes are refused (see `help(csops)`, "Times").
    #[pyo3(signature = (request, command, *, actor, at))]
    fn apply(
        &self,
        py: Python<'_>,
        request: RequestArg<'_>,
        command: &Bound<'_, PyAny>,
        actor: text::Text<'_>,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<Transition> {
        let cmd = self::command(command)?;
        let at = instant(at, "at")?;
        let mut req = request.0.borrow_mut();
        self.inner
            .apply(&mut req.inner, cmd, &actor, at)
            .map(Transition::from)
            .map_err(|r| rejected(py, r))
    }

    /// Applies a stream of commands to `requests` (a list of `Request`, changed in place), in
    /// order, and returns one answer per step: the step's `Transition`, or its `Rejection` (the
    /// value `TransitionRejected` carries; the request unchanged). Nothing is raised for a
    /// rejected step, and nothing is converted until an answer's attribute is read.
    ///
    /// `steps`: an iterable of `(request, command, actor, at)` tuples: `request` the index of a
    /// request in `requests`, and `command`, `actor` and `at` as for `apply` (see
    /// `help(csops)`, "Commands" and "Times"). Every step is read, and every index checked,
    /// before any is applied: a bad step is an `InputError` keyed `steps[i]...` and changes
    /// nothing.
    #[pyo3(signature = (requests, steps))]
    fn apply_many<'py>(
        &self,
        py: Python<'py>,
        requests: Vec<Bound<'py, Request>>,
        steps: &Bound<'py, PyAny>,
    ) -> PyResult<Vec<Bound<'py, PyAny>>> {
        let steps = steps
            .try_iter()?
            .enumerate()
            .map(|(i, s)| stream_step(&s?, i))
            .collect::<PyResult<Vec<_>>>()?;
        let mut held = requests
            .iter()
            .enumerate()
            .map(|(i, r)| {
                r.try_borrow_mut().map_err(|_| {
                    input_error(
                        py,
                        &format!("requests[{i}]"),
                        format!("requests[{i}]: a request is listed once (it is already in use)"),
                    )
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let mut cores: Vec<&mut core_wf::Request> = held.iter_mut().map(|r| &mut r.inner).collect();
        let answers = self
            .inner
            .apply_all(&mut cores, steps)
            .map_err(|e| core_error(py, e))?;
        drop(cores);
        drop(held);
        answers
            .into_iter()
            .map(|a| match a {
                Ok(t) => Ok(Bound::new(py, Transition::from(t))?.into_any()),
                Err(r) => Ok(Bound::new(py, crate::errors::Rejection { inner: r })?.into_any()),
            })
            .collect()
    }

    /// The answer `apply` would give, without changing anything: the `Transition`, or
    /// `TransitionRejected`. `request`, `command`, `actor` and `at` are as for `apply` (see
    /// `help(csops)`, "Commands" and "Times").
    #[pyo3(signature = (request, command, *, actor, at))]
    fn can_apply(
        &self,
        py: Python<'_>,
        request: RequestArg<'_>,
        command: &Bound<'_, PyAny>,
        actor: text::Text<'_>,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<Transition> {
        let cmd = self::command(command)?;
        let at = instant(at, "at")?;
        self.inner
            .check(&request.0.borrow().inner, &cmd, &actor, at)
            .map(Transition::from)
            .map_err(|r| rejected(py, r))
    }

    /// Loads a request with this workflow's configuration (its labels read with this
    /// workflow's aliases). `data`: a request dict (the fields of `Request.from_dict`) or its
    /// JSON text.
    fn load_request(&self, data: &Bound<'_, PyAny>) -> PyResult<Request> {
        if data.cast::<PyDict>().is_err() && data.cast::<PyString>().is_err() {
            return Err(PyTypeError::new_err(format!(
                "argument 'data': expected dict or JSON str, not {}",
                data.get_type()
            )));
        }
        read_json_or_values(
            data,
            "data",
            |t| self.inner.load_request(t),
            |de| self.inner.load(de),
        )
        .map(Request::from)
    }

    /// Replays `history` from `initial` (a `Request`) and returns the resulting request:
    /// `history` is a list of steps as `Request.history` gives them (dicts with `at`, `actor`,
    /// `from`, `to` and `command`); a step that does not apply is an `InputError`.
    fn replay(
        &self,
        py: Python<'_>,
        initial: RequestArg<'_>,
        history: &Bound<'_, PyAny>,
    ) -> PyResult<Request> {
        let reader = de::Reader::json("history");
        let read = Vec::<core_wf::Step>::deserialize(reader.de(history));
        let steps = reader.finish(read, |e| {
            input_error(
                py,
                "history",
                format!(
                    "history is not a list of steps: {}",
                    csops_core::reader_words(&e.to_string())
                ),
            )
        })?;
        self.inner
            .replay(&initial.0.borrow().inner, &steps)
            .map(Request::from)
            .map_err(|e| input_error(py, "history", e.to_string()))
    }

    /// The SLA breaches of `request` at `now`: a list of dicts (`kind`, `since`, `due`,
    /// `overdue_by` in seconds). `now`: RFC 3339 text with a zone or an aware `datetime`
    /// (see `help(csops)`, "Times"), not before the request's last step.
    fn sla_breaches<'py>(
        &self,
        py: Python<'py>,
        request: RequestArg<'_>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = instant(now, "now")?;
        let breaches = self
            .inner
            .sla_breaches(&request.0.borrow().inner, now)
            .map_err(|e| input_error(py, "now", format!("now: {e}")))?;
        to_py(py, &breaches)
    }

    /// Decides an Issue Hook against the request as last stored: a `gitlab.WebhookDecision`.
    /// `hook`: the webhook payload (a dict, its JSON text, or an `IssueHook`). `stored`: the
    /// request before the change (a `Request`, a csops request dict or a GitLab REST issue
    /// dict), or the resource label events (a list of `gitlab.LabelEvent`s or of
    /// GitLab's event dicts), from which it is rebuilt.
    fn decide_webhook(
        &self,
        py: Python<'_>,
        hook: &Bound<'_, PyAny>,
        stored: &Bound<'_, PyAny>,
    ) -> PyResult<gitlab::WebhookDecision> {
        gitlab::decide_webhook(py, &self.inner, hook, stored)
    }

    /// What `actor` may do with `request` at `at` (SPEC §2 "What may this person do now?"):
    /// one dict per command the table offers from the request's state, in table order, by the
    /// same check as `apply`: `command`, `to` (the state it leads to), `open` (it would be
    /// accepted once it carries its `inputs`), `inputs` (what the command must carry: a
    /// question, a weight, an assignee, the checklist's items) and `unmet` (what stands in the
    /// way whatever it carries: who may, an approval, a required review), each a list of
    /// problems as `TransitionRejected.problems` gives them (`kind`, `rule`, `missing`).
    /// `actor` and `at` are as for `apply`.
    #[pyo3(signature = (request, *, actor, at))]
    fn choices<'py>(
        &self,
        py: Python<'py>,
        request: RequestArg<'_>,
        actor: text::Text<'_>,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = instant(at, "at")?;
        to_py(
            py,
            &self.inner.choices(&request.0.borrow().inner, &actor, at),
        )
    }

    /// The peer-review level of `request` (from its `change_kind`; for `"unknown"`, from its
    /// `Gainsight*` labels): "required", "recommended" or "optional".
    fn review_level(&self, request: RequestArg<'_>) -> &'static str {
        self.inner.review_level(&request.0.borrow().inner).into()
    }

    /// The configuration in use, as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.config())
    }

    /// The directory, as a dict of person -> list of roles.
    #[getter]
    fn directory<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.directory())
    }

    /// Pickles by its definition, the directory and the configuration (as JSON text, read back
    /// by the constructor), so that an engine such as Spark can ship a workflow to its workers.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String, String))> {
        let json = |v: serde_json::Result<String>| {
            v.map_err(|e| input_error(py, "workflow", format!("workflow: {e}")))
        };
        Ok((
            py.import("csops._csops")?.getattr("Workflow")?,
            (
                json(serde_json::to_string(self.inner.directory()))?,
                json(serde_json::to_string(self.inner.config()))?,
            ),
        ))
    }

    /// The transition table as a Mermaid `stateDiagram-v2`.
    fn to_mermaid(&self) -> String {
        csops_core::diagram::mermaid()
    }

    /// The transition table as Graphviz DOT.
    fn to_dot(&self) -> String {
        csops_core::diagram::dot()
    }

    fn __repr__(&self) -> String {
        format!(
            "Workflow(directory={})",
            serde_json::to_string(self.inner.directory()).unwrap_or_default()
        )
    }
}
