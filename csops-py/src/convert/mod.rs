//! Converting arguments and results: documents (configurations, scorecards, rules) as dicts or
//! JSON / TOML text, any value through the serde deserializer over Python objects (`de`), times,
//! text and arrays; results serialized straight to Python values (`to_py`).

use csops_core::Config;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

pub(crate) mod arrays;
pub(crate) mod arrow;
pub(crate) mod de;
pub(crate) mod text;
pub(crate) mod time;

pub(crate) use time::*;

use crate::*;

/// The configuration argument: None (the compiled-in default), a dict, or JSON or TOML text.
pub(crate) fn config_from(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Config> {
    match obj.filter(|o| !o.is_none()) {
        None => Ok(Config::default()),
        Some(obj) => document::<Config>(obj, "config", |e| core_error(obj.py(), e)),
    }
}

/// Reads a Python value into a core type through serde; a failure is an InputError naming `key`.
pub(crate) fn read<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    key: &str,
) -> PyResult<T> {
    let reader = de::Reader::new(key);
    let read = T::deserialize(reader.de(obj));
    reader.finish(read, |e| {
        let words = csops_core::reader_words(&e.to_string());
        input_error(py, key, format!("{key}: {words}"))
    })
}

/// A document a user writes (a configuration, a scorecard, segmentation rules), given as a
/// dict (read in one pass) or as JSON or TOML text (the core tells them apart); `convert` turns
/// the core's error into the Python one. Any other Python type is a TypeError.
pub(crate) fn document<T: csops_core::Document>(
    obj: &Bound<'_, PyAny>,
    name: &str,
    convert: impl FnOnce(T::Error) -> PyErr,
) -> PyResult<T> {
    if let Ok(s) = obj.cast::<PyString>() {
        T::from_text(crate::text::str_of(s, name)?).map_err(convert)
    } else if obj.cast::<PyDict>().is_ok() {
        let reader = de::Reader::json(name);
        // A dict reads as the JSON it would be written as; its errors say so.
        let read = T::read(reader.de(obj), "JSON");
        reader.finish(read, convert)
    } else {
        Err(PyTypeError::new_err(format!(
            "argument '{name}': expected dict, JSON or TOML str, or None, not {}",
            obj.get_type()
        )))
    }
}

/// An argument a core reader takes as JSON text (parsed once, by the core) or as Python values
/// (dicts, lists, …, through the deserializer, in one pass). `Err` is the binding's own error (a
/// wrong Python type, text that is not Unicode); `Ok(Err(_))` the core's, for the caller.
pub(crate) fn json_or_values<T, E>(
    obj: &Bound<'_, PyAny>,
    reader: de::Reader<'_>,
    text: impl FnOnce(&str) -> Result<T, E>,
    values: impl FnOnce(de::PyDe<'_, '_>) -> Result<T, E>,
) -> PyResult<Result<T, E>> {
    let read = match obj.cast::<PyString>() {
        Ok(s) => match reader.text_at(s, None) {
            Ok(t) => text(t),
            Err(_) => return Err(reader.into_stop()),
        },
        Err(_) => values(reader.de(obj)),
    };
    reader.outcome(read)
}

/// [`json_or_values`] with the core's error raised as its Python exception.
pub(crate) fn read_json_or_values<T, E: Into<csops_core::Error>>(
    obj: &Bound<'_, PyAny>,
    name: &str,
    text: impl FnOnce(&str) -> Result<T, E>,
    values: impl FnOnce(de::PyDe<'_, '_>) -> Result<T, E>,
) -> PyResult<T> {
    json_or_values(obj, de::Reader::json(name), text, values)?
        .map_err(|e| core_error_in(obj.py(), e, name))
}

/// A core result as Python values, serialized directly (structs and maps as dicts, sequences as
/// lists, enums by their names, times as RFC 3339 text): no JSON in between.
pub(crate) fn to_py<'py, T: serde::Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(PyErr::from)
}

/// Whether a Python value is a `bool` (an `int` to Python, never a number to csops).
pub(crate) fn value_is_bool(v: &Bound<'_, PyAny>) -> bool {
    v.cast::<pyo3::types::PyBool>().is_ok()
}
