//! The label taxonomy (SPEC §1): each workflow state's canonical label and aliases, compiled
//! once into tables that tell a label's state, scope and family.

use crate::state::State;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;
use strum::{EnumCount, VariantArray};

use super::*;

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
pub(crate) struct ScopeTable {
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
    canonical: [Option<Name>; State::COUNT],
    /// The spelling used to name a state that has no canonical label (New → `CSOps::New`).
    fallback_name: [Option<String>; State::COUNT],
}

pub(crate) static DEFAULT_TAXONOMY: LazyLock<Taxonomy> = LazyLock::new(|| {
    Taxonomy::compile(&default_workflow_labels())
        .unwrap_or_else(|problem| unreachable!("the compiled-in taxonomy is valid: {problem:?}"))
});

impl Default for Taxonomy {
    fn default() -> Self {
        DEFAULT_TAXONOMY.clone()
    }
}

/// The matching rule of SPEC §1 for the scope: ignoring case and spaces.
pub(crate) fn normalize_scope(scope: &str) -> String {
    scope
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The matching rule of SPEC §1 for the value: ignoring case and surrounding space, with space,
/// `_` and `-` alike, and `'` and `’` alike.
pub(crate) fn normalize_value(value: &str) -> String {
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
pub(crate) fn ascii_value_key<'b>(value: &str, buf: &'b mut [u8; 64]) -> Option<&'b str> {
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
pub(crate) fn normalize_scoped(label: &str) -> Option<(String, String)> {
    let (scope, value) = split_scoped(label)?;
    Some((normalize_scope(scope), normalize_value(value)))
}

/// Whether a raw scope normalises to `normalized`: compared in place for ASCII (most scopes
/// differ at the first byte), by [`normalize_scope`] otherwise.
pub(crate) fn scope_matches(raw: &str, normalized: &str) -> bool {
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
            tax.canonical[state.index()] = canonical.map(Name::from);
        }
        Ok(tax)
    }

    pub(crate) fn lookup(&self, scope: &str, value: &str) -> Option<State> {
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
        self.canonical_name(state).map(|c| &**c)
    }

    /// [`Taxonomy::state_of`] for a label held as a [`Name`]: a label that is this taxonomy's
    /// own canonical spelling (what the workflow writes, and what loading shares) is known by
    /// its address, without reading its text.
    pub fn state_of_name(&self, label: &Name) -> Option<State> {
        for (state, canonical) in State::VARIANTS.iter().zip(&self.canonical) {
            if canonical.as_ref().is_some_and(|c| Name::ptr_eq(c, label)) {
                return Some(*state);
            }
        }
        self.state_of(label)
    }

    /// The taxonomy's own copy of a label spelled exactly as a canonical label, to share.
    pub(crate) fn shared_canonical(&self, label: &str) -> Option<&Name> {
        self.canonical.iter().flatten().find(|c| ***c == *label)
    }

    /// [`Taxonomy::canonical`] as the taxonomy's shared [`Name`], which a transition and a
    /// request share without copying.
    pub fn canonical_name(&self, state: State) -> Option<&Name> {
        self.canonical.get(state.index()).and_then(Option::as_ref)
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
