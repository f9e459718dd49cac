//! Converting arguments: configurations, specs read as JSON or TOML, and the readers below.

use csops_core::Config;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

pub(crate) mod arrays;
pub(crate) mod de;
pub(crate) mod json;
pub(crate) mod text;
pub(crate) mod time;

pub(crate) use json::*;
pub(crate) use time::*;

use crate::*;

pub(crate) fn config_from(obj: Option<&Bound<'_, PyAny>>) -> PyResult<Config> {
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

/// Reads a Python value into a core type through serde; a failure is an InputError naming `key`.
pub(crate) fn read<T: serde::de::DeserializeOwned>(
    py: Python<'_>,
    obj: &Bound<'_, PyAny>,
    key: &str,
) -> PyResult<T> {
    T::deserialize(de::PyDe::new(obj)).map_err(|e| {
        let words = csops_core::reader_words(&e.to_string());
        input_error(py, key, format!("{key}: {words}"))
    })
}

/// Loads a configuration given as a dict, or as JSON or TOML text (told apart by a leading `{`),
/// with the core's own loaders. `Err` is a TypeError for any other Python type; `Ok(Err(_))` the
/// core's error, for the caller to convert.
pub(crate) fn load_spec<T, E>(
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

/// A core result as Python values, serialized directly (structs and maps as dicts, sequences as
/// lists, enums by their names, times as RFC 3339 text): no JSON in between.
pub(crate) fn to_py<'py, T: serde::Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    pythonize::pythonize(py, value).map_err(PyErr::from)
}
