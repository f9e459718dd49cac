//! `csops._csops`: the Python binding of csops-core. It converts types and errors and nothing
//! else; every rule lives in csops-core. The public package is `csops` (python/csops), which
//! re-exports these names.

use chrono::{DateTime, SecondsFormat, Utc};
use pyo3::IntoPyObjectExt;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError};
use pyo3::prelude::*;
use pyo3::pyclass::CompareOp;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;
use strum_free::*;

mod arrays;
mod de;
mod gitlab;
mod health;
mod text;

use serde::Deserialize;

use csops_core::label::{self as core_label, Taxonomy};
use csops_core::workflow::{self as core_wf, Command};
use csops_core::{Config, Directory};

/// Names of enums as lists (kept in the module so that the Python mirrors can be checked).
mod strum_free {
    pub use csops_core::State;
    pub use csops_core::workflow::{CommandKind, RejectionKind};
}

create_exception!(
    csops,
    CsopsError,
    PyException,
    "The root of every error csops raises."
);
create_exception!(
    csops,
    LabelError,
    CsopsError,
    "A string that cannot be a label."
);
create_exception!(
    csops,
    ConfigError,
    CsopsError,
    "A configuration or directory that cannot be used; `.key` names the key."
);
create_exception!(
    csops,
    InputError,
    CsopsError,
    "Bad input: a request, command, weight, time or name that breaks a rule; `.key` names the input."
);
create_exception!(
    csops,
    TransitionRejected,
    CsopsError,
    "A command the workflow rejected: `.kind`, `.rule`, `.missing`, `.problems` (read from `args[0]`, a `Rejection`). The request is unchanged."
);

/// An error with attributes set on the exception instance (they pickle with it).
fn error_with(py: Python<'_>, err: PyErr, attrs: &[(&str, Bound<'_, PyAny>)]) -> PyErr {
    let value = err.value(py);
    for (name, v) in attrs {
        if let Err(e) = value.setattr(*name, v) {
            return e;
        }
    }
    err
}

/// An input error, its message and key bounded as the core's are (a binding-side conversion
/// echoes what serde echoes, and a key can be any dict key).
fn input_error(py: Python<'_>, key: &str, message: String) -> PyErr {
    let key = PyString::new(py, &csops_core::bounded_message(key.to_owned())).into_any();
    error_with(
        py,
        InputError::new_err(csops_core::bounded_message(message)),
        &[("key", key)],
    )
}

/// A `Request` argument; anything else is a `TypeError` that says how to make one (a dict is
/// the usual mistake).
struct RequestArg<'py>(Bound<'py, Request>);

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

fn config_error(py: Python<'_>, e: &csops_core::ConfigError) -> PyErr {
    let key = PyString::new(py, e.key()).into_any();
    error_with(py, ConfigError::new_err(e.to_string()), &[("key", key)])
}

fn directory_error(py: Python<'_>, e: &csops_core::directory::DirectoryError) -> PyErr {
    let key = PyString::new(py, "directory").into_any();
    error_with(py, ConfigError::new_err(e.to_string()), &[("key", key)])
}

fn request_error(py: Python<'_>, e: &core_wf::RequestError) -> PyErr {
    let key = match e {
        core_wf::RequestError::Json { key, .. } => key.clone(),
        core_wf::RequestError::Label { index, .. } => format!("labels[{index}]"),
        core_wf::RequestError::Anomaly { .. } => "labels".to_owned(),
        core_wf::RequestError::EmptyAuthor { .. } => "author".to_owned(),
        core_wf::RequestError::StateMismatch { .. } => "workflow_state".to_owned(),
        core_wf::RequestError::ClosedBeforeCreated { .. } => "closed_at".to_owned(),
        core_wf::RequestError::History { index, .. } => format!("history[{index}]"),
        core_wf::RequestError::Config(c) => return config_error(py, c),
    };
    input_error(py, &key, e.to_string())
}

fn weight_error(py: Python<'_>, e: &csops_core::weight::WeightError) -> PyErr {
    let kind = PyString::new(py, RejectionKind::from(e).as_str()).into_any();
    let key = PyString::new(py, "weight").into_any();
    error_with(
        py,
        InputError::new_err(e.to_string()),
        &[("key", key), ("kind", kind)],
    )
}

/// `TransitionRejected` carrying the core's rejection, moved (not copied) into a `Rejection`
/// object as the exception's only argument: the message (`str(e)`) and the attributes (`kind`,
/// `rule`, `missing`, `problems`, properties of the class) are made when they are read. A
/// stream of commands meets many rejections and reads few of them.
fn rejected(py: Python<'_>, r: core_wf::Rejection) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let payload = Bound::new(py, Rejection { inner: r })?;
        let err = py.get_type::<TransitionRejected>().call1((payload,))?;
        Ok(PyErr::from_value(err))
    };
    build().unwrap_or_else(|e| e)
}

/// Why a command was rejected: the argument of `TransitionRejected` (`e.args[0]`), whose
/// `kind`, `rule`, `missing` and `problems` the exception reads.
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(PartialEq)]
struct Rejection {
    inner: core_wf::Rejection,
}

#[pymethods]
impl Rejection {
    /// The first kind broken, a name of `csops.REJECTION_KINDS` ("not_permitted", ...).
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }

    /// The rule of the first problem, in words.
    #[getter]
    fn rule(&self) -> &str {
        &self.inner.rule
    }

    /// The missing inputs or checklist items of the rejection's kind ([] for other kinds).
    #[getter]
    fn missing(&self) -> Vec<String> {
        self.inner.missing.clone()
    }

    /// Every unmet requirement, in precedence order: dicts with `kind`, `rule` and `missing`
    /// (the input or checklist item, or None).
    #[getter]
    fn problems<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        use pyo3::intern;
        let problems = PyList::empty(py);
        for p in &self.inner.problems {
            let d = PyDict::new(py);
            d.set_item(intern!(py, "kind"), p.kind.as_str())?;
            d.set_item(intern!(py, "rule"), &p.rule)?;
            d.set_item(intern!(py, "missing"), &p.missing)?;
            problems.append(d)?;
        }
        Ok(problems)
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!("Rejection({:?})", self.inner.to_string())
    }

    /// The rejection from its JSON (what pickling stores).
    #[staticmethod]
    fn _from_json(py: Python<'_>, text: text::Text<'_>) -> PyResult<Rejection> {
        serde_json::from_str(&text)
            .map(|inner| Rejection { inner })
            .map_err(|e| input_error(py, "rejection", format!("not a rejection: {e}")))
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let text = serde_json::to_string(&self.inner)
            .map_err(|e| input_error(py, "rejection", e.to_string()))?;
        Ok((
            py.import("csops._csops")?
                .getattr("Rejection")?
                .getattr("_from_json")?,
            (text,),
        ))
    }
}

/// The attributes of `TransitionRejected`, read from its `Rejection` argument when asked for.
fn rejection_properties(py: Python<'_>) -> PyResult<()> {
    use pyo3::types::PyCFunction;
    let ty = py.get_type::<TransitionRejected>();
    let property = py.import("builtins")?.getattr("property")?;
    for (name, doc) in [
        (
            "kind",
            "Why the command was rejected: the first kind broken, in the precedence order of \
             `csops.REJECTION_KINDS` (\"unknown_person\", \"invalid_time\", \
             \"invalid_transition\", \"not_permitted\", \"missing_input\", ...).",
        ),
        (
            "rule",
            "The rule of the first problem, in words, naming what it needs.",
        ),
        (
            "missing",
            "What is missing, for the rejection's kind: the inputs of a `missing_input` \
             (\"question\", \"weight\") or the items of a `checklist_incomplete` \
             (\"handbook\", \"stakeholders\"); [] for the other kinds.",
        ),
        (
            "problems",
            "Every unmet requirement, in the precedence order of `kind`: dicts with `kind`, \
             `rule` and `missing` (the input or checklist item, or None).",
        ),
    ] {
        let getter = PyCFunction::new_closure(
            py,
            None,
            None,
            move |args: &Bound<'_, PyTuple>, _| -> PyResult<Py<PyAny>> {
                let exc = args.get_item(0)?;
                let payload = exc.getattr("args")?.get_item(0)?;
                if !payload.is_instance_of::<Rejection>() {
                    return Err(pyo3::exceptions::PyAttributeError::new_err(format!(
                        "this TransitionRejected was not raised by csops: it has no {name}"
                    )));
                }
                Ok(payload.getattr(name)?.unbind())
            },
        )?;
        ty.setattr(name, property.call1((getter, py.None(), py.None(), doc))?)?;
    }
    Ok(())
}

