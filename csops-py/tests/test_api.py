"""The public surface of `csops`: every name, every conversion, every error kind."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import datetime, timedelta, timezone

import pytest

import csops

DIRECTORY = {
    "lena": ["workstream_lead:Gainsight"],
    "dev": ["workstream_lead:Digital"],
    "omar": ["cs_ops"],
    "pat": ["cs_ops"],
    "gia": ["cs_ops", "gainsight_admin"],
}
NEW = {
    "id": 101,
    "title": "Combine two CTA rules",
    "author": "rita",
    "labels": ["CSOps", "Gainsight"],
    "created_at": "2026-01-05T09:00:00Z",
    "change_kind": "gainsight_rule",
}
DONE = {
    "type": "complete",
    "checklist": {
        "handbook_updated": True,
        "gainsight_changelog": True,
        "stakeholders_communicated": True,
        "lead_informed": {"summary": "done", "next_steps": "none"},
    },
}


@pytest.fixture
def wf() -> csops.Workflow:
    return csops.Workflow(directory=DIRECTORY)


@pytest.fixture
def req() -> csops.Request:
    return csops.Request.from_dict(NEW)


def in_process(wf: csops.Workflow, req: csops.Request) -> None:
    wf.apply(req, {"type": "triage"}, actor="lena", at="2026-01-06T10:00:00Z")
    wf.apply(req, {"type": "ready", "weight": 5}, actor="lena", at="2026-01-06T10:05:00Z")
    wf.apply(req, {"type": "start"}, actor="omar", at="2026-01-07T09:00:00Z")


# --- the workflow ---------------------------------------------------------------------------


def test_a_whole_request_from_new_to_completed(wf: csops.Workflow, req: csops.Request) -> None:
    t = wf.apply(req, {"type": "triage", "workstream": "Gainsight"}, actor="lena", at="2026-01-06T10:00:00Z")
    assert (t.from_state, t.state) == ("New", "Triage")
    assert t.add_labels == ["CSOps::Triage"] and t.remove_labels == []
    assert t.notifications == [{"to": "rita", "role": "requester", "why": "triage"}]
    assert not t.close and not t.reopen
    wf.apply(req, {"type": "ready", "hours": 4.5}, actor="lena", at="2026-01-06T10:05:00Z")
    assert req.weight == 5
    wf.apply(req, {"type": "start"}, actor="omar", at="2026-01-07T09:00:00Z")
    assert (req.state, req.assignee) == ("InProcess", "omar")
    wf.apply(req, {"type": "request_review", "reviewer": "gia", "summary": "merged"}, actor="omar", at="2026-01-07T15:00:00Z")
    assert req.reviewer == "gia"
    wf.apply(req, {"type": "approve_review"}, actor="gia", at="2026-01-08T09:00:00Z")
    t = wf.apply(req, DONE, actor="omar", at="2026-01-08T10:00:00Z")
    assert t.close and t.remove_labels == ["CSOps::Awaiting Feedback"]
    assert req.state == "Completed" and not req.is_open
    assert req.closed_at == datetime(2026, 1, 8, 10, tzinfo=timezone.utc)
    assert [s["command"]["type"] for s in req.history] == [
        "triage", "ready", "start", "request_review", "approve_review", "complete",
    ]
    assert req.labels == ["CSOps", "Gainsight", "CSOps::Completed"]
    assert req.workstream == "Gainsight"


def test_rejections_carry_kind_rule_missing_and_change_nothing(wf: csops.Workflow, req: csops.Request) -> None:
    in_process(wf, req)
    before = req.to_dict()
    with pytest.raises(csops.TransitionRejected) as info:
        wf.apply(req, {"type": "block", "reason": " "}, actor="lena", at="2026-01-07T10:00:00Z")
    e = info.value
    assert e.kind == "not_permitted" and e.missing == []
    assert "lena" in e.rule and str(e).startswith("not_permitted: ")
    assert [p["kind"] for p in e.problems] == ["not_permitted", "missing_input"]
    assert e.problems[1]["missing"] == "reason"
    assert req.to_dict() == before
    with pytest.raises(csops.TransitionRejected) as info:
        wf.apply(req, {"type": "complete"}, actor="omar", at="2026-01-07T11:00:00Z")
    assert info.value.kind == "review_required"
    assert isinstance(info.value, csops.CsopsError)


def test_apply_many_answers_each_step_as_apply_does(wf: csops.Workflow) -> None:
    # Two requests, their steps interleaved, the usual mistakes among them.
    stream = [
        (0, {"type": "triage"}, "omar", "2026-01-06T10:00:00Z"),
        (0, {"type": "triage"}, "lena", "2026-01-06T10:01:00Z"),
        (1, '{"type": "triage"}', "lena", datetime(2026, 1, 6, 10, 2, tzinfo=timezone.utc)),
        (0, {"type": "ready"}, "lena", "2026-01-06T10:03:00Z"),
        (0, {"type": "ready", "weight": 3}, "lena", "2026-01-06T10:04:00Z"),
        (1, {"type": "decline"}, "lena", "2026-01-06T10:05:00Z"),
        (0, {"type": "start"}, "omar", "2026-01-06T10:06:00Z"),
    ]
    many = [csops.Request.from_dict(NEW), csops.Request.from_dict({**NEW, "id": 102})]
    answers = wf.apply_many(many, stream)
    one = [csops.Request.from_dict(NEW), csops.Request.from_dict({**NEW, "id": 102})]
    for (i, command, actor, at), answer in zip(stream, answers, strict=True):
        try:
            t = wf.apply(one[i], command, actor=actor, at=at)
        except csops.TransitionRejected as e:
            assert isinstance(answer, csops.Rejection)
            assert (answer.kind, answer.rule, answer.missing, answer.problems) == (e.kind, e.rule, e.missing, e.problems)
        else:
            assert isinstance(answer, csops.Transition) and answer == t
    assert [m.to_dict() for m in many] == [o.to_dict() for o in one]
    assert [type(a).__name__ for a in answers] == [
        "Rejection", "Transition", "Transition", "Rejection", "Transition", "Rejection", "Transition",
    ]
    assert answers[3].missing == ["weight"]
    # A generator of steps, and no steps.
    assert wf.apply_many(many, iter([])) == []


@pytest.mark.parametrize(
    ("step", "key"),
    [
        ((2, {"type": "triage"}, "lena", "2026-01-06T10:00:00Z"), "steps[1].request"),
        ((0, {"type": "dance"}, "lena", "2026-01-06T10:00:00Z"), "steps[1].command.type"),
        ((0, {"type": "triage"}, "lena", "yesterday"), "steps[1].at"),
        ((0, {"type": "triage"}, "lena"), "steps[1]"),
        ((-1, {"type": "triage"}, "lena", "2026-01-06T10:00:00Z"), "steps[1]"),
    ],
)
def test_apply_many_reads_every_step_before_applying_any(wf: csops.Workflow, step: tuple, key: str) -> None:
    reqs = [csops.Request.from_dict(NEW), csops.Request.from_dict({**NEW, "id": 102})]
    before = [r.to_dict() for r in reqs]
    good = (0, {"type": "triage"}, "lena", "2026-01-06T10:00:00Z")
    with pytest.raises(csops.InputError) as info:
        wf.apply_many(reqs, [good, step])
    assert info.value.key == key, str(info.value)
    assert [r.to_dict() for r in reqs] == before


def test_apply_many_refuses_a_request_listed_twice(wf: csops.Workflow, req: csops.Request) -> None:
    with pytest.raises(csops.InputError) as info:
        wf.apply_many([req, req], [(0, {"type": "triage"}, "lena", "2026-01-06T10:00:00Z")])
    assert info.value.key == "requests[1]"
    assert req.state == "New"


def test_every_rejection_kind_reaches_python(wf: csops.Workflow, req: csops.Request) -> None:
    def kind(command: dict, actor: str, at: str) -> str:
        with pytest.raises(csops.TransitionRejected) as info:
            wf.apply(req, command, actor=actor, at=at)
        return info.value.kind

    seen = {
        kind({"type": "triage"}, "zed", "2026-01-06T10:00:00Z"),
        kind({"type": "triage"}, "lena", "2020-01-01T00:00:00Z"),
        kind({"type": "unblock"}, "lena", "2026-01-06T10:00:00Z"),
        kind({"type": "triage"}, "omar", "2026-01-06T10:00:00Z"),
    }
    wf.apply(req, {"type": "triage"}, actor="lena", at="2026-01-06T10:00:00Z")
    seen |= {
        kind({"type": "ready"}, "lena", "2026-01-06T10:01:00Z"),
        kind({"type": "ready", "weight": 4}, "lena", "2026-01-06T10:01:00Z"),
        kind({"type": "ready", "hours": 8}, "lena", "2026-01-06T10:01:00Z"),
    }
    wf.apply(req, {"type": "ready", "weight": 3}, actor="lena", at="2026-01-06T10:02:00Z")
    wf.apply(req, {"type": "start"}, actor="omar", at="2026-01-06T10:03:00Z")
    seen.add(kind({"type": "waive_review", "reason": "x"}, "omar", "2026-01-06T10:04:00Z"))
    wf.apply(req, {"type": "request_review", "reviewer": "gia", "summary": "s"}, actor="omar", at="2026-01-06T10:05:00Z")
    wf.apply(req, {"type": "approve_review"}, actor="gia", at="2026-01-06T10:06:00Z")
    seen.add(kind({"type": "complete", "checklist": {"handbook_updated": True}}, "omar", "2026-01-06T10:07:00Z"))
    assert seen == set(csops.REJECTION_KINDS)


def test_can_apply_answers_like_apply_and_changes_nothing(wf: csops.Workflow, req: csops.Request) -> None:
    before = req.to_json()
    dry = wf.can_apply(req, {"type": "triage"}, actor="lena", at="2026-01-06T10:00:00Z")
    assert req.to_json() == before
    assert wf.apply(req, {"type": "triage"}, actor="lena", at="2026-01-06T10:00:00Z") == dry
    with pytest.raises(csops.TransitionRejected):
        wf.can_apply(req, {"type": "triage"}, actor="lena", at="2026-01-06T10:00:00Z")


def test_commands_as_json_text_and_times_as_aware_datetimes(wf: csops.Workflow, req: csops.Request) -> None:
    at = datetime(2026, 1, 6, 12, tzinfo=timezone(timedelta(hours=2)))
    wf.apply(req, '{"type": "triage"}', actor="lena", at=at)
    assert req.history[0]["at"] == "2026-01-06T10:00:00Z"


def test_bad_times_and_commands(wf: csops.Workflow, req: csops.Request) -> None:
    with pytest.raises(csops.InputError, match="timezone-aware") as info:
        wf.apply(req, {"type": "triage"}, actor="lena", at=datetime(2026, 1, 6, 10))
    assert info.value.key == "at"
    with pytest.raises(csops.InputError, match="is not a time like 2026-01-06T10:00:00Z"):
        wf.apply(req, {"type": "triage"}, actor="lena", at="yesterday")
    with pytest.raises(TypeError, match="'at'"):
        wf.apply(req, {"type": "triage"}, actor="lena", at=12)
    with pytest.raises(csops.InputError) as info:
        wf.apply(req, {"type": "dance"}, actor="lena", at="2026-01-06T10:00:00Z")
    assert info.value.key == "command.type" and "dance" in str(info.value)
    with pytest.raises(csops.InputError) as info:
        wf.apply(req, {"type": "ready", "weight": "three"}, actor="lena", at="2026-01-06T10:00:00Z")
    assert info.value.key == "command.weight"
    with pytest.raises(csops.InputError):
        wf.apply(req, "{not json", actor="lena", at="2026-01-06T10:00:00Z")
    with pytest.raises(TypeError, match="'command'"):
        wf.apply(req, ["triage"], actor="lena", at="2026-01-06T10:00:00Z")
    with pytest.raises(TypeError):
        wf.apply(req, {"type": "triage"}, actor=None, at="2026-01-06T10:00:00Z")
    with pytest.raises(TypeError):
        wf.apply("not a request", {"type": "triage"}, actor="lena", at="2026-01-06T10:00:00Z")
    # An int key is a field name as json.dumps writes it, and no field of a triage.
    with pytest.raises(csops.InputError, match="unknown field \"1\"; a triage command's fields are workstream"):
        wf.apply(req, {"type": "triage", 1: 2}, actor="lena", at="2026-01-06T10:00:00Z")
    with pytest.raises(TypeError, match="dict keys must be str or int"):
        wf.apply(req, {"type": "triage", (1,): 2}, actor="lena", at="2026-01-06T10:00:00Z")
    assert req.state == "New" and req.history == []
    # A NaN estimate reaches the core, which rejects it as an invalid weight (SPEC §3).
    wf.apply(req, {"type": "triage"}, actor="lena", at="2026-01-06T10:00:00Z")
    with pytest.raises(csops.TransitionRejected) as rinfo:
        wf.apply(req, {"type": "ready", "hours": float("nan")}, actor="lena", at="2026-01-06T10:01:00Z")
    assert rinfo.value.kind == "invalid_weight"
    with pytest.raises(csops.InputError, match="finite"):
        csops.Request.from_dict({**NEW, "title": float("inf")})


# --- construction and configuration -------------------------------------------------------------


def test_workflow_from_json_and_configs(req: csops.Request) -> None:
    wf = csops.Workflow(json.dumps(DIRECTORY), config='[sla]\nuntriaged_days = 2\n')
    assert wf.config["sla"]["untriaged_days"] == 2
    assert wf.directory["gia"] == ["cs_ops", "gainsight_admin"]
    wf = csops.Workflow(DIRECTORY, config={"sla": {"untriaged_days": 3}})
    assert wf.config["sla"]["untriaged_days"] == 3
    wf = csops.Workflow(DIRECTORY, config='{"sla": {"untriaged_days": 4}}')
    assert wf.config["sla"]["untriaged_days"] == 4
    assert "directory" in repr(wf)
    breaches = wf.sla_breaches(req, "2026-01-10T09:00:00Z")
    assert breaches == [
        {"kind": "untriaged", "since": "2026-01-05T09:00:00Z", "due": "2026-01-09T09:00:00Z", "overdue_by": 86400}
    ]
    assert wf.review_level(req) == "required"


def test_requests_load_with_a_configuration_or_the_default() -> None:
    on_hold = {"labels": {"workflow": {"Blocked": {"canonical": "CSOps::Blocked", "aliases": ["CSOps::On Hold"]}}}}
    data = {"id": 1, "author": "a", "labels": ["CSOps", "CSOps::On Hold"], "created_at": "2026-01-01T00:00:00Z"}
    assert csops.Request.from_dict(data, on_hold).state == "Blocked"
    assert csops.Request.from_json(json.dumps(data), json.dumps(on_hold)).state == "Blocked"
    # No configuration (or None): the default taxonomy, which does not know the alias.
    assert csops.Request.from_dict(data).state == csops.Request.from_json(json.dumps(data), None).state == "New"
    with pytest.raises(csops.ConfigError) as e:
        csops.Request.from_dict(data, {"labels": {"interrupt": " "}})
    assert e.value.key == "labels.interrupt"


def test_bad_directories_and_configs_name_the_key() -> None:
    with pytest.raises(csops.ConfigError) as info:
        csops.Workflow({"omar": ["boss"]})
    assert info.value.key == "directory" and "boss" in str(info.value)
    with pytest.raises(csops.ConfigError):
        csops.Workflow({"a": ["workstream_lead:Digital"], "b": ["workstream_lead:Digital"]})
    with pytest.raises(csops.ConfigError):
        csops.Workflow({"omar": "cs_ops"})
    with pytest.raises(csops.ConfigError):
        csops.Workflow("{nope")
    with pytest.raises(csops.ConfigError) as info:
        csops.Workflow(DIRECTORY, config={"sla": {"untriaged_dayz": 1}})
    assert info.value.key == "sla.untriaged_dayz"
    with pytest.raises(csops.ConfigError) as info:
        csops.Workflow(DIRECTORY, config="[sla]\nuntriaged_days = 'x'\n")
    assert info.value.key == "sla.untriaged_days"
    with pytest.raises(TypeError, match="'config'"):
        csops.Workflow(DIRECTORY, config=42)
    with pytest.raises(TypeError, match="'directory'"):
        csops.Workflow(["omar"])


def test_custom_taxonomy_loads_through_the_workflow() -> None:
    wf = csops.Workflow(DIRECTORY, config={"labels": {"workflow": {"InProcess": {"canonical": "Ops::Doing"}}}})
    req = wf.load_request({"id": 5, "author": "rita", "labels": ["ops::doing"], "assignee": "omar",
                           "created_at": "2026-01-05T09:00:00Z"})
    assert req.state == "InProcess"
    t = wf.apply(req, {"type": "block", "reason": "r"}, actor="omar", at="2026-01-06T09:00:00Z")
    assert t.remove_labels == ["ops::doing"]


def test_workflow_errors_on_time_and_loading(wf: csops.Workflow, req: csops.Request) -> None:
    in_process(wf, req)
    with pytest.raises(csops.InputError) as info:
        wf.sla_breaches(req, "2026-01-01T00:00:00Z")
    assert info.value.key == "now" and str(info.value).startswith("now: 2026-01-01 00:00 UTC is before the request's last recorded change")
    with pytest.raises(csops.InputError):
        wf.load_request("{nope")
    with pytest.raises(csops.InputError) as info:
        wf.load_request({**NEW, "labels": ["CSOps::Triage", "CSOps::Blocked"]})
    assert info.value.key == "labels"
    with pytest.raises(TypeError):
        wf.load_request(42)
    with pytest.raises(csops.InputError, match="history"):
        wf.replay(req, [{"at": "yesterday"}])


def test_replay_reproduces_the_request(wf: csops.Workflow, req: csops.Request) -> None:
    initial = copy.copy(req)
    in_process(wf, req)
    assert wf.replay(initial, req.history) == req
    forged = req.history
    forged[2]["actor"] = "dev"
    with pytest.raises(csops.InputError, match="history"):
        wf.replay(initial, forged)


def test_diagrams(wf: csops.Workflow) -> None:
    assert wf.to_mermaid().startswith("stateDiagram-v2") and "New --> Triage : triage (lead)" in wf.to_mermaid()
    assert wf.to_dot().startswith("digraph") and "New -> Triage" in wf.to_dot()


# --- requests ------------------------------------------------------------------------------


def test_request_round_trips(wf: csops.Workflow, req: csops.Request) -> None:
    in_process(wf, req)
    assert csops.Request.from_dict(req.to_dict()) == req
    assert csops.Request.from_json(req.to_json()) == req
    assert pickle.loads(pickle.dumps(req)) == req
    assert copy.deepcopy(req) == req and copy.deepcopy(req) is not req
    assert req != csops.Request.from_dict(NEW)
    assert (req == "x") is False
    assert repr(req) == (
        "Request(id=101, title=\"Combine two CTA rules\", state=\"InProcess\", "
        "labels=[\"CSOps\", \"Gainsight\", \"CSOps::In_Process\"], assignee=\"omar\", open=True)"
    )
    assert (req.id, req.title, req.author, req.change_kind) == (101, "Combine two CTA rules", "rita", "gainsight_rule")
    assert req.created_at == datetime(2026, 1, 5, 9, tzinfo=timezone.utc) and req.closed_at is None


def test_requests_load_any_alias_and_report_anomalies() -> None:
    r = csops.Request.from_dict({**NEW, "labels": ["CS Ops::Awaiting Feedback"], "assignee": "omar"})
    assert r.state == "AwaitingFeedback"
    with pytest.raises(csops.InputError, match="2 workflow labels") as info:
        csops.Request.from_dict({**NEW, "labels": ["CSOps::Triage", "CSOps::Blocked"]})
    assert info.value.key == "labels"


@pytest.mark.parametrize(
    ("patch", "key"),
    [
        ({"weight": 4}, "weight"),
        ({"created_at": "yesterday"}, "created_at"),
        ({"workstream": "Support"}, "workstream"),
        ({"workflow_state": "Doing"}, "workflow_state"),
        ({"labels": ["ok", "::"]}, "labels[1]"),
        ({"author": " "}, "author"),
        ({"id": -1}, "id"),
    ],
)
def test_bad_requests_name_the_field(patch: dict, key: str) -> None:
    with pytest.raises(csops.InputError) as info:
        csops.Request.from_dict({**NEW, **patch})
    assert info.value.key == key


def test_bad_request_types() -> None:
    with pytest.raises(TypeError, match="'data'"):
        csops.Request.from_dict("{}")
    with pytest.raises(TypeError):
        csops.Request.from_json(b"{}")
    with pytest.raises(csops.InputError):
        csops.Request.from_json("{")
    with pytest.raises(TypeError, match="not JSON-like"):
        csops.Request.from_dict({**NEW, "title": object()})


# --- labels and weights --------------------------------------------------------------------


def test_labels() -> None:
    l = csops.Label.parse("CSOps::In Process")
    assert (l.text, l.canonical, l.state, l.scope, l.family) == (
        "CSOps::In Process", "CSOps::In_Process", "InProcess", "CSOps", "workflow",
    )
    assert csops.Label.parse("Gainsight: Bug").family == "team"
    assert csops.Label.parse("CSOps - Interrupt").family == "source"
    plain = csops.Label("Frontend")
    assert (plain.state, plain.scope, plain.family, str(plain)) == (None, None, "other", "Frontend")
    assert pickle.loads(pickle.dumps(l)) == l and hash(l) == hash(csops.Label.parse("CSOps::In Process"))
    assert repr(l) == 'Label.parse("CSOps::In Process")'
    assert csops.scope("a::b::c") == "a::b" and csops.scope("plain") is None
    for bad in ["", "  ", "::", " :: "]:
        with pytest.raises(csops.LabelError):
            csops.Label.parse(bad)
    with pytest.raises(TypeError):
        csops.Label.parse(3)


def test_label_sets_have_gitlab_semantics() -> None:
    s = csops.LabelSet(["CSOps", "CSOps::Triage", "team::a"])
    assert s.add("CSOps::Blocked") == ["CSOps::Triage"]
    assert s.labels == ["CSOps", "team::a", "CSOps::Blocked"]
    assert s.add("team::b::y") == [] and s.add("team::b::z") == ["team::b::y"]
    assert "team::a" in s and len(s) == 4 and list(s) == s.labels
    assert s.remove("team::a") and not s.remove("team::a")
    assert pickle.loads(pickle.dumps(s)) == s
    assert repr(csops.LabelSet(["a"])) == 'LabelSet(["a"])'
    assert csops.LabelSet() == csops.LabelSet([])
    with pytest.raises(csops.LabelError):
        s.add("::")
    with pytest.raises(csops.LabelError):
        csops.LabelSet([" "])
    with pytest.raises(TypeError):
        csops.LabelSet([1])


def test_weights() -> None:
    assert [csops.weight_for_hours(h) for h in (0.5, 1, 2.5, 3, 3.01, 7)] == [1, 1, 3, 3, 5, 7]
    with pytest.raises(csops.InputError, match="epic") as info:
        csops.weight_for_hours(7.5)
    assert info.value.kind == "needs_epic"
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(csops.InputError) as info:
            csops.weight_for_hours(bad)
        assert info.value.kind == "invalid_weight"
    for wrong in ("2", None, True):
        with pytest.raises(TypeError, match="'hours'"):
            csops.weight_for_hours(wrong)
    w = csops.Weight(3)
    assert (w.value, w.max_hours, int(w), repr(w)) == (3, 3, 3, "Weight(3)")
    assert csops.Weight(1) < w < csops.Weight(7) and w == csops.Weight(3) and hash(w) == hash(csops.Weight(3))
    assert pickle.loads(pickle.dumps(w)) == w
    for bad in (0, 2, 4, 8, -1, 10**30):
        with pytest.raises(csops.InputError) as info:
            csops.Weight(bad)
        assert "1, 3, 5, 7" in str(info.value)
    for wrong in (3.0, "3", True, None):
        with pytest.raises(TypeError, match="'value'"):
            csops.Weight(wrong)


# --- exceptions and transitions --------------------------------------------------------------


def test_exception_hierarchy_and_pickling(wf: csops.Workflow, req: csops.Request) -> None:
    for cls in (csops.LabelError, csops.ConfigError, csops.InputError, csops.TransitionRejected):
        assert issubclass(cls, csops.CsopsError) and cls.__module__ == "csops"
    assert issubclass(csops.CsopsError, Exception)
    with pytest.raises(csops.TransitionRejected) as info:
        wf.apply(req, {"type": "block"}, actor="lena", at="2026-01-06T10:00:00Z")
    e = pickle.loads(pickle.dumps(info.value))
    assert type(e) is csops.TransitionRejected
    assert (e.kind, e.rule, e.missing, e.problems, str(e)) == (
        info.value.kind, info.value.rule, info.value.missing, info.value.problems, str(info.value),
    )
    # The attributes are read from the exception's argument, the Rejection, which pickles.
    r = info.value.args[0]
    assert isinstance(r, csops.Rejection) and str(r) == str(info.value) and r.kind == e.kind
    assert pickle.loads(pickle.dumps(r)) == r and repr(r).startswith(f"Rejection(\"{r.kind}: ")
    with pytest.raises(AttributeError, match="not raised by csops"):
        csops.TransitionRejected("by hand").kind
    with pytest.raises(csops.InputError, match="not a rejection"):
        csops.Rejection._from_json("{}")
    with pytest.raises(csops.ConfigError) as cinfo:
        csops.Workflow({"x": ["boss"]})
    c = pickle.loads(pickle.dumps(cinfo.value))
    assert (type(c), c.key, str(c)) == (csops.ConfigError, "directory", str(cinfo.value))


def test_transitions_are_values(wf: csops.Workflow, req: csops.Request) -> None:
    t = wf.apply(req, {"type": "triage"}, actor="lena", at="2026-01-06T10:00:00Z")
    assert pickle.loads(pickle.dumps(t)) == t
    assert t.to_dict() == {
        "from_state": "New", "state": "Triage", "add_labels": ["CSOps::Triage"], "remove_labels": [],
        "close": False, "reopen": False, "notifications": [{"to": "rita", "role": "requester", "why": "triage"}],
    }
    assert repr(t).startswith('Transition(from_state="New", state="Triage"')
    for bad in [("rita", "triage", "triage"), ("rita", "requester", "requester"), ("rita", "boss", "triage")]:
        with pytest.raises(csops.InputError):
            csops.Transition("New", "Triage", [], [], False, False, [bad])
    with pytest.raises(csops.InputError):
        csops.Transition("New", "Doing", [], [], False, False, [])
    assert csops.__version__ == csops.version()


def test_command_dicts_read_like_their_json(wf: csops.Workflow, req: csops.Request) -> None:
    in_process(wf, req)
    due = datetime(2026, 1, 9, 17, tzinfo=timezone.utc)
    commands: list[dict] = [
        {"type": "block", "reason": "waiting"},
        {"type": "request_review", "reviewer": "gia", "summary": "s", "due": due},
        {"type": "request_review", "reviewer": "gia", "summary": "s", "due": "2026-01-09T17:00:00Z"},
        DONE,
        {"type": "complete", "checklist": {"handbook_updated": "not_applicable", "lead_informed": {"summary": "x"}}},
        {"type": "waive_review", "reason": None},
        {"type": "start", "assignee": "pat", "weight": 3, "hours": 2.5},
    ]
    for c in commands:
        as_json = json.dumps({k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in c.items()})
        outcomes = []
        for form in (c, as_json):
            try:
                outcomes.append(wf.can_apply(req, form, actor="omar", at="2026-01-08T09:00:00Z"))
            except csops.TransitionRejected as e:
                outcomes.append((e.kind, e.rule, e.missing))
        assert outcomes[0] == outcomes[1], c
    for bad, key in [({"type": "block", "reason": 3}, "command.reason"),
                     ({"type": "complete", "checklist": {"handbook_updated": "maybe"}}, "command.checklist.handbook_updated"),
                     ({"type": "request_review", "due": "soon"}, "command.due")]:
        with pytest.raises(csops.InputError) as info:
            wf.can_apply(req, bad, actor="omar", at="2026-01-08T09:00:00Z")
        assert info.value.key == key


def test_a_utc_datetime_reads_like_its_rfc3339_text() -> None:
    from datetime import timedelta
    wf = csops.Workflow(directory={"lena": ["workstream_lead:Gainsight"]})
    req = csops.Request.from_dict({"id": 1, "author": "rita", "labels": ["Gainsight"],
                                   "created_at": "2026-01-05T09:00:00.000001Z"})
    exact = datetime(2026, 1, 5, 9, 0, 0, 1, tzinfo=timezone.utc)
    wf.can_apply(req, {"type": "triage"}, actor="lena", at=exact)  # not before creation
    with pytest.raises(csops.TransitionRejected) as e:
        wf.can_apply(req, {"type": "triage"}, actor="lena", at=datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    assert e.value.kind == "invalid_time"
    plus2 = timezone(timedelta(hours=2))
    wf.can_apply(req, {"type": "triage"}, actor="lena", at=datetime(2026, 1, 5, 11, 0, 0, 1, tzinfo=plus2))
    with pytest.raises(csops.TransitionRejected):
        wf.can_apply(req, {"type": "triage"}, actor="lena", at=datetime(2026, 1, 5, 11, tzinfo=plus2))
    with pytest.raises(csops.InputError):
        wf.can_apply(req, {"type": "triage"}, actor="lena", at=datetime(2026, 1, 5, 11))


def test_a_typo_in_a_command_is_an_error_naming_the_field() -> None:
    """A command is what a user types: a misspelt field, or one of another command's type, is
    refused with the field named and what the command takes (issue 14)."""
    wf = csops.Workflow(directory=DIRECTORY)
    req = csops.Request.from_dict(NEW)
    at = "2026-01-06T09:00:00Z"
    with pytest.raises(csops.InputError) as e:
        wf.apply(req, {"type": "triage", "wrkstream": "Digital"}, actor="lena", at=at)
    assert e.value.key == "command.wrkstream"
    assert str(e.value).endswith('unknown field "wrkstream"; a triage command\'s fields are workstream')
    with pytest.raises(csops.InputError) as e:
        wf.apply(req, {"type": "start", "weight": 3, "extra": [1, {"a": None}]}, actor="omar", at=at)
    assert e.value.key == "command.extra"
    with pytest.raises(csops.InputError) as e:
        wf.apply(req, {"type": "triage", "weight": 3}, actor="lena", at=at)
    assert "`weight` is not a field of a triage command (its fields: workstream)" in str(e.value)
    assert req.state == "New" and req.history == []


def test_a_workflow_pickles_by_its_definition() -> None:
    # What an engine ships to its workers (Spark uses cloudpickle, which pickles the same way).
    aliases = {"labels": {"workflow": {"Blocked": {"canonical": "CSOps::Blocked", "aliases": ["CSOps::On Hold"]}}},
               "sla": {"untriaged_days": 2}}
    wf = csops.Workflow(DIRECTORY, config=aliases)
    back = pickle.loads(pickle.dumps(wf))
    assert (back.config, back.directory) == (wf.config, wf.directory)
    data = {"id": 1, "author": "a", "labels": ["CSOps", "CSOps::On Hold"], "created_at": "2026-01-01T00:00:00Z"}
    assert back.load_request(data).state == "Blocked" == wf.load_request(data).state
    req, again = csops.Request.from_dict(NEW), csops.Request.from_dict(NEW)
    t1 = wf.apply(req, {"type": "triage", "workstream": "Gainsight"}, actor="lena", at="2026-01-06T10:00:00Z")
    t2 = back.apply(again, {"type": "triage", "workstream": "Gainsight"}, actor="lena", at="2026-01-06T10:00:00Z")
    assert t1 == t2 and req == again
