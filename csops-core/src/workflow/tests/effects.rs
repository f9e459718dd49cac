//! Effects, time, precedence, replay and replaced rules.

use super::*;

#[test]
fn labels_are_removed_as_carried_and_added_canonically() {
    let mut c = Case::new(
        r#"{"id": 7, "author": "rita", "labels": ["CSOps", "CS Ops::Awaiting Feedback", "Gainsight"], "assignee": "omar",
            "reviewer": "gia", "change_kind": "report", "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    assert_eq!(c.req.state(), State::AwaitingFeedback);
    let tr = c.ok("gia", r#"{"type":"request_changes","comment":"c"}"#);
    assert_eq!(tr.remove_labels, ["CS Ops::Awaiting Feedback"]);
    assert_eq!(tr.add_labels, ["CSOps::In_Process"]);

    let mut c = Case::new(
        r#"{"id": 8, "author": "rita", "labels": ["CSOps::New", "Gainsight"], "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    assert_eq!(c.req.state(), State::New);
    assert_eq!(
        c.ok("lena", r#"{"type":"triage"}"#).remove_labels,
        ["CSOps::New"]
    );

    let mut c = Case::new(
        r#"{"id": 9, "author": "rita", "labels": ["CSOps::Planning", "Gainsight"], "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    assert_eq!(
        c.ok("lena", r#"{"type":"defer"}"#).remove_labels,
        ["CSOps::Planning"]
    );
    assert_eq!(c.req.labels().as_slice(), ["Gainsight", "CSOps::Backlog"]);
}

#[test]
fn approvals_and_waivers_change_no_label() {
    let mut c = Case::gainsight("report");
    c.bring_in_process();
    let tr = c.ok("omar", r#"{"type":"waive_review","reason":"r"}"#);
    assert_eq!((tr.from, tr.to), (State::InProcess, State::InProcess));
    assert!(tr.add_labels.is_empty() && tr.remove_labels.is_empty() && !tr.close && !tr.reopen);
    assert_eq!(
        c.req.history().last().map(|s| s.command.kind()),
        Some(CommandKind::WaiveReview)
    );
}

#[test]
fn interrupts_are_labelled_at_start() {
    let json = |created: &str| {
        format!(
            r#"{{"id": 10, "author": "rita", "labels": ["CSOps::Ready_for_Assignment", "Gainsight"], "weight": 1,
                "milestone": {{"title": "FY27-Q1-M1", "start_date": "2026-01-05", "due_date": "2026-01-16"}},
                "created_at": "{created}"}}"#
        )
    };
    let mut c = Case::new(&json("2026-01-07T09:00:00Z"));
    let tr = c.ok("omar", r#"{"type":"start"}"#);
    assert_eq!(tr.add_labels, ["CSOps::In_Process", "CSOps - Interrupt"]);
    assert!(c.req.labels().contains("CSOps - Interrupt"));
    // Planned on the milestone's first day: not an interrupt.
    let mut c = Case::new(&json("2026-01-05T09:00:00Z"));
    assert_eq!(
        c.ok("omar", r#"{"type":"start"}"#).add_labels,
        ["CSOps::In_Process"]
    );
}

#[test]
fn steps_cannot_go_back_in_time() {
    let mut c = Case::gainsight("other");
    let before = c.req.clone();
    let r =
        c.wf.apply(
            &mut c.req,
            Command::Defer,
            "lena",
            t("2026-01-05T08:59:59Z"),
        )
        .unwrap_err();
    assert_eq!(r.kind, RejectionKind::InvalidTime);
    assert_eq!(c.req, before);
    // The same instant as creation, then as the last step, is fine.
    c.wf.apply(
        &mut c.req,
        Command::Triage { workstream: None },
        "lena",
        t("2026-01-05T09:00:00Z"),
    )
    .unwrap();
    c.wf.apply(
        &mut c.req,
        Command::Defer,
        "lena",
        t("2026-01-05T11:00:00Z"),
    )
    .unwrap();
    c.wf.apply(
        &mut c.req,
        Command::Reprioritize,
        "lena",
        t("2026-01-05T11:00:00Z"),
    )
    .unwrap();
    let r =
        c.wf.apply(
            &mut c.req,
            Command::Defer,
            "lena",
            t("2026-01-05T10:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(r.kind, RejectionKind::InvalidTime);
    assert!(r.rule().contains("last step"));
}

#[test]
fn precedence_and_every_problem_listed() {
    let mut c = Case::gainsight("other");
    // Unknown actor, dated too early, and an invalid transition, all at once.
    let r =
        c.wf.apply(
            &mut c.req,
            Command::Unblock,
            "zed",
            t("2020-01-01T00:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(r.kind, RejectionKind::UnknownPerson);
    let kinds: Vec<_> = r.problems.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            RejectionKind::UnknownPerson,
            RejectionKind::InvalidTime,
            RejectionKind::InvalidTransition
        ]
    );
    // Not permitted and missing input: not_permitted first, the missing input still listed.
    let r = c.err("dev", r#"{"type":"transfer","team":""}"#);
    assert_eq!(r.kind, RejectionKind::NotPermitted);
    assert!(r.missing().next().is_none());
    assert_eq!(r.problems[1].missing(), Some("team"));
    assert!(r.to_string().contains("also: missing_input"), "{r}");
}

#[test]
fn check_gives_the_same_answer_and_changes_nothing() {
    let mut c = Case::gainsight("other");
    let before = c.req.clone();
    let cmd = Command::Triage { workstream: None };
    let at = t("2026-01-06T09:00:00Z");
    let dry = c.wf.check(&c.req, &cmd, "lena", at).unwrap();
    assert_eq!(c.req, before);
    assert_eq!(
        c.wf.apply(&mut c.req, cmd.clone(), "lena", at).unwrap(),
        dry
    );
    assert_eq!(
        c.wf.check(&c.req, &cmd, "lena", at).unwrap_err().kind,
        RejectionKind::InvalidTransition
    );
}

#[test]
fn replay_reproduces_the_request_and_reports_divergence() {
    let mut c = Case::gainsight("gainsight_rule");
    let initial = c.req.clone();
    c.bring_in_process();
    c.ok(
        "omar",
        r#"{"type":"request_review","reviewer":"gia","summary":"s"}"#,
    );
    c.ok("gia", r#"{"type":"approve_review"}"#);
    c.ok("omar", DONE);
    assert_eq!(c.wf.replay(&initial, c.req.history()).unwrap(), c.req);

    let mut forged = c.req.history().to_vec();
    forged[2].actor = "ann".into(); // not cs_ops: cannot take it
    assert!(matches!(
        c.wf.replay(&initial, &forged),
        Err(ReplayError::Rejected { index: 2, .. })
    ));
    let mut forged = c.req.history().to_vec();
    forged[0].to = State::Backlog;
    assert!(matches!(
        c.wf.replay(&initial, &forged),
        Err(ReplayError::Diverged { index: 0, .. })
    ));
}

#[test]
fn json_round_trip_keeps_everything() {
    let mut c = Case::gainsight("gainsight_rule");
    c.bring_in_process();
    c.ok("omar", r#"{"type":"block","reason":"r"}"#);
    let json = c.req.to_json();
    assert_eq!(c.wf.load_request(&json).unwrap(), c.req);
    assert_eq!(serde_json::from_str::<Request>(&json).unwrap(), c.req);
    assert_eq!(serde_json::to_string(&c.req).unwrap(), json);
}

#[test]
fn a_replaced_taxonomy_writes_its_own_labels() {
    let cfg = Config::from_json(
        r#"{"labels": {"workflow": {"InProcess": {"canonical": "Ops::Doing", "aliases": ["CSOps::In_Process"]}},
            "interrupt": "Interrupt"}}"#,
    )
    .unwrap();
    let wf = Workflow::new(dir(), cfg).unwrap();
    let mut req = wf
        .load_request(r#"{"id": 11, "author": "rita", "labels": ["Ops::doing"], "assignee": "omar", "created_at": "2026-01-05T09:00:00Z"}"#)
        .unwrap();
    assert_eq!(req.state(), State::InProcess);
    let tr = wf
        .apply(
            &mut req,
            Command::Block {
                reason: Some("r".into()),
            },
            "omar",
            t("2026-01-06T09:00:00Z"),
        )
        .unwrap();
    assert_eq!(tr.remove_labels, ["Ops::doing"]);
    let tr = wf
        .apply(
            &mut req,
            Command::Unblock,
            "omar",
            t("2026-01-06T10:00:00Z"),
        )
        .unwrap();
    assert_eq!(tr.add_labels, ["Ops::Doing"]);
    // The default taxonomy does not know the label: loading it there gives New.
    let err = Request::from_json(&req.to_json()).unwrap_err();
    assert!(
        matches!(
            err,
            RequestError::StateMismatch {
                given: State::InProcess,
                from_labels: State::New,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn a_replaced_review_policy_applies() {
    let cfg =
        Config::from_json(r#"{"review": {"required": ["report"], "recommended": []}}"#).unwrap();
    let mut c = Case::gainsight("report");
    c.wf = Workflow::new(dir(), cfg).unwrap();
    c.bring_in_process();
    assert_eq!(c.err("omar", DONE).kind, RejectionKind::ReviewRequired);
    assert_eq!(c.wf.review_level(&c.req), ReviewLevel::Required);
    assert_eq!(
        Case::gainsight("gainsight_rule")
            .wf
            .review_level(&Case::gainsight("gainsight_rule").req),
        ReviewLevel::Required
    );
}

#[test]
fn the_author_needs_no_directory_entry_but_strangers_do() {
    let mut c = Case::gainsight("other");
    c.ok("lena", r#"{"type":"request_info","question":"q"}"#);
    let r = c.err("zed", r#"{"type":"provide_info","answer":"a"}"#);
    assert_eq!(r.kind, RejectionKind::UnknownPerson);
    assert!(r.rule().contains("zed"));
    assert!(
        r.problems
            .iter()
            .any(|p| p.kind == RejectionKind::NotPermitted)
    );
    c.ok("rita", r#"{"type":"provide_info","answer":"a"}"#);
}

#[test]
fn notifications_never_go_to_the_actor() {
    // The lead is also the requester: triage tells nobody.
    let mut c = Case::new(
        r#"{"id": 12, "author": "lena", "labels": ["CSOps", "Gainsight"], "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    assert!(
        c.ok("lena", r#"{"type":"triage"}"#)
            .notifications
            .is_empty()
    );
    let tr = c.ok("lena", r#"{"type":"decline","reason":"r"}"#);
    assert!(tr.notifications.is_empty());
}

#[test]
fn change_kind_other_is_the_default() {
    let c = Case::new(r#"{"id": 13, "author": "rita", "created_at": "2026-01-05T09:00:00Z"}"#);
    assert_eq!(c.req.change_kind(), ChangeKind::Other);
    assert_eq!(c.req.labels().len(), 0);
    assert_eq!(c.req.state(), State::New);
}
