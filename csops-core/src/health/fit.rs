//! Suggested weights (SPEC §13): measure weights fitted to the outcomes of an earlier period
//! and judged on a later one, written out as a scorecard with a new version. Never applied by
//! itself: the caller reads the report and decides.
//!
//! # How the fit works, and why
//!
//! A direct search for the highest AUC, by coordinate ascent on each measure's effective
//! weight (its group's share × its share in the group) in log space: each pass tries every
//! weight × e^±step and keeps a change that raises the AUC of the fit period's pairs; when a
//! pass changes nothing the step halves (1, ½, ¼, ⅛). Each try is scored by the real scorer
//! (the same kernel, redistribution of missing values, coverage minimum, missing policies and
//! segment profiles), on the pairs' values gathered once.
//!
//! Why not a logistic fit: a logistic regression on the measure scores fits a different model
//! (no redistribution, no coverage rule; a value's absence would need imputing) and a
//! different goal (likelihood, not ranking), and its coefficients can be negative, which a
//! scorecard's weights cannot. The AUC is what the backtest judges, and a search over the
//! scorecard's own weights stays a scorecard by construction: non-negative, normalised as
//! §10, groups kept, every point still explained. The price is a local optimum and more
//! scoring (a few hundred passes over the fit pairs), which the out-of-sample AUC reported
//! beside the current weights' makes visible.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::as_of::{Asked, Binding, Read, batch, gather};
use super::backtest::{OutcomeRows, read_outcomes};
use super::bootstrap::Ranked;
use super::history::MeasureHistory;
use super::{HealthError, Identity, Scorecard, ScorecardSpec, epoch_days, input_err};

/// How weights are fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitOptions {
    /// Outcomes before this day are fitted on; outcomes on it or after judge the fit.
    pub split: NaiveDate,
    /// The lead time of the pairs, in days (default 90).
    #[serde(default = "lead_default")]
    pub lead_days: u32,
    /// The new scorecard's version (default: the current one's last number plus one).
    #[serde(default)]
    pub version: Option<String>,
    /// Threads (default 1; the result does not depend on it).
    #[serde(default = "one")]
    pub threads: usize,
}

fn lead_default() -> u32 {
    90
}

fn one() -> usize {
    1
}

impl FitOptions {
    /// Options with a split day and every default.
    pub fn split(split: NaiveDate) -> FitOptions {
        FitOptions {
            split,
            lead_days: lead_default(),
            version: None,
            threads: 1,
        }
    }
}

/// AUCs of the current and the suggested weights on one period's pairs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AucPair {
    /// The current weights'.
    pub current: Option<f64>,
    /// The suggested weights'.
    pub suggested: Option<f64>,
}

/// One measure's weight, now and suggested, as its share of the whole score in percent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureWeight {
    /// The measure.
    pub measure: String,
    /// Its group.
    pub group: String,
    /// Its share now, in percent.
    pub current: f64,
    /// Its suggested share, in percent.
    pub suggested: f64,
}

/// Suggested weights and how they did (SPEC §13).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightSuggestion {
    /// The scorecard fitted from.
    pub current: Identity,
    /// The suggested scorecard's identity.
    pub suggested: Identity,
    /// The suggested scorecard, as written (the current one with new weights and version).
    pub scorecard: ScorecardSpec,
    /// The split day.
    pub split: NaiveDate,
    /// The lead time, in days.
    pub lead_days: u32,
    /// Pairs fitted on (outcomes before the split) and judged on (on it or after).
    pub fit_pairs: usize,
    /// Pairs judged on.
    pub test_pairs: usize,
    /// AUCs on the fit period (in sample).
    pub auc_in: AucPair,
    /// AUCs on the later period (out of sample): the figure to believe.
    pub auc_out: AucPair,
    /// Per measure, its share of the score now and suggested.
    pub weights: Vec<MeasureWeight>,
}

impl WeightSuggestion {
    /// The suggested scorecard as TOML (the format [`Scorecard::from_toml`] reads).
    pub fn scorecard_toml(&self) -> Result<String, HealthError> {
        toml::to_string(&self.scorecard)
            .map_err(|e| input_err("scorecard", format!("cannot be written as TOML: {e}")))
    }
}

/// One period's pairs, gathered once: their values and outcomes.
struct Period {
    asked: Asked,
    churned: Vec<bool>,
    n: usize,
}

impl Period {
    fn auc(&self, card: &Scorecard) -> Result<Option<f64>, HealthError> {
        if self.n == 0 {
            return Ok(None);
        }
        let s = batch(card, &self.asked, self.n)?.score()?;
        let rows = s
            .score
            .iter()
            .zip(&self.churned)
            .enumerate()
            .filter(|(_, (s, _))| !s.is_nan())
            .map(|(i, (s, c))| (*s, i as u32, *c))
            .collect();
        Ok(Ranked::new(rows).auc(|_| 1.0))
    }
}

/// The effective shares of a spec's measures (group share × share in the group), in scoring
/// order.
fn shares(spec: &ScorecardSpec) -> Vec<f64> {
    let total: f64 = spec.groups.iter().map(|g| g.weight).sum();
    spec.groups
        .iter()
        .flat_map(|g| {
            let in_group: f64 = g.measures.iter().map(|m| m.weight).sum();
            g.measures
                .iter()
                .map(move |m| g.weight / total * m.weight / in_group)
        })
        .collect()
}

