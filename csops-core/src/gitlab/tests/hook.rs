//! The Issue Hook: reading it and deciding it.

use super::*;
use LabelAction::{Add, Remove};

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
        ("object_kind", |v| {
            v.as_object_mut().map(|o| o.remove("object_kind"));
        }),
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
    // Another kind of payload is that, not a broken Issue Hook (a service ignores it).
    let mut note = good.clone();
    note["object_kind"] = "note".into();
    let e = read_webhook(&note.to_string()).unwrap_err();
    assert!(
        matches!(&e, GitlabError::OtherEvent { object_kind } if object_kind == "note"),
        "{e:?}"
    );
}

/// The decision on an open issue's move from `previous` to `current` by `user`, against the
/// request as stored before it.
fn decide_move(wf: &Workflow, previous: &str, current: &str, user: &str) -> WebhookDecision {
    let hook = read_webhook(&hook_json(previous, current, user, "opened")).expect("hook");
    decide_webhook(wf, &hook, &stored(previous)).expect("decision")
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
    let d = decide_move(&wf, "CSOps::In_Process", "CSOps::Completed", "omar");
    assert!(d.moved && d.allowed, "{d:?}");
    assert_eq!(d.command, Some(crate::workflow::CommandKind::Complete));
    assert_eq!(d.rest_params.state_event.as_deref(), Some("close"));
    assert_eq!(d.rest_params.add_labels, None);
    assert_eq!(d.comment, None);
    // No workflow label moved: nothing to decide.
    let d = decide_move(&wf, "CSOps::Triage", "CSOps::Triage", "zed");
    assert!(!d.moved && d.allowed && d.rest_params.is_empty());
}

