//! The scoring arithmetic, once, over columns: single scores run it on one row, so a batch
//! equals single scoring bit for bit.

use super::{
    CompiledScheme, CompiledVeto, CompiledWhen, EdgeRule, HealthError, MissingPolicy, NO_DATE,
    NO_SEGMENT, Scorecard, UNKNOWN_CODE, input_err,
};

/// Rows scored together: the scratch of one chunk stays in cache.
pub(crate) const CHUNK: usize = 256;

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

/// Per-chunk working memory, allocated once per batch.
pub(crate) struct Scratch {
    /// Measure scores, measure-major (`m * CHUNK + i`); NaN when left out.
    pub(crate) s: Vec<f64>,
    /// Measure statuses, measure-major.
    pub(crate) status: Vec<u8>,
    /// Per group: the scored weight, then the group's factor `(W_g / W) / w_g`.
    pub(crate) gw: Vec<f64>,
    /// Coverage per row.
    pub(crate) cov: Vec<f64>,
    /// Per row: 1 + the first `fail` measure that was missing, or 0.
    pub(crate) fail: Vec<usize>,
    /// Per row: the plan.
    pub(crate) plan: Vec<usize>,
}

impl Scratch {
    pub(crate) fn new(card: &Scorecard) -> Scratch {
        let m = card.measures.len();
        let g = card.group_weights.len();
        Scratch {
            s: vec![f64::NAN; m * CHUNK],
            status: vec![MISSING; m * CHUNK],
            gw: vec![0.0; g * CHUNK],
            cov: vec![0.0; CHUNK],
            fail: vec![0; CHUNK],
            plan: vec![0; CHUNK],
        }
    }
}

/// The outputs of a chunk.
pub(crate) struct Out<'o> {
    pub(crate) score: &'o mut [f64],
    pub(crate) band: &'o mut [u8],
    pub(crate) coverage: &'o mut [f64],
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
    if !v.is_finite() {
        return Err(format!("value {v} is not a finite number"));
    }
    Ok(match scheme {
        CompiledScheme::Linear { worst, span } => ((v - worst) / span * 100.0).clamp(0.0, 100.0),
        CompiledScheme::Thresholds {
            edges,
            scores,
            upper_inclusive,
        } => {
            let step = if *upper_inclusive {
                edges.partition_point(|e| *e < v)
            } else {
                edges.partition_point(|e| *e <= v)
            };
            scores.get(step).copied().unwrap_or(0.0)
        }
        CompiledScheme::Categories { scores } => {
            let ok = v >= 0.0 && v.fract() == 0.0 && v < scores.len() as f64;
            match scores.get(v as usize) {
                Some(s) if ok => *s,
                _ => {
                    return Err(format!(
                        "category code {v} is not one of 0-{}",
                        scores.len().saturating_sub(1)
                    ));
                }
            }
        }
    })
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

