"""GitLab's JSON, the webhook decision, the history audit and the board report from Python
(SPEC §6–§7), over the sample export in examples/gitlab-export."""

from __future__ import annotations

import copy
import doctest
import json
import pathlib
import pickle
import subprocess
import sys
from datetime import datetime, timezone
from typing import Any

import pytest

import csops
from csops import gitlab

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXPORT = ROOT / "examples" / "gitlab-export"
AS_OF = "2026-03-16T09:00:00Z"


def issues() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((EXPORT / "issues.json").read_text())
    return data


def events() -> dict[str, list[Any]]:
    return {p.stem: json.loads(p.read_text()) for p in (EXPORT / "label_events").glob("*.json")}


def workflow() -> csops.Workflow:
    return csops.Workflow(directory=json.loads((EXPORT / "directory.json").read_text()))


def planted(audit: bool) -> set[tuple[int, str, str | None]]:
    p = json.loads((EXPORT / "planted.json").read_text())
    return {(v["iid"], v["rule"], v["actor"]) for v in p["violations"] if v["audit"] == audit}


def issue(iid: int) -> dict[str, Any]:
    return next(i for i in issues() if i["iid"] == iid)


def test_module_doctest() -> None:
    assert doctest.testmod(gitlab).failed == 0


def test_reads_issues_as_requests_and_reports_bad_entries() -> None:
    r = gitlab.read_issue(issue(113))
    assert (r.id, r.state, r.assignee, r.workstream, r.weight) == (113, "InProcess", "pat", "Analytics", 5)
    assert gitlab.read_issue(json.dumps(issue(113))) == r
    data = issues()
    data[3] = {**data[3], "author": {"id": 1}}
    read = gitlab.read_issues(data)
    assert len(read) == len(data) - 2  # the bad author, and the issue with two workflow labels
    # Named by the iid it holds and its place in the list.
    assert [e.split(":")[0] for e in read.errors] == [f"issue #{data[3]['iid']} (entry [3])"]
    # Two workflow labels are no read error: the issue is undecided, reported, not resolved.
    assert [u["iid"] for u in read.undecided] == [137]
    assert len(read.undecided[0]["anomaly"]["labels"]) == 2
    assert all(isinstance(r, csops.Request) for r in read)
    assert gitlab.read_issues(data) == read and gitlab.read_issues(issues()) != read
    # A weight GitLab allows and the handbook does not is kept, not refused (SPEC §7).
    odd = gitlab.read_issue({**issue(113), "weight": 2})
    assert (odd.weight, odd.invalid_weight) == (None, 2)
    assert gitlab.check_issue({**issue(113), "weight": 2})["anomalies"][0]["kind"] == "invalid_weight"
    with pytest.raises(csops.InputError) as e:
        gitlab.read_issue({**issue(113), "weight": -2})  # GitLab never writes one
    assert e.value.key == "weight"
    with pytest.raises(csops.InputError) as e:
        gitlab.read_issue({k: v for k, v in issue(113).items() if k != "created_at"})
    assert e.value.key == "created_at"
    with pytest.raises(csops.InputError):
        gitlab.read_issues("{not json")


def test_reads_label_events() -> None:
    evs = gitlab.read_label_events(events()["133"])
    assert evs[0] == gitlab.LabelEvent("li.wei", "2026-01-24T09:00:00Z", "CSOps", "add")
    assert evs[0].at == datetime(2026, 1, 24, 9, tzinfo=timezone.utc)
    assert pickle.loads(pickle.dumps(evs[2])) == evs[2]
    assert repr(evs[0]) == 'LabelEvent(user="li.wei", at="2026-01-24T09:00:00+00:00", label="CSOps", action="add")'
    # A deleted label reads as Python's None, and the repr is Python that builds the event again.
    deleted = gitlab.LabelEvent("li.wei", "2026-01-24T09:00:00Z", None, "remove")
    assert "label=None" in repr(deleted) and "Some(" not in repr(deleted)
    assert eval(repr(evs[0]), {"LabelEvent": gitlab.LabelEvent}) == evs[0]
    bad = copy.deepcopy(events()["133"])
    bad[1]["action"] = "rename"
    with pytest.raises(csops.InputError) as e:
        gitlab.read_label_events(bad)
    assert e.value.key == "[1].action"


