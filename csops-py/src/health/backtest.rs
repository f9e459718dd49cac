//! Backtests (SPEC §13) for notebooks: `Scorecard.score_history`, `.backtest`, `.compare` and
//! `.suggest_weights` convert their tables once ([`super::history`]), call the core with the
//! GIL released, and give back `Backtest`, `Comparison` and `WeightSuggestion`, whose tables
//! are pandas DataFrames.

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::types::Int16Type;
use arrow_array::{ArrayRef, Date32Array, DictionaryArray, Float64Array, Int16Array, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use pyo3::prelude::*;
use serde_json::{Value, json};

use csops_core::health::{self as core, UNKNOWN_CODE};

use crate::arrow::Kind;
use crate::gitlab::frame;
use crate::*;

use super::history::{read_history, read_outcomes, strings};

/// The identity as Arrow schema metadata (`csops.scorecard.name`, `.version`, `.hash`).
pub(crate) fn identity_metadata(id: &core::Identity) -> HashMap<String, String> {
    HashMap::from([
        ("csops.scorecard.name".to_owned(), id.name.clone()),
        ("csops.scorecard.version".to_owned(), id.version.clone()),
        ("csops.scorecard.hash".to_owned(), id.hash.clone()),
    ])
}

/// A pandas DataFrame's `attrs["scorecard"]` set to the identity (other tables are left as
/// they are: Arrow tables carry it in their schema's metadata).
pub(crate) fn mark_frame(table: &Bound<'_, PyAny>, id: &core::Identity) -> PyResult<()> {
    if Kind::of(table) == Kind::Pandas && table.hasattr("attrs")? {
        table
            .getattr("attrs")?
            .set_item("scorecard", to_py(table.py(), id)?)?;
    }
    Ok(())
}

/// A band column: a dictionary of the scorecard's bands and Unknown.
pub(crate) fn band_column(
    card: &core::Scorecard,
    band: &[u8],
) -> PyResult<DictionaryArray<Int16Type>> {
    let unknown = card.bands().len() as i16;
    let keys: Int16Array = band
        .iter()
        .map(|b| {
            Some(if *b == UNKNOWN_CODE {
                unknown
            } else {
                i16::from(*b)
            })
        })
        .collect();
    let mut names: Vec<&str> = card.bands().iter().map(String::as_str).collect();
    names.push(core::UNKNOWN);
    DictionaryArray::<Int16Type>::try_new(keys, Arc::new(strings(names)))
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))
}

fn runtime(e: impl std::fmt::Display) -> PyErr {
    pyo3::exceptions::PyRuntimeError::new_err(e.to_string())
}

/// The options of a backtest from the keyword arguments.
pub(crate) fn options(
    lead_days: Option<Vec<u32>>,
    bootstrap: Option<usize>,
    seed: Option<u64>,
    reasons: Option<usize>,
    threads: Option<usize>,
) -> core::BacktestOptions {
    let d = core::BacktestOptions::default();
    core::BacktestOptions {
        lead_days: lead_days.unwrap_or(d.lead_days),
        bootstrap: bootstrap.unwrap_or(d.bootstrap),
        seed: seed.unwrap_or(d.seed),
        reasons: reasons.unwrap_or(d.reasons),
        threads: csops_core::threads::threads_for(threads),
    }
}

