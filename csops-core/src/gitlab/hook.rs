//! GitLab's Issue Hook webhook payload, and the decision a webhook service makes on it: was the
//! workflow-label move allowed, and if not, what GitLab should do to undo it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::audit::{Violation, check_move, two_labels};
use super::{GitlabError, RestParams, User, opt_timestamp, read, read_text, timestamp};
use crate::Config;
use crate::label::{LabelSet, Taxonomy};
use crate::review::ChangeKind;
use crate::state::State;
use crate::workflow::{CommandKind, OpenState, Request, RequestRecord, Workflow};

#[derive(Deserialize)]
struct HookLabel {
    title: String,
}

#[derive(Deserialize)]
struct Change<T> {
    #[serde(default)]
    previous: T,
    #[serde(default)]
    current: T,
}

#[derive(Deserialize, Default)]
struct RawChanges {
    #[serde(default)]
    labels: Option<Change<Vec<HookLabel>>>,
    #[serde(default)]
    updated_at: Option<Change<Option<String>>>,
}

#[derive(Deserialize)]
struct RawAttributes {
    iid: u64,
    title: String,
    state: OpenState,
    #[serde(deserialize_with = "timestamp")]
    created_at: DateTime<Utc>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    updated_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "opt_timestamp")]
    closed_at: Option<DateTime<Utc>>,
    #[serde(default)]
    author_id: Option<u64>,
    #[serde(default)]
    weight: Option<u64>,
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    labels: Option<Vec<HookLabel>>,
    #[serde(default)]
    project_id: Option<u64>,
}

/// The payload's `project`, the id alone.
#[derive(Deserialize)]
struct RawProject {
    id: u64,
}

#[derive(Deserialize)]
struct RawHook {
    object_kind: String,
    user: User,
    object_attributes: RawAttributes,
    #[serde(default)]
    project: Option<RawProject>,
    #[serde(default)]
    labels: Option<Vec<HookLabel>>,
    #[serde(default)]
    assignees: Vec<User>,
    #[serde(default)]
    changes: RawChanges,
}

/// An Issue Hook payload (`object_kind: "issue"`), the fields csops reads. It serializes to
/// (and reads back from) its own flat JSON, not GitLab's payload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssueHook {
    /// Who made the change (`user.username`).
    pub actor: String,
    /// When: `changes.updated_at.current`, else `object_attributes.updated_at`, else creation.
    pub at: DateTime<Utc>,
    /// `object_attributes.action` (`open`, `update`, `close`, `reopen`), when given.
    pub action: Option<String>,
    /// The issue's iid.
    pub iid: u64,
    /// The project's id (`project.id`, else `object_attributes.project_id`): where GitLab's
    /// REST API finds the issue (`/projects/:id/issues/:iid`).
    #[serde(default)]
    pub project_id: Option<u64>,
    /// Title.
    pub title: String,
    /// Open or closed after the change.
    pub state: OpenState,
    /// The labels after the change (`labels[].title`).
    pub labels: Vec<String>,
    /// The labels before the change (`changes.labels.previous`), when the labels changed.
    pub previous_labels: Option<Vec<String>>,
    /// The labels after the change (`changes.labels.current`), when the labels changed.
    pub current_labels: Option<Vec<String>>,
    /// Assignees after the change (`assignees[].username`).
    pub assignees: Vec<String>,
    /// The weight after the change (any non-negative number GitLab accepts).
    pub weight: Option<u64>,
    /// The author's user id (the payload names the author by id only).
    pub author_id: Option<u64>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Closing time.
    pub closed_at: Option<DateTime<Utc>>,
}

fn titles(v: Vec<HookLabel>) -> Vec<String> {
    v.into_iter().map(|l| l.title).collect()
}

