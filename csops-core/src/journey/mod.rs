//! The customer journey (SPEC §9) as a typed state machine with dated events.
//!
//! Stages: Align (pre-sales) → Onboard → Enable (adoption) → Expand → Renew → back to Enable on
//! renewal, or Churned. [`Journey::record`] applies an event; [`Journey::advance`] fires the
//! time-driven transition (the renewal window opens `renewal_window_days` before the renewal
//! date) and reports missed time-to-value milestones with how late they are. Dates are
//! arguments; nothing reads a clock.
//!
//! ```
//! use chrono::NaiveDate;
//! use csops_core::journey::{Journey, JourneyConfig, JourneyEvent, JourneyStage};
//! let d = |s: &str| s.parse::<NaiveDate>().unwrap();
//! let cfg = JourneyConfig::default();
//! let mut j = Journey::new("acme");
//! j.record(d("2026-01-02"), JourneyEvent::ContractSigned { start: d("2026-01-05"), renewal: d("2027-01-05"), arr: 120_000.0 }, &cfg).unwrap();
//! j.record(d("2026-01-12"), JourneyEvent::FirstEngagement, &cfg).unwrap();
//! let report = j.advance(d("2026-02-20"), &cfg).unwrap();
//! // First value was due 30 days after the start and has not happened: 16 days late.
//! assert_eq!(report.misses[0].days_late, 16);
//! assert_eq!(j.stage(), JourneyStage::Onboard);
//! ```

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

use crate::segment::EngagementModel;

mod config;
pub use config::{JourneyConfig, TimeToValue};

/// A stage of the customer journey.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
pub enum JourneyStage {
    /// Pre-sales.
    Align,
    /// From contract to onboarding complete.
    Onboard,
    /// Adoption.
    Enable,
    /// Growth after an expansion.
    Expand,
    /// The renewal window is open.
    Renew,
    /// The customer left.
    Churned,
}

/// A dated event of the journey. JSON: `{"type": "<snake_case>", ...fields}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum JourneyEvent {
    /// The contract: start and renewal dates, ARR. Align → Onboard.
    ContractSigned {
        /// Subscription start.
        start: NaiveDate,
        /// Renewal date (after the start).
        renewal: NaiveDate,
        /// ARR (≥ 0).
        arr: f64,
    },
    /// The first engagement with the customer (a milestone).
    FirstEngagement,
    /// The first value the customer realised (a milestone).
    FirstValue,
    /// Onboarding complete (a milestone). Onboard → Enable.
    OnboardingCompleted,
    /// An expansion by `arr_delta` (> 0). Enable / Expand → Expand.
    Expansion {
        /// Added ARR.
        arr_delta: f64,
    },
    /// The renewal window opened (fired by `advance`, or recorded). Enable / Expand → Renew.
    RenewalWindowOpened,
    /// Renewed: a new renewal date and ARR. Renew (or, early, Enable / Expand) → Enable.
    Renewed {
        /// The next renewal date (after the current one).
        renewal: NaiveDate,
        /// The new ARR (≥ 0).
        arr: f64,
    },
    /// Churned, with a reason. Any stage after Align → Churned.
    Churned {
        /// Why.
        reason: String,
    },
}

impl JourneyEvent {
    fn name(&self) -> &'static str {
        match self {
            JourneyEvent::ContractSigned { .. } => "contract_signed",
            JourneyEvent::FirstEngagement => "first_engagement",
            JourneyEvent::FirstValue => "first_value",
            JourneyEvent::OnboardingCompleted => "onboarding_completed",
            JourneyEvent::Expansion { .. } => "expansion",
            JourneyEvent::RenewalWindowOpened => "renewal_window_opened",
            JourneyEvent::Renewed { .. } => "renewed",
            JourneyEvent::Churned { .. } => "churned",
        }
    }
}

/// A journey event or date that breaks a rule. The journey is unchanged.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum JourneyError {
    /// A date before the journey's last event.
    #[error(
        "account {}: {date} is before the last event ({last}); events are dated in order",
        crate::words::Quoted(.account)
    )]
    DateOutOfOrder {
        /// The account.
        account: String,
        /// The date given.
        date: NaiveDate,
        /// The last event's date.
        last: NaiveDate,
    },
    /// An event that does not apply in the stage.
    #[error("account {}: {event} does not apply in stage {stage}", crate::words::Quoted(.account))]
    InvalidEvent {
        /// The account.
        account: String,
        /// The event.
        event: &'static str,
        /// The stage.
        stage: JourneyStage,
    },
    /// An event's value that breaks its rule.
    #[error("account {}: {event}: {rule}", crate::words::Quoted(.account))]
    BadValue {
        /// The account.
        account: String,
        /// The event.
        event: &'static str,
        /// The rule.
        rule: String,
    },
    /// An engagement model's name that is not one.
    #[error(
        "unknown engagement model {} (engagement models: {})",
        crate::words::Quoted(.name),
        EngagementModel::VARIANTS.iter().map(|m| <&str>::from(*m)).collect::<Vec<_>>().join(", ")
    )]
    UnknownEngagement {
        /// The name given.
        name: String,
    },
}

