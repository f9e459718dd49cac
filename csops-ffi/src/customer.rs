//! The customer side from C: segmentation and capacity (SPEC §8), maturity (§12). JSON in and
//! out, read once by the core.

use std::collections::BTreeMap;
use std::ffi::c_char;

use csops_core::Document;
use csops_core::segment::{self as seg, Segmentation};

use crate::*;

/// Ordered segmentation rules (SPEC §8): account attributes → CSM team, priority, engagement
/// model and sales segment.
pub struct csops_segmentation_t {
    inner: Segmentation,
}

/// Segmentation rules from JSON (`{"rules": [...]}`) or TOML (`[[rules]]`) text, or the
/// illustrative default when `rules_or_null` is NULL. NULL on failure (`CSOPS_INVALID_CONFIG`,
/// `csops_last_error_key()` naming the key). Free it with `csops_segmentation_free`.
///
/// # Safety
/// `rules_or_null` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_segmentation_new(
    rules_or_null: *const c_char,
) -> *mut csops_segmentation_t {
    ffi! {
        let inner = match arg_text_or_null!(rules_or_null)? {
            None => Segmentation::default(),
            Some(text) => Segmentation::from_text(text).map_err(failure)?,
        };
        Ok(Box::into_raw(Box::new(csops_segmentation_t { inner })))
    }
}

/// Frees segmentation rules. NULL is ignored.
///
/// # Safety
/// `s` is NULL or rules from `csops_segmentation_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_segmentation_free(s: *mut csops_segmentation_t) {
    ffi! { free_handle!(s) }
}

/// The rules as JSON (what `csops_segmentation_new` reads). The caller frees it with
/// `csops_string_free`. NULL if `s` is NULL.
///
/// # Safety
/// `s` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_segmentation_to_json(s: *const csops_segmentation_t) -> *mut c_char {
    ffi! {
        let s = arg_ref!(s)?;
        json_string(&s.inner)
    }
}

/// The segment of one account. `account_json`: `{"id", "arr", "seats", "public_sector",
/// "region"}` (`id` and `arr` required). `assignment_json_out` receives `{"account", "rule",
/// "team", "priority", "engagement", "sales_segment"}` (free it with `csops_string_free`). An
/// account no rule matches is `CSOPS_INVALID_INPUT`.
///
/// # Safety
/// `s` is NULL or live; `account_json` is NULL or NUL-terminated; `assignment_json_out` is NULL
/// (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_segmentation_assign(
    s: *const csops_segmentation_t,
    account_json: *const c_char,
    assignment_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let s = arg_ref!(s)?;
        let out = arg_out!(assignment_json_out)?;
        let account: seg::Account =
            from_json_text(arg_text!(account_json)?, "account", CSOPS_INVALID_INPUT)?;
        out.write_json(&s.inner.assign(&account).map_err(failure)?)?;
        Ok(CSOPS_OK)
    }
}

/// The segments of a book: `accounts_json` a JSON array of accounts as
/// `csops_segmentation_assign` reads them; `assignments_json_out` an array of assignments in
/// the same order. The first account no rule matches is `CSOPS_INVALID_INPUT` naming it.
///
/// # Safety
/// As for `csops_segmentation_assign`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_segmentation_assign_all(
    s: *const csops_segmentation_t,
    accounts_json: *const c_char,
    assignments_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let s = arg_ref!(s)?;
        let out = arg_out!(assignments_json_out)?;
        let accounts: Vec<seg::Account> =
            from_json_text(arg_text!(accounts_json)?, "accounts", CSOPS_INVALID_INPUT)?;
        out.write_json(&s.inner.assign_all(&accounts).map_err(failure)?)?;
        Ok(CSOPS_OK)
    }
}

/// CSM headcount per team for a segmented book (SPEC §8). `assignments_json`: the output of
/// `csops_segmentation_assign_all`. `current_json_or_null`: `{"Strategic": 4, …}`, each team's
/// CSMs now (NULL: none). `model_json_or_null`: the assumptions to replace
/// (`accounts_per_csm`, `calls_per_account_per_week`, `calls_per_csm_per_week`,
/// `digital_only_priorities`; NULL: the illustrative ones). `plan_json_out` receives
/// `{"teams": [{"team", "accounts", "digital_only", "needed_by_ratio", "needed_by_cadence",
/// "current", "gap_by_ratio", "gap_by_cadence"}, …]}`.
///
/// # Safety
/// Strings are NULL or NUL-terminated; `plan_json_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_capacity_plan(
    assignments_json: *const c_char,
    current_json_or_null: *const c_char,
    model_json_or_null: *const c_char,
    plan_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let out = arg_out!(plan_json_out)?;
        let assignments: Vec<seg::Assignment> =
            from_json_text(arg_text!(assignments_json)?, "assignments", CSOPS_INVALID_INPUT)?;
        let current: BTreeMap<seg::CsmTeam, u64> = match arg_text_or_null!(current_json_or_null)? {
            None => BTreeMap::new(),
            Some(text) => from_json_text(text, "current", CSOPS_INVALID_INPUT)?,
        };
        let model: seg::CapacityModel = match arg_text_or_null!(model_json_or_null)? {
            None => seg::CapacityModel::default(),
            Some(text) => from_json_text(text, "model", CSOPS_INVALID_CONFIG)?,
        };
        out.write_json(&seg::capacity_plan(&assignments, &current, &model))?;
        Ok(CSOPS_OK)
    }
}

/// A CS Ops maturity assessment's report (SPEC §12). `ratings_json`: an object from each of the
/// 15 capabilities, by id (`"metrics"`) or number (`"4"`), to its rating 0–3, all 15 once.
/// `foundations_json_or_null`: capability → the capabilities it builds on (NULL: the source's
/// links). `report_json_out` receives `{"stages", "highest_established_stage", "weakest",
/// "ahead_of_foundations"}`. A missing, repeated or unknown capability or a rating outside 0–3
/// is `CSOPS_INVALID_INPUT` (key `ratings`).
///
/// # Safety
/// Strings are NULL or NUL-terminated; `report_json_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_maturity_report(
    ratings_json: *const c_char,
    foundations_json_or_null: *const c_char,
    report_json_out: *mut *mut c_char,
) -> csops_status_t {
    use csops_core::maturity::{Maturity, MaturityModel, Ratings};
    ffi! {
        let out = arg_out!(report_json_out)?;
        let ratings: Ratings =
            from_json_text(arg_text!(ratings_json)?, "ratings", CSOPS_INVALID_INPUT)?;
        let maturity = Maturity::from_ratings(ratings.0).map_err(failure)?;
        let model = match arg_text_or_null!(foundations_json_or_null)? {
            None => MaturityModel::default(),
            Some(text) => MaturityModel {
                foundations: from_json_text(text, "foundations", CSOPS_INVALID_CONFIG)?,
            },
        };
        out.write_json(&maturity.report(&model))?;
        Ok(CSOPS_OK)
    }
}
