//! The service on a loopback port against a stand-in GitLab (`support`): allowed and refused
//! moves, the exact REST calls, wrong tokens, bad bodies, duplicate deliveries, GitLab down and
//! back, and a restart between two events. The faults a deployment meets are in `faults.rs`.

mod support;

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};
use support::*;

#[tokio::test]
async fn an_allowed_move_is_kept_and_a_refused_one_is_undone_through_the_rest_api() {
    let (dir, g, gaddr, _g) = standin().await;
    let svc = service(&settings(dir.path(), gaddr)).await;

    let (status, d) = deliver(
        svc.addr,
        &hook(23, "lena", Some(BASE), TRIAGE, "2026-03-03 10:00:00 UTC"),
        Some("u1"),
    )
    .await;
    assert_eq!(
        (status, &d["allowed"], &d["moved"], &d["to"]),
        (200, &json!(true), &json!(true), &json!("Triage")),
        "{d}"
    );

    let (status, d) = deliver(
        svc.addr,
        &hook(
            23,
            "omar",
            Some(TRIAGE),
            IN_PROCESS,
            "2026-03-03 10:15:00 UTC",
        ),
        Some("u2"),
    )
    .await;
    assert_eq!((status, &d["allowed"]), (200, &json!(false)), "{d}");
    eventually("GitLab is told", || g.calls().len() == 2).await;
    let calls = g.calls();
    assert_eq!(calls[0].method, "PUT");
    assert_eq!(calls[0].path, "/projects/7/issues/23");
    assert_eq!(
        calls[0].body,
        json!({"add_labels": "CSOps::Triage", "remove_labels": "CSOps::In_Process"})
    );
    assert_eq!(calls[0].token, "glpat-test");
    assert_eq!(calls[1].method, "POST");
    assert_eq!(calls[1].path, "/projects/7/issues/23/notes");
    let note = calls[1].body["body"].as_str().unwrap();
    assert!(note.contains("invalid_transition"), "{note}");

    // GitLab's hook for the service's own undo (In Process -> Triage, by the token's user) is no
    // move from the Triage csops kept: nothing is refused, nothing undone again.
    let (status, d) = deliver(
        svc.addr,
        &hook(
            23,
            "csops-bot",
            Some(IN_PROCESS),
            TRIAGE,
            "2026-03-03 10:15:01 UTC",
        ),
        Some("u2-echo"),
    )
    .await;
    assert_eq!(
        (status, &d["moved"], &d["allowed"]),
        (200, &json!(false), &json!(true)),
        "{d}"
    );
    // A move the payload says began elsewhere is judged from the state csops kept (Triage).
    let (_, d) = deliver(
        svc.addr,
        &hook(
            23,
            "omar",
            Some(IN_PROCESS),
            &["CSOps", "CS Analytics", "CSOps::Blocked"],
            "2026-03-03 10:20:00 UTC",
        ),
        Some("u2b"),
    )
    .await;
    assert_eq!(
        (&d["from"], &d["allowed"]),
        (&json!("Triage"), &json!(false)),
        "{d}"
    );
    eventually("that one undone too", || g.calls().len() == 4).await;
    assert_eq!(
        g.calls()[2].body,
        json!({"add_labels": "CSOps::Triage", "remove_labels": "CSOps::Blocked"})
    );

    // An issue csops does not manage is left alone.
    let (status, d) = deliver(
        svc.addr,
        &hook(
            24,
            "omar",
            Some(&["frontend"]),
            &["backend"],
            "2026-03-03 11:00:00 UTC",
        ),
        Some("u3"),
    )
    .await;
    assert_eq!((status, &d["managed"]), (200, &json!(false)));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        g.calls().len(),
        4,
        "nothing is said about an unmanaged issue or the echo"
    );
    svc.shutdown().await;
}

