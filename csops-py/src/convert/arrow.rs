//! Arrow in and out. Any object exporting the Arrow PyCapsule interface (`__arrow_c_stream__`
//! or `__arrow_c_array__`: pyarrow, polars, DuckDB results, nanoarrow, pandas ≥ 2.2) is read as
//! record batches through `pyo3-arrow`, without pyarrow or polars and without copying its
//! float64 columns; a result goes back as the kind of object that came in (`Kind`).

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, Date32Array, Float64Array, Int64Array, LargeStringArray, RecordBatch,
    StringArray, StringViewArray,
};
use arrow_schema::{DataType, Schema, TimeUnit};
use csops_core::metrics::At;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3_arrow::PyTable;
use pyo3_arrow::input::{AnyArray, AnyRecordBatch};

use crate::*;

/// Whether `obj` exports the Arrow PyCapsule interface.
pub(crate) fn is_arrow(obj: &Bound<'_, PyAny>) -> bool {
    let py = obj.py();
    obj.hasattr(intern!(py, "__arrow_c_stream__"))
        .unwrap_or(false)
        || obj
            .hasattr(intern!(py, "__arrow_c_array__"))
            .unwrap_or(false)
}

/// Whether `obj` is read through Arrow where numpy's path is the other choice: it exports the
/// interface and is not pandas (a pandas DataFrame or Series keeps numpy's path and its index).
pub(crate) fn instead_of_numpy(obj: &Bound<'_, PyAny>) -> bool {
    is_arrow(obj) && Kind::of(obj) != Kind::Pandas
}

/// The kind of table a result is given back as: the kind that came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A pandas DataFrame.
    Pandas,
    /// A polars DataFrame.
    Polars,
    /// A pyarrow Table (or record batch, or reader).
    PyArrow,
    /// Anything else exporting the interface (DuckDB, nanoarrow): an Arrow table object that
    /// exports it too.
    Arrow,
}

impl Kind {
    /// The kind of `obj`, by the package its type comes from.
    pub(crate) fn of(obj: &Bound<'_, PyAny>) -> Kind {
        let module = obj
            .get_type()
            .module()
            .map(|m| m.to_string())
            .unwrap_or_default();
        let package = module.split('.').next().unwrap_or("");
        match package {
            "pandas" => Kind::Pandas,
            "polars" => Kind::Polars,
            "pyarrow" => Kind::PyArrow,
            _ => Kind::Arrow,
        }
    }

    /// A table of `batches` as this kind of object.
    pub(crate) fn table<'py>(
        self,
        py: Python<'py>,
        schema: Arc<Schema>,
        batches: Vec<RecordBatch>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let table = PyTable::try_new(batches, schema)?;
        match self {
            Kind::PyArrow => table.into_pyarrow(py),
            Kind::Pandas => table.into_pyarrow(py)?.call_method0("to_pandas"),
            Kind::Polars => py.import("polars")?.getattr("DataFrame")?.call1((table,)),
            Kind::Arrow => Ok(table.into_pyobject(py)?.into_any()),
        }
    }
}

/// An Arrow object's record batches as a stream, read one at a time (`name` is the argument,
/// for the error of an object that is not Arrow).
pub(crate) fn reader(
    obj: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<Box<dyn arrow_array::RecordBatchReader + Send>> {
    let py = obj.py();
    let any: AnyRecordBatch = obj.extract().map_err(|e| {
        input_error(
            py,
            name,
            format!("{name}: not a table that exports Arrow data: {e}"),
        )
    })?;
    any.into_reader()
}

/// Every record batch of an Arrow object (the stream read to its end; the columns are shared,
/// not copied). `name` is the argument, for the error of an object that is not Arrow.
pub(crate) fn batches(
    obj: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<(Arc<Schema>, Vec<RecordBatch>)> {
    let py = obj.py();
    let reader = reader(obj, name)?;
    let schema = reader.schema();
    let batches = reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| input_error(py, name, format!("{name}: {e}")))?;
    Ok((schema, batches))
}

/// A batch's column by name; a missing column is an `InputError` naming it and listing the
/// columns there are.
pub(crate) fn column<'b>(
    py: Python<'_>,
    batch: &'b RecordBatch,
    name: &str,
    arg: &str,
) -> PyResult<&'b ArrayRef> {
    batch.column_by_name(name).ok_or_else(|| {
        let names: Vec<&str> = batch
            .schema_ref()
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        input_error(
            py,
            name,
            format!("{arg}: no column {name:?} (columns: {})", names.join(", ")),
        )
    })
}

