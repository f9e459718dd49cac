//! Customer metrics (SPEC §11), exact, in percent. Empty inputs and out-of-range values are
//! errors, never NaN.
//!
//! ```
//! use csops_core::metrics::{self, ArrMovement};
//! assert_eq!(metrics::nps(&[10, 9, 7, 3]), Ok(25.0));
//! assert_eq!(metrics::csat(&[5, 4, 3, 1]), Ok(50.0));
//! let q = ArrMovement { start_arr: 1_000_000.0, expansion: 200_000.0, contraction: 50_000.0, churned: 100_000.0 };
//! assert_eq!(metrics::nrr(&q), Ok(105.0));
//! assert_eq!(metrics::grr(&q), Ok(85.0));
//! // Per account: A = ARR at the period start, B = ARR now (0 if churned); new logos (A = 0) are out.
//! assert_eq!(metrics::nrr_per_account(&[100.0, 100.0, 0.0], &[150.0, 0.0, 80.0]), Ok(75.0));
//! assert!(metrics::nps(&[]).is_err());
//! ```

use serde::{Deserialize, Serialize};

pub mod smau;

pub use smau::{At, Month, Smau, SmauBy, SmauCounter, SmauRow, UsageEvent};

/// A metric's input that breaks its rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetricsError {
    /// No data to compute from.
    #[error("{metric}: {input} is empty")]
    Empty {
        /// The metric.
        metric: &'static str,
        /// The input.
        input: &'static str,
    },
    /// A value outside what the metric allows.
    #[error("{metric}: {input} {value} is out of range: {rule}")]
    OutOfRange {
        /// The metric.
        metric: &'static str,
        /// The input.
        input: String,
        /// The value.
        value: f64,
        /// The rule.
        rule: &'static str,
    },
    /// Components of an aggregate that were not given (a left-out component is no 0).
    #[error("{metric}: missing {} (0 where there was none)", .missing.join(", "))]
    Missing {
        /// The metric.
        metric: &'static str,
        /// The components not given, in order.
        missing: Vec<&'static str>,
    },
    /// A value that is not of the form the metric reads (a timestamp that is not RFC 3339, a
    /// usage event without its user).
    #[error("{metric}: {input}: {rule}")]
    Malformed {
        /// The metric.
        metric: &'static str,
        /// The input (`events[3].at`).
        input: String,
        /// What is wrong with it, and the rule.
        rule: String,
    },
    /// Inputs that do not fit together.
    #[error("{metric}: {rule}")]
    Inconsistent {
        /// The metric.
        metric: &'static str,
        /// The rule.
        rule: String,
    },
}

fn survey(
    metric: &'static str,
    answers: &[i64],
    low: i64,
    high: i64,
    counts: impl Fn(i64) -> i64,
) -> Result<f64, MetricsError> {
    if answers.is_empty() {
        return Err(MetricsError::Empty {
            metric,
            input: "answers",
        });
    }
    let mut score: i64 = 0;
    for (i, a) in answers.iter().enumerate() {
        if !(low..=high).contains(a) {
            return Err(MetricsError::OutOfRange {
                metric,
                input: format!("answers[{i}]"),
                value: *a as f64,
                rule: if metric == "nps" {
                    "answers are integers 0-10"
                } else {
                    "answers are integers 1-5"
                },
            });
        }
        score += counts(*a);
    }
    // One division of exact integers: the result is the nearest double to the true percentage.
    Ok(score as f64 * 100.0 / answers.len() as f64)
}

/// Net Promoter Score: % promoters (9–10) − % detractors (0–6), on integer answers 0–10.
pub fn nps(answers: &[i64]) -> Result<f64, MetricsError> {
    survey("nps", answers, 0, 10, |a| match a {
        9..=10 => 1,
        0..=6 => -1,
        _ => 0,
    })
}

/// Customer satisfaction: % of answers 4–5, on integer answers 1–5.
pub fn csat(answers: &[i64]) -> Result<f64, MetricsError> {
    survey("csat", answers, 1, 5, |a| i64::from(a >= 4))
}