#[test]
fn a_disallowed_move_is_undone_with_a_comment_naming_the_rule() {
    let wf = team();
    let d = decide_move(&wf, "CSOps::Triage", "CSOps::Ready_for_Assignment", "omar");
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

/// What a service stores after each decision loads back: the state and the labels agree and
/// the history is a chain in time.
fn kept(wf: &Workflow, after: Option<Request>) -> Request {
    let after = after.expect("a managed issue");
    wf.load_request(&after.to_json())
        .unwrap_or_else(|e| panic!("the stored request does not load back: {e}"))
}

#[test]
fn apply_webhook_keeps_a_request_that_loads_back_and_ignores_its_own_undo() {
    let wf = team();
    // Omar's move Triage -> In Process is refused: the request stays as stored.
    let refused = read_webhook(&hook_json(
        "CSOps::Triage",
        "CSOps::In_Process",
        "omar",
        "opened",
    ))
    .unwrap();
    let (d, after) = apply_webhook(&wf, &refused, &stored("CSOps::Triage")).unwrap();
    assert!(d.moved && !d.allowed);
    let after = kept(&wf, after);
    assert_eq!((after.state(), after.history().len()), (State::Triage, 0));
    // GitLab's hook for the undo (a bot, In Process -> Triage) is no move from the stored
    // Triage: nothing to refuse, nothing to undo.
    let echo = read_webhook(&hook_json(
        "CSOps::In_Process",
        "CSOps::Triage",
        "csops-bot",
        "opened",
    ))
    .unwrap();
    let (d, after) = apply_webhook(&wf, &echo, &after).unwrap();
    assert!(!d.moved && d.allowed && d.rest_params.is_empty(), "{d:?}");
    let after = kept(&wf, after);
    assert_eq!(after.state(), State::Triage);
    // A move the payload says started elsewhere is judged from the stored state.
    let missed = read_webhook(&hook_json(
        "CSOps::Blocked",
        "CSOps::Completed",
        "omar",
        "opened",
    ))
    .unwrap();
    let (d, _) = apply_webhook(&wf, &missed, &after).unwrap();
    assert_eq!(d.from, State::Triage);
}

#[test]
fn apply_webhook_records_an_allowed_move_and_overlooks_an_overtaken_event() {
    let wf = team();
    let done = read_webhook(&hook_json(
        "CSOps::In_Process",
        "CSOps::Completed",
        "omar",
        "closed",
    ))
    .unwrap();
    let (d, after) = apply_webhook(&wf, &done, &stored("CSOps::In_Process")).unwrap();
    assert!(d.moved && d.allowed, "{d:?}");
    let after = kept(&wf, after);
    assert_eq!(
        (after.state(), after.is_open(), after.history().len()),
        (State::Completed, false, 1)
    );
    // The same change delivered late, dated before the step it made: nothing changes.
    let mut late = done.clone();
    late.at = done.at - chrono::Duration::minutes(5);
    let (d, again) = apply_webhook(&wf, &late, &after).unwrap();
    assert!(
        again.is_none() && !d.moved && d.rest_params.is_empty(),
        "{d:?}"
    );
    // An issue never seen is judged from its labels before the change.
    let refused = read_webhook(&hook_json(
        "CSOps::Triage",
        "CSOps::In_Process",
        "omar",
        "opened",
    ))
    .unwrap();
    let before = refused.to_request_before(wf.config()).unwrap();
    assert_eq!(before.state(), State::Triage);
    let (d, _) = apply_webhook(&wf, &refused, &before).unwrap();
    assert!(!d.allowed);
}

/// Why a service must refuse an event dated in the future before it reaches the core: once a
/// step dated 9999-12-31 is kept, the "overtaken" rule makes every real event of the issue
/// look late, and a refused move on it is no longer undone.
#[test]
fn a_step_kept_from_the_far_future_overtakes_every_real_event() {
    let wf = team();
    let mut poisoned = read_webhook(&hook_json("", "CSOps::Triage", "ana", "opened")).unwrap();
    poisoned.at = "9999-12-31T00:00:00Z".parse().unwrap();
    let (d, after) = apply_webhook(&wf, &poisoned, &stored("")).unwrap();
    assert!(d.moved && d.allowed, "{d:?}");
    let after = kept(&wf, after);
    let refused = read_webhook(&hook_json(
        "CSOps::Triage",
        "CSOps::In_Process",
        "omar",
        "opened",
    ))
    .unwrap();
    // Against the state as it really is, the move is refused and undone ...
    let (d, _) = apply_webhook(&wf, &refused, &stored("CSOps::Triage")).unwrap();
    assert!(!d.allowed && !d.rest_params.is_empty(), "{d:?}");
    // ... after the far-future step, it is "overtaken": nothing is undone.
    let (d, again) = apply_webhook(&wf, &refused, &after).unwrap();
    assert!(
        again.is_none() && d.allowed && !d.moved && d.rest_params.is_empty(),
        "{d:?}"
    );
}

#[test]
fn a_refused_move_names_the_moves_open_to_the_actor_instead() {
    let wf = team();
    // ana, the Analytics lead, skips Ready for Assignment: no such move.
    let d = decide_move(&wf, "CSOps::Triage", "CSOps::In_Process", "ana");
    assert_eq!(d.violations[0].rule, AuditRule::InvalidTransition);
    let instead: Vec<_> = d.violations[0]
        .instead
        .iter()
        .flatten()
        .map(|m| m.to)
        .collect();
    assert!(
        instead.contains(&State::ReadyForAssignment) && instead.contains(&State::WontDo),
        "{instead:?}"
    );
    let comment = d.comment.expect("a comment");
    assert!(
        comment.contains("Open to @ana from Triage instead: `request_info` (to Need More Info)"),
        "{comment}"
    );
    // omar, the assignee but no lead, could only have asked for information.
    let d = decide_move(&wf, "CSOps::Triage", "CSOps::Ready_for_Assignment", "omar");
    let instead: Vec<_> = d.violations[0]
        .instead
        .iter()
        .flatten()
        .map(|m| m.command)
        .collect();
    assert_eq!(instead, [crate::workflow::CommandKind::RequestInfo]);
    // zed, whom the directory does not know, had nothing open.
    let d = decide_move(&wf, "CSOps::Triage", "CSOps::Ready_for_Assignment", "zed");
    let rules: Vec<_> = d.violations.iter().map(|v| v.rule).collect();
    assert_eq!(rules, [AuditRule::UnknownPerson, AuditRule::NotPermitted]);
    // Each rule the refused move broke names what was open instead: nothing.
    assert!(
        d.violations
            .iter()
            .all(|v| v.instead.as_deref() == Some(&[][..]))
    );
    let comment = d.comment.expect("a comment");
    assert!(
        comment.ends_with("No move out of Triage was open to @zed."),
        "{comment}"
    );
}

#[test]
fn a_move_made_with_an_alias_leaves_the_labels_as_they_are() {
    // "CS Ops::Awaiting Feedback" is an alias in another GitLab scope than the canonical
    // "CSOps::Awaiting Feedback": adding the canonical label would leave two workflow labels.
    let wf = team();
    let hook = read_webhook(&hook_json(
        "CSOps::In_Process",
        "CS Ops::Awaiting Feedback",
        "omar",
        "opened",
    ))
    .expect("hook");
    let stored = issue(
        &["CSOps", "CS Analytics", "CSOps::In_Process"],
        "opened",
        Some("omar"),
    );
    let d = decide_webhook(&wf, &hook, &stored).expect("decision");
    assert!(d.moved && d.allowed, "{d:?}");
    assert_eq!(d.to, State::AwaitingFeedback);
    assert!(d.rest_params.is_empty(), "{:?}", d.rest_params);
}
