"""The csops command line, for a CS Ops lead who does not write Python.

    python -m csops audit FOLDER [--as-of TIME] [--json]
    python -m csops score BOOK [--scorecard FILE] [--segment-column COL] [--as-of DATE] [-o OUT]
    python -m csops diagram [--format mermaid|dot] [--config FILE]

Every rule is the library's: this module reads files, calls `csops` and prints what comes back
for a person to read — states and workstreams by their display titles (`csops.title`),
durations in days, tables that fit 100 columns. The data (`--json`, `-o`) keeps the library's
names and hours. A file or value csops cannot use prints `csops: <message>` on stderr and exits
with status 2, as argparse does for a mistyped command line.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import re
import sys
import textwrap
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

import csops
from csops import gitlab

WIDTH = 100
NONE = "—"
USAGE_ERROR = 2
EVENTS_DIR = "label_events"
EVENTS_FILE = "label_events.json"
PROG = "python -m csops"


class InputProblem(Exception):
    """A file or value the command cannot use: printed as `csops: <message>`, exit status 2."""


# --- text for a terminal -------------------------------------------------------------------


def _cell_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cf", "Me", "Mn"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def text_width(s: str) -> int:
    """Columns `s` takes on a terminal (wide CJK characters and emoji take two)."""
    return sum(_cell_width(c) for c in s)


def one_line(s: str) -> str:
    """`s` with line breaks, tabs and control characters as single spaces."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in s).split())


def cut(s: str, width: int) -> str:
    """`s` on one line, cut with "…" to at most `width` columns."""
    s = one_line(s)
    if text_width(s) <= width:
        return s
    kept, used = [], 0
    for c in s:
        w = _cell_width(c)
        if used + w > width - 1:
            break
        kept.append(c)
        used += w
    return "".join(kept).rstrip() + "…"


def days(hours: float | None) -> str:
    """A duration the data keeps in hours, as a person reads it: `"5.7 days"` (`csops.days`),
    a dash when there is none."""
    if hours is None or math.isnan(hours):
        return NONE
    return csops.days(hours)


def count(n: int) -> str:
    return f"{n:,}"


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else NONE


def wrap(text: str, indent: str = "  ", hang: str = "    ") -> list[str]:
    return textwrap.wrap(one_line(text), WIDTH, initial_indent=indent, subsequent_indent=hang) or [indent]


@dataclass(frozen=True)
class Column:
    header: str
    right: bool = False  # numbers, aligned on the right
    flexible: bool = False  # the column that gives way when the table is wider than WIDTH
    limit: int | None = None  # never wider than this
    wraps: bool = False  # the last column: its text continues on the next lines, not cut


def table(columns: Sequence[Column], rows: Sequence[Sequence[str]], indent: int = 2) -> list[str]:
    """A plain table, at most WIDTH columns wide: cells cut with "…", numbers on the right."""
    widths = []
    for i, col in enumerate(columns):
        w = max([text_width(col.header)] + [text_width(one_line(r[i])) for r in rows])
        widths.append(min(w, col.limit) if col.limit else w)
    over = indent + sum(widths) + 2 * (len(widths) - 1) - WIDTH
    for i, col in enumerate(columns):
        if col.flexible and over > 0:
            shrunk = max(text_width(col.header), 8, widths[i] - over)
            over -= widths[i] - shrunk
            widths[i] = shrunk
    lines = []
    for cells in [[c.header for c in columns], *rows]:
        parts = []
        for col, w, cell in zip(columns, widths, cells):
            s = cut(cell, w)
            gap = " " * (w - text_width(s))
            parts.append(gap + s if col.right else s + gap)
        if columns[-1].wraps:
            more = [cut(x, widths[-1]) for x in textwrap.wrap(one_line(cells[-1]), widths[-1])]
            if more:
                parts[-1] = more[0]
            margin = " " * (indent + sum(widths[:-1]) + 2 * (len(widths) - 1))
            lines.append((" " * indent + "  ".join(parts)).rstrip())
            lines += [margin + x for x in more[1:]]
            continue
        lines.append((" " * indent + "  ".join(parts)).rstrip())
    return lines


# --- progress --------------------------------------------------------------------------------