/// A Python value (dict, list, str, int, float, bool, None, aware datetime) as JSON. `name`
/// builds the input's name (`command.checklist`) only when an error needs it.
fn to_json(obj: &Bound<'_, PyAny>, name: &dyn Fn() -> String) -> PyResult<Value> {
    to_json_at(obj, name, 0)
}

/// A dict or list inside [`de::MAX_DEPTH`] others: an error naming the argument.
fn too_deep(obj: &Bound<'_, PyAny>, name: &dyn Fn() -> String, depth: usize) -> PyResult<()> {
    if depth < de::MAX_DEPTH {
        return Ok(());
    }
    let n = name();
    Err(input_error(
        obj.py(),
        &n,
        format!(
            "{n}: nested deeper than {} levels of dicts and lists",
            de::MAX_DEPTH
        ),
    ))
}

/// [`to_json`] of an object inside `depth` dicts and lists: past [`de::MAX_DEPTH`] an error
/// naming the argument, not a stack overflow.
fn to_json_at(obj: &Bound<'_, PyAny>, name: &dyn Fn() -> String, depth: usize) -> PyResult<Value> {
    if let Ok(s) = obj.cast::<PyString>() {
        Ok(Value::String(crate::text::str_of(s, &name())?.to_owned()))
    } else if let Ok(d) = obj.cast::<PyDict>() {
        too_deep(obj, name, depth)?;
        let mut map = serde_json::Map::with_capacity(d.len());
        for (k, v) in d.iter() {
            // An int key is written as its digits, as `json.dumps` writes it (`{7: [...]}`, the
            // events of issue 7, is `{"7": [...]}`).
            let key = if let Ok(key) = k.cast::<PyString>() {
                crate::text::str_of(key, &name())?.to_owned()
            } else if k.cast::<pyo3::types::PyInt>().is_ok() && !value_is_bool(&k) {
                k.str()?.to_string()
            } else {
                return Err(PyTypeError::new_err(csops_core::bounded_message(format!(
                    "{}: dict keys must be str or int, not {}",
                    name(),
                    k.get_type()
                ))));
            };
            let value = to_json_at(&v, &|| format!("{}.{key}", name()), depth + 1)?;
            if map.contains_key(&key) {
                // `{7: [...], "7": [...]}`: one would silently replace the other.
                return Err(input_error(
                    obj.py(),
                    &format!("{}.{key}", name()),
                    format!(
                        "{}: the key {key:?} is given twice (as an int and as text)",
                        name()
                    ),
                ));
            }
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    } else if obj.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = obj.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if let Ok(i) = obj.cast::<PyInt>() {
        match i.extract::<i64>() {
            Ok(v) => Ok(Value::from(v)),
            Err(_) => i.extract::<u64>().map(Value::from).map_err(|_| {
                let n = name();
                input_error(
                    obj.py(),
                    &n,
                    format!("{n}: integer {i} does not fit 64 bits"),
                )
            }),
        }
    } else if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| {
                let n = name();
                input_error(obj.py(), &n, format!("{n}: {v} is not a finite number"))
            })
    } else if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        too_deep(obj, name, depth)?;
        let mut out = Vec::new();
        for (i, item) in obj.try_iter()?.enumerate() {
            out.push(to_json_at(
                &item?,
                &|| format!("{}[{i}]", name()),
                depth + 1,
            )?);
        }
        Ok(Value::Array(out))
    } else if obj.hasattr("isoformat")? {
        Ok(Value::String(
            aware_datetime(obj, &name())?.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        ))
    } else {
        Err(PyTypeError::new_err(csops_core::bounded_message(format!(
            "{}: {} is not JSON-like (dict, list, str, int, float, bool, None or datetime)",
            name(),
            obj.get_type()
        ))))
    }
}

/// JSON as Python values.
fn from_json<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
    match v {
        Value::Null => Ok(py.None().into_bound(py)),
        Value::Bool(b) => b.into_bound_py_any(py),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_bound_py_any(py),
            (None, Some(u)) => u.into_bound_py_any(py),
            _ => n.as_f64().unwrap_or(f64::NAN).into_bound_py_any(py),
        },
        Value::String(s) => s.into_bound_py_any(py),
        Value::Array(a) => {
            let list = PyList::empty(py);
            for x in a {
                list.append(from_json(py, x)?)?;
            }
            Ok(list.into_any())
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, from_json(py, x)?)?;
            }
            Ok(d.into_any())
        }
    }
}

/// A JSON argument: text (parsed) or Python values (dict, list, …) as JSON.
fn json_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
    if let Ok(s) = obj.cast::<PyString>() {
        serde_json::from_str(crate::text::str_of(s, name)?).map_err(|e| {
            let words = csops_core::reader_words(&e.to_string());
            input_error(obj.py(), name, format!("{name}: {words}"))
        })
    } else {
        to_json(obj, &|| name.to_owned())
    }
}

/// A dict, or JSON text, as JSON.
fn dict_or_json(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
    if obj.cast::<PyString>().is_err() && obj.cast::<PyDict>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "argument '{name}': expected dict or JSON str, not {}",
            obj.get_type()
        )));
    }
    json_arg(obj, name)
}

/// A `datetime` whose tzinfo is `datetime.timezone.utc` (the usual case), read from its fields
/// through the datetime C API (no attribute lookups, no method call); `None` for any other
/// object or zone.
fn utc_fields(obj: &Bound<'_, PyAny>) -> PyResult<Option<DateTime<Utc>>> {
    use pyo3::types::{PyDateAccess, PyDateTime, PyTimeAccess, PyTzInfo, PyTzInfoAccess};
    let Ok(dt) = obj.cast::<PyDateTime>() else {
        return Ok(None);
    };
    // Another zone, or naive: the general path decides.
    let utc = PyTzInfo::utc(obj.py())?;
    if !dt.get_tzinfo().is_some_and(|tz| tz.is(&*utc)) {
        return Ok(None);
    }
    let date = chrono::NaiveDate::from_ymd_opt(
        dt.get_year(),
        u32::from(dt.get_month()),
        u32::from(dt.get_day()),
    );
    let time = chrono::NaiveTime::from_hms_micro_opt(
        u32::from(dt.get_hour()),
        u32::from(dt.get_minute()),
        u32::from(dt.get_second()),
        dt.get_microsecond(),
    );
    Ok(date.zip(time).map(|(d, t)| d.and_time(t).and_utc()))
}

