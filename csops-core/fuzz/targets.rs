//! The fuzz targets' bodies: one function per target, each taking the raw bytes libFuzzer
//! gives. Shared by the `cargo fuzz` binaries (`fuzz_targets/`) and by the normal suite
//! (`csops-core/tests/fuzz_regressions.rs`), which replays every input fuzzing ever broke.
//!
//! A target's input is UTF-8 text; targets that take several texts (a configuration, a request
//! and a time, say) read them as parts separated by NUL bytes, so the fuzzer mutates each and
//! the seeds are the project's samples joined by NULs. Every reader's error is an expected
//! outcome; what a target must never do is panic, loop or overflow the stack. Where a reader
//! accepts its input, the target goes on to the calls that use it (SLA, board, scoring,
//! journeys, audits): readers alone let the defects between reading and using through.

#![allow(dead_code)]

use chrono::{DateTime, NaiveDate, Utc};
use csops_core::gitlab;
use csops_core::health::{BacktestInput, FitOptions, Previous, ScoreContext, Scorecard, Values};
use csops_core::journey::{Journey, JourneyConfig, JourneyEvent};
use csops_core::label::{Label, LabelSet, Taxonomy};
use csops_core::segment::{Account, CapacityModel, Segmentation, capacity_plan};
use csops_core::{Command, Config, Directory, Request, Workflow, sla};

/// A target's body: it returns on any input, or the input is a defect.
pub type Target = fn(&[u8]);

/// Every target, by the name of its `cargo fuzz` binary.
pub const TARGETS: &[(&str, Target)] = &[
    ("labels", labels),
    ("config", config),
    ("directory", directory),
    ("request", request),
    ("command", command),
    ("scorecard", scorecard),
    ("segmentation", segmentation),
    ("journey", journey),
    ("gitlab_issue", gitlab_issue),
    ("gitlab_hook", gitlab_hook),
    ("gitlab_events", gitlab_events),
    ("gitlab_audit", gitlab_audit),
    ("smau", smau),
    ("backtest", backtest),
];

/// The sample directory every workflow target runs with (the export's people).
const DIRECTORY: &str = include_str!("../../examples/gitlab-export/directory.json");

/// A request every command target starts from when its own does not load.
const REQUEST: &str = r#"{"id": 1, "title": "t", "author": "rita", "labels": ["CSOps", "CSOps::Triage"],
"created_at": "2026-02-02T09:00:00Z"}"#;

/// The input's NUL-separated parts, `N` of them (missing ones empty); `None` when not UTF-8.
fn parts<const N: usize>(data: &[u8]) -> Option<[&str; N]> {
    let text = std::str::from_utf8(data).ok()?;
    let mut out = [""; N];
    let mut it = text.splitn(N, '\0');
    for slot in &mut out {
        *slot = it.next().unwrap_or("");
    }
    Some(out)
}

fn time(text: &str) -> DateTime<Utc> {
    gitlab::parse_timestamp(text.trim())
        .unwrap_or_else(|| DateTime::from_timestamp(1_773_000_000, 0).unwrap_or_default())
}

fn day(text: &str) -> NaiveDate {
    text.trim()
        .parse()
        .unwrap_or_else(|_| time(text).date_naive())
}

fn directory_of(text: &str) -> Directory {
    Directory::from_json(text)
        .or_else(|_| Directory::from_json(DIRECTORY))
        .unwrap_or_default()
}

/// A configuration read as JSON, else as TOML.
fn config_of(text: &str) -> Option<Config> {
    Config::from_json(text)
        .or_else(|_| Config::from_toml(text))
        .ok()
}

fn workflow(config: Config) -> Option<Workflow> {
    Workflow::new(directory_of(DIRECTORY), config).ok()
}

/// Every time-driven call on a request: its clocks, its SLA, its board, its JSON round trip.
fn use_request(wf: &Workflow, req: &Request, now: DateTime<Utc>) {
    let _ = sla::time_in_states(req, now);
    let _ = sla::time_blocked(req, now);
    let _ = sla::lead_time(req);
    let _ = sla::cycle_time(req);
    let _ = wf.sla_breaches(req, now);
    if let Ok(report) = wf.board_report(std::slice::from_ref(req), now) {
        let _ = report.to_json();
    }
    let _ = wf.anomalies(req);
    let json = req.to_json();
    let again = wf.load_request(&json);
    assert!(
        again.is_ok(),
        "a request's own JSON does not load: {again:?}\n{json}"
    );
}

