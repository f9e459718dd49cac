"""`python -m csops paths FROM TO`: the ways from one workflow state to another, as the
transition table has them (`csops.shortest_path`, `csops.simple_paths`)."""

from __future__ import annotations

import argparse
import json
import textwrap
from typing import Any

import csops
from csops.cli.output import PROG, Prose, console, emit

EPILOG = textwrap.fill("FROM and TO are states by their names: " + ", ".join(csops.STATES) + ".", 94) + f"""
Prints the shortest way, one state after the other with the command that makes each move
(paths ReadyForAssignment Completed):
  Ready for Assignment → In Process (start) → Completed (complete)
The ways are the table's moves; each move's guard (an assignee, a weight, a review) is for the
request to meet. With --all, every way that passes no state twice, shortest first; "no way
from FROM to TO" when there is none. --json prints the moves as data (command, from, to): the
shortest way's list, or null; with --all, a list of such lists.

example: {PROG} paths Triage Completed --all"""


def register(subparsers: Any) -> argparse.ArgumentParser:
    paths: argparse.ArgumentParser = subparsers.add_parser(
        "paths", help="the ways from one state to another",
        description="The ways a request can go from one workflow state to another: the moves\n"
                    "of the transition table, each with its command.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    paths.add_argument("start", metavar="FROM", help="the state a request is in (a name: InProcess)")
    paths.add_argument("end", metavar="TO", help="the state it should reach")
    paths.add_argument("--all", action="store_true", help="every way that passes no state twice, not only the shortest")
    paths.add_argument("--json", action="store_true", help="print the moves as JSON instead (names)")
    paths.set_defaults(run=run)
    return paths


def run(args: argparse.Namespace) -> int:
    # An unknown state is the library's InputError, which names the states: `csops: <message>`.
    found: list[list[dict[str, str]]]
    if args.all:
        found = csops.simple_paths(args.start, args.end)
        data: Any = found
    else:
        shortest = csops.shortest_path(args.start, args.end)
        found, data = ([] if shortest is None else [shortest]), shortest
    if args.json:
        print(json.dumps(data, indent=1))
        return 0
    if not found:
        print(f"no way from {csops.title(args.start)} to {csops.title(args.end)}")
        return 0
    emit(console(), [Prose(way(args.start, moves), "", "    ") for moves in found])
    return 0


def way(start: str, moves: list[dict[str, str]]) -> list[str]:
    """A path as a person reads it, in units that `Prose` keeps whole: the first state, then
    "→ State (command)" for each move."""
    if not moves:
        return [csops.title(start), "(already there)"]
    return [csops.title(start)] + [f"→ {csops.title(m['to'])} ({m['command']})" for m in moves]
