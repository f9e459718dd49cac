"""The CS Ops request workflow (SPEC §2) written with the `transitions` package, as a team would
write it without csops: the same states and table, role and input guards as conditions, the
same closing checklist and review rules. The side-by-side harness (benches/side_by_side.py)
checks that it accepts and rejects exactly what csops does on the harness's command stream
before it times the two.

One `Machine` drives many request models (`add_model`); a command is a trigger whose keyword
arguments are the actor, the time and the command's inputs. A rejected command leaves the
model unchanged (the trigger returns False, or raises `MachineError` when the command does not
apply in the state).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from transitions import EventData, Machine, MachineError

STATES = ["New", "Triage", "NeedMoreInfo", "ReadyForAssignment", "Unassigned", "Backlog", "InProcess",
          "Blocked", "AwaitingFeedback", "Monitoring", "WontDo", "Completed"]
OPEN = [s for s in STATES if s not in ("WontDo", "Completed")]
WEIGHTS = {1, 3, 5, 7}
REQUIRED_REVIEW = {"gainsight_rule", "gainsight_connector", "gainsight_data_object"}
RECOMMENDED_REVIEW = {"report", "dashboard"}
TEAM_ROUTES = {"CS Programs": "Digital", "Gainsight": "Gainsight", "Gainsight: Bug": "Gainsight",
               "Gainsight: Feature Request": "Gainsight", "CS RenewalOps": "ROPS",
               "CS Product Usage Reporting": "ProductUsageReporting", "CS Analytics": "Analytics",
               "CS Ops Technical Writing": "TechnicalWriting"}


class Request:
    """A request model: what the guards read."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.id = data["id"]
        self.author = data["author"]
        self.labels = list(data.get("labels", []))
        self.assignee = data.get("assignee")
        self.reviewer = data.get("reviewer")
        self.weight = data.get("weight")
        self.change_kind = data.get("change_kind", "other")
        routes = {TEAM_ROUTES[l] for l in self.labels if l in TEAM_ROUTES}
        self.workstream = routes.pop() if len(routes) == 1 else None
        self.created_at = datetime.fromisoformat(data["created_at"].replace("Z", "+00:00"))
        self.last_at = self.created_at
        self.review = "none"  # none | pending | changes | approved | waived
        self.approved_by: str | None = None
        self.history: list[tuple[datetime, str, str]] = []
        self.state = "New"


class Directory:
    def __init__(self, people: dict[str, list[str]]) -> None:
        self.roles = {p: set(r) for p, r in people.items()}
        self.leads = {r.split(":", 1)[1]: p for p, rs in people.items() for r in rs if r.startswith("workstream_lead:")}

    def has(self, person: str, role: str) -> bool:
        return role in self.roles.get(person, ())


def _text(inputs: dict[str, Any], key: str) -> bool:
    v = inputs.get(key)
    return isinstance(v, str) and v.strip() != ""


