"""csops.Journey (SPEC §9) from Python."""

from __future__ import annotations

import copy
import pickle
from datetime import date, datetime

import pytest

import csops

SIGNED = {"type": "contract_signed", "start": "2026-01-05", "renewal": "2027-01-05", "arr": 100_000}


def test_a_journey() -> None:
    j = csops.Journey("acme")
    assert (j.stage, j.account, j.arr, j.start) == ("Align", "acme", 0.0, None)
    step = j.record(SIGNED, "2026-01-02")
    assert (step["from"], step["to"]) == ("Align", "Onboard")
    j.record({"type": "first_engagement"}, date(2026, 1, 10))
    report = j.advance("2026-02-10")
    assert report["steps"] == []
    assert report["misses"] == [{"milestone": "first_value", "due": "2026-02-04", "reached": None, "days_late": 6}]
    j.record({"type": "first_value"}, "2026-02-11")
    j.record({"type": "onboarding_completed"}, "2026-02-12")
    j.record({"type": "expansion", "arr_delta": 20_000}, "2026-05-01")
    assert (j.stage, j.arr) == ("Expand", 120_000.0)
    r = j.advance("2026-10-01")
    assert [(s["date"], s["to"]) for s in r["steps"]] == [("2026-09-07", "Renew")]
    assert j.touchpoints("high_touch") == ["renewal conversation", "EBR"]
    j.record({"type": "renewed", "renewal": "2028-01-05", "arr": 130_000}, "2026-12-01")
    assert (j.stage, j.renewal, j.arr) == ("Enable", "2028-01-05", 130_000.0)
    assert len(j.history) == 7
    assert pickle.loads(pickle.dumps(j)) == j and copy.copy(j) == j
    assert repr(j) == 'Journey(account="acme", stage="Enable", arr=130000)'


def test_configurable_targets() -> None:
    j = csops.Journey("acme", config={"time_to_value": {"first_value_days": 60}, "renewal_window_days": 30})
    j.record(SIGNED, "2026-01-02")
    # On 02-25: engagement (due 01-19) and onboarding (due 02-19) are late; first value, now
    # due after 60 days (03-06), is not.
    misses = j.advance("2026-02-25")["misses"]
    assert [(m["milestone"], m["days_late"]) for m in misses] == [("first_engagement", 37), ("onboarding_completed", 6)]


def test_bad_input() -> None:
    j = csops.Journey("acme")
    with pytest.raises(csops.InputError) as info:
        j.record({"type": "first_value"}, "2026-01-02")
    assert info.value.key == "event" and "Align" in str(info.value)
    with pytest.raises(csops.InputError):
        j.record({**SIGNED, "renewal": "2025-01-01"}, "2026-01-02")
    with pytest.raises(csops.InputError):
        j.record({**SIGNED, "arr": -1}, "2026-01-02")
    with pytest.raises(csops.InputError):
        j.record({"type": "signed"}, "2026-01-02")
    with pytest.raises(csops.InputError):
        j.record(SIGNED, "02/01/2026")
    j.record(SIGNED, "2026-01-02")
    with pytest.raises(csops.InputError) as info:
        j.advance("2025-12-31")
    assert info.value.key == "date"
    with pytest.raises(csops.InputError):
        j.touchpoints("no_touch")
    with pytest.raises(TypeError):
        j.advance(datetime(2026, 3, 1))
    with pytest.raises(TypeError):
        j.advance(20260301)
    with pytest.raises(csops.InputError):
        csops.Journey("x", config={"renewal_window": 30})
    assert j.stage == "Onboard" and len(j.history) == 1
