"""Scale figures (issue #16), each beside what a user would otherwise use, results checked equal
before anything is timed:

- 1 M accounts scored from a pandas DataFrame, a polars DataFrame and a pyarrow Table, each
  beside the same book as a dict of numpy arrays (the numpy floor of csops's own input path);
- the Spark job (`examples/spark/jobs.py`, `mapInArrow`) in `local[2]` beside the same job
  written as an analyst would without csops: `mapInPandas` with the pandas scorecard of
  `health_python.py`;
- SMAU over 10 M usage events beside pandas `groupby(...).nunique()` and DuckDB
  `count(distinct ...)`.

Run by benches/side_by_side.py (scripts/bench) against a release build; alone:
    .venv/bin/python benches/scale.py [--quick]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc

import csops

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "examples" / "spark"))


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


health = _load("health_python")


def median_ms(f: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def _scores(result: Any) -> tuple[np.ndarray, list[str]]:  # type: ignore[type-arg]
    """A batch result's scores (null and NaN as NaN) and bands, whatever kind it is."""
    if isinstance(result, pd.DataFrame):
        return result["score"].to_numpy(dtype=float), [str(b) for b in result["band"]]
    if isinstance(result, dict):
        return np.asarray(result["score"], dtype=float), [str(b) for b in result["band"]]
    t = result.to_arrow() if isinstance(result, pl.DataFrame) else pa.table(result)
    score = t.column("score").to_numpy(zero_copy_only=False).astype(float)
    return score, [str(b) for b in t.column("band").to_pylist()]


def arrow_rows(n: int, runs: int) -> list[list[str]]:
    """score_batch on one thread from each kind of table, beside a dict of numpy arrays."""
    card = csops.Scorecard.default()
    cols = health.book(card, n)
    kinds: dict[str, Any] = {
        "pandas DataFrame": pd.DataFrame(cols),
        "polars DataFrame": pl.DataFrame(cols),
        "pyarrow Table (missing as NaN)": pa.table(cols),
        "pyarrow Table (missing as null)": pa.table({k: pa.array(v, from_pandas=True) for k, v in cols.items()}),
    }
    ref_score, ref_band = _scores(card.score_batch(cols, threads=1))
    for name, data in kinds.items():
        score, band = _scores(card.score_batch(data, threads=1))
        if not (np.array_equal(score, ref_score, equal_nan=True) and band == ref_band):
            raise SystemExit(f"scale: score_batch from a {name} disagrees with numpy's")
    floor = median_ms(lambda: card.score_batch(cols, threads=1), runs)
    rows = []
    for name, data in kinds.items():
        t = median_ms(lambda: card.score_batch(data, threads=1), runs)
        arrow = "pandas" not in name  # pandas keeps its numpy path: shown, not held to the target
        rows.append([f"scale: score_batch, {n:,} accounts from a {name} (1 thread, same kind out)",
                     f"{t:,.1f} ms", f"{floor:,.1f} ms (a dict of numpy arrays in, numpy out)",
                     f"{t / floor:.2f}x numpy's time", "Arrow not slower than numpy (≤ 1.1x)" if arrow else "—",
                     ("met" if t / floor <= 1.1 else "missed") if arrow else "—"])
    return rows


