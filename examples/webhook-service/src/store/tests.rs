//! The store's tests: the SQLite store against the trait's promises, and its migrations.

use super::sqlite::SCHEMA;
use super::*;
use rusqlite::Connection;

fn action() -> Action {
    Action {
        project: 7,
        iid: 23,
        params: RestParams {
            add_labels: Some("CSOps::Triage".into()),
            ..RestParams::default()
        },
        comment: Some("why".into()),
    }
}

#[test]
fn the_catch_up_s_judged_changes_and_marks_are_kept_with_the_event() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    assert_eq!(s.judged(7, 23).unwrap(), Judged::default());
    let webhook = Judged {
        at_ms: 50,
        caught_ms: 0,
    };
    assert!(
        s.record_judged("e1", 7, 23, Some("{}"), None, Some(webhook), 1)
            .unwrap()
    );
    let caught = Judged {
        at_ms: 40,
        caught_ms: 40,
    };
    assert!(
        s.record_judged("e2", 7, 23, None, None, Some(caught), 2)
            .unwrap()
    );
    // Each the latest of its kind; a duplicate event changes nothing.
    assert_eq!(
        s.judged(7, 23).unwrap(),
        Judged {
            at_ms: 50,
            caught_ms: 40
        }
    );
    let later = Judged {
        at_ms: 90,
        caught_ms: 90,
    };
    assert!(
        !s.record_judged("e1", 7, 23, None, None, Some(later), 3)
            .unwrap()
    );
    assert_eq!(s.judged(7, 23).unwrap().at_ms, 50);
    assert_eq!(s.mark("project:a/b").unwrap(), None);
    s.set_mark("project:a/b", "2026-12-07T10:00:00.000Z")
        .unwrap();
    s.set_mark("project:a/b", "2026-12-07T11:00:00.000Z")
        .unwrap();
    assert_eq!(
        s.mark("project:a/b").unwrap().as_deref(),
        Some("2026-12-07T11:00:00.000Z")
    );
}

#[test]
fn an_event_is_recorded_once_with_its_request_and_action() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    assert!(
        store
            .record("e1", 7, 23, Some("{}"), Some(&action()), 10)
            .unwrap()
    );
    assert!(
        !store
            .record("e1", 7, 23, Some("{\"x\":1}"), Some(&action()), 11)
            .unwrap()
    );
    assert_eq!(store.request(7, 23).unwrap().as_deref(), Some("{}"));
    assert_eq!(
        store.counts().unwrap(),
        Counts {
            events: 1,
            pending: 1,
            dead: 0
        }
    );
    let due = store.due(10, 8, &[]).unwrap();
    assert_eq!((due.len(), &due[0].action), (1, &action()));
    assert!(
        store.due(9, 8, &[]).unwrap().is_empty(),
        "not due before its time"
    );
    assert!(
        store.due(10, 8, &[due[0].id]).unwrap().is_empty(),
        "skipped when in flight"
    );
}

#[test]
fn a_claim_without_an_outcome_survives_and_dead_entries_are_sent_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    {
        let store = SqliteStore::open(&path).unwrap();
        store
            .record("e1", 7, 23, None, Some(&action()), 10)
            .unwrap();
        store
            .record("e2", 7, 24, None, Some(&action()), 10)
            .unwrap();
        let id = store.due(10, 1, &[]).unwrap()[0].id;
        store.claim(id, 10).unwrap();
        // The process dies here.
    }
    let store = SqliteStore::open(&path).unwrap();
    let due = store.due(10, 8, &[]).unwrap();
    assert_eq!(
        due.iter()
            .map(|p| (p.claimed, p.attempts))
            .collect::<Vec<_>>(),
        [(true, 1), (false, 0)]
    );
    store.dead(due[0].id, true, "budget spent").unwrap();
    store.dead(due[1].id, false, "HTTP 404").unwrap();
    assert_eq!(store.counts().unwrap().dead, 2);
    assert!(store.due(10, 8, &[]).unwrap().is_empty(), "dead is not due");
    let dead = store.dead_entries(10).unwrap();
    assert_eq!(dead[1].error.as_deref(), Some("HTTP 404"));
    assert_eq!(store.resend(Some(&[dead[1].id, 999]), 50).unwrap(), 1);
    assert_eq!(store.resend(None, 60).unwrap(), 1);
    let again = store.due(60, 8, &[]).unwrap();
    assert_eq!(
        again
            .iter()
            .map(|p| (p.attempts, p.created_ms))
            .collect::<Vec<_>>(),
        [(0, 50), (0, 60)]
    );
    assert_eq!(store.prune_events(11).unwrap(), 2);
    assert_eq!(store.counts().unwrap().events, 0);
}