/// Reads an Issue Hook payload (JSON text). Unknown fields are ignored; a missing required
/// field, or a payload of another kind, is an error naming the field.
///
/// ```
/// use csops_core::gitlab;
/// let hook = gitlab::read_webhook(r#"{"object_kind": "issue", "event_type": "issue",
///   "user": {"id": 1, "name": "Lena", "username": "lena"},
///   "object_attributes": {"id": 301, "iid": 23, "title": "Fix the renewal dashboard",
///     "state": "opened", "created_at": "2026-03-02 09:00:00 UTC", "author_id": 51, "action": "update"},
///   "labels": [{"id": 206, "title": "CSOps::In_Process"}],
///   "changes": {"updated_at": {"previous": "2026-03-02 09:00:00 UTC", "current": "2026-03-03 10:15:00 UTC"},
///               "labels": {"previous": [{"id": 205, "title": "CSOps::Triage"}],
///                          "current": [{"id": 206, "title": "CSOps::In_Process"}]}}}"#)?;
/// assert_eq!(hook.actor, "lena");
/// assert_eq!(hook.previous_labels.as_deref(), Some(&["CSOps::Triage".to_owned()][..]));
/// assert_eq!(hook.at.to_rfc3339(), "2026-03-03T10:15:00+00:00");
/// # Ok::<(), gitlab::GitlabError>(())
/// ```
pub fn read_webhook(json: &str) -> Result<IssueHook, GitlabError> {
    let raw: RawHook = read_text("webhook", json).map_err(|e| {
        // Another event kind is that, not an Issue Hook with a missing field.
        let kind = serde_json::from_str::<KindOnly>(json).ok();
        kind.and_then(|k| not_an_issue_hook(&k.object_kind).err())
            .unwrap_or(e)
    })?;
    hook_from_raw(raw)
}

/// Reads an Issue Hook payload from any serde deserializer that can be read twice (a JSON
/// value, a binding's objects).
pub fn read_webhook_from<'de, D>(de: D) -> Result<IssueHook, GitlabError>
where
    D: serde::Deserializer<'de> + Clone,
    D::Error: std::fmt::Display,
{
    let kind = KindOnly::deserialize(de.clone()).ok();
    let raw: RawHook = read("webhook", None, de).map_err(|e| {
        kind.and_then(|k| not_an_issue_hook(&k.object_kind).err())
            .unwrap_or(e)
    })?;
    hook_from_raw(raw)
}

/// A payload's `object_kind` alone.
#[derive(Deserialize)]
struct KindOnly {
    object_kind: String,
}

/// The error of a payload that is not an Issue Hook.
fn not_an_issue_hook(object_kind: &str) -> Result<(), GitlabError> {
    if object_kind == "issue" {
        return Ok(());
    }
    Err(GitlabError::OtherEvent {
        object_kind: object_kind.to_owned(),
    })
}

fn hook_from_raw(raw: RawHook) -> Result<IssueHook, GitlabError> {
    not_an_issue_hook(&raw.object_kind)?;
    let a = raw.object_attributes;
    let updated = match raw.changes.updated_at.and_then(|c| c.current) {
        Some(text) => Some(
            super::parse_timestamp(&text).ok_or_else(|| GitlabError::Json {
                what: "webhook",
                index: None,
                iid: None,
                key: "changes.updated_at.current".to_owned(),
                message: format!("{} is not a GitLab timestamp", crate::words::Quoted(&text)),
            })?,
        ),
        None => None,
    };
    let (previous_labels, current_labels) = match raw.changes.labels {
        Some(c) => (Some(titles(c.previous)), Some(titles(c.current))),
        None => (None, None),
    };
    let labels = raw
        .labels
        .or(a.labels)
        .map(titles)
        .or_else(|| current_labels.clone())
        .unwrap_or_default();
    Ok(IssueHook {
        actor: raw.user.username,
        at: updated.or(a.updated_at).unwrap_or(a.created_at),
        action: a.action,
        iid: a.iid,
        project_id: raw.project.map(|p| p.id).or(a.project_id),
        title: a.title,
        state: a.state,
        labels,
        previous_labels,
        current_labels,
        assignees: raw.assignees.into_iter().map(|u| u.username).collect(),
        weight: a.weight,
        author_id: a.author_id,
        created_at: a.created_at,
        closed_at: a.closed_at,
    })
}

impl IssueHook {
    /// The request the issue was before the change: with its labels before
    /// (`changes.labels.previous`) when the payload has them, else after. What a service that
    /// has never seen the issue decides [`apply_webhook`] against.
    pub fn to_request_before(&self, config: &Config) -> Result<Request, GitlabError> {
        let labels = self.previous_labels.as_ref().unwrap_or(&self.labels);
        self.request_with(&super::compiled(config)?, config, labels)
    }