class Progress:
    """A one-line bar on stderr while an export is read and audited.

    Shown when stderr is a terminal and the work has taken more than half a second (a small
    export finishes without one), or at once with `--progress`; never with `--no-progress`.
    Erased when the work is done.
    """

    BAR = 30

    def __init__(self, stream: TextIO, wanted: bool | None) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.enabled = self.tty if wanted is None else wanted
        self.delay = 0.5 if wanted is None else 0.0
        self.started = time.monotonic()
        self.last_draw = 0.0
        self.drawn = 0  # width of the line on screen
        self.label = ""
        self.done = 0
        self.total = 0

    def begin(self, label: str, total_bytes: int) -> None:
        self.label, self.done, self.total = label, 0, max(total_bytes, 1)
        self._draw(force=False)

    def advance(self, n: int) -> None:
        self.done += n
        self._draw(force=self.done >= self.total)

    def step(self, label: str) -> None:
        """A step whose end is not known in advance (the audit itself: one call)."""
        self.label, self.total = label, 0
        self._draw(force=True)

    def finish(self) -> None:
        if not self.drawn:
            return
        self.stream.write("\r" + " " * self.drawn + "\r" if self.tty else "\n")
        self.stream.flush()
        self.drawn = 0

    def _draw(self, force: bool) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < self.delay:
            return
        if not force and self.drawn and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        if self.total:
            share = min(self.done / self.total, 1.0)
            filled = int(share * self.BAR)
            line = (f"{self.label} [{'#' * filled}{'.' * (self.BAR - filled)}] {share:4.0%} "
                    f"{self.done / 2**20:.1f}/{self.total / 2**20:.1f} MiB")
        else:
            line = f"{self.label}…"
        self.stream.write("\r" + line + " " * max(0, self.drawn - len(line)))
        self.stream.flush()
        self.drawn = len(line)


# --- reading what the user hands in ----------------------------------------------------------


def _kind(value: object) -> str:
    """What a JSON value is, in JSON's words."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def read_json(path: Path, progress: Progress | None = None) -> Any:
    """A JSON file, read in chunks so that a long read can show its progress."""
    chunks = []
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            chunks.append(chunk)
            if progress:
                progress.advance(len(chunk))
    try:
        return json.loads(b"".join(chunks))
    except (ValueError, RecursionError) as e:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise InputProblem(f"{path}: not JSON: {cut(str(e) or type(e).__name__, 200)}") from None


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputProblem(f"{path}: not UTF-8 text: {e}") from None


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ZONELESS = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


def instant(text: str) -> datetime:
    """`--as-of` of the audit: an RFC 3339 time (`2026-03-16T09:00:00Z`), or a date (its start);
    a time without an offset is UTC."""
    s = text.strip()
    if not (_RFC3339.fullmatch(s) or _ZONELESS.fullmatch(s) or _DATE.fullmatch(s)):
        s = ""  # another ISO form Python would take (20260316, 2026-W12) is not one of these
    if s[-1:] in ("Z", "z"):
        s = s[:-1] + "+00:00"
    try:
        t = datetime.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{cut(text, 64)!r} is not a time: give one like 2026-03-16T09:00:00Z, or a date (2026-03-16)"
        ) from None
    return (t if t.tzinfo else t.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def day(text: str) -> date:
    """`--as-of` of the scores: a date."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{cut(text, 64)!r} is not a date: give one like 2026-03-16") from None


def needs(module: str, why: str) -> Any:
    """An optional dependency (pandas, pyarrow), or a message saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputProblem(f"{why} needs {module}: pip install {module}") from None


# --- audit -----------------------------------------------------------------------------------


@dataclass
class Export:
    """A folder of GitLab's JSON, as read from disk (the library reads the JSON itself)."""

    folder: Path
    issues: list[Any]
    events: dict[str, Any]
    directory: dict[str, Any]

    @property
    def label_events(self) -> int:
        return sum(len(v) for v in self.events.values() if isinstance(v, list))

    def titles(self) -> dict[int, str]:
        return {i["iid"]: str(i.get("title") or "") for i in self.issues
                if isinstance(i, dict) and isinstance(i.get("iid"), int)}