/// An aware `datetime` as UTC, from its POSIX timestamp rounded to the microsecond (a
/// `datetime` holds no finer time); both calls are C-level on `datetime`.
pub(crate) fn aware_datetime(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<DateTime<Utc>> {
    match utc_fields(obj)? {
        Some(t) => Ok(t),
        None => offset_datetime(obj, name),
    }
}

/// A `datetime` that `utc_fields` did not read: any zone, through its offset and timestamp.
fn offset_datetime(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<DateTime<Utc>> {
    if obj.call_method0("utcoffset")?.is_none() {
        return Err(input_error(
            obj.py(),
            name,
            format!("{name} must be timezone-aware (naive datetimes have no instant)"),
        ));
    }
    let seconds: f64 = obj.call_method0("timestamp")?.extract()?;
    let micros = (seconds * 1e6).round();
    DateTime::from_timestamp_micros(micros as i64)
        .filter(|_| micros.is_finite())
        .ok_or_else(|| {
            input_error(
                obj.py(),
                name,
                format!("{name}: {seconds} s is out of range"),
            )
        })
}

/// `at`: RFC 3339 text or an aware `datetime`.
fn instant(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<DateTime<Utc>> {
    if let Ok(s) = obj.cast::<PyString>() {
        let s = crate::text::str_of(s, name)?;
        csops_core::sla::parse_time(s)
            .map_err(|e| input_error(obj.py(), name, format!("{name}: {e}")))
    } else if let Some(t) = utc_fields(obj)? {
        Ok(t)
    } else if obj.hasattr("utcoffset")? && obj.hasattr("isoformat")? {
        offset_datetime(obj, name)
    } else {
        Err(PyTypeError::new_err(format!(
            "argument '{name}': expected str (RFC 3339) or datetime, not {}",
            obj.get_type()
        )))
    }
}

fn py_datetime<'py>(py: Python<'py>, t: DateTime<Utc>) -> PyResult<Bound<'py, PyAny>> {
    py.import("datetime")?.getattr("datetime")?.call_method1(
        "fromisoformat",
        (t.to_rfc3339_opts(SecondsFormat::AutoSi, false),),
    )
}

fn command(obj: &Bound<'_, PyAny>) -> PyResult<Command> {
    // One pass from the dict; a failure is read again through JSON, which names the key.
    if obj.cast::<PyDict>().is_ok()
        && let Ok(c) = Command::deserialize(de::PyDe::new(obj))
    {
        return Ok(c);
    }
    let value = dict_or_json(obj, "command")?;
    Command::from_value(value).map_err(|e| {
        let key = match e.key.as_str() {
            "." => "command".to_owned(),
            k => format!("command.{k}"),
        };
        input_error(obj.py(), &key, e.to_string())
    })
}

fn config_from(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Config> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Config::default());
    };
    let py = obj.py();
    let loaded = if let Ok(s) = obj.cast::<PyString>() {
        let text = crate::text::str_of(s, "config")?;
        if text.trim_start().starts_with('{') {
            Config::from_json(text)
        } else {
            Config::from_toml(text)
        }
    } else if obj.cast::<PyDict>().is_ok() {
        Config::from_json(&to_json(obj, &|| "config".to_owned())?.to_string())
    } else {
        return Err(PyTypeError::new_err(format!(
            "argument 'config': expected dict, JSON or TOML str, or None, not {}",
            obj.get_type()
        )));
    };
    loaded.map_err(|e| config_error(py, &e))
}

/// A request loaded with the default configuration (`config` None: its taxonomy compiled
/// once per process, not per request) or with the configuration given.
fn load_request<T>(
    py: Python<'_>,
    input: T,
    config: Option<&Bound<'_, PyAny>>,
    default: impl FnOnce(T) -> Result<core_wf::Request, core_wf::RequestError>,
    with: impl FnOnce(T, &Config) -> Result<core_wf::Request, core_wf::RequestError>,
) -> PyResult<Request> {
    let loaded = match config.filter(|c| !c.is_none()) {
        None => default(input),
        Some(c) => with(input, &config_from(Some(c))?),
    };
    loaded.map(Request::from).map_err(|e| request_error(py, &e))
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
struct Workflow {
    inner: core_wf::Workflow,
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
        let value = match dict_or_json(directory, "directory") {
            Ok(v) => v,
            Err(e) if e.is_instance_of::<InputError>(py) => {
                let message = e.value(py).str()?.to_string();
                return Err(error_with(
                    py,
                    ConfigError::new_err(message),
                    &[("key", PyString::new(py, "directory").into_any())],
                ));
            }
            Err(e) => return Err(e),
        };
        let map: std::collections::BTreeMap<String, Vec<String>> = serde_json::from_value(value)
            .map_err(|e| {
                error_with(
                    py,
                    ConfigError::new_err(csops_core::bounded_message(format!(
                        "directory must map each person to a list of role strings: {}",
                        csops_core::reader_words(&e.to_string())
                    ))),
                    &[("key", PyString::new(py, "directory").into_any())],
                )
            })?;
        let dir = Directory::from_role_names(map).map_err(|e| directory_error(py, &e))?;
        let inner =
            core_wf::Workflow::new(dir, config_from(config)?).map_err(|e| config_error(py, &e))?;
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
    fn load_request(&self, py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Request> {
        let value = dict_or_json(data, "data")?;
        self.inner
            .load_value(value)
            .map(Request::from)
            .map_err(|e| request_error(py, &e))
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
        let steps: Vec<core_wf::Step> =
            serde_json::from_value(to_json(history, &|| "history".to_owned())?).map_err(|e| {
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
        from_json(py, &serde_json::to_value(breaches).unwrap_or(Value::Null))
    }

    /// Decides an Issue Hook against the request as last stored: a `gitlab.WebhookDecision`.
    /// `hook`: the webhook payload (a dict, its JSON text, or an `IssueHook`). `stored`: the
    /// request before the change (a `Request`, a csops request dict or a GitLab REST issue
    /// dict), or the issue's resource label events (a list of `gitlab.LabelEvent`s or of
    /// GitLab's event dicts), from which it is rebuilt.
    fn decide_webhook(
        &self,
        py: Python<'_>,
        hook: &Bound<'_, PyAny>,
        stored: &Bound<'_, PyAny>,
    ) -> PyResult<gitlab::WebhookDecision> {
        gitlab::decide_webhook(py, &self.inner, hook, stored)
    }

    /// The peer-review level of `request` (from its `change_kind`): "required",
    /// "recommended" or "optional".
    fn review_level(&self, request: RequestArg<'_>) -> &'static str {
        self.inner.review_level(&request.0.borrow().inner).into()
    }

    /// The configuration in use, as a dict.
    #[getter]
    fn config<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_value(self.inner.config()).unwrap_or(Value::Null),
        )
    }

    /// The directory, as a dict of person -> list of roles.
    #[getter]
    fn directory<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_value(self.inner.directory()).unwrap_or(Value::Null),
        )
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

/// One CS Ops request (issue): labels, people, weight, workstream, open/closed and history.
///
/// Make one with `Request.from_dict({...})` (the fields are listed there), `Request.from_json`,
/// `Workflow.load_request` or `csops.gitlab.read_issue`; `Workflow.apply` moves it. Its
/// workflow `state` comes from its labels. It converts back with `to_dict()` / `to_json()`,
/// compares by value, copies and pickles.
#[pyclass(module = "csops._csops")]
#[derive(Clone)]
struct Request {
    inner: core_wf::Request,
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
    /// - `id` (int, required): the issue's number (GitLab's `iid`);
    /// - `author` (str, required, non-empty): who asked, the requester;
    /// - `created_at` (required): when it was created, a time (see `help(csops)`, "Times");
    /// - `title` (str, default "") and `labels` (a list of str, as the tracker spells them,
    ///   aliases included: `["CSOps", "Gainsight", "CSOps::In_Process"]`; default none): the
    ///   labels give the state, and two workflow labels are an `InputError`;
    /// - optional: `change_kind` (`"gainsight_rule"`, `"gainsight_connector"`,
    ///   `"gainsight_data_object"`, `"report"`, `"dashboard"` or `"other"`, the default; it
    ///   sets the peer-review level), `assignee`, `assignees` (every assignee, the owner
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
        let value = to_json(data, &|| "data".to_owned())?;
        load_request(
            py,
            value,
            config,
            core_wf::Request::from_value,
            core_wf::Request::from_value_with,
        )
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
            py,
            &*text,
            config,
            core_wf::Request::from_json,
            core_wf::Request::from_json_with,
        )
    }

    /// The request as a dict (loads back with `from_dict`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_value(&self.inner).unwrap_or(Value::Null),
        )
    }

    /// The request as JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The issue's number (GitLab's `iid`).
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
    fn labels(&self) -> Vec<String> {
        self.inner.labels().as_slice().to_vec()
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
    /// What the request changes ("gainsight_rule", "report", ..., "other"), which sets its
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
        from_json(
            py,
            &serde_json::to_value(self.inner.history()).unwrap_or(Value::Null),
        )
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
struct Transition {
    inner: core_wf::Transition,
}

impl From<core_wf::Transition> for Transition {
    fn from(inner: core_wf::Transition) -> Transition {
        Transition { inner }
    }
}

/// A state given by name to `Transition(...)` (unpickling).
fn state_named(py: Python<'_>, name: &str) -> PyResult<State> {
    name.parse::<State>().map_err(|_| {
        input_error(
            py,
            "state",
            format!(
                "unknown state {name:?}: expected one of {:?}",
                state_names()
            ),
        )
    })
}

fn state_names() -> Vec<&'static str> {
    use strum::VariantArray;
    State::VARIANTS.iter().map(|s| s.as_str()).collect()
}