    /// The request the issue is after the change. The payload names its author by id only, so
    /// the author is `author_id:<id>` (a stored request knows the username).
    pub fn to_request(&self, config: &Config) -> Result<Request, GitlabError> {
        self.request_with(&super::compiled(config)?, config, &self.labels)
    }

    fn request_with(
        &self,
        taxonomy: &Taxonomy,
        config: &Config,
        labels: &[String],
    ) -> Result<Request, GitlabError> {
        let record = RequestRecord {
            id: self.iid,
            title: self.title.clone(),
            author: self.author_id.map_or_else(
                || "author_id:unknown".to_owned(),
                |id| format!("author_id:{id}"),
            ),
            labels: labels.iter().map(String::as_str).collect(),
            created_at: self.created_at,
            // GitLab records no change kind (SPEC §7).
            change_kind: ChangeKind::Unknown,
            assignee: None,
            assignees: self.assignees.clone(),
            reviewer: None,
            weight: None,
            invalid_weight: self.weight,
            workstream: None,
            milestone: None,
            state: Some(self.state),
            closed_at: self.closed_at,
            closed_by: None,
            managed_since: None,
            workflow_state: None,
            history: Vec::new(),
        };
        Request::from_record_parts(record, taxonomy, &config.routing).map_err(|source| {
            GitlabError::Request {
                index: None,
                source,
            }
        })
    }
}

/// What a webhook service should do about an Issue Hook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookDecision {
    /// The issue's iid.
    pub iid: u64,
    /// Who made the change.
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The workflow state before the change.
    pub from: State,
    /// The workflow state the change moved to (`from` when it did not move it).
    pub to: State,
    /// Whether the change moved the workflow label at all.
    pub moved: bool,
    /// Whether the issue is a CS Ops request, before or after the change (SPEC §7). A hook for
    /// one that is not is allowed, with nothing to do.
    pub managed: bool,
    /// Whether the move was allowed (always, when nothing moved).
    pub allowed: bool,
    /// The command of the table the move is (none when the table has no such move).
    pub command: Option<CommandKind>,
    /// What the move broke.
    pub violations: Vec<Violation>,
    /// What GitLab should do: for an allowed move, its remaining effects (closing, reopening,
    /// the interrupt label); for a disallowed one, the labels (and open state) to restore.
    pub rest_params: RestParams,
    /// A comment for the issue naming the rules broken (none when allowed).
    pub comment: Option<String>,
    /// What the issue holds after the change that breaks the process but is no label move (a
    /// weight outside 1, 3, 5, 7, a workflow label without `CSOps`, …): reported, not undone.
    pub anomalies: Vec<crate::report::Anomaly>,
}

/// Decides an Issue Hook against the request as csops last stored it (its author, assignee,
/// reviewer, workstream, milestone and change kind; the state before the change comes from
/// `changes.labels.previous`, or the stored request when the payload has none).
///
/// ```
/// use csops_core::{gitlab, Directory, Request, State, Workflow};
/// let wf = Workflow::with_directory(Directory::from_json(
///     r#"{"lena": ["workstream_lead:Analytics"], "omar": ["cs_ops"]}"#)?);
/// let stored = Request::from_json(r#"{"id": 23, "author": "rita", "created_at": "2026-03-02T09:00:00Z",
///     "labels": ["CSOps", "CS Analytics", "CSOps::Triage"]}"#)?;
/// let hook = gitlab::read_webhook(r#"{"object_kind": "issue", "user": {"username": "omar"},
///   "object_attributes": {"iid": 23, "title": "t", "state": "opened", "created_at": "2026-03-02T09:00:00Z"},
///   "changes": {"updated_at": {"current": "2026-03-03 10:15:00 UTC"},
///     "labels": {"previous": [{"title": "CSOps"}, {"title": "CS Analytics"}, {"title": "CSOps::Triage"}],
///                "current": [{"title": "CSOps"}, {"title": "CS Analytics"}, {"title": "CSOps::In_Process"}]}}}"#)?;
/// let d = gitlab::decide_webhook(&wf, &hook, &stored)?;
/// assert_eq!((d.from, d.to, d.allowed), (State::Triage, State::InProcess, false));
/// assert_eq!(d.rest_params.add_labels.as_deref(), Some("CSOps::Triage"));
/// assert_eq!(d.rest_params.remove_labels.as_deref(), Some("CSOps::In_Process"));
/// assert!(d.comment.unwrap().contains("invalid_transition"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn decide_webhook(
    wf: &Workflow,
    hook: &IssueHook,
    stored: &Request,
) -> Result<WebhookDecision, GitlabError> {
    decide(wf, hook, stored).map(|(decision, _)| decision)
}

