use super::*;
use crate::State;
use crate::routing::Workstream;

/// A REST issue in the exact shape of GitLab's API documentation (`GET /projects/:id/issues`),
/// with the fields csops does not read left in.
const ISSUE: &str = r##"{
  "id": 76, "iid": 6, "project_id": 8, "title": "Gainsight: new CTA for renewals",
  "description": "Ratione dolores corrupti mollitia soluta quia.",
  "state": "opened", "created_at": "2026-01-05T09:00:00.081Z", "updated_at": "2026-01-06T10:31:51.081Z",
  "closed_at": null, "closed_by": null,
  "labels": ["CSOps", "Gainsight", "CSOps::In_Process"],
  "milestone": {"id": 13, "iid": 3, "project_id": 8, "title": "FY27-Q1", "description": null,
                "state": "active", "created_at": "2025-12-20T09:00:00.000Z", "updated_at": "2025-12-20T09:00:00.000Z",
                "due_date": "2026-04-30", "start_date": "2026-02-01", "web_url": "https://gitlab.example.com/m/3"},
  "assignees": [{"id": 2, "name": "Omar Haddad", "username": "omar", "state": "active",
                 "avatar_url": null, "web_url": "https://gitlab.example.com/omar"}],
  "assignee": {"id": 2, "name": "Omar Haddad", "username": "omar", "state": "active",
               "avatar_url": null, "web_url": "https://gitlab.example.com/omar"},
  "type": "ISSUE",
  "author": {"id": 1, "name": "Rita Alves", "username": "rita", "state": "active",
             "avatar_url": null, "web_url": "https://gitlab.example.com/rita"},
  "user_notes_count": 1, "merge_requests_count": 0, "upvotes": 0, "downvotes": 0,
  "due_date": null, "confidential": false, "discussion_locked": null, "issue_type": "issue",
  "web_url": "https://gitlab.example.com/cs/ops/-/issues/6",
  "time_stats": {"time_estimate": 0, "total_time_spent": 0},
  "task_completion_status": {"count": 0, "completed_count": 0},
  "weight": 5, "has_tasks": false,
  "_links": {"self": "https://gitlab.example.com/api/v4/projects/8/issues/6"},
  "references": {"short": "#6", "relative": "#6", "full": "cs/ops#6"},
  "severity": "UNKNOWN", "moved_to_id": null, "service_desk_reply_to": null
}"##;

fn config() -> Config {
    Config::default()
}

#[test]
fn reads_the_rest_issue_object() {
    let r = read_issue(ISSUE, &config()).expect("issue");
    assert_eq!(r.id(), 6);
    assert_eq!(r.state(), State::InProcess);
    assert!(r.is_open());
    assert_eq!(r.assignee(), Some("omar"));
    assert_eq!(r.workstream(), Some(Workstream::Gainsight));
    assert_eq!(r.weight(), Some(crate::Weight::Five));
    assert_eq!(
        r.created_at(),
        "2026-01-05T09:00:00.081Z"
            .parse::<DateTime<Utc>>()
            .expect("time")
    );
    assert_eq!(r.milestone().map(|m| m.title.as_str()), Some("FY27-Q1"));
    // The same through a JSON value.
    let v: serde_json::Value = serde_json::from_str(ISSUE).expect("json");
    assert_eq!(read_issue_from(&v, &config()).expect("issue"), r);
}

fn edited(f: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(ISSUE).expect("json");
    f(&mut v);
    v.to_string()
}

#[test]
fn closed_issues_null_weights_and_the_old_single_assignee() {
    let text = edited(|v| {
        v["state"] = "closed".into();
        v["closed_at"] = "2026-01-09T17:00:00Z".into();
        v["labels"] = serde_json::json!(["CSOps", "Gainsight", "CSOps::Completed"]);
        v["weight"] = serde_json::Value::Null;
        v["assignees"] = serde_json::json!([]);
    });
    let r = read_issue(&text, &config()).expect("issue");
    assert!(!r.is_open());
    assert_eq!(r.state(), State::Completed);
    assert_eq!(r.weight(), None);
    assert_eq!(r.assignee(), Some("omar"), "from the deprecated `assignee`");
    assert!(r.closed_at().is_some());
}

