//! The shared vocabulary of the row kernels: a value's status, the chunk size, the columns of a
//! batch, the scratch buffers of a chunk, the outputs, and the arithmetic of one value (its
//! measure score, rounding, linear and step scales). Every other module of the kernel builds on
//! this one, and this one on none of them.

use super::{CompiledScheme, HealthError, Scorecard, UNKNOWN_CODE};

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
    pub(super) forced: Vec<u8>,
    /// Whether a chunk of one plan may take the fused path (not for an explanation, which
    /// reads the passes' buffers).
    pub(super) fused: bool,
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

pub(super) fn value_err(card: &Scorecard, m: usize, row: usize, rule: String) -> HealthError {
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

/// The outputs of a range of rows.
pub(crate) struct Out<'o> {
    pub(crate) score: &'o mut [f64],
    pub(crate) band: &'o mut [u8],
    pub(crate) coverage: &'o mut [f64],
}
