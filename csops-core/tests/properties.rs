//! Invariants of the workflow over random command sequences from random actors (issue #2):
//! (a) one workflow label matching the state after every accepted step (none for New),
//! (b) a rejected command changes nothing, (c) replay(history) == request, (d) JSON round-trip
//! is identity, (e) no actor without a role the table names gets a transition accepted (checked
//! against `TRANSITIONS` with this file's own reading of the roles, not the engine's guard code),
//! (f) applying the returned label effects to the old labels gives the new labels; and the
//! flow of the request so walked (SPEC §6) counts it once a day, in the state it had reached.

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

use csops_core::Directory;
use csops_core::label::Taxonomy;
use csops_core::report::FlowWindow;
use csops_core::routing::Workstream;
use csops_core::workflow::{
    Checklist, Command, CommandKind, Handbook, LeadBriefing, Party, Request, TRANSITIONS, Workflow,
};
use csops_core::{Role, State};

const PEOPLE: [&str; 9] = [
    "lena", "dev", "sam", "omar", "pat", "gia", "ann", "rita", "zed",
];

fn directory() -> Directory {
    Directory::from_json(
        r#"{"lena": ["workstream_lead:Gainsight"], "dev": ["workstream_lead:Digital"],
            "sam": ["workstream_lead:Scale", "cs_ops"], "omar": ["cs_ops"], "pat": ["cs_ops"],
            "gia": ["cs_ops", "gainsight_admin"], "ann": []}"#,
    )
    .unwrap()
}

fn person() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        3 => prop::sample::select(&PEOPLE[..]).prop_map(|p| Some(p.to_owned())),
        1 => Just(None),
        1 => Just(Some(String::new())),
    ]
}

fn text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![4 => Just(Some("some text".to_owned())), 1 => Just(Some("  ".to_owned())), 1 => Just(None)]
}

fn weight() -> impl Strategy<Value = Option<i64>> {
    prop_oneof![2 => Just(None), 3 => prop::sample::select(vec![1i64, 3, 5, 7]).prop_map(Some), 1 => (-2i64..10).prop_map(Some)]
}

fn hours() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![4 => Just(None), 1 => prop::sample::select(vec![0.5, 2.5, 3.0, 6.9, 7.5, 0.0, -1.0]).prop_map(Some)]
}

fn workstream() -> impl Strategy<Value = Option<Workstream>> {
    prop_oneof![
        1 => Just(None),
        3 => prop::sample::select(vec![Workstream::Gainsight, Workstream::Digital, Workstream::Scale, Workstream::Analytics]).prop_map(Some),
    ]
}

fn checklist() -> impl Strategy<Value = Option<Checklist>> {
    let handbook = prop::option::of(prop::sample::select(vec![
        Handbook::Updated,
        Handbook::NotUpdated,
        Handbook::NotApplicable,
    ]));
    let briefing =
        prop::option::of(
            prop::sample::select(vec!["done", ""]).prop_map(|s| LeadBriefing {
                summary: s.to_owned(),
                next_steps: String::new(),
            }),
        );
    let full = (
        handbook,
        prop::option::of(any::<bool>()),
        prop::option::of(any::<bool>()),
        briefing,
    )
        .prop_map(|(h, g, s, l)| Checklist {
            handbook_updated: h,
            gainsight_changelog: g,
            stakeholders_communicated: s,
            lead_informed: l,
        });
    let complete = Just(Checklist {
        handbook_updated: Some(Handbook::Updated),
        gainsight_changelog: Some(true),
        stakeholders_communicated: Some(true),
        lead_informed: Some(LeadBriefing {
            summary: "s".into(),
            next_steps: "n".into(),
        }),
    });
    prop_oneof![2 => complete.prop_map(Some), 2 => full.prop_map(Some), 1 => Just(None)]
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        workstream().prop_map(|workstream| Command::Triage { workstream }),
        text().prop_map(|question| Command::RequestInfo { question }),
        text().prop_map(|answer| Command::ProvideInfo { answer }),
        Just(Command::Resume),
        text().prop_map(|reason| Command::Decline { reason }),
        text().prop_map(|team| Command::Transfer { team }),
        Just(Command::Defer),
        Just(Command::MarkUnassigned),
        (weight(), hours()).prop_map(|(weight, hours)| Command::Ready { weight, hours }),
        (person(), weight(), hours()).prop_map(|(assignee, weight, hours)| Command::Start {
            assignee,
            weight,
            hours
        }),
        Just(Command::Reprioritize),
        text().prop_map(|reason| Command::Block { reason }),
        Just(Command::Unblock),
        (person(), text()).prop_map(|(reviewer, summary)| Command::RequestReview {
            reviewer,
            summary,
            due: None
        }),
        text().prop_map(|comment| Command::RequestChanges { comment }),
        Just(Command::ApproveReview),
        text().prop_map(|reason| Command::WaiveReview { reason }),
        checklist().prop_map(|checklist| Command::Complete { checklist }),
        Just(Command::Return),
        Just(Command::Reopen),
    ]
}