/// A spec with these effective shares (groups keep their measures; weights in percent, to two
/// decimals, each at least 0.01).
fn with_shares(spec: &ScorecardSpec, shares: &[f64]) -> ScorecardSpec {
    let total: f64 = shares.iter().sum();
    let round = |x: f64| ((x * 100.0).round() / 100.0).max(0.01);
    let mut out = spec.clone();
    let mut k = 0;
    for g in &mut out.groups {
        let part = &shares[k..k + g.measures.len()];
        k += g.measures.len();
        let in_group: f64 = part.iter().sum();
        g.weight = round(in_group / total * 100.0);
        for (m, s) in g.measures.iter_mut().zip(part) {
            m.weight = round(s / in_group * 100.0);
        }
    }
    out
}

/// The next version: the last number in the current one plus one (`"3"` → `"4"`,
/// `"2026.4"` → `"2026.5"`), `".1"` appended when it ends in no number, `"1"` from none.
fn next_version(v: Option<&str>) -> String {
    let v = v.unwrap_or("");
    if v.is_empty() {
        return "1".into();
    }
    let digits = v.len() - v.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return format!("{v}.1");
    }
    let (head, tail) = v.split_at(v.len() - digits);
    match tail.parse::<u64>() {
        Ok(n) => n
            .checked_add(1)
            .map_or_else(|| format!("{v}.1"), |n| format!("{head}{n}")),
        Err(_) => format!("{v}.1"),
    }
}

impl Scorecard {
    /// Measure weights fitted to the outcomes before `options.split` and judged on those from
    /// it on (see the module's documentation for how).
    pub fn suggest_weights(
        &self,
        history: &MeasureHistory,
        outcomes: OutcomeRows<'_>,
        options: &FitOptions,
    ) -> Result<WeightSuggestion, HealthError> {
        let rows = read_outcomes(outcomes)?;
        let split = epoch_days(options.split);
        let lead = i64::from(options.lead_days);
        let binding = Binding::new(self, history)?;
        let period = |later: bool| {
            let (mut acc, mut day, mut churned) = (Vec::new(), Vec::new(), Vec::new());
            for (a, o, at) in &rows {
                if (*at >= split) != later {
                    continue;
                }
                if let Some(i) = history.account_index(a) {
                    acc.push(i as u32);
                    day.push(at - lead);
                    churned.push(o.churned());
                }
            }
            Ok::<_, HealthError>(Period {
                asked: gather(history, &binding, &acc, &day, options.threads, Read::Scores)?,
                n: acc.len(),
                churned,
            })
        };
        let (fit, test) = (period(false)?, period(true)?);
        for (p, when) in [(&fit, "before"), (&test, "on or after")] {
            let churned = p.churned.iter().filter(|c| **c).count();
            if churned == 0 || churned == p.n {
                return Err(input_err(
                    "outcomes",
                    format!(
                        "{} outcomes {when} the split {} ({churned} churned): fitting and judging \
                         need both churned and renewed accounts on each side",
                        p.n, options.split
                    ),
                ));
            }
        }
        let current = self.spec();
        let mut log_w: Vec<f64> = shares(current).iter().map(|s| s.ln()).collect();
        let floor = log_w.iter().copied().fold(f64::INFINITY, f64::min) - 7.0;
        let card_of = |log_w: &[f64]| {
            let s: Vec<f64> = log_w.iter().map(|x| x.exp()).collect();
            Scorecard::new(with_shares(current, &s))
        };
        let mut best = fit.auc(&card_of(&log_w)?)?.unwrap_or(0.0);
        for step in [1.0, 0.5, 0.25, 0.125] {
            for _pass in 0..8 {
                let mut moved = false;
                for m in 0..log_w.len() {
                    for dir in [1.0, -1.0] {
                        let mut t = log_w.clone();
                        t[m] = (t[m] + dir * step).max(floor);
                        let a = fit.auc(&card_of(&t)?)?.unwrap_or(0.0);
                        if a > best + 1e-9 {
                            (best, log_w, moved) = (a, t, true);
                            break;
                        }
                    }
                }
                if !moved {
                    break;
                }
            }
        }
        let mut spec = with_shares(current, &log_w.iter().map(|x| x.exp()).collect::<Vec<_>>());
        spec.version = Some(
            options
                .version
                .clone()
                .unwrap_or_else(|| next_version(current.version.as_deref())),
        );
        let suggested = Scorecard::new(spec)?;
        let now = shares(current);
        let then = shares(suggested.spec());
        let weights = self
            .measures()
            .iter()
            .enumerate()
            .map(|(m, id)| MeasureWeight {
                measure: id.clone(),
                group: self.group_id(m).to_owned(),
                current: now.get(m).copied().unwrap_or(0.0) * 100.0,
                suggested: then.get(m).copied().unwrap_or(0.0) * 100.0,
            })
            .collect();
        Ok(WeightSuggestion {
            current: self.identity().clone(),
            suggested: suggested.identity().clone(),
            split: options.split,
            lead_days: options.lead_days,
            fit_pairs: fit.n,
            test_pairs: test.n,
            auc_in: AucPair {
                current: fit.auc(self)?,
                suggested: fit.auc(&suggested)?,
            },
            auc_out: AucPair {
                current: test.auc(self)?,
                suggested: test.auc(&suggested)?,
            },
            weights,
            scorecard: suggested.spec().clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::next_version;

    #[test]
    fn versions_count_on() {
        assert_eq!(next_version(None), "1");
        assert_eq!(next_version(Some("3")), "4");
        assert_eq!(next_version(Some("2026.4")), "2026.5");
        assert_eq!(next_version(Some("v9")), "v10");
        assert_eq!(next_version(Some("beta")), "beta.1");
        assert_eq!(
            next_version(Some("18446744073709551615")),
            "18446744073709551615.1"
        );
    }
}