/// A notification's role, by the core's names ("lead", "assignee", ...).
fn role_named(py: Python<'_>, name: &str) -> PyResult<core_wf::Party> {
    name.parse::<core_wf::Party>()
        .map_err(|_| input_error(py, "notifications", format!("unknown role {name:?}")))
}

/// A notification's reason: a command type ("triage", ...).
fn command_named(py: Python<'_>, name: &str) -> PyResult<CommandKind> {
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
                    to: to.0,
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
    fn add_labels(&self) -> Vec<String> {
        self.inner.add_labels.clone()
    }

    /// Labels to remove, exactly as the request carries them.
    #[getter]
    fn remove_labels(&self) -> Vec<String> {
        self.inner.remove_labels.clone()
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
        gitlab::rest_dict(py, &serde_json::to_value(p).unwrap_or(Value::Null))
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
        d.set_item("add_labels", &self.inner.add_labels)?;
        d.set_item("remove_labels", &self.inner.remove_labels)?;
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
            Vec<String>,
            Vec<String>,
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
                self.inner.add_labels.clone(),
                self.inner.remove_labels.clone(),
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

/// One parsed label: its text, canonical spelling, workflow state, GitLab scope and family.
///
/// `Label(text)` (or `Label.parse(text)`) reads a label as a tracker spells it, with the
/// default taxonomy: workflow labels in any of their aliases and spellings
/// (`"CS Ops::Awaiting Feedback"`), team and request-source labels, and any other label,
/// kept verbatim. Text that cannot be a label (empty, or only whitespace and `::`) is a
/// `LabelError` whose `.label` is the text.
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(Clone, PartialEq)]
struct Label {
    /// The label exactly as given.
    #[pyo3(get)]
    text: String,
    /// The canonical spelling ("CSOps::Awaiting Feedback" for "CS Ops::Awaiting Feedback");
    /// the text itself for a label that has no other spelling.
    #[pyo3(get)]
    canonical: String,
    state: Option<&'static str>,
    /// GitLab's scope: the text before the last `::` ("CS Ops"), or None for an unscoped
    /// label.
    #[pyo3(get)]
    scope: Option<String>,
    /// Which kind of label it is: "workflow" (names a state), "unknown_workflow" (of the
    /// workflow scope but naming no state, such as "CSOps::Doing"), "team" (a team or system
    /// label such as "Gainsight"), "source" (a request source such as "CSOps - CSM") or
    /// "other" (any other label, kept verbatim).
    #[pyo3(get)]
    family: &'static str,
}

fn label_of(py: Python<'_>, text: &str, taxonomy: &Taxonomy) -> PyResult<Label> {
    let l = taxonomy.parse(text).map_err(|e| {
        error_with(
            py,
            LabelError::new_err(e.to_string()),
            &[("label", PyString::new(py, text).into_any())],
        )
    })?;
    Ok(Label {
        text: l.as_str().to_owned(),
        canonical: l.canonical().to_owned(),
        state: l.state().map(|s| s.as_str()),
        scope: l.scope().map(str::to_owned),
        family: l.family().into(),
    })
}

#[pymethods]
impl Label {
    #[new]
    fn new(py: Python<'_>, text: text::Text<'_>) -> PyResult<Label> {
        label_of(py, &text, Taxonomy::default_ref())
    }

    /// Parses a label with the default taxonomy, as `Label(text)` does: `text` is a label as
    /// the tracker spells it; text that cannot be a label is a `LabelError`.
    #[staticmethod]
    fn parse(py: Python<'_>, text: text::Text<'_>) -> PyResult<Label> {
        label_of(py, &text, Taxonomy::default_ref())
    }

    /// The workflow state the label names ("InProcess"), or None.
    #[getter]
    fn state(&self) -> Option<&'static str> {
        self.state
    }

    fn __repr__(&self) -> String {
        format!("Label.parse({:?})", self.text)
    }

    fn __str__(&self) -> String {
        self.text.clone()
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.text.hash(&mut h);
        h.finish()
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            py.import("csops._csops")?.getattr("Label")?,
            (self.text.clone(),),
        ))
    }
}

/// A set of labels with GitLab's scoped-label semantics: adding `scope::value` replaces any
/// other label of that scope.
///
/// `LabelSet(labels=[])`: `labels` is a list of label strings, kept in order; an empty or
/// blank one is a `LabelError`. `in`, `len()` and iteration work on the label strings.
#[pyclass(module = "csops._csops", eq)]
#[derive(Clone, PartialEq)]
struct LabelSet {
    inner: core_label::LabelSet,
}

#[pymethods]
impl LabelSet {
    #[new]
    #[pyo3(signature = (labels = Vec::new()))]
    fn new(py: Python<'_>, labels: Vec<text::OwnedText>) -> PyResult<LabelSet> {
        let inner = core_label::LabelSet::from_iter(labels.into_iter().map(String::from));
        inner
            .validate()
            .map_err(|e| error_with(py, LabelError::new_err(e.to_string()), &[]))?;
        Ok(LabelSet { inner })
    }

    /// Adds `label` (a label string); returns the labels it displaced (those of the same
    /// scope).
    fn add(&mut self, py: Python<'_>, label: text::Text<'_>) -> PyResult<Vec<String>> {
        if core_label::is_blank(&label) {
            return Err(LabelError::new_err(
                core_label::LabelError::Empty {
                    input: label.to_owned(),
                }
                .to_string(),
            ))
            .map_err(|e: PyErr| {
                error_with(py, e, &[("label", PyString::new(py, &label).into_any())])
            });
        }
        Ok(self.inner.add(&label))
    }

    /// Removes `label` (matched by its exact spelling); returns whether it was there.
    fn remove(&mut self, label: text::Text<'_>) -> bool {
        self.inner.remove(&label)
    }

    /// The labels, in order.
    #[getter]
    fn labels(&self) -> Vec<String> {
        self.inner.as_slice().to_vec()
    }

    fn __contains__(&self, label: text::Text<'_>) -> bool {
        self.inner.contains(&label)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        PyList::new(py, self.inner.as_slice())?
            .into_any()
            .try_iter()
            .map(Bound::into_any)
    }

    fn __repr__(&self) -> String {
        format!("LabelSet({:?})", self.inner.as_slice())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (Vec<String>,))> {
        Ok((
            py.import("csops._csops")?.getattr("LabelSet")?,
            (self.inner.as_slice().to_vec(),),
        ))
    }
}

