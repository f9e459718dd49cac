//! Peer review (SPEC §4) and the closing checklist.

use super::*;

#[test]
fn review_request_rules() {
    let mut c = Case::gainsight("gainsight_connector");
    c.bring_in_process();
    let r = c.err("omar", r#"{"type":"request_review"}"#);
    assert_eq!(r.kind, RejectionKind::MissingInput);
    assert_eq!(r.missing().collect::<Vec<_>>(), ["reviewer", "summary"]);
    assert_eq!(
        c.err(
            "omar",
            r#"{"type":"request_review","reviewer":"zed","summary":"s"}"#
        )
        .kind,
        RejectionKind::UnknownPerson
    );
    assert_eq!(
        c.err(
            "omar",
            r#"{"type":"request_review","reviewer":"omar","summary":"s"}"#
        )
        .kind,
        RejectionKind::NotPermitted
    );
    // Required review: a gainsight_admin only.
    let r = c.err(
        "omar",
        r#"{"type":"request_review","reviewer":"pat","summary":"s"}"#,
    );
    assert_eq!(r.kind, RejectionKind::ReviewRequired);
    assert!(r.rule().contains("gainsight_admin"), "{}", r.rule());
    c.ok(
        "omar",
        r#"{"type":"request_review","reviewer":"gia","summary":"s"}"#,
    );
    assert_eq!(c.req.reviewer(), Some("gia"));
    // Only the reviewer approves or asks for changes.
    assert_eq!(
        c.err("omar", r#"{"type":"approve_review"}"#).kind,
        RejectionKind::NotPermitted
    );
    assert_eq!(
        c.err("gia", r#"{"type":"request_changes"}"#)
            .missing()
            .collect::<Vec<_>>(),
        ["comment"]
    );
    let tr = c.ok(
        "gia",
        r#"{"type":"request_changes","comment":"rename the field"}"#,
    );
    assert_eq!(tr.to, State::InProcess);
    assert_eq!(tr.notifications[0].to, "omar");
    // Back in process, the required review blocks completing directly.
    assert_eq!(c.err("omar", DONE).kind, RejectionKind::ReviewRequired);
    // And cannot be waived.
    let r = c.err("omar", r#"{"type":"waive_review","reason":"tiny"}"#);
    assert_eq!(r.kind, RejectionKind::ReviewRequired);
    assert!(r.rule().contains("never be waived"));
}

#[test]
fn a_recommended_review_is_approved_or_waived_and_optional_needs_neither() {
    let mut c = Case::gainsight("dashboard");
    c.bring_in_process();
    let r = c.err("omar", DONE);
    assert_eq!(
        (r.kind, r.missing().collect::<Vec<_>>()),
        (RejectionKind::ChecklistIncomplete, vec!["peer_review"])
    );
    c.ok(
        "omar",
        r#"{"type":"request_review","reviewer":"pat","summary":"s"}"#,
    );
    // Awaiting feedback: completion needs the reviewer's approval, whatever the level.
    assert_eq!(c.err("omar", DONE).kind, RejectionKind::ReviewRequired);
    c.ok("pat", r#"{"type":"approve_review"}"#);
    c.ok("omar", DONE);

    let mut c = Case::gainsight("report");
    c.bring_in_process();
    assert_eq!(
        c.err("omar", r#"{"type":"waive_review"}"#)
            .missing()
            .collect::<Vec<_>>(),
        ["reason"]
    );
    c.ok(
        "omar",
        r#"{"type":"waive_review","reason":"one-line change"}"#,
    );
    c.ok("omar", DONE);

    let mut c = Case::gainsight("other");
    c.bring_in_process();
    c.ok("omar", DONE);
}

#[test]
fn a_changes_request_undoes_an_earlier_waiver_or_approval() {
    let mut c = Case::gainsight("report");
    c.bring_in_process();
    c.ok(
        "omar",
        r#"{"type":"request_review","reviewer":"pat","summary":"s"}"#,
    );
    c.ok("pat", r#"{"type":"approve_review"}"#);
    c.ok(
        "pat",
        r#"{"type":"request_changes","comment":"one more thing"}"#,
    );
    assert_eq!(
        c.err("omar", DONE).missing().collect::<Vec<_>>(),
        ["peer_review"]
    );
}

#[test]
fn the_checklist_lists_everything_missing() {
    let mut c = Case::gainsight("other");
    c.bring_in_process();
    let r = c.err("omar", r#"{"type":"complete"}"#);
    assert_eq!(r.kind, RejectionKind::ChecklistIncomplete);
    assert_eq!(
        r.missing().collect::<Vec<_>>(),
        [
            "handbook",
            "gainsight_changelog",
            "stakeholders",
            "lead_informed"
        ]
    );
    assert_eq!(r.problems.len(), 4);
    let r = c.err(
        "omar",
        r#"{"type":"complete","checklist":{"handbook_updated":false,"gainsight_changelog":true,"stakeholders_communicated":true,"lead_informed":{"summary":" "}}}"#,
    );
    assert_eq!(
        r.missing().collect::<Vec<_>>(),
        ["handbook", "lead_informed"]
    );
}

#[test]
fn gainsight_changelog_only_for_gainsight_related_requests() {
    let mut c = Case::new(
        r#"{"id": 5, "author": "rita", "labels": ["CSOps::In_Process", "CS Analytics"], "assignee": "pat", "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    c.ok("pat", r#"{"type":"complete","checklist":{"handbook_updated":"not_applicable","stakeholders_communicated":true,"lead_informed":{"summary":"s"}}}"#);
    // A Gainsight change kind makes it Gainsight-related without the label.
    let mut c = Case::new(
        r#"{"id": 6, "author": "rita", "labels": ["CSOps::Monitoring", "CS Programs"], "change_kind": "gainsight_data_object",
            "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    let r = c.err("dev", r#"{"type":"complete","checklist":{"handbook_updated":true,"stakeholders_communicated":true,"lead_informed":{"summary":"s"}}}"#);
    assert_eq!(r.missing().collect::<Vec<_>>(), ["gainsight_changelog"]);
}
