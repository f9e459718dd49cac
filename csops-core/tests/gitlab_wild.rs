//! The wild GitLab export (`examples/gitlab-wild`, written by `scripts/gitlab_wild.py`): a mixed
//! project whose CS Ops requests live among other teams' issues, with weights, labels, assignees
//! and events as GitLab holds them (SPEC §7). The audit reads every issue, leaves out those that
//! are not requests (and counts them), and reports exactly the problems planted in it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use csops_core::gitlab;
use csops_core::report::AnomalyKind;
use csops_core::{Config, Directory, Workflow};

fn read(name: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/gitlab-wild");
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn workflow() -> Workflow {
    Workflow::new(
        Directory::from_json(&read("directory.json")).unwrap(),
        Config::default(),
    )
    .unwrap()
}

fn planted() -> serde_json::Value {
    serde_json::from_str(&read("planted.json")).unwrap()
}

type Finding = (u64, String, Option<String>);

/// The violations planted, the undecided issues' two workflow labels among them.
fn planted_violations(p: &serde_json::Value) -> BTreeSet<Finding> {
    let listed = p["violations"].as_array().unwrap().iter().map(|v| {
        (
            v["iid"].as_u64().unwrap(),
            v["rule"].as_str().unwrap().to_owned(),
            v["actor"].as_str().map(str::to_owned),
        )
    });
    let undecided = p["undecided"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i.as_u64().unwrap(), "two_workflow_labels".to_owned(), None));
    listed.chain(undecided).collect()
}

