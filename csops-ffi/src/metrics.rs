//! The customer metrics from C (SPEC §11).

use csops_core::metrics::{At, Retention, Smau, UsageEvent};

use crate::*;

/// A metric's value written through `out` (checked for NULL before any work).
pub(crate) fn metric_out(
    out: Out<f64>,
    value: Result<f64, csops_core::metrics::MetricsError>,
) -> Result<csops_status_t, Failure> {
    out.write(value.map_err(failure)?);
    Ok(CSOPS_OK)
}

/// A retention metric per account, written to `out`.
pub(crate) fn per_account(
    retention: Retention,
    out: Out<f64>,
    start: &[f64],
    now: &[f64],
) -> Result<csops_status_t, Failure> {
    metric_out(out, retention.per_account(start, now))
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
    ffi! {
        let out = arg_out!(out)?;
        metric_out(out, csops_core::metrics::nps(arg_slice!(answers, n)?))
    }
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
    ffi! {
        let out = arg_out!(out)?;
        metric_out(out, csops_core::metrics::csat(arg_slice!(answers, n)?))
    }
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
    ffi! {
        let m = csops_core::metrics::ArrMovement { start_arr, expansion, contraction, churned };
        metric_out(arg_out!(out)?, Retention::Net.of(&m))
    }
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
    ffi! {
        let m = csops_core::metrics::ArrMovement { start_arr, expansion, contraction, churned };
        metric_out(arg_out!(out)?, Retention::Gross.of(&m))
    }
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
    ffi! { per_account(Retention::Net, arg_out!(out)?, arg_slice!(start, n)?, arg_slice!(now, n)?) }
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
    ffi! { per_account(Retention::Gross, arg_out!(out)?, arg_slice!(start, n)?, arg_slice!(now, n)?) }
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
    ffi! {
        let churn = csops_core::metrics::logo_churn(accounts_at_start, churned_accounts);
        metric_out(arg_out!(out)?, churn)
    }
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
    ffi! {
        let utilization = csops_core::metrics::license_utilization(active_users, purchased_seats);
        metric_out(arg_out!(out)?, utilization)
    }
}

/// SMAU (stage monthly active users) over `n` usage events given as columns: `accounts`,
/// `users` and `stages` (C strings; a NULL element is a missing value and an error naming the
/// event) and `at_seconds` (seconds since 1970-01-01T00:00:00Z). `paying`: `n_paying` account
/// names to count only those, or NULL to count every account. Writes JSON
/// `{"total": {month: {stage: users}}, "by_account": {account: {month: {stage: users}}}}` to
/// `*out_json` (free with `csops_string_free`). `CSOPS_INVALID_INPUT` for no events or an
/// event missing a field; `CSOPS_INVALID_ARGUMENT` for a NULL name in `paying`.
///
/// # Safety
/// `accounts`, `users`, `stages` and `at_seconds` point to `n` values each (or are NULL with
/// `n` = 0); `paying` is NULL or points to `n_paying` NUL-terminated strings; `out_json` is
/// writable (NULL is `CSOPS_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_smau(
    accounts: *const *const c_char,
    users: *const *const c_char,
    stages: *const *const c_char,
    at_seconds: *const i64,
    n: usize,
    paying: *const *const c_char,
    n_paying: usize,
    out_json: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let out = arg_out!(out_json)?;
        let (accounts, users) = (arg_text_column!(accounts, n)?, arg_text_column!(users, n)?);
        let (stages, at) = (arg_text_column!(stages, n)?, arg_slice!(at_seconds, n)?);
        let paying = arg_texts_or_null!(paying, n_paying)?;
        let events = (0..n).map(|i| UsageEvent {
            account: accounts[i],
            user: users[i],
            stage: stages[i],
            at: Some(At::Seconds(at[i])),
        });
        out.write_json(&Smau::count(events, paying.as_deref()).map_err(failure)?)?;
        Ok(CSOPS_OK)
    }
}

/// SMAU from its call form in JSON, as the conformance vectors give it:
/// `{"events": [{"account", "user", "stage", "at": "2026-01-31T23:59:59Z"}, …], "paying": [...]}`
/// (`paying` optional). Writes the JSON of `csops_smau` to `*out_json`. `CSOPS_INVALID_JSON`
/// for text that is not JSON, `CSOPS_INVALID_INPUT` for no events or an event that breaks a
/// rule (a time that is not RFC 3339, a missing user).
///
/// # Safety
/// `input_json` is a NUL-terminated string; `out_json` is writable (NULL is
/// `CSOPS_INVALID_ARGUMENT`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_smau_json(
    input_json: *const c_char,
    out_json: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let out = arg_out!(out_json)?;
        out.write_json(&Smau::from_json(arg_text!(input_json)?).map_err(failure)?)?;
        Ok(CSOPS_OK)
    }
}