/// A day asked for: a date or ISO text, or a midnight time (a pandas `Timestamp` of a day,
/// as a date range gives them) read as its date.
pub(crate) fn as_of_day(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<chrono::NaiveDate> {
    let py = obj.py();
    if obj.hasattr("hour")? && obj.hasattr("date")? {
        let midnight = ["hour", "minute", "second", "microsecond"]
            .iter()
            .map(|f| obj.getattr(*f).and_then(|v| v.extract::<i64>()))
            .collect::<PyResult<Vec<_>>>()?
            .iter()
            .all(|v| *v == 0);
        if !midnight {
            return Err(input_error(
                py,
                name,
                format!("{name}: {} is a time of day, not a date", obj.repr()?),
            ));
        }
        return day(py, &obj.call_method0("date")?, name);
    }
    day(py, obj, name)
}

/// `Scorecard.score_history`.
pub(crate) fn score_history<'py>(
    card: &core::Scorecard,
    history: &Bound<'py, PyAny>,
    dates: &Bound<'py, PyAny>,
    segments: Option<&Bound<'py, PyAny>>,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = history.py();
    let dates: Vec<chrono::NaiveDate> =
        if dates.is_instance_of::<pyo3::types::PyString>() || dates.hasattr("isoformat")? {
            vec![as_of_day(dates, "dates")?]
        } else {
            dates
                .try_iter()?
                .map(|d| as_of_day(&d?, "dates"))
                .collect::<PyResult<_>>()?
        };
    let h = read_history(history, segments)?;
    let threads = csops_core::threads::threads_for(threads);
    let s = py
        .detach(|| card.score_history(&h, &dates, threads))
        .map_err(|e| core_error_in(py, e, "history"))?;
    let account = strings(s.account.iter().map(|a| h.accounts()[*a as usize].as_str()));
    let as_of: Date32Array = s.day.iter().map(|d| i32::try_from(*d).ok()).collect();
    let score: Float64Array = s
        .scores
        .score
        .iter()
        .map(|x| (!x.is_nan()).then_some(*x))
        .collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(account),
        Arc::new(as_of),
        Arc::new(score),
        Arc::new(band_column(card, &s.scores.band)?),
        Arc::new(Float64Array::from(s.scores.coverage)),
    ];
    let schema = Arc::new(Schema::new_with_metadata(
        vec![
            Field::new("account", DataType::Utf8, false),
            Field::new("as_of", DataType::Date32, false),
            Field::new("score", DataType::Float64, true),
            Field::new(
                "band",
                DataType::Dictionary(Box::new(DataType::Int16), Box::new(DataType::Utf8)),
                false,
            ),
            Field::new("coverage", DataType::Float64, false),
        ],
        identity_metadata(&s.scores.scorecard),
    ));
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(runtime)?;
    let kind = Kind::of(history);
    let out = kind.table(py, schema, vec![batch])?;
    mark_frame(&out, &s.scores.scorecard)?;
    Ok(out)
}

/// Rows of one of a backtest's tables, every lead time's, each with its `lead_days`.
fn lead_rows<T: serde::Serialize>(
    b: &core::Backtest,
    rows: impl Fn(&core::LeadTime) -> &[T],
) -> Vec<Value> {
    b.lead_times
        .iter()
        .flat_map(|l| {
            rows(l).iter().map(move |r| {
                let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
                if let Value::Object(m) = &mut v {
                    m.insert("lead_days".into(), json!(l.lead_days));
                }
                v
            })
        })
        .collect()
}

const PAIR_COLUMNS: [&str; 8] = [
    "lead_days",
    "account",
    "outcome",
    "outcome_at",
    "as_of",
    "score",
    "band",
    "reasons",
];

fn table<'py>(py: Python<'py>, rows: &[Value], columns: &[&str]) -> PyResult<Bound<'py, PyAny>> {
    frame(to_py(py, rows)?, columns, &[])
}

fn summary_rows(b: &core::Backtest) -> Vec<Value> {
    b.lead_times
        .iter()
        .map(|l| {
            json!({
                "lead_days": l.lead_days, "pairs": l.pairs, "unknown": l.unknown,
                "unknown_share": l.unknown_share, "churned": l.churned, "churn_rate": l.churn_rate,
                "auc": l.auc, "auc_low": l.auc_interval.map(|i| i[0]),
                "auc_high": l.auc_interval.map(|i| i[1]),
                "missed_churn": l.missed_churn.len(), "false_alarms": l.false_alarms.len(),
            })
        })
        .collect()
}

const SUMMARY_COLUMNS: [&str; 11] = [
    "lead_days",
    "pairs",
    "unknown",
    "unknown_share",
    "churned",
    "churn_rate",
    "auc",
    "auc_low",
    "auc_high",
    "missed_churn",
    "false_alarms",
];

/// A backtest's report (SPEC §13): `.summary` (one row per lead time: pairs, Unknown share,
/// AUC and its 95 % interval, churn rate), `.bands`, `.missed_churn`, `.false_alarms` and
/// `.roc` as pandas DataFrames, `.scorecard` (name, version, hash), `.to_dict()`.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct Backtest {
    pub(crate) inner: core::Backtest,
}

