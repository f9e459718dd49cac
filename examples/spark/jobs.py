"""csops on Apache Spark: the three jobs a CS organisation runs when one machine is not enough.

- `score_book`: a book of accounts (Parquet, one column per health measure) scored with
  `mapInArrow`: each Arrow record batch goes to `Scorecard.score_batch` as it is, and the
  scores, bands, coverage and each account's reasons are written to Parquet.
- `audit_export`: a tracker export (GitLab REST issues and resource label events, JSON Lines)
  audited: each issue's label events meet their issue in one shuffle (the events grouped by the
  issue's `id`, which they carry as `resource_id`, joined to the issues), then `mapInArrow`
  audits thousands of issues per call. Writes every violation, and the board's inputs (each
  issue's request as reconstructed from its events, a csops request record) from which
  `board` reports the board on the driver.
- `smau`: stage monthly active users over a usage-event table (account, user, stage, at).
  The events are grouped by account (a user belongs to one account, so an account's counts
  are exact within its group) and counted with `groupBy(...).applyInArrow`, one row per
  account, month and stage; the total is their sum per month and stage
  (`groupBy("month", "stage").sum("users")`).
- `score_history` and `backtest` (SPEC §13): a measure history larger than one machine (long
  rows: account, measure, observed_at, value) scored as of each date with
  `groupBy("account").applyInArrow` (an account's rows meet in one group, and an as-of score
  reads only its own account's rows); the backtest pairs each outcome with its account's score
  in `groupBy("account").cogroup(...).applyInArrow` (history and outcomes of one account meet)
  and the driver reports on the pairs (`csops.Backtest.from_pairs`: their order does not
  matter, so the report is the one-process report).

Each job is the same code in `local[2]` and on a cluster; csops objects reach the workers by
pickle (they pickle by their definition). Run all three on generated data:

    .venv/bin/python examples/spark/jobs.py [--accounts 100000] [--out target/spark]
"""

from __future__ import annotations

import warnings

# pyspark warns about pandas 3 on import; these jobs hand Spark Arrow, not pandas.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

import csops
from csops import gitlab

SCORES = "account string, score double, band string, coverage double, reasons array<string>"
VIOLATIONS = "iid long, rule string, actor string, at string, step long, message string"
REQUESTS = "iid long, request string"
SMAU = "account string, month string, stage string, users long"


def session(cores: int = 2) -> SparkSession:
    """A local Spark session (`local[cores]`), quiet, with Arrow on."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("csops")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.shuffle.partitions", str(cores * 2))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.memory", "2g")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    # The workers unpickle the jobs' functions by module: ship this file to them.
    spark.sparkContext.addPyFile(__file__)
    return spark


def score_book(spark: SparkSession, book: str, out: str, card: csops.Scorecard, as_of: str, reasons: int = 3) -> DataFrame:
    """Scores the Parquet book `book` (an `account` column and one per measure) into `out`."""

    names = ["score", "band", "coverage"] + (["reasons"] if reasons else [])

    def score(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            scored = card.score_batch(pa.Table.from_batches([batch]), as_of=as_of, reasons=reasons, threads=1)
            # Spark takes the band as text (its Arrow reader has no dictionaries).
            scored = scored.set_column(1, "band", scored.column("band").cast(pa.string()))
            yield pa.RecordBatch.from_arrays(
                [batch.column("account"), *(scored.column(c).combine_chunks() for c in names)],
                names=["account", *names])

    schema = SCORES if reasons else SCORES.rsplit(",", 1)[0]
    scores = spark.read.parquet(book).mapInArrow(score, schema)
    scores.write.mode("overwrite").parquet(out)
    return spark.read.parquet(out)


def _issue_batches(wf: csops.Workflow, as_of: str):  # type: ignore[no-untyped-def]
    """The audit of a batch of issues, each with its label events (JSON text, as GitLab wrote
    them): its violations and its board inputs."""

    def violations(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            issues, events = _texts(batch)
            run = gitlab.audit(issues, events, as_of, wf)
            rows = [{"iid": issue["iid"], **v} for issue in run.issues for v in issue["violations"]]
            yield pa.RecordBatch.from_pylist(rows, schema=pa.schema(
                [("iid", pa.int64()), ("rule", pa.string()), ("actor", pa.string()), ("at", pa.string()),
                 ("step", pa.int64()), ("message", pa.string())]))

    def requests(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            iids, rows = [], []
            for iid, issue, events in zip(*(batch.column(c).to_pylist() for c in ("iid", "issue", "events"))):
                try:
                    record = gitlab.reconstruct(issue, "[" + ",".join(events or []) + "]", wf).request.to_json()
                except csops.CsopsError:
                    record = issue  # not a request (two workflow labels, …): the board lists it as it is
                iids.append(iid)
                rows.append(record)
            yield pa.RecordBatch.from_arrays([pa.array(iids, pa.int64()), pa.array(rows, pa.string())],
                                             names=["iid", "request"])

    return violations, requests


def _texts(batch: pa.RecordBatch) -> tuple[str, str]:
    """A batch's issues as one JSON array and its events as one JSON object by iid (the text
    csops reads once)."""
    iids = batch.column("iid").to_pylist()
    issues = "[" + ",".join(batch.column("issue").to_pylist()) + "]"
    events = "{" + ",".join(f'"{iid}":[{",".join(ev or [])}]'
                            for iid, ev in zip(iids, batch.column("events").to_pylist())) + "}"
    return issues, events


def audit_export(spark: SparkSession, issues: str, events: str, out: str, wf: csops.Workflow, as_of: str) -> tuple[DataFrame, DataFrame]:
    """Audits the JSON Lines export `issues` + `events` into `out`/violations and `out`/requests."""
    raw_issues = spark.read.text(issues).select(
        F.get_json_object("value", "$.id").cast("long").alias("id"),
        F.get_json_object("value", "$.iid").cast("long").alias("iid"),
        F.col("value").alias("issue"))
    by_issue = (spark.read.text(events)
                .select(F.get_json_object("value", "$.resource_id").cast("long").alias("id"), "value")
                .groupBy("id").agg(F.collect_list("value").alias("events")))
    joined = raw_issues.join(by_issue, "id", "left").select("iid", "issue", "events").cache()
    violations, requests = _issue_batches(wf, as_of)
    joined.mapInArrow(violations, VIOLATIONS).write.mode("overwrite").parquet(f"{out}/violations")
    joined.mapInArrow(requests, REQUESTS).write.mode("overwrite").parquet(f"{out}/requests")
    joined.unpersist()
    return spark.read.parquet(f"{out}/violations"), spark.read.parquet(f"{out}/requests")


def board(requests: DataFrame, wf: csops.Workflow, as_of: str) -> gitlab.BoardReport:
    """The board over the audit's board inputs, on the driver (one small record per issue)."""
    records = [json.loads(r["request"]) for r in requests.orderBy("iid").collect()]
    return csops.board_report(records, as_of, wf)


