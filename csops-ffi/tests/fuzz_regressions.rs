//! Replays the C ABI fuzz target's inputs in the normal suite: its seeds
//! (`csops-core/fuzz/corpus/ffi/`) and every input fuzzing ever broke
//! (`csops-core/fuzz/regressions/ffi/`). Fuzzing itself is `scripts/fuzz`.

#[path = "../../csops-core/fuzz/ffi_targets.rs"]
mod ffi_targets;

use std::path::Path;

fn replay(folder: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../csops-core/fuzz")
        .join(folder)
        .join("ffi");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut n = 0;
    for entry in entries {
        let path = entry.expect("entry").path();
        let data = std::fs::read(&path).expect("input");
        if std::panic::catch_unwind(|| ffi_targets::ffi(&data)).is_err() {
            panic!("the ffi fuzz target fails on {}", path.display());
        }
        n += 1;
    }
    n
}

#[test]
fn the_c_abi_target_runs_its_seeds_and_regressions() {
    assert!(
        replay("corpus") > 0,
        "no seeds for the ffi target (scripts/fuzz_seeds.py)"
    );
    replay("regressions");
}
