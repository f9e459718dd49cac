"""The csops command line, for a CS Ops lead who does not write Python.

    python -m csops audit FOLDER [--as-of TIME] [--json]
    python -m csops audit --gitlab URL --project PATH [--directory FILE]
    python -m csops sync URL PROJECT FOLDER [--group] [--full]
    python -m csops score BOOK [--scorecard FILE] [--segment-column COL] [--as-of DATE] [-o OUT]
    python -m csops backtest HISTORY OUTCOMES [--scorecard A] [--against B] [--suggest-weights SPLIT]
    python -m csops diagram [--format mermaid|dot] [--config FILE]
    python -m csops paths FROM TO [--all] [--json]
    python -m csops choices REQUEST --directory DIR --actor NAME [--at TIME] [--config FILE] [--json]

Every rule is the library's: a command reads files (`reading`), calls `csops` and prints what
comes back for a person to read (`output`) — states and workstreams by their display titles
(`csops.title`), durations in days, tables that fit 100 columns. The data (`--json`, `-o`) keeps
the library's names and hours. A file or value csops cannot use prints `csops: <message>` on
stderr and exits with status 2, as argparse does for a mistyped command line.

One module per command (`audit`, `sync`, `score`, `backtest`, `diagram`, `paths`, `choices`), each with its
`register(subparsers)` and its `run(args)`; this one assembles the parser and runs a command.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from typing import Callable, NoReturn, Sequence

import csops
from csops.cli import audit, backtest, choices, diagram, paths, score, sync
from csops.cli.output import PROG
from csops.cli.reading import InputProblem

USAGE_ERROR = 2
COMMANDS = (audit, sync, score, backtest, diagram, paths, choices)

DESCRIPTION = f"""\
csops, the CS Ops engine, from the command line.

  {PROG} audit FOLDER      audit a GitLab export: who broke the process, and the board
  {PROG} sync URL PROJECT FOLDER
                           fetch a live GitLab project's issues and label events into FOLDER
  {PROG} score BOOK        health-score a book of accounts (.csv or .parquet)
  {PROG} diagram           the workflow as a Mermaid or Graphviz (DOT) diagram
  {PROG} paths FROM TO     the ways from one state to another, each move with its command
  {PROG} choices REQUEST   what a person may do with a request now, and what is in the way

`{PROG} COMMAND --help` says what each command reads. A file or value csops cannot use
prints `csops: <message>` on stderr and exits with status 2."""


class CommandParser(argparse.ArgumentParser):
    """A command's parser, whose usage errors name the option a mistyped one may have meant:
    `audit FOLDER --asof 2026-03-16` is answered with the audit's usage and "did you mean
    --as-of?", whichever error argparse found first (an unknown option, a missing one)."""

    typed: Sequence[str] = ()  # the command line as given, set by `parse`

    def error(self, message: str) -> NoReturn:
        known = list(self._option_string_actions)
        meant: list[str] = []
        for token in self.typed:
            if token == "--":  # what follows is positional
                break
            option = token.split("=", 1)[0]
            if option.startswith("-") and option not in known:
                meant += difflib.get_close_matches(option, known, n=1)
        hint = f"; did you mean {' or '.join(dict.fromkeys(meant))}?" if meant else ""
        super().error(message + hint)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, CommandParser]]:
    """The parser, and each command's own parser by its name."""
    ap = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, allow_abbrev=False,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--version", action="version", version=f"csops {csops.__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=CommandParser)
    for command in COMMANDS:
        command.register(sub)
    return ap, {name: p for name, p in sub.choices.items() if isinstance(p, CommandParser)}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line read, or argparse's usage error (exit status 2). An option a command
    does not have is answered with that command's usage, not the top-level one (argparse's
    own), and with the option it may have meant."""
    typed = list(sys.argv[1:] if argv is None else argv)
    ap, commands = build_parser()
    for command in commands.values():
        command.typed = typed
    args, extra = ap.parse_known_args(typed)
    if extra:
        commands[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Runs one command; returns its exit status (0, or 2 for a file or value csops cannot use)."""
    args = parse(argv)
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
