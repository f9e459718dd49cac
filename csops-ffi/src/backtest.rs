//! Scorecard identity and backtests from C (SPEC §10 "Identity", §13): a scorecard's and a
//! score's name, version and hash as C strings, and the backtest's functions over the JSON
//! form of their inputs (`BacktestInput`: the history, segments, outcomes, dates and options as
//! rows), answered as JSON.

use std::ffi::{CString, c_char};

use csops_core::health::{BacktestInput, FitOptions, Identity};

use crate::*;

/// An identity's parts as C strings: name, version, hash.
pub(crate) fn identity_texts(id: &Identity) -> [CString; 3] {
    [
        c_string(id.name.as_str()),
        c_string(id.version.as_str()),
        c_string(id.hash.as_str()),
    ]
}

/// The scorecard's name ("" when it has none), owned by the scorecard: do not free. NULL if
/// `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_name(card: *const csops_scorecard_t) -> *const c_char {
    ffi! { Ok(arg_ref!(card)?.identity[0].as_ptr()) }
}

/// The scorecard's version ("" when it has none), owned by the scorecard: do not free. NULL if
/// `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_version(card: *const csops_scorecard_t) -> *const c_char {
    ffi! { Ok(arg_ref!(card)?.identity[1].as_ptr()) }
}

/// The SHA-256 of the scorecard's canonical form (64 lower-case hex digits: the same card as
/// JSON or TOML, laid out any way, hashes alike; a changed weight does not), owned by the
/// scorecard: do not free. A batch scored with `card` was made by this definition. NULL if
/// `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_hash(card: *const csops_scorecard_t) -> *const c_char {
    ffi! { Ok(arg_ref!(card)?.identity[2].as_ptr()) }
}

/// The name of the scorecard that made a score, owned by the score: do not free. NULL if `h`
/// is NULL.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_scorecard_name(h: *const csops_health_t) -> *const c_char {
    ffi! { Ok(arg_ref!(h)?.identity[0].as_ptr()) }
}

/// The version of the scorecard that made a score, owned by the score: do not free. NULL if
/// `h` is NULL.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_scorecard_version(h: *const csops_health_t) -> *const c_char {
    ffi! { Ok(arg_ref!(h)?.identity[1].as_ptr()) }
}

/// The hash of the scorecard that made a score (see `csops_scorecard_hash`), owned by the
/// score: do not free. NULL if `h` is NULL.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_scorecard_hash(h: *const csops_health_t) -> *const c_char {
    ffi! { Ok(arg_ref!(h)?.identity[2].as_ptr()) }
}

fn input(text: &str) -> Result<BacktestInput, Failure> {
    BacktestInput::from_json(text).map_err(failure)
}

/// Every account of a measure history scored as of each date (SPEC §13). `input_json`:
/// `{"history": [{"account", "measure", "observed_at", "value"}], "segments": [{"account",
/// "segment", "from"}], "dates": ["YYYY-MM-DD"]}` (days are ISO dates or RFC 3339 times; a
/// value is a number, a category name or null). On success `*rows_json_out` receives
/// `[{"account", "as_of", "score" (null: Unknown), "band", "coverage"}]` by date then account;
/// free it with `csops_string_free`.
///
/// # Safety
/// `card` is NULL or a live scorecard; `input_json` is NULL or NUL-terminated;
/// `rows_json_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_score_history(
    card: *const csops_scorecard_t,
    input_json: *const c_char,
    rows_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let card = arg_ref!(card)?;
        let out = arg_out!(rows_json_out)?;
        let rows = input(arg_text!(input_json)?)?.score_history(&card.inner).map_err(failure)?;
        out.write_json(&rows)?;
        Ok(CSOPS_OK)
    }
}

/// The backtest of a scorecard (SPEC §13). `input_json`: as for
/// `csops_scorecard_score_history`, with `"outcomes": [{"account", "outcome": "churned" |
/// "renewed", "at"}]` and optional `"options": {"lead_days": [30, 60, 90], "bootstrap": 1000,
/// "seed": 0, "reasons": 3, "threads": 1}`. On success `*report_json_out` receives the report:
/// `{"scorecard": {"name", "version", "hash"}, "lead_times": [{"lead_days", "pairs",
/// "unknown", "unknown_share", "churned", "churn_rate", "auc", "auc_interval", "bands",
/// "roc", "missed_churn", "false_alarms"}]}`; free it with `csops_string_free`. An outcome
/// other than churned or renewed is `CSOPS_INVALID_INPUT` naming its row.
///
/// # Safety
/// `card` is NULL or a live scorecard; `input_json` is NULL or NUL-terminated;
/// `report_json_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_backtest(
    card: *const csops_scorecard_t,
    input_json: *const c_char,
    report_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let card = arg_ref!(card)?;
        let out = arg_out!(report_json_out)?;
        let report = input(arg_text!(input_json)?)?.backtest(&card.inner).map_err(failure)?;
        out.write_json(&report)?;
        Ok(CSOPS_OK)
    }
}

/// Two scorecards backtested side by side on one input (as for `csops_scorecard_backtest`).
/// On success `*comparison_json_out` receives `{"a": report, "b": report, "lead_times":
/// [{"lead_days", "a", "b", "difference" (b − a), "interval"}]}`; free it with
/// `csops_string_free`.
///
/// # Safety
/// `a` and `b` are NULL or live scorecards; `input_json` is NULL or NUL-terminated;
/// `comparison_json_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_compare(
    a: *const csops_scorecard_t,
    b: *const csops_scorecard_t,
    input_json: *const c_char,
    comparison_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let (a, b) = (arg_ref!(a)?, arg_ref!(b)?);
        let out = arg_out!(comparison_json_out)?;
        let c = input(arg_text!(input_json)?)?.compare(&a.inner, &b.inner).map_err(failure)?;
        out.write_json(&c)?;
        Ok(CSOPS_OK)
    }
}

/// Suggested weights (SPEC §13): fitted on the outcomes before the split, judged on those
/// after. `input_json`: as for `csops_scorecard_backtest`; `fit_json`: `{"split":
/// "YYYY-MM-DD", "lead_days": 90, "version": "2"}` (`lead_days` and `version` optional). On
/// success `*suggestion_json_out` receives `{"current", "suggested" (identities), "scorecard"
/// (the suggested scorecard, to write to a file), "auc_in", "auc_out" ({"current",
/// "suggested"}), "weights", "fit_pairs", "test_pairs", …}`; free it with `csops_string_free`.
///
/// # Safety
/// `card` is NULL or a live scorecard; the texts are NULL or NUL-terminated;
/// `suggestion_json_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_suggest_weights(
    card: *const csops_scorecard_t,
    input_json: *const c_char,
    fit_json: *const c_char,
    suggestion_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let card = arg_ref!(card)?;
        let out = arg_out!(suggestion_json_out)?;
        let fit = FitOptions::from_json(arg_text!(fit_json)?).map_err(failure)?;
        let s = input(arg_text!(input_json)?)?
            .suggest_weights(&card.inner, &fit)
            .map_err(failure)?;
        out.write_json(&s)?;
        Ok(CSOPS_OK)
    }
}