/// Decides an Issue Hook against the request as a service stored it, and gives the request as
/// it stands after the decision, to store in place of `stored`. Unlike [`decide_webhook`], the
/// state before the change is always the stored one (the payload's labels before are
/// GitLab's view, which csops's own undo or a missed change may have made differ), and an event
/// dated before the stored request's last step changes nothing (`None`). Otherwise:
/// - a move allowed (or a change that moves nothing) takes the hook's labels, assignees, weight
///   and open state, and a move is recorded as a step of the history (its command, or a
///   relabel);
/// - a move refused leaves the request as stored (GitLab is told to restore it);
/// - an issue csops does not manage gives `None`: there is nothing to store.
///
/// ```
/// use csops_core::{gitlab, Directory, Request, State, Workflow};
/// let wf = Workflow::with_directory(Directory::from_json(r#"{"lena": ["workstream_lead:Analytics"]}"#)?);
/// let stored = Request::from_json(r#"{"id": 23, "author": "rita", "created_at": "2026-03-02T09:00:00Z",
///     "labels": ["CSOps", "CS Analytics"]}"#)?;
/// let hook = gitlab::read_webhook(r#"{"object_kind": "issue", "user": {"username": "lena"},
///   "object_attributes": {"iid": 23, "title": "t", "state": "opened", "created_at": "2026-03-02T09:00:00Z"},
///   "changes": {"updated_at": {"current": "2026-03-03 10:15:00 UTC"},
///     "labels": {"previous": [{"title": "CSOps"}, {"title": "CS Analytics"}],
///                "current": [{"title": "CSOps"}, {"title": "CS Analytics"}, {"title": "CSOps::Triage"}]}}}"#)?;
/// let (d, after) = gitlab::apply_webhook(&wf, &hook, &stored)?;
/// let after = after.expect("a managed issue");
/// assert!(d.allowed && d.moved);
/// assert_eq!((after.state(), after.history().len()), (State::Triage, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn apply_webhook(
    wf: &Workflow,
    hook: &IssueHook,
    stored: &Request,
) -> Result<(WebhookDecision, Option<Request>), GitlabError> {
    // The stored request is what csops knows, so the change is judged from its labels, whatever
    // the payload says they were: the hook GitLab sends for csops's own undo (back to the
    // stored state) is no move, and a change csops missed is judged from the state it recorded.
    let stored_labels: Vec<String> = stored.labels().iter().map(str::to_owned).collect();
    let mut seen = hook.clone();
    seen.previous_labels = Some(stored_labels.clone());
    // An event older than the last step recorded has been overtaken: it changes nothing.
    if stored
        .history()
        .last()
        .is_some_and(|step| hook.at < step.at)
    {
        seen.current_labels = Some(stored_labels.clone());
        seen.labels = stored_labels;
        let (decision, _) = decide(wf, &seen, stored)?;
        return Ok((decision, None));
    }
    let (decision, mut after) = decide(wf, &seen, stored)?;
    if !decision.managed {
        return Ok((decision, None));
    }
    if !decision.allowed {
        return Ok((decision, Some(stored.clone())));
    }
    let open = hook.state == OpenState::Open;
    if stored.is_open() && !open {
        after.closed_at = Some(hook.at);
        after.closed_by = Some(hook.actor.as_str().into());
    } else if open {
        after.closed_at = None;
        after.closed_by = None;
    }
    if after.managed_since.is_none() {
        after.managed_since = Some(hook.at);
    }
    if decision.moved {
        after.state = decision.to;
        let actor = wf
            .directory()
            .name(&hook.actor)
            .cloned()
            .unwrap_or_else(|| hook.actor.as_str().into());
        after.history.push(crate::workflow::Step {
            at: hook.at,
            actor,
            from: decision.from,
            to: decision.to,
            command: decision.command.map_or(
                crate::workflow::Command::Relabel,
                crate::workflow::Command::bare,
            ),
        });
    }
    Ok((decision, Some(after)))
}

