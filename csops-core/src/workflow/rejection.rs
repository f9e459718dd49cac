//! Rejections: why a command was not applied, listing every unmet requirement.

use std::fmt::{self, Display, Formatter};

use chrono::{DateTime, Utc};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use strum::{EnumString, IntoStaticStr, VariantArray};

use super::{ChecklistItem, CommandKind, Party, Request, TRANSITIONS, TextInput};
use crate::directory::Directory;
use crate::name::Name;
use crate::review::ChangeKind;
use crate::routing::Workstream;
use crate::state::State;
use crate::weight::WeightError;
use crate::words::{Quoted, bounded_name};

/// The kind of a rejection (the `expect_error.kind` of the vectors). The declaration order is the
/// precedence of `conformance/FORMAT.md`: when a step breaks several rules, the rejection's kind
/// is the first of them in this order.
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
    strum::Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum RejectionKind {
    /// The actor (or a person named in the command) is not in the directory and is not the
    /// requester.
    UnknownPerson,
    /// The step is dated before the request's creation or its last recorded step.
    InvalidTime,
    /// The command does not apply in the request's state.
    InvalidTransition,
    /// The actor does not hold a role the transition needs.
    NotPermitted,
    /// A required input is missing or empty.
    MissingInput,
    /// A weight outside 1, 3, 5, 7, or an invalid estimate.
    InvalidWeight,
    /// An estimate of more than 7 hours: an epic, not an issue.
    NeedsEpic,
    /// A peer review is required and not (properly) given.
    ReviewRequired,
    /// The closing checklist is incomplete.
    ChecklistIncomplete,
}

impl RejectionKind {
    /// The kind's name as in the vectors (`"not_permitted"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The kind a weight error has when it rejects a command (and in the `weight` vectors).
impl From<&crate::weight::WeightError> for RejectionKind {
    fn from(e: &crate::weight::WeightError) -> RejectionKind {
        match e {
            crate::weight::WeightError::NeedsEpic { .. } => RejectionKind::NeedsEpic,
            _ => RejectionKind::InvalidWeight,
        }
    }
}

/// The people a rule names, as they stood when a command was refused: what a
/// [`Reason::NotPermitted`] words its parties with.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyNames {
    /// The workstream whose lead may act, when known.
    pub lead_workstream: Option<Workstream>,
    /// That workstream's lead.
    pub lead: Option<Name>,
    /// The request's assignee.
    pub assignee: Option<Name>,
    /// The requester.
    pub requester: Name,
    /// The request's peer reviewer.
    pub reviewer: Option<Name>,
}

