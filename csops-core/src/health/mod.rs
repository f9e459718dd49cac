//! The health score (SPEC §10).
//!
//! A [`Scorecard`] is configuration: measure groups, each with a weight, holding measures, each
//! with a weight and a scoring [`Scheme`] that maps a raw value to 0–100. Weights are normalised
//! (within a group, then across groups), so only their ratios matter. Bands, the coverage
//! minimum, vetoes, segment profiles, the trend threshold and the hysteresis margin are
//! configuration too; [`Scorecard::default`] is the handbook's model
//! (`health/default_scorecard.toml`, which is also the format's worked example).
//!
//! Layout, by role: `spec` (the format as written), `compile` (the format checked and turned
//! into the kernel's plan), `inputs` (values and the scoring context), `kernel` (scoring one
//! account), `bands` (bands, hysteresis and vetoes), `outputs` (the score and its explanation), `batch` (a book as columns) and
//! `validation` (scores against outcomes); this root holds the [`Scorecard`] and its error.
//!
//! # How a score is computed
//!
//! For each measure applicable to the account's segment, the raw value is *present* (a number,
//! or a category, observed no longer ago than the measure's `ttl_days` before `as_of`), *stale*
//! (older: treated as missing, reported as stale) or *missing* (absent, `null` or NaN). A missing
//! or stale measure is treated by its `missing` policy:
//!
//! - `redistribute` (default): it is left out; its weight goes to the measures present in its
//!   group, and a group with nothing scored gives its weight to the other groups;
//! - `zero` / `neutral`: it is scored 0 / its `neutral_score` (default 50) with its own weight;
//! - `fail`: the account cannot be scored: its score is Unknown.
//!
//! With `W_g` the weight of group `g`, `W` the sum of the weights of the groups with anything
//! scored, `w_m` a measure's weight and `w_g` the sum of the weights of the scored measures of
//! `g`, a measure contributes `points_m = ((W_g / W) / w_g) × w_m × s_m`, and the score is the sum
//! of the points in measure order, rounded to 1e-10 (so that a score exactly on a band edge in
//! decimal, such as 75, is not a hair below it from floating-point rounding): the explanation adds
//! up to the number shown. The
//! *coverage* is the share of the nominal weight (before redistribution) that has present values;
//! below `coverage_min` (within 1e-9) the score is Unknown. Measures not applicable to a segment
//! are removed from the scorecard for that account: not applicable is not missing.
//!
//! The band comes from the score and the bands' explicit edge rule; with a previous band, the band
//! only changes once the score is more than `hysteresis` points beyond the previous band's edges.
//! A veto that fires (on a present value) sets the band — the lowest band among the vetoes that
//! fire — even when the score is Unknown. A manual [`Override`] that has not expired replaces the
//! score and/or the band; the computed ones stay in the result.
//!
//! Batch scoring ([`Batch`]) runs the same arithmetic over columns, so a batch result equals
//! the single result of each account bit for bit.
//!
//! ```
//! use csops_core::health::{Scorecard, ScoreContext, Values};
//! let card = Scorecard::default();
//! let values = Values::from_json(r#"{"license_utilization": 90, "user_engagement": 85,
//!     "scm_adoption": 80, "ci_adoption": 70, "devsecops_adoption": 40, "cd_adoption": 60,
//!     "csm_sentiment": "green", "days_since_last_touch": 9}"#)?;
//! let s = card.score(&values, &ScoreContext::default())?;
//! assert_eq!(s.band, "Green");
//! let total: f64 = s.contributions.iter().map(|c| c.points).sum();
//! assert!((total - s.score.unwrap()).abs() < 1e-9);
//! // A red sentiment vetoes the band; too little data is Unknown.
//! let red = Values::from_json(r#"{"license_utilization": 90, "csm_sentiment": "red"}"#)?;
//! let s = card.score(&red, &ScoreContext::default())?;
//! assert_eq!(s.band, "Red");
//! let thin = Values::from_json(r#"{"nps_response": 10}"#)?;
//! assert_eq!(card.score(&thin, &ScoreContext::default())?.score, None);
//! # Ok::<(), csops_core::health::HealthError>(())
//! ```

mod as_of;
mod backtest;
mod bands;
mod batch;
mod book;
mod bootstrap;
mod compile;
mod fit;
mod history;
mod history_json;
mod identity;
mod inputs;
mod kernel;
mod lanes;
mod outputs;
mod passes;
mod row_checks;
mod rows;
mod spec;
mod validation;

