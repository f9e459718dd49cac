//! The passes of a chunk: a measure (column) at a time over the chunk's column-major buffers,
//! then the group factors, the points and the scores. Explanations, chunks of mixed plans and
//! chunks with dated values run them ([`super::kernel::score_chunk`] decides); the common chunk
//! runs the same operations fused in [`super::lanes`].

use super::row_checks::{chunk_bug, first_error, freshness};
use super::rows::{
    Columns, MISSING, NOT_APPLICABLE, Out, PRESENT, STALE, Scratch, fast_score, linear,
    round_half_even,
};
use super::{CompiledScheme, HealthError, MissingPolicy, NO_DATE, Scorecard};

/// Scores a present column of a plan where the measure applies, with no dates: the hot loop.
/// Writes the measure scores `s` (`miss` where the value is missing), adds the nominal weight
/// of each present value to `coverage` and the measure's weight to its group's `gw` where `s`
/// is a number. False when a value cannot be scored.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn score_column(
    scheme: &CompiledScheme,
    col: &[f64],
    miss: f64,
    nominal: f64,
    weight: f64,
    s: &mut [f64],
    coverage: &mut [f64],
    gw: &mut [f64],
) -> bool {
    let infinite = || col.iter().fold(false, |b, v| b | v.is_infinite());
    let bad = match scheme {
        // One pass for the linear scheme: the score, the missing policy, coverage and the
        // group's weight, all f64 lanes, which the compiler vectorises as one loop.
        &CompiledScheme::Linear { worst, span } => {
            fill_present(col, miss, nominal, weight, s, coverage, gw, |v, _| {
                linear(v, worst, span)
            });
            return !infinite();
        }
        // Steps and categories: a pass per edge or code, each a select over the chunk (the
        // score of the last edge passed, which is `scores[step]` without a gather).
        CompiledScheme::Thresholds {
            edges,
            scores,
            upper_inclusive,
        } => {
            let first = scores.first().copied().unwrap_or(f64::NAN);
            s.fill(first);
            for (e, next) in edges.iter().zip(scores.iter().skip(1)) {
                let (e, next) = (*e, *next);
                if *upper_inclusive {
                    for (s, v) in s.iter_mut().zip(col) {
                        *s = if *v > e { next } else { *s };
                    }
                } else {
                    for (s, v) in s.iter_mut().zip(col) {
                        *s = if *v >= e { next } else { *s };
                    }
                }
            }
            infinite()
        }
        CompiledScheme::Categories { scores } => {
            // NaN unless the value is one of the codes.
            s.fill(f64::NAN);
            for (code, score) in scores.iter().enumerate() {
                let (code, score) = (code as f64, *score);
                for (s, v) in s.iter_mut().zip(col) {
                    *s = if *v == code { score } else { *s };
                }
            }
            s.iter()
                .zip(col)
                .fold(false, |b, (s, v)| b | (s.is_nan() & !v.is_nan()))
        }
    };
    // Then the missing policy, coverage and the group's weight in one pass.
    fill_present(col, miss, nominal, weight, s, coverage, gw, |_, s| s);
    !bad
}

/// One pass over a chunk: `s` becomes `score(value, s)` where the value is present and `miss`
/// where it is missing; coverage gains `nominal` per present value and the group's weight
/// `weight` per number in `s`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn fill_present(
    col: &[f64],
    miss: f64,
    nominal: f64,
    weight: f64,
    s: &mut [f64],
    coverage: &mut [f64],
    gw: &mut [f64],
    score: impl Fn(f64, f64) -> f64,
) {
    let lanes = s
        .iter_mut()
        .zip(col)
        .zip(coverage.iter_mut().zip(gw.iter_mut()));
    for ((s, v), (cov, w)) in lanes {
        let present = !v.is_nan();
        let x = if present { score(*v, *s) } else { miss };
        *s = x;
        *cov += if present { nominal } else { 0.0 };
        *w += if x.is_nan() { 0.0 } else { weight };
    }
}

