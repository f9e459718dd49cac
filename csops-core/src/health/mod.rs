//! The health score (SPEC §10).
//!
//! A [`Scorecard`] is configuration: measure groups, each with a weight, holding measures, each
//! with a weight and a scoring [`Scheme`] that maps a raw value to 0–100. Weights are normalised
//! (within a group, then across groups), so only their ratios matter. Bands, the coverage
//! minimum, vetoes, segment profiles, the trend threshold and the hysteresis margin are
//! configuration too; [`Scorecard::default`] is the handbook's model
//! (`health/default_scorecard.toml`, which is also the format's worked example).
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

mod batch;
mod kernel;
mod validation;

use crate::document::Document;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

pub use batch::{Batch, BatchScores, epoch_days};
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
    #[error("{input}: {rule}")]
    Input {
        /// The input (`as_of`, `previous`, `override`, `segments`, …).
        input: String,
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
        rule: rule.into(),
    }
}

/// How a raw value becomes a measure score (0–100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scheme {
    /// `worst` scores 0, `best` scores 100, linear between, clamped outside. `best < worst`
    /// means lower is better.
    Linear {
        /// The raw value that scores 0.
        worst: f64,
        /// The raw value that scores 100.
        best: f64,
    },
    /// A step function: `scores[i]` between `edges[i-1]` and `edges[i]`; `edge` says which side
    /// a value equal to an edge falls on.
    Thresholds {
        /// Strictly increasing edges.
        edges: Vec<f64>,
        /// One more score than edges, each 0–100.
        scores: Vec<f64>,
        /// Which step holds a value equal to an edge (default: the upper one).
        #[serde(default)]
        edge: EdgeRule,
    },
    /// Named categories (e.g. CSM sentiment red / yellow / green), matched ignoring ASCII case.
    /// In batch columns, a category is its position in this list (0, 1, …).
    Categories {
        /// The categories, in order.
        categories: Vec<Category>,
    },
}

/// A category and its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// The category's name.
    pub value: String,
    /// Its score, 0–100.
    pub score: f64,
}

/// Which side of an edge a value equal to it falls on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Display, EnumString,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EdgeRule {
    /// `[from, to)`: an edge value belongs to the range above it (the last range holds its top).
    #[default]
    LowerInclusive,
    /// `(from, to]`: an edge value belongs to the range below it (the first range holds its
    /// bottom).
    UpperInclusive,
}

/// What a missing (or stale) value does.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MissingPolicy {
    /// Its weight goes to the measures present in its group (or, from an empty group, to the
    /// other groups).
    #[default]
    Redistribute,
    /// It scores 0.
    Zero,
    /// It scores the measure's `neutral_score`.
    Neutral,
    /// The account cannot be scored without it: Unknown.
    Fail,
}

fn neutral_default() -> f64 {
    50.0
}

fn is_neutral_default(v: &f64) -> bool {
    *v == 50.0
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

/// A measure of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Its id (unique in the scorecard; batch columns are named by it).
    pub id: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its weight inside its group (> 0).
    pub weight: f64,
    /// How a raw value scores.
    pub scheme: Scheme,
    /// What a missing or stale value does.
    #[serde(default, skip_serializing_if = "is_default")]
    pub missing: MissingPolicy,
    /// The score of a missing value under the `neutral` policy (default 50).
    #[serde(
        default = "neutral_default",
        skip_serializing_if = "is_neutral_default"
    )]
    pub neutral_score: f64,
    /// A value observed more than this many days before `as_of` is stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl_days: Option<u32>,
}

/// A measure group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Its id.
    pub id: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its weight (> 0).
    pub weight: f64,
    /// Its measures (at least one).
    pub measures: Vec<Measure>,
}

/// A band: a named score range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BandRange {
    /// Its name (not "Unknown").
    pub name: String,
    /// The lower edge.
    pub from: f64,
    /// The upper edge.
    pub to: f64,
}

/// When a veto fires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum VetoWhen {
    /// A categories measure has this category.
    Category(String),
    /// A numeric measure's raw value is below this.
    Below(f64),
    /// A numeric measure's raw value is at least this.
    AtLeast(f64),
}

/// A rule that forces the band, e.g. "CSM sentiment red forces Red".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    /// The measure it reads (a present, fresh value).
    pub measure: String,
    /// When it fires.
    pub when: VetoWhen,
    /// The band it forces.
    pub band: String,
}

