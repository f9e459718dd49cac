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
use super::{CompiledScheme, HealthError, NO_DATE, NO_SEGMENT, Scorecard, UNKNOWN_CODE, input_err};

/// A measure's value in a row, as the kernel saw it.
pub(crate) const PRESENT: u8 = 0;
pub(crate) const MISSING: u8 = 1;
pub(crate) const STALE: u8 = 2;
pub(crate) const NOT_APPLICABLE: u8 = 3;

/// Rows per chunk: the chunk's working values (measures × chunk × 8 bytes and a little more)
/// stay in the core's cache.
pub(crate) const CHUNK: usize = 256;

/// The columns of a batch (each as long as the batch, checked by the caller).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Columns<'a> {
    /// Per measure: raw values (NaN missing; category codes for categories), or absent.
    pub(crate) values: &'a [Option<&'a [f64]>],
    /// Per measure: observation days since 1970-01-01 ([`NO_DATE`] unknown), or absent.
    pub(crate) observed: &'a [Option<&'a [i64]>],
    /// Per row: a segment code, or absent (full scorecard).
    pub(crate) segments: Option<&'a [u32]>,
    /// Per row: the previous band code, or absent.
    pub(crate) previous_bands: Option<&'a [u8]>,
    /// The as-of day (days since 1970-01-01).
    pub(crate) as_of: Option<i64>,
}

impl Columns<'_> {
    /// Measure `m`'s raw value in `row` (NaN when the column or the row is absent).
    #[inline]
    pub(crate) fn value(&self, m: usize, row: usize) -> f64 {
        self.values
            .get(m)
            .copied()
            .flatten()
            .and_then(|col| col.get(row))
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// Measure `m`'s values in rows `rows`, if the column is given.
    pub(crate) fn values_in(&self, m: usize, rows: std::ops::Range<usize>) -> Option<&[f64]> {
        self.values.get(m).copied().flatten()?.get(rows)
    }

    /// Measure `m`'s observation days in rows `rows`, if the column is given.
    pub(crate) fn observed_in(&self, m: usize, rows: std::ops::Range<usize>) -> Option<&[i64]> {
        self.observed.get(m).copied().flatten()?.get(rows)
    }
}

/// A chunk's working values, allocated once per batch (or per thread), column-major:
/// lane `i` of measure `m` is at `m × stride + i`.
pub(crate) struct Scratch {
    pub(super) stride: usize,
    /// Measure scores; NaN when left out.
    pub(super) s: Vec<f64>,
    /// Measure statuses, where not `by_value`.
    pub(super) status: Vec<u8>,
    /// Per measure: the status follows the value (PRESENT, or MISSING when NaN) and
    /// `status` is not written: the common case, spared a pass.
    pub(super) by_value: Vec<bool>,
    /// Per group: the scored weight, then the group's factor `W_g / (W × w_g)`.
    pub(super) gw: Vec<f64>,
    /// Per row: the weight of the groups with anything scored (`W`).
    pub(super) total: Vec<f64>,
    /// Per row: the sum of the points.
    pub(super) points: Vec<f64>,
    /// Per row: the nominal share of the weight present.
    pub(super) coverage: Vec<f64>,
    /// Per row: 1 + the first `fail` measure without a value, or 0.
    pub(super) fail: Vec<u32>,
    /// Per row: the plan (segment profile).
    pub(super) plan: Vec<u32>,
    /// Per row: the band a veto forces ([`UNKNOWN_CODE`] none).
    forced: Vec<u8>,
    /// Whether a chunk of one plan may take the fused path (not for an explanation, which
    /// reads the passes' buffers).
    fused: bool,
}

impl Scratch {
    /// Buffers for chunks of up to `rows` rows (at most [`CHUNK`]).
    pub(crate) fn new(card: &Scorecard, rows: usize) -> Scratch {
        let stride = rows.clamp(1, CHUNK);
        Scratch {
            stride,
            s: vec![f64::NAN; card.measures.len() * stride],
            status: vec![MISSING; card.measures.len() * stride],
            by_value: vec![false; card.measures.len()],
            gw: vec![0.0; card.group_weights.len() * stride],
            total: vec![0.0; stride],
            points: vec![0.0; stride],
            coverage: vec![0.0; stride],
            fail: vec![0; stride],
            plan: vec![0; stride],
            forced: vec![UNKNOWN_CODE; stride],
            fused: true,
        }
    }

    /// Buffers for one row whose working values are read afterwards (an explanation): the
    /// passes, never the fused path.
    pub(crate) fn explaining(card: &Scorecard) -> Scratch {
        Scratch {
            fused: false,
            ..Scratch::new(card, 1)
        }
    }

