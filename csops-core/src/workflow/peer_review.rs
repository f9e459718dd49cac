//! Peer review (SPEC §4) as the workflow sees it: the review's status from the history, who
//! qualifies as a reviewer, and whether the review was followed, in one place.

use super::{Request, Step, Workflow};
use crate::directory::Role;
use crate::review::ReviewLevel;
use crate::workflow::Command;

/// The state of the peer review, from the history (latest review event wins; a reopen starts
/// afresh).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStatus<'a> {
    /// No review asked for, nor waived.
    None,
    /// Asked for; no answer yet.
    Pending,
    /// The reviewer asked for changes.
    ChangesRequested,
    /// Approved, by this person.
    Approved(&'a str),
    /// Waived by the assignee.
    Waived,
}

impl<'a> ReviewStatus<'a> {
    /// The review status of a history.
    pub fn of(history: &'a [Step]) -> ReviewStatus<'a> {
        for step in history.iter().rev() {
            match step.command {
                Command::RequestReview { .. } => return ReviewStatus::Pending,
                Command::RequestChanges { .. } => return ReviewStatus::ChangesRequested,
                Command::ApproveReview => return ReviewStatus::Approved(&step.actor),
                Command::WaiveReview { .. } => return ReviewStatus::Waived,
                Command::Reopen => return ReviewStatus::None,
                _ => {}
            }
        }
        ReviewStatus::None
    }
}

impl Workflow {
    /// Whether `person` may give a review of this level: anyone for an optional or recommended
    /// review; a `gainsight_admin` for a required one (SPEC §4). Not being the assignee is the
    /// table's rule for the reviewer, checked apart.
    pub fn qualifies_as_reviewer(&self, person: &str, level: ReviewLevel) -> bool {
        level != ReviewLevel::Required || self.directory.has_role(person, Role::GainsightAdmin)
    }

    /// Whether the current review round was approved by the request's reviewer, qualified for
    /// the request's review level (what completing from Awaiting Feedback needs).
    pub(super) fn approved_by_reviewer(&self, req: &Request, level: ReviewLevel) -> bool {
        match ReviewStatus::of(&req.history) {
            ReviewStatus::Approved(by) => {
                req.reviewer() == Some(by) && self.qualifies_as_reviewer(by, level)
            }
            _ => false,
        }
    }

    /// "Peer review followed" of the closing checklist (SPEC §4): optional, always; recommended,
    /// a review approved or a waiver recorded; required, an approval by a qualified reviewer.
    pub(super) fn review_followed(&self, req: &Request, level: ReviewLevel) -> bool {
        match (level, ReviewStatus::of(&req.history)) {
            (ReviewLevel::Optional, _) => true,
            (ReviewLevel::Recommended, ReviewStatus::Approved(_) | ReviewStatus::Waived) => true,
            (ReviewLevel::Required, ReviewStatus::Approved(by)) => {
                self.qualifies_as_reviewer(by, level)
            }
            _ => false,
        }
    }
}
