"""Reading what the user hands in: files, JSON, a GitLab export folder, a book of accounts, a
scorecard, a configuration, and the values typed on the command line (a time, a date).

Each problem is an `InputProblem` naming the file or value and what was expected: the command
line prints it as `csops: <message>` and exits with status 2. What a value means is the
library's to say: a time is read by `csops.parse_instant`, a configuration by `csops.Workflow`,
a scorecard by `csops.Scorecard`.
"""

from __future__ import annotations

import argparse
import importlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import csops
from csops.cli.output import PROG, Progress, cut

EVENTS_DIR = "label_events"
EVENTS_FILE = "label_events.json"
BOOK_KINDS = (".csv", ".parquet")


class InputProblem(Exception):
    """A file or value the command cannot use: printed as `csops: <message>`, exit status 2."""


# --- values typed on the command line (argparse `type=`) -------------------------------------


def instant(text: str) -> datetime:
    """A time as typed for "as of" (`--as-of`, `--at`): read by `csops.parse_instant`, whose
    message says what a time looks like; argparse prints it as the option's error."""
    try:
        return csops.parse_instant(text)
    except csops.InputError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def day(text: str) -> date:
    """`--as-of` of the scores: a date."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{cut(text, 64)!r} is not a date: give one like 2026-03-16") from None


# --- files -----------------------------------------------------------------------------------


def kind_of(value: object) -> str:
    """What a JSON value is, in JSON's words."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def existing(path: Path) -> Path:
    if not path.is_file():
        raise InputProblem(f"{path}: no such file")
    return path


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


def read_object(path: Path, what: str) -> dict[str, Any]:
    """A JSON file holding one object (`what` says what it holds, for the message)."""
    value = read_json(existing(path))
    if not isinstance(value, dict):
        raise InputProblem(f"{path}: expected an object of {what}, found {kind_of(value)}")
    return value


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InputProblem(f"{path}: not UTF-8 text: {e}") from None


def needs(module: str, why: str) -> Any:
    """An optional dependency (pandas, pyarrow), or a message saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise InputProblem(f"{why} needs {module}: pip install {module}") from None


# --- a workflow ------------------------------------------------------------------------------


def read_config(path: str | None) -> str | None:
    """`--config FILE`: the configuration's text (JSON or TOML; `csops.Workflow` reads it)."""
    return None if path is None else read_text(existing(Path(path)))


def workflow(directory: dict[str, Any], config: str | None, directory_name: object,
             config_name: object) -> csops.Workflow:
    """`csops.Workflow(directory, config)`, its error naming the file at fault (`.key` says
    which of the two the library refused)."""
    try:
        return csops.Workflow(directory=directory, config=config)
    except csops.ConfigError as e:
        in_directory = e.key == "directory" or e.key.startswith("directory.")
        raise InputProblem(f"{directory_name if in_directory else config_name}: {e}") from None


# --- a GitLab export -------------------------------------------------------------------------


@dataclass
class Export:
    """A folder of GitLab's JSON, as read from disk (the library reads the JSON itself)."""

    folder: Path
    issues: list[Any]
    events: dict[str, Any]
    directory: dict[str, Any]
    directory_path: Path
    name: str = ""  # how the audit's heading names it (default: the folder)

    def __post_init__(self) -> None:
        self.name = self.name or str(self.folder)

    @property
    def label_events(self) -> int:
        return sum(len(v) for v in self.events.values() if isinstance(v, list))

    def titles(self) -> dict[int, str]:
        return {i["iid"]: str(i.get("title") or "") for i in self.issues
                if isinstance(i, dict) and isinstance(i.get("iid"), int)}


def read_export(folder: Path, progress: Progress, directory: Path | None = None) -> Export:
    """An export folder; who is who from `directory` when given, else the folder's
    directory.json."""
    if not folder.exists():
        raise InputProblem(f"{folder}: no such folder")
    if not folder.is_dir():
        raise InputProblem(f"{folder}: not a folder (an export is a folder; see {PROG} audit --help)")
    issues_path = folder / "issues.json"
    directory_path = directory if directory is not None else folder / "directory.json"
    if not issues_path.is_file():
        raise InputProblem(f"{issues_path}: no such file (an export holds issues.json, label events "
                           f"and directory.json; see {PROG} audit --help)")
    if not directory_path.is_file():
        where = "" if directory is not None else (
            " (who is who: put it in the folder as directory.json, or pass --directory FILE; "
            f"see {PROG} audit --help)")
        raise InputProblem(f"{directory_path}: no such file{where}")
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
                           f"/projects/:id/issues), found {kind_of(issues)}")
    directory = read_json(directory_path, progress)
    if not isinstance(directory, dict):
        raise InputProblem(f"{directory_path}: expected an object of people and their roles, "
                           f"found {kind_of(directory)}")
    events: dict[str, Any] = {}
    if events_dir.is_dir():
        for p in event_files:
            one = read_json(p, progress)
            if not isinstance(one, list):
                raise InputProblem(f"{p}: expected a list of label events (GitLab's GET "
                                   f"/projects/:id/issues/:iid/resource_label_events), found {kind_of(one)}")
            events[p.stem] = one
    else:
        everything = read_json(events_file, progress)
        if not isinstance(everything, dict):
            raise InputProblem(f"{events_file}: expected an object of label events by issue iid "
                               f'({{"<iid>": [...], ...}}), found {kind_of(everything)}')
        events = everything
    return Export(folder, issues, events, directory, directory_path)


# --- a book of accounts and a scorecard ------------------------------------------------------


def read_book(path: Path) -> Any:
    """A book of accounts: a pandas DataFrame read from .csv or .parquet."""
    kind = path.suffix.lower()
    if kind not in BOOK_KINDS:
        raise InputProblem(f"{path}: a book is a .csv or .parquet file")
    existing(path)
    pd = needs("pandas", "reading a book")
    try:
        if kind == ".csv":
            return pd.read_csv(path)
        needs("pyarrow", "reading a .parquet book")
        return pd.read_parquet(path)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputProblem(f"{path}: cannot be read as {kind[1:]}: {cut(str(e), 200)}") from None


def read_scorecard(path: Path | None) -> tuple[csops.Scorecard, str]:
    """The scorecard and how to name it in a sentence."""
    if path is None:
        return csops.Scorecard.default(), "the default scorecard"
    kind = path.suffix.lower()
    if kind not in (".json", ".toml"):
        raise InputProblem(f"{path}: a scorecard is a .json or .toml file")
    text = read_text(existing(path))
    try:
        card = csops.Scorecard.from_json(text) if kind == ".json" else csops.Scorecard.from_toml(text)
    except csops.CsopsError as e:
        raise InputProblem(f"{path}: {e}") from None
    return card, f"the scorecard {path}"
