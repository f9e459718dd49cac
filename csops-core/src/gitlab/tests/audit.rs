//! Reconstruction and audit of a history from label events.

use super::*;

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

/// SPEC §6: an issue as it stood at a time. An event at exactly that time is known; one after
/// it is undone (a deleted label's too); a closing at that time stands, a later one is undone;
/// two workflow labels then are that day's anomaly.
#[test]
fn an_issue_as_it_stood_knows_what_happened_up_to_that_instant() {
    let wf = team();
    let req = issue(
        &["CSOps", "CS Analytics", "CSOps::Completed"],
        "closed",
        Some("omar"),
    );
    let events = [
        ev("ana", "2026-03-02T10:00:00Z", Some("CSOps::Triage"), Add),
        ev(
            "omar",
            "2026-03-04T09:00:00Z",
            Some("CSOps::In_Process"),
            Add,
        ),
        ev(
            "omar",
            "2026-03-04T09:00:00Z",
            Some("CSOps::Triage"),
            Remove,
        ),
        ev("omar", "2026-03-05T09:00:00Z", None, Add),
        ev(
            "omar",
            "2026-03-06T09:00:00Z",
            Some("CSOps::Completed"),
            Add,
        ),
        ev(
            "omar",
            "2026-03-06T09:00:00Z",
            Some("CSOps::In_Process"),
            Remove,
        ),
    ];
    let then = |t: &str| reconstruct_as_of(&wf, &req, &events, at(t)).unwrap();
    assert!(then("2026-03-02T08:59:59Z").is_none(), "not yet created");
    let at_move = then("2026-03-04T09:00:00Z").unwrap().request;
    assert_eq!(
        at_move.state(),
        State::InProcess,
        "the event at the instant is known"
    );
    assert!(at_move.is_open() && at_move.closed_at().is_none());
    let before_move = then("2026-03-04T08:59:59Z").unwrap().request;
    assert_eq!(before_move.state(), State::Triage);
    assert_eq!(before_move.history().len(), 1);
    let at_close = then("2026-03-06T09:00:00Z").unwrap().request;
    assert_eq!(at_close.state(), State::Completed);
    assert!(!at_close.is_open(), "closed at the instant: closed");
    // At or after the last change, the issue as it is now.
    assert_eq!(
        then("2026-03-07T00:00:00Z").unwrap(),
        reconstruct(&wf, &req, &events).unwrap()
    );
    // Two workflow labels as it stood: an anomaly of that day, named as the loader names it.
    let doubled = [
        ev("ana", "2026-03-02T10:00:00Z", Some("CSOps::Triage"), Add),
        ev(
            "omar",
            "2026-03-04T09:00:00Z",
            Some("CSOps::Completed"),
            Add,
        ),
        ev(
            "omar",
            "2026-03-05T09:00:00Z",
            Some("CSOps::Triage"),
            Remove,
        ),
    ];
    let e = reconstruct_as_of(&wf, &req, &doubled, at("2026-03-04T12:00:00Z")).unwrap_err();
    assert!(
        matches!(
            e,
            GitlabError::Request {
                source: crate::workflow::RequestError::Anomaly { .. },
                ..
            }
        ),
        "{e}"
    );
}