/// What a segment leaves out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentProfile {
    /// Measures that do not apply to the segment (not missing: they leave the scorecard).
    #[serde(default)]
    pub not_applicable: Vec<String>,
}

fn coverage_default() -> f64 {
    0.5
}
fn hysteresis_default() -> f64 {
    2.0
}
fn trend_default() -> f64 {
    1.0
}

/// The scorecard as written (JSON or TOML); [`Scorecard`] is its checked form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardSpec {
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The groups.
    pub groups: Vec<Group>,
    /// The bands, lowest first, contiguous from 0 to 100.
    pub bands: Vec<BandRange>,
    /// Which band holds an edge value.
    #[serde(default)]
    pub band_edges: EdgeRule,
    /// The least share of the weight (0–1) with present values for a score to be known.
    #[serde(default = "coverage_default")]
    pub coverage_min: f64,
    /// Points beyond a band's edges before the band changes (≥ 0).
    #[serde(default = "hysteresis_default")]
    pub hysteresis: f64,
    /// Up or down only when the score moved by more than this (≥ 0).
    #[serde(default = "trend_default")]
    pub trend_threshold: f64,
    /// Rules that force the band.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<Veto>,
    /// Segment profiles by segment name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub segments: BTreeMap<String, SegmentProfile>,
    /// More segment names scored with the whole scorecard, besides SPEC §8's (engagement
    /// models, sales segments, CSM teams); any other segment name is an error (a typo).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_segments: Vec<String>,
}

/// A measure compiled for scoring.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub(crate) group: usize,
    pub(crate) weight: f64,
    pub(crate) scheme: CompiledScheme,
    pub(crate) missing: MissingPolicy,
    pub(crate) neutral: f64,
    pub(crate) ttl_days: Option<i64>,
}

#[derive(Debug, Clone)]
pub(crate) enum CompiledScheme {
    Linear {
        worst: f64,
        span: f64,
    },
    Thresholds {
        edges: Vec<f64>,
        scores: Vec<f64>,
        upper_inclusive: bool,
    },
    Categories {
        scores: Vec<f64>,
    },
}

