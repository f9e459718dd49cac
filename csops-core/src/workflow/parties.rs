//! Who the parties of a rule are, for one request at one step: the one place a [`Party`] of the
//! transition table is interpreted, for a command the workflow checks and for a move the audit
//! sees on a tracker.

use crate::directory::{Directory, Role};
use crate::routing::Workstream;

use super::{Command, Party, Request};

/// The parties of a rule at one step.
pub(crate) struct Parties<'a> {
    dir: &'a Directory,
    req: &'a Request,
    /// The workstream whose lead may act: the request's, or the one a triage names.
    lead_workstream: Option<Workstream>,
    /// With no workstream known, any workstream lead may act (a tracker's labels do not say
    /// which workstream a triage named).
    any_lead: bool,
    /// Who a self-assigning `cs_ops` member must be: the assignee a start names, or the actor
    /// when the start names none and the actor is a `cs_ops` member; on a tracker, the issue's
    /// assignee the move left (`None` and `assignee_on_issue`).
    new_assignee: Option<&'a str>,
    assignee_on_issue: bool,
    /// With no peer reviewer named, anyone but the assignee reviews (a tracker does not record
    /// who was asked).
    any_reviewer: bool,
}

impl<'a> Parties<'a> {
    /// The parties of a command the workflow checks (SPEC §2 "Details that the table implies").
    #[inline]
    pub(crate) fn of_command(
        dir: &'a Directory,
        req: &'a Request,
        command: &'a Command,
        actor: &'a str,
    ) -> Parties<'a> {
        let named = match command {
            Command::Triage { workstream } => *workstream,
            _ => None,
        };
        let new_assignee = match command {
            Command::Start { assignee, .. } => assignee
                .as_deref()
                .filter(|a| !a.trim().is_empty())
                .or_else(|| dir.has_role(actor, Role::CsOps).then_some(actor)),
            _ => None,
        };
        Parties {
            dir,
            req,
            lead_workstream: req.workstream.or(named),
            any_lead: false,
            new_assignee,
            assignee_on_issue: false,
            any_reviewer: false,
        }
    }

    /// The parties of a move seen on a tracker, after the fact: its labels do not say which
    /// workstream a triage named nor who was asked to review, and a start shows its assignee
    /// on the issue.
    #[inline]
    pub(crate) fn of_tracker(dir: &'a Directory, req: &'a Request) -> Parties<'a> {
        Parties {
            dir,
            req,
            lead_workstream: req.workstream,
            any_lead: true,
            new_assignee: None,
            assignee_on_issue: true,
            any_reviewer: true,
        }
    }

    /// Whether `actor` is `party`.
    #[inline]
    pub(crate) fn admits(&self, party: Party, actor: &str) -> bool {
        let (dir, req) = (self.dir, self.req);
        match party {
            Party::Lead => match self.lead_workstream {
                Some(ws) => dir.lead_of(ws) == Some(actor),
                None => {
                    self.any_lead
                        && dir
                            .roles(actor)
                            .iter()
                            .any(|r| matches!(r, Role::WorkstreamLead(_)))
                }
            },
            Party::Assignee => req.is_assignee(actor),
            Party::Requester => *req.author == *actor,
            Party::Reviewer => match req.reviewer() {
                Some(r) => r == actor,
                None => self.any_reviewer && !req.is_assignee(actor),
            },
            Party::SelfAssigningCsOps => {
                dir.has_role(actor, Role::CsOps)
                    && if self.assignee_on_issue {
                        req.is_assignee(actor)
                    } else {
                        self.new_assignee == Some(actor)
                    }
            }
        }
    }

    /// Whether `actor` is any of `parties` (a rule's `who`).
    #[inline]
    pub(crate) fn admit_any(&self, parties: &[Party], actor: &str) -> bool {
        parties.iter().any(|p| self.admits(*p, actor))
    }

    /// The assignee a start names (or the `cs_ops` actor taking it).
    pub(crate) fn new_assignee(&self) -> Option<&'a str> {
        self.new_assignee
    }

    /// The workstream whose lead may act, when known.
    pub(crate) fn lead_workstream(&self) -> Option<Workstream> {
        self.lead_workstream
    }
}
