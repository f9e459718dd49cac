"""The backtest bench (benches/backtest.py): its pandas version (merge_asof per measure, the
time-to-live as tolerance, then the pandas scorecard) computes what `score_history` computes,
so that the ratio it reports compares like with like; and the bench runs end to end."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import csops

ROOT = Path(__file__).resolve().parents[2]


def load_bench() -> Any:
    """The bench from its file under a private name (nothing put on sys.path or under a plain
    module name: Spark's pickling, in later tests, would take it for an importable module)."""
    spec = importlib.util.spec_from_file_location("_csops_bench_backtest", ROOT / "benches" / "backtest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = load_bench()


def test_merge_asof_agrees_with_score_history() -> None:
    card = csops.Scorecard.default()
    h = bench.history(card, 300)
    dates = list(pd.date_range("2025-01-01", periods=4, freq="MS"))
    mine = card.score_history(h, dates)
    theirs = bench.pandas_as_of(card, h, dates)
    assert (mine["account"].to_numpy() == theirs["account"].to_numpy()).all()
    a, b = mine["score"].to_numpy(dtype=float), theirs["score"].to_numpy(dtype=float)
    assert np.array_equal(np.isnan(a), np.isnan(b)) and np.nanmax(np.abs(a - b)) <= 1e-9
    assert (mine["band"].astype(str).to_numpy() == theirs["band"].astype(str).to_numpy()).all()
    # Staleness is in play: some values are older than their measure's time-to-live.
    assert mine["coverage"].min() < 1.0


def test_the_bench_runs_and_writes_its_section(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    out.write_text("# Results\n\n## Backtests (issue 32)\n\nold\n\n## Next\n\nkept\n", encoding="utf-8")
    p = subprocess.run([sys.executable, str(ROOT / "benches" / "backtest.py"), "--accounts", "500",
                        "--rounds", "1", "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr
    text = out.read_text(encoding="utf-8")
    assert text.count("## Backtests (issue 32)") == 1 and "old" not in text and "## Next\n\nkept" in text
    assert "every score within 1e-9, every band equal" in text and "| 90 | 500 |" in text
