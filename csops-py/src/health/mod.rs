//! `csops.Scorecard` and `csops.HealthScore`: the health score (SPEC §10) for notebooks.
//! Conversions only: columns become `&[f64]` (no copy for float64 numpy / pandas / Arrow
//! columns without nulls), names become codes, and the core scores them with the GIL released.
//!
//! Here: `Scorecard`; `columns` (a book's columns as slices), `score` (`HealthScore`).

use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use csops_core::health::{self as core, Override, Previous, ScoreContext, Values};

use crate::*;

mod backtest;
mod batch;
mod book;
mod columns;
mod history;
mod score;

pub(crate) use backtest::{Backtest, Comparison, WeightSuggestion};
pub(crate) use batch::*;
pub(crate) use book::BookReport;
pub(crate) use columns::*;
pub(crate) use score::*;

/// A health scorecard (SPEC §10): measure groups, weights, schemes, bands, coverage minimum,
/// vetoes, segment profiles. `Scorecard()` or `Scorecard.default()` is the handbook's model.
///
/// `Scorecard(spec=None)`: `spec` is None (the default scorecard), a dict, or JSON or TOML
/// text (told apart by a leading `{`) in the format of `Scorecard.default().to_dict()`;
/// `Scorecard.default_toml()` is the format's commented example. A bad scorecard is a
/// `ConfigError` whose `.key` names the measure. `score` scores one account, `score_batch`
/// a book, `validate` checks scores against outcomes.
#[pyclass(module = "csops._csops", frozen)]
#[derive(Clone)]
pub(crate) struct Scorecard {
    pub(crate) inner: core::Scorecard,
}

pub(crate) fn load(py: Python<'_>, spec: &Bound<'_, PyAny>) -> PyResult<core::Scorecard> {
    document::<core::Scorecard>(spec, "spec", |e| core_error(py, e))
}

#[pymethods]
impl Scorecard {
    /// `spec`: None (the default scorecard), a dict, or JSON / TOML text in the format of
    /// `Scorecard.default().to_dict()`. A bad scorecard is a ConfigError whose `.key` names the
    /// measure.
    #[new]
    #[pyo3(signature = (spec = None))]
    fn new(py: Python<'_>, spec: Option<&Bound<'_, PyAny>>) -> PyResult<Scorecard> {
        let inner = match spec.filter(|s| !s.is_none()) {
            None => core::Scorecard::default(),
            Some(s) => load(py, s)?,
        };
        Ok(Scorecard { inner })
    }

    /// The default scorecard (the handbook's model; SPEC §10).
    #[staticmethod]
    fn default() -> Scorecard {
        Scorecard {
            inner: core::Scorecard::default(),
        }
    }

    /// A scorecard from `spec`, a dict in the format of `Scorecard.default().to_dict()`.
    #[staticmethod]
    fn from_dict(py: Python<'_>, spec: &Bound<'_, PyDict>) -> PyResult<Scorecard> {
        Ok(Scorecard {
            inner: load(py, spec.as_any())?,
        })
    }