class Workflow:
    """The table of SPEC §2 as `transitions` rows; guards as conditions."""

    def __init__(self, directory: dict[str, list[str]]) -> None:
        self.dir = Directory(directory)
        t = self._rows()
        self.machine = Machine(model=None, states=STATES, transitions=t, initial="New", send_event=True,
                               auto_transitions=False, ignore_invalid_triggers=False,
                               after_state_change=self._record)

    # -- who -------------------------------------------------------------------------------
    def _lead(self, e: EventData) -> bool:
        r, actor = e.model, e.kwargs["actor"]
        ws = r.workstream or e.kwargs.get("inputs", {}).get("workstream")
        return ws is not None and self.dir.leads.get(ws) == actor

    def _assignee(self, e: EventData) -> bool:
        return e.model.assignee is not None and e.model.assignee == e.kwargs["actor"]

    def _requester(self, e: EventData) -> bool:
        return e.model.author == e.kwargs["actor"]

    def _reviewer(self, e: EventData) -> bool:
        return e.model.reviewer is not None and e.model.reviewer == e.kwargs["actor"]

    def _self_assigning(self, e: EventData) -> bool:
        actor = e.kwargs["actor"]
        named = e.kwargs.get("inputs", {}).get("assignee")
        return self.dir.has(actor, "cs_ops") and (named in (None, "", actor))

    def _who(self, *parties: str) -> Any:
        checks = [getattr(self, "_" + p) for p in parties]
        return lambda e: any(c(e) for c in checks)

    # -- what ------------------------------------------------------------------------------
    def _known_and_in_time(self, e: EventData) -> bool:
        r, actor, at = e.model, e.kwargs["actor"], e.kwargs["at"]
        known = actor in self.dir.roles or actor == r.author
        return known and at >= r.created_at and at >= r.last_at

    def _needs_text(self, key: str) -> Any:
        return lambda e: _text(e.kwargs.get("inputs", {}), key)

    def _weight(self, e: EventData) -> bool:
        w = e.kwargs.get("inputs", {}).get("weight")
        if w is None:
            return e.model.weight in WEIGHTS
        return w in WEIGHTS

    def _new_assignee(self, e: EventData) -> bool:
        named = e.kwargs.get("inputs", {}).get("assignee") or e.kwargs["actor"]
        return self.dir.has(named, "cs_ops")

    def _has_assignee(self, e: EventData) -> bool:
        return e.model.assignee is not None

    def _review_level(self, r: Request) -> str:
        if r.change_kind in REQUIRED_REVIEW:
            return "required"
        return "recommended" if r.change_kind in RECOMMENDED_REVIEW else "optional"

    def _reviewer_ok(self, e: EventData) -> bool:
        r, rv = e.model, e.kwargs.get("inputs", {}).get("reviewer")
        if not rv or rv == r.assignee or rv not in self.dir.roles:
            return False
        return self._review_level(r) != "required" or self.dir.has(rv, "gainsight_admin")

    def _approved(self, e: EventData) -> bool:
        r = e.model
        if r.review != "approved" or r.approved_by != r.reviewer:
            return False
        return self._review_level(r) != "required" or self.dir.has(r.approved_by or "", "gainsight_admin")

    def _not_required(self, e: EventData) -> bool:
        return self._review_level(e.model) != "required"

    def _checklist(self, peer_review: bool) -> Any:
        def ok(e: EventData) -> bool:
            r = e.model
            c = e.kwargs.get("inputs", {}).get("checklist") or {}
            gainsight = any(l.lower().startswith("gainsight") for l in r.labels) or r.change_kind in REQUIRED_REVIEW
            lead = c.get("lead_informed") or {}
            review_followed = True
            if peer_review:
                level = self._review_level(r)
                if level == "required":
                    review_followed = r.review == "approved"
                elif level == "recommended":
                    review_followed = r.review in ("approved", "waived")
            return (c.get("handbook_updated") in (True, "not_applicable")
                    and (not gainsight or c.get("gainsight_changelog") is True)
                    and review_followed
                    and c.get("stakeholders_communicated") is True
                    and _text(lead, "summary") and _text(lead, "next_steps"))
        return ok

    # -- effects ---------------------------------------------------------------------------
    def _set(self, e: EventData) -> None:
        r, inputs, actor = e.model, e.kwargs.get("inputs", {}), e.kwargs["actor"]
        cmd = e.event.name
        if cmd == "triage" and inputs.get("workstream"):
            r.workstream = inputs["workstream"]
        if inputs.get("weight") is not None and cmd in ("ready", "start"):
            r.weight = inputs["weight"]
        if cmd == "start":
            r.assignee = inputs.get("assignee") or actor
        if cmd == "request_review":
            r.reviewer, r.review = inputs["reviewer"], "pending"
        elif cmd == "request_changes":
            r.review = "changes"
        elif cmd == "approve_review":
            r.review, r.approved_by = "approved", actor
        elif cmd == "waive_review":
            r.review = "waived"
        elif cmd == "reopen":
            r.review = "none"
        r.last_at = e.kwargs["at"]

    def _record(self, e: EventData) -> None:
        e.model.history.append((e.kwargs["at"], e.kwargs["actor"], e.event.name))

    def _rows(self) -> list[dict[str, Any]]:
        base = [self._known_and_in_time]
        rows: list[tuple[str, list[str] | str, str | None, list[Any]]] = [
            ("triage", ["New"], "Triage", [self._who("lead")]),
            ("request_info", ["New", "Triage"], "NeedMoreInfo", [self._who("lead", "assignee"), self._needs_text("question")]),
            ("request_info", ["InProcess"], "NeedMoreInfo", [self._who("assignee"), self._needs_text("question")]),
            ("provide_info", ["NeedMoreInfo"], "Triage", [self._who("requester", "lead"), self._needs_text("answer")]),
            ("resume", ["NeedMoreInfo"], "InProcess", [self._who("assignee"), self._has_assignee]),
            ("decline", OPEN, "WontDo", [self._who("lead"), self._needs_text("reason")]),
            ("transfer", ["New", "Triage"], "Monitoring", [self._who("lead"), self._needs_text("team")]),
            ("defer", ["New", "Triage"], "Backlog", [self._who("lead")]),
            ("mark_unassigned", ["Triage"], "Unassigned", [self._who("lead")]),
            ("ready", ["Triage"], "ReadyForAssignment", [self._who("lead"), self._weight]),
            ("start", ["ReadyForAssignment", "Unassigned", "Backlog"], "InProcess",
             [self._who("lead", "self_assigning"), self._new_assignee, self._weight]),
            ("reprioritize", ["Backlog", "Unassigned"], "Triage", [self._who("lead")]),
            ("block", ["InProcess"], "Blocked", [self._who("assignee"), self._needs_text("reason")]),
            ("unblock", ["Blocked"], "InProcess", [self._who("assignee")]),
            ("request_review", ["InProcess"], "AwaitingFeedback",
             [self._who("assignee"), self._reviewer_ok, self._needs_text("summary")]),
            ("request_changes", ["AwaitingFeedback"], "InProcess", [self._who("reviewer"), self._needs_text("comment")]),
            ("approve_review", ["AwaitingFeedback"], None, [self._who("reviewer")]),
            ("waive_review", ["InProcess"], None, [self._who("assignee"), self._not_required, self._needs_text("reason")]),
            ("complete", ["AwaitingFeedback"], "Completed", [self._who("assignee"), self._approved, self._checklist(True)]),
            ("complete", ["InProcess"], "Completed", [self._who("assignee"), self._not_required, self._checklist(True)]),
            ("complete", ["Monitoring"], "Completed", [self._who("lead"), self._checklist(False)]),
            ("return", ["Monitoring"], "Triage", [self._who("lead")]),
            ("reopen", ["Completed", "WontDo"], "Triage", [self._who("lead")]),
        ]
        out = []
        for trigger, source, dest, conditions in rows:
            out.append({"trigger": trigger, "source": source, "dest": dest,
                        "conditions": base + conditions, "before": self._set})
        return out

    def add(self, data: dict[str, Any]) -> Request:
        r = Request(data)
        self.machine.add_model(r, initial="New")
        return r

    def apply(self, r: Request, command: dict[str, Any], actor: str, at: datetime) -> bool:
        """Applies a command; whether it was accepted (a rejection changes nothing)."""
        inputs = {k: v for k, v in command.items() if k != "type"}
        try:
            return bool(r.trigger(command["type"], actor=actor, at=at, inputs=inputs))
        except MachineError:
            return False