#[test]
fn missing_and_mistyped_fields_are_named() {
    let key = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(ISSUE).expect("json");
        f(&mut v);
        match read_issue(&v.to_string(), &config()) {
            Err(GitlabError::Json { key, .. }) => key,
            other => panic!("not a field error: {other:?}"),
        }
    };
    assert_eq!(
        key(&|v| drop(v.as_object_mut().map(|o| o.remove("iid")))),
        "iid"
    );
    assert_eq!(
        key(&|v| v["author"] = serde_json::json!({"id": 1})),
        "author.username"
    );
    assert_eq!(key(&|v| v["labels"] = serde_json::json!([1])), "labels[0]");
    assert_eq!(key(&|v| v["created_at"] = "yesterday".into()), "created_at");
    assert_eq!(key(&|v| v["closed_at"] = "yesterday".into()), "closed_at");
    assert_eq!(key(&|v| v["state"] = "merged".into()), "state");
    assert_eq!(key(&|v| v["weight"] = (-2).into()), "weight");
    assert_eq!(key(&|v| v["weight"] = "3".into()), "weight");
    let e = read_issue(
        &edited(|v| drop(v.as_object_mut().map(|o| o.remove("iid")))),
        &config(),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "issue: iid: required, but missing");
    assert!(matches!(
        read_issue("[1, 2]", &config()),
        Err(GitlabError::Json { .. })
    ));
    assert!(matches!(
        read_issue("{", &config()),
        Err(GitlabError::Json { .. })
    ));
}

#[test]
fn a_list_with_a_bad_entry_reports_it_and_reads_the_rest() {
    let two_workflow = edited(|v| {
        v["iid"] = 7.into();
        v["labels"] = serde_json::json!(["CSOps", "CSOps::Triage", "CSOps::In_Process"]);
    });
    let no_author = edited(|v| drop(v.as_object_mut().map(|o| o.remove("author"))));
    let list = format!("[{ISSUE}, {no_author}, {two_workflow}, {ISSUE}]");
    let out = read_issues(&list, &config()).expect("a list");
    assert_eq!(out.requests.len(), 2);
    assert_eq!(out.errors.len(), 1);
    assert!(
        out.errors[0]
            .to_string()
            .ends_with(" (entry [1]): author: required, but missing"),
        "{}",
        out.errors[0]
    );
    // Two workflow labels are no read error: the issue is undecided, reported, not resolved.
    assert_eq!(out.undecided.len(), 1);
    assert_eq!(out.undecided[0].iid, 7);
    assert_eq!(out.undecided[0].anomaly.labels.len(), 2);
    assert!(read_issues("{}", &config()).is_err(), "not a list");
    assert_eq!(
        read_issues("[]", &config()).expect("empty").requests.len(),
        0
    );
}

/// Resource label events as GitLab's documentation shows them: nested `user` and `label`
/// objects, milliseconds and `Z`.
const EVENTS: &str = r##"[
  {"id": 142, "user": {"id": 1, "name": "Lena Park", "username": "lena", "state": "active",
   "avatar_url": null, "web_url": "https://gitlab.example.com/lena"},
   "created_at": "2026-01-05T10:38:20.077Z", "resource_type": "Issue", "resource_id": 253,
   "label": {"id": 73, "name": "CSOps::Triage", "color": "#a8d695", "description": null},
   "action": "add"},
  {"id": 143, "user": {"id": 1, "name": "Lena Park", "username": "lena"},
   "created_at": "2026-01-05T11:00:00.000Z", "resource_type": "Issue", "resource_id": 253,
   "label": {"id": 73, "name": "CSOps::Triage", "color": "#a8d695", "description": null},
   "action": "remove"},
  {"id": 144, "user": {"id": 1, "name": "Lena Park", "username": "lena"},
   "created_at": "2026-01-05T11:00:00.000Z", "resource_type": "Issue", "resource_id": 253,
   "label": null, "action": "add"}
]"##;

#[test]
fn reads_resource_label_events() {
    let ev = read_label_events(EVENTS).expect("events");
    assert_eq!(ev.len(), 3);
    assert_eq!(ev[0].user.username, "lena");
    assert_eq!(ev[0].action, LabelAction::Add);
    assert_eq!(ev[1].action, LabelAction::Remove);
    assert_eq!(
        ev[0].label.as_ref().map(|l| l.name.as_str()),
        Some("CSOps::Triage")
    );
    assert_eq!(ev[2].label, None, "a deleted label");
    assert_eq!(
        ev[0].created_at,
        "2026-01-05T10:38:20.077Z"
            .parse::<DateTime<Utc>>()
            .expect("time")
    );
    let bad = EVENTS.replacen("\"action\": \"remove\"", "\"action\": \"rename\"", 1);
    let e = read_label_events(&bad).unwrap_err();
    assert!(
        matches!(&e, GitlabError::Json { index: Some(1), key, .. } if key == "action"),
        "{e}"
    );
    let e = read_label_events(&EVENTS.replacen("\"username\": \"lena\"", "\"login\": \"lena\"", 1))
        .unwrap_err();
    assert!(
        e.to_string().starts_with("label event[0]: user.username: "),
        "{e}"
    );
}

