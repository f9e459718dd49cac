"""`python -m csops audit FOLDER`: a GitLab export audited, and its board.

The summary first, then every step that broke the process (who, when, which rule), then the
board: requests by state and workstream, load, SLA breaches, lead and cycle time, throughput,
anomalies. States and workstreams by their titles, durations in days; `--json` prints the
library's run as it is (names, hours).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.console import RenderableType

import csops
from csops import gitlab
from csops.cli.output import (
    INDENT,
    NONE,
    PROG,
    Progress,
    Prose,
    cell,
    console,
    count,
    days,
    emit,
    flexible,
    label,
    line,
    number,
    table,
    wrapping,
    write_page,
)
from csops.cli.reading import EVENTS_DIR, EVENTS_FILE, Export, InputProblem, instant, read_export, workflow
from csops.cli.sync import add_options as sync_options
from csops.cli.sync import cache_folder, synced

EPILOG = f"""\
FOLDER holds a GitLab export, as GitLab's REST API returns it:
  issues.json               GET /projects/:id/issues: a JSON list of issues
  {EVENTS_DIR}/<iid>.json   GET /projects/:id/issues/:iid/resource_label_events, one file
                            per issue (a list of label events)
    or {EVENTS_FILE}    one JSON object of the same lists by issue iid: {{"101": [...], ...}}
  directory.json            who is who: {{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}}
                            (roles: cs_ops, gainsight_admin, workstream_lead:<Workstream>)

Issues that are not CS Ops requests are counted and left out. Prints the summary, every step
that broke the process (who, when, which rule), then the board: requests by state, load, SLA
breaches, lead and cycle time, throughput and anomalies. Durations read in days; --json keeps
the library's data (hours, names).

Or straight from a live GitLab: --gitlab URL --project PATH syncs the project into a cache
folder (~/.cache/csops/gitlab/..., or --cache DIR; only what changed after the first time) and
audits that; give who is who with --directory FILE. The token as {PROG} sync --help says.

