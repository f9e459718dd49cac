//! The customer journey from C (SPEC §9).

use std::ffi::{CString, c_char};
use std::sync::LazyLock;

use crate::*;

/// A customer's journey (SPEC §9) with its configuration.
pub struct csops_journey_t {
    pub(crate) inner: csops_core::journey::Journey,
    pub(crate) config: csops_core::journey::JourneyConfig,
}

pub(crate) static STAGE_NAMES: LazyLock<Vec<CString>> =
    LazyLock::new(|| c_names::<csops_core::journey::JourneyStage>(|s| s.into()));
/// A journey in Align for `account`, with a configuration (JSON; NULL for the defaults: 14/30/45
/// days to value, a 120-day renewal window). NULL on failure. Free it with `csops_journey_free`.
///
/// # Safety
/// The arguments are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_new(
    account: *const c_char,
    config_json_or_null: *const c_char,
) -> *mut csops_journey_t {
    ffi! {
        let account = arg_text!(account)?;
        let config = match arg_text_or_null!(config_json_or_null)? {
            None => csops_core::journey::JourneyConfig::default(),
            Some(text) => from_json_text(text, "journey config", CSOPS_INVALID_CONFIG)?,
        };
        Ok(Box::into_raw(Box::new(csops_journey_t {
            inner: csops_core::journey::Journey::new(account),
            config,
        })))
    }
}

/// Frees a journey. NULL is ignored.
///
/// # Safety
/// `j` is NULL or a journey from `csops_journey_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_free(j: *mut csops_journey_t) {
    ffi! { free_handle!(j) }
}

/// Records a dated event (JSON, `{"type": "contract_signed", ...}`; the date as YYYY-MM-DD).
/// `CSOPS_INVALID_INPUT` (journey unchanged) for an event that does not apply, a bad value or a
/// date before the last event.
///
/// # Safety
/// `j` is NULL or a live journey; strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_record(
    j: *mut csops_journey_t,
    event_json: *const c_char,
    date_iso: *const c_char,
) -> csops_status_t {
    ffi! {
        let j = arg_mut!(j)?;
        let event = from_json_text(arg_text!(event_json)?, "event", CSOPS_INVALID_INPUT)?;
        let on = date(arg_text!(date_iso)?, "date_iso")?;
        j.inner
            .record(on, event, &j.config)
            .map_err(failure)?;
        Ok(CSOPS_OK)
    }
}

/// Fires the time-driven steps up to `now_iso` and reports missed milestones. When
/// `report_json_out` is not NULL it receives the report as JSON (`steps`, `misses`), which the
/// caller frees with `csops_string_free`.
///
/// # Safety
/// `j` is NULL or a live journey; `now_iso` is NULL or NUL-terminated; `report_json_out` is NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_advance(
    j: *mut csops_journey_t,
    now_iso: *const c_char,
    report_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let j = arg_mut!(j)?;
        let now = date(arg_text!(now_iso)?, "now_iso")?;
        let report = j.inner.advance(now, &j.config).map_err(failure)?;
        arg_out_or_null!(report_json_out).write_json(&report)?;
        Ok(CSOPS_OK)
    }
}

/// The journey's stage ("Align", "Onboard", "Enable", "Expand", "Renew", "Churned"). Static: do
/// not free. NULL if `j` is NULL.
///
/// # Safety
/// `j` is NULL or a live journey.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_stage(j: *const csops_journey_t) -> *const c_char {
    ffi! {
        Ok(variant_name(&STAGE_NAMES, arg_ref!(j)?.inner.stage()))
    }
}

/// The touchpoints of the journey's current stage for an engagement model (`high_touch`,
/// `mid_touch` or `tech_touch`), from its configuration, as a JSON array of strings written to
/// `touchpoints_json_out` (free it with `csops_string_free`). An unknown model is
/// `CSOPS_INVALID_INPUT`.
///
/// # Safety
/// `j` is NULL or a live journey; `engagement` is NULL or NUL-terminated;
/// `touchpoints_json_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_touchpoints(
    j: *const csops_journey_t,
    engagement: *const c_char,
    touchpoints_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let j = arg_ref!(j)?;
        let out = arg_out!(touchpoints_json_out)?;
        let touchpoints = j
            .inner
            .touchpoints_named(arg_text!(engagement)?, &j.config)
            .map_err(failure)?;
        out.write_json(&touchpoints)?;
        Ok(CSOPS_OK)
    }
}

/// The journey as JSON: `account`, `stage`, `arr`, `start`, `renewal` and `history` (each
/// step's date, event and stages). The caller frees it with `csops_string_free`. NULL if `j`
/// is NULL.
///
/// # Safety
/// `j` is NULL or a live journey.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_journey_to_json(j: *const csops_journey_t) -> *mut c_char {
    ffi! {
        let j = arg_ref!(j)?;
        json_string(&j.inner)
    }
}