#[test]
fn timestamps_in_every_form_gitlab_writes() {
    let t = |s: &str| parse_timestamp(s).map(|d| d.to_rfc3339());
    let want = Some("2017-09-15T16:52:00+00:00".to_owned());
    assert_eq!(t("2017-09-15T16:52:00Z"), want);
    assert_eq!(t("2017-09-15 16:52:00 UTC"), want);
    assert_eq!(t("2017-09-15 18:52:00 +0200"), want);
    assert_eq!(t("2017-09-15T18:52:00+02:00"), want);
    assert_eq!(
        t("2017-09-15T16:52:00.081Z"),
        Some("2017-09-15T16:52:00.081+00:00".to_owned())
    );
    assert_eq!(t("2017-09-15"), None);
    assert_eq!(t("16:52 yesterday"), None);
    assert_eq!(t(""), None);
}

#[test]
fn effects_become_rest_update_parameters() {
    let t = Transition {
        from: State::Triage,
        to: State::InProcess,
        add_labels: vec!["CSOps::In_Process".into(), "Gainsight".into()],
        remove_labels: vec!["CSOps::Triage".into()],
        close: false,
        reopen: false,
        notifications: Vec::new(),
    };
    let p = RestParams::from(&t);
    assert_eq!(p.add_labels.as_deref(), Some("CSOps::In_Process,Gainsight"));
    assert_eq!(p.remove_labels.as_deref(), Some("CSOps::Triage"));
    assert_eq!(p.state_event, None);
    assert_eq!(
        serde_json::to_value(&p).expect("json"),
        serde_json::json!({"add_labels": "CSOps::In_Process,Gainsight", "remove_labels": "CSOps::Triage"})
    );
    let closing = Transition {
        close: true,
        add_labels: Vec::new(),
        remove_labels: Vec::new(),
        ..t.clone()
    };
    assert_eq!(
        serde_json::to_value(RestParams::from(&closing)).expect("json"),
        serde_json::json!({"state_event": "close"})
    );
    let reopening = Transition {
        close: false,
        reopen: true,
        ..closing
    };
    assert_eq!(
        RestParams::from(&reopening).state_event.as_deref(),
        Some("reopen")
    );
    assert!(RestParams::default().is_empty() && !p.is_empty());
}

#[test]
fn an_invalid_configuration_is_an_error_not_a_list_of_errors() {
    let cfg = Config::invalid_for_tests();
    let is_config = |e: &GitlabError| {
        matches!(
            e,
            GitlabError::Request {
                index: None,
                source: RequestError::Config(_)
            }
        )
    };
    assert!(is_config(&read_issue(ISSUE, &cfg).unwrap_err()));
    let e = read_issues(&format!("[{ISSUE}]"), &cfg).unwrap_err();
    assert!(is_config(&e), "{e}");
}

// ---- reconstruction and audit ----------------------------------------------------------------

use crate::{Directory, Workflow};
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("time")
}

fn team() -> Workflow {
    Workflow::with_directory(
        Directory::from_json(
            r#"{"lena": ["workstream_lead:Gainsight"], "ana": ["workstream_lead:Analytics"],
                "omar": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}"#,
        )
        .expect("directory"),
    )
}

fn issue(labels: &[&str], state: &str, assignee: Option<&str>) -> Request {
    let v = serde_json::json!({
        "iid": 40, "title": "Usage dashboard", "state": state, "labels": labels,
        "author": {"username": "rita"}, "weight": 3,
        "assignees": assignee.map(|a| vec![serde_json::json!({"username": a})]).unwrap_or_default(),
        "created_at": "2026-03-02T09:00:00Z",
        "closed_at": if state == "closed" { Some("2026-03-06T09:00:00Z") } else { None },
    });
    read_issue_from(&v, &config()).expect("issue")
}

fn ev(user: &str, time: &str, label: Option<&str>, action: LabelAction) -> LabelEvent {
    LabelEvent {
        user: User {
            username: user.to_owned(),
        },
        created_at: at(time),
        label: label.map(|name| EventLabel {
            name: name.to_owned(),
        }),
        action,
    }
}

use LabelAction::{Add, Remove};