example: {PROG} audit examples/gitlab-export --as-of 2026-03-16T09:00:00Z
         {PROG} audit --gitlab https://gitlab.example.com --project cs-ops/requests \\
             --directory people.json"""


def register(subparsers: Any) -> argparse.ArgumentParser:
    audit = subparsers.add_parser(
        "audit", help="audit a GitLab export and print the board",
        description="Audit a GitLab export: every step that broke the CS Ops process, and the board.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    audit.add_argument("folder", metavar="FOLDER", nargs="?", help="the export's folder (below)")
    audit.add_argument("--gitlab", metavar="URL", help="audit a live GitLab's project instead: its address")
    audit.add_argument("--project", metavar="PATH", help="with --gitlab: the project's full path or id")
    audit.add_argument("--cache", metavar="DIR", help="with --gitlab: the folder the project is synced "
                                                      "into (default: under ~/.cache/csops/gitlab)")
    audit.add_argument("--directory", metavar="FILE",
                       help="who is who (default: the folder's directory.json)")
    audit.add_argument("--as-of", type=instant, metavar="TIME",
                       help="the time the audit and the board are taken at: 2026-03-16T09:00:00Z, or "
                            "a date (its start); without an offset, UTC. Default: now, in UTC")
    audit.add_argument("--json", action="store_true", help="print the run as JSON instead (hours, names)")
    audit.add_argument("--html", metavar="FILE",
                       help="also write the board as a page: charts, violations linked to GitLab (opens offline)")
    audit.add_argument("--why", action="store_true", help="after the violations, each one's reason in words")
    audit.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="a progress bar on stderr (default: when stderr is a terminal and reading "
                            "takes more than half a second)")
    sync_options(audit, progress=False)
    audit.set_defaults(run=run)
    parser: argparse.ArgumentParser = audit
    return parser


def folder_of(args: argparse.Namespace) -> Path:
    """The export to audit: FOLDER, or (--gitlab) the cache folder the project is synced into
    first."""
    if args.gitlab is None:
        if args.folder is None:
            raise InputProblem(f"give the export's FOLDER, or --gitlab URL --project PATH (see {PROG} audit --help)")
        for given in ("project", "cache"):
            if getattr(args, given) is not None:
                raise InputProblem(f"--{given} goes with --gitlab URL")
        return Path(args.folder)
    if args.folder is not None:
        raise InputProblem(f"give FOLDER or --gitlab URL, not both ({args.folder!r} and {args.gitlab!r})")
    if args.project is None:
        raise InputProblem("--gitlab URL needs --project PATH: the project's full path (my-group/cs-ops) or id")
    if args.group:
        raise InputProblem(f"the audit reads one project: sync the group with {PROG} sync --group, "
                           "then audit each project's folder")
    folder = Path(args.cache) if args.cache else cache_folder(args.gitlab, args.project)
    synced(args, args.gitlab, args.project, folder)
    return folder


def run(args: argparse.Namespace) -> int:
    as_of: datetime = args.as_of or datetime.now(timezone.utc).replace(microsecond=0)
    folder = folder_of(args)
    progress = Progress(args.progress)
    try:
        export = read_export(folder, progress, Path(args.directory) if args.directory else None)
        if args.gitlab:
            export.name = f"{args.project} on {args.gitlab}"
        audited = audit(export, as_of, progress)
    finally:
        progress.finish()
    wrote = write_page(args.html, audited.to_html(export.name), "the board's page") if args.html else None
    if args.json:
        print(audited.to_json())
        if wrote:
            print(wrote, file=sys.stderr)
    else:
        emit(console(), report(export, as_of, audited.to_dict(), why=args.why) + ([line(wrote)] if wrote else []))
    return 0


def audit(export: Export, as_of: datetime, progress: Progress) -> gitlab.AuditRun:
    wf = workflow(export.directory, None, export.directory_path, "the configuration")
    progress.step(f"auditing {count(len(export.issues))} issues")
    try:
        return gitlab.audit(export.issues, export.events, as_of=as_of, workflow=wf)
    except csops.CsopsError as e:
        raise InputProblem(f"{export.folder}: {e}") from None


def when(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _instead(v: dict[str, Any]) -> str:
    """What a refused move's actor could have done instead, as the library found it (None for
    what is no move)."""
    moves = v.get("instead")
    if moves is None:
        return ""
    if not moves:
        return "; no move out of that state was open to them"
    named = ", ".join(f"{m['command']} (to {csops.title(m['to'])})" for m in moves)
    return f"; open to them instead: {named}"


def report(export: Export, as_of: datetime, data: dict[str, Any], why: bool = False) -> list[RenderableType]:
    """The audit for a person: the summary first, then the violations, then the board."""
    audit, board = data["audit"], data["board"]
    s = audit["summary"]
    requests, unmanaged = int(s["issues"]), int(s["unmanaged"])
    out: list[RenderableType] = [line(f"Audit of {export.name} as of {when(as_of)}"), "", "Summary"]

    by_rule: dict[str, int] = s["violations"]
    figures = [
        ("issues in the export", count(len(export.issues)), ""),
        ("CS Ops requests", count(requests), ""),
        ("not CS Ops (unmanaged)", count(unmanaged), ""),
        ("label events audited", count(int(s["label_events"])), f"of {count(export.label_events)} in the export"),
        ("issues that broke the process", count(int(s["issues_with_violations"])), f"of {count(requests)} requests"),
        ("violations", count(sum(by_rule.values())), "by rule:" if by_rule else ""),
        *[("  " + rule, count(n), "") for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))],
        ("SLA breaches", count(int(s["sla_breaches"])), ""),
    ]
    if audit["errors"]:
        figures.append(("issues not read", count(len(audit["errors"])), ""))
    out.append(table(label(""), number(""), label(""), rows=figures, header=False))
    for e in audit["errors"][:10]:
        out.append(Prose.of(e, " " * 2 * INDENT, " " * 3 * INDENT))
    if len(audit["errors"]) > 10:
        out.append(f"    … and {count(len(audit['errors']) - 10)} more (--json lists them all)")

    titles = export.titles()
    rows = sorted((int(i["iid"]), v["at"], v["rule"], v.get("actor"), v.get("message") or "",
                   _instead(v))
                  for i in audit["issues"] for v in i["violations"])
    hint = "" if why else "; why each one: --why"
    out += ["", f"Violations ({count(len(rows))}{hint})" if rows else "Violations: none"]
    if rows:
        out.append(table(
            number("iid"), flexible("title"), label("rule", limit=30), label("actor", limit=16), label("date"),
            rows=[[str(iid), cell(titles.get(iid, "")), rule, actor or NONE, at[:10]]
                  for iid, at, rule, actor, _, _ in rows]))
    if rows and why:
        out += ["", "Why"]
        out += [Prose.of(f"{iid} {rule}: {message}{instead}", "  ", "      ")
                for iid, _, rule, _, message, instead in rows]
    return out + [""] + board_report(board, titles)


def board_report(board: dict[str, Any], titles: dict[int, str]) -> list[RenderableType]:
    as_of = datetime.fromisoformat(board["as_of"].replace("Z", "+00:00"))
    heading = f"Board as of {when(as_of)}: {count(board['requests'])} requests, {count(board['open'])} open"
    if board["undecided"]:
        # The board counts requests with a state; an issue with two workflow labels has none.
        heading += f" + {count(board['undecided'])} with two workflow labels (Anomalies)"
    out: list[RenderableType] = [heading]

    out += ["", "By state (and workstream)"]
    cells: dict[str, list[tuple[int, str]]] = {}
    for c in board["by_state"]:
        ws = csops.title(c["workstream"]) if c["workstream"] else "no workstream"
        cells.setdefault(c["state"], []).append((int(c["count"]), ws))
    states = [x for x in csops.STATES if x in cells] + [x for x in cells if x not in csops.STATES]
    by_state: list[list[RenderableType]] = []
    for st in states:
        parts = sorted(cells[st], key=lambda p: (-p[0], p[1]))
        # One entry per workstream, never broken inside ("Renewal Ops 2").
        entries = [f"{ws} {n}," for n, ws in parts]
        entries[-1] = entries[-1].rstrip(",")
        by_state.append([csops.title(st), count(sum(n for n, _ in parts)), Prose(entries)])
    out.append(table(label(""), number(""), wrapping(""), rows=by_state, header=False))

    out += ["", "Load (open requests with an assignee; weights as estimated hours of work)"]
    if board["load"]:
        out.append(table(label("assignee", limit=24), number("open"), number("est. hours"), number("unweighted"),
                         rows=[[r["assignee"], count(r["open_requests"]), count(r["hours"]), count(r["unweighted"])]
                               for r in board["load"]]))
    else:
        out.append("  nobody holds an open request")

    breaches = board["sla_breaches"]
    out += ["", f"SLA breaches ({count(len(breaches))})" if breaches else "SLA breaches: none"]
    if breaches:
        out.append(table(number("iid"), flexible("title"), label("state"), label("kind"), label("due"),
                         number("overdue"),
                         rows=[[str(b["iid"]), cell(b.get("title") or titles.get(b["iid"], "")),
                                csops.title(b["state"]), b["kind"], b["due"][:10], days(b["overdue_hours"])]
                               for b in breaches]))

    out += ["", "Time"]
    times = []
    for name, what, t in (("lead time", "created to closed", board["lead_time"]),
                          ("cycle time", "first In Process to Completed", board["cycle_time"])):
        if t["count"]:
            times.append([name, f"median {days(t['median_hours'])}, p90 {days(t['p90_hours'])} "
                                f"({what}; {count(t['count'])} requests)"])
        else:
            times.append([name, f"{NONE} ({what}; no request yet)"])
    out.append(table(label(""), label(""), rows=times, header=False))

    weeks = board["throughput"]
    if weeks:
        shown = weeks[-12:]
        more = f"; the last {len(shown)} of {len(weeks)} weeks" if len(shown) < len(weeks) else ""
        out += ["", f"Throughput per week (completed, and closed either way{more})"]
        out.append(table(label("week of"), number("completed"), number("closed"),
                         rows=[[w["week"], count(w["completed"]), count(w["closed"])] for w in shown]))

    if board["interrupts"]:
        out += ["", "Interrupts per milestone"]
        out.append(table(flexible("milestone"), number("interrupts"),
                         rows=[[cell(m["milestone"]), count(m["interrupts"])] for m in board["interrupts"]]))
    if board["unroutable"]:
        out += ["", Prose.of("Unroutable (no workstream until a triage names one): "
                             + ", ".join(str(i) for i in board["unroutable"]), "", "  ")]

    anomalies = board["anomalies"]
    out += ["", f"Anomalies ({count(len(anomalies))})" if anomalies else "Anomalies: none"]
    if anomalies:
        out.append(table(number("iid"), label("kind", limit=30), wrapping("what"),
                         rows=[[str(a["iid"]), a["kind"], Prose.of(a["message"])] for a in anomalies]))
    return out
