//! The customer metrics (SPEC §11): NPS, CSAT, NRR / GRR, logo churn, license utilisation,
//! SMAU.

use std::sync::Arc;

use arrow_array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use csops_core::metrics::{Smau, SmauBy, SmauCounter, UsageEvent};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyList};

use crate::arrow::{Kind, TextColumn, TimeColumn};

use crate::*;

/// Net Promoter Score in percent (-100 to 100): promoters (9-10) minus detractors (0-6).
/// `answers`: integer answers 0-10, as a list, a numpy array or a pandas Series; empty or out
/// of range is an `InputError`.
#[pyfunction]
pub(crate) fn nps(py: Python<'_>, answers: &Bound<'_, PyAny>) -> PyResult<f64> {
    let answers = arrays::ints(py, answers, "answers")?;
    csops_core::metrics::nps(answers.as_slice()?).map_err(|e| core_error(py, e))
}

/// CSAT in percent: the share of answers 4-5. `answers`: integer answers 1-5, as a list, a
/// numpy array or a pandas Series; empty or out of range is an `InputError`.
#[pyfunction]
pub(crate) fn csat(py: Python<'_>, answers: &Bound<'_, PyAny>) -> PyResult<f64> {
    let answers = arrays::ints(py, answers, "answers")?;
    csops_core::metrics::csat(answers.as_slice()?).map_err(|e| core_error(py, e))
}

/// The two call forms of NRR / GRR: aggregate ARR movement, or per-account ARR lists.
#[allow(clippy::too_many_arguments)]
pub(crate) fn retention(
    py: Python<'_>,
    retention: csops_core::metrics::Retention,
    start_arr: Option<f64>,
    expansion: Option<f64>,
    contraction: Option<f64>,
    churned: Option<f64>,
    start: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    let forms = "the aggregate form start_arr=, expansion=, contraction=, churned=, or the per-account form start=[...], now=[...]";
    let movements = [
        ("expansion", expansion),
        ("contraction", contraction),
        ("churned", churned),
    ];
    let result = match (start_arr, start, now) {
        (Some(start_arr), None, None) => {
            retention.of_parts(start_arr, expansion, contraction, churned)
        }
        (None, Some(start), Some(now)) if movements.iter().all(|(_, v)| v.is_none()) => {
            let start = arrays::floats(py, start, "start")?;
            let now = arrays::floats(py, now, "now")?;
            retention.per_account(start.as_slice()?, now.as_slice()?)
        }
        _ => {
            let metric = retention.name();
            return Err(PyTypeError::new_err(format!("{metric}() takes {forms}")));
        }
    };
    result.map_err(|e| core_error(py, e))
}

/// Net revenue retention in percent, in one of two forms (keyword arguments only):
///
/// - aggregate: `nrr(start_arr=, expansion=, contraction=, churned=)`, the ARR at the period's
///   start and its movements in the period (each a number ≥ 0; 0 where there was none, none
///   left out): (start_arr + expansion - contraction - churned) / start_arr;
/// - per account: `nrr(start=[...], now=[...])`, each account's ARR at the start (A) and now
///   (B, 0 if churned), as lists, numpy arrays or Series of equal length: ΣB / ΣA over the
///   accounts with A > 0 (new logos are left out).
#[pyfunction]
#[pyo3(signature = (*, start_arr = None, expansion = None, contraction = None, churned = None, start = None, now = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn nrr(
    py: Python<'_>,
    start_arr: Option<f64>,
    expansion: Option<f64>,
    contraction: Option<f64>,
    churned: Option<f64>,
    start: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    retention(
        py,
        csops_core::metrics::Retention::Net,
        start_arr,
        expansion,
        contraction,
        churned,
        start,
        now,
    )
}

/// Gross revenue retention in percent (expansion left out), in the two forms of `nrr`:
///
/// - aggregate: `grr(start_arr=, contraction=, churned=)` (an `expansion=` is allowed and
///   ignored): (start_arr - contraction - churned) / start_arr;
/// - per account: `grr(start=[...], now=[...])`, ARR at the start (A) and now (B) per
///   account: Σmin(A, B) / ΣA over the accounts with A > 0.
#[pyfunction]
#[pyo3(signature = (*, start_arr = None, expansion = None, contraction = None, churned = None, start = None, now = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn grr(
    py: Python<'_>,
    start_arr: Option<f64>,
    expansion: Option<f64>,
    contraction: Option<f64>,
    churned: Option<f64>,
    start: Option<&Bound<'_, PyAny>>,
    now: Option<&Bound<'_, PyAny>>,
) -> PyResult<f64> {
    retention(
        py,
        csops_core::metrics::Retention::Gross,
        start_arr,
        expansion,
        contraction,
        churned,
        start,
        now,
    )
}

/// Logo churn in percent: `churned_accounts` / `accounts_at_start`, two whole numbers (keyword
/// arguments), the accounts at the period's start and those of them lost in it.
#[pyfunction]
#[pyo3(signature = (*, accounts_at_start, churned_accounts))]
pub(crate) fn logo_churn(
    py: Python<'_>,
    accounts_at_start: &Bound<'_, PyInt>,
    churned_accounts: &Bound<'_, PyInt>,
) -> PyResult<f64> {
    let count = |name: &str, v: &Bound<'_, PyInt>| {
        v.extract::<u64>().map_err(|_| {
            input_error(
                py,
                name,
                format!(
                    "logo_churn: {name} {v} is not a count (a whole number from 0 to 2^64 - 1)"
                ),
            )
        })
    };
    csops_core::metrics::logo_churn(
        count("accounts_at_start", accounts_at_start)?,
        count("churned_accounts", churned_accounts)?,
    )
    .map_err(|e| core_error(py, e))
}