/// The decision and the request as the change left it (labels, people, weight and open state
/// after it; state and history as stored).
fn decide(
    wf: &Workflow,
    hook: &IssueHook,
    stored: &Request,
) -> Result<(WebhookDecision, Request), GitlabError> {
    if hook.iid != stored.id() {
        return Err(GitlabError::Json {
            what: "webhook",
            index: None,
            iid: None,
            key: "object_attributes.iid".to_owned(),
            message: format!(
                "issue {} is not the stored request {}",
                hook.iid,
                stored.id()
            ),
        });
    }
    let tax = wf.taxonomy();
    let before: Vec<&str> = match &hook.previous_labels {
        Some(p) => p.iter().map(String::as_str).collect(),
        None => stored.labels().iter().collect(),
    };
    let after: Vec<&str> = hook
        .current_labels
        .as_ref()
        .unwrap_or(&hook.labels)
        .iter()
        .map(String::as_str)
        .collect();
    let wl_before = tax.workflow_labels(before.iter().copied());
    let wl_after = tax.workflow_labels(after.iter().copied());
    let from = match wl_before.as_slice() {
        [] => State::New,
        [(_, s)] => *s,
        _ => stored.state(),
    };
    let managed = tax.is_managed(before.iter().copied()) || tax.is_managed(after.iter().copied());
    // The request as the change left it: the stored people, the hook's assignees, weight and
    // open state.
    let mut ctx = stored.clone();
    ctx.open = hook.state == OpenState::Open;
    if let Some((owner, others)) = hook.assignees.split_first() {
        ctx.assignee = Some(owner.as_str().into());
        ctx.co_assignees = others.iter().map(|a| a.as_str().into()).collect();
    }
    if let Some(w) = hook.weight {
        (ctx.weight, ctx.invalid_weight) = crate::workflow::split_weight(w);
    }
    ctx.labels = after.iter().copied().collect::<LabelSet>();
    if ctx.workstream.is_none() {
        ctx.workstream = wf
            .config()
            .routing
            .route(after.iter().copied())
            .workstream();
    }
    let mut decision = WebhookDecision {
        iid: hook.iid,
        actor: hook.actor.clone(),
        at: hook.at,
        from,
        to: from,
        moved: false,
        managed,
        allowed: true,
        command: None,
        violations: Vec::new(),
        rest_params: RestParams::default(),
        comment: None,
        anomalies: Vec::new(),
    };
    if !managed {
        return Ok((decision, ctx));
    }
    decision.anomalies = crate::report::issue_findings(wf, &ctx)
        .into_iter()
        .map(|(kind, message)| crate::report::Anomaly {
            iid: hook.iid,
            kind,
            message,
        })
        .collect();
    let to = match wl_after.as_slice() {
        [] => State::New,
        [(_, s)] => *s,
        _ => {
            decision.moved = true;
            decision.allowed = false;
            decision.violations.push(Violation {
                rule: super::AuditRule::TwoWorkflowLabels,
                actor: Some(hook.actor.clone()),
                at: hook.at,
                step: None,
                message: two_labels(&wl_after),
                instead: None,
            });
            restore(&mut decision, hook, &wl_before, &wl_after);
            return Ok((decision, ctx));
        }
    };
    if to == from {
        return Ok((decision, ctx));
    }
    decision.moved = true;
    decision.to = to;
    // The move is judged, and its effects computed, by the engine against the issue as the
    // change left it.
    let (seen, violations) = check_move(wf, &ctx, from, to, &hook.actor, hook.at);
    let effects = wf.effects_of(&ctx, &seen, &hook.actor, hook.at);
    decision.command = seen.rule.map(|r| r.command);
    decision.allowed = violations.is_empty();
    decision.violations = violations;
    if let Some(effects) = effects {
        // What remains for GitLab: the effects the change has not done itself.
        let add: Vec<&str> = effects
            .add_labels
            .iter()
            .map(|l| &**l)
            .filter(|l| !after.contains(l))
            .collect();
        decision.rest_params.add_labels = (!add.is_empty()).then(|| add.join(","));
        decision.rest_params.state_event = if effects.close {
            Some("close".to_owned())
        } else if effects.reopen {
            Some("reopen".to_owned())
        } else {
            None
        };
    } else {
        restore(&mut decision, hook, &wl_before, &wl_after);
    }
    Ok((decision, ctx))
}

