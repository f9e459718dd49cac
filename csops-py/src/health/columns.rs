//! A book's columns as the core reads them: `f64` columns borrowed from numpy where they can be, names, dates and segments.

use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use csops_core::health::{self as core, NO_DATE};

use crate::input_error;

use super::*;

/// A column as `f64`s: borrowed from numpy when it already is float64, an Arrow array's own
/// values (float64 without nulls), else converted.
pub(crate) enum Column<'py> {
    Borrowed(PyReadonlyArray1<'py, f64>),
    Arrow(arrow_array::Float64Array),
    Owned(Vec<f64>),
}

impl Column<'_> {
    pub(crate) fn slice(&self) -> PyResult<&[f64]> {
        match self {
            Column::Borrowed(a) => Ok(a.as_slice()?),
            Column::Arrow(a) => Ok(a.values()),
            Column::Owned(v) => Ok(v),
        }
    }
}

/// The names of a table's columns, and a getter: a dict, a pandas / polars DataFrame or a
/// pyarrow Table.
pub(crate) fn column_names(data: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
    if let Ok(d) = data.cast::<PyDict>() {
        return d
            .keys()
            .iter()
            .map(|k| Ok(k.extract::<crate::text::OwnedText>()?.0))
            .collect();
    }
    if data.hasattr("column_names")? {
        return data.getattr("column_names")?.extract();
    }
    if data.hasattr("columns")? {
        return data
            .getattr("columns")?
            .try_iter()?
            .map(|c| c.and_then(|c| c.str().map(|s| s.to_string())))
            .collect();
    }
    Err(PyTypeError::new_err(format!(
        "data: expected a pandas DataFrame, a dict of arrays or a pyarrow Table, not {}",
        data.get_type()
    )))
}

pub(crate) fn get_column<'py>(data: &Bound<'py, PyAny>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    if data.hasattr("column_names")? && data.hasattr("column")? {
        data.call_method1("column", (name,))
    } else {
        data.get_item(name)
    }
}

/// A column as a numpy array (Arrow columns through `to_numpy`, nulls as NaN / None).
pub(crate) fn as_numpy<'py>(
    py: Python<'py>,
    col: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyAny>> {
    let np = py.import("numpy")?;
    let col = if col.hasattr("chunks")? || col.hasattr("to_pylist")? {
        let kw = PyDict::new(py);
        kw.set_item("zero_copy_only", false)?;
        col.call_method("to_numpy", (), Some(&kw))?
    } else {
        col.clone()
    };
    np.call_method1("asarray", (col,))
}

pub(crate) fn measure_column<'py>(
    py: Python<'py>,
    card: &core::Scorecard,
    m: usize,
    col: &Bound<'py, PyAny>,
) -> PyResult<Column<'py>> {
    let arr = as_numpy(py, col)?;
    let kind: String = arr.getattr("dtype")?.getattr("kind")?.extract()?;
    let id = &card.measures()[m];
    match kind.as_str() {
        "f" | "i" | "u" | "b" => {
            let np = py.import("numpy")?;
            let kw = PyDict::new(py);
            kw.set_item("dtype", np.getattr("float64")?)?;
            let a = np.call_method("ascontiguousarray", (arr,), Some(&kw))?;
            let a: PyReadonlyArray1<'py, f64> = a.extract().map_err(|_| {
                input_error(py, id, format!("column {id:?}: expected one dimension"))
            })?;
            Ok(Column::Borrowed(a))
        }
        "O" | "U" | "S" => {
            let mut out = Vec::with_capacity(arr.len()?);
            for item in arr.try_iter()? {
                let item = item?;
                let v = if item.is_none() {
                    f64::NAN
                } else if let Ok(s) = item.cast::<PyString>() {
                    card.category_code(m, crate::text::str_of(s, id)?)
                        .map_err(|e| core_error(py, e))?
                } else if let Ok(x) = item.extract::<f64>() {
                    x
                } else {
                    return Err(input_error(
                        py,
                        id,
                        format!(
                            "column {id:?}: {} is neither text nor a number",
                            item.repr()?
                        ),
                    ));
                };
                out.push(v);
            }
            Ok(Column::Owned(out))
        }
        other => Err(input_error(
            py,
            id,
            format!(
                "column {id:?}: numbers or category names are needed, not dtype kind {other:?}"
            ),
        )),
    }
}

/// Dates as days since 1970-01-01 (NaT / None: unknown).
pub(crate) fn day_column(py: Python<'_>, col: &Bound<'_, PyAny>) -> PyResult<Vec<i64>> {
    let np = py.import("numpy")?;
    let arr = as_numpy(py, col)?;
    let days = np
        .call_method1("asarray", (arr, "datetime64[D]"))?
        .call_method1("astype", ("int64",))?;
    let days: PyReadonlyArray1<'_, i64> = days.extract()?;
    // numpy's NaT is i64::MIN, the core's NO_DATE.
    debug_assert_eq!(NO_DATE, i64::MIN);
    Ok(days.as_slice()?.to_vec())
}

pub(crate) fn strings(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Vec<Option<String>>> {
    let arr = as_numpy(py, obj)?;
    arr.try_iter()?
        .map(|x| {
            let x = x?;
            if x.is_none() || x.extract::<f64>().is_ok_and(f64::is_nan) {
                Ok(None)
            } else {
                Ok(Some(x.str()?.to_string()))
            }
        })
        .collect()
}

/// Computed once per call, outside the GIL-free part.
pub(crate) struct Prepared<'py> {
    pub(crate) columns: Vec<(usize, Column<'py>)>,
    pub(crate) observed: Vec<(usize, Vec<i64>)>,
    pub(crate) segments: Option<Vec<u32>>,
    pub(crate) previous: Option<Vec<u8>>,
}