/// A text column, read in place when it is text already (other types are cast to text once).
pub(crate) enum TextColumn {
    Utf8(StringArray),
    Large(LargeStringArray),
    View(StringViewArray),
}

impl TextColumn {
    pub(crate) fn new(py: Python<'_>, array: &ArrayRef, name: &str) -> PyResult<TextColumn> {
        Ok(match array.data_type() {
            DataType::Utf8 => TextColumn::Utf8(array.as_string::<i32>().clone()),
            DataType::LargeUtf8 => TextColumn::Large(array.as_string::<i64>().clone()),
            DataType::Utf8View => TextColumn::View(array.as_string_view().clone()),
            other => {
                let cast = arrow_cast::cast(array, &DataType::Utf8).map_err(|e| {
                    input_error(
                        py,
                        name,
                        format!("column {name:?}: {other} is not text: {e}"),
                    )
                })?;
                TextColumn::Utf8(cast.as_string::<i32>().clone())
            }
        })
    }

    /// Row `i` (`None` when null).
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        match self {
            TextColumn::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            TextColumn::Large(a) => a.is_valid(i).then(|| a.value(i)),
            TextColumn::View(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }
}

/// A time column: timestamps of any unit and zone, dates, or RFC 3339 text.
pub(crate) enum TimeColumn {
    /// Counts since 1970-01-01T00:00:00Z, `per_second` to a second.
    Epoch {
        values: Int64Array,
        per_second: i64,
    },
    /// Days since 1970-01-01.
    Days(Date32Array),
    Text(TextColumn),
}

impl TimeColumn {
    pub(crate) fn new(py: Python<'_>, array: &ArrayRef, name: &str) -> PyResult<TimeColumn> {
        let epoch = |per_second: i64| -> PyResult<TimeColumn> {
            let values = arrow_cast::cast(array, &DataType::Int64)
                .map_err(|e| input_error(py, name, format!("column {name:?}: {e}")))?;
            Ok(TimeColumn::Epoch {
                values: values.as_primitive::<Int64Type>().clone(),
                per_second,
            })
        };
        match array.data_type() {
            DataType::Timestamp(unit, _) => epoch(match unit {
                TimeUnit::Second => 1,
                TimeUnit::Millisecond => 1_000,
                TimeUnit::Microsecond => 1_000_000,
                TimeUnit::Nanosecond => 1_000_000_000,
            }),
            DataType::Date64 => epoch(1_000),
            DataType::Date32 => Ok(TimeColumn::Days(array.as_primitive::<Date32Type>().clone())),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                Ok(TimeColumn::Text(TextColumn::new(py, array, name)?))
            }
            other => Err(input_error(
                py,
                name,
                format!(
                    "column {name:?}: {other} is not a time (a timestamp, a date, or RFC 3339 text)"
                ),
            )),
        }
    }

    /// Row `i` (`None` when null).
    pub(crate) fn get(&self, i: usize) -> Option<At<'_>> {
        match self {
            TimeColumn::Epoch { values, per_second } => values
                .is_valid(i)
                .then(|| At::Seconds(values.value(i).div_euclid(*per_second))),
            TimeColumn::Days(days) => days
                .is_valid(i)
                .then(|| At::Seconds(i64::from(days.value(i)) * 86_400)),
            TimeColumn::Text(t) => t.get(i).map(At::Text),
        }
    }
}

/// A numeric column as `f64`s with nulls as NaN: the array itself when it is float64 without
/// nulls (no copy), else one converted copy. `None` for a column that is not numeric.
pub(crate) fn floats(array: &ArrayRef) -> Option<Float64Array> {
    let numeric = |dt: &DataType| dt.is_numeric() || *dt == DataType::Boolean;
    match array.data_type() {
        DataType::Dictionary(_, values) if numeric(values) => {}
        dt if numeric(dt) => {}
        _ => return None,
    }
    let cast = arrow_cast::cast(array, &DataType::Float64).ok()?;
    let values = cast.as_primitive::<Float64Type>();
    let Some(nulls) = values.nulls().filter(|n| n.null_count() > 0) else {
        return Some(values.clone());
    };
    // One copy of the values, NaN where a value is null (the nulls found by scanning the
    // validity bits a word at a time).
    let mut out = values.values().to_vec();
    for i in (!nulls.inner()).set_indices() {
        out[i] = f64::NAN;
    }
    Some(Float64Array::from(out))
}

