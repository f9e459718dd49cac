"""Scorecard identity (SPEC §10) and backtests over a measure history (SPEC §13) from Python:
`Scorecard.identity`, `score_history`, `backtest`, `compare`, `suggest_weights`."""

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

CARD = {
    "name": "pilot", "version": "3",
    "groups": [
        {"id": "product", "weight": 2, "measures": [
            {"id": "util", "weight": 3, "scheme": {"type": "linear", "worst": 0, "best": 100},
             "ttl_days": 45},
            {"id": "engagement", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]},
        {"id": "risk", "weight": 1, "measures": [
            {"id": "sentiment", "weight": 1, "scheme": {"type": "categories", "categories": [
                {"value": "red", "score": 0}, {"value": "yellow", "score": 50},
                {"value": "green", "score": 100}]}}]}],
    "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Yellow", "from": 50, "to": 75},
              {"name": "Green", "from": 75, "to": 100}],
    "vetoes": [{"measure": "sentiment", "when": {"category": "red"}, "band": "Red"}],
}


def card() -> csops.Scorecard:
    return csops.Scorecard(CARD)


def history(accounts: int = 200, seed: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly observations for a year; utilisation drives churn."""
    rng = np.random.default_rng(seed)
    rows: list[tuple[str, str, pd.Timestamp, object]] = []
    outcomes = []
    start = pd.Timestamp("2025-01-01")
    for a in range(accounts):
        acct = f"acct-{a:04d}"
        base = rng.uniform(0, 100)
        for k in range(12):
            t = start + pd.Timedelta(days=30 * k)
            rows.append((acct, "util", t, float(np.clip(base + rng.normal(0, 8), 0, 100))))
            rows.append((acct, "engagement", t, float(rng.uniform(0, 100))))
            if k % 3 == 0:
                word = "red" if base < 20 else "yellow" if base < 50 else "green"
                rows.append((acct, "sentiment", t, word))
        churned = rng.uniform(0, 100) > base
        outcomes.append((acct, "churned" if churned else "renewed",
                         start + pd.Timedelta(days=330 + int(rng.integers(0, 40)))))
    h = pd.DataFrame(rows, columns=["account", "measure", "observed_at", "value"])
    o = pd.DataFrame(outcomes, columns=["account", "outcome", "at"])
    return h, o


def test_identity_is_the_definition_not_the_file() -> None:
    a = card()
    ident = a.identity
    assert (ident["name"], ident["version"], len(ident["hash"])) == ("pilot", "3", 64)
    # The same card as TOML hashes alike; scaled weights score alike, so hash alike.
    one = {"name": "one", "groups": [{"id": "g", "weight": 1, "measures": [
        {"id": "util", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]}],
        "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Green", "from": 50, "to": 100}]}
    toml_text = """
    name = "one"
    bands = [{name = "Red", from = 0, to = 50}, {name = "Green", from = 50, to = 100}]
    [[groups]]
    id = "g"
    weight = 4          # only ratios score
    measures = [{id = "util", weight = 2.5, scheme = {type = "linear", worst = 0, best = 100}}]
    """
    assert csops.Scorecard(one).identity == csops.Scorecard(toml_text).identity
    scaled = {**CARD, "groups": [{**g, "weight": g["weight"] * 10} for g in CARD["groups"]]}
    assert csops.Scorecard(scaled).identity == ident
    changed = {**CARD, "hysteresis": 5}
    assert csops.Scorecard(changed).identity["hash"] != ident["hash"]
    # A score and every batch result carry it.
    assert a.score({"util": 80}).scorecard == ident
    book = pd.DataFrame({"util": [80.0, 20.0]})
    assert a.score_batch(book).attrs["scorecard"] == ident
    table = a.score_batch(pa.table({"util": [80.0, 20.0]}))
    assert table.schema.metadata[b"csops.scorecard.hash"] == ident["hash"].encode()
    assert csops.Scorecard.default().identity["version"] == "1"


def test_score_history_equals_merge_asof_then_score_batch() -> None:
    """What a data team writes (pandas merge_asof per measure, then score the book) is what
    score_history gives, row for row."""
    c = card()
    h, _ = history(60)
    dates = [pd.Timestamp("2025-04-15"), pd.Timestamp("2025-08-20")]
    got = c.score_history(h, dates)
    assert list(got.columns) == ["account", "as_of", "score", "band", "coverage"]
    assert got.attrs["scorecard"] == c.identity
    for d in dates:
        accounts = pd.DataFrame({"account": sorted(h["account"].unique())})
        book = accounts.copy()
        observed = {}
        for m in c.measures:
            rows = h[(h.measure == m) & (h.observed_at <= d)].sort_values("observed_at")
            last = rows.groupby("account").tail(1).set_index("account")
            book[m] = accounts["account"].map(last["value"])
            if m == "util":
                observed[m] = accounts["account"].map(last["observed_at"]).to_numpy()
        expect = c.score_batch(book, as_of=d.date(), observed=observed)
        mine = got[got.as_of == d.date()].reset_index(drop=True)
        np.testing.assert_array_equal(mine["score"].to_numpy(), expect["score"].to_numpy())
        assert list(mine["band"].astype(str)) == list(expect["band"].astype(str))


def test_every_table_kind_in_gives_the_same_scores_and_its_own_kind_out() -> None:
    c = card()
    h, _ = history(30)
    numbers = h[h.measure != "sentiment"].astype({"value": float})
    base = c.score_history(numbers, "2025-06-01")
    as_pl = c.score_history(pl.from_pandas(numbers), "2025-06-01")
    assert isinstance(as_pl, pl.DataFrame)
    as_pa = c.score_history(pa.Table.from_pandas(numbers), "2025-06-01")
    assert isinstance(as_pa, pa.Table)
    assert as_pa.schema.metadata[b"csops.scorecard.version"] == b"3"
    rel = duckdb.connect().from_arrow(pa.Table.from_pandas(numbers))
    as_duck = c.score_history(rel, "2025-06-01")
    for other in (as_pl.to_pandas(), as_pa.to_pandas(), pa.table(as_duck).to_pandas()):
        np.testing.assert_array_equal(other["score"].to_numpy(dtype=float),
                                      base["score"].to_numpy(dtype=float))
    # Categories: a pandas categorical account column, and a category column beside numbers.
    cat = numbers.astype({"account": "category"})
    np.testing.assert_array_equal(c.score_history(cat, "2025-06-01")["score"], base["score"])
    split = h.assign(category=h["value"].where(h.measure == "sentiment"),
                     value=pd.to_numeric(h["value"], errors="coerce"))
    mixed = c.score_history(h, "2025-06-01")
    np.testing.assert_array_equal(c.score_history(split, "2025-06-01")["score"], mixed["score"])


def test_a_backtest_checked_by_hand() -> None:
    c = csops.Scorecard({
        "groups": [{"id": "product", "weight": 1, "measures": [
            {"id": "util", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]}],
        "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Green", "from": 50, "to": 100}],
    })
    h = pd.DataFrame({
        "account": ["a", "b", "c", "d", "a"],
        "measure": ["util"] * 5,
        "observed_at": ["2026-01-01"] * 4 + ["2026-03-15"],
        "value": [20.0, 40.0, 60.0, 90.0, 95.0],  # a's late rise is after every as-of date
    })
    o = pd.DataFrame({"account": ["a", "b", "c", "d"],
                      "outcome": ["churned", "renewed", "churned", "renewed"],
                      "at": [dt.date(2026, 3, 31)] * 4})
    b = c.backtest(h, o, lead_days=[30], bootstrap=100, seed=1)
    s = b.summary.iloc[0]
    # As of 1 March: a 20 (churned), b 40, c 60 (churned), d 90. Renewed above churned in 3 of
    # the 4 (renewed, churned) couples: b>a, d>a, d>c; b<c.
    assert (s["pairs"], s["unknown"], s["auc"]) == (4, 0, 0.75)
    assert s["auc_low"] <= 0.75 <= s["auc_high"]
    bands = b.bands.set_index("band")
    assert bands.loc["Red", "accounts"] == 2 and bands.loc["Red", "churned"] == 1
    assert list(b.missed_churn["account"]) == ["c"]
    assert list(b.false_alarms["account"]) == ["b"]
    assert b.false_alarms["reasons"][0] == ["util: -60.0 points"]
    assert pickle.loads(pickle.dumps(b)) == b
    assert "0.750" in repr(b)
    assert list(b.roc.columns) == ["lead_days", "below", "false_positive_rate", "true_positive_rate"]


def test_bad_outcomes_and_tables_are_input_errors_naming_them() -> None:
    c = card()
    h, o = history(5)
    bad = o.copy()
    bad.loc[3, "outcome"] = "lost"
    with pytest.raises(csops.InputError, match=r"row 3.*lost"):
        c.backtest(h, bad)
    with pytest.raises(csops.InputError, match="observed_at") as e:
        c.score_history(h.drop(columns=["observed_at"]), "2025-06-01")
    assert "columns: account, measure, value" in str(e.value)
    weird = h.astype({"value": object})
    weird.loc[2, "value"] = [1, 2]
    with pytest.raises(csops.InputError, match="row 2"):
        c.score_history(weird, "2025-06-01")
    with pytest.raises(csops.InputError, match="lead"):
        c.backtest(h, o, lead_days=[30, 30])


def test_two_scorecards_side_by_side() -> None:
    a = card()
    h, o = history(300, seed=9)
    # b leans on engagement, which is noise here.
    spec = {**CARD, "coverage_min": 0.0}
    spec["groups"] = [
        {**CARD["groups"][0], "measures": [
            {**CARD["groups"][0]["measures"][0], "weight": 0.01},
            CARD["groups"][0]["measures"][1]]},
        CARD["groups"][1],
    ]
    b = csops.Scorecard(spec)
    cmp = a.compare(b, h, o, bootstrap=200)
    row = cmp.summary.iloc[0]
    assert row["difference"] < 0 and row["high"] < 0, row
    assert cmp.a.scorecard == a.identity and cmp.b.scorecard == b.identity
    assert pickle.loads(pickle.dumps(cmp)) == cmp


def test_suggested_weights_are_judged_out_of_sample_and_written_as_a_new_version() -> None:
    c = card()
    h, o = history(400, seed=2)
    # Outcomes over two periods: shift half a year later for half the accounts (history too).
    late = o.index % 2 == 0
    o.loc[late, "at"] = o.loc[late, "at"] + pd.Timedelta(days=200)
    moved = h["account"].isin(o.loc[late, "account"])
    h.loc[moved, "observed_at"] = h.loc[moved, "observed_at"] + pd.Timedelta(days=200)
    s = c.suggest_weights(h, o, split="2026-01-01", lead_days=60)
    auc = s.auc.set_index("period")
    assert auc.loc["out of sample", "pairs"] > 100 and auc.loc["in sample", "pairs"] > 100
    w = s.weights.set_index("measure")
    assert w.loc["util", "suggested"] > w.loc["engagement", "suggested"]
    assert s.scorecard.identity["version"] == "4"
    assert csops.Scorecard(s.to_toml()).identity == s.scorecard.identity
    assert pickle.loads(pickle.dumps(s)) == s


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["util", "engagement"]),
                       st.integers(0, 90), st.floats(0, 100)), min_size=1, max_size=30),
    st.integers(0, 100),
)
def test_nothing_observed_after_the_date_is_used(rows: list[tuple[int, str, int, float]],
                                                 asked: int) -> None:
    """Dropping every row after the date changes nothing (hypothesis)."""
    c = card()
    start = dt.date(2026, 1, 1)
    h = pd.DataFrame([(f"a{a}", m, start + dt.timedelta(days=d), v) for a, m, d, v in rows],
                     columns=["account", "measure", "observed_at", "value"])
    day = start + dt.timedelta(days=asked)
    full = c.score_history(h, day)
    before = h[h.observed_at <= day]
    if before.empty:
        assert full["score"].isna().all()
        return
    cut = c.score_history(before, day)
    merged = full.merge(cut, on="account", how="left", suffixes=("", "_cut"))
    np.testing.assert_array_equal(merged["score"].to_numpy(dtype=float),
                                  merged["score_cut"].to_numpy(dtype=float))


def test_pairs_from_anywhere_give_the_one_process_report() -> None:
    c = card()
    h, o = history(80, seed=4)
    whole = c.backtest(h, o, lead_days=[30, 60], bootstrap=100)
    halves = [o.iloc[:40], o.iloc[40:]]
    tables = [c.backtest_pairs(h[h.account.isin(part.account)], part, lead_days=[30, 60]) for part in halves]
    pairs = pd.concat(tables[::-1], ignore_index=True).sample(frac=1.0, random_state=3)
    assert list(tables[0].columns) == ["lead_days", "account", "outcome", "outcome_at", "as_of", "score",
                                       "band", "reasons"]
    assert csops.Backtest.from_pairs(c, pa.Table.from_pandas(pairs), lead_days=[30, 60], bootstrap=100) == whole
    with pytest.raises(csops.InputError, match="lead time"):
        csops.Backtest.from_pairs(c, pa.Table.from_pandas(pairs), lead_days=[30], bootstrap=100)


def test_times_of_one_day_order_its_values_whatever_the_rows_order() -> None:
    c = csops.Scorecard({"groups": [{"id": "g", "weight": 1, "measures": [
        {"id": "util", "weight": 1, "scheme": {"type": "linear", "worst": 0, "best": 100}}]}],
        "bands": [{"name": "Red", "from": 0, "to": 50}, {"name": "Green", "from": 50, "to": 100}]})
    h = pd.DataFrame({"account": ["a", "a", "a"], "measure": ["util"] * 3,
                      "observed_at": pd.to_datetime(["2026-01-01T18:00Z", "2026-01-01T09:00Z",
                                                     "2026-01-02T01:00Z"]),
                      "value": [10.0, 80.0, 55.0]})
    first = c.score_history(h, ["2026-01-01", "2026-01-02"])
    assert first["score"].tolist() == [10.0, 55.0]  # 18:00 is later than 09:00
    again = c.score_history(h.iloc[::-1], ["2026-01-01", "2026-01-02"])
    assert again["score"].tolist() == [10.0, 55.0]
    o = pd.DataFrame({"account": ["a"], "outcome": ["churned"], "at": ["2026-03-01"]})
    with pytest.raises(csops.InputError, match="split"):
        c.suggest_weights(h, o, split=pd.Timestamp("2026-01-01T10:00"))