/// Why one requirement is unmet: the facts, kept as they are and worded only when read
/// ([`Problem::rule`], `Display`). Building a rejection formats nothing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reason {
    /// The actor is not in the directory and is not the requester.
    UnknownActor {
        /// The actor.
        actor: Name,
    },
    /// The step is dated before the request's creation.
    BeforeCreation {
        /// The step's time.
        at: DateTime<Utc>,
        /// The request's creation.
        created_at: DateTime<Utc>,
    },
    /// The step is dated before the request's last step.
    BeforeLastStep {
        /// The step's time.
        at: DateTime<Utc>,
        /// The last step's time.
        last: DateTime<Utc>,
    },
    /// The command has no row in the transition table (it only records a tracker's history).
    NotInTable {
        /// The command.
        command: CommandKind,
    },
    /// A move seen on a tracker that the table does not have (SPEC §2: every transition not
    /// listed is rejected).
    NoSuchMove {
        /// The state before.
        from: State,
        /// The state after.
        to: State,
    },
    /// The command does not apply in the request's state.
    NotFromState {
        /// The command.
        command: CommandKind,
        /// The request's state.
        state: State,
    },
    /// The actor is none of the rule's parties.
    NotPermitted {
        /// The command.
        command: CommandKind,
        /// The request's state.
        state: State,
        /// Who may act, by the table.
        who: &'static [Party],
        /// Those parties' names.
        names: PartyNames,
        /// The actor.
        actor: Name,
    },
    /// A free-text input the rule needs is missing or blank.
    MissingText {
        /// The command.
        command: CommandKind,
        /// The input.
        field: TextInput,
    },
    /// No workstream: the request has none and the command names none.
    NoWorkstream {
        /// The command.
        command: CommandKind,
    },
    /// The weight or estimate given is not one.
    Weight {
        /// What is wrong with it.
        error: WeightError,
        /// The weight given with an estimate that disagrees with it.
        disagrees: Option<(i64, f64)>,
    },
    /// The request's own weight is not a CS Ops weight, and the command gives none.
    RequestWeightInvalid {
        /// The command.
        command: CommandKind,
        /// The request's weight.
        invalid: u64,
    },
    /// No weight: the request has none and the command gives none.
    NoWeight {
        /// The command.
        command: CommandKind,
    },
    /// The command names no assignee (and the actor does not take it).
    NoAssignee {
        /// The command.
        command: CommandKind,
    },
    /// The assignee named is not in the directory.
    AssigneeUnknown {
        /// The assignee.
        assignee: Name,
    },
    /// The assignee named is not a `cs_ops` member.
    AssigneeNotCsOps {
        /// The assignee.
        assignee: Name,
    },
    /// The request has no assignee yet.
    NoCurrentAssignee {
        /// The command.
        command: CommandKind,
    },
    /// A move into a state that needs an assignee (In Process), on a request that has none.
    NoAssigneeIn {
        /// The state moved to.
        state: State,
    },
    /// The command names no peer reviewer.
    NoReviewer {
        /// The command.
        command: CommandKind,
    },
    /// The reviewer named is not in the directory.
    ReviewerUnknown {
        /// The reviewer.
        reviewer: Name,
    },
    /// The reviewer named is the assignee.
    ReviewerIsAssignee {
        /// The reviewer.
        reviewer: Name,
    },
    /// The change needs a `gainsight_admin` reviewer, and the one named is not one.
    ReviewerNotAdmin {
        /// The change kind.
        change_kind: ChangeKind,
        /// The reviewer.
        reviewer: Name,
    },
    /// Completing from review needs the reviewer's approval, and none is recorded.
    NoApproval {
        /// The peer reviewer.
        reviewer: Option<Name>,
    },
    /// The change needs a peer review before it completes.
    ReviewRequired {
        /// The change kind.
        change_kind: ChangeKind,
    },
    /// The change's review is required and cannot be waived.
    ReviewNotWaivable {
        /// The change kind.
        change_kind: ChangeKind,
    },
    /// An item of the closing checklist is not done.
    Checklist {
        /// The item.
        item: ChecklistItem,
    },
    /// A problem read back from its words (a rejection deserialized, as pickling stores it).
    Recorded {
        /// The rule, in words.
        rule: Box<str>,
        /// The missing input or checklist item.
        missing: Option<Box<str>>,
    },
}

impl Reason {
    /// Whether the command itself can meet it by carrying an input (a text, a workstream, a
    /// weight, an assignee, a reviewer, a checklist item the actor ticks), as opposed to what
    /// stands in the way whatever the command carries (who acts, the request's history).
    pub fn carried_by_command(&self) -> bool {
        match self {
            Reason::MissingText { .. }
            | Reason::NoWorkstream { .. }
            | Reason::NoWeight { .. }
            | Reason::RequestWeightInvalid { .. }
            | Reason::NoAssignee { .. }
            | Reason::NoReviewer { .. } => true,
            Reason::Checklist { item } => *item != ChecklistItem::PeerReview,
            _ => false,
        }
    }

    /// The missing input or checklist item it names (`"reason"`, `"handbook"`), if any.
    pub fn missing(&self) -> Option<&str> {
        match self {
            Reason::MissingText { field, .. } => Some(field.as_str()),
            Reason::NoWorkstream { .. } => Some("workstream"),
            Reason::RequestWeightInvalid { .. } | Reason::NoWeight { .. } => Some("weight"),
            Reason::NoAssignee { .. }
            | Reason::NoCurrentAssignee { .. }
            | Reason::NoAssigneeIn { .. } => Some("assignee"),
            Reason::NoReviewer { .. } => Some("reviewer"),
            Reason::Checklist { item } => Some(item.into()),
            Reason::Recorded { missing, .. } => missing.as_deref(),
            _ => None,
        }
    }
}

impl PartyNames {
    /// The names of a request's parties, with the workstream whose lead may act.
    pub(crate) fn of(
        dir: &Directory,
        req: &Request,
        lead_workstream: Option<Workstream>,
    ) -> PartyNames {
        PartyNames {
            lead_workstream,
            lead: lead_workstream.and_then(|ws| dir.lead_name(ws)).cloned(),
            assignee: req.assignee.clone(),
            requester: req.author.clone(),
            reviewer: req.reviewer.clone(),
        }
    }

    /// How a party reads in a rule: the part and, when known, the person ("the assignee
    /// (omar)").
    pub fn describe(&self, party: Party) -> String {
        struct One<'a>(Party, &'a PartyNames);
        impl Display for One<'_> {
            fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
                describe(f, self.0, self.1)
            }
        }
        One(party, self).to_string()
    }
}

