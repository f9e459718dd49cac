//! The request workflow of SPEC §2 as a typed state machine.
//!
//! A [`Workflow`] holds a [`Directory`] and a [`Config`]. [`Workflow::apply`] checks a
//! [`Command`] by an actor at a time against the [`TRANSITIONS`] table — who may, and what it
//! needs — and either records it and returns the [`Transition`] (what the tracker must do), or
//! returns a [`Rejection`] listing every unmet requirement and leaves the request unchanged.
//!
//! ```
//! use csops_core::{Directory, Request, State, Workflow};
//! use csops_core::workflow::{Command, RejectionKind};
//! use csops_core::routing::Workstream;
//!
//! let dir = Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}"#)?;
//! let wf = Workflow::new(dir, csops_core::Config::default())?;
//! let t0 = "2026-01-05T09:00:00Z".parse()?;
//! let mut req = Request::new(101, "Combine two CTA rules", "rita", t0)?;
//!
//! let tr = wf.apply(&mut req, Command::Triage { workstream: Some(Workstream::Gainsight) },
//!                   "lena", "2026-01-06T10:00:00Z".parse()?)?;
//! assert_eq!(tr.to, State::Triage);
//! assert_eq!(tr.add_labels, ["CSOps::Triage"]);
//!
//! let err = wf.apply(&mut req, Command::Decline { reason: Some("dup".into()) },
//!                    "omar", "2026-01-06T10:05:00Z".parse()?).unwrap_err();
//! assert_eq!(err.kind, RejectionKind::NotPermitted);
//! assert_eq!(req.state(), State::Triage); // unchanged
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod command;
mod evaluate;
pub(crate) mod parties;
mod rejection;
mod request;
pub(crate) use request::split_weight;
mod table;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use command::{
    Checklist, ChecklistItem, Command, CommandError, CommandKind, Handbook, LeadBriefing, TextInput,
};
pub use rejection::{Problem, Rejection, RejectionKind};
pub use request::{Milestone, OpenState, Request, RequestError, RequestRecord, Step};
pub use table::{Party, Requirement, Rule, TRANSITIONS, Target, rule_between, rule_for};

use crate::config::{Compiled, Config, ConfigError};
use crate::directory::{Directory, Role};
use crate::label::Taxonomy;
use crate::review::ReviewLevel;
use crate::routing::Workstream;
use crate::state::State;
use crate::weight::{Weight, WeightError, weight_for_hours};
use crate::words::{Quoted, bounded_name};

/// Someone the tracker should notify, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// The person.
    pub to: String,
    /// Their part in the request.
    pub role: Party,
    /// The command that was applied.
    pub why: CommandKind,
}

/// What an accepted command does: the state change and what the tracker must do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// State before.
    pub from: State,
    /// State after (the same for approvals and waivers).
    pub to: State,
    /// Labels to add, in canonical spelling.
    pub add_labels: Vec<String>,
    /// Labels to remove, exactly as the request carries them.
    pub remove_labels: Vec<String>,
    /// The issue must be closed.
    pub close: bool,
    /// The issue must be reopened.
    pub reopen: bool,
    /// Who to tell.
    pub notifications: Vec<Notification>,
}

/// A history that does not replay.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// A recorded step is rejected now.
    #[error("history[{index}] is rejected on replay: {rejection}")]
    Rejected {
        /// The step.
        index: usize,
        /// Why.
        rejection: Rejection,
    },
    /// A recorded step leads elsewhere on replay.
    #[error(
        "history[{index}] records {} -> {} but replays as {} -> {}",
        .recorded_from.title(),
        .recorded_to.title(),
        .from.title(),
        .to.title()
    )]
    Diverged {
        /// The step.
        index: usize,
        /// Recorded state before.
        recorded_from: State,
        /// Recorded state after.
        recorded_to: State,
        /// Replayed state before.
        from: State,
        /// Replayed state after.
        to: State,
    },
}

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

/// What an accepted command changes on the request, besides labels and state.
struct Plan {
    rule: &'static Rule,
    to: State,
    workstream: Option<Workstream>,
    weight: Option<Weight>,
    assignee: Option<String>,
    reviewer: Option<String>,
    interrupt: bool,
}

