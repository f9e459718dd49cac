"""Arrow as the batch currency (SPEC "Scale"): any table exporting the Arrow PyCapsule interface
(pyarrow, polars, DuckDB, pandas) in, the same kind of table out; batch scoring and SMAU give
the same answers whichever kind carries the data."""

from __future__ import annotations

import datetime as dt
import pickle

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import csops
from csops.metrics import smau


def book(n: int, seed: int = 3) -> dict[str, np.ndarray]:  # type: ignore[type-arg]
    """A book of accounts as numpy columns, some values missing."""
    rng = np.random.default_rng(seed)
    cols: dict[str, np.ndarray] = {}  # type: ignore[type-arg]
    for m in csops.Scorecard.default().measures:
        if m == "csm_sentiment":
            cols[m] = rng.choice(np.array(["red", "yellow", "green", None], dtype=object), n)
        else:
            x = rng.uniform(0, 100, n)
            x[rng.random(n) < 0.1] = np.nan
            cols[m] = x
    return cols


def arrow_book(cols: dict[str, np.ndarray]) -> pa.Table:  # type: ignore[type-arg]
    """The book as pyarrow, NaN as null (as a warehouse holds a missing value)."""
    return pa.table({k: pa.array(v, from_pandas=True) for k, v in cols.items()})


def scores_of(result: object) -> tuple[list[float | None], list[str], list[float]]:
    """A batch result's columns as lists, whatever kind of table it is (NaN and null: None)."""
    t = result if isinstance(result, pa.Table) else pa.table(result)  # type: ignore[arg-type]
    score = [None if s is None or s != s else s for s in t.column("score").to_pylist()]
    return score, [str(b) for b in t.column("band").to_pylist()], t.column("coverage").to_pylist()


def test_every_arrow_kind_scores_as_numpy_does_and_comes_back_as_it_came() -> None:
    card = csops.Scorecard.default()
    cols = book(5_000)
    reference = card.score_batch(cols)
    expected = (
        [None if s != s else float(s) for s in reference["score"]],
        [str(b) for b in reference["band"]],
        [float(c) for c in reference["coverage"]],
    )
    table = arrow_book(cols)
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    relation = duckdb.connect().from_arrow(table)

    out = card.score_batch(table)
    assert isinstance(out, pa.Table) and out.column_names == ["score", "band", "coverage"]
    assert pa.types.is_dictionary(out.schema.field("band").type)
    assert scores_of(out) == expected

    out = card.score_batch(frame)
    assert isinstance(out, pl.DataFrame) and out["band"].dtype == pl.Categorical
    assert scores_of(out.to_arrow()) == expected

    out = card.score_batch(relation)
    assert hasattr(out, "__arrow_c_stream__") and not isinstance(out, (pa.Table, pl.DataFrame))
    assert scores_of(out) == expected

    # A table of several record batches reads as one book, rows in order.
    chunked = pa.Table.from_batches(table.to_batches(max_chunksize=777))
    assert chunked.column(0).num_chunks > 1
    assert scores_of(card.score_batch(chunked)) == expected

    # pandas stays on its numpy path: a DataFrame with its index.
    frame_pd = pd.DataFrame(cols, index=[f"a{i}" for i in range(5_000)])
    out_pd = card.score_batch(frame_pd)
    assert isinstance(out_pd, pd.DataFrame) and list(out_pd.index[:2]) == ["a0", "a1"]


