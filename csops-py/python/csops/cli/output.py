"""What the commands print: the rich Console on stdout, its tables, the progress bar on stderr,
and the text helpers (a duration in days, a count, a line cut to fit).

Output is 100 columns wide when stdout is no terminal (a pipe, a file, a test), so that it is
the same wherever it goes; on a terminal, 100 or the terminal's width if narrower. Colour and
styles only on a terminal (rich's own rule, which also obeys NO_COLOR). Lines carry no trailing
spaces.
"""

from __future__ import annotations

import math
import shutil
import sys
import time
import unicodedata
from pathlib import Path
from typing import Iterable, Sequence, TextIO

import rich.progress
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.cells import cell_len
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Column, Table
from rich.text import Text

import csops

PROG = "python -m csops"
WIDTH = 100
INDENT = 2  # a section's lines and tables, under its heading
NONE = "—"


# --- the console -----------------------------------------------------------------------------


def console(stream: TextIO | None = None) -> Console:
    """A Console on `stream` (stdout as it is now: a caller may have redirected it)."""
    stream = sys.stdout if stream is None else stream
    tty = stream.isatty()
    width = min(WIDTH, shutil.get_terminal_size((WIDTH, 24)).columns) if tty else WIDTH
    # markup, emoji and highlighting off: an issue title such as "[WIP] :fire:" prints as it is.
    return Console(file=stream, width=width, markup=False, emoji=False, highlight=False)


def emit(out: Console, items: Iterable[RenderableType]) -> None:
    """Prints `items` one under the other, each line without its trailing spaces (a table pads
    its last column to its width)."""
    with out.capture() as captured:
        for item in items:
            out.print(item)
    out.file.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))
    out.file.flush()


def line(text: str, indent: int = 0) -> Text:
    """One line, cut with "…" where it would not fit (a long folder name in a heading)."""
    return Text(cut(" " * indent + one_line(text), WIDTH), no_wrap=True, overflow="ellipsis")


def indented(item: RenderableType, indent: int = INDENT) -> Padding:
    return Padding(item, (0, 0, 0, indent), expand=False)


# --- tables ----------------------------------------------------------------------------------


def number(header: str) -> Column:
    """A column of numbers, on the right."""
    return Column(header, justify="right", no_wrap=True)


def label(header: str, limit: int | None = None) -> Column:
    """A column of names, rules, dates: never wrapped; cut with "…" beyond `limit` columns."""
    return Column(header, no_wrap=True, overflow="ellipsis", max_width=limit)


def flexible(header: str, limit: int | None = None) -> Column:
    """The column that gives way when the table is wider than the console: its cells are
    `cell()`s, each cut with "…" on its one line (a title)."""
    return Column(header, overflow="ellipsis", max_width=limit)


def wrapping(header: str) -> Column:
    """The last column, whose text goes on over the next lines: its cells are `Prose`."""
    return Column(header, overflow="fold")


def cell(text: str) -> Text:
    """A cell of a `flexible` column: one line, cut with "…" to the column's width."""
    return Text(one_line(text), no_wrap=True, overflow="ellipsis")


def table(*columns: Column, rows: Iterable[Sequence[RenderableType]], header: bool = True) -> Padding:
    """A plain table under a section heading: no box, two spaces between columns, bold headers
    on a terminal only."""
    t = Table(*columns, box=None, padding=(0, 1), pad_edge=False, show_header=header,
              show_edge=False, expand=False)
    for row in rows:
        t.add_row(*row)
    return indented(t)


# --- text that wraps -------------------------------------------------------------------------


def quoted_units(text: str) -> list[str]:
    """The words of `text`, where a double-quoted part ("CS Ops::Awaiting Feedback", or
    ~"CSOps::In Process" as GitLab writes a label) counts as one word with its spaces."""
    units: list[str] = []
    word, quoted = "", False
    for ch in text:
        if ch == " " and not quoted:
            if word:
                units.append(word)
            word = ""
            continue
        if ch == '"':
            quoted = not quoted
        word += ch
    if word:
        units.append(word)
    return units


