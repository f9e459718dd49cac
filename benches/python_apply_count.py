"""Instruction count of `wf.apply` and `wf.can_apply` from Python, for callgrind.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python benches/python_apply_count.py apply 1000
    (again with 11000; the difference over 10,000 is the count per call)

Run against a release build of the module (maturin develop --release). The stream is
python_apply.py's: block and unblock by the assignee, command as a dict, time as text.
"""

from __future__ import annotations

import sys

import csops

DIRECTORY = {"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"], "gia": ["cs_ops", "gainsight_admin"]}
REQUEST = {"id": 1, "title": "bench", "author": "rita", "labels": ["CSOps", "Gainsight", "CSOps::In_Process"],
           "assignee": "omar", "weight": 3, "created_at": "2026-01-05T09:00:00Z"}
BLOCK = {"type": "block", "reason": "waiting"}
UNBLOCK = {"type": "unblock"}


def main(kind: str, n: int) -> None:
    wf = csops.Workflow(DIRECTORY)
    req = csops.Request.from_dict(REQUEST)
    at = "2026-01-06T09:00:00Z"
    if kind == "apply":
        for _ in range(n // 2):
            wf.apply(req, BLOCK, actor="omar", at=at)
            wf.apply(req, UNBLOCK, actor="omar", at=at)
    else:
        for _ in range(n):
            wf.can_apply(req, BLOCK, actor="omar", at=at)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