#[tokio::test]
async fn strangers_and_bad_bodies_are_refused_and_nothing_is_decided() {
    let (dir, g, gaddr, _g) = standin().await;
    let s = settings(dir.path(), gaddr);
    let svc = service(&s).await;
    let body = hook(
        23,
        "omar",
        Some(TRIAGE),
        IN_PROCESS,
        "2026-03-03 10:15:00 UTC",
    );
    let json_ct = ("Content-Type", "application/json");
    let issue = ("X-Gitlab-Event", "Issue Hook");
    assert_eq!(
        send(svc.addr, &body, &[json_ct, issue]).await.0,
        401,
        "no token"
    );
    assert_eq!(
        send(
            svc.addr,
            &body,
            &[json_ct, issue, ("X-Gitlab-Token", "s3cret-tokeN")]
        )
        .await
        .0,
        401,
        "wrong token"
    );
    assert_eq!(
        send(
            svc.addr,
            &body,
            &[json_ct, issue, ("X-Gitlab-Token", "s3cret-token-and-more")]
        )
        .await
        .0,
        401,
        "longer token"
    );
    let ok = ("X-Gitlab-Token", SECRET);
    let big = format!(
        "{{\"object_kind\": \"issue\", \"pad\": \"{}\"}}",
        "x".repeat(70 * 1024)
    );
    assert_eq!(
        send(svc.addr, &big, &[json_ct, issue, ok]).await.0,
        413,
        "oversized"
    );
    assert_eq!(
        send(
            svc.addr,
            "{\"object_kind\": \"issue\", ",
            &[json_ct, issue, ok]
        )
        .await
        .0,
        400,
        "truncated JSON"
    );
    assert_eq!(
        send(
            svc.addr,
            "object_kind=issue",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                issue,
                ok
            ]
        )
        .await
        .0,
        415,
        "not JSON"
    );
    assert_eq!(
        send(
            svc.addr,
            &body,
            &[json_ct, ("X-Gitlab-Event", "Push Hook"), ok]
        )
        .await
        .0,
        202,
        "another event kind"
    );
    let note = body.replace("\"object_kind\":\"issue\"", "\"object_kind\":\"note\"");
    assert_eq!(
        send(svc.addr, &note, &[json_ct, issue, ok]).await.0,
        202,
        "a payload of another kind"
    );
    let (status, e) = send(
        svc.addr,
        "{\"object_kind\": \"issue\", \"user\": {\"username\": \"x\"}}",
        &[json_ct, issue, ok],
    )
    .await;
    assert_eq!(
        (status, e["key"].as_str()),
        (400, Some("object_attributes")),
        "{e}"
    );
    svc.shutdown().await;
    let store = csops_webhook_service::SqliteStore::open(&s.store_path).unwrap();
    use csops_webhook_service::Store;
    let counts = store.counts().unwrap();
    assert_eq!(
        (counts.events, counts.pending, counts.dead),
        (0, 0, 0),
        "nothing was decided"
    );
    assert!(g.calls().is_empty());
}

#[tokio::test]
async fn a_delivery_repeated_is_acted_on_once() {
    let (dir, g, gaddr, _g) = standin().await;
    let svc = service(&settings(dir.path(), gaddr)).await;
    let refused = hook(
        23,
        "omar",
        Some(TRIAGE),
        IN_PROCESS,
        "2026-03-03 10:15:00 UTC",
    );
    // GitLab's retries of one delivery carry its UUID; they may arrive at once.
    let addr = svc.addr;
    let sends = (0..5).map(|_| {
        let body = refused.clone();
        async move { deliver(addr, &body, Some("same-uuid")).await }
    });
    let answers = futures_join(sends).await;
    assert_eq!(
        answers
            .iter()
            .filter(|(_, d)| d["duplicate"] == json!(true))
            .count(),
        4,
        "{answers:?}"
    );
    let decided = answers.iter().filter(|(_, d)| d["allowed"] == json!(false));
    assert_eq!(decided.count(), 1, "the fifth is the decision: {answers:?}");
    // Without a UUID, the payload itself names the event.
    let other = hook(
        25,
        "omar",
        Some(TRIAGE),
        IN_PROCESS,
        "2026-03-03 10:20:00 UTC",
    );
    assert_eq!(
        deliver(svc.addr, &other, None).await.1["allowed"],
        json!(false)
    );
    assert_eq!(
        deliver(svc.addr, &other, None).await.1["duplicate"],
        json!(true)
    );
    eventually("both issues restored", || g.calls().len() == 4).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut puts: Vec<String> = g
        .calls()
        .iter()
        .filter(|c| c.method == "PUT")
        .map(|c| c.path.clone())
        .collect();
    puts.sort();
    assert_eq!(
        puts,
        ["/projects/7/issues/23", "/projects/7/issues/25"],
        "one update per event"
    );
    let notes = g.calls().iter().filter(|c| c.method == "POST").count();
    assert_eq!(notes, 2, "one note per event");
    svc.shutdown().await;
}