use crate::document::Document;

pub use as_of::AsOfScores;
pub use backtest::{
    AucDifference, Backtest, BacktestOptions, Comparison, LeadTime, OutcomeRows, Pair,
};
pub use batch::{Batch, BatchScores, epoch_days};
pub use book::{BandCount, BandTransition, BookOptions, BookReport, MIN_MOVE, Mover};
pub use bootstrap::RocPoint;
pub(crate) use compile::*;
pub use fit::{AucPair, FitOptions, MeasureWeight, WeightSuggestion};
pub use history::{
    Coded, CodedText, HistoryRows, MeasureHistory, NO_CODE, SegmentRows, day_from_text,
    instant_from_text,
};
pub use history_json::{AsOfRow, BacktestInput, HistoryRow, OutcomeRow, SegmentRow};
pub use identity::Identity;
pub use inputs::*;
pub use outputs::*;
pub use spec::*;
pub use validation::{BandValidation, Outcome, Validation};

/// The band of a score that cannot be computed.
pub const UNKNOWN: &str = "Unknown";

/// The band code of Unknown in batch outputs ([`Batch`]); other codes index
/// [`Scorecard::bands`].
pub const UNKNOWN_CODE: u8 = u8::MAX;

/// The segment code of "no segment profile" in batch inputs.
pub const NO_SEGMENT: u32 = u32::MAX;

/// The observation-day code of "date unknown" in batch inputs (numpy's `NaT` as `int64`).
pub const NO_DATE: i64 = i64::MIN;

/// A health input or scorecard that breaks a rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HealthError {
    /// A scorecard that cannot be used; `key` is where, and names the measure when there is one.
    #[error("scorecard: {}{rule}", crate::words::At(.key))]
    Scorecard {
        /// Where in the scorecard (`groups[0].measures[1] (user_engagement).weight`).
        key: String,
        /// What is wrong.
        rule: String,
    },
    /// A value that cannot be scored.
    #[error("{}measure {}: {rule}", row.map(|r| format!("row {r}: ")).unwrap_or_default(), crate::words::Quoted(.measure))]
    Value {
        /// The measure.
        measure: String,
        /// The row of a batch, if it is one.
        row: Option<usize>,
        /// What is wrong.
        rule: String,
    },
    /// A scoring context (as-of date, previous score, override, batch shape) that cannot be used.
    #[error("{input}: {}{rule}", row.map(|r| format!("row {r}: ")).unwrap_or_default())]
    Input {
        /// The input (`as_of`, `previous`, `override`, `segments`, …).
        input: String,
        /// The row of a batch, if it is one.
        row: Option<usize>,
        /// What is wrong.
        rule: String,
    },
}

fn card_err(key: impl Into<String>, rule: impl Into<String>) -> HealthError {
    HealthError::Scorecard {
        key: key.into(),
        rule: rule.into(),
    }
}

fn input_err(input: impl Into<String>, rule: impl Into<String>) -> HealthError {
    HealthError::Input {
        input: input.into(),
        row: None,
        rule: rule.into(),
    }
}

impl HealthError {
    /// The error about row `row` of a batch (a value's or a row's input): the row is data
    /// (`row()`, Python's `.row`, C's `csops_last_error_row`), and the message says it.
    pub fn in_row(self, row: usize) -> HealthError {
        match self {
            HealthError::Value { measure, rule, .. } => HealthError::Value {
                measure,
                row: Some(row),
                rule,
            },
            HealthError::Input { input, rule, .. } => HealthError::Input {
                input,
                row: Some(row),
                rule,
            },
            other => other,
        }
    }

    /// The rule broken, in words, without where (the key and the row say where).
    pub fn rule(&self) -> &str {
        match self {
            HealthError::Value { rule, .. }
            | HealthError::Input { rule, .. }
            | HealthError::Scorecard { rule, .. } => rule,
        }
    }

    /// The row of a batch the error is about, when it is about one.
    pub fn row(&self) -> Option<usize> {
        match self {
            HealthError::Value { row, .. } | HealthError::Input { row, .. } => *row,
            HealthError::Scorecard { .. } => None,
        }
    }
}

