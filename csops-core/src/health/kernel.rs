//! The scoring arithmetic, once: single scores run it on one row, so a batch equals single
//! scoring bit for bit. Row by row, with the row's working values in small buffers that stay
//! in cache; every sum is taken in scorecard order.

use super::{
    CompiledScheme, CompiledVeto, CompiledWhen, EdgeRule, HealthError, MissingPolicy, NO_DATE,
    NO_SEGMENT, Scorecard, UNKNOWN_CODE, input_err,
};

/// A measure's value in a row, as the kernel saw it.
pub(crate) const PRESENT: u8 = 0;
pub(crate) const MISSING: u8 = 1;
pub(crate) const STALE: u8 = 2;
pub(crate) const NOT_APPLICABLE: u8 = 3;

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
}

/// One row's working values, allocated once per batch.
pub(crate) struct Scratch {
    /// Measure scores; NaN when left out.
    pub(crate) s: Vec<f64>,
    /// Measure statuses.
    pub(crate) status: Vec<u8>,
    /// Per group: the scored weight, then the group's factor `W_g / (W × w_g)`.
    pub(crate) gw: Vec<f64>,
}

impl Scratch {
    pub(crate) fn new(card: &Scorecard) -> Scratch {
        Scratch {
            s: vec![f64::NAN; card.measures.len()],
            status: vec![MISSING; card.measures.len()],
            gw: vec![0.0; card.group_weights.len()],
        }
    }
}

/// One row's result.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowScore {
    pub(crate) score: f64,
    pub(crate) band: u8,
    pub(crate) coverage: f64,
    /// 1 + the first `fail` measure without a value, or 0.
    pub(crate) fail: usize,
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

/// Rounds a finite `y` in [0, 2^52) to the nearest integer, ties to even, without a libm call:
/// adding and subtracting 2^52 leaves no fraction bits.
#[inline]
fn round_half_even(y: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    if (0.0..TWO_52).contains(&y) {
        (y + TWO_52) - TWO_52
    } else {
        y.round()
    }
}

/// A present value's measure score, NaN when it cannot be scored (the error is then taken
/// from [`measure_score`], off the hot path).
#[inline(always)]
fn fast_score(scheme: &CompiledScheme, v: f64) -> f64 {
    if v.is_infinite() {
        return f64::NAN;
    }
    match scheme {
        CompiledScheme::Linear { worst, span } => ((v - worst) / span * 100.0).clamp(0.0, 100.0),
        CompiledScheme::Thresholds {
            edges,
            scores,
            upper_inclusive,
        } => {
            let step: usize = if *upper_inclusive {
                edges.iter().map(|e| usize::from(*e < v)).sum()
            } else {
                edges.iter().map(|e| usize::from(*e <= v)).sum()
            };
            scores.get(step).copied().unwrap_or(f64::NAN)
        }
        CompiledScheme::Categories { scores } => {
            let i = v as usize;
            match scores.get(i) {
                Some(s) if i as f64 == v => *s,
                _ => f64::NAN,
            }
        }
    }
}

/// The plan (segment profile) of a row.
#[inline]
fn plan_of(card: &Scorecard, cols: &Columns<'_>, row: usize) -> Result<usize, HealthError> {
    match cols.segments.and_then(|s| s.get(row)) {
        None | Some(&NO_SEGMENT) => Ok(0),
        Some(&code) => {
            let plans = card.plan_count;
            let p = code as usize + 1;
            if p < plans {
                return Ok(p);
            }
            let known = match plans {
                0 | 1 => "the scorecard has no segment profiles".to_owned(),
                n => format!("codes are 0-{}", n - 2),
            };
            Err(input_err(
                "segments",
                format!(
                    "row {row}: segment code {code} is not a profile ({known}; {NO_SEGMENT} is none)"
                ),
            ))
        }
    }
}

