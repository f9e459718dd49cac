//! An error message quotes an input, never copies it whole (issue 13): each reader and call that
//! names a bad input is given one of a megabyte where the input is echoed, and its message
//! stays short while still naming the input's start and the rule.

use csops_core::gitlab;
use csops_core::health::{ScoreContext, Scorecard, Values};
use csops_core::journey::{Journey, JourneyConfig, JourneyEvent};
use csops_core::segment::{Account, Segmentation};
use csops_core::{Command, Config, Directory, Label, Workflow};

const BIG: usize = 1 << 20;

fn big(c: char) -> String {
    std::iter::repeat_n(c, BIG).collect()
}

/// The message is short, and says how long the input was or what was expected.
#[track_caller]
fn short(message: impl ToString, names: &str) {
    let m = message.to_string();
    assert!(m.len() < 2_000, "{} bytes: {}…", m.len(), &m[..300]);
    assert!(m.contains(names), "{m}");
}

fn workflow() -> Workflow {
    Workflow::new(
        Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}"#)
            .unwrap(),
        Config::default(),
    )
    .unwrap()
}

#[test]
fn labels_and_workstreams() {
    short(Label::parse(&big(' ')).unwrap_err(), "bytes)");
    let wf = workflow();
    let labels = [r#""CSOps""#.to_owned(), format!("{:?}", big(' '))];
    let req = format!(
        r#"{{"id": 1, "author": "rita", "created_at": "2026-01-05T09:00:00Z", "labels": [{}]}}"#,
        labels.join(", ")
    );
    short(wf.load_request(&req).unwrap_err(), "labels[1]");
    let cmd = format!(r#"{{"type": "triage", "workstream": "{}"}}"#, big('W'));
    short(Command::from_json(&cmd).unwrap_err(), "workstream");
}

#[test]
fn unknown_variants_keys_and_timestamps() {
    short(
        Command::from_json(&format!(r#"{{"type": "{}"}}"#, big('t'))).unwrap_err(),
        "expected one of",
    );
    short(
        Config::from_json(&format!(r#"{{"{}": 1}}"#, big('k'))).unwrap_err(),
        "bytes",
    );
    short(
        Config::from_toml(&format!("{} = 1\n", big('k'))).unwrap_err(),
        "bytes",
    );
    let req = format!(
        r#"{{"id": 1, "author": "rita", "labels": [], "created_at": "{}"}}"#,
        big('2')
    );
    short(workflow().load_request(&req).unwrap_err(), "created_at");
    let issue = format!(
        r#"{{"iid": 1, "title": "t", "state": "opened", "labels": [], "author": {{"username": "a"}}, "created_at": "{}"}}"#,
        big('2')
    );
    short(
        gitlab::read_issue(&issue, &Config::default()).unwrap_err(),
        "timestamp",
    );
    let sample = include_str!("../../examples/webhook/hook.json");
    let hook = sample.replacen(
        r#""object_kind": "issue""#,
        &format!(r#""object_kind": "{}""#, big('o')),
        1,
    );
    assert_ne!(hook, sample);
    short(gitlab::read_webhook(&hook).unwrap_err(), "object_kind");
}

#[test]
fn people_and_actors() {
    let dir = format!(r#"{{"{}": ["boss"]}}"#, big('p'));
    short(Directory::from_json(&dir).unwrap_err(), "unknown role");
    let dir = format!(r#"{{"p": ["{}"]}}"#, big('r'));
    short(Directory::from_json(&dir).unwrap_err(), "unknown role");
    let wf = workflow();
    let req = wf
        .load_request(r#"{"id": 1, "author": "rita", "labels": ["CSOps"], "created_at": "2026-01-05T09:00:00Z"}"#)
        .unwrap();
    let cmd = Command::from_json(r#"{"type": "triage", "workstream": "Gainsight"}"#).unwrap();
    let at = "2026-01-06T09:00:00Z".parse().unwrap();
    short(
        wf.apply(&mut req.clone(), cmd, &big('a'), at).unwrap_err(),
        "not in the directory",
    );
    // The requester is named in who may act; a reviewer the command names is quoted.
    let author = big('r');
    let long = wf
        .load_request(&format!(
            r#"{{"id": 2, "author": "{author}", "labels": ["CSOps", "Gainsight"], "created_at": "2026-01-05T09:00:00Z"}}"#
        ))
        .unwrap();
    let cmd = Command::from_json(r#"{"type": "decline", "reason": "no"}"#).unwrap();
    short(
        wf.apply(&mut long.clone(), cmd, "omar", at).unwrap_err(),
        "not_permitted",
    );
    let mut started = wf
        .load_request(r#"{"id": 3, "author": "rita", "labels": ["CSOps", "Gainsight", "CSOps::In_Process"], "assignees": ["omar"], "weight": 3, "created_at": "2026-01-05T09:00:00Z"}"#)
        .unwrap();
    let review = format!(
        r#"{{"type": "request_review", "reviewer": "{}"}}"#,
        big('v')
    );
    short(
        wf.apply(
            &mut started,
            Command::from_json(&review).unwrap(),
            "omar",
            at,
        )
        .unwrap_err(),
        "bytes",
    );
}

#[test]
fn configuration_and_scorecard_names() {
    let cfg = format!(
        r#"{{"labels": {{"workflow": {{"Triage": {{"canonical": "{}"}}}}}}}}"#,
        big('c')
    );
    short(Config::from_json(&cfg).unwrap_err(), "bytes");
    let band = big('b');
    let card = format!(
        r#"{{"groups": [{{"id": "g", "weight": 1, "measures": [{{"id": "x", "weight": 1, "scheme": {{"type": "linear", "worst": 0, "best": 100}}}}]}}], "bands": [{{"name": "{band}", "from": 10, "to": 100}}]}}"#
    );
    short(Scorecard::from_json(&card).unwrap_err(), "must start at 0");
}

#[test]
fn accounts_measures_and_bands() {
    let mut j = Journey::new(&big('a'));
    let e = j
        .record(
            "2026-01-05".parse().unwrap(),
            JourneyEvent::FirstValue,
            &JourneyConfig::default(),
        )
        .unwrap_err();
    short(e, "does not apply");
    let acct = Account {
        id: big('i'),
        arr: -1.0,
        seats: 0,
        public_sector: false,
        region: big('r'),
    };
    short(Segmentation::default().assign(&acct).unwrap_err(), "arr");
    let card = Scorecard::default();
    let values = Values::from_json(&format!(r#"{{"{}": 1}}"#, big('m'))).unwrap();
    short(
        card.score(&values, &ScoreContext::default()).unwrap_err(),
        "not a measure",
    );
    let measure = card.measures()[0].clone();
    let values = Values::new().category(&measure, &big('c'));
    short(
        card.score(&values, &ScoreContext::default()).unwrap_err(),
        &measure,
    );
}