def read_export(folder: Path, progress: Progress) -> Export:
    if not folder.exists():
        raise InputProblem(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InputProblem(f"{folder}: not a folder (an export is a folder; see {PROG} audit --help)")
    issues_path, directory_path = folder / "issues.json", folder / "directory.json"
    for p in (issues_path, directory_path):
        if not p.is_file():
            raise InputProblem(f"{p}: no such file (an export holds issues.json, label events and "
                               f"directory.json; see {PROG} audit --help)")
    events_dir, events_file = folder / EVENTS_DIR, folder / EVENTS_FILE
    if events_dir.is_dir() and events_file.is_file():
        raise InputProblem(f"{folder}: holds both {EVENTS_DIR}/ and {EVENTS_FILE}; keep one of them")
    if events_dir.is_dir():
        event_files = sorted(events_dir.glob("*.json"))
    elif events_file.is_file():
        event_files = [events_file]
    else:
        raise InputProblem(f"{folder}: no label events: expected {EVENTS_DIR}/<iid>.json files "
                           f"or one {EVENTS_FILE}")
    files = [issues_path, directory_path, *event_files]
    progress.begin(f"reading {folder.name or folder}", sum(p.stat().st_size for p in files))

    issues = read_json(issues_path, progress)
    if not isinstance(issues, list):
        raise InputProblem(f"{issues_path}: expected a list of issues (GitLab's GET "
                           f"/projects/:id/issues), found {_kind(issues)}")
    directory = read_json(directory_path, progress)
    if not isinstance(directory, dict):
        raise InputProblem(f"{directory_path}: expected an object of people and their roles, "
                           f"found {_kind(directory)}")
    events: dict[str, Any] = {}
    if events_dir.is_dir():
        for p in event_files:
            one = read_json(p, progress)
            if not isinstance(one, list):
                raise InputProblem(f"{p}: expected a list of label events (GitLab's GET "
                                   f"/projects/:id/issues/:iid/resource_label_events), found {_kind(one)}")
            events[p.stem] = one
    else:
        everything = read_json(events_file, progress)
        if not isinstance(everything, dict):
            raise InputProblem(f"{events_file}: expected an object of label events by issue iid "
                               f'({{"<iid>": [...], ...}}), found {_kind(everything)}')
        events = everything
    return Export(folder, issues, events, directory)


def run_audit(export: Export, as_of: datetime, progress: Progress) -> gitlab.AuditRun:
    directory_path = export.folder / "directory.json"
    try:
        wf = csops.Workflow(directory=export.directory)
    except csops.CsopsError as e:
        raise InputProblem(f"{directory_path}: {e}") from None
    progress.step(f"auditing {count(len(export.issues))} issues")
    try:
        return gitlab.audit(export.issues, export.events, as_of=as_of, workflow=wf)
    except csops.CsopsError as e:
        raise InputProblem(f"{export.folder}: {e}") from None


def _when(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M UTC")


def _line(label: str, value: str, note: str = "") -> str:
    return f"  {label:<34}{value:>8}" + (f"   {note}" if note else "")


def audit_report(export: Export, as_of: datetime, data: dict[str, Any], why: bool = False) -> list[str]:
    """The audit for a person: the summary first, then the violations, then the board."""
    audit, board = data["audit"], data["board"]
    s = audit["summary"]
    requests, unmanaged = int(s["issues"]), int(s["unmanaged"])
    out = [cut(f"Audit of {export.folder} as of {_when(as_of)}", WIDTH), "", "Summary"]
    out.append(_line("issues in the export", count(len(export.issues))))
    out.append(_line("CS Ops requests", count(requests)))
    out.append(_line("not CS Ops (unmanaged)", count(unmanaged)))
    out.append(_line("label events audited", count(int(s["label_events"])),
                     f"of {count(export.label_events)} in the export"))
    out.append(_line("issues that broke the process", count(int(s["issues_with_violations"])),
                     f"of {count(requests)} requests"))
    by_rule: dict[str, int] = s["violations"]
    out.append(_line("violations", count(sum(by_rule.values())), "by rule:" if by_rule else ""))
    for rule, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(_line("  " + rule, count(n)))
    out.append(_line("SLA breaches", count(int(s["sla_breaches"]))))
    if audit["errors"]:
        out.append(_line("issues not read", count(len(audit["errors"]))))
        for e in audit["errors"][:10]:
            out += wrap(e, "    ", "      ")
        if len(audit["errors"]) > 10:
            out.append(f"    … and {count(len(audit['errors']) - 10)} more (--json lists them all)")

    titles = export.titles()
    rows = sorted((int(i["iid"]), v["at"], v["rule"], v.get("actor"), v.get("message") or "")
                  for i in audit["issues"] for v in i["violations"])
    hint = "" if why else "; why each one: --why"
    out += ["", f"Violations ({count(len(rows))}{hint})" if rows else "Violations: none"]
    if rows:
        out += table(
            [Column("iid", right=True), Column("title", flexible=True), Column("rule", limit=30),
             Column("actor", limit=16), Column("date")],
            [[str(iid), titles.get(iid, ""), rule, actor or NONE, at[:10]] for iid, at, rule, actor, _ in rows],
        )
    if rows and why:
        out += ["", "Why"]
        for iid, _, rule, _, message in rows:
            out += wrap(f"{iid} {rule}: {message}", "  ", "      ")
    board_lines = board_report(board, titles)
    undecided = sum(1 for a in board["anomalies"] if a["kind"] == "two_workflow_labels")
    if undecided:
        # The board counts requests with a state; an issue with two workflow labels has none.
        board_lines[0] += f" + {count(undecided)} with two workflow labels (Anomalies)"
    out += [""] + board_lines
    return out


def board_report(board: dict[str, Any], titles: dict[int, str]) -> list[str]:
    as_of = datetime.fromisoformat(board["as_of"].replace("Z", "+00:00"))
    out = [f"Board as of {_when(as_of)}: {count(board['requests'])} requests, {count(board['open'])} open"]

    out += ["", "By state (and workstream)"]
    cells: dict[str, list[tuple[int, str]]] = {}
    for c in board["by_state"]:
        ws = csops.title(c["workstream"]) if c["workstream"] else "no workstream"
        cells.setdefault(c["state"], []).append((int(c["count"]), ws))
    width = max([len(csops.title(st)) for st in cells] + [5])
    for st in [x for x in csops.STATES if x in cells] + [x for x in cells if x not in csops.STATES]:
        parts = sorted(cells[st], key=lambda p: (-p[0], p[1]))
        head = f"  {csops.title(st):<{width}}{sum(n for n, _ in parts):>5}   "
        # No break inside "Renewal Ops 2": its spaces are no-break spaces while the line is wrapped.
        entries = ", ".join(f"{ws} {n}".replace(" ", "\u00a0") for n, ws in parts)
        out += [line.replace("\u00a0", " ") for line in
                textwrap.wrap(entries, WIDTH, initial_indent=head, subsequent_indent=" " * len(head))]

    out += ["", "Load (open requests with an assignee; weights as estimated hours of work)"]
    if board["load"]:
        out += table([Column("assignee", limit=24), Column("open", right=True),
                      Column("est. hours", right=True), Column("unweighted", right=True)],
                     [[r["assignee"], count(r["open_requests"]), count(r["hours"]), count(r["unweighted"])]
                      for r in board["load"]])
    else:
        out.append("  nobody holds an open request")

    breaches = board["sla_breaches"]
    out += ["", f"SLA breaches ({count(len(breaches))})" if breaches else "SLA breaches: none"]
    if breaches:
        out += table([Column("iid", right=True), Column("title", flexible=True), Column("state"),
                      Column("kind"), Column("due"), Column("overdue", right=True)],
                     [[str(b["iid"]), b.get("title") or titles.get(b["iid"], ""), csops.title(b["state"]),
                       b["kind"], b["due"][:10], days(b["overdue_hours"])] for b in breaches])

    out += ["", "Time"]
    for name, what, t in (("lead time", "created to closed", board["lead_time"]),
                          ("cycle time", "first In Process to Completed", board["cycle_time"])):
        if t["count"]:
            out.append(f"  {name:<11} median {days(t['median_hours'])}, p90 {days(t['p90_hours'])} "
                       f"({what}; {count(t['count'])} requests)")
        else:
            out.append(f"  {name:<11} {NONE} ({what}; no request yet)")

    weeks = board["throughput"]
    if weeks:
        shown = weeks[-12:]
        more = f"; the last {len(shown)} of {len(weeks)} weeks" if len(shown) < len(weeks) else ""
        out += ["", f"Throughput per week (completed, and closed either way{more})"]
        out += table([Column("week of"), Column("completed", right=True), Column("closed", right=True)],
                     [[w["week"], count(w["completed"]), count(w["closed"])] for w in shown])

    if board["interrupts"]:
        out += ["", "Interrupts per milestone"]
        out += table([Column("milestone", flexible=True), Column("interrupts", right=True)],
                     [[m["milestone"], count(m["interrupts"])] for m in board["interrupts"]])
    if board["unroutable"]:
        out += [""] + wrap("Unroutable (no workstream until a triage names one): "
                           + ", ".join(str(i) for i in board["unroutable"]), "", "  ")

    anomalies = board["anomalies"]
    out += ["", f"Anomalies ({count(len(anomalies))})" if anomalies else "Anomalies: none"]
    if anomalies:
        out += table([Column("iid", right=True), Column("kind", limit=30), Column("what", flexible=True, wraps=True)],
                     [[str(a["iid"]), a["kind"], a["message"]] for a in anomalies])
    return out


def audit_command(args: argparse.Namespace) -> int:
    as_of: datetime = args.as_of or datetime.now(timezone.utc).replace(microsecond=0)
    progress = Progress(sys.stderr, args.progress)
    try:
        export = read_export(Path(args.folder), progress)
        run = run_audit(export, as_of, progress)
    finally:
        progress.finish()
    if args.json:
        print(run.to_json())
    else:
        print("\n".join(audit_report(export, as_of, run.to_dict(), why=args.why)))
    return 0


# --- score -----------------------------------------------------------------------------------

BOOK_KINDS = (".csv", ".parquet")


def read_book(path: Path) -> Any:
    kind = path.suffix.lower()
    if kind not in BOOK_KINDS:
        raise InputProblem(f"{path}: a book is a .csv or .parquet file")
    if not path.is_file():
        raise InputProblem(f"{path}: no such file")
    pd = needs("pandas", "reading a book")
    try:
        if kind == ".csv":
            return pd.read_csv(path)
        needs("pyarrow", "reading a .parquet book")
        return pd.read_parquet(path)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputProblem(f"{path}: cannot be read as {kind[1:]}: {cut(str(e), 200)}") from None


def read_scorecard(path: Path | None) -> tuple[csops.Scorecard, str]:
    if path is None:
        return csops.Scorecard.default(), "the default scorecard"
    kind = path.suffix.lower()
    if kind not in (".json", ".toml"):
        raise InputProblem(f"{path}: a scorecard is a .json or .toml file")
    if not path.is_file():
        raise InputProblem(f"{path}: no such file")
    text = read_text(path)
    try:
        card = csops.Scorecard.from_json(text) if kind == ".json" else csops.Scorecard.from_toml(text)
    except csops.CsopsError as e:
        raise InputProblem(f"{path}: {e}") from None
    return card, f"the scorecard {path}"


def _names(names: Sequence[object], most: int = 30) -> str:
    shown = ", ".join(str(n) for n in names[:most])
    return shown + (f", … ({len(names) - most} more)" if len(names) > most else "")


def _at_account(e: csops.CsopsError, book: Any, book_path: Path) -> str:
    """A batch error about a row (its `.row`, counted from 0) as the account a person finds in
    the book: its index label, or its first column when the index is only positions."""
    row: int | None = getattr(e, "row", None)
    if row is None or row >= len(book):
        return str(e)
    if type(book.index).__name__ == "RangeIndex" and len(book.columns):
        who = f"{book.columns[0]} {book.iloc[row, 0]!s}"
    else:
        who = f"account {book.index[row]!s}"
    line = f", line {row + 2} of {book_path.name}" if book_path.suffix.lower() == ".csv" else ""
    return f"{who} (row {row + 1}{line}): {e.key}: {e.rule}"  # type: ignore[attr-defined]


def score_command(args: argparse.Namespace) -> int:
    out_path: Path | None = Path(args.output) if args.output else None
    if out_path and out_path.suffix.lower() not in BOOK_KINDS:
        raise InputProblem(f"{out_path}: the scores are written as .csv or .parquet")
    card, card_name = read_scorecard(Path(args.scorecard) if args.scorecard else None)
    book_path = Path(args.book)
    book = read_book(book_path)
    columns = [str(c) for c in book.columns]
    segment = None
    if args.segment_column is not None:
        if args.segment_column not in columns:
            raise InputProblem(f"{book_path} has no column {cut(args.segment_column, 64)!r}; "
                               f"its columns: {_names(columns)}")
        segment = book[args.segment_column]
    measured = [m for m in card.measures if m in columns]
    if not measured:
        raise InputProblem(f"{book_path} has none of the measures of {card_name} as a column; "
                           f"its columns: {_names(columns)}; the measures: {_names(card.measures)}")

    try:
        scores = card.score_batch(book, as_of=args.as_of, segment=segment)
    except csops.CsopsError as e:
        raise InputProblem(_at_account(e, book, book_path)) from None
    n = len(scores)
    bands: dict[str, int] = {str(k): int(v) for k, v in scores["band"].value_counts().items()}
    order = [b for b in [*card.bands, "Unknown"] if b in bands or b in card.bands]
    order += sorted(b for b in bands if b not in order)

    print(cut(f"Scored {count(n)} accounts of {book_path} with {card_name}", WIDTH))
    absent = [m for m in card.measures if m not in measured]
    for line in wrap(f"{len(measured)} of its {len(card.measures)} measures are columns of the book"
                     + (f" (not: {', '.join(absent)})" if absent else ""), "  ", "    "):
        print(line)
    notes = [f"as of {args.as_of.isoformat()}" if args.as_of else "",
             f"segments from the column {args.segment_column!r}" if segment is not None else ""]
    if any(notes):
        print("  " + "; ".join(x for x in notes if x))
    print()
    for line in table([Column("band"), Column("accounts", right=True), Column("share", right=True)],
                      [[b, count(bands.get(b, 0)), percent(bands.get(b, 0), n)] for b in order]):
        print(line)
    print()

    result = book.drop(columns=[c for c in ("score", "band", "coverage") if c in columns])
    result = result.join(scores)
    if result.index.name is not None:  # a parquet book's named index (the account id) is a column
        result = result.reset_index()
    if out_path:
        if out_path.suffix.lower() == ".csv":
            result.to_csv(out_path, index=False)
        else:
            needs("pyarrow", "writing .parquet")
            result.to_parquet(out_path, index=False)
        print(f"Wrote {count(n)} rows to {out_path}: the book's columns, then score, band and coverage")
        return 0

    head = result.head(10)
    keep = [c for c in head.columns if str(c) not in card.measures and c not in ("score", "band", "coverage")][:3]
    print(f"The first {len(head)} of {count(n)} accounts (-o FILE.csv or .parquet writes them all):")
    rows = []
    for _, r in head.iterrows():
        rows.append([NONE if _missing(r[c]) else str(r[c]) for c in keep]
                    + [NONE if _missing(r["score"]) else f"{r['score']:.1f}", str(r["band"]),
                       f"{100 * float(r['coverage']):.1f} %"])
    for line in table([Column(str(c), flexible=True, limit=30) for c in keep]
                      + [Column("score", right=True), Column("band"), Column("coverage", right=True)], rows):
        print(line)
    return 0


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --- diagram ---------------------------------------------------------------------------------


def diagram_command(args: argparse.Namespace) -> int:
    config: str | None = None
    if args.config:
        path = Path(args.config)
        if not path.is_file():
            raise InputProblem(f"{path}: no such file")
        config = read_text(path)
    try:
        wf = csops.Workflow(directory={}, config=config)
    except csops.CsopsError as e:
        raise InputProblem(f"{args.config}: {e}") from None
    print(wf.to_mermaid() if args.format == "mermaid" else wf.to_dot(), end="")
    return 0


# --- the command line ------------------------------------------------------------------------

DESCRIPTION = f"""\
csops, the CS Ops engine, from the command line.

  {PROG} audit FOLDER      audit a GitLab export: who broke the process, and the board
  {PROG} score BOOK        health-score a book of accounts (.csv or .parquet)
  {PROG} diagram           the workflow as a Mermaid or Graphviz (DOT) diagram

`{PROG} COMMAND --help` says what each command reads. A file or value csops cannot use
prints `csops: <message>` on stderr and exits with status 2."""

AUDIT_EPILOG = f"""\
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

example: {PROG} audit examples/gitlab-export --as-of 2026-03-16T09:00:00Z"""

SCORE_EPILOG = """\
BOOK has one row per account and one column per measure, named by the scorecard's measure
ids; its other columns (an account id, a name, a segment) are kept and written out as they are.
An empty cell is a missing value. The default scorecard's measures:
  {measures}
--scorecard FILE is a scorecard in JSON or TOML; the default one, commented, is printed by
  python -c "import csops; print(csops.Scorecard.default_toml())"
--segment-column names the column holding each account's segment (an engagement model such as
tech_touch); a segment the scorecard has a profile for is scored with it.

Prints the accounts per band; with -o, writes the book with the columns score, band and
coverage added (.csv or .parquet), else prints the first rows.

example: {prog} score examples/accounts/book.csv --segment-column segment -o scores.csv"""

DIAGRAM_EPILOG = f"""\
--config FILE is a csops configuration in JSON or TOML (labels, routing, review policy, SLAs;
the format is documented in csops-core/src/config.rs); without it, the compiled-in default.
Paste Mermaid into a Markdown ```mermaid block; render DOT with `dot -Tsvg`.

example: {PROG} diagram --format dot | dot -Tsvg > workflow.svg"""


def build_parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    ap = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, formatter_class=raw, allow_abbrev=False)
    ap.add_argument("--version", action="version", version=f"csops {csops.__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")

    audit = sub.add_parser("audit", help="audit a GitLab export and print the board",
                           description="Audit a GitLab export: every step that broke the CS Ops process, "
                                       "and the board.",
                           epilog=AUDIT_EPILOG, formatter_class=raw, allow_abbrev=False)
    audit.add_argument("folder", metavar="FOLDER", help="the export's folder (below)")
    audit.add_argument("--as-of", type=instant, metavar="TIME",
                       help="the time the audit and the board are taken at: 2026-03-16T09:00:00Z, or "
                            "a date (its start); without an offset, UTC. Default: now, in UTC")
    audit.add_argument("--json", action="store_true", help="print the run as JSON instead (hours, names)")
    audit.add_argument("--why", action="store_true", help="after the violations, each one's reason in words")
    audit.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                       help="a progress bar on stderr (default: when stderr is a terminal and reading "
                            "takes more than half a second)")
    audit.set_defaults(run=audit_command)

    measures = textwrap.fill(", ".join(csops.Scorecard.default().measures), 94, subsequent_indent="  ")
    score = sub.add_parser("score", help="health-score a book of accounts (.csv or .parquet)",
                           description="Health-score every account of a book (SPEC §10).",
                           epilog=SCORE_EPILOG.format(measures=measures, prog=PROG), formatter_class=raw,
                           allow_abbrev=False)
    score.add_argument("book", metavar="BOOK", help="the accounts: a .csv or .parquet file (below)")
    score.add_argument("--scorecard", metavar="FILE", help="a scorecard, .json or .toml (default: the built-in one)")
    score.add_argument("--segment-column", metavar="COL", help="the book's column holding each account's segment")
    score.add_argument("--as-of", type=day, metavar="DATE",
                       help="the day the scores are for (default: none given to the scorecard)")
    score.add_argument("-o", "--output", metavar="OUT", help="write the scores to OUT.csv or OUT.parquet")
    score.set_defaults(run=score_command)

    diagram = sub.add_parser("diagram", help="print the workflow diagram (Mermaid or DOT)",
                             description="Print the request workflow's transition table as a diagram.",
                             epilog=DIAGRAM_EPILOG, formatter_class=raw, allow_abbrev=False)
    diagram.add_argument("--format", choices=("mermaid", "dot"), default="mermaid",
                         help="mermaid (default) or dot (Graphviz)")
    diagram.add_argument("--config", metavar="FILE", help="a csops configuration, JSON or TOML")
    diagram.set_defaults(run=diagram_command)
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
