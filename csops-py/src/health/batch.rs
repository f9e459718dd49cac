//! `Scorecard.score_batch`: a book's columns read once (numpy, pandas, a dict, or any Arrow
//! table: float64 Arrow columns without nulls are read in place), its per-row arguments, one
//! core call with the GIL released, and the scores given back as the kind of table that came
//! in.

use std::sync::Arc;

use arrow_array::builder::{ListBuilder, StringBuilder};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use csops_core::health::{self as core, Batch, NO_SEGMENT, UNKNOWN_CODE};

use crate::arrow::{Kind, TextColumn};

use super::backtest::{band_column, identity_metadata, mark_frame};

use super::*;

/// `score_batch`'s arguments besides the book.
pub(crate) struct BookArgs<'a, 'py> {
    pub(crate) as_of: Option<&'a Bound<'py, PyAny>>,
    pub(crate) observed: Option<&'a Bound<'py, PyDict>>,
    pub(crate) segment: Option<&'a Bound<'py, PyAny>>,
    pub(crate) previous: Option<&'a Bound<'py, PyAny>>,
    pub(crate) threads: Option<usize>,
    pub(crate) reasons: usize,
}

/// A book's columns and arguments read once: what a [`Batch`] borrows.
pub(crate) struct Book<'py> {
    prepared: Prepared<'py>,
    /// Rows.
    pub(crate) n: usize,
    as_of: Option<NaiveDate>,
    threads: usize,
    /// Whether the book came as Arrow data.
    arrow: bool,
    /// Each row's segment name, when segments were given.
    pub(crate) segment_names: Option<Vec<Option<String>>>,
}

impl Book<'_> {
    /// The batch over the book's columns.
    pub(crate) fn batch<'b>(
        &'b self,
        py: Python<'_>,
        card: &'b core::Scorecard,
    ) -> PyResult<Batch<'b>> {
        let prepared = &self.prepared;
        let mut batch = Batch::new(card, self.n).threads(self.threads);
        for (m, col) in &prepared.columns {
            batch = batch
                .values(&card.measures()[*m], col.slice()?)
                .map_err(|e| core_error(py, e))?;
        }
        for (m, days) in &prepared.observed {
            batch = batch
                .observed(&card.measures()[*m], days)
                .map_err(|e| core_error(py, e))?;
        }
        if let Some(s) = &prepared.segments {
            batch = batch.segments(s).map_err(|e| core_error(py, e))?;
        }
        if let Some(p) = &prepared.previous {
            batch = batch.previous_bands(p).map_err(|e| core_error(py, e))?;
        }
        if let Some(d) = self.as_of {
            batch = batch.as_of(d);
        }
        Ok(batch)
    }
}

