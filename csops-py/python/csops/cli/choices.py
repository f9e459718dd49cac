"""`python -m csops choices REQUEST --directory DIR --actor NAME`: what a person may do with a
request now — every command the transition table offers from its state, open or with what
stands in the way, by the library's own check (`Workflow.choices`)."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rich.console import Group, RenderableType

import csops
from csops.cli.output import NONE, PROG, Prose, console, count, emit, label, line, table, wrapping
from csops.cli.reading import InputProblem, instant, read_config, read_object, workflow

EPILOG = f"""\
REQUEST is a JSON file of one request, as csops.Request.from_dict takes it:
  {{"id": 101, "author": "rita", "labels": ["CSOps", "Gainsight", "CSOps::In_Process"],
   "assignee": "omar", "weight": 3, "created_at": "2026-01-05T09:00:00Z"}}
  (python -c "import csops; help(csops.Request.from_dict)" lists every field)
DIR is a JSON file of who is who, as an export's directory.json:
  {{"lena": ["workstream_lead:Gainsight"], "omar": ["cs_ops"]}}
--config FILE is a csops configuration in JSON or TOML (see {PROG} diagram --help).

Prints the commands NAME may give now first, each with what it must carry (a weight, a
reviewer, the closing checklist's items), then the others, each with every rule that stands
in the way. --json prints the library's list as it is.

example: {PROG} choices request.json \\
           --directory examples/gitlab-export/directory.json --actor omar --at 2026-01-06"""


def register(subparsers: Any) -> argparse.ArgumentParser:
    choices: argparse.ArgumentParser = subparsers.add_parser(
        "choices", help="what a person may do with a request now",
        description="What a person may do with a request now: each command the transition table\n"
                    "offers from its state, open or with what stands in the way.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    choices.add_argument("request", metavar="REQUEST", help="the request: a JSON file (below)")
    choices.add_argument("--directory", metavar="DIR", required=True,
                         help="who is who: a JSON file of people and their roles (below)")
    choices.add_argument("--actor", metavar="NAME", required=True, help="the person acting, by their name in DIR")
    choices.add_argument("--at", type=instant, metavar="TIME",
                         help="when: 2026-03-16T09:00:00Z, or a date (its start); without an offset, UTC. "
                              "Default: now, in UTC")
    choices.add_argument("--config", metavar="FILE", help="a csops configuration, JSON or TOML")
    choices.add_argument("--json", action="store_true", help="print the choices as JSON instead (names)")
    choices.set_defaults(run=run)
    return choices


def run(args: argparse.Namespace) -> int:
    at: datetime = args.at or datetime.now(timezone.utc).replace(microsecond=0)
    directory_path, request_path = Path(args.directory), Path(args.request)
    directory = read_object(directory_path, "people and their roles")
    wf = workflow(directory, read_config(args.config), directory_path, args.config)
    data = read_object(request_path, "a request's fields")
    try:
        request = wf.load_request(data)
    except csops.CsopsError as e:
        raise InputProblem(f"{request_path}: {e}") from None
    offered = wf.choices(request, actor=args.actor, at=at)
    if args.json:
        print(json.dumps(offered, indent=1))
        return 0
    emit(console(), report(request, args.actor, at, offered))
    return 0


def report(request: csops.Request, actor: str, at: datetime, offered: list[dict[str, Any]]) -> list[RenderableType]:
    """Open commands first, with what each must carry; then the closed ones, with every unmet
    rule in the library's words."""
    named = f"Request {request.id}" + (f' "{request.title}"' if request.title else "")
    out: list[RenderableType] = [
        line(f"{named}, in {csops.title(request.state)}: what {actor} may do at {at:%Y-%m-%d %H:%M UTC}")]
    if not offered:
        return out + ["", f"No command leads out of {csops.title(request.state)}."]
    open_ = [c for c in offered if c["open"]]
    closed = [c for c in offered if not c["open"]]

    out += ["", f"Open ({count(len(open_))}): the command, where it leads, what it must carry" if open_
            else "Open: none"]
    if open_:
        out.append(table(label("command"), label("leads to"), wrapping("must carry"),
                         rows=[[c["command"], csops.title(c["to"]), carries(c["inputs"])] for c in open_]))
    out += ["", f"Closed ({count(len(closed))}): what stands in the way" if closed else "Closed: none"]
    if closed:
        out.append(table(label("command"), label("leads to"), wrapping("why not"),
                         rows=[[c["command"], csops.title(c["to"]), Group(*[Prose.of(u["rule"], "", "  ") for u in c["unmet"]])]
                               for c in closed]))
    return out


def carries(inputs: list[dict[str, Any]]) -> Prose:
    """What a command must carry: the name of each missing input, or its rule when it names none."""
    if not inputs:
        return Prose([NONE])
    return Prose.of(", ".join(str(i.get("missing") or i["rule"]) for i in inputs))
