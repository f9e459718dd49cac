//! One account's health score from C (SPEC §10): a handle whose parts read as numbers and C
//! strings, and as JSON whole.

use std::ffi::{CString, c_char};

use csops_core::health::{HealthScore, ScoreOptions, Values};

use crate::*;

/// One account's score with its explanation.
pub struct csops_health_t {
    pub(crate) inner: HealthScore,
    band: CString,
    computed_band: CString,
    trend: Option<CString>,
    band_change: Option<(CString, CString)>,
    vetoes: Vec<CString>,
    stale: Vec<CString>,
    /// The reasons, worded when first read (most callers read the score and band only).
    reasons: std::sync::OnceLock<Vec<CString>>,
    /// The scorecard's name, version, hash.
    pub(crate) identity: [CString; 3],
}

impl csops_health_t {
    fn reasons(&self) -> &[CString] {
        self.reasons.get_or_init(|| {
            let reasons = self.inner.reasons(usize::MAX);
            reasons.into_iter().map(c_string).collect()
        })
    }
}

pub(crate) fn health_handle(inner: HealthScore) -> *mut csops_health_t {
    let texts = |v: &[String]| v.iter().map(|t| c_string(t.as_str())).collect();
    Box::into_raw(Box::new(csops_health_t {
        band: c_string(inner.band.as_str()),
        computed_band: c_string(inner.computed_band.as_str()),
        trend: inner.trend.map(|t| c_string(<&str>::from(t))),
        band_change: inner
            .band_change
            .as_ref()
            .map(|c| (c_string(c.from.as_str()), c_string(c.to.as_str()))),
        vetoes: texts(&inner.vetoes),
        stale: texts(&inner.stale),
        reasons: std::sync::OnceLock::new(),
        identity: identity_texts(&inner.scorecard),
        inner,
    }))
}

/// Scores one account. `values_json`: measure id → number, category name, null, or
/// `{"value": …, "at": "YYYY-MM-DD"}`. `options_json_or_null`: `{"as_of": "YYYY-MM-DD",
/// "segment": "high_touch", "previous": {"score": 71.0, "band": "Yellow"}, "override":
/// {"score" and/or "band", "author", "reason", "expires"}}`, every key optional (NULL: none):
/// staleness, segment profile, trend and hysteresis, and a manual override. NULL on failure
/// (`CSOPS_INVALID_INPUT` naming the measure or option). Free it with `csops_health_free`.
///
/// # Safety
/// `card` is NULL or a live scorecard; strings are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_evaluate(
    card: *const csops_scorecard_t,
    values_json: *const c_char,
    options_json_or_null: *const c_char,
) -> *mut csops_health_t {
    ffi! {
        let card = arg_ref!(card)?;
        let values = Values::from_json(arg_text!(values_json)?).map_err(failure)?;
        let options: ScoreOptions = match arg_text_or_null!(options_json_or_null)? {
            None => ScoreOptions::default(),
            Some(text) => from_json_text(text, "options", CSOPS_INVALID_INPUT)?,
        };
        let s = card.inner.score(&values, &options.context()).map_err(failure)?;
        Ok(health_handle(s))
    }
}

/// Frees a score. NULL is ignored.
///
/// # Safety
/// `h` is NULL or a score from this library, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_free(h: *mut csops_health_t) {
    ffi! { free_handle!(h) }
}

/// The score shown, 0–100 (after an override); NaN when Unknown or `h` is NULL.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_score(h: *const csops_health_t) -> f64 {
    ffi! { Ok(arg_ref!(h)?.inner.score.unwrap_or(f64::NAN)) }
}

/// The band shown ("Green", …, "Unknown"). Owned by the score: do not free. NULL if `h` is
/// NULL.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_band(h: *const csops_health_t) -> *const c_char {
    ffi! { Ok(arg_ref!(h)?.band.as_ptr()) }
}

