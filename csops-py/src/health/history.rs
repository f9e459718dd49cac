//! Long tables in (SPEC §13): a measure history (`account`, `measure`, `observed_at`, `value`,
//! optionally `category`), a segment history (`account`, `segment`, `from`) and outcomes
//! (`account`, `outcome`, `at`), from any table that exports Arrow data (pandas, polars,
//! pyarrow, DuckDB), read batch by batch into the core's columns: text as dictionary codes
//! (an Arrow dictionary's own codes when the column is one: a pandas categorical, a polars
//! Categorical), times as days.

use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch, StringArray};
use arrow_schema::{DataType, Schema};
use pyo3::prelude::*;
use rustc_hash::FxHashMap;

use csops_core::health::{self as core, NO_CODE, NO_DATE};

use pyo3::types::IntoPyDict;

use crate::arrow::{self, Kind, TextColumn};
use crate::*;

/// A text column being dictionary-encoded across record batches.
#[derive(Default)]
pub(crate) struct Encoder {
    names: Vec<String>,
    index: FxHashMap<String, u32>,
    codes: Vec<u32>,
}

impl Encoder {
    fn code(&mut self, text: &str) -> u32 {
        if let Some(c) = self.index.get(text) {
            return *c;
        }
        let c = u32::try_from(self.names.len()).unwrap_or(NO_CODE);
        self.names.push(text.to_owned());
        self.index.insert(text.to_owned(), c);
        c
    }

    /// Appends one batch's column (`name` for the error of a column that is not text).
    fn push(&mut self, py: Python<'_>, array: &ArrayRef, name: &str) -> PyResult<()> {
        let chunk = Chunk::new(py, array, name)?;
        self.extend(&chunk);
        Ok(())
    }

    /// Appends a prepared chunk (no Python: another thread may do it).
    fn extend(&mut self, chunk: &Chunk) {
        match chunk {
            Chunk::Dictionary { values, keys } => {
                let map: Vec<u32> = (0..values.len)
                    .map(|i| values.text.get(i).map_or(NO_CODE, |t| self.code(t)))
                    .collect();
                self.codes.extend(
                    keys.iter()
                        .map(|k| k.and_then(|k| map.get(k).copied()).unwrap_or(NO_CODE)),
                );
            }
            Chunk::Text { text, len } => {
                // Long tables repeat a text row after row (an account's rows together): the
                // previous row's code is reused without hashing.
                let mut last: Option<(&str, u32)> = None;
                for i in 0..*len {
                    let code = match text.get(i) {
                        None => NO_CODE,
                        Some(t) => match last {
                            Some((l, c)) if l == t => c,
                            _ => {
                                let c = self.code(t);
                                last = Some((t, c));
                                c
                            }
                        },
                    };
                    self.codes.push(code);
                }
            }
        }
    }

    pub(crate) fn into_text(self) -> core::CodedText {
        core::CodedText {
            names: self.names,
            codes: self.codes,
        }
    }
}

/// A text column's batch, read for encoding: its text, or a dictionary's values and its keys.
pub(crate) enum Chunk {
    Text {
        text: TextColumn,
        len: usize,
    },
    Dictionary {
        values: DictValues,
        keys: Vec<Option<usize>>,
    },
}

/// A dictionary's values.
pub(crate) struct DictValues {
    text: TextColumn,
    len: usize,
}

impl Chunk {
    fn new(py: Python<'_>, array: &ArrayRef, name: &str) -> PyResult<Chunk> {
        if let DataType::Dictionary(key, _) = array.data_type() {
            let dict = array.as_any_dictionary();
            let values = DictValues {
                text: TextColumn::new(py, dict.values(), name)?,
                len: dict.values().len(),
            };
            let k = dict.keys();
            macro_rules! keys_as {
                ($t:ty) => {
                    k.as_primitive::<$t>()
                        .iter()
                        .map(|k| k.and_then(|k| usize::try_from(k).ok()))
                        .collect()
                };
            }
            let keys = match key.as_ref() {
                DataType::Int8 => keys_as!(Int8Type),
                DataType::Int16 => keys_as!(Int16Type),
                DataType::Int32 => keys_as!(Int32Type),
                DataType::Int64 => keys_as!(Int64Type),
                DataType::UInt8 => keys_as!(UInt8Type),
                DataType::UInt16 => keys_as!(UInt16Type),
                DataType::UInt32 => keys_as!(UInt32Type),
                other => {
                    return Err(input_error(
                        py,
                        name,
                        format!("column {name:?}: dictionary keys of {other} are not supported"),
                    ));
                }
            };
            return Ok(Chunk::Dictionary { values, keys });
        }
        Ok(Chunk::Text {
            text: TextColumn::new(py, array, name)?,
            len: array.len(),
        })
    }
}

