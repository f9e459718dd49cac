//! Rejections: why a command was not applied, listing every unmet requirement.

use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

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
    Display,
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

/// One unmet requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Its kind.
    pub kind: RejectionKind,
    /// The rule, in words, naming the input.
    pub rule: String,
    /// The missing input or checklist item, for `missing_input` / `checklist_incomplete`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<String>,
}

/// A rejected command. The request it was applied to is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{}", self.describe())]
pub struct Rejection {
    /// The first kind broken, by the precedence of [`RejectionKind`].
    pub kind: RejectionKind,
    /// The rule of the first problem, in words.
    pub rule: String,
    /// The missing inputs / checklist items of the rejection's kind.
    pub missing: Vec<String>,
    /// Every unmet requirement, in precedence order.
    pub problems: Vec<Problem>,
}

impl Rejection {
    /// Builds a rejection from its problems (at least one), ordering them by precedence.
    pub(crate) fn from_problems(mut problems: Vec<Problem>) -> Option<Rejection> {
        problems.sort_by_key(|p| p.kind);
        let first = problems.first()?;
        let kind = first.kind;
        let rule = first.rule.clone();
        let missing = problems
            .iter()
            .filter(|p| p.kind == kind)
            .filter_map(|p| p.missing.clone())
            .collect();
        Some(Rejection {
            kind,
            rule,
            missing,
            problems,
        })
    }

    fn describe(&self) -> String {
        let mut s = format!("{}: {}", self.kind, self.rule);
        if !self.missing.is_empty() {
            s.push_str(&format!(" (missing: {})", self.missing.join(", ")));
        }
        let others: Vec<&Problem> = self.problems.iter().skip(1).collect();
        if !others.is_empty() {
            s.push_str("; also: ");
            let parts: Vec<String> = others
                .iter()
                .map(|p| format!("{}: {}", p.kind, p.rule))
                .collect();
            s.push_str(&parts.join("; "));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(kind: RejectionKind, missing: Option<&str>) -> Problem {
        Problem {
            kind,
            rule: format!("rule {kind}"),
            missing: missing.map(str::to_owned),
        }
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
        assert!(r.missing.is_empty());
        assert_eq!(r.problems.len(), 4);
        let text = r.to_string();
        assert!(
            text.starts_with("not_permitted: rule not_permitted; also:"),
            "{text}"
        );
        assert!(text.contains("checklist_incomplete"), "{text}");
        let r = Rejection::from_problems(r.problems[1..].to_vec()).unwrap();
        assert_eq!(r.missing, vec!["reason", "team"]);
        assert!(Rejection::from_problems(vec![]).is_none());
    }
}
