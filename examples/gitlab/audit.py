"""Audit a folder of GitLab exports and print the board report.

The folder holds what GitLab's API returns: `issues.json` (GET /projects/:id/issues),
`label_events/<iid>.json` (GET /projects/:id/issues/:iid/resource_label_events) and
`directory.json` (who leads which workstream, who is on the team — csops's own format).

    python examples/gitlab/audit.py [folder] [--as-of 2026-03-16T09:00:00Z] [--json]

Prints every step that broke the process (who, when, which rule), each issue's SLA breaches,
and the board: counts per state and workstream, load per assignee, lead and cycle time,
weekly throughput and anomalies. `--json` prints the whole run as one JSON document instead.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

import pandas as pd

import csops
from csops import gitlab

HERE = pathlib.Path(__file__).resolve().parent


def load(folder: pathlib.Path) -> tuple[list[dict[str, object]], dict[str, list[object]], dict[str, list[str]]]:
    issues = json.loads((folder / "issues.json").read_text())
    events = {p.stem: json.loads(p.read_text()) for p in sorted((folder / "label_events").glob("*.json"))}
    directory = json.loads((folder / "directory.json").read_text())
    return issues, events, directory


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(HERE.parent / "gitlab-export"))
    ap.add_argument("--as-of", default="2026-03-16T09:00:00Z")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    issues, events, directory = load(pathlib.Path(args.folder))
    wf = csops.Workflow(directory=directory)
    run = gitlab.audit(issues, events, as_of=args.as_of, workflow=wf)
    if args.json:
        print(run.to_json())
        return 0

    pd.set_option("display.width", 160)
    pd.set_option("display.max_colwidth", 90)
    s = run.summary
    print(f"Audit as of {args.as_of}: {s['issues']} issues, {s['label_events']} label events, "
          f"{s['steps']} steps; {s['issues_with_violations']} issues broke the process")
    for e in run.errors:
        print(f"  not audited: {e}")
    print("\n== Violations ==")
    v = run.violations
    print(v[["iid", "rule", "actor", "at", "message"]].to_string(index=False) if len(v) else "(none)")

    board = run.board
    print(f"\n== Board as of {board.as_of:%Y-%m-%d %H:%M} ==")
    print(board.by_state.pivot_table(index="state", columns="workstream", values="count",
                                     aggfunc="sum", fill_value=0).to_string())
    print("\n-- load (hours)")
    print(board.load.to_string(index=False))
    print("\n-- SLA breaches")
    b = board.sla_breaches
    print(b[["iid", "title", "kind", "overdue_hours"]].to_string(index=False) if len(b) else "(none)")
    lt, ct = board.lead_time, board.cycle_time
    print(f"\n-- lead time median {lt['median_hours']:.1f} h, p90 {lt['p90_hours']:.1f} h ({lt['count']} closed); "
          f"cycle time median {ct['median_hours']:.1f} h, p90 {ct['p90_hours']:.1f} h ({ct['count']} completed)")
    print("\n-- weekly throughput")
    print(board.throughput.to_string(index=False))
    print("\n-- anomalies")
    print(board.anomalies.to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