/// Which measures of a fused chunk of plan `p` hold values, for the vetoes: those that apply
/// and have a column hold their column's values; those that do not apply hold none.
pub(super) fn held_values(
    card: &Scorecard,
    cols: &Columns<'_>,
    p: u32,
    rows: std::ops::Range<usize>,
    sc: &mut Scratch,
) {
    let stride = sc.stride;
    let n = rows.len();
    let buffers = sc.by_value.iter_mut().zip(sc.status.chunks_mut(stride));
    for (m, ((applicable, _), (by_value, st))) in card.by_measure.iter().zip(buffers).enumerate() {
        let applies = applicable.get(p as usize) == Some(&true);
        *by_value = applies && cols.values_in(m, rows.clone()).is_some();
        if !applies && let Some(st) = st.get_mut(..n) {
            st.fill(NOT_APPLICABLE);
        }
    }
}

/// The measures of a chunk a pass at a time over the chunk's buffers, then the group factors,
/// the points and the scores: the general path (mixed plans, dates) and an explanation's.
#[inline(always)]
pub(super) fn passes(
    card: &Scorecard,
    cols: &Columns<'_>,
    start: usize,
    uniform: Option<u32>,
    sc: &mut Scratch,
    out: &mut Out<'_>,
) -> Result<(), HealthError> {
    let n = out.score.len();
    let stride = sc.stride;
    let rows = start..start + n;
    let refused = || first_error(card, cols, start, n);
    let internal = chunk_bug;
    let (Some(plan), Some(coverage), Some(fail)) = (
        sc.plan.get_mut(..n),
        sc.coverage.get_mut(..n),
        sc.fail.get_mut(..n),
    ) else {
        return Err(internal());
    };
    coverage.fill(0.0);
    fail.fill(0);
    sc.gw.fill(0.0);
    let measures = card.measures.iter().zip(&card.by_measure);
    let buffers = sc.s.chunks_mut(stride).zip(sc.status.chunks_mut(stride));
    for (m, ((c, (applicable, nominal)), (s, st))) in measures.zip(buffers).enumerate() {
        let (Some(s), Some(st)) = (s.get_mut(..n), st.get_mut(..n)) else {
            return Err(internal());
        };
        let miss = match c.missing {
            MissingPolicy::Redistribute | MissingPolicy::Fail => f64::NAN,
            MissingPolicy::Zero => 0.0,
            MissingPolicy::Neutral => c.neutral,
        };
        let applies = |p: u32| applicable.get(p as usize) == Some(&true);
        let col = cols.values_in(m, rows.clone());
        let obs = cols.observed_in(m, rows.clone());
        let mut by_value = false;
        match (uniform, col) {
            (Some(p), _) if !applies(p) => {
                s.fill(f64::NAN);
                st.fill(NOT_APPLICABLE);
            }
            (Some(_), None) => {
                s.fill(miss);
                st.fill(MISSING);
            }
            (Some(p), Some(col)) if obs.is_none() => {
                let nom = nominal.get(p as usize).copied().unwrap_or(0.0);
                let g = c.group * stride;
                let gw = sc.gw.get_mut(g..g + n).ok_or_else(internal)?;
                if !score_column(&c.scheme, col, miss, nom, c.weight, s, coverage, gw) {
                    return Err(refused());
                }
                by_value = true;
            }
            _ => {
                // Mixed plans or dated values: lane by lane.
                for (i, ((s, st), cov)) in s
                    .iter_mut()
                    .zip(st.iter_mut())
                    .zip(coverage.iter_mut())
                    .enumerate()
                {
                    let p = uniform.or_else(|| plan.get(i).copied()).unwrap_or(0);
                    if !applies(p) {
                        (*s, *st) = (f64::NAN, NOT_APPLICABLE);
                        continue;
                    }
                    let v = col.and_then(|c| c.get(i)).copied().unwrap_or(f64::NAN);
                    let mut status = if v.is_nan() { MISSING } else { PRESENT };
                    if status == PRESENT
                        && let Some(&day) = obs.and_then(|o| o.get(i))
                        && day != NO_DATE
                    {
                        status = freshness(card, m, day, cols.as_of, start + i)
                            .map_err(|_| refused())?;
                    }
                    if status == PRESENT {
                        let x = fast_score(&c.scheme, v);
                        if x.is_nan() {
                            return Err(refused());
                        }
                        *cov += nominal.get(p as usize).copied().unwrap_or(0.0);
                        (*s, *st) = (x, PRESENT);
                    } else {
                        (*s, *st) = (miss, status);
                    }
                }
            }
        }
        if let Some(slot) = sc.by_value.get_mut(m) {
            *slot = by_value;
        }
        if c.missing == MissingPolicy::Fail {
            let first = u32::try_from(m + 1).unwrap_or(u32::MAX);
            match col {
                Some(col) if by_value => {
                    for (f, v) in fail.iter_mut().zip(col) {
                        if *f == 0 && v.is_nan() {
                            *f = first;
                        }
                    }
                }
                _ => {
                    for (f, st) in fail.iter_mut().zip(st.iter()) {
                        if *f == 0 && (*st == MISSING || *st == STALE) {
                            *f = first;
                        }
                    }
                }
            }
        }
        if !by_value {
            // (score_column added the weights of a column it scored.)
            let g = c.group * stride;
            let gw = sc.gw.get_mut(g..g + n).ok_or_else(internal)?;
            // Constants in locals: the compiler cannot tell the card from the buffers written.
            let weight = c.weight;
            for (w, s) in gw.iter_mut().zip(s.iter()) {
                *w += if s.is_nan() { 0.0 } else { weight };
            }
        }
    }
    // Group factors: W_g / (W × w_g), W over the groups with anything scored.
    let (Some(total), Some(points)) = (sc.total.get_mut(..n), sc.points.get_mut(..n)) else {
        return Err(internal());
    };
    total.fill(0.0);
    for (&w, gw) in card.group_weights.iter().zip(sc.gw.chunks(stride)) {
        for (t, x) in total.iter_mut().zip(gw) {
            *t += if *x > 0.0 { w } else { 0.0 };
        }
    }
    for (&w, gw) in card.group_weights.iter().zip(sc.gw.chunks_mut(stride)) {
        for (x, t) in gw.iter_mut().zip(total.iter()) {
            let q = w / (t * *x);
            *x = if *x > 0.0 { q } else { 0.0 };
        }
    }
    points.fill(0.0);
    for (c, s) in card.measures.iter().zip(sc.s.chunks(stride)) {
        let g = c.group * stride;
        let f = sc.gw.get(g..g + n).ok_or_else(internal)?;
        let weight = c.weight;
        for ((acc, f), s) in points.iter_mut().zip(f).zip(s) {
            // Computed whatever `s` is, so that the select (not a branch) vectorises.
            let x = f * weight * s;
            *acc += if s.is_nan() { 0.0 } else { x };
        }
    }
    // Passes over the chunk again, one output at a time. Scores: Unknown (NaN) with a
    // required measure missing, nothing scored, or too little of the weight present.
    let coverage_min = card.spec().coverage_min;
    let lanes = out
        .score
        .iter_mut()
        .zip(points.iter().zip(total.iter()))
        .zip(coverage.iter().zip(fail.iter()));
    for ((score, (pts, tot)), (cov, f)) in lanes {
        // Rounded to 1e-10 so that a score exactly on a band edge in decimal (75) is not a
        // hair below it from floating-point rounding.
        let x = (round_half_even(pts * 1e10) / 1e10).clamp(0.0, 100.0);
        let unknown = *f != 0 || *tot == 0.0 || cov + 1e-9 < coverage_min;
        *score = if unknown { f64::NAN } else { x };
    }
    for (out, cov) in out.coverage.iter_mut().zip(coverage.iter()) {
        *out = *cov;
    }
    Ok(())
}
