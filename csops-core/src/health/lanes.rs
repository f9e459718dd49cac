//! The common chunk, fused and in SIMD registers: every row of one plan (segment profile) and
//! no observation dates on a measure that applies. Rows are scored four registers at a time
//! (8 rows to a register on AVX-512, 4 on AVX2, 2 on SSE2 — [`pulp`] picks at run time), all of
//! a row's measures at once, where the passes of [`super::kernel`] stream each measure over the whole chunk through
//! memory. The operations and their order are the passes' own, lane by lane (scores, missing
//! policy, coverage and group weights in scorecard order, the group factors, the points in
//! scorecard order, the rounding; separate multiplies and adds, never fused), so the bits are
//! the same: explanations, single scores and every other chunk run the passes, and the
//! property tests compare the two.

use pulp::Simd;
use smallvec::SmallVec;

use super::bands::Bands;
use super::rows::Columns;
use super::{CompiledScheme, CompiledWhen, MissingPolicy, Scorecard, UNKNOWN_CODE};

/// Whether rows `rows` of plan `plan` can be scored here: no measure that applies has dates.
pub(crate) fn eligible(
    card: &Scorecard,
    cols: &Columns<'_>,
    plan: usize,
    rows: std::ops::Range<usize>,
) -> bool {
    card.by_measure
        .iter()
        .enumerate()
        .all(|(m, (applicable, _))| {
            applicable.get(plan) != Some(&true) || cols.observed_in(m, rows.clone()).is_none()
        })
}

/// `x` where `mask`, else `y`.
#[inline(always)]
fn pick<S: Simd>(simd: S, mask: S::m64s, x: S::f64s, y: S::f64s) -> S::f64s {
    simd.select_f64s(mask, x, y)
}

/// The lanes that hold NaN.
#[inline(always)]
fn nan<S: Simd>(simd: S, v: S::f64s) -> S::m64s {
    simd.not_m64s(simd.equal_f64s(v, v))
}

/// `f64::clamp(x, lo, hi)` lane by lane (NaN stays NaN).
#[inline(always)]
fn clamp<S: Simd>(simd: S, x: S::f64s, lo: f64, hi: f64) -> S::f64s {
    let (lo, hi) = (simd.splat_f64s(lo), simd.splat_f64s(hi));
    let x = pick(simd, simd.less_than_f64s(x, lo), lo, x);
    pick(simd, simd.greater_than_f64s(x, hi), hi, x)
}

/// [`super::kernel::round_half_even`] lane by lane.
#[inline(always)]
fn round_half_even<S: Simd>(simd: S, y: S::f64s) -> S::f64s {
    let two_52 = simd.splat_f64s(4_503_599_627_370_496.0);
    let r = simd.sub_f64s(simd.add_f64s(y, two_52), two_52);
    let inside = simd.and_m64s(
        simd.greater_than_or_equal_f64s(y, simd.splat_f64s(0.0)),
        simd.less_than_f64s(y, two_52),
    );
    pick(simd, inside, r, y)
}

/// A measure's score of each lane's value, and the lanes whose value cannot be scored
/// (infinite, or a category code that is not one): as the passes compute them.
#[inline(always)]
fn scheme_scores<S: Simd>(simd: S, scheme: &CompiledScheme, v: S::f64s) -> (S::f64s, S::m64s) {
    let infinite = simd.equal_f64s(simd.abs_f64s(v), simd.splat_f64s(f64::INFINITY));
    match scheme {
        &CompiledScheme::Linear { worst, span } => {
            // ((v - worst) / span * 100).clamp(0, 100)
            let x = simd.sub_f64s(v, simd.splat_f64s(worst));
            let x = simd.mul_f64s(
                simd.div_f64s(x, simd.splat_f64s(span)),
                simd.splat_f64s(100.0),
            );
            (clamp(simd, x, 0.0, 100.0), infinite)
        }
        CompiledScheme::Thresholds {
            edges,
            scores,
            upper_inclusive,
        } => {
            let mut x = simd.splat_f64s(scores.first().copied().unwrap_or(f64::NAN));
            for (e, next) in edges.iter().zip(scores.iter().skip(1)) {
                let e = simd.splat_f64s(*e);
                let past = if *upper_inclusive {
                    simd.greater_than_f64s(v, e)
                } else {
                    simd.greater_than_or_equal_f64s(v, e)
                };
                x = pick(simd, past, simd.splat_f64s(*next), x);
            }
            (x, infinite)
        }
        CompiledScheme::Categories { scores } => {
            let mut x = simd.splat_f64s(f64::NAN);
            for (code, score) in scores.iter().enumerate() {
                let hit = simd.equal_f64s(v, simd.splat_f64s(code as f64));
                x = pick(simd, hit, simd.splat_f64s(*score), x);
            }
            let bad = simd.and_m64s(nan(simd, x), simd.not_m64s(nan(simd, v)));
            (x, bad)
        }
    }
}