core_backed!(Backtest, "backtest", {
    /// The report of scored pairs (`Scorecard.backtest_pairs`' table, from one process or
    /// many, in any order: the report is the same). `card`: the scorecard that scored them;
    /// `lead_days`: default the pairs' own; `bootstrap`, `seed`, `threads`: as for
    /// `Scorecard.backtest`.
    #[staticmethod]
    #[pyo3(signature = (card, pairs, *, lead_days = None, bootstrap = None, seed = None, threads = None))]
    fn from_pairs(
        py: Python<'_>,
        card: &super::Scorecard,
        pairs: &Bound<'_, PyAny>,
        lead_days: Option<Vec<u32>>,
        bootstrap: Option<usize>,
        seed: Option<u64>,
        threads: Option<usize>,
    ) -> PyResult<Backtest> {
        let rows: Vec<core::Pair> = crate::arrow::records(pairs, "pairs")?;
        // No lead times given: those the pairs have.
        let opts = core::BacktestOptions {
            lead_days: lead_days.unwrap_or_default(),
            ..options(None, bootstrap, seed, None, threads)
        };
        py.detach(|| core::Backtest::from_pairs(&card.inner, &rows, &opts))
            .map(|inner| Backtest { inner })
            .map_err(|e| core_error_in(py, e, "pairs"))
    }

    /// The scorecard backtested: a dict with `name`, `version` and `hash`.
    #[getter]
    fn scorecard<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.scorecard)
    }

    /// The lead times, in days.
    #[getter]
    fn lead_days(&self) -> Vec<u32> {
        self.inner.lead_times.iter().map(|l| l.lead_days).collect()
    }

    /// One row per lead time (DataFrame: lead_days, pairs, unknown, unknown_share, churned,
    /// churn_rate, auc, auc_low, auc_high, missed_churn, false_alarms).
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table(py, &summary_rows(&self.inner), &SUMMARY_COLUMNS)
    }

    /// Per lead time and band (DataFrame: lead_days, band, accounts, churned, churn_rate,
    /// lift).
    #[getter]
    fn bands<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows = lead_rows(&self.inner, |l| &l.bands);
        table(
            py,
            &rows,
            &[
                "lead_days",
                "band",
                "accounts",
                "churned",
                "churn_rate",
                "lift",
            ],
        )
    }

    /// Churn while in the top band, with scores and top reasons (DataFrame: lead_days,
    /// account, outcome, outcome_at, as_of, score, band, reasons).
    #[getter]
    fn missed_churn<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table(
            py,
            &lead_rows(&self.inner, |l| &l.missed_churn),
            &PAIR_COLUMNS,
        )
    }

    /// Renewals while in the bottom band (the same columns as `missed_churn`).
    #[getter]
    fn false_alarms<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        table(
            py,
            &lead_rows(&self.inner, |l| &l.false_alarms),
            &PAIR_COLUMNS,
        )
    }

    /// The ROC curves (DataFrame: lead_days, below, false_positive_rate, true_positive_rate).
    #[getter]
    fn roc<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows = lead_rows(&self.inner, |l| &l.roc);
        table(
            py,
            &rows,
            &[
                "lead_days",
                "below",
                "false_positive_rate",
                "true_positive_rate",
            ],
        )
    }

    /// The report as one self-contained HTML page (SPEC §6): AUC per lead time, ROC curves,
    /// churn per band, missed churn and false alarms. It opens offline.
    fn to_html(&self) -> String {
        csops_pages::backtest_page(&self.inner)
    }

    /// The page, for a notebook (in a sandboxed frame: its style restyles nothing around it).
    fn _repr_html_(&self) -> String {
        csops_pages::embedded(&csops_pages::backtest_page(&self.inner))
    }

    fn __repr__(&self) -> String {
        let aucs: Vec<String> = self
            .inner
            .lead_times
            .iter()
            .map(|l| {
                format!(
                    "{}d: {}",
                    l.lead_days,
                    l.auc.map_or("None".into(), |a| format!("{a:.3}"))
                )
            })
            .collect();
        format!(
            "Backtest(scorecard={:?}, auc={{{}}})",
            self.inner.scorecard.to_string(),
            aucs.join(", ")
        )
    }
});

