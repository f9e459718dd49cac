//! Checking a step against the transition table (SPEC §2): who may act, then what the rule
//! needs. Each requirement of [`Requirement`] is checked by one method of [`Check`]; each party
//! is interpreted by [`Parties`]. Every unmet requirement becomes a problem, and the rejection's
//! kind is the first by precedence.
//!
//! The same check judges a command ([`Workflow::apply`]) and a move seen on a tracker after the
//! fact ([`Workflow::check_move`]: the audit, the board and the webhook): for a move it checks
//! what a tracker shows ([`Requirement::shows_on_tracker`]) and nothing else. There is no second
//! copy of a rule anywhere.

use chrono::{DateTime, Utc};

use super::parties::Parties;
use super::rejection::{PartyNames, Reason};
use super::*;
use crate::name::Name;

/// One step being checked: what it is checked against, and the problems found so far.
struct Check<'a> {
    wf: &'a Workflow,
    req: &'a Request,
    /// The command; `None` for a move seen on a tracker, which shows no inputs.
    command: Option<&'a Command>,
    /// The state before the step.
    from: State,
    actor: &'a str,
    kind: CommandKind,
    parties: Parties<'a>,
    /// The request's review level, found when a requirement first asks for it.
    level: Option<ReviewLevel>,
    problems: Vec<Problem>,
}

