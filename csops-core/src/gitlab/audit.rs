//! A request's workflow history reconstructed from GitLab's resource label events, and the
//! audit of it (SPEC §7): every step that broke the process, with who, when and which rule.
//!
//! GitLab records a label change as events: adding a scoped label that replaces another of its
//! scope shows as an `add` and a `remove` by the same user at the same time. Events by one user
//! at one instant are therefore read as one change. The labels the issue had before its first
//! event are the issue's labels with every event undone, so an issue created with a workflow
//! label (and no event for it) starts in that state, and one whose creation labels show as
//! events starts in New and moves.
//!
//! A workflow label removed with no other added is not a state of its own: the request stays
//! where it was until the next workflow label arrives (people often remove one label and add
//! the next in two edits). Only when no workflow label follows does the history end in New,
//! by a step the table does not have.
//!
//! What labels cannot show is not checked here: the inputs of a step (a question, a reason, the
//! closing checklist), approvals, and who was assignee at the time — the issue's current
//! assignee stands in for it, and a rule for the peer reviewer accepts anyone but the assignee
//! unless the request names its reviewer.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

use super::{GitlabError, LabelAction, LabelEvent};
use crate::report::AnomalyKind;
use crate::state::State;
use crate::workflow::{
    Command, History, Move, MoveCheck, Problem, Reason, RejectionKind, Request, Step, Workflow,
};

/// Which process rule a step broke.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    Display,
    EnumString,
    IntoStaticStr,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum AuditRule {
    /// A move the transition table does not have (SPEC §2), e.g. Triage → In_Process.
    InvalidTransition,
    /// A move by someone the table does not name for it.
    NotPermitted,
    /// A move by someone the directory does not know, who is not the requester.
    UnknownPerson,
    /// In_Process with no assignee.
    NoAssignee,
    /// Ready_for_Assignment or In_Process with no weight (SPEC §3).
    NoWeight,
    /// Completed straight from In_Process where §4 requires a review (for a request read from a
    /// tracker, change kind unknown, a Gainsight-labelled one, §7): the peer review (Awaiting
    /// Feedback) was skipped.
    SkippedPeerReview,
    /// Closed on the tracker without Completed or Won't Do.
    ClosedWithoutOutcome,
    /// Two workflow labels at once (SPEC §1).
    TwoWorkflowLabels,
    /// A weight GitLab holds that is not a CS Ops weight (SPEC §3: 1, 3, 5, 7).
    InvalidWeight,
    /// A workflow label on an issue without the team label `CSOps` (SPEC §1, §7).
    WorkflowLabelWithoutCsops,
    /// A label of the workflow scope that names no state (`CSOps::Doing`): by GitLab's scope
    /// rule it displaced the issue's workflow label, so the issue reads as New.
    UnknownWorkflowLabel,
}

impl AuditRule {
    /// The name used in data (`"skipped_peer_review"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// One step that broke the process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The rule broken.
    pub rule: AuditRule,
    /// Who (unknown for a closing, which label events do not show).
    pub actor: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
    /// The position of the step in the reconstructed history, when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
    /// What happened, in words, naming the rule.
    pub message: String,
    /// For a move that broke a rule: the moves out of the same state that were open to its
    /// actor ([`Workflow::open_moves`]; empty when none was). `None` for what is no move (an
    /// issue's own findings, a closing, two workflow labels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instead: Option<Vec<Move>>,
}

/// A request with its history as its label events show it, and what broke the process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reconstruction {
    /// The request, its history replaced by the reconstructed one (commands without inputs;
    /// moves the table does not have are [`Command::Relabel`]).
    pub request: Request,
    /// Every violation, in time order.
    pub violations: Vec<Violation>,
}

impl Reconstruction {
    /// The reconstructed history.
    pub fn history(&self) -> &[Step] {
        self.request.history()
    }
}

