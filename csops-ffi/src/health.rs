//! Health scorecards from C (SPEC §10): one account as JSON, a book as columns.

use std::ffi::{CString, c_char};

use crate::*;

/// A health scorecard (SPEC §10), with its band, measure and segment names as C strings.
pub struct csops_scorecard_t {
    pub(crate) inner: csops_core::health::Scorecard,
    pub(crate) bands: Vec<CString>,
    pub(crate) measures: Vec<CString>,
    pub(crate) segments: Vec<CString>,
    /// Name, version, hash.
    pub(crate) identity: [CString; 3],
}

pub(crate) fn scorecard_handle(inner: csops_core::health::Scorecard) -> *mut csops_scorecard_t {
    let cstrings = |names: &[String]| {
        names
            .iter()
            .map(|b| CString::new(b.as_str()).unwrap_or_default())
            .collect()
    };
    let mut bands: Vec<CString> = cstrings(inner.bands());
    bands.push(CString::new(csops_core::health::UNKNOWN).unwrap_or_default());
    let measures = cstrings(inner.measures());
    let segments = cstrings(inner.segments());
    let identity = identity_texts(inner.identity());
    Box::into_raw(Box::new(csops_scorecard_t {
        identity,
        inner,
        bands,
        measures,
        segments,
    }))
}

/// A scorecard from JSON or TOML text (the format of `csops_scorecard_default_toml()`; JSON
/// when its first character that is not white space is `{`), or the default scorecard (the
/// handbook's model) when `json_or_null` is NULL. NULL on failure (`CSOPS_INVALID_JSON`, or
/// `CSOPS_INVALID_CONFIG` with a message naming the measure). Free it with
/// `csops_scorecard_free`.
///
/// # Safety
/// `json_or_null` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_new(
    json_or_null: *const c_char,
) -> *mut csops_scorecard_t {
    ffi! {
        let inner = match arg_text_or_null!(json_or_null)? {
            None => csops_core::health::Scorecard::default(),
            Some(text) => {
                <csops_core::health::Scorecard as csops_core::Document>::from_text(text)
                    .map_err(failure)?
            }
        };
        Ok(scorecard_handle(inner))
    }
}

/// Frees a scorecard. NULL is ignored.
///
/// # Safety
/// `card` is NULL or a scorecard from `csops_scorecard_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_free(card: *mut csops_scorecard_t) {
    ffi! { free_handle!(card) }
}

/// The number of measures: the length of the `columns` array of `csops_scorecard_score_batch`.
/// 0 if `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_measure_count(card: *const csops_scorecard_t) -> usize {
    ffi! { Ok(arg_ref!(card)?.measures.len()) }
}

/// The id of measure `i` (column `i` of a batch), owned by the scorecard: do not free. NULL if
/// `card` is NULL or `i` is out of range.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_measure(
    card: *const csops_scorecard_t,
    i: usize,
) -> *const c_char {
    ffi! {
        let card = arg_ref!(card)?;
        Ok(card.measures.get(i).map_or(std::ptr::null(), |m| m.as_ptr()))
    }
}

/// The name of a band code written by `csops_scorecard_score_batch` ("Unknown" for 255), owned
/// by the scorecard: do not free. NULL if `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_band_name(
    card: *const csops_scorecard_t,
    code: u8,
) -> *const c_char {
    ffi! {
        let card = arg_ref!(card)?;
        let i = usize::from(code).min(card.bands.len() - 1);
        Ok(card.bands.get(i).map_or(std::ptr::null(), |b| b.as_ptr()))
    }
}

