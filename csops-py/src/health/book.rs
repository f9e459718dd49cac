//! `Scorecard.book_report` and `BookReport`: a scored book as a CS analyst reports it (SPEC §6):
//! accounts per band per segment, band changes since the previous scores, the largest movers
//! with their reasons, and the page.

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use csops_core::health as core;

use crate::gitlab::frame;
use crate::*;

use super::batch::{BookArgs, read_book};
use super::columns::strings;

/// A scored book's report (SPEC §6): `.bands` (accounts per segment and band), `.changes`
/// (band to band since the previous scores), `.movers` (the largest falls and rises with their
/// reasons) as DataFrames, `.to_html()` the page.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct BookReport {
    pub(crate) inner: core::BookReport,
}

/// A row of `BookReport.movers`.
#[derive(serde::Serialize)]
struct MoverRow<'a> {
    direction: &'static str,
    #[serde(flatten)]
    mover: &'a core::Mover,
}

core_backed!(BookReport, "book report", {
    /// The scorecard that scored the book: name, version, hash.
    #[getter]
    fn scorecard<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.scorecard)
    }

    /// Accounts scored.
    #[getter]
    fn accounts(&self) -> usize {
        self.inner.accounts
    }

    /// Accounts whose band changed since the previous scores.
    #[getter]
    fn changed(&self) -> usize {
        self.inner.changed
    }

    /// Accounts per segment and band as a DataFrame (segment, band, accounts), zeros included.
    #[getter]
    fn bands<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frame(
            to_py(py, &self.inner.bands)?,
            &["segment", "band", "accounts"],
            &[],
        )
    }

    /// Band changes since the previous scores as a DataFrame (from, to, accounts), most first.
    #[getter]
    fn changes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        frame(
            to_py(py, &self.inner.changes)?,
            &["from", "to", "accounts"],
            &[],
        )
    }

    /// The largest falls then the largest rises as a DataFrame (direction "down" / "up",
    /// account, segment, previous_score, score, change, previous_band, band, reasons).
    #[getter]
    fn movers<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows: Vec<MoverRow<'_>> = self
            .inner
            .movers_down
            .iter()
            .map(|mover| MoverRow {
                direction: "down",
                mover,
            })
            .chain(self.inner.movers_up.iter().map(|mover| MoverRow {
                direction: "up",
                mover,
            }))
            .collect();
        frame(
            to_py(py, &rows)?,
            &[
                "direction",
                "account",
                "segment",
                "previous_score",
                "score",
                "change",
                "previous_band",
                "band",
                "reasons",
            ],
            &[],
        )
    }

    /// The report as one self-contained HTML page (SPEC §6): accounts per band per segment,
    /// band changes, movers with their reasons. `title` names the book. It opens offline.
    #[pyo3(signature = (title = ""))]
    fn to_html(&self, title: &str) -> String {
        csops_pages::book_page(&self.inner, title)
    }

    /// The page, for a notebook (in a sandboxed frame: its style restyles nothing around it).
    fn _repr_html_(&self) -> String {
        csops_pages::embedded(&csops_pages::book_page(&self.inner, ""))
    }

    fn __repr__(&self) -> String {
        format!(
            "BookReport(accounts={}, changed={}, scorecard={:?})",
            self.inner.accounts,
            self.inner.changed,
            self.inner.scorecard.to_string()
        )
    }
});

/// The previous result's scores: its `score` column as float64 (None: Unknown).
fn previous_scores(py: Python<'_>, previous: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let not_scores = |_| {
        input_error(
            py,
            "previous",
            "previous: the report compares scores: give the previous result (a table with its \
             score and band columns)"
                .into(),
        )
    };
    let column = previous.get_item("score").map_err(not_scores)?;
    let np = py.import("numpy")?;
    let kw = PyDict::new(py);
    kw.set_item("dtype", np.getattr("float64")?)?;
    let scores = np
        .call_method("asarray", (column,), Some(&kw))
        .map_err(not_scores)?;
    let scores: PyReadonlyArray1<'_, f64> = scores.extract().map_err(not_scores)?;
    Ok(scores.as_slice()?.to_vec())
}

/// See `Scorecard.book_report`.
pub(crate) fn book_report<'py>(
    py: Python<'py>,
    card: &core::Scorecard,
    data: &Bound<'py, PyAny>,
    accounts: &Bound<'py, PyAny>,
    args: BookArgs<'_, 'py>,
    options: core::BookOptions,
) -> PyResult<BookReport> {
    let previous = args
        .previous
        .filter(|p| !p.is_none())
        .map(|p| previous_scores(py, p))
        .transpose()?;
    let book = read_book(py, card, data, &args)?;
    let ids: Vec<String> = strings(py, accounts)?
        .into_iter()
        .enumerate()
        .map(|(row, id)| {
            id.ok_or_else(|| {
                input_error(
                    py,
                    "accounts",
                    format!("accounts: row {row} has no account id"),
                )
            })
        })
        .collect::<PyResult<_>>()?;
    let segments: Option<Vec<String>> = book.segment_names.as_ref().map(|s| {
        s.iter()
            .map(|s| s.clone().unwrap_or_else(|| "(no segment)".to_owned()))
            .collect()
    });
    let batch = book.batch(py, card)?;
    py.detach(|| {
        let scores = batch.score()?;
        core::BookReport::new(
            &batch,
            &scores,
            &ids,
            segments.as_deref(),
            previous.as_deref(),
            &options,
        )
    })
    .map(|inner| BookReport { inner })
    .map_err(|e| core_error(py, e))
}
