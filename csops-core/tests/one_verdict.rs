//! One verdict per move (issue 30, SPEC §7): every move of the transition table, made by each
//! member of a cast, on requests of every change kind with and without a `Gainsight` label, is
//! judged the same by `apply`, by the audit of the issue's label events, by `decide_webhook`
//! and (for a completion) by the board. `apply` is given everything a tracker cannot show (the
//! command's inputs, a full checklist, the review's approval or waiver), so the only facts left
//! to judge are the ones all four see.

use chrono::{DateTime, Duration, Utc};
use csops_core::gitlab::{self, AuditRule};
use csops_core::report::AnomalyKind;
use csops_core::review::{ChangeKind, ReviewLevel};
use csops_core::workflow::{Command, CommandKind, RejectionKind, TRANSITIONS, Target};
use csops_core::{Directory, Request, State, Workflow};
use serde_json::{Value, json};

const CAST: [&str; 7] = ["lena", "omar", "carl", "gia", "ana", "rita", "zed"];

fn workflow() -> Workflow {
    Workflow::with_directory(
        Directory::from_json(
            r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"], "carl": ["cs_ops"],
                "gia": ["cs_ops", "gainsight_admin"], "ana": ["workstream_lead:Analytics"]}"#,
        )
        .unwrap(),
    )
}

fn t(hours: i64) -> DateTime<Utc> {
    "2026-01-05T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + Duration::hours(hours)
}

/// The command of a kind with every input it can carry; `weight` for `ready` / `start`.
fn command(kind: CommandKind, weight: bool) -> Command {
    let mut c = match kind {
        CommandKind::Triage => json!({"workstream": "Gainsight"}),
        CommandKind::RequestInfo => json!({"question": "which rule?"}),
        CommandKind::ProvideInfo => json!({"answer": "the CTA one"}),
        CommandKind::Decline | CommandKind::Block | CommandKind::WaiveReview => {
            json!({"reason": "because"})
        }
        CommandKind::Transfer => json!({"team": "Sales Ops"}),
        CommandKind::Ready => json!({}),
        CommandKind::Start => json!({"assignee": "omar"}),
        CommandKind::RequestReview => json!({"reviewer": "gia", "summary": "done"}),
        CommandKind::RequestChanges => json!({"comment": "one more"}),
        CommandKind::Complete => json!({"checklist": {
            "handbook_updated": true, "gainsight_changelog": true,
            "stakeholders_communicated": true,
            "lead_informed": {"summary": "shipped", "next_steps": "none"}}}),
        _ => json!({}),
    };
    if weight && matches!(kind, CommandKind::Ready | CommandKind::Start) {
        c["weight"] = json!(3);
    }
    c["type"] = json!(kind.to_string());
    Command::from_json(&c.to_string()).unwrap()
}

/// The steps that bring a new request to `state`, by the people whose move each is, with what
/// a tracker does not show done on the way (a recommended review waived; a review approved).
fn path_to(state: State, level: ReviewLevel) -> Vec<(CommandKind, &'static str)> {
    use CommandKind::*;
    let in_process = {
        let mut p = vec![(Triage, "lena"), (Ready, "lena"), (Start, "lena")];
        if level == ReviewLevel::Recommended {
            p.push((WaiveReview, "omar"));
        }
        p
    };
    let with = |mut p: Vec<(CommandKind, &'static str)>, more: &[(CommandKind, &'static str)]| {
        p.extend_from_slice(more);
        p
    };
    match state {
        State::New => vec![],
        State::Triage => vec![(Triage, "lena")],
        State::NeedMoreInfo => with(in_process, &[(RequestInfo, "omar")]),
        State::ReadyForAssignment => vec![(Triage, "lena"), (Ready, "lena")],
        State::Unassigned => vec![(Triage, "lena"), (MarkUnassigned, "lena")],
        State::Backlog => vec![(Triage, "lena"), (Defer, "lena")],
        State::InProcess => in_process,
        State::Blocked => with(in_process, &[(Block, "omar")]),
        State::AwaitingFeedback => with(
            in_process,
            &[(RequestReview, "omar"), (ApproveReview, "gia")],
        ),
        State::Monitoring => vec![(Triage, "lena"), (Transfer, "lena")],
        State::WontDo => vec![(Triage, "lena"), (Decline, "lena")],
        State::Completed => with(
            in_process,
            &[
                (RequestReview, "omar"),
                (ApproveReview, "gia"),
                (Complete, "omar"),
            ],
        ),
    }
}

fn label(wf: &Workflow, state: State) -> Option<String> {
    wf.taxonomy().canonical_name(state).map(|n| n.to_string())
}