def test_arrow_types_a_warehouse_holds() -> None:
    card = csops.Scorecard.default()
    rows = {
        "license_utilization": pa.array([90, None, 10], pa.int32()),
        "user_engagement": pa.array([85.0, 50.0, None], pa.float32()),
        "csm_sentiment": pa.array(["green", "red", None]).dictionary_encode(),
        "days_since_last_touch": pa.array([9, 200, 40], pa.int64()),
        "account": pa.array(["x", "y", "z"]),  # not a measure: ignored
    }
    out = card.score_batch(pa.table(rows))
    as_numpy = card.score_batch({
        "license_utilization": np.array([90, np.nan, 10]),
        "user_engagement": np.array([85.0, 50.0, np.nan]),
        "csm_sentiment": np.array(["green", "red", None], dtype=object),
        "days_since_last_touch": np.array([9, 200, 40]),
    })
    assert scores_of(out)[1] == [str(b) for b in as_numpy["band"]]
    assert scores_of(out)[2] == list(as_numpy["coverage"])
    with pytest.raises(csops.InputError) as e:
        card.score_batch(pa.table({"csm_sentiment": pa.array(["green", "purple"])}))
    assert "purple" in str(e.value)
    with pytest.raises(csops.InputError) as e:
        card.score_batch(pa.table({"csm_sentiment": pa.array([dt.date(2026, 1, 1)])}))
    assert e.value.key == "csm_sentiment"


def test_an_empty_table_scores_nothing() -> None:
    card = csops.Scorecard.default()
    out = card.score_batch(pa.table({"license_utilization": pa.array([], pa.float64())}))
    assert isinstance(out, pa.Table) and out.num_rows == 0


EVENTS = [
    {"account": "acme", "user": "u1", "stage": "create", "at": "2026-01-31T23:59:59Z"},
    {"account": "acme", "user": "u1", "stage": "create", "at": "2026-01-02T10:00:00Z"},
    {"account": "acme", "user": "u2", "stage": "plan", "at": "2026-02-01T00:30:00+01:00"},
    {"account": "beta", "user": "u1", "stage": "create", "at": "2026-02-10T10:00:00Z"},
    {"account": "free", "user": "u9", "stage": "create", "at": "2026-02-10T10:00:00Z"},
]
BY_ACCOUNT = [
    {"account": "acme", "month": "2026-01", "stage": "create", "users": 1},
    {"account": "acme", "month": "2026-01", "stage": "plan", "users": 1},
    {"account": "beta", "month": "2026-02", "stage": "create", "users": 1},
    {"account": "free", "month": "2026-02", "stage": "create", "users": 1},
]


def timestamps(kind: str) -> pa.Table:
    """EVENTS with `at` as a typed column."""
    at = [dt.datetime.fromisoformat(e["at"].replace("Z", "+00:00")) for e in EVENTS]
    arr = {
        "ns_utc": pa.array(at, pa.timestamp("ns", tz="UTC")),
        "ms_berlin": pa.array(at, pa.timestamp("ms", tz="Europe/Berlin")),
        "s_naive": pa.array([a.astimezone(dt.timezone.utc).replace(tzinfo=None) for a in at], pa.timestamp("s")),
        "text": pa.array([e["at"] for e in EVENTS]),
        "date": pa.array([a.astimezone(dt.timezone.utc).date() for a in at], pa.date32()),
    }[kind]
    table = pa.Table.from_pylist([{k: v for k, v in e.items() if k != "at"} for e in EVENTS])
    return table.append_column("at", arr)


@pytest.mark.parametrize("kind", ["ns_utc", "ms_berlin", "s_naive", "text", "date"])
def test_smau_reads_any_time_column(kind: str) -> None:
    assert smau(timestamps(kind)).to_pylist() == BY_ACCOUNT


def test_smau_comes_back_as_the_table_that_came_in() -> None:
    table = timestamps("ns_utc")
    assert smau(EVENTS) == BY_ACCOUNT
    out = smau(table.to_pandas())
    assert isinstance(out, pd.DataFrame) and out.to_dict("records") == BY_ACCOUNT
    out = smau(pl.from_arrow(table))
    assert isinstance(out, pl.DataFrame) and out.to_dicts() == BY_ACCOUNT
    con = duckdb.connect()
    con.register("usage", table)
    out = smau(con.sql('select account, "user", stage, "at" from usage'))
    assert pa.table(out).to_pylist() == BY_ACCOUNT
    # A DuckDB query reads csops's table back without pandas.
    assert con.sql("select sum(users) from out").fetchall() == [(4,)]
    total = smau(table, by="total")
    assert total.column_names == ["month", "stage", "users"]
    assert total.to_pylist() == [
        {"month": "2026-01", "stage": "create", "users": 1},
        {"month": "2026-01", "stage": "plan", "users": 1},
        {"month": "2026-02", "stage": "create", "users": 2},
    ]
    paying = smau(table, paying=pd.Series(["acme", "beta"]), by="total")
    assert paying.to_pylist()[-1] == {"month": "2026-02", "stage": "create", "users": 1}


