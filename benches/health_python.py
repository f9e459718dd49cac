"""Batch health scoring of 1,000,000 accounts x the default scorecard from Python (issue #4),
beside the Rust bench `cargo bench -p csops-benches --bench health` and a straightforward
pandas/numpy implementation of the same scorecard, written as an analyst would.

Run with a release build of the module (a debug build is ~20x slower and measures nothing):
    VIRTUAL_ENV=$PWD/.venv .venv/bin/maturin develop --release -m csops-py/Cargo.toml
    .venv/bin/python benches/health_python.py [--accounts 1000000] [--rounds 15]

The book has the Rust bench's shape: every measure of the default scorecard, ~10 % missing,
values drawn the same way (a different generator, the same distributions). Each figure is the
best of `--rounds` rounds; this machine kind varies +-15 % between runs, so compare figures
from one run. The pandas version is checked against csops before it is timed (scores within
1e-9, bands equal), so the two compute the same thing.
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import numpy as np
import pandas as pd

import csops


def book(card: csops.Scorecard, n: int, seed: int = 2026) -> dict[str, np.ndarray]:
    """Columns named by measure id (category measures as codes, as the Rust bench)."""
    rng = np.random.default_rng(seed)
    spec = card.to_dict()
    cols: dict[str, np.ndarray] = {}
    for g in spec["groups"]:
        for m in g["measures"]:
            x = rng.random(n)
            scheme = m["scheme"]
            if scheme["type"] == "categories":
                v = np.floor(x * len(scheme["categories"]))
            elif m["id"] == "nps_response":
                v = np.floor(x * 11.0)
            elif m["id"] == "csat_response":
                v = 1.0 + np.minimum(np.floor(x * 5.0), 4.0)
            elif m["id"] == "days_since_last_touch":
                v = x * 120.0
            else:
                v = x * 100.0
            v[rng.random(n) < 0.1] = np.nan
            cols[m["id"]] = v
    return cols


def pandas_scores(spec: dict[str, Any], df: pd.DataFrame) -> pd.DataFrame:
    """The scorecard in pandas, as an analyst would write it: a measure score per column,
    weighted means within groups over what is present, then across the groups present; the
    coverage minimum; bands by `pd.cut`; the vetoes. (No segments, dates or hysteresis: the
    bench's book has none.)"""
    total_weight = sum(g["weight"] for g in spec["groups"])
    num = pd.Series(0.0, index=df.index)
    den = pd.Series(0.0, index=df.index)
    coverage = pd.Series(0.0, index=df.index)
    for g in spec["groups"]:
        g_weight = sum(m["weight"] for m in g["measures"])
        g_num = pd.Series(0.0, index=df.index)
        g_den = pd.Series(0.0, index=df.index)
        for m in g["measures"]:
            v = df[m["id"]]
            s = m["scheme"]
            if s["type"] == "linear":
                ms = ((v - s["worst"]) / (s["best"] - s["worst"]) * 100).clip(0, 100)
            elif s["type"] == "thresholds":
                edges = s["edges"]
                if s.get("edge", "lower_inclusive") == "lower_inclusive":
                    step = sum((v >= e).astype(int) for e in edges)
                else:
                    step = sum((v > e).astype(int) for e in edges)
                ms = pd.Series(np.asarray(s["scores"], dtype=float)[step], index=df.index)
            else:
                ms = v.map({i: c["score"] for i, c in enumerate(s["categories"])})
            present = v.notna()
            ms = ms.where(present)
            g_num += (ms * m["weight"]).fillna(0)
            g_den += present * m["weight"]
            coverage += present * (g["weight"] / total_weight) * (m["weight"] / g_weight)
        g_score = g_num / g_den.where(g_den > 0)
        num += (g_score * g["weight"]).fillna(0)
        den += g_score.notna() * g["weight"]
    score = (num / den.where(den > 0)).where(coverage + 1e-9 >= spec.get("coverage_min", 0.5))
    bands = [b["name"] for b in spec["bands"]]
    edges = [b["from"] for b in spec["bands"]] + [np.inf]
    band = pd.cut(score, edges, labels=bands, right=False).astype(object).fillna("Unknown")
    for veto in spec.get("vetoes", []):
        m = next(m for g in spec["groups"] for m in g["measures"] if m["id"] == veto["measure"])
        v = df[veto["measure"]]
        when = veto["when"]
        if "category" in when:
            code = [c["value"] for c in m["scheme"]["categories"]].index(when["category"])
            fires = v == code
        elif "below" in when:
            fires = v < when["below"]
        else:
            fires = v >= when["at_least"]
        band = band.where(~fires, veto["band"])
    return pd.DataFrame({"score": score, "band": band, "coverage": coverage})


def best(f: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    n = args.accounts
    card = csops.Scorecard.default()
    cols = book(card, n)
    df = pd.DataFrame(cols)
    spec = card.to_dict()

    ours = card.score_batch(cols, threads=1)
    theirs = pandas_scores(spec, df)
    diff = np.nanmax(np.abs(ours["score"] - theirs["score"].to_numpy(dtype=float)))
    same_unknown = np.array_equal(np.isnan(ours["score"]), theirs["score"].isna().to_numpy())
    same_band = np.array_equal(np.asarray(ours["band"], dtype=object), theirs["band"].to_numpy())
    if not (diff < 1e-9 and same_unknown and same_band):
        raise SystemExit(f"pandas and csops disagree: max |diff| {diff}, Unknown same "
                         f"{same_unknown}, bands same {same_band}")

    floor = best(lambda: sum(float(np.nansum(c)) for c in cols.values()), args.rounds)
    print(f"{n} accounts x {len(cols)} measures; pandas agrees with csops (max |diff| {diff:.1e})")
    print(f"  numpy floor (nansum each column)             {floor:8.1f} ms")
    figures = {}
    for threads in (1, 2):
        t = best(lambda: card.score_batch(cols, threads=threads), args.rounds)
        figures[threads] = t
        print(f"  score_batch(dict of numpy), {threads} thread(s)       {t:8.1f} ms "
              f"({t / n * 1e6:.1f} ns/account)")
    t_df = best(lambda: card.score_batch(df, threads=1), args.rounds)
    print(f"  score_batch(DataFrame -> DataFrame), 1 thread {t_df:8.1f} ms")
    t_pd = best(lambda: pandas_scores(spec, df), max(3, args.rounds // 5))
    print(f"  pandas version                               {t_pd:8.1f} ms")
    print(f"  csops is {t_pd / figures[1]:.1f}x faster than pandas on 1 thread, "
          f"{t_pd / figures[2]:.1f}x on 2")


if __name__ == "__main__":
    main()
