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
        add_labels: ["CSOps::In_Process", "Gainsight"].into_iter().collect(),
        remove_labels: ["CSOps::Triage"].into_iter().collect(),
        close: false,
        reopen: false,
        notifications: Default::default(),
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
        add_labels: Default::default(),
        remove_labels: Default::default(),
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

/// An object with an `iid` is an issue whatever the value (null too, which the issue reader
/// refuses); one without is a csops request record, whose errors are its own.
#[test]
fn an_iid_makes_an_issue_even_when_null() {
    let cfg = config();
    let record =
        serde_json::json!({"id": 1, "author": "rita", "created_at": "2026-01-05T09:00:00Z"});
    assert!(request_from(&record, &cfg).is_ok());
    let mut null_iid = record.clone();
    null_iid["iid"] = serde_json::Value::Null;
    assert!(matches!(
        request_from(&null_iid, &cfg),
        Err(GitlabError::Json { .. })
    ));
    let bad = serde_json::json!({"id": 1, "author": "", "created_at": "2026-01-05T09:00:00Z"});
    let e = request_from(&bad, &cfg).unwrap_err();
    assert!(matches!(e, GitlabError::Record(_)), "{e:?}");
    assert!(!e.to_string().starts_with("issue"), "{e}");
}

mod audit;
mod hook;
mod wild;