/// An issue weight: 1, 3, 5 or 7 (SPEC §3), each the upper bound in hours of the work.
///
/// `Weight(value)`: `value` is an int, 1, 3, 5 or 7; another int is an `InputError` (its
/// `.kind` is "invalid_weight"), any other type a `TypeError`. Weights compare, hash and
/// convert with `int()`; `weight_for_hours` turns an estimate into one.
#[pyclass(module = "csops._csops", frozen, eq, ord, hash)]
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Weight {
    inner: csops_core::Weight,
}

#[pymethods]
impl Weight {
    #[new]
    fn new(py: Python<'_>, value: &Bound<'_, PyAny>) -> PyResult<Weight> {
        if value.cast::<PyBool>().is_ok() || value.cast::<PyInt>().is_err() {
            return Err(PyTypeError::new_err(format!(
                "argument 'value': expected int, not {}",
                value.get_type()
            )));
        }
        let v: i64 = value.extract().map_err(|_| {
            input_error(
                py,
                "weight",
                format!("weight {value} is not one of 1, 3, 5, 7"),
            )
        })?;
        csops_core::Weight::try_from(v)
            .map(|inner| Weight { inner })
            .map_err(|e| weight_error(py, &e))
    }

    /// The weight as an int.
    #[getter]
    fn value(&self) -> u8 {
        self.inner.value()
    }

    /// The upper edge of its range in hours.
    #[getter]
    fn max_hours(&self) -> u32 {
        self.inner.max_hours()
    }

    fn __int__(&self) -> u8 {
        self.inner.value()
    }

    fn __repr__(&self) -> String {
        format!("Weight({})", self.inner.value())
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (u8,))> {
        Ok((
            py.import("csops._csops")?.getattr("Weight")?,
            (self.inner.value(),),
        ))
    }
}

/// The smallest weight (1, 3, 5, 7) whose range holds an estimate in hours, as an int.
/// `hours`: a number above 0; more than 7 hours is an `InputError` of `.kind` "needs_epic"
/// (make it an epic), 0 or less an `InputError` of `.kind` "invalid_weight".
#[pyfunction]
fn weight_for_hours(py: Python<'_>, hours: &Bound<'_, PyAny>) -> PyResult<u8> {
    if value_is_bool(hours) {
        return Err(PyTypeError::new_err(
            "argument 'hours': expected a number, not bool",
        ));
    }
    let h: f64 = hours.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "argument 'hours': expected a number, not {}",
            hours.get_type()
        ))
    })?;
    csops_core::weight::weight_for_hours(h)
        .map(|w| w.value())
        .map_err(|e| weight_error(py, &e))
}

fn value_is_bool(v: &Bound<'_, PyAny>) -> bool {
    v.cast::<PyBool>().is_ok()
}

fn metrics_error(py: Python<'_>, e: &csops_core::metrics::MetricsError) -> PyErr {
    use csops_core::metrics::MetricsError as M;
    let key = match e {
        M::Empty { input, .. } => (*input).to_owned(),
        M::OutOfRange { input, .. } => input.clone(),
        M::Inconsistent { metric, .. } => (*metric).to_owned(),
        M::Missing { missing, .. } => {
            // The other call form too: the per-account lists need no components.
            let key = missing.first().copied().unwrap_or("start_arr");
            return input_error(
                py,
                key,
                format!("{e}; or the per-account form start=[...], now=[...]"),
            );
        }
    };
    input_error(py, &key, e.to_string())
}

/// Net Promoter Score in percent (-100 to 100): promoters (9-10) minus detractors (0-6).
/// `answers`: integer answers 0-10, as a list, a numpy array or a pandas Series; empty or out
/// of range is an `InputError`.
#[pyfunction]
fn nps(py: Python<'_>, answers: &Bound<'_, PyAny>) -> PyResult<f64> {
    let answers = arrays::ints(py, answers, "answers")?;
    csops_core::metrics::nps(answers.as_slice()?).map_err(|e| metrics_error(py, &e))
}

/// CSAT in percent: the share of answers 4-5. `answers`: integer answers 1-5, as a list, a
/// numpy array or a pandas Series; empty or out of range is an `InputError`.
#[pyfunction]
fn csat(py: Python<'_>, answers: &Bound<'_, PyAny>) -> PyResult<f64> {
    let answers = arrays::ints(py, answers, "answers")?;
    csops_core::metrics::csat(answers.as_slice()?).map_err(|e| metrics_error(py, &e))
}

/// The two call forms of NRR / GRR: aggregate ARR movement, or per-account ARR lists.
#[allow(clippy::too_many_arguments)]
fn retention(
    py: Python<'_>,
    metric: &'static str,
    start_arr: Option<f64>,
    expansion: Option<f64>,
    contraction: Option<f64>,
    churned: Option<f64>,
    start: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    use csops_core::metrics as m;
    let forms = "the aggregate form start_arr=, expansion=, contraction=, churned=, or the per-account form start=[...], now=[...]";
    let movements = [
        ("expansion", expansion),
        ("contraction", contraction),
        ("churned", churned),
    ];
    let result = match (start_arr, start, now) {
        (Some(start_arr), None, None) => {
            let movement =
                m::ArrMovement::from_parts(metric, start_arr, expansion, contraction, churned)
                    .map_err(|e| metrics_error(py, &e))?;
            if metric == "nrr" {
                m::nrr(&movement)
            } else {
                m::grr(&movement)
            }
        }
        (None, Some(start), Some(now)) if movements.iter().all(|(_, v)| v.is_none()) => {
            let start = arrays::floats(py, start, "start")?;
            let now = arrays::floats(py, now, "now")?;
            let (start, now) = (start.as_slice()?, now.as_slice()?);
            if metric == "nrr" {
                m::nrr_per_account(start, now)
            } else {
                m::grr_per_account(start, now)
            }
        }
        _ => {
            return Err(PyTypeError::new_err(format!("{metric}() takes {forms}")));
        }
    };
    result.map_err(|e| metrics_error(py, &e))
}

/// Net revenue retention in percent, in one of two forms (keyword arguments only):
///
/// - aggregate: `nrr(start_arr=, expansion=, contraction=, churned=)`, the ARR at the period's
///   start and its movements in the period (each a number ≥ 0; 0 where there was none, none
///   left out): (start_arr + expansion - contraction - churned) / start_arr;
/// - per account: `nrr(start=[...], now=[...])`, each account's ARR at the start (A) and now
///   (B, 0 if churned), as lists, numpy arrays or Series of equal length: ΣB / ΣA over the
///   accounts with A > 0 (new logos are left out).
#[pyfunction]
#[pyo3(signature = (*, start_arr = None, expansion = None, contraction = None, churned = None, start = None, now = None))]
#[allow(clippy::too_many_arguments)]
fn nrr(
    py: Python<'_>,
    start_arr: Option<f64>,
    expansion: Option<f64>,
    contraction: Option<f64>,
    churned: Option<f64>,
    start: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    retention(
        py,
        "nrr",
        start_arr,
        expansion,
        contraction,
        churned,
        start,
        now,
    )
}

/// Gross revenue retention in percent (expansion left out), in the two forms of `nrr`:
///
/// - aggregate: `grr(start_arr=, contraction=, churned=)` (an `expansion=` is allowed and
///   ignored): (start_arr - contraction - churned) / start_arr;
/// - per account: `grr(start=[...], now=[...])`, ARR at the start (A) and now (B) per
///   account: Σmin(A, B) / ΣA over the accounts with A > 0.
#[pyfunction]
#[pyo3(signature = (*, start_arr = None, expansion = None, contraction = None, churned = None, start = None, now = None))]
#[allow(clippy::too_many_arguments)]
fn grr(
    py: Python<'_>,
    start_arr: Option<f64>,
    expansion: Option<f64>,
    contraction: Option<f64>,
    churned: Option<f64>,
    start: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    retention(
        py,
        "grr",
        start_arr,
        expansion,
        contraction,
        churned,
        start,
        now,
    )
}

