"""csops.Maturity: the SPEC §12 assessment from Python."""

from __future__ import annotations

import pickle

import pytest

import csops


def ratings(level: int = 2, **override: int) -> dict[str | int, int]:
    r: dict[str | int, int] = {c: level for c in csops.CAPABILITIES}
    r.update(override)
    return r


def test_report() -> None:
    m = csops.Maturity(ratings(2, metrics=0, digital_strategy=3))
    r = m.report()
    assert [s["stage"] for s in r["stages"]] == ["Build", "Operationalize", "Transform"]
    assert r["stages"][0]["established"] == 4 and r["stages"][0]["completion"] == pytest.approx(8 * 100 / 15)
    assert r["highest_established_stage"] == "Transform"
    assert r["weakest"] == ["metrics"]
    ahead = {a["capability"]: a for a in r["ahead_of_foundations"]}
    assert ahead["digital_strategy"] == {"capability": "digital_strategy", "rating": "optimised", "missing": ["metrics"]}
    assert "health_score" in ahead and "journey_map" not in ahead


def test_ratings_by_number_and_values() -> None:
    m = csops.Maturity({i: 1 for i in range(1, 16)})
    assert m.ratings == {c: 1 for c in csops.CAPABILITIES} and list(m.ratings) == csops.CAPABILITIES
    assert m.report()["highest_established_stage"] is None
    assert pickle.loads(pickle.dumps(m)) == m
    assert m != csops.Maturity(ratings(2))
    assert repr(m).startswith('Maturity({"organizational_design": 1,')


def test_replaced_foundations() -> None:
    m = csops.Maturity(ratings(2, metrics=0), foundations={"reporting": ["metrics"]})
    assert [a["capability"] for a in m.report()["ahead_of_foundations"]] == ["reporting"]
    assert pickle.loads(pickle.dumps(m)).report() == m.report()


@pytest.mark.parametrize(
    "bad",
    [ratings(2, metrics=4), ratings(2, metrics=-1), {c: 2 for c in csops.CAPABILITIES[:-1]}, {**ratings(2), "tooling": 1}, {**ratings(2), 4: 1}],
)
def test_bad_assessments(bad: dict[str | int, int]) -> None:
    with pytest.raises(csops.InputError) as info:
        csops.Maturity(bad)
    assert info.value.key == "ratings"


def test_wrong_types() -> None:
    with pytest.raises(TypeError):
        csops.Maturity([1, 2])  # type: ignore[arg-type]
    # A rating that is not an integer is the core's input error, as in C.
    with pytest.raises(csops.InputError, match="metrics") as info:
        csops.Maturity({**ratings(2), "metrics": "high"})
    assert info.value.key == "ratings"
    with pytest.raises(csops.InputError):
        csops.Maturity(ratings(2), foundations={"reporting": ["nope"]})