#[test]
fn a_clean_history_has_no_violation_and_its_times() {
    let wf = team();
    let req = issue(
        &["CSOps", "CS Analytics", "CSOps::Completed"],
        "closed",
        Some("omar"),
    );
    // GitLab lists the removal of the displaced scoped label before or after the addition.
    let events = [
        ev("ana", "2026-03-02T10:00:00Z", Some("CSOps::Triage"), Add),
        ev("ana", "2026-03-02T11:00:00Z", Some("CSOps::Triage"), Remove),
        ev(
            "ana",
            "2026-03-02T11:00:00Z",
            Some("CSOps::Ready_for_Assignment"),
            Add,
        ),
        ev(
            "omar",
            "2026-03-03T09:00:00Z",
            Some("CSOps::In_Process"),
            Add,
        ),
        ev(
            "omar",
            "2026-03-03T09:00:00Z",
            Some("CSOps::Ready_for_Assignment"),
            Remove,
        ),
        ev("omar", "2026-03-04T09:00:00Z", Some("CSOps::Blocked"), Add),
        ev(
            "omar",
            "2026-03-04T09:00:00Z",
            Some("CSOps::In_Process"),
            Remove,
        ),
        ev(
            "omar",
            "2026-03-05T09:00:00Z",
            Some("CSOps::In_Process"),
            Add,
        ),
        ev(
            "omar",
            "2026-03-05T09:00:00Z",
            Some("CSOps::Blocked"),
            Remove,
        ),
        ev(
            "omar",
            "2026-03-06T09:00:00Z",
            Some("CSOps::In_Process"),
            Remove,
        ),
        ev(
            "omar",
            "2026-03-06T09:00:00Z",
            Some("CSOps::Completed"),
            Add,
        ),
    ];
    let rec = reconstruct(&wf, &req, &events).expect("reconstruct");
    assert_eq!(rec.violations, []);
    let moves: Vec<_> = rec
        .history()
        .iter()
        .map(|s| (s.to, s.command.kind()))
        .collect();
    use crate::workflow::CommandKind as K;
    assert_eq!(
        moves,
        [
            (State::Triage, K::Triage),
            (State::ReadyForAssignment, K::Ready),
            (State::InProcess, K::Start),
            (State::Blocked, K::Block),
            (State::InProcess, K::Unblock),
            (State::Completed, K::Complete),
        ]
    );
    let blocked = crate::sla::time_blocked(&rec.request, at("2026-03-10T00:00:00Z")).unwrap();
    assert_eq!(blocked.num_hours(), 24);
    assert_eq!(
        crate::sla::cycle_time(&rec.request).map(|d| d.num_hours()),
        Some(72)
    );
    // The caller's request is unchanged.
    assert!(req.history().is_empty());
}

#[test]
fn every_planted_violation_is_found_with_who_and_when() {
    let wf = team();
    // Gainsight, no assignee at first, a move off the table, two labels at once, closed
    // without an outcome.
    let req = issue(&["CSOps", "Gainsight", "CSOps::Blocked"], "closed", None);
    let events = [
        ev("rita", "2026-03-02T09:00:00Z", Some("CSOps::Triage"), Add),
        ev(
            "lena",
            "2026-03-02T12:00:00Z",
            Some("CSOps::In_Process"),
            Add,
        ),
        ev(
            "lena",
            "2026-03-02T12:00:00Z",
            Some("CSOps::Triage"),
            Remove,
        ),
        ev(
            "omar",
            "2026-03-03T12:00:00Z",
            Some("CS Ops::Awaiting Feedback"),
            Add,
        ),
        ev(
            "omar",
            "2026-03-03T13:00:00Z",
            Some("CS Ops::Awaiting Feedback"),
            Remove,
        ),
        ev("zed", "2026-03-04T12:00:00Z", Some("CSOps::Blocked"), Add),
        ev(
            "zed",
            "2026-03-04T12:00:00Z",
            Some("CSOps::In_Process"),
            Remove,
        ),
    ];
    let rec = reconstruct(&wf, &req, &events).expect("reconstruct");
    let got: Vec<(AuditRule, Option<&str>, String)> = rec
        .violations
        .iter()
        .map(|v| (v.rule, v.actor.as_deref(), v.at.to_rfc3339()))
        .collect();
    let want = [
        (
            AuditRule::NotPermitted,
            Some("rita"),
            "2026-03-02T09:00:00+00:00",
        ),
        (
            AuditRule::InvalidTransition,
            Some("lena"),
            "2026-03-02T12:00:00+00:00",
        ),
        (
            AuditRule::NoAssignee,
            Some("lena"),
            "2026-03-02T12:00:00+00:00",
        ),
        (
            AuditRule::TwoWorkflowLabels,
            Some("omar"),
            "2026-03-03T12:00:00+00:00",
        ),
        (
            AuditRule::UnknownPerson,
            Some("zed"),
            "2026-03-04T12:00:00+00:00",
        ),
        (
            AuditRule::NotPermitted,
            Some("zed"),
            "2026-03-04T12:00:00+00:00",
        ),
        (
            AuditRule::ClosedWithoutOutcome,
            None,
            "2026-03-06T09:00:00+00:00",
        ),
    ];
    let want: Vec<(AuditRule, Option<&str>, String)> = want
        .iter()
        .map(|(r, a, t)| (*r, *a, (*t).to_owned()))
        .collect();
    assert_eq!(got, want);
    // Messages name the rule's terms.
    assert!(rec.violations[1].message.contains("Triage -> In Process"));
    assert_eq!(rec.violations[1].step, Some(1));
    assert_eq!(
        rec.history().get(1).map(|s| &s.command),
        Some(&crate::workflow::Command::Relabel)
    );
}