/// ARR movement over a period, over the accounts that existed at its start (new logos out).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrMovement {
    /// ARR at the period start (> 0).
    pub start_arr: f64,
    /// Expansion ARR (≥ 0).
    #[serde(default)]
    pub expansion: f64,
    /// Contraction ARR (≥ 0).
    #[serde(default)]
    pub contraction: f64,
    /// ARR of churned accounts (≥ 0).
    #[serde(default)]
    pub churned: f64,
}

/// Revenue retention (SPEC §11): net, where expansion counts, or gross, where it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    /// Net revenue retention (NRR).
    Net,
    /// Gross revenue retention (GRR).
    Gross,
}

impl Retention {
    /// The metric's name in messages (`"nrr"`, `"grr"`).
    pub fn name(self) -> &'static str {
        match self {
            Retention::Net => "nrr",
            Retention::Gross => "grr",
        }
    }

    /// Whether the metric reads expansion (NRR does, GRR does not).
    pub fn reads_expansion(self) -> bool {
        self == Retention::Net
    }

    /// The metric of an ARR movement ([`nrr`] or [`grr`]).
    pub fn of(self, m: &ArrMovement) -> Result<f64, MetricsError> {
        match self {
            Retention::Net => nrr(m),
            Retention::Gross => grr(m),
        }
    }

    /// The metric of a movement given piece by piece ([`ArrMovement::for_metric`]).
    ///
    /// ```
    /// use csops_core::metrics::Retention;
    /// assert_eq!(Retention::Gross.of_parts(100.0, None, Some(10.0), Some(0.0)), Ok(90.0));
    /// assert!(Retention::Net.of_parts(100.0, None, Some(10.0), Some(0.0)).is_err());
    /// ```
    pub fn of_parts(
        self,
        start_arr: f64,
        expansion: Option<f64>,
        contraction: Option<f64>,
        churned: Option<f64>,
    ) -> Result<f64, MetricsError> {
        self.of(&ArrMovement::for_metric(
            self,
            start_arr,
            expansion,
            contraction,
            churned,
        )?)
    }

    /// The metric per account ([`nrr_per_account`] or [`grr_per_account`]).
    pub fn per_account(self, start: &[f64], now: &[f64]) -> Result<f64, MetricsError> {
        match self {
            Retention::Net => nrr_per_account(start, now),
            Retention::Gross => grr_per_account(start, now),
        }
    }
}

impl ArrMovement {
    /// The movement as a caller gives it piece by piece, for a retention metric: every
    /// component it reads must be given, 0 where there was none (GRR does not read expansion).
    /// A left-out component is an error, never a silent 0.
    ///
    /// ```
    /// use csops_core::metrics::{ArrMovement, Retention};
    /// let m = ArrMovement::for_metric(Retention::Gross, 100.0, None, Some(10.0), Some(0.0)).unwrap();
    /// assert_eq!(csops_core::metrics::grr(&m), Ok(90.0));
    /// let e = ArrMovement::for_metric(Retention::Net, 100.0, None, None, Some(0.0)).unwrap_err();
    /// assert_eq!(e.to_string(), "nrr: missing expansion, contraction (0 where there was none)");
    /// ```
    pub fn for_metric(
        retention: Retention,
        start_arr: f64,
        expansion: Option<f64>,
        contraction: Option<f64>,
        churned: Option<f64>,
    ) -> Result<ArrMovement, MetricsError> {
        let metric = retention.name();
        let needed = [
            ("expansion", expansion, retention.reads_expansion()),
            ("contraction", contraction, true),
            ("churned", churned, true),
        ];
        let missing: Vec<&'static str> = needed
            .iter()
            .filter(|(_, v, read)| *read && v.is_none())
            .map(|(name, ..)| *name)
            .collect();
        if !missing.is_empty() {
            return Err(MetricsError::Missing { metric, missing });
        }
        Ok(ArrMovement {
            start_arr,
            expansion: expansion.unwrap_or(0.0),
            contraction: contraction.unwrap_or(0.0),
            churned: churned.unwrap_or(0.0),
        })
    }
}

fn non_negative(metric: &'static str, input: &str, value: f64) -> Result<(), MetricsError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(MetricsError::OutOfRange {
            metric,
            input: input.to_owned(),
            value,
            rule: "must be a finite number of at least 0",
        })
    }
}