#[test]
fn the_audit_reads_every_issue_and_reports_exactly_the_planted_problems() {
    let wf = workflow();
    let p = planted();
    let as_of = p["as_of"].as_str().unwrap().parse().unwrap();
    let out = gitlab::audit_export(
        &wf,
        &read("issues.json"),
        Some(&read("label_events.json")),
        as_of,
    )
    .unwrap();
    let s = &out.audit.summary;
    // Nothing GitLab wrote is refused.
    assert!(out.audit.errors.is_empty(), "{:?}", out.audit.errors);
    assert_eq!(s.errors, 0);
    // Every issue is either audited or counted as not a request.
    let total = p["issues"].as_u64().unwrap() as usize;
    let unmanaged = p["unmanaged"].as_u64().unwrap() as usize;
    assert!(unmanaged * 3 >= total, "at least a third is not CS Ops");
    assert_eq!((s.issues, s.unmanaged), (total - unmanaged, unmanaged));
    assert_eq!(out.board.unmanaged, unmanaged);

    let found: BTreeSet<Finding> = out
        .audit
        .issues
        .iter()
        .flat_map(|i| {
            i.violations
                .iter()
                .map(move |v| (i.iid, v.rule.to_string(), v.actor.clone()))
        })
        .collect();
    assert_eq!(found, planted_violations(&p));
    assert_eq!(s.violations.values().sum::<usize>(), found.len());

    let undecided: BTreeSet<u64> = out
        .audit
        .issues
        .iter()
        .filter(|i| i.state.is_none())
        .map(|i| i.iid)
        .collect();
    let expected: BTreeSet<u64> = p["undecided"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_u64().unwrap())
        .collect();
    assert_eq!(undecided, expected);

    // SLAs: only requests count, and a request's clock starts when it became one.
    let breaches: BTreeSet<(u64, String)> = out
        .board
        .sla_breaches
        .iter()
        .map(|b| (b.iid, b.kind.to_string()))
        .collect();
    let expected: BTreeSet<(u64, String)> = p["sla_breaches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["iid"].as_u64().unwrap(),
                b["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(breaches, expected);

    // The board lists what the issues hold now: the weights, the missing team label, the two
    // workflow labels, the closing by a bot.
    let anomalies: BTreeSet<(u64, AnomalyKind)> = out
        .board
        .anomalies
        .iter()
        .map(|a| (a.iid, a.kind))
        .collect();
    let from_planted: BTreeSet<(u64, AnomalyKind)> = planted_violations(&p)
        .into_iter()
        .map(|(iid, rule, _)| {
            let kind = match rule.as_str() {
                "invalid_weight" => AnomalyKind::InvalidWeight,
                "workflow_label_without_csops" => AnomalyKind::WorkflowLabelWithoutCsops,
                "two_workflow_labels" => AnomalyKind::TwoWorkflowLabels,
                "closed_without_outcome" => AnomalyKind::ClosedWithoutOutcome,
                other => panic!("no anomaly planted for {other}"),
            };
            (iid, kind)
        })
        .collect();
    assert_eq!(anomalies, from_planted);
}

#[test]
fn each_wild_issue_checks_without_an_error() {
    let wf = workflow();
    let issues: Vec<serde_json::Value> = serde_json::from_str(&read("issues.json")).unwrap();
    let mut managed = 0;
    for issue in issues {
        let check = gitlab::check_issue_from(&wf, &issue).unwrap();
        if check.managed {
            managed += 1;
        } else {
            assert!(check.consistent && check.anomalies.is_empty());
        }
    }
    let p = planted();
    assert_eq!(
        managed,
        p["issues"].as_u64().unwrap() - p["unmanaged"].as_u64().unwrap()
    );
}

/// An issue moved from another project keeps its label events, dated before its creation here
/// (SPEC §7: moved issues are read): its request is dated from the first of them, and its
/// history reconstructs in full.
#[test]
fn a_moved_issue_is_dated_from_its_first_event() {
    let wf = workflow();
    let p = planted();
    let iid = p["moved"][0].as_u64().unwrap();
    let issues: Vec<serde_json::Value> = serde_json::from_str(&read("issues.json")).unwrap();
    let issue = issues.into_iter().find(|i| i["iid"] == iid).unwrap();
    let events: serde_json::Value = serde_json::from_str(&read("label_events.json")).unwrap();
    let events = gitlab::read_label_events_from(&events[iid.to_string()].clone()).unwrap();
    let request = gitlab::read_issue_from(&issue, wf.config()).unwrap();
    let first = events.iter().map(|e| e.created_at).min().unwrap();
    assert!(first < request.created_at(), "the planted issue was moved");
    let r = gitlab::reconstruct(&wf, &request, &events).unwrap();
    assert_eq!(r.request.created_at(), first);
    assert_eq!(r.request.state(), csops_core::State::InProcess);
    assert_eq!(r.history().len(), 3);
    assert!(r.violations.is_empty(), "{:?}", r.violations);
}

/// SPEC §6: an audit as of a past date is the project as it stood that day. Every issue reads
/// (none is "before the request's last recorded change"), nothing after the date is known, and
/// each request's history is the full history's steps up to the date.
#[test]
fn an_audit_as_of_a_past_date_is_the_project_as_it_stood() {
    let wf = workflow();
    let issues_json = read("issues.json");
    let events_json = read("label_events.json");
    let now = planted()["as_of"].as_str().unwrap().parse().unwrap();
    let full = gitlab::audit_export(&wf, &issues_json, Some(&events_json), now).unwrap();
    let then: chrono::DateTime<chrono::Utc> = "2026-04-01T00:00:00Z".parse().unwrap();
    let past = gitlab::audit_export(&wf, &issues_json, Some(&events_json), then).unwrap();
    assert!(past.audit.errors.is_empty(), "{:?}", past.audit.errors);
    assert!(past.audit.summary.not_yet_created > 0);
    let not_yet_managed = past.audit.summary.unmanaged - full.audit.summary.unmanaged;
    assert_eq!(
        past.audit.summary.issues + past.audit.summary.not_yet_created + not_yet_managed,
        full.audit.summary.issues,
        "every request is audited, not yet created, or not yet a request"
    );
    // The board and the audit count the same requests: each was a request that day.
    assert_eq!(
        past.board.requests + past.board.undecided,
        past.audit.summary.issues
    );
    let mut changed = 0;
    for req in &past.audit.requests {
        assert!(req.created_at() <= then, "#{} created later", req.id());
        assert!(req.closed_at().is_none_or(|c| c <= then));
        assert!(req.history().iter().all(|s| s.at <= then));
        let now_req = full.audit.requests.iter().find(|r| r.id() == req.id());
        let Some(now_req) = now_req else { continue };
        let known: Vec<_> = now_req
            .history()
            .iter()
            .filter(|s| s.at <= then)
            .map(|s| (s.at, s.from, s.to))
            .collect();
        let seen: Vec<_> = req.history().iter().map(|s| (s.at, s.from, s.to)).collect();
        assert_eq!(seen, known, "#{}", req.id());
        changed += usize::from(now_req.history().len() != req.history().len());
    }
    assert!(changed > 0, "some request changed after the date");
    // The board and the flow are of the same day.
    assert_eq!(past.board.as_of, then);
    // As of a midnight: the last day of the flow is the day before.
    assert_eq!(past.flow.to, then.date_naive().pred_opt().unwrap());
    let last_day: usize = past
        .flow
        .days
        .iter()
        .filter(|c| c.day == past.flow.to)
        .map(|c| c.requests)
        .sum();
    assert_eq!(last_day, past.board.requests);
}
