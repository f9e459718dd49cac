"""The notebook-style example (examples/notebook/health_book.py) runs and says what it should."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import csops

ROOT = Path(__file__).resolve().parents[2]


def test_health_book_example(tmp_path: Path) -> None:
    png = tmp_path / "bands.png"
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples/notebook/health_book.py"), "--accounts", "5000", "--png", str(png)],
        check=True, capture_output=True, text=True,
    ).stdout
    assert "5,000 accounts scored with 11 measures, as of 2026-11-30" in out
    assert re.search(r"^  Red +[\d,]+ +[\d.]+ %$", out, re.M)  # band counts with their percent
    # Segments by their display names, never their ids.
    assert csops.title("high_touch") in out and csops.title("tech_touch") in out and "tech_touch" not in out
    assert "accounts turned red; the ten largest by ARR" in out and "reasons: " in out
    assert "NRR " in out and "GRR " in out and "ROC AUC" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
