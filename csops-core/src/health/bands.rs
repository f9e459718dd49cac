//! Bands (SPEC §10): a score's band by the scorecard's edges, the hysteresis that keeps an
//! account in its previous band near an edge, and the vetoes that force a band.

use super::rows::*;
use super::*;

/// The band code of a score without hysteresis.
pub(crate) fn band_of(card: &Scorecard, score: f64) -> u8 {
    Bands::of(card).band(score)
}

/// What decides a band, looked up once per chunk.
#[derive(Clone, Copy)]
pub(crate) struct Bands<'c> {
    /// The edges between bands (ascending): band `i + 1` starts at `edges[i]`.
    edges: &'c [f64],
    /// Each band's range.
    from: &'c [f64],
    to: &'c [f64],
    /// An edge belongs to the band below it.
    upper_inclusive: bool,
    /// Points beyond a band's edges before the band changes.
    hysteresis: f64,
}

impl<'c> Bands<'c> {
    pub(crate) fn of(card: &'c Scorecard) -> Bands<'c> {
        let upper_inclusive = card.spec().band_edges == EdgeRule::UpperInclusive;
        let n = card.band_from.len();
        // The bands are contiguous: each `from` after the first is the `to` before it.
        let edges = if upper_inclusive {
            card.band_to.get(..n.saturating_sub(1))
        } else {
            card.band_from.get(1..)
        };
        Bands {
            edges: edges.unwrap_or(&[]),
            from: &card.band_from,
            to: &card.band_to,
            upper_inclusive,
            hysteresis: card.spec().hysteresis,
        }
    }

    /// The edges between bands (ascending), and whether an edge belongs to the band below.
    pub(crate) fn edges(self) -> (&'c [f64], bool) {
        (self.edges, self.upper_inclusive)
    }

    /// Whether `code` is a band's code or Unknown.
    #[inline(always)]
    pub(crate) fn knows(self, code: u8) -> bool {
        code == UNKNOWN_CODE || usize::from(code) < self.from.len()
    }

    /// The band code of a score (Unknown for NaN): how many edges the score is past.
    #[inline(always)]
    pub(crate) fn band(self, score: f64) -> u8 {
        // Selects and a sum, not branches, so that a loop over scores vectorises.
        let past: u8 = if self.upper_inclusive {
            self.edges.iter().map(|e| u8::from(*e < score)).sum()
        } else {
            self.edges.iter().map(|e| u8::from(*e <= score)).sum()
        };
        if score.is_nan() { UNKNOWN_CODE } else { past }
    }

    /// The band code of a score given the previous band: it stays until the score is more
    /// than the hysteresis margin beyond the previous band's edges. A previous Unknown (or
    /// any code that is not a band) is no previous band.
    #[inline]
    pub(crate) fn with_hysteresis(self, score: f64, previous: u8) -> u8 {
        if score.is_nan() {
            return UNKNOWN_CODE;
        }
        let p = usize::from(previous);
        let (Some(from), Some(to)) = (self.from.get(p), self.to.get(p)) else {
            return self.band(score);
        };
        let h = self.hysteresis;
        let lo = if p == 0 { f64::NEG_INFINITY } else { from - h };
        let hi = if p + 1 == self.from.len() {
            f64::INFINITY
        } else {
            to + h
        };
        let keep = if self.upper_inclusive {
            lo < score && score <= hi
        } else {
            lo <= score && score < hi
        };
        if keep { previous } else { self.band(score) }
    }
}

/// Whether a raw value meets a veto's condition.
#[inline(always)]
pub(crate) fn meets(when: CompiledWhen, raw: f64) -> bool {
    match when {
        CompiledWhen::Code(code) => raw == code,
        CompiledWhen::Below(x) => raw < x,
        CompiledWhen::AtLeast(x) => raw >= x,
    }
}

/// Whether veto `v` fired in lane `lane` (row `row`) of the last chunk scored with
/// `scratch`: on a present (fresh, applicable) value that meets its condition.
pub(crate) fn veto_fired(
    v: &CompiledVeto,
    cols: &Columns<'_>,
    scratch: &Scratch,
    lane: usize,
    row: usize,
) -> bool {
    let raw = cols.value(v.measure, row);
    scratch.status(v.measure, lane, raw) == PRESENT && meets(v.when, raw)
}