def test_smau_refusals_name_the_event_across_batches() -> None:
    table = timestamps("text")
    bad = pa.Table.from_batches([*table.to_batches(), *pa.Table.from_pylist(
        [{"account": "acme", "user": None, "stage": "plan", "at": "2026-01-01T00:00:00Z"}],
        schema=table.schema).to_batches()])
    with pytest.raises(csops.InputError) as e:
        smau(bad)
    assert e.value.key == f"events[{len(EVENTS)}].user"
    with pytest.raises(csops.InputError) as e:
        smau(table.drop_columns(["stage"]))
    assert e.value.key == "stage" and "columns: account, user, at" in str(e.value)
    with pytest.raises(csops.InputError) as e:
        smau(table.set_column(3, "at", pa.array([1, 2, 3, 4, 5])))
    assert e.value.key == "at"
    with pytest.raises(csops.InputError) as e:
        smau([{**EVENTS[0], "at": "2026-01-31"}])
    assert e.value.key == "events[0].at" and "RFC 3339" in str(e.value)
    with pytest.raises(csops.InputError, match="empty"):
        smau(table.slice(0, 0))
    with pytest.raises(csops.InputError) as e:
        smau(EVENTS, by="month")  # type: ignore[arg-type]
    assert "account" in str(e.value) and "total" in str(e.value)
    with pytest.raises(TypeError):
        smau(EVENTS, paying="acme")
    with pytest.raises(TypeError):
        smau({"account": ["a"]})  # a dict of columns: make it a table first


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]), st.sampled_from(["u1", "u2", "u3"]),
                          st.sampled_from(["create", "plan", "verify"]),
                          st.integers(min_value=1_700_000_000, max_value=1_800_000_000)), min_size=1, max_size=60),
       st.one_of(st.none(), st.sets(st.sampled_from(["a", "b", "c"]))))
def test_smau_counts_distinct_users_as_pandas_does(rows: list, paying: set | None) -> None:  # type: ignore[type-arg]
    frame = pd.DataFrame(rows, columns=["account", "user", "stage", "seconds"])
    frame["at"] = pd.to_datetime(frame["seconds"], unit="s", utc=True)
    counted = frame if paying is None else frame[frame["account"].isin(paying)]
    counted = counted.assign(month=counted["at"].dt.strftime("%Y-%m"))
    expected = (counted.groupby(["account", "month", "stage"])["user"].nunique().reset_index(name="users")
                .to_dict("records"))
    out = smau(frame[["account", "user", "stage", "at"]], paying=paying)
    assert out.to_dict("records") == expected


def test_the_objects_a_job_ships_pickle() -> None:
    card = csops.Scorecard.default()
    assert pickle.loads(pickle.dumps(card)) == card
    seg = csops.Segmentation()
    assert pickle.loads(pickle.dumps(seg)) == seg


def test_batch_reasons_are_each_accounts_explanation() -> None:
    card = csops.Scorecard.default()
    cols = book(50)
    table = arrow_book(cols)
    out = card.score_batch(table, reasons=2, as_of="2026-10-01")
    assert out.column_names == ["score", "band", "coverage", "reasons"]
    as_dict = card.score_batch(cols, reasons=2, as_of="2026-10-01")
    for i, row in enumerate(table.to_pylist()):
        one = card.score({k: v for k, v in row.items() if v is not None}, as_of="2026-10-01")
        assert out.column("reasons")[i].as_py() == one.reasons(2) == as_dict["reasons"][i], i
    assert "reasons" not in card.score_batch(table).column_names