/// Which measures apply (per segment profile), and each one's nominal share of the weight.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub(crate) applicable: Vec<bool>,
    pub(crate) nominal: Vec<f64>,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledVeto {
    pub(crate) measure: usize,
    pub(crate) when: CompiledWhen,
    pub(crate) band: usize,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum CompiledWhen {
    Code(f64),
    Below(f64),
    AtLeast(f64),
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

    /// The band name of a band code ("Unknown" for [`UNKNOWN_CODE`] or any code out of range).
    pub fn band_name(&self, code: u8) -> &str {
        self.band_names
            .get(usize::from(code))
            .map_or(UNKNOWN, String::as_str)
    }

    /// The band of a score without hysteresis (NaN: Unknown).
    pub fn band_of(&self, score: f64) -> &str {
        self.band_name(kernel::band_of(self, score))
    }

    fn new(spec: ScorecardSpec) -> Result<Scorecard, HealthError> {
        if spec.groups.is_empty() {
            return Err(card_err("groups", "at least one group is needed"));
        }
        let mut ids: Vec<String> = Vec::new();
        let mut measures = Vec::new();
        let mut categories = Vec::new();
        let mut group_weights = Vec::new();
        let mut group_ids: Vec<&str> = Vec::new();
        for (gi, g) in spec.groups.iter().enumerate() {
            let gkey = format!("groups[{gi}] ({})", crate::words::bounded_name(&g.id));
            if g.id.trim().is_empty() {
                return Err(card_err(format!("groups[{gi}].id"), "a group needs an id"));
            }
            if group_ids.contains(&g.id.as_str()) {
                return Err(card_err(
                    format!("{gkey}.id"),
                    format!("group {} is defined twice", crate::words::Quoted(&g.id)),
                ));
            }
            group_ids.push(&g.id);
            positive(
                g.weight,
                &format!("{gkey}.weight"),
                &format!("group {}", crate::words::Quoted(&g.id)),
            )?;
            if g.measures.is_empty() {
                return Err(card_err(
                    format!("{gkey}.measures"),
                    format!("group {} has no measures", crate::words::Quoted(&g.id)),
                ));
            }
            group_weights.push(g.weight);
            for (mi, m) in g.measures.iter().enumerate() {
                let key = format!(
                    "groups[{gi}].measures[{mi}] ({})",
                    crate::words::bounded_name(&m.id)
                );
                let who = format!("measure {}", crate::words::Quoted(&m.id));
                if m.id.trim().is_empty() {
                    return Err(card_err(
                        format!("groups[{gi}].measures[{mi}].id"),
                        "a measure needs an id",
                    ));
                }
                if ids.contains(&m.id) {
                    return Err(card_err(
                        format!("{key}.id"),
                        format!("{who} is defined twice"),
                    ));
                }
                positive(m.weight, &format!("{key}.weight"), &who)?;
                if !(0.0..=100.0).contains(&m.neutral_score) {
                    return Err(card_err(
                        format!("{key}.neutral_score"),
                        format!(
                            "{who}: neutral_score {} must be within 0-100",
                            m.neutral_score
                        ),
                    ));
                }
                if m.ttl_days == Some(0) {
                    return Err(card_err(
                        format!("{key}.ttl_days"),
                        format!("{who}: ttl_days must be at least 1"),
                    ));
                }
                let (scheme, cats) = compile_scheme(&m.scheme, &format!("{key}.scheme"), &who)?;
                ids.push(m.id.clone());
                categories.push(cats);
                measures.push(Compiled {
                    group: gi,
                    weight: m.weight,
                    scheme,
                    missing: m.missing,
                    neutral: m.neutral_score,
                    ttl_days: m.ttl_days.map(i64::from),
                });
            }
        }
        let (band_from, band_to, band_names) = check_bands(&spec)?;
        for (key, v) in [
            ("coverage_min", spec.coverage_min),
            ("hysteresis", spec.hysteresis),
            ("trend_threshold", spec.trend_threshold),
        ] {
            let ok = v.is_finite() && v >= 0.0 && (key != "coverage_min" || v <= 1.0);
            if !ok {
                let range = if key == "coverage_min" {
                    "within 0-1"
                } else {
                    "a finite number of at least 0"
                };
                return Err(card_err(key, format!("{key} {v} must be {range}")));
            }
        }
        let mut card = Scorecard {
            ids,
            measures,
            group_weights,
            plan_count: 0,
            by_measure: Vec::new(),
            segment_names: spec.segments.keys().cloned().collect(),
            vetoes: Vec::new(),
            band_from,
            band_to,
            band_names,
            categories,
            spec: ScorecardSpec {
                groups: Vec::new(),
                ..spec.clone()
            },
        };
        let mut plans = vec![card.plan(&[])];
        for (name, profile) in &spec.segments {
            let mut out = Vec::new();
            for (i, id) in profile.not_applicable.iter().enumerate() {
                let m = card.measure_index(id).ok_or_else(|| {
                    card_err(
                        format!(
                            "segments.{}.not_applicable[{i}]",
                            crate::words::bounded_name(name)
                        ),
                        format!("unknown measure {}", crate::words::Quoted(id)),
                    )
                })?;
                out.push(m);
            }
            if (0..card.ids.len()).all(|m| out.contains(&m)) {
                return Err(card_err(
                    format!(
                        "segments.{}.not_applicable",
                        crate::words::bounded_name(name)
                    ),
                    format!(
                        "segment {} leaves no measure applicable",
                        crate::words::Quoted(name)
                    ),
                ));
            }
            plans.push(card.plan(&out));
        }
        for (i, v) in spec.vetoes.iter().enumerate() {
            let m = card.measure_index(&v.measure).ok_or_else(|| {
                card_err(
                    format!("vetoes[{i}].measure"),
                    format!("unknown measure {}", crate::words::Quoted(&v.measure)),
                )
            })?;
            let who = format!("measure {}", crate::words::Quoted(&v.measure));
            let numeric = card.categories(m).is_empty();
            let when = match (&v.when, numeric) {
                (VetoWhen::Category(c), false) => CompiledWhen::Code(
                    card.category_code(m, c)
                        .map_err(|e| card_err(format!("vetoes[{i}].when"), e.to_string()))?,
                ),
                (VetoWhen::Below(x), true) if x.is_finite() => CompiledWhen::Below(*x),
                (VetoWhen::AtLeast(x), true) if x.is_finite() => CompiledWhen::AtLeast(*x),
                (VetoWhen::Category(_), true) => {
                    return Err(card_err(
                        format!("vetoes[{i}].when"),
                        format!("{who} is numeric: a veto on it needs `below` or `at_least`"),
                    ));
                }
                (_, false) => {
                    return Err(card_err(
                        format!("vetoes[{i}].when"),
                        format!("{who} has categories: a veto on it needs `category`"),
                    ));
                }
                (_, true) => {
                    return Err(card_err(
                        format!("vetoes[{i}].when"),
                        format!("{who}: a veto's limit must be a finite number"),
                    ));
                }
            };
            let band = card
                .band_names
                .iter()
                .position(|b| *b == v.band)
                .ok_or_else(|| {
                    card_err(
                        format!("vetoes[{i}].band"),
                        format!(
                            "unknown band {} (bands: {})",
                            crate::words::Quoted(&v.band),
                            card.band_names.join(", ")
                        ),
                    )
                })?;
            card.vetoes.push(CompiledVeto {
                measure: m,
                when,
                band,
            });
        }
        card.by_measure = (0..card.ids.len())
            .map(|m| {
                let applicable = plans.iter().map(|p| p.applicable.get(m) == Some(&true));
                let nominal = plans
                    .iter()
                    .map(|p| p.nominal.get(m).copied().unwrap_or(0.0));
                (applicable.collect(), nominal.collect())
            })
            .collect();
        card.plan_count = plans.len();
        card.spec = spec;
        Ok(card)
    }

    fn plan(&self, not_applicable: &[usize]) -> Plan {
        let applicable: Vec<bool> = (0..self.ids.len())
            .map(|m| !not_applicable.contains(&m))
            .collect();
        let groups = self.group_weights.len();
        let mut in_group = vec![0.0; groups];
        for (m, c) in self.measures.iter().enumerate() {
            if applicable.get(m) == Some(&true)
                && let Some(w) = in_group.get_mut(c.group)
            {
                *w += c.weight;
            }
        }
        let total: f64 = self
            .group_weights
            .iter()
            .zip(&in_group)
            .filter(|(_, w)| **w > 0.0)
            .map(|(g, _)| g)
            .sum();
        let nominal = self
            .measures
            .iter()
            .enumerate()
            .map(|(m, c)| {
                let gw = in_group.get(c.group).copied().unwrap_or(0.0);
                let g = self.group_weights.get(c.group).copied().unwrap_or(0.0);
                if applicable.get(m) == Some(&true) && gw > 0.0 && total > 0.0 {
                    (g / total) * (c.weight / gw)
                } else {
                    0.0
                }
            })
            .collect();
        Plan {
            applicable,
            nominal,
        }
    }

    /// The group id of a measure (by position).
    pub(crate) fn group_id(&self, measure: usize) -> &str {
        self.measures
            .get(measure)
            .and_then(|c| self.spec.groups.get(c.group))
            .map_or("", |g| g.id.as_str())
    }
}

fn positive(v: f64, key: &str, who: &str) -> Result<(), HealthError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(card_err(
            key,
            format!("{who}: weight {v} must be a finite number above 0"),
        ))
    }
}

