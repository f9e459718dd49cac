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

mod checklist;
mod command;
mod evaluate;
mod moves;
pub(crate) mod parties;
mod peer_review;
pub(crate) mod rejection;
mod request;
mod stream;
pub(crate) use request::{History, split_weight};
mod table;

use chrono::{DateTime, Utc};
use serde::Serialize;
use smallvec::SmallVec;

pub use checklist::{Checklist, ChecklistItem, Handbook, LeadBriefing};
pub use command::{Command, CommandError, CommandKind, TextInput};
pub use moves::{Choice, Move, MoveCheck, shortest_path, simple_paths};
pub use peer_review::ReviewStatus;
pub use rejection::{PartyNames, Problem, Reason, Rejection, RejectionKind};
pub use request::{Milestone, OpenState, Request, RequestError, RequestRecord, Step};
pub use stream::StreamStep;
pub use table::{
    Party, Requirement, Rule, TRANSITIONS, Target, rule_between, rule_for, targets_from,
};

use crate::config::{Compiled, Config, ConfigError};
use crate::directory::{Directory, Role};
use crate::label::{Labels, Taxonomy};
use crate::name::Name;
use crate::review::ReviewLevel;
use crate::routing::Workstream;
use crate::state::State;
use crate::weight::{Weight, WeightError, weight_for_hours};

/// Someone the tracker should notify, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// The person (shared with the directory or the request).
    pub to: Name,
    /// Their part in the request.
    pub role: Party,
    /// The command that was applied.
    pub why: CommandKind,
}

/// Who a transition notifies: held inline (a rule notifies at most a few parties).
pub type Notifications = SmallVec<[Notification; 2]>;

/// What an accepted command does: the state change and what the tracker must do. Its labels
/// and people are shared [`Name`]s held inline: making one copies no text and, for the rules of
/// the table, allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// State before.
    pub from: State,
    /// State after (the same for approvals and waivers).
    pub to: State,
    /// Labels to add, in canonical spelling.
    pub add_labels: Labels,
    /// Labels to remove, exactly as the request carries them.
    pub remove_labels: Labels,
    /// The issue must be closed.
    pub close: bool,
    /// The issue must be reopened.
    pub reopen: bool,
    /// Who to tell.
    pub notifications: Notifications,
}

/// A history that does not replay.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
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

/// What an accepted command changes on the request, besides labels and state.
struct Plan {
    rule: &'static Rule,
    to: State,
    workstream: Option<Workstream>,
    weight: Option<Weight>,
    assignee: Option<Name>,
    reviewer: Option<Name>,
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
                interrupt: Config::default_ref().labels.interrupt.as_str().into(),
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

    /// Builds a request from its record with this workflow's configuration.
    pub fn load_record(&self, record: RequestRecord) -> Result<Request, RequestError> {
        Request::from_record_parts(
            record,
            &self.compiled.taxonomy,
            &self.compiled.config.routing,
        )
    }

    /// The review level of a request (SPEC §4; for a change kind read from a tracker, its
    /// labels, SPEC §7: [`crate::review::ReviewPolicy::level_of`]).
    pub fn review_level(&self, req: &Request) -> ReviewLevel {
        self.compiled
            .config
            .review
            .level_of(req.change_kind, req.labels.is_gainsight_related())
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
            Labels::new()
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
            req.labels.take_where(|l| tax.state_of_name(l).is_some())
        } else {
            Labels::new()
        };
        let transition = self.transition(req, &plan, actor, removed);
        for l in &transition.add_labels {
            req.labels.add_name(l);
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
        // An accepted actor is in the directory or is the requester: their name is shared.
        let actor = match self.directory.name(actor) {
            Some(name) => name.clone(),
            None if *req.author == *actor => req.author.clone(),
            None => Name::from(actor),
        };
        req.history.push(Step {
            at,
            actor,
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
        self.directory.knows(person) || *person == *req.author
    }

    /// The workflow labels a request carries, as it carries them.
    fn workflow_labels_of(&self, req: &Request) -> Labels {
        req.labels
            .as_slice()
            .iter()
            .filter(|l| self.compiled.taxonomy.state_of_name(l).is_some())
            .cloned()
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
        remove_labels: Labels,
    ) -> Transition {
        self.transition_from(req, req.state, plan, actor, Some(remove_labels))
    }

    /// [`Workflow::transition`] from a given state. `relabel`: the workflow labels to remove
    /// for a state change the engine makes (the canonical label of the new state is added);
    /// `None` for a move seen on a tracker, whose person has already moved the workflow label in
    /// the spelling they chose (nothing to add or remove).
    fn transition_from(
        &self,
        req: &Request,
        from: State,
        plan: &Plan,
        actor: &str,
        relabel: Option<Labels>,
    ) -> Transition {
        let to = plan.to;
        let mut add_labels = Labels::new();
        if let Some(canonical) = self
            .compiled
            .taxonomy
            .canonical_name(to)
            .filter(|_| to != from && relabel.is_some())
        {
            add_labels.push(canonical.clone());
        }
        let remove_labels = relabel.unwrap_or_default();
        if plan.interrupt {
            add_labels.push(self.compiled.interrupt.clone());
        }
        let mut notifications = Notifications::new();
        let workstream = plan.workstream.or(req.workstream);
        for party in plan.rule.notify {
            let person = match party {
                Party::Lead => workstream.and_then(|ws| self.directory.lead_name(ws)),
                Party::Assignee => plan.assignee.as_ref().or(req.assignee.as_ref()),
                Party::Requester => Some(&req.author),
                Party::Reviewer => plan.reviewer.as_ref().or(req.reviewer.as_ref()),
                Party::SelfAssigningCsOps => None,
            };
            if let Some(p) =
                person.filter(|p| ***p != *actor && !notifications.iter().any(|n| n.to == **p))
            {
                notifications.push(Notification {
                    to: p.clone(),
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
