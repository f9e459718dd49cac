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
mod rejection;
mod request;
pub(crate) use request::split_weight;
mod table;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use command::{
    Checklist, ChecklistItem, Command, CommandError, CommandKind, Handbook, LeadBriefing,
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
use crate::words::bounded_name;

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

    /// Checks a command against the table: who, then what. Every unmet requirement becomes a
    /// problem; the rejection's kind is the first by precedence.
    fn evaluate(
        &self,
        req: &Request,
        command: &Command,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Plan, Rejection> {
        let mut problems: Vec<Problem> = Vec::new();
        let mut problem = |kind, rule: String, missing: Option<&str>| {
            problems.push(Problem {
                kind,
                rule,
                missing: missing.map(str::to_owned),
            })
        };
        let dir = &self.directory;
        if !self.knows(req, actor) {
            problem(
                RejectionKind::UnknownPerson,
                format!(
                    "actor {} is not in the directory and is not the requester",
                    crate::words::Quoted(actor)
                ),
                None,
            );
        }
        if at < req.created_at {
            problem(
                RejectionKind::InvalidTime,
                format!(
                    "step at {at} is before the request's creation at {}",
                    req.created_at
                ),
                None,
            );
        } else if let Some(last) = req.history.last().filter(|l| at < l.at) {
            problem(
                RejectionKind::InvalidTime,
                format!(
                    "step at {at} is before the request's last step at {}",
                    last.at
                ),
                None,
            );
        }
        let kind = command.kind();
        let Some(rule) = table::rule_for(kind, req.state) else {
            let states: Vec<&str> = TRANSITIONS
                .iter()
                .filter(|r| r.command == kind)
                .flat_map(|r| r.from.iter())
                .map(|s| s.title())
                .collect();
            let rule = if states.is_empty() {
                format!(
                    "{kind} is not a command of the transition table (it only records a tracker's history)"
                )
            } else {
                format!(
                    "{kind} does not apply to a request in {}; it applies in {}",
                    req.state.title(),
                    states.join(", ")
                )
            };
            problem(RejectionKind::InvalidTransition, rule, None);
            return Err(Rejection::from_problems(problems).unwrap_or_else(|| unreachable!()));
        };

        // Who (SPEC §2 "Details that the table implies").
        let named_ws = match command {
            Command::Triage { workstream } => *workstream,
            _ => None,
        };
        let lead_ws = req.workstream.or(named_ws);
        let lead = lead_ws.and_then(|ws| dir.lead_of(ws));
        let new_assignee: Option<&str> = match command {
            Command::Start { assignee, .. } => assignee
                .as_deref()
                .filter(|a| !a.trim().is_empty())
                .or_else(|| dir.has_role(actor, Role::CsOps).then_some(actor)),
            _ => None,
        };
        let permitted = rule.who.iter().any(|party| match party {
            Party::Lead => lead == Some(actor),
            Party::Assignee => req.is_assignee(actor),
            Party::Requester => req.author == actor,
            Party::Reviewer => req.reviewer() == Some(actor),
            Party::SelfAssigningCsOps => {
                dir.has_role(actor, Role::CsOps) && new_assignee == Some(actor)
            }
        });
        if !permitted {
            let who: Vec<String> = rule
                .who
                .iter()
                .map(|p| self.describe_party(*p, req, lead_ws))
                .collect();
            problem(
                RejectionKind::NotPermitted,
                format!(
                    "{kind} in {} is for {}; {} is not",
                    req.state.title(),
                    who.join(" or "),
                    crate::words::Quoted(actor)
                ),
                None,
            );
        }

        // What.
        let level = self.review_level(req);
        let mut plan = Plan {
            rule,
            to: rule.target(req.state),
            workstream: None,
            weight: None,
            assignee: None,
            reviewer: None,
            interrupt: false,
        };
        for requirement in rule.requires {
            match *requirement {
                Requirement::Text(field) => {
                    if command
                        .text_input(field)
                        .is_none_or(|t| t.trim().is_empty())
                    {
                        problem(
                            RejectionKind::MissingInput,
                            format!("{kind} needs a non-empty {field}"),
                            Some(field),
                        );
                    }
                }
                // The workstream the lead names wins: triage may re-route (SPEC §5).
                Requirement::Workstream => match named_ws.or(req.workstream) {
                    Some(ws) => plan.workstream = Some(ws),
                    None => problem(
                        RejectionKind::MissingInput,
                        format!(
                            "{kind} needs a workstream: the request has none and the command names none"
                        ),
                        Some("workstream"),
                    ),
                },
                Requirement::Weight => {
                    let (weight, hours) = match command {
                        Command::Ready { weight, hours } | Command::Start { weight, hours, .. } => {
                            (*weight, *hours)
                        }
                        _ => (None, None),
                    };
                    let given = match (weight, hours) {
                        (None, None) => None,
                        (Some(w), None) => Some(Weight::try_from(w)),
                        (None, Some(h)) => Some(weight_for_hours(h)),
                        (Some(w), Some(h)) => {
                            Some(Weight::try_from(w).and_then(|w| match weight_for_hours(h) {
                                Ok(hw) if hw != w => Err(WeightError::Invalid {
                                    value: i64::from(w),
                                }),
                                other => other,
                            }))
                        }
                    };
                    match given {
                        Some(Ok(w)) => plan.weight = Some(w),
                        Some(Err(e)) => {
                            let kind = RejectionKind::from(&e);
                            let rule = match (weight, hours) {
                                (Some(w), Some(h)) if Weight::try_from(w).is_ok() => {
                                    format!("weight {w} and estimate of {h} hours disagree: {e}")
                                }
                                _ => e.to_string(),
                            };
                            problem(kind, rule, None);
                        }
                        None if req.weight.is_some() => {}
                        None if req.invalid_weight.is_some() => problem(
                            RejectionKind::InvalidWeight,
                            format!(
                                "{kind} needs a weight of 1, 3, 5 or 7; the request's weight {} is not one (give one with the command)",
                                req.invalid_weight.unwrap_or_default()
                            ),
                            Some("weight"),
                        ),
                        None => problem(
                            RejectionKind::MissingInput,
                            format!(
                                "{kind} needs a weight (1, 3, 5, 7) or an estimate in hours; the request has none"
                            ),
                            Some("weight"),
                        ),
                    }
                }
                Requirement::NewAssignee => match new_assignee {
                    None => problem(
                        RejectionKind::MissingInput,
                        format!("{kind} needs an assignee"),
                        Some("assignee"),
                    ),
                    Some(a) if !dir.knows(a) => problem(
                        RejectionKind::UnknownPerson,
                        format!(
                            "assignee {} is not in the directory",
                            crate::words::Quoted(a)
                        ),
                        None,
                    ),
                    Some(a) if !dir.has_role(a, Role::CsOps) => problem(
                        RejectionKind::NotPermitted,
                        format!(
                            "assignee {} is not a cs_ops member; only cs_ops members are assigned requests",
                            crate::words::Quoted(a)
                        ),
                        None,
                    ),
                    Some(a) => plan.assignee = Some(a.to_owned()),
                },
                Requirement::HasAssignee => {
                    if req.assignee.is_none() {
                        problem(
                            RejectionKind::MissingInput,
                            format!("{kind} needs a request that already has an assignee"),
                            Some("assignee"),
                        );
                    }
                }
                Requirement::Reviewer => {
                    let reviewer = match command {
                        Command::RequestReview { reviewer, .. } => {
                            reviewer.as_deref().filter(|r| !r.trim().is_empty())
                        }
                        _ => None,
                    };
                    match reviewer {
                        None => problem(
                            RejectionKind::MissingInput,
                            format!("{kind} needs a peer reviewer"),
                            Some("reviewer"),
                        ),
                        Some(r) if !dir.knows(r) => problem(
                            RejectionKind::UnknownPerson,
                            format!(
                                "reviewer {} is not in the directory",
                                crate::words::Quoted(r)
                            ),
                            None,
                        ),
                        Some(r) if req.is_assignee(r) => problem(
                            RejectionKind::NotPermitted,
                            format!(
                                "{} is the assignee and cannot be their own peer reviewer",
                                crate::words::Quoted(r)
                            ),
                            None,
                        ),
                        Some(r)
                            if level == ReviewLevel::Required
                                && !dir.has_role(r, Role::GainsightAdmin) =>
                        {
                            problem(
                                RejectionKind::ReviewRequired,
                                format!(
                                    "a {} change requires its review by a gainsight_admin; {} is not one (SPEC §4)",
                                    req.change_kind,
                                    crate::words::Quoted(r)
                                ),
                                None,
                            )
                        }
                        Some(r) => plan.reviewer = Some(r.to_owned()),
                    }
                }
                Requirement::ReviewApproved => {
                    let approved = match ReviewStatus::of(&req.history) {
                        ReviewStatus::Approved(by) => {
                            req.reviewer() == Some(by)
                                && (level != ReviewLevel::Required
                                    || dir.has_role(by, Role::GainsightAdmin))
                        }
                        _ => false,
                    };
                    if !approved {
                        problem(
                            RejectionKind::ReviewRequired,
                            format!(
                                "completing from review needs the approval of the peer reviewer ({}); none is recorded",
                                req.reviewer().unwrap_or("none named")
                            ),
                            None,
                        );
                    }
                }
                Requirement::ReviewNotRequired => {
                    if level == ReviewLevel::Required {
                        problem(
                            RejectionKind::ReviewRequired,
                            format!(
                                "a {} change requires a peer review by a gainsight_admin before it completes (SPEC §4): request a review",
                                req.change_kind
                            ),
                            None,
                        );
                    }
                }
                Requirement::ReviewWaivable => {
                    if level == ReviewLevel::Required {
                        problem(
                            RejectionKind::ReviewRequired,
                            format!(
                                "the review of a {} change is required and can never be waived (SPEC §4)",
                                req.change_kind
                            ),
                            None,
                        );
                    }
                }
                Requirement::Checklist { peer_review } => {
                    for item in self.checklist_missing(req, command, peer_review, level) {
                        problem(
                            RejectionKind::ChecklistIncomplete,
                            format!("closing checklist: {}", checklist_rule(item)),
                            Some(item.into()),
                        );
                    }
                }
            }
        }
        if let Some(rejection) = Rejection::from_problems(problems) {
            return Err(rejection);
        }
        plan.interrupt = matches!(kind, CommandKind::Start | CommandKind::Resume)
            && req
                .milestone
                .as_ref()
                .is_some_and(|m| m.is_interrupt(req.created_at, at))
            && !req.labels.contains(&self.compiled.config.labels.interrupt);
        Ok(plan)
    }

    fn checklist_missing(
        &self,
        req: &Request,
        command: &Command,
        peer_review: bool,
        level: ReviewLevel,
    ) -> Vec<ChecklistItem> {
        let empty = Checklist::default();
        let cl = match command {
            Command::Complete { checklist: Some(c) } => c,
            _ => &empty,
        };
        let mut missing = Vec::new();
        if !matches!(
            cl.handbook_updated,
            Some(Handbook::Updated | Handbook::NotApplicable)
        ) {
            missing.push(ChecklistItem::Handbook);
        }
        if req.is_gainsight_related() && cl.gainsight_changelog != Some(true) {
            missing.push(ChecklistItem::GainsightChangelog);
        }
        if peer_review {
            let followed = match (level, ReviewStatus::of(&req.history)) {
                (ReviewLevel::Optional, _) => true,
                (ReviewLevel::Recommended, ReviewStatus::Approved(_) | ReviewStatus::Waived) => {
                    true
                }
                (ReviewLevel::Required, ReviewStatus::Approved(by)) => {
                    self.directory.has_role(by, Role::GainsightAdmin)
                }
                _ => false,
            };
            if !followed {
                missing.push(ChecklistItem::PeerReview);
            }
        }
        if cl.stakeholders_communicated != Some(true) {
            missing.push(ChecklistItem::Stakeholders);
        }
        if cl
            .lead_informed
            .as_ref()
            .is_none_or(|b| b.summary.trim().is_empty())
        {
            missing.push(ChecklistItem::LeadInformed);
        }
        missing
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

fn checklist_rule(item: ChecklistItem) -> &'static str {
    match item {
        ChecklistItem::Handbook => "handbook sections updated (or \"not_applicable\")",
        ChecklistItem::GainsightChangelog => {
            "a Gainsight-related request needs its Gainsight changelog entry"
        }
        ChecklistItem::PeerReview => {
            "peer review followed (an approval, or a waiver of a recommended review)"
        }
        ChecklistItem::Stakeholders => "stakeholders communicated",
        ChecklistItem::LeadInformed => "workstream lead informed with a summary",
    }
}

#[cfg(test)]
mod tests;
