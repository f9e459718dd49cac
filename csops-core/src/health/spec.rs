//! The scorecard's format, as a user writes it (JSON or TOML): groups of measures, their
//! schemes, bands, vetoes and segment profiles.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use strum::{Display, EnumString, IntoStaticStr};

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

pub(crate) fn neutral_default() -> f64 {
    50.0
}

pub(crate) fn is_neutral_default(v: &f64) -> bool {
    *v == 50.0
}

pub(crate) fn is_default<T: Default + PartialEq>(v: &T) -> bool {
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

pub(crate) fn coverage_default() -> f64 {
    0.5
}

pub(crate) fn hysteresis_default() -> f64 {
    2.0
}

pub(crate) fn trend_default() -> f64 {
    1.0
}

/// The scorecard as written (JSON or TOML); [`Scorecard`](super::Scorecard) is its checked form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScorecardSpec {
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its version, as its owner numbers it (`"2026.4"`, `"3"`): part of its identity, with the
    /// name and the content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
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