#[test]
fn skipped_review_on_a_gainsight_change_and_a_label_removed_in_two_edits() {
    let wf = team();
    let req = issue(
        &["CSOps", "Gainsight", "CSOps::Completed"],
        "closed",
        Some("omar"),
    );
    let events = [
        ev("lena", "2026-03-02T10:00:00Z", Some("CSOps::Triage"), Add),
        ev(
            "lena",
            "2026-03-02T11:00:00Z",
            Some("CSOps::Ready_for_Assignment"),
            Add,
        ),
        ev(
            "lena",
            "2026-03-02T11:00:00Z",
            Some("CSOps::Triage"),
            Remove,
        ),
        // Removed, then the next label added a minute later: one move, not two.
        ev(
            "omar",
            "2026-03-03T09:00:00Z",
            Some("CSOps::Ready_for_Assignment"),
            Remove,
        ),
        ev(
            "omar",
            "2026-03-03T09:01:00Z",
            Some("CSOps::In_Process"),
            Add,
        ),
        ev(
            "omar",
            "2026-03-05T09:00:00Z",
            Some("CSOps::Completed"),
            Add,
        ),
        ev(
            "omar",
            "2026-03-05T09:00:00Z",
            Some("CSOps::In_Process"),
            Remove,
        ),
        // A label deleted since: skipped.
        ev("omar", "2026-03-05T09:00:00Z", None, Add),
    ];
    let rec = reconstruct(&wf, &req, &events).expect("reconstruct");
    let rules: Vec<AuditRule> = rec.violations.iter().map(|v| v.rule).collect();
    assert_eq!(rules, [AuditRule::SkippedPeerReview]);
    assert_eq!(rec.history().len(), 4);
    assert_eq!(rec.history()[2].at, at("2026-03-03T09:01:00Z"));
}

#[test]
fn a_history_left_without_a_workflow_label_ends_in_new() {
    let wf = team();
    let req = issue(&["CSOps", "CS Analytics"], "opened", Some("omar"));
    let events = [
        ev("ana", "2026-03-02T10:00:00Z", Some("CSOps::Triage"), Add),
        ev("ana", "2026-03-02T11:00:00Z", Some("CSOps::Triage"), Remove),
    ];
    let rec = reconstruct(&wf, &req, &events).expect("reconstruct");
    assert_eq!(rec.request.state(), State::New);
    let last = rec.history().last().expect("step");
    assert_eq!((last.from, last.to), (State::Triage, State::New));
    assert_eq!(rec.violations[0].rule, AuditRule::InvalidTransition);
}

#[test]
fn an_issue_imported_in_a_state_starts_there() {
    let wf = team();
    // No event for the workflow label it was created with.
    let req = issue(
        &["CSOps", "CS Analytics", "CSOps::In_Process"],
        "opened",
        Some("omar"),
    );
    let events = [ev(
        "omar",
        "2026-03-03T09:00:00Z",
        Some("Priority::High"),
        Add,
    )];
    let req = {
        let mut r = req;
        r.labels.add("Priority::High");
        r
    };
    let rec = reconstruct(&wf, &req, &events).expect("reconstruct");
    assert!(rec.history().is_empty());
    assert_eq!(rec.request.state(), State::InProcess);
    assert_eq!(rec.violations, []);
}

#[test]
fn a_moved_issue_is_dated_from_its_first_event() {
    let wf = team();
    let req = issue(&["CSOps", "CS Analytics", "CSOps::Triage"], "opened", None);
    let before = ev("ana", "2026-03-01T10:00:00Z", Some("CSOps::Triage"), Add);
    let rec = reconstruct(&wf, &req, std::slice::from_ref(&before)).expect("a moved issue reads");
    assert_eq!(rec.request.created_at(), before.created_at);
    assert!(before.created_at < req.created_at());
    assert_eq!(rec.history().len(), 1);
    assert_eq!(rec.history()[0].at, before.created_at);
    assert_eq!(rec.violations, []);
}

#[test]
fn events_that_disagree_with_the_issue_are_errors() {
    let wf = team();
    let req = issue(&["CSOps", "CS Analytics"], "opened", None);
    let added = ev("ana", "2026-03-02T10:00:00Z", Some("CSOps::Triage"), Add);
    let err = reconstruct(&wf, &req, &[added]).unwrap_err();
    assert!(err.to_string().contains("\"CSOps::Triage\""), "{err}");
    let removed = ev("ana", "2026-03-02T10:00:00Z", Some("CS Analytics"), Remove);
    let err = reconstruct(&wf, &req, &[removed]).unwrap_err();
    assert!(err.to_string().contains("still carries"), "{err}");
}