/// How a party of the table reads in a rule: the part and, when known, the person.
fn describe(f: &mut Formatter<'_>, party: Party, names: &PartyNames) -> fmt::Result {
    let name = |p: &Option<Name>| {
        p.as_deref()
            .map_or_else(|| "nobody yet".to_owned(), bounded_name)
    };
    match party {
        Party::Lead => match names.lead_workstream {
            Some(ws) => write!(
                f,
                "the lead of workstream {} ({})",
                ws.title(),
                name(&names.lead)
            ),
            None => f.write_str(
                "the lead of the request's workstream (it has none until a triage names one)",
            ),
        },
        Party::Assignee => write!(f, "the assignee ({})", name(&names.assignee)),
        Party::Requester => write!(f, "the requester ({})", bounded_name(&names.requester)),
        Party::Reviewer => write!(f, "the peer reviewer ({})", name(&names.reviewer)),
        Party::SelfAssigningCsOps => f.write_str("a cs_ops member taking it for themselves"),
    }
}

impl Display for Reason {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Reason::UnknownActor { actor } => write!(
                f,
                "actor {} is not in the directory and is not the requester",
                Quoted(actor)
            ),
            Reason::BeforeCreation { at, created_at } => write!(
                f,
                "step at {at} is before the request's creation at {created_at}"
            ),
            Reason::BeforeLastStep { at, last } => {
                write!(
                    f,
                    "step at {at} is before the request's last step at {last}"
                )
            }
            Reason::NotInTable { command } => write!(
                f,
                "{command} is not a command of the transition table (it only records a tracker's history)"
            ),
            Reason::NoSuchMove { from, to } => {
                let targets = super::table::targets_from(*from);
                let (from, to) = (from.title(), to.title());
                write!(
                    f,
                    "{from} -> {to} is not in the transition table; from {from} a request may move to "
                )?;
                if targets.is_empty() {
                    f.write_str("nothing")?;
                }
                for (i, s) in targets.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(s.title())?;
                }
                Ok(())
            }
            Reason::NotFromState { command, state } => {
                write!(
                    f,
                    "{command} does not apply to a request in {}; it applies in ",
                    state.title()
                )?;
                let states = TRANSITIONS
                    .iter()
                    .filter(|r| r.command == *command)
                    .flat_map(|r| r.from.iter());
                for (i, s) in states.enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(s.title())?;
                }
                Ok(())
            }
            Reason::NotPermitted {
                command,
                state,
                who,
                names,
                actor,
            } => {
                write!(f, "{command} in {} is for ", state.title())?;
                for (i, p) in who.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    describe(f, *p, names)?;
                }
                write!(f, "; {} is not", Quoted(actor))
            }
            Reason::MissingText { command, field } => {
                write!(f, "{command} needs a non-empty {field}")
            }
            Reason::NoWorkstream { command } => write!(
                f,
                "{command} needs a workstream: the request has none and the command names none"
            ),
            Reason::Weight {
                error,
                disagrees: Some((w, h)),
            } => write!(f, "weight {w} and estimate of {h} hours disagree: {error}"),
            Reason::Weight { error, .. } => write!(f, "{error}"),
            Reason::RequestWeightInvalid { command, invalid } => write!(
                f,
                "{command} needs a weight of 1, 3, 5 or 7; the request's weight {invalid} is not one (give one with the command)"
            ),
            Reason::NoWeight { command } => write!(
                f,
                "{command} needs a weight (1, 3, 5, 7) or an estimate in hours; the request has none"
            ),
            Reason::NoAssignee { command } => write!(f, "{command} needs an assignee"),
            Reason::AssigneeUnknown { assignee } => {
                write!(f, "assignee {} is not in the directory", Quoted(assignee))
            }
            Reason::AssigneeNotCsOps { assignee } => write!(
                f,
                "assignee {} is not a cs_ops member; only cs_ops members are assigned requests",
                Quoted(assignee)
            ),
            Reason::NoCurrentAssignee { command } => {
                write!(f, "{command} needs a request that already has an assignee")
            }
            Reason::NoAssigneeIn { state } => {
                write!(
                    f,
                    "{} needs an assignee; the request has none",
                    state.title()
                )
            }
            Reason::NoReviewer { command } => write!(f, "{command} needs a peer reviewer"),
            Reason::ReviewerUnknown { reviewer } => {
                write!(f, "reviewer {} is not in the directory", Quoted(reviewer))
            }
            Reason::ReviewerIsAssignee { reviewer } => write!(
                f,
                "{} is the assignee and cannot be their own peer reviewer",
                Quoted(reviewer)
            ),
            Reason::ReviewerNotAdmin {
                change_kind,
                reviewer,
            } => write!(
                f,
                "a {} change requires its review by a gainsight_admin; {} is not one (SPEC §4)",
                change_kind.phrase(),
                Quoted(reviewer)
            ),
            Reason::NoApproval { reviewer } => write!(
                f,
                "completing from review needs the approval of the peer reviewer ({}); none is recorded",
                reviewer.as_deref().unwrap_or("none named")
            ),
            Reason::ReviewRequired { change_kind } => write!(
                f,
                "a {} change requires a peer review by a gainsight_admin before it completes (SPEC §4): request a review",
                change_kind.phrase()
            ),
            Reason::ReviewNotWaivable { change_kind } => write!(
                f,
                "the review of a {} change is required and can never be waived (SPEC §4)",
                change_kind.phrase()
            ),
            Reason::Checklist { item } => {
                write!(f, "closing checklist: {}", item.rule())
            }
            Reason::Recorded { rule, .. } => f.write_str(rule),
        }
    }
}

