//! The JSON form of a backtest's inputs (SPEC §13), for the surfaces that hand over documents
//! rather than columns (C tools, the conformance vectors):
//!
//! ```json
//! {"history":  [{"account": "a1", "measure": "util", "observed_at": "2026-01-05", "value": 80},
//!               {"account": "a1", "measure": "sentiment", "observed_at": "2026-01-05", "value": "green"}],
//!  "segments": [{"account": "a1", "segment": "tech_touch", "from": "2026-02-01"}],
//!  "outcomes": [{"account": "a1", "outcome": "churned", "at": "2026-06-30"}],
//!  "dates":    ["2026-03-01"],
//!  "options":  {"lead_days": [30, 60, 90], "bootstrap": 1000, "seed": 0, "reasons": 3}}
//! ```
//!
//! Days are ISO dates or RFC 3339 times (their UTC day); a value is a number, a category name
//! or `null` (no observation). Everything but `history` is optional.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::history::{
    CodedText, HistoryRows, MeasureHistory, NO_CODE, SegmentRows, instant_from_text,
};
use super::{
    Backtest, BacktestOptions, Comparison, HealthError, OutcomeRows, Raw, Scorecard, input_err,
};

/// One observation of a measure history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryRow {
    /// The account.
    pub account: String,
    /// The measure.
    pub measure: String,
    /// When it was observed (an ISO date or an RFC 3339 time).
    pub observed_at: String,
    /// The value (`null`: none).
    pub value: Option<Raw>,
}

/// One row of a segment history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SegmentRow {
    /// The account.
    pub account: String,
    /// Its segment from `from` on.
    pub segment: String,
    /// The segment's first day.
    pub from: String,
}

/// One outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRow {
    /// The account.
    pub account: String,
    /// `churned` or `renewed`.
    pub outcome: String,
    /// When.
    pub at: String,
}

/// A backtest's inputs as one document (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BacktestInput {
    /// The measure history.
    pub history: Vec<HistoryRow>,
    /// The segment history.
    #[serde(default)]
    pub segments: Vec<SegmentRow>,
    /// The outcomes (for a backtest).
    #[serde(default)]
    pub outcomes: Vec<OutcomeRow>,
    /// The dates to score every account as of (for [`BacktestInput::score_history`]).
    #[serde(default)]
    pub dates: Vec<NaiveDate>,
    /// How the backtest runs.
    #[serde(default)]
    pub options: BacktestOptions,
}

/// One account's score as of a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AsOfRow {
    /// The account.
    pub account: String,
    /// The date.
    pub as_of: NaiveDate,
    /// The score (`None`: Unknown).
    pub score: Option<f64>,
    /// The band.
    pub band: String,
    /// The coverage, 0–1.
    pub coverage: f64,
}

/// A document from JSON text; the error is about its key (`whole` for the text itself: text
/// that is not JSON at all is worded so, as every reader of the core words it).
fn read_json<T: serde::de::DeserializeOwned>(text: &str, whole: &str) -> Result<T, HealthError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let (key, rule) = crate::words::read_text_error(text, &e);
        input_err(if key == "." { whole.to_owned() } else { key }, rule)
    })
}

fn days<'r>(input: &str, rows: impl Iterator<Item = &'r str>) -> Result<Vec<i64>, HealthError> {
    Ok(instants(input, rows)?.into_iter().map(|i| i.0).collect())
}

/// Each text's day and time of day; an error names the input and the row.
fn instants<'r>(
    input: &str,
    rows: impl Iterator<Item = &'r str>,
) -> Result<Vec<(i64, u32)>, HealthError> {
    rows.enumerate()
        .map(|(i, t)| {
            instant_from_text(t).ok_or_else(|| {
                input_err(
                    input,
                    format!(
                        "{} is not a date (2026-01-05) or an RFC 3339 time",
                        crate::words::Quoted(t)
                    ),
                )
                .in_row(i)
            })
        })
        .collect()
}

