//! What scoring gives: the score with its explanation (each measure's contribution, each
//! group's score, why it is Unknown, the trend and the band change).

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr};

use super::*;

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
    /// The override that applied (`override` in JSON, as in the vectors and the Python
    /// attribute; `override_` still reads).
    #[serde(rename = "override", alias = "override_")]
    pub override_: Option<Override>,
    /// The trend against the previous score (`None` when either is Unknown or there is none).
    pub trend: Option<Trend>,
    /// The band change against the previous band, if the band changed.
    pub band_change: Option<BandChange>,
    /// The scorecard that made the score (SPEC §10 "Identity").
    #[serde(default)]
    pub scorecard: super::Identity,
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
