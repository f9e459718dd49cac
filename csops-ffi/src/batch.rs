//! A book scored at once from C (SPEC §10, "Scale"): a batch that holds the caller's columns,
//! as the core's `Batch` does, then scores them into the caller's arrays.

use std::ffi::c_char;

use chrono::NaiveDate;
use csops_core::health::Batch;

use crate::*;

/// A batch of `n` accounts over a scorecard, holding pointers to the caller's columns (it
/// copies none: the scorecard and every column given must stay alive and unchanged until the
/// batch is freed).
pub struct csops_batch_t {
    card: *const csops_scorecard_t,
    n: usize,
    values: Vec<*const f64>,
    observed: Vec<*const i64>,
    segments: *const u32,
    previous_bands: *const u8,
    as_of: Option<NaiveDate>,
    threads: usize,
}

impl csops_batch_t {
    /// The core's batch over the columns held.
    ///
    /// # Safety
    /// The batch's contract: the scorecard and every column are alive, `n` values long.
    unsafe fn batch(&self) -> Result<(&csops_scorecard_t, Batch<'_>), Failure> {
        let (card, n) = (self.card, self.n);
        let card = arg_ref!(card)?;
        let mut batch = Batch::new(&card.inner, n).threads(self.threads);
        for (k, id) in card.inner.measures().iter().enumerate() {
            let (values, observed) = (self.values[k], self.observed[k]);
            if !values.is_null() {
                batch = batch.values(id, arg_slice!(values, n)?).map_err(failure)?;
            }
            if !observed.is_null() {
                batch = batch
                    .observed(id, arg_slice!(observed, n)?)
                    .map_err(failure)?;
            }
        }
        let (segments, previous_bands) = (self.segments, self.previous_bands);
        if !segments.is_null() {
            batch = batch.segments(arg_slice!(segments, n)?).map_err(failure)?;
        }
        if !previous_bands.is_null() {
            batch = batch
                .previous_bands(arg_slice!(previous_bands, n)?)
                .map_err(failure)?;
        }
        if let Some(day) = self.as_of {
            batch = batch.as_of(day);
        }
        Ok((card, batch))
    }

    /// The position of a measure of the batch's scorecard.
    ///
    /// # Safety
    /// The batch's contract: the scorecard is alive.
    unsafe fn measure(&self, measure: &str) -> Result<usize, Failure> {
        let card = self.card;
        let card = arg_ref!(card)?;
        card.inner.measure_named(measure).map_err(failure)
    }
}

/// A batch of `n` accounts scored with `card`, with no columns yet (a measure without a column
/// is missing for every account), on the caller's thread. NULL if `card` is NULL. Free it with
/// `csops_batch_free`; `card` must outlive it.
///
/// # Safety
/// `card` is NULL or a live scorecard.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_new(
    card: *const csops_scorecard_t,
    n: usize,
) -> *mut csops_batch_t {
    ffi! {
        let m = arg_ref!(card)?.measures.len();
        Ok(Box::into_raw(Box::new(csops_batch_t {
            card,
            n,
            values: vec![std::ptr::null(); m],
            observed: vec![std::ptr::null(); m],
            segments: std::ptr::null(),
            previous_bands: std::ptr::null(),
            as_of: None,
            threads: 1,
        })))
    }
}

/// Frees a batch (not its columns). NULL is ignored.
///
/// # Safety
/// `b` is NULL or a batch from `csops_batch_new`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_free(b: *mut csops_batch_t) {
    ffi! { free_handle!(b) }
}

/// Gives measure `measure` its values: `n` doubles, NaN missing (a category measure's column
/// holds `csops_scorecard_category_code`s). NULL `column`: none again. `CSOPS_INVALID_INPUT`
/// for a measure the scorecard does not have.
///
/// # Safety
/// `b` is NULL or a live batch; `measure` is NULL or NUL-terminated; `column` is NULL or `n`
/// readable doubles that stay alive and unchanged until the batch is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_values(
    b: *mut csops_batch_t,
    measure: *const c_char,
    column: *const f64,
) -> csops_status_t {
    ffi! {
        let b = arg_mut!(b)?;
        let measure = arg_text!(measure)?;
        // SAFETY: the batch's contract, stated in the header.
        let k = unsafe { b.measure(measure) }?;
        b.values[k] = column;
        Ok(CSOPS_OK)
    }
}

/// Gives measure `measure` its observation days (days since 1970-01-01; `INT64_MIN` for
/// unknown), for staleness against `csops_batch_as_of`. NULL `days`: none again.
///
/// # Safety
/// As for `csops_batch_values`, with `n` readable `int64_t`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_observed(
    b: *mut csops_batch_t,
    measure: *const c_char,
    days: *const i64,
) -> csops_status_t {
    ffi! {
        let b = arg_mut!(b)?;
        let measure = arg_text!(measure)?;
        // SAFETY: the batch's contract, stated in the header.
        let k = unsafe { b.measure(measure) }?;
        b.observed[k] = days;
        Ok(CSOPS_OK)
    }
}

/// Gives each account its segment code (`csops_scorecard_segment_code`; 4294967295 none).
/// NULL: none again.
///
/// # Safety
/// `b` is NULL or a live batch; `codes` is NULL or `n` readable values that stay alive and
/// unchanged until the batch is freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_segments(
    b: *mut csops_batch_t,
    codes: *const u32,
) -> csops_status_t {
    ffi! {
        arg_mut!(b)?.segments = codes;
        Ok(CSOPS_OK)
    }
}