def test_reconstruct_unpacks_into_history_and_violations() -> None:
    wf = workflow()
    rec = gitlab.reconstruct(gitlab.read_issue(issue(134)), events()["134"], wf)
    history, violations = rec
    assert [(s["from"], s["to"]) for s in history] == [
        ("New", "Triage"), ("Triage", "InProcess"), ("InProcess", "Completed")]
    assert history[1]["command"] == {"type": "relabel"}
    assert [(v.rule, v.actor, v.step) for v in violations] == [("invalid_transition", "sam", 1)]
    assert violations[0].at == datetime(2026, 1, 28, 17, tzinfo=timezone.utc)
    assert "Triage -> In Process" in (violations[0].message or "")
    assert pickle.loads(pickle.dumps(violations[0])) == violations[0]
    assert rec.request.history == history
    assert pickle.loads(pickle.dumps(rec)) == rec and "Reconstruction(request=134" in repr(rec)
    # Events as LabelEvent objects, the request as the GitLab dict: the same.
    again = gitlab.reconstruct(issue(134), gitlab.read_label_events(events()["134"]), wf)
    assert again.violations == violations
    with pytest.raises(csops.InputError) as e:
        gitlab.reconstruct(issue(134), events()["133"], wf)
    assert e.value.key.startswith("events")


def test_reconstruct_all_answers_each_issue_as_reconstruct_does_in_order() -> None:
    wf = workflow()
    evs = events()
    texts = [(json.dumps(i), json.dumps(evs[str(i["iid"])])) for i in issues() if str(i["iid"]) in evs]
    # Many copies, past the size at which a second thread starts, and one issue that does not
    # read and one whose events do not: their errors come back as values in their places.
    work = texts * 60
    work[5] = ('{"iid": 5, "title": 7}', work[5][1])
    work[9] = (work[9][0], "[{")
    done = gitlab.reconstruct_all([w[0] for w in work], [w[1] for w in work], wf, threads=2)
    assert len(done) == len(work)
    for i, ((issue_text, events_text), got) in enumerate(zip(work, done)):
        try:
            one = gitlab.reconstruct(issue_text, events_text, wf)
        except csops.InputError as alone:
            # The export's issue 137 carries two workflow labels: its own error, in its place.
            # An issue that is not a request is keyed by its position, as in a list of issues
            # (`[5].title`, `[32].labels`), events that are not JSON as `events[9]`.
            assert isinstance(got, csops.InputError), i
            assert got.key == {9: "events[9]"}.get(i, f"[{i}]." + alone.key), i
            assert str(got).endswith(str(alone).split(": ", 1)[-1]), i
            continue
        assert isinstance(got, gitlab.Reconstruction) and got == one, i
    assert sum(isinstance(d, csops.InputError) for d in done) == 2 + 60
    assert isinstance(done[5], csops.InputError) and "issue[5]" in str(done[5]) and done[5].key == "[5].title"
    assert "label events: not valid JSON" in str(done[9])
    assert gitlab.reconstruct_all(*zip(*work[:3]), wf) == done[:3]  # default threads
    with pytest.raises(csops.InputError) as e:
        gitlab.reconstruct_all(["{}"], [], wf)
    assert e.value.key == "events"
    with pytest.raises(csops.InputError) as e:
        gitlab.reconstruct_all(["{}", 3], ["[]", "[]"], wf)
    assert e.value.key == "issues[1]"
    with pytest.raises(TypeError):
        gitlab.reconstruct_all("{}", "[]", wf)


