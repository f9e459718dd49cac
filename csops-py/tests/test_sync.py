"""`csops.gitlab.sync` and `python -m csops sync` / `audit --gitlab` against the stand-in GitLab
(`examples/gitlab-standin`, a separate process on loopback): the synced folder audits as the
export it came from, the GIL is released while it runs, errors are `csops.SyncError` with a
`.kind` and never show the token, and Ctrl-C or a raising progress callback stop it without
moving its mark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

import csops
from csops import gitlab

ROOT = Path(__file__).resolve().parents[2]
EXPORT = ROOT / "examples" / "gitlab-export"
TOKEN = "glpat-python-secret"
AS_OF = "2026-03-16T09:00:00Z"
PACKAGE_DIR = str(Path(csops.__file__).resolve().parents[1])


def standin_binary() -> Path:
    """The stand-in, built if it is not (cargo, as the test command has it)."""
    subprocess.run(["cargo", "build", "--quiet", "-p", "gitlab-standin"], cwd=ROOT, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "gitlab-standin"


class Standin:
    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([str(standin_binary()), "--token", TOKEN, *args],
                                     stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url, self.project_id, self.path = self.proc.stdout.readline().split()

    def tally(self) -> dict[str, Any]:
        import urllib.request

        with urllib.request.urlopen(f"{self.url}/_standin/tally") as r:
            out: dict[str, Any] = json.load(r)
            return out

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def export_standin() -> Iterator[Standin]:
    s = Standin("--from-export", str(EXPORT))
    yield s
    s.stop()


@pytest.fixture
def slow_standin() -> Iterator[Standin]:
    s = Standin("--issues", "60", "--events", "5", "--latency-ms", "25")
    yield s
    s.stop()


def audit_of(folder: Path, directory: Path) -> dict[str, Any]:
    issues = json.loads((folder / "issues.json").read_text())
    events = {p.stem: json.loads(p.read_text()) for p in (folder / "label_events").glob("*.json")}
    wf = csops.Workflow(directory=json.loads(directory.read_text()))
    run: dict[str, Any] = gitlab.audit(issues, events, as_of=AS_OF, workflow=wf).to_dict()
    return run


def test_a_synced_folder_audits_as_the_export_it_came_from(export_standin: Standin, tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    report = gitlab.sync(export_standin.url, "cs-ops/requests", tmp_path, token=TOKEN, progress=seen.append)
    assert report["issues_fetched"] == report["issues_in_folder"] == 33
    assert report["full"] and report["calls"] >= 34
    assert seen and seen[-1]["fetched"] == 33 and seen[-1]["listing_done"]
    directory = EXPORT / "directory.json"
    assert audit_of(tmp_path, directory) == audit_of(EXPORT, directory)
    # Again: nothing changed, so one page of the list and the issues within the overlap.
    again = gitlab.sync(export_standin.url, "cs-ops/requests", tmp_path, token=TOKEN)
    assert not again["full"] and again["calls"] < 5 and again["issues_in_folder"] == 33


def test_the_gil_is_released_while_it_syncs(slow_standin: Standin, tmp_path: Path) -> None:
    done = threading.Event()
    report: dict[str, Any] = {}

    def work() -> None:
        report.update(gitlab.sync(slow_standin.url, slow_standin.path, tmp_path, token=TOKEN, concurrency=2))
        done.set()

    t = threading.Thread(target=work)
    t.start()
    spins = 0
    while not done.is_set():
        spins += 1
    t.join()
    # ~31 calls at 25 ms, two at once: ~0.4 s, in which this loop turns far more than 10,000 times
    # (a GIL held through the sync would leave it at a handful).
    assert report["issues_in_folder"] == 60
    assert spins > 10_000, spins


def test_errors_are_sync_errors_with_a_kind_and_never_the_token(export_standin: Standin, tmp_path: Path) -> None:
    with pytest.raises(csops.SyncError) as e:
        gitlab.sync(export_standin.url, "cs-ops/requests", tmp_path, token="glpat-wrong-secret")
    assert e.value.kind == "unauthorized" and "read_api" in str(e.value)
    assert "secret" not in str(e.value) and "secret" not in repr(e.value)
    assert isinstance(e.value, csops.CsopsError)
    with pytest.raises(csops.SyncError) as e:
        gitlab.sync(export_standin.url, "cs-ops/other", tmp_path, token=TOKEN)
    assert e.value.kind == "not_found"
    with pytest.raises(csops.SyncError) as e:
        gitlab.sync(export_standin.url, "cs-ops/requests", tmp_path, token=TOKEN, concurrency=0)
    assert e.value.kind == "setting" and "concurrency" in str(e.value)
    with pytest.raises(csops.SyncError) as e:
        gitlab.sync("gitlab.example.com", "cs-ops/requests", tmp_path, token=TOKEN)
    assert e.value.kind == "target" and "https://" in str(e.value)
    env = {k: v for k, v in os.environ.items() if "GITLAB" not in k}
    code = ("import csops\nfrom csops import gitlab\ntry:\n    gitlab.sync('http://127.0.0.1:9', 'a/b', '.')\n"
            "except csops.SyncError as e:\n    print(e.kind)\n")
    out = subprocess.run([sys.executable, "-c", code], env={**env, "PYTHONPATH": PACKAGE_DIR},
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "no_token"


def test_a_raising_progress_callback_stops_the_sync_and_moves_no_mark(slow_standin: Standin, tmp_path: Path) -> None:
    class Enough(Exception):
        pass

    def stop(p: dict[str, Any]) -> None:
        if p["listed"] >= 10:
            raise Enough

    started = time.monotonic()
    with pytest.raises(Enough):
        gitlab.sync(slow_standin.url, slow_standin.path, tmp_path, token=TOKEN, concurrency=1, progress=stop)
    assert time.monotonic() - started < 5
    state = json.loads((tmp_path / "sync.json").read_text())
    assert state["mark"] is None, "the mark moves only after a whole sync"
    report = gitlab.sync(slow_standin.url, slow_standin.path, tmp_path, token=TOKEN)
    assert report["full"] and report["issues_in_folder"] == 60


def cli(*args: str | Path, token: str = TOKEN, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if "GITLAB" not in k}, "CSOPS_GITLAB_TOKEN": token,
           "PYTHONPATH": PACKAGE_DIR, **extra}
    return subprocess.run([sys.executable, "-m", "csops", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_command_line_syncs_and_audits_a_live_project(export_standin: Standin, tmp_path: Path) -> None:
    url = export_standin.url
    p = cli("sync", url, "cs-ops/requests", tmp_path / "f")
    assert p.returncode == 0, p.stderr
    assert "issues fetched" in p.stdout and "33" in p.stdout
    p = cli("sync", url, "cs-ops/requests", tmp_path / "f", "--json")
    assert json.loads(p.stdout)["issues_in_folder"] == 33

    by_hand = cli("audit", EXPORT, "--as-of", AS_OF)
    live = cli("audit", "--gitlab", url, "--project", "cs-ops/requests", "--directory",
               EXPORT / "directory.json", "--as-of", AS_OF, XDG_CACHE_HOME=str(tmp_path / "cache"))
    assert live.returncode == 0, live.stderr
    # The same report, under its own heading.
    assert live.stdout.splitlines()[1:] == by_hand.stdout.splitlines()[1:]
    assert (tmp_path / "cache" / "csops" / "gitlab").is_dir()

    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    p = cli("sync", url, "cs-ops/requests", tmp_path / "g", "--token-file", token_file, token="")
    assert p.returncode == 0, p.stderr

    wrong = cli("sync", url, "cs-ops/requests", tmp_path / "h", token="glpat-wrong-secret")
    assert wrong.returncode == 2 and "HTTP 401" in wrong.stderr and "Traceback" not in wrong.stderr
    assert "secret" not in wrong.stderr + wrong.stdout
    missing = cli("audit", "--gitlab", url)
    assert missing.returncode == 2 and "--project" in missing.stderr
    both = cli("audit", EXPORT, "--gitlab", url, "--project", "x")
    assert both.returncode == 2 and "not both" in both.stderr
    no_people = cli("audit", tmp_path / "f")
    assert no_people.returncode == 2 and "--directory" in no_people.stderr