fn check_movement(metric: &'static str, m: &ArrMovement) -> Result<(), MetricsError> {
    if !(m.start_arr.is_finite() && m.start_arr > 0.0) {
        return Err(MetricsError::OutOfRange {
            metric,
            input: "start_arr".into(),
            value: m.start_arr,
            rule: "starting ARR must be a finite number above 0",
        });
    }
    non_negative(metric, "expansion", m.expansion)?;
    non_negative(metric, "contraction", m.contraction)?;
    non_negative(metric, "churned", m.churned)?;
    if m.contraction + m.churned > m.start_arr {
        return Err(MetricsError::Inconsistent {
            metric,
            rule: format!(
                "contraction + churned ({}) cannot exceed starting ARR ({})",
                m.contraction + m.churned,
                m.start_arr
            ),
        });
    }
    Ok(())
}

/// Net revenue retention: (start + expansion − contraction − churned) / start, in percent.
pub fn nrr(m: &ArrMovement) -> Result<f64, MetricsError> {
    check_movement("nrr", m)?;
    Ok((m.start_arr + m.expansion - m.contraction - m.churned) * 100.0 / m.start_arr)
}

/// Gross revenue retention: (start − contraction − churned) / start, in percent.
pub fn grr(m: &ArrMovement) -> Result<f64, MetricsError> {
    check_movement("grr", m)?;
    Ok((m.start_arr - m.contraction - m.churned) * 100.0 / m.start_arr)
}

/// Σ over accounts with A > 0 of (A, f(A, B)), checking the inputs.
fn per_account(
    metric: &'static str,
    start: &[f64],
    now: &[f64],
    f: impl Fn(f64, f64) -> f64,
) -> Result<f64, MetricsError> {
    if start.len() != now.len() {
        return Err(MetricsError::Inconsistent {
            metric,
            rule: format!(
                "start has {} accounts but now has {}",
                start.len(),
                now.len()
            ),
        });
    }
    let ok = |x: f64| x.is_finite() && x >= 0.0;
    let (mut base, mut kept) = (0.0, 0.0);
    for (i, (a, b)) in start.iter().zip(now).enumerate() {
        // The input's name is only built for the error: no string work per account.
        if !ok(*a) {
            non_negative(metric, &format!("start[{i}]"), *a)?;
        }
        if !ok(*b) {
            non_negative(metric, &format!("now[{i}]"), *b)?;
        }
        if *a > 0.0 {
            base += a;
            kept += f(*a, *b);
        }
    }
    if base > 0.0 {
        Ok(kept * 100.0 / base)
    } else {
        Err(MetricsError::Empty {
            metric,
            input: "accounts with ARR at the period start",
        })
    }
}

/// NRR per account (the public CS handbook's form): ΣB / ΣA over accounts with A > 0, where A is
/// an account's ARR at the period start and B its ARR now (0 if churned). Never an average of
/// per-account percentages.
pub fn nrr_per_account(start: &[f64], now: &[f64]) -> Result<f64, MetricsError> {
    per_account("nrr", start, now, |_, b| b)
}

/// GRR per account: Σ min(A, B) / ΣA over accounts with A > 0.
pub fn grr_per_account(start: &[f64], now: &[f64]) -> Result<f64, MetricsError> {
    per_account("grr", start, now, f64::min)
}

/// Logo churn: churned accounts / accounts at the period start, in percent.
pub fn logo_churn(accounts_at_start: u64, churned_accounts: u64) -> Result<f64, MetricsError> {
    if accounts_at_start == 0 {
        return Err(MetricsError::Empty {
            metric: "logo_churn",
            input: "accounts_at_start",
        });
    }
    if churned_accounts > accounts_at_start {
        return Err(MetricsError::Inconsistent {
            metric: "logo_churn",
            rule: format!(
                "{churned_accounts} churned accounts of {accounts_at_start} at the start"
            ),
        });
    }
    Ok(churned_accounts as f64 * 100.0 / accounts_at_start as f64)
}

