//! Python values as JSON and back (the detour issue 15 removes, kept in one place).

use chrono::SecondsFormat;
use pyo3::IntoPyObjectExt;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;

use crate::*;

/// A Python value (dict, list, str, int, float, bool, None, aware datetime) as JSON. `name`
/// builds the input's name (`command.checklist`) only when an error needs it.
pub(crate) fn to_json(obj: &Bound<'_, PyAny>, name: &dyn Fn() -> String) -> PyResult<Value> {
    to_json_at(obj, name, 0)
}

/// A dict or list inside [`de::MAX_DEPTH`] others: an error naming the argument.
pub(crate) fn too_deep(
    obj: &Bound<'_, PyAny>,
    name: &dyn Fn() -> String,
    depth: usize,
) -> PyResult<()> {
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
pub(crate) fn to_json_at(
    obj: &Bound<'_, PyAny>,
    name: &dyn Fn() -> String,
    depth: usize,
) -> PyResult<Value> {
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
            match map.entry(key) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                // `{7: [...], "7": [...]}`: one would silently replace the other.
                serde_json::map::Entry::Occupied(slot) => {
                    let key = slot.key();
                    return Err(input_error(
                        obj.py(),
                        &format!("{}.{key}", name()),
                        format!(
                            "{}: the key {key:?} is given twice (as an int and as text)",
                            name()
                        ),
                    ));
                }
            }
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
pub(crate) fn from_json<'py>(py: Python<'py>, v: &Value) -> PyResult<Bound<'py, PyAny>> {
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
pub(crate) fn json_arg(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
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
pub(crate) fn dict_or_json(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Value> {
    if obj.cast::<PyString>().is_err() && obj.cast::<PyDict>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "argument '{name}': expected dict or JSON str, not {}",
            obj.get_type()
        )));
    }
    json_arg(obj, name)
}

pub(crate) fn value_is_bool(v: &Bound<'_, PyAny>) -> bool {
    v.cast::<PyBool>().is_ok()
}