fn score_0_100(v: f64, key: &str, who: &str) -> Result<(), HealthError> {
    if (0.0..=100.0).contains(&v) {
        Ok(())
    } else {
        Err(card_err(
            key,
            format!("{who}: score {v} must be within 0-100"),
        ))
    }
}

fn compile_scheme(
    s: &Scheme,
    key: &str,
    who: &str,
) -> Result<(CompiledScheme, Vec<String>), HealthError> {
    match s {
        Scheme::Linear { worst, best } => {
            if !(worst.is_finite() && best.is_finite()) || worst == best {
                return Err(card_err(
                    key,
                    format!(
                        "{who}: linear needs finite, different `worst` and `best` (got {worst} and {best})"
                    ),
                ));
            }
            Ok((
                CompiledScheme::Linear {
                    worst: *worst,
                    span: best - worst,
                },
                Vec::new(),
            ))
        }
        Scheme::Thresholds {
            edges,
            scores,
            edge,
        } => {
            if edges.is_empty() {
                return Err(card_err(
                    format!("{key}.edges"),
                    format!("{who}: thresholds need at least one edge"),
                ));
            }
            if edges.iter().any(|e| !e.is_finite()) || edges.windows(2).any(|w| w[0] >= w[1]) {
                return Err(card_err(
                    format!("{key}.edges"),
                    format!("{who}: edges must be finite and strictly increasing"),
                ));
            }
            if scores.len() != edges.len() + 1 {
                return Err(card_err(
                    format!("{key}.scores"),
                    format!(
                        "{who}: {} edges need {} scores, not {}",
                        edges.len(),
                        edges.len() + 1,
                        scores.len()
                    ),
                ));
            }
            for (i, v) in scores.iter().enumerate() {
                score_0_100(*v, &format!("{key}.scores[{i}]"), who)?;
            }
            Ok((
                CompiledScheme::Thresholds {
                    edges: edges.clone(),
                    scores: scores.clone(),
                    upper_inclusive: *edge == EdgeRule::UpperInclusive,
                },
                Vec::new(),
            ))
        }
        Scheme::Categories { categories } => {
            if categories.is_empty() {
                return Err(card_err(
                    format!("{key}.categories"),
                    format!("{who}: at least one category is needed"),
                ));
            }
            let mut names: Vec<String> = Vec::new();
            for (i, c) in categories.iter().enumerate() {
                if c.value.trim().is_empty() {
                    return Err(card_err(
                        format!("{key}.categories[{i}].value"),
                        format!("{who}: a category needs a name"),
                    ));
                }
                if names.iter().any(|n| n.eq_ignore_ascii_case(&c.value)) {
                    return Err(card_err(
                        format!("{key}.categories[{i}].value"),
                        format!(
                            "{who}: category {} is defined twice",
                            crate::words::Quoted(&c.value)
                        ),
                    ));
                }
                score_0_100(c.score, &format!("{key}.categories[{i}].score"), who)?;
                names.push(c.value.clone());
            }
            Ok((
                CompiledScheme::Categories {
                    scores: categories.iter().map(|c| c.score).collect(),
                },
                names,
            ))
        }
    }
}

