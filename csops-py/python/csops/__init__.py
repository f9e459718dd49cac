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
"""

from __future__ import annotations

import enum

from csops._csops import (
    CAPABILITIES,
    COMMAND_TYPES,
    REJECTION_KINDS,
    STATES,
    WORKSTREAMS,
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
    Transition,
    TransitionRejected,
    Weight,
    Workflow,
    __version__,
    board_report,
    capacity_plan,
    days,
    scope,
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
    "WORKSTREAMS",
    "ConfigError",
    "CsopsError",
    "InputError",
    "Journey",
    "Scorecard",
    "HealthScore",
    "Label",
    "LabelError",
    "LabelSet",
    "Maturity",
    "Rejection",
    "RejectionKind",
    "Request",
    "Segmentation",
    "State",
    "Transition",
    "TransitionRejected",
    "Weight",
    "Workflow",
    "__version__",
    "board_report",
    "capacity_plan",
    "days",
    "gitlab",
    "scope",
    "title",
    "version",
    "metrics",
    "weight_for_hours",
]
