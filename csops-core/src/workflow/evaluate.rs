//! Checking a command against the transition table (SPEC §2): who may act, then what the rule
//! needs. Each requirement of [`Requirement`] is checked by one method of [`Check`]; each party
//! is interpreted by [`Parties`]. Every unmet requirement becomes a problem, and the rejection's
//! kind is the first by precedence.

use chrono::{DateTime, Utc};

use super::parties::Parties;
use super::*;

/// One command being checked: what it is checked against, and the problems found so far.
struct Check<'a> {
    wf: &'a Workflow,
    req: &'a Request,
    command: &'a Command,
    actor: &'a str,
    kind: CommandKind,
    parties: Parties<'a>,
    level: ReviewLevel,
    problems: Vec<Problem>,
}

impl Check<'_> {
    fn problem(&mut self, kind: RejectionKind, rule: String, missing: Option<&str>) {
        self.problems.push(Problem {
            kind,
            rule,
            missing: missing.map(str::to_owned),
        });
    }

    /// The actor is in the directory, or is the requester.
    fn actor_known(&mut self) {
        if !self.wf.knows(self.req, self.actor) {
            let rule = format!(
                "actor {} is not in the directory and is not the requester",
                Quoted(self.actor)
            );
            self.problem(RejectionKind::UnknownPerson, rule, None);
        }
    }

    /// The step is not before the request's creation nor its last step.
    fn in_time(&mut self, at: DateTime<Utc>) {
        let req = self.req;
        if at < req.created_at {
            let rule = format!(
                "step at {at} is before the request's creation at {}",
                req.created_at
            );
            self.problem(RejectionKind::InvalidTime, rule, None);
        } else if let Some(last) = req.history.last().filter(|l| at < l.at) {
            let rule = format!(
                "step at {at} is before the request's last step at {}",
                last.at
            );
            self.problem(RejectionKind::InvalidTime, rule, None);
        }
    }

    /// The table's row for the command in the request's state (none: an invalid transition).
    fn rule(&mut self) -> Option<&'static Rule> {
        let (kind, state) = (self.kind, self.req.state);
        let rule = table::rule_for(kind, state);
        if rule.is_none() {
            let states: Vec<&str> = TRANSITIONS
                .iter()
                .filter(|r| r.command == kind)
                .flat_map(|r| r.from.iter())
                .map(|s| s.title())
                .collect();
            let why = if states.is_empty() {
                format!(
                    "{kind} is not a command of the transition table (it only records a tracker's history)"
                )
            } else {
                format!(
                    "{kind} does not apply to a request in {}; it applies in {}",
                    state.title(),
                    states.join(", ")
                )
            };
            self.problem(RejectionKind::InvalidTransition, why, None);
        }
        rule
    }

    /// The actor is one of the rule's parties.
    fn permitted(&mut self, rule: &Rule) {
        if self.parties.admit_any(rule.who, self.actor) {
            return;
        }
        let lead_ws = self.parties.lead_workstream();
        let who: Vec<String> = rule
            .who
            .iter()
            .map(|p| self.wf.describe_party(*p, self.req, lead_ws))
            .collect();
        let why = format!(
            "{} in {} is for {}; {} is not",
            self.kind,
            self.req.state.title(),
            who.join(" or "),
            Quoted(self.actor)
        );
        self.problem(RejectionKind::NotPermitted, why, None);
    }

    /// One requirement of the rule, met (its effect planned) or a problem.
    fn requirement(&mut self, requirement: Requirement, plan: &mut Plan) {
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

    fn text(&mut self, field: TextInput) {
        if self
            .command
            .text_input(field)
            .is_none_or(|t| t.trim().is_empty())
        {
            let rule = format!("{} needs a non-empty {field}", self.kind);
            self.problem(RejectionKind::MissingInput, rule, Some(field.as_str()));
        }
    }

    /// The workstream the lead names wins: triage may re-route (SPEC §5).
    fn workstream(&mut self, plan: &mut Plan) {
        let named = match self.command {
            Command::Triage { workstream } => *workstream,
            _ => None,
        };
        match named.or(self.req.workstream) {
            Some(ws) => plan.workstream = Some(ws),
            None => {
                let rule = format!(
                    "{} needs a workstream: the request has none and the command names none",
                    self.kind
                );
                self.problem(RejectionKind::MissingInput, rule, Some("workstream"));
            }
        }
    }

    /// A weight given now (a weight, an estimate in hours, or both agreeing) or set before.
    fn weight(&mut self, plan: &mut Plan) {
        let (weight, hours) = match self.command {
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
        let kind = self.kind;
        match given {
            Some(Ok(w)) => plan.weight = Some(w),
            Some(Err(e)) => {
                let rule = match (weight, hours) {
                    (Some(w), Some(h)) if Weight::try_from(w).is_ok() => {
                        format!("weight {w} and estimate of {h} hours disagree: {e}")
                    }
                    _ => e.to_string(),
                };
                self.problem(RejectionKind::from(&e), rule, None);
            }
            None if self.req.weight.is_some() => {}
            None => match self.req.invalid_weight {
                Some(invalid) => {
                    let rule = format!(
                        "{kind} needs a weight of 1, 3, 5 or 7; the request's weight {invalid} is not one (give one with the command)"
                    );
                    self.problem(RejectionKind::InvalidWeight, rule, Some("weight"));
                }
                None => {
                    let rule = format!(
                        "{kind} needs a weight (1, 3, 5, 7) or an estimate in hours; the request has none"
                    );
                    self.problem(RejectionKind::MissingInput, rule, Some("weight"));
                }
            },
        }
    }

    /// An assignee given now (or the cs_ops actor taking it) who is a `cs_ops` member.
    fn new_assignee(&mut self, plan: &mut Plan) {
        let dir = &self.wf.directory;
        match self.parties.new_assignee() {
            None => {
                let rule = format!("{} needs an assignee", self.kind);
                self.problem(RejectionKind::MissingInput, rule, Some("assignee"));
            }
            Some(a) if !dir.knows(a) => {
                let rule = format!("assignee {} is not in the directory", Quoted(a));
                self.problem(RejectionKind::UnknownPerson, rule, None);
            }
            Some(a) if !dir.has_role(a, Role::CsOps) => {
                let rule = format!(
                    "assignee {} is not a cs_ops member; only cs_ops members are assigned requests",
                    Quoted(a)
                );
                self.problem(RejectionKind::NotPermitted, rule, None);
            }
            Some(a) => plan.assignee = Some(a.to_owned()),
        }
    }

    fn has_assignee(&mut self) {
        if self.req.assignee.is_none() {
            let rule = format!("{} needs a request that already has an assignee", self.kind);
            self.problem(RejectionKind::MissingInput, rule, Some("assignee"));
        }
    }

    /// A peer reviewer who is not the assignee; a `gainsight_admin` when review is required.
    fn reviewer(&mut self, plan: &mut Plan) {
        let dir = &self.wf.directory;
        let reviewer = match self.command {
            Command::RequestReview { reviewer, .. } => {
                reviewer.as_deref().filter(|r| !r.trim().is_empty())
            }
            _ => None,
        };
        match reviewer {
            None => {
                let rule = format!("{} needs a peer reviewer", self.kind);
                self.problem(RejectionKind::MissingInput, rule, Some("reviewer"));
            }
            Some(r) if !dir.knows(r) => {
                let rule = format!("reviewer {} is not in the directory", Quoted(r));
                self.problem(RejectionKind::UnknownPerson, rule, None);
            }
            Some(r) if self.req.is_assignee(r) => {
                let rule = format!(
                    "{} is the assignee and cannot be their own peer reviewer",
                    Quoted(r)
                );
                self.problem(RejectionKind::NotPermitted, rule, None);
            }
            Some(r)
                if self.level == ReviewLevel::Required
                    && !dir.has_role(r, Role::GainsightAdmin) =>
            {
                let rule = format!(
                    "a {} change requires its review by a gainsight_admin; {} is not one (SPEC §4)",
                    self.req.change_kind,
                    Quoted(r)
                );
                self.problem(RejectionKind::ReviewRequired, rule, None);
            }
            Some(r) => plan.reviewer = Some(r.to_owned()),
        }
    }

    /// The current review round approved by the reviewer (qualified when review is required).
    fn review_approved(&mut self) {
        let req = self.req;
        let approved = match ReviewStatus::of(&req.history) {
            ReviewStatus::Approved(by) => {
                req.reviewer() == Some(by)
                    && (self.level != ReviewLevel::Required
                        || self.wf.directory.has_role(by, Role::GainsightAdmin))
            }
            _ => false,
        };
        if !approved {
            let rule = format!(
                "completing from review needs the approval of the peer reviewer ({}); none is recorded",
                req.reviewer().unwrap_or("none named")
            );
            self.problem(RejectionKind::ReviewRequired, rule, None);
        }
    }

    fn review_not_required(&mut self) {
        if self.level == ReviewLevel::Required {
            let rule = format!(
                "a {} change requires a peer review by a gainsight_admin before it completes (SPEC §4): request a review",
                self.req.change_kind
            );
            self.problem(RejectionKind::ReviewRequired, rule, None);
        }
    }

    fn review_waivable(&mut self) {
        if self.level == ReviewLevel::Required {
            let rule = format!(
                "the review of a {} change is required and can never be waived (SPEC §4)",
                self.req.change_kind
            );
            self.problem(RejectionKind::ReviewRequired, rule, None);
        }
    }

    /// The closing checklist complete.
    fn checklist(&mut self, peer_review: bool) {
        let missing = self
            .wf
            .checklist_missing(self.req, self.command, peer_review, self.level);
        for item in missing {
            let rule = format!("closing checklist: {}", checklist_rule(item));
            self.problem(RejectionKind::ChecklistIncomplete, rule, Some(item.into()));
        }
    }
}

impl Workflow {
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
            command,
            actor,
            kind: command.kind(),
            parties: Parties::of_command(&self.directory, req, command, actor),
            level: self.review_level(req),
            problems: Vec::new(),
        };
        check.actor_known();
        check.in_time(at);
        let Some(rule) = check.rule() else {
            return Err(Rejection::from_problems(check.problems).unwrap_or_else(|| unreachable!()));
        };
        check.permitted(rule);
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
            check.requirement(*requirement, &mut plan);
        }
        if let Some(rejection) = Rejection::from_problems(check.problems) {
            return Err(rejection);
        }
        plan.interrupt = matches!(check.kind, CommandKind::Start | CommandKind::Resume)
            && req
                .milestone
                .as_ref()
                .is_some_and(|m| m.is_interrupt(req.created_at, at))
            && !req.labels.contains(&self.compiled.config.labels.interrupt);
        Ok(plan)
    }

    /// The closing checklist's items a completion misses.
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