def test_metrics_take_arrow_columns() -> None:
    m = csops.metrics
    answers = [10, 9, 7, 3, 0, 6]
    expected = m.nps(answers)
    for column in (pa.array(answers, pa.int8()), pa.chunked_array([answers[:2], answers[2:]]), pl.Series(answers)):
        assert m.nps(column) == expected
    assert m.csat(pa.array([5, 4, 3, 1], pa.uint16())) == 50.0
    with pytest.raises(csops.InputError) as e:
        m.nps(pa.array([9, None, 10]))
    assert e.value.key == "answers[1]"
    with pytest.raises(csops.InputError, match="integers"):
        m.nps(pa.array([9.0, 10.0]))
    start, now = [100.0, 100.0, 0.0], [150.0, 0.0, 80.0]
    assert m.nrr(start=pa.array(start), now=pl.Series(now)) == m.nrr(start=start, now=now) == 75.0
    with pytest.raises(csops.InputError):
        m.grr(start=pa.array([100.0, None]), now=pa.array([1.0, 2.0]))  # a missing amount is refused


def test_segmentation_takes_and_gives_a_table() -> None:
    seg = csops.Segmentation()
    rows = [{"id": "acme", "arr": 600_000.0, "seats": 900, "public_sector": False, "region": "EMEA"},
            {"id": "tiny", "arr": 3_000.0, "seats": 5, "public_sector": False, "region": "AMER"},
            {"id": "gov", "arr": 90_000.0, "seats": 120, "public_sector": True, "region": "AMER"}]
    expected = seg.assign_all(rows)
    table = pa.Table.from_pylist(rows)
    out = seg.assign_all(table)
    assert isinstance(out, pa.Table)
    assert [{k: str(v) if k != "priority" else v for k, v in r.items()} for r in out.to_pylist()] == expected
    frame = seg.assign_all(pl.from_arrow(table))
    assert isinstance(frame, pl.DataFrame) and frame["account"].to_list() == ["acme", "tiny", "gov"]
    # Two batches: an error names the row in the whole table.
    two = pa.Table.from_batches([*table.to_batches(), *pa.Table.from_pylist(
        [{"id": "bad", "arr": None, "seats": 1, "public_sector": False, "region": "EMEA"}], schema=table.schema).to_batches()])
    with pytest.raises(csops.InputError) as e:
        seg.assign_all(two)
    assert e.value.key == "accounts[3].arr"
    # The plan over the table equals the plan over the list.
    assert csops.capacity_plan(out) == csops.capacity_plan(expected)


def test_previous_bands_come_from_any_earlier_result() -> None:
    card = csops.Scorecard.default()
    cols = book(200)
    table = arrow_book(cols)
    reference = card.score_batch(cols, previous=card.score_batch(cols)["band"])
    for earlier in (card.score_batch(table), card.score_batch(pl.from_arrow(table)),
                    card.score_batch(duckdb.connect().from_arrow(table))):
        again = card.score_batch(table, previous=earlier)
        assert scores_of(again)[1] == [str(b) for b in reference["band"]]


def test_arrow_columns_refused_by_name() -> None:
    card = csops.Scorecard.default()
    with pytest.raises(csops.InputError) as e:
        csops.metrics.nps(pa.array([9, 2**63 + 1], pa.uint64()))
    assert e.value.key == "answers[1]" and "range" in str(e.value)
    # A dictionary of numbers is numbers.
    codes = pa.array([90.0, 10.0, 90.0]).dictionary_encode()
    out = card.score_batch(pa.table({"license_utilization": codes}))
    plain = card.score_batch(pa.table({"license_utilization": [90.0, 10.0, 90.0]}))
    assert scores_of(out) == scores_of(plain)
    # A category error names its row in the whole table, across batches.
    two = pa.Table.from_batches([pa.record_batch({"csm_sentiment": ["green"] * 3}),
                                 pa.record_batch({"csm_sentiment": ["green", "purple"]})])
    with pytest.raises(csops.InputError, match="row 4"):
        card.score_batch(two)
    with pytest.raises(csops.InputError) as e:
        smau(EVENTS, paying=["acme", 7])  # type: ignore[list-item]
    assert e.value.key == "paying[1]"
    with pytest.raises((csops.InputError, TypeError)) as info:
        smau([{**EVENTS[0], "at": dt.datetime(2026, 1, 1)}])
    assert "events[0].at" in str(info.value)
