//! The wording of one error of every kind, as a user reads it (issue 14): the input's name,
//! what was expected in user words, what was found; no Rust type names. The Python and C
//! surfaces check the same inputs (`csops-py/tests/test_error_wording.py`,
//! `csops-ffi/tests/c/workflow_test.c`).

use csops_core::health::{ScoreContext, Scorecard, Values};
use csops_core::workflow::Command;
use csops_core::{
    Config, Directory, Label, Request, Weight, Workflow, gitlab, metrics, routing, segment, sla,
};

#[test]
fn every_kind_reads_as_the_domain() {
    let card = Scorecard::default();
    let wf = Workflow::with_directory(
        Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}"#)
            .unwrap(),
    );
    let mut r = Request::from_json(
        r#"{"id": 101, "author": "rita", "labels": ["CSOps", "Gainsight"], "created_at": "2026-01-05T09:00:00Z"}"#,
    )
    .unwrap();
    let at = "2026-01-06T10:00:00Z".parse().unwrap();
    let cases: Vec<(String, &str)> = vec![
        (Command::from_json(r#"{"type": "ready", "weight": "3"}"#).unwrap_err().to_string(),
         r#"command is not valid: at `weight`: expected a whole number, found the text "3""#),
        (Command::from_json(r#"{"type": "triage", "wrkstream": "Digital"}"#).unwrap_err().to_string(),
         r#"command is not valid: at `wrkstream`: unknown field "wrkstream"; a triage command's fields are workstream"#),
        (Command::from_json(r#"{"type": "triag"}"#).unwrap_err().to_string(),
         r#"command is not valid: at `type`: unknown value "triag"; expected one of triage, request_info, provide_info, resume, decline, transfer, defer, mark_unassigned, ready, start, reprioritize, block, unblock, request_review, request_changes, approve_review, waive_review, complete, return, reopen, relabel"#),
        (Command::from_json(r#"{"workstream": "Digital"}"#).unwrap_err().to_string(),
         r#"command is not valid: at `type`: required, but missing"#),
        (Command::from_json("null").unwrap_err().to_string(),
         r#"command is not valid: expected an object, found null"#),
        (Command::from_json(r#"{"type": "triage", "workstream": "Scal`e"}"#).unwrap_err().to_string(),
         r#"command is not valid: at `workstream`: unknown value "Scal`e"; expected one of Digital, Gainsight, Scale, ROPS, Renewal Ops, RenewalOps, Product Usage Reporting, ProductUsageReporting, Analytics, Technical Writing, TechnicalWriting"#),
        (Command::from_json(r#"{"type": "ready", "weight": "see notes at line 4 column 2"}"#).unwrap_err().to_string(),
         r#"command is not valid: at `weight`: expected a whole number, found the text "see notes at line 4 column 2""#),
        (gitlab::read_label_events_by_issue(r#"{"101": [{"action": "add"}]}"#).unwrap_err().to_string(),
         r#"issue #101, label event [0]: user: required, but missing"#),
        (Command::from_json(r#"{"type": "triage""#).unwrap_err().to_string(),
         r#"command is not valid: not valid JSON: it ends too soon (line 1, column 17)"#),
        (Request::from_json(r#"{"id": 1, "author": "r", "created_at": "2026-13-05T09:00:00Z"}"#).unwrap_err().to_string(),
         r#"request is not valid: at `created_at`: expected a time like 2026-01-06T10:00:00Z (RFC 3339): a part of it is out of range (month 13, hour 25, …)"#),
        (Request::from_json(r#"{"id": 1, "author": "r", "created_at": "yesterday"}"#).unwrap_err().to_string(),
         r#"request is not valid: at `created_at`: expected a time like 2026-01-06T10:00:00Z (RFC 3339: a date, a time and a zone)"#),
        (Request::from_json(r#"{"author": "r", "created_at": "2026-01-05T09:00:00Z"}"#).unwrap_err().to_string(),
         r#"request is not valid: at `id`: required, but missing"#),
        (Request::from_json(r#"{"id": "7", "author": "r", "created_at": "2026-01-05T09:00:00Z"}"#).unwrap_err().to_string(),
         r#"request is not valid: at `id`: expected a whole number, 0 or more, found the text "7""#),
        (Request::from_json(r#"{"id": 1, "author": "r", "labels": ["CSOps::Triage", "CSOps::Blocked"], "created_at": "2026-01-05T09:00:00Z"}"#).unwrap_err().to_string(),
         r#"request 1 carries 2 workflow labels ("CSOps::Triage" = Triage, "CSOps::Blocked" = Blocked); a request has at most one"#),
        (Config::from_json(r#"{"slas": {}}"#).unwrap_err().to_string(),
         r#"JSON configuration: at `slas`: unknown field "slas"; the fields are labels, routing, review, sla"#),
        (Config::from_json(r#"{"sla": {"untriaged_days": "7"}}"#).unwrap_err().to_string(),
         r#"JSON configuration: at `sla.untriaged_days`: expected a whole number, 0 or more, found the text "7""#),
        (Config::from_toml("[sla]\nuntriaged_dayz = 3\n").unwrap_err().to_string(),
         r#"TOML configuration: at `sla.untriaged_dayz`: unknown field "untriaged_dayz"; the fields are untriaged_days, review_due_business_days, backlog_horizon_days"#),
        (Config::from_toml("[sla\n").unwrap_err().to_string(),
         r#"TOML configuration: not valid TOML: unclosed table, expected `]` (line 1, column 5)"#),
        (Directory::from_json(r#"{"lena": ["lead"]}"#).unwrap_err().to_string(),
         r#"person "lena" has unknown role "lead": roles are cs_ops, gainsight_admin and workstream_lead:<Workstream>"#),
        (Directory::from_json(r#"{"lena": "cs_ops"}"#).unwrap_err().to_string(),
         r#"directory is not valid JSON of the form {"person": ["role", ...]}: expected a list, found the text "cs_ops""#),
        (Label::parse("  ").unwrap_err().to_string(),
         r#"label "  " is not a label: a label needs text other than whitespace and `::`"#),
        (Weight::try_from(4).unwrap_err().to_string(),
         r#"weight 4 is not one of 1, 3, 5, 7"#),
        (routing::Workstream::parse("Support").unwrap_err().to_string(),
         r#"unknown workstream "Support": expected one of Digital, Gainsight, Scale, ROPS, ProductUsageReporting, Analytics, TechnicalWriting"#),
        (sla::parse_time("2026-01-06 10:00").unwrap_err().to_string(),
         r#""2026-01-06 10:00" is not a time like 2026-01-06T10:00:00Z (RFC 3339: a date, a time and a zone)"#),
        (metrics::nps(&[11]).unwrap_err().to_string(),
         r#"nps: answers[0] 11 is out of range: answers are integers 0-10"#),
        (Scorecard::from_json(r#"{"groups": []}"#).unwrap_err().to_string(),
         r#"scorecard: at `bands`: required, but missing"#),
        (Values::from_json(r#"{"license_utilization": [1]}"#).unwrap_err().to_string(),
         r#"measure "license_utilization": expected a number, a category (text), null, or {"value": …, "at": "2026-01-06"}"#),
        (card.segment_code("no_touch").unwrap_err().to_string(),
         r#"segment: unknown segment "no_touch"; the segments are Enterprise, Growth, Mid-Market, PubSec, SMB, Scale, Strategic, high_touch, mid_touch, tech_touch"#),
        (card.score(&Values::from_json(r#"{"licence_utilization": 3}"#).unwrap(), &ScoreContext::default()).unwrap_err().to_string(),
         r#"measure "licence_utilization": not a measure of the scorecard (measures: license_utilization, user_engagement, scm_adoption, ci_adoption, devsecops_adoption, cd_adoption, csm_sentiment, outcomes_achieved, nps_response, csat_response, days_since_last_touch)"#),
        (gitlab::read_issue(r#"{"iid": 3, "title": "t", "state": "opened", "created_at": "2026-01-01T00:00:00Z", "author": {"username": "a"}, "labels": [], "weight": -1}"#, &Config::default()).unwrap_err().to_string(),
         r#"issue: weight: expected a whole number, 0 or more, found -1"#),
        (gitlab::read_issues(r#"[{"iid": 32, "title": "t", "state": "opened", "created_at": "yesterday", "author": {"username": "a"}, "labels": []}]"#, &Config::default()).unwrap().errors[0].to_string(),
         r#"issue #32 (entry [0]): created_at: "yesterday" is not a GitLab timestamp (2016-01-04T15:31:51.081Z or 2017-09-15 16:52:00 UTC)"#),
        (gitlab::read_webhook(r#"{"object_kind": "push"}"#).unwrap_err().to_string(),
         r#"webhook: object_kind: "push" is not an Issue Hook (object_kind "issue")"#),
        (segment::Segmentation::from_json(r#"{"rulez": []}"#).unwrap_err().to_string(),
         r#"segmentation rules: at `rulez`: unknown field "rulez"; the only field is rules"#),
        (wf.apply(&mut r, Command::from_json(r#"{"type": "decline", "reason": "dup"}"#).unwrap(), "omar", at).unwrap_err().to_string(),
         r#"not_permitted: decline in New is for the lead of workstream Gainsight (lena); "omar" is not"#),
        (wf.apply(&mut r, Command::from_json(r#"{"type": "start"}"#).unwrap(), "omar", at).unwrap_err().to_string(),
         r#"invalid_transition: start does not apply to a request in New; it applies in Ready for Assignment, Unassigned, Backlog"#),
    ];
    for (got, want) in &cases {
        assert_eq!(got, want);
    }
    // No message speaks Rust.
    for (got, _) in &cases {
        for word in [
            "i64",
            "u64",
            "f64",
            "struct ",
            "enum ",
            "invalid type",
            "RFC 3339 time:",
            "`.`",
        ] {
            assert!(!got.contains(word), "{got}");
        }
    }
}
