"""The health score from Python (SPEC §10): `csops.Scorecard`, `HealthScore`, batch scoring of
numpy / pandas / Arrow columns, validation, errors and pickling."""

from __future__ import annotations

import json
import pickle
import threading
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import csops

FULL = {
    "license_utilization": 90, "user_engagement": 85, "scm_adoption": 80, "ci_adoption": 70,
    "devsecops_adoption": 40, "cd_adoption": 60, "csm_sentiment": "green", "outcomes_achieved": 50,
    "nps_response": 8, "csat_response": 4, "days_since_last_touch": 9,
}


def book(n: int, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    card = csops.Scorecard.default()
    cols: dict[str, object] = {}
    for m in card.measures:
        if m == "csm_sentiment":
            cols[m] = rng.choice(np.array(["red", "yellow", "green", None], dtype=object), n)
        else:
            x = rng.uniform(0, 100, n)
            x[rng.random(n) < 0.1] = np.nan
            cols[m] = x
    return pd.DataFrame(cols, index=[f"acct-{i}" for i in range(n)])


def test_default_scorecard_and_its_formats() -> None:
    card = csops.Scorecard.default()
    assert card == csops.Scorecard() == csops.Scorecard.from_toml(csops.Scorecard.default_toml())
    assert card.measures[0] == "license_utilization" and card.bands == ["Red", "Yellow", "Green"]
    assert csops.Scorecard.from_json(card.to_json()) == card == csops.Scorecard.from_dict(card.to_dict())
    assert [g["weight"] for g in card.to_dict()["groups"]] == [50, 25, 10, 5, 10]
    assert "Scorecard(name=" in repr(card)
    assert pickle.loads(pickle.dumps(card)) == card


def test_score_with_explanation() -> None:
    card = csops.Scorecard.default()
    s = card.score(FULL)
    assert (s.score, s.band, s.coverage) == (pytest.approx(79.375), "Green", 1.0)
    assert sum(c["points"] for c in s.contributions) == pytest.approx(s.score, abs=1e-9)
    assert [g["group"] for g in s.groups] == ["product", "risk", "outcomes", "voice_of_customer", "engagement"]
    assert s.reasons(1) == ["outcomes_achieved: -5.0 points"]
    assert pickle.loads(pickle.dumps(s)) == s
    assert repr(s) == "HealthScore(score=79.375, band=\"Green\", coverage=1.0)"
    red = card.score({**FULL, "csm_sentiment": "red"}, previous=s)
    assert (red.band, red.vetoes, red.trend, red.band_change) == ("Red", ["csm_sentiment"], "down", ("Green", "Red"))
    unknown = card.score({"nps_response": 10})
    assert (unknown.score, unknown.band, unknown.unknown["reason"]) == (None, "Unknown", "coverage")
    assert card.score({**FULL, "csm_sentiment": "red"}, segment="tech_touch").band == "Yellow"
    assert card.score({**FULL, "license_utilization": float("nan")}).coverage == pytest.approx(0.85)


def test_staleness_and_overrides() -> None:
    card = csops.Scorecard.default()
    stale = card.score({**FULL, "license_utilization": {"value": 90, "at": "2026-01-01"}}, as_of="2026-11-01")
    assert stale.stale == ["license_utilization"]
    o = {"band": "Red", "author": "lena", "reason": "sponsor left", "expires": "2026-12-01"}
    s = card.score(FULL, as_of="2026-11-01", override=o)
    assert (s.band, s.computed_band, s.override["author"]) == ("Red", "Green", "lena")
    assert card.score(FULL, as_of="2026-12-01", override=o).band == "Green"
    with pytest.raises(csops.InputError) as info:
        card.score(FULL, override=o)
    assert info.value.key == "as_of" or "as_of" in str(info.value)


def test_bad_input_names_the_measure() -> None:
    card = csops.Scorecard.default()
    with pytest.raises(csops.InputError) as info:
        card.score({"csm_sentiment": "purple"})
    assert (info.value.key, info.value.measure, info.value.row) == ("csm_sentiment", "csm_sentiment", None)
    with pytest.raises(csops.InputError):
        card.score({"license_utilisation": 3})
    with pytest.raises(csops.InputError):
        card.score({"license_utilization": float("inf")})
    spec = card.to_dict()
    spec["groups"][0]["measures"][1]["weight"] = 0
    with pytest.raises(csops.ConfigError) as cinfo:
        csops.Scorecard(spec)
    assert cinfo.value.key == "groups[0].measures[1] (user_engagement).weight"
    assert isinstance(cinfo.value, csops.CsopsError)
    spec = card.to_dict()
    spec["bands"][1]["from"] = 40
    with pytest.raises(csops.ConfigError, match="overlaps"):
        csops.Scorecard(spec)
    with pytest.raises(TypeError):
        csops.Scorecard(3)  # type: ignore[arg-type]
    e = pickle.loads(pickle.dumps(info.value))
    assert e.key == "csm_sentiment"


def test_batch_equals_single_for_every_account() -> None:
    card = csops.Scorecard.default()
    df = book(2_000)
    df["segment"] = np.where(np.arange(len(df)) % 3 == 0, "tech_touch", "high_touch")
    out = card.score_batch(df, segment=df["segment"])
    assert list(out.columns) == ["score", "band", "coverage"] and out.index.equals(df.index)
    assert str(out["band"].dtype) == "category"
    for i in range(0, len(df), 7):
        row = {m: (None if (isinstance(v, float) and np.isnan(v)) else v) for m, v in df.iloc[i].items()
               if m in card.measures}
        s = card.score(row, segment=df["segment"].iloc[i])
        b = out["score"].iloc[i]
        assert (None if np.isnan(b) else float(b)) == s.score, i
        assert out["band"].iloc[i] == s.band and out["coverage"].iloc[i] == s.coverage, i


def test_batch_inputs_dict_arrow_and_threads_agree() -> None:
    card = csops.Scorecard.default()
    df = book(10_000)
    frame = card.score_batch(df)
    as_dict = card.score_batch({k: df[k].to_numpy() for k in df.columns})
    arrow = card.score_batch(pa.Table.from_pandas(df))
    one = card.score_batch(df, threads=1)
    assert isinstance(as_dict, dict) and set(as_dict) == {"score", "band", "coverage"}
    for r in (as_dict, arrow, one):
        assert np.array_equal(np.asarray(r["score"]), frame["score"].to_numpy(), equal_nan=True)
        assert list(np.asarray(r["band"])) == list(frame["band"].astype(str))
    assert frame["band"].isin(["Red", "Yellow", "Green", "Unknown"]).all()
    assert np.isnan(frame["score"][frame["band"] == "Unknown"]).all()
    empty = card.score_batch({m: np.array([]) for m in card.measures})
    assert len(empty["score"]) == 0


def test_batch_staleness_previous_and_errors() -> None:
    card = csops.Scorecard.default()
    df = book(4)
    dates = np.array(["2026-10-30", "2025-01-01", None, "2026-10-01"], dtype="datetime64[D]")
    out = card.score_batch(df, as_of="2026-11-01", observed={"license_utilization": dates})
    fresh = card.score_batch(df)
    assert out["score"].iloc[0] == fresh["score"].iloc[0] or np.isnan(fresh["score"].iloc[0])
    with pytest.raises(csops.InputError, match="as_of"):
        card.score_batch(df, observed={"license_utilization": dates})
    held = card.score_batch(df, previous=fresh)
    assert list(held["band"]) == list(fresh["band"])  # same scores: no change
    with pytest.raises(csops.InputError) as info:
        card.score_batch({"csm_sentiment": np.array([0.0, 9.0])})
    assert (info.value.measure, info.value.row) == ("csm_sentiment", 1)
    assert info.value.rule and info.value.rule in str(info.value) and "row" not in info.value.rule
    # A segment name no profile has, in row 2: the row is data, the rule its words.
    with pytest.raises(csops.InputError) as info:
        card.score_batch(df, segment=["tech_touch", None, "no_touch", "tech_touch"])
    assert (info.value.key, info.value.row) == ("segment", 2)
    assert info.value.rule.startswith('unknown segment "no_touch"')
    # Columns of different lengths: the core's check names the column.
    with pytest.raises(csops.InputError, match="4 rows, but the batch has 3") as info:
        card.score_batch({"license_utilization": np.zeros(3), "ci_adoption": np.zeros(4)})
    assert info.value.key == "ci_adoption" and not hasattr(info.value, "row")
    with pytest.raises(csops.InputError, match="unknown band"):
        card.score_batch(df, previous=["Purple"] * 4)
    with pytest.raises(TypeError):
        card.score_batch(42)


def test_batch_releases_the_gil() -> None:
    card = csops.Scorecard.default()
    df = book(400_000)
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0)

    t = threading.Thread(target=count)
    t.start()
    before = ticks
    card.score_batch(df, threads=1)
    during = ticks - before
    done.set()
    t.join()
    # Holding the GIL for the whole call would leave the counter a handful of ticks at most.
    assert during > 1000, f"only {during} ticks of another Python thread while the batch was scored"


def test_validate() -> None:
    card = csops.Scorecard.default()
    v = card.validate(np.array([20.0, 40.0, 60.0, 90.0, np.nan]), [True, False, "churned", "renewed", False])
    assert v["auc"] == 0.75 and v["churn_rate"] == 40.0
    assert [b["band"] for b in v["bands"]] == ["Red", "Yellow", "Green", "Unknown"]
    assert v["bands"][0]["lift"] == 1.25
    with pytest.raises(csops.InputError):
        card.validate([10.0], [])
    with pytest.raises(csops.InputError):
        card.validate([10.0], ["lost"])
    assert json.dumps(v)
