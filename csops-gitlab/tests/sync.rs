//! The sync against the stand-in GitLab (loopback): what it writes equals what GitLab holds,
//! an audit of it equals an audit of the same data exported by hand, it is incremental, it
//! survives 500s, slow answers and a rate limit, and a sync killed at any point and run again
//! leaves exactly what one uninterrupted sync leaves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use csops_core::{Config, Directory, Workflow};
use csops_gitlab::{Options, Progress, Report, Scope, SyncError, Token, sync};
use gitlab_standin::{Data, Faults, Project, Standin, generate, serve};
use serde_json::Value;

const TOKEN: &str = "glpat-standin-secret";

fn export_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/gitlab-export")
}

fn project() -> Project {
    Project {
        id: 4417,
        path: "cs-ops/requests".into(),
    }
}

fn options(standin: &Standin, target: &str, folder: &Path) -> Options {
    let mut o = Options::new(
        &standin.url(),
        Scope::Project,
        target,
        folder,
        Some(Token::new(TOKEN, false)),
    )
    .unwrap();
    o.timeout = Duration::from_secs(5);
    o
}

async fn run(o: &Options) -> Result<Report, SyncError> {
    sync(o, &|_: &Progress| {}).await
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Every file of a folder, by its path inside it (the `.partial` working folder left out).
fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if rel.starts_with(".partial") {
                continue;
            }
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// The label events of an export folder as one `{"iid": [...]}` object.
fn events_object(folder: &Path) -> String {
    let mut by = serde_json::Map::new();
    for e in std::fs::read_dir(folder.join("label_events")).unwrap() {
        let p = e.unwrap().path();
        by.insert(
            p.file_stem().unwrap().to_string_lossy().into_owned(),
            read(&p),
        );
    }
    Value::Object(by).to_string()
}

fn audit(folder: &Path, directory: &Path) -> Value {
    let wf = Workflow::new(
        Directory::from_json(&std::fs::read_to_string(directory).unwrap()).unwrap(),
        Config::default(),
    )
    .unwrap();
    let issues = std::fs::read_to_string(folder.join("issues.json")).unwrap();
    let run = csops_core::gitlab::audit_export(
        &wf,
        &issues,
        Some(&events_object(folder)),
        "2026-03-16T09:00:00Z".parse().unwrap(),
    )
    .unwrap();
    serde_json::to_value(run).unwrap()
}

#[tokio::test]
async fn a_synced_folder_holds_what_gitlab_holds_and_audits_as_the_hand_made_export() {
    let data = Data::from_export(&export_dir(), project()).unwrap();
    // GitLab's smallest pages for label events would be 20; ask for 100 but serve pages of 3
    // by path to make every issue's events span pages: the stand-in caps per_page at 100, so
    // page through a project whose issues have up to 13 events with per_page=3.
    let standin = serve(data, TOKEN, Faults::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&standin, "cs-ops/requests", dir.path());
    o.per_page = 3;
    let report = run(&o).await.unwrap();

    let hand = read(&export_dir().join("issues.json"));
    let synced = read(&dir.path().join("issues.json"));
    let by_iid = |v: &Value| -> BTreeMap<u64, Value> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|i| (i["iid"].as_u64().unwrap(), i.clone()))
            .collect()
    };
    assert_eq!(
        by_iid(&synced),
        by_iid(&hand),
        "the issues as GitLab sent them"
    );
    for e in std::fs::read_dir(export_dir().join("label_events")).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap();
        assert_eq!(
            read(&dir.path().join("label_events").join(name)),
            read(&p),
            "{name:?}"
        );
    }
    assert_eq!(report.issues_fetched, by_iid(&hand).len());
    assert!(report.full && report.since.is_none() && report.mark.is_some());
    let directory = export_dir().join("directory.json");
    let (synced_run, hand_run) = (
        audit(dir.path(), &directory),
        audit(&export_dir(), &directory),
    );
    assert_eq!(
        synced_run, hand_run,
        "audit of the synced folder = audit of the export"
    );
    assert!(
        synced_run["audit"]["summary"]["issues_with_violations"]
            .as_u64()
            .unwrap()
            > 0
    );
    let tally = standin.tally();
    assert!(
        tally.by_kind["issues"] > 1,
        "the list was read over several pages"
    );
}

