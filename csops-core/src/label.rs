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

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumIter, EnumString, IntoStaticStr, VariantArray};

use crate::state::State;

/// A label that cannot be a label at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    /// Empty, whitespace only, or made only of `::` separators.
    #[error("label {input:?} is not a label: a label needs text other than whitespace and `::`")]
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
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum LabelFamily {
    /// A scoped workflow label (`CSOps::…`), one per state.
    Workflow,
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

/// The spellings of one state's workflow label: the canonical one written by csops, and the
/// aliases it accepts (SPEC §1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateLabels {
    /// The spelling csops writes. `None` only for [`State::New`], which has no workflow label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical: Option<String>,
    /// Other spellings accepted on input (older pages, typos seen in the wild).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// The workflow-label part of the configuration: state → spellings.
pub type WorkflowLabelConfig = BTreeMap<State, StateLabels>;

/// The compiled-in workflow labels of SPEC §1.
pub fn default_workflow_labels() -> WorkflowLabelConfig {
    let spec: [(State, Option<&str>, &[&str]); 12] = [
        (State::New, None, &["CSOps::New"]),
        (State::Triage, Some("CSOps::Triage"), &["CSOps::Planning"]),
        (State::NeedMoreInfo, Some("CSOps::Need_More_Info"), &[]),
        (
            State::ReadyForAssignment,
            Some("CSOps::Ready_for_Assignment"),
            &[],
        ),
        (State::Unassigned, Some("CSOps::Unassigned"), &[]),
        (State::Backlog, Some("CSOps::Backlog"), &[]),
        (
            State::InProcess,
            Some("CSOps::In_Process"),
            &["CSOps::In Process"],
        ),
        (State::Blocked, Some("CSOps::Blocked"), &[]),
        (
            State::AwaitingFeedback,
            Some("CSOps::Awaiting Feedback"),
            &["CS Ops::Awaiting Feedback"],
        ),
        (
            State::Monitoring,
            Some("CSOps::Monitoring"),
            &["CSOps::Transferred"],
        ),
        (
            State::WontDo,
            Some("CSOps::Won't Do"),
            &["CSOps::Won\u{2019}t Do"],
        ),
        (
            State::Completed,
            Some("CSOps::Completed"),
            &["CSOPs::Completed"],
        ),
    ];
    spec.into_iter()
        .map(|(state, canonical, aliases)| {
            (
                state,
                StateLabels {
                    canonical: canonical.map(str::to_owned),
                    aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
                },
            )
        })
        .collect()
}

/// A spelling in the taxonomy that cannot be used (reported by configuration loading).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TaxonomyProblem {
    /// A state other than New has no canonical label.
    MissingCanonical(State),
    /// New was given a canonical label (it has none: a new request carries only `CSOps`).
    NewHasCanonical,
    /// A spelling is not a scoped label (`scope::value`).
    NotScoped { state: State, spelling: String },
    /// A spelling matches (by the matching rule) a spelling of another state.
    Clash {
        state: State,
        spelling: String,
        other: State,
    },
}

/// The compiled workflow-label taxonomy: classifies any label string in O(1) for the spellings
/// it knows and by the matching rule of SPEC §1 for the others.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    exact: HashMap<String, State>,
    normalized: HashMap<String, State>,
    canonical: [Option<String>; 12],
    /// The canonical spelling used to name a state that has none (New → `CSOps::New`).
    fallback_name: [Option<String>; 12],
}

static DEFAULT_TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(|| {
    Taxonomy::compile(&default_workflow_labels())
        .unwrap_or_else(|problem| unreachable!("the compiled-in taxonomy is valid: {problem:?}"))
});

impl Default for Taxonomy {
    fn default() -> Self {
        DEFAULT_TAXONOMY.clone()
    }
}