#[tokio::test]
async fn gitlab_down_slow_or_failing_then_back_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let g = Arc::new(GitlabState::default());
    let (gaddr, down) = gitlab(g.clone(), "127.0.0.1:0".parse().unwrap()).await;
    down.abort();
    let _ = down.await;
    let svc = service(&settings(dir.path(), gaddr)).await;
    let refused = hook(
        23,
        "omar",
        Some(TRIAGE),
        IN_PROCESS,
        "2026-03-03 10:15:00 UTC",
    );
    assert_eq!(
        deliver(svc.addr, &refused, Some("d1")).await.1["allowed"],
        json!(false)
    );
    // Down: the calls fail to connect and are retried with backoff.
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Back, but failing twice with 500 and once too slowly (past the 1 s timeout).
    g.fail.store(2, Ordering::SeqCst);
    g.slow.store(1, Ordering::SeqCst);
    g.slow_ms.store(2500, Ordering::SeqCst);
    let (_, _up) = gitlab(g.clone(), gaddr).await;
    eventually("the note is posted", || {
        g.calls().iter().any(|c| c.method == "POST")
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let calls = g.calls();
    let puts = calls.iter().filter(|c| c.method == "PUT").count();
    let posts = calls.iter().filter(|c| c.method == "POST").count();
    assert_eq!(
        (puts, posts),
        (4, 1),
        "two 500s and a timeout, then one update and one note: {calls:?}"
    );
    let health: Value = reqwest::get(format!("http://{}/healthz", svc.addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&health["pending"], &health["dead"]),
        (&json!(0), &json!(0)),
        "{health}"
    );
    svc.shutdown().await;
}

#[tokio::test]
async fn a_restart_between_two_events_keeps_the_state_and_the_outbox() {
    let (dir, g, gaddr, _g) = standin().await;
    let s = settings(dir.path(), gaddr);
    let svc = service(&s).await;
    let (_, d) = deliver(
        svc.addr,
        &hook(23, "lena", Some(BASE), TRIAGE, "2026-03-03 10:00:00 UTC"),
        Some("r1"),
    )
    .await;
    assert_eq!(d["to"], json!("Triage"));
    svc.shutdown().await;

    // The second event does not say what the labels were: only the stored request knows the
    // issue was in Triage, so only a kept state refuses omar's move to In Process.
    let svc = service(&s).await;
    let (_, d) = deliver(
        svc.addr,
        &hook(23, "omar", None, IN_PROCESS, "2026-03-03 10:15:00 UTC"),
        Some("r2"),
    )
    .await;
    assert_eq!(
        (&d["from"], &d["allowed"]),
        (&json!("Triage"), &json!(false)),
        "{d}"
    );
    // The first event, delivered again after the restart, is still a duplicate.
    let (_, d) = deliver(
        svc.addr,
        &hook(23, "lena", Some(BASE), TRIAGE, "2026-03-03 10:00:00 UTC"),
        Some("r1"),
    )
    .await;
    assert_eq!(d["duplicate"], json!(true));
    eventually("the refused move is undone", || g.calls().len() == 2).await;
    svc.shutdown().await;
}

#[tokio::test]
async fn an_undelivered_action_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let g = Arc::new(GitlabState::default());
    let (gaddr, down) = gitlab(g.clone(), "127.0.0.1:0".parse().unwrap()).await;
    down.abort();
    let _ = down.await;
    let s = settings(dir.path(), gaddr);
    let svc = service(&s).await;
    let refused = hook(
        23,
        "omar",
        Some(TRIAGE),
        IN_PROCESS,
        "2026-03-03 10:15:00 UTC",
    );
    assert_eq!(
        deliver(svc.addr, &refused, Some("o1")).await.1["allowed"],
        json!(false)
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    svc.shutdown().await;
    assert!(g.calls().is_empty());
    let (_, _up) = gitlab(g.clone(), gaddr).await;
    let svc = service(&s).await;
    eventually("delivered after the restart", || g.calls().len() == 2).await;
    svc.shutdown().await;
}

/// The README's local trial: the example settings' directory and the sample payload (omar
/// starts issue 23 from Triage without a lead's assignment): refused, its undo kept for GitLab.
#[tokio::test]
async fn the_readme_trial_is_refused_and_its_undo_waits_in_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let g = Arc::new(GitlabState::default());
    let mut s = settings(dir.path(), gitlab_down(g.clone()).await);
    let example = csops_webhook_service::Settings::from_toml(
        include_str!("../settings.example.toml"),
        std::path::Path::new("settings.example.toml"),
    )
    .unwrap();
    s.directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(&example.directory);
    let svc = service(&s).await;
    let (status, d) = deliver(svc.addr, include_str!("../sample-hook.json"), None).await;
    assert_eq!(
        (status, &d["allowed"], &d["from"], &d["to"]),
        (200, &json!(false), &json!("Triage"), &json!("InProcess")),
        "{d}"
    );
    let (_, h) = health(svc.addr).await;
    assert_eq!(h["pending"], json!(1), "{h}");
    svc.shutdown().await;
}
