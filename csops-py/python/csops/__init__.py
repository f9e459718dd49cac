"""csops: the Customer Success Operations engine, from Python.

The CS Ops request workflow (labels and their aliases, weights, peer-review policy, routing, the
transition table with its role guards and closing checklist), as pure functions of their inputs.
Every rule lives in the Rust core; this package is a thin binding.

    >>> import csops
    >>> wf = csops.Workflow(directory={"lena": ["workstream_lead:Gainsight"]})
    >>> req = csops.Request.from_dict({"id": 1, "author": "rita", "labels": ["CSOps", "Gainsight"],
    ...                                "created_at": "2026-01-05T09:00:00Z"})
    >>> wf.apply(req, {"type": "triage"}, actor="lena", at="2026-01-06T10:00:00Z").add_labels
    ['CSOps::Triage']
    >>> req.state
    'Triage'

The customer side is here too: segmentation and capacity (``Segmentation``, ``capacity_plan``),
the journey (``Journey``), the health score (``Scorecard``, ``HealthScore``) and its
backtests over a measure history (``Scorecard.backtest``: ``Backtest``, ``Comparison``,
``WeightSuggestion``), a scored book's report (``Scorecard.book_report``: ``BookReport``), the
maturity assessment (``Maturity``), the customer metrics (``csops.metrics``) and GitLab's own
JSON (``csops.gitlab``). Reports a lead opens are pages: ``AuditRun.to_html``,
``BookReport.to_html`` and ``Backtest.to_html`` give one self-contained HTML file each, and a
notebook shows them as they are. ``help(name)`` says what each takes and gives.

Commands
--------
``Workflow.apply`` and ``Workflow.can_apply`` take a command: a dict, or its JSON text, with a
``"type"`` (one of ``COMMAND_TYPES``) and the fields of that type, each optional in the dict::

    {"type": "triage", "workstream": "Gainsight"}
    {"type": "ready", "weight": 3}
    {"type": "request_review", "reviewer": "gia", "summary": "Combined the two rules"}

A field the rule needs but the command lacks is a ``TransitionRejected`` of kind
``missing_input`` naming it (the request is unchanged). A key that is not a field of the
command's type (a typo such as ``"wrkstream"``, or ``"weight"`` on a triage) is an
``InputError`` whose ``.key`` starts with ``command.``; so is an unknown ``type``.

    type             fields                    what it asks for
    triage           workstream                reviewed by the lead: Triage
    request_info     question                  a question to the requester: Need More Info
    provide_info     answer                    the requester's answer
    resume           -                         back to work after an answer: In Process
    decline          reason                    not to be done: Won't Do, the issue closes
    transfer         team                      another team has it: Monitoring
    defer            -                         not in the next 90 days: Backlog
    mark_unassigned  -                         agreed, no capacity yet: Unassigned
    ready            weight, hours             weighted: Ready for Assignment
    start            assignee, weight, hours   work begins: In Process
    reprioritize     -                         back to Triage from Backlog or Unassigned
    block            reason                    cannot be worked: Blocked
    unblock          -                         workable again: In Process
    request_review   reviewer, summary, due    peer review: Awaiting Feedback
    request_changes  comment                   the reviewer asks for changes: In Process
    approve_review   -                         the reviewer approves (the state stays)
    waive_review     reason                    a recommended review is waived
    complete         checklist                 delivered: Completed, the issue closes
    return           -                         it came back from the other team: Triage
    reopen           -                         a closed request is reopened: Triage
    relabel          -                         a label move outside the table, as a history
                                               rebuilt from GitLab records it; apply rejects it

Which states each command applies in and who may give it (the lead, the assignee, the
requester, the reviewer) is the transition table, drawn by ``Workflow.to_mermaid()`` or
``python -m csops diagram``; a rejection names the rule.

The fields:

- ``workstream``: a name of ``WORKSTREAMS`` (``"Gainsight"``, ``"ROPS"``) or its handbook
  title (``"Renewal Ops"``, ``"Product Usage Reporting"``).
- ``question``, ``answer``, ``reason``, ``team``, ``summary``, ``comment``: non-empty text.
- ``weight``: an int, 1, 3, 5 or 7. ``hours``: an estimate in hours (a number above 0, at
  most 7), turned into the smallest weight that holds it (``weight_for_hours``); more than 7
  hours is a rejection of kind ``needs_epic``.
- ``assignee``, ``reviewer``: people of the workflow's directory; ``start`` without an
  assignee assigns the actor when the actor is a ``cs_ops`` member; the reviewer is not the
  assignee, and a ``gainsight_admin`` when review is required.
- ``due``: when the review is due, a time (see Times); by default 3 business days after the
  request for review (``config["sla"]["review_due_business_days"]``).
- ``checklist``: a dict of the closing checklist, each item absent = not done:
  ``handbook_updated`` (True, False or ``"not_applicable"``), ``gainsight_changelog``
  (bool; needed for a Gainsight change), ``stakeholders_communicated`` (bool) and
  ``lead_informed`` (``{"summary": text, "next_steps": text}``).

``Request.history`` records each accepted command as given.

Times
-----
An instant (``at`` of ``Workflow.apply`` / ``can_apply``, ``now`` of ``sla_breaches``,
``as_of`` of ``board_report`` and ``gitlab.audit``, a command's ``due``, the times of a request
dict) is either

- RFC 3339 text with a zone: ``"2026-01-06T10:00:00Z"``, ``"2026-01-06T11:00:00+01:00"``,
  fractional seconds allowed; or
- a timezone-aware ``datetime.datetime`` (any ``tzinfo``).

A naive ``datetime`` and text without a zone (``"2026-01-06T10:00:00"``, ``"2026-01-06"``)
name no instant and are refused: an ``InputError`` whose ``.key`` names the argument. Any
other type (a ``date``, a number) is a ``TypeError``. Times come back as aware datetimes in
UTC (``Request.created_at``) and as RFC 3339 text in UTC inside dicts (``Request.history``).
Time never goes backwards: an ``at`` before the request's creation or its last step is a
rejection of kind ``invalid_time``.

A calendar date (``Journey.record`` / ``advance``, ``Scorecard.score``'s ``as_of``) is ISO
text ``"2026-01-05"`` or a ``datetime.date``. GitLab's JSON (``csops.gitlab``) is read in the
forms GitLab writes, ``2016-01-04T15:31:51.081Z`` and the webhooks' ``2017-09-15 16:52:00 UTC``.
``parse_instant(text)`` reads a time as a person types one for "as of": RFC 3339, a date and
time without a zone (UTC), or a date alone (its start).

Questions the table answers
---------------------------
``Workflow.choices(request, actor=..., at=...)`` says what a person may do now: every command
the table offers from the request's state, each ``open`` or with what stands in the way
(``unmet``) and what the command must carry (``inputs``), in a rejection's words.
``shortest_path("New", "InProcess")`` and ``simple_paths(from, to)`` give the ways from one
state to another, as lists of moves (``command``, ``from``, ``to``).

Names
-----
The vocabularies, as lists of the names data uses: ``STATES`` (the workflow states; ``State``
is the same as an enum), ``COMMAND_TYPES`` (see Commands), ``REJECTION_KINDS`` (the
``kind`` of a ``TransitionRejected``, in precedence order; ``RejectionKind``),
``WORKSTREAMS``, ``CAPABILITIES`` (the maturity capabilities) and ``UNKNOWN_BAND`` (the band
of a score that cannot be computed). ``title(name)`` gives a
name's display title and ``days(hours)`` a duration as reports show it. ``__version__`` (and
``version()``) is the package's version.
"""

