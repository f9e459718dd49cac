"""The report pages' bench (benches/pages.py): its synthetic export is what it says (requests
over half a year, most completed, some open, their label events as GitLab writes them), and the
bench runs end to end and rewrites only its own section of the results."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import csops
from csops import gitlab

ROOT = Path(__file__).resolve().parents[2]


def load_bench() -> Any:
    """The bench from its file under a private name (nothing on sys.path: see
    test_bench_backtest.py)."""
    spec = importlib.util.spec_from_file_location("_csops_bench_pages", ROOT / "benches" / "pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_synthetic_export_reads_as_requests_over_half_a_year() -> None:
    bench = load_bench()
    issues, events, directory = bench.synthetic(400)
    run = gitlab.audit(issues, events, as_of=bench.stamp(bench.AS_OF), workflow=csops.Workflow(directory=directory))
    assert run.errors == [] and run.summary["issues"] == 400 and run.summary["unmanaged"] == 0
    board = run.board.to_dict()
    assert 0 < board["open"] < 400
    assert len(run.completions) > 200
    assert run.flow["day"].nunique() > 150


def test_the_bench_runs_and_rewrites_only_its_section(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    out.write_text("# Results\n\n## Before\n\nkept\n\n## The report pages\n\nold\n\n## After\n\nkept too\n")
    done = subprocess.run([sys.executable, str(ROOT / "benches" / "pages.py"), "--issues", "300", "--runs", "1",
                           "--out", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "## Before\n\nkept" in text and "## After\n\nkept too" in text and "old" not in text
    assert "| synthetic, 300 requests | 300 |" in text