#[tokio::test]
async fn gitlab_s_faults_are_waited_out_and_the_result_is_the_same() {
    let dir_clean = tempfile::tempdir().unwrap();
    let dir_faulty = tempfile::tempdir().unwrap();
    let data = generate(project(), 120, 20, 7);
    let clean = serve(data.clone(), TOKEN, Faults::default()).await.unwrap();
    run(&options(&clean, "4417", dir_clean.path()))
        .await
        .unwrap();

    let faults = Faults {
        fail_every: Some(5),
        slow_every: Some((11, Duration::from_millis(1500))),
        no_link: true,
        ..Faults::default()
    };
    let faulty = serve(data, TOKEN, faults).await.unwrap();
    let mut o = options(&faulty, "4417", dir_faulty.path());
    o.timeout = Duration::from_secs(1); // the slow answers time out and are tried again
    let report = run(&o).await.unwrap();
    assert!(report.retries > 20, "{report:?}");
    assert!(faulty.tally().failed > 20);
    let (a, b) = (files(dir_clean.path()), files(dir_faulty.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        if k != "sync.json" {
            assert!(b[k] == *v, "{k} differs");
        }
    }
}

#[tokio::test]
async fn a_second_sync_fetches_only_what_changed_and_ends_where_a_full_one_does() {
    let data = generate(project(), 300, 20, 3);
    let standin = serve(data, TOKEN, Faults::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let o = options(&standin, "cs-ops/requests", dir.path());
    let first = run(&o).await.unwrap();
    assert_eq!(first.issues_fetched, 300);
    {
        let mut d = standin.data();
        let now = chrono::Utc::now().timestamp_millis();
        for iid in [5, 77, 250] {
            assert!(d.relabel(
                4417,
                iid,
                &["CSOps::Triage"],
                &["CSOps::Completed"],
                "lena",
                now
            ));
        }
        d.move_issue(4417, 9, 4417, now);
    }
    standin.reset_tally();
    let second = run(&o).await.unwrap();
    assert!(!second.full);
    // The 3 moved, the moved issue and the new one; and those within the overlap of the newest.
    assert!(
        second.issues_fetched >= 5 && second.issues_fetched <= 8,
        "{second:?}"
    );
    assert_eq!(second.issues_in_folder, 301);
    assert!(
        second.calls * 100 <= first.calls * 3,
        "{} calls of {}",
        second.calls,
        first.calls
    );
    let fresh = tempfile::tempdir().unwrap();
    run(&options(&standin, "cs-ops/requests", fresh.path()))
        .await
        .unwrap();
    let (a, b) = (files(dir.path()), files(fresh.path()));
    assert_eq!(a, b, "an incremental sync leaves what a full one leaves");
}

#[tokio::test]
async fn a_full_sync_leaves_what_a_fresh_one_does_deleted_issues_gone() {
    let standin = serve(generate(project(), 40, 6, 9), TOKEN, Faults::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    run(&options(&standin, "4417", dir.path())).await.unwrap();
    assert!(standin.data().delete(4417, 13));
    // An incremental sync cannot know (GitLab lists no deletions); a full one does.
    let inc = run(&options(&standin, "4417", dir.path())).await.unwrap();
    assert_eq!(inc.issues_in_folder, 40);
    let mut o = options(&standin, "4417", dir.path());
    o.full = true;
    let full = run(&o).await.unwrap();
    assert_eq!(full.issues_in_folder, 39);
    assert!(!dir.path().join("label_events/13.json").exists());
    let fresh = tempfile::tempdir().unwrap();
    run(&options(&standin, "4417", fresh.path())).await.unwrap();
    let (a, b) = (files(dir.path()), files(fresh.path()));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(k == "sync.json" || b[k] == *v, "{k} differs");
    }
}

#[tokio::test]
async fn a_refused_token_or_a_wrong_project_stops_with_what_to_check() {
    let standin = serve(generate(project(), 3, 5, 1), TOKEN, Faults::default())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&standin, "cs-ops/requests", dir.path());
    o.token = Token::new("glpat-wrong-secret", false);
    let e = run(&o).await.unwrap_err();
    assert_eq!(e.kind(), "unauthorized");
    let text = format!("{e} {e:?}");
    assert!(
        text.contains("read_api") && !text.contains("secret"),
        "{text}"
    );
    assert!(
        !dir.path().join("sync.json").exists(),
        "no mark without data"
    );

    let o = options(&standin, "cs-ops/nope", dir.path());
    let e = run(&o).await.unwrap_err();
    assert_eq!(e.kind(), "not_found");
    assert!(e.to_string().contains("project cs-ops/nope"), "{e}");

    let o = options(&standin, "cs-ops/requests", dir.path());
    run(&o).await.unwrap();
    let other = options(&standin, "4417", dir.path());
    assert_eq!(run(&other).await.unwrap_err().kind(), "folder");

    // A 403 names the membership and the scope to check; a GitLab that keeps failing is given
    // up on after the attempts, naming the last failure; neither moves a mark.
    let fresh = tempfile::tempdir().unwrap();
    standin.faults().answer_kinds = vec![("issues".into(), 403)];
    let e = run(&options(&standin, "cs-ops/requests", fresh.path()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), "forbidden");
    assert!(
        e.to_string().contains("Guest or above") && e.to_string().contains("read_api"),
        "{e}"
    );
    standin.faults().answer_kinds = vec![("label_events".into(), 500)];
    let mut o = options(&standin, "cs-ops/requests", fresh.path());
    o.attempts = 2;
    let e = run(&o).await.unwrap_err();
    assert_eq!(e.kind(), "gave_up");
    assert!(
        e.to_string().contains("after 2 attempts") && e.to_string().contains("HTTP 500"),
        "{e}"
    );
    let state: Value = read(&fresh.path().join("sync.json"));
    assert_eq!(state["mark"], Value::Null, "no mark without the data");
}

#[tokio::test]
async fn a_group_s_projects_each_get_an_export() {
    let mut data = generate(project(), 20, 8, 1);
    let other = generate(
        Project {
            id: 4418,
            path: "cs-ops/renewals".into(),
        },
        12,
        8,
        2,
    );
    data.projects.extend(other.projects);
    data.issues.extend(other.issues);
    let standin = serve(data, TOKEN, Faults::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&standin, "cs-ops", dir.path());
    o.target.scope = Scope::Group;
    let report = run(&o).await.unwrap();
    assert_eq!((report.projects, report.issues_in_folder), (2, 32));
    let one = read(&dir.path().join("cs-ops/requests/issues.json"));
    let two = read(&dir.path().join("cs-ops/renewals/issues.json"));
    assert_eq!(
        (one.as_array().unwrap().len(), two.as_array().unwrap().len()),
        (20, 12)
    );
    assert!(
        dir.path()
            .join("cs-ops/renewals/label_events/12.json")
            .is_file()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_rate_limit_the_sync_stays_under_it_after_the_first_429_and_uses_most_of_it() {
    // 40 calls per 2-second window: ~200 calls take five windows or so.
    let limit = 40;
    let faults = Faults {
        rate_limit: Some((limit, 2)),
        ..Faults::default()
    };
    let standin = serve(generate(project(), 230, 10, 5), TOKEN, faults)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut o = options(&standin, "4417", dir.path());
    o.rate_period = Duration::from_secs(2);
    let report = run(&o).await.unwrap();
    let tally = standin.tally();
    assert!(report.rate_limited >= 1 && tally.first_throttled_window.is_some());
    let most = tally.most_after_first_429().unwrap();
    assert!(
        most <= limit,
        "{most} calls in one window after the first 429: {tally:?}"
    );
    let full = tally.steady_windows_after_first_429();
    assert!(!full.is_empty(), "{tally:?}");
    for n in full {
        assert!(
            n * 10 >= limit * 9,
            "a window used {n} of {limit}: {tally:?}"
        );
    }
    assert_eq!(report.issues_in_folder, 230);
}

/// The sync binary, killed with SIGKILL once the stand-in has answered `k` calls, then run
/// again to its end: the folder must equal one uninterrupted sync's, byte for byte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_killed_at_any_point_and_run_again_leaves_what_one_sync_leaves() {
    let data = generate(project(), 150, 25, 11);
    let standin = serve(data, TOKEN, Faults::default()).await.unwrap();
    let reference = tempfile::tempdir().unwrap();
    let whole = run(&options(&standin, "cs-ops/requests", reference.path()))
        .await
        .unwrap();
    let expected = files(reference.path());
    let calls = whole.calls;
    let bin = env!("CARGO_BIN_EXE_csops-gitlab-sync");
    let spawn = |folder: &Path| {
        Command::new(bin)
            .args([&standin.url(), "cs-ops/requests", folder.to_str().unwrap()])
            .env("CSOPS_GITLAB_TOKEN", TOKEN)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // The binary, made to exit right after its nth file is written (as if killed there).
    let crash_after = |folder: &Path, n: u32| {
        Command::new(bin)
            .args([&standin.url(), "cs-ops/requests", folder.to_str().unwrap()])
            .env("CSOPS_GITLAB_TOKEN", TOKEN)
            .env(csops_gitlab::folder::CRASH_VARIABLE, n.to_string())
            .stdout(Stdio::null())
            .status()
            .unwrap()
    };
    let mut killed_mid_way = 0;
    for k in [
        1,
        2,
        3,
        10,
        40,
        80,
        120,
        calls - 20,
        calls - 2,
        calls,
        calls + 1_000,
    ] {
        let dir = tempfile::tempdir().unwrap();
        standin.reset_tally();
        let mut child = spawn(dir.path());
        let mut finished = false;
        for _ in 0..4000 {
            if child.try_wait().unwrap().is_some() {
                finished = true;
                break;
            }
            if standin.tally().calls >= k {
                break;
            }
            tokio::time::sleep(Duration::from_micros(250)).await;
        }
        if !finished {
            child.kill().unwrap(); // SIGKILL
            killed_mid_way += 1;
        }
        child.wait().unwrap();
        // Run again, to its end.
        let status = spawn(dir.path()).wait().unwrap();
        assert!(status.success(), "k={k}");
        assert_eq!(files(dir.path()), expected, "killed after {k} calls");
    }
    assert!(
        killed_mid_way >= 8,
        "only {killed_mid_way} runs were killed part way"
    );

    // And between any two files it writes: sync.json claiming the folder, 150 label event
    // files, issues.json, and sync.json with the mark, last.
    let writes = 153;
    for n in [1, 2, 3, 76, 150, 151, 152, 153] {
        let dir = tempfile::tempdir().unwrap();
        let crashed = crash_after(dir.path(), n);
        assert_eq!(
            crashed.code(),
            Some(csops_gitlab::folder::CRASH_EXIT),
            "n={n}: {crashed:?}"
        );
        let status = spawn(dir.path()).wait().unwrap();
        assert!(status.success(), "n={n}");
        assert_eq!(
            files(dir.path()),
            expected,
            "crashed after {n} of {writes} writes"
        );
    }

    // An incremental sync killed part way, from the folder the first sync left: 12 issues
    // changed on GitLab (one moved to a new iid), then killed at every few writes and run again.
    let base = files(reference.path());
    {
        let mut d = standin.data();
        let now = chrono::Utc::now().timestamp_millis();
        for iid in (3..150).step_by(13) {
            assert!(d.relabel(
                4417,
                iid,
                &["CSOps::Triage"],
                &["CSOps::Completed"],
                "gia",
                now
            ));
        }
        d.move_issue(4417, 7, 4417, now);
    }
    let restore = |dir: &Path| {
        for (rel, bytes) in &base {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
    };
    let once = tempfile::tempdir().unwrap();
    restore(once.path());
    assert!(spawn(once.path()).wait().unwrap().success());
    let expected = files(once.path());
    assert_ne!(expected, base, "the incremental sync changed the folder");
    for n in [1, 2, 5, 9, 13, 14, 15, 16] {
        let dir = tempfile::tempdir().unwrap();
        restore(dir.path());
        let crashed = crash_after(dir.path(), n);
        let status = spawn(dir.path()).wait().unwrap();
        assert!(status.success(), "n={n}");
        assert_eq!(
            files(dir.path()),
            expected,
            "an incremental sync crashed after {n} writes ({crashed:?})"
        );
    }
}