/// Gives each account its previous band code (`csops_scorecard_band_code`; 255 Unknown), for
/// hysteresis. NULL: none again.
///
/// # Safety
/// As for `csops_batch_segments`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_previous_bands(
    b: *mut csops_batch_t,
    codes: *const u8,
) -> csops_status_t {
    ffi! {
        arg_mut!(b)?.previous_bands = codes;
        Ok(CSOPS_OK)
    }
}

/// The day scored (YYYY-MM-DD): staleness is judged against it. NULL: none again.
///
/// # Safety
/// `b` is NULL or a live batch; `day_iso_or_null` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_as_of(
    b: *mut csops_batch_t,
    day_iso_or_null: *const c_char,
) -> csops_status_t {
    ffi! {
        let b = arg_mut!(b)?;
        b.as_of = match arg_text_or_null!(day_iso_or_null)? {
            None => None,
            Some(text) => Some(date(text, "as_of")?),
        };
        Ok(CSOPS_OK)
    }
}

/// Scores on up to `threads` threads (0: every core, as for `csops_gitlab_reconstruct_all`; a
/// batch never told scores on the caller's thread only). The results do not depend on it, bit
/// for bit.
///
/// # Safety
/// `b` is NULL or a live batch.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_threads(
    b: *mut csops_batch_t,
    threads: usize,
) -> csops_status_t {
    ffi! {
        arg_mut!(b)?.threads = threads_arg(threads);
        Ok(CSOPS_OK)
    }
}

/// Scores every account into the caller's arrays, `n` each: `score_out` (NaN for Unknown),
/// `band_out` (codes, see `csops_scorecard_band_name`) and `coverage_out`. On failure every
/// row reads Unknown and the message names the row and the measure.
///
/// # Safety
/// `b` is NULL or a live batch whose scorecard and columns are alive; the outputs are NULL
/// (`CSOPS_INVALID_ARGUMENT`, nothing written) or `n` writable elements each, overlapping
/// neither one another nor any column the batch holds.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_score(
    b: *const csops_batch_t,
    score_out: *mut f64,
    band_out: *mut u8,
    coverage_out: *mut f64,
) -> csops_status_t {
    ffi! {
        let b = arg_ref!(b)?;
        let n = b.n;
        if score_out.is_null() || band_out.is_null() || coverage_out.is_null() {
            return Err(Failure::new(CSOPS_INVALID_ARGUMENT, "an output array is NULL"));
        }
        let (score, band, coverage) = (
            arg_slice_mut!(score_out, n)?,
            arg_slice_mut!(band_out, n)?,
            arg_slice_mut!(coverage_out, n)?,
        );
        // SAFETY: the batch's contract, stated in the header.
        let (_, batch) = unsafe { b.batch() }?;
        batch.score_into(score, band, coverage).map_err(failure)?;
        Ok(CSOPS_OK)
    }
}

/// The whole explanation of account `row` (the same numbers as `csops_batch_score`), as a
/// score handle: free it with `csops_health_free`. NULL on failure (`row` out of range is
/// `CSOPS_INVALID_INPUT`).
///
/// # Safety
/// `b` is NULL or a live batch whose scorecard and columns are alive.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_explain(
    b: *const csops_batch_t,
    row: usize,
) -> *mut csops_health_t {
    ffi! {
        let b = arg_ref!(b)?;
        // SAFETY: the batch's contract, stated in the header.
        let (_, batch) = unsafe { b.batch() }?;
        Ok(health_handle(batch.explain(row).map_err(failure)?))
    }
}

/// The book's report (SPEC §6): accounts per band per segment, and — with `previous_or_null`,
/// `n` previous scores (NaN: none) — the band changes and the `movers` largest falls and rises,
/// each with its `reasons` top reasons. `accounts_json`: a JSON array of the `n` account ids;
/// `segments_json_or_null`: a JSON array of their `n` segment names. Writes the report's JSON
/// through `out_json` (free it with `csops_string_free`); `csops_book_page` makes its page.
///
/// # Safety
/// `b` is NULL or a live batch whose scorecard and columns are alive; the strings are NULL or
/// NUL-terminated; `previous_or_null` is NULL or `n` readable doubles; `out_json` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn csops_batch_book_report(
    b: *const csops_batch_t,
    accounts_json: *const c_char,
    segments_json_or_null: *const c_char,
    previous_or_null: *const f64,
    movers: usize,
    reasons: usize,
    out_json: *mut *mut c_char,
) -> csops_status_t {
    ffi! {
        let b = arg_ref!(b)?;
        let (accounts, segments) = (arg_text!(accounts_json)?, arg_text_or_null!(segments_json_or_null)?);
        let accounts: Vec<String> = from_json_text(accounts, "accounts", CSOPS_INVALID_INPUT)?;
        let segments: Option<Vec<String>> = segments
            .map(|t| from_json_text(t, "segments", CSOPS_INVALID_INPUT))
            .transpose()?;
        let previous = if previous_or_null.is_null() {
            None
        } else {
            Some(arg_slice!(previous_or_null, b.n)?)
        };
        let out = arg_out!(out_json)?;
        // SAFETY: the batch's contract, stated in the header.
        let (_, batch) = unsafe { b.batch() }?;
        let scores = batch.score().map_err(failure)?;
        let options = csops_core::health::BookOptions { movers, reasons };
        let report = csops_core::health::BookReport::new(
            &batch, &scores, &accounts, segments.as_deref(), previous, &options,
        )
        .map_err(failure)?;
        out.write_json(&report)?;
        Ok(CSOPS_OK)
    }
}