/// The matching rule of SPEC §1 applied to one label: the scope ignoring case and spaces, the
/// value ignoring case with space, `_` and `-` alike and `'`/`’` alike. `None` for a plain label.
fn normalize_scoped(label: &str) -> Option<String> {
    let (scope, value) = label.rsplit_once("::")?;
    let mut out = String::with_capacity(label.len());
    out.extend(
        scope
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase),
    );
    out.push_str("::");
    for c in value.trim().chars() {
        match c {
            ' ' | '_' | '-' => out.push('_'),
            '\u{2019}' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
    Some(out)
}

impl Taxonomy {
    /// The taxonomy of the compiled-in configuration (shared, built once).
    pub fn default_ref() -> &'static Taxonomy {
        &DEFAULT_TAXONOMY
    }

    pub(crate) fn compile(config: &WorkflowLabelConfig) -> Result<Taxonomy, TaxonomyProblem> {
        let mut tax = Taxonomy {
            exact: HashMap::new(),
            normalized: HashMap::new(),
            canonical: Default::default(),
            fallback_name: Default::default(),
        };
        for state in State::VARIANTS {
            let spec = config.get(state);
            let canonical = spec.and_then(|s| s.canonical.clone());
            match (state, &canonical) {
                (State::New, Some(_)) => return Err(TaxonomyProblem::NewHasCanonical),
                (State::New, None) => {}
                (_, None) => return Err(TaxonomyProblem::MissingCanonical(*state)),
                (_, Some(_)) => {}
            }
            let aliases = spec.map(|s| s.aliases.as_slice()).unwrap_or_default();
            for spelling in canonical.iter().chain(aliases) {
                let key = normalize_scoped(spelling).ok_or_else(|| TaxonomyProblem::NotScoped {
                    state: *state,
                    spelling: spelling.clone(),
                })?;
                if let Some(other) = tax.normalized.get(&key).filter(|o| *o != state) {
                    return Err(TaxonomyProblem::Clash {
                        state: *state,
                        spelling: spelling.clone(),
                        other: *other,
                    });
                }
                tax.normalized.insert(key, *state);
                tax.exact.insert(spelling.clone(), *state);
            }
            tax.fallback_name[state.index()] =
                canonical.clone().or_else(|| aliases.first().cloned());
            tax.canonical[state.index()] = canonical;
        }
        Ok(tax)
    }

    /// The state a label names, by the matching rule, or `None` for a non-workflow label.
    pub fn state_of(&self, label: &str) -> Option<State> {
        if let Some(s) = self.exact.get(label) {
            return Some(*s);
        }
        if !label.contains("::") {
            return None;
        }
        normalize_scoped(label).and_then(|k| self.normalized.get(&k).copied())
    }

    /// The canonical label of a state (`None` for New).
    pub fn canonical(&self, state: State) -> Option<&str> {
        self.canonical.get(state.index()).and_then(|c| c.as_deref())
    }

    /// Parses a label with this taxonomy.
    pub fn parse(&self, input: &str) -> Result<Label, LabelError> {
        if input.chars().all(|c| c.is_whitespace() || c == ':') {
            return Err(LabelError::Empty {
                input: input.to_owned(),
            });
        }
        let kind = if let Some(state) = self.state_of(input) {
            let canonical = self
                .fallback_name
                .get(state.index())
                .and_then(|c| c.clone())
                .unwrap_or_else(|| input.to_owned());
            LabelKind::Workflow { state, canonical }
        } else if let Ok(team) = input.parse::<TeamLabel>() {
            LabelKind::Team(team)
        } else if let Ok(source) = input.parse::<SourceLabel>() {
            LabelKind::Source(source)
        } else {
            LabelKind::Other
        };
        Ok(Label {
            text: input.to_owned(),
            kind,
        })
    }

    /// Every workflow label among `labels`, with the state each names, in order.
    pub fn workflow_labels<'a, I>(&self, labels: I) -> Vec<(&'a str, State)>
    where
        I: IntoIterator<Item = &'a str>,
    {
        labels
            .into_iter()
            .filter_map(|l| self.state_of(l).map(|s| (l, s)))
            .collect()
    }

    /// The anomaly of SPEC §1: more than one workflow label on one request.
    pub fn anomaly<'a, I>(&self, labels: I) -> Option<WorkflowAnomaly>
    where
        I: IntoIterator<Item = &'a str>,
    {
        let found = self.workflow_labels(labels);
        (found.len() > 1).then(|| WorkflowAnomaly {
            labels: found.iter().map(|(l, _)| (*l).to_owned()).collect(),
            states: found.iter().map(|(_, s)| *s).collect(),
        })
    }
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
            write!(f, "{l:?} = {s}")?;
        }
        f.write_str("); a request has at most one")
    }
}