def test_the_audit_finds_every_planted_violation_and_nothing_else() -> None:
    run = gitlab.audit(issues(), events(), as_of=AS_OF, workflow=workflow())
    found = {(i["iid"], v["rule"], v["actor"]) for i in run.issues for v in i["violations"]}
    # The export's audit also lists the issue whose two workflow labels leave it undecided.
    assert found == planted(True) | planted(False)
    assert [i["state"] for i in run.issues if i["iid"] == 137] == [None]
    frame = run.violations
    assert list(frame.columns) == ["iid", "rule", "actor", "at", "step", "message"]
    assert len(frame) == len(found)
    assert run.summary["issues_with_violations"] == len({f[0] for f in found})
    assert run.summary["errors"] == 0 and run.summary["unmanaged"] == 0
    assert "AuditRun(" in repr(run)
    assert pickle.loads(pickle.dumps(run)) == run
    # Events keyed by the iid as an int, as a user builds them from the issues, are the same.
    by_int = {int(k): v for k, v in events().items()}
    assert gitlab.audit(issues(), by_int, as_of=AS_OF, workflow=workflow()) == run
    with pytest.raises(TypeError, match="dict keys must be str or int, not <class 'float'>"):
        gitlab.audit(issues(), {7.0: []}, as_of=AS_OF, workflow=workflow())
    # SPEC §6: as of a past date, the project as it stood: an issue created later is not yet
    # known (no error), one closed later was open, and no step after the date is known.
    early = gitlab.audit(issues(), events(), as_of="2026-01-01T00:00:00Z", workflow=workflow())
    assert early.summary["issues"] == 0 and early.errors == []
    assert early.summary["not_yet_created"] == len(issues())
    then = gitlab.audit(issues(), events(), as_of="2026-01-06T00:00:00Z", workflow=workflow())
    assert then.errors == [] and 0 < then.summary["issues"] < run.summary["issues"]
    assert then.summary["issues"] + then.summary["not_yet_created"] == run.summary["issues"]
    assert all(v["at"] <= "2026-01-06T00:00:00Z" for i in then.issues for v in i["violations"])
    assert then.board.to_dict()["open"] > 0
    with pytest.raises(csops.InputError) as e:
        gitlab.audit(issues(), {"x": []}, as_of=AS_OF, workflow=workflow())
    assert e.value.key == "x"


def test_the_board_report_as_dataframes_and_a_dict() -> None:
    pd = pytest.importorskip("pandas")
    wf = workflow()
    report = csops.board_report(issues(), as_of=AS_OF, workflow=wf, events=events())
    by_state = report.by_state
    assert list(by_state.columns) == ["state", "workstream", "count"]
    assert by_state["count"].sum() == len(issues()) - 1  # one issue cannot be read
    load = report.load.set_index("assignee")
    assert load.loc["omar", "hours"] == 13 and load.loc["omar", "unweighted"] == 1
    breaches = report.sla_breaches
    assert isinstance(breaches["due"].dtype, pd.DatetimeTZDtype)
    assert breaches["overdue_hours"].is_monotonic_decreasing
    anomalies = set(zip(report.anomalies["iid"], report.anomalies["kind"]))
    assert anomalies == {(130, "completed_without_review"), (131, "in_process_without_assignee"),
                         (132, "closed_without_outcome"), (137, "two_workflow_labels")}
    d = report.to_dict()
    assert d["lead_time"] == report.lead_time and report.cycle_time["count"] >= 10
    assert pickle.loads(pickle.dumps(report)) == report
    # The same from issues read before, and from JSON text.
    read = gitlab.read_issues(issues())
    assert csops.board_report(read, as_of=AS_OF, workflow=wf, events=events()) == report
    assert csops.board_report(json.dumps(issues()), as_of=AS_OF, workflow=wf,
                              events=json.dumps(events())) == report
    # Without events there is no history: no cycle time.
    assert csops.board_report(issues(), as_of=AS_OF).cycle_time["count"] == 0
    # An empty board has tables with their columns.
    empty = csops.board_report([], as_of=AS_OF)
    assert list(empty.anomalies.columns) == ["iid", "kind", "message"] and len(empty.anomalies) == 0