/// Scores one row, leaving its working values in `scratch` (for the explanation).
#[inline]
pub(crate) fn score_row(
    card: &Scorecard,
    cols: &Columns<'_>,
    row: usize,
    scratch: &mut Scratch,
) -> Result<RowScore, HealthError> {
    let plan = plan_of(card, cols, row)?;
    scratch.gw.fill(0.0);
    let mut coverage = 0.0;
    let mut fail = 0;
    let measures = card.measures.iter().zip(&card.by_measure);
    let slots = scratch.s.iter_mut().zip(scratch.status.iter_mut());
    for (m, ((c, (applicable, nominal)), (s_slot, st_slot))) in measures.zip(slots).enumerate() {
        let (status, s) = if applicable.get(plan) != Some(&true) {
            (NOT_APPLICABLE, f64::NAN)
        } else {
            let v = cols.value(m, row);
            let mut status = if v.is_nan() { MISSING } else { PRESENT };
            if status == PRESENT
                && let Some(day) = cols
                    .observed
                    .get(m)
                    .copied()
                    .flatten()
                    .and_then(|o| o.get(row))
                && *day != NO_DATE
            {
                status = freshness(card, m, *day, cols.as_of, row)?;
            }
            if status == PRESENT {
                let s = fast_score(&c.scheme, v);
                if s.is_nan() {
                    let rule = measure_score(&c.scheme, v)
                        .err()
                        .unwrap_or_else(|| format!("value {v} cannot be scored"));
                    return Err(value_err(card, m, row, rule));
                }
                coverage += nominal.get(plan).copied().unwrap_or(0.0);
                (PRESENT, s)
            } else {
                let s = match c.missing {
                    MissingPolicy::Redistribute => f64::NAN,
                    MissingPolicy::Zero => 0.0,
                    MissingPolicy::Neutral => c.neutral,
                    MissingPolicy::Fail => {
                        if fail == 0 {
                            fail = m + 1;
                        }
                        f64::NAN
                    }
                };
                (status, s)
            }
        };
        *st_slot = status;
        *s_slot = s;
        if !s.is_nan()
            && let Some(gw) = scratch.gw.get_mut(c.group)
        {
            *gw += c.weight;
        }
    }
    // Group factors: W_g / (W × w_g), W over the groups with anything scored.
    let mut total = 0.0;
    for (w, gw) in card.group_weights.iter().zip(&scratch.gw) {
        if *gw > 0.0 {
            total += w;
        }
    }
    for (w, gw) in card.group_weights.iter().zip(scratch.gw.iter_mut()) {
        *gw = if *gw > 0.0 { w / (total * *gw) } else { 0.0 };
    }
    let mut score = 0.0;
    for (c, s) in card.measures.iter().zip(&scratch.s) {
        if !s.is_nan() {
            score += scratch.gw.get(c.group).copied().unwrap_or(0.0) * c.weight * s;
        }
    }
    if fail != 0 || total == 0.0 || coverage + 1e-9 < card.spec().coverage_min {
        score = f64::NAN;
    } else {
        // Rounded to 1e-10 so that a score exactly on a band edge in decimal (75) is not a
        // hair below it from floating-point rounding.
        score = (round_half_even(score * 1e10) / 1e10).clamp(0.0, 100.0);
    }
    let mut band = match cols.previous_bands.and_then(|p| p.get(row)) {
        Some(&p) if p != UNKNOWN_CODE => {
            if usize::from(p) >= card.band_from.len() {
                return Err(input_err(
                    "previous",
                    format!(
                        "row {row}: band code {p} is not one of 0-{} (or {UNKNOWN_CODE} for Unknown)",
                        card.band_from.len() - 1
                    ),
                ));
            }
            band_with_hysteresis(card, score, p)
        }
        _ => band_of(card, score),
    };
    if !card.vetoes.is_empty()
        && let Some(forced) = fired_vetoes(card, cols, scratch, row).min()
    {
        band = forced;
    }
    Ok(RowScore {
        score,
        band,
        coverage,
        fail,
    })
}

