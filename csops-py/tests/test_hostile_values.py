"""Hostile values from Python (issue 13): hypothesis throws random nested values — wrong types,
huge ints, NaN and infinities, deep nesting, bytes, lone surrogates, non-str keys — into every
argument of every entry point, the other arguments valid. Each call either returns or raises
`csops.CsopsError` or `TypeError`; never another exception, never a crash."""

from __future__ import annotations

import math
import os
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import csops
from csops import gitlab, metrics

REQUEST = {
    "id": 1,
    "author": "rita",
    "labels": ["CSOps", "CSOps::Triage"],
    "created_at": "2026-01-01T00:00:00Z",
}
ISSUE = {
    "iid": 1,
    "title": "t",
    "state": "opened",
    "labels": ["CSOps"],
    "author": {"username": "rita"},
    "created_at": "2026-01-01T00:00:00Z",
}
EVENT = {
    "user": {"username": "omar"},
    "created_at": "2026-01-02T00:00:00Z",
    "label": {"name": "CSOps::Triage"},
    "action": "add",
}
AT = "2026-01-03T00:00:00Z"
COMMAND = {"type": "triage", "workstream": "Gainsight"}
WF = csops.Workflow(directory={"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]})
CARD = csops.Scorecard.default()
HOOK = {
    "object_kind": "issue",
    "user": {"username": "omar"},
    "object_attributes": {
        "iid": 1,
        "title": "t",
        "state": "opened",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-02T00:00:00Z",
        "action": "update",
    },
    "labels": [{"title": "CSOps"}],
    "changes": {},
}


def req() -> csops.Request:
    return csops.Request.from_dict(REQUEST)


def nest(levels: int, leaf: Any) -> Any:
    for i in range(levels):
        leaf = [leaf] if i % 2 else {"a": leaf}
    return leaf


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**64 + 2),
    st.integers(min_value=-(2**200), max_value=2**200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 1e308]),
    st.text(),
    st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), min_size=1),
    st.sampled_from(
        ["CSOps", "CSOps::Triage", "2026-01-01", AT, "triage", "", " ", "::", "nan", "inf"]
    ),
    st.binary(),
)
keys = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["type", "id", "labels", "author", "created_at", "iid", "weight", "sla"]),
    st.integers(),
    st.none(),
    st.binary(max_size=4),
    st.tuples(st.integers()),
    st.floats(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(keys, inner, max_size=4),
        st.builds(lambda base, v: {**base, "labels": v}, st.sampled_from([REQUEST, ISSUE]), inner),
        st.builds(lambda base, v: {**base, "type": v}, st.just(COMMAND), inner),
        st.builds(nest, st.integers(min_value=100, max_value=400), inner),
    ),
    max_leaves=12,
)