/// Appends one batch's time column as days since 1970-01-01 (null: [`NO_DATE`]) and, into
/// `tod` when given, each time's seconds into its UTC day (0 for a date).
fn push_days(
    py: Python<'_>,
    out: &mut Vec<i64>,
    mut tod: Option<&mut Vec<u32>>,
    array: &ArrayRef,
    name: &str,
    first_row: usize,
) -> PyResult<()> {
    if let DataType::Date32 = array.data_type() {
        let days = array.as_primitive::<arrow_array::types::Date32Type>();
        out.extend(days.iter().map(|d| d.map_or(NO_DATE, i64::from)));
        if let Some(t) = tod.as_mut() {
            t.extend(std::iter::repeat_n(0, array.len()));
        }
        return Ok(());
    }
    let times = arrow::TimeColumn::new(py, array, name)?;
    if let arrow::TimeColumn::Epoch { values, per_second } = &times {
        let per_day = per_second * 86_400;
        if values.null_count() == 0 {
            out.extend(values.values().iter().map(|v| v.div_euclid(per_day)));
        } else {
            out.extend(
                values
                    .iter()
                    .map(|v| v.map_or(NO_DATE, |v| v.div_euclid(per_day))),
            );
        }
        if let Some(t) = tod.as_mut() {
            let second = |v: i64| u32::try_from(v.rem_euclid(per_day) / per_second).unwrap_or(0);
            t.extend(values.iter().map(|v| v.map_or(0, second)));
        }
        return Ok(());
    }
    for i in 0..array.len() {
        let (day, seconds) = match times.get(i) {
            None => (NO_DATE, 0),
            Some(csops_core::metrics::At::Seconds(s)) => (
                s.div_euclid(86_400),
                u32::try_from(s.rem_euclid(86_400)).unwrap_or(0),
            ),
            Some(csops_core::metrics::At::Text(t)) => {
                core::instant_from_text(t).ok_or_else(|| {
                    input_error(
                        py,
                        name,
                        format!(
                            "{name}: row {}: {t:?} is not a date (2026-01-05) or an RFC 3339 time",
                            first_row + i
                        ),
                    )
                })?
            }
        };
        out.push(day);
        if let Some(t) = tod.as_mut() {
            t.push(seconds);
        }
    }
    Ok(())
}

/// A table's record batches and schema (`arg` names the argument in errors).
fn table(obj: &Bound<'_, PyAny>, arg: &str) -> PyResult<(Arc<Schema>, Vec<RecordBatch>)> {
    arrow::batches(obj, arg)
}

/// A measure history's columns, owned.
pub(crate) struct HistoryColumns {
    account: core::CodedText,
    measure: core::CodedText,
    observed: Vec<i64>,
    time_of_day: Vec<u32>,
    value: Vec<f64>,
    category: Option<core::CodedText>,
}

