//! One argument being read: its name, whether its numbers must be finite, the binding's own error
//! when the deserializer stopped on one, and where in the argument a value is.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyString;
use std::cell::RefCell;

use super::*;

/// One argument being read: its name (for the binding's own errors) and the first such error.
pub struct Reader<'a> {
    pub(crate) name: &'a str,
    /// Whether numbers must be finite (a document JSON could hold) or may be NaN or infinite
    /// (values whose rules name them: a NaN estimate, a missing health value).
    pub(crate) finite: bool,
    /// Whether the argument is configuration (a directory): the binding's own errors about its
    /// values are then `ConfigError`s keyed by the argument, not `InputError`s.
    pub(crate) config: bool,
    pub(crate) error: RefCell<Option<PyErr>>,
}

impl<'a> Reader<'a> {
    /// A reader of the argument `name`, a value whose numbers may be NaN or infinite.
    #[inline]
    pub fn new(name: &'a str) -> Self {
        Reader {
            name,
            finite: false,
            config: false,
            error: RefCell::new(None),
        }
    }

    /// A reader of the configuration argument `name`, as JSON holds it.
    pub fn config(name: &'a str) -> Self {
        Reader {
            config: true,
            ..Reader::json(name)
        }
    }

    /// A reader of the argument `name`, a document as JSON holds it: numbers are finite.
    #[inline]
    pub fn json(name: &'a str) -> Self {
        Reader {
            finite: true,
            ..Reader::new(name)
        }
    }

    /// A deserializer over the argument's value.
    #[inline]
    pub fn de<'r, 'py>(&'r self, obj: &'r Bound<'py, PyAny>) -> PyDe<'r, 'py> {
        PyDe {
            obj,
            depth: 0,
            path: None,
            reader: self,
        }
    }

    /// The outcome of a read: the binding's own error when the deserializer stopped on one,
    /// else the core's result with its error converted by `convert`.
    #[inline(always)]
    pub fn finish<T, E>(
        self,
        result: Result<T, E>,
        convert: impl FnOnce(E) -> PyErr,
    ) -> PyResult<T> {
        self.outcome(result)?.map_err(convert)
    }

    /// The outcome of a read with the core's error left to the caller: `Err` when the
    /// deserializer stopped on the binding's own error.
    #[inline(always)]
    pub fn outcome<T, E>(self, result: Result<T, E>) -> PyResult<Result<T, E>> {
        match self.error.into_inner() {
            Some(stop) => Err(stop),
            None => Ok(result),
        }
    }

    /// The binding's error when the deserializer stopped on one (it always has, after a stop).
    pub(crate) fn into_stop(self) -> PyErr {
        self.error.into_inner().unwrap_or_else(|| {
            pyo3::exceptions::PyRuntimeError::new_err(format!("{}: not read", self.name))
        })
    }

    /// An InputError of the binding's own, as this argument's class has it: a configuration's is
    /// a ConfigError keyed by the argument.
    fn own(&self, py: Python<'_>, err: PyErr) -> PyErr {
        if !self.config {
            return err;
        }
        let message = err.value(py).to_string();
        let key = PyString::new(py, self.name).into_any();
        crate::error_with(py, crate::ConfigError::new_err(message), &[("key", key)])
    }

    /// Keeps the binding's error and stops the deserializer.
    pub(crate) fn stop(&self, err: PyErr) -> DeError {
        let message = err.to_string();
        let mut slot = self.error.borrow_mut();
        if slot.is_none() {
            *slot = Some(err);
        }
        DeError(message)
    }

    /// A `str`'s UTF-8; its name is made only for the error (a lone surrogate).
    #[inline(always)]
    pub(crate) fn text_at<'s>(
        &self,
        s: &'s Bound<'_, PyString>,
        path: Option<&Path<'_, '_>>,
    ) -> Result<&'s str, DeError> {
        s.to_str().map_err(|e| {
            let err = crate::text::not_unicode(s.py(), e, &self.name_at(path));
            self.stop(self.own(s.py(), err))
        })
    }

    /// The name of the value at `path`: `command.workstream`, `issues[3].labels`.
    pub(crate) fn name_at(&self, path: Option<&Path<'_, '_>>) -> String {
        let mut out = self.name.to_owned();
        if let Some(p) = path {
            p.write(&mut out);
        }
        csops_core::bounded_message(out)
    }

    pub(crate) fn type_error(&self, path: Option<&Path<'_, '_>>, what: String) -> DeError {
        let message = csops_core::bounded_message(format!("{}: {what}", self.name_at(path)));
        self.stop(PyTypeError::new_err(message))
    }

    pub(crate) fn input_error(
        &self,
        py: Python<'_>,
        path: Option<&Path<'_, '_>>,
        what: String,
    ) -> DeError {
        let name = self.name_at(path);
        let message = format!("{name}: {what}");
        self.stop(self.own(py, crate::input_error(py, &name, message)))
    }
}

/// Where a value is inside the argument: the chain of keys and positions above it, rendered
/// only when an error names it.
pub struct Path<'a, 'py> {
    pub(crate) parent: Option<&'a Path<'a, 'py>>,
    pub(crate) step: Step<'a, 'py>,
}

pub(crate) enum Step<'a, 'py> {
    Key(&'a Bound<'py, PyAny>),
    Index(usize),
}

impl Path<'_, '_> {
    pub(crate) fn write(&self, out: &mut String) {
        if let Some(p) = self.parent {
            p.write(out);
        }
        match &self.step {
            Step::Key(k) => {
                out.push('.');
                out.push_str(&k.str().map(|s| s.to_string()).unwrap_or_default());
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
}
