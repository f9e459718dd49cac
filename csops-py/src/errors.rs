//! The exceptions of csops and the conversion of the core's errors into them.

use csops_core::workflow::{self as core_wf};
use pyo3::IntoPyObjectExt;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple};

use crate::*;

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

create_exception!(
    csops,
    SyncError,
    CsopsError,
    "A sync of a live GitLab that stopped: `.kind` says why (`unauthorized`, `forbidden`, `not_found`, `gave_up`, `folder`, `no_token`, ...). The folder keeps what the last whole sync left."
);

/// The sync's error as `csops.SyncError`, with `.kind` (the crate's name for it).
pub(crate) fn sync_error(py: Python<'_>, e: &csops_gitlab::SyncError) -> PyErr {
    let kind = PyString::new(py, e.kind()).into_any();
    error_with(py, SyncError::new_err(e.to_string()), &[("kind", kind)])
}

/// An error with attributes set on the exception instance (they pickle with it).
pub(crate) fn error_with(py: Python<'_>, err: PyErr, attrs: &[(&str, Bound<'_, PyAny>)]) -> PyErr {
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
pub(crate) fn input_error(py: Python<'_>, key: &str, message: String) -> PyErr {
    let key = PyString::new(py, &csops_core::bounded_message(key.to_owned())).into_any();
    error_with(
        py,
        InputError::new_err(csops_core::bounded_message(message)),
        &[("key", key)],
    )
}

/// The core's error as the Python exception, decided in one place by the error's class
/// ([`csops_core::ErrorClass`]): `LabelError`, `ConfigError`, `InputError` or
/// `TransitionRejected`, with `.key` naming the input ([`csops_core::Error::key`]) and the
/// attributes a caller reads (`.kind` of a weight, `.account` of an account, `.measure` of a
/// health value, `.row` and `.rule` of an error about a row of a batch, `.label` of a label).
pub(crate) fn core_error(py: Python<'_>, e: impl Into<csops_core::Error>) -> PyErr {
    core_error_in(py, e, ".")
}

/// [`core_error`] for the argument `name`: an error about the input as a whole (key `.`, such
/// as text that is not JSON) is keyed by the argument's name.
pub(crate) fn core_error_in(py: Python<'_>, e: impl Into<csops_core::Error>, name: &str) -> PyErr {
    use csops_core::{Error as E, ErrorClass};
    let e = e.into();
    let key = match e.key() {
        k if k == "." => name.to_owned(),
        k => k,
    };
    let text = |s: &str| PyString::new(py, s).into_any();
    let row = e.row().map(|r| (r, e.rule_at_row().map(str::to_owned)));
    let err = match (e.class(), e) {
        (_, E::Rejected(r)) => rejected(py, r),
        (_, E::Label(l @ csops_core::label::LabelError::Empty { .. })) => {
            let csops_core::label::LabelError::Empty { input } = &l;
            error_with(
                py,
                LabelError::new_err(l.to_string()),
                &[("label", text(input))],
            )
        }
        (ErrorClass::Config, e) => error_with(
            py,
            ConfigError::new_err(e.to_string()),
            &[("key", text(&key))],
        ),
        (_, E::Weight(w)) => {
            let kind = text(RejectionKind::from(&w).as_str());
            error_with(
                py,
                InputError::new_err(w.to_string()),
                &[("key", text(&key)), ("kind", kind)],
            )
        }
        // The other call form too: the per-account lists need no components.
        (_, E::Metrics(m @ csops_core::metrics::MetricsError::Missing { .. })) => input_error(
            py,
            &key,
            format!("{m}; or the per-account form start=[...], now=[...]"),
        ),
        (
            _,
            E::Segment(
                ref s @ (csops_core::segment::SegmentError::Unmatched { ref account, .. }
                | csops_core::segment::SegmentError::BadArr { ref account, .. }),
            ),
        ) => error_with(
            py,
            input_error(py, &key, s.to_string()),
            &[("account", text(account))],
        ),
        (
            _,
            E::Health(
                ref h @ csops_core::health::HealthError::Value {
                    ref measure, row, ..
                },
            ),
        ) => match row.into_bound_py_any(py) {
            Ok(row) => error_with(
                py,
                input_error(py, &key, h.to_string()),
                &[("measure", text(measure)), ("row", row)],
            ),
            Err(err) => err,
        },
        (_, e) => input_error(py, &key, e.to_string()),
    };
    // The row of a batch is data: `.row` (0-based) and `.rule` (what it broke, without where),
    // never to be read back from the message.
    match row {
        Some((r, rule)) => match r.into_bound_py_any(py) {
            Ok(r) => {
                let rule = text(rule.as_deref().unwrap_or_default());
                error_with(py, err, &[("row", r), ("rule", rule)])
            }
            Err(e) => e,
        },
        None => err,
    }
}

/// `TransitionRejected` carrying the core's rejection, moved (not copied) into a `Rejection`
/// object as the exception's only argument: the message (`str(e)`) and the attributes (`kind`,
/// `rule`, `missing`, `problems`, properties of the class) are made when they are read. A
/// stream of commands meets many rejections and reads few of them.
pub(crate) fn rejected(py: Python<'_>, r: core_wf::Rejection) -> PyErr {
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
pub(crate) struct Rejection {
    pub(crate) inner: core_wf::Rejection,
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
    fn rule(&self) -> String {
        self.inner.rule()
    }

    /// The missing inputs or checklist items of the rejection's kind ([] for other kinds).
    #[getter]
    fn missing(&self) -> Vec<&str> {
        self.inner.missing().collect()
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
            d.set_item(intern!(py, "rule"), p.rule())?;
            d.set_item(intern!(py, "missing"), p.missing())?;
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
pub(crate) fn rejection_properties(py: Python<'_>) -> PyResult<()> {
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