/// A state's workflow label as a person may spell it on the tracker: an alias of SPEC §1 where
/// the state has one (some in another GitLab scope than the canonical label), else canonical.
fn spelled(wf: &Workflow, state: State, alias: bool) -> Option<String> {
    let other = match state {
        State::Triage => "CSOps::Planning",
        State::InProcess => "CSOps::In Process",
        State::AwaitingFeedback => "CS Ops::Awaiting Feedback",
        State::Monitoring => "CSOps::Transferred",
        State::WontDo => "CSOps::Won’t Do",
        State::Completed => "CSOPs::Completed",
        _ => return label(wf, state),
    };
    if alias {
        Some(other.to_owned())
    } else {
        label(wf, state)
    }
}

/// The issue as a tracker shows it after a move to `to` (made or not by the engine): the
/// request's labels with the workflow label moved, and the fields the command sets.
fn issue_after(
    wf: &Workflow,
    before: &Request,
    to: State,
    kind: CommandKind,
    weight: bool,
    alias: bool,
) -> Value {
    let mut labels: Vec<String> = before
        .labels()
        .iter()
        .filter(|l| wf.taxonomy().state_of(l).is_none())
        .map(str::to_owned)
        .collect();
    labels.extend(spelled(wf, to, alias));
    let mut assignees: Vec<String> = before.assignees().map(str::to_owned).collect();
    if kind == CommandKind::Start && assignees.is_empty() {
        assignees.push("omar".to_owned());
    }
    let weight = before
        .weight()
        .map(i64::from)
        .or((weight && matches!(kind, CommandKind::Ready | CommandKind::Start)).then_some(3));
    json!({
        "id": before.id(), "title": "t", "author": "rita", "created_at": before.created_at(),
        "labels": labels, "assignees": assignees, "weight": weight,
        "workstream": "Gainsight", "change_kind": before.change_kind(),
        // A tracker does not show who was asked to review; the request names them.
        "reviewer": before.reviewer(),
        "state": if to.is_open() { "open" } else { "closed" },
    })
}

/// The label events of a request's history and of one more move (its label spelled as an
/// alias when `alias`).
fn events(
    wf: &Workflow,
    req: &Request,
    last: (State, State, &str, DateTime<Utc>),
    alias: bool,
) -> String {
    let mut out = Vec::new();
    let moves = req
        .history()
        .iter()
        .filter(|s| s.from != s.to)
        .map(|s| (s.from, s.to, &*s.actor, s.at, false))
        .chain([(last.0, last.1, last.2, last.3, alias)]);
    for (from, to, actor, at, alias) in moves {
        let at = at.to_rfc3339();
        for (l, action) in [(spelled(wf, to, alias), "add"), (label(wf, from), "remove")] {
            if let Some(l) = l {
                out.push(json!({"user": {"username": actor}, "created_at": at,
                                "label": {"name": l}, "action": action}));
            }
        }
    }
    Value::Array(out).to_string()
}

fn hook(before: &Request, after: &Value, actor: &str, at: DateTime<Utc>) -> String {
    let titles = |labels: Vec<String>| -> Vec<Value> {
        labels.into_iter().map(|l| json!({"title": l})).collect()
    };
    let previous: Vec<String> = before.labels().iter().map(str::to_owned).collect();
    let current: Vec<String> = serde_json::from_value(after["labels"].clone()).unwrap();
    json!({
        "object_kind": "issue", "user": {"username": actor},
        "object_attributes": {"iid": before.id(), "title": "t",
            "state": if after["state"] == "open" { "opened" } else { "closed" },
            "created_at": before.created_at(), "weight": after["weight"]},
        "assignees": after["assignees"].as_array().unwrap().iter()
            .map(|a| json!({"username": a})).collect::<Vec<_>>(),
        "labels": titles(current.clone()),
        "changes": {"updated_at": {"current": at.to_rfc3339()},
                    "labels": {"previous": titles(previous), "current": titles(current)}}
    })
    .to_string()
}