from __future__ import annotations

import enum

from csops._csops import (
    CAPABILITIES,
    COMMAND_TYPES,
    REJECTION_KINDS,
    STATES,
    UNKNOWN_BAND,
    WORKSTREAMS,
    Backtest,
    BookReport,
    Comparison,
    ConfigError,
    CsopsError,
    HealthScore,
    InputError,
    Journey,
    Label,
    LabelError,
    LabelSet,
    Maturity,
    Rejection,
    Request,
    Scorecard,
    Segmentation,
    SyncError,
    Transition,
    TransitionRejected,
    Weight,
    WeightSuggestion,
    Workflow,
    __version__,
    board_report,
    capacity_plan,
    days,
    parse_instant,
    scope,
    shortest_path,
    simple_paths,
    title,
    version,
    weight_for_hours,
)


from csops import gitlab, metrics  # noqa: E402  (the submodules import the native module above)


class State(str, enum.Enum):
    """The workflow states (a mirror of the Rust enum; a test keeps them equal)."""

    NEW = "New"
    TRIAGE = "Triage"
    NEED_MORE_INFO = "NeedMoreInfo"
    READY_FOR_ASSIGNMENT = "ReadyForAssignment"
    UNASSIGNED = "Unassigned"
    BACKLOG = "Backlog"
    IN_PROCESS = "InProcess"
    BLOCKED = "Blocked"
    AWAITING_FEEDBACK = "AwaitingFeedback"
    MONITORING = "Monitoring"
    WONT_DO = "WontDo"
    COMPLETED = "Completed"


class RejectionKind(str, enum.Enum):
    """Why a command was rejected, in precedence order (a mirror of the Rust enum)."""

    UNKNOWN_PERSON = "unknown_person"
    INVALID_TIME = "invalid_time"
    INVALID_TRANSITION = "invalid_transition"
    NOT_PERMITTED = "not_permitted"
    MISSING_INPUT = "missing_input"
    INVALID_WEIGHT = "invalid_weight"
    NEEDS_EPIC = "needs_epic"
    REVIEW_REQUIRED = "review_required"
    CHECKLIST_INCOMPLETE = "checklist_incomplete"


__all__ = [
    "CAPABILITIES",
    "COMMAND_TYPES",
    "REJECTION_KINDS",
    "STATES",
    "UNKNOWN_BAND",
    "WORKSTREAMS",
    "ConfigError",
    "CsopsError",
    "InputError",
    "Journey",
    "Scorecard",
    "HealthScore",
    "Backtest",
    "BookReport",
    "Comparison",
    "WeightSuggestion",
    "Label",
    "LabelError",
    "LabelSet",
    "Maturity",
    "Rejection",
    "RejectionKind",
    "Request",
    "Segmentation",
    "State",
    "SyncError",
    "Transition",
    "TransitionRejected",
    "Weight",
    "Workflow",
    "__version__",
    "board_report",
    "capacity_plan",
    "days",
    "gitlab",
    "parse_instant",
    "scope",
    "shortest_path",
    "simple_paths",
    "title",
    "version",
    "metrics",
    "weight_for_hours",
]