/// Checks one workflow move seen on a tracker ([`Workflow::check_move`]: the engine's rules,
/// as far as a tracker shows them) and words each problem as the audit's violation. Returns
/// the check and the violations.
pub(crate) fn check_move(
    wf: &Workflow,
    req: &Request,
    from: State,
    to: State,
    actor: &str,
    at: DateTime<Utc>,
) -> (MoveCheck, Vec<Violation>) {
    let seen = wf.check_move(req, from, to, actor, at);
    // A refused move names what was open to its actor instead (SPEC §2).
    let instead = (!seen.allowed()).then(|| wf.open_moves(req, from, actor, at));
    let violations = seen
        .problems
        .iter()
        .map(|p| {
            let (rule, message) = violation_of(&seen, p, actor);
            let instead = instead.clone();
            Violation {
                rule,
                actor: Some(actor.to_owned()),
                at,
                step: None,
                message,
                instead,
            }
        })
        .collect();
    (seen, violations)
}

/// The audit's rule and words for one problem of a move: the move named first (`Triage -> In
/// Process …`), the rule's facts from the problem.
fn violation_of(seen: &MoveCheck, problem: &Problem, actor: &str) -> (AuditRule, String) {
    let (from_t, to_t) = (seen.from.title(), seen.to.title());
    let actor = crate::words::Quoted(actor);
    match &problem.reason {
        Reason::UnknownActor { .. } => (
            AuditRule::UnknownPerson,
            format!("{actor} is not in the directory and is not the requester"),
        ),
        Reason::NoSuchMove { .. } => (AuditRule::InvalidTransition, problem.reason.to_string()),
        Reason::NotPermitted {
            command,
            who,
            names,
            ..
        } => {
            let who: Vec<String> = who.iter().map(|p| names.describe(*p)).collect();
            (
                AuditRule::NotPermitted,
                format!(
                    "{from_t} -> {to_t} ({command}) is for {}; {actor} is not",
                    who.join(" or ")
                ),
            )
        }
        Reason::NoWeight { .. } => (
            AuditRule::NoWeight,
            format!("{from_t} -> {to_t} with no weight: it needs one of 1, 3, 5, 7"),
        ),
        Reason::NoAssigneeIn { state } => (
            AuditRule::NoAssignee,
            format!(
                "{from_t} -> {to_t} with no assignee: {} needs one",
                state.title()
            ),
        ),
        Reason::ReviewRequired { change_kind } => (
            AuditRule::SkippedPeerReview,
            format!(
                "{from_t} -> {to_t} without Awaiting Feedback on a {} change, which needs a review by a gainsight_admin: the peer review was skipped",
                change_kind.phrase()
            ),
        ),
        // A requirement a tracker shows that has no audit rule of its own yet: named by its
        // kind, in the engine's words (none today; see `Requirement::shows_on_tracker`).
        other => {
            let rule = match problem.kind {
                RejectionKind::UnknownPerson => AuditRule::UnknownPerson,
                RejectionKind::NotPermitted => AuditRule::NotPermitted,
                RejectionKind::ReviewRequired => AuditRule::SkippedPeerReview,
                RejectionKind::InvalidWeight | RejectionKind::NeedsEpic => AuditRule::InvalidWeight,
                _ => AuditRule::InvalidTransition,
            };
            (rule, format!("{from_t} -> {to_t}: {other}"))
        }
    }
}