/// Reads a measure history table.
pub(crate) fn history_columns(obj: &Bound<'_, PyAny>) -> PyResult<HistoryColumns> {
    let py = obj.py();
    let arg = "history";
    // A pandas `value` column of Python objects (numbers and category names together, the
    // usual long table) cannot go through Arrow: it is read cell by cell, the rest by Arrow.
    if Kind::of(obj) == Kind::Pandas && object_column(obj, "value")? {
        let (value, words) = object_values(&obj.get_item("value")?)?;
        let numbers = [("value", f64::NAN)].into_py_dict(py)?;
        let mut h = history_columns(&obj.call_method("assign", (), Some(&numbers))?)?;
        if h.category.is_some() {
            return Err(input_error(
                py,
                "value",
                "history: `value` holds category names and there is a `category` column too: \
                 give numbers in `value` and category names in `category`"
                    .into(),
            ));
        }
        h.value = value;
        h.category = Some(words.into_text());
        return Ok(h);
    }
    let (schema, batches) = table(obj, arg)?;
    let mut measure = Encoder::default();
    let mut category = schema
        .column_with_name("category")
        .map(|_| Encoder::default());
    let mut text_values: Option<Encoder> = None;
    let (mut observed, mut value) = (Vec::new(), Vec::new());
    let mut time_of_day: Vec<u32> = Vec::new();
    let mut rows = 0;
    // The accounts are encoded on a thread of their own while this one reads the rest.
    let accounts = batches
        .iter()
        .map(|b| Chunk::new(py, arrow::column(py, b, "account", arg)?, "account"))
        .collect::<PyResult<Vec<_>>>()?;
    let (encoded, rest) = std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            let mut e = Encoder::default();
            for c in &accounts {
                e.extend(c);
            }
            e
        });
        let rest = (|| -> PyResult<()> {
            for b in &batches {
                measure.push(py, arrow::column(py, b, "measure", arg)?, "measure")?;
                push_days(
                    py,
                    &mut observed,
                    Some(&mut time_of_day),
                    arrow::column(py, b, "observed_at", arg)?,
                    "observed_at",
                    rows,
                )?;
                let v = arrow::column(py, b, "value", arg)?;
                match arrow::floats(v) {
                    Some(f) if text_values.is_none() => value.extend(f.values().iter().copied()),
                    _ => {
                        // A text value column holds category names.
                        let words = text_values.get_or_insert_with(|| Encoder {
                            codes: vec![NO_CODE; value.len()],
                            ..Encoder::default()
                        });
                        words.push(py, v, "value")?;
                        value.extend(std::iter::repeat_n(f64::NAN, b.num_rows()));
                    }
                }
                if let Some(c) = category.as_mut() {
                    c.push(py, arrow::column(py, b, "category", arg)?, "category")?;
                }
                rows += b.num_rows();
            }
            Ok(())
        })();
        (worker.join(), rest)
    });
    rest?;
    let account =
        encoded.map_err(|_| pyo3::exceptions::PyRuntimeError::new_err("reading accounts"))?;
    if text_values.is_some() && category.is_some() {
        return Err(input_error(
            py,
            "value",
            "history: `value` is text and there is a `category` column too: give numbers in \
             `value` and category names in `category`"
                .into(),
        ));
    }
    Ok(HistoryColumns {
        account: account.into_text(),
        measure: measure.into_text(),
        observed,
        time_of_day,
        value,
        category: text_values.or(category).map(Encoder::into_text),
    })
}

/// Whether a pandas DataFrame's column `name` holds Python objects.
fn object_column(frame: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    let columns = frame.getattr("columns")?;
    if !columns.contains(name)? {
        return Ok(false);
    }
    let kind: String = frame
        .get_item(name)?
        .getattr("dtype")?
        .getattr("kind")?
        .extract()?;
    Ok(kind == "O")
}

/// A column of Python objects as numbers and category names: a number (not a bool) is a
/// value, text is a category, None and NaN are no value; anything else is an error naming the
/// row.
fn object_values(series: &Bound<'_, PyAny>) -> PyResult<(Vec<f64>, Encoder)> {
    let py = series.py();
    let cells = series.call_method0("tolist")?;
    let mut values = Vec::new();
    let mut words = Encoder::default();
    for (i, cell) in cells.try_iter()?.enumerate() {
        let cell = cell?;
        let (v, w) = if cell.is_none() {
            (f64::NAN, NO_CODE)
        } else if let Ok(t) = cell.cast::<pyo3::types::PyString>() {
            (f64::NAN, words.code(crate::text::str_of(t, "value")?))
        } else if !cell.is_instance_of::<pyo3::types::PyBool>()
            && let Ok(x) = cell.extract::<f64>()
        {
            (x, NO_CODE)
        } else {
            return Err(input_error(
                py,
                "value",
                format!(
                    "history: row {i}: value {} is not a number or a category name",
                    cell.repr()?
                ),
            ));
        };
        values.push(v);
        words.codes.push(w);
    }
    Ok((values, words))
}