/// Logo churn in percent: `churned_accounts` / `accounts_at_start`, two whole numbers (keyword
/// arguments), the accounts at the period's start and those of them lost in it.
#[pyfunction]
#[pyo3(signature = (*, accounts_at_start, churned_accounts))]
fn logo_churn(
    py: Python<'_>,
    accounts_at_start: &Bound<'_, PyInt>,
    churned_accounts: &Bound<'_, PyInt>,
) -> PyResult<f64> {
    let count = |name: &str, v: &Bound<'_, PyInt>| {
        v.extract::<u64>().map_err(|_| {
            input_error(
                py,
                name,
                format!(
                    "logo_churn: {name} {v} is not a count (a whole number from 0 to 2^64 - 1)"
                ),
            )
        })
    };
    csops_core::metrics::logo_churn(
        count("accounts_at_start", accounts_at_start)?,
        count("churned_accounts", churned_accounts)?,
    )
    .map_err(|e| metrics_error(py, &e))
}

/// License utilisation in percent: `active_users` / `purchased_seats`, two numbers (keyword
/// arguments; seats above 0).
#[pyfunction]
#[pyo3(signature = (*, active_users, purchased_seats))]
fn license_utilization(py: Python<'_>, active_users: f64, purchased_seats: f64) -> PyResult<f64> {
    csops_core::metrics::license_utilization(active_users, purchased_seats)
        .map_err(|e| metrics_error(py, &e))
}

/// A CS Ops maturity assessment (SPEC §12): the 15 capabilities rated 0-3.
///
/// `Maturity(ratings, foundations=None)`. `ratings`: a dict from each capability, by id (a
/// name of `csops.CAPABILITIES`, e.g. "metrics") or number (1-15, e.g. 4), to its rating: 0
/// absent, 1 emerging, 2 established, 3 optimised; all 15 exactly once. `foundations`: a dict
/// from a capability id to the list of capability ids it builds on (None: the source's own
/// links). `report()` gives the stages, the weakest capabilities and those ahead of their
/// foundations.
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(Clone, PartialEq)]
struct Maturity {
    inner: csops_core::maturity::Assessment,
    model: csops_core::maturity::MaturityModel,
}

fn maturity_error(py: Python<'_>, e: &csops_core::maturity::MaturityError) -> PyErr {
    input_error(py, "ratings", e.to_string())
}

#[pymethods]
impl Maturity {
    /// `ratings`: capability id ("metrics") or number (4) -> 0 absent, 1 emerging, 2 established,
    /// 3 optimised; all 15 once. `foundations`: capability -> the capabilities it builds on
    /// (None = the source's links).
    #[new]
    #[pyo3(signature = (ratings, foundations = None))]
    fn new(
        py: Python<'_>,
        ratings: &Bound<'_, PyDict>,
        foundations: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Maturity> {
        let mut pairs = Vec::new();
        for (k, v) in ratings.iter() {
            let name = if let Ok(s) = k.cast::<PyString>() {
                crate::text::str_of(s, "ratings")?.to_owned()
            } else if let Ok(n) = k.cast::<PyInt>() {
                n.to_string()
            } else {
                return Err(PyTypeError::new_err(
                    "argument 'ratings': keys are capability ids (str) or numbers (int)",
                ));
            };
            let level: i64 = v.extract().map_err(|_| {
                PyTypeError::new_err(csops_core::bounded_message(format!(
                    "argument 'ratings': the rating of `{name}` must be an int"
                )))
            })?;
            pairs.push((name, level));
        }
        let inner = csops_core::maturity::Assessment::from_ratings(pairs)
            .map_err(|e| maturity_error(py, &e))?;
        let model = match foundations {
            None => csops_core::maturity::MaturityModel::default(),
            Some(f) => serde_json::from_value(
                serde_json::json!({ "foundations": to_json(f, &|| "foundations".to_owned())? }),
            )
            .map_err(|e| input_error(py, "foundations", format!("foundations: {e}")))?,
        };
        Ok(Maturity { inner, model })
    }

    /// The ratings, capability id -> 0-3, in the source's order.
    #[getter]
    fn ratings<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for c in csops_core::maturity::Capability::ALL {
            d.set_item(c.id(), self.inner.rating(c) as u8)?;
        }
        Ok(d)
    }

    /// The report: `stages` (completion in percent, established count), `highest_established_stage`,
    /// `weakest` (capability ids) and `ahead_of_foundations` (capability, rating, missing).
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_value(self.inner.report(&self.model)).unwrap_or(Value::Null),
        )
    }

    fn __repr__(&self) -> String {
        let ratings: Vec<String> = csops_core::maturity::Capability::ALL
            .iter()
            .map(|c| format!("{:?}: {}", c.id(), self.inner.rating(*c) as u8))
            .collect();
        format!("Maturity({{{}}})", ratings.join(", "))
    }

    #[allow(clippy::type_complexity)]
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyDict>, Bound<'py, PyAny>))> {
        Ok((
            py.import("csops._csops")?.getattr("Maturity")?,
            (
                self.ratings(py)?,
                from_json(
                    py,
                    &serde_json::to_value(&self.model.foundations).unwrap_or(Value::Null),
                )?,
            ),
        ))
    }
}

/// Reads a Python value into a core type through serde; a failure is an InputError naming `key`.
fn read<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    key: &str,
) -> PyResult<T> {
    T::deserialize(de::PyDe::new(obj)).map_err(|e| {
        let words = csops_core::reader_words(&e.to_string());
        input_error(py, key, format!("{key}: {words}"))
    })
}

fn segment_error(py: Python<'_>, e: &csops_core::segment::SegmentError) -> PyErr {
    use csops_core::segment::SegmentError as S;
    match e {
        S::Config { key, .. } => error_with(
            py,
            ConfigError::new_err(e.to_string()),
            &[("key", PyString::new(py, key).into_any())],
        ),
        S::Unmatched { account, .. } | S::BadArr { account, .. } => {
            let err = input_error(py, "account", e.to_string());
            error_with(
                py,
                err,
                &[("account", PyString::new(py, account).into_any())],
            )
        }
    }
}

/// Loads a configuration given as a dict, or as JSON or TOML text (told apart by a leading `{`),
/// with the core's own loaders. `Err` is a TypeError for any other Python type; `Ok(Err(_))` the
/// core's error, for the caller to convert.
fn load_spec<T, E>(
    spec: &Bound<'_, PyAny>,
    name: &str,
    from_json: fn(&str) -> Result<T, E>,
    from_toml: fn(&str) -> Result<T, E>,
) -> PyResult<Result<T, E>> {
    if let Ok(s) = spec.cast::<PyString>() {
        let text = crate::text::str_of(s, name)?;
        Ok(if text.trim_start().starts_with('{') {
            from_json(text)
        } else {
            from_toml(text)
        })
    } else if spec.cast::<PyDict>().is_ok() {
        Ok(from_json(&to_json(spec, &|| name.to_owned())?.to_string()))
    } else {
        Err(PyTypeError::new_err(format!(
            "argument '{name}': expected dict, JSON or TOML str, or None, not {}",
            spec.get_type()
        )))
    }
}

/// Ordered segmentation rules (SPEC §8): account attributes -> CSM team, priority (1-4, 4 =
/// digital only), engagement model and sales segment. The default rules are illustrative.
///
/// `Segmentation(rules=None)`: `rules` is None (the illustrative default), a dict
/// `{"rules": [...]}` or its JSON or TOML text, in the format of `Segmentation().to_dict()`:
/// each rule `{"name", "when": {conditions}, "then": {"team", "priority", "engagement",
/// "sales_segment"}}`, the first that matches deciding. A bad rule set is a `ConfigError`
/// whose `.key` names the key.
#[pyclass(module = "csops._csops", frozen, eq)]
#[derive(Clone, PartialEq)]
struct Segmentation {
    inner: csops_core::segment::Segmentation,
}