/// Scores rows `start .. start + len` (`len <= CHUNK`) into `out` (indexed from 0), leaving
/// the chunk's working values in `scratch`.
pub(crate) fn score_chunk(
    card: &Scorecard,
    cols: &Columns<'_>,
    start: usize,
    len: usize,
    scratch: &mut Scratch,
    out: Out<'_>,
) -> Result<(), HealthError> {
    let groups = card.group_weights.len();
    scratch.gw[..groups * CHUNK].fill(0.0);
    scratch.cov[..len].fill(0.0);
    scratch.fail[..len].fill(0);
    let plans = card.plans.len();
    for i in 0..len {
        let row = start + i;
        scratch.plan[i] = match cols.segments.and_then(|s| s.get(row)) {
            None | Some(&NO_SEGMENT) => 0,
            Some(&code) => {
                let p = code as usize + 1;
                if p >= plans {
                    let known = match plans {
                        0 | 1 => "the scorecard has no segment profiles".to_owned(),
                        n => format!("codes are 0-{}", n - 2),
                    };
                    return Err(input_err(
                        "segments",
                        format!(
                            "row {row}: segment code {code} is not a profile ({known}; {NO_SEGMENT} is none)"
                        ),
                    ));
                }
                p
            }
        };
    }
    for (m, c) in card.measures.iter().enumerate() {
        let col = cols.values.get(m).copied().flatten();
        let obs = cols.observed.get(m).copied().flatten();
        let base = m * CHUNK;
        let gbase = c.group * CHUNK;
        for i in 0..len {
            let row = start + i;
            let plan = &card.plans[scratch.plan[i]];
            let (status, s) = if !plan.applicable[m] {
                (NOT_APPLICABLE, f64::NAN)
            } else {
                let v = col.and_then(|c| c.get(row)).copied().unwrap_or(f64::NAN);
                let mut status = if v.is_nan() { MISSING } else { PRESENT };
                let day = obs.and_then(|o| o.get(row)).copied().unwrap_or(NO_DATE);
                if status == PRESENT && day != NO_DATE {
                    if let Some(as_of) = cols.as_of {
                        if day > as_of {
                            return Err(value_err(
                                card,
                                m,
                                row,
                                format!(
                                    "observed {} days after as_of: a value cannot be from after the day scored",
                                    day - as_of
                                ),
                            ));
                        }
                        if c.ttl_days.is_some_and(|ttl| as_of - day > ttl) {
                            status = STALE;
                        }
                    } else if c.ttl_days.is_some() {
                        return Err(input_err(
                            "as_of",
                            format!(
                                "measure {:?} has a time-to-live and dated values: staleness needs an as_of date",
                                card.measures().get(m).map_or("", String::as_str)
                            ),
                        ));
                    }
                }
                if status == PRESENT {
                    let s = measure_score(&c.scheme, v).map_err(|e| value_err(card, m, row, e))?;
                    scratch.cov[i] += plan.nominal[m];
                    (PRESENT, s)
                } else {
                    match c.missing {
                        MissingPolicy::Redistribute => (status, f64::NAN),
                        MissingPolicy::Zero => (status, 0.0),
                        MissingPolicy::Neutral => (status, c.neutral),
                        MissingPolicy::Fail => {
                            if scratch.fail[i] == 0 {
                                scratch.fail[i] = m + 1;
                            }
                            (status, f64::NAN)
                        }
                    }
                }
            };
            scratch.status[base + i] = status;
            scratch.s[base + i] = s;
            if !s.is_nan() {
                scratch.gw[gbase + i] += c.weight;
            }
        }
    }
    // Group factors: (W_g / W) / w_g, W over the groups with anything scored.
    let mut total = [0.0f64; CHUNK];
    let total = &mut total[..len];
    for (g, w) in card.group_weights.iter().enumerate() {
        let gw = &scratch.gw[g * CHUNK..g * CHUNK + len];
        for (t, gw) in total.iter_mut().zip(gw) {
            if *gw > 0.0 {
                *t += w;
            }
        }
    }
    for (g, w) in card.group_weights.iter().enumerate() {
        let gw = &mut scratch.gw[g * CHUNK..g * CHUNK + len];
        for (gw, t) in gw.iter_mut().zip(total.iter()) {
            *gw = if *gw > 0.0 { (w / t) / *gw } else { 0.0 };
        }
    }
    let score = &mut out.score[..len];
    score.fill(0.0);
    for (m, c) in card.measures.iter().enumerate() {
        let s = &scratch.s[m * CHUNK..m * CHUNK + len];
        let f = &scratch.gw[c.group * CHUNK..c.group * CHUNK + len];
        for ((score, s), f) in score.iter_mut().zip(s).zip(f) {
            if !s.is_nan() {
                *score += f * c.weight * s;
            }
        }
    }
    let min = card.spec().coverage_min;
    for i in 0..len {
        let cov = scratch.cov[i];
        out.coverage[i] = cov;
        if scratch.fail[i] != 0 || total[i] == 0.0 || cov + 1e-9 < min {
            score[i] = f64::NAN;
        } else {
            // Rounded to 1e-10 so that a score exactly on a band edge in decimal (75) is not a
            // hair below it from floating-point rounding.
            score[i] = ((score[i] * 1e10).round() / 1e10).clamp(0.0, 100.0);
        }
        let row = start + i;
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
                band_with_hysteresis(card, score[i], p)
            }
            _ => band_of(card, score[i]),
        };
        if let Some(forced) = fired_vetoes(card, cols, scratch, row, i).min() {
            band = forced;
        }
        out.band[i] = band;
    }
    Ok(())
}

/// The bands of the vetoes that fire in row `row` (chunk position `i`).
pub(crate) fn fired_vetoes<'c>(
    card: &'c Scorecard,
    cols: &'c Columns<'_>,
    scratch: &'c Scratch,
    row: usize,
    i: usize,
) -> impl Iterator<Item = u8> + 'c {
    card.vetoes
        .iter()
        .filter(move |v| veto_fires(v, cols, scratch, row, i))
        .filter_map(|v| u8::try_from(v.band).ok())
}

/// A veto fires on a present (fresh, applicable) value that meets its condition.
pub(crate) fn veto_fires(
    v: &CompiledVeto,
    cols: &Columns<'_>,
    scratch: &Scratch,
    row: usize,
    i: usize,
) -> bool {
    if scratch.status.get(v.measure * CHUNK + i) != Some(&PRESENT) {
        return false;
    }
    let Some(raw) = cols
        .values
        .get(v.measure)
        .copied()
        .flatten()
        .and_then(|c| c.get(row))
        .copied()
    else {
        return false;
    };
    match v.when {
        CompiledWhen::Code(code) => raw == code,
        CompiledWhen::Below(x) => raw < x,
        CompiledWhen::AtLeast(x) => raw >= x,
    }
}
