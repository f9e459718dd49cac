//! An accepted command allocates nothing (issue 17): the transition's labels and people are
//! shared names held inline, and the history has room for a typical life. A counting allocator
//! counts this thread's allocations exactly, so the assertion is deterministic.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use csops_core::workflow::Command;
use csops_core::{Directory, Name, Workflow};

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call goes to `System` with the caller's arguments; the counter only observes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's layout, as GlobalAlloc::alloc requires.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: as GlobalAlloc::realloc requires, from the caller.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCS.with(Cell::get);
    let out = f();
    (out, ALLOCS.with(Cell::get) - before)
}

fn cmd(json: &str) -> Command {
    Command::from_json(json).unwrap()
}

#[test]
fn an_accepted_command_allocates_nothing() {
    let dir = Directory::from_json(
        r#"{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}"#,
    )
    .unwrap();
    let wf = Workflow::with_directory(dir);
    let req = wf
        .load_request(
            r#"{"id": 1, "author": "rita", "labels": ["CSOps", "Gainsight"], "change_kind": "gainsight_rule",
                "created_at": "2026-01-05T09:00:00Z"}"#,
        )
        .unwrap();
    let life = [
        (cmd(r#"{"type": "triage"}"#), "lena"),
        (cmd(r#"{"type": "ready", "weight": 3}"#), "lena"),
        (cmd(r#"{"type": "start"}"#), "omar"),
        (cmd(r#"{"type": "block", "reason": "data"}"#), "omar"),
        (cmd(r#"{"type": "unblock"}"#), "omar"),
        (
            cmd(r#"{"type": "request_review", "reviewer": "gia", "summary": "s"}"#),
            "omar",
        ),
        (cmd(r#"{"type": "approve_review"}"#), "gia"),
        (
            cmd(
                r#"{"type": "complete", "checklist": {"handbook_updated": true, "gainsight_changelog": true,
                    "stakeholders_communicated": true, "lead_informed": {"summary": "done"}}}"#,
            ),
            "omar",
        ),
    ];
    // A loaded request and a copy of it alike.
    for mut req in [req.clone(), req] {
        let mut at: chrono::DateTime<chrono::Utc> = "2026-01-06T09:00:00Z".parse().unwrap();
        for (command, actor) in life.clone() {
            at += chrono::Duration::minutes(5);
            let (result, n) = allocations(|| {
                let r = wf.apply(&mut req, command, actor, at);
                // What the caller reads, read: the result's names, then the result dropped.
                let ok = match &r {
                    Ok(t) => Ok(t.notifications.len() + t.add_labels.len()),
                    Err(e) => Err(e.kind),
                };
                drop(r);
                ok
            });
            assert!(result.is_ok(), "{actor} was refused at {}", req.state());
            assert_eq!(n, 0, "{actor}'s command allocated {n} times");
        }
        assert_eq!(req.history().len(), 8);
    }
}

#[test]
fn results_share_the_names_they_carry() {
    let wf = Workflow::with_directory(
        Directory::from_json(r#"{"lena": ["workstream_lead:Gainsight"]}"#).unwrap(),
    );
    let mut req = wf
        .load_request(r#"{"id": 1, "author": "rita", "labels": ["CSOps", "Gainsight"], "created_at": "2026-01-05T09:00:00Z"}"#)
        .unwrap();
    let t = wf
        .apply(
            &mut req,
            cmd(r#"{"type": "triage"}"#),
            "lena",
            "2026-01-06T09:00:00Z".parse().unwrap(),
        )
        .unwrap();
    let canonical: &Name = wf
        .taxonomy()
        .canonical_name(csops_core::State::Triage)
        .unwrap();
    assert!(Name::ptr_eq(&t.add_labels[0], canonical));
    assert!(
        req.labels()
            .as_slice()
            .iter()
            .any(|l| Name::ptr_eq(l, canonical))
    );
    assert!(Name::ptr_eq(
        &req.history()[0].actor,
        wf.directory().name("lena").unwrap()
    ));
    assert_eq!(t.notifications[0].to, "rita");
}