/// Scores one account (the whole explanation as JSON; `csops_scorecard_evaluate` gives it as a
/// handle with typed getters, and takes a previous score and an override). `values_json`: measure id -> number, category name, null, or
/// `{"value": ..., "at": "YYYY-MM-DD"}`; `as_of_or_null` (YYYY-MM-DD) and `segment_or_null` may
/// be NULL. On success `*score_json_out` receives the score with its explanation as JSON
/// (`score` null when Unknown, `band`, `coverage`, `contributions`, `groups`, `vetoes`, …); the
/// caller frees it with `csops_string_free`.
///
/// # Safety
/// `card` is NULL or a live scorecard; strings are NULL or NUL-terminated; `score_json_out` is
/// NULL (`CSOPS_INVALID_ARGUMENT`, checked before any work) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_score(
    card: *const csops_scorecard_t,
    values_json: *const c_char,
    as_of_or_null: *const c_char,
    segment_or_null: *const c_char,
    score_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let card = arg_ref!(card)?;
        let out = arg_out!(score_json_out)?;
        let text_values = arg_text!(values_json)?;
        let values = csops_core::health::Values::from_json(text_values).map_err(failure)?;
        let as_of = match arg_text_or_null!(as_of_or_null)? {
            Some(text) => Some(date(text, "as_of")?),
            None => None,
        };
        let ctx = csops_core::health::ScoreContext {
            as_of,
            segment: arg_text_or_null!(segment_or_null)?,
            ..Default::default()
        };
        let s = card.inner.score(&values, &ctx).map_err(failure)?;
        out.write_json(&s)?;
        Ok(CSOPS_OK)
    }
}

/// Scores `n` accounts at once. `columns` holds `csops_scorecard_measure_count(card)` pointers,
/// column `i` for measure `csops_scorecard_measure(card, i)`: `n` doubles each (NaN missing; a
/// category measure's column holds category codes 0, 1, … in the scorecard's order), or NULL
/// for a measure without data. `segments_or_null`: `n` segment codes (the position of the
/// segment in the scorecard's `segments`, 4294967295 for none), or NULL. The caller allocates
/// `score_out` (n doubles, NaN for Unknown), `band_out` (n codes, see
/// `csops_scorecard_band_name`) and `coverage_out` (n doubles). On failure every row reads
/// Unknown and the message names the row and the measure.
///
/// # Safety
/// `card` is NULL or a live scorecard; `columns` is NULL or holds measure-count pointers, each
/// NULL or to `n` readable doubles; the outputs are NULL or `n` writable elements each,
/// overlapping neither one another nor any input.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_score_batch(
    card: *const csops_scorecard_t,
    n: usize,
    columns: *const *const f64,
    segments_or_null: *const u32,
    score_out: *mut f64,
    band_out: *mut u8,
    coverage_out: *mut f64,
) -> csops_status_t {
    ffi! {
        let card = arg_ref!(card)?;
        if columns.is_null() {
            return Err(Failure::new(CSOPS_INVALID_ARGUMENT, "columns is NULL"));
        }
        if score_out.is_null() || band_out.is_null() || coverage_out.is_null() {
            return Err(Failure::new(CSOPS_INVALID_ARGUMENT, "an output array is NULL"));
        }
        let columns = arg_slice!(columns, card.measures.len())?;
        let mut batch = csops_core::health::Batch::new(&card.inner, n);
        for (id, &column) in card.inner.measures().iter().zip(columns) {
            if !column.is_null() {
                batch = batch.values(id, arg_slice!(column, n)?).map_err(failure)?;
            }
        }
        if !segments_or_null.is_null() {
            batch = batch.segments(arg_slice!(segments_or_null, n)?).map_err(failure)?;
        }
        let (score, band, coverage) = (
            arg_slice_mut!(score_out, n)?,
            arg_slice_mut!(band_out, n)?,
            arg_slice_mut!(coverage_out, n)?,
        );
        batch.score_into(score, band, coverage).map_err(failure)?;
        Ok(CSOPS_OK)
    }
}

/// The default scorecard as commented TOML: the handbook's model and an example of the format.
/// Static: do not free.
#[unsafe(no_mangle)]
pub extern "C" fn csops_scorecard_default_toml() -> *const c_char {
    static TOML: std::sync::LazyLock<CString> = std::sync::LazyLock::new(|| {
        CString::new(csops_core::health::Scorecard::default_toml()).unwrap_or_default()
    });
    ffi! { Ok(TOML.as_ptr()) }
}

/// The scorecard as JSON (what `csops_scorecard_new` reads). The caller frees it with
/// `csops_string_free`. NULL if `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_to_json(card: *const csops_scorecard_t) -> *mut c_char {
    ffi! { Ok(owned_string(arg_ref!(card)?.inner.to_json())) }
}

/// The number of bands, lowest first (without "Unknown"). 0 if `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_band_count(card: *const csops_scorecard_t) -> usize {
    ffi! { Ok(arg_ref!(card)?.inner.bands().len()) }
}