#[test]
fn a_batch_audit_reports_bad_issues_and_runs_the_rest() {
    let wf = team();
    let good = issue(&["CSOps", "CS Analytics"], "opened", None);
    let mut bad = issue(&["CSOps", "CS Analytics"], "opened", None);
    bad.id = 41;
    let events_bad = [ev(
        "ana",
        "2026-03-02T10:00:00Z",
        Some("CSOps::Triage"),
        Add,
    )];
    let run = audit_batch(
        &wf,
        &[good, bad],
        |iid| (iid == 41).then_some(&events_bad[..]),
        at("2026-03-16T09:00:00Z"),
    );
    assert_eq!(run.summary.issues, 1);
    assert_eq!(run.summary.errors, 1);
    assert!(run.errors[0].starts_with("issue 41"), "{:?}", run.errors);
    // The good one is New and untriaged for two weeks.
    assert_eq!(run.summary.sla_breaches, 1);
    let json = serde_json::to_value(&run).expect("json");
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["issues"][0]["iid"], 40);
}

// ---- the Issue Hook ---------------------------------------------------------------------------

/// An Issue Hook payload in the shape of GitLab's webhook documentation.
fn hook_json(previous: &str, current: &str, user: &str, state: &str) -> String {
    let labels = |wl: &str| {
        let mut v = vec![
            serde_json::json!({"id": 206, "title": "CSOps", "color": "#dc143c", "project_id": 14,
                               "created_at": "2013-12-03T17:15:43Z", "updated_at": "2013-12-03T17:15:43Z",
                               "template": false, "description": "", "type": "ProjectLabel", "group_id": 41}),
            serde_json::json!({"id": 207, "title": "CS Analytics"}),
        ];
        if !wl.is_empty() {
            v.push(serde_json::json!({"id": 208, "title": wl}));
        }
        serde_json::Value::Array(v)
    };
    serde_json::json!({
        "object_kind": "issue", "event_type": "issue",
        "user": {"id": 1, "name": "Administrator", "username": user,
                 "avatar_url": "http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40&d=identicon",
                 "email": "admin@example.com"},
        "project": {"id": 1, "name": "Gitlab Test", "path_with_namespace": "gitlabhq/gitlab-test"},
        "object_attributes": {
            "id": 301, "title": "New API: create/update/delete file", "assignee_ids": [51],
            "assignee_id": 51, "author_id": 51, "project_id": 14,
            "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-03T10:15:00Z",
            "updated_by_id": 1, "last_edited_at": null, "closed_at": null, "due_date": null,
            "description": "Create new API for manipulations with repository", "milestone_id": null,
            "state_id": 1, "state": state, "iid": 40, "weight": 3, "confidential": false,
            "discussion_locked": true, "action": "update", "labels": labels(current),
            "url": "http://example.com/diaspora/issues/23"
        },
        "repository": {"name": "Gitlab Test", "url": "http://example.com/gitlabhq/gitlab-test.git"},
        "assignees": [{"name": "User1", "username": "omar", "avatar_url": "http://www.gravatar.com/avatar"}],
        "assignee": {"name": "User1", "username": "omar", "avatar_url": "http://www.gravatar.com/avatar"},
        "labels": labels(current),
        "changes": {
            "updated_by_id": {"previous": null, "current": 1},
            "updated_at": {"previous": "2017-09-15 16:50:55 UTC", "current": "2026-03-03 10:15:00 UTC"},
            "labels": {"previous": labels(previous), "current": labels(current)}
        }
    })
    .to_string()
}

#[test]
fn reads_the_issue_hook() {
    let h = read_webhook(&hook_json(
        "CSOps::Triage",
        "CSOps::Ready_for_Assignment",
        "ana",
        "opened",
    ))
    .expect("hook");
    assert_eq!(h.actor, "ana");
    assert_eq!(h.iid, 40);
    assert_eq!(h.at, at("2026-03-03T10:15:00Z"));
    assert_eq!(
        h.previous_labels.as_deref(),
        Some(
            &[
                "CSOps".to_owned(),
                "CS Analytics".to_owned(),
                "CSOps::Triage".to_owned()
            ][..]
        )
    );
    assert_eq!(h.current_labels.as_ref(), Some(&h.labels));
    assert_eq!(h.assignees, ["omar"]);
    assert_eq!(h.author_id, Some(51));
    let r = h.to_request(&config()).expect("request");
    assert_eq!(r.state(), State::ReadyForAssignment);
    assert_eq!(r.author(), "author_id:51");
    assert_eq!(r.workstream(), Some(Workstream::Analytics));
}