/// Lanes `at ..` of a column, those past its end missing (NaN).
#[inline(always)]
fn load<S: Simd>(simd: S, col: &[f64], at: usize) -> S::f64s {
    let rest = col.get(at..).unwrap_or_default();
    if let Some(full) = rest.get(..S::F64_LANES)
        && let Some(v) = S::as_simd_f64s(full).0.first()
    {
        return *v;
    }
    let mut padded = [f64::NAN; 16];
    for (d, s) in padded.iter_mut().zip(rest) {
        *d = *s;
    }
    simd.partial_load_f64s(&padded)
}

/// Writes the lanes into `out[rows]` (as many lanes as the range is long).
#[inline(always)]
fn store<S: Simd>(simd: S, out: &mut [f64], rows: std::ops::Range<usize>, v: S::f64s) {
    let Some(out) = out.get_mut(rows) else {
        return;
    };
    match S::as_mut_simd_f64s(out).0.first_mut() {
        Some(full) => *full = v,
        None => simd.partial_store_f64s(out, v),
    }
}

/// A measure as the block loop needs it, found once per chunk.
struct Measure<'c> {
    /// The chunk's values, if the column is given.
    col: Option<&'c [f64]>,
    /// Whether it applies to the chunk's plan.
    applies: bool,
    scheme: &'c CompiledScheme,
    /// The score of a missing value (NaN: left out).
    miss: f64,
    /// Whether a missing value makes the score Unknown.
    fails: bool,
    /// Its nominal share of the weight in the plan.
    nominal: f64,
    weight: f64,
    group: usize,
}

/// Registers scored together per step: enough independent chains of additions to hide their
/// latency, and each measure's bookkeeping paid once for them all.
const U: usize = 4;

