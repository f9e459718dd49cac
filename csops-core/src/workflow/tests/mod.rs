//! Unit tests of the workflow engine: each rule of SPEC §2 and each rejection kind.

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::directory::Directory;
use crate::review::ChangeKind;
use crate::state::StateSet;

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn dir() -> Directory {
    Directory::from_json(
        r#"{
        "lena": ["workstream_lead:Gainsight"],
        "dev":  ["workstream_lead:Digital"],
        "sam":  ["workstream_lead:Scale", "cs_ops"],
        "omar": ["cs_ops"],
        "pat":  ["cs_ops"],
        "gia":  ["cs_ops", "gainsight_admin"],
        "ann":  []
    }"#,
    )
    .unwrap()
}

fn wf() -> Workflow {
    Workflow::with_directory(dir())
}

/// A request and a clock that advances an hour per step.
struct Case {
    wf: Workflow,
    req: Request,
    now: DateTime<Utc>,
}

impl Case {
    fn new(json: &str) -> Case {
        let wf = wf();
        let req = wf.load_request(json).unwrap();
        let now = req.created_at();
        Case { wf, req, now }
    }

    /// A Gainsight request (`change_kind`) in New, created 2026-01-05 09:00.
    fn gainsight(kind: &str) -> Case {
        Case::new(&format!(
            r#"{{"id": 1, "title": "t", "author": "rita", "labels": ["CSOps", "Gainsight"],
                "created_at": "2026-01-05T09:00:00Z", "change_kind": "{kind}"}}"#
        ))
    }

    fn cmd(json: &str) -> Command {
        Command::from_json(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    fn ok(&mut self, actor: &str, json: &str) -> Transition {
        self.now += Duration::hours(1);
        self.wf
            .apply(&mut self.req, Case::cmd(json), actor, self.now)
            .unwrap_or_else(|r| panic!("{actor} {json}: {r}"))
    }

    fn err(&mut self, actor: &str, json: &str) -> Rejection {
        self.now += Duration::hours(1);
        let before = self.req.clone();
        let r = self
            .wf
            .apply(&mut self.req, Case::cmd(json), actor, self.now)
            .expect_err(json);
        assert_eq!(self.req, before, "a rejection changed the request");
        r
    }

    fn bring_in_process(&mut self) {
        self.ok("lena", r#"{"type":"triage","workstream":"Gainsight"}"#);
        self.ok("lena", r#"{"type":"ready","weight":3}"#);
        self.ok("omar", r#"{"type":"start"}"#);
    }
}

const DONE: &str = r#"{"type":"complete","checklist":{"handbook_updated":true,"gainsight_changelog":true,
    "stakeholders_communicated":true,"lead_informed":{"summary":"done","next_steps":"none"}}}"#;

#[test]
fn happy_path_gainsight_rule_with_admin_review() {
    let mut c = Case::gainsight("gainsight_rule");
    c.bring_in_process();
    assert_eq!(c.req.assignee(), Some("omar"));
    assert_eq!(c.req.weight(), Some(Weight::Three));
    let tr = c.ok(
        "omar",
        r#"{"type":"request_review","reviewer":"gia","summary":"merged"}"#,
    );
    assert_eq!(
        tr.notifications[..],
        [Notification {
            to: "gia".into(),
            role: Party::Reviewer,
            why: CommandKind::RequestReview
        }]
    );
    let r = c.err("omar", DONE);
    assert_eq!(r.kind, RejectionKind::ReviewRequired);
    c.ok("gia", r#"{"type":"approve_review"}"#);
    let tr = c.ok("omar", DONE);
    assert!(tr.close);
    assert_eq!(tr.remove_labels, ["CSOps::Awaiting Feedback"]);
    assert_eq!(c.req.state(), State::Completed);
    assert!(!c.req.is_open());
    assert_eq!(c.req.closed_at(), Some(c.now));
    assert_eq!(c.req.history().len(), 6);
}

#[test]
fn triage_is_for_the_lead_of_the_request_or_named_workstream() {
    // Routed to Gainsight by its label: only Gainsight's lead triages, and may re-route.
    let mut c = Case::gainsight("other");
    assert_eq!(
        c.err("dev", r#"{"type":"triage","workstream":"Digital"}"#)
            .kind,
        RejectionKind::NotPermitted
    );
    assert_eq!(
        c.err("omar", r#"{"type":"triage"}"#).kind,
        RejectionKind::NotPermitted
    );
    c.ok("lena", r#"{"type":"triage","workstream":"Digital"}"#);
    assert_eq!(c.req.workstream(), Some(Workstream::Digital));
    // Now Digital's: Gainsight's lead is no longer the lead.
    assert_eq!(
        c.err("lena", r#"{"type":"defer"}"#).kind,
        RejectionKind::NotPermitted
    );
    c.ok("dev", r#"{"type":"defer"}"#);

    // Unroutable (two team labels that disagree): the lead of the named workstream triages.
    let mut c = Case::new(
        r#"{"id": 2, "author": "rita", "labels": ["CSOps", "CS Programs", "Gainsight"], "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    assert_eq!(c.req.workstream(), None);
    let r = c.err("lena", r#"{"type":"triage"}"#);
    assert_eq!(r.kind, RejectionKind::NotPermitted);
    assert!(r.problems.iter().any(|p| p.missing() == Some("workstream")));
    assert_eq!(
        c.err("lena", r#"{"type":"triage","workstream":"Digital"}"#)
            .kind,
        RejectionKind::NotPermitted
    );
    assert_eq!(
        c.err("lena", r#"{"type":"decline","reason":"no"}"#).kind,
        RejectionKind::NotPermitted
    );
    c.ok("dev", r#"{"type":"triage","workstream":"Digital"}"#);
}

#[test]
fn triage_of_a_routed_request_may_omit_the_workstream() {
    let mut c = Case::gainsight("other");
    let tr = c.ok("lena", r#"{"type":"triage"}"#);
    assert_eq!(tr.add_labels, ["CSOps::Triage"]);
    assert!(tr.remove_labels.is_empty());
    assert_eq!(c.req.workstream(), Some(Workstream::Gainsight));
    assert_eq!(tr.notifications[0].to, "rita");
}

#[test]
fn need_more_info_round_trip_and_who_may_answer() {
    let mut c = Case::gainsight("other");
    let r = c.err("lena", r#"{"type":"request_info","question":"  "}"#);
    assert_eq!(
        (r.kind, r.missing().collect::<Vec<_>>()),
        (RejectionKind::MissingInput, vec!["question"])
    );
    c.ok(
        "lena",
        r#"{"type":"request_info","question":"which report?"}"#,
    );
    assert_eq!(c.req.state(), State::NeedMoreInfo);
    assert_eq!(
        c.err("omar", r#"{"type":"provide_info","answer":"x"}"#)
            .kind,
        RejectionKind::NotPermitted
    );
    // The requester is not in the directory, and is not an unknown person.
    let tr = c.ok(
        "rita",
        r#"{"type":"provide_info","answer":"the renewal one"}"#,
    );
    assert_eq!(tr.to, State::Triage);
    assert_eq!(tr.notifications[0].to, "lena");
    // The lead may answer too.
    c.ok("lena", r#"{"type":"request_info","question":"q2"}"#);
    c.ok("lena", r#"{"type":"provide_info","answer":"a2"}"#);
    assert_eq!(c.req.state(), State::Triage);
}

#[test]
fn assignee_asks_from_in_process_and_resumes() {
    let mut c = Case::gainsight("other");
    c.bring_in_process();
    assert_eq!(
        c.err("lena", r#"{"type":"request_info","question":"q"}"#)
            .kind,
        RejectionKind::NotPermitted
    );
    c.ok("omar", r#"{"type":"request_info","question":"q"}"#);
    assert_eq!(
        c.err("lena", r#"{"type":"resume"}"#).kind,
        RejectionKind::NotPermitted
    );
    let tr = c.ok("omar", r#"{"type":"resume"}"#);
    assert_eq!(tr.to, State::InProcess);
    assert_eq!(tr.remove_labels, ["CSOps::Need_More_Info"]);
}

#[test]
fn resume_needs_an_assignee() {
    let mut c = Case::gainsight("other");
    c.ok("lena", r#"{"type":"request_info","question":"q"}"#);
    let r = c.err("omar", r#"{"type":"resume"}"#);
    assert_eq!(r.kind, RejectionKind::NotPermitted);
    assert!(
        r.problems
            .iter()
            .any(|p| p.kind == RejectionKind::MissingInput && p.missing() == Some("assignee"))
    );
}

#[test]
fn decline_from_every_open_state_closes_and_reopen_reopens() {
    for state in StateSet::OPEN.iter() {
        let label = Taxonomy::default_ref().canonical(state).unwrap_or("CSOps");
        let mut c = Case::new(&format!(
            r#"{{"id": 3, "author": "rita", "labels": ["CSOps", "{label}", "CS Analytics"], "created_at": "2026-01-05T09:00:00Z"}}"#
        ));
        let mut d = dir();
        d.add("ada", Role::WorkstreamLead(Workstream::Analytics))
            .unwrap();
        c.wf = Workflow::with_directory(d);
        assert_eq!(
            c.err("ada", r#"{"type":"decline"}"#)
                .missing()
                .collect::<Vec<_>>(),
            ["reason"]
        );
        let tr = c.ok("ada", r#"{"type":"decline","reason":"duplicate of #2"}"#);
        assert!(tr.close && !tr.reopen, "{state}");
        assert_eq!(
            c.req
                .labels()
                .iter()
                .filter(|l| l.starts_with("CSOps::"))
                .collect::<Vec<_>>(),
            ["CSOps::Won't Do"]
        );
        assert_eq!(
            c.err("ada", r#"{"type":"decline","reason":"again"}"#).kind,
            RejectionKind::InvalidTransition
        );
        let tr = c.ok("ada", r#"{"type":"reopen"}"#);
        assert!(tr.reopen && !tr.close);
        assert_eq!(tr.to, State::Triage);
        assert!(c.req.is_open());
        assert_eq!(c.req.closed_at(), None);
    }
}

#[test]
fn transfer_needs_a_team_and_monitoring_completes_without_review() {
    let mut c = Case::gainsight("gainsight_rule");
    assert_eq!(
        c.err("lena", r#"{"type":"transfer"}"#)
            .missing()
            .collect::<Vec<_>>(),
        ["team"]
    );
    let tr = c.ok("lena", r#"{"type":"transfer","team":"Sales Systems"}"#);
    assert_eq!(tr.add_labels, ["CSOps::Monitoring"]);
    // The assignee is nobody here; the lead completes with the checklist but no peer review,
    // even though the change kind requires one.
    let r = c.err(
        "lena",
        r#"{"type":"complete","checklist":{"handbook_updated":true}}"#,
    );
    assert_eq!(r.kind, RejectionKind::ChecklistIncomplete);
    assert_eq!(
        r.missing().collect::<Vec<_>>(),
        ["gainsight_changelog", "stakeholders", "lead_informed"]
    );
    c.ok("lena", DONE);
    assert_eq!(c.req.state(), State::Completed);
}

#[test]
fn monitoring_returns_to_triage() {
    let mut c = Case::gainsight("other");
    c.ok("lena", r#"{"type":"transfer","team":"SOPS"}"#);
    assert_eq!(
        c.err("omar", r#"{"type":"return"}"#).kind,
        RejectionKind::NotPermitted
    );
    let tr = c.ok("lena", r#"{"type":"return"}"#);
    assert_eq!(
        (tr.to, tr.remove_labels.clone()),
        (State::Triage, ["CSOps::Monitoring"].into_iter().collect())
    );
}

#[test]
fn backlog_and_unassigned_go_back_to_triage_or_start() {
    let mut c = Case::gainsight("other");
    c.ok("lena", r#"{"type":"defer"}"#);
    c.ok("lena", r#"{"type":"reprioritize"}"#);
    c.ok("lena", r#"{"type":"mark_unassigned"}"#);
    assert_eq!(c.req.state(), State::Unassigned);
    assert_eq!(
        c.err("lena", r#"{"type":"mark_unassigned"}"#).kind,
        RejectionKind::InvalidTransition
    );
    let r = c.err("lena", r#"{"type":"start","assignee":"pat"}"#);
    assert_eq!(
        (r.kind, r.missing().collect::<Vec<_>>()),
        (RejectionKind::MissingInput, vec!["weight"])
    );
    c.ok("lena", r#"{"type":"start","assignee":"pat","hours":4}"#);
    assert_eq!(c.req.weight(), Some(Weight::Five));
    assert_eq!(c.req.assignee(), Some("pat"));
}

#[test]
fn who_may_start_and_whom() {
    let mut c = Case::gainsight("other");
    c.ok("lena", r#"{"type":"triage"}"#);
    c.ok("lena", r#"{"type":"ready","weight":1}"#);
    // A cs_ops member may take it for themselves only.
    assert_eq!(
        c.err("omar", r#"{"type":"start","assignee":"pat"}"#).kind,
        RejectionKind::NotPermitted
    );
    // Someone who is neither lead nor cs_ops.
    assert_eq!(
        c.err("ann", r#"{"type":"start","assignee":"ann"}"#).kind,
        RejectionKind::NotPermitted
    );
    // The lead assigns only cs_ops members, and only people the directory knows.
    assert_eq!(
        c.err("lena", r#"{"type":"start","assignee":"ann"}"#).kind,
        RejectionKind::NotPermitted
    );
    assert_eq!(
        c.err("lena", r#"{"type":"start","assignee":"zed"}"#).kind,
        RejectionKind::UnknownPerson
    );
    assert_eq!(
        c.err("lena", r#"{"type":"start"}"#)
            .missing()
            .collect::<Vec<_>>(),
        ["assignee"]
    );
    let tr = c.ok("lena", r#"{"type":"start","assignee":"pat"}"#);
    assert_eq!(
        tr.notifications
            .iter()
            .map(|n| n.to.as_str())
            .collect::<Vec<_>>(),
        ["pat", "rita"]
    );
}

#[test]
fn weights_and_estimates_in_commands() {
    let mut c = Case::gainsight("other");
    c.ok("lena", r#"{"type":"triage"}"#);
    let cases = [
        (
            r#"{"type":"ready","weight":4}"#,
            RejectionKind::InvalidWeight,
        ),
        (
            r#"{"type":"ready","weight":0}"#,
            RejectionKind::InvalidWeight,
        ),
        (r#"{"type":"ready","hours":7.5}"#, RejectionKind::NeedsEpic),
        (
            r#"{"type":"ready","hours":-1}"#,
            RejectionKind::InvalidWeight,
        ),
        (
            r#"{"type":"ready","hours":0}"#,
            RejectionKind::InvalidWeight,
        ),
        (
            r#"{"type":"ready","weight":1,"hours":2}"#,
            RejectionKind::InvalidWeight,
        ),
        (r#"{"type":"ready"}"#, RejectionKind::MissingInput),
    ];
    for (json, kind) in cases {
        assert_eq!(c.err("lena", json).kind, kind, "{json}");
    }
    let r = c.err("lena", r#"{"type":"ready","weight":4}"#);
    assert_eq!(r.rule(), "weight 4 is not one of 1, 3, 5, 7");
    assert!(
        c.err("lena", r#"{"type":"ready","hours":9}"#)
            .rule()
            .contains("epic")
    );
    c.ok("lena", r#"{"type":"ready","weight":3,"hours":2.5}"#);
    assert_eq!(c.req.weight(), Some(Weight::Three));
}

#[test]
fn a_weight_set_before_is_enough() {
    let mut c = Case::new(
        r#"{"id": 4, "author": "rita", "labels": ["CSOps::Triage", "Gainsight"], "weight": 5, "created_at": "2026-01-05T09:00:00Z"}"#,
    );
    c.ok("lena", r#"{"type":"ready"}"#);
    c.ok("gia", r#"{"type":"start"}"#);
    assert_eq!(c.req.weight(), Some(Weight::Five));
}

#[test]
fn block_and_unblock_by_the_assignee_only() {
    let mut c = Case::gainsight("other");
    c.bring_in_process();
    assert_eq!(
        c.err("omar", r#"{"type":"block"}"#)
            .missing()
            .collect::<Vec<_>>(),
        ["reason"]
    );
    assert_eq!(
        c.err("lena", r#"{"type":"block","reason":"x"}"#).kind,
        RejectionKind::NotPermitted
    );
    let tr = c.ok(
        "omar",
        r#"{"type":"block","reason":"waiting for data export"}"#,
    );
    assert_eq!(tr.notifications[0].to, "lena");
    assert_eq!(
        c.err(
            "omar",
            r#"{"type":"request_review","reviewer":"gia","summary":"s"}"#
        )
        .kind,
        RejectionKind::InvalidTransition
    );
    assert_eq!(
        c.err("pat", r#"{"type":"unblock"}"#).kind,
        RejectionKind::NotPermitted
    );
    c.ok("omar", r#"{"type":"unblock"}"#);
    assert_eq!(c.req.state(), State::InProcess);
}

mod effects;
mod review;