/// One unmet requirement: its kind and why. JSON: `{"kind", "rule", "missing"?}`. Two
/// problems are equal when they say the same: the same kind, missing input and rule in words
/// (a problem read back from JSON equals the one written).
#[derive(Debug, Clone)]
pub struct Problem {
    /// Its kind.
    pub kind: RejectionKind,
    /// Why, as facts.
    pub reason: Reason,
}

impl Problem {
    /// A problem of this kind for this reason.
    pub fn new(kind: RejectionKind, reason: Reason) -> Problem {
        Problem { kind, reason }
    }

    /// The rule, in words, naming the input (made when called).
    pub fn rule(&self) -> String {
        self.reason.to_string()
    }

    /// The missing input or checklist item, for `missing_input` / `checklist_incomplete`.
    pub fn missing(&self) -> Option<&str> {
        self.reason.missing()
    }
}

impl PartialEq for Problem {
    fn eq(&self, other: &Problem) -> bool {
        self.kind == other.kind
            && self.missing() == other.missing()
            && (self.reason == other.reason || self.rule() == other.rule())
    }
}

impl Serialize for Problem {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let missing = self.missing();
        let mut st = s.serialize_struct("Problem", 2 + usize::from(missing.is_some()))?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("rule", &self.reason.to_string())?;
        if let Some(m) = missing {
            st.serialize_field("missing", m)?;
        }
        st.end()
    }
}

/// A problem's JSON, read back.
#[derive(Deserialize)]
struct ProblemRecord {
    kind: RejectionKind,
    rule: String,
    #[serde(default)]
    missing: Option<String>,
}

impl<'de> Deserialize<'de> for Problem {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Problem, D::Error> {
        let r = ProblemRecord::deserialize(d)?;
        Ok(Problem {
            kind: r.kind,
            reason: Reason::Recorded {
                rule: r.rule.into(),
                missing: r.missing.map(Into::into),
            },
        })
    }
}

/// A rejected command: its kind and every unmet requirement, as facts. The request it was
/// applied to is unchanged. Nothing is worded until read: [`Rejection::rule`],
/// [`Rejection::missing`], `Display` and the JSON form (`{"kind", "rule", "missing",
/// "problems"}`) make the words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}", Describe(self))]
pub struct Rejection {
    /// The first kind broken, by the precedence of [`RejectionKind`].
    pub kind: RejectionKind,
    /// Every unmet requirement, in precedence order (at least one).
    pub problems: Vec<Problem>,
}

impl Rejection {
    /// Builds a rejection from its problems (at least one), ordering them by precedence.
    pub(crate) fn from_problems(mut problems: Vec<Problem>) -> Option<Rejection> {
        problems.sort_by_key(|p| p.kind);
        let kind = problems.first()?.kind;
        Some(Rejection { kind, problems })
    }

    /// The rule of the first problem, in words.
    pub fn rule(&self) -> String {
        self.problems.first().map(Problem::rule).unwrap_or_default()
    }

    /// The missing inputs / checklist items of the rejection's kind.
    pub fn missing(&self) -> impl Iterator<Item = &str> {
        self.problems
            .iter()
            .filter(move |p| p.kind == self.kind)
            .filter_map(Problem::missing)
    }
}

/// The rejection's message: the kind and rule, what is missing, and the other problems.
struct Describe<'a>(&'a Rejection);

