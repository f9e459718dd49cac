//! The peer-review policy (SPEC §4): from a request's change kind, whether a peer review is
//! required (by a `gainsight_admin` who is not the assignee), recommended, or optional.
//!
//! ```
//! use csops_core::review::{ChangeKind, ReviewLevel, ReviewPolicy};
//! let policy = ReviewPolicy::default();
//! assert_eq!(policy.level(ChangeKind::GainsightRule), ReviewLevel::Required);
//! assert_eq!(policy.level(ChangeKind::Dashboard), ReviewLevel::Recommended);
//! assert_eq!(policy.level(ChangeKind::Other), ReviewLevel::Optional);
//! ```

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

/// What a request changes, as far as the review policy cares (SPEC §4).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ChangeKind {
    /// A Gainsight rule created, changed, removed or combined.
    GainsightRule,
    /// A Gainsight connector job.
    GainsightConnector,
    /// A Gainsight data-object change (fields added or removed).
    GainsightDataObject,
    /// A report change.
    Report,
    /// A dashboard change.
    Dashboard,
    /// Anything else.
    #[default]
    Other,
    /// Not stated: a request read from a tracker, which records no change kind (SPEC §7). Its
    /// `Gainsight*` labels stand for a Gainsight change when its review is judged; without them
    /// it is judged as [`ChangeKind::Other`].
    Unknown,
}

impl ChangeKind {
    /// The kind as a rule's words name it: `gainsight_rule`, or, for [`ChangeKind::Unknown`]
    /// (which reaches a review rule only through its `Gainsight*` labels), "Gainsight-labelled".
    pub fn phrase(self) -> &'static str {
        match self {
            ChangeKind::Unknown => "Gainsight-labelled",
            stated => stated.into(),
        }
    }

    /// Whether the change is to Gainsight (which makes the changelog entry part of the closing
    /// checklist, SPEC §2).
    pub const fn is_gainsight(self) -> bool {
        matches!(
            self,
            ChangeKind::GainsightRule
                | ChangeKind::GainsightConnector
                | ChangeKind::GainsightDataObject
        )
    }
}

/// How much a request needs a peer review.
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
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ReviewLevel {
    /// Allowed when asked for.
    Optional,
    /// "Strongly consider": a review, or a recorded waiver with a reason.
    Recommended,
    /// Must be approved by a qualified reviewer; can never be waived.
    Required,
}

/// The review policy: which change kinds require or recommend a review. Configuration; the
/// default is SPEC §4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewPolicy {
    /// Change kinds whose review is required, by a `gainsight_admin` who is not the assignee.
    pub required: Vec<ChangeKind>,
    /// Change kinds whose review is recommended.
    pub recommended: Vec<ChangeKind>,
}

impl Default for ReviewPolicy {
    fn default() -> Self {
        ReviewPolicy {
            required: vec![
                ChangeKind::GainsightRule,
                ChangeKind::GainsightConnector,
                ChangeKind::GainsightDataObject,
            ],
            recommended: vec![ChangeKind::Report, ChangeKind::Dashboard],
        }
    }
}

impl ReviewPolicy {
    /// The review level of a change kind (required wins over recommended if a kind is in both).
    pub fn level(&self, kind: ChangeKind) -> ReviewLevel {
        if self.required.contains(&kind) {
            ReviewLevel::Required
        } else if self.recommended.contains(&kind) {
            ReviewLevel::Recommended
        } else {
            ReviewLevel::Optional
        }
    }

    /// The review level of a request: its change kind's ([`ReviewPolicy::level`]), or, when
    /// the kind is [`ChangeKind::Unknown`] (read from a tracker, SPEC §7), what its labels
    /// show (unless the policy lists `unknown` itself, which then decides): with a `Gainsight*`
    /// label, the strictest level the policy gives a Gainsight kind
    /// (the handbook's peer review is "for issues related to Gainsight"); without, the level of
    /// [`ChangeKind::Other`]. The one place the engine, the audit, the board and the webhook
    /// learn a request's review level.
    ///
    /// ```
    /// use csops_core::review::{ChangeKind, ReviewLevel, ReviewPolicy};
    /// let policy = ReviewPolicy::default();
    /// // A stated kind decides, whatever the labels.
    /// assert_eq!(policy.level_of(ChangeKind::Other, true), ReviewLevel::Optional);
    /// assert_eq!(policy.level_of(ChangeKind::GainsightRule, false), ReviewLevel::Required);
    /// // An unknown kind is judged by its labels.
    /// assert_eq!(policy.level_of(ChangeKind::Unknown, true), ReviewLevel::Required);
    /// assert_eq!(policy.level_of(ChangeKind::Unknown, false), ReviewLevel::Optional);
    /// ```
    pub fn level_of(&self, kind: ChangeKind, gainsight_labels: bool) -> ReviewLevel {
        let listed = |k| self.required.contains(&k) || self.recommended.contains(&k);
        match kind {
            // A policy that names `unknown` says what it wants for it.
            ChangeKind::Unknown if listed(ChangeKind::Unknown) => self.level(ChangeKind::Unknown),
            ChangeKind::Unknown if gainsight_labels => ChangeKind::VARIANTS
                .iter()
                .filter(|k| k.is_gainsight())
                .map(|k| self.level(*k))
                .max()
                .unwrap_or(ReviewLevel::Optional),
            ChangeKind::Unknown => self.level(ChangeKind::Other),
            kind => self.level(kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_spec_section_4() {
        let p = ReviewPolicy::default();
        for k in ChangeKind::VARIANTS {
            let want = match k {
                ChangeKind::GainsightRule
                | ChangeKind::GainsightConnector
                | ChangeKind::GainsightDataObject => ReviewLevel::Required,
                ChangeKind::Report | ChangeKind::Dashboard => ReviewLevel::Recommended,
                ChangeKind::Other | ChangeKind::Unknown => ReviewLevel::Optional,
            };
            assert_eq!(p.level(*k), want, "{k}");
            assert_eq!(k.is_gainsight(), want == ReviewLevel::Required);
        }
    }

    #[test]
    fn change_kind_names() {
        assert_eq!(
            "gainsight_data_object".parse::<ChangeKind>().unwrap(),
            ChangeKind::GainsightDataObject
        );
        assert_eq!(
            serde_json::to_string(&ChangeKind::Report).unwrap(),
            "\"report\""
        );
        assert!("gainsight".parse::<ChangeKind>().is_err());
    }

    #[test]
    fn replaced_policy() {
        let p = ReviewPolicy {
            required: vec![ChangeKind::Report],
            recommended: vec![ChangeKind::Report, ChangeKind::Other],
        };
        assert_eq!(p.level(ChangeKind::Report), ReviewLevel::Required);
        assert_eq!(p.level(ChangeKind::Other), ReviewLevel::Recommended);
        assert_eq!(p.level(ChangeKind::GainsightRule), ReviewLevel::Optional);
        // Unknown follows the labels: Gainsight kinds are optional here, Other recommended; a
        // policy that lists unknown decides it.
        assert_eq!(p.level_of(ChangeKind::Unknown, true), ReviewLevel::Optional);
        assert_eq!(
            p.level_of(ChangeKind::Unknown, false),
            ReviewLevel::Recommended
        );
        let p = ReviewPolicy {
            required: vec![ChangeKind::Unknown],
            recommended: vec![],
        };
        assert_eq!(
            p.level_of(ChangeKind::Unknown, false),
            ReviewLevel::Required
        );
        assert_eq!(p.level_of(ChangeKind::Other, true), ReviewLevel::Optional);
    }
}
