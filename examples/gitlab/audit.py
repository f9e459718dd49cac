"""Audit a folder of GitLab exports and print the board report: `python -m csops audit` with the
sample export and its date as defaults (the command line is the one report; see its --help).

The folder holds what GitLab's API returns: `issues.json` (GET /projects/:id/issues),
`label_events/<iid>.json` (GET /projects/:id/issues/:iid/resource_label_events) or one
`label_events.json`, and `directory.json` (who leads which workstream, who is on the team —
csops's own format).

    python examples/gitlab/audit.py [folder] [--as-of 2026-03-16T09:00:00Z] [--json]
"""

from __future__ import annotations

import argparse
import pathlib
import sys

from csops import cli

SAMPLE = pathlib.Path(__file__).resolve().parent.parent / "gitlab-export"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", nargs="?", default=str(SAMPLE))
    ap.add_argument("--as-of", default="2026-03-16T09:00:00Z", help="the sample export's date by default")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    return cli.main(["audit", args.folder, "--as-of", args.as_of] + (["--json"] if args.json else []))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