/// Reads a book and `score_batch`'s arguments (see `Scorecard.score_batch`).
pub(crate) fn read_book<'py>(
    py: Python<'py>,
    card: &core::Scorecard,
    data: &Bound<'py, PyAny>,
    args: &BookArgs<'_, 'py>,
) -> PyResult<Book<'py>> {
    let arrow = arrow::instead_of_numpy(data);
    let mut segment_names = None;
    // The book's length is the first column's; the core's batch holds every other column to
    // it (its error names the column).
    let mut n: Option<usize> = None;
    let mut prepared = Prepared {
        columns: Vec::new(),
        observed: Vec::new(),
        segments: None,
        previous: None,
    };
    if arrow {
        let (columns, rows) = arrow_columns(py, card, data)?;
        prepared.columns = columns;
        n.get_or_insert(rows);
    } else {
        let names = column_names(data)?;
        for (m, id) in card.measures().iter().enumerate() {
            if names.iter().any(|c| c == id) {
                let col = measure_column(py, card, m, &get_column(data, id)?)?;
                n.get_or_insert(col.slice()?.len());
                prepared.columns.push((m, col));
            }
        }
        if n.is_none() {
            n.get_or_insert(data.len()?);
        }
    }
    if let Some(obs) = args.observed {
        for (k, v) in obs.iter() {
            let id = k.extract::<crate::text::OwnedText>()?.0;
            let m = card.measure_index(&id).ok_or_else(|| {
                input_error(py, "observed", format!("observed: {id:?} is not a measure"))
            })?;
            let days = day_column(py, &v)?;
            n.get_or_insert(days.len());
            prepared.observed.push((m, days));
        }
    }
    if let Some(seg) = args.segment.filter(|s| !s.is_none()) {
        if let Ok(s) = seg.cast::<PyString>() {
            let code = card
                .segment_code(crate::text::str_of(s, "segment")?)
                .map_err(|e| core_error(py, e))?;
            prepared.segments = Some(vec![code; n.unwrap_or(0)]);
            segment_names = Some(vec![
                Some(crate::text::str_of(s, "segment")?.to_owned());
                n.unwrap_or(0)
            ]);
        } else {
            // A book holds a few segment names over many rows: each is looked up once.
            let names = strings(py, seg)?;
            let mut known: std::collections::HashMap<&str, u32> = Default::default();
            let codes: Vec<u32> = names
                .iter()
                .enumerate()
                .map(|(row, s)| match s.as_deref() {
                    None => Ok(NO_SEGMENT),
                    Some(s) => match known.get(s) {
                        Some(code) => Ok(*code),
                        None => {
                            let code = card
                                .segment_code(s)
                                .map_err(|e| core_error(py, e.in_row(row)))?;
                            known.insert(s, code);
                            Ok(code)
                        }
                    },
                })
                .collect::<PyResult<_>>()?;
            n.get_or_insert(codes.len());
            prepared.segments = Some(codes);
            segment_names = Some(names);
        }
    }
    if let Some(prev) = args.previous.filter(|p| !p.is_none()) {
        // The previous result: an Arrow table (its `band` column), a dict or DataFrame, or the
        // band names themselves.
        let names: Vec<Option<String>> = if arrow::instead_of_numpy(prev) {
            let (_, batches) = arrow::batches(prev, "previous")?;
            let mut names = Vec::new();
            for b in &batches {
                let band = TextColumn::new(py, arrow::column(py, b, "band", "previous")?, "band")?;
                names.extend((0..b.num_rows()).map(|i| band.get(i).map(str::to_owned)));
            }
            names
        } else if prev.cast::<PyDict>().is_ok() || prev.hasattr("columns")? {
            strings(py, &prev.get_item("band")?)?
        } else {
            strings(py, prev)?
        };
        let mut codes = Vec::new();
        for b in names {
            let code = match b {
                None => UNKNOWN_CODE,
                Some(b) => card
                    .band_named(&b, "previous")
                    .map_err(|e| core_error(py, e))?,
            };
            codes.push(code);
        }
        n.get_or_insert(codes.len());
        prepared.previous = Some(codes);
    }
    let n = n.unwrap_or(0);
    let as_of: Option<NaiveDate> = args
        .as_of
        .filter(|d| !d.is_none())
        .map(|d| day(py, d, "as_of"))
        .transpose()?;
    Ok(Book {
        prepared,
        n,
        as_of,
        threads: csops_core::threads::threads_for(args.threads),
        arrow,
        segment_names,
    })
}

/// Scores a book (see `Scorecard.score_batch`).
pub(crate) fn score_book<'py>(
    py: Python<'py>,
    card: &core::Scorecard,
    data: &Bound<'py, PyAny>,
    args: BookArgs<'_, 'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let book = read_book(py, card, data, &args)?;
    let (n, arrow) = (book.n, book.arrow);
    let batch = book.batch(py, card)?;
    let (mut score, mut band, mut coverage) = (vec![0.0; n], vec![0u8; n], vec![0.0; n]);
    let reasons = args.reasons;
    let reasons: Option<Vec<Vec<String>>> = py
        .detach(|| {
            batch.score_into(&mut score, &mut band, &mut coverage)?;
            (reasons > 0)
                .then(|| {
                    (0..n)
                        .map(|row| Ok::<_, core::HealthError>(batch.explain(row)?.reasons(reasons)))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()
        })
        .map_err(|e| core_error(py, e))?;
    if arrow {
        return arrow_scores(py, card, Kind::of(data), score, band, coverage, reasons);
    }
    // Band codes for pandas' Categorical: Unknown is the last category.
    let unknown = card.bands().len() as i16;
    let codes: Vec<i16> = band
        .iter()
        .map(|b| {
            if *b == UNKNOWN_CODE {
                unknown
            } else {
                i16::from(*b)
            }
        })
        .collect();
    let mut categories = card.bands().to_vec();
    categories.push(core::UNKNOWN.to_owned());
    let score = PyArray1::from_vec(py, score);
    let coverage = PyArray1::from_vec(py, coverage);
    let codes = PyArray1::from_vec(py, codes);
    let is_frame =
        data.hasattr("index")? && data.hasattr("columns")? && !data.hasattr("column_names")?;
    if is_frame && let Ok(pd) = py.import("pandas") {
        let band = pd
            .getattr("Categorical")?
            .call_method1("from_codes", (codes, categories))?;
        let cols = columns_dict(py, score.into_any(), band, coverage.into_any(), &reasons)?;
        let kw = PyDict::new(py);
        kw.set_item("index", data.getattr("index")?)?;
        let out = pd.getattr("DataFrame")?.call((cols,), Some(&kw))?;
        mark_frame(&out, card.identity())?;
        return Ok(out);
    }
    let np = py.import("numpy")?;
    let band = np.call_method1("asarray", (categories,))?.get_item(codes)?;
    Ok(columns_dict(py, score.into_any(), band, coverage.into_any(), &reasons)?.into_any())
}

/// The result's columns by name, `reasons` when asked for.
fn columns_dict<'py>(
    py: Python<'py>,
    score: Bound<'py, PyAny>,
    band: Bound<'py, PyAny>,
    coverage: Bound<'py, PyAny>,
    reasons: &Option<Vec<Vec<String>>>,
) -> PyResult<Bound<'py, PyDict>> {
    let out = PyDict::new(py);
    out.set_item("score", score)?;
    out.set_item("band", band)?;
    out.set_item("coverage", coverage)?;
    if let Some(r) = reasons {
        out.set_item("reasons", r)?;
    }
    Ok(out)
}