/// JSON documents shaped like requests, commands and configurations, with wrong types and
/// odd values mixed in.
fn json_like() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just(serde_json::json!(null)),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        (-1e12f64..1e12).prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "",
            "::",
            "CSOps::Triage",
            "2026-01-05T09:00:00Z",
            "Gainsight",
            "cs_ops",
            "triage",
            "not_applicable"
        ])
        .prop_map(serde_json::Value::from),
    ];
    let keys = prop::sample::select(vec![
        "id",
        "author",
        "labels",
        "created_at",
        "workflow_state",
        "history",
        "type",
        "weight",
        "hours",
        "checklist",
        "workstream",
        "sla",
        "routing",
        "labels.workflow",
        "state",
        "milestone",
        "lena",
    ]);
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
    .prop_map(|v| v.to_string())
}

fn initial_request() -> impl Strategy<Value = Request> {
    let workflow_label = prop::sample::select(vec![
        None,
        Some("CSOps::New"),
        Some("CSOps::Planning"),
        Some("CSOps::Ready_for_Assignment"),
        Some("CSOps::In Process"),
        Some("CS Ops::Awaiting Feedback"),
        Some("CSOps::Transferred"),
        Some("CSOps::Won’t Do"),
        Some("CSOPs::Completed"),
        Some("CSOps::Backlog"),
    ]);
    let team = prop::sample::select(vec![
        vec![],
        vec!["Gainsight"],
        vec!["CS Programs"],
        vec!["CSOps - Scale"],
        vec!["Gainsight", "CS Programs"],
    ]);
    let kind = prop::sample::select(vec!["gainsight_rule", "report", "dashboard", "other"]);
    let assignee = prop::sample::select(vec![None, Some("omar"), Some("gia")]);
    (workflow_label, team, kind, assignee).prop_map(|(wl, team, kind, assignee)| {
        let mut labels: Vec<&str> = vec!["CSOps", "team::x"];
        labels.extend(team);
        labels.extend(wl);
        let json = serde_json::json!({
            "id": 1, "title": "t", "author": "rita", "labels": labels, "change_kind": kind,
            "assignee": assignee, "reviewer": if assignee.is_some() { Some("pat") } else { None },
            "created_at": "2026-01-05T09:00:00Z",
        });
        Workflow::with_directory(directory())
            .load_request(&json.to_string())
            .unwrap()
    })
}

/// The random material of one step. Most steps are *targeted*: the command is one the table
/// allows in the request's current state, and usually the actor holds one of its roles; the
/// rest are fully random. (Generation may read the table; the invariants below do not trust it.)
#[derive(Debug, Clone)]
struct RawStep {
    targeted: bool,
    pick: usize,
    right_actor: bool,
    actor: String,
    random: Command,
    workstream: Option<Workstream>,
    text: Option<String>,
    weight: Option<i64>,
    hours: Option<f64>,
    person: Option<String>,
    checklist: Option<Checklist>,
    minutes: i64,
}

