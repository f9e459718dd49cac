//! Numbers from Python for the metrics: numpy arrays and pandas Series are read in place (one
//! conversion to a contiguous int64 / float64 array when their dtype differs), Arrow columns
//! (pyarrow, polars) converted once, lists element by element. Conversions only.

use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

use crate::arrow;
use crate::input_error;

/// A slice of numbers, borrowed from a numpy array or owned.
pub(crate) enum Numbers<'py, T: numpy::Element> {
    Array(PyReadonlyArray1<'py, T>),
    Vec(Vec<T>),
}

impl<T: numpy::Element> Numbers<'_, T> {
    pub(crate) fn as_slice(&self) -> PyResult<&[T]> {
        match self {
            Numbers::Array(a) => a
                .as_slice()
                .map_err(|e| PyTypeError::new_err(e.to_string())),
            Numbers::Vec(v) => Ok(v),
        }
    }
}

/// The numpy dtype kind of an array-like (`"i"`, `"f"`, …), or None for a plain sequence.
fn dtype_kind(obj: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if !obj.hasattr("dtype")? {
        return Ok(None);
    }
    Ok(Some(obj.getattr("dtype")?.getattr("kind")?.extract()?))
}

/// `obj` as a contiguous one-dimensional numpy array of `dtype`.
fn contiguous<'py, T: numpy::Element>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    dtype: &str,
    name: &str,
) -> PyResult<PyReadonlyArray1<'py, T>> {
    let np = py.import("numpy")?;
    let kw = PyDict::new(py);
    kw.set_item("dtype", np.getattr(dtype)?)?;
    let arr = np.call_method1("asarray", (obj,))?;
    np.call_method("ascontiguousarray", (arr,), Some(&kw))?
        .extract()
        .map_err(|_| input_error(py, name, format!("{name}: expected one dimension")))
}

/// Integer survey answers: a numpy integer array or Series, or a sequence of ints (anything with
/// `__index__`); floats and bools are refused, naming the answer.
pub(crate) fn ints<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<Numbers<'py, i64>> {
    if obj.cast::<PyString>().is_ok() {
        return Err(PyTypeError::new_err(format!(
            "argument '{name}': expected a sequence of int, not str"
        )));
    }
    if arrow::instead_of_numpy(obj) {
        let chunks = arrow::chunks(obj, name)?;
        return arrow::int_values(&chunks).map(Numbers::Vec).map_err(|e| {
            let (key, why) = match e {
                arrow::NotInts::Type(t) => (
                    name.to_owned(),
                    format!("answers are integers, not an Arrow column of {t}"),
                ),
                arrow::NotInts::Null(row) => (
                    format!("{name}[{row}]"),
                    "is null, not an integer".to_owned(),
                ),
                arrow::NotInts::Range(row) => (
                    format!("{name}[{row}]"),
                    "is beyond the range of a 64-bit integer".to_owned(),
                ),
            };
            input_error(py, &key, format!("{key}: {why}"))
        });
    }
    match dtype_kind(obj)?.as_deref() {
        Some("i" | "u") => return Ok(Numbers::Array(contiguous(py, obj, "int64", name)?)),
        Some(kind) => {
            return Err(input_error(
                py,
                name,
                format!("{name}: answers are integers, not an array of dtype kind {kind:?}"),
            ));
        }
        None => {}
    }
    let mut out = Vec::with_capacity(obj.len().unwrap_or(0));
    for (i, v) in obj.try_iter()?.enumerate() {
        let v = v?;
        // An exact int is read directly; a bool is refused; anything else needs `__index__`.
        let int = if v.cast::<PyBool>().is_ok() {
            None
        } else if v.cast_exact::<PyInt>().is_ok() {
            v.extract::<i64>().ok()
        } else {
            v.call_method0("__index__")
                .ok()
                .and_then(|x| x.extract::<i64>().ok())
        };
        match int {
            Some(x) => out.push(x),
            None => {
                // Named by its type (and value, for a float): the str() of an arbitrary
                // object can be huge, or fail on a deeply nested one.
                let what = match v.cast::<PyFloat>() {
                    Ok(f) => format!("{} (float)", f.value()),
                    Err(_) => format!("a {}", v.get_type().name()?),
                };
                return Err(input_error(
                    py,
                    &format!("{name}[{i}]"),
                    format!("{name}[{i}] = {what} is not an integer"),
                ));
            }
        }
    }
    Ok(Numbers::Vec(out))
}

/// Amounts: a numpy numeric array or Series (read in place when float64), or a sequence of
/// numbers.
pub(crate) fn floats<'py>(
    py: Python<'py>,
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<Numbers<'py, f64>> {
    if arrow::instead_of_numpy(obj) {
        let chunks = arrow::chunks(obj, name)?;
        return arrow::float_values(&chunks)
            .map(Numbers::Vec)
            .ok_or_else(|| {
                input_error(
                    py,
                    name,
                    format!("{name}: amounts are numbers, not an Arrow column of another type"),
                )
            });
    }
    match dtype_kind(obj)?.as_deref() {
        Some("f" | "i" | "u") => Ok(Numbers::Array(contiguous(py, obj, "float64", name)?)),
        Some(kind) => Err(input_error(
            py,
            name,
            format!("{name}: amounts are numbers, not an array of dtype kind {kind:?}"),
        )),
        None => obj.extract::<Vec<f64>>().map(Numbers::Vec).map_err(|_| {
            PyTypeError::new_err(format!(
                "argument '{name}': expected a sequence of numbers or a numpy array"
            ))
        }),
    }
}
