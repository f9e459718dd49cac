//! GitLab data as GitLab holds it (SPEC §7): weights, assignees, labels and hooks that GitLab
//! accepts and the CS Ops process does not are read, kept, and reported — never refused.

use super::*;
use crate::report::AnomalyKind;
use crate::sla::SlaKind;
use crate::workflow::{Command, RejectionKind};
use crate::{Directory, State, Workflow};

fn team() -> Workflow {
    Workflow::with_directory(
        Directory::from_json(
            r#"{"ana": ["workstream_lead:Analytics"], "omar": ["cs_ops"], "pat": ["cs_ops"]}"#,
        )
        .unwrap(),
    )
}

fn rest(labels: &[&str], weight: serde_json::Value, assignees: &[&str]) -> serde_json::Value {
    let people: Vec<_> = assignees
        .iter()
        .map(|a| serde_json::json!({"username": a}))
        .collect();
    serde_json::json!({"iid": 9, "title": "t", "state": "opened", "labels": labels,
        "author": {"username": "rita"}, "assignees": people, "weight": weight,
        "created_at": "2026-03-02T09:00:00Z"})
}

/// The Issue Hook as GitLab's client libraries test against it: not a CS Ops issue, weight 10,
/// labels API -> Platform, several changes.
const CLIENT_LIBRARY_HOOK: &str = r#"{
  "object_kind": "issue", "event_type": "issue",
  "user": {"id": 1, "name": "Administrator", "username": "root", "email": "admin@example.com"},
  "project": {"id": 1, "name": "Gitlab Test", "path_with_namespace": "gitlabhq/gitlab-test"},
  "object_attributes": {"id": 301, "title": "New API: create/update/delete file",
    "assignee_ids": [51], "assignee_id": 51, "author_id": 51, "project_id": 14,
    "created_at": "2013-12-03T17:15:43Z", "updated_at": "2013-12-03T17:15:43Z",
    "updated_by_id": 1, "closed_at": null, "state": "opened", "iid": 23, "weight": 10,
    "action": "open", "labels": [{"id": 206, "title": "API"}]},
  "assignees": [{"name": "User1", "username": "user1"}, {"name": "User2", "username": "user2"}],
  "labels": [{"id": 205, "title": "Platform"}],
  "changes": {"updated_by_id": {"previous": null, "current": 1},
    "updated_at": {"previous": "2017-09-15 16:50:55 UTC", "current": "2017-09-15 16:52:00 UTC"},
    "labels": {"previous": [{"id": 206, "title": "API"}], "current": [{"id": 205, "title": "Platform"}]}}
}"#;

#[test]
fn a_hook_for_an_issue_that_is_not_a_request_is_not_managed() {
    let wf = team();
    let hook = read_webhook(CLIENT_LIBRARY_HOOK).unwrap();
    assert_eq!((hook.weight, hook.assignees.len()), (Some(10), 2));
    let events: Vec<LabelEvent> = Vec::new();
    let d = decide_webhook_with_events(&wf, &hook, &events).unwrap();
    assert!(!d.managed && d.allowed && !d.moved);
    assert!(d.rest_params.is_empty() && d.comment.is_none());
    assert!(d.violations.is_empty() && d.anomalies.is_empty());
    let json = serde_json::to_value(&d).unwrap();
    assert_eq!(json["managed"], false);
}

#[test]
fn a_hook_with_an_odd_weight_on_a_request_reports_it_and_decides_the_move() {
    let wf = team();
    let text = CLIENT_LIBRARY_HOOK
        .replace(r#"{"id": 206, "title": "API"}"#, r#"{"title": "CSOps"}"#)
        .replace(
            r#"{"id": 205, "title": "Platform"}"#,
            r#"{"title": "CSOps"}, {"title": "CSOps::Triage"}"#,
        )
        .replace(r#""username": "root""#, r#""username": "ana""#);
    let hook = read_webhook(&text).unwrap();
    let stored = hook.to_request(wf.config()).unwrap();
    assert_eq!(stored.invalid_weight(), Some(10));
    let d = decide_webhook_with_events(&wf, &hook, &[]).unwrap();
    assert!(d.managed);
    assert_eq!((d.from, d.to), (State::New, State::Triage));
    let kinds: Vec<AnomalyKind> = d.anomalies.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AnomalyKind::InvalidWeight]);
    assert!(d.anomalies[0].message.contains("weight 10"));
    // The move itself is judged as always: the lead of an unrouted request may triage it.
    assert!(d.allowed, "{:?}", d.violations);
    assert!(d.comment.is_none());
}

