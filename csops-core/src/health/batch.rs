//! Batch scoring over columns, and the explanation of one row (which single scoring is).

use chrono::NaiveDate;

use super::bands;
use super::kernel;
use super::rows::{Columns, NOT_APPLICABLE, Out, PRESENT, STALE, Scratch};
use super::{
    BandChange, Contribution, GroupScore, HealthError, HealthScore, MeasureStatus, Observation,
    Override, Previous, Raw, ScoreContext, Scorecard, Trend, UNKNOWN, UNKNOWN_CODE, UnknownReason,
    Values, input_err,
};

/// Days since 1970-01-01 of a date (the batch columns' date unit, numpy's `datetime64[D]`).
pub fn epoch_days(d: NaiveDate) -> i64 {
    i64::from(d.to_epoch_days())
}

/// A batch: one column per measure (NaN = missing; a categories measure's column holds the
/// category codes, see [`Scorecard::category_code`]), scored together without per-account
/// allocation.
///
/// ```
/// use csops_core::health::{Batch, Scorecard};
/// let card = Scorecard::from_json(r#"{
///   "groups": [
///     {"id": "product", "weight": 2, "measures": [
///       {"id": "license_utilization", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]},
///     {"id": "risk", "weight": 1, "measures": [
///       {"id": "csm_sentiment", "weight": 1, "scheme": {"type": "categories", "categories": [
///         {"value": "red", "score": 0}, {"value": "yellow", "score": 50}, {"value": "green", "score": 100}]}}]}],
///   "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Yellow", "from": 50, "to": 75},
///             {"name": "Green", "from": 75, "to": 100}],
///   "vetoes": [{"measure": "csm_sentiment", "when": {"category": "red"}, "band": "Red"}]
/// }"#)?;
/// let util = [90.0, 20.0, f64::NAN];
/// let sentiment = [2.0, 0.0, f64::NAN]; // green, red, missing
/// let r = Batch::new(&card, 3)
///     .values("license_utilization", &util)?
///     .values("csm_sentiment", &sentiment)?
///     .score()?;
/// assert_eq!(card.band_name(r.band[0]), "Green");
/// assert_eq!(card.band_name(r.band[1]), "Red");
/// assert!(r.score[2].is_nan() && card.band_name(r.band[2]) == "Unknown");
/// // The explanation of one row is its single score, bit for bit.
/// assert_eq!(Batch::new(&card, 3).values("license_utilization", &util)?
///     .values("csm_sentiment", &sentiment)?.explain(0)?.score, Some(r.score[0]));
/// # Ok::<(), csops_core::health::HealthError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Batch<'a> {
    card: &'a Scorecard,
    len: usize,
    values: Vec<Option<&'a [f64]>>,
    observed: Vec<Option<&'a [i64]>>,
    segments: Option<&'a [u32]>,
    previous_bands: Option<&'a [u8]>,
    as_of: Option<i64>,
    threads: usize,
}

/// A batch's results, one entry per account.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchScores {
    /// Scores (NaN: Unknown).
    pub score: Vec<f64>,
    /// Band codes ([`Scorecard::band_name`]; [`UNKNOWN_CODE`] for Unknown).
    pub band: Vec<u8>,
    /// Coverage, 0–1.
    pub coverage: Vec<f64>,
    /// The scorecard that scored them (SPEC §10 "Identity").
    pub scorecard: super::Identity,
}

impl<'a> Batch<'a> {
    /// A batch of `len` accounts, with no columns yet (a measure without a column is missing
    /// for every account).
    pub fn new(card: &'a Scorecard, len: usize) -> Batch<'a> {
        let m = card.measures().len();
        Batch {
            card,
            len,
            values: vec![None; m],
            observed: vec![None; m],
            segments: None,
            previous_bands: None,
            as_of: None,
            threads: 1,
        }
    }

    /// The number of accounts.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No accounts.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn index(&self, measure: &str) -> Result<usize, HealthError> {
        self.card.measure_named(measure)
    }

    fn check_len(&self, input: &str, n: usize) -> Result<(), HealthError> {
        if n == self.len {
            Ok(())
        } else {
            Err(input_err(
                input,
                format!("{n} rows, but the batch has {}", self.len),
            ))
        }
    }

