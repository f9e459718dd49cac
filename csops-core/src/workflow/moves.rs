//! Moves seen on a tracker, judged by the table: what [`Workflow::check_move`] answers. The
//! audit, the board and the webhook ask it; none of them holds a rule of its own.

use serde::Serialize;

use super::{Problem, Rule, Transition};
use crate::state::State;

/// A workflow move seen on a tracker, checked against the table ([`super::Workflow::check_move`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoveCheck {
    /// The state before.
    pub from: State,
    /// The state after.
    pub to: State,
    /// The table's row for the move, when it has one.
    #[serde(serialize_with = "rule_command")]
    pub rule: Option<&'static Rule>,
    /// Every rule the move broke that a tracker shows, in the order checked (unknown person,
    /// the table's row, who, the weight, a required review, an assignee for In Process).
    pub problems: Vec<Problem>,
    /// For an allowed move, its effects (SPEC §2) as the engine computes them for the same
    /// command: the tracker has already done the label move; closing, reopening and the
    /// interrupt label may remain.
    pub effects: Option<Transition>,
}

impl MoveCheck {
    /// Whether the move broke no rule a tracker shows.
    pub fn allowed(&self) -> bool {
        self.problems.is_empty()
    }
}

fn rule_command<S: serde::Serializer>(
    rule: &Option<&'static Rule>,
    s: S,
) -> Result<S::Ok, S::Error> {
    rule.map(|r| r.command).serialize(s)
}
