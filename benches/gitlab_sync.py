"""The GitLab sync side by side (issue 31), against the stand-in GitLab answering every call in
30 ms, in one run, and written to the section "The GitLab sync" of benches/RESULTS.md:

- a full sync of 5,000 issues (about 20 label events each; every 40th has 60, past one page):
  `csops.gitlab.sync` beside the loop a user writes with python-gitlab (`issues.list(iterator=
  True)`, then `resourcelabelevents.list(get_all=True)` per issue), at the same latency;
- an incremental sync after 1 % of the issues changed: its calls against the full sync's;
- `audit` of the synced folder against `audit` of the same data written directly;
- a sync under a 600 calls/min rate limit (GitLab's Rack::Attack fixed windows): the most calls
  in a window after the first 429, and the share of the limit used in the steady windows.

Usage: python benches/gitlab_sync.py [--issues N] [--quick] [--out RESULTS.md]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import csops
from csops import gitlab as csops_gitlab

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "glpat-bench"
HEADING = "## The GitLab sync"


class Standin:
    def __init__(self, *args: str) -> None:
        binary = ROOT / "target" / "release" / "gitlab-standin"
        self.proc = subprocess.Popen([str(binary), "--token", TOKEN, *args], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.url, self.project_id, self.path = self.proc.stdout.readline().split()

    def control(self, what: str) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.url}/_standin/{what}") as r:
            out: dict[str, Any] = json.load(r)
            return out

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()


def python_gitlab_loop(url: str, path: str) -> tuple[int, int]:
    """What a user writes with python-gitlab: every issue, then every page of its label events."""
    import gitlab

    gl = gitlab.Gitlab(url, private_token=TOKEN)
    project = gl.projects.get(path, lazy=True)
    issues, events = 0, 0
    for issue in project.issues.list(iterator=True):
        issues += 1
        events += len(issue.resourcelabelevents.list(get_all=True))
    return issues, events


def audit(folder: Path, directory: dict[str, Any]) -> dict[str, Any]:
    issues = json.loads((folder / "issues.json").read_text())
    events = {p.stem: json.loads(p.read_text()) for p in (folder / "label_events").glob("*.json")}
    wf = csops.Workflow(directory=directory)
    run: dict[str, Any] = csops_gitlab.audit(issues, events, as_of="2026-12-01T00:00:00Z", workflow=wf).to_dict()
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--issues", type=int, default=5000)
    ap.add_argument("--quick", action="store_true", help="500 issues, no rate-limit run")
    ap.add_argument("--out", type=Path, default=ROOT / "benches" / "RESULTS.md")
    args = ap.parse_args()
    n = 500 if args.quick else args.issues
    subprocess.run(["cargo", "build", "--locked", "--release", "--quiet", "-p", "gitlab-standin"], cwd=ROOT, check=True)
    work = Path(tempfile.mkdtemp(prefix="csops-sync-bench-"))
    rows: list[list[str]] = []
    try:
        hand = work / "hand"
        s = Standin("--issues", str(n), "--events", "20", "--latency-ms", "30")
        try:
            started = time.perf_counter()
            full = csops_gitlab.sync(s.url, s.path, work / "synced", token=TOKEN)
            csops_s = time.perf_counter() - started
            csops_calls = s.control("tally")["calls"]
            s.control("reset")
            started = time.perf_counter()
            loop_issues, loop_events = python_gitlab_loop(s.url, s.path)
            loop_s = time.perf_counter() - started
            loop_calls = s.control("tally")["calls"]
            assert loop_issues == full["issues_in_folder"] and loop_events == full["label_events"], (loop_issues, loop_events, full)
            rows.append([f"full sync of {n:,} issues, {full['label_events']:,} label events, 30 ms a call",
                         f"{csops_s:.1f} s, {csops_calls:,} calls (8 at once)",
                         f"{loop_s:.1f} s, {loop_calls:,} calls", f"{loop_s / csops_s:.1f}x faster"])
            touched = max(1, n // 100)
            s.control(f"touch?count={touched}&seed=7")
            s.control("reset")
            started = time.perf_counter()
            inc = csops_gitlab.sync(s.url, s.path, work / "synced", token=TOKEN)
            inc_s = time.perf_counter() - started
            rows.append([f"incremental sync after {touched} issues (1 %) changed",
                         f"{inc_s:.2f} s, {inc['calls']:,} calls = {100 * inc['calls'] / full['calls']:.1f} % of the full sync's "
                         f"({inc['issues_fetched']} issues fetched)", "—", ""])
        finally:
            s.stop()
        # The same data (the same seed) written directly: the audit of both must agree.
        s = Standin("--issues", str(n), "--events", "20", "--write-export", str(hand))
        try:
            fresh = work / "fresh"
            csops_gitlab.sync(s.url, s.path, fresh, token=TOKEN)
        finally:
            s.stop()
        directory = json.loads((ROOT / "examples" / "gitlab-export" / "directory.json").read_text())
        same = audit(fresh, directory) == audit(hand, directory)
        rows.append([f"audit of the synced folder = audit of the same {n:,} issues written directly", "yes" if same else "NO", "", ""])
        if not args.quick:
            issues = 2500
            s = Standin("--issues", str(issues), "--events", "8", "--latency-ms", "30", "--rate-limit", "600",
                        "--window-secs", "60")
            try:
                started = time.perf_counter()
                r = csops_gitlab.sync(s.url, s.path, work / "limited", token=TOKEN)
                took = time.perf_counter() - started
                t = s.control("tally")
            finally:
                s.stop()
            windows = [t["windows"][k] for k in sorted(t["windows"], key=int)]
            first = sorted(t["windows"], key=int).index(str(t["first_throttled_window"]))
            after = windows[first + 1:]
            steady = after[1:-1]
            rows.append([f"sync of {issues:,} issues ({r['calls']:,} calls) under 600 calls/min (fixed windows)",
                         f"{took:.0f} s; calls per window: {', '.join(map(str, windows))}; after the first 429 at most "
                         f"{max(after)} (limit 600); steady windows used {min(steady) / 6:.0f}–{max(steady) / 6:.0f} % "
                         f"of the limit; {r['rate_limited']} answers were 429", "", ""])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    write(args.out, rows, n)


def write(out: Path, rows: list[list[str]], n: int) -> None:
    day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    lines = [HEADING, "",
             f"Written by `benches/gitlab_sync.py` on {day} (run by `scripts/bench`): `csops.gitlab.sync` (the crate "
             "csops-gitlab, release build) and python-gitlab 6 against the stand-in GitLab (`examples/gitlab-standin`, "
             "a second process answering every call after 30 ms, pages and headers as GitLab's), on this machine's two "
             "cores. python-gitlab's loop is the one its docs show: `issues.list(iterator=True)` and "
             "`resourcelabelevents.list(get_all=True)` per issue, its default 20 a page.", "",
             "| figure | csops | python-gitlab loop | |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    text = out.read_text() if out.exists() else ""
    start = text.find(HEADING)
    if start >= 0:
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + "\n".join(lines) + "\n" + (text[end + 1:] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    out.write_text(text)
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
