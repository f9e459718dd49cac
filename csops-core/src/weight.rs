//! Issue weights (SPEC §3): 1, 3, 5, 7, each an upper bound in hours of work.
//!
//! ```
//! use csops_core::weight::{weight_for_hours, Weight, WeightError};
//! assert_eq!(weight_for_hours(2.5), Ok(Weight::Three));
//! assert_eq!(weight_for_hours(3.0), Ok(Weight::Three));
//! assert_eq!(weight_for_hours(3.01), Ok(Weight::Five));
//! assert!(matches!(weight_for_hours(7.5), Err(WeightError::NeedsEpic { .. })));
//! assert!(matches!(Weight::try_from(4), Err(WeightError::Invalid { value: 4 })));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A weight that is not one of 1, 3, 5, 7, or an estimate that does not fit an issue.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum WeightError {
    /// A weight value outside the allowed set.
    #[error("weight {value} is not one of 1, 3, 5, 7")]
    Invalid {
        /// The value given.
        value: i64,
    },
    /// An estimate of zero or less, or not a finite number.
    #[error(
        "estimate of {hours} hours is invalid: an estimate is a finite number of hours above 0"
    )]
    InvalidHours {
        /// The estimate given.
        hours: f64,
    },
    /// More than 7 hours: more than a day of work does not fit one issue.
    #[error(
        "estimate of {hours} hours is more than 7 hours: make it an epic or several issues (weights are 1, 3, 5, 7)"
    )]
    NeedsEpic {
        /// The estimate given.
        hours: f64,
    },
}

/// An issue weight (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub enum Weight {
    /// 0–1 hours of work.
    One = 1,
    /// 1–3 hours.
    Three = 3,
    /// 3–5 hours.
    Five = 5,
    /// 5–7 hours.
    Seven = 7,
}

impl Weight {
    /// Every weight, smallest first.
    pub const ALL: [Weight; 4] = [Weight::One, Weight::Three, Weight::Five, Weight::Seven];

    /// The weight as a number.
    pub const fn value(self) -> u8 {
        self as u8
    }

    /// The upper edge of the weight's range, in hours (used for load, SPEC §3).
    pub const fn max_hours(self) -> u32 {
        self as u32
    }
}

impl Weight {
    /// A tracker's weight (GitLab accepts any non-negative number) as a CS Ops weight, or the
    /// number back when it is not one.
    pub const fn classify(value: u64) -> Result<Weight, u64> {
        match value {
            1 => Ok(Weight::One),
            3 => Ok(Weight::Three),
            5 => Ok(Weight::Five),
            7 => Ok(Weight::Seven),
            _ => Err(value),
        }
    }
}

impl TryFrom<i64> for Weight {
    type Error = WeightError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        u64::try_from(value)
            .ok()
            .and_then(|v| Weight::classify(v).ok())
            .ok_or(WeightError::Invalid { value })
    }
}

impl From<Weight> for i64 {
    fn from(w: Weight) -> i64 {
        i64::from(w.value())
    }
}

impl std::fmt::Display for Weight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.value())
    }
}

/// The smallest weight whose range holds an estimate in hours (upper edges included).
pub fn weight_for_hours(hours: f64) -> Result<Weight, WeightError> {
    if !hours.is_finite() || hours <= 0.0 {
        return Err(WeightError::InvalidHours { hours });
    }
    Weight::ALL
        .into_iter()
        .find(|w| hours <= f64::from(w.max_hours()))
        .ok_or(WeightError::NeedsEpic { hours })
}

/// Load per assignee (SPEC §3): the sum of the upper hours of the weights of their open
/// requests. Items are `(assignee, weight, open)`; unweighted or closed items add nothing.
///
/// ```
/// use csops_core::weight::{load_by_assignee, Weight};
/// let load = load_by_assignee([
///     ("omar", Some(Weight::Three), true),
///     ("omar", Some(Weight::Five), true),
///     ("omar", Some(Weight::Seven), false),
///     ("pat", None, true),
/// ]);
/// assert_eq!(load["omar"], 8);
/// assert_eq!(load["pat"], 0);
/// ```
pub fn load_by_assignee<'a, I>(items: I) -> BTreeMap<String, u32>
where
    I: IntoIterator<Item = (&'a str, Option<Weight>, bool)>,
{
    let mut load = BTreeMap::new();
    for (who, weight, open) in items {
        let entry = load.entry(who.to_owned()).or_insert(0);
        if open {
            *entry += weight.map_or(0, Weight::max_hours);
        }
    }
    load
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_map_to_smallest_weight_with_upper_edges_included() {
        let cases = [
            (0.01, Weight::One),
            (1.0, Weight::One),
            (1.0001, Weight::Three),
            (3.0, Weight::Three),
            (3.01, Weight::Five),
            (5.0, Weight::Five),
            (6.9, Weight::Seven),
            (7.0, Weight::Seven),
        ];
        for (h, w) in cases {
            assert_eq!(weight_for_hours(h), Ok(w), "{h}");
        }
    }

    #[test]
    fn bad_estimates() {
        for h in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(
                matches!(weight_for_hours(h), Err(WeightError::InvalidHours { .. })),
                "{h}"
            );
        }
        assert_eq!(
            weight_for_hours(7.01),
            Err(WeightError::NeedsEpic { hours: 7.01 })
        );
        assert!(
            WeightError::NeedsEpic { hours: 8.0 }
                .to_string()
                .contains("epic")
        );
    }

    #[test]
    fn only_1_3_5_7_are_weights() {
        for v in [-3, 0, 2, 4, 6, 8, 100] {
            let e = Weight::try_from(v).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!("weight {v} is not one of 1, 3, 5, 7")
            );
        }
        for w in Weight::ALL {
            assert_eq!(Weight::try_from(i64::from(w)), Ok(w));
        }
        assert!(serde_json::from_str::<Weight>("4").is_err());
        assert_eq!(serde_json::to_string(&Weight::Five).unwrap(), "5");
    }
}