type Bands = (Vec<f64>, Vec<f64>, Vec<String>);

fn check_bands(spec: &ScorecardSpec) -> Result<Bands, HealthError> {
    let bands = &spec.bands;
    if bands.is_empty() {
        return Err(card_err("bands", "at least one band is needed"));
    }
    if bands.len() >= usize::from(UNKNOWN_CODE) {
        return Err(card_err(
            "bands",
            format!("at most {} bands", UNKNOWN_CODE - 1),
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for (i, b) in bands.iter().enumerate() {
        let key = format!("bands[{i}] ({})", crate::words::bounded_name(&b.name));
        if b.name.trim().is_empty() || b.name.eq_ignore_ascii_case(UNKNOWN) {
            return Err(card_err(
                format!("{key}.name"),
                format!("a band cannot be named {}", crate::words::Quoted(&b.name)),
            ));
        }
        if names.iter().any(|n| n.eq_ignore_ascii_case(&b.name)) {
            return Err(card_err(
                format!("{key}.name"),
                format!("band {} is defined twice", crate::words::Quoted(&b.name)),
            ));
        }
        if !(b.from.is_finite() && b.to.is_finite() && b.from < b.to) {
            return Err(card_err(
                key,
                format!(
                    "band {}: from {} must be below to {}",
                    crate::words::Quoted(&b.name),
                    b.from,
                    b.to
                ),
            ));
        }
        if i == 0 && b.from != 0.0 {
            return Err(card_err(
                format!("{key}.from"),
                format!(
                    "the lowest band {} must start at 0",
                    crate::words::Quoted(&b.name)
                ),
            ));
        }
        if i + 1 == bands.len() && b.to != 100.0 {
            return Err(card_err(
                format!("{key}.to"),
                format!(
                    "the highest band {} must end at 100",
                    crate::words::Quoted(&b.name)
                ),
            ));
        }
        if let Some(prev) = i.checked_sub(1).and_then(|p| bands.get(p)) {
            if b.from < prev.to {
                return Err(card_err(
                    format!("{key}.from"),
                    format!(
                        "band {} overlaps band {} ({} < {})",
                        crate::words::Quoted(&b.name),
                        crate::words::Quoted(&prev.name),
                        b.from,
                        prev.to
                    ),
                ));
            }
            if b.from > prev.to {
                return Err(card_err(
                    format!("{key}.from"),
                    format!(
                        "a gap between band {} (to {}) and band {} (from {})",
                        crate::words::Quoted(&prev.name),
                        prev.to,
                        crate::words::Quoted(&b.name),
                        b.from
                    ),
                ));
            }
        }
        names.push(b.name.clone());
    }
    Ok((
        bands.iter().map(|b| b.from).collect(),
        bands.iter().map(|b| b.to).collect(),
        names,
    ))
}

/// A raw value: a number or a category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged, expecting = "a number or a category (text)")]
pub enum Raw {
    /// A number (NaN is missing).
    Number(f64),
    /// A category's name.
    Category(String),
}

/// One measure's value for one account, optionally dated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "ObservationInput")]
pub struct Observation {
    /// The value (`None`: missing).
    pub value: Option<Raw>,
    /// When it was observed (staleness is judged from it; `None`: fresh).
    pub at: Option<NaiveDate>,
}

#[derive(Deserialize)]
#[serde(
    untagged,
    expecting = "expected a number, a category (text), null, or {\"value\": …, \"at\": \"2026-01-06\"}"
)]
enum ObservationInput {
    Plain(Option<Raw>),
    Dated {
        value: Option<Raw>,
        #[serde(default)]
        at: Option<NaiveDate>,
    },
}

impl From<ObservationInput> for Observation {
    fn from(o: ObservationInput) -> Self {
        match o {
            ObservationInput::Plain(value) => Observation { value, at: None },
            ObservationInput::Dated { value, at } => Observation { value, at },
        }
    }
}

/// An account's values by measure id. JSON: `{"csat_response": 4.2, "csm_sentiment": "red",
/// "license_utilization": {"value": 72, "at": "2026-10-01"}, "nps_response": null}`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Values(pub BTreeMap<String, Observation>);

impl Values {
    /// No values.
    pub fn new() -> Values {
        Values::default()
    }

    /// Values from JSON (an object by measure id); the error names the key.
    pub fn from_json(text: &str) -> Result<Values, HealthError> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let (measure, rule) = match crate::json_syntax_error(text) {
                Some(words) => (".".to_owned(), words),
                None => crate::words::read_error(&e),
            };
            HealthError::Value {
                measure,
                row: None,
                rule,
            }
        })
    }

    /// With a number.
    pub fn number(mut self, measure: &str, v: f64) -> Values {
        self.0.insert(
            measure.to_owned(),
            Observation {
                value: Some(Raw::Number(v)),
                at: None,
            },
        );
        self
    }

    /// With a category.
    pub fn category(mut self, measure: &str, v: &str) -> Values {
        self.0.insert(
            measure.to_owned(),
            Observation {
                value: Some(Raw::Category(v.to_owned())),
                at: None,
            },
        );
        self
    }

    /// With an observation (a value and its date).
    pub fn observed(mut self, measure: &str, value: Raw, at: NaiveDate) -> Values {
        self.0.insert(
            measure.to_owned(),
            Observation {
                value: Some(value),
                at: Some(at),
            },
        );
        self
    }
}

