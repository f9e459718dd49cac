"""The report pages from Python (SPEC §6 "A report a lead opens"): an audit run's flow and
control chart as DataFrames, a book's report, and each report's page: the same page the command
line writes, one self-contained file whose every number is the JSON report's."""

from __future__ import annotations

import html
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import csops
from csops import gitlab

ROOT = Path(__file__).resolve().parents[2]
WILD = ROOT / "examples" / "gitlab-wild"
ACCOUNTS = ROOT / "examples" / "accounts"
STATES = 12


def load(name: str) -> Any:
    return json.loads((WILD / name).read_text())


def wild_run(as_of: str = "2026-05-11T00:00:00Z") -> gitlab.AuditRun:
    wf = csops.Workflow(directory=load("directory.json"))
    return gitlab.audit(load("issues.json"), load("label_events.json"), as_of=as_of, workflow=wf)


def at(doc: Any, path: str) -> Any:
    for key in path.split("."):
        doc = doc[int(key)] if isinstance(doc, (list, tuple)) else doc[key]
    return doc


def numbers_match(page: str, doc: Any) -> int:
    """Every number the page shows equals the report's at the path it names; how many."""
    shown = re.findall(r'<span class="n" data-json="([^"]*)"(?: data-scale="([^"]*)")?( data-length)?>([^<]*)</span>',
                       page)
    for path, scale, length, text in shown:
        value = at(doc, path)
        value = len(value) if length else value
        if value is None:
            assert text == "–", path
            continue
        decimals = len(text.split(".")[1]) if "." in text else 0
        assert abs(float(text.replace(",", "")) - value / float(scale or 1)) <= 0.5 * 10 ** -decimals + 1e-9, \
            f"{path}: {text} for {value}"
    return len(shown)


def test_the_flow_and_the_control_chart_are_dataframes() -> None:
    run = wild_run()
    flow = run.flow
    assert list(flow.columns) == ["day", "state", "requests"]
    days = flow["day"].nunique()
    assert len(flow) == STATES * days
    last = flow[flow["day"] == flow["day"].max()]
    assert int(last["requests"].sum()) == run.board.to_dict()["requests"]
    completions = run.completions
    assert list(completions.columns) == ["iid", "title", "completed_at", "cycle_hours", "workstream"]
    limits = run.cycle_limits
    assert limits["count"] == len(completions) > 0
    # The lines are the percentiles of the points, as numpy computes them (linear).
    assert limits["p85_hours"] == pytest.approx(completions["cycle_hours"].quantile(0.85))
    assert run.web_urls and all(url.endswith(f"/issues/{iid}") for iid, url in run.web_urls.items())


def test_the_board_page_is_the_runs_numbers() -> None:
    run = wild_run()
    page = run.to_html("cs-ops/requests")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "cs-ops/requests" in page
    assert "NaN" not in page and "inf" not in page.lower().replace("info", "")
    assert numbers_match(page, run.to_dict()) > 50
    # A notebook shows the page in a sandboxed frame, so that its style restyles nothing else.
    framed = run._repr_html_()
    assert framed.startswith("<iframe sandbox=") and html.unescape(framed.split('srcdoc="')[1].split('"')[0]) == run.to_html()
    # A pickled run gives the same page.
    assert pickle.loads(pickle.dumps(run)).to_html("x") == run.to_html("x")


def book() -> pd.DataFrame:
    return pd.read_csv(ACCOUNTS / "book.csv")