    /// A measure's raw values.
    pub fn values(mut self, measure: &str, column: &'a [f64]) -> Result<Batch<'a>, HealthError> {
        let m = self.index(measure)?;
        self.check_len(measure, column.len())?;
        if let Some(slot) = self.values.get_mut(m) {
            *slot = Some(column);
        }
        Ok(self)
    }

    /// A measure's observation days (days since 1970-01-01, [`super::NO_DATE`] unknown), for
    /// staleness.
    pub fn observed(mut self, measure: &str, days: &'a [i64]) -> Result<Batch<'a>, HealthError> {
        let m = self.index(measure)?;
        self.check_len(measure, days.len())?;
        if let Some(slot) = self.observed.get_mut(m) {
            *slot = Some(days);
        }
        Ok(self)
    }

    /// Each account's segment code ([`Scorecard::segment_code`]).
    pub fn segments(mut self, codes: &'a [u32]) -> Result<Batch<'a>, HealthError> {
        self.check_len("segments", codes.len())?;
        self.segments = Some(codes);
        Ok(self)
    }

    /// Each account's previous band code, for hysteresis ([`Scorecard::band_code`]).
    pub fn previous_bands(mut self, codes: &'a [u8]) -> Result<Batch<'a>, HealthError> {
        self.check_len("previous", codes.len())?;
        self.previous_bands = Some(codes);
        Ok(self)
    }

    /// The day scored (staleness is judged against it).
    pub fn as_of(mut self, day: NaiveDate) -> Batch<'a> {
        self.as_of = Some(epoch_days(day));
        self
    }

    /// The day scored, in days since 1970-01-01 (the as-of scoring of a history judges ages
    /// against day 0).
    pub(crate) fn judged_on_day(mut self, day: i64) -> Batch<'a> {
        self.as_of = Some(day);
        self
    }

    /// The scorecard.
    pub(crate) fn card(&self) -> &'a Scorecard {
        self.card
    }

    /// Row `row`'s previous band code, when the batch has previous bands.
    pub(crate) fn previous_band(&self, row: usize) -> Option<u8> {
        self.previous_bands.and_then(|b| b.get(row)).copied()
    }

    /// The day scored, when given.
    pub(crate) fn day(&self) -> Option<NaiveDate> {
        self.as_of.and_then(|d| super::backtest::day_of(d).ok())
    }

    /// Scores on up to `n` threads (default 1: the caller's thread only). The results do not
    /// depend on it, bit for bit.
    pub fn threads(mut self, n: usize) -> Batch<'a> {
        self.threads = n.max(1);
        self
    }

    fn columns(&self) -> Columns<'_> {
        Columns {
            values: &self.values,
            observed: &self.observed,
            segments: self.segments,
            previous_bands: self.previous_bands,
            as_of: self.as_of,
        }
    }

    /// Scores every account into the caller's arrays (each as long as the batch). On error
    /// every row reads Unknown (NaN, [`UNKNOWN_CODE`], NaN).
    pub fn score_into(
        &self,
        score: &mut [f64],
        band: &mut [u8],
        coverage: &mut [f64],
    ) -> Result<(), HealthError> {
        self.check_len("score", score.len())?;
        self.check_len("band", band.len())?;
        self.check_len("coverage", coverage.len())?;
        let cols = self.columns();
        // Below a few thousand rows a thread costs more than it saves.
        let threads = self.threads.min(self.len / 4096).max(1);
        let result = if threads == 1 {
            kernel::score_rows(
                self.card,
                &cols,
                0,
                Out {
                    score,
                    band,
                    coverage,
                },
            )
        } else {
            let per = self.len.div_ceil(threads);
            std::thread::scope(|scope| {
                let parts = score
                    .chunks_mut(per)
                    .zip(band.chunks_mut(per))
                    .zip(coverage.chunks_mut(per))
                    .enumerate()
                    .map(|(k, ((score, band), coverage))| {
                        let cols = &cols;
                        let card = self.card;
                        scope.spawn(move || {
                            kernel::score_rows(
                                card,
                                cols,
                                k * per,
                                Out {
                                    score,
                                    band,
                                    coverage,
                                },
                            )
                        })
                    })
                    .collect::<Vec<_>>();
                // The first error by row, as on one thread.
                parts.into_iter().try_for_each(|p| {
                    p.join()
                        .unwrap_or_else(|_| Err(input_err("batch", "a scoring thread panicked")))
                })
            })
        };
        if result.is_err() {
            score.fill(f64::NAN);
            band.fill(UNKNOWN_CODE);
            coverage.fill(f64::NAN);
        }
        result
    }

    /// Scores every account.
    pub fn score(&self) -> Result<BatchScores, HealthError> {
        let mut out = BatchScores {
            score: vec![0.0; self.len],
            band: vec![0; self.len],
            coverage: vec![0.0; self.len],
            scorecard: self.card.identity().clone(),
        };
        self.score_into(&mut out.score, &mut out.band, &mut out.coverage)?;
        Ok(out)
    }

    /// The whole explanation of one account (the same numbers as [`Batch::score`]).
    pub fn explain(&self, row: usize) -> Result<HealthScore, HealthError> {
        if row >= self.len {
            return Err(input_err(
                "row",
                format!("row {row} is not in a batch of {}", self.len),
            ));
        }
        explain(self.card, &self.columns(), row, None, None)
    }
}

