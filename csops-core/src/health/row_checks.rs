//! The checks of a row that the fast passes leave out (a segment code that names no profile, a
//! dated value from after the as-of day, a previous band code out of range) and the first error
//! of a refused chunk, found again off the hot path.

use super::bands::Bands;
use super::rows::{Columns, PRESENT, STALE, measure_score, value_err};
use super::{HealthError, NO_DATE, NO_SEGMENT, Scorecard, UNKNOWN_CODE, input_err};

/// The plan of a segment code, None for a code that is not a profile.
#[inline]
pub(super) fn plan_code(card: &Scorecard, code: u32) -> Option<u32> {
    if code == NO_SEGMENT {
        return Some(0);
    }
    let p = code.checked_add(1)?;
    ((p as usize) < card.plan_count).then_some(p)
}

/// The plan (segment profile) of a row, or the error naming its code.
fn plan_of(card: &Scorecard, cols: &Columns<'_>, row: usize) -> Result<usize, HealthError> {
    let Some(&code) = cols.segments.and_then(|s| s.get(row)) else {
        return Ok(0);
    };
    if let Some(p) = plan_code(card, code) {
        return Ok(p as usize);
    }
    let known = match card.plan_count {
        0 | 1 => "the scorecard has no segment profiles".to_owned(),
        n => format!("codes are 0-{}", n - 2),
    };
    Err(input_err(
        "segments",
        format!("segment code {code} is not a profile ({known}; {NO_SEGMENT} is none)"),
    )
    .in_row(row))
}

/// A row's previous band code must be a band (or Unknown).
fn check_previous(card: &Scorecard, row: usize, p: u8) -> Result<(), HealthError> {
    if Bands::of(card).knows(p) {
        return Ok(());
    }
    Err(input_err(
        "previous",
        format!(
            "band code {p} is not one of 0-{} (or {UNKNOWN_CODE} for Unknown)",
            card.band_from.len().saturating_sub(1)
        ),
    )
    .in_row(row))
}

/// Whether a dated value is fresh (PRESENT) or STALE, or an error.
#[cold]
pub(super) fn freshness(
    card: &Scorecard,
    m: usize,
    day: i64,
    as_of: Option<i64>,
    row: usize,
) -> Result<u8, HealthError> {
    let ttl = card.measures.get(m).and_then(|c| c.ttl_days);
    match as_of {
        Some(as_of) if day > as_of => Err(value_err(
            card,
            m,
            row,
            format!(
                "observed {} days after as_of: a value cannot be from after the day scored",
                day - as_of
            ),
        )),
        Some(as_of) => Ok(if ttl.is_some_and(|ttl| as_of - day > ttl) {
            STALE
        } else {
            PRESENT
        }),
        None if ttl.is_some() => Err(input_err(
            "as_of",
            format!(
                "measure {} has a time-to-live and dated values: staleness needs an as_of date",
                crate::words::Quoted(card.measures().get(m).map_or("", String::as_str))
            ),
        )),
        None => Ok(PRESENT),
    }
}

/// The first error of rows `start .. start + n` in row order (then the order of the checks
/// within a row: segment, measures in scorecard order, previous band). Called only once a
/// chunk has been found to hold one; off the hot path.
#[cold]
#[inline(never)]
pub(super) fn first_error(
    card: &Scorecard,
    cols: &Columns<'_>,
    start: usize,
    n: usize,
) -> HealthError {
    for row in start..start + n {
        let plan = match plan_of(card, cols, row) {
            Ok(p) => p,
            Err(e) => return e,
        };
        for (m, (c, (applicable, _))) in card.measures.iter().zip(&card.by_measure).enumerate() {
            let v = cols.value(m, row);
            if applicable.get(plan) != Some(&true) || v.is_nan() {
                continue;
            }
            let mut status = PRESENT;
            if let Some(&day) = cols.observed_in(m, row..row + 1).and_then(|o| o.first())
                && day != NO_DATE
            {
                match freshness(card, m, day, cols.as_of, row) {
                    Ok(s) => status = s,
                    Err(e) => return e,
                }
            }
            if status == PRESENT
                && let Err(rule) = measure_score(&c.scheme, v)
            {
                return value_err(card, m, row, rule);
            }
        }
        if let Some(&p) = cols.previous_bands.and_then(|p| p.get(row))
            && let Err(e) = check_previous(card, row, p)
        {
            return e;
        }
    }
    input_err(
        "batch",
        format!(
            "rows {start}-{}: refused, but no rule names why (a csops bug)",
            start + n
        ),
    )
}

/// The error of a chunk that does not fit its buffers: a csops bug, never input.
#[cold]
pub(super) fn chunk_bug() -> HealthError {
    input_err("batch", "a chunk larger than its buffers (a csops bug)")
}
