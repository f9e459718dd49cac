//! The scoring arithmetic: single scores run it on a batch of one row, so a batch equals
//! single scoring bit for bit. Rows are scored in chunks. The passes ([`super::passes`]) take
//! a chunk a measure (column) at a time, with the chunk's working values in small column-major
//! buffers that stay in cache: explanations, chunks of mixed plans and dated values run them.
//! A chunk of one plan without dates (the common case) runs the same operations fused, a few
//! SIMD registers of rows at a time ([`super::lanes`]). Every per-row sum is taken in scorecard
//! order, so neither the chunk length nor the path changes a result.

use super::bands::{Bands, meets};
use super::lanes;
use super::passes::{held_values, passes};
use super::row_checks::{chunk_bug, first_error, plan_code};
use super::rows::{CHUNK, Columns, Out, PRESENT, Scratch};
use super::{HealthError, Scorecard, UNKNOWN_CODE};

/// Scores rows `start ..` into `out` (indexed from 0, as long as the range), a chunk at a time.
pub(crate) fn score_rows(
    card: &Scorecard,
    cols: &Columns<'_>,
    start: usize,
    out: Out<'_>,
) -> Result<(), HealthError> {
    let mut scratch = Scratch::new(card, out.score.len());
    pulp::Arch::new().dispatch(Rows {
        card,
        cols,
        start,
        scratch: &mut scratch,
        out,
    })
}

/// Rows to score, as one operation compiled for each instruction set (SSE2, AVX2, AVX-512),
/// of which [`pulp`] runs the widest the CPU has: the passes over a chunk are simple lanes
/// that the compiler vectorises to the width it is allowed. Separate multiplies and adds are
/// never fused into one, so every width gives the same bits.
struct Rows<'r, 'c> {
    card: &'r Scorecard,
    cols: &'r Columns<'c>,
    start: usize,
    scratch: &'r mut Scratch,
    out: Out<'r>,
}

impl pulp::WithSimd for Rows<'_, '_> {
    type Output = Result<(), HealthError>;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, simd: S) -> Self::Output {
        let Rows {
            card,
            cols,
            start,
            scratch,
            out,
        } = self;
        let chunks = out
            .score
            .chunks_mut(CHUNK)
            .zip(out.band.chunks_mut(CHUNK))
            .zip(out.coverage.chunks_mut(CHUNK));
        for (k, ((score, band), coverage)) in chunks.enumerate() {
            let out = Out {
                score,
                band,
                coverage,
            };
            score_chunk(simd, card, cols, start + k * CHUNK, scratch, out)?;
        }
        Ok(())
    }
}

/// Scores rows `start .. start + n` (n = the outputs' length, at most the scratch's stride),
/// leaving their working values in `sc` (for the explanation). Inlined into the dispatch
/// above, so that it is compiled for each instruction set.
#[inline(always)]
pub(crate) fn score_chunk<S: pulp::Simd>(
    simd: S,
    card: &Scorecard,
    cols: &Columns<'_>,
    start: usize,
    sc: &mut Scratch,
    mut out: Out<'_>,
) -> Result<(), HealthError> {
    let n = out.score.len();
    let stride = sc.stride;
    let rows = start..start + n;
    let refused = || first_error(card, cols, start, n);
    let internal = chunk_bug;
    if n > stride || out.band.len() != n || out.coverage.len() != n {
        return Err(internal());
    }
    let Some(plan) = sc.plan.get_mut(..n) else {
        return Err(internal());
    };
    // The rows' plans; one plan for the whole chunk is the common case.
    let uniform = match cols.segments {
        None => Some(0),
        Some(segments) => {
            let segments = segments.get(rows.clone()).ok_or_else(internal)?;
            for (p, code) in plan.iter_mut().zip(segments) {
                *p = plan_code(card, *code).ok_or_else(refused)?;
            }
            let first = plan.first().copied().unwrap_or(0);
            plan.iter().all(|p| *p == first).then_some(first)
        }
    };
    let fused = match uniform {
        Some(p) if sc.fused && lanes::eligible(card, cols, p as usize, rows.clone()) => {
            let outputs = lanes::Outputs {
                score: &mut *out.score,
                coverage: &mut *out.coverage,
                // With previous bands, hysteresis and the vetoes are the passes' below.
                band: cols.previous_bands.is_none().then_some(&mut *out.band),
            };
            if !lanes::score(simd, card, cols, p as usize, start, outputs) {
                return Err(refused());
            }
            if cols.previous_bands.is_none() {
                return Ok(());
            }
            Some(p)
        }
        _ => None,
    };
    match fused {
        Some(p) if !card.vetoes.is_empty() => held_values(card, cols, p, rows.clone(), sc),
        Some(_) => {}
        None => passes(card, cols, start, uniform, sc, &mut out)?,
    }
    let bands = Bands::of(card);
    match cols.previous_bands {
        None => {
            for (band, x) in out.band.iter_mut().zip(out.score.iter()) {
                *band = bands.band(*x);
            }
        }
        Some(previous) => {
            let previous = previous.get(rows.clone()).ok_or_else(internal)?;
            let lanes = out.band.iter_mut().zip(out.score.iter()).zip(previous);
            for ((band, x), &p) in lanes {
                if !bands.knows(p) {
                    return Err(refused());
                }
                *band = bands.with_hysteresis(*x, p);
            }
        }
    }
    // Vetoes force the band (the lowest of those that fire), whatever the score says.
    if !card.vetoes.is_empty() {
        let forced = sc.forced.get_mut(..n).ok_or_else(internal)?;
        forced.fill(UNKNOWN_CODE);
        for v in &card.vetoes {
            let vb = u8::try_from(v.band).unwrap_or(UNKNOWN_CODE);
            let base = v.measure * stride;
            let (Some(status), Some(col)) = (
                sc.status.get(base..base + n),
                cols.values_in(v.measure, rows.clone()),
            ) else {
                continue; // no column: no value present, nothing fires
            };
            if sc.by_value.get(v.measure) == Some(&true) {
                // Present is not NaN, and NaN meets no condition.
                for (f, raw) in forced.iter_mut().zip(col) {
                    // A select, not a branch, so that the loop vectorises.
                    *f = if meets(v.when, *raw) {
                        (*f).min(vb)
                    } else {
                        *f
                    };
                }
            } else {
                for ((f, st), raw) in forced.iter_mut().zip(status).zip(col) {
                    let fires = (*st == PRESENT) & meets(v.when, *raw);
                    *f = if fires { (*f).min(vb) } else { *f };
                }
            }
        }
        for (band, f) in out.band.iter_mut().zip(forced.iter()) {
            *band = if *f != UNKNOWN_CODE { *f } else { *band };
        }
    }
    Ok(())
}
