"""`python -m csops sync URL PROJECT FOLDER`: a live GitLab project's issues and label events
fetched into the export folder `audit` reads (`csops.gitlab.sync`: paged, polite, incremental).

The first sync fetches everything; each one after fetches only the issues updated since the
last. The token comes from the environment (`CSOPS_GITLAB_TOKEN`, `GITLAB_TOKEN`, or
`GITLAB_OAUTH_TOKEN` for a bearer token) or `--token-file`, never from the command line, where
the shell's history and every process list would keep it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from csops import gitlab
from csops.cli.output import PROG, Progress, console, count, emit, label, line, number, table
from csops.cli.reading import InputProblem, existing

EPILOG = f"""\
The token is read from the environment: CSOPS_GITLAB_TOKEN (or GITLAB_TOKEN) holds a personal,
project or group access token with the read_api scope; GITLAB_OAUTH_TOKEN an OAuth bearer token.
--token-file FILE reads it from a file instead. It is never printed.

FOLDER gets issues.json and label_events/<iid>.json, as GitLab returns them, and sync.json (which
GitLab and project, and the mark the next sync starts from). Add who is who as directory.json
(see {PROG} audit --help), or pass --directory to the audit.

example: {PROG} sync https://gitlab.example.com cs-ops/requests requests/
         {PROG} audit requests/ --directory people.json"""


def register(subparsers: Any) -> argparse.ArgumentParser:
    sync = subparsers.add_parser(
        "sync", help="fetch a GitLab project's issues and label events into an export folder",
        description="Fetch a GitLab project's (or group's) issues and their label events into\n"
                    "FOLDER; again, only what changed since the last sync.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False)
    sync.add_argument("url", metavar="URL", help="GitLab's address: https://gitlab.example.com")
    sync.add_argument("project", metavar="PROJECT", help="the project's full path (my-group/cs-ops) or id")
    sync.add_argument("folder", metavar="FOLDER", help="the export folder to write (made if missing)")
    add_options(sync)
    sync.add_argument("--json", action="store_true", help="print the sync's report as JSON")
    sync.set_defaults(run=run)
    parser: argparse.ArgumentParser = sync
    return parser


def add_options(p: argparse.ArgumentParser, progress: bool = True) -> None:
    """The options a sync takes, on `sync` and on `audit --gitlab` (which has its own
    `--progress`)."""
    p.add_argument("--group", action="store_true", help="PROJECT names a group: sync each of its projects")
    p.add_argument("--token-file", metavar="FILE", help="read the token from FILE (its first line)")
    p.add_argument("--bearer", action="store_true", help="the token is an OAuth bearer token")
    p.add_argument("--full", action="store_true", help="fetch every issue again, not only what changed")
    p.add_argument("--concurrency", type=int, default=8, metavar="N",
                   help="label-event calls at once (1 to 64; default 8)")
    p.add_argument("--calls-per-minute", type=int, metavar="N",
                   help="stay under this many calls a minute from the start (default: as GitLab says "
                        "in its first 429)")
    if progress:
        p.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="a progress bar on stderr (default: when stderr is a terminal)")


def token(args: argparse.Namespace) -> str | None:
    """`--token-file`'s first line, or None (the library reads the environment)."""
    if args.token_file is None:
        return None
    path = existing(Path(args.token_file))
    first = path.read_text(encoding="utf-8").strip().splitlines()
    if not first or not first[0].strip():
        raise InputProblem(f"{path}: empty; it holds the token on its first line")
    return first[0].strip()


def synced(args: argparse.Namespace, url: str, project: str, folder: Path) -> dict[str, Any]:
    """Runs the sync with a progress bar; the library's report."""
    progress = Progress(args.progress)

    def advance(p: dict[str, Any]) -> None:
        if not p["listing_done"]:
            progress.track("listing issues", p["listed"], p["total"], f"{count(p['calls'])} calls")
        else:
            progress.track("fetching label events", p["fetched"], p["listed"],
                           f"{count(p['label_events'])} events, {count(p['calls'])} calls")

    try:
        report: dict[str, Any] = gitlab.sync(
            url, project, folder, group=args.group, token=token(args), bearer=args.bearer,
            full=args.full, concurrency=args.concurrency, calls_per_minute=args.calls_per_minute,
            progress=advance)
        return report
    finally:
        progress.finish()


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    report = synced(args, args.url, args.project, folder)
    if args.json:
        print(json.dumps(report))
        return 0
    kind = "group" if args.group else "project"
    rows = [
        ("issues fetched", count(report["issues_fetched"]),
         "every issue (a first or --full sync)" if report["full"] else f"updated since {report['since']}"),
        ("issues in the folder", count(report["issues_in_folder"]),
         f"in {count(report['projects'])} projects" if args.group else ""),
        ("label events fetched", count(report["label_events"]), ""),
        ("calls to GitLab", count(report["calls"]),
         f"{count(report['retries'])} retried, {count(report['rate_limited'])} rate-limited"),
        ("next sync starts at", report["mark"] or "the beginning", "(the mark, less an overlap for clocks)"),
    ]
    if report["issues_gone"]:
        rows.insert(1, ("issues GitLab no longer has", count(report["issues_gone"]), "removed from the folder"))
    emit(console(), [
        line(f"Synced {kind} {args.project} from {args.url} into {folder}"),
        "",
        table(label(""), number(""), label(""), rows=rows, header=False),
    ])
    return 0


def cache_folder(url: str, project: str) -> Path:
    """Where `audit --gitlab` keeps its sync: the user's cache, one folder per GitLab and
    project (`~/.cache/csops/gitlab/<host>/<project>`)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    host = quote(urlsplit(url.strip()).netloc or "gitlab", safe="")
    name = quote(project.strip().strip("/"), safe="")
    return base / "csops" / "gitlab" / host.lstrip(".") / ("_" + name if name.startswith(".") else name)