#[test]
fn malformed_hooks_are_errors_naming_the_field() {
    let good: serde_json::Value =
        serde_json::from_str(&hook_json("", "CSOps::Triage", "ana", "opened")).expect("json");
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 6] = [
        ("object_kind", |v| v["object_kind"] = "merge_request".into()),
        ("user", |v| {
            v.as_object_mut().map(|o| o.remove("user"));
        }),
        ("object_attributes.iid", |v| {
            v["object_attributes"]["iid"] = "forty".into()
        }),
        ("object_attributes.state", |v| {
            v["object_attributes"]["state"] = "merged".into()
        }),
        ("changes.updated_at.current", |v| {
            v["changes"]["updated_at"]["current"] = "yesterday".into()
        }),
        ("labels[1].title", |v| {
            v["labels"][1].as_object_mut().map(|o| o.remove("title"));
        }),
    ];
    for (key, edit) in cases {
        let mut v = good.clone();
        edit(&mut v);
        match read_webhook(&v.to_string()) {
            Err(GitlabError::Json { key: k, .. }) => assert_eq!(k, key),
            other => panic!("{key}: {other:?}"),
        }
    }
    assert!(matches!(
        read_webhook("{not json"),
        Err(GitlabError::Json { key, .. }) if key == "."
    ));
}

fn stored(wl: &str) -> Request {
    let mut labels = vec!["CSOps", "CS Analytics"];
    if !wl.is_empty() {
        labels.push(wl);
    }
    issue(&labels, "opened", None)
}

#[test]
fn an_allowed_move_and_its_remaining_effects() {
    let wf = team();
    let hook = read_webhook(&hook_json(
        "CSOps::In_Process",
        "CSOps::Completed",
        "omar",
        "opened",
    ))
    .expect("hook");
    let d = decide_webhook(&wf, &hook, &stored("CSOps::In_Process")).expect("decision");
    assert!(d.moved && d.allowed, "{d:?}");
    assert_eq!(d.command, Some(crate::workflow::CommandKind::Complete));
    assert_eq!(d.rest_params.state_event.as_deref(), Some("close"));
    assert_eq!(d.rest_params.add_labels, None);
    assert_eq!(d.comment, None);
    // No workflow label moved: nothing to decide.
    let hook = read_webhook(&hook_json(
        "CSOps::Triage",
        "CSOps::Triage",
        "zed",
        "opened",
    ))
    .expect("hook");
    let d = decide_webhook(&wf, &hook, &stored("CSOps::Triage")).expect("decision");
    assert!(!d.moved && d.allowed && d.rest_params.is_empty());
}

#[test]
fn a_disallowed_move_is_undone_with_a_comment_naming_the_rule() {
    let wf = team();
    let hook = read_webhook(&hook_json(
        "CSOps::Triage",
        "CSOps::Ready_for_Assignment",
        "omar",
        "opened",
    ))
    .expect("hook");
    let d = decide_webhook(&wf, &hook, &stored("CSOps::Triage")).expect("decision");
    assert!(d.moved && !d.allowed);
    assert_eq!(d.violations[0].rule, AuditRule::NotPermitted);
    assert_eq!(d.rest_params.add_labels.as_deref(), Some("CSOps::Triage"));
    assert_eq!(
        d.rest_params.remove_labels.as_deref(),
        Some("CSOps::Ready_for_Assignment")
    );
    let comment = d.comment.expect("comment");
    assert!(comment.starts_with("@omar "), "{comment}");
    assert!(
        comment.contains("`not_permitted`") && comment.contains("ana"),
        "{comment}"
    );
    // Won't Do by a non-lead, closing the issue: restored and reopened.
    let hook = read_webhook(&hook_json(
        "CSOps::Triage",
        "CSOps::Won't Do",
        "omar",
        "closed",
    ))
    .expect("hook");
    let d = decide_webhook(&wf, &hook, &stored("CSOps::Triage")).expect("decision");
    assert_eq!(d.rest_params.state_event.as_deref(), Some("reopen"));
    // Two workflow labels at once.
    let mut v: serde_json::Value = serde_json::from_str(&hook_json(
        "CSOps::Triage",
        "CSOps::Triage",
        "ana",
        "opened",
    ))
    .expect("json");
    v["changes"]["labels"]["current"]
        .as_array_mut()
        .expect("array")
        .push(serde_json::json!({"title": "CS Ops::Awaiting Feedback"}));
    let hook = read_webhook(&v.to_string()).expect("hook");
    let d = decide_webhook(&wf, &hook, &stored("CSOps::Triage")).expect("decision");
    assert_eq!(d.violations[0].rule, AuditRule::TwoWorkflowLabels);
    assert_eq!(d.rest_params.add_labels, None);
    assert_eq!(
        d.rest_params.remove_labels.as_deref(),
        Some("CS Ops::Awaiting Feedback")
    );
}