#[test]
fn apply_the_audit_the_webhook_and_the_board_give_one_verdict_on_every_move() {
    let wf = workflow();
    let mut judged = 0;
    let mut refused = 0;
    let kinds = [
        ChangeKind::Other,
        ChangeKind::Report,
        ChangeKind::GainsightRule,
        ChangeKind::Unknown,
    ];
    for change_kind in kinds {
        for gainsight in [false, true] {
            let mut labels = vec!["CSOps"];
            if gainsight {
                labels.push("Gainsight");
            }
            let fresh = wf
                .load(
                    &json!({"id": 30, "title": "t", "author": "rita", "created_at": t(0),
                    "labels": labels, "workstream": "Gainsight", "change_kind": change_kind}),
                )
                .unwrap();
            let level = wf.review_level(&fresh);
            for rule in TRANSITIONS {
                let Target::To(to) = rule.to else { continue };
                for from in rule.from.iter().filter(|f| *f != to) {
                    let mut before = fresh.clone();
                    let mut clock = 0;
                    for (kind, actor) in path_to(from, level) {
                        clock += 1;
                        wf.apply(&mut before, command(kind, true), actor, t(clock))
                            .unwrap_or_else(|e| panic!("reaching {from}: {kind} by {actor}: {e}"));
                    }
                    assert_eq!(before.state(), from);
                    let at = t(clock + 1);
                    for (weight, alias) in [(true, false), (false, false), (true, true)] {
                        for actor in CAST {
                            let case = format!(
                                "{from} -> {to} ({}) by {actor}, {change_kind}, Gainsight label {gainsight}, weight given {weight}, alias {alias}",
                                rule.command
                            );
                            let mut applied = before.clone();
                            let verdict =
                                wf.apply(&mut applied, command(rule.command, weight), actor, at);

                            let after = issue_after(&wf, &before, to, rule.command, weight, alias);
                            let issue: Request = wf.load(&after).unwrap();
                            let audit = gitlab::reconstruct_json(
                                &wf,
                                &issue,
                                &events(&wf, &before, (from, to, actor, at), alias),
                            )
                            .unwrap_or_else(|e| panic!("{case}: {e}"));
                            let last = audit.history().len() - 1;
                            let broken: Vec<AuditRule> = audit
                                .violations
                                .iter()
                                .filter(|v| v.step == Some(last))
                                .map(|v| v.rule)
                                .collect();
                            assert!(
                                audit.violations.iter().all(|v| v.step == Some(last)),
                                "{case}: the way there broke a rule: {:?}",
                                audit.violations
                            );

                            let hook =
                                gitlab::read_webhook(&hook(&before, &after, actor, at)).unwrap();
                            let decision = gitlab::decide_webhook(&wf, &hook, &before).unwrap();

                            assert_eq!(
                                verdict.is_ok(),
                                broken.is_empty(),
                                "{case}: apply says {:?}, the audit {broken:?}",
                                verdict.as_ref().map(|_| ()).map_err(|e| e.to_string())
                            );
                            assert_eq!(
                                decision.allowed,
                                verdict.is_ok(),
                                "{case}: the webhook says {:?}",
                                decision.violations
                            );
                            assert_eq!(decision.command, Some(rule.command), "{case}");
                            // An allowed move is left as the person spelled it: GitLab is
                            // told only what the move's effects add besides its label.
                            if decision.allowed {
                                let p = &decision.rest_params;
                                assert_eq!(p.remove_labels, None, "{case}");
                                assert!(
                                    p.add_labels
                                        .iter()
                                        .all(|l| wf.taxonomy().state_of(l).is_none()),
                                    "{case}: {p:?}"
                                );
                            }

                            if from == State::InProcess && to == State::Completed {
                                let flagged = wf
                                    .anomalies(&audit.request)
                                    .iter()
                                    .any(|a| a.kind == AnomalyKind::CompletedWithoutReview);
                                let review_refused = verdict.as_ref().err().is_some_and(|e| {
                                    e.problems
                                        .iter()
                                        .any(|p| p.kind == RejectionKind::ReviewRequired)
                                });
                                assert_eq!(flagged, review_refused, "{case}: the board");
                                assert_eq!(
                                    broken.contains(&AuditRule::SkippedPeerReview),
                                    review_refused,
                                    "{case}"
                                );
                            }
                            judged += 1;
                            refused += usize::from(verdict.is_err());
                        }
                    }
                }
            }
        }
    }
    // Every move was judged, and both verdicts occur.
    assert!(
        judged > 1000 && refused > 0 && refused < judged,
        "{judged} {refused}"
    );
}

#[test]
fn a_stated_change_kind_decides_and_an_unknown_one_reads_the_labels() {
    // The issue's own example: `other` with a `Gainsight` label completes from In Process
    // everywhere; the same issue read from GitLab (kind unknown) needs the review everywhere.
    let wf = workflow();
    for (kind, allowed) in [(ChangeKind::Other, true), (ChangeKind::Unknown, false)] {
        let mut req = wf
            .load(
                &json!({"id": 31, "title": "t", "author": "rita", "created_at": t(0),
                "labels": ["CSOps", "Gainsight"], "workstream": "Gainsight", "change_kind": kind}),
            )
            .unwrap();
        for (i, (k, actor)) in path_to(State::InProcess, ReviewLevel::Optional)
            .into_iter()
            .enumerate()
        {
            wf.apply(&mut req, command(k, true), actor, t(i as i64 + 1))
                .unwrap();
        }
        let seen = wf.check_move(&req, State::InProcess, State::Completed, "omar", t(9));
        assert_eq!(seen.allowed(), allowed, "{kind}");
        let applied = wf.apply(&mut req, command(CommandKind::Complete, true), "omar", t(9));
        assert_eq!(applied.is_ok(), allowed, "{kind}");
    }
}