#[test]
fn weights_gitlab_allows_are_kept_and_reported() {
    let wf = team();
    for w in [0u64, 2, 8, 10, 1_000_000] {
        let issue = rest(
            &["CSOps", "CS Analytics", "CSOps::Triage"],
            w.into(),
            &["omar"],
        );
        let req = read_issue_from(&issue.clone(), wf.config()).unwrap();
        assert_eq!((req.weight(), req.invalid_weight()), (None, Some(w)));
        let check = check_issue_from(&wf, &issue).unwrap();
        assert!(check.managed && !check.consistent);
        assert_eq!(check.anomalies[0].kind, AnomalyKind::InvalidWeight);
        assert_eq!(
            check.anomalies[0].message,
            format!("weight {w} is not one of 1, 3, 5, 7")
        );
        // The request keeps GitLab's number and gives it back.
        let again = Request::from_json(&req.to_json()).unwrap();
        assert_eq!(again, req);
    }
    let ok = read_issue_from(&rest(&["CSOps"], 5.into(), &[]), wf.config()).unwrap();
    assert_eq!(
        (ok.weight(), ok.invalid_weight()),
        (Some(crate::Weight::Five), None)
    );
    // What GitLab never writes is still an error naming the field.
    for bad in [
        serde_json::json!(-1),
        serde_json::json!("3"),
        serde_json::json!(2.5),
    ] {
        match read_issue_from(&rest(&["CSOps"], bad, &[]), wf.config()) {
            Err(GitlabError::Json { key, .. }) => assert_eq!(key, "weight"),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn commands_still_need_a_cs_ops_weight() {
    let wf = team();
    let mut req = read_issue_from(
        &rest(&["CSOps", "CS Analytics", "CSOps::Triage"], 8.into(), &[]),
        wf.config(),
    )
    .unwrap();
    let at = "2026-03-03T09:00:00Z".parse().unwrap();
    let bare = Command::from_json(r#"{"type": "ready"}"#).unwrap();
    let no = wf.apply(&mut req, bare, "ana", at).unwrap_err();
    assert_eq!(no.kind, RejectionKind::InvalidWeight);
    assert!(no.to_string().contains("weight 8"), "{no}");
    assert_eq!(req.invalid_weight(), Some(8), "a rejection changes nothing");
    let given = Command::from_json(r#"{"type": "ready", "weight": 3}"#).unwrap();
    wf.apply(&mut req, given, "ana", at).unwrap();
    assert_eq!(
        (req.weight(), req.invalid_weight()),
        (Some(crate::Weight::Three), None)
    );
}

#[test]
fn several_assignees_are_kept_and_any_of_them_acts_as_assignee() {
    let wf = team();
    let req = read_issue_from(
        &rest(
            &["CSOps", "CS Analytics", "CSOps::In_Process"],
            3.into(),
            &["omar", "pat"],
        ),
        wf.config(),
    )
    .unwrap();
    assert_eq!(req.assignee(), Some("omar"), "the owner is the first");
    assert_eq!(req.assignees().collect::<Vec<_>>(), ["omar", "pat"]);
    assert!(req.is_assignee("pat") && !req.is_assignee("ana"));
    let mut moved = req.clone();
    let block = Command::from_json(r#"{"type": "block", "reason": "waiting on IT"}"#).unwrap();
    wf.apply(
        &mut moved,
        block,
        "pat",
        "2026-03-03T09:00:00Z".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(moved.state(), State::Blocked);
    // The record keeps every assignee.
    assert_eq!(Request::from_json(&req.to_json()).unwrap(), req);
    let json: serde_json::Value = serde_json::from_str(&req.to_json()).unwrap();
    assert_eq!(json["assignees"], serde_json::json!(["omar", "pat"]));
}

#[test]
fn closed_by_names_who_closed_without_an_outcome() {
    let wf = team();
    let mut issue = rest(
        &["CSOps", "CS Analytics", "CSOps::In_Process"],
        3.into(),
        &["omar"],
    );
    issue["state"] = "closed".into();
    issue["closed_at"] = "2026-03-04T09:00:00Z".into();
    issue["closed_by"] = serde_json::json!({"username": "gitlab-bot"});
    let req = read_issue_from(&issue, wf.config()).unwrap();
    assert_eq!(req.closed_by(), Some("gitlab-bot"));
    let rec = reconstruct(&wf, &req, &[]).unwrap();
    let closing: Vec<_> = rec
        .violations
        .iter()
        .map(|v| (v.rule, v.actor.as_deref()))
        .collect();
    assert_eq!(
        closing,
        [(AuditRule::ClosedWithoutOutcome, Some("gitlab-bot"))]
    );
}

fn event(user: &str, at: &str, label: &str, action: &str) -> serde_json::Value {
    serde_json::json!({"user": {"username": user}, "created_at": at,
                       "label": {"name": label}, "action": action})
}

#[test]
fn a_request_starts_when_the_issue_became_managed() {
    let wf = team();
    let mut issue = rest(
        &["bug", "CSOps", "CS Analytics"],
        serde_json::Value::Null,
        &[],
    );
    issue["created_at"] = "2026-01-01T09:00:00Z".into();
    let req = read_issue_from(&issue, wf.config()).unwrap();
    let events = read_label_events_from(&serde_json::json!([
        event("eng", "2026-01-01T09:00:00Z", "bug", "add"),
        {"user": {"username": "eng"}, "created_at": "2026-01-02T09:00:00Z", "label": null, "action": "add"},
        event("fatima", "2026-03-10T09:00:00Z", "CSOps", "add"),
        event("fatima", "2026-03-10T09:00:00Z", "CS Analytics", "add"),
    ]))
    .unwrap();
    let rec = reconstruct(&wf, &req, &events).unwrap().request;
    let since: chrono::DateTime<chrono::Utc> = "2026-03-10T09:00:00Z".parse().unwrap();
    assert_eq!(rec.managed_since(), since);
    // Untriaged counts from then: 5 days later it is not late, 9 days later it is 2 days late.
    assert!(
        wf.sla_breaches(&rec, "2026-03-15T09:00:00Z".parse().unwrap())
            .unwrap()
            .is_empty()
    );
    let late = wf
        .sla_breaches(&rec, "2026-03-19T09:00:00Z".parse().unwrap())
        .unwrap();
    assert_eq!((late[0].kind, late[0].since), (SlaKind::Untriaged, since));
    assert_eq!(late[0].overdue_by.num_days(), 2);
    assert_eq!(Request::from_json(&rec.to_json()).unwrap(), rec);
    // Before it was managed, it was no request at all.
    assert!(
        !wf.is_managed(&read_issue_from(&rest(&["bug"], 10.into(), &[]), wf.config()).unwrap())
    );
}

#[test]
fn issues_that_are_not_requests_are_left_out_and_counted() {
    let wf = team();
    let list = serde_json::json!([
        rest(
            &["bug", "workflow::in dev", "priority::1"],
            13.into(),
            &["a", "b"]
        ),
        rest(&["CSOps", "CS Analytics"], 1.into(), &[]),
        rest(&["Platform"], serde_json::Value::Null, &[]),
        rest(&["CSOps::Triage", "CS Analytics"], 3.into(), &[]),
    ]);
    let out = audit_export_from(
        &wf,
        &list,
        None::<&serde_json::Value>,
        "2026-03-20T09:00:00Z".parse().unwrap(),
    )
    .unwrap();
    assert_eq!(
        (out.audit.summary.issues, out.audit.summary.unmanaged),
        (2, 2)
    );
    assert_eq!((out.board.requests, out.board.unmanaged), (2, 2));
    // The managed New request is late; the unmanaged ones have no SLA at all.
    assert_eq!(out.board.sla_breaches.len(), 1);
    // A workflow label without CSOps is a request, and a finding about it.
    let kinds: Vec<AnomalyKind> = out.board.anomalies.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AnomalyKind::WorkflowLabelWithoutCsops]);
}

/// A label of the workflow scope that names no state (`CSOps::Doing`) is never a silent New: the
/// audit and the board report it (issue 14; a webhook decision's anomalies are the same
/// findings, `issue_findings`).
#[test]
fn an_unknown_workflow_label_is_a_finding() {
    let wf = team();
    let list = serde_json::json!([rest(
        &["CSOps", "CS Analytics", "CSOps::Doing"],
        3.into(),
        &[]
    )]);
    let out = audit_export_from(
        &wf,
        &list,
        None::<&serde_json::Value>,
        "2026-03-20T09:00:00Z".parse().unwrap(),
    )
    .unwrap();
    let kinds: Vec<AnomalyKind> = out.board.anomalies.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AnomalyKind::UnknownWorkflowLabel]);
    assert!(
        out.board.anomalies[0]
            .message
            .starts_with("\"CSOps::Doing\" is a workflow label that names no state (the states' labels are CSOps::Triage, "),
        "{}",
        out.board.anomalies[0].message
    );
    assert!(
        out.board.anomalies[0]
            .message
            .ends_with("so the issue reads as New")
    );
    let rules: Vec<AuditRule> = out.audit.issues[0]
        .violations
        .iter()
        .map(|v| v.rule)
        .collect();
    assert_eq!(rules, [AuditRule::UnknownWorkflowLabel]);
}