/// A store written by 0.2.0: its tables gain the new columns, its `failed` entries are
/// dead, and an event it recorded is still known by the key a redelivery now has.
#[test]
fn a_0_2_0_store_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    {
        let c = Connection::open(&path).unwrap();
        c.execute_batch(SCHEMA).unwrap();
        c.execute_batch(
            "INSERT INTO events (key, at_ms) VALUES ('uuid:abc', 5);
             INSERT INTO outbox (event, action, project, iid, due_ms, status)
               VALUES ('uuid:abc', '{\"project\":7,\"iid\":23,\"params\":{},\"comment\":null}', 7, 23, 5, 'failed');",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.counts().unwrap().dead, 1);
    assert!(
        !store
            .record(&digest("uuid:abc"), 7, 23, None, None, 9)
            .unwrap(),
        "the redelivery is a duplicate"
    );
    assert!(
        store
            .record(&digest("uuid:new"), 7, 23, None, None, 9)
            .unwrap()
    );
    drop(store);
    // Opened again: nothing migrates twice.
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.counts().unwrap().events, 2);
}

#[test]
fn a_later_decision_supersedes_a_dead_undo_and_waiting_is_asked_as_due_gives() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    store
        .record("e1", 7, 23, None, Some(&action()), 10)
        .unwrap();
    store
        .record("e2", 7, 23, None, Some(&action()), 20)
        .unwrap();
    let first = store.due(30, 8, &[]).unwrap()[0].id;
    // The issue's second entry waits behind its first: skipping the first leaves nothing.
    store.claim(first, 100).unwrap();
    assert_eq!(store.next_due(&[]).unwrap(), Some(100));
    assert_eq!(store.next_due(&[first]).unwrap(), None);
    store.dead(first, false, "HTTP 404").unwrap();
    assert_eq!(store.next_due(&[]).unwrap(), Some(20));
    store.record("e3", 7, 23, Some("{}"), None, 40).unwrap();
    assert_eq!(
        store.counts().unwrap().dead,
        0,
        "superseded by e3's decision"
    );
    assert_eq!(store.resend(None, 50).unwrap(), 0);
}

#[test]
fn one_issue_is_told_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("s.sqlite")).unwrap();
    let other = Action {
        iid: 24,
        ..action()
    };
    store
        .record("e1", 7, 23, None, Some(&action()), 10)
        .unwrap();
    store
        .record("e2", 7, 23, None, Some(&action()), 10)
        .unwrap();
    store.record("e3", 7, 24, None, Some(&other), 10).unwrap();
    let due = store.due(10, 8, &[]).unwrap();
    assert_eq!(
        due.iter().map(|p| p.action.iid).collect::<Vec<_>>(),
        [23, 24]
    );
    let first = due[0].id;
    let busy = store.due(10, 8, &[first]).unwrap();
    assert_eq!(
        busy.iter().map(|p| p.action.iid).collect::<Vec<_>>(),
        [24],
        "23's next waits"
    );
    store.delivered(first).unwrap();
    let next = store.due(10, 8, &[]).unwrap();
    assert_eq!(
        next.iter()
            .map(|p| (p.action.iid, p.id > first))
            .collect::<Vec<_>>(),
        [(23, true), (24, true)]
    );
}

#[test]
fn the_outbox_survives_a_reopen_and_empties_on_delivery() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.sqlite");
    {
        let store = SqliteStore::open(&path).unwrap();
        store
            .record("e1", 7, 23, None, Some(&action()), 10)
            .unwrap();
        let id = store.due(10, 1, &[]).unwrap()[0].id;
        store.claim(id, 10).unwrap();
        store.retry(id, false, false, 500, "HTTP 502").unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.next_due(&[]).unwrap(), Some(500));
    let p = store.due(500, 1, &[]).unwrap().remove(0);
    assert_eq!(p.attempts, 1);
    store.updated(p.id).unwrap();
    assert!(store.due(500, 1, &[]).unwrap()[0].updated);
    store.delivered(p.id).unwrap();
    assert_eq!(store.counts().unwrap().pending, 0);
}