#[pymethods]
impl Segmentation {
    /// `rules`: None (the illustrative default), a dict `{"rules": [...]}`, or JSON / TOML text.
    #[new]
    #[pyo3(signature = (rules = None))]
    fn new(py: Python<'_>, rules: Option<&Bound<'_, PyAny>>) -> PyResult<Segmentation> {
        use csops_core::segment::Segmentation as S;
        let inner = match rules.filter(|r| !r.is_none()) {
            None => S::default(),
            Some(r) => load_spec(r, "rules", S::from_json, S::from_toml)?
                .map_err(|e| segment_error(py, &e))?,
        };
        Ok(Segmentation { inner })
    }

    /// The segment of one account, as a dict with `account`, `rule`, `team`, `priority`,
    /// `engagement`, `sales_segment`. `account`: a dict `{"id": str, "arr": number, "seats":
    /// int, "public_sector": bool, "region": str}` (`id` and `arr` required); an account no rule
    /// matches is an `InputError` whose `.account` names it.
    fn assign<'py>(
        &self,
        py: Python<'py>,
        account: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let a: csops_core::segment::Account = read(py, account, "account")?;
        let s = self.inner.assign(&a).map_err(|e| segment_error(py, &e))?;
        from_json(py, &serde_json::to_value(s).unwrap_or(Value::Null))
    }

    /// The segments of a book, a list of dicts as `assign` gives them. `accounts`: a list of
    /// account dicts as `assign` takes them; the first unmatched account is an `InputError`
    /// naming it.
    fn assign_all<'py>(
        &self,
        py: Python<'py>,
        accounts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let book: Vec<csops_core::segment::Account> = read(py, accounts, "accounts")?;
        let out = self
            .inner
            .assign_all(&book)
            .map_err(|e| segment_error(py, &e))?;
        from_json(py, &serde_json::to_value(out).unwrap_or(Value::Null))
    }

    /// The rules, as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_value(&self.inner).unwrap_or(Value::Null),
        )
    }

    fn __repr__(&self) -> String {
        let names: Vec<&str> = self.inner.rules.iter().map(|r| r.name.as_str()).collect();
        format!("Segmentation(rules={names:?})")
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            py.import("csops._csops")?.getattr("Segmentation")?,
            (serde_json::to_string(&self.inner).unwrap_or_default(),),
        ))
    }
}

/// CSM headcount per team for a segmented book: by accounts per CSM and by weekly cadence,
/// rounded up per team, with the gap to the current headcount. Returns `{"teams": [...]}`, a
/// dict per team (`team`, `accounts`, `digital_only`, `needed_by_ratio`, `needed_by_cadence`,
/// `current`, `gap_by_ratio`, `gap_by_cadence`).
///
/// `assignments`: `Segmentation.assign_all`'s output (a list of dicts). `current`: None, or a
/// dict from CSM team ("Strategic", "Growth", "Scale", "PubSec") to its CSMs now. `model`:
/// None (the illustrative assumptions), or a dict of those to replace: `accounts_per_csm` and
/// `calls_per_account_per_week` (each engagement model -> a number),
/// `calls_per_csm_per_week` (a number) and `digital_only_priorities` (a list of priorities).
#[pyfunction]
#[pyo3(signature = (assignments, current = None, model = None))]
fn capacity_plan<'py>(
    py: Python<'py>,
    assignments: &Bound<'py, PyAny>,
    current: Option<&Bound<'py, PyAny>>,
    model: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    use csops_core::segment as s;
    let assignments: Vec<s::Assignment> = read(py, assignments, "assignments")?;
    let current: std::collections::BTreeMap<s::CsmTeam, u64> = match current {
        Some(c) if !c.is_none() => read(py, c, "current")?,
        _ => std::collections::BTreeMap::new(),
    };
    let model: s::CapacityModel = match model {
        Some(m) if !m.is_none() => read(py, m, "model")?,
        _ => s::CapacityModel::default(),
    };
    from_json(
        py,
        &serde_json::to_value(s::capacity_plan(&assignments, &current, &model))
            .unwrap_or(Value::Null),
    )
}

/// A calendar date: ISO text ("2026-01-05") or a `datetime.date`.
fn day(py: Python<'_>, obj: &Bound<'_, PyAny>, name: &str) -> PyResult<chrono::NaiveDate> {
    let text: String = if let Ok(s) = obj.cast::<PyString>() {
        crate::text::str_of(s, name)?.to_owned()
    } else if obj.hasattr("isoformat")? && !obj.hasattr("hour")? {
        obj.call_method0("isoformat")?.extract()?
    } else {
        return Err(PyTypeError::new_err(format!(
            "argument '{name}': expected a date or ISO date str, not {}",
            obj.get_type()
        )));
    };
    csops_core::sla::parse_date(&text).map_err(|e| input_error(py, name, format!("{name}: {e}")))
}

fn journey_error(py: Python<'_>, e: &csops_core::journey::JourneyError) -> PyErr {
    use csops_core::journey::JourneyError as J;
    let key = match e {
        J::DateOutOfOrder { .. } => "date",
        J::InvalidEvent { .. } | J::BadValue { .. } => "event",
    };
    input_error(py, key, e.to_string())
}

/// A customer's journey (SPEC §9): Align → Onboard → Enable → Expand → Renew → Enable, or
/// Churned, moved by dated events; `advance(now)` opens the renewal window and reports missed
/// time-to-value milestones.
///
/// `Journey(account, config=None)` starts in Align. `account`: the account's id (str).
/// `config`: None (the defaults), or a dict with any of `time_to_value`
/// (`{"first_engagement_days": 14, "first_value_days": 30, "onboarding_days": 45}`, counted
/// from the subscription start), `renewal_window_days` (120: the window opens that many days
/// before the renewal date) and `touchpoints` (stage -> engagement model -> list of str).
/// Dates are ISO text ("2026-01-05") or `datetime.date`s; a journey compares and pickles.
#[pyclass(module = "csops._csops")]
#[derive(Clone)]
struct Journey {
    inner: csops_core::journey::Journey,
    config: csops_core::journey::JourneyConfig,
}

#[pymethods]
impl Journey {
    /// A journey in Align. `config`: None (defaults: 14/30/45-day time to value, 120-day renewal
    /// window), or a dict.
    #[new]
    #[pyo3(signature = (account, config = None))]
    fn new(
        py: Python<'_>,
        account: text::Text<'_>,
        config: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Journey> {
        let config = match config {
            Some(c) if !c.is_none() => read(py, c, "config")?,
            _ => csops_core::journey::JourneyConfig::default(),
        };
        Ok(Journey {
            inner: csops_core::journey::Journey::new(&account),
            config,
        })
    }

    /// Records `event`, which happened on `date` (ISO text "2026-01-05" or a `datetime.date`,
    /// not before the last event), and returns the step as a dict (`date`, `event`, `from`,
    /// `to`). `event`: a dict with a `type` and that type's fields, no others:
    /// `{"type": "contract_signed", "start": date, "renewal": date, "arr": number}`,
    /// `first_engagement`, `first_value`, `onboarding_completed`, `renewal_window_opened`,
    /// `{"type": "expansion", "arr_delta": number}`, `{"type": "renewed", "renewal": date,
    /// "arr": number}`, `{"type": "churned", "reason": str}`. An event the stage does not
    /// allow is an `InputError`.
    fn record<'py>(
        &mut self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
        date: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let event: csops_core::journey::JourneyEvent = read(py, event, "event")?;
        let date = day(py, date, "date")?;
        let step = self
            .inner
            .record(date, event, &self.config)
            .map_err(|e| journey_error(py, &e))?;
        from_json(py, &serde_json::to_value(step).unwrap_or(Value::Null))
    }

