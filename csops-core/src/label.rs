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

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, Display, EnumCount, EnumIter, EnumString, IntoStaticStr, VariantArray};

use crate::state::State;

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

/// The workflow labels of one normalised scope: normalised value → state.
#[derive(Debug, Clone)]
struct ScopeTable {
    scope: String,
    values: FxHashMap<String, State>,
}

/// The compiled workflow-label taxonomy: classifies any label string by the matching rule of
/// SPEC §1. A label spelled exactly as configured (canonical or alias: what trackers carry) is
/// one hash lookup; any other label has its scope compared in place with the configured
/// workflow scopes (most differ at the first byte); only a workflow-scoped label in an unlisted
/// spelling is normalised in full.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    exact: FxHashMap<String, State>,
    scopes: Vec<ScopeTable>,
    canonical: [Option<String>; State::COUNT],
    /// The spelling used to name a state that has no canonical label (New → `CSOps::New`).
    fallback_name: [Option<String>; State::COUNT],
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

/// The matching rule of SPEC §1 for the scope: ignoring case and spaces.
fn normalize_scope(scope: &str) -> String {
    scope
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The matching rule of SPEC §1 for the value: ignoring case and surrounding space, with space,
/// `_` and `-` alike, and `'` and `’` alike.
fn normalize_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.trim().chars() {
        match c {
            ' ' | '_' | '-' => out.push('_'),
            '\u{2019}' => out.push('\''),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// [`normalize_value`] for an ASCII value, into `buf`; `None` for a value that is not ASCII or
/// does not fit (the caller then takes the general path).
fn ascii_value_key<'b>(value: &str, buf: &'b mut [u8; 64]) -> Option<&'b str> {
    let value = value.trim();
    if !value.is_ascii() {
        return None;
    }
    let out = buf.get_mut(..value.len())?;
    for (slot, b) in out.iter_mut().zip(value.bytes()) {
        *slot = match b {
            b' ' | b'_' | b'-' => b'_',
            b => b.to_ascii_lowercase(),
        };
    }
    std::str::from_utf8(out).ok()
}

/// The matching rule applied to a whole label: (scope, value) normalised, `None` for a plain
/// label.
fn normalize_scoped(label: &str) -> Option<(String, String)> {
    let (scope, value) = split_scoped(label)?;
    Some((normalize_scope(scope), normalize_value(value)))
}

/// Whether a raw scope normalises to `normalized`: compared in place for ASCII (most scopes
/// differ at the first byte), by [`normalize_scope`] otherwise.
fn scope_matches(raw: &str, normalized: &str) -> bool {
    if !raw.is_ascii() {
        return normalize_scope(raw) == normalized;
    }
    let mut want = normalized.bytes();
    for b in raw.bytes().filter(|b| !(*b as char).is_whitespace()) {
        if want.next() != Some(b.to_ascii_lowercase()) {
            return false;
        }
    }
    want.next().is_none()
}

impl Taxonomy {
    /// The taxonomy of the compiled-in configuration (shared, built once).
    pub fn default_ref() -> &'static Taxonomy {
        &DEFAULT_TAXONOMY
    }

    pub(crate) fn compile(config: &WorkflowLabelConfig) -> Result<Taxonomy, TaxonomyProblem> {
        let mut tax = Taxonomy {
            exact: FxHashMap::default(),
            scopes: Vec::new(),
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
                let (scope, value) =
                    normalize_scoped(spelling).ok_or_else(|| TaxonomyProblem::NotScoped {
                        state: *state,
                        spelling: spelling.clone(),
                    })?;
                if let Some(other) = tax.lookup(&scope, &value).filter(|o| o != state) {
                    return Err(TaxonomyProblem::Clash {
                        state: *state,
                        spelling: spelling.clone(),
                        other,
                    });
                }
                let table = match tax.scopes.iter().position(|t| t.scope == scope) {
                    Some(i) => tax.scopes.get_mut(i),
                    None => {
                        tax.scopes.push(ScopeTable {
                            scope,
                            values: FxHashMap::default(),
                        });
                        tax.scopes.last_mut()
                    }
                };
                if let Some(table) = table {
                    table.values.insert(value, *state);
                }
                tax.exact.insert(spelling.clone(), *state);
            }
            tax.fallback_name[state.index()] =
                canonical.clone().or_else(|| aliases.first().cloned());
            tax.canonical[state.index()] = canonical;
        }
        Ok(tax)
    }

    fn lookup(&self, scope: &str, value: &str) -> Option<State> {
        let table = self.scopes.iter().find(|t| t.scope == scope)?;
        table.values.get(value).copied()
    }

    /// The state a label names, by the matching rule, or `None` for a non-workflow label.
    pub fn state_of(&self, label: &str) -> Option<State> {
        // Every workflow label is scoped: a plain label costs only this scan.
        let (scope, value) = split_scoped(label)?;
        if let Some(state) = self.exact.get(label) {
            return Some(*state);
        }
        let table = self
            .scopes
            .iter()
            .find(|t| scope_matches(scope, &t.scope))?;
        // An unlisted spelling: for ASCII, the rule reduces to bytes and fits a stack buffer.
        let mut buf = [0u8; 64];
        match ascii_value_key(value, &mut buf) {
            Some(key) => table.values.get(key).copied(),
            None => table.values.get(&normalize_value(value)).copied(),
        }
    }

    /// The canonical label of a state (`None` for New).
    pub fn canonical(&self, state: State) -> Option<&str> {
        self.canonical.get(state.index()).and_then(|c| c.as_deref())
    }

    /// Parses a label with this taxonomy. Nothing is allocated: the label borrows the input and
    /// the taxonomy.
    pub fn parse<'a>(&'a self, input: &'a str) -> Result<Label<'a>, LabelError> {
        if is_blank(input) {
            return Err(LabelError::Empty {
                input: input.to_owned(),
            });
        }
        let kind = if let Some(state) = self.state_of(input) {
            let canonical = self
                .fallback_name
                .get(state.index())
                .and_then(|c| c.as_deref())
                .unwrap_or(input);
            LabelKind::Workflow { state, canonical }
        } else if self.in_workflow_scope(input) {
            LabelKind::UnknownWorkflow
        } else if let Ok(team) = input.parse::<TeamLabel>() {
            LabelKind::Team(team)
        } else if let Ok(source) = input.parse::<SourceLabel>() {
            LabelKind::Source(source)
        } else {
            LabelKind::Other
        };
        Ok(Label { text: input, kind })
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

    /// Whether a label is the team label of the workflow's scope (`CSOps`): a plain label
    /// spelled as a workflow scope, by the scope's matching rule (case and spaces ignored).
    pub fn is_team_label(&self, label: &str) -> bool {
        split_scoped(label).is_none() && self.scopes.iter().any(|t| scope_matches(label, &t.scope))
    }

    /// Whether a label is of a workflow scope (`CSOps::…`, any value, listed or not).
    pub fn in_workflow_scope(&self, label: &str) -> bool {
        split_scoped(label)
            .is_some_and(|(scope, _)| self.scopes.iter().any(|t| scope_matches(scope, &t.scope)))
    }

    /// Whether an issue with these labels is a CS Ops request (SPEC §7 "Managed requests"): it
    /// carries the team label `CSOps` or any label of the workflow scope.
    ///
    /// ```
    /// use csops_core::label::Taxonomy;
    /// let tax = Taxonomy::default_ref();
    /// assert!(tax.is_managed(["bug", "CSOps"]));
    /// assert!(tax.is_managed(["csops::in process"]));
    /// assert!(!tax.is_managed(["bug", "workflow::in dev", "CSOps - Scale"]));
    /// ```
    pub fn is_managed<'a, I>(&self, labels: I) -> bool
    where
        I: IntoIterator<Item = &'a str>,
    {
        labels
            .into_iter()
            .any(|l| self.is_team_label(l) || self.in_workflow_scope(l))
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
        self.add_unchecked(label)
    }

    /// [`LabelSet::add`] for a label a user gives: a blank one (empty, whitespace only, or
    /// only `::`) is an error and the set is unchanged.
    ///
    /// ```
    /// use csops_core::LabelSet;
    /// let mut set = LabelSet::from_iter(["CSOps::Triage".to_owned()]);
    /// assert_eq!(set.try_add("CSOps::In_Process")?, vec!["CSOps::Triage".to_owned()]);
    /// assert!(set.try_add(" :: ").is_err());
    /// # Ok::<(), csops_core::label::LabelError>(())
    /// ```
    pub fn try_add(&mut self, label: &str) -> Result<Vec<String>, LabelError> {
        if is_blank(label) {
            return Err(LabelError::Empty {
                input: label.to_owned(),
            });
        }
        Ok(self.add_unchecked(label))
    }

    fn add_unchecked(&mut self, label: &str) -> Vec<String> {
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

    /// Removes and returns every label `pred` holds for, in order.
    pub fn take_where(&mut self, mut pred: impl FnMut(&str) -> bool) -> Vec<String> {
        let mut taken = Vec::new();
        let mut i = 0;
        while i < self.0.len() {
            if self.0.get(i).is_some_and(|l| pred(l)) {
                taken.push(self.0.remove(i));
            } else {
                i += 1;
            }
        }
        taken
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
        match self.first_blank() {
            Some((_, bad)) => Err(LabelError::Empty {
                input: bad.to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// The first label that cannot be a label (see [`is_blank`]), with its position.
    pub fn first_blank(&self) -> Option<(usize, &str)> {
        self.iter().enumerate().find(|(_, l)| is_blank(l))
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
        // A value of the workflow scope that names no state is its own family (issue 14), and
        // by GitLab's scope rule it displaces the workflow label.
        let doing = Label::parse("CSOps::Doing").unwrap();
        assert_eq!(
            (doing.family(), doing.state()),
            (LabelFamily::UnknownWorkflow, None)
        );
        assert_eq!(
            Label::parse("cs ops::doing").unwrap().family(),
            LabelFamily::UnknownWorkflow
        );
        let mut set = LabelSet::from_iter(["CSOps", "CSOps::Triage"]);
        set.add("CSOps::Doing");
        assert_eq!(set.as_slice(), ["CSOps", "CSOps::Doing"]);
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

    proptest::proptest! {
        #[test]
        fn in_place_scope_comparison_agrees_with_normalising(a in "[ -~\u{b}ÀÉÖé’ ]{0,12}", b in "[ -~\u{b}ÀÉÖé’ ]{0,12}") {
            proptest::prop_assert!(scope_matches(&a, &normalize_scope(&a)));
            proptest::prop_assert_eq!(scope_matches(&a, &normalize_scope(&b)), normalize_scope(&a) == normalize_scope(&b));
        }

        #[test]
        fn state_of_agrees_with_the_general_rule(label in "(CSOps|CS Ops|csops|team|Ops)::[ A-Za-z_'’-]{0,24}") {
            let t = Taxonomy::default_ref();
            let general = normalize_scoped(&label).and_then(|(s, v)| t.lookup(&s, &v));
            proptest::prop_assert_eq!(t.state_of(&label), general);
        }
    }

    #[test]
    fn long_spellings_match() {
        let long_scope = format!("Ops {}", "Very Long Team Name ".repeat(10));
        let long_value = format!("In Progress {}", "and then some ".repeat(12))
            .trim()
            .to_owned();
        let mut cfg = default_workflow_labels();
        cfg.get_mut(&State::Blocked)
            .unwrap()
            .aliases
            .push(format!("{long_scope}::Stuck"));
        cfg.get_mut(&State::Backlog)
            .unwrap()
            .aliases
            .push(format!("CSOps::{long_value}"));
        let t = Taxonomy::compile(&cfg).unwrap();
        assert_eq!(
            t.state_of(&format!("{}::stuck", long_scope.to_uppercase())),
            Some(State::Blocked)
        );
        assert_eq!(
            t.state_of(&format!("csops::{}", long_value.replace(' ', "-"))),
            Some(State::Backlog)
        );
        assert_eq!(t.state_of(&format!("{long_scope}::Other")), None);
        assert_eq!(t.state_of("CSOps::Triage"), Some(State::Triage));
    }

    #[test]
    fn non_ascii_labels_follow_the_rule() {
        let t = Taxonomy::default_ref();
        assert_eq!(t.state_of("CSOPS::WON’T DO"), Some(State::WontDo));
        assert_eq!(t.state_of("CSOps::Wön't Do"), None);
        assert_eq!(t.state_of("ÇSOps::Triage"), None);
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