/// Reconstructs a request's workflow history from its resource label events and audits it.
///
/// `request` is the issue as it is now (e.g. from [`super::read_issue`]); `events` are its
/// label events in any order (they are ordered by time, ties kept in the order given). Events
/// whose label has since been deleted (`label: null`) are skipped.
///
/// An issue moved from another project keeps its label events, dated before its creation
/// here: its request is dated from the first of them (it began there), so the reconstructed
/// request's `created_at` is the earlier of the two.
///
/// Errors: events that do not lead to the issue's labels (a label added and never on the
/// issue, or removed and still on it: the two were fetched at different times).
///
/// ```
/// use csops_core::{gitlab, Directory, State, Workflow};
/// let wf = Workflow::with_directory(Directory::from_json(
///     r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}"#)?);
/// let issue = gitlab::read_issue(r#"{"iid": 9, "title": "New CTA rule", "state": "closed",
///     "labels": ["CSOps", "Gainsight", "CSOps::Completed"], "author": {"username": "rita"},
///     "assignees": [{"username": "omar"}], "created_at": "2026-03-02T09:00:00Z",
///     "closed_at": "2026-03-05T16:00:00Z"}"#, wf.config())?;
/// let events = gitlab::read_label_events(r#"[
///   {"user": {"username": "lena"}, "created_at": "2026-03-02T10:00:00Z", "label": {"name": "CSOps::Triage"}, "action": "add"},
///   {"user": {"username": "omar"}, "created_at": "2026-03-03T09:00:00.000Z", "label": {"name": "CSOps::In_Process"}, "action": "add"},
///   {"user": {"username": "omar"}, "created_at": "2026-03-03T09:00:00.000Z", "label": {"name": "CSOps::Triage"}, "action": "remove"},
///   {"user": {"username": "omar"}, "created_at": "2026-03-05T16:00:00Z", "label": {"name": "CSOps::Completed"}, "action": "add"},
///   {"user": {"username": "omar"}, "created_at": "2026-03-05T16:00:00Z", "label": {"name": "CSOps::In_Process"}, "action": "remove"}
/// ]"#)?;
/// let audit = gitlab::reconstruct(&wf, &issue, &events)?;
/// let moves: Vec<_> = audit.history().iter().map(|s| (s.from, s.to)).collect();
/// assert_eq!(moves, [(State::New, State::Triage), (State::Triage, State::InProcess),
///                    (State::InProcess, State::Completed)]);
/// let rules: Vec<_> = audit.violations.iter().map(|v| v.rule.as_str()).collect();
/// assert_eq!(rules, ["invalid_transition", "skipped_peer_review"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reconstruct(
    wf: &Workflow,
    request: &Request,
    events: &[LabelEvent],
) -> Result<Reconstruction, GitlabError> {
    reconstruct_views(wf, request, event_views(events))
}