/// Whether a dated value is fresh (PRESENT) or STALE, or an error.
#[cold]
fn freshness(
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
                "measure {:?} has a time-to-live and dated values: staleness needs an as_of date",
                card.measures().get(m).map_or("", String::as_str)
            ),
        )),
        None => Ok(PRESENT),
    }
}

/// The outputs of a range of rows.
pub(crate) struct Out<'o> {
    pub(crate) score: &'o mut [f64],
    pub(crate) band: &'o mut [u8],
    pub(crate) coverage: &'o mut [f64],
}

/// Scores rows `start ..` into `out` (indexed from 0, as long as the range).
pub(crate) fn score_rows(
    card: &Scorecard,
    cols: &Columns<'_>,
    start: usize,
    out: Out<'_>,
) -> Result<(), HealthError> {
    let mut scratch = Scratch::new(card);
    let rows = out
        .score
        .iter_mut()
        .zip(out.band.iter_mut())
        .zip(out.coverage.iter_mut());
    for (i, ((score, band), coverage)) in rows.enumerate() {
        let r = score_row(card, cols, start + i, &mut scratch)?;
        *score = r.score;
        *band = r.band;
        *coverage = r.coverage;
    }
    Ok(())
}

/// The band code of a score without hysteresis.
pub(crate) fn band_of(card: &Scorecard, score: f64) -> u8 {
    if score.is_nan() {
        return UNKNOWN_CODE;
    }
    let n = card.band_from.len();
    let i = match card.spec().band_edges {
        EdgeRule::LowerInclusive => card
            .band_from
            .partition_point(|f| *f <= score)
            .saturating_sub(1),
        EdgeRule::UpperInclusive => card.band_to.partition_point(|t| *t < score).min(n - 1),
    };
    u8::try_from(i).unwrap_or(UNKNOWN_CODE)
}

/// The band code of a score given the previous band: it stays until the score is more than
/// the hysteresis margin beyond the previous band's edges.
pub(crate) fn band_with_hysteresis(card: &Scorecard, score: f64, previous: u8) -> u8 {
    if score.is_nan() {
        return UNKNOWN_CODE;
    }
    let p = usize::from(previous);
    let (Some(from), Some(to)) = (card.band_from.get(p), card.band_to.get(p)) else {
        return band_of(card, score);
    };
    let h = card.spec().hysteresis;
    let last = p + 1 == card.band_from.len();
    let lo = if p == 0 { f64::NEG_INFINITY } else { from - h };
    let hi = if last { f64::INFINITY } else { to + h };
    let keep = match card.spec().band_edges {
        EdgeRule::LowerInclusive => lo <= score && score < hi,
        EdgeRule::UpperInclusive => lo < score && score <= hi,
    };
    if keep { previous } else { band_of(card, score) }
}

/// The bands of the vetoes that fire in row `row` (after [`score_row`] on it).
pub(crate) fn fired_vetoes<'c>(
    card: &'c Scorecard,
    cols: &'c Columns<'_>,
    scratch: &'c Scratch,
    row: usize,
) -> impl Iterator<Item = u8> + 'c {
    card.vetoes
        .iter()
        .filter(move |v| veto_fires(v, cols, scratch, row))
        .filter_map(|v| u8::try_from(v.band).ok())
}

/// A veto fires on a present (fresh, applicable) value that meets its condition.
pub(crate) fn veto_fires(
    v: &CompiledVeto,
    cols: &Columns<'_>,
    scratch: &Scratch,
    row: usize,
) -> bool {
    if scratch.status.get(v.measure) != Some(&PRESENT) {
        return false;
    }
    let raw = cols.value(v.measure, row);
    match v.when {
        CompiledWhen::Code(code) => raw == code,
        CompiledWhen::Below(x) => raw < x,
        CompiledWhen::AtLeast(x) => raw >= x,
    }
}