/// License utilisation: active users / purchased seats, in percent (above 100 when over-deployed).
pub fn license_utilization(active_users: f64, purchased_seats: f64) -> Result<f64, MetricsError> {
    if !(purchased_seats.is_finite() && purchased_seats > 0.0) {
        return Err(MetricsError::OutOfRange {
            metric: "license_utilization",
            input: "purchased_seats".into(),
            value: purchased_seats,
            rule: "purchased seats must be a finite number above 0",
        });
    }
    non_negative("license_utilization", "active_users", active_users)?;
    Ok(active_users * 100.0 / purchased_seats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surveys() {
        assert_eq!(nps(&[10, 9, 7, 3]), Ok(25.0));
        assert_eq!(nps(&[0, 6, 8, 8]), Ok(-50.0));
        assert_eq!(nps(&[9; 7]), Ok(100.0));
        assert_eq!(nps(&[1, 9, 9]), Ok(100.0 / 3.0));
        assert!(matches!(nps(&[11]), Err(MetricsError::OutOfRange { .. })));
        assert!(matches!(nps(&[-1]), Err(MetricsError::OutOfRange { .. })));
        assert!(matches!(nps(&[]), Err(MetricsError::Empty { .. })));
        assert_eq!(csat(&[5, 4, 3, 1]), Ok(50.0));
        let e = csat(&[5, 0]).unwrap_err();
        assert!(e.to_string().contains("answers[1]"), "{e}");
        assert!(matches!(csat(&[]), Err(MetricsError::Empty { .. })));
    }

    #[test]
    fn retention() {
        let m = ArrMovement {
            start_arr: 1_000_000.0,
            expansion: 200_000.0,
            contraction: 50_000.0,
            churned: 100_000.0,
        };
        assert_eq!(nrr(&m), Ok(105.0));
        assert_eq!(grr(&m), Ok(85.0));
        for bad in [
            ArrMovement {
                start_arr: 0.0,
                ..m
            },
            ArrMovement {
                start_arr: f64::NAN,
                ..m
            },
            ArrMovement {
                expansion: -1.0,
                ..m
            },
            ArrMovement {
                churned: f64::INFINITY,
                ..m
            },
            ArrMovement {
                contraction: 950_000.0,
                ..m
            },
        ] {
            assert!(nrr(&bad).is_err() && grr(&bad).is_err(), "{bad:?}");
        }
        // Everything churned is 0 %, not an error.
        assert_eq!(
            grr(&ArrMovement {
                start_arr: 10.0,
                expansion: 0.0,
                contraction: 0.0,
                churned: 10.0
            }),
            Ok(0.0)
        );
    }

    #[test]
    fn per_account_forms() {
        assert_eq!(nrr_per_account(&[100.0, 100.0], &[150.0, 0.0]), Ok(75.0));
        assert_eq!(grr_per_account(&[100.0, 100.0], &[150.0, 0.0]), Ok(50.0));
        // New logos (A = 0) are excluded.
        assert_eq!(nrr_per_account(&[100.0, 0.0], &[100.0, 500.0]), Ok(100.0));
        assert!(matches!(
            nrr_per_account(&[0.0], &[5.0]),
            Err(MetricsError::Empty { .. })
        ));
        assert!(matches!(
            nrr_per_account(&[], &[]),
            Err(MetricsError::Empty { .. })
        ));
        assert!(matches!(
            grr_per_account(&[1.0], &[1.0, 2.0]),
            Err(MetricsError::Inconsistent { .. })
        ));
        assert!(matches!(
            grr_per_account(&[1.0], &[-2.0]),
            Err(MetricsError::OutOfRange { .. })
        ));
        assert!(matches!(
            grr_per_account(&[f64::NAN], &[2.0]),
            Err(MetricsError::OutOfRange { .. })
        ));
    }

    #[test]
    fn counts() {
        assert_eq!(logo_churn(200, 9), Ok(4.5));
        assert_eq!(logo_churn(5, 0), Ok(0.0));
        assert!(logo_churn(0, 0).is_err());
        assert!(logo_churn(5, 6).is_err());
        assert_eq!(license_utilization(45.0, 60.0), Ok(75.0));
        assert_eq!(license_utilization(90.0, 60.0), Ok(150.0));
        assert!(license_utilization(1.0, 0.0).is_err());
        assert!(license_utilization(-1.0, 10.0).is_err());
    }
}
