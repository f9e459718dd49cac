"""The csops command line, for a CS Ops lead who does not write Python.

    python -m csops audit FOLDER [--as-of TIME] [--json]
    python -m csops score BOOK [--scorecard FILE] [--segment-column COL] [--as-of DATE] [-o OUT]
    python -m csops diagram [--format mermaid|dot] [--config FILE]
    python -m csops paths FROM TO [--all] [--json]
    python -m csops choices REQUEST --directory DIR --actor NAME [--at TIME] [--config FILE] [--json]

Every rule is the library's: a command reads files (`reading`), calls `csops` and prints what
comes back for a person to read (`output`) — states and workstreams by their display titles
(`csops.title`), durations in days, tables that fit 100 columns. The data (`--json`, `-o`) keeps
the library's names and hours. A file or value csops cannot use prints `csops: <message>` on
stderr and exits with status 2, as argparse does for a mistyped command line.

One module per command (`audit`, `score`, `diagram`, `paths`, `choices`), each with its
`register(subparsers)` and its `run(args)`; this one assembles the parser and runs a command.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Callable, Sequence

import csops
from csops.cli import audit, choices, diagram, paths, score
from csops.cli.output import PROG
from csops.cli.reading import InputProblem

USAGE_ERROR = 2
COMMANDS = (audit, score, diagram, paths, choices)

DESCRIPTION = f"""\
csops, the CS Ops engine, from the command line.

  {PROG} audit FOLDER      audit a GitLab export: who broke the process, and the board
  {PROG} score BOOK        health-score a book of accounts (.csv or .parquet)
  {PROG} diagram           the workflow as a Mermaid or Graphviz (DOT) diagram
  {PROG} paths FROM TO     the ways from one state to another, each move with its command
  {PROG} choices REQUEST   what a person may do with a request now, and what is in the way

`{PROG} COMMAND --help` says what each command reads. A file or value csops cannot use
prints `csops: <message>` on stderr and exits with status 2."""


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, allow_abbrev=False,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version=f"csops {csops.__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return ap


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns its exit status (0, or 2 for a file or value csops cannot use)."""
    args = build_parser().parse_args(argv)  # a mistyped command line exits 2 with argparse's message
    command: Callable[[argparse.Namespace], int] = args.run
    try:
        return command(args)
    except (InputProblem, csops.CsopsError) as e:
        return _fail(str(e))
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining when it
        # flushes stdout on the way out.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as e:
        return _fail(f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e))
    except KeyboardInterrupt:
        return 130


def _fail(message: str) -> int:
    print(f"csops: {message}", file=sys.stderr)
    return USAGE_ERROR