/// A one-column Arrow object (a pyarrow Array or ChunkedArray, a polars Series) as its chunks.
pub(crate) fn chunks(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Vec<ArrayRef>> {
    let py = obj.py();
    let any: AnyArray = obj.extract().map_err(|e| {
        input_error(
            py,
            name,
            format!("{name}: not a column that exports Arrow data: {e}"),
        )
    })?;
    let (chunks, _) = any.into_chunked_array()?.into_inner();
    Ok(chunks)
}

/// A numeric Arrow column as `f64`s (nulls as NaN, for the core to name); `None` when it is
/// not numeric.
pub(crate) fn float_values(chunks: &[ArrayRef]) -> Option<Vec<f64>> {
    let mut out = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    for c in chunks {
        out.extend(floats(c)?.values().iter().copied());
    }
    Some(out)
}

/// Why an Arrow column is not a column of `i64`s.
pub(crate) enum NotInts {
    /// Not of an integer type.
    Type(DataType),
    /// A null, at this row.
    Null(usize),
    /// A value beyond `i64` (an unsigned 64-bit one), at this row.
    Range(usize),
}

/// An integer Arrow column as `i64`s.
pub(crate) fn int_values(chunks: &[ArrayRef]) -> Result<Vec<i64>, NotInts> {
    let mut out = Vec::with_capacity(chunks.iter().map(|c| c.len()).sum());
    for c in chunks {
        if !c.data_type().is_integer() {
            return Err(NotInts::Type(c.data_type().clone()));
        }
        if let Some(row) = (0..c.len()).find(|i| c.is_null(*i)) {
            return Err(NotInts::Null(out.len() + row));
        }
        // Safe casting turns a value beyond i64 into a null: that null is the value's row.
        let cast = arrow_cast::cast(c, &DataType::Int64)
            .map_err(|_| NotInts::Type(c.data_type().clone()))?;
        let values = cast.as_primitive::<Int64Type>();
        if let Some(row) = (0..values.len()).find(|i| values.is_null(*i)) {
            return Err(NotInts::Range(out.len() + row));
        }
        out.extend(values.values().iter().copied());
    }
    Ok(out)
}

/// The rows of an Arrow table read as `T`s through serde (`serde_arrow`: typed, no Python objects
/// and no JSON in between); an error names the row and field (`accounts[3].arr`). The table's
/// batches are joined first, so that a row's number is its place in the whole table.
pub(crate) fn records<T: serde::de::DeserializeOwned>(
    obj: &Bound<'_, PyAny>,
    name: &str,
) -> PyResult<Vec<T>> {
    let py = obj.py();
    let (schema, batches) = batches(obj, name)?;
    let batch = arrow_select::concat::concat_batches(&schema, &batches)
        .map_err(|e| input_error(py, name, format!("{name}: {e}")))?;
    let de = serde_arrow::Deserializer::from_record_batch(&batch)
        .map_err(|e| input_error(py, name, format!("{name}: {e}")))?;
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = format!("{name}{}", e.path());
        let words = csops_core::reader_words(&e.into_inner().to_string());
        input_error(py, &key, format!("{key}: {words}"))
    })
}

/// `items` as a one-batch Arrow table of the kind `kind`, its schema traced from `T` (enums as
/// their names).
pub(crate) fn table_of<'py, T: serde::Serialize + serde::de::DeserializeOwned>(
    py: Python<'py>,
    kind: Kind,
    items: &[T],
) -> PyResult<Bound<'py, PyAny>> {
    use serde_arrow::schema::{SchemaLike, TracingOptions};
    let runtime = |e: serde_arrow::Error| pyo3::exceptions::PyRuntimeError::new_err(e.to_string());
    let fields = Vec::<arrow_schema::FieldRef>::from_type::<T>(
        TracingOptions::default().enums_without_data_as_strings(true),
    )
    .map_err(runtime)?;
    let batch = serde_arrow::to_record_batch(&fields, &items).map_err(runtime)?;
    kind.table(py, batch.schema(), vec![batch])
}