/// The computed score, before an override; NaN when Unknown or `h` is NULL.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_computed_score(h: *const csops_health_t) -> f64 {
    ffi! { Ok(arg_ref!(h)?.inner.computed_score.unwrap_or(f64::NAN)) }
}

/// The computed band (after hysteresis and vetoes, before an override). Owned by the score:
/// do not free. NULL if `h` is NULL.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_computed_band(h: *const csops_health_t) -> *const c_char {
    ffi! { Ok(arg_ref!(h)?.computed_band.as_ptr()) }
}

/// The share of the measures' weight that had data, 0–1; NaN if `h` is NULL.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_coverage(h: *const csops_health_t) -> f64 {
    ffi! { Ok(arg_ref!(h)?.inner.coverage) }
}

/// The trend against the previous score ("up", "same", "down"), or NULL without one. Owned by
/// the score: do not free.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_trend(h: *const csops_health_t) -> *const c_char {
    ffi! { Ok(arg_ref!(h)?.trend.as_ref().map_or(std::ptr::null(), |t| t.as_ptr())) }
}

/// Whether the band changed from the previous one; when it did, `from_out` and `to_out` (each
/// may be NULL) receive the two bands, owned by the score. False if `h` is NULL.
///
/// # Safety
/// `h` is NULL or a live score; the out-parameters are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_band_change(
    h: *const csops_health_t,
    from_out: *mut *const c_char,
    to_out: *mut *const c_char,
) -> bool {
    ffi! {
        let Some((from, to)) = &arg_ref!(h)?.band_change else {
            return Ok(false);
        };
        arg_out_or_null!(from_out).write(from.as_ptr());
        arg_out_or_null!(to_out).write(to.as_ptr());
        Ok(true)
    }
}

/// The number of measures that vetoed the band (0 if `h` is NULL).
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_veto_count(h: *const csops_health_t) -> usize {
    ffi! { Ok(arg_ref!(h)?.vetoes.len()) }
}

/// Veto `i` (a measure id). Owned by the score; NULL if `h` is NULL or `i` out of range.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_veto(h: *const csops_health_t, i: usize) -> *const c_char {
    ffi! { Ok(arg_ref!(h)?.vetoes.get(i).map_or(std::ptr::null(), |t| t.as_ptr())) }
}

/// The number of measures whose value was too old to count (0 if `h` is NULL).
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_stale_count(h: *const csops_health_t) -> usize {
    ffi! { Ok(arg_ref!(h)?.stale.len()) }
}

/// Stale measure `i`. Owned by the score; NULL if `h` is NULL or `i` out of range.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_stale(h: *const csops_health_t, i: usize) -> *const c_char {
    ffi! { Ok(arg_ref!(h)?.stale.get(i).map_or(std::ptr::null(), |t| t.as_ptr())) }
}

/// The number of reasons for the score, most important first (0 if `h` is NULL).
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_reason_count(h: *const csops_health_t) -> usize {
    ffi! { Ok(arg_ref!(h)?.reasons().len()) }
}

/// Reason `i` in words (`veto: csm_sentiment`, `csm_sentiment: -33.3 points`). Owned by the
/// score; NULL if `h` is NULL or `i` out of range.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_reason(h: *const csops_health_t, i: usize) -> *const c_char {
    ffi! { Ok(arg_ref!(h)?.reasons().get(i).map_or(std::ptr::null(), |t| t.as_ptr())) }
}

/// The whole score as JSON (`score`, `band`, `computed_score`, `computed_band`, `coverage`,
/// `unknown`, `contributions`, `groups`, `vetoes`, `stale`, `override`, `trend`,
/// `band_change`), as `csops_scorecard_score` writes it. The caller frees it with
/// `csops_string_free`. NULL if `h` is NULL.
///
/// # Safety
/// `h` is NULL or a live score.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_health_to_json(h: *const csops_health_t) -> *mut c_char {
    ffi! {
        json_string(&arg_ref!(h)?.inner)
    }
}