def test_board_report_errors_name_the_input() -> None:
    with pytest.raises(csops.InputError) as e:
        csops.board_report([issue(113), {"iid": 1}], as_of=AS_OF)
    assert e.value.key == "requests[1]"
    with pytest.raises(csops.InputError) as e:
        csops.board_report([issue(113)], as_of="2026-01-01T00:00:00Z")
    assert e.value.key == "as_of"
    with pytest.raises(TypeError):
        csops.board_report(5, as_of=AS_OF)  # type: ignore[arg-type]


def hook(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / "examples" / "webhook" / name).read_text())
    return data


def test_reads_the_issue_hook() -> None:
    h = gitlab.read_webhook(hook("hook.json"))
    assert (h.actor, h.iid, h.action) == ("omar", 123, "update")
    assert h.at == datetime(2026, 3, 16, 8, 30, tzinfo=timezone.utc)
    assert h.previous_labels == ["CSOps", "CS Analytics", "CSOps::Triage"]
    assert h.current_labels == ["CSOps", "CS Analytics", "CSOps::In_Process"]
    assert h.request.state == "InProcess" and h.request.author.startswith("author_id:")
    assert pickle.loads(pickle.dumps(h)) == h
    assert gitlab.read_webhook(json.dumps(hook("hook.json"))) == h
    bad = hook("hook.json")
    bad["object_kind"] = "note"
    with pytest.raises(csops.InputError) as e:
        gitlab.read_webhook(bad)
    assert e.value.key == "object_kind"
    bad = hook("hook.json")
    del bad["object_attributes"]["iid"]
    with pytest.raises(csops.InputError) as e:
        gitlab.read_webhook(bad)
    assert e.value.key == "object_attributes.iid"


def test_decide_webhook_against_the_stored_request_or_its_events() -> None:
    wf = workflow()
    stored = gitlab.read_issue(issue(123))
    d = wf.decide_webhook(hook("hook.json"), stored)
    assert (d.moved, d.allowed, d.from_state, d.state) == (True, False, "Triage", "InProcess")
    assert [v.rule for v in d.violations] == ["invalid_transition", "no_assignee"]
    assert d.rest_params == {"add_labels": "CSOps::Triage", "remove_labels": "CSOps::In_Process",
                             "state_event": None}
    assert d.comment is not None and "`invalid_transition`" in d.comment
    assert pickle.loads(pickle.dumps(d)) == d
    ok = wf.decide_webhook(gitlab.read_webhook(hook("hook_allowed.json")), issue(113))
    assert ok.allowed and ok.command == "request_review" and ok.comment is None
    assert ok.rest_params == {"add_labels": None, "remove_labels": None, "state_event": None}
    # From the issue's label events instead of a stored request.
    from_events = wf.decide_webhook(hook("hook_allowed.json"), events()["113"])
    assert from_events.allowed
    other = issue(113)
    with pytest.raises(csops.InputError) as e:
        wf.decide_webhook(hook("hook.json"), other)
    assert e.value.key == "object_attributes.iid"


def test_transition_effects_as_rest_parameters() -> None:
    wf = csops.Workflow(directory={"lena": ["workstream_lead:Gainsight"]})
    req = csops.Request.from_dict({"id": 1, "author": "rita", "labels": ["CSOps", "Gainsight", "CSOps::Triage"],
                                   "created_at": "2026-01-05T09:00:00Z"})
    t = wf.apply(req, {"type": "decline", "reason": "duplicate"}, actor="lena", at="2026-01-06T10:00:00Z")
    assert t.rest_params == {"add_labels": "CSOps::Won't Do", "remove_labels": "CSOps::Triage",
                             "state_event": "close"}


