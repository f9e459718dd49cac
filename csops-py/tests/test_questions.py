"""The questions the transition table answers (SPEC §2), and one verdict per move (SPEC §7),
from Python: `Workflow.choices`, `shortest_path`, `simple_paths`, a violation's `instead`."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import csops
from csops import gitlab

DIRECTORY = {"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}
T0 = "2026-01-05T09:00:00Z"


def workflow() -> csops.Workflow:
    return csops.Workflow(DIRECTORY)


def request(change_kind: str = "other", state_label: str = "CSOps::Triage") -> csops.Request:
    return csops.Request.from_dict(
        {"id": 7, "title": "t", "author": "rita", "created_at": T0, "change_kind": change_kind,
         "labels": ["CSOps", "Gainsight", state_label], "assignee": "omar", "weight": 3}
    )


def carrying(choice: dict[str, Any]) -> dict[str, Any]:
    """The choice's command with the inputs it lists."""
    command: dict[str, Any] = {"type": choice["command"]}
    ticks = {"handbook": ("handbook_updated", True), "gainsight_changelog": ("gainsight_changelog", True),
             "stakeholders": ("stakeholders_communicated", True),
             "lead_informed": ("lead_informed", {"summary": "done"})}
    for problem in choice["inputs"]:
        field = problem["missing"]
        if field in ticks:
            key, value = ticks[field]
            command.setdefault("checklist", {})[key] = value
        else:
            command[field] = {"weight": 3, "assignee": "omar", "reviewer": "gia",
                              "workstream": "Gainsight"}.get(field, "some words")
    return command


@pytest.mark.parametrize("state_label", ["CSOps::Triage", "CSOps::In_Process", "CSOps::Monitoring",
                                         "CSOps::Ready_for_Assignment", "CSOps::Completed"])
@pytest.mark.parametrize("actor", ["lena", "omar", "gia", "rita", "zed"])
def test_a_choice_is_open_exactly_when_can_apply_accepts_it(state_label: str, actor: str) -> None:
    wf = workflow()
    req = request(state_label=state_label)
    choices = wf.choices(req, actor=actor, at="2026-01-06T10:00:00Z")
    assert choices, "the table offers something from every state"
    for choice in choices:
        assert set(choice) == {"command", "to", "open", "inputs", "unmet"}
        assert choice["open"] == (choice["unmet"] == [])
        try:
            t = wf.can_apply(req, carrying(choice), actor=actor, at="2026-01-06T10:00:00Z")
            accepted = True
            assert t.state == choice["to"]
        except csops.TransitionRejected as e:
            accepted = False
            assert {p["rule"] for p in choice["unmet"]} <= {p["rule"] for p in e.problems}
        assert accepted == choice["open"], (choice, actor)


def test_choices_name_what_stands_in_the_way_in_a_rejection_s_words() -> None:
    wf = workflow()
    omar = {c["command"]: c for c in wf.choices(request(), actor="omar", at="2026-01-06T10:00:00Z")}
    assert not omar["ready"]["open"]
    assert omar["ready"]["unmet"][0]["kind"] == "not_permitted"
    assert "the lead of workstream Gainsight (lena)" in omar["ready"]["unmet"][0]["rule"]
    lena = {c["command"]: c for c in wf.choices(request(), actor="lena", at="2026-01-06T10:00:00Z")}
    assert lena["decline"]["open"] and [p["missing"] for p in lena["decline"]["inputs"]] == ["reason"]
    with pytest.raises(csops.InputError):
        wf.choices(request(), actor="lena", at="yesterday")


def test_paths_between_states() -> None:
    path = csops.shortest_path("New", "InProcess")
    assert path is not None
    assert [m["command"] for m in path] == ["request_info", "resume"]
    assert path[0] == {"command": "request_info", "from": "New", "to": "NeedMoreInfo"}
    assert csops.shortest_path("Triage", "Triage") == []
    assert csops.shortest_path("Completed", "New") is None
    with pytest.raises(csops.InputError, match="unknown state"):
        csops.shortest_path("Doing", "New")


