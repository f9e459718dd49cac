//! The customer metrics (SPEC §11): NPS, CSAT, NRR / GRR, logo churn, license utilisation.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyInt;

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