fn steps() -> impl Strategy<Value = Vec<RawStep>> {
    let raw = (
        (
            prop::bool::weighted(0.8),
            any::<usize>(),
            prop::bool::weighted(0.75),
        ),
        (
            prop::sample::select(&PEOPLE[..]).prop_map(str::to_owned),
            command(),
        ),
        (
            workstream(),
            text(),
            weight(),
            hours(),
            person(),
            checklist(),
        ),
        prop_oneof![1 => -120i64..0, 9 => 0i64..3000],
    )
        .prop_map(
            |(
                (targeted, pick, right_actor),
                (actor, random),
                (workstream, text, weight, hours, person, checklist),
                minutes,
            )| RawStep {
                targeted,
                pick,
                right_actor,
                actor,
                random,
                workstream,
                text,
                weight,
                hours,
                person,
                checklist,
                minutes,
            },
        );
    prop::collection::vec(raw, 1..40)
}

/// Turns raw material into (command, actor) for the request as it is now.
fn realize(dir: &Directory, req: &Request, raw: &RawStep) -> (Command, String) {
    let rules: Vec<_> = TRANSITIONS
        .iter()
        .filter(|r| r.from.contains(req.state()))
        .collect();
    if !raw.targeted || rules.is_empty() {
        return (raw.random.clone(), raw.actor.clone());
    }
    let rule = rules[raw.pick % rules.len()];
    let party = rule.who[raw.pick / rules.len() % rule.who.len()];
    let ws = req.workstream().or(raw.workstream);
    let right: Option<String> = match party {
        Party::Lead => ws.and_then(|w| dir.lead_of(w)).map(str::to_owned),
        Party::Assignee => req.assignee().map(str::to_owned),
        Party::Requester => Some(req.author().to_owned()),
        Party::Reviewer => req.reviewer().map(str::to_owned),
        Party::SelfAssigningCsOps => Some(["omar", "pat", "gia", "sam"][raw.pick % 4].to_owned()),
    };
    let actor = if raw.right_actor {
        right.unwrap_or_else(|| raw.actor.clone())
    } else {
        raw.actor.clone()
    };
    let (t, p) = (raw.text.clone(), raw.person.clone());
    let cmd = match rule.command {
        CommandKind::Triage => Command::Triage {
            workstream: raw.workstream,
        },
        CommandKind::RequestInfo => Command::RequestInfo { question: t },
        CommandKind::ProvideInfo => Command::ProvideInfo { answer: t },
        CommandKind::Resume => Command::Resume,
        CommandKind::Decline => Command::Decline { reason: t },
        CommandKind::Transfer => Command::Transfer { team: t },
        CommandKind::Defer => Command::Defer,
        CommandKind::MarkUnassigned => Command::MarkUnassigned,
        CommandKind::Ready => Command::Ready {
            weight: raw.weight,
            hours: raw.hours,
        },
        CommandKind::Start => Command::Start {
            assignee: if party == Party::SelfAssigningCsOps && raw.right_actor {
                Some(actor.clone())
            } else {
                p
            },
            weight: raw.weight,
            hours: raw.hours,
        },
        CommandKind::Reprioritize => Command::Reprioritize,
        CommandKind::Block => Command::Block { reason: t },
        CommandKind::Unblock => Command::Unblock,
        CommandKind::RequestReview => Command::RequestReview {
            reviewer: p,
            summary: t,
            due: None,
        },
        CommandKind::RequestChanges => Command::RequestChanges { comment: t },
        CommandKind::ApproveReview => Command::ApproveReview,
        CommandKind::WaiveReview => Command::WaiveReview { reason: t },
        CommandKind::Complete => Command::Complete {
            checklist: raw.checklist.clone(),
        },
        CommandKind::Return => Command::Return,
        CommandKind::Reopen => Command::Reopen,
        CommandKind::Relabel => Command::Relabel,
    };
    (cmd, actor)
}

/// This test's own reading of SPEC §2's roles, for invariant (e).
fn actor_holds_a_role_of_the_table(
    dir: &Directory,
    req: &Request,
    cmd: &Command,
    actor: &str,
) -> bool {
    let Some(rule) = TRANSITIONS
        .iter()
        .find(|r| r.command == cmd.kind() && r.from.contains(req.state()))
    else {
        return false;
    };
    if !dir.knows(actor) && actor != req.author() {
        return false;
    }
    rule.who.iter().any(|party| match party {
        Party::Lead => {
            let ws = match (req.workstream(), cmd) {
                (Some(ws), _) => Some(ws),
                (None, Command::Triage { workstream }) => *workstream,
                _ => None,
            };
            ws.is_some_and(|ws| dir.has_role(actor, Role::WorkstreamLead(ws)))
        }
        Party::Assignee => req.assignee() == Some(actor),
        Party::Requester => req.author() == actor,
        Party::Reviewer => req.reviewer() == Some(actor),
        Party::SelfAssigningCsOps => {
            dir.has_role(actor, Role::CsOps)
                && match cmd {
                    Command::Start { assignee, .. } => assignee
                        .as_deref()
                        .is_none_or(|a| a.trim().is_empty() || a == actor),
                    _ => false,
                }
        }
    })
}