/// The issue as it stood at `at` (SPEC §6: a board or audit as of a past date is the project
/// as it stood that day; what happened later is not yet known), reconstructed from the label
/// events up to `at`. Its labels then are its labels now with every later event undone; an
/// issue closed after `at` was open. `None` when the issue did not exist yet (created after
/// `at`, no event by then). Fields label events do not show (weight, assignees, title) are
/// taken as they are now.
///
/// Two workflow labels at `at` are the error [`GitlabError::Request`] with
/// [`crate::workflow::RequestError::Anomaly`], as for an issue that carries them now.
///
/// ```
/// use csops_core::{gitlab, Directory, State, Workflow};
/// let wf = Workflow::with_directory(Directory::new());
/// let issue = gitlab::read_issue(r#"{"iid": 9, "title": "t", "state": "closed",
///     "labels": ["CSOps", "CSOps::Completed"], "author": {"username": "rita"},
///     "created_at": "2026-03-02T09:00:00Z", "closed_at": "2026-03-05T16:00:00Z"}"#, wf.config())?;
/// let events = gitlab::read_label_events(r#"[
///   {"user": {"username": "omar"}, "created_at": "2026-03-03T09:00:00Z", "label": {"name": "CSOps::In_Process"}, "action": "add"},
///   {"user": {"username": "omar"}, "created_at": "2026-03-05T16:00:00Z", "label": {"name": "CSOps::Completed"}, "action": "add"},
///   {"user": {"username": "omar"}, "created_at": "2026-03-05T16:00:00Z", "label": {"name": "CSOps::In_Process"}, "action": "remove"}
/// ]"#)?;
/// let then = gitlab::reconstruct_as_of(&wf, &issue, &events, "2026-03-04T00:00:00Z".parse()?)?
///     .expect("the issue existed");
/// assert_eq!(then.request.state(), State::InProcess);
/// assert!(then.request.is_open());
/// assert!(gitlab::reconstruct_as_of(&wf, &issue, &events, "2026-03-01T00:00:00Z".parse()?)?.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reconstruct_as_of(
    wf: &Workflow,
    request: &Request,
    events: &[LabelEvent],
    at: DateTime<Utc>,
) -> Result<Option<Reconstruction>, GitlabError> {
    let mut order = event_views(events);
    order.sort_by_key(|e| e.at);
    let known = order.partition_point(|e| e.at <= at);
    if known == 0 && request.created_at() > at {
        return Ok(None);
    }
    if known == order.len() && request.closed_at().is_none_or(|c| c <= at) {
        return reconstruct_views(wf, request, order).map(Some);
    }
    let mut labels: Vec<&str> = request.labels().iter().collect();
    for e in order[known..].iter().rev() {
        undo(&mut labels, e.label, e.action);
    }
    let mut record = request.to_record();
    record.labels = labels.iter().copied().collect();
    record.workflow_state = None;
    record.workstream = None;
    record.history = Vec::new();
    record.managed_since = None;
    record.created_at = order
        .first()
        .map_or(record.created_at, |e| e.at.min(record.created_at));
    if record.closed_at.is_some_and(|c| c > at) {
        record.state = Some(crate::workflow::OpenState::Open);
        record.closed_at = None;
        record.closed_by = None;
    }
    let then = Request::from_record_parts(record, wf.taxonomy(), &wf.config().routing).map_err(
        |source| GitlabError::Request {
            index: None,
            source,
        },
    )?;
    order.truncate(known);
    reconstruct_views(wf, &then, order).map(Some)
}

/// The views of read label events that still name their label, in the order given.
fn event_views(events: &[LabelEvent]) -> Vec<View<'_>> {
    views(events, |e| {
        (
            e.created_at,
            e.user.username.as_str(),
            e.label.as_ref().map(|l| l.name.as_str()),
            e.action,
        )
    })
}

/// The views of events that still name their label, in the order given.
fn views<'a, E>(
    events: &'a [E],
    parts: impl Fn(&'a E) -> (DateTime<Utc>, &'a str, Option<&'a str>, LabelAction),
) -> Vec<View<'a>> {
    let mut out = Vec::with_capacity(events.len());
    out.extend(events.iter().filter_map(|e| {
        let (at, user, label, action) = parts(e);
        label.map(|label| View {
            at,
            user,
            label,
            action,
        })
    }));
    out
}

/// [`reconstruct`] from the label events' JSON text as GitLab returns it, read without copying
/// the names out of the text: the fast path of an audit over many issues. A malformed list is
/// the same error [`super::read_label_events`] gives.
pub fn reconstruct_json(
    wf: &Workflow,
    request: &Request,
    events_json: &str,
) -> Result<Reconstruction, GitlabError> {
    match serde_json::from_str::<Vec<RawEvent<'_>>>(events_json) {
        Ok(raw) => {
            let views = views(&raw, |e| {
                (
                    e.created_at,
                    &*e.user.username,
                    e.label.as_ref().map(|l| &*l.name),
                    e.action,
                )
            });
            reconstruct_views(wf, request, views)
        }
        Err(_) => reconstruct(wf, request, &super::read_label_events(events_json)?),
    }
}

/// A label event as GitLab's JSON has it, its names borrowed from the text when they can be.
#[derive(Deserialize)]
struct RawEvent<'a> {
    #[serde(borrow)]
    user: RawUser<'a>,
    #[serde(deserialize_with = "super::timestamp")]
    created_at: DateTime<Utc>,
    #[serde(borrow)]
    label: Option<RawLabel<'a>>,
    action: LabelAction,
}

#[derive(Deserialize)]
struct RawUser<'a> {
    #[serde(borrow)]
    username: std::borrow::Cow<'a, str>,
}