/// The command of a choice, carrying exactly the inputs the choice lists.
fn carrying(kind: CommandKind, inputs: &[csops_core::workflow::Problem]) -> Command {
    let mut c = json!({"type": kind.to_string()});
    for p in inputs {
        let field = p.missing().expect("an input names its field");
        match field {
            "workstream" => c["workstream"] = json!("Gainsight"),
            "weight" => c["weight"] = json!(3),
            "assignee" => c["assignee"] = json!("omar"),
            "reviewer" => c["reviewer"] = json!("gia"),
            "handbook" => c["checklist"]["handbook_updated"] = json!(true),
            "gainsight_changelog" => c["checklist"]["gainsight_changelog"] = json!(true),
            "stakeholders" => c["checklist"]["stakeholders_communicated"] = json!(true),
            "lead_informed" => c["checklist"]["lead_informed"] = json!({"summary": "done"}),
            text => c[text] = json!("some words"),
        }
    }
    Command::from_json(&c.to_string()).unwrap()
}

#[test]
fn a_choice_is_open_exactly_when_apply_accepts_it_with_its_inputs() {
    let wf = workflow();
    let mut open = 0;
    for change_kind in [
        ChangeKind::Other,
        ChangeKind::Report,
        ChangeKind::GainsightRule,
    ] {
        let fresh = wf
            .load(
                &json!({"id": 32, "title": "t", "author": "rita", "created_at": t(0),
                "labels": ["CSOps"], "workstream": "Gainsight", "change_kind": change_kind}),
            )
            .unwrap();
        let level = wf.review_level(&fresh);
        for state in <State as strum::VariantArray>::VARIANTS {
            let mut req = fresh.clone();
            let mut clock = 0;
            for (kind, actor) in path_to(*state, level) {
                clock += 1;
                wf.apply(&mut req, command(kind, true), actor, t(clock))
                    .unwrap();
            }
            let at = t(clock + 1);
            for actor in CAST {
                let choices = wf.choices(&req, actor, at);
                let rows: Vec<CommandKind> = TRANSITIONS
                    .iter()
                    .filter(|r| r.from.contains(*state))
                    .map(|r| r.command)
                    .collect();
                let offered: Vec<CommandKind> = choices.iter().map(|c| c.command).collect();
                assert_eq!(offered, rows, "{state}, {actor}");
                for choice in choices {
                    let case = format!("{} from {state} by {actor}, {change_kind}", choice.command);
                    assert!(
                        choice.inputs.iter().all(|p| p.reason.carried_by_command()),
                        "{case}"
                    );
                    assert_eq!(choice.open, choice.unmet.is_empty(), "{case}");
                    let mut applied = req.clone();
                    let answer = wf.apply(
                        &mut applied,
                        carrying(choice.command, &choice.inputs),
                        actor,
                        at,
                    );
                    assert_eq!(
                        answer.is_ok(),
                        choice.open,
                        "{case}: {:?} / {:?}",
                        answer.map(|_| ()),
                        choice.unmet
                    );
                    if let Ok(t) = answer {
                        assert_eq!(t.to, choice.to, "{case}");
                    }
                    open += usize::from(choice.open);
                }
            }
        }
    }
    assert!(open > 50, "{open}");
}

#[test]
fn paths_follow_the_table_and_the_shortest_is_shortest() {
    use csops_core::workflow::{rule_between, shortest_path, simple_paths};
    use strum::VariantArray;
    for from in State::VARIANTS {
        for to in State::VARIANTS {
            let all = simple_paths(*from, *to);
            let shortest = shortest_path(*from, *to);
            assert_eq!(shortest.is_some(), !all.is_empty(), "{from} -> {to}");
            for path in &all {
                let mut at = *from;
                let mut seen = vec![at];
                for m in path {
                    assert_eq!(m.from, at, "{from} -> {to}: {path:?}");
                    assert_eq!(
                        rule_between(m.from, m.to).map(|r| r.command),
                        Some(m.command)
                    );
                    assert!(
                        !seen.contains(&m.to),
                        "{from} -> {to}: a state twice: {path:?}"
                    );
                    seen.push(m.to);
                    at = m.to;
                }
                assert_eq!(at, *to);
            }
            // Distinct, and shortest first.
            let unique: std::collections::HashSet<&Vec<_>> = all.iter().collect();
            assert_eq!(unique.len(), all.len());
            assert!(all.windows(2).all(|w| w[0].len() <= w[1].len()));
            if let Some(s) = shortest {
                assert_eq!(s.len(), all[0].len(), "{from} -> {to}");
                assert!(all.contains(&s));
            }
        }
    }
    // New reaches every state; nothing leads back to New.
    for s in State::VARIANTS {
        assert!(shortest_path(State::New, *s).is_some(), "{s}");
    }
    assert!(shortest_path(State::Triage, State::New).is_none());
}
