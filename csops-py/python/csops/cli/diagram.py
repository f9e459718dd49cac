"""`python -m csops diagram`: the request workflow's transition table as a Mermaid or Graphviz
(DOT) diagram, drawn by the library (`Workflow.to_mermaid`, `Workflow.to_dot`)."""

from __future__ import annotations

import argparse
from typing import Any

from csops.cli.output import PROG
from csops.cli.reading import read_config, workflow

EPILOG = f"""\
--config FILE is a csops configuration in JSON or TOML with any of the sections labels,
routing, review and sla; without it, the built-in default. The sections and their defaults,
as a dict, are printed by
  python -c "import csops; print(csops.Workflow({{}}).config)"
and a file holding some of them changes only those.
Paste Mermaid into a Markdown ```mermaid block; render DOT with `dot -Tsvg`.

example: {PROG} diagram --format dot | dot -Tsvg > workflow.svg"""


def register(subparsers: Any) -> argparse.ArgumentParser:
    diagram: argparse.ArgumentParser = subparsers.add_parser(
        "diagram", help="print the workflow diagram (Mermaid or DOT)",
        description="Print the request workflow's transition table as a diagram.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    diagram.add_argument("--format", choices=("mermaid", "dot"), default="mermaid",
                         help="mermaid (default) or dot (Graphviz)")
    diagram.add_argument("--config", metavar="FILE", help="a csops configuration, JSON or TOML (below)")
    diagram.set_defaults(run=run)
    return diagram


def run(args: argparse.Namespace) -> int:
    wf = workflow({}, read_config(args.config), "the directory", args.config)
    print(wf.to_mermaid() if args.format == "mermaid" else wf.to_dot(), end="")
    return 0