# Every entry point with the argument the hostile value takes, the others valid.
CALLS: dict[str, Callable[[Any], Any]] = {
    "Workflow(directory)": lambda v: csops.Workflow(directory=v),
    "Workflow(config)": lambda v: csops.Workflow(directory={}, config=v),
    "Workflow.apply(command)": lambda v: WF.apply(req(), v, actor="lena", at=AT),
    "Workflow.apply(actor)": lambda v: WF.apply(req(), COMMAND, actor=v, at=AT),
    "Workflow.apply(at)": lambda v: WF.apply(req(), COMMAND, actor="lena", at=v),
    "Workflow.apply(request)": lambda v: WF.apply(v, COMMAND, actor="lena", at=AT),
    "Workflow.can_apply(command)": lambda v: WF.can_apply(req(), v, actor="lena", at=AT),
    "Workflow.load_request": lambda v: WF.load_request(v),
    "Workflow.replay(history)": lambda v: WF.replay(req(), v),
    "Workflow.replay(initial)": lambda v: WF.replay(v, []),
    "Workflow.sla_breaches(now)": lambda v: WF.sla_breaches(req(), v),
    "Workflow.review_level": lambda v: WF.review_level(v),
    "Workflow.decide_webhook(hook)": lambda v: WF.decide_webhook(v, req()),
    "Workflow.decide_webhook(stored)": lambda v: WF.decide_webhook(HOOK, v),
    "Request.from_dict": lambda v: csops.Request.from_dict(v),
    "Request.from_dict(config)": lambda v: csops.Request.from_dict(REQUEST, config=v),
    "Request.from_json": lambda v: csops.Request.from_json(v),
    "Label": lambda v: csops.Label(v),
    "Label.parse": lambda v: csops.Label.parse(v),
    "LabelSet": lambda v: csops.LabelSet(v),
    "LabelSet.add": lambda v: csops.LabelSet().add(v),
    "LabelSet.remove": lambda v: csops.LabelSet(["CSOps"]).remove(v),
    "Weight": lambda v: csops.Weight(v),
    "weight_for_hours": lambda v: csops.weight_for_hours(v),
    "Maturity(ratings)": lambda v: csops.Maturity(v),
    "Maturity(foundations)": lambda v: csops.Maturity({}, v),
    "Segmentation": lambda v: csops.Segmentation(v),
    "Segmentation.assign": lambda v: csops.Segmentation().assign(v),
    "Segmentation.assign_all": lambda v: csops.Segmentation().assign_all(v),
    "capacity_plan(assignments)": lambda v: csops.capacity_plan(v),
    "capacity_plan(current)": lambda v: csops.capacity_plan([], v),
    "capacity_plan(model)": lambda v: csops.capacity_plan([], None, v),
    "Journey(account)": lambda v: csops.Journey(v),
    "Journey(config)": lambda v: csops.Journey("acme", v),
    "Journey.record(event)": lambda v: csops.Journey("acme").record(v, "2026-01-01"),
    "Journey.record(date)": lambda v: csops.Journey("acme").record(
        {"type": "contract_signed", "start": "2026-01-01", "renewal": "2027-01-01", "arr": 1},
        v,
    ),
    "Journey.advance": lambda v: csops.Journey("acme").advance(v),
    "Journey.touchpoints": lambda v: csops.Journey("acme").touchpoints(v),
    "Scorecard": lambda v: csops.Scorecard(v),
    "Scorecard.from_dict": lambda v: csops.Scorecard.from_dict(v),
    "Scorecard.from_json": lambda v: csops.Scorecard.from_json(v),
    "Scorecard.from_toml": lambda v: csops.Scorecard.from_toml(v),
    "Scorecard.score(values)": lambda v: CARD.score(v),
    "Scorecard.score(as_of)": lambda v: CARD.score({}, as_of=v),
    "Scorecard.score(previous)": lambda v: CARD.score({}, previous=v),
    "Scorecard.score(segment)": lambda v: CARD.score({}, segment=v),
    "Scorecard.score(override)": lambda v: CARD.score({}, as_of="2026-01-01", override=v),
    "Scorecard.score_batch(data)": lambda v: CARD.score_batch(v),
    "Scorecard.validate": lambda v: CARD.validate(v, v),
    "HealthScore.from_json": lambda v: csops.HealthScore.from_json(v),
    "metrics.nps": lambda v: metrics.nps(v),
    "metrics.csat": lambda v: metrics.csat(v),
    "metrics.nrr": lambda v: metrics.nrr(start_arr=v),
    "metrics.nrr(start)": lambda v: metrics.nrr(start=v, now=v),
    "metrics.grr": lambda v: metrics.grr(start_arr=100.0, churned=v),
    "metrics.logo_churn": lambda v: metrics.logo_churn(accounts_at_start=v, churned_accounts=0),
    "metrics.license_utilization": lambda v: metrics.license_utilization(
        active_users=v, purchased_seats=10.0
    ),
    "scope": lambda v: csops.scope(v),
    "gitlab.read_issue": lambda v: gitlab.read_issue(v),
    "gitlab.read_issue(config)": lambda v: gitlab.read_issue(ISSUE, v),
    "gitlab.read_issues": lambda v: gitlab.read_issues(v),
    "gitlab.read_label_events": lambda v: gitlab.read_label_events(v),
    "gitlab.read_webhook": lambda v: gitlab.read_webhook(v),
    "gitlab.reconstruct(request)": lambda v: gitlab.reconstruct(v, [EVENT], WF),
    "gitlab.reconstruct(events)": lambda v: gitlab.reconstruct(ISSUE, v, WF),
    "gitlab.audit(issues)": lambda v: gitlab.audit(v, None, AT, WF),
    "gitlab.audit(events)": lambda v: gitlab.audit([ISSUE], v, AT, WF),
    "gitlab.audit(as_of)": lambda v: gitlab.audit([ISSUE], None, v, WF),
    "gitlab.check_issue": lambda v: gitlab.check_issue(v, WF),
    "Transition(from_state)": lambda v: csops.Transition(v, "Triage", [], [], False, False, []),
    "Transition(add_labels)": lambda v: csops.Transition("New", "Triage", v, [], False, False, []),
    "Transition(notifications)": lambda v: csops.Transition(
        "New", "Triage", [], [], False, False, v
    ),
    "LabelEvent(user)": lambda v: gitlab.LabelEvent(v, AT, "CSOps", "add"),
    "LabelEvent(at)": lambda v: gitlab.LabelEvent("omar", v, "CSOps", "add"),
    "LabelEvent(label)": lambda v: gitlab.LabelEvent("omar", AT, v, "add"),
    "LabelEvent(action)": lambda v: gitlab.LabelEvent("omar", AT, "CSOps", v),
    "IssueHook.to_request(config)": lambda v: gitlab.read_webhook(HOOK).to_request(v),
    "Workflow.sla_breaches(request)": lambda v: WF.sla_breaches(v, AT),
    "Rejection._from_json": lambda v: csops.Rejection._from_json(v),
    "Violation._from_json": lambda v: gitlab.Violation._from_json(v),
    "Reconstruction._from_json": lambda v: gitlab.Reconstruction._from_json(v),
    "IssueHook._from_json": lambda v: gitlab.IssueHook._from_json(v),
    "WebhookDecision._from_json": lambda v: gitlab.WebhookDecision._from_json(v),
    "BoardReport._from_json": lambda v: gitlab.BoardReport._from_json(v),
    "AuditRun._from_json": lambda v: gitlab.AuditRun._from_json(v),
    "board_report(requests)": lambda v: csops.board_report(v, AT, WF),
    "board_report(events)": lambda v: csops.board_report([ISSUE], AT, WF, v),
}


