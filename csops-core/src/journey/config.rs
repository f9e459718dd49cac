//! The journey's configuration: time-to-value targets, the renewal window, and the touchpoints
//! of each stage per engagement model (SPEC §9).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::JourneyStage;
use crate::segment::EngagementModel;

/// Time-to-value targets, in days from the subscription start (SPEC §9 defaults 14 / 30 / 45).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimeToValue {
    /// First engagement within this many days.
    pub first_engagement_days: u32,
    /// First value within this many days.
    pub first_value_days: u32,
    /// Onboarding complete within this many days.
    pub onboarding_days: u32,
}

impl Default for TimeToValue {
    fn default() -> Self {
        TimeToValue {
            first_engagement_days: 14,
            first_value_days: 30,
            onboarding_days: 45,
        }
    }
}

/// The journey's configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JourneyConfig {
    /// Time-to-value targets.
    pub time_to_value: TimeToValue,
    /// The renewal window opens this many days before the renewal date (120, when the renewal
    /// conversation task fires).
    pub renewal_window_days: u32,
    /// Touchpoints per stage and engagement model (illustrative defaults).
    pub touchpoints: BTreeMap<JourneyStage, BTreeMap<EngagementModel, Vec<String>>>,
}

impl Default for JourneyConfig {
    fn default() -> Self {
        use EngagementModel::*;
        use JourneyStage::*;
        let tp = |high: &[&str], mid: &[&str], tech: &[&str]| {
            let v = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
            BTreeMap::from([
                (HighTouch, v(high)),
                (MidTouch, v(mid)),
                (TechTouch, v(tech)),
            ])
        };
        JourneyConfig {
            time_to_value: TimeToValue::default(),
            renewal_window_days: 120,
            touchpoints: BTreeMap::from([
                (
                    Align,
                    tp(
                        &["pre-sales handoff call"],
                        &["handoff notes review"],
                        &["welcome email"],
                    ),
                ),
                (
                    Onboard,
                    tp(
                        &["kickoff call", "success plan"],
                        &["kickoff call"],
                        &["onboarding email series", "webinar"],
                    ),
                ),
                (
                    Enable,
                    tp(
                        &["cadence calls", "EBR"],
                        &["quarterly check-in"],
                        &["adoption nudges", "in-app guides"],
                    ),
                ),
                (
                    Expand,
                    tp(
                        &["expansion plan with sales"],
                        &["growth review"],
                        &["upgrade campaign"],
                    ),
                ),
                (
                    Renew,
                    tp(
                        &["renewal conversation", "EBR"],
                        &["renewal call"],
                        &["renewal reminder emails"],
                    ),
                ),
                (
                    Churned,
                    tp(&["exit interview"], &["exit survey"], &["exit survey"]),
                ),
            ]),
        }
    }
}
