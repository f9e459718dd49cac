//! Labels as a tracker stores them (SPEC §1): the scoped workflow labels with their aliases and
//! matching rule, the typed team/system and request-source labels, GitLab's scoped-label
//! semantics, and the anomaly of two workflow labels on one request.
//!
//! ```
//! use csops_core::label::{Label, LabelFamily, LabelSet};
//! use csops_core::State;
//!
//! let l = Label::parse("CS Ops::Awaiting Feedback").unwrap();
//! assert_eq!(l.canonical(), "CSOps::Awaiting Feedback");
//! assert_eq!(l.state(), Some(State::AwaitingFeedback));
//! assert_eq!(l.family(), LabelFamily::Workflow);
//!
//! let mut set = LabelSet::from_iter(["CSOps", "team::a"]);
//! set.add("team::b");
//! assert_eq!(set.as_slice(), ["CSOps", "team::b"]);
//! ```

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumIter, EnumString, IntoStaticStr, VariantArray};

pub use crate::name::Name;
use crate::state::State;

mod set;
mod taxonomy;

pub use set::*;
pub use taxonomy::*;

/// A label that cannot be a label at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// Empty, whitespace only, or made only of `::` separators.
    #[error(
        "label {} is not a label: a label needs text other than whitespace and `::`",
        crate::words::Quoted(.input)
    )]
    Empty {
        /// The string as given.
        input: String,
    },
}

/// The family a label belongs to (SPEC §1).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LabelFamily {
    /// A scoped workflow label (`CSOps::…`), one per state.
    Workflow,
    /// A label of the workflow scope that names no state (`CSOps::Doing`): no state, but by
    /// GitLab's scope rule it displaces the workflow label; read from a tracker it is the
    /// finding `unknown_workflow_label`.
    UnknownWorkflow,
    /// A team / system label (`CS Programs`, `Gainsight`, …).
    Team,
    /// A request-source / segment label (`CSOps - CSM`, `CSOps - Interrupt`, …).
    Source,
    /// Any other label: kept verbatim.
    Other,
}

/// Team / system labels (SPEC §1). The strings are GitLab label titles and match exactly.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Display,
    EnumString,
    EnumIter,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
pub enum TeamLabel {
    /// `CSOps`: every CS Operations issue carries it.
    #[strum(serialize = "CSOps")]
    CsOps,
    /// `CS Programs`: the Digital Programs team.
    #[strum(serialize = "CS Programs")]
    CsPrograms,
    /// `CS Product Usage Reporting`.
    #[strum(serialize = "CS Product Usage Reporting")]
    CsProductUsageReporting,
    /// `CS Analytics`.
    #[strum(serialize = "CS Analytics")]
    CsAnalytics,
    /// `CS RenewalOps`: the Renewal Ops team.
    #[strum(serialize = "CS RenewalOps")]
    CsRenewalOps,
    /// `CS Ops Technical Writing`.
    #[strum(serialize = "CS Ops Technical Writing")]
    CsOpsTechnicalWriting,
    /// `Gainsight`: related to Gainsight.
    #[strum(serialize = "Gainsight")]
    Gainsight,
    /// `Gainsight: Bug`.
    #[strum(serialize = "Gainsight: Bug")]
    GainsightBug,
    /// `Gainsight: Feature Request`.
    #[strum(serialize = "Gainsight: Feature Request")]
    GainsightFeatureRequest,
}

/// Request-source / segment labels (SPEC §1). The strings are GitLab label titles and match
/// exactly.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Display,
    EnumString,
    EnumIter,
    AsRefStr,
    IntoStaticStr,
    VariantArray,
)]
pub enum SourceLabel {
    /// Opened by CS Ops for the benefit of the CSM team.
    #[strum(serialize = "CSOps - CSM-Ops")]
    CsmOps,
    /// From the CSM team.
    #[strum(serialize = "CSOps - CSM")]
    Csm,
    /// From, or for, the PS team.
    #[strum(serialize = "CSOps - PS")]
    Ps,
    /// From, or for, the SA team.
    #[strum(serialize = "CSOps - SA")]
    Sa,
    /// For the CS Ops team itself.
    #[strum(serialize = "CSOps - Ops")]
    Ops,
    /// For the PubSec CSM team.
    #[strum(serialize = "CSOps - PubSec")]
    PubSec,
    /// For the Strategic CSM team.
    #[strum(serialize = "CSOps - Strategic")]
    Strategic,
    /// For the Scale segment.
    #[strum(serialize = "CSOps - Scale")]
    Scale,
    /// Covers all CS segments.
    #[strum(serialize = "CSOps - All Segments")]
    AllSegments,
    /// For the Growth CSM team.
    #[strum(serialize = "CSOps - Growth")]
    Growth,
    /// Came in through Slack.
    #[strum(serialize = "CSOpsSlack-Questions")]
    SlackQuestions,
    /// Tied to a top-priority initiative.
    #[strum(serialize = "CSOPs-Priority")]
    Priority,
    /// Submitted after the current milestone started and prioritised ahead of it.
    #[strum(serialize = "CSOps - Interrupt")]
    Interrupt,
}