impl Display for Describe<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let r = self.0;
        let mut problems = r.problems.iter();
        if let Some(first) = problems.next() {
            write!(f, "{}: {}", r.kind, first.reason)?;
        }
        for (i, m) in r.missing().enumerate() {
            f.write_str(if i == 0 { " (missing: " } else { ", " })?;
            f.write_str(m)?;
        }
        if r.missing().next().is_some() {
            f.write_str(")")?;
        }
        for (i, p) in problems.enumerate() {
            f.write_str(if i == 0 { "; also: " } else { "; " })?;
            write!(f, "{}: {}", p.kind, p.reason)?;
        }
        Ok(())
    }
}

impl Serialize for Rejection {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Rejection", 4)?;
        st.serialize_field("kind", &self.kind)?;
        st.serialize_field("rule", &self.rule())?;
        st.serialize_field("missing", &self.missing().collect::<Vec<_>>())?;
        st.serialize_field("problems", &self.problems)?;
        st.end()
    }
}

/// A rejection's JSON, read back (its `rule` and `missing` follow from the problems).
#[derive(Deserialize)]
struct RejectionRecord {
    problems: Vec<Problem>,
}

impl<'de> Deserialize<'de> for Rejection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rejection, D::Error> {
        let r = RejectionRecord::deserialize(d)?;
        Rejection::from_problems(r.problems)
            .ok_or_else(|| serde::de::Error::custom("a rejection has at least one problem"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(kind: RejectionKind, missing: Option<&str>) -> Problem {
        Problem::new(
            kind,
            Reason::Recorded {
                rule: format!("rule {kind}").into(),
                missing: missing.map(Into::into),
            },
        )
    }

    #[test]
    fn words_are_made_when_read_and_survive_json() {
        let r = Rejection::from_problems(vec![
            Problem::new(
                RejectionKind::MissingInput,
                Reason::MissingText {
                    command: CommandKind::Block,
                    field: TextInput::Reason,
                },
            ),
            Problem::new(
                RejectionKind::ChecklistIncomplete,
                Reason::Checklist {
                    item: ChecklistItem::Stakeholders,
                },
            ),
        ])
        .unwrap();
        assert_eq!(r.rule(), "block needs a non-empty reason");
        assert_eq!(r.missing().collect::<Vec<_>>(), ["reason"]);
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["kind"], "missing_input");
        assert_eq!(json["rule"], "block needs a non-empty reason");
        assert_eq!(json["missing"], serde_json::json!(["reason"]));
        assert_eq!(json["problems"][1]["missing"], "stakeholders");
        let back: Rejection = serde_json::from_value(json).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.to_string(), r.to_string());
        assert_eq!(back.missing().collect::<Vec<_>>(), ["reason"]);
        assert!(serde_json::from_str::<Rejection>(r#"{"problems": []}"#).is_err());
    }

    #[test]
    fn precedence_follows_format_md() {
        let order = [
            "unknown_person",
            "invalid_time",
            "invalid_transition",
            "not_permitted",
            "missing_input",
            "invalid_weight",
            "needs_epic",
            "review_required",
            "checklist_incomplete",
        ];
        let names: Vec<&str> = RejectionKind::VARIANTS.iter().map(|k| k.as_str()).collect();
        assert_eq!(names, order);
    }

    #[test]
    fn first_kind_wins_and_every_problem_is_kept() {
        let r = Rejection::from_problems(vec![
            p(RejectionKind::ChecklistIncomplete, Some("handbook")),
            p(RejectionKind::MissingInput, Some("reason")),
            p(RejectionKind::MissingInput, Some("team")),
            p(RejectionKind::NotPermitted, None),
        ])
        .unwrap();
        assert_eq!(r.kind, RejectionKind::NotPermitted);
        assert_eq!(r.missing().count(), 0);
        assert_eq!(r.problems.len(), 4);
        let text = r.to_string();
        assert!(
            text.starts_with("not_permitted: rule not_permitted; also:"),
            "{text}"
        );
        assert!(text.contains("checklist_incomplete"), "{text}");
        let r = Rejection::from_problems(r.problems[1..].to_vec()).unwrap();
        assert_eq!(r.missing().collect::<Vec<_>>(), ["reason", "team"]);
        assert_eq!(
            r.to_string(),
            "missing_input: rule missing_input (missing: reason, team); also: missing_input: rule missing_input; checklist_incomplete: rule checklist_incomplete"
        );
        assert!(Rejection::from_problems(vec![]).is_none());
    }
}