def test_a_books_report_counts_bands_per_segment_and_lists_the_movers() -> None:
    card = csops.Scorecard.default()
    b = book()
    previous = pd.read_csv(ACCOUNTS / "scores-previous.csv").set_index("account").reindex(b["account"])
    report = card.book_report(b, b["account"], segment=b["segment"], previous=previous)
    assert report.accounts == len(b)
    bands = report.bands
    assert list(bands.columns) == ["segment", "band", "accounts"]
    scores = card.score_batch(b, segment=b["segment"], previous=previous)
    for (segment, band), n in pd.crosstab(b["segment"], scores["band"]).stack().items():
        row = bands[(bands.segment == segment) & (bands.band == band)]
        assert int(row["accounts"].iloc[0]) == n, (segment, band)
    movers = report.movers
    assert set(movers["direction"]) <= {"down", "up"}
    down = movers[movers.direction == "down"]
    assert list(down["change"]) == sorted(down["change"])
    assert all(abs(c) >= 0.05 for c in movers["change"])  # what one decimal shows is a move
    changed = (previous["band"].fillna("Unknown").to_numpy() != scores["band"].astype(str).to_numpy()).sum()
    assert report.changed == changed == int(report.changes["accounts"].sum())
    assert pickle.loads(pickle.dumps(report)) == report
    page = report.to_html("book.csv")
    assert numbers_match(page, report.to_dict()) > 5
    assert "Largest falls" in page


def test_a_book_report_without_previous_scores_has_no_movers() -> None:
    b = book()
    report = csops.Scorecard.default().book_report(b, b["account"])
    assert report.changed == 0 and report.movers.empty and report.changes.empty
    assert not report.to_dict()["compared"]
    with pytest.raises(csops.InputError, match="previous"):
        csops.Scorecard.default().book_report(b, b["account"], previous=["Green"] * len(b))
    with pytest.raises(csops.InputError, match="accounts"):
        csops.Scorecard.default().book_report(b, b["account"].head(3))


def test_a_backtests_page_is_its_numbers() -> None:
    history = pd.read_csv(ACCOUNTS / "history.csv")
    history["value"] = pd.to_numeric(history["value"], errors="coerce").astype(object).where(
        pd.to_numeric(history["value"], errors="coerce").notna(), history["value"])
    report = csops.Scorecard.default().backtest(history, pd.read_csv(ACCOUNTS / "outcomes.csv"), bootstrap=50)
    page = report.to_html()
    assert numbers_match(page, report.to_dict()) > 20
    assert report._repr_html_().startswith("<iframe sandbox=")
    assert page.count("<polyline") >= len(report.lead_days)


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "csops", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_the_command_line_writes_the_pages(tmp_path: Path) -> None:
    board = tmp_path / "board.html"
    done = cli("audit", WILD, "--as-of", "2026-04-01", "--html", board)
    assert done.returncode == 0, done.stderr
    assert f"Wrote the board's page to {board}" in done.stdout
    run = wild_run("2026-04-01T00:00:00Z")
    assert board.read_text() == run.to_html(str(WILD))
    as_json = cli("audit", WILD, "--as-of", "2026-04-01", "--json", "--html", board)
    assert json.loads(as_json.stdout)["audit"]["summary"]["not_yet_created"] > 0
    assert "Wrote the board's page" in as_json.stderr

    page = tmp_path / "book.html"
    done = cli("score", ACCOUNTS / "book.csv", "--segment-column", "segment", "--previous",
               ACCOUNTS / "scores-previous.csv", "--html", page)
    assert done.returncode == 0, done.stderr
    assert "Largest falls" in page.read_text()
    refused = cli("score", ACCOUNTS / "book.csv", "--previous", ACCOUNTS / "scores-previous.csv")
    assert refused.returncode == 2 and "--html" in refused.stderr
    wrong = cli("score", ACCOUNTS / "book.csv", "--previous", ACCOUNTS / "book.csv", "--html", page)
    assert wrong.returncode == 2 and "no column 'score'" in wrong.stderr

    bt = tmp_path / "backtest.html"
    done = cli("backtest", ACCOUNTS / "history.csv", ACCOUNTS / "outcomes.csv", "--bootstrap", "20", "--html", bt)
    assert done.returncode == 0, done.stderr
    assert '<figure id="roc">' in bt.read_text()
    unwritable = cli("audit", WILD, "--as-of", "2026-04-01", "--html", tmp_path / "no" / "such" / "b.html")
    assert unwritable.returncode == 2 and "cannot write the board's page" in unwritable.stderr
