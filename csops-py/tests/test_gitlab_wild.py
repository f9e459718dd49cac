"""GitLab data as GitLab holds it, from Python (SPEC §7): the wild export in
examples/gitlab-wild (a mixed project) is read whole, the issues that are not CS Ops requests are
left out and counted, and the audit reports exactly the planted problems; a webhook for an issue
that is not a request is decided "not managed"."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import csops
from csops import gitlab

WILD = pathlib.Path(__file__).resolve().parents[2] / "examples" / "gitlab-wild"


def load(name: str) -> Any:
    return json.loads((WILD / name).read_text())


def test_the_wild_export_reports_exactly_the_planted_problems() -> None:
    planted = load("planted.json")
    wf = csops.Workflow(directory=load("directory.json"))
    run = gitlab.audit(load("issues.json"), load("label_events.json"), as_of=planted["as_of"], workflow=wf)
    summary = run.summary
    assert summary["errors"] == 0 and run.errors == []
    assert summary["unmanaged"] == planted["unmanaged"] >= planted["issues"] / 3
    assert summary["issues"] == planted["issues"] - planted["unmanaged"]
    found = {(i["iid"], v["rule"], v["actor"]) for i in run.issues for v in i["violations"]}
    expected = {(v["iid"], v["rule"], v["actor"]) for v in planted["violations"]}
    expected |= {(iid, "two_workflow_labels", None) for iid in planted["undecided"]}
    assert found == expected
    assert {i["iid"] for i in run.issues if i["state"] is None} == set(planted["undecided"])
    board = run.board
    assert board.to_dict()["unmanaged"] == planted["unmanaged"]
    breaches = {(int(r.iid), r.kind) for r in board.sla_breaches.itertuples()}
    assert breaches == {(b["iid"], b["kind"]) for b in planted["sla_breaches"]}


def test_read_issues_keeps_what_gitlab_holds() -> None:
    read = gitlab.read_issues(load("issues.json"))
    planted = load("planted.json")
    assert read.errors == []
    assert len(read) + len(read.undecided) == planted["issues"]
    odd = {r.id: r.invalid_weight for r in read if r.invalid_weight is not None}
    for v in planted["violations"]:
        if v["rule"] == "invalid_weight":
            assert odd[v["iid"]] not in (None, 1, 3, 5, 7)
    several = [r for r in read if len(r.assignees) > 1]
    assert several and all(r.assignee == r.assignees[0] for r in several)


CLIENT_LIBRARY_HOOK = {
    "object_kind": "issue", "event_type": "issue",
    "user": {"id": 1, "name": "Administrator", "username": "root"},
    "object_attributes": {"id": 301, "iid": 23, "title": "New API: create/update/delete file",
                          "state": "opened", "created_at": "2013-12-03T17:15:43Z", "weight": 10,
                          "author_id": 51, "action": "open", "labels": [{"id": 206, "title": "API"}]},
    "assignees": [{"username": "user1"}, {"username": "user2"}],
    "labels": [{"id": 205, "title": "Platform"}],
    "changes": {"updated_by_id": {"previous": None, "current": 1},
                "updated_at": {"previous": "2017-09-15 16:50:55 UTC", "current": "2017-09-15 16:52:00 UTC"},
                "labels": {"previous": [{"id": 206, "title": "API"}], "current": [{"id": 205, "title": "Platform"}]}},
}


def test_a_webhook_for_an_issue_that_is_not_a_request() -> None:
    hook = gitlab.read_webhook(CLIENT_LIBRARY_HOOK)
    d = csops.Workflow(directory={}).decide_webhook(hook, [])
    assert (d.managed, d.allowed, d.moved, d.comment, d.anomalies) == (False, True, False, None, [])
    assert d.rest_params == {"add_labels": None, "remove_labels": None, "state_event": None}
    # The same hook on a CS Ops request: the weight is reported, not refused.
    on_request = json.loads(json.dumps(CLIENT_LIBRARY_HOOK).replace('"Platform"', '"CSOps"'))
    d = csops.Workflow(directory={}).decide_webhook(on_request, [])
    assert d.managed and [a["kind"] for a in d.anomalies] == ["invalid_weight"]


def test_a_moved_issue_is_dated_from_its_first_event() -> None:
    (iid,) = load("planted.json")["moved"]
    issue = next(i for i in load("issues.json") if i["iid"] == iid)
    events = load("label_events.json")[str(iid)]
    wf = csops.Workflow(directory=load("directory.json"))
    rebuilt = gitlab.reconstruct(gitlab.read_issue(issue), events, wf)
    first = min(gitlab.read_label_events(events), key=lambda e: e.at).at
    assert first < gitlab.read_issue(issue).created_at
    assert rebuilt.request.created_at == first
    assert [s["to"] for s in rebuilt.history] == ["Triage", "ReadyForAssignment", "InProcess"]
    assert list(rebuilt.violations) == []