/// The workflow engine: a directory, a configuration, and the transition table.
#[derive(Debug, Clone)]
pub struct Workflow {
    compiled: Compiled,
    directory: Directory,
}

impl Workflow {
    /// A workflow over a directory and a configuration (checked here).
    pub fn new(directory: Directory, config: Config) -> Result<Workflow, ConfigError> {
        Ok(Workflow {
            compiled: config.compile()?,
            directory,
        })
    }

    /// A workflow with the compiled-in configuration.
    pub fn with_directory(directory: Directory) -> Workflow {
        Workflow {
            compiled: Compiled {
                config: Config::default_ref().clone(),
                taxonomy: Taxonomy::default(),
            },
            directory,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.compiled.config
    }

    /// The directory.
    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    /// The compiled workflow-label taxonomy.
    pub fn taxonomy(&self) -> &Taxonomy {
        &self.compiled.taxonomy
    }

    /// Whether a request is a CS Ops request now: it carries `CSOps` or a label of the workflow
    /// scope (SPEC §7 "Managed requests"). Boards, audits and SLAs leave the others out.
    pub fn is_managed(&self, req: &Request) -> bool {
        self.compiled.taxonomy.is_managed(req.labels().iter())
    }

    /// Loads a request from JSON with this workflow's configuration.
    pub fn load_request(&self, json: &str) -> Result<Request, RequestError> {
        self.load_record(request::record_from_json(json)?)
    }

    /// [`Workflow::load_request`] from any serde deserializer (a JSON value, a binding's
    /// objects); the error names the key.
    pub fn load<'de, D>(&self, de: D) -> Result<Request, RequestError>
    where
        D: serde::Deserializer<'de>,
        D::Error: std::fmt::Display,
    {
        self.load_record(request::read_record(de)?)
    }

    /// [`Workflow::load_request`] from a JSON value.
    #[deprecated(since = "0.1.1", note = "use `Workflow::load(&value)`")]
    pub fn load_value(&self, value: serde_json::Value) -> Result<Request, RequestError> {
        self.load(&value)
    }

    /// Builds a request from its record with this workflow's configuration.
    pub fn load_record(&self, record: RequestRecord) -> Result<Request, RequestError> {
        Request::from_record_parts(
            record,
            &self.compiled.taxonomy,
            &self.compiled.config.routing,
        )
    }

    /// The review level of a request (SPEC §4).
    pub fn review_level(&self, req: &Request) -> ReviewLevel {
        self.compiled.config.review.level(req.change_kind)
    }

    /// Whether a request's completion must follow a peer review (the review policy's
    /// [`crate::review::ReviewPolicy::review_expected`] for its change kind and labels).
    pub fn review_expected(&self, req: &Request) -> bool {
        self.compiled
            .config
            .review
            .review_expected(req.change_kind, req.is_gainsight_related())
    }

    /// Checks a command without applying it: the same answer [`Workflow::apply`] would give.
    pub fn check(
        &self,
        req: &Request,
        command: &Command,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Transition, Rejection> {
        let plan = self.evaluate(req, command, actor, at)?;
        let removed = if plan.to != req.state {
            self.workflow_labels_of(req)
        } else {
            Vec::new()
        };
        Ok(self.transition(req, &plan, actor, removed))
    }

    /// Applies a command: records it and returns the transition, or rejects it and leaves the
    /// request unchanged.
    pub fn apply(
        &self,
        req: &mut Request,
        command: Command,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Transition, Rejection> {
        let plan = self.evaluate(req, &command, actor, at)?;
        // The labels removed move from the request into the transition: no copy.
        let removed = if plan.to != req.state {
            let tax = &self.compiled.taxonomy;
            req.labels.take_where(|l| tax.state_of(l).is_some())
        } else {
            Vec::new()
        };
        let transition = self.transition(req, &plan, actor, removed);
        for l in &transition.add_labels {
            req.labels.add(l);
        }
        if transition.close {
            req.open = false;
            req.closed_at = Some(at);
        }
        if transition.reopen {
            req.open = true;
            req.closed_at = None;
        }
        req.state = plan.to;
        if plan.workstream.is_some() {
            req.workstream = plan.workstream;
        }
        if plan.weight.is_some() {
            req.weight = plan.weight;
            req.invalid_weight = None;
        }
        if let Some(owner) = plan.assignee {
            // The new owner replaces the old; the other assignees stay.
            req.co_assignees.retain(|a| *a != owner);
            req.assignee = Some(owner);
        }
        if plan.reviewer.is_some() {
            req.reviewer = plan.reviewer;
        }
        req.history.push(Step {
            at,
            actor: actor.to_owned(),
            from: transition.from,
            to: transition.to,
            command,
        });
        Ok(transition)
    }

    /// Replays a history from the request as it was first loaded; the result equals the request
    /// that recorded it.
    pub fn replay(&self, initial: &Request, history: &[Step]) -> Result<Request, ReplayError> {
        let mut req = initial.clone();
        for (index, step) in history.iter().enumerate() {
            let t = self
                .apply(&mut req, step.command.clone(), &step.actor, step.at)
                .map_err(|rejection| ReplayError::Rejected { index, rejection })?;
            if (t.from, t.to) != (step.from, step.to) {
                return Err(ReplayError::Diverged {
                    index,
                    recorded_from: step.from,
                    recorded_to: step.to,
                    from: t.from,
                    to: t.to,
                });
            }
        }
        Ok(req)
    }

    pub(crate) fn knows(&self, req: &Request, person: &str) -> bool {
        self.directory.knows(person) || person == req.author
    }

    pub(crate) fn describe_party(
        &self,
        party: Party,
        req: &Request,
        lead_ws: Option<Workstream>,
    ) -> String {
        let name = |p: Option<&str>| p.map_or_else(|| "nobody yet".to_owned(), bounded_name);
        match party {
            Party::Lead => match lead_ws {
                Some(ws) => format!(
                    "the lead of workstream {} ({})",
                    ws.title(),
                    name(self.directory.lead_of(ws))
                ),
                None => {
                    "the lead of the request's workstream (it has none until a triage names one)"
                        .to_owned()
                }
            },
            Party::Assignee => format!("the assignee ({})", name(req.assignee())),
            Party::Requester => format!("the requester ({})", bounded_name(&req.author)),
            Party::Reviewer => format!("the peer reviewer ({})", name(req.reviewer())),
            Party::SelfAssigningCsOps => "a cs_ops member taking it for themselves".to_owned(),
        }
    }

    /// The workflow labels a request carries, as it carries them.
    fn workflow_labels_of(&self, req: &Request) -> Vec<String> {
        req.labels
            .iter()
            .filter(|l| self.compiled.taxonomy.state_of(l).is_some())
            .map(str::to_owned)
            .collect()
    }

    /// The effects of an accepted plan (SPEC §2 "Effects"). `remove_labels` are the workflow
    /// labels the request carries when the state changes (none otherwise): [`Workflow::apply`]
    /// moves them out of the request, [`Workflow::check`] copies them.
    fn transition(
        &self,
        req: &Request,
        plan: &Plan,
        actor: &str,
        remove_labels: Vec<String>,
    ) -> Transition {
        let from = req.state;
        let to = plan.to;
        let mut add_labels = Vec::new();
        if let Some(canonical) = self.compiled.taxonomy.canonical(to).filter(|_| to != from) {
            add_labels.push(canonical.to_owned());
        }
        if plan.interrupt {
            add_labels.push(self.compiled.config.labels.interrupt.clone());
        }
        let mut notifications: Vec<Notification> = Vec::new();
        let workstream = plan.workstream.or(req.workstream);
        for party in plan.rule.notify {
            let person = match party {
                Party::Lead => workstream.and_then(|ws| self.directory.lead_of(ws)),
                Party::Assignee => plan.assignee.as_deref().or(req.assignee()),
                Party::Requester => Some(req.author.as_str()),
                Party::Reviewer => plan.reviewer.as_deref().or(req.reviewer()),
                Party::SelfAssigningCsOps => None,
            };
            if let Some(p) =
                person.filter(|p| *p != actor && !notifications.iter().any(|n| n.to == *p))
            {
                notifications.push(Notification {
                    to: p.to_owned(),
                    role: *party,
                    why: plan.rule.command,
                });
            }
        }
        Transition {
            from,
            to,
            add_labels,
            remove_labels,
            close: req.open && !to.is_open(),
            reopen: !req.open && to.is_open(),
            notifications,
        }
    }
}

#[cfg(test)]
mod tests;