fn raw_of(card: &Scorecard, m: usize, v: f64) -> Raw {
    let cats = card.categories(m);
    if cats.is_empty() {
        Raw::Number(v)
    } else {
        Raw::Category(cats.get(v as usize).cloned().unwrap_or_default())
    }
}

/// Scores row `row` alone and explains it; `previous` and `over` add the trend, band change
/// and override of single scoring.
fn explain(
    card: &Scorecard,
    cols: &Columns<'_>,
    row: usize,
    previous: Option<(Option<f64>, u8)>,
    over: Option<&Override>,
) -> Result<HealthScore, HealthError> {
    let mut scratch = Scratch::explaining(card);
    let (mut score, mut band, mut coverage) = ([0.0], [0u8], [0.0]);
    let out = Out {
        score: &mut score,
        band: &mut band,
        coverage: &mut coverage,
    };
    kernel::score_chunk(pulp::Scalar::new(), card, cols, row, &mut scratch, out)?;
    let computed = (!score[0].is_nan()).then_some(score[0]);
    let mut contributions = Vec::with_capacity(card.measures().len());
    let mut groups: Vec<GroupScore> = card
        .spec()
        .groups
        .iter()
        .map(|g| GroupScore {
            group: g.id.clone(),
            score: None,
            weight: 0.0,
            points: 0.0,
        })
        .collect();
    let mut sums = vec![(0.0f64, 0.0f64); groups.len()];
    let mut stale = Vec::new();
    let required = scratch
        .fail(0)
        .checked_sub(1)
        .and_then(|m| card.measures().get(m).cloned());
    for (m, c) in card.measures.iter().enumerate() {
        let v = cols.value(m, row);
        let status = match scratch.status(m, 0, v) {
            PRESENT => MeasureStatus::Present,
            STALE => MeasureStatus::Stale,
            NOT_APPLICABLE => MeasureStatus::NotApplicable,
            _ => MeasureStatus::Missing,
        };
        let s = scratch.score(m, 0);
        let factor = scratch.factor(c.group, 0);
        let weight = if s.is_nan() { 0.0 } else { factor * c.weight };
        let points = if s.is_nan() { 0.0 } else { weight * s };
        let id = card.measures().get(m).cloned().unwrap_or_default();
        if status == MeasureStatus::Stale {
            stale.push(id.clone());
        }
        let raw =
            (!v.is_nan() && status != MeasureStatus::NotApplicable).then(|| raw_of(card, m, v));
        if let (Some(g), Some(sum)) = (groups.get_mut(c.group), sums.get_mut(c.group)) {
            g.weight += weight;
            g.points += points;
            if !s.is_nan() {
                sum.0 += c.weight * s;
                sum.1 += c.weight;
            }
        }
        contributions.push(Contribution {
            measure: id,
            group: card.group_id(m).to_owned(),
            status,
            value: raw,
            measure_score: (!s.is_nan()).then_some(s),
            weight,
            points,
            lost: weight * 100.0 - points,
        });
    }
    for (g, (ws, w)) in groups.iter_mut().zip(sums) {
        g.score = (w > 0.0).then(|| ws / w);
    }
    let unknown = if computed.is_some() {
        None
    } else if let Some(measure) = required {
        Some(UnknownReason::Required { measure })
    } else {
        Some(UnknownReason::Coverage {
            coverage: coverage[0],
            minimum: card.spec().coverage_min,
        })
    };
    let vetoes = card
        .vetoes
        .iter()
        .filter(|v| bands::veto_fired(v, cols, &scratch, 0, row))
        .map(|v| card.measures().get(v.measure).cloned().unwrap_or_default())
        .collect();
    let computed_band = card.band_name(band[0]).to_owned();
    let (mut shown, mut shown_band) = (computed, computed_band.clone());
    let mut applied = None;
    if let Some(o) = over {
        if let Some(s) = o.score {
            shown = Some(s);
            shown_band = card.band_of(s).to_owned();
        }
        if let Some(b) = &o.band {
            shown_band = b.clone();
        }
        applied = Some(o.clone());
    }
    let (trend, band_change) = match previous {
        None => (None, None),
        Some((prev_score, prev_band)) => {
            let trend = match (shown, prev_score) {
                (Some(now), Some(before)) => {
                    let d = now - before;
                    let t = card.spec().trend_threshold;
                    Some(if d > t {
                        Trend::Up
                    } else if d < -t {
                        Trend::Down
                    } else {
                        Trend::Same
                    })
                }
                _ => None,
            };
            let from = card.band_name(prev_band);
            let change = (from != shown_band).then(|| BandChange {
                from: from.to_owned(),
                to: shown_band.clone(),
            });
            (trend, change)
        }
    };
    Ok(HealthScore {
        score: shown,
        band: shown_band,
        computed_score: computed,
        computed_band,
        coverage: coverage[0],
        unknown,
        contributions,
        groups,
        vetoes,
        stale,
        override_: applied,
        trend,
        band_change,
        scorecard: card.identity().clone(),
    })
}

