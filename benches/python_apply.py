"""wf.apply from Python against the same command stream as the Rust bench
`apply/block_unblock_accepted` (benches/workflow.rs): block, unblock, block, ... by the assignee.

Run with a release build of the module:
    VIRTUAL_ENV=$PWD/.venv .venv/bin/maturin develop --release -m csops-py/Cargo.toml
    .venv/bin/python benches/python_apply.py
It prints the time per call from Python. The overhead of the binding is `wf.can_apply`'s time
minus `cargo bench -p csops-benches --bench baseline` (the same dry run on the same unchanging
request, timed the same way); the `apply` loops grow one request's history, as a
long-lived request does.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import csops

DIRECTORY = {"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}
REQUEST = {"id": 1, "title": "bench", "author": "rita", "labels": ["CSOps", "Gainsight", "CSOps::In_Process"],
           "assignee": "omar", "weight": 3, "created_at": "2026-01-05T09:00:00Z"}
BLOCK = {"type": "block", "reason": "waiting"}
UNBLOCK = {"type": "unblock"}


def per_call(at: object, n: int = 100_000, command_as_json: bool = False) -> float:
    wf = csops.Workflow(DIRECTORY)
    block, unblock = (('{"type": "block", "reason": "waiting"}', '{"type": "unblock"}') if command_as_json
                      else (BLOCK, UNBLOCK))
    best = float("inf")
    for _ in range(5):
        req = csops.Request.from_dict(REQUEST)
        t0 = time.perf_counter()
        for _ in range(n // 2):
            wf.apply(req, block, actor="omar", at=at)
            wf.apply(req, unblock, actor="omar", at=at)
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def can_apply_per_call(at: object, n: int = 200_000) -> float:
    """The dry run on an unchanging request: the same core work as the Rust bench
    `apply/check_accepted_block`, so the difference is the binding's overhead."""
    wf = csops.Workflow(DIRECTORY)
    req = csops.Request.from_dict(REQUEST)
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            wf.can_apply(req, BLOCK, actor="omar", at=at)
        best = min(best, (time.perf_counter() - t0) / n)
    return best


if __name__ == "__main__":
    print(f"wf.can_apply, command dict, at str:  {can_apply_per_call('2026-01-06T10:00:00Z') * 1e9:7.0f} ns/call")
    print(f"wf.apply, command dict, at str:      {per_call('2026-01-06T09:00:00Z') * 1e9:7.0f} ns/call")
    print(f"wf.apply, command dict, at datetime: {per_call(datetime(2026, 1, 6, 9, tzinfo=timezone.utc)) * 1e9:7.0f} ns/call")
    print(f"wf.apply, command JSON, at str:      {per_call('2026-01-06T09:00:00Z', command_as_json=True) * 1e9:7.0f} ns/call")