/// Decides an Issue Hook when csops keeps no copy of the request: the request before the
/// change is reconstructed from the issue's label events (fetched when the hook arrived, with or
/// without the change's own events), and decided as by [`decide_webhook`].
pub fn decide_webhook_with_events(
    wf: &Workflow,
    hook: &IssueHook,
    events: &[super::LabelEvent],
) -> Result<WebhookDecision, GitlabError> {
    decide_webhook(wf, hook, &request_before(wf, hook, events)?)
}

/// The request an issue was before the change a hook reports, when csops keeps no copy of it:
/// reconstructed from the issue's label events older than the change (GitLab stamps the
/// change's own events a few milliseconds after the hook's time, and a hook fetched late may
/// find later ones too: both are left out) from the labels before the change. What a service
/// that sees an issue for the first time stores and decides the hook against
/// ([`apply_webhook`]), instead of the payload alone.
pub fn request_before(
    wf: &Workflow,
    hook: &IssueHook,
    events: &[super::LabelEvent],
) -> Result<Request, GitlabError> {
    let older: Vec<super::LabelEvent> = events
        .iter()
        .filter(|e| e.created_at < hook.at)
        .cloned()
        .collect();
    let events = &older[..];
    let taxonomy = wf.taxonomy();
    let config = wf.config();
    let before = hook
        .previous_labels
        .as_deref()
        .map(|labels| hook.request_with(taxonomy, config, labels));
    Ok(match before {
        Some(Ok(before)) => match super::reconstruct(wf, &before, events) {
            Ok(r) => r.request,
            // The events already hold the change: they lead to the labels after it.
            Err(first) => {
                let after = hook.request_with(taxonomy, config, &hook.labels)?;
                super::reconstruct(wf, &after, events)
                    .map_err(|_| first)?
                    .request
            }
        },
        _ => {
            let after = hook.request_with(taxonomy, config, &hook.labels)?;
            super::reconstruct(wf, &after, events)?.request
        }
    })
}

/// Undo a disallowed move: the workflow labels before it back, those it added off, and the open
/// state the previous state had.
fn restore(
    d: &mut WebhookDecision,
    hook: &IssueHook,
    before: &[(&str, State)],
    after: &[(&str, State)],
) {
    let add: Vec<&str> = before
        .iter()
        .filter(|b| !after.contains(b))
        .map(|(l, _)| *l)
        .collect();
    let remove: Vec<&str> = after
        .iter()
        .filter(|a| !before.contains(a))
        .map(|(l, _)| *l)
        .collect();
    let join = |v: &[&str]| (!v.is_empty()).then(|| v.join(","));
    let open = hook.state == OpenState::Open;
    d.rest_params = RestParams {
        add_labels: join(&add),
        remove_labels: join(&remove),
        state_event: if d.from.is_open() && !open {
            Some("reopen".to_owned())
        } else if !d.from.is_open() && open {
            Some("close".to_owned())
        } else {
            None
        },
    };
    let broken: Vec<String> = d
        .violations
        .iter()
        .map(|v| format!("- `{}`: {}", v.rule, v.message))
        .collect();
    let restored = if add.is_empty() {
        "csops removed the new workflow label".to_owned()
    } else {
        format!("csops restored ~\"{}\"", add.join("\", ~\""))
    };
    let mut comment = format!(
        "@{} this label change breaks the CS Ops request process, so {restored}:\n{}",
        d.actor,
        broken.join("\n")
    );
    // A move that was not theirs to make, or no move at all: what was open to them instead.
    if let Some(open) = d.violations.iter().find_map(|v| v.instead.as_deref()) {
        comment.push_str(&instead_words(&d.actor, d.from, open));
    }
    d.comment = Some(comment);
}

/// The line of a refused move's comment naming the moves that were open to the actor instead.
fn instead_words(actor: &str, from: State, open: &[crate::workflow::Move]) -> String {
    if open.is_empty() {
        return format!("\n\nNo move out of {} was open to @{actor}.", from.title());
    }
    let moves: Vec<String> = open
        .iter()
        .map(|m| format!("`{}` (to {})", m.command, m.to.title()))
        .collect();
    format!(
        "\n\nOpen to @{actor} from {} instead: {}.",
        from.title(),
        moves.join(", ")
    )
}