/// A manual score or band, with its author, reason and expiry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    /// The score to show (0–100), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The band to show, if any (else the band of `score`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub band: Option<String>,
    /// Who set it.
    pub author: String,
    /// Why.
    pub reason: String,
    /// The first day it no longer applies.
    pub expires: NaiveDate,
}

/// The previous score of the account, for the trend and the band's hysteresis.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Previous {
    /// The previous score (`None`: Unknown).
    #[serde(default)]
    pub score: Option<f64>,
    /// The previous band (default: the band of `score`).
    #[serde(default)]
    pub band: Option<String>,
}

/// What a score is computed against.
#[derive(Debug, Clone, Default)]
pub struct ScoreContext<'a> {
    /// The day the score is for: staleness and overrides are judged against it.
    pub as_of: Option<NaiveDate>,
    /// The account's segment (a segment without a profile uses the whole scorecard).
    pub segment: Option<&'a str>,
    /// The previous score.
    pub previous: Option<Previous>,
    /// A manual override.
    pub override_: Option<&'a Override>,
}

/// What became of a measure's value.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Display, EnumString, IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MeasureStatus {
    /// A value, fresh.
    Present,
    /// No value.
    Missing,
    /// A value older than the measure's time-to-live (treated as missing).
    Stale,
    /// The measure does not apply to the account's segment.
    NotApplicable,
}