impl Scorecard {
    /// One account's score, with its whole explanation (SPEC §10).
    ///
    /// Errors: a value for a measure the scorecard does not have, text for a numeric measure
    /// or a number for a categories one, an unknown category, an infinite number, a value dated
    /// after `as_of`, dated values of a measure with a time-to-live but no `as_of`, an unknown
    /// previous band, an override that cannot apply (no `as_of`, a score outside 0–100, an
    /// unknown band, no author or reason).
    pub fn score(
        &self,
        values: &Values,
        ctx: &ScoreContext<'_>,
    ) -> Result<HealthScore, HealthError> {
        let n = self.measures().len();
        let mut raw = vec![f64::NAN; n];
        let mut days = vec![super::NO_DATE; n];
        for (id, Observation { value, at }) in &values.0 {
            let m = self.measure_index(id).ok_or_else(|| HealthError::Value {
                measure: id.clone(),
                row: None,
                rule: format!(
                    "not a measure of the scorecard (measures: {})",
                    self.measures().join(", ")
                ),
            })?;
            let numeric = self.categories(m).is_empty();
            let v = match value {
                None => f64::NAN,
                Some(Raw::Number(x)) if numeric || x.is_nan() => *x,
                Some(Raw::Number(x)) => {
                    return Err(HealthError::Value {
                        measure: id.clone(),
                        row: None,
                        rule: format!(
                            "{x} is a number, but the measure has categories ({})",
                            self.categories(m).join(", ")
                        ),
                    });
                }
                Some(Raw::Category(c)) => self.category_code(m, c)?,
            };
            if let (Some(slot), Some(d)) = (raw.get_mut(m), days.get_mut(m)) {
                *slot = v;
                *d = at.map_or(super::NO_DATE, epoch_days);
            }
        }
        let previous = match &ctx.previous {
            None => None,
            Some(Previous { score, band }) => {
                if let Some(s) = score
                    && !(0.0..=100.0).contains(s)
                {
                    return Err(input_err(
                        "previous",
                        format!("score {s} must be within 0-100"),
                    ));
                }
                let code = match band {
                    Some(b) => self.band_code(b).ok_or_else(|| {
                        input_err(
                            "previous",
                            format!(
                                "unknown band {} (bands: {}, {UNKNOWN})",
                                crate::words::Quoted(b),
                                self.bands().join(", ")
                            ),
                        )
                    })?,
                    None => bands::band_of(self, score.unwrap_or(f64::NAN)),
                };
                Some((*score, code))
            }
        };
        if let Some(o) = ctx.override_ {
            self.check_override(o, ctx.as_of)?;
        }
        let over = ctx
            .override_
            .filter(|o| ctx.as_of.is_some_and(|d| d < o.expires));
        let values: Vec<Option<&[f64]>> =
            raw.iter().map(|v| Some(std::slice::from_ref(v))).collect();
        let observed: Vec<Option<&[i64]>> =
            days.iter().map(|d| Some(std::slice::from_ref(d))).collect();
        let segment = [match ctx.segment {
            Some(name) => self.segment_code(name)?,
            None => super::NO_SEGMENT,
        }];
        let prev_band = [previous.map_or(UNKNOWN_CODE, |p| p.1)];
        let cols = Columns {
            values: &values,
            observed: &observed,
            segments: ctx.segment.map(|_| &segment[..]),
            previous_bands: previous.map(|_| &prev_band[..]),
            as_of: ctx.as_of.map(epoch_days),
        };
        explain(self, &cols, 0, previous, over).map_err(|e| match e {
            HealthError::Value { measure, rule, .. } => HealthError::Value {
                measure,
                row: None,
                rule,
            },
            other => other,
        })
    }

    fn check_override(&self, o: &Override, as_of: Option<NaiveDate>) -> Result<(), HealthError> {
        let bad = |rule: String| input_err("override", rule);
        if as_of.is_none() {
            return Err(bad(
                "an override needs an as_of date to judge its expiry".into()
            ));
        }
        if o.score.is_none() && o.band.is_none() {
            return Err(bad("an override needs a score, a band or both".into()));
        }
        if let Some(s) = o.score
            && !(0.0..=100.0).contains(&s)
        {
            return Err(bad(format!("score {s} must be within 0-100")));
        }
        if let Some(b) = &o.band
            && !self.bands().contains(b)
        {
            return Err(bad(format!(
                "unknown band {} (bands: {})",
                crate::words::Quoted(b),
                self.bands().join(", ")
            )));
        }
        if o.author.trim().is_empty() || o.reason.trim().is_empty() {
            return Err(bad("an override needs an author and a reason".into()));
        }
        Ok(())
    }
}