/// One recorded event and the stage change it made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JourneyStep {
    /// When.
    pub date: NaiveDate,
    /// What.
    pub event: JourneyEvent,
    /// Stage before.
    pub from: JourneyStage,
    /// Stage after.
    pub to: JourneyStage,
}

/// A time-to-value milestone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Display, IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Milestone {
    /// First engagement.
    FirstEngagement,
    /// First value.
    FirstValue,
    /// Onboarding complete.
    OnboardingCompleted,
}

/// A milestone reached late, or not yet reached after its due date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneMiss {
    /// Which.
    pub milestone: Milestone,
    /// When it was due.
    pub due: NaiveDate,
    /// When it was reached (None: not yet).
    pub reached: Option<NaiveDate>,
    /// Days late (to the date it was reached, or to `now`).
    pub days_late: i64,
}

/// What `advance` did and found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdvanceReport {
    /// Time-driven steps taken.
    pub steps: Vec<JourneyStep>,
    /// Missed milestones.
    pub misses: Vec<MilestoneMiss>,
}

/// One customer's journey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Journey {
    account: String,
    stage: JourneyStage,
    start: Option<NaiveDate>,
    renewal: Option<NaiveDate>,
    arr: f64,
    history: Vec<JourneyStep>,
}

impl Journey {
    /// A journey in Align, with no events.
    pub fn new(account: &str) -> Journey {
        Journey {
            account: account.to_owned(),
            stage: JourneyStage::Align,
            start: None,
            renewal: None,
            arr: 0.0,
            history: Vec::new(),
        }
    }

    /// The account.
    pub fn account(&self) -> &str {
        &self.account
    }
    /// The stage.
    pub fn stage(&self) -> JourneyStage {
        self.stage
    }
    /// The current ARR.
    pub fn arr(&self) -> f64 {
        self.arr
    }
    /// The subscription start.
    pub fn start(&self) -> Option<NaiveDate> {
        self.start
    }
    /// The renewal date.
    pub fn renewal(&self) -> Option<NaiveDate> {
        self.renewal
    }
    /// Every recorded step, oldest first.
    pub fn history(&self) -> &[JourneyStep] {
        &self.history
    }

    fn reached(&self, m: Milestone) -> Option<NaiveDate> {
        self.history.iter().find_map(|s| match (&s.event, m) {
            (JourneyEvent::FirstEngagement, Milestone::FirstEngagement)
            | (JourneyEvent::FirstValue, Milestone::FirstValue)
            | (JourneyEvent::OnboardingCompleted, Milestone::OnboardingCompleted) => Some(s.date),
            _ => None,
        })
    }

    /// Applies a dated event; the journey is unchanged on error.
    pub fn record(
        &mut self,
        date: NaiveDate,
        event: JourneyEvent,
        _config: &JourneyConfig,
    ) -> Result<JourneyStep, JourneyError> {
        use JourneyStage::*;
        if let Some(last) = self.history.last().map(|s| s.date).filter(|l| date < *l) {
            return Err(JourneyError::DateOutOfOrder {
                account: self.account.clone(),
                date,
                last,
            });
        }
        let name = event.name();
        let invalid = || JourneyError::InvalidEvent {
            account: self.account.clone(),
            event: name,
            stage: self.stage,
        };
        let bad = |rule: String| JourneyError::BadValue {
            account: self.account.clone(),
            event: name,
            rule,
        };
        let arr_ok = |arr: f64| arr.is_finite() && arr >= 0.0;
        let to = match (&event, self.stage) {
            (
                JourneyEvent::ContractSigned {
                    start,
                    renewal,
                    arr,
                },
                Align,
            ) => {
                if renewal <= start {
                    return Err(bad(format!(
                        "renewal date {renewal} is not after the start {start}"
                    )));
                }
                if !arr_ok(*arr) {
                    return Err(bad(format!(
                        "ARR {arr} must be a finite number of at least 0"
                    )));
                }
                Onboard
            }
            (
                JourneyEvent::FirstEngagement | JourneyEvent::FirstValue,
                Onboard | Enable | Expand,
            ) => {
                let m = if matches!(event, JourneyEvent::FirstEngagement) {
                    Milestone::FirstEngagement
                } else {
                    Milestone::FirstValue
                };
                if self.reached(m).is_some() {
                    return Err(bad(format!("{m} was already recorded")));
                }
                self.stage
            }
            (JourneyEvent::OnboardingCompleted, Onboard) => Enable,
            (JourneyEvent::Expansion { arr_delta }, Enable | Expand) => {
                if !(arr_delta.is_finite() && *arr_delta > 0.0) {
                    return Err(bad(format!(
                        "an expansion adds ARR: {arr_delta} must be above 0"
                    )));
                }
                Expand
            }
            (JourneyEvent::RenewalWindowOpened, Enable | Expand) => Renew,
            (JourneyEvent::Renewed { renewal, arr }, Enable | Expand | Renew) => {
                if self.renewal.is_some_and(|r| *renewal <= r) {
                    return Err(bad(format!(
                        "the new renewal date {renewal} is not after the current one"
                    )));
                }
                if !arr_ok(*arr) {
                    return Err(bad(format!(
                        "ARR {arr} must be a finite number of at least 0"
                    )));
                }
                Enable
            }
            (JourneyEvent::Churned { reason }, Onboard | Enable | Expand | Renew) => {
                if reason.trim().is_empty() {
                    return Err(bad("a churn needs a reason".into()));
                }
                Churned
            }
            _ => return Err(invalid()),
        };
        match &event {
            JourneyEvent::ContractSigned {
                start,
                renewal,
                arr,
            } => {
                (self.start, self.renewal, self.arr) = (Some(*start), Some(*renewal), *arr);
            }
            JourneyEvent::Expansion { arr_delta } => self.arr += arr_delta,
            JourneyEvent::Renewed { renewal, arr } => {
                (self.renewal, self.arr) = (Some(*renewal), *arr)
            }
            _ => {}
        }
        let step = JourneyStep {
            date,
            event,
            from: self.stage,
            to,
        };
        self.stage = to;
        self.history.push(step.clone());
        Ok(step)
    }

