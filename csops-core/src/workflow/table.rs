//! The transition table of SPEC §2, as one declaration. The engine, the Mermaid / DOT diagrams
//! and the tests all read [`TRANSITIONS`]; there is no second copy of it anywhere.

use serde::Serialize;
use strum::{Display, EnumString, IntoStaticStr};

use super::command::{CommandKind, TextInput};
use crate::state::{State, StateSet};

/// Who a rule names, relative to the request (SPEC §2 "Roles").
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Display, EnumString, IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Party {
    /// The lead of the request's workstream (for a request that has none yet, the lead of the
    /// workstream the command names: only `triage` names one).
    Lead,
    /// The request's assignee.
    Assignee,
    /// The request's author.
    Requester,
    /// The request's peer reviewer.
    Reviewer,
    /// A `cs_ops` member who takes the request for themselves (the assignee is the actor).
    SelfAssigningCsOps,
}

/// What a rule needs besides the right actor: its "what" guards (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "requirement", content = "field")]
pub enum Requirement {
    /// A non-empty free-text input.
    Text(TextInput),
    /// A workstream: named by the command, or already set on the request.
    Workstream,
    /// A valid weight (SPEC §3): given now (`weight` or `hours`) or set before.
    Weight,
    /// An assignee given now who is a `cs_ops` member (or the actor, when a cs_ops member).
    NewAssignee,
    /// The request already has an assignee.
    HasAssignee,
    /// A peer reviewer who is not the assignee; a `gainsight_admin` when review is required.
    Reviewer,
    /// The current review round approved by the reviewer (qualified when review is required).
    ReviewApproved,
    /// Peer review is not required for this request (SPEC §4).
    ReviewNotRequired,
    /// The review may be waived: it is not required (SPEC §4: a required review never is).
    ReviewWaivable,
    /// The closing checklist complete; `peer_review` says whether the peer-review item counts.
    Checklist {
        /// Whether "peer review followed" is part of the checklist here.
        peer_review: bool,
    },
}

impl Requirement {
    /// Whether a tracker shows it after the fact (SPEC §7), so that a move seen on one is
    /// held to it: the weight, and whether its review was required (its change kind,
    /// or its labels). Inputs, the checklist, who was asked to review and approvals are not
    /// shown; an assignee is, as the need of the state moved to
    /// ([`State::needs_assignee`]), checked for every move into it.
    pub const fn shows_on_tracker(self) -> bool {
        matches!(self, Requirement::Weight | Requirement::ReviewNotRequired)
    }
}

/// Where a rule leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// A state change.
    To(State),
    /// A recorded step that leaves the state unchanged (approvals, waivers).
    Same,
}

/// One row of the transition table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The command.
    pub command: CommandKind,
    /// The states it applies in.
    pub from: StateSet,
    /// Where it leads.
    pub to: Target,
    /// Who may apply it (any one of them).
    pub who: &'static [Party],
    /// What it needs.
    pub requires: &'static [Requirement],
    /// Who is told (never the actor).
    pub notify: &'static [Party],
    /// The guard in words, as the spec gives it (for docs and diagrams).
    pub guard: &'static str,
}

impl Rule {
    /// The state the rule leads to from `from`.
    pub fn target(&self, from: State) -> State {
        match self.to {
            Target::To(s) => s,
            Target::Same => from,
        }
    }
}

use Party::{Assignee, Lead, Requester, Reviewer, SelfAssigningCsOps};
use Requirement as R;
use State::*;

const fn from(states: &[State]) -> StateSet {
    StateSet::of(states)
}

