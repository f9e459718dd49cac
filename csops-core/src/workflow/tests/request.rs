//! Unit tests of requests and their JSON form.
use super::*;

fn load(json: &str) -> Result<Request, RequestError> {
    Request::from_json(json)
}

#[test]
fn read_is_read_with_the_default_configuration() {
    let good = serde_json::json!({"id": 1, "author": "a", "labels": ["CSOps", "csops::in-process", "Gainsight"],
                                  "assignee": "o", "created_at": "2026-01-01T00:00:00Z"});
    let bad = serde_json::json!({"id": 2, "author": "a", "labels": ["CSOps::Triage", "CSOps::Blocked"],
                                 "created_at": "2026-01-01T00:00:00Z"});
    for value in [good, bad] {
        let with = Request::read_with(&value.clone(), &Config::default());
        assert_eq!(Request::read(&value), with);
    }
    assert!(Request::read(&serde_json::json!({"id": 3})).is_err());
}

#[test]
fn state_comes_from_any_alias_and_new_has_none() {
    let r = load(r#"{"id":1,"author":"a","labels":["CSOps","CSOps::Planning"],"created_at":"2026-01-01T00:00:00Z"}"#).unwrap();
    assert_eq!(r.state(), State::Triage);
    let r = load(r#"{"id":1,"author":"a","labels":["CSOps"],"created_at":"2026-01-01T00:00:00Z"}"#)
        .unwrap();
    assert_eq!(r.state(), State::New);
    let r = load(
        r#"{"id":1,"author":"a","labels":["CSOps::New"],"created_at":"2026-01-01T00:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(r.state(), State::New);
    let r = load(r#"{"id":1,"author":"a","labels":["CSOPs::Completed"],"created_at":"2026-01-01T00:00:00Z"}"#).unwrap();
    assert!(!r.is_open());
}

#[test]
fn two_workflow_labels_are_reported() {
    let e = load(r#"{"id":9,"author":"a","labels":["CSOps::Triage","CSOps::Blocked"],"created_at":"2026-01-01T00:00:00Z"}"#).unwrap_err();
    match e {
        RequestError::Anomaly { id: 9, anomaly } => {
            assert_eq!(anomaly.labels, vec!["CSOps::Triage", "CSOps::Blocked"])
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_requests_name_the_field() {
    let cases = [
        (
            r#"{"id":1,"author":"a","labels":[],"created_at":"yesterday"}"#,
            "created_at",
        ),
        (
            r#"{"id":1,"author":"a","weight":4,"created_at":"2026-01-01T00:00:00Z"}"#,
            "weight",
        ),
        (
            r#"{"id":1,"author":"a","workstream":"Support","created_at":"2026-01-01T00:00:00Z"}"#,
            "workstream",
        ),
        (
            r#"{"id":-1,"author":"a","created_at":"2026-01-01T00:00:00Z"}"#,
            "id",
        ),
        (r#"{"id":1,"created_at":"2026-01-01T00:00:00Z"}"#, "author"),
        (
            r#"{"id":1,"author":"a","change_kind":"huge","created_at":"2026-01-01T00:00:00Z"}"#,
            "change_kind",
        ),
        (
            r#"{"id":1,"author":"a","workflow_state":"Doing","created_at":"2026-01-01T00:00:00Z"}"#,
            "workflow_state",
        ),
        (
            r#"{"id":1,"author":"a","state":"archived","created_at":"2026-01-01T00:00:00Z"}"#,
            "state",
        ),
        (
            r#"{"id":1,"author":"a","labels":"CSOps","created_at":"2026-01-01T00:00:00Z"}"#,
            "labels",
        ),
        ("{\"id\":1,", "."),
    ];
    for (json, key) in cases {
        match load(json) {
            Err(RequestError::Json { key: k, message }) => {
                assert_eq!(k, key, "{json}: {message}")
            }
            other => panic!("{json}: {other:?}"),
        }
    }
    assert!(matches!(
        load(r#"{"id":1,"author":" ","created_at":"2026-01-01T00:00:00Z"}"#),
        Err(RequestError::EmptyAuthor { id: 1 })
    ));
    assert!(matches!(
        load(r#"{"id":1,"author":"a","labels":["ok","::"],"created_at":"2026-01-01T00:00:00Z"}"#),
        Err(RequestError::Label { index: 1, .. })
    ));
    assert!(matches!(
        load(
            r#"{"id":1,"author":"a","labels":["CSOps::Triage"],"workflow_state":"Blocked","created_at":"2026-01-01T00:00:00Z"}"#
        ),
        Err(RequestError::StateMismatch {
            given: State::Blocked,
            from_labels: State::Triage,
            ..
        })
    ));
    assert!(matches!(
        load(
            r#"{"id":1,"author":"a","closed_at":"2025-01-01T00:00:00Z","created_at":"2026-01-01T00:00:00Z"}"#
        ),
        Err(RequestError::ClosedBeforeCreated { .. })
    ));
}

#[test]
fn an_invalid_hand_built_config_is_reported_not_replaced() {
    let mut cfg = Config::default();
    cfg.sla.untriaged_days = 0;
    let e = Request::read_with(
        &serde_json::json!({"id":1,"author":"a","created_at":"2026-01-01T00:00:00Z"}),
        &cfg,
    )
    .unwrap_err();
    assert!(
        matches!(&e, RequestError::Config(c) if c.key() == "sla.untriaged_days"),
        "{e}"
    );
}

#[test]
fn history_must_chain_and_end_in_the_labelled_state() {
    let base = r#""id":1,"author":"a","created_at":"2026-01-01T00:00:00Z""#;
    let step = |at: &str, from: &str, to: &str| {
        format!(
            r#"{{"at":"{at}","actor":"l","from":"{from}","to":"{to}","command":{{"type":"defer"}}}}"#
        )
    };
    let ok = format!(
        r#"{{{base},"labels":["CSOps::Backlog"],"history":[{}]}}"#,
        step("2026-01-02T00:00:00Z", "New", "Backlog")
    );
    assert_eq!(load(&ok).unwrap().history().len(), 1);
    let bad_end = format!(
        r#"{{{base},"labels":["CSOps::Triage"],"history":[{}]}}"#,
        step("2026-01-02T00:00:00Z", "New", "Backlog")
    );
    assert!(matches!(
        load(&bad_end),
        Err(RequestError::History { index: 0, .. })
    ));
    let backwards = format!(
        r#"{{{base},"labels":["CSOps::Backlog"],"history":[{},{}]}}"#,
        step("2026-01-03T00:00:00Z", "New", "Triage"),
        step("2026-01-02T00:00:00Z", "Triage", "Backlog")
    );
    assert!(matches!(
        load(&backwards),
        Err(RequestError::History { index: 1, .. })
    ));
    let broken_chain = format!(
        r#"{{{base},"labels":["CSOps::Backlog"],"history":[{},{}]}}"#,
        step("2026-01-02T00:00:00Z", "New", "Triage"),
        step("2026-01-03T00:00:00Z", "New", "Backlog")
    );
    assert!(matches!(
        load(&broken_chain),
        Err(RequestError::History { index: 1, .. })
    ));
    let too_early = format!(
        r#"{{{base},"labels":["CSOps::Backlog"],"history":[{}]}}"#,
        step("2025-01-02T00:00:00Z", "New", "Backlog")
    );
    assert!(matches!(
        load(&too_early),
        Err(RequestError::History { index: 0, .. })
    ));
}

#[test]
fn workstream_absent_routes_null_does_not() {
    let routed =
        load(r#"{"id":1,"author":"a","labels":["Gainsight"],"created_at":"2026-01-01T00:00:00Z"}"#)
            .unwrap();
    assert_eq!(routed.workstream(), Some(Workstream::Gainsight));
    let none = load(r#"{"id":1,"author":"a","labels":["Gainsight"],"workstream":null,"created_at":"2026-01-01T00:00:00Z"}"#).unwrap();
    assert_eq!(none.workstream(), None);
    assert_eq!(Request::from_json(&none.to_json()).unwrap(), none);
    assert_eq!(Request::from_json(&routed.to_json()).unwrap(), routed);
}

#[test]
fn interrupt_rule() {
    let m = Milestone {
        title: "M1".into(),
        start_date: NaiveDate::from_ymd_opt(2026, 1, 5),
        due_date: NaiveDate::from_ymd_opt(2026, 1, 16),
    };
    let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    assert!(m.is_interrupt(t("2026-01-07T09:00:00Z"), t("2026-01-08T09:00:00Z")));
    assert!(!m.is_interrupt(t("2026-01-05T09:00:00Z"), t("2026-01-08T09:00:00Z")));
    assert!(!m.is_interrupt(t("2026-01-07T09:00:00Z"), t("2026-01-17T09:00:00Z")));
    let open_ended = Milestone {
        due_date: None,
        ..m.clone()
    };
    assert!(open_ended.is_interrupt(t("2026-01-07T09:00:00Z"), t("2026-03-01T09:00:00Z")));
    let undated = Milestone {
        start_date: None,
        ..m
    };
    assert!(!undated.is_interrupt(t("2026-01-07T09:00:00Z"), t("2026-01-08T09:00:00Z")));
}

#[test]
fn tracker_fields_in_the_record_are_checked() {
    let base =
        r#""id": 1, "author": "a", "labels": ["CSOps"], "created_at": "2026-01-01T00:00:00Z""#;
    let key = |extra: &str| match load(&format!("{{{base}, {extra}}}")) {
        Err(RequestError::Json { key, .. }) => key,
        other => panic!("{extra}: {other:?}"),
    };
    assert_eq!(key(r#""weight": 3, "invalid_weight": 8"#), "invalid_weight");
    assert_eq!(
        key(r#""managed_since": "2025-12-31T00:00:00Z""#),
        "managed_since"
    );
    // A CS Ops weight given as a tracker's number is the weight.
    let r = load(&format!("{{{base}, \"invalid_weight\": 5}}")).unwrap();
    assert_eq!((r.weight(), r.invalid_weight()), (Some(Weight::Five), None));
    // The owner leads the assignees, and one named twice is one.
    let r = load(&format!(
        "{{{base}, \"assignee\": \"pat\", \"assignees\": [\"omar\", \"pat\"]}}"
    ))
    .unwrap();
    assert_eq!(r.assignees().collect::<Vec<_>>(), ["pat", "omar"]);
}