@given(st.sampled_from(csops.STATES), st.sampled_from(csops.STATES))
def test_every_simple_path_follows_the_table_and_the_shortest_is_first(a: str, b: str) -> None:
    paths = csops.simple_paths(a, b)
    shortest = csops.shortest_path(a, b)
    assert (shortest is None) == (paths == [])
    for path in paths:
        states = [a] + [m["to"] for m in path]
        assert len(set(states)) == len(states) and states[-1] == b
        assert all(m["from"] == s for m, s in zip(path, states))
    if shortest is not None:
        assert len(shortest) == len(paths[0]) and shortest in paths


def _hook(actor: str, previous: str, current: str) -> dict[str, Any]:
    labels = lambda wl: [{"title": "CSOps"}, {"title": "Gainsight"}, {"title": wl}]  # noqa: E731
    return {"object_kind": "issue", "user": {"username": actor},
            "object_attributes": {"iid": 7, "title": "t", "state": "opened", "created_at": T0},
            "assignees": [{"username": "omar"}],
            "changes": {"updated_at": {"current": "2026-01-07 10:00:00 UTC"},
                        "labels": {"previous": labels(previous), "current": labels(current)}}}


def test_a_stated_other_with_a_gainsight_label_completes_in_the_engine_and_the_webhook_alike() -> None:
    # The issue's own example: `other` + `Gainsight`, In Process -> Completed, full checklist.
    wf = workflow()
    checklist = {"handbook_updated": True, "gainsight_changelog": True, "stakeholders_communicated": True,
                 "lead_informed": {"summary": "done"}}
    for kind, allowed in [("other", True), ("unknown", False)]:
        req = request(change_kind=kind, state_label="CSOps::In_Process")
        engine = True
        try:
            wf.can_apply(req, {"type": "complete", "checklist": checklist}, actor="omar", at="2026-01-07T10:00:00Z")
        except csops.TransitionRejected as e:
            engine = False
            assert e.kind == "review_required"
        d = wf.decide_webhook(_hook("omar", "CSOps::In_Process", "CSOps::Completed"), req)
        assert (engine, d.allowed) == (allowed, allowed), kind
    # Read from GitLab, the kind is unknown: its Gainsight label stands for a Gainsight change.
    issue = gitlab.read_issue({"iid": 7, "title": "t", "state": "opened", "labels": ["CSOps", "Gainsight"],
                               "author": {"username": "rita"}, "created_at": T0})
    assert issue.change_kind == "unknown"
    assert wf.review_level(issue) == "required"


def test_a_refused_move_names_what_was_open_instead() -> None:
    wf = workflow()
    d = wf.decide_webhook(_hook("lena", "CSOps::Triage", "CSOps::In_Process"), request())
    assert not d.allowed
    v = d.violations[0]
    assert v.rule == "invalid_transition"
    assert {"command": "ready", "from": "Triage", "to": "ReadyForAssignment"} in v.instead
    assert d.comment is not None and "Open to @lena from Triage instead: `request_info`" in d.comment


def test_parse_instant_reads_what_a_person_types_for_as_of() -> None:
    from datetime import datetime, timezone

    utc = timezone.utc
    assert csops.parse_instant("2026-03-16") == datetime(2026, 3, 16, tzinfo=utc)
    assert csops.parse_instant("2026-03-16T09:30") == datetime(2026, 3, 16, 9, 30, tzinfo=utc)
    assert csops.parse_instant("2026-03-16T10:00:00+01:00") == datetime(2026, 3, 16, 9, tzinfo=utc)
    for bad in ["20260316", "2026-W12", "yesterday", "2026-13-01"]:
        with pytest.raises(csops.InputError, match="is not a time like") as info:
            csops.parse_instant(bad)
        assert info.value.key == "text"
    assert csops.UNKNOWN_BAND == "Unknown"