    /// Measure `m`'s score in lane `lane` (NaN when left out).
    pub(crate) fn score(&self, m: usize, lane: usize) -> f64 {
        self.s
            .get(m * self.stride + lane)
            .copied()
            .unwrap_or(f64::NAN)
    }

    /// Measure `m`'s status in lane `lane`, whose raw value is `raw`.
    pub(crate) fn status(&self, m: usize, lane: usize, raw: f64) -> u8 {
        if self.by_value.get(m) == Some(&true) {
            return if raw.is_nan() { MISSING } else { PRESENT };
        }
        self.status
            .get(m * self.stride + lane)
            .copied()
            .unwrap_or(MISSING)
    }

    /// Group `g`'s factor `W_g / (W × w_g)` in lane `lane`.
    pub(crate) fn factor(&self, g: usize, lane: usize) -> f64 {
        self.gw.get(g * self.stride + lane).copied().unwrap_or(0.0)
    }

    /// 1 + the first `fail` measure without a value in lane `lane`, or 0.
    pub(crate) fn fail(&self, lane: usize) -> usize {
        self.fail.get(lane).map_or(0, |f| *f as usize)
    }
}

fn value_err(card: &Scorecard, m: usize, row: usize, rule: String) -> HealthError {
    HealthError::Value {
        measure: card.measures().get(m).cloned().unwrap_or_default(),
        row: Some(row),
        rule,
    }
}

/// A raw (present, not NaN) value's measure score.
pub(crate) fn measure_score(scheme: &CompiledScheme, v: f64) -> Result<f64, String> {
    let s = fast_score(scheme, v);
    if !s.is_nan() {
        return Ok(s);
    }
    Err(match scheme {
        CompiledScheme::Categories { scores } if v.is_finite() => format!(
            "category code {v} is not one of 0-{}",
            scores.len().saturating_sub(1)
        ),
        _ => format!("value {v} is not a finite number"),
    })
}

/// Rounds a `y` in [0, 2^52) to the nearest integer, ties to even, without a libm call:
/// adding and subtracting 2^52 leaves no fraction bits. Values from 2^52 up are integers
/// already and come back as they are, as do NaN and negative values (which the kernel's
/// sums of non-negative points never are; the caller clamps to 0–100). A select, not a
/// branch, so that the loop calling it vectorises.
#[inline(always)]
pub(crate) fn round_half_even(y: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    let r = (y + TWO_52) - TWO_52;
    if (0.0..TWO_52).contains(&y) { r } else { y }
}

/// The linear scheme (NaN in, NaN out).
#[inline(always)]
pub(crate) fn linear(v: f64, worst: f64, span: f64) -> f64 {
    ((v - worst) / span * 100.0).clamp(0.0, 100.0)
}

/// The thresholds scheme's step: how many edges `v` is past.
#[inline(always)]
fn step(edges: &[f64], upper_inclusive: bool, v: f64) -> usize {
    if upper_inclusive {
        edges.iter().map(|e| usize::from(*e < v)).sum()
    } else {
        edges.iter().map(|e| usize::from(*e <= v)).sum()
    }
}

/// The categories scheme: the code's score, NaN for a code that is not one.
#[inline(always)]
fn category(scores: &[f64], v: f64) -> f64 {
    let i = v as usize;
    match scores.get(i) {
        Some(s) if i as f64 == v => *s,
        _ => f64::NAN,
    }
}

/// A present value's measure score, NaN when it cannot be scored (the error is then taken
/// from [`measure_score`], off the hot path).
#[inline(always)]
pub(super) fn fast_score(scheme: &CompiledScheme, v: f64) -> f64 {
    if v.is_infinite() {
        return f64::NAN;
    }
    match scheme {
        CompiledScheme::Linear { worst, span } => linear(v, *worst, *span),
        CompiledScheme::Thresholds {
            edges,
            scores,
            upper_inclusive,
        } => scores
            .get(step(edges, *upper_inclusive, v))
            .copied()
            .unwrap_or(f64::NAN),
        CompiledScheme::Categories { scores } => category(scores, v),
    }
}

/// The plan of a segment code, None for a code that is not a profile.
#[inline]
fn plan_code(card: &Scorecard, code: u32) -> Option<u32> {
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

/// The outputs of a range of rows.
pub(crate) struct Out<'o> {
    pub(crate) score: &'o mut [f64],
    pub(crate) band: &'o mut [u8],
    pub(crate) coverage: &'o mut [f64],
}

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