def survives(call: str, v: Any) -> None:
    try:
        CALLS[call](v)
    except (csops.CsopsError, TypeError) as e:
        assert str(e), f"{call}: an error without a message"
    except BaseException as e:  # noqa: BLE001 — any other exception is the failure
        raise AssertionError(f"{call} raised {type(e).__name__}: {str(e)[:300]}") from e


# CSOPS_HYPOTHESIS_EXAMPLES raises the count for a longer hunt than the suite's.
EXAMPLES = int(os.environ.get("CSOPS_HYPOTHESIS_EXAMPLES", "400"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=st.sampled_from(sorted(CALLS)), v=values)
def test_any_value_into_any_argument_is_an_error_or_a_result(call: str, v: Any) -> None:
    survives(call, v)


def test_every_entry_point_meets_the_classics() -> None:
    """The values a fuzzer finds first, through every entry point, each once."""
    classics: list[Any] = [
        None, True, -1, 2**64, -(2**200), math.nan, math.inf, "", "\ud800", b"\xff", [],
        {}, {1: 2}, {None: 1}, {(1,): 1}, nest(300, 1), nest(20_000, "x"),
    ]
    for call in sorted(CALLS):
        for v in classics:
            survives(call, v)


def test_a_lone_surrogate_is_an_input_error_naming_the_argument() -> None:
    wf_apply = CALLS["Workflow.apply(actor)"]
    try:
        wf_apply("lena\ud800")
    except csops.InputError as e:
        assert "not valid Unicode" in str(e)
        assert any("actor" in note for note in getattr(e, "__notes__", [])), e
    else:
        raise AssertionError("a lone surrogate was read")


def test_messages_quote_inputs_bounded() -> None:
    """A 10 MB input is quoted in 64 characters and its length, not copied whole."""
    big = "x" * 10_000_000
    for call, v in [
        ("Label.parse", " " * 10_000_000),
        ("Workflow.apply(command)", {"type": big}),
        ("Workflow.apply(actor)", big),
        ("Workflow(directory)", {"p": [big]}),
        ("Workflow(config)", {big: 1}),
        ("gitlab.read_issue", {**ISSUE, "created_at": big}),
    ]:
        try:
            CALLS[call](v)
        except (csops.CsopsError, TypeError) as e:
            assert len(str(e)) < 2_000, (call, len(str(e)))
            assert len(str(getattr(e, "key", ""))) < 2_000, call
        else:
            raise AssertionError(f"{call} accepted a hostile value")
    with pytest.raises(csops.CsopsError) as raised:
        csops.Journey(big).record({"type": "first_value"}, "2026-01-01")
    assert len(str(raised.value)) < 2_000 and "(10000000 bytes)" in str(raised.value)


def test_a_lone_surrogate_inside_a_value_names_its_key() -> None:
    with pytest.raises(csops.InputError) as raised:
        WF.apply(req(), {"type": "triage", "workstream": "Gain\ud800"}, actor="lena", at=AT)
    assert "not valid Unicode" in str(raised.value)
    assert "workstream" in str(raised.value) + str(getattr(raised.value, "key", ""))
