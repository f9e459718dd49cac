//! Replays the fuzz targets' inputs in the normal suite: the seed corpora
//! (`csops-core/fuzz/corpus/<target>/`) and every input fuzzing ever broke
//! (`csops-core/fuzz/regressions/<target>/`, each fixed). A target must return on each: a panic
//! fails the test and names the file. Fuzzing itself is `scripts/fuzz`.

#[path = "../fuzz/targets.rs"]
mod targets;

use std::path::{Path, PathBuf};

fn inputs(folder: &str) -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder);
    let mut out = Vec::new();
    for dir in std::fs::read_dir(&root).expect("fuzz folder") {
        let dir = dir.expect("entry").path();
        let target = dir.file_name().unwrap().to_string_lossy().into_owned();
        if target == "ffi" {
            continue; // the C ABI's target: csops-ffi/tests/fuzz_regressions.rs
        }
        assert!(
            targets::TARGETS.iter().any(|(name, _)| *name == target),
            "{} is not a fuzz target's folder",
            dir.display()
        );
        for file in std::fs::read_dir(&dir).expect("target folder") {
            out.push((target.clone(), file.expect("file").path()));
        }
    }
    out.sort();
    out
}

fn replay(folder: &str) -> usize {
    let all = inputs(folder);
    for (target, path) in &all {
        let body = targets::TARGETS
            .iter()
            .find(|(n, _)| n == target)
            .unwrap()
            .1;
        let data = std::fs::read(path).expect("input");
        if std::panic::catch_unwind(|| body(&data)).is_err() {
            panic!("fuzz target {target} panics on {}", path.display());
        }
    }
    all.len()
}

#[test]
fn every_target_runs_its_seeds() {
    let seeds = inputs("corpus");
    for (name, _) in targets::TARGETS {
        assert!(
            seeds.iter().any(|(t, _)| t == name),
            "fuzz target {name} has no seeds (scripts/fuzz_seeds.py)"
        );
    }
    assert_eq!(replay("corpus"), seeds.len());
}

#[test]
fn every_input_fuzzing_broke_stays_fixed() {
    assert!(replay("regressions") > 0);
}