/// A checked scorecard, ready to score.
#[derive(Debug, Clone)]
pub struct Scorecard {
    spec: ScorecardSpec,
    ids: Vec<String>,
    pub(crate) measures: Vec<Compiled>,
    pub(crate) group_weights: Vec<f64>,
    /// Plans (which measures apply): 0 is the full scorecard, i + 1 is `segment_names[i]`.
    pub(crate) plan_count: usize,
    /// Per measure, per plan: applicable, and the nominal share.
    pub(crate) by_measure: Vec<(Vec<bool>, Vec<f64>)>,
    segment_names: Vec<String>,
    pub(crate) vetoes: Vec<CompiledVeto>,
    pub(crate) band_from: Vec<f64>,
    pub(crate) band_to: Vec<f64>,
    band_names: Vec<String>,
    categories: Vec<Vec<String>>,
    identity: Identity,
}

impl PartialEq for Scorecard {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

const DEFAULT_SCORECARD: &str = include_str!("default_scorecard.toml");

impl Default for Scorecard {
    /// The handbook's model (SPEC §10); see `health/default_scorecard.toml`.
    fn default() -> Self {
        #[allow(clippy::expect_used)] // compiled-in data, checked by a unit test
        Scorecard::from_toml(DEFAULT_SCORECARD).expect("the compiled-in scorecard is valid")
    }
}

impl Scorecard {
    /// The default scorecard's TOML text (a documented example of the format).
    pub fn default_toml() -> &'static str {
        DEFAULT_SCORECARD
    }

    /// A scorecard from JSON, checked; the error names the key and the measure.
    pub fn from_json(text: &str) -> Result<Scorecard, HealthError> {
        <Scorecard as Document>::from_json(text)
    }

    /// A scorecard from TOML, checked; the error names the key and the measure.
    pub fn from_toml(text: &str) -> Result<Scorecard, HealthError> {
        <Scorecard as Document>::from_toml(text)
    }

