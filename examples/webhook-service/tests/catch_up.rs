//! The catch-up, against the stand-in GitLab (loopback): with the service stopped, moves are
//! made on GitLab and no webhook reaches it; started again, its reconciler undoes each refused
//! move once and records each allowed one, a later round does nothing more, and the webhook
//! GitLab delivers late is overtaken. An issue seen first by a webhook is judged from its label
//! events fetched from GitLab.

mod support;

use std::time::Duration;

use csops_webhook_service::config::CatchUp;
use csops_webhook_service::{SqliteStore, Store};
use gitlab_standin::data::{Issue, time};
use gitlab_standin::{Data, Faults, Project, Standin, serve};
use serde_json::{Value, json};
use support::*;

const TOKEN: &str = "glpat-test";

fn issue(iid: u64, labels: &[&str], at_ms: i64) -> Issue {
    let json = json!({
        "id": 9000 + iid, "iid": iid, "project_id": PROJECT, "title": format!("Request {iid}"),
        "state": "opened", "labels": labels, "assignees": [], "author": {"username": "rita"},
        "weight": 3, "created_at": time(at_ms - 86_400_000, 0), "updated_at": time(at_ms, 0),
        "closed_at": null, "references": {"full": format!("cs/ops#{iid}")},
    });
    Issue::new(json, Vec::new())
}

async fn gitlab(issues: Vec<Issue>) -> Standin {
    let mut data = Data::default();
    data.projects.push(Project {
        id: PROJECT,
        path: "cs/ops".into(),
    });
    for i in issues {
        data.issues.insert((PROJECT, i.iid), i);
    }
    serve(data, TOKEN, Faults::default()).await.unwrap()
}

