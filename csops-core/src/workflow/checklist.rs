//! The closing checklist (SPEC §2 "Issue closing"): its type, its rule ([`Checklist::missing`])
//! and its words ([`ChecklistItem::rule`]), in one place.

use serde::{Deserialize, Serialize};
use smallvec::SmallVec;
use strum::{Display, IntoStaticStr, VariantArray};

/// Whether the handbook was updated (`true`, `false` or `"not_applicable"` in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handbook {
    /// The handbook sections were updated.
    Updated,
    /// They were not.
    NotUpdated,
    /// No handbook section is concerned.
    NotApplicable,
}

impl Serialize for Handbook {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Handbook::Updated => s.serialize_bool(true),
            Handbook::NotUpdated => s.serialize_bool(false),
            Handbook::NotApplicable => s.serialize_str("not_applicable"),
        }
    }
}

impl<'de> Deserialize<'de> for Handbook {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged, expecting = "expected true, false or \"not_applicable\"")]
        enum Raw {
            Bool(bool),
            Text(String),
        }
        match Raw::deserialize(d)? {
            Raw::Bool(true) => Ok(Handbook::Updated),
            Raw::Bool(false) => Ok(Handbook::NotUpdated),
            Raw::Text(t) if t == "not_applicable" => Ok(Handbook::NotApplicable),
            Raw::Text(t) => Err(serde::de::Error::custom(format!(
                "handbook_updated is true, false or \"not_applicable\", not {}",
                crate::words::Quoted(&t)
            ))),
        }
    }
}

/// The summary and next steps given to the workstream lead at closing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct LeadBriefing {
    /// A summary of the work (required, non-empty).
    #[serde(default)]
    pub summary: String,
    /// Next steps (may be empty).
    #[serde(default)]
    pub next_steps: String,
}

/// The closing checklist (SPEC §2 "Issue closing"). Absent items are not done; an item it does
/// not know (`handbok_updated`) is an error, not an item left undone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Checklist {
    /// Handbook sections updated, or not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handbook_updated: Option<Handbook>,
    /// Gainsight changelog entry added (required for Gainsight-related requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gainsight_changelog: Option<bool>,
    /// Stakeholders told of the completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stakeholders_communicated: Option<bool>,
    /// The workstream lead informed, with a summary and next steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_informed: Option<LeadBriefing>,
}

/// A checklist item's name, as rejections list it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, IntoStaticStr, VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ChecklistItem {
    /// Handbook sections updated (or not applicable).
    Handbook,
    /// Gainsight changelog entry.
    GainsightChangelog,
    /// Peer review followed (SPEC §4).
    PeerReview,
    /// Stakeholders communicated.
    Stakeholders,
    /// Workstream lead informed with a summary.
    LeadInformed,
}

impl Checklist {
    /// The items this checklist misses (SPEC §2), in the checklist's order: the handbook
    /// (updated, or not applicable), the Gainsight changelog entry when `gainsight_related`,
    /// peer review followed when `review_followed` says so (`None`: not on this checklist, as
    /// when the other team finished), stakeholders communicated, the lead informed with a
    /// non-empty summary. A rejection lists every one of them.
    ///
    /// ```
    /// use csops_core::workflow::{Checklist, ChecklistItem, Handbook};
    /// let cl = Checklist { handbook_updated: Some(Handbook::NotApplicable), ..Default::default() };
    /// let missing = cl.missing(true, Some(true));
    /// assert_eq!(missing.as_slice(), [ChecklistItem::GainsightChangelog,
    ///            ChecklistItem::Stakeholders, ChecklistItem::LeadInformed]);
    /// ```
    pub fn missing(
        &self,
        gainsight_related: bool,
        review_followed: Option<bool>,
    ) -> SmallVec<[ChecklistItem; 5]> {
        let mut missing = SmallVec::new();
        if !matches!(
            self.handbook_updated,
            Some(Handbook::Updated | Handbook::NotApplicable)
        ) {
            missing.push(ChecklistItem::Handbook);
        }
        if gainsight_related && self.gainsight_changelog != Some(true) {
            missing.push(ChecklistItem::GainsightChangelog);
        }
        if review_followed == Some(false) {
            missing.push(ChecklistItem::PeerReview);
        }
        if self.stakeholders_communicated != Some(true) {
            missing.push(ChecklistItem::Stakeholders);
        }
        if self
            .lead_informed
            .as_ref()
            .is_none_or(|b| b.summary.trim().is_empty())
        {
            missing.push(ChecklistItem::LeadInformed);
        }
        missing
    }
}

impl ChecklistItem {
    /// The item's name in data (`"gainsight_changelog"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The item's rule in words, as a rejection names it.
    pub const fn rule(self) -> &'static str {
        match self {
            ChecklistItem::Handbook => "handbook sections updated (or \"not_applicable\")",
            ChecklistItem::GainsightChangelog => {
                "a Gainsight-related request needs its Gainsight changelog entry"
            }
            ChecklistItem::PeerReview => {
                "peer review followed (an approval, or a waiver of a recommended review)"
            }
            ChecklistItem::Stakeholders => "stakeholders communicated",
            ChecklistItem::LeadInformed => "workstream lead informed with a summary",
        }
    }
}