/// The bands of scores `x` (rows `rows` of the chunk): how many edges each is past (Unknown
/// for NaN), then the lowest band of the vetoes that fire, as the passes decide them.
#[inline(always)]
fn bands<S: Simd>(
    simd: S,
    card: &Scorecard,
    measures: &[Measure<'_>],
    x: S::f64s,
    rows: std::ops::Range<usize>,
    band: &mut [u8],
) {
    let (zero, one) = (simd.splat_f64s(0.0), simd.splat_f64s(1.0));
    let unknown_code = simd.splat_f64s(f64::from(UNKNOWN_CODE));
    let (edges, upper_inclusive) = Bands::of(card).edges();
    let mut code = zero;
    for e in edges {
        let e = simd.splat_f64s(*e);
        let past = if upper_inclusive {
            simd.less_than_f64s(e, x)
        } else {
            simd.less_than_or_equal_f64s(e, x)
        };
        code = simd.add_f64s(code, pick(simd, past, one, zero));
    }
    code = pick(simd, nan(simd, x), unknown_code, code);
    let mut forced = unknown_code;
    for v in &card.vetoes {
        let Some(Measure {
            col: Some(col),
            applies: true,
            ..
        }) = measures.get(v.measure)
        else {
            continue; // no value held: nothing fires
        };
        let raw = load::<S>(simd, col, rows.start);
        let fires = match v.when {
            CompiledWhen::Code(c) => simd.equal_f64s(raw, simd.splat_f64s(c)),
            CompiledWhen::Below(c) => simd.less_than_f64s(raw, simd.splat_f64s(c)),
            CompiledWhen::AtLeast(c) => simd.greater_than_or_equal_f64s(raw, simd.splat_f64s(c)),
        };
        let vb = simd.splat_f64s(f64::from(u8::try_from(v.band).unwrap_or(UNKNOWN_CODE)));
        let lower = simd.and_m64s(fires, simd.less_than_f64s(vb, forced));
        forced = pick(simd, lower, vb, forced);
    }
    code = pick(simd, simd.equal_f64s(forced, unknown_code), code, forced);
    let mut codes = [0.0; 16];
    store::<S>(simd, &mut codes, 0..S::F64_LANES, code);
    let n = rows.len();
    for (b, c) in band.iter_mut().skip(rows.start).take(n).zip(codes) {
        *b = c as u8;
    }
}

/// The outputs of a fused chunk: scores and coverage, and the bands when no previous bands
/// are given (with them, hysteresis is the passes' to apply afterwards).
pub(crate) struct Outputs<'o> {
    pub(crate) score: &'o mut [f64],
    pub(crate) coverage: &'o mut [f64],
    pub(crate) band: Option<&'o mut [u8]>,
}