/// What a parsed label is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LabelKind {
    Workflow { state: State, canonical: String },
    Team(TeamLabel),
    Source(SourceLabel),
    Other,
}

/// One parsed label. The text is kept verbatim; [`Label::canonical`] gives csops's spelling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    text: String,
    kind: LabelKind,
}

impl Label {
    /// Parses a label with the compiled-in taxonomy. Use [`Taxonomy::parse`] (through
    /// [`crate::Config`]) for a replaced one.
    ///
    /// ```
    /// use csops_core::label::Label;
    /// assert_eq!(Label::parse("CSOps::Planning").unwrap().canonical(), "CSOps::Triage");
    /// assert!(Label::parse(" :: ").is_err());
    /// ```
    pub fn parse(input: &str) -> Result<Label, LabelError> {
        Taxonomy::default_ref().parse(input)
    }

    /// The label exactly as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The canonical spelling: the state's canonical label for a workflow label, otherwise the
    /// label itself.
    pub fn canonical(&self) -> &str {
        match &self.kind {
            LabelKind::Workflow { canonical, .. } => canonical,
            _ => &self.text,
        }
    }

    /// The workflow state a workflow label names.
    pub fn state(&self) -> Option<State> {
        match &self.kind {
            LabelKind::Workflow { state, .. } => Some(*state),
            _ => None,
        }
    }

