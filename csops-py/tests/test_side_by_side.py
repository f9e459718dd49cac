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