/// Two scorecards backtested on one history: `.a` and `.b` (each a `Backtest`), and
/// `.summary` (DataFrame: lead_days, auc_a, auc_b, difference, low, high; `difference` is
/// b − a, with a paired bootstrap interval).
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct Comparison {
    pub(crate) inner: core::Comparison,
}

core_backed!(Comparison, "comparison", {
    /// The first scorecard's backtest.
    #[getter]
    fn a(&self) -> Backtest {
        Backtest {
            inner: self.inner.a.clone(),
        }
    }

    /// The second scorecard's backtest.
    #[getter]
    fn b(&self) -> Backtest {
        Backtest {
            inner: self.inner.b.clone(),
        }
    }

    /// Per lead time, both AUCs and their difference (DataFrame: lead_days, auc_a, auc_b,
    /// difference, low, high).
    #[getter]
    fn summary<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows: Vec<Value> = self
            .inner
            .lead_times
            .iter()
            .map(|d| {
                json!({"lead_days": d.lead_days, "auc_a": d.a, "auc_b": d.b,
                       "difference": d.difference, "low": d.interval.map(|i| i[0]),
                       "high": d.interval.map(|i| i[1])})
            })
            .collect();
        table(
            py,
            &rows,
            &["lead_days", "auc_a", "auc_b", "difference", "low", "high"],
        )
    }

    fn __repr__(&self) -> String {
        format!(
            "Comparison(a={:?}, b={:?})",
            self.inner.a.scorecard.to_string(),
            self.inner.b.scorecard.to_string()
        )
    }
});

/// Suggested weights (SPEC §13), fitted before the split and judged after it:
/// `.scorecard` (the suggested `Scorecard`, with a new version), `.weights` (DataFrame:
/// measure, group, current, suggested, in percent of the score), `.auc` (DataFrame: period,
/// current, suggested; "in sample" and "out of sample"), `.to_toml()`. Never applied by
/// itself.
#[pyclass(module = "csops._csops", frozen)]
pub(crate) struct WeightSuggestion {
    pub(crate) inner: core::WeightSuggestion,
}

core_backed!(WeightSuggestion, "suggestion", {
    /// The suggested scorecard.
    #[getter]
    fn scorecard(&self, py: Python<'_>) -> PyResult<super::Scorecard> {
        let spec = serde_json::to_string(&self.inner.scorecard).map_err(runtime)?;
        core::Scorecard::from_json(&spec)
            .map(|inner| super::Scorecard { inner })
            .map_err(|e| core_error(py, e))
    }

    /// Per measure, its share of the score now and suggested, in percent (DataFrame).
    #[getter]
    fn weights<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let rows: Vec<Value> = self
            .inner
            .weights
            .iter()
            .map(|w| serde_json::to_value(w).unwrap_or(Value::Null))
            .collect();
        table(py, &rows, &["measure", "group", "current", "suggested"])
    }

    /// AUCs in and out of sample, current against suggested (DataFrame: period, pairs,
    /// current, suggested).
    #[getter]
    fn auc<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = &self.inner;
        let rows = [
            json!({"period": "in sample", "pairs": s.fit_pairs, "current": s.auc_in.current, "suggested": s.auc_in.suggested}),
            json!({"period": "out of sample", "pairs": s.test_pairs, "current": s.auc_out.current, "suggested": s.auc_out.suggested}),
        ];
        table(py, &rows, &["period", "pairs", "current", "suggested"])
    }

    /// The suggested scorecard as TOML text, to write to a file.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.scorecard_toml().map_err(|e| core_error(py, e))
    }

    fn __repr__(&self) -> String {
        let f = |x: Option<f64>| x.map_or("None".into(), |a| format!("{a:.3}"));
        format!(
            "WeightSuggestion(suggested={:?}, auc_out_of_sample={{current: {}, suggested: {}}})",
            self.inner.suggested.to_string(),
            f(self.inner.auc_out.current),
            f(self.inner.auc_out.suggested)
        )
    }
});

