//! What scoring reads: an account's values (numbers, categories, dated observations) and the
//! context of one score (as-of date, segment, previous score, override).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::*;

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
            let (measure, rule) = crate::words::read_text_error(text, &e);
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

/// What a score is computed against, owned: the form a binding reads from a document
/// (`{"as_of": "2026-10-05", "segment": "high_touch", "previous": {"score": 71.0},
/// "override": {…}}`, every key optional), lent to [`Scorecard::score`] as a [`ScoreContext`].
///
/// ```
/// use csops_core::health::{ScoreOptions, Scorecard, Values};
/// let options: ScoreOptions = serde_json::from_str(
///     r#"{"as_of": "2026-10-05", "segment": "high_touch", "previous": {"score": 90.0}}"#,
/// )?;
/// let values = Values::from_json(
///     r#"{"license_utilization": 31.0, "csm_sentiment": "red", "scm_adoption": 40.0,
///         "ci_adoption": 20.0, "user_engagement": 35.0}"#,
/// )?;
/// let s = Scorecard::default().score(&values, &options.context())?;
/// assert_eq!(s.trend.map(|t| t.to_string()).as_deref(), Some("down"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreOptions {
    /// The day scored ([`ScoreContext::as_of`]).
    #[serde(default)]
    pub as_of: Option<NaiveDate>,
    /// The account's segment ([`ScoreContext::segment`]).
    #[serde(default)]
    pub segment: Option<String>,
    /// The previous score ([`ScoreContext::previous`]).
    #[serde(default)]
    pub previous: Option<Previous>,
    /// A manual override ([`ScoreContext::override_`]).
    #[serde(default, rename = "override")]
    pub override_: Option<Override>,
}

impl ScoreOptions {
    /// The context these options describe.
    pub fn context(&self) -> ScoreContext<'_> {
        ScoreContext {
            as_of: self.as_of,
            segment: self.segment.as_deref(),
            previous: self.previous.clone(),
            override_: self.override_.as_ref(),
        }
    }
}