impl BacktestInput {
    /// The inputs from JSON; an error names the key (`history[3].value`).
    ///
    /// ```
    /// use csops_core::health::{BacktestInput, Scorecard};
    /// let input = BacktestInput::from_json(r#"{
    ///   "history": [{"account": "a", "measure": "license_utilization", "observed_at": "2026-01-01", "value": 90}],
    ///   "dates": ["2026-02-01"]}"#)?;
    /// let rows = input.score_history(&Scorecard::default())?;
    /// assert_eq!(rows[0].account, "a");
    /// assert_eq!(rows[0].band, "Unknown"); // one measure is too little of the default card
    /// # Ok::<(), csops_core::health::HealthError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<BacktestInput, HealthError> {
        read_json(text, "input")
    }

    /// The measure history (and segment history), checked and indexed.
    pub fn measure_history(&self) -> Result<MeasureHistory, HealthError> {
        let h = &self.history;
        let account = CodedText::encode(h.iter().map(|r| r.account.as_str()));
        let measure = CodedText::encode(h.iter().map(|r| r.measure.as_str()));
        let instants = instants("observed_at", h.iter().map(|r| r.observed_at.as_str()))?;
        let observed: Vec<i64> = instants.iter().map(|i| i.0).collect();
        let time_of_day: Vec<u32> = instants.iter().map(|i| i.1).collect();
        let value: Vec<f64> = h
            .iter()
            .map(|r| match &r.value {
                Some(Raw::Number(x)) => *x,
                _ => f64::NAN,
            })
            .collect();
        let category = CodedText::encode_optional(h.iter().map(|r| match &r.value {
            Some(Raw::Category(c)) => Some(c.as_str()),
            _ => None,
        }));
        let s = &self.segments;
        let seg_account = CodedText::encode(s.iter().map(|r| r.account.as_str()));
        let seg_name = CodedText::encode(s.iter().map(|r| r.segment.as_str()));
        let from = days("segments.from", s.iter().map(|r| r.from.as_str()))?;
        MeasureHistory::new(
            HistoryRows {
                account: account.coded(),
                measure: measure.coded(),
                observed: &observed,
                time_of_day: Some(&time_of_day),
                value: &value,
                category: category
                    .codes
                    .iter()
                    .any(|c| *c != NO_CODE)
                    .then(|| category.coded()),
            },
            (!s.is_empty()).then(|| SegmentRows {
                account: seg_account.coded(),
                segment: seg_name.coded(),
                from: &from,
            }),
        )
    }

    fn with_outcomes<T>(
        &self,
        f: impl FnOnce(&MeasureHistory, OutcomeRows<'_>) -> Result<T, HealthError>,
    ) -> Result<T, HealthError> {
        let h = self.measure_history()?;
        let o = &self.outcomes;
        let account = CodedText::encode(o.iter().map(|r| r.account.as_str()));
        let outcome = CodedText::encode(o.iter().map(|r| r.outcome.as_str()));
        let at = days("outcomes.at", o.iter().map(|r| r.at.as_str()))?;
        f(
            &h,
            OutcomeRows {
                account: account.coded(),
                outcome: outcome.coded(),
                at: &at,
            },
        )
    }

    /// The backtest of `card` on these inputs.
    pub fn backtest(&self, card: &Scorecard) -> Result<Backtest, HealthError> {
        self.with_outcomes(|h, o| card.backtest(h, o, &self.options))
    }

    /// Two scorecards backtested side by side on these inputs.
    pub fn compare(&self, a: &Scorecard, b: &Scorecard) -> Result<Comparison, HealthError> {
        self.with_outcomes(|h, o| a.compare(b, h, o, &self.options))
    }

    /// Every account scored as of each of `dates` (rows by date, then account).
    pub fn score_history(&self, card: &Scorecard) -> Result<Vec<AsOfRow>, HealthError> {
        let h = self.measure_history()?;
        let s = card.score_history(&h, &self.dates, self.options.threads)?;
        s.account
            .iter()
            .zip(&s.day)
            .enumerate()
            .map(|(i, (a, d))| {
                let score = s.scores.score.get(i).copied().unwrap_or(f64::NAN);
                Ok(AsOfRow {
                    account: h.accounts().get(*a as usize).cloned().unwrap_or_default(),
                    as_of: super::backtest::day_of(*d)?,
                    score: (!score.is_nan()).then_some(score),
                    band: card
                        .band_name(s.scores.band.get(i).copied().unwrap_or(super::UNKNOWN_CODE))
                        .to_owned(),
                    coverage: s.scores.coverage.get(i).copied().unwrap_or(f64::NAN),
                })
            })
            .collect()
    }
}

impl BacktestInput {
    /// Weights suggested for `card` on these inputs ([`Scorecard::suggest_weights`]).
    pub fn suggest_weights(
        &self,
        card: &Scorecard,
        options: &super::FitOptions,
    ) -> Result<super::WeightSuggestion, HealthError> {
        self.with_outcomes(|h, o| card.suggest_weights(h, o, options))
    }
}

impl super::FitOptions {
    /// Fit options from JSON (`{"split": "2026-01-01", "lead_days": 90, "version": "2"}`).
    pub fn from_json(text: &str) -> Result<super::FitOptions, HealthError> {
        read_json(text, "fit")
    }
}
