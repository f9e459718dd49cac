"""The health bench's pandas version (benches/health_python.py) computes what csops computes,
so that the speed-up it reports compares like with like; and the bench runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import csops

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benches/health_python.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("health_python", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_pandas_version_agrees_with_csops() -> None:
    bench = load_bench()
    card = csops.Scorecard.default()
    cols = bench.book(card, 20_000, seed=5)
    ours = card.score_batch(cols)
    theirs = bench.pandas_scores(card.to_dict(), pd.DataFrame(cols))
    assert np.array_equal(np.isnan(ours["score"]), theirs["score"].isna().to_numpy())
    assert np.nanmax(np.abs(ours["score"] - theirs["score"].to_numpy(dtype=float))) < 1e-9
    assert list(ours["band"]) == list(theirs["band"])
    assert np.allclose(ours["coverage"], theirs["coverage"].to_numpy(), atol=1e-12)
    # The book is not trivial: every band and Unknown occur, and the veto fires.
    assert set(ours["band"]) == {"Red", "Yellow", "Green", "Unknown"}
    red_sentiment = cols["csm_sentiment"] == 0
    assert (np.asarray(ours["band"])[red_sentiment] == "Red").all()


def test_bench_runs_on_a_small_book() -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--accounts", "5000", "--rounds", "1"],
        check=True, capture_output=True, text=True,
    ).stdout
    assert "pandas agrees with csops" in out and "faster than pandas" in out