    /// Fires the time-driven steps up to `now` (ISO text "2026-02-20" or a `datetime.date`)
    /// and reports missed milestones: a dict with `steps` (as `record` returns them) and
    /// `misses` (dicts with `milestone`, `due`, `reached`, `days_late`).
    fn advance<'py>(
        &mut self,
        py: Python<'py>,
        now: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = day(py, now, "now")?;
        let report = self
            .inner
            .advance(now, &self.config)
            .map_err(|e| journey_error(py, &e))?;
        from_json(py, &serde_json::to_value(report).unwrap_or(Value::Null))
    }

    /// The touchpoints of the current stage for an `engagement` model: "high_touch",
    /// "mid_touch" or "tech_touch".
    fn touchpoints(&self, py: Python<'_>, engagement: text::Text<'_>) -> PyResult<Vec<String>> {
        let model: csops_core::segment::EngagementModel = engagement.parse().map_err(|_| {
            input_error(
                py,
                "engagement",
                format!(
                    "unknown engagement model {engagement:?}: high_touch, mid_touch or tech_touch"
                ),
            )
        })?;
        Ok(self.inner.touchpoints(model, &self.config).to_vec())
    }

    /// The account's id.
    #[getter]
    fn account(&self) -> &str {
        self.inner.account()
    }
    /// The stage: "Align", "Onboard", "Enable", "Expand", "Renew" or "Churned".
    #[getter]
    fn stage(&self) -> &'static str {
        self.inner.stage().into()
    }
    /// The ARR now (0 before the contract).
    #[getter]
    fn arr(&self) -> f64 {
        self.inner.arr()
    }
    /// The subscription start, ISO text ("2026-01-05"), or None before the contract.
    #[getter]
    fn start(&self) -> Option<String> {
        self.inner.start().map(|d| d.to_string())
    }
    /// The next renewal date, ISO text, or None before the contract.
    #[getter]
    fn renewal(&self) -> Option<String> {
        self.inner.renewal().map(|d| d.to_string())
    }
    /// Every step, oldest first, as dicts.
    #[getter]
    fn history<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        from_json(
            py,
            &serde_json::to_value(self.inner.history()).unwrap_or(Value::Null),
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "Journey(account={:?}, stage={:?}, arr={})",
            self.inner.account(),
            <&str>::from(self.inner.stage()),
            self.inner.arr()
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Journey>().is_ok_and(|o| {
            let o = o.borrow();
            o.inner == self.inner && o.config == self.config
        })
    }

    fn __getstate__(&self) -> String {
        serde_json::json!({"journey": self.inner, "config": self.config}).to_string()
    }

    fn __setstate__(&mut self, py: Python<'_>, state: text::Text<'_>) -> PyResult<()> {
        let v: Value =
            serde_json::from_str(&state).map_err(|e| input_error(py, "state", e.to_string()))?;
        self.inner = serde_json::from_value(v["journey"].clone())
            .map_err(|e| input_error(py, "state", e.to_string()))?;
        self.config = serde_json::from_value(v["config"].clone())
            .map_err(|e| input_error(py, "state", e.to_string()))?;
        Ok(())
    }

    fn __getnewargs__(&self) -> (String,) {
        (self.inner.account().to_owned(),)
    }
}

/// GitLab's scope of `label` (a label string): the text before its last `::`, or None.
#[pyfunction]
fn scope(label: text::Text<'_>) -> Option<String> {
    core_label::scope(&label).map(str::to_owned)
}

/// The display title of a name of csops's vocabulary, as reports and messages show it: a state
/// (``"InProcess"`` → ``"In Process"``), a workstream (``"ROPS"`` → ``"Renewal Ops"``), an
/// engagement model (``"tech_touch"`` → ``"Tech touch"``) or a sales segment. Data keeps the
/// names; ``title`` is for what a person reads (``df["state"].map(csops.title)``). An unknown
/// name is an ``InputError`` listing the vocabularies.
#[pyfunction]
fn title(py: Python<'_>, name: text::Text<'_>) -> PyResult<&'static str> {
    csops_core::display::title(&name).ok_or_else(|| {
        input_error(
            py,
            "name",
            csops_core::bounded_message(format!(
                "{:?} is not {} (see csops.STATES, csops.WORKSTREAMS)",
                &*name,
                csops_core::display::VOCABULARIES
            )),
        )
    })
}

/// A duration in hours as reports show it: days with one decimal (``137.0`` → ``"5.7 days"``,
/// ``24.0`` → ``"1.0 day"``). Data keeps hours; this is for what a person reads.
#[pyfunction]
fn days(hours: f64) -> String {
    csops_core::display::days(hours)
}

/// The csops version, as `csops.__version__` gives it ("0.1.0").
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The names of every variant of an enum, in declaration order.
fn names<T: strum::VariantArray + Copy>(name: fn(T) -> &'static str) -> Vec<&'static str> {
    T::VARIANTS.iter().map(|v| name(*v)).collect()
}

#[pymodule]
fn _csops(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Workflow>()?;
    m.add_class::<Request>()?;
    m.add_class::<Transition>()?;
    m.add_class::<Label>()?;
    m.add_class::<LabelSet>()?;
    m.add_class::<Weight>()?;
    m.add_class::<Maturity>()?;
    m.add_class::<Segmentation>()?;
    m.add_class::<Journey>()?;
    m.add_class::<health::Scorecard>()?;
    m.add_class::<health::HealthScore>()?;
    m.add_class::<gitlab::ReadIssues>()?;
    m.add_class::<gitlab::LabelEvent>()?;
    m.add_class::<gitlab::Violation>()?;
    m.add_class::<gitlab::Reconstruction>()?;
    m.add_class::<gitlab::IssueHook>()?;
    m.add_class::<gitlab::WebhookDecision>()?;
    m.add_class::<gitlab::BoardReport>()?;
    m.add_class::<gitlab::AuditRun>()?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_read_issue, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_read_issues, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_read_label_events, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_read_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_reconstruct, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_audit, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::gitlab_check_issue, m)?)?;
    m.add_function(wrap_pyfunction!(gitlab::board_report, m)?)?;
    m.add_function(wrap_pyfunction!(capacity_plan, m)?)?;
    m.add_function(wrap_pyfunction!(weight_for_hours, m)?)?;
    m.add_function(wrap_pyfunction!(scope, m)?)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(title, m)?)?;
    m.add_function(wrap_pyfunction!(days, m)?)?;
    m.add_function(wrap_pyfunction!(nps, m)?)?;
    m.add_function(wrap_pyfunction!(csat, m)?)?;
    m.add_function(wrap_pyfunction!(nrr, m)?)?;
    m.add_function(wrap_pyfunction!(grr, m)?)?;
    m.add_function(wrap_pyfunction!(logo_churn, m)?)?;
    m.add_function(wrap_pyfunction!(license_utilization, m)?)?;
    m.add("CsopsError", py.get_type::<CsopsError>())?;
    m.add("LabelError", py.get_type::<LabelError>())?;
    m.add("ConfigError", py.get_type::<ConfigError>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("TransitionRejected", py.get_type::<TransitionRejected>())?;
    rejection_properties(py)?;
    m.add_class::<Rejection>()?;
    use csops_core::routing::Workstream;
    m.add("STATES", names(State::as_str))?;
    m.add("REJECTION_KINDS", names(RejectionKind::as_str))?;
    m.add("COMMAND_TYPES", names(CommandKind::as_str))?;
    m.add("WORKSTREAMS", names(Workstream::as_str))?;
    m.add(
        "CAPABILITIES",
        csops_core::maturity::Capability::ALL
            .iter()
            .map(|c| c.id())
            .collect::<Vec<_>>(),
    )?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
