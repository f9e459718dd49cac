"""GitLab's own JSON in, decisions out (SPEC §7): the REST issue object, the Issue Hook webhook
payload and resource label events, read with no glue code; a request's history reconstructed
from its label events and audited; a whole export audited at once with its board report; and
`sync`, which fetches a live project's (or group's) issues and label events into the export
folder `audit` reads — paged, polite, incremental (SPEC §7).

Objects may be dicts (as `requests` / `json.load` give them) or JSON text. Bad input raises
`csops.InputError` whose `.key` names the field (`[3].author.username` for the fourth issue
of a list).

    >>> import csops
    >>> from csops import gitlab
    >>> wf = csops.Workflow(directory={"ana": ["workstream_lead:Analytics"], "omar": ["cs_ops"]})
    >>> issue = {"iid": 7, "title": "NPS dashboard", "state": "opened", "weight": 3,
    ...          "labels": ["CSOps", "CS Analytics", "CSOps::In_Process"],
    ...          "author": {"username": "rita"}, "assignees": [{"username": "omar"}],
    ...          "created_at": "2026-03-02T09:00:00.000Z"}
    >>> events = [
    ...   {"user": {"username": "ana"}, "created_at": "2026-03-02T10:00:00.000Z",
    ...    "label": {"name": "CSOps::Triage"}, "action": "add"},
    ...   {"user": {"username": "omar"}, "created_at": "2026-03-03T09:00:00.000Z",
    ...    "label": {"name": "CSOps::In_Process"}, "action": "add"},
    ...   {"user": {"username": "omar"}, "created_at": "2026-03-03T09:00:00.000Z",
    ...    "label": {"name": "CSOps::Triage"}, "action": "remove"}]
    >>> history, violations = gitlab.reconstruct(gitlab.read_issue(issue), events, wf)
    >>> [(s["from"], s["to"]) for s in history]
    [('New', 'Triage'), ('Triage', 'InProcess')]
    >>> [(v.rule, v.actor) for v in violations]
    [('invalid_transition', 'omar')]
"""

from __future__ import annotations

from csops._csops import (
    AuditRun,
    BoardReport,
    IssueHook,
    Issues,
    LabelEvent,
    Reconstruction,
    Violation,
    WebhookDecision,
)
from csops._csops import gitlab_audit as audit
from csops._csops import gitlab_check_issue as check_issue
from csops._csops import gitlab_read_issue as read_issue
from csops._csops import gitlab_read_issues as read_issues
from csops._csops import gitlab_read_label_events as read_label_events
from csops._csops import gitlab_read_webhook as read_webhook
from csops._csops import gitlab_reconstruct as reconstruct
from csops._csops import gitlab_reconstruct_all as reconstruct_all
from csops._csops import gitlab_sync as sync

__all__ = [
    "AuditRun",
    "BoardReport",
    "IssueHook",
    "Issues",
    "LabelEvent",
    "Reconstruction",
    "Violation",
    "WebhookDecision",
    "audit",
    "check_issue",
    "read_issue",
    "read_issues",
    "read_label_events",
    "read_webhook",
    "reconstruct",
    "reconstruct_all",
    "sync",
]