/// The measure columns of an Arrow table and its row count: a float64 column without nulls as
/// it is when the table is one record batch, else one converted copy; category names coded.
fn arrow_columns<'py>(
    py: Python<'py>,
    card: &core::Scorecard,
    data: &Bound<'py, PyAny>,
) -> PyResult<(Vec<(usize, Column<'py>)>, usize)> {
    let (schema, batches) = arrow::batches(data, "data")?;
    let rows = batches.iter().map(RecordBatch::num_rows).sum();
    let mut columns = Vec::new();
    for (m, id) in card.measures().iter().enumerate() {
        if schema.column_with_name(id).is_none() {
            continue;
        }
        let mut parts = Vec::with_capacity(batches.len());
        let mut offset = 0;
        for b in &batches {
            let array = arrow::column(py, b, id, "data")?;
            let part = match arrow::floats(array) {
                Some(values) => values,
                None => {
                    let text = TextColumn::new(py, array, id)?;
                    (0..b.num_rows())
                        .map(|i| match text.get(i) {
                            None => Ok(f64::NAN),
                            Some(s) => card
                                .category_code(m, s)
                                .map_err(|e| core_error_in(py, e.in_row(offset + i), id)),
                        })
                        .collect::<PyResult<Vec<f64>>>()?
                        .into()
                }
            };
            parts.push(part);
            offset += b.num_rows();
        }
        let column = if parts.len() == 1 {
            Column::Arrow(parts.pop().expect("one part"))
        } else {
            Column::Owned(
                parts
                    .iter()
                    .flat_map(|p| p.values().iter().copied())
                    .collect(),
            )
        };
        columns.push((m, column));
    }
    Ok((columns, rows))
}

/// The scores as an Arrow table of the input's kind: `score` (null when Unknown), `band` (a
/// dictionary of the scorecard's bands and Unknown), `coverage`.
fn arrow_scores<'py>(
    py: Python<'py>,
    card: &core::Scorecard,
    kind: Kind,
    score: Vec<f64>,
    band: Vec<u8>,
    coverage: Vec<f64>,
    reasons: Option<Vec<Vec<String>>>,
) -> PyResult<Bound<'py, PyAny>> {
    let band = band_column(card, &band)?;
    let score: Float64Array = score.iter().map(|s| (!s.is_nan()).then_some(*s)).collect();
    let mut columns: Vec<ArrayRef> = vec![
        Arc::new(score),
        Arc::new(band),
        Arc::new(Float64Array::from(coverage)),
    ];
    let mut fields = vec![
        Field::new("score", DataType::Float64, true),
        Field::new(
            "band",
            DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8)),
            false,
        ),
        Field::new("coverage", DataType::Float64, false),
    ];
    if let Some(reasons) = reasons {
        let mut list = ListBuilder::new(StringBuilder::new());
        for r in reasons {
            list.append_value(r.into_iter().map(Some));
        }
        let list = list.finish();
        fields.push(Field::new("reasons", list.data_type().clone(), false));
        columns.push(Arc::new(list));
    }
    let schema = Arc::new(Schema::new_with_metadata(
        fields,
        identity_metadata(card.identity()),
    ));
    let batch = RecordBatch::try_new(schema.clone(), columns)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    let out = kind.table(py, schema, vec![batch])?;
    mark_frame(&out, card.identity())?;
    Ok(out)
}
