"""The wording of one error of every kind from Python, as a user reads it (issue 14): the input
named, what was expected in user words, what was found; one class name; no Rust type names; a
hint where the user likely meant another call. The core (`csops-core/tests/error_wording.rs`)
and C (`workflow_test.c`) check the same inputs."""

from __future__ import annotations

from typing import Callable

import pytest

import csops
from csops import gitlab, metrics

DIRECTORY = {"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}
AT = "2026-01-06T10:00:00Z"


def workflow() -> csops.Workflow:
    return csops.Workflow(directory=DIRECTORY)


def request() -> csops.Request:
    return csops.Request.from_dict({"id": 101, "author": "rita", "labels": ["CSOps", "Gainsight"],
                                    "created_at": "2026-01-05T09:00:00Z"})


def apply(command: dict[str, object], actor: str = "lena", at: str = AT) -> None:
    workflow().apply(request(), command, actor=actor, at=at)


CASES: list[tuple[str, Callable[[], object], type[Exception], str]] = [
    ("a command typo", lambda: apply({"type": "triage", "wrkstream": "Digital"}), csops.InputError,
     "command is not valid: at `wrkstream`: unknown field \"wrkstream\"; a triage command's fields are workstream"),
    ("a mistyped value", lambda: apply({"type": "ready", "weight": "3"}), csops.InputError,
     "command is not valid: at `weight`: expected a whole number, found the text \"3\""),
    ("a checklist typo", lambda: apply({"type": "complete", "checklist": {"handbok_updated": True}}),
     csops.InputError,
     "command is not valid: at `checklist.handbok_updated`: unknown field \"handbok_updated\"; the fields are "
     "handbook_updated, gainsight_changelog, stakeholders_communicated, lead_informed"),
    ("a field of another command", lambda: apply({"type": "triage", "weight": 3}), csops.InputError,
     "command is not valid: at `weight`: `weight` is not a field of a triage command (its fields: workstream)"),
    ("a bad time", lambda: apply({"type": "triage"}, at="2026-13-45"), csops.InputError,
     "at: \"2026-13-45\" is not a time like 2026-01-06T10:00:00Z (RFC 3339: a date, a time and a zone)"),
    ("a time out of range", lambda: apply({"type": "triage"}, at="2026-13-05T10:00:00Z"), csops.InputError,
     "at: \"2026-13-05T10:00:00Z\" is not a time like 2026-01-06T10:00:00Z (RFC 3339): a part of it is out "
     "of range (month 13, hour 25, …)"),
    ("a bad date", lambda: csops.Scorecard.default().score({"license_utilization": 31.0}, as_of="2026-02-30"),
     csops.InputError, "as_of: \"2026-02-30\" is not a date like 2026-01-06 (year-month-day): there is no such day"),
    ("a request's time", lambda: csops.Request.from_dict({"id": 1, "author": "r", "created_at": "yesterday"}),
     csops.InputError,
     "request is not valid: at `created_at`: expected a time like 2026-01-06T10:00:00Z (RFC 3339: a date, a "
     "time and a zone)"),
    ("a missing field", lambda: csops.Request.from_dict({"author": "r", "created_at": "2026-01-05T09:00:00Z"}),
     csops.InputError, "request is not valid: at `id`: required, but missing"),
    ("a directory that is not JSON", lambda: csops.Workflow(directory="{not json"), csops.ConfigError,
     "directory: not valid JSON: a key must be text in double quotes (line 1, column 2)"),
    ("an unknown role", lambda: csops.Workflow(directory={"lena": ["lead"]}), csops.ConfigError,
     "person \"lena\" has unknown role \"lead\": roles are cs_ops, gainsight_admin and workstream_lead:<Workstream>"),
    ("a configuration typo", lambda: csops.Workflow(directory=DIRECTORY, config={"slas": {}}), csops.ConfigError,
     "JSON configuration: at `slas`: unknown field \"slas\"; the fields are labels, routing, review, sla"),
    ("a dict for a Request", lambda: workflow().apply({"id": 1}, {"type": "triage"}, actor="lena", at=AT),  # type: ignore[arg-type]
     TypeError,
     "expected a csops.Request, not dict: make one with csops.Request.from_dict({...}), Request.from_json(text) "
     "or Workflow.load_request(...)"),
    ("a segment typo", lambda: csops.Scorecard.default().score({"license_utilization": 31.0}, segment="no_touch"),
     csops.InputError,
     "segment: unknown segment \"no_touch\"; the segments are Enterprise, Growth, Mid-Market, PubSec, SMB, "
     "Scale, Strategic, high_touch, mid_touch, tech_touch"),
    ("a metric's left-out component", lambda: metrics.nrr(start_arr=100), csops.InputError,
     "nrr: missing expansion, contraction, churned (0 where there was none); or the per-account form "
     "start=[...], now=[...]"),
    ("a blank label", lambda: csops.Label.parse("  "), csops.LabelError,
     "label \"  \" is not a label: a label needs text other than whitespace and `::`"),
    ("a weight", lambda: csops.Weight(4), csops.InputError, "weight 4 is not one of 1, 3, 5, 7"),
    ("a rejection", lambda: apply({"type": "decline", "reason": "dup"}, actor="omar"), csops.TransitionRejected,
     "not_permitted: decline in New is for the lead of workstream Gainsight (lena); \"omar\" is not"),
    ("a display name", lambda: csops.title("Doing"), csops.InputError,
     "\"Doing\" is not a state, workstream, engagement model, sales segment or CSM team name (see "
     "csops.STATES, csops.WORKSTREAMS)"),
]


@pytest.mark.parametrize(("what", "call", "kind", "message"), CASES, ids=[c[0] for c in CASES])
def test_errors_read_as_the_domain(what: str, call: Callable[[], object], kind: type[Exception],
                                   message: str) -> None:
    with pytest.raises(kind) as info:
        call()
    got = str(info.value)
    assert got == message, what
    for rust in ("i64", "u64", "f64", "struct ", "enum ", "invalid type", "Error:", "`.`"):
        assert rust not in got, got


def test_an_unknown_workflow_label_is_its_own_family() -> None:
    label = csops.Label.parse("CSOps::Doing")
    assert (label.family, label.state) == ("unknown_workflow", None)
    assert csops.Label.parse("CSOps::Triage").family == "workflow"


def test_a_gitlab_issue_is_named_by_its_iid() -> None:
    read = gitlab.read_issues([{"iid": 32, "title": "t", "state": "opened", "created_at": "yesterday",
                                "author": {"username": "a"}, "labels": []}])
    assert read.errors == ["issue #32 (entry [0]): created_at: \"yesterday\" is not a GitLab timestamp "
                           "(2016-01-04T15:31:51.081Z or 2017-09-15 16:52:00 UTC)"]


def test_one_issue_keyed_twice_is_an_error_not_a_silent_choice() -> None:
    issue = {"iid": 7, "title": "t", "state": "opened", "created_at": "2026-03-02T09:00:00Z",
             "author": {"username": "a"}, "labels": ["CSOps"]}
    with pytest.raises(csops.InputError) as info:
        gitlab.audit([issue], {7: [], "7": []}, as_of="2026-03-16T09:00:00Z", workflow=workflow())
    assert str(info.value) == 'events: the key "7" is given twice (as an int and as text)'


def test_load_request_names_the_field_as_from_dict_does() -> None:
    bad = {"id": 1, "author": "r", "weight": "3", "created_at": "2026-01-05T09:00:00Z"}
    for load in (workflow().load_request, csops.Request.from_dict):
        with pytest.raises(csops.InputError) as info:
            load(bad)
        assert info.value.key == "weight"
        assert str(info.value) == 'request is not valid: at `weight`: expected a whole number, found the text "3"'