def test_check_issue() -> None:
    wf = workflow()
    assert gitlab.check_issue(issue(113), wf)["consistent"] is True
    bad = gitlab.check_issue(issue(132), wf)
    assert not bad["consistent"] and bad["anomalies"][0]["kind"] == "closed_without_outcome"
    two = gitlab.check_issue(issue(137))
    assert two["state"] is None and two["anomalies"][0]["kind"] == "two_workflow_labels"


def test_the_audit_example_prints_the_planted_violations_and_the_board() -> None:
    out = subprocess.run([sys.executable, str(ROOT / "examples" / "gitlab" / "audit.py")],
                         capture_output=True, text=True, check=True).stdout
    for iid, rule, _ in planted(True):  # a violations row: iid, title, rule, actor, date
        assert any(line.split()[0] == str(iid) and rule in line.split()
                   for line in out.splitlines() if line.strip()), (iid, rule)
    assert "Board as of 2026-03-16 09:00 UTC" in out and "two_workflow_labels" in out
    as_json = subprocess.run([sys.executable, str(ROOT / "examples" / "gitlab" / "audit.py"), "--json"],
                             capture_output=True, text=True, check=True).stdout
    assert json.loads(as_json)["board"]["requests"] == len(issues()) - 1


def test_the_webhook_example_prints_the_decision() -> None:
    def run(payload: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["cargo", "run", "--quiet", "--locked", "--example", "webhook"], cwd=ROOT,
                              input=payload, capture_output=True, text=True)
    denied = run((ROOT / "examples" / "webhook" / "hook.json").read_text())
    assert denied.returncode == 0, denied.stderr
    d = json.loads(denied.stdout)
    assert d["allowed"] is False and d["rest_params"]["add_labels"] == "CSOps::Triage"
    allowed = json.loads(run((ROOT / "examples" / "webhook" / "hook_allowed.json").read_text()).stdout)
    assert allowed["allowed"] is True and allowed["command"] == "request_review"
    bad = run('{"object_kind": "issue"}')
    assert bad.returncode == 2 and "user" in bad.stderr



def test_the_former_names_are_gone_in_0_3_0() -> None:
    # One name per concept (issue 15), the old names removed (issue 30): Issues, not ReadIssues;
    # WebhookDecision.state, not to_state.
    assert not hasattr(gitlab, "ReadIssues") and not hasattr(csops._csops, "ReadIssues")
    d = workflow().decide_webhook(hook("hook.json"), gitlab.read_issue(issue(123)))
    assert not hasattr(d, "to_state")
    assert d.state in csops.STATES


def test_text_that_is_not_json_is_keyed_by_its_argument() -> None:
    for call, key in [(lambda: gitlab.read_issue("{"), "issue"), (lambda: gitlab.read_issues("[{"), "issues"),
                      (lambda: gitlab.read_label_events("["), "events"), (lambda: gitlab.read_webhook("{"), "payload")]:
        with pytest.raises(csops.InputError) as e:
            call()
        assert e.value.key == key and "not valid JSON" in str(e.value)


def test_a_directory_value_no_json_holds_is_a_config_error() -> None:
    for bad in (float("nan"), 2**70, "\ud800"):
        with pytest.raises(csops.ConfigError) as e:
            csops.Workflow({"lena": [bad]})
        assert e.value.key == "directory"


def test_a_null_iid_is_still_an_issue_and_a_record_s_error_is_its_own() -> None:
    with pytest.raises(csops.InputError) as e:
        csops.board_report([{"id": 1, "iid": None, "author": "rita", "created_at": "2026-01-05T09:00:00Z"}],
                           as_of="2026-03-16T09:00:00Z")
    assert e.value.key == "requests[0]"
    hook_ = hook("hook.json")
    with pytest.raises(csops.InputError) as e:
        workflow().decide_webhook(hook_, {"id": 1, "author": "", "created_at": "2026-01-05T09:00:00Z"})
    assert e.value.key == "author" and not str(e.value).startswith("issue")