impl Check<'_> {
    /// The request's review level (SPEC §4, §7), looked up once, when first needed.
    fn level(&mut self) -> ReviewLevel {
        *self
            .level
            .get_or_insert_with(|| self.wf.review_level(self.req))
    }

    fn problem(&mut self, kind: RejectionKind, reason: Reason) {
        self.problems.push(Problem::new(kind, reason));
    }

    /// A person named in a rejection, shared: the directory's or the request's copy, or (for
    /// someone neither knows) a copy of the input.
    fn name(&self, person: &str) -> Name {
        let req = self.req;
        match self.wf.directory.name(person) {
            Some(n) => n.clone(),
            None if *req.author == *person => req.author.clone(),
            None => Name::from(person),
        }
    }

    /// The actor is in the directory, or is the requester.
    fn actor_known(&mut self) {
        if !self.wf.knows(self.req, self.actor) {
            let actor = self.name(self.actor);
            self.problem(RejectionKind::UnknownPerson, Reason::UnknownActor { actor });
        }
    }

    /// The step is not before the request's creation nor its last step.
    fn in_time(&mut self, at: DateTime<Utc>) {
        let req = self.req;
        if at < req.created_at {
            let created_at = req.created_at;
            self.problem(
                RejectionKind::InvalidTime,
                Reason::BeforeCreation { at, created_at },
            );
        } else if let Some(last) = req.history.last().filter(|l| at < l.at) {
            let last = last.at;
            self.problem(
                RejectionKind::InvalidTime,
                Reason::BeforeLastStep { at, last },
            );
        }
    }

    /// The table's row for the command in the request's state (none: an invalid transition).
    fn rule(&mut self) -> Option<&'static Rule> {
        let (command, state) = (self.kind, self.from);
        let rule = table::rule_for(command, state);
        if rule.is_none() {
            let reason = if TRANSITIONS.iter().any(|r| r.command == command) {
                Reason::NotFromState { command, state }
            } else {
                Reason::NotInTable { command }
            };
            self.problem(RejectionKind::InvalidTransition, reason);
        }
        rule
    }

    /// The actor is one of the rule's parties.
    fn permitted(&mut self, rule: &'static Rule) {
        if self.parties.admit_any(rule.who, self.actor) {
            return;
        }
        let req = self.req;
        let names = PartyNames::of(&self.wf.directory, req, self.parties.lead_workstream());
        let reason = Reason::NotPermitted {
            command: self.kind,
            state: self.from,
            who: rule.who,
            names,
            actor: self.name(self.actor),
        };
        self.problem(RejectionKind::NotPermitted, reason);
    }

    /// One requirement of the rule, met (its effect planned) or a problem. A move seen on a
    /// tracker is held only to what a tracker shows.
    fn requirement(&mut self, requirement: Requirement, plan: &mut Plan) {
        if self.command.is_none() && !requirement.shows_on_tracker() {
            return;
        }
        match requirement {
            Requirement::Text(field) => self.text(field),
            Requirement::Workstream => self.workstream(plan),
            Requirement::Weight => self.weight(plan),
            Requirement::NewAssignee => self.new_assignee(plan),
            Requirement::HasAssignee => self.has_assignee(),
            Requirement::Reviewer => self.reviewer(plan),
            Requirement::ReviewApproved => self.review_approved(),
            Requirement::ReviewNotRequired => self.review_not_required(),
            Requirement::ReviewWaivable => self.review_waivable(),
            Requirement::Checklist { peer_review } => self.checklist(peer_review),
        }
    }

    /// Checks who and what for the step's row, planning what it changes.
    fn plan(&mut self, rule: &'static Rule, at: DateTime<Utc>) -> Plan {
        self.permitted(rule);
        let mut plan = Plan {
            rule,
            to: rule.target(self.from),
            workstream: None,
            weight: None,
            assignee: None,
            reviewer: None,
            interrupt: false,
        };
        for requirement in rule.requires {
            self.requirement(*requirement, &mut plan);
        }
        // A move seen on a tracker is judged without its effects (`Workflow::effects_of`).
        if self.command.is_some() {
            plan.interrupt = self.wf.interrupts(self.req, self.kind, at);
        }
        plan
    }

    /// A state that needs an assignee ([`State::needs_assignee`]) is not entered without one.
    fn assignee_in(&mut self, state: State) {
        if state.needs_assignee() && self.req.assignee.is_none() {
            self.problem(RejectionKind::MissingInput, Reason::NoAssigneeIn { state });
        }
    }

    fn text(&mut self, field: TextInput) {
        if self
            .command
            .and_then(|c| c.text_input(field))
            .is_none_or(|t| t.trim().is_empty())
        {
            let command = self.kind;
            self.problem(
                RejectionKind::MissingInput,
                Reason::MissingText { command, field },
            );
        }
    }

    /// The workstream the lead names wins: triage may re-route (SPEC §5).
    fn workstream(&mut self, plan: &mut Plan) {
        let named = match self.command {
            Some(Command::Triage { workstream }) => *workstream,
            _ => None,
        };
        match named.or(self.req.workstream) {
            Some(ws) => plan.workstream = Some(ws),
            None => {
                let command = self.kind;
                self.problem(
                    RejectionKind::MissingInput,
                    Reason::NoWorkstream { command },
                );
            }
        }
    }

    /// A weight given now (a weight, an estimate in hours, or both agreeing) or set before.
    fn weight(&mut self, plan: &mut Plan) {
        let (weight, hours) = match self.command {
            Some(Command::Ready { weight, hours } | Command::Start { weight, hours, .. }) => {
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
        let command = self.kind;
        match given {
            Some(Ok(w)) => plan.weight = Some(w),
            Some(Err(error)) => {
                let disagrees = match (weight, hours) {
                    (Some(w), Some(h)) if Weight::try_from(w).is_ok() => Some((w, h)),
                    _ => None,
                };
                self.problem(
                    RejectionKind::from(&error),
                    Reason::Weight { error, disagrees },
                );
            }
            None if self.req.weight.is_some() => {}
            // On a tracker, a weight outside 1, 3, 5, 7 is a weight: the issue's own finding
            // (`invalid_weight`), not this move's.
            None if self.command.is_none() && self.req.invalid_weight.is_some() => {}
            None => match self.req.invalid_weight {
                Some(invalid) => self.problem(
                    RejectionKind::InvalidWeight,
                    Reason::RequestWeightInvalid { command, invalid },
                ),
                None => self.problem(RejectionKind::MissingInput, Reason::NoWeight { command }),
            },
        }
    }

    /// An assignee given now (or the cs_ops actor taking it) who is a `cs_ops` member.
    fn new_assignee(&mut self, plan: &mut Plan) {
        let dir = &self.wf.directory;
        let command = self.kind;
        match self.parties.new_assignee() {
            None => self.problem(RejectionKind::MissingInput, Reason::NoAssignee { command }),
            Some(a) => match dir.name(a) {
                None => {
                    let assignee = Name::from(a);
                    self.problem(
                        RejectionKind::UnknownPerson,
                        Reason::AssigneeUnknown { assignee },
                    );
                }
                Some(assignee) if !dir.has_role(a, Role::CsOps) => {
                    let assignee = assignee.clone();
                    self.problem(
                        RejectionKind::NotPermitted,
                        Reason::AssigneeNotCsOps { assignee },
                    );
                }
                Some(assignee) => plan.assignee = Some(assignee.clone()),
            },
        }
    }

    fn has_assignee(&mut self) {
        if self.req.assignee.is_none() {
            let command = self.kind;
            self.problem(
                RejectionKind::MissingInput,
                Reason::NoCurrentAssignee { command },
            );
        }
    }

    /// A peer reviewer who is not the assignee; a `gainsight_admin` when review is required.
    fn reviewer(&mut self, plan: &mut Plan) {
        let dir = &self.wf.directory;
        let reviewer = match self.command {
            Some(Command::RequestReview { reviewer, .. }) => {
                reviewer.as_deref().filter(|r| !r.trim().is_empty())
            }
            _ => None,
        };
        let Some(r) = reviewer else {
            let command = self.kind;
            self.problem(RejectionKind::MissingInput, Reason::NoReviewer { command });
            return;
        };
        let Some(name) = dir.name(r) else {
            let reviewer = Name::from(r);
            self.problem(
                RejectionKind::UnknownPerson,
                Reason::ReviewerUnknown { reviewer },
            );
            return;
        };
        let reviewer = name.clone();
        if self.req.is_assignee(r) {
            self.problem(
                RejectionKind::NotPermitted,
                Reason::ReviewerIsAssignee { reviewer },
            );
        } else if !self.wf.qualifies_as_reviewer(r, self.level()) {
            let change_kind = self.req.change_kind;
            self.problem(
                RejectionKind::ReviewRequired,
                Reason::ReviewerNotAdmin {
                    change_kind,
                    reviewer,
                },
            );
        } else {
            plan.reviewer = Some(reviewer);
        }
    }

    /// The current review round approved by the reviewer (qualified when review is required).
    fn review_approved(&mut self) {
        if !self.wf.approved_by_reviewer(self.req, self.level()) {
            let reviewer = self.req.reviewer.clone();
            self.problem(
                RejectionKind::ReviewRequired,
                Reason::NoApproval { reviewer },
            );
        }
    }

    fn review_not_required(&mut self) {
        if self.level() == ReviewLevel::Required {
            let change_kind = self.req.change_kind;
            self.problem(
                RejectionKind::ReviewRequired,
                Reason::ReviewRequired { change_kind },
            );
        }
    }

    fn review_waivable(&mut self) {
        if self.level() == ReviewLevel::Required {
            let change_kind = self.req.change_kind;
            self.problem(
                RejectionKind::ReviewRequired,
                Reason::ReviewNotWaivable { change_kind },
            );
        }
    }

    /// The closing checklist complete.
    fn checklist(&mut self, peer_review: bool) {
        let empty = Checklist::default();
        let checklist = match self.command {
            Some(Command::Complete { checklist: Some(c) }) => c,
            _ => &empty,
        };
        let followed = peer_review.then(|| {
            let level = self.level();
            self.wf.review_followed(self.req, level)
        });
        for item in checklist.missing(self.req.is_gainsight_related(), followed) {
            self.problem(
                RejectionKind::ChecklistIncomplete,
                Reason::Checklist { item },
            );
        }
    }
}

impl Workflow {
    /// Whether a command of `kind` on `req` at `at` interrupts its milestone (SPEC §2
    /// "Interrupts"): it starts the request, which was created after the milestone started, inside
    /// the milestone, and the request does not carry the interrupt label yet.
    pub(super) fn interrupts(&self, req: &Request, kind: CommandKind, at: DateTime<Utc>) -> bool {
        matches!(kind, CommandKind::Start | CommandKind::Resume)
            && req
                .milestone
                .as_ref()
                .is_some_and(|m| m.is_interrupt(req.created_at, at))
            && !req.labels.contains(&self.compiled.config.labels.interrupt)
    }

    /// Checks a command against the table: who, then what. Every unmet requirement becomes a
    /// problem; the rejection's kind is the first by precedence.
    pub(super) fn evaluate(
        &self,
        req: &Request,
        command: &Command,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Plan, Rejection> {
        let mut check = Check {
            wf: self,
            req,
            command: Some(command),
            from: req.state,
            actor,
            kind: command.kind(),
            parties: Parties::of_command(&self.directory, req, command, actor),
            level: None,
            problems: Vec::new(),
        };
        check.actor_known();
        check.in_time(at);
        let Some(rule) = check.rule() else {
            return Err(Rejection::from_problems(check.problems).unwrap_or_else(|| unreachable!()));
        };
        let plan = check.plan(rule, at);
        match Rejection::from_problems(check.problems) {
            Some(rejection) => Err(rejection),
            None => Ok(plan),
        }
    }

    /// Checks a workflow move seen on a tracker after the fact, against what a tracker shows
    /// of the rules (SPEC §7): the table's row for `from` → `to`, who moved it (a tracker's
    /// parties: its labels do not say which workstream a triage named nor who was asked to
    /// review), the requirements a tracker shows ([`Requirement::shows_on_tracker`]: the
    /// weight, and whether a peer review was required) and that In Process has an assignee.
    /// `req` is the request as the move left it (its labels, assignees and weight after it).
    ///
    /// ```
    /// use csops_core::{Directory, Request, State, Workflow};
    /// use csops_core::workflow::RejectionKind;
    /// let wf = Workflow::with_directory(Directory::from_json(
    ///     r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}"#)?);
    /// // Read from GitLab: no change kind, so the Gainsight label stands for one.
    /// let issue = Request::from_json(r#"{"id": 7, "author": "rita", "created_at": "2026-03-02T09:00:00Z",
    ///     "labels": ["CSOps", "Gainsight", "CSOps::Completed"], "assignees": ["omar"],
    ///     "change_kind": "unknown"}"#)?;
    /// let seen = wf.check_move(&issue, State::InProcess, State::Completed, "omar",
    ///                          "2026-03-05T16:00:00Z".parse()?);
    /// assert!(!seen.allowed());
    /// assert_eq!(seen.problems[0].kind, RejectionKind::ReviewRequired);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_move(
        &self,
        req: &Request,
        from: State,
        to: State,
        actor: &str,
        at: DateTime<Utc>,
    ) -> MoveCheck {
        let rule = table::rule_between(from, to);
        let mut check = Check {
            wf: self,
            req,
            command: None,
            from,
            actor,
            kind: rule.map_or(CommandKind::Relabel, |r| r.command),
            parties: Parties::of_tracker(&self.directory, req),
            level: None,
            problems: Vec::new(),
        };
        check.actor_known();
        match rule {
            Some(rule) => {
                check.plan(rule, at);
            }
            None => check.problem(
                RejectionKind::InvalidTransition,
                Reason::NoSuchMove { from, to },
            ),
        }
        check.assignee_in(to);
        MoveCheck {
            from,
            to,
            rule,
            problems: check.problems,
        }
    }
}