#[test]
fn a_hook_for_another_issue_is_an_error() {
    let wf = team();
    let hook = read_webhook(&hook_json("", "CSOps::Triage", "ana", "opened")).expect("hook");
    let mut other = stored("");
    other.id = 41;
    let err = decide_webhook(&wf, &hook, &other).unwrap_err();
    assert!(matches!(err, GitlabError::Json { ref key, .. } if key == "object_attributes.iid"));
}

#[test]
fn an_interrupt_start_adds_the_interrupt_label() {
    let wf = team();
    let hook = read_webhook(&hook_json(
        "CSOps::Ready_for_Assignment",
        "CSOps::In_Process",
        "omar",
        "opened",
    ))
    .expect("hook");
    let mut req = stored("CSOps::Ready_for_Assignment");
    req.milestone = Some(crate::workflow::Milestone {
        title: "M2".to_owned(),
        start_date: Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date")),
        due_date: Some(chrono::NaiveDate::from_ymd_opt(2026, 3, 31).expect("date")),
    });
    let d = decide_webhook(&wf, &hook, &req).expect("decision");
    assert!(d.allowed, "{d:?}");
    assert_eq!(
        d.rest_params.add_labels.as_deref(),
        Some("CSOps - Interrupt")
    );
}

#[test]
fn a_hook_decided_from_label_events_with_or_without_the_change() {
    let wf = team();
    let hook = read_webhook(&hook_json(
        "CSOps::Triage",
        "CSOps::Ready_for_Assignment",
        "omar",
        "opened",
    ))
    .expect("hook");
    let before = [ev(
        "ana",
        "2026-03-02T10:00:00Z",
        Some("CSOps::Triage"),
        Add,
    )];
    let d = decide_webhook_with_events(&wf, &hook, &before).expect("decision");
    assert_eq!(
        (d.from, d.to, d.allowed),
        (State::Triage, State::ReadyForAssignment, false)
    );
    // Fetched after GitLab recorded the change itself.
    let mut after = before.to_vec();
    after.push(ev(
        "omar",
        "2026-03-03T10:15:00Z",
        Some("CSOps::Ready_for_Assignment"),
        Add,
    ));
    after.push(ev(
        "omar",
        "2026-03-03T10:15:00Z",
        Some("CSOps::Triage"),
        Remove,
    ));
    let d2 = decide_webhook_with_events(&wf, &hook, &after).expect("decision");
    assert_eq!(d2.violations, d.violations);
    // A payload without `changes.labels`: the events lead to the labels after it, and nothing
    // moved.
    let mut v: serde_json::Value = serde_json::from_str(&hook_json(
        "CSOps::Triage",
        "CSOps::Triage",
        "ana",
        "opened",
    ))
    .expect("json");
    v["changes"].as_object_mut().map(|c| c.remove("labels"));
    let unchanged = read_webhook(&v.to_string()).expect("hook");
    let d3 = decide_webhook_with_events(&wf, &unchanged, &before).expect("decision");
    assert!(!d3.moved && d3.allowed);
    // Events of another history: an error.
    let wrong = [ev(
        "ana",
        "2026-03-02T10:00:00Z",
        Some("CSOps::Backlog"),
        Add,
    )];
    assert!(matches!(
        decide_webhook_with_events(&wf, &hook, &wrong),
        Err(GitlabError::Events { iid: 40, .. })
    ));
}

proptest::proptest! {
    #[test]
    fn the_fast_timestamp_path_agrees_with_chrono(
        y in 1970i32..2100, mo in 0u32..14, d in 0u32..33, h in 0u32..25, mi in 0u32..61,
        s in 0u32..61, frac in proptest::option::of("[0-9]{1,10}"), z in proptest::sample::select(vec!["Z", "+00:00", "z", ""]),
    ) {
        let text = format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{}{z}",
            frac.map(|f| format!(".{f}")).unwrap_or_default()
        );
        let chrono_reads = chrono::DateTime::parse_from_rfc3339(&text).ok().map(|t| t.with_timezone(&chrono::Utc));
        // The fast path never disagrees: it reads what chrono reads, or leaves it to chrono.
        if let Some(fast) = utc_fast(text.as_bytes()) {
            proptest::prop_assert_eq!(Some(fast), chrono_reads);
        }
        proptest::prop_assert_eq!(parse_timestamp(&text), chrono_reads);
    }
}