def smau(spark: SparkSession, events: str, out: str, paying: list[str] | None = None) -> DataFrame:
    """SMAU over the Parquet usage-event table `events` into `out` (per account, month, stage)."""

    def count(group: pa.Table) -> pa.Table:
        return csops.metrics.smau(group, paying=paying)

    table = spark.read.parquet(events).groupBy("account").applyInArrow(count, SMAU)
    table.write.mode("overwrite").parquet(out)
    return spark.read.parquet(out)


AS_OF = "account string, as_of date, score double, band string, coverage double"
PAIRS = ("lead_days long, account string, outcome string, outcome_at string, as_of string, "
         "score double, band string, reasons array<string>")


def score_history(spark: SparkSession, history: str, dates: list[str], card: csops.Scorecard) -> DataFrame:
    """Every account of the Parquet history `history` scored as of each of `dates`."""

    def score(group: pa.Table) -> pa.Table:
        out = card.score_history(group, dates, threads=1)
        return out.set_column(3, "band", out.column("band").cast(pa.string()))

    return spark.read.parquet(history).groupBy("account").applyInArrow(score, AS_OF)


def backtest(spark: SparkSession, history: str, outcomes: str, card: csops.Scorecard,
             lead_days: list[int], bootstrap: int = 1000, seed: int = 0) -> csops.Backtest:
    """The backtest of `card` on the Parquet `history` and `outcomes`: pairs on the workers, the
    report on the driver."""

    def pairs(h: pa.Table, o: pa.Table) -> pa.Table:
        if o.num_rows == 0:
            return pa.Table.from_pylist([], schema=pa.schema([
                ("lead_days", pa.int64()), ("account", pa.string()), ("outcome", pa.string()),
                ("outcome_at", pa.string()), ("as_of", pa.string()), ("score", pa.float64()),
                ("band", pa.string()), ("reasons", pa.list_(pa.string()))]))
        return card.backtest_pairs(h, o, lead_days=lead_days, threads=1)

    h = spark.read.parquet(history).groupBy("account")
    o = spark.read.parquet(outcomes).groupBy("account")
    table = h.cogroup(o).applyInArrow(pairs, PAIRS).toArrow()
    return csops.Backtest.from_pairs(card, table, lead_days=lead_days, bootstrap=bootstrap, seed=seed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--out", default=tempfile.mkdtemp(prefix="csops-spark-"))
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    import sample

    out = Path(args.out)
    book, usage = sample.book(out / "book", args.accounts), sample.usage(out / "usage", args.events, 500)
    issues, events = sample.export(out / "export")
    spark = session()
    card, wf = csops.Scorecard(), sample.workflow()
    t = time.perf_counter()
    n = score_book(spark, str(book), str(out / "scores"), card, "2026-10-01").count()
    print(f"score_book: {n} accounts in {time.perf_counter() - t:.1f} s -> {out / 'scores'}")
    t = time.perf_counter()
    violations, requests = audit_export(spark, str(issues), str(events), str(out / "audit"), wf, sample.AS_OF)
    report = board(requests, wf, sample.AS_OF)
    print(f"audit_export: {requests.count()} issues, {violations.count()} violations, board {report!r} "
          f"in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    rows = smau(spark, str(usage), str(out / "smau")).count()
    print(f"smau: {args.events} events -> {rows} rows in {time.perf_counter() - t:.1f} s")
    history, outcomes = sample.history(out / "history", args.accounts // 10)
    t = time.perf_counter()
    rows = score_history(spark, str(history), ["2025-06-01", "2025-12-01"], card).count()
    print(f"score_history: {rows} scores in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    report = backtest(spark, str(history), str(outcomes), card, [30, 60, 90])
    print(f"backtest: {report!r} in {time.perf_counter() - t:.1f} s")
    spark.stop()


if __name__ == "__main__":
    main()
