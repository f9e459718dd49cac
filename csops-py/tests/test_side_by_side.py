"""The side-by-side harness (benches/side_by_side.py) compares like with like: the `transitions`
machine accepts and rejects what csops does, and the harness refuses to time pairs that
disagree."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> Any:
    sys.path.insert(0, str(ROOT / "benches"))
    spec = importlib.util.spec_from_file_location(name, ROOT / "benches" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_the_transitions_machine_agrees_with_csops_command_by_command() -> None:
    sbs = load("side_by_side")
    requests, cmds = sbs.stream(6)
    ours, theirs = sbs.run_csops(requests, cmds), sbs.run_transitions(requests, cmds)
    assert ours == theirs
    accepted = [ok for ok, _ in ours]
    assert 0 < sum(accepted) < len(accepted)  # both accepted and rejected commands are compared
    assert {state for _, state in ours} >= {"Triage", "InProcess", "Blocked", "AwaitingFeedback", "Completed"}


def test_a_disagreement_stops_the_harness(monkeypatch: pytest.MonkeyPatch) -> None:
    sbs = load("side_by_side")
    real = sbs.run_transitions

    def off_by_one(requests: Any, cmds: Any) -> Any:
        out = real(requests, cmds)
        out[3] = (not out[3][0], out[3][1])
        return out

    monkeypatch.setattr(sbs, "run_transitions", off_by_one)
    with pytest.raises(SystemExit, match="disagree at command 3"):
        sbs.workflow_rows(4, 1)


def test_the_quick_run_writes_a_table(tmp_path: Path) -> None:
    sbs = load("side_by_side")
    out = tmp_path / "RESULTS.md"
    assert sbs.main(["--quick", "--runs", "1", "--out", str(out)]) == 0
    text = out.read_text()
    assert "| workflow: 600 commands" in text and "Machine: " in text
    assert text.count("| health: score_batch") == 4 and text.count("| metrics:") == 5
    assert "| health: scaling, 1,000 → 5,000 accounts" in text and "## Rust" not in text


def test_a_failing_rust_bench_stops_the_report(monkeypatch: pytest.MonkeyPatch) -> None:
    sbs = load("side_by_side")

    def failed(*args: Any, **kwargs: Any) -> Any:
        return sbs.subprocess.CompletedProcess(args, 101, stdout="", stderr="error[E0425]: not found")

    monkeypatch.setattr(sbs.subprocess, "run", failed)
    with pytest.raises(SystemExit, match="figures failed:\n.*E0425"):
        sbs.rust_rows()


def test_the_rust_rows_read_the_figures_bench(monkeypatch: pytest.MonkeyPatch) -> None:
    sbs = load("side_by_side")
    keys = ["labels_per_s", "commands_per_s", "replay_steps_per_s", "reconstruct_events_per_s", "board_report_ms",
            "single_score_us", "batch_ms", "batch_floor_ratio", "floor_ms", "nps_ms", "nrr_per_account_ms",
            "allocations_per_command", "allocations_per_accepted_command",
            "allocations_per_rejected_command", "bytes_per_request", "allocations_per_scored_account",
            "allocations_per_single_score", "heap_peak_mib", "peak_rss_mib"]
    figures = dict.fromkeys(keys, 1.0) | {"labels_per_s": 25e6, "commands_per_s": 2e6, "batch_floor_ratio": 1.5,
                                           "allocations_per_accepted_command": 0.0}

    def ran(*args: Any, **kwargs: Any) -> Any:
        return sbs.subprocess.CompletedProcess(args, 0, stdout="table\n" + sbs.json.dumps(figures), stderr="")

    monkeypatch.setattr(sbs.subprocess, "run", ran)
    rows = {r[0]: r for r in sbs.rust_rows()}
    assert rows["label parsing (9 mixed spellings)"][1:] == ["25.0 M labels/s", "≥ 20 M/s", "yes"]
    assert rows["command application (the workflow stream above, 1 in 3 rejected)"][3] == "**no**"
    assert rows["batch scoring, 1,000,000 accounts, 1 thread"][3] == "yes"
    assert rows["memory: allocations per accepted / rejected command"][1:] == ["0.000 / 1.00", "0 per accepted", "yes"]