    /// A scorecard from JSON `text`, in the format of `Scorecard.default().to_json()`.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: crate::text::Text<'_>) -> PyResult<Scorecard> {
        core::Scorecard::from_json(&text)
            .map(|inner| Scorecard { inner })
            .map_err(|e| core_error(py, e))
    }

    /// A scorecard from TOML `text`, in the format of `Scorecard.default_toml()`.
    #[staticmethod]
    fn from_toml(py: Python<'_>, text: crate::text::Text<'_>) -> PyResult<Scorecard> {
        core::Scorecard::from_toml(&text)
            .map(|inner| Scorecard { inner })
            .map_err(|e| core_error(py, e))
    }

    /// The default scorecard as TOML text (a commented example of the format).
    #[staticmethod]
    fn default_toml() -> &'static str {
        core::Scorecard::default_toml()
    }

    /// The measure ids, in scoring order (batch columns are named by them).
    #[getter]
    fn measures(&self) -> Vec<String> {
        self.inner.measures().to_vec()
    }

    /// The band names, lowest first.
    #[getter]
    fn bands(&self) -> Vec<String> {
        self.inner.bands().to_vec()
    }

    /// The segments with a profile.
    #[getter]
    fn segments(&self) -> Vec<String> {
        self.inner.segments().to_vec()
    }

    /// The scorecard as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.spec())
    }

    /// The scorecard as JSON text.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// One account's score with its explanation, a `HealthScore`. `values`: a dict from measure
    /// id (see `measures`) to a number, a category name, None / NaN (missing), or
    /// `{"value": ..., "at": "2026-10-01"}` (when it was observed). `as_of`: the date scored
    /// (ISO text "2026-10-05" or a `datetime.date`), for staleness and overrides. `previous`: the
    /// previous result, a `HealthScore`, a number or `{"score", "band"}` (for the trend and
    /// hysteresis). `segment`: a segment name (see `segments`). `override`: a manual override,
    /// `{"score" and/or "band", "author", "reason", "expires"}` (`expires` a date).
    #[pyo3(signature = (values, *, as_of = None, previous = None, segment = None, r#override = None))]
    fn score(
        &self,
        py: Python<'_>,
        values: &Bound<'_, PyAny>,
        as_of: Option<&Bound<'_, PyAny>>,
        previous: Option<&Bound<'_, PyAny>>,
        segment: Option<crate::text::Text<'_>>,
        r#override: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<HealthScore> {
        let values: Values = read(py, values, "values")?;
        let as_of = as_of
            .filter(|d| !d.is_none())
            .map(|d| day(py, d, "as_of"))
            .transpose()?;
        let previous = match previous.filter(|p| !p.is_none()) {
            None => None,
            Some(p) => Some(if let Ok(h) = p.cast::<HealthScore>() {
                let h = h.get();
                Previous {
                    score: h.inner.score,
                    band: Some(h.inner.band.clone()),
                }
            } else if let Ok(x) = p.extract::<f64>() {
                Previous {
                    score: Some(x),
                    band: None,
                }
            } else {
                read(py, p, "previous")?
            }),
        };
        let over: Option<Override> = r#override
            .filter(|o| !o.is_none())
            .map(|o| read(py, o, "override"))
            .transpose()?;
        let ctx = ScoreContext {
            as_of,
            segment: segment.as_deref(),
            previous,
            override_: over.as_ref(),
        };
        self.inner
            .score(&values, &ctx)
            .map(|inner| HealthScore { inner })
            .map_err(|e| core_error(py, e))
    }

    /// Scores a book at once, without a Python loop and with the GIL released. `data`: a pandas
    /// DataFrame, a dict of arrays, or any table exporting Arrow data (a pyarrow Table, a
    /// polars DataFrame, a DuckDB result), columns named by measure id (others are ignored;
    /// numbers, or category names / codes for category measures; NaN / None / null missing).
    /// `as_of`: the date scored (ISO text or a `datetime.date`), as for `score`.
    /// `observed`: measure id → observation dates (for staleness); `segment`: one segment name
    /// or one per row; `previous`: the previous result (its `band`) or band names, for hysteresis;
    /// `threads`: scoring threads (default: all cores); `reasons`: with n > 0, a `reasons`
    /// column too, each account's first n reasons (as `HealthScore.reasons` gives them).
    /// Returns `score`, `band` and `coverage` columns as the kind of table that came in: a DataFrame with the input's index for a
    /// pandas DataFrame, a polars DataFrame for polars, a pyarrow Table for pyarrow, an Arrow
    /// table object for any other Arrow data, a dict of numpy arrays for a dict.
    #[pyo3(signature = (data, *, as_of = None, observed = None, segment = None, previous = None, threads = None, reasons = 0))]
    #[allow(clippy::too_many_arguments)]
    fn score_batch<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        as_of: Option<&Bound<'py, PyAny>>,
        observed: Option<&Bound<'py, PyDict>>,
        segment: Option<&Bound<'py, PyAny>>,
        previous: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
        reasons: usize,
    ) -> PyResult<Bound<'py, PyAny>> {
        let args = BookArgs {
            as_of,
            observed,
            segment,
            previous,
            threads,
            reasons,
        };
        score_book(py, &self.inner, data, args)
    }

    /// A scored book's report (SPEC §6): accounts per band per segment, band changes and the
    /// largest movers. `data`, `as_of`, `observed`, `segment` and `threads` as `score_batch`
    /// takes them; `accounts`: each row's account id (a column or a list). `previous`: the
    /// previous result (a table with its `score` and `band` columns, e.g. an earlier
    /// `score_batch` aligned with the book): the band changes and the largest movers (`movers`
    /// each way, each with its `reasons` top reasons) compare with it. A `BookReport`;
    /// `.to_html()` is its page.
    #[pyo3(signature = (data, accounts, *, as_of = None, observed = None, segment = None, previous = None, threads = None, movers = 10, reasons = 3))]
    #[allow(clippy::too_many_arguments)]
    fn book_report<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        accounts: &Bound<'py, PyAny>,
        as_of: Option<&Bound<'py, PyAny>>,
        observed: Option<&Bound<'py, PyDict>>,
        segment: Option<&Bound<'py, PyAny>>,
        previous: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
        movers: usize,
        reasons: usize,
    ) -> PyResult<BookReport> {
        let args = BookArgs {
            as_of,
            observed,
            segment,
            previous,
            threads,
            reasons: 0,
        };
        let options = core::BookOptions { movers, reasons };
        book::book_report(py, &self.inner, data, accounts, args, options)
    }

    /// Validates scores taken as of a date against later outcomes: ROC AUC, churn rate and lift
    /// per band. `scores`: numbers (NaN / None: Unknown); `outcomes`: booleans (True: churned)
    /// or "churned" / "renewed".
    fn validate<'py>(
        &self,
        py: Python<'py>,
        scores: &Bound<'py, PyAny>,
        outcomes: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let np = py.import("numpy")?;
        let kw = PyDict::new(py);
        kw.set_item("dtype", np.getattr("float64")?)?;
        let not_numbers = |_| input_error(py, "scores", "scores: one number per account".into());
        let s = as_numpy(py, scores)
            .and_then(|s| np.call_method("asarray", (s,), Some(&kw)))
            .map_err(not_numbers)?;
        let s: PyReadonlyArray1<'_, f64> =
            s.call_method0("copy")?.extract().map_err(not_numbers)?;
        let mut churned = Vec::new();
        for o in outcomes.try_iter()? {
            let o = o?;
            let c = if let Ok(text) = o.cast::<PyString>() {
                core::Outcome::from_word(crate::text::str_of(text, "outcomes")?)
                    .map_err(|e| core_error(py, e))?
                    .churned()
            } else if let Ok(b) = o.extract::<bool>() {
                b
            } else {
                return Err(input_error(
                    py,
                    "outcomes",
                    format!(
                        "outcomes: {} is not a bool, \"churned\" or \"renewed\"",
                        o.repr()?
                    ),
                ));
            };
            churned.push(c);
        }
        let v = self
            .inner
            .validate(s.as_slice()?, &churned)
            .map_err(|e| core_error(py, e))?;
        to_py(py, &v)
    }

    /// Which definition this is: a dict with `name`, `version` and `hash` (SHA-256 of the
    /// canonical form: the same card as JSON or TOML, laid out any way, hashes alike; a
    /// changed weight does not). Every score and batch result carries it.
    #[getter]
    fn identity<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.identity())
    }

    /// Every account of a measure history scored as of each date (SPEC §13).
    /// `history`: a table (pandas, polars, pyarrow, DuckDB) with columns `account`, `measure`,
    /// `observed_at` (dates, timestamps or ISO text) and `value` (numbers; or category names,
    /// or numbers beside a `category` column), in any order; per measure the latest value at or
    /// before each date is used, judged stale past its `ttl_days`, and nothing observed after
    /// the date. `dates`: a date or ISO text, or a list of them. `segments`: optional table
    /// `account`, `segment`, `from`. `threads`: default all cores. Returns `account`, `as_of`,
    /// `score`, `band`, `coverage`, by date then account, as the kind of table that came in;
    /// the scorecard's identity is in the Arrow schema's metadata (`csops.scorecard.*`) or a
    /// pandas DataFrame's `attrs["scorecard"]`.
    #[pyo3(signature = (history, dates, *, segments = None, threads = None))]
    fn score_history<'py>(
        &self,
        history: &Bound<'py, PyAny>,
        dates: &Bound<'py, PyAny>,
        segments: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        backtest::score_history(&self.inner, history, dates, segments, threads)
    }

    /// Does the score predict churn? (SPEC §13). Every row of `outcomes` (a table with
    /// `account`, `outcome` = "churned" or "renewed", `at`) is paired, for each of `lead_days`
    /// (default 30, 60, 90), with its account's score as of `at` minus the lead, read from
    /// `history` (as `score_history` reads it; `segments` too). `bootstrap` rounds (default
    /// 1000) with `seed` (default 0) give the AUC's 95 % interval; `reasons` (default 3) top
    /// reasons are listed per missed churn and false alarm; `threads`: default all cores.
    /// Returns a `Backtest`.
    #[pyo3(signature = (history, outcomes, *, segments = None, lead_days = None, bootstrap = None, seed = None, reasons = None, threads = None))]
    #[allow(clippy::too_many_arguments)]
    fn backtest<'py>(
        &self,
        history: &Bound<'py, PyAny>,
        outcomes: &Bound<'py, PyAny>,
        segments: Option<&Bound<'py, PyAny>>,
        lead_days: Option<Vec<u32>>,
        bootstrap: Option<usize>,
        seed: Option<u64>,
        reasons: Option<usize>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let opts = backtest::options(lead_days, bootstrap, seed, reasons, threads);
        backtest::backtest(&self.inner, None, history, outcomes, segments, opts)
    }

    /// Every outcome paired, for each of `lead_days`, with its account's score then (the
    /// backtest's first half, for a job that scores on many machines and reports on one:
    /// `Backtest.from_pairs`). `history`, `outcomes`, `segments`, `lead_days`, `reasons` and
    /// `threads` are as for `backtest`; returns `lead_days`, `account`, `outcome`, `outcome_at`, `as_of`, `score`,
    /// `band`, `reasons` (filled for the pairs a report lists) as the kind of table `history` is.
    #[pyo3(signature = (history, outcomes, *, segments = None, lead_days = None, reasons = None, threads = None))]
    #[allow(clippy::too_many_arguments)]
    fn backtest_pairs<'py>(
        &self,
        history: &Bound<'py, PyAny>,
        outcomes: &Bound<'py, PyAny>,
        segments: Option<&Bound<'py, PyAny>>,
        lead_days: Option<Vec<u32>>,
        reasons: Option<usize>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let opts = backtest::options(lead_days, None, None, reasons, threads);
        backtest::backtest_pairs(&self.inner, history, outcomes, segments, opts)
    }

    /// This scorecard (a) and `other` (b) backtested side by side on the same `history` and
    /// `outcomes`, with b − a per lead time and its paired bootstrap interval (each round
    /// draws the same accounts for both). `segments`, `lead_days`, `bootstrap`, `seed`,
    /// `reasons` and `threads` are as for `backtest`. Returns a `Comparison`.
    #[pyo3(signature = (other, history, outcomes, *, segments = None, lead_days = None, bootstrap = None, seed = None, reasons = None, threads = None))]
    #[allow(clippy::too_many_arguments)]
    fn compare<'py>(
        &self,
        other: &Scorecard,
        history: &Bound<'py, PyAny>,
        outcomes: &Bound<'py, PyAny>,
        segments: Option<&Bound<'py, PyAny>>,
        lead_days: Option<Vec<u32>>,
        bootstrap: Option<usize>,
        seed: Option<u64>,
        reasons: Option<usize>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let opts = backtest::options(lead_days, bootstrap, seed, reasons, threads);
        backtest::backtest(
            &self.inner,
            Some(&other.inner),
            history,
            outcomes,
            segments,
            opts,
        )
    }

    /// Measure weights fitted to the outcomes before `split` (a date) and judged on those
    /// from it on (SPEC §13), by a direct search for the highest AUC over the scorecard's own
    /// weights (non-negative, groups kept). `history`, `outcomes`, `segments`: as `backtest`;
    /// `lead_days`: the pairs' lead time (default 90); `version`: the new scorecard's (default:
    /// the current one's last number plus one); `threads`: default 1. Returns a
    /// `WeightSuggestion`; nothing is applied.
    #[pyo3(signature = (history, outcomes, *, split, segments = None, lead_days = 90, version = None, threads = None))]
    #[allow(clippy::too_many_arguments)]
    fn suggest_weights(
        &self,
        history: &Bound<'_, PyAny>,
        outcomes: &Bound<'_, PyAny>,
        split: &Bound<'_, PyAny>,
        segments: Option<&Bound<'_, PyAny>>,
        lead_days: u32,
        version: Option<String>,
        threads: Option<usize>,
    ) -> PyResult<WeightSuggestion> {
        let opts = core::FitOptions {
            split: backtest::as_of_day(split, "split")?,
            lead_days,
            version,
            threads: threads.unwrap_or(1).max(1),
        };
        backtest::suggest_weights(&self.inner, history, outcomes, segments, opts)
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Scorecard>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Scorecard(name={:?}, measures={:?}, bands={:?})",
            self.inner.spec().name.as_deref().unwrap_or(""),
            self.inner.measures(),
            self.inner.bands()
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((
            py.import("csops._csops")?
                .getattr("Scorecard")?
                .getattr("from_json")?,
            (self.inner.to_json(),),
        ))
    }
}
