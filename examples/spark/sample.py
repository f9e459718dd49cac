"""Sample data for the Spark jobs and their test: a book of accounts, a usage-event table and a
tracker export, written as Spark reads them (Parquet, JSON Lines). Deterministic for a seed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

import csops

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "examples" / "gitlab-export"
AS_OF = "2026-03-16T09:00:00Z"
STAGES = ["plan", "create", "verify", "package", "secure", "release", "configure", "monitor", "govern"]


def book_table(n: int, seed: int = 11) -> pa.Table:
    """`n` accounts: an `account` id and every default measure, about 5 % of values missing."""
    rng = np.random.default_rng(seed)
    cols: dict[str, pa.Array] = {"account": pa.array([f"acct-{i:07d}" for i in range(n)])}
    for m in csops.Scorecard.default().measures:
        if m == "csm_sentiment":
            names = np.array(["red", "yellow", "green"], dtype=object)[rng.integers(0, 3, n)]
            cols[m] = pa.array(names, mask=rng.random(n) < 0.05)
        else:
            cols[m] = pa.array(rng.uniform(0, 100, n), mask=rng.random(n) < 0.05)
    return pa.table(cols)


def book(path: Path, n: int, seed: int = 11, files: int = 4) -> Path:
    """The book as `files` Parquet files (so that Spark reads it on every core)."""
    path.mkdir(parents=True, exist_ok=True)
    table = book_table(n, seed)
    per = -(-n // files)
    for k in range(files):
        pq.write_table(table.slice(k * per, per), path / f"part-{k}.parquet")
    return path


def usage_table(n: int, accounts: int, seed: int = 5) -> pa.Table:
    """`n` usage events over `accounts` accounts (20 users each) in 2026, timestamps in µs UTC."""
    rng = np.random.default_rng(seed)
    account = rng.integers(0, accounts, n)
    start = np.datetime64("2026-01-01T00:00:00", "us").astype(np.int64)
    at = start + rng.integers(0, 365 * 86_400 * 1_000_000, n)
    return pa.table({
        "account": pa.array([f"acct-{a:05d}" for a in account]),
        "user": pa.array([f"u{u}" for u in rng.integers(0, 20, n)]),
        "stage": pa.array(np.array(STAGES, dtype=object)[rng.integers(0, len(STAGES), n)]),
        "at": pa.array(at, pa.timestamp("us", tz="UTC")),
    })


def usage(path: Path, n: int, accounts: int, seed: int = 5, files: int = 4) -> Path:
    """The usage events as `files` Parquet files."""
    path.mkdir(parents=True, exist_ok=True)
    table = usage_table(n, accounts, seed)
    per = -(-n // files)
    for k in range(files):
        pq.write_table(table.slice(k * per, per), path / f"part-{k}.parquet")
    return path


def export_lists(copies: int = 1) -> tuple[list[dict], dict[str, list[dict]]]:  # type: ignore[type-arg]
    """The sample GitLab export, `copies` times over (each copy's issues with new ids and iids)."""
    issues = json.loads((EXPORT / "issues.json").read_text())
    events = {p.stem: json.loads(p.read_text()) for p in (EXPORT / "label_events").glob("*.json")}
    all_issues, all_events = [], {}
    for k in range(copies):
        for issue in issues:
            iid = str(issue["iid"])
            copy = {**issue, "id": issue["id"] + 1_000_000 * k, "iid": issue["iid"] + 10_000 * k}
            all_issues.append(copy)
            if iid in events:
                all_events[str(copy["iid"])] = [{**e, "resource_id": copy["id"]} for e in events[iid]]
    return all_issues, all_events


def export(path: Path, copies: int = 1) -> tuple[Path, Path]:
    """The export as JSON Lines: issues, and every label event (each names its issue's `id`)."""
    path.mkdir(parents=True, exist_ok=True)
    issues, events = export_lists(copies)
    (path / "issues.jsonl").write_text("".join(json.dumps(i) + "\n" for i in issues))
    (path / "events.jsonl").write_text("".join(json.dumps(e) + "\n" for ev in events.values() for e in ev))
    return path / "issues.jsonl", path / "events.jsonl"


def workflow() -> csops.Workflow:
    """The export's people and the default rules."""
    return csops.Workflow(directory=json.loads((EXPORT / "directory.json").read_text()))
