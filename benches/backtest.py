"""As-of scoring and the backtest (issue 32, SPEC §13) beside what a data team writes, in one
run, written to the section "Backtests" of benches/RESULTS.md:

- a measure history of 200,000 accounts x the default scorecard's 11 measures x 24 monthly
  observations (52.8 M rows, ~10 % of them absent), a pandas DataFrame with a text `account`
  column, as a warehouse export reads;
- as-of scoring at 12 monthly dates: `Scorecard.score_history` beside pandas — per measure a
  `merge_asof` of the accounts x dates on the history, `by="account"`, with the measure's
  time-to-live as `tolerance` (staleness), pivoted into a book per date and scored by the pandas
  scorecard of benches/health_python.py. Both are checked to agree first (every score within
  1e-9, every band equal);
- the whole backtest: one outcome per account, three lead times, 1,000 bootstrap rounds.

Each figure is the best of `--rounds` rounds (this machine kind varies +-15 % between runs).
Run it with a release build (`scripts/bench` makes one):

    .venv/bin/python benches/backtest.py [--accounts 200000] [--rounds 2] [--out benches/RESULTS.md]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd

import csops

ROOT = Path(__file__).resolve().parents[1]


def _pandas_scores() -> Callable[..., Any]:
    """benches/health_python.py's pandas scorecard, loaded from its file under a private name:
    not put on sys.path, where Spark's pickling would take it for an importable module."""
    spec = importlib.util.spec_from_file_location("_csops_bench_health", ROOT / "benches" / "health_python.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scores: Callable[..., Any] = module.pandas_scores
    return scores


pandas_scores = _pandas_scores()

START = np.datetime64("2024-01-01", "D")


def history(card: csops.Scorecard, n: int, months: int = 24, seed: int = 32) -> pd.DataFrame:
    """The long table: every account observed once a month per measure (its day jittered), ~10 %
    of the observations absent; category measures as their codes."""
    rng = np.random.default_rng(seed)
    spec = card.to_dict()
    measures = [m for g in spec["groups"] for m in g["measures"]]
    per = len(measures) * months
    accounts = np.array([f"acct-{i:07d}" for i in range(n)], dtype=object)
    acct = np.repeat(np.arange(n), per)
    measure = np.tile(np.repeat(np.arange(len(measures)), months), n)
    month = np.tile(np.arange(months), n * len(measures))
    day = START + (month * 30 + rng.integers(0, 28, n * per)).astype("timedelta64[D]")
    # Each account has a health of its own that its measures follow, with monthly noise.
    x = 0.5 * rng.random(n)[acct] + 0.5 * rng.random(n * per)
    value = np.empty(n * per)
    for k, m in enumerate(measures):
        at = measure == k
        s = m["scheme"]
        if s["type"] == "categories":
            value[at] = np.floor(x[at] * len(s["categories"]))
        elif m["id"] == "nps_response":
            value[at] = np.floor(x[at] * 11.0)
        elif m["id"] == "csat_response":
            value[at] = 1.0 + np.minimum(np.floor(x[at] * 5.0), 4.0)
        elif m["id"] == "days_since_last_touch":
            value[at] = x[at] * 120.0
        else:
            value[at] = x[at] * 100.0
    keep = rng.random(n * per) >= 0.1
    ids = np.array([m["id"] for m in measures], dtype=object)
    return pd.DataFrame({
        "account": pd.array(accounts[acct[keep]], dtype="str"),
        "measure": pd.array(ids[measure[keep]], dtype="str"),
        "observed_at": day[keep].astype("datetime64[s]"),
        "value": value[keep],
    })


def pandas_as_of(card: csops.Scorecard, h: pd.DataFrame, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """What a data team writes: per measure, the latest observation at or before each date
    (merge_asof by account, the time-to-live as tolerance), one book per date, then scored."""
    spec = card.to_dict()
    accounts = np.sort(h["account"].unique())
    asked = pd.DataFrame({
        "as_of": np.repeat(np.array(dates, dtype="datetime64[s]"), len(accounts)),
        "account": np.tile(accounts, len(dates)),
    })  # sorted by as_of (merge_asof's left key)
    book = asked.copy()
    for g in spec["groups"]:
        for m in g["measures"]:
            rows = h[h["measure"] == m["id"]].sort_values("observed_at", kind="stable")
            ttl = m.get("ttl_days")
            merged = pd.merge_asof(
                asked, rows[["account", "observed_at", "value"]], left_on="as_of",
                right_on="observed_at", by="account",
                tolerance=pd.Timedelta(days=ttl) if ttl else None)
            book[m["id"]] = merged["value"].to_numpy()
    scores = pandas_scores(spec, book)
    return pd.concat([asked, scores], axis=1)


def best(f: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return min(times), out


def outcomes(h: pd.DataFrame, seed: int = 33) -> pd.DataFrame:
    """One renewal or churn per account in the history's second year, churn likelier for low
    utilisation (so the AUC has something to find)."""
    rng = np.random.default_rng(seed)
    util = h[h["measure"] == "license_utilization"].groupby("account")["value"].mean()
    p = 1 / (1 + np.exp((util.to_numpy() - 35) / 10))
    at = START + (400 + rng.integers(0, 300, len(util))).astype("timedelta64[D]")
    return pd.DataFrame({"account": util.index.to_numpy(),
                         "outcome": np.where(rng.random(len(util)) < p, "churned", "renewed"),
                         "at": at})


def machine() -> str:
    cpus = os.cpu_count()
    return f"{platform.machine()}, {cpus} cores, Python {platform.python_version()}, pandas {pd.__version__}"


def write(out: Path, text: str) -> None:
    title = "## Backtests (issue 32)"
    body = out.read_text(encoding="utf-8") if out.exists() else ""
    if title in body:
        start = body.index(title)
        end = body.find("\n## ", start + len(title))
        body = body[:start] + text + (body[end + 1:] if end >= 0 else "")
    else:
        body = body.rstrip("\n") + "\n\n" + text
    out.write_text(body, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=200_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", type=Path, default=ROOT / "benches" / "RESULTS.md")
    args = ap.parse_args()
    card = csops.Scorecard.default()
    t0 = time.perf_counter()
    h = history(card, args.accounts)
    made = time.perf_counter() - t0
    dates = list(pd.date_range("2025-01-01", periods=12, freq="MS"))
    print(f"history: {len(h):,} rows for {args.accounts:,} accounts (made in {made:.1f} s)", flush=True)

    t_csops, mine = best(lambda: card.score_history(h, dates), args.rounds)
    print(f"csops score_history: {t_csops:.2f} s", flush=True)
    t_read, _ = best(lambda: card.score_history(h, []), args.rounds)
    print(f"csops reading the history alone: {t_read:.2f} s", flush=True)
    t_pandas, theirs = best(lambda: pandas_as_of(card, h, dates), 1)
    print(f"pandas merge_asof + scorecard: {t_pandas:.2f} s", flush=True)
    a = mine["score"].to_numpy(dtype=float)
    b = theirs["score"].to_numpy(dtype=float)
    same = bool(np.array_equal(np.isnan(a), np.isnan(b)) and np.nanmax(np.abs(a - b)) <= 1e-9
                and (mine["band"].astype(str).to_numpy() == theirs["band"].astype(str).to_numpy()).all()
                and (mine["account"].to_numpy() == theirs["account"].to_numpy()).all())
    print(f"agree: {same}", flush=True)
    if not same:
        raise SystemExit("csops and pandas disagree: the figures would compare different work")

    o = outcomes(h)
    t_backtest, report = best(lambda: card.backtest(h, o, bootstrap=1000), args.rounds)
    print(f"backtest: {t_backtest:.2f} s", flush=True)
    s = report.summary
    rows = "\n".join(f"| {int(r.lead_days)} | {int(r.pairs):,} | {r.unknown_share:.1%} | {r.auc:.3f} | "
                     f"{r.auc_low:.3f}–{r.auc_high:.3f} |" for r in s.itertuples())
    n = args.accounts
    text = f"""## Backtests (issue 32)

`python benches/backtest.py` (run by `scripts/bench`), release build, {machine()}. A history of
{n:,} accounts × the default scorecard's 11 measures × 24 monthly observations, ~10 % absent:
{len(h):,} rows in a pandas DataFrame (text `account` and `measure` columns, `observed_at`
datetimes, float `value`). Best of {args.rounds} rounds (pandas: one).

| as of 12 monthly dates ({n * 12:,} scores) | seconds | |
|---|---:|---:|
| csops `Scorecard.score_history(history, dates)` | {t_csops:.2f} | 1× |
| pandas: `merge_asof` per measure (`by="account"`, ttl as `tolerance`) + the pandas scorecard | {t_pandas:.2f} | {t_pandas / t_csops:.1f}× slower |

Both agree before they are timed: {'every score within 1e-9, every band equal' if same else 'NO'}.
Target ≥ 20×: {'met' if t_pandas / t_csops >= 20 else 'not met'}. Of csops's {t_csops:.2f} s, reading the
DataFrame's {len(h) / 1e6:.1f} M rows through Arrow and indexing them takes {t_read:.2f} s (`score_history(h, [])`);
the 12 dates themselves take the rest.

The whole backtest — {len(o):,} outcomes, lead times 30, 60 and 90 days, 1,000 bootstrap
rounds, missed churn and false alarms with their reasons — `card.backtest(history, outcomes)`:
**{t_backtest:.2f} s** (target < 10 s: {'met' if t_backtest < 10 else 'not met'}).

| lead days | pairs | Unknown | AUC | 95 % interval |
|---:|---:|---:|---:|---:|
{rows}
"""
    write(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
