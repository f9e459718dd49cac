//! The change a webhook service missed (SPEC §7 "Sync from a live GitLab"; the service's
//! catch-up): an issue GitLab reports updated since the service last judged it, turned into
//! the Issue Hook GitLab would have sent for it, so that it is decided as if that hook had
//! arrived ([`super::apply_webhook`]).

use chrono::{DateTime, Utc};

use super::{Issue, IssueHook, LabelAction, LabelEvent};
use crate::workflow::Workflow;

/// The Issue Hook for the change a service missed on `issue` (as GitLab's REST API has it now,
/// `updated_at` its update time, in project `project_id`): the labels after are the issue's;
/// the labels before are `before` — what the service last stored — or, for an issue it has
/// never seen, the issue's labels with its last workflow-label move undone (from `events`, its
/// resource label events). The actor is whoever made that last move (the events of one person
/// at one instant are one move: GitLab swaps a scoped label as a remove and an add); without
/// one, whoever changed a label last, else the issue's author.
///
/// Moves missed in a row are one change from `before` to now, judged as a late webhook is: by
/// the person who made the last of them.
///
/// ```
/// use csops_core::{gitlab, Directory, Workflow};
/// let wf = Workflow::with_directory(Directory::from_json(r#"{"lena": ["workstream_lead:Analytics"]}"#)?);
/// let issue: gitlab::Issue = serde_json::from_str(r#"{"iid": 5, "title": "t", "state": "opened",
///     "labels": ["CSOps", "CS Analytics", "CSOps::In_Process"], "author": {"username": "rita"},
///     "created_at": "2026-03-02T09:00:00.000Z"}"#)?;
/// let events = gitlab::read_label_events(r#"[
///   {"user": {"username": "omar"}, "created_at": "2026-03-03T10:15:00.004Z", "label": {"name": "CSOps::Triage"}, "action": "remove"},
///   {"user": {"username": "omar"}, "created_at": "2026-03-03T10:15:00.004Z", "label": {"name": "CSOps::In_Process"}, "action": "add"}]"#)?;
/// let at = "2026-03-03T10:15:00.000Z".parse()?;
/// let hook = gitlab::missed_hook(&wf, &issue, 7, at, &events, None);
/// assert_eq!((hook.actor.as_str(), hook.at), ("omar", at));
/// assert_eq!(hook.previous_labels.unwrap(), ["CSOps", "CS Analytics", "CSOps::Triage"]);
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
    let is_workflow = |e: &LabelEvent| {
        e.label
            .as_ref()
            .is_some_and(|l| taxonomy.state_of(&l.name).is_some())
    };
    let last_move = events.iter().rposition(is_workflow);
    // The last move: every event of its person at its instant.
    let group: Vec<&LabelEvent> = last_move
        .map(|i| {
            let (who, when) = (&events[i].user.username, events[i].created_at);
            events
                .iter()
                .filter(|e| e.user.username == *who && e.created_at == when)
                .collect()
        })
        .unwrap_or_default();
    let actor = group.first().or(events.last().as_ref()).map_or_else(
        || issue.author.username.clone(),
        |e| e.user.username.clone(),
    );
    let previous = match before {
        Some(labels) => labels.to_vec(),
        None => {
            let mut labels = issue.labels.clone();
            for e in group.iter().rev() {
                let Some(label) = &e.label else { continue };
                match e.action {
                    LabelAction::Add => labels.retain(|l| *l != label.name),
                    LabelAction::Remove if !labels.contains(&label.name) => {
                        labels.push(label.name.clone());
                    }
                    LabelAction::Remove => {}
                }
            }
            labels
        }
    };
    let assignees: Vec<String> = if issue.assignees.is_empty() {
        issue.assignee.iter().map(|u| u.username.clone()).collect()
    } else {
        issue.assignees.iter().map(|u| u.username.clone()).collect()
    };
    IssueHook {
        actor,
        at: updated_at,
        action: Some("update".to_owned()),
        iid: issue.iid,
        project_id: Some(project_id),
        title: issue.title.clone(),
        state: issue.state,
        labels: issue.labels.clone(),
        previous_labels: Some(previous),
        current_labels: Some(issue.labels.clone()),
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
    use crate::gitlab::read_label_events;

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
        assert_eq!(hook.actor, "gia");
        assert_eq!(hook.previous_labels, hook.current_labels);
        let none = missed_hook(&wf, &issue(&["CSOps"]), 7, at, &[], None);
        assert_eq!(none.actor, "rita");
        let stored = ["CSOps".to_owned(), "CSOps::Triage".to_owned()];
        let known = missed_hook(&wf, &issue(&["CSOps"]), 7, at, &[], Some(&stored));
        assert_eq!(known.previous_labels.as_deref(), Some(&stored[..]));
    }

    #[test]
    fn a_deleted_label_s_event_is_no_move() {
        let wf = Workflow::with_directory(Directory::from_json("{}").unwrap());
        let at = "2026-03-04T00:00:00Z".parse().unwrap();
        let events = read_label_events(r#"[
            {"user": {"username": "omar"}, "created_at": "2026-03-03T00:00:00Z", "label": {"name": "CSOps::Triage"}, "action": "add"},
            {"user": {"username": "bot"}, "created_at": "2026-03-03T01:00:00Z", "label": null, "action": "add"}]"#).unwrap();
        let hook = missed_hook(
            &wf,
            &issue(&["CSOps", "CSOps::Triage"]),
            7,
            at,
            &events,
            None,
        );
        assert_eq!(hook.actor, "omar");
        assert_eq!(hook.previous_labels.unwrap(), ["CSOps"]);
    }
}