/// Two or more workflow labels on one request (SPEC §1): reported, never silently resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkflowAnomaly {
    /// The workflow labels, as the request carries them.
    pub labels: Vec<String>,
    /// The state each of them names.
    pub states: Vec<State>,
}

impl std::fmt::Display for WorkflowAnomaly {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "carries {} workflow labels (", self.labels.len())?;
        for (i, (l, s)) in self.labels.iter().zip(&self.states).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{} = {}", crate::words::Quoted(l), s.title())?;
        }
        f.write_str("); a request has at most one")
    }
}

/// What a parsed label is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelKind<'a> {
    Workflow { state: State, canonical: &'a str },
    UnknownWorkflow,
    Team(TeamLabel),
    Source(SourceLabel),
    Other,
}

/// One parsed label, borrowing the input (kept verbatim) and the taxonomy; `Copy`, and parsing
/// allocates nothing. [`Label::canonical`] gives csops's spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label<'a> {
    text: &'a str,
    kind: LabelKind<'a>,
}

impl<'a> Label<'a> {
    /// Parses a label with the compiled-in taxonomy. Use [`Taxonomy::parse`] (through
    /// [`crate::Config::taxonomy`] or [`crate::Workflow::taxonomy`]) for a replaced one.
    ///
    /// ```
    /// use csops_core::label::Label;
    /// assert_eq!(Label::parse("CSOps::Planning").unwrap().canonical(), "CSOps::Triage");
    /// assert!(Label::parse(" :: ").is_err());
    /// ```
    pub fn parse(input: &'a str) -> Result<Label<'a>, LabelError> {
        Taxonomy::default_ref().parse(input)
    }

    /// The label exactly as given.
    pub fn as_str(&self) -> &'a str {
        self.text
    }

    /// The canonical spelling: the state's canonical label for a workflow label, otherwise the
    /// label itself.
    pub fn canonical(&self) -> &'a str {
        match self.kind {
            LabelKind::Workflow { canonical, .. } => canonical,
            _ => self.text,
        }
    }

    /// The workflow state a workflow label names.
    pub fn state(&self) -> Option<State> {
        match self.kind {
            LabelKind::Workflow { state, .. } => Some(state),
            _ => None,
        }
    }

    /// The family of the label.
    pub fn family(&self) -> LabelFamily {
        match self.kind {
            LabelKind::Workflow { .. } => LabelFamily::Workflow,
            LabelKind::UnknownWorkflow => LabelFamily::UnknownWorkflow,
            LabelKind::Team(_) => LabelFamily::Team,
            LabelKind::Source(_) => LabelFamily::Source,
            LabelKind::Other => LabelFamily::Other,
        }
    }

    /// The team label, when it is one.
    pub fn team(&self) -> Option<TeamLabel> {
        match self.kind {
            LabelKind::Team(t) => Some(t),
            _ => None,
        }
    }

    /// The request-source label, when it is one.
    pub fn source(&self) -> Option<SourceLabel> {
        match self.kind {
            LabelKind::Source(s) => Some(s),
            _ => None,
        }
    }

    /// The GitLab scope of the label (see [`scope`]).
    pub fn scope(&self) -> Option<&'a str> {
        scope(self.text)
    }
}

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text)
    }
}

/// Whether a string cannot be a label: empty, whitespace only, or only `::` separators.
pub fn is_blank(label: &str) -> bool {
    label.chars().all(|c| c.is_whitespace() || c == ':')
}

/// Splits a label at its *last* `::` into (scope, value). A byte scan from the end: a string
/// pattern search costs more than the whole scan on label-sized input.
pub fn split_scoped(label: &str) -> Option<(&str, &str)> {
    let bytes = label.as_bytes();
    let mut end = bytes.len();
    while let Some(colon) = bytes.get(..end)?.iter().rposition(|b| *b == b':') {
        if colon > 0 && bytes.get(colon - 1) == Some(&b':') {
            return Some((label.get(..colon - 1)?, label.get(colon + 1..)?));
        }
        end = colon;
    }
    None
}

/// GitLab's scope of a label: everything before the *last* `::`, or `None` for a plain label.
///
/// ```
/// assert_eq!(csops_core::label::scope("a::b::c"), Some("a::b"));
/// assert_eq!(csops_core::label::scope("plain"), None);
/// ```
pub fn scope(label: &str) -> Option<&str> {
    split_scoped(label).map(|(s, _)| s)
}

#[cfg(test)]
mod tests;
