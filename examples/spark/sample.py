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


def history_tables(accounts: int, seed: int = 13) -> tuple[pa.Table, pa.Table]:
    """A measure history (every measure of the default scorecard but sentiment, monthly over
    2025, ~10 % absent; sentiment as category names each quarter) and one renewal or churn per
    account in 2026."""
    rng = np.random.default_rng(seed)
    card = csops.Scorecard.default()
    numeric = [m for m in card.measures if m != "csm_sentiment"]
    rows: dict[str, list[object]] = {"account": [], "measure": [], "observed_at": [], "value": [], "category": []}
    out: dict[str, list[object]] = {"account": [], "outcome": [], "at": []}
    start = np.datetime64("2025-01-01", "D")
    for a in range(accounts):
        acct = f"acct-{a:06d}"
        base = rng.uniform(0, 100)
        for month in range(12):
            day = start + np.timedelta64(30 * month + int(rng.integers(0, 28)), "D")
            for m in numeric:
                if rng.random() < 0.1:
                    continue
                rows["account"].append(acct)
                rows["measure"].append(m)
                rows["observed_at"].append(day)
                rows["value"].append(float(np.clip(base + rng.normal(0, 20), 0, 120)))
                rows["category"].append(None)
            if month % 3 == 0:
                rows["account"].append(acct)
                rows["measure"].append("csm_sentiment")
                rows["observed_at"].append(day)
                rows["value"].append(None)
                rows["category"].append("red" if base < 30 else "yellow" if base < 60 else "green")
        churn = rng.random() < 1 / (1 + np.exp((base - 40) / 12))
        out["account"].append(acct)
        out["outcome"].append("churned" if churn else "renewed")
        out["at"].append(start + np.timedelta64(380 + int(rng.integers(0, 200)), "D"))
    def days(values: list[object]) -> pa.Array:
        return pa.array(np.array(values, dtype="datetime64[D]"), pa.date32())

    history = pa.table({**rows, "observed_at": days(rows["observed_at"]),
                        "value": pa.array(rows["value"], pa.float64())})
    return history, pa.table({**out, "at": days(out["at"])})


def history(path: Path, accounts: int, seed: int = 13, files: int = 4) -> tuple[Path, Path]:
    """The history and outcomes of `history_tables` as Parquet folders of `files` files each."""
    h, o = history_tables(accounts, seed)
    for name, table in (("history", h), ("outcomes", o)):
        (path / name).mkdir(parents=True, exist_ok=True)
        step = -(-table.num_rows // files)
        for i in range(files):
            pq.write_table(table.slice(i * step, step), path / name / f"part-{i}.parquet")
    return path / "history", path / "outcomes"