/// The band code of a band name (ASCII case ignored; "Unknown" is 255), written to
/// `code_out`: what `csops_batch_previous_bands` reads. `CSOPS_INVALID_INPUT` for a name that
/// is not a band of the scorecard.
///
/// # Safety
/// `card` is NULL or a live scorecard; `band` is NULL or NUL-terminated; `code_out` is NULL
/// (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_band_code(
    card: *const csops_scorecard_t,
    band: *const c_char,
    code_out: *mut u8,
) -> csops_status_t {
    ffi! {
        let card = arg_ref!(card)?;
        let out = arg_out!(code_out)?;
        let code = card.inner.band_named(arg_text!(band)?, "band").map_err(failure)?;
        out.write(code);
        Ok(CSOPS_OK)
    }
}

/// The number of segments with a profile of their own. 0 if `card` is NULL.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_segment_count(card: *const csops_scorecard_t) -> usize {
    ffi! { Ok(arg_ref!(card)?.segments.len()) }
}

/// Segment `i` (its code in a batch is `i`), owned by the scorecard: do not free. NULL if
/// `card` is NULL or `i` is out of range.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_segment(
    card: *const csops_scorecard_t,
    i: usize,
) -> *const c_char {
    ffi! { Ok(arg_ref!(card)?.segments.get(i).map_or(std::ptr::null(), |m| m.as_ptr())) }
}

/// The segment code of a segment name, written to `code_out`: its profile's position, or
/// 4294967295 (no profile of its own: the whole scorecard) for a segment the handbook knows
/// without one, or for "". `CSOPS_INVALID_INPUT` for a name that is not a segment.
///
/// # Safety
/// `card` is NULL or a live scorecard; `segment` is NULL or NUL-terminated; `code_out` is NULL
/// (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_segment_code(
    card: *const csops_scorecard_t,
    segment: *const c_char,
    code_out: *mut u32,
) -> csops_status_t {
    ffi! {
        let card = arg_ref!(card)?;
        let out = arg_out!(code_out)?;
        out.write(card.inner.segment_code(arg_text!(segment)?).map_err(failure)?);
        Ok(CSOPS_OK)
    }
}

/// The code of a category of measure `measure` (its id) in a batch column, written to
/// `code_out`: 0, 1, … in the scorecard's order. `CSOPS_INVALID_INPUT` for a measure that is
/// not a category measure of the scorecard, or a category it does not have.
///
/// # Safety
/// `card` is NULL or a live scorecard; strings are NULL or NUL-terminated; `code_out` is NULL
/// (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_category_code(
    card: *const csops_scorecard_t,
    measure: *const c_char,
    category: *const c_char,
    code_out: *mut f64,
) -> csops_status_t {
    ffi! {
        let card = arg_ref!(card)?;
        let out = arg_out!(code_out)?;
        let (measure, category) = (arg_text!(measure)?, arg_text!(category)?);
        let index = card.inner.measure_named(measure).map_err(failure)?;
        out.write(card.inner.category_code(index, category).map_err(failure)?);
        Ok(CSOPS_OK)
    }
}

/// Validates scores against what became of the accounts (SPEC §10, "prove the validity"):
/// `scores` (n doubles, NaN for Unknown) and `churned` (n bytes: 0 renewed, any other value
/// churned). `validation_json_out` receives
/// `{"accounts", "churned", "churn_rate", "auc", "bands": [{"band", "accounts", "churned", "churn_rate",
/// "lift"}, …]}` (free it with `csops_string_free`).
///
/// # Safety
/// `card` is NULL or a live scorecard; `scores` and `churned` are NULL (only when `n` is 0) or
/// `n` readable values; `validation_json_out` is NULL (`CSOPS_INVALID_ARGUMENT`) or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_scorecard_validate(
    card: *const csops_scorecard_t,
    n: usize,
    scores: *const f64,
    churned: *const u8,
    validation_json_out: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let card = arg_ref!(card)?;
        let out = arg_out!(validation_json_out)?;
        let (scores, churned) = (arg_slice!(scores, n)?, arg_slice!(churned, n)?);
        let churned: Vec<bool> = churned.iter().map(|c| *c != 0).collect();
        out.write_json(&card.inner.validate(scores, &churned).map_err(failure)?)?;
        Ok(CSOPS_OK)
    }
}