#[derive(Deserialize)]
struct RawLabel<'a> {
    #[serde(borrow)]
    name: std::borrow::Cow<'a, str>,
}

/// What reconstruction reads of one event.
struct View<'a> {
    at: DateTime<Utc>,
    user: &'a str,
    label: &'a str,
    action: LabelAction,
}

/// `labels` as they were before a label event (`name` added or removed) — the one way an event
/// is undone, for a reconstruction and for a missed change alike.
pub(super) fn undo<'a>(labels: &mut Vec<&'a str>, name: &'a str, action: LabelAction) {
    match action {
        LabelAction::Add => labels.retain(|l| *l != name),
        LabelAction::Remove => {
            if !labels.contains(&name) {
                labels.push(name);
            }
        }
    }
}

fn reconstruct_views(
    wf: &Workflow,
    request: &Request,
    mut order: Vec<View<'_>>,
) -> Result<Reconstruction, GitlabError> {
    let iid = request.id();
    let events_error = |message: String| GitlabError::Events { iid, message };
    order.sort_by_key(|e| e.at);
    // A moved issue's events predate the issue: the request began with the first of them.
    let created_at = order
        .first()
        .map_or(request.created_at(), |e| e.at.min(request.created_at()));

    // The labels before the first event: the issue's labels, every event undone.
    let mut labels: Vec<&str> = request.labels().iter().collect();
    for e in order.iter().rev() {
        undo(&mut labels, e.label, e.action);
    }

    let tax = wf.taxonomy();
    // The history as a request starts when the issue first became managed (SPEC §7).
    let mut managed_since = (!tax.is_managed(labels.iter().copied())).then_some(None);
    let mut violations = Vec::new();
    let mut history: Vec<Step> = Vec::with_capacity(order.len() / 2 + 1);
    let mut workflow = tax.workflow_labels(labels.iter().copied());
    let mut state = workflow.first().map_or(State::New, |(_, s)| *s);
    let mut anomalous = false;
    if workflow.len() > 1 {
        anomalous = true;
        violations.push(Violation {
            rule: AuditRule::TwoWorkflowLabels,
            actor: None,
            at: created_at,
            step: None,
            message: two_labels(&workflow),
            instead: None,
        });
    }
    // A workflow label removed with none added: (when, who), until one is.
    let mut removed: Option<(DateTime<Utc>, &str)> = None;
    let record =
        |history: &mut Vec<Step>, violations: &mut Vec<Violation>, from, to, actor: &str, at| {
            let (seen, found) = check_move(wf, request, from, to, actor, at);
            let rule = seen.rule;
            let index = history.len();
            violations.extend(found.into_iter().map(|v| Violation {
                step: Some(index),
                ..v
            }));
            history.push(Step {
                at,
                actor: wf
                    .directory()
                    .name(actor)
                    .cloned()
                    .unwrap_or_else(|| actor.into()),
                from,
                to,
                command: rule.map_or(Command::Relabel, |r| Command::bare(r.command)),
            });
        };

    let mut k = 0;
    while let Some(first) = order.get(k) {
        // One change: the events of one user at one instant.
        let (at, actor) = (first.at, first.user);
        while let Some(e) = order.get(k).filter(|e| e.at == at && e.user == actor) {
            let name = e.label;
            match e.action {
                LabelAction::Add => {
                    if !labels.contains(&name) {
                        labels.push(name);
                        // The workflow labels are kept as they change: each label is
                        // classified once, when it arrives.
                        if let Some(s) = tax.state_of(name) {
                            workflow.push((name, s));
                        }
                    }
                }
                LabelAction::Remove => {
                    labels.retain(|l| *l != name);
                    workflow.retain(|(l, _)| *l != name);
                }
            }
            k += 1;
        }
        if let Some(since @ None) = &mut managed_since
            && tax.is_managed(labels.iter().copied())
        {
            *since = Some(at);
        }
        match workflow.as_slice() {
            [] => {
                if state != State::New && removed.is_none() {
                    removed = Some((at, actor));
                }
                anomalous = false;
            }
            [(_, to)] => {
                removed = None;
                anomalous = false;
                if *to != state {
                    record(&mut history, &mut violations, state, *to, actor, at);
                    state = *to;
                }
            }
            _ => {
                removed = None;
                if !anomalous {
                    violations.push(Violation {
                        rule: AuditRule::TwoWorkflowLabels,
                        actor: Some(actor.to_owned()),
                        at,
                        step: None,
                        message: two_labels(&workflow),
                        instead: None,
                    });
                }
                anomalous = true;
            }
        }
    }
    if let Some((at, actor)) = removed {
        record(&mut history, &mut violations, state, State::New, actor, at);
        state = State::New;
    }

    // The events must lead to the issue's labels.
    // Sets, not lists: an issue may carry thousands of labels (GitLab sets no limit).
    let now: rustc_hash::FxHashSet<&str> = request.labels().iter().collect();
    let replayed: rustc_hash::FxHashSet<&str> = labels.iter().copied().collect();
    if let Some(extra) = labels.iter().find(|l| !now.contains(*l)) {
        return Err(events_error(format!(
            "the events add {}, which the issue does not carry: the issue and its events disagree (fetch both again)",
            crate::words::Quoted(extra)
        )));
    }
    if let Some(missing) = request.labels().iter().find(|l| !replayed.contains(l)) {
        return Err(events_error(format!(
            "the events remove {}, which the issue still carries: the issue and its events disagree (fetch both again)",
            crate::words::Quoted(missing)
        )));
    }

    if !request.is_open() && !matches!(state, State::Completed | State::WontDo) {
        violations.push(Violation {
            rule: AuditRule::ClosedWithoutOutcome,
            actor: request.closed_by().map(str::to_owned),
            at: request
                .closed_at()
                .or(history.last().map(|s| s.at))
                .unwrap_or(created_at),
            step: None,
            message: format!(
                "closed in {}: a request closes as Completed or Won't Do, with its label",
                state.title()
            ),
            instead: None,
        });
    }
    // What the issue holds now: dated by the last change its events show.
    let last_seen = order.last().map_or(created_at, |e| e.at);
    violations.extend(
        crate::report::issue_findings(wf, request)
            .into_iter()
            .filter_map(|(kind, message)| Some((finding_rule(kind)?, message)))
            .map(|(rule, message)| Violation {
                rule,
                actor: None,
                at: last_seen,
                step: None,
                message,
                instead: None,
            }),
    );
    violations.sort_by_key(|v| v.at);

    let mut out = request.clone();
    out.created_at = created_at;
    out.history = History::from(history);
    out.state = state;
    if let Some(since) = managed_since.flatten() {
        out.managed_since = Some(since).filter(|s| *s > out.created_at);
    }
    Ok(Reconstruction {
        request: out,
        violations,
    })
}

/// The audit's rule for a finding about an issue's current fields ([`crate::report`]'s
/// `issue_findings`), which the board lists under the same name.
fn finding_rule(kind: AnomalyKind) -> Option<AuditRule> {
    match kind {
        AnomalyKind::InvalidWeight => Some(AuditRule::InvalidWeight),
        AnomalyKind::WorkflowLabelWithoutCsops => Some(AuditRule::WorkflowLabelWithoutCsops),
        AnomalyKind::UnknownWorkflowLabel => Some(AuditRule::UnknownWorkflowLabel),
        _ => None,
    }
}

/// The message of two or more workflow labels at once: the import anomaly's own words (SPEC §1).
pub(crate) fn two_labels(found: &[(&str, State)]) -> String {
    crate::label::WorkflowAnomaly {
        labels: found.iter().map(|(l, _)| (*l).to_owned()).collect(),
        states: found.iter().map(|(_, s)| *s).collect(),
    }
    .to_string()
}