/// GitLab's own reading of the effects: remove the listed labels, then add each, dropping any
/// label of the same scope.
fn gitlab_apply(old: &[String], remove: &[String], add: &[String]) -> Vec<String> {
    let scope = |l: &str| l.rfind("::").map(|i| l[..i].to_owned());
    let mut out: Vec<String> = old
        .iter()
        .filter(|l| !remove.contains(l))
        .cloned()
        .collect();
    for a in add {
        if let Some(sc) = scope(a) {
            out.retain(|l| scope(l).as_deref() != Some(sc.as_str()));
        }
        if !out.contains(a) {
            out.push(a.clone());
        }
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn the_flow_counts_a_request_once_a_day_in_the_state_it_had_reached(
        initial in initial_request(),
        steps in steps(),
    ) {
        let dir = directory();
        let wf = Workflow::with_directory(dir.clone());
        let mut req = initial.clone();
        let mut now: DateTime<Utc> = initial.created_at();
        for raw in &steps {
            let (cmd, actor) = realize(&dir, &req, raw);
            now += Duration::minutes(raw.minutes);
            let _ = wf.apply(&mut req, cmd, &actor, now);
        }
        let history = req.history();
        let end = history
            .iter()
            .map(|s| s.at)
            .chain(req.closed_at())
            .chain([now, req.created_at()])
            .max()
            .unwrap();
        let window = FlowWindow::new(req.created_at().date_naive(), end).unwrap();
        let flow = wf.flow_report(std::slice::from_ref(&req), window).unwrap();
        let days: Vec<_> = flow.day_list().collect();
        prop_assert_eq!(flow.days.len(), days.len() * <State as strum::VariantArray>::VARIANTS.len());
        let last = *days.last().unwrap();
        for day in &days {
            let midnight = (*day + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap().and_utc();
            // A day ends before the next midnight; the last one ends at the report's time.
            let end_of_day = if *day == last { end } else { midnight - Duration::nanoseconds(1) };
            let total: usize = <State as strum::VariantArray>::VARIANTS
                .iter()
                .map(|s| flow.count(*day, *s))
                .sum();
            prop_assert_eq!(total, 1, "one request, counted once on {}", day);
            let reached = history
                .iter()
                .take_while(|s| s.at <= end_of_day)
                .last()
                .map_or_else(|| history.first().map_or(req.state(), |s| s.from), |s| s.to);
            prop_assert_eq!(flow.count(*day, reached), 1, "{} on {}", reached, day);
        }
        prop_assert_eq!(flow.count(last, req.state()), 1);
    }

    #[test]
    fn workflow_invariants(initial in initial_request(), steps in steps()) {
        let dir = directory();
        let wf = Workflow::with_directory(dir.clone());
        let taxonomy = Taxonomy::default_ref();
        let mut req = initial.clone();
        let mut now: DateTime<Utc> = initial.created_at();
        for raw in &steps {
            let (cmd, actor) = realize(&dir, &req, raw);
            now += Duration::minutes(raw.minutes);
            let before = req.clone();
            match wf.apply(&mut req, cmd.clone(), &actor, now) {
                Ok(t) => {
                    // (a)
                    let wl = taxonomy.workflow_labels(req.labels().iter());
                    if req.state() == State::New {
                        prop_assert!(wl.is_empty(), "New with {wl:?}");
                    } else {
                        prop_assert_eq!(wl.len(), 1, "labels {:?}", req.labels());
                        prop_assert_eq!(wl[0].1, req.state());
                        if t.from != t.to {
                            // A state change writes the canonical spelling; a same-state step
                            // (approval, waiver) leaves the label as the request carried it.
                            prop_assert_eq!(Some(wl[0].0), taxonomy.canonical(req.state()));
                        }
                    }
                    prop_assert_eq!(req.is_open(), req.state().is_open());
                    // (e)
                    prop_assert!(actor_holds_a_role_of_the_table(&dir, &before, &cmd, &actor),
                        "{actor} got {cmd:?} accepted in {}", before.state());
                    // (f)
                    let mut new: Vec<String> = req.labels().iter().map(str::to_owned).collect();
                    new.sort();
                    let strings = |l: &[csops_core::Name]| l.iter().map(|l| l.to_string()).collect::<Vec<_>>();
                    prop_assert_eq!(gitlab_apply(&strings(before.labels().as_slice()), &strings(&t.remove_labels), &strings(&t.add_labels)), new);
                    prop_assert_eq!(t.close, before.is_open() && !req.is_open());
                    prop_assert_eq!(t.reopen, !before.is_open() && req.is_open());
                    prop_assert!(t.notifications.iter().all(|n| n.to != actor));
                }
                Err(rejection) => {
                    // (b)
                    prop_assert_eq!(&req, &before);
                    prop_assert!(!rejection.problems.is_empty());
                    prop_assert_eq!(rejection.kind, rejection.problems[0].kind);
                    prop_assert!(rejection.problems.windows(2).all(|w| w[0].kind <= w[1].kind));
                }
            }
        }
        // (c)
        let replayed = wf.replay(&initial, req.history());
        prop_assert_eq!(replayed.as_ref(), Ok(&req));
        // (d)
        let json = req.to_json();
        let loaded = wf.load_request(&json);
        prop_assert_eq!(loaded.as_ref(), Ok(&req));
        let via_serde = serde_json::from_str::<Request>(&json).ok();
        prop_assert_eq!(via_serde.as_ref(), Some(&req));
    }

    #[test]
    fn label_events_reconstruct_the_history(initial in initial_request(), steps in steps()) {
        // A random command sequence, its accepted effects written as GitLab writes them
        // (resource label events by the actor at the step's time), read back: the same
        // state-changing history, the same time in each state, and no move off the table.
        use csops_core::gitlab::{self, AuditRule, EventLabel, LabelAction, LabelEvent, User};
        let dir = directory();
        let wf = Workflow::with_directory(dir.clone());
        let mut req = initial.clone();
        let mut now = initial.created_at();
        let mut events = Vec::new();
        for raw in &steps {
            let (cmd, actor) = realize(&dir, &req, raw);
            // Strictly later each step: one user's changes at one instant are one change.
            now += Duration::minutes(raw.minutes.max(1));
            if let Ok(t) = wf.apply(&mut req, cmd, &actor, now) {
                let event = |name: &csops_core::Name, action| LabelEvent {
                    user: User { username: actor.clone() },
                    created_at: now,
                    label: Some(EventLabel { name: name.to_string() }),
                    action,
                };
                events.extend(t.remove_labels.iter().map(|l| event(l, LabelAction::Remove)));
                events.extend(t.add_labels.iter().map(|l| event(l, LabelAction::Add)));
            }
        }
        let rec = gitlab::reconstruct(&wf, &req, &events).unwrap();
        // The same from the events' JSON text (the borrowed fast path).
        let text = serde_json::to_string(&events).unwrap();
        prop_assert_eq!(&gitlab::reconstruct_json(&wf, &req, &text).unwrap(), &rec);
        let moves = |h: &[csops_core::workflow::Step]| -> Vec<_> {
            h.iter()
                .filter(|s| s.from != s.to)
                .map(|s| (s.at, s.actor.clone(), s.from, s.to, s.command.kind()))
                .collect()
        };
        prop_assert_eq!(moves(rec.history()), moves(req.history()));
        prop_assert_eq!(rec.request.state(), req.state());
        let later = now + Duration::days(3);
        prop_assert_eq!(
            csops_core::sla::time_in_states(&rec.request, later).unwrap(),
            csops_core::sla::time_in_states(&req, later).unwrap()
        );
        prop_assert_eq!(wf.sla_breaches(&rec.request, later), wf.sla_breaches(&req, later));
        prop_assert!(rec.violations.iter().all(|v| !matches!(
            v.rule,
            AuditRule::InvalidTransition | AuditRule::TwoWorkflowLabels
        )), "{:?}", rec.violations);
    }

    #[test]
    fn check_answers_like_apply(initial in initial_request(), steps in steps()) {
        let dir = directory();
        let wf = Workflow::with_directory(dir.clone());
        let mut req = initial;
        let mut now = req.created_at();
        for raw in &steps {
            let (cmd, actor) = realize(&dir, &req, raw);
            now += Duration::minutes(raw.minutes);
            let dry = wf.check(&req, &cmd, &actor, now);
            prop_assert_eq!(dry, wf.apply(&mut req, cmd, &actor, now));
        }
    }

    #[test]
    fn text_inputs_never_panic(text in "\\PC{0,200}", json in json_like()) {
        // Arbitrary text and arbitrary JSON-shaped text reach every reader: each answers with a
        // value or a typed error, never a panic.
        for t in [&text, &json] {
            let _ = Request::from_json(t);
            let _ = Command::from_json(t);
            let _ = csops_core::Config::from_json(t);
            let _ = csops_core::Config::from_toml(t);
            let _ = Directory::from_json(t);
            let cfg = csops_core::Config::default();
            let _ = csops_core::gitlab::read_issue(t, &cfg);
            let _ = csops_core::gitlab::read_issues(t, &cfg);
            let _ = csops_core::gitlab::read_label_events(t);
            let _ = csops_core::gitlab::read_webhook(t);
        }
    }

    #[test]
    fn per_account_retention_equals_the_aggregate_form(
        accounts in prop::collection::vec((0u32..2_000_000, 0u32..3_000_000, any::<bool>()), 1..60),
    ) {
        use csops_core::metrics::{self, ArrMovement};
        // Whole-dollar ARRs, some accounts churned (B = 0), some new logos (A = 0).
        let start: Vec<f64> = accounts.iter().map(|(a, _, _)| f64::from(*a)).collect();
        let now: Vec<f64> = accounts.iter().map(|(a, b, churn)| if *churn && *a > 0 { 0.0 } else { f64::from(*b) }).collect();
        let mut m = ArrMovement { start_arr: 0.0, expansion: 0.0, contraction: 0.0, churned: 0.0 };
        for (a, b) in start.iter().zip(&now).filter(|(a, _)| **a > 0.0) {
            m.start_arr += a;
            if *b == 0.0 {
                m.churned += a;
            } else if b > a {
                m.expansion += b - a;
            } else {
                m.contraction += a - b;
            }
        }
        if m.start_arr > 0.0 {
            prop_assert_eq!(metrics::nrr_per_account(&start, &now), metrics::nrr(&m));
            prop_assert_eq!(metrics::grr_per_account(&start, &now), metrics::grr(&m));
        } else {
            prop_assert!(metrics::nrr_per_account(&start, &now).is_err());
        }
    }

    #[test]
    fn label_parsing_never_panics_and_keeps_text(s in "\\PC{0,40}") {
        match csops_core::Label::parse(&s) {
            Ok(l) => prop_assert_eq!(l.as_str(), s.as_str()),
            Err(_) => prop_assert!(s.chars().all(|c| c.is_whitespace() || c == ':')),
        }
    }

    #[test]
    fn aliases_in_any_case_and_separator_name_the_same_state(
        state in prop::sample::select(vec![State::NeedMoreInfo, State::ReadyForAssignment, State::InProcess, State::AwaitingFeedback, State::WontDo]),
        upper in any::<bool>(),
        sep in prop::sample::select(vec![" ", "_", "-"]),
    ) {
        let canonical = Taxonomy::default_ref().canonical(state).unwrap();
        let (scope, value) = canonical.rsplit_once("::").unwrap();
        let value = value.replace([' ', '_', '-'], sep);
        let value = if upper { value.to_uppercase() } else { value.to_lowercase() };
        let variant = format!("{}::{}", scope.to_lowercase(), value);
        prop_assert_eq!(Taxonomy::default_ref().state_of(&variant), Some(state));
    }
}
