"""Hostile input from Python (issue 13): values nested far deeper than any real input reach
every entry point that takes a dict or a list, and each call fails with a csops error or a
TypeError naming the argument — never a crash of the interpreter (the conversion to the core
used to recurse once per level and overflow the native stack near 12,000 levels)."""

from __future__ import annotations

from typing import Any, Callable

import pytest

import csops
from csops import gitlab, metrics

REQUEST = {"id": 1, "author": "a", "labels": ["CSOps"], "created_at": "2026-01-01T00:00:00Z"}


def nest(levels: int, kind: str) -> Any:
    x: Any = 1
    for _ in range(levels):
        x = [x] if kind == "list" else {"a": x}
    return x


def apply(v: Any) -> Any:
    return csops.Workflow(directory={}).apply(
        csops.Request.from_dict(REQUEST), v, actor="a", at="2026-01-02T00:00:00Z"
    )


CALLS: dict[str, Callable[[Any], Any]] = {
    "Request.from_dict": csops.Request.from_dict,
    "Workflow.apply": apply,
    "Workflow(directory=)": lambda v: csops.Workflow(directory=v),
    "Workflow(config=)": lambda v: csops.Workflow(directory={}, config=v),
    "gitlab.read_issues": gitlab.read_issues,
    "gitlab.read_webhook": gitlab.read_webhook,
    "gitlab.check_issue": gitlab.check_issue,
    "gitlab.read_label_events": gitlab.read_label_events,
    "metrics.nps": metrics.nps,
    "Segmentation": csops.Segmentation,
}


@pytest.mark.parametrize("kind", ["list", "dict"])
@pytest.mark.parametrize("call", sorted(CALLS))
def test_deep_nesting_is_an_error_not_a_crash(call: str, kind: str) -> None:
    with pytest.raises((csops.CsopsError, TypeError)) as e:
        CALLS[call](nest(12_000, kind))
    assert str(e.value)


def test_the_nesting_limit_is_named() -> None:
    deep = {**REQUEST, "title": nest(200, "list")}
    with pytest.raises(csops.InputError) as e:
        gitlab.read_issues([{"iid": 1, "junk": nest(200, "dict")}])
    assert "nested deeper than 128" in str(e.value)
    with pytest.raises(csops.CsopsError):
        csops.Request.from_dict(deep)