    /// The family of the label.
    pub fn family(&self) -> LabelFamily {
        match self.kind {
            LabelKind::Workflow { .. } => LabelFamily::Workflow,
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
    pub fn scope(&self) -> Option<&str> {
        scope(&self.text)
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// GitLab's scope of a label: everything before the *last* `::`, or `None` for a plain label.
///
/// ```
/// assert_eq!(csops_core::label::scope("a::b::c"), Some("a::b"));
/// assert_eq!(csops_core::label::scope("plain"), None);
/// ```
pub fn scope(label: &str) -> Option<&str> {
    label.rsplit_once("::").map(|(s, _)| s)
}

/// An ordered set of label strings with GitLab's scoped-label semantics: at most one label per
/// scope, and adding a scoped label removes the others of its scope. Scopes compare exactly, as
/// GitLab compares them; csops's own workflow-label replacement across alias spellings is done by
/// the workflow engine's effects, which name every label to remove.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LabelSet(Vec<String>);

impl LabelSet {
    /// An empty set.
    pub fn new() -> LabelSet {
        LabelSet(Vec::new())
    }

    /// Adds a label: a scoped label replaces any other label of the same scope. Returns the
    /// labels it displaced.
    pub fn add(&mut self, label: &str) -> Vec<String> {
        if self.contains(label) {
            return Vec::new();
        }
        let mut displaced = Vec::new();
        if let Some(sc) = scope(label) {
            self.0.retain(|l| {
                let same = scope(l) == Some(sc);
                if same {
                    displaced.push(l.clone());
                }
                !same
            });
        }
        self.0.push(label.to_owned());
        displaced
    }

    /// Removes a label (exact spelling); whether it was there.
    pub fn remove(&mut self, label: &str) -> bool {
        let before = self.0.len();
        self.0.retain(|l| l != label);
        self.0.len() != before
    }

    /// Whether the set holds this exact label.
    pub fn contains(&self, label: &str) -> bool {
        self.0.iter().any(|l| l == label)
    }

    /// The labels, in order.
    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// The labels, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    /// Number of labels.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks every label (none empty or only `::`), as a tracker import does.
    pub fn validate(&self) -> Result<(), LabelError> {
        match self
            .0
            .iter()
            .find(|l| l.chars().all(|c| c.is_whitespace() || c == ':'))
        {
            Some(bad) => Err(LabelError::Empty { input: bad.clone() }),
            None => Ok(()),
        }
    }

    /// Whether any label marks the request as Gainsight-related (`Gainsight*`, SPEC §2
    /// checklist).
    pub fn is_gainsight_related(&self) -> bool {
        self.0.iter().any(|l| {
            l.get(..9)
                .is_some_and(|head| head.eq_ignore_ascii_case("gainsight"))
        })
    }
}

/// Builds a set from labels as a tracker lists them: exact duplicates collapse, and everything
/// else is kept as given (two labels of one scope on an imported issue stay visible, so that
/// they can be reported).
impl<S: Into<String>> FromIterator<S> for LabelSet {
    fn from_iter<T: IntoIterator<Item = S>>(iter: T) -> Self {
        let mut v: Vec<String> = Vec::new();
        for l in iter {
            let l = l.into();
            if !v.contains(&l) {
                v.push(l);
            }
        }
        LabelSet(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(l: &str) -> Option<State> {
        Label::parse(l).unwrap().state()
    }

    #[test]
    fn every_canonical_label_and_alias_names_its_state() {
        let cases = [
            ("CSOps::New", State::New),
            ("CSOps::Triage", State::Triage),
            ("CSOps::Planning", State::Triage),
            ("CSOps::Need_More_Info", State::NeedMoreInfo),
            ("CSOps::Ready_for_Assignment", State::ReadyForAssignment),
            ("CSOps::Unassigned", State::Unassigned),
            ("CSOps::Backlog", State::Backlog),
            ("CSOps::In_Process", State::InProcess),
            ("CSOps::In Process", State::InProcess),
            ("CSOps::Blocked", State::Blocked),
            ("CSOps::Awaiting Feedback", State::AwaitingFeedback),
            ("CS Ops::Awaiting Feedback", State::AwaitingFeedback),
            ("CSOps::Monitoring", State::Monitoring),
            ("CSOps::Transferred", State::Monitoring),
            ("CSOps::Won't Do", State::WontDo),
            ("CSOps::Won\u{2019}t Do", State::WontDo),
            ("CSOps::Completed", State::Completed),
            ("CSOPs::Completed", State::Completed),
        ];
        for (label, want) in cases {
            assert_eq!(state(label), Some(want), "{label}");
        }
    }

    #[test]
    fn matching_rule_ignores_case_spaces_and_separator_kind() {
        assert_eq!(state("csops::need-more-info"), Some(State::NeedMoreInfo));
        assert_eq!(
            state("C S Ops::READY FOR ASSIGNMENT"),
            Some(State::ReadyForAssignment)
        );
        assert_eq!(
            state("CSOps::awaiting_feedback"),
            Some(State::AwaitingFeedback)
        );
        assert_eq!(state("CSOps:: Won’t-Do "), Some(State::WontDo));
        // Not the workflow scope, or not a workflow value.
        assert_eq!(state("Ops::Triage"), None);
        assert_eq!(state("CSOps::Doing"), None);
        assert_eq!(state("CSOps"), None);
    }

    #[test]
    fn canonical_spelling_is_written() {
        let l = Label::parse("CSOps::In Process").unwrap();
        assert_eq!(l.canonical(), "CSOps::In_Process");
        assert_eq!(l.as_str(), "CSOps::In Process");
        assert_eq!(
            Label::parse("csops::new").unwrap().canonical(),
            "CSOps::New"
        );
        assert_eq!(Label::parse("Frontend").unwrap().canonical(), "Frontend");
    }

    #[test]
    fn families() {
        assert_eq!(
            Label::parse("Gainsight: Bug").unwrap().team(),
            Some(TeamLabel::GainsightBug)
        );
        assert_eq!(Label::parse("CSOps").unwrap().family(), LabelFamily::Team);
        let interrupt = Label::parse("CSOps - Interrupt").unwrap();
        assert_eq!(interrupt.source(), Some(SourceLabel::Interrupt));
        assert_eq!(interrupt.family(), LabelFamily::Source);
        assert_eq!(
            Label::parse("CSOPs-Priority").unwrap().source(),
            Some(SourceLabel::Priority)
        );
        let other = Label::parse("team::x").unwrap();
        assert_eq!(other.family(), LabelFamily::Other);
        assert_eq!(other.scope(), Some("team"));
        // Every typed label parses back to itself.
        for t in TeamLabel::VARIANTS {
            assert_eq!(Label::parse(t.as_ref()).unwrap().team(), Some(*t));
        }
        for s in SourceLabel::VARIANTS {
            assert_eq!(Label::parse(s.as_ref()).unwrap().source(), Some(*s));
        }
    }

    #[test]
    fn empty_labels_are_errors() {
        for bad in ["", "   ", "::", " :: ", "::::"] {
            assert_eq!(
                Label::parse(bad),
                Err(LabelError::Empty { input: bad.into() }),
                "{bad:?}"
            );
        }
        let set = LabelSet::from_iter(["ok", " "]);
        assert!(set.validate().is_err());
    }

    #[test]
    fn scoped_semantics_replace_by_last_scope() {
        let mut s = LabelSet::from_iter(["team::a", "team::b::x", "plain"]);
        assert_eq!(s.add("team::b::y"), vec!["team::b::x".to_string()]);
        assert_eq!(s.as_slice(), ["team::a", "plain", "team::b::y"]);
        assert!(s.add("plain").is_empty());
        assert_eq!(s.len(), 3);
        assert!(s.remove("plain"));
        assert!(!s.remove("plain"));
    }

    #[test]
    fn two_workflow_labels_are_an_anomaly() {
        let t = Taxonomy::default_ref();
        let a = t
            .anomaly(["CSOps", "CSOps::Triage", "CS Ops::Awaiting Feedback"])
            .unwrap();
        assert_eq!(a.states, vec![State::Triage, State::AwaitingFeedback]);
        assert!(a.to_string().contains("CS Ops::Awaiting Feedback"));
        assert!(t.anomaly(["CSOps", "CSOps::Triage"]).is_none());
    }

    #[test]
    fn gainsight_related() {
        assert!(LabelSet::from_iter(["Gainsight: Bug"]).is_gainsight_related());
        assert!(LabelSet::from_iter(["gainsight"]).is_gainsight_related());
        assert!(!LabelSet::from_iter(["CSOps", "Gain"]).is_gainsight_related());
    }

    #[test]
    fn taxonomy_problems() {
        let mut cfg = default_workflow_labels();
        cfg.get_mut(&State::Blocked)
            .unwrap()
            .aliases
            .push("CSOps::Triage".into());
        assert!(matches!(
            Taxonomy::compile(&cfg),
            Err(TaxonomyProblem::Clash {
                state: State::Blocked,
                ..
            })
        ));
        let mut cfg = default_workflow_labels();
        cfg.get_mut(&State::Blocked).unwrap().canonical = None;
        assert_eq!(
            Taxonomy::compile(&cfg).unwrap_err(),
            TaxonomyProblem::MissingCanonical(State::Blocked)
        );
        let mut cfg = default_workflow_labels();
        cfg.get_mut(&State::Blocked)
            .unwrap()
            .aliases
            .push("Blocked".into());
        assert!(matches!(
            Taxonomy::compile(&cfg),
            Err(TaxonomyProblem::NotScoped { .. })
        ));
    }
}
