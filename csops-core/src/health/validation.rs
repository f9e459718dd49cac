//! Validating a health score against outcomes (source `003_…`: "prove the validity of your
//! health score").

use serde::{Deserialize, Serialize};

use super::{HealthError, Scorecard, UNKNOWN, bands, input_err};

/// What became of an account after its score: the outcome a validation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The account churned.
    Churned,
    /// The account renewed.
    Renewed,
}

impl Outcome {
    /// An outcome from its word, `"churned"` or `"renewed"`; any other word is an error naming
    /// the input `outcomes`.
    ///
    /// ```
    /// use csops_core::health::Outcome;
    /// assert_eq!(Outcome::from_word("churned")?, Outcome::Churned);
    /// assert!(Outcome::from_word("lost").is_err());
    /// # Ok::<(), csops_core::health::HealthError>(())
    /// ```
    pub fn from_word(word: &str) -> Result<Outcome, HealthError> {
        match word {
            "churned" => Ok(Outcome::Churned),
            "renewed" => Ok(Outcome::Renewed),
            other => Err(input_err(
                "outcomes",
                format!(
                    "{} is not \"churned\" or \"renewed\"",
                    crate::words::Quoted(other)
                ),
            )),
        }
    }

    /// Whether the account churned (`true` reads as [`Outcome::Churned`]).
    pub fn churned(self) -> bool {
        self == Outcome::Churned
    }
}

impl From<bool> for Outcome {
    /// `true`: churned.
    fn from(churned: bool) -> Outcome {
        if churned {
            Outcome::Churned
        } else {
            Outcome::Renewed
        }
    }
}

/// One band's outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandValidation {
    /// The band ("Unknown" for the accounts without a score).
    pub band: String,
    /// Accounts in the band.
    pub accounts: usize,
    /// Of which churned.
    pub churned: usize,
    /// Churned accounts in percent of the band's (`None` for an empty band).
    pub churn_rate: Option<f64>,
    /// The band's churn rate over the overall churn rate (`None` when either is undefined or the
    /// overall rate is 0).
    pub lift: Option<f64>,
}

/// How well scores separated the accounts that churned from those that renewed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Validation {
    /// Accounts.
    pub accounts: usize,
    /// Of which churned.
    pub churned: usize,
    /// Churned accounts in percent.
    pub churn_rate: f64,
    /// ROC AUC of the score as a predictor of renewal: the chance that a renewed account scored
    /// higher than a churned one (ties count half), over the accounts with a score. 0.5 is no
    /// better than chance. `None` when the scored accounts are all churned or all renewed.
    pub auc: Option<f64>,
    /// Per band, lowest first, then Unknown.
    pub bands: Vec<BandValidation>,
}

impl Scorecard {
    /// Validates scores taken as of a date against later outcomes (`churned[i]`: account `i`
    /// churned; else it renewed). Scores are 0–100, NaN for Unknown; bands are the scorecard's
    /// (without hysteresis).
    ///
    /// ```
    /// use csops_core::health::Scorecard;
    /// let card = Scorecard::default();
    /// let v = card.validate(&[20.0, 40.0, 60.0, 90.0, f64::NAN], &[true, false, true, false, false])?;
    /// assert_eq!(v.auc, Some(0.75));
    /// assert_eq!(v.bands[0].band, "Red");
    /// assert_eq!(v.bands[0].churn_rate, Some(50.0));
    /// assert_eq!(v.bands[0].lift, Some(1.25)); // 50 % against 40 % overall
    /// # Ok::<(), csops_core::health::HealthError>(())
    /// ```
    pub fn validate(&self, scores: &[f64], churned: &[bool]) -> Result<Validation, HealthError> {
        if scores.len() != churned.len() {
            return Err(input_err(
                "outcomes",
                format!(
                    "{} outcomes for {} scores: one outcome per score is needed",
                    churned.len(),
                    scores.len()
                ),
            ));
        }
        if scores.is_empty() {
            return Err(input_err("scores", "no accounts to validate"));
        }
        if let Some((i, s)) = scores
            .iter()
            .enumerate()
            .find(|(_, s)| !s.is_nan() && !(0.0..=100.0).contains(*s))
        {
            return Err(input_err(
                "scores",
                format!("score {s} at position {i} must be within 0-100 (NaN for Unknown)"),
            ));
        }
        let codes: Vec<u8> = scores.iter().map(|s| bands::band_of(self, *s)).collect();
        Ok(self.validate_banded(scores, &codes, churned))
    }

    /// [`Scorecard::validate`] of scores already banded (a backtest's bands, vetoes applied);
    /// the three slices are of one length, checked by the caller.
    pub(crate) fn validate_banded(
        &self,
        scores: &[f64],
        codes: &[u8],
        churned: &[bool],
    ) -> Validation {
        let band_count = self.bands().len();
        let mut counts = vec![(0usize, 0usize); band_count + 1];
        for (code, c) in codes.iter().zip(churned) {
            let code = usize::from(*code).min(band_count);
            if let Some(slot) = counts.get_mut(code) {
                slot.0 += 1;
                slot.1 += usize::from(*c);
            }
        }
        let accounts = scores.len();
        let total_churned = churned.iter().filter(|c| **c).count();
        let overall = if accounts == 0 {
            0.0
        } else {
            total_churned as f64 / accounts as f64 * 100.0
        };
        let bands = counts
            .iter()
            .enumerate()
            .map(|(i, (n, c))| {
                let churn_rate = (*n > 0).then(|| *c as f64 / *n as f64 * 100.0);
                BandValidation {
                    band: self
                        .bands()
                        .get(i)
                        .map_or(UNKNOWN, String::as_str)
                        .to_owned(),
                    accounts: *n,
                    churned: *c,
                    churn_rate,
                    lift: churn_rate.filter(|_| overall > 0.0).map(|r| r / overall),
                }
            })
            .collect();
        Validation {
            accounts,
            churned: total_churned,
            churn_rate: overall,
            auc: auc(scores, churned),
            bands,
        }
    }
}

/// The AUC over the scored accounts: the one rule, the bootstrap's (each account once).
fn auc(scores: &[f64], churned: &[bool]) -> Option<f64> {
    let known = scores
        .iter()
        .zip(churned)
        .filter(|(s, _)| !s.is_nan())
        .map(|(s, c)| (*s, 0, *c))
        .collect();
    super::bootstrap::Ranked::new(known).auc(|_| 1.0)
}