    /// Fires the time-driven transitions up to `now` (the renewal window) and reports missed
    /// time-to-value milestones.
    pub fn advance(
        &mut self,
        now: NaiveDate,
        config: &JourneyConfig,
    ) -> Result<AdvanceReport, JourneyError> {
        if let Some(last) = self.history.last().map(|s| s.date).filter(|l| now < *l) {
            return Err(JourneyError::DateOutOfOrder {
                account: self.account.clone(),
                date: now,
                last,
            });
        }
        let mut steps = Vec::new();
        if let Some(renewal) = self.renewal
            && matches!(self.stage, JourneyStage::Enable | JourneyStage::Expand)
        {
            let opens = renewal
                .checked_sub_days(Days::new(u64::from(config.renewal_window_days)))
                .unwrap_or(renewal);
            if now >= opens {
                // Dated when it opened, unless a later event was recorded first.
                let last = self.history.last().map_or(opens, |s| s.date);
                steps.push(self.record(
                    opens.max(last),
                    JourneyEvent::RenewalWindowOpened,
                    config,
                )?);
            }
        }
        let mut misses = Vec::new();
        if let Some(start) = self.start {
            let ttv = &config.time_to_value;
            for (m, days) in [
                (Milestone::FirstEngagement, ttv.first_engagement_days),
                (Milestone::FirstValue, ttv.first_value_days),
                (Milestone::OnboardingCompleted, ttv.onboarding_days),
            ] {
                let due = start
                    .checked_add_days(Days::new(u64::from(days)))
                    .unwrap_or(start);
                let reached = self.reached(m);
                let until = reached.unwrap_or(now);
                // A churned customer's open milestones stop counting at the churn.
                let until = match (reached, self.stage) {
                    (None, JourneyStage::Churned) => self.history.last().map_or(now, |s| s.date),
                    _ => until,
                };
                let days_late = (until - due).num_days();
                if days_late > 0 {
                    misses.push(MilestoneMiss {
                        milestone: m,
                        due,
                        reached,
                        days_late,
                    });
                }
            }
        }
        Ok(AdvanceReport { steps, misses })
    }

    /// [`Journey::touchpoints`] for an engagement model given by name (`high_touch`, …), as a
    /// binding or a configuration names it.
    ///
    /// ```
    /// use csops_core::journey::{Journey, JourneyConfig};
    /// let j = Journey::new("acme");
    /// assert!(j.touchpoints_named("high_touch", &JourneyConfig::default()).is_ok());
    /// assert!(j.touchpoints_named("warm_touch", &JourneyConfig::default()).unwrap_err().to_string().contains("tech_touch"));
    /// ```
    pub fn touchpoints_named<'c>(
        &self,
        engagement: &str,
        config: &'c JourneyConfig,
    ) -> Result<&'c [String], JourneyError> {
        let model = engagement
            .parse()
            .map_err(|_| JourneyError::UnknownEngagement {
                name: engagement.to_owned(),
            })?;
        Ok(self.touchpoints(model, config))
    }

    /// The touchpoints of the current stage for an engagement model (configuration).
    pub fn touchpoints<'c>(
        &self,
        engagement: EngagementModel,
        config: &'c JourneyConfig,
    ) -> &'c [String] {
        config
            .touchpoints
            .get(&self.stage)
            .and_then(|t| t.get(&engagement))
            .map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests;