/// Reads a segment history table.
fn segment_columns(
    obj: &Bound<'_, PyAny>,
) -> PyResult<(core::CodedText, core::CodedText, Vec<i64>)> {
    let py = obj.py();
    let arg = "segments";
    let (_, batches) = table(obj, arg)?;
    let (mut account, mut segment, mut from) = (Encoder::default(), Encoder::default(), Vec::new());
    let mut rows = 0;
    for b in &batches {
        account.push(py, arrow::column(py, b, "account", arg)?, "account")?;
        segment.push(py, arrow::column(py, b, "segment", arg)?, "segment")?;
        push_days(
            py,
            &mut from,
            None,
            arrow::column(py, b, "from", arg)?,
            "from",
            rows,
        )?;
        rows += b.num_rows();
    }
    Ok((account.into_text(), segment.into_text(), from))
}

/// A measure history (and segment history) read and indexed by the core, with the GIL
/// released while it sorts.
pub(crate) fn read_history(
    history: &Bound<'_, PyAny>,
    segments: Option<&Bound<'_, PyAny>>,
) -> PyResult<core::MeasureHistory> {
    let py = history.py();
    let h = history_columns(history)?;
    let s = segments
        .filter(|s| !s.is_none())
        .map(segment_columns)
        .transpose()?;
    py.detach(|| {
        core::MeasureHistory::new(
            core::HistoryRows {
                account: h.account.coded(),
                measure: h.measure.coded(),
                observed: &h.observed,
                time_of_day: Some(&h.time_of_day),
                value: &h.value,
                category: h.category.as_ref().map(core::CodedText::coded),
            },
            s.as_ref().map(|(a, g, f)| core::SegmentRows {
                account: a.coded(),
                segment: g.coded(),
                from: f,
            }),
        )
    })
    .map_err(|e| core_error_in(py, e, "history"))
}

/// Outcomes' columns, owned.
pub(crate) struct Outcomes {
    account: core::CodedText,
    outcome: core::CodedText,
    at: Vec<i64>,
}

impl Outcomes {
    pub(crate) fn rows(&self) -> core::OutcomeRows<'_> {
        core::OutcomeRows {
            account: self.account.coded(),
            outcome: self.outcome.coded(),
            at: &self.at,
        }
    }
}

/// Reads an outcomes table (`account`, `outcome`, `at`).
pub(crate) fn read_outcomes(obj: &Bound<'_, PyAny>) -> PyResult<Outcomes> {
    let py = obj.py();
    let arg = "outcomes";
    let (_, batches) = table(obj, arg)?;
    let (mut account, mut outcome, mut at) = (Encoder::default(), Encoder::default(), Vec::new());
    let mut rows = 0;
    for b in &batches {
        account.push(py, arrow::column(py, b, "account", arg)?, "account")?;
        outcome.push(py, arrow::column(py, b, "outcome", arg)?, "outcome")?;
        push_days(
            py,
            &mut at,
            None,
            arrow::column(py, b, "at", arg)?,
            "at",
            rows,
        )?;
        rows += b.num_rows();
    }
    if let Some(i) = at.iter().position(|d| *d == NO_DATE) {
        return Err(input_error(
            py,
            "at",
            format!("outcomes: row {i}: no date in `at`"),
        ));
    }
    Ok(Outcomes {
        account: account.into_text(),
        outcome: outcome.into_text(),
        at,
    })
}

/// A text column of `names` (for results).
pub(crate) fn strings(names: impl IntoIterator<Item = impl AsRef<str>>) -> StringArray {
    names
        .into_iter()
        .map(|n| Some(n.as_ref().to_owned()))
        .collect()
}