/// Scores rows `start .. start + score.len()` of plan `plan` into `out`. False when a value
/// cannot be scored (the caller names it).
#[inline(always)]
pub(crate) fn score<S: Simd>(
    simd: S,
    card: &Scorecard,
    cols: &Columns<'_>,
    plan: usize,
    start: usize,
    out: Outputs<'_>,
) -> bool {
    let Outputs {
        score,
        coverage,
        mut band,
    } = out;
    let n = score.len();
    let lanes = S::F64_LANES;
    let (zero, one) = (simd.splat_f64s(0.0), simd.splat_f64s(1.0));
    let coverage_min = simd.splat_f64s(card.spec().coverage_min);
    let nan_lanes = simd.splat_f64s(f64::NAN);
    // Per measure, what the block loop needs, found once per chunk.
    let measures: SmallVec<[Measure<'_>; 16]> = card
        .measures
        .iter()
        .zip(&card.by_measure)
        .enumerate()
        .map(|(m, (c, (applicable, nominal)))| Measure {
            col: cols.values_in(m, start..start + n),
            applies: applicable.get(plan) == Some(&true),
            scheme: &c.scheme,
            miss: match c.missing {
                MissingPolicy::Redistribute | MissingPolicy::Fail => f64::NAN,
                MissingPolicy::Zero => 0.0,
                MissingPolicy::Neutral => c.neutral,
            },
            fails: c.missing == MissingPolicy::Fail,
            nominal: nominal.get(plan).copied().unwrap_or(0.0),
            weight: c.weight,
            group: c.group,
        })
        .collect();
    let mut s: SmallVec<[[S::f64s; U]; 16]> = SmallVec::from_elem([nan_lanes; U], measures.len());
    let mut gw: SmallVec<[[S::f64s; U]; 8]> =
        SmallVec::from_elem([zero; U], card.group_weights.len());
    let (none, all) = (simd.less_than_f64s(one, zero), simd.equal_f64s(zero, zero));
    let mut at = 0;
    while at < n {
        // Register r holds rows at + r × lanes ..
        let base = |r: usize| at + r * lanes;
        let mut cov = [zero; U];
        let mut fail = [none; U];
        let mut bad = [zero; U];
        gw.fill([zero; U]);
        // The weight scored of the group being summed, in registers: a scorecard lists a
        // group's measures together, and its sum is the same chain of additions as in memory.
        let mut group = usize::MAX;
        let mut acc = [zero; U];
        for (m, s) in measures.iter().zip(s.iter_mut()) {
            if !m.applies {
                *s = [nan_lanes; U];
                continue;
            }
            if m.group != group {
                if let Some(g) = gw.get_mut(group) {
                    *g = acc;
                }
                group = m.group;
                acc = gw.get(group).copied().unwrap_or([zero; U]);
            }
            let (miss, weight) = (simd.splat_f64s(m.miss), simd.splat_f64s(m.weight));
            let Some(col) = m.col else {
                // No column: every lane missing.
                *s = [miss; U];
                let add = pick(simd, nan(simd, miss), zero, weight);
                for a in &mut acc {
                    *a = simd.add_f64s(*a, add);
                }
                if m.fails {
                    fail = [all; U];
                }
                continue;
            };
            let nominal = simd.splat_f64s(m.nominal);
            for r in 0..U {
                let v = load::<S>(simd, col, base(r));
                let present = simd.not_m64s(nan(simd, v));
                let (x, wrong) = scheme_scores(simd, m.scheme, v);
                let y = pick(simd, present, x, miss);
                s[r] = y;
                cov[r] = simd.add_f64s(cov[r], pick(simd, present, nominal, zero));
                acc[r] = simd.add_f64s(acc[r], pick(simd, nan(simd, y), zero, weight));
                if m.fails {
                    fail[r] = simd.or_m64s(fail[r], simd.not_m64s(present));
                }
                bad[r] = pick(simd, simd.and_m64s(present, wrong), one, bad[r]);
            }
        }
        if let Some(g) = gw.get_mut(group) {
            *g = acc;
        }
        let any_bad = bad.iter().fold(zero, |a, b| simd.add_f64s(a, *b));
        if simd.reduce_sum_f64s(any_bad) != 0.0 {
            return false;
        }
        // Group factors: W_g / (W × w_g), W over the groups with anything scored.
        let mut total = [zero; U];
        for (&w, g) in card.group_weights.iter().zip(&gw) {
            let w = simd.splat_f64s(w);
            for r in 0..U {
                let scored = simd.greater_than_f64s(g[r], zero);
                total[r] = simd.add_f64s(total[r], pick(simd, scored, w, zero));
            }
        }
        for (&w, g) in card.group_weights.iter().zip(gw.iter_mut()) {
            let w = simd.splat_f64s(w);
            for r in 0..U {
                let q = simd.div_f64s(w, simd.mul_f64s(total[r], g[r]));
                g[r] = pick(simd, simd.greater_than_f64s(g[r], zero), q, zero);
            }
        }
        let mut points = [zero; U];
        for (m, s) in measures.iter().zip(&s) {
            let Some(f) = gw.get(m.group) else {
                continue;
            };
            let weight = simd.splat_f64s(m.weight);
            for r in 0..U {
                let x = simd.mul_f64s(simd.mul_f64s(f[r], weight), s[r]);
                points[r] = simd.add_f64s(points[r], pick(simd, nan(simd, s[r]), zero, x));
            }
        }
        for r in 0..U {
            let (from, to) = (base(r).min(n), (base(r) + lanes).min(n));
            if from == to {
                break;
            }
            // Rounded to 1e-10, clamped to 0–100; Unknown with a required measure missing,
            // nothing scored, or too little of the weight present.
            let e10 = simd.splat_f64s(1e10);
            let x = simd.div_f64s(round_half_even(simd, simd.mul_f64s(points[r], e10)), e10);
            let x = clamp(simd, x, 0.0, 100.0);
            let thin =
                simd.less_than_f64s(simd.add_f64s(cov[r], simd.splat_f64s(1e-9)), coverage_min);
            let unknown =
                simd.or_m64s(simd.or_m64s(fail[r], simd.equal_f64s(total[r], zero)), thin);
            let x = pick(simd, unknown, nan_lanes, x);
            store::<S>(simd, score, from..to, x);
            store::<S>(simd, coverage, from..to, cov[r]);
            if let Some(band) = band.as_deref_mut() {
                bands::<S>(simd, card, &measures, x, from..to, band);
            }
        }
        at += lanes * U;
    }
    true
}
