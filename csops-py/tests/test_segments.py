"""csops.Segmentation and csops.capacity_plan (SPEC §8) from Python."""

from __future__ import annotations

import pickle

import pytest

import csops

BOOK = (
    [{"id": f"s{i}", "arr": 600_000, "seats": 2000} for i in range(25)]
    + [{"id": f"g{i}", "arr": 150_000} for i in range(41)]
    + [{"id": f"d{i}", "arr": 1_000, "region": "AMER"} for i in range(7)]
    + [{"id": "gov", "arr": 900_000, "public_sector": True}]
)


def test_default_segmentation() -> None:
    seg = csops.Segmentation()
    a = seg.assign({"id": "acme", "arr": 750_000.0, "seats": 2000, "region": "EMEA"})
    assert a == {"account": "acme", "rule": "strategic", "team": "Strategic", "priority": 1,
                 "engagement": "high_touch", "sales_segment": "Enterprise"}
    assert seg.assign({"id": "tiny", "arr": 4_000})["priority"] == 4
    assert seg.assign({"id": "gov", "arr": 10, "public_sector": True})["team"] == "PubSec"
    assert [r["name"] for r in seg.to_dict()["rules"]] == ["public_sector", "strategic", "growth", "scale", "digital"]
    assert pickle.loads(pickle.dumps(seg)) == seg
    assert repr(seg).startswith("Segmentation(rules=")


def test_capacity_plan() -> None:
    plan = csops.capacity_plan(csops.Segmentation().assign_all(BOOK), current={"Strategic": 2, "Growth": 2})
    teams = {t["team"]: t for t in plan["teams"]}
    assert (teams["Strategic"]["needed_by_ratio"], teams["Strategic"]["gap_by_ratio"]) == (3, 1)
    assert (teams["Growth"]["needed_by_ratio"], teams["Growth"]["gap_by_ratio"]) == (2, 0)
    assert (teams["Scale"]["digital_only"], teams["Scale"]["needed_by_ratio"]) == (7, 0)
    assert teams["PubSec"]["needed_by_ratio"] == 1 and teams["PubSec"]["gap_by_ratio"] == 1
    lean = csops.capacity_plan(csops.Segmentation().assign_all(BOOK), model={"accounts_per_csm": {"high_touch": 30, "mid_touch": 50}})
    assert {t["team"]: t["needed_by_ratio"] for t in lean["teams"]}["Strategic"] == 1


def test_custom_rules_and_unmatched_accounts() -> None:
    rules = '[[rules]]\nname = "emea"\nwhen = { regions = ["EMEA"] }\nthen = { team = "Growth", priority = 2, engagement = "mid_touch", sales_segment = "Mid-Market" }\n'
    seg = csops.Segmentation(rules)
    assert seg.assign({"id": "a", "arr": 1, "region": "EMEA"})["rule"] == "emea"
    with pytest.raises(csops.InputError) as info:
        seg.assign_all([{"id": "a", "arr": 1, "region": "EMEA"}, {"id": "b", "arr": 2, "region": "APAC"}])
    assert info.value.account == "b" and '"b"' in str(info.value)


@pytest.mark.parametrize(
    ("rules", "key"),
    [({"rules": []}, "rules"),
     ({"rules": [{"name": "x", "then": {"team": "Growth", "priority": 9, "engagement": "mid_touch", "sales_segment": "SMB"}}]}, "rules[0].then.priority"),
     ('{"rules": [{"name": "x", "then": {"team": "Sales"}}]}', "rules[0].then.team")],
)
def test_bad_rules_are_config_errors_naming_the_key(rules: object, key: str) -> None:
    with pytest.raises(csops.ConfigError) as info:
        csops.Segmentation(rules)  # type: ignore[arg-type]
    assert info.value.key == key


def test_bad_accounts_and_types() -> None:
    seg = csops.Segmentation()
    with pytest.raises(csops.InputError):
        seg.assign({"id": "x", "arr": -5})
    with pytest.raises(csops.InputError, match="arr"):
        seg.assign({"id": "x"})
    with pytest.raises(csops.InputError):
        seg.assign({"id": "x", "arr": "big"})
    with pytest.raises(csops.InputError):
        csops.capacity_plan([{"team": "Strategic"}])
    with pytest.raises(csops.InputError):
        csops.capacity_plan([], model={"accounts_per_csmx": {}})
    with pytest.raises(TypeError):
        csops.Segmentation(42)  # type: ignore[arg-type]