/// Labels: the default taxonomy's parser, the scoped-label helpers, a label set (one label per
/// line) and its validation.
pub fn labels(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let tax = Taxonomy::default_ref();
    if let Ok(l) = tax.parse(text) {
        let _ = (
            l.canonical(),
            l.state(),
            l.family(),
            l.team(),
            l.source(),
            l.scope(),
        );
    }
    if let Ok(l) = Label::parse(text) {
        let _ = (l.canonical(), l.state(), l.scope());
    }
    let _ = (
        csops_core::label::scope(text),
        csops_core::label::split_scoped(text),
    );
    let mut set = LabelSet::new();
    for line in text.lines() {
        set.add(line);
    }
    let _ = set.validate();
    let _ = (tax.anomaly(set.iter()), tax.is_managed(set.iter()));
    let _ = set.is_gainsight_related();
}

/// A New Gainsight request, and the moves that take it through every state an SLA clock runs
/// in (New, Backlog, AwaitingFeedback with a review asked) and on: (actor, command).
const NEW: &str = r#"{"id": 7, "title": "t", "author": "rita", "labels": ["CSOps", "Gainsight"],
"created_at": "2026-01-05T09:00:00Z", "change_kind": "dashboard"}"#;
const WALKS: &[&[(&str, &str)]] = &[
    &[
        ("lena", r#"{"type": "triage", "workstream": "Gainsight"}"#),
        ("lena", r#"{"type": "ready", "weight": 3}"#),
        ("omar", r#"{"type": "start"}"#),
        (
            "omar",
            r#"{"type": "request_review", "reviewer": "gia", "summary": "s"}"#,
        ),
        ("gia", r#"{"type": "approve_review"}"#),
    ],
    &[
        ("lena", r#"{"type": "triage", "workstream": "Gainsight"}"#),
        ("lena", r#"{"type": "defer"}"#),
    ],
];

/// Configuration (JSON or TOML) + a request + a time: the workflow it builds, the request loaded
/// under it and a request walked through every SLA state under it, each with its clocks, SLA
/// and board. A large threshold or horizon reaches the date arithmetic here, whatever state the
/// fuzzed request is in.
pub fn config(data: &[u8]) {
    let Some([cfg, req, now]) = parts::<3>(data) else {
        return;
    };
    let Some(config) = config_of(cfg) else {
        return;
    };
    let Some(wf) = workflow(config) else {
        return;
    };
    let now = time(now);
    if let Ok(req) = wf.load_request(req) {
        use_request(&wf, &req, now);
    }
    for walk in WALKS {
        let Ok(mut req) = wf.load_request(NEW) else {
            return;
        };
        let mut at = req.created_at();
        use_request(&wf, &req, now.max(at));
        for (actor, cmd) in *walk {
            at += chrono::Duration::hours(5);
            if let Ok(cmd) = Command::from_json(cmd) {
                let _ = wf.apply(&mut req, cmd, actor, at);
            }
            use_request(&wf, &req, now.max(at));
        }
    }
}

/// A directory, then a command by every person it names.
pub fn directory(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(dir) = Directory::from_json(text) else {
        return;
    };
    let people: Vec<String> = dir.people().into_iter().map(str::to_owned).collect();
    let Ok(wf) = Workflow::new(dir, Config::default()) else {
        return;
    };
    let Ok(req) = wf.load_request(REQUEST) else {
        return;
    };
    let at = time("2026-02-03T09:00:00Z");
    for who in &people {
        let mut r = req.clone();
        if let Ok(cmd) = Command::from_json(r#"{"type": "triage", "workstream": "Digital"}"#) {
            let _ = wf.apply(&mut r, cmd, who, at);
        }
    }
}

/// A request (the record's JSON) + a time: loaded with and without a workflow, its clocks, SLA,
/// board and JSON round trip.
pub fn request(data: &[u8]) {
    let Some([req, now]) = parts::<2>(data) else {
        return;
    };
    let _ = Request::from_json(req);
    let Some(wf) = workflow(Config::default()) else {
        return;
    };
    if let Ok(req) = wf.load_request(req) {
        use_request(&wf, &req, time(now));
    }
}

/// Commands, one per line, applied by an actor at a time to a request (the sample one when the
/// second part does not load).
pub fn command(data: &[u8]) {
    let Some([cmds, actor, at, req]) = parts::<4>(data) else {
        return;
    };
    let Some(wf) = workflow(Config::default()) else {
        return;
    };
    let Ok(mut req) = wf.load_request(req).or_else(|_| wf.load_request(REQUEST)) else {
        return;
    };
    let mut at = time(at);
    for line in cmds.lines() {
        let Ok(cmd) = Command::from_json(line) else {
            continue;
        };
        let _ = wf.check(&req, &cmd, actor, at);
        let _ = wf.apply(&mut req, cmd, actor, at);
        at += chrono::Duration::hours(1);
    }
    use_request(&wf, &req, at);
}

/// A scorecard (JSON or TOML) + an account's values + a day: the score, its reasons, against
/// the previous band and the default scorecard too.
pub fn scorecard(data: &[u8]) {
    let Some([card, values, as_of]) = parts::<3>(data) else {
        return;
    };
    let card = Scorecard::from_json(card).or_else(|_| Scorecard::from_toml(card));
    let values = Values::from_json(values);
    let as_of = day(as_of);
    let cards = [card.ok(), Some(Scorecard::default())];
    for card in cards.iter().flatten() {
        let _ = card.to_json();
        let Ok(values) = &values else {
            continue;
        };
        let ctx = ScoreContext {
            as_of: Some(as_of),
            ..ScoreContext::default()
        };
        if let Ok(s) = card.score(values, &ctx) {
            let _ = s.reasons(3);
            let previous = Some(Previous {
                score: s.score,
                band: Some(s.band.clone()),
            });
            let ctx = ScoreContext {
                as_of: Some(as_of),
                previous,
                ..ScoreContext::default()
            };
            let _ = card.score(values, &ctx);
        }
        let _ = card.score(values, &ScoreContext::default());
    }
}

/// Segmentation rules (JSON or TOML) + accounts (a JSON array): the assignments and the
/// capacity plan.
pub fn segmentation(data: &[u8]) {
    let Some([rules, accounts]) = parts::<2>(data) else {
        return;
    };
    let seg = Segmentation::from_json(rules)
        .or_else(|_| Segmentation::from_toml(rules))
        .unwrap_or_default();
    let Ok(accounts) = serde_json::from_str::<Vec<Account>>(accounts) else {
        return;
    };
    if let Ok(assignments) = seg.assign_all(&accounts) {
        let _ = capacity_plan(&assignments, &Default::default(), &CapacityModel::default());
    }
}

/// A journey configuration (JSON) + dated events, one `YYYY-MM-DD <event JSON>` per line (a
/// line with a date alone advances the journey to it).
pub fn journey(data: &[u8]) {
    let Some([cfg, events]) = parts::<2>(data) else {
        return;
    };
    let config: JourneyConfig = serde_json::from_str(cfg).unwrap_or_default();
    let mut j = Journey::new("acme");
    for line in events.lines() {
        let (date, event) = line.split_once(' ').unwrap_or((line, ""));
        let Ok(date) = date.parse::<NaiveDate>() else {
            continue;
        };
        if event.trim().is_empty() {
            let _ = j.advance(date, &config);
        } else if let Ok(event) = serde_json::from_str::<JourneyEvent>(event) {
            let _ = j.record(date, event, &config);
        }
        let _ = j.touchpoints(csops_core::segment::EngagementModel::MidTouch, &config);
    }
}

/// A GitLab REST issue: read, and checked against its labels.
pub fn gitlab_issue(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let config = Config::default();
    if let Ok(req) = gitlab::read_issue(text, &config)
        && let Some(wf) = workflow(config)
    {
        use_request(&wf, &req, time("2026-06-01T00:00:00Z"));
    }
    if let Some(wf) = workflow(Config::default()) {
        let _ = gitlab::check_issue(&wf, text);
    }
}

/// An Issue Hook + the issue's label events: decided against the request it describes and
/// against the request its events rebuild.
pub fn gitlab_hook(data: &[u8]) {
    let Some([hook, events]) = parts::<2>(data) else {
        return;
    };
    let Ok(hook) = gitlab::read_webhook(hook) else {
        return;
    };
    let Some(wf) = workflow(Config::default()) else {
        return;
    };
    if let Ok(stored) = hook.to_request(wf.config()) {
        let _ = gitlab::decide_webhook(&wf, &hook, &stored);
    }
    if let Ok(events) = gitlab::read_label_events(events) {
        let _ = gitlab::decide_webhook_with_events(&wf, &hook, &events);
    }
}

/// A REST issue + its label events + a time: the events read both ways and the history
/// reconstructed from them.
pub fn gitlab_events(data: &[u8]) {
    let Some([issue, events, now]) = parts::<3>(data) else {
        return;
    };
    let _ = gitlab::read_label_events(events);
    let Some(wf) = workflow(Config::default()) else {
        return;
    };
    let Ok(req) = gitlab::read_issue(issue, wf.config()) else {
        return;
    };
    if let Ok(r) = gitlab::reconstruct_json(&wf, &req, events) {
        use_request(&wf, &r.request, time(now));
    }
}

/// A configuration + an export (issues, label events by iid) + a time: the whole audit and the
/// board of the requests' JSON.
pub fn gitlab_audit(data: &[u8]) {
    let Some([cfg, issues, events, as_of]) = parts::<4>(data) else {
        return;
    };
    let config = config_of(cfg).unwrap_or_default();
    let Some(wf) = workflow(config) else {
        return;
    };
    let as_of = time(as_of);
    let events = (!events.is_empty()).then_some(events);
    if let Ok(report) = gitlab::audit_export(&wf, issues, events, as_of) {
        let _ = serde_json::to_string(&report);
        // SPEC §6: as of a date, nothing later is known, and the flow's last day holds the
        // board's requests.
        for r in &report.audit.requests {
            assert!(
                r.history().iter().all(|s| s.at <= as_of),
                "a step after as_of"
            );
            assert!(
                r.closed_at().is_none_or(|c| c <= as_of),
                "closed after as_of"
            );
        }
        let last: usize = report
            .flow
            .days
            .iter()
            .filter(|c| c.day == report.flow.to)
            .map(|c| c.requests)
            .sum();
        assert_eq!(
            last, report.board.requests,
            "the flow's last day is the board"
        );
    }
    let _ = gitlab::board_report_json(&wf, issues, as_of);
}

/// SMAU's call form (JSON: `{"events": [...], "paying": [...]}`): read and counted; what it
/// counts serializes, and its long forms hold as many users as the total.
pub fn smau(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(smau) = csops_core::metrics::Smau::from_json(text) {
        let by_account: u64 = smau.rows().map(|r| r.users).sum();
        let total: u64 = smau.total_rows().map(|r| r.users).sum();
        assert_eq!(by_account, total, "a user belongs to one account");
        let _ = serde_json::to_string(&smau);
    }
}

/// A scorecard (JSON or TOML) + a backtest's input (JSON: history, segments, outcomes, dates,
/// options) + fit options (JSON): the as-of rows, the backtest, the comparison with the default
/// scorecard and the suggested weights.
pub fn backtest(data: &[u8]) {
    let Some([card, input, fit]) = parts::<3>(data) else {
        return;
    };
    let Ok(input) = BacktestInput::from_json(input) else {
        return;
    };
    let card = Scorecard::from_json(card)
        .or_else(|_| Scorecard::from_toml(card))
        .unwrap_or_default();
    let _ = input.score_history(&card);
    if let Ok(report) = input.backtest(&card) {
        let _ = serde_json::to_string(&report);
    }
    let _ = input.compare(&card, &Scorecard::default());
    if let Ok(fit) = FitOptions::from_json(fit) {
        let _ = input.suggest_weights(&card, &fit);
    }
}