/// `Scorecard.backtest` and `Scorecard.compare`: `other` given, the comparison.
pub(crate) fn backtest<'py>(
    card: &core::Scorecard,
    other: Option<&core::Scorecard>,
    history: &Bound<'py, PyAny>,
    outcomes: &Bound<'py, PyAny>,
    segments: Option<&Bound<'py, PyAny>>,
    opts: core::BacktestOptions,
) -> PyResult<Bound<'py, PyAny>> {
    let py = history.py();
    let h = read_history(history, segments)?;
    let o = read_outcomes(outcomes)?;
    match other {
        None => {
            let b = py
                .detach(|| card.backtest(&h, o.rows(), &opts))
                .map_err(|e| core_error_in(py, e, "outcomes"))?;
            Ok(Bound::new(py, Backtest { inner: b })?.into_any())
        }
        Some(other) => {
            let c = py
                .detach(|| card.compare(other, &h, o.rows(), &opts))
                .map_err(|e| core_error_in(py, e, "outcomes"))?;
            Ok(Bound::new(py, Comparison { inner: c })?.into_any())
        }
    }
}

/// `Scorecard.backtest_pairs`: the scored pairs as the kind of table `history` is.
pub(crate) fn backtest_pairs<'py>(
    card: &core::Scorecard,
    history: &Bound<'py, PyAny>,
    outcomes: &Bound<'py, PyAny>,
    segments: Option<&Bound<'py, PyAny>>,
    opts: core::BacktestOptions,
) -> PyResult<Bound<'py, PyAny>> {
    let py = history.py();
    let h = read_history(history, segments)?;
    let o = read_outcomes(outcomes)?;
    let pairs = py
        .detach(|| card.backtest_pairs(&h, o.rows(), &opts))
        .map_err(|e| core_error_in(py, e, "outcomes"))?;
    pairs_table(py, Kind::of(history), &pairs)
}

/// Pairs as an Arrow table: `lead_days` (int64), `account`, `outcome`, `outcome_at`, `as_of`
/// (ISO dates), `score` (null: Unknown), `band`, `reasons` (a list of text).
fn pairs_table<'py>(
    py: Python<'py>,
    kind: Kind,
    pairs: &[core::Pair],
) -> PyResult<Bound<'py, PyAny>> {
    use arrow_array::builder::{ListBuilder, StringBuilder};
    use arrow_array::{Array, Int64Array};
    let text = |f: &dyn Fn(&core::Pair) -> String| strings(pairs.iter().map(f));
    let mut reasons = ListBuilder::new(StringBuilder::new());
    for p in pairs {
        reasons.append_value(p.reasons.iter().map(Some));
    }
    let reasons = reasons.finish();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            pairs
                .iter()
                .map(|p| i64::from(p.lead_days))
                .collect::<Int64Array>(),
        ),
        Arc::new(text(&|p| p.account.clone())),
        Arc::new(text(&|p| {
            if p.outcome.churned() {
                "churned"
            } else {
                "renewed"
            }
            .to_owned()
        })),
        Arc::new(text(&|p| p.outcome_at.to_string())),
        Arc::new(text(&|p| p.as_of.to_string())),
        Arc::new(pairs.iter().map(|p| p.score).collect::<Float64Array>()),
        Arc::new(text(&|p| p.band.clone())),
        Arc::new(reasons.clone()),
    ];
    let schema = Arc::new(Schema::new(vec![
        Field::new("lead_days", DataType::Int64, false),
        Field::new("account", DataType::Utf8, false),
        Field::new("outcome", DataType::Utf8, false),
        Field::new("outcome_at", DataType::Utf8, false),
        Field::new("as_of", DataType::Utf8, false),
        Field::new("score", DataType::Float64, true),
        Field::new("band", DataType::Utf8, false),
        Field::new("reasons", reasons.data_type().clone(), false),
    ]));
    let batch = RecordBatch::try_new(schema.clone(), columns).map_err(runtime)?;
    kind.table(py, schema, vec![batch])
}

/// `Scorecard.suggest_weights`.
pub(crate) fn suggest_weights(
    card: &core::Scorecard,
    history: &Bound<'_, PyAny>,
    outcomes: &Bound<'_, PyAny>,
    segments: Option<&Bound<'_, PyAny>>,
    opts: core::FitOptions,
) -> PyResult<WeightSuggestion> {
    let py = history.py();
    let h = read_history(history, segments)?;
    let o = read_outcomes(outcomes)?;
    py.detach(|| card.suggest_weights(&h, o.rows(), &opts))
        .map(|inner| WeightSuggestion { inner })
        .map_err(|e| core_error_in(py, e, "outcomes"))
}