def spark_rows(n: int) -> list[list[str]]:
    """The Spark scoring job beside mapInPandas with the pandas scorecard, in local[2]."""
    warnings.filterwarnings("ignore", category=FutureWarning)
    import jobs
    import sample

    card = csops.Scorecard.default()
    spec = card.to_dict()
    work = Path(tempfile.mkdtemp(prefix="csops-bench-spark-"))
    book_dir = sample.book(work / "book", n, files=8)
    spark = jobs.session(2)
    measures = card.measures
    codes = {c["value"]: i for g in spec["groups"] for m in g["measures"] if m["scheme"]["type"] == "categories"
             for i, c in enumerate(m["scheme"]["categories"])}

    def pandas_job(frames: Any) -> Any:
        for df in frames:
            coded = df[measures].copy()
            coded["csm_sentiment"] = coded["csm_sentiment"].map(codes)
            out = health.pandas_scores(spec, coded.astype(float))
            yield pd.DataFrame({"account": df["account"], "score": out["score"], "band": out["band"].astype(str),
                                "coverage": out["coverage"]})

    def run_pandas() -> Any:
        out = work / "pandas"
        spark.read.parquet(str(book_dir)).mapInPandas(
            pandas_job, "account string, score double, band string, coverage double").write.mode("overwrite").parquet(str(out))
        return spark.read.parquet(str(out))

    def run_csops() -> Any:
        return jobs.score_book(spark, str(book_dir), str(work / "csops"), card, "2026-10-01", reasons=0)

    # The two jobs agree, row for row, before either is timed.
    ours, theirs = run_csops(), run_pandas()
    joined = ours.alias("a").join(theirs.alias("b"), "account")
    disagree = joined.where("a.band != b.band or not (a.score <=> b.score or abs(a.score - b.score) < 1e-9)").count()
    if joined.count() != n or disagree:
        raise SystemExit(f"scale: the Spark jobs disagree on {disagree} accounts")
    t_ours = median_ms(lambda: run_csops().count(), 3) / 1e3
    t_theirs = median_ms(lambda: run_pandas().count(), 3) / 1e3
    spark.stop()
    return [[f"scale: Spark job, {n:,} accounts from Parquet scored and written (local[2], mapInArrow)",
             f"{n / t_ours:,.0f} accounts/s ({t_ours:.1f} s)",
             f"{n / t_theirs:,.0f} accounts/s ({t_theirs:.1f} s, mapInPandas + the pandas scorecard)",
             f"{t_theirs / t_ours:.1f}x", "—", "—"]]


def usage_events(n: int, accounts: int, seed: int = 5) -> pa.Table:
    """`n` usage events over `accounts` accounts (50 users each, 9 stages) in 2026."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-01T00:00:00", "us").astype(np.int64)
    stages = pa.array(["plan", "create", "verify", "package", "secure", "release", "configure", "monitor", "govern"])
    return pa.table({
        "account": pc.cast(pa.array(rng.integers(0, accounts, n)), pa.string()),
        "user": pc.cast(pa.array(rng.integers(0, 50, n)), pa.string()),
        "stage": pc.take(stages, pa.array(rng.integers(0, 9, n))),
        "at": pa.array(start + rng.integers(0, 365 * 86_400 * 1_000_000, n), pa.timestamp("us", tz="UTC")),
    })


def smau_rows(n: int, runs: int) -> list[list[str]]:
    """SMAU beside pandas and DuckDB over the same Arrow table."""
    events = usage_events(n, 10_000)
    frame = events.to_pandas()
    con = duckdb.connect()
    con.register("events", events)
    query = ('select account, strftime("at" at time zone \'UTC\', \'%Y-%m\') as month, stage, '
             'count(distinct "user") as users from events group by all order by all')

    def by_pandas() -> pd.DataFrame:
        month = frame["at"].dt.strftime("%Y-%m")
        return frame.assign(month=month).groupby(["account", "month", "stage"])["user"].nunique().reset_index(name="users")

    ours = csops.metrics.smau(events).to_pylist()
    key = lambda r: (r["account"], r["month"], r["stage"])  # noqa: E731
    ours_set = sorted((key(r), r["users"]) for r in ours)
    theirs = sorted((key(r), r["users"]) for r in by_pandas().to_dict("records"))
    duck = sorted(((a, m, s), u) for a, m, s, u in con.sql(query).fetchall())
    if not (ours_set == theirs == duck):
        raise SystemExit("scale: SMAU disagrees with pandas or DuckDB")
    t_ours = median_ms(lambda: csops.metrics.smau(events), runs)
    t_pandas = median_ms(by_pandas, max(1, runs // 2))
    t_duck = median_ms(lambda: con.sql(query).arrow(), runs)
    label = f"scale: SMAU over {n:,} usage events, {len(ours):,} rows out (a pyarrow Table in and out)"
    return [[f"{label}, beside pandas", f"{t_ours:,.0f} ms", f"{t_pandas:,.0f} ms (groupby(...).nunique())",
             f"{t_pandas / t_ours:.1f}x", "—", "—"],
            [f"{label}, beside DuckDB", f"{t_ours:,.0f} ms", f"{t_duck:,.0f} ms (count(distinct), 2 threads)",
             f"{t_duck / t_ours:.2f}x", "—", "—"]]


def rows(quick: bool, runs: int) -> list[list[str]]:
    if quick:
        return arrow_rows(5_000, 1) + smau_rows(100_000, 1) + spark_rows(5_000)
    return arrow_rows(1_000_000, runs) + smau_rows(10_000_000, runs) + spark_rows(1_000_000)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    for r in rows(args.quick, args.runs):
        print(" | ".join(r))


if __name__ == "__main__":
    main()
