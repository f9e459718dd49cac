//! The customer metrics from C (SPEC §11).

use crate::*;

pub(crate) fn metric_failure(e: csops_core::metrics::MetricsError) -> Failure {
    Failure::new(CSOPS_INVALID_INPUT, e.to_string())
}

/// Writes a metric through `out` (`CSOPS_INVALID_ARGUMENT` when `out` is NULL).
///
/// # Safety
/// `out` is NULL or writable.
pub(crate) unsafe fn metric_out(
    out: *mut f64,
    value: Result<f64, csops_core::metrics::MetricsError>,
) -> Result<(), Failure> {
    if out.is_null() {
        return Err(Failure::new(CSOPS_INVALID_ARGUMENT, "out is NULL"));
    }
    let v = value.map_err(metric_failure)?;
    // SAFETY: non-NULL and writable by contract.
    unsafe { write_out(out, v) };
    Ok(())
}

/// NPS in percent from `n` integer answers 0–10, written to `out` on success.
/// `CSOPS_INVALID_INPUT` for no answers or an answer out of range.
///
/// # Safety
/// `answers` points to `n` values (or is NULL with `n` = 0); `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_nps(
    answers: *const i64,
    n: usize,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    status_call(|| unsafe {
        metric_out(out, csops_core::metrics::nps(slice(answers, n, "answers")?))
    })
}

/// CSAT in percent from `n` integer answers 1–5 (the share of 4–5), written to `out`.
///
/// # Safety
/// As for `csops_metric_nps`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_csat(
    answers: *const i64,
    n: usize,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    status_call(|| unsafe {
        metric_out(
            out,
            csops_core::metrics::csat(slice(answers, n, "answers")?),
        )
    })
}

/// NRR in percent from an ARR movement (starting ARR > 0; the others ≥ 0; contraction + churned
/// ≤ starting ARR), written to `out`.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_nrr(
    start_arr: f64,
    expansion: f64,
    contraction: f64,
    churned: f64,
    out: *mut f64,
) -> csops_status_t {
    let m = csops_core::metrics::ArrMovement {
        start_arr,
        expansion,
        contraction,
        churned,
    };
    // SAFETY: by this function's contract.
    status_call(|| unsafe { metric_out(out, csops_core::metrics::nrr(&m)) })
}

/// GRR in percent from an ARR movement, written to `out`.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_grr(
    start_arr: f64,
    expansion: f64,
    contraction: f64,
    churned: f64,
    out: *mut f64,
) -> csops_status_t {
    let m = csops_core::metrics::ArrMovement {
        start_arr,
        expansion,
        contraction,
        churned,
    };
    // SAFETY: by this function's contract.
    status_call(|| unsafe { metric_out(out, csops_core::metrics::grr(&m)) })
}

/// NRR per account in percent: ΣB / ΣA over the `n` accounts with A > 0 (`start` = A, ARR at the
/// period start; `now` = B, 0 if churned), written to `out`.
///
/// # Safety
/// `start` and `now` point to `n` values each (or are NULL with `n` = 0); `out` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_nrr_per_account(
    start: *const f64,
    now: *const f64,
    n: usize,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    unsafe { per_account(start, now, n, out, csops_core::metrics::nrr_per_account) }
}

/// GRR per account in percent: Σmin(A, B) / ΣA over the `n` accounts with A > 0.
///
/// # Safety
/// As for `csops_metric_nrr_per_account`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_grr_per_account(
    start: *const f64,
    now: *const f64,
    n: usize,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    unsafe { per_account(start, now, n, out, csops_core::metrics::grr_per_account) }
}

/// A per-account metric of `n` start and now values, written to `out`.
///
/// # Safety
/// As for `csops_metric_nrr_per_account`.
pub(crate) unsafe fn per_account(
    start: *const f64,
    now: *const f64,
    n: usize,
    out: *mut f64,
    metric: fn(&[f64], &[f64]) -> Result<f64, csops_core::metrics::MetricsError>,
) -> csops_status_t {
    status_call(|| {
        // SAFETY: by the caller's contract.
        let (a, b) = unsafe { (slice(start, n, "start")?, slice(now, n, "now")?) };
        // SAFETY: by the caller's contract.
        unsafe { metric_out(out, metric(a, b)) }
    })
}

/// Logo churn in percent: churned accounts / accounts at the period start, written to `out`.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_logo_churn(
    accounts_at_start: u64,
    churned_accounts: u64,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    status_call(|| unsafe {
        metric_out(
            out,
            csops_core::metrics::logo_churn(accounts_at_start, churned_accounts),
        )
    })
}

/// License utilisation in percent: active users / purchased seats, written to `out`.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_metric_license_utilization(
    active_users: f64,
    purchased_seats: f64,
    out: *mut f64,
) -> csops_status_t {
    // SAFETY: by this function's contract.
    status_call(|| unsafe {
        metric_out(
            out,
            csops_core::metrics::license_utilization(active_users, purchased_seats),
        )
    })
}
