"""csops.metrics: the issue's signatures, both retention forms, and every refusal."""

from __future__ import annotations

import doctest

import pytest

import csops
from csops import metrics


def test_formulas() -> None:
    assert metrics.nps([10, 9, 7, 3]) == 25.0 and metrics.nps((0, 6, 8, 8)) == -50.0
    assert metrics.csat([5, 4, 3, 1]) == 50.0
    assert metrics.nrr(start_arr=1_000_000, expansion=200_000, contraction=50_000, churned=100_000) == 105.0
    assert metrics.grr(start_arr=1_000_000, expansion=200_000, contraction=50_000, churned=100_000) == 85.0
    assert metrics.nrr(start_arr=100, expansion=0, contraction=0, churned=0) == 100.0
    assert metrics.grr(start_arr=100, contraction=10, churned=0) == 90.0  # GRR leaves expansion out
    assert metrics.nrr(start=[100, 100, 0], now=[150, 0, 80]) == 75.0
    assert metrics.grr(start=[100.0, 100.0], now=[150.0, 0.0]) == 50.0
    assert metrics.logo_churn(accounts_at_start=200, churned_accounts=9) == 4.5
    assert metrics.license_utilization(active_users=45, purchased_seats=60) == 75.0


def test_per_account_matches_the_aggregate_form() -> None:
    start, now = [120.0, 80.0, 50.0, 0.0], [150.0, 60.0, 0.0, 40.0]
    agg = dict(start_arr=250.0, expansion=30.0, contraction=20.0, churned=50.0)
    assert metrics.nrr(start=start, now=now) == metrics.nrr(**agg)
    assert metrics.grr(start=start, now=now) == metrics.grr(**agg)


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda: metrics.nps([]), "answers"),
        (lambda: metrics.nps([11]), "answers[0]"),
        (lambda: metrics.nps([9, 9.5]), "answers[1]"),
        (lambda: metrics.nps([True]), "answers[0]"),
        (lambda: metrics.csat([5, 0]), "answers[1]"),
        (lambda: metrics.nrr(start_arr=0, expansion=0, contraction=0, churned=0), "start_arr"),
        (lambda: metrics.nrr(start_arr=100, expansion=0, contraction=60, churned=50), "nrr"),
        (lambda: metrics.grr(start_arr=100, expansion=-1, contraction=0, churned=0), "expansion"),
        (lambda: metrics.grr(start_arr=float("nan"), contraction=0, churned=0), "start_arr"),
        # A component left out is an error, not 0 (issue 14: `nrr(start_arr=100)` read as 100 %).
        (lambda: metrics.nrr(start_arr=100), "expansion"),
        (lambda: metrics.nrr(start_arr=100, expansion=5, contraction=0), "churned"),
        (lambda: metrics.grr(start_arr=100, expansion=5), "contraction"),
        (lambda: metrics.nrr(start=[0, 0], now=[1, 2]), "accounts with ARR at the period start"),
        (lambda: metrics.grr(start=[1], now=[1, 2]), "grr"),
        (lambda: metrics.logo_churn(accounts_at_start=0, churned_accounts=0), "accounts_at_start"),
        (lambda: metrics.logo_churn(accounts_at_start=2, churned_accounts=3), "logo_churn"),
        (lambda: metrics.logo_churn(accounts_at_start=-2, churned_accounts=0), "accounts_at_start"),
        (lambda: metrics.license_utilization(active_users=1, purchased_seats=0), "purchased_seats"),
    ],
)
def test_bad_input_is_an_input_error_naming_the_input(call, key: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(csops.InputError) as info:
        call()
    assert info.value.key == key, str(info.value)


def test_a_left_out_component_is_named_with_both_forms() -> None:
    with pytest.raises(csops.InputError) as info:
        metrics.nrr(start_arr=100)
    message = str(info.value)
    assert message.startswith("nrr: missing expansion, contraction, churned"), message
    assert "start=[...], now=[...]" in message


def test_wrong_forms_and_types() -> None:
    with pytest.raises(TypeError):
        metrics.nrr()
    with pytest.raises(TypeError):
        metrics.nrr(start_arr=1, start=[1], now=[1])
    with pytest.raises(TypeError):
        metrics.nrr(start=[1])
    with pytest.raises(TypeError):
        metrics.nrr(start=[1], now=[1], expansion=0)
    with pytest.raises(TypeError):
        metrics.nps("9")
    with pytest.raises(TypeError):
        metrics.nps(9)
    with pytest.raises(TypeError):
        metrics.nrr(1000)  # keyword-only
    with pytest.raises(TypeError):
        metrics.license_utilization(active_users="1", purchased_seats=2)


def test_module_doctest() -> None:
    assert doctest.testmod(metrics).failed == 0
    assert doctest.testmod(csops).failed == 0


def test_numpy_arrays_and_series_are_read_in_place_and_agree_with_lists() -> None:
    import numpy as np
    import pandas as pd

    answers = [10, 9, 7, 3, 0, 10]
    assert metrics.nps(np.array(answers)) == metrics.nps(answers)
    assert metrics.nps(np.array(answers, dtype=np.uint8)) == metrics.nps(answers)
    assert metrics.csat(pd.Series([5, 4, 1])) == metrics.csat([5, 4, 1])
    start, now = [100.0, 100.0, 0.0], [150.0, 0.0, 80.0]
    assert metrics.nrr(start=np.array(start), now=np.array(now)) == metrics.nrr(start=start, now=now)
    assert metrics.grr(start=np.array([100, 100, 0]), now=pd.Series(now)) == metrics.grr(start=start, now=now)
    with pytest.raises(csops.InputError) as e:
        metrics.nps(np.array([9.0, 10.0]))
    assert e.value.key == "answers"
    with pytest.raises(csops.InputError) as e:
        metrics.nps(np.array([True, False]))
    assert e.value.key == "answers"
    with pytest.raises(csops.InputError) as e:
        metrics.nps(np.array([11, 3]))
    with pytest.raises(csops.InputError) as e:
        metrics.nrr(start=np.array(["a"]), now=np.array([1.0]))
    assert e.value.key == "start"
    with pytest.raises(csops.InputError):
        metrics.nrr(start=np.ones((2, 2)), now=np.ones(2))
    with pytest.raises(TypeError, match="argument 'start'"):
        metrics.nrr(start=["a"], now=[1.0])  # type: ignore[list-item]
    # Lists keep refusing bools and floats, naming the answer.
    with pytest.raises(csops.InputError) as e:
        metrics.nps([10, True])
    assert e.value.key == "answers[1]"
