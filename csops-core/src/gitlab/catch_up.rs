//! The change a webhook service missed (SPEC §7; the service's catch-up): an issue GitLab
//! reports updated since the service last judged it, turned into the Issue Hook GitLab would
//! have sent for it, so that it is decided as if that hook had arrived
//! ([`super::apply_webhook`]).

use chrono::{DateTime, Utc};

use super::audit::undo;
use super::{Issue, IssueHook, LabelAction, LabelEvent};
use crate::workflow::Workflow;

/// The Issue Hook for the change a service missed on `issue` (as GitLab's REST API has it now,
/// `updated_at` its update time, in project `project_id`; `events` its resource label events).
/// The actor is whoever made the issue's last workflow-label move (one person's events at one
/// instant are one move: GitLab swaps a scoped label as a remove and an add); without one,
/// whoever changed a label last, else the issue's author.
///
/// - `before` given (the labels the service last stored): the change is from them to the
///   issue's labels now, at `updated_at` — moves missed in a row are one change, judged as a
///   late webhook is, by the person who made the last of them.
/// - `before` none (an issue the service has never seen): the change is that last move itself,
///   at its time, from the labels just before it (the issue's labels with every event since
///   undone) to those just after it; [`super::request_before`] gives the request it is judged
///   against, from the events older than it.
///
/// ```
/// use csops_core::{gitlab, Directory, Workflow};
/// let wf = Workflow::with_directory(Directory::from_json(r#"{"lena": ["workstream_lead:Analytics"]}"#)?);
/// let issue: gitlab::Issue = serde_json::from_str(r#"{"iid": 5, "title": "t", "state": "opened",
///     "labels": ["CSOps", "CS Analytics", "CSOps::In_Process", "urgent"], "author": {"username": "rita"},
///     "created_at": "2026-03-02T09:00:00.000Z"}"#)?;
/// let events = gitlab::read_label_events(r#"[
///   {"user": {"username": "omar"}, "created_at": "2026-03-03T10:15:00.004Z", "label": {"name": "CSOps::Triage"}, "action": "remove"},
///   {"user": {"username": "omar"}, "created_at": "2026-03-03T10:15:00.004Z", "label": {"name": "CSOps::In_Process"}, "action": "add"},
///   {"user": {"username": "rita"}, "created_at": "2026-03-04T08:00:00.002Z", "label": {"name": "urgent"}, "action": "add"}]"#)?;
/// let updated = "2026-03-04T08:00:00.000Z".parse()?;
/// let hook = gitlab::missed_hook(&wf, &issue, 7, updated, &events, None);
/// assert_eq!((hook.actor.as_str(), hook.at), ("omar", "2026-03-03T10:15:00.004Z".parse()?));
/// assert_eq!(hook.previous_labels.unwrap(), ["CSOps", "CS Analytics", "CSOps::Triage"]);
/// assert_eq!(hook.labels, ["CSOps", "CS Analytics", "CSOps::In_Process"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn missed_hook(
    wf: &Workflow,
    issue: &Issue,
    project_id: u64,
    updated_at: DateTime<Utc>,
    events: &[LabelEvent],
    before: Option<&[String]>,
) -> IssueHook {
    let taxonomy = wf.taxonomy();
    let mut order: Vec<(&LabelEvent, &str)> = events
        .iter()
        .filter_map(|e| e.label.as_ref().map(|l| (e, l.name.as_str())))
        .collect();
    order.sort_by_key(|(e, _)| e.created_at);
    let last_move = order
        .iter()
        .rposition(|(_, name)| taxonomy.state_of(name).is_some());
    // The last move: every event of its person at its instant (from `start`, in time order).
    let (start, group): (usize, Vec<(&LabelEvent, &str)>) = match last_move {
        Some(i) => {
            let (who, when) = (&order[i].0.user.username, order[i].0.created_at);
            let start = order
                .iter()
                .position(|(e, _)| e.created_at == when)
                .unwrap_or(i);
            let group = order
                .iter()
                .copied()
                .filter(|(e, _)| e.user.username == *who && e.created_at == when)
                .collect();
            (start, group)
        }
        None => (order.len(), Vec::new()),
    };
    let actor = group
        .first()
        .map(|(e, _)| e)
        .or(events.last().as_ref())
        .map_or_else(
            || issue.author.username.clone(),
            |e| e.user.username.clone(),
        );
    let owned = |labels: Vec<&str>| labels.into_iter().map(str::to_owned).collect::<Vec<_>>();
    let (at, previous, after) = match (before, group.first()) {
        (Some(labels), _) => (updated_at, labels.to_vec(), issue.labels.clone()),
        (None, None) => (updated_at, issue.labels.clone(), issue.labels.clone()),
        (None, Some((first, _))) => {
            let mut labels: Vec<&str> = issue.labels.iter().map(String::as_str).collect();
            for (e, name) in order[start..].iter().rev() {
                undo(&mut labels, name, e.action);
            }
            let previous = labels.clone();
            for (e, name) in &group {
                match e.action {
                    LabelAction::Add if !labels.contains(name) => labels.push(name),
                    LabelAction::Add => {}
                    LabelAction::Remove => labels.retain(|l| l != name),
                }
            }
            (first.created_at, owned(previous), owned(labels))
        }
    };
    let assignees: Vec<String> = if issue.assignees.is_empty() {
        issue.assignee.iter().map(|u| u.username.clone()).collect()
    } else {
        issue.assignees.iter().map(|u| u.username.clone()).collect()
    };
    IssueHook {
        actor,
        at,
        action: Some("update".to_owned()),
        iid: issue.iid,
        project_id: Some(project_id),
        title: issue.title.clone(),
        state: issue.state,
        labels: after.clone(),
        previous_labels: Some(previous),
        current_labels: Some(after),
        assignees,
        weight: issue.weight,
        author_id: None,
        created_at: issue.created_at,
        closed_at: issue.closed_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Directory;
    use crate::gitlab::{read_label_events, request_before};

    fn issue(labels: &[&str]) -> Issue {
        serde_json::from_value(serde_json::json!({"iid": 9, "title": "t", "state": "opened",
            "labels": labels, "author": {"username": "rita"}, "created_at": "2026-03-02T09:00:00Z"}))
        .unwrap()
    }

    #[test]
    fn with_no_workflow_move_the_labels_before_are_the_labels_now() {
        let wf = Workflow::with_directory(Directory::from_json("{}").unwrap());
        let at = "2026-03-04T00:00:00Z".parse().unwrap();
        let events = read_label_events(r#"[{"user": {"username": "gia"}, "created_at": "2026-03-03T00:00:00Z", "label": {"name": "Gainsight"}, "action": "add"}]"#).unwrap();
        let hook = missed_hook(&wf, &issue(&["CSOps", "Gainsight"]), 7, at, &events, None);
        assert_eq!((hook.actor.as_str(), hook.at), ("gia", at));
        assert_eq!(hook.previous_labels, hook.current_labels);
        let none = missed_hook(&wf, &issue(&["CSOps"]), 7, at, &[], None);
        assert_eq!(none.actor, "rita");
        let stored = ["CSOps".to_owned(), "CSOps::Triage".to_owned()];
        let known = missed_hook(&wf, &issue(&["CSOps"]), 7, at, &[], Some(&stored));
        assert_eq!(known.previous_labels.as_deref(), Some(&stored[..]));
        assert_eq!(known.at, at);
    }

    #[test]
    fn a_first_seen_move_is_judged_against_the_history_before_it() {
        // The events hold the move itself (GitLab writes them before it sends the hook): the
        // request before it is what the older events lead to, and the move is still a move.
        let wf = Workflow::with_directory(
            Directory::from_json(r#"{"lena": ["workstream_lead:Analytics"], "omar": ["cs_ops"]}"#)
                .unwrap(),
        );
        let events = read_label_events(r#"[
            {"user": {"username": "lena"}, "created_at": "2026-03-02T10:00:00.003Z", "label": {"name": "CSOps::Triage"}, "action": "add"},
            {"user": {"username": "omar"}, "created_at": "2026-03-03T00:00:00.004Z", "label": {"name": "CSOps::Triage"}, "action": "remove"},
            {"user": {"username": "omar"}, "created_at": "2026-03-03T00:00:00.004Z", "label": {"name": "CSOps::In_Process"}, "action": "add"},
            {"user": {"username": "bot"}, "created_at": "2026-03-03T01:00:00Z", "label": null, "action": "add"}]"#).unwrap();
        let now = issue(&["CSOps", "CS Analytics", "CSOps::In_Process"]);
        let at = "2026-03-03T01:00:00Z".parse().unwrap();
        let hook = missed_hook(&wf, &now, 7, at, &events, None);
        assert_eq!(hook.actor, "omar");
        assert_eq!(
            hook.previous_labels.as_deref().unwrap(),
            ["CSOps", "CS Analytics", "CSOps::Triage"]
        );
        let before = request_before(&wf, &hook, &events).unwrap();
        assert_eq!(before.history().len(), 1, "lena's triage, not omar's move");
        let (d, _) = crate::gitlab::apply_webhook(&wf, &hook, &before).unwrap();
        assert!(d.moved && !d.allowed, "{d:?}");
    }
}