/// SPEC §2's transition table. Every (command, state) pair not matched by a row is an
/// `invalid_transition`. No two rows share a command and a state.
pub static TRANSITIONS: &[Rule] = &[
    Rule {
        command: CommandKind::Triage,
        from: from(&[New]),
        to: Target::To(Triage),
        who: &[Lead],
        requires: &[R::Workstream],
        notify: &[Requester],
        guard: "weekly review; workstream must be known",
    },
    Rule {
        command: CommandKind::RequestInfo,
        from: from(&[New, Triage]),
        to: Target::To(NeedMoreInfo),
        who: &[Lead, Assignee],
        requires: &[R::Text(TextInput::Question)],
        notify: &[Requester],
        guard: "a question for the requester",
    },
    Rule {
        command: CommandKind::RequestInfo,
        from: from(&[InProcess]),
        to: Target::To(NeedMoreInfo),
        who: &[Assignee],
        requires: &[R::Text(TextInput::Question)],
        notify: &[Requester],
        guard: "a question",
    },
    Rule {
        command: CommandKind::ProvideInfo,
        from: from(&[NeedMoreInfo]),
        to: Target::To(Triage),
        who: &[Requester, Lead],
        requires: &[R::Text(TextInput::Answer)],
        notify: &[Lead, Assignee],
        guard: "the answer",
    },
    Rule {
        command: CommandKind::Resume,
        from: from(&[NeedMoreInfo]),
        to: Target::To(InProcess),
        who: &[Assignee],
        requires: &[R::HasAssignee],
        notify: &[Requester],
        guard: "request already has an assignee",
    },
    Rule {
        command: CommandKind::Decline,
        from: StateSet::OPEN,
        to: Target::To(WontDo),
        who: &[Lead],
        requires: &[R::Text(TextInput::Reason)],
        notify: &[Requester, Assignee],
        guard: "a reason; closes the issue",
    },
    Rule {
        command: CommandKind::Transfer,
        from: from(&[New, Triage]),
        to: Target::To(Monitoring),
        who: &[Lead],
        requires: &[R::Text(TextInput::Team)],
        notify: &[Requester],
        guard: "the team it was transferred to",
    },
    Rule {
        command: CommandKind::Defer,
        from: from(&[New, Triage]),
        to: Target::To(Backlog),
        who: &[Lead],
        requires: &[],
        notify: &[Requester],
        guard: "lower priority / not within 90 days",
    },
    Rule {
        command: CommandKind::MarkUnassigned,
        from: from(&[Triage]),
        to: Target::To(Unassigned),
        who: &[Lead],
        requires: &[],
        notify: &[Requester],
        guard: "agreed to do, no capacity",
    },
    Rule {
        command: CommandKind::Ready,
        from: from(&[Triage]),
        to: Target::To(ReadyForAssignment),
        who: &[Lead],
        requires: &[R::Weight],
        notify: &[Requester],
        guard: "a weight",
    },
    Rule {
        command: CommandKind::Start,
        from: from(&[ReadyForAssignment, Unassigned, Backlog]),
        to: Target::To(InProcess),
        who: &[Lead, SelfAssigningCsOps],
        requires: &[R::NewAssignee, R::Weight],
        notify: &[Assignee, Requester],
        guard: "an assignee; a weight (given now or set before)",
    },
    Rule {
        command: CommandKind::Reprioritize,
        from: from(&[Backlog, Unassigned]),
        to: Target::To(Triage),
        who: &[Lead],
        requires: &[],
        notify: &[Requester],
        guard: "re-prioritised",
    },
    Rule {
        command: CommandKind::Block,
        from: from(&[InProcess]),
        to: Target::To(Blocked),
        who: &[Assignee],
        requires: &[R::Text(TextInput::Reason)],
        notify: &[Lead],
        guard: "the blocker",
    },
    Rule {
        command: CommandKind::Unblock,
        from: from(&[Blocked]),
        to: Target::To(InProcess),
        who: &[Assignee],
        requires: &[],
        notify: &[Lead],
        guard: "",
    },
    Rule {
        command: CommandKind::RequestReview,
        from: from(&[InProcess]),
        to: Target::To(AwaitingFeedback),
        who: &[Assignee],
        requires: &[R::Reviewer, R::Text(TextInput::Summary)],
        notify: &[Reviewer],
        guard: "a peer reviewer who is not the assignee; a resolution summary",
    },
    Rule {
        command: CommandKind::RequestChanges,
        from: from(&[AwaitingFeedback]),
        to: Target::To(InProcess),
        who: &[Reviewer],
        requires: &[R::Text(TextInput::Comment)],
        notify: &[Assignee],
        guard: "changes requested",
    },
    Rule {
        command: CommandKind::ApproveReview,
        from: from(&[AwaitingFeedback]),
        to: Target::Same,
        who: &[Reviewer],
        requires: &[],
        notify: &[Assignee],
        guard: "records the approval",
    },
    Rule {
        command: CommandKind::WaiveReview,
        from: from(&[InProcess]),
        to: Target::Same,
        who: &[Assignee],
        requires: &[R::ReviewWaivable, R::Text(TextInput::Reason)],
        notify: &[Lead],
        guard: "records a waiver of a recommended review",
    },
    Rule {
        command: CommandKind::Complete,
        from: from(&[AwaitingFeedback]),
        to: Target::To(Completed),
        who: &[Assignee],
        requires: &[R::ReviewApproved, R::Checklist { peer_review: true }],
        notify: &[Requester, Lead],
        guard: "review approved; closing checklist complete",
    },
    Rule {
        command: CommandKind::Complete,
        from: from(&[InProcess]),
        to: Target::To(Completed),
        who: &[Assignee],
        requires: &[R::ReviewNotRequired, R::Checklist { peer_review: true }],
        notify: &[Requester, Lead],
        guard: "peer review not required; closing checklist complete",
    },
    Rule {
        command: CommandKind::Complete,
        from: from(&[Monitoring]),
        to: Target::To(Completed),
        who: &[Lead],
        requires: &[R::Checklist { peer_review: false }],
        notify: &[Requester],
        guard: "the other team finished; closing checklist",
    },
    Rule {
        command: CommandKind::Return,
        from: from(&[Monitoring]),
        to: Target::To(Triage),
        who: &[Lead],
        requires: &[],
        notify: &[Requester],
        guard: "it came back",
    },
    Rule {
        command: CommandKind::Reopen,
        from: from(&[Completed, WontDo]),
        to: Target::To(Triage),
        who: &[Lead],
        requires: &[],
        notify: &[Requester, Assignee],
        guard: "reopen",
    },
];