fn labels(gl: &Standin, iid: u64) -> Vec<String> {
    gl.data().issues[&(PROJECT, iid)].json["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

fn stored(store: &SqliteStore, iid: u64) -> Option<Value> {
    store
        .request(PROJECT, iid)
        .unwrap()
        .map(|j| serde_json::from_str(&j).unwrap())
}

/// `2026-12-07 10:00:00 UTC`, as an Issue Hook writes times: to the second (GitLab's REST API
/// writes the same change's `updated_at` to the millisecond).
fn hook_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap()
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moves_made_while_the_service_was_down_are_judged_once_when_it_is_back() {
    let then = chrono::Utc::now().timestamp_millis() - 3_600_000;
    let gl = gitlab(vec![
        issue(1, TRIAGE, then),
        issue(2, BASE, then),
        issue(3, &["bug"], then),
        issue(5, TRIAGE, then),
    ])
    .await;
    let dir = tempfile::tempdir().unwrap();
    let mut s = settings(dir.path(), gl.addr);
    s.catch_up = CatchUp {
        projects: vec!["cs/ops".into()],
        interval_secs: 1,
        ..CatchUp::default()
    };
    let store = SqliteStore::open(&s.store_path).unwrap();

    // The first start only sets the mark: what changed before it watched is the audit's.
    let svc = service(&s).await;
    eventually("a first round", || {
        store.mark("project:cs/ops").unwrap().is_some()
    })
    .await;
    assert_eq!(stored(&store, 1), None);
    assert_eq!(
        gl.tally().by_kind.get("label_events"),
        None,
        "nothing judged"
    );
    svc.shutdown().await;

    // Down: omar moves 1 from Triage to In Process (refused: he is no lead), lena triages 2
    // (allowed). No webhook reaches the service.
    let now = chrono::Utc::now().timestamp_millis();
    {
        let mut d = gl.data();
        assert!(d.relabel(
            PROJECT,
            1,
            &["CSOps::In_Process"],
            &["CSOps::Triage"],
            "omar",
            now
        ));
        assert!(d.relabel(PROJECT, 2, &["CSOps::Triage"], &[], "lena", now));
    }
    gl.reset_tally();

    let svc = service(&s).await;
    eventually("the refused move undone", || {
        labels(&gl, 1).contains(&"CSOps::Triage".to_owned())
    })
    .await;
    eventually("the allowed move recorded", || {
        stored(&store, 2).is_some_and(|r| r["labels"].to_string().contains("CSOps::Triage"))
    })
    .await;
    // Several more rounds: nothing more is done.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let tally = gl.tally();
    assert_eq!(tally.by_kind.get("update"), Some(&1), "{tally:?}");
    assert_eq!(gl.data().issues[&(PROJECT, 1)].notes.len(), 1);
    assert!(gl.data().issues[&(PROJECT, 1)].notes[0].contains("invalid_transition"));
    assert!(!labels(&gl, 1).contains(&"CSOps::In_Process".to_owned()));
    assert_eq!(gl.data().issues[&(PROJECT, 2)].notes.len(), 0);

    // A move whose webhook does arrive (dated to the second, its updated_at to the
    // millisecond): judged once, by the webhook or the reconciler, whichever is first — even
    // while GitLab fails the undo for a few rounds (the reconciler lists the issue each round).
    gl.faults().answer_kinds = vec![("update".into(), 500)];
    let moved = chrono::Utc::now().timestamp_millis();
    assert!(gl.data().relabel(
        PROJECT,
        5,
        &["CSOps::In_Process"],
        &["CSOps::Triage"],
        "omar",
        moved
    ));
    let five = hook(5, "omar", Some(TRIAGE), IN_PROCESS, &hook_time(moved));
    let (status, body) = deliver(svc.addr, &five, Some("five")).await;
    assert_eq!(status, 200, "{body}");
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    gl.faults().answer_kinds.clear();
    eventually("5 undone", || {
        labels(&gl, 5).contains(&"CSOps::Triage".to_owned())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert_eq!(
        gl.data().issues[&(PROJECT, 5)].notes.len(),
        1,
        "one comment on 5"
    );
    let undos = gl.tally().by_kind.get("update").copied().unwrap_or(0);

    // GitLab delivers the missed webhook after all: overtaken, nothing is done twice.
    let late = hook(1, "omar", Some(TRIAGE), IN_PROCESS, &hook_time(now));
    let (status, body) = deliver(svc.addr, &late, Some("late-uuid")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("overtaken").is_some(), "{body}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(gl.tally().by_kind.get("update").copied(), Some(undos));
    assert_eq!(gl.data().issues[&(PROJECT, 1)].notes.len(), 1);
    svc.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_issue_seen_first_is_judged_from_its_label_events() {
    let then = chrono::Utc::now().timestamp_millis() - 3_600_000;
    let gl = gitlab(vec![issue(4, BASE, then)]).await;
    {
        let mut d = gl.data();
        assert!(d.relabel(PROJECT, 4, &["CSOps::Triage"], &[], "lena", then + 1_000));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut s = settings(dir.path(), gl.addr);
    s.catch_up = CatchUp::default(); // first_seen_events on, no reconciler
    let svc = service(&s).await;
    // The service has never seen 4: omar's move from Triage is judged against its history.
    // GitLab writes the move's label events before it sends the hook: the events fetched hold
    // the move itself, a few milliseconds after the hook's time.
    let now = chrono::Utc::now().timestamp_millis();
    assert!(gl.data().relabel(
        PROJECT,
        4,
        &["CSOps::In_Process"],
        &["CSOps::Triage"],
        "omar",
        now
    ));
    let body = hook(4, "omar", Some(TRIAGE), IN_PROCESS, &hook_time(now));
    let (status, d) = deliver(svc.addr, &body, Some("first")).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["allowed"], json!(false), "{d}");
    assert_eq!(gl.tally().by_kind.get("label_events"), Some(&1));
    let store = SqliteStore::open(&s.store_path).unwrap();
    let r = stored(&store, 4).expect("stored");
    let history = r["history"].as_array().expect("a history");
    assert!(
        history.iter().any(|step| step["actor"] == "lena"),
        "the triage by lena, from the label events: {r}"
    );
    assert_eq!(
        r["labels"],
        json!(TRIAGE),
        "the refused move is not stored: {r}"
    );
    eventually("the refused move undone", || {
        labels(&gl, 4).contains(&"CSOps::Triage".to_owned())
    })
    .await;
    svc.shutdown().await;
}