class Prose:
    """Text that wraps only between its units, never inside one: a label such as
    "CSOps::Awaiting Feedback" stays on one line (rich's own wrapping breaks at any space). A
    unit wider than the whole width is folded, as it must be. `indent` starts the first line,
    `hang` the others."""

    def __init__(self, units: Sequence[str], indent: str = "", hang: str = "") -> None:
        self.units = [one_line(u) for u in units if u.strip()]
        self.indent, self.hang = indent, hang

    @classmethod
    def of(cls, text: str, indent: str = "", hang: str = "") -> Prose:
        return cls(quoted_units(one_line(text)), indent, hang)

    def lines(self, width: int) -> list[str]:
        out: list[str] = []
        current = self.indent
        started = False  # a unit on the current line
        for unit in self.units:
            candidate = current + (" " if started else "") + unit
            if started and text_width(candidate) > width:
                out.append(current)
                current, candidate = self.hang, self.hang + unit
            current, started = candidate, True
        out.append(current)
        return out

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = max((text_width(u) for u in self.units), default=0)
        margin = max(text_width(self.indent), text_width(self.hang))
        whole = text_width(self.indent + " ".join(self.units))
        return Measurement(min(widest + margin, options.max_width), min(whole, options.max_width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # Each line fits, except one holding a single unit wider than the width: that one folds.
        yield Text("\n".join(self.lines(options.max_width)), overflow="fold")


# --- progress --------------------------------------------------------------------------------


class Progress:
    """A progress bar on stderr (rich's) while an export is read and audited.

    Shown when stderr is a terminal and the work has taken more than half a second (a small
    export finishes without one), or at once with `--progress`; never with `--no-progress`.
    On a terminal it is erased when the work is done; elsewhere (`--progress` into a file) its
    last state is written once. The audit itself is one call into the engine that holds the
    interpreter: a bar not shown before it starts is not shown during it.
    """

    def __init__(self, wanted: bool | None, stream: TextIO | None = None) -> None:
        stream = sys.stderr if stream is None else stream
        tty = stream.isatty()
        self.enabled = tty if wanted is None else wanted
        self.delay = 0.5 if wanted is None else 0.0
        self.started = time.monotonic()
        self.shown = False
        self.bar = rich.progress.Progress(
            rich.progress.TextColumn("{task.description}", markup=False),
            rich.progress.BarColumn(bar_width=30),
            rich.progress.TaskProgressColumn(),
            rich.progress.TextColumn("{task.fields[size]}", markup=False),
            console=Console(file=stream, width=None if tty else WIDTH, markup=False, emoji=False,
                            highlight=False),
            transient=tty,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task: rich.progress.TaskID | None = None

    def begin(self, label: str, total_bytes: int) -> None:
        """Reading `total_bytes` (advanced by `advance`)."""
        self.task = self.bar.add_task(label, total=max(total_bytes, 1), size=_mib(0, total_bytes))
        self._show()

    def advance(self, n: int) -> None:
        if self.task is None:
            return
        self.bar.advance(self.task, n)
        task = self.bar.tasks[self.task]
        self.bar.update(self.task, size=_mib(task.completed, task.total or 0))
        self._show()

    def step(self, label: str) -> None:
        """A step whose end is not known in advance (the audit itself: one call)."""
        if self.task is not None:
            self.bar.update(self.task, completed=self.bar.tasks[self.task].total)
        self.bar.add_task(label, total=None, size="")
        self._show()
        if self.shown:
            self.bar.refresh()  # drawn now: the call that follows keeps the refresher waiting

    def track(self, label: str, done: int, total: int | None, note: str = "") -> None:
        """A count towards `total` (unknown: `None`) under `label`, shown as one line that each
        call updates (a sync: issues listed, label events fetched)."""
        if self.task is None:
            self.task = self.bar.add_task(label, total=total, size=note)
        self.bar.update(self.task, description=label, completed=done, total=total, size=note)
        self._show()

    def finish(self) -> None:
        if self.shown:
            self.bar.stop()
            self.shown = False

    def _show(self) -> None:
        if self.shown or not self.enabled or time.monotonic() - self.started < self.delay:
            return
        self.bar.start()
        self.shown = True


def _mib(done: float, total: float) -> str:
    return f"{done / 2**20:.1f}/{total / 2**20:.1f} MiB"


# --- text for a terminal ---------------------------------------------------------------------


def text_width(s: str) -> int:
    """Columns `s` takes on a terminal (wide CJK characters and emoji take two), as rich counts
    them when it lays out a table."""
    return cell_len(s)


def one_line(s: str) -> str:
    """`s` with line breaks, tabs and control characters as single spaces."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in s).split())


def cut(s: str, width: int) -> str:
    """`s` on one line, cut with "…" to at most `width` columns (for a value quoted in a
    message)."""
    text = Text(one_line(s))
    text.truncate(width, overflow="ellipsis")
    return text.plain


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


def names(items: Sequence[object], most: int = 30) -> str:
    """A list in a message: the first `most`, then how many more."""
    shown = ", ".join(str(n) for n in items[:most])
    return shown + (f", … ({len(items) - most} more)" if len(items) > most else "")


def write_page(path: str, page: str, what: str) -> str:
    """Writes a report's page (one self-contained HTML file) and says where, in one line."""
    target = Path(path)
    try:
        target.write_text(page, encoding="utf-8")
    except OSError as e:
        raise OSError(f"cannot write {what} to {path}: {e.strerror or e}") from None
    size = len(page.encode("utf-8"))
    shown = f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
    return f"Wrote {what} to {path} ({shown}): open it in a browser; it fetches nothing."