/// One measure's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// The measure.
    pub measure: String,
    /// Its group.
    pub group: String,
    /// What became of its value.
    pub status: MeasureStatus,
    /// The raw value (`None` when missing or not applicable).
    pub value: Option<Raw>,
    /// The measure's score 0–100 (also for a missing value scored by its policy), or `None`
    /// when it is left out.
    pub measure_score: Option<f64>,
    /// Its share of the score after redistribution (0–1; the shares sum to 1).
    pub weight: f64,
    /// The points it contributes (`weight × measure_score`): the points sum to the score
    /// (within its rounding to 1e-10).
    pub points: f64,
    /// The points it could have added at a measure score of 100 (`weight × 100 − points`).
    pub lost: f64,
}

/// One group's part in a score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupScore {
    /// The group.
    pub group: String,
    /// Its score 0–100 (the weighted mean of its scored measures), `None` if nothing scored.
    pub score: Option<f64>,
    /// Its share of the score after redistribution (0–1).
    pub weight: f64,
    /// The points its measures contribute.
    pub points: f64,
}

/// Why a score is Unknown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum UnknownReason {
    /// Too little of the weight had present values.
    Coverage {
        /// The coverage reached.
        coverage: f64,
        /// The minimum.
        minimum: f64,
    },
    /// A measure with the `fail` policy had no (fresh) value.
    Required {
        /// The measure.
        measure: String,
    },
}

/// A score's direction against the previous one.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Display, EnumString, IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Trend {
    /// Up by more than the threshold.
    Up,
    /// Within the threshold.
    Same,
    /// Down by more than the threshold.
    Down,
}

/// A band change, an event a caller can act on (e.g. Green → Red).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandChange {
    /// The previous band.
    pub from: String,
    /// The new band.
    pub to: String,
}

/// A health score with its whole explanation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthScore {
    /// The score shown: the override's if one applies, else the computed one (`None`: Unknown).
    pub score: Option<f64>,
    /// The band shown ("Unknown" when there is none).
    pub band: String,
    /// The computed score (the sum of the contributions' points).
    pub computed_score: Option<f64>,
    /// The computed band (after hysteresis and vetoes, before an override).
    pub computed_band: String,
    /// The share of the nominal weight with present values (0–1).
    pub coverage: f64,
    /// Why the score is Unknown, if it is.
    pub unknown: Option<UnknownReason>,
    /// Every measure's part, in scorecard order.
    pub contributions: Vec<Contribution>,
    /// Every group's part, in scorecard order.
    pub groups: Vec<GroupScore>,
    /// The measures whose vetoes fired.
    pub vetoes: Vec<String>,
    /// The measures whose values were stale.
    pub stale: Vec<String>,
    /// The override that applied.
    pub override_: Option<Override>,
    /// The trend against the previous score (`None` when either is Unknown or there is none).
    pub trend: Option<Trend>,
    /// The band change against the previous band, if the band changed.
    pub band_change: Option<BandChange>,
}

impl HealthScore {
    /// The reasons behind the score, most important first: the vetoes that fired, then the
    /// measures by points lost (`n` at most, measures that lost nothing left out).
    pub fn reasons(&self, n: usize) -> Vec<String> {
        let mut out: Vec<String> = self.vetoes.iter().map(|m| format!("veto: {m}")).collect();
        let mut lost: Vec<&Contribution> = self
            .contributions
            .iter()
            .filter(|c| c.lost > 0.0 || c.status == MeasureStatus::Stale)
            .collect();
        lost.sort_by(|a, b| b.lost.total_cmp(&a.lost));
        out.extend(lost.into_iter().map(|c| match c.status {
            MeasureStatus::Present => format!("{}: -{:.1} points", c.measure, c.lost),
            s => format!("{}: {s}", c.measure),
        }));
        out.truncate(n);
        out
    }
}

impl Document for Scorecard {
    type Raw = ScorecardSpec;
    type Error = HealthError;

    fn read_error(_format: &'static str, key: String, rule: String) -> HealthError {
        card_err(key, rule)
    }

    fn checked(spec: ScorecardSpec) -> Result<Scorecard, HealthError> {
        Scorecard::new(spec)
    }
}

#[cfg(test)]
mod tests;