/// The row for a command in a state, if any.
pub fn rule_for(command: CommandKind, state: State) -> Option<&'static Rule> {
    TRANSITIONS
        .iter()
        .find(|r| r.command == command && r.from.contains(state))
}

/// The row that moves a request from `from` to `to` (a state change), if any. The table never
/// has two rows for one change, so the command of a change seen only as labels is known.
pub fn rule_between(from: State, to: State) -> Option<&'static Rule> {
    if from == to {
        return None;
    }
    TRANSITIONS
        .iter()
        .find(|r| r.to == Target::To(to) && r.from.contains(from))
}

/// The states the table moves a request to from `from`, in table order, each once.
pub fn targets_from(from: State) -> Vec<State> {
    let mut out = Vec::new();
    for r in TRANSITIONS.iter().filter(|r| r.from.contains(from)) {
        if let Target::To(s) = r.to
            && !out.contains(&s)
        {
            out.push(s);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    #[test]
    fn a_state_change_names_at_most_one_row() {
        for a in State::VARIANTS {
            for b in State::VARIANTS {
                let n = TRANSITIONS
                    .iter()
                    .filter(|r| a != b && r.to == Target::To(*b) && r.from.contains(*a))
                    .count();
                assert!(n <= 1, "{a} -> {b} has {n} rows");
                assert_eq!(rule_between(*a, *b).is_some(), n == 1, "{a} -> {b}");
            }
        }
        assert_eq!(
            rule_between(InProcess, Completed).map(|r| r.command),
            Some(CommandKind::Complete)
        );
        assert_eq!(rule_between(Triage, InProcess), None);
    }

    #[test]
    fn no_two_rows_share_a_command_and_a_state() {
        for c in CommandKind::VARIANTS {
            for s in State::VARIANTS {
                let n = TRANSITIONS
                    .iter()
                    .filter(|r| r.command == *c && r.from.contains(*s))
                    .count();
                assert!(n <= 1, "{c} in {s} has {n} rows");
            }
        }
    }

    #[test]
    fn every_command_but_relabel_has_a_row_and_every_state_but_new_is_reachable() {
        for c in CommandKind::VARIANTS
            .iter()
            .filter(|c| **c != CommandKind::Relabel)
        {
            assert!(TRANSITIONS.iter().any(|r| r.command == *c), "{c}");
        }
        for s in State::VARIANTS.iter().filter(|s| **s != New) {
            assert!(TRANSITIONS.iter().any(|r| r.to == Target::To(*s)), "{s}");
        }
    }

    #[test]
    fn spec_rows_spot_checks() {
        assert_eq!(rule_for(CommandKind::Start, Triage), None);
        assert_eq!(
            rule_for(CommandKind::Decline, Monitoring).map(|r| r.to),
            Some(Target::To(WontDo))
        );
        assert_eq!(rule_for(CommandKind::Decline, Completed), None);
        assert_eq!(
            rule_for(CommandKind::Reopen, WontDo).map(|r| r.who),
            Some(&[Lead][..])
        );
        assert_eq!(
            rule_for(CommandKind::RequestInfo, InProcess).map(|r| r.who),
            Some(&[Assignee][..])
        );
        assert_eq!(rule_for(CommandKind::Complete, Blocked), None);
    }
}