    /// The scorecard as JSON (the format [`Scorecard::from_json`] reads).
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.spec).unwrap_or_default()
    }

    /// Which definition this is: name, version and the content hash of its canonical form
    /// (SPEC §10 "Identity"; see [`Identity`]).
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// The scorecard as written.
    pub fn spec(&self) -> &ScorecardSpec {
        &self.spec
    }

    /// The measure ids, in scoring order (groups in order, measures in order).
    pub fn measures(&self) -> &[String] {
        &self.ids
    }

    /// The position of a measure in [`Scorecard::measures`].
    pub fn measure_index(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|m| m == id)
    }

    /// The position of a measure in [`Scorecard::measures`], or an error naming it and listing
    /// the measures.
    ///
    /// ```
    /// let card = csops_core::health::Scorecard::default();
    /// assert_eq!(card.measure_named("license_utilization"), Ok(0));
    /// assert!(card.measure_named("licence_utilization").unwrap_err().to_string().contains("license_utilization"));
    /// ```
    pub fn measure_named(&self, id: &str) -> Result<usize, HealthError> {
        self.measure_index(id).ok_or_else(|| HealthError::Value {
            measure: id.to_owned(),
            row: None,
            rule: format!(
                "not a measure of the scorecard (measures: {})",
                self.measures().join(", ")
            ),
        })
    }

    /// The band names, lowest first (band code `i` in batch outputs is `bands()[i]`).
    pub fn bands(&self) -> &[String] {
        &self.band_names
    }

    /// The segment names with a profile (segment code `i` in batch inputs is
    /// `segments()[i]`).
    pub fn segments(&self) -> &[String] {
        &self.segment_names
    }

    /// The segment code of a name: its profile's position, or [`NO_SEGMENT`] for a segment
    /// without a profile (scored with the full scorecard). A segment is a name of SPEC §8 (an
    /// engagement model such as `tech_touch`, a sales segment, a CSM team), a profile, or one
    /// of the scorecard's `other_segments`; any other name is an error listing them (a typo
    /// such as `no_touch` would otherwise score silently with the whole scorecard).
    ///
    /// ```
    /// let card = csops_core::health::Scorecard::default();
    /// assert_eq!(card.segment_code("tech_touch"), Ok(0));
    /// assert_eq!(card.segment_code("high_touch"), Ok(csops_core::health::NO_SEGMENT));
    /// assert!(card.segment_code("no_touch").unwrap_err().to_string().contains("high_touch"));
    /// assert_eq!(card.segment_code(""), Ok(csops_core::health::NO_SEGMENT)); // an empty cell
    /// ```
    pub fn segment_code(&self, segment: &str) -> Result<u32, HealthError> {
        // An empty cell (a book's column with no value there) is no segment.
        if segment.trim().is_empty() {
            return Ok(NO_SEGMENT);
        }
        if let Some(i) = self.segment_names.iter().position(|s| s == segment) {
            return u32::try_from(i).map_err(|_| input_err("segment", "too many profiles"));
        }
        if self.known_segments().any(|s| s == segment) {
            return Ok(NO_SEGMENT);
        }
        Err(input_err(
            "segment",
            format!(
                "unknown segment {}; the segments are {}",
                crate::words::Quoted(segment),
                self.known_segments()
                    .chain(self.segment_names.iter().map(String::as_str))
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ))
    }

    /// The segment names without a profile that the scorecard scores with all its measures.
    fn known_segments(&self) -> impl Iterator<Item = &str> {
        use crate::segment::{CsmTeam, EngagementModel, SalesSegment};
        use strum::VariantArray;
        EngagementModel::VARIANTS
            .iter()
            .map(|m| <&'static str>::from(*m))
            .chain(
                SalesSegment::VARIANTS
                    .iter()
                    .map(|m| <&'static str>::from(*m)),
            )
            .chain(CsmTeam::VARIANTS.iter().map(|m| <&'static str>::from(*m)))
            .chain(self.spec.other_segments.iter().map(String::as_str))
    }

    /// The categories of a categories measure, in code order (empty for a numeric measure).
    pub fn categories(&self, measure: usize) -> &[String] {
        self.categories.get(measure).map_or(&[], |c| c.as_slice())
    }

    /// The code of a category of a measure (ASCII case ignored); the error names the measure
    /// and the categories it knows.
    pub fn category_code(&self, measure: usize, value: &str) -> Result<f64, HealthError> {
        let known = self.categories(measure);
        known
            .iter()
            .position(|c| c.eq_ignore_ascii_case(value))
            .map(|i| i as f64)
            .ok_or_else(|| HealthError::Value {
                measure: self.ids.get(measure).cloned().unwrap_or_default(),
                row: None,
                rule: if known.is_empty() {
                    format!(
                        "{} is text, but the measure is numeric",
                        crate::words::Quoted(value)
                    )
                } else {
                    format!(
                        "unknown category {} (known: {})",
                        crate::words::Quoted(value),
                        known.join(", ")
                    )
                },
            })
    }

    /// The band code of a band name (ASCII case ignored); [`UNKNOWN_CODE`] for "Unknown".
    pub fn band_code(&self, band: &str) -> Option<u8> {
        if band.eq_ignore_ascii_case(UNKNOWN) {
            return Some(UNKNOWN_CODE);
        }
        self.band_names
            .iter()
            .position(|b| b.eq_ignore_ascii_case(band))
            .and_then(|i| u8::try_from(i).ok())
    }

    /// [`Scorecard::band_code`], or an error about `input` naming the band and listing the
    /// bands.
    ///
    /// ```
    /// let card = csops_core::health::Scorecard::default();
    /// assert_eq!(card.band_named("red", "previous"), Ok(0));
    /// assert!(card.band_named("Purple", "previous").unwrap_err().to_string().contains("Green"));
    /// ```
    pub fn band_named(&self, band: &str, input: &str) -> Result<u8, HealthError> {
        self.band_code(band).ok_or_else(|| {
            input_err(
                input,
                format!(
                    "unknown band {} (bands: {}, {UNKNOWN})",
                    crate::words::Quoted(band),
                    self.bands().join(", ")
                ),
            )
        })
    }

    /// The band name of a band code ("Unknown" for [`UNKNOWN_CODE`] or any code out of range).
    pub fn band_name(&self, code: u8) -> &str {
        self.band_names
            .get(usize::from(code))
            .map_or(UNKNOWN, String::as_str)
    }

    /// The band of a score without hysteresis (NaN: Unknown).
    pub fn band_of(&self, score: f64) -> &str {
        self.band_name(bands::band_of(self, score))
    }

    /// The group id of a measure (by position).
    pub(crate) fn group_id(&self, measure: usize) -> &str {
        self.measures
            .get(measure)
            .and_then(|c| self.spec.groups.get(c.group))
            .map_or("", |g| g.id.as_str())
    }
}

#[cfg(test)]
mod tests;