/// License utilisation in percent: `active_users` / `purchased_seats`, two numbers (keyword
/// arguments; seats above 0).
#[pyfunction]
#[pyo3(signature = (*, active_users, purchased_seats))]
pub(crate) fn license_utilization(
    py: Python<'_>,
    active_users: f64,
    purchased_seats: f64,
) -> PyResult<f64> {
    csops_core::metrics::license_utilization(active_users, purchased_seats)
        .map_err(|e| core_error(py, e))
}

/// SMAU, stage monthly active users (SPEC §11): the distinct users active in each DevOps stage
/// in each calendar month (UTC), a user identified within an account.
///
/// `events`: the usage events, columns `account`, `user`, `stage` and `at` (a timestamp of any
/// unit or zone, a date, or RFC 3339 text; other columns are ignored), as any table exporting
/// Arrow data (a pyarrow Table, a polars or pandas DataFrame, a DuckDB result), or a list of
/// dicts with those keys. `paying`: the paying accounts' names (an iterable) to count only
/// those; None counts every account. `by`: `"account"` (default) for one row per account,
/// month and stage, or `"total"` for one row per month and stage.
///
/// Returns rows `account` (with `by="account"`), `month` (`"2026-01"`), `stage`, `users`,
/// ordered, as the kind of table that came in (a list of dicts for a list). No events, an
/// event missing a field, or a time that is not one is an `InputError` naming the event
/// (`events[7].at`).
#[pyfunction]
#[pyo3(signature = (events, *, paying = None, by = None))]
pub(crate) fn smau<'py>(
    py: Python<'py>,
    events: &Bound<'py, PyAny>,
    paying: Option<&Bound<'py, PyAny>>,
    by: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let by: SmauBy = match by.filter(|b| !b.is_none()) {
        Some(b) => read(py, b, "by")?,
        None => SmauBy::Account,
    };
    let paying = paying
        .filter(|p| !p.is_none())
        .map(|p| text::names(p, "paying"))
        .transpose()?;
    if arrow::is_arrow(events) {
        // The events stream in one record batch at a time; only what is distinct is kept.
        let mut counter = SmauCounter::over(paying.as_deref());
        for batch in arrow::reader(events, "events")? {
            let b = batch.map_err(|e| input_error(py, "events", format!("events: {e}")))?;
            let text = |name| TextColumn::new(py, arrow::column(py, &b, name, "events")?, name);
            let (account, user, stage) = (text("account")?, text("user")?, text("stage")?);
            let at = TimeColumn::new(py, arrow::column(py, &b, "at", "events")?, "at")?;
            py.detach(|| {
                counter.extend((0..b.num_rows()).map(|i| UsageEvent {
                    account: account.get(i),
                    user: user.get(i),
                    stage: stage.get(i),
                    at: at.get(i),
                }))
            })
            .map_err(|e| core_error(py, e))?;
        }
        let smau = py
            .detach(|| counter.finish())
            .map_err(|e| core_error(py, e))?;
        let (schema, batch) = smau_batch(&smau, by)?;
        return Kind::of(events).table(py, schema, vec![batch]);
    }
    if !events.is_instance_of::<PyList>() {
        return Err(PyTypeError::new_err(format!(
            "events: expected a table exporting Arrow data (pyarrow, polars, pandas, DuckDB) or a list of dicts, not {}",
            events.get_type()
        )));
    }
    let reader = de::Reader::new("events");
    let read = Smau::read_events(reader.de(events), paying.as_deref());
    let smau = reader.finish(read, |e| core_error(py, e))?;
    let rows = PyList::empty(py);
    for row in smau.rows_by(by) {
        let d = PyDict::new(py);
        if let Some(account) = row.account {
            d.set_item("account", account)?;
        }
        d.set_item("month", row.month.to_string())?;
        d.set_item("stage", row.stage)?;
        d.set_item("users", row.users)?;
        rows.append(d)?;
    }
    Ok(rows.into_any())
}

/// SMAU's long form as one record batch.
fn smau_batch(smau: &Smau, by: SmauBy) -> PyResult<(Arc<Schema>, RecordBatch)> {
    let rows: Vec<_> = smau.rows_by(by).collect();
    let mut fields = Vec::new();
    let mut columns: Vec<ArrayRef> = Vec::new();
    if by == SmauBy::Account {
        fields.push(Field::new("account", DataType::Utf8, false));
        columns.push(Arc::new(StringArray::from_iter_values(
            rows.iter().map(|r| r.account.unwrap_or_default()),
        )));
    }
    fields.push(Field::new("month", DataType::Utf8, false));
    columns.push(Arc::new(StringArray::from_iter_values(
        rows.iter().map(|r| r.month.to_string()),
    )));
    fields.push(Field::new("stage", DataType::Utf8, false));
    columns.push(Arc::new(StringArray::from_iter_values(
        rows.iter().map(|r| r.stage),
    )));
    fields.push(Field::new("users", DataType::Int64, false));
    columns.push(Arc::new(Int64Array::from_iter_values(
        rows.iter().map(|r| r.users as i64),
    )));
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns)
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    Ok((schema, batch))
}
